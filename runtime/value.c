/* Decoding BPF bytes into the neutral value tree (value.h): integers by
 * size and sign, strings up to their NUL, tuples field by field, and the
 * types bpftrace resolves in user space (ksym, username, inet, buf,
 * stacks) into their printed text. */
#define _GNU_SOURCE /* nftw */
#include <arpa/inet.h>
#include <ftw.h>
#include <stdlib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "kallsyms.h"
#include "stack_buildid.h"
#include "syscall_names.h"
#include "rt_frames.h"
#include "rt_java.h"
#include "rt_python.h"
#include "redact.h"
#include "rt_v8.h"
#include "usyms.h"
#include "value.h"
#include "container.h"

#define STACK_MAX_FRAMES 127
#define TIMESTAMP_BUF 64 /* bpftrace's STRING_SIZE: longer output fails */

uint64_t value_read_int(const struct et_type *t, const void *p, size_t size)
{
	size_t n = t && t->size && t->size < size ? t->size : size;
	bool sign = t && t->is_signed;

	switch (n) {
	case 1: {
		uint8_t v;

		memcpy(&v, p, 1);
		return sign ? (uint64_t)(int64_t)(int8_t)v : v;
	}
	case 2: {
		uint16_t v;

		memcpy(&v, p, 2);
		return sign ? (uint64_t)(int64_t)(int16_t)v : v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, p, 4);
		return sign ? (uint64_t)(int64_t)(int32_t)v : v;
	}
	default: {
		uint64_t v = 0;

		memcpy(&v, p, n < 8 ? n : 8);
		return v;
	}
	}
}

static void set_str(struct value *v, const char *s, size_t len)
{
	v->kind = V_STR;
	v->u.str.s = s;
	v->u.str.len = len;
}

/* bpftrace prints an unresolved address as a pointer: "0x1234", "0". */
static const char *addr_text(struct arena *a, uint64_t addr)
{
	if (!addr)
		return "0";
	return arena_printf(a, "0x%" PRIx64, addr);
}

static struct kallsyms *env_ksyms(struct value_env *env)
{
	return env->load_ksyms ? env->load_ksyms(env->load_ctx) : NULL;
}

static void decode_ksym(struct value_env *env, uint64_t addr,
			struct value *v)
{
	const char *name = ksyms__resolve(env_ksyms(env), addr, NULL);
	const char *s = name ? name : addr_text(env->arena, addr);

	set_str(v, s, strlen(s));
}

/* A frame as bpftrace prints it: "name+off" (hex when unknown); perf
 * mode: "addr name+off", user frames with " (module)". */
static const char *frame_text(struct value_env *env, const struct et_type *t,
			      uint64_t ip, int pid, bool caller)
{
	const char *module = NULL, *sym;
	char buf[1024], line[512];
	uint64_t off;

	/* the CFI unwinder's last frame (abi.h): why the stack ends */
	if (!t->kernel && (ip == ET_UW_MARK_TRUNC || ip == ET_UW_MARK_FP))
		return ip == ET_UW_MARK_TRUNC ? "[truncated]" :
						"[frame pointers]";
	/* an interpreted runtime's frame (rt_frames.h) */
	if (!t->kernel && ET_RTF_IS(ip) &&
	    (ET_RTF_KIND(ip) == ET_RTF_JAVA ||
	     ET_RTF_KIND(ip) == ET_RTF_JAVA_JIT)) {
		const char *tier;

		rt_java_frame(pid, ip, env->bare_frames, buf, sizeof(buf),
			      &tier);
		sym = arena_strdup(env->arena, buf);
		if (t->mode != STACK_PERF || env->bare_frames)
			return sym;
		return arena_printf(env->arena, "%" PRIx64 " %s ([java %s])",
				    (uint64_t)ET_RTF_PTR(ip), sym, tier);
	}
	if (!t->kernel && ET_RTF_IS(ip)) {
		bool node = ET_RTF_KIND(ip) == ET_RTF_NODE ||
			    ET_RTF_KIND(ip) == ET_RTF_V8_CODE ||
			    ET_RTF_KIND(ip) == ET_RTF_V8_INLINED;

		if (node)
			rt_v8_frame(pid, ip, env->bare_frames, buf, sizeof(buf));
		else
			rt_python_frame(pid, ip, env->bare_frames, buf,
					sizeof(buf));
		sym = arena_strdup(env->arena, buf);
		if (t->mode != STACK_PERF || env->bare_frames)
			return sym;
		return arena_printf(env->arena, "%" PRIx64 " %s (%s)",
				    (uint64_t)ET_RTF_PTR(ip), sym,
				    !node ? "[python]" :
				    ET_RTF_KIND(ip) == ET_RTF_V8_INLINED ?
					    "[js inlined]" :
					    "[js]");
	}
	if (t->kernel) {
		sym = ksyms__resolve(env_ksyms(env), ip, &off);
		if (sym && env->bare_frames)
			sym = arena_strdup(env->arena, sym);
		else
			sym = sym ? arena_printf(env->arena, "%s+%" PRIu64,
						 sym, off) :
			      addr_text(env->arena, ip);
	} else {
		(caller ? usyms__resolve_ra : usyms__resolve)(
		    env->usyms, pid, ip, !env->bare_frames, buf, sizeof(buf),
		    &module);
		sym = arena_strdup(env->arena, buf);
		/* config stack_lines: "name+off (file.c:17)"; not in
		 * folded stacks, whose frames are functions */
		if (!env->bare_frames &&
		    !usyms__line(env->usyms, pid, ip, caller, line,
				 sizeof(line)))
			sym = arena_printf(env->arena, "%s (%s)", sym, line);
	}
	if (t->mode != STACK_PERF || env->bare_frames)
		return sym;
	if (!t->kernel)
		sym = arena_printf(env->arena, "%s (%s)", sym,
				   module ? module : "[unknown]");
	return arena_printf(env->arena, "%" PRIx64 " %s", ip, sym);
}

