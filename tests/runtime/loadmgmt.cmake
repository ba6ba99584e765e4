# Load management (rate limits, sample(), --max-overhead): one ctest test
# per case of tests/runtime/loadmgmt.sh (label runtime; real BPF as root,
# 77 = skipped), against loadmgmt_target, built here.
add_executable(loadmgmt_target ${CMAKE_CURRENT_LIST_DIR}/loadmgmt_target.c)
etrace_runtime_cases(loadmgmt ${CMAKE_CURRENT_LIST_DIR}/loadmgmt.sh 240
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       $<TARGET_FILE:loadmgmt_target>
  CASES rate_config rate_probe rate_aot sample runaway)
