/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_PERF_H
#define DIPC_PERF_H

#include <stdint.h>
#include <stdio.h>

#include "dipc_client.h"

#define PERF_MAX_CONNS 1024
#define PERF_MAX_ARGS 64
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
	int json;
	double get_ratio;     /* kv: share of GETs, 0..1 */
	uint32_t keys;        /* kv: keys preloaded and used */
	uint32_t value_size;  /* kv: value bytes per PUT */
	int eal_argc;         /* the EAL arguments we were given, argv[0] first, */
	char **eal_argv;      /* for the processes a mode starts (reclaim) */
};

/* Log-linear latency histogram: 64 sub-buckets per power of two of ns. */
#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS (40 * HIST_SUB)
struct perf_hist {
	uint64_t bucket[HIST_BUCKETS];
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double sum;
};
void hist_init(struct perf_hist *h);
void hist_add(struct perf_hist *h, uint64_t ns);
uint64_t hist_percentile(const struct perf_hist *h, double pct);

struct perf_result {
	uint64_t messages;   /* completed: round trips, or one-way sends */
	uint64_t errors;     /* error responses, bad echoes */
	double elapsed_s;    /* measured interval */
	struct perf_hist *hist; /* latency mode only */
	int server_status;   /* 0, or -ESHUTDOWN / -ECONNRESET / -ETIMEDOUT */
	/* A mode's own lines (human) or JSON members (json: ",\"k\":v..."). */
	void (*print_extra)(const struct perf_opts *o, const struct perf_result *r, int json);
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
extern const struct perf_mode perf_mode_kv;

/* --get-ratio: "0.9", "90%" or "90" (over 1: percent). 0 or -EINVAL. */
int perf_kv_parse_ratio(const char *s, double *out);

/* Seconds as TSC cycles, and cycles as ns. */
uint64_t perf_cycles(double seconds);
double perf_ns(uint64_t cycles);

/* Fill and check a body with a pattern derived from the stream id. */
void perf_fill(void *body, uint32_t len, uint32_t stream_id);
int perf_check(const void *body, uint32_t len, uint32_t stream_id);

/* Server gone or stopping? Checks every connection; 0 if all is well. */
int perf_check_server(struct dipc_client **conns, uint32_t n);

#endif /* DIPC_PERF_H */
