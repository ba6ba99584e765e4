#!/bin/sh
# Debug info of user binaries (real BPF, as root): uprobe args typed from
# DWARF, struct types of the binary in casts, -lv's parameter lists; one
# case per ctest test.
#   dwarf.sh ETRACE PROGS_DIR CASE
# PROGS_DIR holds what tests/progs/dwarf/progs.cmake builds: dwarf_prog
# (-g -O0), dwarf_prog_o2 (-g -O2), dwarf_prog_nodebug (no -g) and
# dwarf_prog_split (its debug info in dwarf_prog_split.debug). Cases that
# compare with bpftrace 0.17 keep to what it handles (it aborts on a
# void* or unnamed parameter and on anonymous members, and misplaces
# structs passed by value: tests/compat/DIFFERENCES.md).
# Exit 77: not root, or bpftrace missing for a case that needs it.
set -u
etrace=$1
progs=$(readlink -f "$2")
case=$3

RUN_TIMEOUT=40
. "$(dirname "$0")/rtlib.sh"

P=$progs
# every integer and pointer kind, structs passed by value in registers
# and on the stack, the seventh and eighth arguments, a struct returned
# in memory (its address first, in rdi); each line once per iteration
PROG='uprobe:B:f_ints { printf("ints %d %d %d %d %ld %lu\n", args->c, args->uc, args->s, args->us, args->l, args->ul); }
uprobe:B:f_ptrs { printf("ptrs %s %d %d %d %s %d %d %d %d %s %d %d\n", str(args->str), *(int32 *)args->v, **args->pp, args->n->value, args->n->name, args->n->bits, args->n->more, args->n->in.s, args->n->in.flags, str(args->n->rec.name), args->n->grid[1][2], args->n->next->value); }
uprobe:B:f_misc { printf("misc %d %u %d %s %x %d %d\n", args->col, args->u, args->r->id, str(args->r->name), args->uv->i, args->sz, args->b); }
uprobe:B:f_byval { printf("byval %d %d %d\n", args->p.x, args->p.y, args->x); }
uprobe:B:f_stack { printf("stack %d %d %ld\n", args->f, args->g, args->h); }
uprobe:B:f_after_big { printf("bigval %d %d %d %d\n", args->bg.a, args->bg.b, args->bg.c, args->after); }
uprobe:B:f_after_mixed { printf("mixed %d\n", args->after); }
uprobe:B:f_retbig { printf("retbig %d %d\n", args->seed, args->pt->y); }
uprobe:B:f_const { printf("const %d %d %d\n", args->cv, *args->cp, *args->rp); }'
WANT='bigval 100 200 300 9
bigval 101 200 300 9
byval 3 4 8
byval 3 5 9
const 12 5 6
const 12 5 6
ints -1 250 -300 60000 -4999999999 6000000000
ints -1 250 -300 60000 -5000000000 6000000000
misc 5 7 42 answer 41424344 99 1
misc 5 7 42 answer 41424344 99 1
mixed 10
mixed 10
ptrs hello 5 5 1 first 5 17 -3 200 rec 6 2
ptrs hello 5 5 2 first 5 17 -3 200 rec 6 2
retbig 11 4
retbig 11 5
stack 6 7 8000000000
stack 6 8 8000000000
'

# statement probes: the line of marker M:NAME in dwarf_stmt.c
SRC=$(dirname "$0")/../progs/dwarf/dwarf_stmt.c
marker() {
	grep -n "M:$1 " "$SRC" | cut -d: -f1
}

