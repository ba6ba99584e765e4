# Runtime tests of the protocols recipe (protocol detection) against real
# servers and clients (included by tests/CMakeLists.txt; label runtime,
# real BPF as root, 77 = skipped when a server is not installed).
etrace_runtime_cases(protocols ${CMAKE_CURRENT_LIST_DIR}/protocols.sh 300
  ARGS $<TARGET_FILE:etrace>
  CASES detect)
