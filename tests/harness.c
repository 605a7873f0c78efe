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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "dipc_eal.h"
#include "harness.h"

/* DIPC_TEST_WAIT_SCALE (1..10, default 1) multiplies every wait bound:
 * tools/test.sh sets it for the sanitizer build, whose processes run
 * several times slower (as meson's --timeout-multiplier does for whole
 * tests). */
unsigned int
harness_wait_scale(void)
{
	static unsigned int scale;
	const char *v;

	if (scale == 0) {
		v = getenv("DIPC_TEST_WAIT_SCALE");
		scale = v != NULL ? (unsigned int)strtoul(v, NULL, 10) : 1;
		if (scale < 1 || scale > 10)
			scale = 1;
	}
	return scale;
}

static unsigned int
scaled(unsigned int ms)
{
	return ms * harness_wait_scale();
}

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
harness_hugepages_reserved(void)
{
	return meminfo("HugePages_Total:") >= HARNESS_SERVER_PAGES &&
	       hugetlbfs_mounts(NULL, NULL) > 0;
}

int
harness_hugepages_available(void)
{
	return meminfo("HugePages_Free:") >= HARNESS_SERVER_PAGES &&
	       hugetlbfs_mounts(NULL, NULL) > 0;
}

/* Reserved but in use: the test program meson runs beside this one gives
 * its pages back when its servers have exited, which on a loaded machine
 * can take many seconds after they said they stopped. Waits up to
 * HARNESS_HUGEPAGES_MS; returns 1 once a server's worth is free, 0 if
 * not in time (the server then fails with its own message). */
int
harness_wait_hugepages(void)
{
	unsigned int waited;

	for (waited = 0; !harness_hugepages_available(); waited += 100) {
		if (waited >= scaled(HARNESS_HUGEPAGES_MS)) {
			fprintf(stderr, "harness: fewer than %d free 2 MB hugepages for %u s: "
					"another DPDK process holds them (dpdk-hugepages.py -s)\n",
				HARNESS_SERVER_PAGES, scaled(HARNESS_HUGEPAGES_MS) / 1000);
			return 0;
		}
		usleep(100000);
	}
	return 1;
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
		if (waited >= scaled(timeout_ms))
			break;
		nanosleep(&ts, NULL);
		waited += 5;
	}
	/* Overstayed: the test fails on the -1, and nothing is left behind. */
	harness_diagnose(p);
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

	for (waited = 0; waited < scaled(timeout_ms); waited += 10) {
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

/* Up to this many holders of a hugetlbfs directory's flock get their
 * stacks printed beside the process that overstayed. */
#define HARNESS_MAX_HOLDERS 4

struct dir_lock_holders {
	pid_t pid[HARNESS_MAX_HOLDERS];
	unsigned int n;
};

/* The holders of (and waiters for) flocks on a hugetlbfs directory; the
 * holders' pids go into *arg. */
static void
print_dir_locks(const char *dir, void *arg)
{
	struct dir_lock_holders *holders = arg;
	char line[256], want[64], cmd[256], path[64];
	unsigned int pid;
	struct stat st;
	size_t i, n;
	FILE *f, *c;

	if (stat(dir, &st) != 0 || (f = fopen("/proc/locks", "r")) == NULL)
		return;
	snprintf(want, sizeof(want), " %02x:%02x:%lu ", major(st.st_dev), minor(st.st_dev),
		 (unsigned long)st.st_ino);
	fprintf(stderr, "harness: flocks on %s (EAL holds it while it maps memory):\n", dir);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *at = strstr(line, want);

		/* "N: [-> ]FLOCK  ADVISORY  WRITE PID MAJ:MIN:INO ..." */
		if (at == NULL)
			continue;
		while (at > line && at[-1] == ' ')
			at--;
		while (at > line && at[-1] != ' ')
			at--;
		if (sscanf(at, "%u", &pid) != 1) /* NOLINT(cert-err34-c): 0 is shown as is */
			pid = 0;
		snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
		cmd[0] = '\0';
		if ((c = fopen(path, "r")) != NULL) {
			n = fread(cmd, 1, sizeof(cmd) - 1, c);
			fclose(c);
			for (i = 0; i < n; i++)
				if (cmd[i] == '\0')
					cmd[i] = ' ';
			cmd[n] = '\0';
		}
		fprintf(stderr, "  %.*s-> %s\n", (int)strcspn(line, "\n"), line, cmd);
		/* "N: -> FLOCK ..." is a waiter; the others hold the lock. */
		if (strstr(line, "->") == NULL && pid != 0 && holders->n < HARNESS_MAX_HOLDERS)
			holders->pid[holders->n++] = (pid_t)pid;
	}
	fclose(f);
}

