/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_log.h>

#include "dipc_config.h"

/*
 * Longest line accepted in an INI file, without its newline. rte_cfgfile
 * reads lines into a CFG_NAME_LEN + CFG_VALUE_LEN + 4 byte buffer and fails
 * on anything longer, so stay safely below that.
 */
#define LINE_MAX_LEN (CFG_NAME_LEN + CFG_VALUE_LEN)

/* Longest command-line option name we look up. */
#define NAME_MAX_LEN 64

enum opt_type {
	OPT_U32,  /* decimal number in min..max */
	OPT_POW2, /* decimal power of two in min..max */
	OPT_ENUM, /* one of names[]; the value is the index */
	OPT_PATH, /* a file path, stored as a string; empty = none */
	OPT_IDS,  /* a list of uids or gids, stored as a string; empty = none */
	OPT_NAME, /* a device name or number, stored as a string; empty = none */
	OPT_IPV4, /* an IPv4 address, dotted quad, stored as a string; empty = none */
	OPT_MAC,  /* a MAC address, xx:xx:xx:xx:xx:xx, stored as a string; empty = none */
};

/* Options stored as text, and the room for each. */
static inline int
is_text(enum opt_type t)
{
	return t == OPT_PATH || t == OPT_IDS || t == OPT_NAME || t == OPT_IPV4 || t == OPT_MAC;
}

/* One option; this table drives defaults, load, set, usage and dump. */
struct opt_desc {
	const char *section;      /* INI section */
	const char *key;          /* INI key */
	const char *cli;          /* command-line name, without "--" */
	enum opt_type type;
	uint32_t min;
	uint32_t max;
	uint32_t def;             /* default value */
	size_t offset;            /* of the field in struct dipc_server_config */
	const char *const *names; /* OPT_ENUM: value names, NULL-terminated */
	const char *help;         /* one line */
};

static const char *const idle_names[] = {
	[DIPC_IDLE_BUSY] = "busy",
	[DIPC_IDLE_BACKOFF] = "backoff",
	NULL,
};
static const char *const stall_names[] = { "report", "disconnect", NULL };

#define OPT(sec, k, c, t, lo, hi, d, field, n, h) { \
	.section = (sec), .key = (k), .cli = (c), .type = (t), .min = (lo), .max = (hi), \
	.def = (d), .offset = offsetof(struct dipc_server_config, field), .names = (n), \
	.help = (h) }

