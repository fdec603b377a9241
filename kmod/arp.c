// SPDX-License-Identifier: GPL-2.0
/*
 * Proxy ARP (RFC 826, RFC 1027) for mapped addresses, and ARP probes
 * (RFC 5227 §2.1.1) to find local hosts.
 *
 * ARP never crosses the tunnel: requests for mapped addresses are answered
 * here, replies to our probes are consumed here, the rest is dropped.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <net/arp.h>

#include "device.h"
#include "datapath.h"

/* The IPv4-over-Ethernet ARP packet (RFC 826). */
struct arp_eth_ip4 {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

/* Sends a frame built by arp_create() into the local segment, as if it came
 * from the remote side of the device. arp_create() left skb->data at the
 * Ethernet header it wrote, with skb->dev and skb->protocol set; so, as the
 * kernel's vxlan does with its proxy ARP replies (arp_reduce()), the
 * receive side's view is set here directly: eth_type_trans() would only
 * parse that header again. @pkt_type: PACKET_BROADCAST for our requests,
 * PACKET_HOST for a reply (to a host of the segment, or to this host in
 * routed use). A frame the backlog refuses is counted in the device's
 * rx_dropped by netif_rx() itself.
 */
static void inject(struct sk_buff *skb, u8 pkt_type)
{
	skb_reset_mac_header(skb);
	__skb_pull(skb, skb_network_offset(skb));
	skb->pkt_type = pkt_type;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	netif_rx(skb);
}

/* Returns the ARP packet of a frame (skb->data at its Ethernet header) if
 * it is a complete IPv4-over-Ethernet one from a unicast sender, else NULL.
 * The operation is left to the caller.
 */
static const struct arp_eth_ip4 *arp_pull(struct sk_buff *skb)
{
	const struct arp_eth_ip4 *arp;

	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*arp)))
		return NULL;
	arp = (const struct arp_eth_ip4 *)(skb->data + ETH_HLEN);
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4 ||
	    !is_valid_ether_addr(arp->sha))
		return NULL;
	return arp;
}

/* Builds the answer to @req for a mapped address: from the entry's lladdr,
 * or the device's MAC, to the requester.
 */
static struct sk_buff *reply_create(struct net_device *dev,
				    const struct arp_eth_ip4 *req,
				    const struct extnet_entry *entry)
{
	u8 lladdr[ETH_ALEN];
	const u8 *mac = extnet_entry_lladdr(entry, lladdr) ? lladdr :
							     dev->dev_addr;

	return arp_create(ARPOP_REPLY, ETH_P_ARP, req->sip, dev, req->tip,
			  req->sha, mac, req->sha);
}

static void reply(struct extnet_dev *priv, const struct arp_eth_ip4 *req,
		  const struct extnet_entry *entry)
{
	struct sk_buff *skb = reply_create(priv->dev, req, entry);

	if (!skb)
		return;
	inject(skb, PACKET_HOST);
	extnet_count(priv, EXTNET_STATS_A_ARP_REPLIES);
}

/**
 * extnet_arp_xmit() - handle an ARP frame from the local segment
 * @priv: the device
 * @skb: the frame, skb->data at its Ethernet header
 *
 * Learns the sender. Answers a request (or an RFC 5227 probe) whose target
 * is mapped with a reply giving the entry's lladdr or the device's MAC.
 * A reply to the device (to one of our probes) is consumed. The rest is
 * dropped and counted; a sender claiming a mapped address is a conflict.
 *
 * Context: softirq or BH disabled, rcu_read_lock() held. Consumes @skb.
 */
void extnet_arp_xmit(struct extnet_dev *priv, struct sk_buff *skb)
{
	const struct arp_eth_ip4 *arp;
	const struct ethhdr *eth;
	struct extnet_entry *entry;
	enum extnet_stats_attr why;

	arp = arp_pull(skb);
	if (!arp) {
		why = EXTNET_STATS_A_TX_DROP_MALFORMED;
		goto drop;
	}
	eth = eth_hdr(skb);

	if (arp->sip) {
		union extnet_key sip;

		ipv6_addr_set_v4mapped(arp->sip, &sip.addr);
		if (!extnet_sender_ok(priv, &sip.addr, arp->sha))
			goto drop_counted;
	}

	switch (arp->hdr.ar_op) {
	case htons(ARPOP_REQUEST):
		if (arp->sip == arp->tip) {
			why = EXTNET_STATS_A_TX_DROP_ARP_OTHER; /* gratuitous */
			goto drop;
		}
		entry = extnet_table_lookup4(&priv->table, arp->tip);
		if (!entry) {
			why = EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED;
			goto drop;
		}
		reply(priv, arp, entry);
		consume_skb(skb);
		return;
	case htons(ARPOP_REPLY):
		/* Answers to our probes: learned above, nothing to forward. */
		if (ether_addr_equal(eth->h_dest, priv->dev->dev_addr) &&
		    arp->sip) {
			consume_skb(skb);
			return;
		}
		fallthrough;
	default:
		why = EXTNET_STATS_A_TX_DROP_ARP_OTHER;
	}
drop:
	extnet_count(priv, why);
drop_counted:
	dev_core_stats_tx_dropped_inc(priv->dev);
	kfree_skb(skb);
}

/**
 * extnet_arp_probe() - ask the local segment who has an address
 * @priv: the device
 * @tip: the address, network order
 *
 * Broadcasts an ARP request from the device's MAC with the configured
 * probe source as sender address (0.0.0.0 by default: an RFC 5227 probe,
 * which no host caches). The answer reaches extnet_arp_xmit().
 *
 * Context: any (uses netif_rx()).
 */
void extnet_arp_probe(struct extnet_dev *priv, __be32 tip)
{
	struct net_device *dev = priv->dev;
	struct sk_buff *skb;

	skb = arp_create(ARPOP_REQUEST, ETH_P_ARP, tip, dev,
			 READ_ONCE(priv->cfg.probe_src4), NULL, dev->dev_addr,
			 NULL);
	if (!skb)
		return;
	inject(skb, PACKET_BROADCAST);
	extnet_count(priv, EXTNET_STATS_A_PROBES);
}

/**
 * extnet_arp_announce() - tell the local segment where an address is now
 * @priv: the device
 * @addr: the address, network order; it lives at another site now
 * @mac: the MAC to give for it: its entry's lladdr or the device's MAC
 *
 * Broadcasts an ARP Announcement (RFC 5227 §3): a request whose sender and
 * target protocol addresses are both @addr, sender hardware address @mac
 * and target hardware address zero. Hosts that cache @addr update the
 * entry to @mac (RFC 826 merge); hosts that do not, create nothing.
 * Counted in EXTNET_STATS_A_ANNOUNCES.
 *
 * Context: any (uses netif_rx()).
 */
void extnet_arp_announce(struct extnet_dev *priv, __be32 addr, const u8 *mac)
{
	struct sk_buff *skb;

	skb = arp_create(ARPOP_REQUEST, ETH_P_ARP, addr, priv->dev, addr, NULL,
			 mac, NULL);
	if (!skb)
		return;
	inject(skb, PACKET_BROADCAST);
	extnet_count(priv, EXTNET_STATS_A_ANNOUNCES);
}
