/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message capture into pcapng (dipc_capture.h), controlled at run time by
 * the rte_telemetry command
 *
 *   /dipc/capture,start,<absolute path>[,<slot>|all]
 *   /dipc/capture,stop
 *   /dipc/capture[,status]
 *
 * Who does what:
 * - the telemetry thread that runs the command (a non-EAL thread of
 *   rte_telemetry; up to ten run at once, so a mutex serialises them)
 *   creates and destroys everything: the file, the capture mempool and
 *   ring, the writer thread, and publishes the capture to the workers;
 * - workers copy messages into the capture mempool and enqueue them
 *   (dipc_capture_msgs(): no lock, no allocation, no system call);
 * - the writer, a DPDK control thread ("dipc-capture"), dequeues, formats
 *   with rte_pcapng_copy() and writes. Not the control lcore: a write can
 *   block on a slow disk for as long as it likes, and the control lcore
 *   must keep the heartbeat and admission going meanwhile. It is also the
 *   only caller of rte_pcapng_copy(), whose TSC-to-time state in 22.11 is
 *   a static updated without synchronisation: worker lcores calling it
 *   concurrently would race on it.
 *
 * rte_pcapng in DPDK 22.11 writes one interface description block per
 * ethdev port when the file is opened, and maps each packet's mbuf->port
 * to its block; with no port the index it writes is uninitialised memory.
 * dipc has no port (no NIC transport), so a capture start creates a
 * net_null vdev to stand for "the dipc server" in the file, with
 * rte_vdev_init(), local to this process (rte_dev_probe() would ask every
 * client, a secondary, to attach it too and wait for their answers), and
 * removes it as soon as the file's header is written: afterwards
 * rte_pcapng only uses the port number as an index into its own table
 * (22.11 checks it against ethdev only in RTE_LIBRTE_ETHDEV_DEBUG builds).
 * Left in place, every client process started later would find it on the
 * vdev bus, attach it, and leak the bus's device entry at exit (LeakSanitizer
 * reports it). For the same reason the file gets no interface statistics
 * block (rte_pcapng_write_stats() wants a live port): the counts are in the
 * stop command's answer and the server's log.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_pcapng.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include "dipc_capture.h"
#include "server_private.h"

/* The port rte_pcapng describes the capture with (see above). */
#define CAPTURE_VDEV "net_null_dipc_capture"
/* Hugepage memory for the workers' copies: at most this, at least
 * CAPTURE_MIN_MBUFS of them. */
#define CAPTURE_POOL_BYTES (16u << 20)
#define CAPTURE_MIN_MBUFS 511u
#define CAPTURE_MAX_MBUFS 4095u
#define CAPTURE_CACHE 64u
/* The writer's burst, and the rte_pcapng_copy() pool that serves it. */
#define CAPTURE_WRITE_BURST 32u
#define CAPTURE_FMT_MBUFS 127u
/* The writer sleeps this long when the ring is empty. */
#define CAPTURE_IDLE_US 1000u

/* MAC addresses: 02 (locally administered) "dip", then the slot; the
 * server is ff:ff, a slot number that never exists. */
static const uint8_t capture_oui[4] = { 0x02, 0x64, 0x69, 0x70 };

/* In each copy's private area: what the writer needs beside the frame. */
struct capture_meta {
	uint64_t tsc;
	uint32_t slot;
	uint32_t dir; /* enum dipc_capture_dir */
};

/* A worker's counters: written by that worker only. */
struct capture_wstats {
	uint64_t captured;
	uint64_t no_mbuf;
	uint64_t ring_full;
} __rte_cache_aligned;

struct dipc_capture {
	/* Read by the workers on every copy. */
	uint32_t slot;         /* DIPC_CAPTURE_ALL or one slot */
	uint32_t snap;         /* most message bytes copied */
	uint32_t buf_offset;   /* where a dipc mbuf's buffer starts (pool map) */
	uint32_t buf_len;      /* its length (pool map) */
	struct rte_mempool *pool;
	struct rte_ring *ring;
	struct capture_wstats *ws; /* [nb_workers] */
	/* The writer's. */
	struct rte_mempool *fmt_pool;
	rte_pcapng_t *pcapng;
	uint16_t port;
	pthread_t writer;
	int quit;              /* set (release) once no worker copies any more */
	uint64_t last_tsc;     /* latest timestamp written */
	uint64_t written;      /* relaxed: read by status */
	uint64_t failed;
	int write_errno;
	/* The controller's. */
	char path[PATH_MAX];
};

