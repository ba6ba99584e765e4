/* Pass "preamble": reads the program's C preamble (N_CDEF items) and
 * parses it with libclang, loaded with dlopen only when a script has a
 * preamble. Writes the type registry (records with real layouts,
 * typedefs, enum constants) and ctx->macros (the #defines the script's
 * identifiers name, evaluated by clang). After it, every type the
 * preamble defines is known to the later passes; clang's errors are
 * reported at the script line they come from. */
#include <bpf/btf.h>
#include <clang-c/Index.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "typereg.h"
#include "typereg_impl.h"

#define SCRIPT_FILE "etrace-script"
#define MACRO_FILE "etrace-macros"
#define BTF_FILE "kernel BTF"
#define MACRO_PREFIX "__etrace_macro_"
#define CLANG_INCLUDE "/usr/lib/llvm-16/lib/clang/16/include"
/* etrace's compat headers: virtual files searched before the system's. */
#define COMPAT_INCLUDE "/usr/share/etrace/compat-include"

/* Kernel-internal constants that tools #include from kernel headers which
 * are absent on most machines (only the uapi ones are installed) and that
 * BTF cannot give (they are #defines, not enums). The task states are part
 * of the sched tracepoints' ABI (prev_state). Each header first includes
 * the system's own header of that name. */
static const struct {
	const char *path;
	const char *text;
} compat_headers[] = {
	{ COMPAT_INCLUDE "/linux/sched.h",
	  "#include_next <linux/sched.h>\n"
	  "#ifndef TASK_RUNNING\n"
	  "#define TASK_RUNNING 0x00000000\n"
	  "#define TASK_INTERRUPTIBLE 0x00000001\n"
	  "#define TASK_UNINTERRUPTIBLE 0x00000002\n"
	  "#define __TASK_STOPPED 0x00000004\n"
	  "#define __TASK_TRACED 0x00000008\n"
	  "#define EXIT_DEAD 0x00000010\n"
	  "#define EXIT_ZOMBIE 0x00000020\n"
	  "#define EXIT_TRACE (EXIT_ZOMBIE | EXIT_DEAD)\n"
	  "#define TASK_PARKED 0x00000040\n"
	  "#define TASK_DEAD 0x00000080\n"
	  "#define TASK_WAKEKILL 0x00000100\n"
	  "#define TASK_WAKING 0x00000200\n"
	  "#define TASK_NOLOAD 0x00000400\n"
	  "#define TASK_NEW 0x00000800\n"
	  "#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)\n"
	  "#define TASK_STOPPED (TASK_WAKEKILL | __TASK_STOPPED)\n"
	  "#define TASK_TRACED __TASK_TRACED\n"
	  "#define TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)\n"
	  "#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)\n"
	  "#endif\n" },
};
#define NCOMPAT (sizeof(compat_headers) / sizeof(compat_headers[0]))

#define CLANG_FUNCS(X)                                                      \
	X(clang_createIndex) X(clang_disposeIndex)                          \
	X(clang_parseTranslationUnit) X(clang_disposeTranslationUnit)       \
	X(clang_getNumDiagnostics) X(clang_getDiagnostic)                   \
	X(clang_disposeDiagnostic) X(clang_getDiagnosticSeverity)           \
	X(clang_getDiagnosticLocation) X(clang_getDiagnosticSpelling)       \
	X(clang_getPresumedLocation) X(clang_getCString)                    \
	X(clang_disposeString) X(clang_getTranslationUnitCursor)            \
	X(clang_visitChildren) X(clang_getCursorKind)                       \
	X(clang_getCursorSpelling) X(clang_getCursorType)                   \
	X(clang_getCanonicalType) X(clang_getTypedefDeclUnderlyingType)     \
	X(clang_isCursorDefinition) X(clang_Type_getSizeOf)                 \
	X(clang_Type_visitFields) X(clang_Cursor_getOffsetOfField)          \
	X(clang_Cursor_isBitField) X(clang_getFieldDeclBitWidth)            \
	X(clang_getPointeeType) X(clang_getArrayElementType)                \
	X(clang_getArraySize) X(clang_getTypeDeclaration)                   \
	X(clang_Cursor_isAnonymous) X(clang_getEnumConstantDeclValue)       \
	X(clang_getEnumDeclIntegerType) X(clang_Cursor_Evaluate)            \
	X(clang_EvalResult_getKind) X(clang_EvalResult_getAsLongLong)       \
	X(clang_EvalResult_isUnsignedInt) X(clang_EvalResult_getAsUnsigned) \
	X(clang_EvalResult_getAsStr) X(clang_EvalResult_dispose)           \
	X(clang_getCursorUSR)

