/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header writer. For each enum, struct and message of a laid-out schema it
 * writes static inline C over (body, length): getters at constant offsets,
 * setters, builder appends, a one-pass validator, a JSON printer and size
 * helpers, all on the runtime of lib/codec/dipc_codec.h. The names are
 * listed in docs/SCHEMA.md ("Generated API").
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "schemac.h"

struct gen {
	const struct sc_schema *s;
	FILE *out;
	const char *pkg;
	char PKG[SC_NAME_MAX + 1];
	uint32_t zeros;         /* size of the zero block for absent fields */
};

#define OUT(...) fprintf(g->out, __VA_ARGS__)

static void
upper(char *dst, const char *src)
{
	while (*src != '\0')
		*dst++ = (char)toupper((unsigned char)*src++);
	*dst = '\0';
}

/* Suffix of the dipc_codec_ld_* / st_* helpers. */
static const char *
ld_name(enum sc_kind k)
{
	switch (k) {
	case SC_U8: case SC_BOOL: return "u8";
	case SC_U16: return "u16";
	case SC_U32: return "u32";
	case SC_U64: return "u64";
	case SC_I8: return "i8";
	case SC_I16: return "i16";
	case SC_I32: return "i32";
	case SC_I64: return "i64";
	case SC_F32: return "f32";
	case SC_F64: return "f64";
	default: return "?";
	}
}

static const char *
c_type(enum sc_kind k)
{
	switch (k) {
	case SC_U8: return "uint8_t";
	case SC_U16: return "uint16_t";
	case SC_U32: return "uint32_t";
	case SC_U64: return "uint64_t";
	case SC_I8: return "int8_t";
	case SC_I16: return "int16_t";
	case SC_I32: return "int32_t";
	case SC_I64: return "int64_t";
	case SC_F32: return "float";
	case SC_F64: return "double";
	case SC_BOOL: return "bool";
	default: return "?";
	}
}

static const char *
kind_text(const struct sc_field *f, char *buf, size_t size)
{
	switch (f->kind) {
	case SC_ENUM: snprintf(buf, size, "enum %s (%s)", f->en->name, ld_name(f->en->base)); break;
	case SC_STRUCT: snprintf(buf, size, "struct %s", f->st->name); break;
	case SC_CHARS: snprintf(buf, size, "char[%u]", f->count); break;
	case SC_OCTETS: snprintf(buf, size, "u8[%u]", f->count); break;
	case SC_STRING: snprintf(buf, size, "string: ref (offset u32, length u32)"); break;
	case SC_BYTES: snprintf(buf, size, "bytes: ref (offset u32, length u32)"); break;
	case SC_ARRAY:
		snprintf(buf, size, "%s[]: ref (offset u32, length u32)",
			 f->elem == SC_STRUCT ? f->st->name : f->elem == SC_STRING ? "string" : "bytes");
		break;
	case SC_MAP:
		snprintf(buf, size, "map<%s, %s>: ref (offset u32, length u32)",
			 f->elem == SC_STRING ? "string" : "bytes",
			 f->velem == SC_STRING ? "string" : "bytes");
		break;
	case SC_BOOL: snprintf(buf, size, "bool (u8 0 or 1)"); break;
	default: snprintf(buf, size, "%s", ld_name(f->kind)); break;
	}
	return buf;
}

static uint32_t
elem_size(const struct sc_field *f)
{
	return f->elem == SC_STRUCT ? f->st->size : 8;
}

static uint32_t
elem_align(const struct sc_field *f)
{
	return f->elem == SC_STRUCT ? f->st->align : 4;
}

/* Layout comment: one line per field, then the end. */
static void
gen_layout(struct gen *g, const struct sc_struct *st)
{
	char buf[160];
	int i;

	OUT("/*\n * %s %s", st->is_message ? "message" : "struct", st->name);
	if (st->is_message)
		OUT(" (id %u, version %u): fixed block %u bytes (%u in version 1)\n",
		    st->id, st->version, st->size, st->min_size);
	else
		OUT(": %u bytes, aligned to %u\n", st->size, st->align);
	OUT(" *   offset  size  field\n");
	if (st->is_message)
		OUT(" *        0     2  fixed_len (u16)\n *        2     2  reserved (u16, 0)\n");
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];

		OUT(" *   %6u %5u  %s: %s", f->offset, f->size, f->name, kind_text(f, buf, sizeof(buf)));
		if (f->since > 1)
			OUT(", since version %u", f->since);
		OUT("\n");
	}
	OUT(" */\n");
}

static void
gen_enum(struct gen *g, const struct sc_enum *e)
{
	int i;

	OUT("/* enum %s: %s */\nenum %s_%s {\n", e->name, ld_name(e->base), g->pkg, e->name);
	for (i = 0; i < e->nb_values; i++)
		OUT("\t%s_%s_%s = %" PRIu64 "u,\n", g->pkg, e->name, e->values[i].name,
		    e->values[i].value);
	OUT("};\n\n");
	OUT("/** Name of a value of enum %s_%s, or NULL if it has none. */\n", g->pkg, e->name);
	OUT("static inline const char *\n%s_%s_str(uint64_t v)\n{\n\tswitch (v) {\n",
	    g->pkg, e->name);
	for (i = 0; i < e->nb_values; i++)
		OUT("\tcase %" PRIu64 "u: return \"%s\";\n", e->values[i].value, e->values[i].name);
	OUT("\tdefault: return NULL;\n\t}\n}\n\n");
}

/*
 * Accessors of one field. A message's fields live at body + offset; a
 * struct's at s + offset (s: the struct inside the body). References are
 * relative to the body in both.
 */
