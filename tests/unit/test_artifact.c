/* The compiled artifact (runtime/artifact.h): programs compiled through
 * the whole compiler come back from the artifact as the compiler described
 * them; a hand-made program with every kind of type and value survives the
 * round trip; and every damaged, truncated or foreign input gets one
 * sentence, never a crash (ASan runs these too). The committed seeds of
 * the artifact fuzzer must still read: when the format changes, they are
 * made again (tests/fuzz/corpus-artifact/README). */
#include "unit.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>

#include "artifact.h"
#include "artifact_out.h"
#include "codegen.h"
#include "compile.h"
#include "types.h"

#define TRACEFS ETRACE_TEST_DATA "/tracefs"

static char err[512];

/* Compiles src into an artifact (malloc'ed) as --compile-only does and
 * the runtime's program the compiler would describe (expect); 0 or an
 * error. */
static int compile_art(const char *src, void **art, size_t *len,
		       struct et_program **expect)
{
	struct compile_opts o = { .kallsyms = "", .tracefs = TRACEFS,
				  .ahead_of_time = true };
	struct codegen_opts co = { 0 };
	struct prog_meta meta;
	struct compile_ctx ctx;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	if (compile_ctx_init(&ctx, "t.et", src, strlen(src), &o))
		return -1;
	rc = compile_run(&ctx, NULL, NULL);
	if (!rc)
		rc = codegen_artifact(&ctx, &co, art, len);
	if (!rc && expect && !(rc = codegen_ex(&ctx, &meta, &co))) {
		*expect = artifact_program(&ctx, &meta);
		prog_meta_free(&meta);
	}
	if (rc)
		diags_print(&ctx.diags, stderr);
	compile_ctx_fini(&ctx);
	return rc;
}

static void same_type(const struct et_type *a, const struct et_type *b)
{
	CU_ASSERT_FATAL((a == NULL) == (b == NULL));
	if (!a)
		return;
	CU_ASSERT_EQUAL(a->kind, b->kind);
	CU_ASSERT_EQUAL(a->size, b->size);
	CU_ASSERT_EQUAL(a->is_signed, b->is_signed);
	CU_ASSERT_EQUAL(a->count, b->count);
	CU_ASSERT_EQUAL(a->kernel, b->kernel);
	CU_ASSERT_EQUAL(a->mode, b->mode);
	CU_ASSERT_EQUAL(a->frames, b->frames);
	CU_ASSERT_EQUAL(a->lh_min, b->lh_min);
	CU_ASSERT_EQUAL(a->lh_max, b->lh_max);
	CU_ASSERT_EQUAL(a->lh_step, b->lh_step);
	CU_ASSERT_EQUAL_FATAL(a->nfields, b->nfields);
	for (uint32_t i = 0; i < a->nfields; i++) {
		CU_ASSERT_EQUAL(a->fields[i].offset, b->fields[i].offset);
		CU_ASSERT((!a->fields[i].name && !b->fields[i].name) ||
			  !strcmp(a->fields[i].name, b->fields[i].name));
		same_type(a->fields[i].type, b->fields[i].type);
	}
	same_type(a->elem, b->elem);
}

static void same_str(const char *a, const char *b)
{
	CU_ASSERT((!a && !b) || (a && b && !strcmp(a, b)));
}

