// SPDX-License-Identifier: GPL-2.0
/*
 * extnet: configure extnet devices over generic netlink.
 */

#define _GNU_SOURCE /* setns() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/extnet.h>

#include "ipc.h"
#include "objects.h"
#include "utils.h"

#ifndef EXTNET_VERSION
#define EXTNET_VERSION "0.1"
#endif

/* Enough for any valid command line with room to spare. */
#define BATCH_MAX_ARGS 64

static int do_help(int argc, char **argv);

static const struct command objects[] = {
	{ "link", do_link, "device parameters and counters" },
	{ "map", do_map, "mapping entries: remote address -> remote VTEP" },
	{ "neigh", do_neigh, "local neighbours the device has learned" },
	{ "route", do_route, "host routes of the mapping entries" },
	{ "monitor", do_monitor, "print events as they happen" },
	{ "help", do_help, "show this help" },
};

static void usage(FILE *f)
{
	static const char *const head[] = {
		"extnet [OPTIONS] OBJECT COMMAND [ARGUMENTS]",
		"extnet [OPTIONS] [-force [-pack N]] -batch FILE",
		"extnet { -V | -h | help }",
		NULL,
	};
	bool first = true;
	size_t i;

	print_grammar(f, head, &first);
	fputs("\nObjects:\n", f);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		fprintf(f, "  %-8s%s\n", objects[i].name, objects[i].description);
	fputs("\nCommands:\n", f);
	first = false;
	print_grammar(f, link_grammar, &first);
	print_grammar(f, map_grammar, &first);
	print_grammar(f, neigh_grammar, &first);
	print_grammar(f, route_grammar, &first);
	print_grammar(f, monitor_grammar, &first);
	fputs("\nOptions:\n"
	      "  -s, -stats        show counters\n"
	      "  -j, -json         print JSON\n"
	      "  -n, -netns NAME   run in network namespace NAME (as ip -n: /run/netns/NAME)\n"
	      "  -batch FILE       run the commands in FILE, one a line (\"-\": standard input)\n"
	      "  -f, -force        with -batch: go on after a failed command, and send\n"
	      "                    changes many at a time (errors reported as they come)\n"
	      "  -pack N           with -force: up to N consecutive map changes of a device\n"
	      "                    per request (1-256, default 256; 1: one each)\n"
	      "  -V, -Version      print the version\n"
	      "  -h, -help         print this help\n", f);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static bool is_option(const char *opt, const char *name);

/*
 * The display options may also follow the command, as in
 * "extnet link show -s ext0": take them out wherever they stand. Given
 * there, they last for that command only (one line of a batch).
 */
static int run_line(int argc, char **argv)
{
	bool stats = show_stats, json = json_output;
	int i, n = 0, ret;

	for (i = 0; i < argc; i++) {
		if (is_option(argv[i], "-stats") ||
		    is_option(argv[i], "-statistics"))
			show_stats = true;
		else if (is_option(argv[i], "-json"))
			json_output = true;
		else
			argv[n++] = argv[i];
	}
	ret = run_command(objects, ARRAY_SIZE(objects), n, argv);
	show_stats = stats;
	json_output = json;
	return ret;
}

/*
 * Like "ip -batch": one command a line, stop at the first failure. The
 * netlink socket and the family id live in ipc.c and outlast each line.
 * With @force (like "ip -force -batch") every line is run whatever
 * happened before; the changes are then pipelined (see ipc_pipeline()),
 * which is what makes loading a large table fast.
 */
static int run_batch(const char *name, bool force)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	char *args[BATCH_MAX_ARGS];
	unsigned long lineno = 0;
	char *line = NULL;
	size_t size = 0;
	int ret = 0;

	if (!f)
		return error("cannot open \"%s\": %s.", name, strerror(errno));
	if (force)
		ipc_pipeline(name);
	for (;;) {
		ssize_t len = getline(&line, &size, f);
		int n;

		if (len < 0)
			break;
		lineno++;
		ipc_set_line(lineno);
		/* A NUL would silently end the line early: refuse it. */
		if (strlen(line) != (size_t)len)
			n = error("NUL byte at column %zu", strlen(line) + 1);
		else
			n = make_args(line, args, ARRAY_SIZE(args));
		if (!n)
			continue;
		if (n < 0 || run_line(n, args)) {
			fprintf(stderr, "Command failed %s:%lu\n", name, lineno);
			ret = -1;
			if (!force)
				break;
		}
	}
	if (force && ipc_pipeline_end())
		ret = -1;
	if (ferror(f))
		ret = error("cannot read \"%s\": %s.", name, strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

/*
 * Like "ip -n NAME": enter the network namespace that "ip netns add NAME"
 * made, before any socket is opened, so that device names, the generic
 * netlink family and the routes are those of NAME. A NAME with a slash is
 * taken for the path of a namespace file (e.g. /proc/PID/ns/net). Only
 * the network namespace changes: the tool reads nothing from /sys.
 */
static int switch_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, n;

	if (strchr(name, '/'))
		n = snprintf(path, sizeof(path), "%s", name);
	else
		n = snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (!*name || n < 0 || (size_t)n >= sizeof(path))
		return error("\"%s\" is not a network namespace name", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open network namespace \"%s\": %s.", name,
			     strerror(errno));
	if (setns(fd, CLONE_NEWNET)) {
		error("cannot enter network namespace \"%s\": %s.", name,
		      strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static bool is_option(const char *opt, const char *name)
{
	if (opt[0] != '-')
		return false;
	/* "-" alone is no option; "--json" is taken for "-json". */
	if (opt[0] == '-' && opt[1] == '-' && opt[2])
		opt++;
	return opt[1] && matches(opt, name);
}

int main(int argc, char **argv)
{
	const char *batch = NULL, *pack = NULL, *netns = NULL;
	bool force = false;
	int ret;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		const char *opt = argv[0];

		if (!strcmp(opt, "--")) {
			argc--;
			argv++;
			break;
		}
		if (is_option(opt, "-stats") || is_option(opt, "-statistics")) {
			show_stats = true;
		} else if (is_option(opt, "-json")) {
			json_output = true;
		} else if (is_option(opt, "-netns")) {
			/* Once: a second one would be looked up from the first. */
			if (take_value(&argc, &argv, &netns, "-netns") ||
			    switch_netns(netns))
				return 1;
		} else if (is_option(opt, "-force")) {
			force = true;
		} else if (is_option(opt, "-pack")) {
			uint32_t max;

			if (take_value(&argc, &argv, &pack, "-pack") ||
			    get_uint(&max, "-pack", pack, 1, EXTNET_MAP_BATCH_MAX))
				return 1;
			ipc_set_pack(max);
		} else if (is_option(opt, "-batch")) {
			if (take_value(&argc, &argv, &batch, "-batch"))
				return 1;
		} else if (is_option(opt, "-Version")) {
			printf("extnet %s (generic netlink family \"%s\" version %d)\n",
			       EXTNET_VERSION, EXTNET_GENL_NAME, EXTNET_GENL_VERSION);
			ret = 0;
			goto out;
		} else if (is_option(opt, "-help")) {
			usage(stdout);
			ret = 0;
			goto out;
		} else {
			error("unknown option \"%s\"", opt);
			help_hint();
			return 1;
		}
	}

	if (pack && !force) {
		ret = error("-pack goes with -force -batch only");
	} else if (force && !batch) {
		ret = error("-force goes with -batch only");
	} else if (batch) {
		if (argc)
			ret = error("-batch takes no command (\"%s\")", argv[0]);
		else
			ret = run_batch(batch, force);
	} else if (!argc) {
		usage(stderr);
		ret = -1;
	} else {
		ret = run_line(argc, argv);
	}

out:
	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) || ferror(stdout))
		ret = error("cannot write the output: %s.", strerror(errno));
	return ret ? 1 : 0;
}
