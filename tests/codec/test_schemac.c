/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the schema compiler. A table of malformed schemas, each
 * with the one "FILE:LINE:COL: expected ..." message it must produce (the
 * parser is linked in: app/schemac/parse.c); the layout of good schemas;
 * and the dipc-schemac command line run as a subprocess (argv[1]) on the
 * schemas of this directory (argv[2]): exit codes, messages, and no
 * partial header left by a failed run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "schemac.h"

static const char *schemac_exe;
static const char *schemas_dir;

struct bad_case {
	const char *what;
	const char *text;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{"empty",
	 "",
	 "bad.schema:1:1: expected 'package NAME;' first, found end of file"},
	{"no_package",
	 "enum e : u8 { A = 0; }\n",
	 "bad.schema:1:1: expected 'package NAME;' first, found 'enum'"},
	{"package_keyword",
	 "package struct;\n",
	 "bad.schema:1:9: expected a package name, found 'struct'"},
	{"package_no_semi",
	 "package p\nstruct s { u8 a; }\n",
	 "bad.schema:2:1: expected ';' after the package name, found 'struct'"},
	{"bad_char",
	 "package p;\nstruct s { u8 a; } @\n",
	 "bad.schema:2:20: expected a name, a number or one of { } [ ] < > , = : ;, found '@'"},
	{"bad_byte",
	 "package p;\nstruct s { u8 a\x01""; }\n",
	 "bad.schema:2:16: expected a name, a number or one of { } [ ] < > , = : ;, found byte 0x01"},
	{"map_no_lt",
	 "package p;\nstruct s { map a; }\n",
	 "bad.schema:2:16: expected '<' after map (map<K, V>, K and V string or bytes), found 'a'"},
	{"map_key_type",
	 "package p;\nstruct s { map<u32, string> a; }\n",
	 "bad.schema:2:16: expected string or bytes as the map's key type, found 'u32'"},
	{"map_no_comma",
	 "package p;\nstruct s { map<string string> a; }\n",
	 "bad.schema:2:23: expected ',' between the key and value types of the map, found 'string'"},
	{"map_value_type",
	 "package p;\nstruct f { u8 x; }\nstruct s { map<bytes, f> a; }\n",
	 "bad.schema:3:23: expected string or bytes as the map's value type, found 'f'"},
	{"map_no_gt",
	 "package p;\nstruct s { map<string, bytes a; }\n",
	 "bad.schema:2:30: expected '>' after the map's value type, found 'a'"},
	{"map_array",
	 "package p;\nmessage m = 1 { map<string, string> a[]; }\n",
	 "bad.schema:2:38: expected ';' after field 'a', found '[' (a map is not an array element)"},
	{"map_type_name",
	 "package p;\nstruct map { u8 a; }\n",
	 "bad.schema:2:8: expected a struct name, found 'map'"},
	{"map_eof",
	 "package p;\nstruct s { map<string,",
	 "bad.schema:2:23: expected string or bytes as the map's value type, found end of file"},
	{"long_name",
	 "package p;\nstruct "
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa { u8 x; }\n",
	 "bad.schema:2:8: expected a name of at most 64 characters, found one of 65"},
	{"number_letters",
	 "package p;\nmessage m = 12ab { }\n",
	 "bad.schema:2:13: expected a number, found '12a'"},
	{"hex_empty",
	 "package p;\nmessage m = 0x { }\n",
	 "bad.schema:2:13: expected hex digits after '0x', found '0x'"},
	{"number_huge",
	 "package p;\nmessage m = 99999999999999999999 { }\n",
	 "bad.schema:2:13: expected a number below 2^64, found '99999999999999999999'"},
	{"unterminated_comment",
	 "package p;\n/* open\n\nstruct s { u8 a; }\n",
	 "bad.schema:2:1: unterminated comment: expected '*/'"},
	{"top_level_junk",
	 "package p;\nfield x;\n",
	 "bad.schema:2:1: expected 'enum', 'struct' or 'message', found 'field'"},
	{"enum_no_colon",
	 "package p;\nenum e { A = 0; }\n",
	 "bad.schema:2:8: expected ':' and the enum's type after its name, found '{'"},
	{"enum_bad_base",
	 "package p;\nenum e : i8 { A = 0; }\n",
	 "bad.schema:2:10: expected u8, u16 or u32 (the enum's type), found 'i8'"},
	{"enum_empty",
	 "package p;\nenum e : u8 { }\n",
	 "bad.schema:2:15: expected an enum value name, found '}'"},
	{"enum_no_eq",
	 "package p;\nenum e : u8 { A 0; }\n",
	 "bad.schema:2:17: expected '=' after the value name, found '0'"},
	{"enum_range",
	 "package p;\nenum e : u8 { A = 256; }\n",
	 "bad.schema:2:19: expected a value in 0..255, found '256'"},
	{"enum_dup_name",
	 "package p;\nenum e : u8 {\n\tA = 0;\n\tA = 1;\n}\n",
	 "bad.schema:4:2: expected a new value name, found 'A' (declared at 3:2)"},
	{"enum_dup_value",
	 "package p;\nenum e : u16 {\n\tA = 7;\n\tB = 7;\n}\n",
	 "bad.schema:4:6: expected a new value for 'B', found '7' (the value of 'A' at 3:2)"},
	{"enum_no_semi",
	 "package p;\nenum e : u8 { A = 0 }\n",
	 "bad.schema:2:21: expected ';' after the value, found '}'"},
	{"dup_type",
	 "package p;\nstruct s { u8 a; }\nenum s : u8 { A = 0; }\n",
	 "bad.schema:3:6: expected a new type name, found 's' (declared at 2:8)"},
	{"dup_type_msg",
	 "package p;\nmessage m = 1 { }\nstruct m { u8 a; }\n",
	 "bad.schema:3:8: expected a new type name, found 'm' (declared at 2:9)"},
	{"type_keyword",
	 "package p;\nstruct u32 { u8 a; }\n",
	 "bad.schema:2:8: expected a struct name, found 'u32'"},
	{"struct_empty",
	 "package p;\nstruct s { }\n",
	 "bad.schema:2:12: expected a field type (a struct has at least one field), found '}'"},
	{"struct_no_brace",
	 "package p;\nstruct s u8 a; }\n",
	 "bad.schema:2:10: expected '{' to open the struct, found 'u8'"},
	{"unknown_type",
	 "package p;\nmessage m = 1 {\n\tfoo a;\n}\n",
	 "bad.schema:3:2: expected a field type, found unknown type 'foo' (types are declared before use)"},
	{"later_type",
	 "package p;\nmessage m = 1 {\n\tlater a;\n}\nstruct later { u8 x; }\n",
	 "bad.schema:3:2: expected a field type, found unknown type 'later' (types are declared before use)"},
	{"self",
	 "package p;\nstruct s {\n\ts inner;\n}\n",
	 "bad.schema:3:2: expected a field type, found 's' itself (a struct cannot contain itself)"},
	{"message_as_type",
	 "package p;\nmessage a = 1 { }\nmessage b = 2 {\n\ta x;\n}\n",
	 "bad.schema:4:2: expected a field type, found message 'a' (a message is not a type; declare a struct)"},
	{"field_keyword_type",
	 "package p;\nstruct s { package a; }\n",
	 "bad.schema:2:12: expected a field type, found 'package'"},
	{"field_no_name",
	 "package p;\nstruct s { u8 ; }\n",
	 "bad.schema:2:15: expected a field name, found ';'"},
	{"dup_field",
	 "package p;\nstruct s {\n\tu8 a;\n\tu16 a;\n}\n",
	 "bad.schema:4:2: expected a new field name, found 'a' (declared at 3:2)"},
	{"field_no_semi",
	 "package p;\nstruct s {\n\tu8 a\n\tu8 b;\n}\n",
	 "bad.schema:4:2: expected ';' after field 'a', found 'u8'"},
	{"char_alone",
	 "package p;\nstruct s { char c; }\n",
	 "bad.schema:2:18: expected '[' after char field 'c' (char is only an array element: char NAME[N]), found ';'"},
	{"fixed_array_u32",
	 "package p;\nstruct s { u32 a[4]; }\n",
	 "bad.schema:2:12: expected u8 or char as the element of fixed array 'a', found 'u32'"},
	{"fixed_array_string",
	 "package p;\nstruct s { string a[4]; }\n",
	 "bad.schema:2:12: expected u8 or char as the element of fixed array 'a', found 'string'"},
	{"array_zero",
	 "package p;\nstruct s { u8 a[0]; }\n",
	 "bad.schema:2:17: expected an array size in 1..65535, found '0'"},
	{"array_huge",
	 "package p;\nstruct s { u8 a[65536]; }\n",
	 "bad.schema:2:17: expected an array size in 1..65535, found '65536'"},
	{"array_no_close",
	 "package p;\nstruct s { u8 a[4; }\n",
	 "bad.schema:2:18: expected ']' after the array size, found ';'"},
	{"var_array_scalar",
	 "package p;\nmessage m = 1 { u32 a[]; }\n",
	 "bad.schema:2:17: expected a struct, string or bytes as the element of variable array 'a', found 'u32'"},
	{"var_array_enum",
	 "package p;\nenum e : u8 { A = 0; }\nmessage m = 1 { e a[]; }\n",
	 "bad.schema:3:17: expected a struct, string or bytes as the element of variable array 'a', found 'e'"},
	{"var_array_char",
	 "package p;\nmessage m = 1 { char a[]; }\n",
	 "bad.schema:2:17: expected a struct, string or bytes as the element of variable array 'a', found 'char'"},
	{"msg_no_id",
	 "package p;\nmessage m { }\n",
	 "bad.schema:2:11: expected '=' and the message id after the message name, found '{'"},
	{"msg_id_zero",
	 "package p;\nmessage m = 0 { }\n",
	 "bad.schema:2:13: expected a message id in 1..65535, found '0'"},
	{"msg_id_big",
	 "package p;\nmessage m = 65536 { }\n",
	 "bad.schema:2:13: expected a message id in 1..65535, found '65536'"},
	{"msg_id_dup",
	 "package p;\nmessage a = 5 { }\nmessage b = 5 { }\n",
	 "bad.schema:3:13: expected a new message id, found '5' (the id of 'a' at 2:9)"},
	{"since_in_struct",
	 "package p;\nstruct s { u8 a since 2; }\n",
	 "bad.schema:2:17: expected ';' after field 'a', found 'since' (only message fields have versions; a struct never changes)"},
	{"since_one",
	 "package p;\nmessage m = 1 { u8 a since 1; }\n",
	 "bad.schema:2:28: expected a version in 2..65535, found '1'"},
	{"since_backwards",
	 "package p;\nmessage m = 1 {\n\tu8 a since 3;\n\tu8 b since 2;\n}\n",
	 "bad.schema:4:13: expected a version >= 3 (the previous field's), found '2'"},
	{"since_then_plain",
	 "package p;\nmessage m = 1 {\n\tu8 a since 2;\n\tu8 b;\n}\n",
	 "bad.schema:4:2: expected 'since N' on field 'b': it follows a field added in version 2, and fields are only added at the end"},
	{"since_no_number",
	 "package p;\nmessage m = 1 { u8 a since; }\n",
	 "bad.schema:2:27: expected a version in 2..65535, found ';'"},
	{"fixed_too_big",
	 "package p;\nmessage m = 1 {\n\tu8 a[65000];\n\tu8 b[600];\n}\n",
	 "bad.schema:4:2: expected at most 65535 bytes in the fixed block of message 'm', field 'b' ends at byte 65604"},
	{"struct_too_big",
	 "package p;\nstruct s {\n\tu8 a[65535];\n\tu16 b;\n}\n",
	 "bad.schema:4:2: expected at most 65535 bytes in struct 's', field 'b' ends at byte 65538"},
	{"missing_close",
	 "package p;\nstruct s {\n\tu8 a;\n",
	 "bad.schema:4:1: expected a field type, found end of file"},
	{"enum_value_keyword_ok_then_bad",
	 "package p;\nenum e : u8 { A = x; }\n",
	 "bad.schema:2:19: expected a value in 0..255, found 'x'"},
};

