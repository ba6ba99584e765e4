#!/bin/sh
# User-space tracing tests (real BPF, as root): one case per ctest test.
#   uprobe.sh ETRACE PROGS_DIR CASE
# PROGS_DIR holds the programs tests/progs/uprobe/progs.cmake builds (C
# PIE, non-PIE, -O2, stripped, a shared library and its user, C++, USDT,
# Go). Each case runs etrace against them, or against python3.11 and
# OpenJDK 17's libjvm.so, and checks stdout, stderr and the exit status.
# Exit 77: not root, or a program the case needs is not installed.
set -u
etrace=$1
progs=$(readlink -f "$2")   # uprobe paths must be absolute
case=$3

RUN_TIMEOUT=40
. "$(dirname "$0")/rtlib.sh"

# refused: exit 1, one error naming $1, nothing attached
refused() {
	has "$err" "$1"
	grep -q '^Attaching' "$out" && fail "it attached"
	[ "$(grep -c 'error:' "$err")" -le 1 ] || fail "more than one error"
}

# a background process to trace: sets bgpid
spawn() {
	"$@" >/dev/null &
	bgpid=$!
	bg="$bg $bgpid"
	wait_exec "$bgpid" "$(command -v "$1")"
}

P=$progs
case $case in
usermode)
	# the saved cs of a uprobe and a uretprobe: user mode; the process's
	# exit_group tracepoint: kernel
	run 0 -q -c "$P/uprobe_c_pie 1" -e "uprobe:$P/uprobe_c_pie:et_add { printf(\"u %d %d\\n\", usermode, usermode()); } uretprobe:$P/uprobe_c_pie:et_add { printf(\"r %d\\n\", usermode); } tracepoint:syscalls:sys_enter_exit_group /pid == cpid/ { printf(\"t %d\\n\", usermode); }"
	lines '6\nr 1\nt 0\nu 1 1\n'
	;;
ustack_build_id)
	# ustack(build_id) (bpftrace 0.26): a frame is the file's build id and
	# the offset in the file (not the address: a non-PIE's text is at
	# 0x401000, in the file at 0x1000)
	b=$P/uprobe_c_nopie
	run 0 -q -c "$b 1" -e "uprobe:$b:et_handle_request { print(ustack(build_id, 1)); @[ustack(build_id, 1)] = count(); }"
	id=$(readelf -nW "$b" | sed -n 's/.*Build ID: *//p')
	addr=$((0x$(nm "$b" | sed -n 's/^\([0-9a-f]*\) T et_handle_request$/\1/p')))
	off=
	for seg in $(readelf -lW "$b" | awk '$1 == "LOAD" { print $2 ":" $3 ":" $6 }'); do
		o=$((${seg%%:*})) rest=${seg#*:}
		v=$((${rest%%:*})) m=$((${rest#*:}))
		[ "$addr" -ge "$v" ] && [ "$addr" -lt $((v + m)) ] &&
			off=$(printf '%x' $((addr - v + o)))
	done
	[ ${#id} = 40 ] && [ -n "$off" ] || fail "no build id or offset in $b"
	[ "$(grep -c "^$id 0x$off\$" "$out")" = 2 ] ||
		fail "want '$id 0x$off' twice"
	has "$out" '^@\[$'
	;;
pie)
	run 0 -c "$P/uprobe_c_pie 3" -e "uprobe:$P/uprobe_c_pie:et_add { printf(\"%d+%d\\n\", arg0, arg1); }"
	has "$out" '^Attaching 1 probe\.\.\.$'
	lines '0+1\n1+1\n2+1\n39\n'
	# in call order
	[ "$(grep + "$out" | tr -d '\n')" = "0+11+12+1" ] || fail "order"

	;;
nopie)
	run 0 -c "$P/uprobe_c_nopie 2" -e "uprobe:$P/uprobe_c_nopie:et_handle_request { @[arg0] = count(); }"
	lines '19\n@[0]: 1\n@[1]: 1\n'
	;;
o2_retval)
	run 0 -c "$P/uprobe_c_o2 3" -e "uretprobe:$P/uprobe_c_o2:et_handle_request { printf(\"%d\\n\", retval); }"
	lines '1\n39\n4\n7\n'
	;;
shared_lib)
	run 0 -c "$P/uprobe_libuser 3" -e "uprobe:$P/libetrace_uprobe.so:et_lib_square { printf(\"sq %d\\n\", arg0); } uretprobe:$P/libetrace_uprobe.so:et_lib_hidden { @[retval] = count(); }"
	lines '1091\n@[88]: 3\n@[89]: 3\n@[91]: 3\n@[94]: 3\nsq 0\nsq 1\nsq 2\n'
	;;
cpp_demangled)
	run 0 -c "$P/uprobe_cpp 2" -e "uprobe:$P/uprobe_cpp:\"etns::compute(int, int)\" { printf(\"%d*%d\\n\", arg0, arg1); } uprobe:$P/uprobe_cpp:\"etns::Widget::poke*\" { @poke = count(); }"
	lines '0*2\n1*2\n30\n@poke: 2\n'
	;;
wildcard)
	run 0 -c "$P/uprobe_c_pie 1" -e "uprobe:$P/uprobe_c_pie:et_handle_* { printf(\"%s %d\\n\", probe, arg0); }"
	has "$out" '^Attaching 2 probes'
	lines "6\nuprobe:$P/uprobe_c_pie:et_handle_request 0\nuprobe:$P/uprobe_c_pie:et_handle_response 0\n"
	;;
