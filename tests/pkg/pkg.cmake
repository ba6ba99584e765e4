# Packages and deployment (issue #17; included by tests/CMakeLists.txt):
#   pkg/deb            the Debian package: built (cpack), its contents and
#                      Depends, installed into a root of its own, the
#                      systemd unit verified and run, the completions
#                      (tests/pkg/pkg.sh; root)
#   deploy/manifest    deploy/daemonset.yaml against the Kubernetes schema
#                      that ships with the test (tests/deploy/)
#   deploy/chart       the Helm chart rendered and validated
#   deploy/configmap   make-configmap.sh's artifact run by etrace-run with
#                      the DaemonSet's command line (root)
add_test(NAME pkg/deb COMMAND ${CMAKE_CURRENT_LIST_DIR}/pkg.sh
         ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/../..)
set_tests_properties(pkg/deb PROPERTIES LABELS pkg SKIP_RETURN_CODE 77
                     TIMEOUT 900)
foreach(c manifest chart configmap)
  add_test(NAME deploy/${c}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/../deploy/deploy.sh ${c}
                   $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>)
  set_tests_properties(deploy/${c} PROPERTIES LABELS deploy
                       SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
