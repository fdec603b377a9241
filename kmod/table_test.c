// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the mapping table, in extnet_kunit.ko. Compiled right after
 * table.c (kmod/Kbuild's kunit/table.c includes both), for its entry cache
 * (see extnet_kunit_suite_init()).
 *
 * Overlay addresses are in 203.0.113.0/24 or 10.0.0.0/8, VTEPs in
 * 192.0.2.0/24, all in host order until they meet the table.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#include "kunit_helpers.h"

#define OVERLAY(n) (0xcb007100U + (n))	/* 203.0.113.n */
#define VTEP(n) (0xc0000200U + (n))	/* 192.0.2.n */

/* Set while the suites use an entry cache they created themselves. */
static bool kunit_own_cache;

/* An entry's VTEP, in or out of a read-side section: the tests are the
 * table's only writers.
 */
static struct extnet_vtep *vtep_of(const struct extnet_entry *e)
{
	return rcu_dereference_raw(e->vtep);
}

static bool has_lladdr(const struct extnet_entry *e)
{
	u8 mac[ETH_ALEN];

	return extnet_entry_lladdr(e, mac);
}

static bool lladdr_is(const struct extnet_entry *e, const u8 *want)
{
	u8 mac[ETH_ALEN];

	return extnet_entry_lladdr(e, mac) && ether_addr_equal(mac, want);
}

/**
 * extnet_kunit_suite_init() - suite_init of suites that add mapping entries
 * @suite: the suite
 *
 * KUnit runs the suites of a module while loading it; 6.1 does so before
 * the module's init function (at MODULE_STATE_COMING), so the entry cache
 * may not exist yet. Create it then, for the duration of the suite.
 *
 * Return: 0 or -ENOMEM.
 */
int extnet_kunit_suite_init(struct kunit_suite *suite)
{
	int ret;

	if (entry_cache)
		return 0;
	ret = extnet_table_cache_init();
	kunit_own_cache = !ret;
	return ret;
}

/**
 * extnet_kunit_suite_exit() - suite_exit matching extnet_kunit_suite_init()
 * @suite: the suite
 *
 * Destroys the entry cache if extnet_kunit_suite_init() created it, so that
 * the module's init function creates its own.
 */
void extnet_kunit_suite_exit(struct kunit_suite *suite)
{
	if (!kunit_own_cache)
		return;
	extnet_table_cache_destroy();
	entry_cache = NULL;
	kunit_own_cache = false;
}

struct table_test {
	struct extnet_table table;
	struct task_struct *reader;
};

static struct in6_addr test_key4(u32 addr)
{
	struct in6_addr key;

	ipv6_addr_set_v4mapped(htonl(addr), &key);
	return key;
}

static int test_insert4(struct extnet_table *table, u32 addr, u32 vtep,
			const u8 *lladdr, bool replace)
{
	struct in6_addr key = test_key4(addr);

	return extnet_table_insert(table, &key, htonl(vtep), lladdr, replace);
}

static int test_remove4(struct extnet_table *table, u32 addr)
{
	struct in6_addr key = test_key4(addr);

	return extnet_table_remove(table, &key);
}

static unsigned int test_vteps(struct extnet_table *table)
{
	unsigned int n;

	mutex_lock(&table->lock);
	n = atomic_read(&ht_locked(table)->vteps.nelems);
	mutex_unlock(&table->lock);
	return n;
}

static int table_test_init(struct kunit *test)
{
	struct table_test *t;
	int ret;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	ret = extnet_table_init(&t->table);
	if (ret)
		return ret;
	test->priv = t;
	return 0;
}

static void table_test_exit(struct kunit *test)
{
	struct table_test *t = test->priv;

	if (!t)
		return;
	if (t->reader)
		kthread_stop(t->reader);
	/* Frees what a test left in the table, as the device destructor. */
	extnet_table_destroy(&t->table);
}

static void extnet_table_test_add_ipv4(struct kunit *test)
{
	struct table_test *t = test->priv;
	struct in6_addr key = test_key4(OVERLAY(21));
	struct extnet_entry *e;

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, false), 0);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 1U);

	rcu_read_lock();
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	KUNIT_EXPECT_NOT_NULL(test, e);
	if (e) {
		/* The key is the IPv4-mapped IPv6 address. */
		KUNIT_EXPECT_TRUE(test, ipv6_addr_v4mapped(&e->addr));
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&e->addr, &key));
		KUNIT_EXPECT_EQ(test, ntohl(vtep_of(e)->addr4), VTEP(2));
		KUNIT_EXPECT_FALSE(test, has_lladdr(e));
		KUNIT_EXPECT_EQ(test, atomic64_read(&e->tx_packets), 0);
	}
	KUNIT_EXPECT_PTR_EQ(test, extnet_table_lookup(&t->table, &key), e);
	KUNIT_EXPECT_NULL(test, extnet_table_lookup4(&t->table,
						     htonl(OVERLAY(22))));
	rcu_read_unlock();
}

