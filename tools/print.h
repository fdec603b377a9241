/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTNET_PRINT_H
#define EXTNET_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every field is printed by one call that serves both output modes: in JSON
 * mode @key names the member, in text mode @fmt is a printf format whose
 * only conversion is a %s that receives the value as text. A NULL @key or
 * @fmt leaves the field out of that mode.
 *
 * A show command prints a list of objects. In JSON the list is a single
 * array; it is opened by the first object, so a command that fails before
 * printing anything leaves standard output empty.
 */
void print_obj_start(void);
void print_obj_end(void);
void print_list_end(bool ok);
/*
 * A stream of objects, one a line (JSON Lines with -j), each flushed at
 * once: for monitor.
 */
void print_record_start(void);
void print_record_end(void);

void print_nest_start(const char *key);
void print_nest_end(void);

void print_string(const char *key, const char *fmt, const char *val);
void print_uint(const char *key, const char *fmt, uint64_t val);
void print_addr(const char *key, const char *fmt, int family, const void *addr);
void print_mac(const char *key, const char *fmt, const uint8_t *mac);

/*
 * Attribute-driven printing: each field names the reply attribute it shows
 * (absent attributes are skipped) and how to render it. Lengths must have
 * been validated by the ipc_parse_*() helpers.
 */
struct nlattr;
enum print_kind {
	PRINT_UINT,	/* 1, 2, 4 or 8 bytes, host byte order */
	PRINT_ADDR,	/* 4 bytes IPv4 or 16 bytes IPv6 */
	PRINT_MAC,
};
struct print_field {
	uint16_t type;
	enum print_kind kind;
	const char *key;
	const char *fmt;
	bool stats;	/* only with -s */
};
void print_fields(const struct nlattr *const *tb, const struct print_field *fields,
		  size_t n);

/*
 * One entry of a map or neigh dump: "ADDR dev DEV ..." where the address
 * fields come from the nested attribute @nest, and @print_rest prints what
 * follows the device.
 */
struct nlmsghdr;
struct entry_desc {
	uint16_t nest;
	const size_t *lens;		/* see ipc_parse_nested() */
	uint16_t max;
	const struct print_field *addr;
	size_t n_addr;
	void (*print_rest)(const struct nlattr *const *tb);
};
int print_entry(const struct nlmsghdr *nlh, const struct entry_desc *desc);

/* A counter: text "<sep><name> <value>", JSON "<name>": <value>. */
void print_counter(const char *sep, const char *name, uint64_t val);

#endif
