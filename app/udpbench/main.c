/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-udpbench: the kernel UDP baseline for dipc's eth transport. Two
 * processes, each possibly in its own network namespace (tools/
 * udp-baseline.sh joins two with a veth pair), pinned like dipc-udsbench
 * (client CPU 0, server CPU 1 by default):
 *
 *   server    echoes every datagram to its sender: recvmmsg() a batch,
 *             sendmmsg() it back; blocking, or busy-polling with --busy
 *             (MSG_DONTWAIT); until SIGINT or SIGTERM, then exits 0;
 *   pingpong  the client sends one datagram of --size bytes and waits for
 *             its echo; each round trip timed from before the send to
 *             after the echo's receive;
 *   window    the client keeps up to --window datagrams outstanding
 *             (sendmmsg() batches, recvmmsg()); the rate is that of the
 *             echoes it received over its measured interval (warm-up
 *             excluded).
 *
 *   dipc-udpbench --role server --bind IP:PORT [--cpu N] [--size N] [--busy]
 *                 [--sockbuf BYTES]
 *   dipc-udpbench --role client --peer IP:PORT [--mode pingpong|window]
 *                 [--window W] [--size N] [--duration S] [--warmup S]
 *                 [--timeout-ms MS] [--cpu N] [--busy] [--sockbuf BYTES]
 *                 [--json] [--hist-csv FILE]
 *
 * Each datagram carries its sequence number in its first 8 bytes, and each
 * echo is checked against the one awaited (and its length against --size),
 * so that a stale datagram is never taken for it. A datagram not echoed
 * within --timeout-ms is counted lost and the client goes on; an echo that
 * comes after that is counted late (and stays in lost). Before its clock
 * starts, the client sends a probe every --timeout-ms until one is echoed
 * (at most 5 s, or one timeout if longer): the server is up, and ARP done.
 *
 * Percentiles use dipc-perf's histogram (app/perf/hist.c), as dipc-udsbench's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"

/* The largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
#define MAX_SIZE 65507u
/* The sequence number: the first 8 bytes of every datagram. */
#define SEQ_SIZE 8u
#define MAX_WINDOW 4096u
/* Datagrams per recvmmsg()/sendmmsg(), both roles. */
#define BATCH 32u
#define HANDSHAKE_NS 5000000000ull

static const char *role;
static const char *mode = "pingpong";
static const char *bind_arg, *peer_arg, *hist_csv;
static uint32_t size, window = 32, timeout_ms = 100;
static double duration = 5, warmup = 1;
static int cpu = -2; /* -2: the role's default; -1: not pinned */
static int json, busy, sockbuf;
/* The first option given that the other role does not take, if any. */
static const char *client_only, *server_only;
static int window_given;

static struct sockaddr_storage addr;
static socklen_t addr_len;
static char addr_text[INET6_ADDRSTRLEN + 8];

static volatile sig_atomic_t stop;

struct client_stats {
	uint64_t sent;     /* datagrams sent after the handshake */
	uint64_t echoed;   /* their echoes received, warm-up included */
	uint64_t messages; /* echoes received in the measured interval */
	uint64_t lost;     /* not echoed within the timeout */
	uint64_t late;     /* echoes of datagrams already counted lost */
	uint64_t bad;      /* wrong length, or a sequence number never sent */
	uint64_t warm_ns;  /* start of the measured interval */
	uint64_t end_ns;   /* its end */
	struct perf_hist hist;
};

static struct client_stats st;
/* Sequence numbers: below first_seq, the handshake's probes. */
static uint64_t next_seq, first_seq = UINT64_MAX;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
pin(int c)
{
	cpu_set_t set;

	if (c < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "dipc-udpbench: cannot run on CPU %d: %s\n", c, strerror(errno));
		return -1;
	}
	return 0;
}