/* One server per process: telemetry callbacks take no argument. Guarded
 * by capture_lock, as is everything a capture command changes. */
static pthread_mutex_t capture_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dipc_server *capture_server;
static struct dipc_capture *capture_active;
static int capture_cmd_registered;

/* Frame one message into @mc: Ethernet header, then the message bytes as
 * they are in the dipc mbuf. The offset and length are read once and
 * clamped to the buffer, whose place comes from the pool map, not from
 * the mbuf: a client can still write to an mbuf it gave up. */
static __rte_always_inline void
capture_frame(const struct dipc_capture *cap, struct rte_mbuf *mc, const struct rte_mbuf *m,
	      uint32_t slot, enum dipc_capture_dir dir, uint64_t tsc)
{
	uint32_t off = __atomic_load_n(&m->data_off, __ATOMIC_RELAXED);
	uint32_t len = __atomic_load_n(&m->data_len, __ATOMIC_RELAXED);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(mc, struct rte_ether_hdr *);
	struct rte_ether_addr *client = dir == DIPC_CAPTURE_REQUEST ? &eth->src_addr : &eth->dst_addr;
	struct rte_ether_addr *server = dir == DIPC_CAPTURE_REQUEST ? &eth->dst_addr : &eth->src_addr;
	struct capture_meta *meta = rte_mbuf_to_priv(mc);

	off = RTE_MIN(off, cap->buf_len);
	len = RTE_MIN(RTE_MIN(len, cap->buf_len - off), cap->snap);
	memcpy(client->addr_bytes, capture_oui, sizeof(capture_oui));
	client->addr_bytes[4] = (uint8_t)(slot >> 8);
	client->addr_bytes[5] = (uint8_t)slot;
	memcpy(server->addr_bytes, capture_oui, sizeof(capture_oui));
	server->addr_bytes[4] = 0xff;
	server->addr_bytes[5] = 0xff;
	eth->ether_type = rte_cpu_to_be_16(DIPC_CAPTURE_ETHERTYPE);
	rte_memcpy(eth + 1, (const char *)m + cap->buf_offset + off, len);
	mc->data_len = (uint16_t)(sizeof(*eth) + len);
	mc->pkt_len = mc->data_len;
	meta->tsc = tsc;
	meta->slot = slot;
	meta->dir = dir;
}

void
dipc_capture_msgs(struct dipc_capture *cap, unsigned int worker, uint32_t slot,
		  struct rte_mbuf *const *m, unsigned int n, enum dipc_capture_dir dir)
{
	struct capture_wstats *ws = &cap->ws[worker];
	struct rte_mbuf *c[SERVER_MAX_BURST];
	unsigned int i, k = 0, sent;
	uint64_t tsc;

	if (cap->slot != DIPC_CAPTURE_ALL && cap->slot != slot)
		return;
	n = RTE_MIN(n, (unsigned int)RTE_DIM(c));
	tsc = rte_rdtsc();
	for (i = 0; i < n; i++) {
		/* From this lcore's mempool cache: no lock, no system call. */
		struct rte_mbuf *mc = rte_pktmbuf_alloc(cap->pool);

		if (unlikely(mc == NULL))
			break;
		capture_frame(cap, mc, m[i], slot, dir, tsc);
		c[k++] = mc;
	}
	ws->no_mbuf += n - k;
	if (k == 0)
		return;
	sent = rte_ring_mp_enqueue_burst(cap->ring, (void **)c, k, NULL);
	if (unlikely(sent < k)) {
		rte_pktmbuf_free_bulk(c + sent, k - sent);
		ws->ring_full += k - sent;
	}
	ws->captured += sent;
}

/* The writer: drain the ring into the file until told to quit and the
 * ring is empty. */