# stmt_want BINARY LINE: "FUNC+OFFSET" per function holding a statement
# of LINE, by binutils (objdump's decoded line table, nm's symbols), not
# libdw: its lowest address that begins a statement
stmt_want() {
	nm -S --defined-only "$1" | awk '$3 ~ /^[Tt]$/ { print $1, $2, $4 }' \
		>"$tmp/syms"
	objdump --dwarf=decodedline "$1" |
		awk -v l="$2" '$1 == "dwarf_stmt.c" && $2 == l && $NF == "x" { print $3 }' |
		while read -r a; do
			while read -r s z f; do
				if [ $((a)) -ge $((0x$s)) ] &&
				   [ $((a)) -lt $((0x$s + 0x$z)) ]; then
					echo "$f $((a - 0x$s))"
				fi
			done <"$tmp/syms"
		done | sort -k1,1 -k2,2n | awk '!seen[$1]++ { print $1 "+" $2 }'
}

# stmt_run BINARY LINE ITERATIONS: the statement probe at LINE, each hit
# printed as the function holding it + the offset from its entry, and
# numbered
stmt_run() {
	run 0 -c "$P/$1 $3" -e "uprobe:$P/$1:step,uprobe:$P/$1:other { @e = reg(\"ip\"); } uprobe:$P/$1@dwarf_stmt.c:$2 { @n++; printf(\"%s+%d %d\\n\", usym(reg(\"ip\")), reg(\"ip\") - @e, @n); } END { clear(@e); clear(@n); }"
}

# run_values BINARY: PROG on BINARY, two iterations
run_values() {
	prog=$(printf '%s' "$PROG" | sed "s|uprobe:B:|uprobe:$P/$1:|")
	run 0 -c "$P/$1 2" -e "$prog"
	has "$out" '^Attaching 9 probes\.\.\.$'
	lines "$WANT"
}

case $case in
args_values)
	run_values dwarf_prog
	;;
args_o2)
	# optimized: the parameters are in the same places at the entry
	run_values dwarf_prog_o2
	;;
args_split)
	# the debug info in a file of its own, named by .gnu_debuglink
	run_values dwarf_prog_split
	;;
args_latency)
	# a latency block: args from the entry, read when the call returns
	run 0 -c "$P/dwarf_prog 2" -e "uprobe:$P/dwarf_prog:f_byval < printf(\"%d %d %d\\n\", args->p.y, args->x, retval); >"
	lines '4 8 14\n5 9 15\n'
	run 1 -c "$P/dwarf_prog 1" -e "uprobe:$P/dwarf_prog:f_stack { printf(\"%d %d\\n\", args->g, retval); }"
	has "$err" 'args->g is passed on the stack, which the return of a latency block cannot read'
	;;
args_attach_points)
	# two functions, x in rsi in one and in rdi in the other: each
	# program reads its own function's place
	run 0 -c "$P/dwarf_prog 2" -e "uprobe:$P/dwarf_prog:f_byval,uprobe:$P/dwarf_prog:f_cb { printf(\"%s %d\\n\", probe, args->x); }"
	lines "uprobe:$P/dwarf_prog:f_byval 8\nuprobe:$P/dwarf_prog:f_byval 9\nuprobe:$P/dwarf_prog:f_cb 40\nuprobe:$P/dwarf_prog:f_cb 41\n"
	# a wildcard: after is in rdi in f_after_big (its struct is on the
	# stack), in rsi in f_after_mixed (its struct takes rdi and xmm0)
	run 0 -c "$P/dwarf_prog 1" -e "uprobe:$P/dwarf_prog:f_after_* { printf(\"%s %d\\n\", probe, args->after); }"
	has "$out" '^Attaching 2 probes'
	lines "uprobe:$P/dwarf_prog:f_after_big 9\nuprobe:$P/dwarf_prog:f_after_mixed 10\n"
	;;
cast_struct)
	# struct and typedef names of the probe's binary: casts, sizeof
	run 0 -c "$P/dwarf_prog 1" -e "uprobe:$P/dwarf_prog:f_ptrs { \$n = (struct item *)arg3; printf(\"%d %s %d %d\\n\", \$n->value, \$n->name, sizeof(struct item), \$n->arr[1]); } uprobe:$P/dwarf_prog:f_misc { printf(\"%d %s\\n\", ((record_t *)arg2)->id, str(((record_t *)arg2)->name)); }"
	lines '1 first 112 22\n42 answer\n'
	run 1 -e "BEGIN { @ = sizeof(struct item); } uprobe:$P/dwarf_prog:f_ptrs { }"
	has "$err" "Unknown struct/union: 'struct item'"
	;;
