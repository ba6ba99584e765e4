# stdlib/nodeprofile.et: samples Node.js threads while node spins in a
# JavaScript loop; at SIGINT it writes etrace-nodeprofile.folded and
# etrace-nodeprofile.svg into the scratch directory and says so on
# stderr, with at least one sample (tests/runtime/node.sh checks the
# JavaScript frames against a program with a known call chain).
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no JavaScript stacks and no flame
graph output"
STDERR_OK='^(etrace: wrote the (folded stacks|flame graph) etrace-nodeprofile\.(folded|svg) \([1-9][0-9]* samples\)|warning: [uk]stack: [0-9]+ stacks? lost to hash collisions .*)$'
activity() {
	timeout 2 /usr/bin/node -e 'for (;;) Math.sqrt(Math.random())' || true
}
