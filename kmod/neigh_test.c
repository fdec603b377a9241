// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of local neighbour learning, resolution and ageing, in
 * extnet_kunit.ko. Compiled right after neigh.c (kmod/Kbuild's kunit/neigh.c
 * includes both), for neigh_params.
 *
 * Each test has its own extnet device (down, unbound): the frames it
 * delivers and the probes it sends are counted, then dropped by the core.
 * The device's work is parked (queued an hour ahead, so that kick_work()
 * leaves it alone) and run by hand: the test decides when probes are
 * retried and entries age.
 */
#include <kunit/test.h>
#include <linux/ip.h>

#include "kunit_helpers.h"

#define NEIGH_TEST_A 0xcb00710bU	/* 203.0.113.11 */
#define NEIGH_TEST_B 0xcb00710cU	/* 203.0.113.12 */
#define NEIGH_TEST_REMOTE 0xcb007115U	/* 203.0.113.21, behind the tunnel */
#define NEIGH_TEST_KEPT 8

static const u8 mac_a[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xa1, 0x01 };
static const u8 mac_a2[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xa1, 0x02 };
static const u8 mac_b[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xa2, 0x01 };

struct neigh_test {
	struct extnet_dev *priv;
	/* Frames the test holds a reference to, to look at once sent. */
	struct sk_buff *kept[NEIGH_TEST_KEPT];
	unsigned int nkept;
	/* What extnet_neigh_output4() returned for the last frame. */
	int last_ret;
};

static struct extnet_dev *test_priv(struct kunit *test)
{
	return ((struct neigh_test *)test->priv)->priv;
}

static void neigh_test_park_work(struct extnet_dev *priv)
{
	mod_delayed_work(system_power_efficient_wq, &priv->neighs.work,
			 3600 * HZ);
}

static void neigh_test_run_work(struct extnet_dev *priv)
{
	mod_delayed_work(system_power_efficient_wq, &priv->neighs.work, 0);
	flush_delayed_work(&priv->neighs.work);
	neigh_test_park_work(priv);
}

static int neigh_test_init(struct kunit *test)
{
	struct neigh_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->priv = extnet_kunit_dev_create(test);
	neigh_test_park_work(t->priv);
	return 0;
}

static void neigh_test_exit(struct kunit *test)
{
	struct neigh_test *t = test->priv;

	while (t && t->nkept)
		kfree_skb(t->kept[--t->nkept]);
}

/* Caller holds rcu_read_lock(). */
static struct extnet_neigh *neigh_test_find(struct extnet_dev *priv, u32 addr)
{
	struct in6_addr key;

	ipv6_addr_set_v4mapped(htonl(addr), &key);
	return rhashtable_lookup(&priv->neighs.ht, &key, neigh_params);
}

/* A frame from the segment: the transmit path learns its sender. */
static void neigh_test_learn(struct extnet_dev *priv, u32 addr, const u8 *mac)
{
	local_bh_disable();
	rcu_read_lock();
	extnet_neigh_learn4(priv, htonl(addr), mac);
	rcu_read_unlock();
	local_bh_enable();
}

/* A decapsulated frame for @daddr, as the receive path hands it over; kept
 * (a reference held until the test ends) if @keep.
 */
static struct sk_buff *neigh_test_output(struct kunit *test, u32 daddr,
					 bool keep)
{
	struct neigh_test *t = test->priv;
	struct sk_buff *skb;
	struct ethhdr *eth;
	struct iphdr *iph;

	skb = alloc_skb(ETH_HLEN + sizeof(*iph), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_source, t->priv->dev->dev_addr);
	eth->h_proto = htons(ETH_P_IP);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph));
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = htonl(NEIGH_TEST_REMOTE);
	iph->daddr = htonl(daddr);
	skb->dev = t->priv->dev;
	skb->protocol = htons(ETH_P_IP);
	skb_set_network_header(skb, ETH_HLEN);
	if (keep) {
		if (t->nkept == NEIGH_TEST_KEPT) {
			kfree_skb(skb);
			KUNIT_ASSERT_FAILURE(test, "too many kept frames");
		}
		t->kept[t->nkept++] = skb_get(skb);
	}

	local_bh_disable();
	rcu_read_lock();
	t->last_ret = extnet_neigh_output4(t->priv, skb, htonl(daddr));
	if (t->last_ret == -ELOOP)
		kfree_skb(skb); /* a loop: not with these addresses */
	rcu_read_unlock();
	local_bh_enable();
	return keep ? skb : NULL;
}

