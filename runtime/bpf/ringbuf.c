/* ringbuf.c: dispatch of ring buffer records to per-action callbacks by
 * the u64 action id at offset 0 (see ringbuf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ringbuf.h"

struct handler {
	ringbuf_fn fn;
	void *ctx;
};

struct ringbuf {
	struct ring_buffer *rb;
	struct handler *by_id; /* indexed by action id */
	size_t nids;
	struct handler unknown;
	uint64_t dropped;
};

static int dispatch(void *arg, void *data, size_t size)
{
	struct ringbuf *rb = arg;
	const struct handler *h = &rb->unknown;
	uint64_t id;

	if (size < sizeof(id)) {
		rb->dropped++;
		return 0;
	}
	memcpy(&id, data, sizeof(id));
	if (id < rb->nids && rb->by_id[id].fn)
		h = &rb->by_id[id];
	if (!h->fn) {
		rb->dropped++;
		return 0;
	}
	return h->fn(h->ctx, data, size);
}

struct ringbuf *ringbuf__new(int map_fd)
{
	struct ringbuf *rb = calloc(1, sizeof(*rb));
	int err;

	if (!rb)
		return NULL;
	rb->rb = ring_buffer__new(map_fd, dispatch, rb, NULL);
	if (!rb->rb) {
		err = errno;
		free(rb);
		errno = err;
		return NULL;
	}
	return rb;
}

void ringbuf__free(struct ringbuf *rb)
{
	if (!rb)
		return;
	ring_buffer__free(rb->rb);
	free(rb->by_id);
	free(rb);
}

int ringbuf__on(struct ringbuf *rb, uint64_t id, ringbuf_fn fn, void *ctx)
{
	struct handler *h;
	size_t n;

	if (id >= RINGBUF_MAX_ACTIONS)
		return -EINVAL;
	if (id >= rb->nids) {
		n = rb->nids ? rb->nids : 16;
		while (n <= id)
			n *= 2;
		h = realloc(rb->by_id, n * sizeof(*h));
		if (!h)
			return -ENOMEM;
		memset(h + rb->nids, 0, (n - rb->nids) * sizeof(*h));
		rb->by_id = h;
		rb->nids = n;
	}
	rb->by_id[id] = (struct handler){fn, ctx};
	return 0;
}

void ringbuf__on_unknown(struct ringbuf *rb, ringbuf_fn fn, void *ctx)
{
	rb->unknown = (struct handler){fn, ctx};
}

int ringbuf__poll(struct ringbuf *rb, int timeout_ms)
{
	return ring_buffer__poll(rb->rb, timeout_ms);
}

int ringbuf__consume(struct ringbuf *rb)
{
	return ring_buffer__consume(rb->rb);
}

int ringbuf__epoll_fd(const struct ringbuf *rb)
{
	return ring_buffer__epoll_fd(rb->rb);
}

uint64_t ringbuf__dropped(const struct ringbuf *rb)
{
	return rb->dropped;
}
