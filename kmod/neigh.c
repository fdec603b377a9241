// SPDX-License-Identifier: GPL-2.0
/*
 * Learned local neighbours.
 *
 * Decapsulated frames need the MAC of their local destination host. The
 * transmit path learns (address, MAC) from every frame a local host sends
 * (ARP sender fields, IPv4 source; for IPv6 the source of unicast packets,
 * the source link-layer option of Neighbour Solicitations and the target
 * link-layer option of Neighbour Advertisements); on a miss the receive path
 * holds a few packets, probes the segment (ARP, RFC 5227 style, sender
 * 0.0.0.0 by default; for IPv6 a Neighbour Solicitation from ::, as in
 * Duplicate Address Detection, RFC 4862 §5.4.2) and sends them once the
 * host answers. Entries age out when a
 * host is silent for the ageing time.
 *
 * Readers are lockless (RCU). Writers take the table's spinlock; they run
 * in softirq (learning, probing) and in the per-device work (retries,
 * ageing). A MAC change replaces the entry, so a reachable entry's MAC
 * never changes under a reader.
 */
#include <linux/rhashtable.h>
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "device.h"
#include "datapath.h"

static const struct rhashtable_params neigh_params = {
	.head_offset = offsetof(struct extnet_neigh, node),
	.key_offset = offsetof(struct extnet_neigh, addr),
	.key_len = sizeof(struct in6_addr),
	.hashfn = extnet_addr_hash,
	.obj_cmpfn = extnet_addr_cmp,
	/* Buckets: rhashtable refuses inserts at twice this many entries. */
	.max_size = EXTNET_NEIGH_MAX / 2,
	.automatic_shrinking = true,
};

static struct extnet_dev *nt_to_priv(struct extnet_neigh_table *nt)
{
	return container_of(nt, struct extnet_dev, neighs);
}

static struct extnet_neigh *neigh_alloc(const struct in6_addr *addr,
					const u8 *mac)
{
	struct extnet_neigh *n = kzalloc(sizeof(*n), GFP_ATOMIC);

	if (!n)
		return NULL;
	n->addr = *addr;
	skb_queue_head_init(&n->queue);
	n->updated = jiffies;
	if (mac) {
		ether_addr_copy(n->lladdr, mac);
		n->state = EXTNET_NEIGH_REACHABLE;
	} else {
		n->state = EXTNET_NEIGH_INCOMPLETE;
	}
	return n;
}

static void neigh_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct extnet_neigh, rcu));
}

static void kick_work(struct extnet_neigh_table *nt)
{
	if (!delayed_work_pending(&nt->work))
		queue_delayed_work(system_power_efficient_wq, &nt->work, HZ);
}

/* Marks @n dead and hands back the packets it held. With @incomplete, only
 * if it is still INCOMPLETE: a host's answer may have completed it since the
 * caller looked (neigh_complete() changes the state under @n's queue lock,
 * not the table's). Returns whether @n was killed.
 */
static bool neigh_kill(struct extnet_neigh_table *nt, struct extnet_neigh *n,
		       struct sk_buff_head *held, bool incomplete)
{
	spin_lock(&n->queue.lock);
	if (n->state != EXTNET_NEIGH_INCOMPLETE && incomplete) {
		spin_unlock(&n->queue.lock);
		return false;
	}
	if (n->state == EXTNET_NEIGH_INCOMPLETE)
		atomic_dec(&nt->incomplete);
	WRITE_ONCE(n->state, EXTNET_NEIGH_DEAD);
	skb_queue_splice_init(&n->queue, held);
	spin_unlock(&n->queue.lock);
	return true;
}

/* Unlinks @n; caller holds nt->lock. */
static void neigh_unlink(struct extnet_neigh_table *nt, struct extnet_neigh *n,
			 struct sk_buff_head *held)
{
	lockdep_assert_held(&nt->lock);
	rhashtable_remove_fast(&nt->ht, &n->node, neigh_params);
	neigh_kill(nt, n, held, false);
	call_rcu(&n->rcu, neigh_free_rcu);
}

