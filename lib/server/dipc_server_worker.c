/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll the connections it owns, validate, dispatch,
 * respond. Everything here runs per message or per poll, so it allocates
 * nothing, makes no system call (outside the idle back-off) and takes no
 * lock; every object it touches was allocated by dipc_server_create().
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "dipc_capture.h"
#include "server_private.h"

/*
 * Lend mbufs to the client so it can send requests: up to the slot's
 * target, taking first from @spare (mbufs the server holds and no longer
 * needs, repaired), then from the pool. Returns how many of @spare it used.
 */
static unsigned int
lend(const struct server_pool_map *pm, struct server_slot *ss, uint32_t slot,
     struct rte_mbuf **spare, unsigned int nb_spare, struct rte_mbuf **scratch)
{
	const uint16_t owner = OWNER_SLOT(slot);
	unsigned int want, n, from_pool, sent, i;

	if (ss->lent >= ss->lend_target)
		return 0;
	want = RTE_MIN(ss->lend_target - ss->lent, rte_ring_free_count(ss->rings.alloc));
	want = RTE_MIN(want, (unsigned int)SERVER_MAX_BURST);
	n = RTE_MIN(want, nb_spare);
	for (i = 0; i < n; i++)
		scratch[i] = spare[i];
	from_pool = want - n;
	if (from_pool != 0 &&
	    rte_mempool_get_bulk(pm->pool, (void **)(scratch + n), from_pool) == 0)
		n += from_pool;
	if (n == 0)
		return 0;
	/* Before the enqueue: once in the ring, the client may send it back,
	 * though only this lcore will ever look. */
	for (i = 0; i < n; i++) {
		rte_pktmbuf_reset(scratch[i]);
		server_lend(pm, scratch[i], owner);
	}
	sent = rte_ring_sp_enqueue_burst(ss->rings.alloc, (void **)scratch, n, NULL);
	for (i = sent; i < n; i++)
		server_lend(pm, scratch[i], OWNER_SERVER);
	if (sent < n)
		rte_mempool_put_bulk(pm->pool, (void **)(scratch + sent), n - sent);
	ss->lent += sent;
	return RTE_MIN(nb_spare, sent);
}

/*
 * Take back what the client gave back on its free ring (it keeps a bounded
 * stash of free mbufs and returns the excess), put it in the pool, and aim
 * to lend the client no more than it now holds.
 */
static void
take_returns(const struct server_pool_map *pm, struct server_worker *w,
	     struct server_slot *ss, uint32_t slot)
{
	struct rte_mbuf *m[SERVER_MAX_BURST];
	unsigned int n, i, k = 0, given = 0;
	int ret;

	n = rte_ring_sc_dequeue_burst(ss->rings.free, (void **)m, RTE_DIM(m), NULL);
	for (i = 0; i < n; i++) {
		const struct server_pool_map *mp = pm;

		ret = server_take(pm, m[i], OWNER_SLOT(slot));
		/* A larger class's mbuf the client keeps no more. */
		if (ret == 1 + SERVER_DROP_NOT_MBUF && w->s->nb_classes > 1)
			ret = server_take_any(w->s, m[i], OWNER_SLOT(slot), &mp);
		if (ret != 0) {
			w->stats->dropped[ret - 1]++;
			continue;
		}
		if (!server_mbuf_fields_ok(mp, m[i]))
			server_mbuf_repair(mp, m[i]);
		m[i]->next = NULL;
		given++;
		if (mp != pm) {
			rte_mempool_put(mp->pool, m[i]);
			continue;
		}
		m[k++] = m[i];
	}
	ss->lent -= given;
	ss->conn->server.given_back += given;
	ss->lend_target = RTE_MAX(ss->lent, (uint32_t)SERVER_INITIAL_LEND);
	if (k != 0)
		rte_mempool_put_bulk(pm->pool, (void **)m, k);
}

/*
 * The client asked for mbufs of larger classes (class_want[] moved on):
 * lend what it asked, within its window, on the alloc ring. Returns 1 if
 * any class was asked for (the request was for those, not class 0).
 */
