/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Server setup and the control lcore: create the shared objects, admit
 * and close connections, and shut down in order.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pdump.h>
#include <rte_random.h>

#include <numa.h>

#include "dipc_admission.h"
#include "dipc_capture.h"
#include "server_private.h"

RTE_LOG_REGISTER_DEFAULT(dipc_server_logtype, NOTICE);

const struct server_transport_ops *const server_transports[DIPC_TRANSPORT_MAX] = {
	[DIPC_TRANSPORT_RING] = &dipc_ring_server_ops,
	[DIPC_TRANSPORT_ETH] = &dipc_eth_server_ops,
};

/* What the slot's transport says of its queues. */
static inline struct server_depths
slot_depths(const struct dipc_server *s, uint32_t slot)
{
	struct server_depths d;

	server_transports[s->slots[slot].transport]->depths(s, slot, &d);
	return d;
}

/* Closes (owner-table sweeps) finished per control pass, at most. */
#define CONTROL_SWEEPS_PER_PASS 16

/* Echo: the request becomes its own response, body untouched (zero copy);
 * rsp_len starts as the request's body length. */
static int
echo_handler(struct dipc_server_msg *msg __rte_unused, void *arg __rte_unused)
{
	return DIPC_HANDLER_RESPOND;
}

/* Sink: one-way requests are dropped; a caller that asked for an answer
 * gets an empty OK so its call does not hang. */
static int
sink_handler(struct dipc_server_msg *msg, void *arg __rte_unused)
{
	if (msg->flags & DIPC_MSG_F_ONEWAY)
		return DIPC_HANDLER_DROP;
	msg->rsp_len = 0;
	return DIPC_HANDLER_RESPOND;
}

void *
server_zalloc(size_t len, int socket)
{
	size_t total = RTE_ALIGN_CEIL(len + RTE_CACHE_LINE_SIZE, (size_t)getpagesize());
	uint8_t *p;

	/* Anonymous private pages: zeroed, and mapped by no other process,
	 * unlike rte_malloc()'s hugepages, which every client maps. */
	p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* On the lcores' NUMA node where there are several (a preference:
	 * the pages are not touched yet). */
	if (socket >= 0 && numa_available() >= 0 && numa_max_node() > 0)
		numa_tonode_memory(p, total, socket);
	*(size_t *)p = total;
	return p + RTE_CACHE_LINE_SIZE;
}

void
server_free(void *ptr)
{
	uint8_t *p = ptr;

	if (p != NULL)
		munmap(p - RTE_CACHE_LINE_SIZE, *(size_t *)(p - RTE_CACHE_LINE_SIZE));
}

static int
create_workers(struct dipc_server *s)
{
	unsigned int lcore, n = 0, max = s->cfg.workers, i;
	size_t qs_len;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (max != 0 && n == max)
			break;
		n++;
	}
	if (n == 0 || (max != 0 && n < max)) {
		SERVER_LOG(ERR, "needs %u worker lcore(s) besides the main (control) lcore but EAL "
				"has %u: give EAL more lcores, e.g. -l 0-%u",
			   max != 0 ? max : 1, n, max != 0 ? max : 1);
		rte_errno = EINVAL;
		return -EINVAL;
	}
	s->nb_workers = n;
	s->workers = server_zalloc(n * sizeof(*s->workers), -1);
	if (s->workers == NULL)
		return -ENOMEM;
	n = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct server_worker *w = &s->workers[n];

		if (n == s->nb_workers)
			break;
		w->s = s;
		w->lcore = lcore;
		w->index = n;
		w->socket = (int)rte_lcore_to_socket_id(lcore);
		w->transports = server_transports;
		w->slots = server_zalloc(s->cfg.max_conns * sizeof(uint32_t), w->socket);
		w->scratch = server_zalloc(SERVER_MAX_BURST * sizeof(struct rte_mbuf *), w->socket);
		w->msgs = server_zalloc(s->cfg.burst * sizeof(*w->msgs), w->socket);
		w->chains = server_zalloc((size_t)2 * s->cfg.burst * sizeof(*w->chains), w->socket);
		if (w->slots == NULL || w->scratch == NULL || w->msgs == NULL || w->chains == NULL)
			return -ENOMEM;
		for (i = 0; i < s->cfg.burst; i++) {
			w->msgs[i].worker_ = w;
			w->msgs[i].index_ = (uint16_t)i;
		}
		w->st.lcore = lcore;
		w->st.index = n;
		n++;
	}
	qs_len = rte_rcu_qsbr_get_memsize(s->nb_workers);
	s->qsbr = server_zalloc(qs_len, -1);
	if (s->qsbr == NULL || rte_rcu_qsbr_init(s->qsbr, s->nb_workers) != 0)
		return -ENOMEM;
	return 0;
}

/* A fresh nonce, so a proof made for one admission is worth nothing for
 * the next. */
uint64_t
server_new_nonce(void)
{
	uint64_t v;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = rte_rand() ^ rte_rdtsc();
	return v | 1; /* never 0, which means "no proof" */
}

/*
 * Grow the pool of slots by grow_step: the ring transport's queues for
 * each (one ring zone); then publish them to clients. Control lcore (or
 * setup) only.
 */
int
server_grow_slots(struct dipc_server *s)
{
	const struct server_transport_ops *t = server_transports[DIPC_TRANSPORT_RING];
	uint64_t start, took;
	uint32_t i, n;
	int socket, ret;

	if (s->cfg.grow_step == 0 || s->nb_workers == 0)
		return -EINVAL;
	socket = s->workers[(s->nb_ready / s->cfg.grow_step) % s->nb_workers].socket;
	n = RTE_MIN(s->cfg.grow_step, s->cfg.max_conns - s->nb_ready);
	if (n == 0)
		return -ENOSPC;
	start = dipc_eal_now_ns();
	ret = t->grow(s, s->nb_ready, n, socket);
	took = dipc_eal_now_ns() - start;
	/* Growth reserves memzones: a new hugepage is synced with every
	 * attached secondary over EAL IPC, which a loaded machine can make
	 * slow. A growth that holds the control lcore (and so the heartbeat)
	 * for half a heartbeat period is worth a line in the log. */
	if (took > (uint64_t)s->cfg.heartbeat_ms * 500000)
		SERVER_LOG(WARNING, "adding %u slots took %" PRIu64 " ms (heartbeat period %u ms)",
			   n, took / 1000000, s->cfg.heartbeat_ms);
	if (ret != 0)
		return ret;
	for (i = s->nb_ready; i < s->nb_ready + n; i++)
		s->slots[i].socket = socket;
	s->nb_ready += n;
	s->ctl.slots_created = s->nb_ready;
	/* Release: the slots' rings are in place before clients see them. */
	__atomic_store_n(&s->shm->nb_ready, s->nb_ready, __ATOMIC_RELEASE);
	return 0;
}

static int
create_slots(struct dipc_server *s)
{
	uint32_t i;
	int ret;

	s->slots = server_zalloc(s->cfg.max_conns * sizeof(*s->slots), -1);
	if (s->slots == NULL)
		return -ENOMEM;
	for (i = 0; i < s->cfg.max_conns; i++) {
		/* Every slot is a ring connection today (admission socket). */
		s->slots[i].transport = DIPC_TRANSPORT_RING;
		s->slots[i].conn = &s->shm->conns[i];
		s->slots[i].pidfd = -1;
		s->slots[i].sock = -1;
	}
	for (i = 0; i < DIPC_TRANSPORT_MAX; i++) {
		ret = server_transports[i]->setup(s);
		if (ret != 0)
			return ret;
	}
	/* One zone at least; then towards the warm minimum, which the control
	 * lcore keeps trying to reach if memory runs short now. */
	ret = server_grow_slots(s);
	if (ret != 0)
		return ret;
	while (s->nb_ready < RTE_MIN(s->cfg.warm_conns, s->cfg.max_conns))
		if (server_try_grow(s) != 0)
			break;
	return 0;
}

