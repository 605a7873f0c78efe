/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "dipc_client.h"
#include "dipc_client_ops.h"
#include "dipc_eal.h"
#include "dipc_ring_transport.h"
#include "dipc_shm_admit.h"
#include "dipc_shm_stats.h"
#include "dipc_token.h"

/* dipc.client: what the caller cannot learn from a return value is logged
 * at ERR; the reasons behind returned errors at DEBUG (the caller prints
 * the error once). */
RTE_LOG_REGISTER_DEFAULT(dipc_client_logtype, NOTICE);
#define CLIENT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_client_logtype, "dipc client: " fmt "\n", ##__VA_ARGS__)

/* Most mbufs taken from the alloc ring at once. */
#define CLIENT_REFILL 64u
/* Most free mbufs a connection keeps before it gives half of them back to
 * the server (and so to the pool), plus CLIENT_REFILL. */
#define CLIENT_STASH 512u
/* dipc_client_eal_init() gives a client one of the top CLIENT_LCORES lcore
 * ids, which servers (low ids) do not use. */
#define CLIENT_LCORES 32
/* How long dipc_client_call() spins before it yields the CPU in each wait,
 * so several clients on a small machine do not starve the worker. */
#define CLIENT_SPIN_US 50
/* Free mbufs of a larger class a connection keeps for its next allocs;
 * past this they go back to the server, for other connections. The stash
 * has room for one more chain's worth, as lent by one request. */
#define CLIENT_CLASS_KEEP 16u
#define CLIENT_CLASS_STASH (CLIENT_CLASS_KEEP + DIPC_MSG_MAX_SEGS)

/*
 * The client never takes from or puts into the pool: the server lends it
 * mbufs (alloc ring, or in responses) and takes them back (requests, free
 * ring), so it knows exactly what a connection holds. Free mbufs wait in
 * the stash, a private stack, until the next alloc.
 */
struct dipc_client {
	/* What the inline bursts of dipc_client.h use: first, so that a
	 * struct dipc_client * is a struct dipc_client_core *. */
	struct dipc_client_core core;
	struct dipc_ring_conn rings; /* alloc and free rings (req, rsp: in core) */
	struct rte_mempool *pool;    /* class 0's */
	uint32_t max_body0;          /* largest body of class 0: the fast path */
	uint32_t nb_classes;
	struct rte_mempool *pools[DIPC_MAX_CLASSES];
	uint32_t seg_room[DIPC_MAX_CLASSES]; /* data bytes one mbuf of each class holds */
	/* Free mbufs of the larger classes (class 0's are in stash). */
	struct rte_mbuf *cstash[DIPC_MAX_CLASSES][CLIENT_CLASS_STASH];
	uint32_t nb_cstash[DIPC_MAX_CLASSES];
	struct rte_mbuf **stash; /* [stash_cap] */
	uint32_t nb_stash;
	uint32_t stash_cap;
	/* Asking the server to lend, without waiting: the bell (lend_want) was
	 * rung for class 0 and no mbuf came since; the class mbufs asked for
	 * (class_want) that have not come; the server's refusal count when we
	 * asked, to see that it answered "no more". */
	uint32_t asking;
	uint32_t class_asked[DIPC_MAX_CLASSES];
	uint64_t refused_seen;
	uint64_t asked_tsc; /* when class 0's bell was rung */
	/* mbufs this process put into a dipc pool's cache of our lcore id
	 * (rte_pktmbuf_free() on a connection's mbuf), found and handed back */
	uint64_t strays;
	int check_strays; /* our lcore id is one dipc_client_eal_init() picks */
	struct dipc_shm *shm;
	struct dipc_shm_conn *conn;
	uint32_t slot;
	uint32_t next_stream_id;
	uint32_t generation;
	int32_t server_pid;
	uint64_t epoch;
	uint64_t tsc_hz;
	uint64_t next_pid_check; /* tsc of the next liveness check */
	uint32_t heartbeat_ms;   /* the server's period, read once at connect */
	/* The workers' published counters (NULL if the server has none yet),
	 * for when the heartbeat is late: a worker still polling is a server
	 * still serving (dipc_client_check()). */
	const struct dipc_shm_worker_stats *workers;
	uint32_t nb_workers;     /* entries in workers[], checked at connect */
	uint64_t polls_seen;     /* our worker's poll count when last read */
	uint64_t polls_moved_ns; /* when we last saw it move */
	int sock;                /* the admission socket, open while connected */
};

/* The CPUs this process may run on, as an EAL CPU list ("0,1"). */
static int
allowed_cpus(char *buf, size_t size)
{
	cpu_set_t cpus;
	int cpu, len = 0;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) != 0)
		return -errno;
	buf[0] = '\0';
	for (cpu = 0; cpu < CPU_SETSIZE && len < (int)size - 8; cpu++)
		if (CPU_ISSET(cpu, &cpus))
			len += snprintf(buf + len, size - (size_t)len, "%s%d", len ? "," : "", cpu);
	return 0;
}

int
dipc_client_eal_init(int argc, char **argv)
{
	char lcores[96], *args[DIPC_EAL_MAX_ARGS + 1];
	static char lcores_arg[128];
	const char *prefix;
	int n, ret, pid;
	struct dipc_eal_default defs[] = {
		{ "--proc-type=secondary", { "--proc-type", NULL } },
		{ "--file-prefix=" DIPC_DEFAULT_FILE_PREFIX, { "--file-prefix", NULL } },
		{ "--no-pci", { "--no-pci", "-a", "-b", "--allow" } },
		{ "--no-telemetry", { "--no-telemetry", "--telemetry", NULL } },
		{ "--log-level=lib.eal:error", { "--log-level", NULL } },
		{ lcores_arg, { "-l", "--lcores", "-c", NULL } },
	};

	/* An lcore id no server uses (servers take low ids), mapped to the
	 * CPUs this process may already run on, so taskset still works. */
	ret = allowed_cpus(lcores, sizeof(lcores));
	if (ret != 0)
		return ret;
	snprintf(lcores_arg, sizeof(lcores_arg), "--lcores=%d@(%s)",
		 RTE_MAX_LCORE - 1 - (int)(getpid() % CLIENT_LCORES), lcores);

	n = dipc_eal_args_merge(argc, argv, defs, RTE_DIM(defs), args);
	if (n < 0)
		return n;

	prefix = dipc_eal_arg_value(n, args, "--file-prefix");
	if (prefix == NULL)
		prefix = DIPC_DEFAULT_FILE_PREFIX;
	/* -h/--help: rte_eal_init() prints EAL's usage and the application's
	 * (its usage hook) and exits; no server is needed for that. */
	pid = dipc_eal_help_wanted(n, args) ? 1 : dipc_eal_primary_pid(prefix);
	if (pid == 0) {
		CLIENT_LOG(DEBUG, "no primary on file prefix '%s'", prefix);
		return -ECONNREFUSED;
	}

	ret = rte_eal_init(n, args);
	if (ret < 0) {
		ret = rte_errno != 0 ? -rte_errno : -EINVAL;
		CLIENT_LOG(DEBUG, "cannot attach to the server as a DPDK secondary "
				  "(file prefix '%s'): %s", prefix, rte_strerror(-ret));
		return ret;
	}
	/* As rte_eal_init(): argv + ret is where "--" stood, so the caller's
	 * argv[ret + 1] is its first own argument. */
	n = dipc_eal_argc(argc, argv);
	return n < argc ? n : argc - 1;
}

