// SPDX-License-Identifier: GPL-2.0
/*
 * extnet link: device parameters and counters.
 */

#include <string.h>
#include <linux/extnet.h>

#include "ipc.h"
#include "objects.h"
#include "print.h"
#include "route.h"
#include "utils.h"

const char *const link_grammar[] = {
	"extnet link set DEV [vni N] [local ADDR] [port N] [ttl N]",
	"                    [probe-source ADDR] [ageing SECONDS]",
	"                    [mss-clamp auto|MSS|off]",
	"                    [routes { on | off }] [table N] [metric N]",
	"extnet link show [DEV]",
	NULL,
};

/* Parameters of "link set"; the order settles ambiguous prefixes ("p"). */
static const struct link_param {
	const char *keyword;
	uint16_t type;
	size_t size;		/* of the integer; 0 for an address */
	uint32_t min, max;
	uint16_t type6;		/* of an IPv6 address (addresses only) */
} link_params[] = {
	{ "vni", EXTNET_A_VNI, sizeof(uint32_t), 0, 0xffffff, 0 },
	{ "local", EXTNET_A_LOCAL4, 0, 0, 0, EXTNET_A_LOCAL6 },
	{ "port", EXTNET_A_PORT, sizeof(uint16_t), 1, 65535, 0 },
	{ "ttl", EXTNET_A_TTL, sizeof(uint8_t), 1, 255, 0 },
	{ "probe-source", EXTNET_A_PROBE_SRC4, 0, 0, 0, EXTNET_A_PROBE_SRC6 },
	{ "ageing", EXTNET_A_AGEING, sizeof(uint32_t), 10, 1000000, 0 },
	/* auto and off, or a fixed MSS: the kernel's range (EXTNET_A_MSS_CLAMP) */
	{ "mss-clamp", EXTNET_A_MSS_CLAMP, sizeof(uint16_t), 536, 65495, 0 },
	{ "routes", EXTNET_A_ROUTES, sizeof(uint8_t), 0, 1, 0 },
	{ "table", EXTNET_A_ROUTE_TABLE, sizeof(uint32_t), 1, UINT32_MAX, 0 },
	{ "metric", EXTNET_A_ROUTE_METRIC, sizeof(uint32_t), 0, UINT32_MAX, 0 },
};

/* "mss-clamp auto|MSS|off" to EXTNET_A_MSS_CLAMP's value. */
static int get_mss_clamp(uint32_t *val, const struct link_param *p, const char *word)
{
	char msg[64];

	if (!strcmp(word, "auto")) {
		*val = EXTNET_MSS_CLAMP_AUTO;
		return 0;
	}
	if (!strcmp(word, "off")) {
		*val = EXTNET_MSS_CLAMP_OFF;
		return 0;
	}
	if (!get_uint_quiet(val, word) && *val >= p->min && *val <= p->max)
		return 0;
	snprintf(msg, sizeof(msg), "%s must be auto, off or %u..%u",
		 p->keyword, p->min, p->max);
	return invarg(msg, word);
}

static void print_mss_clamp(const struct nlattr *attr)
{
	uint16_t val;
	char buf[8];

	if (!attr)
		return;
	val = mnl_attr_get_u16(attr);
	if (val == EXTNET_MSS_CLAMP_AUTO)
		snprintf(buf, sizeof(buf), "auto");
	else if (val == EXTNET_MSS_CLAMP_OFF)
		snprintf(buf, sizeof(buf), "off");
	else
		snprintf(buf, sizeof(buf), "%u", val);
	print_string("mss_clamp", " mss-clamp %s", buf);
}

static const struct print_field link_fields[] = {
	{ EXTNET_A_VNI, PRINT_UINT, "vni", " vni %s", false },
	{ EXTNET_A_LOCAL4, PRINT_ADDR, "local", " local %s", false },
	{ EXTNET_A_LOCAL6, PRINT_ADDR, "local6", " local %s", false },
	{ EXTNET_A_PORT, PRINT_UINT, "port", " port %s", false },
	{ EXTNET_A_TTL, PRINT_UINT, "ttl", " ttl %s", false },
	{ EXTNET_A_PROBE_SRC4, PRINT_ADDR, "probe_source", " probe-source %s", false },
	{ EXTNET_A_PROBE_SRC6, PRINT_ADDR, "probe_source6", " probe-source %s", false },
	{ EXTNET_A_AGEING, PRINT_UINT, "ageing", " ageing %s", false },
	{ EXTNET_A_ENTRIES, PRINT_UINT, "entries", " entries %s", false },
	{ EXTNET_A_NEIGHS, PRINT_UINT, "neighbours", " neighbours %s", false },
};

