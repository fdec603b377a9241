// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of proxy Neighbour Discovery. Included by ndisc.c when the
 * kernel has KUnit, for nd_parse(), nd_build(), na_create() and
 * probe_create().
 *
 * Each test has its own extnet device (down, unbound) on which
 * 2001:db8:1::21 is mapped; 2001:db8:1::11 is a local host.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "kunit_helpers.h"

static const struct in6_addr nd_test_host = {
	{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x11 } } };
static const struct in6_addr nd_test_mapped = {
	{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x21 } } };
static const struct in6_addr nd_test_unmapped = {
	{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x22 } } };
static const struct in6_addr nd_test_vtep = {
	{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0xff, [15] = 0x02 } } };

static const u8 nd_host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xa1, 0x01 };
static const u8 nd_entry_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xb1, 0x01 };

static int nd_test_init(struct kunit *test)
{
	struct extnet_dev *priv = extnet_kunit_dev_create(test);

	KUNIT_ASSERT_EQ(test, extnet_table_insert_vtep(&priv->table,
						       &nd_test_mapped,
						       &nd_test_vtep, NULL,
						       false), 0);
	test->priv = priv;
	return 0;
}

/* Recomputes the ICMPv6 checksum of a frame built by nd_build(). */
static void nd_test_recsum(struct sk_buff *skb)
{
	struct ipv6hdr *ip6h = (struct ipv6hdr *)(skb->data + ND_IP6_OFF);
	struct icmp6hdr *icmp = (struct icmp6hdr *)(skb->data + ND_ICMP_OFF);
	unsigned int len = ntohs(ip6h->payload_len);

	icmp->icmp6_cksum = 0;
	icmp->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					    IPPROTO_ICMPV6,
					    csum_partial(icmp, len, 0));
}

/* An NS from @saddr (with a source link-layer option unless :: or
 * !@sllao) for @target, to the target's solicited-node group.
 */
static struct sk_buff *nd_test_ns(struct kunit *test,
				  const struct in6_addr *saddr,
				  const struct in6_addr *target, bool sllao)
{
	struct extnet_dev *priv = test->priv;
	struct in6_addr mcaddr;
	struct sk_buff *skb;
	u8 mac[ETH_ALEN];

	addrconf_addr_solict_mult(target, &mcaddr);
	ipv6_eth_mc_map(&mcaddr, mac);
	skb = nd_build(priv->dev, mac, nd_host_mac, saddr, &mcaddr,
		       NDISC_NEIGHBOUR_SOLICITATION, 0, target,
		       ND_OPT_SOURCE_LL_ADDR, sllao ? nd_host_mac : NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

static void nd_test_xmit(struct extnet_dev *priv, struct sk_buff *skb)
{
	local_bh_disable();
	rcu_read_lock();
	extnet_ndisc_xmit(priv, skb, ND_ICMP_OFF);
	rcu_read_unlock();
	local_bh_enable();
}

static void extnet_nd_test_parse_ns(struct kunit *test)
{
	struct sk_buff *skb = nd_test_ns(test, &nd_test_host, &nd_test_mapped,
					 true);
	struct nd_info ns;

	KUNIT_ASSERT_EQ(test, nd_parse(skb, &ns), 0);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ns.saddr, &nd_test_host));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ns.target, &nd_test_mapped));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_is_solict_mult(&ns.daddr));
	KUNIT_ASSERT_NOT_NULL(test, ns.lladdr);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(ns.lladdr, nd_host_mac));
	kfree_skb(skb);
}

/* A byte of a valid NS overwritten (offset from the IPv6 header), or the
 * NS cut short; the checksum is fixed afterwards unless @keep_csum.
 */
struct nd_lie {
	const char *desc;
	unsigned int offset;
	u8 byte;
	bool keep_csum;
	unsigned int icmp_len;	/* new ICMPv6 length, if not 0 */
	bool dad;		/* from :: */
	bool no_sllao;		/* without a source link-layer option */
};

#define ND_IP6(field) offsetof(struct ipv6hdr, field)
/* The first byte: version 6, traffic class 0 (rewritten as it is). */
#define ND_IP6_VERSION 0
#define ND_MSG(off) (sizeof(struct ipv6hdr) + (off))

