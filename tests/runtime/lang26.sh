#!/bin/sh
# The syntax bpftrace 0.26 added, run with real BPF (as root): let and
# block scoping (and its setting), for over ranges and maps, break,
# continue and return in them, block expressions, true/false, ?: without
# its middle, &$v, durations, begin/end and several of them, named
# probes, signed_subtraction. One case per ctest test; each checks the
# values printed, exactly.
#   lang26.sh ETRACE CASE
# Exit 77: not root.
set -u
etrace=$1
case=$2

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

# prog PROGRAM: etrace -q -e PROGRAM must exit 0
prog() {
	run 0 -q -e "$1"
}

case $case in
let)
	# no value: 0 (each time it runs); a value; a type the values are
	# converted to; a string typed by a later assignment
	prog 'BEGIN { let $a; let $b = 2; let $c: uint8 = 5; let $s;
	  for ($i : 0..2) { let $z; print(($i, $z)); $z = 7; }
	  $c = 257; if ($a) { $s = "never"; } $s = "set";
	  print(($a, $b, $c, $s)); exit(); }'
	same '(0, 0)\n(1, 0)\n(0, 2, 1, set)\n\n\n'
	;;
scope_default)
	# bpftrace 0.17: $x first assigned in the if lives on; a let ends
	# with its block, and a let of a name only a closed block assigned
	# starts a new variable (bpftrace 0.26's variable_scope tests)
	prog 'BEGIN { if (1) { $x = 1; let $y = 5; print($y); } print($x);
	  @a[1] = 1; for $kv : @a { $w = 2; print(("b", $w)); }
	  if 1 { $v = 3; } let $v; if 0 { $v = 4; } print(("c", $v));
	  exit(); }'
	same '5\n1\n(b, 2)\n(c, 0)\n\n\n@a[1]: 1\n'
	;;
scope_block)
	# block_scoping: the same text is an error; the config key and
	# both environment variables select it
	run 1 -q -e 'config = { block_scoping = true }
	  BEGIN { if (1) { $x = 1; } print($x); exit(); }'
	has "$err" 'Undefined or undeclared variable: \$x'
	BPFTRACE_BLOCK_SCOPING=1 run 1 -q -e \
	  'BEGIN { if (1) { $x = 1; } print($x); exit(); }'
	has "$err" 'Undefined or undeclared variable: \$x'
	ETRACE_BLOCK_SCOPING=true run 0 -q -e \
	  'BEGIN { if (1) { $x = "a"; print($x); } if (1) { $x = 2;
	  print($x); } exit(); }'
	same 'a\n2\n\n\n'
	;;
for_range)
	# start inclusive, end exclusive, read once; expressions, negative
	# and unsigned bounds, empty ranges, nested loops, break, continue
	prog 'BEGIN { $n = 4; $sum = 0;
	  for ($i : 0..$n) { $sum += $i; $n = 100; } print(($sum, $n));
	  for ($i : (-2)..1) { print($i); }
	  for ($i : (1+1)..(2*3)) { if ($i == 3) { continue; }
	    if ($i == 5) { break; } print($i); }
	  for ($i : 5..5) { print("no"); } for ($i : 3..1) { print("no"); }
	  for ($i : (uint64)1..(uint64)3) { for ($j : 0..$i) {
	    printf("%d%d ", $i, $j); } } printf("\n");
	  @m = 2; for ($i : 0..@m) { @m += 1; } print(@m);
	  exit(); }'
	same '(6, 100)\n-2\n-1\n0\n2\n4\n10 20 21 \n@m: 4\n\n\n@m: 4\n'
	# past the kernel's limit of iterations: not run, and said so
	prog 'BEGIN { $n = 9000000; for ($i : 0..$n) { @c++; } exit(); }'
	same '\n\n\n'
	has "$err" '1:23: warning: 1 for loop not run: a range of more than 8388608 iterations'
	;;
for_map)
	# $kv.0 and $kv.1 (nested tuple for several keys), outer variables
	# read and written, return stops the loop and the probe
	prog 'BEGIN { @m[1, "a"] = 10; @n[2] = 20; $x = 5;
	  for $kv : @m { printf("%d %s %d\n", $kv.0.0, $kv.0.1, $kv.1);
	    $x += $kv.1; }
	  for ($kv : @n) { if ($kv.0 == 2) { print(("ret", $x)); return; } }
	  print("not reached"); }
	  BEGIN { exit(); }'
	same '1 a 10\n(ret, 15)\n\n\n@m[1, a]: 10\n@n[2]: 20\n'
	;;
