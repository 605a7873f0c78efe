/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema reader: a hand-written lexer and a recursive-descent parser over
 * the grammar of docs/SCHEMA.md, with the checks and the layout done as
 * each declaration closes. The first error stops everything: it is written
 * as "FILE:LINE:COL: what was expected" and the parser unwinds with
 * longjmp; everything allocated hangs off the schema, which the caller
 * frees either way.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "schemac.h"

#define FIXED_MAX 65535u
#define PREFIX_LEN 4u
#define REF_LEN 8u
#define ID_MAX 65535u
#define VERSION_MAX 65535u

enum tok_type { T_EOF, T_NAME, T_NUMBER, T_PUNCT };

struct token {
	enum tok_type type;
	const char *start;
	size_t len;
	uint64_t number;        /* T_NUMBER */
	int line, col;
};

struct parser {
	const char *file;
	const char *text, *end, *pos;
	int line;
	const char *line_start;
	struct token tok;       /* current token */
	struct sc_schema *s;
	char *err;
	size_t errlen;
	jmp_buf fail;
};

static const char *const keywords[] = {
	"package", "enum", "struct", "message", "since", "char", "string", "bytes", "bool",
	"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "map", NULL,
};

/* Scalar keywords and their kinds (char is handled apart). */
static const struct {
	const char *name;
	enum sc_kind kind;
} scalars[] = {
	{"u8", SC_U8}, {"u16", SC_U16}, {"u32", SC_U32}, {"u64", SC_U64},
	{"i8", SC_I8}, {"i16", SC_I16}, {"i32", SC_I32}, {"i64", SC_I64},
	{"f32", SC_F32}, {"f64", SC_F64}, {"bool", SC_BOOL},
	{"string", SC_STRING}, {"bytes", SC_BYTES},
};

/* The message of the first error: "FILE:LINE:COL: what". */
static void
set_error(struct parser *p, int line, int col, const char *what)
{
	snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->file, line, col, what);
}

/* Record the error and unwind to sc_parse(). */
#define fail_at(p, line, col, ...) do { \
	char what_[384]; \
\
	snprintf(what_, sizeof(what_), __VA_ARGS__); \
	set_error((p), (line), (col), what_); \
	longjmp((p)->fail, 1); \
} while (0)

static void *
xrealloc(struct parser *p, void *ptr, size_t n, size_t size)
{
	void *q = realloc(ptr, n * size);

	if (q == NULL)
		fail_at(p, p->tok.line, p->tok.col, "out of memory");
	return q;
}

/*
 * Lexer
 */

static int
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static int
col_of(const struct parser *p, const char *at)
{
	return (int)(at - p->line_start) + 1;
}

/* Skip blanks, newlines and comments ("//" to end of line, and block comments). */
static void
skip_space(struct parser *p)
{
	while (p->pos < p->end) {
		char c = *p->pos;

		if (c == '\n') {
			p->pos++;
			p->line++;
			p->line_start = p->pos;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			p->pos++;
		} else if (c == '/' && p->pos + 1 < p->end && p->pos[1] == '/') {
			while (p->pos < p->end && *p->pos != '\n')
				p->pos++;
		} else if (c == '/' && p->pos + 1 < p->end && p->pos[1] == '*') {
			int line = p->line, col = col_of(p, p->pos);

			p->pos += 2;
			for (;;) {
				if (p->pos + 1 >= p->end)
					fail_at(p, line, col, "unterminated comment: expected '*/'");
				if (p->pos[0] == '*' && p->pos[1] == '/')
					break;
				if (*p->pos == '\n') {
					p->line++;
					p->line_start = p->pos + 1;
				}
				p->pos++;
			}
			p->pos += 2;
		} else {
			break;
		}
	}
}

