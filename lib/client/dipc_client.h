/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CLIENT_H
#define DIPC_CLIENT_H

/**
 * @file
 * dipc client API.
 *
 * A client is a DPDK secondary process attached to a running dipc-server.
 * The usual sequence is:
 * @code
 *   dipc_client_eal_init(argc, argv);          // secondary, with defaults
 *   c = dipc_client_connect(1000);             // a slot and its ring pair
 *   m = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, len);
 *   memcpy(dipc_msg_body(m), data, len);
 *   dipc_client_call(c, m, &rsp, 1000);        // or send_burst/recv_burst
 *   dipc_client_msg_free(c, rsp);
 *   dipc_client_close(c);
 * @endcode
 *
 * Errors: functions returning int return 0 (or a count) on success and a
 * negative errno on failure; functions returning a pointer return NULL and
 * set rte_errno. The errno values that name a dipc condition are:
 * - ECONNREFUSED: no server is running (no primary on the file prefix);
 * - ESHUTDOWN: the server is shutting down or has stopped;
 * - ECONNRESET: the server died or was restarted (pid gone, epoch
 *   changed), or took the connection back;
 * - EHOSTDOWN: the server stopped responding (no heartbeat for two of its
 *   periods, and the connection's worker stopped polling too);
 * - EBUSY: every connection slot is taken;
 * - EPROTONOSUPPORT: the server does not speak this protocol version;
 * - EACCES: the server refused the token;
 * - ENOBUFS: no free mbuf for this connection right now;
 * - ETIMEDOUT: no answer within the timeout. Every wait looks once more
 *   after its deadline before it gives up, so an answer that came while the
 *   caller was off the CPU is taken, not reported late.
 * dipc_client_strerror() describes each of them in dipc's terms. The
 * library prints nothing: it logs through the DPDK logtype dipc.client
 * (reasons behind returned errors at DEBUG).
 *
 * Remote clients: a process on another host than the server uses the same
 * API through the eth transport: it starts DPDK with
 * dipc_client_eal_init_remote() (its own primary, with an ethdev port)
 * and connects with dipc_client_connect_opts(), opts.transport
 * DIPC_CLIENT_TRANSPORT_ETH and the peer's address. The notes on mbufs
 * and system calls below are the ring transport's; the eth transport's
 * mbufs are its own pools' (nothing is lent), its calls poll the port,
 * and a request whose answer is late is sent again (see struct
 * dipc_client_opts). The other errno values it reports: ENODEV (no such
 * port, or it would not start), ENETDOWN (no link), EHOSTUNREACH (the
 * peer does not answer ARP).
 *
 * Threading: a struct dipc_client is used by one thread at a time; the
 * eth connections of one process share its port, so they are used by one
 * thread at a time together.
 *
 * Mbufs: a client never takes from or puts into the shared mbuf pools
 * itself, and uses no mempool cache. The server lends each connection
 * mbufs and takes them back (dipc_client_msg_free() keeps them for the
 * connection's next allocations, or gives them back), so it always knows
 * which mbufs a connection holds and takes every one of them back when the
 * connection closes or its process dies. Free a connection's mbufs with
 * dipc_client_msg_free(), never with rte_pktmbuf_free(): see
 * dipc_client_msg_free() for what happens if you do.
 *
 * System calls: dipc_client_send_burst(), dipc_client_recv_burst()
 * (inline, as rte_ring's are), the allocation functions (except
 * dipc_client_msg_alloc_wait()) and dipc_client_msg_free() make no system
 * call, take no lock and never wait. dipc_client_check() reads the clock
 * (vDSO) and, at most once a millisecond, calls kill(pid, 0) to see that
 * the server lives. dipc_client_call() and dipc_client_msg_alloc_wait()
 * spin, then yield the CPU (sched_yield) while they wait.
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dipc_client_core.h"
#include "dipc_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dipc_client;

/**
 * Initialise DPDK's EAL as a secondary process with dipc's defaults.
 *
 * The defaults are: --proc-type=secondary, --file-prefix=dipc, --no-pci,
 * --no-telemetry, a quiet EAL log, and an lcore id no dipc server uses,
 * mapped to the CPUs the process may already run on. Any of these given in
 * @p argv replaces the default. With -h or --help among the EAL arguments,
 * rte_eal_init() prints EAL's usage, then the application's (set it first
 * with rte_set_application_usage_hook()), and exits with status 0, whether
 * or not a server runs.
 *
 * @param argc
 *   Number of EAL arguments in @p argv (argv[0] is the program name).
 * @param argv
 *   EAL arguments, as for rte_eal_init(); may stop at "--".
 * @return
 *   The number of arguments consumed (as rte_eal_init()), or a negative errno:
 *   - -ECONNREFUSED: no dipc server runs on that file prefix;
 *   - -EINVAL: a bad EAL argument;
 *   - -EALREADY: EAL is already initialised;
 *   - another negative errno reported by EAL.
 */
