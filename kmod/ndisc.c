// SPDX-License-Identifier: GPL-2.0
/*
 * Proxy Neighbour Discovery (RFC 4861) for mapped IPv6 addresses, and
 * Neighbour Solicitation probes to find local hosts: the IPv6 counterpart
 * of arp.c.
 *
 * Neighbour Discovery and Multicast Listener Discovery never cross the
 * tunnel. A Neighbour Solicitation for a mapped address is answered here
 * with a Neighbour Advertisement (RFC 4861 §7.2.4); Neighbour
 * Advertisements from local hosts are snooped to learn them (and answer our
 * probes); Router Solicitations and Advertisements, Redirects and MLD are
 * dropped and counted.
 */
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <net/addrconf.h>
#include <net/ip6_checksum.h>
#include <net/ndisc.h>

#include "device.h"
#include "datapath.h"

/* Offsets below are from skb->data, at the Ethernet header. */
#define ND_IP6_OFF ETH_HLEN
#define ND_ICMP_OFF (ETH_HLEN + sizeof(struct ipv6hdr))

/**
 * struct nd_info - what a valid Neighbour Solicitation or Advertisement says
 * @saddr: IPv6 source
 * @daddr: IPv6 destination
 * @target: target address
 * @lladdr: source (NS) or target (NA) link-layer address option, or NULL;
 *	points into the skb
 * @na_flags: the first word of an NA (router, solicited, override flags)
 */
struct nd_info {
	struct in6_addr saddr;
	struct in6_addr daddr;
	struct in6_addr target;
	const u8 *lladdr;
	__be32 na_flags;
};

/* Sends a frame we built into the local segment, as if it came from the
 * remote side of the device. A frame the backlog refuses is counted in the
 * device's rx_dropped by netif_rx() itself.
 */
static void nd_inject(struct extnet_dev *priv, struct sk_buff *skb)
{
	skb->protocol = eth_type_trans(skb, priv->dev);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	netif_rx(skb);
}

/**
 * extnet_ndisc_is_nd() - whether an ICMPv6 message is ND or MLD
 * @skb: the frame, skb->data at its Ethernet header
 * @icmp_off: offset of the ICMPv6 header from skb->data
 *
 * Neighbour Discovery is ICMPv6 types 133-137 (RFC 4861 §4), Multicast
 * Listener Discovery types 130-132 (RFC 2710) and 143 (RFC 3810).
 *
 * Context: any.
 * Return: true if the message must be handled by extnet_ndisc_xmit().
 */
bool extnet_ndisc_is_nd(const struct sk_buff *skb, unsigned int icmp_off)
{
	u8 _type;
	const u8 *type = skb_header_pointer(skb, icmp_off, sizeof(_type),
					    &_type);

	if (!type)
		return false;
	switch (*type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case ICMPV6_MLD2_REPORT:
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case NDISC_REDIRECT:
		return true;
	}
	return false;
}

/* Validates a Neighbour Solicitation or Advertisement (RFC 4861 §7.1.1 and
 * §7.1.2) whose ICMPv6 header is at ND_ICMP_OFF, and fills @nd. Returns 0
 * or -EINVAL. The message is made linear. Extension headers are refused:
 * no host puts any before NS or NA, and RFC 6980 forbids fragments.
 */
