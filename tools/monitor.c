// SPDX-License-Identifier: GPL-2.0
/*
 * extnet monitor: print events of the "events" multicast group as they
 * happen, one line each (with -j one JSON object a line), flushed per line
 * so that a pipe sees each event at once.
 */

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <linux/extnet.h>
#include <linux/genetlink.h>

#include "ipc.h"
#include "objects.h"
#include "print.h"
#include "utils.h"

const char *const monitor_grammar[] = {
	"extnet monitor [dev DEV]",
	NULL,
};

/* Text and JSON names of enum extnet_event. */
static const char *const event_text[] = {
	[EXTNET_EVENT_MAP_ADDED] = "map added",
	[EXTNET_EVENT_MAP_REMOVED] = "map removed",
	[EXTNET_EVENT_MAP_MOVED] = "map moved",
	[EXTNET_EVENT_NEIGH_LEARNED] = "neigh learned",
	[EXTNET_EVENT_NEIGH_EXPIRED] = "neigh expired",
	[EXTNET_EVENT_CONFLICT] = "conflict",
	[EXTNET_EVENT_PROBE_FAILED] = "neigh probe-failed",
	[EXTNET_EVENT_MAP_FLUSHED] = "map flushed",
};

static const char *const event_json[] = {
	[EXTNET_EVENT_MAP_ADDED] = "map_added",
	[EXTNET_EVENT_MAP_REMOVED] = "map_removed",
	[EXTNET_EVENT_MAP_MOVED] = "map_moved",
	[EXTNET_EVENT_NEIGH_LEARNED] = "neigh_learned",
	[EXTNET_EVENT_NEIGH_EXPIRED] = "neigh_expired",
	[EXTNET_EVENT_CONFLICT] = "conflict",
	[EXTNET_EVENT_PROBE_FAILED] = "probe_failed",
	[EXTNET_EVENT_MAP_FLUSHED] = "map_flushed",
};

/* Exact payload lengths of the attributes an event may carry. */
static const size_t event_lens[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = sizeof(uint32_t),
	[EXTNET_A_IFNAME] = IPC_STRING,
	[EXTNET_A_MAP] = IPC_NESTED,
	[EXTNET_A_NEIGH] = IPC_NESTED,
	[EXTNET_A_EVENT] = sizeof(uint8_t),
	[EXTNET_A_CONFLICT] = IPC_NESTED,
};

static const size_t map_lens[EXTNET_MAP_A_MAX + 1] = {
	[EXTNET_MAP_A_ADDR4] = sizeof(struct in_addr),
	[EXTNET_MAP_A_REMOTE4] = sizeof(struct in_addr),
	[EXTNET_MAP_A_LLADDR] = ETH_ALEN,
	[EXTNET_MAP_A_ADDR6] = sizeof(struct in6_addr),
	[EXTNET_MAP_A_REMOTE6] = sizeof(struct in6_addr),
};

static const size_t neigh_lens[EXTNET_NEIGH_A_MAX + 1] = {
	[EXTNET_NEIGH_A_ADDR4] = sizeof(struct in_addr),
	[EXTNET_NEIGH_A_LLADDR] = ETH_ALEN,
	[EXTNET_NEIGH_A_ADDR6] = sizeof(struct in6_addr),
};

static const size_t conflict_lens[EXTNET_CONFLICT_A_MAX + 1] = {
	[EXTNET_CONFLICT_A_SIDE] = sizeof(uint8_t),
	[EXTNET_CONFLICT_A_ADDR4] = sizeof(struct in_addr),
	[EXTNET_CONFLICT_A_ADDR6] = sizeof(struct in6_addr),
	[EXTNET_CONFLICT_A_LLADDR] = ETH_ALEN,
	[EXTNET_CONFLICT_A_REMOTE4] = sizeof(struct in_addr),
	[EXTNET_CONFLICT_A_REMOTE6] = sizeof(struct in6_addr),
};

static const struct print_field map_addr[] = {
	{ EXTNET_MAP_A_ADDR4, PRINT_ADDR, "addr", " %s", false },
	{ EXTNET_MAP_A_ADDR6, PRINT_ADDR, "addr", " %s", false },
};

static const struct print_field map_rest[] = {
	{ EXTNET_MAP_A_REMOTE4, PRINT_ADDR, "remote", " remote %s", false },
	{ EXTNET_MAP_A_REMOTE6, PRINT_ADDR, "remote", " remote %s", false },
	{ EXTNET_MAP_A_LLADDR, PRINT_MAC, "lladdr", " lladdr %s", false },
};

