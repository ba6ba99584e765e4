# -k / -kk, helper error warnings (included by tests/CMakeLists.txt): the
# unit test of the checks the code generator adds (tests/unit/
# test_kcheck.c, no root) links the code generator; the runtime cases of
# tests/runtime/helper_errors.sh run etrace as root (label runtime; 77 =
# skipped).
if(TARGET test_kcheck)
  target_link_libraries(test_kcheck PRIVATE etrace_codegen)
endif()

foreach(c k_delete kk_read k_not_reads no_k lookup_miss json tracepoint
          cache)
  add_test(NAME runtime/helper_errors/${c}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/helper_errors.sh
                   $<TARGET_FILE:etrace> ${c})
  set_tests_properties(runtime/helper_errors/${c} PROPERTIES LABELS runtime
                       SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()
