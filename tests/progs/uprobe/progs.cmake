# Target programs of the user-space symbol tests (included by
# tests/CMakeLists.txt): C built PIE, non-PIE, -O2 and stripped, a shared
# library and its user, C++ (namespaces, overloads, templates), USDT
# probes (<sys/sdt.h>, package systemtap-sdt-dev; usdt_inline: one probe
# inlined at three places; usdt_args: every operand form; usdt_libuser:
# probes in an executable and its library; usdt_semawatch: reports its
# semaphore) and, when the Go
# toolchain (golang-go) is installed, a Go program. They are built with
# the system compilers directly, without the project's flags (no
# sanitizers), into build/tests/progs/uprobe; the unit tests
# test_elf_syms, test_usdt_notes and test_rows read them there
# (ETRACE_UPROBE_PROGS).
set(UPROBE_SRC ${CMAKE_CURRENT_LIST_DIR})
set(UPROBE_OUT ${CMAKE_BINARY_DIR}/tests/progs/uprobe)
file(MAKE_DIRECTORY ${UPROBE_OUT})

find_program(UPROBE_CC NAMES gcc cc)
find_program(UPROBE_CXX NAMES g++ c++)
find_program(UPROBE_STRIP NAMES strip)
find_program(UPROBE_GO NAMES go PATHS /usr/lib/go/bin)
find_path(UPROBE_SDT_H sys/sdt.h)
if(NOT UPROBE_CXX OR NOT UPROBE_SDT_H)
  message(FATAL_ERROR "etrace: the test programs need g++ and <sys/sdt.h>: "
                      "apt-get install g++ systemtap-sdt-dev")
endif()

set(UPROBE_OUTPUTS "")
# uprobe_prog(NAME COMPILER FLAGS... SOURCES...): one custom command
macro(uprobe_prog name compiler)
  set(_args ${ARGN})
  set(_srcs "")
  foreach(a ${_args})
    if(a MATCHES "\\.(c|cpp)$")
      list(APPEND _srcs ${UPROBE_SRC}/${a})
    endif()
  endforeach()
  list(TRANSFORM _args PREPEND ${UPROBE_SRC}/ REGEX "\\.(c|cpp)$")
  add_custom_command(OUTPUT ${UPROBE_OUT}/${name}
    COMMAND ${compiler} -g -Wall -o ${UPROBE_OUT}/${name} ${_args}
    DEPENDS ${_srcs} WORKING_DIRECTORY ${UPROBE_OUT}
    COMMENT "Building the uprobe test program ${name}" VERBATIM)
  list(APPEND UPROBE_OUTPUTS ${UPROBE_OUT}/${name})
endmacro()

uprobe_prog(uprobe_c_pie ${UPROBE_CC} -O0 -fPIE -pie uprobe_c.c)
uprobe_prog(uprobe_c_nopie ${UPROBE_CC} -O0 -fno-pie -no-pie uprobe_c.c)
uprobe_prog(uprobe_c_o2 ${UPROBE_CC} -O2 -fPIE -pie uprobe_c.c)
uprobe_prog(libetrace_uprobe.so ${UPROBE_CC} -O2 -fPIC -shared uprobe_lib.c)
uprobe_prog(libetrace_usdt.so ${UPROBE_CC} -O2 -fPIC -shared usdt_lib.c)
uprobe_prog(uprobe_cpp ${UPROBE_CXX} -O0 uprobe_cpp.cpp)
uprobe_prog(usdt_c ${UPROBE_CC} -O2 usdt_c.c usdt_sema.c)
uprobe_prog(usdt_inline ${UPROBE_CC} -O2 usdt_inline.c)
uprobe_prog(usdt_args ${UPROBE_CC} -O2 usdt_args.c)
uprobe_prog(usdt_semawatch ${UPROBE_CC} -O2 usdt_semawatch.c)
uprobe_prog(uprobe_untouched ${UPROBE_CC} -O0 uprobe_untouched.c)
uprobe_prog(unwind_chain ${UPROBE_CC} -O2 -fomit-frame-pointer unwind_chain.c)
uprobe_prog(unwind_signal ${UPROBE_CC} -O2 -fomit-frame-pointer unwind_signal.c)
uprobe_prog(fp_paths ${UPROBE_CC} -O2 -fno-omit-frame-pointer fp_paths.c)

# lib_user(NAME LIB): NAME from NAME.c, linked with ${UPROBE_OUT}/LIB.so
# (found beside it at run time)
macro(lib_user name lib)
  add_custom_command(OUTPUT ${UPROBE_OUT}/${name}
    COMMAND ${UPROBE_CC} -g -O2 -o ${UPROBE_OUT}/${name}
            ${UPROBE_SRC}/${name}.c -L${UPROBE_OUT} -l${lib}
            "-Wl,-rpath,$ORIGIN"
    DEPENDS ${UPROBE_SRC}/${name}.c ${UPROBE_OUT}/lib${lib}.so
    COMMENT "Building the test program ${name}" VERBATIM)
endmacro()
lib_user(uprobe_libuser etrace_uprobe)
lib_user(usdt_libuser etrace_usdt)
add_custom_command(OUTPUT ${UPROBE_OUT}/uprobe_c_stripped
  COMMAND ${UPROBE_STRIP} --strip-all -o ${UPROBE_OUT}/uprobe_c_stripped
          ${UPROBE_OUT}/uprobe_c_pie
  DEPENDS ${UPROBE_OUT}/uprobe_c_pie
  COMMENT "Stripping uprobe_c_pie" VERBATIM)
list(APPEND UPROBE_OUTPUTS ${UPROBE_OUT}/uprobe_libuser
     ${UPROBE_OUT}/usdt_libuser ${UPROBE_OUT}/uprobe_c_stripped)

# Go: a plain build and a stripped one (-s -w), which keeps .go.buildinfo
if(UPROBE_GO)
  set(_goenv ${CMAKE_COMMAND} -E env GOCACHE=${UPROBE_OUT}/gocache
      GOPATH=${UPROBE_OUT}/gopath GO111MODULE=off GOFLAGS=)
  add_custom_command(OUTPUT ${UPROBE_OUT}/hello_go ${UPROBE_OUT}/hello_go_stripped
    COMMAND ${_goenv} ${UPROBE_GO} build -o ${UPROBE_OUT}/hello_go
            ${UPROBE_SRC}/hello_go.go
    COMMAND ${_goenv} ${UPROBE_GO} build "-ldflags=-s -w"
            -o ${UPROBE_OUT}/hello_go_stripped ${UPROBE_SRC}/hello_go.go
    DEPENDS ${UPROBE_SRC}/hello_go.go
    COMMENT "Building the Go test program hello_go" VERBATIM)
  list(APPEND UPROBE_OUTPUTS ${UPROBE_OUT}/hello_go
       ${UPROBE_OUT}/hello_go_stripped)
endif()

add_custom_target(uprobe_progs ALL DEPENDS ${UPROBE_OUTPUTS})

set(_have_go 0)
if(UPROBE_GO)
  set(_have_go 1)
endif()
foreach(t test_elf_syms test_usdt_notes test_rows test_unwind)
  if(TARGET ${t})
    add_dependencies(${t} uprobe_progs)
    target_compile_definitions(${t} PRIVATE
      ETRACE_UPROBE_PROGS="${UPROBE_OUT}" ETRACE_HAVE_GO=${_have_go})
  endif()
endforeach()
