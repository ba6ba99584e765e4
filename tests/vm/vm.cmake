# tests/vm: kprobes, fentry/fexit and the tools that need them, on
# Debian's 6.1 kernel under qemu (the host kernel has neither). One boot
# runs every case (vm/boot, the fixture: vm.sh); then one test per case
# checks what the guest sent back (vm/CASE: check.sh). Label vm.
# Sanitizer builds skip it: the guest workload is linked statically.
if(NOT ETRACE_SANITIZE)
  set(ETRACE_VM_DIR ${CMAKE_CURRENT_LIST_DIR})
  set(ETRACE_VM_OUT ${CMAKE_BINARY_DIR}/tests/vm)

  # the guest workload: static, so that its start-up reads no file
  add_executable(vm_work ${ETRACE_VM_DIR}/work.c)
  target_link_options(vm_work PRIVATE -static)
  set_target_properties(vm_work PROPERTIES OUTPUT_NAME work
                        RUNTIME_OUTPUT_DIRECTORY ${ETRACE_VM_OUT})

  add_test(NAME vm/boot
           COMMAND ${ETRACE_VM_DIR}/vm.sh $<TARGET_FILE:etrace>
                   $<TARGET_FILE:vm_work> ${ETRACE_VM_OUT})
  set_tests_properties(vm/boot PROPERTIES LABELS vm FIXTURES_SETUP vm
                       SKIP_RETURN_CODE 77 TIMEOUT 300)

  file(GLOB ETRACE_VM_CASES CONFIGURE_DEPENDS ${ETRACE_VM_DIR}/cases/*.sh)
  foreach(src ${ETRACE_VM_CASES})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME vm/${name}
             COMMAND ${ETRACE_VM_DIR}/check.sh ${ETRACE_VM_OUT} ${name})
    set_tests_properties(vm/${name} PROPERTIES LABELS vm
                         FIXTURES_REQUIRED vm SKIP_RETURN_CODE 77)
  endforeach()
endif()
