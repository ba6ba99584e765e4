#!/bin/sh
# The fault suite (issue #18; ctest label faults): etrace under the
# faults a tracer meets in the field, one case per ctest test.
#   faults.sh ETRACE FAULT_TARGET CASE
# Each case checks etrace's message, its exit status, and that nothing
# it attached stays (the programs and links it held, by id, are gone:
# bpftool). fault_target (tests/progs/fault_target.c) is the traced
# program; FT_DELAY_MS makes it wait before its calls, so that the
# background etrace is looked at attached. Exit 77: not root, or a tool
# a case needs is missing.
set -u
etrace=$1
target=$(readlink -f "$2")   # uprobe paths must be absolute
case=$3

RUN_TIMEOUT=30
. "$(dirname "$0")/../runtime/rtlib.sh"
# traced processes a case started: killed at the end too
others=
trap 'umount "$tmp/fs" 2>/dev/null; rm -rf "$tmp"; kill_bg; bg=$others; kill_bg' EXIT
command -v bpftool >/dev/null || { echo "skipped: no bpftool"; exit 77; }

# same_err_line TEXT: stderr is that one line (nothing when TEXT is '')
same_err_line() {
	if [ -z "$1" ]; then
		[ -s "$err" ] && fail "stderr is not empty"
		return 0
	fi
	printf '%s\n' "$1" >"$tmp/want_err"
	cmp -s "$tmp/want_err" "$err" ||
		fail "stderr differs: $(diff "$tmp/want_err" "$err" | head -20)"
}

# held: the programs and links the background etrace holds, once it
# holds N (default 1) links
held() {
	wait_links "${1:-1}"
	progs=$(fd_ids prog_id)
	links=$(fd_ids link_id)
}

# bg_run STATUS N ARGS...: etrace ARGS in the background until it ends by
# itself with STATUS; it held N links, and none stays. (rtlib.sh's
# functions use p and l: the cases name their programs prog.)
bg_run() {
	want=$1 nl=$2
	shift 2
	start "$@"
	held "$nl"
	wait_bg "$want"
	nothing_left "$progs" "$links"
}

# ends_in MS SIGNAL STATUS: the background etrace ends within MS ms of
# SIGNAL with STATUS, leaving nothing attached
ends_in() {
	t0=$(date +%s%N)
	kill -"$2" "$bg"
	wait_bg "$3"
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -lt "$1" ] || fail "ended $ms ms after SIG$2, not within $1"
	nothing_left "$progs" "$links"
}

# only_drops: stderr holds nothing but the counts of what was lost
only_drops() {
	! grep -Ev '^([^ ]+:[0-9]+:[0-9]+: )?(warning|note): [0-9]+ ' "$err" |
		grep -q . || fail "unexpected messages on stderr"
}

# lost: the records the ring buffer refused, as reported
lost() {
	sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$out" | awk '{ s += $1 }
		END { print s + 0 }'
}

# accounted PATTERN N: the lines of stdout matching PATTERN and the
# records reported lost add up to N, and some were lost
accounted() {
	printed=$(grep -c "$1" "$out")
	[ "$(lost)" -gt 0 ] || fail "nothing lost"
	[ $((printed + $(lost))) = "$2" ] ||
		fail "$printed printed + $(lost) lost != $2"
}

ticks="uprobe:$target:ft_tick"
FT_DELAY_MS=300
export FT_DELAY_MS

case $case in
full_disk)
	# -o on a 64 KiB file system: the write that fails is reported
	# once, with its cause; nothing more runs (END) and status 1
	mkdir "$tmp/fs" && mount -t tmpfs -o size=64k tmpfs "$tmp/fs" ||
		fail "cannot mount a tmpfs"
	"$etrace" -o "$tmp/fs/out" -e 'interval:ms:1 {
  printf("%s\n", "0123456789012345678901234567890123456789"); }