static void extnet_table_test_add_ipv6(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x21 };
	/* 2001:db8::cb00:7115 ends like 203.0.113.21 but is not IPv4. */
	static const struct in6_addr addr6 = {
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			     0, 0, 0, 0, 0xcb, 0x00, 0x71, 0x15 },
	};
	struct table_test *t = test->priv;
	struct in6_addr other = addr6;
	struct extnet_entry *e;

	KUNIT_ASSERT_EQ(test, extnet_table_insert(&t->table, &addr6,
						  htonl(VTEP(2)), mac, false),
			0);

	rcu_read_lock();
	e = extnet_table_lookup(&t->table, &addr6);
	KUNIT_EXPECT_NOT_NULL(test, e);
	if (e) {
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&e->addr, &addr6));
		KUNIT_EXPECT_EQ(test, ntohl(vtep_of(e)->addr4), VTEP(2));
		KUNIT_EXPECT_TRUE(test, lladdr_is(e, mac));
	}
	/* Neither the IPv4 address with the same last 32 bits... */
	KUNIT_EXPECT_NULL(test, extnet_table_lookup4(&t->table,
						     htonl(OVERLAY(21))));
	/* ...nor another IPv6 address of the prefix. */
	other.s6_addr[15]++;
	KUNIT_EXPECT_NULL(test, extnet_table_lookup(&t->table, &other));
	rcu_read_unlock();

	/* The IPv4 address is a key of its own. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(3),
					   NULL, false), 0);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 2U);
	rcu_read_lock();
	e = extnet_table_lookup(&t->table, &addr6);
	KUNIT_EXPECT_TRUE(test, e && ntohl(vtep_of(e)->addr4) == VTEP(2));
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	KUNIT_EXPECT_TRUE(test, e && ntohl(vtep_of(e)->addr4) == VTEP(3));
	rcu_read_unlock();
}

static void extnet_table_test_exists(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x21 };
	struct table_test *t = test->priv;
	struct extnet_entry *before, *after;

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, false), 0);
	rcu_read_lock();
	before = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, false), -EEXIST);
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(9),
					   mac, false), -EEXIST);

	/* Unchanged, and the VTEP the failed insert made is gone again. */
	rcu_read_lock();
	after = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	KUNIT_EXPECT_PTR_EQ(test, after, before);
	if (after) {
		KUNIT_EXPECT_EQ(test, ntohl(vtep_of(after)->addr4), VTEP(2));
		KUNIT_EXPECT_FALSE(test, has_lladdr(after));
		KUNIT_EXPECT_EQ(test, refcount_read(&vtep_of(after)->refcnt), 1);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 1U);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);
}

