// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: VXLAN (RFC 7348) from the underlay, delivered to the local
 * host it is addressed to.
 *
 * A packet is accepted only if its VXLAN header is valid, its VNI is served
 * by a device, its inner frame is IPv4, its inner source is mapped to the
 * VTEP it came from (a peer cannot inject traffic from addresses that do not
 * live behind it) and its inner destination is not itself mapped remote.
 * The inner MACs are rewritten: the source to what our proxy ARP answers
 * for the sender, the destination to the local host's learned MAC.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
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

/**
 * extnet_rx_deliver() - hand a decapsulated frame to the local segment
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header (writable)
 * @dst_mac: the local host's MAC
 *
 * Context: softirq or BH disabled. Consumes @skb.
 */
void extnet_rx_deliver(struct extnet_dev *priv, struct sk_buff *skb,
		       const u8 *dst_mac)
{
	ether_addr_copy(eth_hdr(skb)->h_dest, dst_mac);
	skb->protocol = eth_type_trans(skb, priv->dev);
	dev_sw_netstats_rx_add(priv->dev, skb->len + ETH_HLEN);
	gro_cells_receive(&priv->gro_cells, skb);
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
	struct extnet_entry *src;
	const struct iphdr *iph;
	struct extnet_dev *priv;
	struct vxlanhdr *vxh;
	__be32 outer_saddr;
	u8 outer_tos;
	int hdr_err;
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

	outer_saddr = ip_hdr(skb)->saddr;
	outer_tos = ip_hdr(skb)->tos;
	if (__iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB), false,
				   false))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);

	/* From here skb->data is at the inner Ethernet header. */
	if (!pskb_may_pull(skb, ETH_HLEN))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);
	skb_reset_mac_header(skb);
	if (eth_hdr(skb)->h_proto != htons(ETH_P_IP))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_PROTO);
	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*iph)))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	if (iph->version != 4 || iph->ihl < 5 ||
	    ntohs(iph->tot_len) < iph->ihl * 4 ||
	    ntohs(iph->tot_len) > skb->len - ETH_HLEN)
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);

	src = extnet_table_lookup4(&priv->table, iph->saddr);
	if (!src)
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_SPOOFED);
	if (src->vtep->addr4 != outer_saddr) {
		/* Claimed by another VTEP than the one it is mapped to. */
		extnet_conflict(priv, src, EXTNET_CONFLICT_TUNNEL,
				eth_hdr(skb)->h_source, outer_saddr);
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_SPOOFED);
	}
	if (extnet_table_lookup4(&priv->table, iph->daddr))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_LOOP);
	/* Nothing but unicast to one host crosses, in either direction; and
	 * we could never resolve such a destination anyway.
	 */
	if (!extnet_addr4_is_host(iph->daddr))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MULTICAST);
	/* The bridge would drop it silently; count it. GRO packets are
	 * segmented to the MTU on their way out.
	 */
	if (!skb_is_gso(skb) &&
	    skb->len - ETH_HLEN > READ_ONCE(priv->dev->mtu))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_OVERSIZE);

	/* We rewrite both MACs and maybe the ECN field. */
	if (skb_ensure_writable(skb, ETH_HLEN + sizeof(*iph)))
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	skb->protocol = htons(ETH_P_IP);
	skb_set_network_header(skb, ETH_HLEN);
	if (INET_ECN_decapsulate(skb, outer_tos, iph->tos) > 1)
		return rx_drop(priv, skb, EXTNET_STATS_A_RX_DROP_MALFORMED);

	ether_addr_copy(eth_hdr(skb)->h_source,
			src->has_lladdr ? src->lladdr : priv->dev->dev_addr);
	atomic64_inc(&src->rx_packets);
	atomic64_add(skb->len, &src->rx_bytes);
	skb->dev = priv->dev;
	extnet_neigh_output4(priv, skb, iph->daddr);
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
