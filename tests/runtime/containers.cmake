# Runtime tests of containers and Kubernetes pods (runtime/container.h,
# issue #17 part 5), real BPF as root (label runtime; 77 = skipped):
# cgroup v2 hierarchies shaped like docker's, containerd's, CRI-O's,
# podman's and systemd-nspawn's, made and removed by the test; unshare
# (util-linux) for the PID and mount namespaces.
etrace_runtime_cases(containers ${CMAKE_CURRENT_LIST_DIR}/containers.sh 180
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       $<TARGET_FILE:rt_target>
  CASES builtins filter_container filter_cgroup filter_aot pidns mountns
        perfmap)
# One at a time: two cases at once see each other's cgroups and
# processes (builtins printed no fields, pidns other ids, with -j2)
foreach(c builtins filter_container filter_cgroup filter_aot pidns mountns
          perfmap)
  set_tests_properties(runtime/containers/${c} PROPERTIES
    RESOURCE_LOCK etrace_containers)
endforeach()
