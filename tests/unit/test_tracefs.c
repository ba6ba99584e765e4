/* Unit tests: tracefs location, tracepoint existence and wildcard
 * expansion, and the format file parser (tracefs.c), on fixtures under
 * tests/data/tracefs and on this machine's tracefs when there is one. */
#define _GNU_SOURCE /* unshare */
#include "unit.h"

#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "tracefs.h"

#define TFS ETRACE_TEST_DATA "/tracefs"

static void ctx_with(struct compile_ctx *ctx, const char *tracefs)
{
	struct compile_opts o = { .tracefs = tracefs };

	CU_ASSERT_EQUAL_FATAL(compile_ctx_init(ctx, "t", "", 0, &o), 0);
}

static const struct field *field(const struct type *rec, const char *name)
{
	for (uint32_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].name, name))
			return &rec->fields[i];
	return NULL;
}

static void assert_int_field(const struct type *rec, const char *name,
			     uint32_t off, int size, bool sign)
{
	const struct field *f = field(rec, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, off);
	CU_ASSERT_EQUAL(f->type->kind, T_INT);
	CU_ASSERT_EQUAL(f->type->size, size);
	CU_ASSERT_EQUAL(f->type->is_signed, sign);
}

static void test_openat_format(void)
{
	struct compile_ctx ctx;
	const struct field *f;
	struct type *t;

	ctx_with(&ctx, TFS);
	t = tracefs_event_type(&ctx, "syscalls", "sys_enter_openat");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->kind, T_RECORD);
	CU_ASSERT_STRING_EQUAL(t->name,
			       "struct _tracepoint_syscalls_sys_enter_openat");
	CU_ASSERT_EQUAL(t->nfields, 5); /* common_* skipped */
	CU_ASSERT_PTR_NULL(field(t, "common_pid"));
	CU_ASSERT_EQUAL(t->size, 48);
	assert_int_field(t, "__syscall_nr", 8, 4, true);
	/* "int dfd; size:8": the size wins, as bpftrace adjusts it */
	assert_int_field(t, "dfd", 16, 8, true); /* declared int */
	assert_int_field(t, "mode", 40, 8, false);
	f = field(t, "filename");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, 24);
	CU_ASSERT_EQUAL(f->type->kind, T_PTR);
	CU_ASSERT_EQUAL(f->type->as, AS_USER);
	CU_ASSERT_EQUAL(f->type->elem->kind, T_INT);
	CU_ASSERT_EQUAL(f->type->elem->size, 1);
	CU_ASSERT_TRUE(f->type->elem->is_signed);
	compile_ctx_fini(&ctx);
}

static void test_sched_switch_format(void)
{
	struct compile_ctx ctx;
	const struct field *f;
	struct type *t;

	ctx_with(&ctx, TFS);
	t = tracefs_event_type(&ctx, "sched", "sched_switch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->nfields, 7);
	CU_ASSERT_STRING_EQUAL(t->fields[0].name, "prev_comm");
	f = field(t, "next_comm");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, 40);
	/* char[16] is a string, as bpftrace types it */
	CU_ASSERT_EQUAL(f->type->kind, T_STRING);
	CU_ASSERT_EQUAL(f->type->size, 16);
	assert_int_field(t, "prev_pid", 24, 4, true);
	assert_int_field(t, "prev_state", 32, 8, true);
	assert_int_field(t, "next_prio", 60, 4, true);
	CU_ASSERT_EQUAL(t->size, 64);
	compile_ctx_fini(&ctx);
}

