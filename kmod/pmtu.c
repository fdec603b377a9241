// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU of the tunnel, without touching the hosts.
 *
 * Hosts of the segment keep their MTU (1500) and so does the extnet device
 * when it is a bridge port: a Linux bridge silently drops a frame longer
 * than the egress port's MTU (is_skb_forwardable()), so a smaller device
 * MTU would black-hole the hosts' large frames before we ever see them.
 * Instead every inner packet is checked against the route MTU to its VTEP
 * less the encapsulation (50 bytes over IPv4, 70 over IPv6):
 *
 * - an inner IPv4 packet with DF that does not fit is answered with ICMP
 *   "fragmentation needed" carrying the usable MTU (RFC 1191 §4), an inner
 *   IPv6 packet with ICMPv6 Packet Too Big (RFC 8201 §4, RFC 4443 §3.2);
 *   the reply comes from the address the host was talking to, as a router
 *   on the path would answer, and goes back into the segment;
 * - an inner IPv4 packet without DF is sent and the underlay fragments the
 *   outer packet (its DF is clear).
 *
 * TCP MSS clamping (optional, per device) lowers the MSS option of SYN and
 * SYN-ACK segments crossing the tunnel in either direction, so that TCP
 * never needs the ICMP round trip at all.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <asm/unaligned.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/dst_cache.h>
#include <net/ipv6_stubs.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/tcp.h>

#include "device.h"
#include "pmtu.h"

/**
 * extnet_pmtu_check() - answer an inner packet too big for the tunnel
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header
 * @dst: route to the VTEP
 * @overhead: bytes the encapsulation adds to the inner IP packet
 *	(EXTNET_OVERHEAD4 over IPv4: outer IPv4, UDP, VXLAN, inner Ethernet;
 *	EXTNET_OVERHEAD6 over IPv6)
 *
 * The inner IP packet (or each segment of a GSO packet) must fit in
 * dst_mtu(@dst) - @overhead. If it does not and it may not be fragmented
 * (IPv4 with DF, or IPv6), and the device is a bridge port, @skb is turned
 * into the ICMP error (RFC 1191 §4 / RFC 8201 §4: type 3 code 4 or ICMPv6
 * type 2, with the usable MTU, from the inner destination to the inner
 * source, Ethernet addresses swapped) by skb_tunnel_check_pmtu() and
 * received on the device, which hands it back to the sender through the
 * bridge; EXTNET_STATS_A_TX_TOO_BIG counts it. When the device is not a
 * bridge port the packet comes from the host's own stack: the PMTU of its
 * route is lowered instead and the packet still sent (fragmented by the
 * underlay), as the kernel's vxlan does. No ICMP answers an ICMP error, a
 * packet from a non-unicast source, or a path MTU below 576 (IPv4) or 1280
 * (IPv6); such packets go out and the underlay fragments them.
 *
 * Context: softirq or BH disabled, rcu_read_lock() held.
 * Return: false if the caller sends @skb on; true if @skb was consumed
 * (answered, or dropped on allocation failure).
 */
bool extnet_pmtu_check(struct extnet_dev *priv, struct sk_buff *skb,
		       struct dst_entry *dst, unsigned int overhead)
{
	struct net_device *dev = priv->dev;
	int ret;

	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	ret = skb_tunnel_check_pmtu(skb, dst, overhead,
				    netif_is_bridge_port(dev));
	if (likely(!ret))
		return false;
	if (ret < 0) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return true;
	}

	/* @skb is now the ICMP error, skb->data at its Ethernet header. */
	extnet_count(priv, EXTNET_STATS_A_TX_TOO_BIG);
	skb_scrub_packet(skb, false);
	skb->protocol = eth_type_trans(skb, dev);
	dev_sw_netstats_rx_add(dev, skb->len + ETH_HLEN);
	netif_rx(skb);
	return true;
}

/* The device holding the local VTEP address (the IPv4 one if both are
 * set), and the bytes the encapsulation of that family adds.
 */
static struct net_device *underlay_dev(struct extnet_dev *priv,
				       unsigned int *overhead)
{
	struct net *net = dev_net(priv->dev);
	struct net_device *lower = NULL;

	if (priv->cfg.local4) {
		*overhead = EXTNET_OVERHEAD4;
		return __ip_dev_find(net, priv->cfg.local4, false);
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_addr_any(&priv->cfg.local6))
		return NULL;
	*overhead = EXTNET_OVERHEAD6;
	lower = ipv6_dev_find(net, &priv->cfg.local6, NULL);
	if (lower)
		return lower;
	/* Tentative: the end of DAD is not notified, so take it now. */
	for_each_netdev(net, lower)
		if (ipv6_chk_addr_and_flags(net, &priv->cfg.local6, lower,
					    false, 1, 0))
			return lower;
	lower = NULL;
#endif
	return lower;
}