static void same_program(const struct et_program *a,
			 const struct et_program *b)
{
	CU_ASSERT_EQUAL_FATAL(a->nprobes, b->nprobes);
	CU_ASSERT_EQUAL_FATAL(a->nmaps, b->nmaps);
	CU_ASSERT_EQUAL_FATAL(a->nactions, b->nactions);
	CU_ASSERT_STRING_EQUAL(a->src.text, b->src.text);
	CU_ASSERT_EQUAL(a->ringbuf_size, b->ringbuf_size);
	for (int i = 0; i < a->nprobes; i++) {
		const struct et_probe *p = &a->probes[i], *q = &b->probes[i];

		CU_ASSERT_EQUAL(p->kind, q->kind);
		same_str(p->prog_name, q->prog_name);
		same_str(p->section, q->section);
		same_str(p->attach_target, q->attach_target);
		same_str(p->raw, q->raw);
		CU_ASSERT_EQUAL(p->loc.begin, q->loc.begin);
		CU_ASSERT_EQUAL(p->freq, q->freq);
		CU_ASSERT_EQUAL(p->ntp_fields, q->ntp_fields);
		CU_ASSERT_EQUAL_FATAL(p->ncore_fields, q->ncore_fields);
		for (int k = 0; k < p->ncore_fields; k++) {
			same_str(p->core_fields[k].type,
				 q->core_fields[k].type);
			same_str(p->core_fields[k].access,
				 q->core_fields[k].access);
			CU_ASSERT_EQUAL(p->core_fields[k].loc.begin,
					q->core_fields[k].loc.begin);
			CU_ASSERT_EQUAL(p->core_fields[k].loc.end,
					q->core_fields[k].loc.end);
		}
	}
	for (int i = 0; i < a->nmaps; i++) {
		same_str(a->maps[i].name, b->maps[i].name);
		CU_ASSERT_EQUAL(a->maps[i].key_size, b->maps[i].key_size);
		CU_ASSERT_EQUAL(a->maps[i].storage, b->maps[i].storage);
		same_type(a->maps[i].key, b->maps[i].key);
		same_type(a->maps[i].value, b->maps[i].value);
	}
	/* the settings' strings by value, the rest by bytes */
	{
		struct et_settings x = a->settings, y = b->settings;

		same_str(x.otlp_endpoint, y.otlp_endpoint);
		same_str(x.service_name, y.service_name);
		same_str(x.otlp_headers, y.otlp_headers);
		x.otlp_endpoint = y.otlp_endpoint = NULL;
		x.otlp_headers = y.otlp_headers = NULL;
		x.service_name = y.service_name = NULL;
		CU_ASSERT(!memcmp(&x, &y, sizeof(x)));
	}
	CU_ASSERT_EQUAL_FATAL(a->ndrops, b->ndrops);
	for (int i = 0; i < a->ndrops; i++) {
		const struct et_drop *x = &a->drops[i], *y = &b->drops[i];

		CU_ASSERT_EQUAL(x->cause, y->cause);
		CU_ASSERT_EQUAL(x->map_id, y->map_id);
		same_str(x->what, y->what);
		CU_ASSERT(!memcmp(&x->loc, &y->loc, sizeof(x->loc)));
		CU_ASSERT_EQUAL(x->limit, y->limit);
		if (x->cause == DROP_RATE_LIMIT || x->cause == DROP_SHED)
			CU_ASSERT_EQUAL(x->probe, y->probe);
	}
	for (int i = 0; i < a->nactions; i++) {
		const struct et_action *x = &a->actions[i], *y = &b->actions[i];

		CU_ASSERT_EQUAL(x->kind, y->kind);
		same_str(x->fmt_str, y->fmt_str);
		CU_ASSERT_EQUAL(x->rec_size, y->rec_size);
		CU_ASSERT_EQUAL(x->fmt.nspecs, y->fmt.nspecs);
		CU_ASSERT_EQUAL_FATAL(x->nargs, y->nargs);
		for (int k = 0; k < x->nargs; k++) {
			CU_ASSERT_EQUAL(x->args[k].offset, y->args[k].offset);
			same_type(x->args[k].type, y->args[k].type);
		}
	}
}