static const struct print_field neigh_addr[] = {
	{ EXTNET_NEIGH_A_ADDR4, PRINT_ADDR, "addr", " %s", false },
	{ EXTNET_NEIGH_A_ADDR6, PRINT_ADDR, "addr", " %s", false },
};

static const struct print_field neigh_rest[] = {
	{ EXTNET_NEIGH_A_LLADDR, PRINT_MAC, "lladdr", " lladdr %s", false },
};

static const struct print_field conflict_addr[] = {
	{ EXTNET_CONFLICT_A_ADDR4, PRINT_ADDR, "addr", " %s", false },
	{ EXTNET_CONFLICT_A_ADDR6, PRINT_ADDR, "addr", " %s", false },
};

static const struct print_field conflict_rest[] = {
	{ EXTNET_CONFLICT_A_LLADDR, PRINT_MAC, "lladdr", " lladdr %s", false },
	{ EXTNET_CONFLICT_A_REMOTE4, PRINT_ADDR, "remote", " remote %s", false },
	{ EXTNET_CONFLICT_A_REMOTE6, PRINT_ADDR, "remote", " remote %s", false },
};

#define NEST_MAX 15

struct monitor_state {
	uint32_t ifindex;	/* 0: every device */
};

static int parse_top(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	const struct nlattr *attr;

	memset(tb, 0, (EXTNET_A_MAX + 1) * sizeof(*tb));
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		uint16_t type = mnl_attr_get_type(attr);
		size_t len = mnl_attr_get_payload_len(attr), want;
		const char *payload = mnl_attr_get_payload(attr);

		if (type > EXTNET_A_MAX || !event_lens[type])
			continue;	/* newer kernel: ignore */
		want = event_lens[type];
		if ((want == IPC_STRING && (!len || payload[len - 1])) ||
		    (want != IPC_STRING && want != IPC_NESTED && len != want))
			return error("malformed attribute %u in an event.", type);
		tb[type] = attr;
	}
	return 0;
}

/*
 * " ADDR dev DEV REST" of the nested attribute @nest, parsed into @tb
 * (NEST_MAX + 1 entries).
 */
static int print_nest(const struct nlattr *nest, const size_t *lens,
		      uint16_t max, const struct print_field *addr,
		      const struct print_field *rest, size_t n_rest,
		      const char *ifname, const struct nlattr **tb)
{
	if (ipc_parse_nested(nest, lens, max, tb))
		return -1;
	print_fields(tb, addr, 2);
	print_string("ifname", " dev %s", ifname);
	print_fields(tb, rest, n_rest);
	return 0;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct monitor_state *st = data;
	const struct nlattr *tb[EXTNET_A_MAX + 1];
	const struct nlattr *ntb[NEST_MAX + 1];
	const char *ifname;
	bool known;
	uint8_t event;
	int ret = 0;

	if (genl->cmd != EXTNET_CMD_EVENT)
		return MNL_CB_OK;
	if (parse_top(nlh, tb))
		return MNL_CB_ERROR;
	if (!tb[EXTNET_A_EVENT] || !tb[EXTNET_A_IFINDEX])
		return MNL_CB_OK;
	if (st->ifindex && mnl_attr_get_u32(tb[EXTNET_A_IFINDEX]) != st->ifindex)
		return MNL_CB_OK;
	event = mnl_attr_get_u8(tb[EXTNET_A_EVENT]);
	ifname = ipc_reply_ifname(tb);
	known = event < ARRAY_SIZE(event_text) && event_text[event];

	print_record_start();
	if (known) {
		print_string("event", NULL, event_json[event]);
		print_string(NULL, "%s", event_text[event]);
	} else {
		/* A newer kernel's event: show its number. */
		print_uint("event", "event %s", event);
	}

	if (tb[EXTNET_A_MAP]) {
		ret = print_nest(tb[EXTNET_A_MAP], map_lens, EXTNET_MAP_A_MAX,
				 map_addr, map_rest, ARRAY_SIZE(map_rest), ifname,
				 ntb);
		if (!ret && event == EXTNET_EVENT_MAP_MOVED) {
			if (ntb[EXTNET_MAP_A_REMOTE4] || ntb[EXTNET_MAP_A_REMOTE6])
				print_string("where", NULL, "remote");
			else
				print_string("where", " %s", "local");
		}
	} else if (tb[EXTNET_A_NEIGH]) {
		ret = print_nest(tb[EXTNET_A_NEIGH], neigh_lens,
				 EXTNET_NEIGH_A_MAX, neigh_addr, neigh_rest,
				 ARRAY_SIZE(neigh_rest), ifname, ntb);
	} else if (tb[EXTNET_A_CONFLICT]) {
		ret = print_nest(tb[EXTNET_A_CONFLICT], conflict_lens,
				 EXTNET_CONFLICT_A_MAX, conflict_addr, conflict_rest,
				 ARRAY_SIZE(conflict_rest), ifname, ntb);
		if (!ret && ntb[EXTNET_CONFLICT_A_SIDE])
			print_string("side", " side %s",
				     mnl_attr_get_u8(ntb[EXTNET_CONFLICT_A_SIDE]) ==
				     EXTNET_CONFLICT_TUNNEL ? "tunnel" : "local");
	} else {
		print_string("ifname", " dev %s", ifname);
	}
	print_record_end();
	return ret ? MNL_CB_ERROR : MNL_CB_OK;
}