/* Ordered by section: dump and usage print a section header on each change. */
static const struct opt_desc opts[] = {
	OPT("server", "max_connections", "max-connections", OPT_U32, 1, 65534, 1024,
	    max_conns, NULL, "most client connections at once"),
	OPT("server", "warm_connections", "warm-connections", OPT_U32, 0, 65534, 16,
	    warm_conns, NULL, "free slots with rings kept ready for new clients"),
	OPT("server", "grow_step", "grow-step", OPT_U32, 1, 4096, 32,
	    grow_step, NULL, "slots given rings at once when the pool of slots grows"),
	OPT("server", "conn_mbufs", "conn-mbufs", OPT_U32, 8, 65536, 2048,
	    conn_mbufs, NULL, "most mbufs one connection may hold (lent, in flight, unread)"),
	OPT("server", "token_file", "token-file", OPT_PATH, 0, 0, 0,
	    token_file, NULL, "file holding the token clients must prove they know; "
	    "empty = none; refused if others can read it"),
	OPT("server", "allow_uids", "allow-uids", OPT_IDS, 0, 0, 0,
	    allow_uids, NULL, "uids admitted (comma-separated); with allow_gids empty too, "
	    "the server's own uid and root"),
	OPT("server", "allow_gids", "allow-gids", OPT_IDS, 0, 0, 0,
	    allow_gids, NULL, "gids admitted (comma-separated), besides allow_uids"),
	OPT("server", "workers", "workers", OPT_U32, 0, 127, 0,
	    workers, NULL, "worker lcores to use, 0 = every worker lcore given to EAL"),
	OPT("server", "lcore_priority", "lcore-priority", OPT_U32, 0, 19, 0,
	    lcore_priority, NULL, "control and worker lcores run at nice -N, ahead of clients "
	    "sharing their CPUs; 0 = as started; needs root or CAP_SYS_NICE"),
	OPT("ring", "size", "ring-size", OPT_POW2, 64, 65536, 1024,
	    ring_size, NULL, "entries in each request and response ring of a connection"),
	OPT("mempool", "mbufs", "mbufs", OPT_U32, 1024, 4194304, 65535,
	    pool_size, NULL, "mbufs in the message pool"),
	OPT("mempool", "cache", "mbuf-cache", OPT_U32, 0, 512, 256,
	    pool_cache, NULL, "per-lcore mempool cache, at most mbufs / 1.5"),
	OPT("mempool", "data_room", "data-room", OPT_U32, 256, 65535, 2176,
	    data_room, NULL, "mbuf data room in bytes, including the 128-byte headroom"),
	OPT("mempool", "class1_data_room", "class1-data-room", OPT_U32, 0, 65535, 0,
	    class_data_room[0], NULL, "data room of size class 1, larger than data_room; 0 = no class 1"),
	OPT("mempool", "class1_mbufs", "class1-mbufs", OPT_U32, 0, 4194304, 0,
	    class_pool_size[0], NULL, "mbufs of size class 1 (at least 64 if the class is on)"),
	OPT("mempool", "class2_data_room", "class2-data-room", OPT_U32, 0, 65535, 0,
	    class_data_room[1], NULL, "data room of size class 2, larger than class 1's; 0 = none"),
	OPT("mempool", "class2_mbufs", "class2-mbufs", OPT_U32, 0, 4194304, 0,
	    class_pool_size[1], NULL, "mbufs of size class 2"),
	OPT("mempool", "class3_data_room", "class3-data-room", OPT_U32, 0, 65535, 0,
	    class_data_room[2], NULL, "data room of size class 3, larger than class 2's; 0 = none"),
	OPT("mempool", "class3_mbufs", "class3-mbufs", OPT_U32, 0, 4194304, 0,
	    class_pool_size[2], NULL, "mbufs of size class 3"),
	OPT("worker", "burst", "burst", OPT_U32, 1, 512, 32,
	    burst, NULL, "most messages a worker handles per poll"),
	OPT("worker", "idle", "idle", OPT_ENUM, 0, RTE_DIM(idle_names) - 2, DIPC_IDLE_BACKOFF,
	    idle, idle_names, "idle worker policy: busy polls forever, backoff spins then sleeps"),
	OPT("worker", "idle_spins", "idle-spins", OPT_U32, 0, 100000000, 10000,
	    idle_spins, NULL, "empty polls with rte_pause() before a backoff worker sleeps"),
	OPT("worker", "idle_sleep_us", "idle-sleep-us", OPT_U32, 1, 100000, 20,
	    idle_sleep_us, NULL, "microseconds a backoff worker sleeps per idle poll"),
	OPT("worker", "rebalance_ms", "rebalance-ms", OPT_U32, 0, 60000, 100,
	    rebalance_ms, NULL, "how often to move a connection off the busiest worker; 0 = never"),
	OPT("control", "poll_us", "control-poll-us", OPT_U32, 10, 1000000, 100,
	    control_poll_us, NULL, "control lcore period in microseconds while clients come and go"),
	OPT("control", "idle_poll_us", "control-idle-poll-us", OPT_U32, 10, 1000000, 2000,
	    control_idle_poll_us, NULL,
	    "control lcore period in microseconds once nothing changed for a while"),
	OPT("control", "drain_ms", "drain-ms", OPT_U32, 0, 60000, 1000,
	    drain_ms, NULL, "on shutdown, milliseconds to keep serving and wait for clients"),
	OPT("control", "heartbeat_ms", "heartbeat-ms", OPT_U32, 10, 60000, 200,
	    heartbeat_ms, NULL, "server heartbeat period; clients give up after two missed"),
	OPT("control", "stall_ms", "stall-ms", OPT_U32, 1, 3600000, 1000,
	    stall_ms, NULL, "a client whose responses waited this long stopped reading"),
	OPT("control", "stall_policy", "stall-policy", OPT_ENUM, 0, RTE_DIM(stall_names) - 2,
	    DIPC_STALL_REPORT, stall_policy, stall_names,
	    "what to do with a client that stopped reading: report, or disconnect it"),
	OPT("kv", "enabled", "kv", OPT_U32, 0, 1, 1,
	    kv_enabled, NULL, "1 runs the key-value service (GET, PUT, DELETE), 0 does not"),
	OPT("kv", "keys", "kv-keys", OPT_U32, 16, 4194304, 8192,
	    kv_keys, NULL, "most keys the key-value service holds"),
	OPT("kv", "value_max", "kv-value-max", OPT_U32, 0, 16777216, 0,
	    kv_value_max, NULL, "largest value in bytes; 0 = what one mbuf carries, more goes in chains"),
	OPT("eth", "port", "eth-port", OPT_NAME, 0, 0, 0,
	    eth_port, NULL, "ethdev port for clients on other hosts (number, PCI address or vdev "
	    "name); empty = no eth transport; needs ip and a token_file"),
	OPT("eth", "ip", "eth-ip", OPT_IPV4, 0, 0, 0,
	    eth_ip, NULL, "the port's IPv4 address"),
	OPT("eth", "mac", "eth-mac", OPT_MAC, 0, 0, 0,
	    eth_mac, NULL, "MAC address to give the port; empty = its own"),
	OPT("eth", "udp_port", "eth-udp-port", OPT_U32, 1, 65535, 7117,
	    eth_udp_port, NULL, "UDP port of dipc frames"),
	OPT("eth", "mtu", "eth-mtu", OPT_U32, 90, 9000, 1500,
	    eth_mtu, NULL, "IP MTU of the port; longer messages travel as several frames"),
	OPT("eth", "mbufs", "eth-mbufs", OPT_U32, 1024, 4194304, 16383,
	    eth_mbufs, NULL, "mbufs of the port's own receive pool"),
};

