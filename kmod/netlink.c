// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "extnet": configuration and dumps.
 * uapi/linux/extnet.h documents every command and attribute.
 */
#include <linux/etherdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <uapi/linux/extnet.h>

#include "device.h"
#include "datapath.h"
#include "netlink.h"

static struct netlink_range_validation vni_range = {
	.min = 0,
	.max = 0xffffff,
};

static struct netlink_range_validation ageing_range = {
	.min = 10,
	.max = 1000000,
};

/* EXTNET_A_MSS_CLAMP: a fixed MSS is at least the IPv4 default MSS
 * (RFC 9293 §3.7.1) and at most what fits in the largest IPv4 packet.
 */
#define EXTNET_MSS_CLAMP_MIN 536
#define EXTNET_MSS_CLAMP_MAX (IP_MAX_MTU - 40)

/*
 * Each command has its own policy: an attribute it does not use is refused
 * ("Unsupported attribute", or a message of its own below) rather than
 * ignored; each op's maxattr is the family's (genl fills it in). Every
 * request names its device with one of these two.
 */
#define EXTNET_POLICY_IFINDEX NLA_POLICY_MIN(NLA_U32, 1)
#define EXTNET_POLICY_IFNAME { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }
#define EXTNET_POLICY_IN6 NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr))
#define EXTNET_POLICY_READ_ONLY \
	{ .type = NLA_REJECT, .reject_message = "Read-only attribute" }

/* The EXTNET_A_MAP of MAP_ADD and MAP_REPLACE. */
static const struct nla_policy map_add_nest_policy[EXTNET_MAP_A_MAX + 1] = {
	[EXTNET_MAP_A_ADDR4] = { .type = NLA_BE32 },
	[EXTNET_MAP_A_ADDR6] = EXTNET_POLICY_IN6,
	[EXTNET_MAP_A_REMOTE4] = { .type = NLA_BE32 },
	[EXTNET_MAP_A_REMOTE6] = EXTNET_POLICY_IN6,
	[EXTNET_MAP_A_LLADDR] = NLA_POLICY_ETH_ADDR,
	[EXTNET_MAP_A_ANNOUNCE] = {
		.type = NLA_REJECT,
		.reject_message = "announce applies to map move only",
	},
};

/* The EXTNET_A_MAP of MAP_DEL: the overlay address alone. */
static const struct nla_policy map_del_nest_policy[EXTNET_MAP_A_MAX + 1] = {
	[EXTNET_MAP_A_ADDR4] = { .type = NLA_BE32 },
	[EXTNET_MAP_A_ADDR6] = EXTNET_POLICY_IN6,
};

/* The EXTNET_A_MAP of MAP_MOVE. */
static const struct nla_policy map_move_nest_policy[EXTNET_MAP_A_MAX + 1] = {
	[EXTNET_MAP_A_ADDR4] = { .type = NLA_BE32 },
	[EXTNET_MAP_A_ADDR6] = EXTNET_POLICY_IN6,
	[EXTNET_MAP_A_REMOTE4] = { .type = NLA_BE32 },
	[EXTNET_MAP_A_REMOTE6] = EXTNET_POLICY_IN6,
	[EXTNET_MAP_A_LLADDR] = NLA_POLICY_ETH_ADDR,
	[EXTNET_MAP_A_ANNOUNCE] = NLA_POLICY_MAX(NLA_U8, EXTNET_ANNOUNCE_MAX),
};

/* LINK_GET, MAP_GET, MAP_FLUSH and NEIGH_GET: the device alone. */
static const struct nla_policy dev_policy[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = EXTNET_POLICY_IFINDEX,
	[EXTNET_A_IFNAME] = EXTNET_POLICY_IFNAME,
};

