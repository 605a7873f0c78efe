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

/* struct harness_case holds a struct CMUnitTest: include <cmocka.h> first. */
struct CMUnitTest;
struct harness;

/*
 * main() of a multi-process test program: skip (HARNESS_SKIP) without
 * hugepages (wait up to HARNESS_HUGEPAGES_MS while others hold them),
 * remove what crashed earlier runs left, stop our processes on
 * SIGTERM/SIGINT, honour DIPC_TEST_FILTER (a glob of case names) and run
 * @tests as cmocka group @group. Each case gets a fresh harness named
 * @tag through harness_setup()/harness_teardown().
 */
int harness_main(const char *group, const char *tag, const struct CMUnitTest *tests,
		 size_t nb_tests);

/*
 * A case of a program whose cases come in groups, one meson test per
 * group (tests/meson.build): the program runs the group named by its
 * argument, so a failure names its group. "all" (or no argument) runs
 * every case; "--check-groups G..." checks that every case belongs to
 * one of the groups G (the list meson registers) and runs nothing.
 */
struct harness_case {
	const char *group;
	struct CMUnitTest test;
};
#define HARNESS_CASE(group, fn) { group, HARNESS_TEST(fn) }

int harness_main_groups(int argc, char **argv, const char *name, const char *tag,
			const struct harness_case *cases, size_t nb_cases);

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
	char freezer[128];       /* a freezer cgroup holding a server thread, or "" */
	char freezer_state[160]; /* its freezer.state, for the signal handler */
	char netns[80];          /* run servers in this network namespace
				  * (ip netns exec), or "" */
};

/* Generous bounds for waits on a state: a loaded machine (compilers or
 * other suites beside the tests, ASan) can be many times slower than an
 * idle one. A wait ends as soon as its state is reached. */
/* Every wait bound below (and each timeout given to a harness wait) is
 * multiplied by harness_wait_scale(): DIPC_TEST_WAIT_SCALE, 1 unless set. */
unsigned int harness_wait_scale(void);
#define HARNESS_START_MS 120000u /* a server or client process gets ready */
#define HARNESS_STATE_MS 60000u /* the server reaches a state (telemetry) */
#define HARNESS_STOP_MS 60000u /* the server exits after SIGTERM */

/* Most pools (size classes) a server has (DIPC_MAX_CLASSES). */
#define HARNESS_MAX_POOLS 4

/*
 * The server's state, read from its telemetry socket (/dipc/stats and
 * /dipc/pools: the figures dipc-info --json and dpdk-telemetry.py show),
 * never from the text of its reports.
 */
struct harness_state {
	char state[16]; /* "starting", "running", "stopping", "stopped" */
	unsigned long server_pid, workers, max_connections, slots_ready;
	/* Admission and control. open: slots not free in shared memory. */
	unsigned long admitted, refused, refused_version, refused_token, refused_shutdown;
	unsigned long refused_full, slots_created, reused, closed, dead, open;
	/* Refused by the admission socket: a forged pid, a uid/gid not
	 * allowed, a handshake out of protocol. */
	unsigned long refused_pid, refused_uid, refused_proto;
	/* Slot state words a client wrote that the server had to put right. */
	unsigned long bad_slot_state;
	unsigned long stalled, stall_closed, moved, reclaimed_mbufs;
	/* Messages, of open and closed connections. */
	unsigned long rx, tx, invalid, rsp_full, given_back;
	/* Requests answered with an error, by status; pointers not touched. */
	unsigned long invalid_bad_magic, invalid_bad_version, invalid_bad_length;
	unsigned long invalid_bad_flags, invalid_unknown_method, invalid_bad_mbuf;
	unsigned long dropped_not_mbuf, dropped_not_lent, dropped_bad_chain;
	/* Pools by size class (dipc_pool_N): mbufs, in the pool, out of it. */
	unsigned int nb_pools;
	unsigned int pool_size[HARNESS_MAX_POOLS], pool_free[HARNESS_MAX_POOLS];
	unsigned int pool_in_use[HARNESS_MAX_POOLS];
};

/* One open connection, from /dipc/connections. */
struct harness_conn {
	unsigned long slot, worker, rx, tx, invalid, stalls, req_queued, rsp_queued;
};

/* A condition on the server's state, for harness_wait_state(). */
typedef int (*harness_state_pred)(const struct harness_state *s, const void *arg);

/* 2 MB hugepages a server takes with the default config. */
#define HARNESS_SERVER_PAGES 128
/* How long a test program waits for free hugepages, when they are
 * reserved but other test programs hold them (meson runs two at a time). */
#define HARNESS_HUGEPAGES_MS 240000u

/* 1 if enough 2 MB hugepages for a server are reserved and mounted. */
int harness_hugepages_reserved(void);

/* 1 if enough 2 MB hugepages for a server are reserved, free and mounted. */
int harness_hugepages_available(void);

/* Wait (up to HARNESS_HUGEPAGES_MS) until harness_hugepages_available().
 * 1 if so, 0 if not in time. harness_spawn_server() calls it. */
int harness_wait_hugepages(void);

/* Fresh prefix and run directory. */
int harness_init(struct harness *h, const char *name);

/* Start dipc-server (pinned: control lcore 0 on CPU 0 with the clients,
 * worker lcore 1 on CPU 1) with extra
 * application arguments (NULL-terminated; --idle backoff and, unless
 * given, --heartbeat-ms HARNESS_HEARTBEAT_MS), wait until it
 * says ready.
 * Returns 0, or -1 if it exited or did not get ready in HARNESS_START_MS. */
int harness_start_server(struct harness *h, const char *const *app_args);

