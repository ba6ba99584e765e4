# The build's features for `etrace --version` and `etrace-run --version`
# (issue #17): what this build links or loads, with the versions CMake
# found. Generates etrace_features.h in the build directory; both
# binaries include it (ETRACE_FEATURES_RUNTIME, and the driver also
# ETRACE_FEATURES_CODEGEN).
if(LLVM_CONFIG)
  execute_process(COMMAND ${LLVM_CONFIG} --version
                  OUTPUT_VARIABLE _et_llvm_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
if("${ETRACE_LIBS_BPF}" MATCHES "\\.a(;|$)")
  set(_et_link "static")
else()
  set(_et_link "shared")
endif()
if(ETRACE_SANITIZE)
  set(_et_san "ASan+UBSan")
else()
  set(_et_san "no sanitizers")
endif()
set(_et_rt
  "  privileges  libcap ${LIBCAP_VERSION}, libseccomp ${SECCOMP_VERSION} (drop after attach, syscall filter)"
  "  metrics     libmicrohttpd ${MHD_VERSION} loaded at use (--metrics-addr)"
  "  otlp        protobuf-c ${PROTOBUFC_VERSION}, libcurl ${CURL_VERSION} loaded at use (--otlp)"
  "  http2       nghttp2 ${NGHTTP2_VERSION} (HPACK header blocks)"
  "  signing     OpenSSL ${OPENSSL_VERSION} libcrypto loaded at use (--sign, --verify)"
  "  debuginfod  libdebuginfod loaded when DEBUGINFOD_URLS is set"
  "  bpf         libbpf ${LIBBPF_VERSION} (${_et_link}), libdw ${LIBDW_VERSION}"
  "  build       ${CMAKE_BUILD_TYPE}, ${_et_san}")
set(ETRACE_FEATURES_RUNTIME "")
foreach(_l ${_et_rt})
  string(APPEND ETRACE_FEATURES_RUNTIME "\"${_l}\\n\" \\\n\t")
endforeach()
set(ETRACE_FEATURES_CODEGEN
    "\"  codegen     LLVM ${_et_llvm_version} (static, BPF target only)\\n\"")
configure_file(${CMAKE_CURRENT_LIST_DIR}/etrace_features.h.in
               ${CMAKE_CURRENT_BINARY_DIR}/etrace_features.h @ONLY)
target_include_directories(etrace_runtime PUBLIC ${CMAKE_CURRENT_BINARY_DIR})
