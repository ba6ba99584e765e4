# -k / -kk, helper error warnings (included by tests/CMakeLists.txt): the
# unit test of the checks the code generator adds (tests/unit/
# test_kcheck.c, no root) links the code generator; the runtime cases of
# tests/runtime/helper_errors.sh run etrace as root (label runtime; 77 =
# skipped).
if(TARGET test_kcheck)
  target_link_libraries(test_kcheck PRIVATE etrace_codegen)
endif()

etrace_runtime_cases(helper_errors
  ${CMAKE_CURRENT_LIST_DIR}/helper_errors.sh 60
  ARGS $<TARGET_FILE:etrace>
  CASES k_delete kk_read k_not_reads no_k lookup_miss json tracepoint cache)
