/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ring transport, the server's side (struct server_transport_ops):
 * per connection, four SP/SC rings in hugepage memory the client maps
 * (requests, responses, mbufs lent, mbufs given back), and exact
 * ownership of every mbuf lent (the owner tables of dipc_ring_owner.h).
 * Built into the server library; it reaches the core through
 * server_private.h.
 *
 * Its worker functions run per message or per poll: no allocation, no
 * system call, no lock. A client can write into its rings and its mbufs
 * at any time, so every pointer it hands over is taken on the owner
 * tables before anything reads it, and what is read of an mbuf is read
 * once into private memory (struct dipc_server_msg, struct server_chain).
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_memzone.h>

#include "dipc_ring_owner.h"
#include "dipc_ring_transport.h"
#include "server_private.h"

/* A connection's ring state, in the server's private memory. */
struct ring_slot {
	/* The server's ends of the shared rings: geometry and its own index. */
	struct dipc_ring_end req, rsp, alloc, free;
	/* Mbufs lent to the client (owner == this slot), and how many the
	 * server aims to keep lent: the owning worker's, then the control
	 * lcore's once the worker quiesced. */
	uint32_t lent;
	uint32_t lend_target;
	uint32_t lend_cap;         /* the granted window */
	uint32_t lend_want_seen;   /* the client's lend_want when last served */
	/* The client's class_want[] when last served (larger classes). */
	uint32_t class_want_seen[DIPC_MAX_CLASSES];
} __rte_cache_aligned;

struct ring_server {
	struct ring_slot *slots;          /* [max_conns] */
	const struct rte_memzone **zones; /* [max_conns / grow_step + 1] */
};

static inline struct ring_slot *
ring_slot_of(const struct server_slot *ss)
{
	return ss->tq;
}

/* The pool map of the size class whose objects' range holds @p, or NULL:
 * a short loop over few classes, no dereference of @p. */
static __rte_always_inline const struct dipc_ring_owner_map *
map_of(const struct dipc_server *s, const void *p)
{
	unsigned int i;

	for (i = 0; i < s->nb_classes; i++)
		if ((uintptr_t)p - s->maps[i].base < s->maps[i].span)
			return &s->maps[i];
	return NULL;
}

/* dipc_ring_take() on whichever class's map holds @m; *pm is that map.
 * Returns 0 or 1 + enum server_drop_reason, as dipc_ring_take(). */
static __rte_always_inline int
take_any(const struct dipc_server *s, const void *m, uint16_t owner,
	 const struct dipc_ring_owner_map **pm)
{
	*pm = map_of(s, m);
	if (unlikely(*pm == NULL))
		return 1 + SERVER_DROP_NOT_MBUF;
	return dipc_ring_take(*pm, m, owner);
}

/*
 * Up to @n objects of @mp into @objs. rte_mempool_get_bulk() is all or
 * nothing, so a pool running low gives half, a quarter, ... rather than
 * nothing. Returns how many.
 */
static unsigned int
pool_get_upto(struct rte_mempool *mp, struct rte_mbuf **objs, unsigned int n)
{
	for (; n != 0; n /= 2)
		if (rte_mempool_get_bulk(mp, (void **)objs, n) == 0)
			break;
	return n;
}

/*
 * Lend @n mbufs of @pm's pool, the server's, to @slot on its alloc ring.
 * Each is put back to what the pool gave out (a client may have written
 * into it since it last held it) and marked the slot's before the
 * enqueue: once in the ring, the client may send it back, though only
 * this lcore will ever look. What the ring has no room for goes back to
 * the pool. Returns how many went.
 */
static unsigned int
lend_out(const struct dipc_ring_owner_map *pm, struct ring_slot *rs, uint32_t slot,
	 struct rte_mbuf **m, unsigned int n)
{
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int i, sent;

	for (i = 0; i < n; i++) {
		dipc_ring_mbuf_repair(pm, m[i]);
		dipc_ring_lend(pm, m[i], owner);
	}
	sent = dipc_ring_end_enqueue(&rs->alloc, (void **)m, n);
	for (i = sent; i < n; i++)
		dipc_ring_lend(pm, m[i], DIPC_RING_OWNER_SERVER);
	if (sent < n)
		rte_mempool_put_bulk(pm->pool, (void **)(m + sent), n - sent);
	rs->lent += sent;
	return sent;
}

