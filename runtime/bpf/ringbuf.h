/* ringbuf: the user-space end of the one BPF ring buffer that carries
 * every asynchronous action (printf, exit, time, ...). Each record starts
 * with a u64 action id; records are dispatched by it to the callback
 * registered for that id. Records are passed whole, id included, so a
 * callback can read the record struct the BPF side wrote.
 * Errors: 0 or a negative errno. ringbuf__free(NULL) is a no-op. */
#ifndef ETRACE_RINGBUF_H
#define ETRACE_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

/* Action ids are dense small numbers chosen by the code generator. */
#define RINGBUF_MAX_ACTIONS 65536

/* A negative return stops the poll/consume in progress and is returned
 * from it (e.g. after exit()). */
typedef int (*ringbuf_fn)(void *ctx, const void *rec, size_t size);

struct ringbuf;

/* Dispatcher over the ring buffer map map_fd. NULL with errno set. */
struct ringbuf *ringbuf__new(int map_fd);
void ringbuf__free(struct ringbuf *rb);

/* fn handles records of action id (replacing any earlier one). */
int ringbuf__on(struct ringbuf *rb, uint64_t id, ringbuf_fn fn, void *ctx);
/* fn handles records of ids nobody registered (default: counted). */
void ringbuf__on_unknown(struct ringbuf *rb, ringbuf_fn fn, void *ctx);

/* Wait up to timeout_ms for records and dispatch them all: the number
 * dispatched, or a callback's negative return, or -errno. */
int ringbuf__poll(struct ringbuf *rb, int timeout_ms);
/* Dispatch what is there without waiting. */
int ringbuf__consume(struct ringbuf *rb);
/* For an event loop that waits on several things. */
int ringbuf__epoll_fd(const struct ringbuf *rb);

/* Records dropped in user space: shorter than an id, or of an id with no
 * callback when there is no unknown-id callback. */
uint64_t ringbuf__dropped(const struct ringbuf *rb);

#endif
