# Sourced by the guest's /init before each case (tests/vm/cases/*.sh):
# how a case runs in the guest. The other half, how a case's program is
# prepared on the host, is case_prepare in tests/vm/vm.sh.

# et_run OPTIONS...: the case's program (prog.et, in the current
# directory) under etrace with OPTIONS; SIGINT after ET_TIMEOUT seconds
# (default 60) in case it never ends on its own
et_run() {
	timeout -s INT "${ET_TIMEOUT:-60}" etrace "$@" prog.et
}
