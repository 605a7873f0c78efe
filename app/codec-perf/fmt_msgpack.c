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

PF_INLINE double
dbl(const msgpack_object *o)
{
	if (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32)
		return o->via.f64;
	return 0;
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

PF_INLINE int
pack_entries(msgpack_packer *pk, const struct pf_entry *e, uint32_t n)
{
	uint32_t k;
	int ret = msgpack_pack_map(pk, n);

	for (k = 0; k < n; k++) {
		ret |= pstr(pk, e[k].key.p, e[k].key.len);
		ret |= pstr(pk, e[k].value.p, e[k].value.len);
	}
	return ret;
}

PF_INLINE uint64_t
read_entries(uint64_t h, const msgpack_object *o, bool full)
{
	uint32_t k, m = o->type == MSGPACK_OBJECT_MAP ? o->via.map.size : 0;

	h = pf_u64(h, m, full);
	for (k = 0; k < m; k++) {
		h = str(h, &o->via.map.ptr[k].key, full);
		h = str(h, &o->via.map.ptr[k].val, full);
	}
	return h;
}

/* The elements of an array, whatever its size, and their number. */
PF_INLINE const msgpack_object *
arr_any(const msgpack_object *o, uint32_t *n)
{
	*n = o->type == MSGPACK_OBJECT_ARRAY ? o->via.array.size : 0;
	return o->via.array.ptr;
}

PF_INLINE size_t
mp_deep_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_deep *d = src;
	struct mp_out out = { buf, 0, room };
	msgpack_packer pk;
	uint32_t a, c, r, h, n, k;
	int ret;

	msgpack_packer_init(&pk, &out, mp_write);
	ret = msgpack_pack_array(&pk, 4);
	ret |= msgpack_pack_uint64(&pk, d->frame_id);
	ret |= msgpack_pack_uint64(&pk, d->ts_ns);
	ret |= pstr(&pk, d->source.p, d->source.len);
	ret |= msgpack_pack_array(&pk, d->nb_regions);
	for (a = 0; a < d->nb_regions; a++) {
		const struct pf_region *xr = &d->regions[a];

		ret |= msgpack_pack_array(&pk, 3);
		ret |= msgpack_pack_uint32(&pk, xr->id);
		ret |= pstr(&pk, xr->name.p, xr->name.len);
		ret |= msgpack_pack_array(&pk, xr->nb_sites);
		for (c = 0; c < xr->nb_sites; c++) {
			const struct pf_site *xs = &xr->sites[c];

			ret |= msgpack_pack_array(&pk, 4);
			ret |= msgpack_pack_uint32(&pk, xs->id);
			ret |= msgpack_pack_array(&pk, 2);
			ret |= msgpack_pack_double(&pk, xs->lat);
			ret |= msgpack_pack_double(&pk, xs->lon);
			ret |= pstr(&pk, xs->name.p, xs->name.len);
			ret |= msgpack_pack_array(&pk, xs->nb_racks);
			for (r = 0; r < xs->nb_racks; r++) {
				const struct pf_rack *xk = &xs->racks[r];

				ret |= msgpack_pack_array(&pk, 4);
				ret |= msgpack_pack_uint16(&pk, xk->row);
				ret |= msgpack_pack_uint16(&pk, xk->slot);
				ret |= pstr(&pk, xk->label.p, xk->label.len);
				ret |= msgpack_pack_array(&pk, xk->nb_hosts);
				for (h = 0; h < xk->nb_hosts; h++) {
					const struct pf_host *xh = &xk->hosts[h];

					ret |= msgpack_pack_array(&pk, 3);
					ret |= msgpack_pack_uint64(&pk, xh->id);
					ret |= pstr(&pk, xh->name.p, xh->name.len);
					ret |= msgpack_pack_array(&pk, xh->nb_nics);
					for (n = 0; n < xh->nb_nics; n++) {
						const struct pf_nic *xn = &xh->nics[n];

						ret |= msgpack_pack_array(&pk, 4);
						ret |= msgpack_pack_uint32(&pk, xn->index);
						ret |= msgpack_pack_bin(&pk, sizeof(xn->mac));
						ret |= msgpack_pack_bin_body(&pk, xn->mac, sizeof(xn->mac));
						ret |= pstr(&pk, xn->ifname.p, xn->ifname.len);
						ret |= msgpack_pack_array(&pk, xn->nb_ports);
						for (k = 0; k < xn->nb_ports; k++) {
							const struct pf_port *xp = &xn->ports[k];

							ret |= msgpack_pack_array(&pk, 4);
							ret |= msgpack_pack_uint16(&pk, xp->num);
							ret |= msgpack_pack_uint16(&pk, xp->vlan);
							ret |= msgpack_pack_uint32(&pk, xp->speed_mbps);
							ret |= msgpack_pack_uint64(&pk, xp->rx_bytes);
						}
					}
				}
			}
		}
	}
	return ret == 0 ? out.len : 0;
}