/**
 * extnet_pmtu_follow_underlay() - set the MTU of a device from its underlay
 * @priv: the device
 *
 * A device that is not a bridge port is an interface of the host itself
 * (routed use): the host's stack must see the MTU the tunnel really
 * carries, so dev->mtu becomes the MTU of the underlay device holding the
 * local VTEP address less the encapsulation: EXTNET_OVERHEAD4 for an IPv4
 * local address (1500 - 50 = 1450, 1400 - 50 = 1350), EXTNET_OVERHEAD6 if
 * only an IPv6 one is set (1500 - 70 = 1430). Smaller paths to single
 * VTEPs are learned per destination (see extnet_pmtu_check()). A bridge
 * port keeps the segment's MTU (the hosts' 1500): the bridge would drop
 * larger frames silently, and PMTU is then handled per packet with ICMP.
 * When a device whose MTU was set here joins a bridge, the MTU it had
 * before is restored. Nothing changes while no local address is
 * configured or no device holds it.
 *
 * Called when the local address changes, when the device joins or leaves a
 * master, when the MTU of another device of the namespace changes, and
 * when the local address is added to a device of the namespace.
 *
 * Context: RTNL held.
 */
void extnet_pmtu_follow_underlay(struct extnet_dev *priv)
{
	struct net_device *dev = priv->dev;
	unsigned int overhead;
	struct net_device *lower;
	int mtu;

	ASSERT_RTNL();
	if (netif_is_bridge_port(dev)) {
		if (priv->mtu_auto && dev->mtu == priv->mtu_auto &&
		    !dev_set_mtu(dev, priv->mtu_saved))
			priv->mtu_auto = 0;
		return;
	}
	lower = underlay_dev(priv, &overhead);
	if (!lower || lower == dev)
		return;
	mtu = clamp_t(int, (int)lower->mtu - (int)overhead,
		      dev->min_mtu, dev->max_mtu);
	if (mtu == dev->mtu)
		return;
	if (!priv->mtu_auto || dev->mtu != priv->mtu_auto)
		priv->mtu_saved = dev->mtu;
	if (!dev_set_mtu(dev, mtu))
		priv->mtu_auto = mtu;
}

/* An IPv4 address was added: follow it if it is some device's local VTEP
 * address. Blocking chain, RTNL held.
 */
static int inetaddr_event(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct in_ifaddr *ifa = ptr;
	struct net_device *d;

	if (event != NETDEV_UP)
		return NOTIFY_DONE;
	for_each_netdev(dev_net(ifa->ifa_dev->dev), d)
		if (d->rtnl_link_ops == &extnet_link_ops &&
		    ((struct extnet_dev *)netdev_priv(d))->cfg.local4 ==
		    ifa->ifa_local)
			extnet_pmtu_follow_underlay(netdev_priv(d));
	return NOTIFY_DONE;
}

static struct notifier_block inetaddr_notifier = {
	.notifier_call = inetaddr_event,
};

#if IS_ENABLED(CONFIG_IPV6)
/* The same for IPv6, told in atomic context (RCU): defer to the device's
 * RTNL work.
 */
static int inet6addr_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct inet6_ifaddr *ifp = ptr;
	struct extnet_dev *priv;
	struct net_device *d;

	if (event != NETDEV_UP)
		return NOTIFY_DONE;
	for_each_netdev_rcu(dev_net(ifp->idev->dev), d) {
		if (d->rtnl_link_ops != &extnet_link_ops)
			continue;
		priv = netdev_priv(d);
		if (ipv6_addr_equal(&priv->cfg.local6, &ifp->addr))
			extnet_device_schedule(priv);
	}
	return NOTIFY_DONE;
}

static struct notifier_block inet6addr_notifier = {
	.notifier_call = inet6addr_event,
};
#endif

/**
 * extnet_pmtu_init() - follow the addresses of the underlay
 *
 * Registers the address notifiers through which a device learns that its
 * local VTEP address was added to a device (extnet_pmtu_follow_underlay()).
 *
 * Context: module init.
 * Return: 0 or the error of register_inetaddr_notifier().
 */