static const struct nd_lie nd_lies[] = {
	{ "hop limit 64", ND_IP6(hop_limit), 64 },
	{ "hop limit 254", ND_IP6(hop_limit), 254 },
	{ "bad checksum", ND_MSG(2), 0x55, true },
	{ "code 1", ND_MSG(1), 1 },
	{ "target multicast", ND_MSG(8), 0xff },
	{ "option of length 0", ND_MSG(25), 0 },
	{ "option longer than the message", ND_MSG(25), 2 },
	{ "ICMPv6 length 16", .icmp_len = 16 },
	{ "ICMPv6 length 23", .icmp_len = 23 },
	{ "next header UDP", ND_IP6(nexthdr), IPPROTO_UDP },
	{ "source multicast", ND_IP6(saddr), 0xff },
	{ "from :: with a link-layer option", ND_IP6_VERSION, 0x60,
	  .dad = true },
	{ "from :: not to a solicited-node group", ND_IP6(daddr) + 11, 0,
	  .dad = true, .no_sllao = true },
};

static void nd_lie_desc(const struct nd_lie *lie, char *desc)
{
	strscpy(desc, lie->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nd_lies, nd_lies, nd_lie_desc);

static void extnet_nd_test_lies(struct kunit *test)
{
	const struct nd_lie *lie = test->param_value;
	struct extnet_dev *priv = test->priv;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct nd_info ns;

	skb = nd_test_ns(test, lie->dad ? &in6addr_any : &nd_test_host,
			 &nd_test_mapped, !lie->no_sllao);
	ip6h = (struct ipv6hdr *)(skb->data + ND_IP6_OFF);
	if (lie->icmp_len) {
		ip6h->payload_len = htons(lie->icmp_len);
		skb_trim(skb, ND_ICMP_OFF + lie->icmp_len);
	} else {
		((u8 *)ip6h)[lie->offset] = lie->byte;
	}
	if (!lie->keep_csum)
		nd_test_recsum(skb);
	KUNIT_EXPECT_EQ(test, nd_parse(skb, &ns), -EINVAL);

	/* Dropped as malformed: no answer, nothing learned. */
	nd_test_xmit(priv, skb);
	KUNIT_EXPECT_EQ(test, extnet_kunit_counter(priv,
						   EXTNET_STATS_A_TX_DROP_MALFORMED),
			1);
	KUNIT_EXPECT_EQ(test, extnet_kunit_counter(priv,
						   EXTNET_STATS_A_NA_REPLIES),
			0);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&priv->neighs), 0U);
}

/* What the transmit path does with well-formed ND. */
struct nd_xmit_case {
	const char *desc;
	u8 type;
	const struct in6_addr *saddr;
	const struct in6_addr *target;
	enum extnet_stats_attr counter;	/* the one that counts it, if any */
	bool learned;	/* a neighbour becomes known */
};

static const struct nd_xmit_case nd_xmit_cases[] = {
	{ "NS for a mapped address", NDISC_NEIGHBOUR_SOLICITATION,
	  &nd_test_host, &nd_test_mapped, EXTNET_STATS_A_NA_REPLIES, true },
	{ "DAD NS for a mapped address", NDISC_NEIGHBOUR_SOLICITATION,
	  &in6addr_any, &nd_test_mapped, EXTNET_STATS_A_NA_REPLIES, false },
	{ "NS for an unmapped address", NDISC_NEIGHBOUR_SOLICITATION,
	  &nd_test_host, &nd_test_unmapped,
	  EXTNET_STATS_A_TX_DROP_ND_UNMAPPED, true },
	{ "NS from a mapped address", NDISC_NEIGHBOUR_SOLICITATION,
	  &nd_test_mapped, &nd_test_unmapped,
	  EXTNET_STATS_A_TX_DROP_CONFLICT, false },
	{ "NA from a local host", NDISC_NEIGHBOUR_ADVERTISEMENT,
	  &nd_test_host, &nd_test_host, EXTNET_STATS_A_UNSPEC, true },
	{ "NA for a mapped address", NDISC_NEIGHBOUR_ADVERTISEMENT,
	  &nd_test_host, &nd_test_mapped, EXTNET_STATS_A_TX_DROP_CONFLICT,
	  false },
	{ "Router Solicitation", NDISC_ROUTER_SOLICITATION,
	  &nd_test_host, &nd_test_host, EXTNET_STATS_A_TX_DROP_ND_OTHER,
	  false },
	{ "Redirect", NDISC_REDIRECT, &nd_test_host, &nd_test_host,
	  EXTNET_STATS_A_TX_DROP_ND_OTHER, false },
};

static void nd_xmit_desc(const struct nd_xmit_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nd_xmit, nd_xmit_cases, nd_xmit_desc);

