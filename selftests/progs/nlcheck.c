// SPDX-License-Identifier: GPL-2.0
/*
 * nlcheck: send malformed and unauthorised requests to the extnet generic
 * netlink family and check that each is rejected with the right errno and
 * an extended ack message. Prints KTAP.
 *
 * usage: nlcheck [-c] [-n NETNS_PATH -f FOREIGN_DEV] EXTNET_DEV OTHER_DEV
 *   -c:          print the number of results a run with these arguments
 *                reports (its KTAP plan) and exit; sends nothing
 *   EXTNET_DEV:  an extnet device in this namespace (gets test entries)
 *   OTHER_DEV:   a device of another kind (e.g. lo)
 *   NETNS_PATH:  another network namespace (/run/netns/NAME) holding the
 *                extnet device FOREIGN_DEV, which requests made here must
 *                not find
 *
 * Every run reports exactly that number of results (groups[] in main() says
 * how many each group of cases reports; a group that reports fewer gets
 * "not ok" results for the missing ones, one that reports more fails), then
 * "# nlcheck: N passed, N failed, N skipped". Exit status 1 if any failed.
 *
 * The dump cases create and delete extnet devices of their own (with
 * ip(8)) and fill them with every address of the three IPv4 documentation
 * ranges (768 entries).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/extnet.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static struct mnl_socket *nl;
static uint16_t family;
static unsigned int seq;
/* Results so far; shared with the unprivileged child, which reports some. */
static struct counts {
	unsigned int tests, failed, skipped;
} *cnt;
/* The extended ack of the last request: cookie (-1 if none), bad offset. */
static int64_t last_cookie;
static uint32_t last_offs;
static const char *ext_dev, *other_dev, *netns_path, *foreign_dev;

/* Id of the family's "events" multicast group. */
static uint32_t events_group;

static int group_cb(const struct nlattr *grp, void *data)
{
	const struct nlattr *a, *name = NULL, *id = NULL;

	(void)data;
	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = a;
	}
	if (name && id && !strcmp(mnl_attr_get_str(name), EXTNET_GENL_MCGRP_EVENTS))
		events_group = mnl_attr_get_u32(id);
	return MNL_CB_OK;
}

static int family_cb(const struct nlattr *attr, void *data)
{
	(void)data;
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
		family = mnl_attr_get_u16(attr);
	else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS)
		mnl_attr_parse_nested(attr, group_cb, NULL);
	return MNL_CB_OK;
}

static int ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, NULL);
}

static struct nlmsghdr *start(char *buf, uint16_t type, uint8_t cmd,
			      uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = EXTNET_GENL_VERSION;
	return nlh;
}

static void open_socket(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, ret;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		exit(1);
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, EXTNET_GENL_NAME);
	mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret <= 0 || mnl_cb_run(buf, ret, seq, 0, ctrl_cb, NULL) < 0 ||
	    !family) {
		fprintf(stderr, "family %s not found\n", EXTNET_GENL_NAME);
		exit(1);
	}
}

/* Sends @nlh, returns the errno of the answer (0 for success) and copies
 * the extack message into @msg.
 */
static int transact_on(struct mnl_socket *sock, struct nlmsghdr *nlh,
		       char *msg, size_t len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret;

	msg[0] = 0;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		struct nlmsghdr *r;

		ret = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (ret <= 0)
			return EIO;
		for (r = (struct nlmsghdr *)buf; mnl_nlmsg_ok(r, ret);
		     r = mnl_nlmsg_next(r, &ret)) {
			const struct nlmsgerr *err;
			const struct nlattr *a;

			size_t off;
			int error;

			if (r->nlmsg_type == NLMSG_DONE) {
				/* A dump ends with its errno, then TLVs. */
				error = *(int *)mnl_nlmsg_get_payload(r);
				off = sizeof(int);
			} else if (r->nlmsg_type == NLMSG_ERROR) {
				err = mnl_nlmsg_get_payload(r);
				error = err->error;
				off = sizeof(*err);
				if (!(r->nlmsg_flags & NLM_F_CAPPED))
					off += err->msg.nlmsg_len -
					       sizeof(struct nlmsghdr);
			} else {
				continue;
			}
			last_cookie = -1;
			last_offs = 0;
			if (r->nlmsg_flags & NLM_F_ACK_TLVS)
				mnl_attr_for_each(a, r, off) {
					uint16_t t = mnl_attr_get_type(a);

					if (t == NLMSGERR_ATTR_MSG)
						snprintf(msg, len, "%s",
							 mnl_attr_get_str(a));
					if (t == NLMSGERR_ATTR_COOKIE &&
					    mnl_attr_get_payload_len(a) == 4)
						last_cookie = mnl_attr_get_u32(a);
					if (t == NLMSGERR_ATTR_OFFS &&
					    mnl_attr_get_payload_len(a) == 4)
						last_offs = mnl_attr_get_u32(a);
				}
			return -error;
		}
	}
}

static int transact(struct nlmsghdr *nlh, char *msg, size_t len)
{
	return transact_on(nl, nlh, msg, len);
}

static void dev_attr(struct nlmsghdr *nlh, const char *dev)
{
	mnl_attr_put_strz(nlh, EXTNET_A_IFNAME, dev);
}

static void put_in(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	mnl_attr_put(nlh, type, 4, &in);
}

/* Prints one KTAP result. */
static void report(bool pass, const char *name)
{
	cnt->tests++;
	if (!pass)
		cnt->failed++;
	printf("%s %u - %s\n", pass ? "ok" : "not ok", cnt->tests, name);
}

/* Records one result: the request must fail with @want_errno and, if
 * @want_msg is set, an extack message containing it.
 */
static void expect(const char *name, struct nlmsghdr *nlh, int want_errno,
		   const char *want_msg)
{
	char msg[256];
	int got = transact(nlh, msg, sizeof(msg));
	bool pass = got == want_errno &&
		    (!want_msg || (msg[0] && strstr(msg, want_msg)));

	report(pass, name);
	printf("# errno %d (%s), want %d; extack \"%s\"\n", got, strerror(got),
	       want_errno, msg);
}

#define REQ(cmd, flags) start(buf, family, (cmd), (flags))

/* Expects a LINK_SET of ext_dev with the IPv4 address attribute @type
 * (@addr in text) to fail with @want_errno and @want_msg.
 */
static void link_set_in(const char *name, uint16_t type, const char *addr,
			int want_errno, const char *want_msg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = REQ(EXTNET_CMD_LINK_SET, 0);

	dev_attr(nlh, ext_dev);
	put_in(nlh, type, addr);
	expect(name, nlh, want_errno, want_msg);
}

/* The same with an integer attribute of @len bytes (1, 2 or 4), whatever
 * size the policy wants.
 */
static void link_set_int(const char *name, uint16_t type, size_t len,
			 uint32_t value, int want_errno, const char *want_msg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = REQ(EXTNET_CMD_LINK_SET, 0);

	dev_attr(nlh, ext_dev);
	if (len == 1)
		mnl_attr_put_u8(nlh, type, value);
	else if (len == 2)
		mnl_attr_put_u16(nlh, type, value);
	else
		mnl_attr_put_u32(nlh, type, value);
	expect(name, nlh, want_errno, want_msg);
}

