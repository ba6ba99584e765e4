/* Unit tests: diagnostics collection/printing and the arena. */
#include "unit.h"

#include "arena.h"
#include "diag.h"

#include <stdio.h>

static char *print_all(struct diags *d)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	diags_print(d, f);
	fclose(f);
	return buf;
}

static void test_caret_range(void)
{
	struct arena *a = arena__new();
	struct source src = { "stdin", "BEGIN { foo(); }\n", 17 };
	struct diags d;

	diags_init(&d, a, &src);
	diag_error(&d, (struct loc){ 8, 13 }, "Unknown function: '%s'", "foo");
	CU_ASSERT_EQUAL(d.nerrors, 1);
	CU_ASSERT_STRING_EQUAL(print_all(&d),
			       "stdin:1:9: error: Unknown function: 'foo'\n"
			       "BEGIN { foo(); }\n"
			       "        ^~~~~\n");
	arena__free(a);
}

static void test_second_line_and_note(void)
{
	struct arena *a = arena__new();
	struct source src = { "x.et", "BEGIN {\n\t$x = 1;\n\t$x = \"s\";\n}", 29 };
	struct diags d;

	diags_init(&d, a, &src);
	diag_error(&d, (struct loc){ 18, 27 }, "Type mismatch");
	diag_note(&d, (struct loc){ 9, 15 }, "first assigned here");
	diag_warning(&d, LOC_NONE, "no location");
	CU_ASSERT_EQUAL(d.nerrors, 1);
	CU_ASSERT_EQUAL(d.nwarnings, 1);
	CU_ASSERT_STRING_EQUAL(print_all(&d),
			       "x.et:3:2: error: Type mismatch\n"
			       "\t$x = \"s\";\n"
			       "\t^~~~~~~~~\n"
			       "x.et:2:2: note: first assigned here\n"
			       "\t$x = 1;\n"
			       "\t^~~~~~\n"
			       "x.et: warning: no location\n");
	arena__free(a);
}

static void test_range_past_line_end_and_eof(void)
{
	struct arena *a = arena__new();
	struct source src = { "stdin", "a\nbc", 4 };
	struct diags d;

	diags_init(&d, a, &src);
	/* a range spanning lines is underlined only on its first line */
	diag_error(&d, (struct loc){ 0, 4 }, "span");
	/* a location at end of input still prints a caret */
	diag_error(&d, (struct loc){ 4, 4 }, "eof");
	CU_ASSERT_STRING_EQUAL(print_all(&d), "stdin:1:1: error: span\n"
					      "a\n"
					      "^\n"
					      "stdin:2:3: error: eof\n"
					      "bc\n"
					      "  ^\n");
	arena__free(a);
}

static void test_control_bytes_and_cap(void)
{
	struct arena *a = arena__new();
	struct source src = { "stdin", "\x01\x02z", 3 };
	struct diags d;
	char *out;

	diags_init(&d, a, &src);
	d.max_stored = 1;
	diag_error(&d, (struct loc){ 2, 3 }, "bad");
	diag_error(&d, (struct loc){ 0, 1 }, "dropped");
	out = print_all(&d);
	CU_ASSERT_EQUAL(d.nerrors, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  z\n  ^\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 more diagnostics not shown"));
	CU_ASSERT_PTR_NULL(strstr(out, "dropped"));
	arena__free(a);
}

/* Several sources in one offset space: a location names its file, and
 * one in a macro expansion ends with the calls it came from. */
static void test_sources_and_expansions(void)
{
	struct arena *a = arena__new();
	struct source main_src = { "stdin", "BEGIN { m(); }", 14 };
	struct source lib = { "lib.et", "\nmacro m() { x }", 16, 20 };
	struct source view = lib;
	struct diags d;

	view.base = 40;
	view.macro = "m";
	view.called_at = (struct loc){ 8, 11 };
	lib.next = &view;
	main_src.next = &lib;
	CU_ASSERT_PTR_EQUAL(source_of(&main_src, 3), &main_src);
	CU_ASSERT_PTR_EQUAL(source_of(&main_src, 21), &lib);
	CU_ASSERT_PTR_EQUAL(source_of(&main_src, 53), &view);
	diags_init(&d, a, &main_src);
	diag_error(&d, (struct loc){ 20 + 13, 20 + 14 }, "in the library");
	diag_error(&d, (struct loc){ 40 + 13, 40 + 14 }, "in an expansion");
	CU_ASSERT_STRING_EQUAL(print_all(&d),
			       "lib.et:2:13: error: in the library\n"
			       "macro m() { x }\n"
			       "            ^\n"
			       "lib.et:2:13: error: in an expansion\n"
			       "macro m() { x }\n"
			       "            ^\n"
			       "stdin:1:9: note: in expansion of macro 'm'\n"
			       "BEGIN { m(); }\n"
			       "        ^~~\n");
	arena__free(a);
}

static void test_arena(void)
{
	struct arena *a = arena__new();
	char *s = arena_printf(a, "%s-%d", "x", 42);
	char *big = arena_alloc(a, 1 << 20);
	int *z = arena_calloc(a, 100, sizeof(int));

	CU_ASSERT_STRING_EQUAL(s, "x-42");
	CU_ASSERT_EQUAL(((uintptr_t)big) % 16, 0);
	big[(1 << 20) - 1] = 1;
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(z[i], 0);
	CU_ASSERT_STRING_EQUAL(arena_strndup(a, "abcdef", 3), "abc");
	CU_ASSERT(arena_used(a) >= (1 << 20));
	arena__free(a);
	arena__free(NULL);
}

UNIT_MAIN("diag", UNIT_TEST(test_caret_range),
	  UNIT_TEST(test_second_line_and_note),
	  UNIT_TEST(test_range_past_line_end_and_eof),
	  UNIT_TEST(test_control_bytes_and_cap),
	  UNIT_TEST(test_sources_and_expansions), UNIT_TEST(test_arena))
