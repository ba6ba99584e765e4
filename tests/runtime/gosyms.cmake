# Stripped Go binaries (included by tests/CMakeLists.txt after
# tests/progs/gosyms/progs.cmake): uprobes by name and wildcard, func,
# usym, ustack and its source lines from .gopclntab, on -s -w builds and
# a PIE, against the unstripped twin; --info FILE. One ctest test per
# case of tests/runtime/gosyms.sh (label runtime; real BPF as root, 77 =
# skipped, as when golang-go is missing).
etrace_runtime_cases(gosyms ${CMAKE_CURRENT_LIST_DIR}/gosyms.sh 120
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/gosyms
       ${CMAKE_CURRENT_LIST_DIR}/../progs/gosyms/chain.go
  CASES uprobe_count wildcard ustack ustack_pie lines info)
