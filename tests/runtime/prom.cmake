# Maps as Prometheus metrics (--metrics-addr): one ctest test per case of
# tests/runtime/prom.sh (label runtime; real BPF as root, curl, promtool
# and Prometheus 2.42 from Debian's prometheus; 77 = skipped).
etrace_runtime_cases(prom ${CMAKE_CURRENT_LIST_DIR}/prom.sh 180
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       $<TARGET_FILE:rt_target>
  CASES scrape prometheus config port_in_use exit_scrape grafana)