/* Where each thread of a process is in user space (a process that spins
 * shows state R and no wait channel in /proc). */
static void
print_stacks(pid_t pid)
{
	char spid[16];
	pid_t g;
	int st;

	if (access("/usr/bin/gdb", X_OK) != 0 || access("/usr/bin/timeout", X_OK) != 0)
		return;
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	fprintf(stderr, "harness: pid %d, stacks (gdb):\n", (int)pid);
	fflush(stderr);
	g = fork();
	if (g == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl("/usr/bin/timeout", "timeout", "30", "/usr/bin/gdb", "-batch", "-nx", "-q",
		      "-p", spid, "-ex", "thread apply all bt", (char *)NULL);
		_exit(127);
	}
	if (g > 0)
		waitpid(g, &st, 0);
}

void
harness_diagnose(const struct harness_proc *p)
{
	struct dir_lock_holders holders = { .n = 0 };
	unsigned int i;
	char path[320], comm[64], wchan[64], stat[512], *st;
	struct dirent *e;
	DIR *d;
	FILE *f;

	if (p->pid <= 0)
		return;
	fprintf(stderr, "harness: pid %d (%s) threads, state and where they wait:\n", (int)p->pid,
		p->log);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
	d = opendir(path);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		comm[0] = wchan[0] = stat[0] = '\0';
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)p->pid, e->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(comm, sizeof(comm), f) == NULL)
				comm[0] = '\0';
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", (int)p->pid, e->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(wchan, sizeof(wchan), f) == NULL)
				wchan[0] = '\0';
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)p->pid, e->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(stat, sizeof(stat), f) == NULL)
				stat[0] = '\0';
			fclose(f);
		}
		st = strrchr(stat, ')');
		fprintf(stderr, "  task %s %.*s: state %c, wchan %s\n", e->d_name,
			(int)strcspn(comm, "\n"), comm, st != NULL && st[1] != '\0' ? st[2] : '?',
			wchan[0] != '\0' ? wchan : "-");
	}
	if (d != NULL)
		closedir(d);
	hugetlbfs_mounts(print_dir_locks, &holders);
	print_stacks(p->pid);
	/* What a holder of the flock does keeps every waiter waiting. */
	for (i = 0; i < holders.n; i++)
		if (holders.pid[i] != p->pid)
			print_stacks(holders.pid[i]);
}

void
harness_write_token(const struct harness *h, const char *name, const char *secret, mode_t mode,
		    char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", h->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", secret);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

