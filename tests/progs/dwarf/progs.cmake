# Target programs of the DWARF tests (included by tests/CMakeLists.txt):
# dwarf_prog.c with its debug info (-g, at -O0 and -O2), without it, and
# with it in a separate file found by .gnu_debuglink (objcopy);
# dwarf_stmt.c (statement probes) at -O0 and -O2. Built with
# the system compiler directly, without the project's flags, into
# build/tests/progs/dwarf; tests/unit/test_dwarf.c reads them there
# (ETRACE_DWARF_PROGS), tests/runtime/dwarf.sh traces them.
set(DWARF_SRC ${CMAKE_CURRENT_LIST_DIR})
set(DWARF_OUT ${CMAKE_BINARY_DIR}/tests/progs/dwarf)
file(MAKE_DIRECTORY ${DWARF_OUT})
find_program(DWARF_CC NAMES gcc cc)
find_program(DWARF_OBJCOPY NAMES objcopy)

set(DWARF_OUTPUTS "")
# dwarf_prog(NAME FLAGS...): dwarf_prog.c built with FLAGS
macro(dwarf_prog name)
  add_custom_command(OUTPUT ${DWARF_OUT}/${name}
    COMMAND ${DWARF_CC} ${ARGN} -Wall -o ${DWARF_OUT}/${name}
            ${DWARF_SRC}/dwarf_prog.c
    DEPENDS ${DWARF_SRC}/dwarf_prog.c ${DWARF_SRC}/dwarf_types.h
    COMMENT "Building the DWARF test program ${name}" VERBATIM)
  list(APPEND DWARF_OUTPUTS ${DWARF_OUT}/${name})
endmacro()

# dwarf_stmt(NAME FLAGS...): dwarf_stmt.c (statement probes) with FLAGS
macro(dwarf_stmt name)
  add_custom_command(OUTPUT ${DWARF_OUT}/${name}
    COMMAND ${DWARF_CC} ${ARGN} -Wall -o ${DWARF_OUT}/${name}
            ${DWARF_SRC}/dwarf_stmt.c
    DEPENDS ${DWARF_SRC}/dwarf_stmt.c
    COMMENT "Building the statement-probe test program ${name}" VERBATIM)
  list(APPEND DWARF_OUTPUTS ${DWARF_OUT}/${name})
endmacro()

dwarf_prog(dwarf_prog -g -O0)
dwarf_stmt(dwarf_stmt -g -O0)
dwarf_stmt(dwarf_stmt_o2 -g -O2)
dwarf_prog(dwarf_prog_o2 -g -O2)
dwarf_prog(dwarf_prog_nodebug -O0)
add_custom_command(OUTPUT ${DWARF_OUT}/dwarf_prog_split
                          ${DWARF_OUT}/dwarf_prog_split.debug
  COMMAND ${DWARF_OBJCOPY} --only-keep-debug ${DWARF_OUT}/dwarf_prog
          ${DWARF_OUT}/dwarf_prog_split.debug
  COMMAND ${DWARF_OBJCOPY} --strip-debug
          --add-gnu-debuglink=${DWARF_OUT}/dwarf_prog_split.debug
          ${DWARF_OUT}/dwarf_prog ${DWARF_OUT}/dwarf_prog_split
  DEPENDS ${DWARF_OUT}/dwarf_prog
  COMMENT "Splitting the debug info of dwarf_prog" VERBATIM)
list(APPEND DWARF_OUTPUTS ${DWARF_OUT}/dwarf_prog_split)

add_custom_target(dwarf_progs ALL DEPENDS ${DWARF_OUTPUTS})
if(TARGET test_dwarf)
  add_dependencies(test_dwarf dwarf_progs)
  target_include_directories(test_dwarf PRIVATE ${DWARF_SRC})
  target_compile_definitions(test_dwarf PRIVATE
    ETRACE_DWARF_PROGS="${DWARF_OUT}" ETRACE_DWARF_SRC="${DWARF_SRC}")
  # and the C++ program of tests/progs/uprobe (its methods' DIEs)
  if(TARGET uprobe_progs)
    add_dependencies(test_dwarf uprobe_progs)
    target_compile_definitions(test_dwarf PRIVATE
      ETRACE_UPROBE_PROGS="${CMAKE_BINARY_DIR}/tests/progs/uprobe")
  endif()
endif()
