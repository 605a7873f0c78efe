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
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "server_private.h"

RTE_LOG_REGISTER(dipc_server_logtype, dipc.lib.server, NOTICE);

/* Echo: the request becomes its own response, body untouched (zero copy). */
static int
echo_handler(struct rte_mbuf *m, void *arg __rte_unused)
{
	dipc_msg_hdr(m)->flags = DIPC_MSG_F_RESPONSE;
	return DIPC_HANDLER_RESPOND;
}

/* Sink: one-way requests are dropped; a caller that asked for an answer
 * gets an empty OK so its call does not hang. */
static int
sink_handler(struct rte_mbuf *m, void *arg __rte_unused)
{
	struct dipc_msg_hdr *h = dipc_msg_hdr(m);

	if (h->flags & DIPC_MSG_F_ONEWAY)
		return DIPC_HANDLER_DROP;
	h->flags = DIPC_MSG_F_RESPONSE;
	h->body_len = 0;
	m->data_len = DIPC_MSG_HDR_LEN;
	m->pkt_len = DIPC_MSG_HDR_LEN;
	return DIPC_HANDLER_RESPOND;
}

static int
create_workers(struct dipc_server *s)
{
	unsigned int lcore, n = 0, max = s->cfg.workers;
	char name[RTE_RING_NAMESIZE];

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
	s->workers = rte_zmalloc("dipc_workers", n * sizeof(*s->workers), RTE_CACHE_LINE_SIZE);
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
		w->slots = rte_zmalloc_socket("dipc_worker_slots",
					      s->cfg.max_conns * sizeof(uint32_t), 0, w->socket);
		snprintf(name, sizeof(name), "dipc_wcmd_%u", n);
		/* Each slot has at most an ADD and a REMOVE in flight. */
		w->cmd = rte_ring_create_elem(name, sizeof(uint32_t),
					      rte_align32pow2(2 * s->cfg.max_conns + 1), w->socket,
					      RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->slots == NULL || w->cmd == NULL)
			return -ENOMEM;
		n++;
	}
	return 0;
}

