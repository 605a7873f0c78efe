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

static struct {
	volatile uint64_t turn __attribute__((aligned(64)));
} line;

static int cpu_a, cpu_b = 1;
static uint64_t rounds = 100000;

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
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
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--cpus") == 0 && i + 1 < argc &&
			 sscanf(argv[++i], "%d,%d", &cpu_a, &cpu_b) == 2)
			continue;
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc &&
			 (rounds = strtoull(argv[++i], NULL, 10)) > 0)
			continue;
		else {
			fprintf(stderr, "usage: dipc-cacheprobe [--cpus A,B] [--rounds N] "
					"[--json]\n");
			return 2;
		}
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
