# Runtime tests of the compiled-object cache (included by
# tests/CMakeLists.txt): one ctest test per case of tests/runtime/objcache.sh
# (label runtime; real BPF as root, 77 = skipped). Each case uses its own
# cache directory.
etrace_runtime_cases(objcache ${CMAKE_CURRENT_LIST_DIR}/objcache.sh 120
  ARGS $<TARGET_FILE:etrace>
  CASES hit same_object miss_on_change corrupt off)
