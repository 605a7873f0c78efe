/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll the connections it owns, validate, dispatch,
 * respond. Everything here runs per message or per poll, so it allocates
 * nothing, makes no system call (outside the idle back-off) and takes no
 * lock; every object it touches was allocated by dipc_server_create().
 *
 * A client can write into an mbuf at any time, also after it sent it. So
 * the worker reads what it acts on once, checks it, and keeps it in
 * private memory (struct dipc_server_msg and struct server_chain): the
 * segment pointers of a chain, each segment's data offset and length, the
 * header fields. Every later step (the handler, the answer, lending,
 * freeing) works from that copy and writes the metadata it needs back into
 * the mbufs just before they leave; no step follows a next pointer, or
 * uses a length, pool or buffer address, read from an mbuf a second time.
 * docs/DESIGN-NOTES.md, "What a worker reads", lists each read.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "dipc_capture.h"
#include "server_private.h"

/*
 * Lend mbufs to the client so it can send requests: up to the slot's
 * target, taking first from @spare (mbufs the server holds and no longer
 * needs), then from the pool. Each is put back to what the pool gave out
 * before it goes: a client may have written into it since it last held
 * it. Returns how many of @spare it used.
 */
static unsigned int
lend(const struct dipc_ring_owner_map *pm, struct server_slot *ss, uint32_t slot,
     struct rte_mbuf **spare, unsigned int nb_spare, struct rte_mbuf **scratch)
{
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int want, n, from_pool, sent, i;

	if (ss->lent >= ss->lend_target)
		return 0;
	want = RTE_MIN(ss->lend_target - ss->lent, dipc_ring_end_free(&ss->alloc));
	want = RTE_MIN(want, (unsigned int)SERVER_MAX_BURST);
	n = RTE_MIN(want, nb_spare);
	for (i = 0; i < n; i++)
		scratch[i] = spare[i];
	/* All or nothing in rte_mempool_get_bulk(): a pool running low
	 * lends less rather than nothing. */
	for (from_pool = want - n; from_pool != 0; from_pool /= 2) {
		if (rte_mempool_get_bulk(pm->pool, (void **)(scratch + n), from_pool) == 0) {
			n += from_pool;
			break;
		}
	}
	if (n == 0)
		return 0;
	/* Before the enqueue: once in the ring, the client may send it back,
	 * though only this lcore will ever look. */
	for (i = 0; i < n; i++) {
		dipc_ring_mbuf_repair(pm, scratch[i]);
		dipc_ring_lend(pm, scratch[i], owner);
	}
	sent = dipc_ring_end_enqueue(&ss->alloc, (void **)scratch, n);
	for (i = sent; i < n; i++)
		dipc_ring_lend(pm, scratch[i], DIPC_RING_OWNER_SERVER);
	if (sent < n)
		rte_mempool_put_bulk(pm->pool, (void **)(scratch + sent), n - sent);
	ss->lent += sent;
	return RTE_MIN(nb_spare, sent);
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
	     struct server_slot *ss, uint32_t slot)
{
	struct rte_mbuf *m[SERVER_MAX_BURST];
	unsigned int n, i, k = 0, given = 0;
	int ret;

	n = dipc_ring_end_dequeue(&ss->free, (void **)m, RTE_DIM(m));
	for (i = 0; i < n; i++) {
		const struct dipc_ring_owner_map *mp = pm;

		ret = dipc_ring_take(pm, m[i], DIPC_RING_OWNER_SLOT(slot));
		/* A larger class's mbuf the client keeps no more. */
		if (ret == 1 + SERVER_DROP_NOT_MBUF && w->s->nb_classes > 1)
			ret = server_take_any(w->s, m[i], DIPC_RING_OWNER_SLOT(slot), &mp);
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
	ss->lent -= given;
	ss->cnt.given_back += given;
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
		n = RTE_MIN(n, dipc_ring_end_free(&ss->alloc));
		n = RTE_MIN(n, (unsigned int)SERVER_MAX_BURST);
		while (n != 0 && rte_mempool_get_bulk(s->maps[k].pool, (void **)m, n) != 0)
			n /= 2;
		for (i = 0; i < n; i++) {
			dipc_ring_mbuf_repair(&s->maps[k], m[i]);
			dipc_ring_lend(&s->maps[k], m[i], DIPC_RING_OWNER_SLOT(slot));
		}
		sent = dipc_ring_end_enqueue(&ss->alloc, (void **)m, n);
		for (i = sent; i < n; i++)
			dipc_ring_lend(&s->maps[k], m[i], DIPC_RING_OWNER_SERVER);
		if (sent < n)
			rte_mempool_put_bulk(s->maps[k].pool, (void **)(m + sent), n - sent);
		ss->lent += sent;
		if (sent < asked)
			short_of = 1;
	}
	/* Not all of it: tell the client not to wait for the rest. */
	if (short_of)
		server_refuse_lend(ss);
	return any;
}

