/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kv_client: talk to dipc-server's key-value service. Each command is one
 * request, built with the accessors dipc-schemac generates from kv.schema,
 * and its answer read in place.
 *
 *   kv_client [EAL options] -- COMMAND...
 *     put KEY VALUE     store VALUE under KEY
 *     get KEY           print KEY's value
 *     del KEY           delete KEY
 *   e.g. kv_client -- put color blue get color del color get color
 *
 * Build, against an installed dipc (kv.schema is installed with it):
 *   $(pkg-config --variable=schemac dipc) \
 *       $(pkg-config --variable=datadir dipc)/kv.schema -o kv.h
 *   cc -O2 -I. -o kv_client kv_client.c $(pkg-config --cflags --libs dipc)
 *
 * Exit status: 0 every command was answered (whatever its status: a get of
 * a missing key prints NOT_FOUND); 1 a malformed or refused answer (a
 * server without the key-value service, dipc-server --kv 0, refuses the
 * methods), or no answer in time; 2 bad usage; 3 no server; 4 the server
 * went away.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <dipc_client.h>
#include <dipc_codec_mbuf.h>

#include "kv.h" /* generated: kv_put_req_*, kv_get_rsp_*, ... */

#define TIMEOUT_MS 1000

/* Longest value this example prints or sends. */
#define VALUE_MAX 4096

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- COMMAND...\n"
	       "  put KEY VALUE   store VALUE under KEY (at most 62 bytes of key)\n"
	       "  get KEY         print KEY's value\n"
	       "  del KEY         delete KEY\n", prog);
}

static void
usage_hook(const char *prog)
{
	usage(prog);
}

/*
 * Send a request whose body @build writes into @len bytes, and wait for
 * its answer. Returns the response (the caller frees it), or NULL with
 * *err set to a negative errno.
 */
static struct rte_mbuf *
call(struct dipc_client *c, uint16_t method, uint32_t len,
     int (*build)(void *body, uint32_t len, const void *arg), const void *arg, int *err)
{
	struct rte_mbuf *req, *rsp;

	/* Allocations never wait; wait here if the server has not lent this
	 * connection a free mbuf yet. */
	req = dipc_client_msg_alloc(c, method, len);
	if (req == NULL && rte_errno == ENOBUFS)
		req = dipc_client_msg_alloc_wait(c, method, len, 0, TIMEOUT_MS);
	if (req == NULL) {
		*err = -rte_errno;
		return NULL;
	}
	/* Fill the body in place, in the mbuf. */
	*err = build(dipc_msg_body(req), len, arg);
	if (*err != 0) {
		dipc_client_msg_free(c, req);
		return NULL;
	}
	/* The request belongs to the library now, whatever the result. */
	*err = dipc_client_call(c, req, &rsp, TIMEOUT_MS);
	return *err == 0 ? rsp : NULL;
}

struct kv_args {
	const char *key;
	const char *value;
};

static int
build_put(void *body, uint32_t len, const void *arg)
{
	const struct kv_args *a = arg;
	struct dipc_codec_builder b;
	uint32_t used;

	kv_put_req_build_init(&b, body, len);     /* the fixed block, zeroed */
	kv_put_req_set_ttl_s(b.body, 0);          /* fixed fields: any order */
	kv_put_req_set_if_absent(b.body, false);
	kv_put_req_set_key(&b, a->key, (uint32_t)strlen(a->key)); /* variable: schema order */
	kv_put_req_set_value(&b, a->value, (uint32_t)strlen(a->value));
	return dipc_codec_build_finish(&b, &used); /* 0, or -ENOSPC */
}

static int
build_get(void *body, uint32_t len, const void *arg)
{
	const struct kv_args *a = arg;
	struct dipc_codec_builder b;
	uint32_t used;

	kv_get_req_build_init(&b, body, len);
	kv_get_req_set_seal(b.body, 0); /* answer plain: no CRC32C, no LZ4 */
	kv_get_req_set_key(&b, a->key, (uint32_t)strlen(a->key));
	return dipc_codec_build_finish(&b, &used);
}

static int
build_del(void *body, uint32_t len, const void *arg)
{
	const struct kv_args *a = arg;
	struct dipc_codec_builder b;
	uint32_t used;

	kv_delete_req_build_init(&b, body, len);
	kv_delete_req_set_key(&b, a->key, (uint32_t)strlen(a->key));
	return dipc_codec_build_finish(&b, &used);
}

/*
 * The body of a response, opened: in place for one segment; a chain (a
 * large value) is copied into @buf. NULL if it is an error response or
 * does not fit.
 */
static const void *
rsp_body(struct rte_mbuf *rsp, void *buf, uint32_t room, uint32_t *len)
{
	const struct dipc_msg_hdr *h = dipc_msg_hdr(rsp);

	if (h->flags & DIPC_MSG_F_ERROR) {
		fprintf(stderr, "kv_client: refused: %s\n", dipc_msg_status_str(h->status));
		return NULL;
	}
	if (rte_pktmbuf_is_contiguous(rsp))
		return dipc_codec_mbuf_body(rsp, len);
	*len = dipc_codec_mbuf_body_len(rsp);
	if (*len > room || dipc_codec_mbuf_copy_out(rsp, 0, *len, buf) != 0)
		return NULL;
	return buf;
}