static u64 neigh_test_count(struct kunit *test, enum extnet_stats_attr attr)
{
	struct neigh_test *t = test->priv;

	return extnet_kunit_counter(t->priv, attr);
}

static void extnet_neigh_test_learn(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 learned;
	unsigned long stale = jiffies - 10 * HZ;
	struct extnet_neigh *n, *again;

	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);
	learned = neigh_test_count(test, EXTNET_STATS_A_NEIGH_LEARNED);
	KUNIT_EXPECT_EQ(test, learned, 1);

	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_A);
	KUNIT_EXPECT_NOT_NULL(test, n);
	if (n) {
		KUNIT_EXPECT_EQ(test, n->state, EXTNET_NEIGH_REACHABLE);
		KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(n->lladdr, mac_a),
				      "lladdr %pM", n->lladdr);
		/* Heard again: the same entry, fresh. */
		WRITE_ONCE(n->updated, stale);
		neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
		again = neigh_test_find(t->priv, NEIGH_TEST_A);
		KUNIT_EXPECT_PTR_EQ(test, again, n);
		KUNIT_EXPECT_TRUE(test, time_after(READ_ONCE(n->updated),
						   stale));
	}
	rcu_read_unlock();
	learned = neigh_test_count(test, EXTNET_STATS_A_NEIGH_LEARNED);
	KUNIT_EXPECT_EQ(test, learned, 1);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);
}

static void extnet_neigh_test_learn_ignored(struct kunit *test)
{
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 1 };
	static const u8 zero[ETH_ALEN] = {};
	struct neigh_test *t = test->priv;
	u64 learned;

	neigh_test_learn(t->priv, 0, mac_a);			/* 0.0.0.0 */
	neigh_test_learn(t->priv, 0xe0000001U, mac_a);		/* 224.0.0.1 */
	neigh_test_learn(t->priv, 0xffffffffU, mac_a);		/* broadcast */
	neigh_test_learn(t->priv, 0x7f000001U, mac_a);		/* 127.0.0.1 */
	neigh_test_learn(t->priv, NEIGH_TEST_A, mcast);
	neigh_test_learn(t->priv, NEIGH_TEST_A, zero);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 0U);
	learned = neigh_test_count(test, EXTNET_STATS_A_NEIGH_LEARNED);
	KUNIT_EXPECT_EQ(test, learned, 0);
}

static void extnet_neigh_test_mac_change(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 learned;
	struct extnet_neigh *old, *n;

	/* Under RCU throughout: the replaced entry stays readable. */
	rcu_read_lock();
	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	old = neigh_test_find(t->priv, NEIGH_TEST_A);
	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a2);
	n = neigh_test_find(t->priv, NEIGH_TEST_A);
	KUNIT_EXPECT_NOT_NULL(test, old);
	KUNIT_EXPECT_NOT_NULL(test, n);
	/* A new entry: a reachable entry's MAC never changes under readers. */
	KUNIT_EXPECT_PTR_NE(test, n, old);
	if (n) {
		KUNIT_EXPECT_EQ(test, n->state, EXTNET_NEIGH_REACHABLE);
		KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(n->lladdr, mac_a2),
				      "lladdr %pM", n->lladdr);
	}
	if (old) {
		KUNIT_EXPECT_EQ(test, old->state, EXTNET_NEIGH_DEAD);
		KUNIT_EXPECT_TRUE(test, ether_addr_equal(old->lladdr, mac_a));
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);
	learned = neigh_test_count(test, EXTNET_STATS_A_NEIGH_LEARNED);
	KUNIT_EXPECT_EQ(test, learned, 2);
}

static void extnet_neigh_test_unresolved(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	struct extnet_neigh *n;

	neigh_test_output(test, NEIGH_TEST_B, false);
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	KUNIT_EXPECT_NOT_NULL(test, n);
	if (n) {
		KUNIT_EXPECT_EQ(test, n->state, EXTNET_NEIGH_INCOMPLETE);
		KUNIT_EXPECT_EQ(test, n->probes, 1);
		KUNIT_EXPECT_EQ(test, skb_queue_len(&n->queue), 1U);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete), 1);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			1);
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_packets(t->priv), 0);

	/* A second frame waits too, without a second probe. */
	neigh_test_output(test, NEIGH_TEST_B, false);
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	KUNIT_EXPECT_TRUE(test, n && skb_queue_len(&n->queue) == 2);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			1);
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_packets(t->priv), 0);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);
}