static const struct nla_policy link_set_policy[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = EXTNET_POLICY_IFINDEX,
	[EXTNET_A_IFNAME] = EXTNET_POLICY_IFNAME,
	[EXTNET_A_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[EXTNET_A_LOCAL4] = { .type = NLA_BE32 },
	[EXTNET_A_LOCAL6] = EXTNET_POLICY_IN6,
	[EXTNET_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[EXTNET_A_TTL] = NLA_POLICY_MIN(NLA_U8, 1),
	[EXTNET_A_PROBE_SRC4] = { .type = NLA_BE32 },
	[EXTNET_A_PROBE_SRC6] = EXTNET_POLICY_IN6,
	[EXTNET_A_AGEING] = NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),
	[EXTNET_A_MSS_CLAMP] = { .type = NLA_U16 },
	[EXTNET_A_ROUTES] = NLA_POLICY_MAX(NLA_U8, 1),
	[EXTNET_A_ROUTE_TABLE] = NLA_POLICY_MIN(NLA_U32, 1),
	[EXTNET_A_ROUTE_METRIC] = { .type = NLA_U32 },
	[EXTNET_A_ENTRIES] = EXTNET_POLICY_READ_ONLY,
	[EXTNET_A_NEIGHS] = EXTNET_POLICY_READ_ONLY,
	[EXTNET_A_STATS] = EXTNET_POLICY_READ_ONLY,
	[EXTNET_A_MODE] = EXTNET_POLICY_READ_ONLY,
};

static const struct nla_policy map_add_policy[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = EXTNET_POLICY_IFINDEX,
	[EXTNET_A_IFNAME] = EXTNET_POLICY_IFNAME,
	[EXTNET_A_MAP] = NLA_POLICY_NESTED(map_add_nest_policy),
};

static const struct nla_policy map_del_policy[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = EXTNET_POLICY_IFINDEX,
	[EXTNET_A_IFNAME] = EXTNET_POLICY_IFNAME,
	[EXTNET_A_MAP] = NLA_POLICY_NESTED(map_del_nest_policy),
};

static const struct nla_policy map_move_policy[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = EXTNET_POLICY_IFINDEX,
	[EXTNET_A_IFNAME] = EXTNET_POLICY_IFNAME,
	[EXTNET_A_MAP] = NLA_POLICY_NESTED(map_move_nest_policy),
};

static struct extnet_dev *lookup_device(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	return extnet_device_get(net, attrs[EXTNET_A_IFINDEX],
				 attrs[EXTNET_A_IFNAME], extack);
}

static int put_stats(struct sk_buff *skb, struct extnet_dev *priv)
{
	u64 sum[EXTNET_COUNTERS];
	struct nlattr *nest;
	unsigned int i;

	extnet_counters_read(priv, sum);
	nest = nla_nest_start(skb, EXTNET_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < EXTNET_COUNTERS; i++)
		if (nla_put_u64_64bit(skb, EXTNET_STATS_A_FIRST + i, sum[i],
				      EXTNET_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_routes(struct sk_buff *skb, struct extnet_dev *priv)
{
	const struct extnet_routes *r = &priv->routes;

	if (nla_put_u8(skb, EXTNET_A_MODE, extnet_routed(priv) ?
		       EXTNET_MODE_ROUTED : EXTNET_MODE_BRIDGED) ||
	    nla_put_u8(skb, EXTNET_A_ROUTES, READ_ONCE(r->on)) ||
	    nla_put_u32(skb, EXTNET_A_ROUTE_TABLE, READ_ONCE(r->table)) ||
	    nla_put_u32(skb, EXTNET_A_ROUTE_METRIC, READ_ONCE(r->metric)))
		return -EMSGSIZE;
	return 0;
}

static int fill_link(struct sk_buff *skb, struct extnet_dev *priv, u32 portid,
		     u32 seq, int flags)
{
	const struct extnet_cfg *cfg = &priv->cfg;
	u32 vni = READ_ONCE(cfg->vni);
	__be32 local4 = READ_ONCE(cfg->local4);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &extnet_genl_family, flags,
			  EXTNET_CMD_LINK_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, EXTNET_A_IFINDEX, priv->dev->ifindex) ||
	    nla_put_string(skb, EXTNET_A_IFNAME, priv->dev->name) ||
	    (vni != EXTNET_VNI_UNSET && nla_put_u32(skb, EXTNET_A_VNI, vni)) ||
	    (local4 && nla_put_in_addr(skb, EXTNET_A_LOCAL4, local4)) ||
	    (!ipv6_addr_any(&cfg->local6) &&
	     nla_put_in6_addr(skb, EXTNET_A_LOCAL6, &cfg->local6)) ||
	    nla_put_u16(skb, EXTNET_A_PORT, ntohs(READ_ONCE(cfg->port))) ||
	    nla_put_u8(skb, EXTNET_A_TTL, READ_ONCE(cfg->ttl)) ||
	    nla_put_in_addr(skb, EXTNET_A_PROBE_SRC4,
			    READ_ONCE(cfg->probe_src4)) ||
	    (!ipv6_addr_any(&cfg->probe_src6) &&
	     nla_put_in6_addr(skb, EXTNET_A_PROBE_SRC6, &cfg->probe_src6)) ||
	    nla_put_u32(skb, EXTNET_A_AGEING, READ_ONCE(cfg->ageing) / HZ) ||
	    nla_put_u16(skb, EXTNET_A_MSS_CLAMP, READ_ONCE(cfg->mss_clamp)) ||
	    nla_put_u32(skb, EXTNET_A_ENTRIES,
			extnet_table_count(&priv->table)) ||
	    nla_put_u32(skb, EXTNET_A_NEIGHS,
			extnet_neigh_count(&priv->neighs)) ||
	    put_routes(skb, priv) ||
	    put_stats(skb, priv)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int link_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct extnet_dev *priv;
	struct sk_buff *msg;
	int ret;

	priv = lookup_device(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(priv))
		return PTR_ERR(priv);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = fill_link(msg, priv, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		goto out_put;
	}
	ret = genlmsg_reply(msg, info);
out_put:
	extnet_device_put(priv);
	return ret;
}

/*
 * cb->args[0]: extnet devices already sent. The namespace's device list is
 * in the order devices were registered, not by ifindex (one can be chosen),
 * so the dump resumes by position; a device added or removed in between
 * changes dev_base_seq and flags the messages NLM_F_DUMP_INTR, as in
 * rtnetlink's dumps.
 */
static int link_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	struct nlmsghdr *nlh;
	unsigned long i = 0;
	int ret = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(net->dev_base_seq);
	for_each_netdev_rcu(net, dev) {
		if (dev->rtnl_link_ops != &extnet_link_ops)
			continue;
		if (i++ < cb->args[0])
			continue;
		nlh = (struct nlmsghdr *)skb_tail_pointer(skb);
		ret = fill_link(skb, netdev_priv(dev),
				NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret)
			break;
		nl_dump_check_consistent(cb, nlh);
		cb->args[0] = i;
	}
	rcu_read_unlock();
	return ret && !skb->len ? ret : skb->len;
}

/* Host routes settings: stored and reported, applied by the tool. */
static void set_routes(struct extnet_dev *priv, struct nlattr **attrs)
{
	struct extnet_routes *r = &priv->routes;

	if (attrs[EXTNET_A_ROUTES])
		WRITE_ONCE(r->on, nla_get_u8(attrs[EXTNET_A_ROUTES]));
	if (attrs[EXTNET_A_ROUTE_TABLE])
		WRITE_ONCE(r->table, nla_get_u32(attrs[EXTNET_A_ROUTE_TABLE]));
	if (attrs[EXTNET_A_ROUTE_METRIC])
		WRITE_ONCE(r->metric,
			   nla_get_u32(attrs[EXTNET_A_ROUTE_METRIC]));
}

static int link_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct extnet_dev *priv;
	struct extnet_cfg cfg;
	int ret;

	rtnl_lock();
	priv = lookup_device(genl_info_net(info), attrs, info->extack);
	if (IS_ERR(priv)) {
		ret = PTR_ERR(priv);
		goto out_unlock;
	}
	cfg = priv->cfg;
	ret = -EINVAL;
	if (attrs[EXTNET_A_VNI])
		cfg.vni = nla_get_u32(attrs[EXTNET_A_VNI]);
	if (attrs[EXTNET_A_LOCAL4]) {
		cfg.local4 = nla_get_in_addr(attrs[EXTNET_A_LOCAL4]);
		if (cfg.local4 && !extnet_addr4_is_host(cfg.local4)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[EXTNET_A_LOCAL4],
					    "Local VTEP address must be unicast");
			goto out_put;
		}
	}
	if (attrs[EXTNET_A_LOCAL6]) {
		cfg.local6 = nla_get_in6_addr(attrs[EXTNET_A_LOCAL6]);
		if (!ipv6_addr_any(&cfg.local6) &&
		    !extnet_addr6_is_host(&cfg.local6)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[EXTNET_A_LOCAL6],
					    "Local IPv6 VTEP address must be unicast and not link-local");
			goto out_put;
		}
	}
	if (attrs[EXTNET_A_PROBE_SRC4]) {
		cfg.probe_src4 = nla_get_in_addr(attrs[EXTNET_A_PROBE_SRC4]);
		if (cfg.probe_src4 && !extnet_addr4_is_host(cfg.probe_src4)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[EXTNET_A_PROBE_SRC4],
					    "Probe source must be unicast or 0.0.0.0");
			goto out_put;
		}
	}
	if (attrs[EXTNET_A_PROBE_SRC6]) {
		cfg.probe_src6 = nla_get_in6_addr(attrs[EXTNET_A_PROBE_SRC6]);
		if (ipv6_addr_type(&cfg.probe_src6) &
		    (IPV6_ADDR_MULTICAST | IPV6_ADDR_LOOPBACK |
		     IPV6_ADDR_MAPPED)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[EXTNET_A_PROBE_SRC6],
					    "IPv6 probe source must be unicast or ::");
			goto out_put;
		}
	}
	if (attrs[EXTNET_A_PORT])
		cfg.port = htons(nla_get_u16(attrs[EXTNET_A_PORT]));
	if (attrs[EXTNET_A_TTL])
		cfg.ttl = nla_get_u8(attrs[EXTNET_A_TTL]);
	if (attrs[EXTNET_A_AGEING])
		cfg.ageing = nla_get_u32(attrs[EXTNET_A_AGEING]) * HZ;
	if (attrs[EXTNET_A_MSS_CLAMP]) {
		cfg.mss_clamp = nla_get_u16(attrs[EXTNET_A_MSS_CLAMP]);
		if (cfg.mss_clamp != EXTNET_MSS_CLAMP_OFF &&
		    cfg.mss_clamp != EXTNET_MSS_CLAMP_AUTO &&
		    (cfg.mss_clamp < EXTNET_MSS_CLAMP_MIN ||
		     cfg.mss_clamp > EXTNET_MSS_CLAMP_MAX)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[EXTNET_A_MSS_CLAMP],
					    "MSS clamp must be 0 (off), 65535 (auto) or 536..65495");
			ret = -ERANGE;
			goto out_put;
		}
	}
	ret = extnet_device_reconfigure(priv, &cfg, info->extack);
	if (!ret)
		set_routes(priv, attrs);