static void
test_bad_schemas(void **state)
{
	struct sc_schema s;
	char err[512];
	size_t i;
	int failed = 0;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		if (sc_parse("bad.schema", c->text, strlen(c->text), &s, err, sizeof(err)) != -1 ||
		    strcmp(err, c->message) != 0) {
			print_error("%s:\n  got      '%s'\n  expected '%s'\n", c->what, err,
				    c->message);
			failed++;
		}
		sc_schema_free(&s);
	}
	assert_int_equal(failed, 0);
}

static void
test_bad_bytes(void **state)
{
	static const char nul[] = "package p;\n// a NUL \0 in a comment\n";
	struct sc_schema s;
	char err[64];

	(void)state;
	assert_int_equal(sc_parse("bad.schema", nul, sizeof(nul) - 1, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "bad.schema:2:10: expected text, found byte 0x00");
	sc_schema_free(&s);
	/* A small message buffer: cut, terminated. */
	assert_int_equal(sc_parse("bad.schema", "", 0, &s, err, 12), -1);
	assert_string_equal(err, "bad.schema:");
	sc_schema_free(&s);
}

static const char good[] =
	"// comment\n"
	"package good; /* block\n comment */\n"
	"enum e : u16 { A = 0; B = 0xFFFF; }\n"
	"struct inner { u8 a; u64 b; }\n"
	"struct refs { string s; u8 c; }\n"
	"message m = 65535 {\n"
	"\tu8 x;\n\tinner in;\n\tchar name[3];\n\te kind;\n\trefs r[];\n"
	"\tu32 later since 2;\n\tinner nested since 2;\n\tbytes blob since 4;\n"
	"}\n"
	"message n = 1 { }\n";

static void
test_layout(void **state)
{
	const struct sc_struct *st;
	struct sc_schema s;
	char err[256];

	(void)state;
	assert_int_equal(sc_parse("good.schema", good, strlen(good), &s, err, sizeof(err)), 0);
	assert_string_equal(s.package, "good");
	assert_int_equal(s.nb_enums, 1);
	assert_int_equal(s.enums[0]->values[1].value, 0xffff);
	assert_int_equal(s.nb_structs, 4);
	st = s.structs[0];
	assert_int_equal(st->size, 16);
	assert_int_equal(st->align, 8);
	assert_int_equal(st->fields[1].offset, 8);
	assert_false(st->needs_check);
	st = s.structs[1];
	assert_int_equal(st->size, 12);
	assert_int_equal(st->align, 4);
	assert_true(st->needs_check);
	st = s.structs[2];
	assert_true(st->is_message);
	assert_int_equal(st->id, 65535);
	assert_int_equal(st->fields[0].offset, 4);      /* after the prefix */
	assert_int_equal(st->fields[1].offset, 8);      /* inner: aligned to 8 */
	assert_int_equal(st->fields[2].offset, 24);
	assert_int_equal(st->fields[3].offset, 28);     /* e: u16 */
	assert_int_equal(st->fields[4].offset, 32);     /* reference */
	assert_int_equal(st->min_size, 40);
	assert_int_equal(st->fields[5].offset, 40);
	assert_int_equal(st->fields[6].offset, 48);
	assert_int_equal(st->fields[7].offset, 64);
	assert_int_equal(st->fields[7].since, 4);
	assert_int_equal(st->size, 72);
	assert_int_equal(st->version, 4);
	st = s.structs[3];
	assert_int_equal(st->size, 4);
	assert_int_equal(st->min_size, 4);
	assert_false(st->needs_check);
	sc_schema_free(&s);
}

/* Run dipc-schemac with up to 7 arguments; returns its exit status, stderr in err. */
static int
run(char *err, size_t errlen, int argc, ...)
{
	char log[] = "/tmp/dipc-test-schemac-XXXXXX";
	char *argv[9];
	va_list ap;
	int fd, i, status;
	pid_t pid;
	ssize_t n;

	assert_true(argc <= 7);
	argv[0] = (char *)(uintptr_t)schemac_exe;
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i + 1] = va_arg(ap, char *);
	va_end(ap);
	argv[argc + 1] = NULL;
	fd = mkstemp(log);
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = pread(fd, err, errlen - 1, 0);
	assert_true(n >= 0);
	err[n] = '\0';
	close(fd);
	unlink(log);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_command_line(void **state)
{
	char dir[] = "/tmp/dipc-test-schemac-dir-XXXXXX";
	char err[1024], path[512], out[512], good[512], expect[1024];
	struct stat sb;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(good, sizeof(good), "%s/alltypes.schema", schemas_dir);
	/* A good schema: exit 0, a header, nothing on stderr. */
	snprintf(out, sizeof(out), "%s/out.h", dir);
	assert_int_equal(run(err, sizeof(err), 3, good, "-o", out), 0);
	assert_string_equal(err, "");
	assert_int_equal(stat(out, &sb), 0);
	assert_true(sb.st_size > 1000);
	/* A bad one: exit 1, the message, the old header untouched, no .tmp. */
	snprintf(path, sizeof(path), "%s/bad.schema", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("package p;\nmessage m = 1 {\n\tu8 a since 2;\n\tu8 b;\n}\n", f);
	fclose(f);
	assert_int_equal(run(err, sizeof(err), 3, path, "-o", out), 1);
	snprintf(expect, sizeof(expect), "%s:4:2: expected 'since N' on field 'b': it follows a "
		 "field added in version 2, and fields are only added at the end\n", path);
	assert_string_equal(err, expect);
	assert_int_equal(stat(out, &sb), 0);
	assert_true(sb.st_size > 1000);
	snprintf(expect, sizeof(expect), "%s.tmp", out);
	assert_int_not_equal(stat(expect, &sb), 0);
	/* Usage errors: exit 2. */
	assert_int_equal(run(err, sizeof(err), 0), 2);
	assert_non_null(strstr(err, "Usage: dipc-schemac FILE -o HEADER"));
	assert_int_equal(run(err, sizeof(err), 1, "x.schema"), 2);
	assert_int_equal(run(err, sizeof(err), 1, "-o"), 2);
	assert_non_null(strstr(err, "-o needs one HEADER"));
	assert_int_equal(run(err, sizeof(err), 5, "a", "-o", "b", "-o", "c"), 2);
	assert_int_equal(run(err, sizeof(err), 1, "--frobnicate"), 2);
	assert_non_null(strstr(err, "unknown option '--frobnicate'"));
	assert_int_equal(run(err, sizeof(err), 4, "a", "b", "-o", "c"), 2);
	assert_non_null(strstr(err, "one schema FILE at a time ('a' and 'b')"));
	assert_int_equal(run(err, sizeof(err), 1, "--help"), 0);
	/* Files that cannot be read or written: exit 1. */
	snprintf(path, sizeof(path), "%s/missing.schema", dir);
	assert_int_equal(run(err, sizeof(err), 3, path, "-o", out), 1);
	assert_non_null(strstr(err, "missing.schema: No such file or directory"));
	assert_int_equal(run(err, sizeof(err), 3, dir, "-o", out), 1);
	assert_int_equal(run(err, sizeof(err), 3, "/dev/zero", "-o", out), 1);
	assert_non_null(strstr(err, "/dev/zero: larger than 1048576 bytes"));
	snprintf(path, sizeof(path), "%s/no/such/dir.h", dir);
	assert_int_equal(run(err, sizeof(err), 3, good, "-o", path), 1);
	assert_non_null(strstr(err, "No such file or directory"));
	/* Not a regular file: written in place (here /dev/null), never replaced. */
	assert_int_equal(run(err, sizeof(err), 3, good, "-o", "/dev/null"), 0);
	assert_int_equal(stat("/dev/null", &sb), 0);
	assert_true(S_ISCHR(sb.st_mode));
	assert_int_equal(run(err, sizeof(err), 3, good, "-o", "-"), 0);
	unlink(out);
	snprintf(path, sizeof(path), "%s/bad.schema", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_schemas),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_command_line),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s DIPC_SCHEMAC SCHEMA_DIR\n", argv[0]);
		return 2;
	}
	schemac_exe = argv[1];
	schemas_dir = argv[2];
	return cmocka_run_group_tests_name("schemac", tests, NULL, NULL);
}