int extnet_pmtu_init(void)
{
	int ret;

	ret = register_inetaddr_notifier(&inetaddr_notifier);
	if (ret)
		return ret;
#if IS_ENABLED(CONFIG_IPV6)
	ret = register_inet6addr_notifier(&inet6addr_notifier);
	if (ret)
		unregister_inetaddr_notifier(&inetaddr_notifier);
#endif
	return ret;
}

/**
 * extnet_pmtu_uninit() - undo extnet_pmtu_init()
 *
 * Context: module exit, after the devices are gone.
 */
void extnet_pmtu_uninit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	unregister_inet6addr_notifier(&inet6addr_notifier);
#endif
	unregister_inetaddr_notifier(&inetaddr_notifier);
}

/**
 * extnet_pmtu_netdev_event() - MTU bookkeeping on netdevice events
 * @dev: the device the event is about
 * @event: NETDEV_* event
 *
 * An extnet device joining or leaving a master, or another device changing
 * its MTU (maybe an underlay), re-runs extnet_pmtu_follow_underlay() on
 * the extnet devices concerned.
 *
 * Context: netdevice notifier, RTNL held.
 */
void extnet_pmtu_netdev_event(struct net_device *dev, unsigned long event)
{
	struct net_device *d;

	ASSERT_RTNL();
	if (dev->rtnl_link_ops == &extnet_link_ops) {
		if (event == NETDEV_CHANGEUPPER)
			extnet_pmtu_follow_underlay(netdev_priv(dev));
		return;
	}
	if (event != NETDEV_CHANGEMTU)
		return;
	for_each_netdev(dev_net(dev), d)
		if (d->rtnl_link_ops == &extnet_link_ops)
			extnet_pmtu_follow_underlay(netdev_priv(d));
}

#if IS_ENABLED(CONFIG_IPV6)
static unsigned int vtep_mtu6(struct extnet_dev *priv, struct extnet_vtep *vtep)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct in6_addr saddr;
	unsigned int mtu;

	dst = dst_cache_get_ip6(&vtep->dst_cache, &saddr);
	if (!dst) {
		fl6.daddr = vtep->addr6;
		fl6.saddr = priv->cfg.local6;
		fl6.flowi6_proto = IPPROTO_UDP;
		dst = ipv6_stub->ipv6_dst_lookup_flow(dev_net(priv->dev), NULL,
						      &fl6, NULL);
		if (IS_ERR(dst))
			return 0;
	}
	mtu = dst_mtu(dst);
	dst_release(dst);
	return mtu;
}
#else
static unsigned int vtep_mtu6(struct extnet_dev *priv, struct extnet_vtep *vtep)
{
	return 0;
}
#endif

/**
 * extnet_vtep_mtu() - route MTU to a VTEP
 * @priv: the device
 * @vtep: the VTEP, IPv4 or IPv6
 *
 * Uses the VTEP's route cache, or looks the route up when the cache is
 * empty on this CPU (the next transmission fills it).
 *
 * Context: softirq or BH disabled, rcu_read_lock() held.
 * Return: the MTU of the route in bytes (a learned path MTU included), or
 * 0 when there is no route.
 */
unsigned int extnet_vtep_mtu(struct extnet_dev *priv, struct extnet_vtep *vtep)
{
	unsigned int mtu;
	struct rtable *rt;
	__be32 saddr;

	if (vtep->is6)
		return vtep_mtu6(priv, vtep);
	rt = dst_cache_get_ip4(&vtep->dst_cache, &saddr);
	if (!rt) {
		rt = ip_route_output(dev_net(priv->dev), vtep->addr4,
				     READ_ONCE(priv->cfg.local4), 0, 0);
		if (IS_ERR(rt))
			return 0;
	}
	mtu = dst_mtu(&rt->dst);
	ip_rt_put(rt);
	return mtu;
}

/*
 * Walks the TCP options @opt (@len bytes) for the MSS option (RFC 9293
 * §3.7.1: kind 2, length 4) and lowers it to @limit if it is larger.
 * Stops at the end-of-options list or at an option whose length is
 * invalid. Returns the old value in network order if it was lowered, 0 if
 * nothing changed.
 */
static __be16 mss_option_lower(u8 *opt, unsigned int len, u16 limit)
{
	unsigned int i = 0;

	while (i < len) {
		u8 kind = opt[i];
		u8 olen;
		u16 mss;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			break;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			break;
		if (kind == TCPOPT_MSS && olen == TCPOLEN_MSS) {
			mss = get_unaligned_be16(&opt[i + 2]);
			if (mss <= limit)
				return 0;
			put_unaligned_be16(limit, &opt[i + 2]);
			return htons(mss);
		}
		i += olen;
	}
	return 0;
}

