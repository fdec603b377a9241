// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport: one socket, resolved once, for the lifetime of
 * the process, so that a batch of a million requests costs exactly one send
 * and one receive each.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/extnet.h>

#include "ipc.h"
#include "print.h"

/* Requests are a few attributes; nothing the tool sends comes near this. */
#define REQUEST_SIZE	4096
/*
 * The kernel sizes dump messages after the receive buffers it has seen, up
 * to 32 KiB; a buffer smaller than a message would truncate it.
 */
#define REPLY_SIZE	65536

static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t portid;
static uint32_t seq;

static char request[REQUEST_SIZE] __attribute__((aligned(8)));
static char reply[REPLY_SIZE] __attribute__((aligned(8)));

/* Which words of the command line produced the attribute at @offset;
 * @keyword is a literal (ipc.h).
 */
struct note {
	uint32_t offset;
	const char *keyword;
	const char *word;
};
static struct note notes[16];
static unsigned int n_notes;
static const char *request_ifname;

/*
 * The current request's device name and notes. Reporting a pack's failures
 * (pack_collect()) or the acks of a window (pipelined_ack()) overwrites
 * them: a request that sends either first saves them and puts them back.
 */
struct request_notes {
	const char *ifname;
	struct note notes[ARRAY_SIZE(notes)];
	unsigned int n;
};

static void notes_save(struct request_notes *r)
{
	r->ifname = request_ifname;
	r->n = n_notes;
	memcpy(r->notes, notes, n_notes * sizeof(notes[0]));
}

static void notes_restore(const struct request_notes *r)
{
	request_ifname = r->ifname;
	n_notes = r->n;
	memcpy(notes, r->notes, r->n * sizeof(notes[0]));
}

struct run_state {
	mnl_cb_t cb;
	void *data;
	int error;	/* errno sent by the kernel */
	bool quiet;	/* leave reporting kernel errors to the caller */
	bool reported;	/* an error has been printed */
};

/*
 * Pipelined batches (ipc_pipeline(), "extnet -force -batch"): requests that
 * only want an ack are copied into a window and sent together in one
 * sendmsg; their acks are read afterwards, a recvmsg for many. Each queued
 * request keeps what is needed to explain its error later: the batch line,
 * the device name and the words behind its attributes (copied: the command
 * line they point into is gone by then). The kernel queues one ack per
 * request on the socket, so a window stays far below the socket's receive
 * buffer.
 */
#define WINDOW_BYTES	16384
#define WINDOW_MSGS	64

struct pending {
	uint32_t seq;
	unsigned long line;
	char *ifname;
	unsigned int n_notes;
	struct note notes[ARRAY_SIZE(notes)];
};

static bool pipelined;
static const char *batch_name;
static unsigned long batch_line;
static char window[WINDOW_BYTES] __attribute__((aligned(8)));
static size_t window_len;
static struct pending pending[WINDOW_MSGS];
static unsigned int n_pending;
static unsigned int n_failed;

/* A generic netlink request header for the family's command @cmd in @buf. */
static struct nlmsghdr *put_genl_header(char *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = EXTNET_GENL_VERSION;
	return nlh;
}

static struct nlmsghdr *start_request(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = put_genl_header(request, cmd, flags);

	n_notes = 0;
	request_ifname = NULL;
	return nlh;
}

struct nlmsghdr *ipc_request(uint8_t cmd, uint16_t flags)
{
	return start_request(cmd, flags | NLM_F_ACK);
}

/*
 * Kept apart from ipc_request() because the flag bits overlap: NLM_F_DUMP
 * is NLM_F_ROOT | NLM_F_MATCH, the same bits as NLM_F_REPLACE | NLM_F_EXCL.
 * A dump ends with NLMSG_DONE, so it asks for no ack.
 */
struct nlmsghdr *ipc_dump_request(uint8_t cmd)
{
	return start_request(cmd, NLM_F_DUMP);
}

void ipc_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data,
	     const char *keyword, const char *word)
{
	char *attr = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put(nlh, type, len, data);
	/* libmnl leaves the padding as it was: the previous request's bytes. */
	memset(attr + MNL_ATTR_HDRLEN + len, 0, MNL_ALIGN(len) - len);
	if (word && n_notes < ARRAY_SIZE(notes))
		notes[n_notes++] = (struct note){
			.offset = attr - (const char *)nlh,
			.keyword = keyword,
			.word = word,
		};
}

void ipc_put_uint(struct nlmsghdr *nlh, uint16_t type, size_t size, uint32_t val,
		  const char *keyword, const char *word)
{
	uint8_t u8 = val;
	uint16_t u16 = val;

	ipc_put(nlh, type, size, size == 1 ? (void *)&u8 : size == 2 ? (void *)&u16 :
		(void *)&val, keyword, word);
}

