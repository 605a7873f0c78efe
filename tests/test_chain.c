/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: size classes and mbuf chains end to end, with a real
 * dipc-server and real clients (tests/dipc_chain_client.c) on real
 * hugepages: echo at every class boundary and of large chains, bodies
 * checked byte by byte; hostile chains dropped whole and counted; every
 * class's pool exactly full again after a close and after kill -9 of a
 * client holding chains. Exits 77 (skip) only when hugepages cannot be had.
 * DIPC_TEST_FILTER=name runs only the matching cases.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* Three classes: 2 KB (the default class 0), 16 KB and 64 KB. */
static const char *const three_classes[] = {
	"--mbufs", "4096", "--mbuf-cache", "64",
	"--class1-data-room", "16512", "--class1-mbufs", "512",
	"--class2-data-room", "65535", "--class2-mbufs", "256",
	NULL,
};

static int
start_client(struct harness *h, const char *const *args)
{
	return harness_start_client_bin(h, "DIPC_CHAIN_CLIENT", "tests/dipc_chain_client", args);
}

/* Every class's pool is full again (nothing lent, nothing lost): the
 * server takes a closed or dead client's slot back within a few passes. */
static void
expect_pools_full(struct harness *h, unsigned int nb_classes)
{
	struct harness_state s;
	unsigned int k;

	if (!harness_wait_state(h, &s, harness_state_idle, NULL, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
	}
	assert_int_equal(s.open, 0);
	assert_int_equal(s.nb_pools, nb_classes);
	for (k = 0; k < nb_classes; k++)
		assert_int_equal(s.pool_free[k], s.pool_size[k]);
	assert_int_equal(s.pool_size[0], 4096);
	if (nb_classes == 3) {
		assert_int_equal(s.pool_size[1], 512);
		assert_int_equal(s.pool_size[2], 256);
	}
}

/* After expect_pools_full(): stop, every mbuf home at exit too. */
static void
stop_clean(struct harness *h)
{
	harness_expect_stop(h);
}

/* Echo at each class boundary (one byte under, exactly, one over: the
 * next class, or past the largest a chain) and large chains, byte by byte. */
static void
test_echo_classes_and_chains(void **state)
{
	struct harness *h = *state;
	const char *echo[] = { "echo", NULL };
	int c;

	assert_int_equal(harness_start_server(h, (const char *const *)three_classes), 0);
	c = start_client(h, echo);
	harness_expect_client(h, c, 0, 120000);
	assert_true(harness_log_contains(&h->clients[c], "echo ok"));
	assert_true(harness_log_contains(&h->clients[c], "largest class body 65383"));
	assert_true(harness_log_contains(&h->clients[c], "classes 3"));
	expect_pools_full(h, 3);
	stop_clean(h);
}

/* One class only (the default): bodies past 2 KB travel as class-0 chains. */
static void
test_echo_one_class_chains(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--mbufs", "4096", "--mbuf-cache", "64", NULL };
	const char *echo[] = { "echo", NULL };
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = start_client(h, echo);
	harness_expect_client(h, c, 0, 120000);
	assert_true(harness_log_contains(&h->clients[c], "largest class body 2024"));
	assert_true(harness_log_contains(&h->clients[c], "classes 1"));
	expect_pools_full(h, 1);
	stop_clean(h);
}

/* A handler registered with dipc_server_register_ex() answers small
 * requests with responses it builds with dipc_server_rsp_alloc(): of every
 * class and chains up to the largest, checked byte by byte; one byte more
 * is refused. The test build of dipc-server (dipc_chain_server) has it. */
static void
test_server_built_responses(void **state)
{
	struct harness *h = *state;
	const char *grow[] = { "grow", NULL };
	const char *srv = getenv("DIPC_CHAIN_SERVER"), *saved = getenv("DIPC_SERVER");
	char keep[1024];
	int c;

	if (srv == NULL || saved == NULL) { /* a check the analyzer can follow */
		fail_msg("DIPC_CHAIN_SERVER and DIPC_SERVER must be set");
		return;
	}
	snprintf(keep, sizeof(keep), "%s", saved);
	setenv("DIPC_SERVER", srv, 1);
	c = harness_start_server(h, (const char *const *)three_classes);
	setenv("DIPC_SERVER", keep, 1);
	assert_int_equal(c, 0);
	c = start_client(h, grow);
	harness_expect_client(h, c, 0, 120000);
	assert_true(harness_log_contains(&h->clients[c], "grow ok"));
	expect_pools_full(h, 3);
	stop_clean(h);
}

/* Predicate: *arg bad chains dropped. */
static int
bad_chains_are(const struct harness_state *s, const void *arg)
{
	return s->dropped_bad_chain == *(const unsigned long *)arg;
}

/* Bad chains: each dropped whole and counted, the connection serves on,
 * and after the close every pool is exactly full (nothing leaked, nothing
 * freed twice: a double free would overfill a pool). */
static void
test_hostile_chains(void **state)
{
	struct harness *h = *state;
	const char *hostile[] = { "hostile", NULL };
	const unsigned long eight = 8;
	struct harness_state s;
	int c;

	assert_int_equal(harness_start_server(h, (const char *const *)three_classes), 0);
	c = start_client(h, hostile);
	if (!harness_wait_log(&h->clients[c], "hostile ok: 8 bad chains sent", 60000))
		harness_dump_log(&h->clients[c]);
	if (!harness_wait_state(h, &s, bad_chains_are, &eight, HARNESS_STATE_MS))
		harness_print_state(&s);
	assert_int_equal(s.dropped_bad_chain, 8);
	harness_expect_client(h, c, 0, 60000);
	expect_pools_full(h, 3);
	stop_clean(h);
}

/* kill -9 of a client holding chains (received, allocated, of every
 * class): the server takes every segment back, pool by pool. */
static void
test_kill9_holding_chains(void **state)
{
	struct harness *h = *state;
	const char *hold[] = { "hold", "6", NULL };
	struct harness_state s;
	unsigned int round;
	int c;

	assert_int_equal(harness_start_server(h, (const char *const *)three_classes), 0);
	for (round = 0; round < 3; round++) {
		c = start_client(h, hold);
		if (!harness_wait_log(&h->clients[c], "holding 6 chains", 60000)) {
			harness_dump_log(&h->clients[c]);
			harness_dump_log(&h->server);
		}
		assert_true(harness_log_contains(&h->clients[c], "holding 6 chains"));
		assert_int_equal(harness_server_state(h, &s), 0);
		/* Of the largest class, out of the pool: 6 x (2 segments
		 * received, 2 allocated, 1 whole message) at least. */
		if (s.nb_pools != 3 || s.pool_in_use[2] < 6 * 5)
			harness_print_state(&s);
		assert_int_equal(s.nb_pools, 3);
		assert_true(s.pool_in_use[2] >= 6 * 5);
		kill(h->clients[c].pid, SIGKILL);
		harness_expect_client(h, c, 128 + SIGKILL, 60000);
		expect_pools_full(h, 3);
	}
	stop_clean(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_echo_classes_and_chains),
		HARNESS_TEST(test_echo_one_class_chains),
		HARNESS_TEST(test_server_built_responses),
		HARNESS_TEST(test_hostile_chains),
		HARNESS_TEST(test_kill9_holding_chains),
	};

	return harness_main("chain", "chain", tests, sizeof(tests) / sizeof(tests[0]));
}