list_params)
	# -lv: bpftrace 0.17's lines for the functions it lists correctly
	command -v bpftrace >/dev/null || skip "no bpftrace"
	for f in f_ints f_ptrs f_misc f_stack f_const f_noargs main; do
		run 0 -lv "uprobe:$P/dwarf_prog:$f"
		bpftrace -lv "uprobe:$P/dwarf_prog:$f" >"$tmp/b" 2>/dev/null
		cmp -s "$tmp/b" "$out" ||
			fail "-lv $f differs: $(diff "$tmp/b" "$out")"
	done
	run 0 -lv "uprobe:$P/dwarf_prog:f_retbig"
	same "uprobe:$P/dwarf_prog:f_retbig\n    int seed\n    struct point* pt\n"
	# no debug info: the names, and one warning
	run 0 -lv "uprobe:$P/dwarf_prog_nodebug:f_ints"
	same "uprobe:$P/dwarf_prog_nodebug:f_ints\n"
	has "$err" "No DWARF found for \"$P/dwarf_prog_nodebug\", cannot show parameter info"
	# return probes have no args
	run 0 -lv "uretprobe:$P/dwarf_prog:f_ints"
	same "uretprobe:$P/dwarf_prog:f_ints\n"
	;;
vs_bpftrace)
	# the same programs under bpftrace 0.17 (on a private copy: its -c
	# does not keep uprobes to the child); not f_retbig, whose pt
	# bpftrace reads from rsi (DIFFERENCES.md)
	command -v bpftrace >/dev/null || skip "no bpftrace"
	cp "$P/dwarf_prog" "$tmp/dp" || fail "cannot copy dwarf_prog"
	B=$tmp/dp
	prog="uprobe:$B:f_ints { printf(\"%d %d %d %d %ld %ld\\n\", args->c, args->uc, args->s, args->us, args->l, args->ul); } uprobe:$B:f_stack { printf(\"%d %d\\n\", args->a, args->f); } uprobe:$B:main { printf(\"%d %s\\n\", args->argc, str(*args->argv)); }"
	timeout 40 bpftrace -c "$B 2" -e "$prog" 2>/dev/null >"$tmp/b"
	run 0 -c "$B 2" -e "$prog"
	cmp -s "$tmp/b" "$out" ||
		fail "differs from bpftrace: $(diff "$tmp/b" "$out" | head -10)"
	;;
bare_name)
	# a binary named without a path, found in PATH: its debug info too
	# (bpftrace 0.17: "No debuginfo found for dwarf_prog")
	PATH=$P:$PATH
	run 0 -c "$P/dwarf_prog 1" -e "uprobe:dwarf_prog:f_retbig { printf(\"%d %s\\n\", args->seed, probe); }"
	lines '11 uprobe:dwarf_prog:f_retbig\n'
	;;
bad_input)
	run 1 -e "uprobe:$P/dwarf_prog_nodebug:f_ints { @ = args->c; }"
	has "$err" "No debuginfo found for $P/dwarf_prog_nodebug"
	run 1 -e "uprobe:$P/dwarf_prog:f_byval { @ = args->d; }"
	has "$err" 'd has unsupported type double, passed in floating-point registers'
	run 1 -e "uprobe:$P/dwarf_prog:f_ints { @ = args->nope; }"
	has "$err" "Can't find function parameter nope"
	grep -q '^Attaching' "$out" && fail "it attached"
	;;