/* Create the pool of every size class and its map, class 0 first. */
static int
create_pools(struct dipc_server *s, int socket)
{
	const struct dipc_server_config *cfg = &s->cfg;
	unsigned int c, size, cache, room, largest = 0;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	int ret;

	s->nb_classes = 1;
	for (c = 0; c < DIPC_CONFIG_EXTRA_CLASSES && cfg->class_data_room[c] != 0; c++)
		s->nb_classes++;
	for (c = 0; c < s->nb_classes; c++) {
		size = c == 0 ? cfg->pool_size : cfg->class_pool_size[c - 1];
		room = c == 0 ? cfg->data_room : cfg->class_data_room[c - 1];
		/* DPDK: cache_size * 1.5 <= n; a small class gets a smaller cache. */
		cache = RTE_MIN(cfg->pool_cache, size * 2 / 3);
		snprintf(name, sizeof(name), DIPC_POOL_FMT, c);
		mp = rte_pktmbuf_pool_create(name, size, cache, 0, (uint16_t)room, socket);
		if (mp == NULL) {
			ret = -rte_errno;
			SERVER_LOG(ERR, "cannot create mbuf pool %s (%u mbufs of %u bytes): %s%s",
				   name, size, room, rte_strerror(rte_errno),
				   rte_errno == ENOMEM ?
				   " (not enough free hugepage memory: see dpdk-hugepages.py -s, "
				   "or lower mbufs/data_room or a class's)" : "");
			return ret;
		}
		if (c == 0)
			s->pool = mp;
		ret = dipc_ring_owner_map_create(&s->maps[c], mp);
		if (ret != 0) {
			s->maps[c].pool = mp; /* freed with the server */
			return ret;
		}
		s->seg_room[c] = room - RTE_PKTMBUF_HEADROOM;
		s->shm->class_data_room[c] = room;
		s->shm->class_pool_size[c] = size;
		largest = RTE_MAX(largest, size);
	}
	s->shm->nb_classes = s->nb_classes;
	s->control_scratch = server_zalloc(largest * sizeof(struct rte_mbuf *), socket);
	if (s->control_scratch == NULL)
		return -ENOMEM;
	return 0;
}

/* The workers' counters, in their own memzone so that dipc-info and
 * telemetry can read them; each worker writes only its own lines. */
static int
create_stats(struct dipc_server *s, int socket)
{
	size_t len = dipc_shm_stats_size(s->nb_workers, s->cfg.max_conns);
	unsigned int i;

	s->stats_mz = rte_memzone_reserve_aligned(DIPC_STATS_MZ_NAME, len, socket, 0,
						  RTE_CACHE_LINE_SIZE);
	if (s->stats_mz == NULL) {
		SERVER_LOG(ERR, "cannot reserve memzone %s (%zu bytes): %s", DIPC_STATS_MZ_NAME,
			   len, rte_strerror(rte_errno));
		return -rte_errno;
	}
	s->stats = s->stats_mz->addr;
	memset(s->stats, 0, len);
	s->stats->nb_workers = s->nb_workers;
	s->stats->max_conns = s->cfg.max_conns;
	s->stats->nb_status = DIPC_STATS_NB_STATUS;
	s->stats->nb_drop = DIPC_STATS_NB_DROP;
	for (i = 0; i < s->nb_workers; i++)
		s->stats->workers[i] = s->workers[i].st;
	s->stats->abi_version = DIPC_SHM_ABI_VERSION;
	/* Last: a reader that sees the magic sees the rest. */
	__atomic_store_n(&s->stats->magic, DIPC_SHM_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

/* server.allow_uids and allow_gids, validated by lib/config already. */
static int
parse_allow(struct dipc_server *s)
{
	int n = dipc_config_parse_ids(s->cfg.allow_uids, s->allow_uids, ADMISSION_MAX_IDS);
	int m = dipc_config_parse_ids(s->cfg.allow_gids, s->allow_gids, ADMISSION_MAX_IDS);

	if (n < 0 || m < 0) {
		SERVER_LOG(ERR, "allow_uids '%s' or allow_gids '%s' is not a list of ids",
			   s->cfg.allow_uids, s->cfg.allow_gids);
		return -EINVAL;
	}
	s->nb_allow_uids = (uint32_t)n;
	s->nb_allow_gids = (uint32_t)m;
	return 0;
}

/* Two descriptors per connection (its process, its admission socket) and
 * a few of the server's own: raise the soft limit to the hard one if that
 * is too few, and say so if even that is. */
static void
raise_fd_limit(const struct dipc_server *s)
{
	rlim_t need = (rlim_t)s->cfg.max_conns * 2 + SERVER_MAX_HANDSHAKES + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need)
		SERVER_LOG(WARNING, "max_connections %u needs %llu file descriptors, the limit is "
				    "%llu: raise it (ulimit -n) or lower max_connections",
			   s->cfg.max_conns, (unsigned long long)need,
			   (unsigned long long)rl.rlim_cur);
}

struct dipc_server *
dipc_server_create(const struct dipc_server_config *cfg)
{
	struct dipc_server *s;
	struct timespec ts;
	size_t shm_len;
	int ret, socket;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		SERVER_LOG(ERR, "must run as the DPDK primary process");
		rte_errno = EINVAL;
		return NULL;
	}
	if (cfg->burst == 0 || cfg->burst > SERVER_MAX_BURST || cfg->max_conns > SERVER_MAX_CONNS ||
	    cfg->grow_step == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (rte_memzone_lookup(DIPC_SHM_MZ_NAME) != NULL) {
		SERVER_LOG(ERR, "memzone %s already exists", DIPC_SHM_MZ_NAME);
		rte_errno = EEXIST;
		return NULL;
	}
	s = server_zalloc(sizeof(*s), -1);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->cfg = *cfg;
	s->listen_fd = -1;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		ret = -errno;
		SERVER_LOG(ERR, "epoll_create1: %s", strerror(errno));
		goto fail;
	}
	ret = create_workers(s);
	if (ret != 0)
		goto fail;
	/* Everything shared by the workers sits on the first worker's socket. */
	socket = s->workers[0].socket;

	shm_len = sizeof(struct dipc_shm) + (size_t)cfg->max_conns * sizeof(struct dipc_shm_conn);
	s->mz = rte_memzone_reserve_aligned(DIPC_SHM_MZ_NAME, shm_len, socket, 0,
					    RTE_CACHE_LINE_SIZE);
	if (s->mz == NULL) {
		ret = -rte_errno;
		SERVER_LOG(ERR, "cannot reserve memzone %s (%zu bytes): %s", DIPC_SHM_MZ_NAME,
			   shm_len, rte_strerror(rte_errno));
		goto fail;
	}
	s->shm = s->mz->addr;
	memset(s->shm, 0, shm_len);
	clock_gettime(CLOCK_REALTIME, &ts);
	s->shm->magic = DIPC_SHM_MAGIC;
	s->shm->abi_version = DIPC_SHM_ABI_VERSION;
	s->shm->epoch = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	s->shm->server_pid = getpid();
	s->shm->msg_version_min = DIPC_MSG_VERSION;
	s->shm->msg_version_max = DIPC_MSG_VERSION;
	s->shm->max_conns = cfg->max_conns;
	s->shm->slots_per_zone = cfg->grow_step;
	s->shm->ring_size = cfg->ring_size;
	s->shm->nb_workers = s->nb_workers;
	s->shm->pool_size = cfg->pool_size;
	s->shm->data_room = cfg->data_room;
	s->shm->conn_mbufs = cfg->conn_mbufs;
	s->shm->heartbeat_ms = cfg->heartbeat_ms;
	s->shm->heartbeat = dipc_eal_now_ns();
	s->shm->start_ns = s->shm->heartbeat;
	ret = create_stats(s, socket);
	if (ret != 0)
		goto fail;
	if (cfg->token_file[0] != '\0') {
		char err[DIPC_CONFIG_PATH_LEN + 128];

		ret = dipc_token_load(cfg->token_file, 1, &s->token, err, sizeof(err));
		if (ret != 0) {
			SERVER_LOG(ERR, "%s", err);
			goto fail;
		}
		s->token_required = 1;
		s->shm->token_required = 1;
	}

	ret = parse_allow(s);
	if (ret != 0)
		goto fail;
	ret = create_pools(s, socket);
	if (ret != 0)
		goto fail;
	ret = create_slots(s);
	if (ret != 0)
		goto fail;
	raise_fd_limit(s);
	ret = server_admit_open(s);
	if (ret != 0)
		goto fail;

	dipc_server_register(s, DIPC_METHOD_ECHO, echo_handler, NULL);
	dipc_server_register(s, DIPC_METHOD_SINK, sink_handler, NULL);
	/* /dipc/ commands of dpdk-telemetry.py (dipc_telemetry.c). */
	dipc_telemetry_register();
	dipc_capture_init(s);
	/* With an eth port, dpdk-dumpcap (a secondary) may capture its frames:
	 * it asks the primary over EAL's IPC to add the port's callbacks. */
	if (s->cfg.eth_port[0] != '\0') {
		if (rte_pdump_init() == 0)
			s->pdump = 1;
		else
			SERVER_LOG(WARNING, "rte_pdump_init: %s: dpdk-dumpcap will not capture "
					    "the eth port", rte_strerror(rte_errno));
	}
	return s;
fail:
	dipc_server_free(s);
	rte_errno = ret < 0 ? -ret : ENOMEM;
	return NULL;
}