static struct nlmsghdr *map_req(char *buf, uint8_t cmd, uint16_t flags,
				const char *dev, const char *addr,
				const char *remote)
{
	struct nlmsghdr *nlh = REQ(cmd, flags);
	struct nlattr *nest;

	if (dev)
		dev_attr(nlh, dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	if (addr)
		put_in(nlh, EXTNET_MAP_A_ADDR4, addr);
	if (remote)
		put_in(nlh, EXTNET_MAP_A_REMOTE4, remote);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* A MAP_MOVE request: @remote NULL moves the address here; @announce < 0
 * leaves EXTNET_MAP_A_ANNOUNCE out.
 */
static struct nlmsghdr *move_req(char *buf, const char *dev, const char *addr,
				 const char *remote, int announce)
{
	struct nlmsghdr *nlh = REQ(EXTNET_CMD_MAP_MOVE, 0);
	struct nlattr *nest;

	if (dev)
		dev_attr(nlh, dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	if (addr)
		put_in(nlh, EXTNET_MAP_A_ADDR4, addr);
	if (remote)
		put_in(nlh, EXTNET_MAP_A_REMOTE4, remote);
	if (announce >= 0)
		mnl_attr_put_u8(nlh, EXTNET_MAP_A_ANNOUNCE, announce);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void move_cases(void)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x52 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = move_req(buf, ext_dev, "203.0.113.52", NULL, 3);
	expect("map move: announce without a VTEP", nlh, EINVAL,
	       "Missing remote");
	nlh = REQ(EXTNET_CMD_MAP_MOVE, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.52");
	mnl_attr_put(nlh, EXTNET_MAP_A_LLADDR, sizeof(mac), mac);
	mnl_attr_nest_end(nlh, nest);
	expect("map move: lladdr without a VTEP", nlh, EINVAL, "Missing remote");
	nlh = move_req(buf, ext_dev, "203.0.113.52", "192.0.2.2", 11);
	expect("map move: announce 11 (> 10)", nlh, ERANGE, "range");
	nlh = move_req(buf, ext_dev, NULL, "192.0.2.2", -1);
	expect("map move without an address", nlh, EINVAL, "Missing overlay");
	nlh = move_req(buf, ext_dev, "203.0.113.52", "224.0.0.1", -1);
	expect("map move to a multicast VTEP", nlh, EINVAL, "unicast");
	nlh = move_req(buf, NULL, "203.0.113.52", "192.0.2.2", -1);
	expect("map move without a device", nlh, EINVAL, "Missing device");
	nlh = REQ(EXTNET_CMD_MAP_MOVE, 0);
	mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, 0x7ffffff0);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.52");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	expect("map move on an unknown ifindex", nlh, ENODEV, "No such device");
	nlh = move_req(buf, other_dev, "203.0.113.52", "192.0.2.2", -1);
	expect("map move on a non-extnet device", nlh, EOPNOTSUPP,
	       "not an extnet device");
	nlh = REQ(EXTNET_CMD_MAP_MOVE, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.52");
	mnl_attr_put_u64(nlh, EXTNET_MAP_A_CONFLICTS, 1);
	mnl_attr_nest_end(nlh, nest);
	expect("map move with the read-only conflict counter", nlh, EINVAL,
	       NULL);
	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.52");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_put_u8(nlh, EXTNET_MAP_A_ANNOUNCE, 3);
	mnl_attr_nest_end(nlh, nest);
	expect("map add with announce (move only)", nlh, EINVAL, "map move only");

	nlh = move_req(buf, ext_dev, "203.0.113.52", "192.0.2.2", 0);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.53");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	expect("map move with two entries", nlh, EINVAL, "one mapping entry");

	nlh = move_req(buf, ext_dev, "203.0.113.52", "192.0.2.2", 0);
	expect("map move to a VTEP succeeds", nlh, 0, NULL);
	nlh = move_req(buf, ext_dev, "203.0.113.52", "192.0.2.3", 0);
	expect("map move to another VTEP succeeds", nlh, 0, NULL);
	nlh = move_req(buf, ext_dev, "203.0.113.52", NULL, -1);
	expect("map move local of a mapped address succeeds", nlh, 0, NULL);
	nlh = move_req(buf, ext_dev, "203.0.113.52", NULL, -1);
	expect("map move local of an unmapped address is a no-op", nlh, 0, NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.52", NULL);
	expect("after the move local the entry is gone", nlh, ENOENT,
	       "not mapped");
}

static void link_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	mnl_attr_put_u32(nlh, EXTNET_A_VNI, 1);
	expect("link set without a device", nlh, EINVAL, "Missing device");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, 999999);
	expect("link set on an unknown ifindex", nlh, ENODEV, "No such device");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, "nosuchdev0");
	expect("link set on an unknown name", nlh, ENODEV, "No such device");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, other_dev);
	expect("link set on a non-extnet device", nlh, EOPNOTSUPP,
	       "not an extnet device");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, if_nametoindex(other_dev));
	expect("ifindex and ifname disagree", nlh, EINVAL, "different");

	link_set_int("VNI above 24 bits", EXTNET_A_VNI, 4, 0x1000000, ERANGE, "range");

	link_set_int("TTL 0", EXTNET_A_TTL, 1, 0, ERANGE, "range");

	link_set_int("MSS clamp below 536", EXTNET_A_MSS_CLAMP, 2, 535, ERANGE, "MSS clamp");

	link_set_int("MSS clamp above 65495", EXTNET_A_MSS_CLAMP, 2, 65496, ERANGE, "MSS clamp");

	link_set_int("MSS clamp of 1 byte", EXTNET_A_MSS_CLAMP, 1, 1, EINVAL, NULL);

	link_set_int("ageing below 10 s", EXTNET_A_AGEING, 4, 5, ERANGE, "range");

	link_set_int("local address of 2 bytes", EXTNET_A_LOCAL4, 2, 1, EINVAL, NULL);

	link_set_in("multicast local address", EXTNET_A_LOCAL4, "224.0.0.1", EINVAL, "unicast");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_MAX + 1, 1);
	expect("unknown attribute", nlh, EINVAL, "Unknown attribute");

	link_set_int("read-only attribute in a request", EXTNET_A_ENTRIES, 4, 1, EINVAL, "Read-only");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	mnl_attr_put(nlh, EXTNET_A_IFNAME, 3, "ext");
	expect("interface name without NUL", nlh, EINVAL, NULL);

	link_set_int("routes 2", EXTNET_A_ROUTES, 1, 2, ERANGE, "range");

	link_set_int("route table 0", EXTNET_A_ROUTE_TABLE, 4, 0, ERANGE, "range");

	link_set_int("mode is read only", EXTNET_A_MODE, 1, EXTNET_MODE_ROUTED, EINVAL, "Read-only");
}

/* A map add with IPv6 attributes: @addr6/@remote6 in text, NULL: absent;
 * @addr4/@remote4 as in map_req().
 */
static struct nlmsghdr *map_req6(char *buf, const char *addr4,
				 const char *addr6, const char *remote4,
				 const char *remote6)
{
	struct nlmsghdr *nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	struct nlattr *nest;
	struct in6_addr in6;

	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	if (addr4)
		put_in(nlh, EXTNET_MAP_A_ADDR4, addr4);
	if (addr6) {
		inet_pton(AF_INET6, addr6, &in6);
		mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, sizeof(in6), &in6);
	}
	if (remote4)
		put_in(nlh, EXTNET_MAP_A_REMOTE4, remote4);
	if (remote6) {
		inet_pton(AF_INET6, remote6, &in6);
		mnl_attr_put(nlh, EXTNET_MAP_A_REMOTE6, sizeof(in6), &in6);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* IPv6 overlay addresses and VTEPs: what cannot name one host is refused. */
static void map6_cases(char *buf)
{
	static const struct {
		const char *name, *addr6, *remote6;
	} bad[] = {
		{ "map add of :: (unspecified)", "::", NULL },
		{ "map add of ::1 (loopback)", "::1", NULL },
		{ "map add of ff02::1 (multicast)", "ff02::1", NULL },
		{ "map add of fe80::1 (link-local)", "fe80::1", NULL },
		{ "map add of ::ffff:203.0.113.5 (IPv4-mapped)",
		  "::ffff:203.0.113.5", NULL },
		{ "map add with a multicast IPv6 VTEP", "2001:db8:1::5",
		  "ff05::1" },
		{ "map add with a link-local IPv6 VTEP", "2001:db8:1::5",
		  "fe80::2" },
		{ "map add with :: as IPv6 VTEP", "2001:db8:1::5", "::" },
	};
	struct nlmsghdr *nlh;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nlh = map_req6(buf, NULL, bad[i].addr6,
			       bad[i].remote6 ? NULL : "192.0.2.2",
			       bad[i].remote6);
		expect(bad[i].name, nlh, EINVAL, "unicast");
	}

	nlh = map_req6(buf, "203.0.113.50", "2001:db8:1::50", "192.0.2.2",
		       NULL);
	expect("map add with both an IPv4 and an IPv6 address", nlh, EINVAL,
	       "not both");
	nlh = map_req6(buf, NULL, "2001:db8:1::50", "192.0.2.2",
		       "2001:db8:ff::2");
	expect("map add with both an IPv4 and an IPv6 VTEP", nlh, EINVAL,
	       "not both");
	nlh = map_req6(buf, NULL, "2001:db8:1::50", NULL, NULL);
	expect("map add of an IPv6 address without a VTEP", nlh, EINVAL,
	       "Missing remote");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
		unsigned char b[17] = { 0x20, 0x01, 0x0d, 0xb8 };

		mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, sizeof(b), b);
		put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
		mnl_attr_nest_end(nlh, nest);
	}
	expect("IPv6 address of 17 bytes", nlh, ERANGE, NULL);

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
		unsigned char b[4] = { 192, 0, 2, 2 };
		struct in6_addr a6;

		inet_pton(AF_INET6, "2001:db8:1::50", &a6);
		mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, sizeof(a6), &a6);
		mnl_attr_put(nlh, EXTNET_MAP_A_REMOTE6, sizeof(b), b);
		mnl_attr_nest_end(nlh, nest);
	}
	expect("IPv6 VTEP of 4 bytes", nlh, ERANGE, NULL);

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	{
		struct in6_addr a6;

		inet_pton(AF_INET6, "ff02::1", &a6);
		mnl_attr_put(nlh, EXTNET_A_LOCAL6, sizeof(a6), &a6);
	}
	expect("multicast local IPv6 address", nlh, EINVAL, "unicast");

	link_set_int("local IPv6 address of 4 bytes", EXTNET_A_LOCAL6, 4, 1, ERANGE, NULL);

	{
		static const char *const bad[] = {
			"ff02::1", "::1", "::ffff:192.0.2.1",
		};
		struct in6_addr a6;
		char name[64];
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			nlh = REQ(EXTNET_CMD_LINK_SET, 0);
			dev_attr(nlh, ext_dev);
			inet_pton(AF_INET6, bad[i], &a6);
			mnl_attr_put(nlh, EXTNET_A_PROBE_SRC6, sizeof(a6), &a6);
			snprintf(name, sizeof(name), "IPv6 probe source %s",
				 bad[i]);
			expect(name, nlh, EINVAL, "IPv6 probe source must be");
		}
	}

	link_set_int("IPv6 probe source of 4 bytes", EXTNET_A_PROBE_SRC6, 4, 1, ERANGE, NULL);
}

