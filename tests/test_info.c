/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: dipc-info and the server's /dipc/ telemetry commands
 * against a real dipc-server with known traffic from real client
 * processes: the counts they print match the traffic sent, dipc-info
 * changes nothing in the server (no slot, no admission, no memzone), and
 * its errors (no server, not a dipc server, bad options) are clear.
 * Exits 77 (skip) only when hugepages cannot be had.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "dipc_eal.h"
#include "dipc_shm.h"
#include "dipc_shm_stats.h"
#include "harness.h"

/* Run dipc-info on the harness prefix with app arguments (NULL-terminated;
 * NULL for none) and wait for it. Returns its exit status; its output is
 * in p->log. */
static int
run_info(struct harness *h, struct harness_proc *p, const char *const *app)
{
	static unsigned int seq;
	char prefix_arg[128], log[512];
	char *argv[32];
	int n = 0;

	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", h->prefix);
	snprintf(log, sizeof(log), "%s/info-%u.log", h->dir, seq++);
	argv[n++] = (char *)(uintptr_t)harness_bin("DIPC_INFO", "app/dipc-info");
	argv[n++] = prefix_arg;
	argv[n++] = (char *)(uintptr_t)"--";
	while (app != NULL && *app != NULL && n < 31)
		argv[n++] = (char *)(uintptr_t)*app++;
	argv[n] = NULL;
	memset(p, 0, sizeof(*p));
	if (harness_spawn(p, log, 1, argv) != 0)
		return -1;
	return harness_wait(p, 60000);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;
	size_t n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, (size_t)len, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The @nth (0-based) line of a log that is a JSON object, parsed. */
static cJSON *
log_json(const struct harness_proc *p, unsigned int nth)
{
	char *text = slurp(p->log), *line, *save = NULL;
	cJSON *j = NULL;

	if (text == NULL)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (line[0] == '{' && nth-- == 0) {
			j = cJSON_Parse(line);
			break;
		}
	free(text);
	return j;
}

/* A number at a path of object keys (NULL-terminated); fails the test if
 * it is missing. */
static double
num_at(const cJSON *j, ...)
{
	const char *key;
	va_list ap;

	va_start(ap, j);
	while (j != NULL && (key = va_arg(ap, const char *)) != NULL)
		j = cJSON_GetObjectItemCaseSensitive(j, key);
	va_end(ap);
	if (j == NULL || !cJSON_IsNumber(j)) {
		fail_msg("no number at that path");
		return 0; /* not reached */
	}
	return j->valuedouble;
}

/* Run dipc-info --json and parse what it printed. */
static cJSON *
info_json(struct harness *h)
{
	const char *json[] = { "--json", NULL };
	struct harness_proc p;
	int st = run_info(h, &p, json);
	cJSON *j;

	if (st != 0)
		harness_dump_log(&p);
	assert_int_equal(st, 0);
	j = log_json(&p, 0);
	if (j == NULL)
		harness_dump_log(&p);
	assert_non_null(j);
	return j;
}

/* The connection of @pid in dipc-info's table. */
static const cJSON *
conn_of(const cJSON *j, int pid)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(j, "connections"))
		if (num_at(c, "pid", NULL) == pid)
			return c;
	fail_msg("no connection of pid %d", pid);
	return NULL;
}

/*
 * Ask the server's telemetry socket directly, as dpdk-telemetry.py does:
 * <runtime dir>/dpdk_telemetry.v2, SOCK_SEQPACKET, an init message, then
 * one reply per command. Returns the value under the command's key.
 */
static cJSON *
telemetry(struct harness *h, const char *cmd, cJSON **root)
{
	static char buf[65536];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[256], key[128];
	ssize_t n;
	int fd;

	assert_int_equal(dipc_eal_runtime_dir(h->prefix, dir, sizeof(dir)), 0);
	assert_true(snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2", dir) <
		    (int)sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		fail_msg("connect %s: %s", sun.sun_path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1); /* {"version": ..., "pid": ..., "max_output_len": ...} */
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "max_output_len"));
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	*root = cJSON_Parse(buf);
	if (*root == NULL)
		fail_msg("telemetry %s: not JSON: %s", cmd, buf);
	/* The reply is keyed by the command without its parameters. */
	snprintf(key, sizeof(key), "%s", cmd);
	if (strchr(key, ',') != NULL)
		*strchr(key, ',') = '\0';
	return cJSON_GetObjectItemCaseSensitive(*root, key);
}

