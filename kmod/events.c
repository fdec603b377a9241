// SPDX-License-Identifier: GPL-2.0
/*
 * Events and announcements.
 *
 * Events are EXTNET_CMD_EVENT messages multicast on the family's "events"
 * group in the device's network namespace. Listening needs no privilege,
 * like reading the tables with dumps (which show the same data). A
 * message is built only if someone listens; it is allocated with
 * GFP_ATOMIC, so events can be sent from the data path, from timers and
 * under spinlocks. Conflict events come from the data path at whatever
 * rate a misbehaving host sends: they are rate-limited per device and the
 * ones not sent are counted in EXTNET_STATS_A_EVENTS_SUPPRESSED.
 *
 * Announcements tell the local segment that an address moved away
 * (EXTNET_CMD_MAP_MOVE): ARP Announcements as RFC 5227 §3 defines them,
 * an ARP request whose sender and target protocol addresses are both the
 * address and whose target hardware address is zero, broadcast. Every
 * host that has the address in its ARP cache updates it to the sender
 * hardware address (RFC 826 merge rule; Linux takes it as a gratuitous
 * ARP and overrides its lock time); hosts that do not know the address
 * do not create an entry. The first is sent at once, the others one
 * second apart from a delayed work, which also checks that the entry is
 * still there: a removed entry, a move back, a flush, the device going
 * down or being deleted stop them.
 */
#include <linux/etherdevice.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "datapath.h"
#include "events.h"

/**
 * struct extnet_announce - announcements still to send for one address
 * @list: entry in &extnet_events.announces
 * @addr: the address; IPv4 as IPv4-mapped IPv6
 * @left: announcements still to send
 * @next: jiffies when the next one is due
 */
struct extnet_announce {
	struct list_head list;
	struct in6_addr addr;
	unsigned int left;
	unsigned long next;
};

static struct net *dev_netns(struct extnet_dev *priv)
{
	return dev_net(priv->dev);
}

/**
 * extnet_events_listened() - whether a socket listens to the device's events
 * @priv: the device
 *
 * Every extnet_event_*() function checks it and builds nothing when it is
 * false; a caller about to report many changes can check it once and skip
 * the calls. The answer may change right after the call: a socket that joins
 * the events group later does not see what happened before.
 *
 * Context: any.
 * Return: true if a socket of the device's network namespace is in the
 * EXTNET_GENL_MCGRP_EVENTS group.
 */
bool extnet_events_listened(struct extnet_dev *priv)
{
	return genl_has_listeners(&extnet_genl_family, dev_netns(priv),
				  EXTNET_MCGRP_EVENTS_ID);
}

/* The largest event: the event, the device, and a nest of at most two
 * IPv6 addresses, a MAC and a u8.
 */
static size_t event_size(void)
{
	return nla_total_size(sizeof(u8)) +		/* EXTNET_A_EVENT */
	       nla_total_size(sizeof(u32)) +		/* EXTNET_A_IFINDEX */
	       nla_total_size(IFNAMSIZ) +		/* EXTNET_A_IFNAME */
	       nla_total_size(0) +			/* the nest */
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       nla_total_size(ETH_ALEN) +
	       nla_total_size(sizeof(u8));
}

/* Starts an event message: the event and the device. */
static struct sk_buff *event_new(struct extnet_dev *priv,
				 enum extnet_event event, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(event_size(), GFP_ATOMIC);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &extnet_genl_family, 0,
			   EXTNET_CMD_EVENT);
	if (!*hdr ||
	    nla_put_u8(skb, EXTNET_A_EVENT, event) ||
	    nla_put_u32(skb, EXTNET_A_IFINDEX, priv->dev->ifindex) ||
	    nla_put_string(skb, EXTNET_A_IFNAME, priv->dev->name)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* An address as the IPv4 or the IPv6 attribute of a pair. */
static int put_addr46(struct sk_buff *skb, int type4, int type6,
		      const struct in6_addr *addr)
{
	if (ipv6_addr_v4mapped(addr))
		return nla_put_in_addr(skb, type4, addr->s6_addr32[3]);
	return nla_put_in6_addr(skb, type6, addr);
}

static void event_send(struct extnet_dev *priv, struct sk_buff *skb,
		       void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&extnet_genl_family, dev_netns(priv), skb, 0,
				EXTNET_MCGRP_EVENTS_ID, GFP_ATOMIC);
}

/**
 * extnet_event_map() - report a change of the mapping table
 * @priv: the device
 * @event: EXTNET_EVENT_MAP_ADDED, _REMOVED, _MOVED or _FLUSHED
 * @addr: the overlay address, IPv4 as IPv4-mapped IPv6 (NULL for _FLUSHED)
 * @remote: its VTEP, likewise, or NULL (removed, or moved here)
 * @lladdr: its MAC, or NULL
 *
 * A flush is one event without EXTNET_A_MAP, however many entries it
 * removed.
 *
 * Context: any.
 */
