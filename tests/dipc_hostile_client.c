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
 *   dipc_hostile_client [EAL args] -- race single|chain request|oneway BURSTS SEED
 *   dipc_hostile_client [EAL args] -- handshake PID...
 *   dipc_hostile_client [EAL args] -- scribble-slot SECONDS SEED
 *   dipc_hostile_client [EAL args] -- rings BURSTS SEED
 *
 * race: messages sent raw on the connection's rings (one segment, or chains
 * of 2..8), each burst followed by a loop that rewrites next, nb_segs,
 * pkt_len, data_len, data_off and header fields of the messages just sent,
 * while the worker takes them on the other CPU; BURSTS bursts. Responses
 * are given back without being trusted. Prints "hostile: race ... done".
 * handshake: admission messages no library sends: HELLOs naming each PID
 * (refused with EPERM: the kernel says who we are), short, long and
 * garbled messages, the wrong type, a handshake left half-way; checks each
 * answer and that a proper connect still works after.
 * scribble-slot: for SECONDS, connects and writes random words (FREE,
 * CLOSE_REQ, garbage) into its own slot's state, then into its grants, as
 * fast as it can, reconnecting when the server takes the slot back.
 * rings: for BURSTS bursts, echo requests sent raw while the server's own
 * indices in the connection's four rings (request and free consumer,
 * response and alloc producer) are rewritten; then the rings' geometry
 * (size, mask, capacity, flags) is, and the client dies without closing.
 * The next client on the slot must find the rings as they were made.
 *
 * ROUNDS (default 1) repeats the whole sequence, PAUSE_MS apart
 * (tools/hostile-bench.sh uses it to measure a neighbour's latency).
 * ROUNDS 0 only sleeps and wakes every 10 us until SIGTERM, touching no
 * dipc object: the bench's control for what such a neighbour costs by
 * itself on a shared CPU.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mempool.h>

#include "admit_raw.h"
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
	struct rte_mbuf *m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, len, 0, 5000);

	if (m == NULL) {
		printf("hostile: FAILED: no mbuf: %s\n", dipc_client_strerror(rte_errno));
		exit(1);
	}
	return m;
}

/* @n echo requests of @len bytes, each waiting up to 5 s for the server
 * to lend it: this client sends thousands before it reads an answer. */
static int
alloc_bulk_wait(struct dipc_client *c, struct rte_mbuf **m, unsigned int n, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		m[i] = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, len, 0, 5000);
		if (m[i] == NULL) {
			dipc_client_msg_free_bulk(c, m, i);
			return -ENOBUFS;
		}
	}
	return 0;
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
		if (alloc_bulk_wait(c, m, 64, 32) != 0)
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
	if (alloc_bulk_wait(c, late, RTE_DIM(late), 8) != 0) {
		failures++;
		dipc_client_close(c);
		return 0;
	}
	dipc_client_close(c);
	if (dipc_ring_conn_get(dipc_shm_lookup(), slot, &rings) == 0)
		rte_ring_sp_enqueue_burst(rings.req, (void **)late, RTE_DIM(late), NULL);
	printf("hostile: after close %zu\n", RTE_DIM(late));

	/* A new connection whose shared state word we then scribble on. */
	c = dipc_client_connect(5000);
	shm = dipc_shm_lookup();
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
			m = dipc_client_msg_alloc_wait(c2, DIPC_METHOD_ECHO, 8, 0, 5000);
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

/*
 * The race: a connection driven raw, on its rings. The client keeps the
 * mbufs it has (from the alloc ring) on a stack; the segments of each
 * message it sent are remembered by its first segment, so that when the
 * answer comes back every one of them is given back (the server takes
 * those it lent and skips the rest); what is remembered for too long
 * (one-way messages, dropped chains) is given back wholesale.
 */
#define RACE_BURST 4
#define RACE_MAX_SEGS 8
#define RACE_SENT 512

struct race {
	struct dipc_client *c;
	struct dipc_shm_conn *conn;
	struct dipc_ring_conn rings;
	struct rte_mbuf *stack[4096];
	unsigned int nb_stack;
	struct {
		struct rte_mbuf *seg[RACE_MAX_SEGS];
		unsigned int nb;
	} sent[RACE_SENT];
	unsigned int nb_sent;
	uint64_t answers, starved;
};

