/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_H
#define DIPC_CODEC_H

/**
 * @file
 * dipc codec runtime: what the headers written by dipc-schemac share.
 *
 * Header-only, plain C, no DPDK: little-endian loads and stores that
 * compile to one move, the validator's error codes and its one-pass
 * reference check, the builder that appends variable fields, and the JSON
 * writer of the generated printers. docs/SCHEMA.md documents the body
 * layout byte by byte:
 * @code
 *  body 0        2          4                       fixed_len            body_len
 *       | fixed_len | reserved | fixed fields ...      | variable fields ...  |
 * @endcode
 * Variable fields are (offset u32, length u32) references, offsets relative
 * to the body, lengths in bytes.
 *
 * Names starting with __dipc_codec_ are for the generated code only.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes before the fixed fields: fixed_len (u16) and reserved (u16). */
#define DIPC_CODEC_PREFIX_LEN 4
/** Bytes of a reference to a variable field: offset (u32), length (u32). */
#define DIPC_CODEC_REF_LEN 8
/** Largest fixed block (fixed_len is 16 bits). */
#define DIPC_CODEC_FIXED_MAX 65535u
/** No array element index in an error path component. */
#define DIPC_CODEC_NO_INDEX UINT32_MAX
/** Components of a field path kept in struct dipc_codec_error. */
#define DIPC_CODEC_PATH_MAX 8

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define __DIPC_CODEC_LE16(x) __builtin_bswap16(x)
#define __DIPC_CODEC_LE32(x) __builtin_bswap32(x)
#define __DIPC_CODEC_LE64(x) __builtin_bswap64(x)
#else
#define __DIPC_CODEC_LE16(x) (x)
#define __DIPC_CODEC_LE32(x) (x)
#define __DIPC_CODEC_LE64(x) (x)
#endif

/*
 * Loads and stores at any alignment. memcpy of a constant size is one move
 * on every compiler dipc builds with; the byte swap is compiled out on
 * little-endian hosts.
 */
static inline uint8_t
dipc_codec_ld_u8(const uint8_t *p)
{
	return p[0];
}

static inline uint16_t
dipc_codec_ld_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return __DIPC_CODEC_LE16(v);
}

static inline uint32_t
dipc_codec_ld_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return __DIPC_CODEC_LE32(v);
}

static inline uint64_t
dipc_codec_ld_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return __DIPC_CODEC_LE64(v);
}

