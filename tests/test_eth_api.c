/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the client library's eth transport end to end: a real
 * dipc-server with a net_memif port (role server) on real hugepages, and
 * tests/dipc_eth_lib_client.c, a remote client written against
 * dipc_client.h alone (dipc_client_eal_init_remote(), connect options
 * naming the eth transport and the peer), its own DPDK primary in
 * ordinary memory with the other end of the memif link.
 *
 * Shows: two connections of one process, each with echo calls byte for
 * byte up to 20,000-byte bodies (chains both ways) and the largest
 * message, windowed rounds (the whole window in one burst, every answer
 * matched by stream id), one-way messages, the window's and the size
 * limits' errors, a clean close, and the server's pool whole;
 * dipc-perf --transport eth in kv mode with --verify, in latency mode, and
 * windowed with chains both ways, copying and zero-copy (--verify);
 * dpdk-proc-info and dpdk-dumpcap against the server's port; a lossy link
 * (faults injected on both sides): every call completes, each request
 * runs once; requests no one answers come back as the library's
 * timed-out answers;
 * connect
 * errors: options missing, or a transport the library does not have
 * (EINVAL), the wrong token (EACCES), no port or
 * one that cannot start (ENODEV), no host with the server's address
 * (EHOSTUNREACH); a server that stops
 * (ESHUTDOWN) or is killed (EHOSTDOWN within four heartbeat periods) is
 * reported by dipc_client_check().
 *
 * Each case starts its own processes, kills only them, and removes their
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define SERVER_IP "10.77.0.1"
#define CLIENT_IP "10.77.0.2"

/* dipc-server with a memif port (role server) and @extra arguments. */
static void
server_start(struct harness *h, const char *token, const char *const *extra)
{
	char vdev[256];
	const char *eal[] = { vdev, NULL };
	const char *app[32] = { "--idle", "backoff", "--token-file", token, "--eth-port",
				"net_memif0", "--eth-ip", SERVER_IP };
	int n = 8;

	snprintf(vdev, sizeof(vdev), "--vdev=net_memif0,role=server,socket=/dipc-%s.sock",
		 h->prefix);
	while (extra != NULL && *extra != NULL && n < 30)
		app[n++] = *extra++;
	app[n] = NULL;
	assert_int_equal(harness_spawn_server(h, &h->server, h->prefix, eal, app), 0);
	if (!harness_wait_log(&h->server, "dipc-server: ready", HARNESS_START_MS)) {
		harness_dump_log(&h->server);
		fail_msg("dipc-server with an eth port did not get ready");
	}
}

/* The library client with a memif port (unless @no_port), in ordinary
 * memory, then @args (NULL-terminated). Returns its index. */
static int
client_start(struct harness *h, int no_port, const char *const *args)
{
	const char *bin = getenv("DIPC_ETH_LIB_CLIENT");
	char vdev[256], log[512];
	char *argv[48];
	unsigned int i = h->nb_clients;
	int n = 0;

	assert_true(i < sizeof(h->clients) / sizeof(h->clients[0]));
	snprintf(vdev, sizeof(vdev), "--vdev=net_memif0,role=client,socket=/dipc-%s.sock",
		 h->prefix);
	argv[n++] = (char *)(bin != NULL ? bin : "tests/dipc_eth_lib_client");
	argv[n++] = (char *)"--no-huge";
	argv[n++] = (char *)"-m";
	argv[n++] = (char *)"512";
	argv[n++] = (char *)"--no-pci";
	if (!no_port)
		argv[n++] = vdev;
	argv[n++] = (char *)"--";
	while (args != NULL && *args != NULL && n < 46)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/eth-lib-client-%u.log", h->dir, h->nb_spawned);
	/* CPU 0, with the control lcore; the worker has CPU 1. */
	assert_int_equal(harness_spawn(&h->clients[i], log, 0, argv), 0);
	h->nb_spawned++;
	h->nb_clients++;
	return (int)i;
}

static int
closed_at_least(const struct harness_state *s, const void *arg)
{
	return s->closed >= *(const unsigned long *)arg && s->open == 0;
}