uaddr)
	# a data symbol's address: constant in a non-PIE binary, load bias
	# from the probe's IP in a PIE one; unknowable in a uretprobe of PIE
	for b in uprobe_c_pie uprobe_c_nopie; do
		run 0 -c "$P/$b 1" -e "uprobe:$P/$b:et_add { printf(\"c=%d\\n\", *(int32 *)uaddr(\"et_counter\")); }"
		has "$out" '^c=42$'
	done
	run 1 --dry-run -e "uretprobe:$P/uprobe_c_pie:et_add { @ = uaddr(\"et_counter\"); }"
	has "$err" 'is position-independent'
	run 1 --dry-run -e "uprobe:$P/uprobe_c_pie:et_add { @ = uaddr(\"et_nope\"); }"
	has "$err" "uaddr: no symbol 'et_nope'"
	;;
relative_path)
	# a file part without ./ is a path relative to the working directory
	# (bpftrace 0.17 reads it so); probe keeps it as written, and a
	# predicate may follow the function name at once
	cd "$P/.." || fail "no $P/.."
	d=$(basename "$P")
	run 0 -c "$d/uprobe_c_pie 2" -e "uprobe:$d/uprobe_c_pie:et_add/arg0 < 5/ { printf(\"%s %d\\n\", probe, arg0); }"
	lines "19\nuprobe:$d/uprobe_c_pie:et_add 0\nuprobe:$d/uprobe_c_pie:et_add 1\n"
	;;
offset)
	# et_add+4 (after push %rbp; mov %rsp,%rbp at -O0): the args are
	# still in registers
	run 0 -c "$P/uprobe_c_pie 2" -e "uprobe:$P/uprobe_c_pie:et_add+4 { printf(\"%s %d\\n\", probe, arg0); }"
	lines "19\nuprobe:$P/uprobe_c_pie:et_add+4 0\nuprobe:$P/uprobe_c_pie:et_add+4 1\n"
	;;
address)
	addr=$(nm "$P/uprobe_c_nopie" | awk '$3 == "et_add" { print $1 }')
	[ -n "$addr" ] || fail "no et_add in nm output"
	run 0 -c "$P/uprobe_c_nopie 2" -e "uprobe:$P/uprobe_c_nopie:0x$addr { printf(\"%d\\n\", arg0); }"
	lines '0\n1\n19\n'
	;;