static int
create_slots(struct dipc_server *s)
{
	uint32_t i;
	int ret;

	s->slots = rte_zmalloc("dipc_slots", s->cfg.max_conns * sizeof(*s->slots),
			       RTE_CACHE_LINE_SIZE);
	if (s->slots == NULL)
		return -ENOMEM;
	for (i = 0; i < s->cfg.max_conns; i++) {
		struct server_slot *ss = &s->slots[i];

		/* Slots are spread over workers' sockets, so a connection can be
		 * given to a worker that sits next to its rings. */
		ss->socket = s->workers[i % s->nb_workers].socket;
		ss->conn = &s->shm->conns[i];
		ret = dipc_ring_conn_create(i, s->cfg.ring_size, ss->socket, &ss->req, &ss->rsp);
		if (ret != 0)
			return ret;
		ss->pending = rte_zmalloc_socket("dipc_pending",
						 s->cfg.burst * sizeof(struct rte_mbuf *), 0,
						 ss->socket);
		if (ss->pending == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void
map_bounds(struct rte_mempool *mp __rte_unused, void *arg, void *obj,
	   unsigned int idx __rte_unused)
{
	struct server_pool_map *pm = arg;
	uintptr_t a = (uintptr_t)obj;

	if (pm->base == 0 || a < pm->base)
		pm->base = a;
	if (a + RTE_CACHE_LINE_SIZE > pm->span)
		pm->span = a + RTE_CACHE_LINE_SIZE; /* an end address until fixed up */
}

static void
map_mark(struct rte_mempool *mp __rte_unused, void *arg, void *obj,
	 unsigned int idx __rte_unused)
{
	struct server_pool_map *pm = arg;
	size_t word;
	uint64_t bit = server_map_bit(pm, obj, &word);

	pm->objects[word] |= bit;
}

static uint64_t *
map_bitmap(const struct server_pool_map *pm, int socket)
{
	return rte_zmalloc_socket("dipc_pool_map", pm->nb_words * sizeof(uint64_t),
				  RTE_CACHE_LINE_SIZE, socket);
}

/* Build the map of the pool's objects, and the per-worker and control
 * bitmaps and drain arrays that go with it. */
static int
create_pool_map(struct dipc_server *s, int socket)
{
	struct server_pool_map *pm = &s->pool_map;
	unsigned int i;

	pm->pool = s->pool;
	pm->buf_offset = sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(s->pool);
	pm->buf_len = rte_pktmbuf_data_room_size(s->pool);
	rte_mempool_obj_iter(s->pool, map_bounds, pm);
	pm->span -= pm->base;
	pm->nb_words = pm->span / RTE_CACHE_LINE_SIZE / 64 + 1;
	pm->objects = map_bitmap(pm, socket);
	s->control_seen = map_bitmap(pm, socket);
	s->control_scratch = rte_zmalloc_socket("dipc_scratch",
						s->cfg.ring_size * sizeof(struct rte_mbuf *), 0,
						socket);
	if (pm->objects == NULL || s->control_seen == NULL || s->control_scratch == NULL)
		return -ENOMEM;
	rte_mempool_obj_iter(s->pool, map_mark, pm);
	for (i = 0; i < s->nb_workers; i++) {
		struct server_worker *w = &s->workers[i];

		w->held = map_bitmap(pm, w->socket);
		w->scratch = rte_zmalloc_socket("dipc_scratch",
						s->cfg.ring_size * sizeof(struct rte_mbuf *), 0,
						w->socket);
		if (w->held == NULL || w->scratch == NULL)
			return -ENOMEM;
	}
	return 0;
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
	if (cfg->burst > SERVER_MAX_BURST) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (rte_memzone_lookup(DIPC_SHM_MZ_NAME) != NULL) {
		SERVER_LOG(ERR, "memzone %s already exists", DIPC_SHM_MZ_NAME);
		rte_errno = EEXIST;
		return NULL;
	}
	s = rte_zmalloc("dipc_server", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->cfg = *cfg;
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
	s->shm->ring_size = cfg->ring_size;
	s->shm->nb_workers = s->nb_workers;
	s->shm->pool_size = cfg->pool_size;
	s->shm->data_room = cfg->data_room;

	s->pool = rte_pktmbuf_pool_create(DIPC_POOL_NAME, cfg->pool_size, cfg->pool_cache, 0,
					  (uint16_t)cfg->data_room, socket);
	if (s->pool == NULL) {
		ret = -rte_errno;
		SERVER_LOG(ERR, "cannot create mbuf pool %s (%u mbufs of %u bytes): %s%s",
			   DIPC_POOL_NAME, cfg->pool_size, cfg->data_room,
			   rte_strerror(rte_errno),
			   rte_errno == ENOMEM ? " (not enough free hugepage memory: see "
						 "dpdk-hugepages.py -s, or lower mbufs/data_room)" : "");
		goto fail;
	}
	ret = create_pool_map(s, socket);
	if (ret != 0)
		goto fail;
	ret = create_slots(s);
	if (ret != 0)
		goto fail;

	dipc_server_register(s, DIPC_METHOD_ECHO, echo_handler, NULL);
	dipc_server_register(s, DIPC_METHOD_SINK, sink_handler, NULL);
	return s;
fail:
	dipc_server_free(s);
	rte_errno = ret < 0 ? -ret : ENOMEM;
	return NULL;
}

int
dipc_server_register(struct dipc_server *s, uint16_t method, dipc_server_handler_t fn, void *arg)
{
	if (method == 0 || method > DIPC_SERVER_MAX_METHOD)
		return -EINVAL;
	if (s->running)
		return -EBUSY;
	s->methods[method].fn = fn;
	s->methods[method].arg = arg;
	return 0;
}

void
dipc_server_stop(struct dipc_server *s)
{
	s->stop_requested = 1;
}

static int
send_worker_cmd(struct server_worker *w, uint32_t cmd)
{
	return rte_ring_sp_enqueue_elem(w->cmd, &cmd, sizeof(cmd));
}

/* The least loaded worker on the slot's socket, else the least loaded one. */
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
			if (best == NULL || w->nb_assigned < best->nb_assigned)
				best = w;
		}
	}
	return best;
}

static void
refuse(struct dipc_server *s, struct dipc_shm_conn *conn, int reason)
{
	conn->refuse_reason = reason;
	s->shm->control.refused++;
	dipc_shm_store_state(&conn->state, DIPC_CONN_REFUSED);
}

static void
admit(struct dipc_server *s, uint32_t slot, int stopping)
{
	struct server_slot *ss = &s->slots[slot];
	struct dipc_shm_conn *conn = ss->conn;
	struct server_worker *w;

	if (stopping) {
		refuse(s, conn, -ESHUTDOWN);
		return;
	}
	if (conn->client_version < s->shm->msg_version_min ||
	    conn->client_version > s->shm->msg_version_max) {
		SERVER_LOG(NOTICE, "refused pid %d on slot %u: protocol version %u, served %u..%u",
			   conn->client_pid, slot, conn->client_version,
			   s->shm->msg_version_min, s->shm->msg_version_max);
		refuse(s, conn, -EPROTONOSUPPORT);
		return;
	}
	w = pick_worker(s, ss);
	/* The rings were drained when the slot was last closed, but a client
	 * that kept sending after its close left mbufs there: return them,
	 * then rewind the indices so a reused slot starts like a new one. */
	server_drain_untrusted(&s->pool_map, ss->req, s->control_seen, s->control_scratch);
	server_drain_untrusted(&s->pool_map, ss->rsp, s->control_seen, s->control_scratch);
	rte_ring_reset(ss->req);
	rte_ring_reset(ss->rsp);
	ss->nb_pending = 0;
	memset(&conn->server, 0, sizeof(conn->server));
	memset(&conn->client, 0, sizeof(conn->client));
	ss->worker = w->index;
	ss->client_pid = conn->client_pid;
	conn->worker = (uint16_t)w->index;
	ss->detached = 0;
	conn->generation++;
	if (send_worker_cmd(w, WORKER_CMD(WORKER_CMD_ADD, slot)) != 0) {
		/* Cannot happen: the ring holds two commands per slot. */
		refuse(s, conn, -EBUSY);
		return;
	}
	w->nb_assigned++;
	ss->state = SLOT_ACTIVE;
	s->shm->control.admitted++;
	dipc_shm_store_state(&conn->state, DIPC_CONN_ACTIVE);
	SERVER_LOG(INFO, "admitted pid %d on slot %u, worker %u (lcore %u)", conn->client_pid,
		   slot, w->index, w->lcore);
}

/* Start closing an admitted slot: its worker lets go first. */
static void
begin_close(struct dipc_server *s, uint32_t slot, int workers_stopped)
{
	struct server_slot *ss = &s->slots[slot];

	if (!workers_stopped &&
	    send_worker_cmd(&s->workers[ss->worker], WORKER_CMD(WORKER_CMD_REMOVE, slot)) != 0)
		return; /* cannot happen (room for two commands per slot); retry */
	ss->state = SLOT_CLOSING;
}

/* Finish closing once the worker let go: drain what the client will never
 * read and hand the slot back. */
static void
finish_close(struct dipc_server *s, uint32_t slot, int workers_stopped)
{
	struct server_slot *ss = &s->slots[slot];
	struct dipc_shm_conn *conn = ss->conn;

	if (!workers_stopped && !__atomic_load_n(&ss->detached, __ATOMIC_ACQUIRE))
		return;
	if (workers_stopped && !__atomic_load_n(&ss->detached, __ATOMIC_ACQUIRE)) {
		/* Workers are gone: do their part of the clean-up. Pending
		 * responses are unique (the worker checked them in). */
		server_drain_untrusted(&s->pool_map, ss->req, s->control_seen,
				       s->control_scratch);
		rte_pktmbuf_free_bulk(ss->pending, ss->nb_pending);
		ss->nb_pending = 0;
	}
	server_drain_untrusted(&s->pool_map, ss->rsp, s->control_seen, s->control_scratch);
	s->closed.rx_msgs += conn->server.rx_msgs;
	s->closed.tx_msgs += conn->server.tx_msgs;
	s->closed.invalid_msgs += conn->server.invalid_msgs;
	s->closed.rsp_full += conn->server.rsp_full;
	s->workers[ss->worker].nb_assigned--;
	s->shm->control.closed++;
	SERVER_LOG(INFO, "closed slot %u of pid %d", slot, ss->client_pid);
	ss->state = SLOT_FREE;
	conn->client_pid = 0;
	dipc_shm_store_state(&conn->state, DIPC_CONN_FREE);
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
	unsigned int i, in_use = 0;

	*busy = 0;
	for (i = 0; i < s->cfg.max_conns; i++) {
		struct server_slot *ss = &s->slots[i];
		uint32_t shared = dipc_shm_load_state(&ss->conn->state);

		switch (ss->state) {
		case SLOT_FREE:
			if (shared == DIPC_CONN_REQUESTED) {
				admit(s, i, stopping);
				*busy = 1;
			} else if (shared == DIPC_CONN_CLAIMING || shared == DIPC_CONN_REFUSED) {
				*busy = 1; /* a client is mid-way: leave it be */
			} else if (shared != DIPC_CONN_FREE) {
				/* Never admitted here: nobody may claim it is. */
				s->bad_slot_state++;
				dipc_shm_store_state(&ss->conn->state, DIPC_CONN_FREE);
			}
			break;
		case SLOT_ACTIVE:
			if (shared == DIPC_CONN_ACTIVE) {
				/* After shutdown a client that died will never close. */
				if (workers_stopped && kill(ss->client_pid, 0) != 0 &&
				    errno == ESRCH)
					begin_close(s, i, workers_stopped);
				break;
			}
			if (shared != DIPC_CONN_CLOSE_REQ)
				s->bad_slot_state++;
			begin_close(s, i, workers_stopped);
			*busy = 1;
			break;
		case SLOT_CLOSING:
			finish_close(s, i, workers_stopped);
			*busy = 1;
			break;
		}
		if (ss->state != SLOT_FREE || dipc_shm_load_state(&ss->conn->state) != DIPC_CONN_FREE)
			in_use++;
	}
	return in_use;
}

static int
requests_pending(const struct dipc_server *s)
{
	unsigned int i;

	for (i = 0; i < s->cfg.max_conns; i++) {
		const struct server_slot *ss = &s->slots[i];

		if (ss->state == SLOT_ACTIVE &&
		    (rte_ring_count(ss->req) != 0 || ss->nb_pending != 0))
			return 1;
	}
	return 0;
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
		quiet = busy ? 0 : quiet + 1;
		rte_delay_us_sleep(quiet < fast_passes ? s->cfg.control_poll_us :
							 s->cfg.control_idle_poll_us);
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
	/* A client may have written into the rings of a free slot (after its
	 * close): take back what is there, so the pool count is exact. */
	for (i = 0; i < s->cfg.max_conns; i++) {
		if (s->slots[i].state != SLOT_FREE)
			continue;
		server_drain_untrusted(&s->pool_map, s->slots[i].req, s->control_seen,
				       s->control_scratch);
		server_drain_untrusted(&s->pool_map, s->slots[i].rsp, s->control_seen,
				       s->control_scratch);
	}
	s->running = 0;
	return 0;
}

unsigned int
dipc_server_mbufs_in_use(const struct dipc_server *s)
{
	return s->pool->size - rte_mempool_avail_count(s->pool);
}

/* Rejected messages by reason, summed over workers; only reasons seen. */
static void
dump_rejects(FILE *f, const struct dipc_server *s)
{
	static const char *const drop_names[SERVER_DROP_MAX] = {
		[SERVER_DROP_NOT_MBUF] = "not an mbuf of the dipc pool (not touched)",
		[SERVER_DROP_DUPLICATE] = "same mbuf twice (second one not touched)",
	};
	uint64_t n;
	unsigned int r, i;

	for (r = 1; r < DIPC_STATUS_MAX; r++) {
		for (n = 0, i = 0; i < s->nb_workers; i++)
			n += s->workers[i].invalid[r];
		if (n != 0)
			fprintf(f, "dipc-server: rejected %" PRIu64 ": %s (answered)\n", n,
				dipc_msg_status_str(r));
	}
	for (r = 0; r < SERVER_DROP_MAX; r++) {
		for (n = 0, i = 0; i < s->nb_workers; i++)
			n += s->workers[i].dropped[r];
		if (n != 0)
			fprintf(f, "dipc-server: rejected %" PRIu64 ": %s\n", n, drop_names[r]);
	}
	if (s->bad_slot_state != 0)
		fprintf(f, "dipc-server: slot states corrupted by clients: %" PRIu64 "\n",
			s->bad_slot_state);
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
	unsigned int i;

	for (i = 0; i < s->cfg.max_conns; i++) {
		const struct dipc_shm_conn *conn = s->slots[i].conn;

		if (dipc_shm_load_state(&conn->state) != DIPC_CONN_ACTIVE)
			continue;
		rx += conn->server.rx_msgs;
		tx += conn->server.tx_msgs;
		invalid += conn->server.invalid_msgs;
		full += conn->server.rsp_full;
	}
	fprintf(f, "dipc-server: connections admitted %" PRIu64 ", refused %" PRIu64
		   ", closed %" PRIu64 "\n",
		s->shm->control.admitted, s->shm->control.refused, s->shm->control.closed);
	fprintf(f, "dipc-server: messages rx %" PRIu64 ", tx %" PRIu64
		   ", invalid %" PRIu64 ", response-ring-full %" PRIu64 "\n",
		rx, tx, invalid, full);
	for (i = 0; i < s->nb_workers; i++)
		fprintf(f, "dipc-server: worker %u (lcore %u): polls %" PRIu64 ", busy %" PRIu64
			   ", idle sleeps %" PRIu64 "\n",
			i, s->workers[i].lcore, s->workers[i].polls, s->workers[i].busy_polls,
			s->workers[i].idle_sleeps);
	dump_rejects(f, s);
	fprintf(f, "dipc-server: pool %s: %u of %u mbufs free\n", s->pool->name,
		rte_mempool_avail_count(s->pool), s->pool->size);
}

void
dipc_server_free(struct dipc_server *s)
{
	unsigned int i;

	if (s == NULL)
		return;
	if (s->slots != NULL) {
		for (i = 0; i < s->cfg.max_conns; i++) {
			rte_free(s->slots[i].pending);
			rte_ring_free(s->slots[i].req);
			rte_ring_free(s->slots[i].rsp);
		}
		rte_free(s->slots);
	}
	rte_free(s->pool_map.objects);
	rte_free(s->control_seen);
	rte_free(s->control_scratch);
	if (s->workers != NULL) {
		for (i = 0; i < s->nb_workers; i++) {
			rte_free(s->workers[i].held);
			rte_free(s->workers[i].scratch);
			rte_free(s->workers[i].slots);
			rte_ring_free(s->workers[i].cmd);
		}
		rte_free(s->workers);
	}
	rte_mempool_free(s->pool);
	rte_memzone_free(s->mz);
	rte_free(s);
}
