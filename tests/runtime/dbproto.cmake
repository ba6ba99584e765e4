# Runtime tests of the database recipes and of redaction against real
# servers and clients (included by tests/CMakeLists.txt; label runtime,
# real BPF as root, 77 = skipped when a server is not installed).
etrace_runtime_cases(dbproto ${CMAKE_CURRENT_LIST_DIR}/dbproto.sh 120
  ARGS $<TARGET_FILE:etrace>
  CASES redis pgsql mysql redact)