static void
test_calls_windows_limits(void **state)
{
	struct harness *h = *state;
	char token[512];
	/* A retry late enough that a loaded machine does not send requests
	 * twice: the counts below are exact. */
	const char *args[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
			       "--conns", "2", "--window", "32", "--calls", "200",
			       "--max-body", "20000", "--rounds", "20", "--oneway", "100",
			       "--limits", "--retry-ms", "60000", NULL };
	struct harness_state s;
	unsigned long two = 2, calls;
	int c;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	server_start(h, token, NULL);
	c = client_start(h, 0, args);
	harness_expect_client(h, c, 0, 300000);
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: connected slot 0 window 32"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: connected slot 1 window 32"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: 200 calls ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: 20 rounds ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: 100 one-way sent"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: limits ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: closed"));
	/* The library's own counts: nothing sent twice on a link that loses
	 * nothing. */
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: stats 0: tx 942 rx 842 resent 0 "
							  "given_up 0 late 0 tx_lost 0"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: stats 1: tx 942 rx 842 resent 0 "
							  "given_up 0 late 0 tx_lost 0"));
	if (!harness_wait_state(h, &s, closed_at_least, &two, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close both eth connections");
	}
	assert_int_equal(s.admitted, 2);
	assert_int_equal(s.dead, 0);
	assert_int_equal(s.invalid, 0);
	/* Per connection: 200 calls, 20 rounds of 32, 2 calls of limits(),
	 * answered; and 100 one-way. */
	calls = 200 + 20 * 32 + 2;
	assert_int_equal(s.tx, 2 * calls);
	assert_int_equal(s.rx, 2 * (calls + 100));
	assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "pool_free"),
			 harness_telemetry_num(h, "/dipc/eth", "pool_size"));
	harness_expect_idle_stop(h, NULL);
}

/* Wait until the server's eth pool is whole (every mbuf free); 1 if it
 * was within the generous bound. */
