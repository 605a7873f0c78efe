/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc: the header dipc-schemac generates from docs/examples/bench.schema.
 * Encode: the builder, from the native message. Decode: the one-pass
 * validator; the body is then read in place (decode returns the body).
 * dipc+lz4: the same body sealed with LZ4 (dipc_codec_seal(), any size) and
 * opened (dipc_codec_open()) into a buffer of the context before the
 * validator runs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIPC_CODEC_NO_MBUF
#include "bench.h"
#include "dipc_codec_seal.h"

#include "codec_perf.h"

/* The body, as decode hands it to read (const dropped for the table). */
static void *
body_ptr(const uint8_t *buf)
{
	return (void *)(uintptr_t)buf;
}

static void
nothing(struct pf_ctx *c, void *d)
{
	(void)c;
	(void)d;
}

/* 1. RPC request */

PF_INLINE size_t
rpc_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_rpc *r = src;
	struct dipc_codec_builder b;
	uint32_t len;

	if (bench_rpc_request_build_init(&b, buf, (uint32_t)room) != 0)
		return 0;
	bench_rpc_request_set_request_id(b.body, r->request_id);
	bench_rpc_request_set_deadline_ns(b.body, r->deadline_ns);
	bench_rpc_request_set_tenant(b.body, r->tenant);
	bench_rpc_request_set_priority(b.body, r->priority);
	bench_rpc_request_set_method(b.body, r->method);
	bench_rpc_request_set_flags(b.body, r->flags);
	bench_rpc_request_set_idempotent(b.body, r->idempotent);
	bench_rpc_request_set_service(&b, r->service.p, r->service.len);
	bench_rpc_request_set_caller(&b, r->caller.p, r->caller.len);
	bench_rpc_request_set_trace_id(&b, r->trace_id.p, r->trace_id.len);
	bench_rpc_request_set_payload(&b, r->payload.p, r->payload.len);
	if (dipc_codec_build_finish(&b, &len) != 0)
		return 0;
	return len;
}

PF_INLINE uint64_t
rpc_read(const void *body, bool full)
{
	uint64_t h = 0;
	const void *p;
	uint32_t len;

	h = pf_u64(h, bench_rpc_request_get_request_id(body), full);
	h = pf_u64(h, bench_rpc_request_get_deadline_ns(body), full);
	h = pf_u64(h, bench_rpc_request_get_tenant(body), full);
	h = pf_u64(h, bench_rpc_request_get_priority(body), full);
	h = pf_u64(h, bench_rpc_request_get_method(body), full);
	h = pf_u64(h, bench_rpc_request_get_flags(body), full);
	h = pf_u64(h, bench_rpc_request_get_idempotent(body), full);
	p = bench_rpc_request_get_service(body, &len);
	h = pf_bytes(h, p, len, full);
	p = bench_rpc_request_get_caller(body, &len);
	h = pf_bytes(h, p, len, full);
	p = bench_rpc_request_get_trace_id(body, &len);
	h = pf_bytes(h, p, len, full);
	p = bench_rpc_request_get_payload(body, &len);
	h = pf_bytes(h, p, len, full);
	return h;
}

/* 2. Order event */

PF_INLINE size_t
order_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_order *o = src;
	struct dipc_codec_builder b;
	uint32_t len, i;
	void *fills;

	if (bench_order_event_build_init(&b, buf, (uint32_t)room) != 0)
		return 0;
	bench_order_event_set_order_id(b.body, o->order_id);
	bench_order_event_set_ts_ns(b.body, o->ts_ns);
	bench_order_event_set_side(b.body, (enum bench_side)o->side);
	bench_order_event_set_symbol(&b, o->symbol.p, o->symbol.len);
	bench_order_event_set_account(&b, o->account.p, o->account.len);
	bench_order_event_set_client_order_id(&b, o->client_order_id.p, o->client_order_id.len);
	fills = bench_order_event_add_fills(&b, o->nb_fills);
	if (fills == NULL)
		return 0;
	for (i = 0; i < o->nb_fills; i++) {
		void *f = bench_fill_at_mut(fills, i);

		bench_fill_set_price(f, o->fills[i].price);
		bench_fill_set_qty(f, o->fills[i].qty);
		bench_fill_set_ts_ns(f, o->fills[i].ts_ns);
		bench_fill_set_trade_id(f, o->fills[i].trade_id);
		bench_fill_set_venue(f, o->fills[i].venue, sizeof(o->fills[i].venue));
	}
	if (dipc_codec_build_finish(&b, &len) != 0)
		return 0;
	return len;
}

