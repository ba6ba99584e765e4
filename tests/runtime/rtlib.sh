# Shared by the runtime test scripts (lifecycle.sh, uprobe.sh, objcache.sh,
# helper_errors.sh, settings.sh, dwarf.sh, watchpoint.sh,
# tests/faults/faults.sh), sourced after they set etrace and case: exits
# 77 (skipped) unless root; makes $tmp (removed at exit, when a background
# etrace $bg, or several pids, is killed too), $out and $err; then fail,
# skip, run, same, lines, has, map_only, and for a background etrace start,
# wait_bg, fd_ids, wait_links, nothing_left.
# RUN_TIMEOUT (seconds) bounds one etrace run.

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }

# kill_bg: SIGKILL the processes of $bg that are still this shell's
# children; the pid of one that ended may be another process's by now
# (pid_max is 32768 here: a test suite wraps it)
kill_bg() {
	for p in $bg; do
		[ "$(awk '{ print $4 }' /proc/"$p"/stat 2>/dev/null)" = "$$" ] &&
			kill -9 "$p" 2>/dev/null
	done
	return 0
}

tmp=$(mktemp -d /tmp/etrace-rt.XXXXXX)
trap 'rm -rf "$tmp"; kill_bg' EXIT
out=$tmp/out
err=$tmp/err
bg=

fail() {
	echo "FAIL [$case]: $*"
	echo "--- stdout"; cat "$out" 2>/dev/null
	echo "--- stderr"; cat "$err" 2>/dev/null
	kill_bg
	exit 1
}

# run STATUS ARGS...: etrace ARGS must exit with STATUS
run() {
	want=$1
	shift
	timeout "${RUN_TIMEOUT:-30}" "$etrace" "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
}

# same OUTPUT: stdout is exactly OUTPUT (printf escapes)
same() {
	printf "$1" >"$tmp/want"
	cmp -s "$tmp/want" "$out" ||
		fail "stdout differs: $(diff "$tmp/want" "$out" | head -20)"
}

has() {
	grep -q -- "$2" "$1" || fail "'$2' not in $(basename "$1")"
}

# wait_exec PID PROG: the background process PID runs PROG (a shell's
# "PROG &" returns before the child's exec: /proc/PID/exe is the shell
# until then, and -p resolves uprobe targets through it)
wait_exec() {
	want=$(readlink -f "$2")
	for _ in $(seq 1 200); do
		[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$want" ] && return 0
		kill -0 "$1" 2>/dev/null || fail "process $1 ended before running $2"
		sleep 0.05
	done
	fail "process $1 did not run $2 in 10 s"
}

# start ARGS...: etrace in the background; returns once it attached
# (said so, in text or JSON; a program with a user stack is verified for
# seconds, tens of them on a loaded machine: up to 60 s)
start() {
	"$etrace" "$@" >"$out" 2>"$err" &
	bg=$!
	for _ in $(seq 1 1200); do
		grep -q '^Attaching\|^{"type": "attached_probes"' "$out" \
			2>/dev/null && return 0
		kill -0 "$bg" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	fail "etrace did not attach in 60 s"
}

# wait_out REGEX: the background etrace's stdout has a line matching
# REGEX (in 20 s)
wait_out() {
	for _ in $(seq 1 400); do
		grep -q "$1" "$out" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no line matching '$1' in 20 s"
}

# wait_bg STATUS: the background etrace ends (in 10 s) with STATUS
wait_bg() {
	for _ in $(seq 1 200); do
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$bg" 2>/dev/null && fail "etrace still running after 10 s"
	wait "$bg"
	rc=$?
	bg=
	[ "$rc" = "$1" ] || fail "exit status $rc, expected $1"
}

# The BPF programs and links the background etrace holds, from the
# fdinfo of its file descriptors.
fd_ids() {
	cat /proc/"$bg"/fdinfo/* 2>/dev/null |
		awk -v k="$1:" '$1 == k { print $2 }' | sort -u
}

# ends_within MS WHAT: the background etrace, holding $n links, ends
# within MS ms of SIGINT and leaves none of its programs or links
ends_within() {
	wait_links "$n"
	progs=$(fd_ids prog_id)
	links=$(fd_ids link_id)
	t0=$(date +%s%N)
	kill -INT "$bg"
	wait_bg 0
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -lt "$1" ] || fail "$2 took $ms ms to end"
	nothing_left "$progs" "$links"
}

# wait_links N: the background etrace holds at least N links ("Attaching"
# is printed before attaching, as bpftrace does)
wait_links() {
	# 30 s at most: loading recipes with many programs on a loaded
	# machine (the verifier's time) can take more than 5
	for _ in $(seq 1 600); do
		[ "$(fd_ids link_id | wc -l)" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "fewer than $1 links after 30 s: $(fd_ids link_id)"
}

# nothing_left PROGS LINKS: none of these programs or links exists
nothing_left() {
	for _ in $(seq 1 40); do
		left=
		for p in $1; do
			bpftool prog show id "$p" >/dev/null 2>&1 && left="$left prog $p"
		done
		for l in $2; do
			bpftool link show id "$l" >/dev/null 2>&1 && left="$left link $l"
		done
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	fail "still attached after etrace ended:$left"
}

# skip WHY: the case cannot run here (exit 77)
skip() {
	echo "skipped: $*"
	exit 77
}

# lines TEXT: the traced lines of stdout (no "Attaching", no blanks)
# sorted, against TEXT (printf escapes)
lines() {
	printf "$1" >"$tmp/want"
	grep -v '^Attaching\|^$' "$out" | LC_ALL=C sort >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "lines differ: $(diff "$tmp/want" "$tmp/got" | head -20)"
}

# map_only NAME FILE: the entries of map @NAME in etrace's output FILE,
# each headed "@[" as an unnamed map's (what the scripts' frames() read)
map_only() {
	awk -v h="@$1[" '/^@/ { keep = index($0, h) == 1 } keep' "$2" |
		sed "s/^@$1\[/@[/"
}