/* The family id and the id of its "events" group, from the controller. */
struct family_ids {
	uint16_t family;
	uint32_t group;
};

static int group_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *tb_name = NULL, *tb_id = NULL, *a;
	struct family_ids *ids = data;

	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			tb_name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			tb_id = a;
	}
	if (tb_name && tb_id &&
	    !strcmp(mnl_attr_get_str(tb_name), EXTNET_GENL_MCGRP_EVENTS))
		ids->group = mnl_attr_get_u32(tb_id);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_ids *ids = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			ids->family = mnl_attr_get_u16(attr);
		else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS)
			mnl_attr_parse_nested(attr, group_cb, ids);
	}
	return MNL_CB_OK;
}

static int resolve(struct mnl_socket *nl, struct family_ids *ids)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	unsigned int portid = mnl_socket_get_portid(nl);
	struct genlmsghdr *genl;
	ssize_t len;
	int ret;

	/* Zeroed: the padding after the family name goes out too. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, EXTNET_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return error("cannot send to the kernel: %s.", strerror(errno));
	do {
		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
			return error("cannot receive from the kernel: %s.",
				     strerror(errno));
		ret = mnl_cb_run(buf, len, 1, portid, family_cb, ids);
	} while (ret > MNL_CB_STOP);
	if (ret < 0 && errno == ENOENT)
		return error("generic netlink family \"%s\" not found (is the extnet module loaded?)",
			     EXTNET_GENL_NAME);
	if (ret < 0)
		return error("cannot look up generic netlink family \"%s\": %s.",
			     EXTNET_GENL_NAME, strerror(errno));
	if (!ids->family || !ids->group)
		return error("generic netlink family \"%s\" has no \"%s\" group (module too old?)",
			     EXTNET_GENL_NAME, EXTNET_GENL_MCGRP_EVENTS);
	return 0;
}

static int monitor(struct monitor_state *st)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(8)));
	struct family_ids ids = { 0 };
	struct mnl_socket *nl;
	int ret = -1, group;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return error("cannot open a generic netlink socket: %s.", strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		error("cannot bind the generic netlink socket: %s.", strerror(errno));
		goto out;
	}
	if (resolve(nl, &ids))
		goto out;
	group = ids.group;
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		error("cannot join the \"%s\" group: %s.", EXTNET_GENL_MCGRP_EVENTS,
		      strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			/* The socket overflowed: say so, and go on. */
			fprintf(stderr, "Warning: events were lost (receive buffer full).\n");
			continue;
		}
		if (len < 0) {
			error("cannot receive from the kernel: %s.", strerror(errno));
			break;
		}
		if (mnl_cb_run(buf, len, 0, 0, event_cb, st) < 0)
			break;
	}
out:
	mnl_socket_close(nl);
	return ret;
}

int do_monitor(int argc, char **argv)
{
	struct monitor_state st = { 0 };
	const char *dev = NULL;

	if (argc && matches(argv[0], "help"))
		return object_help(monitor_grammar);
	if (parse_dev(argc, argv, &dev, false))
		return -1;
	if (dev) {
		st.ifindex = if_nametoindex(dev);
		if (!st.ifindex)
			return error("device \"%s\" does not exist.", dev);
	}
	return monitor(&st);
}
