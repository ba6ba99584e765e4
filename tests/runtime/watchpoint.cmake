# Watchpoints (included by tests/CMakeLists.txt after
# tests/progs/watch/progs.cmake): addresses, function arguments, async,
# wildcards, unwatch(), debug registers; one ctest test per case of
# tests/runtime/watchpoint.sh (label runtime; real BPF and hardware
# breakpoints as root, 77 = skipped).
etrace_runtime_cases(watchpoint ${CMAKE_CURRENT_LIST_DIR}/watchpoint.sh 90
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/watch/watch_prog
  CASES func_sync func_async registers wildcard thread unwatch address pid
        arm_failure)