/* Run one command; returns 0, 1 (a bad answer) or a negative errno. */
static int
run(struct dipc_client *c, const char *cmd, const struct kv_args *a)
{
	static uint8_t buf[VALUE_MAX + 256];
	struct dipc_codec_error verr;
	struct rte_mbuf *rsp;
	const void *body;
	const uint8_t *v;
	uint32_t len, vlen;
	int err, ret = 0;

	if (strcmp(cmd, "put") == 0 && a->value != NULL)
		rsp = call(c, KV_PUT_REQ_ID,
			   (uint32_t)kv_put_req_size(strlen(a->key), strlen(a->value)), build_put,
			   a, &err);
	else if (strcmp(cmd, "get") == 0)
		rsp = call(c, KV_GET_REQ_ID, (uint32_t)kv_get_req_size(strlen(a->key)), build_get,
			   a, &err);
	else
		rsp = call(c, KV_DELETE_REQ_ID, (uint32_t)kv_delete_req_size(strlen(a->key)),
			   build_del, a, &err);
	if (rsp == NULL) {
		fprintf(stderr, "kv_client: %s %s: %s\n", cmd, a->key, dipc_client_strerror(err));
		return err;
	}
	body = rsp_body(rsp, buf, sizeof(buf), &len);
	if (body == NULL) {
		ret = 1;
	} else if (strcmp(cmd, "put") == 0) {
		/* The validator checks every offset and length once; then the
		 * getters read in place, with no bounds check. */
		if (kv_put_rsp_validate(body, len, &verr) != DIPC_CODEC_OK)
			ret = 1;
		else
			printf("put %s: %s, version %" PRIu64 "\n", a->key,
			       kv_kv_status_str(kv_put_rsp_get_status(body)),
			       kv_put_rsp_get_version(body));
	} else if (strcmp(cmd, "get") == 0) {
		if (kv_get_rsp_validate(body, len, &verr) != DIPC_CODEC_OK) {
			ret = 1;
		} else {
			v = kv_get_rsp_get_value(body, &vlen); /* a pointer into the mbuf */
			printf("get %s: %s", a->key, kv_kv_status_str(kv_get_rsp_get_status(body)));
			if (kv_get_rsp_get_status(body) == kv_kv_status_OK)
				printf(", version %" PRIu64 ", %u bytes: %.*s",
				       kv_get_rsp_get_version(body), vlen, (int)vlen,
				       (const char *)v);
			printf("\n");
		}
	} else {
		if (kv_delete_rsp_validate(body, len, &verr) != DIPC_CODEC_OK)
			ret = 1;
		else
			printf("del %s: %s\n", a->key,
			       kv_kv_status_str(kv_delete_rsp_get_status(body)));
	}
	if (ret != 0 && body != NULL)
		fprintf(stderr, "kv_client: %s %s: a malformed answer\n", cmd, a->key);
	/* Through the library: the mbuf is the connection's. */
	dipc_client_msg_free(c, rsp);
	return ret;
}

int
main(int argc, char **argv)
{
	struct dipc_client *c;
	struct kv_args a;
	int i, ret, status = 0;

	rte_set_application_usage_hook(usage_hook);
	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "kv_client: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	argc -= ret;
	argv += ret;
	/* Check the whole command line before connecting. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage("kv_client");
			rte_eal_cleanup();
			return 0;
		}
		if (strcmp(argv[i], "put") == 0 && i + 2 < argc &&
		    strlen(argv[i + 2]) <= VALUE_MAX) {
			i += 2;
		} else if ((strcmp(argv[i], "get") == 0 || strcmp(argv[i], "del") == 0) &&
			   i + 1 < argc) {
			i += 1;
		} else {
			fprintf(stderr, "kv_client: bad command at '%s'\n", argv[i]);
			usage("kv_client");
			rte_eal_cleanup();
			return 2;
		}
	}
	if (argc < 2) {
		usage("kv_client");
		rte_eal_cleanup();
		return 2;
	}

	c = dipc_client_connect(TIMEOUT_MS);
	if (c == NULL) {
		fprintf(stderr, "kv_client: connect: %s\n", dipc_client_strerror(rte_errno));
		rte_eal_cleanup();
		return 3;
	}
	for (i = 1; i < argc && status < 3; i++) {
		a.key = argv[i + 1];
		a.value = strcmp(argv[i], "put") == 0 ? argv[i + 2] : NULL;
		ret = run(c, argv[i], &a);
		i += a.value != NULL ? 2 : 1;
		if (ret == 1)
			status = 1;
		else if (ret < 0)
			/* No method 16..21 on this server: the service is off. */
			status = ret == -ETIMEDOUT ? 1 : 4;
	}
	dipc_client_close(c);
	rte_eal_cleanup();
	return status;
}
