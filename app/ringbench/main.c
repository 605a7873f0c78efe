/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-ringbench: the raw-ring baseline for dipc's benchmark.
 *
 * It runs the same three patterns as dipc-perf (pingpong, oneway, window)
 * between two DPDK processes, but on bare rte_rings and mbufs with no dipc
 * code in the path, so dipc numbers can be quoted as ratios to these.
 *
 * The server is the DPDK primary. It creates the mbuf pool "rb_pool", the
 * SP/SC rings "rb_req" (client to server) and "rb_rsp" (server to client)
 * and the control memzone "rb_ctl", then polls rb_req on its main lcore:
 * echo modes send each mbuf back on rb_rsp unchanged (after reading its
 * first 8 bytes, as a header check would), oneway frees them.
 *
 * The client is a DPDK secondary. It gets and frees mbufs through a mempool
 * cache of its own (never the lcore cache, so its lcore id may equal the
 * server's), writes a sequence number in the first 8 bytes of every message
 * and checks it in the echoes.
 *
 * Control protocol (rb_ctl): a client claims the server by swapping its pid
 * into owner_pid, writes mode, clears stop and sets ready. When done it sets
 * stop; the server drains both rings back into the pool, clears stop, ready
 * and owner_pid, and waits for the next client.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#define RB_NAME "dipc-ringbench"

#define RB_POOL_NAME "rb_pool"
#define RB_REQ_NAME "rb_req"
#define RB_RSP_NAME "rb_rsp"
#define RB_CTL_NAME "rb_ctl"

#define RB_POOL_SIZE 8191
#define RB_POOL_CACHE 256
#define RB_RING_SIZE 1024
/** Server dequeue burst (DPDK's usual MAX_PKT_BURST). */
#define RB_SERVER_BURST 32
#define RB_MAX_BURST 512
/** The whole window fits rb_req, so window-mode enqueues never fail. */
#define RB_MAX_WINDOW (RB_RING_SIZE - 1)
/** Room for the sequence number. */
#define RB_MIN_SIZE 8
#define RB_MAX_SIZE RTE_MBUF_DEFAULT_DATAROOM

#define RB_IDLE_SPINS 10000
#define RB_IDLE_SLEEP_US 20
/** Empty client polls between checks that the server is still there. */
#define RB_CHECK_POLLS 4096
/** Seconds the client waits for the server to take or end a run. */
#define RB_CTL_TIMEOUT_S 5

/** "BCTL" read as a little-endian 32-bit integer. */
#define RB_CTL_MAGIC 0x4c544342u

#define RB_EXIT_USAGE 2

enum rb_mode {
	RB_MODE_NONE = 0,
	RB_MODE_PINGPONG,
	RB_MODE_ONEWAY,
	RB_MODE_WINDOW,
	RB_MODE_MAX
};

static const char *const rb_mode_names[RB_MODE_MAX] = {
	[RB_MODE_NONE] = "none",
	[RB_MODE_PINGPONG] = "pingpong",
	[RB_MODE_ONEWAY] = "oneway",
	[RB_MODE_WINDOW] = "window",
};

/** Control block shared by server and client, in memzone "rb_ctl". */
struct rb_ctl {
	uint32_t magic;       /**< RB_CTL_MAGIC once the server is set up */
	int32_t server_pid;
	int32_t server_cpu;   /**< CPU the server is pinned to, -1 if several */
	uint32_t server_gone; /**< set by the server just before it tears down */
	int32_t owner_pid;    /**< client owning the current run, 0 if none */
	uint32_t mode;        /**< enum rb_mode of the current run */
	uint32_t ready;       /**< client has set mode; the run may start */
	uint32_t stop;        /**< client is done; the server ends the run */
};

struct rb_opts {
	bool server;
	bool backoff;
	bool json;
	enum rb_mode mode;
	uint32_t size;
	uint32_t burst;
	uint32_t window;
	double duration;
	double warmup;
};

/*
 * Log-linear latency histogram in TSC cycles: values below 256 cycles have
 * their own bucket, above that each power of two is split into 128 linear
 * buckets, so a bucket is at most 1/128 (0.8%) of its value wide. This covers
 * any uint64_t, so 10 ns to 10 ms and beyond, in 7424 buckets.
 */
#define RB_HIST_SUB_BITS 7
#define RB_HIST_SUB (1u << RB_HIST_SUB_BITS)
#define RB_HIST_BUCKETS ((64 - RB_HIST_SUB_BITS) * RB_HIST_SUB + RB_HIST_SUB)

struct rb_hist {
	uint64_t *bucket;
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
};

struct rb_client {
	const struct rb_opts *o;
	struct rb_ctl *ctl;
	struct rte_mempool *pool;
	struct rte_mempool_cache *cache;
	struct rte_ring *req;
	struct rte_ring *rsp;
	uint64_t hz;
	uint64_t last_alive; /**< TSC of the last server pid check */
	uint64_t tx_seq;     /**< next sequence number to send */
	uint64_t rx_seq;     /**< next sequence number expected back */
	uint64_t mismatches;
	uint64_t messages;   /**< completed in the measured interval */
	struct rb_hist hist;
};

struct rb_result {
	double secs;
	double lat_ns[7]; /* min, p50, p90, p99, p99.9, max, mean */
};

static volatile sig_atomic_t force_quit;
/** Keeps the server's reads of the message data alive. */
static volatile uint64_t rb_touch_sink;

static void
signal_handler(int sig __rte_unused)
{
	force_quit = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " RB_NAME " [EAL args] -- --role server [--idle busy|backoff]\n"
		"       " RB_NAME " [EAL args] -- --role client --mode pingpong|oneway|window\n"
		"              [--size N] [--burst N] [--window N] [--duration S] [--warmup S] [--json]\n"
		"\n"
		"Raw rte_ring + mbuf baseline for dipc's benchmark: the same patterns between\n"
		"two DPDK processes with no dipc code in the path.\n"
		"\n"
		"Server (DPDK primary; creates rb_pool, rb_req, rb_rsp, rb_ctl):\n"
		"  --idle busy|backoff  busy: poll without sleeping (default); backoff: after\n"
		"                       %d empty polls, sleep %d us per empty poll\n"
		"Client (DPDK secondary; --proc-type=secondary is added if not given):\n"
		"  --mode pingpong      one round trip at a time; latency percentiles. A round\n"
		"                       trip is timed from mbuf get to free of the echo\n"
		"  --mode oneway        bursts to the server, which frees them; msgs/s\n"
		"  --mode window        keep --window requests in flight; round trips/s\n"
		"  --size N             bytes per message, %d..%d (default 64)\n"
		"  --burst N            enqueue/dequeue burst, 1..%d (default 32)\n"
		"  --window N           requests in flight in window mode, 1..%d (default 32)\n"
		"  --duration S         measured seconds (default 5)\n"
		"  --warmup S           unmeasured seconds first (default 1)\n"
		"  --json               print one JSON object on one line\n"
		"\n"
		"Pin server and client to different cores with -l and give both the same\n"
		"--file-prefix (--no-pci keeps EAL off devices the benchmark does not need):\n"
		"  " RB_NAME " -l 1 --file-prefix rb -- --role server &\n"
		"  " RB_NAME " -l 0 --file-prefix rb -- --role client --mode pingpong\n"
		"The lcore ids may even be equal (e.g. client --lcores 1@0): the client uses\n"
		"its own mempool cache, never the per-lcore one. The CPUs must differ.\n",
		RB_IDLE_SPINS, RB_IDLE_SLEEP_US, RB_MIN_SIZE, RB_MAX_SIZE, RB_MAX_BURST,
		RB_MAX_WINDOW);
}

