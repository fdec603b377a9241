// SPDX-License-Identifier: GPL-2.0
/*
 * Host routes of mapping entries (EXTNET_A_ROUTES).
 *
 * Linux 6.1 exports no function a module could insert a route with
 * (fib_table_insert() and ip6_route_add() are not exported), so the module
 * only stores the device's settings and this tool keeps the routes, over
 * rtnetlink: one /32 (or /128) route per entry, via the device, protocol
 * EXTNET_RTPROT, in the device's table with its metric.
 *
 * - map add/replace/del/move: the entry's route follows right after the
 *   kernel accepted the change (route_entry_prepare(),
 *   route_entry_update()); a move to a VTEP adds or replaces the entry, a
 *   move to the local segment removes it;
 * - map flush, link set ... routes/table/metric, route sync: the routes of
 *   the device are reconciled with its entries (route_sync()): missing
 *   ones are added, every other EXTNET_RTPROT route via the device (in any
 *   table, with any metric) is removed.
 *
 * The kernel removes routes via a device when it goes away (ip link del,
 * its namespace deleted) and, for IPv4, when it goes down: "route sync"
 * puts them back once it is up again.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <linux/extnet.h>

#include "ipc.h"
#include "objects.h"
#include "print.h"
#include "route.h"
#include "utils.h"

/* What the kernel stores for an IPv6 route given metric 0. */
#define IP6_RT_PRIO_USER 1024

const char *const route_grammar[] = {
	"extnet route sync dev DEV",
	NULL,
};

/* One host route: family, address, table and metric. */
struct host_route {
	struct ip_addr addr;
	uint32_t table;
	uint32_t metric;
};

struct route_list {
	struct host_route *r;
	size_t n, cap;
};

/* The device's EXTNET_A_ROUTES settings, cached for the map commands of a
 * batch; link set and route sync refresh it.
 */
static struct {
	char ifname[IFNAMSIZ];
	struct route_settings s;
	bool valid;
} cache;

static struct mnl_socket *rtnl;
static uint32_t rtnl_seq;
static uint32_t rtnl_portid;
static char rt_buf[4096]
	__attribute__((aligned(8)));
static char rt_reply[65536] __attribute__((aligned(8)));

static int list_add(struct route_list *l, const struct host_route *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct host_route *n = realloc(l->r, cap * sizeof(*n));

		if (!n)
			return error("out of memory.");
		l->r = n;
		l->cap = cap;
	}
	l->r[l->n++] = *r;
	return 0;
}

/* Orders routes by family, address, table, metric. */
static int route_cmp(const void *pa, const void *pb)
{
	const struct host_route *a = pa, *b = pb;
	int c;

	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	c = a->addr.family == AF_INET ?
	    memcmp(&a->addr.v4, &b->addr.v4, sizeof(a->addr.v4)) :
	    memcmp(&a->addr.v6, &b->addr.v6, sizeof(a->addr.v6));
	if (c)
		return c;
	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return 0;
}

static uint32_t stored_metric(int family, uint32_t metric)
{
	return family == AF_INET6 && !metric ? IP6_RT_PRIO_USER : metric;
}

static int rtnl_open(void)
{
	int one = 1;

	if (rtnl)
		return 0;
	rtnl = mnl_socket_open(NETLINK_ROUTE);
	if (!rtnl)
		return error("cannot open a rtnetlink socket: %s.", strerror(errno));
	mnl_socket_setsockopt(rtnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(rtnl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(rtnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		error("cannot bind the rtnetlink socket: %s.", strerror(errno));
		mnl_socket_close(rtnl);
		rtnl = NULL;
		return -1;
	}
	rtnl_portid = mnl_socket_get_portid(rtnl);
	return 0;
}

/* The extack message of an NLMSG_ERROR, if any. */
static const char *ack_message(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&err->msg);
	mnl_attr_for_each(attr, nlh, offset)
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(attr);
	return NULL;
}

/*
 * Sends @nlh and reads up to its ack or the end of its dump; @cb sees the
 * data messages. Returns 0 or a positive errno of the kernel (its message
 * copied to @msg), -1 on a local failure (reported).
 */
static int rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		     char *msg, size_t msg_len)
{
	ssize_t len;

	if (rtnl_open())
		return -1;
	nlh->nlmsg_seq = ++rtnl_seq;
	if (mnl_socket_sendto(rtnl, nlh, nlh->nlmsg_len) < 0)
		return error("cannot send to rtnetlink: %s.", strerror(errno));
	for (;;) {
		struct nlmsghdr *r;
		int left;

		len = mnl_socket_recvfrom(rtnl, rt_reply, sizeof(rt_reply));
		if (len < 0)
			return error("cannot receive from rtnetlink: %s.", strerror(errno));
		left = len;
		for (r = (struct nlmsghdr *)rt_reply; mnl_nlmsg_ok(r, left);
		     r = mnl_nlmsg_next(r, &left)) {
			const struct nlmsgerr *e;
			const char *m;

			if (r->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (r->nlmsg_type == NLMSG_DONE)
				return 0;
			if (r->nlmsg_type != NLMSG_ERROR) {
				if (cb && cb(r, data) < 0)
					return -1;
				continue;
			}
			e = mnl_nlmsg_get_payload(r);
			if (!e->error)
				return 0;
			m = ack_message(r);
			if (msg)
				snprintf(msg, msg_len, "%s", m ? m : strerror(-e->error));
			return -e->error;
		}
	}
}

static void put_route(struct nlmsghdr *nlh, int ifindex, const struct host_route *r)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = r->addr.family;
	rtm->rtm_dst_len = r->addr.family == AF_INET ? 32 : 128;
	rtm->rtm_table = r->table < 256 ? r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = EXTNET_RTPROT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (r->addr.family == AF_INET)
		mnl_attr_put(nlh, RTA_DST, sizeof(r->addr.v4), &r->addr.v4);
	else
		mnl_attr_put(nlh, RTA_DST, sizeof(r->addr.v6), &r->addr.v6);
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
}

