#!/bin/sh
# Span blocks (SPEC 3.3) for real (BPF, as root) against the calls of
# tests/progs/spans/span_target, whose pattern each case knows: begin and
# end paired by key, nesting (a child's parent id and trace id), expiry
# and overflow counted, events kept and dropped, many threads,
# traceparent() joining a given trace, function spans under recursion,
# text and JSON records, an artifact run by etrace-run, event attributes,
# span.id/trace_id/duration/start read at the end, a begin on an open key
# counted, a server span a root. The JSON records
# are checked field by field (tests/runtime/spans_check.py).
#   spans.sh ETRACE TARGET CASE
# Exit 77: not root.
set -u
etrace=$1
T=$2
case=$3

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"
check="python3 $(dirname "$0")/spans_check.py"

# check ARGS: the JSON records of $out against spans_check.py's rules
jcheck() {
	$check "$out" "$@" >"$tmp/why" 2>&1 ||
		fail "$(cat "$tmp/why")"
}

case $case in
pairing)
	# begin at outer(i) for even i, end at inner(i): keyed by (tid,
	# comm, i), a string among integers
	run 0 -f json -c "$T nest 6" -e "span p {
	key (tid, comm, arg0);
	begin uprobe:$T:outer /arg0 % 2 == 0/ { span.i = arg0; span.who = comm; }
	end uprobe:$T:inner { span.seen = arg0; }
}"
	jcheck pairing
	has "$out" '"unmatched_end": 3'
	;;
text)
	run 0 -q -c "$T nest 3" -e "span p {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; span.kind = server; }
	end uretprobe:$T:outer { span.status = error; }
}"
	n=$(grep -c '^span p trace=[0-9a-f]\{32\} id=[0-9a-f]\{16\} parent=- duration_ns=[0-9]* pid=[0-9]* tid=[0-9]* comm=span_target kind=server status=error i=[0-2]$' "$out")
	[ "$n" = 3 ] || fail "3 span lines wanted, $n found"
	grep -q '^Attaching' "$out" && fail "-q printed Attaching"
	grep -v '^span p\|^$' "$out" && fail "other lines in stdout"
	;;
status)
	# span.status_message: the status's description, on the span that
	# set it only, in text and JSON (not among the attributes)
	P="span p {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; }
	end uretprobe:$T:outer { if (span.i == 1) { span.status = error;
		span.status_message = \"outer(1) \\\"failed\\\"\"; } }
}"
	run 0 -q -c "$T nest 3" -e "$P"
	[ "$(grep -c '^span p .* i=[02]$' "$out")" = 2 ] || fail "2 plain spans"
	grep -q '^span p .* status=error status_message="outer(1) "failed"" i=1$' "$out" ||
		fail "no span i=1 with its status message"
	[ "$(grep -c status_message "$out")" = 1 ] || fail "one message"
	run 0 -q -f json -c "$T nest 3" -e "$P"
	grep -q '"status": "error", .*"comm": "span_target", "status_message": "outer(1) \\"failed\\"", "attrs": {"i": 1}' "$out" ||
		fail "no JSON span i=1 with its status message"
	[ "$(grep -c status_message "$out")" = 1 ] || fail "one message"
	;;
nesting)
	run 0 -f json -c "$T nest 4" -e "span outer {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; }
	end uretprobe:$T:outer { }
}
span inner {
	key (tid);
	begin uprobe:$T:inner { span.i = arg0; }
	end uretprobe:$T:inner { @d[span.id] = span.duration; }
}"
	jcheck nesting 4
	;;
expiry)
	# five instances never ended; older than span_timeout when etrace
	# ends, the sweep deletes and counts them. No -c: the process runs
	# after attaching; a copy of the target, so that the other cases'
	# runs (ctest -j) are not traced
	cp "$T" "$tmp/target"
	T=$tmp/target
	start -f json -e "config = { span_timeout = 100ms }
