/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reference: hand-written packed C structs, strings and arrays as
 * (offset, length) pairs into the same buffer, written and read with plain
 * struct access. No validation: decode only casts (a reader of this format
 * must trust its writer), which is what the dipc read is held against.
 */
#include <stdint.h>
#include <string.h>

#include "codec_perf.h"

struct pk_ref {
	uint32_t off;
	uint32_t len;
} __attribute__((packed));

struct pk_rpc {
	uint64_t request_id;
	uint64_t deadline_ns;
	uint32_t tenant;
	uint32_t priority;
	uint16_t method;
	uint16_t flags;
	uint8_t idempotent;
	struct pk_ref service;
	struct pk_ref caller;
	struct pk_ref trace_id;
	struct pk_ref payload;
} __attribute__((packed));

struct pk_fill {
	int64_t price;
	uint64_t qty;
	uint64_t ts_ns;
	uint32_t trade_id;
	char venue[4];
} __attribute__((packed));

struct pk_order {
	uint64_t order_id;
	uint64_t ts_ns;
	uint8_t side;
	struct pk_ref symbol;
	struct pk_ref account;
	struct pk_ref client_order_id;
	struct pk_ref fills;    /* offset, count */
} __attribute__((packed));

struct pk_entry {
	struct pk_ref key;
	struct pk_ref value;
} __attribute__((packed));

struct pk_record {
	uint64_t id;
	uint64_t ts_ns;
	struct pk_ref attrs;    /* offset, count */
} __attribute__((packed));

struct pk_batch {
	uint32_t shard;
	struct pk_ref records;  /* offset, count */
} __attribute__((packed));

/* Append @p len bytes at *end; 0 when they do not fit. */
PF_INLINE int
put(uint8_t *buf, size_t room, size_t *end, struct pk_ref *ref, const void *p, uint32_t len)
{
	if (len > room - *end)
		return 0;
	memcpy(buf + *end, p, len);
	ref->off = (uint32_t)*end;
	ref->len = len;
	*end += len;
	return 1;
}

PF_INLINE const char *
at(const void *base, struct pk_ref ref)
{
	return (const char *)base + ref.off;
}

static void
nothing(struct pf_ctx *c, void *d)
{
	(void)c;
	(void)d;
}

PF_INLINE void *
cast(struct pf_ctx *c, const uint8_t *buf, size_t len)
{
	(void)c;
	(void)len;
	return (void *)(uintptr_t)buf;
}

PF_INLINE size_t
pk_rpc_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_rpc *r = src;
	struct pk_rpc *m = (struct pk_rpc *)buf;
	size_t end = sizeof(*m);

	if (room < end)
		return 0;
	m->request_id = r->request_id;
	m->deadline_ns = r->deadline_ns;
	m->tenant = r->tenant;
	m->priority = r->priority;
	m->method = r->method;
	m->flags = r->flags;
	m->idempotent = r->idempotent;
	if (!put(buf, room, &end, &m->service, r->service.p, r->service.len) ||
	    !put(buf, room, &end, &m->caller, r->caller.p, r->caller.len) ||
	    !put(buf, room, &end, &m->trace_id, r->trace_id.p, r->trace_id.len) ||
	    !put(buf, room, &end, &m->payload, r->payload.p, r->payload.len))
		return 0;
	return end;
}

PF_INLINE uint64_t
pk_rpc_read(const void *d, bool full)
{
	const struct pk_rpc *m = d;
	uint64_t h = 0;

	h = pf_u64(h, m->request_id, full);
	h = pf_u64(h, m->deadline_ns, full);
	h = pf_u64(h, m->tenant, full);
	h = pf_u64(h, m->priority, full);
	h = pf_u64(h, m->method, full);
	h = pf_u64(h, m->flags, full);
	h = pf_u64(h, m->idempotent, full);
	h = pf_bytes(h, at(d, m->service), m->service.len, full);
	h = pf_bytes(h, at(d, m->caller), m->caller.len, full);
	h = pf_bytes(h, at(d, m->trace_id), m->trace_id.len, full);
	h = pf_bytes(h, at(d, m->payload), m->payload.len, full);
	return h;
}

PF_INLINE size_t
pk_order_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_order *o = src;
	struct pk_order *m = (struct pk_order *)buf;
	size_t end = sizeof(*m), flen = (size_t)o->nb_fills * sizeof(struct pk_fill);
	struct pk_fill *f;
	uint32_t i;

	if (room < end)
		return 0;
	m->order_id = o->order_id;
	m->ts_ns = o->ts_ns;
	m->side = o->side;
	if (!put(buf, room, &end, &m->symbol, o->symbol.p, o->symbol.len) ||
	    !put(buf, room, &end, &m->account, o->account.p, o->account.len) ||
	    !put(buf, room, &end, &m->client_order_id, o->client_order_id.p,
		 o->client_order_id.len) ||
	    flen > room - end)
		return 0;
	m->fills.off = (uint32_t)end;
	m->fills.len = o->nb_fills;
	f = (struct pk_fill *)(buf + end);
	for (i = 0; i < o->nb_fills; i++) {
		f[i].price = o->fills[i].price;
		f[i].qty = o->fills[i].qty;
		f[i].ts_ns = o->fills[i].ts_ns;
		f[i].trade_id = o->fills[i].trade_id;
		memcpy(f[i].venue, o->fills[i].venue, sizeof(f[i].venue));
	}
	return end + flen;
}