static void drop_held(struct extnet_dev *priv, struct sk_buff_head *held,
		      enum extnet_stats_attr counter)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(held))) {
		extnet_count(priv, counter);
		dev_core_stats_rx_dropped_inc(priv->dev);
		kfree_skb(skb);
	}
}

/* Completes an INCOMPLETE entry: publishes the MAC, then sends what it
 * held. Returns false if the entry was not INCOMPLETE any more.
 */
static bool neigh_complete(struct extnet_dev *priv, struct extnet_neigh *n,
			   const u8 *mac)
{
	struct sk_buff_head held;
	struct sk_buff *skb;

	__skb_queue_head_init(&held);
	spin_lock(&n->queue.lock);
	if (n->state != EXTNET_NEIGH_INCOMPLETE) {
		spin_unlock(&n->queue.lock);
		return false;
	}
	ether_addr_copy(n->lladdr, mac);
	WRITE_ONCE(n->updated, jiffies);
	/* Pairs with smp_load_acquire() in readers: lladdr before state. */
	smp_store_release(&n->state, EXTNET_NEIGH_REACHABLE);
	atomic_dec(&priv->neighs.incomplete);
	skb_queue_splice_init(&n->queue, &held);
	spin_unlock(&n->queue.lock);

	while ((skb = __skb_dequeue(&held)))
		extnet_rx_deliver(priv, skb, mac);
	return true;
}

static void learn_slow(struct extnet_dev *priv, const struct in6_addr *key,
		       const u8 *mac)
{
	struct extnet_neigh_table *nt = &priv->neighs;
	struct extnet_neigh *old, *n;
	struct sk_buff_head held;

again:
	spin_lock_bh(&nt->lock);
	/* Mapped meanwhile? A mapping insert is followed by a forget, which
	 * looks for the neighbour without this lock: the forget writes the
	 * mapping, then reads the neighbours; we read the neighbours (@old,
	 * which neigh_resolve() may just have inserted), then the mapping,
	 * each side with a full barrier between. Either the forget finds
	 * @old, or we see the mapping here (extnet_neigh_refresh()). A new
	 * entry we insert below is checked again in the same way.
	 */
	old = rhashtable_lookup_fast(&nt->ht, key, neigh_params);
	/* @old read before the mapping; pairs with extnet_neigh_forget(). */
	smp_mb();
	if (extnet_table_lookup(&priv->table, key))
		goto out_unlock;
	if (old && READ_ONCE(old->state) == EXTNET_NEIGH_INCOMPLETE) {
		/* Send what it held without holding the table's lock. If the
		 * work gave up on it meanwhile, start over.
		 */
		spin_unlock_bh(&nt->lock);
		if (!neigh_complete(priv, old, mac))
			goto again;
		extnet_count(priv, EXTNET_STATS_A_NEIGH_LEARNED);
		extnet_event_neigh(priv, EXTNET_EVENT_NEIGH_LEARNED, key, mac);
		return;
	}
	if (old && ether_addr_equal(old->lladdr, mac)) {
		WRITE_ONCE(old->updated, jiffies);
		goto out_unlock;
	}

	n = neigh_alloc(key, mac);
	if (!n)
		goto out_full;
	if (old) {
		__skb_queue_head_init(&held);
		if (rhashtable_replace_fast(&nt->ht, &old->node, &n->node,
					    neigh_params)) {
			kfree(n);
			goto out_full;
		}
		neigh_kill(nt, old, &held, false);
		call_rcu(&old->rcu, neigh_free_rcu);
		/* A reachable entry holds nothing. */
		WARN_ON_ONCE(!skb_queue_empty(&held));
	} else if (rhashtable_insert_fast(&nt->ht, &n->node, neigh_params)) {
		kfree(n);
		goto out_full;
	} else {
		/* Pairs with the barrier in extnet_neigh_forget(), between
		 * the mapping insert and its lookup without our lock: either
		 * that lookup finds @n, or this one finds the mapping.
		 */
		smp_mb();
		if (extnet_table_lookup(&priv->table, key)) {
			rhashtable_remove_fast(&nt->ht, &n->node, neigh_params);
			/* As neigh_kill(): a reader holding it sees it gone. */
			WRITE_ONCE(n->state, EXTNET_NEIGH_DEAD);
			call_rcu(&n->rcu, neigh_free_rcu);
			goto out_unlock;
		}
	}
	kick_work(nt);
	spin_unlock_bh(&nt->lock);
	extnet_count(priv, EXTNET_STATS_A_NEIGH_LEARNED);
	extnet_event_neigh(priv, EXTNET_EVENT_NEIGH_LEARNED, key, mac);
	return;
out_full:
	extnet_count(priv, EXTNET_STATS_A_RX_DROP_NEIGH_FULL);
out_unlock:
	spin_unlock_bh(&nt->lock);
}