/* Programs through the whole compiler read back as described. */
static void test_compiled_round_trip(void)
{
	static const char *const progs[] = {
		"BEGIN { printf(\"%d %s %-5s|\\n\", 1, \"a\", comm); exit(); }",
		"tracepoint:sched:sched_switch { @[args->prev_comm, "
		"args->next_pid] = count(); @h = hist(args->prev_pid); "
		"@l[cpu] = lhist(args->next_pid, 0, 1000, 100); "
		"@s = stats(args->prev_pid); @k[kstack(3)] = sum(1); }",
		"interval:ms:100 { @t[1, \"x\", (int8)2] = (int32)5; "
		"print(@t); clear(@t); time(\"%H\\n\"); "
		"printf(\"%s\\n\", strftime(\"%Y\", nsecs)); }",
		"BEGIN { @p = curtask->real_parent->pid; "
		"@n = str(curtask->mm->exe_file->f_path.dentry->d_name.name); }",
	};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct et_program *want = NULL, *got = NULL;
		void *art = NULL;
		size_t len = 0;

		CU_ASSERT_EQUAL_FATAL(compile_art(progs[i], &art, &len, &want),
				      0);
		CU_ASSERT_EQUAL(artifact__read(art, len, &got, err,
					       sizeof(err)), 0);
		if (!got)
			fprintf(stderr, "\n%s: %s\n", progs[i], err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_EQUAL(got->obj_len, len);
		same_program(got, want);
		et_program__free(got);
		et_program__free(want);
		free(art);
	}
}

/* The smallest ELF64 object: a null section and the section names. */
static void *tiny_elf(size_t *len)
{
	static const char names[] = "\0.shstrtab";
	size_t shoff = (sizeof(Elf64_Ehdr) + sizeof(names) + 7) & ~7ul;
	size_t n = shoff + 2 * sizeof(Elf64_Shdr);
	char *b = calloc(1, n);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Shdr *sh = (Elf64_Shdr *)(b + shoff);

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_REL;
	eh->e_machine = EM_BPF;
	eh->e_ehsize = sizeof(*eh);
	eh->e_shoff = shoff;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 2;
	eh->e_shstrndx = 1;
	memcpy(b + sizeof(*eh), names, sizeof(names));
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_STRTAB;
	sh[1].sh_offset = sizeof(*eh);
	sh[1].sh_size = sizeof(names);
	*len = n;
	return b;
}

/* A program with every kind of type the runtime decodes. */
static struct et_program *rich_program(void)
{
	struct arena *a = arena__new();
	struct et_program *p = arena_calloc(a, 1, sizeof(*p));
	struct et_type *i32 = etype_new(a, T_INT, 4), *s16, *tup, *rec, *arr;
	struct et_type *stk, *lh, *cnt;