int
dipc_client_eal_init_remote(int argc, char **argv)
{
	char lcores[96], *args[DIPC_EAL_MAX_ARGS + 1];
	static char lcores_arg[128];
	int n, ret;
	struct dipc_eal_default defs[] = {
		{ "--proc-type=primary", { "--proc-type", NULL } },
		/* No files shared with anyone: --in-memory, or --no-shconf where
		 * it cannot be (--no-huge is legacy memory, which it refuses). */
		{ "--in-memory", { "--in-memory", "--file-prefix", "--no-shconf", "--no-huge" } },
		{ "--no-shconf", { "--no-shconf", "--in-memory", "--file-prefix", NULL } },
		{ "--no-telemetry", { "--no-telemetry", "--telemetry", NULL } },
		{ "--log-level=lib.eal:error", { "--log-level", NULL } },
		{ lcores_arg, { "-l", "--lcores", "-c", NULL } },
	};

	/* One lcore, on the CPUs this process may run on (taskset works). */
	ret = allowed_cpus(lcores, sizeof(lcores));
	if (ret != 0)
		return ret;
	snprintf(lcores_arg, sizeof(lcores_arg), "--lcores=0@(%s)", lcores);

	n = dipc_eal_args_merge(argc, argv, defs, RTE_DIM(defs), args);
	if (n < 0)
		return n;
	ret = rte_eal_init(n, args);
	if (ret < 0) {
		ret = rte_errno != 0 ? -rte_errno : -EINVAL;
		CLIENT_LOG(DEBUG, "cannot start DPDK for a remote client: %s", rte_strerror(-ret));
		return ret;
	}
	n = dipc_eal_argc(argc, argv);
	return n < argc ? n : argc - 1;
}

static int
pid_gone(int32_t pid)
{
	return kill(pid, 0) != 0 && errno == ESRCH;
}

static int
check_shm(struct dipc_shm *shm, int32_t pid)
{
	uint32_t state = dipc_shm_load_state(&shm->state);

	if (state == DIPC_SERVER_STOPPING || state == DIPC_SERVER_STOPPED)
		return -ESHUTDOWN;
	if (pid_gone(pid))
		return -ECONNRESET;
	return 0;
}

/* The fast path's view of the connection (dipc_client_core.h). */
static void
client_core_init(struct dipc_client *c)
{
	unsigned int lcore = rte_lcore_id();

	c->core.req = c->rings.req;
	c->core.rsp = c->rings.rsp;
	c->core.tx_msgs = &c->conn->client.tx_msgs;
	c->core.rx_msgs = &c->conn->client.rx_msgs;
	c->core.held = 0;
	c->core.chains_out = 0;
	c->check_strays = lcore >= RTE_MAX_LCORE - CLIENT_LCORES && lcore < RTE_MAX_LCORE;
}

/*
 * An mbuf of a connection freed with rte_pktmbuf_free() (or put into a
 * dipc pool by this process in any way) goes into the pool's cache of the
 * caller's lcore id, while the server still counts it lent to the
 * connection: at close it would put it into the pool a second time. No
 * dipc process uses the caches of the lcore ids clients get (servers take
 * low ids, and a client takes nothing from the pools), so whatever is there
 * was put by mistake: hand it to the server on the free ring, where it
 * takes back each mbuf it lent, once (it checks the owner; one of another
 * connection of this process is left to that connection's close), and say
 * so. Cheap enough for every refill: one load per size class.
 */
static void __rte_noinline
take_back_strays_slow(struct dipc_client *c, unsigned int k, struct rte_mempool_cache *cache)
{
	unsigned int n = cache->len, sent;
	void **top = cache->objs + cache->len - n;

	sent = rte_ring_sp_enqueue_burst(c->rings.free, top, n, NULL);
	if (sent < n) /* the free ring is full: the rest waits for the next look */
		memmove(top, top + sent, (n - sent) * sizeof(void *));
	cache->len -= sent;
	c->core.held -= RTE_MIN(sent, c->core.held);
	c->strays += sent;
	CLIENT_LOG(ERR, "slot %u: %u mbuf(s) of %s freed with rte_pktmbuf_free() (or put into "
			"the pool) on lcore %u instead of dipc_client_msg_free(): handed back to "
			"the server, which takes each back once (%" PRIu64 " so far)", c->slot, n,
		   c->pools[k]->name, rte_lcore_id(), c->strays);
}

static inline void
take_back_strays(struct dipc_client *c)
{
	unsigned int k;

	if (!c->check_strays)
		return;
	for (k = 0; k < c->nb_classes; k++) {
		struct rte_mempool_cache *cache = rte_mempool_default_cache(c->pools[k],
									    rte_lcore_id());

		if (unlikely(cache != NULL && cache->len != 0))
			take_back_strays_slow(c, k, cache);
	}
}

/* Give the CPU away in a call's wait: spin a little first, then yield. */
static void
wait_a_little(uint64_t started, uint64_t tsc_hz)
{
	if (rte_rdtsc() - started < tsc_hz / 1000000 * CLIENT_SPIN_US)
		rte_pause();
	else
		sched_yield();
}

/* Milliseconds left until the tsc @deadline, at least 1 while it is ahead. */
static int
ms_left(uint64_t deadline, uint64_t hz)
{
	uint64_t now = rte_rdtsc();

	if (now >= deadline)
		return 0;
	return (int)RTE_MIN((deadline - now) / (hz / 1000) + 1, (uint64_t)INT32_MAX);
}

/* Connect to the server's admission socket, retrying while its backlog
 * is full, until @deadline. Returns the socket or a negative errno. */
static int
admit_connect(uint64_t deadline, uint64_t hz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", rte_eal_get_runtime_dir(),
		     DIPC_ADMIT_SOCK_NAME) >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	for (;;) {
		/* The clock before the try (here and in every wait of this
		 * file): past the deadline there is still one try, since this
		 * process may have been off the CPU while the server was ready. */
		int late = ms_left(deadline, hz) == 0;

		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		ret = -errno;
		close(fd);
		/* No socket: a server before it listens (it is STARTING), or
		 * none at all (the caller saw a dipc_shm: it is starting). */
		if (ret != -EAGAIN && ret != -ENOENT && ret != -ECONNREFUSED)
			return ret;
		if (late)
			return -ETIMEDOUT;
		rte_delay_us_sleep(200);
	}
}