span o {
	key (tid, arg0);
	begin uprobe:$T:opened { }
	end uprobe:$T:note { }
}"
	wait_links 2 # "Attaching" comes before the attaching
	"$T" open 5 || fail "span_target failed"
	sleep 0.5
	kill -INT "$bg"
	wait_bg 0
	has "$out" '"expired": 5'
	grep -q '"type": "span",' "$out" && fail "an expired span was printed"
	start -e "config = { span_timeout = 100ms }
span o {
	key (tid, arg0);
	begin uprobe:$T:opened { }
	end uprobe:$T:note { }
}"
	wait_links 2
	"$T" open 2 || fail "span_target failed"
	sleep 0.5
	kill -INT "$bg"
	wait_bg 0
	has "$err" '^etrace: 2 spans expired'
	;;
overflow)
	run 0 -c "$T open 10" -e "config = { span_max = 3 }
span o {
	key (tid, arg0);
	begin uprobe:$T:opened { }
	end uprobe:$T:note { }
}"
	has "$err" '^etrace: 7 span begins refused: the instance map was full (span_max)'
	has "$err" '^etrace: 3 spans still open at exit'
	run 0 -f json -c "$T open 10" -e "config = { span_max = 3 }
span o {
	key (tid, arg0);
	begin uprobe:$T:opened { }
	end uprobe:$T:note { }
}"
	has "$out" '{"type": "spans_dropped", "data": {"overflow": 7}}'
	;;
events)
	# 10 notes in each of 2 spans: 8 kept, 2 dropped per span
	run 0 -f json -c "$T events 2 10" -e "span o {
	key (tid);
	begin uprobe:$T:outer { }
	end uretprobe:$T:outer { }
	event note=uprobe:$T:note { }
}"
	jcheck events 2 8 2 note
	has "$out" '"dropped_events": 4}}'
	;;
event_attrs)
	# event.NAME = expr: each event with the attributes its probe set
	# (integers, signed, strings, one set on some events only; an event
	# probe without any between them), in JSON, and on the text line
	# through an artifact that etrace-run runs
	cat >"$tmp/p.et" <<EOF
span o {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; }
	end uretprobe:$T:outer { }
	event in=uprobe:$T:inner { event.i = arg0; event.tag = "inner"; }
	event note=uprobe:$T:note { \$k = (int64)arg0; event.k = \$k;
		event.sq = \$k * \$k - 3; event.who = comm;
		if (arg0 % 2 == 1) { event.odd = "yes"; } }
	event plain=uprobe:$T:note /arg0 == 1/ { }
}
EOF
	run 0 -f json -c "$T events 3 10" "$tmp/p.et"
	jcheck event_attrs 3
	has "$out" '"dropped_events": 4}}'
	run 0 --compile-only -o "$tmp/p.eto" "$tmp/p.et"
	etrace=$(dirname "$etrace")/etrace-run
	run 0 -q -c "$T events 2 10" "$tmp/p.eto"
	n=$(grep -c '^span o .* i=[01] event=in@+[0-9]*ns\[i=[01],tag="inner"\] event=note@+[0-9]*ns\[k=0,sq=-3,who="span_target"\] event=note@+[0-9]*ns\[k=1,sq=-2,who="span_target",odd="yes"\] event=plain@+[0-9]*ns event=note@+[0-9]*ns\[k=2,sq=1,who="span_target"\] event=note@+[0-9]*ns\[k=3,sq=6,who="span_target",odd="yes"\] event=note@+[0-9]*ns\[k=4,sq=13,who="span_target"\] event=note@+[0-9]*ns\[k=5,sq=22,who="span_target",odd="yes"\] dropped_events=4$' "$out")
	[ "$n" = 2 ] || fail "2 span lines with their events' attributes wanted, $n found"
	has "$out" '^span o .* i=0 event=in@+[0-9]*ns\[i=0,'
	has "$err" '^etrace: 8 span events dropped (more than 8 in one span)$'
	has "$out" '^span o .* i=1 event=in@+[0-9]*ns\[i=1,'
	;;
