// SPDX-License-Identifier: GPL-2.0
/*
 * arplat: ARP request -> reply latency, one request outstanding at a time.
 *
 *   arplat -i IF -s SENDER_IP -t TARGET_IP [-c COUNT] [-w TIMEOUT_MS]
 *
 * Broadcasts COUNT (default 100) ARP requests "who has TARGET_IP, tell
 * SENDER_IP" from IF's MAC on a packet socket and times each reply (the
 * first ARP reply from TARGET_IP to SENDER_IP). Prints
 * "sent N replies M min A median B max C us" (to the nanosecond: under
 * QEMU -icount one instruction is a nanosecond) and exits 1 if nothing came
 * back. Busybox's arping sends one request a second; this is faster.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct arp_frame {
	struct ether_header eth;
	struct arphdr arp;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed));

static void usage(void)
{
	fprintf(stderr, "usage: arplat -i IF -s SENDER_IP -t TARGET_IP [-c COUNT] [-w TIMEOUT_MS]\n");
	exit(2);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *sip_s = NULL, *tip_s = NULL;
	int count = 100, timeout_ms = 1000, fd, opt, i, got = 0;
	struct in_addr sip, tip;
	struct sockaddr_ll sll;
	struct arp_frame req;
	struct ifreq ifr;
	int64_t *rtt;

	while ((opt = getopt(argc, argv, "i:s:t:c:w:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 's': sip_s = optarg; break;
		case 't': tip_s = optarg; break;
		case 'c': count = atoi(optarg); break;
		case 'w': timeout_ms = atoi(optarg); break;
		default: usage();
		}
	}
	if (!ifname || !sip_s || !tip_s || count < 1 || timeout_ms < 1 ||
	    inet_pton(AF_INET, sip_s, &sip) != 1 || inet_pton(AF_INET, tip_s, &tip) != 1)
		usage();
	rtt = calloc(count, sizeof(*rtt));
	if (!rtt)
		return 1;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
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
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = if_nametoindex(ifname);
	sll.sll_halen = ETH_ALEN;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror(ifname);
		return 1;
	}

	memset(&req, 0, sizeof(req));
	memset(req.eth.ether_dhost, 0xff, ETH_ALEN);
	memcpy(req.eth.ether_shost, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	req.eth.ether_type = htons(ETHERTYPE_ARP);
	req.arp.ar_hrd = htons(ARPHRD_ETHER);
	req.arp.ar_pro = htons(ETHERTYPE_IP);
	req.arp.ar_hln = ETH_ALEN;
	req.arp.ar_pln = 4;
	req.arp.ar_op = htons(ARPOP_REQUEST);
	memcpy(req.sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	memcpy(req.spa, &sip, 4);
	memcpy(req.tpa, &tip, 4);

	for (i = 0; i < count; i++) {
		int64_t t0 = now_ns(), deadline = t0 + timeout_ms * 1000000LL;

		if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			perror("sendto");
			return 1;
		}
		for (;;) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int64_t left = deadline - now_ns();
			struct arp_frame rep;
			ssize_t n;

			if (left <= 0)
				break;
			if (poll(&pfd, 1, (int)((left + 999999) / 1000000)) <= 0)
				continue;
			n = recv(fd, &rep, sizeof(rep), 0);
			if (n < (ssize_t)sizeof(rep))
				continue;
			if (rep.arp.ar_op != htons(ARPOP_REPLY) || memcmp(rep.spa, &tip, 4) ||
			    memcmp(rep.tpa, &sip, 4))
				continue;
			rtt[got++] = now_ns() - t0;
			break;
		}
	}
	if (!got) {
		printf("sent %d replies 0\n", count);
		return 1;
	}
	qsort(rtt, got, sizeof(*rtt), cmp_i64);
	printf("sent %d replies %d min %.3f median %.3f max %.3f us\n", count, got,
	       rtt[0] / 1e3, rtt[got / 2] / 1e3, rtt[got - 1] / 1e3);
	return 0;
}
