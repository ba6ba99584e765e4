#!/bin/sh
# Macros, the macro library and imports with real BPF (as root): one case
# per ctest test; each checks the values a program prints.
#   macros.sh ETRACE CASE
# Exit 77: not root.
set -u
etrace=$1
case=$2

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

case $case in
examples)
	# bpftrace 0.26's docs/language.md macro examples, values as it
	# documents them
	run 0 -q -e '
macro one() { 1 }
macro add_one(x) { x + 1 }
macro add_one_to_each($a, @b) { $a += 1; @b += 1; }
macro side_effects(x) { x; x; x; }
macro add_two(x) { add_one(x) + 1 }
BEGIN {
  print(one()); print(one);
  $a = 10;
  print(add_one($a)); print(add_one(1 + 1));
  @b = 5;
  add_one_to_each($a, @b);
  print($a + @b);
  side_effects(printf("hi")); printf("\n");
  print(add_two(1));
  clear(@b);
  exit();
}'
	same '1\n1\n11\n3\n17\nhihihi\n3\n\n\n\n'
	;;
hygiene)
	# the body's $t is not the caller's $t; $v is the caller's variable
	run 0 -q -e '
macro sq_inc($v) { $t = $v * $v; $v += 1; $t }
BEGIN { $t = 3; $r = sq_inc($t); printf("%d %d\n", $r, $t);
  $r = sq_inc($t); printf("%d %d\n", $r, $t); exit(); }'
	same '9 4\n16 5\n\n\n'
	;;
range_bounds)
	# a macro in a for range's bounds (both are expanded, as in 0.26's
	# opensnoop.bt: (uint64)max_path_depth), and in a macro's own range
	run 0 -q -e '
macro depth() { 3 }
macro first() { 1 }
macro sum_to(n) { $s = 0; for $i : first()..n { $s += $i; } $s }
BEGIN { for $j : ((uint64)first)..((uint64)depth) { printf("%d ", $j); }
  printf("%d\n", sum_to(depth + 1)); exit(); }'
	same '1 2 6\n\n\n'
	;;
expressions)
	# a body with statements where a value is expected: in a condition,
	# a ternary, on the right of && (not run when the left is false) and
	# in a predicate
	run 0 -q -e '
macro bump($c) { $c += 1; $c }
BEGIN { $c = 0;
  if (bump($c) == 1) { printf("if %d\n", $c); }
  $r = $c > 100 ? bump($c) : bump($c) + 10;
  printf("ternary %d %d\n", $r, $c);
  $r = 0 && bump($c);
  printf("and %d %d\n", $r, $c);
  $r = 1 && bump($c) == 3;
  printf("and %d %d\n", $r, $c);
}
macro forty_two() { $k = 41; $k += 1; $k }
interval:ms:10 / forty_two == 42 / { printf("pred\n"); exit(); }'
	same 'if 1\nternary 12 2\nand 0 2\nand 1 3\npred\n\n\n'
	;;
overloads)
	run 0 -q -e '
macro kind($x) { "variable" }
macro kind(@x) { "map" }
macro kind(x) { "expression" }
macro kind(x, y) { "two" }
BEGIN { $v = 1; @m = 1;
  printf("%s %s %s %s %d\n", kind($v), kind(@m), kind($v + 1), kind(1, 2), $v);
  clear(@m); exit(); }'
	same 'variable map expression two 1\n\n\n\n'
	;;
library)
	# the macro library against /proc: this shell runs etrace (exec),
	# so etrace's parent is this script
	sh -c 'echo $$ >"$1/pid"; exec "$2" -q -e "BEGIN {
	  printf(\"%d %d %s %s %d %d\n\", ppid, leader_tid, pcomm,
	         leader_comm(), is_err(-22), is_err(4096));
	  exit(); }"' sh "$tmp" "$etrace" >"$out" 2>"$err" ||
		fail "etrace failed"
	same "$$ $(cat "$tmp/pid") $(cat /proc/$$/comm) etrace 1 0\n\n\n"
	;;
find)
	# find(@m, k, $v): true and $v set when k is in @m, else false and
	# $v unchanged; tuple values; k evaluated once
	run 0 -q -e '
BEGIN {
  @m[2] = (1, "hello"); @m[3] = (7, "x");
  @s["a"] = 4; @n = 0;
  let $v; $c = 0;
  if (find(@m, 2, $v)) { print($v); }
  if (!find(@m, 9, $v)) { printf("not found, still %d\n", $v.0); }
  $r = find(@m, 1 + 2, $v); print(($r, $v));
  print(find(@s, "a", $c)); print($c);
  find(@s, ({ @n++; "b" }), $c); print((@n, $c));
  clear(@m); clear(@s); clear(@n);
  exit();
}'
	same '(1, hello)\nnot found, still 1\n(true, (7, x))\ntrue\n4\n(1, 4)\n\n\n\n\n\n'
	;;
shadow)
	# the script's is_err replaces the library's; ppid() of the library
	# keeps the library's ppid(task)
	run 0 -q -e '
macro is_err(p) { p == 7 }
macro ppid(task) { 0 }
BEGIN { printf("%d %d %d\n", is_err(7), is_err(-1), ppid() == curtask->real_parent->pid); exit(); }'
	same '1 0 1\n\n\n'
	;;
imports)
	mkdir -p "$tmp/lib" "$tmp/inc"
	cat >"$tmp/lib/util.et" <<'EOF'
import "more.et";
macro half(x) { x / 2 }
END { printf("util end %d\n", twice(half(8))); }
EOF
	cat >"$tmp/lib/more.et" <<'EOF'
macro twice(x) { x * 2 }
EOF
	cat >"$tmp/inc/pair.h" <<'EOF'
struct pair { int a; long b; };
EOF
	cat >"$tmp/inc/viainc.et" <<'EOF'
macro from_inc() { 5 }
EOF
	cat >"$tmp/main.et" <<'EOF'
import "lib/util.et";
import "pair.h";
import "viainc.et";
BEGIN { printf("%d %d %d\n", half(10), sizeof(struct pair), from_inc); exit(); }
EOF
	run 0 -q -I "$tmp/inc" "$tmp/main.et"
	same '5 16 5\nutil end 8\n\n\n'
	# nothing is imported from a directory anyone may write to
	mkdir "$tmp/ww"
	chmod 0777 "$tmp/ww"
	cp "$tmp/lib/more.et" "$tmp/ww/"
	printf 'import "ww/more.et";\nBEGIN { exit(); }\n' >"$tmp/ww.et"
	run 1 --dry-run "$tmp/ww.et"
	has "$err" "Refusing to import '$tmp/ww/more.et': its directory is world-writable"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