block_expr)
	prog 'BEGIN { let $a = { let $b = 2; $b * 3 };
	  @s = { $t = "str"; $t }; $c = { 1; 2 } + 1;
	  print(($a, $c, { let $z = (1, "x"); $z })); exit(); }'
	same '(6, 3, (1, x))\n\n\n@s: str\n'
	;;
bool_cast)
	# (bool)x is x != 0; has_key() and delete() are bools (bpftrace 0.26)
	prog 'BEGIN { @m[1] = 1; $z = (bool)0; @n[(bool)5] = (bool)(-1);
	  print(((bool)3, $z, (bool)curtask, (bool)(uint8)256));
	  print((has_key(@m, 1), has_key(@m, 2), delete(@m, 1),
	    delete(@m, 1)));
	  printf("%d %d %s\n", (bool)9, has_key(@m, 1), (bool)1 ? "t" : "f");
	  exit(); }'
	same '(true, false, true, false)\n(true, false, true, false)\n1 0 t\n\n\n\n@n[true]: true\n'
	;;
enum_names)
	# 0.17: an enum constant is a number; enum_names (config key, both
	# environment variables): its enum's type, printed by name, as
	# bpftrace 0.26 (%d and arithmetic: the number; anonymous enums and
	# JSON: numbers)
	E='enum Foo { ONE = 1, TWO }; enum { ANON = 5 };'
	P='BEGIN { print((TWO, ANON, TCP_CA_Loss)); @s[ONE] = TWO;
	  printf("%d %d\n", TWO, TWO + 1); exit(); }'
	prog "$E $P"
	same '(2, 5, 4)\n2 3\n\n\n@s[1]: 2\n'
	prog "$E config = { enum_names = true } $P"
	same '(TWO, 5, TCP_CA_Loss)\n2 3\n\n\n@s[ONE]: TWO\n'
	BPFTRACE_ENUM_NAMES=1 run 0 -q -e 'BEGIN { printf("%s %d\n",
	  TCP_CA_Loss, TCP_CA_Loss); exit(); }'
	same 'TCP_CA_Loss 4\n\n\n'
	ETRACE_ENUM_NAMES=true run 0 -q -f json -e "$E $P"
	has "$out" '"data": \[2,5,4\]'
	;;
array_cast)
	# (uint8[8])n and back (bpftrace 0.26): the integer's bytes, little
	# endian; the sizes must be equal
	prog 'BEGIN { $a = (uint8[8])12345; printf("%x %x\n", $a[0], $a[1]);
	  printf("%d\n", (uint64)$a); $b = (int8[2])(int16)(-2);
	  $c = (uint16[2])(uint32)0x10002;
	  print(((int16)$b, $b[1], $c[0], $c[1])); exit(); }'
	same '39 30\n12345\n(-2, -1, 2, 1)\n\n\n'
	;;
if_expr)
	# if as an expression: only the branch taken runs; else if chains
	prog 'BEGIN { $c = 3; $x = if $c > 2 { @ran = 1; 10 } else { @no = 1; 0 };
	  let $s = if ($c == 1) { "one" } else if $c == 3 { "three" }
	    else { "other" };
	  printf("%d %s %d\n", $x, $s, 1 + if 0 { 1 } else { 20 }); exit(); }'
	same '10 three 21\n\n\n\n@ran: 1\n'
	;;
percpu_kaddr)
	# percpu_kaddr: where /proc/kallsyms lists variables
	# (CONFIG_KALLSYMS_ALL) the address of process_counts on this CPU is
	# the one on the CPU the probe runs on, and there is no CPU 4096;
	# elsewhere (this project's kernel) one error saying why (tests/vm
	# runs it on 6.1)
	P='interval:ms:10 { $p = percpu_kaddr("process_counts");
	  printf("%d %d %d\n", $p == percpu_kaddr("process_counts", cpu),
	  $p != 0, percpu_kaddr("process_counts", 4096)); exit(); }'
	if grep -q ' process_counts$' /proc/kallsyms; then
		prog "$P"
		same '1 1 0\n\n\n'
	else
		run 1 -q -e "$P"
		has "$err" 'percpu_kaddr("process_counts"): this kernel cannot resolve the address of its variable .process_counts. for BPF programs (it needs CONFIG_KALLSYMS_ALL, and /proc/kallsyms does not list it)'
	fi
	;;