/* "CPU N", or "not pinned", for the reports. */
static const char *
cpu_text(void)
{
	static char text[32];

	if (cpu < 0)
		return "not pinned";
	snprintf(text, sizeof(text), "CPU %d", cpu);
	return text;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * "A.B.C.D:PORT" or "[IPv6]:PORT" into addr, addr_len and addr_text (the
 * port as bound, later, for port 0). Returns 0, or -1 if it is not one.
 */
static int
parse_addr(const char *s, int allow_port0)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr;
	char host[INET6_ADDRSTRLEN];
	const char *h = s, *colon;
	unsigned long port;
	size_t hl;
	char *end;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hl = (size_t)(colon - s);
		if (memchr(s, ':', hl) != NULL)
			return -1; /* an IPv6 address needs its brackets */
	}
	if (hl == 0 || hl >= sizeof(host) || colon[1] < '0' || colon[1] > '9')
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port > 65535 || (port == 0 && !allow_port0))
		return -1;
	memset(&addr, 0, sizeof(addr));
	if (s[0] != '[' && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		addr_len = sizeof(*sin);
	} else if (s[0] == '[' && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		addr_len = sizeof(*sin6);
	} else {
		return -1;
	}
	return 0;
}

/* addr as text, "A.B.C.D:PORT" or "[IPv6]:PORT", into addr_text. */
static void
format_addr(void)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&addr;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&addr;
	char host[INET6_ADDRSTRLEN] = "?";

	if (addr.ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(addr_text, sizeof(addr_text), "%s:%u", host, ntohs(sin->sin_port));
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(addr_text, sizeof(addr_text), "[%s]:%u", host, ntohs(sin6->sin6_port));
	}
}

/*
 * --sockbuf: both buffers of @fd that large (SO_*BUFFORCE when allowed,
 * past net.core.[rw]mem_max; else what the kernel grants up to it).
 */
static int
set_sockbuf(int fd)
{
	if (sockbuf == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sockbuf, sizeof(sockbuf)) != 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sockbuf, sizeof(sockbuf)) != 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sockbuf, sizeof(sockbuf)) != 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sockbuf, sizeof(sockbuf)) != 0)
		return -1;
	return 0;
}

/* The receive buffer the kernel gave @fd, bytes (-1 if unknown). */
static int
rcvbuf_of(int fd)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) != 0)
		return -1;
	return v;
}

/* Blocking receives wake up at least this often: a timeout, or a signal's flag seen. */
static int
set_rcvtimeo(int fd, uint32_t ms)
{
	struct timeval tv = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_usec = (suseconds_t)(ms % 1000) * 1000,
	};

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* The echo server, until SIGINT or SIGTERM. */
static int
server(int fd)
{
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	static struct sockaddr_storage from[BATCH];
	uint64_t echoed = 0, truncated = 0, send_errors = 0;
	uint8_t *buf = malloc((size_t)BATCH * size);
	unsigned int i, k;
	int n, r;

	if (buf == NULL) {
		fprintf(stderr, "dipc-udpbench: out of memory\n");
		return -1;
	}
	while (!stop) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf + (size_t)i * size;
			iov[i].iov_len = size;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, BATCH, busy ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		if (n < 0) {
			/* EAGAIN: nothing yet (--busy), or SO_RCVTIMEO: look at stop. */
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			fprintf(stderr, "dipc-udpbench: server: recvmmsg: %s\n", strerror(errno));
			free(buf);
			return -1;
		}
		/* Each datagram back as it came, but for those longer than --size. */
		k = 0;
		for (i = 0; i < (unsigned int)n; i++) {
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				truncated++;
				continue;
			}
			iov[i].iov_len = msgs[i].msg_len;
			if (k != i)
				msgs[k] = msgs[i];
			k++;
		}
		for (i = 0; i < k;) {
			r = sendmmsg(fd, msgs + i, k - i, 0);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				/* This one cannot go (its sender unreachable...): the next. */
				send_errors++;
				i++;
				continue;
			}
			i += (unsigned int)r;
			echoed += (unsigned int)r;
		}
	}
	free(buf);
	printf("dipc-udpbench: server on %s: %" PRIu64 " datagrams echoed, %" PRIu64
	       " longer than %u B dropped, %" PRIu64 " send errors\n",
	       addr_text, echoed, truncated, size, send_errors);
	return 0;
}

/*
 * Sort one datagram of @len bytes in @p that is not the echo of @seq: the
 * echo of one counted lost (late), a datagram never sent or of the wrong
 * length (bad), or a handshake probe's echo (ignored). Returns 1 if it is
 * the echo of @seq.
 */
