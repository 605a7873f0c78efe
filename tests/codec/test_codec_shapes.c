/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the two benchmark shapes of docs/examples/bench.schema
 * added for issue 14, deep (records nested seven levels: deep > region >
 * site > rack > host > nic > port) and labels (many small strings: arrays
 * of strings, label maps), built, validated and read back; each kind of
 * malformed body refused with its code and field path, at every depth;
 * every truncation refused; the fast pass never accepting what the
 * precise pass refuses (mutated bodies); the small-map fast paths at their
 * edges (1 and 8 entries, regions under 9 bytes at the end of the body
 * and inside it, width-1 tables of 1 to 9 entries); and the division-free
 * multiple tests the fast pass uses for array lengths and the element
 * count the getters compute. No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DIPC_CODEC_NO_MBUF
#include "bench.h"
#include "codec_test_util.h"

#define ROOM 8192

/* Reference offsets of the deep body built below, found while building. */
struct deep_refs {
	uint32_t last_ports;    /* the ports reference of the last NIC */
	uint32_t rack1_hosts;   /* hosts of region 1, site 0, rack 1 */
	uint32_t host_name;     /* name of the last host */
};

/* 2 regions > 1 site > 2 racks > 1 host > 2 NICs > 2 ports. */
static uint32_t
build_deep(uint8_t *buf, uint32_t room, struct deep_refs *refs)
{
	struct dipc_codec_builder b;
	uint32_t len = 0, a, r, n, k;
	void *regions;

	assert_int_equal(bench_deep_build_init(&b, buf, room), 0);
	bench_deep_set_frame_id(b.body, 77);
	bench_deep_set_ts_ns(b.body, 123456789);
	assert_int_equal(bench_deep_set_source(&b, "agent", 5), 0);
	regions = bench_deep_add_regions(&b, 2);
	assert_non_null(regions);
	for (a = 0; a < 2; a++) {
		void *reg = bench_region_at_mut(regions, a), *site, *racks;

		bench_region_set_id(reg, 10 + a);
		assert_int_equal(bench_region_set_name(&b, reg, a ? "us" : "eu", 2), 0);
		site = bench_region_add_sites(&b, reg, 1);
		assert_non_null(site);
		bench_site_set_id(site, 100 + a);
		bench_geo_set_lat(bench_site_mut_loc(site), 50.125);
		bench_geo_set_lon(bench_site_mut_loc(site), -8.5);
		assert_int_equal(bench_site_set_name(&b, site, "site", 4), 0);
		racks = bench_site_add_racks(&b, site, 2);
		assert_non_null(racks);
		for (r = 0; r < 2; r++) {
			void *rack = bench_rack_at_mut(racks, r), *host, *nics;

			bench_rack_set_row(rack, (uint16_t)(a + 1));
			bench_rack_set_slot(rack, (uint16_t)(r + 1));
			assert_int_equal(bench_rack_set_label(&b, rack, "rk", 2), 0);
			host = bench_rack_add_hosts(&b, rack, 1);
			assert_non_null(host);
			if (a == 1 && r == 1) {
				refs->rack1_hosts = (uint32_t)((uint8_t *)rack - buf) +
						    BENCH_RACK_HOSTS_OFFSET;
				refs->host_name = (uint32_t)((uint8_t *)host - buf) +
						  BENCH_HOST_NAME_OFFSET;
			}
			bench_host_set_id(host, 1000 + 10 * a + r);
			assert_int_equal(bench_host_set_name(&b, host, "node", 4), 0);
			nics = bench_host_add_nics(&b, host, 2);
			assert_non_null(nics);
			for (n = 0; n < 2; n++) {
				void *nic = bench_nic_at_mut(nics, n), *ports;
				uint8_t mac[6] = { 2, 0, 0, (uint8_t)a, (uint8_t)r, (uint8_t)n };

				bench_nic_set_index(nic, n);
				bench_nic_set_mac(nic, mac, sizeof(mac));
				assert_int_equal(bench_nic_set_ifname(&b, nic, n ? "eth1" : "eth0", 4), 0);
				ports = bench_nic_add_ports(&b, nic, 2);
				assert_non_null(ports);
				refs->last_ports = (uint32_t)((uint8_t *)nic - buf) +
						   BENCH_NIC_PORTS_OFFSET;
				for (k = 0; k < 2; k++) {
					void *port = bench_port_at_mut(ports, k);

					bench_port_set_num(port, (uint16_t)k);
					bench_port_set_vlan(port, (uint16_t)(100 + k));
					bench_port_set_speed_mbps(port, 25000);
					bench_port_set_rx_bytes(port, 1000000ull * (8 * a + 4 * r + 2 * n + k));
				}
			}
		}
	}
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	return len;
}

