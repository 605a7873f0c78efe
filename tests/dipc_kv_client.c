/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: a key-value client driven by tests/test_kv.c: runs the
 * commands given after "--", in order, on one connection, and prints one
 * "kv-client: ..." line per command for the test to assert on.
 *
 *   dipc_kv_client [EAL args] -- COMMAND...
 *
 * KEY is a name, or #N for a key of N 'k' bytes. FLAGS is a string of
 * c (send the request with a CRC32C; a GET also asks for one back),
 * z (LZ4-compress the request; a GET asks for an LZ4 response),
 * a (PUT if_absent).
 *   put:KEY:LEN:GEN[:FLAGS]   PUT a LEN-byte value made from (KEY, GEN)
 *        -> "put KEY: STATUS version V"
 *   get:KEY[:FLAGS]           -> "get KEY: STATUS version V len N gen G whole|torn rsp FL"
 *        (FL: c CRC32C, z LZ4, s a chain, or -)
 * A request whose body (as sent) is over one segment of the largest size
 * class goes as a chain.
 *   del:KEY                   -> "del KEY: STATUS"
 *   fill:PREFIX:N:LEN         PUT PREFIX0..PREFIX<N-1> until one is not OK
 *        -> "fill PREFIX: K ok[, then STATUS]"
 *   check:PREFIX:N:LEN        GET them all -> "check PREFIX: K whole of N"
 *   raw:KIND                  a malformed request -> "raw KIND: STATUS"
 *        KIND: empty (no body), truncated (a PUT cut short), badref (key
 *        reference past the body), overlap (value over the key), bool
 *        (if_absent 2), ttl (ttl_s 5), seal (GET asking for seal bit 4),
 *        badcsum (a PUT whose CRC32C is wrong), badlz4 (COMPRESSED flag on
 *        garbage), bigplain (an LZ4 PUT that opens to more than one mbuf)
 *   hold:N                    send N GETs, read nothing, print "holding",
 *                             then sleep until killed
 *
 * Exit codes: 0 every command ran (whatever the statuses), 1 a response
 * was malformed or missing, 2 usage, 3 cannot connect.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "dipc_client.h"
#include "dipc_codec_mbuf.h"
#include "dipc_eal.h"
#include "kv.h" /* generated from docs/examples/kv.schema */

#define TIMEOUT_MS 5000
#define BUF 300000

static uint8_t plain[BUF];  /* a body before sealing */
static uint8_t sealed[BUF]; /* a body as sent, or as received */
static uint8_t opened[BUF]; /* a response after opening */
static uint8_t value[BUF];

static const char *
status_name(unsigned int s)
{
	const char *n = kv_kv_status_str((enum kv_kv_status)s);

	return n != NULL ? n : "?";
}

/* "#N" is N 'k' bytes; anything else is itself. */
static uint32_t
parse_key(const char *s, char *out, size_t room)
{
	size_t n;

	if (s[0] == '#') {
		n = strtoul(s + 1, NULL, 10);
		if (n >= room)
			n = room - 1;
		memset(out, 'k', n);
	} else {
		n = strlen(s);
		if (n >= room)
			n = room - 1;
		memcpy(out, s, n);
	}
	out[n] = '\0';
	return (uint32_t)n;
}

static uint32_t
key_seed(const char *key, uint32_t len)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)key[i]) * 16777619u;
	return h;
}

/* The value of (key, gen): gen in its first 4 bytes (if it has them),
 * then a pattern that repeats every 256 bytes (LZ4 likes it). */
static void
make_value(uint8_t *v, uint32_t len, uint32_t seed, uint32_t gen)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		v[i] = (uint8_t)(seed + gen * 31u + (i & 0xff) * 7u);
	if (len >= 4)
		memcpy(v, &gen, 4);
}

static int
value_whole(const uint8_t *v, uint32_t len, uint32_t seed, uint32_t *gen)
{
	uint32_t i;

	*gen = 0;
	if (len >= 4)
		memcpy(gen, v, 4);
	for (i = 4; i < len; i++)
		if (v[i] != (uint8_t)(seed + *gen * 31u + (i & 0xff) * 7u))
			return 0;
	return 1;
}

