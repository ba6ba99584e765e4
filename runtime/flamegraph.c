/* Folded stacks and the SVG flame graph (flamegraph.h). Stacks are kept
 * in a trie, one node per frame, children in name order when written:
 * folded lines come out sorted and merged, and the SVG's frames are laid
 * out left to right in that order, as flamegraph.pl lays out its sorted
 * input. The geometry and palette follow flamegraph.pl's defaults
 * (1200 px wide, 16 px frames, 12 px Verdana, frames narrower than
 * 0.1 px left out); the script embedded in the SVG is etrace's own. */
#include "flamegraph.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FG_WIDTH 1200
#define FG_XPAD 10
#define FG_FRAME_H 16
#define FG_FONT 12
#define FG_FONT_W 0.59		  /* average glyph width, in font sizes */
#define FG_YPAD_TOP (FG_FONT * 4) /* the title and a subtitle */
#define FG_YPAD_BOTTOM (FG_FONT * 2 + 10)
#define FG_MIN_WIDTH 0.1
#define FG_NS "urn:etrace:flamegraph"

struct fg_node {
	char *name;
	enum fg_kind kind;
	uint64_t total; /* samples of this frame and all above it */
	uint64_t self;	/* samples whose stack ends here */
	struct fg_node **kids;
	int nkids, cap;
	bool sorted;
};

struct flamegraph {
	struct fg_node root; /* "all" */
};

struct flamegraph *flamegraph__new(void)
{
	struct flamegraph *fg = calloc(1, sizeof(*fg));

	if (!fg)
		return NULL;
	fg->root.name = strdup("all");
	if (!fg->root.name) {
		free(fg);
		return NULL;
	}
	fg->root.kind = FG_OTHER;
	return fg;
}

static void node_free(struct fg_node *n)
{
	for (int i = 0; i < n->nkids; i++) {
		node_free(n->kids[i]);
		free(n->kids[i]);
	}
	free(n->kids);
	free(n->name);
}

void flamegraph__free(struct flamegraph *fg)
{
	if (!fg)
		return;
	node_free(&fg->root);
	free(fg);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n > k && !strcmp(s + n - k, suf);
}

static enum fg_kind kind_of_name(const char *s)
{
	if (has_suffix(s, "_[k]"))
		return FG_KERNEL;
	if (has_suffix(s, "_[j]"))
		return FG_JIT;
	if (has_suffix(s, "_[i]"))
		return FG_INLINE;
	return FG_USER;
}

static struct fg_node *child(struct fg_node *p, const char *name,
			     enum fg_kind kind)
{
	struct fg_node *n;

	for (int i = 0; i < p->nkids; i++)
		if (p->kids[i]->kind == kind && !strcmp(p->kids[i]->name, name))
			return p->kids[i];
	if (p->nkids == p->cap) {
		int cap = p->cap ? p->cap * 2 : 4;
		struct fg_node **k = realloc(p->kids, cap * sizeof(*k));

		if (!k)
			return NULL;
		p->kids = k;
		p->cap = cap;
	}
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strdup(name))) {
		free(n);
		return NULL;
	}
	n->kind = kind;
	p->kids[p->nkids++] = n;
	p->sorted = false;
	return n;
}

int flamegraph__add(struct flamegraph *fg, const char *const *frames,
		    const enum fg_kind *kinds, int n, uint64_t count)
{
	struct fg_node *node = &fg->root;

	if (!count)
		return 0;
	/* find or make the whole path first: a failure adds nothing */
	for (int i = 0; i < n; i++) {
		node = child(node, frames[i],
			     kinds ? kinds[i] : kind_of_name(frames[i]));
		if (!node)
			return -ENOMEM;
	}
	node->self += count;
	node = &fg->root;
	node->total += count;
	for (int i = 0; i < n; i++) {
		node = child(node, frames[i],
			     kinds ? kinds[i] : kind_of_name(frames[i]));
		node->total += count;
	}
	return 0;
}

int flamegraph__add_folded(struct flamegraph *fg, const char *line)
{
	size_t len = strcspn(line, "\n");
	const char *sp, *frames[512];
	char *copy, *p, *end;
	unsigned long long count;
	int n = 0, err;

	while (len && line[len - 1] == '\r')
		len--;
	for (sp = line + len; sp > line && sp[-1] != ' '; sp--)
		;
	if (sp <= line + 1 || sp == line + len)
		return -EINVAL;
	errno = 0;
	count = strtoull(sp, &end, 10);
	if (errno || end != line + len || *sp == '-' || *sp == '+')
		return -EINVAL;
	copy = strndup(line, (size_t)(sp - 1 - line));
	if (!copy)
		return -ENOMEM;
	for (p = copy; n < 512;) {
		frames[n++] = p;
		p = strchr(p, ';');
		if (!p)
			break;
		*p++ = '\0';
	}
	err = flamegraph__add(fg, frames, NULL, n, count);
	free(copy);
	return err;
}