/*
 * Lend mbufs to the client so it can send requests: up to the slot's
 * target, taking first from @spare (mbufs the server holds and no longer
 * needs), then from the pool. Returns how many of @spare it used.
 */
static unsigned int
lend(const struct dipc_ring_owner_map *pm, struct ring_slot *rs, uint32_t slot,
     struct rte_mbuf **spare, unsigned int nb_spare, struct rte_mbuf **scratch)
{
	unsigned int want, n, i;

	if (rs->lent >= rs->lend_target)
		return 0;
	want = RTE_MIN(rs->lend_target - rs->lent, dipc_ring_end_free(&rs->alloc));
	want = RTE_MIN(want, (unsigned int)SERVER_MAX_BURST);
	n = RTE_MIN(want, nb_spare);
	for (i = 0; i < n; i++)
		scratch[i] = spare[i];
	n += pool_get_upto(pm->pool, scratch + n, want - n);
	if (n == 0)
		return 0;
	return RTE_MIN(nb_spare, lend_out(pm, rs, slot, scratch, n));
}

/*
 * Take back what the client gave back on its free ring (it keeps a bounded
 * stash of free mbufs and returns the excess), put it in the pool, and aim
 * to lend the client no more than it now holds. Only the pointer is
 * checked (pool map, owner table): the mbuf's fields are not read here,
 * since lend() rewrites them before the mbuf goes out again.
 */
static void
take_returns(const struct dipc_ring_owner_map *pm, struct server_worker *w,
	     struct server_slot *ss, struct ring_slot *rs, uint32_t slot)
{
	struct rte_mbuf *m[SERVER_MAX_BURST];
	unsigned int n, i, k = 0, given = 0;
	int ret;

	n = dipc_ring_end_dequeue(&rs->free, (void **)m, RTE_DIM(m));
	for (i = 0; i < n; i++) {
		const struct dipc_ring_owner_map *mp = pm;

		ret = dipc_ring_take(pm, m[i], DIPC_RING_OWNER_SLOT(slot));
		/* A larger class's mbuf the client keeps no more. */
		if (ret == 1 + SERVER_DROP_NOT_MBUF && w->s->nb_classes > 1)
			ret = take_any(w->s, m[i], DIPC_RING_OWNER_SLOT(slot), &mp);
		if (ret != 0) {
			w->st.dropped[ret - 1]++;
			continue;
		}
		given++;
		if (mp != pm) {
			rte_mempool_put(mp->pool, m[i]);
			continue;
		}
		m[k++] = m[i];
	}
	rs->lent -= given;
	ss->cnt.given_back += given;
	rs->lend_target = RTE_MAX(rs->lent, (uint32_t)SERVER_INITIAL_LEND);
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
	     struct ring_slot *rs, uint32_t slot)
{
	struct dipc_shm_conn *conn = ss->conn;
	struct rte_mbuf **m = w->scratch;
	unsigned int k, n, sent;
	uint32_t want, asked;
	int any = 0, short_of = 0;

	/* Pairs with the client's release on lend_want: the counts it wrote
	 * before ringing are visible. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (k = 1; k < s->nb_classes; k++) {
		/* Read once: the client may write it again meanwhile. */
		want = __atomic_load_n(&conn->client.class_want[k], __ATOMIC_RELAXED);
		asked = want - rs->class_want_seen[k];
		rs->class_want_seen[k] = want;
		if (asked == 0)
			continue;
		any = 1;
		n = rs->lent < rs->lend_cap ? rs->lend_cap - rs->lent : 0;
		n = RTE_MIN(n, asked);
		n = RTE_MIN(n, dipc_ring_end_free(&rs->alloc));
		n = RTE_MIN(n, (unsigned int)SERVER_MAX_BURST);
		n = pool_get_upto(s->maps[k].pool, m, n);
		sent = lend_out(&s->maps[k], rs, slot, m, n);
		if (sent < asked)
			short_of = 1;
	}
	/* Not all of it: tell the client not to wait for the rest. */
	if (short_of)
		server_refuse_lend(ss);
	return any;
}