int
harness_run_dir_exists(const char *prefix)
{
	char path[512];
	struct stat st;

	assert_int_equal(dipc_eal_runtime_dir(prefix, path, sizeof(path)), 0);
	return stat(path, &st) == 0;
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
	char prefix_arg[128], heartbeat[16], log[512], *argv[64];
	const char *eal[32], *app[40];
	int n = 0, i;

	/* Unless the test sets the heartbeat itself: a generous one. */
	for (i = 0; app_args != NULL && app_args[i] != NULL && i < 36; i++)
		app[i] = app_args[i];
	app[i] = NULL;
	for (n = 0; n < i && strcmp(app[n], "--heartbeat-ms") != 0; n++)
		;
	if (n == i) {
		snprintf(heartbeat, sizeof(heartbeat), "%u", scaled(HARNESS_HEARTBEAT_MS));
		app[i++] = "--heartbeat-ms";
		app[i++] = heartbeat;
		app[i] = NULL;
	}
	n = 0;
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
	n = 0;
	if (h->netns[0] != '\0') {
		/* ip execs the server in the namespace: the pid is the server's. */
		argv[n++] = (char *)(uintptr_t)"/bin/ip";
		argv[n++] = (char *)(uintptr_t)"netns";
		argv[n++] = (char *)(uintptr_t)"exec";
		argv[n++] = h->netns;
	}
	build_argv(argv + n, 64 - n, harness_bin("DIPC_SERVER", "app/dipc-server"), eal, app);
	harness_wait_hugepages();
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
	if (harness_wait_log(&h->server, "dipc-server: ready", HARNESS_START_MS))
		return 0;
	harness_dump_log(&h->server);
	harness_diagnose(&h->server);
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
harness_stop_server(struct harness *h)
{
	if (h->server.pid > 0)
		kill(h->server.pid, SIGTERM);
	return harness_wait(&h->server, HARNESS_STOP_MS);
}

/* Ask the server's telemetry socket: an init message first, then one
 * reply per command. */
void *
harness_telemetry(const struct harness *h, const char *cmd)
{
	static char buf[1 << 17];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 20 };
	char dir[256];
	ssize_t n;
	int fd;

	if (dipc_eal_runtime_dir(h->prefix, dir, sizeof(dir)) != 0 ||
	    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2", dir) >=
		    (int)sizeof(sun.sun_path))
		return NULL;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	/* A stopped (SIGSTOP) server must not hang the test. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    recv(fd, buf, sizeof(buf) - 1, 0) > 0 &&
	    send(fd, cmd, strlen(cmd), 0) == (ssize_t)strlen(cmd))
		n = recv(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return cJSON_Parse(buf);
}

/* The answer under the command's name (without its parameters). */
static const cJSON *
tel_answer(const cJSON *root, const char *cmd)
{
	char key[128];

	snprintf(key, sizeof(key), "%s", cmd);
	if (strchr(key, ',') != NULL)
		*strchr(key, ',') = '\0';
	return cJSON_GetObjectItemCaseSensitive(root, key);
}

/* A number of a dict; *ok cleared if missing. */
static unsigned long
tel_num(const cJSON *d, const char *key, int *ok)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
		*ok = 0;
		return 0;
	}
	return (unsigned long)v->valuedouble;
}

long
harness_telemetry_num(const struct harness *h, const char *cmd, const char *key)
{
	cJSON *root = harness_telemetry(h, cmd);
	const cJSON *d = tel_answer(root, cmd);
	unsigned long v;
	int ok = 1;

	v = cJSON_IsObject(d) ? tel_num(d, key, &ok) : 0;
	ok = ok && cJSON_IsObject(d);
	cJSON_Delete(root);
	return ok ? (long)v : -1;
}

int
harness_telemetry_str(const struct harness *h, const char *cmd, const char *key, char *out,
		      size_t len)
{
	cJSON *root = harness_telemetry(h, cmd);
	const cJSON *d = tel_answer(root, cmd), *v;
	int ret = -1;

	v = cJSON_IsObject(d) ? cJSON_GetObjectItemCaseSensitive(d, key) : NULL;
	if (v != NULL && cJSON_IsString(v) && v->valuestring != NULL) {
		snprintf(out, len, "%s", v->valuestring);
		ret = 0;
	}
	cJSON_Delete(root);
	return ret;
}

/* Entry @i of the number array @key of a dict; *ok cleared if missing. */
static unsigned int
tel_column(const cJSON *d, const char *key, int i, int *ok)
{
	const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, key), i);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
		*ok = 0;
		return 0;
	}
	return (unsigned int)v->valuedouble;
}