out_put:
	extnet_device_put(priv);
out_unlock:
	rtnl_unlock();
	return ret;
}

/* Reads one address given as either an IPv4 (@a4) or an IPv6 (@a6)
 * attribute into @addr (IPv4 as IPv4-mapped IPv6): the remote VTEP if
 * @vtep, else the overlay address. Returns the attribute used, NULL (with
 * an extack message) if neither or both are present.
 */
static struct nlattr *parse_addr46(struct netlink_ext_ack *extack,
				   struct nlattr *map, struct nlattr *a4,
				   struct nlattr *a6, bool vtep,
				   struct in6_addr *addr)
{
	if (a4 && a6) {
		if (vtep)
			NL_SET_ERR_MSG_ATTR(extack, a6,
					    "Give one remote VTEP, IPv4 or IPv6, not both");
		else
			NL_SET_ERR_MSG_ATTR(extack, a6,
					    "Give one overlay address, IPv4 or IPv6, not both");
		return NULL;
	}
	if (a6) {
		nla_memcpy(addr, a6, sizeof(*addr));
		return a6;
	}
	if (a4) {
		ipv6_addr_set_v4mapped(nla_get_in_addr(a4), addr);
		return a4;
	}
	if (vtep) {
		NL_SET_ERR_MSG_ATTR(extack, map, "Missing remote VTEP address");
		NL_SET_ERR_ATTR_MISS(extack, map, EXTNET_MAP_A_REMOTE4);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, map, "Missing overlay address");
		NL_SET_ERR_ATTR_MISS(extack, map, EXTNET_MAP_A_ADDR4);
	}
	return NULL;
}