END { printf("end\n"); }' >"$out" 2>"$err" &
	bg=$!
	held
	wait_bg 1
	nothing_left "$progs" "$links"
	same_err_line "etrace: cannot write the output ($tmp/fs/out): No space left on device; tracing stopped: what came after is lost, END did not run and the maps were not printed"
	[ "$(stat -c %s "$tmp/fs/out")" = 65536 ] || fail "the file is not full"
	grep -q '^end$' "$tmp/fs/out" && fail "END ran"
	;;
stdout_full)
	# the same on stdout (/dev/full: ENOSPC at every write)
	"$etrace" -e 'interval:ms:5 { printf("tick\n"); }' >/dev/full \
		2>"$err" &
	bg=$!
	sleep 0.3
	kill -0 "$bg" 2>/dev/null && held
	wait_bg 1
	[ -n "${progs:-}" ] && nothing_left "$progs" "$links"
	same_err_line "etrace: cannot write the output (stdout): No space left on device; tracing stopped: what came after is lost, END did not run and the maps were not printed"
	;;
closed_pipe)
	# etrace ... | head -1: a reader that went away ends etrace quietly,
	# detached, with status 0 (not SIGPIPE's 141)
	mkfifo "$tmp/fifo"
	"$etrace" -e 'interval:ms:10 { printf("tick\n"); }' >"$tmp/fifo" \
		2>"$err" &
	bg=$!
	(sleep 1; head -n 1 >"$out") <"$tmp/fifo" &
	held
	wait_bg 0
	nothing_left "$progs" "$links"
	same 'Attaching 1 probe...\n'
	same_err_line ''
	;;
map_full)
	# the issue's case: 5000 keys into a map of 4096 (bpftrace 0.17
	# says nothing)
	prog="uprobe:$target:ft_key { @[arg0] = count(); }"
	bg_run 0 1 -c "$target keys 5000" -e "$prog"
	same_err_line "warning: @: 904 updates dropped, the map is full (4096 keys; raise with config max_map_keys)"
	[ "$(grep -c '^@\[' "$out")" = 4096 ] || fail "not 4096 keys printed"
	bg_run 0 1 -f json -c "$target keys 5000" -e "$prog"
	has "$out" '^{"type": "dropped", "data": {"cause": "map_full", "count": 904, "total": 904, "message": "warning: @: 904 updates dropped, the map is full (4096 keys; raise with config max_map_keys)"}}$'
	same_err_line ''
	;;
interval_dumps)
	# a print() of a map says what it missed since the last report: the
	# reports add up to the 2000 keys a full map refused, the last dump
	# (at exit) holds the 1000 it kept. (With a clear() after each
	# print, keys added between the print's read and the clear are
	# neither kept nor dropped: a loaded machine lost 80 that way.)
	bg_run 0 2 -c "$target keys 3000" -e "config = { max_map_keys = 1000 }
uprobe:$target:ft_key { @[arg0] = count(); }
interval:ms:200 { print(@); }"
	n=$(sed -n 's/^warning: @: \([0-9]*\) updates dropped.*/\1/p' "$err" |
		awk '{ s += $1 } END { print s + 0 }')
	kept=$(awk -v RS= '/^@\[/ { last = $0 } END { print last }' "$out" |
		grep -c '^@\[')
	[ "$kept" = 1000 ] || fail "$kept kept, not 1000"
	[ "$n" = 2000 ] || fail "$n dropped, not 2000"
	;;
str_and_reads)
	# a string that fills str()'s 64 bytes exactly is whole; one more
	# character is cut, and counted; a failed read is counted
	prog="uprobe:$target:ft_str { @s = str(arg0); @l = arg0; }"
	bg_run 0 1 -c "$target str 63" -e "$prog"
	same_err_line ''
	bg_run 0 1 -c "$target str 64" -e "$prog"
	has "$err" '^stdin:1:[0-9]*: note: 1 string cut at strlen (64 bytes with the NUL; raise with config strlen)$'
	[ "$(wc -l <"$err")" = 1 ] || fail "more than the note on stderr"
	bg_run 0 1 -c "$target str 1" -e "uprobe:$target:ft_str { @v = *(uint64 *)8; }"
	has "$err" "^stdin:1:[0-9]*: warning: 1 read failed (probe_read_user): the value read as zeros$"
	;;
