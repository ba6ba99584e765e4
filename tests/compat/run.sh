#!/bin/sh
# Differential suite runner: runs each case (tests/compat/cases/NAME.bt)
# under bpftrace 0.17 and under etrace with the same arguments and the
# same deterministic workload, and compares stdout byte for byte and the
# exit status. On mismatch it prints a unified diff and both stderrs.
#
#   run.sh [-w WORKLOAD] [-b BPFTRACE] ETRACE [CASE...]
#   run.sh [-w WORKLOAD] [-b BPFTRACE] --check-bpftrace N [CASE...]
#
# -k DIR keeps each tool's stdout and stderr as DIR/NAME.TOOL.{out,err}.
# The second form proves a case deterministic: it runs bpftrace N times
# and fails when any two runs differ. CASE is a name or a path; none
# means every case. A case's header may hold directives:
#   // compat-args: ARGS    arguments before the script (shell words), e.g.
#                           -c 'workload getppid 100'  (workload is
#                           replaced by the absolute path of WORKLOAD)
#   // compat-params: ARGS  arguments after the script ($1, $2, ...); a
#                           word workload is the WORKLOAD's path (for
#                           uprobe:$1:func: bpftrace types args from
#                           DWARF only by a path)
#   // compat-list: PATTERN run TOOL [ARGS] -l PATTERN (shell words) instead
#                           of the script; ":workload:" in it becomes the
#                           WORKLOAD's path
#   // compat-status: N     bpftrace's expected exit status (default 0),
#                           for --check-bpftrace
#   // compat-spawn: ARGS   start "workload ARGS" before each tool runs
#                           (killed after); {{PID}} in compat-args is
#                           its pid (for -p)
# In the script, ":workload" before ':' or '*' (uprobe:workload:f,
# usdt:workload*:p:n) becomes the WORKLOAD's path.
# Exit: 0 all matched, 1 some differed, 77 cannot run here (not root,
# no bpftrace), 2 usage.

here=$(cd "$(dirname "$0")" && pwd)
workload=
bpftrace=${BPFTRACE:-bpftrace}
check=0
keep=