static const char *const counter_names[] = {
	[EXTNET_STATS_A_ARP_REPLIES] = "arp_replies",
	[EXTNET_STATS_A_PROBES] = "probes",
	[EXTNET_STATS_A_NEIGH_LEARNED] = "neigh_learned",
	[EXTNET_STATS_A_TX_DROP_MULTICAST] = "tx_drop_multicast",
	[EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED] = "tx_drop_arp_unmapped",
	[EXTNET_STATS_A_TX_DROP_ARP_OTHER] = "tx_drop_arp_other",
	[EXTNET_STATS_A_TX_DROP_UNMAPPED] = "tx_drop_unmapped",
	[EXTNET_STATS_A_TX_DROP_PROTO] = "tx_drop_proto",
	[EXTNET_STATS_A_TX_DROP_MALFORMED] = "tx_drop_malformed",
	[EXTNET_STATS_A_TX_DROP_CONFLICT] = "tx_drop_conflict",
	[EXTNET_STATS_A_TX_DROP_NO_ROUTE] = "tx_drop_no_route",
	[EXTNET_STATS_A_RX_DROP_MALFORMED] = "rx_drop_malformed",
	[EXTNET_STATS_A_RX_DROP_UNKNOWN_VNI] = "rx_drop_unknown_vni",
	[EXTNET_STATS_A_RX_DROP_PROTO] = "rx_drop_proto",
	[EXTNET_STATS_A_RX_DROP_SPOOFED] = "rx_drop_spoofed",
	[EXTNET_STATS_A_RX_DROP_LOOP] = "rx_drop_loop",
	[EXTNET_STATS_A_RX_DROP_QUEUE_FULL] = "rx_drop_queue_full",
	[EXTNET_STATS_A_RX_DROP_PROBE_FAILED] = "rx_drop_probe_failed",
	[EXTNET_STATS_A_RX_DROP_NEIGH_FULL] = "rx_drop_neigh_full",
	[EXTNET_STATS_A_RX_DROP_MULTICAST] = "rx_drop_multicast",
	[EXTNET_STATS_A_RX_DROP_OVERSIZE] = "rx_drop_oversize",
	[EXTNET_STATS_A_NA_REPLIES] = "na_replies",
	[EXTNET_STATS_A_ND_PROBES] = "nd_probes",
	[EXTNET_STATS_A_TX_DROP_ND_UNMAPPED] = "tx_drop_nd_unmapped",
	[EXTNET_STATS_A_TX_DROP_ND_OTHER] = "tx_drop_nd_other",
	[EXTNET_STATS_A_TX_TOO_BIG] = "tx_too_big",
	[EXTNET_STATS_A_TX_MSS_CLAMPED] = "tx_mss_clamped",
	[EXTNET_STATS_A_ANNOUNCES] = "announces",
	[EXTNET_STATS_A_EVENTS_SUPPRESSED] = "events_suppressed",
};

static bool is_counter(uint16_t type)
{
	return type != EXTNET_STATS_A_UNSPEC && type != EXTNET_STATS_A_PAD;
}

/*
 * Counters are shown in the order the kernel sends them, including ones
 * newer than this tool, so they are walked rather than parsed into a table;
 * checked before anything is printed so that bad input cannot leave half
 * an object behind.
 */
static int check_stats(const struct nlattr *nest)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (is_counter(mnl_attr_get_type(attr)) &&
		    mnl_attr_get_payload_len(attr) != sizeof(uint64_t))
			return error("malformed counter %u in a reply from the kernel.",
				     mnl_attr_get_type(attr));
	}
	return 0;
}

static void print_stats(const struct nlattr *nest)
{
	const struct nlattr *attr;
	char unknown[24];

	print_nest_start("stats");
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);
		const char *name = type < ARRAY_SIZE(counter_names) ? counter_names[type] : NULL;

		if (!is_counter(type))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "counter_%u", type);
			name = unknown;
		}
		print_counter("\n    ", name, mnl_attr_get_u64(attr));
	}
	print_nest_end();
}

/* Mode and host routes: "mode routed routes on table 254 metric 0". */
static void print_routes(const struct nlattr *const *tb)
{
	static const char *const modes[] = {
		[EXTNET_MODE_BRIDGED] = "bridged",
		[EXTNET_MODE_ROUTED] = "routed",
	};
	uint8_t mode = tb[EXTNET_A_MODE] ? mnl_attr_get_u8(tb[EXTNET_A_MODE]) : 0;

	if (mode < ARRAY_SIZE(modes) && modes[mode])
		print_string("mode", " mode %s", modes[mode]);
	if (!tb[EXTNET_A_ROUTES])
		return;
	print_string("routes", " routes %s",
		     mnl_attr_get_u8(tb[EXTNET_A_ROUTES]) ? "on" : "off");
	if (tb[EXTNET_A_ROUTE_TABLE])
		print_uint("route_table", " table %s",
			   mnl_attr_get_u32(tb[EXTNET_A_ROUTE_TABLE]));
	if (tb[EXTNET_A_ROUTE_METRIC])
		print_uint("route_metric", " metric %s",
			   mnl_attr_get_u32(tb[EXTNET_A_ROUTE_METRIC]));
}

