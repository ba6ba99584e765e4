# Runtime tests of the syntax (and self probes) bpftrace 0.26 added (included by
# tests/CMakeLists.txt): one ctest test per case of
# tests/runtime/lang26.sh (label runtime; real BPF as root, 77 = skipped).
etrace_runtime_cases(lang26 ${CMAKE_CURRENT_LIST_DIR}/lang26.sh 60
  ARGS $<TARGET_FILE:etrace>
  CASES let scope_default scope_block for_range for_map block_expr bool
        bool_cast array_cast if_expr typeof write_user strcap enum_names elvis addr_var durations begin_end named_probe signed_subtraction
        if_no_parens self_signal comm_pid if_tail percpu_kaddr)
