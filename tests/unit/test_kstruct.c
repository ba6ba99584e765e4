/* Unit tests of kernel struct field accesses as CO-RE relocations
 * (compiler/codegen/cg_kstruct.c), no root: scripts are compiled against
 * the running kernel's BTF, and the object's .BTF.ext must hold the
 * relocations libbpf resolves at load (root type, access string, kind),
 * one per access chain, with the accesses listed for the runtime
 * (probe_meta.core_fields); records that are not the kernel's keep plain
 * offsets. The expected access strings are worked out here from the BTF,
 * member by member. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "codegen.h"
#include "unit.h"

#define TRACEFS ETRACE_TEST_DATA "/tracefs"
#define MAX_RELOS 32

static struct compile_ctx ctx;
static struct prog_meta prog;
static struct btf *kbtf; /* what the compiler reads: the running kernel's */

struct relo {
	char raw[64];	 /* the root's name in the object's BTF */
	char type[64];	 /* the same without a "___flavor" */
	char access[64]; /* "0:12:3" */
	unsigned kind;
};
static struct relo relos[MAX_RELOS];
static int nrelos;

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

/* Compiles src (optimized unless no_opt) into prog, ahead of time
 * (--compile-only) unless now: only such programs relocate. */
static int gen_opt(const char *src, bool no_opt, bool now)
{
	struct compile_opts o = {
	    .kallsyms = "", .tracefs = TRACEFS, .ahead_of_time = !now};
	struct codegen_opts co = {.no_opt = no_opt};
	int err;

	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	memset(&ctx, 0, sizeof(ctx));
	if (compile_ctx_init(&ctx, "t.et", src, strlen(src), &o))
		return -1;
	err = compile_run(&ctx, NULL, NULL);
	if (!err)
		err = codegen_ex(&ctx, &prog, &co);
	if (err)
		diags_print(&ctx.diags, stderr);
	return err;
}

static int gen(const char *src)
{
	return gen_opt(src, false, false);
}

/* The section name of the object (ELF64, as LLVM writes it). */
static const void *section(const char *name, size_t *size)
{
	const char *b = prog.obj;
	const Elf64_Ehdr *eh = (const void *)b;
	const Elf64_Shdr *sh = (const void *)(b + eh->e_shoff);
	const char *names = b + sh[eh->e_shstrndx].sh_offset;

	for (int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name)) {
			*size = sh[i].sh_size;
			return b + sh[i].sh_offset;
		}
	return NULL;
}

/* .BTF.ext's CO-RE records (its layout: linux/bpf.h, libbpf's btf.c). */
struct ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_off, func_len, line_off, line_len, core_off, core_len;
};

static void add_relo(const struct btf *btf, const struct bpf_core_relo *r)
{
	const struct btf_type *t = btf__type_by_id(btf, r->type_id);
	struct relo *x = &relos[nrelos++];

	snprintf(x->raw, sizeof(x->raw), "%s",
		 btf__name_by_offset(btf, t->name_off));
	memcpy(x->type, x->raw, sizeof(x->type));
	if (strstr(x->type, "___"))
		*strstr(x->type, "___") = '\0';
	snprintf(x->access, sizeof(x->access), "%s",
		 btf__name_by_offset(btf, r->access_str_off));
	x->kind = r->kind;
}

/* Fills relos from the last compiled object. */
static void read_relos(void)
{
	size_t blen = 0, elen = 0;
	const void *braw = section(".BTF", &blen);
	const char *ext = section(".BTF.ext", &elen), *p, *end;
	const struct ext_hdr *h = (const void *)ext;
	struct btf *btf;
	uint32_t rec;

	nrelos = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(braw);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ext);
	btf = btf__new(braw, blen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(btf);
	if (h->hdr_len < sizeof(*h) || !h->core_len) {
		btf__free(btf);
		return;
	}
	p = ext + h->hdr_len + h->core_off;
	end = p + h->core_len;
	memcpy(&rec, p, 4);
	for (p += 4; p + 8 <= end;) {
		uint32_t n;

		memcpy(&n, p + 4, 4);
		p += 8;
		for (uint32_t i = 0; i < n && nrelos < MAX_RELOS; i++, p += rec)
			add_relo(btf, (const void *)p);
	}
	btf__free(btf);
}

static int count(const char *type, const char *access, unsigned kind)
{
	int n = 0;

	for (int i = 0; i < nrelos; i++)
		n += !strcmp(relos[i].type, type) &&
		     !strcmp(relos[i].access, access) && relos[i].kind == kind;
	return n;
}

/* ---- the oracle: ":i:j" of member name of the kernel's struct id ---- */

