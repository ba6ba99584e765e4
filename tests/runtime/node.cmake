# Node.js (V8) frames in ustack (tests/runtime/node.sh) against the
# program tests/progs/node/chain.sh writes: -c interpreted and after
# TurboFan compiled the chain, -p, two probes with ustack,
# ustack(native), profile, a perf
# map (--perf-basic-prof); the node* recipes; functions TurboFan inlined
# (tests/progs/node/inline.sh); -p profile stacks through V8's calls
# into C++ (tests/progs/node/rtcall.sh); worker_threads, -c and -p, each
# worker an isolate of its own (chain.js workers:wait, workers:spin).
etrace_runtime_cases(node ${CMAKE_CURRENT_LIST_DIR}/node.sh 90
  ARGS $<TARGET_FILE:etrace> ${CMAKE_CURRENT_LIST_DIR}/../progs/node
  CASES child optimized pid two_ustack native profile perfmap nodeprofile
        nodeloop inlined rtprofile list workers workers_pid)
