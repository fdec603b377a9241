/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UDP tunnel sockets: one per (netns, port) and address family, shared by
 * every extnet device of the namespace that uses the port, demultiplexed by
 * VNI.
 */
#ifndef _EXTNET_SOCKET_H
#define _EXTNET_SOCKET_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/rcupdate.h>

struct extnet_dev;
struct extnet_entry;
struct sk_buff;
struct net;
struct netlink_ext_ack;

#define EXTNET_VNI_HASH_BITS 8

/**
 * struct extnet_sock - a shared UDP tunnel socket
 * @list: entry in &extnet_net.socks, under RTNL
 * @sock: the kernel UDP socket, bound to INADDR_ANY:@port
 * @sock6: the IPv6 one, bound to [::]:@port with IPV6_V6ONLY; NULL if the
 *	kernel runs without IPv6
 * @port: UDP port, network order
 * @users: devices bound to the socket, under RTNL
 * @rx_unknown_vni: VXLAN packets for a VNI no device serves
 * @rx_malformed: packets too short for VXLAN or without the I flag
 * @vni_hash: bound devices by VNI; written under RTNL, read under RCU
 * @rcu: frees the structure after readers are done
 */
struct extnet_sock {
	struct list_head list;
	struct socket *sock;
	struct socket *sock6;
	__be16 port;
	unsigned int users;
	atomic_long_t rx_unknown_vni;
	atomic_long_t rx_malformed;
	struct hlist_head vni_hash[1 << EXTNET_VNI_HASH_BITS];
	struct rcu_head rcu;
};

int extnet_socket_bind(struct extnet_dev *priv, u32 vni, __be16 port,
		       struct netlink_ext_ack *extack);
void extnet_socket_unbind(struct extnet_dev *priv);
struct extnet_dev *extnet_socket_find_vni(struct extnet_sock *es, u32 vni);
int extnet_socket_send(struct extnet_dev *priv, struct extnet_entry *entry,
		       struct sk_buff *skb);

#endif /* _EXTNET_SOCKET_H */
