// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of TCP MSS clamping. Included by pmtu.c when the kernel has
 * KUnit, for mss_option_lower().
 *
 * Each test has its own extnet device (down, unbound) with a fixed clamp,
 * so that no route to a VTEP is needed.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>

#include "kunit_helpers.h"

#define MSS_TEST_SRC 0xcb00710bU	/* 203.0.113.11 */
#define MSS_TEST_DST 0xcb007115U	/* 203.0.113.21 */
#define MSS_TEST_LIMIT 1200

static int mss_test_init(struct kunit *test)
{
	struct extnet_dev *priv = extnet_kunit_dev_create(test);

	priv->cfg.mss_clamp = MSS_TEST_LIMIT;
	test->priv = priv;
	return 0;
}

/* One options block and what mss_option_lower() must make of it. */
struct mss_opt_case {
	const char *name;
	u8 opt[12];
	unsigned int len;
	u16 old;		/* returned, host order; 0: unchanged */
	int mss_at;		/* offset of the MSS value, -1 if none */
};

static const struct mss_opt_case mss_opt_cases[] = {
	{ "MSS first", { 2, 4, 0x05, 0xb4, 1, 1, 0, 0 }, 8, 1460, 2 },
	{ "after NOPs and SACK-permitted", { 1, 1, 4, 2, 2, 4, 0x05, 0xb4 },
	  8, 1460, 6 },
	{ "already small", { 2, 4, 0x04, 0x00 }, 4, 0, 2 },
	{ "equal to the limit", { 2, 4, 0x04, 0xb0 }, 4, 0, 2 },
	{ "after end of options", { 0, 0, 0, 0, 2, 4, 0x05, 0xb4 }, 8, 0, 6 },
	{ "after a zero-length option", { 8, 0, 2, 4, 0x05, 0xb4 }, 6, 0, 4 },
	{ "truncated", { 1, 1, 2, 4, 0x05 }, 5, 0, -1 },
	{ "wrong length", { 2, 3, 0x05, 0xb4 }, 4, 0, 2 },
	{ "option overrunning the header", { 3, 9, 0, 0 }, 4, 0, -1 },
};

static void mss_opt_desc(const struct mss_opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mss_opt, mss_opt_cases, mss_opt_desc);

static void extnet_mss_test_option(struct kunit *test)
{
	const struct mss_opt_case *c = test->param_value;
	u8 opt[sizeof(c->opt)];
	__be16 old;

	memcpy(opt, c->opt, sizeof(opt));
	old = mss_option_lower(opt, c->len, MSS_TEST_LIMIT);
	KUNIT_EXPECT_EQ(test, ntohs(old), c->old);
	if (c->old) {
		KUNIT_EXPECT_EQ(test, get_unaligned_be16(&opt[c->mss_at]),
				MSS_TEST_LIMIT);
		/* Nothing else changed. */
		put_unaligned_be16(c->old, &opt[c->mss_at]);
	}
	KUNIT_EXPECT_EQ(test, memcmp(opt, c->opt, sizeof(opt)), 0);
}

#define MSS_TEST_OPTLEN 8

/* An Ethernet frame with a TCP segment (MSS option @mss, then
 * SACK-permitted) over IPv4 or IPv6 and a valid checksum, as a host sends
 * it (CHECKSUM_NONE).
 */
