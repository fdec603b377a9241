// SPDX-License-Identifier: GPL-2.0
/*
 * UDP tunnel sockets and VXLAN encapsulation (RFC 7348 §5).
 *
 * Every extnet device of a namespace that uses the same UDP port shares one
 * pair of kernel sockets: one IPv4, one IPv6 (IPV6_V6ONLY, as the kernel's
 * vxlan does, rather than one dual-stack socket: each family keeps its own
 * receive path, and a kernel without IPv6 still gets the IPv4 one).
 * Received packets are demultiplexed by VNI. Sockets and the VNI hash
 * change under RTNL and are read under RCU.
 */
#include <linux/hash.h>
#include <net/udp_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/vxlan.h>
#include <net/ipv6_stubs.h>
#include <net/netns/generic.h>

#include "device.h"
#include "socket.h"
#include "datapath.h"
#include "vxlan.h"
#include "pmtu.h"

static struct hlist_head *vni_head(struct extnet_sock *es, u32 vni)
{
	return &es->vni_hash[hash_32(vni, EXTNET_VNI_HASH_BITS)];
}

/**
 * extnet_socket_find_vni() - the device serving a VNI on a socket
 * @es: the socket
 * @vni: VNI, host order
 *
 * Context: rcu_read_lock() or RTNL held.
 * Return: the device or NULL.
 */
struct extnet_dev *extnet_socket_find_vni(struct extnet_sock *es, u32 vni)
{
	struct extnet_dev *priv;

	hlist_for_each_entry_rcu(priv, vni_head(es, vni), vni_node,
				 lockdep_rtnl_is_held())
		if (READ_ONCE(priv->cfg.vni) == vni)
			return priv;
	return NULL;
}

/* Opens the IPv6 socket of @es; without IPv6 in the kernel, none. */
static int tunnel_sock6_create(struct net *net, struct extnet_sock *es)
{
	struct udp_port_cfg udp_cfg = {
		.family = AF_INET6,
		.local_ip6 = IN6ADDR_ANY_INIT,
		.local_udp_port = es->port,
		.ipv6_v6only = 1,
		/* RFC 6935 zero checksums are neither sent nor accepted. */
		.use_udp6_tx_checksums = 1,
		.use_udp6_rx_checksums = 1,
	};
	int ret;

	if (!IS_ENABLED(CONFIG_IPV6) || !ipv6_mod_enabled())
		return 0;
	ret = udp_sock_create(net, &udp_cfg, &es->sock6);
	return ret == -EAFNOSUPPORT ? 0 : ret;
}

static struct extnet_sock *tunnel_sock_create(struct net *net, __be16 port,
					      struct netlink_ext_ack *extack)
{
	struct extnet_net *en = net_generic(net, extnet_net_id);
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.encap_type = 1,
		.encap_rcv = extnet_udp_encap_recv,
		.gro_receive = extnet_gro_receive,
		.gro_complete = extnet_gro_complete,
	};
	struct udp_port_cfg udp_cfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = port,
	};
	struct extnet_sock *es;
	unsigned int i;
	int ret;

	es = kzalloc(sizeof(*es), GFP_KERNEL);
	if (!es)
		return ERR_PTR(-ENOMEM);
	es->port = port;
	ret = udp_sock_create(net, &udp_cfg, &es->sock);
	if (!ret) {
		ret = tunnel_sock6_create(net, es);
		if (ret)
			udp_tunnel_sock_release(es->sock);
	}
	if (ret) {
		NL_SET_ERR_MSG(extack, "Cannot open the UDP port of the tunnel");
		kfree(es);
		return ERR_PTR(ret);
	}
	for (i = 0; i < ARRAY_SIZE(es->vni_hash); i++)
		INIT_HLIST_HEAD(&es->vni_hash[i]);
	atomic_long_set(&es->rx_unknown_vni, 0);
	atomic_long_set(&es->rx_malformed, 0);
	tunnel_cfg.sk_user_data = es;
	setup_udp_tunnel_sock(net, es->sock, &tunnel_cfg);
	if (es->sock6)
		setup_udp_tunnel_sock(net, es->sock6, &tunnel_cfg);
	list_add(&es->list, &en->socks);
	return es;
}

static void tunnel_sock_put(struct extnet_sock *es)
{
	ASSERT_RTNL();
	if (es->users)
		return;
	list_del(&es->list);
	/* Clears sk_user_data first: receivers see NULL or a live @es. */
	udp_tunnel_sock_release(es->sock);
	if (es->sock6)
		udp_tunnel_sock_release(es->sock6);
	kfree_rcu(es, rcu);
}

