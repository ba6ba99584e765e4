# Runtime tests of HTTP/2 and the grpc recipe against python3-grpcio
# (included by tests/CMakeLists.txt; label runtime, real BPF as root,
# 77 = skipped when grpcio is not installed).
etrace_runtime_cases(h2 ${CMAKE_CURRENT_LIST_DIR}/h2.sh 90
  ARGS $<TARGET_FILE:etrace>
  CASES grpc_h2c grpc_run grpc_tls h2load_h2c h2load_tls websocket)
