#!/bin/sh
# Regenerates the bpftrace 0.17 reference outputs: for each NAME.bt here,
# NAME.txt is what `bpftrace [-f json] NAME.bt` prints on stdout (a first
# line "// json" in NAME.bt selects -f json). Run as root.
cd "$(dirname "$0")" || exit 1
for bt in *.bt; do
	name=${bt%.bt}
	if head -n1 "$bt" | grep -q '^// json'; then
		bpftrace -f json "$bt" > "$name.txt" 2>/dev/null
	else
		bpftrace "$bt" > "$name.txt" 2>/dev/null
	fi
done
