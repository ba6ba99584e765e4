/* The runtime's probe provider table (runtime/attach.h): one provider per
 * probe kind of probes.def, attach functions where the runtime attaches,
 * the count bpftrace prints in "Attaching N probes...", and failure
 * messages. No root needed: nothing is attached. */
#include <errno.h>

#include "attach.h"
#include "unit.h"

static void test_every_kind_has_a_provider(void)
{
	for (int k = 0; k < PK_COUNT; k++) {
		const struct attach_provider *p = attach_provider(k);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL(p->kind, k);
		/* every kind can say why it does not work here */
		CU_ASSERT(p->unavailable || p->unloadable);
		/* BEGIN, END and self run (once, or at each SIGUSR1)
		 * instead of being attached */
		if (k == PK_BEGIN || k == PK_END || k == PK_SELF) {
			CU_ASSERT_PTR_NULL(p->attach);
		} else {
			CU_ASSERT_PTR_NOT_NULL(p->attach);
		}
	}
	CU_ASSERT_PTR_NULL(attach_provider(PK_COUNT));
	CU_ASSERT_PTR_NULL(attach_provider(-1));
}

static void test_count_as_bpftrace(void)
{
	const char *m[] = { "a", "b", "c" };
	struct et_probe ep = { .kind = PK_KPROBE, .raw = "kprobe:x*" };

	CU_ASSERT_EQUAL(attach_count(&ep, NULL), 1);
	ep.wildcard = true;
	/* a wildcard whose matches the compiler could not list */
	CU_ASSERT_EQUAL(attach_count(&ep, NULL), 1);
	ep.matches = m;
	ep.nmatches = 3;
	CU_ASSERT_EQUAL(attach_count(&ep, NULL), 3);
	/* one program per match: each counts once */
	ep.attach_target = "b";
	CU_ASSERT_EQUAL(attach_count(&ep, NULL), 1);
	/* resolved on this kernel: what resolve() found, or nothing */
	{
		const char *here[] = { "x1", "x2" };
		struct attach_targets t = { .funcs = here, .n = 2 };

		ep.attach_target = NULL;
		CU_ASSERT_EQUAL(attach_count(&ep, &t), 2);
		t.skip = true;
		CU_ASSERT_EQUAL(attach_count(&ep, &t), 0);
	}
}

static void test_fail_message(void)
{
	struct attach_env env = { 0 };

	CU_ASSERT_EQUAL(attach_fail(&env, ENOENT, "Cannot attach %s: %s",
				    "tracepoint:a:b", "gone"), -ENOENT);
	CU_ASSERT_STRING_EQUAL(env.err, "Cannot attach tracepoint:a:b: gone");
	CU_ASSERT_EQUAL(attach_fail(&env, -EPERM, "x"), -EPERM);
	CU_ASSERT_STRING_EQUAL(env.err, "x");
}

/* The sentences other tests and tools look for (SPEC §4). */
static void test_unavailable_sentences_name_the_cause(void)
{
	const char *why = attach_provider(PK_KPROBE)->unavailable();

	if (why) {
		CU_ASSERT_STRING_EQUAL(why, "kprobes are not available: this "
				       "kernel was built without "
				       "CONFIG_KPROBES");
	}
	why = attach_provider(PK_FENTRY)->unavailable();
	if (why) {
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "the kernel refuses "
					      "trampoline programs "
					      "(fentry/fexit)"));
	}
}

UNIT_MAIN("attach", UNIT_TEST(test_every_kind_has_a_provider),
	  UNIT_TEST(test_count_as_bpftrace), UNIT_TEST(test_fail_message),
	  UNIT_TEST(test_unavailable_sentences_name_the_cause))
