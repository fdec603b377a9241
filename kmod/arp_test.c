// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of proxy ARP, in extnet_kunit.ko. Compiled right after arp.c
 * (kmod/Kbuild's kunit/arp.c includes both), for arp_pull() and
 * reply_create().
 *
 * Each test has its own extnet device (down, unbound) on which 203.0.113.21
 * is mapped; 203.0.113.11 is a local host.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "kunit_helpers.h"

#define ARP_TEST_HOST 0xcb00710bU	/* 203.0.113.11 */
#define ARP_TEST_MAPPED 0xcb007115U	/* 203.0.113.21 */
#define ARP_TEST_UNMAPPED 0xcb007116U	/* 203.0.113.22 */
#define ARP_TEST_VTEP 0xc0000202U	/* 192.0.2.2 */

static const u8 host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xa1, 0x01 };
static const u8 bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 entry_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xb1, 0x01 };

static int arp_test_init(struct kunit *test)
{
	struct extnet_dev *priv = extnet_kunit_dev_create(test);
	struct in6_addr key;

	ipv6_addr_set_v4mapped(htonl(ARP_TEST_MAPPED), &key);
	KUNIT_ASSERT_EQ(test, extnet_table_insert(&priv->table, &key,
						  htonl(ARP_TEST_VTEP), NULL,
						  false), 0);
	test->priv = priv;
	return 0;
}

/* An ARP frame from the local host, skb->data at its Ethernet header, as
 * the transmit path hands it over.
 */
static struct sk_buff *arp_test_frame(struct kunit *test, const u8 *dest,
				      u16 op, u32 sip, u32 tip)
{
	struct arp_eth_ip4 *arp;
	struct ethhdr *eth;
	struct sk_buff *skb;

	skb = alloc_skb(ETH_HLEN + sizeof(*arp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	memcpy(eth->h_dest, dest, ETH_ALEN);
	memcpy(eth->h_source, host_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_ARP);
	arp = skb_put_zero(skb, sizeof(*arp));
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons(op);
	memcpy(arp->sha, host_mac, ETH_ALEN);
	arp->sip = htonl(sip);
	arp->tip = htonl(tip);
	return skb;
}

static struct sk_buff *arp_test_request(struct kunit *test, u32 sip, u32 tip)
{
	return arp_test_frame(test, bcast_mac, ARPOP_REQUEST, sip, tip);
}

static void arp_test_xmit(struct extnet_dev *priv, struct sk_buff *skb)
{
	local_bh_disable();
	rcu_read_lock();
	extnet_arp_xmit(priv, skb);
	rcu_read_unlock();
	local_bh_enable();
}

static void extnet_arp_test_parse_request(struct kunit *test)
{
	struct sk_buff *skb = arp_test_request(test, ARP_TEST_HOST,
					       ARP_TEST_MAPPED);
	const struct arp_eth_ip4 *arp = arp_pull(skb);

	KUNIT_EXPECT_PTR_EQ(test, (const void *)arp,
			    (const void *)(skb->data + ETH_HLEN));
	if (arp) {
		KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_op), ARPOP_REQUEST);
		KUNIT_EXPECT_EQ(test, ntohl(arp->sip), ARP_TEST_HOST);
		KUNIT_EXPECT_EQ(test, ntohl(arp->tip), ARP_TEST_MAPPED);
		KUNIT_EXPECT_TRUE(test, ether_addr_equal(arp->sha, host_mac));
	}
	kfree_skb(skb);
}

/* A field of a valid request overwritten, or the frame cut short. */
struct arp_lie {
	const char *desc;
	unsigned int offset;	/* in the ARP packet */
	unsigned int len;
	u8 bytes[ETH_ALEN];
	unsigned int trim;	/* bytes cut from the end of the frame */
};

#define ARP_OFF(field) offsetof(struct arp_eth_ip4, field)