static int print_link(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXTNET_A_MAX + 1];
	const struct nlattr *stats;

	(void)data;
	if (ipc_parse_reply(nlh, tb))
		return MNL_CB_ERROR;
	stats = show_stats ? tb[EXTNET_A_STATS] : NULL;
	if (stats && check_stats(stats))
		return MNL_CB_ERROR;

	print_obj_start();
	print_string("ifname", "%s:", ipc_reply_ifname(tb));
	print_fields(tb, link_fields, ARRAY_SIZE(link_fields));
	print_mss_clamp(tb[EXTNET_A_MSS_CLAMP]);
	print_routes(tb);
	if (stats)
		print_stats(stats);
	print_obj_end();
	return MNL_CB_OK;
}

static const struct link_param *find_param(const char *word)
{
	const struct link_param *p;

	for (p = link_params; p < link_params + ARRAY_SIZE(link_params); p++)
		if (matches(word, p->keyword))
			return p;
	return NULL;
}

/* Returns the attribute type used, or -1. */
static int put_param(struct nlmsghdr *nlh, const struct link_param *p, const char *word)
{
	struct ip_addr a;
	uint32_t val;

	if (p->type == EXTNET_A_ROUTES) {
		if (strcmp(word, "on") && strcmp(word, "off"))
			return invarg("routes must be \"on\" or \"off\"", word);
		ipc_put_uint(nlh, p->type, p->size, !strcmp(word, "on"), p->keyword, word);
		return p->type;
	}
	if (!p->size) {
		/* An address: one attribute for each family. */
		if (get_addr(&a, p->keyword, word))
			return -1;
		ipc_put_addr(nlh, p->type, p->type6, &a, p->keyword, word);
		return a.family == AF_INET ? p->type : p->type6;
	}
	if (p->type == EXTNET_A_MSS_CLAMP ? get_mss_clamp(&val, p, word) :
	    get_uint(&val, p->keyword, word, p->min, p->max))
		return -1;
	ipc_put_uint(nlh, p->type, p->size, val, p->keyword, word);
	return p->type;
}

static int link_set(int argc, char **argv)
{
	struct nlmsghdr *nlh = ipc_request(EXTNET_CMD_LINK_SET, 0);
	unsigned int seen = 0;
	const char *dev;

	if (argc && !strcmp(*argv, "dev") && next_arg(&argc, &argv))
		return -1;
	if (!argc)
		return missing("DEV");
	if (get_ifname(&dev, *argv))
		return -1;
	ipc_put_dev(nlh, dev);

	for (argc--, argv++; argc > 0; argc--, argv++) {
		const struct link_param *p = find_param(*argv);
		int type;

		if (!p)
			return unknown_keyword(*argv);
		if (next_arg(&argc, &argv))
			return -1;
		/* "local" and "probe-source" may be given once per address
		 * family.
		 */
		type = put_param(nlh, p, *argv);
		if (type < 0)
			return -1;
		if (seen & 1u << type)
			return duparg(p->keyword, *argv);
		seen |= 1u << type;
	}
	if (ipc_run(nlh, NULL, NULL))
		return -1;
	if (!(seen & (1u << EXTNET_A_ROUTES | 1u << EXTNET_A_ROUTE_TABLE |
		      1u << EXTNET_A_ROUTE_METRIC)))
		return 0;
	/* Host routes: add the missing, remove the stale (route.c). */
	route_settings_forget();
	return route_sync(dev);
}

static int link_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	const char *dev;

	if (parse_dev(argc, argv, &dev, true))
		return -1;
	/* One device is a doit, which also makes the kernel check the name. */
	nlh = dev ? ipc_request(EXTNET_CMD_LINK_GET, 0) : ipc_dump_request(EXTNET_CMD_LINK_GET);
	if (dev)
		ipc_put_dev(nlh, dev);
	return ipc_show(nlh, print_link);
}

static int link_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return object_help(link_grammar);
}

static const struct command link_commands[] = {
	{ "show", link_show, "show device parameters (and counters with -s)" },
	{ "list", link_show, "the same as show" },
	{ "set", link_set, "change device parameters" },
	{ "help", link_help, "show the grammar of link commands" },
};

int do_link(int argc, char **argv)
{
	if (!argc)
		return link_show(0, NULL);
	return run_command(link_commands, ARRAY_SIZE(link_commands), argc, argv);
}