/* Send one admission message. */
static int
admit_send(int fd, const struct dipc_admit_msg *m)
{
	return send(fd, m, sizeof(*m), MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ? 0 : -ECONNRESET;
}

/* Wait for the server's next admission message, of @type, until @deadline. */
static int
admit_recv(int fd, uint16_t type, struct dipc_admit_msg *m, uint64_t deadline, uint64_t hz)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int left;

	for (;;) {
		/* Past the deadline, one look without waiting. */
		left = ms_left(deadline, hz);
		pfd.revents = 0;
		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents == 0) {
			if (left == 0)
				return -ETIMEDOUT;
			continue;
		}
		n = recv(fd, m, sizeof(*m), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == 0 || n < 0)
			return -ECONNRESET; /* the server closed: it died, or refused us */
		if (n != (ssize_t)sizeof(*m) || m->magic != DIPC_ADMIT_MAGIC ||
		    m->version != DIPC_ADMIT_VERSION)
			return -EPROTO;
		/* A refusal may come instead of any message. */
		if (m->type != type && m->type != DIPC_ADMIT_RESULT)
			return -EPROTO;
		return 0;
	}
}

static void
admit_msg_init(struct dipc_admit_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->magic = DIPC_ADMIT_MAGIC;
	m->version = DIPC_ADMIT_VERSION;
	m->type = type;
}

/*
 * The workers' counters, checked once: NULL if the server has not
 * published them (it creates them just after the shared state) or they
 * are not what this library reads.
 */
static const struct dipc_shm_worker_stats *
find_worker_stats(const struct dipc_shm *shm, uint32_t *nb_workers)
{
	const struct rte_memzone *mz = rte_memzone_lookup(DIPC_STATS_MZ_NAME);
	const struct dipc_shm_stats *st;
	uint32_t n;

	if (mz == NULL || mz->len < sizeof(*st))
		return NULL;
	st = mz->addr;
	n = st->nb_workers;
	if (__atomic_load_n(&st->magic, __ATOMIC_ACQUIRE) != DIPC_SHM_MAGIC ||
	    st->abi_version != DIPC_SHM_ABI_VERSION || n == 0 || n != shm->nb_workers ||
	    n > RTE_MAX_LCORE || mz->len < dipc_shm_stats_size(n, 0))
		return NULL;
	*nb_workers = n;
	return st->workers;
}

/*
 * The heartbeat is late: whether the server still serves us. The control
 * lcore that beats shares its CPU with clients, and a loaded machine can
 * keep it off that CPU for seconds (the scheduler's autogroups give each
 * session a share, and a mostly sleeping thread's share of its CPU is
 * small), while the worker on its own CPU keeps answering. So the server
 * is alive while our connection's worker polls: its count moved within
 * two heartbeat periods. A stopped or wedged server's workers stop too.
 * Read only when the heartbeat is late: the worker writes that line on
 * every pass.
 */
static int
worker_alive(struct dipc_client *c, uint64_t now_ns, uint64_t limit_ns)
{
	uint16_t w = __atomic_load_n(&c->conn->worker, __ATOMIC_RELAXED);
	uint64_t polls;

	if (c->workers == NULL || w >= c->nb_workers)
		return 0;
	polls = __atomic_load_n(&c->workers[w].polls, __ATOMIC_RELAXED);
	if (polls != c->polls_seen) {
		c->polls_seen = polls;
		c->polls_moved_ns = now_ns;
	}
	return now_ns - c->polls_moved_ns <= limit_ns;
}

/*
 * Ask the server for a connection on its admission socket: HELLO, the
 * token proof over its CHALLENGE, its RESULT. On success *fd is the
 * socket (kept open while the connection lives) and *res the grants.
 */
static int
admit(struct dipc_shm *shm, const struct dipc_client_opts *o, const struct dipc_token *t,
      uint64_t deadline, uint64_t hz, int *fd, struct dipc_admit_msg *res)
{
	struct dipc_admit_msg m;
	int ret, s;

	s = admit_connect(deadline, hz);
	if (s < 0)
		return s;
	admit_msg_init(&m, DIPC_ADMIT_HELLO);
	m.hello.pid = getpid();
	m.hello.msg_version_min = DIPC_MSG_VERSION;
	m.hello.msg_version_max = DIPC_MSG_VERSION;
	m.hello.want_window = o->window;
	m.hello.want_depth = o->depth;
	m.hello.epoch = shm->epoch;
	ret = admit_send(s, &m);
	if (ret == 0)
		ret = admit_recv(s, DIPC_ADMIT_CHALLENGE, &m, deadline, hz);
	if (ret == 0 && m.type == DIPC_ADMIT_CHALLENGE) {
		uint64_t nonce = m.challenge.nonce;

		admit_msg_init(&m, DIPC_ADMIT_PROOF);
		m.proof.token_mac = t != NULL ? dipc_token_mac(t, nonce, 0, getpid()) : 0;
		ret = admit_send(s, &m);
		if (ret == 0)
			ret = admit_recv(s, DIPC_ADMIT_RESULT, &m, deadline, hz);
	}
	if (ret == 0) {
		ret = m.result.status;
		if (ret > 0 || (ret == 0 && m.result.epoch != shm->epoch))
			ret = -EPROTO;
	}
	if (ret != 0) {
		close(s);
		return ret;
	}
	*fd = s;
	*res = m;
	return 0;
}

struct dipc_client *
dipc_client_connect(unsigned int timeout_ms)
{
	struct dipc_client_opts o = { .timeout_ms = timeout_ms };

	return dipc_client_connect_opts(&o);
}

/* Load the token named by the options or the environment, if any. */
static int
load_token(const struct dipc_client_opts *o, struct dipc_token *t)
{
	const char *path = o->token_file != NULL ? o->token_file : getenv("DIPC_TOKEN_FILE");
	char err[512];
	int ret;

	if (path == NULL || path[0] == '\0')
		return 1;
	ret = dipc_token_load(path, 0, t, err, sizeof(err));
	if (ret != 0)
		CLIENT_LOG(ERR, "%s", err);
	return ret;
}