static const struct arp_lie arp_lies[] = {
	{ "hardware type 6 (IEEE 802)", ARP_OFF(hdr.ar_hrd), 2, { 0, 6 } },
	{ "hardware type 0", ARP_OFF(hdr.ar_hrd), 2, { 0, 0 } },
	{ "protocol type IPv6", ARP_OFF(hdr.ar_pro), 2, { 0x86, 0xdd } },
	{ "hardware length 8", ARP_OFF(hdr.ar_hln), 1, { 8 } },
	{ "hardware length 0", ARP_OFF(hdr.ar_hln), 1, { 0 } },
	{ "protocol length 16", ARP_OFF(hdr.ar_pln), 1, { 16 } },
	{ "protocol length 6", ARP_OFF(hdr.ar_pln), 1, { 6 } },
	{ "sender MAC broadcast", ARP_OFF(sha), ETH_ALEN,
	  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "sender MAC multicast", ARP_OFF(sha), ETH_ALEN,
	  { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } },
	{ "sender MAC zero", ARP_OFF(sha), ETH_ALEN, { 0 } },
	{ .desc = "one byte short", .trim = 1 },
	{ .desc = "Ethernet header only", .trim = sizeof(struct arp_eth_ip4) },
};

static void arp_lie_desc(const struct arp_lie *lie, char *desc)
{
	strscpy(desc, lie->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(arp_lies, arp_lies, arp_lie_desc);

static void extnet_arp_test_lies(struct kunit *test)
{
	const struct arp_lie *lie = test->param_value;
	struct extnet_dev *priv = test->priv;
	u64 malformed, replies;
	struct sk_buff *skb;

	skb = arp_test_request(test, ARP_TEST_HOST, ARP_TEST_MAPPED);
	memcpy(skb->data + ETH_HLEN + lie->offset, lie->bytes, lie->len);
	skb_trim(skb, skb->len - lie->trim);
	KUNIT_EXPECT_NULL(test, arp_pull(skb));

	/* Dropped as malformed: no reply, nothing learned. */
	arp_test_xmit(priv, skb);
	malformed = extnet_kunit_counter(priv,
					 EXTNET_STATS_A_TX_DROP_MALFORMED);
	replies = extnet_kunit_counter(priv, EXTNET_STATS_A_ARP_REPLIES);
	KUNIT_EXPECT_EQ(test, malformed, 1);
	KUNIT_EXPECT_EQ(test, replies, 0);
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&priv->neighs), 0U);
}

/* What the transmit path does with well-formed ARP. */
struct arp_xmit_case {
	const char *desc;
	bool to_dev;	/* unicast to the device, else broadcast */
	u16 op;
	u32 sip;
	u32 tip;
	enum extnet_stats_attr counter;	/* the one that counts it, if any */
	bool learned;	/* the sender becomes a known neighbour */
};

static const struct arp_xmit_case arp_xmit_cases[] = {
	{ "request for a mapped address", false, ARPOP_REQUEST,
	  ARP_TEST_HOST, ARP_TEST_MAPPED, EXTNET_STATS_A_ARP_REPLIES, true },
	{ "RFC 5227 probe for a mapped address", false, ARPOP_REQUEST,
	  0, ARP_TEST_MAPPED, EXTNET_STATS_A_ARP_REPLIES, false },
	{ "request for an unmapped address", false, ARPOP_REQUEST,
	  ARP_TEST_HOST, ARP_TEST_UNMAPPED,
	  EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED, true },
	{ "gratuitous request", false, ARPOP_REQUEST, ARP_TEST_HOST,
	  ARP_TEST_HOST, EXTNET_STATS_A_TX_DROP_ARP_OTHER, true },
	{ "reply to the device (probe answer)", true, ARPOP_REPLY,
	  ARP_TEST_HOST, 0, EXTNET_STATS_A_UNSPEC, true },
	{ "broadcast reply", false, ARPOP_REPLY, ARP_TEST_HOST,
	  ARP_TEST_HOST, EXTNET_STATS_A_TX_DROP_ARP_OTHER, true },
	{ "op 0", false, 0, ARP_TEST_HOST, ARP_TEST_MAPPED,
	  EXTNET_STATS_A_TX_DROP_ARP_OTHER, true },
	{ "op 3 (RARP request)", false, ARPOP_RREQUEST, ARP_TEST_HOST,
	  ARP_TEST_MAPPED, EXTNET_STATS_A_TX_DROP_ARP_OTHER, true },
	{ "op 0x100 (byte-swapped request)", false, 0x100, ARP_TEST_HOST,
	  ARP_TEST_MAPPED, EXTNET_STATS_A_TX_DROP_ARP_OTHER, true },
	{ "request from a mapped address", false, ARPOP_REQUEST,
	  ARP_TEST_MAPPED, ARP_TEST_HOST, EXTNET_STATS_A_TX_DROP_CONFLICT,
	  false },
};

