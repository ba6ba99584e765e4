# Sourced by the guest's /init before each case (tests/vm/cases/*.sh):
# how a case runs in the guest. The other half, how a case's program is
# prepared on the host, is case_prepare in tests/vm/vm.sh.

# The command that runs a case's program, and the program as
# case_prepare made it: the artifact compiled on the host, run by
# etrace-run; or, for a case compiled here ("# compile: guest"), the
# whole etrace on the script
if [ -f prog.eto ]; then
	et_cmd=etrace-run
	et_prog=prog.eto
elif [ -f compile-failed ]; then
	et_cmd=false	# check.sh shows compile.err
	et_prog=prog.et
else
	et_cmd=etrace
	et_prog=prog.et
fi

# et_run OPTIONS...: the case's program (in the current directory) with
# OPTIONS; SIGINT after ET_TIMEOUT seconds (default 60) in case it never
# ends on its own, SIGKILL 10 s later
et_run() {
	timeout -s INT -k 10 "${ET_TIMEOUT:-60}" "$et_cmd" "$@" "$et_prog"
}

# et_start OPTIONS...: the same in the background, unbounded ($! is its
# pid)
et_start() {
	"$et_cmd" "$@" "$et_prog" &
}
