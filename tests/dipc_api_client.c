/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client of tests/test_client_api.c: the allocation and free contract of
 * the client API against a real server.
 *
 *   dipc_api_client [EAL args] -- nonblock WINDOW
 *       hold the whole window: a non-blocking allocation and the waiting
 *       one both fail with ENOBUFS at once once it is in our hands
 *   dipc_api_client [EAL args] -- timeout MS
 *       take every mbuf the server's pool has; the waiting allocation then
 *       times out (ETIMEDOUT) after MS
 *   dipc_api_client [EAL args] -- drywet MS
 *       a connection whose ask found the pool short gets mbufs once the
 *       pool has them again
 *   dipc_api_client [EAL args] -- strayfree
 *       free connection mbufs with rte_pktmbuf_free() (the mistake): they
 *       are handed back once, the connection goes on working; after close,
 *       the pool holds each of its mbufs once (the only client of a server
 *       with no other user of the pool)
 *
 * Prints "api-client: ..." lines; exits 0 when every check held, 1 if one
 * failed, 3 if it could not connect.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dipc_client.h"

static int failures;

#define CHECK(cond, ...)                                           \
	do {                                                       \
		if (!(cond)) {                                     \
			printf("api-client: FAILED: " __VA_ARGS__); \
			printf(" (%s)\n", #cond);                  \
			failures++;                                \
		}                                                  \
	} while (0)

static double
ms_since(uint64_t t0)
{
	return (double)(rte_rdtsc() - t0) * 1e3 / (double)rte_get_tsc_hz();
}

/* Hold the whole window in our hands, then ask for one more. */
static void
mode_nonblock(struct dipc_client *c)
{
	uint32_t window = dipc_client_window(c);
	struct rte_mbuf **held = calloc(window + 1, sizeof(struct rte_mbuf *));
	unsigned int n = 0, misses = 0;
	double ms, worst = 0;
	uint64_t t0;

	if (held == NULL)
		exit(1);
	/* Non-blocking first; when the stash is dry, the waiting variant
	 * (the server lends more as we ask, up to the window). */
	while (n <= window) {
		t0 = rte_rdtsc();
		held[n] = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8);
		ms = ms_since(t0);
		if (held[n] != NULL) {
			n++;
			continue;
		}
		CHECK(rte_errno == ENOBUFS, "alloc: %s", rte_strerror(rte_errno));
		misses++;
		worst = ms > worst ? ms : worst;
		held[n] = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, 8, 0, 5000);
		if (held[n] == NULL)
			break;
		n++;
	}
	CHECK(n == window, "held %u, window %u", n, window);
	CHECK(rte_errno == ENOBUFS, "wait past the window: %s", rte_strerror(rte_errno));
	printf("api-client: held %u of window %u; %u non-blocking misses, the slowest %.3f ms\n",
	       n, window, misses, worst);

	/* The window is in our hands: both fail at once. */
	t0 = rte_rdtsc();
	CHECK(dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8) == NULL && rte_errno == ENOBUFS,
	      "alloc past the window");
	ms = ms_since(t0);
	CHECK(ms < 50, "alloc took %.3f ms", ms);
	printf("api-client: alloc past the window: ENOBUFS in %.3f ms\n", ms);
	t0 = rte_rdtsc();
	CHECK(dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, 8, 0, 2000) == NULL &&
	      rte_errno == ENOBUFS, "alloc_wait past the window");
	ms = ms_since(t0);
	CHECK(ms < 50, "alloc_wait took %.3f ms", ms);
	printf("api-client: alloc_wait past the window: ENOBUFS in %.3f ms\n", ms);
	CHECK(dipc_client_msg_alloc_bulk(c, held + n, 1, DIPC_METHOD_ECHO, 8, 0) == -ENOBUFS,
	      "alloc_bulk past the window");

	/* Given back, they serve again. */
	dipc_client_msg_free_bulk(c, held, n);
	held[0] = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8);
	CHECK(held[0] != NULL, "alloc after the free");
	if (held[0] != NULL)
		dipc_client_msg_free(c, held[0]);
	free(held);
}

