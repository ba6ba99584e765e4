#!/bin/sh
# bpftrace 0.26's builtins and functions (compiler/builtins.c,
# compiler/funcs_*.c, compiler/getopt.c), each checked by the values it
# prints with real BPF, as root. One case per ctest test
# (tests/runtime/builtins.cmake).
#   builtins.sh ETRACE ETRACE_RUN CASE
# Exit 77: not root.
set -u
etrace=$1
etrace_run=$2
case=$3

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"

case $case in
getopt)
	# bpftrace 0.26's tests/runtime/other "named command line params"
	run 0 -e 'BEGIN { print((getopt("aa", 20), getopt("bb", -1), getopt("cc", 1), getopt("dd"), getopt("ee", "hello"))); exit(); }' -- --dd --aa=0xffffffffffffffff --bb=-10 --cc=0
	same 'Attaching 1 probe...\n(18446744073709551615, -10, 0, true, hello)\n\n\n'
	# positional parameters and options mixed after "--"
	run 0 -e 'BEGIN { print((str($1), getopt("aa", 10), getopt("bb", -1), str($2), getopt("cc", "hello"), getopt("dd"), $#)); exit(); }' pos1 -- --aa=20 --bb=5 --cc=bye pos2 --dd
	same 'Attaching 1 probe...\n(pos1, 20, 5, pos2, bye, true, 2)\n\n\n'
	# defaults; the last of an option given twice wins; 1_000 and 0b11
	run 0 -e 'BEGIN { printf("%d %d %d %s\n", getopt("aa", 10), getopt("bb", 3), getopt("dd"), getopt("s", "x")); exit(); }'
	same 'Attaching 1 probe...\n10 3 0 x\n\n\n'
	run 0 -e 'BEGIN { printf("%d %d %d\n", getopt("aa", 10), getopt("bb", 3), getopt("dd")); exit(); }' -- --aa=1_000 --bb=1 --bb=0b11 --dd=yes
	same 'Attaching 1 probe...\n1000 3 1\n\n\n'
	# boolean defaults written as 0.26's true/false (syscount.bt's
	# getopt("sysname", false, ...)); a bool prints true/false
	run 0 -e 'BEGIN { print((getopt("t", true), getopt("f", false), getopt("g", false))); exit(); }' -- --f --g=no
	same 'Attaching 1 probe...\n(true, true, false)\n\n\n'
	# a boolean option decides a branch the verifier then drops
	run 0 -e 'BEGIN { if (getopt("verbose")) { printf("verbose\n"); } else { printf("quiet\n"); } exit(); }' -- --verbose=off
	same 'Attaching 1 probe...\nquiet\n\n\n'
	;;
getopt_aot)
	# values set when an artifact runs, not compiled in
	run 0 --compile-only -o "$tmp/p.eto" -e 'BEGIN { print((getopt("aa", 10), getopt("cc", 1), getopt("dd"), getopt("ee", "hello"))); exit(); }'
	timeout 30 "$etrace_run" "$tmp/p.eto" -- --dd --aa=20 --cc=0 --ee=bye >"$out" 2>"$err" || fail "etrace-run failed"
	same 'Attaching 1 probe...\n(20, 0, true, bye)\n\n\n'
	timeout 30 "$etrace_run" "$tmp/p.eto" >"$out" 2>"$err" || fail "etrace-run failed"
	same 'Attaching 1 probe...\n(10, 1, false, hello)\n\n\n'
	run 0 "$tmp/p.eto" -- --aa=7
	same 'Attaching 1 probe...\n(7, 1, false, hello)\n\n\n'
	;;