/* Whether @key (IPv4 as IPv4-mapped) can name a local host. */
static bool key_is_host(const struct in6_addr *key)
{
	if (ipv6_addr_v4mapped(key))
		return extnet_addr4_is_host(key->s6_addr32[3]);
	return extnet_addr6_is_host(key);
}

/* Asks the segment for @key: ARP for IPv4, a Neighbour Solicitation for
 * IPv6.
 */
static void neigh_probe(struct extnet_dev *priv, const struct in6_addr *key)
{
	if (ipv6_addr_v4mapped(key))
		extnet_arp_probe(priv, key->s6_addr32[3]);
	else
		extnet_ndisc_probe(priv, key);
}

/**
 * extnet_neigh_learn4() - note that a local host has an IPv4 address and a MAC
 * @priv: the device
 * @addr: the host's IPv4 address, network order
 * @mac: the host's MAC
 *
 * See extnet_neigh_learn().
 *
 * Context: softirq (transmit path), rcu_read_lock() held.
 */
void extnet_neigh_learn4(struct extnet_dev *priv, __be32 addr, const u8 *mac)
{
	union extnet_key key;

	ipv6_addr_set_v4mapped(addr, &key.addr);
	extnet_neigh_learn(priv, &key.addr, mac);
}

/**
 * extnet_neigh_learn() - note that a local host has an address and a MAC
 * @priv: the device
 * @key: the host's address; IPv4 as IPv4-mapped IPv6
 * @mac: the host's MAC
 *
 * Called for every frame from the segment, so the common case, a known
 * host with the same MAC, only reads the table and refreshes a timestamp
 * at most once a second. Completes a pending resolution and sends the
 * packets it held. Addresses that cannot name one host (multicast,
 * unspecified, loopback, IPv6 link-local) and invalid MACs are ignored.
 *
 * Context: softirq (transmit path), rcu_read_lock() held.
 */
void extnet_neigh_learn(struct extnet_dev *priv, const struct in6_addr *key,
			const u8 *mac)
{
	if (!is_valid_ether_addr(mac) || !key_is_host(key))
		return;
	if (!extnet_neigh_refresh(priv, key, mac))
		learn_slow(priv, key, mac);
}

/**
 * extnet_neigh_refresh() - the fast path of learning: a known host
 * @priv: the device
 * @key: the host's address; IPv4 as IPv4-mapped IPv6
 * @mac: the MAC its frame came from
 *
 * Only reads the table and, at most once a second, refreshes a timestamp.
 * A reachable entry exists only for an address that was not mapped when
 * it was learned (learn_slow() checks under the table's lock) and is
 * forgotten when the address is mapped, so a true return also tells the
 * transmit path that @key is not mapped remote.
 *
 * Context: softirq, rcu_read_lock() held.
 * Return: true if @key is reachable at @mac; false otherwise (unknown,
 * being resolved, or another MAC), and nothing is changed.
 */
