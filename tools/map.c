// SPDX-License-Identifier: GPL-2.0
/*
 * extnet map: mapping entries, remote overlay address -> VTEP.
 */

#include <string.h>
#include <linux/extnet.h>

#include "ipc.h"
#include "objects.h"
#include "print.h"
#include "route.h"
#include "utils.h"

const char *const map_grammar[] = {
	"extnet map { add | replace } ADDR dev DEV remote VTEP [lladdr MAC]",
	"extnet map del ADDR dev DEV",
	"extnet map move ADDR dev DEV { local | remote VTEP [lladdr MAC] [announce N] }",
	"extnet map show [dev DEV]",
	"extnet map flush dev DEV",
	NULL,
};

static const size_t map_lens[EXTNET_MAP_A_MAX + 1] = {
	[EXTNET_MAP_A_ADDR4] = sizeof(struct in_addr),
	[EXTNET_MAP_A_REMOTE4] = sizeof(struct in_addr),
	[EXTNET_MAP_A_LLADDR] = ETH_ALEN,
	[EXTNET_MAP_A_TX_PACKETS] = sizeof(uint64_t),
	[EXTNET_MAP_A_TX_BYTES] = sizeof(uint64_t),
	[EXTNET_MAP_A_RX_PACKETS] = sizeof(uint64_t),
	[EXTNET_MAP_A_RX_BYTES] = sizeof(uint64_t),
	[EXTNET_MAP_A_ADDR6] = sizeof(struct in6_addr),
	[EXTNET_MAP_A_REMOTE6] = sizeof(struct in6_addr),
	[EXTNET_MAP_A_CONFLICTS] = sizeof(uint64_t),
};

static const struct print_field map_addr_fields[] = {
	{ EXTNET_MAP_A_ADDR4, PRINT_ADDR, "addr", "%s", false },
	{ EXTNET_MAP_A_ADDR6, PRINT_ADDR, "addr", "%s", false },
};

static const struct print_field map_fields[] = {
	{ EXTNET_MAP_A_REMOTE4, PRINT_ADDR, "remote", " remote %s", false },
	{ EXTNET_MAP_A_REMOTE6, PRINT_ADDR, "remote", " remote %s", false },
	{ EXTNET_MAP_A_LLADDR, PRINT_MAC, "lladdr", " lladdr %s", false },
	{ EXTNET_MAP_A_TX_PACKETS, PRINT_UINT, "tx_packets", " tx_packets %s", true },
	{ EXTNET_MAP_A_TX_BYTES, PRINT_UINT, "tx_bytes", " tx_bytes %s", true },
	{ EXTNET_MAP_A_RX_PACKETS, PRINT_UINT, "rx_packets", " rx_packets %s", true },
	{ EXTNET_MAP_A_RX_BYTES, PRINT_UINT, "rx_bytes", " rx_bytes %s", true },
	{ EXTNET_MAP_A_CONFLICTS, PRINT_UINT, "conflicts", " conflicts %s", true },
};

static void print_map_rest(const struct nlattr *const *tb)
{
	print_fields(tb, map_fields, ARRAY_SIZE(map_fields));
}

static const struct entry_desc map_entry = {
	.nest = EXTNET_A_MAP,
	.lens = map_lens,
	.max = EXTNET_MAP_A_MAX,
	.addr = map_addr_fields,
	.n_addr = ARRAY_SIZE(map_addr_fields),
	.print_rest = print_map_rest,
};

static int print_map(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	return print_entry(nlh, &map_entry);
}

struct map_args {
	const char *dev;
	const char *addr_word;
	const char *remote_word;
	const char *lladdr_word;
	struct ip_addr addr;
	struct ip_addr remote;
	uint8_t lladdr[ETH_ALEN];
};

