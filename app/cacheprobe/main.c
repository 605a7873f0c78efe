/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-cacheprobe: how long one cache line takes to go from one CPU to
 * another and back, right now. On VMs whose vCPUs the host moves around,
 * every sub-microsecond figure swings with this; recording it beside each
 * benchmark run tells a slow run on far-apart vCPUs from a slow program.
 *
 *   dipc-cacheprobe [--cpus A,B] [--rounds N] [--json]
 *
 * Two threads pinned on CPUs A and B bounce a counter in one cache line N
 * times; it prints the median, min and max round trip over 20 batches.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCHES 20
/* Keeps 2 * rounds * BATCHES (the counter's last value) far from overflow. */
#define MAX_ROUNDS 1000000000ull

static struct {
	volatile uint64_t turn __attribute__((aligned(64)));
} line;

static int cpu_a, cpu_b = 1;
static uint64_t rounds = 100000;

/* A figure from CPUs other than the ones named is worse than none: exit. */
static void
pin(int cpu)
{
	cpu_set_t set;
	int ret;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (ret != 0) {
		fprintf(stderr, "dipc-cacheprobe: cannot run on CPU %d: %s\n", cpu, strerror(ret));
		exit(1);
	}
}

/* A CPU number from s, in 0..CPU_SETSIZE-1; *end after it. -1 if none. */
static int
parse_cpu(const char *s, char **end)
{
	long v;

	errno = 0;
	v = strtol(s, end, 10);
	if (errno != 0 || *end == s || v < 0 || v >= CPU_SETSIZE)
		return -1;
	return (int)v;
}

/* "A,B" into cpu_a and cpu_b. */
static int
parse_cpus(const char *s)
{
	char *end;
	int a, b;

	a = parse_cpu(s, &end);
	if (a < 0 || *end != ',')
		return -1;
	b = parse_cpu(end + 1, &end);
	if (b < 0 || *end != '\0')
		return -1;
	cpu_a = a;
	cpu_b = b;
	return 0;
}

/* 1..MAX_ROUNDS into rounds. */
static int
parse_rounds(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > MAX_ROUNDS)
		return -1;
	rounds = v;
	return 0;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The far side: answer every odd value with the next even one. */
static void *
responder(void *arg)
{
	uint64_t total = *(uint64_t *)arg, v;

	pin(cpu_b);
	for (v = 1; v < total; v += 2) {
		while (__atomic_load_n(&line.turn, __ATOMIC_ACQUIRE) != v)
			__builtin_ia32_pause();
		__atomic_store_n(&line.turn, v + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	double rtt[BATCHES];
	uint64_t total, v, t0, b;
	pthread_t th;
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: dipc-cacheprobe [--cpus A,B] [--rounds 1..%llu] [--json]\n"
			       "Round trip of one cache line between two CPUs (default 0,1), right\n"
			       "now: what any shared-memory message between them costs at least.\n", MAX_ROUNDS);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0 && i == 1)
			continue; /* as a DPDK tool's application arguments */
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
			continue;
		}
		if (i + 1 < argc &&
		    ((strcmp(argv[i], "--cpus") == 0 && parse_cpus(argv[i + 1]) == 0) ||
		     (strcmp(argv[i], "--rounds") == 0 && parse_rounds(argv[i + 1]) == 0))) {
			i++;
			continue;
		}
		fprintf(stderr, "usage: dipc-cacheprobe [--cpus A,B] [--rounds 1..%llu] [--json]\n",
			MAX_ROUNDS);
		return 2;
	}
	total = 2 * rounds * BATCHES + 1;
	line.turn = 0;
	if (pthread_create(&th, NULL, responder, &total) != 0) {
		perror("dipc-cacheprobe: pthread_create");
		return 1;
	}
	pin(cpu_a);
	v = 0;
	for (b = 0; b < BATCHES; b++) {
		uint64_t r;

		t0 = now_ns();
		for (r = 0; r < rounds; r++) {
			__atomic_store_n(&line.turn, v + 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&line.turn, __ATOMIC_ACQUIRE) != v + 2)
				__builtin_ia32_pause();
			v += 2;
		}
		rtt[b] = (double)(now_ns() - t0) / (double)rounds;
	}
	__atomic_store_n(&line.turn, v + 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	qsort(rtt, BATCHES, sizeof(rtt[0]), cmp_double);
	if (json)
		printf("{\"tool\":\"dipc-cacheprobe\",\"cpus\":[%d,%d],\"rtt_ns\":{\"median\":%.1f,"
		       "\"min\":%.1f,\"max\":%.1f}}\n",
		       cpu_a, cpu_b, rtt[BATCHES / 2], rtt[0], rtt[BATCHES - 1]);
	else
		printf("cache-line round trip CPU %d <-> CPU %d: median %.1f ns (min %.1f, max %.1f)"
		       "\n", cpu_a, cpu_b, rtt[BATCHES / 2], rtt[0], rtt[BATCHES - 1]);
	return 0;
}
