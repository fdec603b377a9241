// SPDX-License-Identifier: GPL-2.0
/*
 * badpkt: build one kind of hostile (or, for controls, valid) frame and send
 * it out of an interface through a raw AF_PACKET socket. libc only.
 *
 * Sent bare, a frame goes to the local segment (a host's eth0 into the
 * gateway's bridge). With -x it becomes the inner frame of a VXLAN packet
 * (RFC 7348) in outer Ethernet + IPv4 + UDP, sent on the underlay; the outer
 * IPv4 packet is fragmented when it exceeds the MTU (-T, default 1500).
 *
 * usage: badpkt -i IF [-m MAC] [-u] [-s ADDR] [-d ADDR] [-r N] [-n N] [-l LEN]
 *               [-x -S ADDR -D ADDR -V VNI [-P PORT] [-M MAC]] [-T MTU] [-I ID]
 *               KIND
 *        badpkt -L            (list the kinds)
 *
 *   -i IF    interface to send on
 *   -m MAC   destination MAC of the frame (of the outer frame with -x);
 *            ARP and broadcast/multicast kinds choose their own (bare)
 *   -u       send ARP kinds to -m instead of broadcasting them
 *   -s ADDR  IPv4 source / ARP sender address (inner with -x)
 *   -d ADDR  IPv4 destination / ARP target address (inner with -x)
 *   -r N     vary the destination over N consecutive addresses from -d
 *   -n N     send the packet N times (default 1)
 *   -l LEN   length of the frame, Ethernet header included, of the udp and
 *            frag kinds (default 60; 1514 or 9000 for large inner frames)
 *   -x       wrap in VXLAN: outer source -S, destination -D, VNI -V, UDP
 *            destination port -P (default 4789), inner destination MAC -M
 *            (default 02:00:00:00:00:02; the receiver rewrites it)
 *   -T MTU   outer MTU for fragmentation (default 1500)
 *   -I ID    IPv4 identification of the (inner) packet, for fragments sent
 *            by two runs that the receiver must reassemble (default: new)
 *
 * Prints one line saying what it sent; exit status 0, 1 on a send error,
 * 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define MAXF 16384
#define MAXFRAMES 2

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t inner_src_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

struct frame {
	uint8_t d[MAXF];
	size_t len;
};

/* What the command line asked for. */
static struct {
	const char *ifname;
	uint8_t dst_mac[ETH_ALEN], src_mac[ETH_ALEN], inner_dst_mac[ETH_ALEN];
	bool have_dst_mac, arp_unicast;
	int ip_id;
	struct in_addr src, dst, outer_src, outer_dst;
	unsigned int range, count, len, mtu, vni, port;
	bool vxlan;
} o = {
	.inner_dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
	.range = 1,
	.count = 1,
	.len = 60,
	.mtu = 1500,
	.port = 4789,
	.vni = ~0u,
	.ip_id = -1,
};