static void arp_xmit_desc(const struct arp_xmit_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(arp_xmit, arp_xmit_cases, arp_xmit_desc);

static void arp_test_xmit_case(struct kunit *test, bool bridged)
{
	static const enum extnet_stats_attr counters[] = {
		EXTNET_STATS_A_ARP_REPLIES,
		EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED,
		EXTNET_STATS_A_TX_DROP_ARP_OTHER,
		EXTNET_STATS_A_TX_DROP_MALFORMED,
		EXTNET_STATS_A_TX_DROP_CONFLICT,
	};
	const struct arp_xmit_case *c = test->param_value;
	struct extnet_dev *priv = test->priv;
	struct sk_buff *skb;
	unsigned int i;

	extnet_kunit_set_bridged(priv, bridged);
	KUNIT_EXPECT_EQ(test, extnet_routed(priv), !bridged);
	skb = arp_test_frame(test, c->to_dev ? priv->dev->dev_addr :
			     priv->dev->broadcast, c->op, c->sip, c->tip);
	arp_test_xmit(priv, skb);
	extnet_kunit_set_bridged(priv, false);

	/* The same verdicts and counters in both modes. */
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		u64 v = extnet_kunit_counter(priv, counters[i]);

		KUNIT_EXPECT_EQ_MSG(test, v, counters[i] == c->counter ? 1 : 0,
				    "counter %d", counters[i]);
	}
	KUNIT_EXPECT_EQ(test, extnet_neigh_count(&priv->neighs),
			bridged && c->learned ? 1U : 0U);
	/* A counted reply was also handed to the stack, and nothing else. */
	KUNIT_EXPECT_EQ(test, extnet_kunit_rx_dropped(priv),
			c->counter == EXTNET_STATS_A_ARP_REPLIES ? 1 : 0);
}

static void extnet_arp_test_xmit(struct kunit *test)
{
	arp_test_xmit_case(test, true);
}

/* Routed: the host's own ARP requests are answered, never learned. */
static void extnet_arp_test_xmit_routed(struct kunit *test)
{
	arp_test_xmit_case(test, false);
}