/* @cmd is answered {"error": "...@text..."}. */
static void
expect_tel_error(struct harness *h, const char *cmd, const char *text)
{
	cJSON *root, *d = telemetry(h, cmd, &root);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(d, "error");

	if (!cJSON_IsString(e) || strstr(e->valuestring, text) == NULL) {
		char *txt = cJSON_PrintUnformatted(root);

		fail_msg("telemetry %s: want {\"error\": \"...%s...\"}, got %s", cmd, text, txt);
		free(txt);
	}
	cJSON_Delete(root);
}

/* Entry @i of the array under @key of a telemetry reply. */
static double
column(const cJSON *d, const char *key, int i)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(d, key);
	const cJSON *v = cJSON_GetArrayItem(a, i);

	if (v == NULL || !cJSON_IsNumber(v)) {
		fail_msg("no entry %d in column %s", i, key);
		return 0; /* not reached */
	}
	return v->valuedouble;
}

/* Index in the telemetry connection columns of the slot of @pid. */
static int
tel_conn_index(const cJSON *d, int pid)
{
	int i, n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "pid"));

	for (i = 0; i < n; i++)
		if (column(d, "pid", i) == pid)
			return i;
	fail_msg("no connection of pid %d in /dipc/connections", pid);
	return -1;
}

/* Start clients that run @args and then hold their connections open
 * until the file @go exists. */
static int
start_holding(struct harness *h, const char *const *args, const char *go)
{
	int c;

	setenv("DIPC_TEST_HOLD_FILE", go, 1);
	c = harness_start_client(h, args);
	unsetenv("DIPC_TEST_HOLD_FILE");
	assert_true(c >= 0);
	if (!harness_wait_log(&h->clients[c], "test-client: holding", 60000)) {
		harness_dump_log(&h->clients[c]);
		fail_msg("client did not finish its traffic");
	}
	return c;
}