int dipc_client_eal_init(int argc, char **argv);

/**
 * Initialise DPDK's EAL for a remote client: a process on another host
 * than the server, its own DPDK primary, that reaches the server through
 * an ethdev port (connect with DIPC_CLIENT_TRANSPORT_ETH).
 *
 * The defaults are: --proc-type=primary, --in-memory (no files shared
 * with any other process; --no-shconf with --no-huge), --no-telemetry, a quiet EAL log, and lcore 0
 * mapped to the CPUs the process may already run on. Any of these given
 * in @p argv replaces the default. Name the port as EAL does: a PCI
 * device (-a), or a vdev (--vdev=net_memif0,role=client, for instance);
 * --no-huge runs without hugepages (a vdev such as net_memif or
 * net_af_packet needs none).
 *
 * @return
 *   As dipc_client_eal_init(), without ECONNREFUSED (no local server is
 *   needed).
 */
int dipc_client_eal_init_remote(int argc, char **argv);

/** The shared-memory ring transport: a server on this host (the default). */
#define DIPC_CLIENT_TRANSPORT_RING 0
/** The eth transport: a server on another host, through an ethdev port. */
#define DIPC_CLIENT_TRANSPORT_ETH 1

/** What a client asks for when it connects; zero fields take the defaults. */
struct dipc_client_opts {
	/** How long to wait for admission, in ms; 0 = 1000. */
	unsigned int timeout_ms;
	/**
	 * Most messages (mbufs) the connection may hold at once: in flight,
	 * unread or in the caller's hands. The server grants at most its
	 * conn_mbufs; 0 asks for that.
	 */
	uint32_t window;
	/** Ring depth wanted; the server grants at most its ring size - 1; 0 = that. */
	uint32_t depth;
	/**
	 * File holding the server's token (see dipc_token.h), if it requires
	 * one; NULL = the DIPC_TOKEN_FILE environment variable, if set.
	 */
	const char *token_file;
	/** DIPC_CLIENT_TRANSPORT_RING (0) or DIPC_CLIENT_TRANSPORT_ETH. */
	uint32_t transport;
	/**
	 * eth: the server's address, "A.B.C.D" or "A.B.C.D:PORT" (UDP port,
	 * default 7117). Required for eth; ignored by the ring transport.
	 */
	const char *peer;
	/** eth: this host's IPv4 address on the port, "A.B.C.D". Required. */
	const char *local_ip;
	/**
	 * eth: the ethdev port, by name ("net_memif0", a PCI address) or
	 * number ("0"); NULL: the only port there is.
	 */
	const char *port;
	/** eth: this side's UDP port; 0 = 7118. All eth connections of a
	 *  process share the first one's. */
	uint16_t local_udp_port;
	/** eth: IP MTU of the port, 0 = 1500; the first connection's holds. */
	uint16_t mtu;
	/**
	 * eth: a request not answered after this many ms is sent again (same
	 * stream id: the server runs it once and answers again); each retry
	 * waits twice as long, up to a second. 0 = 20 ms.
	 */
	uint32_t retry_ms;
	/**
	 * eth: a request not answered after this many ms is given up: it
	 * comes back as a DIPC_STATUS_TIMED_OUT error response
	 * (dipc_client_recv_burst()), and its answer, if it comes later, is
	 * dropped; 0 = 10000. dipc_client_call() gives up at its own timeout
	 * when that is shorter.
	 */
	uint32_t request_timeout_ms;
};

