#!/usr/bin/env python3
"""Checks the span records of an etrace -f json run (tests/runtime/spans.sh).
   spans_check.py OUT RULE ARGS...
Prints why and exits 1 when a rule does not hold."""
import json
import sys


def load(path):
    spans, other = [], []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            (spans if r["type"] == "span" else other).append(r)
    return [r["data"] for r in spans], other


def need(cond, why):
    if not cond:
        print(why)
        sys.exit(1)


def common(spans):
    for s in spans:
        need(len(s["trace_id"]) == 32 and int(s["trace_id"], 16) != 0,
             "bad trace id %r" % s)
        need(len(s["span_id"]) == 16 and int(s["span_id"], 16) != 0,
             "bad span id %r" % s)
        need(s["end_unix_ns"] >= s["start_unix_ns"], "ends before start")
        need(s["duration_ns"] == s["end_unix_ns"] - s["start_unix_ns"],
             "duration is not end - start")
        need(s["comm"] == "span_target", "comm %r" % s["comm"])
    ids = [s["span_id"] for s in spans]
    need(len(set(ids)) == len(ids), "span ids repeat")


def by_name(spans, name):
    return [s for s in spans if s["name"] == name]


def pairing(spans, _other):
    need([s["attrs"] for s in spans] ==
         [{"i": i, "who": "span_target", "seen": i} for i in (0, 2, 4)],
         "attrs: %r" % [s["attrs"] for s in spans])
    for s in spans:
        need(s["parent_span_id"] is None, "a root span has a parent")


def nesting(spans, _other, n):
    outer, inner = by_name(spans, "outer"), by_name(spans, "inner")
    need(len(outer) == int(n) and len(inner) == int(n),
         "%d outer, %d inner spans" % (len(outer), len(inner)))
    for o, i in zip(sorted(outer, key=lambda s: s["attrs"]["i"]),
                    sorted(inner, key=lambda s: s["attrs"]["i"])):
        need(o["parent_span_id"] is None, "outer has a parent")
        need(i["parent_span_id"] == o["span_id"],
             "inner's parent %s is not outer's id %s" %
             (i["parent_span_id"], o["span_id"]))
        need(i["trace_id"] == o["trace_id"], "inner in another trace")
        need(o["start_unix_ns"] <= i["start_unix_ns"] and
             i["end_unix_ns"] <= o["end_unix_ns"], "inner not inside outer")
    need(len(set(o["trace_id"] for o in outer)) == len(outer),
         "two roots share a trace")


def events(spans, _other, n, kept, dropped, name):
    need(len(spans) == int(n), "%d spans" % len(spans))
    for s in spans:
        need(len(s["events"]) == int(kept), "%d events" % len(s["events"]))
        need(s["dropped_events"] == int(dropped),
             "dropped %d" % s["dropped_events"])
        t = [e["time_unix_ns"] for e in s["events"]]
        need(all(e["name"] == name for e in s["events"]), "event names")
        need(t == sorted(t) and s["start_unix_ns"] <= t[0] and
             t[-1] <= s["end_unix_ns"], "event times outside the span")


def threads(spans, _other, nthreads, each):
    outer, inner = by_name(spans, "o"), by_name(spans, "i")
    total = int(nthreads) * int(each)
    need(len(outer) == total and len(inner) == total,
         "%d outer, %d inner, wanted %d" % (len(outer), len(inner), total))
    tids = {}
    for s in outer:
        tids[s["tid"]] = tids.get(s["tid"], 0) + 1
    need(sorted(tids.values()) == [int(each)] * int(nthreads),
         "spans per thread: %r" % tids)
    ids = {s["span_id"]: s for s in outer}
    for i in inner:
        o = ids.get(i["parent_span_id"])
        need(o is not None, "inner without its outer parent")
        need(o["tid"] == i["tid"] and o["trace_id"] == i["trace_id"],
             "inner under another thread's span")


def remote(spans, _other, trace, parent, found):
    h, inner = by_name(spans, "h"), by_name(spans, "in")
    need(len(h) == 1, "%d spans h" % len(h))
    h = h[0]
    need(h["attrs"] == {"found": int(found)}, "attrs %r" % h["attrs"])
    if trace == "-":
        need(h["parent_span_id"] is None and not h["remote_parent"],
             "a parent without traceparent")
        return
    need(h["trace_id"] == trace, "trace %s" % h["trace_id"])
    need(h["parent_span_id"] == parent, "parent %s" % h["parent_span_id"])
    need(h["remote_parent"], "remote_parent false")