int
dipc_server_register(struct dipc_server *s, uint16_t method, dipc_server_handler_t fn, void *arg)
{
	if (method == 0 || method > DIPC_SERVER_MAX_METHOD || fn == NULL)
		return -EINVAL;
	if (s->running)
		return -EBUSY;
	s->methods[method].fn = fn;
	s->methods[method].arg = arg;
	return 0;
}

int
dipc_server_set_report(struct dipc_server *s, dipc_server_report_t fn, void *arg)
{
	if (s->running)
		return -EBUSY;
	s->report = fn;
	s->report_arg = arg;
	return 0;
}

struct rte_rcu_qsbr *
dipc_server_rcu(struct dipc_server *s)
{
	return s->qsbr;
}

uint32_t
dipc_server_max_body(const struct dipc_server *s)
{
	return s->seg_room[s->nb_classes - 1] - DIPC_MSG_HDR_LEN;
}

uint32_t
dipc_server_max_chain_body(const struct dipc_server *s)
{
	return DIPC_MSG_MAX_SEGS * s->seg_room[s->nb_classes - 1] - DIPC_MSG_HDR_LEN;
}

/* Smallest class whose mbuf holds @len bytes of data, or nb_classes. */
static inline unsigned int
class_for(const struct dipc_server *s, uint32_t len)
{
	unsigned int c;

	for (c = 0; c < s->nb_classes && s->seg_room[c] < len; c++)
		;
	return c;
}

/* Take one mbuf of class @c out of its pool for the server's own use,
 * every field rewritten: a client may have written into it since it last
 * held it. */
static inline struct rte_mbuf *
server_mbuf_get(const struct dipc_server *s, unsigned int c)
{
	void *obj;

	if (rte_mempool_get(s->maps[c].pool, &obj) != 0)
		return NULL;
	dipc_ring_mbuf_repair(&s->maps[c], obj);
	return obj;
}

struct rte_mbuf *
dipc_server_rsp_alloc(struct dipc_server_msg *msg, uint32_t body_len)
{
	struct server_worker *w = msg->worker_;
	struct dipc_server *s = w->s;
	struct server_chain *r = server_rsp_chain(w, msg);
	const unsigned int top = s->nb_classes - 1;
	uint64_t total = (uint64_t)DIPC_MSG_HDR_LEN + body_len, left;
	unsigned int c;

	if (msg->rsp != NULL)
		server_msg_free_rsp(s, msg);
	if (body_len > dipc_server_max_chain_body(s))
		return NULL;
	/* One segment of the class that fits, or a chain of the largest
	 * class's segments filled to their room, the last of the class that
	 * fits the rest: the layout dipc_client_msg_alloc_chain() makes. */
	r->nb = 0;
	for (left = total; left != 0; left -= r->len[r->nb++]) {
		c = class_for(s, (uint32_t)RTE_MIN(left, (uint64_t)s->seg_room[top]));
		r->seg[r->nb] = server_mbuf_get(s, c);
		if (r->seg[r->nb] == NULL) {
			msg->rsp = r->seg[0];
			server_msg_free_rsp(s, msg);
			return NULL;
		}
		r->cls[r->nb] = (uint8_t)c;
		r->off[r->nb] = RTE_PKTMBUF_HEADROOM;
		r->len[r->nb] = (uint16_t)RTE_MIN(left, (uint64_t)s->seg_room[c]);
	}
	/* Linked for the handler's own use (dipc_codec_mbuf_copy_in()); the
	 * worker relinks them from r when it sends them. */
	for (c = 0; c < r->nb; c++) {
		r->seg[c]->data_len = r->len[c];
		r->seg[c]->next = c + 1 < r->nb ? r->seg[c + 1] : NULL;
	}
	r->seg[0]->nb_segs = r->nb;
	r->seg[0]->pkt_len = (uint32_t)total;
	msg->rsp = r->seg[0];
	msg->rsp_len = body_len;
	return msg->rsp;
}

/* Copy between a private segment list and a flat buffer: @to_list says
 * which way. Offsets are of the body (the header is skipped). */
static int
chain_copy(const struct dipc_server *s, const struct server_chain *c, uint32_t off, void *buf,
	   uint32_t len, int to_list)
{
	uint64_t pos = (uint64_t)off + DIPC_MSG_HDR_LEN, end = pos + len, at = 0;
	uint8_t *p = buf;
	unsigned int i;

	for (i = 0; i < c->nb && pos < end; i++) {
		uint8_t *data = (uint8_t *)c->seg[i] + s->maps[c->cls[i]].buf_offset + c->off[i];
		uint64_t seg_end = at + c->len[i];

		if (pos < seg_end) {
			uint32_t n = (uint32_t)(RTE_MIN(seg_end, end) - pos);

			if (to_list)
				memcpy(data + (pos - at), p, n);
			else
				memcpy(p, data + (pos - at), n);
			p += n;
			pos += n;
		}
		at = seg_end;
	}
	return pos == end ? 0 : -EINVAL;
}

int
dipc_server_rsp_write(struct dipc_server_msg *msg, uint32_t off, const void *src, uint32_t len)
{
	struct server_worker *w = msg->worker_;

	if (msg->rsp == NULL || (uint64_t)off + len > msg->rsp_len)
		return -EINVAL;
	return chain_copy(w->s, server_rsp_chain(w, msg), off, (void *)(uintptr_t)src, len,
			  1);
}

int
dipc_server_msg_read(const struct dipc_server_msg *msg, uint32_t off, uint32_t len, void *dst)
{
	const struct server_worker *w = msg->worker_;

	if ((uint64_t)off + len > msg->body_len)
		return -EINVAL;
	if (msg->nb_segs == 1) {
		memcpy(dst, msg->body + off, len);
		return 0;
	}
	return chain_copy(w->s, server_req_chain(w, msg), off, dst, len, 0);
}

void
dipc_server_stop(struct dipc_server *s)
{
	s->stop_requested = 1;
}

void
dipc_server_request_dump(struct dipc_server *s)
{
	s->dump_requested = 1;
}

/* The worker with the fewest slots on the slot's socket, else anywhere. */
static struct server_worker *
pick_worker(struct dipc_server *s, const struct server_slot *ss)
{
	struct server_worker *best = NULL;
	unsigned int i, pass;

	for (pass = 0; pass < 2 && best == NULL; pass++) {
		for (i = 0; i < s->nb_workers; i++) {
			struct server_worker *w = &s->workers[i];

			if (pass == 0 && w->socket != ss->socket)
				continue;
			if (best == NULL || w->nb_slots < best->nb_slots)
				best = w;
		}
	}
	return best;
}

/* Publish a slot in a worker's list (control lcore only). */
static void
worker_list_add(struct server_worker *w, uint32_t slot)
{
	__atomic_store_n(&w->slots[w->nb_slots], slot, __ATOMIC_RELAXED);
	/* Release: the slot's state, set up before, is visible to the worker
	 * once it sees the new count. */
	__atomic_store_n(&w->nb_slots, w->nb_slots + 1, __ATOMIC_RELEASE);
}

/* Take a slot out of a worker's list; the worker may poll it until its
 * next quiescent state. */
static void
worker_list_remove(struct server_worker *w, uint32_t slot)
{
	uint32_t i, last = w->nb_slots - 1;

	for (i = 0; i < w->nb_slots; i++) {
		if (w->slots[i] != slot)
			continue;
		__atomic_store_n(&w->slots[i], w->slots[last], __ATOMIC_RELAXED);
		__atomic_store_n(&w->nb_slots, last, __ATOMIC_RELEASE);
		return;
	}
}

static int
pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void begin_close(struct dipc_server *s, uint32_t slot, int workers_stopped);

