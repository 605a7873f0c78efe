/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: a dipc client process driven by the integration tests.
 *
 *   dipc_test_client [EAL args] -- MODE [ARG]
 *
 * Modes:
 *   calls N     N synchronous echo calls, body sizes 0..1024 cycling, each
 *               response checked byte for byte
 *   busy        echo calls until the server goes away; exit 4 on shutdown
 *   stallable   echo calls with a 300 ms timeout until one fails; exit 5
 *               on a timeout, 4 if the server went away
 *   malformed   send each kind of malformed request, check the error
 *               responses, then check the connection still works
 *   hold S      connect and hold the connection S seconds
 *   stall N S   send N echo requests, stop reading for S seconds (or, with
 *               DIPC_TEST_STALL_FILE=PATH, until PATH exists), then
 *               receive them all, checking none is lost or out of order
 *   skew N K W  open N connections; K rounds of W pipelined echo requests
 *               on each even-numbered one (the odd ones idle), checking
 *               each connection's responses come back all, once, in order
 *   conns N K [GO]  open N connections (printing "opened N"), wait for the
 *               file GO to exist if given, then K checked echo calls on
 *               each in turn, then close them all
 *   api         the client API's error paths, late and malformed answers
 *   sink N      N one-way messages to the sink, then a sink call
 *   window N R  R rounds of: N echo requests in flight, then all N
 *               responses (each checked), freed at once; N above what the
 *               server first lends makes the client ask for more, and
 *               freeing N at once makes it give some back. An allocation
 *               refused below the connection's window is retried (the
 *               server's answer can come late, see mode_window()); one
 *               past the window fails: "window: no mbufs after N"
 *   badversion  claim a slot speaking protocol version 99 (by hand, in
 *               shared memory) and report the server's refusal
 *   claimlate   claim a slot by hand, wait until the server is stopping,
 *               then ask for admission and report the refusal
 *   setabi V    write V into the server's dipc_shm.abi_version (to show
 *               readers a layout version they do not know), then exit
 *
 * With DIPC_TEST_HOLD_FILE=PATH in the environment, a mode that ends well
 * prints "test-client: holding" and keeps its connection open until PATH
 * exists (so a test can look at it with its counters final).
 *
 * Exit codes: 0 ok, 1 a check failed, 3 cannot connect, 4 server went away.
 * It prints "test-client: ..." lines the tests assert on.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memzone.h>

#include "admit_raw.h"
#include "dipc_client.h"
#include "dipc_eal.h"
#include "dipc_ring_transport.h"
#include "dipc_shm_stats.h"

#define TIMEOUT_MS 5000
/* Connects of the many-connection modes: hundreds of admissions queue at
 * the control lcore, which shares its CPU with every client (and the
 * CPU hogs of a loaded CI machine); the tests check that they all open,
 * not how fast, so the bound is generous. */
#define MANY_CONNECT_MS 60000

static unsigned int call_timeout_ms = TIMEOUT_MS;

/*
 * A request; an allocation never waits, so when the connection has no
 * free mbuf right now, wait (up to the call timeout) for the server to
 * lend one.
 */
static struct rte_mbuf *
alloc_req(struct dipc_client *c, uint16_t method, uint32_t len)
{
	struct rte_mbuf *m = dipc_client_msg_alloc(c, method, len);

	if (m == NULL && rte_errno == ENOBUFS)
		m = dipc_client_msg_alloc_wait(c, method, len, 0, call_timeout_ms);
	return m;
}

/* @n requests, as dipc_client_msg_alloc_bulk(), waiting as alloc_req(). */
static int
alloc_bulk_wait(struct dipc_client *c, struct rte_mbuf **m, unsigned int n, uint16_t method,
		uint32_t len, unsigned int flags)
{
	unsigned int i;

	if (dipc_client_msg_alloc_bulk(c, m, n, method, len, flags) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		m[i] = dipc_client_msg_alloc_wait(c, method, len, flags, call_timeout_ms);
		if (m[i] == NULL) {
			dipc_client_msg_free_bulk(c, m, i);
			return -rte_errno;
		}
	}
	return 0;
}

static void
fill(uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 13u);
}

static int
check(const uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed + i * 13u))
			return -1;
	return 0;
}

