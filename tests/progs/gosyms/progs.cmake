# The Go target of the stripped-Go-binary tests (included by
# tests/CMakeLists.txt), when the Go toolchain (golang-go) is installed:
# chain.go built three ways into build/tests/progs/gosyms, offline in
# GOPATH mode: chain (symbol table and DWARF), chain_stripped
# (-ldflags='-s -w': only .gopclntab names its functions) and chain_pie
# (-buildmode=pie -s -w: the table is .data.rel.ro.gopclntab, its
# entries relative to .text) and chain_mod (module mode, module
# example.com/chain: its build info names the main module). test_gopclntab reads them there
# (ETRACE_GOSYMS_PROGS); tests/runtime/gosyms.sh traces them.
find_program(GOSYMS_GO NAMES go PATHS /usr/lib/go/bin)
set(GOSYMS_OUT ${CMAKE_BINARY_DIR}/tests/progs/gosyms)
set(GOSYMS_SRC ${CMAKE_CURRENT_LIST_DIR}/chain.go)
file(MAKE_DIRECTORY ${GOSYMS_OUT})
set(_gosyms_have 0)
if(GOSYMS_GO)
  set(_gosyms_have 1)
  set(_goenv ${CMAKE_COMMAND} -E env GOCACHE=${GOSYMS_OUT}/gocache
      GOPATH=${GOSYMS_OUT}/gopath GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local)
  file(WRITE ${GOSYMS_OUT}/mod/go.mod "module example.com/chain\n\ngo 1.19\n")
  add_custom_command(
    OUTPUT ${GOSYMS_OUT}/chain ${GOSYMS_OUT}/chain_stripped
           ${GOSYMS_OUT}/chain_pie ${GOSYMS_OUT}/chain_mod
    COMMAND ${_goenv} ${GOSYMS_GO} build -o ${GOSYMS_OUT}/chain ${GOSYMS_SRC}
    COMMAND ${_goenv} ${GOSYMS_GO} build "-ldflags=-s -w"
            -o ${GOSYMS_OUT}/chain_stripped ${GOSYMS_SRC}
    COMMAND ${_goenv} ${GOSYMS_GO} build -buildmode=pie "-ldflags=-s -w"
            -o ${GOSYMS_OUT}/chain_pie ${GOSYMS_SRC}
    COMMAND ${CMAKE_COMMAND} -E copy ${GOSYMS_SRC} ${GOSYMS_OUT}/mod/
    COMMAND ${_goenv} GO111MODULE=on GOPROXY=off ${GOSYMS_GO} build
            -o ${GOSYMS_OUT}/chain_mod .
    DEPENDS ${GOSYMS_SRC} WORKING_DIRECTORY ${GOSYMS_OUT}/mod
    COMMENT "Building the Go test program chain" VERBATIM)
  add_custom_target(gosyms_progs ALL DEPENDS ${GOSYMS_OUT}/chain
                    ${GOSYMS_OUT}/chain_stripped ${GOSYMS_OUT}/chain_pie
                    ${GOSYMS_OUT}/chain_mod)
endif()
if(TARGET test_gopclntab)
  if(TARGET gosyms_progs)
    add_dependencies(test_gopclntab gosyms_progs)
  endif()
  target_compile_definitions(test_gopclntab PRIVATE
    ETRACE_GOSYMS_PROGS="${GOSYMS_OUT}" ETRACE_HAVE_GO=${_gosyms_have}
    ETRACE_GO="${GOSYMS_GO}")
endif()
