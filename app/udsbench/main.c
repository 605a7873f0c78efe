/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-udsbench: the Unix domain socket baseline for dipc-perf. Two
 * processes (this one and a fork of it) joined by a SOCK_STREAM socketpair,
 * pinned like dipc-perf and dipc-server's worker (client CPU 0, server CPU
 * 1 by default), exchange fixed-size messages:
 *
 *   pingpong  the client writes one message, the server reads it whole and
 *             writes it back; each round trip timed from the first write to
 *             the last byte read (dipc-perf latency times alloc to free);
 *   stream    the client writes messages, one write() each, as fast as the
 *             socket takes them; the server reads in large chunks and counts
 *             them. The rate is what the server received over its measured
 *             interval (warm-up excluded).
 *
 *   dipc-udsbench --mode pingpong|stream [--size N] [--duration S]
 *                 [--warmup S] [--cpus C,S] [--json] [--hist-csv FILE]
 *
 * Percentiles use dipc-perf's histogram (app/perf/hist.c), so both round
 * the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"

#define MAX_SIZE (1u << 20)
#define STREAM_CHUNK ((size_t)256 * 1024)

struct shared {
	uint64_t start_ns;   /* the client's first write */
	uint64_t warm_ns;    /* first measured message (stream: read by the server) */
	uint64_t end_ns;     /* end of the measured interval */
	uint64_t messages;   /* messages (round trips) measured in between */
	int server_error;    /* errno of the server side, or 0 */
	struct perf_hist hist;
};

static const char *mode = "pingpong";
static uint32_t size = 64;
static double duration = 5, warmup = 1;
static int cpu_client, cpu_server = 1, json;
static const char *hist_csv;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "dipc-udsbench: cannot run on CPU %d: %s\n", cpu, strerror(errno));
		return -1;
	}
	return 0;
}