int
server_slot_open(struct dipc_server *s, uint32_t slot, const struct admission_result *res,
		 struct server_handshake *hs)
{
	struct server_slot *ss = &s->slots[slot];
	struct dipc_shm_conn *conn = ss->conn;
	struct epoll_event ev = { .events = EPOLLIN };
	struct server_worker *w;

	/* The process itself tells us when it dies, however it dies. Its pid
	 * is the kernel's, and it is alive: it holds the socket's other end. */
	ss->pidfd = pidfd_open(hs->cred.pid);
	ev.data.u64 = SERVER_EV(SERVER_EV_PIDFD, slot);
	if (ss->pidfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, ss->pidfd, &ev) != 0) {
		SERVER_LOG(NOTICE, "refused pid %d: cannot watch the process: %s", hs->cred.pid,
			   strerror(errno));
		if (ss->pidfd >= 0)
			close(ss->pidfd);
		ss->pidfd = -1;
		return -EAGAIN;
	}
	/* Its socket tells us when it closes the connection by going away. */
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.u64 = SERVER_EV(SERVER_EV_SOCK, slot);
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, hs->fd, &ev) != 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, ss->pidfd, NULL);
		close(ss->pidfd);
		ss->pidfd = -1;
		return -EAGAIN;
	}
	ss->sock = hs->fd;
	ss->client_pid = hs->cred.pid;
	ss->client_uid = hs->cred.uid;
	ss->client_gid = hs->cred.gid;
	w = pick_worker(s, ss);
	ss->dead = 0;
	ss->stall_since = 0;
	ss->stall_reported = 0;
	ss->last_rx = 0;
	memset(&conn->client, 0, sizeof(conn->client));
	memset(&conn->server, 0, sizeof(conn->server));
	conn->lend_want = 0;
	conn->transport = ss->transport;
	/* Fresh queues and the first mbufs lent, after the client's shared
	 * fields were cleared. */
	server_transports[ss->transport]->open(s, slot, res->window);
	memset(&ss->cnt, 0, sizeof(ss->cnt));
	ss->worker = w->index;
	ss->generation++;
	conn->worker = (uint16_t)w->index;
	conn->version = res->version;
	conn->window = res->window;
	conn->depth = res->depth;
	conn->client_pid = ss->client_pid;
	conn->generation = ss->generation;
	if (ss->uses++ != 0)
		s->ctl.reused++;
	worker_list_add(w, slot);
	ss->state = SLOT_ACTIVE;
	s->ctl.admitted++;
	/* From FREE, as the server saw it when it chose the slot (a client
	 * that wrote into a free slot meanwhile is met by the next pass). */
	if (!dipc_shm_cas_state(&conn->state, DIPC_CONN_FREE, DIPC_CONN_ACTIVE))
		s->ctl.bad_slot_state++;
	SERVER_LOG(INFO, "admitted pid %d (uid %u) on slot %u, worker %u (lcore %u)",
		   ss->client_pid, ss->client_uid, slot, w->index, w->lcore);
	return 0;
}

void
server_slot_lost(struct dipc_server *s, uint32_t slot)
{
	begin_close(s, slot, 0);
}

int
server_slot_open_remote(struct dipc_server *s, uint32_t slot, uint16_t transport,
			uint32_t window, int worker)
{
	struct server_slot *ss = &s->slots[slot];
	struct dipc_shm_conn *conn = ss->conn;
	struct server_worker *w = worker >= 0 && (unsigned int)worker < s->nb_workers ?
					  &s->workers[worker] : pick_worker(s, ss);

	if (w == NULL) /* no worker: dipc_server_create() refuses that */
		return -EINVAL;

	ss->transport = transport;
	ss->pidfd = -1;
	ss->sock = -1;
	ss->client_pid = 0;
	ss->client_uid = UINT32_MAX;
	ss->client_gid = UINT32_MAX;
	ss->dead = 0;
	ss->stall_since = 0;
	ss->stall_reported = 0;
	ss->last_rx = 0;
	memset(&conn->client, 0, sizeof(conn->client));
	memset(&conn->server, 0, sizeof(conn->server));
	conn->lend_want = 0;
	conn->transport = transport;
	/* The worker and generation first: the transport's open() publishes
	 * the slot to the workers that feed it. */
	ss->worker = w->index;
	ss->generation++;
	server_transports[transport]->open(s, slot, window);
	memset(&ss->cnt, 0, sizeof(ss->cnt));
	conn->worker = (uint16_t)w->index;
	conn->version = DIPC_MSG_VERSION;
	conn->window = window;
	conn->depth = 0;
	conn->client_pid = 0;
	conn->generation = ss->generation;
	if (ss->uses++ != 0)
		s->ctl.reused++;
	worker_list_add(w, slot);
	ss->state = SLOT_ACTIVE;
	s->ctl.admitted++;
	if (!dipc_shm_cas_state(&conn->state, DIPC_CONN_FREE, DIPC_CONN_ACTIVE))
		s->ctl.bad_slot_state++;
	return 0;
}

void
server_slot_gone(struct dipc_server *s, uint32_t slot, int dead, int workers_stopped)
{
	struct server_slot *ss = &s->slots[slot];

	if (slot >= s->nb_ready || (ss->state != SLOT_ACTIVE && ss->state != SLOT_REVOKED))
		return;
	ss->dead = (uint8_t)(dead != 0);
	if (ss->state == SLOT_REVOKED)
		ss->state = SLOT_CLOSING; /* its worker let go long ago */
	else
		begin_close(s, slot, workers_stopped);
}

/* Start closing an admitted slot: its worker lets go first. */
static void
begin_close(struct dipc_server *s, uint32_t slot, int workers_stopped)
{
	struct server_slot *ss = &s->slots[slot];

	if (server_transports[ss->transport]->stop != NULL)
		server_transports[ss->transport]->stop(s, slot);
	if (!workers_stopped) {
		worker_list_remove(&s->workers[ss->worker], slot);
		ss->qs_token = rte_rcu_qsbr_start(s->qsbr);
	}
	ss->state = SLOT_CLOSING;
}

/* Stop watching a slot's client: its process and its socket. */
static void
server_slot_unwatch(struct dipc_server *s, struct server_slot *ss)
{
	if (ss->pidfd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, ss->pidfd, NULL);
		close(ss->pidfd);
		ss->pidfd = -1;
	}
	if (ss->sock >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, ss->sock, NULL);
		close(ss->sock);
		ss->sock = -1;
	}
}

/*
 * Publish FREE on a slot the server has taken back: a compare-and-swap
 * from what the state word holds (CLOSE_REQ from the client, ACTIVE or
 * REVOKED if it died, anything a client scribbled), retried while a
 * client keeps changing it. No other process legitimately moves the word
 * of a slot that is not its own, so nobody's transition is lost.
 */
static void
release_slot(struct dipc_server *s, struct dipc_shm_conn *conn)
{
	unsigned int tries;

	for (tries = 0; tries < 64; tries++) {
		uint32_t cur = dipc_shm_load_state(&conn->state);

		if (cur == DIPC_CONN_FREE || dipc_shm_cas_state(&conn->state, cur, DIPC_CONN_FREE))
			return;
	}
	s->ctl.bad_slot_state++;
	dipc_shm_store_state(&conn->state, DIPC_CONN_FREE);
}

/* Finish closing once the worker quiesced: nobody touches the slot any
 * more, so take back every mbuf lent to it and hand the slot back.
 * Returns 1 if it did (a sweep of the owner tables), 0 if not yet. */
static int
finish_close(struct dipc_server *s, uint32_t slot, int workers_stopped)
{
	struct server_slot *ss = &s->slots[slot];
	struct dipc_shm_conn *conn = ss->conn;
	unsigned int n;

	if (!workers_stopped && rte_rcu_qsbr_check(s->qsbr, ss->qs_token, false) != 1)
		return 0;
	n = server_transports[ss->transport]->close(s, slot);
	/* A free slot has rings: local admission hands it out as a ring one. */
	ss->transport = DIPC_TRANSPORT_RING;
	s->ctl.reclaimed_mbufs += n;
	s->closed.rx_msgs += ss->cnt.rx_msgs;
	s->closed.tx_msgs += ss->cnt.tx_msgs;
	s->closed.invalid_msgs += ss->cnt.invalid_msgs;
	s->closed.rsp_full += ss->cnt.rsp_full;
	s->closed.given_back += ss->cnt.given_back;
	server_slot_unwatch(s, ss);
	s->ctl.closed++;
	if (ss->dead)
		s->ctl.dead++;
	SERVER_LOG(INFO, "%s slot %u of pid %d: %u mbufs taken back",
		   ss->dead ? "reclaimed dead" : "closed", slot, ss->client_pid, n);
	ss->state = SLOT_FREE;
	conn->client_pid = 0;
	release_slot(s, conn);
	return 1;
}

