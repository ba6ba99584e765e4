#!/usr/bin/env python3
"""Checks what the OTLP receiver (receiver.js) decoded against what etrace
itself said (tests/runtime/otlp.sh).

  check.py traces RECV ETRACE_JSON PROTO EXE [SERVICE]
      every span of etrace's -f json output arrived exactly once, every
      field equal (ids, parent, name, kind, times, attributes, thread,
      status, flags, events), in requests of content type PROTO
      (protobuf|json; PROTO:none, not compressed, else gzip-compressed),
      with the resource of its process
      (process.executable.name EXE, service.name SERVICE or EXE,
      host.name, process.pid) and the scope etrace; requests without the
      scope etrace are another exporter's, left alone
  check.py metrics RECV EXPECT_JSON
      the last /v1/metrics request has the families of EXPECT_JSON:
      {"name": {"type": "sum"|"gauge"|"histogram", "monotonic": bool,
                "points": [[{label: value}, value]],
                "buckets": [[{label: value}, {bound: count}, count, sum]]}}
      (a histogram point's sum is checked when the expectation has one)
  check.py count RECV PATH      requests to PATH, and the spans in them
  check.py request RECV PATH KEY=VALUE...
      every request to PATH (at least one) has KEY: VALUE, where KEY is
      a field the receiver logs (authorization, tenant, contentType) or
      resource.NAME, a resource attribute of every resource in it
  check.py times RECV PATH      the ms between PATH's requests
"""
import json
import socket
import sys

CT = {"protobuf": "application/x-protobuf", "json": "application/json"}


def fail(msg):
    print("check: " + msg)
    sys.exit(1)


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def value(v):
    for k in ("stringValue", "boolValue", "doubleValue"):
        if k in v:
            return v[k]
    if "intValue" in v:
        return int(v["intValue"])
    return None


def attrs(lst):
    return {a["key"]: value(a.get("value", {})) for a in lst or []}


def requests(recv, path):
    reqs = [r for r in recv if r["path"] == path]
    for r in reqs:
        if "error" in r:
            fail(f"{path}: the receiver could not decode a request: {r['error']}")
    return reqs


def traces(recv_path, etrace_path, proto, exe, service):
    recv = load(recv_path)
    proto, _, enc = proto.partition(":")
    enc = "" if enc == "none" else "gzip"
    want = [r["data"] for r in load(etrace_path) if r.get("type") == "span"]
    got = {}
    for r in requests(recv, "/v1/traces"):
        scopes = {ss.get("scope", {}).get("name")
                  for rs in r.get("body", {}).get("resourceSpans", [])
                  for ss in rs.get("scopeSpans", [])}
        if r["answered"] == 200 and "etrace" not in scopes:
            continue  # another exporter's (the SDK's, in "distributed")
        if r["contentType"] != CT[proto]:
            fail(f"Content-Type {r['contentType']}, expected {CT[proto]}")
        if r["contentEncoding"] != enc:
            fail(f"Content-Encoding {r['contentEncoding']!r}, expected {enc!r}")
        if r["answered"] != 200:
            continue
        for rs in r["body"].get("resourceSpans", []):
            res = attrs(rs.get("resource", {}).get("attributes"))
            for ss in rs.get("scopeSpans", []):
                sc = ss.get("scope", {})
                if sc.get("name") != "etrace" or not sc.get("version"):
                    fail(f"scope {sc}")
                for s in ss.get("spans", []):
                    if s["spanId"] in got:
                        fail(f"span {s['spanId']} arrived twice")
                    got[s["spanId"]] = (s, res)
    if not want:
        fail("etrace reported no span")
    if len(got) != len(want):
        fail(f"{len(got)} spans arrived, etrace completed {len(want)}")
    host = socket.gethostname()
    kinds = {"unspecified": 0, "internal": 1, "server": 2, "client": 3,
             "producer": 4, "consumer": 5}
    statuses = {"unset": 0, "ok": 1, "error": 2}
    for w in want:
        if w["span_id"] not in got:
            fail(f"span {w['span_id']} never arrived")
        s, res = got[w["span_id"]]
        exp_res = {"service.name": service or exe, "host.name": host,
                   "process.pid": w["pid"], "process.executable.name": exe}
        for k, v in exp_res.items():
            if res.get(k) != v:
                fail(f"resource {k} = {res.get(k)!r}, expected {v!r}")
        a = attrs(s.get("attributes"))
        exp_attrs = dict(w["attrs"])
        exp_attrs["thread.id"] = w["tid"]
        exp_attrs["thread.name"] = w["comm"]
        checks = {
            "traceId": w["trace_id"],
            "parentSpanId": w["parent_span_id"] or None,
            "name": w["name"],
            "kind": kinds[w["kind"]],
            "startTimeUnixNano": str(w["start_unix_ns"]),
            "endTimeUnixNano": str(w["end_unix_ns"]),
            "flags": 0x100 | (0x200 if w["remote_parent"] else 0) | 1,
        }
        for k, v in checks.items():
            if s.get(k, 0 if k == "kind" else None) != v:
                fail(f"span {w['span_id']} {k} = {s.get(k)!r}, expected {v!r}")
        if a != exp_attrs:
            fail(f"span {w['span_id']} attributes {a}, expected {exp_attrs}")
        code = s.get("status", {}).get("code", 0)
        if code != statuses[w["status"]]:
            fail(f"span {w['span_id']} status {code}, expected {w['status']}")
        msg = s.get("status", {}).get("message") or None
        if msg != w.get("status_message"):
            fail(f"span {w['span_id']} status message {msg!r}, "
                 f"expected {w.get('status_message')!r}")
        evs = [(e["name"], int(e["timeUnixNano"]), attrs(e.get("attributes")))
               for e in s.get("events", [])]
        wevs = [(e["name"], e["time_unix_ns"], e.get("attrs", {}))
                for e in w.get("events", [])]
        if evs != wevs:
            fail(f"span {w['span_id']} events {evs}, expected {wevs}")
        if s.get("droppedEventsCount", 0) != w.get("dropped_events", 0):
            fail(f"span {w['span_id']} droppedEventsCount")
    print(f"check: {len(want)} spans, every field as etrace printed them")


