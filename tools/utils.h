/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTNET_UTILS_H
#define EXTNET_UTILS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <net/ethernet.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "aa:bb:cc:dd:ee:ff" plus NUL */
#define MAC_STRLEN 18

/* Global options, set once by main() before any command runs. */
extern bool show_stats;
extern bool json_output;

/*
 * One level of a command tree: the object table in extnet.c and each
 * object's verb table use the same type so that one dispatcher and one
 * usage printer serve them all.
 */
struct command {
	const char *name;
	int (*function)(int argc, char **argv);
	const char *description;
};

int run_command(const struct command *cmds, size_t n, int argc, char **argv);

/*
 * Print grammar lines (NULL-terminated) as part of a usage text; the first
 * line printed with *@first set gets the "Usage:" label.
 */
void print_grammar(FILE *f, const char *const *lines, bool *first);
/* "extnet OBJECT help": the object's grammar on standard output. */
int object_help(const char *const *grammar);

struct ip_addr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* True if @word is a non-empty prefix of @keyword (iproute2 semantics). */
bool matches(const char *word, const char *keyword);

/*
 * Error reporters. They print to stderr and return -1 so that parsers can
 * "return invarg(...)"; nothing here exits, because a failing line of a
 * batch file must still be reported with its line number.
 */
int invarg(const char *msg, const char *word);
int duparg(const char *keyword, const char *word);
int missarg(const char *keyword);
int unknown_keyword(const char *word);
int missing(const char *what);
/* Point at the usage text; returns -1. */
int help_hint(void);
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Step to the value of @keyword; fails if there is none. */
int next_arg(int *argc, char ***argv);
/* next_arg(), then store the value in *@slot unless it already has one. */
int take_value(int *argc, char ***argv, const char **slot, const char *keyword);

/* Decimal or 0x hex, 0..UINT32_MAX; -1 without a message if not. */
int get_uint_quiet(uint32_t *val, const char *word);
int get_uint(uint32_t *val, const char *keyword, const char *word,
	     uint32_t min, uint32_t max);
int get_addr(struct ip_addr *addr, const char *keyword, const char *word);
int get_mac(uint8_t mac[ETH_ALEN], const char *keyword, const char *word);
int get_ifname(const char **name, const char *word);
int parse_dev(int argc, char **argv, const char **dev, bool positional);

const char *format_mac(char buf[MAC_STRLEN], const uint8_t mac[ETH_ALEN]);
const char *ifname_of(uint32_t ifindex);
void ifname_cache_flush(void);

int make_args(char *line, char **argv, int max);

#endif