static int strip(int id)
{
	const struct btf_type *t = btf__type_by_id(kbtf, id);

	while (btf_is_mod(t) || btf_is_typedef(t)) {
		id = t->type;
		t = btf__type_by_id(kbtf, id);
	}
	return id;
}

/* Appends ":i" per member from struct id down to name (anonymous members
 * on the way included); returns the member's type, 0 when not found. */
static int path(int id, const char *name, char *out)
{
	const struct btf_type *t = btf__type_by_id(kbtf, id);
	const struct btf_member *m = btf_members(t);
	size_t len = strlen(out);

	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(kbtf, m[i].name_off), name)) {
			sprintf(out + len, ":%d", i);
			return strip(m[i].type);
		}
	for (int i = 0, in; i < btf_vlen(t); i++) {
		if (m[i].name_off ||
		    !btf_is_composite(btf__type_by_id(kbtf, strip(m[i].type))))
			continue;
		sprintf(out + len, ":%d", i);
		if ((in = path(strip(m[i].type), name, out)))
			return in;
		out[len] = '\0';
	}
	return 0;
}

/* "0:..." of struct root, then the members named in fields (a space
 * between names): the access string a chain through them gets */
static const char *want(const char *root, const char *fields)
{
	static char out[64];
	char buf[128], *f, *save;
	int id = btf__find_by_name_kind(kbtf, root, BTF_KIND_STRUCT);

	CU_ASSERT_FATAL(id > 0);
	strcpy(out, "0");
	snprintf(buf, sizeof(buf), "%s", fields);
	for (f = strtok_r(buf, " ", &save); f; f = strtok_r(NULL, " ", &save))
		CU_ASSERT_FATAL((id = path(id, f, out)) != 0);
	return out;
}

static const struct core_field_meta *field_meta(int probe)
{
	CU_ASSERT_FATAL(probe < prog.nprobes);
	return prog.probes[probe].core_fields;
}

/* ---- tests ---- */

static void test_field(void)
{
	const char *src = "BEGIN { @ = curtask->pid; }";
	const struct core_field_meta *f;

	CU_ASSERT_EQUAL_FATAL(gen(src), 0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 1);
	CU_ASSERT_EQUAL(count("task_struct", want("task_struct", "pid"),
			      BPF_CORE_FIELD_BYTE_OFFSET),
			1);
	f = field_meta(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->type, "struct task_struct");
	CU_ASSERT_STRING_EQUAL(f->access, "pid");
	CU_ASSERT_EQUAL(f->loc.begin, strstr(src, "curtask") - src);
	CU_ASSERT_EQUAL(f->loc.end, strstr(src, "; }") - src);
	CU_ASSERT_PTR_NULL(f->next);
	/* to run at once on the kernel it was typed with: offsets */
	CU_ASSERT_EQUAL_FATAL(gen_opt(src, false, true), 0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 0);
	CU_ASSERT_PTR_NULL(field_meta(0));
}

/* Members of members are one relocation; a pointer read starts another. */
static void test_chains(void)
{
	char a[64];
	const struct core_field_meta *f;

	CU_ASSERT_EQUAL_FATAL(gen("kprobe:vfs_read { @ = ((struct file *)"
				  "arg0)->f_path.dentry; }"),
			      0);
	read_relos();
	snprintf(a, sizeof(a), "%s", want("file", "f_path"));
	path(btf__find_by_name_kind(kbtf, "path", BTF_KIND_STRUCT), "dentry",
	     a);
	CU_ASSERT_EQUAL(nrelos, 1);
	CU_ASSERT_EQUAL(count("file", a, BPF_CORE_FIELD_BYTE_OFFSET), 1);
	f = field_meta(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->type, "struct file");
	CU_ASSERT_STRING_EQUAL(f->access, "f_path.dentry");

	CU_ASSERT_EQUAL_FATAL(gen("BEGIN { @ = curtask->real_parent->tgid; }"),
			      0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 2);
	CU_ASSERT_EQUAL(
	    count("task_struct", want("task_struct", "real_parent"), 0), 1);
	CU_ASSERT_EQUAL(count("task_struct", want("task_struct", "tgid"), 0),
			1);
}

/* mm_struct keeps most members in an anonymous struct; a constant index
 * is part of the relocation */
