#!/bin/sh
# Folded stacks (-f folded), flame graphs (--flamegraph, --folded) and
# the profile recipe, with real BPF as root against flame_prog (a busy
# loop main -> fl_outer -> fl_middle -> fl_leaf, built with frame
# pointers). The folded stacks must hold that chain in order, the SVG
# must parse as XML and hold every folded frame at its share of the
# width (flame_check.py). One case per ctest test.
#   flame.sh ETRACE ETRACE_RUN FLAME_PROG CASE
set -u
etrace=$1
etrace_run=$2
F=$(readlink -f "$3")
case=$4
check=$(dirname "$(readlink -f "$0")")/flame_check.py
CHAIN=main,fl_outer,fl_middle,fl_leaf

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

# target: flame_prog in the background, its pid in $tp
target() {
	"$F" &
	tp=$!
	bg="$bg $tp"
	wait_exec "$tp" "$F"
}

# checked ARGS...: flame_check.py ARGS, its message on failure
checked() {
	python3 "$check" "$@" >"$tmp/check" 2>&1 ||
		fail "$(cat "$tmp/check")"
}

case $case in
folded)
	# -f folded: the stack map as folded lines on stdout, user frames
	# then kernel frames ("_[k]"), comm first; the map without stacks
	# left out with a warning; "Attaching" on stderr
	target
	run 0 -f folded -p "$tp" -e 'profile:hz:99 { @s[ustack, kstack, comm] = count(); @n = count(); }
		interval:s:3 { exit(); }'
	has "$err" 'Attaching 2 probes'
	has "$err" 'warning: @n is not keyed by a stack'
	grep -q Attaching "$out" && fail "Attaching on stdout"
	checked "$out" --first flame_prog --chain "$CHAIN"
	# ustack only, sum(): counts are the sums
	run 0 -f folded -p "$tp" -e 'profile:hz:99 { @[ustack] = sum(2); }
		interval:s:2 { exit(); }'
	checked "$out" --chain "$CHAIN"
	awk '{ if ($NF % 2) bad = 1 } END { exit bad }' "$out" ||
		fail "a sum(2) that is odd"
	;;
flamegraph)
	# --flamegraph and --folded next to the normal text output
	target
	run 0 -p "$tp" --flamegraph "$tmp/g.svg" --folded "$tmp/g.folded" \
		-e 'profile:hz:99 { @[kstack, ustack, comm] = count(); }
		interval:s:3 { exit(); }'
	has "$out" '^@\['
	has "$err" "wrote the flame graph $tmp/g.svg"
	checked "$tmp/g.folded" "$tmp/g.svg" --first flame_prog \
		--chain "$CHAIN"
	if command -v xmllint >/dev/null; then
		xmllint --noout "$tmp/g.svg" 2>"$tmp/x" ||
			fail "xmllint: $(cat "$tmp/x")"
	fi
	# two stack maps: each under a root frame named after it
	run 0 -q -p "$tp" --folded "$tmp/two.folded" \
		-e 'profile:hz:99 { @a[ustack] = count(); @b[ustack] = count(); }
		interval:s:2 { exit(); }'
	checked "$tmp/two.folded" --chain "$CHAIN"
	for m in @a @b; do
		grep -q "^$m;.*main;fl_outer;fl_middle;fl_leaf " \
			"$tmp/two.folded" || fail "no $m;...;fl_leaf line"
	done
	grep -q "wrote" "$err" && fail "-q: 'wrote' said on stderr"
	# two ustacks in one probe walk no Python frames, and say so
	has "$err" "This probe has 2 ustack expressions: they show native frames only"
	;;
svg_script)
	# the SVG's own script, run by node on a stand-in DOM: zoom on
	# fl_middle, search for fl_leaf, Reset Zoom, Ctrl-F (flame_js.js)
	command -v node >/dev/null || skip "node (Debian nodejs) is not installed"
	target
	run 0 -q -p "$tp" --flamegraph "$tmp/g.svg" --folded "$tmp/g.folded" \
		-e 'profile:hz:99 { @[ustack, kstack, comm] = count(); }
		interval:s:2 { exit(); }'
	checked "$tmp/g.folded" "$tmp/g.svg" --dom "$tmp/dom.json"
	node "$(dirname "$check")/flame_js.js" "$tmp/dom.json" fl_middle \
		'^fl_(leaf|middle)$' >"$tmp/js" 2>&1 || fail "$(cat "$tmp/js")"
	;;
recipe)
	# etrace profile -p PID -- --duration=2: both files in the current
	# directory, the chain in them
	target
	mkdir "$tmp/cwd"
	(cd "$tmp/cwd" && timeout 60 "$etrace" -p "$tp" profile \
		-- --duration=2 >"$out" 2>"$err") || fail "profile failed"
	has "$out" 'Sampling on-CPU stacks at 49 Hz'
	has "$err" 'wrote the flame graph etrace-profile.svg'
	checked "$tmp/cwd/etrace-profile.folded" "$tmp/cwd/etrace-profile.svg" \
		--first flame_prog --chain "$CHAIN"
	# other names on the command line
	run 0 -p "$tp" --flamegraph "$tmp/p.svg" --folded "$tmp/p.folded" \
		profile -- --duration=1
	checked "$tmp/p.folded" "$tmp/p.svg" --chain "$CHAIN"
	;;
recipe_idle)
	# -p a process that sleeps: --duration still ends the run (the
	# interval that counts the seconds is no event of the process), and
	# the files hold no sample
	sleep 300 &
	sp=$!
	bg="$bg $sp"
	mkdir "$tmp/cwd"
	(cd "$tmp/cwd" && timeout 30 "$etrace" -p "$sp" profile \
		-- --duration=1 >"$out" 2>"$err") || fail "profile -p did not end"
	has "$err" 'wrote the flame graph etrace-profile.svg (0 samples)'
	[ -s "$tmp/cwd/etrace-profile.folded" ] && fail "samples of a sleeper"
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
		"$tmp/cwd/etrace-profile.svg" 2>"$tmp/x" || fail "SVG: $(cat "$tmp/x")"
	;;
recipe_aot)
	# the file names travel in the compiled program: etrace-run writes
	# them too
	target
	run 0 --compile-only -o "$tmp/p.eto" profile
	mkdir "$tmp/cwd"
	(cd "$tmp/cwd" && timeout 60 "$etrace_run" -p "$tp" "$tmp/p.eto" \
		-- --duration=1 >"$out" 2>"$err") || fail "etrace-run failed"
	checked "$tmp/cwd/etrace-profile.folded" "$tmp/cwd/etrace-profile.svg" \
		--chain "$CHAIN"
	;;
no_stacks)
	# no map keyed by a stack: a warning, an empty graph that parses
	run 0 --flamegraph "$tmp/e.svg" -e 'BEGIN { @x = count(); exit(); }'
	has "$err" 'no map is keyed by a stack'
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
		"$tmp/e.svg" 2>"$tmp/x" || fail "empty SVG: $(cat "$tmp/x")"
	# a file that cannot be written: exit 1, said
	run 1 --flamegraph /nonexistent/dir/e.svg -e 'BEGIN { exit(); }'
	has "$err" "cannot write the flame graph '/nonexistent/dir/e.svg'"
	;;
bad_format)
	run 2 -f svg -e 'BEGIN { exit(); }'
	has "$err" "expected text, json or folded"
	;;
*)
	fail "unknown case"
	;;
esac
echo "ok [$case]"
