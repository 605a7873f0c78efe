/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sample messages, the same for every format. Integers stay below
 * 2^53 so that JSON numbers (doubles in cJSON) carry them exactly: times are
 * nanoseconds since midnight, as in market data feeds.
 */
#include "codec_perf.h"

#define S(lit) { lit, sizeof(lit) - 1 }

static const char payload[16] = {
	0x00, 0x01, 0x02, 0x03, 0x10, 0x20, 0x30, 0x40,
	(char)0x80, (char)0x90, (char)0xa0, (char)0xb0, (char)0xfe, (char)0xff, 0x7f, 0x55,
};

const struct pf_rpc pf_sample_rpc = {
	.request_id = 918273645,
	.deadline_ns = 5000000,
	.tenant = 42,
	.priority = 3,
	.method = 7,
	.flags = 0x11,
	.idempotent = true,
	.service = S("inventory.v1"),
	.caller = S("frontend-17"),
	.trace_id = S("4bf92f3577b34da6a3ce929d0e0e4736"),
	.payload = { payload, sizeof(payload) },
};

#define FILL(i, v) { 1893400 + 25LL * (i), 100 + 10ULL * (i), 34200123456789ULL + 1000ULL * (i), \
		     7000U + (i), v }

const struct pf_order pf_sample_order = {
	.order_id = 55501234,
	.ts_ns = 34200123450000ull,
	.side = 1,
	.symbol = S("AAPL"),
	.account = S("ACC-001234"),
	.client_order_id = S("CLORD-20261128-000042"),
	.nb_fills = PF_FILLS,
	.fills = {
		FILL(0, "XNAS"), FILL(1, "ARCX"), FILL(2, "BATS"), FILL(3, "EDGX"),
		FILL(4, "XNAS"), FILL(5, "IEX"), FILL(6, "XNAS"), FILL(7, "BATS"),
	},
};

/* Values: a few repeat across records (as labels do), a few do not. */
#define REC(i, host, ver, rack) { 100000ULL + (i), 34200000000000ULL + 1000ULL * (i), PF_ATTRS, { \
	{ S("host"), S(host) }, { S("dc"), S("fra1") }, { S("env"), S("prod") }, \
	{ S("svc"), S("cart") }, { S("ver"), S(ver) }, { S("zone"), S("b") }, \
	{ S("rack"), S(rack) }, { S("team"), S("core") } } }

const struct pf_batch pf_sample_batch = {
	.shard = 7,
	.nb_records = PF_RECORDS,
	.records = {
		REC(0, "web-00", "1.4.0", "r00"), REC(1, "web-01", "1.4.1", "r01"),
		REC(2, "web-02", "1.4.2", "r02"), REC(3, "web-03", "1.4.3", "r03"),
		REC(4, "web-04", "1.4.0", "r04"), REC(5, "web-05", "1.4.1", "r05"),
		REC(6, "web-06", "1.4.2", "r06"), REC(7, "web-07", "1.4.3", "r07"),
		REC(8, "web-08", "1.4.0", "r08"), REC(9, "web-09", "1.4.1", "r09"),
		REC(10, "web-10", "1.4.2", "r10"), REC(11, "web-11", "1.4.3", "r11"),
		REC(12, "web-12", "1.4.0", "r12"), REC(13, "web-13", "1.4.1", "r13"),
		REC(14, "web-14", "1.4.2", "r14"), REC(15, "web-15", "1.4.3", "r15"),
		REC(16, "web-16", "1.4.0", "r16"), REC(17, "web-17", "1.4.1", "r17"),
		REC(18, "web-18", "1.4.2", "r18"), REC(19, "web-19", "1.4.3", "r19"),
		REC(20, "web-20", "1.4.0", "r20"), REC(21, "web-21", "1.4.1", "r21"),
		REC(22, "web-22", "1.4.2", "r22"), REC(23, "web-23", "1.4.3", "r23"),
		REC(24, "web-24", "1.4.0", "r24"), REC(25, "web-25", "1.4.1", "r25"),
		REC(26, "web-26", "1.4.2", "r26"), REC(27, "web-27", "1.4.3", "r27"),
		REC(28, "web-28", "1.4.0", "r28"), REC(29, "web-29", "1.4.1", "r29"),
		REC(30, "web-30", "1.4.2", "r30"), REC(31, "web-31", "1.4.3", "r31"),
	},
};

