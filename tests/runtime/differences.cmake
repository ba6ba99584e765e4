# etrace-only runtime tests of what tests/compat/DIFFERENCES.md keeps out
# of the differential suite (included by tests/CMakeLists.txt after the
# compat suite, which builds the workload): one ctest test per case of
# tests/runtime/differences.sh (label runtime; real BPF as root, 77 =
# skipped).
etrace_runtime_cases(differences ${CMAKE_CURRENT_LIST_DIR}/differences.sh 60
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:workload>
  CASES ternary_str_key)