/* Put every segment of @c after the first back in its pool. They are the
 * server's (taken back or built by it); their fields are rewritten when
 * they are lent again. */
static void
chain_free_tail(const struct dipc_server *s, const struct server_chain *c)
{
	unsigned int i;

	for (i = 1; i < c->nb; i++)
		rte_mempool_put(s->maps[c->cls[i]].pool, c->seg[i]);
}

/*
 * The head (already taken, of class @hcls) says it starts a chain: take every further segment, each with
 * dipc_ring_take() (an object of some class, lent to this connection), read
 * its metadata once into @c and check it, and check the walk against
 * nb_segs and pkt_len, at most DIPC_MSG_MAX_SEGS segments. A loop comes
 * back to a segment already taken (no longer lent: refused). On any
 * failure the chain is dropped whole: the segments taken after the head go
 * back to their pools (also one whose metadata was wrong: lend() rewrites
 * it), a segment that was not ours to take and whatever follows it are
 * not touched (still lent, or not ours), and the head answers
 * DIPC_STATUS_BAD_MBUF (so a caller waiting on it learns why). *taken
 * counts what was taken back. Returns 0 if the chain is good.
 */
static int __rte_noinline
admit_chain(struct dipc_server *s, struct server_worker *w, struct server_chain *c,
	    unsigned int hcls, struct rte_mbuf *m, uint32_t nb_segs, uint32_t pkt_len,
	    uint16_t owner, unsigned int *taken)
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
		if (n == nb_segs || server_take_any(s, next, owner, &pm) != 0) {
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
	s->slots[owner - 1].cnt.bad_chains++;
	/* The body is dropped; the head, ours, carries the answer. */
	chain_free_tail(s, c);
	c->nb = 1;
	return -1;
}

/* No header could be read (too short, or the mbuf was repaired): an
 * error answer then carries method and stream id 0. */
static inline void
msg_no_header(struct dipc_server_msg *msg)
{
	msg->method = 0;
	msg->stream_id = 0;
	msg->flags = 0;
	msg->csum = 0;
}

/*
 * Read the header of a taken request once, into @msg, and check it: magic,
 * version, flags (a request, no unknown bits) and body_len against the
 * lengths the worker read (one segment: data_len; a chain: pkt_len).
 * @hdr_at is the header's place, from the pool map and the data offset
 * the worker read, not from the mbuf's buf_addr.
 */
static __rte_always_inline enum dipc_status
read_header(struct dipc_server_msg *msg, uint8_t *hdr_at, uint32_t seg_data, uint32_t total)
{
	struct dipc_msg_hdr h;

	if (unlikely(seg_data < DIPC_MSG_HDR_LEN)) {
		msg_no_header(msg);
		return DIPC_STATUS_BAD_LENGTH;
	}
	memcpy(&h, hdr_at, sizeof(h));
	msg->method = h.method;
	msg->stream_id = h.stream_id;
	msg->flags = h.flags;
	msg->csum = h.csum;
	if (unlikely(h.magic != DIPC_MSG_MAGIC))
		return DIPC_STATUS_BAD_MAGIC;
	if (unlikely(h.version != DIPC_MSG_VERSION))
		return DIPC_STATUS_BAD_VERSION;
	if (unlikely((h.flags & ~DIPC_MSG_F_ALL) != 0 ||
		     (h.flags & (DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR)) !=
			     DIPC_MSG_F_REQUEST))
		return DIPC_STATUS_BAD_FLAGS;
	if (unlikely(h.body_len != total - DIPC_MSG_HDR_LEN))
		return DIPC_STATUS_BAD_LENGTH;
	msg->body_len = h.body_len;
	msg->seg_len = seg_data - DIPC_MSG_HDR_LEN;
	return DIPC_STATUS_OK;
}