static inline int8_t
dipc_codec_ld_i8(const uint8_t *p)
{
	int8_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline int16_t
dipc_codec_ld_i16(const uint8_t *p)
{
	uint16_t u = dipc_codec_ld_u16(p);
	int16_t v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline int32_t
dipc_codec_ld_i32(const uint8_t *p)
{
	uint32_t u = dipc_codec_ld_u32(p);
	int32_t v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline int64_t
dipc_codec_ld_i64(const uint8_t *p)
{
	uint64_t u = dipc_codec_ld_u64(p);
	int64_t v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline float
dipc_codec_ld_f32(const uint8_t *p)
{
	uint32_t u = dipc_codec_ld_u32(p);
	float v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline double
dipc_codec_ld_f64(const uint8_t *p)
{
	uint64_t u = dipc_codec_ld_u64(p);
	double v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline void
dipc_codec_st_u8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static inline void
dipc_codec_st_u16(uint8_t *p, uint16_t v)
{
	uint16_t le = __DIPC_CODEC_LE16(v);

	memcpy(p, &le, sizeof(le));
}

static inline void
dipc_codec_st_u32(uint8_t *p, uint32_t v)
{
	uint32_t le = __DIPC_CODEC_LE32(v);

	memcpy(p, &le, sizeof(le));
}

static inline void
dipc_codec_st_u64(uint8_t *p, uint64_t v)
{
	uint64_t le = __DIPC_CODEC_LE64(v);

	memcpy(p, &le, sizeof(le));
}

static inline void
dipc_codec_st_i8(uint8_t *p, int8_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void
dipc_codec_st_i16(uint8_t *p, int16_t v)
{
	uint16_t u;

	memcpy(&u, &v, sizeof(u));
	dipc_codec_st_u16(p, u);
}

static inline void
dipc_codec_st_i32(uint8_t *p, int32_t v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	dipc_codec_st_u32(p, u);
}

static inline void
dipc_codec_st_i64(uint8_t *p, int64_t v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	dipc_codec_st_u64(p, u);
}

static inline void
dipc_codec_st_f32(uint8_t *p, float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	dipc_codec_st_u32(p, u);
}

static inline void
dipc_codec_st_f64(uint8_t *p, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	dipc_codec_st_u64(p, u);
}

/**
 * Length of the writer's fixed block (prefix included), from the body's
 * first two bytes. Only meaningful on a body that holds them (validated).
 */
static inline uint32_t
dipc_codec_fixed_len(const void *body)
{
	return dipc_codec_ld_u16((const uint8_t *)body);
}

/**
 * Element @p i of an array of strings, in place (not NUL-terminated).
 *
 * @param body
 *   The validated body.
 * @param a
 *   The array, from its generated getter.
 * @param i
 *   Index below the getter's count.
 * @param[out] len
 *   Length in bytes.
 * @return
 *   The first byte.
 */
static inline const char *
dipc_codec_string_at(const void *body, const void *a, uint32_t i, uint32_t *len)
{
	const uint8_t *r = (const uint8_t *)a + (size_t)i * DIPC_CODEC_REF_LEN;

	*len = dipc_codec_ld_u32(r + 4);
	return (const char *)body + dipc_codec_ld_u32(r);
}

/** Element @p i of an array of byte strings, in place: as dipc_codec_string_at(). */
static inline const uint8_t *
dipc_codec_bytes_at(const void *body, const void *a, uint32_t i, uint32_t *len)
{
	const uint8_t *r = (const uint8_t *)a + (size_t)i * DIPC_CODEC_REF_LEN;

	*len = dipc_codec_ld_u32(r + 4);
	return (const uint8_t *)body + dipc_codec_ld_u32(r);
}

/*
 * Maps (map<K, V> fields): one region of a table and the strings, read in
 * place (docs/SCHEMA.md, "Maps"). The table has 2 * count entries of
 * dipc_codec_map_width(region length) bytes each: entry 2j is where key j
 * starts, entry 2j + 1 where value j starts, relative to the region; a
 * string ends where the next one starts (the last one at the region's
 * end), and entry 0, where the first key starts, is the table's size.
 */

/** Bytes of a map table entry for a region of @p len bytes: 1, 2 or 4. */
static inline uint32_t
dipc_codec_map_width(uint64_t len)
{
	return len <= UINT8_MAX ? 1 : len <= UINT16_MAX ? 2 : 4;
}

/** @internal Entry @p i of a map table of width @p w. */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_tab(const uint8_t *t, uint32_t w, uint32_t i)
{
	if (w == 1)
		return t[i];
	if (w == 2)
		return dipc_codec_ld_u16(t + 2 * (size_t)i);
	return dipc_codec_ld_u32(t + 4 * (size_t)i);
}

/** @internal Store entry @p i of a map table of width @p w. */
static inline void
__dipc_codec_tab_st(uint8_t *t, uint32_t w, uint32_t i, uint32_t v)
{
	if (w == 1)
		t[i] = (uint8_t)v;
	else if (w == 2)
		dipc_codec_st_u16(t + 2 * (size_t)i, (uint16_t)v);
	else
		dipc_codec_st_u32(t + 4 * (size_t)i, v);
}

/** One entry of a map: what dipc_codec_map_at() reads, what the generated
 *  <pkg>_<msg>_set_<map field>() appends. */
struct dipc_codec_kv {
	const void *key;        /**< key bytes (NULL only if key_len is 0) */
	uint32_t key_len;
	const void *value;      /**< value bytes (NULL only if value_len is 0) */
	uint32_t value_len;
};

/** A map of a validated body, in place: what the generated getter fills. */
struct dipc_codec_map {
	const uint8_t *base;    /**< the region: table, then the strings */
	uint32_t len;           /**< region length in bytes */
	uint32_t w;             /**< table entry width: 1, 2 or 4 */
	uint32_t count;         /**< entries (key, value pairs) */
};

/** @internal Fill @p m from the reference at @p ref of a validated body. */
static inline uint32_t
__dipc_codec_map_open(struct dipc_codec_map *m, const void *body, const uint8_t *ref)
{
	uint32_t l = dipc_codec_ld_u32(ref + 4);

	m->base = (const uint8_t *)body + dipc_codec_ld_u32(ref);
	m->len = l;
	m->w = dipc_codec_map_width(l);
	/* Entry 0 is the table's size, 2 * count * w bytes (w a power of two:
	 * a shift, not a division). */
	m->count = l == 0 ? 0 : __dipc_codec_tab(m->base, m->w, 0) >> (1 + __builtin_ctz(m->w));
	return m->count;
}

/** @internal An empty map (a field the writer did not send). */
static inline uint32_t
__dipc_codec_map_empty(struct dipc_codec_map *m)
{
	m->base = (const uint8_t *)"";
	m->len = 0;
	m->w = 1;
	m->count = 0;
	return 0;
}

/**
 * Key @p j of a map, in place (not NUL-terminated).
 *
 * @param m
 *   The map, from its generated getter.
 * @param j
 *   Entry index below m->count.
 * @param[out] len
 *   Length in bytes.
 * @return
 *   The first byte.
 */
static inline const char *
dipc_codec_map_key(const struct dipc_codec_map *m, uint32_t j, uint32_t *len)
{
	uint32_t s = __dipc_codec_tab(m->base, m->w, 2 * j);

	*len = __dipc_codec_tab(m->base, m->w, 2 * j + 1) - s;
	return (const char *)m->base + s;
}

/** Value @p j of a map, in place: as dipc_codec_map_key(). */
static inline const char *
dipc_codec_map_value(const struct dipc_codec_map *m, uint32_t j, uint32_t *len)
{
	uint32_t s = __dipc_codec_tab(m->base, m->w, 2 * j + 1);
	uint32_t e = j + 1 < m->count ? __dipc_codec_tab(m->base, m->w, 2 * j + 2) : m->len;

	*len = e - s;
	return (const char *)m->base + s;
}

/**
 * Entry @p j of a map, key and value in place, in one call: the cheapest
 * way to read a whole map (three table loads per entry).
 *
 * @param m
 *   The map, from its generated getter.
 * @param j
 *   Entry index below m->count.
 * @param[out] e
 *   The key and value, their first bytes and lengths.
 */
static inline __attribute__((always_inline)) void
dipc_codec_map_at(const struct dipc_codec_map *m, uint32_t j, struct dipc_codec_kv *e)
{
	const uint8_t *t = m->base;
	uint32_t i = 2 * j, ks, vs, ve;

	if (__builtin_expect(m->w == 1, 1)) {
		ks = t[i];
		vs = t[i + 1];
		ve = j + 1 < m->count ? t[i + 2] : m->len;
	} else {
		ks = __dipc_codec_tab(t, m->w, i);
		vs = __dipc_codec_tab(t, m->w, i + 1);
		ve = j + 1 < m->count ? __dipc_codec_tab(t, m->w, i + 2) : m->len;
	}
	e->key = t + ks;
	e->key_len = vs - ks;
	e->value = t + vs;
	e->value_len = ve - vs;
}

/**
 * The value of the first entry whose key is the @p klen bytes at @p key
 * (a linear search: maps have no index), or NULL.
 */
static inline const char *
dipc_codec_map_find(const struct dipc_codec_map *m, const void *key, uint32_t klen,
		    uint32_t *len)
{
	uint32_t j, l;

	for (j = 0; j < m->count; j++) {
		const char *k = dipc_codec_map_key(m, j, &l);

		if (l == klen && (klen == 0 || memcmp(k, key, klen) == 0))
			return dipc_codec_map_value(m, j, len);
	}
	return NULL;
}

/*
 * Validation
 */

/** Why a body is not valid. The text of each is dipc_codec_err_str(). */
enum dipc_codec_err {
	DIPC_CODEC_OK = 0,
	/** body_len < 4, or < the fixed_len the body announces */
	DIPC_CODEC_E_BODY_SHORT,
	/** fixed_len < the fixed block of the reader's version 1 */
	DIPC_CODEC_E_FIXED_SHORT,
	/** fixed_len ends inside a field the reader knows */
	DIPC_CODEC_E_FIXED_SPLIT,
	/** reference offset inside the fixed block or past the body, or an
	 *  empty reference whose offset is not 0 */
	DIPC_CODEC_E_REF_OFFSET,
	/** reference offset + length does not fit 32 bits */
	DIPC_CODEC_E_REF_OVERFLOW,
	/** reference offset + length past the end of the body */
	DIPC_CODEC_E_REF_LENGTH,
	/** region starts before the end of the region before it (in the
	 *  order of docs/SCHEMA.md): overlapping or out of order */
	DIPC_CODEC_E_REF_OVERLAP,
	/** array region not aligned to its element's alignment */
	DIPC_CODEC_E_REF_ALIGN,
	/** array length not a multiple of the element size */
	DIPC_CODEC_E_ARRAY_LENGTH,
	/** value not in the enum */
	DIPC_CODEC_E_ENUM,
	/** bool neither 0 nor 1 */
	DIPC_CODEC_E_BOOL,
	/** header flag DIPC_MSG_F_CSUM, and the body's CRC32C is not the
	 *  header's csum (mbuf validators only) */
	DIPC_CODEC_E_CSUM,
	/** header flag DIPC_MSG_F_COMPRESSED: the body must be opened
	 *  (dipc_codec_open()) before it is validated (mbuf validators only) */
	DIPC_CODEC_E_COMPRESSED,
	/** map table: its first entry (the table's size) is 0, not a multiple
	 *  of two entries, or past the region */
	DIPC_CODEC_E_MAP_TABLE,
	/** map table: an entry below the one before it or past the region */
	DIPC_CODEC_E_MAP_ORDER,
	DIPC_CODEC_E_MAX
};

/** One component of the path to the field that failed. */
struct dipc_codec_path {
	const char *name;   /**< message or field name (static string) */
	uint32_t index;     /**< array element index, or DIPC_CODEC_NO_INDEX */
};

/** What a validator found, filled when it returns anything but OK. */
struct dipc_codec_error {
	enum dipc_codec_err code;
	/** Body offset of the offending value or reference (0 for the prefix). */
	uint32_t at;
	/** The offending value: enum or bool value, reference offset, fixed_len
	 *  or body_len, the body's CRC32C (CSUM), the header flags
	 *  (COMPRESSED), depending on the code. */
	uint64_t value;
	/** Reference length (REF_* and ARRAY_LENGTH), or what was needed
	 *  (BODY_SHORT, FIXED_SHORT: bytes; FIXED_SPLIT: end of the field;
	 *  REF_OVERLAP: end of the previous region; REF_ALIGN, ARRAY_LENGTH:
	 *  alignment, element size; CSUM: the header's csum). */
	uint64_t len;
	uint32_t fixed_len;     /**< writer's fixed block length (0 if unread) */
	uint32_t body_len;      /**< body length validated */
	/** Field path, innermost first: path[depth - 1] is the message. */
	struct dipc_codec_path path[DIPC_CODEC_PATH_MAX];
	uint32_t depth;         /**< components in path */
	bool path_cut;          /**< more components than DIPC_CODEC_PATH_MAX */
};

/** @internal Validator state: one pass, one cursor. */
struct __dipc_codec_vstate {
	const uint8_t *body;
	uint32_t body_len;
	uint32_t fixed_len;
	uint32_t cursor;        /**< end of the last region seen */
	struct dipc_codec_error *err;
};

/**
 * Short text of an error code.
 *
 * @param code
 *   Any value.
 * @return
 *   A constant string; "unknown error" outside enum dipc_codec_err.
 */
static inline const char *
dipc_codec_err_str(unsigned int code)
{
	switch (code) {
	case DIPC_CODEC_OK: return "ok";
	case DIPC_CODEC_E_BODY_SHORT: return "body too short";
	case DIPC_CODEC_E_FIXED_SHORT: return "fixed block truncated";
	case DIPC_CODEC_E_FIXED_SPLIT: return "fixed block ends inside a field";
	case DIPC_CODEC_E_REF_OFFSET: return "offset out of range";
	case DIPC_CODEC_E_REF_OVERFLOW: return "offset + length overflows";
	case DIPC_CODEC_E_REF_LENGTH: return "length past the end of the body";
	case DIPC_CODEC_E_REF_OVERLAP: return "overlaps the previous field";
	case DIPC_CODEC_E_REF_ALIGN: return "array misaligned";
	case DIPC_CODEC_E_ARRAY_LENGTH: return "array length not a multiple of the element size";
	case DIPC_CODEC_E_ENUM: return "bad enum value";
	case DIPC_CODEC_E_BOOL: return "bad bool value";
	case DIPC_CODEC_E_CSUM: return "checksum mismatch";
	case DIPC_CODEC_E_COMPRESSED: return "compressed body not opened";
	case DIPC_CODEC_E_MAP_TABLE: return "bad map table size";
	case DIPC_CODEC_E_MAP_ORDER: return "map string out of order";
	default: return "unknown error";
	}
}

/*
 * Error paths are out of line and marked cold: what stays inline in the
 * generated validators is the checks of a valid body, small enough to be
 * inlined into their loops.
 */
#define __DIPC_CODEC_COLD __attribute__((cold, noinline, unused))

/** @internal Record a failure in @p e (out of line: see above). */
static __DIPC_CODEC_COLD enum dipc_codec_err
__dipc_codec_fail_at(struct dipc_codec_error *e, enum dipc_codec_err code, uint32_t at,
		     uint64_t value, uint64_t len, uint32_t fixed_len, uint32_t body_len)
{
	e->code = code;
	e->at = at;
	e->value = value;
	e->len = len;
	e->fixed_len = fixed_len;
	e->body_len = body_len;
	e->depth = 0;
	e->path_cut = false;
	return code;
}

/*
 * The validator state is passed to out-of-line code only as values, never
 * by address, so that the compiler can keep it in registers.
 */

/** @internal Record a failure at @p at; the callers add the path. */
static inline __attribute__((always_inline)) enum dipc_codec_err
__dipc_codec_fail(struct __dipc_codec_vstate *st, enum dipc_codec_err code, const uint8_t *at,
		  uint64_t value, uint64_t len)
{
	return __dipc_codec_fail_at(st->err, code, (uint32_t)(at - st->body), value, len,
				    st->fixed_len, st->body_len);
}

/** @internal Add the next outer path component to a failure in @p e. */
static __DIPC_CODEC_COLD enum dipc_codec_err
__dipc_codec_path_err(struct dipc_codec_error *e, enum dipc_codec_err r, const char *name,
		      uint32_t index)
{
	if (e->depth < DIPC_CODEC_PATH_MAX) {
		e->path[e->depth].name = name;
		e->path[e->depth].index = index;
		e->depth++;
	} else {
		e->path_cut = true;
	}
	return r;
}

/** @internal Add the next outer path component to a failure; returns @p r. */
static inline __attribute__((always_inline)) enum dipc_codec_err
__dipc_codec_path(struct __dipc_codec_vstate *st, enum dipc_codec_err r, const char *name,
		  uint32_t index)
{
	return __dipc_codec_path_err(st->err, r, name, index);
}

/**
 * @internal
 * Start a validation: the prefix, then fixed_len against the reader's
 * version 1 block and against the body.
 */
static inline enum dipc_codec_err
__dipc_codec_begin(struct __dipc_codec_vstate *st, const void *body, uint32_t body_len,
		   uint32_t min_fixed, struct dipc_codec_error *err)
{
	st->body = body;
	st->body_len = body_len;
	st->fixed_len = 0;
	st->cursor = 0;
	st->err = err;
	if (body_len < DIPC_CODEC_PREFIX_LEN)
		return __dipc_codec_fail(st, DIPC_CODEC_E_BODY_SHORT, st->body, body_len,
					 DIPC_CODEC_PREFIX_LEN);
	st->fixed_len = dipc_codec_ld_u16(st->body);
	if (st->fixed_len < min_fixed)
		return __dipc_codec_fail(st, DIPC_CODEC_E_FIXED_SHORT, st->body, st->fixed_len,
					 min_fixed);
	if (st->fixed_len > body_len)
		return __dipc_codec_fail(st, DIPC_CODEC_E_BODY_SHORT, st->body, body_len,
					 st->fixed_len);
	st->cursor = st->fixed_len;
	return DIPC_CODEC_OK;
}

/**
 * @internal
 * The reference at @p ref (offset @p o, length @p l) failed the fast test
 * of __dipc_codec_check_ref(): find the first rule it breaks, in the
 * documented order, or accept it (an empty reference). @p st is a copy.
 */
static __DIPC_CODEC_COLD enum dipc_codec_err
__dipc_codec_check_ref_slow(struct __dipc_codec_vstate st, const uint8_t *ref, uint32_t align,
			    uint32_t elem_size, uint32_t o, uint32_t l)
{
	enum dipc_codec_err code;
	uint64_t value = o, len = l;

	if (l == 0) {
		if (o == 0)
			return DIPC_CODEC_OK;
		code = DIPC_CODEC_E_REF_OFFSET;
	} else if (o < st.fixed_len || o > st.body_len) {
		code = DIPC_CODEC_E_REF_OFFSET;
	} else if (l > UINT32_MAX - o) {
		code = DIPC_CODEC_E_REF_OVERFLOW;
	} else if (l > st.body_len - o) {
		code = DIPC_CODEC_E_REF_LENGTH;
	} else if (o < st.cursor) {
		code = DIPC_CODEC_E_REF_OVERLAP;
		len = st.cursor;
	} else if ((o & (align - 1)) != 0) {
		code = DIPC_CODEC_E_REF_ALIGN;
		len = align;
	} else {
		/* What is left of the fast test: l % elem_size != 0. */
		code = DIPC_CODEC_E_ARRAY_LENGTH;
		value = l;
		len = elem_size;
	}
	return __dipc_codec_fail(&st, code, ref, value, len);
}

/**
 * @internal
 * Check the reference at @p ref: an empty one is (0, 0); any other region
 * lies after the fixed block, inside the body, after the previous region,
 * aligned to @p align (a power of two), and holds whole elements of
 * @p elem_size bytes. On success the region is (*off, *len) and the
 * cursor moves to its end.
 *
 * One test accepts a valid non-empty region (the cursor is never below
 * fixed_len, and the 64-bit end covers offset, overflow and length);
 * anything else goes to the slow path, which tells which rule failed.
 */
static inline __attribute__((always_inline)) enum dipc_codec_err
__dipc_codec_check_ref(struct __dipc_codec_vstate *st, const uint8_t *ref, uint32_t align,
		       uint32_t elem_size, uint32_t *off, uint32_t *len)
{
	uint32_t o = dipc_codec_ld_u32(ref);
	uint32_t l = dipc_codec_ld_u32(ref + 4);

	*off = o;
	*len = l;
	if (__builtin_expect(l != 0 && o >= st->cursor &&
			     (uint64_t)o + l <= st->body_len && (o & (align - 1)) == 0 &&
			     l % elem_size == 0, 1)) {
		st->cursor = o + l;
		return DIPC_CODEC_OK;
	}
	return __dipc_codec_check_ref_slow(*st, ref, align, elem_size, o, l);
}

/**
 * @internal
 * Check the table of a map region (offset @p off, length @p len) that
 * __dipc_codec_check_ref() accepted with alignment dipc_codec_map_width(len):
 * entry 0 is a non-zero multiple of two entries and inside the region, and
 * every entry is at or after the one before it and inside the region.
 */
static inline __attribute__((always_inline)) enum dipc_codec_err
__dipc_codec_check_map(struct __dipc_codec_vstate *st, uint32_t off, uint32_t len)
{
	const uint8_t *t = st->body + off;
	uint32_t w = dipc_codec_map_width(len);
	uint32_t n, i, prev, v;

	if (len == 0)
		return DIPC_CODEC_OK;
	v = __dipc_codec_tab(t, w, 0);
	if (v == 0 || (v & (2 * w - 1)) != 0 || v > len)
		return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_TABLE, t, v, len);
	n = v >> __builtin_ctz(w);
	prev = v;
	for (i = 1; i < n; i++) {
		v = __dipc_codec_tab(t, w, i);
		if (v < prev)
			return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_ORDER, t + (size_t)i * w, v,
						 prev);
		if (v > len)
			return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_ORDER, t + (size_t)i * w, v,
						 len);
		prev = v;
	}
	return DIPC_CODEC_OK;
}

/*
 * The fast pass. A generated validator first runs a pass that only answers
 * "valid" or "not sure": straight-line tests with no error bookkeeping,
 * one compare per reference against the end of the previous region (the
 * cursor, 64 bits wide so that offset + length cannot wrap). The cursor
 * only grows, so "every region ends inside the body" is one test at the
 * end, plus one before any region whose contents are read (arrays, maps).
 * Anything the fast pass does not accept (an invalid body, an older
 * writer's shorter fixed block) goes to the precise pass, which finds the
 * first error in the documented order, or accepts the body. The fast pass
 * accepts only valid bodies (fuzz_schema checks that it never accepts what
 * the precise pass refuses), and reads nothing outside the body.
 */

/**
 * @internal
 * Fast test of the reference at @p ref: (0, 0), or a region at or after
 * *cur, aligned to @p align, of whole @p elem_size elements; moves *cur to
 * its end. The caller tests *cur against the body length.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_ref_fast(const uint8_t *ref, uint64_t *cur, uint32_t align, uint32_t elem_size,
		      uint32_t *off, uint32_t *len)
{
	uint32_t o = dipc_codec_ld_u32(ref);
	uint32_t l = dipc_codec_ld_u32(ref + 4);

	*off = o;
	*len = l;
	if (l == 0)
		return o == 0;
	if (o < *cur || (o & (align - 1)) != 0 || l % elem_size != 0)
		return false;
	*cur = (uint64_t)o + l;
	return true;
}

/** @internal 16 bytes 0xff, 16 zeros: the first n lanes of a 16-byte compare at 16 - n. */
static const uint8_t __dipc_codec_lanes[32] __attribute__((unused)) = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/**
 * @internal
 * Whether the @p v 1-byte entries at @p t (inside a region of @p l bytes
 * from @p t) never go down: 16 pairs per vector compare while the 17
 * bytes it reads are in the region, one pair at a time after that.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_tab8_sorted(const uint8_t *t, uint32_t v, uint32_t l)
{
	uint32_t i = 0, bad = 0;

#if defined(__GNUC__) && !defined(DIPC_CODEC_NO_VECTOR)
	typedef uint8_t __dipc_codec_v16 __attribute__((vector_size(16)));

	while (i + 1 < v && i + 17 <= l) {
		uint32_t n = v - 1 - i;         /* pairs left */
		__dipc_codec_v16 a, b, m;
		uint64_t h[2];

		memcpy(&a, t + i, 16);
		memcpy(&b, t + i + 1, 16);
		memcpy(&m, __dipc_codec_lanes + 16 - (n < 16 ? n : 16), 16);
		a = (__dipc_codec_v16)(a > b) & m;
		memcpy(h, &a, 16);
		if ((h[0] | h[1]) != 0)
			return false;
		i += 16;
	}
#endif
	/* Values are below 256: a negative difference sets bit 31. */
	for (; i + 1 < v; i++)
		bad |= (uint32_t)t[i + 1] - t[i];
	return (bad >> 31) == 0;
}

/**
 * @internal
 * Fast test of a map reference at @p ref and of its table: the region
 * inside the body (checked here: the table is read), aligned to its table
 * width, the table in order.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_map_fast(const uint8_t *body, uint32_t body_len, const uint8_t *ref, uint64_t *cur)
{
	uint32_t o = dipc_codec_ld_u32(ref);
	uint32_t l = dipc_codec_ld_u32(ref + 4);
	const uint8_t *t = body + o;
	uint32_t w, v, n, i, bad;

	if (l == 0)
		return o == 0;
	if (o < *cur || (uint64_t)o + l > body_len)
		return false;
	*cur = (uint64_t)o + l;
	if (__builtin_expect(l <= UINT8_MAX, 1)) {
		/* Width 1: no alignment; entry 0 is twice the count. */
		v = t[0];
		if (v == 0 || (v & 1) != 0 || v > l)
			return false;
		/* Entries that do not go down, the last <= l: all <= l. */
		return __dipc_codec_tab8_sorted(t, v, l) && t[v - 1] <= l;
	}
	w = dipc_codec_map_width(l);
	if ((o & (w - 1)) != 0)
		return false;
	v = __dipc_codec_tab(t, w, 0);
	if (v == 0 || (v & (2 * w - 1)) != 0 || v > l)
		return false;
	n = v >> __builtin_ctz(w);
	bad = 0;
	for (i = 1; i < n; i++)
		bad |= (uint32_t)(__dipc_codec_tab(t, w, i) < __dipc_codec_tab(t, w, i - 1));
	return bad == 0 && __dipc_codec_tab(t, w, n - 1) <= l;
}

