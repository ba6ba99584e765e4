/* HTTP/2 in user space (runtime/h2.c): the ACT_H2 records of h2_feed()
 * (abi.h "HTTP/2") become header blocks, decoded by libnghttp2's HPACK
 * inflater, one per (process, connection, direction), fed every block
 * of its direction in wire order, once; the blocks and the ends of
 * streams become one span per stream (a request and its response:
 * server kind when the process received the request, client when it
 * sent it), handed to the span runtime's sinks (text, JSON, OTLP), and
 * a RED table (requests, errors, latency) printed at exit.
 *
 * Ownership: h2_rt__new borrows the span runtime and the FILE. */
#ifndef ETRACE_H2_H
#define ETRACE_H2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct h2_rt;
struct span_rt;

struct h2_rt *h2_rt__new(struct span_rt *spans, FILE *out, bool json);
void h2_rt__free(struct h2_rt *rt);
/* The BPF walker's state map (ET_H2_STATE_MAP): a connection passed
 * over is deleted there, so that BPF stops sending its records. */
void h2_rt__set_state_map(struct h2_rt *rt, int fd);
/* One ACT_H2 record; 0, or -EINVAL when it is malformed. */
int h2_rt__record(struct h2_rt *rt, const void *rec, size_t size);
/* At exit: the RED table and the counters that are not zero (text: the
 * table on the output, the counters on stderr; JSON: records). */
void h2_rt__report(struct h2_rt *rt);

/* The counters (h2_rt__report prints those that are not zero). */
struct h2_stats {
	unsigned long long blocks;    /* header blocks decoded */
	unsigned long long streams;   /* spans made */
	unsigned long long lost;      /* records lost (a seq gap): the
					 connection is passed over until
					 its next preface */
	unsigned long long walk_lost; /* the BPF walk gave up */
	unsigned long long hpack_err; /* blocks the inflater refused */
	unsigned long long open;      /* streams open at exit */
};
void h2_rt__stats(const struct h2_rt *rt, struct h2_stats *st);

#endif
