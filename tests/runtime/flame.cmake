# Folded stacks, flame graphs and the profile recipe (included by
# tests/CMakeLists.txt after tests/progs/flame/progs.cmake); one ctest
# test per case of tests/runtime/flame.sh (label runtime; real BPF as
# root, 77 = skipped).
etrace_runtime_cases(flame ${CMAKE_CURRENT_LIST_DIR}/flame.sh 120
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       ${CMAKE_BINARY_DIR}/tests/progs/flame/flame_prog
  CASES folded flamegraph svg_script recipe recipe_idle recipe_aot no_stacks bad_format)