static int __rte_noinline
lend_classes(struct dipc_server *s, struct server_worker *w, struct server_slot *ss,
	     uint32_t slot)
{
	struct dipc_shm_conn *conn = ss->conn;
	struct rte_mbuf **m = w->scratch;
	unsigned int k, i, n, sent;
	uint32_t want, asked;
	int any = 0, short_of = 0;

	/* Pairs with the client's release on lend_want: the counts it wrote
	 * before ringing are visible. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (k = 1; k < s->nb_classes; k++) {
		/* Read once: the client may write it again meanwhile. */
		want = __atomic_load_n(&conn->client.class_want[k], __ATOMIC_RELAXED);
		asked = want - ss->class_want_seen[k];
		ss->class_want_seen[k] = want;
		if (asked == 0)
			continue;
		any = 1;
		n = ss->lent < ss->lend_cap ? ss->lend_cap - ss->lent : 0;
		n = RTE_MIN(n, asked);
		n = RTE_MIN(n, rte_ring_free_count(ss->rings.alloc));
		n = RTE_MIN(n, (unsigned int)SERVER_MAX_BURST);
		while (n != 0 && rte_mempool_get_bulk(s->maps[k].pool, (void **)m, n) != 0)
			n /= 2;
		for (i = 0; i < n; i++) {
			rte_pktmbuf_reset(m[i]);
			server_lend(&s->maps[k], m[i], OWNER_SLOT(slot));
		}
		sent = rte_ring_sp_enqueue_burst(ss->rings.alloc, (void **)m, n, NULL);
		for (i = sent; i < n; i++)
			server_lend(&s->maps[k], m[i], OWNER_SERVER);
		if (sent < n)
			rte_mempool_put_bulk(s->maps[k].pool, (void **)(m + sent), n - sent);
		ss->lent += sent;
		if (sent < asked)
			short_of = 1;
	}
	/* Not all of it: tell the client not to wait for the rest. */
	if (short_of)
		__atomic_store_n(&conn->server.lend_refused, conn->server.lend_refused + 1,
				 __ATOMIC_RELEASE);
	return any;
}

/* Validate the header and dispatch one request whose mbuf is known good.
 * Returns DIPC_HANDLER_RESPOND if @m is now a response to send,
 * DIPC_HANDLER_DROP if it is to be freed, DIPC_HANDLER_CONSUMED if the
 * handler took it, or a negated enum dipc_status to answer with. */
static __rte_always_inline int
handle_request(struct dipc_server *s, struct rte_mbuf **mp, int *plain)
{
	struct rte_mbuf *m = *mp;
	enum dipc_status status = dipc_msg_validate_request(m);
	struct dipc_msg_hdr *h;
	const struct server_method *sm;
	uint8_t req_flags;
	int ret;

	if (likely(status == DIPC_STATUS_OK)) {
		h = dipc_msg_hdr(m);
		sm = h->method <= DIPC_SERVER_MAX_METHOD ? &s->methods[h->method] : NULL;
		if (likely(sm != NULL && sm->fn != NULL)) {
			ret = sm->fn(m, sm->arg);
			if (likely(ret == DIPC_HANDLER_RESPOND))
				return h->flags & DIPC_MSG_F_ONEWAY ? DIPC_HANDLER_DROP :
								      DIPC_HANDLER_RESPOND;
			if (ret == DIPC_HANDLER_CONSUMED || ret == DIPC_HANDLER_DROP)
				return ret;
			status = ret < 0 && -ret < DIPC_STATUS_MAX ? (enum dipc_status)-ret :
								     DIPC_STATUS_UNKNOWN_METHOD;
		} else if (sm != NULL && sm->fn_ex != NULL) {
			/* It may answer with another message (any class, a chain). */
			req_flags = h->flags;
			*plain = 0;
			ret = sm->fn_ex(s, mp, sm->arg);
			if (ret == DIPC_HANDLER_RESPOND)
				return req_flags & DIPC_MSG_F_ONEWAY ? DIPC_HANDLER_DROP :
								       DIPC_HANDLER_RESPOND;
			if (ret == DIPC_HANDLER_CONSUMED || ret == DIPC_HANDLER_DROP)
				return ret;
			status = ret < 0 && -ret < DIPC_STATUS_MAX ? (enum dipc_status)-ret :
								     DIPC_STATUS_UNKNOWN_METHOD;
		} else {
			status = DIPC_STATUS_UNKNOWN_METHOD;
		}
	}
	return -(int)status;
}