static void extnet_neigh_test_complete(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 learned;
	struct sk_buff *held[2], *skb;
	struct extnet_neigh *n;
	unsigned int i;

	held[0] = neigh_test_output(test, NEIGH_TEST_B, true);
	held[1] = neigh_test_output(test, NEIGH_TEST_B, true);
	KUNIT_ASSERT_EQ(test, extnet_kunit_rx_packets(t->priv), 0);

	/* The host answers the probe. */
	neigh_test_learn(t->priv, NEIGH_TEST_B, mac_b);
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	KUNIT_EXPECT_NOT_NULL(test, n);
	if (n) {
		KUNIT_EXPECT_EQ(test, n->state, EXTNET_NEIGH_REACHABLE);
		KUNIT_EXPECT_TRUE(test, ether_addr_equal(n->lladdr, mac_b));
		KUNIT_EXPECT_EQ(test, skb_queue_len(&n->queue), 0U);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete), 0);
	learned = neigh_test_count(test, EXTNET_STATS_A_NEIGH_LEARNED);
	KUNIT_EXPECT_EQ(test, learned, 1);

	/* What it held is sent, to the host's MAC. */
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_packets(t->priv), 2);
	for (i = 0; i < ARRAY_SIZE(held); i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      ether_addr_equal(eth_hdr(held[i])->h_dest,
						       mac_b),
				      "frame %u to %pM", i,
				      eth_hdr(held[i])->h_dest);

	/* Later frames go at once. */
	skb = neigh_test_output(test, NEIGH_TEST_B, true);
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_packets(t->priv), 3);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(eth_hdr(skb)->h_dest, mac_b));
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			1);
}

static void extnet_neigh_test_queue_bound(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 queue_full;
	struct extnet_neigh *n;
	unsigned int i;

	/* Held (0) up to the bound, then dropped (-ENOBUFS): the receive
	 * path counts only the former on the sender's mapping entry.
	 */
	for (i = 0; i < EXTNET_NEIGH_QLEN + 2; i++) {
		neigh_test_output(test, NEIGH_TEST_B, false);
		KUNIT_EXPECT_EQ_MSG(test, t->last_ret,
				    i < EXTNET_NEIGH_QLEN ? 0 : -ENOBUFS,
				    "frame %u", i);
	}
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	KUNIT_EXPECT_TRUE(test, n &&
			  skb_queue_len(&n->queue) == EXTNET_NEIGH_QLEN);
	rcu_read_unlock();
	queue_full = neigh_test_count(test, EXTNET_STATS_A_RX_DROP_QUEUE_FULL);
	KUNIT_EXPECT_EQ(test, queue_full, 2);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			1);

	neigh_test_learn(t->priv, NEIGH_TEST_B, mac_b);
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_packets(t->priv),
			EXTNET_NEIGH_QLEN);
}

static void extnet_neigh_test_incomplete_cap(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 neigh_full;
	const u32 base = 0x0a000000;	/* 10.0.0.0 */
	struct extnet_neigh *n;
	unsigned int i;

	for (i = 0; i < EXTNET_NEIGH_MAX_INCOMPLETE; i++)
		neigh_test_output(test, base + 1 + i, false);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs),
			EXTNET_NEIGH_MAX_INCOMPLETE);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete),
			EXTNET_NEIGH_MAX_INCOMPLETE);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			EXTNET_NEIGH_MAX_INCOMPLETE);

	/* One more host to resolve: no room. */
	neigh_test_output(test, base + 0x1000, false);
	neigh_full = neigh_test_count(test, EXTNET_STATS_A_RX_DROP_NEIGH_FULL);
	KUNIT_EXPECT_EQ(test, neigh_full, 1);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs),
			EXTNET_NEIGH_MAX_INCOMPLETE);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, neigh_test_find(t->priv, base + 0x1000));
	rcu_read_unlock();

	/* A host that speaks is still learned... */
	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs),
			EXTNET_NEIGH_MAX_INCOMPLETE + 1);

	/* ...and one that answers makes room. */
	neigh_test_learn(t->priv, base + 1, mac_b);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete),
			EXTNET_NEIGH_MAX_INCOMPLETE - 1);
	neigh_test_output(test, base + 0x1000, false);
	rcu_read_lock();
	n = neigh_test_find(t->priv, base + 0x1000);
	KUNIT_EXPECT_TRUE(test, n && n->state == EXTNET_NEIGH_INCOMPLETE);
	rcu_read_unlock();
	neigh_full = neigh_test_count(test, EXTNET_STATS_A_RX_DROP_NEIGH_FULL);
	KUNIT_EXPECT_EQ(test, neigh_full, 1);
}