static void extnet_table_test_replace(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x21 };
	struct table_test *t = test->priv;
	struct extnet_entry *old, *e;

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   mac, false), 0);
	rcu_read_lock();
	old = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	if (old) {
		atomic64_set(&old->tx_packets, 11);
		atomic64_set(&old->tx_bytes, 1100);
		atomic64_set(&old->rx_packets, 22);
		atomic64_set(&old->rx_bytes, 2200);
	}
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, old);

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(3),
					   NULL, true), 0);

	rcu_read_lock();
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	KUNIT_EXPECT_NOT_NULL(test, e);
	/* The same entry, changed in place: what a reader that found it
	 * before the replace counts is kept.
	 */
	KUNIT_EXPECT_PTR_EQ(test, e, old);
	if (e) {
		KUNIT_EXPECT_EQ(test, ntohl(vtep_of(e)->addr4), VTEP(3));
		KUNIT_EXPECT_FALSE(test, has_lladdr(e));
		KUNIT_EXPECT_EQ(test, atomic64_read(&e->tx_packets), 11);
		KUNIT_EXPECT_EQ(test, atomic64_read(&e->tx_bytes), 1100);
		KUNIT_EXPECT_EQ(test, atomic64_read(&e->rx_packets), 22);
		KUNIT_EXPECT_EQ(test, atomic64_read(&e->rx_bytes), 2200);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 1U);
	/* The old VTEP lost its only entry. */
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);

	/* Replacing an address that is not mapped adds it. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(3),
					   mac, true), 0);
	rcu_read_lock();
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(22)));
	KUNIT_EXPECT_TRUE(test, e && lladdr_is(e, mac));
	KUNIT_EXPECT_TRUE(test, e && atomic64_read(&e->tx_packets) == 0);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 2U);

	/* The VTEP it has, now with a MAC: one reference per entry still. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(3),
					   mac, true), 0);
	rcu_read_lock();
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	KUNIT_EXPECT_PTR_EQ(test, e, old);
	KUNIT_EXPECT_TRUE(test, e && lladdr_is(e, mac));
	KUNIT_EXPECT_TRUE(test, e && refcount_read(&vtep_of(e)->refcnt) == 2);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 2U);
}

static void extnet_table_test_remove(struct kunit *test)
{
	struct table_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, false), 0);
	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(3),
					   NULL, false), 0);

	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(21)), 0);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, extnet_table_lookup4(&t->table,
						     htonl(OVERLAY(21))));
	KUNIT_EXPECT_NOT_NULL(test, extnet_table_lookup4(&t->table,
							 htonl(OVERLAY(22))));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 1U);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);

	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(21)), -ENOENT);
	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(99)), -ENOENT);
	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(22)), 0);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 0U);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(22)), -ENOENT);

	/* The address can be mapped again. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(4),
					   NULL, false), 0);
}

static void extnet_table_test_vtep_shared(struct kunit *test)
{
	struct table_test *t = test->priv;
	struct extnet_entry *e1, *e2;
	struct extnet_vtep *vtep;

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, false), 0);
	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(2),
					   NULL, false), 0);

	/* Entries and VTEPs change only here: a pointer found under RCU
	 * stays valid after it, until the test deletes the entry.
	 */
	rcu_read_lock();
	e1 = extnet_table_lookup4(&t->table, htonl(OVERLAY(21)));
	e2 = extnet_table_lookup4(&t->table, htonl(OVERLAY(22)));
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, e1);
	KUNIT_ASSERT_NOT_NULL(test, e2);
	vtep = vtep_of(e1);
	KUNIT_EXPECT_PTR_EQ(test, vtep_of(e2), vtep);
	KUNIT_EXPECT_EQ(test, refcount_read(&vtep->refcnt), 2);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);

	/* Deleting one entry keeps the VTEP (and its route cache). */
	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(21)), 0);
	rcu_read_lock();
	e2 = extnet_table_lookup4(&t->table, htonl(OVERLAY(22)));
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, e2);
	KUNIT_EXPECT_PTR_EQ(test, vtep_of(e2), vtep);
	KUNIT_EXPECT_EQ(test, refcount_read(&vtep->refcnt), 1);
	KUNIT_EXPECT_EQ(test, ntohl(vtep->addr4), VTEP(2));
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);

	/* A new entry for the same VTEP shares it again. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(23), VTEP(2),
					   NULL, false), 0);
	rcu_read_lock();
	e1 = extnet_table_lookup4(&t->table, htonl(OVERLAY(23)));
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, e1 && vtep_of(e1) == vtep);
	KUNIT_EXPECT_EQ(test, refcount_read(&vtep->refcnt), 2);

	/* Moving one entry elsewhere drops its reference. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(3),
					   NULL, true), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&vtep->refcnt), 1);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 2U);

	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(23)), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);
	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(22)), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
}

/* The VTEP the last insert used is found without a lookup: once freed
 * (its last entry removed, or a refused insert dropping the VTEP it had
 * just created), the next insert to that address must make a new one,
 * known to the VTEP table, instead of reviving the freed one.
 */
