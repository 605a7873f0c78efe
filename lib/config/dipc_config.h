/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CONFIG_H
#define DIPC_CONFIG_H

/**
 * @file
 * dipc server configuration.
 *
 * A struct dipc_server_config is filled in three layers, each over the
 * previous one: built-in defaults (dipc_config_defaults()), an INI file
 * (dipc_config_load(), read with rte_cfgfile), and command-line options
 * (dipc_config_set(), dipc_config_parse_args()). Every option has an INI
 * name ([section] key) and a command-line name (--name); both, with the
 * range and default, are listed by dipc_config_usage().
 *
 * INI syntax: "[section]" headers, "key = value" lines, comments starting
 * with ';' or '#', and blank lines. A ';' also starts a comment after a
 * value. Sections and keys are case sensitive; every key may appear once.
 * Numbers are decimal.
 *
 * Errors are returned as negative errno values with a one-line message in a
 * caller-supplied buffer (truncated to fit; always NUL-terminated when
 * errlen > 0; err may be NULL when errlen is 0).
 *
 * None of these functions needs rte_eal_init(). They are not thread-safe
 * with respect to the same struct, but keep no global state.
 */

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a worker lcore does when a poll finds no work. */
enum dipc_idle_policy {
	DIPC_IDLE_BUSY = 0,    /**< "busy": keep polling, never sleep */
	DIPC_IDLE_BACKOFF = 1, /**< "backoff": spin with rte_pause(), then sleep */
};

/** What the server does with a client that stopped reading its responses. */
enum dipc_stall_policy {
	DIPC_STALL_REPORT = 0,     /**< "report": log and count it, keep it */
	DIPC_STALL_DISCONNECT = 1, /**< "disconnect": also take the connection back */
};

/** Room for a path option, terminating NUL included. */
#define DIPC_CONFIG_PATH_LEN 256

/** Room for a list of ids option (allow_uids, allow_gids), NUL included. */
#define DIPC_CONFIG_IDS_LEN 192
/** Most ids such a list holds. */
#define DIPC_CONFIG_MAX_IDS 16

/** Room for a short text option (eth.port, eth.ip, eth.mac), NUL included. */
#define DIPC_CONFIG_NAME_LEN 64

/** Size classes beyond class 0 (data_room/mbufs) the config can set. */
#define DIPC_CONFIG_EXTRA_CLASSES 3

