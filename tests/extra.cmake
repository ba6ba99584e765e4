# Extra test layers (included by tests/CMakeLists.txt):
#  - unit/test_cli links the driver library (CLI parser, recipe table);
#  - shipped: every stdlib/*.et and examples/*.et passes --dry-run;
#  - driver: exit statuses and messages of the etrace command line;
#  - corpus: bpftrace's own tools (/usr/sbin/*.bt) through --dry-run;
#  - fuzz: a bounded libFuzzer run (build with -DETRACE_FUZZ=ON and
#    CC=clang-16; see tests/fuzz/run.sh).
set(ETRACE_SRC ${CMAKE_CURRENT_LIST_DIR}/..)

if(TARGET test_cli)
  target_link_libraries(test_cli PRIVATE etrace_driver)
endif()

file(GLOB SHIPPED CONFIGURE_DEPENDS ${ETRACE_SRC}/stdlib/*.et
     ${ETRACE_SRC}/examples/*.et)
# the Go recipes (stdlib/go*.et) trace the Go binary $1: the Go test
# program of tests/progs/uprobe (tests/progs/goproto for the protocol
# recipes), which needs the Go toolchain
find_program(ETRACE_SHIPPED_GO NAMES go PATHS /usr/lib/go/bin)
foreach(src ${SHIPPED})
  get_filename_component(dir ${src} DIRECTORY)
  get_filename_component(dir ${dir} NAME)
  get_filename_component(name ${src} NAME_WE)
  set(params)
  if(name MATCHES "^go")
    if(NOT ETRACE_SHIPPED_GO)
      continue()
    endif()
    set(params ${CMAKE_BINARY_DIR}/tests/progs/uprobe/hello_go)
    # the protocol recipes need a program that links what they trace
    # (tests/progs/goproto/progs.cmake)
    if(name MATCHES "^go(http|tls)$")
      set(params ${CMAKE_BINARY_DIR}/tests/progs/goproto/gohttp)
    elseif(name STREQUAL "gogrpc")
      if(NOT EXISTS /usr/share/gocode/src/google.golang.org/grpc)
        continue()
      endif()
      set(params ${CMAKE_BINARY_DIR}/tests/progs/goproto/gogrpc)
    endif()
  endif()
  add_test(NAME shipped/${dir}/${name}
           COMMAND $<TARGET_FILE:etrace> --dry-run ${src} ${params})
  set_tests_properties(shipped/${dir}/${name} PROPERTIES LABELS shipped)
endforeach()

# man pages render without groff warnings
find_program(MAN_PROGRAM man)
if(MAN_PROGRAM)
  foreach(page etrace.1 etrace-run.1 etrace-lang.7)
    add_test(NAME shipped/man/${page}
      COMMAND sh -c "w=$(MANWIDTH=80 \"$0\" --warnings -l \"$1\" 2>&1 >/dev/null); [ -z \"$w\" ] || { echo \"$w\"; exit 1; }"
              ${MAN_PROGRAM} ${ETRACE_SRC}/man/${page})
    set_tests_properties(shipped/man/${page} PROPERTIES LABELS shipped)
  endforeach()
endif()

add_test(NAME driver/cli
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/corpus/driver.sh
                 $<TARGET_FILE:etrace> ${ETRACE_SRC})
set_tests_properties(driver/cli PROPERTIES LABELS driver)

add_test(NAME corpus/bpftrace-tools
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/corpus/run.sh $<TARGET_FILE:etrace>)
# exit 77: bpftrace's tools are not installed
set_tests_properties(corpus/bpftrace-tools PROPERTIES LABELS corpus
                     SKIP_RETURN_CODE 77)

if(ETRACE_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ETRACE_FUZZ needs clang: "
            "CC=clang-16 cmake -DETRACE_FUZZ=ON ...")
  endif()
  # Instrument the whole front end and the runtime it stands on; only the
  # fuzz targets link libFuzzer.
  foreach(lib etrace_compiler etrace_runtime)
    target_compile_options(${lib} PUBLIC
      -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
    target_link_options(${lib} INTERFACE -fsanitize=address,undefined)
  endforeach()
  add_executable(fuzz_frontend ${CMAKE_CURRENT_LIST_DIR}/fuzz/fuzz_frontend.c)
  target_link_libraries(fuzz_frontend PRIVATE etrace_compiler)
  target_link_options(fuzz_frontend PRIVATE -fsanitize=fuzzer)
  set(ETRACE_FUZZ_SECONDS 60 CACHE STRING "Length of the ctest fuzz run")
  add_test(NAME fuzz/frontend
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/fuzz/run.sh
                   $<TARGET_FILE:fuzz_frontend>
                   ${CMAKE_CURRENT_BINARY_DIR}/fuzz-work ${ETRACE_FUZZ_SECONDS})
  set_tests_properties(fuzz/frontend PROPERTIES LABELS fuzz
                       TIMEOUT 900)
  # the artifact reader: a third of the time of the front end's run
  add_executable(fuzz_artifact ${CMAKE_CURRENT_LIST_DIR}/fuzz/fuzz_artifact.c)
  target_link_libraries(fuzz_artifact PRIVATE etrace_runtime)
  target_link_options(fuzz_artifact PRIVATE -fsanitize=fuzzer)
  math(EXPR _art_secs "(${ETRACE_FUZZ_SECONDS} + 2) / 3")
  add_test(NAME fuzz/artifact
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/fuzz/run.sh
                   $<TARGET_FILE:fuzz_artifact>
                   ${CMAKE_CURRENT_BINARY_DIR}/fuzz-artifact-work ${_art_secs}
                   artifact)
  set_tests_properties(fuzz/artifact PROPERTIES LABELS fuzz TIMEOUT 600)
endif()
