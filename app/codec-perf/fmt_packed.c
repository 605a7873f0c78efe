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

struct pk_port {
	uint16_t num;
	uint16_t vlan;
	uint32_t speed_mbps;
	uint64_t rx_bytes;
} __attribute__((packed));

struct pk_nic {
	uint32_t index;
	uint8_t mac[6];
	struct pk_ref ifname;
	struct pk_ref ports;    /* offset, count */
} __attribute__((packed));

struct pk_host {
	uint64_t id;
	struct pk_ref name;
	struct pk_ref nics;     /* offset, count */
} __attribute__((packed));

struct pk_rack {
	uint16_t row;
	uint16_t slot;
	struct pk_ref label;
	struct pk_ref hosts;    /* offset, count */
} __attribute__((packed));

struct pk_site {
	uint32_t id;
	double lat;
	double lon;
	struct pk_ref name;
	struct pk_ref racks;    /* offset, count */
} __attribute__((packed));

struct pk_region {
	uint32_t id;
	struct pk_ref name;
	struct pk_ref sites;    /* offset, count */
} __attribute__((packed));

struct pk_deep {
	uint64_t frame_id;
	uint64_t ts_ns;
	struct pk_ref source;
	struct pk_ref regions;  /* offset, count */
} __attribute__((packed));

struct pk_sample {
	struct pk_ref name;
	struct pk_ref unit;
	double value;
	uint64_t ts_ns;
	struct pk_ref tags;     /* offset, count of pk_ref */
	struct pk_ref labels;   /* offset, count of pk_entry */
} __attribute__((packed));

