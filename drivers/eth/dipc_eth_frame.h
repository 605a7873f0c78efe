/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ETH_FRAME_H
#define DIPC_ETH_FRAME_H

/**
 * @file
 * The eth transport's frame layer: dipc messages as Ethernet II + IPv4 +
 * UDP frames with a 38-byte dipc frame header (docs/WIRE.md has the byte
 * table).
 *
 * Receive: dipc_eth_frame_parse() checks a received frame against private
 * limits (struct dipc_eth_frame_cfg) and copies every field it needs out
 * of the frame once, into a struct dipc_eth_frame_info that the caller
 * reads instead of the frame; a bad frame gets a reason (enum
 * dipc_eth_drop). dipc_eth_reasm_input() strips the headers in place (the
 * mbuf becomes the message, no copy) and, for a message sent as several
 * frames, links the fragments into one mbuf chain in offset order in a
 * fixed-capacity reassembly table (struct dipc_eth_reasm, one per receive
 * queue, allocated once). dipc_eth_frame_rx() does both and counts.
 *
 * Transmit: dipc_eth_frame_build() turns a message (one mbuf or a chain)
 * into frames: the headers prepended in place when it fits one frame,
 * otherwise one small header mbuf per frame chained to indirect mbufs
 * that refer to the slices of the message's segments (no payload copy, as
 * DPDK's librte_gso does).
 *
 * Every byte of a received frame is untrusted. Nothing here touches a
 * port or a queue: the caller receives and transmits the bursts. No
 * function allocates from the heap after dipc_eth_reasm_create(), none
 * takes a lock, none logs on the data path. The counters (struct
 * dipc_eth_stats) are the caller's, so that each worker keeps its own.
 *
 * Internal to dipc's own processes (not installed), like drivers/ring.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dipc_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Ethernet II header: no VLAN tag (tagged frames are dropped). */
#define DIPC_ETH_L2_LEN 14
/** IPv4 header without options (IHL 5). */
#define DIPC_ETH_L3_LEN 20
/** UDP header. */
#define DIPC_ETH_L4_LEN 8
/** The dipc frame header (struct dipc_eth_hdr). */
#define DIPC_ETH_DIPC_LEN 38
/** Every header of a frame, from the Ethernet destination to the payload:
 *  a multiple of 8, so that a payload whose frame starts 8-byte aligned
 *  (a pktmbuf's data_off of 128) is 8-byte aligned too. */
#define DIPC_ETH_HDR_LEN (DIPC_ETH_L2_LEN + DIPC_ETH_L3_LEN + DIPC_ETH_L4_LEN + DIPC_ETH_DIPC_LEN)
/** IP MTU overhead: what an IPv4 packet of a frame carries besides the payload. */
#define DIPC_ETH_IP_OVERHEAD (DIPC_ETH_L3_LEN + DIPC_ETH_L4_LEN + DIPC_ETH_DIPC_LEN)

/** Frame header magic, "DF" on the wire (little-endian). */
#define DIPC_ETH_MAGIC 0x4644u
/** Frame header version written and accepted by this build. */
#define DIPC_ETH_VERSION 1
/** A UDP port for dipc frames when the configuration names none. */
#define DIPC_ETH_UDP_PORT_DEFAULT 7117
/** Smallest IP MTU: one frame carries at least a whole dipc message header. */
#define DIPC_ETH_MTU_MIN (DIPC_ETH_IP_OVERHEAD + DIPC_MSG_HDR_LEN)
/** Largest IP MTU (jumbo frames; a frame's length fits an mbuf's data_len). */
#define DIPC_ETH_MTU_MAX 16000
/** Largest payload of a frame whose type is not DATA (a whole message, one frame). */
#define DIPC_ETH_CTRL_MAX_LEN 256
/** Most fragments (and mbuf segments) of one message: the chain rule of
 *  lib/msg (DIPC_MSG_MAX_SEGS). */
#define DIPC_ETH_MAX_FRAGS DIPC_MSG_MAX_SEGS

/** Payload bytes of one frame at IP MTU @p mtu. */
#define DIPC_ETH_FRAG_MAX(mtu) ((uint32_t)(mtu) - DIPC_ETH_IP_OVERHEAD)
/** Largest message (24-byte dipc header included) at IP MTU @p mtu:
 *  DIPC_ETH_MAX_FRAGS full frames (91,776 bytes at 1500). */
