// SPDX-License-Identifier: GPL-2.0
/*
 * extnet: stretch the addresses of an IP subnet between sites with proxy
 * ARP and VXLAN (RFC 7348), without stretching its broadcast domain.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/extnet.h>

#include "device.h"
#include "netlink.h"
#include "table.h"

static int __init extnet_mod_init(void)
{
	int ret;

	ret = extnet_table_cache_init();
	if (ret)
		return ret;
	ret = extnet_device_init();
	if (ret)
		goto err_table;
	ret = extnet_genetlink_init();
	if (ret)
		goto err_device;
	pr_info("extnet loaded\n");
	return 0;

err_device:
	extnet_device_uninit();
err_table:
	extnet_table_cache_destroy();
	return ret;
}

static void __exit extnet_mod_exit(void)
{
	/* Devices first: they send events on the family's group. */
	extnet_device_uninit();
	extnet_genetlink_uninit();
	extnet_table_cache_destroy();
	pr_debug("extnet unloaded\n");
}

module_init(extnet_mod_init);
module_exit(extnet_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Subnet extension over VXLAN with proxy ARP");
MODULE_ALIAS_RTNL_LINK("extnet");
MODULE_ALIAS_GENL_FAMILY(EXTNET_GENL_NAME);