static void
gen_field_access(struct gen *g, const struct sc_struct *st, const struct sc_field *f)
{
	const char *pkg = g->pkg;
	const char *n = st->name;
	const char *fn = f->name;
	int msg = st->is_message;
	/* Receivers: r = const, w = writable; base = where the fields are. */
	const char *rcv = msg ? "const void *body" : "const void *s";
	const char *wcv = msg ? "void *body" : "void *s";
	const char *base = msg ? "body" : "s";
	const char *refrcv = msg ? "const void *body" : "const void *body, const void *s";
	const char *bldrcv = msg ? "struct dipc_codec_builder *b" :
				   "struct dipc_codec_builder *b, void *s";
	const char *bldbase = msg ? "b->body" : "s";
	char absent[96] = "";

	if (msg && f->since > 1)
		snprintf(absent, sizeof(absent),
			 "\tif (dipc_codec_fixed_len(body) < %u)\n", f->offset + f->size);

	if (msg && f->since > 1) {
		OUT("/** Whether the writer sent %s (added in version %u). */\n", fn, f->since);
		OUT("static inline bool\n%s_%s_has_%s(const void *body)\n{\n", pkg, n, fn);
		OUT("\treturn dipc_codec_fixed_len(body) >= %u;\n}\n\n", f->offset + f->size);
	}

	switch (f->kind) {
	case SC_STRUCT:
		OUT("static inline const void *\n%s_%s_get_%s(%s)\n{\n", pkg, n, fn, rcv);
		if (absent[0] != '\0')
			OUT("%s\t\treturn %s__zeros;\n", absent, pkg);
		OUT("\treturn (const uint8_t *)%s + %u;\n}\n\n", base, f->offset);
		OUT("static inline void *\n%s_%s_mut_%s(%s)\n{\n", pkg, n, fn, wcv);
		OUT("\treturn (uint8_t *)%s + %u;\n}\n\n", base, f->offset);
		return;
	case SC_CHARS:
	case SC_OCTETS: {
		const char *t = f->kind == SC_CHARS ? "char" : "uint8_t";

		OUT("#define %s_", g->PKG);
		{
			char N[SC_NAME_MAX + 1], F[SC_NAME_MAX + 1];

			upper(N, n);
			upper(F, fn);
			OUT("%s_%s_LEN %u\n\n", N, F, f->count);
		}
		OUT("/** The %u bytes of %s, in place%s. */\n", f->count, fn,
		    f->kind == SC_CHARS ? " (NUL-padded, not NUL-terminated when full)" : "");
		OUT("static inline const %s *\n%s_%s_get_%s(%s)\n{\n", t, pkg, n, fn, rcv);
		if (absent[0] != '\0')
			OUT("%s\t\treturn (const %s *)%s__zeros;\n", absent, t, pkg);
		OUT("\treturn (const %s *)((const uint8_t *)%s + %u);\n}\n\n", t, base, f->offset);
		OUT("/** Copy min(len, %u) bytes into %s and zero the rest. */\n", f->count, fn);
		OUT("static inline void\n%s_%s_set_%s(%s, const void *v, size_t len)\n{\n",
		    pkg, n, fn, wcv);
		OUT("\tuint8_t *p = (uint8_t *)%s + %u;\n\n", base, f->offset);
		OUT("\tif (len > %u)\n\t\tlen = %u;\n", f->count, f->count);
		OUT("\tif (len > 0)\n\t\tmemcpy(p, v, len);\n");
		OUT("\tmemset(p + len, 0, %u - len);\n}\n\n", f->count);
		return;
	}
	case SC_STRING:
	case SC_BYTES: {
		const char *t = f->kind == SC_STRING ? "char" : "uint8_t";

		OUT("/** %s in place: *len bytes%s. */\n", fn,
		    f->kind == SC_STRING ? ", not NUL-terminated" : "");
		OUT("static inline const %s *\n%s_%s_get_%s(%s, uint32_t *len)\n{\n",
		    t, pkg, n, fn, refrcv);
		OUT("\tconst uint8_t *r = (const uint8_t *)%s + %u;\n\n", base, f->offset);
		if (absent[0] != '\0')
			OUT("%s\t{\n\t\t*len = 0;\n\t\treturn (const %s *)\"\";\n\t}\n", absent, t);
		OUT("\t*len = dipc_codec_ld_u32(r + 4);\n");
		OUT("\treturn (const %s *)body + dipc_codec_ld_u32(r);\n}\n\n", t);
		OUT("/** Append %s (once, in schema order; see docs/SCHEMA.md). "
		    "Returns 0, -ENOSPC or -EINVAL. */\n", fn);
		OUT("static inline int\n%s_%s_set_%s(%s, const %s *v, uint32_t len)\n{\n",
		    pkg, n, fn, bldrcv, f->kind == SC_STRING ? "char" : "void");
		OUT("\treturn __dipc_codec_build_copy(b, (uint8_t *)%s + %u, v, len);\n}\n\n",
		    bldbase, f->offset);
		return;
	}
	case SC_ARRAY:
		OUT("/** %s in place: *count elements of %u bytes", fn, elem_size(f));
		if (f->elem == SC_STRUCT)
			OUT(" (%s_%s_at())", pkg, f->st->name);
		else
			OUT(" (references: dipc_codec_%s_at())",
			    f->elem == SC_STRING ? "string" : "bytes");
		OUT(". */\n");
		OUT("static inline const void *\n%s_%s_get_%s(%s, uint32_t *count)\n{\n",
		    pkg, n, fn, refrcv);
		OUT("\tconst uint8_t *r = (const uint8_t *)%s + %u;\n\n", base, f->offset);
		if (absent[0] != '\0')
			OUT("%s\t{\n\t\t*count = 0;\n\t\treturn body;\n\t}\n", absent);
		OUT("\t*count = __dipc_codec_count(dipc_codec_ld_u32(r + 4), %u);\n", elem_size(f));
		OUT("\treturn (const uint8_t *)body + dipc_codec_ld_u32(r);\n}\n\n");
		OUT("/** Append %s: count zeroed elements (once, in schema order); NULL if no room. */\n",
		    fn);
		OUT("static inline void *\n%s_%s_add_%s(%s, uint32_t count)\n{\n", pkg, n, fn, bldrcv);
		OUT("\treturn __dipc_codec_build_array(b, (uint8_t *)%s + %u, count, %u, %u);\n}\n\n",
		    bldbase, f->offset, elem_size(f), elem_align(f));
		return;
	case SC_MAP:
		OUT("/** %s in place: fills *m (walk it with dipc_codec_map_iter() and\n"
		    " *  dipc_codec_map_next()) and returns its number of entries. */\n", fn);
		OUT("static inline uint32_t\n%s_%s_get_%s(%s, struct dipc_codec_map *m)\n{\n",
		    pkg, n, fn, refrcv);
		OUT("\tconst uint8_t *r = (const uint8_t *)%s + %u;\n\n", base, f->offset);
		if (absent[0] != '\0')
			OUT("%s\t\treturn __dipc_codec_map_empty(m);\n", absent);
		OUT("\treturn __dipc_codec_map_open(m, body, r);\n}\n\n");
		OUT("/** Append %s: count entries (once, in schema order; see docs/SCHEMA.md).\n"
		    " *  Returns 0, -ENOSPC or -EINVAL. */\n", fn);
		OUT("static inline int\n%s_%s_set_%s(%s, const struct dipc_codec_kv *kv, "
		    "uint32_t count)\n{\n", pkg, n, fn, bldrcv);
		OUT("\treturn __dipc_codec_build_map(b, (uint8_t *)%s + %u, kv, count);\n}\n\n",
		    bldbase, f->offset);
		return;
	case SC_ENUM:
		OUT("static inline enum %s_%s\n%s_%s_get_%s(%s)\n{\n", pkg, f->en->name, pkg, n, fn,
		    rcv);
		if (absent[0] != '\0')
			OUT("%s\t\treturn (enum %s_%s)0;\n", absent, pkg, f->en->name);
		OUT("\treturn (enum %s_%s)dipc_codec_ld_%s((const uint8_t *)%s + %u);\n}\n\n",
		    pkg, f->en->name, ld_name(f->en->base), base, f->offset);
		OUT("static inline void\n%s_%s_set_%s(%s, enum %s_%s v)\n{\n", pkg, n, fn, wcv, pkg,
		    f->en->name);
		OUT("\tdipc_codec_st_%s((uint8_t *)%s + %u, (%s)v);\n}\n\n", ld_name(f->en->base),
		    base, f->offset, c_type(f->en->base));
		return;
	default:
		break;
	}
	/* Scalars. */
	OUT("static inline %s\n%s_%s_get_%s(%s)\n{\n", c_type(f->kind), pkg, n, fn, rcv);
	if (absent[0] != '\0')
		OUT("%s\t\treturn 0;\n", absent);
	if (f->kind == SC_BOOL)
		OUT("\treturn dipc_codec_ld_u8((const uint8_t *)%s + %u) != 0;\n}\n\n", base, f->offset);
	else
		OUT("\treturn dipc_codec_ld_%s((const uint8_t *)%s + %u);\n}\n\n", ld_name(f->kind),
		    base, f->offset);
	OUT("static inline void\n%s_%s_set_%s(%s, %s v)\n{\n", pkg, n, fn, wcv, c_type(f->kind));
	if (f->kind == SC_BOOL)
		OUT("\tdipc_codec_st_u8((uint8_t *)%s + %u, v ? 1 : 0);\n}\n\n", base, f->offset);
	else
		OUT("\tdipc_codec_st_%s((uint8_t *)%s + %u, v);\n}\n\n", ld_name(f->kind), base,
		    f->offset);
}