/* Take every mbuf the pool has; then wait for one more in vain. */
static void
mode_timeout(struct dipc_client *c, unsigned int timeout_ms)
{
	struct rte_mbuf **held = calloc(65536, sizeof(struct rte_mbuf *));
	unsigned int n = 0;
	uint64_t t0;
	double ms = 0;

	if (held == NULL)
		exit(1);
	while (n < 65536) {
		t0 = rte_rdtsc();
		held[n] = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, 8, 0, timeout_ms);
		ms = ms_since(t0);
		if (held[n] == NULL)
			break;
		n++;
	}
	CHECK(n < dipc_client_window(c), "held %u, the whole window %u", n, dipc_client_window(c));
	CHECK(rte_errno == ETIMEDOUT, "the last wait: %s", rte_strerror(rte_errno));
	CHECK(ms >= timeout_ms && ms < timeout_ms + 3000.0, "waited %.1f ms for %u", ms,
	      timeout_ms);
	printf("api-client: holding %u (window %u), the pool is dry: %s after %.1f ms\n", n,
	       dipc_client_window(c), rte_errno == ETIMEDOUT ? "ETIMEDOUT" : "other", ms);
	/* The non-blocking allocation does not wait for it. */
	t0 = rte_rdtsc();
	CHECK(dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8) == NULL && rte_errno == ENOBUFS,
	      "alloc with the pool dry");
	ms = ms_since(t0);
	CHECK(ms < 50, "alloc took %.3f ms", ms);
	dipc_client_msg_free_bulk(c, held, n);
	free(held);
}

/*
 * A connection whose ask the server could not answer (its pool short) got
 * nothing, and the server says nothing; once the pool has mbufs again the
 * connection's next wait must be answered: the client asks again, as the
 * server lends only when asked.
 */
static void
mode_dry_then_wet(struct dipc_client **cp, unsigned int timeout_ms)
{
	struct dipc_client *c = *cp, *c2;
	struct rte_mbuf **held = calloc(65536, sizeof(struct rte_mbuf *)), *m;
	unsigned int n = 0, n2 = 0;

	if (held == NULL)
		exit(1);
	/* A second connection holds a share of the pool for a while. */
	c2 = dipc_client_connect(5000);
	CHECK(c2 != NULL, "second connection: %s", dipc_client_strerror(rte_errno));
	if (c2 == NULL)
		exit(1);
	while (n2 < 400 && (held[n2] = dipc_client_msg_alloc_wait(c2, DIPC_METHOD_ECHO, 8, 0,
								     5000)) != NULL)
		n2++;
	CHECK(n2 == 400, "the second connection holds %u", n2);
	/* The first takes what the server still lends it, until it waits in
	 * vain: its last ask got nothing. */
	n = n2;
	while (n < 65536 && (held[n] = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, 8, 0,
								     timeout_ms)) != NULL)
		n++;
	CHECK(rte_errno == ETIMEDOUT, "dry: %s", rte_strerror(rte_errno));
	/* The second closes: the server takes its 400 back into the pool. */
	dipc_client_close(c2);
	m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, 8, 0, 5000);
	CHECK(m != NULL, "alloc once the pool has mbufs again: %s", rte_strerror(rte_errno));
	printf("api-client: held %u and %u, the pool short; the first connection %s once they "
	       "came back\n", n - n2, n2, m != NULL ? "got one" : "got none");
	if (m != NULL)
		dipc_client_msg_free(c, m);
	dipc_client_msg_free_bulk(c, held + n2, n - n2);
	free(held);
	*cp = c;
}

/* One echo call; the response is returned (the caller frees it). */
static struct rte_mbuf *
echo(struct dipc_client *c, uint32_t seed)
{
	struct rte_mbuf *m = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, sizeof(seed)), *rsp;
	int ret;

	if (m == NULL)
		m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, sizeof(seed), 0, 5000);
	CHECK(m != NULL, "alloc: %s", rte_strerror(rte_errno));
	if (m == NULL)
		return NULL;
	memcpy(dipc_msg_body(m), &seed, sizeof(seed));
	ret = dipc_client_call(c, m, &rsp, 5000);
	CHECK(ret == 0, "call: %s", dipc_client_strerror(ret));
	if (ret != 0)
		return NULL;
	CHECK(memcmp(dipc_msg_body(rsp), &seed, sizeof(seed)) == 0, "echo %u", seed);
	return rsp;
}

