/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: unit tests of the EAL argument helpers: finding options in
 * every form EAL accepts, merging defaults with the user's arguments, the
 * runtime directory, finding a running primary by its lock, and removing
 * a dead primary's files unless a process holds them (in directories of
 * the test's own, with child processes holding the locks). No EAL.
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
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dipc_eal.h"
#include "dipc_eal_files.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static void
test_argc(void **state)
{
	char **a = ARGV("prog", "-l", "0", "--", "--mode", "x");
	char **b = ARGV("prog", "-l", "0");

	(void)state;
	assert_int_equal(dipc_eal_argc(6, a), 3);
	assert_int_equal(dipc_eal_argc(3, b), 3);
	assert_int_equal(dipc_eal_argc(1, b), 1);
}

static void
test_arg_value_forms(void **state)
{
	char **eq = ARGV("p", "--file-prefix=abc");
	char **sep = ARGV("p", "--file-prefix", "abc");
	char **glued = ARGV("p", "-l0-1");
	char **spaced = ARGV("p", "-l", "0-1");
	char **missing = ARGV("p", "--file-prefix");
	char **after = ARGV("p", "--", "--file-prefix=app");
	char **longer = ARGV("p", "--file-prefixes=x");

	(void)state;
	assert_string_equal(dipc_eal_arg_value(2, eq, "--file-prefix"), "abc");
	assert_string_equal(dipc_eal_arg_value(3, sep, "--file-prefix"), "abc");
	assert_string_equal(dipc_eal_arg_value(2, glued, "-l"), "0-1");
	assert_string_equal(dipc_eal_arg_value(3, spaced, "-l"), "0-1");
	assert_null(dipc_eal_arg_value(2, missing, "--file-prefix"));
	/* Application arguments after "--" are not EAL's. */
	assert_null(dipc_eal_arg_value(3, after, "--file-prefix"));
	/* A longer option is another option. */
	assert_null(dipc_eal_arg_value(2, longer, "--file-prefix"));
	assert_null(dipc_eal_arg_value(2, eq, "-l"));
}

static const struct dipc_eal_default defs[] = {
	{ "--proc-type=secondary", { "--proc-type", NULL } },
	{ "--file-prefix=dipc", { "--file-prefix", NULL } },
	{ "--no-pci", { "--no-pci", "-a", "-b", "--allow" } },
};

static void
test_merge(void **state)
{
	char *out[DIPC_EAL_MAX_ARGS + 1];
	char **none = ARGV("prog", "--", "app");
	char **some = ARGV("prog", "--file-prefix", "mine", "-a", "0000:01:00.0", "--", "x");
	int n;

	(void)state;
	n = dipc_eal_args_merge(3, none, defs, 3, out);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "prog");
	assert_string_equal(out[1], "--proc-type=secondary");
	assert_string_equal(out[2], "--file-prefix=dipc");
	assert_string_equal(out[3], "--no-pci");
	assert_null(out[4]);

	/* The user's own --file-prefix and -a replace two defaults. */
	n = dipc_eal_args_merge(7, some, defs, 3, out);
	assert_int_equal(n, 6);
	assert_string_equal(out[1], "--proc-type=secondary");
	assert_string_equal(out[2], "--file-prefix");
	assert_string_equal(out[3], "mine");
	assert_string_equal(out[4], "-a");
	assert_null(out[6]);
}

static void
test_merge_too_many(void **state)
{
	char *many[DIPC_EAL_MAX_ARGS + 2], *out[DIPC_EAL_MAX_ARGS + 1];
	int i;

	(void)state;
	many[0] = "prog";
	for (i = 1; i < DIPC_EAL_MAX_ARGS + 1; i++)
		many[i] = "-v";
	many[DIPC_EAL_MAX_ARGS + 1] = NULL;
	assert_int_equal(dipc_eal_args_merge(DIPC_EAL_MAX_ARGS + 1, many, defs, 3, out), -E2BIG);
	/* Defaults alone can overflow too. */
	assert_int_equal(dipc_eal_args_merge(DIPC_EAL_MAX_ARGS - 1, many, defs, 3, out), -E2BIG);
}

static void
test_runtime_dir(void **state)
{
	char buf[64], longname[200];

	(void)state;
	assert_int_equal(dipc_eal_runtime_dir("abc", buf, sizeof(buf)), 0);
	if (getuid() == 0)
		assert_string_equal(buf, "/var/run/dpdk/abc");
	else
		assert_non_null(strstr(buf, "/dpdk/abc"));
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(dipc_eal_runtime_dir(longname, buf, sizeof(buf)), -ENAMETOOLONG);
}