/* Metadata of one segment of a chain that the server will read or free:
 * ours (pool, buffer), alone (refcnt 1), its data inside its buffer. */
static inline int
seg_fields_ok(const struct server_pool_map *pm, const struct rte_mbuf *m)
{
	return m->buf_addr == (const char *)m + pm->buf_offset && m->buf_len == pm->buf_len &&
	       m->pool == pm->pool && rte_mbuf_refcnt_read(m) == 1 &&
	       (uint32_t)m->data_off + m->data_len <= pm->buf_len;
}

/*
 * The head @m (already taken, of map @hpm) says it starts a chain: take
 * every further segment, each with server_take() (an object of some class,
 * lent to this connection), check its metadata, and check the walk against
 * nb_segs and pkt_len, at most DIPC_MSG_MAX_SEGS segments. A loop comes
 * back to a segment already taken (no longer lent: refused). On any
 * failure the chain is dropped whole: the segments taken after the head go
 * back to their pools repaired, the segment that failed and whatever
 * follows it are not touched (still lent, or not ours), and the head,
 * repaired, answers DIPC_STATUS_BAD_MBUF (so a caller waiting on it learns
 * why). *taken counts what was taken back. Returns 0 if the chain is good,
 * -DIPC_STATUS_BAD_MBUF if dropped.
 */
static int __rte_noinline
admit_chain(struct dipc_server *s, struct server_worker *w, const struct server_pool_map *hpm,
	    struct rte_mbuf *m, uint16_t owner, unsigned int *taken)
{
	struct rte_mbuf *seg[DIPC_MSG_MAX_SEGS];
	const struct server_pool_map *map[DIPC_MSG_MAX_SEGS];
	const struct server_pool_map *pm;
	struct rte_mbuf *next;
	uint32_t nb_segs = m->nb_segs, pkt_len = m->pkt_len;
	uint64_t sum;
	unsigned int n = 1, i;
	int ok;

	seg[0] = m;
	map[0] = hpm;
	ok = nb_segs >= 2 && nb_segs <= DIPC_MSG_MAX_SEGS && seg_fields_ok(hpm, m);
	sum = m->data_len;
	next = ok ? m->next : NULL;
	while (ok && next != NULL) {
		if (n == nb_segs || server_take_any(s, next, owner, &pm) != 0) {
			ok = 0; /* longer than it says, or not ours: not touched */
			break;
		}
		seg[n] = next;
		map[n] = pm;
		n++;
		if (!seg_fields_ok(pm, next)) {
			ok = 0;
			break;
		}
		sum += next->data_len;
		next = next->next;
	}
	*taken = n;
	if (likely(ok && n == nb_segs && sum == pkt_len && m->data_len >= DIPC_MSG_HDR_LEN)) {
		/* Good: every segment is ours; the last one ends the chain. */
		for (i = 1; i < n; i++)
			seg[i]->nb_segs = 1;
		return 0;
	}
	w->stats->dropped[SERVER_DROP_BAD_CHAIN]++;
	s->slots[owner - 1].conn->server.bad_chains++;
	/* The body is dropped; the head, ours, carries the answer. */
	for (i = 1; i < n; i++) {
		server_mbuf_repair(map[i], seg[i]);
		rte_mempool_put(map[i]->pool, seg[i]);
	}
	server_mbuf_repair(hpm, m);
	return -DIPC_STATUS_BAD_MBUF;
}

/* Take a head of a larger class, or a chain: the slow path of admit_mbuf(). */
static int __rte_noinline
admit_other(struct dipc_server *s, struct server_worker *w, struct rte_mbuf *m, uint16_t owner,
	    int ret, unsigned int *taken)
{
	const struct server_pool_map *pm = &s->maps[0];

	*taken = 0;
	if (ret == 1 + SERVER_DROP_NOT_MBUF && s->nb_classes > 1)
		ret = server_take_any(s, m, owner, &pm);
	if (ret != 0) {
		w->stats->dropped[ret - 1]++;
		return 1;
	}
	*taken = 1;
	if (m->nb_segs > 1)
		return admit_chain(s, w, pm, m, owner, taken);
	if (unlikely(!server_mbuf_fields_ok(pm, m))) {
		server_mbuf_repair(pm, m);
		return -DIPC_STATUS_BAD_MBUF;
	}
	return 0;
}

