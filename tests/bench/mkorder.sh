#!/bin/bash
# Regenerates runtime/etrace.order.gz, the function order the etrace link
# uses (lld --symbol-ordering-file) so that the code a run executes sits
# on few pages: statically linked LLVM is 21 MB of text and, laid out in
# archive order, a one-liner maps most of it (fault-around maps 64 KiB
# around each first touch). Runs typical programs under pagetouch.so
# (which records the executed pages), maps the pages to the functions on
# them (nm) and writes their names, those that more runs execute first
# (so that a run's code is dense at the front), then in address order. Needs root (the
# programs load BPF). Rerun when the test linkorder/fresh says the order
# is stale, e.g. after upgrading LLVM:
#   tests/bench/mkorder.sh [ETRACE] [OUT]
# OUT (default runtime/etrace.order.gz) is gzipped when it ends in .gz.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ETRACE=$(realpath "${1:-build/etrace}")
OUT=${2:-$HERE/../../runtime/etrace.order.gz}
W=$(mktemp -d /tmp/etorder.XXXXXX)
trap 'rm -rf "$W"' EXIT
cc -O2 -shared -fPIC -o "$W/pagetouch.so" "$HERE/pagetouch.c"
cc -O2 -o "$W/etbench_load" "$HERE/etbench_load.c"
TP=tracepoint:syscalls:sys_enter_getppid
# a fresh object cache: every program below is compiled (and stored), so
# the compiler's pages are recorded as well as a cache lookup's
mkdir -m 700 "$W/cache"
export ETRACE_CACHE_DIR=$W/cache

NRUN=0
traced() {	# run etrace ARGS... under pagetouch (until SIGINT if long)
	NRUN=$((NRUN + 1))
	PAGETOUCH_OUT=$W/pages.$NRUN LD_PRELOAD=$W/pagetouch.so \
		"$ETRACE" "$@" >/dev/null 2>&1 &
	local pid=$!
	sleep 1.5
	"$W/etbench_load" getppid 1000 >/dev/null
	"$W/etbench_load" func 1000 >/dev/null
	kill -INT $pid 2>/dev/null || true
	wait $pid || true
}

traced --version
traced -e 'BEGIN { exit(); }'
traced -e "$TP { @[comm] = count(); }"
traced -e "$TP { printf(\"%d %s\\n\", pid, comm); }"
traced -e "$TP { @h = hist(nsecs % 1000); @l = lhist(pid, 0, 1000, 10);
	@s = stats(pid); @m[tid] = max(cpu); }"
traced -e "uprobe:$W/etbench_load:etbench_func { @[ustack] = count(); }"
traced -e 'interval:ms:100 { @t = sum(1); } END { print(@t); }'
traced --dry-run "$HERE/../../stdlib/opensnoop.et"
traced -e 'tracepoint:syscalls:sys_enter_openat
	{ printf("%s %s\n", comm, str(args->filename)); }'
cat "$W"/pages.* >"$W/pages" 2>/dev/null || true
[ -s "$W/pages" ] || { echo "mkorder.sh: no pages recorded" >&2; exit 1; }

nm -S -n --defined-only "$ETRACE" >"$W/nm"
{
	echo "# etrace link order (lld --symbol-ordering-file): functions that"
	echo "# typical runs execute; made by tests/bench/mkorder.sh"
	python3 - "$W/nm" "$W"/pages.* <<'PY'
import sys
runs = {}	# page -> number of runs that executed it
for path in sys.argv[2:]:
    for page in set(int(line, 16) for line in open(path)):
        runs[page] = runs.get(page, 0) + 1
syms = {}	# name -> (most runs on one of its pages, address)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 4 or f[2] not in 'tTwW' or f[3] in syms:
        continue
    a, s = int(f[0], 16), max(int(f[1], 16), 1)
    n = max(runs.get(p, 0) for p in range(a & ~4095, a + s, 4096))
    if n:
        syms[f[3]] = (-n, a)
for name in sorted(syms, key=syms.get):
    print(name)
PY
} >"$W/order"
case $OUT in
*.gz) gzip -9n -c "$W/order" >"$OUT" ;;
*) cp "$W/order" "$OUT" ;;
esac
echo "mkorder.sh: $(grep -vc '^#' "$W/order") functions, from" \
	"$(sort -u "$W/pages" | wc -l) pages, written to $OUT"
