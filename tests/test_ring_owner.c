/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: unit tests of the ring transport's owner maps
 * (drivers/ring/dipc_ring_owner.h): which addresses are objects, who holds
 * each, take and lend, the sweep at close, and the mbuf field checks and
 * repair. Plain heap memory stands in for a pool: no EAL, no hugepages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dipc_ring_owner.h"

/* Objects three cache lines apart (so that their bits cross the words of
 * the map), and a buffer of objects of mbuf shape. */
#define NB_OBJS 200
#define STRIDE ((size_t)3 * RTE_CACHE_LINE_SIZE)
#define MBUF_ROOM 2048
#define MBUF_STRIDE RTE_ALIGN_CEIL(sizeof(struct rte_mbuf) + MBUF_ROOM, RTE_CACHE_LINE_SIZE)

struct fixture {
	uint8_t *mem;
	void *objs[NB_OBJS];
	struct dipc_ring_owner_map pm;
};

/* The objects handed to the map in a scrambled order: the map must index
 * them by address whatever the order. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->mem = aligned_alloc(RTE_CACHE_LINE_SIZE, (size_t)NB_OBJS * STRIDE);
	assert_non_null(f->mem);
	for (i = 0; i < NB_OBJS; i++)
		f->objs[(i * 7) % NB_OBJS] = f->mem + (size_t)i * STRIDE;
	assert_int_equal(dipc_ring_owner_map_build(&f->pm, f->objs, NB_OBJS), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	dipc_ring_owner_map_free(&f->pm);
	free(f->mem);
	free(f);
	return 0;
}

static void *
obj(const struct fixture *f, unsigned int i)
{
	return f->mem + (size_t)i * STRIDE;
}

static void
test_every_object_indexed_in_address_order(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	assert_int_equal(f->pm.nb_objs, NB_OBJS);
	for (i = 0; i < NB_OBJS; i++) {
		assert_int_equal(dipc_ring_obj_index(&f->pm, obj(f, i)), i);
		assert_int_equal(f->pm.owner[i], DIPC_RING_OWNER_SERVER);
	}
	assert_int_equal(dipc_ring_owner_lent(&f->pm), 0);
}

static void
test_non_objects_refused(void **state)
{
	struct fixture *f = *state;
	const uint8_t *first = obj(f, 0), *last = obj(f, NB_OBJS - 1);

	assert_int_equal(dipc_ring_obj_index(&f->pm, NULL), DIPC_RING_NO_OBJECT);
	assert_int_equal(dipc_ring_obj_index(&f->pm, first - RTE_CACHE_LINE_SIZE),
			 DIPC_RING_NO_OBJECT);
	assert_int_equal(dipc_ring_obj_index(&f->pm, first + 8), DIPC_RING_NO_OBJECT);
	/* A cache line inside an object is no object. */
	assert_int_equal(dipc_ring_obj_index(&f->pm, first + RTE_CACHE_LINE_SIZE),
			 DIPC_RING_NO_OBJECT);
	assert_int_equal(dipc_ring_obj_index(&f->pm, first + (size_t)2 * RTE_CACHE_LINE_SIZE),
			 DIPC_RING_NO_OBJECT);
	assert_int_equal(dipc_ring_obj_index(&f->pm, last + RTE_CACHE_LINE_SIZE),
			 DIPC_RING_NO_OBJECT);
	assert_int_equal(dipc_ring_obj_index(&f->pm, last + STRIDE), DIPC_RING_NO_OBJECT);
	assert_int_equal(dipc_ring_obj_index(&f->pm, (void *)UINTPTR_MAX), DIPC_RING_NO_OBJECT);
}

