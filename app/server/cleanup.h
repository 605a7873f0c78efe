/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SERVER_CLEANUP_H
#define DIPC_SERVER_CLEANUP_H

/*
 * What dipc-server leaves on its file prefix: nothing after a clean stop
 * (server_cleanup_at_exit()), and, after a crash, what
 *
 *   dipc-server --cleanup [--file-prefix P] [--huge-dir DIR]
 *
 * removes (server_cleanup_main()): the hugepage files and the EAL runtime
 * directory of a server that is gone, refused while any process still
 * uses them (lib/eal/dipc_eal_files.h).
 */

#include <stdio.h>

/* 1 if the EAL arguments (those before "--") ask for --cleanup. */
int server_cleanup_requested(int argc, char **argv);

/* The --cleanup command, without EAL: its exit status (0 removed or
 * nothing to remove, 1 refused or failed, 2 bad arguments). */
int server_cleanup_main(int argc, char **argv);

/* Once this server no longer holds its own files on @prefix (after
 * rte_eal_cleanup(), or dipc_eal_files_drop_own() before an exit without
 * it): remove them, or say what keeps them and how to remove them later.
 * @huge_dir is EAL's --huge-dir, or NULL. */
void server_cleanup_at_exit(const char *prefix, const char *huge_dir);

/* The --cleanup lines of the usage text. */
void server_cleanup_usage(FILE *f);

#endif /* DIPC_SERVER_CLEANUP_H */