static void map_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned char mac5[5] = { 2, 0, 0, 0, 1 };
	unsigned char mcast[6] = { 1, 0, 0x5e, 0, 0, 1 };
	unsigned char in6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	expect("map add without an entry", nlh, EINVAL, "Missing mapping");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev, NULL,
		      "192.0.2.2");
	expect("map add without an address", nlh, EINVAL, "Missing overlay");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev,
		      "203.0.113.50", NULL);
	expect("map add without a VTEP", nlh, EINVAL, "Missing remote");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, NULL,
		      "203.0.113.50", "192.0.2.2");
	expect("map add without a device", nlh, EINVAL, "Missing device");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, other_dev,
		      "203.0.113.50", "192.0.2.2");
	expect("map add on a non-extnet device", nlh, EOPNOTSUPP,
	       "not an extnet device");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev,
		      "0.0.0.0", "192.0.2.2");
	expect("map add 0.0.0.0", nlh, EINVAL, "unicast");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev,
		      "203.0.113.50", "239.1.1.1");
	expect("map add with a multicast VTEP", nlh, EINVAL, "unicast");

	map6_cases(buf);

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, 4, in6);
	mnl_attr_nest_end(nlh, nest);
	expect("IPv6 address of 4 bytes", nlh, ERANGE, "size");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_put(nlh, EXTNET_MAP_A_LLADDR, sizeof(mac5), mac5);
	mnl_attr_nest_end(nlh, nest);
	expect("lladdr of 5 bytes", nlh, ERANGE, "size");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_put(nlh, EXTNET_MAP_A_LLADDR, sizeof(mcast), mcast);
	mnl_attr_nest_end(nlh, nest);
	expect("multicast lladdr", nlh, EINVAL, "lladdr");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_put_u64(nlh, EXTNET_MAP_A_TX_PACKETS, 1);
	mnl_attr_nest_end(nlh, nest);
	expect("read-only counter in map add", nlh, EINVAL,
	       "Unsupported attribute");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0,
		      ext_dev, "203.0.113.50", "192.0.2.2");
	expect("map add of a new address succeeds", nlh, 0, NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0,
		      ext_dev, "203.0.113.50", "192.0.2.3");
	expect("map add of a mapped address", nlh, EEXIST, "already mapped");
	nlh = map_req(buf, EXTNET_CMD_MAP_REPLACE, 0,
		      ext_dev, "203.0.113.50", "192.0.2.3");
	expect("map replace of a mapped address succeeds", nlh, 0, NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.50",
		      NULL);
	expect("map del succeeds", nlh, 0, NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.50",
		      NULL);
	expect("map del of an unmapped address", nlh, ENOENT, "not mapped");

	/* Each command refuses what it does not use, before applying any. */
	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev, "203.0.113.50",
		      "192.0.2.2");
	expect("map add for the next checks succeeds", nlh, 0, NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.50",
		      "192.0.2.3");
	expect("map del with a remote VTEP", nlh, EINVAL,
	       "Unsupported attribute");
	nlh = map_req(buf, EXTNET_CMD_MAP_FLUSH, 0, ext_dev, "203.0.113.50",
		      NULL);
	expect("map flush with a mapping entry", nlh, EINVAL,
	       "Unsupported attribute");
	nlh = map_req(buf, EXTNET_CMD_MAP_GET, NLM_F_DUMP, ext_dev,
		      "203.0.113.50", NULL);
	expect("map dump with a mapping entry", nlh, EINVAL,
	       "Unsupported attribute");
	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_VNI, 5001);
	expect("link get with a VNI", nlh, EINVAL, "Unsupported attribute");
	nlh = map_req(buf, EXTNET_CMD_LINK_SET, 0, ext_dev, "203.0.113.50",
		      NULL);
	expect("link set with a mapping entry", nlh, EINVAL,
	       "Unsupported attribute");
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.50",
		      NULL);
	expect("... and the entry is still there: map del succeeds", nlh, 0,
	       NULL);

	nlh = REQ(EXTNET_CMD_MAP_GET, NLM_F_DUMP);
	expect("map dump without a device", nlh, EINVAL, "Missing device");
	nlh = REQ(EXTNET_CMD_NEIGH_GET, NLM_F_DUMP);
	dev_attr(nlh, other_dev);
	expect("neigh dump of a non-extnet device", nlh, EOPNOTSUPP,
	       "not an extnet device");
	nlh = REQ(EXTNET_CMD_MAX + 1, 0);
	expect("unknown command", nlh, EOPNOTSUPP, NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, NLM_F_REPLACE, ext_dev,
		      "203.0.113.52", "192.0.2.2");
	expect("netlink flags of rtnetlink semantics", nlh, EINVAL,
	       "nlmsg_flags");
}

/* Records one result with a diagnostic line. */
static void result(bool pass, const char *name, const char *fmt, ...)
{
	va_list ap;

	report(pass, name);
	if (fmt) {
		printf("# ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
}

/* A socket of its own (the family id is known); @rcvbuf: SO_RCVBUF or 0. */
static struct mnl_socket *new_socket(int rcvbuf)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_GENERIC);
	int one = 1;

	if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		exit(1);
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	if (rcvbuf)
		setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	return s;
}

/* Malformed messages and attributes: the netlink core's checks, as the
 * family's strict policy gets them.
 */
