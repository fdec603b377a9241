/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * extnet: stretch the addresses of an IP subnet between sites without
 * stretching its broadcast domain.
 *
 * An extnet device sits on the local segment (usually as a bridge port) and
 * holds mapping entries: remote overlay address -> underlay address of the
 * remote gateway (VTEP). It answers ARP for mapped addresses (proxy ARP) and
 * carries unicast IP for them as VXLAN (RFC 7348) to the entry's VTEP.
 *
 * Devices are created with rtnetlink (`ip link add ext0 type extnet`) and
 * configured with the generic netlink family EXTNET_GENL_NAME described here.
 *
 * Conventions
 * -----------
 * - Every request names its device with EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *   (if both are given they must name the same device). The device must be
 *   an extnet device in the requester's network namespace.
 * - Validation is strict: unknown attributes and wrong types are rejected
 *   with -EINVAL, values out of range and attributes of the wrong length
 *   with -ERANGE, each with an extended ack (extack) message.
 * - Commands that change state need CAP_NET_ADMIN in the user namespace that
 *   owns the network namespace (-EPERM otherwise). Reading is unprivileged.
 * - Addresses are in network byte order; other integers in host byte order.
 *
 * Attribute trees
 * ---------------
 *
 * EXTNET_CMD_LINK_GET (doit: one device; dumpit: all extnet devices of the
 * network namespace). Request: device (doit only). Reply, one message per
 * device:
 *
 *    EXTNET_A_IFINDEX: NLA_U32
 *    EXTNET_A_IFNAME: NLA_NUL_STRING
 *    EXTNET_A_VNI: NLA_U32, 0..16777215 (24-bit VXLAN network identifier;
 *                  absent until set: an unset device sends and receives
 *                  nothing)
 *    EXTNET_A_LOCAL4: NLA_BE32, local VTEP IPv4 address (if set)
 *    EXTNET_A_PORT: NLA_U16, UDP destination port of the tunnel
 *    EXTNET_A_TTL: NLA_U8, TTL of the outer IPv4 header
 *    EXTNET_A_PROBE_SRC4: NLA_BE32, sender address of neighbour probes
 *    EXTNET_A_AGEING: NLA_U32, neighbour ageing time in seconds
 *    EXTNET_A_ENTRIES: NLA_U32, number of mapping entries
 *    EXTNET_A_NEIGHS: NLA_U32, number of learned local neighbours
 *    EXTNET_A_STATS: NLA_NESTED
 *        EXTNET_STATS_A_*: NLA_U64 each, see enum extnet_stats_attr
 *
 * EXTNET_CMD_LINK_SET: change device parameters. Request:
 *
 *    EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *    EXTNET_A_VNI, EXTNET_A_LOCAL4, EXTNET_A_PORT, EXTNET_A_TTL,
 *    EXTNET_A_PROBE_SRC4, EXTNET_A_AGEING: optional, as above
 *
 *    Attributes not given keep their value. EXTNET_A_LOCAL4 0.0.0.0 unsets
 *    the local address (the route to each VTEP then picks the source). A
 *    device that is up is re-bound to its UDP socket atomically; on failure
 *    nothing changes. Errors:
 *    -EADDRINUSE if another device of the namespace already uses the VNI on
 *    the same port.
 *
 * EXTNET_CMD_MAP_ADD: add a mapping entry; -EEXIST if the address is mapped.
 * EXTNET_CMD_MAP_REPLACE: add it, or replace the entry of the address (its
 * counters are kept). Generic netlink rejects NLM_F_REPLACE and friends in
 * new families, hence two commands. Request (both):
 *
 *    EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *    EXTNET_A_MAP: NLA_NESTED
 *        EXTNET_MAP_A_ADDR4: NLA_BE32, overlay address (required)
 *        EXTNET_MAP_A_REMOTE4: NLA_BE32, remote VTEP (required)
 *        EXTNET_MAP_A_LLADDR: 6 bytes, MAC given in proxy ARP replies and
 *                             as inner destination MAC (optional)
 *
 *    Errors: -EEXIST, -ENOSPC (table full), -EAFNOSUPPORT (IPv6 overlay or
 *    underlay address: not supported by this version), -EINVAL (address is
 *    0.0.0.0, multicast, broadcast or loopback).
 *
 * EXTNET_CMD_MAP_DEL: remove a mapping entry. Request: device, EXTNET_A_MAP
 * with EXTNET_MAP_A_ADDR4. -ENOENT if the address is not mapped.
 *
 * EXTNET_CMD_MAP_GET (dumpit only): the mapping entries of one device.
 * Request: device (required; to list every device's entries, dump
 * EXTNET_CMD_LINK_GET first). One message per entry:
 *
 *    EXTNET_A_IFINDEX: NLA_U32
 *    EXTNET_A_MAP: NLA_NESTED
 *        EXTNET_MAP_A_ADDR4: NLA_BE32
 *        EXTNET_MAP_A_REMOTE4: NLA_BE32
 *        EXTNET_MAP_A_LLADDR: 6 bytes (if set)
 *        EXTNET_MAP_A_TX_PACKETS, EXTNET_MAP_A_TX_BYTES: NLA_U64, frames
 *            (and their bytes, inner Ethernet frame) sent to the address
 *        EXTNET_MAP_A_RX_PACKETS, EXTNET_MAP_A_RX_BYTES: NLA_U64, frames
 *            received from the address through the tunnel
 *
 *    A dump that runs while the table changes may miss entries added or
 *    removed during it. If the table is resized meanwhile the dump starts
 *    over and its messages carry NLM_F_DUMP_INTR: entries may then repeat,
 *    but none present throughout is missed. It holds no reference on the
 *    device between reads: a reader that stops reading delays nothing.
 *
 * EXTNET_CMD_MAP_FLUSH: remove every mapping entry of a device. Request:
 * device.
 *
 * EXTNET_CMD_NEIGH_GET (dumpit only): learned local neighbours of one device.
 * Request: device (required). One message per neighbour:
 *
 *    EXTNET_A_IFINDEX: NLA_U32
 *    EXTNET_A_NEIGH: NLA_NESTED
 *        EXTNET_NEIGH_A_ADDR4: NLA_BE32
 *        EXTNET_NEIGH_A_LLADDR: 6 bytes (absent while incomplete)
 *        EXTNET_NEIGH_A_STATE: NLA_U8, enum extnet_neigh_state
 *        EXTNET_NEIGH_A_AGE: NLA_U32, milliseconds since last confirmed
 */