static void nd_test_xmit_case(struct kunit *test, bool bridged)
{
	static const enum extnet_stats_attr counters[] = {
		EXTNET_STATS_A_NA_REPLIES,
		EXTNET_STATS_A_TX_DROP_ND_UNMAPPED,
		EXTNET_STATS_A_TX_DROP_ND_OTHER,
		EXTNET_STATS_A_TX_DROP_MALFORMED,
		EXTNET_STATS_A_TX_DROP_CONFLICT,
	};
	const struct nd_xmit_case *c = test->param_value;
	struct extnet_dev *priv = test->priv;
	struct sk_buff *skb;
	unsigned int i;

	if (c->type == NDISC_NEIGHBOUR_SOLICITATION) {
		skb = nd_test_ns(test, c->saddr, c->target,
				 !ipv6_addr_any(c->saddr));
	} else {
		struct icmp6hdr flags = {};

		flags.icmp6_override = 1;
		skb = nd_build(priv->dev, priv->dev->broadcast, nd_host_mac,
			       c->saddr, &in6addr_linklocal_allnodes, c->type,
			       flags.icmp6_dataun.un_data32[0], c->target,
			       ND_OPT_TARGET_LL_ADDR, nd_host_mac);
		KUNIT_ASSERT_NOT_NULL(test, skb);
	}
	extnet_kunit_set_bridged(priv, bridged);
	nd_test_xmit(priv, skb);
	extnet_kunit_set_bridged(priv, false);

	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		u64 v = extnet_kunit_counter(priv, counters[i]);

		KUNIT_EXPECT_EQ_MSG(test, v, counters[i] == c->counter ? 1 : 0,
				    "counter %d", counters[i]);
	}
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&priv->neighs),
			bridged && c->learned ? 1U : 0U);
	/* A counted advertisement was also handed to the stack, and nothing
	 * else.
	 */
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_dropped(priv),
			c->counter == EXTNET_STATS_A_NA_REPLIES ? 1 : 0);
}

static void extnet_nd_test_xmit(struct kunit *test)
{
	nd_test_xmit_case(test, true);
}

/* Routed: the host's own NS and NA are answered or dropped, never learned. */
static void extnet_nd_test_xmit_routed(struct kunit *test)
{
	nd_test_xmit_case(test, false);
}

/* NA flags (RFC 4861 §4.4), first word in host order. */
#define ND_TEST_ROUTER BIT(31)
#define ND_TEST_SOLICITED BIT(30)
#define ND_TEST_OVERRIDE BIT(29)

/* The NA answering an NS from @saddr, for an entry with or without
 * @lladdr; checked field by field.
 */
static void nd_test_check_na(struct kunit *test,
			     const struct in6_addr *saddr, const u8 *lladdr)
{
	struct extnet_dev *priv = test->priv;
	const u8 *mac = lladdr ?: priv->dev->dev_addr;
	const struct ipv6hdr *ip6h;
	struct extnet_entry entry = {};
	const struct nd_msg *msg;
	struct sk_buff *req, *skb;
	const struct ethhdr *eth;
	struct nd_info ns, na;
	bool dad = ipv6_addr_any(saddr);
	u32 flags;

	atomic64_set(&entry.lladdr, extnet_lladdr_pack(lladdr));
	req = nd_test_ns(test, saddr, &nd_test_mapped, !dad);
	KUNIT_ASSERT_EQ(test, nd_parse(req, &ns), 0);
	skb = na_create(priv->dev, &ns, nd_host_mac, &entry);
	kfree_skb(req);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	eth = (const struct ethhdr *)skb->data;
	ip6h = (const struct ipv6hdr *)(skb->data + ND_IP6_OFF);
	msg = (const struct nd_msg *)(skb->data + ND_ICMP_OFF);
	flags = ntohl(msg->icmph.icmp6_dataun.un_data32[0]);
	if (dad) {
		/* RFC 4861 §7.2.4: to all nodes, not solicited. */
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h->daddr,
							&in6addr_linklocal_allnodes));
		KUNIT_EXPECT_TRUE_MSG(test, is_multicast_ether_addr(eth->h_dest),
				      "Ethernet destination %pM", eth->h_dest);
		KUNIT_EXPECT_EQ(test, flags & ND_TEST_SOLICITED, 0U);
	} else {
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h->daddr, saddr));
		KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(eth->h_dest,
							     nd_host_mac),
				      "Ethernet destination %pM", eth->h_dest);
		KUNIT_EXPECT_EQ(test, flags & ND_TEST_SOLICITED,
				ND_TEST_SOLICITED);
	}
	KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(eth->h_source, mac),
			      "Ethernet source %pM", eth->h_source);
	KUNIT_EXPECT_EQ(test, ntohs(eth->h_proto), ETH_P_IPV6);
	KUNIT_EXPECT_EQ(test, ip6h->hop_limit, 255);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h->saddr, &nd_test_mapped));
	KUNIT_EXPECT_EQ(test, msg->icmph.icmp6_type,
			NDISC_NEIGHBOUR_ADVERTISEMENT);
	/* A proxy: neither router nor override (RFC 4861 §7.2.8). */
	KUNIT_EXPECT_EQ(test, flags & (ND_TEST_ROUTER | ND_TEST_OVERRIDE), 0U);
	KUNIT_EXPECT_EQ(test, flags & ~(ND_TEST_ROUTER | ND_TEST_SOLICITED |
					ND_TEST_OVERRIDE), 0U);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&msg->target, &nd_test_mapped));

	/* What we send, we would accept; its option gives the MAC. */
	KUNIT_ASSERT_EQ(test, nd_parse(skb, &na), 0);
	KUNIT_ASSERT_NOT_NULL(test, na.lladdr);
	KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(na.lladdr, mac),
			      "target link-layer option %pM", na.lladdr);
	kfree_skb(skb);
}