static void extnet_table_test_vtep_last_freed(struct kunit *test)
{
	struct table_test *t = test->priv;
	struct extnet_entry *e;

	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, false), 0);
	KUNIT_ASSERT_EQ(test, test_remove4(&t->table, OVERLAY(21)), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(2),
					   NULL, false), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);

	/* Refused: OVERLAY(22) is mapped. VTEP(3) came and went. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(3),
					   NULL, false), -EEXIST);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);
	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(23), VTEP(3),
					   NULL, false), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 2U);

	rcu_read_lock();
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(23)));
	KUNIT_EXPECT_TRUE(test, e && ntohl(vtep_of(e)->addr4) == VTEP(3) &&
			  refcount_read(&vtep_of(e)->refcnt) == 1);
	e = extnet_table_lookup4(&t->table, htonl(OVERLAY(22)));
	KUNIT_EXPECT_TRUE(test, e && ntohl(vtep_of(e)->addr4) == VTEP(2) &&
			  refcount_read(&vtep_of(e)->refcnt) == 1);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(22)), 0);
	KUNIT_EXPECT_EQ(test, test_remove4(&t->table, OVERLAY(23)), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
}

/* 2001:db8:ff::N (VTEPs) or 2001:db8:1::N (overlay), N < 65536. */
static struct in6_addr test_key6(u16 net, u16 n)
{
	struct in6_addr a = {
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, net, 0, 0,
			     0, 0, 0, 0, 0, 0, n >> 8, n & 0xff },
	};

	return a;
}

#define MANY_VTEPS 4096U

/* Thousands of VTEPs, one entry each (every host of a cloud is a VTEP):
 * each insert finds or creates its VTEP by address, and each VTEP goes
 * with its last entry.
 */
static void extnet_table_test_many_vteps(struct kunit *test)
{
	struct table_test *t = test->priv;
	unsigned int i, wrong = 0;

	for (i = 0; i < MANY_VTEPS; i++) {
		struct in6_addr addr = test_key6(0x01, i + 1);
		struct in6_addr vtep = test_key6(0xff, i + 1);

		KUNIT_ASSERT_EQ(test, extnet_table_insert_vtep(&t->table, &addr,
							       &vtep, NULL,
							       false), 0);
	}
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), MANY_VTEPS);

	/* A second entry for an existing VTEP shares it. */
	for (i = 0; i < MANY_VTEPS; i++) {
		struct in6_addr addr = test_key6(0x01, MANY_VTEPS + i + 1);
		struct in6_addr vtep = test_key6(0xff, i + 1);

		KUNIT_ASSERT_EQ(test, extnet_table_insert_vtep(&t->table, &addr,
							       &vtep, NULL,
							       false), 0);
	}
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), MANY_VTEPS);

	rcu_read_lock();
	for (i = 0; i < MANY_VTEPS; i++) {
		struct in6_addr a1 = test_key6(0x01, i + 1);
		struct in6_addr a2 = test_key6(0x01, MANY_VTEPS + i + 1);
		struct in6_addr vtep = test_key6(0xff, i + 1);
		struct extnet_entry *e1 = extnet_table_lookup(&t->table, &a1);
		struct extnet_entry *e2 = extnet_table_lookup(&t->table, &a2);

		if (!e1 || !e2 || vtep_of(e1) != vtep_of(e2) ||
		    !ipv6_addr_equal(&vtep_of(e1)->addr6, &vtep) ||
		    refcount_read(&vtep_of(e1)->refcnt) != 2)
			wrong++;
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, wrong, 0U);

	/* Removing the first entry of each keeps the VTEPs; the second
	 * takes them away.
	 */
	for (i = 0; i < MANY_VTEPS; i++) {
		struct in6_addr addr = test_key6(0x01, i + 1);

		KUNIT_ASSERT_EQ(test, extnet_table_remove(&t->table, &addr), 0);
	}
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), MANY_VTEPS);
	for (i = 0; i < MANY_VTEPS; i++) {
		struct in6_addr addr = test_key6(0x01, MANY_VTEPS + i + 1);

		KUNIT_ASSERT_EQ(test, extnet_table_remove(&t->table, &addr), 0);
	}
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 0U);
}

static void extnet_table_test_flush(struct kunit *test)
{
	struct table_test *t = test->priv;
	unsigned int i, found = 0;

	/* Flushing an empty table is fine. */
	KUNIT_ASSERT_EQ(test, extnet_table_flush(&t->table), 0);

	for (i = 0; i < 1000; i++)
		KUNIT_ASSERT_EQ(test, test_insert4(&t->table, 0x0a000000 + i,
						   VTEP(1 + i % 4), NULL,
						   false), 0);
	KUNIT_ASSERT_EQ(test, extnet_table_count(&t->table), 1000U);
	KUNIT_ASSERT_EQ(test, test_vteps(&t->table), 4U);

	KUNIT_ASSERT_EQ(test, extnet_table_flush(&t->table), 0);

	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 0U);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
	rcu_read_lock();
	for (i = 0; i < 1000; i++)
		if (extnet_table_lookup4(&t->table, htonl(0x0a000000 + i)))
			found++;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, found, 0U);

	/* Usable afterwards. */
	KUNIT_EXPECT_EQ(test, test_insert4(&t->table, 0x0a000000, VTEP(1),
					   NULL, false), 0);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 1U);
}