/*
 * Check what a client put in its ring before touching it: the pointer must
 * be an mbuf of a pool lent to this connection (checked on the pool map
 * and the owner table, without a dereference), and its metadata must be
 * intact; a chain's every segment too. Returns 0 to handle it, a negated
 * status to answer with (the mbuf is ours and repaired; a bad chain's
 * head), or 1 to skip it (not ours to touch). *taken is the number of
 * mbufs taken back from the client; *plain is 1 for one segment of class 0.
 */
static __rte_always_inline int
admit_mbuf(struct dipc_server *s, struct server_worker *w, const struct server_pool_map *pm,
	   struct rte_mbuf *m, uint16_t owner, unsigned int *taken, int *plain)
{
	int ret = server_take(pm, m, owner);

	if (likely(ret == 0)) {
		*taken = 1;
		if (likely(server_mbuf_fields_ok(pm, m)))
			return 0;
		if (m->nb_segs <= 1) {
			server_mbuf_repair(pm, m);
			return -DIPC_STATUS_BAD_MBUF;
		}
	}
	*plain = 0;
	return admit_other(s, w, m, owner, ret, taken);
}

/* Send responses of any class or chains: every segment is lent before the
 * enqueue (once in the ring, the client may rewrite next), and taken back
 * for those the ring had no room for. Returns how many were sent. */
static unsigned int __rte_noinline
respond_any(struct dipc_server *s, struct server_slot *ss, uint16_t owner, struct rte_mbuf **m,
	    unsigned int n)
{
	unsigned int sent, i, segs = 0;

	for (i = 0; i < n; i++)
		segs += server_lend_msg(s, m[i], owner);
	sent = dipc_ring_tx_burst(ss->rings.rsp, m, n);
	for (i = sent; i < n; i++)
		segs -= server_lend_msg(s, m[i], OWNER_SERVER);
	ss->lent += segs;
	ss->conn->server.tx_msgs += sent;
	return sent;
}

/* Send responses; what the ring has no room for waits in ss->pending.
 * All of class 0, one segment each (@plain), or respond_any().
 * Returns how many were sent. */
static __rte_always_inline unsigned int
respond(struct dipc_server *s, struct server_slot *ss, uint16_t owner, struct rte_mbuf **m,
	unsigned int n, int plain)
{
	const struct server_pool_map *pm = &s->maps[0];
	unsigned int sent, i;

	if (unlikely(!plain))
		return respond_any(s, ss, owner, m, n);
	sent = dipc_ring_tx_burst(ss->rings.rsp, m, n);
	/* After the enqueue is fine: only this lcore takes from the slot. */
	for (i = 0; i < sent; i++)
		server_lend(pm, m[i], owner);
	ss->lent += sent;
	ss->conn->server.tx_msgs += sent;
	return sent;
}

/* Poll one connection: a burst in, a burst out. Returns messages handled. */
static __rte_always_inline unsigned int
poll_slot(struct dipc_server *s, struct server_worker *w, uint32_t slot, unsigned int burst,
	  struct dipc_capture *cap)
{
	const struct server_pool_map *pm = &s->maps[0];
	struct server_slot *ss = &s->slots[slot];
	struct rte_mbuf *rx[SERVER_MAX_BURST], *drop[SERVER_MAX_BURST];
	struct dipc_shm_conn *conn = ss->conn;
	const uint16_t owner = OWNER_SLOT(slot);
	unsigned int n, i, nb_tx = 0, nb_drop = 0, sent, bad = 0, taken = 0, used, nseg;
	int ret, plain, all_plain = 1;