getopt_errors)
	run 1 -e 'BEGIN { print(getopt("aa", 10)); }' -- --aa=False
	same ''
	has "$err" '^etrace: program command line option --aa invalid integer (value: False)$'
	run 1 -e 'BEGIN { print(getopt("aa", 10)); }' -- --bb --cc=1
	has "$err" '^etrace: unexpected program command line options: --bb, --cc$'
	has "$err" '^HINT: expected program options: --aa$'
	run 1 -e 'BEGIN { print((getopt("aa", 10, "Description of aa"), getopt("bb", 1), getopt("cc"))); }' -- --help
	printf 'HINT: expected program options:\n--aa: Description of aa\n--bb\n--cc\n' >"$tmp/want"
	cmp -s "$tmp/want" "$err" || fail "--help: $(cat "$err")"
	run 1 -e 'BEGIN { print(getopt("aa", "x")); }' -- --aa
	has "$err" '^etrace: program command line option --aa expects a string (value: true)$'
	run 1 -e 'BEGIN { print(getopt("b")); }' -- --b=maybe
	has "$err" "^etrace: program command line option --b expects a boolean (e.g. 'true') (value: maybe)$"
	run 1 -e 'BEGIN { print(getopt("n", 1)); }' -- --n=-1
	has "$err" '^etrace: program command line option --n invalid integer (value: -1)$'
	run 1 -e 'BEGIN { print(getopt("n", 1)); }' -- --n=99999999999999999999
	has "$err" '^etrace: program command line option --n value is out of range'
	# before "--" it is etrace's own option
	run 2 -e 'BEGIN { }' --aa=20
	has "$err" "^etrace: unrecognized option '--aa=20'$"
	# without getopt, bpftrace 0.17's reading: a positional parameter
	run 0 -e 'BEGIN { printf("%s\n", str($1)); exit(); }' -- --foo
	same 'Attaching 1 probe...\n--foo\n\n\n'
	;;
task)
	# ppid, pcomm, leader_tid, leader_comm: the fields of curtask (or of
	# the task given) that bpftrace 0.26's stdlib names
	sh -c "exec $etrace -e 'BEGIN { printf(\"%d %s %d %s %d %s\\n\", ppid, pcomm, leader_tid, leader_comm, ppid(curtask), pcomm(curtask)); exit(); }'" >"$out" 2>"$err" &
	sh_pid=$!
	wait "$sh_pid" || fail "etrace failed"
	# etrace replaced the sh that $$ started: its parent is this shell
	same "Attaching 1 probe...\n$$ $(cat /proc/$$/comm) $sh_pid etrace $$ $(cat /proc/$$/comm)\n\n\n"
	;;
ids)
	# pid() is pid; pid(init) 0.17's pid; pid(curr_ns) as etrace's PID
	# namespace sees it: 1 when etrace is the first of a new one
	run 0 -e 'BEGIN { printf("%d %d %d %d %d %d\n", pid() == pid, pid(init) == pid, tid(init) == tid, pid(curr_ns) == pid, tid(curr_ns) == tid, cpu() == cpu); exit(); }'
	same 'Attaching 1 probe...\n1 1 1 1 1 1\n\n\n'
	command -v unshare >/dev/null || skip "no unshare"
	timeout 30 unshare -pf --mount-proc "$etrace" -e 'BEGIN { printf("%d %d %d\n", pid(curr_ns), tid(curr_ns), pid(init) > 1); exit(); }' >"$out" 2>"$err" || fail "etrace in a new PID namespace failed"
	same 'Attaching 1 probe...\n1 1 1\n\n\n'
	;;
clocks)
	# nsecs(monotonic) is nsecs; boot counts suspended time too; tai is
	# the wall clock plus the kernel's TAI offset (37 s once NTP set it,
	# 0 until then)
	run 0 -e 'BEGIN { $m = nsecs(monotonic); $n = nsecs; $b = nsecs(boot); $t = nsecs(tai); $s = nsecs(sw_tai); printf("%d %d %d %d\n", $n >= $m && $n - $m < 1000000000, $b >= $m, $s >= $t, $t / 1000000000); exit(); }'
	now=$(date +%s)
	set -- $(sed -n 2p "$out")
	[ "$1 $2 $3" = "1 1 1" ] || fail "clock order: $1 $2 $3"
	d=$(( $4 - now ))
	[ "$d" -ge 0 ] && [ "$d" -le 40 ] || fail "nsecs(tai) is $d s from the wall clock"
	;;
misc)
	# ncpus: the possible CPUs; has_cpid; probetype ("special": BEGIN)
	run 0 -e 'BEGIN { printf("%d %d %s\n", ncpus, has_cpid, probetype); } interval:ms:1 { printf("%s\n", probetype()); exit(); }'
	same "Attaching 2 probes...\n$(( $(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1 )) 0 special\ninterval\n\n\n"
	run 0 -c /bin/true -e 'BEGIN { printf("%d\n", has_cpid); }'
	same 'Attaching 1 probe...\n1\n\n\n'
	;;
