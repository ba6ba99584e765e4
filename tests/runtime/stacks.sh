#!/bin/sh
# Stacks compared with gdb (issue #12, real BPF, as root): the user stack
# etrace prints must equal gdb's backtrace at the same place, frame for
# frame.
#   stacks.sh ETRACE PROGS_DIR CASE
# PROGS_DIR holds the programs tests/progs/stacks/progs.cmake builds:
# stk_c, stk_cpp and stk_rs, each _nofp (-O2 -fomit-frame-pointer) and _fp
# (-O2 -fno-omit-frame-pointer). CASE is LANG_BUILD_KIND_SCENARIO
# (c_nofp_entry_deep), the program running one of its four scenarios
# (deep: a chain of 20-30
# functions; rec: recursion; qsort: libc's qsort calling back the
# comparator, which calls deeper; signal: kill(2) to itself, the handler
# calling deeper), each reaching the function leaf, where:
#   entry    uprobe on leaf's first instruction; gdb: break *leaf
#   mid      uprobe at leaf+OFF, OFF the first instruction after the
#            prologue (objdump); gdb: break *leaf+OFF
#   syscall  tracepoint:syscalls:sys_enter_getppid, which leaf calls;
#            gdb: catch syscall getppid
#   profile  profile:hz:999 while the program spins in leaf: every sample
#            equals gdb's stack at leaf+OFF (as mid), but for frame 0's
#            offset
#   start    as entry, of a program etrace starts (-c): its tables are
#            made after etrace started
# entry, mid and syscall trace (-p) a program that waits for a file
# before its work (parked), profile one that spins; the gdb side runs
# the same program without waiting.
# Frames are compared as ELF symbol+offset (what gdb's "info symbol"
# says of each frame's pc), normalized on both sides: Rust's hash suffix
# (::h0123456789abcdef) and GCC's clone numbers (.part.0) dropped. gdb's
# inlined and tail-call frames are left out (tests/runtime/
# stacks_gdb.py): they are not on the machine stack; the programs inline
# nothing of their own (noipa, #[inline(never)]).
# Exit 77: not root, or gdb, libc6-dbg or the program (rustc missing)
# not there.
set -u
etrace=$1
progs=$(readlink -f "$2")
case=$3
here=$(cd "$(dirname "$0")" && pwd)

RUN_TIMEOUT=60
. "$here/rtlib.sh"

# LANG_BUILD_KIND_SCENARIO
IFS=_ read -r lang build kind s <<EOF
$case
EOF
bin=$progs/stk_${lang}_$build
command -v gdb >/dev/null || skip "no gdb (apt-get install gdb)"
# libc's frames (qsort's msort_with_tmp, __restore_rt, __libc_start_call_main)
# are named by its full symbol table, in libc6-dbg's debug file, on both sides
dpkg-query -W -f='${Status}' libc6-dbg 2>/dev/null | grep -q "ok installed" ||
	skip "no libc6-dbg (apt-get install libc6-dbg)"
[ -x "$bin" ] || skip "no $bin (stk_rs needs rustc: apt-get install rustc)"

