/* drops.h: what a run lost, reported (SPEC §7 "Nothing lost or ignored
 * in silence"). Two sources: the BPF programs' counters (ET_DROPS_MAP,
 * one slot per program.h struct et_drop: full maps, lost stack ids,
 * failed reads, cut strings) and what user space itself did not do
 * (drops__count: system()/cat() commands not run, files cut by cat()).
 * A report says what grew since the previous one, one line per cause:
 * text on stderr ("warning: @: 904 updates dropped, the map is full
 * (4096 keys; raise with config max_map_keys)"), or with -f json a
 * {"type": "dropped", "data": {...}} record on the output stream.
 *
 * Ownership: drops__new borrows the program and the FILE; drops__free
 * frees the rest (NULL is a no-op). */
#ifndef ETRACE_DROPS_H
#define ETRACE_DROPS_H

#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "program.h"

/* What user space lost, per action. */
enum drop_user {
	DROPU_LATE,    /* system()/cat(): not run, etrace too far behind */
	DROPU_ENDING,  /* system()/cat(): not run, the run was ending */
	DROPU_CAT_CUT, /* cat(): the file was longer than cat_bytes_max */
	DROPU_COUNT
};

struct drops;

/* map_fd: ET_DROPS_MAP's (< 0: the program counts nothing in BPF). */
struct drops *drops__new(const struct et_program *p, int map_fd,
			 enum output_format fmt, FILE *out);
void drops__free(struct drops *d);

/* One more of cause c at action a. */
void drops__count(struct drops *d, const struct et_action *a,
		  enum drop_user c);
/* The total of cause c over every action. */
uint64_t drops__user_total(const struct drops *d, enum drop_user c);

/* Reads the counters and reports every one that grew since the last
 * report. */
void drops__report(struct drops *d);

/* The text of one report line for slot i of the program's drops with
 * count n (total: since the start), without a newline: for tests. */
int drops__format(const struct et_program *p, int i, uint64_t n,
		  uint64_t total, char *buf, size_t len);

#endif