/* Deep nesting: 2 regions > 1 site > 2 racks > 1 host > 2 NICs > 2 ports
 * (7 levels; 16 ports). Coordinates are exact binary fractions, so that
 * JSON's decimal text carries them exactly. */
#define PORT(k) { (uint16_t)(k), (uint16_t)(100 + (k)), 25000, 1000000007ULL * (k) }
#define NIC(n, ifn) { (n), { 0x02, 0x00, 0x5e, 0x10, (uint8_t)(n), 0x01 }, S(ifn), PF_PORTS, \
		      { PORT(2 * (n) + 1), PORT(2 * (n) + 2) } }
#define HOST(h, name) { 900000ULL + (h), S(name), PF_NICS, { NIC(2 * (h), "eth0"), \
							   NIC(2 * (h) + 1, "eth1") } }
#define RACK(r, label, host) { (uint16_t)(1 + (r) / 2), (uint16_t)(1 + (r) % 2), S(label), \
			       PF_HOSTS, { HOST(r, host) } }

const struct pf_deep pf_sample_deep = {
	.frame_id = 7001,
	.ts_ns = 34200500000000ULL,
	.source = S("inventory-agent-3"),
	.nb_regions = PF_REGIONS,
	.regions = {
		{ 1, S("eu-central"), PF_SITES, { { 11, 50.125, 8.6875, S("fra1"), PF_RACKS, {
			RACK(0, "fra1-r01a", "node-0001"), RACK(1, "fra1-r01b", "node-0002") } } } },
		{ 2, S("us-east"), PF_SITES, { { 21, 39.0625, -77.5, S("iad2"), PF_RACKS, {
			RACK(2, "iad2-r01a", "node-0101"), RACK(3, "iad2-r01b", "node-0102") } } } },
	},
};

/* Many small strings and maps: every key and value under 16 bytes but one
 * (the resource map's pod uid), so that one map takes a byte per length. */
#define SAMPLE(name, unit, v, i, t0, t1, l0, l1, l2) { S(name), S(unit), (v), \
	34200600000000ULL + 1000ULL * (i), PF_SAMPLE_TAGS, { S(t0), S(t1) }, PF_SAMPLE_LABELS, { \
	{ S("method"), S(l0) }, { S("code"), S(l1) }, { S("path"), S(l2) } } }

const struct pf_labels pf_sample_labels = {
	.ts_ns = 34200600000000ULL,
	.host = S("web-17.fra1"),
	.job = S("node-exporter"),
	.nb_resource = PF_RESOURCE,
	.resource = {
		{ S("region"), S("eu-central") }, { S("zone"), S("fra1-b") },
		{ S("cluster"), S("prod-3") }, { S("ns"), S("shop") },
		{ S("pod"), S("cart-7d9f") }, { S("pod_uid"), S("3f2a9c1e-77b1-4c0d") },
	},
	.nb_samples = PF_SAMPLES,
	.samples = {
		SAMPLE("http_requests", "1", 1234.0, 0, "counter", "http", "GET", "200", "/cart"),
		SAMPLE("http_requests", "1", 17.0, 1, "counter", "http", "POST", "201", "/cart"),
		SAMPLE("http_errors", "1", 3.0, 2, "counter", "http", "GET", "500", "/cart"),
		SAMPLE("latency_p50", "ms", 4.25, 3, "gauge", "http", "GET", "200", "/cart"),
		SAMPLE("latency_p99", "ms", 38.5, 4, "gauge", "http", "GET", "200", "/cart"),
		SAMPLE("latency_p99", "ms", 52.75, 5, "gauge", "http", "POST", "201", "/pay"),
		SAMPLE("bytes_out", "By", 918273.0, 6, "counter", "net", "GET", "200", "/img"),
		SAMPLE("inflight", "1", 12.0, 7, "gauge", "http", "ANY", "-", "/"),
	},
};