/* The validation of one field at s + offset; emits returns on failure. */
static void
gen_field_check(struct gen *g, const struct sc_field *f, const char *ind)
{
	const char *pkg = g->pkg;

	switch (f->kind) {
	case SC_BOOL:
		OUT("%sif (s[%u] > 1)\n", ind, f->offset);
		OUT("%s\treturn __dipc_codec_path(st, __dipc_codec_fail(st, DIPC_CODEC_E_BOOL, "
		    "s + %u, s[%u], 0), \"%s\", DIPC_CODEC_NO_INDEX);\n", ind, f->offset, f->offset,
		    f->name);
		break;
	case SC_ENUM:
		OUT("%sif (%s_%s_str(dipc_codec_ld_%s(s + %u)) == NULL)\n", ind, pkg, f->en->name,
		    ld_name(f->en->base), f->offset);
		OUT("%s\treturn __dipc_codec_path(st, __dipc_codec_fail(st, DIPC_CODEC_E_ENUM, "
		    "s + %u, dipc_codec_ld_%s(s + %u), 0), \"%s\", DIPC_CODEC_NO_INDEX);\n", ind,
		    f->offset, ld_name(f->en->base), f->offset, f->name);
		break;
	case SC_STRUCT:
		if (!f->st->needs_check)
			break;
		OUT("%sr = %s__check_%s(st, s + %u);\n", ind, pkg, f->st->name, f->offset);
		OUT("%sif (r != DIPC_CODEC_OK)\n%s\treturn __dipc_codec_path(st, r, \"%s\", "
		    "DIPC_CODEC_NO_INDEX);\n", ind, ind, f->name);
		break;
	case SC_STRING:
	case SC_BYTES:
		OUT("%sr = __dipc_codec_check_ref(st, s + %u, 1, 1, &off, &len);\n", ind, f->offset);
		OUT("%sif (r != DIPC_CODEC_OK)\n%s\treturn __dipc_codec_path(st, r, \"%s\", "
		    "DIPC_CODEC_NO_INDEX);\n", ind, ind, f->name);
		break;
	case SC_MAP:
		OUT("%sr = __dipc_codec_check_ref(st, s + %u, 1, 1, &off, &len);\n", ind,
		    f->offset);
		OUT("%sif (r == DIPC_CODEC_OK)\n%s\tr = __dipc_codec_check_map(st, off, len);\n", ind,
		    ind);
		OUT("%sif (r != DIPC_CODEC_OK)\n%s\treturn __dipc_codec_path(st, r, \"%s\", "
		    "DIPC_CODEC_NO_INDEX);\n", ind, ind, f->name);
		break;
	case SC_ARRAY:
		OUT("%sr = __dipc_codec_check_ref(st, s + %u, %u, %u, &off, &len);\n", ind, f->offset,
		    elem_align(f), elem_size(f));
		OUT("%sif (r != DIPC_CODEC_OK)\n%s\treturn __dipc_codec_path(st, r, \"%s\", "
		    "DIPC_CODEC_NO_INDEX);\n", ind, ind, f->name);
		if (f->elem == SC_STRUCT && f->st->needs_check) {
			OUT("%sfor (i = 0; i < len / %u; i++) {\n", ind, elem_size(f));
			OUT("%s\tr = %s__check_%s(st, st->body + off + (size_t)i * %u);\n", ind, pkg,
			    f->st->name, elem_size(f));
			OUT("%s\tif (r != DIPC_CODEC_OK)\n%s\t\treturn __dipc_codec_path(st, r, \"%s\", i);\n",
			    ind, ind, f->name);
			OUT("%s}\n", ind);
		} else if (f->elem != SC_STRUCT) {
			OUT("%sfor (i = 0; i < len / 8; i++) {\n", ind);
			OUT("%s\tuint32_t eoff, elen;\n\n", ind);
			OUT("%s\tr = __dipc_codec_check_ref(st, st->body + off + (size_t)i * 8, 1, 1, "
			    "&eoff, &elen);\n", ind);
			OUT("%s\tif (r != DIPC_CODEC_OK)\n%s\t\treturn __dipc_codec_path(st, r, \"%s\", i);\n",
			    ind, ind, f->name);
			OUT("%s}\n", ind);
		}
		break;
	default:
		break;
	}
}