/**
 * Connect to the server with options: claim a slot, present the pid,
 * protocol version range, window, depth and token proof, and wait for the
 * control lcore's decision.
 *
 * @param opts
 *   What to ask for; NULL for all defaults.
 * @return
 *   A connection, or NULL with rte_errno set to:
 *   - ECONNREFUSED: no dipc server runs;
 *   - ESHUTDOWN: the server is shutting down;
 *   - ECONNRESET: the server died;
 *   - EBUSY: no free connection (pool exhausted);
 *   - EPROTONOSUPPORT: no protocol version in common;
 *   - EACCES: the server refused the token (or none was given);
 *   - ETIMEDOUT, ENOMEM, EPROTO (the shared memory is not a dipc
 *     server's), EINVAL (EAL is not initialised: call
 *     dipc_client_eal_init() first; an unknown transport; eth without
 *     peer or local_ip, or with one that is not an address), or the errno
 *     of reading the token file;
 *   - eth only: ENODEV, ENETDOWN, EHOSTUNREACH (see above), EPROTO (a
 *     WELCOME without the server's proof of the token).
 */
struct dipc_client *dipc_client_connect_opts(const struct dipc_client_opts *opts);

/**
 * Connect with the default options and @p timeout_ms; see
 * dipc_client_connect_opts().
 */
struct dipc_client *dipc_client_connect(unsigned int timeout_ms);

/** Most mbufs the server lets this connection hold (the granted window). */
uint32_t dipc_client_window(const struct dipc_client *c);

/** Usable entries of each of the connection's rings (the granted depth). */
uint32_t dipc_client_depth(const struct dipc_client *c);

/**
 * Close a connection and hand the slot back.
 *
 * Every mbuf of the connection goes back to the pool when the server takes
 * the slot back: free ones, responses not yet received, and any the caller
 * still holds, which it must not touch afterwards. @p c is invalid
 * afterwards. Mbufs this process freed with rte_pktmbuf_free() by mistake
 * are handed back first (see dipc_client_msg_free()).
 *
 * @return
 *   0, or -EINVAL if @p c is NULL.
 */
int dipc_client_close(struct dipc_client *c);

/**
 * Allocate a request message with its header written; never waits.
 *
 * The stream id is the next one of this connection (see
 * dipc_client_msg_stream_id()). The body is left for the caller to fill
 * through dipc_msg_body().
 *
 * The mbufs of a connection are lent to it by the server, up to the
 * server's conn_mbufs: a message belongs to the connection it was
 * allocated on (or received on), and is sent or freed there only.
 *
 * The mbuf is of the smallest size class whose data room holds the header
 * and @p body_len bytes, so the message is one contiguous segment: write
 * the body through dipc_msg_body(). Class 0 mbufs come from the
 * connection's stash, which the server fills (16 at admission, more as the
 * connection asks); a larger class's are lent on demand.
 *
 * This call never waits, as rte_pktmbuf_alloc() does not: when the stash
 * holds no mbuf of the class, it asks the server for more (without
 * waiting for them) and fails with ENOBUFS at once. The first allocation
 * of a larger class therefore fails until the server has answered. Retry
 * later (after receiving, for instance), or call
 * dipc_client_msg_alloc_wait(), which waits up to a timeout.
 *
 * @param c
 *   The connection.
 * @param method
 *   The method to call.
 * @param body_len
 *   Body length in bytes.
 * @return
 *   The mbuf, or NULL with rte_errno set: ENOBUFS if the connection has no
 *   free mbuf of the class right now (conn_mbufs of them are in flight or
 *   in the caller's hands, or the server has not lent more yet), ENOSPC if
 *   the body does not fit one mbuf of the largest class (see
 *   dipc_client_max_body(); use dipc_client_msg_alloc_chain()).
 */
struct rte_mbuf *dipc_client_msg_alloc(struct dipc_client *c, uint16_t method,
				       uint32_t body_len);

/**
 * Allocate a request of any body length, waiting up to @p timeout_ms for
 * the server to lend the mbufs it needs.
 *
 * The message is laid out as dipc_client_msg_alloc_chain() does: one
 * segment of the class that fits, or a chain. While the connection lacks
 * mbufs it asks the server, spins, then yields the CPU, and checks that
 * the server is still there (dipc_client_check()).
 *
 * @param c
 *   The connection.
 * @param method
 *   The method to call.
 * @param body_len
 *   Body length in bytes, up to dipc_client_max_chain_body().
 * @param flags
 *   0, or DIPC_MSG_F_ONEWAY.
 * @param timeout_ms
 *   Longest wait.
 * @return
 *   The message, or NULL with rte_errno set:
 *   - ENOBUFS at once if waiting cannot help: the connection's window is in
 *     the caller's hands (free or receive messages first), or the server
 *     refused to lend more (the window is in flight, or its pool is short);
 *   - ETIMEDOUT if the mbufs did not come within @p timeout_ms;
 *   - ESHUTDOWN, ECONNRESET or EHOSTDOWN if the server went away;
 *   - ENOSPC above dipc_client_max_chain_body(), EINVAL for other flags.
 */