#ifndef _UAPI_LINUX_EXTNET_H
#define _UAPI_LINUX_EXTNET_H

#define EXTNET_GENL_NAME "extnet"
#define EXTNET_GENL_VERSION 1

/* Default UDP destination port: the IANA port for VXLAN (RFC 7348 §5). */
#define EXTNET_DEFAULT_PORT 4789
/* Default neighbour ageing time, seconds. */
#define EXTNET_DEFAULT_AGEING 300
/* Default TTL of the outer IPv4 header. */
#define EXTNET_DEFAULT_TTL 64

/**
 * enum extnet_cmd - generic netlink commands of the extnet family
 * @EXTNET_CMD_UNSPEC: unused
 * @EXTNET_CMD_LINK_GET: read device parameters and counters
 * @EXTNET_CMD_LINK_SET: change device parameters (CAP_NET_ADMIN)
 * @EXTNET_CMD_MAP_ADD: add a mapping entry (CAP_NET_ADMIN)
 * @EXTNET_CMD_MAP_REPLACE: add or replace a mapping entry (CAP_NET_ADMIN)
 * @EXTNET_CMD_MAP_DEL: delete a mapping entry (CAP_NET_ADMIN)
 * @EXTNET_CMD_MAP_GET: dump mapping entries
 * @EXTNET_CMD_MAP_FLUSH: delete all entries of a device (CAP_NET_ADMIN)
 * @EXTNET_CMD_NEIGH_GET: dump learned local neighbours
 * @__EXTNET_CMD_MAX: internal
 */
