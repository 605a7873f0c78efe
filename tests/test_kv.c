/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the key-value service end to end: a real dipc-server and
 * real client processes (tests/dipc_kv_client.c, dipc-perf --mode kv) on
 * real hugepages. GET/PUT/DELETE semantics, many keys, the largest value
 * of one mbuf, TOO_LARGE, FULL, malformed requests, CRC32C and LZ4 both
 * ways, concurrent writers on two workers, a kv client killed with -9.
 * Each test starts its own processes on its own file prefix and removes
 * them, their hugepage files and run directories afterwards, also when it
 * fails. Exits 77 (skip) only when hugepages cannot be had.
 *
 * Values in chains: test_chained_values (one size class of 2 KB, values
 * of up to 130 KB in chains of 2 KB segments) and test_size_classes
 * (three classes: values up to 64 KB in one segment, more in chains).
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

/* Run the kv client with these commands (NULL-terminated) to its end;
 * returns its index. It must exit 0. */
static int
kv_client(struct harness *h, const char *const *cmds)
{
	int c = harness_start_client_bin(h, "DIPC_KV_CLIENT", "tests/dipc_kv_client", cmds);
	int st;

	assert_true(c >= 0);
	st = harness_wait(&h->clients[c], 120000);
	if (st != 0)
		harness_dump_log(&h->clients[c]);
	assert_int_equal(st, 0);
	return c;
}

/* The client printed this line (without the "kv-client: " prefix). */
static void
expect_line(struct harness *h, int c, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "kv-client: %s\n", line);
	if (!harness_log_contains(&h->clients[c], want)) {
		harness_dump_log(&h->clients[c]);
		fail_msg("missing: kv-client: %s", line);
	}
}

/* The server is idle (no connection, every pool whole) and stops cleanly:
 * exit 0 with every mbuf home (harness.c). dipc-server's exit can take
 * 20 s on a loaded machine (EAL's exit-time memory release, see the
 * report of the KV branch): HARNESS_STOP_MS allows for it. */
static void
expect_clean_stop(struct harness *h)
{
	harness_expect_idle_stop(h, NULL);
}

/* The same, with @nb_classes pools. */
static void
expect_clean_stop_classes(struct harness *h, unsigned int nb_classes)
{
	struct harness_state s;

	harness_expect_idle_stop(h, &s);
	assert_int_equal(s.nb_pools, nb_classes);
}

/* Length of a file (0 if it cannot be read). */
static long
log_len(const char *path)
{
	FILE *f = fopen(path, "r");
	long len = 0;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0)
		len = ftell(f);
	if (f != NULL)
		fclose(f);
	return len < 0 ? 0 : len;
}

/* Does the log hold @text past @offset? */
static int
log_has_after(const char *path, long offset, const char *text)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	long len = log_len(path);
	int found = 0;

	if (f == NULL)
		return 0;
	if (len > offset && fseek(f, offset, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)(len - offset) + 1)) != NULL) {
		n = fread(buf, 1, (size_t)(len - offset), f);
		buf[n] = '\0';
		found = strstr(buf, text) != NULL;
		free(buf);
	}
	fclose(f);
	return found;
}

/*
 * The key-value service's counters say @text. They live in the service's
 * private memory and only its report line shows them (kv_report(), in the
 * report dipc-server prints on SIGUSR1): no telemetry command or dipc-info
 * figure has them yet, so this reads that line of a fresh report, waiting
 * for it to come.
 */
static void
expect_report(struct harness *h, const char *text)
{
	long offset = log_len(h->server.log);
	unsigned int waited;

	kill(h->server.pid, SIGUSR1);
	for (waited = 0; waited < HARNESS_STATE_MS; waited += 10) {
		if (log_has_after(h->server.log, offset, text))
			return;
		usleep(10000);
	}
	harness_dump_log(&h->server);
	fail_msg("server report without: %s", text);
}

