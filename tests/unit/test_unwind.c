/* Unit tests: the unwind tables of runtime/unwind.c against readelf
 * --debug-dump=frames-interp of the programs tests/progs/uprobe builds
 * (unwind_chain: -O2 -fomit-frame-pointer, a function with an rbp-based
 * CFA, the PLT's expression, _start's undefined return address) and
 * of libc: every row readelf prints is the row the table has there. */
#include "unit.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unwind.h"

#define PROGS ETRACE_UPROBE_PROGS
#define CHAIN PROGS "/unwind_chain"

static struct et_uw_row *rows;
static uint32_t nrows;

/* the row covering pc, or NULL */
static const struct et_uw_row *row_at(uint64_t pc)
{
	const struct et_uw_row *r = NULL;

	for (uint32_t i = 0; i < nrows && rows[i].pc <= pc; i++)
		r = &rows[i];
	return r;
}

/* readelf's row: CFA, rbp and ra columns as text; 1 when it matches r,
 * 0 when not, -1 when readelf's row is one the table does not model */
static int same(const struct et_uw_row *r, const char *cfa, const char *rbp,
		const char *ra)
{
	int n;

	if (!strcmp(ra, "u"))
		return r->cfa == ET_UW_CFA_END;
	if (strcmp(ra, "c-8"))
		return -1;
	if (sscanf(cfa, "rsp+%d", &n) == 1) {
		if (r->cfa != ET_UW_CFA_RSP || r->cfa_off != n)
			return 0;
	} else if (sscanf(cfa, "rbp+%d", &n) == 1) {
		if (r->cfa != ET_UW_CFA_RBP || r->cfa_off != n)
			return 0;
	} else if (!strcmp(cfa, "exp")) {
		/* the PLT's expression, or one the unwinder refuses */
		return r->cfa == ET_UW_CFA_PLT || r->cfa == ET_UW_CFA_UNSUP;
	} else {
		return -1;
	}
	if (!rbp || !strcmp(rbp, "u"))
		return r->rbp == ET_UW_RBP_SAME;
	if (sscanf(rbp, "c%d", &n) == 1)
		return r->rbp == ET_UW_RBP_AT && r->rbp_off == n;
	return -1;
}

/* A CIE's initial row (readelf prints it under the CIE) */
struct cie {
	unsigned long off;
	char cfa[16], ra[16];
};

/* Checks row r against readelf's text; counts it */
static void check_row(const char *path, uint64_t loc, const char *cfa,
		      const char *rbp, const char *ra, int *checked, int *bad)
{
	const struct et_uw_row *r = row_at(loc);
	int s = r ? same(r, cfa, rbp, ra) : 0;

	if (!s)
		fprintf(stderr,
			"%s: %" PRIx64 " %s ra %s: row %x cfa %d%+d "
			"rbp %d%+d\n",
			path, loc, cfa, ra, r ? r->pc : 0, r ? r->cfa : -1,
			r ? r->cfa_off : 0, r ? r->rbp : -1,
			r ? r->rbp_off : 0);
	*checked += s >= 0;
	*bad += s == 0;
}

/* Checks every row of readelf's table of path; the rows compared */
static int check_file(const char *path)
{
	char cmd[512], line[512];
	static struct cie cies[256];
	int ncies = 0, ncols = 0, rbp_col = -1, ra_col = -1, checked = 0;
	int bad = 0, cur_cie = -1;
	bool in_cie = false, fde_rows = true;
	uint64_t fde_start = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(unwind_build(path, &rows, &nrows), 0);
	CU_ASSERT_FATAL(nrows > 0);
	snprintf(cmd, sizeof(cmd), "readelf --debug-dump=frames-interp '%s'",
		 path);
	f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (;;) {
		char *tok[16], *save = NULL,
			       *got = fgets(line, sizeof(line), f);
		int nt = 0;
		uint64_t loc;
		unsigned long off;

		for (char *t = got ? strtok_r(line, " \n", &save) : NULL;
		     t && nt < 16; t = strtok_r(NULL, " \n", &save))
			tok[nt++] = t;
		/* the end of an FDE without rows of its own: the CIE's row
		 * holds from its start */
		if ((!got || (nt >= 4 && (!strcmp(tok[3], "CIE") ||
					  !strcmp(tok[3], "FDE")))) &&
		    !fde_rows && cur_cie >= 0) {
			check_row(path, fde_start, cies[cur_cie].cfa, NULL,
				  cies[cur_cie].ra, &checked, &bad);
			fde_rows = true;
		}
		if (!got)
			break;
		if (nt >= 4 && !strcmp(tok[3], "CIE") && ncies < 256) {
			in_cie = true;
			cies[ncies].off = strtoul(tok[0], NULL, 16);
			cies[ncies].cfa[0] = 0;
			ncies++;
			continue;
		}
		if (nt >= 6 && !strcmp(tok[3], "FDE")) {
			in_cie = false;
			fde_rows = false;
			cur_cie = -1;
			if (sscanf(tok[4], "cie=%lx", &off) == 1)
				for (int i = 0; i < ncies; i++)
					if (cies[i].off == off &&
					    cies[i].cfa[0])
						cur_cie = i;
			sscanf(tok[5], "pc=%" SCNx64, &fde_start);
			continue;
		}
		if (nt >= 2 && !strcmp(tok[0], "LOC")) {
			ncols = nt;
			rbp_col = ra_col = -1;
			for (int i = 0; i < nt; i++) {
				if (!strcmp(tok[i], "rbp"))
					rbp_col = i;
				if (!strcmp(tok[i], "ra"))
					ra_col = i;
			}
			continue;
		}
		if (nt != ncols || ra_col < 0 || strlen(tok[0]) != 16 ||
		    sscanf(tok[0], "%" SCNx64, &loc) != 1)
			continue;
		if (in_cie) {
			snprintf(cies[ncies - 1].cfa, 16, "%s", tok[1]);
			snprintf(cies[ncies - 1].ra, 16, "%s", tok[ra_col]);
			continue;
		}
		fde_rows = true;
		check_row(path, loc, tok[1], rbp_col >= 0 ? tok[rbp_col] : NULL,
			  tok[ra_col], &checked, &bad);
	}
	pclose(f);
	CU_ASSERT_EQUAL(bad, 0);
	free(rows);
	rows = NULL;
	return checked;
}