PF_INLINE uint64_t
pk_order_read(const void *d, bool full)
{
	const struct pk_order *m = d;
	const struct pk_fill *f = (const struct pk_fill *)at(d, m->fills);
	uint64_t h = 0;
	uint32_t i;

	h = pf_u64(h, m->order_id, full);
	h = pf_u64(h, m->ts_ns, full);
	h = pf_u64(h, m->side, full);
	h = pf_bytes(h, at(d, m->symbol), m->symbol.len, full);
	h = pf_bytes(h, at(d, m->account), m->account.len, full);
	h = pf_bytes(h, at(d, m->client_order_id), m->client_order_id.len, full);
	h = pf_u64(h, m->fills.len, full);
	for (i = 0; i < m->fills.len; i++) {
		h = pf_u64(h, (uint64_t)f[i].price, full);
		h = pf_u64(h, f[i].qty, full);
		h = pf_u64(h, f[i].ts_ns, full);
		h = pf_u64(h, f[i].trade_id, full);
		h = pf_fixed4(h, f[i].venue, full);
	}
	return h;
}

PF_INLINE size_t
pk_batch_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_batch *b = src;
	struct pk_batch *m = (struct pk_batch *)buf;
	size_t end = sizeof(*m), rlen = (size_t)b->nb_records * sizeof(struct pk_record);
	struct pk_record *recs;
	uint32_t i, k;

	if (room < end || rlen > room - end)
		return 0;
	m->shard = b->shard;
	m->records.off = (uint32_t)end;
	m->records.len = b->nb_records;
	recs = (struct pk_record *)(buf + end);
	end += rlen;
	for (i = 0; i < b->nb_records; i++) {
		const struct pf_record *r = &b->records[i];
		size_t alen = (size_t)r->nb_attrs * sizeof(struct pk_entry);
		struct pk_entry *e;

		if (alen > room - end)
			return 0;
		recs[i].id = r->id;
		recs[i].ts_ns = r->ts_ns;
		recs[i].attrs.off = (uint32_t)end;
		recs[i].attrs.len = r->nb_attrs;
		e = (struct pk_entry *)(buf + end);
		end += alen;
		for (k = 0; k < r->nb_attrs; k++)
			if (!put(buf, room, &end, &e[k].key, r->attrs[k].key.p,
				 r->attrs[k].key.len) ||
			    !put(buf, room, &end, &e[k].value, r->attrs[k].value.p,
				 r->attrs[k].value.len))
				return 0;
	}
	return end;
}

PF_INLINE uint64_t
pk_batch_read(const void *d, bool full)
{
	const struct pk_batch *m = d;
	const struct pk_record *recs = (const struct pk_record *)at(d, m->records);
	uint64_t h = 0;
	uint32_t i, k;

	h = pf_u64(h, m->shard, full);
	h = pf_u64(h, m->records.len, full);
	for (i = 0; i < m->records.len; i++) {
		const struct pk_entry *e = (const struct pk_entry *)at(d, recs[i].attrs);

		h = pf_u64(h, recs[i].id, full);
		h = pf_u64(h, recs[i].ts_ns, full);
		h = pf_u64(h, recs[i].attrs.len, full);
		for (k = 0; k < recs[i].attrs.len; k++) {
			h = pf_bytes(h, at(d, e[k].key), e[k].key.len, full);
			h = pf_bytes(h, at(d, e[k].value), e[k].value.len, full);
		}
	}
	return h;
}

#define PK(M) \
PF_INLINE void *pk_##M##_decode(struct pf_ctx *c, const uint8_t *b, size_t l) \
{ return cast(c, b, l); } \
PF_INLINE void pk_##M##_release(struct pf_ctx *c, void *d) { nothing(c, d); } \
PF_DEFINE_LOOPS(pk_##M)

PK(rpc)
PK(order)
PK(batch)

const struct pf_format pf_format_packed = {
	.name = "packed",
	.what = "hand-written packed C structs, (offset, length) strings, no validation",
	.no_validation = true,
	.msgs = {
		[PF_RPC] = { PF_CODEC(pk_rpc) },
		[PF_ORDER] = { PF_CODEC(pk_order) },
		[PF_BATCH] = { PF_CODEC(pk_batch) },
	},
};
