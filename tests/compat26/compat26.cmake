# compat26: every tool of bpftrace 0.26.1's tools/ directory
# (tests/data/bt026-tools/) through `etrace --dry-run`, one test each
# (compat26/dry-run/NAME), each held to tests/compat26/tools.expect: it
# passes, or fails only naming a kernel function or field this kernel
# lacks. compat26/dry-run/list checks the list matches the directory.
set(ETRACE_COMPAT26_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB ETRACE_BT026_TOOLS CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_LIST_DIR}/../data/bt026-tools/*.bt)
add_test(NAME compat26/dry-run/list
         COMMAND ${ETRACE_COMPAT26_DIR}/dry-run.sh $<TARGET_FILE:etrace> --list)
set_tests_properties(compat26/dry-run/list PROPERTIES LABELS compat26)
foreach(src ${ETRACE_BT026_TOOLS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME compat26/dry-run/${name}
           COMMAND ${ETRACE_COMPAT26_DIR}/dry-run.sh $<TARGET_FILE:etrace> ${name})
  set_tests_properties(compat26/dry-run/${name} PROPERTIES LABELS compat26
                       SKIP_RETURN_CODE 77 TIMEOUT 150)
endforeach()

# Every tool run for real (compat26/run/NAME, run-tool.sh): one that
# passes --dry-run and whose probes exist here attaches, runs a second
# and ends on SIGINT with status 0, no error; the others stop with the
# reason.
foreach(src ${ETRACE_BT026_TOOLS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME compat26/run/${name}
           COMMAND ${ETRACE_COMPAT26_DIR}/run-tool.sh $<TARGET_FILE:etrace> ${name})
  set_tests_properties(compat26/run/${name} PROPERTIES LABELS compat26
                       SKIP_RETURN_CODE 77 TIMEOUT 120
                       RESOURCE_LOCK system-wide-tracer)
endforeach()

# The lessons of bpftrace 0.26.1's one-liner tutorial
# (tests/data/bt026-tutorial.md), their commands unchanged: run for real
# where their probes exist here, --dry-run for the kprobe lessons.
foreach(lesson RANGE 1 12)
  add_test(NAME compat26/tutorial/lesson${lesson}
           COMMAND ${ETRACE_COMPAT26_DIR}/tutorial.sh $<TARGET_FILE:etrace> ${lesson})
  set_tests_properties(compat26/tutorial/lesson${lesson} PROPERTIES
                       LABELS compat26 SKIP_RETURN_CODE 77 TIMEOUT 60
                       RESOURCE_LOCK system-wide-tracer)
endforeach()