/* Parses one EXTNET_A_MAP (@map) of a request: the overlay address
 * (EXTNET_MAP_A_ADDR4 or _ADDR6), and the VTEP (EXTNET_MAP_A_REMOTE4 or
 * _REMOTE6) if @remote is not NULL. Sets *@addr_attr to the attribute
 * naming the overlay address.
 *
 * Generic netlink has already validated every EXTNET_A_MAP of the request
 * against the command's policy, strictly: no attribute of type 0 or above
 * EXTNET_MAP_A_MAX, none too short, nothing trailing. So the nest is only
 * split here, by a walk over its attributes, the last of a type winning as
 * in nla_parse_nested(). That function would take every entry of a batch
 * through the validator a second time, without a policy
 * (Documentation/benchmarks-history.md, "Insert: one validation").
 */
static int parse_map_nest(struct netlink_ext_ack *extack, struct nlattr *map,
			  struct nlattr **tb, struct in6_addr *addr,
			  struct in6_addr *remote, struct nlattr **addr_attr)
{
	struct nlattr *attr;
	int rem;

	memset(tb, 0, sizeof(*tb) * (EXTNET_MAP_A_MAX + 1));
	nla_for_each_nested(attr, map, rem) {
		int type = nla_type(attr);

		/* Validated already; a bound check costs nothing. */
		if (type <= EXTNET_MAP_A_MAX)
			tb[type] = attr;
	}

