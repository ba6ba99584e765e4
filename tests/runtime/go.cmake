# Go programs (issue #16): arguments by Go's ABI, returns through uprobes
# on RET instructions, latency by goroutine, goid, survival under probes;
# one ctest test per case of tests/runtime/go.sh (label runtime; real BPF
# as root, 77 = skipped without a Go toolchain).
etrace_runtime_cases(go ${CMAKE_CURRENT_LIST_DIR}/go.sh 240
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
  CASES args args_typed list results deep panic goroutines survive never aot recipes cgo stripped)
