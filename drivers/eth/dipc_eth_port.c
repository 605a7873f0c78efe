/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An ethdev port for the eth transport (dipc_eth_port.h): configure with
 * the offloads the port has, queues, MTU, start, link.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dipc_eth_frame.h"
#include "dipc_eth_port.h"

static int __rte_format_printf(4, 5)
fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

int
dipc_eth_port_find(const char *name, uint16_t *port_id)
{
	char *end;
	unsigned long n;
	uint16_t id;

	if (name == NULL || name[0] == '\0')
		return -ENODEV;
	if (rte_eth_dev_get_port_by_name(name, &id) == 0) {
		*port_id = id;
		return 0;
	}
	errno = 0;
	n = strtoul(name, &end, 10);
	if (errno != 0 || *end != '\0' || name[0] < '0' || name[0] > '9' || n >= RTE_MAX_ETHPORTS ||
	    !rte_eth_dev_is_valid_port((uint16_t)n))
		return -ENODEV;
	*port_id = (uint16_t)n;
	return 0;
}

/* Descriptors: @want (0 = the default) within the port's limits. */
static uint16_t
desc_count(uint16_t want, const struct rte_eth_desc_lim *lim)
{
	uint32_t n = want != 0 ? want : DIPC_ETH_PORT_DESC_DEFAULT;

	if (lim->nb_max != 0 && n > lim->nb_max)
		n = lim->nb_max;
	if (n < lim->nb_min)
		n = lim->nb_min;
	if (lim->nb_align > 1)
		n = RTE_ALIGN_CEIL(n, lim->nb_align);
	return (uint16_t)RTE_MIN(n, (uint32_t)UINT16_MAX);
}

