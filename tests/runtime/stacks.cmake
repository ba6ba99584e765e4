# Stacks compared with gdb (issue #12; included by tests/CMakeLists.txt):
# the programs of tests/progs/stacks/progs.cmake, and one ctest test per
# LANG_BUILD_KIND_SCENARIO case of tests/runtime/stacks.sh (labels runtime
# and stacks; 77 = skipped), each comparing etrace's ustack with gdb's
# backtrace: 3 languages, 2 builds, 5 kinds of probe, 4 scenarios.
include(${CMAKE_CURRENT_LIST_DIR}/../progs/stacks/progs.cmake)
set(ETRACE_STACKS_CASES "")
foreach(lang c cpp rs)
  foreach(build nofp fp)
    foreach(kind entry mid syscall profile start)
      foreach(scenario deep rec qsort signal)
        list(APPEND ETRACE_STACKS_CASES ${lang}_${build}_${kind}_${scenario})
      endforeach()
    endforeach()
  endforeach()
endforeach()
etrace_runtime_cases(stacks ${CMAKE_CURRENT_LIST_DIR}/stacks.sh 120
  ARGS $<TARGET_FILE:etrace> ${STACKS_OUT}
  CASES ${ETRACE_STACKS_CASES})
foreach(c ${ETRACE_STACKS_CASES})
  set_tests_properties(runtime/stacks/${c} PROPERTIES LABELS "runtime;stacks")
endforeach()
