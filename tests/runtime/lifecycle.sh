#!/bin/sh
# Runtime lifecycle tests (real BPF, as root): one case per ctest test.
#   lifecycle.sh ETRACE RT_TARGET CASE
# Each case runs the etrace binary on a small program, against the test
# program rt_target (tests/progs/rt_target.c) where it needs a traced
# process, and checks stdout, stderr and the exit status; the signal cases
# also check that nothing stays attached (bpftool). Exit 77: not root.
set -u
etrace=$1
target=$(readlink -f "$2")   # uprobe paths must be absolute
case=$3

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"

count_prog='tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @c = count(); }'

case $case in
begin_exit)
	run 0 -e 'BEGIN { printf("hi\n"); exit(); }'
	same 'Attaching 1 probe...\nhi\n\n\n'
	;;
exit_code)
	run 3 -e 'BEGIN { exit(3); }'
	;;
begin_end_order)
	run 0 -e 'END { printf("end\n"); } BEGIN { printf("begin\n"); exit(); printf("not printed\n"); }'
	same 'Attaching 2 probes...\nbegin\nend\n\n\n'
	;;
quiet)
	run 0 -q -e 'BEGIN { printf("hi\n"); exit(); }'
	same 'hi\n\n\n'
	;;
output_file)
	# as bpftrace 0.17: the blank lines before the maps go to stdout
	run 0 -o "$tmp/file" -e 'BEGIN { printf("to file\n"); @a = 1; exit(); }'
	same '\n\n'
	printf 'Attaching 1 probe...\nto file\n@a: 1\n' >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/file" ||
		fail "-o file differs: $(diff "$tmp/want" "$tmp/file")"
	;;
json)
	run 0 -f json -e 'BEGIN { printf("j\n"); exit(); }'
	has "$out" '^{"type": "attached_probes", "data": {"probes": 1}}$'
	has "$out" '^{"type": "printf", "data": "j\\n"}$'
	;;
tracepoint_count)
	run 0 -c "$target getppid 1000" -e "$count_prog"
	same 'Attaching 1 probe...\n\n\n@c: 1000\n'
	;;
tracepoint_wildcard)
	n=$(ls -d /sys/kernel/tracing/events/syscalls/sys_enter_getp* | wc -l)
	run 0 -c "$target getppid 10" -e 'tracepoint:syscalls:sys_enter_getp* /pid == cpid/ { @[probe] = count(); }'
	has "$out" "^Attaching $n probes\.\.\.$"
	has "$out" '^@\[tracepoint:syscalls:sys_enter_getppid\]: 10$'
	;;
child_output_after_begin)
	run 0 -c "$target print child" -e 'BEGIN { printf("begin\n"); } END { printf("end\n"); }'
	same 'Attaching 2 probes...\nbegin\nchild\nend\n\n\n'
	;;
child_missing)
	run 1 -c "/nonexistent/cmd" -e 'BEGIN { }'
	has "$err" "nonexistent/cmd"
	;;
child_exit_code)
	# etrace's status is its own: 0 when the child ends, whatever its code
	run 0 -c "$target exit 7" -e 'BEGIN { }'
	;;
pid_ends)
	"$target" sleep 700 &
	tpid=$!
	run 0 -p "$tpid" -e 'tracepoint:syscalls:sys_enter_getppid { @c = count(); } END { printf("end\n"); }'
	has "$out" '^end$'
	wait "$tpid"
	;;
interval)
	t0=$(date +%s%N)
	run 0 -e 'interval:ms:100 { @n++; if (@n == 3) { exit(); } }'
	t1=$(date +%s%N)
	same 'Attaching 1 probe...\n\n\n@n: 3\n'
	[ $(((t1 - t0) / 1000000)) -ge 290 ] || fail "3 ticks of 100 ms in $(((t1 - t0) / 1000000)) ms"
	;;
profile_software)
	run 0 -e 'profile:hz:997 { @p = count(); } software:cpu-clock:100000 { @s = count(); } interval:ms:300 { exit(); }'
	has "$out" '^Attaching 3 probes\.\.\.$'
	has "$out" '^@p: [1-9][0-9]*$'
	has "$out" '^@s: [1-9][0-9]*$'
	;;
uprobe)
	run 0 -c "$target work 3" -e "uprobe:$target:rt_work { printf(\"in %d\\n\", arg0); } uretprobe:$target:rt_work { printf(\"ret %d\\n\", retval); }"
	same 'Attaching 2 probes...\nin 0\nret 0\nin 1\nret 2\nin 2\nret 4\n\n\n'
	;;
