/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-server --cleanup, and the clean-up at a clean stop: the same test
 * of "in use" as EAL's (lib/eal/dipc_eal_files.c), and messages that say
 * what was removed, or who holds what was not.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "dipc_eal.h"
#include "dipc_eal_files.h"
#include "dipc_shm.h"

void
server_cleanup_usage(FILE *f)
{
	fprintf(f,
		"\n"
		"dipc-server --cleanup [--file-prefix P] [--huge-dir DIR]\n"
		"  After a server on file prefix P (default " DIPC_DEFAULT_FILE_PREFIX ") died, "
		"remove its hugepage files\n"
		"  (DIR, default every hugetlbfs mount: PREFIXmap_N) and its EAL runtime directory.\n"
		"  Refused (exit 1), removing nothing, while a primary runs on P or any process\n"
		"  still maps its files; a prefix with nothing left is a no-op (exit 0).\n");
}

int
server_cleanup_requested(int argc, char **argv)
{
	int n = dipc_eal_argc(argc, argv), i;

	for (i = 1; i < n; i++)
		if (strcmp(argv[i], "--cleanup") == 0)
			return 1;
	return 0;
}

/* Is @arg option @opt, as "--opt=value" or "--opt" @next? 0: not @opt;
 * 1: *val is the value after "="; 2: *val is @next (NULL if missing). */
static int
opt_value(const char *arg, const char *next, const char *opt, const char **val)
{
	size_t len = strlen(opt);

	if (strncmp(arg, opt, len) != 0)
		return 0;
	if (arg[len] == '=') {
		*val = arg + len + 1;
		return 1;
	}
	if (arg[len] != '\0')
		return 0;
	*val = next;
	return 2;
}

/* The name of process @pid, for messages. */
static void
proc_name(int pid, char *buf, size_t len)
{
	char path[64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (f == NULL)
		return;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n != 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

/* Why nothing was removed (ret -EBUSY or -EAGAIN), one sentence to @out. */
static void
say_busy(FILE *out, const char *prefix, const struct dipc_eal_files *f, int ret)
{
	char name[64];
	unsigned int i;

	if (ret == -EAGAIN) {
		fprintf(out, "a hugetlbfs directory (%s) stayed locked for 10 s by a DPDK process "
			     "that maps memory; try again", f->huge_dirs);
		return;
	}
	if (f->primary_pid > 0) {
		proc_name(f->primary_pid, name, sizeof(name));
		fprintf(out, "a DPDK primary, pid %d (%s), runs on file prefix '%s': stop it "
			     "(kill -TERM %d), a clean stop removes its files itself",
			f->primary_pid, name[0] != '\0' ? name : "?", prefix, f->primary_pid);
		return;
	}
	fprintf(out, "file prefix '%s' is in use: %u hugepage file%s and %u memseg list file%s "
		     "locked (%s%s)", prefix, f->nb_busy_huge, f->nb_busy_huge == 1 ? "" : "s",
		f->nb_busy - f->nb_busy_huge, f->nb_busy - f->nb_busy_huge == 1 ? "" : "s",
		f->busy_path, f->nb_busy > 1 ? " and others" : "");
	for (i = 0; i < f->nb_users; i++) {
		proc_name((int)f->users[i], name, sizeof(name));
		fprintf(out, "%s pid %d (%s)", i == 0 ? ", mapped by" : ",", (int)f->users[i],
			name[0] != '\0' ? name : "?");
	}
	if (f->nb_users == DIPC_EAL_FILES_MAX_USERS)
		fprintf(out, " and maybe more");
}

int
server_cleanup_main(int argc, char **argv)
{
	const char *prefix = DIPC_DEFAULT_FILE_PREFIX, *huge_dir = NULL, *v = NULL;
	const char *bad = NULL, *why = "unknown argument ";
	int n = dipc_eal_argc(argc, argv), i, ret, used;
	struct dipc_eal_files f;

	for (i = 1; i < n && bad == NULL; i++) {
		const char *next = i + 1 < n ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--cleanup") == 0)
			continue;
		if ((used = opt_value(argv[i], next, "--file-prefix", &v)) != 0)
			prefix = v;
		else if ((used = opt_value(argv[i], next, "--huge-dir", &v)) != 0)
			huge_dir = v;
		else
			bad = argv[i];
		if (used != 0 && v == NULL) {
			why = "a value is missing after ";
			bad = argv[i];
		}
		i += used == 2;
	}
	if (bad == NULL && n + 1 < argc) {
		why = "no application options, got ";
		bad = argv[n + 1];
	}
	if (bad != NULL) {
		fprintf(stderr, "dipc-server: --cleanup takes only --file-prefix P and --huge-dir "
				"DIR: %s%s\n", why, bad);
		server_cleanup_usage(stderr);
		return 2;
	}
	ret = dipc_eal_files_remove(prefix, huge_dir, NULL, &f);
	if (ret == -EINVAL) {
		fprintf(stderr, "dipc-server: --cleanup: '%s' is not a file prefix\n", prefix);
		return 2;
	}
	if (ret == -EBUSY || ret == -EAGAIN) {
		fprintf(stderr, "dipc-server: --cleanup refused, nothing removed: ");
		say_busy(stderr, prefix, &f, ret);
		fprintf(stderr, "%s.\n", ret == -EBUSY && f.primary_pid <= 0 ?
			"; stop the processes that use it first" : "");
		return 1;
	}
	if (f.nb_hugefiles == 0 && !f.run_dir_found && ret == 0) {
		printf("dipc-server: --cleanup: nothing to clean up on file prefix '%s' "
		       "(no hugepage files in %s, no %s)\n", prefix,
		       f.huge_dirs[0] != '\0' ? f.huge_dirs : "any hugetlbfs mount", f.run_dir);
		return 0;
	}
	printf("dipc-server: --cleanup: file prefix '%s': removed %u of %u hugepage files "
	       "(%" PRIu64 " MB) in %s; %s %s\n", prefix, f.nb_removed, f.nb_hugefiles,
	       f.huge_bytes >> 20, f.huge_dirs[0] != '\0' ? f.huge_dirs : "no hugetlbfs mount",
	       f.run_dir_removed ? "removed" : f.run_dir_found ? "could not remove" : "no",
	       f.run_dir);
	if (ret != 0) {
		fprintf(stderr, "dipc-server: --cleanup: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

void
server_cleanup_at_exit(const char *prefix, const char *huge_dir)
{
	struct dipc_eal_files f;
	int ret = dipc_eal_files_remove(prefix, huge_dir, NULL, &f);

	if (ret == -EBUSY || ret == -EAGAIN) {
		printf("dipc-server: left its hugepage files and %s in place: ", f.run_dir);
		say_busy(stdout, prefix, &f, ret);
		printf(". Once they have exited, dipc-server --cleanup --file-prefix %s removes them\n",
		       prefix);
	} else if (ret != 0) {
		printf("dipc-server: could not remove all of its files (%s): %s; "
		       "dipc-server --cleanup --file-prefix %s tries again\n",
		       f.run_dir, strerror(-ret), prefix);
	}
}
