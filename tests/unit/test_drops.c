/* Unit tests of what a run says it lost (runtime/drops.c: the line of
 * each cause, user space's counts, JSON records, reports of what grew)
 * and of the output stream that keeps its write errors
 * (runtime/outstream.c: ENOSPC, EPIPE, the name). No root, no BPF. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drops.h"
#include "loadguard.h"
#include "outstream.h"
#include "unit.h"

static const char script[] = "tracepoint:x:y { @s = str(arg0); }";

/* A program of one map, two actions and a drop slot of each cause. */
static struct et_program *program(void)
{
	struct arena *a = arena__new();
	struct et_program *p = arena_calloc(a, 1, sizeof(*p));
	struct loc at = { 21, 30 };

	p->arena = a;
	p->src = (struct source){ "stdin", script, sizeof(script) - 1 };
	et_settings_default(&p->settings);
	p->nmaps = 1;
	p->maps = arena_calloc(a, 1, sizeof(*p->maps));
	p->maps[0].name = "@s";
	p->nactions = 2;
	p->actions = arena_calloc(a, 2, sizeof(*p->actions));
	p->actions[0] = (struct et_action){ .id = 0, .kind = ACT_SYSTEM,
					    .loc = at };
	p->actions[1] = (struct et_action){ .id = 1, .kind = ACT_CAT,
					    .loc = LOC_NONE };
	p->ndrops = DROP_CAUSE_COUNT;
	p->drops = arena_calloc(a, DROP_CAUSE_COUNT, sizeof(*p->drops));
	p->drops[0] = (struct et_drop){ DROP_MAP_FULL, 0, NULL, LOC_NONE,
					4096 };
	p->drops[1] = (struct et_drop){ DROP_MAP_NOMEM, 0, NULL, LOC_NONE, 0 };
	p->drops[2] = (struct et_drop){ DROP_MAP_FAILED, 0, NULL, LOC_NONE, 0 };
	p->drops[3] = (struct et_drop){ DROP_STACK_FULL, -1, "kstack",
					LOC_NONE, 4096 };
	p->drops[4] = (struct et_drop){ DROP_STACK_COLLISION, -1, "ustack",
					LOC_NONE, 4096 };
	p->drops[5] = (struct et_drop){ DROP_READ, -1, "probe_read_user_str",
					at, 0 };
	p->drops[6] = (struct et_drop){ DROP_STR_TRUNC, -1, NULL, at, 64 };
	p->drops[8] = (struct et_drop){ DROP_RATE_LIMIT, -1, "tracepoint:x:y",
					at, 1000, 0 };
	p->drops[9] = (struct et_drop){ DROP_SHED, -1, "tracepoint:x:y", at, 0,
					0 };
	return p;
}

static const char *line(const struct et_program *p, int i, uint64_t n,
			uint64_t total)
{
	static char buf[512];

	drops__format(p, i, n, total, buf, sizeof(buf));
	return buf;
}

static void test_lines(void)
{
	struct et_program *p = program();

	CU_ASSERT_STRING_EQUAL(line(p, 0, 904, 904), "warning: @s: 904 "
			       "updates dropped, the map is full (4096 keys; "
			       "raise with config max_map_keys)");
	CU_ASSERT_STRING_EQUAL(line(p, 0, 1, 905), "warning: @s: 1 update "
			       "dropped (905 in all), the map is full (4096 "
			       "keys; raise with config max_map_keys)");
	CU_ASSERT_STRING_EQUAL(line(p, 1, 2, 2), "warning: @s: 2 updates "
			       "dropped, the kernel had no memory for a new "
			       "key");
	CU_ASSERT_STRING_EQUAL(line(p, 2, 3, 3),
			       "warning: @s: 3 updates failed");
	CU_ASSERT_STRING_EQUAL(line(p, 3, 5, 5), "warning: kstack: 5 stacks "
			       "lost, the stack map is full (4096 stacks)");
	CU_ASSERT_STRING_EQUAL(line(p, 4, 1, 1), "warning: ustack: 1 stack "
			       "lost to hash collisions in the stack map (4096 "
			       "entries)");
	CU_ASSERT_STRING_EQUAL(line(p, 5, 3, 3), "stdin:1:22: warning: 3 "
			       "reads failed (probe_read_user_str): those "
			       "values read as zeros");
	CU_ASSERT_STRING_EQUAL(line(p, 6, 1, 1), "stdin:1:22: note: 1 string "
			       "cut at strlen (64 bytes with the NUL; raise "
			       "with config strlen)");
	CU_ASSERT_STRING_EQUAL(line(p, 8, 9000, 9000), "stdin:1:22: warning: "
			       "tracepoint:x:y: 9000 events dropped by the "
			       "rate limit of 1000 per second");
	CU_ASSERT_STRING_EQUAL(line(p, 9, 1, 5), "stdin:1:22: warning: "
			       "tracepoint:x:y: 1 event skipped (5 in all) by "
			       "the overhead guard's sampling (max_overhead)");
	et_program__free(p);
}