static void decode_stack(struct value_env *env, const struct et_type *t,
			 uint64_t id, struct value *v)
{
	uint64_t ips[STACK_MAX_FRAMES], merged[STACK_MAX_FRAMES];
	int max = t->frames > 0 && t->frames < STACK_MAX_FRAMES ?
		  t->frames : STACK_MAX_FRAMES;
	/* runtime frames (rt_frames.h) follow the native ones: read all,
	 * merge, then keep max */
	bool rt = !t->kernel &&
		  (t->mode == STACK_BPFTRACE || t->mode == STACK_PERF);
	int n = env->stack_fn ? env->stack_fn(env->stack_ctx, t, id, ips,
					      rt ? STACK_MAX_FRAMES : max) :
				0;

	if (rt && n > 0) {
		n = rt_frames_merge((int)(id >> 32), ips, n, merged,
				    STACK_MAX_FRAMES);
		/* optimized V8 frames: their functions, inlined ones too */
		n = rt_v8_expand((int)(id >> 32), merged, n, ips,
				 STACK_MAX_FRAMES);
		memcpy(merged, ips, (size_t)(n > 0 ? n : 0) * sizeof(*ips));
		/* compiled Java frames: their methods, inlined ones too */
		n = rt_java_expand((int)(id >> 32), merged, n, ips, max);
	}

	/* bpftrace prints nothing for a stack it cannot read */
	if (n <= 0) {
		set_str(v, "", 0);
		return;
	}
	if (t->mode == STACK_BUILD_ID) {
		/* bpftrace 0.26 makes it a string: "\n" and a line a frame,
		 * not indented */
		const char *s = "\n";

		for (int i = 0; i < n && ips[i]; i++)
			s = arena_printf(env->arena, "%s%s\n", s,
					 stack_buildid_frame(env->arena,
							     (int)(id >> 32),
							     ips[i]));
		set_str(v, s, strlen(s));
		return;
	}
	v->kind = V_STACK;
	v->u.stack.n = 0;
	v->u.stack.perf = t->mode == STACK_PERF;
	v->u.stack.kernel = t->kernel;
	v->u.stack.runtime = false;
	v->u.stack.frames = arena_calloc(env->arena, n, sizeof(char *));
	for (int i = 0; i < n && ips[i]; i++) {
		v->u.stack.runtime |= ET_RTF_IS(ips[i]);
		v->u.stack.frames[v->u.stack.n++] =
			frame_text(env, t, ips[i], (int)(id >> 32), i > 0);
	}
}

static void decode_username(struct value_env *env, uint64_t uid,
			    struct value *v)
{
	FILE *f = fopen(env->passwd_path ? env->passwd_path : "/etc/passwd",
			"r");
	char line[1024], want[32];
	const char *name = "";

