/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * my_client: the greeter service's client. For each NAME it sends a
 * hello_req (greeter.schema) to method 100 of the server on its EAL file
 * prefix (my_server) and prints the greeting.
 *
 *   my_client [EAL options] -- [--fr] NAME...
 *
 * Build, against an installed dipc:
 *   $(pkg-config --variable=schemac dipc) greeter.schema -o greeter.h
 *   cc -O2 -I. -o my_client my_client.c $(pkg-config --cflags --libs dipc)
 *
 * Exit status: 0 every name was greeted; 1 a refused or malformed answer;
 * 2 bad usage; 3 no server; 4 the server went away.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <dipc_client.h>
#include <dipc_codec_mbuf.h>

#include "greeter.h" /* generated from greeter.schema */

#define TIMEOUT_MS 1000

/* Greet @name; returns 0, 1 (refused or malformed) or a negative errno. */
static int
hello(struct dipc_client *c, const char *name, enum greeter_lang lang)
{
	uint32_t name_len = (uint32_t)strlen(name), body_len, text_len;
	struct dipc_codec_builder b;
	struct rte_mbuf *req, *rsp;
	const struct dipc_msg_hdr *h;
	const char *text;
	const void *body;
	int ret;

	/* A request of method GREETER_HELLO_REQ_ID, its body sized by the
	 * generated helper; an allocation never waits, so wait here if the
	 * server has not lent the connection a free mbuf yet. */
	body_len = (uint32_t)greeter_hello_req_size(name_len);
	req = dipc_client_msg_alloc(c, GREETER_HELLO_REQ_ID, body_len);
	if (req == NULL && rte_errno == ENOBUFS)
		req = dipc_client_msg_alloc_wait(c, GREETER_HELLO_REQ_ID, body_len, 0, TIMEOUT_MS);
	if (req == NULL)
		return -rte_errno;
	greeter_hello_req_build_init(&b, dipc_msg_body(req), body_len);
	greeter_hello_req_set_lang(b.body, lang);
	greeter_hello_req_set_name(&b, name, name_len);
	if (dipc_codec_build_finish(&b, &body_len) != 0) {
		dipc_client_msg_free(c, req);
		return -EINVAL;
	}

	ret = dipc_client_call(c, req, &rsp, TIMEOUT_MS);
	if (ret != 0)
		return ret;
	h = dipc_msg_hdr(rsp);
	if (h->flags & DIPC_MSG_F_ERROR) {
		/* The handler refused it (a name over 64 bytes, say), or the
		 * server has no method 100 (a plain dipc-server). */
		fprintf(stderr, "my_client: %s: refused: %s\n", name,
			dipc_msg_status_str(h->status));
		ret = 1;
	} else if (greeter_hello_rsp_validate_mbuf(rsp, NULL) != DIPC_CODEC_OK) {
		fprintf(stderr, "my_client: %s: a malformed answer\n", name);
		ret = 1;
	} else {
		/* Read in place: the text points into the mbuf. */
		body = dipc_msg_body(rsp);
		text = greeter_hello_rsp_get_text(body, &text_len);
		printf("%.*s\n", (int)text_len, text);
	}
	dipc_client_msg_free(c, rsp);
	return ret;
}

int
main(int argc, char **argv)
{
	enum greeter_lang lang = greeter_lang_EN;
	struct dipc_client *c;
	int i, ret, status = 0;

	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "my_client: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("Usage: my_client [EAL options] -- [--fr] NAME...\n");
		rte_eal_cleanup();
		return argc < 2 ? 2 : 0;
	}
	c = dipc_client_connect(TIMEOUT_MS);
	if (c == NULL) {
		fprintf(stderr, "my_client: connect: %s\n", dipc_client_strerror(rte_errno));
		rte_eal_cleanup();
		return 3;
	}
	for (i = 1; i < argc && status < 4; i++) {
		if (strcmp(argv[i], "--fr") == 0) {
			lang = greeter_lang_FR;
			continue;
		}
		ret = hello(c, argv[i], lang);
		if (ret == 1 || ret == -ETIMEDOUT) {
			status = 1;
		} else if (ret < 0) {
			fprintf(stderr, "my_client: %s: %s\n", argv[i], dipc_client_strerror(ret));
			status = 4;
		}
	}
	dipc_client_close(c);
	rte_eal_cleanup();
	return status;
}