#define NB_OPTS RTE_DIM(opts)

/* Enum fields are int-sized enums: copied as such, whatever their type. */
_Static_assert(sizeof(enum dipc_idle_policy) == sizeof(uint32_t) &&
	       sizeof(enum dipc_stall_policy) == sizeof(uint32_t), "enums are 32-bit");

static uint32_t
opt_get(const struct dipc_server_config *cfg, const struct opt_desc *o)
{
	const void *p = (const char *)cfg + o->offset;
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void
opt_put(struct dipc_server_config *cfg, const struct opt_desc *o, uint32_t v)
{
	void *p = (char *)cfg + o->offset;

	if (!is_text(o->type)) /* set as text, see apply_value() */
		memcpy(p, &v, sizeof(v));
}

/* dipc.config: each refusal, at DEBUG; the caller gets the text in @err
 * and prints it once. */
RTE_LOG_REGISTER_DEFAULT(dipc_config_logtype, NOTICE);

static void __rte_format_printf(3, 4)
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rte_log(RTE_LOG_DEBUG, dipc_config_logtype, "dipc config: %s\n", buf);
	if (err != NULL && errlen != 0)
		snprintf(err, errlen, "%s", buf);
}

/* Option by command-line name or "section.key"; NULL if unknown. */
static const struct opt_desc *
find_opt(const char *name)
{
	unsigned int i;

	for (i = 0; i < NB_OPTS; i++) {
		const struct opt_desc *o = &opts[i];
		size_t slen = strlen(o->section);

		if (strcmp(name, o->cli) == 0)
			return o;
		if (strncmp(name, o->section, slen) == 0 && name[slen] == '.' &&
		    strcmp(name + slen + 1, o->key) == 0)
			return o;
	}
	return NULL;
}