	attr = parse_addr46(extack, map, tb[EXTNET_MAP_A_ADDR4],
			    tb[EXTNET_MAP_A_ADDR6], false, addr);
	if (!attr)
		return -EINVAL;
	*addr_attr = attr;
	if (attr == tb[EXTNET_MAP_A_ADDR4] ?
	    !extnet_addr4_is_host(addr->s6_addr32[3]) :
	    !extnet_addr6_is_host(addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Overlay address must be a unicast host address");
		return -EINVAL;
	}
	if (!remote)
		return 0;

	attr = parse_addr46(extack, map, tb[EXTNET_MAP_A_REMOTE4],
			    tb[EXTNET_MAP_A_REMOTE6], true, remote);
	if (!attr)
		return -EINVAL;
	/* A link-local VTEP would need an interface too. */
	if (attr == tb[EXTNET_MAP_A_REMOTE4] ?
	    !extnet_addr4_is_host(remote->s6_addr32[3]) :
	    !extnet_addr6_is_host(remote)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Remote VTEP must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

/* parse_map_nest() on the request's EXTNET_A_MAP, which must be present. */
static int parse_map(struct genl_info *info, struct nlattr **tb,
		     struct in6_addr *addr, struct in6_addr *remote,
		     struct nlattr **addr_attr)
{
	if (GENL_REQ_ATTR_CHECK(info, EXTNET_A_MAP)) {
		NL_SET_ERR_MSG(info->extack, "Missing mapping entry attribute");
		return -EINVAL;
	}
	return parse_map_nest(info->extack, info->attrs[EXTNET_A_MAP], tb,
			      addr, remote, addr_attr);
}

/*
 * One request that adds or removes mapping entries: what each of its
 * EXTNET_A_MAP needs. Whether anybody listens to events is looked up once
 * per request, not once per entry: a listener that joins while a request
 * is applied may miss some of its events, as one that joins just after.
 */
struct map_req {
	struct extnet_dev *priv;
	struct netlink_ext_ack *extack;
	bool replace;
	bool events;
};

/* Adds (or with replace, replaces) the entry of one EXTNET_A_MAP. */
static int map_add_one(const struct map_req *req, struct nlattr *map)
{
	struct netlink_ext_ack *extack = req->extack;
	struct extnet_dev *priv = req->priv;
	struct nlattr *tb[EXTNET_MAP_A_MAX + 1];
	union extnet_key addr, remote;
	struct nlattr *attr;
	const u8 *lladdr;
	int ret;

	ret = parse_map_nest(extack, map, tb, &addr.addr, &remote.addr, &attr);
	if (ret)
		return ret;
	lladdr = tb[EXTNET_MAP_A_LLADDR] ? nla_data(tb[EXTNET_MAP_A_LLADDR]) :
					   NULL;
	if (lladdr && !is_valid_ether_addr(lladdr)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[EXTNET_MAP_A_LLADDR],
				    "lladdr must be a unicast, non-zero MAC");
		return -EINVAL;
	}

	ret = extnet_table_insert_vtep(&priv->table, &addr.addr, &remote.addr,
				       lladdr, req->replace);
	if (ret == -EEXIST) {
		NL_SET_ERR_MSG(extack,
			       "Address is already mapped (use replace)");
	} else if (ret == -ENOSPC) {
		NL_SET_ERR_MSG(extack, "Mapping table is full");
	} else if (!ret) {
		/* It lives elsewhere now: stop delivering it locally. */
		extnet_neigh_forget(priv, &addr.addr);
		if (req->events)
			extnet_event_map(priv, EXTNET_EVENT_MAP_ADDED,
					 &addr.addr, &remote.addr, lladdr);
	}
	return ret;
}

/* Removes the entry of one EXTNET_A_MAP. */
static int map_del_one(const struct map_req *req, struct nlattr *map)
{
	struct netlink_ext_ack *extack = req->extack;
	struct extnet_dev *priv = req->priv;
	struct nlattr *tb[EXTNET_MAP_A_MAX + 1];
	union extnet_key addr;
	struct nlattr *attr;
	int ret;

	ret = parse_map_nest(extack, map, tb, &addr.addr, NULL, &attr);
	if (ret)
		return ret;
	ret = extnet_table_remove(&priv->table, &addr.addr);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Address is not mapped");
		return ret;
	}
	extnet_announce_cancel(priv, &addr.addr);
	if (req->events)
		extnet_event_map(priv, EXTNET_EVENT_MAP_REMOVED, &addr.addr,
				 NULL, NULL);
	return 0;
}

/* How many EXTNET_A_MAP attributes the request holds. */
static unsigned int map_count(const struct genl_info *info)
{
	const struct nlattr *pos;
	unsigned int n = 0;
	int rem;

	nla_for_each_attr(pos, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem)
		if (nla_type(pos) == EXTNET_A_MAP)
			n++;
	return n;
}

/* Entries applied between two chances to reschedule. */
#define MAP_BATCH_RESCHED 32

/*
 * A request of several entries (uapi/linux/extnet.h, "Several entries per
 * request"): @one applied to each EXTNET_A_MAP in order, stopping at the
 * first failure, whose index the extack cookie carries.
 */
static int map_batch(const struct map_req *req, struct genl_info *info,
		     unsigned int n,
		     int (*one)(const struct map_req *, struct nlattr *))
{
	struct netlink_ext_ack *extack = req->extack;
	struct nlattr *pos;
	u32 done = 0;
	int rem, ret;

	if (n > EXTNET_MAP_BATCH_MAX) {
		NL_SET_ERR_MSG(extack,
			       "Too many mapping entries in one request (at most "
			       __stringify(EXTNET_MAP_BATCH_MAX) ")");
		return -E2BIG;
	}
	nla_for_each_attr(pos, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(pos) != EXTNET_A_MAP)
			continue;
		ret = one(req, pos);
		if (ret) {
			if (!extack->bad_attr)
				NL_SET_BAD_ATTR(extack, pos);
			memcpy(extack->cookie, &done, sizeof(done));
			extack->cookie_len = sizeof(done);
			return ret;
		}
		if (!(++done % MAP_BATCH_RESCHED))
			cond_resched();
	}
	return 0;
}

/* One device lookup, then one entry or several. */
static int map_modify(struct genl_info *info,
		      int (*one)(const struct map_req *, struct nlattr *),
		      bool replace)
{
	unsigned int n = map_count(info);
	struct map_req req = {
		.extack = info->extack,
		.replace = replace,
	};
	int ret;

	req.priv = lookup_device(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(req.priv))
		return PTR_ERR(req.priv);
	req.events = extnet_events_listened(req.priv);
	if (n > 1) {
		ret = map_batch(&req, info, n, one);
	} else if (GENL_REQ_ATTR_CHECK(info, EXTNET_A_MAP)) {
		NL_SET_ERR_MSG(info->extack, "Missing mapping entry attribute");
		ret = -EINVAL;
	} else {
		ret = one(&req, info->attrs[EXTNET_A_MAP]);
	}
	extnet_device_put(req.priv);
	return ret;
}

