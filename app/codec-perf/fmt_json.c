/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON with cJSON (Debian's libcjson): compact text, field names as in the
 * schema, byte strings in base64, the side enum by name, 64-bit integers as
 * numbers (the samples stay below 2^53, which cJSON's doubles carry
 * exactly). Encode builds a tree with cJSON's no-copy calls
 * (cJSON_CreateStringReference, cJSON_AddItemToObjectCS) and prints it
 * into the caller's buffer (cJSON_PrintPreallocated); decode parses
 * (cJSON_ParseWithLength: the syntax check); read looks each field up by
 * name (cJSON_GetObjectItemCaseSensitive) and checks its type, a wrong or
 * missing one reading as 0 or empty; release is cJSON_Delete.
 */
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "codec_perf.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of @p len bytes into @p out (room for 4 * ceil(len / 3) + 1). */
static void
b64_encode(const uint8_t *p, size_t len, char *out)
{
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = (char)(i + 1 < len ? b64[(v >> 6) & 63] : '=');
		*out++ = '=';
	}
	*out = '\0';
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 into at most @p room bytes; the length, or 0 if bad. */
static size_t
b64_decode(const char *s, uint8_t *out, size_t room)
{
	size_t n = 0, len = s != NULL ? strlen(s) : 0, i;

	if (len % 4 != 0)
		return 0;
	for (i = 0; i < len; i += 4) {
		int a = b64_value(s[i]), b = b64_value(s[i + 1]);
		int c = s[i + 2] == '=' ? 0 : b64_value(s[i + 2]);
		int d = s[i + 3] == '=' ? 0 : b64_value(s[i + 3]);
		uint32_t v;

		if (a < 0 || b < 0 || c < 0 || d < 0 || n + 3 > room)
			return 0;
		v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		out[n++] = (uint8_t)(v >> 16);
		if (s[i + 2] != '=')
			out[n++] = (uint8_t)(v >> 8);
		if (s[i + 3] != '=')
			out[n++] = (uint8_t)v;
	}
	return n;
}

static const char *const side_names[] = { "NONE", "BUY", "SELL" };

PF_INLINE void
num(cJSON *o, const char *k, double v)
{
	cJSON_AddItemToObjectCS(o, k, cJSON_CreateNumber(v));
}

PF_INLINE void
str(cJSON *o, const char *k, const char *s)
{
	cJSON_AddItemToObjectCS(o, k, cJSON_CreateStringReference(s));
}

/* Print and free; the text's length, or 0. */
PF_INLINE size_t
finish(cJSON *root, uint8_t *buf, size_t room)
{
	size_t n = 0;

	if (root != NULL && room <= INT32_MAX &&
	    cJSON_PrintPreallocated(root, (char *)buf, (int)room, 0))
		n = strlen((char *)buf);
	cJSON_Delete(root);
	return n;
}

/* A field: its number, 0 if it is not one. */
PF_INLINE double
get_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

PF_INLINE const char *
get_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

PF_INLINE uint64_t
str_sum(uint64_t h, const char *s, bool full)
{
	return pf_bytes(h, s, strlen(s), full);
}

PF_INLINE void *
parse(struct pf_ctx *c, const uint8_t *buf, size_t len)
{
	(void)c;
	return cJSON_ParseWithLength((const char *)buf, len);
}

PF_INLINE void
release(struct pf_ctx *c, void *d)
{
	(void)c;
	cJSON_Delete(d);
}

PF_INLINE size_t
js_rpc_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_rpc *r = src;
	cJSON *o = cJSON_CreateObject();
	char payload[4 * 32 + 1];

	if (r->payload.len > 96)
		return 0;
	b64_encode((const uint8_t *)r->payload.p, r->payload.len, payload);
	num(o, "request_id", (double)r->request_id);
	num(o, "deadline_ns", (double)r->deadline_ns);
	num(o, "tenant", r->tenant);
	num(o, "priority", r->priority);
	num(o, "method", r->method);
	num(o, "flags", r->flags);
	cJSON_AddItemToObjectCS(o, "idempotent", cJSON_CreateBool(r->idempotent));
	str(o, "service", r->service.p);
	str(o, "caller", r->caller.p);
	str(o, "trace_id", r->trace_id.p);
	str(o, "payload", payload);
	return finish(o, buf, room);
}

