/* Shared scaffolding for the CUnit programs: each tests/unit/test_*.c
 * defines its suites with UNIT_SUITE and ends with UNIT_MAIN(). */
#ifndef ETRACE_UNIT_H
#define ETRACE_UNIT_H

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
	const char *name;
	CU_TestFunc fn;
};

#define UNIT_TEST(fn) { #fn, fn }

static inline int unit_run(const char *suite, const struct unit_test *tests,
			   int n)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite(suite, NULL, NULL);
	for (int i = 0; i < n; i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#define UNIT_MAIN(suite, ...)                                               \
	int main(void)                                                      \
	{                                                                   \
		static const struct unit_test t[] = { __VA_ARGS__ };        \
		return unit_run(suite, t, sizeof(t) / sizeof(t[0]));        \
	}

#endif
