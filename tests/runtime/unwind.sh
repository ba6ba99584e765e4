#!/bin/sh
# ustack unwinding (real BPF, as root): one case per ctest test.
#   unwind.sh ETRACE PROGS_DIR ETRACE_RUN CASE
# unwind_chain is built -O2 -fomit-frame-pointer: a frame-pointer walk
# loses its frames, the CFI unwinder (bpf-helpers/unwind.c) does not.
set -u
etrace=$1
progs=$(readlink -f "$2")
etrace_run=$3
case=$4

RUN_TIMEOUT=40
. "$(dirname "$0")/rtlib.sh"

P=$progs/unwind_chain
prog="uprobe:$P:leaf { @[ustack] = count(); }"

# each stack of $out on one line, frames joined by ",", offsets dropped
# but leaf's (+0: the probe is on its first instruction), with its
# count; stacks printed alike (ustack(2) of two stacks) added up; sorted
stacks() {
	awk '/^@\[$/ { s = "" } /^    / { s = s (s ? "," : "") $1 }
	     /^\]: / { print s " " $2 }' "$out" |
		sed 's/+[1-9][0-9]*//g' |
		awk '{ c[$1] += $2 } END { for (k in c) print k, c[k] }' | sort
}

# pid_start PROG ARGS...: etrace (or etrace-run, $runner) -p of PROG 3,
# which waits on a fifo until the probe is attached; then until both end
pid_start() {
	target=$1
	shift
	mkfifo "$tmp/go"
	"$target" 3 "$tmp/go" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$target"
	"$runner" -p "$child" "$@" >"$out" 2>"$err" &
	bg=$!
	wait_links 1
	echo x >"$tmp/go"
	wait_bg 0
}

# check_chain: $out holds unwind_chain 3's two stacks, three times each
check_chain() {
	got=$(stacks)
	want="leaf+0,d3,d2,d1,main,__libc_start_call_main,__libc_start_main,_start 3
leaf+0,handle,main,__libc_start_call_main,__libc_start_main,_start 3"
	[ "$got" = "$want" ] || fail "stacks:
$got
expected:
$want"
}

# pid_run ARGS...: pid_start of unwind_chain, its stacks checked
pid_run() {
	pid_start "$P" "$@"
	check_chain
}

case $case in
cfi_pid)
	# -p: the tables are loaded before attaching
	runner=$etrace
	pid_run -e "$prog"
	;;
cfi_child)
	# -c: the child runs to its entry point under ptrace, where its
	# tables are loaded (the libraries are mapped by then): its first
	# stacks are unwound (no "[frame pointers]" marker)
	runner=$etrace
	run 0 -c "$P 3" -e "$prog"
	check_chain
	;;
cfi_artifact)
	# the artifact says the run loads tables: etrace-run does
	"$etrace" --compile-only -o "$tmp/u.eto" -e "$prog" ||
		fail "compile-only failed"
	runner=$etrace_run
	pid_run "$tmp/u.eto"
	;;
signal)
	# the handler's caller is the sigreturn trampoline; past it, the
	# interrupted code (an exact pc, not a return address) and its
	# callers
	runner=$etrace
	S=$progs/unwind_signal
	pid_start "$S" -e "uprobe:$S:leaf { @[ustack] = count(); }"
	got=$(stacks | tr ',' '\n')
	echo "$got" | head -2 | tr '\n' ' ' | grep -qx 'leaf+0 on_sig ' ||
		fail "not leaf, on_sig: $got"
	echo "$got" | grep -q '^sigsrc$' || fail "no sigsrc: $got"
	echo "$got" | grep -q '^_start 3$' || fail "not to _start: $got"
	grep -q 'truncated\|frame pointers' "$out" && fail "a marker: $got"
	true
	;;
entry_caller)
	# -c: the first calls come before the tables: frame pointers, but at
	# a function's first instruction the caller is at the stack pointer
	# (bpftrace 0.17 and bpf_get_stackid lose handle here); a call after
	# the tables are loaded has the same two frames
	run 0 -c "$P 2" -e "uprobe:$P:leaf { @[ustack(2)] = count(); }"
	got=$(stacks)
	want="leaf+0,d3 2
leaf+0,handle 2"
	[ "$got" = "$want" ] || fail "stacks:
$got
expected:
$want"
	;;
fp_mode)
	# ustack_unwind = "fp": bpf_get_stackid, as bpftrace: no marker
	# frame, and the caller at entry is lost (the frame-pointer chain
	# still describes handle's caller)
	run 0 -c "$P 2" -e "config = { ustack_unwind = \"fp\" } $prog"
	has "$out" '^    leaf+0$'
	grep -q 'frame pointers\|truncated\|handle' "$out" &&
		fail "fp mode: not bpf_get_stackid's stack"
	ETRACE_USTACK_UNWIND=fp run 0 -c "$P 2" -e "$prog"
	grep -q 'frame pointers\|handle' "$out" && fail "ETRACE_USTACK_UNWIND=fp ignored"
	true
	;;
fp_store)
	# ustack_unwind = "fp" stacks stored by their frames (bpf-helpers/
	# kstack.c), not in bpf_get_stackid's buckets: fp_paths calls
	# getppid() through 256 distinct paths, 3 times each; every path is
	# a stack of its own, each counted 3 times, nothing lost (in 4096
	# buckets 256 stacks share one about 8 times)
	fpp=$progs/fp_paths
	run 0 -c "$fpp 8 3" -e 'config = { ustack_unwind = "fp" } tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @s[ustack] = count(); @n = count(); }'
	[ -s "$err" ] && fail "etrace wrote to stderr: $(cat "$err")"
	[ "$(awk '/^@n: / { print $2 }' "$out")" = 768 ] || fail "@n: not 768"
	# each stack's frames l/r 7..0 as a path, with its count
	awk '/^@s\[$/ { s = "" } /^ +[lr][0-9]+\+[0-9]+$/ { sub(/^ +/, ""); s = s substr($1, 1, 1) }
	     /^\]: / { print s, $2 }' "$out" | sort >"$tmp/paths"
	[ "$(wc -l <"$tmp/paths")" = 256 ] ||
		fail "$(wc -l <"$tmp/paths") stacks, not 256: $(head -5 "$out")"
	[ "$(cut -c1-8 "$tmp/paths" | grep -c '^[lr]\{8\}$')" = 256 ] ||
		fail "a stack without its 8 levels: $(grep -v '^[lr]\{8\} ' "$tmp/paths" | head -3)"
	[ "$(cut -d' ' -f1 "$tmp/paths" | sort -u | wc -l)" = 256 ] ||
		fail "the same path twice"
	awk '$2 != 3 { exit 1 }' "$tmp/paths" || fail "a count not 3"
	# 4200 distinct stacks fill the map (4096 entries): the 104 left
	# out (the map full, or the rare 32-bit hash collision, which
	# leaves an entry free for another) are reported under -k, as
	# bpftrace reports get_stackid's failures
	run 0 -k -c "$fpp 13 1 4200" -e 'config = { ustack_unwind = "fp" } tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @s[ustack] = count(); } END { clear(@s); }'
	grep -q 'warning: Failed to get_stackid: Cannot allocate memory (-12)$' "$err" ||
		fail "no get_stackid warning of a full map: $(head -3 "$err")"
	n=$(grep -c 'warning: Failed to get_stackid: ' "$err")
	[ "$n" = 104 ] || fail "$n get_stackid warnings under -k, not 104: $(head -3 "$err")"
	;;
*)
	fail "unknown case $case"
	;;
esac
