/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the eth transport end to end over net_memif: a real
 * dipc-server with a net_memif port (role server) on real hugepages, and
 * a remote client (tests/dipc_eth_client.c) that is its own DPDK primary
 * with the other end of the memif link, sharing no memory with the server
 * but the memif rings. The client finds the server by ARP and is admitted
 * over the wire with the token.
 *
 * Shows: echo calls byte for byte with bodies up to 20,000 bytes (several
 * frames, chains on both sides) and with the largest message (64 frames),
 * one-way messages, then a clean close,
 * the server idle with every pool whole; a client with the wrong token
 * refused (EACCES, counted) and nothing opened; a client killed with -9
 * found silent within four heartbeat periods and its connection closed as
 * dead, a new client then served; a server stopped while a client holds
 * its connection tells it (CLOSE), and the client says so.
 *
 * Each case starts its own processes (the server on its own file prefix,
 * the client in memory with --no-huge), kills only them, and removes their
 * files, also when it fails. Exits 77 (skip) only when hugepages cannot be
 * had.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define SERVER_IP "10.77.0.1"
#define CLIENT_IP "10.77.0.2"

/* The memif socket of this case (abstract namespace: no file left). */
static void
memif_vdev(const struct harness *h, const char *role, char *buf, size_t len)
{
	snprintf(buf, len, "--vdev=net_memif0,role=%s,socket=/dipc-%s.sock", role, h->prefix);
}

/* Start dipc-server with the port @vdev (an EAL --vdev argument; NULL: a
 * memif server) and @extra application arguments (NULL-terminated). */
static void
start_eth_server_on(struct harness *h, const char *token, const char *vdev_arg,
		    const char *port, const char *const *extra)
{
	char vdev[256];
	const char *eal[] = { vdev, NULL };
	const char *app[32];
	int n = 0;

	if (vdev_arg == NULL)
		memif_vdev(h, "server", vdev, sizeof(vdev));
	else
		snprintf(vdev, sizeof(vdev), "%s", vdev_arg);
	app[n++] = "--idle";
	app[n++] = "backoff";
	app[n++] = "--token-file";
	app[n++] = token;
	app[n++] = "--eth-port";
	app[n++] = port;
	app[n++] = "--eth-ip";
	app[n++] = SERVER_IP;
	while (extra != NULL && *extra != NULL && n < 30)
		app[n++] = *extra++;
	app[n] = NULL;
	assert_int_equal(harness_spawn_server(h, &h->server, h->prefix, eal, app), 0);
	if (!harness_wait_log(&h->server, "dipc-server: ready", HARNESS_START_MS)) {
		harness_dump_log(&h->server);
		fail_msg("dipc-server with an eth port did not get ready");
	}
}

static void
start_eth_server(struct harness *h, const char *token, const char *const *extra)
{
	start_eth_server_on(h, token, NULL, "net_memif0", extra);
}

/* Start the remote client on the port @vdev (NULL: a memif client), in
 * network namespace @netns (NULL: this one), with @args (NULL-terminated)
 * after the common ones. Returns its index in h->clients. */
