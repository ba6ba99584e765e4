#!/bin/sh
# Stripped Go binaries (real BPF, as root): their functions and lines from
# .gopclntab. One case per ctest test.
#   gosyms.sh ETRACE GOSYMS_PROGS CHAIN_SOURCE CASE
# GOSYMS_PROGS holds tests/progs/gosyms/chain.go built as chain (with
# .symtab and DWARF), chain_stripped (-s -w) and chain_pie (PIE, -s -w).
# main calls etOuter -> etMiddle -> etLeaf N times (argument 1) and prints
# the sum of etOuter's results (2i + 3 for i < N), added by the method
# main.(*etCounter).add. Each case traces
# private copies (in $tmp) so no other test's run adds events; the
# stripped builds must print what the unstripped twin prints, and its
# lines are those addr2line reads from the twin's DWARF.
# Exit 77: not root, or golang-go missing (the programs were not built).
set -u
etrace=$1
progs=$(readlink -f "$2")
source_go=$3
case=$4

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

[ -x "$progs/chain_stripped" ] || skip "golang-go not installed"
for b in chain chain_stripped chain_pie; do
	cp "$progs/$b" "$tmp/$b"
done
full=$tmp/chain
strip=$tmp/chain_stripped
pie=$tmp/chain_pie

# the source line of TEXT in chain.go
line_of() {
	grep -n -- "$1" "$source_go" | head -1 | cut -d: -f1
}

# trace BIN N PROG: PROG (BIN in it replaced) on BIN run with N; the
# target's sum is right
trace() {
	run 0 -c "$1 $2" -e "$(echo "$3" | sed "s|BIN|$1|g")"
	i=0 sum=0
	while [ $i -lt "$2" ]; do
		sum=$((sum + 2 * i + 3))
		i=$((i + 1))
	done
	has "$out" "^$sum\$"
}

# twin BIN N PROG: BIN prints what the unstripped twin prints
twin() {
	trace "$full" "$2" "$3"
	grep -v '^Attaching' "$out" | sed "s|$full|BIN|g" >"$tmp/want"
	trace "$1" "$2" "$3"
	grep -v '^Attaching' "$out" | sed "s|$1|BIN|g" >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "$1 differs from its twin: $(diff "$tmp/want" "$tmp/got")"
}

# frames_in_order N: the frames of an N-frame ustack in etLeaf, in order
frames_in_order() {
	grep -A"$1" '^@\[$' "$out" | sed -n "2,$(($1 + 1))p" |
		sed 's/^ *//; s/+.*//' >"$tmp/frames"
	printf 'main.etLeaf\nmain.etMiddle\nmain.etOuter\nmain.main\nruntime.main\n' |
		head -"$1" | cmp -s - "$tmp/frames" ||
		fail "frames: $(tr '\n' ' ' <"$tmp/frames")"
}

# every "name+off (file:line)" frame: the line addr2line gives for the
# twin's address (the call's, for a caller's return address)
check_lines() {
	n=0
	grep '^    [a-zA-Z_.]*+[0-9]* (' "$out" | sort -u >"$tmp/lines"
	while read -r sym line; do
		name=${sym%+*}
		off=${sym#*+}
		start=$(nm "$full" | awk -v n="$name" '$3 == n { print $1 }')
		[ -n "$start" ] || fail "no symbol $name in $full"
		addr=$((0x$start + off))
		[ "$off" = 0 ] || addr=$((addr - 1))
		want=$(addr2line -e "$full" "$(printf '0x%x' "$addr")" |
		       sed 's|.*/||')
		[ "$line" = "($want)" ] ||
			fail "$sym: $line, addr2line says $want"
		n=$((n + 1))
	done <"$tmp/lines"
	[ "$n" -ge 4 ] || fail "$n frames with lines"
}

case $case in
uprobe_count)
	# by name on the stripped binary: each probe fires once per call,
	# func and usym name the function
	trace "$strip" 7 'uprobe:BIN:main.etLeaf { @leaf = count(); @f[func, usym(reg("ip"))] = count(); } uprobe:BIN:main.etOuter { @outer = count(); }'
	has "$out" '^@leaf: 7$'
	has "$out" '^@outer: 7$'
	has "$out" '^@f\[main.etLeaf, main.etLeaf\]: 7$'
	;;
wildcard)
	# main.et* matches the three functions, each called 4 times; a
	# method by its quoted name; -l lists the five functions of package
	# main
	trace "$strip" 4 'uprobe:BIN:main.et* { @[func] = count(); } uprobe:BIN:"main.(*etCounter).add" { @add[func] = count(); }'
	has "$out" '^@\[main.etLeaf\]: 4$'
	has "$out" '^@\[main.etMiddle\]: 4$'
	has "$out" '^@\[main.etOuter\]: 4$'
	has "$out" '^@add\[main.(\*etCounter).add\]: 4$'
	[ "$(grep -c '^@\[' "$out")" = 3 ] || fail "not three functions"
	run 0 -l "uprobe:$strip:main.*"
	printf 'uprobe:%s:main.%s\n' "$strip" '(*etCounter).add' \
		"$strip" etLeaf "$strip" etMiddle "$strip" etOuter "$strip" main \
		>"$tmp/want"
	cmp -s "$tmp/want" "$out" || fail "-l: $(cat "$out")"
	;;
ustack)
	# the Go call chain, named as the twin's .symtab names it
	twin "$strip" 3 'uprobe:BIN:main.etLeaf { @[ustack(5)] = count(); }'
	frames_in_order 5
	;;
ustack_pie)
	# a PIE (.data.rel.ro.gopclntab, loaded at a random address); its
	# runtime's code differs from the twin's, package main's does not
	twin "$pie" 3 'uprobe:BIN:main.etLeaf { @[ustack(4)] = count(); @u[usym(reg("ip")), func] = count(); }'
	frames_in_order 4
	has "$out" '^@u\[main.etLeaf, main.etLeaf\]: 3$'
	;;
lines)
	# stack_lines: file:line from .gopclntab, as the twin's DWARF
	twin "$strip" 2 'config = { stack_lines = true } uprobe:BIN:main.etLeaf { @[ustack(5)] = count(); }'
	has "$out" "^    main.etLeaf+0 (chain.go:$(line_of 'return n\*2 + 1'))\$"
	has "$out" "^    main.etMiddle+[0-9]* (chain.go:$(line_of 'return etLeaf(n) + 1'))\$"
	has "$out" "^    main.etOuter+[0-9]* (chain.go:$(line_of 'return etMiddle(n) + 1'))\$"
	has "$out" "^    main.main+[0-9]* (chain.go:$(line_of 'c.add(etOuter(i))'))\$"
	check_lines
	;;
info)
	# --info FILE: the Go version go version -m reads, the symbol source
	command -v go >/dev/null || skip "go not in PATH"
	run 0 --info "$strip"
	has "$out" "^  Go: $(go version "$strip" | sed 's/.*: //') (.go.buildinfo)\$"
	has "$out" '^  Go main package: command-line-arguments$'
	has "$out" '^  source lines: .gopclntab (no DWARF)$'
	has "$out" '.gopclntab (Go [0-9.+-]*): [0-9]* functions)$'
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