/*
 * An admitted client is gone: its process ended, or its admission socket
 * closed (a process's sockets close as it exits, a moment before its
 * pidfd says so). Close its slot. It died, or left without closing
 * (counted as dead alike), unless it had asked to close.
 */
static void
client_gone(struct dipc_server *s, uint32_t slot, int workers_stopped)
{
	struct server_slot *ss = &s->slots[slot];

	if (slot >= s->nb_ready || (ss->state != SLOT_ACTIVE && ss->state != SLOT_REVOKED))
		return;
	ss->dead = dipc_shm_load_state(&ss->conn->state) != DIPC_CONN_CLOSE_REQ;
	/* Stop watching now: a dead process and a closed socket stay
	 * readable. */
	server_slot_unwatch(s, ss);
	if (ss->state == SLOT_REVOKED)
		ss->state = SLOT_CLOSING; /* its worker let go long ago */
	else
		begin_close(s, slot, workers_stopped);
}

/* What woke the control lcore: dead clients, closed sockets, admissions. */
static void
control_events(struct dipc_server *s, int stopping, int workers_stopped)
{
	struct epoll_event ev[64];
	int n, i;

	n = epoll_wait(s->epfd, ev, RTE_DIM(ev), 0);
	for (i = 0; i < n; i++) {
		uint32_t idx = (uint32_t)ev[i].data.u64;
		char junk[64];

		switch ((enum server_ev_kind)(ev[i].data.u64 >> 32)) {
		case SERVER_EV_PIDFD:
			client_gone(s, idx, workers_stopped);
			break;
		case SERVER_EV_SOCK:
			/* The client says nothing more on it: data is junk, read
			 * and ignored; end of file is the end of the connection. */
			if (idx < s->nb_ready && s->slots[idx].sock >= 0 &&
			    recv(s->slots[idx].sock, junk, sizeof(junk), MSG_DONTWAIT) > 0)
				break;
			client_gone(s, idx, workers_stopped);
			break;
		case SERVER_EV_LISTEN:
			server_admit_accept(s);
			break;
		case SERVER_EV_HANDSHAKE:
			server_admit_step(s, idx, stopping);
			break;
		}
	}
	server_admit_expire(s);
}

/*
 * A client whose responses have waited longer than stall_ms stopped
 * reading: report it once per stall and, by policy, revoke the connection.
 * Revoking takes the slot from its worker (so the worker stops holding
 * responses for it) but lends its mbufs on: the client is alive and may
 * still touch them, so they come back only when it closes or dies.
 */
static void
check_stall(struct dipc_server *s, uint32_t slot)
{
	struct server_slot *ss = &s->slots[slot];
	uint64_t since = __atomic_load_n(&ss->stall_since, __ATOMIC_RELAXED), now;

	if (since == 0) {
		ss->stall_reported = 0;
		return;
	}
	now = dipc_eal_now_ns();
	if (ss->stall_reported || now < since || now - since < (uint64_t)s->cfg.stall_ms * 1000000)
		return;
	ss->stall_reported = 1;
	s->ctl.stalled++;
	SERVER_LOG(NOTICE, "slot %u: pid %d has not read its responses for %" PRIu64 " ms%s",
		   slot, ss->client_pid, (now - since) / 1000000,
		   s->cfg.stall_policy == DIPC_STALL_DISCONNECT ? ": disconnecting it" : "");
	if (s->cfg.stall_policy != DIPC_STALL_DISCONNECT)
		return;
	s->ctl.stall_closed++;
	worker_list_remove(&s->workers[ss->worker], slot);
	ss->qs_token = rte_rcu_qsbr_start(s->qsbr);
	ss->state = SLOT_REVOKED;
	if (!dipc_shm_cas_state(&ss->conn->state, DIPC_CONN_ACTIVE, DIPC_CONN_REVOKED))
		s->ctl.bad_slot_state++; /* the next pass sees what the client wrote */
}

/*
 * Every rebalance_ms: each worker's load is the messages its slots took in
 * since the last check; if the busiest took more than twice what the
 * idlest did, move one of its connections, the largest that does not
 * overshoot, to the idlest. The move takes the slot from the busy worker
 * (RCU) and gives it to the other once the first has quiesced, so the
 * ring keeps one consumer at a time: nothing is lost or reordered, and
 * no other connection waits.
 */
static void
balance(struct dipc_server *s, int *busy)
{
	uint64_t now = rte_get_timer_cycles(), wl[RTE_MAX_LCORE] = { 0 }, gap, best_load = 0;
	unsigned int i, hi = 0, lo = 0, best = UINT32_MAX, on_hi = 0;

	if (s->cfg.rebalance_ms == 0 || s->nb_workers < 2 || now < s->next_balance)
		return;
	s->next_balance = now + rte_get_timer_hz() / 1000 * s->cfg.rebalance_ms;
	for (i = 0; i < s->nb_ready; i++) {
		struct server_slot *ss = &s->slots[i];
		uint64_t rx;

		if (ss->state != SLOT_ACTIVE)
			continue;
		rx = __atomic_load_n(&ss->cnt.rx_msgs, __ATOMIC_RELAXED);
		ss->load = rx - ss->last_rx;
		ss->last_rx = rx;
		wl[ss->worker] += ss->load;
	}
	for (i = 1; i < s->nb_workers; i++) {
		if (wl[i] > wl[hi])
			hi = i;
		if (wl[i] < wl[lo])
			lo = i;
	}
	/* Below a few hundred messages per check, nothing to gain. */
	if (wl[hi] <= 2 * wl[lo] || wl[hi] < 256)
		return;
	gap = (wl[hi] - wl[lo]) / 2;
	for (i = 0; i < s->nb_ready; i++) {
		struct server_slot *ss = &s->slots[i];

		/* A port's connection stays where its frames are fed. */
		if (ss->state != SLOT_ACTIVE || ss->worker != hi ||
		    ss->transport != DIPC_TRANSPORT_RING)
			continue;
		on_hi++;
		if (ss->load <= gap && ss->load >= best_load && ss->load != 0) {
			best = i;
			best_load = ss->load;
		}
	}
	if (on_hi < 2 || best == UINT32_MAX)
		return; /* one connection alone cannot be split */
	worker_list_remove(&s->workers[hi], best);
	s->slots[best].qs_token = rte_rcu_qsbr_start(s->qsbr);
	s->slots[best].move_to = lo;
	s->slots[best].state = SLOT_MOVING;
	s->ctl.moved++;
	*busy = 1;
	SERVER_LOG(NOTICE, "moving slot %u (%" PRIu64 " msgs) from worker %u (%" PRIu64
		   ") to worker %u (%" PRIu64 ")", best, best_load, hi, wl[hi], lo, wl[lo]);
}

/*
 * Copy the counters the server keeps in its own memory into the shared
 * memory dipc-info reads (at most once a millisecond, and when @force):
 * each slot as the server sees it, each worker's counters, the admission
 * and closed connections' totals. The server itself never reads them back.
 */