/* What admit() says of a pointer that is not ours to touch (not an mbuf,
 * not lent to the connection): left alone. Otherwise it returns an enum
 * dipc_status: DIPC_STATUS_OK to dispatch, or the error to answer with. */
#define ADMIT_SKIP DIPC_STATUS_MAX

/* What the handler's result makes of a request. */
enum req_fate {
	FATE_RESPOND, /* send the answer: the request in place, or msg->rsp */
	FATE_DROP,    /* no answer: free the request (and any answer built) */
	FATE_ERROR,   /* answer with an error status */
};

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
admit_other(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
	    struct rte_mbuf *m, uint16_t owner, int ret, unsigned int *taken)
{
	const struct dipc_ring_owner_map *pm = &s->maps[0];
	struct server_chain *c = server_req_chain(w, msg);
	uint16_t data_off, data_len, nb_segs;
	uint32_t pkt_len;
	unsigned int cls;

	*taken = 0;
	if (ret == 1 + SERVER_DROP_NOT_MBUF && s->nb_classes > 1)
		ret = server_take_any(s, m, owner, &pm);
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
		if (admit_chain(s, w, c, cls, m, nb_segs, pkt_len, owner, taken) != 0) {
			dipc_ring_mbuf_repair(pm, m);
			msg_place(msg, pm, m, RTE_PKTMBUF_HEADROOM, cls);
			msg_no_header(msg);
			return DIPC_STATUS_BAD_MBUF;
		}
		msg_place(msg, pm, m, c->off[0], cls);
		msg->nb_segs = (uint8_t)c->nb;
		return read_header(msg, msg->body - DIPC_MSG_HDR_LEN, c->len[0], pkt_len);
	}
	if (!dipc_ring_mbuf_fields_ok(pm, m, &data_off, &data_len)) {
		dipc_ring_mbuf_repair(pm, m);
		msg_place(msg, pm, m, RTE_PKTMBUF_HEADROOM, cls);
		msg_no_header(msg);
		return DIPC_STATUS_BAD_MBUF;
	}
	msg_place(msg, pm, m, data_off, cls);
	return read_header(msg, msg->body - DIPC_MSG_HDR_LEN, data_len, data_len);
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
admit(struct dipc_server *s, struct server_worker *w, const struct dipc_ring_owner_map *pm,
      struct dipc_server_msg *msg, struct rte_mbuf *m, uint16_t owner, unsigned int *taken)
{
	int ret = dipc_ring_take(pm, m, owner);
	uint16_t data_off, data_len;

	if (likely(ret == 0 && dipc_ring_mbuf_fields_ok(pm, m, &data_off, &data_len))) {
		*taken = 1;
		msg->nb_segs = 1;
		msg_place(msg, pm, m, data_off, 0);
		return read_header(msg, msg->body - DIPC_MSG_HDR_LEN, data_len, data_len);
	}
	/* Another class, not ours, or not a plain one-segment message: the
	 * slow path reads the fields again and decides on that read alone. */
	return admit_other(s, w, msg, m, owner, ret, taken);
}

/*
 * Run the handler of a good request. Returns FATE_RESPOND, FATE_DROP, or
 * FATE_ERROR with the status to answer with in *status.
 */