static const struct kind {
	const char *name;
	const char *help;
} kinds[] = {
	{ "udp", "valid IPv4/UDP to port 9, -l bytes (a control)" },
	{ "frags", "the udp datagram as two IPv4 fragments (two frames)" },
	{ "frag-first", "first fragment only: MF set, offset 0" },
	{ "frag-last", "last fragment only: offset != 0, MF clear" },
	{ "eth-short", "13 bytes: shorter than an Ethernet header" },
	{ "empty", "no bytes at all (with -x: VXLAN header only)" },
	{ "ip-short", "Ethernet header + 12 bytes of IPv4 header" },
	{ "ip-ihl4", "IPv4 header length 4 (16 bytes, < 20)" },
	{ "ip-ihl15", "IPv4 header length 15 (60 bytes) beyond the packet" },
	{ "ip-totlen-big", "IPv4 total length 100 bytes beyond the frame" },
	{ "ip-totlen-small", "IPv4 total length 16, below the header length" },
	{ "ip-version6", "version 6 in a frame of EtherType IPv4" },
	{ "ip-bcast", "IPv4/UDP to ff:ff:ff:ff:ff:ff (-d: IPv4 destination)" },
	{ "ip-mcast", "IPv4/UDP to 01:00:5e:00:00:01 (-d: IPv4 destination)" },
	{ "ipv6", "IPv6/UDP, EtherType 0x86dd" },
	{ "vlan", "802.1Q tag (VID 10), then IPv4/UDP" },
	{ "vlan-arp", "802.1Q-tagged ARP request, broadcast" },
	{ "ethertype", "unknown EtherType 0x88b5 (local experimental)" },
	{ "arp", "ARP request, broadcast: sender -s, target -d" },
	{ "arp-gratuitous", "gratuitous ARP request: sender = target = -s" },
	{ "arp-gratuitous-reply", "gratuitous ARP reply, broadcast" },
	{ "arp-short", "ARP request cut after 20 bytes" },
	{ "arp-hlen8", "ARP with hardware address length 8" },
	{ "arp-plen16", "ARP with protocol address length 16" },
	{ "arp-op3", "ARP opcode 3 (RARP request)" },
	{ "arp-hrd6", "ARP hardware type 6 (IEEE 802)" },
	{ "arp-sha-mcast", "ARP request from a multicast sender MAC" },
	{ "vx-udp-empty", "UDP datagram without payload: no VXLAN header" },
	{ "vx-short", "UDP payload of 4 bytes: half a VXLAN header" },
	{ "vx-no-iflag", "VXLAN flags 0x00: I flag missing" },
	{ "vx-flags-rsvd", "VXLAN flags 0x0c: a reserved flag bit set" },
	{ "vx-flags-rsvd24", "VXLAN reserved 24 bits after the flags set" },
	{ "vx-vni-rsvd", "VXLAN reserved low byte of the VNI word set" },
	{ "vx-ecn-ce", "outer ECN CE over a Not-ECT inner packet" },
	{ "ns", "valid Neighbour Solicitation 2001:db8:1::11 -> ::21 (a control)" },
	{ "ns-hoplimit", "the NS with hop limit 64 (RFC 4861: 255)" },
	{ "ns-csum", "the NS with a wrong ICMPv6 checksum" },
	{ "ns-short", "the NS cut to 16 bytes of ICMPv6 (< 24)" },
	{ "ns-code", "the NS with ICMPv6 code 1" },
	{ "ns-target-mcast", "the NS with target ff02::1" },
	{ "ns-opt-len0", "the NS with an option of length 0" },
	{ "ns-dad-sllao", "NS from :: with a source link-layer option" },
};

static void usage(void)
{
	fprintf(stderr,
		"usage: badpkt -i IF [-m MAC] [-u] [-s ADDR] [-d ADDR] [-r N] [-n N] [-l LEN]\n"
		"              [-x -S ADDR -D ADDR -V VNI [-P PORT] [-M MAC]] [-T MTU] [-I ID] KIND\n"
		"       badpkt -L\n");
	exit(2);
}

static void list_kinds(void)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		printf("%-22s %s\n", kinds[i].name, kinds[i].help);
	exit(0);
}

static void die(const char *what)
{
	fprintf(stderr, "badpkt: %s\n", what);
	exit(2);
}

static void parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	char end;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != ETH_ALEN)
		die("bad MAC address");
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			die("bad MAC address");
		mac[i] = b[i];
	}
}

static void parse_in(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		die("bad IPv4 address");
}

static unsigned int parse_uint(const char *s, unsigned int max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > max)
		die("bad number");
	return v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static size_t put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src,
		      uint16_t type)
{
	memcpy(p, dst, ETH_ALEN);
	memcpy(p + ETH_ALEN, src, ETH_ALEN);
	put16(p + 12, type);
	return ETH_HLEN;
}

/* A 20-byte IPv4 header for @payload bytes; @frag: flags and offset. */
static size_t put_ip4(uint8_t *p, struct in_addr src, struct in_addr dst,
		      uint8_t proto, size_t payload, uint16_t id, uint16_t frag,
		      uint8_t tos)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = tos;
	put16(p + 2, 20 + payload);
	put16(p + 4, id);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 10, csum(p, 20));
	return 20;
}

static void ip4_recsum(uint8_t *p)
{
	put16(p + 10, 0);
	put16(p + 10, csum(p, 20));
}

/* UDP header (checksum 0: none, allowed over IPv4) and a patterned payload. */
static size_t put_udp(uint8_t *p, uint16_t sport, uint16_t dport,
		      size_t payload)
{
	size_t i;

	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, 8 + payload);
	put16(p + 6, 0);
	for (i = 0; i < payload; i++)
		p[8 + i] = "extnet badpkt "[i % 14];
	return 8 + payload;
}