static int
is_echo_of(const uint8_t *p, size_t len, uint64_t seq)
{
	uint64_t s;

	if (len != size) {
		st.bad++;
		return 0;
	}
	memcpy(&s, p, sizeof(s));
	if (s == seq)
		return 1;
	if (s >= first_seq && s < seq)
		st.late++;
	else if (s >= first_seq)
		st.bad++;
	return 0;
}

/*
 * Pingpong's receive: 1 when the echo of @seq is in, 0 when it did not
 * come by @deadline (blocking: one SO_RCVTIMEO), -1 on error (errno).
 */
static int
await_echo(int fd, uint8_t *buf, uint64_t seq, uint64_t deadline)
{
	ssize_t n;

	for (;;) {
		/* MSG_TRUNC: the datagram's own length, even if longer than buf. */
		n = recv(fd, buf, size, MSG_TRUNC | (busy ? MSG_DONTWAIT : 0));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (!busy || now_ns() >= deadline)
				return 0;
			continue;
		}
		if (is_echo_of(buf, (size_t)n, seq))
			return 1;
		if (now_ns() >= deadline)
			return 0;
	}
}

/* One datagram of @seq from @buf. 0, or -1 (errno). */
static int
send_seq(int fd, uint8_t *buf, uint64_t seq)
{
	ssize_t n;

	memcpy(buf, &seq, sizeof(seq));
	do {
		n = send(fd, buf, size, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != size) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

static void
sleep_until(uint64_t t)
{
	uint64_t now = now_ns();
	struct timespec ts;

	if (now >= t)
		return;
	ts.tv_sec = (time_t)((t - now) / 1000000000ull);
	ts.tv_nsec = (long)((t - now) % 1000000000ull);
	nanosleep(&ts, NULL);
}

/*
 * A probe every timeout until one is echoed: the server is there and the
 * path resolved before anything is timed. 0, or -1 with the reason said.
 */
static int
handshake(int fd, uint8_t *sbuf, uint8_t *rbuf)
{
	uint64_t timeout_ns = (uint64_t)timeout_ms * 1000000ull;
	uint64_t wait_ns = timeout_ns > HANDSHAKE_NS ? timeout_ns : HANDSHAKE_NS;
	uint64_t limit = now_ns() + wait_ns, t;
	int r;

	do {
		t = now_ns();
		r = send_seq(fd, sbuf, next_seq);
		if (r == 0)
			r = await_echo(fd, rbuf, next_seq, t + timeout_ns);
		next_seq++;
		if (r > 0) {
			first_seq = next_seq;
			return 0;
		}
		/* ECONNREFUSED: an ICMP port unreachable, no server yet. */
		if (r < 0 && errno != ECONNREFUSED) {
			fprintf(stderr, "dipc-udpbench: %s: %s\n", addr_text, strerror(errno));
			return -1;
		}
		if (r < 0)
			sleep_until(t + timeout_ns);
	} while (now_ns() < limit);
	fprintf(stderr, "dipc-udpbench: no echo from %s in %.1f s: is the server running?\n",
		addr_text, (double)wait_ns / 1e9);
	return -1;
}

static int
pingpong(int fd, uint8_t *sbuf, uint8_t *rbuf)
{
	uint64_t timeout_ns = (uint64_t)timeout_ms * 1000000ull;
	uint64_t start = now_ns(), warm_end = start + (uint64_t)(warmup * 1e9);
	uint64_t end = warm_end + (uint64_t)(duration * 1e9), t0, t1, seq;
	int r;

	for (;;) {
		seq = next_seq++;
		t0 = now_ns();
		if (send_seq(fd, sbuf, seq) != 0)
			return -1;
		st.sent++;
		r = await_echo(fd, rbuf, seq, t0 + timeout_ns);
		t1 = now_ns();
		if (r < 0)
			return -1;
		if (t0 >= warm_end && st.warm_ns == 0)
			st.warm_ns = t0;
		if (r > 0) {
			st.echoed++;
			if (t0 >= warm_end)
				hist_add(&st.hist, t1 - t0);
		} else {
			st.lost++;
		}
		/* At least one measured round trip, however late. */
		if (t1 >= end && st.warm_ns != 0) {
			st.end_ns = t1;
			break;
		}
	}
	st.messages = st.hist.count;
	return 0;
}

/*
 * Window: the datagrams outstanding are [base, next_seq); slot s % window
 * holds s's send time and whether its echo came. The oldest is counted
 * lost once older than the timeout, and the window slides past it.
 */
static int
windowed(int fd, uint8_t *sbuf, uint8_t *rbuf)
{
	static struct mmsghdr smsg[BATCH], rmsg[BATCH];
	static struct iovec siov[BATCH], riov[BATCH];
	uint64_t timeout_ns = (uint64_t)timeout_ms * 1000000ull;
	uint64_t start = now_ns(), warm_end = start + (uint64_t)(warmup * 1e9);
	uint64_t end = warm_end + (uint64_t)(duration * 1e9), base = next_seq, now, s;
	uint64_t *sent_ns = calloc(window, sizeof(*sent_ns));
	uint8_t *done = calloc(window, 1);
	unsigned int i, k;
	int n, e, stopping = 0, ret = -1;

	if (sent_ns == NULL || done == NULL) {
		fprintf(stderr, "dipc-udpbench: out of memory\n");
		goto out;
	}
	for (i = 0; i < BATCH; i++) {
		siov[i].iov_base = sbuf + (size_t)i * size;
		siov[i].iov_len = size;
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
		riov[i].iov_base = rbuf + (size_t)i * size;
		riov[i].iov_len = size;
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		now = now_ns();
		if (st.warm_ns == 0 && now >= warm_end)
			st.warm_ns = now;
		if (!stopping && now >= end) {
			/* Sending stops; what is still out is waited for, not counted. */
			stopping = 1;
			st.end_ns = now;
		}
		while (base < next_seq &&
		       (done[base % window] || now - sent_ns[base % window] >= timeout_ns)) {
			if (!done[base % window])
				st.lost++;
			base++;
		}
		if (stopping && base == next_seq)
			break;
		k = (unsigned int)(base + window - next_seq);
		if (k > BATCH)
			k = BATCH;
		if (!stopping && k != 0) {
			for (i = 0; i < k; i++) {
				s = next_seq + i;
				memcpy(siov[i].iov_base, &s, sizeof(s));
			}
			/*
			 * All k, or an error. A blocking sendmmsg() stops short
			 * when a datagram fails after the first (the peer's
			 * ICMP port unreachable, ECONNREFUSED) and drops that
			 * error; the rest sent again ends with it returned.
			 */
			for (i = 0; i < k; i += (unsigned int)n) {
				n = sendmmsg(fd, smsg + i, k - i, 0);
				if (n < 0 && errno == EINTR)
					n = 0;
				else if (n < 0)
					goto out;
			}
			for (i = 0; i < k; i++) {
				sent_ns[(next_seq + i) % window] = now;
				done[(next_seq + i) % window] = 0;
			}
			next_seq += k;
			st.sent += k;
		}
		for (i = 0; i < BATCH; i++)
			rmsg[i].msg_hdr.msg_flags = 0;
		/* Blocking: the first waits up to the timeout (SO_RCVTIMEO). */
		n = recvmmsg(fd, rmsg, BATCH, busy ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			goto out;
		}
		for (i = 0; i < (unsigned int)n; i++) {
			if (rmsg[i].msg_len != size || (rmsg[i].msg_hdr.msg_flags & MSG_TRUNC)) {
				st.bad++;
				continue;
			}
			memcpy(&s, riov[i].iov_base, sizeof(s));
			if (s >= base && s < next_seq && !done[s % window]) {
				done[s % window] = 1;
				st.echoed++;
				if (st.warm_ns != 0 && !stopping)
					st.messages++;
			} else if (s >= first_seq && s < base) {
				st.late++;
			} else if (s >= first_seq) {
				st.bad++; /* never sent, or echoed twice */
			}
		}
	}
	ret = 0;
out:
	e = errno;
	free(sent_ns);
	free(done);
	errno = e;
	return ret;
}

static int
client(int fd)
{
	size_t nbuf = strcmp(mode, "window") == 0 ? BATCH : 1;
	uint8_t *sbuf = calloc(nbuf, size), *rbuf = calloc(nbuf, size);
	size_t i;
	int ret = -1;

	if (sbuf == NULL || rbuf == NULL) {
		fprintf(stderr, "dipc-udpbench: out of memory\n");
		goto out;
	}
	for (i = 0; i < nbuf * size; i++)
		sbuf[i] = (uint8_t)(i * 7u);
	if (handshake(fd, sbuf, rbuf) != 0)
		goto out;
	ret = strcmp(mode, "window") == 0 ? windowed(fd, sbuf, rbuf) : pingpong(fd, sbuf, rbuf);
	if (ret != 0) {
		int e = errno;

		fprintf(stderr, "dipc-udpbench: %s: %s%s\n", addr_text, strerror(e),
			e == ECONNREFUSED ? " (the server is gone)" : "");
	}
out:
	free(sbuf);
	free(rbuf);
	return ret;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: dipc-udpbench --role server --bind IP:PORT [--cpu N] [--size 1..%u]"
		   " [--busy]\n"
		   "                     [--sockbuf BYTES]\n"
		   "       dipc-udpbench --role client --peer IP:PORT [--mode pingpong|window]"
		   " [--window 1..%u]\n"
		   "                     [--size %u..%u] [--duration S] [--warmup S]"
		   " [--timeout-ms MS] [--cpu N]\n"
		   "                     [--busy] [--sockbuf BYTES] [--json] [--hist-csv FILE]\n",
		MAX_SIZE, MAX_WINDOW, SEQ_SIZE, MAX_SIZE);
}

/* A usage error: its reason, the usage, and -1 for parse_args(). */
static int
bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dipc-udpbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return -1;
}