def metrics(recv_path, expect_path):
    reqs = [r for r in requests(load(recv_path), "/v1/metrics")
            if r["answered"] == 200]
    if not reqs:
        fail("no metrics arrived")
    with open(expect_path) as f:
        expect = json.load(f)
    body = reqs[-1]["body"]
    fams = {}
    for rm in body.get("resourceMetrics", []):
        for sm in rm.get("scopeMetrics", []):
            for m in sm.get("metrics", []):
                fams[m["name"]] = m
    for name, e in expect.items():
        m = fams.get(name)
        if not m:
            fail(f"no metric {name} (got {sorted(fams)})")
        if e["type"] not in m:
            fail(f"{name} is not a {e['type']}: {m}")
        d = m[e["type"]]
        if e["type"] in ("sum", "histogram") and d.get("aggregationTemporality") != 2:
            fail(f"{name}: not cumulative")
        if e["type"] == "sum" and d.get("isMonotonic", False) != e["monotonic"]:
            fail(f"{name}: isMonotonic {d.get('isMonotonic')}")
        pts = d.get("dataPoints", [])
        if e["type"] != "histogram":
            got = sorted((json.dumps(attrs(p.get("attributes")), sort_keys=True),
                          int(p["asInt"]) if "asInt" in p else p.get("asDouble"))
                         for p in pts)
            want = sorted((json.dumps(l, sort_keys=True), v) for l, v in e["points"])
            if got != want:
                fail(f"{name}: points {got}, expected {want}")
            continue
        got = []
        for p in pts:
            bounds = p.get("explicitBounds", [])
            counts = [int(c) for c in p.get("bucketCounts", [])]
            if len(counts) != len(bounds) + 1:
                fail(f"{name}: {len(counts)} buckets for {len(bounds)} bounds")
            if sum(counts) != int(p.get("count", 0)):
                fail(f"{name}: count {p.get('count')} is not the buckets' sum")
            nz = {("+Inf" if i == len(bounds) else "%g" % bounds[i]): c
                  for i, c in enumerate(counts) if c}
            got.append((json.dumps(attrs(p.get("attributes")), sort_keys=True),
                        json.dumps(nz, sort_keys=True), int(p["count"]),
                        p.get("sum")))
        want = [(json.dumps(l, sort_keys=True), json.dumps(b, sort_keys=True),
                 w[2], w[3] if len(w) > 3 else None)
                for w in e["buckets"] for l, b in [(w[0], w[1])]]
        if all(len(w) < 4 for w in e["buckets"]):
            got = [g[:3] + (None,) for g in got]
        if sorted(got) != sorted(want):
            fail(f"{name}: {got}, expected {want}")
    print(f"check: {len(expect)} metrics as expected, in {len(reqs)} exports")


def count(recv_path, path):
    reqs = [r for r in load(recv_path) if r["path"] == path]
    spans = sum(len(ss.get("spans", []))
                for r in reqs if r["answered"] == 200 and "body" in r
                for rs in r["body"].get("resourceSpans", [])
                for ss in rs.get("scopeSpans", []))
    print(len(reqs), spans)


def request(recv_path, path, pairs):
    reqs = [r for r in load(recv_path) if r["path"] == path]
    if not reqs:
        fail(f"no request to {path}")
    for r in reqs:
        for pair in pairs:
            k, v = pair.split("=", 1)
            if not k.startswith("resource."):
                if r.get(k) != v:
                    fail(f"{path}: {k} {r.get(k)!r}, expected {v!r}")
                continue
            body = r.get("body", {})
            rss = body.get("resourceSpans", []) + body.get("resourceMetrics", [])
            if not rss:
                fail(f"{path}: a request without resources")
            for rs in rss:
                got = attrs(rs.get("resource", {}).get("attributes")).get(k[9:])
                if str(got) != v:
                    fail(f"{path}: resource {k[9:]} {got!r}, expected {v!r}")
    print(f"check: {len(reqs)} requests to {path} as expected")


def times(recv_path, path):
    t = [r["timeMs"] for r in load(recv_path) if r["path"] == path]
    print(" ".join(str(b - a) for a, b in zip(t, t[1:])))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "traces":
        traces(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
               sys.argv[6] if len(sys.argv) > 6 else "")
    elif cmd == "metrics":
        metrics(sys.argv[2], sys.argv[3])
    elif cmd == "count":
        count(sys.argv[2], sys.argv[3])
    elif cmd == "request":
        request(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "times":
        times(sys.argv[2], sys.argv[3])
    else:
        fail("unknown command " + cmd)
