# Runtime tests of the protocol parsers and the http recipe against real
# servers and clients (included by tests/CMakeLists.txt; label runtime,
# real BPF as root, 77 = skipped when a server is not installed).
etrace_runtime_cases(proto ${CMAKE_CURRENT_LIST_DIR}/proto.sh 240
  ARGS $<TARGET_FILE:etrace>
  CASES syscalls python_server nginx gnutls wrk pipeline options node_tls
        distributed redis pgsql mysql)
