# The settings of config = { ... } and the environment, each shown having
# its effect (included by tests/CMakeLists.txt after the fault suite,
# whose fault_target they trace, and the uprobe programs): one ctest test
# per case of tests/runtime/settings.sh (label runtime; 77 = skipped).
set(ETRACE_SETTINGS_CASES
  strlen stack_mode max_map_keys max_probes max_bpf_progs cat_bytes_max
  log_size perf_rb_pages no_cpp_demangle no_user_symbols cache_user_symbols
  print_maps_on_exit missing_probes license)
etrace_runtime_cases(settings ${CMAKE_CURRENT_LIST_DIR}/settings.sh 60
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:fault_target>
       ${CMAKE_BINARY_DIR}/tests/progs/uprobe
  CASES ${ETRACE_SETTINGS_CASES})