/**
 * Write a validation error as one line of text, snprintf-style, e.g.
 * "order.fills[3].venue_ref: length past the end of the body: offset 96 +
 * length 40 > body length 120 (reference at body offset 52)".
 *
 * @param e
 *   An error filled by a generated validator.
 * @param buf
 *   Destination, NUL-terminated when @p size > 0; may be NULL if size is 0.
 * @param size
 *   Bytes at @p buf.
 * @return
 *   The length of the whole text (without NUL), as snprintf.
 */
static inline int
dipc_codec_error_format(const struct dipc_codec_error *e, char *buf, size_t size)
{
	char path[256];
	size_t n = 0;
	uint32_t i;
	int w;

	path[0] = '\0';
	for (i = e->depth; i > 0 && n < sizeof(path); i--) {
		const struct dipc_codec_path *c = &e->path[i - 1];

		w = snprintf(path + n, sizeof(path) - n, "%s%s%s", i == e->depth ? "" : ".",
			     e->path_cut && i == e->depth ? "..." : "", c->name);
		n += w > 0 ? (size_t)w : 0;
		if (c->index != DIPC_CODEC_NO_INDEX && n < sizeof(path)) {
			w = snprintf(path + n, sizeof(path) - n, "[%" PRIu32 "]", c->index);
			n += w > 0 ? (size_t)w : 0;
		}
	}
	switch (e->code) {
	case DIPC_CODEC_E_BODY_SHORT:
		return snprintf(buf, size, "%s: %s: body length %" PRIu64 " < %" PRIu64,
				path, dipc_codec_err_str(e->code), e->value, e->len);
	case DIPC_CODEC_E_FIXED_SHORT:
		return snprintf(buf, size, "%s: %s: fixed_len %" PRIu64 " < %" PRIu64
				" (this reader's version 1)",
				path, dipc_codec_err_str(e->code), e->value, e->len);
	case DIPC_CODEC_E_FIXED_SPLIT:
		return snprintf(buf, size, "%s: %s: fixed_len %" PRIu64
				" ends inside bytes %" PRIu32 "..%" PRIu64,
				path, dipc_codec_err_str(e->code), e->value, e->at, e->len - 1);
	case DIPC_CODEC_E_REF_OFFSET:
	case DIPC_CODEC_E_REF_OVERFLOW:
	case DIPC_CODEC_E_REF_LENGTH:
		return snprintf(buf, size, "%s: %s: offset %" PRIu64 " length %" PRIu64
				", variable area %" PRIu32 "..%" PRIu32
				" (reference at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->fixed_len,
				e->body_len, e->at);
	case DIPC_CODEC_E_REF_OVERLAP:
		return snprintf(buf, size, "%s: %s: offset %" PRIu64
				" < end %" PRIu64 " of the previous region"
				" (reference at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->at);
	case DIPC_CODEC_E_REF_ALIGN:
		return snprintf(buf, size, "%s: %s: offset %" PRIu64
				" not a multiple of %" PRIu64 " (reference at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->at);
	case DIPC_CODEC_E_ARRAY_LENGTH:
		return snprintf(buf, size, "%s: %s: length %" PRIu64
				", element size %" PRIu64 " (reference at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->at);
	case DIPC_CODEC_E_ENUM:
	case DIPC_CODEC_E_BOOL:
		return snprintf(buf, size, "%s: %s: %" PRIu64 " at body offset %" PRIu32,
				path, dipc_codec_err_str(e->code), e->value, e->at);
	case DIPC_CODEC_E_CSUM:
		return snprintf(buf, size, "%s: %s: CRC32C of the %" PRIu32 "-byte body 0x%08" PRIx64
				", header csum 0x%08" PRIx64,
				path, dipc_codec_err_str(e->code), e->body_len, e->value, e->len);
	case DIPC_CODEC_E_COMPRESSED:
		return snprintf(buf, size, "%s: %s: header flags 0x%02" PRIx64
				" (decompress with dipc_codec_open() first)",
				path, dipc_codec_err_str(e->code), e->value);
	case DIPC_CODEC_E_MAP_TABLE:
		return snprintf(buf, size, "%s: %s: table size %" PRIu64
				", region length %" PRIu64 " (table at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->at);
	case DIPC_CODEC_E_MAP_ORDER:
		return snprintf(buf, size, "%s: %s: string at %" PRIu64
				" of the region, bound %" PRIu64 " (table entry at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->at);
	default:
		return snprintf(buf, size, "%s: %s", path, dipc_codec_err_str(e->code));
	}
}

/*
 * Builder
 */

/**
 * A body being written: the fixed block first, then each variable field
 * appended once at the end, aligned, after a bounds check. Initialise it
 * with the generated <pkg>_<msg>_build_init().
 */
struct dipc_codec_builder {
	uint8_t *body;  /**< the body (fixed block at offset 0) */
	uint32_t room;  /**< bytes available at body */
	uint32_t len;   /**< bytes written so far: the body length */
	int err;        /**< 0, or the first error (-ENOSPC, -EINVAL); sticky */
};

/** @internal Start a body with a zeroed fixed block of @p fixed_size bytes. */
static inline int
__dipc_codec_build_init(struct dipc_codec_builder *b, void *buf, uint32_t room,
			uint32_t fixed_size)
{
	b->body = buf;
	b->room = room;
	b->len = 0;
	b->err = 0;
	if (buf == NULL) {
		b->room = 0;
		b->err = -EINVAL;
		return b->err;
	}
	if (room < fixed_size) {
		b->err = -ENOSPC;
		return b->err;
	}
	memset(buf, 0, fixed_size);
	dipc_codec_st_u16(b->body, (uint16_t)fixed_size);
	b->len = fixed_size;
	return 0;
}

/**
 * @internal
 * Reserve @p len bytes at the end, aligned to @p align (power of two),
 * zero the padding and write the reference at @p ref. An empty field is
 * the reference (0, 0). Returns the region (the end of the body if empty),
 * or NULL when the builder failed before or has no room (sets b->err).
 */
static inline uint8_t *
__dipc_codec_build_append(struct dipc_codec_builder *b, uint8_t *ref, uint64_t len,
			  uint32_t align)
{
	uint64_t off;

	if (b->err != 0)
		return NULL;
	if (len == 0) {
		dipc_codec_st_u32(ref, 0);
		dipc_codec_st_u32(ref + 4, 0);
		return b->body + b->len;
	}
	off = ((uint64_t)b->len + align - 1) & ~(uint64_t)(align - 1);
	if (off + len > b->room) {
		b->err = -ENOSPC;
		return NULL;
	}
	memset(b->body + b->len, 0, (size_t)(off - b->len));
	dipc_codec_st_u32(ref, (uint32_t)off);
	dipc_codec_st_u32(ref + 4, (uint32_t)len);
	b->len = (uint32_t)(off + len);
	return b->body + off;
}

/** @internal Append a copy of @p len bytes (string or bytes field). */
static inline int
__dipc_codec_build_copy(struct dipc_codec_builder *b, uint8_t *ref, const void *src, uint32_t len)
{
	uint8_t *p;

	if (src == NULL && len != 0) {
		if (b->err == 0)
			b->err = -EINVAL;
		return -EINVAL;
	}
	p = __dipc_codec_build_append(b, ref, len, 1);
	if (p == NULL)
		return b->err;
	if (len != 0)
		memcpy(p, src, len);
	return 0;
}

/** @internal Append @p count zeroed elements of @p size bytes. */
static inline void *
__dipc_codec_build_array(struct dipc_codec_builder *b, uint8_t *ref, uint32_t count,
			 uint32_t size, uint32_t align)
{
	uint64_t len = (uint64_t)count * size;
	uint8_t *p;

	if (len > UINT32_MAX) {
		if (b->err == 0)
			b->err = -ENOSPC;
		return NULL;
	}
	p = __dipc_codec_build_append(b, ref, len, align);
	if (p != NULL && len != 0)
		memset(p, 0, (size_t)len);
	return p;
}

/**
 * Append element @p i of an array of strings that the builder added
 * (generated <pkg>_<msg>_add_<field>()): a copy of @p len bytes.
 *
 * @return
 *   0, -ENOSPC (no room), or -EINVAL (@p s NULL with len > 0).
 */
static inline int
dipc_codec_build_string_at(struct dipc_codec_builder *b, void *a, uint32_t i, const char *s,
			   uint32_t len)
{
	return __dipc_codec_build_copy(b, (uint8_t *)a + (size_t)i * DIPC_CODEC_REF_LEN, s, len);
}

/** Append element @p i of an array of byte strings: as dipc_codec_build_string_at(). */
static inline int
dipc_codec_build_bytes_at(struct dipc_codec_builder *b, void *a, uint32_t i, const void *p,
			  uint32_t len)
{
	return __dipc_codec_build_copy(b, (uint8_t *)a + (size_t)i * DIPC_CODEC_REF_LEN, p, len);
}


/**
 * Length of the region of a map of @p count entries whose keys and values
 * have @p bytes bytes in all: its table and its strings (0 if empty). The
 * region is aligned to dipc_codec_map_width() of that length.
 */
static inline uint64_t
dipc_codec_map_len(uint32_t count, uint64_t bytes)
{
	uint64_t n = 2 * (uint64_t)count;

	if (count == 0)
		return bytes;
	if (n + bytes <= UINT8_MAX)
		return n + bytes;
	if (2 * n + bytes <= UINT16_MAX)
		return 2 * n + bytes;
	return 4 * n + bytes;
}

/** @internal Append a map of @p count entries and write its reference at @p ref. */
static inline int
__dipc_codec_build_map(struct dipc_codec_builder *b, uint8_t *ref,
		       const struct dipc_codec_kv *kv, uint32_t count)
{
	uint64_t bytes = 0, len;
	uint32_t i, w, pos;
	uint8_t *p;

	if (b->err != 0)
		return b->err;
	if (kv == NULL && count != 0) {
		b->err = -EINVAL;
		return b->err;
	}
	for (i = 0; i < count; i++) {
		if ((kv[i].key == NULL && kv[i].key_len != 0) ||
		    (kv[i].value == NULL && kv[i].value_len != 0)) {
			b->err = -EINVAL;
			return b->err;
		}
		bytes += (uint64_t)kv[i].key_len + kv[i].value_len;
	}
	len = dipc_codec_map_len(count, bytes);
	if (len > UINT32_MAX) {
		b->err = -ENOSPC;
		return b->err;
	}
	w = dipc_codec_map_width(len);
	p = __dipc_codec_build_append(b, ref, len, w);
	if (p == NULL)
		return b->err;
	pos = 2 * count * w;
	for (i = 0; i < count; i++) {
		__dipc_codec_tab_st(p, w, 2 * i, pos);
		if (kv[i].key_len != 0)
			memcpy(p + pos, kv[i].key, kv[i].key_len);
		pos += kv[i].key_len;
		__dipc_codec_tab_st(p, w, 2 * i + 1, pos);
		if (kv[i].value_len != 0)
			memcpy(p + pos, kv[i].value, kv[i].value_len);
		pos += kv[i].value_len;
	}
	return 0;
}

/**
 * Finish a body.
 *
 * @param b
 *   The builder.
 * @param[out] body_len
 *   The body length, when it returns 0.
 * @return
 *   0; -ENOSPC if a field did not fit; -EINVAL if a call had a NULL buffer
 *   or source.
 */
static inline int
dipc_codec_build_finish(const struct dipc_codec_builder *b, uint32_t *body_len)
{
	if (b->err != 0)
		return b->err;
	*body_len = b->len;
	return 0;
}

/**
 * Body bytes a variable field adds after @p end, padding included: the
 * building block of the generated <pkg>_<msg>_size() helpers, and of
 * sizes of nested variable fields.
 *
 * @param end
 *   Body length before the field.
 * @param len
 *   Field length in bytes (0 for an empty field).
 * @param align
 *   Its alignment (1 for strings and bytes, the element's for arrays).
 * @return
 *   The body length after the field.
 */
static inline uint64_t
dipc_codec_size_add(uint64_t end, uint64_t len, uint32_t align)
{
	if (len == 0)
		return end;
	return ((end + align - 1) & ~(uint64_t)(align - 1)) + len;
}

/** Body length after a map of @p count entries and @p bytes bytes appended at @p end. */
static inline uint64_t
dipc_codec_size_add_map(uint64_t end, uint32_t count, uint64_t bytes)
{
	uint64_t len = dipc_codec_map_len(count, bytes);

	if (len == 0)
		return end;
	return dipc_codec_size_add(end, len, dipc_codec_map_width(len));
}

/*
 * JSON writer: snprintf-style, never allocates. Output that does not fit is
 * counted, not written; dipc_codec_json_end() NUL-terminates. Slow path:
 * kept out of line so that printers stay small.
 */
/** A JSON output buffer. */
struct dipc_codec_json {
	char *buf;
	size_t size;
	size_t len;     /**< length of the whole output so far */
};

static inline void
dipc_codec_json_init(struct dipc_codec_json *j, char *buf, size_t size)
{
	j->buf = buf;
	j->size = buf != NULL ? size : 0;
	j->len = 0;
}

/** NUL-terminate (when size > 0) and return the length of the whole text. */
static inline size_t
dipc_codec_json_end(struct dipc_codec_json *j)
{
	if (j->size > 0)
		j->buf[j->len < j->size ? j->len : j->size - 1] = '\0';
	return j->len;
}

static __DIPC_CODEC_COLD void
dipc_codec_json_putc(struct dipc_codec_json *j, char c)
{
	if (j->len + 1 < j->size)
		j->buf[j->len] = c;
	j->len++;
}

static __DIPC_CODEC_COLD void
dipc_codec_json_raw(struct dipc_codec_json *j, const char *s)
{
	while (*s != '\0')
		dipc_codec_json_putc(j, *s++);
}

/** ',' unless first, then "name": */
static __DIPC_CODEC_COLD void
dipc_codec_json_key(struct dipc_codec_json *j, const char *name, bool first)
{
	if (!first)
		dipc_codec_json_putc(j, ',');
	dipc_codec_json_putc(j, '"');
	dipc_codec_json_raw(j, name);
	dipc_codec_json_raw(j, "\":");
}

static __DIPC_CODEC_COLD void
dipc_codec_json_u64(struct dipc_codec_json *j, uint64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	dipc_codec_json_raw(j, tmp);
}

static __DIPC_CODEC_COLD void
dipc_codec_json_i64(struct dipc_codec_json *j, int64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	dipc_codec_json_raw(j, tmp);
}

/** A float: shortest round-trip digits; NaN and infinities as strings. */
static __DIPC_CODEC_COLD void
dipc_codec_json_f64(struct dipc_codec_json *j, double v, int digits)
{
	char tmp[40];

	if (v != v) {
		dipc_codec_json_raw(j, "\"NaN\"");
		return;
	}
	if (__builtin_isinf(v)) {
		dipc_codec_json_raw(j, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.*g", digits, v);
	dipc_codec_json_raw(j, tmp);
}

static __DIPC_CODEC_COLD void
dipc_codec_json_bool(struct dipc_codec_json *j, bool v)
{
	dipc_codec_json_raw(j, v ? "true" : "false");
}

/** A JSON string of @p len bytes: quotes, backslashes and bytes < 0x20 escaped. */
static __DIPC_CODEC_COLD void
dipc_codec_json_str(struct dipc_codec_json *j, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = s;
	size_t i;

	dipc_codec_json_putc(j, '"');
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			dipc_codec_json_putc(j, '\\');
			dipc_codec_json_putc(j, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			dipc_codec_json_raw(j, "\\u00");
			dipc_codec_json_putc(j, hex[c >> 4]);
			dipc_codec_json_putc(j, hex[c & 0xf]);
		} else {
			dipc_codec_json_putc(j, (char)c);
		}
	}
	dipc_codec_json_putc(j, '"');
}

/** A fixed char array: the bytes before the first NUL, as a JSON string. */
static __DIPC_CODEC_COLD void
dipc_codec_json_chars(struct dipc_codec_json *j, const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	dipc_codec_json_str(j, s, nul == NULL ? size : (size_t)(nul - s));
}

/** Bytes as a JSON string of lower-case hex digits. */
static __DIPC_CODEC_COLD void
dipc_codec_json_hex(struct dipc_codec_json *j, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = s;
	size_t i;

	dipc_codec_json_putc(j, '"');
	for (i = 0; i < len; i++) {
		dipc_codec_json_putc(j, hex[p[i] >> 4]);
		dipc_codec_json_putc(j, hex[p[i] & 0xf]);
	}
	dipc_codec_json_putc(j, '"');
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CODEC_H */
