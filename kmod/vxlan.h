/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VXLAN header (RFC 7348 §5), written by the transmit path (socket.c)
 * and checked by the receive path (rx.c).
 */
#ifndef _EXTNET_VXLAN_H
#define _EXTNET_VXLAN_H

#include <linux/errno.h>
#include <net/vxlan.h>

/**
 * extnet_vxlan_build() - fill in a VXLAN header
 * @vxh: the header
 * @vni: VXLAN network identifier, host order, below VXLAN_N_VID
 *
 * Sets the I flag and puts @vni in the top 24 bits of the second word;
 * every reserved bit is zero.
 */
static inline void extnet_vxlan_build(struct vxlanhdr *vxh, u32 vni)
{
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = vxlan_vni_field(cpu_to_be32(vni));
}

/**
 * extnet_vxlan_parse() - check a VXLAN header and read its VNI
 * @vxh: the header
 * @vni: set to the VNI, host order, unless the I flag is clear
 *
 * The I flag must be set and the reserved bits zero. RFC 7348 says to
 * ignore reserved bits; like the kernel's vxlan we refuse them instead, so
 * that a peer using an extension we do not know is noticed. The VNI of a
 * header with reserved bits set is still read, so that the drop can be
 * counted on the device the packet was meant for.
 *
 * Return: 0 if the header is valid, -EINVAL if the I flag is clear (there
 * is no VNI), -EPROTO if a reserved bit is set.
 */
static inline int extnet_vxlan_parse(const struct vxlanhdr *vxh, u32 *vni)
{
	if (!(vxh->vx_flags & VXLAN_HF_VNI))
		return -EINVAL;
	*vni = be32_to_cpu(vxlan_vni(vxh->vx_vni));
	if (vxh->vx_flags != VXLAN_HF_VNI || (vxh->vx_vni & ~VXLAN_VNI_MASK))
		return -EPROTO;
	return 0;
}

#endif /* _EXTNET_VXLAN_H */