static const char *format_addr(char *buf, size_t len, const struct ip_addr *a)
{
	return inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 :
			 (const void *)&a->v6, buf, len);
}

/*
 * Adds (@add) or removes one host route. A device that is down takes no
 * route: warned about, not an error ("route sync" once it is up). Removing
 * a route that is not there is not an error either.
 */
static int route_change(const char *dev, int ifindex, const struct host_route *r,
			bool add)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rt_buf);
	char msg[256], a[INET6_ADDRSTRLEN];
	int ret;

	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			   (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	put_route(nlh, ifindex, r);
	ret = rtnl_talk(nlh, NULL, NULL, msg, sizeof(msg));
	if (ret <= 0)
		return ret;
	format_addr(a, sizeof(a), &r->addr);
	if (!add && (ret == ESRCH || ret == ENOENT))
		return 0;
	if (add && ret == ENETDOWN) {
		fprintf(stderr,
			"Warning: %s is down: no host route for %s until \"extnet route sync dev %s\".\n",
			dev, a, dev);
		return 0;
	}
	return error("cannot %s the host route of %s via %s (table %u): %s.",
		     add ? "add" : "remove", a, dev, r->table, msg);
}

static int settings_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXTNET_A_MAX + 1];
	struct route_settings *s = data;

	if (ipc_parse_reply(nlh, tb))
		return MNL_CB_ERROR;
	s->on = tb[EXTNET_A_ROUTES] && mnl_attr_get_u8(tb[EXTNET_A_ROUTES]);
	s->table = tb[EXTNET_A_ROUTE_TABLE] ?
		   mnl_attr_get_u32(tb[EXTNET_A_ROUTE_TABLE]) : RT_TABLE_MAIN;
	s->metric = tb[EXTNET_A_ROUTE_METRIC] ?
		    mnl_attr_get_u32(tb[EXTNET_A_ROUTE_METRIC]) : 0;
	return MNL_CB_OK;
}

static int get_settings(const char *dev, struct route_settings *s, bool fresh)
{
	struct nlmsghdr *nlh;

	if (!fresh && cache.valid && !strcmp(cache.ifname, dev)) {
		*s = cache.s;
		return 0;
	}
	memset(s, 0, sizeof(*s));
	nlh = ipc_request(EXTNET_CMD_LINK_GET, 0);
	ipc_put_dev(nlh, dev);
	if (ipc_run(nlh, settings_cb, s))
		return -1;
	snprintf(cache.ifname, sizeof(cache.ifname), "%s", dev);
	cache.s = *s;
	cache.valid = true;
	return 0;
}

void route_settings_forget(void)
{
	cache.valid = false;
}

static int device_index(const char *dev)
{
	int ifindex = if_nametoindex(dev);

	if (!ifindex)
		error("device \"%s\" does not exist.", dev);
	return ifindex;
}

int route_entry_prepare(const char *dev, struct route_settings *s)
{
	return get_settings(dev, s, false);
}

int route_entry_update(const char *dev, const struct route_settings *s,
		       const struct ip_addr *addr, bool add)
{
	struct host_route r;
	int ifindex;

	if (!s->on)
		return 0;
	ifindex = device_index(dev);
	if (!ifindex)
		return -1;
	r = (struct host_route){ .addr = *addr, .table = s->table, .metric = s->metric };
	return route_change(dev, ifindex, &r, add);
}

struct entries_ctx {
	struct route_list *l;
	const struct route_settings *s;
};