static int nd_parse(struct sk_buff *skb, struct nd_info *nd)
{
	const struct ipv6hdr *ip6h;
	const struct nd_msg *msg;
	unsigned int len, off;
	const u8 *opt;
	u8 type;

	if (!pskb_may_pull(skb, ND_ICMP_OFF))
		return -EINVAL;
	ip6h = (const struct ipv6hdr *)(skb->data + ND_IP6_OFF);
	if (ip6h->nexthdr != IPPROTO_ICMPV6 || ip6h->hop_limit != 255)
		return -EINVAL;
	len = ntohs(ip6h->payload_len);
	if (len < sizeof(*msg) || len > skb->len - ND_ICMP_OFF ||
	    !pskb_may_pull(skb, ND_ICMP_OFF + len))
		return -EINVAL;
	ip6h = (const struct ipv6hdr *)(skb->data + ND_IP6_OFF);
	msg = (const struct nd_msg *)(skb->data + ND_ICMP_OFF);
	type = msg->icmph.icmp6_type;
	if (msg->icmph.icmp6_code ||
	    csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, IPPROTO_ICMPV6,
			    csum_partial(msg, len, 0)))
		return -EINVAL;
	if (ipv6_addr_is_multicast(&msg->target) ||
	    ipv6_addr_is_multicast(&ip6h->saddr))
		return -EINVAL;

	nd->saddr = ip6h->saddr;
	nd->daddr = ip6h->daddr;
	nd->target = msg->target;
	nd->na_flags = msg->icmph.icmp6_dataun.un_data32[0];
	nd->lladdr = NULL;

	/* Options (RFC 4861 §4.6): 8-byte units, none of length 0. */
	for (off = sizeof(*msg); off < len; off += opt[1] * 8) {
		opt = msg->opt + off - sizeof(*msg);
		if (len - off < 2 || !opt[1] || opt[1] * 8 > len - off)
			return -EINVAL;
		if (opt[1] != 1)
			continue;
		if ((type == NDISC_NEIGHBOUR_SOLICITATION &&
		     opt[0] == ND_OPT_SOURCE_LL_ADDR) ||
		    (type == NDISC_NEIGHBOUR_ADVERTISEMENT &&
		     opt[0] == ND_OPT_TARGET_LL_ADDR))
			nd->lladdr = opt + 2;
	}

	if (type == NDISC_NEIGHBOUR_SOLICITATION &&
	    ipv6_addr_any(&nd->saddr) &&
	    (!ipv6_addr_is_solict_mult(&nd->daddr) || nd->lladdr))
		return -EINVAL;
	/* RFC 4861 §7.1.2: a solicited NA is never multicast. */
	if (type == NDISC_NEIGHBOUR_ADVERTISEMENT &&
	    (nd->na_flags & htonl(1U << 30)) &&
	    ipv6_addr_is_multicast(&nd->daddr))
		return -EINVAL;
	return 0;
}

/* Builds an NS or NA from @eth_src to @eth_dst, @saddr to @daddr, with a
 * link-layer address option of @opt_type giving @lladdr unless @lladdr is
 * NULL. skb->data is at the Ethernet header.
 */
static struct sk_buff *nd_build(struct net_device *dev, const u8 *eth_dst,
				const u8 *eth_src,
				const struct in6_addr *saddr,
				const struct in6_addr *daddr, u8 type,
				__be32 flags, const struct in6_addr *target,
				u8 opt_type, const u8 *lladdr)
{
	unsigned int len = sizeof(struct nd_msg) + (lladdr ? 8 : 0);
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct nd_msg *msg;
	struct ethhdr *eth;

	skb = netdev_alloc_skb_ip_align(dev, ND_ICMP_OFF + len);
	if (!skb)
		return NULL;
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, eth_dst);
	ether_addr_copy(eth->h_source, eth_src);
	eth->h_proto = htons(ETH_P_IPV6);

	skb_set_network_header(skb, ND_IP6_OFF);
	ip6h = skb_put(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(len);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 255;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;

	msg = skb_put_zero(skb, len);
	msg->icmph.icmp6_type = type;
	msg->icmph.icmp6_dataun.un_data32[0] = flags;
	msg->target = *target;
	if (lladdr) {
		msg->opt[0] = opt_type;
		msg->opt[1] = 1;
		ether_addr_copy(&msg->opt[2], lladdr);
	}
	msg->icmph.icmp6_cksum = csum_ipv6_magic(saddr, daddr, len,
						 IPPROTO_ICMPV6,
						 csum_partial(msg, len, 0));
	return skb;
}

/* The answer (RFC 4861 §7.2.4) to the NS @ns, received from @ns_mac, for
 * the mapped @entry: from the target address and the entry's lladdr or the
 * device's MAC. To the solicitor with the Solicited flag, or to all nodes
 * without it if the solicitor is still verifying its own address (source
 * ::, RFC 4862 §5.4.3: the address is in use at the remote site). Router
 * flag clear (mapped addresses are hosts), Override flag clear as a proxy
 * must (RFC 4861 §7.2.8), so that a host's own answer wins.
 */
static struct sk_buff *na_create(struct net_device *dev,
				 const struct nd_info *ns, const u8 *ns_mac,
				 const struct extnet_entry *entry)
{
	u8 lladdr[ETH_ALEN];
	const u8 *mac = extnet_entry_lladdr(entry, lladdr) ? lladdr :
							     dev->dev_addr;
	struct icmp6hdr flags = {};
	u8 all_nodes_mac[ETH_ALEN];
	const struct in6_addr *daddr;

	if (ipv6_addr_any(&ns->saddr)) {
		daddr = &in6addr_linklocal_allnodes;
		ipv6_eth_mc_map(daddr, all_nodes_mac);
		ns_mac = all_nodes_mac;
	} else {
		daddr = &ns->saddr;
		flags.icmp6_solicited = 1;
		if (ns->lladdr)
			ns_mac = ns->lladdr;
	}
	return nd_build(dev, ns_mac, mac, &ns->target, daddr,
			NDISC_NEIGHBOUR_ADVERTISEMENT,
			flags.icmp6_dataun.un_data32[0], &ns->target,
			ND_OPT_TARGET_LL_ADDR, mac);
}