if_tail)
	# an if with an else ending a block expression or a macro body is its
	# value; only the branch taken runs; a macro called as a statement
	# runs its if as one
	prog 'macro pick(x) { if x > 2 { "big" } else if x > 0 { "small" }
	    else { "none" } }
	  macro say(x) { if x { printf("yes\n") } else { printf("no\n") } }
	  BEGIN { $c = 3;
	  $v = { $d = $c * 2; if $d > 5 { @ran = 1; $d } else { @no = 1; 0 } };
	  printf("%d %s %s %s\n", $v, pick($c), pick(1), pick(0));
	  say(1); say(0); exit(); }'
	same '6 big small none\nyes\nno\n\n\n\n@ran: 1\n'
	;;
write_user)
	# write_user (--unsafe): cat is made to open b instead of a (same
	# length); a kernel in lockdown withholds the helper: one clear error
	echo A >"$tmp/a"
	echo B >"$tmp/b"
	P="tracepoint:syscalls:sys_enter_openat /pid == cpid &&
	  str(args.filename) == \"$tmp/a\"/ { \$p = \"$tmp/b\";
	  printf(\"w %d\\n\", write_user(args.filename, \$p, sizeof(\$p))); }"
	run 1 -q -e "$P" -c "/bin/cat $tmp/a"
	has "$err" 'write_user() is an unsafe function being used in safe mode (use --unsafe)'
	if grep -q '\[none\]' /sys/kernel/security/lockdown 2>/dev/null ||
	   [ ! -e /sys/kernel/security/lockdown ]; then
		run 0 -q --unsafe -e "$P" -c "/bin/cat $tmp/a"
		same 'w 1\nB\n\n'
	else
		run 1 -q --unsafe -e "$P" -c "/bin/cat $tmp/a"
		has "$err" 'write_user(): this kernel is locked down (\(integrity\|confidentiality\)), which withholds bpf_probe_write_user from BPF programs'
	fi
	;;
comm_pid)
	# comm(pid) (kfuncs): the name of a process the test starts, of the
	# -c child as it leaves execve, and "N/A" with a warning for a pid
	# above any pid_max; in a probe kind whose programs the kernel
	# refuses the kfunc in, one error naming it
	cp /bin/sleep "$tmp/etcommpid"
	"$tmp/etcommpid" 60 &
	bg=$!
	wait_exec "$bg" "$tmp/etcommpid"
	run 0 -q -e "tracepoint:syscalls:sys_exit_execve /pid == cpid/ {
	  printf(\"%s|%s|%s\\n\", comm($bg), comm(cpid), comm(0x7ffffff0));
	  exit(); }" -c /bin/true
	same 'etcommpid|true|N/A\n\n\n'
	has "$err" '^stdin:2:[0-9]*: warning: No such process (pid=2147483632)$'
	kill_bg
	run 1 -e 'BEGIN { print(comm(1)); }'
	has "$err" 'comm(pid) cannot be used in BEGIN probes: the kernel refuses the kfunc it calls, bpf_task_from_pid'
	;;
strcap)
	# strcap: the size of a string or char array, its argument not run
	prog 'BEGIN { $s = "abc"; $i = 0; print((strcap(comm), strcap($s),
	  strcap(curtask->comm), strcap({ $i = 5; "xy" }), $i)); exit(); }'
	same '(16, 4, 16, 3, 0)\n\n\n'
	;;
typeof)
	# typeof(expr): a cast or a let gets expr's type (expr is not run);
	# of a map without keys, the key's type
	prog 'BEGIN { @m[(uint16)1] = 5; let $k: typeof(@m) = 70000;
	  $b = (uint8)1; $v = (typeof($b))300; let $s: typeof(comm);
	  $s = "x"; $n = 0; $w = (typeof({ $n = 9; (int16)0 }))65537;
	  print(($k, $v, $s, $n, $w, sizeof(typeof($b)))); exit(); }'
	same '(70000, 44, x, 0, 1, 1)\n\n\n@m[1]: 5\n'
	;;
