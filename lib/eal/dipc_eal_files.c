/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Removing what a DPDK primary left on a file prefix: its hugepage files
 * and its runtime directory, with EAL's own test of "in use" (a process
 * that maps a hugepage file holds a shared flock on it).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dipc_eal.h"
#include "dipc_eal_files.h"

/* Hugetlbfs directories looked at, at most. */
#define MAX_HUGE_DIRS 8
/* How long to wait for a hugetlbfs directory that a DPDK process has
 * locked while it maps memory (seconds for a large primary under ASan). */
#define DIR_LOCK_WAIT_MS 10000

struct huge_dir {
	char path[256];
	int fd; /* open and flock()ed LOCK_EX while we work */
};

static int
valid_prefix(const char *p)
{
	return p != NULL && p[0] != '\0' && strchr(p, '/') == NULL && strcmp(p, ".") != 0 &&
	       strcmp(p, "..") != 0;
}

/* Is @name a hugepage file of @prefix: PREFIX "map_" DIGITS (EAL's
 * eal_get_hugefile_path())? Another prefix that starts with this one
 * ("dipc2" for "dipc") does not match: "2map_0" is not "map_" DIGITS. */
static int
is_hugefile(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;

	if (strncmp(name, prefix, n) != 0 || strncmp(name + n, "map_", 4) != 0)
		return 0;
	p = name + n + 4;
	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

/* The memseg list files every process attached to the prefix holds a
 * shared flock on (rte_fbarray_init/attach) until it detaches. */
static int
is_memseg_list(const char *name)
{
	return strncmp(name, "fbarray_memseg", 14) == 0;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* flock() that retries on EINTR: 0, or -errno (-EWOULDBLOCK: held). */
static int
try_flock(int fd, int op)
{
	int ret;

	do {
		ret = flock(fd, op | LOCK_NB);
	} while (ret != 0 && errno == EINTR);
	return ret == 0 ? 0 : -errno;
}

/* Does a process hold a lock on @dir/@name? 1 yes, 0 no (or no such
 * file), -errno if it cannot be opened. */
static int
file_busy(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = try_flock(fd, LOCK_EX);
	close(fd);
	if (ret == -EWOULDBLOCK)
		return 1;
	return ret;
}

static void
add_dir(struct huge_dir *dirs, unsigned int *n, const char *path)
{
	if (*n == MAX_HUGE_DIRS || strlen(path) >= sizeof(dirs[0].path))
		return;
	snprintf(dirs[*n].path, sizeof(dirs[*n].path), "%s", path);
	dirs[*n].fd = -1;
	(*n)++;
}

/* Every hugetlbfs mount point, as EAL finds them. */
static void
hugetlbfs_mounts(struct huge_dir *dirs, unsigned int *n)
{
	char dev[256], dir[256], type[64];
	FILE *f = fopen("/proc/mounts", "re");

	if (f == NULL)
		return;
	/* NOLINTNEXTLINE(cert-err34-c): fields are strings, a short line ends the loop */
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3)
		if (strcmp(type, "hugetlbfs") == 0)
			add_dir(dirs, n, dir);
	fclose(f);
}

/* Take EAL's lock of a hugetlbfs directory, waiting for a process that
 * maps memory meanwhile. 0, -EAGAIN after DIR_LOCK_WAIT_MS, or -errno. */
static int
lock_dir(struct huge_dir *d)
{
	unsigned int waited;
	int ret;

	d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (waited = 0;; waited += 10) {
		ret = try_flock(d->fd, LOCK_EX);
		if (ret != -EWOULDBLOCK)
			return ret;
		if (waited >= DIR_LOCK_WAIT_MS)
			return -EAGAIN;
		sleep_ms(10);
	}
}

static void
unlock_dirs(struct huge_dir *dirs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (dirs[i].fd >= 0) {
			close(dirs[i].fd); /* drops the lock */
			dirs[i].fd = -1;
		}
}

static void
note_busy(struct dipc_eal_files *f, const char *dir, const char *name)
{
	/* A path too long for busy_path is cut: it only names the file. */
	if (f->nb_busy++ == 0 &&
	    snprintf(f->busy_path, sizeof(f->busy_path), "%s/%s", dir, name) < 0)
		f->busy_path[0] = '\0';
}

/* Count the prefix's hugepage files in one directory and how many are in
 * use; remove the unused ones if @remove. 0 or -errno. */
static int
walk_hugefiles(struct huge_dir *d, const char *prefix, int remove, struct dipc_eal_files *f)
{
	struct dirent *e;
	struct stat st;
	int fd, ret, err = 0;
	DIR *dir;

	if (d->fd < 0)
		return 0; /* no such directory */
	fd = dup(d->fd);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (dir == NULL) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* The dup shares the position of the last walk: start again. */
	rewinddir(dir);
	while ((e = readdir(dir)) != NULL) {
		if (!is_hugefile(e->d_name, prefix))
			continue;
		if (!remove) {
			f->nb_hugefiles++;
			if (fstatat(d->fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
				f->huge_bytes += (uint64_t)st.st_size;
			ret = file_busy(d->fd, e->d_name);
			if (ret > 0) {
				note_busy(f, d->path, e->d_name);
				f->nb_busy_huge++;
			}
			else if (ret < 0 && err == 0)
				err = ret;
			continue;
		}
		/* As EAL: unlink only while we hold the exclusive lock. */
		fd = openat(d->fd, e->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT && err == 0)
				err = -errno;
			continue;
		}
		ret = try_flock(fd, LOCK_EX);
		if (ret == 0 && unlinkat(d->fd, e->d_name, 0) == 0)
			f->nb_removed++;
		else if (ret == -EWOULDBLOCK)
			note_busy(f, d->path, e->d_name);
		else if (err == 0)
			err = ret != 0 ? ret : -errno;
		close(fd);
	}
	closedir(dir);
	return err;
}

/* Is the runtime directory in use? Counts its locked memseg list files. */
static int
check_run_dir(const char *path, struct dipc_eal_files *f)
{
	struct dirent *e;
	int ret, err = 0;
	DIR *dir = opendir(path);

	if (dir == NULL)
		return errno == ENOENT ? 0 : -errno;
	f->run_dir_found = 1;
	while ((e = readdir(dir)) != NULL) {
		if (!is_memseg_list(e->d_name))
			continue;
		ret = file_busy(dirfd(dir), e->d_name);
		if (ret > 0)
			note_busy(f, path, e->d_name);
		else if (ret < 0 && err == 0)
			err = ret;
	}
	closedir(dir);
	return err;
}

/* Remove the runtime directory: EAL keeps only files there (config,
 * fbarray_*, hugepage_info, the mp and telemetry sockets). */
static int
remove_run_dir(const char *path, struct dipc_eal_files *f)
{
	struct dirent *e;
	int err = 0;
	DIR *dir = opendir(path);

	if (dir == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(dir), e->d_name, 0) != 0 && errno != ENOENT && err == 0)
			err = -errno;
	}
	closedir(dir);
	if (rmdir(path) == 0)
		f->run_dir_removed = 1;
	else if (errno != ENOENT && err == 0)
		err = -errno;
	return err;
}