latency_hist)
	# 8 sleeps of 20 ms: each call's latency is at least 16 ms and, on
	# a busy machine (CI on 2 shared CPUs saw every one of four take over
	# 32 ms), under 128 ms; the time since etrace started, elapsed's
	# meaning outside latency blocks, is 160 ms or more by the eighth
	run 0 -c "$P/uprobe_c_pie 8 20" -e "uprobe:$P/uprobe_c_pie:et_sleep_ms < @lat = hist(elapsed); >"
	has "$out" '^@lat: $'
	awk '/^\[/ { lo = $1; sub(/^\[/, "", lo); sub(/,$/, "", lo)
		if (lo != "16M" && lo != "32M" && lo != "64M") other = 1
		n += $3 }
		END { exit !(n == 8 && !other) }' "$out" ||
		fail "not 8 calls of 16 to 128 ms"
	;;
latency_brace)
	run 0 -c "$P/uprobe_c_pie 2 10" -e "uprobe:$P/uprobe_c_pie:et_sleep_ms { printf(\"%d %d\\n\", arg0, elapsed / 1000000 >= 10); }"
	lines '10 1\n10 1\n19\n'
	;;
latency_recursive)
	# each et_fib(n) call's own return: retval fib(n), elapsed of the
	# outermost call is the largest
	run 0 -c "$P/uprobe_c_pie 1" -e "uprobe:$P/uprobe_c_pie:et_fib < printf(\"%d %d %d\\n\", arg0, retval, elapsed); >"
	awk '/^[0-9]+ [0-9]+ [0-9]+$/ { n++; if ($1 >= 2 && $2 == 0) bad = 1;
		if ($1 == 5) { five = $3; ret = $2 } else if ($3 > max) max = $3 }
		END { exit !(n == 15 && !bad && ret == 5 && five > max) }' "$out" ||
		fail "wrong calls, values or durations"
	;;
pid)
	spawn "$P/uprobe_c_pie" 100000 10
	one=$bgpid
	spawn "$P/uprobe_c_pie" 100000 10
	# libc: found through the process's mappings
	run 0 -p "$one" -e "uprobe:$P/uprobe_c_pie:et_add { @[pid == $one] = count(); } uprobe:libc:nanosleep { @n[pid == $one] = count(); @k++; if (@k >= 3) { exit(); } }"
	has "$out" '^@\[1\]: [1-9]'
	has "$out" '^@n\[1\]: [1-9]'
	grep -q '^@n*\[0\]' "$out" && fail "another process was traced"

	;;
child_only)
	spawn "$P/uprobe_c_pie" 100000 5
	run 0 -c "$P/uprobe_c_pie 2" -e "uprobe:$P/uprobe_c_pie:et_add { @[pid == cpid] = count(); }"
	has "$out" '^@\[1\]: 2$'
	grep -q '^@\[0\]' "$out" && fail "another process was traced"
	;;
usdt_args)
	run 0 -c "$P/usdt_c 3" -e "usdt:$P/usdt_c:etrace:values { printf(\"%d %ld %d\\n\", arg0, arg1, arg2); } usdt:$P/usdt_c:constant { @c[arg0] = count(); }"
	has "$out" '^Attaching 2 probes\.\.\.$'
	lines '0 1000000000000 0\n1 1000000000001 -1\n2 1000000000002 -2\n3\n@c[42]: 3\n'
	;;
usdt_operands)
	# one value at each size and sign, in each operand form: constants
	# are cut to their size too (bpftrace 0.17 prints 4@$-16 as
	# 4294967280), memory at base + index * scale + disp, or index alone
	v='-579005069656919568 -579005069656919568 4092785136 -202182160 61936 -3600 240 -16 '
	for form in const reg mem index; do
		run 0 -c "$P/usdt_args" -e "usdt:$P/usdt_args:args:${form}_* { printf(\"%lld \", arg0); }"
		[ "$(grep -v '^Attaching\|^$' "$out")" = "$v" ] ||
			fail "$form: $(cat "$out")"
	done
	run 0 -c "$P/usdt_args 2" -e "usdt:$P/usdt_args:args:nobase_64 { printf(\"%lld\\n\", arg0); }"
	[ "$(grep -vc '^Attaching\|^$' "$out")" = 2 ] &&
		[ "$(grep -c '^-579005069656919568$' "$out")" = 2 ] ||
		fail "nobase: $(cat "$out")"
	# argN is a uint64, as in bpftrace 0.17: -4@$-202182160 compares
	# and sums as 2^64 - 202182160, printf's %d shows it signed
	run 0 -c "$P/usdt_args" -e "usdt:$P/usdt_args:args:const_32 { printf(\"%d %d %d\\n\", arg0 > 0, arg0 < 0, arg0); @s = sum(arg0); }"
	lines '1 0 -202182160\n@s: 18446744073507369456\n'
	;;
