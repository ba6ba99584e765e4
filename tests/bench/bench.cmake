# tests/bench: the benchmark against bpftrace 0.17 (issue #5). Not a
# ctest test (speed targets never live in timed tests): targets to run by
# hand, as root.
#   make bench        tests/bench/bench.sh on this build's etrace
#   make link-order   regenerate runtime/etrace.order from this build
add_custom_target(bench
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/bench.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "Benchmarking etrace against bpftrace (needs root)")
add_custom_target(link-order
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/mkorder.sh $<TARGET_FILE:etrace>
  DEPENDS etrace USES_TERMINAL
  COMMENT "Profiling etrace for runtime/etrace.order (needs root)")
