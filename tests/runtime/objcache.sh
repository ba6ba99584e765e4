#!/bin/sh
# Runtime tests of the compiled-object cache (compiler/objcache.h), real
# BPF as root: one case per ctest test, each with its own cache directory
# (ETRACE_CACHE_DIR), never /var/cache/etrace.
#   objcache.sh ETRACE CASE
# Exit 77: not root.
set -u
etrace=$1
case=$2

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
cache=$tmp/cache
ETRACE_CACHE_DIR=$cache
export ETRACE_CACHE_DIR

prog='BEGIN { @n = 3; printf("begin %d\n", 7); exit(); }
END { printf("end %d\n", @n); }'
expect='Attaching 2 probes...\nbegin 7\nend 3\n\n\n@n: 3\n'

entries() { find "$cache" -name '*.eto' 2>/dev/null | wc -l; }

# the entry the last run named in its -v line
entry() {
	h=$(sed -n 's/.*BPF object .*(\([0-9a-f]\{16\}\)).*/\1/p' "$err" |
		head -1)
	[ -n "$h" ] || fail "no cache key in the -v output"
	echo "$cache/$h.eto"
}

# cold then warm: the same output, the second from the cache
hit() {
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "BPF object compiled and cached ("
	[ "$(entries)" = 1 ] || fail "$(entries) entries after one run"
	[ "$(stat -c %a "$cache")" = 700 ] || fail "cache dir not 0700"
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "BPF object from cache ("
	[ "$(entries)" = 1 ] || fail "$(entries) entries after a hit"
}

# the object of a hit is byte for byte the one a compile makes
same_object() {
	run 0 --no-cache -v --emit-elf "$tmp/compiled.o" -e "$prog"
	has "$err" "BPF object cache off: --no-cache"
	[ "$(entries)" = 0 ] || fail "--no-cache stored an entry"
	run 0 --emit-elf "$tmp/cold.o" -e "$prog"
	run 0 -v --emit-elf "$tmp/warm.o" -e "$prog"
	has "$err" "BPF object from cache ("
	cmp "$tmp/compiled.o" "$tmp/warm.o" || fail "cached object differs"
	cmp "$tmp/compiled.o" "$tmp/cold.o" || fail "stored object differs"
}

# another program or -p is another module: a miss
miss_on_change() {
	run 0 -v -e "$prog"
	has "$err" "compiled and cached"
	run 0 -v -e "$(printf "%s" "$prog" | sed 's/7/8/')"
	has "$err" "compiled and cached"
	same 'Attaching 2 probes...\nbegin 8\nend 3\n\n\n@n: 3\n'
	p='tracepoint:syscalls:sys_enter_getppid { @ = count(); }
BEGIN { exit(); }'
	run 0 -v -e "$p"
	has "$err" "compiled and cached"
	run 0 -v -p $$ -e "$p"
	has "$err" "compiled and cached"
	run 0 -v -p $$ -e "$p"
	has "$err" "from cache"
	run 0 -v -e "$prog"
	has "$err" "from cache"
	[ "$(entries)" = 4 ] || fail "$(entries) entries, expected 4"
}

# a damaged entry is a miss: compiled again, same output, repaired
corrupt() {
	run 0 -v -e "$prog"
	e=$(entry)
	size=$(stat -c %s "$e")
	# flip the last byte (in the object), then cut the file short
	last=$(tail -c 1 "$e" | od -An -tu1 | tr -d ' ')
	printf "\\$(printf %03o $(((last + 1) % 256)))" |
		dd of="$e" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "compiled and cached (.*damaged entry"
	run 0 -v -e "$prog"
	has "$err" "from cache"
	truncate -s $((size / 2)) "$e"
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "damaged entry"
	head -c 100 /dev/urandom >"$e"
	run 0 -v -e "$prog"
	same "$expect"
	run 0 -v -e "$prog"
	has "$err" "from cache"
}

# no usable cache never fails a run: -v says why
off() {
	ETRACE_CACHE_DIR=
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "BPF object cache off: ETRACE_CACHE_DIR is empty"
	ETRACE_CACHE_DIR=$cache
	mkdir -m 777 "$cache"
	chmod 777 "$cache"
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "cache off: .* is writable by group or others"
	[ "$(entries)" = 0 ] || fail "stored into a world-writable dir"
	rmdir "$cache"
	: >"$cache" # a file, not a directory
	run 0 -v -e "$prog"
	same "$expect"
	has "$err" "BPF object cache off: "
	rm "$cache"
	for o in --dry-run "-d ir" "--emit-llvm $tmp/x.ll"; do
		# shellcheck disable=SC2086
		run 0 -v $o -e "$prog"
		[ "$(entries)" = 0 ] || fail "$o stored an entry"
	done
}

"$case"
echo "ok [$case]"
