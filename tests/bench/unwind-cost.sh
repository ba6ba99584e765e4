#!/bin/sh
# The cost of ustack's CFI unwinder (bpf-helpers/unwind.c) against the
# kernel's frame-pointer walk (config ustack_unwind = "fp") at the same
# depth, and the start-up time of building the unwind tables of libc,
# libpython3.11 and OpenJDK 17's libjvm, first time and cached. By hand,
# as root (a benchmark, not a test):
#   tests/bench/unwind-cost.sh ETRACE [N] [DEPTH]
# Goal (issue #12): CFI costs at most 2x the frame-pointer walk.
set -eu
etrace=$(readlink -f "$1")
n=${2:-200000}
depth=${3:-20}
tmp=$(mktemp -d /tmp/etrace-uwbench.XXXXXX)
trap 'rm -rf "$tmp"; [ -n "${hold:-}" ] && kill $hold 2>/dev/null; true' EXIT
src=$(dirname "$(readlink -f "$0")")/unwind_deep.c
gcc -O2 -fno-omit-frame-pointer -o "$tmp/deep_fp" "$src" -ldl
gcc -O2 -fomit-frame-pointer -o "$tmp/deep_nofp" "$src" -ldl
export ETRACE_CACHE_DIR=$tmp/cache

# run BIN [PROGRAM [CONFIG]]: ns per call of target() under etrace -p
# with PROGRAM (none: without etrace)
run() {
	rm -f "$tmp/go"
	mkfifo "$tmp/go"
	"$1" "$tmp/go" "$n" "$depth" >"$tmp/ns" &
	pid=$!
	if [ -n "${2:-}" ]; then
		"$etrace" -p "$pid" -e "${3:-} uprobe:$1:target { $2 }" \
			>"$tmp/out" 2>"$tmp/err" &
		et=$!
		# attached: "Attaching" is printed just before; then settle
		for _ in $(seq 1 200); do
			grep -q '^Attaching' "$tmp/out" 2>/dev/null && break
			sleep 0.05
		done
		sleep 1
	fi
	echo x >"$tmp/go"
	wait "$pid"
	[ -n "${2:-}" ] && wait "$et"
	echo $(( $(cat "$tmp/ns") / n ))
}

# best BIN [PROGRAM [CONFIG]]: the least of three runs (the machine's
# other load only adds)
best() {
	b=
	for _ in 1 2 3; do
		v=$(run "$@")
		[ -z "$b" ] || [ "$v" -lt "$b" ] && b=$v
	done
	echo "$b"
}

echo "ustack cost: $n calls at depth $depth (ns per call)"
base=$(best "$tmp/deep_fp")
count=$(best "$tmp/deep_fp" '@ = count();')
fp=$(best "$tmp/deep_fp" '@[ustack] = count();' 'config = { ustack_unwind = "fp" }')
cfi_fp=$(best "$tmp/deep_fp" '@[ustack] = count();')
cfi=$(best "$tmp/deep_nofp" '@[ustack] = count();')
fpn=$(best "$tmp/deep_nofp" '@[ustack] = count();' 'config = { ustack_unwind = "fp" }')
echo "  no etrace                          $base"
echo "  uprobe, count() only               $count"
echo "  ustack fp  (frame-pointer binary)  $fp   stack: $((fp - count))"
echo "  ustack cfi (frame-pointer binary)  $cfi_fp   stack: $((cfi_fp - count))"
echo "  ustack cfi (-fomit-frame-pointer)  $cfi   stack: $((cfi - count))"
echo "  ustack fp  (-fomit-frame-pointer)  $fpn   (frames lost)"
echo "  cfi / fp per stack: $(echo "scale=2; ($cfi - $count) / ($fp - $count)" | bc)"

echo "table build at start-up (etrace -p of a process mapping LIB)"
for lib in /lib/x86_64-linux-gnu/libc.so.6 \
	/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 \
	/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so; do
	[ -e "$lib" ] || { echo "  $lib: absent"; continue; }
	"$tmp/deep_nofp" --hold "$lib" &
	hold=$!
	sleep 0.5
	prog="uprobe:$tmp/deep_nofp:target { @[ustack] = count(); } BEGIN { exit(); }"
	t() {
		s=$(date +%s%N)
		"$etrace" -p "$hold" -e "$prog" >/dev/null 2>&1
		echo $(( ($(date +%s%N) - s) / 1000000 ))
	}
	rm -rf "$tmp/cache"
	t >/dev/null             # the object cached, tables too
	cached=$(t)
	rm -rf "$tmp/cache/unwind"
	first=$(t)
	rows=$(for f in "$tmp"/cache/unwind/*.rows; do
		od -An -tu4 -j4 -N4 "$f"; done | sort -n | tail -1 | tr -d ' ')
	echo "  $(basename "$lib"): first ${first} ms, cached ${cached} ms (largest file: ${rows} rows)"
	kill $hold
	wait $hold 2>/dev/null || true
	hold=
done
