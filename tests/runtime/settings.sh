#!/bin/sh
# The settings (compiler/settings.c), each shown having its effect (real
# BPF, as root): given by config = { ... }, or by the environment
# (BPFTRACE_* and ETRACE_*, which come first). One case per ctest test
# (tests/runtime/settings.cmake); max_type_res_iterations, refused, is a
# compile test (tests/compile/func_config_refused.et).
#   settings.sh ETRACE FAULT_TARGET UPROBE_PROGS_DIR CASE
# Exit 77: not root, or a program a case needs is missing.
set -u
etrace=$1
target=$(readlink -f "$2")   # uprobe paths must be absolute
progs=$(readlink -f "$3")
case=$4

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
unset ETRACE_STRLEN BPFTRACE_STRLEN ETRACE_MAP_KEYS BPFTRACE_MAP_KEYS_MAX

ticks="uprobe:$target:ft_tick"
keys="uprobe:$target:ft_key { @[arg0] = count(); }"

# map_entries NAME: max_entries of the background etrace's map NAME
map_entries() {
	for id in $(fd_ids map_id); do
		bpftool map show id "$id" 2>/dev/null | grep -q " name $1 " &&
			bpftool map show id "$id" |
			sed -n 's/.*max_entries \([0-9]*\).*/\1/p' && return
	done
}

# maps_opens MODE: how often etrace read a process's mappings while 3
# processes of fault_target were symbolized, 2 lookups each; they run
# without ASLR (setarch -R), so that one layout serves all (per program).
# Reads that open: after the privilege drop etrace's own open of a root
# process's maps is refused (EACCES) and its helper opens it (priv.h).
maps_opens() {
	# a private copy of the target: its uprobe has no -c or -p, and other
	# tests run the target at the same time (9 events, one of a process
	# gone before its symbol was read, under a parallel ctest)
	[ -x "$tmp/ft" ] || cp "$target" "$tmp/ft"
	strace -f -qq -e trace=openat -o "$tmp/strace" "$etrace" -e "config = { cache_user_symbols = $1 }
uprobe:$tmp/ft:ft_tick { printf(\"%s\\n\", usym(reg(\"ip\"))); }" >"$out" 2>"$err" &
	st=$!
	bg=$st
	for _ in $(seq 1 200); do
		grep -q '^Attaching' "$out" && break
		sleep 0.05
	done
	for _ in 1 2 3; do
		setarch "$(uname -m)" -R "$tmp/ft" ticks 2 150
	done
	kill -INT "$(pgrep -P "$st")"
	wait "$st"
	bg=
	[ "$(grep -c '^ft_tick$' "$out")" = 6 ] || fail "$1: not 6 symbols"
	# etrace's own reads: after the privilege drop its open is refused
	# and its helper opens the file for it (and reads the mappings
	# again to check a request for the process's files): the opens of
	# etrace's process, refused or not, are the reads
	main=$(awk 'NR == 1 { print $1 }' "$tmp/strace")
	awk -v p="$main" '$1 == p' "$tmp/strace" |
		grep '/proc/[0-9]*/maps' | grep -c -E ') = ([0-9]|-1 EACCES)'
}

case $case in
strlen)
	# str() keeps strlen - 1 characters; the environment comes first
	prog="uprobe:$target:ft_str { @s = str(arg0); }"
	run 0 -c "$target str 20" -e "config = { strlen = 8 } $prog"
	has "$out" '^@s: xxxxxxx$'
	has "$err" 'note: 1 string cut at strlen (8 bytes with the NUL'
	ETRACE_STRLEN=5 run 0 -c "$target str 20" -e "$prog"
	has "$out" '^@s: xxxx$'
	BPFTRACE_STRLEN=5 run 0 -c "$target str 20" -e "config = { strlen = 8 } $prog"
	has "$out" '^@s: xxxx$'
	has "$err" 'warning: config variable strlen is overridden by BPFTRACE_STRLEN from the environment'
	BPFTRACE_STRLEN=300 run 2 -e 'BEGIN { exit(); }'
	has "$err" "^etrace: invalid BPFTRACE_STRLEN '300': expected an integer from 1 to 200$"
	;;
stack_mode)
	run 0 -c "$target burst 1" -e "$ticks { @[ustack(1)] = count(); }"
	has "$out" '^    ft_tick+0$'
	run 0 -c "$target burst 1" -e "config = { stack_mode = perf }
$ticks { @[ustack(1)] = count(); }"
	has "$out" "^	[0-9a-f]* ft_tick+0 ($target)$"
	;;
max_map_keys)
	# the maps' size, in BPF, and what a full map says
	run 0 -c "$target keys 300" -e "config = { max_map_keys = 100 } $keys"
	[ "$(grep -c '^@\[' "$out")" = 100 ] || fail "not 100 keys"
	has "$err" '^warning: @: 200 updates dropped, the map is full (100 keys; raise with config max_map_keys)$'
	ETRACE_MAP_KEYS=50 run 0 -c "$target keys 300" -e "$keys"
	[ "$(grep -c '^@\[' "$out")" = 50 ] || fail "ETRACE_MAP_KEYS: not 50 keys"
	BPFTRACE_MAP_KEYS_MAX=60 start -e "$keys"
	[ "$(map_entries m0_)" = 60 ] || fail "BPFTRACE_MAP_KEYS_MAX: not 60 entries in BPF"
	kill -INT "$bg"
	wait_bg 0
	;;