#define MANY 100000U
#define MANY_SITES 16U

static void extnet_table_test_many(struct kunit *test)
{
	struct table_test *t = test->priv;
	unsigned int i, missing = 0, wrong = 0;
	unsigned long start = jiffies;
	struct extnet_entry *e;
	int ret = 0;

	for (i = 0; i < MANY; i++) {
		ret = test_insert4(&t->table, 0x0a000000 + i,
				   VTEP(1 + i % MANY_SITES), NULL, false);
		if (ret)
			break;
		cond_resched();
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "insert %u of %u", i + 1, MANY);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), MANY);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), MANY_SITES);

	rcu_read_lock();
	for (i = 0; i < MANY; i++) {
		e = extnet_table_lookup4(&t->table, htonl(0x0a000000 + i));
		if (!e)
			missing++;
		else if (ntohl(vtep_of(e)->addr4) != VTEP(1 + i % MANY_SITES) ||
			 ntohl(e->addr.s6_addr32[3]) != 0x0a000000 + i)
			wrong++;
		if (i % 1024 == 1023) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	KUNIT_EXPECT_NULL(test, extnet_table_lookup4(&t->table,
						     htonl(0x0a000000 + MANY)));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, missing, 0U);
	KUNIT_EXPECT_EQ(test, wrong, 0U);

	KUNIT_EXPECT_EQ(test, extnet_table_flush(&t->table), 0);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 0U);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
	kunit_info(test, "%u entries added, looked up, flushed in %u ms\n",
		   MANY, jiffies_to_msecs(jiffies - start));
}

/*
 * Readers during writes: a kthread looks up two sets of addresses under RCU
 * while the test replaces every entry of the first set back and forth
 * between two VTEPs, and adds, replaces and deletes the second set. Entries
 * pointing to VTEP(2) carry race_mac, those pointing to VTEP(1) none. A
 * reader must find every address of the first set (a replace never leaves
 * a gap), a MAC none or whole, and a VTEP one of the two; an entry or VTEP
 * freed under it is KASAN's to report. The reader counts a packet on each
 * entry of the first set it finds, as the data path does: a replace keeps
 * every count, so the entries' tx_packets add up to the reader's count.
 */
#define RACE_KEYS 32U
#define RACE_ROUNDS 100U

static const u8 race_mac[ETH_ALEN] = { 0x02, 0x00, 0xc0, 0x00, 0x02, 0x02 };

struct race {
	struct extnet_table *table;
	struct completion started;
	unsigned long lookups;
	unsigned long gaps;
	unsigned long bad;
	unsigned long counted;
};

static u32 race_addr(unsigned int i)
{
	return i < RACE_KEYS ? OVERLAY(i) : OVERLAY(128 + i - RACE_KEYS);
}

static bool race_entry_ok(const struct extnet_entry *e,
			  const struct in6_addr *key)
{
	const struct extnet_vtep *vtep = extnet_entry_vtep(e);
	u32 remote = ntohl(READ_ONCE(vtep->addr4));
	u8 mac[ETH_ALEN];

	if (!ipv6_addr_equal(&e->addr, key))
		return false;
	if (remote != VTEP(1) && remote != VTEP(2))
		return false;
	/* A replace changes the VTEP, then the MAC, each whole: none, or
	 * all of race_mac.
	 */
	return !extnet_entry_lladdr(e, mac) || ether_addr_equal(mac, race_mac);
}

static int race_reader(void *arg)
{
	struct race *r = arg;
	unsigned int i;

	while (!kthread_should_stop()) {
		rcu_read_lock();
		for (i = 0; i < 2 * RACE_KEYS; i++) {
			struct in6_addr key = test_key4(race_addr(i));
			struct extnet_entry *e;

			e = extnet_table_lookup(r->table, &key);
			if (!e) {
				if (i < RACE_KEYS)
					r->gaps++;
				continue;
			}
			if (!race_entry_ok(e, &key))
				r->bad++;
			if (i < RACE_KEYS) {
				atomic64_inc(&e->tx_packets);
				r->counted++;
			}
		}
		rcu_read_unlock();
		if (!r->lookups)
			complete(&r->started);
		/* Read by the writer while this thread runs. */
		WRITE_ONCE(r->lookups, r->lookups + 2 * RACE_KEYS);
		cond_resched();
	}
	return 0;
}

