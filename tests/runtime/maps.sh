#!/bin/sh
# Maps as bpftrace 0.26 writes them (real BPF, as root): top-level map
# declarations (let @m = lruhash(N);) with their BPF map type and size,
# delete(@m, k) and its value, has_key, len. One case per ctest test;
# each checks stdout (or the kernel's view of the maps) exactly.
#   maps.sh ETRACE CASE
# Exit 77: not root.
set -u
etrace=$1
case=$2

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

# The forms of delete: 0.22's delete(@m, k) (a tuple for several keys),
# 0.17's delete(@m[k]), delete(@s) of a map without keys, and its value
DELETES='@m[1]=1; @m[2]=2; @m[3]=3; delete(@m, 1); delete(@m[2]);
	@t[1,"a"]=1; @t[2,"b"]=2; delete(@t, (1,"a")); @s=5; delete(@s);'

case $case in
delete_forms)
	# the program of issue 11 first: it printed @m[1]: 1 once
	run 0 -q -e 'BEGIN { @m[1]=1; @m[2]=2; delete(@m, 1); delete(@m[2]);
	  print(@m); exit(); }'
	same '\n\n\n\n'
	run 0 -q -e "BEGIN { $DELETES @h[1]=1; \$d = delete(@h, 1);
	  \$e = delete(@h, 1); printf(\"%d %d %d %d\\n\", \$d, \$e,
	  has_key(@t, (2,\"b\")), has_key(@t, (1,\"a\")));
	  if (!delete(@m, 7)) { printf(\"no 7\\n\"); }
	  print(@m); print(@t); clear(@s); exit(); }"
	same '1 0 1 0\nno 7\n@m[3]: 3\n@t[2, b]: 2\n\n\n\n@m[3]: 3\n\n@t[2, b]: 2\n'
	;;
delete_json)
	run 0 -q -f json -e "BEGIN { $DELETES print(len(@m));
	  print(has_key(@m, 3)); clear(@s); exit(); }"
	same '{"type": "value", "data": 1}\n{"type": "value", "data": true}\n\n\n{"type": "map", "data": {"@m": {"3": 3}}}\n{"type": "map", "data": {"@t": {"2,b": 2}}}\n'
	;;
delete_warning)
	# -k: a failed delete is reported when its value is thrown away,
	# not when the program looks at it
	run 0 -q -k -e 'BEGIN { @s[1]=1; delete(@s, 5); $x = delete(@s, 6);
	  if (delete(@s, 7)) { printf("7\n"); } print($x); exit(); }'
	same 'false\n\n\n@s[1]: 1\n'
	[ "$(grep -c 'Failed to map_delete_elem' "$err")" = 1 ] ||
		fail "one warning expected"
	has "$err" 'stdin:1:18: warning: Failed to map_delete_elem'
	;;
decl_kinds)
	# the kernel's view: each declared map has its kind and size
	# (fdinfo map_type: 1 hash, 5 percpu_hash, 9 lru_hash,
	# 10 lru_percpu_hash)
	start -e 'let @a = lruhash(777); let @b = percpulruhash(778);
	  let @c = percpuhash(779); let @d = hash(780);
	  interval:ms:20 { @a[1] = 1; @b[1] = count(); @c[1] = sum(2);
	  @d[2] = 2; }'
	wait_links 1
	for f in /proc/"$bg"/fdinfo/*; do
		awk '$1 == "map_type:" { t = $2 } $1 == "max_entries:" { n = $2 }
		     END { if (n >= 777 && n <= 780) print n, t }' "$f"
	done | sort >"$tmp/kinds"
	printf '777 9\n778 10\n779 5\n780 1\n' >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/kinds" ||
		fail "map kinds: $(cat "$tmp/kinds")"
	kill -INT "$bg"
	wait_bg 0
	;;
decl_full)
	# a full hash refuses (counted, reported with the declaration as the
	# place to raise the size); a full LRU hash evicts, silently
	run 0 -q -e 'let @a = lruhash(10); let @h = hash(10); BEGIN {
	  $i = 0; while ($i < 100) { @a[$i] = $i; @h[$i] = $i; $i++; }
	  printf("%d %d %d\n", len(@a) <= 10 && len(@a) > 0, len(@h),
	  has_key(@a, 99)); clear(@a); clear(@h); exit(); }'
	same '1 10 1\n\n\n\n\n'
	has "$err" 'warning: @h: 90 updates dropped, the map is full (10 keys; raise its size in its declaration)'
	grep -q '@a' "$err" && fail "the LRU map reported drops"
	;;
decl_values)
	# bpftrace 0.26's runtime cases (tests/runtime/map): the values
	# each kind keeps when full
	run 0 -q -e 'let @a = percpulruhash(1); let @b = percpuhash(1);
	  let @c = lruhash(1); let @d = hash(1); BEGIN { @a[1] = count();
	  @a[2] = count(); @b[1] = count(); @b[2] = count(); @c[1] = 1;
	  @c[2] = 2; @d[0] = 0; @d[0] = 1; exit(); }'
	same '\n\n@a[2]: 1\n@b[1]: 1\n@c[2]: 2\n@d[0]: 1\n'
	has "$err" 'warning: @b: 1 update dropped, the map is full (1 keys; raise its size in its declaration)'
	# the kinds and sizes travel in an artifact
	run 0 --compile-only -o "$tmp/d.eto" -e 'let @a = percpulruhash(1);
	  let @h = hash(1); BEGIN { @a[1] = count(); @a[2] = count();
	  @h[1] = 1; @h[2] = 2; exit(); }'
	run 0 -q "$tmp/d.eto"
	same '\n\n@a[2]: 1\n@h[1]: 1\n'
	has "$err" 'warning: @h: 1 update dropped, the map is full (1 keys; raise its size in its declaration)'
	;;
decl_json)
	run 0 -q -f json -e 'let @a = lruhash(4); BEGIN { @a[1] = 2;
	  @a[3] = 4; print(len(@a)); exit(); }'
	same '{"type": "value", "data": 2}\n\n\n{"type": "map", "data": {"@a": {"1": 2, "3": 4}}}\n'
	;;
percpu_total)
	# (int64)@c and @s == 12 read the total of every CPU's share
	# (bpftrace 0.26); min and max of cpu + 5 over a profile probe,
	# which fires on every CPU, span all of them
	run 0 -q -e 'profile:hz:997 { @c = count(); @s = sum(2);
	  @mn = min(cpu + 5); @mx = max(cpu + 5); @a = avg(cpu * 0 + 7); }
	  interval:ms:300 { printf("%d %d %d %d %d\n", (int64)@c * 2 == (int64)@s,
	  (uint64)@mn, (uint64)@mx, (int64)@a, @c > 100); exit(); }'
	# (the maps printed at exit go on counting: the first line only)
	[ "$(head -1 "$out")" = "1 5 $((4 + $(nproc))) 7 1" ] ||
		fail "totals: $(head -1 "$out")"
	# an artifact counts the CPUs of the machine it runs on
	run 0 --compile-only -o "$tmp/p.eto" -e 'BEGIN { @c = count();
	  @s = sum(3); @s = sum(9); if (@s == 12) { printf("%d %d\n",
	  (int64)@c, (int64)@s); } clear(@c); clear(@s); exit(); }'
	run 0 -q "$tmp/p.eto"
	same '1 12\n\n\n@c: 0\n\n'
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