/* Index of [section] key, or -1. */
static int
find_key(const char *section, const char *key)
{
	unsigned int i;

	for (i = 0; i < NB_OPTS; i++)
		if (strcmp(opts[i].section, section) == 0 && strcmp(opts[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* The table's copy of a section name, or NULL if no option uses it. */
static const char *
find_section(const char *section)
{
	unsigned int i;

	for (i = 0; i < NB_OPTS; i++)
		if (strcmp(opts[i].section, section) == 0)
			return opts[i].section;
	return NULL;
}

/* "busy, backoff" */
static void
format_names(const struct opt_desc *o, char *buf, size_t len, const char *sep)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; o->names[i] != NULL && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i > 0 ? sep : "", o->names[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Allowed values, for usage and dump: "1..4096", "power of two 64..65536". */
static void
format_range(const struct opt_desc *o, char *buf, size_t len)
{
	switch (o->type) {
	case OPT_ENUM:
		format_names(o, buf, len, " or ");
		break;
	case OPT_POW2:
		snprintf(buf, len, "power of two %" PRIu32 "..%" PRIu32, o->min, o->max);
		break;
	case OPT_PATH:
		snprintf(buf, len, "a file path");
		break;
	case OPT_IDS:
		snprintf(buf, len, "up to %d numbers, comma-separated", DIPC_CONFIG_MAX_IDS);
		break;
	case OPT_NAME:
		snprintf(buf, len, "a device name or number");
		break;
	case OPT_IPV4:
		snprintf(buf, len, "an IPv4 address");
		break;
	case OPT_MAC:
		snprintf(buf, len, "a MAC address xx:xx:xx:xx:xx:xx");
		break;
	default:
		snprintf(buf, len, "%" PRIu32 "..%" PRIu32, o->min, o->max);
		break;
	}
}

/* Value as text: a number, or the enum name. */
static void
format_value(const struct opt_desc *o, uint32_t v, char *buf, size_t len)
{
	if (o->type == OPT_ENUM && v <= o->max)
		snprintf(buf, len, "%s", o->names[v]);
	else
		snprintf(buf, len, "%" PRIu32, v);
}

/*
 * Parse a value for o. On error, writes the reason (no prefix) to reason
 * and returns -EINVAL.
 */
static int
parse_value(const struct opt_desc *o, const char *text, uint32_t *out, char *reason,
	    size_t reasonlen)
{
	const char *s = text;
	bool neg = false, big = false;
	uint64_t v = 0;
	unsigned int i;

	if (o->type == OPT_ENUM) {
		char list[128];

		for (i = 0; o->names[i] != NULL; i++) {
			if (strcmp(text, o->names[i]) == 0) {
				*out = i;
				return 0;
			}
		}
		format_names(o, list, sizeof(list), ", ");
		set_err(reason, reasonlen, "'%s' is not one of %s", text, list);
		return -EINVAL;
	}

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s == '\0') {
		set_err(reason, reasonlen, "'%s' is not a number", text);
		return -EINVAL;
	}
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s)) {
			set_err(reason, reasonlen, "'%s' is not a number", text);
			return -EINVAL;
		}
		if (v > UINT32_MAX)
			big = true;
		else
			v = v * 10 + (uint64_t)(*s - '0');
	}
	if (big || (neg && v != 0) || v < o->min || v > o->max) {
		set_err(reason, reasonlen, "%s is out of range %" PRIu32 "..%" PRIu32,
			text, o->min, o->max);
		return -EINVAL;
	}
	if (o->type == OPT_POW2 && !rte_is_power_of_2((uint32_t)v)) {
		set_err(reason, reasonlen, "%s is not a power of two", text);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Parse @text for @o and store it in @cfg; on error write the reason. */
static int
apply_value(struct dipc_server_config *cfg, const struct opt_desc *o, const char *text,
	    char *reason, size_t reasonlen)
{
	uint32_t v;

	if (o->type == OPT_PATH) {
		if (strlen(text) >= DIPC_CONFIG_PATH_LEN) {
			set_err(reason, reasonlen, "path is longer than %d characters",
				DIPC_CONFIG_PATH_LEN - 1);
			return -EINVAL;
		}
		snprintf((char *)cfg + o->offset, DIPC_CONFIG_PATH_LEN, "%s", text);
		return 0;
	}
	if (o->type == OPT_IDS) {
		uint32_t ids[DIPC_CONFIG_MAX_IDS];

		if (strlen(text) >= DIPC_CONFIG_IDS_LEN ||
		    dipc_config_parse_ids(text, ids, DIPC_CONFIG_MAX_IDS) < 0) {
			set_err(reason, reasonlen, "'%s' is not a list of at most %d ids "
				"(numbers below 4294967295, comma-separated)", text,
				DIPC_CONFIG_MAX_IDS);
			return -EINVAL;
		}
		snprintf((char *)cfg + o->offset, DIPC_CONFIG_IDS_LEN, "%s", text);
		return 0;
	}
	if (o->type == OPT_NAME || o->type == OPT_IPV4 || o->type == OPT_MAC) {
		uint8_t b[6];

		if (strlen(text) >= DIPC_CONFIG_NAME_LEN) {
			set_err(reason, reasonlen, "'%s' is longer than %d characters", text,
				DIPC_CONFIG_NAME_LEN - 1);
			return -EINVAL;
		}
		if (o->type == OPT_NAME && strpbrk(text, " \t") != NULL) {
			set_err(reason, reasonlen, "'%s' is not a device name or number", text);
			return -EINVAL;
		}
		if (o->type == OPT_IPV4 && text[0] != '\0' && dipc_config_parse_ipv4(text, b) != 0) {
			set_err(reason, reasonlen, "'%s' is not an IPv4 address (a.b.c.d)", text);
			return -EINVAL;
		}
		if (o->type == OPT_MAC && text[0] != '\0' && dipc_config_parse_mac(text, b) != 0) {
			set_err(reason, reasonlen, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)",
				text);
			return -EINVAL;
		}
		snprintf((char *)cfg + o->offset, DIPC_CONFIG_NAME_LEN, "%s", text);
		return 0;
	}
	if (parse_value(o, text, &v, reason, reasonlen) != 0)
		return -EINVAL;
	opt_put(cfg, o, v);
	return 0;
}

void
dipc_config_defaults(struct dipc_server_config *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NB_OPTS; i++)
		opt_put(cfg, &opts[i], opts[i].def);
}

/* Strip leading and trailing white space in place. */
static char *
strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/*
 * Line-oriented pass, since rte_cfgfile reports no line numbers: check the
 * syntax, sections and keys, and record in lines[] the line of each option
 * set. Stops at the first problem: returns its line and writes the message
 * to err; *fatal tells whether rte_cfgfile would fail on that line too (and
 * log about it). Returns 0 if the file is fine, or -ENOENT if it cannot be
 * read.
 */
static long
scan_file(const char *path, unsigned int lines[NB_OPTS], bool *fatal, char *err, size_t errlen)
{
	const char *seen[NB_OPTS];
	unsigned int nb_seen = 0;
	const char *section = NULL;
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long bad = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -ENOENT;
	}

	while (bad == 0 && (n = getline(&line, &cap, f)) != -1) {
		char *s, *eq, *key, *val, *end;
		const char *name;
		unsigned int j;
		int i;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > LINE_MAX_LEN) {
			set_err(err, errlen, "%s:%u: line is longer than %d characters",
				path, lineno, LINE_MAX_LEN);
			*fatal = true;
			bad = lineno;
			break;
		}
		if (strlen(line) != (size_t)n) {
			set_err(err, errlen, "%s:%u: line contains a NUL byte", path, lineno);
			bad = lineno;
			break;
		}
		/* ';' starts a comment anywhere, as in rte_cfgfile. */
		s = strchr(line, ';');
		if (s != NULL)
			*s = '\0';
		s = strip(line);
		if (*s == '\0' || *s == '#')
			continue;

		if (*s == '[') {
			end = strchr(s, ']');
			if (end == NULL) {
				set_err(err, errlen, "%s:%u: section header has no ']'",
					path, lineno);
				*fatal = true;
				bad = lineno;
				break;
			}
			if (end[1] != '\0') {
				set_err(err, errlen, "%s:%u: unexpected text after section header",
					path, lineno);
				bad = lineno;
				break;
			}
			*end = '\0';
			s = strip(s + 1);
			name = find_section(s);
			if (name == NULL) {
				set_err(err, errlen, "%s:%u: unknown section [%s]", path, lineno, s);
				bad = lineno;
				break;
			}
			for (j = 0; j < nb_seen; j++)
				if (seen[j] == name)
					break;
			if (j < nb_seen) {
				set_err(err, errlen, "%s:%u: duplicate section [%s]",
					path, lineno, s);
				bad = lineno;
				break;
			}
			seen[nb_seen++] = name;
			section = name;
			continue;
		}

		eq = strchr(s, '=');
		if (eq == NULL) {
			set_err(err, errlen,
				"%s:%u: expected '[section]', 'key = value' or a comment",
				path, lineno);
			bad = lineno;
			break;
		}
		*eq = '\0';
		key = strip(s);
		val = strip(eq + 1);
		if (*key == '\0') {
			set_err(err, errlen, "%s:%u: no key before '='", path, lineno);
			bad = lineno;
			break;
		}
		if (section == NULL) {
			set_err(err, errlen, "%s:%u: key '%s' is outside any section",
				path, lineno, key);
			bad = lineno;
			break;
		}
		i = find_key(section, key);
		if (i < 0) {
			set_err(err, errlen, "%s:%u: key '%s.%s': unknown key",
				path, lineno, section, key);
			bad = lineno;
			break;
		}
		if (lines[i] != 0) {
			set_err(err, errlen,
				"%s:%u: key '%s.%s': duplicate key (first set on line %u)",
				path, lineno, section, key, lines[i]);
			bad = lineno;
			break;
		}
		/* A path may be empty (none); a number or a name may not. */
		if (*val == '\0' && !is_text(opts[i].type)) {
			set_err(err, errlen, "%s:%u: key '%s.%s': empty value",
				path, lineno, section, key);
			bad = lineno;
			break;
		}
		if (strlen(val) >= CFG_VALUE_LEN) {
			set_err(err, errlen, "%s:%u: key '%s.%s': value is longer than %d characters",
				path, lineno, section, key, CFG_VALUE_LEN - 1);
			bad = lineno;
			break;
		}
		lines[i] = lineno;
	}

	if (bad == 0 && ferror(f)) {
		set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		bad = -ENOENT;
	}
	free(line);
	fclose(f);
	return bad;
}