static int
start_eth_client_on(struct harness *h, const char *token, const char *vdev_arg,
		    const char *port, const char *netns, const char *const *args)
{
	const char *bin = getenv("DIPC_ETH_CLIENT");
	char vdev[256], prefix[96], log[512];
	char *argv[64];
	unsigned int i = h->nb_clients;
	int n = 0;

	assert_true(i < sizeof(h->clients) / sizeof(h->clients[0]));
	if (vdev_arg == NULL)
		memif_vdev(h, "client", vdev, sizeof(vdev));
	else
		snprintf(vdev, sizeof(vdev), "%s", vdev_arg);
	/* Its own primary, in ordinary memory: nothing shared with the server
	 * but the link. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s_remote", h->prefix);
	if (netns != NULL) {
		argv[n++] = (char *)"/bin/ip";
		argv[n++] = (char *)"netns";
		argv[n++] = (char *)"exec";
		argv[n++] = (char *)netns;
	}
	argv[n++] = (char *)(bin != NULL ? bin : "tests/dipc_eth_client");
	argv[n++] = (char *)"--no-shconf";
	argv[n++] = (char *)"--no-huge";
	argv[n++] = (char *)"-m";
	argv[n++] = (char *)"512";
	argv[n++] = (char *)"--no-pci";
	argv[n++] = (char *)"--no-telemetry";
	argv[n++] = (char *)"-l";
	argv[n++] = (char *)"0";
	argv[n++] = prefix;
	argv[n++] = vdev;
	argv[n++] = (char *)"--log-level=lib.eal:error";
	argv[n++] = (char *)"--";
	argv[n++] = (char *)"--port";
	argv[n++] = (char *)port;
	argv[n++] = (char *)"--ip";
	argv[n++] = (char *)CLIENT_IP;
	argv[n++] = (char *)"--server-ip";
	argv[n++] = (char *)SERVER_IP;
	argv[n++] = (char *)"--token";
	argv[n++] = (char *)token;
	while (args != NULL && *args != NULL && n < 62)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/eth-client-%u.log", h->dir, h->nb_spawned);
	/* CPU 0, with the control lcore; the worker has CPU 1. */
	assert_int_equal(harness_spawn(&h->clients[i], log, 0, argv), 0);
	h->nb_spawned++;
	h->nb_clients++;
	return (int)i;
}

static int
start_eth_client(struct harness *h, const char *token, const char *const *args)
{
	return start_eth_client_on(h, token, NULL, "net_memif0", NULL, args);
}

static int
closed_at_least(const struct harness_state *s, const void *arg)
{
	return s->closed >= *(const unsigned long *)arg && s->open == 0;
}

/* Wait (a generous bound) until telemetry's /dipc/eth @key equals @want_key's
 * value (or @want when @want_key is NULL). 1 if so. */
static int
wait_eth(struct harness *h, const char *key, const char *want_key, long want)
{
	unsigned int i, rounds = HARNESS_STATE_MS / 20 * harness_wait_scale();
	long v = -1;

	for (i = 0; i < rounds; i++) {
		if (want_key != NULL)
			want = harness_telemetry_num(h, "/dipc/eth", want_key);
		v = harness_telemetry_num(h, "/dipc/eth", key);
		if (v == want)
			return 1;
		usleep(20000);
	}
	fprintf(stderr, "/dipc/eth %s is %ld, not %ld\n", key, v, want);
	return 0;
}

static void
test_echo_and_oneway(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--calls", "300", "--max-body", "20000", "--oneway", "100",
			       NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, NULL);
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: admitted slot"));
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 300 calls ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 100 one-way sent"));
	assert_true(harness_log_contains(&h->clients[c], "eth-client: closed\n"));
	if (!harness_wait_state(h, &s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close the eth connection");
	}
	assert_int_equal(s.admitted, 1);
	assert_int_equal(s.dead, 0);
	/* The port's own pool whole, as telemetry says. */
	assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "pool_free"),
			 harness_telemetry_num(h, "/dipc/eth", "pool_size"));
	/* 300 calls, 100 one-way: every request taken, 300 answers. */
	assert_int_equal(s.rx, 400);
	assert_int_equal(s.tx, 300);
	assert_int_equal(s.invalid, 0);
	harness_expect_idle_stop(h, NULL);
	/* Every mbuf of the port's own pool back. */
	assert_true(harness_log_contains(&h->server, "dipc-server: eth pool dipc_eth_rx: 16383 of "
						     "16383 mbufs free"));
}

/* Malformed frames among good ones: each counted under its reason and
 * dropped, the server up, the calls after them all answered. */