max_probes)
	prog="$ticks { } uprobe:$target:ft_key { } uprobe:$target:ft_str { }"
	run 1 -e "config = { max_probes = 2 } $prog"
	has "$err" '^etrace: the program attaches 3 probes, more than max_probes (2): raise it with config max_probes'
	# BEGIN is a probe too
	run 0 -e "config = { max_probes = 4 } $prog BEGIN { exit(); }"
	;;
max_bpf_progs)
	run 1 --dry-run -e 'config = { max_bpf_progs = 1 } BEGIN { } END { }'
	has "$err" 'The program makes 2 BPF programs, more than max_bpf_progs (1): raise it with config max_bpf_progs'
	BPFTRACE_MAX_BPF_PROGS=2 run 0 --dry-run -e 'BEGIN { } END { }'
	;;
cat_bytes_max)
	printf '0123456789abcdefghij\n' >"$tmp/file"
	run 0 -e "config = { cat_bytes_max = 10 } BEGIN { cat(\"$tmp/file\"); exit(); }"
	same 'Attaching 1 probe...\n0123456789\n\n'
	has "$err" '^stdin:1:41: note: 1 file cut by cat() at 10 bytes (raise with config cat_bytes_max)$'
	run 0 -e "BEGIN { cat(\"$tmp/file\"); exit(); }"
	same 'Attaching 1 probe...\n0123456789abcdefghij\n\n\n'
	# a run-time setting travels in the artifact: etrace-run has it
	run 0 --compile-only -o "$tmp/cat.eto" -e "config = { cat_bytes_max = 4 }
BEGIN { cat(\"$tmp/file\"); exit(); }"
	e=$etrace
	etrace=$(dirname "$e")/etrace-run
	run 0 "$tmp/cat.eto"
	etrace=$e
	same 'Attaching 1 probe...\n0123\n\n'
	has "$err" 'note: 1 file cut by cat() at 4 bytes'
	;;
log_size)
	# the verifier's log kept (-v prints it whole)
	prog='BEGIN { $i = 0; while ($i < nsecs) { @x[$i] = 1; $i++; } }'
	run 1 -v -e "config = { log_size = 4096 } $prog"
	[ "$(wc -c <"$err")" -lt 8192 ] || fail "more than a 4 KiB log"
	run 1 -v -e "$prog"
	[ "$(wc -c <"$err")" -gt 100000 ] || fail "the default log is short"
	;;
perf_rb_pages)
	# the ring buffer's size: pages of 4 KiB, for all CPUs
	start -e "config = { perf_rb_pages = 2 } $ticks { printf(\"t\\n\"); }"
	[ "$(map_entries et_ringbuf)" = 8192 ] || fail "not an 8 KiB ring buffer"
	kill -INT "$bg"
	wait_bg 0
	BPFTRACE_PERF_RB_PAGES=16 start -e "$ticks { printf(\"t\\n\"); }"
	[ "$(map_entries et_ringbuf)" = 65536 ] || fail "not 64 KiB"
	kill -INT "$bg"
	wait_bg 0
	run 1 --dry-run -e 'config = { perf_rb_pages = 3 } BEGIN { }'
	has "$err" 'expected a power-of-two integer from 1 to 262144'
	;;
no_cpp_demangle)
	prog="uprobe:$progs/uprobe_cpp:\"etns::compute(int)\" { printf(\"%s\\n\", usym(reg(\"ip\"))); exit(); }"
	[ -x "$progs/uprobe_cpp" ] || { echo "skipped: no uprobe_cpp"; exit 77; }
	run 0 -c "$progs/uprobe_cpp 1" -e "$prog"
	has "$out" '^etns::compute(int)$'
	run 0 -c "$progs/uprobe_cpp 1" -e "config = { no_cpp_demangle = true } $prog"
	has "$out" '^_ZN4etns7computeEi$'
	BPFTRACE_NO_CPP_DEMANGLE=1 run 0 -c "$progs/uprobe_cpp 1" -e "$prog"
	has "$out" '^_ZN4etns7computeEi$'
	;;
no_user_symbols)
	prog="$ticks { printf(\"%s\\n\", usym(reg(\"ip\"))); @[ustack(1)] = count(); }"
	run 0 -c "$target burst 1" -e "$prog"
	has "$out" '^ft_tick$'
	run 0 -c "$target burst 1" -e "config = { no_user_symbols = 1 } $prog"
	has "$out" '^0x[0-9a-f]*$'
	has "$out" '^    0x[0-9a-f]*$'
	grep -q ft_tick "$out" && fail "a symbol with no_user_symbols"
	true
	;;
