# Runtime tests of records, tuple and record map keys, string and tuple
# indexing and '.' through pointers (included by tests/CMakeLists.txt
# after values.cmake, whose target program the user-space cases trace):
# one ctest test per case of tests/runtime/records.sh (label runtime; real
# BPF as root, 77 = skipped).
etrace_runtime_cases(records ${CMAKE_CURRENT_LIST_DIR}/records.sh 60
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/values/values
  CASES record_text record_json record_struct record_for tuple_keys
        tuple_keys_json indexing compare promotion ternary autoderef_kernel autoderef_user)