/* Does /proc/@pid/maps show a file of the prefix? */
static int
maps_prefix(int pid, const char *const *needles, unsigned int nb_needles)
{
	char path[64], line[4096 + 256];
	unsigned int i;
	int found = 0;
	FILE *m;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	m = fopen(path, "re");
	if (m == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), m) != NULL)
		for (i = 0; i < nb_needles && !found; i++)
			found = strstr(line, needles[i]) != NULL;
	fclose(m);
	return found;
}

/* Name the processes that map the prefix's files, best effort. */
static void
find_users(const struct huge_dir *dirs, unsigned int nb_dirs, const char *prefix,
	   struct dipc_eal_files *f)
{
	char needle[MAX_HUGE_DIRS + 1][1024];
	const char *needles[MAX_HUGE_DIRS + 1];
	unsigned int i, n = 0;
	struct dirent *e;
	DIR *proc;
	int pid, r;

	for (i = 0; i < nb_dirs; i++) {
		r = snprintf(needle[n], sizeof(needle[n]), "%s/%smap_", dirs[i].path, prefix);
		if (r > 0 && (size_t)r < sizeof(needle[n])) {
			needles[n] = needle[n];
			n++;
		}
	}
	r = snprintf(needle[n], sizeof(needle[n]), "%s/fbarray_", f->run_dir);
	if (r > 0 && (size_t)r < sizeof(needle[n])) {
		needles[n] = needle[n];
		n++;
	}
	proc = opendir("/proc");
	if (proc == NULL)
		return;
	while ((e = readdir(proc)) != NULL && f->nb_users < DIPC_EAL_FILES_MAX_USERS) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (int)strtol(e->d_name, NULL, 10);
		if (pid > 0 && pid != (int)getpid() && maps_prefix(pid, needles, n))
			f->users[f->nb_users++] = (pid_t)pid;
	}
	closedir(proc);
}

/* Does @path name a hugepage file of @prefix in one of @dirs? */
static int
in_huge_dirs(const char *path, const struct huge_dir *dirs, unsigned int nb_dirs,
	     const char *prefix)
{
	const char *base = strrchr(path, '/');
	unsigned int i;

	if (base == NULL || !is_hugefile(base + 1, prefix))
		return 0;
	for (i = 0; i < nb_dirs; i++)
		if (strlen(dirs[i].path) == (size_t)(base - path) &&
		    strncmp(path, dirs[i].path, (size_t)(base - path)) == 0)
			return 1;
	return 0;
}

