# The watchpoint test program (included by tests/CMakeLists.txt): built
# with the system compiler into build/tests/progs/watch for
# tests/runtime/watchpoint.sh.
set(WATCH_OUT ${CMAKE_BINARY_DIR}/tests/progs/watch)
file(MAKE_DIRECTORY ${WATCH_OUT})
find_program(WATCH_CC NAMES gcc cc)
add_custom_command(OUTPUT ${WATCH_OUT}/watch_prog
  COMMAND ${WATCH_CC} -g -O2 -Wall -pthread -o ${WATCH_OUT}/watch_prog
          ${CMAKE_CURRENT_LIST_DIR}/watch_prog.c
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/watch_prog.c
  COMMENT "Building the watchpoint test program" VERBATIM)
add_custom_target(watch_progs ALL DEPENDS ${WATCH_OUT}/watch_prog)
