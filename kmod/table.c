// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping entries: remote overlay address -> VTEP.
 *
 * Readers (the data path) look entries up under RCU without a lock; writers
 * (netlink) serialise on the table's mutex. An entry never changes once it
 * is in the table: a replace swaps in a new entry, so a reader sees either
 * the old or the new mapping, never a mix. Entries pointing to the same
 * VTEP share one &struct extnet_vtep and its route cache.
 */
#include <linux/etherdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <net/ipv6.h>

#include "table.h"

static struct kmem_cache *entry_cache;

static const struct rhashtable_params entry_params = {
	.head_offset = offsetof(struct extnet_entry, node),
	.key_offset = offsetof(struct extnet_entry, addr),
	.key_len = sizeof(struct in6_addr),
	.max_size = EXTNET_TABLE_MAX,
	.automatic_shrinking = true,
};

/**
 * extnet_table_init() - initialise an empty mapping table
 * @table: the table
 *
 * Return: 0 or -ENOMEM.
 */
int extnet_table_init(struct extnet_table *table)
{
	mutex_init(&table->lock);
	INIT_LIST_HEAD(&table->vteps);
	return rhashtable_init(&table->ht, &entry_params);
}

static void vtep_free(struct extnet_vtep *vtep)
{
	dst_cache_destroy(&vtep->dst_cache);
	kfree(vtep);
}

static void vtep_free_rcu(struct rcu_head *rcu)
{
	vtep_free(container_of(rcu, struct extnet_vtep, rcu));
}

static struct extnet_vtep *vtep_get(struct extnet_table *table, __be32 addr4)
{
	struct extnet_vtep *vtep;

	lockdep_assert_held(&table->lock);

	list_for_each_entry(vtep, &table->vteps, list) {
		if (vtep->addr4 == addr4) {
			refcount_inc(&vtep->refcnt);
			return vtep;
		}
	}

	vtep = kzalloc(sizeof(*vtep), GFP_KERNEL_ACCOUNT);
	if (!vtep)
		return NULL;
	if (dst_cache_init(&vtep->dst_cache, GFP_KERNEL_ACCOUNT)) {
		kfree(vtep);
		return NULL;
	}
	refcount_set(&vtep->refcnt, 1);
	vtep->addr4 = addr4;
	list_add(&vtep->list, &table->vteps);
	return vtep;
}

/* Readers may still use the VTEP through an entry they found: free it only
 * after a grace period, like the entry itself.
 */
static void vtep_put(struct extnet_table *table, struct extnet_vtep *vtep)
{
	lockdep_assert_held(&table->lock);

	if (refcount_dec_and_test(&vtep->refcnt)) {
		list_del(&vtep->list);
		call_rcu(&vtep->rcu, vtep_free_rcu);
	}
}

static void entry_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(entry_cache, container_of(rcu, struct extnet_entry, rcu));
}

static void entry_release(struct extnet_table *table, struct extnet_entry *e)
{
	vtep_put(table, e->vtep);
	call_rcu(&e->rcu, entry_free_rcu);
}

/**
 * extnet_table_lookup() - find the mapping entry of an overlay address
 * @table: the table
 * @addr: the address; IPv4 as IPv4-mapped IPv6
 *
 * Context: rcu_read_lock() held; the entry stays valid until it is dropped.
 * Return: the entry or NULL.
 */
struct extnet_entry *extnet_table_lookup(struct extnet_table *table,
					 const struct in6_addr *addr)
{
	return rhashtable_lookup(&table->ht, addr, entry_params);
}

/**
 * extnet_table_lookup4() - find the mapping entry of an IPv4 address
 * @table: the table
 * @addr: IPv4 address, network order
 *
 * Context: rcu_read_lock() held.
 * Return: the entry or NULL.
 */
struct extnet_entry *extnet_table_lookup4(struct extnet_table *table,
					  __be32 addr)
{
	struct in6_addr key;

	ipv6_addr_set_v4mapped(addr, &key);
	return extnet_table_lookup(table, &key);
}

/**
 * extnet_table_insert() - add or replace a mapping entry
 * @table: the table
 * @addr: overlay address; IPv4 as IPv4-mapped IPv6
 * @remote4: IPv4 address of the VTEP, network order
 * @lladdr: MAC to answer for @addr, or NULL
 * @replace: replace an existing entry for @addr instead of failing
 *
 * A replaced entry keeps its counters. Readers see the old or the new
 * entry, never neither.
 *
 * Context: process context; takes the table's mutex.
 * Return: 0, -EEXIST (mapped and !@replace), -ENOSPC (table full) or
 * -ENOMEM.
 */
