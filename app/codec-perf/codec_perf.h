/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_PERF_H
#define DIPC_CODEC_PERF_H

/**
 * @file
 * dipc-codec-perf: the generated codec against JSON (cJSON), protobuf-c,
 * msgpack-c and a hand-written packed C struct, on the five messages of
 * docs/examples/bench.schema.
 *
 * Every format starts from the same native message (struct pf_rpc,
 * pf_order, pf_batch: what an application holds) and provides, per
 * message, four functions that the PF_DEFINE_LOOPS() macro turns into
 * timed loops with the work inlined:
 *   encode(src, buf, room)      native -> bytes; returns the length, 0 on error
 *   decode(ctx, buf, len)       bytes -> the format's decoded form (validated),
 *                               NULL when invalid
 *   read(decoded, full)         every field, consumed into a 64-bit sum
 *   release(ctx, decoded)       what decode allocated
 * read() with full = false is the timed consumption (scalars added, a
 * string or byte string as its length, first and last byte); with full =
 * true it hashes every byte of every field in schema order, which the
 * cross-check (--check) compares between formats.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A string or byte string of the native message. The samples' strings
 *  are also NUL-terminated at len, which cJSON and protobuf-c need. */
struct pf_str {
	const char *p;
	uint32_t len;
};

#define PF_FILLS 8
#define PF_RECORDS 32
#define PF_ATTRS 8

/** 1. RPC request. */
struct pf_rpc {
	uint64_t request_id;
	uint64_t deadline_ns;
	uint32_t tenant;
	uint32_t priority;
	uint16_t method;
	uint16_t flags;
	bool idempotent;
	struct pf_str service;
	struct pf_str caller;
	struct pf_str trace_id;
	struct pf_str payload;   /**< bytes */
};

struct pf_fill {
	int64_t price;
	uint64_t qty;
	uint64_t ts_ns;
	uint32_t trade_id;
	char venue[4];          /**< fixed, NUL-padded */
};

/** 2. Order event with 8 fills. */
struct pf_order {
	uint64_t order_id;
	uint64_t ts_ns;
	uint8_t side;           /**< 0 NONE, 1 BUY, 2 SELL */
	struct pf_str symbol;
	struct pf_str account;
	struct pf_str client_order_id;
	uint32_t nb_fills;
	struct pf_fill fills[PF_FILLS];
};

struct pf_entry {
	struct pf_str key;
	struct pf_str value;
};

struct pf_record {
	uint64_t id;
	uint64_t ts_ns;
	uint32_t nb_attrs;
	struct pf_entry attrs[PF_ATTRS];
};

/** 3. Batch of 32 records with a string-to-string map of 8 entries. */
struct pf_batch {
	uint32_t shard;
	uint32_t nb_records;
	struct pf_record records[PF_RECORDS];
};

/* 4. Deep nesting: deep > region > site > rack > host > nic > port. The
 * capacities below are what the sample uses (each array is full). */
#define PF_REGIONS 2
#define PF_SITES 1
#define PF_RACKS 2
#define PF_HOSTS 1
#define PF_NICS 2
#define PF_PORTS 2

struct pf_port {
	uint16_t num;
	uint16_t vlan;
	uint32_t speed_mbps;
	uint64_t rx_bytes;
};

struct pf_nic {
	uint32_t index;
	uint8_t mac[6];
	struct pf_str ifname;
	uint32_t nb_ports;
	struct pf_port ports[PF_PORTS];
};

struct pf_host {
	uint64_t id;
	struct pf_str name;
	uint32_t nb_nics;
	struct pf_nic nics[PF_NICS];
};

struct pf_rack {
	uint16_t row;
	uint16_t slot;
	struct pf_str label;
	uint32_t nb_hosts;
	struct pf_host hosts[PF_HOSTS];
};

struct pf_site {
	uint32_t id;
	double lat;             /**< geo, inline */
	double lon;
	struct pf_str name;
	uint32_t nb_racks;
	struct pf_rack racks[PF_RACKS];
};

struct pf_region {
	uint32_t id;
	struct pf_str name;
	uint32_t nb_sites;
	struct pf_site sites[PF_SITES];
};