static void
publish_stats(struct dipc_server *s, int force)
{
	struct dipc_shm_conn_stats *pub = dipc_shm_stats_conns(s->stats);
	uint64_t now = rte_get_timer_cycles();
	unsigned int i;

	if (!force && now < s->next_publish)
		return;
	s->next_publish = now + rte_get_timer_hz() / 1000;
	for (i = 0; i < s->nb_ready; i++) {
		const struct server_slot *ss = &s->slots[i];
		struct dipc_shm_conn_stats *p = &pub[i];
		struct server_depths d;

		if (ss->state == SLOT_FREE) {
			if (p->state != DIPC_CONN_FREE)
				memset(p, 0, sizeof(*p));
			continue;
		}
		p->state = ss->state == SLOT_REVOKED ? DIPC_CONN_REVOKED :
			   ss->state == SLOT_CLOSING ? DIPC_CONN_CLOSE_REQ : DIPC_CONN_ACTIVE;
		p->pid = ss->client_pid;
		p->uid = ss->client_uid;
		p->gid = ss->client_gid;
		p->worker = ss->worker;
		p->generation = ss->generation;
		p->transport = ss->transport;
		d = slot_depths(s, i);
		p->window = d.window;
		p->depth = ss->transport == DIPC_TRANSPORT_RING ? s->ring_capacity : 0;
		p->lent = d.lent;
		/* Relaxed loads: the owning worker writes them meanwhile. */
		p->rx_msgs = __atomic_load_n(&ss->cnt.rx_msgs, __ATOMIC_RELAXED);
		p->tx_msgs = __atomic_load_n(&ss->cnt.tx_msgs, __ATOMIC_RELAXED);
		p->invalid_msgs = __atomic_load_n(&ss->cnt.invalid_msgs, __ATOMIC_RELAXED);
		p->rsp_full = __atomic_load_n(&ss->cnt.rsp_full, __ATOMIC_RELAXED);
		p->given_back = __atomic_load_n(&ss->cnt.given_back, __ATOMIC_RELAXED);
		p->lend_refused = __atomic_load_n(&ss->cnt.lend_refused, __ATOMIC_RELAXED);
		p->bad_chains = __atomic_load_n(&ss->cnt.bad_chains, __ATOMIC_RELAXED);
		p->req_queued = d.req_waiting;
		p->rsp_queued = d.rsp_unread;
		p->alloc_queued = d.alloc_unread;
		p->free_queued = d.free_waiting;
	}
	for (i = 0; i < s->nb_workers; i++)
		s->stats->workers[i] = s->workers[i].st;
	s->stats->control = s->ctl;
	s->stats->closed.rx_msgs = s->closed.rx_msgs;
	s->stats->closed.tx_msgs = s->closed.tx_msgs;
	s->stats->closed.invalid_msgs = s->closed.invalid_msgs;
	s->stats->closed.rsp_full = s->closed.rsp_full;
	s->stats->closed.given_back = s->closed.given_back;
	for (i = 0; i < DIPC_TRANSPORT_MAX; i++)
		if (server_transports[i]->publish != NULL)
			server_transports[i]->publish(s, s->stats);
}

/* The heartbeat: clients that see none for two periods report the server
 * stopped. */
static void
publish_heartbeat(struct dipc_server *s)
{
	__atomic_store_n(&s->shm->heartbeat, dipc_eal_now_ns(), __ATOMIC_RELEASE);
}

/*
 * Clients report the server stopped after two heartbeat periods without
 * one, and a pass refreshes it only between its phases: say which phase
 * of a pass held the control lcore for half a period, so a late heartbeat
 * can be traced to admissions, closes, balancing or growth, or to the
 * scheduler: a phase that does little but takes seconds is the one that
 * was running when the thread lost its CPU (docs/DESIGN-NOTES.md, Connections: heartbeats).
 * @t: the times at the start of each phase and at the end.
 * @slowest_close: the longest finish_close() of the pass.
 */
static void
note_slow_pass(struct dipc_server *s, const uint64_t t[5], unsigned int sweeps,
	       uint64_t slowest_close)
{
	const uint64_t ms = 1000000;

	if (t[4] - t[0] <= (uint64_t)s->cfg.heartbeat_ms * (ms / 2))
		return;
	s->slow_passes++;
	SERVER_LOG(WARNING,
		   "control pass took %" PRIu64 " ms (heartbeat period %u ms): events %" PRIu64
		   " ms, slots %" PRIu64 " ms (%u closes, the slowest %" PRIu64
		   " ms), balance and stats %" PRIu64 " ms, growth %" PRIu64 " ms",
		   (t[4] - t[0]) / ms, s->cfg.heartbeat_ms, (t[1] - t[0]) / ms,
		   (t[2] - t[1]) / ms, sweeps, slowest_close / ms, (t[3] - t[2]) / ms,
		   (t[4] - t[3]) / ms);
}

/*
 * One pass of the control lcore over the connection table. Decisions come
 * from the control lcore's own view of each slot; the shared state word is
 * only what the client asks for, and a value that makes no sense for the
 * slot (a client writing its state by mistake) closes or resets it.
 * Returns the number of slots in use; *busy is set if a slot is changing.
 */
static unsigned int
control_pass(struct dipc_server *s, int stopping, int workers_stopped, int *busy)
{
	unsigned int i, in_use = 0, free_ready = 0, sweeps = 0;
	uint64_t t[5], slowest_close = 0;

	*busy = s->nb_handshakes != 0;
	publish_heartbeat(s);
	t[0] = dipc_eal_now_ns();
	control_events(s, stopping, workers_stopped);
	for (i = 0; i < DIPC_TRANSPORT_MAX; i++)
		if (server_transports[i]->control != NULL)
			server_transports[i]->control(s, stopping, workers_stopped, busy);
	t[1] = dipc_eal_now_ns();
	for (i = 0; i < s->nb_ready; i++) {
		struct server_slot *ss = &s->slots[i];
		uint32_t shared = dipc_shm_load_state(&ss->conn->state);

		switch (ss->state) {
		case SLOT_FREE:
			/* Nobody may say a slot the server did not give is in
			 * use: put it back. */
			if (shared != DIPC_CONN_FREE) {
				s->ctl.bad_slot_state++;
				release_slot(s, ss->conn);
			}
			break;
		case SLOT_ACTIVE:
			if (shared == DIPC_CONN_ACTIVE) {
				if (!workers_stopped)
					check_stall(s, i);
				break;
			}
			if (shared != DIPC_CONN_CLOSE_REQ)
				s->ctl.bad_slot_state++;
			begin_close(s, i, workers_stopped);
			*busy = 1;
			break;
		case SLOT_CLOSING:
			/* Each close sweeps the owner tables (every object of
			 * every pool): a client process that closes its hundreds
			 * of connections at once must not hold up admissions and
			 * the heartbeat for the whole lot (on a loaded machine
			 * that was seconds). The rest wait for the next passes. */
			if (sweeps < CONTROL_SWEEPS_PER_PASS) {
				uint64_t c0 = dipc_eal_now_ns();

				if (finish_close(s, i, workers_stopped)) {
					sweeps++;
					publish_heartbeat(s);
				}
				c0 = dipc_eal_now_ns() - c0;
				if (c0 > slowest_close)
					slowest_close = c0;
			}
			*busy = 1;
			break;
		case SLOT_MOVING:
			/* The old worker let go: the new one takes it over. */
			if (rte_rcu_qsbr_check(s->qsbr, ss->qs_token, false) == 1 || workers_stopped) {
				ss->worker = ss->move_to;
				ss->conn->worker = (uint16_t)ss->move_to;
				ss->state = SLOT_ACTIVE;
				if (!workers_stopped)
					worker_list_add(&s->workers[ss->move_to], i);
			}
			*busy = 1;
			break;
		case SLOT_REVOKED:
			/* Its worker let go when it was revoked: once the client
			 * has closed, nobody touches its mbufs any more. */
			if (shared == DIPC_CONN_CLOSE_REQ) {
				ss->state = SLOT_CLOSING;
				*busy = 1;
			} else if (shared != DIPC_CONN_REVOKED) {
				s->ctl.bad_slot_state++;
				if (!dipc_shm_cas_state(&ss->conn->state, shared, DIPC_CONN_REVOKED))
					*busy = 1; /* changed again: seen next pass */
			}
			break;
		}
		if (ss->state != SLOT_FREE)
			in_use++;
		else
			free_ready++;
	}
	t[2] = dipc_eal_now_ns();
	if (!stopping && !workers_stopped)
		balance(s, busy);
	publish_stats(s, 0);
	t[3] = dipc_eal_now_ns();
	/* Keep the warm minimum of free slots with rings, up to
	 * max_connections (an admission that finds none grows it too). */
	if (!stopping && free_ready < s->cfg.warm_conns && server_try_grow(s) == 0)
		*busy = 1;
	t[4] = dipc_eal_now_ns();
	note_slow_pass(s, t, sweeps, slowest_close);
	return in_use;
}

int
server_try_grow(struct dipc_server *s)
{
	uint64_t now = rte_get_timer_cycles();
	int ret;

	if (s->nb_ready >= s->cfg.max_conns)
		return -ENOSPC;
	/* After a failure, retry once a second, not on every pass or every
	 * admission, and say so once per failure. */
	if (s->grow_retry_at != 0 && now < s->grow_retry_at)
		return -ENOMEM;
	ret = server_grow_slots(s);
	if (ret != 0) {
		if (s->grow_retry_at == 0)
			SERVER_LOG(WARNING, "cannot grow the pool of slots past %u: %s", s->nb_ready,
				   rte_strerror(-ret));
		s->ctl.grow_failed++;
		s->grow_retry_at = now + rte_get_timer_hz();
		return ret;
	}
	s->grow_retry_at = 0;
	return 0;
}

