/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MessagePack with msgpack-c (Debian's libmsgpack): messages and structs as
 * arrays of their fields in schema order (what msgpack-c's MSGPACK_DEFINE
 * does), the map as a map, the venue and strings as str, the payload as
 * bin. Encode packs into the buffer through a write callback (no
 * allocation); decode is msgpack_unpack() into a zone kept across
 * iterations (strings point into the input); read checks each object's
 * type (a wrong one reads as 0 or empty) and consumes it; release clears
 * the zone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "codec_perf.h"

struct mp_out {
	uint8_t *p;
	size_t len;
	size_t room;
};

static int
mp_write(void *data, const char *buf, size_t len)
{
	struct mp_out *o = data;

	if (len > o->room - o->len)
		return -1;
	memcpy(o->p + o->len, buf, len);
	o->len += len;
	return 0;
}

struct mp_state {
	msgpack_zone zone;
	msgpack_object obj;
};

static int
mp_init(struct pf_ctx *c)
{
	struct mp_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -ENOMEM;
	if (!msgpack_zone_init(&st->zone, 16384)) {
		free(st);
		return -ENOMEM;
	}
	c->state = st;
	return 0;
}

static void
mp_fini(struct pf_ctx *c)
{
	struct mp_state *st = c->state;

	msgpack_zone_destroy(&st->zone);
	free(st);
	c->state = NULL;
}

PF_INLINE int
pstr(msgpack_packer *pk, const char *p, size_t len)
{
	return msgpack_pack_str(pk, len) | msgpack_pack_str_body(pk, p, len);
}

PF_INLINE uint64_t
u(const msgpack_object *o)
{
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return o->via.u64;
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return (uint64_t)o->via.i64;
	return 0;
}

PF_INLINE uint64_t
str(uint64_t h, const msgpack_object *o, bool full)
{
	if (o->type == MSGPACK_OBJECT_STR)
		return pf_bytes(h, o->via.str.ptr, o->via.str.size, full);
	if (o->type == MSGPACK_OBJECT_BIN)
		return pf_bytes(h, o->via.bin.ptr, o->via.bin.size, full);
	return pf_bytes(h, "", 0, full);
}

/* The elements of an array of @p n, or NULL. */
PF_INLINE const msgpack_object *
arr(const msgpack_object *o, uint32_t n)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return NULL;
	return o->via.array.ptr;
}

PF_INLINE size_t
mp_rpc_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_rpc *r = src;
	struct mp_out out = { buf, 0, room };
	msgpack_packer pk;
	int ret;

	msgpack_packer_init(&pk, &out, mp_write);
	ret = msgpack_pack_array(&pk, 11);
	ret |= msgpack_pack_uint64(&pk, r->request_id);
	ret |= msgpack_pack_uint64(&pk, r->deadline_ns);
	ret |= msgpack_pack_uint32(&pk, r->tenant);
	ret |= msgpack_pack_uint32(&pk, r->priority);
	ret |= msgpack_pack_uint16(&pk, r->method);
	ret |= msgpack_pack_uint16(&pk, r->flags);
	ret |= r->idempotent ? msgpack_pack_true(&pk) : msgpack_pack_false(&pk);
	ret |= pstr(&pk, r->service.p, r->service.len);
	ret |= pstr(&pk, r->caller.p, r->caller.len);
	ret |= pstr(&pk, r->trace_id.p, r->trace_id.len);
	ret |= msgpack_pack_bin(&pk, r->payload.len);
	ret |= msgpack_pack_bin_body(&pk, r->payload.p, r->payload.len);
	return ret == 0 ? out.len : 0;
}

PF_INLINE uint64_t
mp_rpc_read(const void *d, bool full)
{
	const msgpack_object *f = arr(d, 11);
	uint64_t h = 0;
	int i;

	if (f == NULL)
		return 0;
	for (i = 0; i < 6; i++)
		h = pf_u64(h, u(&f[i]), full);
	h = pf_u64(h, f[6].type == MSGPACK_OBJECT_BOOLEAN && f[6].via.boolean, full);
	for (i = 7; i < 11; i++)
		h = str(h, &f[i], full);
	return h;
}

PF_INLINE size_t
mp_order_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_order *o = src;
	struct mp_out out = { buf, 0, room };
	msgpack_packer pk;
	uint32_t i;
	int ret;

	msgpack_packer_init(&pk, &out, mp_write);
	ret = msgpack_pack_array(&pk, 7);
	ret |= msgpack_pack_uint64(&pk, o->order_id);
	ret |= msgpack_pack_uint64(&pk, o->ts_ns);
	ret |= msgpack_pack_uint8(&pk, o->side);
	ret |= pstr(&pk, o->symbol.p, o->symbol.len);
	ret |= pstr(&pk, o->account.p, o->account.len);
	ret |= pstr(&pk, o->client_order_id.p, o->client_order_id.len);
	ret |= msgpack_pack_array(&pk, o->nb_fills);
	for (i = 0; i < o->nb_fills; i++) {
		const struct pf_fill *f = &o->fills[i];

		ret |= msgpack_pack_array(&pk, 5);
		ret |= msgpack_pack_int64(&pk, f->price);
		ret |= msgpack_pack_uint64(&pk, f->qty);
		ret |= msgpack_pack_uint64(&pk, f->ts_ns);
		ret |= msgpack_pack_uint32(&pk, f->trade_id);
		ret |= pstr(&pk, f->venue, strnlen(f->venue, sizeof(f->venue)));
	}
	return ret == 0 ? out.len : 0;
}