uint64_t flamegraph__total(const struct flamegraph *fg)
{
	return fg->root.total;
}

static int kid_cmp(const void *a, const void *b)
{
	const struct fg_node *x = *(const struct fg_node *const *)a;
	const struct fg_node *y = *(const struct fg_node *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)x->kind - (int)y->kind;
}

static void node_sort(struct fg_node *n)
{
	if (!n->sorted) {
		if (n->nkids)
			qsort(n->kids, n->nkids, sizeof(*n->kids), kid_cmp);
		n->sorted = true;
	}
}

/* path[0..depth) are the frames below n's children */
static void folded_node(struct fg_node *n, const char **path, int depth,
			FILE *f)
{
	if (n->self && depth) {
		for (int i = 0; i < depth; i++)
			fprintf(f, "%s%s", i ? ";" : "", path[i]);
		fprintf(f, " %" PRIu64 "\n", n->self);
	}
	if (depth >= 1024)
		return;
	node_sort(n);
	for (int i = 0; i < n->nkids; i++) {
		path[depth] = n->kids[i]->name;
		folded_node(n->kids[i], path, depth + 1, f);
	}
}

int flamegraph__write_folded(const struct flamegraph *fg, FILE *f)
{
	const char **path = calloc(1025, sizeof(*path));

	if (!path)
		return -ENOMEM;
	folded_node((struct fg_node *)&fg->root, path, 0, f);
	free(path);
	return ferror(f) ? -EIO : 0;
}

