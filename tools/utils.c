// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsing helpers and error reporting shared by every object.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "utils.h"

bool show_stats;
bool json_output;

/*
 * One pass, no library call: a batch line asks this a dozen times. With
 * strlen() and strncmp() it made about 60 % of the tool's libc string
 * calls' instructions per "map add" line (callgrind).
 */
bool matches(const char *word, const char *keyword)
{
	if (!*word)
		return false;
	while (*word && *word == *keyword) {
		word++;
		keyword++;
	}
	return !*word;
}

int error(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int help_hint(void)
{
	fputs("Try \"extnet help\".\n", stderr);
	return -1;
}

int invarg(const char *msg, const char *word)
{
	return error("argument \"%s\" is wrong: %s", word, msg);
}

int duparg(const char *keyword, const char *word)
{
	return error("duplicate \"%s\": \"%s\" is the second value", keyword, word);
}

int missarg(const char *keyword)
{
	error("\"%s\" needs a value", keyword);
	return help_hint();
}

int unknown_keyword(const char *word)
{
	error("unknown keyword \"%s\"", word);
	return help_hint();
}

int missing(const char *what)
{
	error("\"%s\" is required", what);
	return help_hint();
}

int run_command(const struct command *cmds, size_t n, int argc, char **argv)
{
	size_t i;

	/* Table order decides ambiguous prefixes, as in iproute2. */
	for (i = 0; i < n; i++)
		if (matches(argv[0], cmds[i].name))
			return cmds[i].function(argc - 1, argv + 1);
	error("unknown command \"%s\"", argv[0]);
	return help_hint();
}

void print_grammar(FILE *f, const char *const *lines, bool *first)
{
	for (; *lines; lines++) {
		fprintf(f, "%s%s\n", *first ? "Usage: " : "       ", *lines);
		*first = false;
	}
}

int object_help(const char *const *grammar)
{
	bool first = true;

	print_grammar(stdout, grammar, &first);
	return 0;
}

int next_arg(int *argc, char ***argv)
{
	const char *keyword = **argv;

	if (*argc < 2)
		return missarg(keyword);
	(*argc)--;
	(*argv)++;
	return 0;
}

int take_value(int *argc, char ***argv, const char **slot, const char *keyword)
{
	if (next_arg(argc, argv))
		return -1;
	if (*slot)
		return duparg(keyword, **argv);
	*slot = **argv;
	return 0;
}

/*
 * Decimal or 0x-prefixed hex. strtoul() alone would also take leading
 * blanks, a sign (so "-1" becomes ULONG_MAX) and octal, none of which a
 * user typing "vni 010" means.
 */
static int parse_u32(const char *s, uint32_t *val)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (base == 16 ? !isxdigit((unsigned char)*s) : !isdigit((unsigned char)*s))
		return -1;
	/* strtoull() in base 16 would skip a second "0x" ("0x0x10"). */
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*val = v;
	return 0;
}

int get_uint_quiet(uint32_t *val, const char *word)
{
	return parse_u32(word, val);
}

int get_uint(uint32_t *val, const char *keyword, const char *word,
	     uint32_t min, uint32_t max)
{
	char msg[64];

	if (!parse_u32(word, val) && *val >= min && *val <= max)
		return 0;
	snprintf(msg, sizeof(msg), "%s must be %u..%u", keyword, min, max);
	return invarg(msg, word);
}

int get_addr(struct ip_addr *addr, const char *keyword, const char *word)
{
	char msg[64];

	if (inet_pton(AF_INET, word, &addr->v4) == 1) {
		addr->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, word, &addr->v6) == 1) {
		addr->family = AF_INET6;
		return 0;
	}
	snprintf(msg, sizeof(msg), "%s must be an IPv4 or IPv6 address", keyword);
	return invarg(msg, word);
}

