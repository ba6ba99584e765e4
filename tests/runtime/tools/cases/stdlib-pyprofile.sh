# stdlib/pyprofile.et: samples the stacks of threads running Python while a
# python3 loop spins; at SIGINT it writes etrace-pyprofile.folded and
# etrace-pyprofile.svg into the scratch directory and says so on stderr
# (tests/runtime/python.sh checks the frames, against a program with a
# known call chain).
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no Python stacks and no flame
graph output"
STDERR_OK='^(etrace: wrote the (folded stacks|flame graph) etrace-pyprofile\.(folded|svg) \([1-9][0-9]* samples\)|warning: [uk]stack: [0-9]+ stacks? lost to hash collisions .*)$'
activity() {
	# Debian's interpreter through a shell that exec's it (a pyenv
	# shim): looked at again after the exec (etrace(1) RUNTIMES)
	timeout 2 sh -c "exec /usr/bin/python3.11 -c 'while True: sum(range(100))'" || true
}