usdt_pid_nofile)
	# -p PID and no file: every file the process maps is searched (here
	# the executable and libetrace_usdt.so); without a wildcard the
	# probe must be in one file only
	spawn "$P/usdt_libuser" 100000 5
	run 0 -p "$bgpid" -e 'usdt::etlib:in_lib { printf("%s %d\n", probe, arg0 >= 1000); exit(); }'
	lines "usdt:$P/libetrace_usdt.so:etlib:in_lib 1\n"
	run 0 -p "$bgpid" -e 'usdt:in_exe { printf("%s\n", probe); exit(); }'
	lines "usdt:$P/usdt_libuser:etlib:in_exe\n"
	run 0 -p "$bgpid" -e 'usdt:::in_* { @[probe] = count(); if (@n++ >= 8) { exit(); } } END { clear(@n); }'
	has "$out" '^Attaching 3 probes\.\.\.$'
	has "$out" "^@\[usdt:$P/usdt_libuser:etlib:in_exe\]: [1-9]"
	has "$out" "^@\[usdt:$P/libetrace_usdt.so:etlib:in_lib\]: [1-9]"
	run 0 -p "$bgpid" -e 'usdt:*etrace_usdt*:etlib:* { @[probe] = count(); if (@n++ >= 8) { exit(); } } END { clear(@n); }'
	has "$out" '^Attaching 3 probes\.\.\.$'
	has "$out" "^@\[usdt:$P/libetrace_usdt.so:etlib:twice\]: [1-9]"
	run 1 -p "$bgpid" -e 'usdt::etlib:twice { }'
	refused "USDT probe 'etlib:twice' is in more than one of the files process $bgpid maps: $P/usdt_libuser and $P/libetrace_usdt.so"
	run 1 -p "$bgpid" -e 'usdt::etlib:nope { }'
	refused "No USDT probe 'etlib:nope' in the files process $bgpid maps"
	# a file named with -p must be one the process maps
	run 1 -p "$bgpid" -e "usdt:$P/usdt_c:etrace:start { }"
	refused "usdt target file '$P/usdt_c' is not mapped by process $bgpid"
	# compiled ahead of time with -p: the files found go in the artifact
	run 0 --compile-only -p "$bgpid" -o "$tmp/p.eto" -e 'usdt:::in_lib { printf("%d\n", arg0 >= 1000); exit(); }'
	etrace=$(dirname "$etrace")/etrace-run
	run 0 -p "$bgpid" "$tmp/p.eto"
	lines '1\n'
	;;
usdt_empty_provider)
	# usdt:FILE::NAME is usdt:FILE:NAME: any provider's, one probe
	# unless a wildcard asks for more; probe names it in full
	run 0 -c "$P/usdt_c 2" -e "usdt:$P/usdt_c::values { printf(\"%s %d\\n\", probe, arg0); }"
	lines "2\nusdt:$P/usdt_c:etrace:values 0\nusdt:$P/usdt_c:etrace:values 1\n"
	run 0 -c "$P/usdt_c 1" -e "usdt:$P/usdt_c:constant { printf(\"%s\\n\", probe); }"
	lines "1\nusdt:$P/usdt_c:etrace:constant\n"
	run 0 -c "$P/usdt_c 1" -e "usdt:$P/usdt_c::st* { printf(\"%s\\n\", probe); }"
	lines "1\nusdt:$P/usdt_c:etrace:start\nusdt:$P/usdt_c:other:start\n"
	run 1 -e "usdt:$P/usdt_c::start { }"
	refused "USDT probe name 'start' is ambiguous in $P/usdt_c: providers 'etrace' and 'other' have it"
	;;
