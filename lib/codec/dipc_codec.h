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
 * Maps (map<K, V> fields): one region, read in place (docs/SCHEMA.md,
 * rule 7): a header byte (the table's width code in bits 0-1, the entry
 * count in bits 2-7, or 0 there and the count in the next 4 bytes), a
 * table of lengths, one per key and value, then the keys and values back
 * to back in entry order. Width code 0: one byte per entry, the key's
 * length in its low 4 bits, the value's in its high 4 bits (every string
 * shorter than 16 bytes); 1, 2, 3: two u8, u16 or u32 lengths per entry.
 */

/** @internal Bytes of the count in a map header (count below 64: none). */
#define __DIPC_CODEC_MAP_SMALL 64u

/** One entry of a map: what dipc_codec_map_next() and dipc_codec_map_at()
 *  read, what the generated <pkg>_<msg>_set_<map field>() appends. */
struct dipc_codec_kv {
	const void *key;        /**< key bytes (NULL only if key_len is 0) */
	uint32_t key_len;
	const void *value;      /**< value bytes (NULL only if value_len is 0) */
	uint32_t value_len;
};

/** A map of a validated body, in place: what the generated getter fills. */
struct dipc_codec_map {
	const uint8_t *tab;     /**< the table of lengths */
	const uint8_t *str;     /**< key 0, then value 0, key 1, ... */
	uint32_t count;         /**< entries (key, value pairs) */
	uint32_t code;          /**< table width code, 0..3 */
};

/** Walks a map entry by entry: dipc_codec_map_iter(), dipc_codec_map_next(). */
struct dipc_codec_map_iter {
	const uint8_t *tab;     /**< next entry's lengths */
	const uint8_t *pos;     /**< next key */
	uint32_t left;          /**< entries not read yet */
	uint32_t code;
};

/** @internal Key and value lengths of entry @p j of a table of width @p code. */
static inline __attribute__((always_inline)) void
__dipc_codec_map_lens(const uint8_t *tab, uint32_t code, uint32_t j, uint32_t *kl, uint32_t *vl)
{
	if (__builtin_expect(code == 0, 1)) {
		*kl = tab[j] & 0x0f;
		*vl = tab[j] >> 4;
	} else if (code == 1) {
		*kl = tab[2 * (size_t)j];
		*vl = tab[2 * (size_t)j + 1];
	} else if (code == 2) {
		*kl = dipc_codec_ld_u16(tab + 4 * (size_t)j);
		*vl = dipc_codec_ld_u16(tab + 4 * (size_t)j + 2);
	} else {
		*kl = dipc_codec_ld_u32(tab + 8 * (size_t)j);
		*vl = dipc_codec_ld_u32(tab + 8 * (size_t)j + 4);
	}
}

/** @internal An empty map (a field the writer did not send). */
static inline uint32_t
__dipc_codec_map_empty(struct dipc_codec_map *m)
{
	m->tab = (const uint8_t *)"";
	m->str = m->tab;
	m->count = 0;
	m->code = 0;
	return 0;
}

/** @internal Fill @p m from the reference at @p ref of a validated body. */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_map_open(struct dipc_codec_map *m, const void *body, const uint8_t *ref)
{
	const uint8_t *t = (const uint8_t *)body + dipc_codec_ld_u32(ref);
	uint32_t n;

	if (dipc_codec_ld_u32(ref + 4) == 0)
		return __dipc_codec_map_empty(m);
	n = t[0] >> 2;
	m->code = t[0] & 3;
	m->tab = t + 1;
	if (n == 0) {
		n = dipc_codec_ld_u32(t + 1);
		m->tab = t + 5;
	}
	m->count = n;
	/* Table bytes: n << code (code 0: one byte per entry). */
	m->str = m->tab + ((size_t)n << m->code);
	return n;
}