int
dipc_config_load(struct dipc_server_config *cfg, const char *path, char *err, size_t errlen)
{
	unsigned int lines[NB_OPTS] = { 0 };
	unsigned int first_bad = 0;
	struct dipc_server_config tmp;
	struct rte_cfgfile *file;
	bool fatal = false;
	unsigned int i;
	long bad;

	bad = scan_file(path, lines, &fatal, err, errlen);
	if (bad < 0)
		return (int)bad;
	if (fatal)
		return -EINVAL;

	/*
	 * lines[] now holds only options set before the first bad line, if
	 * any. Read their values with rte_cfgfile: a value error on an earlier
	 * line wins over the syntax error (except for a line rte_cfgfile cannot
	 * read at all, reported as is above). GLOBAL_SECTION and EMPTY_VALUES
	 * keep rte_cfgfile from failing on what scan_file already judged
	 * (e.g. a "# a = b" comment before the first section).
	 */
	file = rte_cfgfile_load(path, CFG_FLAG_GLOBAL_SECTION | CFG_FLAG_EMPTY_VALUES);
	if (file == NULL) {
		if (bad == 0)
			set_err(err, errlen, "%s: rte_cfgfile cannot load the file", path);
		return -EINVAL;
	}

	tmp = *cfg;
	for (i = 0; i < NB_OPTS; i++) {
		const struct opt_desc *o = &opts[i];
		char reason[CFG_VALUE_LEN + 64];
		const char *text;

		if (lines[i] == 0)
			continue;
		text = rte_cfgfile_get_entry(file, o->section, o->key);
		if (text == NULL)
			snprintf(reason, sizeof(reason), "rte_cfgfile lost the value");
		else if (apply_value(&tmp, o, text, reason, sizeof(reason)) == 0)
			continue;
		if (first_bad == 0 || lines[i] < first_bad) {
			first_bad = lines[i];
			set_err(err, errlen, "%s:%u: key '%s.%s': %s",
				path, lines[i], o->section, o->key, reason);
		}
	}
	rte_cfgfile_close(file);

	if (first_bad != 0 || bad != 0)
		return -EINVAL;
	*cfg = tmp;
	return 0;
}

