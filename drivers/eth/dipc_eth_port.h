/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ETH_PORT_H
#define DIPC_ETH_PORT_H

/**
 * @file
 * An ethdev port for the eth transport: found by name (a PCI address or
 * a vdev's name, as EAL probed it) or number, configured with one RX/TX
 * queue pair per worker (and optionally more TX queues, e.g. one for the
 * control lcore), the offloads the eth transport can use when the port
 * reports them (IPv4 and UDP checksums on receive, the IPv4 checksum on
 * transmit, multi-segment transmit, RSS on UDP over IPv4 when there is
 * more than one receive queue), the MTU, started, and its link awaited.
 *
 * What the port could and could not do is returned in struct
 * dipc_eth_port_info, so that the caller sets the frame layer's flags
 * (struct dipc_eth_frame_cfg) from facts, not assumptions; where an
 * offload is missing the frame layer does the work in software.
 *
 * Control path only (setup and teardown): it allocates and may sleep.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most RX or TX queues dipc configures on one port. */
#define DIPC_ETH_PORT_MAX_QUEUES 64

/** Descriptors per queue when the configuration names none. */
#define DIPC_ETH_PORT_DESC_DEFAULT 1024

/** What to configure. */
struct dipc_eth_port_conf {
	uint16_t port_id;     /**< the port (dipc_eth_port_find()) */
	uint16_t nb_rxq;      /**< RX queues, 1..DIPC_ETH_PORT_MAX_QUEUES */
	uint16_t nb_txq;      /**< TX queues, nb_rxq..DIPC_ETH_PORT_MAX_QUEUES */
	uint16_t nb_rxd;      /**< RX descriptors per queue, 0 = the default */
	uint16_t nb_txd;      /**< TX descriptors per queue, 0 = the default */
	uint16_t mtu;         /**< IP MTU (as rte_eth_dev_set_mtu()), 68..16000 */
	struct rte_mempool *rx_pool; /**< pktmbuf pool every RX queue takes from */
	int socket_id;        /**< NUMA socket of the queues (SOCKET_ID_ANY: the port's) */
	/** MAC address to give the port; all zero: keep the port's own
	 *  (refused if it has none, as net_ring ports). */
	struct rte_ether_addr mac;
};

/** Offloads in use (DIPC_ETH_PORT_OFL_*), as the port reported them. */
#define DIPC_ETH_PORT_OFL_RX_IP_CKSUM  0x01 /**< RX flags say whether the IPv4 checksum is good */
#define DIPC_ETH_PORT_OFL_RX_UDP_CKSUM 0x02 /**< RX flags say whether the UDP checksum is good */
#define DIPC_ETH_PORT_OFL_TX_IP_CKSUM  0x04 /**< the port computes IPv4 header checksums */
#define DIPC_ETH_PORT_OFL_TX_MULTI_SEG 0x08 /**< the port sends mbuf chains */
#define DIPC_ETH_PORT_OFL_RSS          0x10 /**< RSS spreads UDP/IPv4 flows over the RX queues */
#define DIPC_ETH_PORT_OFL_RX_SCATTER   0x20 /**< a frame larger than an RX mbuf arrives as a chain */
/** The port cannot take the MAC address asked for (net_ring): frames carry
 *  it anyway and the port receives promiscuously where it can. */
#define DIPC_ETH_PORT_OFL_SOFT_MAC     0x40

/** What the port is, after dipc_eth_port_start(). */
struct dipc_eth_port_info {
	struct rte_ether_addr mac; /**< its MAC address */
	char driver[32];           /**< the driver's name (e.g. "net_memif") */
	uint32_t offloads;         /**< DIPC_ETH_PORT_OFL_* in use */
	uint16_t mtu;              /**< the IP MTU in use */
	uint16_t nb_rxq, nb_txq;   /**< queues configured */
	uint16_t nb_rxd, nb_txd;   /**< descriptors per queue */
};

/**
 * Find a port by name or number.
 *
 * @param name
 *   A port number ("0"), or the name EAL gave the device: a PCI address
 *   ("0000:03:00.0") or a vdev ("net_memif0").
 * @param[out] port_id
 *   The port.
 * @return
 *   0, or -ENODEV (no such port).
 */
int dipc_eth_port_find(const char *name, uint16_t *port_id);