usdt_file_glob)
	# a wildcard in the file: each ELF file glob(3) finds, the probe
	# builtin naming the file
	run 0 -c "$P/usdt_inline 4" -e "usdt:$P/usdt_*:dup:hit { printf(\"%s %d %d\\n\", probe, arg0, arg1); }"
	has "$out" '^Attaching 3 probes'
	lines "usdt:$P/usdt_inline:dup:hit 12 4\nusdt:$P/usdt_inline:dup:hit 4 7\nusdt:$P/usdt_inline:dup:hit 5 9\n"
	run 0 -c "$P/usdt_c 1" -e "usdt:$P/usdt_[cl]*:*:*start { @[probe] = count(); }"
	has "$out" '^Attaching 2 probes'
	lines "1\n@[usdt:$P/usdt_c:etrace:start]: 1\n@[usdt:$P/usdt_c:other:start]: 1\n"
	run 1 -e "usdt:$P/etrace_none*:a:b { }"
	refused "usdt target file '$P/etrace_none\*' does not exist"
	;;
usdt_file_activation)
	# two processes with a semaphore-guarded probe, each printing its
	# semaphore's value: -p raises it in its process only;
	# --usdt-file-activation in every process mapping the file, while
	# -p still keeps the events of its own
	"$P/usdt_semawatch" 100000 5 >"$tmp/a" &
	a=$!
	"$P/usdt_semawatch" 100000 5 >"$tmp/b" &
	b=$!
	bg="$bg $a $b"
	wait_exec "$a" "$P/usdt_semawatch"
	wait_exec "$b" "$P/usdt_semawatch"
	prog="usdt:$P/usdt_semawatch:etsema:tick { printf(\"%d\\n\", arg0 == $a); if (@n++ >= 5) { exit(); } } END { clear(@n); }"
	run 0 -p "$a" -e "$prog"
	lines '1\n1\n1\n1\n1\n1\n'
	grep -q '^semaphore 1$' "$tmp/a" || fail "-p: not raised in $a"
	grep -q '^semaphore [1-9]' "$tmp/b" && fail "-p: raised in $b too"
	run 0 -p "$a" --usdt-file-activation -e "$prog"
	lines '1\n1\n1\n1\n1\n1\n'
	grep -q '^semaphore 1$' "$tmp/b" ||
		fail "--usdt-file-activation: not raised in $b"
	# without -p (as bpftrace's "found 2 processes"), and etrace-run
	run 0 --usdt-file-activation -e "usdt:$P/usdt_semawatch:etsema:tick /(arg0 == $a || arg0 == $b) && @pids[arg0] == 0/ { @pids[arg0] = 1; if (++@n == 2) { exit(); } } END { printf(\"found %d processes\\n\", @n); clear(@pids); clear(@n); }"
	lines 'found 2 processes\n'
	run 0 --compile-only -o "$tmp/f.eto" -e "$prog"
	ones=$(grep -c '^semaphore 1$' "$tmp/b")
	etrace=$(dirname "$etrace")/etrace-run
	run 0 -p "$a" --usdt-file-activation "$tmp/f.eto"
	lines '1\n1\n1\n1\n1\n1\n'
	[ "$(grep -c '^semaphore 1$' "$tmp/b")" -gt "$ones" ] ||
		fail "etrace-run --usdt-file-activation: not raised in $b"
	;;
usdt_semaphore)
	# etrace_guarded_semaphore is raised only while attached
	run 0 -c "$P/usdt_c 2" -e "usdt:$P/usdt_c:etrace:guarded { printf(\"g %d\\n\", arg0); }"
	lines '2\ng 0\ng 1\n'
	;;
usdt_inlined)
	# three notes, three operand forms: one uprobe each
	run 0 -c "$P/usdt_inline 4" -e "usdt:$P/usdt_inline:dup:hit { printf(\"%d %d\\n\", arg0, arg1); }"
	has "$out" '^Attaching 3 probes'
	lines '12 4\n4 7\n5 9\n'
	;;
