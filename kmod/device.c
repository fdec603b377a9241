// SPDX-License-Identifier: GPL-2.0
/*
 * The extnet net_device: netdev and rtnl_link ops, per-netns state.
 *
 * The device is an Ethernet port of the local segment (usually a bridge
 * port). What the segment sends into it goes out through the transmit path
 * (tx.c); what arrives from the tunnel comes out of it (rx.c).
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <net/rtnetlink.h>
#include <net/vxlan.h>
#include <net/netns/generic.h>

#include "device.h"
#include "socket.h"
#include "datapath.h"
#include "pmtu.h"

unsigned int extnet_net_id __read_mostly;

/**
 * extnet_counters_read() - sum the per-CPU counters of a device
 * @priv: the device
 * @sum: EXTNET_COUNTERS values, indexed from EXTNET_STATS_A_FIRST
 *
 * Adds the socket-level drops (unknown VNI, malformed header) of the socket
 * the device is bound to.
 *
 * Context: any; takes rcu_read_lock().
 */
void extnet_counters_read(struct extnet_dev *priv, u64 *sum)
{
	struct extnet_sock *es;
	unsigned int start, i;
	int cpu;

	memset(sum, 0, sizeof(u64) * EXTNET_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct extnet_counters *c = per_cpu_ptr(priv->counters, cpu);
		u64 v[EXTNET_COUNTERS];

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < EXTNET_COUNTERS; i++)
				v[i] = u64_stats_read(&c->c[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (i = 0; i < EXTNET_COUNTERS; i++)
			sum[i] += v[i];
	}

	rcu_read_lock();
	es = rcu_dereference(priv->sock);
	if (es) {
		sum[EXTNET_STATS_A_RX_DROP_UNKNOWN_VNI - EXTNET_STATS_A_FIRST] +=
			atomic_long_read(&es->rx_unknown_vni);
		sum[EXTNET_STATS_A_RX_DROP_MALFORMED - EXTNET_STATS_A_FIRST] +=
			atomic_long_read(&es->rx_malformed);
	}
	rcu_read_unlock();
}

/*
 * A Linux bridge keeps every port's own MAC as a "local" FDB entry and
 * hands frames for it to its own stack instead of forwarding them to the
 * port. Proxy ARP answers with our MAC, so hosts send the tunnelled traffic
 * to it: turn the bridge's local entry for it into a static entry pointing
 * at our port, through the bridge's own FDB operation (what `bridge fdb
 * replace MAC dev ext0 master static` does). Not done when the bridge took
 * our MAC as its own address: then the bridge really owns it.
 */
static void claim_mac(struct net_device *dev)
{
	struct net_device *br = netdev_master_upper_dev_get(dev);
	struct nlattr *tb[NDA_MAX + 1] = {};
	struct ndmsg ndm = {
		.ndm_family = AF_BRIDGE,
		.ndm_ifindex = dev->ifindex,
		.ndm_state = NUD_NOARP,
		.ndm_flags = NTF_MASTER,
	};
	int ret;

	ASSERT_RTNL();
	if (!br || !netif_is_bridge_master(br) ||
	    !br->netdev_ops->ndo_fdb_add)
		return;
	if (ether_addr_equal(br->dev_addr, dev->dev_addr)) {
		netdev_warn(dev, "%s uses this device's MAC; give it an address of its own\n",
			    br->name);
		return;
	}
	ret = br->netdev_ops->ndo_fdb_add(&ndm, tb, dev, dev->dev_addr, 0,
					  NLM_F_CREATE | NLM_F_REPLACE, NULL);
	if (ret)
		netdev_warn(dev, "cannot claim our MAC in %s's FDB: %d\n",
			    br->name, ret);
}

/* The bridge adds its local entry after telling us about the new master,
 * so claim the MAC a moment later, from a work holding a reference. The
 * same work follows the underlay's MTU when the local IPv6 address comes,
 * which is told in atomic context.
 */
static void rtnl_work(struct work_struct *work)
{
	struct extnet_dev *priv = container_of(work, struct extnet_dev,
					       rtnl_work);

	rtnl_lock();
	if (priv->dev->reg_state == NETREG_REGISTERED) {
		claim_mac(priv->dev);
		extnet_pmtu_follow_underlay(priv);
	}
	rtnl_unlock();
	dev_put(priv->dev);
}

/**
 * extnet_device_schedule() - run the device's RTNL work soon
 * @priv: the device
 *
 * The work claims the device's MAC in its bridge's FDB and re-runs
 * extnet_pmtu_follow_underlay(). It holds a reference on the device
 * until it has run.
 *
 * Context: any.
 */
void extnet_device_schedule(struct extnet_dev *priv)
{
	dev_hold(priv->dev);
	if (!schedule_work(&priv->rtnl_work))
		dev_put(priv->dev);
}

static int extnet_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	extnet_pmtu_netdev_event(dev, event);
	if (dev->rtnl_link_ops != &extnet_link_ops ||
	    (event != NETDEV_CHANGEUPPER && event != NETDEV_CHANGEADDR))
		return NOTIFY_DONE;
	extnet_device_schedule(netdev_priv(dev));
	return NOTIFY_DONE;
}

