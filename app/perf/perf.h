/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_PERF_H
#define DIPC_PERF_H

#include <stdint.h>
#include <stdio.h>

#include "dipc_client.h"
#include "hist.h"

#define PERF_MAX_CONNS 1024
#define PERF_MAX_ARGS 64
#define PERF_MAX_PROCS 64
#define PERF_MAX_BURST 512

struct perf_opts {
	const char *mode;
	uint32_t size;        /* body bytes */
	uint32_t burst;
	uint32_t window;
	double duration;      /* seconds measured */
	double warmup;        /* seconds before measuring */
	uint64_t count;       /* stop after this many messages (0: duration) */
	uint32_t connections;
	uint32_t timeout_ms;
	int verify;           /* check echoed bodies byte for byte */
	int json;             /* JSON to stdout in place of the summary */
	const char *json_file; /* --json-file: JSON to FILE, summary to stdout */
	const char *hist_csv; /* --hist-csv FILE */
	uint32_t procs;       /* --procs: client processes, each with --connections */
	struct perf_sync *sync; /* --procs: start barrier shared with the parent */
	double get_ratio;     /* kv: share of GETs, 0..1 */
	uint32_t keys;        /* kv: keys preloaded and used */
	uint32_t value_size;  /* kv: value bytes per PUT */
	uint32_t load;        /* reclaim: clients making echo calls beside the victim */
	uint32_t transport;   /* DIPC_CLIENT_TRANSPORT_RING or _ETH */
	const char *peer;     /* eth: the server's A.B.C.D[:PORT] */
	const char *local_ip; /* eth: this host's address on the port */
	const char *port;     /* eth: the ethdev port (NULL: the only one) */
	const char *token_file; /* NULL: DIPC_TOKEN_FILE */
	int eal_argc;         /* the EAL arguments we were given, argv[0] first, */
	char **eal_argv;      /* for the processes a mode starts (reclaim) */
};

struct perf_result {
	uint64_t messages;   /* completed: round trips, or one-way sends */
	uint64_t errors;     /* error responses, bad echoes */
	double elapsed_s;    /* measured interval */
	struct perf_hist *hist; /* latency mode only */
	int server_status;   /* 0, or -ESHUTDOWN / -ECONNRESET / -ETIMEDOUT */
	/* A mode's own lines (human) or JSON members (json: ",\"k\":v..."). */
	void (*print_extra)(FILE *f, const struct perf_opts *o, const struct perf_result *r,
			    int json);
	void *extra;
};

/* One benchmark mode (testpmd's fwd_engine, sized down). */
struct perf_mode {
	const char *name;
	const char *help;
	int (*run)(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r);
	int own_connections;  /* the mode connects itself: main opens none */
};

extern const struct perf_mode perf_mode_latency;
extern const struct perf_mode perf_mode_throughput;
extern const struct perf_mode perf_mode_oneway;
extern const struct perf_mode perf_mode_connect;
extern const struct perf_mode perf_mode_reclaim;
extern const struct perf_mode perf_mode_victim;
extern const struct perf_mode perf_mode_idle;

/* Does @m fill perf_result.hist? */
int perf_mode_has_hist(const struct perf_mode *m);

/*
 * One client process: EAL, --connections connections, the start barrier
 * (o->sync, --procs only), the run. Returns the exit status. perf_finish()
 * then closes the connections and EAL and returns @status.
 */
int perf_run_one(struct perf_opts *o, const struct perf_mode *mode, int argc, char **argv,
		 struct perf_result *r, struct perf_hist *hist);
int perf_finish(const struct perf_opts *o, int status);

/*
 * --procs P: fork P client processes before EAL exists (each then runs
 * perf_run_one() as a DPDK secondary of its own), start their runs
 * together once all are connected, and sum their results into @r and
 * @hist. Returns the worst exit status of the children.
 */
int perf_procs_run(struct perf_opts *o, const struct perf_mode *mode, int argc, char **argv,
		   struct perf_result *r, struct perf_hist *hist);
/* A child: wait for the parent's go; 0, or -1 if the run is called off. */
int perf_sync_wait(struct perf_sync *s);

extern const struct perf_mode perf_mode_kv;

/* --get-ratio: "0.9", "90%" or "90" (over 1: percent). 0 or -EINVAL. */
int perf_kv_parse_ratio(const char *s, double *out);

/* Seconds as TSC cycles, and cycles as ns. */
uint64_t perf_cycles(double seconds);
double perf_ns(uint64_t cycles);

/* Fill a body with a pattern derived from the stream id; check that
 * message @m (one segment or a chain) carries @len bytes of it. */
void perf_fill(void *body, uint32_t len, uint32_t stream_id);
int perf_check(const struct rte_mbuf *m, uint32_t len, uint32_t stream_id);

/* Server gone or stopping? Checks every connection; 0 if all is well. */
int perf_check_server(struct dipc_client **conns, uint32_t n);

#endif /* DIPC_PERF_H */
