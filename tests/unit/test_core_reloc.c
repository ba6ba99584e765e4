/* Unit tests of runtime/core_reloc.c (no root): the failed relocation is
 * read from a verifier's log as libbpf 1.1 rewrites it, and explained
 * against a kernel BTF made here (a struct without a field, a field
 * inside an anonymous union, a shorter array, a missing struct) at the
 * right access of the program's list. */
#include <stdio.h>

#include <bpf/btf.h>

#include "core_reloc.h"
#include "unit.h"

static const char script[] = "BEGIN { @a = curtask->pid; }\n"
			     "END { @b = curtask->pid; @c = curtask->gone; }";
static struct source src = {"stdin", script, sizeof(script) - 1};

/* the place of the n-th (0-based) occurrence of s in the script */
static struct loc at(const char *s, int n)
{
	const char *p = strstr(script, s);

	while (p && n--)
		p = strstr(p + 1, s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return (struct loc){(uint32_t)(p - script),
			    (uint32_t)(p - script + strlen(s))};
}

/* The kernel of the tests:
 *   struct path { int mnt; };
 *   struct file { union { struct path f_path; }; int f_flags; };
 *   struct task_struct { int pid; char comm[16]; };  */
static struct btf *kernel(void)
{
	struct btf *b = btf__new_empty();
	int i32, chr, arr, path, un;

	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	arr = btf__add_array(b, i32, chr, 16);
	path = btf__add_struct(b, "path", 4);
	btf__add_field(b, "mnt", i32, 0, 0);
	un = btf__add_union(b, NULL, 4);
	btf__add_field(b, "f_path", path, 0, 0);
	btf__add_struct(b, "file", 8);
	btf__add_field(b, NULL, un, 0, 0);
	btf__add_field(b, "f_flags", i32, 32, 0);
	btf__add_struct(b, "task_struct", 20);
	btf__add_field(b, "pid", i32, 0, 0);
	btf__add_field(b, "comm", arr, 32, 0);
	return b;
}

static void test_failed(void)
{
	struct core_failure f;

	CU_ASSERT(core_reloc_failed(
	    "0: (85) call bpf_get_current_task#35\n"
	    "1: <invalid CO-RE relocation>\n"
	    "failed to resolve CO-RE relocation <byte_off> [30] struct "
	    "task_struct___etrace2.f_path.dentry (0:7:1 @ offset 96)\n"
	    "processed 2 insns\n",
	    &f));
	CU_ASSERT_STRING_EQUAL(f.type, "struct task_struct");
	CU_ASSERT_STRING_EQUAL(f.access, "f_path.dentry");
	CU_ASSERT(core_reloc_failed("failed to resolve CO-RE relocation "
				    "<byte_sz> [3] union u.a[2].b (0:1:2:0 "
				    "@ offset 12.3)\n",
				    &f));
	CU_ASSERT_STRING_EQUAL(f.type, "union u");
	CU_ASSERT_STRING_EQUAL(f.access, "a[2].b");
	/* libbpf could not rewrite the log: only the poisoned call */
	CU_ASSERT(core_reloc_failed("5: (85) call unknown#195896080\n"
				    "invalid func unknown#195896080\n",
				    &f));
	CU_ASSERT_STRING_EQUAL(f.type, "");
	CU_ASSERT_STRING_EQUAL(f.access, "");
	CU_ASSERT(core_reloc_failed("failed to resolve CO-RE relocation "
				    "<type_exists> [5] struct foo\n",
				    &f));
	CU_ASSERT_STRING_EQUAL(f.type, "");
	CU_ASSERT(!core_reloc_failed("R1 invalid mem access 'scalar'\n", &f));
	CU_ASSERT(!core_reloc_failed(NULL, &f));
}

static void explain(const struct et_probe *ep, struct btf *k, const char *type,
		    const char *access, unsigned line,
		    const struct et_core_field *want_at, const char *want)
{
	struct core_failure f = {"", ""};
	const struct et_core_field *got = (void *)1;
	char msg[256];

	snprintf(f.type, sizeof(f.type), "%s", type);
	snprintf(f.access, sizeof(f.access), "%s", access);
	core_reloc_explain(ep, &src, &f, line, k, &got, msg, sizeof(msg));
	if (strcmp(msg, want) || got != want_at)
		fprintf(stderr, "\n%s.%s: got '%s' at %p, want '%s' at %p\n",
			type, access, msg, (void *)got, want, (void *)want_at);
	CU_ASSERT_STRING_EQUAL(msg, want);
	CU_ASSERT_PTR_EQUAL(got, want_at);
}

static void test_explain(void)
{
	struct et_core_field cf[] = {
	    {"struct task_struct", "pid", at("curtask->pid", 0)},
	    {"struct task_struct", "pid", at("curtask->pid", 1)},
	    {"struct task_struct", "gone", at("curtask->gone", 0)},
	    {"struct file", "f_path.dentry", at("@b", 0)},
	    {"struct task_struct", "comm[20]", at("@c", 0)},
	    {"struct nothere", "x", at("END", 0)},
	};
	struct et_probe ep = {
	    .core_fields = cf, .ncore_fields = 6, .loc = at("BEGIN", 0)};
	struct btf *k = kernel();

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	explain(&ep, k, "struct task_struct", "gone", 2, &cf[2],
		"struct task_struct has no field 'gone' on this kernel");
	explain(&ep, k, "struct file", "f_path.dentry", 0, &cf[3],
		"struct path has no field 'dentry' on this kernel");
	explain(&ep, k, "struct task_struct", "comm[20]", 0, &cf[4],
		"struct task_struct's field 'comm' has no element 20 on this "
		"kernel");
	explain(&ep, k, "struct nothere", "x", 0, &cf[5],
		"struct nothere does not exist on this kernel");
	/* the same access in two places: the one on the log's line */
	explain(&ep, k, "struct task_struct", "pid", 2, &cf[1],
		"struct task_struct's field 'pid' has another type on this "
		"kernel");
	explain(&ep, k, "struct task_struct", "pid", 0, &cf[0],
		"struct task_struct's field 'pid' has another type on this "
		"kernel");
	/* an access the program does not list: no place */
	explain(&ep, k, "struct task_struct", "zzz", 1, NULL,
		"struct task_struct has no field 'zzz' on this kernel");
	/* the log names none: the first access the kernel lacks */
	explain(&ep, k, "", "", 0, &cf[2],
		"struct task_struct has no field 'gone' on this kernel");
	btf__free(k);
}

UNIT_MAIN("core_reloc", UNIT_TEST(test_failed), UNIT_TEST(test_explain))