static void
test_get_put_delete(void **state)
{
	struct harness *h = *state;
	const char *cmds[] = {
		"get:a", "put:a:100:1", "get:a", "put:a:50:2", "get:a", "del:a", "get:a",
		"del:a", "put:b:10:1:a", "put:b:20:2:a", "get:b", "put:#0:7:3", "get:#0",
		"put:c:0:0", "get:c", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "get a: NOT_FOUND version 0 len 0 gen 0 whole rsp -");
	expect_line(h, c, "put a: OK version 1");
	expect_line(h, c, "get a: OK version 1 len 100 gen 1 whole rsp -");
	/* Overwrite: a new version, the new value, shorter. */
	expect_line(h, c, "put a: OK version 2");
	expect_line(h, c, "get a: OK version 2 len 50 gen 2 whole rsp -");
	expect_line(h, c, "del a: OK");
	expect_line(h, c, "get a: NOT_FOUND version 0 len 0 gen 0 whole rsp -");
	expect_line(h, c, "del a: NOT_FOUND");
	/* if_absent: the first lands, the second is refused, the value stays. */
	expect_line(h, c, "put b: OK version 1");
	expect_line(h, c, "put b: EXISTS version 1");
	expect_line(h, c, "get b: OK version 1 len 10 gen 1 whole rsp -");
	/* The empty key and the empty value are keys and values. */
	expect_line(h, c, "put #0: OK version 1");
	expect_line(h, c, "get #0: OK version 1 len 7 gen 3 whole rsp -");
	expect_line(h, c, "get c: OK version 1 len 0 gen 0 whole rsp -");
	expect_report(h, "dipc-server: kv: keys 3 of 8192, value_max 1934; gets 7 (hits 5, "
			 "misses 2), puts 6, deletes 2, errors 0, full 0");
	expect_clean_stop(h);
}

static void
test_many_keys(void **state)
{
	struct harness *h = *state;
	const char *cmds[] = { "fill:key-:6000:300", "check:key-:6000:300", NULL };
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "fill key-: 6000 ok");
	expect_line(h, c, "check key-: 6000 whole of 6000");
	expect_report(h, "dipc-server: kv: keys 6000 of 8192");
	expect_clean_stop(h);
}

static void
test_largest_value(void **state)
{
	struct harness *h = *state;
	/* Default pool: 2176-byte data room, 128 of headroom, 24 of header:
	 * a 2024-byte body; a PUT of a 62-byte key (the longest) has 28 bytes
	 * of fixed block: 1934 bytes of value. */
	const char *cmds[] = {
		"put:#62:1934:5", "get:#62", "get:#62:cz", "put:#62:1935:6:z", "put:short:1935:6",
		"put:#63:1:1", "get:#63", "del:#63", "get:#62", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "connected, largest body 2024");
	expect_line(h, c, "put #62: OK version 1");
	expect_line(h, c, "get #62: OK version 1 len 1934 gen 5 whole rsp -");
	expect_line(h, c, "get #62: OK version 1 len 1934 gen 5 whole rsp cz");
	/* One byte more opens to a body over one mbuf (sent compressed, as
	 * it does not fit plain); */
	expect_line(h, c, "put #62: TOO_LARGE version 0");
	/* and a value over value_max in a body that would fit is refused. */
	expect_line(h, c, "put short: TOO_LARGE version 0");
	expect_line(h, c, "put #63: TOO_LARGE version 0");
	expect_line(h, c, "get #63: TOO_LARGE version 0 len 0 gen 0 whole rsp -");
	expect_line(h, c, "del #63: TOO_LARGE");
	expect_report(h, "keys 1 of 8192, value_max 1934;");
	expect_report(h, "errors 5, full 0");
	expect_clean_stop(h);
}

static void
test_value_max_option(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--kv-value-max", "100", NULL };
	const char *bad[] = { "--kv-value-max", "200000", NULL };
	const char *cmds[] = { "put:k:100:1", "put:k:101:2", "get:k", NULL };
	struct harness_proc p = { 0 };
	int c;

	/* Over what the largest message (a chain of 64 segments of 2 KB)
	 * carries: refused at start, with the reason. */
	assert_int_equal(harness_spawn_server(h, &p, h->prefix, NULL, bad), 0);
	assert_int_equal(harness_wait(&p, HARNESS_START_MS), 1);
	assert_true(harness_log_contains(&p, "[kv] value_max 200000 is too large: a PUT with a "
					     "62-byte key carries at most 130958 bytes"));
	assert_int_equal(harness_start_server(h, srv), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "put k: OK version 1");
	expect_line(h, c, "put k: TOO_LARGE version 0");
	expect_line(h, c, "get k: OK version 1 len 100 gen 1 whole rsp -");
	expect_clean_stop(h);
}