static int map_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return map_modify(info, map_add_one,
			  info->genlhdr->cmd == EXTNET_CMD_MAP_REPLACE);
}

static int map_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return map_modify(info, map_del_one, false);
}

static int map_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct extnet_dev *priv;
	int ret;

	priv = lookup_device(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(priv))
		return PTR_ERR(priv);
	ret = extnet_table_flush(&priv->table);
	if (!ret) {
		extnet_announce_cancel_all(priv);
		extnet_event_map(priv, EXTNET_EVENT_MAP_FLUSHED, NULL, NULL,
				 NULL);
	}
	extnet_device_put(priv);
	return ret;
}

/*
 * EXTNET_CMD_MAP_MOVE. With a VTEP: the address lives there now. The entry
 * is added or replaced (counters kept), the local neighbour forgotten, and
 * the segment told with ARP Announcements. Without one: the address lives
 * here; its entry, if any, is removed (none is no error: the request states
 * where the address lives, and repeating it changes nothing) and the host
 * is probed at once, so that its MAC is known before traffic for it
 * arrives (bridged mode only). Under RTNL
 * so that the device cannot go down between the check that it is up and
 * the announcements being queued.
 */
static int map_move_doit(struct sk_buff *skb, struct genl_info *info)
{
	unsigned int announce = EXTNET_DEFAULT_ANNOUNCE;
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[EXTNET_MAP_A_MAX + 1];
	struct in6_addr addr, remote;
	const u8 *lladdr = NULL;
	struct extnet_dev *priv;
	bool to_remote = false;
	struct nlattr *attr;
	int ret;

	if (map_count(info) > 1) {
		NL_SET_ERR_MSG(extack, "map move takes one mapping entry");
		return -EINVAL;
	}
	priv = lookup_device(genl_info_net(info), info->attrs, extack);
	if (IS_ERR(priv))
		return PTR_ERR(priv);
	ret = parse_map(info, tb, &addr, NULL, &attr);
	if (ret)
		goto out_put;
	if (tb[EXTNET_MAP_A_REMOTE4] || tb[EXTNET_MAP_A_REMOTE6]) {
		ret = parse_map(info, tb, &addr, &remote, &attr);
		if (ret)
			goto out_put;
		to_remote = true;
	} else if (tb[EXTNET_MAP_A_LLADDR] || tb[EXTNET_MAP_A_ANNOUNCE]) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[EXTNET_A_MAP],
				    "Missing remote VTEP address (lladdr and announce apply to a move to a remote VTEP)");
		NL_SET_ERR_ATTR_MISS(extack, info->attrs[EXTNET_A_MAP],
				     EXTNET_MAP_A_REMOTE4);
		ret = -EINVAL;
		goto out_put;
	}
	if (tb[EXTNET_MAP_A_LLADDR]) {
		lladdr = nla_data(tb[EXTNET_MAP_A_LLADDR]);
		if (!is_valid_ether_addr(lladdr)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[EXTNET_MAP_A_LLADDR],
					    "lladdr must be a unicast, non-zero MAC");
			ret = -EINVAL;
			goto out_put;
		}
	}
	if (tb[EXTNET_MAP_A_ANNOUNCE])
		announce = nla_get_u8(tb[EXTNET_MAP_A_ANNOUNCE]);

	rtnl_lock();
	if (!to_remote) {
		extnet_announce_cancel(priv, &addr);
		if (!extnet_table_remove(&priv->table, &addr))
			extnet_event_map(priv, EXTNET_EVENT_MAP_MOVED, &addr,
					 NULL, NULL);
		/* Find the host now rather than when the first packet for
		 * it arrives: its answer teaches us its MAC. A routed device
		 * does not probe: the host resolves its own neighbours.
		 */
		if (netif_running(priv->dev) && !extnet_routed(priv)) {
			if (ipv6_addr_v4mapped(&addr))
				extnet_arp_probe(priv, addr.s6_addr32[3]);
			else
				extnet_ndisc_probe(priv, &addr);
		}
		goto out_unlock;
	}
	ret = extnet_table_insert_vtep(&priv->table, &addr, &remote, lladdr,
				       true);
	if (ret) {
		if (ret == -ENOSPC)
			NL_SET_ERR_MSG(extack, "Mapping table is full");
		goto out_unlock;
	}
	extnet_neigh_forget(priv, &addr);
	extnet_event_map(priv, EXTNET_EVENT_MAP_MOVED, &addr, &remote, lladdr);
	ret = extnet_announce_start(priv, &addr, announce);
	if (ret)
		NL_SET_ERR_MSG(extack,
			       "Address moved, but its announcements could not be queued");
out_unlock:
	rtnl_unlock();
out_put:
	extnet_device_put(priv);
	return ret;
}

