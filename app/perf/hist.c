/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_common.h>

#include "perf.h"

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
	h->min = RTE_MIN(h->min, ns);
	h->max = RTE_MAX(h->max, ns);
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
			return RTE_MIN(RTE_MAX(hist_value(i), h->min), h->max);
	}
	return h->max;
}