PF_INLINE uint64_t
order_read(const void *body, bool full)
{
	uint64_t h = 0;
	const void *p, *fills;
	uint32_t len, n, i;

	h = pf_u64(h, bench_order_event_get_order_id(body), full);
	h = pf_u64(h, bench_order_event_get_ts_ns(body), full);
	h = pf_u64(h, bench_order_event_get_side(body), full);
	p = bench_order_event_get_symbol(body, &len);
	h = pf_bytes(h, p, len, full);
	p = bench_order_event_get_account(body, &len);
	h = pf_bytes(h, p, len, full);
	p = bench_order_event_get_client_order_id(body, &len);
	h = pf_bytes(h, p, len, full);
	fills = bench_order_event_get_fills(body, &n);
	h = pf_u64(h, n, full);
	for (i = 0; i < n; i++) {
		const void *f = bench_fill_at(fills, i);

		h = pf_u64(h, (uint64_t)bench_fill_get_price(f), full);
		h = pf_u64(h, bench_fill_get_qty(f), full);
		h = pf_u64(h, bench_fill_get_ts_ns(f), full);
		h = pf_u64(h, bench_fill_get_trade_id(f), full);
		h = pf_fixed4(h, bench_fill_get_venue(f), full);
	}
	return h;
}

/* 3. Batch */

PF_INLINE size_t
batch_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_batch *bt = src;
	struct dipc_codec_builder b;
	uint32_t len, i, k;
	void *recs;

	if (bench_batch_build_init(&b, buf, (uint32_t)room) != 0)
		return 0;
	bench_batch_set_shard(b.body, bt->shard);
	recs = bench_batch_add_records(&b, bt->nb_records);
	if (recs == NULL)
		return 0;
	for (i = 0; i < bt->nb_records; i++) {
		const struct pf_record *r = &bt->records[i];
		void *rec = bench_record_at_mut(recs, i);
		struct dipc_codec_kv kv[PF_ATTRS];

		bench_record_set_id(rec, r->id);
		bench_record_set_ts_ns(rec, r->ts_ns);
		for (k = 0; k < r->nb_attrs; k++) {
			kv[k].key = r->attrs[k].key.p;
			kv[k].key_len = r->attrs[k].key.len;
			kv[k].value = r->attrs[k].value.p;
			kv[k].value_len = r->attrs[k].value.len;
		}
		bench_record_set_attrs(&b, rec, kv, r->nb_attrs);
	}
	if (dipc_codec_build_finish(&b, &len) != 0)
		return 0;
	return len;
}

PF_INLINE uint64_t
batch_read(const void *body, bool full)
{
	uint64_t h = 0;
	const void *recs;
	uint32_t n, i;

	h = pf_u64(h, bench_batch_get_shard(body), full);
	recs = bench_batch_get_records(body, &n);
	h = pf_u64(h, n, full);
	for (i = 0; i < n; i++) {
		const void *rec = bench_record_at(recs, i);
		struct dipc_codec_map attrs;
		struct dipc_codec_map_iter it;
		struct dipc_codec_kv e;

		h = pf_u64(h, bench_record_get_id(rec), full);
		h = pf_u64(h, bench_record_get_ts_ns(rec), full);
		h = pf_u64(h, bench_record_get_attrs(body, rec, &attrs), full);
		dipc_codec_map_iter(&it, &attrs);
		while (dipc_codec_map_next(&it, &e)) {
			h = pf_bytes(h, e.key, e.key_len, full);
			h = pf_bytes(h, e.value, e.value_len, full);
		}
	}
	return h;
}

/* 4. Deep nesting */

