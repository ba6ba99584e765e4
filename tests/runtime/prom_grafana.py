#!/usr/bin/env python3
"""Checks a Grafana dashboard of etrace's metrics (examples/grafana-*.json)
and lists the metric names its panels query, one "RECIPE NAME" line each:
RECIPE is the file name of the examples/ recipe whose row holds the panel
("etrace" for etrace's own health).
  prom_grafana.py names DASHBOARD.json"""
import json
import re
import sys

FUNCS_KEYWORDS = {"by", "without", "on", "ignoring", "group_left",
                  "group_right", "bool", "and", "or", "unless", "offset"}


def metric_names(expr):
    """The metric names of a PromQL expression: what remains after
    strings, label matchers, ranges, grouping clauses and functions."""
    e = re.sub(r'"(\\.|[^"\\])*"', "", expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)",
               " ", e)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e):
        tok = m.group(0)
        after = e[m.end():].lstrip()
        if after.startswith("(") or tok in FUNCS_KEYWORDS:
            continue
        names.add(tok)
    return names


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "names":
        sys.exit(__doc__)
    d = json.load(open(sys.argv[2]))
    for k in ("title", "uid", "panels", "schemaVersion"):
        if k not in d:
            sys.exit("no %s" % k)
    recipe = None
    out = set()
    ids = set()
    for p in d["panels"]:
        if p.get("id") in ids:
            sys.exit("panel id %s twice" % p.get("id"))
        ids.add(p.get("id"))
        if p["type"] == "row":
            t = p["title"]
            recipe = t[len("examples/"):] if t.startswith("examples/") else t
            continue
        if recipe is None:
            sys.exit("panel '%s' is under no row" % p["title"])
        if not p.get("targets"):
            sys.exit("panel '%s' queries nothing" % p["title"])
        for t in p["targets"]:
            if t.get("datasource", {}).get("type") != "prometheus":
                sys.exit("panel '%s': not a Prometheus query" % p["title"])
            names = metric_names(t["expr"])
            if not names:
                sys.exit("panel '%s': no metric in %s" % (p["title"], t["expr"]))
            for n in names:
                out.add("%s %s" % (recipe, n))
    for line in sorted(out):
        print(line)


main()