/*
 * Table dumps walk the rhashtable's buckets directly and keep only a
 * position between dumpit calls (struct dump_pos in cb->ctx): the bucket,
 * and the key of the last object sent from it. Nothing is held between
 * calls: a reader that stops reading holds up neither the device nor its
 * deletion. rhashtable inserts at the head of a chain, so the objects after
 * that key are the ones not sent yet, whatever was added or removed before
 * it. If that object itself was removed, or the table was resized, the
 * bucket or the whole table is sent again and the messages from then on
 * are flagged NLM_F_DUMP_INTR (cb->seq changes): objects may repeat, but
 * none present throughout the dump is missed.
 */
struct dump_pos {
	unsigned long bucket;
	u32 hash_rnd;
	bool started;
	bool in_bucket;
	u8 key[sizeof(struct in6_addr)];
};

static_assert(sizeof(struct dump_pos) <=
	      sizeof_field(struct netlink_callback, ctx));

/* Sends the objects of @bucket after @p->key (all if !@p->in_bucket). */
static int dump_bucket(struct sk_buff *skb, struct netlink_callback *cb,
		       struct extnet_dev *priv, struct rhashtable *h,
		       const struct bucket_table *tbl, struct dump_pos *p,
		       int (*fill)(struct sk_buff *, struct netlink_callback *,
				   struct extnet_dev *, void *))
{
	unsigned int key_len = min_t(unsigned int, h->p.key_len,
				     sizeof(p->key));
	bool skipping = p->in_bucket;
	struct rhash_head *pos;
	const u8 *key;
	int ret;

retry:
	rht_for_each_rcu(pos, tbl, p->bucket) {
		key = (const u8 *)rht_obj(h, pos) + h->p.key_offset;
		if (skipping) {
			skipping = memcmp(key, p->key, key_len);
			continue;
		}
		ret = fill(skb, cb, priv, rht_obj(h, pos));
		if (ret)
			return ret;
		memcpy(p->key, key, key_len);
		p->in_bucket = true;
	}
	if (skipping) {
		/* The last object sent is gone: send the bucket again. */
		skipping = false;
		p->in_bucket = false;
		cb->seq++;
		goto retry;
	}
	return 0;
}

static int dump_table(struct sk_buff *skb, struct netlink_callback *cb,
		      struct rhashtable *(*ht)(struct extnet_dev *),
		      int (*fill)(struct sk_buff *, struct netlink_callback *,
				  struct extnet_dev *, void *))
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct dump_pos *p = (struct dump_pos *)cb->ctx;
	const struct bucket_table *tbl;
	struct extnet_dev *priv;
	struct rhashtable *h;
	int ret = 0;

	priv = lookup_device(sock_net(cb->skb->sk), info->attrs, cb->extack);
	if (IS_ERR(priv))
		/* Gone since the first call: the dump just ends. */
		return p->started ? 0 : PTR_ERR(priv);
	if (!p->started) {
		p->started = true;
		/* Non-zero, so that genl_dump_check_consistent() sees changes. */
		cb->seq = 1;
	}

	rcu_read_lock();
	h = ht(priv);
	tbl = rht_dereference_rcu(h->tbl, h);
	while (tbl) {
		if (p->hash_rnd != tbl->hash_rnd) {
			if (p->bucket || p->in_bucket)
				cb->seq++;
			p->hash_rnd = tbl->hash_rnd;
			p->bucket = 0;
			p->in_bucket = false;
		}
		for (; p->bucket < tbl->size; p->bucket++) {
			ret = dump_bucket(skb, cb, priv, h, tbl, p, fill);
			if (ret)
				goto out;
			p->in_bucket = false;
		}
		/* A resize in progress: the rest may have moved on. */
		tbl = rht_dereference_rcu(tbl->future_tbl, h);
	}
out:
	rcu_read_unlock();
	extnet_device_put(priv);
	return ret && !skb->len ? ret : skb->len;
}

