/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CAPTURE_H
#define DIPC_CAPTURE_H

/**
 * @file
 * Message capture (server-internal): mirror the requests and responses of
 * one connection slot, or of all, into a pcapng file written with DPDK's
 * rte_pcapng, while the server runs.
 *
 * Control: the rte_telemetry command /dipc/capture (see dipc_capture.c),
 * or dipc_capture_start() / dipc_capture_stop() from the process itself.
 *
 * Data path: a worker that finds its capture pointer set copies each
 * message it takes or answers into a capture mempool, framed as an
 * Ethernet frame (ethertype DIPC_CAPTURE_ETHERTYPE, the slot in the MAC
 * addresses), and enqueues it on a multi-producer capture ring; a
 * "dipc-capture" control thread dequeues, formats with rte_pcapng_copy()
 * and writes. A full ring or an empty pool drops the copy and counts it:
 * the worker never waits. With capture off the worker pays one load and
 * one branch per received burst, and one branch per message.
 *
 * Frame: dst and src MAC 02:64:69:70:SS:SS for the client of slot SS
 * (big-endian) and 02:64:69:70:ff:ff for the server (slot numbers stop at
 * 65533): a request goes client -> server, a response server -> client.
 * The pcapng enhanced packet block also carries the direction (inbound for
 * requests, outbound for responses) and the slot as its queue option.
 * tools/dipc.lua decodes it in Wireshark and tshark.
 */

#include <stdint.h>

#include <rte_mbuf.h>

/** Local experimental ethertype (IEEE 802 "Local Experimental Ethertype 1"). */
#define DIPC_CAPTURE_ETHERTYPE 0x88B5
/** Capture every slot. */
#define DIPC_CAPTURE_ALL UINT32_MAX

struct dipc_server;
struct dipc_capture;

/** Direction of a captured message. */
enum dipc_capture_dir {
	DIPC_CAPTURE_REQUEST = 0,  /**< client to server, as taken by the worker */
	DIPC_CAPTURE_RESPONSE = 1, /**< server to client, as about to be sent */
};

/**
 * Copy messages into the capture (worker lcores only).
 *
 * Lock-free, allocation-free and system-call-free: the copies come from
 * the capture mempool (the lcore's cache) and go onto the capture ring; a
 * copy that finds no mbuf or no room is dropped and counted.
 *
 * @param cap
 *   The worker's capture pointer, loaded in the same pass.
 * @param worker
 *   Index of the calling worker (its counters).
 * @param slot
 *   The connection the messages belong to.
 * @param m
 *   Messages the worker owns: taken from the client and checked by
 *   dipc_ring_mbuf_fields_ok(), or responses it is about to send.
 * @param n
 *   How many.
 * @param dir
 *   Requests or responses.
 */
void dipc_capture_msgs(struct dipc_capture *cap, unsigned int worker, uint32_t slot,
		       struct rte_mbuf *const *m, unsigned int n, enum dipc_capture_dir dir);

/**
 * Register the /dipc/capture telemetry command (once per process) and make
 * @p s the server it controls. Called by dipc_server_create().
 *
 * @param s
 *   The server.
 */
void dipc_capture_init(struct dipc_server *s);

/**
 * Stop a capture still running (its file is completed) and detach @p s
 * from the telemetry command. Called by dipc_server_free().
 *
 * @param s
 *   The server.
 */
void dipc_capture_fini(struct dipc_server *s);

/**
 * Start capturing.
 *
 * Any thread but a worker's; serialised with the other capture calls.
 *
 * @param s
 *   The server.
 * @param path
 *   Absolute path of a file that must not exist yet (it is never
 *   overwritten).
 * @param slot
 *   A slot below the server's max_connections, or DIPC_CAPTURE_ALL.
 * @param err
 *   Filled with the reason on failure.
 * @param err_len
 *   Size of @p err.
 * @return
 *   0, or a negative errno (-EBUSY: a capture runs already; -EINVAL: bad
 *   path or slot; the open(2) error; -ENOMEM; -ENODEV: no port for
 *   rte_pcapng).
 */
int dipc_capture_start(struct dipc_server *s, const char *path, uint32_t slot, char *err,
		       size_t err_len);

/** What a capture saw, for dipc_capture_stop() and status. */
struct dipc_capture_stats {
	uint64_t captured; /**< copies enqueued by the workers */
	uint64_t dropped;  /**< copies dropped: no capture mbuf or ring full */
	uint64_t written;  /**< packets written to the file */
	uint64_t failed;   /**< packets that could not be formatted or written */
};

/**
 * Stop capturing: the workers let go, the writer drains the ring into the
 * file, and the file is closed.
 *
 * @param s
 *   The server.
 * @param st
 *   Filled with the final counts (may be NULL).
 * @param err
 *   Filled with the reason on failure.
 * @param err_len
 *   Size of @p err.
 * @return
 *   0, or -ENOENT if no capture runs.
 */
int dipc_capture_stop(struct dipc_server *s, struct dipc_capture_stats *st, char *err,
		      size_t err_len);

#endif /* DIPC_CAPTURE_H */