int
dipc_eal_files_drop_own(const char *file_prefix, const char *huge_dir, const char *run_dir)
{
	char own_run_dir[512], real_run_dir[PATH_MAX], link[300], target[1024], memsegs[600];
	struct huge_dir dirs[MAX_HUGE_DIRS];
	unsigned int nb_dirs = 0;
	struct dirent *e;
	int fd, n = 0;
	ssize_t len;
	DIR *d;

	if (!valid_prefix(file_prefix))
		return -EINVAL;
	if (run_dir == NULL) {
		if (dipc_eal_runtime_dir(file_prefix, own_run_dir, sizeof(own_run_dir)) != 0)
			return -ENAMETOOLONG;
		run_dir = own_run_dir;
	}
	/* /proc/self/fd shows resolved paths (/var/run is often a link). */
	if (realpath(run_dir, real_run_dir) != NULL)
		run_dir = real_run_dir;
	if (snprintf(memsegs, sizeof(memsegs), "%s/fbarray_memseg", run_dir) >=
	    (int)sizeof(memsegs))
		return -ENAMETOOLONG;
	if (huge_dir != NULL)
		add_dir(dirs, &nb_dirs, huge_dir);
	else
		hugetlbfs_mounts(dirs, &nb_dirs);
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		fd = (int)strtol(e->d_name, NULL, 10);
		if (fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strncmp(target, memsegs, strlen(memsegs)) == 0 ||
		    in_huge_dirs(target, dirs, nb_dirs, file_prefix)) {
			/* A mapping keeps the file, and its flock, after the
			 * close: unlock first. */
			flock(fd, LOCK_UN);
			close(fd);
			n++;
		}
	}
	closedir(d);
	return n;
}

int
dipc_eal_files_remove(const char *file_prefix, const char *huge_dir, const char *run_dir,
		      struct dipc_eal_files *f)
{
	struct huge_dir dirs[MAX_HUGE_DIRS];
	unsigned int nb_dirs = 0, i;
	size_t len = 0;
	int ret = 0, r;

	memset(f, 0, sizeof(*f));
	if (!valid_prefix(file_prefix))
		return -EINVAL;
	if (run_dir != NULL) {
		if (strlen(run_dir) >= sizeof(f->run_dir))
			return -ENAMETOOLONG;
		snprintf(f->run_dir, sizeof(f->run_dir), "%s", run_dir);
	} else if (dipc_eal_runtime_dir(file_prefix, f->run_dir, sizeof(f->run_dir)) != 0) {
		return -ENAMETOOLONG;
	}
	if (huge_dir != NULL)
		add_dir(dirs, &nb_dirs, huge_dir);
	else
		hugetlbfs_mounts(dirs, &nb_dirs);
	for (i = 0; i < nb_dirs; i++) {
		r = snprintf(f->huge_dirs + len, sizeof(f->huge_dirs) - len, "%s%s",
			     i == 0 ? "" : ", ", dirs[i].path);
		if (r < 0 || (size_t)r >= sizeof(f->huge_dirs) - len)
			break; /* only a description: cut it there */
		len += (size_t)r;
	}
	/* No DPDK process maps or unmaps a page while we hold these. */
	for (i = 0; i < nb_dirs && ret == 0; i++)
		ret = lock_dir(&dirs[i]);
	if (ret != 0)
		goto out;

	/* Look at everything first: all or nothing. */
	f->primary_pid = dipc_eal_primary_pid_dir(f->run_dir);
	if (f->primary_pid < 0) {
		ret = f->primary_pid;
		f->primary_pid = 0;
		goto out;
	}
	for (i = 0; i < nb_dirs; i++) {
		r = walk_hugefiles(&dirs[i], file_prefix, 0, f);
		if (r != 0 && ret == 0)
			ret = r;
	}
	r = check_run_dir(f->run_dir, f);
	if (r != 0 && ret == 0)
		ret = r;
	if (ret != 0)
		goto out;
	if (f->primary_pid > 0 || f->nb_busy != 0) {
		find_users(dirs, nb_dirs, file_prefix, f);
		ret = -EBUSY;
		goto out;
	}

	for (i = 0; i < nb_dirs; i++) {
		r = walk_hugefiles(&dirs[i], file_prefix, 1, f);
		if (r != 0 && ret == 0)
			ret = r;
	}
	/* A file that became busy meanwhile (cannot happen while we hold the
	 * directory locks, but EAL's own locks are advisory). */
	if (f->nb_busy != 0 && ret == 0)
		ret = -EBUSY;
	if (ret == 0 && f->run_dir_found)
		ret = remove_run_dir(f->run_dir, f);
out:
	unlock_dirs(dirs, nb_dirs);
	return ret;
}