/* Give back @n pointers on the free ring, waiting for room a little. */
static void
race_give_back(struct race *r, struct rte_mbuf **m, unsigned int n)
{
	unsigned int done = 0, tries = 0;

	while (done < n && tries++ < 100000)
		done += rte_ring_sp_enqueue_burst(r->rings.free, (void **)(m + done), n - done,
						  NULL);
}

/* Forget every message sent so far: give all their segments back. */
static void
race_give_back_all(struct race *r)
{
	unsigned int i;

	for (i = 0; i < r->nb_sent; i++)
		race_give_back(r, r->sent[i].seg, r->sent[i].nb);
	r->nb_sent = 0;
}

/* Take the answers that came: each given back with its message's segments. */
static void
race_collect(struct race *r)
{
	struct rte_mbuf *m[64];
	unsigned int n, i, j;

	n = rte_ring_sc_dequeue_burst(r->rings.rsp, (void **)m, RTE_DIM(m), NULL);
	for (i = 0; i < n; i++) {
		for (j = 0; j < r->nb_sent && r->sent[j].seg[0] != m[i]; j++)
			;
		if (j == r->nb_sent) {
			race_give_back(r, &m[i], 1);
			continue;
		}
		race_give_back(r, r->sent[j].seg, r->sent[j].nb);
		r->sent[j] = r->sent[--r->nb_sent];
	}
	r->answers += n;
}

/* Have at least @need mbufs on the stack: take what the server lent, ask
 * for more, give back what is outstanding if nothing comes. */
static int
race_refill(struct race *r, unsigned int need)
{
	uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() * 5;
	unsigned int asked = 0;

	while (r->nb_stack < need) {
		r->nb_stack += rte_ring_sc_dequeue_burst(r->rings.alloc,
			(void **)(r->stack + r->nb_stack), RTE_DIM(r->stack) - r->nb_stack, NULL);
		if (r->nb_stack >= need)
			break;
		race_collect(r);
		if ((asked++ & 1023) == 0) {
			__atomic_store_n(&r->conn->lend_want, r->conn->lend_want + 1,
					 __ATOMIC_RELEASE);
			if (asked > 1) {
				r->starved++;
				race_give_back_all(r);
			}
		}
		if (rte_rdtsc() > deadline)
			return -1;
		rte_pause();
	}
	return 0;
}

/* A message of @nb_segs segments from the stack, well formed as sent. */
static struct rte_mbuf *
race_build(struct race *r, unsigned int nb_segs, uint8_t flags, uint32_t stream)
{
	struct rte_mbuf *seg[RACE_MAX_SEGS], *m;
	struct dipc_msg_hdr *h;
	uint32_t total = 0, len;
	unsigned int i;

	if (nb_segs == 0 || nb_segs > RACE_MAX_SEGS)
		nb_segs = 1;
	for (i = 0; i < nb_segs; i++) {
		m = seg[i] = r->stack[--r->nb_stack];
		len = i == 0 ? DIPC_MSG_HDR_LEN + 40 : 100;
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = (uint16_t)len;
		m->nb_segs = 1;
		m->next = NULL;
		if (i > 0)
			seg[i - 1]->next = m;
		total += len;
	}
	m = seg[0];
	m->nb_segs = (uint16_t)nb_segs;
	m->pkt_len = total;
	h = rte_pktmbuf_mtod(m, struct dipc_msg_hdr *);
	h->magic = DIPC_MSG_MAGIC;
	h->version = DIPC_MSG_VERSION;
	h->flags = DIPC_MSG_F_REQUEST | flags;
	h->method = DIPC_METHOD_ECHO;
	h->status = 0;
	h->reserved = 0;
	h->stream_id = stream;
	h->body_len = total - DIPC_MSG_HDR_LEN;
	h->csum = 0;
	if (r->nb_sent == RACE_SENT)
		race_give_back_all(r);
	for (i = 0; i < nb_segs; i++)
		r->sent[r->nb_sent].seg[i] = seg[i];
	r->sent[r->nb_sent++].nb = nb_segs;
	return m;
}

