/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address sequence of the benchmarks (selftests/bench_guest.sh): entry i
 * is 198.18.0.0 + i for the 131 072 addresses of 198.18.0.0/15 (RFC 2544,
 * benchmarking), then 100.64.0.0 + (i - 131 072) in 100.64.0.0/10 (RFC 6598,
 * shared address space). Documentation ranges hold too few addresses for a
 * million /32 entries; these never leave the guest's namespaces.
 */
#ifndef BENCHADDR_H
#define BENCHADDR_H

#include <stdint.h>

#define BENCH_ADDR_RFC2544 131072u
#define BENCH_ADDR_MAX (BENCH_ADDR_RFC2544 + 4194304u)

/* Entry @i's address, host order. */
static inline uint32_t bench_addr(uint32_t i)
{
	if (i < BENCH_ADDR_RFC2544)
		return 0xc6120000u + i;			/* 198.18.0.0 */
	return 0x64400000u + (i - BENCH_ADDR_RFC2544);	/* 100.64.0.0 */
}

/* The MAC the kernel-vxlan set-up gives address @a: 02:00:a:b:c:d. */
static inline void bench_mac(uint32_t a, uint8_t *mac)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = a >> 24;
	mac[3] = a >> 16;
	mac[4] = a >> 8;
	mac[5] = a;
}

#endif
