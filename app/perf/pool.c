/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection pool's costs:
 *   connect  admission time: from dipc_client_connect() to the first echo
 *            response on the new connection, then close; --count times;
 *   reclaim  from kill -9 of a client under load to its slot back in the
 *            pool (FREE in the shared connection table), --count times,
 *            split into the kernel's part (kill to the process gone: its
 *            pidfd fires, its parent can reap it) and dipc's (gone to
 *            slot free), and the reap (waitpid()) timed on its own;
 *            with --load N, next to N more clients making echo calls all
 *            along. The victim and the load are this program again, in
 *            the hidden mode "victim" (echo calls until it dies, or until
 *            SIGTERM).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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

/* Start this program as a victim client (echo calls until killed), its
 * stdout (where a load client's summary would go) on /dev/null. Returns
 * its pid or -errno. */
static pid_t
spawn_victim(const struct perf_opts *o)
{
	char *argv[PERF_MAX_ARGS + 4];
	int i, n = 0, fd;
	pid_t pid;

	argv[n++] = (char *)(uintptr_t)"/proc/self/exe";
	for (i = 1; i < o->eal_argc && n < PERF_MAX_ARGS; i++)
		argv[n++] = o->eal_argv[i];
	argv[n++] = (char *)(uintptr_t)"--";
	argv[n++] = (char *)(uintptr_t)"--mode=victim";
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
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

/* Percentile @pct of @n sorted samples (nearest rank). */
static double
sorted_pct(const double *v, unsigned int n, double pct)
{
	unsigned int rank = (unsigned int)(pct / 100.0 * n + 0.999999);

	if (n == 0)
		return 0;
	return v[rank == 0 ? 0 : RTE_MIN(rank, n) - 1];
}

#define RECLAIM_MAX_KILLS 100000
/* How often the observer looks at the slot while it waits for FREE. */
#define RECLAIM_POLL_US 50

struct reclaim_extra {
	unsigned int n;       /* kills measured */
	unsigned int load;    /* load clients beside the victim */
	int fifo;             /* 1: the observer ran SCHED_FIFO */
	unsigned int early;   /* slot seen free at the first look */
	double gone[RECLAIM_MAX_KILLS];  /* kill -> process gone: the kernel */
	double after[RECLAIM_MAX_KILLS]; /* gone -> slot free: dipc */
	double reap[RECLAIM_MAX_KILLS];  /* waitpid() of the zombie: the kernel */
};

static void
print_part(FILE *f, const char *name, double *v, unsigned int n, int json)
{
	double max;

	qsort(v, n, sizeof(double), cmp_double);
	max = n != 0 ? v[n - 1] : 0;
	if (json)
		fprintf(f, ",\"%s\":{\"p50\":%.0f,\"p90\":%.0f,\"p99\":%.0f,\"max\":%.0f}", name,
			sorted_pct(v, n, 50), sorted_pct(v, n, 90), sorted_pct(v, n, 99), max);
	else
		fprintf(f, "  %-28s p50 %.0f  p90 %.0f  p99 %.0f  max %.0f ns\n", name,
			sorted_pct(v, n, 50), sorted_pct(v, n, 90), sorted_pct(v, n, 99), max);
}

static void
reclaim_print(FILE *f, const struct perf_opts *o __rte_unused, const struct perf_result *r,
	      int json)
{
	struct reclaim_extra *x = r->extra;

	if (x == NULL)
		return;
	if (json) {
		fprintf(f, ",\"load_clients\":%u,\"observer\":\"%s\",\"free_at_first_look\":%u",
			x->load, x->fifo ? "SCHED_FIFO" : "SCHED_OTHER", x->early);
		print_part(f, "kill_to_gone_ns", x->gone, x->n, 1);
		print_part(f, "gone_to_free_ns", x->after, x->n, 1);
		print_part(f, "reap_ns", x->reap, x->n, 1);
		return;
	}
	fprintf(f, "  load: %u clients making echo calls beside the victim; observer %s\n",
		x->load, x->fifo ? "SCHED_FIFO" : "SCHED_OTHER (wakes late under load)");
	print_part(f, "kill to gone (kernel):", x->gone, x->n, 0);
	print_part(f, "gone to slot free (dipc):", x->after, x->n, 0);
	print_part(f, "waitpid() reap (kernel):", x->reap, x->n, 0);
	fprintf(f, "  slot already free at the observer's first look: %u of %u\n", x->early,
		x->n);
}

/* Stop the load clients: SIGTERM (they close and exit), SIGKILL if late. */
static void
stop_load(const pid_t *pids, unsigned int n)
{
	unsigned int i, waited;
	int st;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++) {
		for (waited = 0; waited < 5000; waited += 10) {
			if (waitpid(pids[i], &st, WNOHANG) != 0)
				break;
			rte_delay_us_sleep(10000);
		}
		if (waited >= 5000) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &st, 0);
		}
	}
}

