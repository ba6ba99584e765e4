# stdlib/profile.et: samples stacks while a shell loop spins; at SIGINT it
# writes etrace-profile.folded and etrace-profile.svg into the scratch
# directory and says so on stderr (tests/runtime/flame.sh checks what
# the files hold, against a program with a known call chain).
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no profile recipe and no flame
graph output"
# whole-machine stacks may collide in the stack map: counted, said
STDERR_OK='^(etrace: wrote the (folded stacks|flame graph) etrace-profile\.(folded|svg) \([0-9]+ samples\)|warning: [uk]stack: [0-9]+ stacks? lost to hash collisions .*)$'
activity() {
	timeout 1 sh -c 'while :; do :; done' || true
}
