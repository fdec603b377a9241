// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path: frames that enter the extnet device from the local segment.
 *
 * ARP requests and Neighbour Solicitations for mapped addresses are
 * answered here (arp.c, ndisc.c); unicast IPv4 and IPv6 for mapped
 * addresses is tunnelled to the entry's VTEP; everything else is dropped
 * and counted by reason. Nothing is ever flooded to the underlay.
 * Local senders are learned on the way (neigh.c).
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <net/ipv6.h>

#include "device.h"
#include "socket.h"
#include "datapath.h"

/* Checks that a full IPv4 header follows the Ethernet header and that its
 * lengths are consistent with the frame; returns it or NULL.
 */
static const struct iphdr *pull_ip4(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int ihl;

	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*iph)))
		return NULL;
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph))
		return NULL;
	if (!pskb_may_pull(skb, ETH_HLEN + ihl))
		return NULL;
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	if (ntohs(iph->tot_len) < ihl || ntohs(iph->tot_len) > skb->len - ETH_HLEN)
		return NULL;
	return iph;
}

/* Sends @skb to @entry's VTEP and counts it on the entry, or as dropped. */
static void tunnel(struct extnet_dev *priv, struct extnet_entry *entry,
		   struct sk_buff *skb)
{
	unsigned int len = skb->len;
	int ret;

	ret = extnet_socket_send(priv, entry, skb);
	if (unlikely(ret)) {
		/* Too big: answered with ICMP (pmtu.c), counted there. */
		if (ret == -EMSGSIZE)
			return;
		if (ret != -ENOMEM)
			extnet_count(priv, EXTNET_STATS_A_TX_DROP_NO_ROUTE);
		dev_core_stats_tx_dropped_inc(priv->dev);
		return;
	}
	atomic64_inc(&entry->tx_packets);
	atomic64_add(len, &entry->tx_bytes);
}

/**
 * extnet_sender_ok() - check and learn the sender of a frame from the segment
 * @priv: the device
 * @saddr: the sender's address (IPv4 source, ARP or NS sender, NA target);
 *	IPv4 as IPv4-mapped IPv6
 * @mac: the MAC the sender gives for it
 *
 * A local host using an address that lives at another site is a duplicate
 * address or a loop: never learned, never forwarded; the conflict is
 * counted on the mapping entry and reported (extnet_conflict()). A host
 * already known with this MAC passed this check when it was learned, and
 * mapping an address forgets its local neighbour, so only a new sender
 * costs a mapping lookup (extnet_neigh_refresh()). Routed: the source is
 * whatever host the stack forwards for; nothing is learned and every frame
 * is checked.
 *
 * Context: softirq or BH disabled, rcu_read_lock() held.
 * Return: true if the frame may go on; false for a conflict, counted as
 * EXTNET_STATS_A_TX_DROP_CONFLICT.
 */
bool extnet_sender_ok(struct extnet_dev *priv, const struct in6_addr *saddr,
		      const u8 *mac)
{
	struct extnet_entry *entry;

	if (!extnet_routed(priv) && extnet_neigh_refresh(priv, saddr, mac))
		return true;
	entry = extnet_table_lookup(&priv->table, saddr);
	if (unlikely(entry)) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_CONFLICT);
		extnet_conflict(priv, entry, EXTNET_CONFLICT_LOCAL, mac, NULL);
		return false;
	}
	if (!extnet_routed(priv))
		extnet_neigh_learn(priv, saddr, mac);
	return true;
}

static void xmit_ip4(struct extnet_dev *priv, struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);
	struct extnet_entry *entry;
	const struct iphdr *iph;
	union extnet_key saddr;

	if (is_multicast_ether_addr(eth->h_dest)) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_MULTICAST);
		goto drop;
	}
	iph = pull_ip4(skb);
	if (!iph) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_MALFORMED);
		goto drop;
	}
	eth = eth_hdr(skb);

	ipv6_addr_set_v4mapped(iph->saddr, &saddr.addr);
	if (!extnet_sender_ok(priv, &saddr.addr, eth->h_source))
		goto drop;

	entry = extnet_table_lookup4(&priv->table, iph->daddr);
	if (!entry) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_UNMAPPED);
		goto drop;
	}

	tunnel(priv, entry, skb);
	return;