enum extnet_cmd {
	EXTNET_CMD_UNSPEC,
	EXTNET_CMD_LINK_GET,
	EXTNET_CMD_LINK_SET,
	EXTNET_CMD_MAP_ADD,
	EXTNET_CMD_MAP_REPLACE,
	EXTNET_CMD_MAP_DEL,
	EXTNET_CMD_MAP_GET,
	EXTNET_CMD_MAP_FLUSH,
	EXTNET_CMD_NEIGH_GET,
	__EXTNET_CMD_MAX
};

#define EXTNET_CMD_MAX (__EXTNET_CMD_MAX - 1)

/**
 * enum extnet_attr - top-level attributes
 * @EXTNET_A_UNSPEC: unused
 * @EXTNET_A_IFINDEX: u32, interface index of the extnet device
 * @EXTNET_A_IFNAME: NUL-terminated string, at most IFNAMSIZ bytes
 * @EXTNET_A_VNI: u32, VXLAN network identifier, 0..0xffffff (RFC 7348 §5)
 * @EXTNET_A_LOCAL4: be32, local VTEP IPv4 address: the outer source address
 * @EXTNET_A_PORT: u16, UDP destination port (and listening port), 1..65535
 * @EXTNET_A_TTL: u8, outer IPv4 TTL, 1..255
 * @EXTNET_A_PROBE_SRC4: be32, sender protocol address of ARP probes sent to
 *	resolve a local host; 0.0.0.0 (default) makes them RFC 5227 probes
 * @EXTNET_A_AGEING: u32, seconds after which an unconfirmed learned
 *	neighbour is forgotten, 10..1000000
 * @EXTNET_A_ENTRIES: u32, number of mapping entries (read only)
 * @EXTNET_A_NEIGHS: u32, number of learned neighbours (read only)
 * @EXTNET_A_STATS: nested, enum extnet_stats_attr (read only)
 * @EXTNET_A_MAP: nested, enum extnet_map_attr
 * @EXTNET_A_NEIGH: nested, enum extnet_neigh_attr (read only)
 * @EXTNET_A_PAD: padding for 64-bit attributes
 * @__EXTNET_A_MAX: internal
 */
enum extnet_attr {
	EXTNET_A_UNSPEC,
	EXTNET_A_IFINDEX,
	EXTNET_A_IFNAME,
	EXTNET_A_VNI,
	EXTNET_A_LOCAL4,
	EXTNET_A_PORT,
	EXTNET_A_TTL,
	EXTNET_A_PROBE_SRC4,
	EXTNET_A_AGEING,
	EXTNET_A_ENTRIES,
	EXTNET_A_NEIGHS,
	EXTNET_A_STATS,
	EXTNET_A_MAP,
	EXTNET_A_NEIGH,
	EXTNET_A_PAD,
	__EXTNET_A_MAX
};

#define EXTNET_A_MAX (__EXTNET_A_MAX - 1)

/**
 * enum extnet_map_attr - attributes of a mapping entry (in EXTNET_A_MAP)
 * @EXTNET_MAP_A_UNSPEC: unused
 * @EXTNET_MAP_A_ADDR4: be32, overlay IPv4 address living at the remote site
 * @EXTNET_MAP_A_REMOTE4: be32, IPv4 underlay address of the remote VTEP
 * @EXTNET_MAP_A_LLADDR: 6 bytes, MAC address given for ADDR in proxy ARP
 *	replies and written as inner destination MAC on transmit
 * @EXTNET_MAP_A_TX_PACKETS: u64, frames tunnelled to ADDR (read only)
 * @EXTNET_MAP_A_TX_BYTES: u64, bytes of those inner frames (read only)
 * @EXTNET_MAP_A_RX_PACKETS: u64, frames from ADDR delivered (read only)
 * @EXTNET_MAP_A_RX_BYTES: u64, bytes of those inner frames (read only)
 * @EXTNET_MAP_A_PAD: padding for 64-bit attributes
 * @EXTNET_MAP_A_ADDR6: 16 bytes, IPv6 overlay address (reserved: rejected
 *	with -EAFNOSUPPORT by this version)
 * @EXTNET_MAP_A_REMOTE6: 16 bytes, IPv6 VTEP (reserved, as ADDR6)
 * @__EXTNET_MAP_A_MAX: internal
 */
