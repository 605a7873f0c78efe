/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "hist.h"

/* No DPDK here: dipc-udsbench links this file without EAL. */
#define HMIN(a, b) ((a) < (b) ? (a) : (b))
#define HMAX(a, b) ((a) > (b) ? (a) : (b))

void
hist_init(struct perf_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static unsigned int
hist_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - HIST_SUB_BITS;
	if ((shift + 1) * HIST_SUB >= HIST_BUCKETS)
		return HIST_BUCKETS - 1;
	return (shift + 1) * HIST_SUB + (unsigned int)((v >> shift) & (HIST_SUB - 1));
}

/* Midpoint of a bucket's range, the value a percentile reports. */
static uint64_t
hist_value(unsigned int idx)
{
	unsigned int shift;

	if (idx < HIST_SUB)
		return idx;
	shift = idx / HIST_SUB - 1;
	return ((uint64_t)(HIST_SUB + idx % HIST_SUB) << shift) + ((1ull << shift) >> 1);
}

void
hist_add(struct perf_hist *h, uint64_t ns)
{
	h->bucket[hist_index(ns)]++;
	h->count++;
	h->sum += (double)ns;
	h->min = HMIN(h->min, ns);
	h->max = HMAX(h->max, ns);
}

uint64_t
hist_percentile(const struct perf_hist *h, double pct)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)(pct / 100.0 * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen > rank)
			return HMIN(HMAX(hist_value(i), h->min), h->max);
	}
	return h->max;
}

void
hist_merge(struct perf_hist *to, const struct perf_hist *from)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		to->bucket[i] += from->bucket[i];
	to->count += from->count;
	to->sum += from->sum;
	to->min = HMIN(to->min, from->min);
	to->max = HMAX(to->max, from->max);
}

void
hist_bounds(unsigned int idx, uint64_t *lo, uint64_t *hi)
{
	unsigned int shift;

	if (idx < HIST_SUB) {
		*lo = idx;
		*hi = (uint64_t)idx + 1;
		return;
	}
	shift = idx / HIST_SUB - 1;
	*lo = (uint64_t)(HIST_SUB + idx % HIST_SUB) << shift;
	*hi = *lo + (1ull << shift);
}

int
hist_write_csv(const struct perf_hist *h, FILE *f)
{
	static const double pcts[] = { 50, 90, 99, 99.9, 99.99 };
	uint64_t lo, hi, seen = 0;
	unsigned int i;

	fprintf(f, "kind,lo_ns,hi_ns,count,cumulative,percentile,value_ns\n");
	for (i = 0; i < HIST_BUCKETS; i++) {
		if (h->bucket[i] == 0)
			continue;
		seen += h->bucket[i];
		hist_bounds(i, &lo, &hi);
		/* The overflow bucket holds everything above its start. */
		if (i == HIST_BUCKETS - 1)
			hi = HMAX(hi, h->max + 1);
		fprintf(f, "bucket,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,,\n", lo, hi,
			h->bucket[i], (double)seen / (double)h->count);
	}
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		fprintf(f, "percentile,,,,,%g,%" PRIu64 "\n", pcts[i], hist_percentile(h, pcts[i]));
	if (h->count != 0) {
		fprintf(f, "min,,,,,0,%" PRIu64 "\n", h->min);
		fprintf(f, "max,,,,,100,%" PRIu64 "\n", h->max);
		fprintf(f, "mean,,,,,,%.0f\n", h->sum / (double)h->count);
	}
	return ferror(f) ? -1 : 0;
}
