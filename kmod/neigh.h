/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Learned local neighbours: which MAC a local overlay address has, learned
 * by snooping frames from the segment and, on a miss, by probing with ARP.
 */
#ifndef _EXTNET_NEIGH_H
#define _EXTNET_NEIGH_H

#include <linux/rhashtable-types.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct extnet_dev;

/* Bounds, like the kernel's neighbour table: entries, entries being
 * resolved, packets held per unresolved entry (unres_qlen) and probes sent
 * one second apart before giving up.
 */
#define EXTNET_NEIGH_MAX 16384
#define EXTNET_NEIGH_MAX_INCOMPLETE 256
#define EXTNET_NEIGH_QLEN 3
#define EXTNET_NEIGH_PROBES 3

/* Internal state; the uapi values plus DEAD for entries already unlinked. */
#define EXTNET_NEIGH_DEAD 0

/**
 * struct extnet_neigh - a local host: overlay address -> MAC
 * @node: rhashtable linkage
 * @addr: overlay address, the key; IPv4 as IPv4-mapped IPv6
 * @lladdr: the host's MAC; stable once @state is REACHABLE (a new MAC
 *	replaces the whole entry)
 * @state: enum extnet_neigh_state or EXTNET_NEIGH_DEAD; INCOMPLETE ->
 *	REACHABLE is published with release semantics under @queue's lock
 * @probes: probes sent while INCOMPLETE
 * @updated: jiffies when last heard (REACHABLE) or probed (INCOMPLETE)
 * @queue: packets held while INCOMPLETE; its lock guards @state changes
 * @rcu: frees the entry after readers are done
 */
struct extnet_neigh {
	struct rhash_head node;
	struct in6_addr addr;
	u8 lladdr[ETH_ALEN];
	u8 state;
	u8 probes;
	unsigned long updated;
	struct sk_buff_head queue;
	struct rcu_head rcu;
};

/**
 * struct extnet_neigh_table - the learned neighbours of one device
 * @ht: neighbours keyed by address; read under RCU
 * @lock: serialises writers of @ht
 * @incomplete: entries being resolved
 * @work: sends probe retries and ages entries, once a second while the
 *	table is not empty
 */
struct extnet_neigh_table {
	struct rhashtable ht;
	spinlock_t lock; /* writers of ht */
	atomic_t incomplete;
	struct delayed_work work;
};

int extnet_neigh_init(struct extnet_neigh_table *nt);
void extnet_neigh_destroy(struct extnet_neigh_table *nt);
void extnet_neigh_learn4(struct extnet_dev *priv, __be32 addr, const u8 *mac);
void extnet_neigh_learn(struct extnet_dev *priv, const struct in6_addr *key,
			const u8 *mac);
bool extnet_neigh_refresh(struct extnet_dev *priv, const struct in6_addr *key,
			  const u8 *mac);
int extnet_neigh_output(struct extnet_dev *priv, struct sk_buff *skb,
			const struct in6_addr *key);
void extnet_neigh_forget(struct extnet_dev *priv, const struct in6_addr *key);
int extnet_neigh_output4(struct extnet_dev *priv, struct sk_buff *skb,
			 __be32 daddr);
void extnet_neigh_forget4(struct extnet_dev *priv, __be32 addr);
unsigned int extnet_neigh_count(struct extnet_neigh_table *nt);

#endif /* _EXTNET_NEIGH_H */