static void test_anonymous_and_index(void)
{
	char a[64];

	CU_ASSERT_EQUAL_FATAL(gen("BEGIN { @ = curtask->mm->saved_auxv[2]; "
				  "}"),
			      0);
	read_relos();
	snprintf(a, sizeof(a), "%s:2", want("mm_struct", "saved_auxv"));
	CU_ASSERT_EQUAL(count("mm_struct", a, BPF_CORE_FIELD_BYTE_OFFSET), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(field_meta(0));
	CU_ASSERT_STRING_EQUAL(field_meta(0)->next->access, "saved_auxv[2]");
}

/* A bitfield: its storage's offset and size and both shifts relocated */
static void test_bitfield(void)
{
	const char *a;

	CU_ASSERT_EQUAL_FATAL(gen("BEGIN { @ = curtask->signal->"
				  "is_child_subreaper; }"),
			      0);
	read_relos();
	a = want("signal_struct", "is_child_subreaper");
	CU_ASSERT_EQUAL(count("signal_struct", a, BPF_CORE_FIELD_BYTE_OFFSET),
			1);
	CU_ASSERT_EQUAL(count("signal_struct", a, BPF_CORE_FIELD_BYTE_SIZE), 1);
	CU_ASSERT_EQUAL(count("signal_struct", a, BPF_CORE_FIELD_LSHIFT_U64),
			1);
	CU_ASSERT_EQUAL(count("signal_struct", a, BPF_CORE_FIELD_RSHIFT_U64),
			1);
}

/* fentry's args are the context; what they point to is the kernel's */
static void test_fentry_args(void)
{
	CU_ASSERT_EQUAL_FATAL(gen("fentry:vfs_read { @ = args->file->f_inode; "
				  "}"),
			      0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 1);
	CU_ASSERT_EQUAL(count("file", want("file", "f_inode"), 0), 1);
}

/* Only the kernel's records are relocated: the preamble's and the
 * tracepoint formats' keep their offsets. */
static void test_only_kernel_records(void)
{
	CU_ASSERT_EQUAL_FATAL(gen("struct foo { int a; int b; }\n"
				  "BEGIN { @a = ((struct foo *)curtask)->b; "
				  "@b = curtask->pid; }"),
			      0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 1);
	CU_ASSERT_EQUAL(count("task_struct", want("task_struct", "pid"), 0), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(field_meta(0));
	CU_ASSERT_STRING_EQUAL(field_meta(0)->access, "pid");
	CU_ASSERT_PTR_NULL(field_meta(0)->next);
	CU_ASSERT_EQUAL_FATAL(gen("tracepoint:sched:sched_switch "
				  "{ @ = args->prev_pid + curtask->pid; }"),
			      0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 1);
	CU_ASSERT_EQUAL(count("task_struct", want("task_struct", "pid"), 0), 1);
}

/* Without the optimizer, the BPF target's passes still lower the
 * accesses (instruction selection aborts on the intrinsics). */
static void test_unoptimized(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    gen_opt("BEGIN { @ = curtask->mm->exe_file; }", true, false), 0);
	read_relos();
	CU_ASSERT_EQUAL(nrelos, 2);
	CU_ASSERT_EQUAL(count("mm_struct", want("mm_struct", "exe_file"), 0),
			1);
}

/* LLVM 16 keeps each relocation's global in a static map: a second
 * module of the process must get its own relocation, not a global of the
 * first (freed) module. Its record name carries a flavor libbpf ignores. */
static void test_second_module(void)
{
	const char *src = "BEGIN { @ = curtask->tgid; }";
	const char *a;
	char *names[3];

	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(gen(src), 0);
		read_relos();
		CU_ASSERT_EQUAL(nrelos, 1);
		a = want("task_struct", "tgid");
		CU_ASSERT_STRING_EQUAL(relos[0].access, a);
		CU_ASSERT_STRING_EQUAL(relos[0].type, "task_struct");
		names[i] = strdup(relos[0].raw);
	}
	CU_ASSERT(strcmp(names[0], names[1]) && strcmp(names[1], names[2]));
	for (int i = 0; i < 3; i++)
		free(names[i]);
}

int main(void)
{
	static const struct unit_test t[] = {
	    UNIT_TEST(test_field),
	    UNIT_TEST(test_chains),
	    UNIT_TEST(test_anonymous_and_index),
	    UNIT_TEST(test_bitfield),
	    UNIT_TEST(test_fentry_args),
	    UNIT_TEST(test_only_kernel_records),
	    UNIT_TEST(test_unoptimized),
	    UNIT_TEST(test_second_module),
	};
	int ret;

	libbpf_set_print(quiet);
	kbtf = btf__load_vmlinux_btf();
	if (!kbtf) {
		fprintf(stderr, "skipped: no kernel BTF\n");
		return 77;
	}
	ret = unit_run("kstruct", t, sizeof(t) / sizeof(t[0]));
	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	btf__free(kbtf);
	return ret;
}