/* "ADDR dev DEV", and with @target "remote VTEP [lladdr MAC]" too. */
static int parse_map(int argc, char **argv, struct map_args *a, bool target)
{
	memset(a, 0, sizeof(*a));
	if (!argc)
		return missing("ADDR");
	if (get_addr(&a->addr, "address", *argv))
		return -1;
	a->addr_word = *argv;

	for (argc--, argv++; argc > 0; argc--, argv++) {
		if (matches(*argv, "dev")) {
			if (take_value(&argc, &argv, &a->dev, "dev") ||
			    get_ifname(&a->dev, a->dev))
				return -1;
		} else if (target && matches(*argv, "remote")) {
			if (take_value(&argc, &argv, &a->remote_word, "remote") ||
			    get_addr(&a->remote, "remote", a->remote_word))
				return -1;
		} else if (target && matches(*argv, "lladdr")) {
			if (take_value(&argc, &argv, &a->lladdr_word, "lladdr") ||
			    get_mac(a->lladdr, "lladdr", a->lladdr_word))
				return -1;
		} else {
			return unknown_keyword(*argv);
		}
	}
	if (!a->dev)
		return missing("dev DEV");
	if (target && !a->remote_word)
		return missing("remote VTEP");
	return 0;
}

/* Either family of overlay address, either family of VTEP. */
static void put_map(struct nlmsghdr *nlh, const struct map_args *a)
{
	struct nlattr *nest;

	ipc_put_dev(nlh, a->dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	ipc_put_addr(nlh, EXTNET_MAP_A_ADDR4, EXTNET_MAP_A_ADDR6, &a->addr, NULL,
		     a->addr_word);
	if (a->remote_word)
		ipc_put_addr(nlh, EXTNET_MAP_A_REMOTE4, EXTNET_MAP_A_REMOTE6, &a->remote,
			     "remote", a->remote_word);
	if (a->lladdr_word)
		ipc_put(nlh, EXTNET_MAP_A_LLADDR, ETH_ALEN, a->lladdr, "lladdr",
			a->lladdr_word);
	mnl_attr_nest_end(nlh, nest);
}

/* A callback makes ipc_run() wait for the ack even in a pipelined batch. */
static int wait_ack(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int map_modify(int argc, char **argv, uint8_t cmd, uint16_t flags)
{
	struct route_settings routes;
	struct map_args a;
	struct nlmsghdr *nlh;

	if (parse_map(argc, argv, &a, cmd != EXTNET_CMD_MAP_DEL))
		return -1;
	/* The entry's host route follows the entry (route.c). */
	if (route_entry_prepare(a.dev, &routes))
		return -1;
	nlh = ipc_request(cmd, flags);
	put_map(nlh, &a);
	/* With host routes a pipelined batch waits for each ack: the route
	 * must follow only a change the kernel accepted.
	 */
	if (ipc_run(nlh, routes.on ? wait_ack : NULL, NULL))
		return -1;
	return route_entry_update(a.dev, &routes, &a.addr, cmd != EXTNET_CMD_MAP_DEL);
}

static int map_add(int argc, char **argv)
{
	return map_modify(argc, argv, EXTNET_CMD_MAP_ADD, 0);
}

static int map_replace(int argc, char **argv)
{
	return map_modify(argc, argv, EXTNET_CMD_MAP_REPLACE, 0);
}

static int map_del(int argc, char **argv)
{
	return map_modify(argc, argv, EXTNET_CMD_MAP_DEL, 0);
}

/*
 * "ADDR dev DEV local" or "ADDR dev DEV remote VTEP [lladdr MAC]
 * [announce N]": where the address lives from now on.
 */
static int map_move(int argc, char **argv)
{
	const char *addr_word, *dev = NULL, *remote_word = NULL;
	const char *lladdr_word = NULL, *announce_word = NULL;
	struct route_settings routes;
	struct ip_addr addr, remote;
	uint8_t lladdr[ETH_ALEN];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t announce = 0;
	bool local = false;

	if (!argc)
		return missing("ADDR");
	if (get_addr(&addr, "address", *argv))
		return -1;
	addr_word = *argv;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		if (matches(*argv, "dev")) {
			if (take_value(&argc, &argv, &dev, "dev") ||
			    get_ifname(&dev, dev))
				return -1;
		} else if (matches(*argv, "local")) {
			if (local || remote_word)
				return invarg("give one of local and remote", *argv);
			local = true;
		} else if (matches(*argv, "remote")) {
			if (local || remote_word)
				return invarg("give one of local and remote", *argv);
			if (take_value(&argc, &argv, &remote_word, "remote") ||
			    get_addr(&remote, "remote", remote_word))
				return -1;
		} else if (matches(*argv, "lladdr")) {
			if (take_value(&argc, &argv, &lladdr_word, "lladdr") ||
			    get_mac(lladdr, "lladdr", lladdr_word))
				return -1;
		} else if (matches(*argv, "announce")) {
			if (take_value(&argc, &argv, &announce_word, "announce") ||
			    get_uint(&announce, "announce", announce_word, 0, 10))
				return -1;
		} else {
			return unknown_keyword(*argv);
		}
	}
	if (!dev)
		return missing("dev DEV");
	if (!local && !remote_word)
		return missing("local or remote VTEP");
	if (local && lladdr_word)
		return invarg("lladdr needs remote VTEP", lladdr_word);
	if (local && announce_word)
		return invarg("announce needs remote VTEP", announce_word);
	/* The entry's host route follows the move, as for map add and del. */
	if (route_entry_prepare(dev, &routes))
		return -1;

	nlh = ipc_request(EXTNET_CMD_MAP_MOVE, 0);
	ipc_put_dev(nlh, dev);
	nest = mnl_attr_nest_start(nlh, EXTNET_A_MAP);
	ipc_put_addr(nlh, EXTNET_MAP_A_ADDR4, EXTNET_MAP_A_ADDR6, &addr, NULL,
		     addr_word);
	if (remote_word)
		ipc_put_addr(nlh, EXTNET_MAP_A_REMOTE4, EXTNET_MAP_A_REMOTE6, &remote,
			     "remote", remote_word);
	if (lladdr_word)
		ipc_put(nlh, EXTNET_MAP_A_LLADDR, ETH_ALEN, lladdr, "lladdr",
			lladdr_word);
	if (announce_word)
		ipc_put_uint(nlh, EXTNET_MAP_A_ANNOUNCE, 1, announce, "announce",
			     announce_word);
	mnl_attr_nest_end(nlh, nest);
	if (ipc_run(nlh, routes.on ? wait_ack : NULL, NULL))
		return -1;
	return route_entry_update(dev, &routes, &addr, !local);
}

static int map_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	const char *dev;

	if (parse_dev(argc, argv, &dev, false))
		return -1;
	/* A flush of every device is one typo away from a disaster. */
	if (!dev)
		return missing("dev DEV");
	nlh = ipc_request(EXTNET_CMD_MAP_FLUSH, 0);
	ipc_put_dev(nlh, dev);
	if (ipc_run(nlh, NULL, NULL))
		return -1;
	return route_sync(dev);
}

static int map_show(int argc, char **argv)
{
	return ipc_show_dump(argc, argv, EXTNET_CMD_MAP_GET, print_map);
}

static int map_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return object_help(map_grammar);
}

static const struct command map_commands[] = {
	{ "add", map_add, "add a mapping entry" },
	{ "replace", map_replace, "add a mapping entry or replace an existing one" },
	{ "del", map_del, "delete a mapping entry" },
	{ "delete", map_del, "the same as del" },
	{ "show", map_show, "show mapping entries (and their counters with -s)" },
	{ "list", map_show, "the same as show" },
	{ "flush", map_flush, "delete every mapping entry of a device" },
	{ "move", map_move, "make an address local, or move it to a remote VTEP and announce it" },
	{ "help", map_help, "show the grammar of map commands" },
};

int do_map(int argc, char **argv)
{
	if (!argc)
		return map_show(0, NULL);
	return run_command(map_commands, ARRAY_SIZE(map_commands), argc, argv);
}