bool extnet_neigh_refresh(struct extnet_dev *priv, const struct in6_addr *key,
			  const u8 *mac)
{
	struct extnet_neigh *n;

	n = rhashtable_lookup(&priv->neighs.ht, key, neigh_params);
	/* Acquire pairs with neigh_complete(): the MAC is valid. */
	if (!n || smp_load_acquire(&n->state) != EXTNET_NEIGH_REACHABLE ||
	    !ether_addr_equal(n->lladdr, mac))
		return false;
	if (time_after(jiffies, READ_ONCE(n->updated) + HZ))
		WRITE_ONCE(n->updated, jiffies);
	return true;
}

/* Creates an INCOMPLETE entry for @key and probes for it. Returns the
 * entry in the table for @key (maybe another CPU's), or NULL if full.
 */
static struct extnet_neigh *neigh_resolve(struct extnet_dev *priv,
					  const struct in6_addr *key)
{
	struct extnet_neigh_table *nt = &priv->neighs;
	struct extnet_neigh *n, *old;

	if (atomic_read(&nt->incomplete) >= EXTNET_NEIGH_MAX_INCOMPLETE)
		return NULL;
	n = neigh_alloc(key, NULL);
	if (!n)
		return NULL;

	spin_lock(&nt->lock);
	old = rhashtable_lookup_get_insert_fast(&nt->ht, &n->node,
						neigh_params);
	if (old) {
		spin_unlock(&nt->lock);
		kfree(n);
		return IS_ERR(old) ? NULL : old;
	}
	atomic_inc(&nt->incomplete);
	n->probes = 1;
	kick_work(nt);
	spin_unlock(&nt->lock);

	neigh_probe(priv, key);
	return n;
}

/**
 * extnet_neigh_output4() - send a decapsulated IPv4 frame to its local host
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header; its
 *	destination MAC is overwritten
 * @daddr: its IPv4 destination, network order
 *
 * See extnet_neigh_output().
 *
 * Context: softirq (receive path), rcu_read_lock() held.
 * Return: as extnet_neigh_output().
 */
int extnet_neigh_output4(struct extnet_dev *priv, struct sk_buff *skb,
			 __be32 daddr)
{
	union extnet_key key;

	ipv6_addr_set_v4mapped(daddr, &key.addr);
	return extnet_neigh_output(priv, skb, &key.addr);
}

/**
 * extnet_neigh_output() - send a decapsulated frame to its local host
 * @priv: the device
 * @skb: the inner Ethernet frame, skb->data at its MAC header; its
 *	destination MAC is overwritten
 * @key: its destination address; IPv4 as IPv4-mapped IPv6
 *
 * Sends at once if the host's MAC is known. Otherwise refuses a frame whose
 * destination is mapped remote (a loop; a known host is never mapped, see
 * extnet_neigh_refresh(), so only a miss costs that lookup), or holds the frame
 * (at most EXTNET_NEIGH_QLEN per host) and probes for the host; the frame
 * is sent when the host answers, or dropped and counted after
 * EXTNET_NEIGH_PROBES unanswered probes. Probes are ARP requests for IPv4
 * and DAD-style Neighbour Solicitations (source ::) for IPv6. A neighbour
 * found dead was unlinked after the lookup (a new MAC learned, aged out,
 * forgotten, or its probes failed just then): the frame is looked up once
 * more, and goes to its successor, or is held for a new probe.
 *
 * Context: softirq (receive path), rcu_read_lock() held.
 * Return: 0, @skb sent or held for its host; -ENOBUFS, @skb dropped and
 * counted (as EXTNET_STATS_A_RX_DROP_NEIGH_FULL, _QUEUE_FULL or
 * _PROBE_FAILED, and in the device's rx_dropped); -ELOOP, @skb left to the
 * caller: its destination is mapped remote.
 */