#define DIPC_ETH_MSG_MAX(mtu) (DIPC_ETH_MAX_FRAGS * DIPC_ETH_FRAG_MAX(mtu))

/** Frame types. Only DATA frames carry (pieces of) dipc messages; the
 *  others carry one small payload (at most DIPC_ETH_CTRL_MAX_LEN bytes)
 *  that the connection layer defines. */
enum dipc_eth_type {
	DIPC_ETH_T_DATA = 1,      /**< a dipc message, or a fragment of one */
	DIPC_ETH_T_ACK = 2,       /**< acknowledgement, credits */
	DIPC_ETH_T_HELLO = 3,     /**< admission: client hello */
	DIPC_ETH_T_CHALLENGE = 4, /**< admission: server nonce */
	DIPC_ETH_T_PROOF = 5,     /**< admission: client proof */
	DIPC_ETH_T_WELCOME = 6,   /**< admission: accepted */
	DIPC_ETH_T_REFUSE = 7,    /**< admission: refused */
	DIPC_ETH_T_PING = 8,      /**< heartbeat */
	DIPC_ETH_T_PONG = 9,      /**< heartbeat answer */
	DIPC_ETH_T_CLOSE = 10,    /**< connection closed */
	DIPC_ETH_T_MAX            /**< one past the last type */
};

/**
 * The dipc frame header as it is on the wire, after the UDP header:
 * little-endian fields (like struct dipc_msg_hdr), packed. Read it only
 * from a private copy (dipc_eth_frame_parse() does).
 */
struct dipc_eth_hdr {
	uint16_t magic;    /**< DIPC_ETH_MAGIC */
	uint8_t version;   /**< DIPC_ETH_VERSION */
	uint8_t type;      /**< enum dipc_eth_type */
	uint16_t flags;    /**< none defined in version 1: 0, else dropped */
	uint16_t credits;  /**< receive credits granted to the peer */
	uint32_t conn_id;  /**< connection */
	uint32_t conn_gen; /**< generation of the connection */
	uint32_t seq;      /**< message id within the connection */
	uint32_t ack;      /**< acknowledged message id */
	uint32_t msg_len;  /**< bytes of the whole message (DATA: dipc header + body) */
	uint32_t frag_off; /**< offset of this frame's payload in the message */
	uint16_t frag_len; /**< payload bytes in this frame */
	uint32_t reserved; /**< 0 when sent; ignored when received */
} __rte_packed;

DIPC_STATIC_ASSERT(sizeof(struct dipc_eth_hdr) == DIPC_ETH_DIPC_LEN, "frame header is 38 bytes");
DIPC_STATIC_ASSERT(DIPC_ETH_HDR_LEN == 80, "headers are 80 bytes");
DIPC_STATIC_ASSERT(DIPC_ETH_HDR_LEN % 8 == 0, "payload 8-byte aligned");

/**
 * Why a received frame was dropped (DIPC_ETH_OK: it was not). In the
 * order dipc_eth_frame_parse() checks, then the reassembly's reasons.
 * dipc_eth_drop_name() names each.
 */