static uint32_t
seal_opts(const char *flags)
{
	return (strchr(flags, 'c') ? DIPC_CODEC_SEAL_F_CSUM : 0) |
	       (strchr(flags, 'z') ? DIPC_CODEC_SEAL_F_LZ4 : 0);
}

/* Send a plain body, sealed as asked (compressed when over 16 bytes),
 * and wait for the answer. A body over one segment of the largest class
 * goes as a chain. */
static struct rte_mbuf *
call(struct dipc_client *c, uint16_t method, const void *body, uint32_t len, uint32_t opts)
{
	struct dipc_msg_hdr t;
	struct rte_mbuf *m, *rsp = NULL;
	int ret;

	memset(&t, 0, sizeof(t));
	ret = dipc_codec_seal(&t, body, len, sealed, sizeof(sealed), opts, 16);
	if (ret != 0) {
		printf("kv-client: seal: %s\n", strerror(-ret));
		return NULL;
	}
	/* One segment of the class that fits, or a chain; the server lends a
	 * larger class's mbufs on demand, so wait for them. */
	m = dipc_client_msg_alloc_wait(c, method, t.body_len, 0, TIMEOUT_MS);
	if (m == NULL) {
		printf("kv-client: alloc of a %u-byte body: %s\n", t.body_len,
		       dipc_client_strerror(rte_errno));
		return NULL;
	}
	dipc_codec_mbuf_copy_in(m, 0, sealed, t.body_len);
	dipc_msg_hdr(m)->flags |= t.flags & (DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED);
	dipc_msg_hdr(m)->csum = t.csum;
	ret = dipc_client_call(c, m, &rsp, TIMEOUT_MS);
	if (ret != 0) {
		printf("kv-client: call: %s\n", dipc_client_strerror(ret));
		return NULL;
	}
	return rsp;
}

/* Open a response (one segment or a chain, copied out); returns its body,
 * or NULL after printing why. FL: its seal flags, and s for a chain. */
static const void *
open_rsp(struct rte_mbuf *rsp, uint32_t *len, char *fl)
{
	const struct dipc_msg_hdr *h = dipc_msg_hdr(rsp);
	const void *body;
	int ret;

	if (h->flags & DIPC_MSG_F_ERROR) {
		printf("kv-client: error response: %s\n", dipc_msg_status_str(h->status));
		return NULL;
	}
	snprintf(fl, 5, "%s%s%s%s", (h->flags & DIPC_MSG_F_CSUM) ? "c" : "",
		 (h->flags & DIPC_MSG_F_COMPRESSED) ? "z" : "", rsp->nb_segs > 1 ? "s" : "",
		 (h->flags & (DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED)) || rsp->nb_segs > 1 ?
			 "" : "-");
	if (rsp->nb_segs == 1) {
		ret = dipc_codec_mbuf_open(rsp, opened, sizeof(opened), &body, len);
	} else {
		*len = dipc_codec_mbuf_body_len(rsp);
		ret = *len <= sizeof(sealed) ? dipc_codec_mbuf_copy_out(rsp, 0, *len, sealed) :
					       -EMSGSIZE;
		if (ret == 0)
			ret = dipc_codec_open(h, sealed, *len, opened, sizeof(opened), &body, len);
	}
	if (ret != 0) {
		printf("kv-client: cannot open the response: %s\n", strerror(-ret));
		return NULL;
	}
	return body;
}

/* Returns the status, or -1 (printed) if the response is not a put_rsp. */
static int
do_put(struct dipc_client *c, const char *key, uint32_t klen, uint32_t vlen, uint32_t gen,
       const char *flags, uint64_t *version)
{
	struct dipc_codec_builder b;
	struct rte_mbuf *rsp;
	const void *body;
	uint32_t len;
	char fl[5];
	int st = -1;

	make_value(value, vlen, key_seed(key, klen), gen);
	kv_put_req_build_init(&b, plain, sizeof(plain));
	kv_put_req_set_if_absent(b.body, strchr(flags, 'a') != NULL);
	kv_put_req_set_key(&b, key, klen);
	kv_put_req_set_value(&b, value, vlen);
	if (dipc_codec_build_finish(&b, &len) != 0)
		return -1;
	rsp = call(c, KV_PUT_REQ_ID, plain, len, seal_opts(flags));
	if (rsp == NULL)
		return -1;
	body = open_rsp(rsp, &len, fl);
	if (body != NULL && kv_put_rsp_validate(body, len, NULL) == DIPC_CODEC_OK) {
		st = kv_put_rsp_get_status(body);
		*version = kv_put_rsp_get_version(body);
	} else if (body != NULL) {
		printf("kv-client: a malformed put response\n");
	}
	dipc_client_msg_free(c, rsp);
	return st;
}