static void *
capture_writer(void *arg)
{
	struct dipc_capture *cap = arg;
	struct rte_mbuf *in[CAPTURE_WRITE_BURST], *out[CAPTURE_WRITE_BURST];
	unsigned int n, i, k;
	int quit;

	for (;;) {
		/* Read before the dequeue: once quit is set no copy is added,
		 * so an empty ring after it means all were written. */
		quit = __atomic_load_n(&cap->quit, __ATOMIC_ACQUIRE);
		n = rte_ring_sc_dequeue_burst(cap->ring, (void **)in, RTE_DIM(in), NULL);
		if (n == 0) {
			if (quit)
				break;
			rte_delay_us_sleep(CAPTURE_IDLE_US);
			continue;
		}
		for (i = 0, k = 0; i < n; i++) {
			const struct capture_meta *meta = rte_mbuf_to_priv(in[i]);

			/* Never back in time: 22.11's rte_pcapng_copy() moves its
			 * time base forward to the last timestamp it converted,
			 * and turns an older one (a copy another worker queued a
			 * little later) into garbage. */
			cap->last_tsc = RTE_MAX(cap->last_tsc, meta->tsc);
			/* Requests came in to the server, responses go out;
			 * the queue option carries the slot. */
			out[k] = rte_pcapng_copy(cap->port, meta->slot, in[i], cap->fmt_pool,
						 UINT32_MAX, cap->last_tsc,
						 meta->dir == DIPC_CAPTURE_REQUEST ?
							 RTE_PCAPNG_DIRECTION_IN :
							 RTE_PCAPNG_DIRECTION_OUT);
			if (out[k] != NULL)
				k++;
		}
		rte_pktmbuf_free_bulk(in, n);
		if (k < n)
			__atomic_fetch_add(&cap->failed, n - k, __ATOMIC_RELAXED);
		if (k == 0)
			continue;
		if (rte_pcapng_write_packets(cap->pcapng, out, (uint16_t)k) < 0) {
			if (__atomic_fetch_add(&cap->failed, k, __ATOMIC_RELAXED) == 0) {
				cap->write_errno = rte_errno;
				SERVER_LOG(ERR, "capture: cannot write %s: %s (counting the "
						"packets lost)", cap->path, strerror(rte_errno));
			}
		} else {
			__atomic_fetch_add(&cap->written, k, __ATOMIC_RELAXED);
		}
		/* 22.11's rte_pcapng_write_packets() does not free them. */
		rte_pktmbuf_free_bulk(out, k);
	}
	return NULL;
}

static void
capture_sum(const struct dipc_server *s, const struct dipc_capture *cap,
	    struct dipc_capture_stats *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < s->nb_workers; i++) {
		st->captured += __atomic_load_n(&cap->ws[i].captured, __ATOMIC_RELAXED);
		st->dropped += __atomic_load_n(&cap->ws[i].no_mbuf, __ATOMIC_RELAXED) +
			       __atomic_load_n(&cap->ws[i].ring_full, __ATOMIC_RELAXED);
	}
	st->written = __atomic_load_n(&cap->written, __ATOMIC_RELAXED);
	st->failed = __atomic_load_n(&cap->failed, __ATOMIC_RELAXED);
}

/* Free what a capture holds; its workers and writer are gone. */
static void
capture_free(struct dipc_capture *cap)
{
	if (cap->pcapng != NULL)
		rte_pcapng_close(cap->pcapng); /* closes the file too */
	rte_ring_free(cap->ring);
	rte_mempool_free(cap->pool);
	rte_mempool_free(cap->fmt_pool);
	server_free(cap->ws);
	server_free(cap);
}

/*
 * 22.11's rte_pcapng keeps its TSC-to-time base in a process-wide static,
 * set on the first conversion from the TSC sampled then, and moved
 * forward (in whole seconds, never past the timestamp converted) by later
 * ones. A timestamp older than the base converts to garbage, centuries
 * off; and the first call's own timestamp, read before the library sets
 * the base, is always older. So the process's first conversion is a
 * dummy half a second ahead: the base is set and does not move, and every
 * timestamp a worker takes afterwards is newer. Only this file calls
 * rte_pcapng, so a flag tells whether that was done.
 */
static int capture_time_set;

