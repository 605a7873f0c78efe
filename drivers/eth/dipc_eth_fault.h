/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ETH_FAULT_H
#define DIPC_ETH_FAULT_H

/**
 * @file
 * Fault injection on an ethdev port, for tests of the eth transport on a
 * lossy link: frames dropped, duplicated and reordered at given rates,
 * decided by a seeded generator of the module's own (the same seed, the
 * same frames in the same bursts: the same decisions), never rte_rand().
 *
 * dipc_eth_fault_attach() adds an ethdev RX callback to every receive
 * queue and a TX callback to every transmit queue of a port
 * (rte_eth_add_rx_callback(), rte_eth_add_tx_callback():
 * RTE_ETHDEV_RXTX_CALLBACKS). Each queue's state is its own and only the
 * lcore that polls the queue touches it: no lock, no atomic but the
 * counters' relaxed stores.
 *
 * Receive side: a frame is dropped (freed), or held back and released in
 * a later burst of the same queue (after the frames of the first later
 * burst that brings any, or at the latest DIPC_ETH_FAULT_HOLD_CALLS calls
 * later), and a frame passed on may be followed by a copy of it
 * (rte_pktmbuf_copy() from the frame's own pool: a receiver that knows its
 * pool's mbufs gets only those; the same mbuf is never handed out twice).
 *
 * Transmit side: DPDK's rte_eth_tx_burst() returns what the driver sent,
 * and its caller takes the frames past that count as not sent (it may
 * send them again): a TX callback cannot take a frame out of a burst
 * without the caller losing track of the burst's last frames. So a frame
 * dropped or held back gives its place to a frame waiting to go out (one
 * held back earlier, or a copy), or else to a filler frame: 60 bytes to
 * 01:80:c2:00:00:0e (link-local, never forwarded by a bridge) of
 * EtherType 0x88B5 (local experimental) that a dipc peer drops as
 * `ethertype`. Copies and held frames still waiting go out at the
 * queue's next transmit call, before its burst, through the driver's own
 * burst function (the only use of ethdev's fast-path table,
 * rte_eth_fp_ops, here): a copy or a held frame is so overtaken by the
 * frames sent after it. Copies and fillers come from a pool of the
 * module's own.
 *
 * Spec string (dipc_eth_fault_parse(); the server takes it from the
 * environment variable DIPC_ETH_FAULTS, and so is the client library's
 * eth transport to):
 * @code
 *   loss=1%,dup=0.5%,reorder=1%,seed=42,dir=rx|tx|both
 * @endcode
 * Every key at most once, in any order; rates from 0 to 100% with at most
 * four decimals (a rate of 0 may be written without its '%'); seed a
 * decimal or 0x hexadecimal 64-bit number (default 1); dir rx, tx or both
 * (default both). Anything else is refused with a message that says what.
 *
 * Internal to dipc's own processes (not installed), like the rest of
 * drivers/eth.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Faults on the receive queues. */
#define DIPC_ETH_FAULT_RX 0x1
/** Faults on the transmit queues. */
#define DIPC_ETH_FAULT_TX 0x2

/** Rates are in parts per million: 100% is this. */
#define DIPC_ETH_FAULT_PPM_MAX 1000000u

/** Frames held back per queue at most (beyond: not held). */
#define DIPC_ETH_FAULT_HOLD_MAX 32

/** A frame held back on receive is released at the latest this many
 *  receive calls of its queue later. */
#define DIPC_ETH_FAULT_HOLD_CALLS 64

/** The environment variable the server (and the client library) read. */
#define DIPC_ETH_FAULT_ENV "DIPC_ETH_FAULTS"

/** What to inject: dipc_eth_fault_parse() fills it. */
struct dipc_eth_fault_conf {
	uint32_t loss_ppm;    /**< frames dropped, per million */
	uint32_t dup_ppm;     /**< frames followed by a copy, per million */
	uint32_t reorder_ppm; /**< frames held back, per million */
	uint32_t dir;         /**< DIPC_ETH_FAULT_RX and/or DIPC_ETH_FAULT_TX */
	uint64_t seed;        /**< the generator's seed */
};

