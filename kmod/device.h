/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The extnet network device: its private state and the per-netns lists.
 */
#ifndef _EXTNET_DEVICE_H
#define _EXTNET_DEVICE_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/gro_cells.h>
#include <net/vxlan.h>
#include <uapi/linux/extnet.h>

#include "table.h"
#include "neigh.h"
#include "events.h"

struct extnet_sock;

#define EXTNET_VNI_UNSET U32_MAX
/* What VXLAN over IPv4 adds to an inner IP packet: outer IPv4, UDP and
 * VXLAN headers and the inner Ethernet header (50 bytes).
 */
#define EXTNET_OVERHEAD4 (sizeof(struct iphdr) + VXLAN_HLEN + ETH_HLEN)
/* The same over IPv6 (70 bytes). */
#define EXTNET_OVERHEAD6 (sizeof(struct ipv6hdr) + VXLAN_HLEN + ETH_HLEN)
#define EXTNET_COUNTERS (EXTNET_STATS_A_MAX - EXTNET_STATS_A_FIRST + 1)

/**
 * struct extnet_counters - per-CPU event and drop counters of a device
 * @syncp: reader/writer synchronisation for 32-bit hosts
 * @c: one counter per enum extnet_stats_attr, from EXTNET_STATS_A_FIRST
 */
struct extnet_counters {
	struct u64_stats_sync syncp;
	u64_stats_t c[EXTNET_COUNTERS];
};

/**
 * struct extnet_cfg - device parameters (see enum extnet_attr)
 * @vni: VXLAN network identifier, host order, or EXTNET_VNI_UNSET
 * @local4: local VTEP address, network order, 0 if unset
 * @local6: local IPv6 VTEP address (source toward IPv6 VTEPs), :: if unset
 * @probe_src4: sender address of ARP probes, network order
 * @probe_src6: source of IPv6 neighbour probes, :: for DAD-style probes
 * @port: UDP port, network order
 * @ttl: outer IPv4 TTL
 * @ageing: neighbour ageing time, jiffies
 * @mss_clamp: TCP MSS clamping, EXTNET_MSS_CLAMP_OFF, EXTNET_MSS_CLAMP_AUTO
 *	or an MSS in bytes (see extnet_mss_clamp())
 *
 * Written under RTNL with WRITE_ONCE; the data path reads single fields
 * with READ_ONCE and tolerates seeing a change half-way.
 */
struct extnet_cfg {
	u32 vni;
	__be32 local4;
	struct in6_addr local6;
	__be32 probe_src4;
	struct in6_addr probe_src6;
	__be16 port;
	u8 ttl;
	unsigned long ageing;
	u16 mss_clamp;
};

/**
 * struct extnet_routes - host routes the configuration tool keeps for the
 *	mapping entries (EXTNET_A_ROUTES, EXTNET_A_ROUTE_TABLE,
 *	EXTNET_A_ROUTE_METRIC)
 * @on: 1 if every mapping entry is also a host route via the device
 * @table: routing table of those routes (RT_TABLE_MAIN by default)
 * @metric: their metric (rtm priority)
 *
 * The module only stores and reports these: routes cannot be inserted
 * from a module with the symbols Linux 6.1 exports, so tools/extnet
 * installs them (see Documentation/extnet.rst, "Host routes").
 * Written under RTNL with WRITE_ONCE, read with READ_ONCE.
 */
struct extnet_routes {
	u8 on;
	u32 table;
	u32 metric;
};

/**
 * struct extnet_dev - private state of an extnet device
 * @dev: the net_device
 * @cfg: parameters
 * @sock: UDP socket the device is bound to while up and configured;
 *	written under RTNL, read under RCU
 * @vni_node: entry in @sock's VNI hash
 * @unbound: RCU grace-period cookie taken when @vni_node left its chain;
 *	the next bind waits for it, under RTNL
 * @table: mapping entries (remote address -> VTEP)
 * @neighs: learned local neighbours
 * @gro_cells: NAPI contexts delivering decapsulated frames
 * @counters: per-CPU counters, enum extnet_stats_attr
 * @rtnl_work: claims the device's MAC in its bridge's FDB and follows
 *	the underlay's MTU, see extnet_device_schedule()
 * @mtu_auto: dev->mtu set by extnet_pmtu_follow_underlay(), 0 if none;
 *	under RTNL
 * @mtu_saved: dev->mtu before that, restored on joining a bridge
 * @routes: host routes settings
 * @events: rate limit of events, pending announcements (events.c)
 */
struct extnet_dev {
	struct net_device *dev;
	struct extnet_cfg cfg;
	struct extnet_sock __rcu *sock;
	struct hlist_node vni_node;
	unsigned long unbound;
	struct extnet_table table;
	struct extnet_neigh_table neighs;
	struct gro_cells gro_cells;
	struct extnet_counters __percpu *counters;
	struct work_struct rtnl_work;
	unsigned int mtu_auto;
	unsigned int mtu_saved;
	struct extnet_routes routes;
	struct extnet_events events;
};

/**
 * struct extnet_net - per network namespace state
 * @socks: UDP tunnel sockets of the namespace, under RTNL
 */
struct extnet_net {
	struct list_head socks;
};

extern unsigned int extnet_net_id;
extern struct rtnl_link_ops extnet_link_ops;

/**
 * extnet_count() - count one event of a device
 * @priv: the device
 * @attr: enum extnet_stats_attr naming the counter
 *
 * The update may interrupt another on the same CPU (a softirq counting
 * over process context): on 64-bit kernels the increment is one local64
 * operation, on 32-bit ones the _irqsave variants shut interrupts out for
 * the two words.
 *
 * Context: any; lockless (per-CPU counter).
 */
static inline void extnet_count(struct extnet_dev *priv,
				enum extnet_stats_attr attr)
{
	struct extnet_counters *c = get_cpu_ptr(priv->counters);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_inc(&c->c[attr - EXTNET_STATS_A_FIRST]);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(priv->counters);
}

/**
 * extnet_routed() - whether the device is in routed mode
 * @priv: the device
 *
 * A device that is not a bridge port is the host's own interface toward
 * the remote sites (EXTNET_MODE_ROUTED): it neither learns nor probes
 * local hosts, and delivers what it receives to the host's stack, which
 * routes it. The mode follows enslaving and releasing live.
 *
 * Context: any; lockless (reads dev->priv_flags once).
 * Return: true in routed mode, false when bridged.
 */
static inline bool extnet_routed(const struct extnet_dev *priv)
{
	return !(READ_ONCE(priv->dev->priv_flags) & IFF_BRIDGE_PORT);
}

void extnet_counters_read(struct extnet_dev *priv, u64 *sum);
struct extnet_dev *extnet_device_get(struct net *net, struct nlattr *ifindex,
				     struct nlattr *ifname,
				     struct netlink_ext_ack *extack);
void extnet_device_put(struct extnet_dev *priv);
void extnet_device_schedule(struct extnet_dev *priv);
int extnet_device_reconfigure(struct extnet_dev *priv,
			      const struct extnet_cfg *cfg,
			      struct netlink_ext_ack *extack);
int extnet_device_init(void);
void extnet_device_uninit(void);

#endif /* _EXTNET_DEVICE_H */