	snprintf(want, sizeof(want), "%" PRIu64, uid);
	while (f && fgets(line, sizeof(line), f)) {
		char *pw = strchr(line, ':'), *id = pw ? strchr(pw + 1, ':') :
			   NULL;

		if (!id || strncmp(id + 1, want, strlen(want)) ||
		    id[1 + strlen(want)] != ':')
			continue;
		name = arena_strndup(env->arena, line, pw - line);
		break;
	}
	if (f)
		fclose(f);
	set_str(v, name, strlen(name));
}

/* ntop(): { int64 af; u8 addr[16]; } */
static void decode_inet(struct value_env *env, const uint8_t *p, size_t size,
			struct value *v)
{
	char buf[INET6_ADDRSTRLEN] = "";
	int64_t af = 0;

	if (size >= 24) {
		memcpy(&af, p, 8);
		if (af == AF_INET || af == AF_INET6)
			inet_ntop(af, p + 8, buf, sizeof(buf));
	}
	set_str(v, arena_strdup(env->arena, buf), strlen(buf));
}

const char *value_format_buf(struct arena *a, const uint8_t *p, size_t len,
			     char mode, size_t *out_len)
{
	char *s = arena_alloc(a, len * 4 + 1), *o = s;

	for (size_t i = 0; i < len; i++) {
		if (mode == 'h')
			o += sprintf(o, i ? " %02x" : "%02x", p[i]);
		else if (mode == 'x' || p[i] < 32 || p[i] > 126)
			o += sprintf(o, "\\x%02x", p[i]);
		else
			*o++ = (char)p[i];
	}
	*o = '\0';
	*out_len = o - s;
	return s;
}

size_t value_buf_bytes(const struct et_type *t, const void *bytes, size_t size,
		       const uint8_t **data)
{
	const uint8_t *p = bytes;
	uint64_t len = 0;
	size_t avail = size > 8 ? size - 8 : 0;

	*data = p + 8;
	if (size < 8)
		return 0;
	memcpy(&len, p, 8);
	if (t && t->size && t->size < avail)
		avail = t->size;
	return len < avail ? (size_t)len : avail;
}

/* buf(): {u64 length, bytes} (program.h), printed as %r prints them. */
static void decode_buf(struct value_env *env, const struct et_type *t,
		       const uint8_t *p, size_t size, struct value *v)
{
	const uint8_t *data;
	size_t len = value_buf_bytes(t, p, size, &data), n;
	const char *s = value_format_buf(env->arena, data, len, 0, &n);

	set_str(v, s, n);
}

/* usym(), func in user probes: {u64 address, u64 tgid}: the function's
 * name without offset in that process, as bpftrace 0.17 prints it; hex
 * when unknown (the process may be gone). */
static void decode_usym(struct value_env *env, const uint8_t *p, size_t size,
			struct value *v)
{
	uint64_t addr = 0, tgid = 0;
	char buf[1024];
	const char *s;

	if (size >= 8)
		memcpy(&addr, p, 8);
	if (size >= 16)
		memcpy(&tgid, p + 8, 8);
	if (tgid && tgid <= INT32_MAX && env->usyms &&
	    !usyms__resolve(env->usyms, (int)tgid, addr, false, buf,
			    sizeof(buf), NULL))
		s = arena_strdup(env->arena, buf);
	else
		s = addr_text(env->arena, addr);
	set_str(v, s, strlen(s));
}

/* cgroup_path(): the directory whose inode is the cgroup id, under each
 * cgroup mount, as bpftrace 0.17 searches them (nftw has no context
 * argument: the search state is static, per thread: metrics read maps
 * on their own thread). */
static _Thread_local uint64_t cg_want;
static _Thread_local char cg_found[4096];

static int cg_visit(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	if (flag != FTW_D || st->st_ino != cg_want)
		return 0;
	snprintf(cg_found, sizeof(cg_found), "%s", path);
	return 1;
}

static const char *cgroup_in(struct arena *a, const char *root, uint64_t id)
{
	size_t n = strlen(root);

	cg_want = id;
	cg_found[0] = '\0';
	if (nftw(root, cg_visit, 16, FTW_PHYS) != 1)
		return "";
	return cg_found[n] ? arena_strdup(a, cg_found + n) : "/";
}

struct cg_root {
	const char *name, *path;
};