/** Start walking map @p m from its first entry. */
static inline __attribute__((always_inline)) void
dipc_codec_map_iter(struct dipc_codec_map_iter *it, const struct dipc_codec_map *m)
{
	it->tab = m->tab;
	it->pos = m->str;
	it->left = m->count;
	it->code = m->code;
}

/**
 * The next entry of a map, key and value in place (not NUL-terminated).
 *
 * @param it
 *   The walk, from dipc_codec_map_iter().
 * @param[out] e
 *   The key and value: first bytes and lengths.
 * @return
 *   false when every entry has been read (e untouched).
 */
static inline __attribute__((always_inline)) bool
dipc_codec_map_next(struct dipc_codec_map_iter *it, struct dipc_codec_kv *e)
{
	uint32_t kl, vl;

	if (it->left == 0)
		return false;
	__dipc_codec_map_lens(it->tab, it->code, 0, &kl, &vl);
	it->tab += it->code == 0 ? 1 : 2u << (it->code - 1);
	e->key = it->pos;
	e->key_len = kl;
	e->value = it->pos + kl;
	e->value_len = vl;
	it->pos += (size_t)kl + vl;
	it->left--;
	return true;
}

/**
 * Entry @p j of a map, key and value in place. The table holds lengths,
 * not offsets: this adds up the lengths of the j entries before it (O(j));
 * to read a whole map, walk it with dipc_codec_map_next().
 */
static inline void
dipc_codec_map_at(const struct dipc_codec_map *m, uint32_t j, struct dipc_codec_kv *e)
{
	const uint8_t *p = m->str;
	uint32_t i, kl, vl;

	for (i = 0; i < j; i++) {
		__dipc_codec_map_lens(m->tab, m->code, i, &kl, &vl);
		p += (size_t)kl + vl;
	}
	__dipc_codec_map_lens(m->tab, m->code, j, &kl, &vl);
	e->key = p;
	e->key_len = kl;
	e->value = p + kl;
	e->value_len = vl;
}

/** Key @p j of a map, in place (O(j), as dipc_codec_map_at()). */
static inline const char *
dipc_codec_map_key(const struct dipc_codec_map *m, uint32_t j, uint32_t *len)
{
	struct dipc_codec_kv e;

	dipc_codec_map_at(m, j, &e);
	*len = e.key_len;
	return (const char *)e.key;
}

/** Value @p j of a map, in place (O(j), as dipc_codec_map_at()). */
static inline const char *
dipc_codec_map_value(const struct dipc_codec_map *m, uint32_t j, uint32_t *len)
{
	struct dipc_codec_kv e;

	dipc_codec_map_at(m, j, &e);
	*len = e.value_len;
	return (const char *)e.value;
}

/**
 * The value of the first entry whose key is the @p klen bytes at @p key
 * (a linear walk: maps have no index), or NULL.
 */