static int entry_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXTNET_A_MAX + 1];
	const struct nlattr *map[EXTNET_MAP_A_MAX + 1];
	static const size_t lens[EXTNET_MAP_A_MAX + 1] = {
		[EXTNET_MAP_A_ADDR4] = sizeof(struct in_addr),
		[EXTNET_MAP_A_ADDR6] = sizeof(struct in6_addr),
	};
	struct entries_ctx *ctx = data;
	struct host_route r = { .table = ctx->s->table };

	if (ipc_parse_reply(nlh, tb) || !tb[EXTNET_A_MAP] ||
	    ipc_parse_nested(tb[EXTNET_A_MAP], lens, EXTNET_MAP_A_MAX, map))
		return MNL_CB_ERROR;
	if (map[EXTNET_MAP_A_ADDR4]) {
		r.addr.family = AF_INET;
		memcpy(&r.addr.v4, mnl_attr_get_payload(map[EXTNET_MAP_A_ADDR4]),
		       sizeof(r.addr.v4));
	} else if (map[EXTNET_MAP_A_ADDR6]) {
		r.addr.family = AF_INET6;
		memcpy(&r.addr.v6, mnl_attr_get_payload(map[EXTNET_MAP_A_ADDR6]),
		       sizeof(r.addr.v6));
	} else {
		return MNL_CB_OK;
	}
	r.metric = stored_metric(r.addr.family, ctx->s->metric);
	return list_add(ctx->l, &r) ? MNL_CB_ERROR : MNL_CB_OK;
}

struct routes_ctx {
	struct route_list *l;
	int ifindex;
	int family;	/* the dump's: a kernel without it dumps every family */
};

/* Collects our routes via the device from a route dump. */
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct routes_ctx *ctx = data;
	struct host_route r = { .table = rtm->rtm_table };
	const struct nlattr *attr;
	bool ours = false;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_family != ctx->family ||
	    rtm->rtm_protocol != EXTNET_RTPROT || rtm->rtm_type != RTN_UNICAST ||
	    rtm->rtm_dst_len != (rtm->rtm_family == AF_INET ? 32 : 128))
		return MNL_CB_OK;
	r.addr.family = rtm->rtm_family;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		size_t len = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case RTA_DST:
			if (len == (r.addr.family == AF_INET ? sizeof(r.addr.v4) :
				    sizeof(r.addr.v6)))
				memcpy(r.addr.family == AF_INET ? (void *)&r.addr.v4 :
				       (void *)&r.addr.v6, mnl_attr_get_payload(attr), len);
			break;
		case RTA_TABLE:
			if (len == 4)
				r.table = mnl_attr_get_u32(attr);
			break;
		case RTA_PRIORITY:
			if (len == 4)
				r.metric = mnl_attr_get_u32(attr);
			break;
		case RTA_OIF:
			if (len == 4)
				ours = (int)mnl_attr_get_u32(attr) == ctx->ifindex;
			break;
		}
	}
	if (!ours)
		return MNL_CB_OK;
	return list_add(ctx->l, &r) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int dump_routes(int family, struct routes_ctx *ctx)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rt_buf);
	struct rtmsg *rtm;
	char msg[256];
	int ret;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	ctx->family = family;
	ret = rtnl_talk(nlh, route_cb, ctx, msg, sizeof(msg));
	/* A kernel without IPv6 has nothing to list. */
	if (ret == EAFNOSUPPORT)
		return 0;
	if (ret > 0)
		return error("cannot list routes: %s.", msg);
	return ret;
}

int route_sync(const char *dev)
{
	struct route_list want = { 0 }, have = { 0 };
	struct route_settings s;
	struct routes_ctx rctx;
	struct entries_ctx ectx = { &want, &s };
	struct nlmsghdr *nlh;
	int ifindex, ret = -1;
	size_t i, j;

	if (get_settings(dev, &s, true))
		return -1;
	ifindex = device_index(dev);
	if (!ifindex)
		return -1;
	if (s.on) {
		nlh = ipc_dump_request(EXTNET_CMD_MAP_GET);
		ipc_put_dev(nlh, dev);
		if (ipc_run(nlh, entry_cb, &ectx))
			goto out;
	}
	rctx = (struct routes_ctx){ &have, ifindex, AF_INET };
	if (dump_routes(AF_INET, &rctx) || dump_routes(AF_INET6, &rctx))
		goto out;

	/* Both sorted, then merged: linear after the sort, for a million entries. */
	if (want.n)
		qsort(want.r, want.n, sizeof(*want.r), route_cmp);
	if (have.n)
		qsort(have.r, have.n, sizeof(*have.r), route_cmp);
	for (i = 0, j = 0; i < have.n || j < want.n;) {
		int c = i == have.n ? 1 : j == want.n ? -1 :
			route_cmp(&have.r[i], &want.r[j]);

		if (!c) {
			i++;
			j++;
		} else if (c < 0) {
			if (route_change(dev, ifindex, &have.r[i++], false))
				goto out;
		} else {
			if (route_change(dev, ifindex, &want.r[j++], true))
				goto out;
		}
	}
	ret = 0;
out:
	free(want.r);
	free(have.r);
	return ret;
}

static int route_sync_cmd(int argc, char **argv)
{
	const char *dev;

	if (parse_dev(argc, argv, &dev, false))
		return -1;
	if (!dev)
		return missing("dev DEV");
	return route_sync(dev);
}

static int route_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return object_help(route_grammar);
}

static const struct command route_commands[] = {
	{ "sync", route_sync_cmd, "make the host routes of a device match its entries" },
	{ "help", route_help, "show the grammar of route commands" },
};

int do_route(int argc, char **argv)
{
	if (!argc)
		return route_help(0, NULL);
	return run_command(route_commands, ARRAY_SIZE(route_commands), argc, argv);
}