void ipc_put_addr(struct nlmsghdr *nlh, uint16_t type4, uint16_t type6,
		  const struct ip_addr *addr, const char *keyword, const char *word)
{
	if (addr->family == AF_INET)
		ipc_put(nlh, type4, sizeof(addr->v4), &addr->v4, keyword, word);
	else
		ipc_put(nlh, type6, sizeof(addr->v6), &addr->v6, keyword, word);
}

void ipc_put_dev(struct nlmsghdr *nlh, const char *ifname)
{
	ipc_put(nlh, EXTNET_A_IFNAME, strlen(ifname) + 1, ifname, "dev", ifname);
	request_ifname = ifname;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
		break;
	case NLMSGERR_ATTR_COOKIE:
		break;
	case NLMSGERR_ATTR_OFFS:
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static void print_ext_message(const char *prefix, const char *msg)
{
	size_t len = strlen(msg);

	/* iproute2 style: kernel messages carry no final full stop. */
	fprintf(stderr, "%s: %s%s\n", prefix, msg, msg[len - 1] == '.' ? "" : ".");
}

static void explain_offset(uint32_t offset)
{
	unsigned int i;

	for (i = 0; i < n_notes; i++) {
		if (notes[i].offset != offset)
			continue;
		fprintf(stderr, "Offending argument: %s%s%s\n",
			notes[i].keyword ? notes[i].keyword : "",
			notes[i].keyword ? " " : "", notes[i].word);
		return;
	}
}

static void report_error(int err, const char *msg, const struct nlattr *const *tb)
{
	/*
	 * The kernel's "No such device" does not say which: the user typed
	 * the name, so name it (only on this error path, to keep the lookup's
	 * syscalls out of the batch fast path).
	 */
	if (err == ENODEV && request_ifname && !if_nametoindex(request_ifname)) {
		error("device \"%s\" does not exist.", request_ifname);
		return;
	}
	if (msg)
		print_ext_message("Error", msg);
	else
		error("%s.", strerror(err));
	if (tb[NLMSGERR_ATTR_OFFS])
		explain_offset(mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		fprintf(stderr, "Missing required attribute type %u\n",
			mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
}

/*
 * The extended ack TLVs of @nlh, @offset bytes into its payload, into @tb
 * (NLMSGERR_ATTR_MAX + 1 slots); returns the message, or NULL.
 */
static const char *parse_extack(const struct nlmsghdr *nlh, size_t offset,
				const struct nlattr **tb)
{
	memset(tb, 0, (NLMSGERR_ATTR_MAX + 1) * sizeof(*tb));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, offset, extack_attr_cb, tb);
	if (tb[NLMSGERR_ATTR_MSG] && *mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]))
		return mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
	return NULL;
}

/*
 * Where the extended ack TLVs of the NLMSG_ERROR @nlh start in its payload
 * (at least sizeof(struct nlmsgerr) long): without NETLINK_CAP_ACK (old
 * kernels) our request is echoed back before them.
 */
static size_t ack_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&err->msg);
	return offset;
}

/*
 * Common end of NLMSG_ERROR and NLMSG_DONE: @err is a positive errno or 0,
 * the extended ack TLVs start @offset bytes into the payload.
 */
static int finish(const struct nlmsghdr *nlh, size_t offset, int err,
		  struct run_state *st)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *msg = parse_extack(nlh, offset, tb);

	if (!err) {
		if (msg)
			print_ext_message("Warning", msg);
		return MNL_CB_STOP;
	}

	st->error = err;
	if (!st->quiet) {
		report_error(err, msg, tb);
		st->reported = true;
	}
	errno = err;
	return MNL_CB_ERROR;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return finish(nlh, ack_tlv_offset(nlh),
		      err->error < 0 ? -err->error : err->error, data);
}

/* libmnl's default ignores the error code a failed dump puts in DONE. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	return finish(nlh, sizeof(err), err < 0 ? -err : 0, data);
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_state *st = data;
	int ret;

	if (!st->cb)
		return MNL_CB_OK;
	ret = st->cb(nlh, st->data);
	if (ret == MNL_CB_ERROR)
		st->reported = true;
	return ret;
}

/* Not const: mnl_cb_run2() takes a non-const array. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/*
 * The kernel flags the messages of a dump that had to start over
 * (NLM_F_DUMP_INTR); libmnl would stop there with EINTR. The dump is still
 * complete, only maybe with repeats: take the flag off and warn once.
 */