fields)
	# span.id, span.trace_id, span.duration and span.start read in the
	# end probe: the ids the record has, a duration within its own, the
	# begin's nsecs (the same distance from start_unix_ns in every span)
	run 0 -f json -c "$T nest 3" -e "span p {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; }
	end uretprobe:$T:outer { span.sid = span.id; span.tr = span.trace_id;
		span.dur = span.duration; span.st = span.start; }
}"
	jcheck fields 3
	;;
rebegun)
	# a begin whose key is open: the open instance kept (its
	# attributes), the new begin counted, never silent
	run 0 -q -c "$T nest 3" -e "span p {
	key (tid);
	begin uprobe:$T:outer { span.from = \"outer\"; span.i = arg0; }
	begin uprobe:$T:inner { span.from = \"inner\"; span.i = arg0 + 10; }
	end uretprobe:$T:outer { }
}"
	[ "$(grep -c '^span p .* from="outer" i=[0-2]$' "$out")" = 3 ] ||
		fail "3 spans of outer's begin wanted"
	grep -q 'from="inner"' "$out" && fail "the second begin replaced the open instance"
	has "$err" '^etrace: 3 span begins ignored: an instance with the same key was open$'
	;;
server)
	# a server span (span.kind = server) opened inside another span of
	# its thread is a root, not that span's child
	run 0 -f json -c "$T nest 3" -e "span outer {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; }
	end uretprobe:$T:outer { }
}
span srv {
	key (tid);
	begin uprobe:$T:inner { span.i = arg0; span.kind = server; }
	end uretprobe:$T:inner { span.status = ok; }
}"
	jcheck server 3
	;;
threads)
	run 0 -f json -c "$T threads 8 50" -e "span o {
	key (tid);
	begin uprobe:$T:outer { }
	end uretprobe:$T:outer { }
}
span i {
	key (tid);
	begin uprobe:$T:inner { }
	end uretprobe:$T:inner { }
}"
	jcheck threads 8 50
	;;
traceparent)
	printf 'GET / HTTP/1.1\r\nHost: x\r\nTraceParent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n' >"$tmp/with"
	printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' >"$tmp/without"
	prog="span h {
	key (tid);
	begin uprobe:$T:handle { span.found = traceparent(arg0, arg1); }
	end uretprobe:$T:handle { }
}
span in {
	key (tid);
	begin uprobe:$T:inner { }
	end uretprobe:$T:inner { }
}"
	run 0 -f json -c "$T header $tmp/with" -e "$prog"
	jcheck remote 0af7651916cd43dd8448eb211c80319c b7ad6b7169203331 1
	run 0 -f json -c "$T header $tmp/without" -e "$prog"
	jcheck remote - - 0
	;;
aot)
	# compiled, then run by etrace-run (no compiler): the block's
	# description travels in the artifact
	run 0 --compile-only -o "$tmp/p.eto" -e "span p {
	key (tid);
	begin uprobe:$T:outer { span.i = arg0; span.c = comm; }
	end uretprobe:$T:outer { }
}"
	etrace=$(dirname "$etrace")/etrace-run
	run 0 -f json -c "$T nest 3" "$tmp/p.eto"
	n=$(grep -c '"name": "p".*"attrs": {"i": [0-2], "c": "span_target"}' "$out")
	[ "$n" = 3 ] || fail "3 spans wanted from etrace-run, $n found"
	;;
stack)
	# a ustack attribute: its frames, symbolized, on the text line
	run 0 -c "$T nest 1" -e "span p {
	key (tid);
	begin uprobe:$T:inner { span.st = ustack; }
	end uretprobe:$T:inner { }
}"
	has "$out" '^span p .* st="inner+0;outer+[0-9]*;main+[0-9]*;.*"$'
	run 0 -f json -c "$T nest 1" -e "span p {
	key (tid);
	begin uprobe:$T:inner { span.st = ustack; }
	end uretprobe:$T:inner { }
}"
	has "$out" '"attrs": {"st": "\\n *inner+0\\n *outer+[0-9]*\\n *main+'
	;;
recursion)
	run 0 -f json -c "$T recurse 5" -e "uprobe:$T:rec { span(\"rec\"); span.depth = arg0; }"
	jcheck recursion 6
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
