# Runtime tests of macros, the macro library and imports (included by
# tests/CMakeLists.txt): one ctest test per case of tests/runtime/macros.sh
# (label runtime; real BPF as root, 77 = skipped).
etrace_runtime_cases(macros ${CMAKE_CURRENT_LIST_DIR}/macros.sh 60
  ARGS $<TARGET_FILE:etrace>
  CASES examples hygiene range_bounds expressions overloads library find shadow imports)
