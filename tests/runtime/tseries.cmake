# Runtime tests of tseries() (included by tests/CMakeLists.txt): one ctest
# test per case of tests/runtime/tseries.sh (label runtime; real BPF as
# root, 77 = skipped).
etrace_runtime_cases(tseries ${CMAKE_CURRENT_LIST_DIR}/tseries.sh 60
  ARGS $<TARGET_FILE:etrace>
  CASES text json paced percpu)
