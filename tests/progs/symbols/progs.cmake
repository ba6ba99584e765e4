# The symbol-source variants of uprobe_c_pie (included by
# tests/CMakeLists.txt after tests/progs/uprobe/progs.cmake): stripped
# copies whose symbols are in a build-id debug file, behind a
# .gnu_debuglink, or in MiniDebugInfo (mkvariants.sh), for
# tests/runtime/symbols.sh. Needs binutils and xz-utils.
set(SYMBOLS_OUT ${CMAKE_BINARY_DIR}/tests/progs/symbols)
find_program(SYMBOLS_XZ NAMES xz)
find_program(SYMBOLS_OBJCOPY NAMES objcopy)
if(NOT SYMBOLS_XZ OR NOT SYMBOLS_OBJCOPY)
  message(FATAL_ERROR "etrace: the symbol tests need xz and objcopy: "
                      "apt-get install xz-utils binutils")
endif()
add_custom_command(
  OUTPUT ${SYMBOLS_OUT}/bid ${SYMBOLS_OUT}/dl ${SYMBOLS_OUT}/mdi
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/mkvariants.sh
          ${CMAKE_BINARY_DIR}/tests/progs/uprobe/uprobe_c_pie
          ${CMAKE_BINARY_DIR}/tests/progs/uprobe/uprobe_c_o2 ${SYMBOLS_OUT}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/mkvariants.sh
          ${CMAKE_BINARY_DIR}/tests/progs/uprobe/uprobe_c_pie
          ${CMAKE_BINARY_DIR}/tests/progs/uprobe/uprobe_c_o2
  COMMENT "Making the symbol-source variants of uprobe_c_pie" VERBATIM)
add_custom_target(symbols_progs ALL DEPENDS ${SYMBOLS_OUT}/bid
                  ${SYMBOLS_OUT}/dl ${SYMBOLS_OUT}/mdi)
add_dependencies(symbols_progs uprobe_progs)
