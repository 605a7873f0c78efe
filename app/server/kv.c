/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key-value service (kv_service.h; README "Key-value service").
 *
 * Layout in hugepage memory (all made by kv_create(), nothing allocated
 * per request):
 *   - an rte_hash of 64-byte keys (length u16 + bytes, zero-padded, so
 *     "a" and "a\0" are different keys); a key's position (what
 *     rte_hash_add_key() returns) indexes
 *   - entry[]: one 64-bit word per position: the key's value slot + 1
 *     (0: none), a version counting its PUTs, and a LIVE bit (the key is
 *     counted in nb_keys);
 *   - a slab of value slots (length + bytes), and a ring of free slot
 *     indices;
 *   - a defer queue (rte_rcu_qsbr_dq) on the server's RCU variable, which
 *     the workers report to between passes (dipc_server_rcu()).
 *
 * Concurrency, with any number of workers running handlers at once:
 *   - The hash is created with RW_CONCURRENCY_LF (lookups take no lock and
 *     never see a torn key while a writer adds or deletes) and
 *     MULTI_WRITER_ADD (adds and deletes from several lcores; rte_hash
 *     serialises them on its own writer lock, so only PUT of a new key and
 *     DELETE take it: GET and an overwrite look up lock-free). EXT_TABLE
 *     makes every one of `entries` keys fit, whatever the buckets. In LF
 *     mode a deleted key's position is not reused until we free it
 *     (rte_hash_free_key_with_position()), which we do only after a grace
 *     period, so a reader holding a position never sees it reused.
 *   - A value never changes once published: a PUT writes a fresh slot and
 *     swaps it into the entry word with one compare-and-swap (release);
 *     a GET loads the word (acquire) and copies from the slot it names.
 *     The replaced slot goes to the defer queue, and back to the free ring
 *     only after every worker passed a quiescent state, that is, after
 *     every GET that could have loaded the old word has finished. So a
 *     GET returns one whole value, the old or the new, never a mix, with
 *     no lock and no retry.
 *   - The word carries the version with the slot, so a GET's version and
 *     value belong together; two concurrent PUTs of one key each replace
 *     exactly one slot (the CAS tells each which), so no slot is freed
 *     twice or lost.
 *   - nb_keys is reserved before a new key is added (FULL exactly at
 *     `keys` keys); the LIVE bit says which entry holds the count, so two
 *     PUTs racing to create one key, or a PUT racing a DELETE, leave the
 *     count exact once the deleted position is reclaimed.
 *
 * A request's body is copied out once into the lcore's buffer
 * (dipc_server_msg_read(), from one segment or a chain) and validated and
 * read there: the client can still write the mbuf while the handler runs,
 * and a body validated in place could change under the reads that trust
 * it. Answers that fit the request's first segment are built in place
 * there; a larger one (a GET of a large value, value_max up to what a
 * chain carries) goes out in a new message or a chain
 * (dipc_server_rsp_alloc(), dipc_server_rsp_write()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dipc_codec_seal.h"
#include "dipc_server.h"
#include "kv.h" /* generated from docs/examples/kv.schema */
#include "kv_service.h"

/* Entry word: slot + 1 in bits 0..31, version in 32..62, LIVE in 63. */
#define W_SLOT(w) ((uint32_t)(w))
#define W_VERSION(w) (((w) >> 32) & 0x7fffffffull)
#define W_LIVE 0x8000000000000000ull
#define W_MAKE(live, version, slot1) \
	((live) | (((uint64_t)(version) & 0x7fffffffull) << 32) | (uint64_t)(slot1))

/* Responses are compressed (when asked) only above this body length. */
#define KV_COMPRESS_OVER 64
/* Deferred frees reclaimed at once when the free ring runs dry; and how
 * many the defer queue must hold before a PUT reclaims any. */
#define KV_RECLAIM_BURST 64
/* Most deferred frees one PUT reclaims on its way (rte_rcu_qsbr_dq's
 * automatic reclaim, once KV_RECLAIM_BURST wait): twice what it defers,
 * so the queue drains, and few, so no PUT pays for many. With 64 here,
 * one PUT in 64 freed 64 slots inline: the PUT p99 of 4.4 us. */
#define KV_RECLAIM_STEP 2

/* The key as stored in the hash: 64 bytes, rte_hash's fast compare size. */
struct kv_hkey {
	uint16_t len;
	uint8_t b[KV_KEY_MAX];
};
_Static_assert(sizeof(struct kv_hkey) == 64, "hash keys are 64 bytes");

struct kv_slot {
	uint32_t len;
	uint32_t pad;
	uint8_t data[];
};

/* Deferred until a grace period has passed. */
enum { KV_DEFER_SLOT = 1, KV_DEFER_POS = 2 };
struct kv_defer {
	uint32_t kind;
	uint32_t idx;
};

/* Counters of one lcore: written by that worker only, summed by reports. */
struct kv_lcore {
	uint64_t gets, hits, misses, puts, deletes, errors, full;
	uint8_t *scratch; /* [plain_max]: an opened request, a response to seal */
	uint8_t *raw;     /* [plain_max]: a chained request, a sealed response */
} __rte_cache_aligned;

struct kv_service {
	struct rte_hash *hash;
	uint64_t *entry;          /* [nb_pos] */
	uint8_t *slab;            /* nb_slots * slot_size */
	struct rte_ring *free;    /* of uint32_t slot indices */
	struct rte_rcu_qsbr_dq *dq;
	uint32_t nb_pos, nb_slots, slot_size;
	uint32_t max_keys, value_max;
	uint32_t plain_max;       /* largest request or response body handled */
	uint32_t nb_keys;         /* keys counted (atomic) */
	uint64_t defer_failed;    /* cannot happen: the queue holds every resource */
	struct kv_lcore lcore[RTE_MAX_LCORE];
};

uint32_t
kv_value_max_fit(uint32_t body_max)
{
	uint64_t need = kv_put_req_size(KV_KEY_MAX, 0);

	return body_max >= need ? (uint32_t)(body_max - need) : 0;
}

static inline struct kv_slot *
slot_at(const struct kv_service *kv, uint32_t idx)
{
	return (struct kv_slot *)(kv->slab + (size_t)idx * kv->slot_size);
}

static void
free_slot(struct kv_service *kv, uint32_t idx)
{
	/* Cannot fail: the ring has room for every slot. */
	rte_ring_enqueue_elem(kv->free, &idx, sizeof(idx));
}

/* rte_rcu_qsbr_free_resource_t: a grace period has passed since @e was
 * unlinked; no handler still reads it. */
static void
reclaim(void *p, void *e, unsigned int n)
{
	struct kv_service *kv = p;
	const struct kv_defer *d = e;
	unsigned int i;
	uint64_t w;

	for (i = 0; i < n; i++) {
		if (d[i].kind == KV_DEFER_SLOT) {
			free_slot(kv, d[i].idx);
			continue;
		}
		/* A PUT that found the key before it was deleted may have put a
		 * value (and the creator's count) into the dead entry since. */
		w = __atomic_exchange_n(&kv->entry[d[i].idx], 0, __ATOMIC_ACQ_REL);
		if (W_SLOT(w) != 0)
			free_slot(kv, W_SLOT(w) - 1);
		if (w & W_LIVE)
			__atomic_fetch_sub(&kv->nb_keys, 1, __ATOMIC_RELAXED);
		rte_hash_free_key_with_position(kv->hash, (int32_t)d[i].idx);
	}
}

static void
defer(struct kv_service *kv, uint32_t kind, uint32_t idx)
{
	struct kv_defer d = { .kind = kind, .idx = idx };

	if (unlikely(rte_rcu_qsbr_dq_enqueue(kv->dq, &d) != 0))
		__atomic_fetch_add(&kv->defer_failed, 1, __ATOMIC_RELAXED);
}

static int
alloc_slot(struct kv_service *kv, uint32_t *idx)
{
	if (likely(rte_ring_dequeue_elem(kv->free, idx, sizeof(*idx)) == 0))
		return 0;
	/* Only frees deferred in earlier passes can be reclaimed here: this
	 * worker is inside a pass itself. */
	rte_rcu_qsbr_dq_reclaim(kv->dq, KV_RECLAIM_BURST, NULL, NULL, NULL);
	return rte_ring_dequeue_elem(kv->free, idx, sizeof(*idx));
}

/* Copy a key into its hash form, zero-padded. */
static enum kv_kv_status
make_key(struct kv_hkey *k, const uint8_t *key, uint32_t len)
{
	if (len > KV_KEY_MAX)
		return kv_kv_status_TOO_LARGE;
	memset(k, 0, sizeof(*k));
	k->len = (uint16_t)len;
	memcpy(k->b, key, len);
	return kv_kv_status_OK;
}

/* Is [p, p + len) inside the body? The validator said so, but the getters
 * read the reference again from the mbuf, which the client could (by a
 * bug) still write: check the result, two compares. */
static inline bool
in_body(const void *body, uint32_t body_len, const uint8_t *p, uint32_t len)
{
	uintptr_t b = (uintptr_t)body, q = (uintptr_t)p;

	return q >= b && len <= body_len && q - b <= body_len - len;
}

static enum kv_kv_status
kv_get(struct kv_service *kv, const struct kv_hkey *k, const struct kv_slot **s,
       uint64_t *version)
{
	int32_t pos = rte_hash_lookup(kv->hash, k);
	uint64_t w;

	if (pos < 0)
		return kv_kv_status_NOT_FOUND;
	w = __atomic_load_n(&kv->entry[pos], __ATOMIC_ACQUIRE);
	if (W_SLOT(w) == 0)
		return kv_kv_status_NOT_FOUND;
	*s = slot_at(kv, W_SLOT(w) - 1);
	*version = W_VERSION(w);
	return kv_kv_status_OK;
}

static enum kv_kv_status
kv_put(struct kv_service *kv, const struct kv_hkey *k, const uint8_t *value, uint32_t len,
       bool if_absent, uint64_t *version)
{
	struct kv_slot *s;
	uint64_t old, w;
	uint32_t idx;
	int32_t pos;
	bool counted = false;

	if (alloc_slot(kv, &idx) != 0)
		return kv_kv_status_BUSY;
	s = slot_at(kv, idx);
	s->len = len;
	memcpy(s->data, value, len);

	pos = rte_hash_lookup(kv->hash, k);
	if (pos < 0) {
		/* A new key: reserve its place in the count first. */
		if (__atomic_fetch_add(&kv->nb_keys, 1, __ATOMIC_RELAXED) >= kv->max_keys) {
			__atomic_fetch_sub(&kv->nb_keys, 1, __ATOMIC_RELAXED);
			free_slot(kv, idx);
			return kv_kv_status_FULL;
		}
		counted = true;
		pos = rte_hash_add_key(kv->hash, k);
		if (pos < 0 || (uint32_t)pos >= kv->nb_pos) {
			/* -ENOSPC: positions deleted but not yet reclaimed. */
			__atomic_fetch_sub(&kv->nb_keys, 1, __ATOMIC_RELAXED);
			free_slot(kv, idx);
			return kv_kv_status_BUSY;
		}
	}
	old = __atomic_load_n(&kv->entry[pos], __ATOMIC_RELAXED);
	do {
		if (if_absent && W_SLOT(old) != 0) {
			if (counted)
				__atomic_fetch_sub(&kv->nb_keys, 1, __ATOMIC_RELAXED);
			free_slot(kv, idx);
			*version = W_VERSION(old);
			return kv_kv_status_EXISTS;
		}
		w = W_MAKE((counted ? W_LIVE : 0) | (old & W_LIVE), W_VERSION(old) + 1, idx + 1);
	} while (!__atomic_compare_exchange_n(&kv->entry[pos], &old, w, false, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	/* Two PUTs created the key at once: one count is enough. */
	if (counted && (old & W_LIVE))
		__atomic_fetch_sub(&kv->nb_keys, 1, __ATOMIC_RELAXED);
	if (W_SLOT(old) != 0)
		defer(kv, KV_DEFER_SLOT, W_SLOT(old) - 1);
	*version = W_VERSION(w);
	return kv_kv_status_OK;
}

static enum kv_kv_status
kv_delete(struct kv_service *kv, const struct kv_hkey *k)
{
	int32_t pos = rte_hash_del_key(kv->hash, k);
	uint64_t old;

	if (pos < 0)
		return kv_kv_status_NOT_FOUND;
	old = __atomic_exchange_n(&kv->entry[pos], 0, __ATOMIC_ACQ_REL);
	if (old & W_LIVE)
		__atomic_fetch_sub(&kv->nb_keys, 1, __ATOMIC_RELAXED);
	if (W_SLOT(old) != 0)
		defer(kv, KV_DEFER_SLOT, W_SLOT(old) - 1);
	defer(kv, KV_DEFER_POS, (uint32_t)pos);
	return kv_kv_status_OK;
}

/*
 * Open a request: its body is copied out whole into the lcore's raw
 * buffer, from one segment or a chain (dipc_server_msg_read(), which
 * follows the worker's private list of segments). Everything after reads
 * that private copy: the client that sent the request can still write its
 * mbuf, so a body validated in place could change between the validator
 * and the reads that trust it. Then its CRC32C is checked and it is
 * decompressed (into the lcore's scratch) if the header said so. The body
 * is then still to be validated.
 */
static enum kv_kv_status
open_request(const struct kv_service *kv, struct kv_lcore *lc, const struct dipc_server_msg *msg,
	     const void **body, uint32_t *len)
{
	struct dipc_msg_hdr h = {
		.flags = msg->flags, .body_len = msg->body_len, .csum = msg->csum,
	};

	if (msg->body_len > kv->plain_max)
		return kv_kv_status_TOO_LARGE;
	if (dipc_server_msg_read(msg, 0, msg->body_len, lc->raw) != 0)
		return kv_kv_status_BAD_REQUEST;
	if (likely((msg->flags & DIPC_MSG_F_SEAL_BITS) == 0)) {
		*body = lc->raw;
		*len = msg->body_len;
		return kv_kv_status_OK;
	}
	switch (dipc_codec_open(&h, lc->raw, msg->body_len, lc->scratch, kv->plain_max, body,
				len)) {
	case 0:
		return kv_kv_status_OK;
	case -EBADMSG:
		return kv_kv_status_BAD_CSUM;
	case -EMSGSIZE:
		return kv_kv_status_TOO_LARGE;
	default:
		return kv_kv_status_BAD_REQUEST;
	}
}

/* The response's fields, whatever its type. */
struct kv_answer {
	enum kv_kv_status status;
	uint64_t version;
	const struct kv_slot *value; /* GET hit only */
};

/* Build the plain body of a response into @p buf; returns its length, or
 * 0 if it does not fit @p room (cannot happen: the rooms were sized for
 * value_max at start). */
static uint32_t
build_answer(void *buf, uint32_t room, uint16_t type, const struct kv_answer *a)
{
	struct dipc_codec_builder b;
	uint32_t len;

	switch (type) {
	case KV_GET_RSP_ID:
		kv_get_rsp_build_init(&b, buf, room);
		kv_get_rsp_set_status(b.body, a->status);
		kv_get_rsp_set_version(b.body, a->version);
		if (a->value != NULL)
			kv_get_rsp_set_value(&b, a->value->data, a->value->len);
		break;
	case KV_PUT_RSP_ID:
		kv_put_rsp_build_init(&b, buf, room);
		kv_put_rsp_set_status(b.body, a->status);
		kv_put_rsp_set_version(b.body, a->version);
		break;
	default:
		kv_delete_rsp_build_init(&b, buf, room);
		kv_delete_rsp_set_status(b.body, a->status);
		break;
	}
	return dipc_codec_build_finish(&b, &len) == 0 ? len : 0;
}

/* Count an answer that is not a plain success or miss. */
static inline void
count(struct kv_lcore *lc, enum kv_kv_status st)
{
	if (st == kv_kv_status_FULL || st == kv_kv_status_BUSY)
		lc->full++;
	else if (st != kv_kv_status_OK && st != kv_kv_status_NOT_FOUND &&
		 st != kv_kv_status_EXISTS)
		lc->errors++;
}

/*
 * Answer the request. Everything the response needs from the request was
 * copied out before (the key into a kv_hkey, a PUT's value into its slot),
 * so the request's buffer can be overwritten:
 *   - in place, when the response body fits the request's first segment
 *     (every answer but a GET of a large value): built in the lcore's
 *     scratch, sealed as @p seal asks into the request's body;
 *   - else in a new message of the class that fits, or a chain
 *     (dipc_server_rsp_alloc()): built and sealed in the lcore's buffers,
 *     then copied in.
 * The worker writes the header from msg->rsp_len, rsp_flags, rsp_csum.
 */
static int
respond(struct kv_service *kv, struct kv_lcore *lc, struct dipc_server_msg *msg, uint16_t type,
	const struct kv_answer *a, uint32_t seal)
{
	static const struct kv_answer busy = { .status = kv_kv_status_BUSY };
	struct dipc_msg_hdr t;
	uint32_t len;
	const void *src;

	count(lc, a->status);
	memset(&t, 0, sizeof(t));
	if (likely((seal & DIPC_CODEC_SEAL_F_LZ4) == 0)) {
		/* Built straight into the request's body when it fits: the
		 * common case, no copy. The bytes are only written here. */
		len = build_answer(msg->body, msg->room, type, a);
		if (likely(len != 0)) {
			t.body_len = len;
			if (seal != 0 && dipc_codec_seal(&t, msg->body, len, msg->body, msg->room,
							 seal, KV_COMPRESS_OVER) != 0)
				return -DIPC_STATUS_BAD_LENGTH;
			msg->rsp_len = t.body_len;
			msg->rsp_flags = t.flags & DIPC_MSG_F_SEAL_BITS;
			msg->rsp_csum = t.csum;
			return DIPC_HANDLER_RESPOND;
		}
	}
	len = build_answer(lc->scratch, kv->plain_max, type, a);
	if (unlikely(len == 0))
		return -DIPC_STATUS_BAD_LENGTH;
	src = lc->scratch;
	t.body_len = len;
	if (seal != 0) {
		if (dipc_codec_seal(&t, lc->scratch, len, lc->raw, kv->plain_max, seal,
				    KV_COMPRESS_OVER) != 0)
			return -DIPC_STATUS_BAD_LENGTH;
		src = lc->raw;
	}
	if (unlikely(t.body_len > msg->room)) {
		if (dipc_server_rsp_alloc(msg, t.body_len) == NULL) {
			/* A pool ran short: say BUSY in place, which fits any
			 * mbuf (a header and a few bytes). */
			count(lc, kv_kv_status_BUSY);
			len = build_answer(lc->scratch, msg->room, type, &busy);
			if (unlikely(len == 0))
				return -DIPC_STATUS_BAD_LENGTH;
			memset(&t, 0, sizeof(t));
			t.body_len = len;
			src = lc->scratch;
			if ((seal & DIPC_CODEC_SEAL_F_CSUM) != 0 &&
			    dipc_codec_seal(&t, lc->scratch, len, lc->raw, kv->plain_max,
					    DIPC_CODEC_SEAL_F_CSUM, KV_COMPRESS_OVER) != 0)
				return -DIPC_STATUS_BAD_LENGTH;
		} else {
			dipc_server_rsp_write(msg, 0, src, t.body_len);
			src = NULL;
		}
	}
	if (src != NULL) {
		memcpy(msg->body, src, t.body_len);
		msg->rsp_len = t.body_len;
	}
	msg->rsp_flags = t.flags & DIPC_MSG_F_SEAL_BITS;
	msg->rsp_csum = t.csum;
	return DIPC_HANDLER_RESPOND;
}

/* The lcore's counters and scratch; NULL off a worker lcore. */
static inline struct kv_lcore *
this_lcore(struct kv_service *kv)
{
	unsigned int id = rte_lcore_id();

	if (unlikely(id >= RTE_MAX_LCORE || kv->lcore[id].scratch == NULL))
		return NULL;
	return &kv->lcore[id];
}

/* A PUT or DELETE is answered with a CRC32C when it came with one. */
static inline uint32_t
echo_seal(const struct dipc_server_msg *msg)
{
	return (msg->flags & DIPC_MSG_F_CSUM) ? DIPC_CODEC_SEAL_F_CSUM : 0;
}

static int
get_handler(struct dipc_server_msg *msg, void *arg)
{
	struct kv_service *kv = arg;
	struct kv_lcore *lc = this_lcore(kv);
	struct kv_answer a = { .status = kv_kv_status_OK };
	const uint8_t *key;
	const void *body;
	uint32_t len, klen, want, seal = echo_seal(msg);
	struct kv_hkey k;

	if (unlikely(lc == NULL))
		return -DIPC_STATUS_UNKNOWN_METHOD;
	lc->gets++;
	a.status = open_request(kv, lc, msg, &body, &len);
	if (a.status == kv_kv_status_OK && kv_get_req_validate(body, len, NULL) != DIPC_CODEC_OK)
		a.status = kv_kv_status_BAD_REQUEST;
	if (a.status == kv_kv_status_OK) {
		/* The request says how to seal the response; until it is read,
		 * an error answer echoes the request's CRC32C. */
		want = kv_get_req_get_seal(body);
		key = kv_get_req_get_key(body, &klen);
		if ((want & ~DIPC_CODEC_SEAL_F_ALL) != 0 || !in_body(body, len, key, klen)) {
			a.status = kv_kv_status_BAD_REQUEST;
		} else {
			seal = want;
			a.status = make_key(&k, key, klen);
		}
	}
	if (a.status == kv_kv_status_OK) {
		a.status = kv_get(kv, &k, &a.value, &a.version);
		if (a.status == kv_kv_status_OK)
			lc->hits++;
		else
			lc->misses++;
	}
	return respond(kv, lc, msg, KV_GET_RSP_ID, &a, seal);
}

static int
put_handler(struct dipc_server_msg *msg, void *arg)
{
	struct kv_service *kv = arg;
	struct kv_lcore *lc = this_lcore(kv);
	struct kv_answer a = { .status = kv_kv_status_OK };
	const uint8_t *key, *value;
	const void *body;
	uint32_t len, klen, vlen;
	struct kv_hkey k;

	if (unlikely(lc == NULL))
		return -DIPC_STATUS_UNKNOWN_METHOD;
	lc->puts++;
	a.status = open_request(kv, lc, msg, &body, &len);
	if (a.status == kv_kv_status_OK && kv_put_req_validate(body, len, NULL) != DIPC_CODEC_OK)
		a.status = kv_kv_status_BAD_REQUEST;
	if (a.status == kv_kv_status_OK) {
		key = kv_put_req_get_key(body, &klen);
		value = kv_put_req_get_value(body, &vlen);
		if (kv_put_req_get_ttl_s(body) != 0 || !in_body(body, len, key, klen) ||
		    !in_body(body, len, value, vlen))
			a.status = kv_kv_status_BAD_REQUEST;
		else if (vlen > kv->value_max)
			a.status = kv_kv_status_TOO_LARGE;
		else
			a.status = make_key(&k, key, klen);
	}
	if (a.status == kv_kv_status_OK)
		a.status = kv_put(kv, &k, value, vlen, kv_put_req_get_if_absent(body), &a.version);
	return respond(kv, lc, msg, KV_PUT_RSP_ID, &a, echo_seal(msg));
}

static int
delete_handler(struct dipc_server_msg *msg, void *arg)
{
	struct kv_service *kv = arg;
	struct kv_lcore *lc = this_lcore(kv);
	struct kv_answer a = { .status = kv_kv_status_OK };
	const uint8_t *key;
	const void *body;
	uint32_t len, klen;
	struct kv_hkey k;

	if (unlikely(lc == NULL))
		return -DIPC_STATUS_UNKNOWN_METHOD;
	lc->deletes++;
	a.status = open_request(kv, lc, msg, &body, &len);
	if (a.status == kv_kv_status_OK &&
	    kv_delete_req_validate(body, len, NULL) != DIPC_CODEC_OK)
		a.status = kv_kv_status_BAD_REQUEST;
	if (a.status == kv_kv_status_OK) {
		key = kv_delete_req_get_key(body, &klen);
		a.status = in_body(body, len, key, klen) ? make_key(&k, key, klen) :
							   kv_kv_status_BAD_REQUEST;
	}
	if (a.status == kv_kv_status_OK)
		a.status = kv_delete(kv, &k);
	return respond(kv, lc, msg, KV_DELETE_RSP_ID, &a, echo_seal(msg));
}

int
kv_store_put(struct kv_service *kv, const void *key, uint32_t klen, const void *value,
	     uint32_t vlen, int if_absent, uint64_t *version)
{
	struct kv_hkey k;
	enum kv_kv_status st = make_key(&k, key, klen);

	*version = 0;
	if (st == kv_kv_status_OK && vlen > kv->value_max)
		st = kv_kv_status_TOO_LARGE;
	if (st == kv_kv_status_OK)
		st = kv_put(kv, &k, value, vlen, if_absent != 0, version);
	return (int)st;
}

int
kv_store_get(struct kv_service *kv, const void *key, uint32_t klen, const void **value,
	     uint32_t *vlen, uint64_t *version)
{
	const struct kv_slot *s = NULL;
	struct kv_hkey k;
	enum kv_kv_status st = make_key(&k, key, klen);

	*version = 0;
	if (st == kv_kv_status_OK)
		st = kv_get(kv, &k, &s, version);
	*value = s != NULL ? s->data : NULL;
	*vlen = s != NULL ? s->len : 0;
	return st;
}

int
kv_store_delete(struct kv_service *kv, const void *key, uint32_t klen)
{
	struct kv_hkey k;
	enum kv_kv_status st = make_key(&k, key, klen);

	if (st == kv_kv_status_OK)
		st = kv_delete(kv, &k);
	return (int)st;
}

unsigned int
kv_store_free_slots(const struct kv_service *kv)
{
	return rte_ring_count(kv->free);
}

unsigned int
kv_store_nb_slots(const struct kv_service *kv)
{
	return kv->nb_slots;
}

unsigned int
kv_store_keys(const struct kv_service *kv)
{
	return __atomic_load_n(&kv->nb_keys, __ATOMIC_RELAXED);
}

void
kv_store_reclaim(struct kv_service *kv)
{
	rte_rcu_qsbr_dq_reclaim(kv->dq, kv->nb_slots + kv->nb_pos, NULL, NULL, NULL);
}

/* A one-line reason for kv_create()'s caller (a macro: no va_list). */
#define set_err(err, errlen, ...) snprintf((err), (errlen), __VA_ARGS__)

struct kv_service *
kv_create(const struct kv_service_config *cfg, struct rte_rcu_qsbr *rcu, char *err,
	  size_t errlen)
{
	struct rte_hash_parameters hp = {
		.name = "dipc_kv",
		.key_len = sizeof(struct kv_hkey),
		.hash_func = rte_hash_crc,
		.socket_id = cfg->socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rcu_qsbr_dq_parameters dp = {
		.name = "dipc_kv",
		.esize = sizeof(struct kv_defer),
		.trigger_reclaim_limit = KV_RECLAIM_BURST,
		.max_reclaim_size = KV_RECLAIM_STEP,
		.free_fn = reclaim,
		.v = rcu,
	};
	uint32_t fit = kv_value_max_fit(cfg->body_max), limit = kv_value_max_fit(cfg->chain_max);
	uint32_t spare, i;
	struct kv_service *kv;
	unsigned int lcore;
	int32_t max_id;

	if (cfg->value_max > limit) {
		set_err(err, errlen, "[kv] value_max %u is too large: a PUT with a %u-byte key "
				     "carries at most %u bytes of value in the largest message (a "
				     "chain of %u bytes of body)",
			cfg->value_max, (unsigned int)KV_KEY_MAX, limit, cfg->chain_max);
		return NULL;
	}
	if (fit == 0) {
		set_err(err, errlen, "[kv] a %u-byte body cannot carry a PUT", cfg->body_max);
		return NULL;
	}
	kv = rte_zmalloc_socket("dipc_kv", sizeof(*kv), RTE_CACHE_LINE_SIZE, cfg->socket);
	if (kv == NULL) {
		set_err(err, errlen, "[kv] no memory for the service");
		return NULL;
	}
	kv->max_keys = cfg->keys;
	kv->value_max = cfg->value_max != 0 ? cfg->value_max : fit;
	/* The largest PUT is the largest body: a GET answer is shorter. */
	kv->plain_max = (uint32_t)kv_put_req_size(KV_KEY_MAX, kv->value_max);
	/* Slots for every key, plus room for overwrites and deletes whose
	 * old values wait for a grace period (BUSY if a burst outruns it). */
	spare = cfg->keys / 4 + 256;
	kv->nb_slots = cfg->keys + spare;
	kv->slot_size = RTE_ALIGN_CEIL((uint32_t)sizeof(struct kv_slot) + kv->value_max,
				       RTE_CACHE_LINE_SIZE);
	/* Positions of deleted keys are held until reclaimed, too. */
	hp.entries = cfg->keys + spare;
	kv->hash = rte_hash_create(&hp);
	if (kv->hash == NULL) {
		set_err(err, errlen, "[kv] cannot create the hash of %u entries: %s", hp.entries,
			rte_strerror(rte_errno));
		goto fail;
	}
	max_id = rte_hash_max_key_id(kv->hash);
	kv->nb_pos = (uint32_t)max_id + 1;
	kv->entry = rte_zmalloc_socket("dipc_kv_entries", (size_t)kv->nb_pos * sizeof(uint64_t),
				       RTE_CACHE_LINE_SIZE, cfg->socket);
	kv->slab = rte_malloc_socket("dipc_kv_values", (size_t)kv->nb_slots * kv->slot_size,
				     RTE_CACHE_LINE_SIZE, cfg->socket);
	/* Relaxed tail sync: in the classic MP/MC mode a worker preempted
	 * between its head and tail updates makes every other worker spin
	 * until it runs again (a whole time slice when lcores share a CPU:
	 * ~1300 ops/s in test_concurrent_writers); RTS lets them go on. */
	kv->free = rte_ring_create_elem("dipc_kv_free", sizeof(uint32_t), kv->nb_slots,
					cfg->socket,
					RING_F_EXACT_SZ | RING_F_MP_RTS_ENQ | RING_F_MC_RTS_DEQ);
	if (kv->entry == NULL || kv->slab == NULL || kv->free == NULL) {
		set_err(err, errlen, "[kv] no hugepage memory for %u values of %u bytes "
				     "(lower [kv] keys or value_max)", kv->nb_slots, kv->value_max);
		goto fail;
	}
	for (i = 0; i < kv->nb_slots; i++)
		free_slot(kv, i);
	/* Every slot and every position can wait in it at once. */
	dp.size = kv->nb_slots + kv->nb_pos;
	dp.p = kv;
	kv->dq = rte_rcu_qsbr_dq_create(&dp);
	if (kv->dq == NULL) {
		set_err(err, errlen, "[kv] cannot create the defer queue: %s",
			rte_strerror(rte_errno));
		goto fail;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		kv->lcore[lcore].scratch = rte_malloc_socket("dipc_kv_scratch", kv->plain_max,
							     RTE_CACHE_LINE_SIZE,
							     (int)rte_lcore_to_socket_id(lcore));
		kv->lcore[lcore].raw = rte_malloc_socket("dipc_kv_raw", kv->plain_max,
							 RTE_CACHE_LINE_SIZE,
							 (int)rte_lcore_to_socket_id(lcore));
		if (kv->lcore[lcore].scratch == NULL || kv->lcore[lcore].raw == NULL) {
			set_err(err, errlen, "[kv] no memory for lcore %u's buffer", lcore);
			goto fail;
		}
	}
	return kv;
fail:
	kv_free(kv);
	return NULL;
}

int
kv_register(struct kv_service *kv, struct dipc_server *s)
{
	int ret;

	/* The _ex form: requests and GET answers may be chains. */
	ret = dipc_server_register(s, KV_GET_REQ_ID, get_handler, kv);
	if (ret == 0)
		ret = dipc_server_register(s, KV_PUT_REQ_ID, put_handler, kv);
	if (ret == 0)
		ret = dipc_server_register(s, KV_DELETE_REQ_ID, delete_handler, kv);
	if (ret == 0)
		ret = dipc_server_set_report(s, kv_report, kv);
	return ret;
}

void
kv_report(FILE *f, void *arg)
{
	const struct kv_service *kv = arg;
	uint64_t gets = 0, hits = 0, misses = 0, puts = 0, deletes = 0, errors = 0, full = 0;
	unsigned int i;

	/* Racy while workers run: a snapshot for people to read. */
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		gets += kv->lcore[i].gets;
		hits += kv->lcore[i].hits;
		misses += kv->lcore[i].misses;
		puts += kv->lcore[i].puts;
		deletes += kv->lcore[i].deletes;
		errors += kv->lcore[i].errors;
		full += kv->lcore[i].full;
	}
	fprintf(f, "dipc-server: kv: keys %u of %u, value_max %u; gets %" PRIu64 " (hits %" PRIu64
		   ", misses %" PRIu64 "), puts %" PRIu64 ", deletes %" PRIu64 ", errors %" PRIu64
		   ", full %" PRIu64 "\n",
		__atomic_load_n(&kv->nb_keys, __ATOMIC_RELAXED), kv->max_keys, kv->value_max, gets,
		hits, misses, puts, deletes, errors + kv->defer_failed, full);
}

void
kv_free(struct kv_service *kv)
{
	unsigned int i;

	if (kv == NULL)
		return;
	/* Workers have stopped: every grace period is over. What the queue
	 * still holds goes back to the ring and the hash, which go next. */
	if (kv->dq != NULL && rte_rcu_qsbr_dq_delete(kv->dq) != 0)
		/* A reader still online: the queue (and its name) stays. */
		fprintf(stderr, "dipc-server: kv: values still wait for readers; "
				"their defer queue is not freed\n");
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		rte_free(kv->lcore[i].scratch);
		rte_free(kv->lcore[i].raw);
	}
	rte_ring_free(kv->free);
	rte_free(kv->slab);
	rte_free(kv->entry);
	rte_hash_free(kv->hash);
	rte_free(kv);
}
