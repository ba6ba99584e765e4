#!/bin/sh
# Symbols of stripped binaries, func after exit and ustack source lines
# (real BPF, as root): one case per ctest test.
#   symbols.sh ETRACE UPROBE_PROGS VARIANTS UPROBE_C_SOURCE CASE
# UPROBE_PROGS holds uprobe_c_pie (tests/progs/uprobe/progs.cmake);
# VARIANTS its stripped copies of tests/progs/symbols/mkvariants.sh. Each
# case traces private copies (in $tmp: no other test's run of the same
# file adds events), by name on et_local_helper, a static function only
# .symtab names, called twice per iteration: the stripped copy with its
# source must print what the original prints.
# Exit 77: not root.
set -u
etrace=$1
progs=$(readlink -f "$2")
variants=$(readlink -f "$3")
source_c=$4
case=$5

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

# no separate source but the one a case sets up
unset DEBUGINFOD_URLS
export ETRACE_DEBUG_ROOT="$tmp/no-debug-root"
mkdir -p "$tmp/v" "$tmp/orig"
cp -r "$variants/." "$tmp/v/"
cp "$progs/uprobe_c_pie" "$tmp/orig/prog"
V=$tmp/v
build_id=$(readelf -n "$tmp/orig/prog" | awk '/Build ID/ { print $3 }')

PROG='uprobe:BIN:et_local_helper { @[func, usym(reg("ip"))] = count(); @s[ustack(3)] = count(); }'

# trace BIN: the program above on BIN run 3 times (-c)
trace() {
	run 0 -c "$1 3" -e "$(echo "$PROG" | sed "s|BIN|$1|")"
}

# symbolized BIN: BIN's output equals the original's, names and all
symbolized() {
	trace "$tmp/orig/prog"
	grep -v '^Attaching' "$out" | LC_ALL=C sort >"$tmp/want.sorted"
	has "$out" '^@\[et_local_helper, et_local_helper\]: 6$'
	has "$out" '^    et_handle_request+[0-9]*$'
	has "$out" '^    main+[0-9]*$'
	trace "$1"
	grep -v '^Attaching' "$out" | LC_ALL=C sort >"$tmp/got.sorted"
	cmp -s "$tmp/want.sorted" "$tmp/got.sorted" ||
		fail "$1 differs: $(diff "$tmp/want.sorted" "$tmp/got.sorted")"
}

# not_found BIN TRIED: BIN has no et_local_helper; the error lists TRIED
not_found() {
	run 1 -c "$1 1" -e "$(echo "$PROG" | sed "s|BIN|$1|")"
	printf "stdin:1:1: error: No symbol 'et_local_helper' in %s (tried %s)\n" \
		"$1" "$2" >"$tmp/want"
	head -1 "$err" | cmp -s "$tmp/want" - ||
		fail "error: $(head -1 "$err"), expected $(cat "$tmp/want")"
}

NONE_BID="build-id debug file: none in $tmp/no-debug-root"
NONE_REST=".gnu_debugdata: none, debuginfod: DEBUGINFOD_URLS unset"

# A free TCP port for debuginfod: the server is started on one and
# retried on another when it could not listen there.
start_debuginfod() {
	mkdir -p "$tmp/srv"
	cp "$V/prog.debug" "$tmp/srv/"
	for _ in 1 2 3 4 5; do
		port=$(shuf -i 20000-60000 -n 1)
		debuginfod -F "$tmp/srv" -p "$port" -d "$tmp/debuginfod.sqlite" \
			>"$tmp/debuginfod.log" 2>&1 &
		dpid=$!
		bg="$bg $dpid"
		# ready once it has scanned the debug file and serves it
		for _ in $(seq 1 1200); do
			kill -0 "$dpid" 2>/dev/null || break
			curl -sf -o /dev/null \
				"http://127.0.0.1:$port/buildid/$build_id/debuginfo" &&
				return 0
			sleep 0.05
		done
		kill "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
	done
	fail "debuginfod did not serve: $(cat "$tmp/debuginfod.log")"
}