static void arp_test_check_reply(struct kunit *test, struct sk_buff *skb,
				 const u8 *mac, u32 sip, u32 tip)
{
	const struct arp_eth_ip4 *arp;
	const struct ethhdr *eth;

	KUNIT_EXPECT_GE(test, skb->len, ETH_HLEN + sizeof(*arp));
	if (skb->len < ETH_HLEN + sizeof(*arp))
		return;
	eth = (const struct ethhdr *)skb->data;
	arp = (const struct arp_eth_ip4 *)(skb->data + ETH_HLEN);
	/* From the answered MAC to the requester. */
	KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(eth->h_dest, host_mac),
			      "Ethernet destination %pM", eth->h_dest);
	KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(eth->h_source, mac),
			      "Ethernet source %pM", eth->h_source);
	KUNIT_EXPECT_EQ(test, ntohs(eth->h_proto), ETH_P_ARP);
	KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_hrd), ARPHRD_ETHER);
	KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_pro), ETH_P_IP);
	KUNIT_EXPECT_EQ(test, arp->hdr.ar_hln, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, arp->hdr.ar_pln, 4);
	KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_op), ARPOP_REPLY);
	/* Sender: the requested address at the answered MAC. */
	KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(arp->sha, mac),
			      "sender MAC %pM", arp->sha);
	KUNIT_EXPECT_EQ(test, ntohl(arp->sip), sip);
	/* Target: the requester. */
	KUNIT_EXPECT_TRUE_MSG(test, ether_addr_equal(arp->tha, host_mac),
			      "target MAC %pM", arp->tha);
	KUNIT_EXPECT_EQ(test, ntohl(arp->tip), tip);
	/* What we send, we would accept. */
	KUNIT_EXPECT_NOT_NULL(test, arp_pull(skb));
}

/* The reply to a request from the local host (sender @sip) for the mapped
 * address, for an entry with or without @lladdr.
 */
static struct sk_buff *arp_test_reply(struct kunit *test, u32 sip,
				      const u8 *lladdr)
{
	struct extnet_dev *priv = test->priv;
	const struct arp_eth_ip4 *arp;
	struct extnet_entry entry = {};
	struct sk_buff *req, *skb;

	atomic64_set(&entry.lladdr, extnet_lladdr_pack(lladdr));
	req = arp_test_request(test, sip, ARP_TEST_MAPPED);
	arp = arp_pull(req);
	skb = arp ? reply_create(priv->dev, arp, &entry) : NULL;
	kfree_skb(req);
	KUNIT_ASSERT_NOT_NULL(test, arp);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

static void extnet_arp_test_reply_lladdr(struct kunit *test)
{
	struct sk_buff *skb = arp_test_reply(test, ARP_TEST_HOST, entry_mac);

	arp_test_check_reply(test, skb, entry_mac, ARP_TEST_MAPPED,
			     ARP_TEST_HOST);
	kfree_skb(skb);
}

static void extnet_arp_test_reply_dev_mac(struct kunit *test)
{
	struct extnet_dev *priv = test->priv;
	struct sk_buff *skb = arp_test_reply(test, ARP_TEST_HOST, NULL);

	arp_test_check_reply(test, skb, priv->dev->dev_addr, ARP_TEST_MAPPED,
			     ARP_TEST_HOST);
	kfree_skb(skb);
}

static void extnet_arp_test_reply_probe(struct kunit *test)
{
	struct sk_buff *skb = arp_test_reply(test, 0, entry_mac);

	/* RFC 5227 probe (sender 0.0.0.0): unicast to the prober's MAC. */
	arp_test_check_reply(test, skb, entry_mac, ARP_TEST_MAPPED, 0);
	kfree_skb(skb);
}

static struct kunit_case extnet_arp_test_cases[] = {
	KUNIT_CASE(extnet_arp_test_parse_request),
	KUNIT_CASE_PARAM(extnet_arp_test_lies, arp_lies_gen_params),
	KUNIT_CASE_PARAM(extnet_arp_test_xmit, arp_xmit_gen_params),
	KUNIT_CASE_PARAM(extnet_arp_test_xmit_routed, arp_xmit_gen_params),
	KUNIT_CASE(extnet_arp_test_reply_lladdr),
	KUNIT_CASE(extnet_arp_test_reply_dev_mac),
	KUNIT_CASE(extnet_arp_test_reply_probe),
	{}
};

static struct kunit_suite extnet_arp_test_suite = {
	.name = "extnet_arp",
	.suite_init = extnet_kunit_suite_init,
	.suite_exit = extnet_kunit_suite_exit,
	.init = arp_test_init,
	.test_cases = extnet_arp_test_cases,
};

kunit_test_suite(extnet_arp_test_suite);