usdt_wildcard)
	run 0 -c "$P/usdt_c 1" -e "usdt:$P/usdt_c:*:start { printf(\"%s\\n\", probe); }"
	lines "1\nusdt:$P/usdt_c:etrace:start\nusdt:$P/usdt_c:other:start\n"
	;;
exited_ustack)
	# the child has exited when the map prints: its mappings were kept
	# at its exit (runtime/umaps.c), so the stack is still symbolized
	# (bpftrace 0.17 prints raw addresses)
	run 0 -c "$P/uprobe_c_pie 2" -e "uprobe:$P/uprobe_c_pie:et_add { @[ustack(2)] = count(); }"
	has "$out" '^    et_add+0$'
	has "$out" '^    main+[0-9][0-9]*$'
	has "$out" '^]: 2$'
	;;
str_untouched_page)
	# the string's page was never touched by the process: read anyway
	# (bpftrace 0.17 prints an empty string)
	dd if=/dev/zero of="$tmp/data" bs=4096 count=8 2>/dev/null
	printf 'page-six' | dd of="$tmp/data" bs=1 seek=24676 conv=notrunc 2>/dev/null
	run 0 -c "$P/uprobe_untouched $tmp/data 24676" -e "uprobe:$P/uprobe_untouched:et_str { printf(\"<%s>\\n\", str(arg0)); }"
	lines '<page-six>\n'
	;;
python_usdt)
	py=/usr/bin/python3.11
	[ -x $py ] || skip "no $py"
	line=$(grep -n '^def _g' /usr/lib/python3.11/types.py | cut -d: -f1)
	# a script file: -c splits at spaces, as bpftrace's (no quoting)
	echo 'import types' >"$tmp/imp.py"
	run 0 -c "$py $tmp/imp.py" -e "usdt:$py:python:function__entry /str(arg1) == \"_g\"/ { printf(\"%s %s %d\\n\", str(arg0), str(arg1), arg2); }"
	lines "/usr/lib/python3.11/types.py _g $line\n"
	;;
jvm_usdt)
	jdk=/usr/lib/jvm/java-17-openjdk-amd64
	[ -x $jdk/bin/javac ] || skip "no OpenJDK 17 (openjdk-17-jdk-headless)"
	cat >"$tmp/EtHello.java" <<'EOF'
public class EtHello {
	static int etCompute(int x) { return x * 2; }
	public static void main(String[] a) {
		int s = 0;
		for (int i = 0; i < 3; i++)
			s += etCompute(i);
		System.out.println(s);
	}
}
EOF
	$jdk/bin/javac -d "$tmp" "$tmp/EtHello.java" || fail "javac failed"
	run 0 -c "$jdk/bin/java -Xint -Xshare:auto -XX:+DTraceMethodProbes -cp $tmp EtHello" -e "usdt:$jdk/lib/server/libjvm.so:hotspot:method__entry /str(arg3, arg4) == \"etCompute\"/ { printf(\"%s.%s %s %d\\n\", str(arg1, arg2), str(arg3, arg4), str(arg5, arg6), arg0 > 0); }"
	lines '6\nEtHello.etCompute (I)I 1\nEtHello.etCompute (I)I 1\nEtHello.etCompute (I)I 1\n'
	;;
go_return)
	# a Go function's return: uprobes on its RETs, no uretprobe
	[ -x "$P/hello_go" ] || skip "no Go toolchain (golang-go)"
	run 0 -c "$P/hello_go" -e "uretprobe:$P/hello_go:main.etAdd { @r = sum(retval); } uprobe:$P/hello_go:main.etAdd { @[arg0, arg1] = count(); @l = sum(elapsed > 0); }"
	lines '3\n@[1, 2]: 1\n@l: 1\n@r: 3\n'
	;;