int
dipc_config_set(struct dipc_server_config *cfg, const char *name, const char *value,
		char *err, size_t errlen)
{
	const struct opt_desc *o = find_opt(name);
	char reason[CFG_VALUE_LEN + 64];

	if (o == NULL) {
		set_err(err, errlen, "unknown option '%s'", name);
		return -EINVAL;
	}
	if (apply_value(cfg, o, value, reason, sizeof(reason)) != 0) {
		set_err(err, errlen, "--%s: %s", o->cli, reason);
		return -EINVAL;
	}
	return 0;
}

/*
 * Split argv[*i] into its option name (copied to name) and value, taking
 * the value from the next argument unless given as --name=value; advances
 * *i past a separate value. "help" and "h" take no value (*value = NULL).
 */
static int
split_arg(int argc, char **argv, int *i, char *name, size_t namelen, const char **value,
	  char *err, size_t errlen)
{
	const char *arg = argv[*i];
	const char *eq;
	size_t len;

	*value = NULL;
	if (strcmp(arg, "-h") == 0) {
		snprintf(name, namelen, "help");
		return 0;
	}
	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0' || arg[2] == '=') {
		set_err(err, errlen, "unexpected argument '%s'", arg);
		return -EINVAL;
	}
	arg += 2;
	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	if (len >= namelen) {
		set_err(err, errlen, "unknown option '--%.*s'", (int)len, arg);
		return -EINVAL;
	}
	memcpy(name, arg, len);
	name[len] = '\0';

	if (strcmp(name, "help") == 0) {
		if (eq != NULL) {
			set_err(err, errlen, "option '--help' takes no value");
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(name, "config") != 0 && find_opt(name) == NULL) {
		set_err(err, errlen, "unknown option '--%s'", name);
		return -EINVAL;
	}
	if (eq != NULL) {
		*value = eq + 1;
	} else if (*i + 1 < argc) {
		*i += 1;
		*value = argv[*i];
	} else {
		set_err(err, errlen, "option '--%s' requires a value", name);
		return -EINVAL;
	}
	return 0;
}