static bool clear_dump_intr(void *buf, ssize_t len)
{
	struct nlmsghdr *r;
	int left = len;
	bool found = false;

	for (r = buf; mnl_nlmsg_ok(r, left); r = mnl_nlmsg_next(r, &left)) {
		if (r->nlmsg_flags & NLM_F_DUMP_INTR) {
			r->nlmsg_flags &= ~NLM_F_DUMP_INTR;
			found = true;
		}
	}
	return found;
}

static int transact(struct nlmsghdr *nlh, struct run_state *st)
{
	bool interrupted = false;
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		st->reported = true;
		return error("cannot send to the kernel: %s.", strerror(errno));
	}
	do {
		len = mnl_socket_recvfrom(nl, reply, sizeof(reply));
		if (len < 0 && errno == EINTR) {
			ret = MNL_CB_OK;
			continue;
		}
		if (len < 0) {
			st->reported = true;
			return error("cannot receive from the kernel: %s.", strerror(errno));
		}
		if (clear_dump_intr(reply, len))
			interrupted = true;
		ret = mnl_cb_run2(reply, len, nlh->nlmsg_seq, portid, data_cb, st,
				  ctl_cbs, ARRAY_SIZE(ctl_cbs));
	} while (ret > MNL_CB_STOP);

	if (interrupted)
		fprintf(stderr,
			"Warning: the table changed during the dump; entries may be listed twice.\n");

	if (ret < 0 && !st->reported && !st->error) {
		st->reported = true;
		error("bad reply from the kernel: %s.", strerror(errno));
	}
	return ret < 0 ? -1 : 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	}
	return MNL_CB_OK;
}

static int resolve_family(void)
{
	char buf[256] __attribute__((aligned(8))) = { 0 };
	struct run_state st = { .cb = family_cb, .data = &family_id, .quiet = true };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, EXTNET_GENL_NAME);

	if (!transact(nlh, &st) && family_id)
		return 0;
	if (st.error == ENOENT)
		return error("generic netlink family \"%s\" not found (is the extnet module loaded?)",
			     EXTNET_GENL_NAME);
	if (st.error)
		return error("cannot look up generic netlink family \"%s\": %s.",
			     EXTNET_GENL_NAME, strerror(st.error));
	if (!st.reported)
		return error("generic netlink family \"%s\" has no id.", EXTNET_GENL_NAME);
	return -1;
}

static int connect_family(void)
{
	int one = 1;

	if (family_id)
		return 0;
	if (!nl) {
		nl = mnl_socket_open(NETLINK_GENERIC);
		if (!nl)
			return error("cannot open a generic netlink socket: %s.",
				     strerror(errno));
		/*
		 * Best effort: without extended acks errors are still reported,
		 * only less precisely; without capped acks they are longer.
		 */
		mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
		mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
		if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
			error("cannot bind the generic netlink socket: %s.", strerror(errno));
			mnl_socket_close(nl);
			nl = NULL;
			return -1;
		}
		portid = mnl_socket_get_portid(nl);
	}
	return resolve_family();
}

static char *dup_or_die(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d) {
		perror("extnet");
		exit(1);
	}
	return d;
}

static void pending_free(struct pending *p)
{
	unsigned int i;

	free(p->ifname);
	for (i = 0; i < p->n_notes; i++)
		free((char *)p->notes[i].word);
}

static void queue(const struct nlmsghdr *nlh)
{
	struct pending *p = &pending[n_pending++];
	unsigned int i;

	memcpy(window + window_len, nlh, nlh->nlmsg_len);
	window_len += MNL_ALIGN(nlh->nlmsg_len);
	p->seq = nlh->nlmsg_seq;
	p->line = batch_line;
	p->ifname = dup_or_die(request_ifname);
	p->n_notes = n_notes;
	for (i = 0; i < n_notes; i++)
		p->notes[i] = (struct note){
			.offset = notes[i].offset,
			.keyword = notes[i].keyword,
			.word = dup_or_die(notes[i].word),
		};
}

/* The ack of the request @p: report an error the way ipc_run() would. */
static void pipelined_ack(const struct nlmsghdr *nlh, struct pending *p)
{
	struct run_state st = { 0 };

	memcpy(notes, p->notes, p->n_notes * sizeof(notes[0]));
	n_notes = p->n_notes;
	request_ifname = p->ifname;
	if (error_cb(nlh, &st) == MNL_CB_ERROR) {
		if (!st.reported)
			error("bad reply from the kernel: %s.", strerror(errno));
		fprintf(stderr, "Command failed %s:%lu\n", batch_name, p->line);
		n_failed++;
	}
	n_notes = 0;
	request_ifname = NULL;
}

