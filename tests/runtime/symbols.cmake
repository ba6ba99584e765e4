# Symbols of stripped binaries from each separate source (build-id debug
# file, .gnu_debuglink, MiniDebugInfo, debuginfod), func symbolized after
# the process exited, and ustack source lines (included by
# tests/CMakeLists.txt after tests/progs/symbols/progs.cmake): one ctest
# test per case of tests/runtime/symbols.sh (label runtime; real BPF as
# root, 77 = skipped).
etrace_runtime_cases(symbols ${CMAKE_CURRENT_LIST_DIR}/symbols.sh 90
  ARGS $<TARGET_FILE:etrace> ${CMAKE_BINARY_DIR}/tests/progs/uprobe
       ${CMAKE_BINARY_DIR}/tests/progs/symbols
       ${CMAKE_CURRENT_LIST_DIR}/../progs/uprobe/uprobe_c.c
  CASES build_id no_source debuglink debuglink_dotdebug debuglink_root
        debuglink_crc minidebuginfo debuginfod func_after_exit
        stack_lines stack_lines_debug_file
        stack_lines_off)