/*
 * The head (already taken, of class @hcls) says it starts a chain: take
 * every further segment, each with dipc_ring_take() (an object of some
 * class, lent to this connection), read its metadata once into @c and
 * check it, and check the walk against nb_segs and pkt_len, at most
 * DIPC_MSG_MAX_SEGS segments. A loop comes back to a segment already
 * taken (no longer lent: refused). On any failure the chain is dropped
 * whole: the segments taken after the head go back to their pools (also
 * one whose metadata was wrong: lend() rewrites it), a segment that was
 * not ours to take and whatever follows it are not touched (still lent,
 * or not ours), and the head answers DIPC_STATUS_BAD_MBUF (so a caller
 * waiting on it learns why). *taken counts what was taken back. Returns 0
 * if the chain is good.
 */
static int __rte_noinline
admit_chain(struct dipc_server *s, struct server_worker *w, struct server_slot *ss,
	    struct server_chain *c, unsigned int hcls, struct rte_mbuf *m, uint32_t nb_segs,
	    uint32_t pkt_len, uint16_t owner, unsigned int *taken)
{
	const struct dipc_ring_owner_map *pm;
	struct rte_mbuf *next;
	uint64_t sum;
	unsigned int n = 1;
	int ok;

	c->seg[0] = m;
	c->cls[0] = (uint8_t)hcls;
	ok = nb_segs >= 2 && nb_segs <= DIPC_MSG_MAX_SEGS &&
	     dipc_ring_seg_fields_ok(&s->maps[hcls], m, &c->off[0], &c->len[0]);
	sum = c->len[0];
	/* Each next pointer is read once, here. */
	next = ok ? m->next : NULL;
	while (ok && next != NULL) {
		if (n == nb_segs || take_any(s, next, owner, &pm) != 0) {
			ok = 0; /* longer than it says, or not ours: not touched */
			break;
		}
		c->seg[n] = next;
		c->cls[n] = (uint8_t)(pm - s->maps);
		n++;
		if (!dipc_ring_seg_fields_ok(pm, next, &c->off[n - 1], &c->len[n - 1])) {
			ok = 0;
			break;
		}
		sum += c->len[n - 1];
		next = next->next;
	}
	*taken = n;
	c->nb = (uint16_t)n;
	if (likely(ok && n == nb_segs && sum == pkt_len && c->len[0] >= DIPC_MSG_HDR_LEN))
		return 0;
	w->st.dropped[SERVER_DROP_BAD_CHAIN]++;
	ss->cnt.bad_chains++;
	/* The body is dropped; the head, ours, carries the answer. */
	server_chain_free_tail(s, c);
	c->nb = 1;
	return -1;
}

/* The words the worker watches for this connection (server_watch_moved()):
 * the client's index of the request and free rings, and its lend_want. */
enum { WATCH_REQ, WATCH_FREE, WATCH_LEND, WATCH_NB };

/* What the transport has seen of the watched words, so that the worker
 * calls ring_rx_burst() again only once one moves. */
static __rte_always_inline void
watch_sync(struct server_slot *ss, const struct ring_slot *rs)
{
	ss->watch_seen[WATCH_REQ] = rs->req.head;
	ss->watch_seen[WATCH_FREE] = rs->free.head;
	ss->watch_seen[WATCH_LEND] = rs->lend_want_seen;
}

/* What admit() says of a pointer that is not ours to touch (not an mbuf,
 * not lent to the connection): left alone. Otherwise it returns an enum
 * dipc_status: DIPC_STATUS_OK to dispatch, or the error to answer with. */
#define ADMIT_SKIP DIPC_STATUS_MAX

/* Fill the parts of @msg that locate the head's data, from private facts. */
static __rte_always_inline void
msg_place(struct dipc_server_msg *msg, const struct dipc_ring_owner_map *pm, struct rte_mbuf *m,
	  uint16_t data_off, unsigned int cls)
{
	uint8_t *data;

	/* Too near the end for a header (a request shorter than one, which
	 * is answered BAD_LENGTH): the answer goes at the usual place. */
	if (unlikely((uint32_t)data_off + DIPC_MSG_HDR_LEN > pm->buf_len))
		data_off = RTE_PKTMBUF_HEADROOM;
	data = (uint8_t *)m + pm->buf_offset + data_off;
	msg->mbuf = m;
	msg->body = data + DIPC_MSG_HDR_LEN;
	msg->room = (uint32_t)pm->buf_len - data_off - DIPC_MSG_HDR_LEN;
	msg->data_off_ = data_off;
	msg->cls_ = (uint8_t)cls;
}

/* The slow path of admit(): a head of a larger class, corrupted metadata,
 * or a chain. @ret is dipc_ring_take()'s on class 0's map: 0 if taken there. */