/* Send the window and collect one ack per request, in order. */
static int flush_window(void)
{
	unsigned int acked = 0, i;
	int ret = 0;

	if (!n_pending)
		return 0;
	if (mnl_socket_sendto(nl, window, window_len) < 0)
		ret = error("cannot send to the kernel: %s.", strerror(errno));
	while (!ret && acked < n_pending) {
		ssize_t len = mnl_socket_recvfrom(nl, reply, sizeof(reply));
		const struct nlmsghdr *r = (const struct nlmsghdr *)reply;
		int left = len;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			ret = error("cannot receive from the kernel: %s.", strerror(errno));
			break;
		}
		for (; mnl_nlmsg_ok(r, left); r = mnl_nlmsg_next(r, &left)) {
			if (r->nlmsg_type != NLMSG_ERROR || r->nlmsg_pid != portid ||
			    acked == n_pending || r->nlmsg_seq != pending[acked].seq) {
				ret = error("unexpected reply from the kernel.");
				break;
			}
			pipelined_ack(r, &pending[acked++]);
		}
	}
	for (i = 0; i < n_pending; i++)
		pending_free(&pending[i]);
	n_pending = 0;
	window_len = 0;
	return ret;
}

/*
 * Packed map changes (pipelined batches only): consecutive "map add",
 * "map replace" or "map del" lines of one device become the entries of one
 * request, up to pack_max (EXTNET_MAP_BATCH_MAX) of them. The kernel applies
 * them in order and stops at the first failure, whose index it returns in
 * the extended ack's cookie: that line is reported, and the lines after it
 * are sent again as a new request, at once, so that every line still runs
 * in file order. Each entry keeps its EXTNET_A_MAP attribute and the words
 * behind the attributes inside it (offsets from the attribute's start).
 *
 * A full pack goes to a sender thread, which sends it and waits for its
 * ack while this thread parses the lines of the next pack: the kernel
 * applies one pack while the next is built, on another CPU. One pack at
 * most is in flight, and nothing else uses the socket until it has been
 * collected (pack_sync()), so the requests still run in file order. The
 * sender prints nothing: it keeps a copy of each refusing ack, and
 * pack_collect() reports them here, with the lines they belong to. Without
 * a thread (pthread_create() failed) packs are sent from this thread.
 */
#define PACK_BYTES	16384
/* The words behind a pack's notes, copied; a note's keyword is a literal. */
#define PACK_WORDS	(EXTNET_MAP_BATCH_MAX * 128)

struct pack_entry {
	unsigned long line;
	uint32_t start;		/* of its EXTNET_A_MAP in pack->data */
	uint32_t len;
	unsigned int n_notes;
	struct note notes[4];
};

/* The kernel refused entries first..last: its ack, copied. */
struct pack_failure {
	struct pack_failure *next;
	unsigned int first, last;
	int err;		/* positive errno */
	struct nlmsghdr ack[];
};

/* Why a pack could not be sent; reported by pack_collect(). */
enum pack_fault { PACK_OK, PACK_SEND, PACK_RECV, PACK_REPLY, PACK_NOMEM };

struct pack {
	uint8_t cmd;
	const char *ifname;		/* in words */
	struct note dev_note;		/* "dev DEV", outside the entries */
	unsigned int n;
	size_t len;			/* of data */
	size_t words_len;
	struct pack_entry entries[EXTNET_MAP_BATCH_MAX];
	/* Where entry i was in the last request that carried it. */
	uint32_t offs[EXTNET_MAP_BATCH_MAX];
	/* What the sender found, in entry order. */
	struct pack_failure *failures, **failures_tail;
	enum pack_fault fault;
	int fault_errno;
	char words[PACK_WORDS];
	char data[PACK_BYTES] __attribute__((aligned(8)));
};

static unsigned int pack_max = EXTNET_MAP_BATCH_MAX;
static struct pack packs[2];
static struct pack *cur = &packs[0];	/* being filled */
static struct pack *in_flight;		/* handed over, not collected yet */

/* The sender's own: its request, its acks and their sequence numbers. */
static char pack_msg[PACK_BYTES + 256] __attribute__((aligned(8)));
static char pack_reply[REPLY_SIZE] __attribute__((aligned(8)));
static uint32_t pack_seq;

static enum { SENDER_NONE, SENDER_RUNNING, SENDER_NOTHREAD } sender_state;
static pthread_t sender;
static pthread_mutex_t sender_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sender_cond = PTHREAD_COND_INITIALIZER;
static struct pack *sender_job;		/* under sender_lock */
static bool sender_stop;		/* under sender_lock */

static void pack_reset(struct pack *p)
{
	p->ifname = NULL;
	p->dev_note = (struct note){ 0 };
	p->n = 0;
	p->len = 0;
	p->words_len = 0;
	p->failures = NULL;
	p->failures_tail = &p->failures;
	p->fault = PACK_OK;
}