static void extnet_table_test_concurrent_readers(struct kunit *test)
{
	struct table_test *t = test->priv;
	unsigned int round, i, errors = 0;
	unsigned long before, during;
	struct task_struct *reader;
	u64 counts = 0;
	bool last_odd;
	struct race *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->table = &t->table;
	init_completion(&r->started);
	for (i = 0; i < RACE_KEYS; i++)
		KUNIT_ASSERT_EQ(test, test_insert4(&t->table, race_addr(i),
						   VTEP(1), NULL, false), 0);

	reader = kthread_run(race_reader, r, "extnet_kunit_rd");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	t->reader = reader;
	wait_for_completion(&r->started);
	before = READ_ONCE(r->lookups);

	for (round = 0; round < RACE_ROUNDS; round++) {
		u32 vtep = round & 1 ? VTEP(1) : VTEP(2);
		u32 other = round & 1 ? VTEP(2) : VTEP(1);
		const u8 *mac = round & 1 ? NULL : race_mac;
		const u8 *other_mac = round & 1 ? race_mac : NULL;

		for (i = 0; i < RACE_KEYS; i++) {
			errors += !!test_insert4(&t->table, race_addr(i), vtep,
						 mac, true);
			errors += !!test_insert4(&t->table,
						 race_addr(RACE_KEYS + i),
						 vtep, mac, false);
		}
		for (i = RACE_KEYS; i < 2 * RACE_KEYS; i++)
			errors += !!test_insert4(&t->table, race_addr(i),
						 other, other_mac, true);
		for (i = RACE_KEYS; i < 2 * RACE_KEYS; i++)
			errors += !!test_remove4(&t->table, race_addr(i));
		cond_resched();
	}
	during = READ_ONCE(r->lookups) - before;

	kthread_stop(reader);
	t->reader = NULL;
	KUNIT_EXPECT_EQ(test, errors, 0U);
	KUNIT_EXPECT_EQ(test, r->bad, 0UL);
	KUNIT_EXPECT_EQ(test, r->gaps, 0UL);
	/* The reader looked entries up while they were being written. */
	KUNIT_EXPECT_GT(test, during, 0UL);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), RACE_KEYS);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);
	/* What the last round wrote, everywhere: VTEP(1) without a MAC after
	 * an odd round, VTEP(2) with race_mac after an even one.
	 */
	last_odd = (RACE_ROUNDS - 1) & 1;
	rcu_read_lock();
	for (i = 0; i < RACE_KEYS; i++) {
		struct extnet_entry *e;

		e = extnet_table_lookup4(&t->table, htonl(race_addr(i)));
		if (!e ||
		    ntohl(vtep_of(e)->addr4) != (last_odd ? VTEP(1) : VTEP(2)) ||
		    (last_odd ? has_lladdr(e) : !lladdr_is(e, race_mac)))
			errors++;
		else
			counts += atomic64_read(&e->tx_packets);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, errors, 0U);
	KUNIT_EXPECT_EQ(test, counts, (u64)r->counted);
	kunit_info(test, "%lu lookups during %u rounds of %u writes\n",
		   during, RACE_ROUNDS, 5 * RACE_KEYS);
}

/*
 * Readers during flushes: a flush swaps the hash table while a kthread
 * looks entries up; what a reader finds must stay whole until it leaves
 * its read-side section (an entry or VTEP freed under it is KASAN's to
 * report), and after the last flush the table is empty.
 */