binary_deleted)
	# the traced file deleted while its process runs: still traced (the
	# probe holds the file), the end as usual
	cp "$target" "$tmp/ft"
	"$tmp/ft" ticks 0 10 &
	tpid=$!
	others=$tpid
	start -p "$tpid" -e "uprobe:$tmp/ft:ft_tick { @n++; }
interval:ms:300 { printf(\"n %d\\n\", @n); }"
	held 2
	sleep 0.4
	rm "$tmp/ft"
	before=$(sed -n 's/^n //p' "$out" | tail -n 1)
	sleep 0.7
	kill "$tpid"
	wait "$tpid" 2>/dev/null
	wait_bg 0
	nothing_left "$progs" "$links"
	after=$(sed -n 's/^@n: //p' "$out")
	[ "$after" -gt "${before:-0}" ] || fail "not traced after the delete"
	same_err_line ''
	;;
binary_replaced)
	# a file replaced by another (a new inode: an upgrade): the running
	# process is still traced; a process of the new file is not
	cp "$target" "$tmp/ft"
	"$tmp/ft" ticks 0 10 &
	tpid=$!
	others=$tpid
	start -e "uprobe:$tmp/ft:ft_tick { @[pid] = count(); }"
	held
	cp "$target" "$tmp/ft.new" && mv "$tmp/ft.new" "$tmp/ft"
	FT_DELAY_MS=0 "$tmp/ft" burst 100 &
	npid=$!
	wait "$npid"
	sleep 0.3
	kill "$tpid"
	wait "$tpid" 2>/dev/null
	kill -INT "$bg"
	wait_bg 0
	nothing_left "$progs" "$links"
	has "$out" "^@\[$tpid\]: [1-9]"
	grep -q "^@\[$npid\]" "$out" && fail "the new file was traced"
	same_err_line ''
	;;
exec_other)
	# the traced process execs another program: its probes stop firing,
	# etrace goes on until that program ends
	t0=$(date +%s%N)
	bg_run 0 1 -c "$target exec 5 /bin/sleep 0.8" -e "$ticks { @n = count(); }"
	ms=$((($(date +%s%N) - t0) / 1000000))
	same 'Attaching 1 probe...\n\n\n@n: 5\n'
	[ "$ms" -ge 800 ] || fail "ended after $ms ms: before the exec'd program"
	same_err_line ''
	;;
target_killed)
	# the -p process killed inside a traced function: etrace ends at
	# once, the return never came
	FT_DELAY_MS=1000 "$target" slow 10000 &
	tpid=$!
	others=$tpid
	start -p "$tpid" -e "uprobe:$target:ft_slow { printf(\"in\\n\"); }
uretprobe:$target:ft_slow { printf(\"out\\n\"); }"
	held 2
	for _ in $(seq 1 100); do
		grep -q '^in$' "$out" && break
		sleep 0.05
	done
	has "$out" '^in$'
	t0=$(date +%s%N)
	kill -9 "$tpid"
	wait_bg 0
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -lt 1000 ] || fail "ended $ms ms after the target's death"
	nothing_left "$progs" "$links"
	grep -q '^out$' "$out" && fail "a return that never came"
	same_err_line ''
	;;
tracefs_unmounted)
	# tracefs unmounted (in a mount namespace of its own) while etrace
	# runs: its probes are perf events and links, still there, still
	# counting, and detached at the end
	command -v unshare >/dev/null || { echo "skipped: no unshare"; exit 77; }
	unshare -m --propagation private "$0" "$etrace" "$target" \
		tracefs_unmounted_inside || fail "in the namespace"
	exit 0
	;;