static struct extnet_sock *tunnel_sock_get(struct net *net, __be16 port,
					   struct netlink_ext_ack *extack)
{
	struct extnet_net *en = net_generic(net, extnet_net_id);
	struct extnet_sock *es;

	list_for_each_entry(es, &en->socks, list)
		if (es->port == port)
			return es;
	return tunnel_sock_create(net, port, extack);
}

/* Takes the device out of its VNI chain and starts the grace period that
 * must pass before it joins one again (extnet_socket_bind()).
 */
static void vni_unlink(struct extnet_dev *priv)
{
	hlist_del_init_rcu(&priv->vni_node);
	priv->unbound = start_poll_synchronize_rcu();
}

/**
 * extnet_socket_bind() - attach a device to the socket of a port and VNI
 * @priv: the device
 * @vni: VNI, host order
 * @port: UDP port, network order
 * @extack: error report
 *
 * Moves the device from the socket it is bound to, if any, in one step:
 * on failure it stays where it was. A move waits for an RCU grace period
 * between leaving the old chain and joining the new one, as does a bind
 * right after extnet_socket_unbind().
 *
 * Context: RTNL held.
 * Return: 0, -EADDRINUSE (another device serves @vni on @port), or the
 * error of creating the socket (-EADDRINUSE if a non-extnet socket holds
 * the port, -ENOMEM).
 */
int extnet_socket_bind(struct extnet_dev *priv, u32 vni, __be16 port,
		       struct netlink_ext_ack *extack)
{
	struct extnet_sock *old = rtnl_dereference(priv->sock);
	struct extnet_dev *other;
	struct extnet_sock *es;

	ASSERT_RTNL();
	es = tunnel_sock_get(dev_net(priv->dev), port, extack);
	if (IS_ERR(es))
		return PTR_ERR(es);
	other = extnet_socket_find_vni(es, vni);
	if (other && other != priv) {
		NL_SET_ERR_MSG(extack,
			       "Another extnet device already uses this VNI on this UDP port");
		tunnel_sock_put(es);
		return -EADDRINUSE;
	}

	if (old) {
		vni_unlink(priv);
		old->users--;
	}
	/* A reader standing on the node would otherwise follow it into the
	 * new chain and miss the rest of the old one: a grace period must
	 * separate leaving a chain (a move, or an unbind just before) from
	 * joining one.
	 */
	if (!poll_state_synchronize_rcu(priv->unbound))
		synchronize_net();
	hlist_add_head_rcu(&priv->vni_node, vni_head(es, vni));
	es->users++;
	rcu_assign_pointer(priv->sock, es);
	if (old)
		tunnel_sock_put(old);
	return 0;
}

/**
 * extnet_socket_unbind() - detach a device from its socket
 * @priv: the device
 *
 * Closes the socket when its last device leaves. Packets in flight may
 * still reach the device until an RCU grace period has passed; the next
 * extnet_socket_bind() of the device waits for that grace period, if it
 * has not passed yet, before linking the device into a chain again.
 *
 * Context: RTNL held.
 */
void extnet_socket_unbind(struct extnet_dev *priv)
{
	struct extnet_sock *es = rtnl_dereference(priv->sock);

	if (!es)
		return;
	vni_unlink(priv);
	RCU_INIT_POINTER(priv->sock, NULL);
	es->users--;
	tunnel_sock_put(es);
}

/**
 * send4() - encapsulate a frame in VXLAN and send it over IPv4
 * @priv: the device
 * @entry: the mapping entry of the frame's destination
 * @vtep: the entry's VTEP, read once by the caller; IPv4
 * @skb: the inner Ethernet frame, skb->data at its MAC header
 *
 * Builds the VXLAN header (RFC 7348 §5: I flag, 24-bit VNI, reserved bits
 * zero) and sends it over UDP/IPv4 to the entry's VTEP with the UDP source
 * port taken from the inner flow hash and a zero UDP checksum (RFC 7348 §5
 * allows it for IPv4). The route to the VTEP is cached per VTEP. The inner
 * destination MAC becomes the entry's lladdr if it has one. An inner packet
 * too big for the path is answered with ICMP instead (extnet_pmtu_check());
 * the MSS of a TCP SYN is clamped if configured (extnet_mss_clamp()).
 *
 * Context: softirq or BH disabled, rcu_read_lock() held. Consumes @skb.
 * Return: 0, -ENOTCONN (device not bound to a socket), -ENETUNREACH or
 * -ELOOP (no usable route to the VTEP), -ENOMEM, -EMSGSIZE (too big:
 * answered with ICMP and counted as EXTNET_STATS_A_TX_TOO_BIG, or dropped
 * if the answer could not be built).
 */