# the ELF symbol of leaf (mangled for C++ and Rust)
sym=$(nm "$bin" | awk '$3 == "stk_leaf" || $3 == "_ZN3stk4leafEv" ||
	$3 ~ /^_ZN6stk_rs8stk_leaf17h[0-9a-f]+E$/ { print $3 }')
[ -n "$sym" ] || fail "no leaf symbol in $bin"

# mid: leaf's offset past its prologue (the pushes, the stack pointer's
# adjustment, the frame pointer's set-up): where the return address is
# no longer at the stack pointer
set -- $(objdump -d --no-show-raw-insn --disassemble="$sym" "$bin" | awk '
	/^ +[0-9a-f]+:\t/ {
		sub(/:$/, "", $1); if (s == "") s = $1
		if ($2 ~ /^(endbr64|push)$/ || $0 ~ /(sub|mov) +[^ ]*,%rsp$/ ||
		    $0 ~ /mov +%rsp,%rbp$/)
			next
		print s, $1; exit
	}')
[ $# = 2 ] || fail "cannot disassemble $sym of $bin"
mid=$((0x$2 - 0x$1))
[ -n "$mid" ] && [ "$mid" -gt 0 ] || fail "no prologue in $sym of $bin"

# norm: one frame a line in, normalized frames out
norm() {
	sed -E -e 's/::h[0-9a-f]{16}(\+[0-9]+)$/\1/' \
		-e 's/\.[0-9]+(\+[0-9]+)$/\1/'
}

# gdb_frames SCENARIO STOP: gdb's frames where STOP (gdb commands) stops
# the program running SCENARIO, into $tmp/gdb
gdb_frames() {
	timeout 120 gdb -batch -nx -iex 'set debuginfod enabled off' \
		-ex "source $here/stacks_gdb.py" \
		-ex 'set backtrace past-main on' -ex 'set backtrace past-entry on' \
		-ex 'handle SIGUSR1 nostop noprint pass' -ex 'set language c' \
		-ex "$2" -ex run -ex etrace-frames -ex kill \
		--args "$bin" "$1" once >"$tmp/gdb.log" 2>&1
	sed -n 's/^ETF //p' "$tmp/gdb.log" | norm >"$tmp/gdb"
	[ -s "$tmp/gdb" ] ||
		fail "gdb did not stop at '$2': $(tail -5 "$tmp/gdb.log")"
}

# et_frames: the one stack etrace printed (print(ustack)), into $tmp/et
et_frames() {
	sed -n 's/^        \([^ ]\)/\1/p' "$out" | norm >"$tmp/et"
	n=$(awk '/^        [^ ]/ && prev == "" { n++ } { prev = $0 }
		END { print n + 0 }' "$out")
	[ "$n" = 1 ] || fail "expected one stack from etrace, got $n"
}

# parked PROGRAM: the program, parked before its work, traced with -p by
# PROGRAM ($ppid: its pid), then let go; etrace ends with it
parked() {
	rm -f "$tmp/go"
	"$bin" "$s" once "$tmp/go" >"$tmp/park" &
	ppid=$!
	for _ in $(seq 1 200); do
		grep -q parked "$tmp/park" && break
		sleep 0.05
	done
	grep -q parked "$tmp/park" || fail "$bin $s did not park"
	prog=$(echo "$1" | sed "s/\$ppid/$ppid/")
	start -p "$ppid" -e "$prog"
	wait_links 1
	touch "$tmp/go"
	wait "$ppid" || fail "$bin $s once ended with status $?"
	wait_bg 0
	et_frames
}

case $s in
deep | rec | qsort | signal) ;;
*) fail "unknown scenario $s" ;;
esac
case $kind in
entry)
	gdb_frames "$s" "break *'$sym'"
	parked "uprobe:$bin:$sym { print(ustack); }"
	;;
mid)
	gdb_frames "$s" "break *'$sym'+$mid"
	parked "uprobe:$bin:$sym+$mid { print(ustack); }"
	;;
syscall)
	gdb_frames "$s" "catch syscall getppid"
	parked 'tracepoint:syscalls:sys_enter_getppid /pid == $ppid/ { print(ustack); }'
	;;
start)
	gdb_frames "$s" "break *'$sym'"
	run 0 -c "$bin $s once" -e "uprobe:$bin:$sym { print(ustack); }"
	et_frames
	;;
profile)
	gdb_frames "$s" "break *'$sym'+$mid"
	"$bin" "$s" spin >"$tmp/spin" &
	spid=$!
	bg="$bg $spid"
	for _ in $(seq 1 200); do
		grep -q ready "$tmp/spin" && break
		sleep 0.05
	done
	grep -q ready "$tmp/spin" || fail "$bin $s spin not ready"
	# the program spins in leaf from here on: no other stack
	run 0 -p "$spid" -e "profile:hz:999 /pid == $spid/ { @[ustack] = count(); } interval:s:2 { exit(); }"
	kill -9 "$spid"
	wait "$spid" 2>/dev/null
	samples=0
	# one file per sampled stack, $tmp/k.N; each must equal gdb's
	# but for frame 0's offset
	rm -f "$tmp"/k.*
	awk -v d="$tmp" '/^@\[/ { n++; f = d "/k." n; printf "" >f; next }
	     /^\]: / { close(f); next }
	     /^  *[^ ]/ { sub(/^ +/, ""); print >>f }' "$out"
	sed '1s/+[0-9]*$//' "$tmp/gdb" >"$tmp/gdb0"
	mv "$tmp/gdb0" "$tmp/gdb"
	for k in "$tmp"/k.*; do
		[ -e "$k" ] || break
		samples=$((samples + 1))
		norm <"$k" | sed '1s/+[0-9]*$//' >"$tmp/et"
		cmp -s "$tmp/gdb" "$tmp/et" || break
	done
	[ "$samples" -gt 0 ] || fail "no samples of $bin $s spin"
	;;
*)
	fail "unknown case $case"
	;;
esac
cmp -s "$tmp/gdb" "$tmp/et" ||
	fail "the stack differs from gdb's (< gdb, > etrace):
$(diff "$tmp/gdb" "$tmp/et")"
echo "the stack equals gdb's:"
sed 's/^/    /' "$tmp/et"