static void
next(struct parser *p)
{
	struct token *t = &p->tok;
	const char *s;

	skip_space(p);
	s = p->pos;
	t->start = s;
	t->line = p->line;
	t->col = col_of(p, s);
	t->number = 0;
	if (s >= p->end) {
		t->type = T_EOF;
		t->len = 0;
		return;
	}
	if (is_name_start(*s)) {
		while (p->pos < p->end && is_name_char(*p->pos))
			p->pos++;
		t->type = T_NAME;
		t->len = (size_t)(p->pos - s);
		if (t->len > SC_NAME_MAX)
			fail_at(p, t->line, t->col, "expected a name of at most %d characters, found one of %zu",
				SC_NAME_MAX, t->len);
		return;
	}
	if (*s >= '0' && *s <= '9') {
		int hex = 0;
		uint64_t v = 0;

		if (*s == '0' && p->end - s > 1 && (s[1] == 'x' || s[1] == 'X')) {
			hex = 1;
			p->pos += 2;
		}
		while (p->pos < p->end) {
			char c = *p->pos;
			unsigned int d = 0;

			if (c >= '0' && c <= '9')
				d = (unsigned int)(c - '0');
			else if (hex && c >= 'a' && c <= 'f')
				d = (unsigned int)(c - 'a' + 10);
			else if (hex && c >= 'A' && c <= 'F')
				d = (unsigned int)(c - 'A' + 10);
			else if (is_name_char(c))
				fail_at(p, t->line, t->col, "expected a number, found '%.*s'",
					(int)(p->pos - s + 1), s);
			else
				break;
			if (v > (UINT64_MAX - d) / (hex ? 16 : 10)) {
				while (p->pos < p->end && is_name_char(*p->pos))
					p->pos++;
				fail_at(p, t->line, t->col, "expected a number below 2^64, found '%.*s'",
					(int)(p->pos - s), s);
			}
			v = v * (hex ? 16 : 10) + d;
			p->pos++;
		}
		if (hex && p->pos == s + 2)
			fail_at(p, t->line, t->col, "expected hex digits after '0x', found '%.2s'", s);
		t->type = T_NUMBER;
		t->number = v;
		t->len = (size_t)(p->pos - s);
		return;
	}
	if (strchr(";:={}[]<>,", *s) != NULL) {
		p->pos++;
		t->type = T_PUNCT;
		t->len = 1;
		return;
	}
	if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
		fail_at(p, t->line, t->col, "expected a name, a number or one of { } [ ] < > , = : ;, "
			"found byte 0x%02x", (unsigned char)*s);
	fail_at(p, t->line, t->col, "expected a name, a number or one of { } [ ] < > , = : ;, "
		"found '%c'", *s);
}

/* How the current token reads in a message. */
static const char *
found(struct parser *p, char *buf, size_t size)
{
	const struct token *t = &p->tok;

	if (t->type == T_EOF)
		snprintf(buf, size, "end of file");
	else
		snprintf(buf, size, "'%.*s'", (int)t->len, t->start);
	return buf;
}

static void expected(struct parser *p, const char *what) __attribute__((noreturn));

/* "expected <what>, found <token>" at the current token. */
static void
expected(struct parser *p, const char *what)
{
	char tok[SC_NAME_MAX + 16];

	fail_at(p, p->tok.line, p->tok.col, "expected %s, found %s", what,
		found(p, tok, sizeof(tok)));
}

static int
is_punct(const struct parser *p, char c)
{
	return p->tok.type == T_PUNCT && *p->tok.start == c;
}

static int
is_word(const struct parser *p, const char *w)
{
	return p->tok.type == T_NAME && p->tok.len == strlen(w) &&
	       memcmp(p->tok.start, w, p->tok.len) == 0;
}

static int
is_keyword(const struct parser *p)
{
	int i;

	for (i = 0; keywords[i] != NULL; i++)
		if (is_word(p, keywords[i]))
			return 1;
	return 0;
}

static void
expect_punct(struct parser *p, char c, const char *context)
{
	char what[96];

	if (!is_punct(p, c)) {
		snprintf(what, sizeof(what), "'%c'%s", c, context);
		expected(p, what);
	}
	next(p);
}

/* A name into @out; @what says which (e.g. "a struct name"). */
static void
expect_name(struct parser *p, char *out, const char *what, int allow_keyword)
{
	if (p->tok.type != T_NAME || (!allow_keyword && is_keyword(p)))
		expected(p, what);
	memcpy(out, p->tok.start, p->tok.len);
	out[p->tok.len] = '\0';
	next(p);
}