static int cg_root_cmp(const void *a, const void *b)
{
	const struct cg_root *x = a, *y = b;
	int v2x = !strcmp(x->name, "unified"), v2y = !strcmp(y->name,
							    "unified");

	return v2x != v2y ? v2y - v2x : strcmp(x->name, y->name);
}

/* "unified:/user.slice,cpu:/..." : cgroup2 mounts first, then v1 by name */
static void decode_cgroup_path(struct value_env *env, uint64_t id,
			       struct value *v)
{
	FILE *f = fopen("/proc/mounts", "r");
	struct cg_root roots[64];
	char dev[64], dir[1024], *out = NULL;
	size_t n = 0, len = 0;
	FILE *m = open_memstream(&out, &len);

	while (f && n < 64 && fscanf(f, "%63s %1023s%*[^\n]", dev, dir) == 2) {
		const char *base = strrchr(dir, '/');

		if (strcmp(dev, "cgroup") && strcmp(dev, "cgroup2"))
			continue;
		roots[n].path = arena_strdup(env->arena, dir);
		roots[n++].name = !strcmp(dev, "cgroup2") ? "unified" :
			arena_strdup(env->arena, base ? base + 1 : dir);
	}
	if (f)
		fclose(f);
	qsort(roots, n, sizeof(*roots), cg_root_cmp);
	for (size_t i = 0; m && i < n; i++)
		fprintf(m, "%s%s:%s", i ? "," : "", roots[i].name,
			cgroup_in(env->arena, roots[i].path, id));
	if (m)
		fclose(m);
	set_str(v, out ? arena_strndup(env->arena, out, len) : "", 0);
	v->u.str.len = strlen(v->u.str.s);
	free(out);
}

/* bpftrace's extension of the strftime() format: every "%f" becomes the
 * microseconds, 6 digits. */
static const char *timestamp_format(struct arena *a, const char *fmt,
				    uint64_t us)
{
	size_t n = 0, len = strlen(fmt);
	char *out = arena_alloc(a, len * 3 + 1);

	for (size_t i = 0; i < len; i++) {
		if (fmt[i] == '%' && fmt[i + 1] == 'f') {
			n += sprintf(out + n, "%06" PRIu64, us % 1000000);
			i++;
			continue;
		}
		out[n++] = fmt[i];
	}
	out[n] = '\0';
	return out;
}

/* strftime(): { u64 ACT_STRFTIME action id; u64 ns since boot }, local
 * time of the boot time plus ns, as bpftrace 0.17 (a result that does not
 * fit its 64-byte buffer prints "(?)"). */
static void decode_timestamp(struct value_env *env, const uint8_t *p,
			     size_t size, struct value *v)
{
	const struct et_program *prog = env->prog;
	uint64_t id = 0, ns = 0, sum;
	char buf[TIMESTAMP_BUF];
	const char *out = "(?)", *fmt;
	struct tm tm;
	time_t t;

	if (size >= 16) {
		memcpy(&id, p, 8);
		memcpy(&ns, p + 8, 8);
	}
	sum = (uint64_t)env->btime_nsec + ns;
	t = (time_t)(env->btime + sum / 1e9);
	if (prog && id < (uint64_t)prog->nactions &&
	    prog->actions[id].kind == ACT_STRFTIME && env->btime &&
	    localtime_r(&t, &tm)) {
		fmt = timestamp_format(env->arena, prog->actions[id].fmt_str,
				       sum % 1000000000 / 1000);
		if (strftime(buf, sizeof(buf), fmt, &tm))
			out = arena_strdup(env->arena, buf);
	}
	set_str(v, out, strlen(out));
}

static void decode_tuple(struct value_env *env, const struct et_type *t,
			 const uint8_t *p, size_t size, struct value *v)
{
	v->kind = V_TUPLE;
	v->u.tuple.n = t->nfields;
	v->u.tuple.items = arena_calloc(env->arena, t->nfields ? t->nfields : 1,
					sizeof(struct value));
	/* a record literal's type: a tuple whose fields have names */
	if (t->nfields && t->fields[0].name) {
		v->kind = V_RECORD;
		v->u.tuple.named_tuple = true;
		v->u.tuple.names =
		    arena_calloc(env->arena, t->nfields, sizeof(const char *));
		for (uint32_t i = 0; i < t->nfields; i++)
			v->u.tuple.names[i] =
			    t->fields[i].name ? t->fields[i].name : "";
	}
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct et_field *f = &t->fields[i];
		size_t fsize = f->type->kind == T_BUF ? 8 + f->type->size :
			       f->type->kind == T_USYM ? 16 : f->type->size;

		if (f->offset >= size)
			fsize = 0;
		else if (f->offset + fsize > size)
			fsize = size - f->offset;
		value_decode(env, f->type, p + f->offset, fsize,
			     &v->u.tuple.items[i]);
	}
}

