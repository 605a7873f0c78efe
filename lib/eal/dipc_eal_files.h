/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_EAL_FILES_H
#define DIPC_EAL_FILES_H

/**
 * @file
 * The files a DPDK primary leaves behind on a file prefix, and removing
 * them once no process uses them.
 *
 * A primary on prefix P creates hugepage files P"map_"N in every hugetlbfs
 * directory it uses and a runtime directory (dipc_eal_runtime_dir()). A
 * primary killed with SIGKILL leaves both; one that stops cleanly leaves
 * the runtime directory (DPDK 22.11 never removes it).
 *
 * "In use" is decided as EAL 22.11 decides it (eal_hugepage_info.c
 * clear_hugedir(), eal_memalloc.c free_seg()): every process that maps a
 * hugepage file holds a shared flock() on it, so a file on which an
 * exclusive flock(LOCK_NB) fails is mapped by someone. The runtime
 * directory is in use while a primary holds its lock on the config file
 * (dipc_eal_primary_pid()) or while a process holds its shared flock() on
 * a memseg list file (fbarray_memseg-*), which every primary and secondary
 * attached to the prefix does. Nothing is removed unless nothing is in use,
 * and the whole check and removal run under the exclusive flock() of each
 * hugetlbfs directory that EAL itself takes while it maps or unmaps pages,
 * so no DPDK process can attach half-way through.
 */

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Processes named in struct dipc_eal_files.users, at most. */
#define DIPC_EAL_FILES_MAX_USERS 8

/** What dipc_eal_files_remove() found and did for one file prefix. */
struct dipc_eal_files {
	unsigned int nb_hugefiles;   /**< hugepage files of the prefix found */
	uint64_t huge_bytes;         /**< their size in bytes */
	unsigned int nb_removed;     /**< ... of which removed */
	unsigned int nb_busy;        /**< files found in use: hugepage and memseg list files */
	unsigned int nb_busy_huge;   /**< ... of which hugepage files */
	int run_dir_found;           /**< 1 if the runtime directory existed */
	int run_dir_removed;         /**< 1 if it was removed */
	int primary_pid;             /**< > 0: the primary that runs on the prefix */
	char run_dir[512];           /**< the runtime directory */
	char huge_dirs[256];         /**< the hugetlbfs directories looked at, ", " between */
	char busy_path[512];         /**< the first file found in use */
	/** Processes that map a file of the prefix (read from /proc when
	 * something is in use; may miss processes of another pid namespace). */
	pid_t users[DIPC_EAL_FILES_MAX_USERS];
	unsigned int nb_users;
};

/**
 * Remove what a DPDK primary left on a file prefix, unless it is in use.
 *
 * @param file_prefix
 *   EAL --file-prefix; no '/', not empty, not "." or "..".
 * @param huge_dir
 *   The hugetlbfs directory (EAL --huge-dir), or NULL for every hugetlbfs
 *   mount in /proc/mounts.
 * @param run_dir
 *   The runtime directory, or NULL for EAL's (dipc_eal_runtime_dir()).
 * @param[out] f
 *   What was found and done; filled in every case.
 * @return
 *   - 0: nothing of the prefix is left (removed, or there was nothing:
 *     f->nb_hugefiles == 0 and f->run_dir_found == 0);
 *   - -EBUSY: a primary runs on the prefix (f->primary_pid) or a process
 *     maps its files (f->busy_path, f->users); nothing was removed;
 *   - -EINVAL: not a file prefix;
 *   - -EAGAIN: a hugetlbfs directory stayed locked for 10 s (a DPDK process
 *     mapping memory); nothing was removed;
 *   - another negative errno: a file or directory could not be read or
 *     removed (what could be was).
 */
int dipc_eal_files_remove(const char *file_prefix, const char *huge_dir, const char *run_dir,
			  struct dipc_eal_files *f);

/**
 * Unlock and close this process's own descriptors on the prefix's hugepage
 * files and on the memseg list files (fbarray_memseg-*) of its runtime
 * directory, which drops the shared flocks EAL holds on them (a mapping
 * alone would keep them after a close), so that a following
 * dipc_eal_files_remove() sees only other processes' use.
 *
 * For a primary that exits without rte_eal_cleanup() (dipc-server): its
 * mappings stay valid until it exits, but EAL must not map, unmap or free
 * memory afterwards. The config file and its lock are left alone, so no
 * other primary can start on the prefix meanwhile.
 *
 * @param file_prefix
 *   EAL --file-prefix, as for dipc_eal_files_remove().
 * @param huge_dir
 *   The hugetlbfs directory, or NULL for every hugetlbfs mount.
 * @param run_dir
 *   The runtime directory, or NULL for EAL's (dipc_eal_runtime_dir()).
 * @return
 *   The number of descriptors closed, or a negative errno (-EINVAL: not a
 *   file prefix; /proc/self/fd unreadable).
 */
int dipc_eal_files_drop_own(const char *file_prefix, const char *huge_dir, const char *run_dir);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_EAL_FILES_H */