/* A value to scribble: small, large, or a pointer of any kind. */
static uint64_t
race_value(struct race *r, struct rte_mbuf *const *burst, unsigned int n)
{
	static int on_stack;

	switch (rand() % 8) { /* NOLINT(cert-msc30-c,cert-msc50-cpp): reproducible by seed */
	case 0: return 0;
	case 1: return 1;
	case 2: return 2 + (unsigned int)rand() % 70; /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
	case 3: return UINT64_MAX;
	case 4: return (uint64_t)(uintptr_t)burst[(unsigned int)rand() % n]; /* NOLINT */
	case 5: return (uint64_t)(uintptr_t)&on_stack;
	case 6: return (uint64_t)(uintptr_t)r->stack[0] + 64;
	default: return (uint64_t)rand() << 16 | (uint64_t)rand(); /* NOLINT */
	}
}

/* Rewrite fields of the messages just sent, as fast as it can, @rounds
 * times: the worker is taking them meanwhile. */
static void
race_scribble(struct race *r, struct rte_mbuf *const *burst, unsigned int n, unsigned int rounds)
{
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		struct rte_mbuf *m = burst[(unsigned int)rand() % n]; /* NOLINT */
		uint64_t v = race_value(r, burst, n);
		struct dipc_msg_hdr *h = (struct dipc_msg_hdr *)((char *)m->buf_addr +
								 RTE_PKTMBUF_HEADROOM);

		switch (rand() % 9) { /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
		case 0:
		case 1:
			__atomic_store_n(&m->next, (struct rte_mbuf *)(uintptr_t)v, __ATOMIC_RELAXED);
			break;
		case 2:
			__atomic_store_n(&m->nb_segs, (uint16_t)v, __ATOMIC_RELAXED);
			break;
		case 3:
			__atomic_store_n(&m->pkt_len, (uint32_t)v, __ATOMIC_RELAXED);
			break;
		case 4:
			__atomic_store_n(&m->data_len, (uint16_t)v, __ATOMIC_RELAXED);
			break;
		case 5:
			__atomic_store_n(&m->data_off, (uint16_t)v, __ATOMIC_RELAXED);
			break;
		case 6:
			__atomic_store_n(&h->body_len, (uint32_t)v, __ATOMIC_RELAXED);
			break;
		case 7:
			__atomic_store_n(&h->flags, (uint8_t)v, __ATOMIC_RELAXED);
			break;
		default:
			__atomic_store_n(&h->method, (uint16_t)v, __ATOMIC_RELAXED);
			break;
		}
	}
}

static int
mode_race(int chains, int oneway, unsigned long bursts)
{
	struct race *r = calloc(1, sizeof(*r));
	struct rte_mbuf *burst[RACE_BURST];
	unsigned long b;
	unsigned int i, segs;
	uint32_t stream = 1;

	if (r == NULL)
		return 1;
	r->c = dipc_client_connect(5000);
	if (r->c == NULL ||
	    dipc_ring_conn_get(dipc_shm_lookup(), dipc_client_slot(r->c), &r->rings) != 0) {
		printf("hostile: connect: %s\n", dipc_client_strerror(rte_errno));
		free(r);
		return 3;
	}
	r->conn = &dipc_shm_lookup()->conns[dipc_client_slot(r->c)];
	printf("hostile: race %s %s: connected\n", chains ? "chain" : "single",
	       oneway ? "oneway" : "request");
	for (b = 0; b < bursts && !stop; b++) {
		if (race_refill(r, RACE_BURST * RACE_MAX_SEGS) != 0) {
			printf("hostile: FAILED: race: no mbufs lent for 5 s after %lu bursts\n", b);
			failures++;
			break;
		}
		for (i = 0; i < RACE_BURST; i++) {
			segs = chains ? 2 + (unsigned int)rand() % (RACE_MAX_SEGS - 1) : 1; /* NOLINT */
			burst[i] = race_build(r, segs, oneway ? DIPC_MSG_F_ONEWAY : 0, stream++);
		}
		i = 0;
		while (i < RACE_BURST && !stop) {
			i += rte_ring_sp_enqueue_burst(r->rings.req, (void **)(burst + i),
						       RACE_BURST - i, NULL);
			race_collect(r);
		}
		race_scribble(r, burst, RACE_BURST, 64);
		race_collect(r);
	}
	/* Everything left is the server's to take back at close. */
	dipc_client_close(r->c);
	printf("hostile: race %s %s: %lu bursts, %" PRIu64 " answers, %" PRIu64
	       " times short of mbufs, done\n", chains ? "chain" : "single",
	       oneway ? "oneway" : "request", b, r->answers, r->starved);
	free(r);
	return failures ? 1 : 0;
}

