// SPDX-License-Identifier: GPL-2.0
/*
 * extnet neigh: local hosts the device has learned.
 */

#include <linux/extnet.h>

#include "ipc.h"
#include "objects.h"
#include "print.h"
#include "utils.h"

const char *const neigh_grammar[] = {
	"extnet neigh show [dev DEV]",
	NULL,
};

static const size_t neigh_lens[EXTNET_NEIGH_A_MAX + 1] = {
	[EXTNET_NEIGH_A_ADDR4] = sizeof(struct in_addr),
	[EXTNET_NEIGH_A_LLADDR] = ETH_ALEN,
	[EXTNET_NEIGH_A_STATE] = sizeof(uint8_t),
	[EXTNET_NEIGH_A_AGE] = sizeof(uint32_t),
	[EXTNET_NEIGH_A_ADDR6] = sizeof(struct in6_addr),
};

static const struct print_field neigh_addr_fields[] = {
	{ EXTNET_NEIGH_A_ADDR4, PRINT_ADDR, "addr", "%s", false },
	{ EXTNET_NEIGH_A_ADDR6, PRINT_ADDR, "addr", "%s", false },
};
static const struct print_field neigh_lladdr_field = {
	EXTNET_NEIGH_A_LLADDR, PRINT_MAC, "lladdr", " lladdr %s", false
};
static const struct print_field neigh_age_field = {
	EXTNET_NEIGH_A_AGE, PRINT_UINT, "age_ms", " age %sms", false
};

static const char *state_name(const struct nlattr *attr, char buf[16])
{
	uint8_t state = mnl_attr_get_u8(attr);

	switch (state) {
	case EXTNET_NEIGH_INCOMPLETE:
		return "incomplete";
	case EXTNET_NEIGH_REACHABLE:
		return "reachable";
	}
	snprintf(buf, 16, "state_%u", state);
	return buf;
}

static void print_neigh_rest(const struct nlattr *const *tb)
{
	char buf[16];

	print_fields(tb, &neigh_lladdr_field, 1);
	if (tb[EXTNET_NEIGH_A_STATE])
		print_string("state", " %s", state_name(tb[EXTNET_NEIGH_A_STATE], buf));
	print_fields(tb, &neigh_age_field, 1);
}

static const struct entry_desc neigh_entry = {
	.nest = EXTNET_A_NEIGH,
	.lens = neigh_lens,
	.max = EXTNET_NEIGH_A_MAX,
	.addr = neigh_addr_fields,
	.n_addr = ARRAY_SIZE(neigh_addr_fields),
	.print_rest = print_neigh_rest,
};

static int print_neigh(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	return print_entry(nlh, &neigh_entry);
}

static int neigh_show(int argc, char **argv)
{
	return ipc_show_dump(argc, argv, EXTNET_CMD_NEIGH_GET, print_neigh);
}

static int neigh_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return object_help(neigh_grammar);
}

static const struct command neigh_commands[] = {
	{ "show", neigh_show, "show learned local neighbours" },
	{ "list", neigh_show, "the same as show" },
	{ "help", neigh_help, "show the grammar of neigh commands" },
};

int do_neigh(int argc, char **argv)
{
	if (!argc)
		return neigh_show(0, NULL);
	return run_command(neigh_commands, ARRAY_SIZE(neigh_commands), argc, argv);
}