int
harness_server_state(const struct harness *h, struct harness_state *s)
{
	cJSON *stats, *pools;
	const cJSON *d, *st;
	unsigned int i;
	int ok = 1;

	memset(s, 0, sizeof(*s));
	stats = harness_telemetry(h, "/dipc/stats");
	pools = harness_telemetry(h, "/dipc/pools");
	d = tel_answer(stats, "/dipc/stats");
	if (!cJSON_IsObject(d) || !cJSON_IsObject(tel_answer(pools, "/dipc/pools"))) {
		cJSON_Delete(stats);
		cJSON_Delete(pools);
		return -1;
	}
	st = cJSON_GetObjectItemCaseSensitive(d, "state");
	snprintf(s->state, sizeof(s->state), "%s", cJSON_IsString(st) ? st->valuestring : "?");
#define N(field, key) s->field = tel_num(d, key, &ok)
	N(server_pid, "server_pid");
	N(workers, "workers");
	N(max_connections, "max_connections");
	N(slots_ready, "slots_ready");
	N(admitted, "admitted");
	N(refused, "refused");
	N(refused_version, "refused_version");
	N(refused_token, "refused_token");
	N(refused_shutdown, "refused_shutdown");
	N(refused_full, "refused_full");
	N(refused_pid, "refused_pid");
	N(refused_uid, "refused_uid");
	N(refused_proto, "refused_proto");
	N(bad_slot_state, "bad_slot_state");
	N(slots_created, "slots_created");
	N(reused, "reused");
	N(closed, "closed");
	N(dead, "dead");
	N(open, "open_connections");
	N(stalled, "stalled");
	N(stall_closed, "stall_closed");
	N(moved, "moved");
	N(reclaimed_mbufs, "reclaimed_mbufs");
	N(rx, "rx_msgs");
	N(tx, "tx_msgs");
	N(invalid, "invalid_msgs");
	N(rsp_full, "rsp_full");
	N(given_back, "given_back");
	N(invalid_bad_magic, "invalid_bad_magic");
	N(invalid_bad_version, "invalid_bad_version");
	N(invalid_bad_length, "invalid_bad_length");
	N(invalid_bad_flags, "invalid_bad_flags");
	N(invalid_unknown_method, "invalid_unknown_method");
	N(invalid_bad_mbuf, "invalid_bad_mbuf");
	N(dropped_not_mbuf, "dropped_not_mbuf");
	N(dropped_not_lent, "dropped_not_lent");
	N(dropped_bad_chain, "dropped_bad_chain");
#undef N
	d = tel_answer(pools, "/dipc/pools");
	s->nb_pools = (unsigned int)tel_num(d, "pools", &ok);
	if (s->nb_pools > HARNESS_MAX_POOLS)
		ok = 0;
	for (i = 0; ok && i < s->nb_pools; i++) {
		s->pool_size[i] = tel_column(d, "size", (int)i, &ok);
		s->pool_free[i] = tel_column(d, "avail", (int)i, &ok);
		s->pool_in_use[i] = tel_column(d, "in_use", (int)i, &ok);
	}
	cJSON_Delete(stats);
	cJSON_Delete(pools);
	if (!ok) {
		fprintf(stderr, "harness: the server's telemetry lacks a figure the tests read\n");
		return -1;
	}
	return 0;
}

int
harness_server_conn(const struct harness *h, pid_t pid, struct harness_conn *c)
{
	cJSON *root = harness_telemetry(h, "/dipc/connections");
	const cJSON *d = tel_answer(root, "/dipc/connections"), *pids;
	int i, n, ok = 1, ret = -1;

	memset(c, 0, sizeof(*c));
	pids = cJSON_GetObjectItemCaseSensitive(d, "pid");
	n = cJSON_GetArraySize(pids);
	for (i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetArrayItem(pids, i);

		if (!cJSON_IsNumber(v) || (pid_t)v->valuedouble != pid)
			continue;
		c->slot = tel_column(d, "slot", i, &ok);
		c->worker = tel_column(d, "worker", i, &ok);
		c->rx = tel_column(d, "rx_msgs", i, &ok);
		c->tx = tel_column(d, "tx_msgs", i, &ok);
		c->invalid = tel_column(d, "invalid_msgs", i, &ok);
		c->stalls = tel_column(d, "stalls", i, &ok);
		c->req_queued = tel_column(d, "req_queued", i, &ok);
		c->rsp_queued = tel_column(d, "rsp_queued", i, &ok);
		ret = ok ? 0 : -1;
		break;
	}
	cJSON_Delete(root);
	return ret;
}