const void *
pf_sample(enum pf_msg m)
{
	switch (m) {
	case PF_RPC: return &pf_sample_rpc;
	case PF_ORDER: return &pf_sample_order;
	case PF_BATCH: return &pf_sample_batch;
	case PF_DEEP: return &pf_sample_deep;
	default: return &pf_sample_labels;
	}
}

const char *
pf_msg_name(enum pf_msg m)
{
	switch (m) {
	case PF_RPC: return "rpc_request";
	case PF_ORDER: return "order_event";
	case PF_BATCH: return "batch";
	case PF_DEEP: return "deep";
	default: return "labels";
	}
}

/* The digest every format's decoded message must have: the native values,
 * read in schema order with the same consumption as the formats' readers. */
static uint64_t
digest_rpc(const struct pf_rpc *r)
{
	uint64_t h = 0;

	h = pf_u64(h, r->request_id, true);
	h = pf_u64(h, r->deadline_ns, true);
	h = pf_u64(h, r->tenant, true);
	h = pf_u64(h, r->priority, true);
	h = pf_u64(h, r->method, true);
	h = pf_u64(h, r->flags, true);
	h = pf_u64(h, r->idempotent, true);
	h = pf_bytes(h, r->service.p, r->service.len, true);
	h = pf_bytes(h, r->caller.p, r->caller.len, true);
	h = pf_bytes(h, r->trace_id.p, r->trace_id.len, true);
	return pf_bytes(h, r->payload.p, r->payload.len, true);
}

static uint64_t
digest_order(const struct pf_order *o)
{
	uint64_t h = 0;
	uint32_t i;

	h = pf_u64(h, o->order_id, true);
	h = pf_u64(h, o->ts_ns, true);
	h = pf_u64(h, o->side, true);
	h = pf_bytes(h, o->symbol.p, o->symbol.len, true);
	h = pf_bytes(h, o->account.p, o->account.len, true);
	h = pf_bytes(h, o->client_order_id.p, o->client_order_id.len, true);
	h = pf_u64(h, o->nb_fills, true);
	for (i = 0; i < o->nb_fills; i++) {
		h = pf_u64(h, (uint64_t)o->fills[i].price, true);
		h = pf_u64(h, o->fills[i].qty, true);
		h = pf_u64(h, o->fills[i].ts_ns, true);
		h = pf_u64(h, o->fills[i].trade_id, true);
		h = pf_fixed4(h, o->fills[i].venue, true);
	}
	return h;
}

static uint64_t
digest_batch(const struct pf_batch *b)
{
	uint64_t h = 0;
	uint32_t i, k;

	h = pf_u64(h, b->shard, true);
	h = pf_u64(h, b->nb_records, true);
	for (i = 0; i < b->nb_records; i++) {
		const struct pf_record *r = &b->records[i];

		h = pf_u64(h, r->id, true);
		h = pf_u64(h, r->ts_ns, true);
		h = pf_u64(h, r->nb_attrs, true);
		for (k = 0; k < r->nb_attrs; k++) {
			h = pf_bytes(h, r->attrs[k].key.p, r->attrs[k].key.len, true);
			h = pf_bytes(h, r->attrs[k].value.p, r->attrs[k].value.len, true);
		}
	}
	return h;
}