struct rte_mbuf *dipc_client_msg_alloc_wait(struct dipc_client *c, uint16_t method,
					    uint32_t body_len, unsigned int flags,
					    unsigned int timeout_ms);

/**
 * Allocate a request of any body length up to dipc_client_max_chain_body().
 *
 * A body that fits one mbuf of the largest class is one segment, as
 * dipc_client_msg_alloc() gives. A larger one is a chain: the first
 * segment holds the header and the start of the body, each further
 * segment the next part, every segment but the last of the largest class
 * and filled to its data room (so the layout is predictable: see
 * docs/DESIGN-NOTES.md, "Size classes and chains"). nb_segs, pkt_len and
 * every data_len are set; write the body with dipc_codec_mbuf_copy_in()
 * (dipc_codec_mbuf.h), which works on one segment as well. Send it with
 * dipc_client_send_burst() or dipc_client_call() like any request; free
 * it with dipc_client_msg_free(). It holds one mbuf of the connection's
 * window per segment.
 *
 * @param c
 *   The connection.
 * @param method
 *   The method to call.
 * @param body_len
 *   Body length in bytes.
 * @param flags
 *   0, or DIPC_MSG_F_ONEWAY.
 * Never waits, as dipc_client_msg_alloc(): a chain needs several mbufs
 * of the largest class, which the server lends on demand, so the first
 * attempt usually fails with ENOBUFS; dipc_client_msg_alloc_wait() waits
 * for them.
 *
 * @return
 *   The message (head segment), or NULL with rte_errno set: ENOSPC above
 *   dipc_client_max_chain_body(), ENOBUFS as dipc_client_msg_alloc() (the
 *   connection does not hold every segment right now: none is taken),
 *   EINVAL for other flags.
 */
struct rte_mbuf *dipc_client_msg_alloc_chain(struct dipc_client *c, uint16_t method,
					     uint32_t body_len, unsigned int flags);

/**
 * Allocate a one-way request (DIPC_MSG_F_ONEWAY): no response will come.
 *
 * @return
 *   As dipc_client_msg_alloc().
 */
struct rte_mbuf *dipc_client_msg_alloc_oneway(struct dipc_client *c, uint16_t method,
					      uint32_t body_len);

/**
 * Allocate @p n requests at once, all or none, headers written, all of the
 * size class that fits @p body_len (one segment each, as
 * dipc_client_msg_alloc()).
 *
 * Each gets the next stream id in turn. Cheaper per message than
 * dipc_client_msg_alloc(): one trip to the connection's free mbufs for the
 * lot. Never waits, as dipc_client_msg_alloc().
 *
 * @param c
 *   The connection.
 * @param[out] m
 *   Array of at least @p n entries.
 * @param n
 *   Number of requests.
 * @param method
 *   Method id of all of them.
 * @param body_len
 *   Body length of all of them.
 * @param flags
 *   0, or DIPC_MSG_F_ONEWAY.
 * @return
 *   0; -ENOBUFS if the connection has not @p n free mbufs right now (see
 *   dipc_client_msg_alloc()); -ENOSPC if the body
 *   does not fit one mbuf of the largest class; -EINVAL for other flags.
 */
int dipc_client_msg_alloc_bulk(struct dipc_client *c, struct rte_mbuf **m, unsigned int n,
			       uint16_t method, uint32_t body_len, unsigned int flags);