static unsigned int __rte_noinline
admit_other(struct dipc_server *s, struct server_worker *w, struct server_slot *ss,
	    struct dipc_server_msg *msg, struct rte_mbuf *m, uint16_t owner, int ret,
	    unsigned int *taken)
{
	const struct dipc_ring_owner_map *pm = &s->maps[0];
	struct server_chain *c = server_req_chain(w, msg);
	uint16_t data_off, data_len, nb_segs;
	uint32_t pkt_len;
	unsigned int cls;

	*taken = 0;
	if (ret == 1 + SERVER_DROP_NOT_MBUF && s->nb_classes > 1)
		ret = take_any(s, m, owner, &pm);
	if (ret != 0) {
		w->st.dropped[ret - 1]++;
		return ADMIT_SKIP;
	}
	*taken = 1;
	cls = (unsigned int)(pm - s->maps);
	msg->nb_segs = 1;
	/* Each field once; decisions on these copies only. */
	nb_segs = m->nb_segs;
	pkt_len = m->pkt_len;
	if (nb_segs > 1) {
		if (admit_chain(s, w, ss, c, cls, m, nb_segs, pkt_len, owner, taken) != 0) {
			dipc_ring_mbuf_repair(pm, m);
			msg_place(msg, pm, m, RTE_PKTMBUF_HEADROOM, cls);
			server_msg_no_header(msg);
			return DIPC_STATUS_BAD_MBUF;
		}
		msg_place(msg, pm, m, c->off[0], cls);
		msg->nb_segs = (uint8_t)c->nb;
		return server_read_header(msg, msg->body - DIPC_MSG_HDR_LEN, c->len[0], pkt_len);
	}
	if (!dipc_ring_mbuf_fields_ok(pm, m, &data_off, &data_len)) {
		dipc_ring_mbuf_repair(pm, m);
		msg_place(msg, pm, m, RTE_PKTMBUF_HEADROOM, cls);
		server_msg_no_header(msg);
		return DIPC_STATUS_BAD_MBUF;
	}
	msg_place(msg, pm, m, data_off, cls);
	return server_read_header(msg, msg->body - DIPC_MSG_HDR_LEN, data_len, data_len);
}

/*
 * Take what a client put in its ring before touching it: the pointer must
 * be an mbuf of a pool lent to this connection (checked on the pool map
 * and the owner table, without a dereference), and its metadata, read
 * once, must be intact; a chain's every segment too. Then the header,
 * read once into @msg. Returns ADMIT_SKIP, DIPC_STATUS_OK, or an enum
 * dipc_status to answer with. *taken is the number of mbufs taken back
 * from the client.
 */
static __rte_always_inline unsigned int
admit(struct dipc_server *s, struct server_worker *w, struct server_slot *ss,
      const struct dipc_ring_owner_map *pm, struct dipc_server_msg *msg, struct rte_mbuf *m,
      uint16_t owner, unsigned int *taken)
{
	int ret = dipc_ring_take(pm, m, owner);
	uint16_t data_off, data_len;

	if (likely(ret == 0 && dipc_ring_mbuf_fields_ok(pm, m, &data_off, &data_len))) {
		*taken = 1;
		msg->nb_segs = 1;
		msg_place(msg, pm, m, data_off, 0);
		return server_read_header(msg, msg->body - DIPC_MSG_HDR_LEN, data_len, data_len);
	}
	/* Another class, not ours, or not a plain one-segment message: the
	 * slow path reads the fields again and decides on that read alone. */
	return admit_other(s, w, ss, msg, m, owner, ret, taken);
}

/*
 * Housekeeping, then a burst in: lends the client asked for, mbufs it gave
 * back, then up to @burst requests, each taken and checked (admit()).
 *
 * Requests are read only as many as the response ring has room for, so
 * every answer fits when it is sent and nothing waits in the server's
 * hands between two polls: a client that does not read its responses
 * holds up its own requests (backpressure), loses none, and stalls nobody
 * else.
 */