static void decode_array(struct value_env *env, const struct et_type *t,
			 const uint8_t *p, size_t size, struct value *v)
{
	uint32_t es = t->elem ? t->elem->size : 0;
	uint32_t n = es ? t->count : 0;

	v->kind = V_ARRAY;
	v->u.tuple.items = arena_calloc(env->arena, n ? n : 1,
					sizeof(struct value));
	for (uint32_t i = 0; i < n && (i + 1) * es <= size; i++)
		value_decode(env, t->elem, p + i * es, es,
			     &v->u.tuple.items[v->u.tuple.n++]);
}

/* A bitfield: the bits of f at p, unsigned as etrace's reads of one
 * (bpftrace 0.17 prints the whole int that holds them). */
static void decode_bits(const struct et_field *f, const uint8_t *p, size_t size,
			struct value *v)
{
	uint64_t bits = 0;
	size_t n = (f->bit_offset + f->bit_size + 7) / 8;

	if (n > size)
		n = size;
	memcpy(&bits, p, n < 8 ? n : 8);
	bits >>= f->bit_offset;
	if (f->bit_size < 64)
		bits &= (1ull << f->bit_size) - 1;
	v->kind = V_UINT;
	v->u.u = bits;
}

/* How many named fields decode_fields() makes of record t: the fields
 * of an anonymous struct/union member count as the record's own, as C
 * (and bpftrace) name them. */
static uint32_t named_fields(const struct et_type *t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct et_field *f = &t->fields[i];

		if (f->name)
			n++;
		else if (f->type && f->type->kind == T_RECORD)
			n += named_fields(f->type);
	}
	return n;
}

/* The fields of record t at p (size bytes) into v's items from *n on. */
static void decode_fields(struct value_env *env, const struct et_type *t,
			  const uint8_t *p, size_t size, struct value *v,
			  int *n)
{
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct et_field *f = &t->fields[i];
		size_t off = f->offset < size ? f->offset : size;
		size_t fsize = f->type ? f->type->size : 0;

		if (fsize > size - off)
			fsize = size - off;
		if (!f->name) {
			if (f->type && f->type->kind == T_RECORD)
				decode_fields(env, f->type, p + off, fsize, v,
					      n);
			continue;
		}
		v->u.tuple.names[*n] = f->name;
		if (f->bit_size)
			decode_bits(f, p + off, fsize, &v->u.tuple.items[*n]);
		else
			value_decode(env, f->type, p + off, fsize,
				     &v->u.tuple.items[*n]);
		(*n)++;
	}
}

/* A struct or union read by value: every field, in declaration order. */
static void decode_record(struct value_env *env, const struct et_type *t,
			  const uint8_t *p, size_t size, struct value *v)
{
	uint32_t n = named_fields(t);

	v->kind = V_RECORD;
	v->u.tuple.items =
	    arena_calloc(env->arena, n ? n : 1, sizeof(struct value));
	v->u.tuple.names =
	    arena_calloc(env->arena, n ? n : 1, sizeof(const char *));
	decode_fields(env, t, p, size, v, &v->u.tuple.n);
}

/* Kinds user space prints as text of their own; false for others. */
static bool decode_text(struct value_env *env, const struct et_type *t,
			const uint8_t *p, size_t size, uint64_t u,
			struct value *v)
{
	const char *s;

