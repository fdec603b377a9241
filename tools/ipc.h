/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTNET_IPC_H
#define EXTNET_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "utils.h"

/*
 * A request is built in a buffer owned by ipc.c while the command line is
 * parsed; nothing touches the network until ipc_run(), so every usage error
 * is found before the first netlink message. The socket and the family id
 * are set up by the first ipc_run() and reused for every later command of
 * a batch.
 *
 * The ipc_put_*() helpers remember which words of the command line produced
 * each attribute, so that an extended ack pointing at an attribute can be
 * explained in the user's terms: @keyword is a string literal (or NULL) and
 * is kept as it is; @word is copied when the request outlives its line.
 */
struct nlmsghdr *ipc_request(uint8_t cmd, uint16_t flags);	/* acked */
struct nlmsghdr *ipc_dump_request(uint8_t cmd);

void ipc_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data,
	     const char *keyword, const char *word);
/* An unsigned integer of @size (1, 2 or 4) bytes in host byte order. */
void ipc_put_uint(struct nlmsghdr *nlh, uint16_t type, size_t size, uint32_t val,
		  const char *keyword, const char *word);
void ipc_put_addr(struct nlmsghdr *nlh, uint16_t type4, uint16_t type6,
		  const struct ip_addr *addr, const char *keyword, const char *word);
void ipc_put_dev(struct nlmsghdr *nlh, const char *ifname);

/*
 * Send the request and feed every reply message to @cb (may be NULL).
 * Returns 0, or -1 after an error has been printed. @cb prints its own
 * errors before returning MNL_CB_ERROR.
 */
int ipc_run(struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Pipelined batch ("-force -batch FILE"): from ipc_pipeline() on, requests
 * run with ipc_run() and no callback are only queued (ipc_run() returns 0)
 * and sent many at a time; their errors are reported as the acks are read
 * (a pack's when the next pack is handed over, or at the next line that is
 * not packed), each followed by "Command failed FILE:LINE" (the line set
 * last by ipc_set_line() when the request was made). Commands with output
 * run in order after everything queued before them. Packed map changes are sent
 * from a thread of their own while the next lines are parsed (ipc.c);
 * errors are still printed by the caller's thread. ipc_pipeline_end() sends
 * the rest, stops that thread and returns -1 if any request failed.
 */
void ipc_pipeline(const char *name);
void ipc_set_line(unsigned long line);
/* Map changes per request in a pipelined batch (1: one each). */
void ipc_set_pack(unsigned int max);
int ipc_pipeline_end(void);

/*
 * Run a show command: its reply messages are printed by @cb as one list.
 */
int ipc_show(struct nlmsghdr *nlh, mnl_cb_t cb);
/* The same for a dump command whose arguments are "[dev DEV]". */
int ipc_show_dump(int argc, char **argv, uint8_t cmd, mnl_cb_t cb);

/*
 * Validating attribute parsers for replies. ipc_parse_reply() fills @tb
 * (EXTNET_A_MAX + 1 entries) with the top-level attributes of a reply;
 * ipc_parse_nested() takes a table @lens of the exact payload length of
 * each type (IPC_STRING: NUL-terminated string, IPC_NESTED: nested
 * attributes, 0: not expected, ignored). Types beyond @max are ignored too,
 * so that this tool keeps working with a newer kernel. Both print an error
 * and return -1 if an attribute is malformed.
 */
#define IPC_STRING	((size_t)-1)
#define IPC_NESTED	((size_t)-2)
int ipc_parse_reply(const struct nlmsghdr *nlh, const struct nlattr **tb);
int ipc_parse_nested(const struct nlattr *nest, const size_t *lens, uint16_t max,
		     const struct nlattr **tb);

/* Name of the device a reply is about (its EXTNET_A_IFNAME or IFINDEX). */
const char *ipc_reply_ifname(const struct nlattr *const *tb);

#endif