/* SVG ----------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at s (1 to 4), or 0. */
static int utf8_len(const unsigned char *s)
{
	uint32_t c;
	int n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	c = s[0] & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, U+FFFE, U+FFFF and beyond U+10FFFF
	 * are no XML text */
	if ((n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

/* s as XML text: markup escaped; control characters and bytes that are
 * not UTF-8 (a comm may hold any) become '?', so that the file parses. */
static void xml_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	while (*p) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if (*p < 0x80) {
				fputc(*p >= 0x20 || *p == '\t' ? *p : '?', f);
				break;
			}
			n = utf8_len(p);
			if (!n) {
				fputc('?', f);
				break;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
}

/* A stable number in [0, 1) from a name, so that a frame keeps its
 * colour from one graph to the next (flamegraph.pl's --hash). */
static double name_hash(const char *s, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h ^= h >> 15;
	return (double)(h % 1000) / 1000.0;
}

static void frame_color(const struct fg_node *n, bool root, int rgb[3])
{
	double a = name_hash(n->name, 1), b = name_hash(n->name, 2),
	       c = name_hash(n->name, 3);

	if (root) {
		rgb[0] = rgb[1] = rgb[2] = 200;
		return;
	}
	switch (n->kind) {
	case FG_KERNEL: /* orange */
		rgb[0] = 190 + (int)(65 * a);
		rgb[1] = 90 + (int)(65 * a);
		rgb[2] = 0;
		break;
	case FG_OTHER: /* blue */
		rgb[0] = 80 + (int)(60 * a);
		rgb[1] = 80 + (int)(60 * a);
		rgb[2] = 190 + (int)(55 * b);
		break;
	case FG_JIT: /* green */
		rgb[0] = 50 + (int)(60 * a);
		rgb[1] = 200 + (int)(55 * a);
		rgb[2] = 50 + (int)(60 * a);
		break;
	case FG_INLINE: /* aqua */
		rgb[0] = 50 + (int)(60 * a);
		rgb[1] = 165 + (int)(55 * a);
		rgb[2] = 165 + (int)(55 * a);
		break;
	case FG_USER: /* "hot", as flamegraph.pl's default */
	default:
		rgb[0] = 205 + (int)(50 * c);
		rgb[1] = (int)(230 * a);
		rgb[2] = (int)(55 * b);
		break;
	}
}

static int tree_depth(const struct fg_node *n)
{
	int d = 0;

	for (int i = 0; i < n->nkids; i++) {
		int k = tree_depth(n->kids[i]) + 1;

		if (k > d)
			d = k;
	}
	return d;
}

struct svg {
	FILE *f;
	uint64_t total;
	double scale; /* px per sample */
	int height;
};

/* The label that fits in w px: the name, cut with "..", or nothing. */
static void frame_label(FILE *f, const char *name, double w)
{
	int fit = (int)((w - 3) / (FG_FONT * FG_FONT_W));
	size_t len = strlen(name);
	char buf[512];

	if (fit < 3)
		return;
	if (len <= (size_t)fit) {
		xml_text(f, name);
		return;
	}
	if ((size_t)fit - 2 >= sizeof(buf))
		fit = sizeof(buf) + 1;
	memcpy(buf, name, fit - 2);
	buf[fit - 2] = '\0';
	xml_text(f, buf);
	fputs("..", f);
}

static void svg_node(struct svg *s, struct fg_node *n, uint64_t start,
		     int depth)
{
	double x = FG_XPAD + start * s->scale, w = n->total * s->scale;
	double y = s->height - FG_YPAD_BOTTOM - (depth + 1) * FG_FRAME_H + 1;
	int rgb[3];

	if (w < FG_MIN_WIDTH)
		return;
	frame_color(n, depth == 0, rgb);
	fprintf(s->f,
		"<g class=\"f\" et:s=\"%" PRIu64 "\" et:n=\"%" PRIu64
		"\" et:d=\"%d\"><title>",
		start, n->total, depth);
	xml_text(s->f, n->name);
	fprintf(s->f, " (%" PRIu64 " sample%s, %.2f%%)</title>", n->total,
		n->total == 1 ? "" : "s", 100.0 * n->total / s->total);
	fprintf(s->f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%d\" fill=\"rgb(%d,%d,%d)\" rx=\"2\" ry=\"2\"/>"
		"<text x=\"%.2f\" y=\"%.1f\">",
		x, y, w, FG_FRAME_H - 1, rgb[0], rgb[1], rgb[2], x + 3,
		y + 10.5);
	frame_label(s->f, n->name, w);
	fputs("</text></g>\n", s->f);
	node_sort(n);
	for (int i = 0; i < n->nkids; i++) {
		svg_node(s, n->kids[i], start, depth + 1);
		start += n->kids[i]->total;
	}
}

static const char svg_style[] =
    "<style type=\"text/css\">\n"
    "text { font-family: Verdana, sans-serif; font-size: 12px; "
    "fill: rgb(0,0,0); }\n"
    "#title { text-anchor: middle; font-size: 17px; }\n"
    "#subtitle { text-anchor: middle; fill: rgb(160,160,160); }\n"
    "#search, #unzoom { cursor: pointer; }\n"
    "#search { opacity: 0.3; } #search.on { opacity: 1; }\n"
    "#matched { text-anchor: end; }\n"
    ".hide { display: none; }\n"
    "g.f:hover > rect { stroke: black; stroke-width: 0.5; }\n"
    "g.f { cursor: pointer; }\n"
    "g.f.parent { opacity: 0.5; }\n"
    "</style>\n";

/* Our own: zoom on click, search with a regular expression, details of
 * the frame under the pointer. Frames carry their first sample (et:s),
 * their samples (et:n) and their depth (et:d). */
static const char svg_script[] =
    "<script type=\"text/ecmascript\"><![CDATA[\n"
    "\"use strict\";\n"
    "var NS = \"" FG_NS "\", XPAD = 10, FONTW = 12 * 0.59;\n"
    "var frames, details, matched, unzoomBtn, searchBtn, width, total;\n"
    "var zoom = null, pattern = null;\n"
    "function num(g, k) { return +g.getAttributeNS(NS, k); }\n"
    "function nameOf(g) {\n"
    "  var t = g.firstChild.textContent;\n"
    "  return t.substring(0, t.lastIndexOf(\" (\"));\n"
    "}\n"
    "function frameOf(el) {\n"
    "  while (el && el !== frames) {\n"
    "    if (el.getAttribute && el.getAttribute(\"class\") &&\n"
    "        el.getAttribute(\"class\").split(\" \")[0] === \"f\")\n"
    "      return el;\n"
    "    el = el.parentNode;\n"
    "  }\n"
    "  return null;\n"
    "}\n"
    "function setClass(g, parent, hidden) {\n"
    "  g.setAttribute(\"class\", \"f\" + (parent ? \" parent\" : \"\") +\n"
    "                 (hidden ? \" hide\" : \"\"));\n"
    "}\n"
    "function place(g, x, w) {\n"
    "  var r = g.getElementsByTagName(\"rect\")[0];\n"
    "  var t = g.getElementsByTagName(\"text\")[0];\n"
    "  var name = nameOf(g), fit = Math.floor((w - 3) / FONTW);\n"
    "  r.setAttribute(\"x\", x.toFixed(1));\n"
    "  r.setAttribute(\"width\", w.toFixed(1));\n"
    "  t.setAttribute(\"x\", (x + 3).toFixed(2));\n"
    "  t.textContent = fit < 3 ? \"\" : name.length <= fit ? name :\n"
    "                  name.substring(0, fit - 2) + \"..\";\n"
    "}\n"
    "function layout() {\n"
    "  var all = frames.childNodes;\n"
    "  var zs = zoom ? num(zoom, \"s\") : 0;\n"
    "  var zn = zoom ? num(zoom, \"n\") : total;\n"
    "  var zd = zoom ? num(zoom, \"d\") : 0;\n"
    "  for (var i = 0; i < all.length; i++) {\n"
    "    var g = all[i];\n"
    "    if (g.nodeType !== 1) continue;\n"
    "    var s = num(g, \"s\"), n = num(g, \"n\"), d = num(g, \"d\");\n"
    "    if (d < zd && s <= zs && s + n >= zs + zn) {\n"
    "      setClass(g, true, false);\n"
    "      place(g, XPAD, width);\n"
    "    } else if (d >= zd && s >= zs && s + n <= zs + zn) {\n"
    "      var w = n / zn * width;\n"
    "      setClass(g, false, w < 0.1);\n"
    "      place(g, XPAD + (s - zs) / zn * width, w);\n"
    "    } else {\n"
    "      setClass(g, false, true);\n"
    "    }\n"
    "  }\n"
    "  unzoomBtn.setAttribute(\"class\", zoom ? \"\" : \"hide\");\n"
    "  highlight();\n"
    "}\n"
    "function highlight() {\n"
    "  var all = frames.childNodes, spans = [];\n"
    "  var zs = zoom ? num(zoom, \"s\") : 0;\n"
    "  var zn = zoom ? num(zoom, \"n\") : total;\n"
    "  for (var i = 0; i < all.length; i++) {\n"
    "    var g = all[i];\n"
    "    if (g.nodeType !== 1) continue;\n"
    "    var r = g.getElementsByTagName(\"rect\")[0];\n"
    "    if (!r.hasAttributeNS(NS, \"fill\"))\n"
    "      r.setAttributeNS(NS, \"et:fill\", r.getAttribute(\"fill\"));\n"
    "    var hit = pattern !== null && pattern.test(nameOf(g));\n"
    "    r.setAttribute(\"fill\", hit ? \"rgb(230,0,230)\" :\n"
    "                   r.getAttributeNS(NS, \"fill\"));\n"
    "    var s = num(g, \"s\"), n = num(g, \"n\");\n"
    "    if (hit && s >= zs && s + n <= zs + zn) spans.push([s, s + n]);\n"
    "  }\n"
    "  if (pattern === null) {\n"
    "    matched.textContent = \" \";\n"
    "    return;\n"
    "  }\n"
    "  /* nested matches count once */\n"
    "  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
    "  var sum = 0, end = -1;\n"
    "  for (var k = 0; k < spans.length; k++) {\n"
    "    var a = Math.max(spans[k][0], end);\n"
    "    if (spans[k][1] > a) sum += spans[k][1] - a;\n"
    "    end = Math.max(end, spans[k][1]);\n"
    "  }\n"
    "  matched.textContent = \"Matched: \" +\n"
    "    (100 * sum / zn).toFixed(1) + \"%\";\n"
    "}\n"
    "function search() {\n"
    "  if (pattern !== null) {\n"
    "    pattern = null;\n"
    "    searchBtn.textContent = \"Search\";\n"
    "    searchBtn.setAttribute(\"class\", \"\");\n"
    "    highlight();\n"
    "    return;\n"
    "  }\n"
    "  var term = prompt(\"Search for frames matching (a regular "
    "expression):\", \"\");\n"
    "  if (term === null || term === \"\") return;\n"
    "  try {\n"
    "    pattern = new RegExp(term);\n"
    "  } catch (e) {\n"
    "    alert(\"Not a regular expression: \" + e.message);\n"
    "    return;\n"
    "  }\n"
    "  searchBtn.textContent = \"Reset Search\";\n"
    "  searchBtn.setAttribute(\"class\", \"on\");\n"
    "  highlight();\n"
    "}\n"
    "function init() {\n"
    "  frames = document.getElementById(\"frames\");\n"
    "  details = document.getElementById(\"details\");\n"
    "  matched = document.getElementById(\"matched\");\n"
    "  unzoomBtn = document.getElementById(\"unzoom\");\n"
    "  searchBtn = document.getElementById(\"search\");\n"
    "  width = +document.documentElement.getAttribute(\"width\") - "
    "2 * XPAD;\n"
    "  total = num(frames, \"total\");\n"
    "  frames.addEventListener(\"click\", function (e) {\n"
    "    var g = frameOf(e.target);\n"
    "    if (!g) return;\n"
    "    zoom = num(g, \"d\") === 0 ? null : g;\n"
    "    layout();\n"
    "  });\n"
    "  frames.addEventListener(\"mouseover\", function (e) {\n"
    "    var g = frameOf(e.target);\n"
    "    if (g) details.textContent = g.firstChild.textContent;\n"
    "  });\n"
    "  frames.addEventListener(\"mouseout\", function () {\n"
    "    details.textContent = \" \";\n"
    "  });\n"
    "  unzoomBtn.addEventListener(\"click\", function () {\n"
    "    zoom = null;\n"
    "    layout();\n"
    "  });\n"
    "  searchBtn.addEventListener(\"click\", search);\n"
    "  window.addEventListener(\"keydown\", function (e) {\n"
    "    if ((e.ctrlKey || e.metaKey) && (e.key === \"f\" || "
    "e.key === \"F\") ||\n"
    "        e.key === \"F3\") {\n"
    "      e.preventDefault();\n"
    "      if (pattern !== null) search();\n"
    "      search();\n"
    "    } else if (e.key === \"Escape\") {\n"
    "      if (pattern !== null) search();\n"
    "      if (zoom !== null) { zoom = null; layout(); }\n"
    "    }\n"
    "  });\n"
    "}\n"
    "]]></script>\n";

int flamegraph__write_svg(const struct flamegraph *fg, FILE *f,
			  const char *title)
{
	struct fg_node *root = (struct fg_node *)&fg->root;
	int depth = tree_depth(root) + 1;
	struct svg s = {.f = f, .total = root->total};

	s.height = depth * FG_FRAME_H + FG_YPAD_TOP + FG_YPAD_BOTTOM;
	s.scale = root->total
		      ? (double)(FG_WIDTH - 2 * FG_XPAD) / (double)root->total
		      : 0;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\" "
		"standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" onload=\"init(evt)\" "
		"xmlns=\"http://www.w3.org/2000/svg\" "
		"xmlns:et=\"" FG_NS "\">\n",
		FG_WIDTH, s.height, FG_WIDTH, s.height);
	fputs("<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" "
	      "x1=\"0\" x2=\"0\"><stop stop-color=\"#eeeeee\" offset=\"5%\"/>"
	      "<stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
	      "</linearGradient></defs>\n",
	      f);
	fputs(svg_style, f);
	fputs(svg_script, f);
	fprintf(f,
		"<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		"fill=\"url(#background)\"/>\n",
		FG_WIDTH, s.height);
	fprintf(f, "<text id=\"title\" x=\"%d\" y=\"24\">", FG_WIDTH / 2);
	xml_text(f, title ? title : "Flame Graph");
	fprintf(f,
		"</text>\n<text id=\"subtitle\" x=\"%d\" y=\"40\">%" PRIu64
		" sample%s; click a frame to zoom, Ctrl-F to "
		"search</text>\n",
		FG_WIDTH / 2, root->total, root->total == 1 ? "" : "s");
	fprintf(f,
		"<text id=\"unzoom\" x=\"%d\" y=\"24\" class=\"hide\">"
		"Reset Zoom</text>\n",
		FG_XPAD);
	fprintf(f, "<text id=\"search\" x=\"%d\" y=\"24\">Search</text>\n",
		FG_WIDTH - FG_XPAD - 100);
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", FG_XPAD,
		s.height - 17);
	fprintf(f, "<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n",
		FG_WIDTH - FG_XPAD, s.height - 17);
	fprintf(f, "<g id=\"frames\" et:total=\"%" PRIu64 "\">\n", root->total);
	if (root->total)
		svg_node(&s, root, 0, 0);
	fputs("</g>\n</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