static __rte_always_inline enum req_fate
dispatch(struct dipc_server *s, struct dipc_server_msg *msg, enum dipc_status *status)
{
	const struct server_method *sm;
	int ret;

	sm = msg->method <= DIPC_SERVER_MAX_METHOD ? &s->methods[msg->method] : NULL;
	if (unlikely(sm == NULL || sm->fn == NULL)) {
		*status = DIPC_STATUS_UNKNOWN_METHOD;
		return FATE_ERROR;
	}
	msg->rsp_len = msg->body_len;
	msg->rsp_flags = 0;
	msg->rsp_csum = 0;
	msg->rsp = NULL;
	ret = sm->fn(msg, sm->arg);
	if (likely(ret == DIPC_HANDLER_RESPOND))
		return (msg->flags & DIPC_MSG_F_ONEWAY) ? FATE_DROP : FATE_RESPOND;
	if (ret == DIPC_HANDLER_DROP)
		return FATE_DROP;
	if (msg->rsp != NULL) /* an error after all: the answer built is not sent */
		server_msg_free_rsp(s, msg);
	*status = ret < 0 && -ret < DIPC_STATUS_MAX && -ret != DIPC_STATUS_OK ?
			  (enum dipc_status)-ret : DIPC_STATUS_UNKNOWN_METHOD;
	return FATE_ERROR;
}

/* Write a response header at @at from private values. */
static __rte_always_inline void
put_header(uint8_t *at, const struct dipc_server_msg *msg, uint8_t flags, uint16_t status,
	   uint32_t body_len, uint32_t csum)
{
	struct dipc_msg_hdr h = {
		.magic = DIPC_MSG_MAGIC, .version = DIPC_MSG_VERSION, .flags = flags,
		.method = msg->method, .status = status, .reserved = 0,
		.stream_id = msg->stream_id, .body_len = body_len, .csum = csum,
	};

	memcpy(at, &h, sizeof(h));
}

/*
 * Make the head of @msg an answer of one segment with a body of @body_len
 * bytes already in place: header and lengths written from private values;
 * a chain's other segments go back to their pools (from the private list).
 */
static __rte_always_inline void
answer_in_place(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
		uint8_t flags, uint16_t status, uint32_t body_len, uint32_t csum)
{
	struct rte_mbuf *m = msg->mbuf;

	if (unlikely(msg->nb_segs > 1)) {
		chain_free_tail(s, server_req_chain(w, msg));
		msg->nb_segs = 1;
		m->next = NULL;
	}
	put_header(msg->body - DIPC_MSG_HDR_LEN, msg, flags, status, body_len, csum);
	m->data_off = msg->data_off_;
	m->data_len = (uint16_t)(DIPC_MSG_HDR_LEN + body_len);
	m->pkt_len = DIPC_MSG_HDR_LEN + body_len;
	m->nb_segs = 1;
}

/* Turn a request into an error answer, in its head. */
static void __rte_noinline
answer_error(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
	     enum dipc_status status)
{
	w->st.invalid[status]++;
	if (msg->rsp != NULL)
		server_msg_free_rsp(s, msg);
	answer_in_place(s, w, msg, DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR, (uint16_t)status, 0, 0);
}

/* Rebuild the links and lengths of chain @c from its private list.
 * Returns the head. */