static void
test_malformed_frames(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--garbage", "--calls", "100", "--max-body", "5000", NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, NULL);
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: garbage sent 14"));
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 100 calls ok"));
	if (!harness_wait_state(h, &s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		fail_msg("the server did not close the eth connection");
	}
	assert_int_equal(s.rx, 100);
	/* Telemetry (what dipc-info shows too): each reason once. */
	{
		static const char *const once[] = {
			"drop_truncated", "drop_dst_mac", "drop_ip_version", "drop_ip_csum",
			"drop_udp_port", "drop_magic", "drop_version", "drop_type", "drop_flags",
			"drop_msg_too_big", "drop_frag_range",
		};
		unsigned int k;

		for (k = 0; k < sizeof(once) / sizeof(once[0]); k++)
			if (harness_telemetry_num(h, "/dipc/eth", once[k]) != 1)
				fail_msg("/dipc/eth %s is %ld, not 1", once[k],
					 harness_telemetry_num(h, "/dipc/eth", once[k]));
		assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "drop_unknown_conn"), 3);
		assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "drop_over_window"), 0);
		assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "admitted"), 1);
	}
	harness_expect_idle_stop(h, NULL);
	/* The report at exit: each reason once, three frames of nobody's
	 * connection, and the port's pool whole. */
	if (!harness_log_contains(&h->server, "dipc-server: eth frames dropped: truncated 1 "
			"dst_mac 1 ip_version 1 ip_csum 1 udp_port 1 magic 1 version 1 type 1 "
			"flags 1 msg_too_big 1 frag_range 1 unknown_conn 3 ")) {
		harness_dump_log(&h->server);
		fail_msg("the server's report does not count each malformed frame once");
	}
	assert_true(harness_log_contains(&h->server, "dipc-server: eth pool dipc_eth_rx: 16383 of "
						     "16383 mbufs free"));
}

/* The largest message over eth at MTU 1500 (64 frames: 91,776 bytes with
 * its header), a chain of 45 mbufs on the client's side, both ways. */
static void
test_largest_message(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--calls", "20", "--min-body", "91752", "--max-body", "91752",
			       NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, NULL);
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 20 calls ok"));
	if (!harness_wait_state(h, &s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		fail_msg("the server did not close the eth connection");
	}
	assert_int_equal(s.rx, 20);
	assert_int_equal(s.tx, 20);
	/* 64 frames each way per call. */
	assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "msgs_reassembled"), 20);
	assert_true(harness_telemetry_num(h, "/dipc/eth", "frames_in") >= 20L * 64);
	harness_expect_idle_stop(h, NULL);
}

static void
test_wrong_token_refused(void **state)
{
	struct harness *h = *state;
	char token[512], wrong[512];
	struct harness_state s;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	harness_write_token(h, "wrong", "eth transport test secreT", 0600, wrong, sizeof(wrong));
	start_eth_server(h, token, NULL);
	c = start_eth_client(h, wrong, NULL);
	harness_expect_client(h, c, 4, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: refused: 13 wrong token"));
	assert_int_equal(harness_server_state(h, &s), 0);
	assert_int_equal(s.admitted, 0);
	assert_int_equal(s.refused_token, 1);
	assert_int_equal(s.open, 0);
	harness_expect_idle_stop(h, NULL);
}

static int
dead_at_least(const struct harness_state *s, const void *arg)
{
	return s->dead >= *(const unsigned long *)arg && s->open == 0;
}

static void
test_killed_peer_reclaimed(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *srv[] = { "--heartbeat-ms", "500", NULL };
	const char *hold[] = { "--calls", "50", "--hold", NULL };
	const char *again[] = { "--calls", "50", "--src-port", "40001", NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, srv);
	c = start_eth_client(h, token, hold);
	harness_expect_log(h, c, "eth-client: holding", 180000);
	/* Telemetry shows the connection as an eth one, the port as memif. */
	{
		char via[32], drv[32];

		assert_int_equal(harness_telemetry_str(h, "/dipc/connections,0", "transport", via,
						       sizeof(via)), 0);
		assert_string_equal(via, "eth");
		assert_int_equal(harness_telemetry_str(h, "/dipc/eth", "driver", drv,
						       sizeof(drv)), 0);
		assert_string_equal(drv, "net_memif");
		assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "active"), 1);
		assert_true(harness_telemetry_num(h, "/dipc/eth", "frames_in") > 50);
	}
	kill(h->clients[c].pid, SIGKILL);
	harness_wait(&h->clients[c], 60000);
	/* Silent for four periods (2 s): closed as dead, nothing left open. */
	if (!harness_wait_state(h, &s, dead_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close the silent peer's connection");
	}
	assert_true(harness_log_contains(&h->server, "no frame from its peer"));
	/* What its connection kept was freed with it. */
	if (!wait_eth(h, "kept", NULL, 0) || !wait_eth(h, "pool_free", "pool_size", 0)) {
		harness_dump_log(&h->server);
		fail_msg("the silent peer's connection left mbufs kept or out of the pool");
	}
	/* A new peer is served. */
	c = start_eth_client(h, token, again);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 50 calls ok"));
	harness_expect_idle_stop(h, NULL);
}

