/* outstream.c: a FILE over a file descriptor through fopencookie, whose
 * write function keeps the errno of the first failure (outstream.h).
 * A process has one or two such streams at a time; a small table maps a
 * FILE back to its state. */
#define _GNU_SOURCE
#include "outstream.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STREAMS 4

struct outstream {
	FILE *f;
	int fd;
	bool own;
	int err;       /* errno of the first failed write */
	char *name;
};

static struct outstream *streams[MAX_STREAMS];

static struct outstream *find(FILE *f)
{
	for (int i = 0; f && i < MAX_STREAMS; i++)
		if (streams[i] && streams[i]->f == f)
			return streams[i];
	return NULL;
}

/* All of buf, or 0 with os->err set: stdio then marks the FILE. A
 * descriptor left non-blocking by someone else is waited for. */
static ssize_t os_write(void *cookie, const char *buf, size_t len)
{
	struct outstream *os = cookie;
	struct pollfd p = { .fd = os->fd, .events = POLLOUT };
	size_t done = 0;
	ssize_t n;

	if (os->err)
		return 0;
	while (done < len) {
		n = write(os->fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && poll(&p, 1, -1) >= 0)
			continue;
		os->err = n < 0 ? errno : EIO;
		errno = os->err;
		return 0;
	}
	return (ssize_t)len;
}

static int os_close(void *cookie)
{
	struct outstream *os = cookie;

	for (int i = 0; i < MAX_STREAMS; i++)
		if (streams[i] == os)
			streams[i] = NULL;
	if (os->own)
		close(os->fd);
	free(os->name);
	free(os);
	return 0;
}

FILE *outstream__open(int fd, const char *name, bool own)
{
	cookie_io_functions_t io = { .write = os_write, .close = os_close };
	struct outstream *os = calloc(1, sizeof(*os));
	int slot = -1;

	for (int i = 0; i < MAX_STREAMS && slot < 0; i++)
		if (!streams[i])
			slot = i;
	if (!os || slot < 0 || !(os->name = strdup(name ? name : "stdout"))) {
		free(os);
		errno = slot < 0 ? EMFILE : ENOMEM;
		return NULL;
	}
	os->fd = fd;
	os->own = own;
	os->f = fopencookie(os, "w", io);
	if (!os->f) {
		free(os->name);
		free(os);
		return NULL;
	}
	streams[slot] = os;
	return os->f;
}

int outstream__error(FILE *f)
{
	struct outstream *os = find(f);

	return os ? os->err : 0;
}

const char *outstream__name(FILE *f)
{
	struct outstream *os = find(f);

	return os ? os->name : "stdout";
}

int outstream__close(FILE *f)
{
	struct outstream *os = find(f);
	int err;

	if (!os)
		return fclose(f) ? errno : 0;
	fflush(f);
	err = os->err;
	fclose(f);
	return err;
}