/** What the module did on one side (receive or transmit), over all queues. */
struct dipc_eth_fault_stats {
	uint64_t frames;     /**< frames that went through the callbacks */
	uint64_t dropped;    /**< frames dropped */
	uint64_t duplicated; /**< copies made and passed on */
	uint64_t reordered;  /**< frames held back (then released, or freed at detach) */
	uint64_t released;   /**< held frames and copies passed on later */
	uint64_t fillers;    /**< transmit: filler frames sent in place of one dropped */
	uint64_t no_room;    /**< faults not made: no mbuf for a copy or a filler,
			      *   no room to hold a frame (the frame went on as it was) */
	uint64_t held;       /**< frames held now (copies and held frames waiting) */
};

/** The faults attached to one port (opaque). */
struct dipc_eth_fault;

/**
 * Parse a spec string (see the file's comment).
 *
 * @param spec
 *   The string, e.g. "loss=1%,dup=0.5%,seed=7,dir=rx".
 * @param[out] conf
 *   Filled on success; unchanged on error.
 * @param err
 *   A message on error (may be NULL).
 * @param errlen
 *   Its size.
 * @return
 *   0, or -EINVAL (an empty spec or item, an unknown or repeated key, a
 *   rate that is not a percentage from 0 to 100 with at most four
 *   decimals, a seed that is not a 64-bit number, a dir other than rx, tx
 *   or both).
 */
int dipc_eth_fault_parse(const char *spec, struct dipc_eth_fault_conf *conf, char *err,
			 size_t errlen);

/**
 * Attach faults to queues 0..nb_rxq-1 and 0..nb_txq-1 of a configured
 * port (before or after it is started), on the sides @p conf names.
 *
 * @param port
 *   The port.
 * @param nb_rxq
 *   Its receive queues to inject on (0 with dir tx).
 * @param nb_txq
 *   Its transmit queues to inject on (0 with dir rx).
 * @param conf
 *   What to inject (dipc_eth_fault_parse()).
 * @param err
 *   A message on error (may be NULL).
 * @param errlen
 *   Its size.
 * @return
 *   The handle, or NULL with rte_errno set: EINVAL (a bad port, queue
 *   count or conf), ENOMEM, ENOTSUP (DPDK built without
 *   RTE_ETHDEV_RXTX_CALLBACKS), and nothing attached.
 */
struct dipc_eth_fault *dipc_eth_fault_attach(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
					     const struct dipc_eth_fault_conf *conf, char *err,
					     size_t errlen);

/**
 * Remove the callbacks and free every frame held, then the handle. Call
 * it when no lcore receives or transmits on the port's queues (e.g. the
 * data path stopped, before the port is closed): a callback removed
 * while it runs would still use the state freed here.
 *
 * @param f
 *   The handle, or NULL.
 */
void dipc_eth_fault_detach(struct dipc_eth_fault *f);

/**
 * What the module did so far (snapshots of counters that the queues'
 * lcores write).
 *
 * @param f
 *   The handle.
 * @param[out] rx
 *   The receive side's (may be NULL).
 * @param[out] tx
 *   The transmit side's (may be NULL).
 */
void dipc_eth_fault_stats(const struct dipc_eth_fault *f, struct dipc_eth_fault_stats *rx,
			  struct dipc_eth_fault_stats *tx);

/**
 * A spec in words, for a log line: "loss 1%, dup 0.5%, reorder 0%,
 * seed 42, rx and tx".
 *
 * @param conf
 *   The conf.
 * @param buf
 *   Where to write.
 * @param len
 *   Its size.
 * @return
 *   @p buf.
 */
char *dipc_eth_fault_describe(const struct dipc_eth_fault_conf *conf, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_ETH_FAULT_H */