void extnet_event_map(struct extnet_dev *priv, enum extnet_event event,
		      const struct in6_addr *addr,
		      const struct in6_addr *remote, const u8 *lladdr)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	if (!extnet_events_listened(priv))
		return;
	skb = event_new(priv, event, &hdr);
	if (!skb)
		return;
	if (addr) {
		nest = nla_nest_start(skb, EXTNET_A_MAP);
		if (!nest ||
		    put_addr46(skb, EXTNET_MAP_A_ADDR4, EXTNET_MAP_A_ADDR6,
			       addr) ||
		    (remote &&
		     put_addr46(skb, EXTNET_MAP_A_REMOTE4, EXTNET_MAP_A_REMOTE6,
				remote)) ||
		    (lladdr && nla_put(skb, EXTNET_MAP_A_LLADDR, ETH_ALEN, lladdr)))
			goto err;
		nla_nest_end(skb, nest);
	}
	event_send(priv, skb, hdr);
	return;
err:
	nlmsg_free(skb);
}

/**
 * extnet_event_neigh() - report a change of a learned local neighbour
 * @priv: the device
 * @event: EXTNET_EVENT_NEIGH_LEARNED, _EXPIRED or EXTNET_EVENT_PROBE_FAILED
 * @addr: the neighbour's address; IPv4 as IPv4-mapped IPv6
 * @lladdr: its MAC, or NULL (probe failed)
 *
 * Context: any.
 */
void extnet_event_neigh(struct extnet_dev *priv, enum extnet_event event,
			const struct in6_addr *addr, const u8 *lladdr)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	if (!extnet_events_listened(priv))
		return;
	skb = event_new(priv, event, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, EXTNET_A_NEIGH);
	if (!nest ||
	    put_addr46(skb, EXTNET_NEIGH_A_ADDR4, EXTNET_NEIGH_A_ADDR6, addr) ||
	    (lladdr && nla_put(skb, EXTNET_NEIGH_A_LLADDR, ETH_ALEN, lladdr))) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	event_send(priv, skb, hdr);
}

/**
 * extnet_conflict() - count and report a frame that claims a mapped address
 *	from the wrong side
 * @priv: the device
 * @entry: the mapping entry of the frame's source address
 * @side: EXTNET_CONFLICT_LOCAL (from the segment) or EXTNET_CONFLICT_TUNNEL
 *	(from a VTEP other than the entry's)
 * @lladdr: the frame's (inner) source MAC
 * @remote: the VTEP it came from (tunnel side; IPv4 as IPv4-mapped IPv6),
 *	or NULL
 *
 * Counts the conflict in @entry (EXTNET_MAP_A_CONFLICTS) and sends an
 * EXTNET_EVENT_CONFLICT, at most EXTNET_CONFLICT_EVENT_BURST a second per
 * device; suppressed events are counted in EXTNET_STATS_A_EVENTS_SUPPRESSED.
 * The caller counts the drop in the device's counters and drops the frame.
 *
 * Context: softirq, rcu_read_lock() held (@entry is valid).
 */
void extnet_conflict(struct extnet_dev *priv, struct extnet_entry *entry,
		     enum extnet_conflict_side side, const u8 *lladdr,
		     const struct in6_addr *remote)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	atomic64_inc(&entry->conflicts);
	if (!extnet_events_listened(priv))
		return;
	if (!__ratelimit(&priv->events.conflict_rs)) {
		extnet_count(priv, EXTNET_STATS_A_EVENTS_SUPPRESSED);
		return;
	}
	skb = event_new(priv, EXTNET_EVENT_CONFLICT, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, EXTNET_A_CONFLICT);
	if (!nest ||
	    nla_put_u8(skb, EXTNET_CONFLICT_A_SIDE, side) ||
	    put_addr46(skb, EXTNET_CONFLICT_A_ADDR4, EXTNET_CONFLICT_A_ADDR6,
		       &entry->addr) ||
	    nla_put(skb, EXTNET_CONFLICT_A_LLADDR, ETH_ALEN, lladdr) ||
	    (remote &&
	     put_addr46(skb, EXTNET_CONFLICT_A_REMOTE4,
			EXTNET_CONFLICT_A_REMOTE6, remote))) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	event_send(priv, skb, hdr);
}