/* Prints the result; returns the status or -1. */
static int
do_get(struct dipc_client *c, const char *name, const char *key, uint32_t klen,
       const char *flags, int quiet)
{
	struct dipc_codec_builder b;
	struct rte_mbuf *rsp;
	const uint8_t *v;
	const void *body;
	uint32_t len, vlen, gen;
	char fl[5];
	int st = -1, whole;

	kv_get_req_build_init(&b, plain, sizeof(plain));
	kv_get_req_set_seal(b.body, (uint8_t)seal_opts(flags));
	kv_get_req_set_key(&b, key, klen);
	if (dipc_codec_build_finish(&b, &len) != 0)
		return -1;
	rsp = call(c, KV_GET_REQ_ID, plain, len, seal_opts(flags) & DIPC_CODEC_SEAL_F_CSUM);
	if (rsp == NULL)
		return -1;
	body = open_rsp(rsp, &len, fl);
	if (body != NULL && kv_get_rsp_validate(body, len, NULL) == DIPC_CODEC_OK) {
		st = kv_get_rsp_get_status(body);
		v = kv_get_rsp_get_value(body, &vlen);
		whole = value_whole(v, vlen, key_seed(key, klen), &gen);
		if (!quiet)
			printf("kv-client: get %s: %s version %" PRIu64 " len %u gen %u %s rsp %s\n",
			       name, status_name((unsigned int)st), kv_get_rsp_get_version(body), vlen,
			       gen, whole ? "whole" : "torn", fl);
		if (st == kv_kv_status_OK && !whole)
			st = -2;
	} else if (body != NULL) {
		printf("kv-client: a malformed get response\n");
	}
	dipc_client_msg_free(c, rsp);
	return st;
}

static int
do_del(struct dipc_client *c, const char *key, uint32_t klen)
{
	struct dipc_codec_builder b;
	struct rte_mbuf *rsp;
	const void *body;
	uint32_t len;
	char fl[5];
	int st = -1;

	kv_delete_req_build_init(&b, plain, sizeof(plain));
	kv_delete_req_set_key(&b, key, klen);
	if (dipc_codec_build_finish(&b, &len) != 0)
		return -1;
	rsp = call(c, KV_DELETE_REQ_ID, plain, len, 0);
	if (rsp == NULL)
		return -1;
	body = open_rsp(rsp, &len, fl);
	if (body != NULL && kv_delete_rsp_validate(body, len, NULL) == DIPC_CODEC_OK)
		st = kv_delete_rsp_get_status(body);
	else if (body != NULL)
		printf("kv-client: a malformed delete response\n");
	dipc_client_msg_free(c, rsp);
	return st;
}

/* Send a malformed request (raw bytes, header flags as given) and print
 * the status of the answer; the answer must be a kv response of @rsp_id's
 * kind, with its status. */