args_dot)
	# bpftrace 0.26's spelling args.name (-O2): members through
	# pointers, nested structs, arrays, bitfields, enums, unions
	B=$P/dwarf_prog_o2
	run 0 -c "$B 2" -e "uprobe:$B:f_misc { printf(\"%s %d %d %x\\n\", str(args.r->name), args.sz, args.col, args.uv->i); } uprobe:$B:f_ptrs { printf(\"%d %d %s %d %d %s\\n\", args.n->value, args.n->in.s, str(args.n->rec.name), args.n->grid[1][0], args.n->more, args.n->name); }"
	lines '1 -3 rec 4 17 first\n2 -3 rec 4 17 first\nanswer 99 5 41424344\nanswer 99 5 41424344\n'
	;;
list_wildcard)
	# -lv of a wildcard: each function matched, its parameters after it
	run 0 -lv "uprobe:$P/dwarf_prog:f_[cn]*"
	same "uprobe:$P/dwarf_prog:f_cb\n    int x\nuprobe:$P/dwarf_prog:f_const\n    <unknown type> cv\n    const int* const cp\n    <unknown type> rp\nuprobe:$P/dwarf_prog:f_noargs\n"
	run 0 -lv "uprobe:$P/dwarf_stmt*:[so]*"
	same "uprobe:$P/dwarf_stmt:other\n    int i\nuprobe:$P/dwarf_stmt:side\n    int v\nuprobe:$P/dwarf_stmt:step\n    int i\nuprobe:$P/dwarf_stmt_o2:other\n    int i\nuprobe:$P/dwarf_stmt_o2:side\n    int v\nuprobe:$P/dwarf_stmt_o2:step\n    int i\n"
	;;
retval_ptr)
	# retval->field: the uretprobe's function returns a record_t *
	# (-O0, -O2, debug info in a separate file); and in a latency block
	for b in dwarf_prog dwarf_prog_o2 dwarf_prog_split; do
		run 0 -c "$P/$b 2" -e "uretprobe:$P/$b:f_retptr { printf(\"%d %s %d\\n\", retval->id, str(retval->name), retval > 0); }"
		lines '50 answer 1\n51 answer 1\n'
	done
	run 0 -c "$P/dwarf_prog 2" -e "uprobe:$P/dwarf_prog:f_retptr < printf(\"%d %d\\n\", args.id, retval->id); >"
	lines '50 50\n51 51\n'
	# an int has no fields; retval alone stays an integer (0.17)
	run 1 -e "uretprobe:$P/dwarf_prog:f_ints { @ = retval->id; }"
	has "$err" "Can not access field 'id' on expression of type 'unsigned int64'"
	run 0 -c "$P/dwarf_prog 1" -e "uretprobe:$P/dwarf_prog:f_retptr { @[retval - retval + 1] = count(); }"
	has "$out" '^@\[1\]: 1$'
	;;
args_cpp)
	# a C++ method: this, then its parameters
	U=$P/../uprobe/uprobe_cpp
	[ -x "$U" ] || skip "no uprobe_cpp"
	run 0 -c "$U 3" -e "uprobe:$U:cpp:\"etns::Widget::poke(int)\" { printf(\"%d %d\\n\", args.this->v_, args.d); }"
	# (and the program's own output, its sum)
	lines '0 2\n1 2\n2 2\n51\n'
	run 0 -lv "uprobe:$U:*Widget4poke*"
	same "uprobe:$U:_ZN4etns6Widget4pokeEi\n    class Widget* const this\n    int d\n"
	# by demangled name (bpftrace 0.26): quoted, usable as written
	run 0 -l "uprobe:$U:cpp:*Widget*"
	same "uprobe:$U:cpp:\"etns::Widget::Widget(int)\"\nuprobe:$U:cpp:\"etns::Widget::poke(int)\"\nuprobe:$U:cpp:\"etns::Widget::value() const\"\n"
	run 0 -lv "uprobe:$U:cpp:etns::compute(int, int)"
	same "uprobe:$U:cpp:\"etns::compute(int, int)\"\n    int x\n    int y\n"
	;;