/** Server configuration. All fields are set by dipc_config_defaults(). */
struct dipc_server_config {
	/** [server] max_connections: 1..65534, default 1024. */
	uint32_t max_conns;
	/**
	 * [server] warm_connections: free slots with rings kept ready, so a
	 * new client does not wait for rings to be made; 0..65534, default 16.
	 */
	uint32_t warm_conns;
	/**
	 * [server] grow_step: slots given rings at once (one memzone) when
	 * the pool of slots grows; 1..4096, default 32.
	 */
	uint32_t grow_step;
	/**
	 * [server] conn_mbufs: most mbufs one connection may hold at once,
	 * lent, in flight or unread; the server lends more as it uses them,
	 * up to this; 8..65536, default 2048.
	 */
	uint32_t conn_mbufs;
	/**
	 * [server] token_file: file holding the token clients must prove
	 * they know (see dipc_token.h); empty = none. The server refuses to
	 * start if the file is readable or writable by group or others.
	 */
	char token_file[DIPC_CONFIG_PATH_LEN];
	/**
	 * [server] allow_uids, allow_gids: who may connect, by the uid and gid
	 * the kernel gives for the client process (SO_PEERCRED on the
	 * admission socket): comma-separated numbers, at most
	 * DIPC_CONFIG_MAX_IDS each. A client is admitted if its uid is in
	 * allow_uids or its gid in allow_gids; with both empty (the default),
	 * the server's own uid and root are. The token, if any, is needed too.
	 */
	char allow_uids[DIPC_CONFIG_IDS_LEN];
	char allow_gids[DIPC_CONFIG_IDS_LEN]; /**< see allow_uids */
	/**
	 * [server] workers: worker lcores to use, 0 = every worker lcore
	 * given to EAL; 0..127, default 0.
	 */
	uint32_t workers;
	/**
	 * [server] lcore_priority: the control and worker lcore threads run
	 * at nice -lcore_priority, so that clients and other programs that
	 * share their CPUs hold them up less; 0 = the nice value the server
	 * started with; 0..19, default 0. Needs root or CAP_SYS_NICE. On a
	 * CPU shared with clients it also slows the kernel's teardown of a
	 * dead client (docs/PERFORMANCE.md, "Dead-client detection under
	 * load"), hence off by default.
	 */
	uint32_t lcore_priority;
	/** [ring] size: ring entries, a power of two, 64..65536, default 1024. */
	uint32_t ring_size;
	/** [mempool] mbufs: mbufs in the pool, 1024..4194304, default 65535. */
	uint32_t pool_size;
	/** [mempool] cache: per-lcore mempool cache, 0..512, default 256. */
	uint32_t pool_cache;
	/**
	 * [mempool] data_room: mbuf data room in bytes including the
	 * 128-byte headroom, 256..65535, default 2176.
	 */
	uint32_t data_room;
	/**
	 * [mempool] class1_data_room .. class3_data_room: data rooms of the
	 * larger size classes (pools dipc_pool_1..3), each larger than the one
	 * before, up to 65535; 0 = the class is off (default: only class 0,
	 * data_room). A message body up to the largest class is one segment;
	 * larger bodies travel as chains.
	 */
	uint32_t class_data_room[DIPC_CONFIG_EXTRA_CLASSES];
	/** [mempool] class1_mbufs .. class3_mbufs: mbufs of each larger class,
	 *  0 or 64..4194304, default 0. */
	uint32_t class_pool_size[DIPC_CONFIG_EXTRA_CLASSES];
	/** [worker] burst: messages per dequeue, 1..512, default 32. */
	uint32_t burst;
	/** [worker] idle: "busy" or "backoff", default backoff. */
	enum dipc_idle_policy idle;
	/**
	 * [worker] idle_spins: empty polls with rte_pause() before sleeping,
	 * 0..100000000, default 10000.
	 */
	uint32_t idle_spins;
	/**
	 * [worker] idle_sleep_us: sleep per idle poll once spinning is over,
	 * 1..100000, default 20.
	 */
	uint32_t idle_sleep_us;
	/**
	 * [control] poll_us: control lcore period while connections are being
	 * admitted or closed, 10..1000000, default 100.
	 */
	uint32_t control_poll_us;
	/**
	 * [control] idle_poll_us: control lcore period once nothing changed for
	 * a while, 10..1000000, default 2000. Waking less often keeps the
	 * control lcore off a CPU it shares with clients or workers.
	 */
	uint32_t control_idle_poll_us;
	/**
	 * [control] drain_ms: on shutdown, how long workers keep serving and
	 * the server waits for clients to close, 0..60000, default 1000.
	 */
	uint32_t drain_ms;
	/**
	 * [control] heartbeat_ms: the server publishes a heartbeat at least
	 * this often; a client that sees none for two intervals reports the
	 * server stopped (EHOSTDOWN); 10..60000, default 200.
	 */
	uint32_t heartbeat_ms;
	/**
	 * [control] stall_ms: a client whose responses waited this long for
	 * room in its ring has stopped reading; 1..3600000, default 1000.
	 */
	uint32_t stall_ms;
	/**
	 * [worker] rebalance_ms: how often the control lcore compares the
	 * workers' loads and moves a connection from the busiest to the
	 * idlest when one carries more than twice the other; 0 = never;
	 * 0..60000, default 100.
	 */
	uint32_t rebalance_ms;
	/** [control] stall_policy: "report" or "disconnect", default report. */
	enum dipc_stall_policy stall_policy;
	/** [kv] enabled: 1 runs the key-value service (GET, PUT, DELETE), 0..1, default 1. */
	uint32_t kv_enabled;
	/** [kv] keys: most keys the key-value service holds, 16..4194304, default 8192. */
	uint32_t kv_keys;
	/**
	 * [kv] value_max: largest value in bytes; 0 = the largest a PUT with
	 * a key of the longest length carries in one mbuf of class 0 (the
	 * data_room pool); larger values travel in a larger class's mbuf, or
	 * in chains; 0..16777216, default 0. dipc-server refuses a value that
	 * not even the largest chain carries.
	 */
	uint32_t kv_value_max;
	/**
	 * [eth] port: the ethdev port of the eth transport, for clients on
	 * other hosts: a port number, or the name EAL gave the device (a PCI
	 * address, or a vdev such as net_memif0 given with --vdev); empty (the
	 * default) = no eth transport. Needs ip and a token_file.
	 */
	char eth_port[DIPC_CONFIG_NAME_LEN];
	/** [eth] ip: the port's IPv4 address, dotted quad; needed with port. */
	char eth_ip[DIPC_CONFIG_NAME_LEN];
	/** [eth] mac: the MAC address to give the port (xx:xx:xx:xx:xx:xx);
	 *  empty = the port's own. */
	char eth_mac[DIPC_CONFIG_NAME_LEN];
	/** [eth] udp_port: UDP port of dipc frames, 1..65535, default 7117. */
	uint32_t eth_udp_port;
	/** [eth] mtu: IP MTU of the port, 90..9000, default 1500. */
	uint32_t eth_mtu;
	/** [eth] mbufs: mbufs of the port's receive pool (its own, never lent
	 *  to local clients), 1024..4194304, default 16383. */
	uint32_t eth_mbufs;
};

/**
 * Fill a configuration with the built-in defaults.
 *
 * @param cfg
 *   Configuration to overwrite entirely.
 */
void dipc_config_defaults(struct dipc_server_config *cfg);