list_uprobe)
	run 0 -l "uprobe:$P/uprobe_c_pie:et_*"
	same "uprobe:$P/uprobe_c_pie:et_add\nuprobe:$P/uprobe_c_pie:et_fib\nuprobe:$P/uprobe_c_pie:et_handle_request\nuprobe:$P/uprobe_c_pie:et_handle_response\nuprobe:$P/uprobe_c_pie:et_local_helper\nuprobe:$P/uprobe_c_pie:et_sleep_ms\n"
	run 0 -l "uprobe:libc:mallo?"
	has "$out" '^uprobe:/.*/libc\.so\.6:malloc$'
	;;
list_usdt)
	run 0 -l "usdt:$P/usdt_c"
	same "usdt:$P/usdt_c:etrace:constant\nusdt:$P/usdt_c:etrace:guarded\nusdt:$P/usdt_c:etrace:start\nusdt:$P/usdt_c:etrace:text\nusdt:$P/usdt_c:etrace:values\nusdt:$P/usdt_c:other:start\n"
	run 0 -l "usdt:$P/usdt_c:start"
	same "usdt:$P/usdt_c:etrace:start\nusdt:$P/usdt_c:other:start\n"
	run 1 -l "usdt:/etc/passwd"
	has "$err" 'not an ELF file'
	;;
list_file_glob)
	# a wildcard in the file part: each ELF file it matches (here the
	# C builds; not the C++ one, whose et_fib does not exist), sorted
	run 0 -l "uprobe:$P/uprobe_c_*:et_fib"
	same "uprobe:$P/uprobe_c_nopie:et_fib\nuprobe:$P/uprobe_c_o2:et_fib\nuprobe:$P/uprobe_c_pie:et_fib\n"
	run 0 -l "usdt:$P/usdt_*:*:start"
	same "usdt:$P/usdt_c:etrace:start\nusdt:$P/usdt_c:other:start\n"
	run 1 -l "uprobe:$P/etrace_none*:*"
	has "$err" "^stdin:1:1: error: uprobe target file '$P/etrace_none\*' does not exist$"
	;;
list_kind_glob)
	# '*:FILE:...' lists the user-space kinds, uprobes then USDT probes
	run 0 -l "*:$P/usdt_c:*start"
	same "uprobe:$P/usdt_c:_start\nusdt:$P/usdt_c:etrace:start\nusdt:$P/usdt_c:other:start\n"
	# a C++ function by its demangled name, printed as the symbol
	run 0 -l "uprobe:$P/uprobe_cpp:etns::compute*"
	same "uprobe:$P/uprobe_cpp:_ZN4etns7computeEd\nuprobe:$P/uprobe_cpp:_ZN4etns7computeEi\nuprobe:$P/uprobe_cpp:_ZN4etns7computeEii\n"
	;;
list_pid)
	# -p PID: its executable's functions and the USDT probes of all it
	# maps, as bpftrace 0.17 lists them
	spawn "$P/usdt_c" 100000 10
	run 0 -l "uprobe:$P/usdt_c:*"
	cp "$out" "$tmp/want_pid"
	run 0 -l "usdt:$P/usdt_c"
	cat "$out" >>"$tmp/want_pid"
	[ "$(wc -l <"$tmp/want_pid")" -gt 10 ] || fail "too few probes"
	run 0 -l -p "$bgpid"
	cmp -s "$tmp/want_pid" "$out" ||
		fail "not the file's probes: $(diff "$tmp/want_pid" "$out")"
	run 0 -l 'usdt:*:other:*' -p "$bgpid"
	same "usdt:$P/usdt_c:other:start\n"
	run 0 -l 'uprobe:et_*' -p "$bgpid"
	same "uprobe:$P/usdt_c:et_guarded\n"
	run 0 -l 'uprobe:libc:mallo?' -p "$bgpid"
	has "$out" '^uprobe:/.*/libc\.so\.6:malloc$'
	;;