/* The mistake dipc_client_msg_free() warns of, and the connection after it. */
static void
mode_strayfree(struct dipc_client *c)
{
	struct rte_mbuf *m, *many[40];
	unsigned int i;

	/* A request never sent, freed into the pool. */
	m = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8);
	CHECK(m != NULL, "alloc");
	rte_pktmbuf_free(m);
	/* A response, freed into the pool. */
	m = echo(c, 1);
	rte_pktmbuf_free(m);
	/* Found at the next check, handed back. */
	CHECK(dipc_client_check(c) == 0, "check");
	printf("api-client: 2 freed with rte_pktmbuf_free()\n");
	/* Many at once (under the cache's flush threshold). */
	for (i = 0; i < RTE_DIM(many); i++)
		many[i] = echo(c, 100 + i);
	rte_pktmbuf_free_bulk(many, RTE_DIM(many));
	printf("api-client: %zu freed with rte_pktmbuf_free_bulk()\n", RTE_DIM(many));
	/* The connection goes on; the next refills find them. */
	for (i = 0; i < 2000; i++) {
		m = echo(c, 1000 + i);
		if (m == NULL)
			break;
		dipc_client_msg_free(c, m);
	}
	CHECK(i == 2000, "calls after the strays: %u", i);
	/* One more right before close: close finds it. */
	m = echo(c, 7);
	rte_pktmbuf_free(m);
	printf("api-client: one more freed with rte_pktmbuf_free() before close\n");
}

/*
 * Every mbuf of the pool once: after the server took our slot back, the
 * objects in its ring and in every lcore cache add up to its size. An
 * mbuf handed back twice (in a cache by rte_pktmbuf_free() and in the
 * ring by the server's reclaim) makes more; rte_mempool_avail_count()
 * would hide it (it stops at the size).
 */
static void
pool_census(void)
{
	struct rte_mempool *mp = rte_mempool_lookup("dipc_pool_0");
	unsigned int count = 0, lcore, tries;

	CHECK(mp != NULL, "no dipc_pool_0");
	if (mp == NULL)
		return;
	/* The server's pools use the default ring ops: pool_data is the ring. */
	CHECK(strncmp(rte_mempool_get_ops(mp->ops_index)->name, "ring_", 5) == 0,
	      "pool ops %s", rte_mempool_get_ops(mp->ops_index)->name);
	/* The server reclaims within a control period or two. */
	for (tries = 0; tries < 200; tries++) {
		count = rte_ring_count((const struct rte_ring *)mp->pool_data);
		for (lcore = 0; mp->cache_size != 0 && lcore < RTE_MAX_LCORE; lcore++)
			count += mp->local_cache[lcore].len;
		if (count == mp->size)
			break;
		rte_delay_us_sleep(10000);
	}
	CHECK(count == mp->size, "pool census: %u objects for %u mbufs", count, mp->size);
	printf("api-client: pool census: %u objects in ring and caches for %u mbufs\n", count,
	       mp->size);
}

int
main(int argc, char **argv)
{
	struct dipc_client_opts opts = { .timeout_ms = 5000 };
	struct dipc_client *c;
	const char *mode;
	int ret;

	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		printf("api-client: eal: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2) {
		fprintf(stderr, "usage: dipc_api_client [EAL args] -- MODE [ARG]\n");
		return 2;
	}
	mode = argv[1];
	if (strcmp(mode, "nonblock") == 0 && argc > 2)
		opts.window = (uint32_t)strtoul(argv[2], NULL, 0);
	c = dipc_client_connect_opts(&opts);
	if (c == NULL) {
		printf("api-client: connect: %s\n", dipc_client_strerror(rte_errno));
		return 3;
	}
	if (strcmp(mode, "nonblock") == 0)
		mode_nonblock(c);
	else if (strcmp(mode, "timeout") == 0 && argc > 2)
		mode_timeout(c, (unsigned int)strtoul(argv[2], NULL, 0));
	else if (strcmp(mode, "drywet") == 0 && argc > 2)
		mode_dry_then_wet(&c, (unsigned int)strtoul(argv[2], NULL, 0));
	else if (strcmp(mode, "strayfree") == 0)
		mode_strayfree(c);
	else
		CHECK(0, "unknown mode %s", mode);
	dipc_client_close(c);
	if (strcmp(mode, "strayfree") == 0)
		pool_census();
	printf("api-client: %s %s\n", mode, failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