while [ $# -gt 0 ]; do
	case $1 in
	-w) workload=$2; shift 2 ;;
	-b) bpftrace=$2; shift 2 ;;
	-k) keep=$2; shift 2 ;;
	--check-bpftrace) check=$2; shift 2 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ "$check" -eq 0 ]; then
	[ $# -ge 1 ] || { echo "usage: run.sh [-w WORKLOAD] ETRACE [CASE...]" >&2; exit 2; }
	etrace=$1; shift
	case $etrace in /*) ;; *) etrace=$(pwd)/$etrace ;; esac
fi
if [ -z "$workload" ]; then
	workload=$(command -v workload 2>/dev/null)
	[ -n "$etrace" ] && [ -z "$workload" ] &&
		workload=$(dirname "$etrace")/tests/progs/workload/workload
fi
case $workload in /*) ;; *) workload=$(pwd)/$workload ;; esac

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the differential suite loads BPF and needs root"; exit 77
fi
command -v "$bpftrace" >/dev/null 2>&1 ||
	{ echo "SKIP: $bpftrace not found"; exit 77; }
[ -x "$workload" ] || { echo "SKIP: workload not built ($workload)"; exit 77; }

tmp=$(mktemp -d /tmp/etrace-compat.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cwd"

# directive VALUE of "// NAME: VALUE" in FILE
directive()
{
	sed -n "s|^// $1: *||p" "$2" | head -n 1
}

# spawn_workload CASEFILE: the compat-spawn workload in the background
# (its pid in spawned, empty when the case has none)
spawn_workload()
{
	spawned=
	sargs=$(directive compat-spawn "$1")
	[ -n "$sargs" ] || return 0
	eval "set -- $sargs"
	"$workload" "$@" >/dev/null 2>&1 </dev/null &
	spawned=$!
	sleep 0.1
}

# run_tool TOOL CASEFILE OUTBASE: writes OUTBASE.out/.err/.rc
run_tool()
{
	spawn_workload "$2"
	args=$(directive compat-args "$2" |
	       sed "s|'workload |'$workload |g; s|\"workload |\"$workload |g;
		    s|{{PID}}|$spawned|g")
	params=$(directive compat-params "$2" |
		 sed "s#\(^\| \)workload\( \|$\)#\1$workload\2#g")
	list=$(directive compat-list "$2" | sed "s|:workload:|:$workload:|g")
	script=$2
	if grep -q ':workload[:*]' "$2"; then
		script=$tmp/script.bt
		sed "s|:workload\([:*]\)|:$workload\1|g" "$2" >"$script"
	fi
	run="\"$script\" $params"
	[ -n "$list" ] && run="-l $list"
	# run in an empty directory so that no file there shadows workload;
	# timeout leads a process group: kill what the tool left behind in it
	# (a -c child still running after exit(), a child a failed tool forked)
	(cd "$tmp/cwd" && eval "exec timeout -s INT -k 10 60 \"\$1\" $args \
		$run" >"$3.out" 2>"$3.raw") </dev/null 9>&- &
	pid=$!
	wait $pid
	echo $? >"$3.rc"
	kill -KILL -- "-$pid" 2>/dev/null
	if [ -n "$spawned" ]; then
		kill -KILL "$spawned" 2>/dev/null
		wait "$spawned" 2>/dev/null
	fi
	# bpftrace's spurious RLIMIT_MEMLOCK line on kernels that need none
	grep -v '^ERROR: .*RLIMIT_MEMLOCK' "$3.raw" >"$3.err"
	[ -z "$keep" ] && return
	mkdir -p "$keep"
	cp "$3.out" "$keep/$(basename "$2" .bt).$(basename "$1").out"
	cp "$3.err" "$keep/$(basename "$2" .bt).$(basename "$1").err"
}

show_err()
{
	[ -s "$2" ] || return 0
	echo "--- $1 stderr:"
	head -n 20 "$2"
}

# compare_case FILE NAME: 0 when etrace matches bpftrace
compare_case()
{
	run_tool "$bpftrace" "$1" "$tmp/b"
	run_tool "$etrace" "$1" "$tmp/e"
	brc=$(cat "$tmp/b.rc") erc=$(cat "$tmp/e.rc")
	ok=0
	if ! cmp -s "$tmp/b.out" "$tmp/e.out"; then
		echo "FAIL $2: stdout differs (- bpftrace, + etrace)"
		diff -u --label bpftrace --label etrace "$tmp/b.out" \
			"$tmp/e.out" | head -n 80
		ok=1
	fi
	if [ "$brc" != "$erc" ]; then
		echo "FAIL $2: exit status bpftrace $brc, etrace $erc"
		ok=1
	fi
	if [ $ok -ne 0 ]; then
		show_err bpftrace "$tmp/b.err"
		show_err etrace "$tmp/e.err"
	else
		echo "ok   $2"
	fi
	return $ok
}

# check_case FILE NAME: 0 when N bpftrace runs print the same
check_case()
{
	run_tool "$bpftrace" "$1" "$tmp/r0"
	want=$(directive compat-status "$1")
	if [ "$(cat "$tmp/r0.rc")" -ne "${want:-0}" ]; then
		echo "FAIL $2: bpftrace exit status $(cat "$tmp/r0.rc")"
		show_err bpftrace "$tmp/r0.err"
		return 1
	fi
	i=1
	while [ $i -lt "$check" ]; do
		run_tool "$bpftrace" "$1" "$tmp/r$i"
		if ! cmp -s "$tmp/r0.out" "$tmp/r$i.out" ||
		   ! cmp -s "$tmp/r0.rc" "$tmp/r$i.rc"; then
			echo "FAIL $2: bpftrace run $((i + 1)) differs from run 1"
			diff -u "$tmp/r0.out" "$tmp/r$i.out" | head -n 40
			return 1
		fi
		i=$((i + 1))
	done
	echo "ok   $2 ($check identical runs, $(wc -l <"$tmp/r0.out") lines)"
}

# Cases filter on the workload's comm: one case at a time on this
# machine, whichever build directory or ctest runs it
exec 9>/tmp/etrace-compat.lock
lock()
{
	flock 9
}
unlock()
{
	flock -u 9
}

[ $# -gt 0 ] || set -- "$here"/cases/*.bt
failed=0 total=0
for c in "$@"; do
	case $c in
	*/*) file=$c ;;
	*) file=$here/cases/${c%.bt}.bt ;;
	esac
	case $file in /*) ;; *) file=$(pwd)/$file ;; esac
	name=$(basename "$file" .bt)
	[ -f "$file" ] || { echo "FAIL $name: no such case $file"; failed=$((failed + 1)); continue; }
	total=$((total + 1))
	lock
	if [ "$check" -gt 0 ]; then
		check_case "$file" "$name" || failed=$((failed + 1))
	else
		compare_case "$file" "$name" || failed=$((failed + 1))
	fi
	unlock
done
[ $total -gt 1 ] && echo "$((total - failed))/$total cases passed"
[ $failed -eq 0 ]