static uint64_t
expect_number(struct parser *p, const char *what, uint64_t min, uint64_t max)
{
	uint64_t v = p->tok.number;
	char range[96];

	if (p->tok.type != T_NUMBER || v < min || v > max) {
		snprintf(range, sizeof(range), "%s in %" PRIu64 "..%" PRIu64, what, min, max);
		expected(p, range);
	}
	next(p);
	return v;
}

/*
 * Declarations
 */

static const struct sc_enum *
find_enum(const struct sc_schema *s, const char *name)
{
	int i;

	for (i = 0; i < s->nb_enums; i++)
		if (s->enums[i]->done && strcmp(s->enums[i]->name, name) == 0)
			return s->enums[i];
	return NULL;
}

static const struct sc_struct *
find_struct(const struct sc_schema *s, const char *name)
{
	int i;

	for (i = 0; i < s->nb_structs; i++)
		if (s->structs[i]->done && strcmp(s->structs[i]->name, name) == 0)
			return s->structs[i];
	return NULL;
}

/* A new type name: not a keyword, not declared before. */
static void
type_name(struct parser *p, char *out, const char *what, int *line, int *col)
{
	const struct sc_enum *e;
	const struct sc_struct *st;

	*line = p->tok.line;
	*col = p->tok.col;
	expect_name(p, out, what, 0);
	e = find_enum(p->s, out);
	st = find_struct(p->s, out);
	if (e != NULL)
		fail_at(p, *line, *col, "expected a new type name, found '%s' (declared at %d:%d)",
			out, e->line, e->col);
	if (st != NULL)
		fail_at(p, *line, *col, "expected a new type name, found '%s' (declared at %d:%d)",
			out, st->line, st->col);
}

static uint32_t
kind_size(enum sc_kind k)
{
	switch (k) {
	case SC_U8: case SC_I8: case SC_BOOL: return 1;
	case SC_U16: case SC_I16: return 2;
	case SC_U32: case SC_I32: case SC_F32: return 4;
	case SC_U64: case SC_I64: case SC_F64: return 8;
	default: return REF_LEN;
	}
}

static void
parse_enum(struct parser *p)
{
	struct sc_enum *e;
	uint64_t max;
	int i;

	char name[SC_NAME_MAX + 1];
	int line, col;

	next(p);
	type_name(p, name, "an enum name", &line, &col);
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		fail_at(p, line, col, "out of memory");
	/* An array of pointers, so that types never move. */
	p->s->enums = xrealloc(p, p->s->enums, (size_t)p->s->nb_enums + 1,
			       sizeof(*p->s->enums)); /* NOLINT(bugprone-sizeof-expression) */
	p->s->enums[p->s->nb_enums++] = e;
	memcpy(e->name, name, sizeof(name));
	e->line = line;
	e->col = col;
	expect_punct(p, ':', " and the enum's type after its name");
	if (is_word(p, "u8"))
		e->base = SC_U8;
	else if (is_word(p, "u16"))
		e->base = SC_U16;
	else if (is_word(p, "u32"))
		e->base = SC_U32;
	else
		expected(p, "u8, u16 or u32 (the enum's type)");
	next(p);
	max = e->base == SC_U8 ? UINT8_MAX : e->base == SC_U16 ? UINT16_MAX : UINT32_MAX;
	expect_punct(p, '{', " to open the enum");
	do {
		struct sc_enum_value v;
		int vline, vcol;

		memset(&v, 0, sizeof(v));
		v.line = p->tok.line;
		v.col = p->tok.col;
		expect_name(p, v.name, "an enum value name", 1);
		for (i = 0; i < e->nb_values; i++)
			if (strcmp(e->values[i].name, v.name) == 0)
				fail_at(p, v.line, v.col,
					"expected a new value name, found '%s' (declared at %d:%d)",
					v.name, e->values[i].line, e->values[i].col);
		expect_punct(p, '=', " after the value name");
		vline = p->tok.line;
		vcol = p->tok.col;
		v.value = expect_number(p, "a value", 0, max);
		for (i = 0; i < e->nb_values; i++)
			if (e->values[i].value == v.value)
				fail_at(p, vline, vcol, "expected a new value for '%s', found '%"
					PRIu64 "' (the value of '%s' at %d:%d)", v.name, v.value,
					e->values[i].name, e->values[i].line, e->values[i].col);
		expect_punct(p, ';', " after the value");
		e->values = xrealloc(p, e->values, (size_t)e->nb_values + 1, sizeof(v));
		e->values[e->nb_values++] = v;
	} while (!is_punct(p, '}'));
	next(p);
	e->done = 1;
}

