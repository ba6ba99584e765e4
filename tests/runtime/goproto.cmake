# Go protocols as spans (issue #16 part 6): span("name") on Go functions
# and the gohttp recipe against a net/http server and client the test
# builds. One ctest test per case of tests/runtime/goproto.sh (label
# runtime; real BPF as root, 77 = skipped without a Go toolchain).
etrace_runtime_cases(goproto ${CMAKE_CURRENT_LIST_DIR}/goproto.sh 240
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
  CASES funcspan goroutines tls grpc server client)
