/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * idle: open --connections and hold them, sending nothing, for --duration
 * seconds (0: until SIGTERM or SIGINT). What one more idle connection costs
 * the server (tools/mem-report.sh).
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "perf.h"

static volatile sig_atomic_t idle_stop;

static void
on_stop(int sig __rte_unused)
{
	idle_stop = 1;
}

static int
idle_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct timespec tick = { .tv_nsec = 100000000L };
	uint64_t start = rte_rdtsc(), end = start + perf_cycles(o->duration);
	int ret;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("dipc-perf: idle: holding %u connections\n", o->connections);
	fflush(stdout);
	while (!idle_stop && (o->duration <= 0 || rte_rdtsc() < end)) {
		nanosleep(&tick, NULL);
		/* Also our heartbeat, and how a dead server is noticed. */
		ret = perf_check_server(conns, o->connections);
		if (ret != 0) {
			r->server_status = ret;
			break;
		}
	}
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	return 0;
}

const struct perf_mode perf_mode_idle = {
	.name = "idle",
	.help = "hold --connections open, sending nothing, --duration s (0: until SIGTERM)",
	.run = idle_run,
};