struct dipc_client *
dipc_client_connect_opts(const struct dipc_client_opts *opts)
{
	static const struct dipc_client_opts defaults;
	const struct dipc_client_opts *o = opts != NULL ? opts : &defaults;
	unsigned int timeout_ms = o->timeout_ms != 0 ? o->timeout_ms : 1000;
	uint64_t hz = rte_get_tsc_hz(), deadline = rte_rdtsc() + hz / 1000 * timeout_ms;
	struct dipc_client *c = NULL;
	struct dipc_admit_msg res;
	struct dipc_token token;
	struct dipc_shm *shm;
	uint32_t slot, i;
	uint16_t transport;
	int ret, have_token;

	/* Before rte_eal_init() EAL knows no lcore, and nothing is mapped. */
	if (rte_lcore_count() == 0) {
		ret = -EINVAL;
		goto fail;
	}
	if (o->transport == DIPC_CLIENT_TRANSPORT_ETH)
		return dipc_eth_client_connect(o);
	if (o->transport != DIPC_CLIENT_TRANSPORT_RING) {
		CLIENT_LOG(DEBUG, "unknown transport %u", o->transport);
		ret = -EINVAL;
		goto fail;
	}
	shm = dipc_shm_lookup();
	if (shm == NULL) {
		/* EAL attached, so a primary runs, but it is not a dipc server
		 * (ENOENT) or not a compatible one. */
		ret = rte_errno == ENOENT ? -ECONNREFUSED : -rte_errno;
		goto fail;
	}
	/* A server still setting up becomes RUNNING within milliseconds. */
	while (dipc_shm_load_state(&shm->state) == DIPC_SERVER_STARTING) {
		if (rte_rdtsc() > deadline) {
			ret = -ETIMEDOUT;
			goto fail;
		}
		rte_delay_us_sleep(100);
	}
	ret = check_shm(shm, shm->server_pid);
	if (ret != 0)
		goto fail;
	if (DIPC_MSG_VERSION < shm->msg_version_min || DIPC_MSG_VERSION > shm->msg_version_max) {
		ret = -EPROTONOSUPPORT;
		goto fail;
	}

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	c->sock = -1;
	c->shm = shm;
	c->server_pid = shm->server_pid;
	c->epoch = shm->epoch;
	c->tsc_hz = hz;
	/* The server's config bounds it (10..60000 ms); shared memory any
	 * process can write is read once. */
	c->heartbeat_ms = RTE_MIN(RTE_MAX(shm->heartbeat_ms, 10u), 60000u);
	c->next_stream_id = 1;
	c->nb_classes = shm->nb_classes;
	if (c->nb_classes < 1 || c->nb_classes > DIPC_MAX_CLASSES) {
		ret = -EPROTO;
		goto fail;
	}
	for (i = 0; i < c->nb_classes; i++) {
		char name[RTE_MEMPOOL_NAMESIZE];

		snprintf(name, sizeof(name), DIPC_POOL_FMT, i);
		c->pools[i] = rte_mempool_lookup(name);
		/* The server's word on the room, checked against the pool's. */
		if (c->pools[i] == NULL || shm->class_data_room[i] <= RTE_PKTMBUF_HEADROOM ||
		    shm->class_data_room[i] != rte_pktmbuf_data_room_size(c->pools[i]) ||
		    (i > 0 && shm->class_data_room[i] <= shm->class_data_room[i - 1])) {
			ret = -EPROTO;
			goto fail;
		}
		c->seg_room[i] = shm->class_data_room[i] - RTE_PKTMBUF_HEADROOM;
	}
	c->pool = c->pools[0];
	if (c->seg_room[0] < DIPC_MSG_HDR_LEN) {
		ret = -EPROTO;
		goto fail;
	}
	c->max_body0 = c->seg_room[0] - DIPC_MSG_HDR_LEN;
	/* Room for a refill on top of the most it keeps (the window is
	 * granted later, and is at most conn_mbufs). */
	c->stash_cap = RTE_MIN(shm->conn_mbufs, CLIENT_STASH) + CLIENT_REFILL;
	c->stash = calloc(c->stash_cap, sizeof(struct rte_mbuf *));
	if (c->stash == NULL) {
		ret = -ENOMEM;
		goto fail;
	}

	have_token = load_token(o, &token);
	if (have_token < 0) {
		ret = have_token;
		goto fail;
	}
	/* Too many clients admitting at once: the server says EAGAIN; try
	 * again until our deadline. The same when the server gave up on a
	 * handshake we were too slow to finish (its ETIMEDOUT, or its socket
	 * closed while we wrote): a loaded machine can keep a client off its
	 * CPU past the server's limit, and a server that runs on will admit
	 * the next try. */
	for (;;) {
		int late = ms_left(deadline, hz) == 0;

		ret = admit(shm, o, have_token == 0 ? &token : NULL, deadline, hz, &c->sock, &res);
		if (ret != -EAGAIN &&
		    !((ret == -ETIMEDOUT || ret == -ECONNRESET) && !late &&
		      ms_left(deadline, hz) != 0 && check_shm(shm, shm->server_pid) == 0 &&
		      dipc_shm_load_state(&shm->state) == DIPC_SERVER_RUNNING))
			break;
		if (late) {
			ret = -ETIMEDOUT;
			break;
		}
		rte_delay_us_sleep(1000);
	}
	if (ret != 0)
		goto fail;
	slot = res.result.slot;
	/* The server's word, checked against what we mapped. */
	if (slot >= shm->max_conns || slot >= __atomic_load_n(&shm->nb_ready, __ATOMIC_ACQUIRE) ||
	    dipc_shm_load_state(&shm->conns[slot].state) != DIPC_CONN_ACTIVE ||
	    shm->conns[slot].generation != res.result.generation) {
		ret = -EPROTO;
		goto fail;
	}
	c->slot = slot;
	c->conn = &shm->conns[slot];
	c->generation = res.result.generation;
	/* This library speaks the ring transport alone (read once: the
	 * slot is shared memory). */
	transport = __atomic_load_n(&c->conn->transport, __ATOMIC_RELAXED);
	if (transport != DIPC_TRANSPORT_RING) {
		CLIENT_LOG(ERR, "slot %u uses transport %u, which this library does not have",
			   slot, transport);
		ret = -EPROTONOSUPPORT;
		goto fail;
	}
	ret = dipc_ring_conn_get(shm, slot, &c->rings);
	if (ret != 0) {
		ret = -EPROTO;
		goto fail;
	}
	client_core_init(c);
	c->workers = find_worker_stats(shm, &c->nb_workers);
	c->polls_moved_ns = dipc_eal_now_ns();
	worker_alive(c, c->polls_moved_ns, 0); /* the count as of now */
	return c;
fail:
	if (c != NULL) {
		/* Closing the socket is the end of an admission the server
		 * made and we cannot use: it takes the slot back. */
		if (c->sock >= 0)
			close(c->sock);
		free(c->stash);
		free(c);
	}
	CLIENT_LOG(DEBUG, "connect failed: %s", dipc_client_strerror(ret));
	rte_errno = -ret;
	return NULL;
}

int
dipc_client_close(struct dipc_client *c)
{
	if (c == NULL)
		return -EINVAL;
	if (c->core.ops != NULL)
		return c->core.ops->close(c);
	take_back_strays(c);
	/* Every mbuf the server lent us, in the stash, in the rings or still
	 * in the caller's hands, goes back to the pool when the server takes
	 * the slot back: nothing to return here. Only our
	 * own admission is ours to close: if the server took the slot back and
	 * gave it to another client, its generation moved on. */
	if (c->conn->generation == c->generation &&
	    !dipc_shm_cas_state(&c->conn->state, DIPC_CONN_ACTIVE, DIPC_CONN_CLOSE_REQ))
		dipc_shm_cas_state(&c->conn->state, DIPC_CONN_REVOKED, DIPC_CONN_CLOSE_REQ);
	/* The server sees either this or the state word first; both close. */
	close(c->sock);
	free(c->stash);
	free(c);
	return 0;
}