/*
 * The heartbeat period the harness gives servers unless a test sets
 * --heartbeat-ms itself. Clients give up on a server whose heartbeat they
 * have not seen for two periods; with the default (200 ms) a loaded
 * machine (another test group beside this one, compilers) has been seen
 * to keep a control lcore from beating for longer than that, and a busy
 * client then reported "stopped responding" in a test about something
 * else. Tests of the heartbeat itself set a short one.
 */
#define HARNESS_HEARTBEAT_MS 5000u

/* Start a server process without waiting for it (for failure cases);
 * --heartbeat-ms HARNESS_HEARTBEAT_MS is added unless @app_args has one. */
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

/* SIGTERM the server, wait up to HARNESS_STOP_MS; returns its exit status. */
int harness_stop_server(struct harness *h);

/* Wait up to @timeout_ms for @text in a process's log. Returns 1 if it
 * appeared, 0 on timeout or if the process exited first. */
int harness_wait_log(struct harness_proc *p, const char *text, unsigned int timeout_ms);

/* 1 if the process's log contains @text. */
int harness_log_contains(const struct harness_proc *p, const char *text);

/* Print a process's log to stderr (for failing tests). */
void harness_dump_log(const struct harness_proc *p);

/* 1 if EAL's runtime directory of @prefix exists, 0 if not. */
int harness_run_dir_exists(const char *prefix);

/* A token file of @mode holding @secret, in the test's run directory;
 * its path in @path. */
void harness_write_token(const struct harness *h, const char *name, const char *secret,
			 mode_t mode, char *path, size_t len);

/* Print to stderr, for a process that overstays a wait: its threads'
 * states and kernel wait channels, and who holds or waits for the flock
 * of the hugetlbfs directory (EAL's machine-wide lock, see
 * docs/DESIGN-NOTES.md "Processes and EAL"), and, when gdb is installed
 * (tools/setup.sh installs it), every thread's stack, its own and those of
 * the flock's holders. */
void harness_diagnose(const struct harness_proc *p);

/* Send @cmd ("/dipc/stats", "/dipc/connections,3", ...) to the server's
 * telemetry socket (<runtime dir>/dpdk_telemetry.v2, as dpdk-telemetry.py
 * does). Returns the parsed reply (a cJSON *, free it with cJSON_Delete)
 * whose member named after the command holds the answer, or NULL if the
 * server did not answer. */
void *harness_telemetry(const struct harness *h, const char *cmd);

/* A number (>= 0) of the dict a telemetry command answers (e.g.
 * "/dipc/eth", "frames_in"); -1 if the server did not answer or the dict
 * has no such number. */
long harness_telemetry_num(const struct harness *h, const char *cmd, const char *key);

/* A string of such a dict into @out; 0, or -1. */
int harness_telemetry_str(const struct harness *h, const char *cmd, const char *key, char *out,
			  size_t len);

/* Read the server's state now. Returns 0, or -1 if it did not answer. */
int harness_server_state(const struct harness *h, struct harness_state *s);

/* Read the server's state until @pred holds, up to @timeout_ms. Returns 1
 * if it held (*s is that state), 0 if not in time (*s is the last state
 * read, zeroed if none could be). Never waits for a fixed time. */
int harness_wait_state(const struct harness *h, struct harness_state *s,
		       harness_state_pred pred, const void *arg, unsigned int timeout_ms);

/* The open connection of process @pid (among the first the server lists).
 * Returns 0, or -1 if there is none or the server did not answer. */
int harness_server_conn(const struct harness *h, pid_t pid, struct harness_conn *c);

/* Predicate: no connection open and every pool whole (free == size). */
int harness_state_idle(const struct harness_state *s, const void *arg);

/* Print a state to stderr (for failing tests). */
void harness_print_state(const struct harness_state *s);

/* The end of a case: wait until the server is idle (harness_state_idle:
 * its clients are gone and every mbuf is back in its pool), then stop it
 * as harness_expect_stop() does. *s: the idle state, for further checks
 * (NULL if not wanted). */
void harness_expect_idle_stop(struct harness *h, struct harness_state *s);

/* The server was asked to stop (SIGTERM): it must exit 0 within
 * HARNESS_STOP_MS, say "dipc-server: stopped", and not say that mbufs
 * were missing from its pools at exit. */
void harness_expect_exit(struct harness *h);

/* SIGTERM the server (clients may still be connected): it must exit 0
 * within HARNESS_STOP_MS, say "dipc-server: stopped", and not say that
 * mbufs were missing from its pools at exit (its own check: every mbuf
 * in a pool or lent to a connection still open). */
void harness_expect_stop(struct harness *h);

/* SIGKILL every process of @h that still runs. Async-signal-safe. */
void harness_kill_all(const struct harness *h);

/* Remove what earlier test runs that died left: hugepage files, EAL
 * runtime directories and run directories of prefixes "dipct_NAME_PID_N"
 * whose PID no longer runs. */
void harness_cleanup_stale(void);

/*
 * Stop one thread of the server (its control lcore, say) with the cgroup
 * v1 freezer, where it is mounted at /sys/fs/cgroup/freezer: SIGSTOP
 * would stop them all. Returns 0 once the kernel says FROZEN, -ENOTSUP
 * without the freezer, or -errno. harness_thaw() undoes it; so do the
 * clean-up, the harness's signal handler and the next run's stale sweep.
 */
int harness_freeze_thread(struct harness *h, int tid);
void harness_thaw(struct harness *h);

/* Kill whatever is still running, remove hugepage files, the EAL runtime
 * directory and the run directory. Safe to call twice. */
void harness_cleanup(struct harness *h);

/* Path of a built binary, from the environment set by meson. */
const char *harness_bin(const char *env, const char *fallback);

#endif /* DIPC_TEST_HARNESS_H */
