// SPDX-License-Identifier: GPL-2.0
/*
 * nlinsert: the kernel's side of the insert rate. Loads the benchmark
 * entries (benchaddr.h) FIRST .. FIRST+COUNT-1 into an extnet device with
 * EXTNET_CMD_MAP_ADD requests of PACK entries each (default 256, as
 * `extnet -force -batch` sends them), all built before the clock starts:
 * what is timed is only sending each request and reading its ack, so the
 * figure leaves out the tool's text parsing.
 *
 *   nlinsert [-p PACK] DEV VTEP FIRST COUNT
 *
 * Prints "COUNT entries in S s, R entries/s, user U s, system Y s" (guest
 * seconds; the kernel applies a request inside the sendmsg() that carries
 * it, so its work is the process's system time). Exit status 0; 1 if a
 * request was refused (its extended ack is printed) or the socket failed;
 * 2 on a usage error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/resource.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/extnet.h>

#include "benchaddr.h"

/* One entry: the EXTNET_A_MAP nest, its address and its VTEP. */
#define ENTRY_LEN (MNL_ATTR_HDRLEN + 2 * MNL_ALIGN(MNL_ATTR_HDRLEN + 4))

static struct mnl_socket *nl;

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "nlinsert: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int family_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_get_payload_len(attr) >= sizeof(uint16_t))
		*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
	return MNL_CB_OK;
}

/* The refused request's extended ack, or just its error. */
static int print_extack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	fprintf(stderr, "nlinsert: request %u refused: %s", nlh->nlmsg_seq,
		strerror(-err->error));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(attr, nlh, off)
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
				fprintf(stderr, " (%s)", mnl_attr_get_str(attr));
	fputc('\n', stderr);
	return -1;
}

/* Sends the request @nlh and waits for its ack: 0, or -1 if refused. */
static int send_one(const struct nlmsghdr *nlh)
{
	static char rbuf[16384] __attribute__((aligned(8)));
	const struct nlmsghdr *r = (const struct nlmsghdr *)rbuf;
	ssize_t n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendmsg");
	n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
	if (n < 0)
		die("recvmsg");
	if (!mnl_nlmsg_ok(r, n) || r->nlmsg_type != NLMSG_ERROR ||
	    r->nlmsg_seq != nlh->nlmsg_seq ||
	    mnl_nlmsg_get_payload_len(r) < sizeof(struct nlmsgerr)) {
		fprintf(stderr, "nlinsert: unexpected reply to request %u\n",
			nlh->nlmsg_seq);
		return -1;
	}
	if (((const struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error)
		return print_extack(r);
	return 0;
}

static uint16_t resolve_family(void)
{
	char buf[16384];
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	uint16_t id = 0;
	ssize_t n;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, EXTNET_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendmsg");
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		die("recvmsg");
	if (mnl_cb_run(buf, n, 0, 0, family_cb, &id) < 0 || !id) {
		fprintf(stderr, "nlinsert: no generic netlink family \"%s\" (is extnet loaded?)\n",
			EXTNET_GENL_NAME);
		exit(1);
	}
	return id;
}

static double seconds(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned long pack = 256, first, count, i;
	size_t req_len, len = 0;
	struct timespec t0, t1;
	struct rusage r0, r1;
	struct in_addr vtep;
	unsigned int ifindex;
	uint16_t family;
	double t;
	char *buf;
	int opt;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		if (opt != 'p')
			goto usage;
		pack = strtoul(optarg, NULL, 0);
		if (!pack || pack > EXTNET_MAP_BATCH_MAX) {
			fprintf(stderr, "nlinsert: PACK must be 1 to %u\n",
				EXTNET_MAP_BATCH_MAX);
			return 2;
		}
	}
	if (argc - optind != 4)
		goto usage;
	ifindex = if_nametoindex(argv[optind]);
	if (!ifindex) {
		fprintf(stderr, "nlinsert: no device \"%s\"\n", argv[optind]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[optind + 1], &vtep) != 1) {
		fprintf(stderr, "nlinsert: \"%s\" is not an IPv4 VTEP\n", argv[optind + 1]);
		return 2;
	}
	first = strtoul(argv[optind + 2], NULL, 0);
	count = strtoul(argv[optind + 3], NULL, 0);
	if (first > BENCH_ADDR_MAX || count > BENCH_ADDR_MAX - first) {
		fprintf(stderr, "nlinsert: at most %u entries\n", BENCH_ADDR_MAX);
		return 2;
	}

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	/* Extended acks, and acks without the request: best effort. */
	opt = 1;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &opt, sizeof(opt));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &opt, sizeof(opt));
	family = resolve_family();

	/* Every request, built beforehand. */
	req_len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
		  MNL_ALIGN(MNL_ATTR_HDRLEN + 4) + pack * ENTRY_LEN;
	buf = malloc((count / pack + 1) * req_len);
	if (!buf)
		die("malloc");
	for (i = 0; i < count; i += pack) {
		unsigned long j, n = count - i < pack ? count - i : pack;
		struct genlmsghdr *genl;
		struct nlmsghdr *nlh;

		nlh = mnl_nlmsg_put_header(buf + len);
		nlh->nlmsg_type = family;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		nlh->nlmsg_seq = i / pack + 1;
		genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
		genl->cmd = EXTNET_CMD_MAP_ADD;
		genl->version = EXTNET_GENL_VERSION;
		mnl_attr_put_u32(nlh, EXTNET_A_IFINDEX, ifindex);
		for (j = 0; j < n; j++) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);

			mnl_attr_put_u32(nlh, EXTNET_MAP_A_ADDR4,
					 htonl(bench_addr(first + i + j)));
			mnl_attr_put(nlh, EXTNET_MAP_A_REMOTE4, sizeof(vtep), &vtep);
			mnl_attr_nest_end(nlh, nest);
		}
		len += nlh->nlmsg_len;
	}

	/* One request in flight, as the tool's sender thread. */
	getrusage(RUSAGE_SELF, &r0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < len; ) {
		const struct nlmsghdr *nlh = (void *)(buf + i);

		if (send_one(nlh))
			return 1;
		i += nlh->nlmsg_len;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &r1);

	t = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%lu entries in %.3f s, %.0f entries/s, user %.3f s, system %.3f s\n",
	       count, t, t > 0 ? count / t : 0.0,
	       seconds(&r1.ru_utime) - seconds(&r0.ru_utime),
	       seconds(&r1.ru_stime) - seconds(&r0.ru_stime));
	free(buf);
	mnl_socket_close(nl);
	return 0;
usage:
	fprintf(stderr, "usage: nlinsert [-p PACK] DEV VTEP FIRST COUNT\n");
	return 2;
}
