/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: a buggy (or hostile) dipc client, for the hardening tests.
 * It attaches as a secondary like any client and then, over its own
 * connection, does what a broken program might:
 *   - random bytes in headers and bodies;
 *   - lengths larger than the mbuf, and other corrupted mbuf metadata;
 *   - pointers that are not mbufs: NULL, a stack address, a heap address,
 *     pool addresses off an object boundary;
 *   - the same mbuf twice in one burst;
 *   - more requests than the ring holds, without reading responses;
 *   - messages after its close, into the rings of its old slot;
 *   - a corrupted state word in its own shared slot.
 * It prints how many of each it sent ("hostile: <what> <n>") so the test
 * can compare them with the server's per-reason counters, and exits 0 if
 * the server answered what it should have.
 *
 *   dipc_hostile_client [EAL args] -- [SEED [ROUNDS [PAUSE_MS]]]
 *
 * ROUNDS (default 1) repeats the whole sequence, PAUSE_MS apart
 * (tools/hostile-bench.sh uses it to measure a neighbour's latency).
 * ROUNDS 0 only sleeps and wakes every 10 us until SIGTERM, touching no
 * dipc object: the bench's control for what such a neighbour costs by
 * itself on a shared CPU.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mempool.h>

#include "dipc_client.h"
#include "dipc_eal.h"
#include "dipc_ring_transport.h"

static unsigned int failures;
static volatile sig_atomic_t stop; /* SIGTERM/SIGINT: finish the round, then stop */

static void
on_signal(int sig __attribute__((unused)))
{
	stop = 1;
}

#define CHECK(cond, ...)                                   \
	do {                                               \
		if (!(cond)) {                             \
			printf("hostile: FAILED: " __VA_ARGS__); \
			printf("\n");                      \
			failures++;                        \
		}                                          \
	} while (0)

/* An mbuf for a request; a well-behaved server always has one for us. */
static struct rte_mbuf *
must_alloc(struct dipc_client *c, uint32_t len)
{
	struct rte_mbuf *m = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, len);

	if (m == NULL) {
		printf("hostile: FAILED: no mbuf: %s\n", dipc_client_strerror(rte_errno));
		exit(1);
	}
	return m;
}

/* Receive @n responses (any content), free them; returns how many came. */
static unsigned int
collect(struct dipc_client *c, unsigned int n, unsigned int *errors)
{
	uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() * 5;
	struct rte_mbuf *m[64];
	unsigned int got = 0, k, i;

	while (got < n && rte_rdtsc() < deadline) {
		k = dipc_client_recv_burst(c, m, (uint16_t)RTE_MIN(n - got, 64u));
		for (i = 0; i < k; i++)
			if (dipc_msg_hdr(m[i])->flags & DIPC_MSG_F_ERROR)
				(*errors)++;
		dipc_client_msg_free_bulk(c, m, k);
		got += k;
		if (k == 0)
			rte_delay_us_sleep(10);
	}
	return got;
}

static void
send_all(struct dipc_client *c, struct rte_mbuf **m, unsigned int n)
{
	unsigned int sent = 0;

	while (sent < n)
		sent += dipc_client_send_burst(c, m + sent, (uint16_t)(n - sent));
}

static void
random_headers(struct dipc_client *c, unsigned int n)
{
	struct rte_mbuf *m;
	unsigned int i, j, errors = 0;

	for (i = 0; i < n; i++) {
		uint8_t *p;

		m = must_alloc(c, 64);
		p = rte_pktmbuf_mtod(m, uint8_t *);
		for (j = 0; j < DIPC_MSG_HDR_LEN + 64; j++)
			p[j] = (uint8_t)rand(); /* NOLINT(cert-msc30-c,cert-msc50-cpp): reproducible by seed */
		send_all(c, &m, 1);
	}
	CHECK(collect(c, n, &errors) == n, "random headers: missing responses");
	printf("hostile: random headers %u (error responses %u)\n", n, errors);
}

static void
bad_metadata(struct dipc_client *c)
{
	struct rte_mbuf *m[4];
	unsigned int errors = 0;

	m[0] = must_alloc(c, 16);
	m[0]->data_len = 60000; /* larger than the mbuf */
	m[0]->pkt_len = 60000;
	m[1] = must_alloc(c, 16);
	m[1]->buf_len = 65535;
	m[2] = must_alloc(c, 16);
	m[2]->pool = (struct rte_mempool *)(uintptr_t)0xdead0000;
	m[3] = must_alloc(c, 16);
	m[3]->next = (struct rte_mbuf *)(uintptr_t)0x10; /* never followed */
	m[3]->nb_segs = 3;
	send_all(c, m, 4);
	CHECK(collect(c, 4, &errors) == 4 && errors == 4, "bad metadata: want 4 errors, got %u",
	      errors);
	printf("hostile: bad metadata 4\n");
}

static void
not_mbufs(struct dipc_client *c)
{
	struct rte_mbuf *good = must_alloc(c, 8);
	int on_stack;
	void *heap = malloc(256);
	struct rte_mbuf *bad[] = {
		NULL,
		(struct rte_mbuf *)&on_stack,
		heap,
		(struct rte_mbuf *)((char *)good + 8),   /* inside an object */
		(struct rte_mbuf *)((char *)good + 128), /* a cache line in */
		(struct rte_mbuf *)(uintptr_t)1,
		(struct rte_mbuf *)(uintptr_t)UINTPTR_MAX,
	};
	unsigned int errors = 0;

	send_all(c, bad, RTE_DIM(bad));
	/* A good message behind them still gets its answer. */
	send_all(c, &good, 1);
	CHECK(collect(c, 1, &errors) == 1 && errors == 0, "good message after bad pointers");
	printf("hostile: not mbufs %zu\n", RTE_DIM(bad));
	free(heap);
}