/* --max-overhead's and config max_overhead's text */
static void test_budget(void)
{
	uint32_t v = 0;

	CU_ASSERT_EQUAL(loadguard_parse_budget("2%", &v), 0);
	CU_ASSERT_EQUAL(v, 200);
	CU_ASSERT_EQUAL(loadguard_parse_budget("0.5%", &v), 0);
	CU_ASSERT_EQUAL(v, 50);
	CU_ASSERT_EQUAL(loadguard_parse_budget("0.01%", &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(loadguard_parse_budget("12.25", &v), 0);
	CU_ASSERT_EQUAL(v, 1225);
	CU_ASSERT_EQUAL(loadguard_parse_budget("100%", &v), 0);
	CU_ASSERT_EQUAL(v, 10000);
	CU_ASSERT_EQUAL(loadguard_parse_budget("0%", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("0.001%", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("101%", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("2 %", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("%", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("1.%", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("", &v), -EINVAL);
	CU_ASSERT_EQUAL(loadguard_parse_budget("99999999999999999999", &v),
			-EINVAL);
}

/* a rate's share of each CPU: rate / CPUs a second, a burst of as
 * many; at least one event a second */
static void test_rate_share(void)
{
	uint64_t iv, tau;

	loadguard_rate_share(1000, 2, &iv, &tau);
	CU_ASSERT_EQUAL(iv, 2000000);
	CU_ASSERT_EQUAL(tau, 499 * iv);
	loadguard_rate_share(10000, 3, &iv, &tau);
	CU_ASSERT_EQUAL(iv, 300031); /* 3333 a second, rounded up */
	CU_ASSERT_EQUAL(tau, 3332 * iv);
	loadguard_rate_share(1, 64, &iv, &tau);
	CU_ASSERT_EQUAL(iv, 1000000000);
	CU_ASSERT_EQUAL(tau, 0);
	loadguard_rate_share(4000000000u, 1, &iv, &tau);
	CU_ASSERT_EQUAL(iv, 1);
}

/* a report says only what grew, in JSON on the output */
static void test_user_counts_json(void)
{
	struct et_program *p = program();
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f = open_memstream(&buf, &len);
	struct drops *d = drops__new(p, -1, OUT_JSON, f);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	drops__count(d, &p->actions[0], DROPU_LATE);
	drops__count(d, &p->actions[0], DROPU_LATE);
	drops__count(d, &p->actions[1], DROPU_CAT_CUT);
	CU_ASSERT_EQUAL(drops__user_total(d, DROPU_LATE), 2);
	drops__report(d);
	fflush(f);
	CU_ASSERT_STRING_EQUAL(buf,
		"{\"type\": \"dropped\", \"data\": {\"cause\": "
		"\"not_run_late\", \"count\": 2, \"total\": 2, \"message\": "
		"\"stdin:1:22: warning: 2 system() calls not run: etrace was "
		"more than 1 s behind running them\"}}\n"
		"{\"type\": \"dropped\", \"data\": {\"cause\": "
		"\"cat_truncated\", \"count\": 1, \"total\": 1, \"message\": "
		"\"note: 1 file cut by cat() at 10240 bytes (raise with config "
		"cat_bytes_max)\"}}\n");
	drops__report(d); /* nothing grew: nothing said */
	drops__count(d, &p->actions[0], DROPU_ENDING);
	n = len;
	drops__report(d);
	fflush(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf + n, "\"cause\": \"not_run_ending\","
				      " \"count\": 1, \"total\": 1"));
	CU_ASSERT_PTR_NULL(strstr(buf + n, "not_run_late"));
	CU_ASSERT_EQUAL(strchr(buf + n, '\n') - (buf + n), (long)(len - n - 1));
	drops__free(d);
	fclose(f);
	free(buf);
	et_program__free(p);
}

static void test_outstream_errors(void)
{
	int fds[2], fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = outstream__open(fd, "full", true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(outstream__name(f), "full");
	CU_ASSERT_EQUAL(outstream__error(f), 0);
	fputs("x\n", f);
	fflush(f);
	CU_ASSERT_EQUAL(outstream__error(f), ENOSPC);
	CU_ASSERT_EQUAL(outstream__close(f), ENOSPC);
	/* a pipe whose reader is gone: EPIPE (SIGPIPE ignored here) */
	signal(SIGPIPE, SIG_IGN);
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	close(fds[0]);
	f = outstream__open(fds[1], NULL, true);
	CU_ASSERT_STRING_EQUAL(outstream__name(f), "stdout");
	fputs("y\n", f);
	CU_ASSERT_EQUAL(outstream__close(f), EPIPE);
	/* not an outstream: no error known */
	CU_ASSERT_EQUAL(outstream__error(stderr), 0);
}

/* what writes fine reaches the descriptor whole */
static void test_outstream_writes(void)
{
	char path[] = "/tmp/etrace-test-outstream.XXXXXX", buf[64] = "";
	int fd = mkstemp(path), rd;
	FILE *f = outstream__open(fd, path, true);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "%s %d\n", "hello", 42);
	CU_ASSERT_EQUAL(outstream__close(f), 0);
	rd = open(path, O_RDONLY);
	CU_ASSERT_EQUAL(read(rd, buf, sizeof(buf) - 1), 9);
	CU_ASSERT_STRING_EQUAL(buf, "hello 42\n");
	close(rd);
	unlink(path);
}

UNIT_MAIN("drops", UNIT_TEST(test_lines), UNIT_TEST(test_user_counts_json),
	  UNIT_TEST(test_budget), UNIT_TEST(test_rate_share),
	  UNIT_TEST(test_outstream_errors), UNIT_TEST(test_outstream_writes))