static unsigned int
ring_rx_burst(struct server_worker *w, struct server_slot *ss, uint32_t slot, unsigned int burst)
{
	struct dipc_server *s = w->s;
	const struct dipc_ring_owner_map *pm = &s->maps[0];
	struct ring_slot *rs = ring_slot_of(ss);
	struct rte_mbuf *rx[SERVER_MAX_BURST];
	struct dipc_shm_conn *conn = ss->conn;
	struct dipc_server_msg *msgs = w->msgs;
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int n, i, k = 0, taken = 0, room, nseg, status;
	uint32_t lend_want;
	SERVER_CYC_START(cyc);

	/* The client ran out of mbufs: double its share, up to its window.
	 * Read every poll, but the line is rarely written. */
	lend_want = __atomic_load_n(&conn->lend_want, __ATOMIC_RELAXED);
	if (unlikely(lend_want != rs->lend_want_seen)) {
		rs->lend_want_seen = lend_want;
		/* A want for larger classes is served as such, not as class 0. */
		if (s->nb_classes > 1 && lend_classes(s, w, ss, rs, slot))
			goto served;
		rs->lend_target = RTE_MIN(RTE_MAX(rs->lend_target * 2, rs->lent + burst),
					  rs->lend_cap);
		/* At its share already: tell the client not to wait. */
		if (rs->lent >= rs->lend_target)
			server_refuse_lend(ss);
		else
			lend(pm, rs, slot, NULL, 0, w->scratch);
	}
served:
	/* Read every poll, but the client rarely writes to it. */
	if (unlikely(dipc_ring_end_count(&rs->free) != 0))
		take_returns(pm, w, ss, rs, slot);

	room = dipc_ring_end_free(&rs->rsp);
	if (unlikely(room < burst)) {
		if (room == 0) {
			/* The client is not reading: the control lcore times it.
			 * Rare, so the clock read is off the fast path. */
			if (dipc_ring_end_count(&rs->req) != 0)
				server_note_stall(ss);
			watch_sync(ss, rs);
			return 0;
		}
		burst = room;
	}
	n = dipc_ring_end_dequeue(&rs->req, (void **)rx, burst);
	watch_sync(ss, rs);
	if (n == 0)
		return 0;
	SERVER_CYC_MARK(w, cyc, SERVER_CYC_PREP);
	server_clear_stall(ss);
	for (i = 0; i < n; i++) {
		struct dipc_server_msg *msg = &msgs[k];

		nseg = 0;
		status = admit(s, w, ss, pm, msg, rx[i], owner, &nseg);
		taken += nseg;
		SERVER_CYC_MARK(w, cyc, SERVER_CYC_TAKE);
		if (unlikely(status == ADMIT_SKIP))
			continue;
		msg->status_ = (uint8_t)status;
		k++;
	}
	rs->lent -= taken;
	ss->cnt.rx_msgs += n;
	if (unlikely(k != n))
		ss->cnt.invalid_msgs += n - k;
	return k;
}

/* Lend every segment of chain @c to @owner; returns how many. */
static unsigned int __rte_noinline
chain_lend(const struct dipc_server *s, const struct server_chain *c, uint16_t owner)
{
	unsigned int i;

	for (i = 0; i < c->nb; i++)
		dipc_ring_lend(&s->maps[c->cls[i]], c->seg[i], owner);
	return c->nb;
}

/*
 * Answers the response ring had no room for, though it was counted: cannot
 * happen while this lcore is the ring's only producer. Should it, take them
 * back from the client's account (they were lent) and free them segment by
 * segment from the owner tables, so nothing is lost or lent twice.
 */
static void __rte_noinline
unsent(struct dipc_server *s, struct ring_slot *rs, uint32_t slot, struct rte_mbuf **m,
       unsigned int n)
{
	unsigned int i;

	SERVER_LOG(ERR, "response ring of slot %u had no room for %u answers", slot, n);
	for (i = 0; i < n; i++) {
		const struct dipc_ring_owner_map *pm = map_of(s, m[i]);

		/* A head lent a moment ago: one segment is taken back here;
		 * the rest of a chain stays lent and is swept at close. */
		if (pm != NULL && dipc_ring_take(pm, m[i], DIPC_RING_OWNER_SLOT(slot)) == 0) {
			rs->lent--;
			rte_mempool_put(pm->pool, m[i]);
		}
	}
}