/* 4 samples, each with 2 tags and 3 labels; a resource map whose one long
 * value (16 bytes) makes it a width-1 table. */
static uint32_t
build_labels(uint8_t *buf, uint32_t room)
{
	static const struct dipc_codec_kv res[3] = {
		{ "region", 6, "eu", 2 }, { "uid", 3, "0123456789abcdef", 16 }, { "ns", 2, "a", 1 },
	};
	struct dipc_codec_builder b;
	uint32_t len = 0, i;
	void *samples;

	assert_int_equal(bench_labels_build_init(&b, buf, room), 0);
	bench_labels_set_ts_ns(b.body, 42);
	assert_int_equal(bench_labels_set_host(&b, "web-1", 5), 0);
	assert_int_equal(bench_labels_set_job(&b, "exp", 3), 0);
	assert_int_equal(bench_labels_set_resource(&b, res, 3), 0);
	samples = bench_labels_add_samples(&b, 4);
	assert_non_null(samples);
	for (i = 0; i < 4; i++) {
		void *s = bench_sample_at_mut(samples, i), *tags;
		struct dipc_codec_kv kv[3] = {
			{ "method", 6, "GET", 3 }, { "code", 4, i ? "200" : "500", 3 },
			{ "path", 4, "/", 1 },
		};

		assert_int_equal(bench_sample_set_name(&b, s, "requests", 8), 0);
		assert_int_equal(bench_sample_set_unit(&b, s, "1", 1), 0);
		bench_sample_set_value(s, 1.5 * i);
		bench_sample_set_ts_ns(s, 1000 + i);
		tags = bench_sample_add_tags(&b, s, 2);
		assert_non_null(tags);
		assert_int_equal(dipc_codec_build_string_at(&b, tags, 0, "counter", 7), 0);
		assert_int_equal(dipc_codec_build_string_at(&b, tags, 1, "http", 4), 0);
		assert_int_equal(bench_sample_set_labels(&b, s, kv, 3), 0);
	}
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	return len;
}

/* The body with one reference rewritten, validated: the error and path. */
static enum dipc_codec_err
deep_with_ref(const uint8_t *body, uint32_t len, uint32_t at, uint32_t off, uint32_t rlen,
	      struct dipc_codec_error *e)
{
	uint8_t *copy = exact_copy(body, len);
	enum dipc_codec_err r;

	dipc_codec_st_u32(copy + at, off);
	dipc_codec_st_u32(copy + at + 4, rlen);
	assert_false(bench__fast_validate_deep(copy, len));
	r = bench_deep_validate(copy, len, e);
	free(copy);
	return r;
}

