/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-memstat: the two halves of tools/mem-report.sh.
 *
 *   dipc-memstat [EAL args] -- --eal-only
 *       A DPDK primary that runs rte_eal_init() with exactly the EAL
 *       arguments given and nothing else, then waits for SIGTERM or
 *       SIGINT: the baseline a dipc-server's private memory is compared
 *       with. It takes its arguments verbatim (no dipc defaults), so the
 *       report gives both processes the same full list.
 *
 *   dipc-memstat [EAL args] -- --walk [--json]
 *       A DPDK secondary (dipc's client defaults: --file-prefix reaches
 *       the server) that lists the hugepage memory in use by object: every
 *       memzone by kind (dipc's shared table, dipc's ring zones, mempool
 *       chunks and rings, the rest), every mempool, and the malloc heap's
 *       totals, of which what is not a memzone is rte_malloc'd memory.
 *       It reads shared structures only; it changes nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_mempool.h>

#include "dipc_client.h"
#include "dipc_eal.h"
#include "dipc_ring_proto.h"
#include "dipc_shm.h"

enum mz_kind { MZ_SHM, MZ_RINGS, MZ_MEMPOOL, MZ_OTHER, MZ_KINDS };
static const char *const kind_names[MZ_KINDS] = {
	"dipc_shm", "dipc_rings", "mempool", "other",
};

struct walk {
	FILE *f;
	int json;
	unsigned int n;
	uint64_t bytes[MZ_KINDS];
	unsigned int count[MZ_KINDS];
};

static volatile sig_atomic_t stop;

static void
on_stop(int sig __rte_unused)
{
	stop = 1;
}

static enum mz_kind
mz_kind(const char *name)
{
	static const char ring_zone[] = "dipc_rings_"; /* DIPC_RING_ZONE_FMT's prefix */
	size_t n = sizeof(ring_zone) - 1;

	if (strcmp(name, DIPC_SHM_MZ_NAME) == 0)
		return MZ_SHM;
	if (strncmp(name, ring_zone, n) == 0 && name[n] != '\0' &&
	    strspn(name + n, "0123456789") == strlen(name + n))
		return MZ_RINGS;
	/* A mempool's header and chunks are "MP_<name>[_<n>]", its ring
	 * (when it uses one) "RG_MP_<name>". */
	if (strncmp(name, "MP_", 3) == 0 || strncmp(name, "RG_MP_", 6) == 0)
		return MZ_MEMPOOL;
	return MZ_OTHER;
}

static void
mz_cb(const struct rte_memzone *mz, void *arg)
{
	struct walk *w = arg;
	enum mz_kind k = mz_kind(mz->name);

	w->bytes[k] += mz->len;
	w->count[k]++;
	if (w->json)
		fprintf(w->f, "%s{\"name\":\"%s\",\"kind\":\"%s\",\"len\":%zu,\"socket\":%d}",
			w->n++ ? "," : "", mz->name, kind_names[k], mz->len, mz->socket_id);
	else
		fprintf(w->f, "  memzone %-32s %-10s %12zu B\n", mz->name, kind_names[k],
			mz->len);
}

static void
memhdr_cb(struct rte_mempool *mp __rte_unused, void *arg, struct rte_mempool_memhdr *hdr,
	  unsigned int idx __rte_unused)
{
	*(uint64_t *)arg += hdr->len;
}

static void
mp_cb(struct rte_mempool *mp, void *arg)
{
	struct walk *w = arg;
	uint64_t mem = 0;

	rte_mempool_mem_iter(mp, memhdr_cb, &mem);
	if (w->json)
		fprintf(w->f, "%s{\"name\":\"%s\",\"size\":%u,\"populated\":%u,\"elt_size\":%u,"
			"\"header_size\":%u,\"trailer_size\":%u,\"private_data_size\":%u,"
			"\"cache_size\":%u,\"mem_bytes\":%" PRIu64 ",\"avail\":%u}",
			w->n++ ? "," : "", mp->name, mp->size, mp->populated_size, mp->elt_size,
			mp->header_size, mp->trailer_size, mp->private_data_size,
			mp->cache_size, mem, rte_mempool_avail_count(mp));
	else
		fprintf(w->f, "  mempool %-32s %u x %u B (+%u header, +%u trailer), "
			"%" PRIu64 " B of chunks, %u available\n", mp->name, mp->size,
			mp->elt_size, mp->header_size, mp->trailer_size, mem,
			rte_mempool_avail_count(mp));
}