tracefs_unmounted_inside)
	start -e 'tracepoint:sched:sched_process_exit /comm == "true"/ { @ = count(); }'
	held
	umount /sys/kernel/tracing 2>/dev/null
	umount /sys/kernel/debug/tracing 2>/dev/null
	[ -e /sys/kernel/tracing/events ] && fail "tracefs is still mounted"
	/bin/true && /bin/true && /bin/true
	sleep 0.2
	ends_in 2000 INT 0
	has "$out" '^@: 3$'
	same_err_line ''
	;;
ringbuf_overload)
	# a ring buffer of 4 KiB flooded: what it refused is counted;
	# printed + lost = what the target did
	bg_run 0 1 -c "$target burst 20000" -e "config = { perf_rb_pages = 1 }
$ticks { printf(\"%d %s\\n\", arg0, comm); }"
	accounted ' fault_target$' 20000
	same_err_line ''
	;;
sigstop_sigcont)
	# etrace stopped for 1 s under load, then continued: the records
	# the ring buffer could not hold meanwhile are counted, the rest
	# printed, and the run goes on to its end
	start -c "$target ticks 2000 1" -e "config = { perf_rb_pages = 2 }
$ticks { printf(\"%d\\n\", arg0); }"
	held
	sleep 0.5
	kill -STOP "$bg"
	sleep 1
	kill -CONT "$bg"
	wait_bg 0
	nothing_left "$progs" "$links"
	accounted '^[0-9][0-9]*$' 2000
	same_err_line ''
	;;
two_instances)
	# two etrace on the same probe both see every call, and each leaves
	# nothing behind. A private copy of the target: the probe has no
	# -c or -p, and other cases run the target at the same time
	cp "$target" "$tmp/ft_two"
	prog="uprobe:$tmp/ft_two:ft_tick { @n = count(); }"
	"$etrace" -e "$prog" >"$tmp/out2" 2>"$tmp/err2" &
	b2=$!
	others=$b2
	start -e "$prog"
	b1=$bg
	held
	p1=$progs l1=$links
	bg=$b2
	held
	p2=$progs l2=$links
	bg="$b1 $b2"
	FT_DELAY_MS=0 "$tmp/ft_two" burst 1000
	for b in $b1 $b2; do
		bg=$b
		kill -INT "$b"
		wait_bg 0
	done
	nothing_left "$p1 $p2" "$l1 $l2"
	has "$out" '^@n: 1000$'
	has "$tmp/out2" '^@n: 1000$'
	same_err_line ''
	[ -s "$tmp/err2" ] && fail "the second etrace wrote to stderr"
	true
	;;
ctrl_c_self_feeding)
	# each system() makes context switches, each switch a system(): the
	# commands are bounded (counted once 1 s behind) and SIGINT ends
	# etrace within 1 s, running END (bpftrace 0.17 does)
	start --unsafe -e 'tracepoint:sched:sched_switch { system("echo foo"); }
END { printf("end\n"); }'
	held
	sleep 3
	ends_in 1000 INT 0
	has "$out" '^end$'
	has "$out" '^foo$'
	has "$err" '^stdin:1:33: warning: [0-9]* system() calls\{0,1\} not run'
	only_drops
	;;
sigterm_in_command)
	# a SIGTERM while system() waits for a slow command: the wait ends
	start --unsafe -e 'BEGIN { system("sleep 20"); }'
	held 0
	sleep 0.5
	ends_in 1000 TERM 0
	;;
sigusr1)
	# SIGUSR1 prints the maps and the run goes on (bpftrace 0.17)
	start -e 'BEGIN { @a = 1; @b[1] = 2; }'
	held 0
	kill -USR1 "$bg"
	sleep 0.3
	kill -0 "$bg" 2>/dev/null || fail "SIGUSR1 ended etrace"
	ends_in 1000 INT 0
	same 'Attaching 1 probe...\n@a: 1\n@b[1]: 2\n\n\n@a: 1\n@b[1]: 2\n'
	same_err_line ''
	;;
*)
	fail "no such case"
	;;
esac
echo "ok [$case]"
