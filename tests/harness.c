/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dipc_eal.h"
#include "harness.h"

static unsigned int harness_seq;

const char *
harness_bin(const char *env, const char *fallback)
{
	const char *v = getenv(env);

	return v != NULL ? v : fallback;
}

static long
meminfo(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

/* Call @fn for every hugetlbfs mount point. */
static int
hugetlbfs_mounts(void (*fn)(const char *dir, void *arg), void *arg)
{
	char dev[256], dir[256], type[64];
	int n = 0;
	FILE *f = fopen("/proc/mounts", "r");

	if (f == NULL)
		return 0;
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "hugetlbfs") != 0)
			continue;
		n++;
		if (fn != NULL)
			fn(dir, arg);
	}
	fclose(f);
	return n;
}

int
harness_hugepages_available(void)
{
	/* A server needs about 100 pages with the default config. */
	return meminfo("HugePages_Free:") >= 128 && hugetlbfs_mounts(NULL, NULL) > 0;
}

int
harness_init(struct harness *h, const char *name)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->prefix, sizeof(h->prefix), "dipct_%s_%d_%u", name, (int)getpid(),
		 harness_seq++);
	snprintf(h->dir, sizeof(h->dir), "/tmp/%s", h->prefix);
	h->server.pid = 0;
	h->server.status = -1;
	if (mkdir(h->dir, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
harness_spawn(struct harness_proc *p, const char *logpath, int cpu, char *const *argv)
{
	pid_t pid;
	int fd;

	snprintf(p->log, sizeof(p->log), "%s", logpath);
	p->status = -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* If the test dies, so do its processes. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		if (cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		execv(argv[0], argv);
		fprintf(stderr, "harness: cannot exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	p->pid = pid;
	return 0;
}

static int
decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

int
harness_wait(struct harness_proc *p, unsigned int timeout_ms)
{
	struct timespec ts = { 0, 5000000L };
	unsigned int waited = 0;
	int st;
	pid_t r;

	if (p->pid <= 0)
		return p->status;
	for (;;) {
		r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid) {
			p->status = decode_status(st);
			p->pid = 0;
			return p->status;
		}
		if (r < 0) {
			p->pid = 0;
			return p->status;
		}
		if (waited >= timeout_ms)
			break;
		nanosleep(&ts, NULL);
		waited += 5;
	}
	/* Overstayed: the test fails on the -1, and nothing is left behind. */
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	p->pid = 0;
	p->status = decode_status(st);
	return -1;
}

int
harness_log_contains(const struct harness_proc *p, const char *text)
{
	FILE *f = fopen(p->log, "r");
	char *buf;
	long len;
	size_t n;
	int found;

	if (f == NULL)
		return 0;
	/* The whole log: a server that printed many reports has a long one. */
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return 0;
	}
	n = fread(buf, 1, (size_t)len, f);
	fclose(f);
	buf[n] = '\0';
	found = strstr(buf, text) != NULL;
	free(buf);
	return found;
}

int
harness_wait_log(struct harness_proc *p, const char *text, unsigned int timeout_ms)
{
	unsigned int waited;
	int st;

	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (harness_log_contains(p, text))
			return 1;
		if (p->pid <= 0 || waitpid(p->pid, &st, WNOHANG) == p->pid) {
			if (p->pid > 0) {
				p->status = decode_status(st);
				p->pid = 0;
			}
			return harness_log_contains(p, text);
		}
		usleep(10000);
	}
	return 0;
}

void
harness_dump_log(const struct harness_proc *p)
{
	char line[512];
	FILE *f = fopen(p->log, "r");

	if (f == NULL)
		return;
	fprintf(stderr, "---- %s ----\n", p->log);
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

static int
build_argv(char **out, int max, const char *bin, const char *const *eal,
	   const char *const *app)
{
	int n = 0;

	out[n++] = (char *)(uintptr_t)bin;
	while (eal != NULL && *eal != NULL && n < max - 2)
		out[n++] = (char *)(uintptr_t)*eal++;
	out[n++] = (char *)(uintptr_t)"--";
	while (app != NULL && *app != NULL && n < max - 1)
		out[n++] = (char *)(uintptr_t)*app++;
	out[n] = NULL;
	return n;
}

int
harness_spawn_server(struct harness *h, struct harness_proc *p, const char *prefix,
		     const char *const *eal_args, const char *const *app_args)
{
	char prefix_arg[128], log[512], *argv[64];
	const char *eal[32];
	int n = 0, i;

	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
	/* Unless the test maps lcores itself. */
	for (i = 0; eal_args != NULL && eal_args[i] != NULL; i++)
		if (strncmp(eal_args[i], "--lcores", 8) == 0)
			break;
	if (eal_args == NULL || eal_args[i] == NULL) {
		eal[n++] = "-l";
		eal[n++] = "0-1";
	}
	eal[n++] = prefix_arg;
	while (eal_args != NULL && *eal_args != NULL && n < 30)
		eal[n++] = *eal_args++;
	eal[n] = NULL;
	snprintf(log, sizeof(log), "%s/server-%u.log", h->dir, h->nb_servers++);
	build_argv(argv, 64, harness_bin("DIPC_SERVER", "app/dipc-server"), eal, app_args);
	return harness_spawn(p, log, -1, argv);
}

int
harness_start_server(struct harness *h, const char *const *app_args)
{
	const char *args[32];
	int n = 0;

	/* Back off when idle: tests share two cores with their clients. */
	args[n++] = "--idle";
	args[n++] = "backoff";
	while (app_args != NULL && *app_args != NULL && n < 30)
		args[n++] = *app_args++;
	args[n] = NULL;
	if (harness_spawn_server(h, &h->server, h->prefix, NULL, args) != 0)
		return -1;
	if (harness_wait_log(&h->server, "dipc-server: ready", 15000))
		return 0;
	harness_dump_log(&h->server);
	return -1;
}

int
harness_start_client(struct harness *h, const char *const *app_args)
{
	return harness_start_client_bin(h, "DIPC_TEST_CLIENT", "tests/dipc_test_client",
					app_args);
}

int
harness_start_client_bin(struct harness *h, const char *env, const char *fallback,
			 const char *const *app_args)
{
	char prefix_arg[128], log[512], *argv[64];
	const char *eal[] = { prefix_arg, NULL };
	const unsigned int max = sizeof(h->clients) / sizeof(h->clients[0]);
	unsigned int i = h->nb_clients;

	/* When all entries are used, reuse one whose process was reaped. */
	if (i >= max) {
		for (i = 0; i < max; i++)
			if (h->clients[i].pid == 0 && h->clients[i].status != -1)
				break;
		if (i == max)
			return -1;
	}
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", h->prefix);
	snprintf(log, sizeof(log), "%s/client-%u.log", h->dir, h->nb_spawned);
	build_argv(argv, 64, harness_bin(env, fallback), eal, app_args);
	/* Clients share CPU 0 with the control lcore; the worker has CPU 1. */
	if (harness_spawn(&h->clients[i], log, 0, argv) != 0)
		return -1;
	h->nb_spawned++;
	if (i == h->nb_clients)
		h->nb_clients++;
	return (int)i;
}

int
harness_server_dump(struct harness *h, struct harness_dump *d, unsigned int timeout_ms)
{
	char line[512];
	unsigned int waited;
	long offset;
	FILE *f;
	int got_conns = 0;
	unsigned int cls, cfree, csize, clent;

	f = fopen(h->server.log, "r");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	offset = ftell(f);
	memset(d, 0, sizeof(*d));
	kill(h->server.pid, SIGUSR1);
	for (waited = 0; waited < timeout_ms; waited += 5) {
		usleep(5000);
		clearerr(f);
		fseek(f, offset, SEEK_SET);
		/* Only whole lines: the server may be half-way through one. */
		while (fgets(line, sizeof(line), f) != NULL && strchr(line, '\n') != NULL) {
			offset = ftell(f);
			/* NOLINTBEGIN(cert-err34-c): a mismatch is retried, then fails */
			if (sscanf(line, "dipc-server: connections admitted %lu, refused %lu, "
					 "closed %lu (of which dead %lu), open %lu",
				   &d->admitted, &d->refused, &d->closed, &d->dead, &d->open) == 5)
				got_conns = 1;
			/* The larger classes come first, class 0 ends the report. */
			if (got_conns &&
			    sscanf(line, "dipc-server: pool dipc_pool_%u: %u of %u mbufs free, %u lent",
				   &cls, &cfree, &csize, &clent) == 4 && cls < 4) {
				d->class_free[cls] = cfree;
				d->class_size[cls] = csize;
				d->class_lent[cls] = clent;
			}
			if (got_conns &&
			    sscanf(line, "dipc-server: pool dipc_pool_0: %u of %u mbufs free, %u lent",
				   &d->pool_free, &d->pool_size, &d->lent) == 3) {
				fclose(f);
				return 0;
			}
			/* NOLINTEND(cert-err34-c) */
		}
	}
	fclose(f);
	return -1;
}

int
harness_stop_server(struct harness *h)
{
	if (h->server.pid > 0)
		kill(h->server.pid, SIGTERM);
	return harness_wait(&h->server, 15000);
}

int
harness_pool_full(const struct harness *h)
{
	char line[512];
	unsigned int free_n, size, lent;
	int full = 0;
	FILE *f = fopen(h->server.log, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		/* NOLINTNEXTLINE(cert-err34-c): a mismatch leaves full at 0, the safe answer */
		if (sscanf(line, "dipc-server: pool dipc_pool_0: %u of %u mbufs free, %u lent",
			   &free_n, &size, &lent) == 3)
			full = free_n + lent == size && size > 0;
	fclose(f);
	return full;
}

/* A directory and its files (run and EAL runtime directories are flat). */
static void
remove_tree(const char *dir)
{
	char path[1024];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path); /* fails harmlessly on . and .. */
	closedir(d);
	rmdir(dir);
}

/* Remove the entries of @dir that @match accepts; a directory goes with
 * its files. */
static void
remove_matching(const char *dir, int (*match)(const char *name, const void *arg),
		const void *arg)
{
	char path[1024];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    !match(e->d_name, arg))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue; /* not a path the harness made */
		if (unlink(path) != 0 && errno == EISDIR)
			remove_tree(path);
	}
	closedir(d);
}

