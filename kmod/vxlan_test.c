// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the VXLAN header helpers (vxlan.h), against the layout of
 * RFC 7348 §5:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |R|R|R|R|I|R|R|R|            Reserved                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                VXLAN Network Identifier (VNI) |   Reserved    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "vxlan.h"

/* A header as it is on the wire. */
union wire {
	struct vxlanhdr vxh;
	u8 b[8];
};

static void extnet_vxlan_test_build_layout(struct kunit *test)
{
	static const u8 want[8] = { 0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0 };
	union wire w;

	memset(&w, 0xff, sizeof(w));
	extnet_vxlan_build(&w.vxh, 0x123456);
	KUNIT_EXPECT_EQ(test, memcmp(w.b, want, sizeof(want)), 0);
	KUNIT_EXPECT_EQ(test, w.b[0], 0x08); /* I flag only */
	KUNIT_EXPECT_EQ(test, w.b[4], 0x12); /* VNI, most significant first */
	KUNIT_EXPECT_EQ(test, w.b[5], 0x34);
	KUNIT_EXPECT_EQ(test, w.b[6], 0x56);
	KUNIT_EXPECT_EQ(test, w.b[7], 0); /* reserved */
}

static void extnet_vxlan_test_build_default_vni(struct kunit *test)
{
	/* VNI 5001 of the selftests, as tcpdump shows it: 0x001389. */
	static const u8 want[8] = { 0x08, 0, 0, 0, 0x00, 0x13, 0x89, 0 };
	union wire w;

	extnet_vxlan_build(&w.vxh, 5001);
	KUNIT_EXPECT_EQ(test, memcmp(w.b, want, sizeof(want)), 0);
}

static const u32 roundtrip_vnis[] = { 0, 1, 0xff, 0x100, 5001, 0x800000,
				      0xfffffe, 0xffffff };

static void vni_desc(const u32 *vni, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "vni %u", *vni);
}

KUNIT_ARRAY_PARAM(roundtrip, roundtrip_vnis, vni_desc);

static void extnet_vxlan_test_roundtrip(struct kunit *test)
{
	const u32 *vni = test->param_value;
	union wire w;
	u32 got = ~0U;

	extnet_vxlan_build(&w.vxh, *vni);
	KUNIT_EXPECT_EQ(test, extnet_vxlan_parse(&w.vxh, &got), 0);
	KUNIT_EXPECT_EQ(test, got, *vni);
	/* The VNI is the top 24 bits of the second word. */
	KUNIT_EXPECT_EQ(test, be32_to_cpu(w.vxh.vx_vni), *vni << 8);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(w.vxh.vx_flags), 0x08000000U);
}

static void extnet_vxlan_test_parse_wire(struct kunit *test)
{
	const union wire w = {
		.b = { 0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0 },
	};
	u32 vni = 0;

	KUNIT_EXPECT_EQ(test, extnet_vxlan_parse(&w.vxh, &vni), 0);
	KUNIT_EXPECT_EQ(test, vni, 0xabcdefU);
}

static void extnet_vxlan_test_no_i_flag(struct kunit *test)
{
	union wire w = {
		.b = { 0, 0, 0, 0, 0x00, 0x13, 0x89, 0 },
	};
	u32 vni = 12345;

	KUNIT_EXPECT_EQ(test, extnet_vxlan_parse(&w.vxh, &vni), -EINVAL);
	/* No I flag, no VNI: left alone. */
	KUNIT_EXPECT_EQ(test, vni, 12345U);

	/* Every other flag set, but not I: still no VNI. */
	w.b[0] = 0xf7;
	KUNIT_EXPECT_EQ(test, extnet_vxlan_parse(&w.vxh, &vni), -EINVAL);
	KUNIT_EXPECT_EQ(test, vni, 12345U);
}

static void extnet_vxlan_test_reserved_flags(struct kunit *test)
{
	unsigned int bit;

	/* Each of the 31 reserved bits of the first word, with the I flag. */
	for (bit = 0; bit < 32; bit++) {
		union wire w = {
			.b = { 0x08, 0, 0, 0, 0x00, 0x13, 0x89, 0 },
		};
		u32 vni = 0;

		if (bit == 27)
			continue; /* the I flag */
		w.vxh.vx_flags |= cpu_to_be32(BIT(bit));
		KUNIT_EXPECT_EQ_MSG(test, extnet_vxlan_parse(&w.vxh, &vni),
				    -EPROTO, "flags bit %u", bit);
		/* The VNI is read, to count the drop on its device. */
		KUNIT_EXPECT_EQ_MSG(test, vni, 5001U, "flags bit %u", bit);
	}
}

static void extnet_vxlan_test_reserved_vni_byte(struct kunit *test)
{
	unsigned int bit;

	for (bit = 0; bit < 8; bit++) {
		union wire w = {
			.b = { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, BIT(bit) },
		};
		u32 vni = 0;

		KUNIT_EXPECT_EQ_MSG(test, extnet_vxlan_parse(&w.vxh, &vni),
				    -EPROTO, "reserved bit %u", bit);
		KUNIT_EXPECT_EQ_MSG(test, vni, 0xffffffU, "reserved bit %u",
				    bit);
	}
}

static struct kunit_case extnet_vxlan_test_cases[] = {
	KUNIT_CASE(extnet_vxlan_test_build_layout),
	KUNIT_CASE(extnet_vxlan_test_build_default_vni),
	KUNIT_CASE_PARAM(extnet_vxlan_test_roundtrip, roundtrip_gen_params),
	KUNIT_CASE(extnet_vxlan_test_parse_wire),
	KUNIT_CASE(extnet_vxlan_test_no_i_flag),
	KUNIT_CASE(extnet_vxlan_test_reserved_flags),
	KUNIT_CASE(extnet_vxlan_test_reserved_vni_byte),
	{}
};

static struct kunit_suite extnet_vxlan_test_suite = {
	.name = "extnet_vxlan",
	.test_cases = extnet_vxlan_test_cases,
};

kunit_test_suite(extnet_vxlan_test_suite);
