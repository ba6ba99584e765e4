/* Unit tests of compiler/btf.c against the running kernel's BTF
 * (/sys/kernel/btf/vmlinux): records, anonymous members, bitfields,
 * typedefs, enum constants, function prototypes, laziness and speed. */
#include <time.h>
#include <unistd.h>

#include "compile.h"
#include "typereg.h"
#include "unit.h"

static struct compile_ctx ctx;

static void open_ctx(const char *btf_path)
{
	struct compile_opts o = { .btf_path = btf_path };

	CU_ASSERT_FATAL(compile_ctx_init(&ctx, "test.et", "", 0, &o) == 0);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_task_struct_pid(void)
{
	struct type *t;
	const struct field *f;
	uint32_t off = 0;

	open_ctx(NULL);
	t = typereg_record(&ctx, "struct task_struct");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->kind, T_RECORD);
	CU_ASSERT_EQUAL(t->as, AS_KERNEL);
	CU_ASSERT(t->btf_id > 0);
	CU_ASSERT(t->size > 1000);
	f = type_field(t, "pid", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "int32");
	CU_ASSERT(off > 100 && off < t->size);
	f = type_field(t, "comm", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "string[16]");
	f = type_field(t, "real_parent", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type),
			       "struct task_struct *");
	/* the same record, not a copy: recursion is cached by id */
	CU_ASSERT_PTR_EQUAL(f->type->elem, t);
	CU_ASSERT_PTR_NULL(type_field(t, "no_such_field", NULL));
	compile_ctx_fini(&ctx);
}

static void test_sock_anonymous_members(void)
{
	struct type *t;
	const struct field *f;
	uint32_t off = 1234;

	open_ctx(NULL);
	t = typereg_record(&ctx, "struct sock");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	f = type_field(t, "__sk_common", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 0);
	/* skc_family sits in struct sock_common, dport in an anonymous
	 * union/struct inside it */
	t = f->type;
	f = type_field(t, "skc_family", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "unsigned int16");
	CU_ASSERT_EQUAL(off, 16);
	f = type_field(t, "skc_dport", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 12);
	CU_ASSERT_EQUAL(f->type->size, 2);
	compile_ctx_fini(&ctx);
}

static void test_bitfields(void)
{
	struct type *t;
	const struct field *f;
	uint32_t off;

	open_ctx(NULL);
	t = typereg_record(&ctx, "struct sock");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* sk_protocol (8 bits) and sk_type (16 bits) were bitfields once;
	 * use whichever bitfield this kernel has in struct sk_buff */
	t = typereg_record(&ctx, "struct sk_buff");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	f = type_field(t, "pkt_type", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->bit_size, 3);
	CU_ASSERT(f->bit_offset < 8);
	CU_ASSERT(off > 100);
	compile_ctx_fini(&ctx);
}

static void test_cfs_rq_has_no_nr_running(void)
{
	struct type *t;

	open_ctx(NULL);
	t = typereg_record(&ctx, "struct cfs_rq");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NULL(type_field(t, "nr_running", NULL));
	CU_ASSERT_PTR_NOT_NULL(type_field(t, "h_nr_queued", NULL) ?
			       (void *)1 : type_field(t, "load", NULL));
	compile_ctx_fini(&ctx);
}

static void test_typedef_enum_func(void)
{
	struct type *t, *args = NULL, *ret = NULL;
	int64_t v = -1;

	open_ctx(NULL);
	t = typereg_typedef(&ctx, "u32");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, t), "unsigned int32");
	t = typereg_typedef(&ctx, "atomic_t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, t), "atomic_t");
	CU_ASSERT_PTR_NOT_NULL(type_field(t, "counter", NULL));
	CU_ASSERT_PTR_NULL(typereg_typedef(&ctx, "no_such_typedef_t"));
	CU_ASSERT(typereg_enum_value(&ctx, "TCP_ESTABLISHED", &v));
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT(typereg_enum_value(&ctx, "TCP_CLOSE", &v));
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_FALSE(typereg_enum_value(&ctx, "NO_SUCH_ENUM_X", &v));
	CU_ASSERT(btf_func_proto(&ctx, "vfs_read", &args, &ret));
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	CU_ASSERT_EQUAL(args->nfields, 4);
	CU_ASSERT_EQUAL(args->size, 32);
	CU_ASSERT_STRING_EQUAL(args->name, "struct _func_args_vfs_read");
	CU_ASSERT_STRING_EQUAL(args->fields[0].name, "file");
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, args->fields[0].type),
			       "struct file *");
	CU_ASSERT_EQUAL(args->fields[2].offset, 16);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, ret), "int64");
	CU_ASSERT_FALSE(btf_func_proto(&ctx, "no_such_function_x", &args,
				       &ret));
	/* function pointers are pointers to none */
	t = typereg_record(&ctx, "struct file_operations");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena,
					 type_field(t, "read", NULL)->type),
			       "none *");
	compile_ctx_fini(&ctx);
}