static int send4(struct extnet_dev *priv, const struct extnet_entry *entry,
		 struct extnet_vtep *vtep, struct sk_buff *skb)
{
	struct extnet_sock *es = rcu_dereference(priv->sock);
	struct net_device *dev = priv->dev;
	struct ip_tunnel_key key = {};
	struct vxlanhdr *vxh;
	__be16 sport, dport;
	struct rtable *rt;
	__be32 saddr;
	int ret;
	u8 tos;

	if (unlikely(!es)) {
		ret = -ENOTCONN;
		goto err_free;
	}
	dport = es->port;
	key.u.ipv4.dst = vtep->addr4;
	key.u.ipv4.src = READ_ONCE(priv->cfg.local4);
	sport = udp_flow_src_port(dev_net(dev), skb, 0, 0, true);
	rt = udp_tunnel_dst_lookup(skb, dev, dev_net(dev), 0, &saddr, &key,
				   sport, dport, 0, &vtep->dst_cache);
	if (IS_ERR(rt)) {
		ret = PTR_ERR(rt);
		goto err_free;
	}
	/* The cache remembers the source it was filled with; a configured
	 * local address always wins, so changing it needs no cache flush.
	 */
	if (key.u.ipv4.src)
		saddr = key.u.ipv4.src;
	if (extnet_pmtu_check(priv, skb, &rt->dst, EXTNET_OVERHEAD4)) {
		ip_rt_put(rt);
		return -EMSGSIZE;
	}
	extnet_mss_clamp(priv, skb, vtep, &rt->dst);

	ret = skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			   rt->dst.header_len + VXLAN_HLEN +
			   sizeof(struct iphdr));
	if (unlikely(ret))
		goto err_route;
	extnet_entry_lladdr(entry, eth_hdr(skb)->h_dest);

	tos = ip_tunnel_ecn_encap(0, (const struct iphdr *)(skb->data + ETH_HLEN),
				  skb);
	ret = iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL);
	if (unlikely(ret))
		goto err_route;

	vxh = __skb_push(skb, sizeof(*vxh));
	extnet_vxlan_build(vxh, READ_ONCE(priv->cfg.vni));
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	udp_tunnel_xmit_skb(rt, es->sock->sk, skb, saddr, vtep->addr4, tos,
			    READ_ONCE(priv->cfg.ttl), 0, sport, dport,
			    false, true);
	return 0;

err_route:
	ip_rt_put(rt);
err_free:
	kfree_skb(skb);
	return ret;
}

#if IS_ENABLED(CONFIG_IPV6)
/* The route to an IPv6 VTEP, cached per VTEP like the IPv4 one. *@saddr
 * is the source to ask for (:: lets the route choose) and becomes the one
 * chosen.
 */
static struct dst_entry *route6(struct net_device *dev, struct sock *sk,
				struct extnet_vtep *vtep, struct sk_buff *skb,
				struct in6_addr *saddr, __be16 sport,
				__be16 dport)
{
	struct dst_entry *dst;
	struct flowi6 fl6 = {};

	dst = dst_cache_get_ip6(&vtep->dst_cache, saddr);
	if (dst)
		return dst;

	fl6.daddr = vtep->addr6;
	fl6.saddr = *saddr;
	fl6.flowi6_mark = skb->mark;
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.fl6_sport = sport;
	fl6.fl6_dport = dport;
	dst = ipv6_stub->ipv6_dst_lookup_flow(dev_net(dev), sk, &fl6, NULL);
	if (IS_ERR(dst))
		return ERR_PTR(-ENETUNREACH);
	if (dst->dev == dev) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl6.saddr;
	dst_cache_set_ip6(&vtep->dst_cache, dst, saddr);
	return dst;
}

/**
 * send6() - encapsulate a frame in VXLAN and send it over IPv6
 * @priv: the device
 * @entry: the mapping entry of the frame's destination
 * @vtep: the entry's VTEP, read once by the caller; IPv6
 * @skb: the inner Ethernet frame, skb->data at its MAC header
 *
 * As send4(), over UDP/IPv6 (RFC 7348 §5) from the device's
 * local IPv6 address (EXTNET_A_LOCAL6, or the one the route picks), with a
 * UDP checksum (zero checksums over IPv6 need RFC 6935 exceptions that the
 * receiver may not make), hop limit EXTNET_A_TTL, no flow label and the
 * route to the VTEP cached per VTEP.
 *
 * Context: softirq or BH disabled, rcu_read_lock() held. Consumes @skb.
 * Return: 0, -ENOTCONN (device not bound to a socket), -EAFNOSUPPORT (no
 * IPv6 in the kernel), -ENETUNREACH or -ELOOP (no usable route to the
 * VTEP), -ENOMEM, -EMSGSIZE (as send4(), with 70 bytes of
 * encapsulation).
 */