static struct sk_buff *mss_test_frame(struct kunit *test, bool v6, bool syn,
				      u16 mss)
{
	unsigned int iplen = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int tlen = sizeof(struct tcphdr) + MSS_TEST_OPTLEN;
	struct sk_buff *skb;
	struct ethhdr *eth;
	struct tcphdr *th;
	u8 *opt;

	skb = alloc_skb(ETH_HLEN + iplen + tlen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	eth->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		struct ipv6hdr *ip6h = skb_put_zero(skb, iplen);

		ip6h->version = 6;
		ip6h->payload_len = htons(tlen);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 64;
		ip6h->saddr.s6_addr32[0] = htonl(0x20010db8);
		ip6h->saddr.s6_addr32[3] = htonl(0x11);
		ip6h->daddr.s6_addr32[0] = htonl(0x20010db8);
		ip6h->daddr.s6_addr32[3] = htonl(0x21);
	} else {
		struct iphdr *iph = skb_put_zero(skb, iplen);

		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(iplen + tlen);
		iph->frag_off = htons(IP_DF);
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = htonl(MSS_TEST_SRC);
		iph->daddr = htonl(MSS_TEST_DST);
		ip_send_check(iph);
	}
	th = skb_put_zero(skb, tlen);
	th->source = htons(40000);
	th->dest = htons(5201);
	th->seq = htonl(1);
	th->doff = tlen / 4;
	th->syn = syn;
	th->ack = !syn;
	th->window = htons(64240);
	opt = (u8 *)(th + 1);
	opt[0] = TCPOPT_MSS;
	opt[1] = TCPOLEN_MSS;
	put_unaligned_be16(mss, &opt[2]);
	opt[4] = TCPOPT_NOP;
	opt[5] = TCPOPT_NOP;
	opt[6] = TCPOPT_SACK_PERM;
	opt[7] = TCPOLEN_SACK_PERM;
	th->check = 0;
	if (v6) {
		const struct ipv6hdr *ip6h = (void *)(skb->data + ETH_HLEN);

		th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, tlen,
					    IPPROTO_TCP,
					    csum_partial(th, tlen, 0));
	} else {
		th->check = csum_tcpudp_magic(htonl(MSS_TEST_SRC),
					      htonl(MSS_TEST_DST), tlen,
					      IPPROTO_TCP,
					      csum_partial(th, tlen, 0));
	}
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/* The MSS of @skb's segment, after checking its TCP checksum. */
static u16 mss_test_read(struct kunit *test, struct sk_buff *skb, bool v6)
{
	unsigned int iplen = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int tlen = sizeof(struct tcphdr) + MSS_TEST_OPTLEN;
	struct tcphdr *th = (void *)(skb->data + ETH_HLEN + iplen);
	__wsum sum = csum_partial(th, tlen, 0);

	if (v6) {
		const struct ipv6hdr *ip6h = (void *)(skb->data + ETH_HLEN);

		KUNIT_EXPECT_EQ(test, (__force u16)csum_ipv6_magic(&ip6h->saddr,
								   &ip6h->daddr,
								   tlen,
								   IPPROTO_TCP,
								   sum), 0);
	} else {
		KUNIT_EXPECT_EQ(test,
				(__force u16)csum_tcpudp_magic(htonl(MSS_TEST_SRC),
							       htonl(MSS_TEST_DST),
							       tlen, IPPROTO_TCP,
							       sum), 0);
	}
	return get_unaligned_be16((u8 *)(th + 1) + 2);
}

static void mss_test_clamp(struct kunit *test, bool v6)
{
	struct extnet_dev *priv = test->priv;
	struct sk_buff *skb = mss_test_frame(test, v6, true, 1460);

	extnet_mss_clamp(priv, skb, NULL, NULL);
	KUNIT_EXPECT_EQ(test, mss_test_read(test, skb, v6), MSS_TEST_LIMIT);
	KUNIT_EXPECT_EQ(test, extnet_kunit_counter(priv,
						   EXTNET_STATS_A_TX_MSS_CLAMPED),
			1);
	kfree_skb(skb);
}

static void extnet_mss_test_clamp4(struct kunit *test)
{
	mss_test_clamp(test, false);
}

static void extnet_mss_test_clamp6(struct kunit *test)
{
	mss_test_clamp(test, true);
}

/* Segments that must come out unchanged and uncounted. */
static void extnet_mss_test_untouched(struct kunit *test)
{
	struct extnet_dev *priv = test->priv;
	struct sk_buff *skb;

	skb = mss_test_frame(test, false, false, 1460);
	extnet_mss_clamp(priv, skb, NULL, NULL);
	KUNIT_EXPECT_EQ(test, mss_test_read(test, skb, false), 1460);
	kfree_skb(skb);

	skb = mss_test_frame(test, true, true, 1000);
	extnet_mss_clamp(priv, skb, NULL, NULL);
	KUNIT_EXPECT_EQ(test, mss_test_read(test, skb, true), 1000);
	kfree_skb(skb);

	/* A non-first fragment has no TCP header. */
	skb = mss_test_frame(test, false, true, 1460);
	((struct iphdr *)(skb->data + ETH_HLEN))->frag_off = htons(185);
	extnet_mss_clamp(priv, skb, NULL, NULL);
	KUNIT_EXPECT_EQ(test, mss_test_read(test, skb, false), 1460);
	kfree_skb(skb);

	priv->cfg.mss_clamp = EXTNET_MSS_CLAMP_OFF;
	skb = mss_test_frame(test, false, true, 1460);
	extnet_mss_clamp(priv, skb, NULL, NULL);
	KUNIT_EXPECT_EQ(test, mss_test_read(test, skb, false), 1460);
	kfree_skb(skb);

	KUNIT_EXPECT_EQ(test, extnet_kunit_counter(priv,
						   EXTNET_STATS_A_TX_MSS_CLAMPED),
			0);
}

static struct kunit_case extnet_mss_test_cases[] = {
	KUNIT_CASE_PARAM(extnet_mss_test_option, mss_opt_gen_params),
	KUNIT_CASE(extnet_mss_test_clamp4),
	KUNIT_CASE(extnet_mss_test_clamp6),
	KUNIT_CASE(extnet_mss_test_untouched),
	{}
};

static struct kunit_suite extnet_mss_test_suite = {
	.name = "extnet_mss",
	.suite_init = extnet_kunit_suite_init,
	.suite_exit = extnet_kunit_suite_exit,
	.init = mss_test_init,
	.test_cases = extnet_mss_test_cases,
};

kunit_test_suite(extnet_mss_test_suite);