	p->arena = a;
	p->src.name = "x.et";
	p->src.text = "kprobe:vfs_* { @[comm, kstack] = lhist(1, 0, 10, 1); }";
	p->src.len = strlen(p->src.text);
	p->ringbuf_size = 1 << 18;
	i32->is_signed = true;
	s16 = etype_new(a, T_STRING, 16);
	arr = etype_new(a, T_ARRAY, 12);
	arr->elem = i32;
	arr->count = 3;
	rec = etype_new(a, T_RECORD, 32);
	rec->name = "struct x";
	rec->nfields = 3;
	rec->fields = arena_calloc(a, 3, sizeof(*rec->fields));
	rec->fields[0] = (struct et_field){ "a", i32, 0, 3, 5 };
	rec->fields[1] = (struct et_field){ "b", arr, 16, 0, 0 };
	/* a bitfield in the last 2 bytes: its int would not fit there */
	rec->fields[2] = (struct et_field){ "c", i32, 30, 4, 12 };
	stk = etype_new(a, T_STACK, 8);
	stk->kernel = true;
	stk->mode = STACK_PERF;
	stk->frames = 3;
	tup = etype_new(a, T_TUPLE, 64);
	tup->nfields = 3;
	tup->fields = arena_calloc(a, 3, sizeof(*tup->fields));
	tup->fields[0] = (struct et_field){ NULL, s16, 0, 0, 0 };
	tup->fields[1] = (struct et_field){ NULL, stk, 16, 0, 0 };
	tup->fields[2] = (struct et_field){ NULL, rec, 24, 0, 0 };
	lh = etype_new(a, T_LHIST, 8);
	lh->lh_min = -(1ll << 52); /* beyond a double's exact integers... */
	lh->lh_max = (1ll << 52) + 2;
	lh->lh_step = 1ll << 45; /* ...in 256 buckets */
	cnt = etype_new(a, T_COUNT, 8);
	p->nmaps = 2;
	p->maps = arena_calloc(a, 2, sizeof(*p->maps));
	p->maps[0] = (struct et_map){ 0, "@", "m0", tup, lh, MS_PERCPU_HASH,
				      72, 8, 4096, true };
	p->maps[1] = (struct et_map){ 1, "@c", "m1", NULL, cnt,
				      MS_PERCPU_HASH, 4, 8, 1, false };
	p->nactions = 1;
	p->actions = arena_calloc(a, 1, sizeof(*p->actions));
	p->actions[0].kind = ACT_PRINTF;
	p->actions[0].fmt_str = "%s %d\n";
	printf_fmt_parse(a, p->actions[0].fmt_str, 6, &p->actions[0].fmt);
	p->actions[0].rec_size = 40;
	p->actions[0].map_id = -1;
	p->actions[0].nargs = 2;
	p->actions[0].args = arena_calloc(a, 2, sizeof(struct et_arg));
	p->actions[0].args[0] = (struct et_arg){ s16, 8, 16 };
	p->actions[0].args[1] = (struct et_arg){ i32, 24, 8 };
	p->nprobes = 1;
	p->probes = arena_calloc(a, 1, sizeof(*p->probes));
	p->probes[0].kind = PK_KPROBE;
	p->probes[0].prog_name = "p0_0";
	p->probes[0].section = "kprobe/vfs_read";
	p->probes[0].raw = "kprobe:vfs_*";
	p->probes[0].loc = (struct loc){ 0, 12 };
	p->probes[0].func = "vfs_*";
	p->probes[0].wildcard = true;
	p->probes[0].offset = 0xfedcba9876543210ull; /* beyond a double */
	p->probes[0].nmatches = 2;
	p->probes[0].matches = arena_calloc(a, 2, sizeof(char *));
	p->probes[0].matches[0] = "vfs_read";
	p->probes[0].matches[1] = "vfs_write";
	p->probes[0].ncore_fields = 1;
	p->probes[0].core_fields = arena_calloc(a, 1,
						sizeof(struct et_core_field));
	p->probes[0].core_fields[0] = (struct et_core_field){
	    "struct file", "f_path.dentry", { 14, 20 } };
	p->nparams = 1;
	p->params = arena_calloc(a, 1, sizeof(char *));
	p->params[0] = "42";
	p->kaddr[0] = "jiffies";
	p->kaddr_loc[0] = LOC_NONE;
	p->nkaddr = 1;
	p->settings = (struct et_settings){ 7, 99, 4096, true, false,
					    USYM_CACHE_NONE };
	p->settings.stack_lines = true;
	p->settings.otlp_endpoint = "http://collector:4318";
	p->settings.otlp_protocol = 1;
	p->settings.otlp_protocol_set = true;
	p->settings.otlp_headers = "Authorization=Bearer%20x,x-tenant=a";
	p->settings.otlp_interval_set = true;
	p->settings.otlp_interval_ms = 0;
	p->settings.otlp_queue = 99;
	p->settings.service_name = "checkout";
	p->settings.redact = 0x4f; /* email card ssn ipv4 sql */
	p->settings.max_overhead = 50; /* 0.5% */
	p->ndrops = 5;
	p->drops = arena_calloc(a, 5, sizeof(*p->drops));
	p->drops[3] = (struct et_drop){ DROP_RATE_LIMIT, -1, "kprobe:vfs_read",
					(struct loc){ 0, 3 }, 10000, 0 };
	p->drops[4] = (struct et_drop){ DROP_SHED, -1, "kprobe:vfs_read",
					(struct loc){ 0, 3 }, 0, 0 };
	p->drops[0] = (struct et_drop){ DROP_MAP_FULL, 1, NULL, LOC_NONE, 77 };
	p->drops[1] = (struct et_drop){ DROP_STACK_COLLISION, -1, "kstack",
					LOC_NONE, 4096 };
	p->drops[2] = (struct et_drop){ DROP_READ, -1, "probe_read_kernel",
					(struct loc){ 2, 5 }, 0 };
	return p;
}

