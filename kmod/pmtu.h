/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path MTU of the tunnel: ICMP "fragmentation needed" / "packet too big"
 * for inner packets that do not fit, and TCP MSS clamping (pmtu.c).
 */
#ifndef _EXTNET_PMTU_H
#define _EXTNET_PMTU_H

#include <linux/types.h>

#include "device.h"

struct extnet_vtep;
struct dst_entry;
struct sk_buff;
struct net_device;

int extnet_pmtu_init(void);
void extnet_pmtu_uninit(void);
void extnet_pmtu_follow_underlay(struct extnet_dev *priv);
void extnet_pmtu_netdev_event(struct net_device *dev, unsigned long event);
bool extnet_pmtu_check(struct extnet_dev *priv, struct sk_buff *skb,
		       struct dst_entry *dst, unsigned int overhead);
unsigned int extnet_vtep_mtu(struct extnet_dev *priv, struct extnet_vtep *vtep);
void extnet_mss_clamp_on(struct extnet_dev *priv, struct sk_buff *skb,
			 struct extnet_vtep *vtep, struct dst_entry *dst);

/**
 * extnet_mss_clamp() - clamp the MSS of a TCP SYN if the device is told to
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header
 * @vtep: the peer VTEP (destination on transmit, source on receive)
 * @dst: route to @vtep if the caller has it, or NULL
 *
 * Per packet on both paths: with clamping off (the default) this is one
 * read of the configuration, with no call. See extnet_mss_clamp_on().
 *
 * Context: softirq or BH disabled.
 */
static inline void extnet_mss_clamp(struct extnet_dev *priv,
				    struct sk_buff *skb,
				    struct extnet_vtep *vtep,
				    struct dst_entry *dst)
{
	if (READ_ONCE(priv->cfg.mss_clamp) != EXTNET_MSS_CLAMP_OFF)
		extnet_mss_clamp_on(priv, skb, vtep, dst);
}

#endif /* _EXTNET_PMTU_H */