static void ns_xmit(struct extnet_dev *priv, struct sk_buff *skb)
{
	struct extnet_entry *entry;
	struct sk_buff *reply;
	enum extnet_stats_attr why;
	struct nd_info ns;
	const u8 *ns_mac;

	if (nd_parse(skb, &ns)) {
		why = EXTNET_STATS_A_TX_DROP_MALFORMED;
		goto drop;
	}
	ns_mac = eth_hdr(skb)->h_source;
	if (!is_valid_ether_addr(ns_mac) ||
	    (ns.lladdr && !is_valid_ether_addr(ns.lladdr))) {
		why = EXTNET_STATS_A_TX_DROP_MALFORMED;
		goto drop;
	}

	if (!ipv6_addr_any(&ns.saddr)) {
		entry = extnet_table_lookup(&priv->table, &ns.saddr);
		if (entry) {
			extnet_conflict(priv, entry, EXTNET_CONFLICT_LOCAL,
					ns_mac, NULL);
			why = EXTNET_STATS_A_TX_DROP_CONFLICT;
			goto drop;
		}
		/* Routed: the host's own solicitations, never learned. */
		if (ns.lladdr && !extnet_routed(priv))
			extnet_neigh_learn(priv, &ns.saddr, ns.lladdr);
	}

	entry = extnet_table_lookup(&priv->table, &ns.target);
	if (!entry) {
		why = EXTNET_STATS_A_TX_DROP_ND_UNMAPPED;
		goto drop;
	}
	reply = na_create(priv->dev, &ns, ns_mac, entry);
	if (reply) {
		nd_inject(priv, reply);
		extnet_count(priv, EXTNET_STATS_A_NA_REPLIES);
	}
	consume_skb(skb);
	return;

drop:
	extnet_count(priv, why);
	dev_core_stats_tx_dropped_inc(priv->dev);
	kfree_skb(skb);
}

/* A local host advertises an address: learn it (this also answers our
 * probes), unless it claims a mapped one.
 */
static void na_xmit(struct extnet_dev *priv, struct sk_buff *skb)
{
	struct extnet_entry *entry;
	enum extnet_stats_attr why;
	struct nd_info na;

	if (nd_parse(skb, &na) ||
	    (na.lladdr && !is_valid_ether_addr(na.lladdr))) {
		why = EXTNET_STATS_A_TX_DROP_MALFORMED;
		goto drop;
	}
	entry = extnet_table_lookup(&priv->table, &na.target);
	if (entry) {
		extnet_conflict(priv, entry, EXTNET_CONFLICT_LOCAL,
				eth_hdr(skb)->h_source, NULL);
		why = EXTNET_STATS_A_TX_DROP_CONFLICT;
		goto drop;
	}
	if (na.lladdr && !extnet_routed(priv))
		extnet_neigh_learn(priv, &na.target, na.lladdr);
	consume_skb(skb);
	return;

drop:
	extnet_count(priv, why);
	dev_core_stats_tx_dropped_inc(priv->dev);
	kfree_skb(skb);
}

/**
 * extnet_ndisc_xmit() - handle an ND or MLD message from the local segment
 * @priv: the device
 * @skb: the frame, skb->data at its Ethernet header
 * @icmp_off: offset of the ICMPv6 header from skb->data, after any IPv6
 *	extension headers (extnet_ndisc_is_nd() was true)
 *
 * A Neighbour Solicitation (validated as RFC 4861 §7.1.1 says: hop limit
 * 255, ICMPv6 checksum, code 0, length, target not multicast, options of
 * non-zero length, no source link-layer option from ::) teaches the
 * solicitor's address and MAC, and if its target is mapped is answered
 * with a proxy Neighbour Advertisement (counter NA_REPLIES); else it is
 * dropped (TX_DROP_ND_UNMAPPED). A Neighbour Advertisement (RFC 4861
 * §7.1.2) teaches its target and link-layer option and is consumed. A
 * sender claiming a mapped address is a conflict (TX_DROP_CONFLICT).
 * Invalid NS or NA count as TX_DROP_MALFORMED; router and redirect
 * messages and MLD as TX_DROP_ND_OTHER. Nothing is tunnelled.
 *
 * Context: softirq or BH disabled, rcu_read_lock() held. Consumes @skb.
 */