/* All of @len bytes, or -1 (errno set; 0 on end of stream). */
static int
write_full(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len != 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_full(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	while (len != 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The far side: echo whole messages, or count what arrives. */
static int
server(int fd, struct shared *sh)
{
	static uint8_t buf[STREAM_CHUNK > MAX_SIZE ? STREAM_CHUNK : MAX_SIZE];
	uint64_t bytes = 0, warm_bytes = 0, warm_at = 0, first_ns = 0, t;
	ssize_t n;

	if (strcmp(mode, "pingpong") == 0) {
		for (;;) {
			if (read_full(fd, buf, size) != 0)
				return errno;  /* 0 at the client's end of stream */
			if (write_full(fd, buf, size) != 0)
				return errno;
		}
	}
	for (;;) {
		n = read(fd, buf, STREAM_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		t = now_ns();
		if (n == 0)
			break;
		bytes += (uint64_t)n;
		if (first_ns == 0)
			first_ns = t;
		if (sh->warm_ns == 0) {
			if (warm_at == 0)
				warm_at = __atomic_load_n(&sh->start_ns, __ATOMIC_ACQUIRE) +
					  (uint64_t)(warmup * 1e9);
			if (t >= warm_at) {
				sh->warm_ns = t;
				warm_bytes = bytes;
			}
		}
	}
	sh->end_ns = now_ns();
	if (sh->warm_ns == 0) {
		/* The warm-up never ended here (a descheduled server): count
		 * everything from the first read rather than nothing. */
		sh->warm_ns = first_ns != 0 ? first_ns : sh->end_ns;
		warm_bytes = 0;
	}
	sh->messages = (bytes - warm_bytes) / size;
	return 0;
}

static int
client(int fd, struct shared *sh)
{
	static uint8_t buf[MAX_SIZE];
	uint64_t start = now_ns(), warm_end = start + (uint64_t)(warmup * 1e9);
	uint64_t end = warm_end + (uint64_t)(duration * 1e9), t0, t1;
	uint32_t i;
	int ping = strcmp(mode, "pingpong") == 0;

	for (i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 7u);
	__atomic_store_n(&sh->start_ns, start, __ATOMIC_RELEASE);
	for (;;) {
		t0 = now_ns();
		if (write_full(fd, buf, size) != 0)
			return -1;
		if (ping) {
			if (read_full(fd, buf, size) != 0)
				return -1;
			t1 = now_ns();
			if (t0 >= warm_end) {
				if (sh->warm_ns == 0)
					sh->warm_ns = t0;
				hist_add(&sh->hist, t1 - t0);
			}
			/* At least one measured round trip, however late. */
			if (t1 >= end && sh->warm_ns != 0) {
				sh->end_ns = t1;
				break;
			}
		} else if (t0 >= end) {
			/* One clock read per message: as cheap as vDSO makes it. */
			break;
		}
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: dipc-udsbench --mode pingpong|stream [--size 1..%u] [--duration S]\n"
		   "                     [--warmup S] [--cpus CLIENT,SERVER] [--json]"
		   " [--hist-csv FILE]\n", MAX_SIZE);
}

/* Returns 0 to run, 1 after printing the help, -1 on a bad option. */
static int
parse_args(int argc, char **argv)
{
	int i;
	char *end;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			printf("Unix domain socket ping-pong and streaming between two pinned "
			       "processes: the\nbaseline of tools/baselines.sh. No DPDK.\n");
			return 1;
		}
		if (strcmp(a, "--") == 0 && i == 1)
			continue; /* as a DPDK tool's application arguments */
		if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		}
		if (v == NULL)
			goto bad;
		i++;
		errno = 0;
		if (strcmp(a, "--mode") == 0) {
			if (strcmp(v, "pingpong") != 0 && strcmp(v, "stream") != 0)
				goto bad;
			mode = v;
		} else if (strcmp(a, "--size") == 0) {
			unsigned long n = strtoul(v, &end, 10);

			if (errno != 0 || *end != '\0' || v[0] == '-' || n == 0 || n > MAX_SIZE)
				goto bad;
			size = (uint32_t)n;
		} else if (strcmp(a, "--duration") == 0 || strcmp(a, "--warmup") == 0) {
			double d = strtod(v, &end);

			if (*end != '\0' || end == v || !(d >= 0 && d <= 86400))
				goto bad;
			*(a[2] == 'd' ? &duration : &warmup) = d;
		} else if (strcmp(a, "--cpus") == 0) {
			long c = strtol(v, &end, 10), sv;

			if (errno != 0 || end == v || *end != ',' || c < 0 || c >= CPU_SETSIZE)
				goto bad;
			v = end + 1;
			sv = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || sv < 0 || sv >= CPU_SETSIZE)
				goto bad;
			cpu_client = (int)c;
			cpu_server = (int)sv;
		} else if (strcmp(a, "--hist-csv") == 0) {
			hist_csv = v;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	fprintf(stderr, "dipc-udsbench: bad option '%s'\n", argv[i < argc ? i : argc - 1]);
	usage(stderr);
	return -1;
}

int
main(int argc, char **argv)
{
	struct shared *sh;
	double elapsed, rate;
	int sv[2], st, ret;
	pid_t pid;

	ret = parse_args(argc, argv);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	if (hist_csv != NULL && strcmp(mode, "pingpong") != 0) {
		fprintf(stderr, "dipc-udsbench: --hist-csv: only pingpong records latencies\n");
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("dipc-udsbench: set-up");
		return 1;
	}
	hist_init(&sh->hist);
	pid = fork();
	if (pid < 0) {
		perror("dipc-udsbench: fork");
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		if (pin(cpu_server) != 0)
			_exit(1);
		sh->server_error = server(sv[1], sh);
		_exit(sh->server_error == 0 ? 0 : 1);
	}
	close(sv[1]);
	if (pin(cpu_client) != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return 1;
	}
	ret = client(sv[0], sh);
	if (ret != 0)
		perror("dipc-udsbench: client");
	/* End of stream: the server counts what it has and leaves. */
	shutdown(sv[0], SHUT_WR);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "dipc-udsbench: the server side failed: %s\n",
			strerror(sh->server_error));
		ret = -1;
	}
	close(sv[0]);
	/* pingpong: the client's measured interval; stream: the server's. */
	elapsed = sh->end_ns > sh->warm_ns ? (double)(sh->end_ns - sh->warm_ns) / 1e9 : 0;
	if (strcmp(mode, "pingpong") == 0)
		sh->messages = sh->hist.count;
	rate = elapsed > 0 ? (double)sh->messages / elapsed : 0;
	if (json) {
		printf("{\"tool\":\"dipc-udsbench\",\"mode\":\"%s\",\"size\":%u,\"cpus\":[%d,%d],"
		       "\"duration_s\":%.3f,\"messages\":%" PRIu64 ",\"msgs_per_s\":%.0f,"
		       "\"mb_per_s\":%.3f",
		       mode, size, cpu_client, cpu_server, elapsed,
		       sh->messages, rate,
		       rate * size / 1e6);
		if (sh->hist.count != 0)
			printf(",\"lat_ns\":{\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
			       ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
			       ",\"mean\":%.0f}",
			       sh->hist.min, hist_percentile(&sh->hist, 50),
			       hist_percentile(&sh->hist, 90), hist_percentile(&sh->hist, 99),
			       hist_percentile(&sh->hist, 99.9), sh->hist.max,
			       sh->hist.sum / (double)sh->hist.count);
		printf("}\n");
	} else {
		printf("dipc-udsbench %s, %u B, client CPU %d, server CPU %d: %.0f msg/s, %.3f MB/s",
		       mode, size, cpu_client, cpu_server, rate, rate * size / 1e6);
		if (sh->hist.count != 0)
			printf("; round trip ns p50 %" PRIu64 " p99 %" PRIu64 " p99.9 %" PRIu64,
			       hist_percentile(&sh->hist, 50), hist_percentile(&sh->hist, 99),
			       hist_percentile(&sh->hist, 99.9));
		printf("\n");
	}
	if (hist_csv != NULL) {
		FILE *f = fopen(hist_csv, "w");

		if (f == NULL || hist_write_csv(&sh->hist, f) != 0 || fclose(f) != 0) {
			fprintf(stderr, "dipc-udsbench: cannot write %s\n", hist_csv);
			ret = -1;
		}
	}
	return ret == 0 ? 0 : 1;
}
