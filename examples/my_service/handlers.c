/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The greeter service's handler: everything that runs on the server's
 * worker lcores. A handler must not block: it reads the request in place,
 * builds the answer, and returns.
 */
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include <dipc_codec_mbuf.h>
#include <dipc_server.h>

#include "greeter.h"      /* generated from greeter.schema */
#include "greeter_service.h"

/* Longest name greeted; a longer one is refused. */
#define NAME_MAX_LEN 64

/*
 * Method 100, hello_req -> hello_rsp. Registered with
 * dipc_server_register_ex() because the answer is a message of its own
 * size, not the request rewritten in place: *mp is the request on entry
 * and must be the answer when DIPC_HANDLER_RESPOND is returned.
 */
static int
hello_handler(struct dipc_server *s, struct rte_mbuf **mp, void *arg)
{
	struct greeter_state *st = arg;
	struct rte_mbuf *req = *mp, *rsp;
	struct dipc_codec_builder b;
	const char *name;
	uint32_t name_len, text_len, body_len;
	uint64_t visitor;
	char text[160];

	/* The worker checked the header and the mbuf; the body is ours to
	 * check: every offset and length once, then read in place. */
	if (greeter_hello_req_validate_mbuf(req, NULL) != DIPC_CODEC_OK)
		return -DIPC_STATUS_BAD_LENGTH; /* answered as an error response */
	name = greeter_hello_req_get_name(dipc_msg_body(req), &name_len);
	if (name_len == 0 || name_len > NAME_MAX_LEN)
		return -DIPC_STATUS_BAD_LENGTH;

	/* Every worker lcore runs this at once: one atomic counter. */
	visitor = __atomic_add_fetch(&st->visitors, 1, __ATOMIC_RELAXED);
	if (greeter_hello_req_get_lang(dipc_msg_body(req)) == greeter_lang_FR)
		text_len = (uint32_t)snprintf(text, sizeof(text),
			"Bonjour, %.*s ! Vous êtes le visiteur %lu de ce serveur.",
			(int)name_len, name, (unsigned long)visitor);
	else
		text_len = (uint32_t)snprintf(text, sizeof(text),
			"Hello, %.*s! You are visitor %lu of this server.",
			(int)name_len, name, (unsigned long)visitor);

	/* The answer: a new message (header written: response, the request's
	 * method and stream id), its body built in place. */
	body_len = (uint32_t)greeter_hello_rsp_size(text_len);
	rsp = dipc_server_rsp_alloc(s, req, body_len);
	if (rsp == NULL)
		return DIPC_HANDLER_DROP; /* a pool ran short: no answer, the call times out */
	greeter_hello_rsp_build_init(&b, dipc_msg_body(rsp), body_len);
	greeter_hello_rsp_set_visitor(b.body, visitor);
	greeter_hello_rsp_set_text(&b, text, text_len);
	if (dipc_codec_build_finish(&b, &body_len) != 0) {
		rte_pktmbuf_free(rsp); /* cannot happen: sized by _size() */
		return -DIPC_STATUS_BAD_LENGTH;
	}
	/* On the server, the request is freed into the pool directly. */
	rte_pktmbuf_free(req);
	*mp = rsp;
	return DIPC_HANDLER_RESPOND;
}

int
greeter_register(struct dipc_server *s, struct greeter_state *st)
{
	st->visitors = 0;
	return dipc_server_register_ex(s, GREETER_HELLO_REQ_ID, hello_handler, st);
}