struct pk_labels {
	uint64_t ts_ns;
	struct pk_ref host;
	struct pk_ref job;
	struct pk_ref resource; /* offset, count of pk_entry */
	struct pk_ref samples;  /* offset, count */
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

/* Reserve @p n elements of @p size bytes at *end for an array whose
 * reference is @p ref (offset, count); NULL when they do not fit. */
PF_INLINE void *
arr(uint8_t *buf, size_t room, size_t *end, struct pk_ref *ref, uint32_t n, size_t size)
{
	size_t len = (size_t)n * size;
	void *p;

	if (len > room - *end)
		return NULL;
	p = buf + *end;
	ref->off = (uint32_t)*end;
	ref->len = n;
	*end += len;
	return p;
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

PF_INLINE size_t
pk_deep_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_deep *d = src;
	struct pk_deep *m = (struct pk_deep *)buf;
	size_t end = sizeof(*m);
	struct pk_region *rg;
	uint32_t a, c, r, h, n, k;

	if (room < end)
		return 0;
	m->frame_id = d->frame_id;
	m->ts_ns = d->ts_ns;
	if (!put(buf, room, &end, &m->source, d->source.p, d->source.len) ||
	    (rg = arr(buf, room, &end, &m->regions, d->nb_regions, sizeof(*rg))) == NULL)
		return 0;
	for (a = 0; a < d->nb_regions; a++) {
		const struct pf_region *xr = &d->regions[a];
		struct pk_site *st;

		rg[a].id = xr->id;
		if (!put(buf, room, &end, &rg[a].name, xr->name.p, xr->name.len) ||
		    (st = arr(buf, room, &end, &rg[a].sites, xr->nb_sites, sizeof(*st))) == NULL)
			return 0;
		for (c = 0; c < xr->nb_sites; c++) {
			const struct pf_site *xs = &xr->sites[c];
			struct pk_rack *rk;

			st[c].id = xs->id;
			st[c].lat = xs->lat;
			st[c].lon = xs->lon;
			if (!put(buf, room, &end, &st[c].name, xs->name.p, xs->name.len) ||
			    (rk = arr(buf, room, &end, &st[c].racks, xs->nb_racks, sizeof(*rk))) == NULL)
				return 0;
			for (r = 0; r < xs->nb_racks; r++) {
				const struct pf_rack *xk = &xs->racks[r];
				struct pk_host *ho;

				rk[r].row = xk->row;
				rk[r].slot = xk->slot;
				if (!put(buf, room, &end, &rk[r].label, xk->label.p, xk->label.len) ||
				    (ho = arr(buf, room, &end, &rk[r].hosts, xk->nb_hosts,
					      sizeof(*ho))) == NULL)
					return 0;
				for (h = 0; h < xk->nb_hosts; h++) {
					const struct pf_host *xh = &xk->hosts[h];
					struct pk_nic *ni;

					ho[h].id = xh->id;
					if (!put(buf, room, &end, &ho[h].name, xh->name.p, xh->name.len) ||
					    (ni = arr(buf, room, &end, &ho[h].nics, xh->nb_nics,
						      sizeof(*ni))) == NULL)
						return 0;
					for (n = 0; n < xh->nb_nics; n++) {
						const struct pf_nic *xn = &xh->nics[n];
						struct pk_port *po;

						ni[n].index = xn->index;
						memcpy(ni[n].mac, xn->mac, sizeof(ni[n].mac));
						if (!put(buf, room, &end, &ni[n].ifname, xn->ifname.p,
							 xn->ifname.len) ||
						    (po = arr(buf, room, &end, &ni[n].ports, xn->nb_ports,
							      sizeof(*po))) == NULL)
							return 0;
						for (k = 0; k < xn->nb_ports; k++) {
							po[k].num = xn->ports[k].num;
							po[k].vlan = xn->ports[k].vlan;
							po[k].speed_mbps = xn->ports[k].speed_mbps;
							po[k].rx_bytes = xn->ports[k].rx_bytes;
						}
					}
				}
			}
		}
	}
	return end;
}

PF_INLINE uint64_t
pk_deep_read(const void *d, bool full)
{
	const struct pk_deep *m = d;
	const struct pk_region *rg = (const struct pk_region *)at(d, m->regions);
	uint64_t h = 0;
	uint32_t a, c, r, i, n, k;

	h = pf_u64(h, m->frame_id, full);
	h = pf_u64(h, m->ts_ns, full);
	h = pf_bytes(h, at(d, m->source), m->source.len, full);
	h = pf_u64(h, m->regions.len, full);
	for (a = 0; a < m->regions.len; a++) {
		const struct pk_site *st = (const struct pk_site *)at(d, rg[a].sites);

		h = pf_u64(h, rg[a].id, full);
		h = pf_bytes(h, at(d, rg[a].name), rg[a].name.len, full);
		h = pf_u64(h, rg[a].sites.len, full);
		for (c = 0; c < rg[a].sites.len; c++) {
			const struct pk_rack *rk = (const struct pk_rack *)at(d, st[c].racks);

			h = pf_u64(h, st[c].id, full);
			h = pf_f64(h, st[c].lat, full);
			h = pf_f64(h, st[c].lon, full);
			h = pf_bytes(h, at(d, st[c].name), st[c].name.len, full);
			h = pf_u64(h, st[c].racks.len, full);
			for (r = 0; r < st[c].racks.len; r++) {
				const struct pk_host *ho = (const struct pk_host *)at(d, rk[r].hosts);

				h = pf_u64(h, rk[r].row, full);
				h = pf_u64(h, rk[r].slot, full);
				h = pf_bytes(h, at(d, rk[r].label), rk[r].label.len, full);
				h = pf_u64(h, rk[r].hosts.len, full);
				for (i = 0; i < rk[r].hosts.len; i++) {
					const struct pk_nic *ni = (const struct pk_nic *)at(d, ho[i].nics);

					h = pf_u64(h, ho[i].id, full);
					h = pf_bytes(h, at(d, ho[i].name), ho[i].name.len, full);
					h = pf_u64(h, ho[i].nics.len, full);
					for (n = 0; n < ho[i].nics.len; n++) {
						const struct pk_port *po =
							(const struct pk_port *)at(d, ni[n].ports);

						h = pf_u64(h, ni[n].index, full);
						h = pf_fixed6(h, ni[n].mac, full);
						h = pf_bytes(h, at(d, ni[n].ifname), ni[n].ifname.len, full);
						h = pf_u64(h, ni[n].ports.len, full);
						for (k = 0; k < ni[n].ports.len; k++) {
							h = pf_u64(h, po[k].num, full);
							h = pf_u64(h, po[k].vlan, full);
							h = pf_u64(h, po[k].speed_mbps, full);
							h = pf_u64(h, po[k].rx_bytes, full);
						}
					}
				}
			}
		}
	}
	return h;
}

/* Entries as (key, value) references, the strings after them. */
PF_INLINE int
put_entries(uint8_t *buf, size_t room, size_t *end, struct pk_ref *ref,
	    const struct pf_entry *src, uint32_t n)
{
	struct pk_entry *e = arr(buf, room, end, ref, n, sizeof(*e));
	uint32_t k;

	if (e == NULL)
		return 0;
	for (k = 0; k < n; k++)
		if (!put(buf, room, end, &e[k].key, src[k].key.p, src[k].key.len) ||
		    !put(buf, room, end, &e[k].value, src[k].value.p, src[k].value.len))
			return 0;
	return 1;
}

PF_INLINE uint64_t
read_entries(uint64_t h, const void *d, struct pk_ref ref, bool full)
{
	const struct pk_entry *e = (const struct pk_entry *)at(d, ref);
	uint32_t k;

	h = pf_u64(h, ref.len, full);
	for (k = 0; k < ref.len; k++) {
		h = pf_bytes(h, at(d, e[k].key), e[k].key.len, full);
		h = pf_bytes(h, at(d, e[k].value), e[k].value.len, full);
	}
	return h;
}

PF_INLINE size_t
pk_labels_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_labels *l = src;
	struct pk_labels *m = (struct pk_labels *)buf;
	size_t end = sizeof(*m);
	struct pk_sample *smp;
	uint32_t i, t;