/* An unsigned number in [lo, hi], or -1. */
static long
number(const char *v, long lo, long hi)
{
	long n;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	return n;
}

/* @a is an option of the client's alone: the first such is named if the role is server. */
static void
client_opt(const char *a)
{
	if (client_only == NULL)
		client_only = a;
}

/* Whether @a is one of the options that take a value. */
static int
takes_value(const char *a)
{
	static const char *const opts[] = {
		"--role", "--bind", "--peer", "--mode", "--window", "--size", "--timeout-ms",
		"--sockbuf", "--duration", "--warmup", "--cpu", "--hist-csv",
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(a, opts[i]) == 0)
			return 1;
	return 0;
}

/* Returns 0 to run, 1 after printing the help, -1 on a bad option. */
static int
parse_args(int argc, char **argv)
{
	int i, size_given = 0;
	long n;
	char *end;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			printf("UDP echo between two processes, each maybe in its own network namespace:"
			       " the kernel\nbaseline of tools/udp-baseline.sh. No DPDK. The client"
			       " reports round-trip\npercentiles (pingpong) or echoes per second"
			       " (window), and datagrams lost.\n");
			return 1;
		}
		if (strcmp(a, "--") == 0 && i == 1)
			continue; /* as a DPDK tool's application arguments */
		if (strcmp(a, "--json") == 0) {
			json = 1;
			client_opt(a);
			continue;
		}
		if (strcmp(a, "--busy") == 0) {
			busy = 1;
			continue;
		}
		if (!takes_value(a))
			return bad("unknown option '%s'", a);
		if (v == NULL)
			return bad("option '%s' needs a value", a);
		i++;
		errno = 0;
		if (strcmp(a, "--role") == 0) {
			if (strcmp(v, "server") != 0 && strcmp(v, "client") != 0)
				return bad("--role '%s': server or client", v);
			role = v;
		} else if (strcmp(a, "--bind") == 0) {
			if (parse_addr(v, 1) != 0)
				return bad("--bind '%s': not IP:PORT (A.B.C.D:PORT or [IPv6]:PORT)", v);
			bind_arg = v;
			if (server_only == NULL)
				server_only = a;
		} else if (strcmp(a, "--peer") == 0) {
			if (parse_addr(v, 0) != 0)
				return bad("--peer '%s': not IP:PORT (A.B.C.D:PORT or [IPv6]:PORT,"
					   " port 1..65535)", v);
			peer_arg = v;
			client_opt(a);
		} else if (strcmp(a, "--mode") == 0) {
			if (strcmp(v, "pingpong") != 0 && strcmp(v, "window") != 0)
				return bad("--mode '%s': pingpong or window", v);
			mode = v;
			client_opt(a);
		} else if (strcmp(a, "--window") == 0) {
			n = number(v, 1, MAX_WINDOW);
			if (n < 0)
				return bad("--window '%s': 1..%u", v, MAX_WINDOW);
			window = (uint32_t)n;
			window_given = 1;
			client_opt(a);
		} else if (strcmp(a, "--size") == 0) {
			n = number(v, 1, MAX_SIZE);
			if (n < 0)
				return bad("--size '%s': 1..%u (a client's at least %u)", v, MAX_SIZE,
					   SEQ_SIZE);
			size = (uint32_t)n;
			size_given = 1;
		} else if (strcmp(a, "--timeout-ms") == 0) {
			n = number(v, 1, 60000);
			if (n < 0)
				return bad("--timeout-ms '%s': 1..60000", v);
			timeout_ms = (uint32_t)n;
			client_opt(a);
		} else if (strcmp(a, "--sockbuf") == 0) {
			n = number(v, 1024, 1 << 30);
			if (n < 0)
				return bad("--sockbuf '%s': 1024..%d bytes", v, 1 << 30);
			sockbuf = (int)n;
		} else if (strcmp(a, "--duration") == 0 || strcmp(a, "--warmup") == 0) {
			double d = strtod(v, &end);

			if (*end != '\0' || end == v || !(d >= 0 && d <= 86400))
				return bad("%s '%s': 0..86400 seconds", a, v);
			*(a[2] == 'd' ? &duration : &warmup) = d;
			client_opt(a);
		} else if (strcmp(a, "--cpu") == 0) {
			n = strcmp(v, "-1") == 0 ? -1 : number(v, 0, CPU_SETSIZE - 1);
			if (n == -1 && strcmp(v, "-1") != 0)
				return bad("--cpu '%s': 0..%d, or -1 (not pinned)", v, CPU_SETSIZE - 1);
			cpu = (int)n;
		} else {
			hist_csv = v;
			client_opt(a);
		}
	}
	if (role == NULL)
		return bad("--role server or --role client is needed");
	if (strcmp(role, "server") == 0) {
		if (client_only != NULL)
			return bad("%s is a client option", client_only);
		if (bind_arg == NULL)
			return bad("the server needs --bind IP:PORT");
		if (!size_given)
			size = MAX_SIZE;
		if (cpu == -2)
			cpu = 1;
		return 0;
	}
	if (server_only != NULL)
		return bad("%s is a server option", server_only);
	if (peer_arg == NULL)
		return bad("the client needs --peer IP:PORT");
	if (!size_given)
		size = 64;
	if (size < SEQ_SIZE)
		return bad("--size %u: a client's datagram holds its %u-byte sequence number",
			   size, SEQ_SIZE);
	if (window_given && strcmp(mode, "window") != 0)
		return bad("--window: only with --mode window");
	if (hist_csv != NULL && strcmp(mode, "pingpong") != 0)
		return bad("--hist-csv: only pingpong records latencies");
	if (cpu == -2)
		cpu = 0;
	if (strcmp(mode, "pingpong") == 0)
		window = 1;
	return 0;
}

