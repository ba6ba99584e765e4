# The differential suite's workload (tests/compat): statically linked so
# that its start-up makes no openat of shared libraries the cases could see.
# (-static cannot be combined with the sanitizers; sanitizer builds do not
# run the compat suite)
add_executable(workload ${CMAKE_CURRENT_LIST_DIR}/workload.c
               ${CMAKE_CURRENT_LIST_DIR}/workload_user.c
               ${CMAKE_CURRENT_LIST_DIR}/workload_usdt.c)
if(NOT ETRACE_SANITIZE)
  target_link_options(workload PRIVATE -static)
endif()
set_target_properties(workload PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/progs/workload)