/**
 * Load an INI file over a configuration.
 *
 * Only the options present in the file change; the others keep their
 * current value. The file is checked line by line first, so every error
 * names its line; values are then read with rte_cfgfile. Nothing in cfg
 * changes unless the whole file is valid. Cross-option constraints are not
 * checked here (the command line may still change them): call
 * dipc_config_check() once everything is applied.
 *
 * @param cfg
 *   Configuration to update.
 * @param path
 *   INI file to read.
 * @param err
 *   Buffer for the error message, e.g.
 *   "PATH:LINE: key 'ring.size': 1000 is not a power of two",
 *   "PATH:LINE: unknown section [foo]", or "PATH: cannot open: REASON".
 * @param errlen
 *   Size of err.
 * @return
 *   0 on success, -ENOENT if the file cannot be opened or read, -EINVAL on
 *   a syntax error, unknown section or key, duplicate key, empty value or
 *   bad value.
 */
int dipc_config_load(struct dipc_server_config *cfg, const char *path, char *err,
		     size_t errlen);

/**
 * Set one option.
 *
 * @param cfg
 *   Configuration to update; unchanged on error.
 * @param name
 *   Command-line name without dashes (e.g. "ring-size") or INI name
 *   "section.key" (e.g. "ring.size").
 * @param value
 *   Value text: a decimal number, or a policy name for "idle".
 * @param err
 *   Buffer for the error message: "--ring-size: REASON" for a bad value,
 *   "unknown option 'NAME'" for an unknown name.
 * @param errlen
 *   Size of err.
 * @return
 *   0 on success, -EINVAL on an unknown name or bad value.
 */
int dipc_config_set(struct dipc_server_config *cfg, const char *name, const char *value,
		    char *err, size_t errlen);

/**
 * Parse the application arguments.
 *
 * Accepts "--config FILE" (loaded first wherever it appears, so every other
 * option overrides it), "--NAME VALUE" or "--NAME=VALUE" for every option,
 * and "--help" / "-h". After applying everything, dipc_config_check() is run.
 * Parsing is done by hand (getopt is not used), so the function can be
 * called any number of times.
 *
 * @param cfg
 *   Configuration to update (normally holding the defaults); unchanged on
 *   error or when help is requested.
 * @param argc
 *   Argument count.
 * @param argv
 *   Arguments; argv[0] is the program name (as left by rte_eal_init()).
 * @param help
 *   Set to 1 if --help was given (nothing else is then applied), else 0.
 * @param err
 *   Buffer for the error message.
 * @param errlen
 *   Size of err.
 * @return
 *   0 on success or help, -EINVAL on an unknown option, missing value, bad
 *   value, stray positional argument, failed check, or -ENOENT if the
 *   --config file cannot be opened.
 */
int dipc_config_parse_args(struct dipc_server_config *cfg, int argc, char **argv, int *help,
			   char *err, size_t errlen);

/**
 * Check the constraints between options.
 *
 * Currently: the mempool cache must be at most pool_size / 1.5, as
 * rte_pktmbuf_pool_create() requires (larger classes get a cache that
 * fits their pool); size classes are set without gaps, each with a
 * larger data room than the one before and at least 64 mbufs. With today's ranges (mbufs >= 1024,
 * cache <= 512) options alone cannot break it; the check guards a
 * configuration built by code, and any future change of the ranges.
 *
 * @param cfg
 *   Configuration to check.
 * @param err
 *   Buffer for the error message, e.g. "mbuf cache 512 is too large for
 *   512 mbufs (at most pool_size / 1.5)".
 * @param errlen
 *   Size of err.
 * @return
 *   0 if consistent, -EINVAL otherwise.
 */
int dipc_config_check(const struct dipc_server_config *cfg, char *err, size_t errlen);

/**
 * Print the usage text: every option with its INI name, range and default.
 *
 * @param f
 *   Stream to write to.
 * @param prog
 *   Program name for the first line.
 */
void dipc_config_usage(FILE *f, const char *prog);

/**
 * Print a configuration as an INI file that dipc_config_load() accepts.
 *
 * @param f
 *   Stream to write to.
 * @param cfg
 *   Configuration to print.
 */
void dipc_config_dump(FILE *f, const struct dipc_server_config *cfg);

/**
 * Parse a list of ids as allow_uids and allow_gids hold it: decimal
 * numbers below 4294967295, separated by commas (blanks around them are
 * ignored); empty is an empty list.
 *
 * @param text
 *   The list.
 * @param ids
 *   Where to put the ids (at least @p max of them).
 * @param max
 *   Most ids accepted.
 * @return
 *   The number of ids, or -EINVAL (not numbers, too many, out of range).
 */
int dipc_config_parse_ids(const char *text, uint32_t *ids, unsigned int max);

/**
 * Parse an IPv4 address as eth.ip holds it: four decimal numbers 0..255
 * (at most three digits each) separated by dots, nothing else.
 *
 * @param text
 *   The address.
 * @param out
 *   Its four bytes, in network order.
 * @return
 *   0, or -EINVAL.
 */
int dipc_config_parse_ipv4(const char *text, uint8_t out[4]);

/**
 * Parse a MAC address as eth.mac holds it: six pairs of hex digits
 * separated by colons.
 *
 * @param text
 *   The address.
 * @param out
 *   Its six bytes.
 * @return
 *   0, or -EINVAL.
 */
int dipc_config_parse_mac(const char *text, uint8_t out[6]);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CONFIG_H */