/*
 * The observer (this process) wakes when the victim is gone and then looks
 * at the slot every RECLAIM_POLL_US. On a loaded machine an ordinary
 * process wakes late, as late as the server's control lcore, which would
 * move dipc's part into the kernel's; so, from the kill to the slot free,
 * it runs SCHED_FIFO when allowed (not its children: SCHED_RESET_ON_FORK),
 * sleeping between looks: a few µs of CPU each. It reaps the victim only
 * then, as an ordinary process: the reap can take long (below), and a
 * SCHED_FIFO task in the kernel that long would starve the server.
 */
static int
observer_fifo(void)
{
	/* Above any real-time thread of the server's (none by default). */
	struct sched_param sp = { .sched_priority = 2 };

	return sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0;
}

static void
observer_normal(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp);
}

static void
nap_us(unsigned int us)
{
	struct timespec ts = { 0, (long)us * 1000 };

	nanosleep(&ts, NULL);
}

/* The instants of one kill (TSC). */
struct kill_times {
	uint64_t kill;   /* SIGKILL sent */
	uint64_t gone;   /* its pidfd fired: exited, a zombie; the server can know */
	uint64_t free;   /* its slot seen FREE */
	uint64_t reaped; /* waitpid() returned */
	uint64_t reap_start;
};

/* Start a victim, kill it, time it: 0, or -ETIMEDOUT with t->kill set if
 * it or its slot did not go within 10 s, or -errno. */
static int
kill_one(const struct perf_opts *o, struct dipc_shm *shm, int fifo, struct kill_times *t)
{
	const uint64_t hz = rte_get_tsc_hz();
	struct pollfd pfd = { .events = POLLIN };
	pid_t pid = spawn_victim(o);
	int slot, st, ret = 0;

	memset(t, 0, sizeof(*t));
	if (pid < 0)
		return pid;
	/* Under load: it has made some calls, and keeps making them. */
	slot = find_victim(shm, pid, 1000, rte_rdtsc() + hz * 60);
	pfd.fd = slot < 0 ? -1 : (int)syscall(SYS_pidfd_open, pid, 0);
	if (slot < 0 || pfd.fd < 0) {
		ret = slot < 0 ? slot : -errno;
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return ret;
	}
	if (fifo)
		observer_fifo();
	t->kill = rte_rdtsc_precise();
	kill(pid, SIGKILL);
	/* Its pidfd fires when the process has exited, when the server's
	 * fires too: nobody can know before. */
	if (poll(&pfd, 1, 10000) != 1)
		ret = -ETIMEDOUT;
	t->gone = rte_rdtsc_precise();
	close(pfd.fd);
	while (ret == 0 && dipc_shm_load_state(&shm->conns[slot].state) != DIPC_CONN_FREE) {
		if (rte_rdtsc() - t->kill > hz * 10)
			ret = -ETIMEDOUT;
		nap_us(RECLAIM_POLL_US);
	}
	t->free = rte_rdtsc_precise();
	if (fifo)
		observer_normal();
	t->reap_start = rte_rdtsc_precise();
	waitpid(pid, &st, 0);
	t->reaped = rte_rdtsc_precise();
	return ret;
}

