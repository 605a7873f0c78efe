/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_PERF_HIST_H
#define DIPC_PERF_HIST_H

/*
 * Log-linear latency histogram: 64 sub-buckets per power of two of ns, so
 * a percentile is within 1/64 (1.6%) of the sample it stands for. Shared
 * by dipc-perf and dipc-udsbench so that both report percentiles the same
 * way.
 */
#include <stdint.h>
#include <stdio.h>

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
/* Add every sample of @from to @to (results of several processes). */
void hist_merge(struct perf_hist *to, const struct perf_hist *from);
/* Bucket @idx covers [*lo, *hi) ns; the last bucket also holds everything above. */
void hist_bounds(unsigned int idx, uint64_t *lo, uint64_t *hi);
/*
 * The histogram as CSV: a header, one "bucket" row per non-empty bucket
 * (lo_ns, hi_ns, count, cumulative fraction), then one "percentile" row per
 * reported percentile (pct, value_ns), then min, max and mean rows.
 * Returns 0, or -1 if writing failed.
 */
int hist_write_csv(const struct perf_hist *h, FILE *f);

#endif /* DIPC_PERF_HIST_H */