def recursion(spans, _other, n):
    n = int(n)
    need(len(spans) == n, "%d spans, wanted %d" % (len(spans), n))
    d = {s["attrs"]["depth"]: s for s in spans}
    need(sorted(d) == list(range(n)), "depths %r" % sorted(d))
    for k in range(n - 1):
        child, parent = d[k], d[k + 1]
        need(child["parent_span_id"] == parent["span_id"],
             "rec(%d)'s parent is not rec(%d)" % (k, k + 1))
        need(child["trace_id"] == parent["trace_id"], "trace differs")
        need(parent["start_unix_ns"] <= child["start_unix_ns"] and
             child["end_unix_ns"] <= parent["end_unix_ns"],
             "rec(%d) not inside rec(%d)" % (k, k + 1))
    need(d[n - 1]["parent_span_id"] is None, "the outermost has a parent")


def event_attrs(spans, _other, n):
    """span_target events N 10 under spans.sh's event_attrs program:
    per outer(i) the events in(i), note(0), note(1), plain, note(2) ..
    note(5) kept, note(6) .. note(9) dropped; each event's attributes
    as its probe set them"""
    need(len(spans) == int(n), "%d spans" % len(spans))
    for s in spans:
        i = s["attrs"]["i"]
        want = [("in", {"i": i, "tag": "inner"})]
        for k in range(6):
            a = {"k": k, "sq": k * k - 3, "who": "span_target"}
            if k % 2:
                a["odd"] = "yes"
            want.append(("note", a))
            if k == 1:
                want.append(("plain", {}))
        got = [(e["name"], e["attrs"]) for e in s["events"]]
        need(got == want, "span i=%d events %r, wanted %r" % (i, got, want))
        need(s["dropped_events"] == 4, "dropped %d" % s["dropped_events"])
        t = [e["time_unix_ns"] for e in s["events"]]
        need(t == sorted(t) and s["start_unix_ns"] <= t[0] and
             t[-1] <= s["end_unix_ns"], "event times outside the span")
    need(sorted(s["attrs"]["i"] for s in spans) == list(range(int(n))),
         "span attrs %r" % [s["attrs"] for s in spans])


def fields(spans, _other, n):
    """span.id, span.trace_id, span.duration, span.start read in the end
    probe (spans.sh fields) against the record's own fields"""
    need(len(spans) == int(n), "%d spans" % len(spans))
    offs = set()
    for s in spans:
        a = s["attrs"]
        need(a["sid"] == int(s["span_id"], 16),
             "span.id %x, span_id %s" % (a["sid"], s["span_id"]))
        need(a["tr"] == s["trace_id"],
             "span.trace_id %s, trace_id %s" % (a["tr"], s["trace_id"]))
        need(0 < a["dur"] <= s["duration_ns"],
             "span.duration %d, duration_ns %d" % (a["dur"], s["duration_ns"]))
        need(a["st"] > 0, "span.start 0")
        offs.add(s["start_unix_ns"] - a["st"])
    need(len(offs) == 1, "span.start is not the begin's time: %r" % offs)
    need(sorted(s["attrs"]["i"] for s in spans) == list(range(int(n))),
         "attrs %r" % [s["attrs"] for s in spans])


def server(spans, _other, n):
    """spans.sh server: srv (kind server, status ok) inside outer, yet a
    root of its own trace"""
    outer, srv = by_name(spans, "outer"), by_name(spans, "srv")
    need(len(outer) == int(n) and len(srv) == int(n),
         "%d outer, %d srv spans" % (len(outer), len(srv)))
    traces = set(o["trace_id"] for o in outer)
    for s in srv:
        need(s["kind"] == "server" and s["status"] == "ok",
             "srv kind %s status %s" % (s["kind"], s["status"]))
        need(s["parent_span_id"] is None and not s["remote_parent"],
             "a server span has the parent %s" % s["parent_span_id"])
        need(s["trace_id"] not in traces, "a server span in outer's trace")
    for o in outer:
        need(o["kind"] == "unspecified" and o["status"] == "unset",
             "outer kind %s status %s" % (o["kind"], o["status"]))


def main():
    spans, other = load(sys.argv[1])
    common(spans)
    rule = globals()[sys.argv[2]]
    rule(spans, other, *sys.argv[3:])


main()