static int
wait_pool_whole(struct harness *h)
{
	unsigned int i;

	for (i = 0; i < 600 * harness_wait_scale(); i++) {
		if (harness_telemetry_num(h, "/dipc/eth", "pool_free") ==
		    harness_telemetry_num(h, "/dipc/eth", "pool_size"))
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

/*
 * A lossy link, faults injected on both sides (DIPC_ETH_FAULTS in the
 * server's environment and in the client's, each with its own seed):
 * frames lost, copied and reordered both ways. Every call completes byte
 * for byte, windowed rounds included; the server ran each request once
 * (its request count is the number of distinct requests); the library
 * sent requests again; nothing kept and the pool whole after the close.
 */
static void
test_lossy_link(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
			       "--window", "16", "--calls", "200", "--max-body", "3000",
			       "--rounds", "5", "--retry-ms", "10", NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	assert_int_equal(setenv("DIPC_ETH_FAULTS", "loss=5%,dup=2%,reorder=2%,seed=21,dir=both",
				1), 0);
	server_start(h, token, NULL);
	assert_int_equal(setenv("DIPC_ETH_FAULTS", "loss=5%,dup=2%,reorder=2%,seed=22,dir=both",
				1), 0);
	c = client_start(h, 0, args);
	unsetenv("DIPC_ETH_FAULTS");
	assert_true(harness_log_contains(&h->server, "injecting faults"));
	harness_expect_client(h, c, 0, 300000);
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: 200 calls ok"));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: 5 rounds ok"));
	/* The library sent requests again, and said so. */
	assert_false(harness_log_contains(&h->clients[c], " resent 0 "));
	if (!harness_wait_state(h, &s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close the eth connection");
	}
	/* Each distinct request handed to the core once: 200 calls and 5
	 * rounds of the window (16), however often their frames came. */
	assert_int_equal(s.rx, 200 + 5 * 16);
	assert_int_equal(s.tx, 200 + 5 * 16);
	assert_int_equal(harness_telemetry_num(h, "/dipc/eth", "kept"), 0);
	/* Partial messages whose lost fragments never came expire (the
	 * reassembly's timeout, a second): then the pool is whole. */
	if (!wait_pool_whole(h)) {
		harness_dump_log(&h->server);
		fail_msg("the eth pool is not whole: %ld of %ld free",
			 harness_telemetry_num(h, "/dipc/eth", "pool_free"),
			 harness_telemetry_num(h, "/dipc/eth", "pool_size"));
	}
	harness_expect_idle_stop(h, NULL);
}

/* dipc-perf --transport eth: the key-value service with every GET checked
 * against this client's PUTs, ping-pong, and windowed echo of 20,000-byte
 * bodies (chains both ways) checked byte for byte, the last also with
 * the client's memif end zero-copy (its own mbufs memif's buffers: on
 * hugepages, one file per memory list); exit 0 and no error. */
static void
test_perf_kv_and_latency(void **state)
{
	struct harness *h = *state;
	const char *perf = getenv("DIPC_PERF");
	char token[512], vdev[256], vdev_zc[256], log[512];
	static const struct {
		const char *mode, *size;
		int zero_copy;
	} runs[] = {
		{ "kv", "64", 0 }, { "latency", "64", 0 }, { "throughput", "20000", 0 },
		{ "throughput", "20000", 1 },
	};
	unsigned int i;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	server_start(h, token, NULL);
	snprintf(vdev, sizeof(vdev), "--vdev=net_memif0,role=client,socket=/dipc-%s.sock",
		 h->prefix);
	snprintf(vdev_zc, sizeof(vdev_zc),
		 "--vdev=net_memif0,role=client,socket=/dipc-%s.sock,zero-copy=yes", h->prefix);
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char *eal_copy[] = { (char *)"--no-huge", (char *)"-m", (char *)"512", vdev };
		char *eal_zc[] = { (char *)"--single-file-segments", (char *)"-m", (char *)"256",
				   vdev_zc };
		char **eal = runs[i].zero_copy ? eal_zc : eal_copy;
		char *argv[] = {
			(char *)(perf != NULL ? perf : "app/dipc-perf"), eal[0], eal[1], eal[2],
			(char *)"--no-pci", eal[3], (char *)"--",
			(char *)"--transport", (char *)"eth", (char *)"--peer", (char *)SERVER_IP,
			(char *)"--local-ip", (char *)CLIENT_IP, (char *)"--token-file", token,
			(char *)"--mode", (char *)runs[i].mode, (char *)"--size", (char *)runs[i].size,
			(char *)"--window", (char *)"8", (char *)"--duration", (char *)"1",
			(char *)"--warmup", (char *)"0", (char *)"--verify", (char *)"--timeout",
			(char *)"30000", NULL,
		};
		int c = (int)h->nb_clients;

		snprintf(log, sizeof(log), "%s/perf-%u.log", h->dir, h->nb_spawned);
		assert_int_equal(harness_spawn(&h->clients[c], log, 0, argv), 0);
		h->nb_spawned++;
		h->nb_clients++;
		harness_expect_client(h, c, 0, 300000);
		if (!harness_log_contains(&h->clients[c], "errors: 0 ")) {
			harness_dump_log(&h->clients[c]);
			fail_msg("dipc-perf %s of %s bytes%s: errors", runs[i].mode, runs[i].size,
				 runs[i].zero_copy ? " (zero-copy)" : "");
		}
	}
	harness_expect_idle_stop(h, NULL);
}

/* Run @argv (NULL-terminated) as one of the case's processes, pinned to
 * CPU 0; expect exit status 0. Returns its index. */
static int
run_tool(struct harness *h, const char *name, char *const *argv)
{
	char log[512];
	int c = (int)h->nb_clients;

	snprintf(log, sizeof(log), "%s/%s-%u.log", h->dir, name, h->nb_spawned);
	assert_int_equal(harness_spawn(&h->clients[c], log, 0, argv), 0);
	h->nb_spawned++;
	h->nb_clients++;
	harness_expect_client(h, c, 0, 300000);
	return c;
}

