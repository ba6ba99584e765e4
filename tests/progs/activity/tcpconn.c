/* Activity for the tcpconnect and tcplife recipes: one TCP session on
 * loopback, from connect() to close, with known sizes. A listener on
 * 127.0.0.1:PORT; the client connects, sends SEND bytes, the server reads
 * them and answers SEND / 2 bytes, the client reads those; then the
 * client closes first, and the server after it.
 * Usage: tcpconn PORT SEND. Exit 0 when every byte went through. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 16];

/* n bytes through fd: written (out) or read */
static int move(int fd, size_t n, int out)
{
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);
		ssize_t r = out ? write(fd, buf, k) : read(fd, buf, k);

		if (r <= 0)
			return -1;
		n -= (size_t)r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int port = argc > 2 ? atoi(argv[1]) : 0;
	long send = argc > 2 ? atol(argv[2]) : -1;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, l, c, s;

	if (port <= 0 || port > 65535 || send < 0) {
		fprintf(stderr, "usage: tcpconn PORT SEND\n");
		return 2;
	}
	sa.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	l = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || c < 0 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1) ||
	    connect(c, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("tcpconn: connect");
		return 1;
	}
	s = accept(l, NULL, NULL);
	memset(buf, 'x', sizeof(buf));
	if (s < 0 || move(c, (size_t)send, 1) || move(s, (size_t)send, 0) ||
	    move(s, (size_t)send / 2, 1) || move(c, (size_t)send / 2, 0)) {
		perror("tcpconn: transfer");
		return 1;
	}
	close(c);
	/* the server sees the client's FIN (CLOSE_WAIT), then closes */
	if (read(s, buf, 1) != 0) {
		fprintf(stderr, "tcpconn: no end of stream\n");
		return 1;
	}
	close(s);
	close(l);
	usleep(100000);
	return 0;
}
