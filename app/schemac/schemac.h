/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SCHEMAC_H
#define DIPC_SCHEMAC_H

/*
 * dipc-schemac: schema file -> C header of the dipc codec (docs/SCHEMA.md).
 * parse.c reads and checks a schema and lays it out; gen.c writes the
 * header; main.c is the command line. No dependency beyond libc, so tests
 * link parse.c and gen.c directly.
 */

#include <stdint.h>
#include <stdio.h>

/* Field and element kinds. */
enum sc_kind {
	SC_U8, SC_U16, SC_U32, SC_U64,
	SC_I8, SC_I16, SC_I32, SC_I64,
	SC_F32, SC_F64,
	SC_BOOL,
	SC_ENUM,        /* stored as its underlying unsigned type */
	SC_STRUCT,      /* nested fixed struct */
	SC_CHARS,       /* char NAME[N] */
	SC_OCTETS,      /* u8 NAME[N] */
	SC_STRING,      /* reference to bytes (not NUL-terminated) */
	SC_BYTES,       /* reference to bytes */
	SC_ARRAY,       /* reference to elements: elem is SC_STRUCT, SC_STRING or SC_BYTES */
	SC_MAP,         /* map<elem, velem>: reference to a table and strings; both
			 * SC_STRING or SC_BYTES */
};

#define SC_NAME_MAX 64

struct sc_enum_value {
	char name[SC_NAME_MAX + 1];
	uint64_t value;
	int line, col;
};

struct sc_enum {
	char name[SC_NAME_MAX + 1];
	enum sc_kind base;      /* SC_U8, SC_U16 or SC_U32 */
	struct sc_enum_value *values;
	int nb_values;
	int line, col;
	int done;               /* complete (usable as a type) */
};

struct sc_struct;

struct sc_field {
	char name[SC_NAME_MAX + 1];
	enum sc_kind kind;
	enum sc_kind elem;              /* SC_ARRAY: element kind; SC_MAP: key kind */
	enum sc_kind velem;             /* SC_MAP: value kind */
	const struct sc_enum *en;       /* SC_ENUM */
	const struct sc_struct *st;     /* SC_STRUCT, or SC_ARRAY of SC_STRUCT */
	uint32_t count;                 /* SC_CHARS, SC_OCTETS: N */
	uint32_t since;                 /* version that added it: 1 for the first */
	uint32_t offset;                /* in the struct, or in the body */
	uint32_t size, align;
	int line, col;
};

/* A struct or a message: fields in declaration order, laid out. */
struct sc_struct {
	char name[SC_NAME_MAX + 1];
	int is_message;
	uint32_t id;            /* message: type (method) id, 1..65535 */
	struct sc_field *fields;
	int nb_fields;
	uint32_t size, align;   /* struct: padded size; message: fixed block end */
	uint32_t min_size;      /* message: fixed block end of version 1 */
	uint32_t version;       /* message: highest 'since' */
	int needs_check;        /* validation has something to look at */
	int loop_depth;         /* how deep the fast pass nests loops over
				 * array elements (of its fields' structs too) */
	int line, col;
	int done;               /* complete (usable as a type) */
};

struct sc_schema {
	char package[SC_NAME_MAX + 1];
	const char *file;       /* as given, for messages and the banner */
	struct sc_enum **enums;
	int nb_enums;
	struct sc_struct **structs;     /* structs and messages, in order */
	int nb_structs;
};

/*
 * Parse, check and lay out a schema held in @text (@len bytes) read from
 * @file (the name used in messages). On error returns -1 with one line
 * "FILE:LINE:COL: what" in @err (without newline). On success returns 0
 * and fills @s, which sc_schema_free() releases.
 */
int sc_parse(const char *file, const char *text, size_t len, struct sc_schema *s, char *err,
	     size_t errlen);

void sc_schema_free(struct sc_schema *s);

/* Write the C header for @s to @out. Returns 0, or -1 on a write error. */
int sc_generate(const struct sc_schema *s, FILE *out);

#endif /* DIPC_SCHEMAC_H */
