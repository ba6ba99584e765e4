#!/bin/sh
# Staleness check of the etrace link order (ctest linkorder/fresh):
# runtime/etrace.order.gz lists the functions typical runs execute, and
# the link (lld --symbol-ordering-file) puts them together so that a run
# maps few pages of the 21 MB of static LLVM (peak RSS, README
# "Performance"). It goes stale as the code changes; three figures, each
# with a limit, say whether it still fits this binary:
#  1. listed names the binary no longer defines (renamed or removed
#     functions, another LLVM or compiler): at most 5 %;
#  2. executed text pages that hold no listed function (code the order
#     misses: it lands after the ordered block, and each such page can
#     map 64 KiB around it), over the pages that recorded runs execute
#     (pagetouch.so: --version, --dry-run compiles and, as root, a
#     tracepoint one-liner that loads, attaches and prints): at most 1 %
#     (~20 pages; the order of 2026-11-25 had drifted to 4.5 %, which
#     cost 2.5 MiB of peak RSS; a fresh one leaves the 2 pages of .init
#     and .plt, which hold no function);
#  3. the listed functions fill at least 90 % of the address span they
#     occupy in the binary (the link used the order: ~99 % when it did,
#     ~53 % when not).
#   checkorder.sh ETRACE ORDER PAGETOUCH_SO
# ORDER is the (uncompressed) order file the link used. Exit 1 when a
# figure is over its limit, with the way to refresh the order.
set -eu
if [ $# -ne 3 ]; then
	echo "usage: checkorder.sh ETRACE ORDER PAGETOUCH_SO" >&2
	exit 2
fi
etrace=$1 order=$2 pagetouch=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/etrace-order.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

tp=tracepoint:syscalls:sys_enter_getppid
n=0
# record ARGS...: etrace ARGS under pagetouch; the pages go to $tmp/pages.N
record() {
	n=$((n + 1))
	rc=0
	# env, not the shell, sets LD_PRELOAD: for etrace only, not timeout
	timeout 30 env PAGETOUCH_OUT="$tmp/pages.$n" LD_PRELOAD="$pagetouch" \
		ETRACE_CACHE_DIR= "$etrace" "$@" >"$tmp/out" 2>&1 </dev/null ||
		rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$tmp/pages.$n" ]; then
		echo "checkorder: etrace $* failed (exit $rc) or recorded nothing:"
		head -n 20 "$tmp/out"
		exit 1
	fi
}
record --version
record --dry-run -e "$tp { @[comm] = count(); }"
record --dry-run -e "$tp { @h = hist(nsecs % 1000); @s = stats(pid);
	@l = lhist(pid, 0, 1000, 10); printf(\"%d %s\\n\", pid, comm); }"
runs="--version, 2 --dry-run"
# a recipe's tracepoint arguments need tracefs, loading needs root
if [ "$(id -u)" = 0 ]; then
	record --dry-run "$here/../../stdlib/opensnoop.et"
	record -e "$tp { @[comm] = count(); } interval:ms:100 { exit(); }"
	runs="$runs as any user; as root 1 more and a load"
fi

nm -S --defined-only "$etrace" >"$tmp/nm"
python3 - "$tmp/nm" "$order" "$runs" "$tmp"/pages.* <<'PY'
import sys

nm_path, order_path, runs, page_files = sys.argv[1], sys.argv[2], \
    sys.argv[3], sys.argv[4:]
funcs = {}      # name -> (address, size): the binary's functions
for line in open(nm_path):
    f = line.split()
    if len(f) == 4 and f[2] in 'tTwW':
        funcs.setdefault(f[3], (int(f[0], 16), int(f[1], 16)))
order = [l.strip() for l in open(order_path)]
order = [n for n in order if n and not n.startswith('#')]
listed = set(order)
if not order:
    sys.exit('checkorder: %s lists no function' % order_path)

# 1. names the binary no longer defines
gone = [n for n in order if n not in funcs]
gone_pct = 100.0 * len(gone) / len(order)

# 2. executed pages without a listed function
page_names = {}     # page -> names of the functions on it
for name, (a, s) in funcs.items():
    for p in range(a & ~4095, a + max(s, 1), 4096):
        page_names.setdefault(p, []).append(name)
pages = set()
for path in page_files:
    pages.update(int(l, 16) for l in open(path) if l.strip())
missed = sorted(p for p in pages
                if not any(n in listed for n in page_names.get(p, [])))
missed_pct = 100.0 * len(missed) / len(pages)
missed_names = sorted({n for p in missed for n in page_names.get(p, [])})

# 3. share of the listed functions' address span that they fill
kept = [funcs[n] for n in listed if n in funcs]
fill_pct = 0.0
if kept:
    lo = min(a for a, s in kept)
    hi = max(a + s for a, s in kept)
    fill_pct = 100.0 * sum(s for a, s in kept) / max(hi - lo, 1)

print('checkorder: %d listed functions, %d executed pages (%s)' %
      (len(order), len(pages), runs))
print('  listed names the binary lacks      %5.1f %% (%d)   limit 5 %%' %
      (gone_pct, len(gone)))
print('  executed pages with none listed    %5.1f %% (%d)   limit 1 %%' %
      (missed_pct, len(missed)))
print('  listed code fills its address span %5.1f %%        at least 90 %%' %
      fill_pct)
stale = []
if gone_pct > 5:
    stale.append('names it lists are gone: ' + ' '.join(gone[:10]))
if missed_pct > 1:
    stale.append('executed functions it lacks: ' + ' '.join(missed_names[:15]))
if stale:
    print('FAIL: the link order (runtime/etrace.order.gz) is stale:')
    for s in stale:
        print('  - ' + s)
    print('Refresh it as root: make -C BUILD link-order '
          '(tests/bench/mkorder.sh), rebuild, rerun this test and commit '
          'runtime/etrace.order.gz.')
if fill_pct < 90:
    print('FAIL: the listed functions are spread over the binary: was it '
          'linked by lld with --symbol-ordering-file=%s?' % order_path)
sys.exit(1 if stale or fill_pct < 90 else 0)
PY