drop:
	dev_core_stats_tx_dropped_inc(priv->dev);
	kfree_skb(skb);
}

/* Checks that a full IPv6 header follows the Ethernet header and that its
 * payload length fits in the frame; returns it or NULL.
 */
static const struct ipv6hdr *pull_ip6(struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h;

	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*ip6h)))
		return NULL;
	ip6h = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
	if (ip6h->version != 6 ||
	    ntohs(ip6h->payload_len) > skb->len - ETH_HLEN - sizeof(*ip6h))
		return NULL;
	return ip6h;
}

/* Whether @skb (IPv6 header at ETH_HLEN) carries Neighbour Discovery or
 * MLD; sets *@icmp_off to its ICMPv6 header.
 */
static bool is_nd6(struct sk_buff *skb, const struct ipv6hdr *ip6h,
		   unsigned int *icmp_off)
{
	u8 nexthdr = ip6h->nexthdr;
	__be16 frag_off;
	int off;

	off = ipv6_skip_exthdr(skb, ETH_HLEN + sizeof(*ip6h), &nexthdr,
			       &frag_off);
	if (off < 0 || nexthdr != IPPROTO_ICMPV6 || frag_off & htons(IP6_OFFSET))
		return false;
	*icmp_off = off;
	return extnet_ndisc_is_nd(skb, off);
}

/* IPv6 from the segment: Neighbour Discovery and MLD to ndisc.c, unicast
 * to a mapped address into the tunnel. Link-local and multicast
 * destinations are never mapped, so they never leave the segment.
 */
static void xmit_ip6(struct extnet_dev *priv, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h;
	struct extnet_entry *entry;
	unsigned int icmp_off;
	const struct ethhdr *eth;

	ip6h = pull_ip6(skb);
	if (!ip6h) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_MALFORMED);
		goto drop;
	}
	if (is_nd6(skb, ip6h, &icmp_off)) {
		extnet_ndisc_xmit(priv, skb, icmp_off);
		return;
	}
	ip6h = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
	eth = eth_hdr(skb);
	if (is_multicast_ether_addr(eth->h_dest) ||
	    ipv6_addr_is_multicast(&ip6h->daddr)) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_MULTICAST);
		goto drop;
	}

	if (!extnet_sender_ok(priv, &ip6h->saddr, eth->h_source))
		goto drop;

	entry = extnet_table_lookup(&priv->table, &ip6h->daddr);
	if (!entry) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_UNMAPPED);
		goto drop;
	}

	tunnel(priv, entry, skb);
	return;

drop:
	dev_core_stats_tx_dropped_inc(priv->dev);
	kfree_skb(skb);
}

/**
 * extnet_xmit() - ndo_start_xmit: a frame from the local segment
 * @skb: the frame, skb->data at its Ethernet header
 * @dev: the extnet device
 *
 * Context: softirq or BH disabled; lockless (NETIF_F_LLTX).
 * Return: NETDEV_TX_OK; the frame is always consumed.
 */
netdev_tx_t extnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct extnet_dev *priv = netdev_priv(dev);
	const struct ethhdr *eth;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		extnet_count(priv, EXTNET_STATS_A_TX_DROP_MALFORMED);
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);

	rcu_read_lock();
	switch (eth->h_proto) {
	case htons(ETH_P_IP):
		xmit_ip4(priv, skb);
		break;
	case htons(ETH_P_ARP):
		extnet_arp_xmit(priv, skb);
		break;
	case htons(ETH_P_IPV6):
		xmit_ip6(priv, skb);
		break;
	default:
		extnet_count(priv, is_multicast_ether_addr(eth->h_dest) ?
			     EXTNET_STATS_A_TX_DROP_MULTICAST :
			     EXTNET_STATS_A_TX_DROP_PROTO);
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
	}
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
