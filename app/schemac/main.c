/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-schemac FILE -o HEADER: compile a dipc schema (docs/SCHEMA.md) into
 * a C header. Errors go to stderr as "FILE:LINE:COL: expected ..."; a
 * header that is a regular file (or does not exist yet) is written to
 * HEADER.tmp and renamed, so a failed run leaves no partial header behind;
 * anything else ('-' for stdout, a device, a pipe) is written in place.
 *
 * Exit status: 0 done, 1 bad schema or I/O error, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "schemac.h"

/* Schemas are small; a bigger file is a mistake (a binary, a log). */
#define SCHEMA_MAX (1u << 20)

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: dipc-schemac FILE -o HEADER\n"
		"       dipc-schemac --help\n"
		"Compile the dipc schema FILE into the C header HEADER ('-' for stdout):\n"
		"getters, setters, builder, validator, JSON printer and sizes of each\n"
		"message, over lib/codec/dipc_codec.h. See docs/SCHEMA.md.\n"
		"Exit status: 0 done, 1 bad schema or I/O error, 2 usage.\n");
}

/* The whole file into a malloc'd buffer; NULL with a message on stderr. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "dipc-schemac: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(SCHEMA_MAX + 1);
	if (buf == NULL) {
		fprintf(stderr, "dipc-schemac: out of memory\n");
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, SCHEMA_MAX + 1, f);
	if (ferror(f) || n > SCHEMA_MAX) {
		if (ferror(f))
			fprintf(stderr, "dipc-schemac: %s: read error\n", path);
		else
			fprintf(stderr, "dipc-schemac: %s: larger than %u bytes\n", path, SCHEMA_MAX);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Anything but a regular file (a terminal, a pipe, /dev/null) is written in place. */
static int
write_direct(const struct sc_schema *s, const char *out)
{
	FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
	int ret;

	if (f == NULL) {
		fprintf(stderr, "dipc-schemac: %s: %s\n", out, strerror(errno));
		return -1;
	}
	ret = sc_generate(s, f);
	if (f == stdout ? fflush(f) != 0 : fclose(f) != 0)
		ret = -1;
	if (ret != 0)
		fprintf(stderr, "dipc-schemac: %s: write error\n", out);
	return ret;
}

static int
write_header(const struct sc_schema *s, const char *out)
{
	struct stat sb;
	char tmp[4096];
	FILE *f;
	int ret;

	if (strcmp(out, "-") == 0 || (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode)))
		return write_direct(s, out);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= sizeof(tmp)) {
		fprintf(stderr, "dipc-schemac: %s: path too long\n", out);
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "dipc-schemac: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	ret = sc_generate(s, f);
	if (fclose(f) != 0)
		ret = -1;
	if (ret == 0 && rename(tmp, out) != 0) {
		fprintf(stderr, "dipc-schemac: %s: %s\n", out, strerror(errno));
		ret = -1;
	} else if (ret != 0) {
		fprintf(stderr, "dipc-schemac: %s: write error\n", tmp);
	}
	if (ret != 0)
		unlink(tmp);
	return ret;
}

int
main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct sc_schema s;
	char err[512];
	size_t len;
	char *text;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "-o") == 0) {
			if (i + 1 >= argc || out != NULL) {
				fprintf(stderr, "dipc-schemac: -o needs one HEADER\n");
				usage(stderr);
				return 2;
			}
			out = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "dipc-schemac: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (in == NULL) {
			in = argv[i];
		} else {
			fprintf(stderr, "dipc-schemac: one schema FILE at a time ('%s' and '%s')\n",
				in, argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (in == NULL || out == NULL) {
		usage(stderr);
		return 2;
	}
	text = read_file(in, &len);
	if (text == NULL)
		return 1;
	ret = sc_parse(in, text, len, &s, err, sizeof(err));
	if (ret != 0)
		fprintf(stderr, "%s\n", err);
	else
		ret = write_header(&s, out);
	sc_schema_free(&s);
	free(text);
	return ret == 0 ? 0 : 1;
}