/* Give a free mbuf back to the server (free ring). Returns 1 if it went. */
static inline int
give_back(struct dipc_client *c, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(c->rings.free, m) != 0)
		return 0;
	c->core.held--;
	return 1;
}

/* Class index of an mbuf lent to us, or nb_classes if not of our pools. */
static inline unsigned int
class_of(const struct dipc_client *c, const struct rte_mbuf *m)
{
	unsigned int k;

	for (k = 0; k < c->nb_classes && m->pool != c->pools[k]; k++)
		;
	return k;
}

/* Keep a free mbuf of a larger class @k; past @keep, give it back. */
static void
cstash_put(struct dipc_client *c, unsigned int k, struct rte_mbuf *m, unsigned int keep)
{
	if (c->nb_cstash[k] < keep || (!give_back(c, m) && c->nb_cstash[k] < CLIENT_CLASS_STASH))
		c->cstash[k][c->nb_cstash[k]++] = m;
	/* else: the free ring is full and so is the stash; it stays lent to
	 * us and goes back when the connection closes. */
}

/* The alloc ring carries every class when there are several: move the
 * larger classes' mbufs just taken (stash[from..]) to their own stashes. */
static void __rte_noinline
sort_lent(struct dipc_client *c, unsigned int from)
{
	unsigned int i, k, keep = from;

	for (i = from; i < c->nb_stash; i++) {
		struct rte_mbuf *m = c->stash[i];

		k = class_of(c, m);
		if (likely(k == 0)) {
			c->stash[keep++] = m;
		} else if (k < c->nb_classes) {
			cstash_put(c, k, m, CLIENT_CLASS_STASH);
			if (c->class_asked[k] != 0)
				c->class_asked[k]--;
		}
		/* else: not the server's pools (a broken server); left alone */
	}
	c->nb_stash = keep;
}

/* Take what the server lent (up to @n for class 0, at least a refill). */
static unsigned int
take_lent(struct dipc_client *c, unsigned int n)
{
	unsigned int room = c->stash_cap - c->nb_stash, got, from = c->nb_stash;

	take_back_strays(c);
	got = rte_ring_sc_dequeue_burst(c->rings.alloc, (void **)(c->stash + c->nb_stash),
					RTE_MIN(room, RTE_MAX(n, CLIENT_REFILL)), NULL);
	if (got == 0)
		return 0;
	c->nb_stash += got;
	c->core.held += got;
	if (unlikely(c->nb_classes > 1))
		sort_lent(c, from);
	/* The server answered: a new shortage rings again. */
	c->asking = 0;
	return got;
}

/* Free mbufs of class @k in its stash. */
static inline unsigned int
stash_count(const struct dipc_client *c, unsigned int k)
{
	return k == 0 ? c->nb_stash : c->nb_cstash[k];
}

/*
 * Make sure the stash of class @k holds @n free mbufs, without waiting:
 * take what the server lent; if that is not enough, ask it for the rest
 * (class 0 rings lend_want, once a millisecond at most while nothing comes,
 * and the server doubles the connection's share up to its window; a larger
 * class also says how many in class_want, once) and return at once.
 *
 * Returns 0 (they are there), -EAGAIN (asked: the server is lending, try
 * again), or -ENOBUFS (no more will come: the window is in the caller's
 * hands, or the server refused, its answer to our last ask).
 */
static int
lend_try(struct dipc_client *c, unsigned int k, unsigned int n)
{
	/* Before the take: what the server lent before it refused is in the
	 * ring by the time the refusal is visible (release, acquire). */
	uint64_t refused = __atomic_load_n(&c->conn->server.lend_refused, __ATOMIC_ACQUIRE);
	unsigned int need;

	if (stash_count(c, k) >= n)
		return 0;
	take_lent(c, k == 0 ? n - c->nb_stash : 0);
	if (stash_count(c, k) >= n)
		return 0;
	if (refused != c->refused_seen && (c->asking || c->class_asked[k] != 0)) {
		/* The server said no more to what we asked: ask afresh next time. */
		c->asking = 0;
		memset(c->class_asked, 0, sizeof(c->class_asked));
		c->refused_seen = refused;
		return -ENOBUFS;
	}
	need = n - stash_count(c, k);
	if (c->core.held + need > c->conn->window)
		return -ENOBUFS; /* the most the server lends one connection */
	if (k == 0) {
		/* Ring again if nothing came for a millisecond: a worker that
		 * found the pool short lent less and says nothing, and lends
		 * again only when asked. */
		if (c->asking && rte_rdtsc() - c->asked_tsc < c->tsc_hz / 1000)
			return -EAGAIN;
		c->asking = 1;
		c->asked_tsc = rte_rdtsc();
	} else {
		if (need <= c->class_asked[k])
			return -EAGAIN;
		/* The count first, then the bell the worker polls (release). */
		__atomic_store_n(&c->conn->client.class_want[k],
				 c->conn->client.class_want[k] + (need - c->class_asked[k]),
				 __ATOMIC_RELAXED);
		c->class_asked[k] = need;
	}
	c->refused_seen = refused;
	__atomic_fetch_add(&c->conn->lend_want, 1, __ATOMIC_RELEASE);
	return -EAGAIN;
}

/* Make sure the stash holds @n class 0 mbufs; 0, or -ENOBUFS at once. */
static __rte_always_inline int
stash_fill(struct dipc_client *c, unsigned int n)
{
	if (likely(c->nb_stash >= n))
		return 0;
	return lend_try(c, 0, n) == 0 ? 0 : -ENOBUFS;
}

/* Keep a free mbuf for the next alloc; past the stash's room, give half
 * of it back to the server, which puts it in the pool for other
 * connections. */
static __rte_always_inline void
stash_put(struct dipc_client *c, struct rte_mbuf *m)
{
	unsigned int half, back;

	if (unlikely(c->nb_stash == c->stash_cap)) {
		struct rte_mbuf **top;

		half = c->stash_cap / 2;
		top = c->stash + c->nb_stash - half;
		back = rte_ring_sp_enqueue_burst(c->rings.free, (void **)top, half, NULL);
		/* The ring may take fewer: keep the ones it did not take. */
		if (back < half)
			memmove(top, top + back, (half - back) * sizeof(struct rte_mbuf *));
		c->nb_stash -= back;
		c->core.held -= back;
		if (back == 0)
			return; /* still lent to us: the server takes it back at close */
	}
	c->stash[c->nb_stash++] = m;
}

/* Smallest class whose mbuf holds @len bytes of data, or nb_classes. */
static inline unsigned int
class_for(const struct dipc_client *c, uint64_t len)
{
	unsigned int k;

	for (k = 0; k < c->nb_classes && c->seg_room[k] < len; k++)
		;
	return k;
}

