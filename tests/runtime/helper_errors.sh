#!/bin/sh
# Runtime tests of -k / -kk (helper error warnings), real BPF as root: one
# case per ctest test (tests/runtime/helper_errors.cmake).
#   helper_errors.sh ETRACE CASE
# A failed helper call prints a warning on stderr at its place in the
# script, in etrace's diagnostic format (with -f json bpftrace's
# helper_error record on stdout); without -k no such warning is printed
# (a failed read is still counted, and the count reported at the end, -k
# or not) and stdout is the same. Exit 77: not root.
set -u
etrace=$1
case=$2

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
# each case its own object cache: cache hits must print the same
ETRACE_CACHE_DIR=$tmp/cache
export ETRACE_CACHE_DIR

# same_err TEXT: stderr is exactly TEXT (printf escapes)
same_err() {
	printf "$1" >"$tmp/want_err"
	cmp -s "$tmp/want_err" "$err" ||
		fail "stderr differs: $(diff "$tmp/want_err" "$err" | head -20)"
}

del='BEGIN { @x[1] = 1; delete(@x[2]); exit(); }'
del_out='Attaching 1 probe...\n\n\n@x[1]: 1\n'
del_err='stdin:1:20: warning: Failed to map_delete_elem: No such file or directory (-2)
BEGIN { @x[1] = 1; delete(@x[2]); exit(); }
                   ^~~~~~~~~~~~~\n'
bad_read='BEGIN { $v = *(uint64*)0; printf("%%d\\n", $v); exit(); }'
# what the end says of it, with or without -k (tests/faults/ has more)
read_count='stdin:1:14: warning: 1 read failed (probe_read_kernel): the value read as zeros'

# same_line N TEXT: line N of stderr is TEXT
same_line() {
	[ "$(sed -n "${1}p" "$err")" = "$2" ] ||
		fail "stderr line $1: '$(sed -n "${1}p" "$err")', not '$2'"
}

case $case in
k_delete)
	run 0 -k -e "$del"
	same "$del_out"
	same_err "$del_err"
	# -kk checks what -k checks
	run 0 -kk -e "$del"
	same "$del_out"
	same_err "$del_err"
	;;
kk_read)
	# the kernel refuses address 0 (-EFAULT or -ERANGE: by version)
	run 0 -kk -e "$(printf "$bad_read")"
	same 'Attaching 1 probe...\n0\n\n\n'
	# the warning (3 lines), then the count of failed reads at the end
	[ "$(wc -l <"$err")" = 4 ] || fail "not one warning and one count"
	same_line 4 "$read_count"
	# at the read (bpftrace marks the same place), not the statement
	has "$err" '^stdin:1:14: warning: Failed to probe_read_kernel: [A-Z].* (-[0-9]*)$'
	has "$err" '^BEGIN { $v = \*(uint64\*)0; printf'
	has "$err" '^             [\^]~~~~~~~~~~$'
	;;
k_not_reads)
	# a failed read leaves zeros the script sees: only -kk reports it
	# where it fails; with or without -k, the end counts it
	run 0 -k -e "$(printf "$bad_read")"
	same 'Attaching 1 probe...\n0\n\n\n'
	same_err "$read_count\n"
	;;
no_k)
	# a delete of a missing key loses nothing: no word of it
	run 0 -e "$del"
	same "$del_out"
	same_err ''
	run 0 -e "$(printf "$bad_read")"
	same_err "$read_count\n"
	;;
lookup_miss)
	# -kk: a read or an aggregation of a map that misses warns, with 0,
	# as bpftrace 0.17 does ("Failed to map_lookup_elem: 0"); -k does
	# not, and has_key() never (a miss is its answer)
	miss='BEGIN { printf("%d\n", @y[5]); @y[1] = 2; @s[1] = sum(3);
if (has_key(@y, 7)) { exit(); } exit(); }'
	run 0 -kk -e "$miss"
	same 'Attaching 1 probe...\n0\n\n\n@s[1]: 3\n@y[1]: 2\n'
	[ "$(grep -c 'warning: Failed to map_lookup_elem: 0$' "$err")" = 2 ] ||
		fail "not two lookup warnings"
	has "$err" '^stdin:1:24: warning: Failed to map_lookup_elem: 0$'
	has "$err" '^stdin:1:51: warning: Failed to map_lookup_elem: 0$'
	run 0 -k -e "$miss"
	same_err ''
	;;
json)
	# -f json: bpftrace 0.17's helper_error record among the others on
	# stdout, in the order of events, and nothing on stderr
	run 0 -k -f json -e 'BEGIN { printf("a\n"); @x[1] = 1; delete(@x[2]); printf("b\n"); exit(); }'
	same '{"type": "attached_probes", "data": {"probes": 1}}
{"type": "printf", "data": "a\\n"}
{"type": "helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 1, "col": 35}
{"type": "printf", "data": "b\\n"}


{"type": "map", "data": {"@x": {"1": 1}}}
'
	same_err ''
	run 0 -kk -f json -e 'BEGIN { @m[1] = 1; @n = @m[4] + 1; exit(); }'
	has "$out" '^{"type": "helper_error", "helper": "map_lookup_elem", "retcode": 0, "line": 1, "col": 25}$'
	;;
tracepoint)
	# in a probe of other processes (the -c child's execs, then any
	# process's): a warning each time it fails
	p='tracepoint:syscalls:sys_enter_execve /pid == cpid || @c/
{ @m[1] = 1; delete(@m[7]); @c = 1; }'
	# (-c splits at spaces as bpftrace's does: no shell quoting)
	printf '/bin/true; /bin/true\n' >"$tmp/two.sh"
	run 0 -k -c "sh $tmp/two.sh" -e "$p"
	w='^stdin:2:14: warning: Failed to map_delete_elem: No such file'
	[ "$(grep -c "$w or directory (-2)\$" "$err")" -ge 3 ] ||
		fail "not a warning per exec"
	has "$err" '^ *[\^]~~~~~~~~~~~~$'
	;;
cache)
	# -k is another module: another cache entry; a hit still warns
	run 0 -v -e "$del"
	has "$err" "compiled and cached"
	run 0 -v -k -e "$del"
	has "$err" "compiled and cached"
	has "$err" "Failed to map_delete_elem"
	run 0 -v -k -e "$del"
	has "$err" "BPF object from cache ("
	has "$err" "Failed to map_delete_elem"
	run 0 -v -e "$del"
	has "$err" "BPF object from cache ("
	grep -q "Failed to" "$err" && fail "warning without -k (cached -k object?)"
	n=$(find "$ETRACE_CACHE_DIR" -name '*.eto' | wc -l)
	[ "$n" = 2 ] || fail "$n cache entries, expected 2"
	;;
*)
	fail "no such case"
	;;
esac
echo "ok [$case]"