PF_INLINE size_t
deep_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_deep *d = src;
	struct dipc_codec_builder b;
	uint32_t len, a, c, r, h, n, k;
	void *regions;

	if (bench_deep_build_init(&b, buf, (uint32_t)room) != 0)
		return 0;
	bench_deep_set_frame_id(b.body, d->frame_id);
	bench_deep_set_ts_ns(b.body, d->ts_ns);
	bench_deep_set_source(&b, d->source.p, d->source.len);
	regions = bench_deep_add_regions(&b, d->nb_regions);
	if (regions == NULL)
		return 0;
	for (a = 0; a < d->nb_regions; a++) {
		const struct pf_region *rg = &d->regions[a];
		void *reg = bench_region_at_mut(regions, a), *sites;

		bench_region_set_id(reg, rg->id);
		bench_region_set_name(&b, reg, rg->name.p, rg->name.len);
		sites = bench_region_add_sites(&b, reg, rg->nb_sites);
		if (sites == NULL)
			return 0;
		for (c = 0; c < rg->nb_sites; c++) {
			const struct pf_site *st = &rg->sites[c];
			void *site = bench_site_at_mut(sites, c), *racks, *loc;

			bench_site_set_id(site, st->id);
			loc = bench_site_mut_loc(site);
			bench_geo_set_lat(loc, st->lat);
			bench_geo_set_lon(loc, st->lon);
			bench_site_set_name(&b, site, st->name.p, st->name.len);
			racks = bench_site_add_racks(&b, site, st->nb_racks);
			if (racks == NULL)
				return 0;
			for (r = 0; r < st->nb_racks; r++) {
				const struct pf_rack *rk = &st->racks[r];
				void *rack = bench_rack_at_mut(racks, r), *hosts;

				bench_rack_set_row(rack, rk->row);
				bench_rack_set_slot(rack, rk->slot);
				bench_rack_set_label(&b, rack, rk->label.p, rk->label.len);
				hosts = bench_rack_add_hosts(&b, rack, rk->nb_hosts);
				if (hosts == NULL)
					return 0;
				for (h = 0; h < rk->nb_hosts; h++) {
					const struct pf_host *ho = &rk->hosts[h];
					void *host = bench_host_at_mut(hosts, h), *nics;

					bench_host_set_id(host, ho->id);
					bench_host_set_name(&b, host, ho->name.p, ho->name.len);
					nics = bench_host_add_nics(&b, host, ho->nb_nics);
					if (nics == NULL)
						return 0;
					for (n = 0; n < ho->nb_nics; n++) {
						const struct pf_nic *ni = &ho->nics[n];
						void *nic = bench_nic_at_mut(nics, n), *ports;

						bench_nic_set_index(nic, ni->index);
						bench_nic_set_mac(nic, ni->mac, sizeof(ni->mac));
						bench_nic_set_ifname(&b, nic, ni->ifname.p, ni->ifname.len);
						ports = bench_nic_add_ports(&b, nic, ni->nb_ports);
						if (ports == NULL)
							return 0;
						for (k = 0; k < ni->nb_ports; k++) {
							const struct pf_port *po = &ni->ports[k];
							void *port = bench_port_at_mut(ports, k);

							bench_port_set_num(port, po->num);
							bench_port_set_vlan(port, po->vlan);
							bench_port_set_speed_mbps(port, po->speed_mbps);
							bench_port_set_rx_bytes(port, po->rx_bytes);
						}
					}
				}
			}
		}
	}
	if (dipc_codec_build_finish(&b, &len) != 0)
		return 0;
	return len;
}

