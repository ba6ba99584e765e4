#!/bin/sh
# End to end (root): runs every NAME.bt here under etrace and compares its
# stdout with NAME.txt, what bpftrace 0.17 printed (see gen.sh). Exit 0
# when all match, 1 otherwise (with a diff), 77 when not root.
# usage: check.sh path/to/etrace
etrace=$1
dir=$(dirname "$0")
[ "$(id -u)" = 0 ] || exit 77
fail=0
tmp=$(mktemp)
for bt in "$dir"/*.bt; do
	name=$(basename "$bt" .bt)
	fmt=text
	head -n1 "$bt" | grep -q '^// json' && fmt=json
	timeout 20 "$etrace" -f "$fmt" "$bt" > "$tmp" 2>/dev/null
	if ! diff -u "$dir/$name.txt" "$tmp" > "$tmp.diff"; then
		echo "FAIL $name"
		head -n 20 "$tmp.diff"
		fail=1
	else
		echo "ok   $name"
	fi
done
rm -f "$tmp" "$tmp.diff"
exit $fail
