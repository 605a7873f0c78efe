/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the client API's allocation and free contract against a
 * real dipc-server on hugepages (tests/dipc_api_client.c):
 * - an allocation never waits: ENOBUFS at once when the connection has no
 *   free mbuf, and at once from the waiting variant too when the window
 *   is in the caller's hands;
 * - dipc_client_msg_alloc_wait() times out (ETIMEDOUT) when the server's
 *   pool is short, and the connection gets mbufs once the pool has them
 *   again;
 * - mbufs freed with rte_pktmbuf_free() instead of dipc_client_msg_free()
 *   are caught, logged and handed back once: the server's pool is exact
 *   after the client closes.
 * Each case starts its own processes on its own file prefix and removes
 * them afterwards. Exits 77 (skip) only when hugepages cannot be had.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

/* Run the API client in @mode to its end; it must exit 0. */
static int
api_client(struct harness *h, const char *const *args)
{
	int c = harness_start_client_bin(h, "DIPC_API_CLIENT", "tests/dipc_api_client", args);
	int st;

	assert_true(c >= 0);
	st = harness_wait(&h->clients[c], 120000);
	if (st != 0)
		harness_dump_log(&h->clients[c]);
	assert_int_equal(st, 0);
	return c;
}

static void
test_alloc_never_waits(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--conn-mbufs", "512", "--kv", "0", NULL };
	const char *args[] = { "nonblock", "300", NULL };
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = api_client(h, args);
	assert_true(harness_log_contains(&h->clients[c], "held 300 of window 300"));
	assert_true(harness_log_contains(&h->clients[c], "nonblock ok"));
	harness_expect_idle_stop(h, NULL); /* its client is gone: every mbuf back */
}

static void
test_alloc_wait_times_out(void **state)
{
	struct harness *h = *state;
	/* A pool smaller than one connection's window, and no server cache
	 * holding any of it: the server runs out before the window does. */
	const char *srv[] = { "--mbufs", "1024", "--mbuf-cache", "0", "--conn-mbufs", "4096",
			      "--kv", "0", NULL };
	const char *args[] = { "timeout", "300", NULL };
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = api_client(h, args);
	assert_true(harness_log_contains(&h->clients[c], "the pool is dry: ETIMEDOUT"));
	assert_true(harness_log_contains(&h->clients[c], "timeout ok"));
	harness_expect_idle_stop(h, NULL); /* its client is gone: every mbuf back */
}

static void
test_lend_after_a_dry_pool(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--mbufs", "1024", "--mbuf-cache", "0", "--conn-mbufs", "4096",
			      "--kv", "0", NULL };
	const char *args[] = { "drywet", "300", NULL };
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = api_client(h, args);
	assert_true(harness_log_contains(&h->clients[c], "the first connection got one"));
	assert_true(harness_log_contains(&h->clients[c], "drywet ok"));
	harness_expect_idle_stop(h, NULL); /* its client is gone: every mbuf back */
}

static void
test_pktmbuf_free_is_caught(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--kv", "0", NULL };
	const char *args[] = { "strayfree", NULL };
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = api_client(h, args);
	assert_true(harness_log_contains(&h->clients[c], "strayfree ok"));
	/* Said once per finding, through the dipc.client logtype. */
	assert_true(harness_log_contains(&h->clients[c], "freed with rte_pktmbuf_free()"));
	assert_true(harness_log_contains(&h->clients[c], "takes each back once (43 so far)"));
	/* Each went back to the pool once: not twice (ring and caches hold
	 * more objects than the pool has), not never. */
	assert_true(harness_log_contains(&h->clients[c],
					 "pool census: 65535 objects in ring and caches for 65535"));
	harness_expect_idle_stop(h, NULL); /* its client is gone: every mbuf back */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_alloc_never_waits),
		HARNESS_TEST(test_alloc_wait_times_out),
		HARNESS_TEST(test_lend_after_a_dry_pool),
		HARNESS_TEST(test_pktmbuf_free_is_caught),
	};

	return harness_main("client-api", "capi", tests, sizeof(tests) / sizeof(tests[0]));
}
