# The span test program (included by tests/CMakeLists.txt): built with
# the system compiler into build/tests/progs/spans for
# tests/runtime/spans.sh and tests/bench/spans.sh.
set(SPANS_OUT ${CMAKE_BINARY_DIR}/tests/progs/spans)
file(MAKE_DIRECTORY ${SPANS_OUT})
find_program(SPANS_CC NAMES gcc cc)
add_custom_command(OUTPUT ${SPANS_OUT}/span_target
  COMMAND ${SPANS_CC} -g -O2 -Wall -pthread -fno-omit-frame-pointer
          -o ${SPANS_OUT}/span_target ${CMAKE_CURRENT_LIST_DIR}/span_target.c
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/span_target.c
  COMMENT "Building the span test program" VERBATIM)
add_custom_target(span_progs ALL DEPENDS ${SPANS_OUT}/span_target)