static void
test_server_stop_closes_peer(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *hold[] = { "--calls", "20", "--hold", NULL };
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, NULL);
	c = start_eth_client(h, token, hold);
	harness_expect_log(h, c, "eth-client: holding", 180000);
	harness_expect_stop(h);
	harness_expect_client(h, c, 5, 60000);
	assert_true(harness_log_contains(&h->clients[c], "server closed the connection"));
	/* The connection closed by the stop gave back what it kept. */
	if (!harness_log_contains(&h->server, "dipc-server: eth pool dipc_eth_rx: 16383 of 16383 "
					      "mbufs free (0 kept for answers)")) {
		harness_dump_log(&h->server);
		fail_msg("the stopped server's pool is not whole");
	}
}

/* A number after @label in the client's log ("... calls ok 300, ..."). */
static long
client_num(const struct harness_proc *p, const char *label)
{
	char line[512];
	long v = -1;
	FILE *f = fopen(p->log, "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *at = strstr(line, label);

		if (at != NULL && strncmp(line, "eth-client: calls ok", 20) == 0)
			v = strtol(at + strlen(label), NULL, 10);
	}
	fclose(f);
	return v;
}

static long
eth_num(struct harness *h, const char *key)
{
	return harness_telemetry_num(h, "/dipc/eth", key);
}

/* After a case's client closed: the connection closed, nothing kept,
 * the pool whole (frames held back by injected faults come out within
 * milliseconds). */
static void
expect_closed_and_whole(struct harness *h, struct harness_state *s)
{
	unsigned long one = 1;

	if (!harness_wait_state(h, s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close the eth connection");
	}
	assert_int_equal(s->dead, 0);
	/* Published every millisecond or so: waited for. */
	if (!wait_eth(h, "kept", NULL, 0)) {
		harness_dump_log(&h->server);
		fail_msg("answers still kept after the connection closed");
	}
	if (!wait_eth(h, "pool_free", "pool_size", 0)) {
		harness_dump_log(&h->server);
		fail_msg("the port's pool is not whole after the connection closed");
	}
}

/*
 * Every request sent twice (the test client's --dup), four calls in
 * flight: each call answered once (a copy of an answer is counted by the
 * client), the handlers ran once per stream id (the server's request
 * count: what its core was handed), and each second copy counted once by
 * the server: dropped while its first ran, or answered again from the
 * answer kept, or dropped as one-way.
 */
static void
test_duplicates_run_once(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--calls", "300", "--max-body", "3000", "--oneway", "50", "--dup",
			       "--window", "4", NULL };
	struct harness_state s;
	long inflight, resent, oneway;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, NULL);
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 300 calls ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 50 one-way sent"));
	expect_closed_and_whole(h, &s);
	/* Once per stream id: 300 calls, 50 one-way, 300 answers. */
	assert_int_equal(s.rx, 350);
	assert_int_equal(s.tx, 300);
	assert_int_equal(s.invalid, 0);
	inflight = eth_num(h, "drop_dup_inflight");
	resent = eth_num(h, "drop_resent");
	oneway = eth_num(h, "drop_dup_oneway");
	print_message("copies: %ld while running, %ld answered again, %ld one-way\n", inflight,
		      resent, oneway);
	assert_int_equal(inflight + resent + oneway, 350);
	assert_int_equal(eth_num(h, "drop_dup_stale"), 0);
	assert_int_equal(eth_num(h, "drop_over_window"), 0);
	/* Each answer sent again reached the client as a second answer (but
	 * the last few, which may come after it finished its calls). */
	assert_true(client_num(&h->clients[c], "duplicate answers ") <= resent);
	assert_true(client_num(&h->clients[c], "duplicate answers ") >= resent - 4);
	assert_int_equal(client_num(&h->clients[c], "retransmitted "), 0);
	harness_expect_idle_stop(h, NULL);
	assert_true(harness_log_contains(&h->server, "dipc-server: eth pool dipc_eth_rx: 16383 of "
						     "16383 mbufs free (0 kept for answers)"));
}