static int
parse_u32(const char *opt, const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = (s[0] >= '0' && s[0] <= '9') ? strtoul(s, &end, 10) : 0;
	if (s[0] < '0' || s[0] > '9' || errno != 0 || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, RB_NAME ": --%s '%s': expected an integer from %u to %u\n",
			opt, s, lo, hi);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
parse_secs(const char *opt, const char *s, double lo, bool lo_open, double hi, double *out)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) ||
	    (lo_open ? v <= lo : v < lo) || v > hi) {
		fprintf(stderr, RB_NAME ": --%s '%s': expected seconds, %s %g and at most %g\n",
			opt, s, lo_open ? "more than" : "at least", lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

enum {
	OPT_ROLE = 256,
	OPT_MODE,
	OPT_SIZE,
	OPT_BURST,
	OPT_WINDOW,
	OPT_DURATION,
	OPT_WARMUP,
	OPT_IDLE,
	OPT_JSON,
};

#define CLIENT_OPTS ((1u << (OPT_MODE - OPT_ROLE)) | (1u << (OPT_SIZE - OPT_ROLE)) | \
		     (1u << (OPT_BURST - OPT_ROLE)) | (1u << (OPT_WINDOW - OPT_ROLE)) | \
		     (1u << (OPT_DURATION - OPT_ROLE)) | (1u << (OPT_WARMUP - OPT_ROLE)) | \
		     (1u << (OPT_JSON - OPT_ROLE)))
#define SERVER_OPTS (1u << (OPT_IDLE - OPT_ROLE))

static const struct option long_opts[] = {
	{"role", required_argument, NULL, OPT_ROLE},
	{"mode", required_argument, NULL, OPT_MODE},
	{"size", required_argument, NULL, OPT_SIZE},
	{"burst", required_argument, NULL, OPT_BURST},
	{"window", required_argument, NULL, OPT_WINDOW},
	{"duration", required_argument, NULL, OPT_DURATION},
	{"warmup", required_argument, NULL, OPT_WARMUP},
	{"idle", required_argument, NULL, OPT_IDLE},
	{"json", no_argument, NULL, OPT_JSON},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/*
 * Parse the application arguments; argv[0] is the "--" separator.
 * Returns 0 to run, 1 after printing help, -1 on a bad option.
 */
static int
parse_args(int argc, char **argv, struct rb_opts *o)
{
	const char *role = NULL;
	uint32_t seen = 0;
	unsigned int m;
	int c;

	memset(o, 0, sizeof(*o));
	o->size = 64;
	o->burst = 32;
	o->window = 32;
	o->duration = 5;
	o->warmup = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		if (c >= OPT_ROLE)
			seen |= 1u << (c - OPT_ROLE);
		switch (c) {
		case 'h':
			usage(stdout);
			return 1;
		case OPT_ROLE:
			if (strcmp(optarg, "server") != 0 && strcmp(optarg, "client") != 0) {
				fprintf(stderr, RB_NAME ": --role '%s': expected server or client\n",
					optarg);
				return -1;
			}
			role = optarg;
			break;
		case OPT_MODE:
			o->mode = RB_MODE_NONE;
			for (m = RB_MODE_PINGPONG; m < RB_MODE_MAX; m++)
				if (strcmp(optarg, rb_mode_names[m]) == 0)
					o->mode = (enum rb_mode)m;
			if (o->mode == RB_MODE_NONE) {
				fprintf(stderr, RB_NAME ": --mode '%s': expected pingpong, oneway or window\n",
					optarg);
				return -1;
			}
			break;
		case OPT_SIZE:
			if (parse_u32("size", optarg, RB_MIN_SIZE, RB_MAX_SIZE, &o->size) != 0)
				return -1;
			break;
		case OPT_BURST:
			if (parse_u32("burst", optarg, 1, RB_MAX_BURST, &o->burst) != 0)
				return -1;
			break;
		case OPT_WINDOW:
			if (parse_u32("window", optarg, 1, RB_MAX_WINDOW, &o->window) != 0)
				return -1;
			break;
		case OPT_DURATION:
			if (parse_secs("duration", optarg, 0, true, 86400, &o->duration) != 0)
				return -1;
			break;
		case OPT_WARMUP:
			if (parse_secs("warmup", optarg, 0, false, 3600, &o->warmup) != 0)
				return -1;
			break;
		case OPT_IDLE:
			if (strcmp(optarg, "backoff") == 0) {
				o->backoff = true;
			} else if (strcmp(optarg, "busy") == 0) {
				o->backoff = false;
			} else {
				fprintf(stderr, RB_NAME ": --idle '%s': expected busy or backoff\n",
					optarg);
				return -1;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case ':':
			fprintf(stderr, RB_NAME ": %s needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, RB_NAME ": unknown option '%s'\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, RB_NAME ": unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (role == NULL) {
		usage(stderr);
		return -1;
	}
	o->server = strcmp(role, "server") == 0;
	if (o->server && (seen & CLIENT_OPTS) != 0) {
		fprintf(stderr, RB_NAME ": --mode, --size, --burst, --window, --duration, "
			"--warmup and --json are client options\n");
		return -1;
	}
	if (!o->server && (seen & SERVER_OPTS) != 0) {
		fprintf(stderr, RB_NAME ": --idle is a server option\n");
		return -1;
	}
	if (!o->server && o->mode == RB_MODE_NONE) {
		fprintf(stderr, RB_NAME ": the client needs --mode pingpong|oneway|window\n");
		return -1;
	}
	return 0;
}

/*
 * Check the EAL arguments' --proc-type against the role. Returns 1 if it is
 * absent, 0 if it fits, -1 if not.
 */
static int
check_proc_type(int argc, char **argv, bool server)
{
	const char *want = server ? "primary" : "secondary";
	const char *val;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--proc-type", 11) != 0)
			continue;
		if (argv[i][11] == '=')
			val = argv[i] + 12;
		else if (argv[i][11] == '\0' && i + 1 < argc)
			val = argv[i + 1];
		else
			continue;
		if (strcmp(val, want) != 0) {
			fprintf(stderr, RB_NAME ": the %s must run with --proc-type=%s, not '%s'\n",
				server ? "server" : "client", want, val);
			return -1;
		}
		return 0;
	}
	return 1;
}

static bool
pid_alive(int32_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* The CPU this thread is pinned to, or -1 if it may run on several. */
static int
pinned_cpu(void)
{
	rte_cpuset_t set;
	int i;

	rte_thread_get_affinity(&set);
	if (CPU_COUNT(&set) != 1)
		return -1;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return -1;
}

/* ---------------------------------------------------------------- server */

static inline void
server_idle(const struct rb_opts *o, uint32_t *empty)
{
	if (!o->backoff)
		return;
	if (*empty < RB_IDLE_SPINS) {
		(*empty)++;
		rte_pause();
	} else {
		usleep(RB_IDLE_SLEEP_US);
	}
}

static inline bool
server_stopping(const struct rb_ctl *ctl)
{
	return force_quit || __atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE) != 0;
}

/* Serve one client run until it sets stop; returns the messages handled. */
static uint64_t
server_serve(const struct rb_opts *o, struct rb_ctl *ctl, struct rte_ring *req,
	     struct rte_ring *rsp, bool echo)
{
	struct rte_mbuf *m[RB_SERVER_BURST];
	uint64_t total = 0;
	uint64_t touch = 0;
	uint32_t empty = 0;
	unsigned int n, sent, i;

	while (!server_stopping(ctl)) {
		n = rte_ring_sc_dequeue_burst(req, (void **)m, RB_SERVER_BURST, NULL);
		if (n == 0) {
			server_idle(o, &empty);
			continue;
		}
		empty = 0;
		total += n;
		/* What a header check reads. */
		for (i = 0; i < n; i++)
			touch += *rte_pktmbuf_mtod(m[i], const uint64_t *);
		if (!echo) {
			rte_pktmbuf_free_bulk(m, n);
			continue;
		}
		sent = rte_ring_sp_enqueue_burst(rsp, (void **)m, n, NULL);
		while (sent < n) {
			if (server_stopping(ctl)) {
				rte_pktmbuf_free_bulk(m + sent, n - sent);
				break;
			}
			sent += rte_ring_sp_enqueue_burst(rsp, (void **)(m + sent), n - sent, NULL);
		}
	}
	rb_touch_sink = touch;
	return total;
}

/* Free whatever is left in a ring; the other side has stopped using it. */
static void
server_drain(struct rte_ring *r)
{
	struct rte_mbuf *m[RB_SERVER_BURST];
	unsigned int n;

	while ((n = rte_ring_sc_dequeue_burst(r, (void **)m, RB_SERVER_BURST, NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

static int
server_main(const struct rb_opts *o)
{
	const struct rte_memzone *mz;
	struct rte_mempool *pool = NULL;
	struct rte_ring *req = NULL;
	struct rte_ring *rsp = NULL;
	struct rb_ctl *ctl;
	uint64_t handled;
	uint32_t empty = 0;
	uint32_t mode;
	int32_t owner;
	/* DPDK takes socket ids as int but rte_socket_id() returns unsigned. */
	int socket = (int)rte_socket_id();
	int ret = 1;

	mz = rte_memzone_reserve(RB_CTL_NAME, sizeof(struct rb_ctl), socket, 0);
	if (mz == NULL) {
		fprintf(stderr, RB_NAME ": cannot reserve memzone " RB_CTL_NAME ": %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	ctl = mz->addr;
	memset(ctl, 0, sizeof(*ctl));

	pool = rte_pktmbuf_pool_create(RB_POOL_NAME, RB_POOL_SIZE, RB_POOL_CACHE, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (pool == NULL) {
		fprintf(stderr, RB_NAME ": cannot create mbuf pool " RB_POOL_NAME ": %s\n",
			rte_strerror(rte_errno));
		goto out;
	}
	req = rte_ring_create(RB_REQ_NAME, RB_RING_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	rsp = rte_ring_create(RB_RSP_NAME, RB_RING_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (req == NULL || rsp == NULL) {
		fprintf(stderr, RB_NAME ": cannot create rings: %s\n", rte_strerror(rte_errno));
		goto out;
	}

	ctl->server_pid = getpid();
	ctl->server_cpu = pinned_cpu();
	__atomic_store_n(&ctl->magic, RB_CTL_MAGIC, __ATOMIC_RELEASE);
	printf(RB_NAME " server: ready on lcore %u (pid %d, idle %s); pool " RB_POOL_NAME
	       " %d mbufs, rings " RB_REQ_NAME "/" RB_RSP_NAME " %d\n",
	       rte_lcore_id(), (int)getpid(), o->backoff ? "backoff" : "busy",
	       RB_POOL_SIZE, RB_RING_SIZE);

	while (!force_quit) {
		if (__atomic_load_n(&ctl->ready, __ATOMIC_ACQUIRE) == 0) {
			server_idle(o, &empty);
			continue;
		}
		empty = 0;
		mode = ctl->mode;
		owner = ctl->owner_pid;
		if (mode <= RB_MODE_NONE || mode >= RB_MODE_MAX) {
			printf(RB_NAME " server: client pid %d asked for unknown mode %u; "
			       "freeing its messages\n", (int)owner, mode);
			mode = RB_MODE_ONEWAY;
		} else {
			printf(RB_NAME " server: client pid %d: %s\n", (int)owner,
			       rb_mode_names[mode]);
		}
		handled = server_serve(o, ctl, req, rsp, mode != RB_MODE_ONEWAY);
		server_drain(req);
		server_drain(rsp);
		printf(RB_NAME " server: client pid %d done, %" PRIu64 " messages\n",
		       (int)owner, handled);
		__atomic_store_n(&ctl->stop, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&ctl->ready, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&ctl->owner_pid, 0, __ATOMIC_RELEASE);
	}
	printf(RB_NAME " server: stopping\n");
	ret = 0;

out:
	__atomic_store_n(&ctl->server_gone, 1, __ATOMIC_RELEASE);
	rte_ring_free(req);
	rte_ring_free(rsp);
	rte_mempool_free(pool);
	rte_memzone_free(mz);
	return ret;
}

/* ------------------------------------------------------------- histogram */

static inline unsigned int
hist_index(uint64_t v)
{
	unsigned int shift;

	if (v < 2 * (uint64_t)RB_HIST_SUB)
		return (unsigned int)v;
	shift = 63 - (unsigned int)__builtin_clzll(v) - RB_HIST_SUB_BITS;
	return shift * RB_HIST_SUB + (unsigned int)(v >> shift);
}

/* Middle of a bucket, in cycles. */
static double
hist_bucket_mid(unsigned int idx)
{
	unsigned int shift;
	uint64_t lo;

	if (idx < 2 * RB_HIST_SUB)
		return idx;
	shift = idx / RB_HIST_SUB - 1;
	lo = (uint64_t)(RB_HIST_SUB + idx % RB_HIST_SUB) << shift;
	return (double)lo + ((double)((uint64_t)1 << shift) - 1) / 2;
}

static inline void
hist_record(struct rb_hist *h, uint64_t v)
{
	h->bucket[hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Quantile q (0..1) in cycles. */
static double
hist_quantile(const struct rb_hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;
	double v;

	if (h->count == 0)
		return 0;
	/* Nearest rank: ceil(q * count), at least 1. */
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < RB_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	v = hist_bucket_mid(i);
	if (v < (double)h->min)
		v = (double)h->min;
	if (v > (double)h->max)
		v = (double)h->max;
	return v;
}

/* ---------------------------------------------------------------- client */

static inline int
client_alloc(struct rb_client *c, struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	if (rte_mempool_generic_get(c->pool, (void **)m, n, c->cache) != 0)
		return -ENOENT;
	for (i = 0; i < n; i++) {
		rte_pktmbuf_reset(m[i]);
		m[i]->data_len = (uint16_t)c->o->size;
		m[i]->pkt_len = c->o->size;
		*rte_pktmbuf_mtod(m[i], uint64_t *) = c->tx_seq++;
	}
	return 0;
}

static inline void
client_free(struct rb_client *c, struct rte_mbuf **m, unsigned int n)
{
	void *objs[RB_MAX_BURST];
	struct rte_mbuf *f;
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		f = rte_pktmbuf_prefree_seg(m[i]);
		if (f != NULL)
			objs[k++] = f;
	}
	if (k > 0)
		rte_mempool_generic_put(c->pool, objs, k, c->cache);
}

static inline void
client_check_seq(struct rb_client *c, struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (*rte_pktmbuf_mtod(m[i], const uint64_t *) != c->rx_seq++)
			c->mismatches++;
}

/*
 * Called every RB_CHECK_POLLS polls that made no progress: -EINTR on a
 * signal, -EPIPE if the server is gone, else 0.
 */
static int
client_check(struct rb_client *c)
{
	uint64_t now;

	if (force_quit)
		return -EINTR;
	if (__atomic_load_n(&c->ctl->server_gone, __ATOMIC_ACQUIRE) != 0)
		return -EPIPE;
	now = rte_rdtsc();
	if (now - c->last_alive > c->hz) {
		c->last_alive = now;
		if (!pid_alive(c->ctl->server_pid))
			return -EPIPE;
	}
	return 0;
}

static int
run_pingpong(struct rb_client *c, uint64_t t_meas, uint64_t t_end)
{
	struct rte_mbuf *m;
	void *obj = NULL;
	uint64_t t0, t1;
	unsigned int polls = 0;
	int ret;

	for (;;) {
		t0 = rte_rdtsc_precise();
		while (client_alloc(c, &m, 1) != 0)
			if (++polls % RB_CHECK_POLLS == 0 && (ret = client_check(c)) != 0)
				return ret;
		while (rte_ring_sp_enqueue(c->req, m) != 0)
			if (++polls % RB_CHECK_POLLS == 0 && (ret = client_check(c)) != 0)
				return ret;
		while (rte_ring_sc_dequeue(c->rsp, &obj) != 0)
			if (++polls % RB_CHECK_POLLS == 0 && (ret = client_check(c)) != 0)
				return ret;
		m = obj;
		client_check_seq(c, &m, 1);
		client_free(c, &m, 1);
		t1 = rte_rdtsc_precise();
		if (t1 >= t_end)
			break;
		if (t1 >= t_meas) {
			hist_record(&c->hist, t1 - t0);
			c->messages++;
		}
		if (force_quit)
			return -EINTR;
	}
	return 0;
}

static int
run_oneway(struct rb_client *c, uint64_t t_meas, uint64_t t_end)
{
	struct rte_mbuf *m[RB_MAX_BURST];
	unsigned int burst = c->o->burst;
	unsigned int pending = 0, off = 0, k;
	unsigned int polls = 0;
	uint64_t now;
	int ret;

	for (;;) {
		now = rte_rdtsc();
		if (now >= t_end || force_quit)
			break;
		if (pending == 0) {
			if (client_alloc(c, m, burst) != 0) {
				if (++polls % RB_CHECK_POLLS == 0 && (ret = client_check(c)) != 0)
					return ret;
				continue;
			}
			pending = burst;
			off = 0;
		}
		/* A full ring keeps the rest for the next try, in order. */
		k = rte_ring_sp_enqueue_burst(c->req, (void **)(m + off), pending, NULL);
		pending -= k;
		off += k;
		if (now >= t_meas)
			c->messages += k;
		if (k == 0 && ++polls % RB_CHECK_POLLS == 0 && (ret = client_check(c)) != 0)
			goto out;
	}
	ret = force_quit ? -EINTR : 0;
out:
	if (pending > 0) {
		c->tx_seq -= pending;
		client_free(c, m + off, pending);
	}
	return ret;
}

static int
run_window(struct rb_client *c, uint64_t t_meas, uint64_t t_end)
{
	struct rte_mbuf *m[RB_MAX_BURST];
	unsigned int burst = c->o->burst;
	unsigned int window = c->o->window;
	unsigned int inflight = 0, n, k;
	unsigned int polls = 0;
	uint64_t now;
	int ret;

	for (;;) {
		now = rte_rdtsc();
		if (now >= t_end || force_quit)
			break;
		k = 0;
		if (inflight < window) {
			n = RTE_MIN(burst, window - inflight);
			if (client_alloc(c, m, n) == 0) {
				/* Cannot come up short: the window fits the ring. */
				k = rte_ring_sp_enqueue_burst(c->req, (void **)m, n, NULL);
				if (k < n) {
					c->tx_seq -= n - k;
					client_free(c, m + k, n - k);
				}
				inflight += k;
			}
		}
		n = rte_ring_sc_dequeue_burst(c->rsp, (void **)m, burst, NULL);
		if (n > 0) {
			client_check_seq(c, m, n);
			client_free(c, m, n);
			inflight -= n;
			if (now >= t_meas)
				c->messages += n;
		} else if (k == 0 && ++polls % RB_CHECK_POLLS == 0 &&
			   (ret = client_check(c)) != 0) {
			return ret;
		}
	}
	/* The server drains what is still in flight when the run stops. */
	return force_quit ? -EINTR : 0;
}

/* Take the server for one run. */
static int
client_claim(struct rb_client *c)
{
	struct rb_ctl *ctl = c->ctl;
	int32_t me = getpid();
	uint64_t deadline = rte_rdtsc() + RB_CTL_TIMEOUT_S * c->hz;
	int32_t owner;

	for (;;) {
		owner = 0;
		if (__atomic_compare_exchange_n(&ctl->owner_pid, &owner, me, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
		if (pid_alive(owner)) {
			fprintf(stderr, RB_NAME ": another client (pid %d) is using this server\n",
				(int)owner);
			return -1;
		}
		/* The owner died. End its run, or take over if it never started one. */
		if (__atomic_load_n(&ctl->ready, __ATOMIC_ACQUIRE) != 0)
			__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
		else if (__atomic_compare_exchange_n(&ctl->owner_pid, &owner, me, false,
						     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
		if (rte_rdtsc() > deadline || __atomic_load_n(&ctl->server_gone,
							      __ATOMIC_ACQUIRE) != 0) {
			fprintf(stderr, RB_NAME ": the server does not end the run of dead client %d\n",
				(int)owner);
			return -1;
		}
		usleep(1000);
	}
	ctl->mode = c->o->mode;
	__atomic_store_n(&ctl->stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ctl->ready, 1, __ATOMIC_RELEASE);
	return 0;
}

/* End the run; the server drains the rings and releases the claim. */
static int
client_release(struct rb_client *c)
{
	struct rb_ctl *ctl = c->ctl;
	int32_t me = getpid();
	uint64_t deadline = rte_rdtsc() + RB_CTL_TIMEOUT_S * c->hz;

	__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ctl->owner_pid, __ATOMIC_ACQUIRE) == me) {
		if (__atomic_load_n(&ctl->server_gone, __ATOMIC_ACQUIRE) != 0 ||
		    !pid_alive(ctl->server_pid))
			return -EPIPE;
		if (rte_rdtsc() > deadline)
			return -ETIMEDOUT;
		usleep(10);
	}
	return 0;
}

static void
print_kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%s:%*s", key, (int)(16 - strlen(key)), "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
client_report(const struct rb_client *c, const struct rb_result *r)
{
	const struct rb_opts *o = c->o;
	const char *mode = rb_mode_names[o->mode];
	static const char *const lat_keys[7] = {
		"min", "p50", "p90", "p99", "p999", "max", "mean"
	};
	static const char *const lat_text[7] = {
		"latency min", "latency p50", "latency p90", "latency p99",
		"latency p99.9", "latency max", "latency mean"
	};
	double rate = r->secs > 0 ? (double)c->messages / r->secs : 0;
	double gbit = rate * o->size * 8 / 1e9;
	unsigned int i;

	if (o->json) {
		printf("{\"tool\":\"" RB_NAME "\",\"mode\":\"%s\",\"size\":%u,\"burst\":%u,"
		       "\"window\":%u,\"duration_s\":%.3f,\"messages\":%" PRIu64
		       ",\"seq_mismatches\":%" PRIu64,
		       mode, o->size, o->burst, o->window, r->secs, c->messages, c->mismatches);
		if (o->mode == RB_MODE_PINGPONG) {
			printf(",\"lat_ns\":{");
			for (i = 0; i < 7; i++)
				printf("%s\"%s\":%.1f", i == 0 ? "" : ",", lat_keys[i], r->lat_ns[i]);
			printf("}");
		} else {
			printf(",\"msgs_per_s\":%.0f,\"gbit_per_s\":%.3f", rate, gbit);
		}
		printf("}\n");
		return;
	}

	printf("---- " RB_NAME " %s ----\n", mode);
	print_kv("size", "%u B", o->size);
	if (o->mode != RB_MODE_PINGPONG)
		print_kv("burst", "%u", o->burst);
	if (o->mode == RB_MODE_WINDOW)
		print_kv("window", "%u", o->window);
	print_kv("duration", "%.3f s", r->secs);
	print_kv(o->mode == RB_MODE_ONEWAY ? "messages" : "round trips", "%" PRIu64,
		 c->messages);
	if (o->mode != RB_MODE_ONEWAY)
		print_kv("seq mismatches", "%" PRIu64, c->mismatches);
	if (o->mode == RB_MODE_PINGPONG) {
		for (i = 0; i < 7; i++)
			print_kv(lat_text[i], "%.1f ns", r->lat_ns[i]);
	} else {
		print_kv("rate", "%.0f msgs/s", rate);
		print_kv("throughput", "%.3f Gbit/s", gbit);
	}
}

static int
client_main(const struct rb_opts *o)
{
	static const double quantiles[5] = { 0, 0.5, 0.9, 0.99, 0.999 };
	const struct rte_memzone *mz;
	struct rb_client c;
	struct rb_result r;
	uint64_t t0, t_meas, t_end;
	double ns_per_cycle;
	unsigned int i, room;
	int cpu, ret, rel;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	c.o = o;
	c.hz = rte_get_tsc_hz();
	c.hist.min = UINT64_MAX;

	mz = rte_memzone_lookup(RB_CTL_NAME);
	if (!rte_eal_primary_proc_alive(NULL) || mz == NULL) {
		fprintf(stderr, RB_NAME ": no server running on this file prefix "
			"(start one with --role server)\n");
		return 1;
	}
	c.ctl = mz->addr;
	if (__atomic_load_n(&c.ctl->magic, __ATOMIC_ACQUIRE) != RB_CTL_MAGIC ||
	    c.ctl->server_gone != 0 || !pid_alive(c.ctl->server_pid)) {
		fprintf(stderr, RB_NAME ": no server running on this file prefix "
			"(start one with --role server)\n");
		return 1;
	}
	c.pool = rte_mempool_lookup(RB_POOL_NAME);
	c.req = rte_ring_lookup(RB_REQ_NAME);
	c.rsp = rte_ring_lookup(RB_RSP_NAME);
	if (c.pool == NULL || c.req == NULL || c.rsp == NULL) {
		fprintf(stderr, RB_NAME ": the primary on this file prefix is not a "
			RB_NAME " server (no " RB_POOL_NAME "/" RB_REQ_NAME "/" RB_RSP_NAME ")\n");
		return 1;
	}
	room = rte_pktmbuf_data_room_size(c.pool);
	room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	if (o->size > room) {
		fprintf(stderr, RB_NAME ": --size %u does not fit the server's mbufs (%u bytes)\n",
			o->size, room);
		return RB_EXIT_USAGE;
	}
	cpu = pinned_cpu();
	if (cpu >= 0 && cpu == c.ctl->server_cpu)
		fprintf(stderr, RB_NAME ": warning: client and server both run on CPU %d; "
			"pin them apart with -l\n", cpu);

	c.cache = rte_mempool_cache_create(RB_POOL_CACHE, (int)rte_socket_id());
	if (c.cache == NULL) {
		fprintf(stderr, RB_NAME ": cannot create a mempool cache: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	if (o->mode == RB_MODE_PINGPONG) {
		c.hist.bucket = calloc(RB_HIST_BUCKETS, sizeof(*c.hist.bucket));
		if (c.hist.bucket == NULL) {
			fprintf(stderr, RB_NAME ": out of memory\n");
			rte_mempool_cache_free(c.cache);
			return 1;
		}
	}
	if (client_claim(&c) != 0) {
		rte_mempool_cache_free(c.cache);
		free(c.hist.bucket);
		return 1;
	}

	c.last_alive = rte_rdtsc();
	t0 = rte_rdtsc();
	t_meas = t0 + (uint64_t)(o->warmup * (double)c.hz);
	t_end = t_meas + (uint64_t)(o->duration * (double)c.hz);
	switch (o->mode) {
	case RB_MODE_PINGPONG:
		ret = run_pingpong(&c, t_meas, t_end);
		break;
	case RB_MODE_ONEWAY:
		ret = run_oneway(&c, t_meas, t_end);
		break;
	default:
		ret = run_window(&c, t_meas, t_end);
		break;
	}

	rel = ret == -EPIPE ? -EPIPE : client_release(&c);
	if (rel != -EPIPE)
		rte_mempool_cache_flush(c.cache, c.pool);
	rte_mempool_cache_free(c.cache);

	if (ret == -EINTR) {
		fprintf(stderr, RB_NAME ": interrupted\n");
		free(c.hist.bucket);
		return 1;
	}
	if (ret == -EPIPE || rel == -EPIPE) {
		fprintf(stderr, RB_NAME ": the server went away during the run\n");
		free(c.hist.bucket);
		return 1;
	}

	r.secs = (double)(t_end - t_meas) / (double)c.hz;
	if (o->mode == RB_MODE_PINGPONG) {
		ns_per_cycle = 1e9 / (double)c.hz;
		r.lat_ns[0] = c.hist.count > 0 ? (double)c.hist.min * ns_per_cycle : 0;
		for (i = 1; i < 5; i++)
			r.lat_ns[i] = hist_quantile(&c.hist, quantiles[i]) * ns_per_cycle;
		r.lat_ns[5] = (double)c.hist.max * ns_per_cycle;
		r.lat_ns[6] = c.hist.count > 0 ?
			(double)c.hist.sum / (double)c.hist.count * ns_per_cycle : 0;
		free(c.hist.bucket);
	}
	client_report(&c, &r);

	ret = 0;
	if (rel == -ETIMEDOUT) {
		fprintf(stderr, RB_NAME ": the server did not acknowledge the end of the run\n");
		ret = 1;
	}
	if (c.mismatches > 0) {
		fprintf(stderr, RB_NAME ": %" PRIu64 " echoed sequence numbers did not match\n",
			c.mismatches);
		ret = 1;
	}
	return ret;
}

/* ------------------------------------------------------------------ main */

int
main(int argc, char **argv)
{
	struct rb_opts o;
	char **eal_argv;
	int dd, eal_argc, pt, ret, i;

	setvbuf(stdout, NULL, _IOLBF, 0);

	for (dd = 1; dd < argc; dd++)
		if (strcmp(argv[dd], "--") == 0)
			break;
	if (dd == argc) {
		if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return RB_EXIT_USAGE;
	}
	ret = parse_args(argc - dd, argv + dd, &o);
	if (ret != 0)
		return ret > 0 ? 0 : RB_EXIT_USAGE;

	pt = check_proc_type(dd, argv, o.server);
	if (pt < 0)
		return RB_EXIT_USAGE;
	eal_argv = calloc((size_t)dd + 2, sizeof(*eal_argv));
	if (eal_argv == NULL)
		return 1;
	for (i = 0; i < dd; i++)
		eal_argv[i] = argv[i];
	eal_argc = dd;
	if (pt > 0 && !o.server)
		eal_argv[eal_argc++] = (char *)(uintptr_t)"--proc-type=secondary";

	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);

	ret = rte_eal_init(eal_argc, eal_argv);
	if (ret < 0) {
		if (o.server)
			fprintf(stderr, RB_NAME ": EAL init failed: %s\n", rte_strerror(rte_errno));
		else
			fprintf(stderr, RB_NAME ": no server running on this file prefix "
				"(start one with --role server)\n");
		free(eal_argv);
		return 1;
	}

	ret = o.server ? server_main(&o) : client_main(&o);

	rte_eal_cleanup();
	free(eal_argv);
	return ret;
}
