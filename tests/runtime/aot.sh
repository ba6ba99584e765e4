#!/bin/sh
# Runtime tests of ahead-of-time programs (runtime/artifact.h), real BPF
# as root: etrace --compile-only writes an artifact, etrace-run (the
# runtime alone) and `etrace prog.eto` run it.
#   aot.sh ETRACE ETRACE_RUN RT_TARGET CASE
# Exit 77: not root.
set -u
etrace=$1
etrace_run=$2
target=$3
case=$4

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

# rrun STATUS ARGS...: etrace-run ARGS must exit with STATUS
rrun() {
	want=$1
	shift
	timeout "$RUN_TIMEOUT" "$etrace_run" "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = "$want" ] || fail "etrace-run: exit status $rc, expected $want"
}

compile() {	# FILE ARGS...: --compile-only -o FILE ARGS
	f=$1
	shift
	run 0 --compile-only -o "$f" "$@"
	[ -s "$f" ] || fail "no artifact written"
	[ ! -s "$out" ] || fail "--compile-only printed to stdout"
}

prog='BEGIN { @n = 3; @s["a", 2] = 5; printf("begin %d %s\n", $1, str($2)); }
tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @calls = count();
  @h = hist(3); }
END { printf("end %d\n", @n); }'

# the same output from etrace -e, etrace-run and etrace prog.eto
same_output() {
	run 0 -c "$target getppid 7" -e "$prog" 42 word
	cp "$out" "$tmp/direct"
	grep -q '^@calls: 7$' "$tmp/direct" || fail "direct run saw no calls"
	compile "$tmp/p.eto" -c true -e "$prog" 42 word
	rrun 0 -c "$target getppid 7" "$tmp/p.eto"
	cmp "$tmp/direct" "$out" || fail "etrace-run's output differs: $(diff "$tmp/direct" "$out")"
	run 0 -c "$target getppid 7" "$tmp/p.eto"
	cmp "$tmp/direct" "$out" || fail "etrace prog.eto's output differs"
	# the parameters may be repeated, not changed
	rrun 0 -c "$target getppid 7" "$tmp/p.eto" 42 word
	rrun 1 -c "$target getppid 7" "$tmp/p.eto" 43 word
	has "$err" "compiled with 2 positional parameters (\$1 = '42'...)"
}

# -p is the run's, not the compile's: the filter is read from .rodata
pid_at_run_time() {
	compile "$tmp/p.eto" -e 'tracepoint:syscalls:sys_enter_getppid { @[pid] = count(); }
		interval:ms:1500 { exit(); }'
	"$target" sleep 400 &
	bg=$!
	sleep 0.1
	(sleep 0.6; "$target" getppid 50) &
	rrun 0 -p "$bg" "$tmp/p.eto"
	kill_bg
	[ "$(grep -c '^@\[' "$out")" = 0 ] || fail "-p let other processes in"
	# without -p: the other process's calls count
	(sleep 0.6; "$target" getppid 50) &
	rrun 0 "$tmp/p.eto"
	grep -q ': 50$' "$out" || fail "no process counted without -p"
}

# what the program needs at run time is asked for
run_time_needs() {
	compile "$tmp/c.eto" -c true -e 'BEGIN { printf("%d\n", cpid > 0); exit(); }'
	rrun 1 "$tmp/c.eto"
	has "$err" "reads cpid: run it with -c CMD"
	rrun 0 -c "$target sleep 10" "$tmp/c.eto"
	has "$out" "^1$"
	compile "$tmp/u.eto" --unsafe -e 'BEGIN { system("echo hi"); exit(); }'
	rrun 1 "$tmp/u.eto"
	has "$err" "calls system() or signal(): run it with --unsafe"
	rrun 0 --unsafe "$tmp/u.eto"
	has "$out" "^hi$"
}