bool)
	prog 'BEGIN { $t = true; @f = false; @k[true] = 1;
	  printf("%d %d %d\n", $t, !$t, $t == false);
	  if $t && !@f { print(($t, (uint8)$t, true || false)); }
	  exit(); }'
	same '1 0 0\n(true, 1, true)\n\n\n@f: false\n@k[true]: 1\n'
	# JSON: true and false, not strings
	run 0 -q -f json -e 'BEGIN { @b = true; print((false, 1)); exit(); }'
	same '{"type": "value", "data": [false,1]}\n\n\n{"type": "map", "data": {"@b": true}}\n'
	;;
elvis)
	# a ?: b: a (read once) when true
	prog 'BEGIN { $x = 0; $y = 3; @n = 0;
	  print(($x ?: 10, $y ?: 20, @n++ ?: 30, @n));
	  exit(); }'
	same '(10, 3, 30, 1)\n\n\n@n: 1\n'
	;;
addr_var)
	# &$v points at the variable's stack slot: reads see later writes
	prog 'BEGIN { $a = 1; $p = &$a; $a = 42; $t = (7, "hello");
	  $s = "hi"; $c = (int8 *)&$s;
	  print((*$p, *(&$t))); printf("%c%c\n", *$c, *($c + 1)); exit(); }'
	same '(42, (7, hello))\nhi\n\n\n'
	;;
durations)
	# nanoseconds; interval:100ms fires ten times a second
	prog 'BEGIN { print((1ns, 2us, 3ms, 4s, 1m, 1h, 1d)); }
	  interval:100ms { @ticks++; if (@ticks == 3) { exit(); } }'
	same '(1, 2000, 3000000, 4000000000, 60000000000, 3600000000000, 86400000000000)\n\n\n@ticks: 3\n'
	;;
begin_end)
	# lowercase and uppercase, several of each, run in script order;
	# probe names them as written
	prog 'begin { print((1, probe)); } BEGIN { print((2, probe)); }
	  end { print((5, probe)); } begin { print(3); exit(); }
	  END { print(6); } interval:s:10 { print(4); }'
	same '(1, begin)\n(2, BEGIN)\n3\n(5, end)\n6\n\n\n'
	;;
named_probe)
	# name=probe: the name is kept (-d ast); probe prints the attach
	# point
	prog 'first=BEGIN { print(probe); }
	  tick = interval:ms:50 { print(probe); exit(); }'
	same 'BEGIN\ninterval:ms:50\n\n\n'
	;;
signed_subtraction)
	# bpftrace 0.17 (default): unsigned - unsigned wraps; the key and
	# the environment select 0.26's signed result
	P='BEGIN { $a = (uint64)1 - (uint64)2; $b = (uint32)5;
	  @c = $b - (uint32)10; print(($a, $a < 0, $b - 6)); exit(); }'
	prog "$P"
	same '(18446744073709551615, 0, 18446744073709551615)\n\n\n@c: 18446744073709551611\n'
	prog "config = { signed_subtraction = true } $P"
	same '(-1, 1, -1)\n\n\n@c: -5\n'
	BPFTRACE_SIGNED_SUBTRACTION=1 prog "$P"
	same '(-1, 1, -1)\n\n\n@c: -5\n'
	;;
self_signal)
	# each SIGUSR1 runs the self probes (and no longer prints the maps);
	# without one, SIGUSR1 prints the maps as in bpftrace 0.17. Each
	# signal waits for the output of the one before (two pending
	# signals are one) and BEGIN's (a signal before it prints no @m).
	start -e 'self:signal:SIGUSR1 { @n++; printf("usr1 %d %s\n", @n,
	  probe); if (@n == 2) { exit(); } }'
	kill -USR1 "$bg"
	wait_out '^usr1 1'
	kill -USR1 "$bg"
	wait_bg 0
	same 'Attaching 1 probe...\nusr1 1 self:signal:SIGUSR1\nusr1 2 self:signal:SIGUSR1\n\n\n@n: 2\n'
	start -e 'BEGIN { @m = 5; printf("begun\n"); }'
	wait_out '^begun'
	kill -USR1 "$bg"
	wait_out '^@m: 5'
	kill -INT "$bg"
	wait_bg 0
	same 'Attaching 1 probe...\nbegun\n@m: 5\n\n\n@m: 5\n'
	;;
if_no_parens)
	prog 'BEGIN { $a = 3; $n = 0; while $a > 0 { $a--; $n++; }
	  if $n == 3 && !$a { print("yes"); } else if $n { print("no"); }
	  exit(); }'
	same 'yes\n\n\n'
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