static void malformed_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char longname[64];
	unsigned char big[100];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct genlmsghdr *g;
	struct pollfd pfd;
	uint32_t v32 = 5001;
	int ret;

	memset(big, 0xcb, sizeof(big));

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	memset(longname, 'x', 20);
	longname[20] = 0;
	mnl_attr_put_strz(nlh, EXTNET_A_IFNAME, longname);
	expect("interface name of 20 bytes (> IFNAMSIZ)", nlh, EINVAL,
	       "policy validation");

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	longname[16] = 0;
	mnl_attr_put_strz(nlh, EXTNET_A_IFNAME, longname);
	expect("interface name of 16 bytes + NUL (= IFNAMSIZ + 1)", nlh,
	       EINVAL, "policy validation");

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	longname[15] = 0;
	mnl_attr_put_strz(nlh, EXTNET_A_IFNAME, longname);
	expect("interface name of 15 bytes is valid (no such device)", nlh,
	       ENODEV, "No such device");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	mnl_attr_put(nlh, EXTNET_MAP_A_ADDR4, sizeof(big), big);
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	expect("overlay address of 100 bytes", nlh, EINVAL,
	       "invalid attribute length");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put(nlh, EXTNET_A_LOCAL4, sizeof(big), big);
	expect("local address of 100 bytes", nlh, EINVAL,
	       "invalid attribute length");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_VNI);
	mnl_attr_put_u32(nlh, 1, 5001);
	mnl_attr_nest_end(nlh, nest);
	expect("nested attribute where a u32 is expected (VNI)", nlh, EINVAL,
	       "invalid attribute length");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put(nlh, EXTNET_A_VNI | NLA_F_NESTED, sizeof(v32), &v32);
	expect("u32 flagged NLA_F_NESTED (VNI)", nlh, EINVAL,
	       "NLA_F_NESTED not expected");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_MAP, 0xcb007132);
	expect("u32 where the nested entry is expected", nlh, EINVAL,
	       "NLA_F_NESTED is missing");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_MAP | NLA_F_NESTED, 0xdeadbeef);
	expect("entry nest holding 4 bytes of garbage", nlh, EINVAL,
	       "bytes leftover");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	nest->nla_type &= ~NLA_F_NESTED;
	expect("entry nest without NLA_F_NESTED", nlh, EINVAL,
	       "NLA_F_NESTED is missing");

	link_set_int("u8 where a u32 is expected (VNI)", EXTNET_A_VNI, 1, 7, EINVAL, "invalid attribute length");

	link_set_int("u32 where a u8 is expected (TTL)", EXTNET_A_TTL, 4, 64, EINVAL, "invalid attribute length");

	link_set_int("u32 where a u16 is expected (port)", EXTNET_A_PORT, 4, 4789, EINVAL, "invalid attribute length");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_put_u32(nlh, EXTNET_MAP_A_MAX + 1, 1);
	mnl_attr_nest_end(nlh, nest);
	expect("unknown attribute inside the entry nest", nlh, EINVAL,
	       "Unknown attribute type");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_put_u32(nlh, EXTNET_MAP_A_UNSPEC, 1);
	mnl_attr_nest_end(nlh, nest);
	expect("attribute type 0 inside the entry nest", nlh, EINVAL,
	       "Unknown attribute type");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	mnl_attr_nest_end(nlh, nest);
	expect("empty entry nest", nlh, EINVAL, "Missing overlay");

	nlh = REQ(EXTNET_CMD_MAP_DEL, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	mnl_attr_nest_end(nlh, nest);
	expect("map del without an address", nlh, EINVAL, "Missing overlay");

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	dev_attr(nlh, ext_dev);
	g = mnl_nlmsg_get_payload(nlh);
	g->reserved = 1;
	expect("genlmsghdr with reserved != 0", nlh, EINVAL,
	       "reserved field is not 0");

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	expect("message cut inside the genetlink header", nlh, EINVAL, NULL);

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_VNI, 5001);
	nlh->nlmsg_len -= 2;
	expect("last attribute cut short (nla_len beyond the message)", nlh,
	       EINVAL, "bytes leftover");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	{
		struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

		a->nla_len = 2;
		a->nla_type = EXTNET_A_VNI;
		nlh->nlmsg_len += 4;
	}
	expect("attribute with nla_len 2 (< header)", nlh, EINVAL,
	       "bytes leftover");

	/* nlmsg_len claims more than the datagram holds: the kernel drops
	 * it without an answer; the socket must keep working.
	 */
	nlh = REQ(EXTNET_CMD_LINK_GET, NLM_F_ACK);
	dev_attr(nlh, ext_dev);
	ret = nlh->nlmsg_len;
	nlh->nlmsg_len += 64;
	mnl_socket_sendto(nl, nlh, ret);
	pfd.fd = mnl_socket_get_fd(nl);
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, 300);
	result(ret == 0, "nlmsg_len beyond the datagram: ignored, no answer",
	       "poll: %d", ret);
	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	dev_attr(nlh, ext_dev);
	expect("the socket still works afterwards", nlh, 0, NULL);

	nlh = REQ(EXTNET_CMD_MAP_ADD, NLM_F_DUMP);
	dev_attr(nlh, ext_dev);
	expect("dump request for a command without dump", nlh, EOPNOTSUPP,
	       NULL);

	nlh = REQ(EXTNET_CMD_MAP_GET, 0);
	dev_attr(nlh, ext_dev);
	expect("map get without the dump flag", nlh, EOPNOTSUPP, NULL);

	nlh = REQ(EXTNET_CMD_NEIGH_GET, NLM_F_DUMP);
	expect("neigh dump without a device", nlh, EINVAL, "Missing device");

	nlh = REQ(EXTNET_CMD_MAP_FLUSH, 0);
	expect("map flush without a device", nlh, EINVAL, "Missing device");

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, 0);
	expect("ifindex 0", nlh, ERANGE, "range");

	link_set_int("UDP port 0", EXTNET_A_PORT, 2, 0, ERANGE, "range");

	link_set_int("ageing above 1000000 s", EXTNET_A_AGEING, 4, 1000001, ERANGE, "range");

	link_set_in("broadcast probe source", EXTNET_A_PROBE_SRC4, "255.255.255.255", EINVAL, "Probe source");

	link_set_in("loopback probe source", EXTNET_A_PROBE_SRC4, "127.0.0.1", EINVAL, "Probe source");

	link_set_in("loopback local address", EXTNET_A_LOCAL4, "127.0.0.1", EINVAL, "unicast");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev, "127.0.0.1",
		      "192.0.2.2");
	expect("map add of a loopback address", nlh, EINVAL, "unicast");

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev, "203.0.113.50",
		      "255.255.255.255");
	expect("map add with a broadcast VTEP", nlh, EINVAL, "unicast");
}

/* Duplicate attributes: netlink keeps the last one; extnet must apply that
 * one consistently.
 */
static int link_attr_cb(const struct nlattr *a, void *data)
{
	uint32_t *v = data;

	switch (mnl_attr_get_type(a)) {
	case EXTNET_A_IFINDEX:
		v[0] = mnl_attr_get_u32(a);
		break;
	case EXTNET_A_VNI:
		v[1] = mnl_attr_get_u32(a);
		break;
	case EXTNET_A_ENTRIES:
		v[2] = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), link_attr_cb,
			      data);
}

/* LINK_GET of @dev on @s: v[0] ifindex, v[1] VNI (~0 if unset), v[2]
 * entries. Returns 0 or an errno.
 */
static int link_get(struct mnl_socket *s, const char *dev, uint32_t *v)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	unsigned int rseq = nlh->nlmsg_seq;
	int ret;

	v[0] = 0;
	v[1] = ~0u;
	v[2] = 0;
	dev_attr(nlh, dev);
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return errno;
	ret = mnl_socket_recvfrom(s, buf, sizeof(buf));
	if (ret < 0)
		return errno;
	ret = mnl_cb_run(buf, ret, rseq, 0, link_cb, v);
	return ret < 0 ? errno : 0;
}

static void duplicate_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t v[3];
	int ret;

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_VNI, 100);
	mnl_attr_put_u32(nlh, EXTNET_A_VNI, 200);
	expect("duplicate VNI attributes are accepted", nlh, 0, NULL);
	ret = link_get(nl, ext_dev, v);
	result(!ret && v[1] == 200, "duplicate VNI: the last one applies",
	       "link get: errno %d, VNI %u", ret, v[1]);

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.60");
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.61");
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	expect("duplicate overlay addresses in one entry are accepted", nlh, 0,
	       NULL);
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.60",
		      NULL);
	expect("duplicate address: the first one was not mapped", nlh, ENOENT,
	       "not mapped");
	nlh = map_req(buf, EXTNET_CMD_MAP_DEL, 0, ext_dev, "203.0.113.61",
		      NULL);
	expect("duplicate address: the last one was mapped", nlh, 0, NULL);

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, if_nametoindex(other_dev));
	mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, if_nametoindex(ext_dev));
	dev_attr(nlh, ext_dev);
	expect("duplicate ifindex, the last one agreeing with the name", nlh, 0,
	       NULL);
}

