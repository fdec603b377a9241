// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping entries: remote overlay address -> VTEP.
 *
 * Readers (the data path) look entries up under RCU without a lock; writers
 * (netlink) serialise on the table's mutex. A replace changes an entry in
 * place, its VTEP and then its lladdr, each whole: a reader finds the
 * address mapped throughout, and the data paths keep counting on the same
 * entry. Entries pointing to the same VTEP share one &struct extnet_vtep
 * and its route cache.
 *
 * A flush does not unlink a million entries one by one: it publishes an
 * empty hash table in place of the full one, and the full one is freed
 * wholesale by a work item once no reader can see it any more.
 */
#include <linux/etherdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>

#include "table.h"

/**
 * struct extnet_ht - one generation of a device's mapping entries
 * @ht: entries keyed by &extnet_entry.addr
 * @vteps: VTEPs referenced by the entries of @ht, keyed by address: one
 *	lookup per insert whether a site has one VTEP or thousands (a cloud
 *	where every host is a VTEP); used by writers only
 * @last_vtep: the VTEP an insert last took a reference on, or NULL once it
 *	is freed: entries loaded in bulk mostly name the VTEP of the entry
 *	before them, found then without a lookup; used by writers only
 * @free_work: frees a flushed generation after a grace period
 */
struct extnet_ht {
	struct rhashtable ht;
	struct rhashtable vteps;
	struct extnet_vtep *last_vtep;
	struct rcu_work free_work;
};

static struct kmem_cache *entry_cache;
/* Frees flushed tables; drained by extnet_table_cache_destroy(). */
static struct workqueue_struct *free_wq;

static const struct rhashtable_params entry_params = {
	.head_offset = offsetof(struct extnet_entry, node),
	.key_offset = offsetof(struct extnet_entry, addr),
	.key_len = sizeof(struct in6_addr),
	.hashfn = extnet_addr_hash,
	.obj_cmpfn = extnet_addr_cmp,
	/* Buckets: rhashtable refuses inserts at twice this many entries. */
	.max_size = EXTNET_TABLE_MAX / 2,
	.automatic_shrinking = true,
};

static const struct rhashtable_params vtep_params = {
	.head_offset = offsetof(struct extnet_vtep, node),
	.key_offset = offsetof(struct extnet_vtep, addr6),
	.key_len = sizeof(struct in6_addr),
	.hashfn = extnet_addr_hash,
	.obj_cmpfn = extnet_addr_cmp,
	/* Buckets: rhashtable refuses inserts at twice this many entries. */
	.max_size = EXTNET_TABLE_MAX / 2,
	.automatic_shrinking = true,
};

static struct extnet_ht *ht_alloc(void)
{
	struct extnet_ht *t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return NULL;
	if (rhashtable_init(&t->ht, &entry_params))
		goto err_free;
	if (rhashtable_init(&t->vteps, &vtep_params))
		goto err_ht;
	return t;

err_ht:
	rhashtable_destroy(&t->ht);
err_free:
	kfree(t);
	return NULL;
}

/* The current generation, for a writer. */
static struct extnet_ht *ht_locked(struct extnet_table *table)
{
	return rcu_dereference_protected(table->cur,
					 lockdep_is_held(&table->lock));
}

/* The current generation, for a reader (RCU or RCU-bh). */
static struct extnet_ht *ht_rcu(struct extnet_table *table)
{
	return rcu_dereference_check(table->cur, rcu_read_lock_bh_held());
}

/**
 * extnet_table_init() - initialise an empty mapping table
 * @table: the table
 *
 * Return: 0 or -ENOMEM.
 */
int extnet_table_init(struct extnet_table *table)
{
	struct extnet_ht *t = ht_alloc();

	if (!t)
		return -ENOMEM;
	mutex_init(&table->lock);
	RCU_INIT_POINTER(table->cur, t);
	return 0;
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

static struct extnet_vtep *vtep_get(struct extnet_table *table,
				    const struct in6_addr *addr)
{
	struct extnet_ht *t = ht_locked(table);
	struct extnet_vtep *vtep;

	/* Writers are serialised by the table's lock: found here, the VTEP
	 * cannot go away before the reference is taken.
	 */
	vtep = t->last_vtep;
	if (!vtep || !ipv6_addr_equal(&vtep->addr6, addr))
		vtep = rhashtable_lookup_fast(&t->vteps, addr, vtep_params);
	if (vtep) {
		refcount_inc(&vtep->refcnt);
		t->last_vtep = vtep;
		return vtep;
	}

	vtep = kzalloc(sizeof(*vtep), GFP_KERNEL_ACCOUNT);
	if (!vtep)
		return NULL;
	if (dst_cache_init(&vtep->dst_cache, GFP_KERNEL_ACCOUNT))
		goto err_free;
	refcount_set(&vtep->refcnt, 1);
	vtep->addr6 = *addr;
	vtep->is6 = !ipv6_addr_v4mapped(addr);
	vtep->addr4 = vtep->is6 ? 0 : addr->s6_addr32[3];
	if (rhashtable_insert_fast(&t->vteps, &vtep->node, vtep_params))
		goto err_cache;
	t->last_vtep = vtep;
	return vtep;

err_cache:
	dst_cache_destroy(&vtep->dst_cache);
err_free:
	kfree(vtep);
	return NULL;
}

/* Readers may still use the VTEP through an entry they found: free it only
 * after a grace period, like the entry itself.
 */
static void vtep_put(struct extnet_table *table, struct extnet_vtep *vtep)
{
	struct extnet_ht *t = ht_locked(table);

	lockdep_assert_held(&table->lock);
	if (refcount_dec_and_test(&vtep->refcnt)) {
		rhashtable_remove_fast(&t->vteps, &vtep->node, vtep_params);
		if (t->last_vtep == vtep)
			t->last_vtep = NULL;
		call_rcu(&vtep->rcu, vtep_free_rcu);
	}
}

static void entry_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(entry_cache, container_of(rcu, struct extnet_entry, rcu));
}