static int
reclaim_run(const struct perf_opts *o, struct dipc_client **conns __rte_unused,
	    struct perf_result *r)
{
	uint64_t n = o->count != 0 ? o->count : 100, i, hz = rte_get_tsc_hz();
	uint64_t start = rte_rdtsc();
	struct dipc_shm *shm = dipc_shm_lookup();
	static struct reclaim_extra x;
	pid_t load[PERF_MAX_PROCS];
	struct kill_times t;
	unsigned int nb_load;
	int ret;

	if (shm == NULL) {
		r->server_status = -ECONNREFUSED;
		return 0;
	}
	n = RTE_MIN(n, (uint64_t)RECLAIM_MAX_KILLS);
	x.load = o->load;
	r->extra = &x;
	r->print_extra = reclaim_print;
	/* The load: clients making echo calls all along, each seen busy. */
	for (nb_load = 0; nb_load < o->load; nb_load++) {
		load[nb_load] = spawn_victim(o);
		if (load[nb_load] < 0) {
			r->server_status = load[nb_load];
			stop_load(load, nb_load);
			return 0;
		}
		if (find_victim(shm, load[nb_load], 1000, rte_rdtsc() + hz * 60) < 0) {
			r->server_status = -ETIMEDOUT;
			stop_load(load, nb_load + 1);
			return 0;
		}
	}
	/* May we? (Then back to normal until each kill.) */
	x.fifo = observer_fifo();
	if (x.fifo)
		observer_normal();
	for (i = 0; i < n; i++) {
		ret = kill_one(o, shm, x.fifo, &t);
		if (ret == -ETIMEDOUT && t.kill != 0) {
			r->errors++; /* not gone, or its slot not free, within 10 s */
			continue;
		}
		if (ret != 0) {
			r->server_status = ret;
			break;
		}
		hist_add(r->hist, (uint64_t)perf_ns(t.free - t.kill));
		r->messages++;
		x.gone[x.n] = perf_ns(t.gone - t.kill);
		x.reap[x.n] = perf_ns(t.reaped - t.reap_start);
		/* Free at the first look: gone to free is at most that long. */
		x.early += t.free - t.gone < hz / 1000000 * RECLAIM_POLL_US;
		x.after[x.n++] = perf_ns(t.free - t.gone);
	}
	stop_load(load, nb_load);
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	return 0;
}

/* The victim of reclaim, and its load: echo calls on one connection until
 * killed, or until SIGTERM (then it closes and exits). */
static volatile sig_atomic_t victim_stop;

static void
on_victim_signal(int sig __rte_unused)
{
	victim_stop = 1;
}

static int
victim_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	struct rte_mbuf *m, *rsp;
	int ret;

	signal(SIGTERM, on_victim_signal);
	while (!victim_stop) {
		m = dipc_client_msg_alloc_wait(conns[0], DIPC_METHOD_ECHO, o->size, 0,
					       o->timeout_ms);
		ret = m == NULL ? -ENOBUFS : dipc_client_call(conns[0], m, &rsp, o->timeout_ms);
		if (ret != 0) {
			r->server_status = ret;
			return 0;
		}
		dipc_client_msg_free(conns[0], rsp);
	}
	return 0;
}

const struct perf_mode perf_mode_connect = {
	.name = "connect",
	.help = "admission time: connect, first echo response, close; --count times",
	.run = connect_run,
	.own_connections = 1,
};

const struct perf_mode perf_mode_reclaim = {
	.name = "reclaim",
	.help = "kill -9 of a client calling to its slot free again, --count times;\n"
		"                                   the kernel's and dipc's parts; --load N\n"
		"                                   more clients calling all along",
	.run = reclaim_run,
	.own_connections = 1,
};

const struct perf_mode perf_mode_victim = {
	.name = "victim",
	.help = NULL, /* internal: the client that reclaim kills, and its load */
	.run = victim_run,
};
