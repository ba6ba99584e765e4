# Runtime tests of structs by value, C arrays, buf() and macaddr()
# (included by tests/CMakeLists.txt): builds their target,
# tests/progs/values/values.c, with the system compiler at -O0 -g (no
# sanitizers: it is traced, not tested), and adds one ctest test per case
# of tests/runtime/values.sh (label runtime; real BPF as root, 77 =
# skipped).
find_program(VALUES_CC NAMES gcc cc)
set(VALUES_OUT ${CMAKE_BINARY_DIR}/tests/progs/values)
file(MAKE_DIRECTORY ${VALUES_OUT})
add_custom_command(OUTPUT ${VALUES_OUT}/values
  COMMAND ${VALUES_CC} -g -O0 -Wall -o ${VALUES_OUT}/values
          ${CMAKE_CURRENT_LIST_DIR}/../progs/values/values.c
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/../progs/values/values.c
  COMMENT "Building the values test program" VERBATIM)
add_custom_target(values_prog ALL DEPENDS ${VALUES_OUT}/values)

etrace_runtime_cases(values ${CMAKE_CURRENT_LIST_DIR}/values.sh 60
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run> ${VALUES_OUT}/values
  CASES struct_value struct_json struct_big struct_ternary struct_compare
        struct_bitfields
        preamble_arrays buf_kinds macaddr_kinds array_compare aot_records)