usym)
	# func and usym() are {address, tgid}: symbolized in that process
	# while it runs (rt_work(i) sleeps i ms), and with the mappings
	# captured at its exit once it is gone (bpftrace 0.17 prints hex)
	run 0 -c "$target work 30" -e "uprobe:$target:rt_work /arg0 >= 27/ { printf(\"%s|%s|\n\", func, usym(reg(\"ip\"))); @[func] = count(); }"
	printf 'Attaching 1 probe...\nrt_work|rt_work|\nrt_work|rt_work|\nrt_work|rt_work|\n\n\n' >"$tmp/want"
	head -n 6 "$out" | cmp -s "$tmp/want" - ||
		fail "stdout differs: $(head -n 6 "$out" | diff "$tmp/want" -)"
	has "$out" '^@\[rt_work\]: 3$'
	;;
latency)
	# SPEC 3.2: the block runs at the return (a uprobe and a uretprobe)
	run 0 -c "$target work 3" -e "uprobe:$target:rt_work < printf(\"%d %d %d\\n\", arg0, retval, elapsed >= (uint64)arg0 * 1000000); >"
	same 'Attaching 1 probe...\n0 0 1\n1 2 1\n2 4 1\n\n\n'
	;;
lost_accounting)
	# records the ring buffer refused are counted: printed + lost = all
	n=50000
	run 0 -c "$target getppid $n" -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf("%s%s%s%s%s%s%s%s\n", comm, comm, comm, comm, comm, comm, comm, comm); }'
	printed=$(grep -c rt_target "$out")
	lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$out" "$err" | awk '{ s += $1 } END { print s + 0 }')
	[ $((printed + lost)) = "$n" ] || fail "$printed printed + $lost lost != $n"
	;;
verifier_failure)
	prog='BEGIN { $i = 0;
  while ($i < nsecs) { @x[$i] = 1; $i++; } }'
	run 1 -e "$prog"
	has "$err" 'error: The BPF verifier rejected the program of probe BEGIN'
	has "$err" 'etrace -v prints'
	[ "$(grep -c error: "$err")" = 1 ] || fail "more than one error"
	same ''
	run 1 -v -e "$prog"
	[ "$(wc -l <"$err")" -gt 50 ] || fail "-v: not the whole log"
	;;
rawtracepoint)
	run 0 -c "$target getppid 100" -e 'rawtracepoint:sys_enter /pid == cpid/ { @c = count(); }'
	has "$out" '^@c: [1-9][0-9][0-9]*$'
	;;
iter)
	run 0 -e 'iter:task { @n = count(); }'
	has "$out" '^@n: [1-9][0-9]*$'
	;;
cat_system)
	printf 'file contents\n' >"$tmp/cat"
	run 0 --unsafe -e "BEGIN { cat(\"$tmp/cat\"); system(\"echo sys %d\", 42); exit(); }"
	same 'Attaching 1 probe...\nfile contents\nsys 42\n\n\n'
	;;
sigint|sigterm)
	sig=INT
	[ "$case" = sigterm ] && sig=TERM
	start -e 'tracepoint:syscalls:sys_enter_getppid { @c = count(); } END { printf("end\n"); }'
	wait_links 1
	progs=$(fd_ids prog_id)
	links=$(fd_ids link_id)
	"$target" getppid 5
	kill -"$sig" "$bg"
	wait_bg 0
	has "$out" '^end$'
	has "$out" '^@c: [1-9][0-9]*$'
	nothing_left "$progs" "$links"
	;;
many_tracepoints)
	# detaching 30 tracepoints takes ~2.4 s one by one (bpftrace: 3 s);
	# etrace detaches them in parallel and leaves the rest to a helper
	n=$(ls -d /sys/kernel/tracing/events/syscalls/sys_enter_get* | wc -l)
	start -e 'tracepoint:syscalls:sys_enter_get* { @c = count(); }'
	ends_within 1500 "$n tracepoints"
	;;
many_uprobes)
	# uprobes are uprobe_multi links (kernel 6.6+), which end in
	# parallel: 75 perf-event uprobes of libc took 8 s to end (0.1 s
	# each, one after the other, under the kernel's event_mutex)
	libc=$(ldd "$target" | awk '/libc\.so/ { print $3 }')
	[ -n "$libc" ] || fail "no libc for $target"
	start -e "uprobe:$libc:str* { @c = count(); }"
	n=$(grep -o 'Attaching [0-9]*' "$out" | grep -o '[0-9]*')
	[ "$n" -ge 20 ] || fail "only $n uprobes in $libc"
	ends_within 3000 "$n uprobes"
	;;
rejected_wildcard_ends)
	# the perf events opened while compiling (256 of sys_enter_*) are
	# not waited for when the verifier rejects the programs: ~40 ms
	# each to close, 9.9 s in all, left to the fast detach's helper
	# compiling the ~300 programs takes the same time in both runs: on a
	# loaded machine it is most of it, so the end is what is measured;
	# the verifier finds the loop infinite at once (not after exploring
	# a million instructions, CPU time a loaded machine multiplies)
	wprog='tracepoint:syscalls:sys_enter_* { $i = 0;
  while ($i < 1) { $i = $i * 1; } }'
	t0=$(date +%s%N)
	run 0 --dry-run -e "$wprog"
	compile_ms=$((($(date +%s%N) - t0) / 1000000))
	t0=$(date +%s%N)
	run 1 -e "$wprog"
	ms=$((($(date +%s%N) - t0) / 1000000))
	has "$err" 'error: The BPF verifier rejected the program of probe'
	[ "$ms" -lt $((compile_ms + 4000)) ] ||
		fail "a rejected wildcard took $ms ms to end ($compile_ms ms to compile)"
	;;
