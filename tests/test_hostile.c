/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: a hostile client against a real dipc-server, for what a
 * client can do to the server through the memory and the socket it shares
 * with it (tests/dipc_hostile_client.c does the harm):
 *   - races: messages rewritten (next, nb_segs, pkt_len, data_len,
 *     data_off, header fields) in tight loops while the worker takes them,
 *     one segment and chains, requests and one-way, 100,000 bursts each;
 *   - admission: HELLOs naming another process's pid, malformed and
 *     half-finished handshakes, a client the uid/gid rules do not admit;
 *   - rings: the server's indices in a connection's rings rewritten, then
 *     their geometry, by a client that then dies;
 *   - churn: connections opened and closed as fast as three processes can,
 *     next to a client that scribbles on its own slot's state.
 * Each asserts that the server stays up, that a well-behaved neighbour is
 * served byte for byte throughout, that what was refused was counted, and
 * that every pool is whole when the server stops.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* Generous: a loaded two-CPU machine may take long to start a process. */
#define HOSTILE_WAIT_MS 60000

/* Stop the server with its clients still connected (the neighbour): it
 * must exit 0 and find every mbuf in a pool or lent to a connection still
 * open (harness_expect_stop). *s: its state just before, for counters. */
static void
expect_clean_stop(struct harness *h, struct harness_state *s)
{
	if (s != NULL)
		assert_int_equal(harness_server_state(h, s), 0);
	harness_expect_stop(h);
}

/* A neighbour making echo calls, each checked byte for byte, until the
 * server stops (it then exits 4); any wrong answer makes it exit 1. */
static int
start_neighbour(struct harness *h)
{
	const char *busy[] = { "busy", NULL };
	int n = harness_start_client(h, busy);

	assert_true(n >= 0);
	harness_expect_log(h, n, "test-client: busy", HOSTILE_WAIT_MS);
	return n;
}

/* After the server stopped: the neighbour saw it stop, and nothing else. */
static void
expect_neighbour_unharmed(struct harness *h, int n)
{
	harness_expect_client(h, n, 4, HOSTILE_WAIT_MS);
	assert_false(harness_log_contains(&h->clients[n], "bad echo"));
	assert_true(harness_log_contains(&h->clients[n], "shutting down or has stopped"));
}

static void
race(struct harness *h, const char *shape, const char *path)
{
	const char *args[] = { "race", shape, path, "100000", "11", NULL };
	struct harness_state st;
	char done[128];
	int n, bad;

	assert_int_equal(harness_start_server(h, NULL), 0);
	n = start_neighbour(h);
	bad = harness_start_client_bin(h, "DIPC_HOSTILE_CLIENT", "tests/dipc_hostile_client",
				       args);
	harness_expect_client(h, bad, 0, 300000);
	snprintf(done, sizeof(done), "hostile: race %s %s: 100000 bursts", shape, path);
	assert_true(harness_log_contains(&h->clients[bad], done));
	expect_clean_stop(h, &st);
	expect_neighbour_unharmed(h, n);
	/* It did reach the checks (not only the fast path): requests
	 * answered with an error or pointers dropped. */
	if (st.invalid + st.dropped_not_mbuf + st.dropped_not_lent + st.dropped_bad_chain == 0)
		harness_print_state(&st);
	assert_true(st.invalid + st.dropped_not_mbuf + st.dropped_not_lent +
		    st.dropped_bad_chain != 0);
}

static void
test_race_single_request(void **state)
{
	race(*state, "single", "request");
}

static void
test_race_single_oneway(void **state)
{
	race(*state, "single", "oneway");
}

static void
test_race_chain_request(void **state)
{
	race(*state, "chain", "request");
}

static void
test_race_chain_oneway(void **state)
{
	race(*state, "chain", "oneway");
}

/* HELLOs naming pid 1, the server and the neighbour: each refused and
 * counted; malformed, wrong-type and half-finished handshakes refused and
 * counted; the neighbour served meanwhile. */
static void
test_handshake_attacks(void **state)
{
	struct harness *h = *state;
	char spid[32], npid[32];
	const char *args[] = { "handshake", "1", spid, npid, NULL };
	struct harness_state st;
	int n, bad;

	assert_int_equal(harness_start_server(h, NULL), 0);
	n = start_neighbour(h);
	snprintf(spid, sizeof(spid), "%d", (int)h->server.pid);
	snprintf(npid, sizeof(npid), "%d", (int)h->clients[n].pid);
	bad = harness_start_client_bin(h, "DIPC_HOSTILE_CLIENT", "tests/dipc_hostile_client",
				       args);
	harness_expect_client(h, bad, 0, HOSTILE_WAIT_MS);
	assert_true(harness_log_contains(&h->clients[bad], "hostile: handshake done"));
	expect_clean_stop(h, &st);
	expect_neighbour_unharmed(h, n);
	if (st.refused_pid != 3 || st.refused_uid != 0 || st.refused_proto != 8)
		harness_print_state(&st);
	assert_int_equal(st.refused_pid, 3);
	assert_int_equal(st.refused_uid, 0);
	assert_int_equal(st.refused_proto, 8);
	assert_true(harness_log_contains(&h->server, "refused a client that says it is pid 1: "
						      "the kernel says pid"));
}

