# bpftrace 0.26's builtins and functions, checked by their values (real
# BPF as root): one ctest test per case of tests/runtime/builtins.sh
# (label runtime; 77 = skipped).
set(ETRACE_BUILTINS_CASES getopt getopt_aot getopt_errors task ids clocks
  misc kstacks usermode strings names diagnostics types enums)
etrace_runtime_cases(builtins ${CMAKE_CURRENT_LIST_DIR}/builtins.sh 60
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
  CASES ${ETRACE_BUILTINS_CASES})