/* One more EXTNET_A_MAP in a request of several; returns where it starts. */
static uint32_t put_entry(struct nlmsghdr *nlh, const char *addr,
			  const char *remote)
{
	uint32_t off = nlh->nlmsg_len;
	struct nlattr *nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	struct in6_addr a6;

	if (strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, &a6);
		mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, sizeof(a6), &a6);
	} else {
		put_in(nlh, EXTNET_MAP_A_ADDR4, addr);
	}
	if (remote && strchr(remote, ':')) {
		inet_pton(AF_INET6, remote, &a6);
		mnl_attr_put(nlh, EXTNET_MAP_A_REMOTE6, sizeof(a6), &a6);
	} else if (remote) {
		put_in(nlh, EXTNET_MAP_A_REMOTE4, remote);
	}
	mnl_attr_nest_end(nlh, nest);
	return off;
}

/* Whether @addr is mapped on the device: a MAP_DEL of it succeeds. */
static bool del_ok(const char *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], msg[256];
	struct nlmsghdr *nlh = REQ(EXTNET_CMD_MAP_DEL, 0);

	dev_attr(nlh, ext_dev);
	put_entry(nlh, addr, NULL);
	return transact(nlh, msg, sizeof(msg)) == 0;
}

/*
 * Several EXTNET_A_MAP in one MAP_ADD / _REPLACE / _DEL: applied in order,
 * stopped at the first failure, whose index the extack cookie gives and
 * whose entry the bad attribute offset points into.
 */
static void multi_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int64_t cookie;
	uint32_t mid;
	bool a, b, c;
	int i;

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.70", "192.0.2.2");
	put_entry(nlh, "2001:db8:1::70", "192.0.2.2");
	put_entry(nlh, "203.0.113.71", "2001:db8:ff::2");
	expect("several entries, mixed families, in one map add", nlh, 0, NULL);
	a = del_ok("203.0.113.70");
	b = del_ok("2001:db8:1::70");
	c = del_ok("203.0.113.71");
	result(a && b && c, "several entries: each one was added",
	       "deleted: %d %d %d", a, b, c);

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.72", "192.0.2.2");
	mid = put_entry(nlh, "224.0.0.72", "192.0.2.2");
	put_entry(nlh, "203.0.113.73", "192.0.2.2");
	expect("several entries: a bad one in the middle", nlh, EINVAL,
	       "unicast host");
	result(last_cookie == 1 && last_offs > mid &&
	       last_offs < mid + 20,
	       "bad entry in the middle: cookie 1, offset inside it",
	       "cookie %lld, offset %u, entry at %u", (long long)last_cookie,
	       last_offs, mid);
	a = del_ok("203.0.113.72");
	c = del_ok("203.0.113.73");
	result(a && !c, "bad entry in the middle: the one before applied, the one after not",
	       "before %d, after %d", a, c);

	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev, "203.0.113.74",
		      "192.0.2.2");
	expect("one entry added before a request of several", nlh, 0, NULL);
	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.75", "192.0.2.2");
	put_entry(nlh, "203.0.113.76", "192.0.2.2");
	mid = put_entry(nlh, "203.0.113.74", "192.0.2.2");
	expect("several entries: an address already mapped", nlh, EEXIST,
	       "already mapped");
	result(last_cookie == 2 && last_offs == mid,
	       "mapped address: cookie 2, offset of its entry",
	       "cookie %lld, offset %u, entry at %u", (long long)last_cookie,
	       last_offs, mid);

	nlh = REQ(EXTNET_CMD_MAP_REPLACE, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.74", "192.0.2.9");
	put_entry(nlh, "203.0.113.75", "192.0.2.9");
	expect("several entries in one map replace", nlh, 0, NULL);

	nlh = REQ(EXTNET_CMD_MAP_DEL, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.74", NULL);
	put_entry(nlh, "203.0.113.77", NULL);
	put_entry(nlh, "203.0.113.75", NULL);
	expect("several entries in one map del: one not mapped", nlh, ENOENT,
	       "not mapped");
	cookie = last_cookie;
	a = del_ok("203.0.113.74");
	c = del_ok("203.0.113.75");
	result(cookie == 1 && !a && c,
	       "map del: stopped at the unmapped one, the one after kept",
	       "cookie %lld, before deleted again %d, after %d",
	       (long long)cookie, a, c);
	del_ok("203.0.113.76");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.78", "192.0.2.2");
	mid = nlh->nlmsg_len;
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
		uint8_t three[3] = { 203, 0, 113 };

		mnl_attr_put(nlh, EXTNET_MAP_A_ADDR4, sizeof(three), three);
		put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
		mnl_attr_nest_end(nlh, nest);
	}
	expect("several entries: a malformed attribute in the last one", nlh,
	       EINVAL, "invalid attribute length");
	cookie = last_cookie;
	a = del_ok("203.0.113.78");
	result(cookie == -1 && !a,
	       "malformed entry: no cookie, nothing applied",
	       "cookie %lld, first entry mapped %d", (long long)cookie, a);

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	put_entry(nlh, "203.0.113.79", "192.0.2.2");
	mid = nlh->nlmsg_len;
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
		struct in6_addr a6;

		put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.80");
		inet_pton(AF_INET6, "2001:db8:1::80", &a6);
		mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, sizeof(a6), &a6);
		put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
		mnl_attr_nest_end(nlh, nest);
	}
	expect("several entries: IPv4 and IPv6 overlay address in one", nlh,
	       EINVAL, "not both");
	cookie = last_cookie;
	result(cookie == 1 && del_ok("203.0.113.79"),
	       "both families in one entry: cookie 1, the first applied",
	       "cookie %lld", (long long)cookie);

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	for (i = 0; i <= EXTNET_MAP_BATCH_MAX; i++) {
		char addr[32];

		/* No VTEP: 12 bytes an entry keep the request (and the
		 * echo of it in the ack) within the buffers.
		 */
		snprintf(addr, sizeof(addr), "10.1.%d.%d", i >> 8, i & 255);
		put_entry(nlh, addr, NULL);
	}
	expect("more than EXTNET_MAP_BATCH_MAX entries", nlh, E2BIG,
	       "Too many mapping entries");
	result(!del_ok("10.1.0.0"), "too many entries: nothing applied", NULL);
}

/* The device of another network namespace must not be found from here. */
static void foreign_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], name[IF_NAMESIZE];
	struct mnl_socket *fs;
	struct nlmsghdr *nlh;
	int self, other, ret;
	uint32_t v[3];

	self = open("/proc/self/ns/net", O_RDONLY);
	other = open(netns_path, O_RDONLY);
	if (self < 0 || other < 0 || setns(other, CLONE_NEWNET)) {
		perror("nlcheck: netns");
		exit(1);
	}
	fs = new_socket(0);
	if (setns(self, CLONE_NEWNET)) {
		perror("nlcheck: setns back");
		exit(1);
	}
	close(self);
	close(other);

	ret = link_get(fs, foreign_dev, v);
	result(!ret && v[0], "the other namespace's device exists there",
	       "%s in %s: errno %d, ifindex %u", foreign_dev, netns_path, ret,
	       v[0]);
	mnl_socket_close(fs);

	nlh = REQ(EXTNET_CMD_LINK_GET, 0);
	dev_attr(nlh, foreign_dev);
	expect("link get of another namespace's device by name", nlh, ENODEV,
	       "No such device");
	nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, foreign_dev, "203.0.113.62",
		      "192.0.2.2");
	expect("map add to another namespace's device by name", nlh, ENODEV,
	       "No such device");
	nlh = REQ(EXTNET_CMD_MAP_GET, NLM_F_DUMP);
	dev_attr(nlh, foreign_dev);
	expect("map dump of another namespace's device by name", nlh, ENODEV,
	       "No such device");
	if (v[0] && !if_indextoname(v[0], name)) {
		nlh = REQ(EXTNET_CMD_LINK_SET, 0);
		mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, v[0]);
		mnl_attr_put_u32(nlh, EXTNET_A_VNI, 77);
		expect("link set of another namespace's device by ifindex",
		       nlh, ENODEV, "No such device");
	} else {
		cnt->tests++;
		cnt->skipped++;
		printf("ok %u - link set of another namespace's device by ifindex # SKIP ifindex %u exists here too\n",
		       cnt->tests, v[0]);
	}
}

