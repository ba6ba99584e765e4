// Runs the script of an etrace SVG flame graph (runtime/flamegraph.c) on
// a small stand-in for the browser's DOM, built from the SVG's element
// tree (flame_check.py --dom), and checks what a user sees: clicking a
// frame zooms on it (it spans the width, the frames above it scale, its
// ancestors fade, the rest hides), "Reset Zoom" puts every frame back,
// "Search" (and Ctrl-F) highlights the frames matching a regular
// expression and shows their share of the samples, nested matches
// counted once, and a second "Search" clears it.
//   node flame_js.js DOM.json FRAME SEARCH
// FRAME: a frame's name to zoom on; SEARCH: a regular expression.
"use strict";
const fs = require("fs");
const NS = "urn:etrace:flamegraph";
const [dom, zoomName, term] = process.argv.slice(2);

function fail(msg) {
	console.log("flame_js: " + msg);
	process.exit(1);
}

class El {
	constructor(j, parent) {
		this.tagName = j.tag;
		this.nodeType = 1;
		this.attrs = Object.assign({}, j.attrs);
		this.parentNode = parent;
		this.listeners = {};
		this.own = j.text;
		this.childNodes = j.children.map((c) => new El(c, this));
	}
	get firstChild() { return this.childNodes[0] || null; }
	getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
	setAttribute(k, v) { this.attrs[k] = String(v); }
	getAttributeNS(ns, k) {
		const key = "{" + ns + "}" + k;
		return key in this.attrs ? this.attrs[key] : null;
	}
	setAttributeNS(ns, q, v) {
		this.attrs["{" + ns + "}" + q.split(":").pop()] = String(v);
	}
	hasAttributeNS(ns, k) { return ("{" + ns + "}" + k) in this.attrs; }
	get textContent() {
		return this.own + this.childNodes.map((c) => c.textContent).join("");
	}
	set textContent(v) {
		this.own = String(v);
		this.childNodes = [];
	}
	getElementsByTagName(t) {
		const out = [];
		const walk = (e) => e.childNodes.forEach((c) => {
			if (c.tagName === t)
				out.push(c);
			walk(c);
		});
		walk(this);
		return out;
	}
	addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); }
	fire(t, ev) { (this.listeners[t] || []).forEach((f) => f(ev)); }
}

const root = new El(JSON.parse(fs.readFileSync(dom, "utf8")), null);
const all = [root, ...root.getElementsByTagName("g"),
	     ...root.getElementsByTagName("text")];
const byId = (id) => all.find((e) => e.getAttribute("id") === id) || null;
let prompted = 0;
const win = { listeners: {} };
win.addEventListener = El.prototype.addEventListener.bind(win);
win.fire = El.prototype.fire.bind(win);
const script = root.getElementsByTagName("script")[0].textContent;
const env = {
	document: { documentElement: root, getElementById: byId },
	window: win,
	prompt: () => { prompted++; return term; },
	alert: (m) => fail("alert: " + m),
};
const init = new Function(...Object.keys(env), script + "\nreturn init;")(
	...Object.values(env));
init({});

const frames = byId("frames");
const total = +frames.getAttributeNS(NS, "total");
const gs = frames.childNodes;
const num = (g, k) => +g.getAttributeNS(NS, k);
const nameOf = (g) => {
	const t = g.firstChild.textContent;
	return t.substring(0, t.lastIndexOf(" ("));
};
const rect = (g) => g.getElementsByTagName("rect")[0];
const cls = (g) => g.getAttribute("class") || "";
const width = (g) => +rect(g).getAttribute("width");
const near = (a, b) => Math.abs(a - b) <= 0.06;
const orig = new Map(gs.map((g) => [g, [rect(g).getAttribute("x"),
					  rect(g).getAttribute("width"),
					  rect(g).getAttribute("fill")]]));
const search = () => byId("search").fire("click", {});
const matched = () => byId("matched").textContent;

