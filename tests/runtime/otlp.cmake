# OpenTelemetry export (runtime/otlp*.c): one ctest test per case of
# tests/runtime/otlp.sh against the Node receiver of tests/otlp (label
# runtime; 77 = skipped: not root, or no node/npm packages), and the
# encoders' unit test, which reads the protobuf-c messages back.
set(ETRACE_OTLP_CASES traces_protobuf json_config override interval unreachable
  refused retry give_up server_error slow flush partial events event_attrs health
  distributed environment
  bad_url)
etrace_runtime_cases(otlp ${CMAKE_CURRENT_LIST_DIR}/otlp.sh 60
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       ${CMAKE_BINARY_DIR}/tests/progs/spans/span_target
  CASES ${ETRACE_OTLP_CASES})
if(TARGET test_otlp)
  target_include_directories(test_otlp PRIVATE ${OTLP_GEN_DIR}
    ${PROTOBUFC_INCLUDE_DIRS})
endif()