void extnet_ndisc_xmit(struct extnet_dev *priv, struct sk_buff *skb,
		       unsigned int icmp_off)
{
	u8 type = NDISC_REDIRECT;
	enum extnet_stats_attr why;

	if (skb_copy_bits(skb, icmp_off, &type, sizeof(type)))
		type = 0;
	if (type == NDISC_NEIGHBOUR_SOLICITATION ||
	    type == NDISC_NEIGHBOUR_ADVERTISEMENT) {
		if (icmp_off != ND_ICMP_OFF) {
			why = EXTNET_STATS_A_TX_DROP_MALFORMED;
			goto drop;
		}
		if (type == NDISC_NEIGHBOUR_SOLICITATION)
			ns_xmit(priv, skb);
		else
			na_xmit(priv, skb);
		return;
	}
	why = EXTNET_STATS_A_TX_DROP_ND_OTHER;
drop:
	extnet_count(priv, why);
	dev_core_stats_tx_dropped_inc(priv->dev);
	kfree_skb(skb);
}

/* The probe for @target: a Neighbour Solicitation to the target's
 * solicited-node multicast address, from @saddr. From :: it carries no
 * source link-layer option (RFC 4861 §4.3); from a unicast address it must,
 * being multicast: the device's MAC, where the answer is to go.
 */
static struct sk_buff *probe_create(struct net_device *dev,
				    const struct in6_addr *saddr,
				    const struct in6_addr *target)
{
	const u8 *lladdr = ipv6_addr_any(saddr) ? NULL : dev->dev_addr;
	struct in6_addr mcaddr;
	u8 mac[ETH_ALEN];

	addrconf_addr_solict_mult(target, &mcaddr);
	ipv6_eth_mc_map(&mcaddr, mac);
	return nd_build(dev, mac, dev->dev_addr, saddr, &mcaddr,
			NDISC_NEIGHBOUR_SOLICITATION, 0, target,
			ND_OPT_SOURCE_LL_ADDR, lladdr);
}

/**
 * extnet_ndisc_probe() - ask the local segment who has an IPv6 address
 * @priv: the device
 * @target: the address
 *
 * Sends, from the device's MAC to the target's solicited-node multicast
 * address, a Neighbour Solicitation. By default it is one as Duplicate
 * Address Detection sends (RFC 4862 §5.4.2: source ::): no host caches
 * anything from it, the owner answers with a Neighbour Advertisement to all
 * nodes (RFC 4861 §7.2.4), but a host still verifying @target takes it for
 * a duplicate (RFC 4862 §5.4.3). With a probe source configured
 * (EXTNET_A_PROBE_SRC6) it is an ordinary solicitation from that address
 * with the device's MAC as source link-layer option (RFC 4861 §7.2.2): a
 * tentative host ignores it, the owner answers it unicast to the device's
 * MAC. Either answer reaches extnet_ndisc_xmit(). Counter ND_PROBES.
 *
 * Context: any (uses netif_rx()).
 */
void extnet_ndisc_probe(struct extnet_dev *priv, const struct in6_addr *target)
{
	struct in6_addr saddr = priv->cfg.probe_src6;
	struct sk_buff *skb = probe_create(priv->dev, &saddr, target);

	if (!skb)
		return;
	nd_inject(priv, skb);
	extnet_count(priv, EXTNET_STATS_A_ND_PROBES);
}

/**
 * extnet_ndisc_announce() - tell the local segment where an IPv6 address is
 * @priv: the device
 * @addr: the address; it lives at another site now
 * @mac: the MAC to give for it: its entry's lladdr or the device's MAC
 *
 * Sends an unsolicited Neighbour Advertisement (RFC 4861 §7.2.6) from @addr
 * to all nodes, Override flag set and Solicited flag clear, with @mac as
 * target link-layer address: hosts that cache @addr update the entry to
 * @mac and make it STALE (RFC 4861 §7.2.5). Counted in
 * EXTNET_STATS_A_ANNOUNCES.
 *
 * Context: any (uses netif_rx()).
 */
void extnet_ndisc_announce(struct extnet_dev *priv,
			   const struct in6_addr *addr, const u8 *mac)
{
	struct icmp6hdr flags = {};
	u8 all_nodes_mac[ETH_ALEN];
	struct sk_buff *skb;

	flags.icmp6_override = 1;
	ipv6_eth_mc_map(&in6addr_linklocal_allnodes, all_nodes_mac);
	skb = nd_build(priv->dev, all_nodes_mac, mac, addr,
		       &in6addr_linklocal_allnodes,
		       NDISC_NEIGHBOUR_ADVERTISEMENT,
		       flags.icmp6_dataun.un_data32[0], addr,
		       ND_OPT_TARGET_LL_ADDR, mac);
	if (!skb)
		return;
	nd_inject(priv, skb);
	extnet_count(priv, EXTNET_STATS_A_ANNOUNCES);
}