/**
 * Configure and start a port.
 *
 * Enables each offload of DIPC_ETH_PORT_OFL_* the port reports; sets the
 * MTU (ethdev checks it against the largest frame the port receives);
 * sets up the queues with @p conf's pool; starts
 * the port. On failure the port is left stopped, and @p err says what
 * failed and, where it can, what to do.
 *
 * @param conf
 *   What to configure.
 * @param[out] info
 *   What the port is now.
 * @param err
 *   Room for a one-line message (may be NULL when @p errlen is 0).
 * @param errlen
 *   Its size.
 * @return
 *   0, or -errno: -EINVAL (queues, MTU or descriptors out of range, a
 *   pool whose mbufs cannot hold a frame on a port without scattered
 *   receive, a MAC address asked for that is not unicast, a port without
 *   a unicast MAC address and none asked for), -ENODEV (no such port), -ENOTSUP (more queues than the port
 *   has), or what ethdev returned.
 */
int dipc_eth_port_start(const struct dipc_eth_port_conf *conf, struct dipc_eth_port_info *info,
			char *err, size_t errlen);

/**
 * Wait for the port's link to be up.
 *
 * @param port_id
 *   The port.
 * @param timeout_ms
 *   Longest wait.
 * @return
 *   0 (up), -ETIMEDOUT, or what ethdev returned.
 */
int dipc_eth_port_link_wait(uint16_t port_id, unsigned int timeout_ms);

/**
 * Stop and close a port: its queues are released and the mbufs in their
 * descriptors go back to the RX pool. A closed port cannot be started
 * again (a vdev is removed).
 *
 * @param port_id
 *   The port.
 * @return
 *   0, -ENODEV, or what ethdev returned.
 */
int dipc_eth_port_close(uint16_t port_id);

/**
 * Frames a transmit queue would not take yet, to go before any new ones:
 * a FIFO of mbuf pointers, sized at creation (no allocation after it).
 * Used by one thread, the queue's (no lock). A port whose ring is full
 * (a peer that reads slowly, a burst of a large message's frames) then
 * delays frames instead of losing them, which would leave the peer a
 * partial message to hold until it expires and the sender to send it
 * all again. A queue that takes nothing for max_wait_ms (a link down, a
 * peer gone) has its backlog dropped, so that no frame holds its mbufs
 * for ever.
 */
struct dipc_eth_backlog {
	uint32_t head;         /**< next to send */
	uint32_t tail;         /**< next free entry */
	uint32_t mask;         /**< entries - 1 */
	struct rte_mbuf **f;   /**< [mask + 1] */
	uint64_t stuck_at;     /**< TSC of the first try that sent nothing, 0: none */
	uint64_t max_wait;     /**< TSC cycles */
};

/**
 * Set up a backlog of @p entries frames (a power of two, 1..65536), whose
 * frames are dropped when the queue takes none for @p max_wait_ms.
 *
 * @return
 *   0, -EINVAL, or -ENOMEM.
 */
int dipc_eth_backlog_init(struct dipc_eth_backlog *b, unsigned int entries,
			  unsigned int max_wait_ms, int socket_id);

/**
 * Free the frames waiting in a backlog (a port stopped: they will not go).
 *
 * @return
 *   Frames freed.
 */
unsigned int dipc_eth_backlog_drop(struct dipc_eth_backlog *b);

/**
 * Free the frames still in a backlog and its array; it may be set up
 * again. A backlog never set up (all zero) is fine.
 */
void dipc_eth_backlog_free(struct dipc_eth_backlog *b);

/** Frames waiting in a backlog. */
static inline uint32_t
dipc_eth_backlog_count(const struct dipc_eth_backlog *b)
{
	return b->tail - b->head;
}

/**
 * Hand the port what waits in @p b, oldest first; drop it all if the
 * queue has taken nothing for the backlog's max_wait_ms.
 *
 * @return
 *   Frames dropped.
 */
unsigned int dipc_eth_backlog_flush(uint16_t port_id, uint16_t queue_id,
				    struct dipc_eth_backlog *b);

/** Tries of dipc_eth_tx() to hand the port new frames before they wait. */
#define DIPC_ETH_TX_TRIES 64

/**
 * Send @p n frames after the backlog's: what the port does not take in
 * DIPC_ETH_TX_TRIES tries joins the backlog, in order, and what does not
 * fit there either is freed.
 *
 * @return
 *   Frames freed (0 unless the backlog was full or dropped as stuck).
 */
unsigned int dipc_eth_tx(uint16_t port_id, uint16_t queue_id, struct dipc_eth_backlog *b,
			 struct rte_mbuf **f, unsigned int n);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_ETH_PORT_H */