static size_t put_arp(uint8_t *p, uint16_t hrd, uint8_t hln, uint8_t pln,
		      uint16_t op, const uint8_t *sha, struct in_addr sip,
		      struct in_addr tip)
{
	uint8_t *q = p;

	put16(q, hrd);
	put16(q + 2, ETH_P_IP);
	q[4] = hln;
	q[5] = pln;
	put16(q + 6, op);
	q += 8;
	memset(q, 0, hln);
	memcpy(q, sha, hln < ETH_ALEN ? hln : ETH_ALEN);
	q += hln;
	memset(q, 0, pln);
	memcpy(q, &sip, pln < 4 ? pln : 4);
	q += pln;
	memset(q, 0, hln);
	q += hln;
	memset(q, 0, pln);
	memcpy(q, &tip, pln < 4 ? pln : 4);
	q += pln;
	return q - p;
}

/*
 * A Neighbour Solicitation (RFC 4861 §4.3) from 2001:db8:1::11 for
 * 2001:db8:1::21, to its solicited-node group, with a source link-layer
 * option, spoiled as @kind says. Returns the frame length, 0 if @kind is
 * not an NS kind.
 */
static size_t put_ns(uint8_t *p, const char *kind, const uint8_t *src)
{
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x11 };
	static const uint8_t t6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x21 };
	static const uint8_t d6[16] = { 0xff, 0x02, [11] = 1, 0xff, 0, 0, 0x21 };
	static const uint8_t mc6[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t dmac[ETH_ALEN] = { 0x33, 0x33, 0xff, 0, 0, 0x21 };
	uint8_t ph[40 + 32], *ip, *icmp;
	size_t len = 32;	/* NS 24 + source link-layer option 8 */

	if (strcmp(kind, "ns") && strncmp(kind, "ns-", 3))
		return 0;
	ip = p + put_eth(p, dmac, src, ETH_P_IPV6);
	icmp = ip + 40;
	memset(ip, 0, 40 + len);
	ip[0] = 0x60;
	ip[6] = 58;
	ip[7] = strcmp(kind, "ns-hoplimit") ? 255 : 64;
	memcpy(ip + 8, s6, 16);
	memcpy(ip + 24, d6, 16);
	icmp[0] = 135;
	icmp[1] = strcmp(kind, "ns-code") ? 0 : 1;
	memcpy(icmp + 8, strcmp(kind, "ns-target-mcast") ? t6 : mc6, 16);
	icmp[24] = 1;
	icmp[25] = strcmp(kind, "ns-opt-len0") ? 1 : 0;
	memcpy(icmp + 26, src, ETH_ALEN);
	if (!strcmp(kind, "ns-dad-sllao"))
		memset(ip + 8, 0, 16);
	if (!strcmp(kind, "ns-short"))
		len = 16;
	put16(ip + 4, len);
	/* Checksum over the pseudo-header (RFC 8200 §8.1). */
	memcpy(ph, ip + 8, 32);
	memset(ph + 32, 0, 8);
	put16(ph + 34, len);
	ph[39] = 58;
	memcpy(ph + 40, icmp, len);
	put16(icmp + 2, csum(ph, 40 + len) ^ (strcmp(kind, "ns-csum") ? 0 : 0x5555));
	return ETH_HLEN + 40 + len;
}

static uint16_t ip_id;

