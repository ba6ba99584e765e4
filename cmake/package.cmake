# Shell completions, the systemd unit and the Debian package (issue #17).
#   cmake --build build --target package   -> build/etrace_VERSION_ARCH.deb
# The completions name the stdlib's recipes and runtime/probes.def's probe
# kinds, and the flags of the help texts (runtime/cli.c, main_run.c).
set(_et_names "")
foreach(_r ${STDLIB_RECIPES})
  get_filename_component(_n ${_r} NAME_WE)
  list(APPEND _et_names ${_n})
endforeach()
list(SORT _et_names)
string(REPLACE ";" " " ETRACE_COMPL_RECIPES "${_et_names}")

file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/runtime/probes.def _et_defs
     REGEX "^PROBE\\(")
set(_et_kinds "")
foreach(_d ${_et_defs})
  # PROBE(ID, "name", "alias"|NULL, ...): the names (not the aliases)
  if(_d MATCHES "^PROBE\\([A-Z_]+, \"([A-Za-z]+)\"")
    set(_k ${CMAKE_MATCH_1})
    if(NOT _k MATCHES "^(self|BEGIN|END)$")
      list(APPEND _et_kinds ${_k})
    endif()
  endif()
endforeach()
string(REPLACE ";" " " ETRACE_COMPL_PROBES "BEGIN END ${_et_kinds}")

# the flags of a help text: its option lines ("  -x ...", "  --name ...")
function(_et_help_flags file out)
  file(STRINGS ${file} _lines REGEX "^\t\"  -")
  set(_f "")
  foreach(_l ${_lines})
    string(REGEX MATCH "^\t\"  (-[A-Za-z])?(, )?(--[a-z][a-z-]*)?" _m "${_l}")
    if(CMAKE_MATCH_1)
      list(APPEND _f ${CMAKE_MATCH_1})
    endif()
    if(CMAKE_MATCH_3)
      list(APPEND _f ${CMAKE_MATCH_3})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _f)
  string(REPLACE ";" " " _f "${_f}")
  set(${out} "${_f}" PARENT_SCOPE)
endfunction()
_et_help_flags(${CMAKE_CURRENT_SOURCE_DIR}/runtime/cli.c ETRACE_COMPL_FLAGS)
_et_help_flags(${CMAKE_CURRENT_SOURCE_DIR}/runtime/main_run.c
               ETRACE_COMPL_RUN_FLAGS)
set(ETRACE_COMPL_DIR ${CMAKE_CURRENT_BINARY_DIR}/completions)
configure_file(dist/completions/etrace.bash.in ${ETRACE_COMPL_DIR}/etrace
               @ONLY)
configure_file(dist/completions/_etrace.in ${ETRACE_COMPL_DIR}/_etrace @ONLY)

install(FILES ${ETRACE_COMPL_DIR}/etrace
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
# etrace-run's completion is in the same file: bash-completion loads a
# command's file by its name
install(CODE "file(CREATE_LINK etrace
  \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/bash-completion/completions/etrace-run
  SYMBOLIC)")
install(FILES ${ETRACE_COMPL_DIR}/_etrace
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES dist/systemd/etrace@.service DESTINATION lib/systemd/system)
install(FILES dist/systemd/recipe.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# ---- the Debian package (CPack) ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME etrace)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "etrace developers <etrace@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "bpftrace-compatible tracing language compiled to BPF")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "etrace compiles a tracing program (probes, predicates, maps) through
LLVM to BPF and runs it; etrace-run runs compiled programs without a
compiler. Ships the stdlib recipes, shell completions and the systemd
unit etrace@RECIPE.service.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# the dependencies of the binaries, from dpkg-shlibdeps (dpkg-dev); the
# C preamble's libclang is loaded with dlopen and reads clang's own
# headers (compiler/pass_preamble.c), so those are named here, and what
# is loaded only for a feature (libcurl: --otlp, libdeflate: its gzip, libmicrohttpd:
# --metrics-addr, libcrypto: --sign and --verify, libdebuginfod) or read only by some programs (#include
# <linux/...>) is recommended
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang1-16, libclang-common-16-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "libcurl4, libdeflate0, libmicrohttpd12, libssl3, libdebuginfod1, linux-libc-dev")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES OFF)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