/*
 * Bytes pack_word() needs for @ifname and the current request's words;
 * their sizes (with the NUL) go to @ifname_size and @sizes.
 */
static size_t words_size(const char *ifname, size_t *ifname_size, size_t *sizes)
{
	size_t n = *ifname_size = strlen(ifname) + 1;
	unsigned int i;

	for (i = 0; i < n_notes; i++)
		n += sizes[i] = strlen(notes[i].word) + 1;
	return n;
}

/* A copy of @word (@size bytes with the NUL) in @p's words, which have room. */
static const char *pack_word(struct pack *p, const char *word, size_t size)
{
	char *copy = p->words + p->words_len;

	memcpy(copy, word, size);
	p->words_len += size;
	return copy;
}

/* Sender: the request of entries @first.. of @p. */
static struct nlmsghdr *pack_build(struct pack *p, unsigned int first)
{
	struct nlmsghdr *nlh = put_genl_header(pack_msg, p->cmd, NLM_F_ACK);
	unsigned int i;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_seq = ++pack_seq;
	mnl_attr_put_strz(nlh, EXTNET_A_IFNAME, p->ifname);
	for (i = first; i < p->n; i++) {
		p->offs[i] = nlh->nlmsg_len;
		memcpy(pack_msg + nlh->nlmsg_len, p->data + p->entries[i].start,
		       p->entries[i].len);
		nlh->nlmsg_len += MNL_ALIGN(p->entries[i].len);
	}
	return nlh;
}

/* Sender: the ack of @seq_no, or NULL with @p's fault set. */
static const struct nlmsghdr *pack_ack(struct pack *p, uint32_t seq_no)
{
	const struct nlmsghdr *r = (const struct nlmsghdr *)pack_reply;
	ssize_t len;

	do {
		len = mnl_socket_recvfrom(nl, pack_reply, sizeof(pack_reply));
	} while (len < 0 && errno == EINTR);
	if (len < 0) {
		p->fault = PACK_RECV;
		p->fault_errno = errno;
		return NULL;
	}
	if (!mnl_nlmsg_ok(r, len) || r->nlmsg_type != NLMSG_ERROR ||
	    r->nlmsg_seq != seq_no ||
	    mnl_nlmsg_get_payload_len(r) < sizeof(struct nlmsgerr)) {
		p->fault = PACK_REPLY;
		return NULL;
	}
	return r;
}

/* Sender: keep the ack @r, which refused entries @first..@last of @p. */
static bool pack_fail(struct pack *p, const struct nlmsghdr *r, int err,
		      unsigned int first, unsigned int last)
{
	struct pack_failure *f = malloc(sizeof(*f) + r->nlmsg_len);

	if (!f) {
		p->fault = PACK_NOMEM;
		return false;
	}
	f->next = NULL;
	f->first = first;
	f->last = last;
	f->err = err;
	memcpy(f->ack, r, r->nlmsg_len);
	*p->failures_tail = f;
	p->failures_tail = &f->next;
	return true;
}

/* Sender: send @p, and what follows a refused entry again, until done. */
static void pack_send(struct pack *p)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	unsigned int first = 0;
	uint32_t k;

	while (first < p->n) {
		struct nlmsghdr *nlh = pack_build(p, first);
		const struct nlmsghdr *r;
		const struct nlmsgerr *e;
		int err;

		if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
			p->fault = PACK_SEND;
			p->fault_errno = errno;
			return;
		}
		r = pack_ack(p, nlh->nlmsg_seq);
		if (!r)
			return;
		e = mnl_nlmsg_get_payload(r);
		err = e->error < 0 ? -e->error : e->error;
		if (!err)
			return;
		parse_extack(r, ack_tlv_offset(r), tb);
		if (!tb[NLMSGERR_ATTR_COOKIE] ||
		    mnl_attr_get_payload_len(tb[NLMSGERR_ATTR_COOKIE]) != sizeof(k)) {
			/* Nothing applied: the device, or the request as a whole. */
			pack_fail(p, r, err, first, p->n - 1);
			return;
		}
		/* Entries before the refused one were applied. */
		memcpy(&k, mnl_attr_get_payload(tb[NLMSGERR_ATTR_COOKIE]), sizeof(k));
		if (k >= p->n - first) {
			p->fault = PACK_REPLY;
			return;
		}
		if (!pack_fail(p, r, err, first + k, first + k))
			return;
		first += k + 1;
	}
}

