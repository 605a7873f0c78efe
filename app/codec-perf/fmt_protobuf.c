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

PF_INLINE size_t
pb_deep_encode(const void *src, uint8_t *buf, size_t room)
{
	enum {
		NR = PF_REGIONS, NS = NR * PF_SITES, NK = NS * PF_RACKS, NH = NK * PF_HOSTS,
		NN = NH * PF_NICS, NP = NN * PF_PORTS
	};
	const struct pf_deep *d = src;
	DipcBench__Deep m = DIPC_BENCH__DEEP__INIT;
	DipcBench__Region rg[NR], *rgp[NR];
	DipcBench__Site st[NS], *stp[NS];
	DipcBench__Geo geo[NS];
	DipcBench__Rack rk[NK], *rkp[NK];
	DipcBench__Host ho[NH], *hop[NH];
	DipcBench__Nic ni[NN], *nip[NN];
	DipcBench__Port po[NP], *pop[NP];
	uint32_t a, c, r, h, n, k, is = 0, ik = 0, ih = 0, in = 0, ip = 0;

	if (d->nb_regions > PF_REGIONS)
		return 0;
	m.frame_id = d->frame_id;
	m.ts_ns = d->ts_ns;
	m.source = s(d->source.p);
	for (a = 0; a < d->nb_regions; a++) {
		const struct pf_region *xr = &d->regions[a];

		if (xr->nb_sites > PF_SITES)
			return 0;
		dipc_bench__region__init(&rg[a]);
		rg[a].id = xr->id;
		rg[a].name = s(xr->name.p);
		rg[a].n_sites = xr->nb_sites;
		rg[a].sites = &stp[is];
		rgp[a] = &rg[a];
		for (c = 0; c < xr->nb_sites; c++, is++) {
			const struct pf_site *xs = &xr->sites[c];

			if (xs->nb_racks > PF_RACKS)
				return 0;
			dipc_bench__site__init(&st[is]);
			dipc_bench__geo__init(&geo[is]);
			geo[is].lat = xs->lat;
			geo[is].lon = xs->lon;
			st[is].id = xs->id;
			st[is].loc = &geo[is];
			st[is].name = s(xs->name.p);
			st[is].n_racks = xs->nb_racks;
			st[is].racks = &rkp[ik];
			stp[is] = &st[is];
			for (r = 0; r < xs->nb_racks; r++, ik++) {
				const struct pf_rack *xk = &xs->racks[r];

				if (xk->nb_hosts > PF_HOSTS)
					return 0;
				dipc_bench__rack__init(&rk[ik]);
				rk[ik].row = xk->row;
				rk[ik].slot = xk->slot;
				rk[ik].label = s(xk->label.p);
				rk[ik].n_hosts = xk->nb_hosts;
				rk[ik].hosts = &hop[ih];
				rkp[ik] = &rk[ik];
				for (h = 0; h < xk->nb_hosts; h++, ih++) {
					const struct pf_host *xh = &xk->hosts[h];

					if (xh->nb_nics > PF_NICS)
						return 0;
					dipc_bench__host__init(&ho[ih]);
					ho[ih].id = xh->id;
					ho[ih].name = s(xh->name.p);
					ho[ih].n_nics = xh->nb_nics;
					ho[ih].nics = &nip[in];
					hop[ih] = &ho[ih];
					for (n = 0; n < xh->nb_nics; n++, in++) {
						const struct pf_nic *xn = &xh->nics[n];

						if (xn->nb_ports > PF_PORTS)
							return 0;
						dipc_bench__nic__init(&ni[in]);
						ni[in].index = xn->index;
						ni[in].mac.len = sizeof(xn->mac);
						ni[in].mac.data = (uint8_t *)(uintptr_t)xn->mac;
						ni[in].ifname = s(xn->ifname.p);
						ni[in].n_ports = xn->nb_ports;
						ni[in].ports = &pop[ip];
						nip[in] = &ni[in];
						for (k = 0; k < xn->nb_ports; k++, ip++) {
							dipc_bench__port__init(&po[ip]);
							po[ip].num = xn->ports[k].num;
							po[ip].vlan = xn->ports[k].vlan;
							po[ip].speed_mbps = xn->ports[k].speed_mbps;
							po[ip].rx_bytes = xn->ports[k].rx_bytes;
							pop[ip] = &po[ip];
						}
					}
				}
			}
		}
	}
	m.n_regions = d->nb_regions;
	m.regions = rgp;
	return pack(&m.base, buf, room);
}