static struct notifier_block extnet_notifier = {
	.notifier_call = extnet_netdev_event,
};

static int extnet_open(struct net_device *dev)
{
	struct extnet_dev *priv = netdev_priv(dev);

	claim_mac(dev);

	/* Up but without a VNI, the device answers nothing and sends
	 * nothing; setting the VNI later binds it.
	 */
	if (priv->cfg.vni == EXTNET_VNI_UNSET)
		return 0;
	return extnet_socket_bind(priv, priv->cfg.vni, priv->cfg.port, NULL);
}

static int extnet_stop(struct net_device *dev)
{
	extnet_events_stop(netdev_priv(dev));
	extnet_socket_unbind(netdev_priv(dev));
	return 0;
}

/* Whether another extnet device of the namespace, up or down, has @vni
 * on @port: refused when it is set, not only when the second device comes
 * up, as the kernel's vxlan does.
 */
static bool vni_taken(const struct extnet_dev *priv, u32 vni, __be16 port)
{
	struct net_device *dev;

	for_each_netdev(dev_net(priv->dev), dev) {
		const struct extnet_dev *other = netdev_priv(dev);

		if (dev->rtnl_link_ops == &extnet_link_ops && other != priv &&
		    other->cfg.vni == vni && other->cfg.port == port)
			return true;
	}
	return false;
}

/**
 * extnet_device_reconfigure() - apply new device parameters
 * @priv: the device
 * @cfg: the complete new parameters
 * @extack: error report
 *
 * A new VNI or port that another extnet device of the namespace has, up or
 * down, is refused. A running device is re-bound to the socket of the new
 * port and VNI first, so that a failure leaves everything as it was.
 *
 * Context: RTNL held.
 * Return: 0, -EADDRINUSE (another device has the VNI on the port), or the
 * error of extnet_socket_bind().
 */
int extnet_device_reconfigure(struct extnet_dev *priv,
			      const struct extnet_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	struct extnet_cfg *old = &priv->cfg;
	int ret;

	ASSERT_RTNL();
	if (cfg->vni != EXTNET_VNI_UNSET &&
	    (cfg->vni != old->vni || cfg->port != old->port) &&
	    vni_taken(priv, cfg->vni, cfg->port)) {
		NL_SET_ERR_MSG(extack,
			       "Another extnet device already uses this VNI on this UDP port");
		return -EADDRINUSE;
	}
	if (netif_running(priv->dev) && cfg->vni != EXTNET_VNI_UNSET &&
	    (cfg->vni != old->vni || cfg->port != old->port ||
	     !rtnl_dereference(priv->sock))) {
		ret = extnet_socket_bind(priv, cfg->vni, cfg->port, extack);
		if (ret)
			return ret;
	}
	WRITE_ONCE(old->vni, cfg->vni);
	WRITE_ONCE(old->local4, cfg->local4);
	/* Not one word: the transmit path may read a torn address for the
	 * packets in flight during the change; the next ones are right.
	 */
	old->local6 = cfg->local6;
	WRITE_ONCE(old->probe_src4, cfg->probe_src4);
	old->probe_src6 = cfg->probe_src6; /* likewise, for probes */
	WRITE_ONCE(old->port, cfg->port);
	WRITE_ONCE(old->ttl, cfg->ttl);
	WRITE_ONCE(old->ageing, cfg->ageing);
	WRITE_ONCE(old->mss_clamp, cfg->mss_clamp);
	extnet_pmtu_follow_underlay(priv);
	return 0;
}