static int
walk(int json)
{
	struct rte_malloc_socket_stats st;
	struct walk w = { .f = stdout, .json = json };
	uint64_t mz_total = 0;
	unsigned int k, s;
	uint64_t heap_total = 0, heap_alloc = 0;

	if (json)
		printf("{\"tool\":\"dipc-memstat\",\"memzones\":[");
	else
		printf("memzones:\n");
	rte_memzone_walk(mz_cb, &w);
	w.n = 0;
	printf(json ? "],\"mempools\":[" : "mempools:\n");
	rte_mempool_walk(mp_cb, &w);
	for (s = 0; s < rte_socket_count(); s++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) != 0)
			continue;
		heap_total += st.heap_totalsz_bytes;
		heap_alloc += st.heap_allocsz_bytes;
	}
	for (k = 0; k < MZ_KINDS; k++)
		mz_total += w.bytes[k];
	if (json) {
		printf("],\"by_kind\":{");
		for (k = 0; k < MZ_KINDS; k++)
			printf("%s\"%s\":{\"count\":%u,\"bytes\":%" PRIu64 "}", k ? "," : "",
			       kind_names[k], w.count[k], w.bytes[k]);
		printf("},\"memzone_bytes\":%" PRIu64 ",\"heap_total_bytes\":%" PRIu64
		       ",\"heap_alloc_bytes\":%" PRIu64 ",\"heap_alloc_outside_memzones\":%" PRId64
		       "}\n", mz_total, heap_total, heap_alloc,
		       (int64_t)heap_alloc - (int64_t)mz_total);
	} else {
		printf("by kind:\n");
		for (k = 0; k < MZ_KINDS; k++)
			printf("  %-10s %4u memzones %12" PRIu64 " B\n", kind_names[k], w.count[k],
			       w.bytes[k]);
		printf("hugepage heap: %" PRIu64 " B mapped, %" PRIu64 " B allocated, of which "
		       "%" PRId64 " B outside memzones (rte_malloc)\n", heap_total, heap_alloc,
		       (int64_t)heap_alloc - (int64_t)mz_total);
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: dipc-memstat [EAL args] -- --eal-only\n"
		   "       dipc-memstat [EAL args] -- --walk [--json]\n"
		   "  --eal-only  a DPDK primary that only runs rte_eal_init() and waits for\n"
		   "              SIGTERM (the EAL-only baseline of tools/mem-report.sh)\n"
		   "  --walk      attach as a secondary and list hugepage memory by object\n"
		   "  --json      with --walk: one JSON object\n"
		   "  --help, -h  print this help and exit\n");
}

/* After EAL's usage, for -h/--help before "--" (rte_eal_init() prints both). */
static void
usage_hook(const char *prgname __rte_unused)
{
	usage(stdout);
}

int
main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct timespec tick = { .tv_nsec = 50000000L };
	int eal_only = 0, do_walk = 0, json = 0, i, ret;

	/* -h/--help before "--": EAL's usage and ours, as rte_eal_init() prints. */
	if (dipc_eal_help_wanted(argc, argv)) {
		rte_set_application_usage_hook(usage_hook);
		rte_eal_init(argc, argv);
		return 0;
	}
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	for (i++; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--eal-only") == 0)
			eal_only = 1;
		else if (strcmp(argv[i], "--walk") == 0)
			do_walk = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			break;
	}
	if (i < argc || eal_only == do_walk) {
		usage(stderr);
		return 2;
	}
	if (eal_only) {
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		ret = rte_eal_init(argc, argv);
		if (ret < 0) {
			fprintf(stderr, "dipc-memstat: rte_eal_init: %s\n", rte_strerror(rte_errno));
			return 1;
		}
		printf("dipc-memstat: eal-only: ready: pid %d\n", (int)getpid());
		fflush(stdout);
		while (!stop)
			nanosleep(&tick, NULL);
		rte_eal_cleanup();
		return 0;
	}
	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "dipc-memstat: %s\n", dipc_client_strerror(ret));
		return 1;
	}
	ret = walk(json);
	rte_eal_cleanup();
	return ret;
}