/* artifact bytes of p in a tiny ELF (malloc'ed) */
static void *build(const struct et_program *p, const char *meta_override,
		   size_t *len)
{
	char *meta = meta_override ? strdup(meta_override) : artifact__meta(p);
	size_t elen;
	void *elf = tiny_elf(&elen), *art = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(meta);
	CU_ASSERT_EQUAL(artifact__build(elf, elen, meta, &art, len), 0);
	free(meta);
	free(elf);
	return art;
}

static void test_rich_round_trip(void)
{
	struct et_program *p = rich_program(), *q = NULL;
	size_t len;
	void *art = build(p, NULL, &len);
	char *m1, *m2;

	CU_ASSERT_EQUAL(artifact__read(art, len, &q, err, sizeof(err)), 0);
	if (!q)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	same_program(q, p);
	CU_ASSERT_EQUAL(q->probes[0].offset, 0xfedcba9876543210ull);
	CU_ASSERT_EQUAL(q->probes[0].nmatches, 2);
	CU_ASSERT_STRING_EQUAL(q->probes[0].matches[1], "vfs_write");
	CU_ASSERT_EQUAL(q->maps[0].value->lh_min, -(1ll << 52));
	CU_ASSERT_EQUAL(q->maps[0].value->lh_max, (1ll << 52) + 2);
	CU_ASSERT_EQUAL(q->maps[0].key->fields[2].type->fields[0].bit_size,
			5);
	CU_ASSERT_EQUAL(q->maps[0].key->fields[2].type->fields[2].offset, 30);
	CU_ASSERT_EQUAL(q->maps[0].key->fields[2].type->fields[2].bit_offset,
			4);
	CU_ASSERT_STRING_EQUAL(q->probes[0].core_fields[0].access,
			       "f_path.dentry");
	CU_ASSERT_STRING_EQUAL(q->params[0], "42");
	CU_ASSERT_STRING_EQUAL(q->kaddr[0], "jiffies");
	CU_ASSERT_EQUAL(q->actions[0].fmt.nspecs, 2);
	/* config otlp_*: interval 0 (at exit only) is not "unset" */
	CU_ASSERT_STRING_EQUAL(q->settings.otlp_endpoint,
			       "http://collector:4318");
	CU_ASSERT_EQUAL(q->settings.otlp_protocol, 1);
	CU_ASSERT_TRUE(q->settings.otlp_protocol_set);
	CU_ASSERT_STRING_EQUAL(q->settings.otlp_headers,
			       "Authorization=Bearer%20x,x-tenant=a");
	CU_ASSERT_TRUE(q->settings.otlp_interval_set);
	CU_ASSERT_EQUAL(q->settings.otlp_interval_ms, 0);
	CU_ASSERT_EQUAL(q->settings.otlp_queue, 99);
	CU_ASSERT_STRING_EQUAL(q->settings.service_name, "checkout");
	CU_ASSERT_EQUAL(q->settings.redact, 0x4f);
	CU_ASSERT_EQUAL(q->settings.max_overhead, 50);
	CU_ASSERT_EQUAL(q->drops[3].probe, 0);
	CU_ASSERT_EQUAL(q->drops[3].limit, 10000);
	CU_ASSERT_EQUAL(q->drops[0].probe, -1);
	/* what is read writes the same metadata again */
	m1 = artifact__meta(p);
	m2 = artifact__meta(q);
	CU_ASSERT_STRING_EQUAL(m1, m2);
	free(m1);
	free(m2);
	et_program__free(q);
	et_program__free(p);
	free(art);
}