/* The server with DIPC_ETH_FAULTS=@faults in its environment. */
static void
start_faulty_server(struct harness *h, const char *token, const char *faults)
{
	assert_int_equal(setenv("DIPC_ETH_FAULTS", faults, 1), 0);
	start_eth_server(h, token, NULL);
	unsetenv("DIPC_ETH_FAULTS");
	if (!harness_log_contains(&h->server, "injecting faults")) {
		harness_dump_log(&h->server);
		fail_msg("the server does not say that it injects faults");
	}
}

/*
 * A lossy link: the server drops @faults' share of the frames it
 * receives and sends; the client sends a call again after 20 ms without
 * an answer (and its HELLO and PROOF). Every call completes, the handlers
 * ran once per call however often a request came, lost answers were sent
 * again from those kept, the pool is whole once the connection closed.
 */
static void
lossy(void **state, const char *faults, int expect_resent)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--calls", "300", "--max-body", "3000", "--window", "4",
			       "--retry-ms", "20", NULL };
	struct harness_state s;
	long retrans, again;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_faulty_server(h, token, faults);
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: calls ok 300, timed out 0"));
	expect_closed_and_whole(h, &s);
	/* What the server's core was handed: once per call. */
	assert_int_equal(s.rx, 300);
	assert_int_equal(s.tx, 300);
	retrans = client_num(&h->clients[c], "retransmitted ");
	again = eth_num(h, "drop_resent");
	print_message("%s: the client sent %ld calls again; the server dropped %ld copies while "
		      "running, sent %ld answers again\n", faults, retrans,
		      eth_num(h, "drop_dup_inflight"), again);
	if (expect_resent) {
		assert_true(retrans > 0);
		assert_true(again > 0);
	}
	/* A copy of a call is never over the window the client keeps. */
	assert_int_equal(eth_num(h, "drop_over_window"), 0);
	harness_expect_idle_stop(h, NULL);
	if (!harness_log_contains(&h->server, "dipc-server: eth faults injected: rx ")) {
		harness_dump_log(&h->server);
		fail_msg("no fault line in the server's report");
	}
	assert_true(harness_log_contains(&h->server, "dipc-server: eth pool dipc_eth_rx: 16383 of "
						     "16383 mbufs free (0 kept for answers)"));
}

static void
test_loss_1pct(void **state)
{
	lossy(state, "loss=1%,seed=11,dir=both", 0);
}

static void
test_loss_10pct(void **state)
{
	lossy(state, "loss=10%,seed=12,dir=both", 1);
}

/* Frames copied and reordered both ways, eight calls in flight: every
 * call answered, the handlers once per call, copies counted. */
static void
test_reorder_and_dup(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--calls", "300", "--max-body", "3000", "--window", "8",
			       "--retry-ms", "50", NULL };
	struct harness_state s;
	long dups;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_faulty_server(h, token, "dup=5%,reorder=5%,seed=13,dir=both");
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: calls ok 300, timed out 0"));
	expect_closed_and_whole(h, &s);
	assert_int_equal(s.rx, 300);
	assert_int_equal(s.tx, 300);
	dups = eth_num(h, "drop_dup_inflight") + eth_num(h, "drop_resent") +
	       eth_num(h, "drop_dup_oneway") + eth_num(h, "drop_dup_stale");
	print_message("copies dropped by the server: %ld (%ld of fragments)\n", dups,
		      eth_num(h, "drop_dup"));
	/* Copies of requests reached the server and ran no handler. */
	assert_true(dups + eth_num(h, "drop_dup") > 0);
	harness_expect_idle_stop(h, NULL);
}