	switch (t->kind) {
	case T_MACADDR:
		s = size < 6 ? "" : arena_printf(env->arena,
			"%02X:%02X:%02X:%02X:%02X:%02X", p[0], p[1], p[2],
			p[3], p[4], p[5]);
		break;
	case T_STRERROR:
		s = arena_strdup(env->arena, strerror((int)u));
		break;
	case T_SIGNAL_NAME:
		/* bpftrace 0.26's table is strsignal(3)'s, "N/A" past it */
		s = (int64_t)u >= 0 && (int64_t)u <= 64
			? arena_strdup(env->arena, strsignal((int)u))
			: "N/A";
		break;
	case T_SYSCALL_NAME:
		s = (int64_t)u >= 0 && (int64_t)u < et_nsyscall_names &&
				et_syscall_names[u]
			? et_syscall_names[u]
			: "Unknown syscall";
		break;
	case T_USYM:
		decode_usym(env, p, size, v);
		return true;
	case T_KSYM:
		decode_ksym(env, u, v);
		return true;
	case T_USERNAME:
		decode_username(env, u, v);
		return true;
	case T_INET:
		decode_inet(env, p, size, v);
		return true;
	case T_CGROUP_PATH:
		decode_cgroup_path(env, u, v);
		return true;
	case T_CONTAINER:
	case T_CONTAINER_NAME:
	case T_POD:
	case T_POD_NS:
	case T_POD_UID: {
		char buf[256];

		container_field(u, (enum container_field)(t->kind -
							  T_CONTAINER),
				buf, sizeof(buf));
		s = arena_strdup(env->arena, buf);
		break;
	}
	case T_TIMESTAMP:
		decode_timestamp(env, p, size, v);
		return true;
	default:
		return false;
	}
	set_str(v, s, strlen(s));
	return true;
}

/* a string, redacted as the program says (runtime/redact.h) */
static void decode_string(struct value_env *env, const char *s, size_t n,
			  struct value *v)
{
	char *r = NULL;
	int k = redact_string(env->prog ? env->prog->settings.redact : 0, s,
			      n, &r, &n);

	if (k > 0)
		s = arena_strndup(env->arena, r, n);
	free(r);
	set_str(v, k < 0 ? "" : s, k < 0 ? 0 : n);
}

void value_decode(struct value_env *env, const struct et_type *t,
		  const void *bytes, size_t size, struct value *v)
{
	const uint8_t *p = bytes;
	uint64_t u = size ? value_read_int(t, p, size) : 0;

	memset(v, 0, sizeof(*v));
	if (!t || t->kind == T_NONE)
		return;
	if (decode_text(env, t, p, size, u, v))
		return;
	switch (t->kind) {
	case T_STRING:
		decode_string(env, (const char *)p, strnlen((const char *)p,
							     size),
			      v);
		return;
	case T_BUF:
		decode_buf(env, t, p, size, v);
		return;
	case T_TUPLE:
		decode_tuple(env, t, p, size, v);
		return;
	case T_ARRAY:
		decode_array(env, t, p, size, v);
		return;
	case T_RECORD:
		decode_record(env, t, p, size, v);
		return;
	case T_STACK:
		decode_stack(env, t, u, v);
		return;
	case T_BOOL:
		v->kind = V_BOOL;
		v->u.u = u;
		return;
	default:
		/* integers, pointers, enums; bpftrace 0.17 prints pointer
		 * values signed ("@v: -4" for (int8 *)-4) */
		v->kind = (t->kind == T_INT && t->is_signed) ||
			  t->kind == T_PTR ? V_INT : V_UINT;
		v->u.u = u;
		/* a value cast to an enum prints as its constant's name, or
		 * as the number when the enum has none (bpftrace 0.26) */
		for (uint32_t i = 0; i < t->nenumerators; i++)
			if ((uint64_t)t->enumerators[i].value == u)
				v->sym = t->enumerators[i].name;
		return;
	}
}

int64_t value_average(const struct value *v)
{
	int64_t count = v->u.stats.count, total = v->u.stats.total;

	if (!count)
		return 0;
	if (count == -1)
		return (int64_t)(0 - (uint64_t)total);
	return total / count;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

int value_cmp_key(const struct value *a, const struct value *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case V_INT:
	case V_UINT:
	case V_BOOL:
		return cmp_u64(a->u.u, b->u.u);
	case V_STR: {
		size_t n = a->u.str.len < b->u.str.len ? a->u.str.len :
			   b->u.str.len;
		int c = memcmp(a->u.str.s, b->u.str.s, n);

		return c ? c : cmp_u64(a->u.str.len, b->u.str.len);
	}
	case V_RECORD:
		/* record literals field by field; structs keep their
		 * dump order */
		if (!a->u.tuple.named_tuple || !b->u.tuple.named_tuple)
			return 0;
		/* fall through */
	case V_TUPLE:
		for (int i = 0; i < a->u.tuple.n && i < b->u.tuple.n; i++) {
			int c = value_cmp_key(&a->u.tuple.items[i],
					      &b->u.tuple.items[i]);

			if (c)
				return c;
		}
		return 0;
	default:
		return 0;
	}
}