/* Expect a RESULT refusing with @want after sending @len bytes of @msg. */
static void
expect_refusal(const void *msg, size_t len, int want, const char *what)
{
	struct dipc_admit_msg rsp;
	int fd = admit_raw_open(), ret;

	if (fd < 0) {
		CHECK(0, "%s: cannot connect to the admission socket: %s", what, strerror(-fd));
		return;
	}
	ret = admit_raw_xfer(fd, msg, len, &rsp);
	/* A HELLO is answered with a CHALLENGE; the refusal comes after the
	 * PROOF. */
	if (ret == 0 && rsp.type == DIPC_ADMIT_CHALLENGE) {
		struct dipc_admit_msg proof;

		admit_raw_init(&proof, DIPC_ADMIT_PROOF);
		ret = admit_raw_xfer(fd, &proof, sizeof(proof), &rsp);
	}
	close(fd);
	CHECK(ret == 0 && rsp.type == DIPC_ADMIT_RESULT && rsp.result.status == want,
	      "%s: want %d, got %s (type %u status %d)", what, want,
	      ret != 0 ? strerror(-ret) : "an answer", rsp.type, rsp.result.status);
	printf("hostile: handshake %s: refused %d\n", what, rsp.result.status);
}

static int
mode_handshake(int argc, char **argv)
{
	struct dipc_shm *shm = dipc_shm_lookup();
	struct dipc_admit_msg m;
	uint8_t junk[100];
	struct dipc_client *c;
	int i, fd;

	if (shm == NULL)
		return 3;
	/* Another process's pid: refused, whoever it is. */
	for (i = 0; i < argc; i++) {
		admit_raw_hello(&m, (int32_t)strtol(argv[i], NULL, 10), DIPC_MSG_VERSION,
				DIPC_MSG_VERSION, shm->epoch);
		expect_refusal(&m, sizeof(m), -EPERM, "forged pid");
	}
	/* Malformed: short, long, garbled, another type, a bad pid field. */
	admit_raw_hello(&m, getpid(), DIPC_MSG_VERSION, DIPC_MSG_VERSION, shm->epoch);
	expect_refusal(&m, 20, -EPROTO, "short hello");
	memset(junk, 0, sizeof(junk));
	memcpy(junk, &m, sizeof(m));
	expect_refusal(junk, sizeof(junk), -EPROTO, "long hello");
	m.magic ^= 1;
	expect_refusal(&m, sizeof(m), -EPROTO, "bad magic");
	admit_raw_init(&m, DIPC_ADMIT_PROOF);
	expect_refusal(&m, sizeof(m), -EPROTO, "proof first");
	admit_raw_hello(&m, -5, DIPC_MSG_VERSION, DIPC_MSG_VERSION, shm->epoch);
	expect_refusal(&m, sizeof(m), -EPROTO, "negative pid");
	admit_raw_hello(&m, getpid(), 3, 2, shm->epoch);
	expect_refusal(&m, sizeof(m), -EPROTO, "empty version range");
	admit_raw_hello(&m, getpid(), DIPC_MSG_VERSION, DIPC_MSG_VERSION, shm->epoch + 1);
	expect_refusal(&m, sizeof(m), -ECONNRESET, "another server's epoch");
	/* Half a handshake, then silence: the server drops it in its time
	 * and serves others meanwhile. */
	fd = admit_raw_open();
	admit_raw_hello(&m, getpid(), DIPC_MSG_VERSION, DIPC_MSG_VERSION, shm->epoch);
	CHECK(fd >= 0 && send(fd, &m, sizeof(m), 0) == (ssize_t)sizeof(m), "half handshake");
	c = dipc_client_connect(5000);
	CHECK(c != NULL, "connect next to a half handshake: %s", dipc_client_strerror(rte_errno));
	if (c != NULL) {
		struct rte_mbuf *q = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, 8, 0, 5000);
		struct rte_mbuf *rsp = NULL;

		CHECK(q != NULL && dipc_client_call(c, q, &rsp, 5000) == 0, "call after handshakes");
		if (rsp != NULL)
			dipc_client_msg_free(c, rsp);
		dipc_client_close(c);
	}
	if (fd >= 0) {
		struct dipc_admit_msg rsp;
		ssize_t n;

		memset(&rsp, 0, sizeof(rsp));
		if (recv(fd, &rsp, sizeof(rsp), 0) != (ssize_t)sizeof(rsp)) /* the CHALLENGE */
			memset(&rsp, 0, sizeof(rsp));
		n = recv(fd, &rsp, sizeof(rsp), 0); /* then, in its time, ETIMEDOUT */
		CHECK(n == (ssize_t)sizeof(rsp) && rsp.type == DIPC_ADMIT_RESULT &&
		      rsp.result.status == -ETIMEDOUT, "half handshake not timed out");
		close(fd);
	}
	printf("hostile: handshake %s\n", failures ? "FAILED" : "done");
	return failures ? 1 : 0;
}