/* DPDK's own tools against a server with a port: dpdk-proc-info reads the
 * port's counters, dpdk-dumpcap captures its frames (the server's PINGs
 * and the client's PONGs) into a pcapng file. */
static void
test_dpdk_proc_info_and_dumpcap(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--heartbeat-ms", "100", NULL };
	char token[512], prefix[160], cap[512];
	const char *args[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
			       "--calls", "20", "--hold", NULL };
	char *proc_info[] = { (char *)"/usr/bin/dpdk-proc-info", prefix,
			      (char *)"--log-level=lib.eal:error", (char *)"--", (char *)"--stats",
			      NULL };
	char *dumpcap[] = { (char *)"/usr/bin/dpdk-dumpcap", prefix, (char *)"-i",
			    (char *)"net_memif0", (char *)"-c", (char *)"4", (char *)"-w", cap,
			    NULL };
	unsigned char magic[4] = { 0 };
	FILE *f;
	int c;

	if (access(proc_info[0], X_OK) != 0 || access(dumpcap[0], X_OK) != 0)
		skip(); /* tools/setup.sh installs them (package dpdk) */
	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", h->prefix);
	snprintf(cap, sizeof(cap), "%s/eth.pcapng", h->dir);
	server_start(h, token, srv);
	c = client_start(h, 0, args);
	harness_expect_log(h, c, "eth-lib: holding", 180000);
	c = run_tool(h, "proc-info", proc_info);
	assert_true(harness_log_contains(&h->clients[c], "NIC statistics for port 0"));
	assert_true(harness_log_contains(&h->clients[c], "RX-packets:"));
	c = run_tool(h, "dumpcap", dumpcap);
	assert_true(harness_log_contains(&h->clients[c], "Packets received/dropped on interface "
							  "'net_memif0': 4/0"));
	f = fopen(cap, "rb");
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, sizeof(magic), f), 4);
	fclose(f);
	/* A pcapng section header block. */
	assert_memory_equal(magic, "\x0a\x0d\x0d\x0a", 4);
	harness_expect_stop(h);
}

static void
test_connect_errors(void **state)
{
	struct harness *h = *state;
	char token[512], wrong[512];
	const char *no_ip[] = { "--peer", SERVER_IP, "--token", token, NULL };
	const char *bad_peer[] = { "--peer", "10.77.0.1:0", "--ip", CLIENT_IP, "--token", token,
				   NULL };
	const char *no_port[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
				  NULL };
	const char *no_server[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
				    "--timeout-ms", "1000", NULL };
	const char *unknown[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
				  "--transport", "7", NULL };
	const char *no_host[] = { "--peer", "10.77.0.9", "--ip", CLIENT_IP, "--token", token,
				  "--timeout-ms", "1000", NULL };
	const char *wrong_token[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", wrong,
				      NULL };
	struct harness_state s;
	int c;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	harness_write_token(h, "wrong", "not the server's secret", 0600, wrong, sizeof(wrong));
	c = client_start(h, 0, no_ip);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: EINVAL"));
	c = client_start(h, 0, bad_peer);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: EINVAL"));
	c = client_start(h, 0, unknown);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: EINVAL"));
	c = client_start(h, 1, no_port);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: ENODEV"));
	/* A memif port whose server end nobody opened: it cannot start. */
	c = client_start(h, 0, no_server);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: ENODEV"));

	server_start(h, token, NULL);
	/* An address nobody on the link has: no ARP answer. */
	c = client_start(h, 0, no_host);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: EHOSTUNREACH"));
	c = client_start(h, 0, wrong_token);
	harness_expect_client(h, c, 3, 120000);
	assert_true(harness_log_contains(&h->clients[c], "connect failed: EACCES"));
	assert_int_equal(harness_server_state(h, &s), 0);
	assert_int_equal(s.admitted, 0);
	assert_int_equal(s.refused_token, 1);
	assert_int_equal(s.open, 0);
	harness_expect_idle_stop(h, NULL);
}