static inline const char *
dipc_codec_map_find(const struct dipc_codec_map *m, const void *key, uint32_t klen,
		    uint32_t *len)
{
	struct dipc_codec_map_iter it;
	struct dipc_codec_kv e;

	dipc_codec_map_iter(&it, m);
	while (dipc_codec_map_next(&it, &e)) {
		if (e.key_len == klen && (klen == 0 || memcmp(e.key, key, klen) == 0)) {
			*len = e.value_len;
			return (const char *)e.value;
		}
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
	/** map: its header and table do not fit in its region, or a count of
	 *  64 or more written in the header byte's place of a short one */
	DIPC_CODEC_E_MAP_TABLE,
	/** map: the lengths of its keys and values do not add up to what
	 *  the region holds after the table */
	DIPC_CODEC_E_MAP_LENGTH,
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
	case DIPC_CODEC_E_MAP_TABLE: return "map table past its region";
	case DIPC_CODEC_E_MAP_LENGTH: return "map strings do not fill their region";
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
	st->body = (const uint8_t *)body;
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
 * Check a map region (offset @p off, length @p len) that
 * __dipc_codec_check_ref() accepted: its header and table inside the
 * region, and the lengths of its keys and values adding up to exactly
 * what is left of it.
 */
static inline __attribute__((always_inline)) enum dipc_codec_err
__dipc_codec_check_map(struct __dipc_codec_vstate *st, uint32_t off, uint32_t len)
{
	const uint8_t *t = st->body + off;
	uint64_t tsize, sum = 0, hdr = 1;
	uint32_t code, n, j, kl, vl;

	if (len == 0)
		return DIPC_CODEC_OK;
	code = t[0] & 3;
	n = t[0] >> 2;
	if (n == 0) {
		if (len < 5)
			return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_TABLE, t, 5, len);
		n = dipc_codec_ld_u32(t + 1);
		hdr = 5;
		/* A count under 64 has its place in the header byte. */
		if (n < __DIPC_CODEC_MAP_SMALL)
			return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_TABLE, t,
						 __DIPC_CODEC_MAP_SMALL, n);
	}
	tsize = (uint64_t)n << code;
	if (tsize > len - hdr)
		return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_TABLE, t, hdr + tsize, len);
	for (j = 0; j < n; j++) {
		__dipc_codec_map_lens(t + hdr, code, j, &kl, &vl);
		sum += (uint64_t)kl + vl;
	}
	if (sum != len - hdr - tsize)
		return __dipc_codec_fail(st, DIPC_CODEC_E_MAP_LENGTH, t, sum, len - hdr - tsize);
	return DIPC_CODEC_OK;
}

/*
 * The fast pass. A generated validator first runs a pass that only answers
 * "valid" or "not sure": straight-line tests with no error bookkeeping,
 * one compare per reference against the end of the previous region (the
 * cursor, 64 bits wide so that offset + length cannot wrap). The cursor
 * only grows, so "every region ends inside the body" is one test at the
 * end, plus one before the bytes of a region are read (the elements of an
 * array that are walked; the first 9 bytes of a small map).
 * Anything the fast pass does not accept (an invalid body, an older
 * writer's shorter fixed block) goes to the precise pass, which finds the
 * first error in the documented order, or accepts the body. The fast pass
 * accepts only valid bodies (fuzz_schema checks that it never accepts what
 * the precise pass refuses), and reads nothing outside the body.
 */

/**
 * @internal
 * The inverse of an odd @p m modulo 2^32, by Newton's iteration: each step
 * doubles the bits of m^-1 that are right (m * m = 1 mod 8: 3 bits to
 * start, 48 after 4 steps). Folds to a constant for a constant @p m.
 */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_inverse(uint32_t m)
{
	uint32_t inv = m;

	inv *= 2 - m * inv;
	inv *= 2 - m * inv;
	inv *= 2 - m * inv;
	inv *= 2 - m * inv;
	return inv;
}

/**
 * @internal
 * Whether @p x is a multiple of @p d (>= 1) without a division: with d =
 * 2^k * m, m odd, x is a multiple of d exactly when (x * m^-1 mod 2^32)
 * rotated right by k is at most (2^32 - 1) / d (the inverse is exact
 * modulo 2^32 for odd m); it is then x / d. With a constant @p d,
 * everything but one multiply, one rotate and one compare folds away (a
 * mask when d is a power of two).
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_multiple(uint32_t x, uint32_t d)
{
	uint32_t k = (uint32_t)__builtin_ctz(d), m = d >> k, y;

	if (m == 1)
		return (x & (d - 1)) == 0;
	y = x * __dipc_codec_inverse(m);
	y = (y >> k) | (y << ((32 - k) & 31));
	/* In 64 bits: gcc turns y <= UINT32_MAX / d into an overflow test of
	 * y * d (a move and a multiply more than this compare). */
	return (uint64_t)y < (uint64_t)(UINT32_MAX / d) + 1;
}