/* server.allow_uids and allow_gids: this process's uid (the test's) is
 * refused when only another is allowed, with the reason on both sides,
 * and admitted when its gid is. */
static void
test_uid_gid_rules(void **state)
{
	struct harness *h = *state;
	const char *only_nobody[] = { "--allow-uids", "65534", NULL };
	const char *gid_too[] = { "--allow-uids", "65534", "--allow-gids", "0,65534", NULL };
	const char *calls[] = { "calls", "100", NULL };
	struct harness_state st;
	char who[64];
	int c;

	if (getuid() != 0 || getgid() != 0)
		skip(); /* the rules below name root's uid and gid */
	assert_int_equal(harness_start_server(h, only_nobody), 0);
	c = harness_start_client(h, calls);
	snprintf(who, sizeof(who), "refused pid %d: uid 0 and gid 0 are not allowed",
		 (int)h->clients[c].pid);
	harness_expect_client(h, c, 3, HOSTILE_WAIT_MS);
	assert_true(harness_log_contains(&h->clients[c], "does not admit this process"));
	assert_true(harness_wait_log(&h->server, who, HOSTILE_WAIT_MS));
	harness_expect_idle_stop(h, &st);
	assert_int_equal(st.refused_uid, 1);

	assert_int_equal(harness_start_server(h, gid_too), 0);
	c = harness_start_client(h, calls);
	harness_expect_client(h, c, 0, HOSTILE_WAIT_MS);
	assert_true(harness_log_contains(&h->clients[c], "100 echo calls ok"));
	expect_clean_stop(h, NULL);
}

/* The server's indices in the rings rewritten while it works them, then
 * the rings' size and mask, and the client dies: the server stays up,
 * takes everything back, and the next client on that slot is served. */
static void
test_ring_indices_and_geometry(void **state)
{
	struct harness *h = *state;
	const char *args[] = { "rings", "100000", "3", NULL };
	const char *calls[] = { "calls", "2000", NULL };
	int n, bad, c, i, got, tries;
	char want[64];

	assert_int_equal(harness_start_server(h, NULL), 0);
	n = start_neighbour(h);
	bad = harness_start_client_bin(h, "DIPC_HOSTILE_CLIENT", "tests/dipc_hostile_client",
				       args);
	harness_expect_client(h, bad, 128 + SIGKILL, 300000);
	assert_true(harness_log_contains(&h->clients[bad], "geometry scribbled, dying"));
	/* Once its slot is taken back it is the lowest free one again: a
	 * new client gets it (the first may come before the reclaim). */
	for (i = 1, got = 0; !got && i < 64; i++) {
		snprintf(want, sizeof(want), "connected on slot %d\n", i);
		if (!harness_log_contains(&h->clients[bad], want))
			continue;
		for (tries = 0; tries < 10 && !got; tries++) {
			c = harness_start_client(h, calls);
			harness_expect_client(h, c, 0, HOSTILE_WAIT_MS);
			assert_true(harness_log_contains(&h->clients[c], "2000 echo calls ok"));
			got = harness_log_contains(&h->clients[c], want);
		}
	}
	assert_true(got);
	expect_clean_stop(h, NULL);
	expect_neighbour_unharmed(h, n);
}

/* Three processes connect and close as fast as they can while a fourth
 * scribbles on its own slot's state and grants: every connect succeeds
 * within its timeout, every call on it is answered right. The length is
 * DIPC_CHURN_SECONDS (default 15; docs/DESIGN-NOTES.md has a longer run). */
static void
test_churn_next_to_scribbler(void **state)
{
	struct harness *h = *state;
	const char *env = getenv("DIPC_CHURN_SECONDS");
	char secs[16];
	const char *churn[] = { "churn", secs, "2000", NULL };
	const char *scribble[] = { "scribble-slot", secs, "5", NULL };
	unsigned int wait_ms;
	int c[3], x, i;

	snprintf(secs, sizeof(secs), "%s", env != NULL ? env : "15");
	wait_ms = (unsigned int)strtoul(secs, NULL, 10) * 1000 + HOSTILE_WAIT_MS;
	assert_int_equal(harness_start_server(h, NULL), 0);
	x = harness_start_client_bin(h, "DIPC_HOSTILE_CLIENT", "tests/dipc_hostile_client",
				     scribble);
	for (i = 0; i < 3; i++)
		c[i] = harness_start_client(h, churn);
	for (i = 0; i < 3; i++) {
		harness_expect_client(h, c[i], 0, wait_ms);
		assert_true(harness_log_contains(&h->clients[c[i]], "0 failed, 0 past their "
								    "timeout, 0 bad calls"));
	}
	harness_expect_client(h, x, 0, wait_ms);
	/* Every slot free again and every pool whole, whatever the scribbler
	 * wrote into its slot. */
	harness_expect_idle_stop(h, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_race_single_request),
		HARNESS_TEST(test_race_single_oneway),
		HARNESS_TEST(test_race_chain_request),
		HARNESS_TEST(test_race_chain_oneway),
		HARNESS_TEST(test_handshake_attacks),
		HARNESS_TEST(test_ring_indices_and_geometry),
		HARNESS_TEST(test_uid_gid_rules),
		HARNESS_TEST(test_churn_next_to_scribbler),
	};

	return harness_main("hostile", "ho", tests, sizeof(tests) / sizeof(tests[0]));
}