int extnet_table_insert(struct extnet_table *table, const struct in6_addr *addr,
			__be32 remote4, const u8 *lladdr, bool replace)
{
	struct extnet_entry *e, *old;
	int ret;

	e = kmem_cache_zalloc(entry_cache, GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->addr = *addr;
	if (lladdr) {
		ether_addr_copy(e->lladdr, lladdr);
		e->has_lladdr = true;
	}

	mutex_lock(&table->lock);
	e->vtep = vtep_get(table, remote4);
	if (!e->vtep) {
		ret = -ENOMEM;
		goto err_free;
	}

	old = rhashtable_lookup_get_insert_fast(&table->ht, &e->node,
						entry_params);
	if (IS_ERR(old)) {
		ret = PTR_ERR(old) == -E2BIG ? -ENOSPC : PTR_ERR(old);
		goto err_put;
	}
	if (old) {
		if (!replace) {
			ret = -EEXIST;
			goto err_put;
		}
		atomic64_set(&e->tx_packets, atomic64_read(&old->tx_packets));
		atomic64_set(&e->tx_bytes, atomic64_read(&old->tx_bytes));
		atomic64_set(&e->rx_packets, atomic64_read(&old->rx_packets));
		atomic64_set(&e->rx_bytes, atomic64_read(&old->rx_bytes));
		atomic64_set(&e->conflicts, atomic64_read(&old->conflicts));
		ret = rhashtable_replace_fast(&table->ht, &old->node, &e->node,
					      entry_params);
		if (ret)
			goto err_put;
		entry_release(table, old);
	}
	mutex_unlock(&table->lock);
	return 0;

err_put:
	vtep_put(table, e->vtep);
err_free:
	mutex_unlock(&table->lock);
	kmem_cache_free(entry_cache, e);
	return ret;
}

/**
 * extnet_table_remove() - delete the mapping entry of an address
 * @table: the table
 * @addr: overlay address; IPv4 as IPv4-mapped IPv6
 *
 * Context: process context; takes the table's mutex.
 * Return: 0 or -ENOENT.
 */
int extnet_table_remove(struct extnet_table *table, const struct in6_addr *addr)
{
	struct extnet_entry *e;
	int ret = -ENOENT;

	mutex_lock(&table->lock);
	e = rhashtable_lookup_fast(&table->ht, addr, entry_params);
	if (e && !rhashtable_remove_fast(&table->ht, &e->node, entry_params)) {
		entry_release(table, e);
		ret = 0;
	}
	mutex_unlock(&table->lock);
	return ret;
}

/**
 * extnet_table_flush() - delete every mapping entry
 * @table: the table
 *
 * Yields the CPU between entries, so flushing millions of entries does not
 * stall the machine.
 *
 * Context: process context; takes the table's mutex.
 */
void extnet_table_flush(struct extnet_table *table)
{
	struct rhashtable_iter iter;
	struct extnet_entry *e;

	mutex_lock(&table->lock);
	/* A resize during the walk (shrinking, as entries go) can make the
	 * walk miss entries: walk again until none is left.
	 */
	while (atomic_read(&table->ht.nelems)) {
		rhashtable_walk_enter(&table->ht, &iter);
		rhashtable_walk_start(&iter);
		while ((e = rhashtable_walk_next(&iter))) {
			if (IS_ERR(e))
				continue; /* -EAGAIN: resized, go on */
			if (!rhashtable_remove_fast(&table->ht, &e->node,
						    entry_params))
				entry_release(table, e);
			if (need_resched()) {
				rhashtable_walk_stop(&iter);
				cond_resched();
				rhashtable_walk_start(&iter);
			}
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
	}
	mutex_unlock(&table->lock);
}

/**
 * extnet_table_count() - number of mapping entries
 * @table: the table
 *
 * Context: any.
 * Return: the number of entries at the time of the call.
 */
unsigned int extnet_table_count(struct extnet_table *table)
{
	return atomic_read(&table->ht.nelems);
}

static void entry_free(void *ptr, void *arg)
{
	kmem_cache_free(entry_cache, ptr);
}

/**
 * extnet_table_destroy() - free a table and all its entries and VTEPs
 * @table: the table
 *
 * Context: process context, no reader or writer left (device destructor).
 */
void extnet_table_destroy(struct extnet_table *table)
{
	struct extnet_vtep *vtep, *tmp;

	rhashtable_free_and_destroy(&table->ht, entry_free, NULL);
	list_for_each_entry_safe(vtep, tmp, &table->vteps, list) {
		list_del(&vtep->list);
		vtep_free(vtep);
	}
}

/**
 * extnet_table_cache_init() - create the slab cache of mapping entries
 *
 * Return: 0 or -ENOMEM.
 */
int extnet_table_cache_init(void)
{
	entry_cache = KMEM_CACHE(extnet_entry, 0);
	return entry_cache ? 0 : -ENOMEM;
}

/**
 * extnet_table_cache_destroy() - destroy the slab cache of mapping entries
 *
 * Context: module exit, after every table is destroyed.
 */
void extnet_table_cache_destroy(void)
{
	/* Entries freed with call_rcu() must be gone before the cache. */
	rcu_barrier();
	kmem_cache_destroy(entry_cache);
}

#if IS_ENABLED(CONFIG_KUNIT)
#include "table_test.c"
#endif