/* A free mbuf of class @k, reset; NULL with rte_errno set. */
static struct rte_mbuf *
class_get(struct dipc_client *c, unsigned int k)
{
	struct rte_mbuf *m;

	if (lend_try(c, k, 1) != 0) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	if (k == 0)
		m = c->stash[--c->nb_stash];
	else
		m = c->cstash[k][--c->nb_cstash[k]];
	rte_pktmbuf_reset(m);
	return m;
}

/* A body larger than class 0's: one mbuf of the class that fits. */
static struct rte_mbuf * __rte_noinline
msg_alloc_large(struct dipc_client *c, uint8_t flags, uint16_t method, uint32_t body_len)
{
	unsigned int k = class_for(c, (uint64_t)DIPC_MSG_HDR_LEN + body_len);
	struct rte_mbuf *m;

	if (k == c->nb_classes) {
		rte_errno = ENOSPC;
		return NULL;
	}
	m = class_get(c, k);
	if (m == NULL)
		return NULL;
	dipc_msg_init(m, flags, method, c->next_stream_id, body_len);
	c->next_stream_id++;
	return m;
}

static inline struct rte_mbuf *
msg_alloc(struct dipc_client *c, uint8_t flags, uint16_t method, uint32_t body_len)
{
	struct rte_mbuf *m;

	if (unlikely(body_len > c->max_body0))
		return msg_alloc_large(c, flags, method, body_len);
	if (stash_fill(c, 1) != 0) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	m = c->stash[--c->nb_stash];
	rte_pktmbuf_reset(m);
	/* Cannot fail: every mbuf of the pool has max_body of room. */
	dipc_msg_init(m, flags, method, c->next_stream_id, body_len);
	c->next_stream_id++;
	return m;
}

/* An allocation on another transport: one segment (@single: ENOSPC past
 * its max_body, as msg_alloc()) or any layout. */
static struct rte_mbuf *
ops_alloc(struct dipc_client *c, uint16_t method, uint32_t body_len, unsigned int flags,
	  int single, unsigned int wait_ms)
{
	if (single && body_len > c->core.ops->limit(c, DIPC_CLIENT_LIMIT_MAX_BODY, 0)) {
		rte_errno = ENOSPC;
		return NULL;
	}
	return c->core.ops->msg_alloc(c, method, body_len, flags, wait_ms);
}

struct rte_mbuf *
dipc_client_msg_alloc(struct dipc_client *c, uint16_t method, uint32_t body_len)
{
	if (unlikely(c->core.ops != NULL))
		return ops_alloc(c, method, body_len, 0, 1, 0);
	return msg_alloc(c, DIPC_MSG_F_REQUEST, method, body_len);
}

struct rte_mbuf *
dipc_client_msg_alloc_oneway(struct dipc_client *c, uint16_t method, uint32_t body_len)
{
	if (unlikely(c->core.ops != NULL))
		return ops_alloc(c, method, body_len, DIPC_MSG_F_ONEWAY, 1, 0);
	return msg_alloc(c, DIPC_MSG_F_REQUEST | DIPC_MSG_F_ONEWAY, method, body_len);
}

/*
 * The segments a message of @total bytes (header and body) takes: full
 * segments of the largest class, then the rest in the class that fits it
 * (the layout dipc_server_rsp_alloc() makes too). Fills need[] per class;
 * returns the number of segments.
 */
static unsigned int
chain_layout(const struct dipc_client *c, uint64_t total, unsigned int need[DIPC_MAX_CLASSES],
	     unsigned int *nb_full, uint64_t *left, unsigned int *last)
{
	const unsigned int top = c->nb_classes - 1;

	memset(need, 0, sizeof(need[0]) * DIPC_MAX_CLASSES);
	*nb_full = (unsigned int)(total / c->seg_room[top]);
	*left = total % c->seg_room[top];
	*last = *left != 0 ? class_for(c, *left) : top;
	need[top] = *nb_full;
	if (*left != 0)
		need[*last]++;
	return *nb_full + (*left != 0);
}

/*
 * Make sure every class's stash holds what need[] says, without waiting.
 * Returns 0, or lend_try()'s -EAGAIN or -ENOBUFS for the first class short
 * (after asking for every class that is short).
 */
static int
chain_try(struct dipc_client *c, const unsigned int need[DIPC_MAX_CLASSES])
{
	unsigned int k;
	int ret = 0, r;

	for (k = 0; k < c->nb_classes; k++) {
		if (need[k] == 0)
			continue;
		r = lend_try(c, k, need[k]);
		if (r != 0 && ret == 0)
			ret = r;
	}
	if (ret == 0)
		return 0;
	/* Filling class 0 may have sorted more into the larger stashes, never
	 * taken from them: every count may hold now. */
	for (k = 0; k < c->nb_classes; k++)
		if (stash_count(c, k) < need[k])
			return ret;
	return 0;
}

/* Build a chain from the stashes, which chain_try() filled. */
static struct rte_mbuf *
chain_take(struct dipc_client *c, uint8_t flags, uint16_t method, uint32_t body_len,
	   unsigned int nb_full, uint64_t left, unsigned int last)
{
	const unsigned int top = c->nb_classes - 1;
	uint64_t total = (uint64_t)DIPC_MSG_HDR_LEN + body_len;
	struct rte_mbuf *head = NULL, *tail = NULL, *m;
	unsigned int i, k;

	for (i = 0; i < nb_full + (left != 0); i++) {
		k = i < nb_full ? top : last;
		m = k == 0 ? c->stash[--c->nb_stash] : c->cstash[k][--c->nb_cstash[k]];
		rte_pktmbuf_reset(m);
		m->data_len = (uint16_t)(i < nb_full ? c->seg_room[top] : left);
		if (head == NULL)
			head = m;
		else
			tail->next = m;
		tail = m;
	}
	if (unlikely(head == NULL)) { /* no segment: total was 0 */
		rte_errno = EINVAL;
		return NULL;
	}
	/* The header in the first segment: with data_len 0 again, body_len 0
	 * fits any room. */
	head->data_len = 0;
	dipc_msg_init(head, flags, method, c->next_stream_id++, 0);
	dipc_msg_hdr(head)->body_len = body_len;
	head->data_len = (uint16_t)c->seg_room[top];
	head->nb_segs = (uint16_t)(nb_full + (left != 0));
	head->pkt_len = (uint32_t)total;
	c->core.chains_out++;
	return head;
}