/* __check_<name>(st, s): every field of a struct or message that can be wrong. */
static void
gen_check(struct gen *g, const struct sc_struct *st)
{
	int need_r = 0, need_ref = 0, need_i = 0;
	int i;

	if (!st->needs_check)
		return;
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];

		if (f->kind == SC_STRUCT && f->st->needs_check)
			need_r = 1;
		if (f->kind == SC_STRING || f->kind == SC_BYTES || f->kind == SC_ARRAY ||
		    f->kind == SC_MAP)
			need_r = need_ref = 1;
		if (f->kind == SC_ARRAY && (f->elem != SC_STRUCT || f->st->needs_check))
			need_i = 1;
	}
	/* Always inlined into the validator: the state then stays in registers
	 * (it is never passed by address to out-of-line code). */
	OUT("/** @internal Validate the fields of %s at s. */\n", st->name);
	OUT("static inline __attribute__((always_inline)) enum dipc_codec_err\n"
	    "%s__check_%s(struct __dipc_codec_vstate *st, const uint8_t *s)\n{\n", g->pkg,
	    st->name);
	if (need_r)
		OUT("\tenum dipc_codec_err r;\n");
	if (need_ref)
		OUT("\tuint32_t off, len;\n");
	if (need_i)
		OUT("\tuint32_t i;\n");
	if (need_r || need_ref || need_i)
		OUT("\n");
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];
		int check = f->kind == SC_BOOL || f->kind == SC_ENUM || f->kind == SC_STRING ||
			    f->kind == SC_BYTES || f->kind == SC_ARRAY || f->kind == SC_MAP ||
			    (f->kind == SC_STRUCT && f->st->needs_check);

		if (!check)
			continue;
		if (f->since > 1) {
			OUT("\tif (st->fixed_len >= %u) {\n", f->offset + f->size);
			gen_field_check(g, f, "\t\t");
			OUT("\t}\n");
		} else {
			gen_field_check(g, f, "\t");
		}
	}
	OUT("\treturn DIPC_CODEC_OK;\n}\n\n");
}

/*
 * The fast pass of one struct or message at s (dipc_codec.h, "The fast
 * pass"): true only if its fields are valid; the precise pass runs on
 * anything else. In a message, it runs only when the writer's fixed block
 * holds every field this reader knows, so 'since' fields are tested
 * unconditionally. Specialised per field: constant offsets, the element
 * size and alignment folded into each test, arrays walked by pointer.
 */
