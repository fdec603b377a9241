/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _EXTNET_NETLINK_H
#define _EXTNET_NETLINK_H

int extnet_genetlink_init(void);
void extnet_genetlink_uninit(void);

#endif /* _EXTNET_NETLINK_H */