enum dipc_eth_drop {
	DIPC_ETH_OK = 0,            /**< accepted */
	DIPC_ETH_DROP_BAD_MBUF,     /**< segments disagree with nb_segs or pkt_len */
	DIPC_ETH_DROP_TRUNCATED,    /**< shorter than the headers it needs */
	DIPC_ETH_DROP_VLAN,         /**< 802.1Q/802.1ad tagged (or tag stripped by the NIC) */
	DIPC_ETH_DROP_ARP,          /**< an ARP frame: the port layer's, not a dipc frame */
	DIPC_ETH_DROP_ETHERTYPE,    /**< neither IPv4 nor ARP */
	DIPC_ETH_DROP_DST_MAC,      /**< not to the configured MAC address */
	DIPC_ETH_DROP_IP_VERSION,   /**< IP version is not 4 */
	DIPC_ETH_DROP_IP_IHL,       /**< IPv4 options (IHL is not 5) */
	DIPC_ETH_DROP_IP_CSUM,      /**< IPv4 header checksum wrong (or the NIC says so) */
	DIPC_ETH_DROP_IP_LEN,       /**< IPv4 total length is not the frame's */
	DIPC_ETH_DROP_IP_FRAGMENT,  /**< an IP fragment (MF or an offset) */
	DIPC_ETH_DROP_IP_PROTO,     /**< not UDP */
	DIPC_ETH_DROP_SRC_ADDR,     /**< source MAC group, or source IP 0/multicast/broadcast */
	DIPC_ETH_DROP_DST_IP,       /**< not to the configured IP address */
	DIPC_ETH_DROP_OVERSIZE,     /**< IPv4 packet larger than the MTU */
	DIPC_ETH_DROP_UDP_PORT,     /**< UDP destination port is not the configured one */
	DIPC_ETH_DROP_UDP_LEN,      /**< UDP length is not the IP payload's */
	DIPC_ETH_DROP_UDP_CSUM,     /**< UDP checksum wrong (or the NIC says so) */
	DIPC_ETH_DROP_MAGIC,        /**< frame header magic */
	DIPC_ETH_DROP_VERSION,      /**< frame header version */
	DIPC_ETH_DROP_TYPE,         /**< unknown frame type */
	DIPC_ETH_DROP_FLAGS,        /**< frame header flags set (none defined) */
	DIPC_ETH_DROP_FRAG_LEN,     /**< frag_len is not the UDP payload's */
	DIPC_ETH_DROP_MSG_SHORT,    /**< DATA msg_len below a dipc message header */
	DIPC_ETH_DROP_MSG_TOO_BIG,  /**< msg_len over the configured limit */
	DIPC_ETH_DROP_FRAG_RANGE,   /**< frag_off + frag_len past msg_len */
	DIPC_ETH_DROP_FRAG_EMPTY,   /**< a DATA fragment with frag_len 0 */
	DIPC_ETH_DROP_HEAD_SHORT,   /**< the message's first segment holds less than its dipc header */
	DIPC_ETH_DROP_CTRL_FRAG,    /**< a frame of another type than DATA that is not whole */
	DIPC_ETH_DROP_DUP,          /**< a fragment already held (same offset and length) */
	DIPC_ETH_DROP_OVERLAP,      /**< a fragment overlapping one held */
	DIPC_ETH_DROP_MSG_LEN,      /**< msg_len differs from the message's first fragment's */
	DIPC_ETH_DROP_TOO_MANY_SEGS, /**< the message would exceed DIPC_ETH_MAX_FRAGS segments */
	DIPC_ETH_DROP_TABLE_FULL,   /**< no free reassembly entry */
	DIPC_ETH_DROP_HELD_FULL,    /**< the table holds its most mbufs */
	DIPC_ETH_DROP_MAX           /**< number of reasons (counter slots) */
};

/** Frame checks of a receive queue: private, set once. */
struct dipc_eth_frame_cfg {
	uint16_t mtu;             /**< IP MTU: largest IPv4 total length, in
				   *   [DIPC_ETH_MTU_MIN, DIPC_ETH_MTU_MAX] */
	rte_be16_t udp_port;      /**< UDP destination port of dipc frames (network order) */
	uint32_t max_msg_len;     /**< largest message, at most DIPC_ETH_MSG_MAX(mtu) */
	rte_be32_t local_ip;      /**< destination IP required, 0 for any (network order) */
	struct rte_ether_addr local_mac; /**< destination MAC required, all zero for any */
	uint32_t flags;           /**< DIPC_ETH_F_* */
};

/** Transmit: the port computes IPv4 header checksums (RTE_MBUF_F_TX_IP_CKSUM),
 *  so dipc_eth_frame_build() leaves them 0 and sets the offload flags. */
#define DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD 0x01
/** Transmit: compute the UDP checksum in software (default: 0, none). */
#define DIPC_ETH_F_TX_UDP_CKSUM 0x02
/** Every flag this build knows. */
#define DIPC_ETH_F_ALL 0x03

/**
 * What dipc_eth_frame_parse() read from a frame, copied out of it once:
 * the caller reads this, never the frame's headers. Addresses and ports
 * in network order (ready for an answer's template), the dipc fields in
 * host order.
 */
struct dipc_eth_frame_info {
	struct rte_ether_addr src_mac; /**< sender's MAC */
	struct rte_ether_addr dst_mac; /**< receiver's MAC, as addressed */
	rte_be32_t src_ip;    /**< sender's IPv4 address */
	rte_be32_t dst_ip;    /**< receiver's IPv4 address, as addressed */
	rte_be16_t src_port;  /**< sender's UDP port */
	rte_be16_t dst_port;  /**< receiver's UDP port */
	uint8_t type;         /**< enum dipc_eth_type, known */
	uint16_t credits;     /**< credits the sender grants */
	uint32_t conn_id;     /**< connection */
	uint32_t conn_gen;    /**< its generation */
	uint32_t seq;         /**< message id */
	uint32_t ack;         /**< acknowledged message id */
	uint32_t msg_len;     /**< whole message: DATA in [24, max_msg_len],
			       *   other types at most DIPC_ETH_CTRL_MAX_LEN */
	uint32_t frag_off;    /**< offset of the payload; frag_off + frag_len <= msg_len */
	uint16_t frag_len;    /**< payload bytes, at most DIPC_ETH_FRAG_MAX(mtu) */
};