static void
gen_fast(struct gen *g, const struct sc_struct *st)
{
	const char *pkg = g->pkg;
	int i, need_off = 0, need_e = 0;

	if (!st->needs_check)
		return;
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];

		if (f->kind == SC_ARRAY && (f->elem != SC_STRUCT || f->st->needs_check))
			need_off = need_e = 1;
	}
	OUT("/** @internal Fast pass over the fields of %s at s; moves *cur. */\n", st->name);
	OUT("static inline __attribute__((always_inline)) bool\n"
	    "%s__fast_%s(const uint8_t *body, uint32_t body_len, const uint8_t *s, uint64_t *cur)\n"
	    "{\n", pkg, st->name);
	if (need_off)
		OUT("\tuint64_t o, l;\n");
	if (need_e)
		OUT("\tconst uint8_t *e, *end;\n");
	OUT("\n\t(void)body;\n\t(void)body_len;\n\t(void)cur;\n");
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];

		switch (f->kind) {
		case SC_BOOL:
			OUT("\tif (s[%u] > 1)\n\t\treturn false;\n", f->offset);
			break;
		case SC_ENUM:
			OUT("\tif (%s_%s_str(dipc_codec_ld_%s(s + %u)) == NULL)\n\t\treturn false;\n",
			    pkg, f->en->name, ld_name(f->en->base), f->offset);
			break;
		case SC_STRUCT:
			if (f->st->needs_check)
				OUT("\tif (!%s__fast_%s(body, body_len, s + %u, cur))\n\t\treturn false;\n",
				    pkg, f->st->name, f->offset);
			break;
		case SC_STRING:
		case SC_BYTES:
			OUT("\tif (!__dipc_codec_str_fast(s + %u, cur))\n\t\treturn false;\n", f->offset);
			break;
		case SC_MAP:
			OUT("\tif (!__dipc_codec_map_fast(body, body_len, s + %u, cur))\n"
			    "\t\treturn false;\n", f->offset);
			break;
		case SC_ARRAY:
			if (f->elem == SC_STRUCT && !f->st->needs_check) {
				OUT("\tif (!__dipc_codec_arr_fast(s + %u, cur, %u, %u))\n"
				    "\t\treturn false;\n", f->offset, elem_align(f), elem_size(f));
				break;
			}
			/* The elements are read: __dipc_codec_walk_fast() also
			 * proves the region inside the body. A non-empty region
			 * of whole elements holds at least one: do-while. */
			OUT("\to = dipc_codec_ld_u32(s + %u);\n\tl = dipc_codec_ld_u32(s + %u);\n",
			    f->offset, f->offset + 4);
			OUT("\tif (__builtin_expect(__dipc_codec_walk_fast(o, l, cur, body_len, %u, %u), 1)) {\n",
			    elem_align(f), elem_size(f));
			OUT("\t\te = body + o;\n\t\tend = e + l;\n\t\tdo {\n");
			if (f->elem == SC_STRUCT)
				OUT("\t\t\tif (!%s__fast_%s(body, body_len, e, cur))\n"
				    "\t\t\t\treturn false;\n", pkg, f->st->name);
			else
				OUT("\t\t\tif (!__dipc_codec_str_fast(e, cur))\n\t\t\t\treturn false;\n");
			OUT("\t\t\te += %u;\n\t\t} while (e != end);\n", elem_size(f));
			OUT("\t} else if (o != 0 || l != 0) {\n\t\treturn false;\n\t}\n");
			break;
		default:
			break;
		}
	}
	OUT("\treturn true;\n}\n\n");
}

