/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The three sample messages, the same for every format. Integers stay below
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

const void *
pf_sample(enum pf_msg m)
{
	switch (m) {
	case PF_RPC: return &pf_sample_rpc;
	case PF_ORDER: return &pf_sample_order;
	default: return &pf_sample_batch;
	}
}

const char *
pf_msg_name(enum pf_msg m)
{
	switch (m) {
	case PF_RPC: return "rpc_request";
	case PF_ORDER: return "order_event";
	default: return "batch";
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

uint64_t
pf_sample_digest(enum pf_msg m)
{
	switch (m) {
	case PF_RPC: return digest_rpc(&pf_sample_rpc);
	case PF_ORDER: return digest_order(&pf_sample_order);
	default: return digest_batch(&pf_sample_batch);
	}
}