/* Placeholders (tracepoint format pointees) complete from BTF by name. */
static void test_complete_placeholder(void)
{
	struct type *ph, *t;

	open_ctx(NULL);
	ph = type_record(ctx.arena, "struct __kernel_timespec", false);
	ph->incomplete = true;
	t = typereg_complete(&ctx, ph);
	CU_ASSERT_PTR_NOT_EQUAL(t, ph);
	CU_ASSERT_FALSE(t->incomplete);
	CU_ASSERT_PTR_NOT_NULL(type_field(t, "tv_nsec", NULL));
	ph = type_record(ctx.arena, "atomic_t", false);
	ph->incomplete = true;
	CU_ASSERT_PTR_NOT_NULL(type_field(typereg_complete(&ctx, ph),
					  "counter", NULL));
	ph = type_record(ctx.arena, "struct no_such_thing_x", false);
	ph->incomplete = true;
	CU_ASSERT_PTR_EQUAL(typereg_complete(&ctx, ph), ph);
	CU_ASSERT_PTR_EQUAL(typereg_complete(&ctx, type_u64()), type_u64());
	compile_ctx_fini(&ctx);
}

static void test_no_btf(void)
{
	open_ctx("");
	CU_ASSERT_PTR_NULL(compile_btf(&ctx));
	CU_ASSERT_PTR_NULL(typereg_record(&ctx, "struct task_struct"));
	compile_ctx_fini(&ctx);
	open_ctx("/nonexistent/vmlinux");
	CU_ASSERT_PTR_NULL(compile_btf(&ctx));
	CU_ASSERT_PTR_NULL(typereg_typedef(&ctx, "u32"));
	compile_ctx_fini(&ctx);
}

/* Opening BTF and resolving a field of task_struct stays cheap, and
 * does not convert the kernel's whole type graph. */
static void test_speed_and_laziness(void)
{
	double t0 = now_ms(), t1, t2, t3;
	int64_t v = 0;
	size_t used0, used1;
	struct type *t;

	open_ctx(NULL);
	used0 = arena_used(ctx.arena);
	CU_ASSERT_PTR_NOT_NULL_FATAL(compile_btf(&ctx));
	t1 = now_ms();
	t = typereg_record(&ctx, "struct task_struct");
	CU_ASSERT_PTR_NOT_NULL_FATAL(type_field(t, "pid", NULL));
	t2 = now_ms();
	used1 = arena_used(ctx.arena);
	CU_ASSERT(btf_find_enum_value(&ctx, "TASK_COMM_LEN", &v));
	CU_ASSERT_EQUAL(v, 16);
	t3 = now_ms();
	if (getenv("ETRACE_TEST_VERBOSE"))
		fprintf(stderr, "\nbtf open %.2f ms, task_struct.pid %.2f ms, "
			"%zu arena bytes, enum index %.2f ms\n", t1 - t0,
			t2 - t1, used1 - used0, t3 - t2);
	CU_ASSERT(t1 - t0 < 200);
	CU_ASSERT(t2 - t1 < 50);
	CU_ASSERT(used1 - used0 < 256 * 1024);
	compile_ctx_fini(&ctx);
}

UNIT_MAIN("btf", UNIT_TEST(test_task_struct_pid),
	  UNIT_TEST(test_sock_anonymous_members), UNIT_TEST(test_bitfields),
	  UNIT_TEST(test_cfs_rq_has_no_nr_running),
	  UNIT_TEST(test_typedef_enum_func),
	  UNIT_TEST(test_complete_placeholder), UNIT_TEST(test_no_btf),
	  UNIT_TEST(test_speed_and_laziness))
