# The Go programs of the Go protocol recipes (stdlib/gohttp.et, gotls.et,
# gogrpc.et), built once into build/tests/progs/goproto, offline in GOPATH
# mode, for the shipped recipes' --dry-run tests (tests/extra.cmake):
# gohttp (net/http and crypto/tls, the standard library only) and, when
# golang-google-grpc-dev is installed, gogrpc (grpc-go from
# /usr/share/gocode). tests/runtime/goproto.sh builds its own copies.
find_program(GOPROTO_GO NAMES go PATHS /usr/lib/go/bin)
set(GOPROTO_OUT ${CMAKE_BINARY_DIR}/tests/progs/goproto)
set(GOPROTO_GRPC_PATH /usr/share/gocode)
if(GOPROTO_GO)
  file(MAKE_DIRECTORY ${GOPROTO_OUT})
  set(_goenv ${CMAKE_COMMAND} -E env GOCACHE=${GOPROTO_OUT}/gocache
      GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local)
  add_custom_command(
    OUTPUT ${GOPROTO_OUT}/gohttp
    COMMAND ${_goenv} GOPATH=${GOPROTO_OUT}/gopath ${GOPROTO_GO} build
            -o ${GOPROTO_OUT}/gohttp ${CMAKE_CURRENT_LIST_DIR}/gohttp.go
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/gohttp.go
    COMMENT "Building the Go test program gohttp" VERBATIM)
  set(_goproto_outs ${GOPROTO_OUT}/gohttp)
  if(EXISTS ${GOPROTO_GRPC_PATH}/src/google.golang.org/grpc)
    add_custom_command(
      OUTPUT ${GOPROTO_OUT}/gogrpc
      COMMAND ${_goenv} GOPATH=${GOPROTO_GRPC_PATH} ${GOPROTO_GO} build
              -o ${GOPROTO_OUT}/gogrpc ${CMAKE_CURRENT_LIST_DIR}/gogrpc.go
      DEPENDS ${CMAKE_CURRENT_LIST_DIR}/gogrpc.go
      COMMENT "Building the Go test program gogrpc" VERBATIM)
    list(APPEND _goproto_outs ${GOPROTO_OUT}/gogrpc)
  endif()
  add_custom_target(goproto_progs ALL DEPENDS ${_goproto_outs})
endif()