/* JSON of one field value, read through the getters. */
static void
gen_field_json(struct gen *g, const struct sc_struct *st, const struct sc_field *f)
{
	const char *pkg = g->pkg;
	char get[SC_NAME_MAX * 3 + 64];
	char refargs[16];

	snprintf(get, sizeof(get), "%s_%s_get_%s", pkg, st->name, f->name);
	snprintf(refargs, sizeof(refargs), "%s", st->is_message ? "body" : "body, s");
	OUT("\tdipc_codec_json_key(j, \"%s\", %s);\n", f->name, f == &st->fields[0] ? "true" : "false");
	switch (f->kind) {
	case SC_U8: case SC_U16: case SC_U32: case SC_U64:
		OUT("\tdipc_codec_json_u64(j, %s(%s));\n", get, st->is_message ? "body" : "s");
		break;
	case SC_I8: case SC_I16: case SC_I32: case SC_I64:
		OUT("\tdipc_codec_json_i64(j, %s(%s));\n", get, st->is_message ? "body" : "s");
		break;
	case SC_F32:
	case SC_F64:
		OUT("\tdipc_codec_json_f64(j, %s(%s), %d);\n", get, st->is_message ? "body" : "s",
		    f->kind == SC_F32 ? 9 : 17);
		break;
	case SC_BOOL:
		OUT("\tdipc_codec_json_bool(j, %s(%s));\n", get, st->is_message ? "body" : "s");
		break;
	case SC_ENUM:
		OUT("\t{\n\t\tuint64_t v = (uint64_t)%s(%s);\n", get, st->is_message ? "body" : "s");
		OUT("\t\tconst char *name = %s_%s_str(v);\n\n", pkg, f->en->name);
		OUT("\t\tif (name != NULL)\n\t\t\tdipc_codec_json_str(j, name, strlen(name));\n");
		OUT("\t\telse\n\t\t\tdipc_codec_json_u64(j, v);\n\t}\n");
		break;
	case SC_STRUCT:
		OUT("\t%s__json_%s(j, body, (const uint8_t *)%s(%s));\n", pkg, f->st->name, get,
		    st->is_message ? "body" : "s");
		break;
	case SC_CHARS:
		OUT("\tdipc_codec_json_chars(j, %s(%s), %u);\n", get, st->is_message ? "body" : "s",
		    f->count);
		break;
	case SC_OCTETS:
		OUT("\tdipc_codec_json_hex(j, %s(%s), %u);\n", get, st->is_message ? "body" : "s",
		    f->count);
		break;
	case SC_STRING:
	case SC_BYTES:
		OUT("\t{\n\t\tuint32_t len;\n\t\tconst void *v = %s(%s, &len);\n\n", get, refargs);
		OUT("\t\tdipc_codec_json_%s(j, v, len);\n\t}\n", f->kind == SC_STRING ? "str" : "hex");
		break;
	case SC_MAP:
		OUT("\t{\n\t\tstruct dipc_codec_map m;\n\t\tstruct dipc_codec_map_iter it;\n"
		    "\t\tstruct dipc_codec_kv e;\n\t\tbool first = true;\n\n");
		OUT("\t\t%s(%s, &m);\n\t\tdipc_codec_map_iter(&it, &m);\n", get, refargs);
		OUT("\t\tdipc_codec_json_putc(j, '{');\n\t\twhile (dipc_codec_map_next(&it, &e)) {\n");
		OUT("\t\t\tif (!first)\n\t\t\t\tdipc_codec_json_putc(j, ',');\n");
		OUT("\t\t\tfirst = false;\n");
		OUT("\t\t\tdipc_codec_json_%s(j, e.key, e.key_len);\n",
		    f->elem == SC_STRING ? "str" : "hex");
		OUT("\t\t\tdipc_codec_json_putc(j, ':');\n");
		OUT("\t\t\tdipc_codec_json_%s(j, e.value, e.value_len);\n",
		    f->velem == SC_STRING ? "str" : "hex");
		OUT("\t\t}\n\t\tdipc_codec_json_putc(j, '}');\n\t}\n");
		break;
	case SC_ARRAY:
		OUT("\t{\n\t\tuint32_t n, i;\n\t\tconst uint8_t *a = (const uint8_t *)%s(%s, &n);\n\n", get, refargs);
		OUT("\t\tdipc_codec_json_putc(j, '[');\n\t\tfor (i = 0; i < n; i++) {\n");
		OUT("\t\t\tif (i > 0)\n\t\t\t\tdipc_codec_json_putc(j, ',');\n");
		if (f->elem == SC_STRUCT) {
			OUT("\t\t\t%s__json_%s(j, body, a + (size_t)i * %u);\n", pkg, f->st->name,
			    f->st->size);
		} else {
			OUT("\t\t\tuint32_t len;\n");
			OUT("\t\t\tconst void *v = dipc_codec_%s_at(body, a, i, &len);\n\n",
			    f->elem == SC_STRING ? "string" : "bytes");
			OUT("\t\t\tdipc_codec_json_%s(j, v, len);\n", f->elem == SC_STRING ? "str" : "hex");
		}
		OUT("\t\t}\n\t\tdipc_codec_json_putc(j, ']');\n\t}\n");
		break;
	}
}

static void
gen_json(struct gen *g, const struct sc_struct *st)
{
	int i;

	OUT("/** @internal JSON object of the %s at s. */\n", st->name);
	OUT("static inline void\n%s__json_%s(struct dipc_codec_json *j, const uint8_t *body, "
	    "const uint8_t *s)\n{\n", g->pkg, st->name);
	OUT("\t(void)body;\n\t(void)s;\n");
	OUT("\tdipc_codec_json_putc(j, '{');\n");
	for (i = 0; i < st->nb_fields; i++)
		gen_field_json(g, st, &st->fields[i]);
	OUT("\tdipc_codec_json_putc(j, '}');\n}\n\n");
}

static void
gen_struct(struct gen *g, const struct sc_struct *st)
{
	char N[SC_NAME_MAX + 1];
	int i;

	upper(N, st->name);
	gen_layout(g, st);
	OUT("#define %s_%s_SIZE %u\n#define %s_%s_ALIGN %u\n", g->PKG, N, st->size, g->PKG, N,
	    st->align);
	for (i = 0; i < st->nb_fields; i++) {
		char F[SC_NAME_MAX + 1];

		upper(F, st->fields[i].name);
		OUT("#define %s_%s_%s_OFFSET %u\n", g->PKG, N, F, st->fields[i].offset);
	}
	OUT("\n/** Element i of an array of %s. */\n", st->name);
	OUT("static inline const void *\n%s_%s_at(const void *a, uint32_t i)\n{\n", g->pkg,
	    st->name);
	OUT("\treturn (const uint8_t *)a + (size_t)i * %u;\n}\n\n", st->size);
	OUT("static inline void *\n%s_%s_at_mut(void *a, uint32_t i)\n{\n", g->pkg, st->name);
	OUT("\treturn (uint8_t *)a + (size_t)i * %u;\n}\n\n", st->size);
	for (i = 0; i < st->nb_fields; i++)
		gen_field_access(g, st, &st->fields[i]);
	gen_check(g, st);
	gen_fast(g, st);
	gen_json(g, st);
}

