# HotSpot frames in ustack (tests/runtime/java.sh) against
# tests/progs/java/Chain.java (compiled by the script with javac):
# interpreted (-Xint), JIT-compiled with inlined methods, -p, -c, many
# threads, ustack(native), profile, a uprobe, two probes with ustack,
# the JVM's perf map; the javaprofile recipe; and Deopt.java's frames deoptimized under a callee
# (a futex wait, the VM's fetch_unroll_info, profile).
etrace_runtime_cases(java ${CMAKE_CURRENT_LIST_DIR}/java.sh 120
  ARGS $<TARGET_FILE:etrace> ${CMAKE_CURRENT_LIST_DIR}/../progs/java
  CASES interpreted jit child threads native profile uprobe two_ustack perfmap discover javaprofile
        deopt deopt_uprobe deopt_profile)