static void extnet_nd_test_na_lladdr(struct kunit *test)
{
	nd_test_check_na(test, &nd_test_host, nd_entry_mac);
}

static void extnet_nd_test_na_dev_mac(struct kunit *test)
{
	nd_test_check_na(test, &nd_test_host, NULL);
}

static void extnet_nd_test_na_dad(struct kunit *test)
{
	nd_test_check_na(test, &in6addr_any, nd_entry_mac);
}

/* A probe for nd_test_host from @saddr: to its solicited-node group from
 * the device's MAC, valid as RFC 4861 §7.1.1 says (nd_parse()).
 */
static void nd_test_check_probe(struct kunit *test,
				const struct in6_addr *saddr)
{
	struct extnet_dev *priv = test->priv;
	const struct ipv6hdr *ip6h;
	const struct ethhdr *eth;
	struct sk_buff *skb;
	struct nd_info ns;

	skb = probe_create(priv->dev, saddr, &nd_test_host);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = (const struct ethhdr *)skb->data;
	ip6h = (const struct ipv6hdr *)(skb->data + ND_IP6_OFF);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(eth->h_source,
						 priv->dev->dev_addr));
	/* 33:33:ff:00:00:11, for ff02::1:ff00:11. */
	KUNIT_EXPECT_EQ(test, eth->h_dest[0], 0x33);
	KUNIT_EXPECT_EQ(test, eth->h_dest[2], 0xff);
	KUNIT_EXPECT_EQ(test, eth->h_dest[5], 0x11);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h->saddr, saddr));
	KUNIT_ASSERT_EQ(test, nd_parse(skb, &ns), 0);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_is_solict_mult(&ns.daddr));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ns.target, &nd_test_host));
	if (ipv6_addr_any(saddr)) {
		/* DAD-style: no source link-layer option (§4.3). */
		KUNIT_EXPECT_NULL(test, ns.lladdr);
	} else {
		/* Multicast from a unicast source: the option, our MAC. */
		KUNIT_EXPECT_TRUE(test, ns.lladdr &&
				  ether_addr_equal(ns.lladdr,
						   priv->dev->dev_addr));
	}
	kfree_skb(skb);
}

static void extnet_nd_test_probe(struct kunit *test)
{
	nd_test_check_probe(test, &in6addr_any);
}

static void extnet_nd_test_probe_src(struct kunit *test)
{
	/* fe80::fc00:ff:fe00:1, a link-local address of the device. */
	const struct in6_addr ll = {
		.s6_addr = { 0xfe, 0x80, [8] = 0xfc, 0x00, 0x00, 0xff,
			     0xfe, 0x00, 0x00, 0x01 },
	};

	nd_test_check_probe(test, &ll);
}

static struct kunit_case extnet_nd_test_cases[] = {
	KUNIT_CASE(extnet_nd_test_parse_ns),
	KUNIT_CASE_PARAM(extnet_nd_test_lies, nd_lies_gen_params),
	KUNIT_CASE_PARAM(extnet_nd_test_xmit, nd_xmit_gen_params),
	KUNIT_CASE_PARAM(extnet_nd_test_xmit_routed, nd_xmit_gen_params),
	KUNIT_CASE(extnet_nd_test_na_lladdr),
	KUNIT_CASE(extnet_nd_test_na_dev_mac),
	KUNIT_CASE(extnet_nd_test_na_dad),
	KUNIT_CASE(extnet_nd_test_probe),
	KUNIT_CASE(extnet_nd_test_probe_src),
	{}
};

static struct kunit_suite extnet_nd_test_suite = {
	.name = "extnet_ndisc",
	.suite_init = extnet_kunit_suite_init,
	.suite_exit = extnet_kunit_suite_exit,
	.init = nd_test_init,
	.test_cases = extnet_nd_test_cases,
};

kunit_test_suite(extnet_nd_test_suite);