static void entry_release(struct extnet_table *table, struct extnet_entry *e)
{
	vtep_put(table, rcu_dereference_protected(e->vtep,
						  lockdep_is_held(&table->lock)));
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
	return rhashtable_lookup(&ht_rcu(table)->ht, addr, entry_params);
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
	union extnet_key key;

	/* Its own copy of the lookup, not a call to extnet_table_lookup():
	 * the transmit and receive paths each make one per packet.
	 */
	ipv6_addr_set_v4mapped(addr, &key.addr);
	return rhashtable_lookup(&ht_rcu(table)->ht, &key.addr, entry_params);
}

static struct extnet_entry *entry_alloc(const struct in6_addr *addr,
					const u8 *lladdr)
{
	struct extnet_entry *e;

	e = kmem_cache_zalloc(entry_cache, GFP_KERNEL_ACCOUNT);
	if (e) {
		e->addr = *addr;
		atomic64_set(&e->lladdr, extnet_lladdr_pack(lladdr));
	}
	return e;
}

/**
 * extnet_table_insert() - add or replace a mapping entry to an IPv4 VTEP
 * @table: the table
 * @addr: overlay address; IPv4 as IPv4-mapped IPv6
 * @remote4: IPv4 address of the VTEP, network order
 * @lladdr: MAC to answer for @addr, or NULL
 * @replace: replace an existing entry for @addr instead of failing
 *
 * See extnet_table_insert_vtep().
 *
 * Context: process context; takes the table's mutex.
 * Return: as extnet_table_insert_vtep().
 */
int extnet_table_insert(struct extnet_table *table, const struct in6_addr *addr,
			__be32 remote4, const u8 *lladdr, bool replace)
{
	struct in6_addr remote;

	ipv6_addr_set_v4mapped(remote4, &remote);
	return extnet_table_insert_vtep(table, addr, &remote, lladdr, replace);
}

/**
 * extnet_table_insert_vtep() - add or replace a mapping entry
 * @table: the table
 * @addr: overlay address; IPv4 as IPv4-mapped IPv6
 * @remote: underlay address of the VTEP; IPv4 as IPv4-mapped IPv6, which
 *	makes the VTEP an IPv4 one
 * @lladdr: MAC to answer for @addr, or NULL
 * @replace: replace an existing entry for @addr instead of failing
 *
 * A replace changes the entry in place (its VTEP, then its lladdr), so
 * that it keeps its counters, frames in flight during the replace
 * included. A reader sees the old or the new VTEP and the old or the new
 * lladdr, each whole; for the frames in flight at that moment, one of
 * each. Readers see the entry at all times. Either family of overlay
 * address may use either family of VTEP.
 *
 * Context: process context; takes the table's mutex.
 * Return: 0, -EEXIST (mapped and !@replace), -ENOSPC (table full) or
 * -ENOMEM.
 */