#define CLANG_PTR(f) static __typeof__(f) *p_##f;
CLANG_FUNCS(CLANG_PTR)
#define CL(f) p_##f

/* State of one preamble parse. */
struct pre {
	struct compile_ctx *ctx;
	struct treg_table idents;  /* identifiers the script uses */
	char *buf;                 /* the in-memory definitions.h */
	size_t len, cap;
	struct et_enumerator *enums; /* the enum being read: its constants */
	uint32_t nenums, enums_cap;
};

/* Loads libclang once per process. 0, or -ENOENT with *why set. */
static int clang_load(const char **why)
{
	static int state; /* 0 untried, 1 loaded, <0 failed */
	static char err[256];
	void *h;

	if (state)
		goto out;
	h = dlopen(ETRACE_LIBCLANG_SO, RTLD_NOW | RTLD_LOCAL);
	state = h ? 1 : -ENOENT;
#define CLANG_SYM(f)                                                        \
	if (h && !(p_##f = (__typeof__(f) *)dlsym(h, #f)))                  \
		state = -ENOENT;
	CLANG_FUNCS(CLANG_SYM)
	if (state < 0)
		snprintf(err, sizeof(err), "%s", h ? "a symbol is missing" :
			 dlerror());
out:
	*why = err;
	return state < 0 ? state : 0;
}

static void buf_add(struct pre *p, const char *s, size_t n)
{
	if (p->len + n + 1 > p->cap) {
		size_t cap = (p->len + n + 1) * 2;
		char *nb = arena_alloc(p->ctx->arena, cap);

		if (p->len)
			memcpy(nb, p->buf, p->len);
		p->buf = nb;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = 0;
}

static void buf_str(struct pre *p, const char *s)
{
	buf_add(p, s, strlen(s));
}

static bool collect_ident(struct node *n, void *arg)
{
	struct pre *p = arg;

	if (n->kind == N_IDENT)
		treg_add(p->ctx->arena, &p->idents, n->u.ident.name);
	return true;
}

/* Each item keeps its script line (#line) and column (indent), so that
 * clang's locations are the script's. */
static void build_source(struct pre *p)
{
	struct compile_ctx *ctx = p->ctx;
	int line, col;

	for (struct node *c = ctx->ast->u.program.cdefs; c; c = c->next) {
		line = col = 1;
		if (loc_valid(c->loc) && c->loc.begin <= ctx->src.len)
			source_line_col(&ctx->src, c->loc.begin, &line, &col);
		buf_str(p, arena_printf(ctx->arena, "#line %d \""
					SCRIPT_FILE "\"\n", line));
		for (int i = 1; i < col; i++)
			buf_add(p, " ", 1);
		buf_str(p, c->u.cdef.text);
		buf_str(p, "\n");
	}
	/* Candidate macros: only identifiers the script uses. */
	buf_str(p, "#line 1 \"" MACRO_FILE "\"\n");
	for (int b = 0; b < TREG_BUCKETS; b++) {
		for (struct treg_entry *e = p->idents.b[b]; e; e = e->next) {
			const char *n = e->name;
			buf_str(p, arena_printf(ctx->arena,
				"#ifdef %s\nstatic __auto_type " MACRO_PREFIX
				"%s = %s;\n#endif\n", n, n, n));
		}
	}
}

/* Byte offset of a script line and column (both 1-based). */
static uint32_t script_offset(const struct source *src, unsigned line,
			      unsigned col)
{
	uint32_t off = 0;

	for (unsigned l = 1; l < line && off < src->len; off++)
		if (src->text[off] == '\n')
			l++;
	for (unsigned c = 1; c < col && off < src->len; c++, off++)
		if (src->text[off] == '\n')
			break;
	return off;
}

/* The end of the identifier clang points at (one byte when none). */
static uint32_t word_end(const struct source *src, uint32_t off)
{
	uint32_t end = off;

	while (end < src->len &&
	       (isalnum((unsigned char)src->text[end]) || src->text[end] == '_'))
		end++;
	return end > off ? end : off + 1;
}

/* A header clang read (#include, import "x.h"), as a source of the
 * diagnostics: read again once, so its errors show its line. NULL when
 * it cannot be read. */
static const struct source *header_source(struct compile_ctx *ctx,
					  const char *path)
{
	const struct source *s;
	const char *shown = path;
	char cwd[4096], *text;
	size_t len, n_cwd;
	FILE *fp;
	long n;

	/* import "x.h" passes clang the full path: shown from the current
	 * directory, as the script's own name is */
	if (getcwd(cwd, sizeof(cwd)) && (n_cwd = strlen(cwd)) > 1 &&
	    !strncmp(path, cwd, n_cwd) && path[n_cwd] == '/')
		shown = path + n_cwd + 1;
	for (s = ctx->src.next; s; s = s->next)
		if (!s->macro && !strcmp(s->name, shown))
			return s;
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	n = fseek(fp, 0, SEEK_END) ? -1 : ftell(fp);
	if (n < 0 || n > (1 << 24) || fseek(fp, 0, SEEK_SET)) {
		fclose(fp);
		return NULL;
	}
	text = malloc((size_t)n + 1);
	len = text ? fread(text, 1, (size_t)n, fp) : 0;
	fclose(fp);
	s = text ? compile_add_source(ctx, shown, text, len) : NULL;
	free(text);
	return s;
}

static void report_one(struct pre *p, CXDiagnostic d, struct loc first)
{
	struct compile_ctx *ctx = p->ctx;
	CXString msg = CL(clang_getDiagnosticSpelling)(d), file;
	CXSourceLocation sl = CL(clang_getDiagnosticLocation)(d);
	unsigned line = 0, col = 0;
	const char *f;

	CL(clang_getPresumedLocation)(sl, &file, &line, &col);
	f = CL(clang_getCString)(file);
	if (f && !strcmp(f, SCRIPT_FILE)) {
		uint32_t off = script_offset(&ctx->src, line, col);

		diag_error(&ctx->diags, (struct loc){ off, word_end(&ctx->src, off) },
			   "%s", CL(clang_getCString)(msg));
	} else if (!f || *f == '<' || !*f) {
		/* <built-in>, <command line>: an --include file not found */
		diag_error(&ctx->diags, first, "%s", CL(clang_getCString)(msg));
	} else if (strcmp(f, MACRO_FILE)) {
		const struct source *h = header_source(ctx, f);

		if (h) {
			/* the header's line, then where it was included */
			uint32_t off = script_offset(h, line, col);

			diag_error(&ctx->diags,
				   (struct loc){ h->base + off,
						 h->base + word_end(h, off) },
				   "%s", CL(clang_getCString)(msg));
			if (loc_valid(first))
				diag_note(&ctx->diags, first,
					  "included from here");
		} else {
			diag_error(&ctx->diags, first, "%s:%u:%u: %s", f, line,
				   col, CL(clang_getCString)(msg));
		}
	}
	CL(clang_disposeString)(file);
	CL(clang_disposeString)(msg);
}

static bool has_errors(CXTranslationUnit tu)
{
	unsigned n = CL(clang_getNumDiagnostics)(tu);
	bool found = false;

	for (unsigned i = 0; i < n && !found; i++) {
		CXDiagnostic d = CL(clang_getDiagnostic)(tu, i);

		found = CL(clang_getDiagnosticSeverity)(d) >=
			CXDiagnostic_Error;
		CL(clang_disposeDiagnostic)(d);
	}
	return found;
}

/* Where errors without a script line go: the first C definition, or
 * nowhere (a preamble made only of --include files). */
static struct loc first_cdef(struct compile_ctx *ctx)
{
	struct node *c = ctx->ast->u.program.cdefs;

	return c ? c->loc : LOC_NONE;
}

static int report_errors(struct pre *p, CXTranslationUnit tu)
{
	struct loc first = first_cdef(p->ctx);
	unsigned n = CL(clang_getNumDiagnostics)(tu);
	int nerr = 0;

	for (unsigned i = 0; i < n; i++) {
		CXDiagnostic d = CL(clang_getDiagnostic)(tu, i);

		if (CL(clang_getDiagnosticSeverity)(d) >= CXDiagnostic_Error) {
			int before = p->ctx->diags.nerrors;

			report_one(p, d, first);
			nerr += p->ctx->diags.nerrors - before;
		}
		CL(clang_disposeDiagnostic)(d);
	}
	return nerr ? -EINVAL : 0;
}

static char *cursor_name(struct pre *p, CXCursor c)
{
	CXString s = CL(clang_getCursorSpelling)(c);
	char *r = arena_strdup(p->ctx->arena, CL(clang_getCString)(s));

	CL(clang_disposeString)(s);
	return r;
}

static struct type *ctype(struct pre *p, CXType t, const char *hint);

/* A tag of its own: not anonymous, and not "typedef struct { } t;" whose
 * cursor clang spells with the typedef's name (USR c:@SA@t). */
static bool has_tag(struct pre *p, CXCursor decl, const char *tag)
{
	CXString usr;
	bool anon;

	if (CL(clang_Cursor_isAnonymous)(decl) || !*tag || strchr(tag, ' '))
		return false;
	usr = CL(clang_getCursorUSR)(decl);
	anon = strstr(CL(clang_getCString)(usr), "@SA@") ||
	       strstr(CL(clang_getCString)(usr), "@UA@");
	CL(clang_disposeString)(usr);
	return !anon;
}

struct field_walk {
	struct pre *p;
	struct type *rec;
};

static enum CXVisitorResult add_field(CXCursor c, CXClientData data)
{
	struct field_walk *w = data;
	long long bits = CL(clang_Cursor_getOffsetOfField)(c);
	char *name = cursor_name(w->p, c);
	struct type *ft = ctype(w->p, CL(clang_getCursorType)(c), NULL);
	int width = 0;

	if (bits < 0)
		bits = 0;
	if (CL(clang_Cursor_isBitField)(c))
		width = CL(clang_getFieldDeclBitWidth)(c);
	type_record_add(w->p->ctx->arena, w->rec, *name ? name : NULL, ft,
			bits / 8, width ? bits % 8 : 0, width);
	return CXVisit_Continue;
}

/* A record of the preamble, registered before its fields are converted
 * (they may point back to it). Forward declarations defer to BTF. */
static struct type *record(struct pre *p, CXType t, const char *hint)
{
	CXCursor decl = CL(clang_getTypeDeclaration)(t);
	bool is_union = CL(clang_getCursorKind)(decl) == CXCursor_UnionDecl;
	long long size = CL(clang_Type_getSizeOf)(t);
	char *tag = cursor_name(p, decl);
	const char *name = hint;
	struct field_walk w = { p, NULL };
	struct treg_entry *e;

	if (has_tag(p, decl, tag))
		name = arena_printf(p->ctx->arena, "%s %s",
				    is_union ? "union" : "struct", tag);
	if (name && (e = treg_find(&typereg_get(p->ctx)->records, name)))
		return e->val;
	if (size < 0 && name && (w.rec = typereg_record(p->ctx, name)))
		return w.rec;
	w.rec = type_record(p->ctx->arena, name, is_union);
	if (size < 0) {
		w.rec->incomplete = true;
		return w.rec;
	}
	w.rec->size = size;
	if (name)
		typereg_add_record(p->ctx, w.rec);
	CL(clang_Type_visitFields)(t, add_field, &w);
	return w.rec;
}

/* Plain char, whose arrays are strings as in bpftrace 0.17; signed and
 * unsigned char (uint8_t, int8_t) arrays are arrays of integers. */
static bool is_char_kind(enum CXTypeKind k)
{
	return k == CXType_Char_S || k == CXType_Char_U;
}

static struct type *ctype(struct pre *p, CXType t, const char *hint)
{
	CXType c = CL(clang_getCanonicalType)(t), e;
	long long size = CL(clang_Type_getSizeOf)(c);
	struct arena *a = p->ctx->arena;

	switch (c.kind) {
	case CXType_Bool: case CXType_Char_U: case CXType_UChar:
	case CXType_UShort: case CXType_UInt: case CXType_ULong:
	case CXType_ULongLong:
		return type_int(size, false);
	case CXType_Char_S: case CXType_SChar: case CXType_Short:
	case CXType_Int: case CXType_Long: case CXType_LongLong:
		return type_int(size, true);
	case CXType_Enum:
		e = CL(clang_getEnumDeclIntegerType)(
			CL(clang_getTypeDeclaration)(c));
		e = CL(clang_getCanonicalType)(e);
		return type_int(size, !(e.kind == CXType_UInt ||
					e.kind == CXType_ULong ||
					e.kind == CXType_UChar ||
					e.kind == CXType_UShort ||
					e.kind == CXType_ULongLong));
	case CXType_Pointer:
		e = CL(clang_getCanonicalType)(CL(clang_getPointeeType)(c));
		if (e.kind == CXType_FunctionProto ||
		    e.kind == CXType_FunctionNoProto || e.kind == CXType_Void)
			return type_ptr(a, type_none(), AS_NONE);
		return type_ptr(a, ctype(p, e, NULL), AS_NONE);
	case CXType_ConstantArray:
		e = CL(clang_getArrayElementType)(c);
		e = CL(clang_getCanonicalType)(e);
		if (is_char_kind(e.kind))
			return type_string(a, CL(clang_getArraySize)(c));
		return type_array(a, ctype(p, e, NULL),
				  CL(clang_getArraySize)(c));
	case CXType_IncompleteArray:
		/* a flexible array member: as T x[0] (and as kernel BTF,
		 * which cannot tell them apart, has it) */
		e = CL(clang_getArrayElementType)(c);
		if (is_char_kind(CL(clang_getCanonicalType)(e).kind))
			return type_string(a, 0);
		return type_array(a, ctype(p, e, NULL), 0);
	case CXType_Record:
		return record(p, c, hint);
	default:
		return type_simple(a, T_NONE, size > 0 ? size : 0);
	}
}

/* The constants of the enum being visited (p->enums, p->nenums). */
static enum CXChildVisitResult add_enum_const(CXCursor c, CXCursor parent,
					      CXClientData data)
{
	struct pre *p = data;
	struct et_enumerator *e;

	if (CL(clang_getCursorKind)(c) != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	typereg_add_enum_value(p->ctx, cursor_name(p, c),
			       CL(clang_getEnumConstantDeclValue)(c),
			       cursor_name(p, parent));
	if (p->nenums == p->enums_cap) {
		uint32_t cap = p->enums_cap ? p->enums_cap * 2 : 16;

		e = arena_calloc(p->ctx->arena, cap, sizeof(*e));
		if (p->nenums)
			memcpy(e, p->enums, p->nenums * sizeof(*e));
		p->enums = e;
		p->enums_cap = cap;
	}
	e = &p->enums[p->nenums++];
	e->name = cursor_name(p, c);
	e->value = CL(clang_getEnumConstantDeclValue)(c);
	return CXChildVisit_Continue;
}

/* A candidate macro the script names, evaluated through its variable. */
static void add_macro(struct pre *p, CXCursor c, const char *name)
{
	struct compile_ctx *ctx = p->ctx;
	CXEvalResult r = CL(clang_Cursor_Evaluate)(c);
	struct macro *m;

	if (!r)
		return;
	m = arena_calloc(ctx->arena, 1, sizeof(*m));
	m->name = arena_strdup(ctx->arena, name);
	switch (CL(clang_EvalResult_getKind)(r)) {
	case CXEval_Int:
		if (CL(clang_EvalResult_isUnsignedInt)(r)) {
			unsigned long long v;

			v = CL(clang_EvalResult_getAsUnsigned)(r);
			m->expr = ast_int(ctx->arena, LOC_NONE, v,
					  v > INT64_MAX);
			m->body = arena_printf(ctx->arena, "%llu", v);
		} else {
			long long v = CL(clang_EvalResult_getAsLongLong)(r);

			m->expr = ast_int(ctx->arena, LOC_NONE, v, false);
			m->body = arena_printf(ctx->arena, "%lld", v);
		}
		break;
	case CXEval_StrLiteral: {
		/* the result owns its text: keep a copy */
		const char *s = arena_strdup(ctx->arena,
					     CL(clang_EvalResult_getAsStr)(r));

		m->expr = ast_string(ctx->arena, LOC_NONE, s, strlen(s));
		m->body = arena_printf(ctx->arena, "\"%s\"", s);
		break;
	}
	default:
		break;
	}
	CL(clang_EvalResult_dispose)(r);
	if (!m->expr)
		return;
	m->next = ctx->macros;
	ctx->macros = m;
}

static void add_typedef(struct pre *p, CXCursor c)
{
	char *name = cursor_name(p, c);
	CXType u = CL(clang_getTypedefDeclUnderlyingType)(c);

	typereg_add_typedef(p->ctx, name, ctype(p, u, name));
}

static enum CXChildVisitResult top_level(CXCursor c, CXCursor parent,
					 CXClientData data)
{
	struct pre *p = data;
	char *name;

	switch (CL(clang_getCursorKind)(c)) {
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
		if (CL(clang_isCursorDefinition)(c) &&
		    has_tag(p, c, cursor_name(p, c)))
			ctype(p, CL(clang_getCursorType)(c), NULL);
		break;
	case CXCursor_TypedefDecl:
		add_typedef(p, c);
		break;
	case CXCursor_EnumDecl:
		name = cursor_name(p, c);
		p->nenums = 0;
		CL(clang_visitChildren)(c, add_enum_const, p);
		if (*name && !strchr(name, ' ')) {
			const char *tn =
			    arena_printf(p->ctx->arena, "enum %s", name);
			struct type *base =
			    ctype(p, CL(clang_getCursorType)(c), NULL);

			if (base && base->kind == T_INT)
				base = type_enum(p->ctx->arena, base, tn,
						 p->enums, p->nenums);
			typereg_add_typedef(p->ctx, tn, base);
		}
		break;
	case CXCursor_VarDecl:
		name = cursor_name(p, c);
		if (!strncmp(name, MACRO_PREFIX, strlen(MACRO_PREFIX)))
			add_macro(p, c, name + strlen(MACRO_PREFIX));
		break;
	default:
		break;
	}
	return CXChildVisit_Continue;
}

/* Arguments as bpftrace's ClangParser passes them: system headers, the
 * compiler's own headers, -I directories, and the BTF feature macros. */
static int clang_args(struct pre *p, const char **args)
{
	struct compile_ctx *ctx = p->ctx;
	static const char *const base[] = {
		"-x", "c", "-nostdinc", "-w", "-ferror-limit=0",
		"-isystem", COMPAT_INCLUDE,
		"-isystem", CLANG_INCLUDE,
		"-isystem", "/usr/local/include",
		"-isystem", "/usr/include/x86_64-linux-gnu",
		"-isystem", "/usr/include",
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		args[n++] = base[i];
	for (int i = 0; i < ctx->opts.ninclude_dirs && i < 32; i++) {
		args[n++] = "-I";
		args[n++] = ctx->opts.include_dirs[i];
	}
	for (int i = 0; i < ctx->opts.ninclude_files && i < 32; i++) {
		args[n++] = "-include";
		args[n++] = ctx->opts.include_files[i];
	}
	if (compile_btf(ctx)) {
		args[n++] = "-DBPFTRACE_HAVE_BTF";
		args[n++] = "-DETRACE_HAVE_BTF";
	}
	return n;
}

static CXTranslationUnit parse(struct pre *p, CXIndex idx)
{
	const char *args[160];
	int nargs = clang_args(p, args);
	struct CXUnsavedFile files[1 + NCOMPAT] = {
		{ "definitions.h", p->buf, p->len },
	};

	for (size_t i = 0; i < NCOMPAT; i++)
		files[1 + i] = (struct CXUnsavedFile){
			compat_headers[i].path, compat_headers[i].text,
			strlen(compat_headers[i].text)
		};
	return CL(clang_parseTranslationUnit)(
		idx, "definitions.h", args, nargs, files, 1 + NCOMPAT,
		CXTranslationUnit_SkipFunctionBodies);
}

/* The quoted name in a clang message after prefix, or NULL. */
static char *quoted(struct pre *p, const char *msg, const char *prefix)
{
	const char *a = strstr(msg, prefix), *b;

	if (!a)
		return NULL;
	a += strlen(prefix);
	b = strchr(a, '\'');
	return b ? arena_strndup(p->ctx->arena, a, b - a) : NULL;
}

/* BTF id of a type clang did not know: "unknown type name 'u64'",
 * "field has incomplete type 'struct sock'". 0 when BTF lacks it. */
static int missing_type(struct pre *p, struct btf *btf, const char *msg)
{
	char *n = quoted(p, msg, "unknown type name '");
	int id;

	if (n)
		return (id = btf__find_by_name_kind(btf, n, BTF_KIND_TYPEDEF)) >
		       0 ? id : 0;
	if (!(n = quoted(p, msg, "incomplete type '")) &&
	    !(n = quoted(p, msg, "incomplete definition of type '")))
		return 0;
	if (!strncmp(n, "struct ", 7))
		id = btf__find_by_name_kind(btf, n + 7, BTF_KIND_STRUCT);
	else if (!strncmp(n, "union ", 6))
		id = btf__find_by_name_kind(btf, n + 6, BTF_KIND_UNION);
	else
		id = 0;
	return id > 0 ? id : 0;
}

static void dump_printf(void *arg, const char *fmt, va_list ap)
{
	vfprintf(arg, fmt, ap);
}

/* C definitions (with their dependencies) of the kernel types the
 * preamble names without defining, as bpftrace pulls them from BTF.
 * NULL when there are none. */
static char *btf_definitions(struct pre *p, CXTranslationUnit tu)
{
	struct btf *btf = compile_btf(p->ctx);
	unsigned n = CL(clang_getNumDiagnostics)(tu);
	struct btf_dump *d;
	char *text = NULL, *r = NULL;
	size_t len = 0;
	FILE *f;
	int found = 0;

	if (!btf || !(f = open_memstream(&text, &len)))
		return NULL;
	d = btf_dump__new(btf, dump_printf, f, NULL);
	for (unsigned i = 0; d && i < n; i++) {
		CXDiagnostic g = CL(clang_getDiagnostic)(tu, i);
		CXString m = CL(clang_getDiagnosticSpelling)(g);
		int id = missing_type(p, btf, CL(clang_getCString)(m));

		if (id && !btf_dump__dump_type(d, id))
			found++;
		CL(clang_disposeString)(m);
		CL(clang_disposeDiagnostic)(g);
	}
	btf_dump__free(d);
	fclose(f);
	if (found)
		r = arena_printf(p->ctx->arena, "#line 1 \"" BTF_FILE "\"\n%s",
				 text);
	free(text);
	return r;
}

/* Parses; when kernel types are missing, parses again with their BTF
 * definitions in front of the script's. */
static int parse_preamble(struct pre *p)
{
	CXIndex idx = CL(clang_createIndex)(0, 0);
	CXTranslationUnit tu = parse(p, idx);
	char *defs;
	int err;

	if (tu && has_errors(tu) && (defs = btf_definitions(p, tu))) {
		char *both = arena_printf(p->ctx->arena, "%s%s", defs, p->buf);

		CL(clang_disposeTranslationUnit)(tu);
		p->buf = both;
		p->len = strlen(both);
		tu = parse(p, idx);
	}
	if (!tu) {
		diag_error(&p->ctx->diags, first_cdef(p->ctx),
			   "Clang could not parse the C definitions");
		err = -EINVAL;
		goto out;
	}
	err = report_errors(p, tu);
	if (!err)
		CL(clang_visitChildren)(CL(clang_getTranslationUnitCursor)(tu),
					top_level, p);
	CL(clang_disposeTranslationUnit)(tu);
out:
	CL(clang_disposeIndex)(idx);
	return err;
}

int pass_preamble(struct compile_ctx *ctx)
{
	struct pre p = { .ctx = ctx };
	const char *why;

	if (!ctx->ast || (!ctx->ast->u.program.cdefs &&
			  !ctx->opts.ninclude_files))
		return 0;
	ctx->has_preamble = true;
	if (ctx->opts.no_clang)
		return 0;
	if (clang_load(&why) < 0) {
		diag_error(&ctx->diags, first_cdef(ctx),
			   "Cannot load libclang to parse the C definitions "
			   "(%s): install the package libclang1-16", why);
		return -ENOENT;
	}
	typereg_get(ctx);
	for (struct node *n = ctx->ast->u.program.probes; n; n = n->next)
		ast_walk(n, collect_ident, &p);
	for (struct node *n = ctx->ast->u.program.config; n; n = n->next)
		ast_walk(n, collect_ident, &p);
	build_source(&p);
	return parse_preamble(&p);
}
