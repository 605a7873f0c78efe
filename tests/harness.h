/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_TEST_HARNESS_H
#define DIPC_TEST_HARNESS_H

/*
 * Process harness for the integration tests: start a real dipc-server and
 * real client processes on real hugepages, each with its own file prefix
 * and run directory, and remove every trace of them afterwards, pass or
 * fail. Only processes the harness started are signalled, by pid.
 */

#include <stddef.h>
#include <sys/types.h>

#define HARNESS_SKIP 77

struct CMUnitTest;
struct harness;

/*
 * main() of a multi-process test program: skip (HARNESS_SKIP) without free
 * hugepages, remove what crashed earlier runs left, stop our processes on
 * SIGTERM/SIGINT, honour DIPC_TEST_FILTER (a glob of case names) and run
 * @tests as cmocka group @group. Each case gets a fresh harness named
 * @tag through harness_setup()/harness_teardown().
 */
int harness_main(const char *group, const char *tag, const struct CMUnitTest *tests,
		 size_t nb_tests);

/* cmocka fixtures: a fresh harness per case (*state), cleaned up after it. */
int harness_setup(void **state);
int harness_teardown(void **state);

/* In a case: wait for client @i to exit with @want, or for @text in its
 * log; on anything else show its log and fail the case. */
void harness_expect_client(struct harness *h, int i, int want, unsigned int timeout_ms);
void harness_expect_log(struct harness *h, int i, const char *text, unsigned int timeout_ms);

/* One case of a harness_main() group (the file includes cmocka.h). */
#define HARNESS_TEST(fn) cmocka_unit_test_setup_teardown(fn, harness_setup, harness_teardown)

struct harness_proc {
	pid_t pid;
	char log[512];  /* stdout+stderr of the process */
	int status;     /* exit code once reaped; -1 running; 128+sig if killed */
};

struct harness {
	char prefix[64];   /* EAL --file-prefix */
	char dir[256];     /* run directory for logs */
	struct harness_proc server;
	struct harness_proc clients[16];
	unsigned int nb_clients;
	unsigned int nb_spawned; /* client processes spawned, for log names */
	unsigned int nb_servers; /* server processes spawned, for log names */
};

/* What the server printed for one SIGUSR1 (dipc_server_dump()). */
struct harness_dump {
	unsigned long admitted, refused, closed, dead, open;
	unsigned int pool_free, pool_size, lent;
	/* Every size class's pool line (dipc_pool_N), class 0 included. */
	unsigned int class_free[4], class_size[4], class_lent[4];
};

/* 1 if 2 MB hugepages are reserved, free and mounted. */
int harness_hugepages_available(void);

/* Fresh prefix and run directory. */
int harness_init(struct harness *h, const char *name);

/* Start dipc-server (pinned: control lcore 0, worker lcore 1) with extra
 * application arguments (NULL-terminated), wait until it says ready.
 * Returns 0, or -1 if it exited or did not get ready in 15 s. */
int harness_start_server(struct harness *h, const char *const *app_args);

/* Start a server process without waiting for it (for failure cases). */
int harness_spawn_server(struct harness *h, struct harness_proc *p, const char *prefix,
			 const char *const *eal_args, const char *const *app_args);

/* Start a test client on CPU 0 with the harness prefix and these app
 * arguments (NULL-terminated). Returns its index or -1. */
int harness_start_client(struct harness *h, const char *const *app_args);

/* Start a program from the environment variable @env (a client binary)
 * on CPU 0 with the harness prefix and these app arguments. */
int harness_start_client_bin(struct harness *h, const char *env, const char *fallback,
			     const char *const *app_args);

/* Start any program with argv (NULL-terminated), on CPU @cpu (-1: any). */
int harness_spawn(struct harness_proc *p, const char *logpath, int cpu, char *const *argv);

/* Wait up to @timeout_ms for a process; kill it (SIGKILL) if it overstays.
 * Returns its exit status (128+sig if signalled), or -1 on timeout. */
int harness_wait(struct harness_proc *p, unsigned int timeout_ms);

/* SIGTERM the server, wait up to 15 s; returns its exit status. */
int harness_stop_server(struct harness *h);

/* Wait up to @timeout_ms for @text in a process's log. Returns 1 if it
 * appeared, 0 on timeout or if the process exited first. */
int harness_wait_log(struct harness_proc *p, const char *text, unsigned int timeout_ms);

/* 1 if the process's log contains @text. */
int harness_log_contains(const struct harness_proc *p, const char *text);

/* Print a process's log to stderr (for failing tests). */
void harness_dump_log(const struct harness_proc *p);

/* Ask the running server for its counters (SIGUSR1) and parse the
 * report it prints. Returns 0, or -1 if none came within @timeout_ms. */
int harness_server_dump(struct harness *h, struct harness_dump *d, unsigned int timeout_ms);

/* 1 if the server's final report says every mbuf is back in the pool or
 * lent to a connection still open. */
int harness_pool_full(const struct harness *h);

/* SIGKILL every process of @h that still runs. Async-signal-safe. */
void harness_kill_all(const struct harness *h);

/* Remove what earlier test runs that died left: hugepage files, EAL
 * runtime directories and run directories of prefixes "dipct_NAME_PID_N"
 * whose PID no longer runs. */
void harness_cleanup_stale(void);

/* Kill whatever is still running, remove hugepage files, the EAL runtime
 * directory and the run directory. Safe to call twice. */
void harness_cleanup(struct harness *h);

/* Path of a built binary, from the environment set by meson. */
const char *harness_bin(const char *env, const char *fallback);

#endif /* DIPC_TEST_HARNESS_H */