static int
do_raw(struct dipc_client *c, const char *kind)
{
	struct dipc_codec_builder b;
	struct rte_mbuf *m, *rsp = NULL;
	struct dipc_msg_hdr *h;
	uint16_t method = KV_PUT_REQ_ID;
	uint32_t len = 0, blen;
	const void *body;
	uint8_t *p;
	char fl[5];
	int st = -1, ret;

	/* A good PUT to start from: key "raw", value "value". */
	kv_put_req_build_init(&b, plain, sizeof(plain));
	kv_put_req_set_key(&b, "raw", 3);
	kv_put_req_set_value(&b, "value", 5);
	dipc_codec_build_finish(&b, &len);
	p = plain;
	if (strcmp(kind, "empty") == 0) {
		len = 0;
	} else if (strcmp(kind, "truncated") == 0) {
		len -= 2; /* the value's last bytes */
	} else if (strcmp(kind, "badref") == 0) {
		dipc_codec_st_u32(p + KV_PUT_REQ_KEY_OFFSET, 4000);
	} else if (strcmp(kind, "overlap") == 0) {
		dipc_codec_st_u32(p + KV_PUT_REQ_VALUE_OFFSET,
				  dipc_codec_ld_u32(p + KV_PUT_REQ_KEY_OFFSET));
	} else if (strcmp(kind, "bool") == 0) {
		p[KV_PUT_REQ_IF_ABSENT_OFFSET] = 2;
	} else if (strcmp(kind, "ttl") == 0) {
		kv_put_req_set_ttl_s(p, 5);
	} else if (strcmp(kind, "seal") == 0) {
		method = KV_GET_REQ_ID;
		kv_get_req_build_init(&b, plain, sizeof(plain));
		kv_get_req_set_seal(b.body, 4);
		kv_get_req_set_key(&b, "raw", 3);
		dipc_codec_build_finish(&b, &len);
	} else if (strcmp(kind, "bigplain") == 0) {
		/* Opens to 3 KB: more than one mbuf's body. */
		kv_put_req_build_init(&b, plain, sizeof(plain));
		kv_put_req_set_key(&b, "raw", 3);
		memset(value, 'v', 3000);
		kv_put_req_set_value(&b, value, 3000);
		dipc_codec_build_finish(&b, &len);
	} else if (strcmp(kind, "badcsum") != 0 && strcmp(kind, "badlz4") != 0) {
		printf("kv-client: raw %s: unknown kind\n", kind);
		return -1;
	}
	m = dipc_client_msg_alloc(c, method, 0);
	if (m == NULL)
		return -1;
	ret = dipc_codec_mbuf_seal(m, plain, len,
				   strcmp(kind, "badcsum") == 0 ? DIPC_CODEC_SEAL_F_CSUM :
				   strcmp(kind, "bigplain") == 0 ? DIPC_CODEC_SEAL_F_LZ4 : 0, 16);
	h = dipc_msg_hdr(m);
	if (strcmp(kind, "badcsum") == 0)
		h->csum ^= 1;
	if (strcmp(kind, "badlz4") == 0) {
		/* A plain length of 100, then bytes that are no LZ4 block. */
		p = dipc_msg_body(m);
		dipc_codec_st_u32(p, 100);
		memset(p + 4, 0xff, 12);
		h->flags |= DIPC_MSG_F_COMPRESSED;
		h->body_len = 16;
		m->data_len = DIPC_MSG_HDR_LEN + 16;
		m->pkt_len = m->data_len;
	}
	if (ret != 0 || (strcmp(kind, "bigplain") == 0 && !(h->flags & DIPC_MSG_F_COMPRESSED))) {
		printf("kv-client: raw %s: cannot build it\n", kind);
		dipc_client_msg_free(c, m);
		return -1;
	}
	ret = dipc_client_call(c, m, &rsp, TIMEOUT_MS);
	if (ret != 0) {
		printf("kv-client: call: %s\n", dipc_client_strerror(ret));
		return -1;
	}
	body = open_rsp(rsp, &blen, fl);
	if (body != NULL && method == KV_PUT_REQ_ID &&
	    kv_put_rsp_validate(body, blen, NULL) == DIPC_CODEC_OK)
		st = kv_put_rsp_get_status(body);
	else if (body != NULL && method == KV_GET_REQ_ID &&
		 kv_get_rsp_validate(body, blen, NULL) == DIPC_CODEC_OK)
		st = kv_get_rsp_get_status(body);
	dipc_client_msg_free(c, rsp);
	if (st >= 0)
		printf("kv-client: raw %s: %s\n", kind, status_name((unsigned int)st));
	else
		printf("kv-client: raw %s: no kv response\n", kind);
	return st;
}