static void
test_server_stop_reported(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *args[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
			       "--calls", "20", "--hold", NULL };
	int c;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	server_start(h, token, NULL);
	c = client_start(h, 0, args);
	harness_expect_log(h, c, "eth-lib: holding", 180000);
	harness_expect_stop(h);
	harness_expect_client(h, c, 4, 60000);
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: check: ESHUTDOWN"));
}

static void
test_server_killed_reported(void **state)
{
	struct harness *h = *state;
	char token[512];
	const char *srv[] = { "--heartbeat-ms", "200", NULL };
	const char *args[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
			       "--calls", "20", "--hold", NULL };
	int c;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	server_start(h, token, srv);
	c = client_start(h, 0, args);
	harness_expect_log(h, c, "eth-lib: holding", 180000);
	kill(h->server.pid, SIGKILL);
	harness_wait(&h->server, 60000);
	/* Silent four periods: EHOSTDOWN (a memif link that goes down stops
	 * the frames, as a dead host's would). */
	harness_expect_client(h, c, 4, 60000);
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: check: EHOSTDOWN"));
}

/*
 * Requests no one answers (the server stopped with SIGSTOP once the client
 * is connected): each comes back to the receive as the library's error
 * answer (DIPC_STATUS_TIMED_OUT, its stream id, once) after the request
 * timeout, a call returns ETIMEDOUT, and the library counts them given
 * up; so a caller counting its requests in flight never waits for ever.
 * The server, continued, then closes the connection and its pool is whole.
 */
static void
test_given_up_requests_answered(void **state)
{
	struct harness *h = *state;
	char token[512];
	/* A long heartbeat: the client must not find the stopped server
	 * silent before its requests time out. */
	const char *srv[] = { "--heartbeat-ms", "2000", NULL };
	const char *args[] = { "--peer", SERVER_IP, "--ip", CLIENT_IP, "--token", token,
			       "--calls", "5", "--give-up", "8", "--retry-ms", "50",
			       "--request-timeout-ms", "300", NULL };
	struct harness_state s;
	unsigned long one = 1;
	int c;

	harness_write_token(h, "token", "eth library test secret", 0600, token, sizeof(token));
	server_start(h, token, srv);
	c = client_start(h, 0, args);
	harness_expect_log(h, c, "eth-lib: waiting", 180000);
	assert_int_equal(kill(h->server.pid, SIGSTOP), 0);
	assert_int_equal(kill(h->clients[c].pid, SIGUSR1), 0);
	harness_wait(&h->clients[c], 60000);
	assert_int_equal(kill(h->server.pid, SIGCONT), 0);
	if (!harness_log_contains(&h->clients[c], "eth-lib: 8 given up ok")) {
		harness_dump_log(&h->clients[c]);
		fail_msg("the client did not get its given-up requests back as answers");
	}
	/* 5 calls, 8 requests and one call given up, each sent once more at
	 * least (50 ms, 100 ms, ...) before the 300 ms were up. */
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: stats 0: tx 14 rx 14 "));
	assert_true(harness_log_contains(&h->clients[c], " given_up 9 "));
	assert_false(harness_log_contains(&h->clients[c], " resent 0 "));
	assert_true(harness_log_contains(&h->clients[c], "eth-lib: closed"));
	assert_int_equal(h->clients[c].status, 0);
	if (!harness_wait_state(h, &s, closed_at_least, &one, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not close the eth connection");
	}
	if (!wait_pool_whole(h)) {
		harness_dump_log(&h->server);
		fail_msg("the eth pool is not whole");
	}
	harness_expect_idle_stop(h, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_calls_windows_limits),
		HARNESS_TEST(test_perf_kv_and_latency),
		HARNESS_TEST(test_lossy_link),
		HARNESS_TEST(test_connect_errors),
		HARNESS_TEST(test_dpdk_proc_info_and_dumpcap),
		HARNESS_TEST(test_server_stop_reported),
		HARNESS_TEST(test_server_killed_reported),
		HARNESS_TEST(test_given_up_requests_answered),
	};

	return harness_main("eth-api", "ethapi", tests, sizeof(tests) / sizeof(tests[0]));
}