	/* The client ran out of mbufs: double its share, up to its window.
	 * Read every poll, but the line is rarely written. */
	if (unlikely(__atomic_load_n(&conn->lend_want, __ATOMIC_RELAXED) != ss->lend_want_seen)) {
		ss->lend_want_seen = conn->lend_want;
		/* A want for larger classes is served as such, not as class 0. */
		if (s->nb_classes > 1 && lend_classes(s, w, ss, slot))
			goto served;
		ss->lend_target = RTE_MIN(RTE_MAX(ss->lend_target * 2, ss->lent + burst),
					  ss->lend_cap);
		/* At its share already: tell the client not to wait. */
		if (ss->lent >= ss->lend_target)
			__atomic_store_n(&conn->server.lend_refused, conn->server.lend_refused + 1,
					 __ATOMIC_RELEASE);
		else
			lend(pm, ss, slot, NULL, 0, w->scratch);
	}
served:
	/* Backpressure: while the client has not drained its responses we
	 * read none of its requests, so nothing is dropped. */
	if (unlikely(ss->nb_pending != 0)) {
		sent = respond(s, ss, owner, ss->pending, ss->nb_pending, 0);
		if (sent < ss->nb_pending) {
			for (i = sent; i < ss->nb_pending; i++)
				ss->pending[i - sent] = ss->pending[i];
			ss->nb_pending -= sent;
			conn->server.rsp_full++;
			return sent;
		}
		ss->nb_pending = 0;
		__atomic_store_n(&ss->stall_since, 0, __ATOMIC_RELAXED);
	}
	/* Read every poll, but the client rarely writes to it. */
	if (unlikely(!rte_ring_empty(ss->rings.free)))
		take_returns(pm, w, ss, slot);

	n = dipc_ring_rx_burst(ss->rings.req, rx, burst);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rx[i];

		plain = 1;
		nseg = 0;
		ret = admit_mbuf(s, w, pm, m, owner, &nseg, &plain);
		taken += nseg;
		if (unlikely(ret == 1)) {
			bad++;
			continue;
		}
		if (likely(ret == 0)) {
			/* As the client sent it, before a handler rewrites it.
			 * rx + i, not &m: m must not become addressable. */
			if (unlikely(cap != NULL))
				dipc_capture_msgs(cap, w->index, slot, rx + i, 1,
						  DIPC_CAPTURE_REQUEST);
			ret = handle_request(s, &rx[i], &plain);
			m = rx[i];
		}
		all_plain &= plain;
		if (likely(ret == DIPC_HANDLER_RESPOND)) {
			rx[nb_tx++] = m;
		} else if (ret == DIPC_HANDLER_DROP) {
			if (likely(plain))
				drop[nb_drop++] = m;
			else
				rte_pktmbuf_free(m); /* every segment checked: any class */
		} else if (ret != DIPC_HANDLER_CONSUMED) {
			/* Invalid: answer with the reason, reusing the mbuf. */
			w->stats->invalid[-ret < DIPC_STATUS_MAX ? -ret : DIPC_STATUS_UNKNOWN_METHOD]++;
			bad++;
			dipc_msg_make_error(m, (enum dipc_status)-ret);
			rx[nb_tx++] = m;
		}
	}
	ss->lent -= taken;
	conn->server.rx_msgs += n;
	if (unlikely(bad != 0))
		conn->server.invalid_msgs += bad;
	if (nb_tx != 0) {
		/* Before the send: then the client owns them. */
		if (unlikely(cap != NULL))
			dipc_capture_msgs(cap, w->index, slot, rx, nb_tx, DIPC_CAPTURE_RESPONSE);
		sent = respond(s, ss, owner, rx, nb_tx, all_plain);
		for (i = sent; i < nb_tx; i++)
			ss->pending[ss->nb_pending++] = rx[i];
		/* The client is not reading: the control lcore times it. Rare,
		 * so the clock read is off the fast path. */
		if (unlikely(sent < nb_tx))
			__atomic_store_n(&ss->stall_since, dipc_eal_now_ns(), __ATOMIC_RELAXED);
	}
	/* The client spent what it sent one-way: lend it more, the dropped
	 * mbufs first. */
	used = lend(pm, ss, slot, drop, nb_drop, w->scratch);
	/* Their metadata was checked (one segment, refcnt 1, our pool), so
	 * they go straight back to the pool without following m->next, which
	 * sits on a cache line this path never reads. */
	if (nb_drop > used)
		rte_mempool_put_bulk(pm->pool, (void **)(drop + used), nb_drop - used);
	return n;
}