int
dipc_eth_port_start(const struct dipc_eth_port_conf *conf, struct dipc_eth_port_info *info,
		    char *err, size_t errlen)
{
	struct rte_eth_conf pc;
	struct rte_eth_dev_info di;
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	uint32_t room, frame;
	uint16_t port, q, nb_rxd, nb_txd;
	int ret, socket;

	if (errlen > 0)
		err[0] = '\0';
	if (conf == NULL || info == NULL)
		return fail(err, errlen, -EINVAL, "no configuration");
	port = conf->port_id;
	if (!rte_eth_dev_is_valid_port(port))
		return fail(err, errlen, -ENODEV, "port %u: no such port", port);
	if (conf->nb_rxq == 0 || conf->nb_rxq > DIPC_ETH_PORT_MAX_QUEUES ||
	    conf->nb_txq < conf->nb_rxq || conf->nb_txq > DIPC_ETH_PORT_MAX_QUEUES)
		return fail(err, errlen, -EINVAL,
			    "port %u: %u RX and %u TX queues: RX must be 1..%u and TX from RX to %u",
			    port, conf->nb_rxq, conf->nb_txq, DIPC_ETH_PORT_MAX_QUEUES,
			    DIPC_ETH_PORT_MAX_QUEUES);
	if (conf->mtu < RTE_ETHER_MIN_MTU || conf->mtu > DIPC_ETH_MTU_MAX)
		return fail(err, errlen, -EINVAL, "port %u: MTU %u out of range %u..%u", port,
			    conf->mtu, RTE_ETHER_MIN_MTU, DIPC_ETH_MTU_MAX);
	if (conf->rx_pool == NULL)
		return fail(err, errlen, -EINVAL, "port %u: no RX pool", port);
	if (!rte_is_zero_ether_addr(&conf->mac) && !rte_is_unicast_ether_addr(&conf->mac))
		return fail(err, errlen, -EINVAL, "port %u: MAC address " RTE_ETHER_ADDR_PRT_FMT
			    " is not a unicast address", port, RTE_ETHER_ADDR_BYTES(&conf->mac));
	ret = rte_eth_dev_info_get(port, &di);
	if (ret != 0)
		return fail(err, errlen, ret, "port %u: cannot read device info: %s", port,
			    rte_strerror(-ret));
	if (conf->nb_rxq > di.max_rx_queues || conf->nb_txq > di.max_tx_queues)
		return fail(err, errlen, -ENOTSUP,
			    "port %u (%s): %u RX and %u TX queues asked, it has %u and %u", port,
			    di.driver_name, conf->nb_rxq, conf->nb_txq, di.max_rx_queues,
			    di.max_tx_queues);
	if (conf->mtu > di.max_mtu || conf->mtu < di.min_mtu)
		return fail(err, errlen, -EINVAL, "port %u (%s): MTU %u outside its %u..%u", port,
			    di.driver_name, conf->mtu, di.min_mtu, di.max_mtu);

	memset(info, 0, sizeof(*info));
	memset(&pc, 0, sizeof(pc));
	pc.rxmode.mtu = conf->mtu;
	/* Frames of MTU + 14 bytes into one RX mbuf, or scattered. */
	room = rte_pktmbuf_data_room_size(conf->rx_pool);
	room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	frame = (uint32_t)conf->mtu + RTE_ETHER_HDR_LEN;
	if (room < frame) {
		if (!(di.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER))
			return fail(err, errlen, -EINVAL,
				    "port %u (%s): RX mbufs hold %u bytes, frames of MTU %u are %u, "
				    "and the port cannot scatter: raise the pool's data room or lower the MTU",
				    port, di.driver_name, room, conf->mtu, frame);
		pc.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
		info->offloads |= DIPC_ETH_PORT_OFL_RX_SCATTER;
	}
	if (di.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) {
		pc.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		info->offloads |= DIPC_ETH_PORT_OFL_RX_IP_CKSUM;
	}
	if (di.rx_offload_capa & RTE_ETH_RX_OFFLOAD_UDP_CKSUM) {
		pc.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
		info->offloads |= DIPC_ETH_PORT_OFL_RX_UDP_CKSUM;
	}
	if (di.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		pc.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		info->offloads |= DIPC_ETH_PORT_OFL_TX_IP_CKSUM;
	}
	if (di.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
		pc.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		info->offloads |= DIPC_ETH_PORT_OFL_TX_MULTI_SEG;
	}
	if (conf->nb_rxq > 1 && (di.flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_UDP)) {
		pc.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		pc.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_UDP;
		info->offloads |= DIPC_ETH_PORT_OFL_RSS;
	}

	ret = rte_eth_dev_configure(port, conf->nb_rxq, conf->nb_txq, &pc);
	if (ret != 0)
		return fail(err, errlen, ret, "port %u (%s): configure (%u RX, %u TX queues, MTU %u): %s",
			    port, di.driver_name, conf->nb_rxq, conf->nb_txq, conf->mtu,
			    rte_strerror(-ret));
	nb_rxd = desc_count(conf->nb_rxd, &di.rx_desc_lim);
	nb_txd = desc_count(conf->nb_txd, &di.tx_desc_lim);
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret != 0)
		return fail(err, errlen, ret, "port %u (%s): descriptors: %s", port, di.driver_name,
			    rte_strerror(-ret));
	socket = conf->socket_id;
	if (socket == SOCKET_ID_ANY) {
		socket = rte_eth_dev_socket_id(port);
		if (socket < 0)
			socket = SOCKET_ID_ANY;
	}
	rxc = di.default_rxconf;
	rxc.offloads = pc.rxmode.offloads;
	for (q = 0; q < conf->nb_rxq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_rxd, (unsigned int)socket, &rxc,
					     conf->rx_pool);
		if (ret != 0)
			return fail(err, errlen, ret, "port %u (%s): RX queue %u (%u descriptors): %s",
				    port, di.driver_name, q, nb_rxd, rte_strerror(-ret));
	}
	txc = di.default_txconf;
	txc.offloads = pc.txmode.offloads;
	for (q = 0; q < conf->nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(port, q, nb_txd, (unsigned int)socket, &txc);
		if (ret != 0)
			return fail(err, errlen, ret, "port %u (%s): TX queue %u (%u descriptors): %s",
				    port, di.driver_name, q, nb_txd, rte_strerror(-ret));
	}
	if (!rte_is_zero_ether_addr(&conf->mac)) {
		struct rte_ether_addr mac = conf->mac;

		ret = rte_eth_dev_default_mac_addr_set(port, &mac);
		if (ret == -ENOTSUP) {
			/* A port that cannot take an address (net_ring): dipc's
			 * frames carry this one, and the port receives every
			 * frame (the frame layer checks the destination). */
			ret = rte_eth_promiscuous_enable(port);
			if (ret != 0 && ret != -ENOTSUP)
				return fail(err, errlen, ret,
					    "port %u (%s): cannot set its MAC address nor receive "
					    "promiscuously: %s", port, di.driver_name,
					    rte_strerror(-ret));
			info->offloads |= DIPC_ETH_PORT_OFL_SOFT_MAC;
		} else if (ret != 0) {
			return fail(err, errlen, ret, "port %u (%s): cannot set MAC address: %s",
				    port, di.driver_name, rte_strerror(-ret));
		}
	}
	if (info->offloads & DIPC_ETH_PORT_OFL_SOFT_MAC) {
		info->mac = conf->mac;
	} else {
		ret = rte_eth_macaddr_get(port, &info->mac);
		if (ret != 0)
			return fail(err, errlen, ret, "port %u (%s): no MAC address: %s", port,
				    di.driver_name, rte_strerror(-ret));
	}
	if (!rte_is_unicast_ether_addr(&info->mac) || rte_is_zero_ether_addr(&info->mac))
		return fail(err, errlen, -EINVAL,
			    "port %u (%s): no unicast MAC address (" RTE_ETHER_ADDR_PRT_FMT
			    "): give it one in the configuration", port, di.driver_name,
			    RTE_ETHER_ADDR_BYTES(&info->mac));
	ret = rte_eth_dev_start(port);
	if (ret != 0)
		return fail(err, errlen, ret, "port %u (%s): start: %s", port, di.driver_name,
			    rte_strerror(-ret));
	snprintf(info->driver, sizeof(info->driver), "%s", di.driver_name);
	info->mtu = conf->mtu;
	info->nb_rxq = conf->nb_rxq;
	info->nb_txq = conf->nb_txq;
	info->nb_rxd = nb_rxd;
	info->nb_txd = nb_txd;
	return 0;
}