/* Offset of the TCP header of the frame @skb (skb->data at its Ethernet
 * header) and the IP + TCP header size the MSS excludes (RFC 879 §6,
 * RFC 8200 §8.3: 40 for IPv4, 60 for IPv6); 0 if the frame is not a
 * first fragment of TCP. IPv6 packets with extension headers are left
 * alone.
 */
static unsigned int tcp_offset(struct sk_buff *skb, unsigned int *hdrs)
{
	const struct ipv6hdr *ip6h;
	const struct iphdr *iph;

	switch (eth_hdr(skb)->h_proto) {
	case htons(ETH_P_IP):
		if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*iph)))
			return 0;
		iph = (const struct iphdr *)(skb->data + ETH_HLEN);
		if (iph->version != 4 || iph->ihl < 5 ||
		    iph->protocol != IPPROTO_TCP ||
		    (iph->frag_off & htons(IP_MF | IP_OFFSET)))
			return 0;
		*hdrs = sizeof(struct iphdr) + sizeof(struct tcphdr);
		return ETH_HLEN + iph->ihl * 4;
	case htons(ETH_P_IPV6):
		if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*ip6h)))
			return 0;
		ip6h = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
		if (ip6h->version != 6 || ip6h->nexthdr != IPPROTO_TCP)
			return 0;
		*hdrs = sizeof(struct ipv6hdr) + sizeof(struct tcphdr);
		return ETH_HLEN + sizeof(*ip6h);
	}
	return 0;
}

/**
 * extnet_mss_clamp_on() - lower the MSS option of a TCP SYN crossing the tunnel
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header
 * @vtep: the peer VTEP (destination on transmit, source on receive)
 * @dst: route to @vtep if the caller has it, or NULL
 *
 * Called through extnet_mss_clamp() when EXTNET_A_MSS_CLAMP is set. A SYN (or SYN-ACK) whose
 * MSS option (RFC 9293 §3.7.1) is larger than the limit gets it lowered to
 * the limit and its TCP checksum fixed incrementally; the limit is the
 * configured MSS, or for EXTNET_MSS_CLAMP_AUTO the route MTU to @vtep
 * (dst_mtu(@dst) or extnet_vtep_mtu()) less the encapsulation (50 bytes to
 * an IPv4 VTEP, 70 to an IPv6 one) less 40 (inner IPv4) or 60 (inner
 * IPv6): 1400 - 50 - 40 = 1310 over a 1400-byte IPv4 underlay. Counts
 * EXTNET_STATS_A_TX_MSS_CLAMPED. Segments without an MSS option, fragments
 * and malformed headers are left alone (the MSS is never raised nor
 * added).
 *
 * Context: softirq or BH disabled.
 */
void extnet_mss_clamp_on(struct extnet_dev *priv, struct sk_buff *skb,
			 struct extnet_vtep *vtep, struct dst_entry *dst)
{
	u16 cfg = READ_ONCE(priv->cfg.mss_clamp);
	unsigned int off, thlen, hdrs, limit, mtu, encap;
	struct tcphdr *th;
	__be16 old;

	off = tcp_offset(skb, &hdrs);
	if (!off || !pskb_may_pull(skb, off + sizeof(*th)))
		return;
	th = (struct tcphdr *)(skb->data + off);
	thlen = th->doff * 4;
	if (!th->syn || thlen <= sizeof(*th))
		return;
	if (cfg == EXTNET_MSS_CLAMP_AUTO) {
		encap = vtep->is6 ? EXTNET_OVERHEAD6 : EXTNET_OVERHEAD4;
		mtu = dst ? dst_mtu(dst) : extnet_vtep_mtu(priv, vtep);
		if (mtu <= encap + hdrs)
			return;
		limit = mtu - encap - hdrs;
	} else {
		limit = cfg;
	}
	if (skb_ensure_writable(skb, off + thlen))
		return;
	th = (struct tcphdr *)(skb->data + off);
	old = mss_option_lower((u8 *)(th + 1), thlen - sizeof(*th), limit);
	if (!old)
		return;
	inet_proto_csum_replace2(&th->check, skb, old, htons(limit), false);
	extnet_count(priv, EXTNET_STATS_A_TX_MSS_CLAMPED);
}
