#!/bin/sh
# Structs by value, C arrays, buf() and macaddr() against a traced program
# (real BPF, as root): one case per ctest test.
#   values.sh ETRACE ETRACE_RUN VALUES CASE
# VALUES is tests/progs/values/values.c built -O0 -g: it hands structs,
# arrays and strings of known contents to et_foo, et_mix, et_bits,
# et_named and et_arrays, once each. Each case checks stdout exactly;
# where bpftrace 0.17 prints something else (struct comparison,
# bitfields) the case says so and tests/compat/DIFFERENCES.md says why.
# Exit 77: not root.
set -u
etrace=$1
etrace_run=$2
values=$(readlink -f "$3")   # uprobe paths must be absolute
case=$4

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

[ -x "$values" ] || { echo "skipped: $values not built"; exit 77; }

V=$values
FOO='struct Foo { int m; int n; }'
MIX='struct Mix { int a; char b[10]; uint8_t c[4]; int d[4];
	uint16_t e[4]; uint64_t f[2]; char mac[6]; uint8_t umac[6];
	const char *p; }'
BITS='struct Bits { unsigned int a:4, b:8, c:3, d:1, e:16; }'

# trace PROGRAM [PARAMS...]: etrace -q $opts PROGRAM PARAMS against the
# target
opts=
trace() {
	prog=$1
	shift
	run 0 -q $opts -c "$V" -e "$prog" "$@"
}

case $case in
struct_value)
	# read whole, in variables and maps, keys alone, in a multi-key and
	# from another map, in tuples (alignment 1: 12 bytes), fields
	trace "$FOO uprobe:$V:et_foo { \$f = *(struct Foo *)arg0;
	  \$o = *(struct Foo *)arg2; print(\$f); @v = \$f; @k[\$f] = 1;
	  @kk[\$o, 42] = 2; @x = \$o; @fromx[@x] = 3; @t = (1, \$f, 2);
	  \$t = ((int32)1, \$f); print(sizeof(\$t));
	  printf(\"%d %d\n\", \$f.n + @x.n, sizeof(*(struct Foo *)arg0)); }"
	same '{ .m = 2, .n = 3 }\n12\n7 8\n\n\n@fromx[{.m=2,.n=4}]: 3
@k[{.m=2,.n=3}]: 1\n@kk[{.m=2,.n=4}, 42]: 2
@t: (1, { .m = 2, .n = 3 }, 2)\n@v: { .m = 2, .n = 3 }
@x: { .m = 2, .n = 4 }\n'
	;;
struct_json)
	opts="-f json"
	trace "$FOO $MIX uprobe:$V:et_foo { \$f = *(struct Foo *)arg0;
	  print(\$f); @t = (0, \$f); @k[\$f, 1] = 2; }
	  uprobe:$V:et_mix { \$s = *(struct Mix *)arg0; print(\$s.umac);
	  @m = \$s; }"
	# the pointer field differs from run to run
	sed 's/"p": [0-9]*/"p": P/' "$out" >"$tmp/json"
	mv "$tmp/json" "$out"
	same '{"type": "value", "data": { "m": 2, "n": 3 }}
{"type": "value", "data": [170,187,204,221,238,255]}\n\n
{"type": "map", "data": {"@k": {"{.m=2,.n=3},1": 2}}}
{"type": "map", "data": {"@m": { "a": 123, "b": "hello", "c": [1,2,243,244], "d": [5,6,7,8], "e": [9,10,11,65534], "f": [13,14], "mac": "\\u0005\\u0004\\u0003\\u0002\\u0001\\u0002", "umac": [170,187,204,221,238,255], "p": P }}}
{"type": "map", "data": {"@t": [0,{ "m": 2, "n": 3 }]}}\n'
	;;