static int send6(struct extnet_dev *priv, const struct extnet_entry *entry,
		 struct extnet_vtep *vtep, struct sk_buff *skb)
{
	struct extnet_sock *es = rcu_dereference(priv->sock);
	struct net_device *dev = priv->dev;
	union extnet_key saddr, local6;
	struct dst_entry *dst;
	struct vxlanhdr *vxh;
	__be16 sport, dport;
	int ret;
	u8 tos;

	if (unlikely(!es)) {
		ret = -ENOTCONN;
		goto err_free;
	}
	if (unlikely(!es->sock6)) {
		ret = -EAFNOSUPPORT;
		goto err_free;
	}
	dport = es->port;
	local6.addr = priv->cfg.local6;
	saddr.addr = local6.addr;
	sport = udp_flow_src_port(dev_net(dev), skb, 0, 0, true);
	dst = route6(dev, es->sock6->sk, vtep, skb, &saddr.addr, sport, dport);
	if (IS_ERR(dst)) {
		ret = PTR_ERR(dst);
		goto err_free;
	}
	/* As for IPv4: a configured local address wins over the cache's. */
	if (!ipv6_addr_any(&local6.addr))
		saddr.addr = local6.addr;
	if (extnet_pmtu_check(priv, skb, dst, EXTNET_OVERHEAD6)) {
		dst_release(dst);
		return -EMSGSIZE;
	}
	extnet_mss_clamp(priv, skb, vtep, dst);

	ret = skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			   VXLAN_HLEN + sizeof(struct ipv6hdr));
	if (unlikely(ret))
		goto err_route;
	extnet_entry_lladdr(entry, eth_hdr(skb)->h_dest);

	tos = ip_tunnel_ecn_encap(0, (const struct iphdr *)(skb->data + ETH_HLEN),
				  skb);
	/* What belongs to the inner packet (its conntrack entry, its dst,
	 * br_netfilter's extension) must not follow it into the outer one:
	 * iptunnel_xmit() scrubs for IPv4, udp_tunnel6_xmit_skb() does not.
	 * Then, as the outer IPv4 header has DF clear, the underlay may
	 * fragment what extnet_pmtu_check() let through (an inner packet that
	 * allows fragmentation), where ip6_fragment() would drop it.
	 */
	skb_scrub_packet(skb, false);
	skb->ignore_df = 1;
	ret = iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL_CSUM);
	if (unlikely(ret))
		goto err_route;

	vxh = __skb_push(skb, sizeof(*vxh));
	extnet_vxlan_build(vxh, READ_ONCE(priv->cfg.vni));
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	udp_tunnel6_xmit_skb(dst, es->sock6->sk, skb, dev, &saddr.addr,
			     &vtep->addr6, tos, READ_ONCE(priv->cfg.ttl), 0,
			     sport, dport, false);
	return 0;

err_route:
	dst_release(dst);
err_free:
	kfree_skb(skb);
	return ret;
}
#else
static int send6(struct extnet_dev *priv, const struct extnet_entry *entry,
		 struct extnet_vtep *vtep, struct sk_buff *skb)
{
	kfree_skb(skb);
	return -EAFNOSUPPORT;
}
#endif

/**
 * extnet_socket_send() - encapsulate a frame and send it to its VTEP
 * @priv: the device
 * @entry: the mapping entry of the frame's destination
 * @skb: the inner Ethernet frame (IPv4 or IPv6), skb->data at its MAC header
 *
 * Over IPv4 or IPv6, as the entry's VTEP is: send4() or send6(). The
 * VTEP is read once, so that a replace changing its address family while
 * the frame is sent cannot mix the two.
 *
 * Context: softirq or BH disabled, rcu_read_lock() held. Consumes @skb.
 * Return: 0, -ENOTCONN (device not bound to a socket), -EAFNOSUPPORT (an
 * IPv6 VTEP, no IPv6 in the kernel), -ENETUNREACH or -ELOOP (no usable
 * route to the VTEP), -ENOMEM, -EMSGSIZE (too big: answered with ICMP and
 * counted as EXTNET_STATS_A_TX_TOO_BIG, or dropped if the answer could not
 * be built).
 */
int extnet_socket_send(struct extnet_dev *priv, struct extnet_entry *entry,
		       struct sk_buff *skb)
{
	struct extnet_vtep *vtep = extnet_entry_vtep(entry);

	if (vtep->is6)
		return send6(priv, entry, vtep, skb);
	return send4(priv, entry, vtep, skb);
}