# check_lines: every user frame of stdout "name+off (file:line)" has the
# line addr2line(1) gives for its address (a caller's: the byte before
# its return address), and there are such frames
check_lines() {
	bin=$1
	n=0
	grep '^    [a-z_]*+[0-9]* (' "$out" | sort -u >"$tmp/frames"
	while read -r sym line; do
		name=${sym%+*}
		off=${sym#*+}
		start=$(nm "$bin" | awk -v n="$name" '$3 == n { print $1 }')
		[ -n "$start" ] || fail "no symbol $name in $bin"
		addr=$((0x$start + off))
		[ "$off" = 0 ] || addr=$((addr - 1))
		want=$(addr2line -e "$bin" "$(printf '0x%x' "$addr")" |
		       sed 's| (discriminator [0-9]*)||; s|.*/||')
		[ "$line" = "($want)" ] ||
			fail "$sym: $line, addr2line says $want"
		n=$((n + 1))
	done <"$tmp/frames"
	[ "$n" -ge 4 ] || fail "$n frames with lines"
}

case $case in
build_id)
	# stripped; its debug file in ROOT/.build-id/xx/yyyy.debug
	export ETRACE_DEBUG_ROOT="$V/root"
	symbolized "$V/bid"
	# uaddr of a data symbol only the debug file names
	run 0 -c "$V/bid 1" -e "uprobe:$V/bid:et_add { printf(\"c=%d\\n\", *(int32 *)uaddr(\"et_counter\")); }"
	lines '6\nc=42\n'
	;;
no_source)
	# stripped and no source: the error names every source tried
	not_found "$V/bid" ".symtab: none, .dynsym, $NONE_BID, .gnu_debuglink: none, $NONE_REST"
	;;
debuglink)
	# .gnu_debuglink: the debug file beside the binary
	symbolized "$V/dl"
	;;
debuglink_dotdebug)
	# ... in the binary's directory's .debug/
	symbolized "$V/dotdebug/dl"
	;;
debuglink_root)
	# ... in ROOT/<the binary's directory>/
	mkdir -p "$tmp/root$V/rootdl"
	cp "$V/prog.debug" "$tmp/root$V/rootdl/"
	export ETRACE_DEBUG_ROOT="$tmp/root"
	symbolized "$V/rootdl/dl"
	;;
debuglink_crc)
	# a file of that name whose CRC32 is not the link's is not used
	not_found "$V/badcrc/dl" ".symtab: none, .dynsym, $NONE_BID, .gnu_debuglink: prog.debug has another CRC, $NONE_REST"
	;;
minidebuginfo)
	# .gnu_debugdata: an xz-compressed .symtab inside the binary
	symbolized "$V/mdi"
	;;
debuginfod)
	# a debuginfod server this test starts, serving the debug file
	command -v debuginfod >/dev/null && command -v curl >/dev/null ||
		skip "needs debuginfod and curl (apt-get install debuginfod curl)"
	start_debuginfod
	export DEBUGINFOD_URLS="http://127.0.0.1:$port"
	export DEBUGINFOD_CACHE_PATH="$tmp/cache"
	symbolized "$V/bid"
	# it came from the server: the client cached it
	[ -s "$tmp/cache/$build_id/debuginfo" ] ||
		fail "nothing in the debuginfod cache: $(ls -R "$tmp/cache")"
	;;
func_after_exit)
	# func is printed once the child has exited: its mappings were kept
	# at its exit as for ustack/usym (etrace before this printed
	# @[0x55...]: 3)
	run 0 -c "$tmp/orig/prog 3" -e "uprobe:$tmp/orig/prog:et_add { @[func] = count(); } uprobe:$tmp/orig/prog:et_handle_request { @r[func] = count(); }"
	lines '39\n@[et_add]: 3\n@r[et_handle_request]: 3\n'
	;;
stack_lines)
	# config stack_lines: "name+off (file.c:line)", the lines addr2line
	# gives
	run 0 -c "$tmp/orig/prog 2" -e "config = { stack_lines = true } uprobe:$tmp/orig/prog:et_local_helper { @s[ustack(3)] = count(); }"
	has "$out" "^    et_local_helper+0 ($(basename "$source_c"):[0-9]*)$"
	has "$out" "^    et_handle_request+[0-9]* (uprobe_c.c:$(grep -n 'return et_local_helper(id) + 1' "$source_c" | cut -d: -f1))$"
	has "$out" "^    et_handle_response+[0-9]* (uprobe_c.c:$(grep -n 'return et_local_helper(id) - 1' "$source_c" | cut -d: -f1))$"
	check_lines "$tmp/orig/prog"
	;;
stack_lines_debug_file)
	# ETRACE_STACK_LINES=1; the lines of a stripped binary from its
	# build-id debug file
	export ETRACE_STACK_LINES=1 ETRACE_DEBUG_ROOT="$V/root"
	run 0 -c "$V/bid 2" -e "uprobe:$V/bid:et_local_helper { @s[ustack(3)] = count(); }"
	check_lines "$tmp/orig/prog"
	;;
stack_lines_off)
	# without the setting, frames are bpftrace's "name+off"
	run 0 -c "$tmp/orig/prog 2" -e "uprobe:$tmp/orig/prog:et_local_helper { @s[ustack(3)] = count(); }"
	has "$out" '^    et_local_helper+0$'
	grep -q 'uprobe_c\.c' "$out" && fail "a source line without stack_lines"
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
