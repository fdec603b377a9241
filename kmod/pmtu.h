/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path MTU of the tunnel: ICMP "fragmentation needed" / "packet too big"
 * for inner packets that do not fit, and TCP MSS clamping (pmtu.c).
 */
#ifndef _EXTNET_PMTU_H
#define _EXTNET_PMTU_H

#include <linux/types.h>

struct extnet_dev;
struct extnet_vtep;
struct dst_entry;
struct sk_buff;
struct net_device;

void extnet_pmtu_follow_underlay(struct extnet_dev *priv);
void extnet_pmtu_netdev_event(struct net_device *dev, unsigned long event);
bool extnet_pmtu_check(struct extnet_dev *priv, struct sk_buff *skb,
		       struct dst_entry *dst, unsigned int overhead);
unsigned int extnet_vtep_mtu(struct extnet_dev *priv, struct extnet_vtep *vtep);
void extnet_mss_clamp(struct extnet_dev *priv, struct sk_buff *skb,
		      struct extnet_vtep *vtep, struct dst_entry *dst);

#endif /* _EXTNET_PMTU_H */