struct_big)
	# a 400-byte struct by value: in a variable (read straight into
	# it), a map key and a map value (used where it was read, not
	# copied): each fits the 512-byte stack once, not twice
	trace "struct Big { int a; char pad[396]; }
	  uprobe:$V:et_mix { \$b = *(struct Big *)arg0;
	  printf(\"%d %d\n\", \$b.a, sizeof(\$b)); }
	  uprobe:$V:et_mix { @k[*(struct Big *)arg0] = 5; }
	  uprobe:$V:et_mix { @v = *(struct Big *)arg0; }
	  END { printf(\"%d %d\n\", @v.a, len(@k)); clear(@v); clear(@k); }"
	same '123 400\n123 1\n\n\n\n\n'
	;;
struct_ternary)
	# a ternary picks one of two structs (bpftrace 0.17 refuses it)
	trace "$FOO uprobe:$V:et_foo { \$f = *(struct Foo *)arg0;
	  \$o = *(struct Foo *)arg2; \$h = arg1 > 0 ? \$f : \$o;
	  print(\$h); @x = arg1 == 0 ? \$f : *(struct Foo *)arg2; }"
	same '{ .m = 2, .n = 3 }\n\n\n@x: { .m = 2, .n = 4 }\n'
	;;
struct_compare)
	# by value: foo and same are equal (bpftrace 0.17 compares where
	# they were read from, and says 0 to the first and the last)
	trace "$FOO uprobe:$V:et_foo { \$f = *(struct Foo *)arg0;
	  \$s = *(struct Foo *)arg1; \$o = *(struct Foo *)arg2; @v = \$f;
	  printf(\"%d %d %d %d %d\n\", \$f == \$s, \$f != \$o, \$f == \$o,
	  @v == \$s, \$f != \$f); }"
	same '1 1 0 1 0\n\n\n@v: { .m = 2, .n = 3 }\n'
	;;
struct_bitfields)
	# the bits of each field, read through a pointer, from a struct held
	# by value and printed whole (bpftrace 0.17 prints the whole int
	# that holds them there)
	trace "$BITS uprobe:$V:et_bits { \$b = *(struct Bits *)arg0;
	  \$p = (struct Bits *)arg0; printf(\"%d %d %d %d %d / %d %d\n\",
	  \$b.a, \$b.b, \$b.c, \$b.d, \$b.e, \$p->c, \$p->e); print(\$b);
	  @[\$b] = 1; }"
	same '1 2 5 0 65535 / 5 65535\n{ .a = 1, .b = 2, .c = 5, .d = 0, .e = 65535 }\n\n\n@[{.a=1,.b=2,.c=5,.d=0,.e=65535}]: 1\n'
	;;
preamble_arrays)
	# uint8_t arrays are integers (bpftrace's c_array_indexing), char
	# arrays strings; integers in array keys print signed at their
	# size; a flexible char array prints "" (a string[0]), in the
	# preamble and in kernel BTF (struct filename's iname)
	trace "$MIX struct Named { int n; char name[]; }
	  uprobe:$V:et_mix { \$s = (struct Mix *)arg0;
	  printf(\"%s %c%c %d %d\n\", \$s->b, \$s->c[0] + 96, \$s->c[1] + 96,
	  \$s->c[2], \$s->e[3]); @c[\$s->c] = 1; @e[\$s->e, \$s->a] = 2;
	  print(\$s->c); }
	  uprobe:$V:et_named { \$p = (struct Named *)arg0;
	  \$f = (struct filename *)arg0;
	  printf(\"%d [%s] [%s] [%s]\n\", \$p->n, \$p->name, str(&\$p->name),
	  \$f->iname); }"
	same 'hello ab 243 65534\n[1,2,243,244]\n7 [] [flexi] []\n\n
@c[[1,2,-13,-12]]: 1\n@e[[9,10,11,-2], 123]: 2\n'
	;;
