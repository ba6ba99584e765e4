# Runtime tests of map declarations, delete, has_key and len (included by
# tests/CMakeLists.txt): one ctest test per case of tests/runtime/maps.sh
# (label runtime; real BPF as root, 77 = skipped).
etrace_runtime_cases(maps ${CMAKE_CURRENT_LIST_DIR}/maps.sh 60
  ARGS $<TARGET_FILE:etrace>
  CASES delete_forms delete_json delete_warning decl_kinds decl_full
        decl_values decl_json percpu_total)