static void
release(const char *go)
{
	int fd = open(go, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	close(fd);
}

/*
 * Known traffic: a closed connection of 200 echo calls, an open one of
 * 1000 echo calls, an open one of 500 one-way sink messages and one sink
 * call. dipc-info and each telemetry command count exactly that; running
 * dipc-info changes no admission counter, claims no slot, creates no
 * memzone.
 */
static void
test_counts_match_traffic(void **state)
{
	struct harness *h = *state;
	const char *calls200[] = { "calls", "200", NULL };
	const char *calls1000[] = { "calls", "1000", NULL };
	const char *sink500[] = { "sink", "500", NULL };
	const char *text[] = { NULL };
	struct harness_state st;
	struct harness_proc p;
	cJSON *j, *j2, *root, *d;
	const cJSON *ca, *cb, *w, *pool;
	char go[600], key[600];
	int c, a, b, pa, pb, i;

	snprintf(go, sizeof(go), "%s/go", h->dir);
	assert_int_equal(harness_start_server(h, NULL), 0);
	c = harness_start_client(h, calls200);
	harness_expect_client(h, c, 0, 60000);
	a = start_holding(h, calls1000, go);
	b = start_holding(h, sink500, go);
	pa = h->clients[a].pid;
	pb = h->clients[b].pid;

	j = info_json(h);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "file_prefix")->valuestring,
			    h->prefix);
	assert_int_equal(num_at(j, "server", "pid", NULL), h->server.pid);
	assert_string_equal(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "server"),
						 "state")->valuestring, "running");
	assert_int_equal(num_at(j, "server", "abi_version", NULL), DIPC_SHM_ABI_VERSION);
	assert_true(num_at(j, "server", "uptime_s", NULL) > 0);
	assert_int_equal(num_at(j, "server", "workers", NULL), 1);
	assert_int_equal(num_at(j, "admission", "admitted", NULL), 3);
	assert_int_equal(num_at(j, "admission", "closed", NULL), 1);
	assert_int_equal(num_at(j, "admission", "refused", NULL), 0);
	/* Every message, of open and closed connections. */
	assert_int_equal(num_at(j, "messages", "rx", NULL), 200 + 1000 + 501);
	assert_int_equal(num_at(j, "messages", "tx", NULL), 200 + 1000 + 1);
	assert_int_equal(num_at(j, "messages", "invalid", NULL), 0);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "bad_magic", NULL), 0);
	assert_int_equal(num_at(j, "messages", "dropped", "not_lent", NULL), 0);
	/* The two open connections, each with its own counts. */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "connections")),
			 2);
	ca = conn_of(j, pa);
	cb = conn_of(j, pb);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(ca, "state")->valuestring, "active");
	assert_int_equal(num_at(ca, "rx", NULL), 1000);
	assert_int_equal(num_at(ca, "tx", NULL), 1000);
	assert_int_equal(num_at(ca, "client_tx", NULL), 1000);
	assert_int_equal(num_at(ca, "client_rx", NULL), 1000);
	assert_int_equal(num_at(cb, "rx", NULL), 501);
	assert_int_equal(num_at(cb, "tx", NULL), 1);
	assert_int_equal(num_at(cb, "client_tx", NULL), 501);
	assert_int_equal(num_at(cb, "client_rx", NULL), 1);
	assert_int_equal(num_at(ca, "req_queued", NULL), 0);
	assert_int_equal(num_at(ca, "rsp_queued", NULL), 0);
	assert_int_equal(num_at(cb, "invalid", NULL), 0);
	assert_int_equal(num_at(ca, "worker", NULL), 0);
	/* Its heartbeat: the client beat at least once while calling. */
	assert_true(num_at(ca, "heartbeat_age_ms", NULL) >= 0);
	/* The worker carries both. */
	w = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "workers"), 0);
	assert_int_equal(num_at(w, "connections", NULL), 2);
	assert_int_equal(num_at(w, "rx", NULL), 1501);
	assert_int_equal(num_at(w, "tx", NULL), 1001);
	assert_true(num_at(w, "polls", NULL) >= num_at(w, "busy_polls", NULL));
	assert_true(num_at(w, "busy_polls", NULL) > 0);
	/* The pool. */
	pool = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "pools"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(pool, "name")->valuestring,
			    "dipc_pool_0");
	assert_int_equal(num_at(pool, "size", NULL), 65535);
	assert_int_equal(num_at(pool, "in_use", NULL) + num_at(pool, "free", NULL), 65535);

	/* The same from each telemetry command. */
	d = telemetry(h, "/dipc/stats", &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "admitted", NULL), 3);
	assert_int_equal(num_at(d, "closed", NULL), 1);
	assert_int_equal(num_at(d, "open_connections", NULL), 2);
	assert_int_equal(num_at(d, "rx_msgs", NULL), 1701);
	assert_int_equal(num_at(d, "tx_msgs", NULL), 1201);
	assert_int_equal(num_at(d, "invalid_msgs", NULL), 0);
	assert_int_equal(num_at(d, "server_pid", NULL), h->server.pid);
	assert_true(num_at(d, "epoch", NULL) == num_at(j, "server", "epoch", NULL));
	cJSON_Delete(root);

	d = telemetry(h, "/dipc/connections", &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "open", NULL), 2);
	i = tel_conn_index(d, pa);
	assert_int_equal(column(d, "rx_msgs", i), 1000);
	assert_int_equal(column(d, "tx_msgs", i), 1000);
	assert_int_equal(column(d, "slot", i), num_at(ca, "slot", NULL));
	i = tel_conn_index(d, pb);
	assert_int_equal(column(d, "rx_msgs", i), 501);
	assert_int_equal(column(d, "tx_msgs", i), 1);
	assert_int_equal(column(d, "client_tx", i), 501);
	cJSON_Delete(root);

	snprintf(key, sizeof(key), "/dipc/connections,%d", (int)num_at(cb, "slot", NULL));
	d = telemetry(h, key, &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "pid", NULL), pb);
	assert_int_equal(num_at(d, "rx_msgs", NULL), 501);
	assert_int_equal(num_at(d, "tx_msgs", NULL), 1);
	assert_int_equal(num_at(d, "rsp_queued", NULL), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "state")->valuestring, "active");
	cJSON_Delete(root);

	/* A slot with no connection, and a parameter that is not a slot. */
	d = telemetry(h, "/dipc/connections,1000", &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "slot", NULL), 1000);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "state")->valuestring, "free");
	cJSON_Delete(root);
	/* Every error is {"error": "..."}, never a bare null. */
	expect_tel_error(h, "/dipc/connections,first", "'first' is not a slot number");
	expect_tel_error(h, "/dipc/connections,-1", "'-1' is not a slot number");
	expect_tel_error(h, "/dipc/connections,70000", "'70000' is not a slot number");
	expect_tel_error(h, "/dipc/connections,1024", "no slot 1024 (the server has 0..1023)");
	expect_tel_error(h, "/dipc/stats,1", "/dipc/stats takes no parameters");
	expect_tel_error(h, "/dipc/workers,x", "/dipc/workers takes no parameters");
	expect_tel_error(h, "/dipc/pools,x", "/dipc/pools takes no parameters");
	expect_tel_error(h, "/dipc/capture,bogus", "unknown action");

	d = telemetry(h, "/dipc/workers", &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "workers", NULL), 1);
	assert_int_equal(column(d, "connections", 0), 2);
	assert_int_equal(column(d, "rx_msgs", 0), 1501);
	assert_int_equal(column(d, "tx_msgs", 0), 1001);
	assert_int_equal(column(d, "lcore", 0), num_at(w, "lcore", NULL));
	cJSON_Delete(root);

	d = telemetry(h, "/dipc/pools", &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "pools", NULL), 1);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "name"), 0)
				    ->valuestring, "dipc_pool_0");
	assert_int_equal(column(d, "size", 0), 65535);
	assert_int_equal(column(d, "in_use", 0) + column(d, "avail", 0), 65535);
	cJSON_Delete(root);

	/* dpdk-telemetry.py itself, as a user would run it. */
	if (access("/usr/bin/dpdk-telemetry.py", X_OK) == 0) {
		char cmd[512];
		char *argv[] = { (char *)(uintptr_t)"/bin/sh", (char *)(uintptr_t)"-c", cmd, NULL };

		snprintf(cmd, sizeof(cmd), "echo /dipc/stats | /usr/bin/dpdk-telemetry.py -f %s",
			 h->prefix);
		snprintf(key, sizeof(key), "%s/telemetry-py.log", h->dir);
		assert_int_equal(harness_spawn(&p, key, -1, argv), 0);
		assert_int_equal(harness_wait(&p, 60000), 0);
		if (!harness_log_contains(&p, "\"admitted\": 3, "))
			harness_dump_log(&p);
		assert_true(harness_log_contains(&p, "\"admitted\": 3, "));
		assert_true(harness_log_contains(&p, "\"rx_msgs\": 1701, "));
	}

	/* The text report. */
	assert_int_equal(run_info(h, &p, text), 0);
	assert_true(harness_log_contains(&p, "connections: 2 open"));
	assert_true(harness_log_contains(&p, "messages:   rx 1701, tx 1201, invalid 0"));

	/* dipc-info changed nothing: the server admitted nobody else, made
	 * no slot, and no memzone appeared (a second run sees as many as
	 * the first). */
	j2 = info_json(h);
	assert_int_equal(num_at(j2, "admission", "admitted", NULL), 3);
	assert_int_equal(num_at(j2, "admission", "refused", NULL), 0);
	assert_true(num_at(j2, "admission", "slots_created", NULL) ==
		    num_at(j, "admission", "slots_created", NULL));
	assert_true(num_at(j2, "server", "memzones", NULL) == num_at(j, "server", "memzones", NULL));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j2, "connections")),
			 2);
	assert_int_equal(num_at(j2, "messages", "rx", NULL), 1701);
	assert_int_equal(harness_server_state(h, &st), 0);
	assert_int_equal(st.admitted, 3);
	assert_int_equal(st.open, 2);
	cJSON_Delete(j2);
	cJSON_Delete(j);

	release(go);
	harness_expect_client(h, a, 0, 60000);
	harness_expect_client(h, b, 0, 60000);
	harness_expect_idle_stop(h, NULL);
}

