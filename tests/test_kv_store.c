/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the key-value store of app/server/kv.c without messages,
 * in one process: real DPDK (rte_hash, rte_ring, rte_rcu_qsbr) on
 * ordinary memory (--no-huge, --no-shconf: nothing shared, no hugepage
 * taken). This thread is the only RCU reader, so the tests decide when a
 * grace period ends: semantics and versions, the exact key count (FULL),
 * old values that stay readable and unchanged until a quiescent state and
 * come back to the free slots after it, BUSY when every slot waits for a
 * reader, deleted keys' slots and positions reclaimed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "kv.h" /* generated from docs/examples/kv.schema */
#include "kv_service.h"

static struct rte_rcu_qsbr *qv;

static int
group_setup(void **state)
{
	char *args[] = { "test_kv_store", "--no-huge", "--no-shconf", "-m", "128", "--no-pci",
			 "-l", "0", "--no-telemetry", "--log-level=lib.eal:error", NULL };
	size_t sz;

	(void)state;
	if (rte_eal_init(RTE_DIM(args) - 1, args) < 0)
		return -1;
	sz = rte_rcu_qsbr_get_memsize(1);
	qv = rte_zmalloc("test_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (qv == NULL || rte_rcu_qsbr_init(qv, 1) != 0)
		return -1;
	/* This thread is reader 0, online: a grace period ends only when it
	 * says so (rte_rcu_qsbr_quiescent()). */
	rte_rcu_qsbr_thread_register(qv, 0);
	rte_rcu_qsbr_thread_online(qv, 0);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	rte_rcu_qsbr_thread_offline(qv, 0);
	rte_rcu_qsbr_thread_unregister(qv, 0);
	rte_free(qv);
	rte_eal_cleanup();
	return 0;
}

static struct kv_service *
make(uint32_t keys)
{
	struct kv_service_config cfg = {
		.keys = keys, .value_max = 0, .body_max = 2024, .chain_max = 2024,
		.socket = SOCKET_ID_ANY,
	};
	char err[256] = "";
	struct kv_service *kv = kv_create(&cfg, qv, err, sizeof(err));

	if (kv == NULL)
		fail_msg("kv_create: %s", err);
	return kv;
}

static void
quiesce(struct kv_service *kv)
{
	rte_rcu_qsbr_quiescent(qv, 0);
	kv_store_reclaim(kv);
}

/* kv_free() needs every reader past its grace periods, as the server's
 * workers are once they stopped. */
static void
done(struct kv_service *kv)
{
	rte_rcu_qsbr_quiescent(qv, 0);
	kv_free(kv);
}

static int
put(struct kv_service *kv, const char *key, const char *value, uint64_t *version)
{
	return kv_store_put(kv, key, (uint32_t)strlen(key), value, (uint32_t)strlen(value), 0,
			    version);
}

static void
test_value_max_fit(void **state)
{
	(void)state;
	/* 2024-byte body - 28 (put_req fixed block) - 62 (longest key). */
	assert_int_equal(kv_value_max_fit(2024), 1934);
	assert_int_equal(kv_value_max_fit(65383), 65293);
	assert_int_equal(kv_value_max_fit(90), 0);
	assert_int_equal(kv_value_max_fit(91), 1);
	assert_int_equal(kv_value_max_fit(0), 0);
}

static void
test_semantics(void **state)
{
	struct kv_service *kv = make(16);
	const void *v;
	uint32_t n;
	uint64_t ver;
	char long_key[KV_KEY_MAX + 1];

	(void)state;
	assert_int_equal(kv_store_get(kv, "a", 1, &v, &n, &ver), kv_kv_status_NOT_FOUND);
	assert_int_equal(put(kv, "a", "one", &ver), kv_kv_status_OK);
	assert_int_equal(ver, 1);
	assert_int_equal(put(kv, "a", "three", &ver), kv_kv_status_OK);
	assert_int_equal(ver, 2);
	assert_int_equal(kv_store_get(kv, "a", 1, &v, &n, &ver), kv_kv_status_OK);
	assert_int_equal(ver, 2);
	assert_int_equal(n, 5);
	assert_memory_equal(v, "three", 5);
	/* "a" and "a\0" are two keys: the length is part of the key. */
	assert_int_equal(kv_store_get(kv, "a\0", 2, &v, &n, &ver), kv_kv_status_NOT_FOUND);
	assert_int_equal(kv_store_put(kv, "a", 1, "x", 1, 1, &ver), kv_kv_status_EXISTS);
	assert_int_equal(ver, 2);
	assert_int_equal(kv_store_delete(kv, "a", 1), kv_kv_status_OK);
	assert_int_equal(kv_store_delete(kv, "a", 1), kv_kv_status_NOT_FOUND);
	assert_int_equal(kv_store_get(kv, "a", 1, &v, &n, &ver), kv_kv_status_NOT_FOUND);
	/* Created again: versions start again. */
	assert_int_equal(kv_store_put(kv, "a", 1, "x", 1, 1, &ver), kv_kv_status_OK);
	assert_int_equal(ver, 1);
	memset(long_key, 'k', sizeof(long_key));
	assert_int_equal(kv_store_put(kv, long_key, KV_KEY_MAX, "v", 1, 0, &ver), kv_kv_status_OK);
	assert_int_equal(kv_store_put(kv, long_key, KV_KEY_MAX + 1, "v", 1, 0, &ver),
			 kv_kv_status_TOO_LARGE);
	assert_int_equal(kv_store_put(kv, "b", 1, long_key, 1935, 0, &ver),
			 kv_kv_status_TOO_LARGE);
	assert_int_equal(kv_store_keys(kv), 2);
	done(kv);
}

static void
test_full_is_exact(void **state)
{
	struct kv_service *kv = make(16);
	char key[16];
	uint64_t ver;
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		assert_int_equal(put(kv, key, "v", &ver), kv_kv_status_OK);
	}
	assert_int_equal(kv_store_keys(kv), 16);
	assert_int_equal(put(kv, "k16", "v", &ver), kv_kv_status_FULL);
	/* An overwrite and an if_absent on a held key add nothing. */
	assert_int_equal(put(kv, "k3", "w", &ver), kv_kv_status_OK);
	assert_int_equal(kv_store_put(kv, "k4", 2, "w", 1, 1, &ver), kv_kv_status_EXISTS);
	assert_int_equal(kv_store_keys(kv), 16);
	assert_int_equal(kv_store_delete(kv, "k0", 2), kv_kv_status_OK);
	assert_int_equal(kv_store_keys(kv), 15);
	/* Room for one, at once (the count does not wait for readers). */
	assert_int_equal(put(kv, "k16", "v", &ver), kv_kv_status_OK);
	assert_int_equal(put(kv, "k17", "v", &ver), kv_kv_status_FULL);
	assert_int_equal(kv_store_keys(kv), 16);
	quiesce(kv);
	assert_int_equal(kv_store_keys(kv), 16);
	done(kv);
}

