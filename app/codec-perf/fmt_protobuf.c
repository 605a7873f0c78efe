/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * protobuf-c (Debian's libprotobuf-c, code from bench.proto by protoc-c at
 * build time). Encode fills the generated structs from the native message
 * (pointers to its strings, no copies; entries and pointer arrays on the
 * stack), asks get_packed_size() for the room and packs into the buffer.
 * Decode is unpack() with the default allocator (it validates the wire
 * format and copies strings out); read is struct access (strings are
 * NUL-terminated, so a length is a strlen()); release is free_unpacked().
 */
#include <stdint.h>
#include <string.h>

#include "bench.pb-c.h"

#include "codec_perf.h"

/* protobuf-c's strings are char * (it does not write through them). */
PF_INLINE char *
s(const char *p)
{
	return (char *)(uintptr_t)p;
}

PF_INLINE size_t
pack(const ProtobufCMessage *m, uint8_t *buf, size_t room)
{
	if (protobuf_c_message_get_packed_size(m) > room)
		return 0;
	return protobuf_c_message_pack(m, buf);
}

PF_INLINE uint64_t
str_sum(uint64_t h, const char *p, bool full)
{
	return pf_bytes(h, p, strlen(p), full);
}

PF_INLINE size_t
pb_rpc_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_rpc *r = src;
	DipcBench__RpcRequest m = DIPC_BENCH__RPC_REQUEST__INIT;

	m.request_id = r->request_id;
	m.deadline_ns = r->deadline_ns;
	m.tenant = r->tenant;
	m.priority = r->priority;
	m.method = r->method;
	m.flags = r->flags;
	m.idempotent = r->idempotent;
	m.service = s(r->service.p);
	m.caller = s(r->caller.p);
	m.trace_id = s(r->trace_id.p);
	m.payload.len = r->payload.len;
	m.payload.data = (uint8_t *)(uintptr_t)r->payload.p;
	return pack(&m.base, buf, room);
}

PF_INLINE uint64_t
pb_rpc_read(const void *d, bool full)
{
	const DipcBench__RpcRequest *m = d;
	uint64_t h = 0;

	h = pf_u64(h, m->request_id, full);
	h = pf_u64(h, m->deadline_ns, full);
	h = pf_u64(h, m->tenant, full);
	h = pf_u64(h, m->priority, full);
	h = pf_u64(h, m->method, full);
	h = pf_u64(h, m->flags, full);
	h = pf_u64(h, m->idempotent != 0, full);
	h = str_sum(h, m->service, full);
	h = str_sum(h, m->caller, full);
	h = str_sum(h, m->trace_id, full);
	h = pf_bytes(h, m->payload.data, m->payload.len, full);
	return h;
}

PF_INLINE size_t
pb_order_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_order *o = src;
	DipcBench__OrderEvent m = DIPC_BENCH__ORDER_EVENT__INIT;
	DipcBench__Fill fills[PF_FILLS], *fp[PF_FILLS];
	char venue[PF_FILLS][5];
	uint32_t i;

	if (o->nb_fills > PF_FILLS)
		return 0;
	m.order_id = o->order_id;
	m.ts_ns = o->ts_ns;
	m.side = (DipcBench__Side)o->side;
	m.symbol = s(o->symbol.p);
	m.account = s(o->account.p);
	m.client_order_id = s(o->client_order_id.p);
	for (i = 0; i < o->nb_fills; i++) {
		DipcBench__Fill f = DIPC_BENCH__FILL__INIT;

		memcpy(venue[i], o->fills[i].venue, 4);
		venue[i][4] = '\0';
		f.price = o->fills[i].price;
		f.qty = o->fills[i].qty;
		f.ts_ns = o->fills[i].ts_ns;
		f.trade_id = o->fills[i].trade_id;
		f.venue = venue[i];
		fills[i] = f;
		fp[i] = &fills[i];
	}
	m.n_fills = o->nb_fills;
	m.fills = fp;
	return pack(&m.base, buf, room);
}

