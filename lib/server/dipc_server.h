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
	/** Answer: with the request rewritten in place (dipc_server_msg.rsp_len
	 *  bytes of body), or with the message in dipc_server_msg.rsp. */
	DIPC_HANDLER_RESPOND = 0,
	/** No answer: the worker frees the request (and any answer built). */
	DIPC_HANDLER_DROP = 2,
};

/**
 * A request as the worker took it from a client's ring, and the handler's
 * answer.
 *
 * A client can still write into an mbuf after it sent it. So before the
 * handler runs, the worker reads what it acts on once (the mbuf's
 * metadata, a chain's segment pointers and lengths, the header), checks
 * it, and keeps the result here, in memory no other process maps. The
 * fields below are those checked copies: use them, not the mbuf's fields
 * or header, which may have changed since. The body's bytes are the
 * client's and may change too: read each byte you act on once (copy it
 * out, e.g. with dipc_server_msg_read()), and check what you read.
 *
 * To answer in place, write the answer's body over the request's at
 * @c body (at most @c room bytes), set @c rsp_len (and @c rsp_flags and
 * @c rsp_csum if the body is sealed) and return DIPC_HANDLER_RESPOND. The
 * worker writes the header (response flags, method, stream id, length)
 * and the mbuf's lengths from its own copies. @c rsp_len starts as
 * @c body_len: returning DIPC_HANDLER_RESPOND unchanged echoes the
 * request, also a chain. To answer with another message (larger than the
 * request's first segment, or a chain), build it with
 * dipc_server_rsp_alloc() and fill it; the worker frees the request.
 *
 * Do not free the request or an answer built with dipc_server_rsp_alloc(),
 * and do not keep them: the worker owns both, and takes them back or
 * sends them when the handler returns.
 */
struct dipc_server_msg {
	/* The request, checked; read-only for handlers. */
	uint16_t method;         /**< method id */
	uint8_t flags;           /**< DIPC_MSG_F_* of the request */
	uint8_t nb_segs;         /**< 1, or the segments of a chain */
	uint32_t stream_id;      /**< stream id, echoed by the answer */
	uint32_t csum;           /**< the header's csum field (see DIPC_MSG_F_CSUM) */
	uint32_t body_len;       /**< body bytes, in all segments */
	uint32_t seg_len;        /**< body bytes in the first segment */
	uint32_t room;           /**< most body bytes an answer in place can have */
	uint8_t *body;           /**< the body's first byte, in the first segment */
	/** The first segment; for dipc_capture and identification only: its
	 *  fields are not to be trusted (see above). */
	struct rte_mbuf *mbuf;
	/* The answer, set by the handler. */
	uint32_t rsp_len;        /**< body bytes of the answer; starts as body_len */
	uint32_t rsp_csum;       /**< the answer's csum field */
	uint8_t rsp_flags;       /**< DIPC_MSG_F_CSUM, DIPC_MSG_F_COMPRESSED of the answer */
	/** The answer built by dipc_server_rsp_alloc(), or NULL: in place. */
	struct rte_mbuf *rsp;
	/* Private to the worker. */
	void *worker_;           /**< @internal */
	uint16_t index_;         /**< @internal the message's place in its burst */
	uint16_t data_off_;      /**< @internal the first segment's data offset */
	uint8_t cls_;            /**< @internal size class of the first segment */
	uint8_t status_;         /**< @internal what the transport's checks found */
};

/**
 * A method handler, run on a worker lcore for each valid request.
 *
 * It must not block (no system call, no lock another lcore may hold long).
 *
 * @param msg
 *   The request, and where to put the answer: see struct dipc_server_msg.
 * @param arg
 *   The argument given to dipc_server_register().
 * @return
 *   DIPC_HANDLER_RESPOND or DIPC_HANDLER_DROP, or an enum dipc_status
 *   negated: the worker answers with that error (an empty body, the
 *   DIPC_MSG_F_ERROR flag) and frees any answer built. Any other value,
 *   and DIPC_STATUS_TIMED_OUT (the client library's own), is answered
 *   DIPC_STATUS_UNKNOWN_METHOD.
 */
typedef int (*dipc_server_handler_t)(struct dipc_server_msg *msg, void *arg);

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
 * Register a handler for a method. Echo and sink are built in, and can be
 * replaced.
 *
 * @return
 *   0, or -EINVAL for method 0 or above DIPC_SERVER_MAX_METHOD or a NULL
 *   @p fn, or -EBUSY once the server runs.
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
 * Build the answer to @p msg in a new message with a body of @p body_len
 * bytes, from its handler (on a worker lcore): one segment of the smallest
 * size class that holds it, or a chain laid out as
 * dipc_client_msg_alloc_chain() does. Fill the body with
 * dipc_server_rsp_write(); the worker writes the header when it sends it.
 * No system call, no lock: mempool gets on the lcore's cache. Called
 * again, it frees the answer it built before.
 *
 * @param msg
 *   The request being handled; msg->rsp and msg->rsp_len are set.
 * @param body_len
 *   Body length, at most dipc_server_max_chain_body().
 * @return
 *   The answer's first segment, or NULL if @p body_len is too large or a
 *   pool ran short (answer with an error, or in place).
 */
struct rte_mbuf *dipc_server_rsp_alloc(struct dipc_server_msg *msg, uint32_t body_len);

/**
 * Copy body bytes of the answer built by dipc_server_rsp_alloc(), across
 * its segments.
 *
 * @return
 *   0, or -EINVAL if there is no such answer or [@p off, @p off + @p len)
 *   is not inside its body.
 */
int dipc_server_rsp_write(struct dipc_server_msg *msg, uint32_t off, const void *src,
			  uint32_t len);

/**
 * Copy body bytes of the request out, across the segments of a chain (from
 * the worker's private list of them, not from their next pointers).
 *
 * @return
 *   0, or -EINVAL if [@p off, @p off + @p len) is not inside the body.
 */
int dipc_server_msg_read(const struct dipc_server_msg *msg, uint32_t off, uint32_t len,
			 void *dst);

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
 * wait in their rings). Exact once
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
 * Finish what a stopped server has open outside DPDK memory: complete a
 * running capture (its file is written out), close the admission socket
 * and the connections' descriptors. Enough for an application that exits
 * next and leaves DPDK memory to the kernel, as dipc-server does;
 * dipc_server_free() calls it too. Calling it again does nothing.
 * Workers must have stopped (dipc_server_run() has returned).
 */
void dipc_server_close(struct dipc_server *s);

/**
 * Free every shared object the server created, after dipc_server_close().
 * Workers must have stopped.
 */
void dipc_server_free(struct dipc_server *s);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_SERVER_H */