static void test_chain(void)
{
	const struct et_uw_row *prev = NULL;
	int checked = check_file(CHAIN);

	CU_ASSERT(checked >= 20);
	/* sorted, and no two neighbours alike */
	CU_ASSERT_EQUAL_FATAL(unwind_build(CHAIN, &rows, &nrows), 0);
	for (uint32_t i = 0; i < nrows; i++) {
		if (prev) {
			CU_ASSERT(prev->pc < rows[i].pc);
			CU_ASSERT(
			    memcmp(&prev->cfa_off, &rows[i].cfa_off,
				   sizeof(*prev) -
				       offsetof(struct et_uw_row, cfa_off)));
		}
		prev = &rows[i];
	}
	free(rows);
	rows = NULL;
}

static void test_libc(void)
{
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";

	CU_ASSERT(check_file(libc) > 1000);
}

static void test_no_table(void)
{
	/* not ELF: no table */
	CU_ASSERT_EQUAL(unwind_build("/etc/passwd", &rows, &nrows), -ENOENT);
	CU_ASSERT_EQUAL(unwind_build("/nonexistent", &rows, &nrows), -ENOENT);
}

/* lo..hi of the first mapping of /proc/PID/maps whose line has what */
static bool mapping(int pid, const char *what, uint64_t *lo, uint64_t *hi)
{
	char path[64], line[4200];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, what) &&
			sscanf(line, "%" SCNx64 "-%" SCNx64, lo, hi) == 2;
	if (f)
		fclose(f);
	return found;
}

/* the image identity: the stack's start in [stack], the end of the code
 * in the executable's text (a comm with ") " in it parsed right); a fork
 * has its parent's, its exec another; a pid gone has none */
static void test_exec_id(void)
{
	uint64_t stack = 0, code = 0, s2 = 0, c2 = 0, lo, hi;
	char exe[4096], line[64];
	int go[2], status;
	ssize_t n;
	pid_t child;

	prctl(PR_SET_NAME, "a) b ) c");
	CU_ASSERT_FATAL(unwind_exec_id(getpid(), &stack, &code));
	CU_ASSERT(mapping(getpid(), "[stack]", &lo, &hi) && lo <= stack &&
		  stack < hi);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CU_ASSERT_FATAL(n > 0);
	exe[n] = 0;
	CU_ASSERT(mapping(getpid(), exe, &lo, &hi));
	CU_ASSERT(code > lo);

	CU_ASSERT_FATAL(pipe(go) == 0);
	child = fork();
	CU_ASSERT_FATAL(child >= 0);
	if (!child) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) == 1)
			execl("/bin/sleep", "sleep", "5", (char *)NULL);
		_exit(1);
	}
	close(go[0]);
	CU_ASSERT(unwind_exec_id(child, &s2, &c2) && s2 == stack && c2 == code);
	CU_ASSERT(write(go[1], "g", 1) == 1);
	close(go[1]);
	/* until the child runs sleep: /proc/PID/exe changes at the exec */
	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "/proc/%d/exe", (int)child);
		n = readlink(line, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		if (strstr(exe, "sleep"))
			break;
		usleep(10000);
	}
	CU_ASSERT(strstr(exe, "sleep") != NULL);
	CU_ASSERT(unwind_exec_id(child, &s2, &c2));
	CU_ASSERT(s2 != stack || c2 != code);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CU_ASSERT(!unwind_exec_id(child, &s2, &c2));
}

UNIT_MAIN("unwind", UNIT_TEST(test_chain), UNIT_TEST(test_libc),
	  UNIT_TEST(test_no_table), UNIT_TEST(test_exec_id))