static void extnet_table_test_flush_readers(struct kunit *test)
{
	struct table_test *t = test->priv;
	unsigned long before, during;
	struct task_struct *reader;
	unsigned int round, i;
	struct race *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->table = &t->table;
	init_completion(&r->started);
	for (i = 0; i < 2 * RACE_KEYS; i++)
		KUNIT_ASSERT_EQ(test, test_insert4(&t->table, race_addr(i),
						   VTEP(1), NULL, false), 0);

	reader = kthread_run(race_reader, r, "extnet_kunit_rd");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	t->reader = reader;
	wait_for_completion(&r->started);
	before = READ_ONCE(r->lookups);

	for (round = 0; round < RACE_ROUNDS; round++) {
		KUNIT_ASSERT_EQ(test, extnet_table_flush(&t->table), 0);
		for (i = 0; i < 2 * RACE_KEYS; i++)
			KUNIT_ASSERT_EQ(test,
					test_insert4(&t->table, race_addr(i),
						     round & 1 ? VTEP(1) : VTEP(2),
						     round & 1 ? NULL : race_mac,
						     false), 0);
		cond_resched();
	}
	during = READ_ONCE(r->lookups) - before;
	kthread_stop(reader);
	t->reader = NULL;

	KUNIT_EXPECT_EQ(test, r->bad, 0UL);
	/* The reader looked entries up while the table was flushed. */
	KUNIT_EXPECT_GT(test, during, 0UL);
	KUNIT_EXPECT_EQ(test, extnet_table_flush(&t->table), 0);
	KUNIT_EXPECT_EQ(test, extnet_table_count(&t->table), 0U);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 0U);
	kunit_info(test, "%lu lookups during %u flushes\n", during,
		   RACE_ROUNDS);
}

/* IPv6 VTEPs: shared by their entries, distinct from IPv4 ones, and a
 * replace can move an entry between families.
 */
static void extnet_table_test_vtep6(struct kunit *test)
{
	/* 2001:db8:ff::c000:202 ends like 192.0.2.2 but is not IPv4. */
	static const struct in6_addr vtep6 = {
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0,
			     0, 0, 0, 0, 0xc0, 0x00, 0x02, 0x02 },
	};
	struct in6_addr a1 = test_key4(OVERLAY(21));
	struct in6_addr a2 = test_key4(OVERLAY(22));
	struct table_test *t = test->priv;
	struct extnet_entry *e1, *e2;

	KUNIT_ASSERT_EQ(test, extnet_table_insert_vtep(&t->table, &a1, &vtep6,
						       NULL, false), 0);
	KUNIT_ASSERT_EQ(test, extnet_table_insert_vtep(&t->table, &a2, &vtep6,
						       NULL, false), 0);
	rcu_read_lock();
	e1 = extnet_table_lookup(&t->table, &a1);
	e2 = extnet_table_lookup(&t->table, &a2);
	KUNIT_EXPECT_TRUE(test, e1 && e2 && vtep_of(e1) == vtep_of(e2));
	if (e1) {
		KUNIT_EXPECT_TRUE(test, vtep_of(e1)->is6);
		KUNIT_EXPECT_EQ(test, ntohl(vtep_of(e1)->addr4), 0U);
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&vtep_of(e1)->addr6,
							&vtep6));
		KUNIT_EXPECT_EQ(test, refcount_read(&vtep_of(e1)->refcnt), 2);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);

	/* The IPv4 VTEP with the same last 32 bits is another VTEP. */
	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(21), VTEP(2),
					   NULL, true), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 2U);
	rcu_read_lock();
	e1 = extnet_table_lookup(&t->table, &a1);
	e2 = extnet_table_lookup(&t->table, &a2);
	KUNIT_EXPECT_TRUE(test, e1 && e2 && vtep_of(e1) != vtep_of(e2));
	if (e1) {
		KUNIT_EXPECT_FALSE(test, vtep_of(e1)->is6);
		KUNIT_EXPECT_EQ(test, ntohl(vtep_of(e1)->addr4), VTEP(2));
		KUNIT_EXPECT_TRUE(test, ipv6_addr_v4mapped(&vtep_of(e1)->addr6));
	}
	rcu_read_unlock();

	/* The last entry of the IPv6 VTEP moves away: the VTEP goes. */
	KUNIT_ASSERT_EQ(test, test_insert4(&t->table, OVERLAY(22), VTEP(2),
					   NULL, true), 0);
	KUNIT_EXPECT_EQ(test, test_vteps(&t->table), 1U);
}

/* Seeds of the hash tests: the extremes, single bits and two arbitrary. */
static const u32 test_seeds[] = {
	0, 0xffffffff, 1, 0x80000000, 0x12345678, 0xdeadbeef,
};

static u32 test_bucket4(u32 addr, u32 seed, u32 buckets)
{
	struct in6_addr key = test_key4(addr);

	/* rhashtable's bucket index: the hash's low bits. */
	return extnet_addr_hash(&key, sizeof(key), seed) & (buckets - 1);
}

