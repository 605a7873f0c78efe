/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --procs P: many client processes in one command. The parent forks P
 * children before any EAL exists (a DPDK process must not fork once EAL
 * runs: the children would share its threads' state and its hugepage
 * mappings' bookkeeping); each child attaches as a secondary of its own and
 * opens its --connections. When every child is connected, the parent lets
 * them all start at once, so their measured intervals overlap. Results and
 * histograms come back through one shared anonymous mapping.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "perf.h"

struct perf_sync {
	uint32_t ready;  /* children connected and waiting */
	int32_t go;      /* 0: wait; 1: start; -1: called off */
};

struct proc_slot {
	struct perf_result r;
	struct perf_hist hist;
	int status;
};

static volatile sig_atomic_t parent_stop;

static void
on_parent_signal(int sig __rte_unused)
{
	parent_stop = 1;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int
perf_sync_wait(struct perf_sync *s)
{
	int32_t go;

	__atomic_fetch_add(&s->ready, 1, __ATOMIC_RELEASE);
	/* Sleep, not spin: the other children may share this CPU and still
	 * be connecting. */
	while ((go = __atomic_load_n(&s->go, __ATOMIC_ACQUIRE)) == 0)
		sleep_ms(1);
	return go > 0 ? 0 : -1;
}

/* Exit status of a child that waitpid() returned. */
static int
child_status(pid_t pid, int st, unsigned int i)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	fprintf(stderr, "dipc-perf: process %u (pid %d) died of signal %d\n", i, (int)pid,
		WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 1;
}

int
perf_procs_run(struct perf_opts *o, const struct perf_mode *mode, int argc, char **argv,
	       struct perf_result *r, struct perf_hist *hist)
{
	size_t len = sizeof(struct perf_sync) + (size_t)o->procs * sizeof(struct proc_slot);
	struct sigaction sa = { .sa_handler = on_parent_signal };
	pid_t pids[PERF_MAX_PROCS];
	struct proc_slot *slots;
	struct perf_sync *sync;
	unsigned int i, alive = 0, forwarded = 0;
	int st, status = 0, ret;
	void *mem;
	pid_t pid;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "dipc-perf: --procs: cannot map shared results: %s\n",
			strerror(errno));
		return 3;
	}
	sync = mem;
	slots = (struct proc_slot *)(sync + 1);
	/* Buffered output written once by each child, not copied into each. */
	fflush(NULL);
	for (i = 0; i < o->procs; i++) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "dipc-perf: --procs: fork: %s\n", strerror(errno));
			__atomic_store_n(&sync->go, -1, __ATOMIC_RELEASE);
			status = 3;
			break;
		}
		if (pid == 0) {
			o->sync = sync;
			ret = perf_run_one(o, mode, argc, argv, &slots[i].r, &slots[i].hist);
			slots[i].status = ret;
			ret = perf_finish(o, ret);
			fflush(NULL);
			_exit(ret);
		}
		pids[alive++] = pid;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	/* Start them together once all are connected; call the run off if one
	 * gives up first (it could not attach or connect). */
	while (status == 0 && __atomic_load_n(&sync->ready, __ATOMIC_ACQUIRE) < o->procs) {
		for (i = 0; i < alive; i++) {
			if (pids[i] > 0 && waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				status = RTE_MAX(child_status(pids[i], st, i), 3);
				pids[i] = 0;
			}
		}
		if (parent_stop)
			status = 3;
		if (status != 0)
			__atomic_store_n(&sync->go, -1, __ATOMIC_RELEASE);
		else
			sleep_ms(1);
	}
	if (status == 0)
		__atomic_store_n(&sync->go, 1, __ATOMIC_RELEASE);

	/* Wait for all; pass SIGTERM/SIGINT on (the idle mode runs until then). */
	for (;;) {
		unsigned int left = 0;

		for (i = 0; i < alive; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				status = RTE_MAX(status, child_status(pids[i], st, i));
				pids[i] = 0;
			} else {
				left++;
			}
		}
		if (left == 0)
			break;
		if (parent_stop && !forwarded) {
			for (i = 0; i < alive; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
			forwarded = 1;
		}
		sleep_ms(1);
	}

	/* The sum: messages over the longest measured interval (they overlap). */
	memset(r, 0, sizeof(*r));
	hist_init(hist);
	for (i = 0; i < o->procs; i++) {
		const struct proc_slot *s = &slots[i];

		r->messages += s->r.messages;
		r->errors += s->r.errors;
		r->elapsed_s = RTE_MAX(r->elapsed_s, s->r.elapsed_s);
		if (r->server_status == 0)
			r->server_status = s->r.server_status;
		if (perf_mode_has_hist(mode))
			hist_merge(hist, &s->hist);
	}
	if (perf_mode_has_hist(mode))
		r->hist = hist;
	munmap(mem, len);
	return status;
}