/* The answers out, then the client's mbufs topped up from the drops. */
static void
ring_tx_burst(struct server_worker *w, struct server_slot *ss, uint32_t slot,
	      const struct server_tx *tx)
{
	struct dipc_server *s = w->s;
	const struct dipc_ring_owner_map *pm = &s->maps[0];
	struct ring_slot *rs = ring_slot_of(ss);
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int i, sent, used;

	if (tx->nb != 0) {
		/* Lent only now that the whole burst is taken: a pointer that
		 * came twice in it must find its mbuf not lent the second time. */
		if (likely(tx->plain)) {
			for (i = 0; i < tx->nb; i++)
				dipc_ring_lend(pm, tx->m[i], owner);
			rs->lent += tx->nb;
		} else {
			for (i = 0; i < tx->nb; i++)
				rs->lent += tx->chain[i] != NULL ?
					chain_lend(s, tx->chain[i], owner) :
					(dipc_ring_lend(&s->maps[tx->cls[i]], tx->m[i], owner), 1);
		}
		/* Room was counted before the dequeue and only this lcore
		 * produces: every answer fits. */
		sent = dipc_ring_end_enqueue(&rs->rsp, (void **)tx->m, tx->nb);
		ss->cnt.tx_msgs += sent;
		if (unlikely(sent < tx->nb))
			unsent(s, rs, slot, tx->m + sent, tx->nb - sent);
	}
	/* The client spent what it sent one-way: lend it more, the dropped
	 * mbufs first. */
	used = lend(pm, rs, slot, tx->drop, tx->nb_drop, w->scratch);
	/* The pool is the map's, not the mbuf's: a client may have written
	 * the mbuf's pool field since the check. */
	if (tx->nb_drop > used)
		rte_mempool_put_bulk(pm->pool, (void **)(tx->drop + used), tx->nb_drop - used);
}

/* Reset a slot's four rings and the server's ends of them. */
static void
rings_reset(struct ring_slot *rs)
{
	dipc_ring_end_reset(&rs->req);
	dipc_ring_end_reset(&rs->rsp);
	dipc_ring_end_reset(&rs->alloc);
	dipc_ring_end_reset(&rs->free);
}

static int
ring_setup(struct dipc_server *s)
{
	struct ring_server *r = server_zalloc(sizeof(*r), -1);
	uint32_t i;

	if (r == NULL)
		return -ENOMEM;
	s->tpriv[DIPC_TRANSPORT_RING] = r;
	/* rte_ring_init() without RING_F_EXACT_SZ keeps one entry free;
	 * ring_grow() checks it on every ring it makes. */
	s->ring_capacity = s->cfg.ring_size - 1;
	r->slots = server_zalloc(s->cfg.max_conns * sizeof(*r->slots), -1);
	r->zones = server_zalloc((s->cfg.max_conns / s->cfg.grow_step + 1) *
				 sizeof(const struct rte_memzone *), -1);
	if (r->slots == NULL || r->zones == NULL)
		return -ENOMEM;
	for (i = 0; i < s->cfg.max_conns; i++)
		s->slots[i].tq = &r->slots[i];
	return 0;
}

static void
ring_teardown(struct dipc_server *s, int free_shared)
{
	struct ring_server *r = s->tpriv[DIPC_TRANSPORT_RING];
	uint32_t z;

	if (r == NULL)
		return;
	if (r->zones != NULL && free_shared)
		for (z = 0; z <= s->cfg.max_conns / s->cfg.grow_step; z++)
			rte_memzone_free(r->zones[z]);
	server_free(r->zones);
	server_free(r->slots);
	server_free(r);
	s->tpriv[DIPC_TRANSPORT_RING] = NULL;
}

/*
 * One ring zone (grow_step slots' rings, dipc_ring_zone_create()) for
 * slots [first, first + nb): a zone always holds grow_step slots, so that
 * any process finds a slot's rings by arithmetic; the last one may be
 * partly used.
 */
static int
ring_grow(struct dipc_server *s, uint32_t first, uint32_t nb, int socket)
{
	struct ring_server *r = s->tpriv[DIPC_TRANSPORT_RING];
	uint32_t zone = first / s->cfg.grow_step, i;
	const struct rte_memzone *mz;

	mz = dipc_ring_zone_create(zone, s->cfg.grow_step, s->cfg.ring_size, socket);
	if (mz == NULL)
		return -rte_errno;
	r->zones[zone] = mz;
	for (i = first; i < first + nb; i++) {
		struct ring_slot *rs = &r->slots[i];
		struct dipc_ring_conn rings;

		if (dipc_ring_conn_get(s->shm, i, &rings) != 0)
			goto undo;
		/* The zone is new: nobody but this process has seen its rings. */
		dipc_ring_end_init(&rs->req, rings.req);
		dipc_ring_end_init(&rs->rsp, rings.rsp);
		dipc_ring_end_init(&rs->alloc, rings.alloc);
		dipc_ring_end_init(&rs->free, rings.free);
		if (rs->req.capacity != s->ring_capacity)
			goto undo;
	}
	return 0;
undo:
	/* Leave things as before the call, so that a later attempt creates
	 * the same zone again instead of finding its name taken. */
	rte_memzone_free(mz);
	r->zones[zone] = NULL;
	return -ENOMEM;
}

