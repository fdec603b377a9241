// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: VXLAN (RFC 7348) from the underlay, delivered to the local
 * host it is addressed to (bridged mode) or to the host's own stack, which
 * routes it (routed mode, see extnet_routed()).
 *
 * A packet, over UDP/IPv4 or UDP/IPv6, is accepted only if its VXLAN header
 * is valid, its VNI is served by a device, its inner frame is IPv4 or IPv6
 * (not Neighbour Discovery or MLD), its inner source is mapped to the VTEP
 * it came from (a peer cannot inject traffic from addresses that do not
 * live behind it) and its inner destination is a unicast host address not
 * itself mapped remote. That last check costs a mapping lookup only for a
 * destination that is not a known local neighbour: a reachable neighbour
 * is never mapped (extnet_neigh_refresh()).
 * The inner MACs are rewritten: the source to what our proxy ARP answers
 * for the sender, the destination to the local host's learned MAC.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/icmpv6.h>
#include <net/gro.h>
#include <net/gro_cells.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "device.h"
#include "socket.h"
#include "datapath.h"
#include "vxlan.h"
#include "pmtu.h"

/* Whether the inner IPv6 packet (header at ETH_HLEN) is ND or MLD. */
static bool rx_is_nd6(struct sk_buff *skb, const struct ipv6hdr *ip6h)
{
	u8 nexthdr = ip6h->nexthdr;
	__be16 frag_off;
	int off;

	off = ipv6_skip_exthdr(skb, ETH_HLEN + sizeof(*ip6h), &nexthdr,
			       &frag_off);
	return off >= 0 && nexthdr == IPPROTO_ICMPV6 &&
	       !(frag_off & htons(IP6_OFFSET)) && extnet_ndisc_is_nd(skb, off);
}

/* The checks of an inner IPv6 packet: returns 0 and its source entry, the
 * VTEP it was checked against (read once: a replace may change it) and its
 * destination, or the counter to drop it with.
 */
static enum extnet_stats_attr rx_check6(struct extnet_dev *priv,
					struct sk_buff *skb,
					const struct in6_addr *outer_saddr,
					struct extnet_entry **src,
					struct extnet_vtep **vtep,
					struct in6_addr *daddr)
{
	const struct ipv6hdr *ip6h;

	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*ip6h)))
		return EXTNET_STATS_A_RX_DROP_MALFORMED;
	ip6h = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
	if (ip6h->version != 6 ||
	    ntohs(ip6h->payload_len) > skb->len - ETH_HLEN - sizeof(*ip6h))
		return EXTNET_STATS_A_RX_DROP_MALFORMED;

	*src = extnet_table_lookup(&priv->table, &ip6h->saddr);
	if (!*src)
		return EXTNET_STATS_A_RX_DROP_SPOOFED;
	*vtep = extnet_entry_vtep(*src);
	if (!ipv6_addr_equal(&(*vtep)->addr6, outer_saddr)) {
		/* Claimed by another VTEP than the one it is mapped to. */
		extnet_conflict(priv, *src, EXTNET_CONFLICT_TUNNEL,
				eth_hdr(skb)->h_source, outer_saddr);
		return EXTNET_STATS_A_RX_DROP_SPOOFED;
	}
	*daddr = ip6h->daddr;
	if (!extnet_addr6_is_host(daddr))
		return EXTNET_STATS_A_RX_DROP_MULTICAST;
	/* Neighbour Discovery stays on its link at either end. */
	if (rx_is_nd6(skb, ip6h))
		return EXTNET_STATS_A_RX_DROP_PROTO;
	return 0;
}

/* The destination MAC, the device's view of the frame and its counters. */
static void rx_prepare(struct extnet_dev *priv, struct sk_buff *skb,
		       const u8 *dst_mac)
{
	ether_addr_copy(eth_hdr(skb)->h_dest, dst_mac);
	skb->protocol = eth_type_trans(skb, priv->dev);
	dev_sw_netstats_rx_add(priv->dev, skb->len + ETH_HLEN);
}

/**
 * extnet_rx_deliver() - hand a decapsulated frame to the local segment
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header (writable)
 * @dst_mac: the local host's MAC
 *
 * Queues the frame through GRO (gro_cells), which is safe from any context
 * with BH disabled, including the transmit path (packets held while a
 * neighbour was resolved). The receive path uses extnet_rx_receive().
 *
 * Context: softirq or BH disabled. Consumes @skb.
 */
void extnet_rx_deliver(struct extnet_dev *priv, struct sk_buff *skb,
		       const u8 *dst_mac)
{
	rx_prepare(priv, skb, dst_mac);
	gro_cells_receive(&priv->gro_cells, skb);
}

/* Whether @skb (network header set, linear up to it) goes through GRO:
 * TCP, which GRO merges into aggregates of up to 64 KB (and the pure ACKs
 * and control segments of the same flows, which must not overtake their
 * data). UDP, ICMP and the rest GRO would only parse and flush: the device
 * forwards no UDP through GRO (no NETIF_F_GRO_UDP_FWD or
 * NETIF_F_GRO_FRAGLIST). Every packet of a flow takes the same way, so
 * none overtakes another.
 */
