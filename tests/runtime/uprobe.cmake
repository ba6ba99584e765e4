# User-space tracing tests (included by the top-level CMakeLists.txt after
# tests/progs/uprobe/progs.cmake): uprobes, uretprobes, latency, USDT,
# -p/-c, listing and bad input, with real BPF as root against the
# programs progs.cmake builds; one ctest test per case of
# tests/runtime/uprobe.sh (label runtime; 77 = skipped).
set(ETRACE_UPROBE_CASES
  pie nopie uaddr o2_retval shared_lib cpp_demangled wildcard relative_path
  offset address usermode ustack_build_id
  latency_hist latency_brace latency_recursive pid child_only exited_ustack
  usdt_args usdt_operands usdt_pid_nofile usdt_empty_provider usdt_file_glob
  usdt_file_activation
  usdt_semaphore usdt_inlined usdt_wildcard str_untouched_page python_usdt
  jvm_usdt
  go_return list_uprobe list_usdt list_file_glob list_kind_glob list_pid
  mount_ns vs_bpftrace bad_input)
etrace_runtime_cases(uprobe ${CMAKE_CURRENT_LIST_DIR}/uprobe.sh 90
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/uprobe
  CASES ${ETRACE_UPROBE_CASES})