/* Malformed requests counted by status, the same in dipc-info and
 * telemetry (tests/dipc_test_client.c, mode malformed: 18 bad requests,
 * then 1001 good calls). */
static void
test_invalid_counts(void **state)
{
	struct harness *h = *state;
	const char *malformed[] = { "malformed", NULL };
	cJSON *j, *root, *d;
	const cJSON *c;
	char go[600];
	int m;

	snprintf(go, sizeof(go), "%s/go", h->dir);
	assert_int_equal(harness_start_server(h, NULL), 0);
	m = start_holding(h, malformed, go);
	j = info_json(h);
	c = conn_of(j, h->clients[m].pid);
	assert_int_equal(num_at(c, "invalid", NULL), 18);
	assert_int_equal(num_at(c, "rx", NULL), 18 + 1001);
	assert_int_equal(num_at(c, "tx", NULL), 18 + 1001);
	assert_int_equal(num_at(j, "messages", "invalid", NULL), 18);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "bad_magic", NULL), 1);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "bad_version", NULL), 1);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "bad_length", NULL), 4);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "bad_flags", NULL), 2);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "unknown_method", NULL), 3);
	assert_int_equal(num_at(j, "messages", "invalid_by_status", "bad_mbuf", NULL), 7);
	assert_int_equal(num_at(j, "messages", "dropped", "not_mbuf", NULL), 0);

	d = telemetry(h, "/dipc/stats", &root);
	assert_non_null(d);
	assert_int_equal(num_at(d, "invalid_msgs", NULL), 18);
	assert_int_equal(num_at(d, "invalid_bad_length", NULL), 4);
	assert_int_equal(num_at(d, "invalid_bad_mbuf", NULL), 7);
	assert_int_equal(num_at(d, "invalid_unknown_method", NULL), 3);
	cJSON_Delete(root);
	d = telemetry(h, "/dipc/workers", &root);
	assert_int_equal(column(d, "invalid", 0), 18);
	cJSON_Delete(root);
	cJSON_Delete(j);

	release(go);
	harness_expect_client(h, m, 0, 60000);
	harness_expect_idle_stop(h, NULL);
}