print_args)
	# print(args) (bpftrace 0.26): every parameter BPF can read, structs
	# by value too, in a latency block and through a variable; a double
	# (f_byval's d and f) is left out (-O2)
	B=$P/dwarf_prog_o2
	run 0 -c "$B 1" -e "uprobe:$B:f_ints { print(args); } uprobe:$B:f_stack { \$a = args; print(\$a); } uprobe:$B:f_byval < print(args); >"
	lines '{ .a = 1, .b = 2, .c = 3, .d = 4, .e = 5, .f = 6, .g = 7, .h = 8000000000 }\n{ .c = -1, .uc = 250, .s = -300, .us = 60000, .l = -5000000000, .ul = 6000000000 }\n{ .p = { .x = 3, .y = 4 }, .x = 8 }\n'
	# a tracepoint's: its format's fields
	run 0 -c "$B 1" -e "tracepoint:syscalls:sys_enter_openat /pid == cpid/ { print(args); }"
	has "$out" '^{ \.__syscall_nr = 257, \.dfd = [0-9-]*, \.filename = [0-9]*, \.flags = [0-9]*, \.mode = 0 }$'
	;;
stmt_values)
	# a line in a branch taken for i = 0, 3, 6: three hits, at the
	# address binutils gives, in step
	l=$(marker third)
	w=$(stmt_want "$P/dwarf_stmt" "$l")
	[ "$w" ] || fail "binutils finds no statement at line $l"
	# (step and other store their entry address; END clears the maps, which then print nothing)
	stmt_run dwarf_stmt "$l" 9
	has "$out" '^Attaching 4 probes\.\.\.$'
	lines "$w 1\n$w 2\n$w 3\n"
	# func there: the function holding the line
	run 0 -c "$P/dwarf_stmt 9" -e "uprobe:$P/dwarf_stmt@dwarf_stmt.c:$l { printf(\"%s %s\\n\", func, usym(reg(\"ip\"))); }"
	lines 'step step\nstep step\nstep step\n'
	# -l: where it attaches
	run 0 -l "uprobe:$P/dwarf_stmt@dwarf_stmt.c:$l"
	same "uprobe:$P/dwarf_stmt:$w\n"
	# the ':' spelling and a path suffix name the same place
	run 0 -c "$P/dwarf_stmt 9" -e "uprobe:$P/dwarf_stmt:dwarf/dwarf_stmt.c:$l { @n++; } END { print(@n); clear(@n); }"
	has "$out" '^Attaching 2 probes\.\.\.$'
	has "$out" '^@n: 3$'
	# a column: gcc's rows of "r += side(i);" start at the call (its
	# first code at -O0, the line's own address) and at the '+='
	# (after it); columns count bytes from 1
	text=$(sed -n "${l}p" "$SRC")
	c_call=$(awk -v t="$text" 'BEGIN { print index(t, "side(") }')
	c_add=$(awk -v t="$text" 'BEGIN { print index(t, "+=") }')
	for c in "$c_call" "$c_add"; do
		stmt_run dwarf_stmt "$l:$c" 3
		lines "$(grep -v '^Attaching\|^$' "$out" | sed -n 1p | cut -d' ' -f1) 1\n"
		grep -v '^Attaching\|^$' "$out" | cut -d' ' -f1 >"$tmp/at_$c"
	done
	[ "$(cat "$tmp/at_$c_call")" = "$w" ] ||
		fail "column $c_call: $(cat "$tmp/at_$c_call"), not $w"
	o_add=$(cut -d+ -f2 "$tmp/at_$c_add")
	[ "$(cut -d+ -f1 "$tmp/at_$c_add")" = step ] &&
		[ "$o_add" -gt "${w#step+}" ] ||
		fail "column $c_add: $(cat "$tmp/at_$c_add"), not after $w"
	;;
