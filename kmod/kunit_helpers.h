/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit suites; built only against a kernel with
 * CONFIG_KUNIT.
 */
#ifndef _EXTNET_KUNIT_HELPERS_H
#define _EXTNET_KUNIT_HELPERS_H

#include <kunit/test.h>
#include <uapi/linux/extnet.h>

struct extnet_dev;
struct sk_buff;

/* In table_test.c: they need the entry cache of table.c. */
int extnet_kunit_suite_init(struct kunit_suite *suite);
void extnet_kunit_suite_exit(struct kunit_suite *suite);

/* In kunit_helpers.c. */
struct extnet_dev *extnet_kunit_dev_create(struct kunit *test);
u64 extnet_kunit_counter(struct extnet_dev *priv, enum extnet_stats_attr attr);
u64 extnet_kunit_rx_packets(struct extnet_dev *priv);
u64 extnet_kunit_rx_dropped(struct extnet_dev *priv);
void extnet_kunit_set_bridged(struct extnet_dev *priv, bool bridged);

#endif /* _EXTNET_KUNIT_HELPERS_H */