PF_INLINE uint64_t
deep_read(const void *body, bool full)
{
	uint64_t h = 0;
	const void *p, *regions;
	uint32_t len, nr, a;

	h = pf_u64(h, bench_deep_get_frame_id(body), full);
	h = pf_u64(h, bench_deep_get_ts_ns(body), full);
	p = bench_deep_get_source(body, &len);
	h = pf_bytes(h, p, len, full);
	regions = bench_deep_get_regions(body, &nr);
	h = pf_u64(h, nr, full);
	for (a = 0; a < nr; a++) {
		const void *reg = bench_region_at(regions, a), *sites;
		uint32_t ns, c;

		h = pf_u64(h, bench_region_get_id(reg), full);
		p = bench_region_get_name(body, reg, &len);
		h = pf_bytes(h, p, len, full);
		sites = bench_region_get_sites(body, reg, &ns);
		h = pf_u64(h, ns, full);
		for (c = 0; c < ns; c++) {
			const void *site = bench_site_at(sites, c), *loc, *racks;
			uint32_t nk, r;

			h = pf_u64(h, bench_site_get_id(site), full);
			loc = bench_site_get_loc(site);
			h = pf_f64(h, bench_geo_get_lat(loc), full);
			h = pf_f64(h, bench_geo_get_lon(loc), full);
			p = bench_site_get_name(body, site, &len);
			h = pf_bytes(h, p, len, full);
			racks = bench_site_get_racks(body, site, &nk);
			h = pf_u64(h, nk, full);
			for (r = 0; r < nk; r++) {
				const void *rack = bench_rack_at(racks, r), *hosts;
				uint32_t nh, i;

				h = pf_u64(h, bench_rack_get_row(rack), full);
				h = pf_u64(h, bench_rack_get_slot(rack), full);
				p = bench_rack_get_label(body, rack, &len);
				h = pf_bytes(h, p, len, full);
				hosts = bench_rack_get_hosts(body, rack, &nh);
				h = pf_u64(h, nh, full);
				for (i = 0; i < nh; i++) {
					const void *host = bench_host_at(hosts, i), *nics;
					uint32_t nn, n;

					h = pf_u64(h, bench_host_get_id(host), full);
					p = bench_host_get_name(body, host, &len);
					h = pf_bytes(h, p, len, full);
					nics = bench_host_get_nics(body, host, &nn);
					h = pf_u64(h, nn, full);
					for (n = 0; n < nn; n++) {
						const void *nic = bench_nic_at(nics, n), *ports;
						uint32_t np, k;

						h = pf_u64(h, bench_nic_get_index(nic), full);
						h = pf_fixed6(h, bench_nic_get_mac(nic), full);
						p = bench_nic_get_ifname(body, nic, &len);
						h = pf_bytes(h, p, len, full);
						ports = bench_nic_get_ports(body, nic, &np);
						h = pf_u64(h, np, full);
						for (k = 0; k < np; k++) {
							const void *port = bench_port_at(ports, k);

							h = pf_u64(h, bench_port_get_num(port), full);
							h = pf_u64(h, bench_port_get_vlan(port), full);
							h = pf_u64(h, bench_port_get_speed_mbps(port), full);
							h = pf_u64(h, bench_port_get_rx_bytes(port), full);
						}
					}
				}
			}
		}
	}
	return h;
}

/* 5. Labels: many small strings and maps */

PF_INLINE void
to_kv(struct dipc_codec_kv *kv, const struct pf_entry *e, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++) {
		kv[k].key = e[k].key.p;
		kv[k].key_len = e[k].key.len;
		kv[k].value = e[k].value.p;
		kv[k].value_len = e[k].value.len;
	}
}

PF_INLINE size_t
labels_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_labels *l = src;
	struct dipc_codec_builder b;
	struct dipc_codec_kv kv[PF_RESOURCE > PF_SAMPLE_LABELS ? PF_RESOURCE : PF_SAMPLE_LABELS];
	uint32_t len, i, t;
	void *samples;

	if (l->nb_resource > PF_RESOURCE || bench_labels_build_init(&b, buf, (uint32_t)room) != 0)
		return 0;
	bench_labels_set_ts_ns(b.body, l->ts_ns);
	bench_labels_set_host(&b, l->host.p, l->host.len);
	bench_labels_set_job(&b, l->job.p, l->job.len);
	to_kv(kv, l->resource, l->nb_resource);
	bench_labels_set_resource(&b, kv, l->nb_resource);
	samples = bench_labels_add_samples(&b, l->nb_samples);
	if (samples == NULL)
		return 0;
	for (i = 0; i < l->nb_samples; i++) {
		const struct pf_sample *s = &l->samples[i];
		void *smp = bench_sample_at_mut(samples, i), *tags;

		if (s->nb_labels > PF_SAMPLE_LABELS)
			return 0;
		bench_sample_set_name(&b, smp, s->name.p, s->name.len);
		bench_sample_set_unit(&b, smp, s->unit.p, s->unit.len);
		bench_sample_set_value(smp, s->value);
		bench_sample_set_ts_ns(smp, s->ts_ns);
		tags = bench_sample_add_tags(&b, smp, s->nb_tags);
		if (tags == NULL)
			return 0;
		for (t = 0; t < s->nb_tags; t++)
			dipc_codec_build_string_at(&b, tags, t, s->tags[t].p, s->tags[t].len);
		to_kv(kv, s->labels, s->nb_labels);
		bench_sample_set_labels(&b, smp, kv, s->nb_labels);
	}
	if (dipc_codec_build_finish(&b, &len) != 0)
		return 0;
	return len;
}