static int
do_hold(struct dipc_client *c, unsigned int n)
{
	struct dipc_codec_builder b;
	struct rte_mbuf *m;
	uint32_t len = (uint32_t)kv_get_req_size(4);
	unsigned int i;

	for (i = 0; i < n; i++) {
		m = dipc_client_msg_alloc_wait(c, KV_GET_REQ_ID, len, 0, TIMEOUT_MS);
		if (m == NULL)
			break;
		kv_get_req_build_init(&b, dipc_msg_body(m), len);
		kv_get_req_set_key(&b, "hold", 4);
		if (dipc_client_send_burst(c, &m, 1) != 1) {
			dipc_client_msg_free(c, m);
			break;
		}
	}
	printf("kv-client: holding %u\n", i);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* Split "a:b:c" in place into at most @max fields. */
static int
split(char *s, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = s;
		s = strchr(s, ':');
		if (s == NULL)
			break;
		*s++ = '\0';
	}
	return n;
}

static int
run(struct dipc_client *c, char *cmd)
{
	char *f[6], key[128], name[160];
	uint32_t klen, i, n, k;
	uint64_t version = 0;
	int nf = split(cmd, f, 6), st;

	if (strcmp(f[0], "put") == 0 && nf >= 4) {
		klen = parse_key(f[1], key, sizeof(key));
		st = do_put(c, key, klen, (uint32_t)strtoul(f[2], NULL, 10),
			    (uint32_t)strtoul(f[3], NULL, 10), nf > 4 ? f[4] : "", &version);
		if (st < 0)
			return 1;
		printf("kv-client: put %s: %s version %" PRIu64 "\n", f[1],
		       status_name((unsigned int)st), version);
	} else if (strcmp(f[0], "get") == 0 && nf >= 2) {
		klen = parse_key(f[1], key, sizeof(key));
		if (do_get(c, f[1], key, klen, nf > 2 ? f[2] : "", 0) == -1)
			return 1;
	} else if (strcmp(f[0], "del") == 0 && nf >= 2) {
		klen = parse_key(f[1], key, sizeof(key));
		st = do_del(c, key, klen);
		if (st < 0)
			return 1;
		printf("kv-client: del %s: %s\n", f[1], status_name((unsigned int)st));
	} else if ((strcmp(f[0], "fill") == 0 || strcmp(f[0], "check") == 0) && nf >= 4) {
		n = (uint32_t)strtoul(f[2], NULL, 10);
		for (i = 0, k = 0, st = kv_kv_status_OK; i < n; i++) {
			snprintf(name, sizeof(name), "%s%u", f[1], i);
			klen = (uint32_t)strlen(name);
			if (f[0][0] == 'f')
				st = do_put(c, name, klen, (uint32_t)strtoul(f[3], NULL, 10), i, "",
					    &version);
			else
				st = do_get(c, name, name, klen, "", 1);
			if (st != kv_kv_status_OK)
				break;
			k++;
		}
		if (f[0][0] == 'c')
			printf("kv-client: check %s: %u whole of %u\n", f[1], k, n);
		else if (st == kv_kv_status_OK)
			printf("kv-client: fill %s: %u ok\n", f[1], k);
		else
			printf("kv-client: fill %s: %u ok, then %s\n", f[1], k,
			       st >= 0 ? status_name((unsigned int)st) : "no response");
		if (st == -1)
			return 1;
	} else if (strcmp(f[0], "raw") == 0 && nf >= 2) {
		if (do_raw(c, f[1]) < 0)
			return 1;
	} else if (strcmp(f[0], "hold") == 0 && nf >= 2) {
		return do_hold(c, (unsigned int)strtoul(f[1], NULL, 10));
	} else {
		printf("kv-client: bad command '%s'\n", f[0]);
		return 2;
	}
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dipc_client *c;
	int ret, i;

	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		printf("kv-client: eal: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	argc -= ret;
	argv += ret;
	c = dipc_client_connect(TIMEOUT_MS);
	if (c == NULL) {
		printf("kv-client: connect: %s\n", dipc_client_strerror(rte_errno));
		dipc_eal_cleanup_bounded(5, 3, NULL);
		return 3;
	}
	printf("kv-client: connected, largest body %u\n", dipc_client_max_body(c));
	fflush(stdout);
	for (i = 1, ret = 0; i < argc && ret == 0; i++)
		ret = run(c, argv[i]);
	printf("kv-client: done%s\n", ret == 0 ? "" : " (failed)");
	dipc_client_close(c);
	dipc_eal_cleanup_bounded(5, ret, NULL);
	return ret;
}