/* Sends the announcements that are due; returns when the next one is. */
static void announce_work(struct work_struct *work)
{
	struct extnet_events *ev = container_of(to_delayed_work(work),
						struct extnet_events,
						announce_work);
	struct extnet_dev *priv = container_of(ev, struct extnet_dev, events);
	struct extnet_announce *a, *tmp;
	unsigned long next = 0;
	bool pending = false;

	rcu_read_lock();
	spin_lock_bh(&ev->lock);
	list_for_each_entry_safe(a, tmp, &ev->announces, list) {
		struct extnet_entry *e;

		e = extnet_table_lookup(&priv->table, &a->addr);
		if (!e || !netif_running(priv->dev)) {
			a->left = 0;
		} else if (time_after_eq(jiffies, a->next)) {
			u8 lladdr[ETH_ALEN];
			const u8 *mac = extnet_entry_lladdr(e, lladdr) ?
					lladdr : priv->dev->dev_addr;

			if (ipv6_addr_v4mapped(&a->addr))
				extnet_arp_announce(priv, a->addr.s6_addr32[3],
						    mac);
			else
				extnet_ndisc_announce(priv, &a->addr, mac);
			a->left--;
			/* At least a second apart, even after a delay. */
			a->next = jiffies + HZ;
		}
		if (!a->left) {
			list_del(&a->list);
			kfree(a);
			continue;
		}
		if (!pending || time_before(a->next, next))
			next = a->next;
		pending = true;
	}
	if (pending)
		mod_delayed_work(system_wq, &ev->announce_work,
				 time_after(next, jiffies) ? next - jiffies : 0);
	spin_unlock_bh(&ev->lock);
	rcu_read_unlock();
}

/**
 * extnet_announce_start() - announce that an address now lives elsewhere
 * @priv: the device, up
 * @addr: the address, IPv4 as IPv4-mapped IPv6; mapped as remote
 * @count: announcements to send, one second apart, the first at once;
 *	0 sends none (and cancels those pending)
 *
 * Replaces announcements still pending for @addr. Each one is an ARP
 * Announcement (RFC 5227 §3) for IPv4 or an unsolicited Neighbour
 * Advertisement with the Override flag (RFC 4861 §7.2.6) for IPv6, from the
 * entry's lladdr or the device's MAC, counted in EXTNET_STATS_A_ANNOUNCES.
 * They stop early if the entry goes away or the device goes down.
 *
 * Context: process context, RTNL held (so that the device cannot go down
 * meanwhile: extnet_events_stop() runs under RTNL).
 * Return: 0 or -ENOMEM.
 */
int extnet_announce_start(struct extnet_dev *priv,
			  const struct in6_addr *addr, unsigned int count)
{
	struct extnet_events *ev = &priv->events;
	struct extnet_announce *a;

	ASSERT_RTNL();
	extnet_announce_cancel(priv, addr);
	if (!count || !netif_running(priv->dev))
		return 0;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->addr = *addr;
	a->left = count;
	a->next = jiffies;
	spin_lock_bh(&ev->lock);
	list_add_tail(&a->list, &ev->announces);
	mod_delayed_work(system_wq, &ev->announce_work, 0);
	spin_unlock_bh(&ev->lock);
	return 0;
}

/**
 * extnet_announce_cancel() - stop the announcements of an address
 * @priv: the device
 * @addr: the address, IPv4 as IPv4-mapped IPv6
 *
 * Context: process context.
 */
void extnet_announce_cancel(struct extnet_dev *priv,
			    const struct in6_addr *addr)
{
	struct extnet_events *ev = &priv->events;
	struct extnet_announce *a, *tmp;

	spin_lock_bh(&ev->lock);
	list_for_each_entry_safe(a, tmp, &ev->announces, list) {
		if (ipv6_addr_equal(&a->addr, addr)) {
			list_del(&a->list);
			kfree(a);
		}
	}
	spin_unlock_bh(&ev->lock);
}

/**
 * extnet_announce_cancel_all() - stop every pending announcement
 * @priv: the device
 *
 * Does not wait for the work: one already running sends nothing more.
 *
 * Context: process context.
 */
void extnet_announce_cancel_all(struct extnet_dev *priv)
{
	struct extnet_events *ev = &priv->events;
	struct extnet_announce *a, *tmp;

	spin_lock_bh(&ev->lock);
	list_for_each_entry_safe(a, tmp, &ev->announces, list) {
		list_del(&a->list);
		kfree(a);
	}
	spin_unlock_bh(&ev->lock);
}

/**
 * extnet_events_init() - initialise a device's event state
 * @priv: the device
 *
 * Context: process context (device setup).
 */
void extnet_events_init(struct extnet_dev *priv)
{
	struct extnet_events *ev = &priv->events;

	ratelimit_state_init(&ev->conflict_rs, HZ, EXTNET_CONFLICT_EVENT_BURST);
	/* Suppressed events are counted, not logged. */
	ratelimit_set_flags(&ev->conflict_rs, RATELIMIT_MSG_ON_RELEASE);
	spin_lock_init(&ev->lock);
	INIT_LIST_HEAD(&ev->announces);
	INIT_DELAYED_WORK(&ev->announce_work, announce_work);
}

/**
 * extnet_events_stop() - drop pending announcements and wait for the work
 * @priv: the device
 *
 * Called when the device goes down and when it is deleted (also on module
 * unload, which deletes every device).
 *
 * Context: process context, RTNL held.
 */
void extnet_events_stop(struct extnet_dev *priv)
{
	ASSERT_RTNL();
	extnet_announce_cancel_all(priv);
	cancel_delayed_work_sync(&priv->events.announce_work);
}