int
dipc_eth_port_link_wait(uint16_t port_id, unsigned int timeout_ms)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * timeout_ms / 1000;
	struct rte_eth_link link;
	int ret;

	for (;;) {
		memset(&link, 0, sizeof(link));
		ret = rte_eth_link_get_nowait(port_id, &link);
		if (ret != 0)
			return ret;
		if (link.link_status == RTE_ETH_LINK_UP)
			return 0;
		if (rte_get_timer_cycles() >= deadline)
			return -ETIMEDOUT;
		rte_delay_us_sleep(10000);
	}
}

int
dipc_eth_port_close(uint16_t port_id)
{
	int ret;

	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	ret = rte_eth_dev_stop(port_id);
	if (ret != 0)
		return ret;
	/* Queues (and the mbufs in their descriptors) are released by close. */
	return rte_eth_dev_close(port_id);
}

int
dipc_eth_backlog_init(struct dipc_eth_backlog *b, unsigned int entries,
		      unsigned int max_wait_ms, int socket_id)
{
	memset(b, 0, sizeof(*b));
	if (entries == 0 || entries > 65536 || !rte_is_power_of_2(entries) || max_wait_ms == 0)
		return -EINVAL;
	b->max_wait = rte_get_tsc_hz() / 1000 * max_wait_ms;
	b->f = rte_zmalloc_socket("dipc_eth_backlog", sizeof(struct rte_mbuf *) * entries,
				  RTE_CACHE_LINE_SIZE, socket_id);
	if (b->f == NULL)
		return -ENOMEM;
	b->mask = entries - 1;
	return 0;
}

unsigned int
dipc_eth_backlog_drop(struct dipc_eth_backlog *b)
{
	unsigned int n = 0;

	for (; b->head != b->tail; n++)
		rte_pktmbuf_free(b->f[b->head++ & b->mask]);
	return n;
}

void
dipc_eth_backlog_free(struct dipc_eth_backlog *b)
{
	dipc_eth_backlog_drop(b);
	rte_free(b->f);
	memset(b, 0, sizeof(*b));
}

unsigned int
dipc_eth_backlog_flush(uint16_t port_id, uint16_t queue_id, struct dipc_eth_backlog *b)
{
	unsigned int took = 0;
	uint64_t now;

	/* At most two runs: the oldest to the array's end, then from 0. */
	while (b->head != b->tail) {
		uint32_t at = b->head & b->mask;
		uint32_t run = RTE_MIN(b->tail - b->head, b->mask + 1 - at);
		uint16_t k = rte_eth_tx_burst(port_id, queue_id, b->f + at,
					      (uint16_t)RTE_MIN(run, (uint32_t)UINT16_MAX));

		b->head += k;
		took += k;
		if (k < run)
			break;
	}
	if (took != 0 || b->head == b->tail) {
		b->stuck_at = 0;
		return 0;
	}
	/* The clock only when the queue took nothing. */
	now = rte_get_tsc_cycles();
	if (b->stuck_at == 0) {
		b->stuck_at = now;
		return 0;
	}
	if (now - b->stuck_at < b->max_wait)
		return 0;
	b->stuck_at = 0;
	return dipc_eth_backlog_drop(b);
}

unsigned int
dipc_eth_tx(uint16_t port_id, uint16_t queue_id, struct dipc_eth_backlog *b,
	    struct rte_mbuf **f, unsigned int n)
{
	unsigned int sent = 0, room, keep, lost = 0, tries;

	if (unlikely(b->head != b->tail))
		lost = dipc_eth_backlog_flush(port_id, queue_id, b);
	/* Nothing may overtake what waits. A few more tries first: the
	 * peer often makes room within them, and a frame sent now costs
	 * less than one kept for the next pass (5% of the 16 KB windowed
	 * rate over memif when the backlog took it at the first refusal). */
	if (likely(b->head == b->tail))
		for (tries = 0; sent < n && tries < DIPC_ETH_TX_TRIES; tries++)
			sent += rte_eth_tx_burst(port_id, queue_id, f + sent,
						 (uint16_t)RTE_MIN(n - sent, (unsigned int)UINT16_MAX));
	if (likely(sent == n))
		return lost;
	room = b->mask + 1 - (b->tail - b->head);
	keep = RTE_MIN(room, n - sent);
	for (; keep > 0; keep--)
		b->f[b->tail++ & b->mask] = f[sent++];
	if (sent < n)
		rte_pktmbuf_free_bulk(f + sent, n - sent);
	return lost + (n - sent);
}
