/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: what dipc-server leaves on its file prefix, with a real
 * server, real clients and dipc-info on real hugepages. A clean stop
 * (SIGTERM, no client left) leaves no hugepage file and no EAL runtime
 * directory; a server killed with SIGKILL leaves both, and
 * `dipc-server --cleanup --file-prefix P` removes them, but refuses,
 * removing nothing, while the server runs or while a client or dipc-info
 * still maps them; on a prefix with nothing left it is a no-op. Exits 77
 * (skip) only when hugepages cannot be had. DIPC_TEST_FILTER=name runs
 * only the matching cases.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dipc_eal.h"
#include "harness.h"

/* Hugepage files of @prefix (PREFIXmap_N) in every hugetlbfs mount. */
static unsigned int
count_hugefiles(const char *prefix)
{
	char dev[256], dir[256], type[64];
	size_t n = strlen(prefix);
	unsigned int count = 0;
	struct dirent *e;
	FILE *f = fopen("/proc/mounts", "r");
	DIR *d;

	assert_non_null(f);
	/* NOLINTNEXTLINE(cert-err34-c): strings only; a short line ends the loop */
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "hugetlbfs") != 0 || (d = opendir(dir)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL)
			count += strncmp(e->d_name, prefix, n) == 0 &&
				 strncmp(e->d_name + n, "map_", 4) == 0;
		closedir(d);
	}
	fclose(f);
	return count;
}

/* Files of client @pid in the prefix's runtime directory: its copies of
 * the memseg lists (fbarray_*_PID) and its mp socket (mp_socket_PID_*),
 * which a client that left DPDK (dipc_eal_cleanup_bounded()) removes. */
static unsigned int
count_client_files(const char *prefix, pid_t pid)
{
	char path[512], suffix[24], sock[40];
	unsigned int count = 0;
	struct dirent *e;
	size_t n, k;
	DIR *d;

	assert_int_equal(dipc_eal_runtime_dir(prefix, path, sizeof(path)), 0);
	snprintf(suffix, sizeof(suffix), "_%d", (int)pid);
	snprintf(sock, sizeof(sock), "mp_socket_%d_", (int)pid);
	k = strlen(suffix);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		count += (strncmp(e->d_name, "fbarray_", 8) == 0 && n > k &&
			  strcmp(e->d_name + n - k, suffix) == 0) ||
			 strncmp(e->d_name, sock, strlen(sock)) == 0;
	}
	closedir(d);
	return count;
}

/* Nothing of the prefix left: no hugepage file, no runtime directory. */
static void
assert_nothing_left(const char *prefix)
{
	assert_int_equal(count_hugefiles(prefix), 0);
	assert_false(harness_run_dir_exists(prefix));
}

/* What a dead server leaves: its hugepage files and runtime directory. */
static void
assert_left(const char *prefix)
{
	assert_true(count_hugefiles(prefix) > 0);
	assert_true(harness_run_dir_exists(prefix));
}

/* Run `dipc-server --cleanup --file-prefix @prefix` to its end; its exit
 * status, its output in @p's log. */
static int
run_cleanup(struct harness *h, struct harness_proc *p, const char *prefix)
{
	static unsigned int seq;
	char log[512], *argv[] = {
		(char *)(uintptr_t)harness_bin("DIPC_SERVER", "app/dipc-server"),
		(char *)(uintptr_t)"--cleanup", (char *)(uintptr_t)"--file-prefix",
		(char *)(uintptr_t)prefix, NULL,
	};

	snprintf(log, sizeof(log), "%s/cleanup-%u.log", h->dir, seq++);
	assert_int_equal(harness_spawn(p, log, -1, argv), 0);
	return harness_wait(p, 30000);
}

static void
expect_cleanup(struct harness *h, const char *prefix, int want, const char *text)
{
	struct harness_proc p;
	int st = run_cleanup(h, &p, prefix);

	if (st != want || !harness_log_contains(&p, text)) {
		fprintf(stderr, "expected exit %d and \"%s\"\n", want, text);
		harness_dump_log(&p);
	}
	assert_int_equal(st, want);
	assert_true(harness_log_contains(&p, text));
}

static void
kill9_server(struct harness *h)
{
	kill(h->server.pid, SIGKILL);
	assert_int_equal(harness_wait(&h->server, HARNESS_STOP_MS), 128 + SIGKILL);
}

static void
stop_server(struct harness *h)
{
	int st = harness_stop_server(h);

	if (st != 0)
		harness_dump_log(&h->server);
	assert_int_equal(st, 0);
}

