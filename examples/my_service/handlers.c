/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The greeter service's handler: everything that runs on the server's
 * worker lcores. A handler must not block: it reads the request, builds
 * the answer, and returns.
 */
#include <stdio.h>
#include <string.h>

#include <dipc_server.h>

#include "greeter.h"      /* generated from greeter.schema */
#include "greeter_service.h"

/* Longest name greeted; a longer one is refused. */
#define NAME_MAX_LEN 64

/*
 * Method 100, hello_req -> hello_rsp. The worker has checked the message
 * (mbuf, header, lengths) and hands over its checked copy in msg; the body
 * is the client's and it may still write it, so it is copied out once,
 * then validated and read there. The answer is built over the request's
 * body (msg->body, at most msg->room bytes; an answer that does not fit
 * would come from dipc_server_rsp_alloc()), and the worker writes its
 * header from msg->rsp_len.
 */
static int
hello_handler(struct dipc_server_msg *msg, void *arg)
{
	struct greeter_state *st = arg;
	struct dipc_codec_builder b;
	uint8_t req[256];
	const char *name;
	uint32_t name_len, text_len, body_len;
	uint64_t visitor;
	char text[160];

	if (msg->body_len > sizeof(req) || dipc_server_msg_read(msg, 0, msg->body_len, req) != 0)
		return -DIPC_STATUS_BAD_LENGTH; /* answered as an error response */
	if (greeter_hello_req_validate(req, msg->body_len, NULL) != DIPC_CODEC_OK)
		return -DIPC_STATUS_BAD_LENGTH;
	name = greeter_hello_req_get_name(req, &name_len);
	if (name_len == 0 || name_len > NAME_MAX_LEN)
		return -DIPC_STATUS_BAD_LENGTH;

	/* Every worker lcore runs this at once: one atomic counter. */
	visitor = __atomic_add_fetch(&st->visitors, 1, __ATOMIC_RELAXED);
	if (greeter_hello_req_get_lang(req) == greeter_lang_FR)
		text_len = (uint32_t)snprintf(text, sizeof(text),
			"Bonjour, %.*s ! Vous êtes le visiteur %lu de ce serveur.",
			(int)name_len, name, (unsigned long)visitor);
	else
		text_len = (uint32_t)snprintf(text, sizeof(text),
			"Hello, %.*s! You are visitor %lu of this server.",
			(int)name_len, name, (unsigned long)visitor);

	/* The answer, in place. */
	body_len = (uint32_t)greeter_hello_rsp_size(text_len);
	if (body_len > msg->room)
		return -DIPC_STATUS_BAD_LENGTH; /* cannot happen: a few hundred bytes */
	greeter_hello_rsp_build_init(&b, msg->body, body_len);
	greeter_hello_rsp_set_visitor(b.body, visitor);
	greeter_hello_rsp_set_text(&b, text, text_len);
	if (dipc_codec_build_finish(&b, &body_len) != 0)
		return -DIPC_STATUS_BAD_LENGTH; /* cannot happen: sized by _size() */
	msg->rsp_len = body_len;
	return DIPC_HANDLER_RESPOND;
}

int
greeter_register(struct dipc_server *s, struct greeter_state *st)
{
	st->visitors = 0;
	return dipc_server_register(s, GREETER_HELLO_REQ_ID, hello_handler, st);
}