static bool rx_wants_gro(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ip_hdr(skb)->protocol == IPPROTO_TCP;
	return ipv6_hdr(skb)->nexthdr == IPPROTO_TCP;
}

/**
 * extnet_rx_receive() - hand a decapsulated frame on, from the receive path
 * @priv: the device
 * @skb: the inner IPv4 or IPv6 frame, skb->data at its MAC header
 *	(writable), skb->protocol and its network header set
 * @dst_mac: the local host's MAC
 *
 * As extnet_rx_deliver(), but a frame GRO has nothing to do with goes to
 * the bridge (or the stack) at once, in this softirq, instead of through
 * another NAPI round: for small packets that round costs more than the
 * rest of the decapsulation.
 *
 * Context: softirq, from the tunnel socket's encap_rcv only (never from
 * the transmit path: a bridge would see its own frames re-enter). Consumes
 * @skb.
 */
void extnet_rx_receive(struct extnet_dev *priv, struct sk_buff *skb,
		       const u8 *dst_mac)
{
	bool gro = rx_wants_gro(skb);

	rx_prepare(priv, skb, dst_mac);
	if (gro)
		gro_cells_receive(&priv->gro_cells, skb);
	else
		netif_receive_skb(skb);
}

/* Returns what encap_rcv returns for a consumed packet. */
static int rx_drop(struct extnet_dev *priv, struct sk_buff *skb,
		   enum extnet_stats_attr why)
{
	extnet_count(priv, why);
	dev_core_stats_rx_dropped_inc(priv->dev);
	kfree_skb(skb);
	return 0;
}

/* The checks of an inner IPv4 packet, as rx_check6(). */
static enum extnet_stats_attr rx_check4(struct extnet_dev *priv,
					struct sk_buff *skb,
					const struct in6_addr *outer_saddr,
					struct extnet_entry **src,
					struct extnet_vtep **vtep,
					struct in6_addr *daddr)
{
	const struct iphdr *iph;

	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*iph)))
		return EXTNET_STATS_A_RX_DROP_MALFORMED;
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	if (iph->version != 4 || iph->ihl < 5 ||
	    ntohs(iph->tot_len) < iph->ihl * 4 ||
	    ntohs(iph->tot_len) > skb->len - ETH_HLEN)
		return EXTNET_STATS_A_RX_DROP_MALFORMED;

	*src = extnet_table_lookup4(&priv->table, iph->saddr);
	if (!*src)
		return EXTNET_STATS_A_RX_DROP_SPOOFED;
	*vtep = extnet_entry_vtep(*src);
	if (!ipv6_addr_equal(&(*vtep)->addr6, outer_saddr)) {
		/* Claimed by another VTEP than the one it is mapped to. */
		extnet_conflict(priv, *src, EXTNET_CONFLICT_TUNNEL,
				eth_hdr(skb)->h_source, outer_saddr);
		return EXTNET_STATS_A_RX_DROP_SPOOFED;
	}
	/* Nothing but unicast to one host crosses, in either direction; and
	 * we could never resolve such a destination anyway.
	 */
	if (!extnet_addr4_is_host(iph->daddr))
		return EXTNET_STATS_A_RX_DROP_MULTICAST;
	ipv6_addr_set_v4mapped(iph->daddr, daddr);
	return 0;
}

/**
 * extnet_udp_encap_recv() - encap_rcv of the tunnel socket: one VXLAN packet
 * @sk: the UDP tunnel socket
 * @skb: the packet, skb->data at its UDP header
 *
 * Context: softirq, rcu_read_lock() held.
 * Return: 0: the packet is always consumed.
 */