static struct rte_mbuf *
chain_seal(const struct server_chain *c)
{
	struct rte_mbuf *m;
	uint32_t total = 0;
	unsigned int i;

	for (i = 0; i < c->nb; i++) {
		m = c->seg[i];
		m->data_off = c->off[i];
		m->data_len = c->len[i];
		m->nb_segs = 1;
		m->next = i + 1 < c->nb ? c->seg[i + 1] : NULL;
		total += c->len[i];
	}
	m = c->seg[0];
	m->nb_segs = c->nb;
	m->pkt_len = total;
	return m;
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
 * Make @msg's answer ready to send: the request itself answered in place
 * (its header and lengths rewritten from private values; a chain relinked
 * from its private list), or the message the handler built with
 * dipc_server_rsp_alloc() (the request goes back to its pools). Returns
 * the answer's private segment list if it is a chain or the built answer
 * (to lend once the burst is taken), or NULL for one segment of the
 * request's head.
 */
static const struct server_chain * __rte_noinline
finish_other(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
	     struct rte_mbuf **out)
{
	struct server_chain *c = server_req_chain(w, msg);
	uint8_t flags = DIPC_MSG_F_RESPONSE | (msg->rsp_flags & DIPC_MSG_F_SEAL_BITS);

	if (msg->rsp != NULL) {
		struct server_chain *r = server_rsp_chain(w, msg);

		/* The request's segments are the server's; back to their pools. */
		if (msg->nb_segs > 1)
			chain_free_tail(s, c);
		rte_mempool_put(s->maps[msg->cls_].pool, msg->mbuf);
		put_header((uint8_t *)r->seg[0] + s->maps[r->cls[0]].buf_offset + r->off[0], msg,
			   flags, DIPC_STATUS_OK, msg->rsp_len, msg->rsp_csum);
		*out = chain_seal(r);
		msg->rsp = NULL;
		return r;
	}
	if (msg->nb_segs > 1 && msg->rsp_len == msg->body_len) {
		/* The chain answered as it came (echo): relinked from the
		 * private list, whatever its next pointers say now. */
		put_header(msg->body - DIPC_MSG_HDR_LEN, msg, flags, DIPC_STATUS_OK, msg->rsp_len,
			   msg->rsp_csum);
		*out = chain_seal(c);
		return c;
	}
	if (msg->rsp_len > msg->room) {
		/* A handler's mistake: more than the head holds. */
		answer_error(s, w, msg, DIPC_STATUS_BAD_LENGTH);
	} else {
		answer_in_place(s, w, msg, flags, DIPC_STATUS_OK, msg->rsp_len, msg->rsp_csum);
	}
	*out = msg->mbuf;
	return NULL;
}

/*
 * Drop a request (one-way, or the handler said so) that is not a plain
 * one-segment message of class 0, with whatever answer it built: every
 * segment back to its pool, from the private lists.
 */
static void __rte_noinline
drop_other(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg)
{
	if (msg->rsp != NULL)
		server_msg_free_rsp(s, msg);
	if (msg->nb_segs > 1)
		chain_free_tail(s, server_req_chain(w, msg));
	rte_mempool_put(s->maps[msg->cls_].pool, msg->mbuf);
}

/* Free the answer a handler built (dipc_server_rsp_alloc()), segment by
 * segment from its private list. */
void
server_msg_free_rsp(struct dipc_server *s, struct dipc_server_msg *msg)
{
	struct server_worker *w = msg->worker_;
	const struct server_chain *r = server_rsp_chain(w, msg);
	unsigned int i;

	for (i = 0; i < r->nb; i++)
		rte_mempool_put(s->maps[r->cls[i]].pool, r->seg[i]);
	msg->rsp = NULL;
}

/*
 * Poll one connection: a burst in, a burst out. Returns messages handled.
 *
 * Requests are read only as many as the response ring has room for, so
 * every answer fits when it is sent and nothing waits in the server's
 * hands between two polls: a client that does not read its responses
 * holds up its own requests (backpressure), loses none, and stalls nobody
 * else.
 */
static __rte_always_inline unsigned int
poll_slot(struct dipc_server *s, struct server_worker *w, uint32_t slot, unsigned int burst,
	  struct dipc_capture *cap)
{
	const struct dipc_ring_owner_map *pm = &s->maps[0];
	struct server_slot *ss = &s->slots[slot];
	struct rte_mbuf *rx[SERVER_MAX_BURST], *drop[SERVER_MAX_BURST];
	const struct server_chain *tx_chain[SERVER_MAX_BURST];
	uint8_t tx_cls[SERVER_MAX_BURST];
	struct dipc_shm_conn *conn = ss->conn;
	struct dipc_server_msg *msgs = w->msgs;
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int n, i, nb_tx = 0, nb_drop = 0, sent, bad = 0, taken = 0, used;
	unsigned int room, nseg;
	uint32_t lend_want;
	int all_plain = 1;
	SERVER_CYC_START(cyc);

	/* The client ran out of mbufs: double its share, up to its window.
	 * Read every poll, but the line is rarely written. */
	lend_want = __atomic_load_n(&conn->lend_want, __ATOMIC_RELAXED);
	if (unlikely(lend_want != ss->lend_want_seen)) {
		ss->lend_want_seen = lend_want;
		/* A want for larger classes is served as such, not as class 0. */
		if (s->nb_classes > 1 && lend_classes(s, w, ss, slot))
			goto served;
		ss->lend_target = RTE_MIN(RTE_MAX(ss->lend_target * 2, ss->lent + burst),
					  ss->lend_cap);
		/* At its share already: tell the client not to wait. */
		if (ss->lent >= ss->lend_target)
			server_refuse_lend(ss);
		else
			lend(pm, ss, slot, NULL, 0, w->scratch);
	}
served:
	/* Read every poll, but the client rarely writes to it. */
	if (unlikely(dipc_ring_end_count(&ss->free) != 0))
		take_returns(pm, w, ss, slot);

	room = dipc_ring_end_free(&ss->rsp);
	if (unlikely(room < burst)) {
		if (room == 0) {
			/* The client is not reading: the control lcore times it.
			 * Rare, so the clock read is off the fast path. */
			if (dipc_ring_end_count(&ss->req) != 0) {
				ss->cnt.rsp_full++;
				if (__atomic_load_n(&ss->stall_since, __ATOMIC_RELAXED) == 0)
					__atomic_store_n(&ss->stall_since, dipc_eal_now_ns(),
							 __ATOMIC_RELAXED);
			}
			return 0;
		}
		burst = room;
	}
	n = dipc_ring_end_dequeue(&ss->req, (void **)rx, burst);
	if (n == 0)
		return 0;
	SERVER_CYC_MARK(w, cyc, SERVER_CYC_PREP);
	if (unlikely(__atomic_load_n(&ss->stall_since, __ATOMIC_RELAXED) != 0))
		__atomic_store_n(&ss->stall_since, 0, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		struct dipc_server_msg *msg = &msgs[i];
		unsigned int status;
		enum dipc_status err;
		enum req_fate fate;

		nseg = 0;
		status = admit(s, w, pm, msg, rx[i], owner, &nseg);
		taken += nseg;
		SERVER_CYC_MARK(w, cyc, SERVER_CYC_TAKE);
		if (unlikely(status == ADMIT_SKIP)) {
			bad++;
			continue;
		}
		if (likely(status == DIPC_STATUS_OK)) {
			/* As the client sent it, before a handler rewrites it. */
			if (unlikely(cap != NULL))
				dipc_capture_msgs(cap, w->index, slot, rx + i, 1,
						  DIPC_CAPTURE_REQUEST);
			fate = dispatch(s, msg, &err);
		} else {
			msg->rsp = NULL;
			err = (enum dipc_status)status;
			fate = FATE_ERROR;
		}
		SERVER_CYC_MARK(w, cyc, SERVER_CYC_HANDLER);
		if (likely(fate == FATE_RESPOND)) {
			/* The plain answer: class 0, one segment, in place. */
			if (likely(msg->cls_ == 0 && msg->nb_segs == 1 && msg->rsp == NULL &&
				   msg->rsp_len <= msg->room)) {
				answer_in_place(s, w, msg,
						DIPC_MSG_F_RESPONSE |
							(msg->rsp_flags & DIPC_MSG_F_SEAL_BITS),
						DIPC_STATUS_OK, msg->rsp_len, msg->rsp_csum);
				tx_chain[nb_tx] = NULL;
				tx_cls[nb_tx] = 0;
				rx[nb_tx++] = msg->mbuf;
			} else {
				tx_cls[nb_tx] = msg->cls_;
				tx_chain[nb_tx] = finish_other(s, w, msg, &rx[nb_tx]);
				nb_tx++;
				all_plain = 0;
			}
		} else if (fate == FATE_DROP) {
			if (likely(msg->cls_ == 0 && msg->nb_segs == 1 && msg->rsp == NULL))
				drop[nb_drop++] = msg->mbuf;
			else
				drop_other(s, w, msg);
		} else {
			/* Invalid: answer with the reason, in the request's head. */
			bad++;
			answer_error(s, w, msg, err);
			tx_cls[nb_tx] = msg->cls_;
			tx_chain[nb_tx] = NULL;
			all_plain &= msg->cls_ == 0;
			rx[nb_tx++] = msg->mbuf;
		}
		SERVER_CYC_MARK(w, cyc, SERVER_CYC_ANSWER);
	}
	ss->lent -= taken;
	ss->cnt.rx_msgs += n;
	if (unlikely(bad != 0))
		ss->cnt.invalid_msgs += bad;
	if (nb_tx != 0) {
		/* Lent only now that the whole burst is taken: a pointer that
		 * came twice in it must find its mbuf not lent the second time. */
		if (likely(all_plain)) {
			for (i = 0; i < nb_tx; i++)
				dipc_ring_lend(pm, rx[i], owner);
			ss->lent += nb_tx;
		} else {
			for (i = 0; i < nb_tx; i++)
				ss->lent += tx_chain[i] != NULL ?
					chain_lend(s, tx_chain[i], owner) :
					(dipc_ring_lend(&s->maps[tx_cls[i]], rx[i], owner), 1);
		}
		/* Before the send: then the client owns them. */
		if (unlikely(cap != NULL))
			dipc_capture_msgs(cap, w->index, slot, rx, nb_tx, DIPC_CAPTURE_RESPONSE);
		/* Room was counted before the dequeue and only this lcore
		 * produces: every answer fits. */
		sent = dipc_ring_end_enqueue(&ss->rsp, (void **)rx, nb_tx);
		ss->cnt.tx_msgs += sent;
		if (unlikely(sent < nb_tx))
			server_unsent(s, ss, rx + sent, nb_tx - sent);
	}
	/* The client spent what it sent one-way: lend it more, the dropped
	 * mbufs first. */
	used = lend(pm, ss, slot, drop, nb_drop, w->scratch);
	/* The pool is the map's, not the mbuf's: a client may have written
	 * the mbuf's pool field since the check. */
	if (nb_drop > used)
		rte_mempool_put_bulk(pm->pool, (void **)(drop + used), nb_drop - used);
	SERVER_CYC_MARK(w, cyc, SERVER_CYC_SEND);
#ifdef DIPC_WORKER_CYCLES
	w->cyc.msgs += n;
#endif
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
	struct dipc_shm_worker_stats *const st = &w->st;
	uint32_t idle = 0, i, nb_slots;
	struct dipc_capture *cap;
	unsigned int work;

	rte_rcu_qsbr_thread_register(s->qsbr, w->index);
	rte_rcu_qsbr_thread_online(s->qsbr, w->index);
	while (!__atomic_load_n(&s->workers_quit, __ATOMIC_RELAXED)) {
		SERVER_CYC_START(pass_start);

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
#ifdef DIPC_WORKER_CYCLES
			w->cyc.busy += rte_rdtsc() - pass_start;
#endif
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

/*
 * Answers the response ring had no room for, though it was counted: cannot
 * happen while this lcore is the ring's only producer. Should it, take them
 * back from the client's account (they were lent) and free them segment by
 * segment from the owner tables, so nothing is lost or lent twice.
 */
void
server_unsent(struct dipc_server *s, struct server_slot *ss, struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	SERVER_LOG(ERR, "response ring of slot %td had no room for %u answers",
		   ss - s->slots, n);
	for (i = 0; i < n; i++) {
		const struct dipc_ring_owner_map *pm = server_map_of(s, m[i]);

		/* A head lent a moment ago: one segment is taken back here;
		 * the rest of a chain stays lent and is swept at close. */
		if (pm != NULL && dipc_ring_take(pm, m[i], DIPC_RING_OWNER_SLOT(ss - s->slots)) == 0) {
			ss->lent--;
			rte_mempool_put(pm->pool, m[i]);
		}
	}
}

unsigned int
server_sweep_slot(struct dipc_server *s, uint32_t slot)
{
	const uint16_t owner = DIPC_RING_OWNER_SLOT(slot);
	unsigned int c, n, k = 0;

	/* Segment by segment: a chain's segments are in the owner tables one
	 * by one, whatever their next pointers say now. */
	for (c = 0; c < s->nb_classes; c++) {
		/* Straight back to the pool, unread: lend() rewrites every
		 * field a client could have changed before it lends it again. */
		n = dipc_ring_owner_collect(&s->maps[c], owner, (void **)s->control_scratch);
		if (n != 0)
			rte_mempool_put_bulk(s->maps[c].pool, (void **)s->control_scratch, n);
		k += n;
	}
	return k;
}