static void
test_deep_roundtrip(void **state)
{
	uint8_t buf[ROOM];
	struct deep_refs refs;
	struct dipc_codec_error e = { 0 };
	const void *regions, *sites, *racks, *hosts, *nics, *ports, *port;
	uint32_t len, n;
	const char *s;
	char json[ROOM];

	(void)state;
	len = build_deep(buf, sizeof(buf), &refs);
	assert_true(bench__fast_validate_deep(buf, len));
	assert_int_equal(bench_deep_validate(buf, len, &e), DIPC_CODEC_OK);
	assert_int_equal(bench_deep_get_frame_id(buf), 77);
	regions = bench_deep_get_regions(buf, &n);
	assert_int_equal(n, 2);
	sites = bench_region_get_sites(buf, bench_region_at(regions, 1), &n);
	assert_int_equal(n, 1);
	assert_true(bench_geo_get_lat(bench_site_get_loc(sites)) == 50.125);
	racks = bench_site_get_racks(buf, sites, &n);
	assert_int_equal(n, 2);
	hosts = bench_rack_get_hosts(buf, bench_rack_at(racks, 1), &n);
	assert_int_equal(n, 1);
	assert_int_equal(bench_host_get_id(hosts), 1011);
	nics = bench_host_get_nics(buf, hosts, &n);
	assert_int_equal(n, 2);
	s = bench_nic_get_ifname(buf, bench_nic_at(nics, 1), &n);
	assert_int_equal(n, 4);
	assert_memory_equal(s, "eth1", 4);
	assert_int_equal(bench_nic_get_mac(bench_nic_at(nics, 1))[5], 1);
	ports = bench_nic_get_ports(buf, bench_nic_at(nics, 1), &n);
	assert_int_equal(n, 2);
	port = bench_port_at(ports, 1);
	assert_int_equal(bench_port_get_vlan(port), 101);
	assert_int_equal(bench_port_get_rx_bytes(port), 1000000ull * 15);
	n = (uint32_t)bench_deep_to_json(buf, json, sizeof(json));
	assert_true(n < sizeof(json));
	assert_non_null(strstr(json, "\"ports\":[{\"num\":0,\"vlan\":100,\"speed_mbps\":25000,"
				     "\"rx_bytes\":14000000},{\"num\":1"));
}

static void
test_deep_malformed(void **state)
{
	uint8_t buf[ROOM];
	struct deep_refs refs;
	struct dipc_codec_error e = { 0 };
	uint32_t len, off, rlen, cut;
	char path[256];

	(void)state;
	len = build_deep(buf, sizeof(buf), &refs);
	/* Level 7: the last NIC's ports, 15 bytes (not whole 16-byte ports). */
	off = dipc_codec_ld_u32(buf + refs.last_ports);
	rlen = dipc_codec_ld_u32(buf + refs.last_ports + 4);
	assert_int_equal(rlen, 2 * BENCH_PORT_SIZE);
	assert_int_equal(deep_with_ref(buf, len, refs.last_ports, off, rlen - 1, &e),
			 DIPC_CODEC_E_ARRAY_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)),
			    "deep.regions[1].sites[0].racks[1].hosts[0].nics[1].ports");
	/* The same ports at an offset that is not a multiple of 8. */
	assert_int_equal(deep_with_ref(buf, len, refs.last_ports, off + 4, rlen - 8, &e),
			 DIPC_CODEC_E_REF_ALIGN);
	assert_int_equal(e.at, refs.last_ports);
	/* An empty array whose offset is not 0. */
	assert_int_equal(deep_with_ref(buf, len, refs.last_ports, off, 0, &e),
			 DIPC_CODEC_E_REF_OFFSET);
	/* Level 4: a rack's hosts pointing back at the fixed block's source. */
	assert_int_equal(deep_with_ref(buf, len, refs.rack1_hosts, BENCH_DEEP_FIXED_SIZE,
				       BENCH_HOST_SIZE, &e), DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(path_text(&e, path, sizeof(path)),
			    "deep.regions[1].sites[0].racks[1].hosts");
	/* Level 5: a host name past the end of the body. */
	assert_int_equal(deep_with_ref(buf, len, refs.host_name,
				       dipc_codec_ld_u32(buf + refs.host_name), len, &e),
			 DIPC_CODEC_E_REF_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)),
			    "deep.regions[1].sites[0].racks[1].hosts[0].name");
	/* Every truncation: refused by both passes, never read past the cut. */
	for (cut = 0; cut < len; cut++) {
		uint8_t *copy = exact_copy(buf, cut);

		assert_false(bench__fast_validate_deep(copy, cut));
		assert_int_not_equal(bench_deep_validate(copy, cut, &e), DIPC_CODEC_OK);
		free(copy);
	}
}