struct rte_mbuf *
dipc_client_msg_alloc_chain(struct dipc_client *c, uint16_t method, uint32_t body_len,
			    unsigned int flags)
{
	const unsigned int top = c->nb_classes - 1;
	uint64_t total = (uint64_t)DIPC_MSG_HDR_LEN + body_len, left;
	unsigned int need[DIPC_MAX_CLASSES], last, nb_full;

	if (unlikely(c->core.ops != NULL))
		return ops_alloc(c, method, body_len, flags, 0, 0);
	if ((flags & ~DIPC_MSG_F_ONEWAY) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (total <= c->seg_room[top])
		return msg_alloc(c, DIPC_MSG_F_REQUEST | (uint8_t)flags, method, body_len);
	if (body_len > dipc_client_max_chain_body(c)) {
		rte_errno = ENOSPC;
		return NULL;
	}
	chain_layout(c, total, need, &nb_full, &left, &last);
	/* Every segment first, then take them: all or none. */
	if (chain_try(c, need) != 0) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	return chain_take(c, DIPC_MSG_F_REQUEST | (uint8_t)flags, method, body_len, nb_full,
			  left, last);
}

struct rte_mbuf *
dipc_client_msg_alloc_wait(struct dipc_client *c, uint16_t method, uint32_t body_len,
			   unsigned int flags, unsigned int timeout_ms)
{
	const unsigned int top = c->nb_classes - 1;
	uint64_t total = (uint64_t)DIPC_MSG_HDR_LEN + body_len, left = 0;
	unsigned int need[DIPC_MAX_CLASSES] = { 0 }, last = 0, nb_full = 0;
	uint64_t start, deadline;
	int ret;

	if (unlikely(c->core.ops != NULL))
		return ops_alloc(c, method, body_len, flags, 0, timeout_ms);
	if ((flags & ~DIPC_MSG_F_ONEWAY) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (body_len > dipc_client_max_chain_body(c) && total > c->seg_room[top]) {
		rte_errno = ENOSPC;
		return NULL;
	}
	if (total <= c->seg_room[top])
		need[class_for(c, total)] = 1;
	else
		chain_layout(c, total, need, &nb_full, &left, &last);
	start = rte_rdtsc();
	deadline = start + c->tsc_hz / 1000 * timeout_ms;
	for (;;) {
		int late = rte_rdtsc() > deadline;

		ret = chain_try(c, need);
		if (ret == 0)
			break;
		if (ret == -ENOBUFS) {
			CLIENT_LOG(DEBUG, "slot %u: no mbufs to wait for (%u held, window %u)",
				   c->slot, c->core.held, c->conn->window);
			rte_errno = ENOBUFS;
			return NULL;
		}
		ret = dipc_client_check(c);
		if (ret == 0 && late)
			ret = -ETIMEDOUT;
		if (ret != 0) {
			rte_errno = -ret;
			return NULL;
		}
		wait_a_little(start, c->tsc_hz);
	}
	if (total <= c->seg_room[top])
		return msg_alloc(c, DIPC_MSG_F_REQUEST | (uint8_t)flags, method, body_len);
	return chain_take(c, DIPC_MSG_F_REQUEST | (uint8_t)flags, method, body_len, nb_full,
			  left, last);
}

int
dipc_client_msg_alloc_bulk(struct dipc_client *c, struct rte_mbuf **m, unsigned int n,
			   uint16_t method, uint32_t body_len, unsigned int flags)
{
	uint8_t hdr_flags = DIPC_MSG_F_REQUEST | (uint8_t)flags;
	unsigned int i;

	if (unlikely(c->core.ops != NULL))
		return c->core.ops->msg_alloc_bulk(c, m, n, method, body_len, flags);
	if ((flags & ~DIPC_MSG_F_ONEWAY) != 0)
		return -EINVAL;
	if (unlikely(body_len > c->max_body0)) {
		unsigned int k = class_for(c, (uint64_t)DIPC_MSG_HDR_LEN + body_len);

		if (k == c->nb_classes)
			return -ENOSPC;
		if (n > CLIENT_CLASS_STASH || lend_try(c, k, n) != 0)
			return -ENOBUFS;
		for (i = 0; i < n; i++) {
			m[i] = c->cstash[k][--c->nb_cstash[k]];
			rte_pktmbuf_reset(m[i]);
			dipc_msg_init(m[i], hdr_flags, method, c->next_stream_id++, body_len);
		}
		return 0;
	}
	if (n > c->stash_cap || stash_fill(c, n) != 0)
		return -ENOBUFS;
	for (i = 0; i < n; i++) {
		m[i] = c->stash[--c->nb_stash];
		rte_pktmbuf_reset(m[i]);
		dipc_msg_init(m[i], hdr_flags, method, c->next_stream_id++, body_len);
	}
	return 0;
}

void
dipc_client_msg_free(struct dipc_client *c, struct rte_mbuf *m)
{
	struct rte_mbuf *next;

	if (unlikely(c->core.ops != NULL)) {
		c->core.ops->msg_free(c, m);
		return;
	}
	if (m != NULL && m->nb_segs > 1 && c->core.chains_out != 0)
		c->core.chains_out--;
	while (m != NULL) {
		next = m->next;
		m = rte_pktmbuf_prefree_seg(m);
		if (m != NULL) {
			unsigned int k;

			if (likely(m->pool == c->pool))
				stash_put(c, m);
			else if ((k = class_of(c, m)) < c->nb_classes)
				cstash_put(c, k, m, CLIENT_CLASS_KEEP);
			else
				rte_mbuf_raw_free(m); /* not the server's: its own pool */
		}
		m = next;
	}
}

void
dipc_client_msg_free_bulk(struct dipc_client *c, struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *f = m[i];

		/* The common case, one segment of our pool, is a push on the
		 * stash; anything else takes the general path. */
		if (likely(f->next == NULL && c->core.ops == NULL && f->pool == c->pool &&
			   rte_mbuf_refcnt_read(f) == 1 && c->nb_stash < c->stash_cap))
			c->stash[c->nb_stash++] = f;
		else
			dipc_client_msg_free(c, f);
	}
}

uint32_t
dipc_client_window(const struct dipc_client *c)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_WINDOW, 0);
	return c->conn->window;
}

uint32_t
dipc_client_depth(const struct dipc_client *c)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_DEPTH, 0);
	return c->conn->depth;
}

uint32_t
dipc_client_max_body(const struct dipc_client *c)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_MAX_BODY, 0);
	return c->seg_room[c->nb_classes - 1] - DIPC_MSG_HDR_LEN;
}

uint32_t
dipc_client_max_chain_body(const struct dipc_client *c)
{
	uint32_t segs;

	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_MAX_CHAIN_BODY, 0);
	segs = RTE_MIN((uint32_t)DIPC_MSG_MAX_SEGS, c->conn->window);
	return segs * c->seg_room[c->nb_classes - 1] - DIPC_MSG_HDR_LEN;
}

unsigned int
dipc_client_nb_classes(const struct dipc_client *c)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_NB_CLASSES, 0);
	return c->nb_classes;
}

uint32_t
dipc_client_class_max_body(const struct dipc_client *c, unsigned int cls)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_CLASS_MAX_BODY, cls);
	return cls < c->nb_classes ? c->seg_room[cls] - DIPC_MSG_HDR_LEN : 0;
}

