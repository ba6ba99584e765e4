# Debug info of user binaries (included by tests/CMakeLists.txt after
# tests/progs/dwarf/progs.cmake): uprobe args typed from DWARF, the
# binary's struct types in casts, -lv; one ctest test per case of
# tests/runtime/dwarf.sh (label runtime; real BPF as root, 77 = skipped).
etrace_runtime_cases(dwarf ${CMAKE_CURRENT_LIST_DIR}/dwarf.sh 90
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/dwarf
  CASES args_values args_o2 args_split args_latency args_attach_points
        cast_struct list_params vs_bpftrace bare_name bad_input
        stmt_values stmt_inlined stmt_stripped stmt_errors args_dot list_wildcard
        retval_ptr args_cpp print_args)