# damaged, foreign and future artifacts: one sentence, exit 1
refused() {
	compile "$tmp/p.eto" -e 'BEGIN { printf("x\n"); exit(); }'
	head -c 1000 "$tmp/p.eto" >"$tmp/cut.eto"
	rrun 1 "$tmp/cut.eto"
	has "$err" "not an etrace artifact"
	[ "$(wc -l <"$err")" = 1 ] || fail "more than one line"
	printf 'BEGIN { exit(); }' >"$tmp/script.eto"
	rrun 1 "$tmp/script.eto"
	has "$err" "not an etrace artifact"
	perl -pe 's/"etrace_artifact":[0-9]+/"etrace_artifact":9/' "$tmp/p.eto" \
		>"$tmp/v9.eto"
	rrun 1 "$tmp/v9.eto"
	has "$err" "format version 9; this etrace reads version [0-9]"
	run 1 "$tmp/v9.eto"
	has "$err" "format version 9"
	perl -pe 's/"rec_size":16/"rec_size": 4/' "$tmp/p.eto" >"$tmp/bad.eto"
	rrun 1 "$tmp/bad.eto"
	has "$err" "corrupt artifact: actions\[[0-9]\]: an argument lies outside its record"
	rrun 1 "$tmp/missing.eto"
	has "$err" "cannot read it"
	rrun 0 --dry-run "$tmp/p.eto"
	[ ! -s "$out" ] || fail "--dry-run ran the program"
}

# what needs the compiler is refused by etrace-run, exit 2
compiler_options() {
	rrun 2 -e 'BEGIN { exit(); }'
	has "$err" "etrace-run: -e needs the compiler: use etrace"
	rrun 2 -l
	has "$err" "-l needs the compiler"
	rrun 2 -k "$tmp/x.eto"
	has "$err" "-k (compile with etrace --compile-only -k) needs"
	rrun 2 --include errno.h "$tmp/x.eto"
	has "$err" "--include needs the compiler"
	rrun 2 --frobnicate "$tmp/x.eto"
	has "$err" "^etrace-run: unrecognized option '--frobnicate'$"
	has "$err" "^USAGE: etrace-run \[options\] PROG.eto"
	run 2 --compile-only -e 'BEGIN { exit(); }'
	has "$err" "--compile-only needs -o FILE"
	compile "$tmp/p.eto" -e 'BEGIN { exit(); }'
	run 2 -d ast "$tmp/p.eto"
	has "$err" "-d needs a script: .*p.eto is a compiled program"
	rrun 0 --version
	has "$out" "^etrace-run v"
}

# a tracepoint whose record differs on this kernel from the one the
# program was compiled for: the field, the place, the fix
tracepoint_layout() {
	mkdir -p "$tmp/tracefs/events/syscalls"
	cp -r "$(dirname "$0")/../data/tracefs/events/syscalls/sys_enter_openat" \
		"$tmp/tracefs/events/syscalls/"
	sed -i 's/filename;\toffset:24/filename;\toffset:32/;
		s/flags;\toffset:32/flags;\toffset:24/' \
		"$tmp/tracefs/events/syscalls/sys_enter_openat/format"
	grep -q 'filename;.offset:32' \
		"$tmp/tracefs/events/syscalls/sys_enter_openat/format" ||
		fail "could not make the other layout"
	ETRACE_TRACEFS=$tmp/tracefs compile "$tmp/tp.eto" -e \
		'tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filename)); }'
	rrun 1 "$tmp/tp.eto"
	has "$err" "stdin:1:59: error: tracepoint:syscalls:sys_enter_openat: field 'filename' is at offset 24 (8 bytes) on this kernel, not at offset 32 (8 bytes)"
	has "$err" "note: the program was compiled on .*: compile it again for this kernel"
	has "$err" "~~~~"
	# compiled against this kernel's layout: it loads
	compile "$tmp/ok.eto" -e \
		'tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filename)); exit(); }'
	(sleep 0.5; cat /etc/hostname >/dev/null) &
	rrun 0 "$tmp/ok.eto"
}

"$case"