static void
same_mbuf_twice(struct dipc_client *c)
{
	struct rte_mbuf *m = must_alloc(c, 8), *two[2] = { m, m };
	unsigned int errors = 0;

	send_all(c, two, 2);
	CHECK(collect(c, 1, &errors) == 1, "one answer for a doubled mbuf");
	rte_delay_us_sleep(20000);
	CHECK(collect(c, 1, &errors) == 0, "only one answer for a doubled mbuf");
	printf("hostile: duplicates 1\n");
}

static void
flood_without_reading(struct dipc_client *c, unsigned int n)
{
	struct rte_mbuf *m[64];
	unsigned int sent = 0, k, errors = 0, i;

	/* Far more than the request ring holds; responses pile up unread
	 * until the worker stops reading us (backpressure). */
	for (i = 0; i < 200 && sent < n; i++) {
		if (dipc_client_msg_alloc_bulk(c, m, 64, DIPC_METHOD_ECHO, 32, 0) != 0)
			break;
		k = dipc_client_send_burst(c, m, 64);
		dipc_client_msg_free_bulk(c, m + k, 64 - k);
		sent += k;
		rte_delay_us_sleep(100);
	}
	CHECK(collect(c, sent, &errors) == sent && errors == 0, "flood: answers lost");
	printf("hostile: flood %u\n", sent);
}

/* One round of every misbehaviour; returns 0, or 3 if it cannot connect. */
static int
one_round(void)
{
	struct rte_mbuf *late[8];
	struct dipc_ring_conn rings;
	struct dipc_client *c;
	struct dipc_shm *shm;
	unsigned int slot, i;

	c = dipc_client_connect(5000);
	if (c == NULL) {
		printf("hostile: connect: %s\n", dipc_client_strerror(rte_errno));
		return 3;
	}
	printf("hostile: connected\n");
	fflush(stdout);
	random_headers(c, 2000);
	bad_metadata(c);
	not_mbufs(c);
	same_mbuf_twice(c);
	flood_without_reading(c, 5000);

	/* Messages after close, straight into the old slot's rings. */
	slot = dipc_client_slot(c);
	if (dipc_client_msg_alloc_bulk(c, late, RTE_DIM(late), DIPC_METHOD_ECHO, 8, 0) != 0) {
		failures++;
		dipc_client_close(c);
		return 0;
	}
	dipc_client_close(c);
	if (dipc_ring_conn_get(dipc_ring_shm_lookup(), slot, &rings) == 0)
		rte_ring_sp_enqueue_burst(rings.req, (void **)late, RTE_DIM(late), NULL);
	printf("hostile: after close %zu\n", RTE_DIM(late));

	/* A new connection whose shared state word we then scribble on. */
	c = dipc_client_connect(5000);
	shm = dipc_ring_shm_lookup();
	if (c == NULL || shm == NULL)
		return 3;
	shm->conns[dipc_client_slot(c)].state = 77;
	printf("hostile: corrupted state 1\n");
	/* The server takes the slot back; our calls then fail cleanly. */
	for (i = 0; i < 500 && dipc_client_check(c) == 0; i++)
		rte_delay_us_sleep(10000);
	CHECK(dipc_client_check(c) == -ECONNRESET, "slot with a corrupted state not reclaimed");
	/* Connect until a new connection gets the freed slot (keeping the
	 * others open meanwhile); closing the stale connection late must not
	 * close that new owner. */
	{
		struct dipc_client *extra[64], *c2 = NULL;
		struct rte_mbuf *m, *rsp = NULL;
		unsigned int nb_extra = 0, k;

		slot = dipc_client_slot(c);
		while (nb_extra < RTE_DIM(extra)) {
			c2 = dipc_client_connect(5000);
			if (c2 == NULL || dipc_client_slot(c2) == slot)
				break;
			extra[nb_extra++] = c2;
			c2 = NULL;
		}
		CHECK(c2 != NULL, "never got slot %u back", slot);
		dipc_client_close(c);
		if (c2 != NULL) {
			m = dipc_client_msg_alloc(c2, DIPC_METHOD_ECHO, 8);
			if (m != NULL && dipc_client_call(c2, m, &rsp, 2000) == 0)
				printf("hostile: stale close of slot %u, new owner unharmed\n", slot);
			else
				CHECK(0, "a stale close of slot %u closed the slot's new owner", slot);
			if (rsp != NULL)
				dipc_client_msg_free(c2, rsp);
			dipc_client_close(c2);
		}
		for (k = 0; k < nb_extra; k++)
			dipc_client_close(extra[k]);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long rounds = 1, pause_ms = 0, r;
	int ret;

	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0)
		return 3;
	argc -= ret;
	argv += ret;
	srand(argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 1);
	if (argc > 2)
		rounds = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		pause_ms = strtoul(argv[3], NULL, 10);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	if (rounds == 0) {
		while (!stop)
			rte_delay_us_sleep(10);
		printf("hostile: sleep-wake only, done\n");
		dipc_eal_cleanup_bounded(5, 0, NULL);
		return 0;
	}
	for (r = 0; r < rounds && failures == 0 && !stop; r++) {
		ret = one_round();
		if (ret != 0)
			return ret;
		if (pause_ms != 0)
			rte_delay_us_sleep((unsigned int)(pause_ms * 1000));
	}
	printf("hostile: %lu round(s) %s\n", r, failures ? "FAILED" : "done");
	dipc_eal_cleanup_bounded(5, failures ? 1 : 0, NULL);
	return failures ? 1 : 0;
}
