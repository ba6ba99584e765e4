#!/bin/sh
# Measures `etrace --dry-run` of a 30-line script (parse, preamble, probe
# resolution against the real tracefs and BTF, types, checks) and prints
# the mean time in ms. A measurement, not a test. Uses hyperfine when
# installed, else a loop timed with date +%s%N.
#   tests/bench/dryrun.sh [ETRACE] [RUNS]
etrace=${1:-build/etrace} runs=${2:-50}
script=$(mktemp --suffix=.et)
trap 'rm -f "$script"' EXIT
cat >"$script" <<'PROG'
BEGIN
{
	printf("Tracing... Hit Ctrl-C to end.\n");
}

tracepoint:syscalls:sys_enter_openat
{
	@filename[tid] = args->filename;
}

tracepoint:syscalls:sys_exit_openat
/@filename[tid]/
{
	$ret = args->ret;
	$fd = $ret >= 0 ? $ret : -1;
	printf("%-6d %-16s %4d %s\n", pid, comm, $fd, str(@filename[tid]));
	delete(@filename[tid]);
}

tracepoint:sched:sched_switch
{
	@switches[args->prev_comm] = count();
	@lat = hist(nsecs - @last[cpu]);
	@last[cpu] = nsecs;
}

END
{
	clear(@filename); clear(@last);
}
PROG
[ "$(wc -l <"$script")" -eq 30 ] || echo "note: script is not 30 lines"
"$etrace" --dry-run "$script" || { echo "etrace --dry-run failed"; exit 1; }
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 3 --runs "$runs" --export-json /dev/stdout \
		"$etrace --dry-run $script" >"$script.json" 2>/dev/null
	awk -F: '/"mean"/ { gsub(/[ ,]/, "", $2);
		printf "etrace --dry-run (30 lines): %.2f ms (hyperfine mean)\n",
		$2 * 1000; exit }' "$script.json"
	rm -f "$script.json"
	exit 0
fi
"$etrace" --dry-run "$script" # warm the page cache
start=$(date +%s%N)
i=0
while [ $i -lt "$runs" ]; do
	"$etrace" --dry-run "$script" || exit 1
	i=$((i + 1))
done
end=$(date +%s%N)
awk -v ns=$((end - start)) -v n="$runs" 'BEGIN {
	printf "etrace --dry-run (30 lines): %.2f ms (mean of %d runs)\n",
	ns / n / 1e6, n }'
