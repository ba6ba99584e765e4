# Runtime tests of span blocks (included by tests/CMakeLists.txt): one
# ctest test per case of tests/runtime/spans.sh (label runtime; real BPF
# as root, 77 = skipped), against tests/progs/spans/span_target.
etrace_runtime_cases(spans ${CMAKE_CURRENT_LIST_DIR}/spans.sh 120
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/spans/span_target
  CASES pairing text nesting expiry overflow events threads traceparent
        recursion aot stack status event_attrs
        fields rebegun server)