static uint32_t
align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The key or value type of a map: string or bytes. */
static enum sc_kind
map_elem(struct parser *p, const char *which)
{
	char what[96];
	enum sc_kind k;

	if (is_word(p, "string")) {
		k = SC_STRING;
	} else if (is_word(p, "bytes")) {
		k = SC_BYTES;
	} else {
		snprintf(what, sizeof(what), "string or bytes as the map's %s type", which);
		expected(p, what);
	}
	next(p);
	return k;
}

/* One field of @st (which may be a message). */
static void
parse_field(struct parser *p, struct sc_struct *st, uint32_t *version)
{
	struct sc_field f;
	const struct sc_enum *en = NULL;
	const struct sc_struct *ty = NULL;
	char tname[SC_NAME_MAX + 1];
	char what[160];
	int tline = p->tok.line, tcol = p->tok.col;
	int is_char = 0;
	size_t i;
	int j;

	memset(&f, 0, sizeof(f));
	f.line = p->tok.line;
	f.col = p->tok.col;
	if (p->tok.type != T_NAME)
		expected(p, "a field type");
	memcpy(tname, p->tok.start, p->tok.len);
	tname[p->tok.len] = '\0';
	f.kind = SC_ENUM; /* placeholder until resolved */
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (strcmp(tname, scalars[i].name) == 0)
			break;
	if (i < sizeof(scalars) / sizeof(scalars[0])) {
		f.kind = scalars[i].kind;
	} else if (strcmp(tname, "map") == 0) {
		f.kind = SC_MAP;
		next(p);
		expect_punct(p, '<', " after map (map<K, V>, K and V string or bytes)");
		f.elem = map_elem(p, "key");
		expect_punct(p, ',', " between the key and value types of the map");
		f.velem = map_elem(p, "value");
		if (!is_punct(p, '>'))
			expected(p, "'>' after the map's value type");
	} else if (strcmp(tname, "char") == 0) {
		is_char = 1;
	} else if (is_keyword(p)) {
		expected(p, "a field type");
	} else if ((en = find_enum(p->s, tname)) != NULL) {
		f.kind = SC_ENUM;
		f.en = en;
	} else if ((ty = find_struct(p->s, tname)) != NULL) {
		if (ty->is_message)
			fail_at(p, tline, tcol, "expected a field type, found message '%s' "
				"(a message is not a type; declare a struct)", tname);
		f.kind = SC_STRUCT;
		f.st = ty;
	} else if (strcmp(tname, st->name) == 0) {
		fail_at(p, tline, tcol, "expected a field type, found '%s' itself "
			"(a struct cannot contain itself)", tname);
	} else {
		fail_at(p, tline, tcol, "expected a field type, found unknown type '%s' "
			"(types are declared before use)", tname);
	}
	next(p);
	expect_name(p, f.name, "a field name", 1);
	for (j = 0; j < st->nb_fields; j++)
		if (strcmp(st->fields[j].name, f.name) == 0)
			fail_at(p, f.line, f.col, "expected a new field name, found '%s' "
				"(declared at %d:%d)", f.name, st->fields[j].line, st->fields[j].col);

	if (is_punct(p, '[') && f.kind == SC_MAP) {
		fail_at(p, p->tok.line, p->tok.col, "expected ';' after field '%s', found '[' "
			"(a map is not an array element)", f.name);
	} else if (is_punct(p, '[')) {
		next(p);
		if (is_punct(p, ']')) {
			/* Variable array. */
			if (f.kind != SC_STRUCT && f.kind != SC_STRING && f.kind != SC_BYTES)
				fail_at(p, tline, tcol, "expected a struct, string or bytes as the "
					"element of variable array '%s', found '%s'", f.name, tname);
			f.elem = f.kind;
			f.kind = SC_ARRAY;
		} else {
			if (!is_char && f.kind != SC_U8)
				fail_at(p, tline, tcol, "expected u8 or char as the element of "
					"fixed array '%s', found '%s'", f.name, tname);
			f.count = (uint32_t)expect_number(p, "an array size", 1, FIXED_MAX);
			f.kind = is_char ? SC_CHARS : SC_OCTETS;
			if (!is_punct(p, ']'))
				expected(p, "']' after the array size");
		}
		next(p);
	} else if (is_char) {
		snprintf(what, sizeof(what), "'[' after char field '%s' (char is only an array "
			 "element: char NAME[N])", f.name);
		expected(p, what);
	}

	f.since = 1;
	if (is_word(p, "since")) {
		int sline = p->tok.line, scol = p->tok.col;

		if (!st->is_message)
			fail_at(p, sline, scol, "expected ';' after field '%s', found 'since' "
				"(only message fields have versions; a struct never changes)", f.name);
		next(p);
		if (p->tok.type == T_NUMBER && p->tok.number < *version && *version > 1) {
			snprintf(what, sizeof(what), "a version >= %u (the previous field's)",
				 *version);
			expected(p, what);
		}
		f.since = (uint32_t)expect_number(p, "a version", 2, VERSION_MAX);
	} else if (*version > 1) {
		fail_at(p, f.line, f.col, "expected 'since N' on field '%s': it follows a field "
			"added in version %u, and fields are only added at the end", f.name, *version);
	}
	*version = f.since;
	if (!is_punct(p, ';')) {
		snprintf(what, sizeof(what), "';' after field '%s'", f.name);
		expected(p, what);
	}
	next(p);

	switch (f.kind) {
	case SC_ENUM:
		f.size = f.align = kind_size(f.en->base);
		break;
	case SC_STRUCT:
		f.size = f.st->size;
		f.align = f.st->align;
		break;
	case SC_CHARS:
	case SC_OCTETS:
		f.size = f.count;
		f.align = 1;
		break;
	case SC_STRING:
	case SC_BYTES:
	case SC_ARRAY:
	case SC_MAP:
		f.size = REF_LEN;
		f.align = 4;
		break;
	default:
		f.size = f.align = kind_size(f.kind);
		break;
	}
	st->fields = xrealloc(p, st->fields, (size_t)st->nb_fields + 1, sizeof(f));
	st->fields[st->nb_fields++] = f;
}

