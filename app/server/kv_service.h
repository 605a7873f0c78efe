/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_KV_SERVICE_H
#define DIPC_KV_SERVICE_H

/**
 * @file
 * dipc-server's key-value service: GET, PUT and DELETE of byte-string
 * keys and values, in messages of docs/examples/kv.schema, on an rte_hash
 * in hugepage memory. Handlers run on the worker lcores, any number of
 * them at once; README "Key-value service" describes the protocol.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_rcu_qsbr.h>

struct dipc_server;
struct kv_service;

/** Longest key in bytes: keys are stored in the rte_hash as 64-byte entries. */
#define KV_KEY_MAX 62

/** What kv_create() needs. */
struct kv_service_config {
	uint32_t keys;      /**< most keys held at once */
	uint32_t value_max; /**< largest value; 0 = kv_value_max_fit(body_max) */
	uint32_t body_max;  /**< largest body one mbuf of class 0 carries: the default */
	uint32_t chain_max; /**< largest body of a chain: value_max's limit */
	int socket;         /**< NUMA socket of the table and values */
};

/**
 * Largest value a PUT with a key of KV_KEY_MAX bytes carries in a body of
 * @p body_max bytes (the GET response of that value is shorter).
 *
 * @return
 *   The value length, or 0 if not even an empty value fits.
 */
uint32_t kv_value_max_fit(uint32_t body_max);

/**
 * Create the service: the hash, the value slots, the defer queue. Call
 * after dipc_server_create() and before dipc_server_run().
 *
 * @param cfg
 *   Sizes. A value_max that does not fit the largest message (a chain) is
 *   refused.
 * @param rcu
 *   dipc_server_rcu() of the server whose workers run the handlers.
 * @param err
 *   Buffer for a one-line reason on failure.
 * @param errlen
 *   Its size.
 * @return
 *   The service, or NULL (err says why).
 */
struct kv_service *kv_create(const struct kv_service_config *cfg, struct rte_rcu_qsbr *rcu,
			     char *err, size_t errlen);

/**
 * Register the GET, PUT and DELETE handlers (methods KV_GET_REQ_ID,
 * KV_PUT_REQ_ID, KV_DELETE_REQ_ID; a request or a GET answer may be a
 * chain) and the report line.
 *
 * @return
 *   0, or dipc_server_register()'s error.
 */
int kv_register(struct kv_service *kv, struct dipc_server *s);

/**
 * Print the counters as one line (a dipc_server_report_t).
 */
void kv_report(FILE *f, void *kv);

/**
 * Free the service. The workers must have stopped.
 */
void kv_free(struct kv_service *kv);

/*
 * @internal The store without messages, for tests/test_kv_store.c. Each
 * returns an enum kv_kv_status (kv.h, generated); keys are at most
 * KV_KEY_MAX bytes, values at most value_max (the callers check both).
 */
int kv_store_put(struct kv_service *kv, const void *key, uint32_t klen, const void *value,
		 uint32_t vlen, int if_absent, uint64_t *version);
/* @internal *value points into the store: valid until the caller's next
 * quiescent state. */
int kv_store_get(struct kv_service *kv, const void *key, uint32_t klen, const void **value,
		 uint32_t *vlen, uint64_t *version);
/* @internal */
int kv_store_delete(struct kv_service *kv, const void *key, uint32_t klen);
/* @internal Value slots free now (not in use, not waiting for readers). */
unsigned int kv_store_free_slots(const struct kv_service *kv);
/* @internal Every value slot there is. */
unsigned int kv_store_nb_slots(const struct kv_service *kv);
/* @internal Keys counted against kv.keys. */
unsigned int kv_store_keys(const struct kv_service *kv);
/* @internal Free what waits for readers, if their grace period is over. */
void kv_store_reclaim(struct kv_service *kv);

#endif /* DIPC_KV_SERVICE_H */