static void *sender_main(void *unused)
{
	struct pack *p;

	(void)unused;
	pthread_mutex_lock(&sender_lock);
	for (;;) {
		while (!sender_job && !sender_stop)
			pthread_cond_wait(&sender_cond, &sender_lock);
		if (!sender_job)
			break;
		p = sender_job;
		pthread_mutex_unlock(&sender_lock);
		pack_send(p);
		pthread_mutex_lock(&sender_lock);
		sender_job = NULL;
		pthread_cond_signal(&sender_cond);
	}
	pthread_mutex_unlock(&sender_lock);
	return NULL;
}

/* Stop the sender, once nothing is in flight. */
static void sender_end(void)
{
	if (sender_state != SENDER_RUNNING)
		return;
	pthread_mutex_lock(&sender_lock);
	sender_stop = true;
	pthread_cond_signal(&sender_cond);
	pthread_mutex_unlock(&sender_lock);
	pthread_join(sender, NULL);
	sender_state = SENDER_NONE;
	sender_stop = false;
}

/* Report the failure of entry @i of @p as a line of its own. */
static void pack_report(const struct pack *p, unsigned int i, int err,
			const char *msg, const struct nlattr *const *tb)
{
	const struct pack_entry *e = &p->entries[i];
	unsigned int j;

	n_notes = 0;
	if (p->dev_note.word)
		notes[n_notes++] = p->dev_note;
	for (j = 0; j < e->n_notes; j++) {
		notes[n_notes] = e->notes[j];
		notes[n_notes++].offset += p->offs[i];
	}
	request_ifname = p->ifname;
	report_error(err, msg, tb);
	fprintf(stderr, "Command failed %s:%lu\n", batch_name, e->line);
	n_failed++;
	n_notes = 0;
	request_ifname = NULL;
}

/*
 * Wait for the pack in flight and report what the kernel refused. Returns
 * -1 if it could not be sent (an error printed), else 0.
 */
static int pack_collect(void)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct pack *p = in_flight;
	struct pack_failure *f, *next;
	unsigned int i;
	int ret = 0;

	if (!p)
		return 0;
	if (sender_state == SENDER_RUNNING) {
		pthread_mutex_lock(&sender_lock);
		while (sender_job)
			pthread_cond_wait(&sender_cond, &sender_lock);
		pthread_mutex_unlock(&sender_lock);
	}
	in_flight = NULL;
	for (f = p->failures; f; f = next) {
		const char *msg = parse_extack(f->ack, ack_tlv_offset(f->ack), tb);

		for (i = f->first; i <= f->last; i++)
			pack_report(p, i, f->err, msg, tb);
		next = f->next;
		free(f);
	}
	switch (p->fault) {
	case PACK_OK:
		break;
	case PACK_SEND:
		ret = error("cannot send to the kernel: %s.", strerror(p->fault_errno));
		break;
	case PACK_RECV:
		ret = error("cannot receive from the kernel: %s.",
			    strerror(p->fault_errno));
		break;
	case PACK_REPLY:
		ret = error("unexpected reply from the kernel.");
		break;
	case PACK_NOMEM:
		ret = error("out of memory.");
		break;
	}
	pack_reset(p);
	return ret;
}

/*
 * Hand the pack being filled to the sender, once the one before it has been
 * collected. Reports that one's failures (overwriting the current request's
 * notes).
 */
static int pack_submit(void)
{
	int ret;

	if (!cur->n)
		return 0;
	ret = pack_collect();
	if (ret) {
		pack_reset(cur);
		return ret;
	}
	if (sender_state == SENDER_NONE)
		sender_state = pthread_create(&sender, NULL, sender_main, NULL) ?
			       SENDER_NOTHREAD : SENDER_RUNNING;
	in_flight = cur;
	cur = cur == &packs[0] ? &packs[1] : &packs[0];
	if (sender_state == SENDER_RUNNING) {
		pthread_mutex_lock(&sender_lock);
		sender_job = in_flight;
		pthread_cond_signal(&sender_cond);
		pthread_mutex_unlock(&sender_lock);
	} else {
		pack_send(in_flight);
	}
	return 0;
}

/* Send what is packed and wait until the kernel has applied all of it. */
static int pack_sync(void)
{
	int ret = pack_submit();

	if (pack_collect())
		ret = -1;
	return ret;
}

/*
 * Take the map request @nlh (one EXTNET_A_MAP, device by name) into the
 * pack, sending the pack first if it cannot join it.
 */