static void test_data_loc_and_double_pointer(void)
{
	struct compile_ctx ctx;
	const struct field *f;
	struct type *t;

	ctx_with(&ctx, TFS);
	t = tracefs_event_type(&ctx, "sched", "sched_process_exec");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	assert_int_field(t, "filename", 8, 4, false);
	CU_ASSERT_EQUAL(field(t, "filename")->dyn_loc, FIELD_DATA_LOC);
	CU_ASSERT_EQUAL(field(t, "old_pid")->dyn_loc, FIELD_PLAIN);
	assert_int_field(t, "old_pid", 16, 4, true);

	t = tracefs_event_type(&ctx, "syscalls", "sys_enter_execve");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	f = field(t, "argv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->type->kind, T_PTR);
	CU_ASSERT_EQUAL(f->type->elem->kind, T_PTR);
	CU_ASSERT_EQUAL(f->type->elem->elem->kind, T_INT);
	CU_ASSERT_EQUAL(f->type->elem->elem->size, 1);
	compile_ctx_fini(&ctx);
}

static void test_parse_text(void)
{
	struct arena *a = arena__new();
	const char *text =
		"name: x\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:struct sock * sk;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n"
		"\tfield:u8 saddr[4];\toffset:24;\tsize:4;\tsigned:0;\n"
		"\tfield:__u16 sport[2];\toffset:28;\tsize:4;\tsigned:0;\n"
		"\tfield:unsigned char blob[3];\toffset:32;\tsize:12;\tsigned:0;\n"
		"\tfield:__rel_loc char[] msg;\toffset:44;\tsize:4;\tsigned:0;\n"
		"\nprint fmt: \"%p\", REC->sk\n";
	struct type *t = tracefs_parse_format(a, text, "sock", "x");
	const struct field *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->nfields, 6);
	f = field(t, "sk");
	CU_ASSERT_EQUAL(f->type->kind, T_PTR);
	CU_ASSERT_EQUAL(f->type->as, AS_KERNEL);
	CU_ASSERT_EQUAL(f->type->elem->kind, T_RECORD);
	CU_ASSERT_STRING_EQUAL(f->type->elem->name, "struct sock");
	CU_ASSERT_TRUE(f->type->elem->incomplete);
	f = field(t, "ptr");
	CU_ASSERT_EQUAL(f->type->elem->kind, T_NONE);
	f = field(t, "saddr");
	CU_ASSERT_EQUAL(f->type->kind, T_ARRAY);
	CU_ASSERT_EQUAL(f->type->count, 4);
	CU_ASSERT_FALSE(f->type->elem->is_signed);
	f = field(t, "sport");
	CU_ASSERT_EQUAL(f->type->count, 2);
	CU_ASSERT_EQUAL(f->type->elem->size, 2);
	f = field(t, "blob"); /* element size from size / count */
	CU_ASSERT_EQUAL(f->type->count, 3);
	CU_ASSERT_EQUAL(f->type->elem->size, 4);
	f = field(t, "msg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->dyn_loc, FIELD_REL_LOC);
	CU_ASSERT_EQUAL(f->offset, 44);
	CU_ASSERT_EQUAL(t->size, 48);

	errno = 0;
	CU_ASSERT_PTR_NULL(tracefs_parse_format(a, "name: x\nID: 1\n", "a",
						"b"));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(tracefs_parse_format(
		a, "\tfield:int x;\toffset:zz;\tsize:4;\n", "a", "b"));
	arena__free(a);
}

static void test_exists_and_match(void)
{
	struct compile_ctx ctx;
	const char **v;

	ctx_with(&ctx, TFS);
	CU_ASSERT_STRING_EQUAL(compile_tracefs(&ctx), TFS);
	CU_ASSERT_TRUE(tracefs_event_exists(&ctx, "sched", "sched_switch"));
	CU_ASSERT_FALSE(tracefs_event_exists(&ctx, "sched", "nope"));
	CU_ASSERT_FALSE(tracefs_event_exists(&ctx, "sched", "enable"));
	CU_ASSERT_FALSE(tracefs_event_exists(&ctx, "..", "tracefs"));
	CU_ASSERT_FALSE(tracefs_event_exists(&ctx, "", "x"));
	CU_ASSERT_EQUAL(tracefs_events_match(&ctx, "sched", "sched_w*", &v),
			2);
	CU_ASSERT_STRING_EQUAL(v[0], "sched:sched_wakeup");
	CU_ASSERT_STRING_EQUAL(v[1], "sched:sched_wakeup_new");
	CU_ASSERT_EQUAL(tracefs_events_match(&ctx, "*", "*", &v), 7);
	CU_ASSERT_STRING_EQUAL(v[6], "syscalls:sys_exit_openat");
	CU_ASSERT_EQUAL(tracefs_events_match(&ctx, "s[cy]*", "*exec*", &v),
			2);
	CU_ASSERT_EQUAL(tracefs_events_match(&ctx, "sched", "nope*", &v), 0);
	CU_ASSERT_STRING_EQUAL(tracefs_event_category(&ctx, "sched_switch"),
			       "sched");
	CU_ASSERT_PTR_NULL(tracefs_event_category(&ctx, "nope"));
	errno = 0;
	CU_ASSERT_PTR_NULL(tracefs_event_type(&ctx, "sched", "nope"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	compile_ctx_fini(&ctx);
}

static void test_no_tracefs(void)
{
	struct compile_ctx ctx;
	const char **v;

	ctx_with(&ctx, "");
	CU_ASSERT_PTR_NULL(compile_tracefs(&ctx));
	CU_ASSERT_TRUE(ctx.tracefs_tried);
	CU_ASSERT_FALSE(tracefs_event_exists(&ctx, "sched", "sched_switch"));
	CU_ASSERT_EQUAL(tracefs_events_match(&ctx, "*", "*", &v), -ENOENT);
	compile_ctx_fini(&ctx);
}

/* The machine's tracefs: found (and mounted when root and needed). */
static void test_machine_tracefs(void)
{
	struct compile_ctx ctx;
	const char *root;

	ctx_with(&ctx, NULL);
	root = compile_tracefs(&ctx);
	if (!root && geteuid() != 0) {
		compile_ctx_fini(&ctx);
		return; /* not root: may not mount it */
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_TRUE(tracefs_event_exists(&ctx, "sched", "sched_switch"));
	CU_ASSERT_PTR_NOT_NULL(tracefs_event_type(&ctx, "syscalls",
						  "sys_enter_openat"));
	compile_ctx_fini(&ctx);
}

/* In a private mount namespace (root only): with tracefs unmounted,
 * compile_tracefs() mounts it again. The host's mounts are untouched. */
static int remount_child(void)
{
	struct compile_ctx ctx;
	struct compile_opts o = { 0 };
	const char *root;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 2; /* not allowed here: skip */
	umount2("/sys/kernel/tracing", MNT_DETACH);
	if (access("/sys/kernel/tracing/events", F_OK) == 0)
		return 2; /* could not unmount: skip */
	compile_ctx_init(&ctx, "t", "", 0, &o);
	root = compile_tracefs(&ctx);
	if (!root || strcmp(root, "/sys/kernel/tracing"))
		return 1;
	if (!tracefs_event_exists(&ctx, "sched", "sched_switch"))
		return 1;
	compile_ctx_fini(&ctx);
	return 0;
}

static void test_mounts_tracefs(void)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		return;
	pid = fork();
	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0)
		_exit(remount_child());
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	CU_ASSERT_NOT_EQUAL(WEXITSTATUS(status), 1);
}

UNIT_MAIN("tracefs", UNIT_TEST(test_openat_format),
	  UNIT_TEST(test_sched_switch_format),
	  UNIT_TEST(test_data_loc_and_double_pointer),
	  UNIT_TEST(test_parse_text), UNIT_TEST(test_exists_and_match),
	  UNIT_TEST(test_no_tracefs), UNIT_TEST(test_machine_tracefs),
	  UNIT_TEST(test_mounts_tracefs))