/**
 * extnet_device_get() - find an extnet device named in a request
 * @net: the requester's network namespace
 * @ifindex: EXTNET_A_IFINDEX attribute or NULL
 * @ifname: EXTNET_A_IFNAME attribute or NULL
 * @extack: error report, naming the offending attribute
 *
 * Context: process context.
 * Return: the device with a reference held (drop it with
 * extnet_device_put()), or ERR_PTR(-EINVAL) (neither attribute, or they
 * disagree), ERR_PTR(-ENODEV) (no such device), ERR_PTR(-EOPNOTSUPP) (not
 * an extnet device).
 */
struct extnet_dev *extnet_device_get(struct net *net, struct nlattr *ifindex,
				     struct nlattr *ifname,
				     struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL;
	char name[IFNAMSIZ];

	if (ifindex) {
		dev = dev_get_by_index(net, nla_get_u32(ifindex));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, ifindex, "No such device");
			return ERR_PTR(-ENODEV);
		}
	}
	if (ifname) {
		nla_strscpy(name, ifname, sizeof(name));
		if (dev && strcmp(dev->name, name)) {
			NL_SET_ERR_MSG_ATTR(extack, ifname,
					    "Interface name and index name different devices");
			dev_put(dev);
			return ERR_PTR(-EINVAL);
		}
		if (!dev)
			dev = dev_get_by_name(net, name);
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, ifname, "No such device");
			return ERR_PTR(-ENODEV);
		}
	}
	if (!dev) {
		NL_SET_ERR_MSG(extack, "Missing device (ifindex or ifname)");
		return ERR_PTR(-EINVAL);
	}
	if (dev->rtnl_link_ops != &extnet_link_ops) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "Device is not an extnet device");
		dev_put(dev);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/**
 * extnet_device_put() - drop the reference taken by extnet_device_get()
 * @priv: the device
 */
void extnet_device_put(struct extnet_dev *priv)
{
	dev_put(priv->dev);
}

static int extnet_init(struct net_device *dev)
{
	struct extnet_dev *priv = netdev_priv(dev);
	int ret;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	priv->counters = netdev_alloc_pcpu_stats(struct extnet_counters);
	if (!priv->counters) {
		ret = -ENOMEM;
		goto err_free_tstats;
	}
	ret = gro_cells_init(&priv->gro_cells, dev);
	if (ret)
		goto err_free_counters;
	ret = extnet_table_init(&priv->table);
	if (ret)
		goto err_gro_cells;
	ret = extnet_neigh_init(&priv->neighs);
	if (ret)
		goto err_table;
	extnet_events_init(priv);
	pr_debug("%s: Interface created\n", dev->name);
	return 0;

err_table:
	extnet_table_destroy(&priv->table);
err_gro_cells:
	gro_cells_destroy(&priv->gro_cells);
err_free_counters:
	free_percpu(priv->counters);
err_free_tstats:
	free_percpu(dev->tstats);
	return ret;
}

/* Runs after the device is closed and every packet in flight is done
 * (unregister_netdevice_many() synchronises the network first).
 */
static void extnet_uninit(struct net_device *dev)
{
	struct extnet_dev *priv = netdev_priv(dev);

	cancel_delayed_work_sync(&priv->neighs.work);
	extnet_events_stop(priv);
	gro_cells_destroy(&priv->gro_cells);
}

/* Runs when the last reference is gone: netlink requests that held one
 * may have used the tables until then.
 */
static void extnet_destructor(struct net_device *dev)
{
	struct extnet_dev *priv = netdev_priv(dev);

	/* rtnl_work() may still be returning from its dev_put(). */
	flush_work(&priv->rtnl_work);
	extnet_neigh_destroy(&priv->neighs);
	extnet_table_destroy(&priv->table);
	free_percpu(priv->counters);
	free_percpu(dev->tstats);
	pr_debug("%s: Interface destroyed\n", dev->name);
}