static void
gen_message(struct gen *g, const struct sc_struct *st)
{
	const char *pkg = g->pkg;
	const char *n = st->name;
	char N[SC_NAME_MAX + 1];
	int i, first;

	upper(N, n);
	gen_layout(g, st);
	OUT("#define %s_%s_ID %u\n", g->PKG, N, st->id);
	OUT("#define %s_%s_VERSION %u\n", g->PKG, N, st->version);
	OUT("#define %s_%s_FIXED_SIZE %u\n", g->PKG, N, st->size);
	OUT("#define %s_%s_MIN_FIXED_SIZE %u\n", g->PKG, N, st->min_size);
	for (i = 0; i < st->nb_fields; i++) {
		char F[SC_NAME_MAX + 1];

		upper(F, st->fields[i].name);
		OUT("#define %s_%s_%s_OFFSET %u\n", g->PKG, N, F, st->fields[i].offset);
	}
	OUT("\n");
	for (i = 0; i < st->nb_fields; i++)
		gen_field_access(g, st, &st->fields[i]);

	/* Builder. */
	OUT("/** Start a %s body in buf: zeroed fixed block. Returns 0, -ENOSPC or -EINVAL. */\n", n);
	OUT("static inline int\n%s_%s_build_init(struct dipc_codec_builder *b, void *buf, "
	    "uint32_t room)\n{\n", pkg, n);
	OUT("\treturn __dipc_codec_build_init(b, buf, room, %u);\n}\n\n", st->size);

	/* Size. */
	OUT("/** Body length of a %s whose top-level variable fields have these lengths\n"
	    " *  (bytes; element counts for arrays; for maps, the entries, the bytes of\n"
	    " *  keys and values and the longest one), nested variable fields not\n"
	    " *  included. */\n", n);
	OUT("static inline uint64_t\n%s_%s_size(", pkg, n);
	first = 1;
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];

		if (f->kind == SC_STRING || f->kind == SC_BYTES || f->kind == SC_ARRAY) {
			OUT("%suint32_t %s_%s", first ? "" : ", ", f->name,
			    f->kind == SC_ARRAY ? "count" : "len");
			first = 0;
		} else if (f->kind == SC_MAP) {
			OUT("%suint32_t %s_count, uint64_t %s_bytes, uint32_t %s_longest",
			    first ? "" : ", ", f->name, f->name, f->name);
			first = 0;
		}
	}
	OUT("%s)\n{\n\tuint64_t end = %u;\n\n", first ? "void" : "", st->size);
	for (i = 0; i < st->nb_fields; i++) {
		const struct sc_field *f = &st->fields[i];

		if (f->kind == SC_STRING || f->kind == SC_BYTES)
			OUT("\tend = dipc_codec_size_add(end, %s_len, 1);\n", f->name);
		else if (f->kind == SC_ARRAY)
			OUT("\tend = dipc_codec_size_add(end, (uint64_t)%s_count * %u, %u);\n",
			    f->name, elem_size(f), elem_align(f));
		else if (f->kind == SC_MAP)
			OUT("\tend = dipc_codec_size_add_map(end, %s_count, %s_bytes, %s_longest);\n",
			    f->name, f->name, f->name);
	}
	OUT("\treturn end;\n}\n\n");

	/* Validator: the fast pass, then the precise one if it is not sure. */
	gen_check(g, st);
	gen_fast(g, st);
	OUT("/** @internal Fast pass of %s_%s_validate(): true only if the body is valid. */\n",
	    pkg, n);
	OUT("static %s bool\n%s__fast_validate_%s(const void *body, "
	    "uint32_t body_len)\n{\n\tconst uint8_t *b = (const uint8_t *)body;\n\tuint64_t cur;\n"
	    "\tuint32_t fixed_len;\n\n", st->loop_depth > 2 ? "__attribute__((noinline, unused))" :
	    "inline __attribute__((always_inline))", pkg, n);
	/* The fixed block is read only once body_len holds this reader's; a
	 * fixed_len past the body leaves the cursor past it, refused at the
	 * end (the cursor never goes down). */
	OUT("\tif (body_len < %u)\n\t\treturn false;\n", st->size);
	OUT("\tfixed_len = dipc_codec_ld_u16(b);\n");
	OUT("\tif (fixed_len < %u)\n\t\treturn false;\n", st->size);
	OUT("\tcur = fixed_len;\n");
	if (st->needs_check)
		OUT("\tif (!%s__fast_%s(b, body_len, b, &cur))\n\t\treturn false;\n", pkg, n);
	OUT("\treturn cur <= body_len;\n}\n\n");

	OUT("/** @internal The precise pass of %s_%s_validate(): the first error, in order. */\n",
	    pkg, n);
	OUT("static __DIPC_CODEC_COLD enum dipc_codec_err\n%s__validate_slow_%s(const void *body, "
	    "uint32_t body_len, struct dipc_codec_error *err)\n{\n", pkg, n);
	OUT("\tstruct __dipc_codec_vstate st;\n\tstruct dipc_codec_error dummy;\n"
	    "\tenum dipc_codec_err r;\n\n");
	OUT("\tr = __dipc_codec_begin(&st, body, body_len, %u, err != NULL ? err : &dummy);\n",
	    st->min_size);
	if (st->size > st->min_size) {
		OUT("\tif (r == DIPC_CODEC_OK && st.fixed_len < %u) {\n", st->size);
		for (i = 0; i < st->nb_fields; i++) {
			const struct sc_field *f = &st->fields[i];

			if (f->since == 1 || f->size == 1)
				continue;
			OUT("\t\tif (st.fixed_len > %u && st.fixed_len < %u)\n", f->offset,
			    f->offset + f->size);
			OUT("\t\t\treturn __dipc_codec_path(&st, __dipc_codec_path(&st, "
			    "__dipc_codec_fail(&st, DIPC_CODEC_E_FIXED_SPLIT, st.body + %u, "
			    "st.fixed_len, %u), \"%s\", DIPC_CODEC_NO_INDEX), \"%s\", "
			    "DIPC_CODEC_NO_INDEX);\n", f->offset, f->offset + f->size, f->name, n);
		}
		OUT("\t}\n");
	}
	if (st->needs_check)
		OUT("\tif (r == DIPC_CODEC_OK)\n\t\tr = %s__check_%s(&st, st.body);\n", pkg, n);
	OUT("\tif (r != DIPC_CODEC_OK)\n\t\t__dipc_codec_path(&st, r, \"%s\", DIPC_CODEC_NO_INDEX);\n",
	    n);
	OUT("\treturn r;\n}\n\n");

	OUT("/**\n * Validate a %s body (docs/SCHEMA.md, \"Validation\").\n"
	    " * @return DIPC_CODEC_OK, or the first error, described in *err if err != NULL.\n */\n",
	    n);
	OUT("static inline enum dipc_codec_err\n%s_%s_validate(const void *body, uint32_t body_len, "
	    "struct dipc_codec_error *err)\n{\n", pkg, n);
	OUT("\tif (__builtin_expect(%s__fast_validate_%s(body, body_len), 1))\n"
	    "\t\treturn DIPC_CODEC_OK;\n", pkg, n);
	OUT("\treturn %s__validate_slow_%s(body, body_len, err);\n}\n\n", pkg, n);

	/* JSON. */
	gen_json(g, st);
	OUT("/**\n * Write a validated %s body as one JSON object, snprintf-style.\n"
	    " * @return the length of the whole text (without NUL); buf holds at most size - 1\n"
	    " *   bytes of it, NUL-terminated when size > 0.\n */\n", n);
	OUT("static inline size_t\n%s_%s_to_json(const void *body, char *buf, size_t size)\n{\n"
	    "\tstruct dipc_codec_json j;\n\n\tdipc_codec_json_init(&j, buf, size);\n"
	    "\t%s__json_%s(&j, (const uint8_t *)body, (const uint8_t *)body);\n"
	    "\treturn dipc_codec_json_end(&j);\n}\n\n", pkg, n, pkg, n);

	/* mbuf glue. */
	OUT("#ifndef DIPC_CODEC_NO_MBUF\n");
	OUT("/** Write a message header (method %s_%s_ID) into m and start the body\n"
	    " *  after it; finish with dipc_codec_mbuf_build_finish(). */\n", g->PKG, N);
	OUT("static inline int\n%s_%s_mbuf_build_init(struct rte_mbuf *m, struct dipc_codec_builder *b, "
	    "uint8_t flags,\n\t\t\tuint32_t stream_id)\n{\n", pkg, n);
	OUT("\treturn __dipc_codec_mbuf_build_init(m, b, flags, %u, stream_id, %u);\n}\n\n", st->id,
	    st->size);
	OUT("/** Validate the body of a message (its header validated by dipc_msg): its\n"
	    " *  CRC32C first if the header has DIPC_MSG_F_CSUM; a compressed body is\n"
	    " *  DIPC_CODEC_E_COMPRESSED (dipc_codec_mbuf_open() it, then validate). */\n");
	OUT("static inline enum dipc_codec_err\n%s_%s_validate_mbuf(const struct rte_mbuf *m, "
	    "struct dipc_codec_error *err)\n{\n", pkg, n);
	OUT("\tuint32_t len;\n\tconst void *body = dipc_codec_mbuf_body(m, &len);\n"
	    "\tenum dipc_codec_err r = __dipc_codec_mbuf_check(m, body, len, \"%s\", err);\n\n", n);
	OUT("\tif (r != DIPC_CODEC_OK)\n\t\treturn r;\n");
	OUT("\treturn %s_%s_validate(body, len, err);\n}\n", pkg, n);
	OUT("#endif /* DIPC_CODEC_NO_MBUF */\n\n");
}

