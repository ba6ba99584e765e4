# The fault suite (issue #18; included by tests/CMakeLists.txt): etrace
# under the faults a tracer meets (a full disk, a closed pipe, full maps,
# an overloaded ring buffer, the traced binary deleted or replaced, its
# process exec'ing or killed, tracefs unmounted, signals under load, two
# instances), one ctest test per case of tests/faults/faults.sh, as root
# (label faults; 77 = skipped). fault_target is the traced program (the
# settings tests use it too). The soak test is a benchmark:
# tests/bench/soak.sh.
add_executable(fault_target ${CMAKE_CURRENT_LIST_DIR}/../progs/fault_target.c)
target_link_libraries(fault_target PRIVATE ${CMAKE_DL_LIBS})

set(ETRACE_FAULT_CASES
  full_disk stdout_full closed_pipe map_full interval_dumps str_and_reads
  binary_deleted binary_replaced exec_other target_killed tracefs_unmounted
  ringbuf_overload sigstop_sigcont two_instances ctrl_c_self_feeding
  sigterm_in_command sigusr1)
foreach(c ${ETRACE_FAULT_CASES})
  add_test(NAME faults/${c}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/faults.sh
                   $<TARGET_FILE:etrace> $<TARGET_FILE:fault_target> ${c})
  set_tests_properties(faults/${c} PROPERTIES LABELS faults
                       SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()
