#!/usr/bin/env python3
"""Checks a folded stack file and, when given, the SVG flame graph made
from the same stacks (tests/runtime/flame.sh).

  flame_check.py FOLDED [SVG] [--first NAME] [--chain a,b,c]
                [--share PERCENT] [--dom JSON]

FOLDED: every line "frame;frame;... COUNT", sorted, no line twice, user
frames before kernel ones ("_[k]"). --first: every line's first frame.
--chain: frames that follow each other, outermost first, in lines
holding at least PERCENT (default 50) of the samples. SVG: parses as XML; its frames are
exactly the folded stacks' frames at least 0.1 px wide (depth, name,
samples), each as wide and placed as its share of the samples makes
it. --dom: the SVG's element tree written to JSON (tag, attributes with
"{namespace}name" keys, text, children) for flame_js.js, which runs the
SVG's script on it. Exits 1 with a message on the first fault."""
import json
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
ET_NS = "{urn:etrace:flamegraph}"
WIDTH = 1180.0  # 1200 px less 10 px on each side
XPAD = 10.0


def fail(msg):
    print("flame_check: " + msg)
    sys.exit(1)


def read_folded(path):
    stacks = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines:
        fail(path + " is empty")
    for line in lines:
        head, sep, count = line.rpartition(" ")
        if not sep or not head or not count.isdigit() or int(count) <= 0:
            fail("not a folded line: %r" % line)
        frames = head.split(";")
        if any(not fr for fr in frames):
            fail("empty frame in %r" % line)
        kernel = False
        for fr in frames:
            if fr.endswith("_[k]"):
                kernel = True
            elif kernel:
                fail("user frame %r after a kernel frame: %r" % (fr, line))
        stacks.append((frames, int(count)))
    keys = [";".join(fr) for fr, _ in stacks]
    if len(set(keys)) != len(keys):
        fail("a stack is on two lines")
    if keys != sorted(keys, key=lambda k: k.encode()):
        fail("the lines are not sorted")
    return stacks


def check_chain(stacks, chain, share):
    total = sum(n for _, n in stacks)
    hit = 0
    for fr, n in stacks:
        for i in range(len(fr) - len(chain) + 1):
            if fr[i:i + len(chain)] == chain:
                hit += n
                break
    if hit * 100 < share * total:
        fail("the chain %s is in %d of %d samples" %
             (";".join(chain), hit, total))
    print("chain %s: %d of %d samples" % (";".join(chain), hit, total))


def tree(stacks):
    """(depth, name, samples) of every frame, with its parent's path."""
    nodes = {}
    for frames, n in stacks:
        for d in range(1, len(frames) + 1):
            key = tuple(frames[:d])
            nodes[key] = nodes.get(key, 0) + n
    return nodes


def check_svg(path, stacks):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("%s is not XML: %s" % (path, e))
    if root.tag != SVG + "svg":
        fail("the root element is %s, not svg" % root.tag)
    if root.find(SVG + "script") is None:
        fail("no script (zoom, search)")
    total = sum(n for _, n in stacks)
    want = {}
    for key, n in tree(stacks).items():
        if n / total * WIDTH >= 0.1:
            k = (len(key), key[-1], n)
            want[k] = want.get(k, 0) + 1
    want[(0, "all", total)] = 1
    got = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") != "f":
            continue
        title = g.find(SVG + "title").text
        name = title[:title.rindex(" (")]
        n, d, s = (int(g.get(ET_NS + k)) for k in ("n", "d", "s"))
        if "(%d sample" % n not in title:
            fail("title %r does not give %d samples" % (title, n))
        rect = g.find(SVG + "rect")
        w, x = float(rect.get("width")), float(rect.get("x"))
        if abs(w - n / total * WIDTH) > 0.06:
            fail("%s: %.1f px wide for %d of %d samples" % (name, w, n,
                                                            total))
        if abs(x - (XPAD + s / total * WIDTH)) > 0.06:
            fail("%s: at x %.1f for sample %d of %d" % (name, x, s, total))
        k = (d, name, n)
        got[k] = got.get(k, 0) + 1
    if got != want:
        extra = set(got.items()) - set(want.items())
        missing = set(want.items()) - set(got.items())
        fail("the SVG's frames differ from the folded stacks: missing "
             "%s, extra %s" % (sorted(missing)[:5], sorted(extra)[:5]))
    print("svg: %d frames, %d samples" % (sum(got.values()), total))


def dom(e):
    return {"tag": e.tag.split("}")[-1], "attrs": dict(e.attrib),
            "text": e.text or "", "children": [dom(c) for c in e]}


def main():
    args = sys.argv[1:]
    chain, first, share, files, js = None, None, 50, [], None
    while args:
        a = args.pop(0)
        if a == "--chain":
            chain = args.pop(0).split(",")
        elif a == "--dom":
            js = args.pop(0)
        elif a == "--first":
            first = args.pop(0)
        elif a == "--share":
            share = int(args.pop(0))
        else:
            files.append(a)
    stacks = read_folded(files[0])
    for fr, _ in stacks if first else []:
        if fr[0] != first:
            fail("a line starts with %r, not %r" % (fr[0], first))
    if chain:
        check_chain(stacks, chain, share)
    if len(files) > 1:
        check_svg(files[1], stacks)
    if js:
        with open(js, "w") as f:
            json.dump(dom(ET.parse(files[1]).getroot()), f)


main()