// the share of the samples in [zs, zs + zn) whose frames match re
function share(re, zs, zn) {
	const spans = gs.filter((g) => re.test(nameOf(g)) &&
		num(g, "s") >= zs && num(g, "s") + num(g, "n") <= zs + zn)
		.map((g) => [num(g, "s"), num(g, "s") + num(g, "n")]);
	let sum = 0;
	for (let s = zs; s < zs + zn; s++)
		if (spans.some(([a, b]) => s >= a && s < b))
			sum++;
	return "Matched: " + (100 * sum / zn).toFixed(1) + "%";
}

// zoom
// the widest frame of that name
const z = gs.filter((g) => nameOf(g) === zoomName && num(g, "d") > 0)
	.sort((a, b) => num(b, "n") - num(a, "n"))[0];
if (!z)
	fail("no frame " + zoomName);
const [zs, zn, zd] = [num(z, "s"), num(z, "n"), num(z, "d")];
frames.fire("click", { target: rect(z) });
if (!near(+rect(z).getAttribute("x"), 10) || !near(width(z), 1180))
	fail("the zoomed frame is not the whole width: " + width(z));
if (z.getElementsByTagName("text")[0].textContent !== zoomName)
	fail("the zoomed frame's label is not its name");
let shown = 0;
for (const g of gs) {
	const s = num(g, "s"), n = num(g, "n"), d = num(g, "d");
	if (d < zd && s <= zs && s + n >= zs + zn) {
		if (!/\bparent\b/.test(cls(g)) || !near(width(g), 1180))
			fail("ancestor " + nameOf(g) + " not faded at full width");
	} else if (d >= zd && s >= zs && s + n <= zs + zn) {
		const w = n / zn * 1180;
		if (w >= 0.1 && (/hide/.test(cls(g)) || !near(width(g), w)))
			fail(nameOf(g) + ": " + width(g) + " px, not " + w);
		if (!near(+rect(g).getAttribute("x"), 10 + (s - zs) / zn * 1180))
			fail(nameOf(g) + ": misplaced in the zoom");
		shown++;
	} else if (!/\bhide\b/.test(cls(g))) {
		fail(nameOf(g) + " is outside the zoom but shown");
	}
}
if (byId("unzoom").getAttribute("class") !== "")
	fail("no Reset Zoom button while zoomed");

// search while zoomed: the share of the zoomed samples
search();
const re = new RegExp(term);
if (prompted !== 1)
	fail("Search asked " + prompted + " times");
if (matched() !== share(re, zs, zn))
	fail("zoomed: " + matched() + ", expected " + share(re, zs, zn));
let hits = 0;
for (const g of gs) {
	const hit = re.test(nameOf(g));
	hits += hit;
	if ((rect(g).getAttribute("fill") === "rgb(230,0,230)") !== hit)
		fail(nameOf(g) + ": highlighted " + !hit);
}
if (!hits)
	fail("nothing matches " + term);

// Reset Zoom: every frame as it was, the share over all samples
byId("unzoom").fire("click", {});
for (const g of gs) {
	const [x, w] = orig.get(g);
	if (/hide|parent/.test(cls(g)) || rect(g).getAttribute("x") !== x ||
	    rect(g).getAttribute("width") !== w)
		fail(nameOf(g) + " not back after Reset Zoom");
}
if (matched() !== share(re, 0, total))
	fail("unzoomed: " + matched() + ", expected " + share(re, 0, total));

// Search again: cleared; Ctrl-F asks anew
search();
for (const g of gs)
	if (rect(g).getAttribute("fill") !== orig.get(g)[2])
		fail(nameOf(g) + " still highlighted");
if (matched().trim() !== "")
	fail("the share stays: " + matched());
win.fire("keydown", { ctrlKey: true, key: "f", preventDefault() {} });
if (prompted !== 2 || matched() !== share(re, 0, total))
	fail("Ctrl-F did not search");
console.log("zoom on " + zoomName + ": " + shown + " frames; " +
	    matched() + " for " + term);