stmt_inlined)
	# -O2: an inline function's line, one probe per inlined copy (in
	# step and in other), each hit once per call
	l=$(marker twice)
	w=$(stmt_want "$P/dwarf_stmt_o2" "$l")
	[ "$(echo "$w" | wc -l)" = 2 ] ||
		fail "binutils: not two copies of line $l: $w"
	stmt_run dwarf_stmt_o2 "$l" 2
	has "$out" '^Attaching 5 probes\.\.\.$'
	w1=$(echo "$w" | sed -n 1p)
	w2=$(echo "$w" | sed -n 2p)
	grep -v '^Attaching\|^$' "$out" | cut -d' ' -f1 | LC_ALL=C sort >"$tmp/got"
	printf '%s\n%s\n%s\n%s\n' "$w1" "$w1" "$w2" "$w2" | LC_ALL=C sort >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "hits differ: $(diff "$tmp/want" "$tmp/got")"
	run 0 -l "uprobe:$P/dwarf_stmt_o2@dwarf_stmt.c:$l"
	LC_ALL=C sort "$out" >"$tmp/got"
	printf 'uprobe:%s:%s\nuprobe:%s:%s\n' "$P/dwarf_stmt_o2" "$w1" "$P/dwarf_stmt_o2" "$w2" | LC_ALL=C sort >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/got" || fail "-l differs: $(diff "$tmp/want" "$tmp/got")"
	# and the branch's line at -O2
	l=$(marker third)
	w=$(stmt_want "$P/dwarf_stmt_o2" "$l")
	stmt_run dwarf_stmt_o2 "$l" 9
	lines "$w 1\n$w 2\n$w 3\n"
	;;
stmt_stripped)
	# no symbol table, the debug info in a file named by .gnu_debuglink:
	# the line and its function's name both come from the debug file
	command -v objcopy >/dev/null || skip "no objcopy"
	l=$(marker third)
	w=$(stmt_want "$P/dwarf_stmt" "$l")
	objcopy --only-keep-debug "$P/dwarf_stmt" "$tmp/ds.debug" &&
		objcopy --strip-all --add-gnu-debuglink="$tmp/ds.debug" \
			"$P/dwarf_stmt" "$tmp/ds" || fail "objcopy failed"
	run 0 -l "uprobe:$tmp/ds@dwarf_stmt.c:$l"
	same "uprobe:$tmp/ds:$w\n"
	run 0 -c "$tmp/ds 9" -e "uprobe:$tmp/ds@dwarf_stmt.c:$l { @[usym(reg(\"ip\"))] = count(); }"
	has "$out" '^@\[step\]: 3$'
	;;
stmt_errors)
	run 1 -e "uprobe:$P/dwarf_stmt@nosuch.c:10 { }"
	has "$err" "Cannot attach uprobe:$P/dwarf_stmt@nosuch.c:10: no compilation unit of $P/dwarf_stmt has a source file 'nosuch.c'"
	# the blank line before the marker's function: its neighbours
	l=$(marker third)
	run 1 -e "uprobe:$P/dwarf_stmt@dwarf_stmt.c:1 { }"
	has "$err" "no code at dwarf_stmt.c:1; the nearest line with code is "
	b=$(grep -n '^KEEP int step' "$SRC" | cut -d: -f1)
	run 1 -e "uprobe:$P/dwarf_prog_nodebug@dwarf_prog.c:10 { }"
	has "$err" "No DWARF debug info found for $P/dwarf_prog_nodebug"
	run 1 -e "uprobe:$P/dwarf_stmt@dwarf_stmt.c:$((b - 1)) { }"
	has "$err" "no code at dwarf_stmt.c:$((b - 1)); the nearest lines with code are "
	run 1 -e "uprobe:$P/dwarf_stmt@dwarf_stmt.c:$l { @ = args.i; }"
	has "$err" "args of uprobe:$P/dwarf_stmt@dwarf_stmt.c:$l: a function's arguments are known at its entry only, not at a source line"
	grep -q '^Attaching' "$out" && fail "it attached"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