static void
test_table_full(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--kv-keys", "16", NULL };
	const char *cmds[] = {
		"fill:f:20:64", "put:f3:64:7", "get:f3", "del:f0", "put:new:8:1", "put:new2:8:1",
		"del:new", "del:f1", "put:new2:8:2", "put:new3:8:1", "put:new4:8:1", "get:f2",
		"get:f15", "get:new2", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "fill f: 16 ok, then FULL");
	/* Full: an overwrite still works (it adds no key). */
	expect_line(h, c, "put f3: OK version 2");
	expect_line(h, c, "get f3: OK version 2 len 64 gen 7 whole rsp -");
	/* A delete makes room for exactly one more. */
	expect_line(h, c, "put new: OK version 1");
	expect_line(h, c, "put new2: FULL version 0");
	/* Two deletes, room for two. */
	expect_line(h, c, "put new2: OK version 1");
	expect_line(h, c, "put new3: OK version 1");
	expect_line(h, c, "put new4: FULL version 0");
	expect_line(h, c, "get f2: OK version 1 len 64 gen 2 whole rsp -");
	expect_line(h, c, "get f15: OK version 1 len 64 gen 15 whole rsp -");
	expect_line(h, c, "get new2: OK version 1 len 8 gen 2 whole rsp -");
	expect_report(h, "dipc-server: kv: keys 16 of 16");
	expect_clean_stop(h);
}

static void
test_malformed_requests(void **state)
{
	struct harness *h = *state;
	const char *cmds[] = {
		"raw:empty", "raw:truncated", "raw:badref", "raw:overlap", "raw:bool", "raw:ttl",
		"raw:seal", "raw:badcsum", "raw:badlz4", "raw:bigplain", "put:after:10:1",
		"get:after", "get:raw", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "raw empty: BAD_REQUEST");
	expect_line(h, c, "raw truncated: BAD_REQUEST");
	expect_line(h, c, "raw badref: BAD_REQUEST");
	expect_line(h, c, "raw overlap: BAD_REQUEST");
	expect_line(h, c, "raw bool: BAD_REQUEST");
	expect_line(h, c, "raw ttl: BAD_REQUEST");
	expect_line(h, c, "raw seal: BAD_REQUEST");
	expect_line(h, c, "raw badcsum: BAD_CSUM");
	expect_line(h, c, "raw badlz4: BAD_REQUEST");
	expect_line(h, c, "raw bigplain: TOO_LARGE");
	/* The server keeps serving, and stored none of them. */
	expect_line(h, c, "put after: OK version 1");
	expect_line(h, c, "get after: OK version 1 len 10 gen 1 whole rsp -");
	expect_line(h, c, "get raw: NOT_FOUND version 0 len 0 gen 0 whole rsp -");
	expect_report(h, "keys 1 of 8192, value_max 1934; gets 3 (hits 1, misses 1), "
			 "puts 10, deletes 0, errors 10, full 0");
	expect_clean_stop(h);
}

static void
test_checksum_and_compression(void **state)
{
	struct harness *h = *state;
	const char *cmds[] = {
		"put:c:1000:1:c", "get:c", "get:c:c", "put:z:1500:2:z", "get:z", "get:z:z",
		"put:cz:1900:3:cz", "get:cz:cz", "get:cz:c", "put:small:8:4:cz", "get:small:cz",
		"put:#62:1934:9:z", "get:#62:cz", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "put c: OK version 1");
	/* Stored as opened: a plain GET gets the plain value back. */
	expect_line(h, c, "get c: OK version 1 len 1000 gen 1 whole rsp -");
	expect_line(h, c, "get c: OK version 1 len 1000 gen 1 whole rsp c");
	expect_line(h, c, "put z: OK version 1");
	expect_line(h, c, "get z: OK version 1 len 1500 gen 2 whole rsp -");
	expect_line(h, c, "get z: OK version 1 len 1500 gen 2 whole rsp z");
	expect_line(h, c, "put cz: OK version 1");
	expect_line(h, c, "get cz: OK version 1 len 1900 gen 3 whole rsp cz");
	expect_line(h, c, "get cz: OK version 1 len 1900 gen 3 whole rsp c");
	/* Too short to be worth compressing: sent plain, with its CRC. */
	expect_line(h, c, "put small: OK version 1");
	expect_line(h, c, "get small: OK version 1 len 8 gen 4 whole rsp c");
	expect_line(h, c, "put #62: OK version 1");
	expect_line(h, c, "get #62: OK version 1 len 1934 gen 9 whole rsp cz");
	expect_report(h, "errors 0, full 0");
	expect_clean_stop(h);
}

/*
 * Values in chains, with the default single class of 2 KB mbufs: a value
 * of 100,000 bytes goes in a chained PUT and comes back in a chained GET
 * answer, plain, with a CRC32C over the chain, and compressed (one
 * segment); the boundaries of one segment; overwrite of a chained value by
 * a small one and back; delete.
 */