static void
test_old_values_wait_for_readers(void **state)
{
	struct kv_service *kv = make(16);
	const unsigned int nb = kv_store_nb_slots(kv);
	const void *old, *v;
	uint32_t n;
	uint64_t ver;
	unsigned int i;

	(void)state;
	assert_int_equal(kv_store_free_slots(kv), nb);
	assert_int_equal(put(kv, "a", "first", &ver), kv_kv_status_OK);
	assert_int_equal(kv_store_get(kv, "a", 1, &old, &n, &ver), kv_kv_status_OK);
	/* Overwrites while this reader is inside its critical section: its
	 * old value is neither reused nor changed. */
	for (i = 0; i < 10; i++)
		assert_int_equal(put(kv, "a", "second", &ver), kv_kv_status_OK);
	assert_memory_equal(old, "first", 5);
	assert_int_equal(kv_store_free_slots(kv), nb - 11);
	kv_store_reclaim(kv); /* no grace period yet: nothing comes back */
	assert_int_equal(kv_store_free_slots(kv), nb - 11);
	quiesce(kv);
	assert_int_equal(kv_store_free_slots(kv), nb - 1);
	assert_int_equal(kv_store_get(kv, "a", 1, &v, &n, &ver), kv_kv_status_OK);
	assert_int_equal(ver, 11);
	assert_memory_equal(v, "second", 6);
	/* A delete: the slot and the key's position come back after a grace
	 * period, and the key can be made again. */
	assert_int_equal(kv_store_delete(kv, "a", 1), kv_kv_status_OK);
	assert_int_equal(kv_store_free_slots(kv), nb - 1);
	quiesce(kv);
	assert_int_equal(kv_store_free_slots(kv), nb);
	assert_int_equal(kv_store_keys(kv), 0);
	assert_int_equal(put(kv, "a", "again", &ver), kv_kv_status_OK);
	assert_int_equal(ver, 1);
	done(kv);
}

static void
test_busy_until_grace_period(void **state)
{
	struct kv_service *kv = make(16);
	const unsigned int nb = kv_store_nb_slots(kv);
	uint64_t ver;
	unsigned int i;

	(void)state;
	assert_int_equal(put(kv, "a", "v", &ver), kv_kv_status_OK);
	/* Every other slot ends up waiting for this reader. */
	for (i = 1; i < nb; i++)
		assert_int_equal(put(kv, "a", "v", &ver), kv_kv_status_OK);
	assert_int_equal(kv_store_free_slots(kv), 0);
	assert_int_equal(put(kv, "a", "w", &ver), kv_kv_status_BUSY);
	assert_int_equal(put(kv, "b", "w", &ver), kv_kv_status_BUSY);
	assert_int_equal(kv_store_keys(kv), 1);
	/* The reader passes a quiescent state: the next PUT reclaims. */
	rte_rcu_qsbr_quiescent(qv, 0);
	assert_int_equal(put(kv, "a", "w", &ver), kv_kv_status_OK);
	assert_int_equal(ver, nb + 1);
	done(kv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_max_fit),
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_full_is_exact),
		cmocka_unit_test(test_old_values_wait_for_readers),
		cmocka_unit_test(test_busy_until_grace_period),
	};

	return cmocka_run_group_tests_name("kv-store", tests, group_setup, group_teardown);
}