PF_INLINE uint64_t
pb_deep_read(const void *d, bool full)
{
	const DipcBench__Deep *m = d;
	uint64_t h = 0;
	size_t a, c, r, i, n, k;

	h = pf_u64(h, m->frame_id, full);
	h = pf_u64(h, m->ts_ns, full);
	h = str_sum(h, m->source, full);
	h = pf_u64(h, m->n_regions, full);
	for (a = 0; a < m->n_regions; a++) {
		const DipcBench__Region *rg = m->regions[a];

		h = pf_u64(h, rg->id, full);
		h = str_sum(h, rg->name, full);
		h = pf_u64(h, rg->n_sites, full);
		for (c = 0; c < rg->n_sites; c++) {
			const DipcBench__Site *st = rg->sites[c];

			h = pf_u64(h, st->id, full);
			h = pf_f64(h, st->loc != NULL ? st->loc->lat : 0, full);
			h = pf_f64(h, st->loc != NULL ? st->loc->lon : 0, full);
			h = str_sum(h, st->name, full);
			h = pf_u64(h, st->n_racks, full);
			for (r = 0; r < st->n_racks; r++) {
				const DipcBench__Rack *rk = st->racks[r];

				h = pf_u64(h, rk->row, full);
				h = pf_u64(h, rk->slot, full);
				h = str_sum(h, rk->label, full);
				h = pf_u64(h, rk->n_hosts, full);
				for (i = 0; i < rk->n_hosts; i++) {
					const DipcBench__Host *ho = rk->hosts[i];

					h = pf_u64(h, ho->id, full);
					h = str_sum(h, ho->name, full);
					h = pf_u64(h, ho->n_nics, full);
					for (n = 0; n < ho->n_nics; n++) {
						const DipcBench__Nic *ni = ho->nics[n];
						uint8_t mac[6] = {0};

						memcpy(mac, ni->mac.data, ni->mac.len < 6 ? ni->mac.len : 6);
						h = pf_u64(h, ni->index, full);
						h = pf_fixed6(h, mac, full);
						h = str_sum(h, ni->ifname, full);
						h = pf_u64(h, ni->n_ports, full);
						for (k = 0; k < ni->n_ports; k++) {
							const DipcBench__Port *po = ni->ports[k];

							h = pf_u64(h, po->num, full);
							h = pf_u64(h, po->vlan, full);
							h = pf_u64(h, po->speed_mbps, full);
							h = pf_u64(h, po->rx_bytes, full);
						}
					}
				}
			}
		}
	}
	return h;
}

PF_INLINE size_t
pb_labels_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_labels *l = src;
	DipcBench__Labels m = DIPC_BENCH__LABELS__INIT;
	DipcBench__Labels__ResourceEntry res[PF_RESOURCE], *resp[PF_RESOURCE];
	DipcBench__Sample smp[PF_SAMPLES], *smpp[PF_SAMPLES];
	DipcBench__Sample__LabelsEntry lab[PF_SAMPLES][PF_SAMPLE_LABELS], *labp[PF_SAMPLES][PF_SAMPLE_LABELS];
	char *tags[PF_SAMPLES][PF_SAMPLE_TAGS];
	uint32_t i, k;

	if (l->nb_resource > PF_RESOURCE || l->nb_samples > PF_SAMPLES)
		return 0;
	m.ts_ns = l->ts_ns;
	m.host = s(l->host.p);
	m.job = s(l->job.p);
	for (k = 0; k < l->nb_resource; k++) {
		dipc_bench__labels__resource_entry__init(&res[k]);
		res[k].key = s(l->resource[k].key.p);
		res[k].value = s(l->resource[k].value.p);
		resp[k] = &res[k];
	}
	m.n_resource = l->nb_resource;
	m.resource = resp;
	for (i = 0; i < l->nb_samples; i++) {
		const struct pf_sample *x = &l->samples[i];

		if (x->nb_tags > PF_SAMPLE_TAGS || x->nb_labels > PF_SAMPLE_LABELS)
			return 0;
		dipc_bench__sample__init(&smp[i]);
		smp[i].name = s(x->name.p);
		smp[i].unit = s(x->unit.p);
		smp[i].value = x->value;
		smp[i].ts_ns = x->ts_ns;
		for (k = 0; k < x->nb_tags; k++)
			tags[i][k] = s(x->tags[k].p);
		smp[i].n_tags = x->nb_tags;
		smp[i].tags = tags[i];
		for (k = 0; k < x->nb_labels; k++) {
			dipc_bench__sample__labels_entry__init(&lab[i][k]);
			lab[i][k].key = s(x->labels[k].key.p);
			lab[i][k].value = s(x->labels[k].value.p);
			labp[i][k] = &lab[i][k];
		}
		smp[i].n_labels = x->nb_labels;
		smp[i].labels = labp[i];
		smpp[i] = &smp[i];
	}
	m.n_samples = l->nb_samples;
	m.samples = smpp;
	return pack(&m.base, buf, room);
}

PF_INLINE uint64_t
pb_labels_read(const void *d, bool full)
{
	const DipcBench__Labels *m = d;
	uint64_t h = 0;
	size_t i, k;

	h = pf_u64(h, m->ts_ns, full);
	h = str_sum(h, m->host, full);
	h = str_sum(h, m->job, full);
	h = pf_u64(h, m->n_resource, full);
	for (k = 0; k < m->n_resource; k++) {
		h = str_sum(h, m->resource[k]->key, full);
		h = str_sum(h, m->resource[k]->value, full);
	}
	h = pf_u64(h, m->n_samples, full);
	for (i = 0; i < m->n_samples; i++) {
		const DipcBench__Sample *x = m->samples[i];

		h = str_sum(h, x->name, full);
		h = str_sum(h, x->unit, full);
		h = pf_f64(h, x->value, full);
		h = pf_u64(h, x->ts_ns, full);
		h = pf_u64(h, x->n_tags, full);
		for (k = 0; k < x->n_tags; k++)
			h = str_sum(h, x->tags[k], full);
		h = pf_u64(h, x->n_labels, full);
		for (k = 0; k < x->n_labels; k++) {
			h = str_sum(h, x->labels[k]->key, full);
			h = str_sum(h, x->labels[k]->value, full);
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
PB(deep, deep)
PB(labels, labels)

const struct pf_format pf_format_protobuf = {
	.name = "protobuf-c",
	.what = "protobuf-c " PROTOBUF_C_VERSION ": get_packed_size + pack into the buffer; "
		"unpack (malloc), struct access, free_unpacked",
	.msgs = {
		[PF_RPC] = { PF_CODEC(pb_rpc) },
		[PF_ORDER] = { PF_CODEC(pb_order) },
		[PF_BATCH] = { PF_CODEC(pb_batch) },
		[PF_DEEP] = { PF_CODEC(pb_deep) },
		[PF_LABELS] = { PF_CODEC(pb_labels) },
	},
};