int
dipc_config_parse_args(struct dipc_server_config *cfg, int argc, char **argv, int *help,
		       char *err, size_t errlen)
{
	char name[NAME_MAX_LEN];
	struct dipc_server_config tmp;
	const char *config = NULL;
	const char *value;
	int first_err = 0;
	bool want_help = false;
	int i, ret;

	if (help != NULL)
		*help = 0;

	/* Pass 1: structure, --help and --config. The first error is kept. */
	for (i = 1; i < argc; i++) {
		ret = split_arg(argc, argv, &i, name, sizeof(name), &value,
				first_err == 0 ? err : NULL, first_err == 0 ? errlen : 0);
		if (ret != 0) {
			if (first_err == 0)
				first_err = ret;
			continue;
		}
		if (strcmp(name, "help") == 0) {
			want_help = true;
		} else if (strcmp(name, "config") == 0) {
			if (config != NULL && first_err == 0) {
				set_err(err, errlen, "option '--config' given more than once");
				first_err = -EINVAL;
			}
			config = value;
		}
	}
	/* --help wins over everything else, so it always works. */
	if (want_help) {
		if (help != NULL)
			*help = 1;
		return 0;
	}
	if (first_err != 0)
		return first_err;

	tmp = *cfg;
	if (config != NULL) {
		ret = dipc_config_load(&tmp, config, err, errlen);
		if (ret != 0)
			return ret;
	}
	/* Pass 2: every other option, in order, over the file. */
	for (i = 1; i < argc; i++) {
		ret = split_arg(argc, argv, &i, name, sizeof(name), &value, err, errlen);
		if (ret != 0)
			return ret;
		/* --config is loaded; --help (value NULL) returned in pass 1. */
		if (strcmp(name, "config") == 0 || value == NULL)
			continue;
		ret = dipc_config_set(&tmp, name, value, err, errlen);
		if (ret != 0)
			return ret;
	}
	ret = dipc_config_check(&tmp, err, errlen);
	if (ret != 0)
		return ret;
	*cfg = tmp;
	return 0;
}

int
dipc_config_check(const struct dipc_server_config *cfg, char *err, size_t errlen)
{
	/* rte_mempool_create(): cache_size * 1.5 must not exceed n. */
	if ((uint64_t)cfg->pool_cache * 3 > (uint64_t)cfg->pool_size * 2) {
		set_err(err, errlen,
			"mbuf cache %" PRIu32 " is too large for %" PRIu32
			" mbufs (at most pool_size / 1.5)", cfg->pool_cache, cfg->pool_size);
		return -EINVAL;
	}
	/* Size classes: on in order, each larger than the one before; an
	 * mbuf's data room is 16 bits in DPDK, hence the 65535 cap. */
	uint32_t prev = cfg->data_room, i;
	int off = 0;

	for (i = 0; i < DIPC_CONFIG_EXTRA_CLASSES; i++) {
		uint32_t room = cfg->class_data_room[i], n = cfg->class_pool_size[i];

		if (room == 0 && n == 0) {
			off = 1;
			continue;
		}
		if (off) {
			set_err(err, errlen, "size class %" PRIu32 " is set but class %" PRIu32
				" is not: classes are numbered without gaps", i + 1, i);
			return -EINVAL;
		}
		if (room <= prev) {
			set_err(err, errlen, "class%" PRIu32 "_data_room %" PRIu32 " must be larger "
				"than the previous class's %" PRIu32, i + 1, room, prev);
			return -EINVAL;
		}
		if (n < 64) {
			set_err(err, errlen, "class%" PRIu32 "_mbufs %" PRIu32 " is too small: a "
				"size class needs at least 64 mbufs", i + 1, n);
			return -EINVAL;
		}
		prev = room;
	}
	/* The eth transport: an address to answer at, and a token, since the
	 * kernel vouches for no remote peer (no uid, no pid). */
	if (cfg->eth_port[0] != '\0' && cfg->eth_ip[0] == '\0') {
		set_err(err, errlen, "eth.port %s needs eth.ip, the port's IPv4 address",
			cfg->eth_port);
		return -EINVAL;
	}
	if (cfg->eth_port[0] != '\0' && cfg->token_file[0] == '\0') {
		set_err(err, errlen, "eth.port %s needs server.token_file: clients on other hosts "
			"prove they know the token", cfg->eth_port);
		return -EINVAL;
	}
	return 0;
}