/* One echo call of @len bytes; 0 ok, 1 bad answer, -errno on failure. */
static int
echo_call(struct dipc_client *c, uint32_t len, uint32_t seed)
{
	struct rte_mbuf *m = alloc_req(c, DIPC_METHOD_ECHO, len), *rsp;
	const struct dipc_msg_hdr *h;
	int ret;

	if (m == NULL)
		return -ENOBUFS;
	fill(dipc_msg_body(m), len, seed);
	ret = dipc_client_call(c, m, &rsp, call_timeout_ms);
	if (ret != 0)
		return ret;
	h = dipc_msg_hdr(rsp);
	ret = h->status != DIPC_STATUS_OK || h->body_len != len ||
	      rte_pktmbuf_data_len(rsp) != DIPC_MSG_HDR_LEN + len ||
	      check(dipc_msg_body(rsp), len, seed) != 0;
	if (ret)
		printf("test-client: bad echo: status %u, body_len %u (want %u)\n", h->status,
		       h->body_len, len);
	dipc_client_msg_free(c, rsp);
	return ret;
}

/*
 * A call timed out: say where the request is (the connection's rings, as
 * this client sees them), whether the server's control lcore still beats,
 * and whether its workers are polling now (their published poll counts,
 * 100 ms apart), so that a failed test tells a stalled worker from a lost
 * message.
 */
static void
timeout_diag(struct dipc_client *c)
{
	const struct rte_memzone *mz = rte_memzone_lookup(DIPC_STATS_MZ_NAME);
	const struct dipc_shm_stats *st = mz != NULL ? mz->addr : NULL;
	struct dipc_shm *shm = dipc_shm_lookup();
	struct dipc_ring_conn rings;
	uint64_t polls[2] = { 0, 0 }, busy[2] = { 0, 0 }, hb;
	unsigned int k, i;

	if (shm == NULL)
		return;
	if (dipc_ring_conn_get(shm, dipc_client_slot(c), &rings) != 0)
		return;
	printf("test-client: slot %u: req %u rsp %u alloc %u free %u queued\n",
	       dipc_client_slot(c), rte_ring_count(rings.req), rte_ring_count(rings.rsp),
	       rte_ring_count(rings.alloc), rte_ring_count(rings.free));
	hb = __atomic_load_n(&shm->heartbeat, __ATOMIC_ACQUIRE);
	printf("test-client: server heartbeat %.1f ms old\n",
	       (double)((int64_t)dipc_eal_now_ns() - (int64_t)hb) / 1e6);
	if (st == NULL)
		return;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < st->nb_workers; i++) {
			polls[k] += __atomic_load_n(&st->workers[i].polls, __ATOMIC_RELAXED);
			busy[k] += __atomic_load_n(&st->workers[i].busy_polls, __ATOMIC_RELAXED);
		}
		/* The request ring's indexes: whether the worker takes the
		 * request while it polls (a stalled worker) or not (missed). */
		printf("test-client: req ring: produced %u, taken %u\n",
		       __atomic_load_n(&rings.req->prod.tail, __ATOMIC_ACQUIRE),
		       __atomic_load_n(&rings.req->cons.tail, __ATOMIC_ACQUIRE));
		if (k == 0)
			rte_delay_us_sleep(100000);
	}
	printf("test-client: workers: %" PRIu64 " polls, %" PRIu64 " busy in 100 ms\n",
	       polls[1] - polls[0], busy[1] - busy[0]);
}

static int
mode_calls(struct dipc_client *c, unsigned long n)
{
	unsigned long i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = echo_call(c, (uint32_t)(i % 1025), (uint32_t)i);
		if (ret != 0) {
			printf("test-client: call %lu failed: %s\n", i,
			       ret < 0 ? dipc_client_strerror(ret) : "bad echo");
			if (ret == -ETIMEDOUT)
				timeout_diag(c);
			return ret < 0 ? 4 : 1;
		}
	}
	printf("test-client: %lu echo calls ok\n", n);
	return 0;
}

static int
mode_busy(struct dipc_client *c)
{
	unsigned long i;
	int ret;

	printf("test-client: busy\n");
	fflush(stdout);
	for (i = 0;; i++) {
		ret = echo_call(c, 64, (uint32_t)i);
		if (ret > 0)
			return 1;
		if (ret < 0) {
			printf("test-client: after %lu calls: %s\n", i, dipc_client_strerror(ret));
			if (ret == -ETIMEDOUT) {
				timeout_diag(c);
				return 5;
			}
			return ret == -ESHUTDOWN || ret == -ECONNRESET || ret == -EHOSTDOWN ? 4 : 1;
		}
	}
}

/* Send @n messages, waiting for room in the ring. */
static void
send_all_or_free(struct dipc_client *c, struct rte_mbuf **m, unsigned int n)
{
	unsigned int sent = 0;

	while (sent < n)
		sent += dipc_client_send_burst(c, m + sent, (uint16_t)(n - sent));
}