/* Offsets, sizes and what needs validation, once all fields are known. */
static void
layout(struct parser *p, struct sc_struct *st)
{
	uint32_t off = st->is_message ? PREFIX_LEN : 0;
	uint64_t end = off;
	int i, depth;

	st->align = 1;
	st->min_size = off;
	st->version = 1;
	for (i = 0; i < st->nb_fields; i++) {
		struct sc_field *f = &st->fields[i];

		end = align_up((uint32_t)end, f->align);
		f->offset = (uint32_t)end;
		end += f->size;
		if (end > FIXED_MAX)
			fail_at(p, f->line, f->col, "expected at most %u bytes in %s '%s', "
				"field '%s' ends at byte %" PRIu64, FIXED_MAX,
				st->is_message ? "the fixed block of message" : "struct", st->name,
				f->name, end);
		if (f->align > st->align)
			st->align = f->align;
		if (f->since == 1)
			st->min_size = (uint32_t)end;
		if (f->since > st->version)
			st->version = f->since;
		if (f->kind == SC_BOOL || f->kind == SC_ENUM || f->kind == SC_STRING ||
		    f->kind == SC_BYTES || f->kind == SC_ARRAY || f->kind == SC_MAP ||
		    (f->kind == SC_STRUCT && f->st->needs_check))
			st->needs_check = 1;
		/* A field's struct is complete, its depth known. */
		if (f->kind == SC_ARRAY && f->elem != SC_STRUCT)
			depth = 1;
		else if (f->kind == SC_ARRAY && f->st->needs_check)
			depth = 1 + f->st->loop_depth;
		else if (f->kind == SC_STRUCT && f->st->needs_check)
			depth = f->st->loop_depth;
		else
			depth = 0;
		if (depth > st->loop_depth)
			st->loop_depth = depth;
	}
	if (!st->is_message) {
		end = align_up((uint32_t)end, st->align);
		if (end > FIXED_MAX)
			fail_at(p, st->line, st->col, "expected at most %u bytes in struct '%s', "
				"found %" PRIu64, FIXED_MAX, st->name, end);
	}
	st->size = (uint32_t)end;
}

