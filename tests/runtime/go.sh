#!/bin/sh
# Go programs (issue #16; real BPF, as root): one case per ctest test.
#   go.sh ETRACE ETRACE_RUN CASE
# Each case builds tests/progs/go/gotarget.go with the Go toolchain
# (Debian's golang-go, 1.19: GOPATH mode, offline) in its temporary
# directory, then traces it: arguments by Go's register ABI, results at
# the RET instructions, latency keyed by goroutine across stack growth,
# panics and goroutines moving between threads, goid, and a target that
# must finish with its own output unchanged under entry and return
# probes on hot functions, 20 times in a row.
# Exit 77: not root, or no Go toolchain.
set -u
etrace=$1
etrace_run=$2
case=$3
src=$(cd "$(dirname "$0")/../progs/go" && pwd)/gotarget.go

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

GO=$(command -v go || echo /usr/lib/go/bin/go)
[ -x "$GO" ] || skip "no Go toolchain (golang-go)"
B=$tmp/gotarget
GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off GOFLAGS= \
	GOPROXY=off "$GO" build -o "$B" "$src" >"$tmp/build" 2>&1 ||
	{ cat "$tmp/build"; fail "go build failed"; }

# the target's own output, untraced
"$B" args >"$tmp/args.want"

# target WANT: stdout, but for etrace's "Attaching" and blank lines, is
# WANT (printf escapes): the target's own output
target() {
	printf "$1" >"$tmp/want"
	grep -v '^Attaching\|^$' "$out" >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "the target's output differs: $(diff "$tmp/want" "$tmp/got")"
}

case $case in
args)
	# argN by ABIInternal: RAX RBX ... R11, then the stack (arg9)
	run 0 -c "$B args" -e "uprobe:$B:main.add { printf(\"add %d %d\\n\", arg0, arg1); }
