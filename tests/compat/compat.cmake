# Differential suite (ctest label "compat"): every tests/compat/cases/*.bt
# runs under bpftrace 0.17 and under etrace on the same workload and must
# print the same stdout with the same exit status. Needs root and
# bpftrace; exits 77 (skipped) without them. One test per case; the cases
# share the workload's comm, so they never run in parallel.
include(${CMAKE_CURRENT_LIST_DIR}/../progs/workload/workload.cmake)

file(GLOB COMPAT_CASES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/cases/*.bt)
foreach(src ${COMPAT_CASES})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME compat/${name}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh
                   -w $<TARGET_FILE:workload> $<TARGET_FILE:etrace> ${src})
  set_tests_properties(compat/${name} PROPERTIES LABELS compat
                       SKIP_RETURN_CODE 77 RESOURCE_LOCK etrace_workload
                       TIMEOUT 150)
endforeach()

# The suite's own check: bpftrace prints the same for every case three
# times in a row (no pids, timestamps or hash order in the expected output);
# label "selfcheck" so that `ctest -L compat` does not run it
add_test(NAME selfcheck/compat-bpftrace-deterministic
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh -w $<TARGET_FILE:workload>
                 --check-bpftrace 3)
set_tests_properties(selfcheck/compat-bpftrace-deterministic PROPERTIES
                     LABELS selfcheck SKIP_RETURN_CODE 77
                     RESOURCE_LOCK etrace_workload TIMEOUT 1800)

# ... and the runner notices a mismatch: /bin/true as "etrace" prints
# nothing where bpftrace prints a map, so this run must fail
add_test(NAME selfcheck/compat-runner-detects-diff
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh -w $<TARGET_FILE:workload>
                 /bin/true ${CMAKE_CURRENT_LIST_DIR}/cases/syntax_comments.bt)
set_tests_properties(selfcheck/compat-runner-detects-diff PROPERTIES
                     LABELS selfcheck SKIP_RETURN_CODE 77 WILL_FAIL TRUE
                     RESOURCE_LOCK etrace_workload)