/** Counters of one receive/transmit context (a worker's queue). The
 *  caller owns them: no atomics, no sharing. */
struct dipc_eth_stats {
	uint64_t frames_in;        /**< frames given to dipc_eth_frame_rx() */
	uint64_t frames_out;       /**< frames made by dipc_eth_frame_build() */
	uint64_t msgs_in;          /**< whole messages out of the receive side */
	uint64_t msgs_reassembled; /**< of which made of several frames */
	uint64_t msgs_out;         /**< messages turned into frames */
	uint64_t partials_expired; /**< partial messages freed by dipc_eth_reasm_expire()
				    *   (or to make room for a new one) */
	uint64_t partials_flushed; /**< partial messages freed by the flush functions */
	uint64_t msgs_realigned;   /**< messages whose first segment was moved to an
				    *   8-byte boundary (frames not 8-byte aligned) */
	uint64_t drops[DIPC_ETH_DROP_MAX]; /**< frames dropped, per reason (slot 0 unused) */
};

/** What a new message's frames carry: the transmit side's header template. */
struct dipc_eth_frame_tmpl {
	struct rte_ether_addr src_mac; /**< this port's MAC */
	struct rte_ether_addr dst_mac; /**< the peer's (or next hop's) MAC */
	rte_be32_t src_ip;    /**< this port's IPv4 address (network order) */
	rte_be32_t dst_ip;    /**< the peer's IPv4 address (network order) */
	rte_be16_t src_port;  /**< this side's UDP port (network order) */
	rte_be16_t dst_port;  /**< the peer's UDP port (network order) */
	uint8_t type;         /**< enum dipc_eth_type */
	uint16_t credits;     /**< credits granted to the peer */
	uint32_t conn_id;     /**< connection */
	uint32_t conn_gen;    /**< its generation */
	uint32_t seq;         /**< message id */
	uint32_t ack;         /**< acknowledged message id */
};

/** A reassembly table (opaque). */
struct dipc_eth_reasm;

/**
 * Name of a drop reason, for counters and logs.
 *
 * @param reason
 *   Any value.
 * @return
 *   A constant string ("ok" for DIPC_ETH_OK, "unknown" outside the enum).
 */
const char *dipc_eth_drop_name(unsigned int reason);

/**
 * Check a frame configuration.
 *
 * @param cfg
 *   The configuration.
 * @return
 *   0, or -EINVAL: MTU out of range, max_msg_len below a dipc header or
 *   above DIPC_ETH_MSG_MAX(mtu), UDP port 0, unknown flags.
 */
int dipc_eth_frame_cfg_check(const struct dipc_eth_frame_cfg *cfg);

/**
 * Parse and check a received frame, without changing it.
 *
 * Reads the 80 bytes of headers once into private memory (from one
 * segment or across several) and checks, in order: the mbuf's segments
 * against nb_segs and pkt_len (chains only), Ethernet II (no VLAN tag,
 * IPv4; ARP reported as such; the destination MAC if configured), IPv4
 * (version 4, IHL 5, header checksum unless the mbuf's RX flags say GOOD,
 * NONE or BAD, total length equal to the frame's, not a fragment, UDP, a
 * unicast source, the destination if configured, at most the MTU), UDP
 * (destination port, length, checksum unless 0 or the RX flags say), and
 * the dipc header (magic, version, type, flags, frag_len against the UDP
 * length, msg_len, frag_off + frag_len within msg_len, no empty DATA
 * fragment, a first DATA fragment holding the whole dipc message header,
 * other types in one frame). The UDP checksum, when checked in software,
 * is the only read of the payload.
 *
 * @param cfg
 *   Limits (dipc_eth_frame_cfg_check() passed).
 * @param m
 *   The frame, one segment or a chain; not modified.
 * @param[out] fi
 *   The fields, filled when the frame is accepted (partly otherwise).
 * @return
 *   DIPC_ETH_OK, or the first reason that applies.
 */