/**
 * Free a message of this connection (a request not sent, or a response),
 * one segment or a chain: each segment is kept for the connection's next
 * alloc of its class, or given back to the server.
 *
 * Use this, never rte_pktmbuf_free(), on a connection's mbufs: the server
 * lent them to the connection and takes every one back when it closes or
 * dies. rte_pktmbuf_free() would put the mbuf straight into the shared pool
 * while the server still counts it lent, and the server would put it in
 * the pool a second time at close. The library catches that mistake and
 * makes it safe where it can: an mbuf freed with rte_pktmbuf_free() on the
 * thread's own lcore lands in that lcore's mempool cache, which no dipc
 * process uses; the next refill of an allocation, dipc_client_check(),
 * dipc_client_call() or dipc_client_close() finds it there, hands it back to
 * the server, which takes it back once (it checks who holds each mbuf),
 * and logs an error (logtype dipc.client) naming the mistake. Not caught:
 * more than the cache's flush threshold (1.5 x the server's mbuf_cache,
 * 384 by default) such frees between two of those calls, a bulk free of
 * more than that at once, a free from a thread without an lcore id, or any
 * free when the server runs with mbuf_cache 0 (no caches at all); those
 * mbufs reach the pool itself and would be counted twice. The check runs
 * only on the lcore ids dipc_client_eal_init() picks (the top 32), which
 * no server uses.
 */
void dipc_client_msg_free(struct dipc_client *c, struct rte_mbuf *m);

/**
 * Free several messages of this connection, as dipc_client_msg_free().
 */
void dipc_client_msg_free_bulk(struct dipc_client *c, struct rte_mbuf **m, unsigned int n);

/**
 * Largest body one segment can carry: that of the largest size class.
 * A message up to this is contiguous and read in place.
 */
uint32_t dipc_client_max_body(const struct dipc_client *c);

/**
 * Largest body a message can carry as a chain: DIPC_MSG_MAX_SEGS segments
 * of the largest class (fewer if the granted window is smaller), less the
 * header.
 */
uint32_t dipc_client_max_chain_body(const struct dipc_client *c);

/** Number of size classes the server offers (1..DIPC_MAX_CLASSES). */
unsigned int dipc_client_nb_classes(const struct dipc_client *c);

/**
 * Largest body one mbuf of size class @p cls holds (data room less the
 * headroom and the header); 0 if there is no such class. Class 0's is the
 * small-message size: a body up to it takes the fast path.
 */
uint32_t dipc_client_class_max_body(const struct dipc_client *c, unsigned int cls);

/**
 * @internal Send, when chains are in the caller's hands: counts segments.
 */
uint16_t __dipc_client_send_chains(struct dipc_client *c, struct rte_mbuf **m, uint16_t n);

/**
 * @internal Receive on a connection of another transport than the ring.
 */
uint16_t __dipc_client_recv_ops(struct dipc_client *c, struct rte_mbuf **m, uint16_t n);

/**
 * Send up to @p n requests.
 *
 * Inline: an SP enqueue on the connection's request ring and two counter
 * updates; no system call, no lock, never waits.
 *
 * @param c
 *   The connection.
 * @param m
 *   Requests of this connection (one segment or chains).
 * @param n
 *   Number of requests.
 * @return
 *   Number sent (0..n); the caller still owns the mbufs not sent (the
 *   request ring is full: back off and retry, or free them).
 */
static __rte_always_inline uint16_t
dipc_client_send_burst(struct dipc_client *c, struct rte_mbuf **m, uint16_t n)
{
	struct dipc_client_core *k = (struct dipc_client_core *)c;
	uint16_t sent;

	/* Chains in the caller's hands, or another transport than the ring. */
	if (unlikely(k->chains_out != 0 || k->ops != NULL))
		return __dipc_client_send_chains(c, m, n);
	/* One mbuf each: nothing of the caller's mbufs is read. */
	sent = (uint16_t)rte_ring_sp_enqueue_burst(k->req, (void **)m, n, NULL);
	k->held -= RTE_MIN((uint32_t)sent, k->held);
	*k->tx_msgs += sent;
	return sent;
}

/**
 * Receive up to @p n responses, in the order the server sent them.
 *
 * Inline: an SC dequeue on the connection's response ring; no system
 * call, no lock, never waits. Responses to different streams may come back
 * in any order; match them by dipc_msg_hdr(m)->stream_id. The caller owns
 * the mbufs received (free them with dipc_client_msg_free()). A response
 * may be a chain (rte_pktmbuf_is_contiguous() is false): read its body
 * with dipc_codec_mbuf_copy_out() or dipc_codec_mbuf_read().
 *
 * Over the eth transport, a request the library gives up (no answer
 * within request_timeout_ms, retries included) comes back here too, as an
 * error response made by the library: its stream id and method, no body,
 * DIPC_MSG_F_ERROR and status DIPC_STATUS_TIMED_OUT (the request may or
 * may not have run). So every request sent ends in one response.
 *
 * @param c
 *   The connection.
 * @param[out] m
 *   Array of at least @p n entries.
 * @param n
 *   Most responses to take.
 * @return
 *   Number received (0..n).
 */