static void expect_refused(const void *buf, size_t len, const char *msg)
{
	struct et_program *q = (void *)1;

	CU_ASSERT_EQUAL(artifact__read(buf, len, &q, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NULL(q);
	if (!strstr(err, msg))
		fprintf(stderr, "\nwanted '%s', got '%s'\n", msg, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
}

/* meta with the first occurrence of from replaced by to */
static void expect_meta_refused(const char *from, const char *to,
				const char *msg)
{
	struct et_program *p = rich_program();
	char *meta = artifact__meta(p), *at = strstr(meta, from), *bad;
	size_t len;
	void *art;

	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	bad = malloc(strlen(meta) + strlen(to) + 1);
	sprintf(bad, "%.*s%s%s", (int)(at - meta), meta, to,
		at + strlen(from));
	art = build(p, bad, &len);
	expect_refused(art, len, msg);
	free(art);
	free(bad);
	free(meta);
	et_program__free(p);
}

#define TEXT_OF(x) #x
#define VERSION_TEXT_OF(x) TEXT_OF(x)
#define VERSION_TEXT VERSION_TEXT_OF(ET_ARTIFACT_VERSION)

static void test_refusals(void)
{
	size_t len;
	void *elf = tiny_elf(&len);

	expect_refused("#!/bin/sh", 9, "not an ELF64 object");
	expect_refused(elf, len, "without etrace's .etrace section");
	expect_refused(elf, 20, "truncated");
	free(elf);
	expect_meta_refused("\"etrace_artifact\":" VERSION_TEXT,
			    "\"etrace_artifact\":7", "format version 7");
	expect_meta_refused("\"etrace_artifact\":" VERSION_TEXT, "\"x\":1",
			    "not etrace's");
	expect_meta_refused("{", "[", "not valid JSON");
	expect_meta_refused("\"otlp_protocol\":\"json\"",
			    "\"otlp_protocol\":\"grpc\"",
			    "unknown otlp_protocol 'grpc'");
	expect_meta_refused("\"types\":[", "\"types\":[7,", "types[0]");
	expect_meta_refused("\"kind\":\"int\"", "\"kind\":\"float\"",
			    "unknown kind 'float'");
	expect_meta_refused("\"size\":4", "\"size\":3", "integer of 3 bytes");
	expect_meta_refused("\"offset\":16", "\"offset\":30",
			    "outside its 32 bytes");
	expect_meta_refused("\"elem\":2", "\"elem\":9", "type index");
	/* bits 4..16 of byte 30 fit a 32-byte struct, bits 4..17 do not */
	expect_meta_refused("\"bit_offset\":4,\"bit_size\":12",
			    "\"bit_offset\":4,\"bit_size\":13",
			    "a field lies outside its 32 bytes");
	expect_meta_refused("\"bit_offset\":4,\"bit_size\":12",
			    "\"bit_offset\":4,\"bit_size\":61",
			    "spans more than 64 bits");
	expect_meta_refused("\"key_size\":72", "\"key_size\":8",
			    "does not fit its sizes");
	expect_meta_refused("\"storage\":\"percpu_hash\"",
			    "\"storage\":\"lru\"", "unknown storage");
	expect_meta_refused("\"kind\":\"kprobe\"", "\"kind\":\"kp\"",
			    "unknown probe kind 'kp'");
	expect_meta_refused("\"prog\":\"p0_0\",", "", "'prog' is missing");
	expect_meta_refused("\"loc\":[0,12]", "\"loc\":[0,9999]",
			    "not a place in the script");
	expect_meta_refused("\"offset\":\"18364758544493064720\"",
			    "\"offset\":\"-1\"", "not a 64-bit integer");
	expect_meta_refused("\"rec_size\":40", "\"rec_size\":20",
			    "outside its record");
	expect_meta_refused("\"step\":\"35184372088832\"", "\"step\":\"0\"",
			    "not a valid lhist");
	expect_meta_refused("\"ringbuf_size\":262144",
			    "\"ringbuf_size\":1000", "power of two");
	expect_meta_refused("\"rec_size\":40", "\"rec_size\":40,\"map\":5",
			    "does not exist");
	expect_meta_refused("\"access\":\"f_path.dentry\"", "\"access\":\"\"",
			    "a core field without a name");
	expect_meta_refused("\"type\":\"struct file\"", "\"type\":7",
			    "'type' is not a string");
	expect_meta_refused("\"loc\":[14,20]", "\"loc\":[14,999]",
			    "not a place in the script");
	expect_meta_refused("\"cause\":\"map_full\"", "\"cause\":\"x\"",
			    "unknown cause 'x'");
	expect_meta_refused("\"map\":1", "\"map\":2",
			    "not a map of the program");
	expect_meta_refused("\"what\":\"kstack\",", "",
			    "which stack is not said");
	expect_meta_refused("\"limit\":10000,\"probe\":0",
			    "\"limit\":10000,\"probe\":9",
			    "not a probe of the program");
	expect_meta_refused("\"limit\":10000,\"probe\":0",
			    "\"limit\":10000", "not a probe of the program");
	expect_meta_refused("\"limit\":10000,", "",
			    "a rate limit of 0");
	expect_meta_refused("\"log_size\":4096", "\"log_size\":12",
			    "too small");
	expect_meta_refused("\"cache_user_symbols\":\"none\"",
			    "\"cache_user_symbols\":\"all\"",
			    "unknown cache_user_symbols 'all'");
}

/* An artifact without settings or drop counters (they are optional)
 * has bpftrace's settings and counts nothing. */
static void test_run_fields_optional(void)
{
	struct et_program *p = rich_program(), *q = NULL;
	char *meta = artifact__meta(p), *cut = strstr(meta, ",\"settings\":");
	struct et_settings def;
	size_t len;
	void *art;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
	strcpy(cut, "}"); /* settings and drops are the last fields */
	art = build(p, meta, &len);
	CU_ASSERT_EQUAL(artifact__read(art, len, &q, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	et_settings_default(&def);
	CU_ASSERT(!memcmp(&q->settings, &def, sizeof(def)));
	CU_ASSERT_EQUAL(q->settings.max_probes, 512);
	CU_ASSERT_EQUAL(q->ndrops, 0);
	et_program__free(q);
	free(art);
	free(meta);
	et_program__free(p);
}

/* Every prefix of an artifact, and single flipped bytes across it, is
 * refused or read; never a crash (under ASan, never a bad access). */
static void test_damage(void)
{
	struct et_program *p = rich_program(), *q;
	size_t len, n = 0;
	uint8_t *art = build(p, NULL, &len);

	for (size_t cut = 0; cut < len; cut++) {
		if (!artifact__read(art, cut, &q, err, sizeof(err))) {
			et_program__free(q);
			n++;
		}
	}
	CU_ASSERT_EQUAL(n, 0); /* the headers are at the end */
	for (size_t i = 0; i < len; i += 3) {
		uint8_t save = art[i];

		art[i] ^= (uint8_t)(0x5a + i);
		if (!artifact__read(art, len, &q, err, sizeof(err)))
			et_program__free(q);
		art[i] = save;
	}
	free(art);
	et_program__free(p);
}

/* The fuzzer's committed seeds are artifacts this build reads. */
static void test_fuzz_seeds_current(void)
{
	const char *dir = ETRACE_TEST_DATA "/../fuzz/corpus-artifact";
	struct et_program *q;
	struct dirent *e;
	char path[1024];
	int n = 0, bad = 0;
	DIR *d = opendir(dir);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".eto"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (artifact__read_file(path, &q, err, sizeof(err))) {
			fprintf(stderr, "\n%s: %s (remake the seeds: "
				"tests/fuzz/corpus-artifact/README)\n", path,
				err);
			bad++;
		} else {
			et_program__free(q);
			n++;
		}
	}
	closedir(d);
	CU_ASSERT(n >= 3);
	CU_ASSERT_EQUAL(bad, 0);
}

UNIT_MAIN("artifact", UNIT_TEST(test_compiled_round_trip),
	  UNIT_TEST(test_rich_round_trip), UNIT_TEST(test_refusals),
	  UNIT_TEST(test_run_fields_optional),
	  UNIT_TEST(test_damage), UNIT_TEST(test_fuzz_seeds_current))
