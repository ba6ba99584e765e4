#!/bin/sh
# The cost of tracing a Go function's calls (issue #16): the added time
# per call of an entry uprobe and a return probe (for Go: uprobes on the
# function's RET instructions; for C: a uretprobe) on a Go function and
# on the same C function, each counting into a map. A measurement, never
# a test: it prints the figures and exits 0 (1 when it cannot run).
# Needs root and the Go toolchain.
#   tests/bench/go-cost.sh [ETRACE]
# Environment: N (calls per run, 2000000), RUNS (5; the median is kept).
set -u
ETRACE=$(realpath "${1:-build/etrace}")
N=${N:-2000000} RUNS=${RUNS:-5}
[ "$(id -u)" = 0 ] || { echo "go-cost.sh: needs root" >&2; exit 1; }
GO=$(command -v go || echo /usr/lib/go/bin/go)
[ -x "$GO" ] || { echo "go-cost.sh: no Go toolchain" >&2; exit 1; }
tmp=$(mktemp -d /tmp/go-cost.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/hot.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func hot(i int) int { return i*3 + 1 }

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	s := 0
	for i := 0; i < n; i++ {
		s += hot(i)
	}
	fmt.Println(s)
}
GO
cat >"$tmp/hot.c" <<'C'
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) long hot(long i)
{
	__asm__ volatile("" ::: "memory");
	return i * 3 + 1;
}

int main(int argc, char **argv)
{
	long n = atol(argv[1]), s = 0;

	for (long i = 0; i < n; i++)
		s += hot(i);
	printf("%ld\n", s);
	return 0;
}
C
GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off GOFLAGS= \
	"$GO" build -o "$tmp/hot_go" "$tmp/hot.go" || exit 1
cc -O2 -o "$tmp/hot_c" "$tmp/hot.c" || exit 1

# ns: nanoseconds of one run of the command
ns() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $(($(date +%s%N) - t0))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# per_call BIN FUNC: ns per call added by entry + return probes
per_call() {
	bin=$1 fn=$2
	plain=$(for _ in $(seq "$RUNS"); do ns "$bin" "$N"; done | median)
	traced=$(for _ in $(seq "$RUNS"); do
		ns "$ETRACE" -q -c "$bin $N" -e "uprobe:$bin:$fn { @e = count(); } uretprobe:$bin:$fn { @r = count(); }"
	done | median)
	# the traced run includes etrace's start (compile, load, attach)
	start=$(for _ in $(seq "$RUNS"); do
		ns "$ETRACE" -q -c "$bin 1" -e "uprobe:$bin:$fn { @e = count(); } uretprobe:$bin:$fn { @r = count(); }"
	done | median)
	echo $(((traced - start - plain) / N))
}

go=$(per_call "$tmp/hot_go" main.hot)
c=$(per_call "$tmp/hot_c" hot)
printf 'entry+return probes, added ns per call (N=%d, median of %d runs)\n' \
	"$N" "$RUNS"
printf '  Go function (uprobes on its RETs): %6d ns\n' "$go"
printf '  C function (uretprobe):            %6d ns\n' "$c"
exit 0