PF_INLINE uint64_t
map_sum(uint64_t h, const struct dipc_codec_map *m, uint32_t n, bool full)
{
	struct dipc_codec_map_iter it;
	struct dipc_codec_kv e;

	h = pf_u64(h, n, full);
	dipc_codec_map_iter(&it, m);
	while (dipc_codec_map_next(&it, &e)) {
		h = pf_bytes(h, e.key, e.key_len, full);
		h = pf_bytes(h, e.value, e.value_len, full);
	}
	return h;
}

PF_INLINE uint64_t
labels_read(const void *body, bool full)
{
	uint64_t h = 0;
	struct dipc_codec_map m;
	const void *p, *samples;
	uint32_t len, n, i;

	h = pf_u64(h, bench_labels_get_ts_ns(body), full);
	p = bench_labels_get_host(body, &len);
	h = pf_bytes(h, p, len, full);
	p = bench_labels_get_job(body, &len);
	h = pf_bytes(h, p, len, full);
	n = bench_labels_get_resource(body, &m);
	h = map_sum(h, &m, n, full);
	samples = bench_labels_get_samples(body, &n);
	h = pf_u64(h, n, full);
	for (i = 0; i < n; i++) {
		const void *smp = bench_sample_at(samples, i), *tags;
		uint32_t nt, t;

		p = bench_sample_get_name(body, smp, &len);
		h = pf_bytes(h, p, len, full);
		p = bench_sample_get_unit(body, smp, &len);
		h = pf_bytes(h, p, len, full);
		h = pf_f64(h, bench_sample_get_value(smp), full);
		h = pf_u64(h, bench_sample_get_ts_ns(smp), full);
		tags = bench_sample_get_tags(body, smp, &nt);
		h = pf_u64(h, nt, full);
		for (t = 0; t < nt; t++) {
			p = dipc_codec_string_at(body, tags, t, &len);
			h = pf_bytes(h, p, len, full);
		}
		nt = bench_sample_get_labels(body, smp, &m);
		h = map_sum(h, &m, nt, full);
	}
	return h;
}