int extnet_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct extnet_sock *es = rcu_dereference_sk_user_data(sk);
	union extnet_key outer_saddr, daddr;
	enum extnet_stats_attr why;
	struct extnet_vtep *vtep;
	struct extnet_entry *src;
	struct extnet_dev *priv;
	struct vxlanhdr *vxh;
	u8 outer_tos, inner_tos;
	unsigned int len;
	int hdr_err, ret;
	u32 vni;

	if (unlikely(!es))
		goto drop;
	if (!pskb_may_pull(skb, VXLAN_HLEN)) {
		atomic_long_inc(&es->rx_malformed);
		goto drop;
	}
	vxh = vxlan_hdr(skb);
	hdr_err = extnet_vxlan_parse(vxh, &vni);
	if (hdr_err == -EINVAL) {
		atomic_long_inc(&es->rx_malformed);
		goto drop;
	}
	priv = extnet_socket_find_vni(es, vni);
	if (!priv) {
		atomic_long_inc(&es->rx_unknown_vni);
		goto drop;
	}
	if (hdr_err)
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);

	if (sk->sk_family == AF_INET6) {
		outer_saddr.addr = ipv6_hdr(skb)->saddr;
		outer_tos = ipv6_get_dsfield(ipv6_hdr(skb));
	} else {
		ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, &outer_saddr.addr);
		outer_tos = ip_hdr(skb)->tos;
	}
	if (__iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB), false,
				   false))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);

	/* From here skb->data is at the inner Ethernet header. */
	if (!pskb_may_pull(skb, ETH_HLEN))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);
	/* eth_type_trans() will pull the header without updating a
	 * CHECKSUM_COMPLETE sum (vxlan and geneve fix it up after it): take
	 * it out now, before both MACs are rewritten.
	 */
	skb_postpull_rcsum(skb, skb->data, ETH_HLEN);
	skb_reset_mac_header(skb);
	switch (eth_hdr(skb)->h_proto) {
	case htons(ETH_P_IP):
		why = rx_check4(priv, skb, &outer_saddr.addr, &src,
				&vtep, &daddr.addr);
		skb->protocol = htons(ETH_P_IP);
		break;
	case htons(ETH_P_IPV6):
		why = rx_check6(priv, skb, &outer_saddr.addr, &src,
				&vtep, &daddr.addr);
		skb->protocol = htons(ETH_P_IPV6);
		break;
	default:
		why = EXTNET_STATS_A_RX_DROP_PROTO;
	}
	if (why)
		return rx_drop(priv, skb, why);
	/* The bridge would drop it silently; count it. GRO packets are
	 * segmented to the MTU on their way out. A routing host fragments or
	 * answers "too big" itself.
	 */
	if (!extnet_routed(priv) && !skb_is_gso(skb) &&
	    skb->len - ETH_HLEN > READ_ONCE(priv->dev->mtu))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_OVERSIZE);

	/* We rewrite both MACs and maybe the ECN field. */
	if (skb_ensure_writable(skb, ETH_HLEN +
				(skb->protocol == htons(ETH_P_IP) ?
				 sizeof(struct iphdr) :
				 sizeof(struct ipv6hdr))))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);
	skb_set_network_header(skb, ETH_HLEN);
	if (skb->protocol == htons(ETH_P_IP))
		inner_tos = ip_hdr(skb)->tos;
	else
		inner_tos = ipv6_get_dsfield(ipv6_hdr(skb));
	if (INET_ECN_decapsulate(skb, outer_tos, inner_tos) > 1)
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);
	extnet_mss_clamp(priv, skb, vtep, NULL);

	if (!extnet_entry_lladdr(src, eth_hdr(skb)->h_source))
		ether_addr_copy(eth_hdr(skb)->h_source, priv->dev->dev_addr);
	len = skb->len;
	skb->dev = priv->dev;
	if (extnet_routed(priv)) {
		/* To the host's own stack, which routes it (no probing). */
		if (extnet_table_lookup(&priv->table, &daddr.addr))
			return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_LOOP);
		extnet_rx_receive(priv, skb, priv->dev->dev_addr);
	} else {
		ret = extnet_neigh_output(priv, skb, &daddr.addr);
		/* Not a known host here, and mapped remote: a loop. */
		if (ret == -ELOOP)
			return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_LOOP);
		/* Dropped and counted: no room to hold it for a probe. */
		if (ret)
			return 0;
	}
	/* Sent, or held for its host. @src stays valid until
	 * rcu_read_unlock().
	 */
	atomic64_inc(&src->rx_packets);
	atomic64_add(len, &src->rx_bytes);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

/**
 * extnet_gro_receive() - gro_receive of the tunnel socket
 * @sk: the UDP tunnel socket
 * @head: packets being merged
 * @skb: the new packet, GRO offset at the VXLAN header
 *
 * Merges packets of one VNI and hands the inner frame to Ethernet GRO, as
 * the kernel's vxlan does.
 *
 * Context: softirq (GRO).
 * Return: a packet to flush or NULL.
 */
struct sk_buff *extnet_gro_receive(struct sock *sk, struct list_head *head,
				   struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	struct sk_buff *pp = NULL, *p;
	const struct vxlanhdr *vxh;
	int flush = 1;
	u32 vni;

	vxh = skb_gro_header(skb, off + sizeof(*vxh), off);
	if (!vxh || extnet_vxlan_parse(vxh, &vni))
		goto out;

	skb_gro_postpull_rcsum(skb, vxh, sizeof(*vxh));
	skb_gro_pull(skb, sizeof(*vxh));
	list_for_each_entry(p, head, list) {
		const struct vxlanhdr *vxh2;

		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vxh2 = (const struct vxlanhdr *)(p->data + off);
		if (vxh->vx_vni != vxh2->vx_vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	pp = call_gro_receive(eth_gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

/**
 * extnet_gro_complete() - gro_complete of the tunnel socket
 * @sk: the UDP tunnel socket
 * @skb: the merged packet
 * @nhoff: offset of the VXLAN header
 *
 * Context: softirq (GRO).
 * Return: 0 or a negative error from Ethernet GRO.
 */
int extnet_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	return eth_gro_complete(skb, nhoff + sizeof(struct vxlanhdr));
}
