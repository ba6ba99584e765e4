# Runtime lifecycle tests (included by the top-level CMakeLists.txt): the
# etrace binary loads real BPF, as root, against rt_target; one ctest test
# per case of tests/runtime/lifecycle.sh (label runtime; 77 = skipped).
add_executable(rt_target ${CMAKE_CURRENT_LIST_DIR}/../progs/rt_target.c)

set(ETRACE_LIFECYCLE_CASES
  begin_exit exit_code begin_end_order quiet output_file json
  tracepoint_count tracepoint_wildcard child_output_after_begin
  child_missing child_exit_code pid_ends interval profile_software
  uprobe usym latency lost_accounting verifier_failure rawtracepoint iter cat_system sigint sigterm many_tracepoints
  tracepoint_perf_events many_uprobes rejected_wildcard_ends
  dry_run_loads_nothing sigkill kaddr for_exit kprobe_sentence
  fentry_sentence hardware_sentence attach_failure_detaches info)
etrace_runtime_cases(lifecycle ${CMAKE_CURRENT_LIST_DIR}/lifecycle.sh 60
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:rt_target>
  CASES ${ETRACE_LIFECYCLE_CASES})

# the unit test of the attach table links the runtime
if(TARGET test_attach)
  target_link_libraries(test_attach PRIVATE etrace_runtime)
endif()
