# The programs of the stack tests (tests/runtime/stacks.sh), included by
# tests/runtime/stacks.cmake: stk_c.c, stk_cpp.cpp and stk_rs.rs, each
# built -O2 twice, without frame pointers (NAME_nofp) and with them
# (NAME_fp), with the system compilers directly and the project's flags
# (sanitizers) left out, into build/tests/progs/stacks. Rust: Debian's
# rustc (package rustc) called directly, no cargo; without rustc the
# Rust cases are skipped.
set(STACKS_SRC ${CMAKE_CURRENT_LIST_DIR})
set(STACKS_OUT ${CMAKE_BINARY_DIR}/tests/progs/stacks)
file(MAKE_DIRECTORY ${STACKS_OUT})

find_program(STACKS_CC NAMES gcc cc)
find_program(STACKS_CXX NAMES g++ c++)
find_program(STACKS_RUSTC NAMES rustc HINTS /usr/bin)

set(STACKS_OUTPUTS "")
# stacks_prog(NAME SOURCE COMPILER FLAGS...): NAME_nofp and NAME_fp
macro(stacks_prog name src compiler)
  foreach(fp nofp fp)
    if("${fp}" STREQUAL "fp")
      if("${src}" MATCHES "\\.rs$")
        set(_fpflags -C force-frame-pointers=yes)
      else()
        set(_fpflags -fno-omit-frame-pointer)
      endif()
    else()
      if("${src}" MATCHES "\\.rs$")
        set(_fpflags -C force-frame-pointers=no)
      else()
        set(_fpflags -fomit-frame-pointer)
      endif()
    endif()
    add_custom_command(OUTPUT ${STACKS_OUT}/${name}_${fp}
      COMMAND ${compiler} ${ARGN} ${_fpflags} -o ${STACKS_OUT}/${name}_${fp}
              ${STACKS_SRC}/${src}
      DEPENDS ${STACKS_SRC}/${src} WORKING_DIRECTORY ${STACKS_OUT}
      COMMENT "Building the stack test program ${name}_${fp}" VERBATIM)
    list(APPEND STACKS_OUTPUTS ${STACKS_OUT}/${name}_${fp})
  endforeach()
endmacro()

stacks_prog(stk_c stk_c.c ${STACKS_CC} -g -O2 -Wall)
stacks_prog(stk_cpp stk_cpp.cpp ${STACKS_CXX} -g -O2 -Wall)
if(STACKS_RUSTC)
  stacks_prog(stk_rs stk_rs.rs ${STACKS_RUSTC} -g -C opt-level=2)
endif()
add_custom_target(stacks_progs ALL DEPENDS ${STACKS_OUTPUTS})