/* The 768 addresses of 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24,
 * host order, by index.
 */
#define NADDR 768

static uint32_t doc_addr(unsigned int i)
{
	static const uint32_t base[3] = { 0xc0000200, 0xc6336400, 0xcb007100 };

	return base[i / 256] | (i % 256);
}

static int doc_index(uint32_t a)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		if ((a & ~0xffu) == (doc_addr(i * 256) & ~0xffu))
			return i * 256 + (a & 0xff);
	return -1;
}

/* MAP_ADD, _REPLACE or _DEL of address @i on @s; returns 0 or an errno. */
static int map_op(struct mnl_socket *s, uint8_t cmd, const char *dev,
		  unsigned int i, uint32_t remote)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], msg[256];
	struct nlmsghdr *nlh = REQ(cmd, 0);
	uint32_t a = htonl(doc_addr(i)), r = htonl(remote);
	struct nlattr *nest;

	dev_attr(nlh, dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	mnl_attr_put(nlh, EXTNET_MAP_A_ADDR4, 4, &a);
	if (cmd != EXTNET_CMD_MAP_DEL)
		mnl_attr_put(nlh, EXTNET_MAP_A_REMOTE4, 4, &r);
	mnl_attr_nest_end(nlh, nest);
	return transact_on(s, nlh, msg, sizeof(msg));
}

/* Applies @cmd to addresses [@from, @to); returns how many failed. */
static unsigned int map_range(struct mnl_socket *s, uint8_t cmd,
			      const char *dev, unsigned int from,
			      unsigned int to, bool *present)
{
	unsigned int i, bad = 0;

	for (i = from; i < to; i++) {
		if (map_op(s, cmd, dev, i, 0xc0000202)) {
			bad++;
			continue;
		}
		if (present)
			present[i] = cmd != EXTNET_CMD_MAP_DEL;
	}
	return bad;
}

struct dump {
	struct mnl_socket *s;
	unsigned int seq, ifindex;
	unsigned short seen[NADDR];
	unsigned int msgs, dups, bad, steps;
	unsigned int intr;	/* messages flagged NLM_F_DUMP_INTR */
	int error;		/* of NLMSG_DONE/NLMSG_ERROR, or a recv errno */
	bool done;
};

static void dump_msg(struct dump *d, const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *b;
	uint32_t ifindex = 0;
	int idx = -1;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == EXTNET_A_IFINDEX)
			ifindex = mnl_attr_get_u32(a);
		if (mnl_attr_get_type(a) != EXTNET_A_MAP)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == EXTNET_MAP_A_ADDR4 &&
			    mnl_attr_get_payload_len(b) == 4)
				idx = doc_index(ntohl(mnl_attr_get_u32(b)));
	}
	d->msgs++;
	d->intr += !!(nlh->nlmsg_flags & NLM_F_DUMP_INTR);
	if (ifindex != d->ifindex || idx < 0)
		d->bad++;
	else if (d->seen[idx]++)
		d->dups++;
}

static int dump_start(struct dump *d, const char *dev, int rcvbuf)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(d, 0, sizeof(*d));
	d->ifindex = if_nametoindex(dev);
	d->s = new_socket(rcvbuf);
	nlh = REQ(EXTNET_CMD_MAP_GET, NLM_F_DUMP);
	dev_attr(nlh, dev);
	d->seq = nlh->nlmsg_seq;
	return mnl_socket_sendto(d->s, nlh, nlh->nlmsg_len) < 0 ? errno : 0;
}

/* Reads one datagram of a dump (4 KiB: the kernel fills one page at a
 * time for a socket that never read with a larger buffer). Returns true
 * while the dump goes on.
 */
static bool dump_step(struct dump *d)
{
	char buf[4096];
	const struct nlmsghdr *r;
	int len;

	if (d->done)
		return false;
	len = mnl_socket_recvfrom(d->s, buf, sizeof(buf));
	if (len < 0) {
		d->error = errno;
		d->done = true;
		return false;
	}
	d->steps++;
	for (r = (struct nlmsghdr *)buf; mnl_nlmsg_ok(r, len);
	     r = mnl_nlmsg_next(r, &len)) {
		if (r->nlmsg_type == NLMSG_DONE || r->nlmsg_type == NLMSG_ERROR) {
			d->error = -*(int *)mnl_nlmsg_get_payload(r);
			d->done = true;
			return false;
		}
		dump_msg(d, r);
	}
	return true;
}

/* Dumps @dev to the end on a fresh socket; true if it worked. */
static bool dump_all(struct dump *d, const char *dev)
{
	if (dump_start(d, dev, 0))
		return false;
	while (dump_step(d))
		;
	mnl_socket_close(d->s);
	return !d->error && !d->bad;
}

static unsigned int count_present(const bool *present)
{
	unsigned int i, n = 0;

	for (i = 0; i < NADDR; i++)
		n += present[i];
	return n;
}

/* Compares a quiescent dump with what the table should hold. */
static void check_table(const char *name, const char *dev,
			const bool *present)
{
	static struct dump d;
	unsigned int i, missing = 0, extra = 0;
	uint32_t v[3];
	bool okd = dump_all(&d, dev);
	int ret = link_get(nl, dev, v);

	for (i = 0; i < NADDR; i++) {
		missing += present[i] && !d.seen[i];
		extra += !present[i] && d.seen[i];
	}
	result(okd && !ret && !missing && !extra &&
	       v[2] == count_present(present), name,
	       "dump: error %d, %u messages, %u bad, %u repeated, %u missing, %u extra; entries %u, want %u",
	       d.error, d.msgs, d.bad, d.dups, missing, extra, v[2],
	       count_present(present));
}

static bool ip_link(const char *verb, const char *dev)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip link %s %s%s", verb, dev,
		 strcmp(verb, "add") ? "" : " type extnet");
	fflush(stdout);
	return system(cmd) == 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits up to @secs for @pid; returns its wait status or -1. */
static int wait_child(pid_t pid, double secs)
{
	double end = now() + secs;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(20000);
	} while (now() < end);
	return -1;
}

/* Reads what is left of a dump; false if it ended with an error. */
static bool dump_finish(struct dump *d)
{
	while (dump_step(d))
		;
	return !d->error;
}

/* Two MAP_GET dumps of 700 entries read a page at a time from a socket with
 * a minimal receive buffer. The first is closed after two reads: half-way,
 * with the kernel holding its position. The second goes on while entries
 * are deleted, added and replaced between reads (the table shrinks and
 * grows under it; it may end early, miss or repeat entries, as documented)
 * and must end without an error or a malformed message. Afterwards the
 * table must be exactly what the changes made of it.
 */
static void dump_interrupted_case(void)
{
	static const char dev[] = "extdump1";
	static bool present[NADDR];
	static struct dump d;
	unsigned int bad = 0;

	if (!ip_link("add", dev)) {
		result(false, "create a device for the dump cases", NULL);
		return;
	}
	bad += map_range(nl, EXTNET_CMD_MAP_ADD, dev, 0, 700, present);
	result(!bad, "700 entries added for the interrupted dump",
	       "%u failed", bad);

	dump_start(&d, dev, 1);
	dump_step(&d);
	dump_step(&d);
	result(!d.done && !d.bad && d.msgs > 0 && d.msgs < 700,
	       "socket closed in the middle of the dump",
	       "%u messages before the close", d.msgs);
	mnl_socket_close(d.s);

	dump_start(&d, dev, 1);
	dump_step(&d);
	dump_step(&d);
	bad = map_range(nl, EXTNET_CMD_MAP_DEL, dev, 0, 300, present);
	dump_step(&d);
	bad += map_range(nl, EXTNET_CMD_MAP_DEL, dev, 300, 600, present);
	dump_step(&d);
	bad += map_range(nl, EXTNET_CMD_MAP_ADD, dev, 700, 768, present);
	bad += map_range(nl, EXTNET_CMD_MAP_ADD, dev, 0, 400, present);
	dump_step(&d);
	bad += map_range(nl, EXTNET_CMD_MAP_REPLACE, dev, 350, 450, present);
	result(!bad && dump_finish(&d) && !d.bad,
	       "dump read a page at a time while 1168 changes are made",
	       "%u changes failed; dump: %u reads, %u messages, %u bad, %u repeated, done %d error %d",
	       bad, d.steps, d.msgs, d.bad, d.dups, d.done, d.error);
	mnl_socket_close(d.s);

	usleep(200000);
	check_table("table consistent after the interrupted dumps", dev,
		    present);
	bad = map_range(nl, EXTNET_CMD_MAP_DEL, dev, 0, NADDR, present);
	check_table("every entry deletable afterwards", dev, present);
	result(ip_link("del", dev), "device deleted after the interrupted dump",
	       NULL);
}

