/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection pool's costs:
 *   connect  admission time: from dipc_client_connect() to the first echo
 *            response on the new connection, then close; --count times;
 *   reclaim  from kill -9 of a client under load to its slot back in the
 *            pool (FREE in the shared connection table), --count times.
 *            The victim is this program again, in the hidden mode
 *            "victim" (echo calls until it dies).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "dipc_ring_transport.h"
#include "perf.h"

static int
connect_run(const struct perf_opts *o, struct dipc_client **conns __rte_unused,
	    struct perf_result *r)
{
	uint64_t n = o->count != 0 ? o->count : 1000, i, t0, start = rte_rdtsc();
	struct rte_mbuf *m, *rsp;
	struct dipc_client *c;
	int ret;

	for (i = 0; i < n; i++) {
		t0 = rte_rdtsc_precise();
		c = dipc_client_connect(o->timeout_ms);
		if (c == NULL) {
			r->server_status = -rte_errno;
			break;
		}
		/* Lent at admission (class 0), or lent now (a larger class). */
		m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, o->size, 0, o->timeout_ms);
		ret = m == NULL ? -ENOBUFS : dipc_client_call(c, m, &rsp, o->timeout_ms);
		if (ret == 0) {
			hist_add(r->hist, (uint64_t)perf_ns(rte_rdtsc_precise() - t0));
			r->errors += (dipc_msg_hdr(rsp)->flags & DIPC_MSG_F_ERROR) != 0;
			dipc_client_msg_free(c, rsp);
			r->messages++;
		}
		dipc_client_close(c);
		if (ret != 0) {
			r->server_status = ret;
			break;
		}
	}
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Start this program as a victim client; returns its pid or -errno. */
static pid_t
spawn_victim(const struct perf_opts *o)
{
	char *argv[PERF_MAX_ARGS + 4];
	int i, n = 0;
	pid_t pid;

	argv[n++] = (char *)(uintptr_t)"/proc/self/exe";
	for (i = 1; i < o->eal_argc && n < PERF_MAX_ARGS; i++)
		argv[n++] = o->eal_argv[i];
	argv[n++] = (char *)(uintptr_t)"--";
	argv[n++] = (char *)(uintptr_t)"--mode=victim";
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		/* The exec replaces every EAL mapping inherited from us. */
		execv(argv[0], argv);
		_exit(127);
	}
	return pid < 0 ? -errno : pid;
}

/* The slot the process @pid was admitted on, once it says it sent @msgs. */
static int
find_victim(const struct dipc_shm *shm, pid_t pid, uint64_t msgs, uint64_t deadline)
{
	uint32_t i;

	while (rte_rdtsc() < deadline) {
		for (i = 0; i < __atomic_load_n(&shm->nb_ready, __ATOMIC_ACQUIRE); i++) {
			const struct dipc_shm_conn *conn = &shm->conns[i];

			if (conn->client_pid == pid &&
			    dipc_shm_load_state(&conn->state) == DIPC_CONN_ACTIVE &&
			    __atomic_load_n(&conn->client.tx_msgs, __ATOMIC_RELAXED) >= msgs)
				return (int)i;
		}
		rte_delay_us_sleep(1000);
	}
	return -ETIMEDOUT;
}

static int
reclaim_run(const struct perf_opts *o, struct dipc_client **conns __rte_unused,
	    struct perf_result *r)
{
	uint64_t n = o->count != 0 ? o->count : 100, i, hz = rte_get_tsc_hz(), t0, deadline;
	uint64_t start = rte_rdtsc(), t_exit, t1;
	struct dipc_shm *shm = dipc_ring_shm_lookup();
	static double exit_ns[100000], after_exit_ns[100000];
	unsigned int nb_exit = 0;
	int slot, st;
	pid_t pid;

	if (shm == NULL) {
		r->server_status = -ECONNREFUSED;
		return 0;
	}
	n = RTE_MIN(n, (uint64_t)RTE_DIM(exit_ns));
	for (i = 0; i < n; i++) {
		pid = spawn_victim(o);
		if (pid < 0) {
			r->server_status = pid;
			break;
		}
		/* Under load: it has made some calls, and keeps making them. */
		slot = find_victim(shm, pid, 1000, rte_rdtsc() + hz * 30);
		if (slot < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			r->server_status = slot;
			break;
		}
		t0 = rte_rdtsc_precise();
		kill(pid, SIGKILL);
		deadline = t0 + hz * 10;
		t_exit = 0;
		for (;;) {
			/* When the kernel is done with the process (its pidfd
			 * fires then): the server cannot know before. */
			if (t_exit == 0 && waitpid(pid, &st, WNOHANG) == pid)
				t_exit = rte_rdtsc_precise();
			if (dipc_shm_load_state(&shm->conns[slot].state) == DIPC_CONN_FREE ||
			    rte_rdtsc() >= deadline)
				break;
			/* Sleep, not spin: the server's control lcore may share
			 * this CPU, and it has the work to do. */
			rte_delay_us_sleep(5);
		}
		if (dipc_shm_load_state(&shm->conns[slot].state) != DIPC_CONN_FREE) {
			r->errors++;
		} else {
			t1 = rte_rdtsc_precise();
			hist_add(r->hist, (uint64_t)perf_ns(t1 - t0));
			r->messages++;
			if (t_exit != 0 && t_exit <= t1) {
				exit_ns[nb_exit] = perf_ns(t_exit - t0);
				after_exit_ns[nb_exit++] = perf_ns(t1 - t_exit);
			}
		}
		if (t_exit == 0)
			waitpid(pid, &st, 0);
	}
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	if (nb_exit != 0) {
		qsort(exit_ns, nb_exit, sizeof(double), cmp_double);
		qsort(after_exit_ns, nb_exit, sizeof(double), cmp_double);
		fprintf(o->json ? stderr : stdout, "  of which: kill to process gone (kernel) p50 %.0f ns p99 %.0f ns; "
		       "process gone to slot free (dipc) p50 %.0f ns p99 %.0f ns\n",
		       exit_ns[nb_exit / 2], exit_ns[nb_exit * 99 / 100],
		       after_exit_ns[nb_exit / 2], after_exit_ns[nb_exit * 99 / 100]);
	}
	return 0;
}

/* The victim of reclaim: echo calls on one connection until killed. */
static int
victim_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	struct rte_mbuf *m, *rsp;
	int ret;

	for (;;) {
		m = dipc_client_msg_alloc_wait(conns[0], DIPC_METHOD_ECHO, o->size, 0,
					       o->timeout_ms);
		ret = m == NULL ? -ENOBUFS : dipc_client_call(conns[0], m, &rsp, o->timeout_ms);
		if (ret != 0) {
			r->server_status = ret;
			return 0;
		}
		dipc_client_msg_free(conns[0], rsp);
	}
}

const struct perf_mode perf_mode_connect = {
	.name = "connect",
	.help = "admission time: connect, first echo response, close; --count times",
	.run = connect_run,
	.own_connections = 1,
};

const struct perf_mode perf_mode_reclaim = {
	.name = "reclaim",
	.help = "kill -9 of a client under load to its slot free again; --count times",
	.run = reclaim_run,
	.own_connections = 1,
};

const struct perf_mode perf_mode_victim = {
	.name = "victim",
	.help = NULL, /* internal: the client that reclaim kills */
	.run = victim_run,
};