/* One of the server's indices of the rings, at random, to a random value. */
static void
scribble_indices(const struct dipc_ring_conn *rc)
{
	struct rte_ring *r[] = { rc->req, rc->free, rc->rsp, rc->alloc };
	unsigned int k = (unsigned int)rand() % 4; /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
	uint32_t v = (uint32_t)rand(); /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
	struct rte_ring_headtail *ht = k < 2 ? &r[k]->cons : &r[k]->prod;

	if (rand() % 2) /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
		v = (rand() % 2 ? ht->tail : ht->head) + (uint32_t)(rand() % 5000) - 2500; /* NOLINT */
	if (rand() % 2) /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
		__atomic_store_n(&ht->tail, v, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&ht->head, v, __ATOMIC_RELAXED);
}

/* The objects of pool 0, sorted: with its own ring indices scribbled on,
 * this client dequeues stale entries too, and touches only real mbufs. */
static uintptr_t *pool_objs;
static unsigned int nb_pool_objs;

static void
note_obj(struct rte_mempool *mp __rte_unused, void *arg __rte_unused, void *obj,
	 unsigned int idx __rte_unused)
{
	pool_objs[nb_pool_objs++] = (uintptr_t)obj;
}

static int
cmp_uptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return (x > y) - (x < y);
}

static int
is_pool_obj(const void *p)
{
	uintptr_t key = (uintptr_t)p;

	return bsearch(&key, pool_objs, nb_pool_objs, sizeof(key), cmp_uptr) != NULL;
}