/**
 * @internal
 * The number of @p d-byte elements in an array region of @p l bytes that
 * the validator accepted (a whole number of them): l / d, computed as a
 * shift by d's power of two and a multiply by the inverse of its odd part
 * modulo 2^32 (exact because the division leaves no remainder; with a
 * constant @p d, two instructions and no division). On a length that is
 * not a multiple of @p d, which no validated body has, the result is not
 * l / d.
 */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_count(uint32_t l, uint32_t d)
{
	uint32_t k = (uint32_t)__builtin_ctz(d);

	return (l >> k) * __dipc_codec_inverse(d >> k);
}

/**
 * @internal
 * Fast test of a string or bytes reference at @p ref: (0, 0), or a
 * non-empty region at or after *cur; moves *cur to its end. The caller
 * tests *cur against the body length.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_str_fast(const uint8_t *ref, uint64_t *cur)
{
	/* 64-bit from the loads on: no zero-extension between the tests. */
	uint64_t o = dipc_codec_ld_u32(ref);
	uint64_t l = dipc_codec_ld_u32(ref + 4);

	if (__builtin_expect(l == 0, 0))
		return o == 0;
	if (__builtin_expect(o < *cur, 0))
		return false;
	*cur = o + l;
	return true;
}

/**
 * @internal
 * Whether @p x is a multiple of @p d (>= 1) other than 0: as
 * __dipc_codec_multiple(), with the compare moved down by one (x = 0 gives
 * 0, which wraps to the top), so that "not empty" costs no test of its own.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_multiple_nz(uint32_t x, uint32_t d)
{
	uint32_t k = (uint32_t)__builtin_ctz(d), m = d >> k, y;

	if (m == 1)
		return x != 0 && (x & (d - 1)) == 0;
	y = x * __dipc_codec_inverse(m);
	y = (y >> k) | (y << ((32 - k) & 31));
	return (uint64_t)(uint32_t)(y - 1) < (uint64_t)(UINT32_MAX / d);
}

/**
 * @internal
 * Fast test of an array reference at @p ref: (0, 0), or a region at or
 * after *cur, aligned to @p align (a power of two), of whole @p elem_size
 * elements; moves *cur to its end. The caller tests *cur against the body
 * length.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_arr_fast(const uint8_t *ref, uint64_t *cur, uint32_t align, uint32_t elem_size)
{
	uint64_t o = dipc_codec_ld_u32(ref);
	uint64_t l = dipc_codec_ld_u32(ref + 4);

	/* The empty reference fails the first test (the cursor is at least
	 * 4) and the length test. */
	if (__builtin_expect(o >= *cur && (o & (align - 1)) == 0 &&
			     __dipc_codec_multiple_nz((uint32_t)l, elem_size), 1)) {
		*cur = o + l;
		return true;
	}
	return o == 0 && l == 0;
}

/**
 * @internal
 * Fast test of an array region (offset @p o, length @p l) whose elements
 * are read next: not empty, at or after *cur, aligned to @p align (a power
 * of two), of whole @p elem_size elements, and inside the body (the
 * elements are read); moves *cur to its end. The generated code then walks
 * the elements with a do-while loop (at least one, and the walk ends on
 * the region's end exactly), or, when this fails, accepts only the empty
 * reference (0, 0), which leaves *cur as it was.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_walk_fast(uint64_t o, uint64_t l, uint64_t *cur, uint32_t body_len, uint32_t align,
		       uint32_t elem_size)
{
	if (__builtin_expect(o < *cur || (o & (align - 1)) != 0 ||
			     !__dipc_codec_multiple_nz((uint32_t)l, elem_size), 0))
		return false;
	*cur = o + l;
	return *cur <= body_len;
}

/** @internal The 8 bytes at @p p, little-endian, as one number. */
static inline __attribute__((always_inline)) uint64_t
__dipc_codec_ld_word(const uint8_t *p)
{
	return dipc_codec_ld_u64(p);
}