/* Plain dipc: decode is the validator. */
#define DIPC_PLAIN(M, VALIDATE) \
PF_INLINE size_t dipc_##M##_encode(const void *s, uint8_t *b, size_t r) \
{ return M##_encode(s, b, r); } \
PF_INLINE void * \
dipc_##M##_decode(struct pf_ctx *c, const uint8_t *buf, size_t len) \
{ \
	(void)c; \
	return VALIDATE(buf, (uint32_t)len, NULL) == DIPC_CODEC_OK ? body_ptr(buf) : NULL; \
} \
PF_INLINE uint64_t dipc_##M##_read(const void *d, bool full) { return M##_read(d, full); } \
PF_INLINE void dipc_##M##_release(struct pf_ctx *c, void *d) { nothing(c, d); } \
PF_DEFINE_LOOPS(dipc_##M)

DIPC_PLAIN(rpc, bench_rpc_request_validate)
DIPC_PLAIN(order, bench_order_event_validate)
DIPC_PLAIN(batch, bench_batch_validate)
DIPC_PLAIN(deep, bench_deep_validate)
DIPC_PLAIN(labels, bench_labels_validate)

const struct pf_format pf_format_dipc = {
	.name = "dipc",
	.what = "dipc-schemac header: builder; one-pass validator, getters in place",
	.msgs = {
		[PF_RPC] = { PF_CODEC(dipc_rpc) },
		[PF_ORDER] = { PF_CODEC(dipc_order) },
		[PF_BATCH] = { PF_CODEC(dipc_batch) },
		[PF_DEEP] = { PF_CODEC(dipc_deep) },
		[PF_LABELS] = { PF_CODEC(dipc_labels) },
	},
};

/*
 * dipc+lz4: encode builds into a scratch buffer and seals it with LZ4 (no
 * threshold) behind a message header: the output is a whole message,
 * header first (hdr_bytes: the size reported is the body's). Decode opens
 * the body (the header says whether it is compressed) into a buffer of
 * its context and validates it. A body LZ4 cannot shorten is sent plain.
 */
#define LZ4_ROOM 65536

static uint8_t lz4_plain[LZ4_ROOM];

static int
lz4_init(struct pf_ctx *c)
{
	c->state = malloc(LZ4_ROOM);
	return c->state == NULL ? -ENOMEM : 0;
}

static void
lz4_fini(struct pf_ctx *c)
{
	free(c->state);
	c->state = NULL;
}

#define DIPC_LZ4(M, VALIDATE) \
PF_INLINE size_t \
lz4_##M##_encode(const void *s, uint8_t *b, size_t r) \
{ \
	struct dipc_msg_hdr *h = (struct dipc_msg_hdr *)b; \
	size_t n = M##_encode(s, lz4_plain, sizeof(lz4_plain)); \
 \
	if (n == 0 || r < DIPC_MSG_HDR_LEN) \
		return 0; \
	memset(h, 0, DIPC_MSG_HDR_LEN); \
	if (dipc_codec_seal(h, lz4_plain, (uint32_t)n, b + DIPC_MSG_HDR_LEN, \
			    (uint32_t)(r - DIPC_MSG_HDR_LEN), DIPC_CODEC_SEAL_F_LZ4, 0) != 0) \
		return 0; \
	return DIPC_MSG_HDR_LEN + h->body_len; \
} \
PF_INLINE void * \
lz4_##M##_decode(struct pf_ctx *c, const uint8_t *buf, size_t len) \
{ \
	const void *body; \
	uint32_t blen; \
 \
	if (len < DIPC_MSG_HDR_LEN || \
	    dipc_codec_open((const struct dipc_msg_hdr *)buf, buf + DIPC_MSG_HDR_LEN, \
			    (uint32_t)(len - DIPC_MSG_HDR_LEN), c->state, LZ4_ROOM, &body, \
			    &blen) != 0 || VALIDATE(body, blen, NULL) != DIPC_CODEC_OK) \
		return NULL; \
	return body_ptr(body); \
} \
PF_INLINE uint64_t lz4_##M##_read(const void *d, bool full) { return M##_read(d, full); } \
PF_INLINE void lz4_##M##_release(struct pf_ctx *c, void *d) { nothing(c, d); } \
PF_DEFINE_LOOPS(lz4_##M)

DIPC_LZ4(rpc, bench_rpc_request_validate)
DIPC_LZ4(order, bench_order_event_validate)
DIPC_LZ4(batch, bench_batch_validate)
DIPC_LZ4(deep, bench_deep_validate)
DIPC_LZ4(labels, bench_labels_validate)

const struct pf_format pf_format_dipc_lz4 = {
	.name = "dipc+lz4",
	.what = "the dipc body sealed by dipc_codec_seal(LZ4, any size); opened, then validated",
	.hdr_bytes = DIPC_MSG_HDR_LEN,
	.msgs = {
		[PF_RPC] = { .init = lz4_init, .fini = lz4_fini, PF_CODEC(lz4_rpc) },
		[PF_ORDER] = { .init = lz4_init, .fini = lz4_fini, PF_CODEC(lz4_order) },
		[PF_BATCH] = { .init = lz4_init, .fini = lz4_fini, PF_CODEC(lz4_batch) },
		[PF_DEEP] = { .init = lz4_init, .fini = lz4_fini, PF_CODEC(lz4_deep) },
		[PF_LABELS] = { .init = lz4_init, .fini = lz4_fini, PF_CODEC(lz4_labels) },
	},
};
