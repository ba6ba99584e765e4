/* Unit tests: USDT notes (usdt_notes.c) of the usdt_c test program and of
 * Debian's python3.11, cross-checked against readelf -n, and the x86-64
 * argument spec parser. */
#include "unit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "probe.h"
#include "usdt_notes.h"
#include "unit_compile.h"

#define PROGS ETRACE_UPROBE_PROGS
#define USDT PROGS "/usdt_c"
#define PYTHON "/usr/bin/python3.11"

/* ---- argument specs ---- */

static struct usdt_arg parse_ok(const char *spec)
{
	struct usdt_arg a;

	CU_ASSERT_EQUAL(usdt_arg_parse(spec, &a), 0);
	return a;
}

static void test_arg_register(void)
{
	struct usdt_arg a = parse_ok("-4@%edi");

	CU_ASSERT_EQUAL(a.kind, USDT_ARG_REG);
	CU_ASSERT_EQUAL(a.size, 4);
	CU_ASSERT_TRUE(a.is_signed);
	CU_ASSERT_STRING_EQUAL(a.reg, "edi");
	CU_ASSERT_EQUAL(a.reg_off, 112);   /* pt_regs.di */
	a = parse_ok("8@%r14");
	CU_ASSERT_EQUAL(a.size, 8);
	CU_ASSERT_FALSE(a.is_signed);
	CU_ASSERT_EQUAL(a.reg_off, 8);
	a = parse_ok("1@%ah");
	CU_ASSERT_EQUAL(a.reg_off, 80);
	CU_ASSERT_EQUAL(a.reg_shift, 8);
	a = parse_ok("-1@%dl");
	CU_ASSERT_EQUAL(a.reg_off, 96);
	CU_ASSERT_EQUAL(a.reg_shift, 0);
	a = parse_ok("%rax");       /* no size: 8 bytes */
	CU_ASSERT_EQUAL(a.size, 8);
	a = parse_ok("4@%xmm0");    /* not a pt_regs register */
	CU_ASSERT_EQUAL(a.reg_off, -1);
}

static void test_arg_memory(void)
{
	struct usdt_arg a = parse_ok("8@-16(%rbp)");

	CU_ASSERT_EQUAL(a.kind, USDT_ARG_MEM);
	CU_ASSERT_EQUAL(a.value, -16);
	CU_ASSERT_STRING_EQUAL(a.reg, "rbp");
	CU_ASSERT_EQUAL(a.reg_off, 32);
	a = parse_ok("-4@112(%rsp)");
	CU_ASSERT_EQUAL(a.value, 112);
	CU_ASSERT_EQUAL(a.reg_off, 152);
	a = parse_ok("4@(%rax)");
	CU_ASSERT_EQUAL(a.value, 0);
	CU_ASSERT_STRING_EQUAL(a.reg, "rax");
	a = parse_ok("-8@counter(%rip)");
	CU_ASSERT_STRING_EQUAL(a.symbol, "counter");
	CU_ASSERT_EQUAL(a.reg_off, 128);
	a = parse_ok("8@foo+8(%rip)");
	CU_ASSERT_STRING_EQUAL(a.symbol, "foo");
	CU_ASSERT_EQUAL(a.value, 8);
	a = parse_ok("4@0x10(%rax,%rbx,4)");
	CU_ASSERT_EQUAL(a.value, 16);
	CU_ASSERT_STRING_EQUAL(a.index, "rbx");
	CU_ASSERT_EQUAL(a.scale, 4);
	CU_ASSERT_EQUAL(a.reg_off, 80);	  /* pt_regs.ax */
	CU_ASSERT_EQUAL(a.index_off, 40); /* pt_regs.bx */
	a = parse_ok("2@(,%rcx,8)");
	CU_ASSERT_STRING_EQUAL(a.reg, "");
	CU_ASSERT_EQUAL(a.reg_off, -1);
	CU_ASSERT_STRING_EQUAL(a.index, "rcx");
	CU_ASSERT_EQUAL(a.index_off, 88);
	CU_ASSERT_EQUAL(a.scale, 8);
	a = parse_ok("-8@-88(%rsp,%r13,8)");
	CU_ASSERT_EQUAL(a.value, -88);
	CU_ASSERT_EQUAL(a.reg_off, 152);
	CU_ASSERT_EQUAL(a.index_off, 16);
	a = parse_ok("4@(%rax,%rbx)"); /* scale 1 when omitted */
	CU_ASSERT_EQUAL(a.scale, 1);
	CU_ASSERT_EQUAL(a.index_off, 40);
	/* only a 64-bit general register indexes the whole address */
	a = parse_ok("4@(%rax,%ebx,2)");
	CU_ASSERT_EQUAL(a.index_off, -1);
	a = parse_ok("4@8(%rax)");
	CU_ASSERT_EQUAL(a.index_off, -1);
}