kstacks)
	# kstack is stored by its frames (bpf-helpers/kstack.c), not in
	# bpf_get_stackid's buckets: under a workload of many distinct kernel
	# stacks (sched_switch from sleeps, forks, pipes and file I/O) every
	# event keeps its stack, so the counts per stack add up to the events
	# and nothing is reported lost
	( i=0; while [ $i -lt 300 ]; do ls -R /usr/share/doc >/dev/null 2>&1
		echo x | cat >/dev/null; sleep 0.005; i=$((i + 1)); done ) &
	bg=$!
	run 0 -e 'tracepoint:sched:sched_switch { @s[kstack] = count(); @n = count(); } interval:s:2 { exit(); }'
	kill "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	bg=
	[ -s "$err" ] && fail "etrace wrote to stderr"
	sum=$(awk '/^\]: [0-9]+$/ { s += $2 } END { print s + 0 }' "$out")
	n=$(awk '/^@n: / { print $2 }' "$out")
	stacks=$(grep -c '^\]: ' "$out")
	[ -n "$n" ] && [ "$n" -gt 0 ] || fail "no @n"
	[ "$sum" = "$n" ] || fail "stack counts add up to $sum, not the $n events"
	[ "$stacks" -ge 3 ] || fail "only $stacks distinct stacks"
	;;
usermode)
	# 1 in BEGIN/END (etrace itself), 0 in a tracepoint (kernel code)
	run 0 -c /bin/true -e 'BEGIN { printf("%d %d\n", usermode, usermode()); } tracepoint:sched:sched_process_exec /pid == cpid/ { printf("%d\n", usermode); } END { printf("%d\n", usermode); }'
	same 'Attaching 3 probes...\n1 1\n0\n1\n\n\n'
	# profile: the saved cs of a shell loop without syscalls says user
	# mode for nearly all of its samples...
	echo 'i=0; while [ $i -lt 500000 ]; do i=$((i+1)); done' >"$tmp/loop.sh"
	run 0 -c "/bin/sh $tmp/loop.sh" -e 'profile:hz:997 /pid == cpid/ { @[usermode] = count(); } END { printf("%d %d\n", @[1] > 20 * @[0] ? 1 : 0, @[1] + @[0] > 50 ? 1 : 0); clear(@); }'
	same 'Attaching 2 probes...\n1 1\n\n\n\n'
	# and dd copying /dev/zero is in the kernel for most of its samples
	run 0 -c "/bin/dd if=/dev/zero of=/dev/null bs=1M count=20000 status=none" -e 'profile:hz:997 /pid == cpid/ { @[usermode] = count(); } END { printf("%d %d\n", @[0] > 5 * @[1] ? 1 : 0, @[1] + @[0] > 50 ? 1 : 0); clear(@); }'
	same 'Attaching 2 probes...\n1 1\n\n\n\n'
	;;
strings)
	# strlen, strstr (-1: absent; 0: the empty needle), memcmp (the
	# difference of the first bytes that differ)
	run 0 -e 'BEGIN { $s = "hello"; printf("%d %d %d %d %d %d %d %d %d\n", strlen($s), strlen(""), strlen(comm), strstr($s, "ll"), strstr($s, "x"), strstr($s, ""), memcmp("abc", "abd", 3), memcmp($s, "help", 3), memcmp($s, "help", 4)); exit(); }'
	same 'Attaching 1 probe...\n5 0 6 2 -1 0 -1 0 -4\n\n\n'
	# a string read from the traced process
	run 0 -c 'cat /etc/hostname' -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { $f = str(args.filename); if (strstr($f, "hostname") >= 0) { printf("%d %d\n", strlen($f), strstr($f, "host")); } }'
	has "$out" '^13 5$'
	;;
names)
	# signal_name: strsignal(3)'s text, "N/A" past SIGRTMAX; syscall_name
	# from the kernel's table, as bpftrace 0.26 prints them; also as
	# map keys, and in JSON
	run 0 -e 'BEGIN { printf("%s|%s|%s|%s|%s|%s\n", signal_name(2), signal_name(34), signal_name(99), syscall_name(0), syscall_name(59), syscall_name(9999)); @[syscall_name(1), signal_name(15)] = count(); exit(); }'
	same 'Attaching 1 probe...\nInterrupt|Real-time signal 0|N/A|read|execve|Unknown syscall\n\n\n@[write, Terminated]: 1\n'
	run 0 -f json -e 'BEGIN { print(syscall_name(3)); exit(); }'
	has "$out" '"data": "close"'
	;;