int
harness_wait_state(const struct harness *h, struct harness_state *s, harness_state_pred pred,
		   const void *arg, unsigned int timeout_ms)
{
	struct timespec t0, t;
	struct harness_state now;
	int have = 0;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (harness_server_state(h, &now) == 0) {
			*s = now;
			have = 1;
			if (pred(s, arg))
				return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >=
		    (long)scaled(timeout_ms))
			break;
		usleep(10000); /* a poll period, not a wait for the state */
	}
	if (!have)
		fprintf(stderr, "harness: the server's telemetry did not answer in %u ms\n",
			scaled(timeout_ms));
	return 0;
}

int
harness_state_idle(const struct harness_state *s, const void *arg __attribute__((unused)))
{
	unsigned int i;

	/* Slot states are read live, the counters as the control lcore last
	 * published them: a slot already free may not be counted closed yet
	 * (nor its messages). Every close counts in closed, dead ones too. */
	if (s->open != 0 || s->nb_pools == 0 || s->closed < s->admitted)
		return 0;
	for (i = 0; i < s->nb_pools; i++)
		if (s->pool_size[i] == 0 || s->pool_free[i] != s->pool_size[i])
			return 0;
	return 1;
}

void
harness_print_state(const struct harness_state *s)
{
	unsigned int i;

	fprintf(stderr, "server state (telemetry): %s; admitted %lu, refused %lu (version %lu, "
			"token %lu, shutting down %lu, full %lu, pid %lu, uid/gid %lu, handshake %lu), closed %lu, dead %lu, open %lu, "
			"reused %lu, slots %lu; stalled %lu, stall_closed %lu, moved %lu; "
			"rx %lu, tx %lu, invalid %lu, given back %lu\n",
		s->state, s->admitted, s->refused, s->refused_version, s->refused_token,
		s->refused_shutdown, s->refused_full, s->refused_pid, s->refused_uid,
		s->refused_proto, s->closed, s->dead, s->open, s->reused,
		s->slots_ready, s->stalled, s->stall_closed, s->moved, s->rx, s->tx, s->invalid,
		s->given_back);
	for (i = 0; i < s->nb_pools; i++)
		fprintf(stderr, "  pool %u: %u of %u free, %u in use\n", i, s->pool_free[i],
			s->pool_size[i], s->pool_in_use[i]);
}

void
harness_expect_stop(struct harness *h)
{
	if (h->server.pid > 0)
		kill(h->server.pid, SIGTERM);
	harness_expect_exit(h);
}

void
harness_expect_exit(struct harness *h)
{
	int st = harness_wait(&h->server, HARNESS_STOP_MS);

	if (st != 0 || !harness_log_contains(&h->server, "dipc-server: stopped") ||
	    harness_log_contains(&h->server, "were not returned to the pool"))
		harness_dump_log(&h->server);
	assert_int_equal(st, 0);
	assert_true(harness_log_contains(&h->server, "dipc-server: stopped"));
	assert_false(harness_log_contains(&h->server, "were not returned to the pool"));
}

