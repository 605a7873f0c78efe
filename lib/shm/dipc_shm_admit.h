/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SHM_ADMIT_H
#define DIPC_SHM_ADMIT_H

/**
 * @file
 * The admission socket: how a client asks the server for a connection.
 * Not through shared memory: the kernel tells the server who connected
 * (SO_PEERCRED: pid, uid, gid), and the server picks the slot. The socket
 * stays open while the connection lives; closing it (or dying) ends the
 * connection.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name Admission socket
 * A client asks for a connection over a Unix socket of type
 * SOCK_SEQPACKET, one struct dipc_admit_msg per message:
 * @code
 *  client: HELLO  ->  server: CHALLENGE  ->  client: PROOF  ->  server: RESULT
 * @endcode
 * The server learns the client's pid, uid and gid from the kernel
 * (SO_PEERCRED), refuses a HELLO whose pid is not that one, admits by its
 * uid/gid rules and the token (a proof over the CHALLENGE's nonce: the
 * token itself never travels), and answers with the slot. The client
 * keeps the socket open while the connection lives.
 * @{
 */
/** Name of the admission socket in the EAL runtime directory of the prefix. */
#define DIPC_ADMIT_SOCK_NAME "dipc_admit"
/** "DIPA" read as a little-endian 32-bit integer. */
#define DIPC_ADMIT_MAGIC 0x41504944u
/** Version of the admission messages. */
#define DIPC_ADMIT_VERSION 1

/** Admission message types, in dipc_admit_msg.type. */
enum dipc_admit_type {
	DIPC_ADMIT_HELLO = 1,     /**< client: who it says it is, what it wants */
	DIPC_ADMIT_CHALLENGE = 2, /**< server: the nonce to prove the token over */
	DIPC_ADMIT_PROOF = 3,     /**< client: dipc_token_mac() over the nonce, or 0 */
	DIPC_ADMIT_RESULT = 4,    /**< server: admitted on a slot, or refused */
};

/** One admission message (little-endian, exactly this size). */
struct dipc_admit_msg {
	uint32_t magic;   /**< DIPC_ADMIT_MAGIC */
	uint16_t version; /**< DIPC_ADMIT_VERSION */
	uint16_t type;    /**< enum dipc_admit_type */
	union {
		/** DIPC_ADMIT_HELLO */
		struct {
			int32_t pid;              /**< the client's own pid */
			uint16_t msg_version_min; /**< message versions it speaks */
			uint16_t msg_version_max;
			uint32_t want_window;     /**< mbufs in flight asked; 0 = most */
			uint32_t want_depth;      /**< ring depth asked; 0 = the server's */
			uint64_t epoch;           /**< dipc_shm.epoch the client mapped */
		} hello;
		/** DIPC_ADMIT_CHALLENGE */
		struct {
			uint64_t nonce;           /**< fresh random value */
			uint32_t token_required;  /**< 1: the proof must be right */
		} challenge;
		/** DIPC_ADMIT_PROOF */
		struct {
			uint64_t token_mac;       /**< dipc_token_mac(token, nonce, 0, pid) */
		} proof;
		/** DIPC_ADMIT_RESULT */
		struct {
			int32_t status;           /**< 0, or a negative errno: why refused */
			uint32_t slot;            /**< admitted: the slot */
			uint32_t generation;      /**< its generation now */
			uint16_t version;         /**< granted message version */
			uint16_t reserved;
			uint32_t window;          /**< granted window */
			uint32_t depth;           /**< granted ring depth */
			uint64_t epoch;           /**< the server's epoch */
		} result;
		uint8_t raw[40];
	};
};
/** @} */

_Static_assert(sizeof(struct dipc_admit_msg) == 48, "admission messages are 48 bytes");

#ifdef __cplusplus
}
#endif

#endif /* DIPC_SHM_ADMIT_H */