static void
test_take_only_what_was_lent_to_that_slot(void **state)
{
	struct fixture *f = *state;
	const uint16_t a = DIPC_RING_OWNER_SLOT(3), b = DIPC_RING_OWNER_SLOT(4);

	dipc_ring_lend(&f->pm, obj(f, 10), a);
	assert_int_equal(f->pm.owner[10], a);
	assert_int_equal(dipc_ring_owner_lent(&f->pm), 1);
	/* Another slot's mbuf: refused, and still the first slot's. */
	assert_int_equal(dipc_ring_take(&f->pm, obj(f, 10), b), DIPC_RING_NOT_LENT);
	assert_int_equal(f->pm.owner[10], a);
	/* Never lent: refused. */
	assert_int_equal(dipc_ring_take(&f->pm, obj(f, 11), a), DIPC_RING_NOT_LENT);
	/* Not an object: refused, nothing written. */
	assert_int_equal(dipc_ring_take(&f->pm, (uint8_t *)obj(f, 10) + 8, a),
			 DIPC_RING_NOT_MBUF);
	assert_int_equal(dipc_ring_take(&f->pm, obj(f, 10), a), DIPC_RING_TAKEN);
	assert_int_equal(f->pm.owner[10], DIPC_RING_OWNER_SERVER);
	/* The same pointer twice (twice in a burst): the second is refused. */
	assert_int_equal(dipc_ring_take(&f->pm, obj(f, 10), a), DIPC_RING_NOT_LENT);
	assert_int_equal(dipc_ring_owner_lent(&f->pm), 0);
}