uprobe:$B:main.many { printf(\"many %d %d %d %d\\n\", arg0, arg7, arg8, arg9); }"
	has "$out" '^add 3 4$'
	has "$out" '^many 1 8 9 10$'
	;;
args_typed)
	# args.NAME from DWARF: a string, a slice, a pointer to a struct, a
	# struct by value (in four registers) and an int32 after it, an
	# interface, a parameter on the stack
	run 0 -c "$B args" -e "uprobe:$B:main.greet { printf(\"greet %s %d %d\\n\", gostr(args.s), args.s.len, args.n); }
uprobe:$B:main.sum { printf(\"sum %d %d %d\\n\", args.xs.len, args.xs.cap, *(args.xs.array + 1)); }
uprobe:$B:main.norm { printf(\"norm %d %d %s\\n\", args.p->X, args.p->Y, gostr(args.p->Name)); }
uprobe:$B:main.byval { printf(\"byval %d %d %s %d\\n\", args.p.X, args.p.Y, gostr(args.p.Name.str, args.p.Name.len), args.k); }
uprobe:$B:main.iface { printf(\"iface %d %d\\n\", args.v._type != 0, *(int64 *)args.v.data); }
uprobe:$B:main.many { printf(\"many %d %d\\n\", args.a, args.k); }"
	has "$out" '^greet hello 5 42$'
	has "$out" '^sum 4 4 20$'
	has "$out" '^norm 3 4 p$'
	has "$out" '^byval 5 6 byval -7$'
	has "$out" '^iface 1 99$'
	has "$out" '^many 1 11$'
	# the target's output is its own
	grep -v '^Attaching\|^greet\|^sum\|^norm\|^byval\|^iface\|^many\|^$' \
		"$out" >"$tmp/got"
	cmp -s "$tmp/got" "$tmp/args.want" || fail "the target's output changed"
	;;
list)
	# -lv: the parameters, not the results (~r0, total, count)
	run 0 -lv "uprobe:$B:main.sum"
	same "uprobe:$B:main.sum\n    struct []int xs\n"
	run 0 -lv "uprobe:$B:main.greet"
	same "uprobe:$B:main.greet\n    struct string s\n    int n\n"
	;;
results)
	# retval is RAX, goret(N) the Nth result register; func at a RET
	run 0 -c "$B args" -e "uretprobe:$B:main.divmod { printf(\"divmod %d %d %s\\n\", retval, goret(1), func); }
uretprobe:$B:main.sum { printf(\"sum %d %d\\n\", retval, goret(1)); }
uprobe:$B:main.add { printf(\"add(%d, %d) = %d\\n\", arg0, arg1, retval); }"
	has "$out" '^divmod 9 2 main.divmod$'
	has "$out" '^sum 100 4$'
	has "$out" '^add(3, 4) = 7$'
	;;
deep)
	# 4001 nested calls of 256-byte frames: the goroutine's stack is
	# copied many times while entries are open; each returns its
	# argument, every entry meets its return
	run 0 -o "$tmp/trace" -c "$B deep 3" -e "uprobe:$B:main.deep { @[retval == arg0] = count(); @e = sum(elapsed > 0); }
uprobe:$B:main.deep { @entries = count(); }
uretprobe:$B:main.deep { @rets = count(); }"
	target '4000\n4000\n4000\n'
	grep -q '^@\[1\]: 12003$' "$tmp/trace" || fail "latency: $(cat "$tmp/trace")"
	grep -q '^@\[0\]' "$tmp/trace" && fail "a wrong result: $(cat "$tmp/trace")"
	grep -q '^@e: 12003$' "$tmp/trace" || fail "elapsed"
	grep -q '^@entries: 12003$' "$tmp/trace" || fail "entries"
	grep -q '^@rets: 12003$' "$tmp/trace" || fail "returns"
	grep -qi 'lost' "$err" && fail "entries lost: $(cat "$err")"
	;;
panic)
	# odd calls panic (recovered by the caller): their entries never
	# return and expire; the even ones return, each matched
	run 0 -o "$tmp/trace" -c "$B panic 1000" -e "uprobe:$B:main.mayPanic { @ret[retval == arg0] = count(); }
uprobe:$B:main.mayPanic { @calls = count(); }
uretprobe:$B:main.mayPanic { @uret = count(); }"
	target '249000\n'
	grep -q '^@calls: 1000$' "$tmp/trace" || fail "calls"
	grep -q '^@uret: 500$' "$tmp/trace" || fail "returns"
	grep -q '^@ret\[1\]: 500$' "$tmp/trace" || fail "latency"
	grep -q '^@ret\[0\]' "$tmp/trace" && fail "a wrong match"
	;;
goroutines)
	# 3000 goroutines, each calling work(its goid as the runtime prints
	# it, k), which yields (runtime.Gosched) and may come back on another
	# thread: goid matches, and every entry meets its own return
	run 0 -o "$tmp/trace" -c "$B goroutines 3000" -e "uprobe:$B:main.work { @id[args.id == goid] = count(); }
uprobe:$B:main.work { @ret[retval == arg0 + arg1, arg0 == goid] = count(); }"
	target '4498500\n'
	grep -q '^@id\[1\]: 3000$' "$tmp/trace" || fail "goid: $(cat "$tmp/trace")"
	grep -q '^@ret\[1, 1\]: 3000$' "$tmp/trace" ||
		fail "returns: $(cat "$tmp/trace")"
	;;
survive)
	# entry and return probes on hot functions (a tight loop of calls,
	# recursion that grows goroutine stacks, panics, 200 goroutines):
	# the target finishes with its own output, 20 times in a row
	"$B" survive 20000 >"$tmp/want"
	prog="uprobe:$B:main.hot { @h = count(); }
uretprobe:$B:main.hot { @hr = count(); }
uprobe:$B:main.deep { @d = stats(elapsed); }
uprobe:$B:main.mayPanic { @p = count(); }
uprobe:$B:main.mayPanic { @pe = count(); }"
	for i in $(seq 1 20); do
		run 0 -o "$tmp/trace" -c "$B survive 20000" -e "$prog"
		grep -v '^Attaching\|^$' "$out" >"$tmp/got"
		cmp -s "$tmp/got" "$tmp/want" ||
			fail "run $i: the target's output changed: $(diff "$tmp/want" "$tmp/got")"
		grep -q '^@h: 21000$' "$tmp/trace" && grep -q '^@hr: 21000$' "$tmp/trace" ||
			fail "run $i: hot calls: $(cat "$tmp/trace")"
		grep -q '^@d: count 44001,' "$tmp/trace" ||
			fail "run $i: deep: $(cat "$tmp/trace")"
	done
	;;
never)
	# a function with no RET instruction: its return cannot be traced
	run 1 -e "uretprobe:$B:main.forever { }"
	has "$err" 'Cannot trace the return of Go function main.forever of .*: it has no RET instruction'
	# in a wildcard: left out with a warning, the others traced
	run 0 -o "$tmp/trace" -c "$B args" -e "uretprobe:$B:main.* { @[func] = count(); }"
	has "$err" 'warning: Not tracing the return of Go function main.forever'
	grep -q '^@\[main.divmod\]: 1$' "$tmp/trace" || fail "wildcard: $(cat "$tmp/trace")"
	grep -q 'main.forever' "$tmp/trace" && fail "main.forever traced"
	;;
aot)
	# the RET offsets travel in the artifact: etrace-run attaches them
	run 0 --compile-only -o "$tmp/go.etb" -e "uretprobe:$B:main.divmod { printf(\"q=%d r=%d\\n\", retval, goret(1)); }"
	timeout 30 "$etrace_run" -c "$B args" "$tmp/go.etb" >"$out" 2>"$err" ||
		fail "etrace-run failed"
	has "$out" '^q=9 r=2$'
	;;
cgo)
	# the C function of a cgo binary: C's registers for arg0, its
	# return by uretprobe, and goid the calling goroutine's (through
	# thread-local storage, g0, then m.curg)
	command -v cc >/dev/null || skip "no C compiler for cgo"
	C=$tmp/cgotarget
	GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off GOFLAGS= \
		GOPROXY=off CGO_ENABLED=1 "$GO" build -o "$C" \
		"$(dirname "$src")/cgotarget.go" >"$tmp/build" 2>&1 ||
		{ cat "$tmp/build"; fail "go build (cgo) failed"; }
	run 0 -o "$tmp/trace" -c "$C" -e "uprobe:$C:c_work { @id[arg0 == goid, goid > 0] = count(); }
uprobe:$C:c_work { @ret[retval == arg0 * 2] = count(); }"
	target '190\n'
	grep -q '^@id\[1, 1\]: 20$' "$tmp/trace" || fail "goid: $(cat "$tmp/trace")"
	grep -q '^@ret\[1\]: 20$' "$tmp/trace" || fail "retval: $(cat "$tmp/trace")"
	;;
stripped)
	# -s -w: no .symtab, no DWARF (functions from .gopclntab, goid's
	# offset by the Go version): argN, returns and goid still right
	S=$tmp/gotarget_stripped
	GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off GOFLAGS= \
		GOPROXY=off "$GO" build -ldflags='-s -w' -o "$S" "$src" \
		>"$tmp/build" 2>&1 || { cat "$tmp/build"; fail "go build -s -w failed"; }
	run 0 -o "$tmp/trace" -c "$S goroutines 500" -e "uprobe:$S:main.work { @[retval - arg1 == goid] = count(); }
uretprobe:$S:main.work { @r = count(); }"
	target '124750\n'
	grep -q '^@\[1\]: 500$' "$tmp/trace" || fail "stripped: $(cat "$tmp/trace")"
	grep -q '^@r: 500$' "$tmp/trace" || fail "stripped returns: $(cat "$tmp/trace")"
	;;
recipes)
	# the stdlib's Go recipes against the program's own work
	n_of() { sed -n "s/^@$1: //p" "$tmp/trace"; }
	run 0 -o "$tmp/trace" gogc "$B" -c "$B gc 5"
	target 'gc 5\n'
	[ "$(n_of gc_cycles)" -ge 5 ] || fail "gogc: $(cat "$tmp/trace")"
	[ "$(n_of stw_pauses)" -ge 10 ] || fail "gogc STW: $(cat "$tmp/trace")"
	run 0 -o "$tmp/trace" gochan "$B" -c "$B chan 1000"
	target '499500\n'
	[ "$(n_of sends)" -ge 1000 ] && [ "$(n_of recvs)" -ge 1000 ] ||
		fail "gochan: $(cat "$tmp/trace")"
	run 0 -o "$tmp/trace" gogoroutines "$B" -c "$B goroutines 3000"
	target '4498500\n'
	[ "$(n_of created)" -ge 3000 ] && [ "$(n_of exited)" -ge 3000 ] ||
		fail "gogoroutines: $(cat "$tmp/trace")"
	[ "$(n_of live)" -eq $(($(n_of created) - $(n_of exited))) ] ||
		fail "gogoroutines live: $(cat "$tmp/trace")"
	run 0 -o "$tmp/trace" gosched "$B" -c "$B goroutines 3000"
	target '4498500\n'
	[ "$(n_of runs)" -ge 3000 ] || fail "gosched: $(cat "$tmp/trace")"
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
