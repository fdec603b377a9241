// SPDX-License-Identifier: GPL-2.0
/*
 * addrgen: print one line per benchmark entry (benchaddr.h), for batch
 * files of `extnet -batch`, `ip -batch` and `bridge -batch`.
 *
 *   addrgen FIRST COUNT FORMAT
 *
 * prints FORMAT for entries FIRST .. FIRST+COUNT-1, with %a replaced by the
 * entry's address, %m by its MAC (02:00:a:b:c:d) and %% by %. Much faster
 * than a shell loop in the emulated guest.
 */
#include <stdio.h>
#include <stdlib.h>

#include "benchaddr.h"

int main(int argc, char **argv)
{
	unsigned long first, count, i;
	const char *p;

	if (argc != 4) {
		fprintf(stderr, "usage: addrgen FIRST COUNT FORMAT\n");
		return 2;
	}
	first = strtoul(argv[1], NULL, 0);
	count = strtoul(argv[2], NULL, 0);
	if (first > BENCH_ADDR_MAX || count > BENCH_ADDR_MAX - first) {
		fprintf(stderr, "addrgen: at most %u entries\n", BENCH_ADDR_MAX);
		return 2;
	}
	for (i = first; i < first + count; i++) {
		uint32_t a = bench_addr(i);
		uint8_t mac[6];

		for (p = argv[3]; *p; p++) {
			if (*p != '%' || !p[1]) {
				putchar(*p);
				continue;
			}
			switch (*++p) {
			case 'a':
				printf("%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
				       a & 255);
				break;
			case 'm':
				bench_mac(a, mac);
				printf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
				       mac[3], mac[4], mac[5]);
				break;
			default:
				putchar(*p);
			}
		}
		putchar('\n');
	}
	return fflush(stdout) ? 1 : 0;
}