static __rte_always_inline uint16_t
dipc_client_recv_burst(struct dipc_client *c, struct rte_mbuf **m, uint16_t n)
{
	struct dipc_client_core *k = (struct dipc_client_core *)c;
	uint32_t segs = 0, chains = 0;
	uint16_t got, i;

	if (unlikely(k->ops != NULL))
		return __dipc_client_recv_ops(c, m, n);
	got = (uint16_t)rte_ring_sc_dequeue_burst(k->rsp, (void **)m, n, NULL);

	/* The first cache line of each, which the caller reads next anyway. */
	for (i = 0; i < got; i++) {
		segs += m[i]->nb_segs;
		chains += m[i]->nb_segs > 1;
	}
	k->held += segs;
	k->chains_out += chains;
	*k->rx_msgs += got;
	return got;
}

/**
 * Call a method and wait for its response.
 *
 * Sends @p req (ownership passes to the library whatever the result) and
 * waits for the response with the same stream id. Responses to other
 * streams that arrive meanwhile (late answers to earlier calls that timed
 * out) are freed.
 *
 * @param c
 *   The connection.
 * @param req
 *   A request from dipc_client_msg_alloc().
 * @param[out] rsp
 *   The response; the caller frees it. A DIPC_MSG_F_ERROR response is
 *   returned here too, with the result 0: read its status.
 * @param timeout_ms
 *   How long to wait.
 * @return
 *   0, or -ETIMEDOUT (no answer within @p timeout_ms, or the transport
 *   gave the request up: DIPC_STATUS_TIMED_OUT), -ESHUTDOWN, -ECONNRESET, -EHOSTDOWN (see
 *   dipc_client_check()), -EPROTO (a malformed response), -EINVAL.
 */
int dipc_client_call(struct dipc_client *c, struct rte_mbuf *req, struct rte_mbuf **rsp,
		     unsigned int timeout_ms);

/**
 * Check that the server is still there to answer.
 *
 * Reads the shared state, publishes this client's heartbeat and, at most
 * once a millisecond, checks that the server process is alive (kill(pid,
 * 0)). Call it when a receive loop comes back empty.
 *
 * @return
 *   0 if the server is running, -ESHUTDOWN if it is stopping or stopped,
 *   -ECONNRESET if it died, was replaced or took this connection back,
 *   -EHOSTDOWN if its heartbeat is older than two of its periods and the
 *   connection's worker has not polled for two periods either (stopped or
 *   wedged; found within two to four periods). A late heartbeat alone is
 *   a control lcore kept off its CPU, and the worker still serves.
 */
int dipc_client_check(struct dipc_client *c);

/** What a connection has done, as its library counted it. */
struct dipc_client_stats {
	uint64_t tx_msgs;      /**< requests sent */
	uint64_t rx_msgs;      /**< responses received */
	uint64_t resent;       /**< eth: requests sent again (no answer in time) */
	uint64_t given_up;     /**< eth: requests given up (request_timeout_ms) */
	uint64_t late_answers; /**< eth: answers dropped: answered already, or given up */
	uint64_t tx_lost;      /**< eth: messages the port would not take, with its
				*   backlog full (sent again later if they were
				*   requests) */
};

/**
 * Read a connection's counters.
 *
 * @param c
 *   The connection.
 * @param[out] st
 *   The counters (the eth ones 0 on the ring transport).
 * @return
 *   0, or -EINVAL if an argument is NULL.
 */
int dipc_client_stats(const struct dipc_client *c, struct dipc_client_stats *st);

/**
 * Stream id the next allocated request will carry.
 */
uint32_t dipc_client_msg_stream_id(const struct dipc_client *c);

/**
 * Slot index of the connection in the server's table.
 */
unsigned int dipc_client_slot(const struct dipc_client *c);

/**
 * Describe an error code in dipc's terms.
 *
 * @param err
 *   An errno value, positive or negative.
 * @return
 *   A constant string, e.g. "no dipc server is running (is dipc-server
 *   started with the same --file-prefix?)" for ECONNREFUSED.
 */
const char *dipc_client_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CLIENT_H */
