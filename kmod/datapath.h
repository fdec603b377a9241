/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data path: frames from the segment (tx.c, arp.c) and VXLAN from the
 * underlay (rx.c).
 */
#ifndef _EXTNET_DATAPATH_H
#define _EXTNET_DATAPATH_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

struct extnet_dev;
struct sock;
struct list_head;
struct in6_addr;

netdev_tx_t extnet_xmit(struct sk_buff *skb, struct net_device *dev);
bool extnet_sender_ok(struct extnet_dev *priv, const struct in6_addr *saddr,
		      const u8 *mac);
void extnet_arp_xmit(struct extnet_dev *priv, struct sk_buff *skb);
void extnet_arp_probe(struct extnet_dev *priv, __be32 tip);
void extnet_arp_announce(struct extnet_dev *priv, __be32 addr, const u8 *mac);
void extnet_ndisc_xmit(struct extnet_dev *priv, struct sk_buff *skb,
		       unsigned int icmp_off);
void extnet_ndisc_probe(struct extnet_dev *priv, const struct in6_addr *target);
bool extnet_ndisc_is_nd(const struct sk_buff *skb, unsigned int icmp_off);
void extnet_ndisc_announce(struct extnet_dev *priv,
			   const struct in6_addr *addr, const u8 *mac);
int extnet_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
struct sk_buff *extnet_gro_receive(struct sock *sk, struct list_head *head,
				   struct sk_buff *skb);
int extnet_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);
void extnet_rx_deliver(struct extnet_dev *priv, struct sk_buff *skb,
		       const u8 *dst_mac);
void extnet_rx_receive(struct extnet_dev *priv, struct sk_buff *skb,
		       const u8 *dst_mac);

#endif /* _EXTNET_DATAPATH_H */