/** @internal Sum of the two nibbles of each of the 8 bytes of @p x. */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_word_nibbles(uint64_t x)
{
	const uint64_t lo = 0x0f0f0f0f0f0f0f0full;

	/* Per byte: low + high nibble (<= 30); the multiply adds the 8 bytes
	 * into the top one (<= 240, no carry out). */
	x = (x & lo) + ((x >> 4) & lo);
	return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

/** @internal Sum of the 8 bytes of @p x. */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_word_bytes(uint64_t x)
{
	const uint64_t lo = 0x00ff00ff00ff00ffull;

	/* Per 16-bit lane: two bytes (<= 510); the multiply adds the 4 lanes
	 * into the top one (<= 2040, no carry out). */
	x = (x & lo) + ((x >> 8) & lo);
	return (uint32_t)((x * 0x0001000100010001ull) >> 48);
}

/** @internal The low @p n (1..7) bytes of @p x, the others zero. */
static inline __attribute__((always_inline)) uint64_t
__dipc_codec_word_low(uint64_t x, uint32_t n)
{
	return x & (~0ull >> (64 - 8 * n));
}

/**
 * @internal
 * Sum of the key and value lengths of @p n entries of a width-0 table
 * (one byte each, two 4-bit lengths) at @p t, of which @p room bytes may
 * be read (the table and what follows it in the map's region): 8 entries
 * per 64-bit load, the last few with one more load when the room allows.
 */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_nibble_sum(const uint8_t *t, uint32_t n, uint32_t room)
{
	uint32_t j = 0, sum = 0;

	for (; j + 8 <= n; j += 8)
		sum += __dipc_codec_word_nibbles(__dipc_codec_ld_word(t + j));
	if (j == n)
		return sum;
	if (__builtin_expect(j + 8 <= room, 1))
		return sum + __dipc_codec_word_nibbles(
			__dipc_codec_word_low(__dipc_codec_ld_word(t + j), n - j));
	for (; j < n; j++)
		sum += (uint32_t)(t[j] & 0x0f) + (t[j] >> 4);
	return sum;
}

/**
 * @internal
 * Sum of the @p n bytes at @p t (a width-1 table: two u8 lengths per
 * entry), of which @p room bytes may be read, 8 per 64-bit load.
 */
static inline __attribute__((always_inline)) uint32_t
__dipc_codec_byte_sum(const uint8_t *t, uint32_t n, uint32_t room)
{
	uint32_t j = 0, sum = 0;

	for (; j + 8 <= n; j += 8)
		sum += __dipc_codec_word_bytes(__dipc_codec_ld_word(t + j));
	if (j == n)
		return sum;
	if (__builtin_expect(j + 8 <= room, 1))
		return sum + __dipc_codec_word_bytes(
			__dipc_codec_word_low(__dipc_codec_ld_word(t + j), n - j));
	for (; j < n; j++)
		sum += t[j];
	return sum;
}

/**
 * @internal
 * The lengths of the map region at @p t (@p l bytes, inside the body,
 * header byte @p h) add up, for any table width and a count below 64.
 */
static __attribute__((noinline, unused)) bool
__dipc_codec_map_sum_any(const uint8_t *t, uint32_t l, uint32_t h)
{
	uint32_t code = h & 3, n = h >> 2, tsize = n << code, j, kl, vl;
	uint64_t sum = 0;

	if (n == 0 || tsize >= l)
		return false;
	/* The table and the strings after it: l - 1 bytes from t + 1. */
	if (code == 0)
		return __dipc_codec_nibble_sum(t + 1, n, l - 1) == l - 1 - tsize;
	if (code == 1)
		return __dipc_codec_byte_sum(t + 1, tsize, l - 1) == l - 1 - tsize;
	for (j = 0; j < n; j++) {
		__dipc_codec_map_lens(t + 1, code, j, &kl, &vl);
		sum += (uint64_t)kl + vl;
	}
	return sum == (uint64_t)l - 1 - tsize;
}

/**
 * @internal
 * The fast test of a map reference (offset @p o, length @p l) that the
 * inline test of __dipc_codec_map_fast() did not accept: an empty map, a
 * map that is not small, a small one too near the end of the body, or
 * a bad one. Returns the cursor after the map, or 0 if not sure.
 */
static __attribute__((noinline, unused)) uint64_t
__dipc_codec_map_fast_other(const uint8_t *body, uint32_t body_len, uint64_t o, uint64_t l,
			    uint64_t cur)
{
	const uint8_t *t;
	uint32_t h, tsize, sum;
	uint64_t x;

	if (l == 0)
		return o == 0 ? cur : 0;
	if (o < cur || o + l > body_len)
		return 0;
	t = body + o;
	h = t[0];
	tsize = h >> 1;
	/* Width code 1 (a string of 16 to 255 bytes), 1 to 8 entries: the
	 * 2n table bytes in one or two 64-bit loads from the region, the
	 * bytes after the table shifted out. */
	if (((h - 5) & ~0x1cu) == 0 && l >= 1 + 8 * (1 + (tsize > 8))) {
		if (tsize <= 8) {
			x = __dipc_codec_ld_word(t + 1) << ((0u - 8 * tsize) & 63);
			sum = __dipc_codec_word_bytes(x);
		} else {
			x = __dipc_codec_ld_word(t + 9) << ((0u - 8 * tsize) & 63);
			sum = __dipc_codec_word_bytes(__dipc_codec_ld_word(t + 1)) +
			      __dipc_codec_word_bytes(x);
		}
		return sum + tsize + 1 == l ? o + l : 0;
	}
	return __dipc_codec_map_sum_any(t, (uint32_t)l, h) ? o + l : 0;
}

/**
 * @internal
 * Fast test of a map reference at @p ref and of its region: after the
 * previous region, a header with a count below 64, and lengths that add
 * up to the region (larger maps go to the precise pass); moves *cur to its
 * end. The caller tests *cur against the body length.
 *
 * A small map (1 to 8 entries, every string under 16 bytes: a header byte
 * 4n, then n table bytes) is tested inline: its first 9 bytes (header and
 * one 64-bit load of the table) are inside the body, and the n lengths'
 * nibbles, plus the header and table bytes, add up to l. That sum is at
 * least n + 1 > 0, so it also proves l > 0 (the empty reference (0, 0)
 * fails the cursor test, the cursor being at least 4) and the table
 * inside the region; the region's end is tested with the cursor at the
 * end of the fast pass. Anything else goes out of line.
 */
static inline __attribute__((always_inline)) bool
__dipc_codec_map_fast(const uint8_t *body, uint32_t body_len, const uint8_t *ref, uint64_t *cur)
{
	uint64_t o = dipc_codec_ld_u32(ref);
	uint64_t l = dipc_codec_ld_u32(ref + 4);

	/* Signed: a body under 9 bytes refuses every offset. */
	if (__builtin_expect(o >= *cur && (int64_t)o <= (int64_t)body_len - 9, 1)) {
		const uint8_t *t = body + o;
		uint32_t h = t[0];

		/* h - 4 in {0, 4, ..., 28}: width code 0, 1 <= n <= 8. */
		if (__builtin_expect(((h - 4) & ~0x1cu) == 0, 1)) {
			/* The n table bytes at the top of the word, the
			 * rest shifted out (8 * n = 2 * h; a shift by
			 * 64 - 2h, 0 for n = 8). */
			uint64_t x = __dipc_codec_ld_word(t + 1) << ((0u - 2 * h) & 63);

			if (__builtin_expect(__dipc_codec_word_nibbles(x) + (h >> 2) + 1 == l, 1)) {
				*cur = o + l;
				return true;
			}
		}
	}
	o = __dipc_codec_map_fast_other(body, body_len, o, l, *cur);
	if (o == 0)
		return false;
	*cur = o;
	return true;
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
		return snprintf(buf, size, "%s: %s: needs %" PRIu64 ", has %" PRIu64
				" (map at body offset %" PRIu32 ")",
				path, dipc_codec_err_str(e->code), e->value, e->len, e->at);
	case DIPC_CODEC_E_MAP_LENGTH:
		return snprintf(buf, size, "%s: %s: lengths add up to %" PRIu64
				", strings area %" PRIu64 " (map at body offset %" PRIu32 ")",
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
	b->body = (uint8_t *)buf;
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
 * have @p bytes bytes in all, the longest @p longest bytes: header, table
 * and strings (0 if empty). Maps are aligned to 1.
 */
static inline uint64_t
dipc_codec_map_len(uint32_t count, uint64_t bytes, uint32_t longest)
{
	uint32_t code = longest < 16 ? 0 : longest <= UINT8_MAX ? 1 :
			longest <= UINT16_MAX ? 2 : 3;

	if (count == 0)
		return bytes;
	return (count < __DIPC_CODEC_MAP_SMALL ? 1 : 5) + ((uint64_t)count << code) + bytes;
}

/** @internal Append a map of @p count entries and write its reference at @p ref. */
static inline int
__dipc_codec_build_map(struct dipc_codec_builder *b, uint8_t *ref,
		       const struct dipc_codec_kv *kv, uint32_t count)
{
	uint64_t bytes = 0, len;
	uint32_t i, code, longest = 0;
	uint8_t *p, *t, *s;

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
		longest |= kv[i].key_len | kv[i].value_len;
	}
	/* The OR of the lengths has the bit length of the longest. */
	len = dipc_codec_map_len(count, bytes, longest);
	if (len > UINT32_MAX) {
		b->err = -ENOSPC;
		return b->err;
	}
	p = __dipc_codec_build_append(b, ref, len, 1);
	if (p == NULL || count == 0)
		return b->err;
	code = longest < 16 ? 0 : longest <= UINT8_MAX ? 1 : longest <= UINT16_MAX ? 2 : 3;
	if (count < __DIPC_CODEC_MAP_SMALL) {
		p[0] = (uint8_t)(count << 2 | code);
		t = p + 1;
	} else {
		p[0] = (uint8_t)code;
		dipc_codec_st_u32(p + 1, count);
		t = p + 5;
	}
	s = t + ((size_t)count << code);
	for (i = 0; i < count; i++) {
		if (code == 0) {
			t[i] = (uint8_t)(kv[i].key_len | kv[i].value_len << 4);
		} else if (code == 1) {
			t[2 * i] = (uint8_t)kv[i].key_len;
			t[2 * i + 1] = (uint8_t)kv[i].value_len;
		} else if (code == 2) {
			dipc_codec_st_u16(t + 4 * (size_t)i, (uint16_t)kv[i].key_len);
			dipc_codec_st_u16(t + 4 * (size_t)i + 2, (uint16_t)kv[i].value_len);
		} else {
			dipc_codec_st_u32(t + 8 * (size_t)i, kv[i].key_len);
			dipc_codec_st_u32(t + 8 * (size_t)i + 4, kv[i].value_len);
		}
		if (kv[i].key_len != 0)
			memcpy(s, kv[i].key, kv[i].key_len);
		s += kv[i].key_len;
		if (kv[i].value_len != 0)
			memcpy(s, kv[i].value, kv[i].value_len);
		s += kv[i].value_len;
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

/** Body length after a map (dipc_codec_map_len()) appended at @p end. */
static inline uint64_t
dipc_codec_size_add_map(uint64_t end, uint32_t count, uint64_t bytes, uint32_t longest)
{
	return end + dipc_codec_map_len(count, bytes, longest);
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
	const uint8_t *p = (const uint8_t *)s;
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
	const char *nul = (const char *)memchr(s, '\0', size);

	dipc_codec_json_str(j, s, nul == NULL ? size : (size_t)(nul - s));
}

/** Bytes as a JSON string of lower-case hex digits. */
static __DIPC_CODEC_COLD void
dipc_codec_json_hex(struct dipc_codec_json *j, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
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