/* --watch prints one report per period, --count of them. */
static void
test_watch(void **state)
{
	struct harness *h = *state;
	const char *watch[] = { "--watch", "0.2", "--count", "3", "--json", NULL };
	struct harness_proc p;
	cJSON *j[3];
	int i, st;

	assert_int_equal(harness_start_server(h, NULL), 0);
	st = run_info(h, &p, watch);
	if (st != 0)
		harness_dump_log(&p);
	assert_int_equal(st, 0);
	for (i = 0; i < 3; i++) {
		j[i] = log_json(&p, (unsigned int)i);
		assert_non_null(j[i]);
	}
	assert_null(log_json(&p, 3));
	assert_true(num_at(j[2], "server", "uptime_s", NULL) > num_at(j[0], "server", "uptime_s",
								      NULL));
	for (i = 0; i < 3; i++)
		cJSON_Delete(j[i]);
	harness_expect_idle_stop(h, NULL);
}

/* A server whose shared-memory layout is another version: refused, with
 * both versions named. */
#define ABI_MISMATCH_TEXT \
	"layout version 99; this dipc-info reads version " RTE_STR(DIPC_SHM_ABI_VERSION)
static void
test_abi_mismatch(void **state)
{
	struct harness *h = *state;
	const char *set99[] = { "setabi", "99", NULL };
	const char *set_back[] = { "setabi", RTE_STR(DIPC_SHM_ABI_VERSION), NULL };
	struct harness_proc p;
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = harness_start_client(h, set99);
	harness_expect_client(h, c, 0, 60000);
	assert_int_equal(run_info(h, &p, NULL), 1);
	if (!harness_log_contains(&p, ABI_MISMATCH_TEXT))
		harness_dump_log(&p);
	assert_true(harness_log_contains(&p, ABI_MISMATCH_TEXT));
	/* Put it back: the server itself never reads it. */
	c = harness_start_client(h, set_back);
	harness_expect_client(h, c, 0, 60000);
	assert_int_equal(run_info(h, &p, NULL), 0);
	harness_expect_idle_stop(h, NULL);
}

/* --watch stops by itself when the server stops, and the server stops
 * cleanly with dipc-info attached. */
static void
test_watch_until_server_stops(void **state)
{
	struct harness *h = *state;
	const char *watch[] = { "--watch", "0.2", "--json", NULL };
	char prefix_arg[128], log[512];
	char *argv[] = { (char *)(uintptr_t)harness_bin("DIPC_INFO", "app/dipc-info"), prefix_arg,
			 (char *)(uintptr_t)"--", (char *)(uintptr_t)watch[0],
			 (char *)(uintptr_t)watch[1], (char *)(uintptr_t)watch[2], NULL };
	struct harness_proc p;
	cJSON *j = NULL;
	unsigned int waited;
	int st;

	assert_int_equal(harness_start_server(h, NULL), 0);
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", h->prefix);
	snprintf(log, sizeof(log), "%s/info-watch.log", h->dir);
	memset(&p, 0, sizeof(p));
	assert_int_equal(harness_spawn(&p, log, 1, argv), 0);
	/* Kept in the harness so a failing test still kills it. */
	h->clients[h->nb_clients++] = p;
	for (waited = 0; waited < 60000 && (j = log_json(&p, 1)) == NULL; waited += 50)
		usleep(50000);
	assert_non_null(j);
	cJSON_Delete(j);
	harness_expect_idle_stop(h, NULL);
	st = harness_wait(&h->clients[h->nb_clients - 1], 60000);
	if (st != 0 && st != 1)
		harness_dump_log(&h->clients[h->nb_clients - 1]);
	if (st != 0 && st != 1)
		fail_msg("dipc-info --watch: exit status %d", st);
	assert_true(harness_log_contains(&h->clients[h->nb_clients - 1], "stopped watching") ||
		    harness_log_contains(&h->clients[h->nb_clients - 1], "has exited"));
	/* The server's exit waited on nothing of dipc-info's (it frees no
	 * DPDK memory, so asks no secondary to unmap anything). */
	assert_false(harness_log_contains(&h->server, "clean-up blocked"));
}