static void
parse_struct(struct parser *p, int is_message)
{
	struct sc_struct *st;
	uint32_t version = 1;
	int i;

	char name[SC_NAME_MAX + 1];
	int line, col;

	next(p);
	type_name(p, name, is_message ? "a message name" : "a struct name", &line, &col);
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		fail_at(p, line, col, "out of memory");
	/* An array of pointers, so that types never move. */
	p->s->structs = xrealloc(p, p->s->structs, (size_t)p->s->nb_structs + 1,
				 sizeof(*p->s->structs)); /* NOLINT(bugprone-sizeof-expression) */
	p->s->structs[p->s->nb_structs++] = st;
	memcpy(st->name, name, sizeof(name));
	st->line = line;
	st->col = col;
	st->is_message = is_message;
	if (is_message) {
		expect_punct(p, '=', " and the message id after the message name");
		line = p->tok.line;
		col = p->tok.col;
		st->id = (uint32_t)expect_number(p, "a message id", 1, ID_MAX);
		for (i = 0; i < p->s->nb_structs - 1; i++)
			if (p->s->structs[i]->is_message && p->s->structs[i]->id == st->id)
				fail_at(p, line, col, "expected a new message id, found '%u' "
					"(the id of '%s' at %d:%d)", st->id, p->s->structs[i]->name,
					p->s->structs[i]->line, p->s->structs[i]->col);
	}
	expect_punct(p, '{', is_message ? " to open the message" : " to open the struct");
	if (!is_message && is_punct(p, '}'))
		expected(p, "a field type (a struct has at least one field)");
	while (!is_punct(p, '}'))
		parse_field(p, st, &version);
	next(p);
	layout(p, st);
	st->done = 1;
}

int
sc_parse(const char *file, const char *text, size_t len, struct sc_schema *s, char *err,
	 size_t errlen)
{
	struct parser p;

	memset(s, 0, sizeof(*s));
	memset(&p, 0, sizeof(p));
	s->file = file;
	p.file = file;
	p.text = text;
	p.pos = text;
	p.end = text + len;
	p.line = 1;
	p.line_start = text;
	p.s = s;
	p.err = err;
	p.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if (setjmp(p.fail) != 0)
		return -1;
	if (memchr(text, '\0', len) != NULL) {
		const char *nul = memchr(text, '\0', len);

		/* Find its line for the message. */
		p.pos = text;
		while (p.pos < nul) {
			if (*p.pos++ == '\n') {
				p.line++;
				p.line_start = p.pos;
			}
		}
		fail_at(&p, p.line, col_of(&p, nul), "expected text, found byte 0x00");
	}
	next(&p);
	if (!is_word(&p, "package"))
		expected(&p, "'package NAME;' first");
	next(&p);
	expect_name(&p, s->package, "a package name", 0);
	expect_punct(&p, ';', " after the package name");
	while (p.tok.type != T_EOF) {
		if (is_word(&p, "enum"))
			parse_enum(&p);
		else if (is_word(&p, "struct"))
			parse_struct(&p, 0);
		else if (is_word(&p, "message"))
			parse_struct(&p, 1);
		else
			expected(&p, "'enum', 'struct' or 'message'");
	}
	return 0;
}

void
sc_schema_free(struct sc_schema *s)
{
	int i;

	if (s->enums != NULL) {
		for (i = 0; i < s->nb_enums; i++) {
			free(s->enums[i]->values);
			free(s->enums[i]);
		}
	}
	if (s->structs != NULL) {
		for (i = 0; i < s->nb_structs; i++) {
			free(s->structs[i]->fields);
			free(s->structs[i]);
		}
	}
	free(s->enums);
	free(s->structs);
	memset(s, 0, sizeof(*s));
}