int
sc_generate(const struct sc_schema *s, FILE *out)
{
	struct gen gen, *g = &gen;
	int i, k;

	memset(g, 0, sizeof(*g));
	g->s = s;
	g->out = out;
	g->pkg = s->package;
	upper(g->PKG, s->package);
	/* Zero block: what a getter returns for an absent struct or array. */
	for (i = 0; i < s->nb_structs; i++) {
		const struct sc_struct *st = s->structs[i];

		for (k = 0; k < st->nb_fields; k++) {
			const struct sc_field *f = &st->fields[k];

			if (f->since > 1 && (f->kind == SC_STRUCT || f->kind == SC_CHARS ||
					     f->kind == SC_OCTETS) && f->size > g->zeros)
				g->zeros = f->size;
		}
	}

	OUT("/* SPDX-License-Identifier: BSD-3-Clause */\n");
	OUT("/* Generated by dipc-schemac from %s. Do not edit: edit the schema. */\n", s->file);
	OUT("#ifndef DIPC_SCHEMA_%s_H\n#define DIPC_SCHEMA_%s_H\n\n", g->PKG, g->PKG);
	OUT("#include <stdbool.h>\n#include <stdint.h>\n#include <string.h>\n\n");
	OUT("#include <dipc_codec.h>\n#ifndef DIPC_CODEC_NO_MBUF\n#include <dipc_codec_mbuf.h>\n"
	    "#endif\n\n");
	OUT("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
	if (g->zeros > 0)
		OUT("/* What getters return for a struct or array field the writer did not send. */\n"
		    "static const uint8_t %s__zeros[%u] = {0};\n\n", g->pkg, g->zeros);
	for (i = 0; i < s->nb_enums; i++)
		gen_enum(g, s->enums[i]);
	for (i = 0; i < s->nb_structs; i++) {
		if (s->structs[i]->is_message)
			gen_message(g, s->structs[i]);
		else
			gen_struct(g, s->structs[i]);
	}
	OUT("#ifdef __cplusplus\n}\n#endif\n\n#endif /* DIPC_SCHEMA_%s_H */\n", g->PKG);
	return ferror(out) ? -1 : 0;
}