/* SIGTERM after clients came and went: nothing of the prefix is left. */
static void
test_clean_stop_leaves_nothing(void **state)
{
	struct harness *h = *state;
	const char *calls[] = { "calls", "200", NULL };
	char go[512];
	pid_t client;
	int c, fd;

	assert_int_equal(harness_start_server(h, NULL), 0);
	assert_left(h->prefix);
	/* The client waits for @go after its calls, still attached. */
	snprintf(go, sizeof(go), "%s/go", h->dir);
	setenv("DIPC_TEST_HOLD_FILE", go, 1);
	c = harness_start_client(h, calls);
	unsetenv("DIPC_TEST_HOLD_FILE");
	assert_true(c >= 0);
	client = h->clients[c].pid;
	harness_expect_log(h, c, "test-client: holding", HARNESS_START_MS);
	/* While it runs, its own files are there (the count sees them)... */
	assert_true(count_client_files(h->prefix, client) > 0);
	fd = open(go, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	harness_expect_client(h, c, 0, HARNESS_STATE_MS);
	unlink(go);
	/* ...and it took them with it when it left DPDK. */
	assert_int_equal(count_client_files(h->prefix, client), 0);
	stop_server(h);
	assert_nothing_left(h->prefix);
	assert_false(harness_log_contains(&h->server, "left its hugepage files"));
}

/* The client that kept the files mapped is killed: now --cleanup removes
 * everything. */
static void
kill_holder_then_cleanup(struct harness *h, int c)
{
	kill(h->clients[c].pid, SIGKILL);
	harness_expect_client(h, c, 128 + SIGKILL, HARNESS_STOP_MS);
	expect_cleanup(h, h->prefix, 0, "removed");
	assert_nothing_left(h->prefix);
}

/* A client still attached when the server stops keeps the files: the
 * server says who and how to remove them later; once it is gone,
 * --cleanup does. */
static void
test_clean_stop_with_client_left(void **state)
{
	struct harness *h = *state;
	const char *hold[] = { "hold", "120", NULL };
	char text[128];
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = harness_start_client(h, hold);
	assert_true(c >= 0);
	harness_expect_log(h, c, "connected on slot", HARNESS_START_MS);
	stop_server(h);
	assert_left(h->prefix);
	snprintf(text, sizeof(text), "mapped by pid %d", (int)h->clients[c].pid);
	if (!harness_log_contains(&h->server, text))
		harness_dump_log(&h->server);
	assert_true(harness_log_contains(&h->server, text));
	assert_true(harness_log_contains(&h->server, "dipc-server --cleanup --file-prefix"));
	expect_cleanup(h, h->prefix, 1, text);
	assert_left(h->prefix);

	kill_holder_then_cleanup(h, c);
}

/* kill -9: the files stay; --cleanup removes them; again, a no-op. */
static void
test_kill9_then_cleanup(void **state)
{
	struct harness *h = *state;

	assert_int_equal(harness_start_server(h, NULL), 0);
	kill9_server(h);
	assert_left(h->prefix);
	expect_cleanup(h, h->prefix, 0, "removed");
	assert_nothing_left(h->prefix);
	expect_cleanup(h, h->prefix, 0, "nothing to clean up");
	assert_nothing_left(h->prefix);
}

/* While the server runs: refused, nothing touched, the server serves on. */
static void
test_cleanup_refused_while_server_runs(void **state)
{
	struct harness *h = *state;
	const char *calls[] = { "calls", "100", NULL };
	unsigned int files;
	char text[128];
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	files = count_hugefiles(h->prefix);
	snprintf(text, sizeof(text), "a DPDK primary, pid %d", (int)h->server.pid);
	expect_cleanup(h, h->prefix, 1, text);
	assert_int_equal(count_hugefiles(h->prefix), files);
	assert_true(harness_run_dir_exists(h->prefix));
	c = harness_start_client(h, calls);
	assert_true(c >= 0);
	harness_expect_client(h, c, 0, HARNESS_STATE_MS);
	stop_server(h);
	assert_nothing_left(h->prefix);
}

/* The server died; a client still maps its memory: refused, naming it. */
static void
test_cleanup_refused_while_client_maps(void **state)
{
	struct harness *h = *state;
	const char *hold[] = { "hold", "120", NULL };
	char text[128];
	int c;

	assert_int_equal(harness_start_server(h, NULL), 0);
	c = harness_start_client(h, hold);
	assert_true(c >= 0);
	harness_expect_log(h, c, "connected on slot", HARNESS_START_MS);
	kill9_server(h);
	snprintf(text, sizeof(text), "mapped by pid %d", (int)h->clients[c].pid);
	expect_cleanup(h, h->prefix, 1, text);
	assert_left(h->prefix);

	kill_holder_then_cleanup(h, c);
}

/* The same with dipc-info attached (stopped, so that it does not notice
 * the server is gone and let go before we look). */
static void
test_cleanup_refused_while_info_maps(void **state)
{
	struct harness *h = *state;
	const char *watch[] = { "--watch", "0.2", NULL };
	char text[128];
	int i;

	assert_int_equal(harness_start_server(h, NULL), 0);
	i = harness_start_client_bin(h, "DIPC_INFO", "app/dipc-info", watch);
	assert_true(i >= 0);
	harness_expect_log(h, i, "dipc-info: server pid", HARNESS_START_MS);
	kill(h->clients[i].pid, SIGSTOP);
	kill9_server(h);
	snprintf(text, sizeof(text), "mapped by pid %d", (int)h->clients[i].pid);
	expect_cleanup(h, h->prefix, 1, text);
	assert_left(h->prefix);

	/* Let it run: it sees the server has exited and quits by itself. */
	kill(h->clients[i].pid, SIGCONT);
	assert_true(harness_wait(&h->clients[i], 20000) >= 0);
	expect_cleanup(h, h->prefix, 0, "removed");
	assert_nothing_left(h->prefix);
}

/* Nothing there: a no-op that says so, and creates nothing. */
static void
test_cleanup_nothing_is_noop(void **state)
{
	struct harness *h = *state;

	assert_nothing_left(h->prefix);
	expect_cleanup(h, h->prefix, 0, "nothing to clean up");
	assert_nothing_left(h->prefix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_clean_stop_leaves_nothing),
		HARNESS_TEST(test_clean_stop_with_client_left),
		HARNESS_TEST(test_kill9_then_cleanup),
		HARNESS_TEST(test_cleanup_refused_while_server_runs),
		HARNESS_TEST(test_cleanup_refused_while_client_maps),
		HARNESS_TEST(test_cleanup_refused_while_info_maps),
		HARNESS_TEST(test_cleanup_nothing_is_noop),
	};

	return harness_main("cleanup", "clean", tests, sizeof(tests) / sizeof(tests[0]));
}
