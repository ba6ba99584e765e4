# Runtime tests of the compiled-object cache (included by
# tests/CMakeLists.txt): one ctest test per case of tests/runtime/objcache.sh
# (label runtime; real BPF as root, 77 = skipped). Each case uses its own
# cache directory.
foreach(c hit same_object miss_on_change corrupt off)
  add_test(NAME runtime/objcache/${c}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/objcache.sh
                   $<TARGET_FILE:etrace> ${c})
  set_tests_properties(runtime/objcache/${c} PROPERTIES LABELS runtime
                       SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
