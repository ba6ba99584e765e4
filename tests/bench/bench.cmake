# tests/bench: the benchmark against bpftrace 0.17 (issue #5). Not a
# ctest test (speed targets never live in timed tests): targets to run by
# hand, as root. The one test here checks the link order's staleness.
#   make bench        tests/bench/bench.sh on this build's etrace
#   make link-order   regenerate runtime/etrace.order.gz from this build
#   make profile-cost tests/bench/profile-cost.sh: profile:hz:999 with
#                     @[ustack] against bpftrace and perf --call-graph dwarf
#   make go-cost      tests/bench/go-cost.sh: entry+return probes per call
#                     on a Go function against the same on a C function
#   make python-cost  tests/bench/python-cost.sh: pycalls's cost per call
#   make runtime-cost tests/bench/runtime-cost.sh: busy Python, Java and
#                     Node.js programs' work per CPU-second of their own
#                     under mixed stacks at 99 Hz, and the BPF time of it
#   make ustack-run-time  tests/bench/ustack-run-time.sh: the BPF run time
#                     of one ustack sample with Python frames
add_custom_target(bench
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/bench.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "Benchmarking etrace against bpftrace (needs root)")
add_custom_target(profile-cost
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/profile-cost.sh $<TARGET_FILE:etrace>
          ${CMAKE_BINARY_DIR}/tests/progs/stacks
  DEPENDS etrace stacks_progs USES_TERMINAL
  COMMENT "The CPU cost of sampling user stacks (needs root)")
add_custom_target(go-cost
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/go-cost.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "The cost per call of entry+return probes on Go and C (needs root)")
add_custom_target(python-cost
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/python-cost.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "The cost of pycalls (needs root)")
add_custom_target(runtime-cost
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/runtime-cost.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "The cost of Python, Java and Node.js frames in stacks (needs root)")
add_custom_target(ustack-run-time
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/ustack-run-time.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "The BPF run time of a ustack sample with Python frames (needs root)")
add_custom_target(link-order
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/mkorder.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "Profiling etrace for runtime/etrace.order.gz (needs root)")

# linkorder/fresh: the link order still fits the binary (tests/bench/
# checkorder.sh: few listed names gone, few executed pages unlisted, the
# listed code together). Only where the link uses it (lld, no sanitizer).
# pagetouch.so records the pages a run executes (LD_PRELOAD).
if(ETRACE_ORDER)
  add_library(pagetouch MODULE ${CMAKE_CURRENT_LIST_DIR}/pagetouch.c)
  set_target_properties(pagetouch PROPERTIES PREFIX "")
  add_test(NAME linkorder/fresh
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/checkorder.sh
                   $<TARGET_FILE:etrace> ${ETRACE_ORDER}
                   $<TARGET_FILE:pagetouch>)
  set_tests_properties(linkorder/fresh PROPERTIES LABELS linkorder
                       TIMEOUT 120)
endif()
#   make http-cost    tests/bench/http-cost.sh: nginx under wrk and h2load
#                     paced at 10k requests/s, untraced
#                     and under `etrace http`, and etrace's own CPU
add_custom_target(http-cost
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/http-cost.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "The cost of etrace http on nginx under wrk and h2load (needs root)")
#   make h2-cost      tests/bench/h2-cost.sh: nginx's http2 under h2load,
#                     untraced and under `etrace grpc`, and etrace's CPU
add_custom_target(h2-cost
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/h2-cost.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "The cost of etrace grpc on nginx's http2 under h2load (needs root)")

# tests/bench/otlp.sh: the OTLP exporter alone (otlp_push) and in a run
add_executable(otlp_push ${CMAKE_CURRENT_LIST_DIR}/otlp_push.c)
target_link_libraries(otlp_push PRIVATE etrace_runtime)
# otlp_sink: a minimal C receiver (counts spans with protobuf-c), to
# tell the exporter's limit from the Node receiver's
add_executable(otlp_sink ${CMAKE_CURRENT_LIST_DIR}/otlp_sink.c)
target_include_directories(otlp_sink PRIVATE ${OTLP_GEN_DIR}
  ${PROTOBUFC_INCLUDE_DIRS})
target_link_libraries(otlp_sink PRIVATE etrace_runtime ${MHD_LIBRARIES})
add_custom_target(bench-otlp
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/otlp.sh $<TARGET_FILE:etrace>
          $<TARGET_FILE:otlp_push> $<TARGET_FILE:otlp_sink>
  DEPENDS etrace otlp_push otlp_sink USES_TERMINAL
  COMMENT "Spans per second exported over OTLP (needs root, node, npm)")

# tests/bench/redact.sh: the cost per string of redaction (redact_bench)
add_executable(redact_bench ${CMAKE_CURRENT_LIST_DIR}/redact_bench.c)
target_link_libraries(redact_bench PRIVATE etrace_runtime)
add_custom_target(bench-redact
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/redact.sh $<TARGET_FILE:redact_bench>
  DEPENDS redact_bench USES_TERMINAL
  COMMENT "The cost per string of redaction")