int extnet_neigh_output(struct extnet_dev *priv, struct sk_buff *skb,
			const struct in6_addr *key)
{
	bool retried = false;
	struct extnet_neigh *n;
	u8 state;

again:
	n = rhashtable_lookup(&priv->neighs.ht, key, neigh_params);
	/* Acquire pairs with neigh_complete(): the MAC is valid. */
	if (likely(n && smp_load_acquire(&n->state) ==
		   EXTNET_NEIGH_REACHABLE)) {
		extnet_rx_receive(priv, skb, n->lladdr);
		return 0;
	}
	/* Not a known local host: maybe one that lives at another site
	 * (mapped at both ends), which is never sent back.
	 */
	if (extnet_table_lookup(&priv->table, key))
		return -ELOOP;
	if (!n)
		n = neigh_resolve(priv, key);
	if (!n) {
		extnet_count(priv, EXTNET_STATS_A_RX_DROP_NEIGH_FULL);
		goto drop;
	}

	spin_lock(&n->queue.lock);
	state = n->state;
	if (state == EXTNET_NEIGH_INCOMPLETE &&
	    skb_queue_len(&n->queue) < EXTNET_NEIGH_QLEN) {
		__skb_queue_tail(&n->queue, skb);
		spin_unlock(&n->queue.lock);
		return 0;
	}
	spin_unlock(&n->queue.lock);

	if (state == EXTNET_NEIGH_REACHABLE) {
		extnet_rx_deliver(priv, skb, n->lladdr);
		return 0;
	}
	if (state == EXTNET_NEIGH_DEAD && !retried) {
		retried = true;
		goto again;
	}
	extnet_count(priv, state == EXTNET_NEIGH_INCOMPLETE ?
		     EXTNET_STATS_A_RX_DROP_QUEUE_FULL :
		     EXTNET_STATS_A_RX_DROP_PROBE_FAILED);
drop:
	dev_core_stats_rx_dropped_inc(priv->dev);
	kfree_skb(skb);
	return -ENOBUFS;
}

/**
 * extnet_neigh_forget4() - forget a learned IPv4 neighbour
 * @priv: the device
 * @addr: IPv4 address, network order
 *
 * See extnet_neigh_forget().
 *
 * Context: process context.
 */
void extnet_neigh_forget4(struct extnet_dev *priv, __be32 addr)
{
	union extnet_key key;

	ipv6_addr_set_v4mapped(addr, &key.addr);
	extnet_neigh_forget(priv, &key.addr);
}

/* extnet_neigh_forget() of an address the table holds. Out of line: its
 * queue head on the stack would cost the caller's frame a realignment (see
 * union extnet_key), for the common case of an address never learned.
 */
static noinline void forget_locked(struct extnet_dev *priv,
				   const struct in6_addr *key)
{
	struct extnet_neigh_table *nt = &priv->neighs;
	struct sk_buff_head held;
	struct extnet_neigh *n;

	__skb_queue_head_init(&held);
	spin_lock_bh(&nt->lock);
	n = rhashtable_lookup_fast(&nt->ht, key, neigh_params);
	if (n)
		neigh_unlink(nt, n, &held);
	spin_unlock_bh(&nt->lock);
	drop_held(priv, &held, EXTNET_STATS_A_RX_DROP_LOOP);
}

/**
 * extnet_neigh_forget() - forget a learned neighbour
 * @priv: the device
 * @key: the address; IPv4 as IPv4-mapped IPv6
 *
 * Used when the address becomes mapped as remote, once its mapping entry
 * is in the table: it no longer lives here. Packets held for it are
 * dropped and counted as EXTNET_STATS_A_RX_DROP_LOOP: they would go back
 * into the tunnel.
 *
 * Most mapped addresses never were local hosts, and a load of many entries
 * calls this once per entry: the table is looked up without its lock
 * first, so that such an address costs a lookup, not a lock, a lookup and
 * an unlock that re-enables bottom halves. A host learned at the same
 * moment is not missed: the barrier here orders the mapping insert before
 * that lookup, and pairs with the ones learn_slow() makes between finding
 * or inserting an entry the lookup here may have missed (an INCOMPLETE one
 * it is about to complete, a new neighbour) and looking for its mapping.
 * Either the lookup here finds the neighbour, or learn_slow() finds the
 * mapping and leaves the address alone (taking back what it inserted).
 *
 * Context: process context.
 */