struct pf_deep {
	uint64_t frame_id;
	uint64_t ts_ns;
	struct pf_str source;
	uint32_t nb_regions;
	struct pf_region regions[PF_REGIONS];
};

/* 5. Many small strings and maps: 8 samples, each with 2 tags and 3
 * labels, after 6 resource labels. */
#define PF_SAMPLES 8
#define PF_SAMPLE_TAGS 2
#define PF_SAMPLE_LABELS 3
#define PF_RESOURCE 6

struct pf_sample {
	struct pf_str name;
	struct pf_str unit;
	double value;
	uint64_t ts_ns;
	uint32_t nb_tags;
	struct pf_str tags[PF_SAMPLE_TAGS];
	uint32_t nb_labels;
	struct pf_entry labels[PF_SAMPLE_LABELS];
};

struct pf_labels {
	uint64_t ts_ns;
	struct pf_str host;
	struct pf_str job;
	uint32_t nb_resource;
	struct pf_entry resource[PF_RESOURCE];
	uint32_t nb_samples;
	struct pf_sample samples[PF_SAMPLES];
};

enum pf_msg {
	PF_RPC,
	PF_ORDER,
	PF_BATCH,
	PF_DEEP,
	PF_LABELS,
	PF_NB_MSGS
};

/** The sample messages (data.c). */
extern const struct pf_rpc pf_sample_rpc;
extern const struct pf_order pf_sample_order;
extern const struct pf_batch pf_sample_batch;
extern const struct pf_deep pf_sample_deep;
extern const struct pf_labels pf_sample_labels;
const void *pf_sample(enum pf_msg m);
const char *pf_msg_name(enum pf_msg m);
/** Full digest of a sample's native values: what every decoder must give. */
uint64_t pf_sample_digest(enum pf_msg m);

/** Per-format state that lives across iterations (zones, buffers), one
 *  per loop: the read loop's decoded message lives in a context of its own. */
struct pf_ctx {
	void *state;
};

/** One message in one format: what the driver runs. */
struct pf_codec {
	/** Set up (arenas, zones); may be NULL. 0 or -errno. */
	int (*init)(struct pf_ctx *c);
	void (*fini)(struct pf_ctx *c);
	/** One encode, for sizes and to make the input of the decoders. */
	size_t (*encode)(const void *src, uint8_t *buf, size_t room);
	/** One decode (validated), kept for read_loop; NULL when invalid. */
	void *(*decode)(struct pf_ctx *c, const uint8_t *buf, size_t len);
	void (*release)(struct pf_ctx *c, void *d);
	/** Full digest of a decoded message (every byte, schema order). */
	uint64_t (*digest)(const void *d);
	/* Timed loops: n iterations, the work inlined; return a sum of what
	 * they computed (the caller sinks it), or UINT64_MAX on an error. */
	uint64_t (*encode_loop)(struct pf_ctx *c, const void *src, uint8_t *buf, size_t room,
				uint64_t n);
	uint64_t (*decode_read_loop)(struct pf_ctx *c, const uint8_t *buf, size_t len,
				     uint64_t n);
	uint64_t (*read_loop)(const void *d, uint64_t n);
};

/** A format: a name and its messages. */
struct pf_format {
	const char *name;
	const char *what;       /**< one line: library, version, how it is used */
	/** Bytes of encode's output that are not the message (a header in
	 *  front), left out of the reported size. */
	uint32_t hdr_bytes;
	/** decode does not validate (the packed reference): no validate+read. */
	bool no_validation;
	struct pf_codec msgs[PF_NB_MSGS];
};

extern const struct pf_format pf_format_dipc;
extern const struct pf_format pf_format_dipc_lz4;
extern const struct pf_format pf_format_packed;
extern const struct pf_format pf_format_json;
extern const struct pf_format pf_format_protobuf;
extern const struct pf_format pf_format_msgpack;

/*
 * Consumption. Always inlined with a constant @p full, so the branch
 * folds: the timed loops use full = false, digests full = true.
 */