static int
capture_time_base(struct dipc_capture *cap)
{
	struct rte_mbuf *m, *f;

	if (capture_time_set)
		return 0;
	m = rte_pktmbuf_alloc(cap->pool);
	if (m == NULL || rte_pktmbuf_append(m, RTE_ETHER_HDR_LEN) == NULL) {
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	memset(rte_pktmbuf_mtod(m, void *), 0, RTE_ETHER_HDR_LEN);
	f = rte_pcapng_copy(cap->port, 0, m, cap->fmt_pool, UINT32_MAX,
			    rte_get_tsc_cycles() + rte_get_tsc_hz() / 2,
			    RTE_PCAPNG_DIRECTION_UNKNOWN);
	rte_pktmbuf_free(m);
	if (f == NULL)
		return -ENOMEM;
	rte_pktmbuf_free(f);
	capture_time_set = 1;
	return 0;
}

/* The ethdev port rte_pcapng needs while it opens the file (see the top
 * of this file). */
static int
capture_port_make(uint16_t *port, char *err, size_t err_len)
{
	int ret = rte_vdev_init(CAPTURE_VDEV, NULL);

	if (ret != 0) {
		snprintf(err, err_len, "cannot create the %s port rte_pcapng needs: %s "
				       "(is DPDK's net_null driver installed?)",
			 CAPTURE_VDEV, strerror(-ret));
		return -ENODEV;
	}
	if (rte_eth_dev_get_port_by_name(CAPTURE_VDEV, port) != 0) {
		rte_vdev_uninit(CAPTURE_VDEV);
		snprintf(err, err_len, "no ethdev port for %s", CAPTURE_VDEV);
		return -ENODEV;
	}
	return 0;
}

static int
capture_start_locked(struct dipc_server *s, const char *path, uint32_t slot, char *err,
		     size_t err_len)
{
	const struct dipc_ring_owner_map *pm = &s->maps[0];
	struct dipc_capture *cap;
	char comment[96], pool_name[RTE_MEMPOOL_NAMESIZE];
	uint32_t room, nb, i;
	int fd = -1, ret, port_made = 0;

	if (capture_active != NULL) {
		snprintf(err, err_len, "a capture to %s is running: stop it first",
			 capture_active->path);
		return -EBUSY;
	}
	if (path == NULL || path[0] != '/') {
		snprintf(err, err_len, "the capture file must be an absolute path (the server's "
				       "working directory is not yours)");
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(cap->path)) {
		snprintf(err, err_len, "capture path too long");
		return -EINVAL;
	}
	if (slot != DIPC_CAPTURE_ALL && slot >= s->cfg.max_conns) {
		snprintf(err, err_len, "no slot %" PRIu32 ": this server has slots 0 to %u", slot,
			 s->cfg.max_conns - 1);
		return -EINVAL;
	}
	cap = server_zalloc(sizeof(*cap), -1);
	if (cap == NULL)
		goto nomem;
	snprintf(cap->path, sizeof(cap->path), "%s", path);
	cap->slot = slot;
	cap->buf_offset = pm->buf_offset;
	cap->buf_len = pm->buf_len;
	/* A whole message, unless the data room is near the 64 KB an mbuf
	 * can hold with the Ethernet header and the pcapng framing. */
	cap->snap = RTE_MIN((uint32_t)pm->buf_len, UINT16_MAX - 2u * RTE_PKTMBUF_HEADROOM);
	ret = capture_port_make(&cap->port, err, err_len);
	if (ret != 0)
		goto fail;
	port_made = 1;
	cap->ws = server_zalloc(s->nb_workers * sizeof(*cap->ws), -1);
	if (cap->ws == NULL)
		goto nomem;

	room = RTE_PKTMBUF_HEADROOM + RTE_ETHER_HDR_LEN + cap->snap;
	nb = CAPTURE_POOL_BYTES / (room + (uint32_t)sizeof(struct rte_mbuf));
	nb = RTE_MAX(RTE_MIN(nb, CAPTURE_MAX_MBUFS), CAPTURE_MIN_MBUFS);
	snprintf(pool_name, sizeof(pool_name), "dipc_capture_%d", getpid());
	cap->pool = rte_pktmbuf_pool_create(pool_name, nb, CAPTURE_CACHE,
					    sizeof(struct capture_meta), (uint16_t)room,
					    s->workers[0].socket);
	/* Room for every copy the pool can hold: a full ring then means the
	 * writer is behind, and the pool runs dry first. */
	cap->ring = rte_ring_create("dipc_capture_ring", rte_align32pow2(nb + 1),
				    s->workers[0].socket, RING_F_SC_DEQ);
	snprintf(pool_name, sizeof(pool_name), "dipc_capfmt_%d", getpid());
	cap->fmt_pool = rte_pktmbuf_pool_create(
		pool_name, CAPTURE_FMT_MBUFS, 0, 0,
		(uint16_t)rte_pcapng_mbuf_size(RTE_ETHER_HDR_LEN + cap->snap), SOCKET_ID_ANY);
	if (cap->pool == NULL || cap->ring == NULL || cap->fmt_pool == NULL) {
		snprintf(err, err_len, "cannot create the capture pools and ring: %s "
				       "(not enough free hugepage memory?)", rte_strerror(rte_errno));
		ret = -ENOMEM;
		goto fail;
	}
	if (capture_time_base(cap) != 0)
		goto nomem;

	/* Never overwrite: a path typed wrong must not cost a file. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "cannot create %s: %s", path, strerror(errno));
		goto fail;
	}
	if (slot == DIPC_CAPTURE_ALL)
		snprintf(comment, sizeof(comment), "dipc messages, all slots");
	else
		snprintf(comment, sizeof(comment), "dipc messages, slot %" PRIu32, slot);
	cap->pcapng = rte_pcapng_fdopen(fd, NULL, NULL, "dipc-server", comment);
	if (cap->pcapng == NULL) {
		ret = -EIO;
		snprintf(err, err_len, "cannot write the pcapng header to %s: %s", path,
			 strerror(errno));
		close(fd);
		unlink(path);
		goto fail;
	}
	rte_vdev_uninit(CAPTURE_VDEV);
	port_made = 0;
	ret = rte_ctrl_thread_create(&cap->writer, "dipc-capture", NULL, capture_writer, cap);
	if (ret != 0) {
		snprintf(err, err_len, "cannot start the capture writer thread: %s",
			 strerror(ret));
		unlink(path);
		ret = -ret;
		goto fail;
	}
	capture_active = cap;
	/* Release: the capture is whole before a worker sees it. */
	for (i = 0; i < s->nb_workers; i++)
		__atomic_store_n(&s->workers[i].capture, cap, __ATOMIC_RELEASE);
	SERVER_LOG(NOTICE, "capture: started, %s to %s", comment + strlen("dipc messages, "),
		   path);
	return 0;
nomem:
	snprintf(err, err_len, "out of memory");
	ret = -ENOMEM;
fail:
	if (port_made)
		rte_vdev_uninit(CAPTURE_VDEV);
	if (cap != NULL)
		capture_free(cap);
	return ret;
}

static int
capture_stop_locked(struct dipc_server *s, struct dipc_capture_stats *st, char *err,
		    size_t err_len)
{
	struct dipc_capture *cap = capture_active;
	struct dipc_capture_stats sum;
	unsigned int i;

	if (cap == NULL) {
		snprintf(err, err_len, "no capture is running");
		return -ENOENT;
	}
	for (i = 0; i < s->nb_workers; i++)
		__atomic_store_n(&s->workers[i].capture, NULL, __ATOMIC_RELEASE);
	/* A worker holds the pointer for one pass at most and reports a
	 * quiescent state between passes: after this none copies any more,
	 * and all it copied is in the ring. Workers not running are offline
	 * and not waited for. */
	rte_rcu_qsbr_synchronize(s->qsbr, RTE_QSBR_THRID_INVALID);
	__atomic_store_n(&cap->quit, 1, __ATOMIC_RELEASE);
	pthread_join(cap->writer, NULL);
	capture_sum(s, cap, &sum);
	SERVER_LOG(NOTICE, "capture: stopped, %s: %" PRIu64 " written, %" PRIu64
			   " dropped, %" PRIu64 " failed", cap->path, sum.written, sum.dropped,
		   sum.failed);
	capture_active = NULL;
	capture_free(cap);
	if (st != NULL)
		*st = sum;
	return 0;
}

int
dipc_capture_start(struct dipc_server *s, const char *path, uint32_t slot, char *err,
		   size_t err_len)
{
	int ret;

	pthread_mutex_lock(&capture_lock);
	ret = capture_start_locked(s, path, slot, err, err_len);
	pthread_mutex_unlock(&capture_lock);
	if (ret != 0)
		SERVER_LOG(WARNING, "capture: %s", err);
	return ret;
}

int
dipc_capture_stop(struct dipc_server *s, struct dipc_capture_stats *st, char *err,
		  size_t err_len)
{
	int ret;

	pthread_mutex_lock(&capture_lock);
	ret = capture_stop_locked(s, st, err, err_len);
	pthread_mutex_unlock(&capture_lock);
	return ret;
}

/* Parse a slot parameter: "all" or a decimal number. */
static int
parse_slot(const char *p, uint32_t *slot)
{
	char *end;
	unsigned long v;

	if (strcmp(p, "all") == 0) {
		*slot = DIPC_CAPTURE_ALL;
		return 0;
	}
	if (p[0] < '0' || p[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno != 0 || *end != '\0' || v >= DIPC_CAPTURE_ALL)
		return -EINVAL;
	*slot = (uint32_t)v;
	return 0;
}

static void
add_stats(struct rte_tel_data *d, const struct dipc_capture_stats *st)
{
	rte_tel_data_add_dict_u64(d, "captured", st->captured);
	rte_tel_data_add_dict_u64(d, "dropped", st->dropped);
	rte_tel_data_add_dict_u64(d, "written", st->written);
	rte_tel_data_add_dict_u64(d, "failed", st->failed);
}

/* Errors are answered as {"error": "..."} rather than with a negative
 * return, which telemetry turns into a bare null. */
static int
capture_cmd_error(struct rte_tel_data *d, const char *msg)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

static int
capture_cmd(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	char buf[PATH_MAX + 64], err[PATH_MAX + 128], *save = NULL, *verb, *path, *slot_s;
	struct dipc_capture_stats st;
	struct dipc_server *s;
	uint32_t slot = DIPC_CAPTURE_ALL;
	int ret = 0;

	if (params != NULL && strlen(params) >= sizeof(buf))
		return capture_cmd_error(d, "parameters too long");
	snprintf(buf, sizeof(buf), "%s", params != NULL ? params : "");
	verb = strtok_r(buf, ",", &save);
	pthread_mutex_lock(&capture_lock);
	s = capture_server;
	if (s == NULL) {
		pthread_mutex_unlock(&capture_lock);
		return capture_cmd_error(d, "no dipc server in this process");
	}
	if (verb == NULL || strcmp(verb, "status") == 0) {
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_int(d, "capturing", capture_active != NULL);
		if (capture_active != NULL) {
			rte_tel_data_add_dict_string(d, "path", capture_active->path);
			if (capture_active->slot == DIPC_CAPTURE_ALL)
				rte_tel_data_add_dict_string(d, "slot", "all");
			else
				rte_tel_data_add_dict_int(d, "slot", (int)capture_active->slot);
			capture_sum(s, capture_active, &st);
			add_stats(d, &st);
		}
	} else if (strcmp(verb, "start") == 0) {
		path = strtok_r(NULL, ",", &save);
		slot_s = strtok_r(NULL, ",", &save);
		if (path == NULL) {
			snprintf(err, sizeof(err), "usage: /dipc/capture,start,<absolute path>"
						   "[,<slot>|all]");
			ret = -EINVAL;
		} else if (strtok_r(NULL, ",", &save) != NULL) {
			snprintf(err, sizeof(err), "too many parameters (the path may not "
						   "contain a comma)");
			ret = -EINVAL;
		} else if (slot_s != NULL && parse_slot(slot_s, &slot) != 0) {
			snprintf(err, sizeof(err), "bad slot '%s': a slot number or 'all'",
				 slot_s);
			ret = -EINVAL;
		} else {
			ret = capture_start_locked(s, path, slot, err, sizeof(err));
		}
		if (ret == 0) {
			rte_tel_data_start_dict(d);
			rte_tel_data_add_dict_string(d, "capturing", path);
			if (slot == DIPC_CAPTURE_ALL)
				rte_tel_data_add_dict_string(d, "slot", "all");
			else
				rte_tel_data_add_dict_int(d, "slot", (int)slot);
		}
	} else if (strcmp(verb, "stop") == 0) {
		ret = capture_stop_locked(s, &st, err, sizeof(err));
		if (ret == 0) {
			rte_tel_data_start_dict(d);
			rte_tel_data_add_dict_string(d, "stopped", "ok");
			add_stats(d, &st);
		}
	} else {
		snprintf(err, sizeof(err), "unknown action '%s': start, stop or status", verb);
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&capture_lock);
	if (ret != 0) {
		SERVER_LOG(WARNING, "capture: %s", err);
		return capture_cmd_error(d, err);
	}
	return 0;
}

void
dipc_capture_init(struct dipc_server *s)
{
	pthread_mutex_lock(&capture_lock);
	capture_server = s;
	if (!capture_cmd_registered &&
	    rte_telemetry_register_cmd("/dipc/capture", capture_cmd,
				       "Capture dipc messages to pcapng. Parameters: "
				       "start,<absolute path>[,<slot>|all] | stop | status") == 0)
		capture_cmd_registered = 1;
	pthread_mutex_unlock(&capture_lock);
}

void
dipc_capture_fini(struct dipc_server *s)
{
	char err[64];

	pthread_mutex_lock(&capture_lock);
	if (capture_server == s) {
		if (capture_active != NULL)
			capture_stop_locked(s, NULL, err, sizeof(err));
		capture_server = NULL;
	}
	pthread_mutex_unlock(&capture_lock);
}