uint16_t
__dipc_client_send_chains(struct dipc_client *c, struct rte_mbuf **m, uint16_t n)
{
	uint32_t segs = 0, chains = 0;
	uint16_t sent, i;

	if (c->core.ops != NULL)
		return c->core.ops->send_burst(c, m, n);
	/* Segments, read before the enqueue: after it they are the server's. */
	for (i = 0; i < n; i++) {
		segs += m[i]->nb_segs;
		chains += m[i]->nb_segs > 1;
	}
	sent = (uint16_t)rte_ring_sp_enqueue_burst(c->core.req, (void **)m, n, NULL);
	for (i = sent; i < n; i++) {
		segs -= m[i]->nb_segs;
		chains -= m[i]->nb_segs > 1;
	}
	/* A caller that rewrote nb_segs cannot wrap the counts (the server
	 * counts exactly; these only decide when to ask for more). */
	c->core.held -= RTE_MIN(segs, c->core.held);
	c->core.chains_out -= RTE_MIN(chains, c->core.chains_out);
	*c->core.tx_msgs += sent;
	return sent;
}

uint16_t
__dipc_client_recv_ops(struct dipc_client *c, struct rte_mbuf **m, uint16_t n)
{
	return c->core.ops->recv_burst(c, m, n);
}

int
dipc_client_check(struct dipc_client *c)
{
	uint32_t state;
	uint64_t now, now_ns, beat, limit_ns;

	if (c->core.ops != NULL)
		return c->core.ops->check(c);
	state = dipc_shm_load_state(&c->shm->state);
	take_back_strays(c);
	if (state == DIPC_SERVER_STOPPING || state == DIPC_SERVER_STOPPED)
		return -ESHUTDOWN;
	if (c->shm->epoch != c->epoch || c->conn->generation != c->generation ||
	    dipc_shm_load_state(&c->conn->state) != DIPC_CONN_ACTIVE)
		return -ECONNRESET;
	/* Heartbeats both ways: ours for the server to see, and the
	 * server's, which a stopped or wedged server no longer moves. */
	now_ns = dipc_eal_now_ns();
	c->conn->client.heartbeat = now_ns;
	beat = __atomic_load_n(&c->shm->heartbeat, __ATOMIC_ACQUIRE);
	limit_ns = 2ull * c->heartbeat_ms * 1000000;
	if (now_ns > beat && now_ns - beat > limit_ns && !worker_alive(c, now_ns, limit_ns))
		return -EHOSTDOWN;
	now = rte_rdtsc();
	if (now >= c->next_pid_check) {
		c->next_pid_check = now + c->tsc_hz / 1000;
		if (pid_gone(c->server_pid))
			return -ECONNRESET;
	}
	return 0;
}

int
dipc_client_call(struct dipc_client *c, struct rte_mbuf *req, struct rte_mbuf **rsp,
		 unsigned int timeout_ms)
{
	uint64_t start, deadline, hz;
	struct rte_mbuf *m;
	uint32_t stream_id;
	int ret;

	if (c == NULL || req == NULL || rsp == NULL) {
		if (c != NULL && req != NULL)
			dipc_client_msg_free(c, req);
		return -EINVAL;
	}
	*rsp = NULL;
	stream_id = dipc_msg_hdr(req)->stream_id;
	hz = rte_get_tsc_hz(); /* any transport: not c's */
	start = rte_rdtsc();
	deadline = start + hz / 1000 * timeout_ms;

	for (;;) {
		/* The clock before the try: past the deadline there is one
		 * more, since this process may have been off the CPU while the
		 * ring made room or the answer came. */
		int late = rte_rdtsc() > deadline;

		if (dipc_client_send_burst(c, &req, 1) == 1)
			break;
		ret = dipc_client_check(c);
		if (ret == 0 && late)
			ret = -ETIMEDOUT;
		if (ret != 0) {
			dipc_client_msg_free(c, req);
			return ret;
		}
		wait_a_little(start, hz);
	}
	for (;;) {
		int late = rte_rdtsc() > deadline;

		if (dipc_client_recv_burst(c, &m, 1) == 1) {
			if (dipc_msg_validate_response(m) != DIPC_STATUS_OK) {
				dipc_client_msg_free(c, m);
				return -EPROTO;
			}
			if (dipc_msg_hdr(m)->stream_id == stream_id) {
				/* The transport gave the request up (eth). */
				if ((dipc_msg_hdr(m)->flags & DIPC_MSG_F_ERROR) &&
				    dipc_msg_hdr(m)->status == DIPC_STATUS_TIMED_OUT) {
					dipc_client_msg_free(c, m);
					return -ETIMEDOUT;
				}
				*rsp = m;
				return 0;
			}
			/* A late answer to an earlier call that timed out. */
			dipc_client_msg_free(c, m);
			continue;
		}
		ret = dipc_client_check(c);
		if (ret == 0 && late)
			ret = -ETIMEDOUT;
		if (ret != 0)
			return ret;
		wait_a_little(start, hz);
	}
}

int
dipc_client_stats(const struct dipc_client *c, struct dipc_client_stats *st)
{
	if (c == NULL || st == NULL)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	if (c->core.ops != NULL) {
		c->core.ops->stats(c, st);
		return 0;
	}
	st->tx_msgs = *c->core.tx_msgs;
	st->rx_msgs = *c->core.rx_msgs;
	return 0;
}

uint32_t
dipc_client_msg_stream_id(const struct dipc_client *c)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_STREAM_ID, 0);
	return c->next_stream_id;
}

unsigned int
dipc_client_slot(const struct dipc_client *c)
{
	if (c->core.ops != NULL)
		return c->core.ops->limit(c, DIPC_CLIENT_LIMIT_SLOT, 0);
	return c->slot;
}

const char *
dipc_client_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "success";
	case ECONNREFUSED:
		return "no dipc server is running (start dipc-server, with the same --file-prefix)";
	case ESHUTDOWN:
		return "the dipc server is shutting down or has stopped";
	case ECONNRESET:
		return "the dipc server died, was restarted, or took the connection back "
		       "(for not reading responses)";
	case EHOSTDOWN:
		return "the dipc server stopped responding (no heartbeat for two periods)";
	case EBUSY:
		return "no free connection: every slot of the server is taken "
		       "(raise max_connections)";
	case EPROTONOSUPPORT:
		return "protocol version mismatch between client and server";
	case EACCES:
		return "the server refused the token: give the client the server's token file "
		       "(DIPC_TOKEN_FILE)";
	case EPERM:
		return "the server does not admit this process: its uid and gid are not in "
		       "server.allow_uids/allow_gids, or it named another pid";
	case ETIMEDOUT:
		return "timed out waiting for the dipc server";
	case EPROTO:
		return "the shared memory or a message is not what this dipc version expects";
	case ENODEV:
		return "eth: no such port, or it would not start (give EAL the device: -a or "
		       "--vdev; the log says why)";
	case ENETDOWN:
		return "eth: the port's link did not come up";
	case EHOSTUNREACH:
		return "eth: the server's address does not answer ARP (wrong peer address, "
		       "or not on this link)";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