static void
test_labels_roundtrip(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_error e = { 0 };
	struct dipc_codec_map m;
	struct dipc_codec_kv kv;
	const void *samples, *tags;
	uint32_t len, n;
	const char *s;

	(void)state;
	len = build_labels(buf, sizeof(buf));
	assert_true(bench__fast_validate_labels(buf, len));
	assert_int_equal(bench_labels_validate(buf, len, &e), DIPC_CODEC_OK);
	assert_int_equal(bench_labels_get_resource(buf, &m), 3);
	assert_int_equal(m.code, 1);
	dipc_codec_map_at(&m, 1, &kv);
	assert_int_equal(kv.value_len, 16);
	assert_memory_equal(kv.value, "0123456789abcdef", 16);
	samples = bench_labels_get_samples(buf, &n);
	assert_int_equal(n, 4);
	tags = bench_sample_get_tags(buf, bench_sample_at(samples, 3), &n);
	assert_int_equal(n, 2);
	s = dipc_codec_string_at(buf, tags, 1, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(s, "http", 4);
	assert_int_equal(bench_sample_get_labels(buf, bench_sample_at(samples, 0), &m), 3);
	assert_int_equal(m.code, 0);
	s = dipc_codec_map_find(&m, "code", 4, &n);
	assert_non_null(s);
	assert_memory_equal(s, "500", 3);
}

static void
test_labels_malformed(void **state)
{
	uint8_t buf[ROOM], *copy;
	struct dipc_codec_error e = { 0 };
	const uint8_t *samples, *s3;
	uint32_t len, moff, tags, cut;
	char path[256];

	(void)state;
	len = build_labels(buf, sizeof(buf));
	samples = buf + dipc_codec_ld_u32(buf + BENCH_LABELS_SAMPLES_OFFSET);
	s3 = samples + (size_t)3 * BENCH_SAMPLE_SIZE;
	moff = dipc_codec_ld_u32(s3 + BENCH_SAMPLE_LABELS_OFFSET);
	tags = dipc_codec_ld_u32(s3 + BENCH_SAMPLE_TAGS_OFFSET);

	/* A label map whose lengths do not add up (key 0 one byte longer). */
	copy = exact_copy(buf, len);
	copy[moff + 1]++;
	assert_false(bench__fast_validate_labels(copy, len));
	assert_int_equal(bench_labels_validate(copy, len, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "labels.samples[3].labels");
	/* A header with no count: a 5-byte header whose count is below 64. */
	memcpy(copy, buf, len);
	copy[moff] = 0;
	assert_false(bench__fast_validate_labels(copy, len));
	assert_int_equal(bench_labels_validate(copy, len, &e), DIPC_CODEC_E_MAP_TABLE);
	/* The width-1 resource map with one length off. */
	memcpy(copy, buf, len);
	copy[dipc_codec_ld_u32(buf + BENCH_LABELS_RESOURCE_OFFSET) + 4]--;
	assert_false(bench__fast_validate_labels(copy, len));
	assert_int_equal(bench_labels_validate(copy, len, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "labels.resource");
	/* Tag 1 of sample 3 past the end of the body. */
	memcpy(copy, buf, len);
	dipc_codec_st_u32(copy + tags + 8 + 4, len);
	assert_false(bench__fast_validate_labels(copy, len));
	assert_int_equal(bench_labels_validate(copy, len, &e), DIPC_CODEC_E_REF_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "labels.samples[3].tags[1]");
	/* An empty tag whose offset is not 0. */
	memcpy(copy, buf, len);
	dipc_codec_st_u32(copy + tags + 4, 0);
	assert_false(bench__fast_validate_labels(copy, len));
	assert_int_equal(bench_labels_validate(copy, len, &e), DIPC_CODEC_E_REF_OFFSET);
	/* Tag 0 and tag 1 the same bytes. */
	memcpy(copy, buf, len);
	memcpy(copy + tags + 8, copy + tags, 8);
	assert_false(bench__fast_validate_labels(copy, len));
	assert_int_equal(bench_labels_validate(copy, len, &e), DIPC_CODEC_E_REF_OVERLAP);
	free(copy);
	for (cut = 0; cut < len; cut++) {
		copy = exact_copy(buf, cut);
		assert_false(bench__fast_validate_labels(copy, cut));
		assert_int_not_equal(bench_labels_validate(copy, cut, &e), DIPC_CODEC_OK);
		free(copy);
	}
}

/* A labels body whose resource map is @p count entries of @p klen-byte
 * keys and @p vlen-byte values, the last region of the body, or followed
 * by one sample when @p tail; its region's offset in *moff. */
static uint32_t
labels_with_map(uint8_t *buf, uint32_t count, uint32_t klen, uint32_t vlen, bool tail,
		uint32_t *moff)
{
	static char bytes[257];
	struct dipc_codec_kv kv[16];
	struct dipc_codec_builder b;
	uint32_t len = 0, i;

	assert_true(count <= 16 && klen <= 256 && vlen <= 256);
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)('a' + i % 26);
	for (i = 0; i < count; i++) {
		kv[i].key = bytes;
		kv[i].key_len = klen;
		kv[i].value = bytes + 1;
		kv[i].value_len = vlen;
	}
	assert_int_equal(bench_labels_build_init(&b, buf, ROOM), 0);
	assert_int_equal(bench_labels_set_resource(&b, kv, count), 0);
	if (tail) {
		void *s = bench_labels_add_samples(&b, 1);

		assert_non_null(s);
		assert_int_equal(bench_sample_set_name(&b, s, "requests", 8), 0);
	}
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	*moff = dipc_codec_ld_u32(buf + BENCH_LABELS_RESOURCE_OFFSET);
	return len;
}

/* The small-map tests at their edges, each accepted as built and refused
 * with one length changed (both passes agree). The inline test reads the
 * header and one 64-bit word, so it runs on a map whose first 9 bytes are
 * in the body (tail: a sample follows the map), whatever its length;
 * width-1 tables of up to 8 entries are summed in one or two words. */
static void
test_small_maps(void **state)
{
	static const uint32_t cases[][4] = {
		{ 1, 1, 1, 0 },    /* region of 4 bytes at the end: out of line */
		{ 1, 1, 1, 1 },    /* the same with a sample after it: inline */
		{ 2, 0, 1, 1 },    /* 5 bytes, inline */
		{ 1, 3, 4, 0 },    /* 9 bytes at the end: the smallest read inline there */
		{ 7, 2, 3, 0 },
		{ 7, 2, 3, 1 },
		{ 8, 0, 0, 0 },    /* 8 empty entries: 9 bytes, the whole word the table */
		{ 8, 0, 0, 1 },
		{ 8, 15, 15, 0 },  /* 8 entries, the longest width-0 strings */
		{ 1, 16, 1, 0 },   /* a 16-byte key: width 1, one entry, 20 bytes */
		{ 4, 16, 0, 1 },   /* width 1, 4 entries: the 8-byte table in one word */
		{ 5, 16, 2, 0 },   /* width 1, 5 entries: a 10-byte table, two words */
		{ 8, 16, 1, 0 },   /* width 1, 8 entries: a 16-byte table, two words */
		{ 8, 255, 0, 1 },  /* width 1, the longest strings */
		{ 9, 16, 1, 0 },   /* 9 entries: summed out of line */
	};
	uint8_t buf[ROOM], *copy;
	uint32_t c, len, moff, mlen;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		len = labels_with_map(buf, cases[c][0], cases[c][1], cases[c][2], cases[c][3] != 0,
				      &moff);
		mlen = dipc_codec_ld_u32(buf + BENCH_LABELS_RESOURCE_OFFSET + 4);
		assert_int_equal(mlen, dipc_codec_map_len(cases[c][0],
							   (uint64_t)cases[c][0] * (cases[c][1] + cases[c][2]),
							   cases[c][1] | cases[c][2]));
		assert_true(bench__fast_validate_labels(buf, len));
		assert_int_equal(bench_labels_validate(buf, len, NULL), DIPC_CODEC_OK);
		/* The last table byte's low length one more. */
		copy = exact_copy(buf, len);
		copy[moff + (buf[moff] >> 2) * ((buf[moff] & 3) ? 2 : 1)]++;
		assert_false(bench__fast_validate_labels(copy, len));
		assert_int_equal(bench_labels_validate(copy, len, NULL), DIPC_CODEC_E_MAP_LENGTH);
		free(copy);
		/* The map reference one byte shorter, the body too (at the
		 * end); with a sample after the map, a byte left as a gap. */
		if (cases[c][3] == 0) {
			copy = exact_copy(buf, len - 1);
			dipc_codec_st_u32(copy + BENCH_LABELS_RESOURCE_OFFSET + 4, mlen - 1);
			assert_false(bench__fast_validate_labels(copy, len - 1));
			assert_int_not_equal(bench_labels_validate(copy, len - 1, NULL), DIPC_CODEC_OK);
		} else {
			copy = exact_copy(buf, len);
			dipc_codec_st_u32(copy + BENCH_LABELS_RESOURCE_OFFSET + 4, mlen - 1);
			assert_false(bench__fast_validate_labels(copy, len));
			assert_int_not_equal(bench_labels_validate(copy, len, NULL), DIPC_CODEC_OK);
		}
		free(copy);
	}
}

/* Random bytes of valid bodies changed, and random cuts: whenever the fast
 * pass accepts, the precise pass accepts, and validate() returns what the
 * precise pass returns. */
static void
test_fast_never_wrong(void **state)
{
	uint8_t deep[ROOM], labels[ROOM];
	struct deep_refs refs;
	uint32_t dlen, llen, i;

	(void)state;
	dlen = build_deep(deep, sizeof(deep), &refs);
	llen = build_labels(labels, sizeof(labels));
	for (i = 0; i < 60000; i++) {
		bool is_deep = i % 2 == 0;
		uint32_t len = is_deep ? dlen : llen;
		uint8_t *copy = exact_copy(is_deep ? deep : labels, len);
		uint32_t cut = (rng() % 4) == 0 ? (uint32_t)(rng() % (len + 1)) : len;
		enum dipc_codec_err slow;
		bool fast;

		mutate_bytes(copy, len);
		if (is_deep) {
			fast = bench__fast_validate_deep(copy, cut);
			slow = bench__validate_slow_deep(copy, cut, NULL);
			assert_int_equal(bench_deep_validate(copy, cut, NULL), slow);
		} else {
			fast = bench__fast_validate_labels(copy, cut);
			slow = bench__validate_slow_labels(copy, cut, NULL);
			assert_int_equal(bench_labels_validate(copy, cut, NULL), slow);
		}
		if (fast)
			assert_int_equal(slow, DIPC_CODEC_OK);
		free(copy);
	}
}

/* __dipc_codec_multiple() and __dipc_codec_multiple_nz() against the
 * remainder, and __dipc_codec_count() against the division on multiples,
 * for every element size up to 300 and lengths around its multiples and at
 * the top of the range. */
static void
test_multiple(void **state)
{
	uint32_t d, j, x;

	(void)state;
	for (d = 1; d <= 300; d++) {
		for (j = 0; j < 3000; j++) {
			x = j < 1000 ? j : j < 2000 ? UINT32_MAX - (j - 1000) : (uint32_t)rng();
			assert_int_equal(__dipc_codec_multiple(x, d), x % d == 0);
			assert_int_equal(__dipc_codec_multiple_nz(x, d), x % d == 0 && x != 0);
			x = (uint32_t)(rng() % (UINT32_MAX / d)) * d;
			assert_true(__dipc_codec_multiple(x, d));
			assert_int_equal(__dipc_codec_multiple_nz(x, d), x != 0);
			assert_int_equal(__dipc_codec_count(x, d), x / d);
			assert_int_equal(__dipc_codec_multiple(x + 1, d), (x + 1) % d == 0);
			assert_int_equal(__dipc_codec_multiple_nz(x + 1, d), (x + 1) % d == 0);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deep_roundtrip),
		cmocka_unit_test(test_deep_malformed),
		cmocka_unit_test(test_labels_roundtrip),
		cmocka_unit_test(test_labels_malformed),
		cmocka_unit_test(test_small_maps),
		cmocka_unit_test(test_fast_never_wrong),
		cmocka_unit_test(test_multiple),
	};

	return cmocka_run_group_tests_name("codec-shapes", tests, NULL, NULL);
}