/* mkdir -p @dir, as EAL does for its runtime directory: on a fresh
 * machine not even /var/run/dpdk exists yet. The parents are left in
 * place (EAL never removes them either, and another process may be
 * creating its own directory in them right now). */
static int
mkdir_parents(const char *dir)
{
	char path[512], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -1;
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void
test_primary_pid(void **state)
{
	char prefix[64], dir[512], path[600], c;
	int fds[2], fd;
	pid_t child;

	(void)state;
	snprintf(prefix, sizeof(prefix), "dipct_eal_%d_0", (int)getpid());
	assert_int_equal(dipc_eal_runtime_dir(prefix, dir, sizeof(dir)), 0);
	/* No config file: no primary. */
	assert_int_equal(dipc_eal_primary_pid(prefix), 0);

	assert_int_equal(mkdir_parents(dir), 0);
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	/* A file nobody holds: what a crashed primary leaves. */
	assert_int_equal(dipc_eal_primary_pid(prefix), 0);

	/* A process holding a write lock on part of it, as a primary does. */
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128,
				    .l_len = 64 };

		if (fcntl(fd, F_SETLK, &lk) != 0)
			_exit(1);
		if (write(fds[1], "L", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(fds[0], &c, 1), 1);
	assert_int_equal(dipc_eal_primary_pid(prefix), child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(dipc_eal_primary_pid(prefix), 0);

	close(fd);
	close(fds[0]);
	close(fds[1]);
	unlink(path);
	rmdir(dir);
}

/* A hugetlbfs and a runtime directory of our own, with the files a
 * primary on prefix "pfx" leaves, and files of others next to them. */
struct files_fixture {
	char top[256], huge[300], run[300];
};

static void
put_file(const char *dir, const char *name, size_t len)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	close(fd);
}

static int
exists(const char *dir, const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void
files_setup(struct files_fixture *x)
{
	snprintf(x->top, sizeof(x->top), "/tmp/dipct_files_%d", (int)getpid());
	snprintf(x->huge, sizeof(x->huge), "%s/huge", x->top);
	snprintf(x->run, sizeof(x->run), "%s/run", x->top);
	assert_int_equal(mkdir(x->top, 0700), 0);
	assert_int_equal(mkdir(x->huge, 0700), 0);
	assert_int_equal(mkdir(x->run, 0700), 0);
	put_file(x->huge, "pfxmap_0", 8192);
	put_file(x->huge, "pfxmap_17", 8192);
	put_file(x->huge, "pfx2map_0", 4096); /* prefix "pfx2" */
	put_file(x->huge, "pfxmap_x", 4096);  /* not EAL's name */
	put_file(x->run, "config", 4096);
	put_file(x->run, "fbarray_memseg-2048k-0-0", 4096);
	put_file(x->run, "fbarray_memzone", 4096);
	put_file(x->run, "hugepage_info", 4096);
}

static void
files_teardown(struct files_fixture *x)
{
	static const char *const names[] = { "pfxmap_0", "pfxmap_17", "pfx2map_0", "pfxmap_x" };
	char path[600];
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", x->huge, names[i]);
		unlink(path);
	}
	rmdir(x->huge);
	if (exists(x->top, "run")) {
		static const char *const run_names[] = { "config", "fbarray_memseg-2048k-0-0",
							  "fbarray_memzone", "hugepage_info" };

		for (i = 0; i < sizeof(run_names) / sizeof(run_names[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", x->run, run_names[i]);
			unlink(path);
		}
		rmdir(x->run);
	}
	rmdir(x->top);
}

enum hold { HOLD_FLOCK_MAP, HOLD_FCNTL };

/* A child that holds @dir/@name as a DPDK process does: a shared flock
 * and a mapping (a hugepage or memseg list file), or a write lock on part
 * of it (a primary's config file). */
static pid_t
holder(const char *dir, const char *name, enum hold how)
{
	char path[600], c;
	int fds[2], fd;
	pid_t child;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 64 };

		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(1);
		if (how == HOLD_FCNTL ? fcntl(fd, F_SETLK, &lk) != 0 :
		    flock(fd, LOCK_SH) != 0 ||
			    mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			_exit(1);
		if (write(fds[1], "L", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	return child;
}

static void
unhold(pid_t child)
{
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* Every file of the prefix is still there. */
static void
assert_all_left(const struct files_fixture *x)
{
	assert_true(exists(x->huge, "pfxmap_0"));
	assert_true(exists(x->huge, "pfxmap_17"));
	assert_true(exists(x->run, "config"));
	assert_true(exists(x->run, "fbarray_memzone"));
}

static void
test_files_refused_in_use(void **state)
{
	struct files_fixture x;
	struct dipc_eal_files f;
	pid_t child;

	(void)state;
	files_setup(&x);
	/* A process maps a hugepage file (a client, dipc-info). */
	child = holder(x.huge, "pfxmap_17", HOLD_FLOCK_MAP);
	assert_int_equal(dipc_eal_files_remove("pfx", x.huge, x.run, &f), -EBUSY);
	assert_int_equal(f.primary_pid, 0);
	assert_int_equal(f.nb_hugefiles, 2);
	assert_int_equal(f.huge_bytes, 16384);
	assert_int_equal(f.nb_busy, 1);
	assert_non_null(strstr(f.busy_path, "/pfxmap_17"));
	assert_int_equal(f.nb_users, 1);
	assert_int_equal(f.users[0], child);
	assert_int_equal(f.nb_removed, 0);
	assert_all_left(&x);
	unhold(child);

	/* A secondary attached to the memseg lists, no page mapped. */
	child = holder(x.run, "fbarray_memseg-2048k-0-0", HOLD_FLOCK_MAP);
	assert_int_equal(dipc_eal_files_remove("pfx", x.huge, x.run, &f), -EBUSY);
	assert_int_equal(f.nb_busy, 1);
	assert_non_null(strstr(f.busy_path, "/fbarray_memseg-2048k-0-0"));
	assert_int_equal(f.nb_users, 1);
	assert_int_equal(f.users[0], child);
	assert_all_left(&x);
	unhold(child);

	/* A primary runs on the prefix. */
	child = holder(x.run, "config", HOLD_FCNTL);
	assert_int_equal(dipc_eal_files_remove("pfx", x.huge, x.run, &f), -EBUSY);
	assert_int_equal(f.primary_pid, child);
	assert_int_equal(f.nb_busy, 0);
	assert_all_left(&x);
	unhold(child);
	files_teardown(&x);
}

static void
test_files_removed_then_noop(void **state)
{
	struct files_fixture x;
	struct dipc_eal_files f;

	(void)state;
	files_setup(&x);
	assert_int_equal(dipc_eal_files_remove("pfx", x.huge, x.run, &f), 0);
	assert_int_equal(f.nb_hugefiles, 2);
	assert_int_equal(f.nb_removed, 2);
	assert_int_equal(f.huge_bytes, 16384);
	assert_int_equal(f.nb_busy, 0);
	assert_true(f.run_dir_found);
	assert_true(f.run_dir_removed);
	assert_false(exists(x.huge, "pfxmap_0"));
	assert_false(exists(x.huge, "pfxmap_17"));
	assert_false(exists(x.top, "run"));
	/* Another prefix's files and what is not EAL's stay. */
	assert_true(exists(x.huge, "pfx2map_0"));
	assert_true(exists(x.huge, "pfxmap_x"));

	/* Nothing left: a no-op that says so. */
	assert_int_equal(dipc_eal_files_remove("pfx", x.huge, x.run, &f), 0);
	assert_int_equal(f.nb_hugefiles, 0);
	assert_int_equal(f.run_dir_found, 0);
	assert_string_equal(f.huge_dirs, x.huge);
	files_teardown(&x);
}

static void
test_files_bad_prefix(void **state)
{
	struct dipc_eal_files f;

	(void)state;
	assert_int_equal(dipc_eal_files_remove("", "/nonexistent", "/nonexistent", &f), -EINVAL);
	assert_int_equal(dipc_eal_files_remove("a/b", "/nonexistent", "/nonexistent", &f),
			 -EINVAL);
	assert_int_equal(dipc_eal_files_remove("..", "/nonexistent", "/nonexistent", &f),
			 -EINVAL);
	assert_int_equal(dipc_eal_files_remove(NULL, "/nonexistent", "/nonexistent", &f),
			 -EINVAL);
	/* A directory that does not exist holds nothing. */
	assert_int_equal(dipc_eal_files_remove("pfx", "/nonexistent", "/nonexistent", &f), 0);
	assert_int_equal(f.nb_hugefiles, 0);
	assert_int_equal(f.run_dir_found, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argc),
		cmocka_unit_test(test_arg_value_forms),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_too_many),
		cmocka_unit_test(test_runtime_dir),
		cmocka_unit_test(test_primary_pid),
		cmocka_unit_test(test_files_refused_in_use),
		cmocka_unit_test(test_files_removed_then_noop),
		cmocka_unit_test(test_files_bad_prefix),
	};

	return cmocka_run_group_tests_name("eal", tests, NULL, NULL);
}
