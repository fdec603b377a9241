// SPDX-License-Identifier: GPL-2.0
/*
 * udpblast: send small UDP/IPv4 frames as fast as possible on a packet
 * socket, each to a destination drawn at random from the first N addresses
 * of the benchmark range (see benchaddr.h), or all to DST_IP, for a fixed
 * time.
 *
 *   udpblast -i IF -s SRC_IP (-m DST_MAC | -M) [-n N | -d DST_IP] [-t SECONDS]
 *            [-l LEN]
 *
 * -m: every frame goes to DST_MAC (an extnet device answers ARP with its
 * own MAC for all addresses); -M: the destination MAC is derived from the
 * destination address (02:00:a:b:c:d), as the static neighbour and FDB
 * entries of the kernel-vxlan set-up are. LEN is the UDP payload (64).
 *
 * Writing Ethernet frames directly skips ARP and the sender's routing, so
 * one process can address a million destinations. Prints one line:
 * "sent P frames in S s: R pps".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchaddr.h"

#define BATCH 64
#define MAX_LEN 1400

static void usage(void)
{
	fprintf(stderr,
		"usage: udpblast -i IF -s SRC_IP (-m DST_MAC | -M) [-n N | -d DST_IP]\n"
		"                [-t SECONDS] [-l LEN]\n");
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t csum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t xorshift64(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *src = NULL, *dmac_s = NULL, *dst = NULL;
	unsigned long n = 1, len = 64;
	int derive_mac = 0, one = 1, fd, opt, i;
	static uint8_t frames[BATCH][MAX_LEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll;
	uint8_t smac[ETH_ALEN], dmac[ETH_ALEN] = { 0 };
	unsigned long long sent = 0;
	double secs = 5, t0, t1, deadline;
	struct in_addr saddr, daddr_fixed;
	struct ifreq ifr;
	size_t flen;
	uint16_t id = 0;

	while ((opt = getopt(argc, argv, "i:s:m:Mn:d:t:l:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 's': src = optarg; break;
		case 'm': dmac_s = optarg; break;
		case 'M': derive_mac = 1; break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'd': dst = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'l': len = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!ifname || !src || (!dmac_s == !derive_mac) || !n || n > BENCH_ADDR_MAX ||
	    secs <= 0 || len < 1 || len > MAX_LEN - 42 || inet_pton(AF_INET, src, &saddr) != 1 ||
	    (dst && inet_pton(AF_INET, dst, &daddr_fixed) != 1))
		usage();
	if (dmac_s && sscanf(dmac_s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dmac[0], &dmac[1],
			     &dmac[2], &dmac[3], &dmac[4], &dmac[5]) != 6)
		usage();

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror(ifname);
		return 1;
	}
	memcpy(smac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	/* No qdisc: the frame goes straight to the driver, as veth has none. */
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		perror("PACKET_QDISC_BYPASS (ignored)");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(ifname);
	sll.sll_halen = ETH_ALEN;
	if (!sll.sll_ifindex) {
		perror(ifname);
		return 1;
	}

	flen = sizeof(struct ether_header) + sizeof(struct iphdr) + sizeof(struct udphdr) + len;
	for (i = 0; i < BATCH; i++) {
		struct ether_header *eth = (void *)frames[i];
		struct iphdr *ip = (void *)(eth + 1);
		struct udphdr *udp = (void *)(ip + 1);

		memcpy(eth->ether_dhost, dmac, ETH_ALEN);
		memcpy(eth->ether_shost, smac, ETH_ALEN);
		eth->ether_type = htons(ETHERTYPE_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(flen - sizeof(*eth));
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->saddr = saddr.s_addr;
		udp->source = htons(40000);
		udp->dest = htons(9); /* discard */
		udp->len = htons(sizeof(*udp) + len);
		udp->check = 0; /* allowed over IPv4 */
		memset(udp + 1, 0xa5, len);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = flen;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}

	t0 = now();
	deadline = t0 + secs;
	do {
		int r;

		for (i = 0; i < BATCH; i++) {
			struct ether_header *eth = (void *)frames[i];
			struct iphdr *ip = (void *)(eth + 1);
			/* Unbiased enough for n << 2^64: the high bits of r * n. */
			uint32_t idx = ((unsigned __int128)xorshift64() * n) >> 64;
			uint32_t daddr = dst ? ntohl(daddr_fixed.s_addr) : bench_addr(idx);

			ip->daddr = htonl(daddr);
			ip->id = htons(id++);
			ip->check = 0;
			ip->check = csum(ip, sizeof(*ip));
			if (derive_mac)
				bench_mac(daddr, eth->ether_dhost);
		}
		r = sendmmsg(fd, msgs, BATCH, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			perror("sendmmsg");
			return 1;
		}
		sent += r;
	} while (now() < deadline);
	t1 = now();
	printf("sent %llu frames in %.3f s: %.0f pps\n", sent, t1 - t0, sent / (t1 - t0));
	return 0;
}