diagnostics)
	# errorf/warnf: formatted when the record arrives, printed on stderr
	# at the call as the compiler prints its diagnostics; assert:
	# errorf("assert failed: %s") and exit(1) when the condition fails
	run 1 -e 'BEGIN { printf("before\n"); warnf("careful %d", 7); errorf("bad: %d, %s", 10, "arg2"); assert(1 == 1, "fine"); assert(2 + 2 == 5, "math"); printf("never\n"); }'
	same 'Attaching 1 probe...\nbefore\n\n\n'
	has "$err" '^stdin:1:29: warning: careful 7$'
	has "$err" '^stdin:1:53: error: bad: 10, arg2$'
	has "$err" '^stdin:1:112: error: assert failed: math$'
	[ "$(grep -c '^ *^~' "$err")" = 3 ] || fail "not 3 carets"
	;;
types)
	# is_*: from the argument's type (not evaluated); is_err: IS_ERR()
	run 0 -e 'BEGIN { $s = "x"; printf("%d%d%d%d%d%d %d%d%d%d %d%d%d%d\n", is_str($s), is_integer(pid), is_unsigned_integer(pid), is_unsigned_integer(-1), is_ptr(curtask), is_array(curtask->cpus_mask.bits), is_literal(1), is_literal("a"), is_literal(-3), is_literal(pid), is_err(0), is_err(-2), is_err(-4095), is_err((uint64)-4096)); exit(); }'
	same 'Attaching 1 probe...\n111011 1110 0110\n\n\n'
	;;
enums)
	# int->enum casts print the constant's name (bpftrace 0.26's
	# tests/runtime/other and call); a value with none prints as a number
	run 0 -e 'enum BAZ { FOO = 333, BAR }; BEGIN { print((enum BAZ)333); $x = 444; print((enum BAZ)$x); $y = (enum BAZ)334; print($y); exit(); }'
	same 'Attaching 1 probe...\nFOO\n444\nBAR\n\n\n'
	run 0 -e 'enum Foo { ONE = 1, TWO = 2, OTHER = 99999 }; BEGIN { $x = 100; printf("%d %s %s|%-5s|%5s|\n", ONE, (enum Foo)1, (enum Foo)$x, (enum Foo)2, (enum Foo)99999); exit(); }'
	same 'Attaching 1 probe...\n1 ONE 100|TWO  |OTHER|\n\n\n'
	# map values, keys and tuples keep the enum; arithmetic drops it
	run 0 -e 'enum E { A = -1, B = 7 }; BEGIN { @v = (enum E)-1; @k[(enum E)7, 2] = (enum E)7; @t = ((enum E)7, (enum E)-1); @n = (enum E)7 + 1; exit(); }'
	same 'Attaching 1 probe...\n\n\n@k[B, 2]: B\n@n: 8\n@t: (B, A)\n@v: A\n'
	# a kernel enum from BTF
	run 0 -e 'BEGIN { print((enum tcp_ca_state)1); exit(); }'
	same 'Attaching 1 probe...\nTCP_CA_Disorder\n\n\n'
	# JSON prints the number, as bpftrace 0.26; printf's %s the name
	run 0 -f json -e 'enum BAZ { FOO = 333 }; BEGIN { print((enum BAZ)333); printf("%s\n", (enum BAZ)333); exit(); }'
	same '{"type": "attached_probes", "data": {"probes": 1}}\n{"type": "value", "data": 333}\n{"type": "printf", "data": "FOO\\n"}\n\n\n'
	# the constants travel in a compiled artifact
	run 0 --compile-only -o "$tmp/e.eto" -e 'enum BAZ { FOO = 333 }; BEGIN { print((enum BAZ)333); exit(); }'
	timeout 30 "$etrace_run" "$tmp/e.eto" >"$out" 2>"$err" || fail "etrace-run failed"
	same 'Attaching 1 probe...\nFOO\n\n\n'
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