#define PF_INLINE static inline __attribute__((always_inline))
#define PF_FNV_PRIME 0x100000001b3ull
#define PF_FNV_BASIS 0xcbf29ce484222325ull

PF_INLINE uint64_t
pf_u64(uint64_t h, uint64_t v, bool full)
{
	int i;

	if (!full)
		return h + v;
	for (i = 0; i < 8; i++)
		h = (h ^ ((v >> (8 * i)) & 0xff)) * PF_FNV_PRIME;
	return h;
}

PF_INLINE uint64_t
pf_bytes(uint64_t h, const void *p, size_t len, bool full)
{
	const uint8_t *b = p;
	size_t i;

	if (!full)
		return h + len + (len > 0 ? (uint64_t)b[0] + b[len - 1] : 0);
	h = pf_u64(h, len, true);
	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * PF_FNV_PRIME;
	return h;
}

/** A double: its bits, as a 64-bit value. */
PF_INLINE uint64_t
pf_f64(uint64_t h, double v, bool full)
{
	uint64_t u;

	__builtin_memcpy(&u, &v, sizeof(u));
	return pf_u64(h, u, full);
}

/** A char[4] (NUL-padded): one 32-bit value. */
PF_INLINE uint64_t
pf_fixed4(uint64_t h, const void *p, bool full)
{
	const uint8_t *b = p;

	return pf_u64(h, (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
		      (uint64_t)b[3] << 24, full);
}

/** A u8[6] (a MAC address): one 48-bit value. */
PF_INLINE uint64_t
pf_fixed6(uint64_t h, const void *p, bool full)
{
	const uint8_t *b = p;

	return pf_u64(h, (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
		      (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40, full);
}

/** Hide @p p from the optimiser and make it assume any memory changed:
 *  each iteration must really load (and store) what it uses. */
#define PF_BARRIER(p) __asm__ volatile("" : "+r"(p) : : "memory")

/*
 * The timed loops of one message of one format, from its four static
 * functions PFX_encode, PFX_decode, PFX_read and PFX_release.
 */
#define PF_DEFINE_LOOPS(PFX) \
static uint64_t \
PFX##_encode_loop(struct pf_ctx *c, const void *src, uint8_t *buf, size_t room, uint64_t n) \
{ \
	uint64_t i, sum = 0; \
 \
	(void)c; \
	for (i = 0; i < n; i++) { \
		const void *s = src; \
		uint8_t *b = buf; \
 \
		PF_BARRIER(s); \
		PF_BARRIER(b); \
		sum += PFX##_encode(s, b, room); \
	} \
	return sum; \
} \
static uint64_t \
PFX##_decode_read_loop(struct pf_ctx *c, const uint8_t *buf, size_t len, uint64_t n) \
{ \
	uint64_t i, sum = 0; \
 \
	for (i = 0; i < n; i++) { \
		const uint8_t *b = buf; \
		void *d; \
 \
		PF_BARRIER(b); \
		d = PFX##_decode(c, b, len); \
		if (d == NULL) \
			return UINT64_MAX; \
		sum += PFX##_read(d, false); \
		PFX##_release(c, d); \
	} \
	return sum; \
} \
static uint64_t \
PFX##_read_loop(const void *d, uint64_t n) \
{ \
	uint64_t i, sum = 0; \
 \
	for (i = 0; i < n; i++) { \
		const void *p = d; \
 \
		PF_BARRIER(p); \
		sum += PFX##_read(p, false); \
	} \
	return sum; \
} \
static uint64_t \
PFX##_digest(const void *d) \
{ \
	return PFX##_read(d, true); \
}

/** The pf_codec entries of PF_DEFINE_LOOPS(PFX), after .init/.fini. */
#define PF_CODEC(PFX) \
	.encode = PFX##_encode, \
	.decode = PFX##_decode, \
	.release = PFX##_release, \
	.digest = PFX##_digest, \
	.encode_loop = PFX##_encode_loop, \
	.decode_read_loop = PFX##_decode_read_loop, \
	.read_loop = PFX##_read_loop

#endif /* DIPC_CODEC_PERF_H */
