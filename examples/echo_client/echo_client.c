/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * echo_client: the smallest complete dipc client. It attaches to a running
 * dipc-server, sends COUNT echo requests of SIZE bytes one at a time, checks
 * every answer byte for byte, and reports the round trip.
 *
 *   echo_client [EAL options] -- [--count N] [--size BYTES] [--timeout MS]
 *
 * EAL options come first, as in every DPDK application, and are optional:
 * the client library supplies --proc-type=secondary, --file-prefix=dipc, no
 * PCI and an lcore id no server uses. Give --file-prefix=NAME to reach a
 * server started with that prefix. The application's own options follow
 * "--".
 *
 * Build, against an installed dipc:
 *   cc -O2 -o echo_client echo_client.c $(pkg-config --cflags --libs dipc)
 *
 * Exit status: 0 every echo matched; 1 a bad answer; 2 bad usage; 3 no
 * server (or it refused us); 4 the server stopped or died on the way.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include <dipc_client.h>

struct options {
	unsigned long count;
	uint32_t size;
	unsigned int timeout_ms;
};

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--count N] [--size BYTES] [--timeout MS]\n"
	       "  --count N       echo requests to send (default 1000)\n"
	       "  --size BYTES    body bytes of each (default 64)\n"
	       "  --timeout MS    connect and per-call timeout (default 1000)\n", prog);
}

/* rte_eal_init() prints EAL's usage, then this, for -h/--help before "--". */
static void
usage_hook(const char *prog)
{
	usage(prog);
}

/* The application's options: what follows "--". Returns 0, 1 (help
 * printed: exit 0) or -1 (bad usage: exit 2). */
static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int opt;

	optind = 1; /* argv[0] is the "--" slot, named after the program */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			usage(argv[0]);
			return 1;
		}
		if (opt == '?')
			return -1;
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno != 0 || *end != '\0' || optarg[0] == '-' || v == 0) {
			fprintf(stderr, "%s: '%s' is not a positive number\n", argv[0], optarg);
			return -1;
		}
		if (opt == 'c')
			o->count = v;
		else if (opt == 's' && v <= 65535)
			o->size = (uint32_t)v;
		else if (opt == 't' && v <= 3600000)
			o->timeout_ms = (unsigned int)v;
		else
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return -1;
	}
	return 0;
}

/*
 * One round trip. Returns 0 when the echo matched, 1 for a bad answer, or
 * a negative errno when the connection failed (the caller stops).
 */
static int
echo_once(struct dipc_client *c, const struct options *o, uint32_t seq)
{
	struct rte_mbuf *req, *rsp;
	const struct dipc_msg_hdr *h;
	uint8_t *body;
	uint32_t i;
	int ret;

	/* An allocation never waits: it fails with ENOBUFS when the server
	 * has not lent this connection a free mbuf yet (the first message of
	 * a larger size class, say). Then ask for the waiting variant. */
	req = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, o->size);
	if (req == NULL && rte_errno == ENOBUFS)
		req = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, o->size, 0, o->timeout_ms);
	if (req == NULL) {
		/* ENOSPC: the body is larger than one mbuf of the server's
		 * largest size class (dipc_client_max_body()). */
		fprintf(stderr, "echo_client: no request of %u bytes: %s\n", o->size,
			dipc_client_strerror(rte_errno));
		return -rte_errno;
	}
	/* The body is in place in the mbuf, after the header. */
	body = dipc_msg_body(req);
	for (i = 0; i < o->size; i++)
		body[i] = (uint8_t)(seq + i);

	/* The request is the library's now, whatever the result. */
	ret = dipc_client_call(c, req, &rsp, o->timeout_ms);
	if (ret != 0) {
		fprintf(stderr, "echo_client: call %u: %s\n", seq, dipc_client_strerror(ret));
		return ret;
	}
	/* The server answers a request it refuses with an error status. */
	h = dipc_msg_hdr(rsp);
	if (h->flags & DIPC_MSG_F_ERROR) {
		fprintf(stderr, "echo_client: call %u refused: %s\n", seq,
			dipc_msg_status_str(h->status));
		ret = 1;
	} else if (h->body_len != o->size) {
		fprintf(stderr, "echo_client: call %u: %u bytes back, sent %u\n", seq,
			h->body_len, o->size);
		ret = 1;
	} else {
		body = dipc_msg_body(rsp);
		for (i = 0; i < o->size && body[i] == (uint8_t)(seq + i); i++)
			;
		if (i < o->size) {
			fprintf(stderr, "echo_client: call %u: byte %u differs\n", seq, i);
			ret = 1;
		}
	}
	/* A connection's mbufs go back through the library, never through
	 * rte_pktmbuf_free(). */
	dipc_client_msg_free(c, rsp);
	return ret;
}

int
main(int argc, char **argv)
{
	struct options o = { .count = 1000, .size = 64, .timeout_ms = 1000 };
	struct dipc_client *c;
	uint64_t start, cycles;
	unsigned long n;
	int ret, status = 0;

	/* EAL first: it consumes the arguments before "--" and returns how
	 * many; the application's options follow. */
	rte_set_application_usage_hook(usage_hook);
	ret = dipc_client_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "echo_client: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)(uintptr_t)"echo_client";
	ret = parse_args(argc, argv, &o);
	if (ret != 0) {
		if (ret < 0)
			usage("echo_client");
		rte_eal_cleanup();
		return ret > 0 ? 0 : 2;
	}

	c = dipc_client_connect(o.timeout_ms);
	if (c == NULL) {
		/* rte_errno says why: no server (ECONNREFUSED), no free slot
		 * (EBUSY), the token (EACCES), the version (EPROTONOSUPPORT)... */
		fprintf(stderr, "echo_client: connect: %s\n", dipc_client_strerror(rte_errno));
		rte_eal_cleanup();
		return 3;
	}

	start = rte_rdtsc();
	for (n = 0; n < o.count; n++) {
		ret = echo_once(c, &o, (uint32_t)n);
		if (ret == 1) {
			status = 1;
			continue;
		}
		if (ret < 0) {
			/* The server went away (ESHUTDOWN, ECONNRESET, EHOSTDOWN)
			 * or did not answer in time (ETIMEDOUT). */
			status = ret == -ETIMEDOUT || ret == -ENOSPC || ret == -ENOBUFS ? 1 : 4;
			break;
		}
	}
	cycles = rte_rdtsc() - start;
	if (n != 0)
		printf("echo_client: %lu echoes of %u bytes, %s, %.1f us per round trip\n", n,
		       o.size, status == 0 ? "all matched" : "NOT all matched",
		       (double)cycles * 1e6 / (double)rte_get_tsc_hz() / (double)n);

	dipc_client_close(c);
	rte_eal_cleanup();
	return status;
}