PF_INLINE uint64_t
js_rpc_read(const void *d, bool full)
{
	const cJSON *o = d;
	uint8_t payload[96] = {0};
	uint64_t h = 0;
	size_t n;

	h = pf_u64(h, (uint64_t)get_num(o, "request_id"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "deadline_ns"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "tenant"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "priority"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "method"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "flags"), full);
	h = pf_u64(h, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "idempotent")), full);
	h = str_sum(h, get_str(o, "service"), full);
	h = str_sum(h, get_str(o, "caller"), full);
	h = str_sum(h, get_str(o, "trace_id"), full);
	n = b64_decode(get_str(o, "payload"), payload, sizeof(payload));
	h = pf_bytes(h, payload, n, full);
	return h;
}

PF_INLINE size_t
js_order_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_order *ord = src;
	cJSON *o = cJSON_CreateObject(), *fills;
	char venue[PF_FILLS][5];
	uint32_t i;

	if (ord->nb_fills > PF_FILLS || ord->side > 2)
		return 0;
	num(o, "order_id", (double)ord->order_id);
	num(o, "ts_ns", (double)ord->ts_ns);
	str(o, "side", side_names[ord->side]);
	str(o, "symbol", ord->symbol.p);
	str(o, "account", ord->account.p);
	str(o, "client_order_id", ord->client_order_id.p);
	fills = cJSON_CreateArray();
	cJSON_AddItemToObjectCS(o, "fills", fills);
	for (i = 0; i < ord->nb_fills; i++) {
		const struct pf_fill *f = &ord->fills[i];
		cJSON *fo = cJSON_CreateObject();

		memcpy(venue[i], f->venue, 4);
		venue[i][4] = '\0';
		num(fo, "price", (double)f->price);
		num(fo, "qty", (double)f->qty);
		num(fo, "ts_ns", (double)f->ts_ns);
		num(fo, "trade_id", f->trade_id);
		str(fo, "venue", venue[i]);
		cJSON_AddItemToArray(fills, fo);
	}
	return finish(o, buf, room);
}

PF_INLINE uint64_t
js_order_read(const void *d, bool full)
{
	const cJSON *o = d, *fills, *f;
	const char *side;
	uint64_t h = 0, s;

	h = pf_u64(h, (uint64_t)get_num(o, "order_id"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "ts_ns"), full);
	side = get_str(o, "side");
	for (s = 0; s < 3 && strcmp(side, side_names[s]) != 0; s++)
		;
	h = pf_u64(h, s < 3 ? s : 0, full);
	h = str_sum(h, get_str(o, "symbol"), full);
	h = str_sum(h, get_str(o, "account"), full);
	h = str_sum(h, get_str(o, "client_order_id"), full);
	fills = cJSON_GetObjectItemCaseSensitive(o, "fills");
	h = pf_u64(h, cJSON_IsArray(fills) ? (uint64_t)cJSON_GetArraySize(fills) : 0, full);
	if (!cJSON_IsArray(fills))
		return h;
	cJSON_ArrayForEach(f, fills) {
		char venue[4] = {0};
		const char *v = get_str(f, "venue");
		size_t n = strlen(v);

		memcpy(venue, v, n < 4 ? n : 4);
		h = pf_u64(h, (uint64_t)(int64_t)get_num(f, "price"), full);
		h = pf_u64(h, (uint64_t)get_num(f, "qty"), full);
		h = pf_u64(h, (uint64_t)get_num(f, "ts_ns"), full);
		h = pf_u64(h, (uint64_t)get_num(f, "trade_id"), full);
		h = pf_fixed4(h, venue, full);
	}
	return h;
}

PF_INLINE size_t
js_batch_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_batch *b = src;
	cJSON *o = cJSON_CreateObject(), *recs;
	uint32_t i, k;

	num(o, "shard", b->shard);
	recs = cJSON_CreateArray();
	cJSON_AddItemToObjectCS(o, "records", recs);
	for (i = 0; i < b->nb_records; i++) {
		const struct pf_record *r = &b->records[i];
		cJSON *ro = cJSON_CreateObject(), *attrs = cJSON_CreateObject();

		num(ro, "id", (double)r->id);
		num(ro, "ts_ns", (double)r->ts_ns);
		cJSON_AddItemToObjectCS(ro, "attrs", attrs);
		for (k = 0; k < r->nb_attrs; k++)
			str(attrs, r->attrs[k].key.p, r->attrs[k].value.p);
		cJSON_AddItemToArray(recs, ro);
	}
	return finish(o, buf, room);
}

