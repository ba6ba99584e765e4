# Probe order tests (included by tests/CMakeLists.txt after the compat
# suite, which builds the workload, and the uprobe programs): several
# blocks on one event run in script order; one ctest test per case of
# tests/runtime/order.sh (label runtime; real BPF as root, 77 = skipped).
etrace_runtime_cases(order ${CMAKE_CURRENT_LIST_DIR}/order.sh 60
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/uprobe
       $<TARGET_FILE:workload>
  CASES uprobe uretprobe usdt uprobe_list software tracepoint aot)
