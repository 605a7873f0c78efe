/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_EAL_H
#define DIPC_EAL_H

/**
 * @file
 * EAL argument helpers shared by the dipc server and clients: default EAL
 * arguments that a user's own arguments override, and finding out, before
 * rte_eal_init(), whether a primary process already runs on a file prefix.
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most arguments dipc_eal_args_merge() can produce. */
#define DIPC_EAL_MAX_ARGS 128

/** A default EAL argument and the user arguments that replace it. */
struct dipc_eal_default {
	const char *arg;           /**< e.g. "--file-prefix=dipc" */
	const char *replaced_by[4]; /**< option names, e.g. "--file-prefix"; NULL-terminated */
};

/**
 * Number of EAL arguments: the index of "--" in @p argv, or @p argc.
 */
int dipc_eal_argc(int argc, char **argv);

/**
 * Whether the EAL arguments (those before "--", or all if there is none)
 * ask for help: "-h" or "--help". A dipc tool then skips its checks for a
 * server (so help works on any machine) and lets rte_eal_init() print
 * EAL's usage, followed by the tool's own through the hook set with
 * rte_set_application_usage_hook(), and exit, as DPDK applications do.
 *
 * @return
 *   1 if help is asked for, 0 otherwise.
 */
int dipc_eal_help_wanted(int argc, char **argv);

/**
 * Value of an EAL option given as "--opt=value", "--opt value" or, for
 * short options, "-o value".
 *
 * @return
 *   Pointer into @p argv, or NULL if the option is absent (or has no value).
 */
const char *dipc_eal_arg_value(int argc, char **argv, const char *opt);

/**
 * Build the argument vector for rte_eal_init(): argv[0], then each default
 * that no user argument replaces, then the user's EAL arguments (those
 * before "--").
 *
 * @param argc
 *   The caller's argc.
 * @param argv
 *   The caller's argv.
 * @param defs
 *   Defaults.
 * @param nb_defs
 *   Number of defaults.
 * @param[out] out
 *   Array of at least DIPC_EAL_MAX_ARGS + 1 entries; NULL-terminated.
 * @return
 *   The new argc, or -E2BIG if the result would not fit.
 */
int dipc_eal_args_merge(int argc, char **argv, const struct dipc_eal_default *defs,
			unsigned int nb_defs, char **out);

/**
 * Runtime directory EAL uses for a file prefix (as EAL computes it:
 * /var/run/dpdk/PREFIX for root, $XDG_RUNTIME_DIR/dpdk/PREFIX or
 * /tmp/dpdk/PREFIX otherwise).
 *
 * @return
 *   0, or -ENAMETOOLONG.
 */
int dipc_eal_runtime_dir(const char *file_prefix, char *buf, size_t len);

/**
 * Pid of the primary process running on a file prefix.
 *
 * Looks at the lock a running primary holds on its runtime config file,
 * without mapping or changing anything.
 *
 * @return
 *   The pid (> 0); 0 if no primary runs (no config file, or nobody holds
 *   its lock: a stale file from a crashed primary); or a negative errno.
 */
int dipc_eal_primary_pid(const char *file_prefix);

/**
 * Pid of the primary process whose runtime directory is @p run_dir: as
 * dipc_eal_primary_pid(), for a directory given by path.
 *
 * @return
 *   The pid (> 0); 0 if no primary runs; or a negative errno
 *   (-ENAMETOOLONG if the path is too long).
 */
int dipc_eal_primary_pid_dir(const char *run_dir);

/**
 * Learn the thread id of every lcore thread (the calling main lcore and
 * each worker lcore), for dipc_eal_lcores_nice().
 *
 * Call it once from the main lcore after rte_eal_init(), while no worker
 * lcore runs a function: it runs one on each and waits for it.
 *
 * @return
 *   0, or -EBUSY if a worker lcore is busy.
 */
int dipc_eal_lcores_init(void);

/**
 * Set the nice value of every lcore thread (Linux: nice is per thread).
 *
 * @param nice
 *   -20..19; below the current value needs root or CAP_SYS_NICE.
 * @return
 *   0; -ENOENT before dipc_eal_lcores_init(); or the first negative errno
 *   of setpriority() (-EACCES, -EPERM: not allowed), the rest set anyway.
 */
int dipc_eal_lcores_nice(int nice);

/**
 * Leave DPDK before the process exits, bounded in time.
 *
 * A secondary (every dipc client) does not call rte_eal_cleanup(): that
 * takes the prefix's memory hotplug lock for writing, and a writer that
 * waits for it sets a bit in shared memory that makes every other process
 * of the prefix wait (a client starting meanwhile spins in its EAL start);
 * a process cut off there (by this function's own time limit, or kill -9)
 * leaves the bit set for ever. Instead it removes the files of its own in
 * the runtime directory that rte_eal_cleanup() would have removed (its
 * memseg list copies fbarray_*_PID and its mp socket mp_socket_PID_*),
 * and returns 0: the kernel unmaps the rest when the process exits, which
 * it should do next.
 *
 * A primary runs rte_eal_cleanup() under alarm(@p seconds): a process
 * killed inside DPDK while it held one of EAL's shared locks leaves it
 * held for ever, and freeing hugepage memory then waits for ever. If the
 * time runs out, it writes @p note and a line saying why to stdout and
 * calls _exit(@p status). It replaces the SIGALRM disposition meanwhile.
 *
 * @return
 *   0 in a secondary; in a primary, what rte_eal_cleanup() returned, if it
 *   returned in time.
 */
int dipc_eal_cleanup_bounded(unsigned int seconds, int status, const char *note);

/**
 * Arm the same guard around any clean-up that frees DPDK memory: after
 * @p seconds, write why and @p note to stdout and _exit(@p status).
 */
void dipc_eal_exit_guard(unsigned int seconds, int status, const char *note);

/** Disarm dipc_eal_exit_guard(). */
void dipc_eal_exit_guard_clear(void);

/**
 * CLOCK_MONOTONIC in nanoseconds: the same clock in every process, so the
 * server's and clients' heartbeats compare. A vDSO call, no system call.
 */
static inline uint64_t
dipc_eal_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_EAL_H */
