# ustack unwinding tests (tests/runtime/unwind.sh): the CFI unwinder
# against unwind_chain (tests/progs/uprobe, -O2 -fomit-frame-pointer),
# the entry caller, and ustack_unwind = "fp" (its stacks stored by their
# frames: fp_paths, -O2 -fno-omit-frame-pointer, 256 distinct stacks).
etrace_runtime_cases(unwind ${CMAKE_CURRENT_LIST_DIR}/unwind.sh 60
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/uprobe
       $<TARGET_FILE:etrace-run>
  CASES cfi_pid cfi_child cfi_artifact signal entry_caller fp_mode fp_store)