enum extnet_map_attr {
	EXTNET_MAP_A_UNSPEC,
	EXTNET_MAP_A_ADDR4,
	EXTNET_MAP_A_REMOTE4,
	EXTNET_MAP_A_LLADDR,
	EXTNET_MAP_A_TX_PACKETS,
	EXTNET_MAP_A_TX_BYTES,
	EXTNET_MAP_A_RX_PACKETS,
	EXTNET_MAP_A_RX_BYTES,
	EXTNET_MAP_A_PAD,
	EXTNET_MAP_A_ADDR6,
	EXTNET_MAP_A_REMOTE6,
	__EXTNET_MAP_A_MAX
};

#define EXTNET_MAP_A_MAX (__EXTNET_MAP_A_MAX - 1)

/**
 * enum extnet_neigh_state - state of a learned local neighbour
 * @EXTNET_NEIGH_INCOMPLETE: probed, no answer yet; packets are held
 * @EXTNET_NEIGH_REACHABLE: MAC known from a frame sent by the host
 */
enum extnet_neigh_state {
	EXTNET_NEIGH_INCOMPLETE = 1,
	EXTNET_NEIGH_REACHABLE = 2,
};

/**
 * enum extnet_neigh_attr - attributes of a learned neighbour (EXTNET_A_NEIGH)
 * @EXTNET_NEIGH_A_UNSPEC: unused
 * @EXTNET_NEIGH_A_ADDR4: be32, the local host's IPv4 address
 * @EXTNET_NEIGH_A_LLADDR: 6 bytes, its MAC address
 * @EXTNET_NEIGH_A_STATE: u8, enum extnet_neigh_state
 * @EXTNET_NEIGH_A_AGE: u32, milliseconds since the host was last heard
 * @__EXTNET_NEIGH_A_MAX: internal
 */
enum extnet_neigh_attr {
	EXTNET_NEIGH_A_UNSPEC,
	EXTNET_NEIGH_A_ADDR4,
	EXTNET_NEIGH_A_LLADDR,
	EXTNET_NEIGH_A_STATE,
	EXTNET_NEIGH_A_AGE,
	__EXTNET_NEIGH_A_MAX
};

#define EXTNET_NEIGH_A_MAX (__EXTNET_NEIGH_A_MAX - 1)