/* A dump read to the end while another socket adds 512 entries to the
 * 256 there: it must end cleanly and list every entry that was there all
 * along (the documentation allows missing the new ones and repeats).
 */
static void dump_while_adding_case(void)
{
	static const char dev[] = "extdump2";
	static bool present[NADDR];
	static struct dump d;
	unsigned int i, bad, missing = 0, newseen = 0;
	int pfd[2], status;
	pid_t pid;
	char c;

	if (!ip_link("add", dev)) {
		result(false, "create a device for the dump cases", NULL);
		return;
	}
	bad = map_range(nl, EXTNET_CMD_MAP_ADD, dev, 512, NADDR, present);
	if (pipe(pfd))
		exit(1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct mnl_socket *s = new_socket(0);

		close(pfd[0]);
		if (write(pfd[1], "x", 1) != 1)
			exit(1);
		exit(map_range(s, EXTNET_CMD_MAP_ADD, dev, 0, 512, NULL) ? 1 :
									     0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		exit(1);
	close(pfd[0]);
	dump_start(&d, dev, 1);
	while (dump_step(&d))
		usleep(3000);
	mnl_socket_close(d.s);
	status = wait_child(pid, 60);

	for (i = 0; i < NADDR; i++) {
		missing += present[i] && !d.seen[i];
		newseen += !present[i] && d.seen[i];
	}
	result(!bad && d.done && !d.error && !d.bad,
	       "dump while entries are added ends cleanly",
	       "%u reads, %u messages, %u bad, %u repeated, error %d",
	       d.steps, d.msgs, d.bad, d.dups, d.error);
	result(!missing, "dump while adding lists every entry present throughout",
	       "%u of 256 missing; %u of the 512 new ones seen", missing,
	       newseen);
	result(status != -1 && WIFEXITED(status) && !WEXITSTATUS(status),
	       "512 entries added during the dump", "wait status %d", status);
	for (i = 0; i < 512; i++)
		present[i] = true;
	check_table("table holds all 768 entries afterwards", dev, present);
	result(ip_link("del", dev), "device deleted after the dump", NULL);
}

/* The index of the last entry in the datagram waiting on @d's socket,
 * left there; -1 if none.
 */
static int peek_last(struct dump *d)
{
	static char buf[4096];
	const struct nlmsghdr *r;
	const struct nlattr *a, *b;
	int len, last = -1;

	len = recv(mnl_socket_get_fd(d->s), buf, sizeof(buf), MSG_PEEK);
	for (r = (struct nlmsghdr *)buf; len > 0 && mnl_nlmsg_ok(r, len);
	     r = mnl_nlmsg_next(r, &len)) {
		if (r->nlmsg_type != family)
			continue;
		mnl_attr_for_each(a, r, sizeof(struct genlmsghdr)) {
			if (mnl_attr_get_type(a) != EXTNET_A_MAP)
				continue;
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == EXTNET_MAP_A_ADDR4 &&
				    mnl_attr_get_payload_len(b) == 4)
					last = doc_index(ntohl(mnl_attr_get_u32(b)));
		}
	}
	return last;
}

/* One dump of a fresh table of NADDR entries on @dev, read a page at a
 * time, deleting the last entry of each page before the kernel resumes
 * after it. Returns false if anything went wrong beyond NLM_F_DUMP_INTR;
 * *@intr gets the number of messages flagged, *@log the figures.
 */
static bool dump_delete_last(const char *dev, unsigned int *intr, char *log,
			     size_t size)
{
	static struct dump d;
	unsigned int i, bad, missing = 0, deleted = 0;
	int last;

	bad = map_range(nl, EXTNET_CMD_MAP_ADD, dev, 0, NADDR, NULL);
	dump_start(&d, dev, 1);
	do {
		/* The kernel resumes after the last entry of the page now
		 * queued (it fills the next one when this one is read).
		 */
		last = peek_last(&d);
		if (last < 0)
			continue;
		bad += !!map_op(nl, EXTNET_CMD_MAP_DEL, dev, last, 0);
		deleted++;
	} while (dump_step(&d));
	mnl_socket_close(d.s);
	for (i = 0; i < NADDR; i++)
		missing += !d.seen[i];
	*intr = d.intr;
	snprintf(log, size,
		 "%u deleted, %u failed; %u reads, %u messages (%u flagged), %u missing, %u repeated, error %d",
		 deleted, bad, d.steps, d.msgs, d.intr, missing, d.dups, d.error);
	return !bad && deleted >= 4 && !d.error && !d.bad && !missing;
}

/* A dump read a page at a time, the last entry of each page deleted before
 * the kernel resumes after it. With it gone, the kernel must send its
 * bucket again (flagging NLM_F_DUMP_INTR) rather than skip what followed
 * it. Every entry was there until it was sent, so every one must be read.
 * Few enough deletions that the table never shrinks (a resize restarts the
 * dump and would hide a skip).
 *
 * A page ends inside a bucket, where the deletion matters, only where its
 * last entry has another after it in the same chain; where that falls
 * depends on the table's random hash seed, and with about one entry per
 * bucket a dump of some 20 pages can miss it. Each attempt therefore runs
 * on a new table (a new seed), until one is flagged, at most 5 times; every
 * attempt must read every entry.
 */
static void dump_delete_last_case(void)
{
	static const char dev[] = "extdump4";
	unsigned int attempt, intr = 0;
	bool ok = true, del = true;
	char log[160];

	for (attempt = 0; ok && del && !intr && attempt < 5; attempt++) {
		if (!ip_link("add", dev)) {
			result(false, "create a device for the dump cases", NULL);
			return;
		}
		ok = dump_delete_last(dev, &intr, log, sizeof(log));
		printf("# attempt %u: %s\n", attempt + 1, log);
		del = ip_link("del", dev);
	}
	result(ok, "dump resumes after the last entry it sent, deleted meanwhile",
	       "%s", log);
	result(intr > 0, "... and flags the bucket sent again NLM_F_DUMP_INTR",
	       "%u attempts", attempt);
	result(del, "device deleted after the dump", NULL);
}

/* Runs "ip -batch -" on @script; true if every command worked. Exec'd
 * directly: the guest's /bin/sh may prefer busybox's ip, which has no
 * -batch.
 */
static bool ip_batch(const char *script)
{
	size_t len = strlen(script), off = 0;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return false;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		execlp("ip", "ip", "-batch", "-", (char *)NULL);
		exit(127);
	}
	close(pfd[0]);
	while (pid > 0 && off < len) {
		n = write(pfd[1], script + off, len - off);
		if (n <= 0)
			break;
		off += n;
	}
	close(pfd[1]);
	return pid > 0 && off == len && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status);
}

/* The device list is in the order devices were made, not by ifindex: 150
 * devices with falling chosen ifindexes, dumped a page at a time, must all
 * be listed (a dump resuming by ifindex listed the first page only).
 */