static int
requests_pending(const struct dipc_server *s)
{
	unsigned int i;

	for (i = 0; i < s->cfg.max_conns; i++) {
		const struct server_slot *ss = &s->slots[i];

		if (ss->state == SLOT_ACTIVE && slot_depths(s, i).req_waiting != 0)
			return 1;
	}
	return 0;
}

/* Sleep until the next control pass, or until a client process dies:
 * its pidfd wakes us, so a dead client is seen at once, not a period later. */
static void
control_sleep(struct dipc_server *s, unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };
	struct epoll_event ev;

	if (epoll_pwait2(s->epfd, &ev, 1, &ts, NULL) < 0 && errno != EINTR)
		rte_delay_us_sleep(us);
}

int
dipc_server_run(struct dipc_server *s)
{
	const uint64_t hz = rte_get_tsc_hz();
	/* Poll fast while slots change hands, slowly once they have not for
	 * this many passes, so the control lcore rarely preempts a client or
	 * worker that shares its CPU. */
	const unsigned int fast_passes = 100;
	unsigned int i, in_use, quiet = 0;
	uint64_t deadline;
	int ret, busy;

	s->running = 1;
	for (i = 0; i < s->nb_workers; i++) {
		ret = rte_eal_remote_launch(dipc_server_worker_main, &s->workers[i],
					    s->workers[i].lcore);
		if (ret != 0) {
			SERVER_LOG(ERR, "cannot launch worker on lcore %u: %s", s->workers[i].lcore,
				   strerror(-ret));
			s->workers_quit = 1;
			rte_eal_mp_wait_lcore();
			return ret;
		}
	}
	dipc_shm_store_state(&s->shm->state, DIPC_SERVER_RUNNING);

	while (!s->stop_requested) {
		control_pass(s, 0, 0, &busy);
		if (s->dump_requested) {
			s->dump_requested = 0;
			dipc_server_dump(stdout, s);
			fflush(stdout);
		}
		quiet = busy ? 0 : quiet + 1;
		control_sleep(s, quiet < fast_passes ? s->cfg.control_poll_us :
				 RTE_MIN(s->cfg.control_idle_poll_us, s->cfg.heartbeat_ms * 500));
	}

	/* Shutdown: refuse new clients, let workers answer what is queued. */
	SERVER_LOG(NOTICE, "stopping: draining for up to %u ms", s->cfg.drain_ms);
	dipc_shm_store_state(&s->shm->state, DIPC_SERVER_STOPPING);
	deadline = rte_get_timer_cycles() + hz / 1000 * s->cfg.drain_ms;
	while (requests_pending(s) && rte_get_timer_cycles() < deadline) {
		control_pass(s, 1, 0, &busy);
		rte_delay_us_sleep(s->cfg.control_poll_us);
	}
	s->workers_quit = 1;
	rte_eal_mp_wait_lcore();
	dipc_shm_store_state(&s->shm->state, DIPC_SERVER_STOPPED);

	/* Clients see STOPPED and close; reclaim their slots as they do. */
	do {
		in_use = control_pass(s, 1, 1, &busy);
		if (in_use == 0)
			break;
		rte_delay_us_sleep(s->cfg.control_poll_us);
	} while (rte_get_timer_cycles() < deadline + hz / 1000 * s->cfg.drain_ms);
	if (in_use != 0) {
		SERVER_LOG(WARNING, "%u connection(s) still open at exit", in_use);
		for (i = 0; i < s->cfg.max_conns; i++) {
			const struct server_slot *ss = &s->slots[i];
			uint32_t shared = dipc_shm_load_state(&ss->conn->state);

			if (ss->state != SLOT_FREE || shared != DIPC_CONN_FREE)
				SERVER_LOG(WARNING, "  slot %u: state %u/%u, pid %d (%s)", i,
					   ss->state, shared, ss->client_pid,
					   kill(ss->client_pid, 0) == 0 ? "alive" : "gone");
		}
	}
	publish_stats(s, 1);
	s->running = 0;
	return 0;
}

unsigned int
dipc_server_mbufs_in_use(const struct dipc_server *s)
{
	unsigned int c, n = 0;

	for (c = 0; c < s->nb_classes; c++)
		n += s->maps[c].pool->size - rte_mempool_avail_count(s->maps[c].pool);
	return n;
}

/* Rejected messages by reason, summed over workers; only reasons seen. */
static void
dump_rejects(FILE *f, const struct dipc_server *s)
{
	static const char *const drop_names[SERVER_DROP_MAX] = {
		[SERVER_DROP_NOT_MBUF] = "not an mbuf of the dipc pool (not touched)",
		[SERVER_DROP_NOT_LENT] = "mbuf not lent to that connection: another's, "
					 "taken back, or sent twice (not touched)",
		[SERVER_DROP_BAD_CHAIN] = "bad chain: a segment not lent, a loop, too many "
					  "segments, or nb_segs/pkt_len lying (dropped whole; the head answered "
					  "as corrupted mbuf metadata)",
	};
	uint64_t n;
	unsigned int r, i;

	for (r = 1; r < DIPC_STATUS_MAX; r++) {
		for (n = 0, i = 0; i < s->nb_workers; i++)
			n += s->workers[i].st.invalid[r];
		if (n != 0)
			fprintf(f, "dipc-server: rejected %" PRIu64 ": %s (answered)\n", n,
				dipc_msg_status_str(r));
	}
	for (r = 0; r < SERVER_DROP_MAX; r++) {
		for (n = 0, i = 0; i < s->nb_workers; i++)
			n += s->workers[i].st.dropped[r];
		if (n != 0)
			fprintf(f, "dipc-server: rejected %" PRIu64 ": %s\n", n, drop_names[r]);
	}
	if (s->ctl.bad_slot_state != 0)
		fprintf(f, "dipc-server: slot states corrupted by clients: %" PRIu64 "\n",
			s->ctl.bad_slot_state);
}

unsigned int
dipc_server_mbufs_lent(const struct dipc_server *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->cfg.max_conns; i++)
		if (s->slots[i].state != SLOT_FREE)
			n += slot_depths(s, i).lent;
	return n;
}

#ifdef DIPC_WORKER_CYCLES
/* The cycles build: each worker's TSC cycles per request dequeued, by
 * stage; "other" is what its busy passes spent outside the stages (the
 * pass loop, polls of idle connections, quiescent states). */
static void
dump_cycles(FILE *f, const struct dipc_server *s)
{
	static const char *const names[SERVER_CYC_MAX] = {
		[SERVER_CYC_PREP] = "prep", [SERVER_CYC_TAKE] = "take",
		[SERVER_CYC_HANDLER] = "handler", [SERVER_CYC_ANSWER] = "answer",
		[SERVER_CYC_SEND] = "send",
	};
	unsigned int i, k;

	for (i = 0; i < s->nb_workers; i++) {
		const struct server_worker_cycles *c = &s->workers[i].cyc;
		double per = c->msgs != 0 ? 1.0 / (double)c->msgs : 0;
		uint64_t staged = 0;

		fprintf(f, "dipc-server: worker %u cycles per message:", i);
		for (k = 0; k < SERVER_CYC_MAX; k++) {
			fprintf(f, " %s %.1f", names[k], (double)c->stage[k] * per);
			staged += c->stage[k];
		}
		fprintf(f, " other %.1f total %.1f (%" PRIu64 " messages, TSC %" PRIu64 " Hz)\n",
			c->busy > staged ? (double)(c->busy - staged) * per : 0.0,
			(double)c->busy * per, c->msgs, rte_get_tsc_hz());
	}
}
#endif

/* Open connections, one line each (the first 32): counters, stalls and
 * queue depths, so backpressure shows where it is. */