PF_INLINE uint64_t
js_batch_read(const void *d, bool full)
{
	const cJSON *o = d, *recs, *r;
	uint64_t h = 0;

	h = pf_u64(h, (uint64_t)get_num(o, "shard"), full);
	recs = cJSON_GetObjectItemCaseSensitive(o, "records");
	h = pf_u64(h, cJSON_IsArray(recs) ? (uint64_t)cJSON_GetArraySize(recs) : 0, full);
	if (!cJSON_IsArray(recs))
		return h;
	cJSON_ArrayForEach(r, recs) {
		const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(r, "attrs"), *e;

		h = pf_u64(h, (uint64_t)get_num(r, "id"), full);
		h = pf_u64(h, (uint64_t)get_num(r, "ts_ns"), full);
		if (!cJSON_IsObject(attrs)) {
			h = pf_u64(h, 0, full);
			continue;
		}
		h = pf_u64(h, (uint64_t)cJSON_GetArraySize(attrs), full);
		cJSON_ArrayForEach(e, attrs) {
			h = str_sum(h, e->string, full);
			h = str_sum(h, cJSON_IsString(e) ? e->valuestring : "", full);
		}
	}
	return h;
}

/* An array of the named field, its size (0 if it is not an array). */
PF_INLINE const cJSON *
get_arr(const cJSON *o, const char *k, uint64_t *n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsArray(a)) {
		*n = 0;
		return NULL;
	}
	*n = (uint64_t)cJSON_GetArraySize(a);
	return a;
}

PF_INLINE cJSON *
add_arr(cJSON *o, const char *k)
{
	cJSON *a = cJSON_CreateArray();

	cJSON_AddItemToObjectCS(o, k, a);
	return a;
}

PF_INLINE size_t
js_deep_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_deep *d = src;
	cJSON *o = cJSON_CreateObject(), *regions;
	char mac[PF_REGIONS * PF_SITES * PF_RACKS * PF_HOSTS * PF_NICS][9];
	uint32_t a, c, r, h, n, k, im = 0;

	num(o, "frame_id", (double)d->frame_id);
	num(o, "ts_ns", (double)d->ts_ns);
	str(o, "source", d->source.p);
	regions = add_arr(o, "regions");
	for (a = 0; a < d->nb_regions; a++) {
		const struct pf_region *xr = &d->regions[a];
		cJSON *ro = cJSON_CreateObject(), *sites;

		num(ro, "id", xr->id);
		str(ro, "name", xr->name.p);
		sites = add_arr(ro, "sites");
		cJSON_AddItemToArray(regions, ro);
		for (c = 0; c < xr->nb_sites; c++) {
			const struct pf_site *xs = &xr->sites[c];
			cJSON *so = cJSON_CreateObject(), *loc = cJSON_CreateObject(), *racks;

			num(so, "id", xs->id);
			num(loc, "lat", xs->lat);
			num(loc, "lon", xs->lon);
			cJSON_AddItemToObjectCS(so, "loc", loc);
			str(so, "name", xs->name.p);
			racks = add_arr(so, "racks");
			cJSON_AddItemToArray(sites, so);
			for (r = 0; r < xs->nb_racks; r++) {
				const struct pf_rack *xk = &xs->racks[r];
				cJSON *ko = cJSON_CreateObject(), *hosts;

				num(ko, "row", xk->row);
				num(ko, "slot", xk->slot);
				str(ko, "label", xk->label.p);
				hosts = add_arr(ko, "hosts");
				cJSON_AddItemToArray(racks, ko);
				for (h = 0; h < xk->nb_hosts; h++) {
					const struct pf_host *xh = &xk->hosts[h];
					cJSON *ho = cJSON_CreateObject(), *nics;

					num(ho, "id", (double)xh->id);
					str(ho, "name", xh->name.p);
					nics = add_arr(ho, "nics");
					cJSON_AddItemToArray(hosts, ho);
					for (n = 0; n < xh->nb_nics; n++) {
						const struct pf_nic *xn = &xh->nics[n];
						cJSON *no = cJSON_CreateObject(), *ports;

						if (im >= sizeof(mac) / sizeof(mac[0])) {
							cJSON_Delete(o);
							return 0;
						}
						b64_encode(xn->mac, sizeof(xn->mac), mac[im]);
						num(no, "index", xn->index);
						str(no, "mac", mac[im++]);
						str(no, "ifname", xn->ifname.p);
						ports = add_arr(no, "ports");
						cJSON_AddItemToArray(nics, no);
						for (k = 0; k < xn->nb_ports; k++) {
							const struct pf_port *xp = &xn->ports[k];
							cJSON *po = cJSON_CreateObject();

							num(po, "num", xp->num);
							num(po, "vlan", xp->vlan);
							num(po, "speed_mbps", xp->speed_mbps);
							num(po, "rx_bytes", (double)xp->rx_bytes);
							cJSON_AddItemToArray(ports, po);
						}
					}
				}
			}
		}
	}
	return finish(o, buf, room);
}