PF_INLINE uint64_t
mp_deep_read(const void *d, bool full)
{
	const msgpack_object *f = arr(d, 4), *rg;
	uint64_t h = 0;
	uint32_t a, nr;

	if (f == NULL)
		return 0;
	h = pf_u64(h, u(&f[0]), full);
	h = pf_u64(h, u(&f[1]), full);
	h = str(h, &f[2], full);
	rg = arr_any(&f[3], &nr);
	h = pf_u64(h, nr, full);
	for (a = 0; a < nr; a++) {
		const msgpack_object *x = arr(&rg[a], 3), *st;
		uint32_t c, ns;

		if (x == NULL)
			continue;
		h = pf_u64(h, u(&x[0]), full);
		h = str(h, &x[1], full);
		st = arr_any(&x[2], &ns);
		h = pf_u64(h, ns, full);
		for (c = 0; c < ns; c++) {
			const msgpack_object *y = arr(&st[c], 4), *geo, *rk;
			uint32_t r, nk;

			if (y == NULL)
				continue;
			geo = arr(&y[1], 2);
			h = pf_u64(h, u(&y[0]), full);
			h = pf_f64(h, geo != NULL ? dbl(&geo[0]) : 0, full);
			h = pf_f64(h, geo != NULL ? dbl(&geo[1]) : 0, full);
			h = str(h, &y[2], full);
			rk = arr_any(&y[3], &nk);
			h = pf_u64(h, nk, full);
			for (r = 0; r < nk; r++) {
				const msgpack_object *z = arr(&rk[r], 4), *ho;
				uint32_t i, nh;

				if (z == NULL)
					continue;
				h = pf_u64(h, u(&z[0]), full);
				h = pf_u64(h, u(&z[1]), full);
				h = str(h, &z[2], full);
				ho = arr_any(&z[3], &nh);
				h = pf_u64(h, nh, full);
				for (i = 0; i < nh; i++) {
					const msgpack_object *w = arr(&ho[i], 3), *ni;
					uint32_t n, nn;

					if (w == NULL)
						continue;
					h = pf_u64(h, u(&w[0]), full);
					h = str(h, &w[1], full);
					ni = arr_any(&w[2], &nn);
					h = pf_u64(h, nn, full);
					for (n = 0; n < nn; n++) {
						const msgpack_object *v = arr(&ni[n], 4), *po;
						uint8_t mac[6] = {0};
						uint32_t k, np;

						if (v == NULL)
							continue;
						if (v[1].type == MSGPACK_OBJECT_BIN)
							memcpy(mac, v[1].via.bin.ptr,
							       v[1].via.bin.size < 6 ? v[1].via.bin.size : 6);
						h = pf_u64(h, u(&v[0]), full);
						h = pf_fixed6(h, mac, full);
						h = str(h, &v[2], full);
						po = arr_any(&v[3], &np);
						h = pf_u64(h, np, full);
						for (k = 0; k < np; k++) {
							const msgpack_object *p = arr(&po[k], 4);

							if (p == NULL)
								continue;
							h = pf_u64(h, u(&p[0]), full);
							h = pf_u64(h, u(&p[1]), full);
							h = pf_u64(h, u(&p[2]), full);
							h = pf_u64(h, u(&p[3]), full);
						}
					}
				}
			}
		}
	}
	return h;
}

PF_INLINE size_t
mp_labels_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_labels *l = src;
	struct mp_out out = { buf, 0, room };
	msgpack_packer pk;
	uint32_t i, t;
	int ret;

	msgpack_packer_init(&pk, &out, mp_write);
	ret = msgpack_pack_array(&pk, 5);
	ret |= msgpack_pack_uint64(&pk, l->ts_ns);
	ret |= pstr(&pk, l->host.p, l->host.len);
	ret |= pstr(&pk, l->job.p, l->job.len);
	ret |= pack_entries(&pk, l->resource, l->nb_resource);
	ret |= msgpack_pack_array(&pk, l->nb_samples);
	for (i = 0; i < l->nb_samples; i++) {
		const struct pf_sample *x = &l->samples[i];

		ret |= msgpack_pack_array(&pk, 6);
		ret |= pstr(&pk, x->name.p, x->name.len);
		ret |= pstr(&pk, x->unit.p, x->unit.len);
		ret |= msgpack_pack_double(&pk, x->value);
		ret |= msgpack_pack_uint64(&pk, x->ts_ns);
		ret |= msgpack_pack_array(&pk, x->nb_tags);
		for (t = 0; t < x->nb_tags; t++)
			ret |= pstr(&pk, x->tags[t].p, x->tags[t].len);
		ret |= pack_entries(&pk, x->labels, x->nb_labels);
	}
	return ret == 0 ? out.len : 0;
}

PF_INLINE uint64_t
mp_labels_read(const void *d, bool full)
{
	const msgpack_object *f = arr(d, 5), *smp;
	uint64_t h = 0;
	uint32_t i, n;

	if (f == NULL)
		return 0;
	h = pf_u64(h, u(&f[0]), full);
	h = str(h, &f[1], full);
	h = str(h, &f[2], full);
	h = read_entries(h, &f[3], full);
	smp = arr_any(&f[4], &n);
	h = pf_u64(h, n, full);
	for (i = 0; i < n; i++) {
		const msgpack_object *x = arr(&smp[i], 6), *tags;
		uint32_t t, nt;

		if (x == NULL)
			continue;
		h = str(h, &x[0], full);
		h = str(h, &x[1], full);
		h = pf_f64(h, dbl(&x[2]), full);
		h = pf_u64(h, u(&x[3]), full);
		tags = arr_any(&x[4], &nt);
		h = pf_u64(h, nt, full);
		for (t = 0; t < nt; t++)
			h = str(h, &tags[t], full);
		h = read_entries(h, &x[5], full);
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
MP(deep)
MP(labels)

const struct pf_format pf_format_msgpack = {
	.name = "msgpack-c",
	.what = "msgpack-c " MSGPACK_VERSION ": arrays of fields, pack through a callback "
		"into the buffer; unpack into a reused zone, typed reads",
	.msgs = {
		[PF_RPC] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_rpc) },
		[PF_ORDER] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_order) },
		[PF_BATCH] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_batch) },
		[PF_DEEP] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_deep) },
		[PF_LABELS] = { .init = mp_init, .fini = mp_fini, PF_CODEC(mp_labels) },
	},
};