static void
dump_connections(FILE *f, const struct dipc_server *s)
{
	static const char *const states[] = {
		[SLOT_ACTIVE] = "active", [SLOT_CLOSING] = "closing",
		[SLOT_REVOKED] = "revoked", [SLOT_MOVING] = "moving",
	};
	unsigned int i, shown = 0, open = 0;

	for (i = 0; i < s->nb_ready; i++) {
		const struct server_slot *ss = &s->slots[i];
		struct server_depths d;

		if (ss->state == SLOT_FREE)
			continue;
		if (open++ >= 32)
			continue;
		shown++;
		d = slot_depths(s, i);
		fprintf(f, "dipc-server: conn slot %u pid %d worker %u %s: rx %" PRIu64 " tx %" PRIu64
			   " invalid %" PRIu64 " stalls %" PRIu64 ", queued req %u rsp %u, "
			   "lent %u\n",
			i, ss->client_pid, ss->worker, states[ss->state], ss->cnt.rx_msgs,
			ss->cnt.tx_msgs, ss->cnt.invalid_msgs, ss->cnt.rsp_full,
			d.req_waiting, d.rsp_unread, d.lent);
	}
	if (open > shown)
		fprintf(f, "dipc-server: ... and %u more connections\n", open - shown);
}

unsigned int
dipc_server_nb_workers(const struct dipc_server *s)
{
	return s->nb_workers;
}

void
dipc_server_dump(FILE *f, const struct dipc_server *s)
{
	uint64_t rx = s->closed.rx_msgs, tx = s->closed.tx_msgs;
	uint64_t invalid = s->closed.invalid_msgs, full = s->closed.rsp_full;
	uint64_t lent = 0;
	uint64_t back = s->closed.given_back;
	unsigned int i, c, open = 0, idle = 0;

	for (i = 0; i < s->cfg.max_conns; i++) {
		const struct server_slot *ss = &s->slots[i];

		if (ss->state == SLOT_FREE) {
			idle += i < s->nb_ready;
			continue;
		}
		open++;
		/* Racy while workers run: a snapshot for people to read. */
		lent += slot_depths(s, i).lent;
		rx += ss->cnt.rx_msgs;
		tx += ss->cnt.tx_msgs;
		invalid += ss->cnt.invalid_msgs;
		full += ss->cnt.rsp_full;
		back += ss->cnt.given_back;
	}
	fprintf(f, "dipc-server: connections admitted %" PRIu64 ", refused %" PRIu64
		   ", closed %" PRIu64 " (of which dead %" PRIu64 "), open %u\n",
		s->ctl.admitted, s->ctl.refused, s->ctl.closed,
		s->ctl.dead, open);
	fprintf(f, "dipc-server: slots: %u with rings of %u (warm minimum %u, step %u); "
		   "admissions on reused slots %" PRIu64 " (hit rate %.1f%%); idle %u\n",
		s->nb_ready, s->cfg.max_conns, s->cfg.warm_conns, s->cfg.grow_step,
		s->ctl.reused,
		s->ctl.admitted != 0 ?
			100.0 * (double)s->ctl.reused / (double)s->ctl.admitted : 0.0,
		idle);
	if (s->ctl.grow_failed != 0)
		fprintf(f, "dipc-server: attempts to add slots that failed %" PRIu64 "\n",
			s->ctl.grow_failed);
	if (s->slow_passes != 0)
		fprintf(f, "dipc-server: control passes over half a heartbeat period %" PRIu64
			   " (the log says which phase)\n", s->slow_passes);
	fprintf(f, "dipc-server: connections moved between workers %" PRIu64 "\n",
		s->ctl.moved);
	fprintf(f, "dipc-server: clients found not reading their responses %" PRIu64
		   ", disconnected by policy %" PRIu64 "\n",
		s->ctl.stalled, s->ctl.stall_closed);
	fprintf(f, "dipc-server: refused: version %" PRIu64 ", token %" PRIu64
		   ", shutting down %" PRIu64 ", no free slot %" PRIu64 ", forged pid %" PRIu64
		   ", uid/gid not allowed %" PRIu64 ", bad handshake %" PRIu64 "\n",
		s->ctl.refused_version, s->ctl.refused_token, s->ctl.refused_shutdown,
		s->ctl.refused_full, s->ctl.refused_pid, s->ctl.refused_uid,
		s->ctl.refused_proto);
	fprintf(f, "dipc-server: mbufs given back by clients %" PRIu64
		   ", taken back from closed connections %" PRIu64 "\n",
		back, s->ctl.reclaimed_mbufs);
	fprintf(f, "dipc-server: messages rx %" PRIu64 ", tx %" PRIu64
		   ", invalid %" PRIu64 ", response-ring-full %" PRIu64 "\n",
		rx, tx, invalid, full);
	for (i = 0; i < s->nb_workers; i++)
		fprintf(f, "dipc-server: worker %u (lcore %u): polls %" PRIu64 ", busy %" PRIu64
			   ", idle sleeps %" PRIu64 "\n",
			i, s->workers[i].lcore, s->workers[i].st.polls,
			s->workers[i].st.busy_polls, s->workers[i].st.idle_sleeps);
#ifdef DIPC_WORKER_CYCLES
	dump_cycles(f, s);
#endif
	dump_rejects(f, s);
	dump_connections(f, s);
	for (i = 0; i < DIPC_TRANSPORT_MAX; i++)
		if (server_transports[i]->dump != NULL)
			server_transports[i]->dump(f, s);
	/* Before the pool lines, which readers take as the report's end. */
	if (s->report != NULL)
		s->report(f, s->report_arg);
	/* One line per class, class 0 last (tools read it as the end of a
	 * report). With one class, "lent" is the slots' own count; with more,
	 * each class's is read from its owner table (a snapshot while workers
	 * run). */
	for (c = s->nb_classes; c-- > 0;) {
		const struct dipc_ring_owner_map *pm = &s->maps[c];

		if (s->nb_classes > 1)
			lent = dipc_ring_owner_lent(pm);
		fprintf(f, "dipc-server: pool %s: %u of %u mbufs free, %" PRIu64
			   " lent to open connections (data room %u)\n", pm->pool->name,
			rte_mempool_avail_count(pm->pool), pm->pool->size, lent,
			(unsigned int)pm->buf_len);
	}
}

void
dipc_server_close(struct dipc_server *s)
{
	unsigned int i;

	if (s == NULL)
		return;
	dipc_capture_fini(s);
	if (s->pdump) {
		rte_pdump_uninit();
		s->pdump = 0;
	}
	server_admit_close(s);
	for (i = 0; s->slots != NULL && i < s->cfg.max_conns; i++) {
		if (s->slots[i].pidfd >= 0)
			close(s->slots[i].pidfd);
		if (s->slots[i].sock >= 0)
			close(s->slots[i].sock);
		s->slots[i].pidfd = -1;
		s->slots[i].sock = -1;
	}
}

void
dipc_server_free(struct dipc_server *s)
{
	unsigned int i, open = 0;

	if (s == NULL)
		return;
	dipc_server_close(s);
	/* A client still attached maps the shared objects: freeing them would
	 * unmap its pages under it (EAL syncs frees to secondaries), and it
	 * would crash instead of seeing a stopped server. Leave them; they go
	 * with the hugepage files once the last process detaches. */
	for (i = 0; s->slots != NULL && i < s->cfg.max_conns; i++)
		if (s->slots[i].state != SLOT_FREE)
			open++;
	if (open != 0)
		SERVER_LOG(WARNING, "leaving the shared memory in place for %u client(s) still "
				    "connected", open);
	if (s->slots != NULL)
		for (i = 0; i < DIPC_TRANSPORT_MAX; i++)
			server_transports[i]->teardown(s, open == 0);
	for (i = 0; i < SERVER_NB_MAPS; i++) {
		struct rte_mempool *mp = s->maps[i].pool;

		dipc_ring_owner_map_free(&s->maps[i]);
		s->maps[i].pool = mp; /* freed below, with the memory */
	}
	server_free(s->qsbr);
	if (s->epfd >= 0)
		close(s->epfd);
	server_free(s->control_scratch);
	if (s->workers != NULL) {
		for (i = 0; i < s->nb_workers; i++) {
			server_free(s->workers[i].scratch);
			server_free(s->workers[i].slots);
			server_free(s->workers[i].msgs);
			server_free(s->workers[i].chains);
		}
		server_free(s->workers);
	}
	if (open == 0) {
		for (i = 1; i < DIPC_MAX_CLASSES; i++)
			rte_mempool_free(s->maps[i].pool);
		rte_mempool_free(s->pool);
		rte_memzone_free(s->stats_mz);
		rte_memzone_free(s->mz);
	}
	server_free(s->slots);
	server_free(s);
}