static void extnet_neigh_test_probe_retry_fail(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 probe_failed, sent;
	struct extnet_neigh *n;
	unsigned int probes;

	neigh_test_output(test, NEIGH_TEST_B, false);

	/* Probes are one second apart: not yet. */
	neigh_test_run_work(t->priv);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			1);

	for (probes = 2; probes <= EXTNET_NEIGH_PROBES + 1; probes++) {
		rcu_read_lock();
		n = neigh_test_find(t->priv, NEIGH_TEST_B);
		if (n)
			WRITE_ONCE(n->updated, jiffies - HZ);
		rcu_read_unlock();
		KUNIT_ASSERT_NOT_NULL_MSG(test, n, "before probe %u", probes);
		neigh_test_run_work(t->priv);
		if (probes > EXTNET_NEIGH_PROBES)
			break;
		sent = neigh_test_count(test, EXTNET_STATS_A_PROBES);
		KUNIT_EXPECT_EQ(test, sent, probes);
		rcu_read_lock();
		n = neigh_test_find(t->priv, NEIGH_TEST_B);
		KUNIT_EXPECT_TRUE(test, n && n->probes == probes &&
				  n->state == EXTNET_NEIGH_INCOMPLETE);
		rcu_read_unlock();
	}

	/* No answer to EXTNET_NEIGH_PROBES probes: given up. */
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, neigh_test_find(t->priv, NEIGH_TEST_B));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			EXTNET_NEIGH_PROBES);
	probe_failed = neigh_test_count(test,
					EXTNET_STATS_A_RX_DROP_PROBE_FAILED);
	KUNIT_EXPECT_EQ(test, probe_failed, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete), 0);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 0U);
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_packets(t->priv), 0);
}

static void extnet_neigh_test_ageing(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 probe_failed;
	struct extnet_neigh *n;

	WRITE_ONCE(t->priv->cfg.ageing, 10 * HZ);
	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	neigh_test_learn(t->priv, NEIGH_TEST_B, mac_b);

	/* A silent for longer than the ageing time, B not quite. */
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_A);
	if (n)
		WRITE_ONCE(n->updated, jiffies - 11 * HZ);
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	if (n)
		WRITE_ONCE(n->updated, jiffies - 9 * HZ);
	rcu_read_unlock();

	neigh_test_run_work(t->priv);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, neigh_test_find(t->priv, NEIGH_TEST_A));
	KUNIT_EXPECT_NOT_NULL(test, neigh_test_find(t->priv, NEIGH_TEST_B));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);

	/* A frame from B keeps it (refreshed at most once a second). */
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	if (n)
		WRITE_ONCE(n->updated, jiffies - 11 * HZ);
	rcu_read_unlock();
	neigh_test_learn(t->priv, NEIGH_TEST_B, mac_b);
	neigh_test_run_work(t->priv);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);

	/* Then B goes silent too. */
	rcu_read_lock();
	n = neigh_test_find(t->priv, NEIGH_TEST_B);
	if (n)
		WRITE_ONCE(n->updated, jiffies - 11 * HZ);
	rcu_read_unlock();
	neigh_test_run_work(t->priv);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 0U);
	/* Ageing is not a failed probe. */
	probe_failed = neigh_test_count(test,
					EXTNET_STATS_A_RX_DROP_PROBE_FAILED);
	KUNIT_EXPECT_EQ(test, probe_failed, 0);
}