/* The frame of @kind, packet number @n; returns the number of frames. */
static int build(const char *kind, unsigned int n, struct frame *f)
{
	const uint8_t *dst = o.vxlan ? o.inner_dst_mac : o.dst_mac;
	const uint8_t *src = o.vxlan ? inner_src_mac : o.src_mac;
	struct in_addr daddr = o.dst;
	uint8_t *p = f[0].d, *ip;
	size_t udp_payload;
	uint16_t id = o.ip_id >= 0 ? o.ip_id : ++ip_id;

	daddr.s_addr = htonl(ntohl(o.dst.s_addr) + n % o.range);
	if (o.len < ETH_HLEN + 28 || o.len > MAXF - 100)
		die("bad frame length");
	udp_payload = o.len - ETH_HLEN - 28;

	/* ARP family: broadcast requests unless said otherwise. */
	if (!strncmp(kind, "arp", 3) || !strcmp(kind, "vlan-arp")) {
		const uint8_t *sha = src, *to = bcast;
		uint16_t hrd = 1, op = 1;
		uint8_t hln = 6, pln = 4;
		struct in_addr tip = daddr;
		size_t len;

		if (!strcmp(kind, "arp-sha-mcast"))
			sha = mcast;
		else if (!strcmp(kind, "arp-hlen8"))
			hln = 8;
		else if (!strcmp(kind, "arp-plen16"))
			pln = 16;
		else if (!strcmp(kind, "arp-op3"))
			op = 3;
		else if (!strcmp(kind, "arp-hrd6"))
			hrd = 6;
		else if (!strcmp(kind, "arp-gratuitous"))
			tip = o.src;
		else if (!strcmp(kind, "arp-gratuitous-reply"))
			tip = o.src, op = 2;
		else if (strcmp(kind, "arp") && strcmp(kind, "arp-short") &&
			 strcmp(kind, "vlan-arp"))
			return -1;
		if (o.arp_unicast)
			to = dst;
		if (!strcmp(kind, "vlan-arp")) {
			len = put_eth(p, to, src, ETH_P_8021Q);
			put16(p + len, 10);
			put16(p + len + 2, ETH_P_ARP);
			len += 4;
		} else {
			len = put_eth(p, to, src, ETH_P_ARP);
		}
		len += put_arp(p + len, hrd, hln, pln, op, sha, o.src, tip);
		if (!strcmp(kind, "arp-short"))
			len = ETH_HLEN + 20;
		f[0].len = len;
		return 1;
	}

	f[0].len = put_ns(p, kind, src);
	if (f[0].len) {
		if (f[0].len < 60) {
			memset(p + f[0].len, 0, 60 - f[0].len);
			f[0].len = 60;
		}
		return 1;
	}

	if (!strcmp(kind, "eth-short")) {
		memset(p, 0, 13);
		memcpy(p, dst, ETH_ALEN);
		f[0].len = 13;
		return 1;
	}
	if (!strcmp(kind, "empty")) {
		f[0].len = 0;
		return 1;
	}
	if (!strcmp(kind, "ethertype")) {
		put_eth(p, dst, src, 0x88b5);
		memset(p + ETH_HLEN, 0, 46);
		f[0].len = ETH_HLEN + 46;
		return 1;
	}
	if (!strcmp(kind, "ipv6")) {
		/* 2001:db8:1::21 -> 2001:db8:1::11, UDP to port 9. */
		static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1,
						[15] = 0x21 };
		static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1,
						[15] = 0x11 };

		ip = p + put_eth(p, dst, src, ETH_P_IPV6);
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, 8 + 16);
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, s6, 16);
		memcpy(ip + 24, d6, 16);
		f[0].len = ETH_HLEN + 40 + put_udp(ip + 40, 40000, 9, 16);
		/* The UDP checksum is mandatory over IPv6 (RFC 8200 §8.1). */
		{
			uint8_t ph[40 + 24];

			memcpy(ph, ip + 8, 32);
			memset(ph + 32, 0, 8);
			put16(ph + 34, 24);
			ph[39] = IPPROTO_UDP;
			memcpy(ph + 40, ip + 40, 24);
			put16(ip + 46, csum(ph, sizeof(ph)));
		}
		return 1;
	}
	if (!strcmp(kind, "vlan")) {
		size_t len = put_eth(p, dst, src, ETH_P_8021Q);

		put16(p + len, 10);
		put16(p + len + 2, ETH_P_IP);
		ip = p + len + 4;
		put_ip4(ip, o.src, daddr, IPPROTO_UDP, 8 + udp_payload, id, 0,
			0);
		f[0].len = len + 4 + 20 + put_udp(ip + 20, 40000, 9,
						   udp_payload);
		return 1;
	}

	if (!strncmp(kind, "frag", 4)) {
		/* One UDP datagram, cut at an 8-byte boundary. */
		uint8_t dgram[MAXF];
		size_t dlen = put_udp(dgram, 40000, 9, udp_payload);
		size_t cut = (dlen / 2) & ~7u;
		int nf = 0;

		if (cut < 8)
			die("frame too short to fragment");
		if (strcmp(kind, "frag-last")) {
			if (strcmp(kind, "frags") && strcmp(kind, "frag-first"))
				return -1;
			ip = f[nf].d + put_eth(f[nf].d, dst, src, ETH_P_IP);
			put_ip4(ip, o.src, daddr, IPPROTO_UDP, cut, id, 0x2000,
				0);
			memcpy(ip + 20, dgram, cut);
			f[nf].len = ETH_HLEN + 20 + cut;
			nf++;
		}
		if (strcmp(kind, "frag-first")) {
			ip = f[nf].d + put_eth(f[nf].d, dst, src, ETH_P_IP);
			put_ip4(ip, o.src, daddr, IPPROTO_UDP, dlen - cut, id,
				cut / 8, 0);
			memcpy(ip + 20, dgram + cut, dlen - cut);
			f[nf].len = ETH_HLEN + 20 + dlen - cut;
			nf++;
		}
		return nf;
	}

	/* The rest: IPv4/UDP, then damaged. */
	if (!strcmp(kind, "ip-bcast"))
		dst = bcast;
	else if (!strcmp(kind, "ip-mcast"))
		dst = mcast;
	ip = p + put_eth(p, dst, src, ETH_P_IP);
	put_ip4(ip, o.src, daddr, IPPROTO_UDP, 8 + udp_payload, id, 0, 0);
	f[0].len = ETH_HLEN + 20 + put_udp(ip + 20, 40000, 9, udp_payload);

	if (!strcmp(kind, "udp") || !strncmp(kind, "vx-", 3) ||
	    !strcmp(kind, "ip-bcast") || !strcmp(kind, "ip-mcast"))
		return 1;
	if (!strcmp(kind, "ip-short")) {
		f[0].len = ETH_HLEN + 12;
		return 1;
	}
	if (!strcmp(kind, "ip-ihl4"))
		ip[0] = 0x44;
	else if (!strcmp(kind, "ip-ihl15"))
		ip[0] = 0x4f;
	else if (!strcmp(kind, "ip-totlen-big"))
		put16(ip + 2, 20 + 8 + udp_payload + 100);
	else if (!strcmp(kind, "ip-totlen-small"))
		put16(ip + 2, 16);
	else if (!strcmp(kind, "ip-version6"))
		ip[0] = 0x65;
	else
		return -1;
	ip4_recsum(ip);
	return 1;
}