int get_mac(uint8_t mac[ETH_ALEN], const char *keyword, const char *word)
{
	const char *p = word;
	char msg[64];
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		unsigned int v = 0;
		int digits;

		for (digits = 0; digits < 2 && isxdigit((unsigned char)*p); digits++, p++)
			v = v * 16 + (isdigit((unsigned char)*p) ? *p - '0' :
				      tolower((unsigned char)*p) - 'a' + 10);
		if (!digits || *p != (i == ETH_ALEN - 1 ? '\0' : ':'))
			break;
		mac[i] = v;
		p++;
	}
	if (i == ETH_ALEN)
		return 0;
	snprintf(msg, sizeof(msg), "%s must be a MAC address like 02:00:00:00:00:01",
		 keyword);
	return invarg(msg, word);
}

/* The same rules as the kernel's dev_valid_name(). */
int get_ifname(const char **name, const char *word)
{
	size_t len = strlen(word);

	if (!len || len >= IFNAMSIZ || !strcmp(word, ".") || !strcmp(word, "..") ||
	    strpbrk(word, "/: \t\n\v\f\r"))
		return invarg("not a valid device name", word);
	*name = word;
	return 0;
}

/*
 * "dev DEV", or with @positional also a bare "DEV" as in "link show ext0";
 * only then must "dev" be spelled out, or a device called "d" could not be
 * named.
 */
int parse_dev(int argc, char **argv, const char **dev, bool positional)
{
	*dev = NULL;
	for (; argc > 0; argc--, argv++) {
		if (positional ? !strcmp(*argv, "dev") : matches(*argv, "dev")) {
			if (next_arg(&argc, &argv))
				return -1;
		} else if (!positional || *dev) {
			return unknown_keyword(*argv);
		}
		if (*dev)
			return duparg("dev", *argv);
		if (get_ifname(dev, *argv))
			return -1;
	}
	return 0;
}

const char *format_mac(char buf[MAC_STRLEN], const uint8_t mac[ETH_ALEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/*
 * Dumps name devices only by index. A dump of a large table repeats the same
 * few indexes, and if_indextoname() costs a socket and an ioctl, so remember
 * the answers. Entries from an earlier command are not trusted (a batch may
 * run for long enough for devices to be renamed), hence the generation.
 */
struct ifname_entry {
	uint32_t ifindex;
	unsigned int generation;
	char name[IF_NAMESIZE];
};
static struct ifname_entry ifname_cache[64];
static unsigned int ifname_generation = 1;

void ifname_cache_flush(void)
{
	ifname_generation++;
}

const char *ifname_of(uint32_t ifindex)
{
	struct ifname_entry *e = &ifname_cache[ifindex % ARRAY_SIZE(ifname_cache)];

	if (e->generation != ifname_generation || e->ifindex != ifindex) {
		if (!if_indextoname(ifindex, e->name))
			snprintf(e->name, sizeof(e->name), "if%u", ifindex);
		e->ifindex = ifindex;
		e->generation = ifname_generation;
	}
	return e->name;
}

/*
 * Split a batch line into words in place. Words may be quoted with ' or "
 * (for device names with odd characters); a word starting with # begins a
 * comment.
 */
int make_args(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		char quote = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return argc;
		if (argc == max)
			return error("too many words (at most %d) from \"%.*s\"",
				     max, (int)strcspn(p, "\r\n"), p);
		if (*p == '"' || *p == '\'')
			quote = *p++;
		argv[argc++] = p;
		while (*p && (quote ? *p != quote : !isspace((unsigned char)*p)))
			p++;
		if (quote && !*p)
			return error("unterminated %c quote in %c%.*s", quote,
				     quote, (int)strcspn(argv[argc - 1], "\r\n"),
				     argv[argc - 1]);
		/* "ext0"vni would run two words together. */
		if (quote && p[1] && !isspace((unsigned char)p[1])) {
			*p = '\0';
			return error("%c%s%c must be followed by a blank",
				     quote, argv[argc - 1], quote);
		}
		if (*p)
			*p++ = '\0';
	}
}