void extnet_neigh_forget(struct extnet_dev *priv, const struct in6_addr *key)
{
	/* The mapping insert before the lookup; pairs with learn_slow(). */
	smp_mb();
	if (rhashtable_lookup_fast(&priv->neighs.ht, key, neigh_params))
		forget_locked(priv, key);
}

static void neigh_work(struct work_struct *work)
{
	struct extnet_neigh_table *nt = container_of(to_delayed_work(work),
						     struct extnet_neigh_table,
						     work);
	struct extnet_dev *priv = nt_to_priv(nt);
	unsigned long ageing = READ_ONCE(priv->cfg.ageing);
	struct rhashtable_iter iter;
	struct sk_buff_head held;
	struct extnet_neigh *n;

	__skb_queue_head_init(&held);
	rhashtable_walk_enter(&nt->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((n = rhashtable_walk_next(&iter))) {
		unsigned long updated;
		u8 state;

		if (IS_ERR(n))
			continue;
		spin_lock_bh(&nt->lock);
		state = READ_ONCE(n->state);
		updated = READ_ONCE(n->updated);
		if (state == EXTNET_NEIGH_REACHABLE &&
		    time_after(jiffies, updated + ageing)) {
			neigh_unlink(nt, n, &held);
			extnet_event_neigh(priv, EXTNET_EVENT_NEIGH_EXPIRED,
					   &n->addr, n->lladdr);
		} else if (state == EXTNET_NEIGH_INCOMPLETE &&
			   time_after_eq(jiffies, updated + HZ)) {
			/* Every entry due is handled in this pass, however
			 * many there are (at most EXTNET_NEIGH_MAX_INCOMPLETE):
			 * a probe is an atomic allocation and a netif_rx().
			 */
			if (n->probes < EXTNET_NEIGH_PROBES) {
				n->probes++;
				WRITE_ONCE(n->updated, jiffies);
				neigh_probe(priv, &n->addr);
			} else if (neigh_kill(nt, n, &held, true)) {
				rhashtable_remove_fast(&nt->ht, &n->node,
						       neigh_params);
				call_rcu(&n->rcu, neigh_free_rcu);
				extnet_event_neigh(priv,
						   EXTNET_EVENT_PROBE_FAILED,
						   &n->addr, NULL);
			}
		}
		spin_unlock_bh(&nt->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);

	drop_held(priv, &held, EXTNET_STATS_A_RX_DROP_PROBE_FAILED);
	if (atomic_read(&nt->ht.nelems))
		queue_delayed_work(system_power_efficient_wq, &nt->work, HZ);
}

/**
 * extnet_neigh_count() - number of learned neighbours
 * @nt: the table
 *
 * Context: any.
 * Return: the number of entries, complete or not.
 */
unsigned int extnet_neigh_count(struct extnet_neigh_table *nt)
{
	return atomic_read(&nt->ht.nelems);
}

/**
 * extnet_neigh_init() - initialise an empty neighbour table
 * @nt: the table
 *
 * Return: 0 or -ENOMEM.
 */
int extnet_neigh_init(struct extnet_neigh_table *nt)
{
	spin_lock_init(&nt->lock);
	atomic_set(&nt->incomplete, 0);
	INIT_DELAYED_WORK(&nt->work, neigh_work);
	return rhashtable_init(&nt->ht, &neigh_params);
}

static void neigh_free(void *ptr, void *arg)
{
	struct extnet_neigh *n = ptr;

	skb_queue_purge(&n->queue);
	kfree(n);
}

/**
 * extnet_neigh_destroy() - stop the work and free every entry
 * @nt: the table
 *
 * Context: process context; the device no longer sends or receives.
 */
void extnet_neigh_destroy(struct extnet_neigh_table *nt)
{
	cancel_delayed_work_sync(&nt->work);
	rhashtable_free_and_destroy(&nt->ht, neigh_free, NULL);
}