static int sock_fd, ifindex;
static unsigned long sent_frames, sent_bytes;

static void send_raw(const uint8_t *p, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};
	ssize_t ret;

	memcpy(sll.sll_addr, p, ETH_ALEN);
	ret = sendto(sock_fd, p, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	if (ret < 0 || (size_t)ret != len) {
		fprintf(stderr, "badpkt: sendto %zu bytes: %s\n", len,
			ret < 0 ? strerror(errno) : "short write");
		exit(1);
	}
	sent_frames++;
	sent_bytes += len;
}

/* Wraps @inner in UDP/VXLAN/IPv4/Ethernet and sends it, fragmented if
 * needed.
 */
static void send_vxlan(const char *kind, const struct frame *inner)
{
	static uint8_t udp[MAXF + 64], pkt[MAXF + 128];
	uint32_t flags = 0x08000000, vni_word = o.vni << 8;
	size_t ulen, off, maxdata = (o.mtu - 20) & ~7u;
	uint16_t id = ++ip_id;
	uint8_t tos = 0;

	if (!strcmp(kind, "vx-no-iflag"))
		flags = 0;
	else if (!strcmp(kind, "vx-flags-rsvd"))
		flags = 0x0c000000;
	else if (!strcmp(kind, "vx-flags-rsvd24"))
		flags |= 0x00000100;
	else if (!strcmp(kind, "vx-vni-rsvd"))
		vni_word |= 0x01;
	else if (!strcmp(kind, "vx-ecn-ce"))
		tos = 0x03;

	put16(udp, 49152 + (ip_id & 0x3fff));
	put16(udp + 2, o.port);
	put16(udp + 6, 0);
	ulen = 8;
	if (strcmp(kind, "vx-udp-empty")) {
		uint32_t w[2] = { htonl(flags), htonl(vni_word) };

		memcpy(udp + 8, w, 8);
		ulen = strcmp(kind, "vx-short") ? 16 : 12;
	}
	if (ulen == 16) {
		memcpy(udp + 16, inner->d, inner->len);
		ulen += inner->len;
	}
	put16(udp + 4, ulen);

	for (off = 0; off < ulen; off += maxdata) {
		size_t chunk = ulen - off > maxdata ? maxdata : ulen - off;
		uint16_t frag = off / 8 | (off + chunk < ulen ? 0x2000 : 0);
		size_t len = put_eth(pkt, o.dst_mac, o.src_mac, ETH_P_IP);

		len += put_ip4(pkt + len, o.outer_src, o.outer_dst,
			       IPPROTO_UDP, chunk, id, frag, tos);
		memcpy(pkt + len, udp + off, chunk);
		send_raw(pkt, len + chunk);
	}
}