/**
 * enum extnet_stats_attr - device counters (in EXTNET_A_STATS), all u64
 * @EXTNET_STATS_A_UNSPEC: unused
 * @EXTNET_STATS_A_PAD: padding for 64-bit attributes
 * @EXTNET_STATS_A_ARP_REPLIES: proxy ARP replies sent into the segment
 * @EXTNET_STATS_A_PROBES: ARP probes sent to resolve local hosts
 * @EXTNET_STATS_A_NEIGH_LEARNED: local neighbours learned or changed
 * @EXTNET_STATS_A_TX_DROP_MULTICAST: broadcast or multicast frame (other
 *	than an ARP request for a mapped address) from the segment
 * @EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED: ARP request for an unmapped address
 * @EXTNET_STATS_A_TX_DROP_ARP_OTHER: ARP that is neither a request for a
 *	mapped address nor a reply to a probe
 * @EXTNET_STATS_A_TX_DROP_UNMAPPED: unicast IPv4 to an unmapped address
 * @EXTNET_STATS_A_TX_DROP_PROTO: EtherType that is not carried
 * @EXTNET_STATS_A_TX_DROP_MALFORMED: truncated or invalid ARP/IPv4 header
 * @EXTNET_STATS_A_TX_DROP_CONFLICT: source address is mapped as remote:
 *	a duplicate address or a loop
 * @EXTNET_STATS_A_TX_DROP_NO_ROUTE: no underlay route to the VTEP, or the
 *	device has no local VTEP address
 * @EXTNET_STATS_A_RX_DROP_MALFORMED: VXLAN header invalid (I flag missing,
 *	reserved bits set) or inner frame truncated
 * @EXTNET_STATS_A_RX_DROP_UNKNOWN_VNI: VXLAN on this device's port for a
 *	VNI no device of the namespace serves (counted by every device bound
 *	to that port)
 * @EXTNET_STATS_A_RX_DROP_PROTO: inner EtherType that is not carried
 * @EXTNET_STATS_A_RX_DROP_SPOOFED: inner source not mapped to the VTEP the
 *	packet came from
 * @EXTNET_STATS_A_RX_DROP_LOOP: inner destination is itself mapped remote
 * @EXTNET_STATS_A_RX_DROP_QUEUE_FULL: held for an unresolved host, but the
 *	queue was full
 * @EXTNET_STATS_A_RX_DROP_PROBE_FAILED: held packets dropped because the
 *	local host did not answer the probes
 * @EXTNET_STATS_A_RX_DROP_NEIGH_FULL: no room to learn or probe a neighbour
 * @EXTNET_STATS_A_RX_DROP_MULTICAST: inner destination is not a unicast host
 *	address (broadcast, multicast, 0.0.0.0, loopback)
 * @EXTNET_STATS_A_RX_DROP_OVERSIZE: inner IP packet larger than the device's
 *	MTU (the local segment could not carry it)
 * @__EXTNET_STATS_A_MAX: internal
 */
enum extnet_stats_attr {
	EXTNET_STATS_A_UNSPEC,
	EXTNET_STATS_A_PAD,
	EXTNET_STATS_A_ARP_REPLIES,
	EXTNET_STATS_A_PROBES,
	EXTNET_STATS_A_NEIGH_LEARNED,
	EXTNET_STATS_A_TX_DROP_MULTICAST,
	EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED,
	EXTNET_STATS_A_TX_DROP_ARP_OTHER,
	EXTNET_STATS_A_TX_DROP_UNMAPPED,
	EXTNET_STATS_A_TX_DROP_PROTO,
	EXTNET_STATS_A_TX_DROP_MALFORMED,
	EXTNET_STATS_A_TX_DROP_CONFLICT,
	EXTNET_STATS_A_TX_DROP_NO_ROUTE,
	EXTNET_STATS_A_RX_DROP_MALFORMED,
	EXTNET_STATS_A_RX_DROP_UNKNOWN_VNI,
	EXTNET_STATS_A_RX_DROP_PROTO,
	EXTNET_STATS_A_RX_DROP_SPOOFED,
	EXTNET_STATS_A_RX_DROP_LOOP,
	EXTNET_STATS_A_RX_DROP_QUEUE_FULL,
	EXTNET_STATS_A_RX_DROP_PROBE_FAILED,
	EXTNET_STATS_A_RX_DROP_NEIGH_FULL,
	EXTNET_STATS_A_RX_DROP_MULTICAST,
	EXTNET_STATS_A_RX_DROP_OVERSIZE,
	__EXTNET_STATS_A_MAX
};

#define EXTNET_STATS_A_MAX (__EXTNET_STATS_A_MAX - 1)
/* First counter attribute: counters are EXTNET_STATS_A_FIRST..MAX. */
#define EXTNET_STATS_A_FIRST EXTNET_STATS_A_ARP_REPLIES

#endif /* _UAPI_LINUX_EXTNET_H */