int extnet_table_insert_vtep(struct extnet_table *table,
			     const struct in6_addr *addr,
			     const struct in6_addr *remote, const u8 *lladdr,
			     bool replace)
{
	struct extnet_entry *e = NULL, *old;
	struct extnet_vtep *vtep;
	struct extnet_ht *t;
	int ret = 0;

	/* An add allocates outside the lock; a replace of a mapped address
	 * allocates nothing.
	 */
	if (!replace) {
		e = entry_alloc(addr, lladdr);
		if (!e)
			return -ENOMEM;
	}

	mutex_lock(&table->lock);
	t = ht_locked(table);
	vtep = vtep_get(table, remote);
	if (!vtep) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (replace) {
		old = rhashtable_lookup_fast(&t->ht, addr, entry_params);
		if (old) {
			/* In place: the VTEP we took a reference on goes
			 * into the entry, the one it had is dropped.
			 */
			vtep = rcu_replace_pointer(old->vtep, vtep,
						   lockdep_is_held(&table->lock));
			atomic64_set(&old->lladdr, extnet_lladdr_pack(lladdr));
			goto out_put;
		}
		e = entry_alloc(addr, lladdr);
		if (!e) {
			ret = -ENOMEM;
			goto out_put;
		}
	}
	RCU_INIT_POINTER(e->vtep, vtep);

	old = rhashtable_lookup_get_insert_fast(&t->ht, &e->node,
						entry_params);
	if (!old) {
		mutex_unlock(&table->lock);
		return 0;
	}
	/* Not inserted. Mapped already: only an add gets here, as a replace
	 * looked the address up under the same lock.
	 */
	if (IS_ERR(old))
		ret = PTR_ERR(old) == -E2BIG ? -ENOSPC : PTR_ERR(old);
	else
		ret = -EEXIST;
out_put:
	vtep_put(table, vtep);
out_unlock:
	mutex_unlock(&table->lock);
	if (e && ret)
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
	struct extnet_ht *t;
	int ret = -ENOENT;

	mutex_lock(&table->lock);
	t = ht_locked(table);
	e = rhashtable_lookup_fast(&t->ht, addr, entry_params);
	if (e && !rhashtable_remove_fast(&t->ht, &e->node, entry_params)) {
		entry_release(table, e);
		ret = 0;
	}
	mutex_unlock(&table->lock);
	return ret;
}

static void entry_free(void *ptr, void *arg)
{
	kmem_cache_free(entry_cache, ptr);
}

static void vtep_free_one(void *ptr, void *arg)
{
	vtep_free(ptr);
}

/* Frees a generation and everything in it: nobody can reach it any more. */
static void ht_free(struct extnet_ht *t)
{
	/* Both yield between buckets: fine for millions of entries. */
	rhashtable_free_and_destroy(&t->ht, entry_free, NULL);
	rhashtable_free_and_destroy(&t->vteps, vtep_free_one, NULL);
	kfree(t);
}

static void ht_free_work(struct work_struct *work)
{
	ht_free(container_of(to_rcu_work(work), struct extnet_ht, free_work));
}

/**
 * extnet_table_flush() - delete every mapping entry
 * @table: the table
 *
 * Swaps in an empty hash table: from the return on, lookups find nothing
 * and new entries go to the new table. The old entries and their VTEPs are
 * freed wholesale by a work item after an RCU grace period (readers that
 * found an entry before the swap may still use it until then), in time
 * linear in their number and without holding the table's lock; the cost of
 * the call itself does not depend on the number of entries.
 *
 * Context: process context; takes the table's mutex.
 * Return: 0, or -ENOMEM (nothing changed).
 */
int extnet_table_flush(struct extnet_table *table)
{
	struct extnet_ht *new = ht_alloc(), *old;

	if (!new)
		return -ENOMEM;
	mutex_lock(&table->lock);
	old = rcu_replace_pointer(table->cur, new,
				  lockdep_is_held(&table->lock));
	mutex_unlock(&table->lock);

	INIT_RCU_WORK(&old->free_work, ht_free_work);
	queue_rcu_work(free_wq, &old->free_work);
	return 0;
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
	unsigned int n;

	rcu_read_lock();
	n = atomic_read(&ht_rcu(table)->ht.nelems);
	rcu_read_unlock();
	return n;
}

/**
 * extnet_table_rht() - the hash table holding the entries, for dumps
 * @table: the table
 *
 * Context: rcu_read_lock() held. A flush may swap in another hash table
 * at any time: the one returned stays readable (its entries too) until
 * rcu_read_unlock(); it then has a different &bucket_table.hash_rnd.
 * Return: the current hash table.
 */
struct rhashtable *extnet_table_rht(struct extnet_table *table)
{
	return &ht_rcu(table)->ht;
}

/**
 * extnet_table_destroy() - free a table and all its entries and VTEPs
 * @table: the table
 *
 * Context: process context, no reader or writer left (device destructor).
 */
void extnet_table_destroy(struct extnet_table *table)
{
	ht_free(rcu_dereference_protected(table->cur, true));
	RCU_INIT_POINTER(table->cur, NULL);
}

/**
 * extnet_table_cache_init() - create the slab cache of mapping entries and
 *	the workqueue that frees flushed tables
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int extnet_table_cache_init(void)
{
	entry_cache = KMEM_CACHE(extnet_entry, 0);
	if (!entry_cache)
		return -ENOMEM;
	free_wq = alloc_workqueue("extnet_flush", WQ_UNBOUND, 0);
	if (!free_wq) {
		kmem_cache_destroy(entry_cache);
		entry_cache = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * extnet_table_cache_destroy() - destroy the slab cache of mapping entries
 *	after the frees still pending (RCU callbacks, flushed tables)
 *
 * Context: module exit, after every table is destroyed.
 */
void extnet_table_cache_destroy(void)
{
	/*
	 * Entries freed with call_rcu() must be gone before the cache; so must
	 * flushed tables, whose work is queued by an RCU callback.
	 */
	rcu_barrier();
	destroy_workqueue(free_wq);
	free_wq = NULL;
	kmem_cache_destroy(entry_cache);
}