static void link_dump_order_case(void)
{
	static char buf[4096], script[150 * 48];
	static bool seen[150];
	unsigned int i, n = 0, steps = 0, intr = 0;
	const struct nlmsghdr *r;
	struct mnl_socket *s;
	struct nlmsghdr *nlh;
	const struct nlattr *a;
	bool done = false;
	int len, err = 0;

	for (i = 0, len = 0; i < 150; i++)
		len += snprintf(script + len, sizeof(script) - len,
				"link add extl%u index %u type extnet\n", i,
				3000 - i);
	if (!ip_batch(script)) {
		result(false, "150 devices with falling ifindexes", NULL);
		return;
	}
	s = new_socket(1);
	nlh = REQ(EXTNET_CMD_LINK_GET, NLM_F_DUMP);
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		err = errno;
	while (!err && !done) {
		len = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (len < 0) {
			err = errno;
			break;
		}
		steps++;
		for (r = (struct nlmsghdr *)buf; mnl_nlmsg_ok(r, len);
		     r = mnl_nlmsg_next(r, &len)) {
			if (r->nlmsg_type == NLMSG_DONE ||
			    r->nlmsg_type == NLMSG_ERROR) {
				err = -*(int *)mnl_nlmsg_get_payload(r);
				done = true;
				break;
			}
			intr += !!(r->nlmsg_flags & NLM_F_DUMP_INTR);
			mnl_attr_for_each(a, r, sizeof(struct genlmsghdr)) {
				if (mnl_attr_get_type(a) != EXTNET_A_IFNAME ||
				    sscanf(mnl_attr_get_str(a), "extl%u", &i) != 1 ||
				    i >= 150 || seen[i])
					continue;
				seen[i] = true;
				n++;
			}
		}
	}
	mnl_socket_close(s);
	result(!err && n == 150 && steps > 2 && !intr,
	       "link dump a page at a time lists all 150 devices",
	       "%u listed in %u reads, %u flagged NLM_F_DUMP_INTR, error %d",
	       n, steps, intr, err);
	for (i = 0, len = 0; i < 150; i++)
		len += snprintf(script + len, sizeof(script) - len,
				"link del extl%u\n", i);
	result(ip_batch(script), "the 150 devices deleted", NULL);
}

/* A dump holds the device between reads. Deleting the device must not
 * wait for the reader, who may never read again (reading is unprivileged).
 */
static void dump_delete_case(void)
{
	static const char dev[] = "extdump3";
	static struct dump d;
	unsigned int bad;
	int status = -1;
	double t0, t1;
	pid_t pid;

	if (!ip_link("add", dev)) {
		result(false, "create a device for the dump cases", NULL);
		return;
	}
	bad = map_range(nl, EXTNET_CMD_MAP_ADD, dev, 0, 300, NULL);
	dump_start(&d, dev, 1);
	dump_step(&d);
	fflush(stdout);
	t0 = now();
	pid = fork();
	if (pid == 0) {
		execlp("ip", "ip", "link", "del", dev, (char *)NULL);
		exit(127);
	}
	status = wait_child(pid, 3);
	t1 = now();
	result(!bad && status != -1 && WIFEXITED(status) &&
	       !WEXITSTATUS(status),
	       "ip link del of a device with an open MAP_GET dump returns at once",
	       "%s after %.1f s (wait status %d); dump: %u reads, %u messages",
	       status == -1 ? "still blocked" : "done", t1 - t0, status,
	       d.steps, d.msgs);
	/* Reading on ends the dump and releases the device. */
	while (dump_step(&d))
		;
	mnl_socket_close(d.s);
	if (status == -1)
		status = wait_child(pid, 30);
	result(status != -1 && !if_nametoindex(dev) && !d.bad,
	       "the dump reads on to the end and the device goes",
	       "wait status %d after %.1f s; dump: %u messages, %u bad, error %d",
	       status, now() - t0, d.msgs, d.bad, d.error);
}

/* In a child without privileges: every change must fail with EPERM, and
 * reading must still work. The child's results count in the shared
 * counters; results it does not get to are padded by run_group().
 */
static void unprivileged_cases(void)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh;

		if (setgid(65534) || setuid(65534)) {
			printf("# unprivileged child: setuid: %s\n",
			       strerror(errno));
			exit(2);
		}
		mnl_socket_close(nl);
		open_socket();
		nlh = map_req(buf, EXTNET_CMD_MAP_ADD, 0, ext_dev,
			      "203.0.113.51", "192.0.2.2");
		expect("unprivileged map add", nlh, EPERM, NULL);
		nlh = REQ(EXTNET_CMD_LINK_SET, 0);
		dev_attr(nlh, ext_dev);
		mnl_attr_put_u32(nlh, EXTNET_A_VNI, 7);
		expect("unprivileged link set", nlh, EPERM, NULL);
		nlh = REQ(EXTNET_CMD_MAP_FLUSH, 0);
		dev_attr(nlh, ext_dev);
		expect("unprivileged map flush", nlh, EPERM, NULL);
		nlh = REQ(EXTNET_CMD_LINK_GET, 0);
		dev_attr(nlh, ext_dev);
		expect("unprivileged link show is allowed", nlh, 0, NULL);
		nlh = move_req(buf, ext_dev, "203.0.113.51", "192.0.2.2", 0);
		expect("unprivileged map move", nlh, EPERM, NULL);
		if (!events_group ||
		    mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &events_group,
					  sizeof(events_group)))
			result(false, "unprivileged listener joins the events group",
			       "group %u: %s", events_group, strerror(errno));
		else
			result(true, "unprivileged listener joins the events group",
			       NULL);
		fflush(stdout);
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		/* Its missing results are padded; if it reported them all,
		 * this failure has no result line of its own: the summary
		 * line then disagrees with the results, which
		 * netlink_errors.sh reports.
		 */
		printf("# unprivileged child: wait status %d\n", status);
		cnt->failed++;
	}
}

/*
 * The groups of cases, in the order they run, each with the number of
 * results it reports (with its early exits, which report fewer, padded).
 * Adding a case to a group means raising its count: a run says so if not.
 */
static const struct group {
	const char *name;
	void (*run)(void);
	unsigned int results;
	bool foreign;		/* needs -n and -f */
} groups[] = {
	{ "link", link_cases, 19, false },
	{ "map", map_cases, 46, false },
	{ "map move", move_cases, 16, false },
	{ "unprivileged", unprivileged_cases, 6, false },
	{ "malformed", malformed_cases, 35, false },
	{ "duplicate", duplicate_cases, 6, false },
	{ "several entries", multi_cases, 17, false },
	{ "foreign namespace", foreign_cases, 5, true },
	{ "interrupted dump", dump_interrupted_case, 6, false },
	{ "dump while adding", dump_while_adding_case, 5, false },
	{ "dump and delete", dump_delete_case, 2, false },
	{ "dump and delete the last", dump_delete_last_case, 3, false },
	{ "link dump order", link_dump_order_case, 2, false },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static bool group_runs(const struct group *g)
{
	return !g->foreign || netns_path;
}

/* Runs @g; pads the results it did not report with "not ok" ones, and
 * fails if it reported more than it declares.
 */
static void run_group(const struct group *g)
{
	unsigned int before = cnt->tests, got, i;
	char name[128];

	g->run();
	fflush(stdout);
	got = cnt->tests - before;
	if (got < g->results)
		printf("# group \"%s\" reported %u of its %u results: it stopped early (or its count in groups[] is too high)\n",
		       g->name, got, g->results);
	for (i = got; i < g->results; i++) {
		snprintf(name, sizeof(name), "%s: result %u of %u not reported",
			 g->name, i + 1, g->results);
		report(false, name);
	}
	if (got > g->results) {
		snprintf(name, sizeof(name),
			 "%s: %u results, %u more than groups[] declares",
			 g->name, got, got - g->results);
		result(false, name, "raise its count in groups[] to %u", got);
	}
}

int main(int argc, char **argv)
{
	bool count_only = false;
	unsigned int plan = 0;
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "cn:f:")) != -1) {
		switch (opt) {
		case 'c':
			count_only = true;
			break;
		case 'n':
			netns_path = optarg;
			break;
		case 'f':
			foreign_dev = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || !netns_path != !foreign_dev)
		goto usage;
	ext_dev = argv[optind];
	other_dev = argv[optind + 1];
	for (i = 0; i < NGROUPS; i++)
		if (group_runs(&groups[i]))
			plan += groups[i].results;
	if (count_only) {
		printf("%u\n", plan);
		return 0;
	}
	cnt = mmap(NULL, sizeof(*cnt), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cnt == MAP_FAILED) {
		perror("nlcheck: mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..%u\n", plan);
	open_socket();
	for (i = 0; i < NGROUPS; i++)
		if (group_runs(&groups[i]))
			run_group(&groups[i]);
	printf("# nlcheck: %u passed, %u failed, %u skipped\n",
	       cnt->tests - cnt->failed - cnt->skipped, cnt->failed,
	       cnt->skipped);
	return cnt->failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: nlcheck [-c] [-n NETNS_PATH -f FOREIGN_DEV] EXTNET_DEV OTHER_DEV\n");
	return 2;
}
