# bpftrace's tools (/usr/sbin/*.bt) and the stdlib recipes under etrace,
# as root with real BPF, against generated activity and compared with
# bpftrace 0.17 (run-tool.sh). CTest label: runtime. A test exits 77
# (skipped) when not root, or when its tool needs uprobes and etrace's do
# not work yet (an expected failure, with the reason in the output).
set(ETRACE_TOOLS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(ETRACE_ACTIVITY_SRC ${CMAKE_CURRENT_LIST_DIR}/../../progs/activity)
set(ETRACE_ACTIVITY_BIN ${CMAKE_CURRENT_BINARY_DIR}/tests/activity)

# Programs that make the activity some tools watch. Plain C, no etrace
# library; the binary name is the comm the tools print.
find_package(Threads REQUIRED)
foreach(prog nanosleep threads tcpdrop tcpconn)
  add_executable(activity_${prog} ${ETRACE_ACTIVITY_SRC}/${prog}.c)
  set_target_properties(activity_${prog} PROPERTIES
    OUTPUT_NAME ${prog} RUNTIME_OUTPUT_DIRECTORY ${ETRACE_ACTIVITY_BIN})
endforeach()
target_link_libraries(activity_threads PRIVATE Threads::Threads)
# threadsnoop symbolizes the thread's start routine: keep the symbols.
target_compile_options(activity_threads PRIVATE -g -O1)

# The 18 tools whose probes exist here, and vfscount (kprobes: must be
# refused with the reason).
set(ETRACE_TOOLS
  bashreadline bitesize cpuwalk execsnoop gethostlatency killsnoop naptime
  opensnoop pidpersec setuids ssllatency sslsnoop statsnoop syncsnoop
  syscount tcpdrop threadsnoop writeback vfscount)
foreach(tool ${ETRACE_TOOLS})
  list(APPEND ETRACE_TOOL_CASES tool/${tool})
endforeach()
# bpftrace 0.26.1's tools whose probes exist here (tracepoints, uprobes,
# profile, interval: not kprobes), unchanged (tests/data/bt026-tools/)
set(ETRACE_BT026_RUNNABLE
  bashreadline biolatency biosnoop biostacks bitesize cpuwalk execsnoop
  gethostlatency killsnoop loads naptime opensnoop pidpersec runqlat runqlen
  setuids ssllatency sslsnoop statsnoop syncsnoop syscount tcpdrop
  threadsnoop writeback)
foreach(tool ${ETRACE_BT026_RUNNABLE})
  list(APPEND ETRACE_TOOL_CASES bt026/${tool})
endforeach()
file(GLOB ETRACE_RECIPES CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_LIST_DIR}/../../../stdlib/*.et)
foreach(src ${ETRACE_RECIPES})
  get_filename_component(name ${src} NAME_WE)
  # the Go recipes trace a Go program: tests/runtime/go.sh (recipes)
  if(NOT name MATCHES "^go")
    list(APPEND ETRACE_TOOL_CASES stdlib/${name})
  endif()
endforeach()

foreach(case ${ETRACE_TOOL_CASES})
  add_test(NAME runtime/${case}
           COMMAND ${ETRACE_TOOLS_DIR}/run-tool.sh $<TARGET_FILE:etrace>
                   ${ETRACE_ACTIVITY_BIN} ${case}
                   ${CMAKE_CURRENT_BINARY_DIR}/tests/tools-out)
  # the tools watch the whole system: one at a time, so that one test's
  # activity (and its kill/exec/open) cannot land in another's output
  set_tests_properties(runtime/${case} PROPERTIES LABELS runtime
                       SKIP_RETURN_CODE 77 TIMEOUT 90
                       RESOURCE_LOCK system-wide-tracer)
endforeach()