enum dipc_eth_drop dipc_eth_frame_parse(const struct dipc_eth_frame_cfg *cfg,
					const struct rte_mbuf *m,
					struct dipc_eth_frame_info *fi);

/**
 * Create a reassembly table (one per receive queue; not thread-safe).
 *
 * @param entries
 *   Partial messages held at most, 1..65536.
 * @param max_held
 *   Mbuf segments held by partial messages at most, at least
 *   DIPC_ETH_MAX_FRAGS (bounds what an unfinished sender pins of the
 *   receive pool).
 * @param timeout
 *   Age after which a partial message is expired, in the unit of the
 *   @p now arguments (e.g. TSC cycles), counted from its first fragment.
 * @param socket_id
 *   NUMA socket of its memory (SOCKET_ID_ANY).
 * @return
 *   The table, or NULL with rte_errno set (EINVAL, ENOMEM).
 */
struct dipc_eth_reasm *dipc_eth_reasm_create(unsigned int entries, unsigned int max_held,
					     uint64_t timeout, int socket_id);

/**
 * Free a reassembly table and every mbuf it holds.
 *
 * @param r
 *   The table, or NULL.
 */
void dipc_eth_reasm_free(struct dipc_eth_reasm *r);

/**
 * Take an accepted frame: strip its headers in place and return the
 * message once whole.
 *
 * A frame that is a whole message (frag_off 0, frag_len == msg_len: every
 * frame of a type other than DATA) takes a fast path that touches no
 * table. A message's first segment starts 8-byte aligned (struct
 * dipc_msg_hdr is read in place): it does when the frame did, else its
 * bytes are moved down within its own buffer (msgs_realigned), unless the
 * mbuf is shared or indirect. A fragment is held in the table entry of its (conn_id, conn_gen,
 * seq), created by its first fragment, in offset order; when the held
 * fragments cover msg_len the entry's fragments are linked into one chain
 * (pkt_len == msg_len, nb_segs the sum of the fragments' segments, at most
 * DIPC_ETH_MAX_FRAGS, the first segment holding at least the dipc message
 * header) and the entry is freed. A full table first expires its oldest
 * entry if that one is past the timeout.
 *
 * @param r
 *   The table of this queue.
 * @param m
 *   The frame; always consumed (held, returned, or freed on a drop).
 * @param fi
 *   What dipc_eth_frame_parse() accepted for @p m.
 * @param now
 *   Current time, in the table's timeout unit.
 * @param[out] out
 *   The whole message, or NULL (held, or dropped).
 * @param st
 *   Counters: msgs_in, msgs_reassembled, msgs_realigned, drops,
 *   partials_expired.
 * @return
 *   DIPC_ETH_OK (with *out set, or NULL while the message is partial),
 *   or the reason the frame was dropped.
 */
enum dipc_eth_drop dipc_eth_reasm_input(struct dipc_eth_reasm *r, struct rte_mbuf *m,
					const struct dipc_eth_frame_info *fi, uint64_t now,
					struct rte_mbuf **out, struct dipc_eth_stats *st);

/**
 * Receive one frame: dipc_eth_frame_parse(), then dipc_eth_reasm_input();
 * a bad frame is counted and freed.
 *
 * @param cfg
 *   Limits of this queue.
 * @param r
 *   Its reassembly table.
 * @param m
 *   The received frame; always consumed.
 * @param now
 *   Current time, in the table's timeout unit.
 * @param[out] fi
 *   The frame's fields (meaningful when DIPC_ETH_OK is returned).
 * @param[out] out
 *   A whole message (fi->type says of which type), or NULL.
 * @param st
 *   Counters (frames_in and what dipc_eth_reasm_input() counts).
 * @return
 *   DIPC_ETH_OK, or the reason the frame was dropped.
 */
enum dipc_eth_drop dipc_eth_frame_rx(const struct dipc_eth_frame_cfg *cfg,
				     struct dipc_eth_reasm *r, struct rte_mbuf *m, uint64_t now,
				     struct dipc_eth_frame_info *fi, struct rte_mbuf **out,
				     struct dipc_eth_stats *st);

/**
 * Free the partial messages whose first fragment came at least the
 * table's timeout before @p now (oldest first; stops at the first younger
 * one).
 *
 * @param r
 *   The table.
 * @param now
 *   Current time, in the table's timeout unit.
 * @param st
 *   Counters: partials_expired (may be NULL).
 * @return
 *   Number of partial messages freed.
 */
