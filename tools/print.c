// SPDX-License-Identifier: GPL-2.0
/*
 * Output in text or JSON, with a minimal JSON emitter: the tool only ever
 * prints an array of flat objects with at most one nested object, so a
 * stack of "has this container had a member yet" flags is all the state
 * that is needed.
 */

#include <inttypes.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include <linux/extnet.h>

#include "ipc.h"
#include "print.h"
#include "utils.h"

#define JSON_MAX_DEPTH 8

static int depth;			/* open containers, the array included */
static bool has_member[JSON_MAX_DEPTH];

static void json_separator(void)
{
	if (has_member[depth - 1])
		putchar(',');
	has_member[depth - 1] = true;
}

static void json_open(char c)
{
	putchar(c);
	has_member[depth++] = false;
}

/*
 * Length of the UTF-8 sequence at @p (RFC 3629 §4: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 if there is none.
 */
static int utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_string(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	int n;

	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\b': fputs("\\b", stdout); break;
		case '\f': fputs("\\f", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default:
			/*
			 * Control characters escaped, UTF-8 as it is. A byte
			 * that is not UTF-8 (a device name may hold any byte)
			 * would make the whole output invalid JSON: it goes
			 * out as the code point of the same value, \u0080 to
			 * \u00ff.
			 */
			n = *p >= 0x80 ? utf8_len(p) : 1;
			if (*p < 0x20 || !n) {
				printf("\\u00%c%c", hex[*p >> 4], hex[*p & 0xf]);
			} else {
				fwrite(p, 1, n, stdout);
				p += n - 1;
			}
		}
	}
	putchar('"');
}

static void json_key(const char *key)
{
	json_separator();
	json_string(key);
	putchar(':');
}

void print_obj_start(void)
{
	if (!json_output)
		return;
	if (!depth)
		json_open('[');
	json_separator();
	json_open('{');
}

void print_obj_end(void)
{
	if (!json_output) {
		putchar('\n');
		return;
	}
	putchar('}');
	depth--;
}

void print_record_start(void)
{
	if (json_output)
		json_open('{');
}

void print_record_end(void)
{
	if (json_output) {
		putchar('}');
		depth--;
	}
	putchar('\n');
	fflush(stdout);
}

void print_list_end(bool ok)
{
	if (!json_output)
		return;
	if (depth) {
		fputs("]\n", stdout);
		depth = 0;
	} else if (ok) {
		fputs("[]\n", stdout);
	}
}

void print_nest_start(const char *key)
{
	if (!json_output)
		return;
	json_key(key);
	json_open('{');
}

void print_nest_end(void)
{
	if (!json_output)
		return;
	putchar('}');
	depth--;
}

static void print_value(const char *key, const char *fmt, const char *val, bool quote)
{
	if (!json_output) {
		if (fmt)
			printf(fmt, val);
		return;
	}
	if (!key)
		return;
	json_key(key);
	if (quote)
		json_string(val);
	else
		fputs(val, stdout);
}

void print_string(const char *key, const char *fmt, const char *val)
{
	print_value(key, fmt, val, true);
}

void print_uint(const char *key, const char *fmt, uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	print_value(key, fmt, buf, false);
}

void print_addr(const char *key, const char *fmt, int family, const void *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	print_string(key, fmt, buf);
}

void print_mac(const char *key, const char *fmt, const uint8_t *mac)
{
	char buf[MAC_STRLEN];

	print_string(key, fmt, format_mac(buf, mac));
}

void print_counter(const char *sep, const char *name, uint64_t val)
{
	if (json_output)
		print_uint(name, NULL, val);
	else
		printf("%s%s %" PRIu64, sep, name, val);
}

static uint64_t attr_uint(const struct nlattr *attr)
{
	switch (mnl_attr_get_payload_len(attr)) {
	case 1:
		return mnl_attr_get_u8(attr);
	case 2:
		return mnl_attr_get_u16(attr);
	case 4:
		return mnl_attr_get_u32(attr);
	default:
		return mnl_attr_get_u64(attr);
	}
}

void print_fields(const struct nlattr *const *tb, const struct print_field *fields,
		  size_t n)
{
	const struct print_field *f;

	for (f = fields; f < fields + n; f++) {
		const struct nlattr *attr = tb[f->type];

		if (!attr || (f->stats && !show_stats))
			continue;
		switch (f->kind) {
		case PRINT_UINT:
			print_uint(f->key, f->fmt, attr_uint(attr));
			break;
		case PRINT_ADDR:
			print_addr(f->key, f->fmt,
				   mnl_attr_get_payload_len(attr) == sizeof(struct in_addr) ?
				   AF_INET : AF_INET6, mnl_attr_get_payload(attr));
			break;
		case PRINT_MAC:
			print_mac(f->key, f->fmt, mnl_attr_get_payload(attr));
			break;
		}
	}
}

#define ENTRY_MAX_ATTR 31

int print_entry(const struct nlmsghdr *nlh, const struct entry_desc *desc)
{
	const struct nlattr *tb[EXTNET_A_MAX + 1];
	const struct nlattr *etb[ENTRY_MAX_ATTR + 1];
	uint16_t max = desc->max < ENTRY_MAX_ATTR ? desc->max : ENTRY_MAX_ATTR;

	if (ipc_parse_reply(nlh, tb))
		return MNL_CB_ERROR;
	if (!tb[desc->nest])
		return MNL_CB_OK;	/* nothing to show; not worth failing a dump */
	if (ipc_parse_nested(tb[desc->nest], desc->lens, max, etb))
		return MNL_CB_ERROR;

	print_obj_start();
	print_fields(etb, desc->addr, desc->n_addr);
	print_string("ifname", " dev %s", ipc_reply_ifname(tb));
	desc->print_rest(etb);
	print_obj_end();
	return MNL_CB_OK;
}