void
harness_expect_idle_stop(struct harness *h, struct harness_state *out)
{
	struct harness_state s;

	if (!harness_wait_state(h, &s, harness_state_idle, NULL, HARNESS_STATE_MS)) {
		harness_print_state(&s);
		harness_dump_log(&h->server);
		fail_msg("the server did not get idle (no connection, every pool whole) in %u ms",
			 HARNESS_STATE_MS);
	}
	if (out != NULL)
		*out = s;
	harness_expect_stop(h);
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

#define HARNESS_FREEZER "/sys/fs/cgroup/freezer"

/* Write @text to @path; 0 or -errno. Async-signal-safe. */
static int
write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Thaw the freezer cgroup @dir, move its tasks back to the root, remove it. */
static void
thaw_dir(const char *dir)
{
	char path[512], tid[32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	write_text(path, "THAWED");
	snprintf(path, sizeof(path), "%s/tasks", dir);
	f = fopen(path, "r");
	if (f != NULL) {
		while (fgets(tid, sizeof(tid), f) != NULL)
			write_text(HARNESS_FREEZER "/tasks", tid);
		fclose(f);
	}
	rmdir(dir);
}

int
harness_freeze_thread(struct harness *h, int tid)
{
	char path[512], text[32];
	unsigned int waited;
	FILE *f;
	int ret;

	if (access(HARNESS_FREEZER "/tasks", W_OK) != 0)
		return -ENOTSUP;
	snprintf(h->freezer, sizeof(h->freezer), HARNESS_FREEZER "/%s", h->prefix);
	if (mkdir(h->freezer, 0755) != 0 && errno != EEXIST) {
		ret = -errno;
		h->freezer[0] = '\0';
		return ret;
	}
	snprintf(h->freezer_state, sizeof(h->freezer_state), "%s/freezer.state", h->freezer);
	snprintf(path, sizeof(path), "%s/tasks", h->freezer);
	snprintf(text, sizeof(text), "%d", tid);
	ret = write_text(path, text);
	if (ret == 0)
		ret = write_text(h->freezer_state, "FROZEN");
	/* FREEZING until every task in it has stopped. */
	for (waited = 0; ret == 0 && waited < scaled(HARNESS_STATE_MS); waited++) {
		f = fopen(h->freezer_state, "r");
		if (f == NULL)
			break;
		if (fgets(text, sizeof(text), f) == NULL)
			text[0] = '\0';
		fclose(f);
		if (strncmp(text, "FROZEN", 6) == 0)
			return 0;
		usleep(1000);
	}
	harness_thaw(h);
	return ret != 0 ? ret : -ETIMEDOUT;
}

void
harness_thaw(struct harness *h)
{
	if (h->freezer[0] == '\0')
		return;
	thaw_dir(h->freezer);
	h->freezer[0] = '\0';
}

void
harness_kill_all(const struct harness *h)
{
	static const char thawed[] = "THAWED";
	unsigned int i;
	int fd;

	/* A frozen thread would not die: thaw first (open and write only,
	 * async-signal-safe). */
	if (h->freezer[0] != '\0') {
		fd = open(h->freezer_state, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = write(fd, thawed, sizeof(thawed) - 1);

			(void)n; /* nothing more a signal handler can do */
			close(fd);
		}
	}

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

	struct dirent *e;
	DIR *d;

	hugetlbfs_mounts(remove_stale, NULL);
	if (dipc_eal_runtime_dir("", dir, sizeof(dir)) == 0)
		remove_stale(dir, NULL);
	remove_stale("/tmp", NULL);
	/* A freezer cgroup of a run that was killed: its server thread is
	 * still frozen (and cannot die) until thawed. */
	d = opendir(HARNESS_FREEZER);
	while (d != NULL && (e = readdir(d)) != NULL)
		if (match_stale(e->d_name, NULL) &&
		    (size_t)snprintf(dir, sizeof(dir), HARNESS_FREEZER "/%s", e->d_name) <
			    sizeof(dir))
			thaw_dir(dir);
	if (d != NULL)
		closedir(d);
}

void
harness_cleanup(struct harness *h)
{
	char path[512];
	unsigned int i;

	harness_thaw(h); /* a frozen thread would not die */
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
	/* A remote peer's own EAL runtime dir (tests/test_eth.c). */
	{
		char remote[128];

		if ((size_t)snprintf(remote, sizeof(remote), "%s_remote", h->prefix) <
			    sizeof(remote) &&
		    dipc_eal_runtime_dir(remote, path, sizeof(path)) == 0)
			remove_tree(path);
	}
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

static int
harness_run(const char *group, const char *tag, const struct CMUnitTest *tests,
	    size_t nb_tests)
{
	if (!harness_hugepages_reserved()) {
		fprintf(stderr, "SKIP: no 2 MB hugepages (reserve them with "
				"tools/setup.sh or dpdk-hugepages.py -p 2M --setup 1G)\n");
		return HARNESS_SKIP;
	}
	if (!harness_wait_hugepages())
		return 1;
	harness_tag = tag;
	harness_cleanup_stale();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, harness_on_signal);
	signal(SIGINT, harness_on_signal);
	if (getenv("DIPC_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("DIPC_TEST_FILTER"));
	return _cmocka_run_group_tests(group, tests, nb_tests, NULL, NULL);
}

int
harness_main(const char *group, const char *tag, const struct CMUnitTest *tests,
	     size_t nb_tests)
{
	return harness_run(group, tag, tests, nb_tests);
}

int
harness_main_groups(int argc, char **argv, const char *name, const char *tag,
		    const struct harness_case *cases, size_t nb_cases)
{
	static char group[128];
	const char *want = argc > 1 ? argv[1] : "all";
	struct CMUnitTest *tests;
	size_t i, n = 0;
	int j, found, ret;

	if (strcmp(want, "--check-groups") == 0) {
		for (i = 0, ret = 0; i < nb_cases; i++) {
			for (j = 2, found = 0; j < argc && !found; j++)
				found = strcmp(cases[i].group, argv[j]) == 0;
			if (!found) {
				fprintf(stderr, "%s: %s is in group '%s', which meson does not "
						"run (tests/meson.build)\n", name, cases[i].test.name,
					cases[i].group);
				ret = 1;
			}
		}
		for (j = 2; j < argc; j++) {
			for (i = 0, found = 0; i < nb_cases && !found; i++)
				found = strcmp(cases[i].group, argv[j]) == 0;
			if (!found) {
				fprintf(stderr, "%s: no case in group '%s'\n", name, argv[j]);
				ret = 1;
			}
		}
		if (ret == 0)
			printf("%s: every case is in one of the %d groups\n", name, argc - 2);
		return ret;
	}
	tests = calloc(nb_cases, sizeof(*tests));
	if (tests == NULL)
		return 1;
	for (i = 0; i < nb_cases; i++)
		if (strcmp(want, "all") == 0 || strcmp(want, cases[i].group) == 0)
			tests[n++] = cases[i].test;
	if (n == 0) {
		fprintf(stderr, "%s: no group '%s'; groups:", name, want);
		for (i = 0; i < nb_cases; i++)
			if (i == 0 || strcmp(cases[i].group, cases[i - 1].group) != 0)
				fprintf(stderr, " %s", cases[i].group);
		fprintf(stderr, "\n");
		free(tests);
		return 2;
	}
	snprintf(group, sizeof(group), "%s/%s", name, want);
	ret = harness_run(group, tag, tests, n);
	free(tests);
	return ret;
}

void
harness_expect_client(struct harness *h, int i, int want, unsigned int timeout_ms)
{
	int st = harness_wait(&h->clients[i], timeout_ms);

	/* The server's log too: a client's failure is often the server's
	 * (a stopped heartbeat, a refusal), and says why there. */
	if (st != want) {
		harness_dump_log(&h->clients[i]);
		harness_dump_log(&h->server);
	}
	assert_int_equal(st, want);
}

void
harness_expect_log(struct harness *h, int i, const char *text, unsigned int timeout_ms)
{
	int found = harness_wait_log(&h->clients[i], text, timeout_ms);

	if (!found) {
		harness_dump_log(&h->clients[i]);
		harness_diagnose(&h->clients[i]);
	}
	assert_true(found);
}