static int pack_add(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *map = NULL;
	size_t sizes[ARRAY_SIZE(notes)], ifname_size, words;
	struct request_notes mine;
	struct pack_entry *e;
	uint32_t map_off;
	unsigned int i;

	mnl_attr_for_each(attr, nlh, sizeof(*genl))
		if (mnl_attr_get_type(attr) == EXTNET_A_MAP)
			map = attr;
	if (!map || !request_ifname)
		return -1;
	/* At most a device name, two addresses and a MAC: far below
	 * sizeof(cur->words), which holds a full pack of the longest.
	 */
	words = words_size(request_ifname, &ifname_size, sizes);
	notes_save(&mine);
	if (cur->n && (genl->cmd != cur->cmd || strcmp(mine.ifname, cur->ifname) ||
		       cur->n == pack_max ||
		       cur->len + MNL_ALIGN(map->nla_len) > sizeof(cur->data) ||
		       cur->words_len + words > sizeof(cur->words))) {
		if (pack_submit())
			return -1;
	}
	if (!cur->n) {
		if (flush_window())
			return -1;
		cur->cmd = genl->cmd;
		cur->ifname = pack_word(cur, mine.ifname, ifname_size);
	}
	notes_restore(&mine);
	map_off = (const char *)map - (const char *)nlh;
	e = &cur->entries[cur->n++];
	e->line = batch_line;
	e->start = cur->len;
	e->len = map->nla_len;
	e->n_notes = 0;
	memcpy(cur->data + cur->len, map, map->nla_len);
	cur->len += MNL_ALIGN(map->nla_len);
	for (i = 0; i < n_notes; i++) {
		struct note *n;

		if (notes[i].offset < map_off) {
			/* The device: the same in every entry of the pack. */
			if (cur->dev_note.word)
				continue;
			n = &cur->dev_note;
			n->offset = notes[i].offset;
		} else if (e->n_notes < ARRAY_SIZE(e->notes)) {
			n = &e->notes[e->n_notes++];
			n->offset = notes[i].offset - map_off;
		} else {
			continue;
		}
		n->keyword = notes[i].keyword;
		n->word = pack_word(cur, notes[i].word, sizes[i]);
	}
	return 0;
}

static bool packable(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	return pack_max > 1 && request_ifname &&
	       (genl->cmd == EXTNET_CMD_MAP_ADD || genl->cmd == EXTNET_CMD_MAP_REPLACE ||
		genl->cmd == EXTNET_CMD_MAP_DEL);
}

void ipc_set_pack(unsigned int max)
{
	pack_max = max < 1 ? 1 : max > EXTNET_MAP_BATCH_MAX ? EXTNET_MAP_BATCH_MAX : max;
}

void ipc_pipeline(const char *name)
{
	pack_reset(&packs[0]);
	pack_reset(&packs[1]);
	pipelined = true;
	batch_name = name;
}

void ipc_set_line(unsigned long line)
{
	batch_line = line;
}

int ipc_pipeline_end(void)
{
	int ret = pack_sync();

	sender_end();
	if (flush_window())
		ret = -1;

	return ret || n_failed ? -1 : 0;
}

int ipc_run(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct run_state st = { .cb = cb, .data = data };

	if (connect_family())
		return -1;
	nlh->nlmsg_type = family_id;
	if (!pipelined)
		return transact(nlh, &st);

	if (!cb && (nlh->nlmsg_flags & NLM_F_ACK) && packable(nlh))
		return pack_add(nlh);
	if (cur->n || in_flight) {
		struct request_notes mine;

		notes_save(&mine);
		if (pack_sync())
			return -1;
		notes_restore(&mine);
	}
	/* Anything with a reply to show runs after what was queued before it.
	 * Flushing reports the acks of other lines and clears the notes that
	 * name this request's words: keep them.
	 */
	if (cb || !(nlh->nlmsg_flags & NLM_F_ACK)) {
		struct request_notes mine;

		notes_save(&mine);
		if (flush_window())
			return -1;
		notes_restore(&mine);
		return transact(nlh, &st);
	}
	if (window_len + MNL_ALIGN(nlh->nlmsg_len) > sizeof(window) ||
	    n_pending == WINDOW_MSGS) {
		struct request_notes mine;

		notes_save(&mine);
		if (flush_window())
			return -1;
		notes_restore(&mine);
	}
	nlh->nlmsg_seq = ++seq;
	queue(nlh);
	return 0;
}

int ipc_show(struct nlmsghdr *nlh, mnl_cb_t cb)
{
	int ret;

	ifname_cache_flush();
	ret = ipc_run(nlh, cb, NULL);
	print_list_end(!ret);
	return ret;
}

struct ifindexes {
	uint32_t *idx;
	size_t n, cap;
};

static int collect_ifindex(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXTNET_A_MAX + 1] = { NULL };
	struct ifindexes *l = data;

	if (ipc_parse_reply(nlh, tb))
		return MNL_CB_ERROR;
	if (!tb[EXTNET_A_IFINDEX])
		return MNL_CB_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		uint32_t *idx = realloc(l->idx, cap * sizeof(*idx));

		if (!idx) {
			error("out of memory.");
			return MNL_CB_ERROR;
		}
		l->idx = idx;
		l->cap = cap;
	}
	l->idx[l->n++] = mnl_attr_get_u32(tb[EXTNET_A_IFINDEX]);
	return MNL_CB_OK;
}