static void
test_chained_values(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--kv-value-max", "130958", "--kv-keys", "64", NULL };
	const char *cmds[] = {
		"put:big:100000:1", "get:big", "get:big:c", "get:big:cz", "put:big:10:2",
		"get:big", "put:big:100000:3:c", "get:big:c", "put:big:100000:4:cz", "get:big",
		/* 2024 - 24: the largest GET answer in one segment, and one more */
		"put:edge:2000:5", "get:edge", "put:edge:2001:6", "get:edge",
		"put:#62:130958:7", "get:#62", "put:#62:130959:8:z", "del:big", "get:big", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	c = kv_client(h, cmds);
	expect_line(h, c, "put big: OK version 1");
	expect_line(h, c, "get big: OK version 1 len 100000 gen 1 whole rsp s");
	expect_line(h, c, "get big: OK version 1 len 100000 gen 1 whole rsp cs");
	expect_line(h, c, "get big: OK version 1 len 100000 gen 1 whole rsp cz");
	expect_line(h, c, "put big: OK version 2");
	expect_line(h, c, "get big: OK version 2 len 10 gen 2 whole rsp -");
	expect_line(h, c, "put big: OK version 3");
	expect_line(h, c, "get big: OK version 3 len 100000 gen 3 whole rsp cs");
	expect_line(h, c, "put big: OK version 4");
	expect_line(h, c, "get big: OK version 4 len 100000 gen 4 whole rsp s");
	expect_line(h, c, "get edge: OK version 1 len 2000 gen 5 whole rsp -");
	expect_line(h, c, "get edge: OK version 2 len 2001 gen 6 whole rsp s");
	/* The largest value: a chain of 64 segments each way. */
	expect_line(h, c, "put #62: OK version 1");
	expect_line(h, c, "get #62: OK version 1 len 130958 gen 7 whole rsp s");
	expect_line(h, c, "put #62: TOO_LARGE version 0");
	expect_line(h, c, "get big: NOT_FOUND version 0 len 0 gen 0 whole rsp -");
	expect_report(h, "keys 2 of 64, value_max 130958;");
	expect_report(h, "errors 1, full 0");
	expect_clean_stop_classes(h, 1);
}

/* Three size classes (2 KB, 16 KB, 64 KB): the default value_max stays
 * what one class 0 mbuf carries; set to what one 64 KB segment carries,
 * values up to it are one segment each way (zero copy), of the class that
 * fits. */
static void
test_size_classes(void **state)
{
	struct harness *h = *state;
	const char *classes[] = {
		"--class1-data-room", "16512", "--class1-mbufs", "512",
		"--class2-data-room", "65535", "--class2-mbufs", "256", "--kv-keys", "64", NULL,
	};
	/* 65535 - 128 - 24 - 28 - 62 */
	const char *srv[] = {
		"--class1-data-room", "16512", "--class1-mbufs", "512",
		"--class2-data-room", "65535", "--class2-mbufs", "256", "--kv-keys", "64",
		"--kv-value-max", "65293", NULL,
	};
	const char *cmds[] = {
		"put:a:10000:1", "get:a", "put:b:60000:2:c", "get:b:c", "get:b:z",
		"put:#62:65293:3", "get:#62", "put:#62:65294:4:z", NULL,
	};
	int c;

	assert_int_equal(harness_start_server(h, classes), 0);
	assert_true(harness_log_contains(&h->server, "keys 0 of 64, value_max 1934;"));
	expect_clean_stop_classes(h, 3);
	assert_int_equal(harness_start_server(h, srv), 0);
	assert_true(harness_log_contains(&h->server, "value_max 65293;"));
	c = kv_client(h, cmds);
	expect_line(h, c, "put a: OK version 1");
	expect_line(h, c, "get a: OK version 1 len 10000 gen 1 whole rsp -");
	expect_line(h, c, "put b: OK version 1");
	expect_line(h, c, "get b: OK version 1 len 60000 gen 2 whole rsp c");
	expect_line(h, c, "get b: OK version 1 len 60000 gen 2 whole rsp z");
	expect_line(h, c, "put #62: OK version 1");
	expect_line(h, c, "get #62: OK version 1 len 65293 gen 3 whole rsp -");
	expect_line(h, c, "put #62: TOO_LARGE version 0");
	expect_clean_stop_classes(h, 3);
}

/*
 * Two workers, two dipc-perf processes writing and reading the same keys
 * over two connections each: every GET's value is whole (dipc-perf
 * --verify checks each byte), the versions are per key, and every mbuf
 * comes home.
 */
static void
test_concurrent_writers(void **state)
{
	struct harness *h = *state;
	/* Control lcore 0 on CPU 0, workers 1 and 2 both on CPU 1: they still
	 * preempt each other, which is enough to race. */
	const char *eal[] = { "--lcores", "0@0,1@1,2@1", NULL };
	const char *srv[] = { "--idle", "backoff", NULL };
	const char *perf[] = {
		"--mode", "kv", "--count", "100000", "--warmup", "0", "--verify", "--keys", "64",
		"--value-size", "1500", "--get-ratio", "0.5", "--connections", "2", NULL,
	};
	struct harness_state s;
	int a, b;

	assert_int_equal(harness_spawn_server(h, &h->server, h->prefix, eal, srv), 0);
	assert_true(harness_wait_log(&h->server, "dipc-server: ready", HARNESS_START_MS));
	assert_int_equal(harness_server_state(h, &s), 0);
	assert_int_equal(s.workers, 2);
	a = harness_start_client_bin(h, "DIPC_PERF", "app/dipc-perf", perf);
	b = harness_start_client_bin(h, "DIPC_PERF", "app/dipc-perf", perf);
	assert_true(a >= 0 && b >= 0);
	if (harness_wait(&h->clients[a], 240000) != 0)
		harness_dump_log(&h->clients[a]);
	assert_int_equal(h->clients[a].status, 0);
	if (harness_wait(&h->clients[b], 240000) != 0)
		harness_dump_log(&h->clients[b]);
	assert_int_equal(h->clients[b].status, 0);
	assert_true(harness_log_contains(&h->clients[a], "errors: 0 "));
	assert_true(harness_log_contains(&h->clients[b], "errors: 0 "));
	expect_report(h, "dipc-server: kv: keys 64 of 8192");
	expect_report(h, "errors 0, full 0");
	expect_clean_stop(h);
}

/* A kv client killed with requests in flight and responses unread: the
 * pool comes back exact, and the service goes on. */
static void
test_kill9_kv_client(void **state)
{
	struct harness *h = *state;
	const char *hold[] = { "put:hold:1000:1", "hold:200", NULL };
	const char *after[] = { "get:hold", "put:hold:10:2", "get:hold", NULL };
	struct harness_state s;
	int c, d;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = harness_start_client_bin(h, "DIPC_KV_CLIENT", "tests/dipc_kv_client", hold);
	assert_true(c >= 0);
	assert_true(harness_wait_log(&h->clients[c], "kv-client: holding", HARNESS_START_MS));
	kill(h->clients[c].pid, SIGKILL);
	assert_int_equal(harness_wait(&h->clients[c], 60000), 128 + SIGKILL);
	d = kv_client(h, after);
	expect_line(h, d, "get hold: OK version 1 len 1000 gen 1 whole rsp -");
	expect_line(h, d, "get hold: OK version 2 len 10 gen 2 whole rsp -");
	harness_expect_idle_stop(h, &s);
	assert_int_equal(s.dead, 1);
}

static void
test_kv_disabled(void **state)
{
	struct harness *h = *state;
	const char *srv[] = { "--kv", "0", NULL };
	const char *cmds[] = { "get:a", NULL };
	int c;

	assert_int_equal(harness_start_server(h, srv), 0);
	assert_false(harness_log_contains(&h->server, "dipc-server: kv:"));
	c = harness_start_client_bin(h, "DIPC_KV_CLIENT", "tests/dipc_kv_client", cmds);
	assert_true(c >= 0);
	assert_int_equal(harness_wait(&h->clients[c], 60000), 1);
	assert_true(harness_log_contains(&h->clients[c], "kv-client: error response: "));
	expect_clean_stop(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_get_put_delete),
		HARNESS_TEST(test_many_keys),
		HARNESS_TEST(test_largest_value),
		HARNESS_TEST(test_value_max_option),
		HARNESS_TEST(test_table_full),
		HARNESS_TEST(test_malformed_requests),
		HARNESS_TEST(test_checksum_and_compression),
		HARNESS_TEST(test_chained_values),
		HARNESS_TEST(test_size_classes),
		HARNESS_TEST(test_concurrent_writers),
		HARNESS_TEST(test_kill9_kv_client),
		HARNESS_TEST(test_kv_disabled),
	};

	return harness_main("kv", "kv", tests, sizeof(tests) / sizeof(tests[0]));
}