/* The IPv4 hash spreads the hosts of a subnet, whichever octet varies, one
 * per bucket at rhashtable's load (512 buckets for 256 entries; 2^17 for a
 * /16), for every seed; every bit of the address takes part.
 */
static void extnet_table_test_hash_spread(struct kunit *test)
{
	const u32 base = OVERLAY(1);
	unsigned int i, octet, k, collisions;
	u8 *count;

	count = kunit_kzalloc(test, BIT(17), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, count);
	for (i = 0; i < ARRAY_SIZE(test_seeds); i++) {
		for (octet = 0; octet < 4; octet++) {
			u32 shift = 24 - 8 * octet;

			memset(count, 0, 512);
			collisions = 0;
			for (k = 0; k < 256; k++) {
				u32 addr = (base & ~(0xffU << shift)) | k << shift;

				collisions += count[test_bucket4(addr,
								 test_seeds[i],
								 512)]++ != 0;
			}
			KUNIT_EXPECT_EQ_MSG(test, collisions, 0U,
					    "seed %#x, octet %u", test_seeds[i],
					    octet + 1);
		}

		memset(count, 0, BIT(17));
		collisions = 0;
		for (k = 0; k < BIT(16); k++)
			collisions += count[test_bucket4(0x0a000000U | k,
							 test_seeds[i],
							 BIT(17))]++ != 0;
		KUNIT_EXPECT_EQ_MSG(test, collisions, 0U, "seed %#x, /16",
				    test_seeds[i]);
	}
}

/* Another seed puts an address in another bucket: a table's seed, new
 * with each resize or rehash, decides where an address goes. IPv6 keys
 * are hashed with the seed too.
 */
static void extnet_table_test_hash_seeded(struct kunit *test)
{
	struct in6_addr key6 = { .s6_addr32 = { htonl(0x20010db8), htonl(1),
						0, htonl(1) } };
	unsigned int i, j, k, same, same6;

	for (i = 0; i < ARRAY_SIZE(test_seeds); i++) {
		for (j = i + 1; j < ARRAY_SIZE(test_seeds); j++) {
			same = 0;
			same6 = 0;
			for (k = 0; k < 256; k++) {
				same += test_bucket4(OVERLAY(k), test_seeds[i],
						     512) ==
					test_bucket4(OVERLAY(k), test_seeds[j],
						     512);
				key6.s6_addr32[3] = htonl(k);
				same6 += extnet_addr_hash(&key6, sizeof(key6),
							  test_seeds[i]) ==
					 extnet_addr_hash(&key6, sizeof(key6),
							  test_seeds[j]);
			}
			/* 256 of 512 buckets at random: 0.5 expected. */
			KUNIT_EXPECT_LE_MSG(test, same, 8U, "seeds %#x, %#x",
					    test_seeds[i], test_seeds[j]);
			KUNIT_EXPECT_LE_MSG(test, same6, 8U, "seeds %#x, %#x",
					    test_seeds[i], test_seeds[j]);
		}
	}
}

static struct kunit_case extnet_table_test_cases[] = {
	KUNIT_CASE(extnet_table_test_add_ipv4),
	KUNIT_CASE(extnet_table_test_add_ipv6),
	KUNIT_CASE(extnet_table_test_exists),
	KUNIT_CASE(extnet_table_test_replace),
	KUNIT_CASE(extnet_table_test_remove),
	KUNIT_CASE(extnet_table_test_vtep_shared),
	KUNIT_CASE(extnet_table_test_vtep_last_freed),
	KUNIT_CASE(extnet_table_test_vtep6),
	KUNIT_CASE(extnet_table_test_many_vteps),
	KUNIT_CASE(extnet_table_test_flush),
	KUNIT_CASE(extnet_table_test_flush_readers),
	KUNIT_CASE(extnet_table_test_many),
	KUNIT_CASE(extnet_table_test_concurrent_readers),
	KUNIT_CASE(extnet_table_test_hash_spread),
	KUNIT_CASE(extnet_table_test_hash_seeded),
	{}
};

static struct kunit_suite extnet_table_test_suite = {
	.name = "extnet_table",
	.suite_init = extnet_kunit_suite_init,
	.suite_exit = extnet_kunit_suite_exit,
	.init = table_test_init,
	.exit = table_test_exit,
	.test_cases = extnet_table_test_cases,
};

kunit_test_suite(extnet_table_test_suite);