tracepoint_perf_events)
	# the perf events of tracepoints are opened while the program is
	# compiled (run_prepare); the attach takes them: per tracepoint the
	# link's event and the duplicate kept for the fast detach, no more
	start -e 'tracepoint:syscalls:sys_enter_getppid { @c = count(); }
		tracepoint:syscalls:sys_enter_getpid { @d = count(); }'
	wait_links 2
	n=$(ls -l /proc/"$bg"/fd | grep -c 'perf_event')
	[ "$n" = 4 ] || fail "$n perf events for 2 tracepoints, not 4"
	kill -INT "$bg"
	wait_bg 0
	;;
dry_run_loads_nothing)
	run 0 --dry-run -e 'kprobe:vfs_read { @c = count(); }'
	same ''
	run 0 -d ir -e 'kprobe:vfs_read { @c = count(); }'
	has "$out" 'section "kprobe/vfs_read"'
	;;
sigkill)
	start -e 'tracepoint:syscalls:sys_enter_getppid { @c = count(); } profile:hz:99 { } interval:s:1 { }'
	# a tracepoint, one profile event per CPU, an interval
	wait_links 3
	progs=$(fd_ids prog_id)
	links=$(fd_ids link_id)
	kill -KILL "$bg"
	wait "$bg" 2>/dev/null
	bg=
	nothing_left "$progs" "$links"
	;;
for_exit)
	# exit() inside a for loop ends the iteration and the probe
	run 0 -e 'BEGIN { @c[1] = 5; @c[2] = 7; $n = 0; for ($kv : @c) { $n++; if ($n == 1) { exit(); } } printf("not printed %d\n", $n); }'
	same 'Attaching 1 probe...\n\n\n@c[1]: 5\n@c[2]: 7\n'
	run 0 -e 'BEGIN { @c[1] = 5; @c[2] = 7; $n = 0; for ($kv : @c) { $n += $kv.1; } printf("sum %d\n", $n); exit(); }'
	same 'Attaching 1 probe...\nsum 12\n\n\n@c[1]: 5\n@c[2]: 7\n'
	;;
kaddr)
	# resolved when run: a function symbol works; a data symbol this
	# kernel does not list fails with one sentence, at compile time when
	# compiled to run here (--dry-run too), else (--compile-only) when
	# the artifact runs
	run 0 -e 'BEGIN { printf("%s\n", ksym(kaddr("vfs_read"))); exit(); }'
	same 'Attaching 1 probe...\nvfs_read\n\n\n'
	run 1 --dry-run -e 'BEGIN { @a = kaddr("no_such_symbol_x"); exit(); }'
	has "$err" "kaddr(\"no_such_symbol_x\"): no kernel symbol 'no_such_symbol_x'"
	run 1 -e 'BEGIN { @a = kaddr("no_such_symbol_x"); exit(); }'
	has "$err" "kaddr(\"no_such_symbol_x\"): no kernel symbol 'no_such_symbol_x'"
	run 0 --compile-only -o "$tmp/k.eto" -e 'BEGIN { @a = kaddr("no_such_symbol_x"); exit(); }'
	run 1 "$tmp/k.eto"
	has "$err" "kaddr(\"no_such_symbol_x\"): no kernel symbol 'no_such_symbol_x'"
	;;
kprobe_sentence)
	run 1 -e 'kprobe:vfs_read { @c = count(); } BEGIN { printf("x\n"); }'
	has "$err" 'kprobes are not available: this kernel was built without CONFIG_KPROBES'
	[ "$(grep -c error: "$err")" = 1 ] || fail "more than one error"
	same ''
	;;
fentry_sentence)
	run 1 -e 'fentry:vfs_read { @c = count(); }'
	has "$err" 'the kernel refuses trampoline programs (fentry/fexit)'
	;;
hardware_sentence)
	run 1 -e 'hardware:cpu-cycles { @c = count(); }'
	has "$err" 'no hardware performance counters'
	;;
attach_failure_detaches)
	# the second probe cannot attach (an execution breakpoint must be
	# as long as a pointer): the first one must be gone too
	run 1 -e 'tracepoint:syscalls:sys_enter_getppid { } watchpoint:0x1000:4:x { }'
	has "$err" 'Cannot attach watchpoint:0x1000:4:x: Invalid argument'
	;;
info)
	run 0 --info
	has "$out" 'kprobe.*CONFIG_KPROBES'
	has "$out" 'tracepoint  *works'
	has "$out" 'lockdown:'
	has "$out" 'ring buffer'
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