static void extnet_neigh_test_forget(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	u64 loop, probe_failed;

	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	neigh_test_output(test, NEIGH_TEST_B, false);
	KUNIT_ASSERT_EQ(test, extnet_neigh_count(&t->priv->neighs), 2U);

	extnet_neigh_forget4(t->priv, htonl(NEIGH_TEST_A));
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);
	/* Forgetting a host being resolved drops what it held: the address
	 * is remote now, so the frame would loop back into the tunnel.
	 */
	extnet_neigh_forget4(t->priv, htonl(NEIGH_TEST_B));
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete), 0);
	loop = neigh_test_count(test, EXTNET_STATS_A_RX_DROP_LOOP);
	KUNIT_EXPECT_EQ(test, loop, 1);
	probe_failed = neigh_test_count(test,
					EXTNET_STATS_A_RX_DROP_PROBE_FAILED);
	KUNIT_EXPECT_EQ(test, probe_failed, 0);
	/* Unknown: nothing to do. */
	extnet_neigh_forget4(t->priv, htonl(NEIGH_TEST_A));
}

/* The fast path of learning, which also tells the transmit path that a
 * sender is not mapped: true only for a reachable host at the same MAC.
 */
static void extnet_neigh_test_refresh(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	struct in6_addr a, b;

	ipv6_addr_set_v4mapped(htonl(NEIGH_TEST_A), &a);
	ipv6_addr_set_v4mapped(htonl(NEIGH_TEST_B), &b);
	rcu_read_lock();
	KUNIT_EXPECT_FALSE(test, extnet_neigh_refresh(t->priv, &a, mac_a));
	rcu_read_unlock();
	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	/* Being resolved: not known yet. */
	neigh_test_output(test, NEIGH_TEST_B, false);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, extnet_neigh_refresh(t->priv, &a, mac_a));
	KUNIT_EXPECT_FALSE(test, extnet_neigh_refresh(t->priv, &a, mac_a2));
	KUNIT_EXPECT_FALSE(test, extnet_neigh_refresh(t->priv, &b, mac_b));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 2U);
}

/* A mapped address is never a local neighbour: not learned, and a frame
 * for it is handed back as a loop, with no probe.
 */
static void extnet_neigh_test_mapped(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	struct sk_buff *skb;
	struct in6_addr a;
	int ret;

	ipv6_addr_set_v4mapped(htonl(NEIGH_TEST_A), &a);
	KUNIT_ASSERT_EQ(test, extnet_table_insert(&t->priv->table, &a,
						  htonl(0xc0000202U), NULL,
						  false), 0);
	neigh_test_learn(t->priv, NEIGH_TEST_A, mac_a);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 0U);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test,
					       EXTNET_STATS_A_NEIGH_LEARNED), 0);

	skb = neigh_test_output(test, NEIGH_TEST_B, true);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	local_bh_disable();
	rcu_read_lock();
	ret = extnet_neigh_output(t->priv, skb, &a);
	rcu_read_unlock();
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, ret, -ELOOP);
	if (ret)
		kfree_skb(skb);
	/* Only B is being resolved; A got no entry and no probe. */
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 1U);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			1);
}

/* Makes every entry of @n hosts from @base due for the work's next pass. */
static void neigh_test_age_hosts(struct extnet_dev *priv, u32 base,
				 unsigned int n)
{
	struct extnet_neigh *e;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < n; i++) {
		e = neigh_test_find(priv, base + i);
		if (e)
			WRITE_ONCE(e->updated, jiffies - HZ);
	}
	rcu_read_unlock();
}

/* Many hosts to resolve at once (the work used to probe 16 per pass and
 * leave the others waiting, unprobed and not given up): each is probed once
 * a second and given up after EXTNET_NEIGH_PROBES, all in step.
 */
static void extnet_neigh_test_probe_many(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	const u32 base = 0x0a000001;	/* 10.0.0.1 */
	const unsigned int hosts = 4 * 16;
	u64 probe_failed, sent;
	unsigned int i, round;

	for (i = 0; i < hosts; i++)
		neigh_test_output(test, base + i, false);
	KUNIT_ASSERT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			hosts);

	for (round = 2; round <= EXTNET_NEIGH_PROBES; round++) {
		neigh_test_age_hosts(t->priv, base, hosts);
		neigh_test_run_work(t->priv);
		sent = neigh_test_count(test, EXTNET_STATS_A_PROBES);
		KUNIT_EXPECT_EQ_MSG(test, sent, (u64)hosts * round,
				    "probes after pass %u", round);
	}
	neigh_test_age_hosts(t->priv, base, hosts);
	neigh_test_run_work(t->priv);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->priv->neighs.incomplete), 0);
	probe_failed = neigh_test_count(test,
					EXTNET_STATS_A_RX_DROP_PROBE_FAILED);
	KUNIT_EXPECT_EQ(test, probe_failed, hosts);
	KUNIT_EXPECT_EQ(test, neigh_test_count(test, EXTNET_STATS_A_PROBES),
			(u64)hosts * EXTNET_NEIGH_PROBES);
}