PF_INLINE uint64_t
pb_order_read(const void *d, bool full)
{
	const DipcBench__OrderEvent *m = d;
	uint64_t h = 0;
	size_t i;

	h = pf_u64(h, m->order_id, full);
	h = pf_u64(h, m->ts_ns, full);
	h = pf_u64(h, (uint64_t)m->side, full);
	h = str_sum(h, m->symbol, full);
	h = str_sum(h, m->account, full);
	h = str_sum(h, m->client_order_id, full);
	h = pf_u64(h, m->n_fills, full);
	for (i = 0; i < m->n_fills; i++) {
		const DipcBench__Fill *f = m->fills[i];
		char venue[4] = {0};
		size_t n = strlen(f->venue);

		memcpy(venue, f->venue, n < 4 ? n : 4);
		h = pf_u64(h, (uint64_t)f->price, full);
		h = pf_u64(h, f->qty, full);
		h = pf_u64(h, f->ts_ns, full);
		h = pf_u64(h, f->trade_id, full);
		h = pf_fixed4(h, venue, full);
	}
	return h;
}

PF_INLINE size_t
pb_batch_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_batch *b = src;
	DipcBench__Batch m = DIPC_BENCH__BATCH__INIT;
	DipcBench__Record recs[PF_RECORDS], *rp[PF_RECORDS];
	DipcBench__Record__AttrsEntry ents[PF_RECORDS][PF_ATTRS], *ep[PF_RECORDS][PF_ATTRS];
	uint32_t i, k;

	if (b->nb_records > PF_RECORDS)
		return 0;
	m.shard = b->shard;
	for (i = 0; i < b->nb_records; i++) {
		const struct pf_record *r = &b->records[i];
		DipcBench__Record rec = DIPC_BENCH__RECORD__INIT;

		if (r->nb_attrs > PF_ATTRS)
			return 0;
		rec.id = r->id;
		rec.ts_ns = r->ts_ns;
		for (k = 0; k < r->nb_attrs; k++) {
			DipcBench__Record__AttrsEntry e = DIPC_BENCH__RECORD__ATTRS_ENTRY__INIT;

			e.key = s(r->attrs[k].key.p);
			e.value = s(r->attrs[k].value.p);
			ents[i][k] = e;
			ep[i][k] = &ents[i][k];
		}
		rec.n_attrs = r->nb_attrs;
		rec.attrs = ep[i];
		recs[i] = rec;
		rp[i] = &recs[i];
	}
	m.n_records = b->nb_records;
	m.records = rp;
	return pack(&m.base, buf, room);
}

PF_INLINE uint64_t
pb_batch_read(const void *d, bool full)
{
	const DipcBench__Batch *m = d;
	uint64_t h = 0;
	size_t i, k;

	h = pf_u64(h, m->shard, full);
	h = pf_u64(h, m->n_records, full);
	for (i = 0; i < m->n_records; i++) {
		const DipcBench__Record *r = m->records[i];

		h = pf_u64(h, r->id, full);
		h = pf_u64(h, r->ts_ns, full);
		h = pf_u64(h, r->n_attrs, full);
		for (k = 0; k < r->n_attrs; k++) {
			h = str_sum(h, r->attrs[k]->key, full);
			h = str_sum(h, r->attrs[k]->value, full);
		}
	}
	return h;
}

#define PB(M, NAME) \
PF_INLINE void * \
pb_##M##_decode(struct pf_ctx *c, const uint8_t *b, size_t l) \
{ \
	(void)c; \
	return dipc_bench__##NAME##__unpack(NULL, l, b); \
} \
PF_INLINE void \
pb_##M##_release(struct pf_ctx *c, void *d) \
{ \
	(void)c; \
	dipc_bench__##NAME##__free_unpacked(d, NULL); \
} \
PF_DEFINE_LOOPS(pb_##M)

PB(rpc, rpc_request)
PB(order, order_event)
PB(batch, batch)

const struct pf_format pf_format_protobuf = {
	.name = "protobuf-c",
	.what = "protobuf-c " PROTOBUF_C_VERSION ": get_packed_size + pack into the buffer; "
		"unpack (malloc), struct access, free_unpacked",
	.msgs = {
		[PF_RPC] = { PF_CODEC(pb_rpc) },
		[PF_ORDER] = { PF_CODEC(pb_order) },
		[PF_BATCH] = { PF_CODEC(pb_batch) },
	},
};