unsigned int dipc_eth_reasm_expire(struct dipc_eth_reasm *r, uint64_t now,
				   struct dipc_eth_stats *st);

/**
 * Free every partial message of one connection (any generation), e.g.
 * when it closes.
 *
 * @param r
 *   The table.
 * @param conn_id
 *   The connection.
 * @param st
 *   Counters: partials_flushed (may be NULL).
 * @return
 *   Number of partial messages freed.
 */
unsigned int dipc_eth_reasm_flush_conn(struct dipc_eth_reasm *r, uint32_t conn_id,
				       struct dipc_eth_stats *st);

/**
 * Free every partial message.
 *
 * @param r
 *   The table.
 * @param st
 *   Counters: partials_flushed (may be NULL).
 * @return
 *   Number of partial messages freed.
 */
unsigned int dipc_eth_reasm_flush(struct dipc_eth_reasm *r, struct dipc_eth_stats *st);

/**
 * Partial messages held.
 *
 * @param r
 *   The table.
 * @return
 *   Number of entries in use.
 */
unsigned int dipc_eth_reasm_partials(const struct dipc_eth_reasm *r);

/**
 * Mbuf segments held by partial messages.
 *
 * @param r
 *   The table.
 * @return
 *   Number of segments.
 */
unsigned int dipc_eth_reasm_held(const struct dipc_eth_reasm *r);

/**
 * Turn a message into frames, without copying its bytes.
 *
 * One frame (the message is at most DIPC_ETH_FRAG_MAX(cfg->mtu) bytes):
 * the 80 bytes of headers are prepended in place when the first segment
 * is a direct mbuf held once with that much headroom; otherwise a header
 * mbuf from @p hdr_pool is chained in front of the message. Several
 * frames (DATA only): each frame is a header mbuf from @p hdr_pool chained
 * to indirect mbufs from @p ind_pool attached to the slices of the
 * message's segments that it carries (a slice per segment it spans); the
 * message's own reference is then released, so its segments go back to
 * their pools when the last frame referring to them is freed (by the PMD,
 * once sent). Every frame but the last carries DIPC_ETH_FRAG_MAX(mtu)
 * payload bytes.
 *
 * IPv4: DF set, ID 0, TTL 64, the header checksum in software unless
 * DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD (then 0, with RTE_MBUF_F_TX_IPV4 |
 * RTE_MBUF_F_TX_IP_CKSUM, l2_len and l3_len set). UDP checksum 0 unless
 * DIPC_ETH_F_TX_UDP_CKSUM (docs/WIRE.md says why).
 *
 * @param cfg
 *   MTU and flags (dipc_eth_frame_cfg_check() passed); max_msg_len also
 *   bounds what is sent.
 * @param t
 *   Addresses and dipc fields of the frames.
 * @param msg
 *   The message: DATA at least DIPC_MSG_HDR_LEN bytes, other types at most
 *   DIPC_ETH_CTRL_MAX_LEN; its segments' data_len must add up to pkt_len.
 * @param hdr_pool
 *   Pool of header mbufs (a data room of at least 80 bytes past the
 *   headroom); may be NULL if every message fits one frame in place.
 * @param ind_pool
 *   Pool of indirect mbufs (any data room, 0 is enough); may be NULL if
 *   every message fits one frame.
 * @param[out] frames
 *   The frames, to transmit in this order.
 * @param nb_frames
 *   Room in @p frames.
 * @param st
 *   Counters: frames_out, msgs_out (may be NULL).
 * @return
 *   The number of frames (>= 1); on success @p msg is consumed. On error
 *   @p msg is unchanged and still the caller's: -EINVAL (type, lengths of
 *   the segments), -EMSGSIZE (over max_msg_len, DIPC_ETH_MAX_FRAGS frames,
 *   or a non-DATA message larger than DIPC_ETH_CTRL_MAX_LEN or one frame),
 *   -ENOSPC (@p frames too small, a needed pool NULL, or header mbufs
 *   without 80 bytes of room), -ENOBUFS (a pool is empty).
 */
int dipc_eth_frame_build(const struct dipc_eth_frame_cfg *cfg,
			 const struct dipc_eth_frame_tmpl *t, struct rte_mbuf *msg,
			 struct rte_mempool *hdr_pool, struct rte_mempool *ind_pool,
			 struct rte_mbuf **frames, unsigned int nb_frames,
			 struct dipc_eth_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_ETH_FRAME_H */
