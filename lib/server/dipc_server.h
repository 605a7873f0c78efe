/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SERVER_H
#define DIPC_SERVER_H

/**
 * @file
 * dipc server: the DPDK primary side. Any application can be a dipc server
 * by linking this library after rte_eal_init() as a primary:
 * @code
 *   s = dipc_server_create(&cfg);   // memzone, pool, rings, workers' state
 *   dipc_server_run(s);             // control loop on this lcore until stopped
 *   dipc_server_free(s);
 * @endcode
 * The lcore that calls dipc_server_run() is the control lcore (admission,
 * closing); every other lcore given to EAL (or the first cfg->workers of
 * them) is a worker lcore that polls the connections it owns.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dipc_config.h"
#include "dipc_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dipc_server;

/** What a handler did with a request. */
enum dipc_handler_result {
	DIPC_HANDLER_RESPOND = 0, /**< the mbuf now holds the response: send it */
	DIPC_HANDLER_CONSUMED = 1, /**< the handler kept or freed the mbuf */
	DIPC_HANDLER_DROP = 2,     /**< no answer: the worker frees the mbuf (in bulk) */
};

/**
 * A method handler, run on a worker lcore for each valid request.
 *
 * It must not block. To answer, it rewrites the request in place into the
 * response (dipc_msg_hdr() flags, body) and returns DIPC_HANDLER_RESPOND.
 * A negative return is an enum dipc_status negated: the worker answers
 * with that error.
 */
typedef int (*dipc_server_handler_t)(struct rte_mbuf *m, void *arg);

/**
 * A method handler that may answer with a different message than the
 * request (a response larger than the request's mbuf, or a chain), run
 * like dipc_server_handler_t. @p *m is the request, one segment or a chain
 * whose every segment the worker took back and checked. To answer with
 * another message, build it with dipc_server_rsp_alloc(), free the request
 * (rte_pktmbuf_free()) and store the response in @p *m before returning
 * DIPC_HANDLER_RESPOND. For the other results, *m is what the worker
 * drops (DIPC_HANDLER_DROP, freed whole), forgets (CONSUMED) or answers
 * with the error (a negated enum dipc_status: *m must then be a message
 * the server holds, e.g. the request).
 */
typedef int (*dipc_server_handler_ex_t)(struct dipc_server *s, struct rte_mbuf **m, void *arg);

/** Highest method id a handler can be registered for. */
#define DIPC_SERVER_MAX_METHOD 255

/**
 * A report hook: writes a few more lines into dipc_server_dump() (on the
 * control lcore, while workers run: read counters, do not lock).
 */
typedef void (*dipc_server_report_t)(FILE *f, void *arg);

/**
 * Create the server's shared objects (primary process only).
 *
 * @param cfg
 *   Validated configuration (copied).
 * @return
 *   The server, or NULL with rte_errno set: EINVAL (no worker lcore, bad
 *   config), EEXIST (a dipc memzone already exists), ENOMEM, or another
 *   errno from the memzone, mempool or ring creation.
 */
struct dipc_server *dipc_server_create(const struct dipc_server_config *cfg);

/**
 * Register a handler for a method. Echo and sink are built in.
 *
 * @return
 *   0, or -EINVAL for method 0 or above DIPC_SERVER_MAX_METHOD, or
 *   -EBUSY once the server runs.
 */
int dipc_server_register(struct dipc_server *s, uint16_t method, dipc_server_handler_t fn,
			 void *arg);

/**
 * Add lines to the report (dipc_server_dump(), SIGUSR1 in dipc-server):
 * a service's counters. One hook; a second call replaces the first.
 *
 * @return
 *   0, or -EBUSY once the server runs.
 */
int dipc_server_set_report(struct dipc_server *s, dipc_server_report_t fn, void *arg);