PF_INLINE uint64_t
js_deep_read(const void *d, bool full)
{
	const cJSON *o = d, *rg, *st, *rk, *ho, *ni, *po, *a, *sa;
	uint64_t h = 0, n;

	h = pf_u64(h, (uint64_t)get_num(o, "frame_id"), full);
	h = pf_u64(h, (uint64_t)get_num(o, "ts_ns"), full);
	h = str_sum(h, get_str(o, "source"), full);
	a = get_arr(o, "regions", &n);
	h = pf_u64(h, n, full);
	cJSON_ArrayForEach(rg, a) {
		h = pf_u64(h, (uint64_t)get_num(rg, "id"), full);
		h = str_sum(h, get_str(rg, "name"), full);
		sa = get_arr(rg, "sites", &n);
		h = pf_u64(h, n, full);
		cJSON_ArrayForEach(st, sa) {
			const cJSON *loc = cJSON_GetObjectItemCaseSensitive(st, "loc"), *ra;

			h = pf_u64(h, (uint64_t)get_num(st, "id"), full);
			h = pf_f64(h, get_num(loc, "lat"), full);
			h = pf_f64(h, get_num(loc, "lon"), full);
			h = str_sum(h, get_str(st, "name"), full);
			ra = get_arr(st, "racks", &n);
			h = pf_u64(h, n, full);
			cJSON_ArrayForEach(rk, ra) {
				const cJSON *ha = get_arr(rk, "hosts", &n);

				h = pf_u64(h, (uint64_t)get_num(rk, "row"), full);
				h = pf_u64(h, (uint64_t)get_num(rk, "slot"), full);
				h = str_sum(h, get_str(rk, "label"), full);
				h = pf_u64(h, n, full);
				cJSON_ArrayForEach(ho, ha) {
					const cJSON *na = get_arr(ho, "nics", &n);

					h = pf_u64(h, (uint64_t)get_num(ho, "id"), full);
					h = str_sum(h, get_str(ho, "name"), full);
					h = pf_u64(h, n, full);
					cJSON_ArrayForEach(ni, na) {
						const cJSON *pa = get_arr(ni, "ports", &n);
						uint8_t mac[9] = {0};

						b64_decode(get_str(ni, "mac"), mac, sizeof(mac));
						h = pf_u64(h, (uint64_t)get_num(ni, "index"), full);
						h = pf_fixed6(h, mac, full);
						h = str_sum(h, get_str(ni, "ifname"), full);
						h = pf_u64(h, n, full);
						cJSON_ArrayForEach(po, pa) {
							h = pf_u64(h, (uint64_t)get_num(po, "num"), full);
							h = pf_u64(h, (uint64_t)get_num(po, "vlan"), full);
							h = pf_u64(h, (uint64_t)get_num(po, "speed_mbps"), full);
							h = pf_u64(h, (uint64_t)get_num(po, "rx_bytes"), full);
						}
					}
				}
			}
		}
	}
	return h;
}