	if (room < end)
		return 0;
	m->ts_ns = l->ts_ns;
	if (!put(buf, room, &end, &m->host, l->host.p, l->host.len) ||
	    !put(buf, room, &end, &m->job, l->job.p, l->job.len) ||
	    !put_entries(buf, room, &end, &m->resource, l->resource, l->nb_resource) ||
	    (smp = arr(buf, room, &end, &m->samples, l->nb_samples, sizeof(*smp))) == NULL)
		return 0;
	for (i = 0; i < l->nb_samples; i++) {
		const struct pf_sample *s = &l->samples[i];
		struct pk_ref *tags;

		smp[i].value = s->value;
		smp[i].ts_ns = s->ts_ns;
		if (!put(buf, room, &end, &smp[i].name, s->name.p, s->name.len) ||
		    !put(buf, room, &end, &smp[i].unit, s->unit.p, s->unit.len) ||
		    (tags = arr(buf, room, &end, &smp[i].tags, s->nb_tags, sizeof(*tags))) == NULL)
			return 0;
		for (t = 0; t < s->nb_tags; t++)
			if (!put(buf, room, &end, &tags[t], s->tags[t].p, s->tags[t].len))
				return 0;
		if (!put_entries(buf, room, &end, &smp[i].labels, s->labels, s->nb_labels))
			return 0;
	}
	return end;
}

PF_INLINE uint64_t
pk_labels_read(const void *d, bool full)
{
	const struct pk_labels *m = d;
	const struct pk_sample *smp = (const struct pk_sample *)at(d, m->samples);
	uint64_t h = 0;
	uint32_t i, t;

	h = pf_u64(h, m->ts_ns, full);
	h = pf_bytes(h, at(d, m->host), m->host.len, full);
	h = pf_bytes(h, at(d, m->job), m->job.len, full);
	h = read_entries(h, d, m->resource, full);
	h = pf_u64(h, m->samples.len, full);
	for (i = 0; i < m->samples.len; i++) {
		const struct pk_ref *tags = (const struct pk_ref *)at(d, smp[i].tags);

		h = pf_bytes(h, at(d, smp[i].name), smp[i].name.len, full);
		h = pf_bytes(h, at(d, smp[i].unit), smp[i].unit.len, full);
		h = pf_f64(h, smp[i].value, full);
		h = pf_u64(h, smp[i].ts_ns, full);
		h = pf_u64(h, smp[i].tags.len, full);
		for (t = 0; t < smp[i].tags.len; t++)
			h = pf_bytes(h, at(d, tags[t]), tags[t].len, full);
		h = read_entries(h, d, smp[i].labels, full);
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
PK(deep)
PK(labels)

const struct pf_format pf_format_packed = {
	.name = "packed",
	.what = "hand-written packed C structs, (offset, length) strings, no validation",
	.no_validation = true,
	.msgs = {
		[PF_RPC] = { PF_CODEC(pk_rpc) },
		[PF_ORDER] = { PF_CODEC(pk_order) },
		[PF_BATCH] = { PF_CODEC(pk_batch) },
		[PF_DEEP] = { PF_CODEC(pk_deep) },
		[PF_LABELS] = { PF_CODEC(pk_labels) },
	},
};