/*
 * Answers kept past the worker's share: a pool of 1024 mbufs (512 for
 * answers) and 32 calls of 40,000 bytes out (28 mbufs each way apiece).
 * New requests are refused (kept_full) while the answers kept fill the
 * share, the request at the floor never is (the answers above it are
 * freed only once it is answered): every call completes, the handlers
 * once per call, and the pool is whole after.
 */
static void
test_kept_share_refuses(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *srv[] = { "--eth-mbufs", "1024", NULL };
	const char *args[] = { "--calls", "100", "--min-body", "40000", "--max-body", "40000",
			       "--window", "32", "--retry-ms", "50", NULL };
	struct harness_state s;
	int c;

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	start_eth_server(h, token, srv);
	c = start_eth_client(h, token, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: calls ok 100, timed out 0"));
	expect_closed_and_whole(h, &s);
	assert_int_equal(s.rx, 100);
	assert_int_equal(s.tx, 100);
	print_message("new requests refused while the share was kept: %ld\n",
		      eth_num(h, "drop_kept_full"));
	assert_true(eth_num(h, "drop_kept_full") > 0);
	harness_expect_idle_stop(h, NULL);
}

/* A bad DIPC_ETH_FAULTS: the server does not start, and says why. */
static void
test_bad_fault_spec(void **state)
{
	struct harness *h = *state;
	char token[512], vdev[256];
	const char *eal[] = { vdev, NULL };
	const char *app[] = { "--token-file", token, "--eth-port", "net_memif0", "--eth-ip",
			      SERVER_IP, NULL };

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	memif_vdev(h, "server", vdev, sizeof(vdev));
	assert_int_equal(setenv("DIPC_ETH_FAULTS", "loss=1", 1), 0);
	assert_int_equal(harness_spawn_server(h, &h->server, h->prefix, eal, app), 0);
	unsetenv("DIPC_ETH_FAULTS");
	assert_true(harness_wait(&h->server, HARNESS_START_MS) > 0);
	if (!harness_log_contains(&h->server, "DIPC_ETH_FAULTS=loss=1: fault spec: bad value")) {
		harness_dump_log(&h->server);
		fail_msg("the server did not refuse a bad fault spec with its reason");
	}
}

/* Run /bin/ip with these arguments (NULL-terminated, after "ip"), its
 * output thrown away, no shell; 0 if it exited 0. */
static int
ip(const char *a0, ...)
{
	const char *argv[16];
	va_list ap;
	pid_t pid;
	int n = 0, st, fd;

	argv[n++] = "ip";
	argv[n++] = a0;
	va_start(ap, a0);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv("/bin/ip", (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The namespaces of a case: PREFIX_s (the server's) and PREFIX_c. */
static void
ns_names(const struct harness *h, char *ns_s, char *ns_c, size_t len)
{
	snprintf(ns_s, len, "%s_s", h->prefix);
	snprintf(ns_c, len, "%s_c", h->prefix);
}

/* After the harness's own clean-up (its processes are gone): the
 * namespaces, and with them the veth pair. */
static int
netns_teardown(void **state)
{
	struct harness *h = *state;
	char ns_s[80], ns_c[80];

	harness_teardown(state);
	ns_names(h, ns_s, ns_c, sizeof(ns_s));
	ip("netns", "del", ns_s, NULL);
	ip("netns", "del", ns_c, NULL);
	return 0;
}

/* Namespaces of test runs that died (their pid is gone): removed. ip
 * keeps one file per named namespace in /var/run/netns. */
static void
netns_cleanup_stale(void)
{
	DIR *d = opendir("/var/run/netns");
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		long pid;

		if (strncmp(e->d_name, "dipct_eth_", 10) != 0)
			continue;
		pid = strtol(e->d_name + 10, NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) != 0)
			ip("netns", "del", e->d_name, NULL);
	}
	if (d != NULL)
		closedir(d);
}

/*
 * Two network namespaces joined by a veth pair, the server in one and
 * the client in the other, each on its end through net_af_packet: the
 * frames cross the kernel (the veth pair), not shared memory. Echo calls
 * byte for byte up to 20,000-byte bodies, one-way, a clean close.
 */
static void
test_af_packet_between_namespaces(void **state)
{
	struct harness *h = *state;
	char token[512], ns_s[80], ns_c[80], if_s[16], if_c[16], vdev_s[128], vdev_c[128];
	const char *args[] = { "--calls", "200", "--max-body", "20000", "--oneway", "50", NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	ns_names(h, ns_s, ns_c, sizeof(ns_s));
	/* Interface names of at most 15 characters, unique while they are
	 * in this namespace (then each moves into its own). */
	snprintf(if_s, sizeof(if_s), "dv%ds", (int)(getpid() % 1000000));
	snprintf(if_c, sizeof(if_c), "dv%dc", (int)(getpid() % 1000000));
	if (ip("netns", "add", ns_s, NULL) != 0 || ip("netns", "add", ns_c, NULL) != 0) {
		print_message("SKIP: no network namespaces here (ip netns add failed)\n");
		skip();
	}
	assert_int_equal(ip("link", "add", if_s, "type", "veth", "peer", "name", if_c, NULL), 0);
	assert_int_equal(ip("link", "set", if_s, "netns", ns_s, NULL), 0);
	assert_int_equal(ip("link", "set", if_c, "netns", ns_c, NULL), 0);
	/* No IPv6 chatter (router solicitations) on the link: dipc frames only. */
	ip("netns", "exec", ns_s, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", NULL);
	ip("netns", "exec", ns_c, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", NULL);
	assert_int_equal(ip("-n", ns_s, "link", "set", if_s, "up", NULL), 0);
	assert_int_equal(ip("-n", ns_c, "link", "set", if_c, "up", NULL), 0);

	harness_write_token(h, "token", "eth transport test secret", 0600, token, sizeof(token));
	snprintf(vdev_s, sizeof(vdev_s), "--vdev=net_af_packet0,iface=%s", if_s);
	snprintf(vdev_c, sizeof(vdev_c), "--vdev=net_af_packet0,iface=%s", if_c);
	snprintf(h->netns, sizeof(h->netns), "%s", ns_s);
	start_eth_server_on(h, token, vdev_s, "net_af_packet0", NULL);
	c = start_eth_client_on(h, token, vdev_c, "net_af_packet0", ns_c, args);
	harness_expect_client(h, c, 0, 180000);
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 200 calls ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-client: 50 one-way sent"));
	if (!harness_wait_state(h, &s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close the eth connection");
	}
	assert_int_equal(s.rx, 250);
	assert_int_equal(s.tx, 200);
	harness_expect_idle_stop(h, NULL);
	if (!harness_log_contains(&h->server, "dipc-server: eth port 0 (net_af_packet)")) {
		harness_dump_log(&h->server);
		fail_msg("the server's port is not net_af_packet");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_echo_and_oneway),
		HARNESS_TEST(test_malformed_frames),
		HARNESS_TEST(test_largest_message),
		HARNESS_TEST(test_wrong_token_refused),
		HARNESS_TEST(test_killed_peer_reclaimed),
		HARNESS_TEST(test_server_stop_closes_peer),
		HARNESS_TEST(test_duplicates_run_once),
		HARNESS_TEST(test_loss_1pct),
		HARNESS_TEST(test_loss_10pct),
		HARNESS_TEST(test_reorder_and_dup),
		HARNESS_TEST(test_kept_share_refuses),
		HARNESS_TEST(test_bad_fault_spec),
		cmocka_unit_test_setup_teardown(test_af_packet_between_namespaces, harness_setup,
						netns_teardown),
	};

	netns_cleanup_stale();
	return harness_main("eth", "eth", tests, sizeof(tests) / sizeof(tests[0]));
}