/**
 * The RCU variable (rte_rcu_qsbr) the worker lcores report to: each
 * worker reports a quiescent state between two passes over its
 * connections, never while a handler runs. A handler that unlinks an
 * object other handlers may be reading (an old value of a key) can free it
 * once a grace period has passed: rte_rcu_qsbr_start() then
 * rte_rcu_qsbr_check(), or an rte_rcu_qsbr_dq defer queue on this
 * variable. Its threads are the workers, 0..dipc_server_nb_workers() - 1.
 */
struct rte_rcu_qsbr *dipc_server_rcu(struct dipc_server *s);

/**
 * Register a handler that may replace the request with another message;
 * see dipc_server_handler_ex_t and dipc_server_register().
 *
 * @return
 *   0, or -EINVAL for method 0 or above DIPC_SERVER_MAX_METHOD or a NULL
 *   @p fn, or -EBUSY once the server runs.
 */
int dipc_server_register_ex(struct dipc_server *s, uint16_t method, dipc_server_handler_ex_t fn,
			    void *arg);

/**
 * Allocate a response to @p req with a body of @p body_len bytes, from a
 * worker lcore (in a handler): the header is written (DIPC_MSG_F_RESPONSE,
 * the request's method and stream id), the body is left to fill.
 *
 * The mbuf is of the smallest size class that holds the body in one
 * segment; a body larger than the largest class is a chain laid out as
 * dipc_client_msg_alloc_chain() does (fill it with
 * dipc_codec_mbuf_copy_in()). No system call, no lock: mempool gets on the
 * lcore's cache.
 *
 * @param s
 *   The server (the handler's first argument).
 * @param req
 *   The request answered (its header is read, not changed).
 * @param body_len
 *   Body length, at most dipc_server_max_chain_body().
 * @return
 *   The response, or NULL if @p body_len is too large or a pool ran short
 *   (answer with an error, or drop).
 */
struct rte_mbuf *dipc_server_rsp_alloc(struct dipc_server *s, const struct rte_mbuf *req,
				       uint32_t body_len);

/** Largest body in one segment: that of the largest size class. */
uint32_t dipc_server_max_body(const struct dipc_server *s);

/** Largest body of a chain: DIPC_MSG_MAX_SEGS segments of the largest class. */
uint32_t dipc_server_max_chain_body(const struct dipc_server *s);

/**
 * Run: launch the workers, admit clients and serve until dipc_server_stop();
 * then stop admitting, let the workers drain, mark the shared state
 * stopped, wait (up to drain_ms) for clients to close and reclaim their
 * slots.
 *
 * @return
 *   0, or a negative errno if workers could not be launched.
 */
int dipc_server_run(struct dipc_server *s);

/**
 * Ask a running server to stop. Async-signal-safe: it only sets a flag.
 */
void dipc_server_stop(struct dipc_server *s);

/**
 * Ask a running server to print dipc_server_dump() to stdout on the
 * control lcore's next pass. Async-signal-safe: it only sets a flag
 * (dipc-server calls it on SIGUSR1).
 */
void dipc_server_request_dump(struct dipc_server *s);

/**
 * Mbufs of the pools (every size class) that are not back in them
 * (neither in a pool nor in an lcore cache). 0 after a clean shutdown.
 */
unsigned int dipc_server_mbufs_in_use(const struct dipc_server *s);

/**
 * Mbufs lent to connections still open (their clients hold them, or they
 * wait in their rings), and responses held back for them. Exact once
 * dipc_server_run() has returned; a snapshot while it runs.
 */
unsigned int dipc_server_mbufs_lent(const struct dipc_server *s);

/**
 * Number of worker lcores the server polls with.
 */
unsigned int dipc_server_nb_workers(const struct dipc_server *s);

/**
 * Print a summary of the server's counters.
 */
void dipc_server_dump(FILE *f, const struct dipc_server *s);

/**
 * Free every shared object the server created. Workers must have stopped.
 */
void dipc_server_free(struct dipc_server *s);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_SERVER_H */