static void *put_msg(struct sk_buff *skb, struct netlink_callback *cb,
		     struct extnet_dev *priv, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &extnet_genl_family,
				NLM_F_MULTI, cmd);

	if (hdr && nla_put_u32(skb, EXTNET_A_IFINDEX, priv->dev->ifindex)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

/* An address kept as IPv6 (IPv4 as IPv4-mapped): as @a4 or as @a6. */
static int put_addr46(struct sk_buff *skb, int a4, int a6,
		      const struct in6_addr *addr)
{
	if (ipv6_addr_v4mapped(addr))
		return nla_put_in_addr(skb, a4, addr->s6_addr32[3]);
	return nla_put_in6_addr(skb, a6, addr);
}

static int fill_entry(struct sk_buff *skb, struct netlink_callback *cb,
		      struct extnet_dev *priv, void *obj)
{
	const struct extnet_entry *e = obj;
	u8 lladdr[ETH_ALEN];
	struct nlattr *nest;
	void *hdr;

	hdr = put_msg(skb, cb, priv, EXTNET_CMD_MAP_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, EXTNET_A_MAP);
	if (!nest ||
	    put_addr46(skb, EXTNET_MAP_A_ADDR4, EXTNET_MAP_A_ADDR6, &e->addr) ||
	    put_addr46(skb, EXTNET_MAP_A_REMOTE4, EXTNET_MAP_A_REMOTE6,
		       &extnet_entry_vtep(e)->addr6) ||
	    (extnet_entry_lladdr(e, lladdr) &&
	     nla_put(skb, EXTNET_MAP_A_LLADDR, ETH_ALEN, lladdr)) ||
	    nla_put_u64_64bit(skb, EXTNET_MAP_A_TX_PACKETS,
			      atomic64_read(&e->tx_packets), EXTNET_MAP_A_PAD) ||
	    nla_put_u64_64bit(skb, EXTNET_MAP_A_TX_BYTES,
			      atomic64_read(&e->tx_bytes), EXTNET_MAP_A_PAD) ||
	    nla_put_u64_64bit(skb, EXTNET_MAP_A_RX_PACKETS,
			      atomic64_read(&e->rx_packets), EXTNET_MAP_A_PAD) ||
	    nla_put_u64_64bit(skb, EXTNET_MAP_A_RX_BYTES,
			      atomic64_read(&e->rx_bytes), EXTNET_MAP_A_PAD) ||
	    nla_put_u64_64bit(skb, EXTNET_MAP_A_CONFLICTS,
			      atomic64_read(&e->conflicts), EXTNET_MAP_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int fill_neigh(struct sk_buff *skb, struct netlink_callback *cb,
		      struct extnet_dev *priv, void *obj)
{
	const struct extnet_neigh *n = obj;
	/* Acquire pairs with neigh_complete(): the MAC is valid. */
	u8 state = smp_load_acquire(&n->state);
	struct nlattr *nest;
	void *hdr;

	if (state == EXTNET_NEIGH_DEAD)
		return 0;
	hdr = put_msg(skb, cb, priv, EXTNET_CMD_NEIGH_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, EXTNET_A_NEIGH);
	if (!nest ||
	    put_addr46(skb, EXTNET_NEIGH_A_ADDR4, EXTNET_NEIGH_A_ADDR6,
		       &n->addr) ||
	    (state == EXTNET_NEIGH_REACHABLE &&
	     nla_put(skb, EXTNET_NEIGH_A_LLADDR, ETH_ALEN, n->lladdr)) ||
	    nla_put_u8(skb, EXTNET_NEIGH_A_STATE, state) ||
	    nla_put_u32(skb, EXTNET_NEIGH_A_AGE,
			jiffies_to_msecs(jiffies - READ_ONCE(n->updated)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static struct rhashtable *entry_ht(struct extnet_dev *priv)
{
	return extnet_table_rht(&priv->table);
}

static struct rhashtable *neigh_ht(struct extnet_dev *priv)
{
	return &priv->neighs.ht;
}

static int map_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump_table(skb, cb, entry_ht, fill_entry);
}

static int neigh_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump_table(skb, cb, neigh_ht, fill_neigh);
}

static const struct genl_ops extnet_genl_ops[] = {
	{
		.cmd = EXTNET_CMD_LINK_GET,
		.policy = dev_policy,
		.doit = link_get_doit,
		.dumpit = link_get_dumpit,
	},
	{
		.cmd = EXTNET_CMD_LINK_SET,
		.policy = link_set_policy,
		.doit = link_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EXTNET_CMD_MAP_ADD,
		.policy = map_add_policy,
		.doit = map_add_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EXTNET_CMD_MAP_REPLACE,
		.policy = map_add_policy,
		.doit = map_add_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EXTNET_CMD_MAP_DEL,
		.policy = map_del_policy,
		.doit = map_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EXTNET_CMD_MAP_GET,
		.policy = dev_policy,
		.dumpit = map_get_dumpit,
	},
	{
		.cmd = EXTNET_CMD_MAP_FLUSH,
		.policy = dev_policy,
		.doit = map_flush_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EXTNET_CMD_NEIGH_GET,
		.policy = dev_policy,
		.dumpit = neigh_get_dumpit,
	},
	{
		.cmd = EXTNET_CMD_MAP_MOVE,
		.policy = map_move_policy,
		.doit = map_move_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Listening needs no privilege: the dumps show the same data. */
static const struct genl_multicast_group extnet_mcgrps[] = {
	[EXTNET_MCGRP_EVENTS_ID] = { .name = EXTNET_GENL_MCGRP_EVENTS },
};

/* Not static: events.c sends on its multicast group. */
struct genl_family extnet_genl_family __ro_after_init = {
	.name = EXTNET_GENL_NAME,
	.version = EXTNET_GENL_VERSION,
	.maxattr = EXTNET_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = extnet_genl_ops,
	.n_ops = ARRAY_SIZE(extnet_genl_ops),
	.mcgrps = extnet_mcgrps,
	.n_mcgrps = ARRAY_SIZE(extnet_mcgrps),
};

/**
 * extnet_genetlink_init() - register the generic netlink family
 *
 * Return: 0 or the error of genl_register_family().
 */
int __init extnet_genetlink_init(void)
{
	return genl_register_family(&extnet_genl_family);
}

/**
 * extnet_genetlink_uninit() - unregister the generic netlink family
 */
void extnet_genetlink_uninit(void)
{
	genl_unregister_family(&extnet_genl_family);
}