mount_ns)
	# a process in its own mount namespace, its binary on a file system
	# only it sees: found through /proc/PID/root, to list and to trace
	command -v unshare >/dev/null || skip "no unshare"
	mkdir "$tmp/mnt"
	unshare -m sh -c "mount -t tmpfs etrace-test $tmp/mnt && cp $P/uprobe_c_pie $tmp/mnt/app && exec $tmp/mnt/app 100000 10" >/dev/null &
	bgpid=$!
	bg="$bg $bgpid"
	# its exe, read from here, is the path inside its namespace
	i=0
	while [ "$(readlink "/proc/$bgpid/exe")" != "$tmp/mnt/app" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the process did not start in its namespace"
		sleep 0.1
	done
	[ -e "$tmp/mnt/app" ] && fail "its file system is visible here"
	run 0 -p "$bgpid" -e "uprobe:$tmp/mnt/app:et_add { printf(\"%s\\n\", probe); exit(); }"
	lines "uprobe:$tmp/mnt/app:et_add\n"
	run 0 -l 'uprobe:et_a*' -p "$bgpid"
	same "uprobe:/proc/$bgpid/root$tmp/mnt/app:et_add\n"
	run 1 -e "uprobe:$tmp/mnt/app:et_add { exit(); }"
	has "$err" "uprobe target file '$tmp/mnt/app' does not exist"
	;;
vs_bpftrace)
	# the same uprobe programs under bpftrace 0.17: the same maps
	# (distinct values: bpftrace sorts by value, ties in hash order)
	command -v bpftrace >/dev/null || skip "no bpftrace"
	# private copies: uprobes are per file, and bpftrace's -c does not
	# limit them to the child, so it would count the calls of other
	# tests' processes running the same programs at the same time
	V=$tmp/vs
	mkdir "$V"
	for f in uprobe_c_pie uprobe_cpp usdt_c uprobe_libuser \
	    libetrace_uprobe.so; do
		cp "$P/$f" "$V/" || fail "cannot copy $f"
	done
	n=0
	for prog in \
	    "uprobe:$V/uprobe_c_pie:et_add { @[arg0, arg1] = sum(arg0 * 10 + arg1); }" \
	    "uretprobe:$V/uprobe_c_pie:et_handle_* { @[probe] = sum(retval); }" \
	    "uprobe:$V/uprobe_cpp:\"etns::compute(int)\" { @c[arg0] = sum(arg0 + 1); }" \
	    "usdt:$V/usdt_c:etrace:values { @v[arg0] = sum(arg1); @s[arg2] = sum(arg0); }" \
	    "uprobe:$V/libetrace_uprobe.so:et_lib_sum { @n = stats(arg1); }"; do
		n=$((n + 1))
		case $prog in
		*uprobe_cpp*) cmd="$V/uprobe_cpp 3" ;;
		*usdt_c*) cmd="$V/usdt_c 3" ;;
		*libetrace*) cmd="$V/uprobe_libuser 3" ;;
		*) cmd="$V/uprobe_c_pie 3" ;;
		esac
		timeout 40 bpftrace -c "$cmd" -e "$prog" 2>/dev/null |
			grep -v '^[0-9]*$' >"$tmp/b$n"
		run 0 -c "$cmd" -e "$prog"
		grep -v '^[0-9]*$' "$out" >"$tmp/e$n"
		cmp -s "$tmp/b$n" "$tmp/e$n" ||
			fail "differs from bpftrace: $prog: $(diff "$tmp/b$n" "$tmp/e$n" | head -10)"
	done
	;;
bad_input)
	run 1 -e "uprobe:/nonexistent/app:f { }"
	refused "'/nonexistent/app' does not exist"
	run 1 -e "uprobe:/etc/passwd:f { }"
	refused 'is not an ELF file'
	run 1 -e "uprobe:$P/uprobe_c_pie:no_such_fn { }"
	refused "No symbol 'no_such_fn'"
	run 1 -e "uprobe:$P/uprobe_c_stripped:et_add { }"
	refused 'stripped'
	run 1 -e "usdt:$P/usdt_c:etrace:nope { }"
	refused "No USDT probe 'etrace:nope'"
	run 1 -p 999999999 -e "uprobe:$P/uprobe_c_pie:et_add { }"
	has "$err" 'no process with PID 999999999'
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