static const struct net_device_ops extnet_netdev_ops = {
	.ndo_init = extnet_init,
	.ndo_uninit = extnet_uninit,
	.ndo_open = extnet_open,
	.ndo_stop = extnet_stop,
	.ndo_start_xmit = extnet_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static const struct device_type extnet_type = {
	.name = "extnet",
};

static void extnet_setup(struct net_device *dev)
{
	struct extnet_dev *priv = netdev_priv(dev);
	u8 addr[ETH_ALEN];
	const netdev_features_t features = NETIF_F_SG | NETIF_F_HW_CSUM |
					   NETIF_F_RXCSUM |
					   NETIF_F_GSO_SOFTWARE;

	ether_setup(dev);
	SET_NETDEV_DEVTYPE(dev, &extnet_type);
	dev->netdev_ops = &extnet_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = extnet_destructor;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	/* Routed, extnet_pmtu_check() lowers the PMTU of the route a packet
	 * came by: it needs that dst (the transmit path drops it when it
	 * encapsulates: skb_scrub_packet()).
	 */
	netif_keep_dst(dev);
	/* The socket binding and the tables belong to the namespace. */
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL | features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
	dev->needed_headroom = ETH_HLEN + EXTNET_OVERHEAD6;
	/* Hosts keep MTU 1500 and the bridge drops frames larger than a
	 * port's MTU, so the device stays at 1500 and an oversized VXLAN
	 * packet is fragmented by the underlay (the outer header has no DF).
	 */
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - EXTNET_OVERHEAD4;
	/* A bridge without an address of its own takes the lowest of its
	 * ports' MACs; the highest locally administered unicast first octet
	 * (0xfe) keeps it from taking ours.
	 */
	eth_random_addr(addr);
	addr[0] = 0xfe;
	eth_hw_addr_set(dev, addr);
	dev->addr_assign_type = NET_ADDR_RANDOM;

	priv->dev = dev;
	priv->cfg.vni = EXTNET_VNI_UNSET;
	priv->cfg.port = htons(EXTNET_DEFAULT_PORT);
	priv->cfg.ttl = EXTNET_DEFAULT_TTL;
	priv->cfg.ageing = EXTNET_DEFAULT_AGEING * HZ;
	priv->routes.table = RT_TABLE_MAIN;
	INIT_HLIST_NODE(&priv->vni_node);
	priv->unbound = get_completed_synchronize_rcu();
	INIT_WORK(&priv->rtnl_work, rtnl_work);
}

static int extnet_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "MAC address must be 6 bytes");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "MAC address must be unicast and not zero");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

struct rtnl_link_ops extnet_link_ops __read_mostly = {
	.kind = "extnet",
	.priv_size = sizeof(struct extnet_dev),
	.setup = extnet_setup,
	.validate = extnet_validate,
};

static int __net_init extnet_net_init(struct net *net)
{
	struct extnet_net *en = net_generic(net, extnet_net_id);

	INIT_LIST_HEAD(&en->socks);
	return 0;
}

/* Our pernet exit runs before the core's, which would delete the devices:
 * delete them here so that their sockets close while the namespace still
 * works.
 */
static void __net_exit extnet_net_exit_batch(struct list_head *net_list)
{
	struct net_device *dev, *tmp;
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		for_each_netdev_safe(net, dev, tmp)
			if (dev->rtnl_link_ops == &extnet_link_ops)
				unregister_netdevice_queue(dev, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();

	list_for_each_entry(net, net_list, exit_list)
		WARN_ON_ONCE(!list_empty(&((struct extnet_net *)
					   net_generic(net, extnet_net_id))->socks));
}

static struct pernet_operations extnet_net_ops = {
	.init = extnet_net_init,
	.exit_batch = extnet_net_exit_batch,
	.id = &extnet_net_id,
	.size = sizeof(struct extnet_net),
};

/**
 * extnet_device_init() - register the pernet state and the link kind
 *
 * Return: 0 or a negative error from registration.
 */
int extnet_device_init(void)
{
	int ret;

	ret = register_pernet_device(&extnet_net_ops);
	if (ret)
		return ret;
	ret = register_netdevice_notifier(&extnet_notifier);
	if (ret)
		goto err_pernet;
	ret = extnet_pmtu_init();
	if (ret)
		goto err_notifier;
	ret = rtnl_link_register(&extnet_link_ops);
	if (ret)
		goto err_pmtu;
	return 0;

err_pmtu:
	extnet_pmtu_uninit();
err_notifier:
	unregister_netdevice_notifier(&extnet_notifier);
err_pernet:
	unregister_pernet_device(&extnet_net_ops);
	return ret;
}

/**
 * extnet_device_uninit() - delete every extnet device and unregister
 *
 * Context: module exit.
 */
void extnet_device_uninit(void)
{
	rtnl_link_unregister(&extnet_link_ops);
	extnet_pmtu_uninit();
	unregister_netdevice_notifier(&extnet_notifier);
	unregister_pernet_device(&extnet_net_ops);
}