static void test_arg_const_and_errors(void)
{
	struct usdt_arg a = parse_ok("-4@$42");

	CU_ASSERT_EQUAL(a.kind, USDT_ARG_CONST);
	CU_ASSERT_EQUAL(a.value, 42);
	a = parse_ok("8@$-7");
	CU_ASSERT_EQUAL(a.value, -7);
	CU_ASSERT_EQUAL(usdt_arg_parse("3@%eax", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("4@", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("4@%", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("x@%eax", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("4@$", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("4@8(%rax", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("4@8(%rax,%rbx,3)", &a), -EINVAL);
	CU_ASSERT_EQUAL(usdt_arg_parse("4@%eax junk", &a), -EINVAL);
}

static void test_args_split(void)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	int n = -1;

	CU_ASSERT_EQUAL(usdt_args_parse("", a, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(usdt_args_parse("8@%r14  -8@counter(%rip) ", a, &n),
			0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(a[1].kind, USDT_ARG_MEM);
	CU_ASSERT_EQUAL(usdt_args_parse("1@%al 2@%ax 4@%eax 8@%rax 1@%bl "
					"2@%bx 4@%ebx 8@%rbx 1@%cl 2@%cx "
					"4@%ecx 8@%rcx", a, &n), 0);
	CU_ASSERT_EQUAL(n, 12);
	CU_ASSERT_EQUAL(a[11].reg_off, 88);
	CU_ASSERT_EQUAL(usdt_args_parse("1@%al 2@%ax 4@%eax 8@%rax 1@%bl "
					"2@%bx 4@%ebx 8@%rbx 1@%cl 2@%cx "
					"4@%ecx 8@%rcx 8@%rdx", a, &n), -E2BIG);
	CU_ASSERT_EQUAL(usdt_args_parse("8@%rax 9@%rbx", a, &n), -EINVAL);
}

/* ---- notes, against readelf ---- */

struct ref_note {
	char provider[64], name[64], args[128];
	uint64_t pc, base, sema;
};

/* readelf -n's NT_STAPSDT entries of path, at most max. */
static int readelf_notes(const char *path, struct ref_note *out, int max)
{
	char cmd[512], line[512];
	int n = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -nW '%s'", path);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct ref_note *r = n >= 0 && n < max ? &out[n] : NULL;

		const char *prov = strstr(line, "Provider: ");

		if (strstr(line, "NT_STAPSDT")) {
			n++;
			r = n < max ? &out[n] : NULL;
			if (r)
				memset(r, 0, sizeof(*r));
		}
		/* -W puts the provider on the NT_STAPSDT line */
		if (r && prov && sscanf(prov, "Provider: %63s", r->provider)) {
		} else if (r && sscanf(line, " Name: %63s", r->name)) {
		} else if (r && sscanf(line, " Location: 0x%" SCNx64
				       ", Base: 0x%" SCNx64 ", Semaphore: 0x%"
				       SCNx64, &r->pc, &r->base,
				       &r->sema) == 3) {
		} else if (r && !strncmp(line, "    Arguments:", 14)) {
			snprintf(r->args, sizeof(r->args), "%s", line + 14 +
				 (line[14] == ' '));
			r->args[strcspn(r->args, "\n")] = '\0';
		}
	}
	pclose(f);
	return n + 1 < max ? n + 1 : max;
}

/* The file offset of vaddr from readelf's LOAD program headers. */
static uint64_t readelf_offset(const char *path, uint64_t vaddr)
{
	char cmd[512], line[512];
	uint64_t off, va, pa, fsz, result = UINT64_MAX;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -lW '%s'", path);
	f = popen(cmd, "r");
	if (!f)
		return result;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " LOAD 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64
			   " 0x%" SCNx64, &off, &va, &pa, &fsz) == 4 &&
		    vaddr >= va && vaddr < va + fsz)
			result = vaddr - va + off;
	pclose(f);
	return result;
}

static void check_against_readelf(const char *path, int min)
{
	struct ref_note ref[64];
	int n = readelf_notes(path, ref, 64);
	struct usdt_notes *un = usdt_notes__open(path);

	CU_ASSERT_PTR_NOT_NULL_FATAL(un);
	CU_ASSERT_TRUE(n >= min);
	CU_ASSERT_EQUAL_FATAL(un->count, (size_t)n);
	for (int i = 0; i < n; i++) {
		const struct usdt_probe *p = &un->probes[i];

		CU_ASSERT_STRING_EQUAL(p->provider, ref[i].provider);
		CU_ASSERT_STRING_EQUAL(p->name, ref[i].name);
		CU_ASSERT_STRING_EQUAL(p->args, ref[i].args);
		CU_ASSERT_EQUAL(p->pc, ref[i].pc);
		CU_ASSERT_EQUAL(p->base, ref[i].base);
		CU_ASSERT_EQUAL(p->semaphore, ref[i].sema);
		CU_ASSERT_EQUAL(p->pc_offset, readelf_offset(path, p->pc));
		CU_ASSERT_EQUAL(p->sema_offset, p->semaphore ?
				readelf_offset(path, p->semaphore) : 0);
		CU_ASSERT_TRUE(p->nargs >= 0);
	}
	usdt_notes__free(un);
}

static void test_usdt_program(void)
{
	check_against_readelf(USDT, 6);
}

static void test_usdt_program_probes(void)
{
	struct usdt_notes *un = usdt_notes__open(USDT);
	const struct usdt_probe *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(un);
	p = usdt_notes__find(un, "etrace", "start", false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->nargs, 0);
	CU_ASSERT_EQUAL(p->semaphore, 0);
	p = usdt_notes__find(un, NULL, "values", false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->nargs, 3);
	/* int, long, signed char */
	CU_ASSERT_TRUE(p->arg[0].size == 4 && p->arg[0].is_signed);
	CU_ASSERT_TRUE(p->arg[1].size == 8 && p->arg[1].is_signed);
	CU_ASSERT_TRUE(p->arg[2].size == 1 && p->arg[2].is_signed);
	p = usdt_notes__find(un, "etrace", "constant", false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->arg[0].kind, USDT_ARG_CONST);
	CU_ASSERT_EQUAL(p->arg[0].value, 42);
	p = usdt_notes__find(un, "etrace", "guarded", false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_NOT_EQUAL(p->semaphore, 0);
	CU_ASSERT_NOT_EQUAL(p->sema_offset, 0);
	/* wildcards, and walking every match */
	p = usdt_notes__find(un, "etr*", "*a*", true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->name, "start");
	p = usdt_notes__find(un, "etr*", "*a*", true, p - un->probes + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->name, "values");
	CU_ASSERT_PTR_NULL(usdt_notes__find(un, "etrace", "nope", false, 0));
	CU_ASSERT_PTR_NULL(usdt_notes__find(un, "other", "values", false, 0));
	CU_ASSERT_PTR_NULL(usdt_notes__find(un, "etrace", "st*", false, 0));
	usdt_notes__free(un);
}

static void test_python(void)
{
	struct usdt_notes *un;

	if (access(PYTHON, R_OK)) {
		fprintf(stderr, "(no %s: skipped) ", PYTHON);
		return;
	}
	check_against_readelf(PYTHON, 1);
	un = usdt_notes__open(PYTHON);
	CU_ASSERT_PTR_NOT_NULL_FATAL(un);
	CU_ASSERT_PTR_NOT_NULL(usdt_notes__find(un, "python",
						"function__entry", false, 0));
	usdt_notes__free(un);
}

static void test_files_without_notes(void)
{
	struct usdt_notes *un = usdt_notes__open(PROGS "/uprobe_c_pie");

	CU_ASSERT_PTR_NOT_NULL_FATAL(un);
	CU_ASSERT_EQUAL(un->count, 0);
	CU_ASSERT_PTR_NULL(usdt_notes__find(un, NULL, "*", true, 0));
	usdt_notes__free(un);
	errno = 0;
	CU_ASSERT_PTR_NULL(usdt_notes__open("/etc/passwd"));
	CU_ASSERT_EQUAL(errno, ENOEXEC);
	CU_ASSERT_PTR_NULL(usdt_notes__open("/nonexistent/etrace"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NULL(usdt_notes__open("/tmp"));
	CU_ASSERT_EQUAL(errno, EISDIR);
	usdt_notes__free(NULL);
}

/* ---- the usdt provider's resolve hook (probe_usdt.c) ---- */

static struct attach_point *first_ap(const char *prog)
{
	expect_ok(prog);
	if (!ctx.ast || !ctx.ast->u.program.probes)
		return NULL;
	return ctx.ast->u.program.probes->u.probe.attach->u.attach.ap;
}

static void test_hook(void)
{
	struct attach_point *ap;

	/* a left-out (or empty) provider: the one probe of that name, as
	 * a match, so that the probe builtin names it in full */
	ap = first_ap("usdt:" USDT ":values { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_TRUE(ap->wildcard);
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 1);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "etrace:values");
	ap = first_ap("usdt:" USDT "::values { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 1);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "etrace:values");
	/* provider and name given: as written */
	ap = first_ap("usdt:" USDT ":other:start { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->ns, "other");
	CU_ASSERT_FALSE(ap->wildcard);
	CU_ASSERT_EQUAL(ap->nmatches, 0);
	ap = first_ap("usdt:" USDT ":etrace:*a* { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 4);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "etrace:start");
	CU_ASSERT_STRING_EQUAL(ap->matches[3], "etrace:guarded");
	ap = first_ap("usdt:" USDT ":*:start { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->nmatches, 2);
	CU_ASSERT_PTR_NULL(ap->more);
}

/* A wildcard in the file: one attach point per file with probes, the
 * first the one written, the others after it in the probe's list. */
static void test_hook_file_glob(void)
{
	struct attach_point *ap;
	struct node *a;

	ap = first_ap("usdt:" PROGS "/usdt_*:dup:hit { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->target, PROGS "/usdt_inline");
	CU_ASSERT_STRING_EQUAL(ap->raw, "usdt:" PROGS "/usdt_inline:dup:hit");
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 1);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "dup:hit");
	CU_ASSERT_PTR_NULL(ap->more);
	ap = first_ap("usdt:" PROGS "/usdt_[ci]*:*:* { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->target, PROGS "/usdt_c");
	CU_ASSERT_EQUAL(ap->nmatches, 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap->more);
	CU_ASSERT_STRING_EQUAL(ap->more->target, PROGS "/usdt_inline");
	CU_ASSERT_EQUAL(ap->more->nmatches, 1);
	a = ctx.ast->u.program.probes->u.probe.attach;
	CU_ASSERT_PTR_NOT_NULL_FATAL(a->next);
	CU_ASSERT_PTR_EQUAL(a->next->u.attach.ap, ap->more);
	CU_ASSERT_PTR_NULL(a->next->next);
	expect_err("usdt:" PROGS "/uprobe_c_*:*:* { exit(); }",
		   "No USDT probe matches '*:*' in the files matching '" PROGS
		   "/uprobe_c_*'");
	expect_err("usdt:" PROGS "/*.so:etrace:start { exit(); }",
		   "No USDT probe 'etrace:start' in the files matching '" PROGS
		   "/*.so'");
}

static void test_hook_errors(void)
{
	expect_err("usdt:" USDT ":etrace:nope { exit(); }",
		   "No USDT probe 'etrace:nope' in " USDT);
	expect_err("usdt:" USDT ":nope { exit(); }",
		   "No USDT probe 'nope' in " USDT);
	expect_err("usdt:" USDT ":other:values { exit(); }",
		   "No USDT probe 'other:values' in " USDT);
	expect_err("usdt:" USDT ":x*:* { exit(); }",
		   "No USDT probe matches 'x*:*' in " USDT);
	expect_err("usdt:" USDT ":start { exit(); }",
		   "USDT probe name 'start' is ambiguous in " USDT
		   ": providers 'etrace' and 'other' have it");
	expect_err("usdt:/etc/passwd:p:n { exit(); }",
		   "usdt target file '/etc/passwd' is not an ELF file");
	expect_err("usdt:" PROGS "/uprobe_c_pie:p:n { exit(); }",
		   "No USDT probe 'p:n' in " PROGS "/uprobe_c_pie");
	/* beside another attach point, a missing probe only warns */
	expect_ok("usdt:" USDT ":etrace:nope, usdt:" USDT ":etrace:start "
		  "{ exit(); }");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "warning: usdt target 'nope' "
				      "does not exist here"));
	expect_err("usdt:" USDT ":etrace:nope, usdt:" USDT ":x*:* { exit(); }",
		   "error: usdt target 'nope' does not exist here");
}

UNIT_MAIN("usdt_notes", UNIT_TEST(test_arg_register),
	  UNIT_TEST(test_arg_memory), UNIT_TEST(test_arg_const_and_errors),
	  UNIT_TEST(test_args_split), UNIT_TEST(test_usdt_program),
	  UNIT_TEST(test_usdt_program_probes), UNIT_TEST(test_python),
	  UNIT_TEST(test_files_without_notes), UNIT_TEST(test_hook),
	  UNIT_TEST(test_hook_file_glob), UNIT_TEST(test_hook_errors))
