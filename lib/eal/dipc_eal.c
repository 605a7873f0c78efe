/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "dipc_eal.h"
#include "eal_private.h"

/* dipc.eal: the reasons behind returned errors, at DEBUG. */
RTE_LOG_REGISTER_DEFAULT(dipc_eal_logtype, NOTICE);

#define DIM_REPLACED (sizeof(((struct dipc_eal_default *)0)->replaced_by) / sizeof(char *))

int
dipc_eal_argc(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

int
dipc_eal_help_wanted(int argc, char **argv)
{
	int n = dipc_eal_argc(argc, argv), i;

	for (i = 1; i < n; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

/* Does argv[i] name @opt, either alone or as "opt=value"? */
static const char *
arg_matches(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(arg, opt, n) != 0)
		return NULL;
	if (arg[n] == '\0' || arg[n] == '=')
		return arg + n;
	/* Short options take their value glued on too: "-l0-1". */
	if (opt[0] == '-' && opt[1] != '-' && opt[2] == '\0')
		return arg + n;
	return NULL;
}

const char *
dipc_eal_arg_value(int argc, char **argv, const char *opt)
{
	int n = dipc_eal_argc(argc, argv), i;
	const char *rest;

	for (i = 1; i < n; i++) {
		rest = arg_matches(argv[i], opt);
		if (rest == NULL)
			continue;
		if (*rest == '=')
			return rest + 1;
		if (*rest != '\0')
			return rest;
		return i + 1 < n ? argv[i + 1] : NULL;
	}
	return NULL;
}

static int
arg_present(int n, char **argv, const char *opt)
{
	int i;

	for (i = 1; i < n; i++)
		if (arg_matches(argv[i], opt) != NULL)
			return 1;
	return 0;
}

int
dipc_eal_args_merge(int argc, char **argv, const struct dipc_eal_default *defs,
		    unsigned int nb_defs, char **out)
{
	int n = dipc_eal_argc(argc, argv), i, k = 0;
	unsigned int d, r;

	out[k++] = argv[0];
	for (d = 0; d < nb_defs; d++) {
		int replaced = 0;

		for (r = 0; r < DIM_REPLACED && defs[d].replaced_by[r] != NULL; r++)
			replaced |= arg_present(n, argv, defs[d].replaced_by[r]);
		if (replaced)
			continue;
		if (k >= DIPC_EAL_MAX_ARGS)
			return -E2BIG;
		out[k++] = (char *)(uintptr_t)defs[d].arg;
	}
	for (i = 1; i < n; i++) {
		if (k >= DIPC_EAL_MAX_ARGS)
			return -E2BIG;
		out[k++] = argv[i];
	}
	out[k] = NULL;
	return k;
}

int
dipc_eal_runtime_dir(const char *file_prefix, char *buf, size_t len)
{
	const char *base = "/var/run";
	int n;

	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL)
			base = "/tmp";
	}
	n = snprintf(buf, len, "%s/dpdk/%s", base, file_prefix);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
dipc_eal_primary_pid(const char *file_prefix)
{
	char dir[512];
	int ret;

	ret = dipc_eal_runtime_dir(file_prefix, dir, sizeof(dir));
	if (ret < 0)
		return ret;
	return dipc_eal_primary_pid_dir(dir);
}

int
dipc_eal_primary_pid_dir(const char *run_dir)
{
	char path[600];
	struct flock lk;
	int fd, ret;

	if (snprintf(path, sizeof(path), "%s/config", run_dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		EAL_LOG(DEBUG, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	/* A primary holds a write lock on part of its config file for its
	 * whole life; F_GETLK over the whole file reports it and its owner. */
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	ret = fcntl(fd, F_GETLK, &lk);
	ret = ret < 0 ? -errno : (lk.l_type == F_UNLCK ? 0 : (int)lk.l_pid);
	close(fd);
	return ret;
}

/* Thread ids of the lcore threads (0: unknown), set by dipc_eal_lcores_init(). */
static pid_t lcore_tid[RTE_MAX_LCORE];

/* Run on an lcore: note its thread id. */
static int
note_tid(void *arg __rte_unused)
{
	__atomic_store_n(&lcore_tid[rte_lcore_id()], (pid_t)syscall(SYS_gettid),
			 __ATOMIC_RELEASE);
	return 0;
}

int
dipc_eal_lcores_init(void)
{
	if (rte_eal_mp_remote_launch(note_tid, NULL, CALL_MAIN) != 0)
		return -EBUSY;
	rte_eal_mp_wait_lcore();
	return 0;
}

int
dipc_eal_lcores_nice(int nice)
{
	unsigned int lcore, n = 0;
	int first = 0;
	pid_t tid;

	RTE_LCORE_FOREACH(lcore) {
		tid = __atomic_load_n(&lcore_tid[lcore], __ATOMIC_ACQUIRE);
		if (tid == 0)
			continue;
		n++;
		if (setpriority(PRIO_PROCESS, (id_t)tid, nice) != 0 && first == 0)
			first = -errno;
	}
	return n == 0 ? -ENOENT : first;
}

static int cleanup_exit_status;
static char cleanup_note[256];
static size_t cleanup_note_len;

static void
on_cleanup_timeout(int sig __rte_unused)
{
	static const char why[] =
		"clean-up blocked on EAL's shared memory lock, held by a process that "
		"died inside DPDK (e.g. killed during its EAL start): exiting without it\n";

	/* Async-signal-safe only: write and _exit. */
	if (write(STDOUT_FILENO, why, sizeof(why) - 1) < 0 ||
	    write(STDOUT_FILENO, cleanup_note, cleanup_note_len) < 0)
		_exit(cleanup_exit_status);
	_exit(cleanup_exit_status);
}

void
dipc_eal_exit_guard(unsigned int seconds, int status, const char *note)
{
	cleanup_exit_status = status;
	snprintf(cleanup_note, sizeof(cleanup_note), "%s", note != NULL ? note : "");
	cleanup_note_len = strlen(cleanup_note);
	fflush(stdout);
	signal(SIGALRM, on_cleanup_timeout);
	alarm(seconds);
}

void
dipc_eal_exit_guard_clear(void)
{
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

/* Does @name end in "_" @pid (a secondary's copy of a memseg list)? */
static int
ends_with_pid(const char *name, const char *pid)
{
	size_t n = strlen(name), p = strlen(pid);

	return n > p + 1 && name[n - p - 1] == '_' && strcmp(name + n - p, pid) == 0;
}

/* Remove what a secondary's rte_eal_cleanup() would have: its own files
 * in the runtime directory. Best effort: the process exits next. */
static void
secondary_remove_own_files(void)
{
	char pid[16], sock[32];
	struct dirent *e;
	DIR *d;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(sock, sizeof(sock), "mp_socket_%s_", pid);
	d = opendir(rte_eal_get_runtime_dir());
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if ((strncmp(e->d_name, "fbarray_", 8) == 0 && ends_with_pid(e->d_name, pid)) ||
		    strncmp(e->d_name, sock, strlen(sock)) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int
dipc_eal_cleanup_bounded(unsigned int seconds, int status, const char *note)
{
	int ret;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		secondary_remove_own_files();
		return 0;
	}
	dipc_eal_exit_guard(seconds, status, note);
	ret = rte_eal_cleanup();
	dipc_eal_exit_guard_clear();
	return ret;
}