/* A new connection: fresh rings, a window, its first mbufs lent (control
 * lcore, before a worker owns the slot). */
static void
ring_open(struct dipc_server *s, uint32_t slot, uint32_t window)
{
	struct server_slot *ss = &s->slots[slot];
	struct ring_slot *rs = ring_slot_of(ss);
	struct rte_mbuf **m = s->control_scratch;
	unsigned int n, i;

	/* Whatever a client left in the rings after its slot was taken back
	 * was lent to nobody now: drop the pointers, rewind the indices. */
	rings_reset(rs);
	rs->lend_cap = window;
	rs->lend_want_seen = 0;
	/* What the worker watches: each word as it is now (the client's
	 * shared lines were just cleared, the rings reset). */
	ss->watch[WATCH_REQ] = &rs->req.r->prod.tail;
	ss->watch[WATCH_FREE] = &rs->free.r->prod.tail;
	ss->watch[WATCH_LEND] = &ss->conn->lend_want;
	watch_sync(ss, rs);
	ss->nb_watch = WATCH_NB;
	/* The client's running counts start again from 0 (just cleared). */
	for (i = 0; i < DIPC_MAX_CLASSES; i++)
		rs->class_want_seen[i] = 0;
	rs->lend_target = RTE_MIN((uint32_t)SERVER_INITIAL_LEND, window);
	/* A pool that runs low lends less; the worker lends more later. */
	n = pool_get_upto(s->pool, m, RTE_MIN(rs->lend_target, rs->alloc.capacity));
	rs->lent = 0;
	lend_out(&s->maps[0], rs, slot, m, n);
}

/*
 * Take back every mbuf lent to @slot (in its rings, in flight, or in the
 * client's hands) and put it in its pool, unread (it is repaired before it
 * is lent again), segment by segment: a chain's segments are in the owner
 * tables one by one, whatever their next pointers say now. Then reset the
 * rings.
 */
static unsigned int
ring_close(struct dipc_server *s, uint32_t slot)
{
	struct ring_slot *rs = ring_slot_of(&s->slots[slot]);
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int c, n, k = 0;

	for (c = 0; c < s->nb_classes; c++) {
		n = dipc_ring_owner_collect(&s->maps[c], owner, (void **)s->control_scratch);
		if (n != 0)
			rte_mempool_put_bulk(s->maps[c].pool, (void **)s->control_scratch, n);
		k += n;
	}
	if (k != rs->lent)
		SERVER_LOG(WARNING, "slot %u: took back %u mbufs, %u were lent", slot, k, rs->lent);
	rs->lent = 0;
	rings_reset(rs);
	return k;
}

/* From the server's ends: its own index and the client's, never the
 * client-writable ring headers' counts. */
static void
ring_depths(const struct dipc_server *s, uint32_t slot, struct server_depths *d)
{
	const struct ring_slot *rs = ring_slot_of(&s->slots[slot]);

	d->req_waiting = dipc_ring_end_waiting(&rs->req);
	d->rsp_unread = dipc_ring_end_unread(&rs->rsp);
	d->alloc_unread = dipc_ring_end_unread(&rs->alloc);
	d->free_waiting = dipc_ring_end_waiting(&rs->free);
	/* Relaxed: the owning worker writes it meanwhile. */
	d->lent = __atomic_load_n(&rs->lent, __ATOMIC_RELAXED);
	d->window = rs->lend_cap;
}

const struct server_transport_ops dipc_ring_server_ops = {
	.name = "ring",
	.setup = ring_setup,
	.teardown = ring_teardown,
	.grow = ring_grow,
	.open = ring_open,
	.close = ring_close,
	.depths = ring_depths,
	.rx_burst = ring_rx_burst,
	.tx_burst = ring_tx_burst,
};
