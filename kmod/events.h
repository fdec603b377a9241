/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Notifications on the "events" multicast group, and the gratuitous ARP
 * announcements of EXTNET_CMD_MAP_MOVE.
 */
#ifndef _EXTNET_EVENTS_H
#define _EXTNET_EVENTS_H

#include <linux/ratelimit_types.h>
#include <linux/spinlock_types.h>
#include <linux/workqueue.h>
#include <linux/types.h>
#include <linux/in6.h>
#include <uapi/linux/extnet.h>

struct extnet_dev;
struct extnet_entry;
struct genl_family;

/* At most this many conflict events per device and second; the others
 * are counted in EXTNET_STATS_A_EVENTS_SUPPRESSED.
 */
#define EXTNET_CONFLICT_EVENT_BURST 5
/* Upper bound of EXTNET_MAP_A_ANNOUNCE. */
#define EXTNET_ANNOUNCE_MAX 10

/**
 * struct extnet_events - per-device state of events and announcements
 * @conflict_rs: rate limit of conflict events
 * @lock: guards @announces
 * @announces: pending announcements, struct extnet_announce
 * @announce_work: sends the announcements that are due
 */
struct extnet_events {
	struct ratelimit_state conflict_rs;
	spinlock_t lock; /* announces */
	struct list_head announces;
	struct delayed_work announce_work;
};

/* The generic netlink family, its "events" group is the first one. */
extern struct genl_family extnet_genl_family;
#define EXTNET_MCGRP_EVENTS_ID 0

void extnet_events_init(struct extnet_dev *priv);
void extnet_events_stop(struct extnet_dev *priv);
bool extnet_events_listened(struct extnet_dev *priv);
void extnet_event_map(struct extnet_dev *priv, enum extnet_event event,
		      const struct in6_addr *addr,
		      const struct in6_addr *remote, const u8 *lladdr);
void extnet_event_neigh(struct extnet_dev *priv, enum extnet_event event,
			const struct in6_addr *addr, const u8 *lladdr);
void extnet_conflict(struct extnet_dev *priv, struct extnet_entry *entry,
		     enum extnet_conflict_side side, const u8 *lladdr,
		     const struct in6_addr *remote);
int extnet_announce_start(struct extnet_dev *priv,
			  const struct in6_addr *addr, unsigned int count);
void extnet_announce_cancel(struct extnet_dev *priv,
			    const struct in6_addr *addr);
void extnet_announce_cancel_all(struct extnet_dev *priv);

#endif /* _EXTNET_EVENTS_H */
