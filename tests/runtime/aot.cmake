# Runtime tests of ahead-of-time programs (included by tests/CMakeLists.txt):
# one ctest test per case of tests/runtime/aot.sh (label runtime; real BPF
# as root, 77 = skipped): etrace --compile-only, etrace-run, etrace prog.eto.
etrace_runtime_cases(aot ${CMAKE_CURRENT_LIST_DIR}/aot.sh 120
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       $<TARGET_FILE:rt_target>
  CASES same_output pid_at_run_time run_time_needs refused compiler_options
        tracepoint_layout)