cache_user_symbols)
	# 3 processes, 2 lookups each: mappings read per process, once per
	# program, or at every lookup
	command -v strace >/dev/null || { echo "skipped: no strace"; exit 77; }
	[ "$(maps_opens per_pid)" = 3 ] || fail "per_pid: not 3 reads"
	[ "$(maps_opens per_program)" = 1 ] || fail "per_program: not 1 read"
	[ "$(maps_opens none)" = 6 ] || fail "none: not 6 reads"
	;;
print_maps_on_exit)
	# false: no map at exit; print() still prints; both spellings
	prog='BEGIN { @a = 1; @b[2] = 3; print(@b); exit(); } END { printf("end\n"); }'
	run 0 -e "$prog"
	same 'Attaching 2 probes...\n@b[2]: 3\nend\n\n\n@a: 1\n@b[2]: 3\n'
	run 0 -e "config = { print_maps_on_exit = false } $prog"
	same 'Attaching 2 probes...\n@b[2]: 3\nend\n'
	BPFTRACE_PRINT_MAPS_ON_EXIT=0 run 0 -e "$prog"
	same 'Attaching 2 probes...\n@b[2]: 3\nend\n'
	ETRACE_PRINT_MAPS_ON_EXIT=false run 0 -e "$prog"
	same 'Attaching 2 probes...\n@b[2]: 3\nend\n'
	# in an artifact compiled with it, too
	run 0 --compile-only -o "$tmp/p.eto" -e "config = { print_maps_on_exit = false } $prog"
	run 0 "$tmp/p.eto"
	same 'Attaching 2 probes...\n@b[2]: 3\nend\n'
	;;
missing_probes)
	# a target missing at compile time: the probe goes (warn: said)
	prog="uprobe:$target:no_such_function_xyz { @m = count(); }
$ticks { @t = count(); }"
	run 1 -c "$target ticks 3 10" -e "$prog"
	has "$err" "No symbol 'no_such_function_xyz' in $target"
	ETRACE_MISSING_PROBES=warn run 0 -c "$target ticks 3 10" -e "$prog"
	same 'Attaching 1 probe...\n\n\n@t: 3\n'
	has "$err" "warning: uprobe target 'no_such_function_xyz' does not exist here"
	has "$err" 'warning: Probe has no valid attach points. It is being removed'
	BPFTRACE_MISSING_PROBES=ignore run 0 -c "$target ticks 3 10" -e "$prog"
	same 'Attaching 1 probe...\n\n\n@t: 3\n'
	[ -s "$err" ] && fail "ignore: a message"
	# a probe that cannot attach at run time (kprobes, on a kernel
	# without them; elsewhere nothing is missing)
	prog="kprobe:do_nanosleep { @k = count(); } $ticks { @t = count(); }"
	run_any() { timeout 30 "$etrace" "$@" >"$out" 2>"$err"; rc=$?; }
	run_any -c "$target ticks 3 10" -e "$prog"
	if [ $rc = 1 ] && grep -q 'kprobes are not available' "$err"; then
		run 0 -c "$target ticks 3 10" -e "config = { missing_probes = warn } $prog"
		has "$out" '^@t: 3$'
		grep -q '^@k: [1-9]' "$out" && fail "a skipped probe counted"
		has "$err" 'warning: kprobes are not available'
		has "$err" 'note: Unable to attach probe: kprobe:do_nanosleep. Skipping.$'
		run 0 -c "$target ticks 3 10" -e "config = { missing_probes = ignore } $prog"
		has "$out" '^@t: 3$'
		[ -s "$err" ] && fail "ignore: a message"
	else
		[ $rc = 0 ] || fail "kprobes: exit status $rc"
		echo "note: kprobes attach here: no run-time skip to show"
	fi
	;;
license)
	# the BPF object's license section, and the kernel loads it
	command -v readelf >/dev/null || { echo "skipped: no readelf"; exit 77; }
	run 0 --emit-elf "$tmp/gpl.o" -e 'BEGIN { exit(); }'
	readelf -p license "$tmp/gpl.o" | grep -q ' GPL$' || fail "not GPL"
	run 0 --emit-elf "$tmp/bsd.o" -e 'config = { license = "Dual BSD/GPL" } BEGIN { exit(); }'
	readelf -p license "$tmp/bsd.o" | grep -q ' Dual BSD/GPL$' ||
		fail "not Dual BSD/GPL"
	ETRACE_LICENSE="GPL v2" run 0 --emit-elf "$tmp/v2.o" -e 'BEGIN { printf("ok\n"); exit(); }'
	readelf -p license "$tmp/v2.o" | grep -q ' GPL v2$' || fail "not GPL v2"
	same 'Attaching 1 probe...\nok\n\n\n'
	BPFTRACE_LICENSE=MIT run 2 -e 'BEGIN { exit(); }'
	has "$err" "^etrace: invalid BPFTRACE_LICENSE 'MIT': expected GPL, GPL v2"
	;;
*)
	fail "no such case"
	;;
esac
echo "ok [$case]"