static void
test_lend_of_a_non_object_writes_nothing(void **state)
{
	struct fixture *f = *state;
	uint16_t before[NB_OBJS];

	memcpy(before, f->pm.owner, sizeof(before));
	dipc_ring_lend(&f->pm, (uint8_t *)obj(f, 5) + RTE_CACHE_LINE_SIZE,
		       DIPC_RING_OWNER_SLOT(1));
	dipc_ring_lend(&f->pm, (uint8_t *)obj(f, NB_OBJS - 1) + STRIDE, DIPC_RING_OWNER_SLOT(1));
	assert_memory_equal(before, f->pm.owner, sizeof(before));
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_collect_takes_back_exactly_one_slots_objects(void **state)
{
	struct fixture *f = *state;
	const uint16_t one = DIPC_RING_OWNER_SLOT(0), two = DIPC_RING_OWNER_SLOT(65533);
	void *got[NB_OBJS];
	unsigned int i, n;

	for (i = 0; i < NB_OBJS; i++)
		if (i % 3 == 0)
			dipc_ring_lend(&f->pm, obj(f, i), one);
		else if (i % 3 == 1)
			dipc_ring_lend(&f->pm, obj(f, i), two);
	assert_int_equal(dipc_ring_owner_lent(&f->pm), 67 + 67);
	n = dipc_ring_owner_collect(&f->pm, one, got);
	assert_int_equal(n, 67);
	qsort(got, n, sizeof(got[0]), cmp_ptr);
	for (i = 0; i < n; i++)
		assert_ptr_equal(got[i], obj(f, 3 * i));
	for (i = 0; i < NB_OBJS; i++)
		assert_int_equal(f->pm.owner[i], i % 3 == 1 ? two : DIPC_RING_OWNER_SERVER);
	/* Nothing left for the first slot; the second's all come back. */
	assert_int_equal(dipc_ring_owner_collect(&f->pm, one, got), 0);
	assert_int_equal(dipc_ring_owner_collect(&f->pm, two, got), 67);
	assert_int_equal(dipc_ring_owner_lent(&f->pm), 0);
}

static void
test_build_refuses_bad_addresses(void **state)
{
	struct fixture *f = *state;
	struct dipc_ring_owner_map pm;
	void *objs[3] = { obj(f, 0), obj(f, 1), obj(f, 2) };

	assert_int_equal(dipc_ring_owner_map_build(&pm, objs, 0), -EINVAL);
	objs[1] = (uint8_t *)obj(f, 1) + 8;
	assert_int_equal(dipc_ring_owner_map_build(&pm, objs, 3), -EINVAL);
	assert_null(pm.owner);
	objs[1] = objs[2]; /* the same object twice */
	assert_int_equal(dipc_ring_owner_map_build(&pm, objs, 3), -EINVAL);
	assert_null(pm.owner);
	assert_null(pm.objects);
}

/* A map over objects shaped as the mbufs of a pool (header, then buffer). */
struct mbuf_fixture {
	uint8_t *mem;
	struct dipc_ring_owner_map pm;
};

static struct rte_mbuf *
mbuf_at(const struct mbuf_fixture *f, unsigned int i)
{
	return (struct rte_mbuf *)(f->mem + (size_t)i * MBUF_STRIDE);
}

static void
mbuf_map(struct mbuf_fixture *f)
{
	void *objs[4];
	unsigned int i;

	f->mem = aligned_alloc(RTE_CACHE_LINE_SIZE, 4 * MBUF_STRIDE);
	assert_non_null(f->mem);
	memset(f->mem, 0xa5, 4 * MBUF_STRIDE);
	for (i = 0; i < 4; i++)
		objs[i] = mbuf_at(f, i);
	assert_int_equal(dipc_ring_owner_map_build(&f->pm, objs, 4), 0);
	f->pm.buf_offset = sizeof(struct rte_mbuf);
	f->pm.buf_len = MBUF_ROOM;
	f->pm.pool = (struct rte_mempool *)(uintptr_t)0x1000; /* compared, never read */
}

static void
test_repair_makes_a_scribbled_mbuf_a_good_empty_one(void **state)
{
	struct mbuf_fixture f;
	struct rte_mbuf *m;
	uint16_t off, len;

	(void)state;
	mbuf_map(&f);
	m = mbuf_at(&f, 2);
	/* Garbage everywhere (0xa5): not a message. */
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	dipc_ring_mbuf_repair(&f.pm, m);
	assert_true(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	assert_int_equal(off, RTE_PKTMBUF_HEADROOM);
	assert_int_equal(len, 0);
	assert_ptr_equal(m->buf_addr, (uint8_t *)m + sizeof(struct rte_mbuf));
	assert_null(m->next);
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	dipc_ring_owner_map_free(&f.pm);
	free(f.mem);
}

static void
test_field_checks_refuse_each_bad_field(void **state)
{
	struct mbuf_fixture f;
	struct rte_mbuf *m;
	uint16_t off, len;

	(void)state;
	mbuf_map(&f);
	m = mbuf_at(&f, 1);
#define FRESH() do { dipc_ring_mbuf_repair(&f.pm, m); m->data_len = 100; m->pkt_len = 100; } while (0)
	FRESH();
	assert_true(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	assert_int_equal(len, 100);
	FRESH();
	m->buf_addr = (uint8_t *)m->buf_addr + 64;
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	assert_false(dipc_ring_seg_fields_ok(&f.pm, m, &off, &len));
	FRESH();
	m->buf_len = MBUF_ROOM + 64;
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	FRESH();
	m->pool = NULL;
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	FRESH();
	rte_mbuf_refcnt_set(m, 2);
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	assert_false(dipc_ring_seg_fields_ok(&f.pm, m, &off, &len));
	FRESH();
	m->pkt_len = 101;
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	/* A segment of a chain: pkt_len and nb_segs are the chain's. */
	assert_true(dipc_ring_seg_fields_ok(&f.pm, m, &off, &len));
	FRESH();
	m->nb_segs = 2;
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	assert_true(dipc_ring_seg_fields_ok(&f.pm, m, &off, &len));
	FRESH();
	/* Data past the buffer's end. */
	m->data_off = MBUF_ROOM - 50;
	assert_false(dipc_ring_mbuf_fields_ok(&f.pm, m, &off, &len));
	assert_false(dipc_ring_seg_fields_ok(&f.pm, m, &off, &len));
	assert_int_equal(off, MBUF_ROOM - 50);
	assert_int_equal(len, 100);
#undef FRESH
	dipc_ring_owner_map_free(&f.pm);
	free(f.mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_object_indexed_in_address_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_non_objects_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_only_what_was_lent_to_that_slot, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lend_of_a_non_object_writes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_collect_takes_back_exactly_one_slots_objects,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_refuses_bad_addresses, setup, teardown),
		cmocka_unit_test(test_repair_makes_a_scribbled_mbuf_a_good_empty_one),
		cmocka_unit_test(test_field_checks_refuse_each_bad_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