static uint64_t
digest_deep(const struct pf_deep *d)
{
	uint64_t h = 0;
	uint32_t a, b, c, e, f, g;

	h = pf_u64(h, d->frame_id, true);
	h = pf_u64(h, d->ts_ns, true);
	h = pf_bytes(h, d->source.p, d->source.len, true);
	h = pf_u64(h, d->nb_regions, true);
	for (a = 0; a < d->nb_regions; a++) {
		const struct pf_region *rg = &d->regions[a];

		h = pf_u64(h, rg->id, true);
		h = pf_bytes(h, rg->name.p, rg->name.len, true);
		h = pf_u64(h, rg->nb_sites, true);
		for (b = 0; b < rg->nb_sites; b++) {
			const struct pf_site *st = &rg->sites[b];

			h = pf_u64(h, st->id, true);
			h = pf_f64(h, st->lat, true);
			h = pf_f64(h, st->lon, true);
			h = pf_bytes(h, st->name.p, st->name.len, true);
			h = pf_u64(h, st->nb_racks, true);
			for (c = 0; c < st->nb_racks; c++) {
				const struct pf_rack *rk = &st->racks[c];

				h = pf_u64(h, rk->row, true);
				h = pf_u64(h, rk->slot, true);
				h = pf_bytes(h, rk->label.p, rk->label.len, true);
				h = pf_u64(h, rk->nb_hosts, true);
				for (e = 0; e < rk->nb_hosts; e++) {
					const struct pf_host *ho = &rk->hosts[e];

					h = pf_u64(h, ho->id, true);
					h = pf_bytes(h, ho->name.p, ho->name.len, true);
					h = pf_u64(h, ho->nb_nics, true);
					for (f = 0; f < ho->nb_nics; f++) {
						const struct pf_nic *n = &ho->nics[f];

						h = pf_u64(h, n->index, true);
						h = pf_fixed6(h, n->mac, true);
						h = pf_bytes(h, n->ifname.p, n->ifname.len, true);
						h = pf_u64(h, n->nb_ports, true);
						for (g = 0; g < n->nb_ports; g++) {
							const struct pf_port *p = &n->ports[g];

							h = pf_u64(h, p->num, true);
							h = pf_u64(h, p->vlan, true);
							h = pf_u64(h, p->speed_mbps, true);
							h = pf_u64(h, p->rx_bytes, true);
						}
					}
				}
			}
		}
	}
	return h;
}

static uint64_t
digest_entries(uint64_t h, const struct pf_entry *e, uint32_t n)
{
	uint32_t k;

	h = pf_u64(h, n, true);
	for (k = 0; k < n; k++) {
		h = pf_bytes(h, e[k].key.p, e[k].key.len, true);
		h = pf_bytes(h, e[k].value.p, e[k].value.len, true);
	}
	return h;
}

static uint64_t
digest_labels(const struct pf_labels *l)
{
	uint64_t h = 0;
	uint32_t i, t;

	h = pf_u64(h, l->ts_ns, true);
	h = pf_bytes(h, l->host.p, l->host.len, true);
	h = pf_bytes(h, l->job.p, l->job.len, true);
	h = digest_entries(h, l->resource, l->nb_resource);
	h = pf_u64(h, l->nb_samples, true);
	for (i = 0; i < l->nb_samples; i++) {
		const struct pf_sample *s = &l->samples[i];

		h = pf_bytes(h, s->name.p, s->name.len, true);
		h = pf_bytes(h, s->unit.p, s->unit.len, true);
		h = pf_f64(h, s->value, true);
		h = pf_u64(h, s->ts_ns, true);
		h = pf_u64(h, s->nb_tags, true);
		for (t = 0; t < s->nb_tags; t++)
			h = pf_bytes(h, s->tags[t].p, s->tags[t].len, true);
		h = digest_entries(h, s->labels, s->nb_labels);
	}
	return h;
}

uint64_t
pf_sample_digest(enum pf_msg m)
{
	switch (m) {
	case PF_RPC: return digest_rpc(&pf_sample_rpc);
	case PF_ORDER: return digest_order(&pf_sample_order);
	case PF_BATCH: return digest_batch(&pf_sample_batch);
	case PF_DEEP: return digest_deep(&pf_sample_deep);
	default: return digest_labels(&pf_sample_labels);
	}
}