void
dipc_config_usage(FILE *f, const char *prog)
{
	unsigned int i;

	fprintf(f, "Usage: %s [EAL options] -- [options]\n\n", prog);
	fprintf(f, "Options (--NAME VALUE or --NAME=VALUE; --section.key also works):\n");
	fprintf(f, "  %-24s %s\n", "--config FILE",
		"load the INI FILE first; the other options override it");
	fprintf(f, "  %-24s %s\n", "--help", "print this help and exit");
	for (i = 0; i < NB_OPTS; i++) {
		const struct opt_desc *o = &opts[i];
		char opt[NAME_MAX_LEN + 16], range[128], def[32];

		snprintf(opt, sizeof(opt), "--%s %s", o->cli,
			 o->type == OPT_ENUM ? "POLICY" : o->type == OPT_PATH ? "FILE" :
			 o->type == OPT_IDS ? "LIST" : o->type == OPT_NAME ? "PORT" :
			 o->type == OPT_IPV4 ? "ADDR" : o->type == OPT_MAC ? "MAC" : "N");
		format_range(o, range, sizeof(range));
		if (is_text(o->type))
			snprintf(def, sizeof(def), "none");
		else
			format_value(o, o->def, def, sizeof(def));
		fprintf(f, "  %-24s %s.%s: %s, default %s\n", opt, o->section, o->key,
			range, def);
		fprintf(f, "  %-24s %s\n", "", o->help);
	}
}

void
dipc_config_dump(FILE *f, const struct dipc_server_config *cfg)
{
	const char *section = NULL;
	unsigned int i;

	fprintf(f, "; dipc server configuration\n");
	for (i = 0; i < NB_OPTS; i++) {
		const struct opt_desc *o = &opts[i];
		char range[128], def[32], val[32];

		if (section == NULL || strcmp(section, o->section) != 0) {
			section = o->section;
			fprintf(f, "\n[%s]\n", section);
		}
		format_range(o, range, sizeof(range));
		if (is_text(o->type)) {
			fprintf(f, "; %s (%s, default none)\n", o->help, range);
			fprintf(f, "%s = %s\n", o->key, (const char *)cfg + o->offset);
			continue;
		}
		format_value(o, o->def, def, sizeof(def));
		format_value(o, opt_get(cfg, o), val, sizeof(val));
		fprintf(f, "; %s (%s, default %s)\n", o->help, range, def);
		fprintf(f, "%s = %s\n", o->key, val);
	}
}

int
dipc_config_parse_ids(const char *text, uint32_t *ids, unsigned int max)
{
	const char *p = text;
	unsigned int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		uint64_t v = 0;
		const char *start;

		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (isdigit((unsigned char)*p) && v < UINT32_MAX)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (p == start || v >= UINT32_MAX || n == max)
			return -EINVAL;
		ids[n++] = (uint32_t)v;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return (int)n;
		if (*p++ != ',')
			return -EINVAL;
	}
}

int
dipc_config_parse_ipv4(const char *text, uint8_t out[4])
{
	const char *p = text;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		while (isdigit((unsigned char)*p) && digits < 4) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -EINVAL;
		out[i] = (uint8_t)v;
		if (i < 3 && *p++ != '.')
			return -EINVAL;
	}
	return *p == '\0' ? 0 : -EINVAL;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dipc_config_parse_mac(const char *text, uint8_t out[6])
{
	size_t i;

	if (strlen(text) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hex_digit(text[3 * i]), lo = hex_digit(text[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
