// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the KUnit suites; built only against a kernel with
 * CONFIG_KUNIT.
 */
#include <kunit/resource.h>
#include <linux/netdevice.h>

#include "device.h"
#include "kunit_helpers.h"

static int dev_init(struct kunit_resource *res, void *context)
{
	struct net_device *dev;
	int ret;

	dev = alloc_netdev(extnet_link_ops.priv_size, "extkunit%d",
			   NET_NAME_ENUM, extnet_link_ops.setup);
	if (!dev)
		return -ENOMEM;
	/* No dev->rtnl_link_ops: the suites may run before the module's init
	 * function has registered the link kind, and nothing must treat the
	 * device as one a user created (netlink, the netdev notifier).
	 */
	ret = register_netdev(dev);
	if (ret) {
		free_netdev(dev);
		return ret;
	}
	res->data = dev;
	return 0;
}

static void dev_free(struct kunit_resource *res)
{
	/* needs_free_netdev: the destructor frees the tables, then the
	 * device.
	 */
	unregister_netdev(res->data);
}

/**
 * extnet_kunit_dev_create() - an extnet device for one test
 * @test: the test; the device is deleted when it ends
 *
 * The device is registered in init_net (its ndo_init sets up the counters,
 * the mapping and neighbour tables) but stays down and bound to no socket:
 * frames it hands to the stack are counted, then dropped by the core.
 *
 * Context: process context; takes RTNL.
 * Return: the device's private state. Fails @test if the device cannot be
 * created.
 */
struct extnet_dev *extnet_kunit_dev_create(struct kunit *test)
{
	struct net_device *dev;

	dev = kunit_alloc_resource(test, dev_init, dev_free, GFP_KERNEL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	return netdev_priv(dev);
}

/**
 * extnet_kunit_counter() - one event or drop counter of a device
 * @priv: the device
 * @attr: the counter
 *
 * Return: the counter summed over all CPUs.
 */
u64 extnet_kunit_counter(struct extnet_dev *priv, enum extnet_stats_attr attr)
{
	u64 sum[EXTNET_COUNTERS];

	extnet_counters_read(priv, sum);
	return sum[attr - EXTNET_STATS_A_FIRST];
}

/**
 * extnet_kunit_rx_packets() - frames a device delivered to the segment
 * @priv: the device
 *
 * Return: the device's rx_packets (extnet_rx_deliver() counts a frame
 * before the core may drop it).
 */
u64 extnet_kunit_rx_packets(struct extnet_dev *priv)
{
	struct rtnl_link_stats64 stats = {};

	dev_fetch_sw_netstats(&stats, priv->dev->tstats);
	return stats.rx_packets;
}

/**
 * extnet_kunit_rx_dropped() - frames the stack refused from a device
 * @priv: the device
 *
 * A test device stays down, so every frame extnet injects into the segment
 * (a proxy ARP reply, a Neighbour Advertisement, a probe) is refused by
 * netif_rx() and counted here: one more per frame handed to the stack.
 *
 * Context: any.
 * Return: the device's rx_dropped.
 */
u64 extnet_kunit_rx_dropped(struct extnet_dev *priv)
{
	struct rtnl_link_stats64 stats;

	dev_get_stats(priv->dev, &stats);
	return stats.rx_dropped;
}

/**
 * extnet_kunit_set_bridged() - make a test device a bridge port or not
 * @priv: the device
 * @bridged: true: a bridge port (bridged mode: learns local hosts);
 *	false: routed mode (never learns)
 *
 * Sets or clears IFF_BRIDGE_PORT under RTNL, as the bridge does when it
 * takes or releases a port; the data path reads the flag per packet.
 * Context: process, takes RTNL.
 */
void extnet_kunit_set_bridged(struct extnet_dev *priv, bool bridged)
{
	rtnl_lock();
	if (bridged)
		priv->dev->priv_flags |= IFF_BRIDGE_PORT;
	else
		priv->dev->priv_flags &= ~IFF_BRIDGE_PORT;
	rtnl_unlock();
}