static int
run_server(void)
{
	struct sigaction sa;
	int fd, ret;

	fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("dipc-udpbench: socket");
		return 1;
	}
	/* No SO_REUSEADDR: on UDP it would share a port in use rather than fail. */
	if (bind(fd, (struct sockaddr *)&addr, addr_len) != 0) {
		fprintf(stderr, "dipc-udpbench: cannot bind %s: %s\n", bind_arg, strerror(errno));
		close(fd);
		return 1;
	}
	addr_len = sizeof(addr);
	if (getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0 || set_sockbuf(fd) != 0 ||
	    (!busy && set_rcvtimeo(fd, 100) != 0)) {
		perror("dipc-udpbench: socket set-up");
		close(fd);
		return 1;
	}
	format_addr();
	if (pin(cpu) != 0) {
		close(fd);
		return 1;
	}
	/* No SA_RESTART: a blocking recvmmsg() returns at once with EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
		perror("dipc-udpbench: sigaction");
		close(fd);
		return 1;
	}
	printf("dipc-udpbench: server ready on %s, %s, %s, receive buffer %d B\n", addr_text,
	       cpu_text(), busy ? "busy-polling" : "blocking", rcvbuf_of(fd));
	fflush(stdout);
	ret = server(fd);
	close(fd);
	return ret == 0 ? 0 : 1;
}

static void
report(int rcvbuf)
{
	double elapsed, rate;
	const struct perf_hist *h = &st.hist;

	elapsed = st.end_ns > st.warm_ns ? (double)(st.end_ns - st.warm_ns) / 1e9 : 0;
	rate = elapsed > 0 ? (double)st.messages / elapsed : 0;
	if (json) {
		printf("{\"tool\":\"dipc-udpbench\",\"mode\":\"%s\",\"size\":%u,\"window\":%u,"
		       "\"cpu\":%d,\"peer\":\"%s\",\"busy\":%s,\"timeout_ms\":%u,\"rcvbuf\":%d,"
		       "\"duration_s\":%.3f,\"messages\":%" PRIu64 ",\"msgs_per_s\":%.0f,"
		       "\"mb_per_s\":%.3f,\"gbit_per_s\":%.4f,\"sent\":%" PRIu64 ",\"echoed\":%" PRIu64
		       ",\"lost\":%" PRIu64 ",\"late\":%" PRIu64 ",\"bad\":%" PRIu64,
		       mode, size, window, cpu, addr_text, busy ? "true" : "false", timeout_ms,
		       rcvbuf, elapsed, st.messages, rate, rate * size / 1e6, rate * size * 8 / 1e9,
		       st.sent, st.echoed, st.lost, st.late, st.bad);
		if (h->count != 0)
			printf(",\"lat_ns\":{\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
			       ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
			       ",\"mean\":%.0f}",
			       h->min, hist_percentile(h, 50), hist_percentile(h, 90),
			       hist_percentile(h, 99), hist_percentile(h, 99.9), h->max,
			       h->sum / (double)h->count);
		printf("}\n");
		return;
	}
	if (strcmp(mode, "window") == 0)
		printf("dipc-udpbench window %u to %s, %u B, %s: %.0f msg/s, %.3f Gbit/s",
		       window, addr_text, size, cpu_text(), rate, rate * size * 8 / 1e9);
	else
		printf("dipc-udpbench pingpong to %s, %u B, %s: %.0f msg/s, %.3f MB/s",
		       addr_text, size, cpu_text(), rate, rate * size / 1e6);
	if (h->count != 0)
		printf("; round trip ns p50 %" PRIu64 " p90 %" PRIu64 " p99 %" PRIu64
		       " p99.9 %" PRIu64 " max %" PRIu64,
		       hist_percentile(h, 50), hist_percentile(h, 90), hist_percentile(h, 99),
		       hist_percentile(h, 99.9), h->max);
	printf("; lost %" PRIu64 " of %" PRIu64 " (late %" PRIu64 ", bad %" PRIu64 ")\n", st.lost,
	       st.sent, st.late, st.bad);
}

static int
run_client(void)
{
	int fd, ret, rcvbuf;

	format_addr();
	fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("dipc-udpbench: socket");
		return 1;
	}
	/* Connected: only the peer's datagrams come in, and send() needs no address. */
	if (connect(fd, (struct sockaddr *)&addr, addr_len) != 0) {
		fprintf(stderr, "dipc-udpbench: cannot reach %s: %s\n", addr_text, strerror(errno));
		close(fd);
		return 1;
	}
	if (set_sockbuf(fd) != 0 || (!busy && set_rcvtimeo(fd, timeout_ms) != 0)) {
		perror("dipc-udpbench: socket set-up");
		close(fd);
		return 1;
	}
	rcvbuf = rcvbuf_of(fd);
	if (pin(cpu) != 0) {
		close(fd);
		return 1;
	}
	hist_init(&st.hist);
	ret = client(fd);
	close(fd);
	if (ret != 0)
		return 1;
	report(rcvbuf);
	if (hist_csv != NULL) {
		FILE *f = fopen(hist_csv, "w");

		int bad_write = f == NULL || hist_write_csv(&st.hist, f) != 0;

		if ((f != NULL && fclose(f) != 0) || bad_write) {
			fprintf(stderr, "dipc-udpbench: cannot write %s\n", hist_csv);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int ret = parse_args(argc, argv);

	if (ret != 0)
		return ret > 0 ? 0 : 2;
	return strcmp(role, "server") == 0 ? run_server() : run_client();
}