buf_kinds)
	# buf() of a pointer, a char array, integer arrays, a literal, a
	# positional parameter through str(), comm; in keys and values
	trace "$MIX uprobe:$V:et_mix { \$s = (struct Mix *)arg0;
	  printf(\"%r|%r|%r|%r|%r|%r\n\", buf(\$s->p, 4), buf(\$s->b, 3),
	  buf(\$s->c), buf(\$s->d), buf(\$s->e), buf(\$s->f));
	  printf(\"%r|%r|%r|%rx|%rh\n\", buf(\"lit\", 2), buf(\"abc\", 6),
	  buf(str(\$1), 3), buf(\$s->b, 2), buf(\$s->p, 2));
	  @b[buf(\$s->b, 2)] = buf(\$s->p, 2); @n = buf(\"hello\", \$2);
	  \$x = buf(\$s->b, 5); \$y = buf(\"hello\", 5); \$z = buf(\"help!\", 5);
	  printf(\"%d %d\n\", \$x == \$y, \$x != \$z); }" parameter 4
	same '\\x09\\x08\\x07\\x06|hel|\\x01\\x02\\xf3\\xf4|\\x05\\x00\\x00\\x00\\x06\\x00\\x00\\x00\\x07\\x00\\x00\\x00\\x08\\x00\\x00\\x00|\\x09\\x00\\x0a\\x00\\x0b\\x00\\xfe\\xff|\\x0d\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x0e\\x00\\x00\\x00\\x00\\x00\\x00\\x00
li|abc\\x00\\x00\\x00|par|\\x68\\x65|09 08\n1 1\n\n
@b[he]: \\x09\\x08\n@n: hell\n'
	;;
macaddr_kinds)
	# macaddr() of a char[6], a uint8_t[6] (also held in a variable), a
	# pointer, an integer address (user memory: a uprobe)
	trace "$MIX uprobe:$V:et_mix { \$s = (struct Mix *)arg0;
	  \$u = \$s->umac; printf(\"%s %s %s %s %s\n\", macaddr(\$s->mac),
	  macaddr(\$u), macaddr((uint8 *)(arg0 + 70)), macaddr(arg0 + 64),
	  macaddr(\$s->umac)); @[macaddr(\$s->umac)] = macaddr(\$s->mac);
	  @t = (macaddr(\$s->mac), 1); }"
	same '05:04:03:02:01:02 AA:BB:CC:DD:EE:FF AA:BB:CC:DD:EE:FF 05:04:03:02:01:02 AA:BB:CC:DD:EE:FF\n\n
@[AA:BB:CC:DD:EE:FF]: 05:04:03:02:01:02\n@t: (05:04:03:02:01:02, 1)\n'
	;;
array_compare)
	# whole arrays: [1,2,3,4] and [1,9,9,9] share their first byte and
	# then a NUL (a strncmp would call them equal)
	trace "struct Arr { int x[4]; } uprobe:$V:et_arrays {
	  \$a = (struct Arr *)arg0; \$b = (struct Arr *)arg1;
	  printf(\"%d %d %d\n\", \$a->x == \$b->x, \$a->x != \$b->x,
	  \$a->x == \$a->x); }"
	same '0 1 1\n\n\n'
	;;
aot_records)
	# structs, bitfields and arrays travel in the artifact: etrace-run
	# decodes them as etrace does
	prog="$FOO $BITS uprobe:$V:et_foo { @f[*(struct Foo *)arg0] =
	  *(struct Foo *)arg2; } uprobe:$V:et_bits {
	  @b = *(struct Bits *)arg0; @a = (1, ((struct Bits *)arg0)->e); }"
	run 0 --compile-only -o "$tmp/p.eto" -e "$prog"
	timeout "$RUN_TIMEOUT" "$etrace_run" -q -c "$V" "$tmp/p.eto" \
		>"$out" 2>"$err" || fail "etrace-run failed"
	same '\n\n@a: (1, 65535)\n@b: { .a = 1, .b = 2, .c = 5, .d = 0, .e = 65535 }
@f[{.m=2,.n=3}]: { .m = 2, .n = 4 }\n'
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