/* Hugepage files of a prefix: PREFIXmap_N. */
static int
match_hugefile(const char *name, const void *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(name, prefix, n) == 0 && strncmp(name + n, "map_", 4) == 0;
}

static void
remove_hugefiles(const char *dir, void *prefix)
{
	remove_matching(dir, match_hugefile, prefix);
}

void
harness_kill_all(const struct harness *h)
{
	unsigned int i;

	for (i = 0; i < h->nb_clients; i++)
		if (h->clients[i].pid > 0)
			kill(h->clients[i].pid, SIGKILL);
	if (h->server.pid > 0)
		kill(h->server.pid, SIGKILL);
}

/* Is @name "dipct_<word>_<pid>_..." with a pid that is gone? */
static int
match_stale(const char *name, const void *arg __attribute__((unused)))
{
	const char *p;
	long pid;

	if (strncmp(name, "dipct_", 6) != 0)
		return 0;
	p = strchr(name + 6, '_');
	if (p == NULL)
		return 0;
	pid = strtol(p + 1, NULL, 10);
	return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void
remove_stale(const char *dir, void *arg __attribute__((unused)))
{
	remove_matching(dir, match_stale, NULL);
}

void
harness_cleanup_stale(void)
{
	char dir[512];

	hugetlbfs_mounts(remove_stale, NULL);
	if (dipc_eal_runtime_dir("", dir, sizeof(dir)) == 0)
		remove_stale(dir, NULL);
	remove_stale("/tmp", NULL);
}

void
harness_cleanup(struct harness *h)
{
	char path[512];
	unsigned int i;

	for (i = 0; i < h->nb_clients; i++)
		if (h->clients[i].pid > 0) {
			kill(h->clients[i].pid, SIGKILL);
			harness_wait(&h->clients[i], 5000);
		}
	if (h->server.pid > 0) {
		kill(h->server.pid, SIGKILL);
		harness_wait(&h->server, 5000);
	}
	/* Hugepage files are named PREFIXmap_N; the EAL runtime dir is
	 * /var/run/dpdk/PREFIX. */
	hugetlbfs_mounts(remove_hugefiles, h->prefix);
	if (dipc_eal_runtime_dir(h->prefix, path, sizeof(path)) == 0)
		remove_tree(path);
	if (getenv("DIPC_TEST_KEEP_LOGS") == NULL)
		remove_tree(h->dir);
}

/* The running case's harness, for the signal handler; and the tag. */
static struct harness harness_current;
static const char *harness_tag = "t";

/* Killed by a timeout or ^C: stop our processes (kill() is async-signal-
 * safe; they also die with us through PR_SET_PDEATHSIG). Their files are
 * removed by the next run's harness_cleanup_stale(). */
static void
harness_on_signal(int sig)
{
	/* NOLINTNEXTLINE(bugprone-signal-handler,cert-sig30-c): only kill(2) */
	harness_kill_all(&harness_current);
	signal(sig, SIG_DFL);
	raise(sig);
}

int
harness_setup(void **state)
{
	if (harness_init(&harness_current, harness_tag) != 0)
		return -1;
	*state = &harness_current;
	return 0;
}

int
harness_teardown(void **state)
{
	harness_cleanup(*state);
	return 0;
}

int
harness_main(const char *group, const char *tag, const struct CMUnitTest *tests,
	     size_t nb_tests)
{
	if (!harness_hugepages_available()) {
		fprintf(stderr, "SKIP: no free 2 MB hugepages (reserve them with "
				"tools/setup.sh or dpdk-hugepages.py -p 2M --setup 1G)\n");
		return HARNESS_SKIP;
	}
	harness_tag = tag;
	harness_cleanup_stale();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, harness_on_signal);
	signal(SIGINT, harness_on_signal);
	if (getenv("DIPC_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("DIPC_TEST_FILTER"));
	return _cmocka_run_group_tests(group, tests, nb_tests, NULL, NULL);
}

void
harness_expect_client(struct harness *h, int i, int want, unsigned int timeout_ms)
{
	int st = harness_wait(&h->clients[i], timeout_ms);

	if (st != want)
		harness_dump_log(&h->clients[i]);
	assert_int_equal(st, want);
}

void
harness_expect_log(struct harness *h, int i, const char *text, unsigned int timeout_ms)
{
	int found = harness_wait_log(&h->clients[i], text, timeout_ms);

	if (!found)
		harness_dump_log(&h->clients[i]);
	assert_true(found);
}