static int
mode_rings(unsigned long bursts)
{
	struct dipc_client *c = dipc_client_connect(5000);
	struct dipc_ring_conn rc;
	struct rte_mbuf *m[8];
	unsigned long b;
	unsigned int i, n, k;

	struct rte_mempool *mp = rte_mempool_lookup(DIPC_POOL_NAME);

	if (c == NULL || mp == NULL ||
	    dipc_ring_conn_get(dipc_shm_lookup(), dipc_client_slot(c), &rc) != 0)
		return 3;
	pool_objs = calloc(mp->size, sizeof(*pool_objs));
	if (pool_objs == NULL)
		return 3;
	rte_mempool_obj_iter(mp, note_obj, NULL);
	qsort(pool_objs, nb_pool_objs, sizeof(*pool_objs), cmp_uptr);
	printf("hostile: rings: connected on slot %u\n", dipc_client_slot(c));
	for (b = 0; b < bursts && !stop; b++) {
		/* Whatever the indices say, take what comes and send what we
		 * have; the library may be as confused as the rings. */
		n = rte_ring_sc_dequeue_burst(rc.alloc, (void **)m, RTE_DIM(m), NULL);
		for (i = 0, k = 0; i < n; i++)
			if (is_pool_obj(m[i]))
				m[k++] = m[i];
		n = k;
		for (i = 0; i < n; i++) {
			m[i]->data_off = RTE_PKTMBUF_HEADROOM;
			m[i]->data_len = DIPC_MSG_HDR_LEN;
			m[i]->pkt_len = DIPC_MSG_HDR_LEN;
			m[i]->nb_segs = 1;
			dipc_msg_init(m[i], DIPC_MSG_F_REQUEST, DIPC_METHOD_ECHO, (uint32_t)b, 0);
		}
		if (n != 0)
			rte_ring_sp_enqueue_burst(rc.req, (void **)m, n, NULL);
		n = rte_ring_sc_dequeue_burst(rc.rsp, (void **)m, RTE_DIM(m), NULL);
		if (n != 0)
			rte_ring_sp_enqueue_burst(rc.free, (void **)m, n, NULL);
		if ((b & 63) == 0)
			__atomic_store_n(&dipc_shm_lookup()->conns[dipc_client_slot(c)].lend_want,
					 (uint32_t)b, __ATOMIC_RELEASE);
		scribble_indices(&rc);
	}
	/* Then the geometry, which rte_ring reads for every access. */
	rc.req->mask = UINT32_MAX;
	rc.rsp->size = 7;
	rc.alloc->capacity = UINT32_MAX;
	rc.free->mask = 0x7fffffff;
	rc.req->flags = 0;
	printf("hostile: rings: %lu bursts, geometry scribbled, dying\n", b);
	fflush(stdout);
	rte_delay_us_sleep(200000); /* the worker polls the rings meanwhile */
	raise(SIGKILL);
	return 1;
}

/* Write garbage into our own slot's state and grants, reconnecting when the
 * server takes the slot back, for @seconds. */
static int
mode_scribble_slot(unsigned long seconds)
{
	static const uint32_t words[] = { DIPC_CONN_FREE, DIPC_CONN_CLOSE_REQ, DIPC_CONN_ACTIVE,
					  DIPC_CONN_REVOKED, 1, 2, 4, 77, UINT32_MAX };
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() * seconds;
	unsigned long conns = 0, writes = 0;
	struct dipc_shm *shm = dipc_shm_lookup();

	if (shm == NULL)
		return 3;
	while (rte_rdtsc() < end && !stop) {
		struct dipc_client *c = dipc_client_connect(5000);
		struct dipc_shm_conn *conn;
		unsigned int i;

		if (c == NULL) {
			printf("hostile: scribble: connect: %s\n", dipc_client_strerror(rte_errno));
			if (rte_errno == ESHUTDOWN)
				break;
			continue;
		}
		conns++;
		conn = &shm->conns[dipc_client_slot(c)];
		for (i = 0; i < 1000 && dipc_client_check(c) == 0; i++) {
			uint32_t w = words[(unsigned int)rand() % RTE_DIM(words)]; /* NOLINT */

			switch (rand() % 4) { /* NOLINT(cert-msc30-c,cert-msc50-cpp) */
			case 0:
				conn->generation = w;
				break;
			case 1:
				conn->window = w;
				break;
			default:
				__atomic_store_n(&conn->state, w, __ATOMIC_RELAXED);
				break;
			}
			writes++;
			rte_pause();
		}
		dipc_client_close(c);
	}
	printf("hostile: scribble-slot: %lu connections, %lu writes, done\n", conns, writes);
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
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (argc > 4 && strcmp(argv[1], "race") == 0) {
		srand((unsigned int)strtoul(argv[5 < argc ? 5 : 4], NULL, 10));
		ret = mode_race(strcmp(argv[2], "chain") == 0, strcmp(argv[3], "oneway") == 0,
				strtoul(argv[4], NULL, 10));
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (argc > 1 && strcmp(argv[1], "handshake") == 0) {
		ret = mode_handshake(argc - 2, argv + 2);
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (argc > 3 && strcmp(argv[1], "rings") == 0) {
		srand((unsigned int)strtoul(argv[3], NULL, 10));
		return mode_rings(strtoul(argv[2], NULL, 10));
	}
	if (argc > 3 && strcmp(argv[1], "scribble-slot") == 0) {
		srand((unsigned int)strtoul(argv[3], NULL, 10));
		ret = mode_scribble_slot(strtoul(argv[2], NULL, 10));
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
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
