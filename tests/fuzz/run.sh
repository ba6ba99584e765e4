#!/bin/sh
# Bounded libFuzzer run: run.sh FUZZER WORKDIR [SECONDS [KIND]].
# KIND frontend (fuzz_frontend, the default): the seed corpus is
# tests/fuzz/corpus/ plus, at run time, the shipped stdlib and examples,
# the golden compile tests and bpftrace's tools (/usr/sbin/*.bt) -- those
# are not committed. KIND artifact (fuzz_artifact): the compiled programs
# of tests/fuzz/corpus-artifact/. Findings (crash-*, leak-*, timeout-*,
# oom-*) land in WORKDIR/artifacts and fail the run.
set -u
fuzzer=$1 work=$2 secs=${3:-60} kind=${4:-frontend}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

mkdir -p "$work/corpus" "$work/artifacts" || exit 1
if [ "$kind" = artifact ]; then
	seeds="$here/corpus-artifact/*.eto"
	opts="-max_len=65536"
else
	seeds="$here/corpus/* $src/stdlib/*.et $src/examples/*.et
	       $src/tests/compile/*.et /usr/sbin/*.bt"
	opts="-max_len=8192 -dict=$here/etrace.dict"
fi
for f in $seeds; do
	[ -f "$f" ] && cp "$f" "$work/corpus/"
done
log=$work/fuzz.log
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=5 \
	$opts -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1
rc=$?
grep -E '^#[0-9]+.*(DONE|INITED)' "$log" | tail -n 2
grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$log"
grep -E '^stat::(new_units_added|peak_rss_mb)' "$log"
echo "corpus: $(ls "$work/corpus" | wc -l) inputs; log: $log"
if [ $rc -ne 0 ]; then
	echo "FUZZ FINDING (exit $rc):"
	grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 20
	tail -n 60 "$log"
	exit 1
fi
