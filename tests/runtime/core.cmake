# Runtime tests of portable programs (CO-RE relocations), included by
# tests/CMakeLists.txt: one ctest test per case of tests/runtime/core.sh
# (label runtime; real BPF as root, 77 = skipped). The BTF the programs
# are compiled against is made here from tests/runtime/core_btf.c (its
# .BTF section, as a kernel's BTF file is), never committed.
find_program(LLVM_OBJCOPY NAMES llvm-objcopy-16 llvm-objcopy)
if(CLANG_BPF AND LLVM_OBJCOPY)
  set(CORE_TEST_BTF ${CMAKE_CURRENT_BINARY_DIR}/core_test.btf)
  add_custom_command(OUTPUT ${CORE_TEST_BTF}
    COMMAND ${CLANG_BPF} -g -target bpf -c
            ${CMAKE_CURRENT_LIST_DIR}/core_btf.c -o core_test.o
    COMMAND ${LLVM_OBJCOPY} --dump-section .BTF=${CORE_TEST_BTF} core_test.o
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/core_btf.c
    COMMENT "Making the test BTF of tests/runtime/core.sh")
  add_custom_target(core_test_btf ALL DEPENDS ${CORE_TEST_BTF})
  etrace_runtime_cases(core ${CMAKE_CURRENT_LIST_DIR}/core.sh 120
    ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run> ${CORE_TEST_BTF}
    CASES relocated foreign_now bitfield missing_field missing_nested
          no_btf)
endif()
