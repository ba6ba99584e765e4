#!/bin/sh
# Corpus test: every bpftrace tool Debian ships (/usr/sbin/*.bt, from the
# bpftrace package) through `etrace --dry-run`. On this kernel (6.18) all
# must be accepted except exactly four, each rejected with a diagnostic
# naming its incompatibility:
#   runqlen.bt  reads cfs_rq.nr_running (renamed in this kernel)
#   swapin.bt   kprobe:swap_readpage (no such kernel function)
#   mdflush.bt  kprobe:md_flush_request (no such kernel function)
#   loads.bt    kaddr("avenrun"): a variable, which this kernel's
#               /proc/kallsyms does not list (no CONFIG_KALLSYMS_ALL)
# Any other outcome fails, printing the diagnostics of what went wrong.
# Exit 77 (skip) when bpftrace's tools are not installed.
etrace=$1
dir=${ETRACE_CORPUS_DIR:-/usr/sbin}

# name and a word its diagnostic must contain
expected_rejects='runqlen.bt nr_running
swapin.bt swap_readpage
mdflush.bt md_flush_request
loads.bt avenrun'

set -- "$dir"/*.bt
if [ ! -f "$1" ]; then
	echo "SKIP: no bpftrace tools in $dir (apt-get install bpftrace)"
	exit 77
fi
err=$(mktemp)
trap 'rm -f "$err"' EXIT
accepted=0 rejected=0 bad=0
for f in "$@"; do
	name=$(basename "$f")
	want=$(printf '%s\n' "$expected_rejects" | awk -v n="$name" \
		'$1 == n { print $2 }')
	"$etrace" --dry-run "$f" >/dev/null 2>"$err"
	rc=$?
	if [ -z "$want" ] && [ $rc -eq 0 ]; then
		accepted=$((accepted + 1))
	elif [ -n "$want" ] && [ $rc -eq 1 ] && grep -q "error: .*$want" "$err"
	then
		rejected=$((rejected + 1))
		echo "rejected as expected: $name: $(grep -m1 'error:' "$err")"
	else
		bad=$((bad + 1))
		if [ -n "$want" ]; then
			echo "UNEXPECTED: $name exit $rc, wanted exit 1 with an" \
			     "error naming '$want'"
		else
			echo "UNEXPECTED: $name exit $rc, wanted 0"
		fi
		sed 's/^/    /' "$err" | head -n 40
	fi
done
echo "corpus: $# tools: $accepted accepted, $rejected rejected as" \
     "expected, $bad unexpected"
[ $bad -eq 0 ] && [ $rejected -eq 4 ]
