/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTNET_ROUTE_H
#define EXTNET_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "utils.h"

/* A device's EXTNET_A_ROUTES, EXTNET_A_ROUTE_TABLE, EXTNET_A_ROUTE_METRIC. */
struct route_settings {
	bool on;
	uint32_t table;
	uint32_t metric;
};

/*
 * Before a map command: read @dev's settings into @s (once per device and
 * process: a batch; whatever changes them must call route_settings_forget()).
 * Done first so that a device that does not exist or is no extnet device is
 * reported as the map command would report it, and so that nothing fails
 * after the kernel accepted the change but for the route itself.
 * Returns 0 or -1 (reported).
 */
int route_entry_prepare(const char *dev, struct route_settings *s);

/*
 * After the kernel added, replaced (@add) or removed an entry of @dev: add
 * or remove its host route if @s says "routes on". Returns 0 or -1
 * (reported).
 */
int route_entry_update(const char *dev, const struct route_settings *s,
		       const struct ip_addr *addr, bool add);

/*
 * Make the EXTNET_RTPROT routes via @dev exactly its entries (in its table,
 * with its metric) if it has "routes on", or none if not. Returns 0 or -1.
 */
int route_sync(const char *dev);

/* Drop the cached settings (after "link set"). */
void route_settings_forget(void);

#endif
