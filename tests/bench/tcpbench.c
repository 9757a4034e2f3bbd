/* TCP throughput through a published port, for the network section of
 * tests/bench/run.sh.
 *
 *   tcpbench sink PORT             inside the sandbox: accepts one
 *                                  connection on 0.0.0.0:PORT, reads it to
 *                                  the end, answers with the byte count
 *   tcpbench send HOST PORT BYTES  on the host: sends BYTES, waits for the
 *                                  sink's count, prints "BYTES SECONDS MiB/s"
 *
 * The time runs from connect() to the sink's answer, so it covers every
 * byte delivered, not just written into the sender's socket buffer.  The
 * sink prints "listening" once it is; the helper has bound the host port
 * before the command started (sandbox(1), NETWORK).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static void die(const char *what)
{
	fprintf(stderr, "tcpbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int sink(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static char buf[CHUNK];
	uint64_t total = 0;
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0), c;
	ssize_t n;

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 1) < 0)
		die("listen");
	printf("listening\n");
	fflush(stdout);
	if ((c = accept(s, NULL, NULL)) < 0)
		die("accept");
	while ((n = read(c, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		total += n > 0 ? (uint64_t)n : 0;
	if (n < 0)
		die("read");
	if (write(c, &total, sizeof total) != (ssize_t)sizeof total)
		die("write the count");
	close(c);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_bytes(const char *host, int port, uint64_t bytes)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static char buf[CHUNK];
	uint64_t left = bytes, got = 0;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	double t0;

	memset(buf, 'x', sizeof buf);
	if (s < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("socket");
	t0 = now();
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("connect");
	while (left > 0) {
		ssize_t n = write(s, buf, left < sizeof buf ? left : sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("write");
		left -= (uint64_t)n;
	}
	if (shutdown(s, SHUT_WR) < 0)
		die("shutdown");
	if (read(s, &got, sizeof got) != (ssize_t)sizeof got)
		die("read the count");
	double secs = now() - t0;
	if (got != bytes) {
		fprintf(stderr, "tcpbench: the sink got %llu bytes of %llu\n", (unsigned long long)got,
		        (unsigned long long)bytes);
		return 1;
	}
	printf("%llu %.3f %.1f\n", (unsigned long long)bytes, secs, (double)bytes / secs / 1048576.0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		return send_bytes(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10));
	fprintf(stderr, "usage: tcpbench sink PORT | tcpbench send HOST PORT BYTES\n");
	return 2;
}
