/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_RING_PROTO_H
#define DIPC_RING_PROTO_H

/**
 * @file
 * Shared-memory layout of the ring transport, beside the server's shared
 * state (lib/shm, dipc_shm.h).
 *
 * For each connection slot i the primary creates four single-producer/
 * single-consumer rings, in ring zones (memzones DIPC_RING_ZONE_FMT,
 * dipc_shm.slots_per_zone slots each, created as the pool of slots grows):
 * requests (client -> server, DIPC_REQ_RING_FMT), responses (server ->
 * client, DIPC_RSP_RING_FMT), mbufs the server lends the client
 * (DIPC_ALLOC_RING_FMT) and mbufs the client gives back
 * (DIPC_FREE_RING_FMT). Every mbuf a client holds came to it on the alloc
 * ring or as a response, and goes back as a request or on the free ring.
 */

#ifdef __cplusplus
extern "C" {
#endif

/** Request ring name template, by slot index. */
#define DIPC_REQ_RING_FMT "dipc_req_%u"
/** Response ring name template, by slot index. */
#define DIPC_RSP_RING_FMT "dipc_rsp_%u"
/** Ring of mbufs lent to the client, by slot index. */
#define DIPC_ALLOC_RING_FMT "dipc_alc_%u"
/** Ring of mbufs the client gives back, by slot index. */
#define DIPC_FREE_RING_FMT "dipc_fre_%u"
/** Memzone holding the rings of dipc_shm.slots_per_zone slots, by zone index. */
#define DIPC_RING_ZONE_FMT "dipc_rings_%u"

#ifdef __cplusplus
}
#endif

#endif /* DIPC_RING_PROTO_H */