int main(int argc, char **argv)
{
	struct frame *f = calloc(MAXFRAMES, sizeof(*f));
	bool have_s = false, have_d = false, have_os = false, have_od = false;
	const char *kind;
	struct ifreq ifr;
	unsigned int n;
	int opt, nf = 0, i;

	if (!f)
		die("out of memory");
	while ((opt = getopt(argc, argv, "i:m:us:d:r:n:l:xS:D:V:P:M:T:I:L")) != -1) {
		switch (opt) {
		case 'i':
			o.ifname = optarg;
			break;
		case 'm':
			parse_mac(optarg, o.dst_mac);
			o.have_dst_mac = true;
			break;
		case 'u':
			o.arp_unicast = true;
			break;
		case 's':
			parse_in(optarg, &o.src);
			have_s = true;
			break;
		case 'd':
			parse_in(optarg, &o.dst);
			have_d = true;
			break;
		case 'r':
			o.range = parse_uint(optarg, 65536);
			if (!o.range)
				die("bad range");
			break;
		case 'n':
			o.count = parse_uint(optarg, 10000000);
			break;
		case 'l':
			o.len = parse_uint(optarg, MAXF);
			break;
		case 'x':
			o.vxlan = true;
			break;
		case 'S':
			parse_in(optarg, &o.outer_src);
			have_os = true;
			break;
		case 'D':
			parse_in(optarg, &o.outer_dst);
			have_od = true;
			break;
		case 'V':
			o.vni = parse_uint(optarg, 0xffffff);
			break;
		case 'P':
			o.port = parse_uint(optarg, 65535);
			break;
		case 'M':
			parse_mac(optarg, o.inner_dst_mac);
			break;
		case 'T':
			o.mtu = parse_uint(optarg, 65535);
			if (o.mtu < 68)
				die("bad MTU");
			break;
		case 'I':
			o.ip_id = parse_uint(optarg, 65535);
			break;
		case 'L':
			list_kinds();
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !o.ifname)
		usage();
	kind = argv[optind];
	if (!strncmp(kind, "vx-", 3))
		o.vxlan = true;
	if (o.vxlan && (!have_os || !have_od || o.vni == ~0u))
		die("VXLAN needs -S, -D and -V");
	if (!have_s || !have_d)
		die("-s and -d are needed");

	sock_fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (sock_fd < 0) {
		perror("badpkt: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o.ifname);
	if (ioctl(sock_fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("badpkt: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(o.src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		perror("badpkt: if_nametoindex");
		return 1;
	}
	if (!o.have_dst_mac &&
	    (o.vxlan || (strncmp(kind, "arp", 3) && strcmp(kind, "vlan-arp") &&
			 strcmp(kind, "ip-bcast") && strcmp(kind, "ip-mcast"))))
		die("-m is needed (the destination MAC; with -x the outer one)");

	/* Fresh IPv4 IDs per run: fragments of two runs never reassemble. */
	ip_id = getpid() * 2654435761u >> 16;
	for (n = 0; n < o.count; n++) {
		nf = build(kind, n, f);
		if (nf < 0) {
			fprintf(stderr, "badpkt: unknown kind \"%s\" (-L lists them)\n",
				kind);
			return 2;
		}
		for (i = 0; i < nf; i++) {
			if (o.vxlan)
				send_vxlan(kind, &f[i]);
			else if (f[i].len < ETH_HLEN)
				die("a bare frame needs an Ethernet header");
			else
				send_raw(f[i].d, f[i].len);
		}
	}
	printf("badpkt: %s: %u packet(s) of %d frame(s) each: %lu frames, %lu bytes on %s\n",
	       kind, o.count, nf, sent_frames, sent_bytes, o.ifname);
	return 0;
}