PF_INLINE cJSON *
entries(const struct pf_entry *e, uint32_t n)
{
	cJSON *o = cJSON_CreateObject();
	uint32_t k;

	for (k = 0; k < n; k++)
		str(o, e[k].key.p, e[k].value.p);
	return o;
}

PF_INLINE uint64_t
entries_sum(uint64_t h, const cJSON *o, bool full)
{
	const cJSON *e;

	if (!cJSON_IsObject(o))
		return pf_u64(h, 0, full);
	h = pf_u64(h, (uint64_t)cJSON_GetArraySize(o), full);
	cJSON_ArrayForEach(e, o) {
		h = str_sum(h, e->string, full);
		h = str_sum(h, cJSON_IsString(e) ? e->valuestring : "", full);
	}
	return h;
}

PF_INLINE size_t
js_labels_encode(const void *src, uint8_t *buf, size_t room)
{
	const struct pf_labels *l = src;
	cJSON *o = cJSON_CreateObject(), *samples;
	uint32_t i, t;

	num(o, "ts_ns", (double)l->ts_ns);
	str(o, "host", l->host.p);
	str(o, "job", l->job.p);
	cJSON_AddItemToObjectCS(o, "resource", entries(l->resource, l->nb_resource));
	samples = add_arr(o, "samples");
	for (i = 0; i < l->nb_samples; i++) {
		const struct pf_sample *x = &l->samples[i];
		cJSON *so = cJSON_CreateObject(), *tags;

		str(so, "name", x->name.p);
		str(so, "unit", x->unit.p);
		num(so, "value", x->value);
		num(so, "ts_ns", (double)x->ts_ns);
		tags = add_arr(so, "tags");
		for (t = 0; t < x->nb_tags; t++)
			cJSON_AddItemToArray(tags, cJSON_CreateStringReference(x->tags[t].p));
		cJSON_AddItemToObjectCS(so, "labels", entries(x->labels, x->nb_labels));
		cJSON_AddItemToArray(samples, so);
	}
	return finish(o, buf, room);
}

PF_INLINE uint64_t
js_labels_read(const void *d, bool full)
{
	const cJSON *o = d, *sa, *x, *t;
	uint64_t h = 0, n;

	h = pf_u64(h, (uint64_t)get_num(o, "ts_ns"), full);
	h = str_sum(h, get_str(o, "host"), full);
	h = str_sum(h, get_str(o, "job"), full);
	h = entries_sum(h, cJSON_GetObjectItemCaseSensitive(o, "resource"), full);
	sa = get_arr(o, "samples", &n);
	h = pf_u64(h, n, full);
	cJSON_ArrayForEach(x, sa) {
		const cJSON *ta;

		h = str_sum(h, get_str(x, "name"), full);
		h = str_sum(h, get_str(x, "unit"), full);
		h = pf_f64(h, get_num(x, "value"), full);
		h = pf_u64(h, (uint64_t)get_num(x, "ts_ns"), full);
		ta = get_arr(x, "tags", &n);
		h = pf_u64(h, n, full);
		cJSON_ArrayForEach(t, ta)
			h = str_sum(h, cJSON_IsString(t) ? t->valuestring : "", full);
		h = entries_sum(h, cJSON_GetObjectItemCaseSensitive(x, "labels"), full);
	}
	return h;
}

#define JS(M) \
PF_INLINE void *js_##M##_decode(struct pf_ctx *c, const uint8_t *b, size_t l) \
{ return parse(c, b, l); } \
PF_INLINE void js_##M##_release(struct pf_ctx *c, void *d) { release(c, d); } \
PF_DEFINE_LOOPS(js_##M)

JS(rpc)
JS(order)
JS(batch)
JS(deep)
JS(labels)

const struct pf_format pf_format_json = {
	.name = "json",
	.what = "cJSON: a tree with no-copy strings, compact print "
		"into the buffer; parse, look up by name, delete",
	.msgs = {
		[PF_RPC] = { PF_CODEC(js_rpc) },
		[PF_ORDER] = { PF_CODEC(js_order) },
		[PF_BATCH] = { PF_CODEC(js_batch) },
		[PF_DEEP] = { PF_CODEC(js_deep) },
		[PF_LABELS] = { PF_CODEC(js_labels) },
	},
};