/* Send @m raw and wait for its error response. */
static int
expect_error(struct dipc_client *c, struct rte_mbuf *m, uint32_t stream_id,
	     enum dipc_status want, const char *what)
{
	uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() * 5;
	const struct dipc_msg_hdr *h;
	struct rte_mbuf *rsp;
	int ok;

	if (dipc_client_send_burst(c, &m, 1) != 1) {
		dipc_client_msg_free(c, m);
		return 1;
	}
	while (dipc_client_recv_burst(c, &rsp, 1) == 0) {
		if (rte_rdtsc() > deadline || dipc_client_check(c) != 0) {
			printf("test-client: %s: no response\n", what);
			return 1;
		}
	}
	h = dipc_msg_hdr(rsp);
	ok = dipc_msg_validate_response(rsp) == DIPC_STATUS_OK &&
	     (h->flags & DIPC_MSG_F_ERROR) && h->status == want && h->stream_id == stream_id;
	printf("test-client: %s: status %u (%s)%s\n", what, h->status,
	       dipc_msg_status_str(h->status), ok ? "" : " UNEXPECTED");
	dipc_client_msg_free(c, rsp);
	return !ok;
}

static int
mode_malformed(struct dipc_client *c)
{
	struct rte_mbuf *m;
	struct dipc_msg_hdr *h;
	uint32_t sid;
	int fails = 0;

#define MALFORMED(what, want, mutate)                                        \
	do {                                                                 \
		m = alloc_req(c, DIPC_METHOD_ECHO, 32);                      \
		h = dipc_msg_hdr(m);                                         \
		sid = h->stream_id;                                          \
		mutate;                                                      \
		fails += expect_error(c, m, sid, want, what);                \
	} while (0)

	MALFORMED("bad magic", DIPC_STATUS_BAD_MAGIC, h->magic = 0xdeadbeef);
	MALFORMED("bad version", DIPC_STATUS_BAD_VERSION, h->version = 9);
	MALFORMED("body_len too long", DIPC_STATUS_BAD_LENGTH, h->body_len = 33);
	MALFORMED("body_len too short", DIPC_STATUS_BAD_LENGTH, h->body_len = 31);
	MALFORMED("body_len huge", DIPC_STATUS_BAD_LENGTH, h->body_len = UINT32_MAX);
	/* Corrupted mbuf metadata: the server repairs the mbuf before it
	 * answers, so the header (and its stream id) is gone. */
	MALFORMED("pkt_len disagrees", DIPC_STATUS_BAD_MBUF, (m->pkt_len += 5, sid = 0));
	MALFORMED("refcnt 2", DIPC_STATUS_BAD_MBUF, (rte_mbuf_refcnt_set(m, 2), sid = 0));
	MALFORMED("nb_segs 2", DIPC_STATUS_BAD_MBUF, (m->nb_segs = 2, sid = 0));
	MALFORMED("buf_len", DIPC_STATUS_BAD_MBUF, (m->buf_len = 60000, sid = 0));
	MALFORMED("buf_addr", DIPC_STATUS_BAD_MBUF,
		  (m->buf_addr = (char *)m->buf_addr + 4096, sid = 0));
	MALFORMED("pool pointer", DIPC_STATUS_BAD_MBUF,
		  (m->pool = (struct rte_mempool *)(uintptr_t)0x1234, sid = 0));
	MALFORMED("data_off past the buffer", DIPC_STATUS_BAD_MBUF,
		  (m->data_off = 60000, sid = 0));
	MALFORMED("response flag", DIPC_STATUS_BAD_FLAGS, h->flags = DIPC_MSG_F_RESPONSE);
	MALFORMED("unknown flag", DIPC_STATUS_BAD_FLAGS, h->flags |= 0x80);
	MALFORMED("unknown method", DIPC_STATUS_UNKNOWN_METHOD, h->method = 200);
	MALFORMED("method zero", DIPC_STATUS_UNKNOWN_METHOD, h->method = 0);
	MALFORMED("method above table", DIPC_STATUS_UNKNOWN_METHOD, h->method = 65535);
	/* Shorter than a header: the stream id cannot be read back. */
	MALFORMED("truncated header", DIPC_STATUS_BAD_LENGTH,
		  (m->data_len = 10, m->pkt_len = 10, sid = 0));
#undef MALFORMED

	/* The connection still works. */
	fails += echo_call(c, 100, 7) != 0;
	fails += mode_calls(c, 1000) != 0;
	printf("test-client: malformed %s\n", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}

#define EXPECT(cond)                                                        \
	do {                                                                \
		if (!(cond)) {                                              \
			printf("test-client: line %d: %s\n", __LINE__, #cond); \
			fails++;                                            \
		}                                                           \
	} while (0)

/* Wait for one response (any stream) and return it, or NULL. */
static struct rte_mbuf *
recv_one(struct dipc_client *c)
{
	uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() * 5;
	struct rte_mbuf *m;

	while (dipc_client_recv_burst(c, &m, 1) == 0)
		if (rte_rdtsc() > deadline)
			return NULL;
	return m;
}

static int
mode_api(struct dipc_client *c)
{
	struct rte_mbuf *m, *rsp, *many[4];
	struct dipc_ring_conn rings;
	uint32_t sid;
	int fails = 0;

	/* Arguments. */
	EXPECT(dipc_client_call(NULL, NULL, &rsp, 10) == -EINVAL);
	m = alloc_req(c, DIPC_METHOD_ECHO, 8);
	EXPECT(dipc_client_call(c, m, NULL, 10) == -EINVAL); /* frees m */
	EXPECT(dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, dipc_client_max_body(c) + 1) == NULL);
	EXPECT(dipc_client_msg_alloc_bulk(c, many, 4, DIPC_METHOD_ECHO, 8, DIPC_MSG_F_ERROR) ==
	       -EINVAL);
	EXPECT(dipc_client_msg_alloc_bulk(c, many, 4, DIPC_METHOD_ECHO,
					  dipc_client_max_body(c) + 1, 0) == -ENOSPC);
	/* More than the whole pool: nothing is taken. */
	{
		static struct rte_mbuf *all[40000];

		EXPECT(dipc_client_msg_alloc_bulk(c, all, 40000, DIPC_METHOD_ECHO, 8, 0) ==
		       -ENOBUFS);
	}
	sid = dipc_client_msg_stream_id(c);
	m = alloc_req(c, DIPC_METHOD_ECHO, 8);
	EXPECT(dipc_msg_hdr(m)->stream_id == sid && dipc_client_msg_stream_id(c) == sid + 1);
	dipc_client_msg_free(c, m);

	/* Error text: each dipc condition in its own words. */
	EXPECT(strcmp(dipc_client_strerror(0), "success") == 0);
	EXPECT(strstr(dipc_client_strerror(-EPROTO), "not what this dipc version") != NULL);
	EXPECT(strstr(dipc_client_strerror(ECONNREFUSED), "no dipc server") != NULL);
	EXPECT(strcmp(dipc_client_strerror(-ENOENT), strerror(ENOENT)) == 0);

	/* A late answer to an earlier request is skipped by the next call. */
	m = alloc_req(c, DIPC_METHOD_ECHO, 8);
	EXPECT(dipc_client_send_burst(c, &m, 1) == 1);
	m = alloc_req(c, DIPC_METHOD_ECHO, 8);
	sid = dipc_msg_hdr(m)->stream_id;
	EXPECT(dipc_client_call(c, m, &rsp, 5000) == 0);
	EXPECT(rsp != NULL && dipc_msg_hdr(rsp)->stream_id == sid);
	if (rsp != NULL)
		dipc_client_msg_free(c, rsp);

	/* A malformed answer is EPROTO: an answer waiting in our response
	 * ring turned back into a request before the next call reads it (the
	 * server alone produces into that ring). */
	EXPECT(dipc_ring_conn_get(dipc_shm_lookup(), dipc_client_slot(c), &rings) == 0);
	m = alloc_req(c, DIPC_METHOD_ECHO, 8);
	EXPECT(dipc_client_send_burst(c, &m, 1) == 1);
	for (sid = 0; sid < 5000 && rte_ring_count(rings.rsp) == 0; sid++)
		rte_delay_us_sleep(1000);
	EXPECT(rte_ring_count(rings.rsp) == 1);
	if (rte_ring_count(rings.rsp) == 1) {
		void **slot = (void **)(rings.rsp + 1);
		struct rte_mbuf *waiting = slot[rings.rsp->cons.head & rings.rsp->mask];

		dipc_msg_hdr(waiting)->flags = DIPC_MSG_F_REQUEST;
	}
	m = alloc_req(c, DIPC_METHOD_ECHO, 8);
	EXPECT(dipc_client_call(c, m, &rsp, 5000) == -EPROTO);
	/* The real answer to that call still comes; collect it. */
	rsp = recv_one(c);
	EXPECT(rsp != NULL);
	if (rsp != NULL)
		dipc_client_msg_free(c, rsp);

	printf("test-client: api %s\n", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}

static int
mode_sink(struct dipc_client *c, unsigned long n)
{
	struct rte_mbuf *m[32], *rsp;
	unsigned long sent = 0;
	int fails = 0, k;

	while (sent < n) {
		k = (int)RTE_MIN(n - sent, 32ul);
		if (sent % 64 == 0) {
			m[0] = dipc_client_msg_alloc_oneway(c, DIPC_METHOD_SINK, 16);
			k = m[0] != NULL;
		} else if (dipc_client_msg_alloc_bulk(c, m, (unsigned int)k, DIPC_METHOD_SINK, 16,
						      DIPC_MSG_F_ONEWAY) != 0) {
			k = 0;
		}
		send_all_or_free(c, m, (unsigned int)k);
		sent += (unsigned long)k;
	}
	/* One-way messages get no answer; a sink call gets an empty OK. */
	m[0] = alloc_req(c, DIPC_METHOD_SINK, 16);
	EXPECT(dipc_client_call(c, m[0], &rsp, 5000) == 0);
	EXPECT(rsp != NULL && dipc_msg_hdr(rsp)->body_len == 0 &&
	       dipc_msg_hdr(rsp)->status == DIPC_STATUS_OK);
	if (rsp != NULL)
		dipc_client_msg_free(c, rsp);
	EXPECT(dipc_client_recv_burst(c, m, 32) == 0);
	printf("test-client: sink %lu %s\n", n, fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}

static int
mode_conns(unsigned int n, unsigned long k, const char *go)
{
	struct dipc_client **c = calloc(n, sizeof(struct dipc_client *));
	unsigned long r;
	unsigned int i, waited;
	int ret = 0;

	if (c == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		c[i] = dipc_client_connect(MANY_CONNECT_MS);
		if (c[i] == NULL) {
			printf("test-client: connection %u: %s\n", i, dipc_client_strerror(rte_errno));
			ret = 3;
			goto out;
		}
	}
	printf("test-client: opened %u\n", n);
	fflush(stdout);
	for (waited = 0; go != NULL && access(go, F_OK) != 0; waited++) {
		if (waited == 60000) {
			printf("test-client: %s never came\n", go);
			ret = 1;
			goto out;
		}
		rte_delay_us_sleep(1000);
	}
	for (r = 0; r < k; r++) {
		for (i = 0; i < n; i++) {
			ret = echo_call(c[i], (uint32_t)((r * n + i) % 257), (uint32_t)(r * n + i));
			if (ret != 0) {
				printf("test-client: connection %u call %lu: %s\n", i, r,
				       ret < 0 ? dipc_client_strerror(ret) : "bad echo");
				ret = ret < 0 ? 4 : 1;
				goto out;
			}
		}
	}
	printf("test-client: conns %u x %lu ok\n", n, k);
out:
	for (i = 0; i < n; i++)
		if (c[i] != NULL)
			dipc_client_close(c[i]);
	free(c);
	return ret;
}

/* Wait until @path exists, up to two minutes. Returns 0, or -1. */
static int
wait_file(const char *path)
{
	unsigned int waited;

	for (waited = 0; access(path, F_OK) != 0; waited++) {
		if (waited == 120000) {
			printf("test-client: %s never came\n", path);
			return -1;
		}
		rte_delay_us_sleep(1000);
	}
	return 0;
}

static int
mode_stall(struct dipc_client *c, unsigned int n, unsigned int secs)
{
	const char *until = getenv("DIPC_TEST_STALL_FILE");
	struct rte_mbuf *m[64];
	uint32_t first = dipc_client_msg_stream_id(c);
	unsigned int sent, got = 0, k, i;
	int ret;

	for (sent = 0; sent < n; sent += k) {
		k = RTE_MIN(n - sent, (unsigned int)RTE_DIM(m));
		if (alloc_bulk_wait(c, m, k, DIPC_METHOD_ECHO, 8, 0) != 0) {
			printf("test-client: stall: no mbufs after %u\n", sent);
			return 1;
		}
		send_all_or_free(c, m, k);
	}
	if (until != NULL) {
		/* The test says when: a fixed time would race a loaded machine. */
		printf("test-client: stall: %u sent, not reading until %s exists\n", n, until);
		fflush(stdout);
		if (wait_file(until) != 0)
			return 1;
	} else {
		printf("test-client: stall: %u sent, not reading for %u s\n", n, secs);
		fflush(stdout);
		sleep(secs);
	}
	while (got < n) {
		k = dipc_client_recv_burst(c, m, (uint16_t)RTE_MIN(n - got, 64u));
		for (i = 0; i < k; i++, got++) {
			if (dipc_msg_hdr(m[i])->stream_id != first + got) {
				printf("test-client: stall: response %u has stream %u, want %u\n", got,
				       dipc_msg_hdr(m[i])->stream_id, first + got);
				return 1;
			}
		}
		dipc_client_msg_free_bulk(c, m, k);
		if (k == 0 && (ret = dipc_client_check(c)) != 0) {
			printf("test-client: stall: %s, after %u of %u responses\n",
			       dipc_client_strerror(ret), got, n);
			return 4;
		}
	}
	printf("test-client: stall %u ok\n", n);
	return 0;
}

static int
mode_skew(unsigned int n, unsigned long rounds, unsigned int w)
{
	struct dipc_client **c = calloc(n, sizeof(struct dipc_client *));
	struct rte_mbuf *m[64];
	unsigned long r;
	unsigned int i, got, k, j;
	uint32_t first;
	int ret = 0;

	if (c == NULL || w > RTE_DIM(m)) {
		free(c);
		return 1;
	}
	for (i = 0; i < n; i++) {
		c[i] = dipc_client_connect(MANY_CONNECT_MS);
		if (c[i] == NULL) {
			printf("test-client: connection %u: %s\n", i, dipc_client_strerror(rte_errno));
			ret = 3;
			goto out;
		}
	}
	for (r = 0; r < rounds && ret == 0; r++) {
		for (i = 0; i < n && ret == 0; i += 2) {
			first = dipc_client_msg_stream_id(c[i]);
			if (alloc_bulk_wait(c[i], m, w, DIPC_METHOD_ECHO, 8, 0) != 0) {
				ret = 1;
				break;
			}
			send_all_or_free(c[i], m, w);
			for (got = 0; got < w;) {
				k = dipc_client_recv_burst(c[i], m, (uint16_t)(w - got));
				for (j = 0; j < k; j++, got++)
					if (dipc_msg_hdr(m[j])->stream_id != first + got) {
						printf("test-client: skew: connection %u: stream %u, "
						       "want %u\n", i, dipc_msg_hdr(m[j])->stream_id,
						       first + got);
						ret = 1;
					}
				dipc_client_msg_free_bulk(c[i], m, k);
				if (k == 0 && dipc_client_check(c[i]) != 0) {
					ret = 4;
					break;
				}
			}
		}
	}
	if (ret == 0)
		printf("test-client: skew %u x %lu x %u ok\n", n, rounds, w);
out:
	for (i = 0; i < n; i++)
		if (c[i] != NULL)
			dipc_client_close(c[i]);
	free(c);
	return ret;
}

/*
 * An allocation below the connection's window can be refused when the
 * worker answers late: a worker that sees the request for more before it
 * has taken back what the client just gave back finds the connection at
 * its cap and refuses, and the client library waits only
 * CLIENT_LEND_WAIT_MS for the mbufs (a loaded machine makes both likely).
 * The test asks again, for up to a minute: what it checks is that lending
 * grows to the window, gives back, and stops at the window, not how fast
 * the worker answers.
 */
static int
window_alloc(struct dipc_client *c, struct rte_mbuf **m, unsigned int k, unsigned int sent,
	     unsigned long *retried)
{
	const uint64_t hz = rte_get_timer_hz(), deadline = rte_get_timer_cycles() + 60 * hz;

	while (dipc_client_msg_alloc_bulk(c, m, k, DIPC_METHOD_ECHO, 8, 0) != 0) {
		/* Past the window: refused for good, as it must be. */
		if (sent + k > dipc_client_window(c) || rte_get_timer_cycles() > deadline ||
		    dipc_client_check(c) != 0)
			return -1;
		(*retried)++;
		rte_delay_us_sleep(1000);
	}
	return 0;
}

static int
mode_window(struct dipc_client *c, unsigned int n, unsigned long rounds)
{
	struct rte_mbuf *m[64], **rsp = calloc(n, sizeof(struct rte_mbuf *));
	unsigned long r, retried = 0;
	unsigned int sent, got, k, i;
	uint32_t first, body;
	int fails = 0;

	if (rsp == NULL)
		return 1;
	for (r = 0; r < rounds && fails == 0; r++) {
		first = dipc_client_msg_stream_id(c);
		for (sent = 0; sent < n; sent += k) {
			k = RTE_MIN(n - sent, (unsigned int)RTE_DIM(m));
			if (window_alloc(c, m, k, sent, &retried) != 0) {
				printf("test-client: window: no mbufs after %u\n", sent);
				fails++;
				break;
			}
			for (i = 0; i < k; i++) {
				body = first + sent + i;
				memcpy(dipc_msg_body(m[i]), &body, sizeof(body));
			}
			send_all_or_free(c, m, k);
		}
		for (got = 0; got < sent;) {
			k = dipc_client_recv_burst(c, rsp + got, (uint16_t)(sent - got));
			for (i = got; i < got + k; i++) {
				memcpy(&body, dipc_msg_body(rsp[i]), sizeof(body));
				EXPECT(body == dipc_msg_hdr(rsp[i])->stream_id);
			}
			got += k;
			if (k == 0 && dipc_client_check(c) != 0)
				return 4;
		}
		dipc_client_msg_free_bulk(c, rsp, got);
	}
	free(rsp);
	printf("test-client: window: %lu allocation(s) refused below the window of %u and "
	       "asked again\n", retried, dipc_client_window(c));
	printf("test-client: window %u x %lu %s\n", n, rounds, fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}

/* Ask for a connection by hand as the client library would, speaking
 * @version: HELLO first, then (once the server reached @wait_state) the
 * PROOF; report the decision and return 0 if it is a refusal with @want. */
static int
claim_by_hand(uint16_t version, uint32_t wait_state, int want)
{
	struct dipc_shm *shm = dipc_shm_lookup();
	uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() * 20;
	struct dipc_admit_msg m, rsp;
	int fd, ret;

	if (shm == NULL)
		return 3;
	fd = admit_raw_open();
	if (fd < 0)
		return 3;
	admit_raw_hello(&m, getpid(), version, version, shm->epoch);
	ret = admit_raw_xfer(fd, &m, sizeof(m), &rsp);
	if (ret != 0 || rsp.type != DIPC_ADMIT_CHALLENGE) {
		printf("test-client: no challenge: %s\n", dipc_client_strerror(ret));
		close(fd);
		return 1;
	}
	printf("test-client: claimed slot (handshake under way)\n");
	fflush(stdout);
	while (dipc_shm_load_state(&shm->state) < wait_state) {
		if (rte_rdtsc() > deadline) {
			printf("test-client: server never reached state %u\n", wait_state);
			close(fd);
			return 1;
		}
		rte_delay_us_sleep(1000);
	}
	admit_raw_init(&m, DIPC_ADMIT_PROOF);
	ret = admit_raw_xfer(fd, &m, sizeof(m), &rsp);
	close(fd);
	if (ret != 0 || rsp.type != DIPC_ADMIT_RESULT) {
		printf("test-client: no answer to version %u\n", version);
		return 1;
	}
	printf("test-client: version %u: %s: %s\n", version,
	       rsp.result.status != 0 ? "refused" : "ADMITTED",
	       dipc_client_strerror(rsp.result.status));
	return rsp.result.status == want ? 0 : 1;
}

/* Keep the connection open, untouched, until @path exists. */
static int
hold_until(const char *path)
{
	printf("test-client: holding\n");
	fflush(stdout);
	return wait_file(path) == 0 ? 0 : 1;
}

/*
 * Connect and close as fast as it can for @seconds, each connect with a
 * timeout of @timeout_ms, each connection making one echo call: every
 * connect must succeed, or fail, within its timeout (plus a scheduling
 * slack on a loaded machine). Prints the count, the failures by reason and
 * the slowest connect.
 */
static int
mode_churn(unsigned long seconds, unsigned int timeout_ms)
{
	const uint64_t hz = rte_get_tsc_hz(), slack = hz / 2;
	uint64_t end = rte_rdtsc() + hz * seconds, slowest = 0, t0, took;
	unsigned long cycles = 0, failed = 0, late = 0, bad = 0;
	int fails = 0;

	while (rte_rdtsc() < end) {
		struct dipc_client *c;

		t0 = rte_rdtsc();
		c = dipc_client_connect(timeout_ms);
		took = rte_rdtsc() - t0;
		slowest = RTE_MAX(slowest, took);
		if (took > hz / 1000 * timeout_ms + slack)
			late++;
		cycles++;
		if (c == NULL) {
			failed++;
			printf("test-client: churn: connect %lu: %s after %.1f ms\n", cycles,
			       dipc_client_strerror(rte_errno), (double)took * 1e3 / (double)hz);
			if (rte_errno == ESHUTDOWN)
				break;
			continue;
		}
		if (echo_call(c, 16, (uint32_t)cycles) != 0)
			bad++;
		dipc_client_close(c);
	}
	fails = failed != 0 || late != 0 || bad != 0;
	printf("test-client: churn %lu connections, %lu failed, %lu past their timeout, %lu bad "
	       "calls, slowest connect %.1f ms: %s\n", cycles, failed, late, bad,
	       (double)slowest * 1e3 / (double)hz, fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct dipc_client *c;
	const char *mode, *connect_ms, *hold, *go;
	int ret;

	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		printf("test-client: eal: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2) {
		fprintf(stderr, "usage: dipc_test_client [EAL args] -- MODE [ARG]\n");
		return 2;
	}
	mode = argv[1];
	if (strcmp(mode, "skew") == 0 && argc > 4) {
		ret = mode_skew((unsigned int)strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10),
				(unsigned int)strtoul(argv[4], NULL, 10));
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (strcmp(mode, "conns") == 0 && argc > 3) {
		ret = mode_conns((unsigned int)strtoul(argv[2], NULL, 10),
				 strtoul(argv[3], NULL, 10), argc > 4 ? argv[4] : NULL);
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (strcmp(mode, "churn") == 0 && argc > 3) {
		ret = mode_churn(strtoul(argv[2], NULL, 10), (unsigned int)strtoul(argv[3], NULL, 10));
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (strcmp(mode, "setabi") == 0 && argc > 2) {
		/* By name, not dipc_shm_lookup(): it refuses another version. */
		const struct rte_memzone *mz = rte_memzone_lookup(DIPC_SHM_MZ_NAME);

		ret = mz == NULL ? 3 : 0;
		if (mz != NULL) {
			((struct dipc_shm *)mz->addr)->abi_version =
				(uint32_t)strtoul(argv[2], NULL, 10);
			printf("test-client: abi_version %s\n", argv[2]);
		}
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (strcmp(mode, "badversion") == 0 || strcmp(mode, "claimlate") == 0) {
		if (strcmp(mode, "badversion") == 0)
			ret = claim_by_hand(99, DIPC_SERVER_RUNNING, -EPROTONOSUPPORT);
		else
			ret = claim_by_hand(DIPC_MSG_VERSION, DIPC_SERVER_STOPPING, -ESHUTDOWN);
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	if (strcmp(mode, "holdlock") == 0) {
		/* Die holding one of EAL's shared locks, as a process killed
		 * inside DPDK does: the test kills this one while it waits.
		 * The tailq lock is taken by every mempool and ring free. */
		rte_mcfg_tailq_read_lock();
		printf("test-client: holding the EAL tailq lock\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	connect_ms = getenv("DIPC_TEST_CONNECT_MS");
	c = dipc_client_connect(connect_ms != NULL ? (unsigned int)strtoul(connect_ms, NULL, 10) :
						     TIMEOUT_MS);
	if (c == NULL) {
		ret = rte_errno == ETIMEDOUT ? 5 : 3;
		printf("test-client: connect: %s\n", dipc_client_strerror(rte_errno));
		dipc_eal_cleanup_bounded(5, ret, NULL);
		return ret;
	}
	printf("test-client: connected on slot %u\n", dipc_client_slot(c));
	fflush(stdout);
	/* Connected, then held until the test has set the scene. */
	go = getenv("DIPC_TEST_GO_FILE");
	if (go != NULL) {
		printf("test-client: waiting for %s\n", go);
		fflush(stdout);
		if (wait_file(go) != 0)
			mode = "none"; /* fails below */
	}
	if (strcmp(mode, "calls") == 0 && argc > 2)
		ret = mode_calls(c, strtoul(argv[2], NULL, 10));
	else if (strcmp(mode, "busy") == 0)
		ret = mode_busy(c);
	else if (strcmp(mode, "stallable") == 0)
		ret = (call_timeout_ms = 300, mode_busy(c));
	else if (strcmp(mode, "malformed") == 0)
		ret = mode_malformed(c);
	else if (strcmp(mode, "api") == 0)
		ret = mode_api(c);
	else if (strcmp(mode, "sink") == 0 && argc > 2)
		ret = mode_sink(c, strtoul(argv[2], NULL, 10));
	else if (strcmp(mode, "stall") == 0 && argc > 3)
		ret = mode_stall(c, (unsigned int)strtoul(argv[2], NULL, 10),
				 (unsigned int)strtoul(argv[3], NULL, 10));
	else if (strcmp(mode, "window") == 0 && argc > 3)
		ret = mode_window(c, (unsigned int)strtoul(argv[2], NULL, 10),
				  strtoul(argv[3], NULL, 10));
	else if (strcmp(mode, "hold") == 0 && argc > 2)
		ret = (sleep((unsigned int)strtoul(argv[2], NULL, 10)), 0);
	else
		ret = 2;
	hold = getenv("DIPC_TEST_HOLD_FILE");
	if (ret == 0 && hold != NULL)
		ret = hold_until(hold);
	dipc_client_close(c);
	dipc_eal_cleanup_bounded(5, ret, NULL);
	return ret;
}
