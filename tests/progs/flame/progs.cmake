# The flame graph test program (included by tests/CMakeLists.txt): built
# with the system compiler, -O0 and frame pointers, into
# build/tests/progs/flame for tests/runtime/flame.sh.
set(FLAME_OUT ${CMAKE_BINARY_DIR}/tests/progs/flame)
file(MAKE_DIRECTORY ${FLAME_OUT})
find_program(FLAME_CC NAMES gcc cc)
add_custom_command(OUTPUT ${FLAME_OUT}/flame_prog
  COMMAND ${FLAME_CC} -g -O0 -fno-omit-frame-pointer -Wall
          -o ${FLAME_OUT}/flame_prog ${CMAKE_CURRENT_LIST_DIR}/flame_prog.c
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/flame_prog.c
  COMMENT "Building the flame graph test program" VERBATIM)
add_custom_target(flame_progs ALL DEPENDS ${FLAME_OUT}/flame_prog)