/* The work gives up on an entry the host's answer completed a moment
 * before: the entry stays, as learned.
 */
static void extnet_neigh_test_give_up_completed(struct kunit *test)
{
	struct extnet_neigh_table *nt = &test_priv(test)->neighs;
	struct sk_buff_head held;
	struct extnet_neigh *n;
	bool killed;

	neigh_test_output(test, NEIGH_TEST_B, false);
	neigh_test_learn(test_priv(test), NEIGH_TEST_B, mac_b);
	KUNIT_ASSERT_EQ(test, extnet_kunit_rx_packets(test_priv(test)), 1);

	__skb_queue_head_init(&held);
	rcu_read_lock();
	n = neigh_test_find(test_priv(test), NEIGH_TEST_B);
	KUNIT_ASSERT_NOT_NULL_MSG(test, n, "B not learned");
	spin_lock_bh(&nt->lock);
	killed = neigh_kill(nt, n, &held, true);
	spin_unlock_bh(&nt->lock);
	KUNIT_EXPECT_FALSE(test, killed);
	KUNIT_EXPECT_EQ(test, n->state, EXTNET_NEIGH_REACHABLE);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&held));
	KUNIT_EXPECT_EQ(test, atomic_read(&nt->incomplete), 0);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(nt), 1U);
}

/* The table holds EXTNET_NEIGH_MAX hosts, not one more (rhashtable's
 * max_size counts buckets: it allows twice as many entries).
 */
static void extnet_neigh_test_table_bound(struct kunit *test)
{
	struct neigh_test *t = test->priv;
	const u32 base = 0x0a000001;	/* 10.0.0.1 */
	u64 neigh_full;
	unsigned int i;

	for (i = 0; i < EXTNET_NEIGH_MAX; i++)
		neigh_test_learn(t->priv, base + i, mac_a);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs),
			EXTNET_NEIGH_MAX);
	neigh_full = neigh_test_count(test, EXTNET_STATS_A_RX_DROP_NEIGH_FULL);
	KUNIT_EXPECT_EQ(test, neigh_full, 0);

	neigh_test_learn(t->priv, base + EXTNET_NEIGH_MAX, mac_a);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&t->priv->neighs),
			EXTNET_NEIGH_MAX);
	neigh_full = neigh_test_count(test, EXTNET_STATS_A_RX_DROP_NEIGH_FULL);
	KUNIT_EXPECT_EQ(test, neigh_full, 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, neigh_test_find(t->priv,
						base + EXTNET_NEIGH_MAX));
	KUNIT_EXPECT_NOT_NULL(test, neigh_test_find(t->priv, base));
	rcu_read_unlock();
}

static struct kunit_case extnet_neigh_test_cases[] = {
	KUNIT_CASE(extnet_neigh_test_learn),
	KUNIT_CASE(extnet_neigh_test_learn_ignored),
	KUNIT_CASE(extnet_neigh_test_mac_change),
	KUNIT_CASE(extnet_neigh_test_unresolved),
	KUNIT_CASE(extnet_neigh_test_complete),
	KUNIT_CASE(extnet_neigh_test_queue_bound),
	KUNIT_CASE(extnet_neigh_test_incomplete_cap),
	KUNIT_CASE(extnet_neigh_test_probe_retry_fail),
	KUNIT_CASE(extnet_neigh_test_probe_many),
	KUNIT_CASE(extnet_neigh_test_give_up_completed),
	KUNIT_CASE(extnet_neigh_test_table_bound),
	KUNIT_CASE(extnet_neigh_test_ageing),
	KUNIT_CASE(extnet_neigh_test_forget),
	KUNIT_CASE(extnet_neigh_test_refresh),
	KUNIT_CASE(extnet_neigh_test_mapped),
	{}
};

static struct kunit_suite extnet_neigh_test_suite = {
	.name = "extnet_neigh",
	.suite_init = extnet_kunit_suite_init,
	.suite_exit = extnet_kunit_suite_exit,
	.init = neigh_test_init,
	.exit = neigh_test_exit,
	.test_cases = extnet_neigh_test_cases,
};

kunit_test_suite(extnet_neigh_test_suite);