int
dipc_server_worker_main(void *arg)
{
	struct server_worker *w = arg;
	struct dipc_server *s = w->s;
	const unsigned int burst = s->cfg.burst;
	const int backoff = s->cfg.idle == DIPC_IDLE_BACKOFF;
	const uint32_t idle_spins = s->cfg.idle_spins;
	const unsigned int sleep_us = s->cfg.idle_sleep_us;
	struct dipc_shm_worker_stats *const st = w->stats;
	uint32_t idle = 0, i, nb_slots;
	struct dipc_capture *cap;
	unsigned int work;

	rte_rcu_qsbr_thread_register(s->qsbr, w->index);
	rte_rcu_qsbr_thread_online(s->qsbr, w->index);
	while (!__atomic_load_n(&s->workers_quit, __ATOMIC_RELAXED)) {
		/* Acquire: the slot state the control lcore set up before it
		 * published the entry. */
		nb_slots = __atomic_load_n(&w->nb_slots, __ATOMIC_ACQUIRE);
		work = 0;
		/* The capture pointer is held for this pass only (RCU: see
		 * dipc_capture.c). Two loops over an inlined poll_slot(): with
		 * capture off (NULL, a constant) the compiler drops the copy
		 * hooks, so off costs one load and one branch per pass. */
		cap = __atomic_load_n(&w->capture, __ATOMIC_ACQUIRE);
		if (likely(cap == NULL)) {
			for (i = 0; i < nb_slots; i++)
				work += poll_slot(s, w,
						  __atomic_load_n(&w->slots[i], __ATOMIC_RELAXED),
						  burst, NULL);
		} else {
			for (i = 0; i < nb_slots; i++)
				work += poll_slot(s, w,
						  __atomic_load_n(&w->slots[i], __ATOMIC_RELAXED),
						  burst, cap);
		}
		/* Between passes this worker holds no slot: a slot removed from
		 * the list before this point is no longer touched. */
		rte_rcu_qsbr_quiescent(s->qsbr, w->index);
		st->polls++;
		if (work != 0) {
			st->busy_polls++;
			idle = 0;
			continue;
		}
		if (!backoff || idle < idle_spins) {
			idle++;
			rte_pause();
			continue;
		}
		/* Idle for a while: let other threads have the core. */
		st->idle_sleeps++;
		rte_delay_us_sleep(sleep_us);
	}
	rte_rcu_qsbr_thread_offline(s->qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(s->qsbr, w->index);
	return 0;
}

void
server_mbuf_repair(const struct server_pool_map *pm, struct rte_mbuf *m)
{
	/* buf_iova is left alone: nothing in dipc uses it yet, and the only
	 * way to recompute it reads the object header, also client-writable. */
	m->buf_addr = (char *)m + pm->buf_offset;
	m->buf_len = pm->buf_len;
	m->pool = pm->pool;
	m->next = NULL;
	m->nb_segs = 1;
	rte_mbuf_refcnt_set(m, 1);
	rte_pktmbuf_reset(m);
}

unsigned int
server_lend_msg(const struct dipc_server *s, const struct rte_mbuf *m, uint16_t owner)
{
	unsigned int n = 0;

	/* Built or checked by the server: nb_segs segments at most. */
	for (; m != NULL && n < DIPC_MSG_MAX_SEGS; m = m->next, n++)
		server_lend(server_map_of(s, m), m, owner);
	return n;
}

/* Take back every mbuf of one class lent to @owner. */
static unsigned int
sweep_class(const struct server_pool_map *pm, uint16_t owner, struct rte_mbuf **m)
{
	unsigned int i, k = 0;

	for (i = 0; i < pm->nb_objs; i++) {
		uint32_t line = pm->obj_lines[i];

		if (pm->owner[i] != owner)
			continue;
		pm->owner[i] = OWNER_SERVER;
		m[k] = (struct rte_mbuf *)(pm->base + (uintptr_t)line * RTE_CACHE_LINE_SIZE);
		/* The client could have written anything into it. */
		if (!server_mbuf_fields_ok(pm, m[k]))
			server_mbuf_repair(pm, m[k]);
		m[k]->next = NULL;
		k++;
	}
	if (k != 0)
		rte_mempool_put_bulk(pm->pool, (void **)m, k);
	return k;
}

unsigned int
server_sweep_slot(struct dipc_server *s, uint32_t slot)
{
	const uint16_t owner = OWNER_SLOT(slot);
	unsigned int c, k = 0;

	/* Segment by segment: a chain's segments are in the owner tables one
	 * by one, whatever their next pointers say now. */
	for (c = 0; c < s->nb_classes; c++)
		k += sweep_class(&s->maps[c], owner, s->control_scratch);
	return k;
}