/* No server on the prefix: a clear error, what to do, non-zero status. */
static void
test_no_server(void **state)
{
	struct harness *h = *state;
	struct harness_proc p;
	char want[256];

	assert_int_equal(run_info(h, &p, NULL), 3);
	snprintf(want, sizeof(want), "no dipc server is running on file prefix '%s'", h->prefix);
	assert_true(harness_log_contains(&p, want));
	snprintf(want, sizeof(want), "dipc-server --file-prefix=%s", h->prefix);
	assert_true(harness_log_contains(&p, want));
}

/* A DPDK primary that is not a dipc server. */
static void
test_not_a_dipc_server(void **state)
{
	struct harness *h = *state;
	char prefix_arg[128], log[512];
	char *argv[] = { (char *)(uintptr_t)harness_bin("DIPC_RINGBENCH", "app/dipc-ringbench"),
			 (char *)(uintptr_t)"-l", (char *)(uintptr_t)"1", prefix_arg,
			 (char *)(uintptr_t)"--no-pci",
			 (char *)(uintptr_t)"--base-virtaddr=0x200000000000", (char *)(uintptr_t)"--",
			 (char *)(uintptr_t)"--role", (char *)(uintptr_t)"server",
			 (char *)(uintptr_t)"--idle", (char *)(uintptr_t)"backoff", NULL };
	struct harness_proc p;

	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", h->prefix);
	snprintf(log, sizeof(log), "%s/other-primary.log", h->dir);
	assert_int_equal(harness_spawn(&h->server, log, -1, argv), 0);
	assert_true(harness_wait_log(&h->server, "server: ready", HARNESS_START_MS));
	assert_int_equal(run_info(h, &p, NULL), 3);
	if (!harness_log_contains(&p, "is not a dipc server"))
		harness_dump_log(&p);
	assert_true(harness_log_contains(&p, "is not a dipc server"));
	assert_int_equal(harness_stop_server(h), 0);
}

/* Bad options are refused before attaching (no server needed). */
static void
test_bad_options(void **state)
{
	struct harness *h = *state;
	const char *zero[] = { "--watch", "0", NULL };
	const char *neg[] = { "--watch", "-1", NULL };
	const char *word[] = { "--watch", "soon", NULL };
	const char *missing[] = { "--watch", NULL };
	const char *count[] = { "--count", "2", NULL };
	const char *other[] = { "--no-such-option", NULL };
	struct harness_proc p;

	assert_int_equal(run_info(h, &p, zero), 2);
	assert_true(harness_log_contains(&p, "--watch: '0' is not a number of seconds"));
	assert_int_equal(run_info(h, &p, neg), 2);
	assert_true(harness_log_contains(&p, "--watch: '-1'"));
	assert_int_equal(run_info(h, &p, word), 2);
	assert_true(harness_log_contains(&p, "--watch: 'soon'"));
	assert_int_equal(run_info(h, &p, missing), 2);
	assert_int_equal(run_info(h, &p, count), 2);
	assert_true(harness_log_contains(&p, "--count needs --watch"));
	assert_int_equal(run_info(h, &p, other), 2);
	assert_true(harness_log_contains(&p, "no-such-option"));
	/* Refused before looking for a server (there is none here). */
	assert_false(harness_log_contains(&p, "no dipc server is running"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_counts_match_traffic),
		HARNESS_TEST(test_invalid_counts),
		HARNESS_TEST(test_watch),
		HARNESS_TEST(test_watch_until_server_stops),
		HARNESS_TEST(test_abi_mismatch),
		HARNESS_TEST(test_no_server),
		HARNESS_TEST(test_not_a_dipc_server),
		HARNESS_TEST(test_bad_options),
	};

	return harness_main("info", "info", tests, sizeof(tests) / sizeof(tests[0]));
}
