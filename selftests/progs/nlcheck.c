// SPDX-License-Identifier: GPL-2.0
/*
 * nlcheck: send malformed and unauthorised requests to the extnet generic
 * netlink family and check that each is rejected with the right errno and
 * an extended ack message. Prints KTAP.
 *
 * usage: nlcheck EXTNET_DEV OTHER_DEV
 *   EXTNET_DEV: an extnet device in this namespace (gets test entries)
 *   OTHER_DEV:  a device of another kind (e.g. lo)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
static unsigned int seq, tests, failed;
static const char *ext_dev, *other_dev;

static int family_cb(const struct nlattr *attr, void *data)
{
	(void)data;
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
		family = mnl_attr_get_u16(attr);
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
static int transact(struct nlmsghdr *nlh, char *msg, size_t len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret;

	msg[0] = 0;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		struct nlmsghdr *r;

		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
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
			if (r->nlmsg_flags & NLM_F_ACK_TLVS)
				mnl_attr_for_each(a, r, off)
					if (mnl_attr_get_type(a) ==
					    NLMSGERR_ATTR_MSG)
						snprintf(msg, len, "%s",
							 mnl_attr_get_str(a));
			return -error;
		}
	}
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

	tests++;
	if (!pass)
		failed++;
	printf("%s %u - %s\n", pass ? "ok" : "not ok", tests, name);
	printf("# errno %d (%s), want %d; extack \"%s\"\n", got, strerror(got),
	       want_errno, msg);
}

#define REQ(cmd, flags) start(buf, family, (cmd), (flags))

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

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_VNI, 0x1000000);
	expect("VNI above 24 bits", nlh, ERANGE, "range");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u8(nlh, EXTNET_A_TTL, 0);
	expect("TTL 0", nlh, ERANGE, "range");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_AGEING, 5);
	expect("ageing below 10 s", nlh, ERANGE, "range");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u16(nlh, EXTNET_A_LOCAL4, 1);
	expect("local address of 2 bytes", nlh, EINVAL, NULL);

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	put_in(nlh, EXTNET_A_LOCAL4, "224.0.0.1");
	expect("multicast local address", nlh, EINVAL, "unicast");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_MAX + 1, 1);
	expect("unknown attribute", nlh, EINVAL, "Unknown attribute");

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	dev_attr(nlh, ext_dev);
	mnl_attr_put_u32(nlh, EXTNET_A_ENTRIES, 1);
	expect("read-only attribute in a request", nlh, EINVAL, NULL);

	nlh = REQ(EXTNET_CMD_LINK_SET, 0);
	mnl_attr_put(nlh, EXTNET_A_IFNAME, 3, "ext");
	expect("interface name without NUL", nlh, EINVAL, NULL);
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

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	mnl_attr_put(nlh, EXTNET_MAP_A_ADDR6, sizeof(in6), in6);
	put_in(nlh, EXTNET_MAP_A_REMOTE4, "192.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	expect("map add of an IPv6 address (bad family)", nlh, EAFNOSUPPORT,
	       "IPv6");

	nlh = REQ(EXTNET_CMD_MAP_ADD, 0);
	dev_attr(nlh, ext_dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	put_in(nlh, EXTNET_MAP_A_ADDR4, "203.0.113.50");
	mnl_attr_put(nlh, EXTNET_MAP_A_REMOTE6, sizeof(in6), in6);
	mnl_attr_nest_end(nlh, nest);
	expect("map add with an IPv6 VTEP (bad family)", nlh, EAFNOSUPPORT,
	       "IPv6");

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
	expect("read-only counter in map add", nlh, EINVAL, NULL);

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

/* In a child without privileges: every change must fail with EPERM, and
 * reading must still work.
 */
static void unprivileged_cases(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh;

		if (setgid(65534) || setuid(65534))
			exit(2);
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
		fflush(stdout);
		exit(failed ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	tests += 4;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		failed++;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: nlcheck EXTNET_DEV OTHER_DEV\n");
		return 2;
	}
	ext_dev = argv[1];
	other_dev = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	open_socket();
	link_cases();
	map_cases();
	unprivileged_cases();
	printf("# nlcheck: %u passed, %u failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