PF_INLINE uint64_t
mp_order_read(const void *d, bool full)
{
	const msgpack_object *f = arr(d, 7), *fills;
	uint64_t h = 0;
	uint32_t i, n;

	if (f == NULL)
		return 0;
	h = pf_u64(h, u(&f[0]), full);
	h = pf_u64(h, u(&f[1]), full);
	h = pf_u64(h, u(&f[2]), full);
	h = str(h, &f[3], full);
	h = str(h, &f[4], full);
	h = str(h, &f[5], full);
	n = f[6].type == MSGPACK_OBJECT_ARRAY ? f[6].via.array.size : 0;
	fills = f[6].via.array.ptr;
	h = pf_u64(h, n, full);
	for (i = 0; i < n; i++) {
		const msgpack_object *x = arr(&fills[i], 5);
		char venue[4] = {0};

		if (x == NULL)
			continue;
		if (x[4].type == MSGPACK_OBJECT_STR)
			memcpy(venue, x[4].via.str.ptr, x[4].via.str.size < 4 ? x[4].via.str.size : 4);
		h = pf_u64(h, u(&x[0]), full);
		h = pf_u64(h, u(&x[1]), full);
		h = pf_u64(h, u(&x[2]), full);
		h = pf_u64(h, u(&x[3]), full);
		h = pf_fixed4(h, venue, full);
	}
	return h;
}

PF_INLINE size_t
mp_batch_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_batch *b = src;
	struct mp_out out = { buf, 0, room };
	msgpack_packer pk;
	uint32_t i, k;
	int ret;

	msgpack_packer_init(&pk, &out, mp_write);
	ret = msgpack_pack_array(&pk, 2);
	ret |= msgpack_pack_uint32(&pk, b->shard);
	ret |= msgpack_pack_array(&pk, b->nb_records);
	for (i = 0; i < b->nb_records; i++) {
		const struct pf_record *r = &b->records[i];

		ret |= msgpack_pack_array(&pk, 3);
		ret |= msgpack_pack_uint64(&pk, r->id);
		ret |= msgpack_pack_uint64(&pk, r->ts_ns);
		ret |= msgpack_pack_map(&pk, r->nb_attrs);
		for (k = 0; k < r->nb_attrs; k++) {
			ret |= pstr(&pk, r->attrs[k].key.p, r->attrs[k].key.len);
			ret |= pstr(&pk, r->attrs[k].value.p, r->attrs[k].value.len);
		}
	}
	return ret == 0 ? out.len : 0;
}

PF_INLINE uint64_t
mp_batch_read(const void *d, bool full)
{
	const msgpack_object *f = arr(d, 2), *recs;
	uint64_t h = 0;
	uint32_t i, n;

	if (f == NULL)
		return 0;
	h = pf_u64(h, u(&f[0]), full);
	n = f[1].type == MSGPACK_OBJECT_ARRAY ? f[1].via.array.size : 0;
	recs = f[1].via.array.ptr;
	h = pf_u64(h, n, full);
	for (i = 0; i < n; i++) {
		const msgpack_object *r = arr(&recs[i], 3);
		uint32_t k, m;

		if (r == NULL)
			continue;
		h = pf_u64(h, u(&r[0]), full);
		h = pf_u64(h, u(&r[1]), full);
		m = r[2].type == MSGPACK_OBJECT_MAP ? r[2].via.map.size : 0;
		h = pf_u64(h, m, full);
		for (k = 0; k < m; k++) {
			h = str(h, &r[2].via.map.ptr[k].key, full);
			h = str(h, &r[2].via.map.ptr[k].val, full);
		}
	}
	return h;
}

#define MP(M) \
PF_INLINE void * \
mp_##M##_decode(struct pf_ctx *c, const uint8_t *b, size_t l) \
{ \
	struct mp_state *st = c->state; \
	size_t off = 0; \
 \
	if (msgpack_unpack((const char *)b, l, &off, &st->zone, &st->obj) != \
	    MSGPACK_UNPACK_SUCCESS) \
		return NULL; \
	return &st->obj; \
} \
PF_INLINE void \
mp_##M##_release(struct pf_ctx *c, void *d) \
{ \
	struct mp_state *st = c->state; \
 \
	(void)d; \
	msgpack_zone_clear(&st->zone); \
} \
PF_DEFINE_LOOPS(mp_##M)

MP(rpc)
MP(order)
MP(batch)

const struct pf_format pf_format_msgpack = {
	.name = "msgpack-c",
	.what = "msgpack-c " MSGPACK_VERSION ": arrays of fields, pack through a callback "
		"into the buffer; unpack into a reused zone, typed reads",
	.msgs = {
		[PF_RPC] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_rpc) },
		[PF_ORDER] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_order) },
		[PF_BATCH] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_batch) },
	},
};