/*
 * The kernel dumps one device's table at a time: without "dev DEV", list
 * the extnet devices first and dump each of them into one list.
 */
int ipc_show_dump(int argc, char **argv, uint8_t cmd, mnl_cb_t cb)
{
	struct ifindexes l = { NULL, 0, 0 };
	struct nlmsghdr *nlh;
	const char *dev;
	size_t i;
	int ret;

	if (parse_dev(argc, argv, &dev, false))
		return -1;
	if (dev) {
		nlh = ipc_dump_request(cmd);
		ipc_put_dev(nlh, dev);
		return ipc_show(nlh, cb);
	}

	ret = ipc_run(ipc_dump_request(EXTNET_CMD_LINK_GET), collect_ifindex,
		      &l);
	ifname_cache_flush();
	for (i = 0; !ret && i < l.n; i++) {
		nlh = ipc_dump_request(cmd);
		ipc_put_uint(nlh, EXTNET_A_IFINDEX, 4, l.idx[i], NULL, NULL);
		ret = ipc_run(nlh, cb, NULL);
	}
	free(l.idx);
	print_list_end(!ret);
	return ret;
}

struct parse_ctx {
	const size_t *lens;
	uint16_t max;
	const struct nlattr **tb;
};

static int parse_attr_cb(const struct nlattr *attr, void *data)
{
	const struct parse_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len = mnl_attr_get_payload_len(attr);
	const char *payload = mnl_attr_get_payload(attr);
	size_t want;
	bool ok;

	if (type > ctx->max || !ctx->lens[type])
		return MNL_CB_OK;
	want = ctx->lens[type];
	if (want == IPC_STRING)
		ok = len && !payload[len - 1];
	else if (want == IPC_NESTED)
		ok = true;
	else
		ok = len == want;
	if (!ok) {
		error("malformed attribute %u in a reply from the kernel.", type);
		return MNL_CB_ERROR;
	}
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

static const size_t reply_lens[EXTNET_A_MAX + 1] = {
	[EXTNET_A_IFINDEX] = sizeof(uint32_t),
	[EXTNET_A_IFNAME] = IPC_STRING,
	[EXTNET_A_VNI] = sizeof(uint32_t),
	[EXTNET_A_LOCAL4] = sizeof(struct in_addr),
	[EXTNET_A_PORT] = sizeof(uint16_t),
	[EXTNET_A_TTL] = sizeof(uint8_t),
	[EXTNET_A_PROBE_SRC4] = sizeof(struct in_addr),
	[EXTNET_A_AGEING] = sizeof(uint32_t),
	[EXTNET_A_ENTRIES] = sizeof(uint32_t),
	[EXTNET_A_NEIGHS] = sizeof(uint32_t),
	[EXTNET_A_STATS] = IPC_NESTED,
	[EXTNET_A_MAP] = IPC_NESTED,
	[EXTNET_A_NEIGH] = IPC_NESTED,
	[EXTNET_A_LOCAL6] = sizeof(struct in6_addr),
	[EXTNET_A_MSS_CLAMP] = sizeof(uint16_t),
	[EXTNET_A_PROBE_SRC6] = sizeof(struct in6_addr),
	[EXTNET_A_ROUTES] = sizeof(uint8_t),
	[EXTNET_A_ROUTE_TABLE] = sizeof(uint32_t),
	[EXTNET_A_ROUTE_METRIC] = sizeof(uint32_t),
	[EXTNET_A_MODE] = sizeof(uint8_t),
};

int ipc_parse_reply(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	struct parse_ctx ctx = { reply_lens, EXTNET_A_MAX, tb };

	memset(tb, 0, (EXTNET_A_MAX + 1) * sizeof(*tb));
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_attr_cb, &ctx) < 0 ? -1 : 0;
}

int ipc_parse_nested(const struct nlattr *nest, const size_t *lens, uint16_t max,
		     const struct nlattr **tb)
{
	struct parse_ctx ctx = { lens, max, tb };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, parse_attr_cb, &ctx) < 0 ? -1 : 0;
}

const char *ipc_reply_ifname(const struct nlattr *const *tb)
{
	if (tb[EXTNET_A_IFNAME])
		return mnl_attr_get_str(tb[EXTNET_A_IFNAME]);
	if (tb[EXTNET_A_IFINDEX])
		return ifname_of(mnl_attr_get_u32(tb[EXTNET_A_IFINDEX]));
	return "?";
}
