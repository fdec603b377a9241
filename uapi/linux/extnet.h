/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * extnet: stretch the addresses of an IP subnet between sites without
 * stretching its broadcast domain.
 *
 * An extnet device sits on the local segment (usually as a bridge port) and
 * holds mapping entries: remote overlay address -> underlay address of the
 * remote gateway (VTEP). It answers ARP and IPv6 Neighbour Solicitations for
 * mapped addresses (proxy ARP, proxy ND) and carries unicast IPv4 and IPv6
 * for them as VXLAN (RFC 7348) to the entry's VTEP, over UDP/IPv4 or
 * UDP/IPv6. Overlay addresses and VTEPs may each be IPv4 or IPv6.
 *
 * Devices are created with rtnetlink (`ip link add ext0 type extnet`) and
 * configured with the generic netlink family EXTNET_GENL_NAME described here.
 *
 * Conventions
 * -----------
 * - Every request names its device with EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *   (if both are given they must name the same device). The device must be
 *   an extnet device in the requester's network namespace.
 * - Validation is strict: unknown attributes, wrong types, integers and
 *   IPv4 addresses (NLA_BE32) of the wrong length and invalid addresses are
 *   rejected with -EINVAL; values out of range and IPv6 addresses or MACs
 *   of the wrong length with -ERANGE; each with an extended ack (extack)
 *   message.
 * - Each command has its own attribute policy (listed by the generic
 *   netlink controller, CTRL_CMD_GETPOLICY): an attribute that is not part
 *   of its request below is refused with -EINVAL ("Unsupported attribute",
 *   or "Read-only attribute" for what only replies carry), never ignored;
 *   e.g. EXTNET_CMD_MAP_DEL with a VTEP, EXTNET_CMD_MAP_FLUSH with an
 *   EXTNET_A_MAP.
 * - The device: -EINVAL if neither EXTNET_A_IFINDEX nor EXTNET_A_IFNAME is
 *   given or they name different devices, -ENODEV if there is no such
 *   device, -EOPNOTSUPP if it is not an extnet device.
 * - Commands that change state need CAP_NET_ADMIN in the user namespace that
 *   owns the network namespace (-EPERM otherwise). Reading is unprivileged.
 * - Addresses are in network byte order; other integers in host byte order.
 *
 * Attribute trees
 * ---------------
 *
 * EXTNET_CMD_LINK_GET (doit: one device; dumpit: all extnet devices of the
 * network namespace, in the order they were created; a device created or
 * deleted during the dump flags the next message NLM_F_DUMP_INTR).
 * Request: device (doit only). Reply, one message per device:
 *
 *    EXTNET_A_IFINDEX: NLA_U32
 *    EXTNET_A_IFNAME: NLA_NUL_STRING
 *    EXTNET_A_VNI: NLA_U32, 0..16777215 (24-bit VXLAN network identifier;
 *                  absent until set: an unset device sends and receives
 *                  nothing)
 *    EXTNET_A_LOCAL4: NLA_BE32, local VTEP IPv4 address (if set)
 *    EXTNET_A_LOCAL6: 16 bytes, local VTEP IPv6 address (if set)
 *    EXTNET_A_PORT: NLA_U16, UDP destination port of the tunnel
 *    EXTNET_A_TTL: NLA_U8, TTL (hop limit) of the outer IPv4 (IPv6) header
 *    EXTNET_A_PROBE_SRC4: NLA_BE32, sender address of neighbour probes
 *    EXTNET_A_PROBE_SRC6: 16 bytes, source of IPv6 neighbour probes (if set)
 *    EXTNET_A_AGEING: NLA_U32, neighbour ageing time in seconds
 *    EXTNET_A_ENTRIES: NLA_U32, number of mapping entries
 *    EXTNET_A_NEIGHS: NLA_U32, number of learned local neighbours
 *    EXTNET_A_MODE: NLA_U8, enum extnet_mode: EXTNET_MODE_BRIDGED while
 *                   the device is a bridge port, else EXTNET_MODE_ROUTED
 *                   (follows enslaving and releasing live)
 *    EXTNET_A_ROUTES: NLA_U8, 0 or 1 (default 0)
 *    EXTNET_A_ROUTE_TABLE: NLA_U32 (default 254, RT_TABLE_MAIN)
 *    EXTNET_A_ROUTE_METRIC: NLA_U32 (default 0)
 *    EXTNET_A_MSS_CLAMP: NLA_U16, EXTNET_MSS_CLAMP_OFF (default),
 *                        EXTNET_MSS_CLAMP_AUTO or an MSS in bytes
 *    EXTNET_A_STATS: NLA_NESTED
 *        EXTNET_STATS_A_*: NLA_U64 each, see enum extnet_stats_attr
 *
 * EXTNET_CMD_LINK_SET: change device parameters. Request:
 *
 *    EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *    EXTNET_A_VNI, EXTNET_A_LOCAL4, EXTNET_A_LOCAL6, EXTNET_A_PORT,
 *    EXTNET_A_TTL, EXTNET_A_PROBE_SRC4, EXTNET_A_PROBE_SRC6,
 *    EXTNET_A_AGEING, EXTNET_A_MSS_CLAMP: optional, as above
 *    EXTNET_A_ROUTES (0..1), EXTNET_A_ROUTE_TABLE (1..0xffffffff),
 *    EXTNET_A_ROUTE_METRIC: optional. The kernel stores and reports them;
 *    it does not install routes itself (Linux exports no function for it).
 *    The tool installs one host route per entry, protocol EXTNET_RTPROT,
 *    after every change it makes (see Documentation/extnet.rst, "Host
 *    routes"); a client that changes entries over raw netlink keeps the
 *    routes itself or runs "extnet route sync dev DEV" afterwards.
 *    EXTNET_A_MODE is read only (-EINVAL).
 *
 *    Attributes not given keep their value. EXTNET_A_LOCAL4 0.0.0.0 or
 *    EXTNET_A_LOCAL6 :: unsets the local address of that family (the route
 *    to each VTEP then picks the source). A device that is up is re-bound
 *    to its UDP sockets atomically; on failure nothing changes. Errors:
 *    -EADDRINUSE if another extnet device of the namespace, up or down,
 *    already has the VNI on the same port; -EINVAL if EXTNET_A_LOCAL4 or
 *    EXTNET_A_PROBE_SRC4 is in 0.0.0.0/8 (other than 0.0.0.0 itself),
 *    multicast, 255.255.255.255 or loopback, if EXTNET_A_LOCAL6 is
 *    multicast, loopback, link-local or IPv4-mapped, or if
 *    EXTNET_A_PROBE_SRC6 is multicast, loopback or IPv4-mapped; -ERANGE if
 *    an IPv6 address is not 16 bytes, or EXTNET_A_MSS_CLAMP is neither
 *    EXTNET_MSS_CLAMP_OFF, EXTNET_MSS_CLAMP_AUTO nor 536..65495.
 *
 * EXTNET_CMD_MAP_ADD: add a mapping entry; -EEXIST if the address is mapped.
 * EXTNET_CMD_MAP_REPLACE: add it, or replace the entry of the address: its
 * VTEP and lladdr change in place and its counters are kept, frames in
 * flight included. Generic netlink rejects NLM_F_REPLACE and friends in
 * new families, hence two commands. Request (both):
 *
 *    EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *    EXTNET_A_MAP: NLA_NESTED
 *        EXTNET_MAP_A_ADDR4: NLA_BE32, or
 *        EXTNET_MAP_A_ADDR6: 16 bytes, overlay address (one required)
 *        EXTNET_MAP_A_REMOTE4: NLA_BE32, or
 *        EXTNET_MAP_A_REMOTE6: 16 bytes, remote VTEP (one required)
 *        EXTNET_MAP_A_LLADDR: 6 bytes, MAC given in proxy ARP replies and
 *                             Neighbour Advertisements and as inner
 *                             destination MAC (optional)
 *
 *    Either family of overlay address may use either family of VTEP.
 *    Errors: -EEXIST, -ENOSPC (table full: 2^24 entries per device),
 *    -EINVAL (overlay address in 0.0.0.0/8, multicast, broadcast or
 *    loopback; or ::, loopback, multicast, link-local fe80::/10 or
 *    IPv4-mapped; the same for the VTEP; an IPv4 and an IPv6 attribute for
 *    the same address; a missing one; an LLADDR that is multicast or all
 *    zeros; EXTNET_MAP_A_ANNOUNCE, which only EXTNET_CMD_MAP_MOVE takes),
 *    -ERANGE (an IPv6 attribute that is not 16 bytes).
 *
 * EXTNET_CMD_MAP_DEL: remove a mapping entry. Request: device, EXTNET_A_MAP
 * with EXTNET_MAP_A_ADDR4 or EXTNET_MAP_A_ADDR6. -ENOENT if the address is
 * not mapped.
 *
 * Several entries per request (EXTNET_CMD_MAP_ADD, _REPLACE and _DEL): a
 * request may repeat EXTNET_A_MAP, up to EXTNET_MAP_BATCH_MAX times, each
 * one entry as above, all for the one device it names. The message is
 * first checked against the attribute policy as a whole: an attribute of
 * the wrong type or size in any entry rejects it with nothing applied.
 * Then the entries are applied in the order they appear, and the first one
 * that fails stops the request: the entries before it stay applied, it and
 * those after it are not looked at. The error is that entry's, as for a
 * request of one entry; its extended ack points into that entry (bad
 * attribute offset: the entry's EXTNET_A_MAP or an attribute inside it)
 * and carries a cookie (NLMSGERR_ATTR_COOKIE), a __u32 in host byte order:
 * the index from 0 of the failing entry, which is also the number of
 * entries applied. No cookie means nothing was applied. More than
 * EXTNET_MAP_BATCH_MAX entries: -E2BIG, nothing applied. A request of one
 * entry behaves exactly as described above (no cookie).
 *
 * EXTNET_CMD_MAP_GET (dumpit only): the mapping entries of one device.
 * Request: device (required; to list every device's entries, dump
 * EXTNET_CMD_LINK_GET first). One message per entry:
 *
 *    EXTNET_A_IFINDEX: NLA_U32
 *    EXTNET_A_MAP: NLA_NESTED
 *        EXTNET_MAP_A_ADDR4: NLA_BE32, or EXTNET_MAP_A_ADDR6: 16 bytes
 *        EXTNET_MAP_A_REMOTE4: NLA_BE32, or EXTNET_MAP_A_REMOTE6: 16 bytes
 *        EXTNET_MAP_A_LLADDR: 6 bytes (if set)
 *        EXTNET_MAP_A_TX_PACKETS, EXTNET_MAP_A_TX_BYTES: NLA_U64, frames
 *            (and their bytes, inner Ethernet frame) sent to the address
 *        EXTNET_MAP_A_RX_PACKETS, EXTNET_MAP_A_RX_BYTES: NLA_U64, frames
 *            received from the address through the tunnel and delivered
 *            (or held while their local host is probed; one dropped
 *            instead counts in a EXTNET_STATS_A_RX_DROP_* counter only)
 *        EXTNET_MAP_A_CONFLICTS: NLA_U64, frames dropped because their
 *            source claimed the address from the wrong side
 *
 *    A dump that runs while the table changes may miss entries added or
 *    removed during it, never one present throughout. It resumes after the
 *    last entry it sent; if that entry was removed meanwhile, or the table
 *    was resized, part of the table or all of it is sent again and the
 *    next message carries NLM_F_DUMP_INTR: entries may then repeat. It
 *    holds no reference on the device between reads: a reader that stops
 *    reading delays nothing.
 *
 * EXTNET_CMD_MAP_FLUSH: remove every mapping entry of a device. Request:
 * device.
 *
 * EXTNET_CMD_MAP_MOVE: change where an address lives, in one request.
 * Request:
 *
 *    EXTNET_A_IFINDEX or EXTNET_A_IFNAME
 *    EXTNET_A_MAP: NLA_NESTED
 *        EXTNET_MAP_A_ADDR4 or _ADDR6: overlay address (required)
 *        EXTNET_MAP_A_REMOTE4 or _REMOTE6: its VTEP from now on; absent:
 *                              the address lives on the local segment now
 *        EXTNET_MAP_A_LLADDR: 6 bytes, as for EXTNET_CMD_MAP_ADD (only
 *                             with a VTEP)
 *        EXTNET_MAP_A_ANNOUNCE: NLA_U8, 0..10, announcements to send
 *                               (only with a VTEP; default
 *                               EXTNET_DEFAULT_ANNOUNCE)
 *
 *    With a VTEP the entry is added or replaced as by EXTNET_CMD_MAP_REPLACE
 *    (counters kept), a learned local neighbour of the address is
 *    forgotten, and the device, if up, sends ANNOUNCE ARP Announcements
 *    (RFC 5227 §3: ARP requests, sender and target protocol address both
 *    the address, target hardware address zero, broadcast, sender hardware
 *    address the entry's lladdr or the device's MAC) into the segment, the
 *    first at once and the others 1 s apart, so that hosts update their ARP
 *    caches (RFC 826); for an IPv6 address unsolicited Neighbour
 *    Advertisements to all nodes with the Override flag (RFC 4861 §7.2.6).
 *    They stop when the address is moved again, its entry
 *    is deleted or flushed, or the device goes down or away. Without a VTEP
 *    the entry is removed and the device, if up and bridged, probes for the
 *    host (a routed device does not: its host resolves it); an address
 *    that is not mapped is no error (the request states where the address
 *    lives; repeating it changes nothing, and the probe is sent all the
 *    same). Errors: as for MAP_ADD; -EINVAL if LLADDR or ANNOUNCE come
 *    without a VTEP or the request holds more than one EXTNET_A_MAP,
 *    -ERANGE if ANNOUNCE > 10. With a VTEP, an error returned after the
 *    entry was added or replaced (-ENOMEM: the announcements could not be
 *    queued) leaves the entry in place.
 *
 * EXTNET_CMD_EVENT: notifications multicast on the group
 * EXTNET_GENL_MCGRP_EVENTS in the device's network namespace; joining it
 * needs no privilege (dumps show the same data). Each message:
 *
 *    EXTNET_A_EVENT: NLA_U8, enum extnet_event
 *    EXTNET_A_IFINDEX: NLA_U32, EXTNET_A_IFNAME: NLA_NUL_STRING
 *    EXTNET_A_MAP (MAP_ADDED, _REMOVED, _MOVED): ADDR4 or ADDR6, and
 *        REMOTE4 or REMOTE6 and LLADDR if the address lives at a VTEP
 *        (REMOVED: the address only)
 *    EXTNET_A_NEIGH (NEIGH_LEARNED, _EXPIRED, PROBE_FAILED): ADDR4 or
 *        ADDR6, and LLADDR unless the probe failed
 *    EXTNET_A_CONFLICT (CONFLICT): SIDE, ADDR4 or ADDR6, LLADDR (the
 *        frame's source MAC) and, from the tunnel, REMOTE4 or REMOTE6 (the
 *        VTEP it came from)
 *
 *    MAP_FLUSHED carries no EXTNET_A_MAP. Conflict events are limited to 5
 *    a second per device; the others count in
 *    EXTNET_STATS_A_EVENTS_SUPPRESSED. A listener that reads too slowly
 *    gets ENOBUFS and loses events, as with any netlink multicast.
 *
 * EXTNET_CMD_NEIGH_GET (dumpit only): learned local neighbours of one device.
 * Request: device (required). One message per neighbour:
 *
 *    EXTNET_A_IFINDEX: NLA_U32
 *    EXTNET_A_NEIGH: NLA_NESTED
 *        EXTNET_NEIGH_A_ADDR4: NLA_BE32, or EXTNET_NEIGH_A_ADDR6: 16 bytes
 *        EXTNET_NEIGH_A_LLADDR: 6 bytes (absent while incomplete)
 *        EXTNET_NEIGH_A_STATE: NLA_U8, enum extnet_neigh_state
 *        EXTNET_NEIGH_A_AGE: NLA_U32, milliseconds since last confirmed
 *            (while incomplete: since the last probe)
 */

#ifndef _UAPI_LINUX_EXTNET_H
#define _UAPI_LINUX_EXTNET_H

/* Name of the generic netlink family, for CTRL_CMD_GETFAMILY. */
#define EXTNET_GENL_NAME "extnet"
/* Version of the family (genlmsghdr.version); this header describes 1. */
#define EXTNET_GENL_VERSION 1

/* Default UDP destination port: the IANA port for VXLAN (RFC 7348 §5). */
#define EXTNET_DEFAULT_PORT 4789
/* Default neighbour ageing time, seconds. */
#define EXTNET_DEFAULT_AGEING 300
/* Default TTL of the outer IPv4 header and hop limit of the outer IPv6 one. */
#define EXTNET_DEFAULT_TTL 64
/* Default number of gratuitous ARP / unsolicited NA sent by a move, 1 s apart. */
#define EXTNET_DEFAULT_ANNOUNCE 3
/*
 * Route protocol (rtm_protocol) of the host routes kept for mapping entries
 * when EXTNET_A_ROUTES is on ("ip route show proto 245").
 */
#define EXTNET_RTPROT 245
/* Multicast group of EXTNET_CMD_EVENT notifications. */
#define EXTNET_GENL_MCGRP_EVENTS "events"
/* EXTNET_A_MSS_CLAMP: no clamping, and "fit the path MTU". */
#define EXTNET_MSS_CLAMP_OFF 0
#define EXTNET_MSS_CLAMP_AUTO 0xffff
/*
 * Most EXTNET_A_MAP attributes (entries) in one EXTNET_CMD_MAP_ADD,
 * _REPLACE or _DEL request; 256 IPv6 entries with a MAC fit in 16 KiB.
 */
#define EXTNET_MAP_BATCH_MAX 256

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
 * @EXTNET_CMD_MAP_MOVE: make an address local to this site or move it to
 *	another VTEP, announcing the change into the segment (CAP_NET_ADMIN)
 * @EXTNET_CMD_EVENT: notification on the EXTNET_GENL_MCGRP_EVENTS group
 *	(never a request), see enum extnet_event
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
	EXTNET_CMD_MAP_MOVE,
	EXTNET_CMD_EVENT,
	__EXTNET_CMD_MAX
};

#define EXTNET_CMD_MAX (__EXTNET_CMD_MAX - 1)

/**
 * enum extnet_attr - top-level attributes
 * @EXTNET_A_UNSPEC: unused
 * @EXTNET_A_IFINDEX: u32, interface index of the extnet device, at least 1
 * @EXTNET_A_IFNAME: NUL-terminated string, at most IFNAMSIZ bytes
 * @EXTNET_A_VNI: u32, VXLAN network identifier, 0..0xffffff (RFC 7348 §5)
 * @EXTNET_A_LOCAL4: be32, local VTEP IPv4 address: the outer source address;
 *	0.0.0.0 (default) unsets it, else a unicast address (-EINVAL)
 * @EXTNET_A_PORT: u16 in host byte order, UDP destination port (and
 *	listening port), 1..65535, default EXTNET_DEFAULT_PORT
 * @EXTNET_A_TTL: u8, outer IPv4 TTL and IPv6 hop limit, 1..255, default
 *	EXTNET_DEFAULT_TTL
 * @EXTNET_A_PROBE_SRC4: be32, sender protocol address of ARP probes sent to
 *	resolve a local host; 0.0.0.0 (default) makes them RFC 5227 probes;
 *	else a unicast address (-EINVAL)
 * @EXTNET_A_AGEING: u32, seconds after which an unconfirmed learned
 *	neighbour is forgotten, 10..1000000, default EXTNET_DEFAULT_AGEING
 * @EXTNET_A_ENTRIES: u32, number of mapping entries (read only)
 * @EXTNET_A_NEIGHS: u32, number of learned neighbours (read only)
 * @EXTNET_A_STATS: nested, enum extnet_stats_attr (read only)
 * @EXTNET_A_MAP: nested, enum extnet_map_attr
 * @EXTNET_A_NEIGH: nested, enum extnet_neigh_attr (read only)
 * @EXTNET_A_PAD: padding for 64-bit attributes
 * @EXTNET_A_LOCAL6: 16 bytes, local VTEP IPv6 address: the outer source
 *	toward IPv6 VTEPs (RFC 7348 §5 over IPv6); :: unsets it
 * @EXTNET_A_MSS_CLAMP: u16, TCP MSS clamping of SYNs crossing the tunnel:
 *	EXTNET_MSS_CLAMP_OFF, EXTNET_MSS_CLAMP_AUTO (path MTU of the entry's
 *	VTEP less the headers) or a fixed MSS in bytes, 536..65495 (else
 *	-ERANGE); default EXTNET_MSS_CLAMP_OFF
 * @EXTNET_A_ROUTES: u8, 1 if every mapping entry is also a host route
 *	(/32 or /128) via the device, protocol EXTNET_RTPROT; default 0
 * @EXTNET_A_ROUTE_TABLE: u32, routing table of those host routes, at least
 *	1, default 254 (RT_TABLE_MAIN)
 * @EXTNET_A_ROUTE_METRIC: u32, their metric (priority), default 0
 * @EXTNET_A_MODE: u8, enum extnet_mode (read only)
 * @EXTNET_A_EVENT: u8, enum extnet_event (in EXTNET_CMD_EVENT only)
 * @EXTNET_A_CONFLICT: nested, enum extnet_conflict_attr (in events)
 * @EXTNET_A_PROBE_SRC6: 16 bytes, source address of the Neighbour
 *	Solicitations sent to resolve a local IPv6 host. :: (default, unset)
 *	sends them as Duplicate Address Detection does (RFC 4862 §5.4.2:
 *	source ::, no source link-layer option), which a host still verifying
 *	that address takes for a duplicate (§5.4.3). A unicast address, best a
 *	link-local one of the gateway's own, sends ordinary solicitations
 *	(RFC 4861 §7.2.2) with the device's MAC as source link-layer option
 *	(§4.3); a tentative host ignores them (RFC 4862 §5.4.3). Not
 *	multicast, loopback or IPv4-mapped (-EINVAL)
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
	EXTNET_A_LOCAL6,
	EXTNET_A_MSS_CLAMP,
	EXTNET_A_ROUTES,
	EXTNET_A_ROUTE_TABLE,
	EXTNET_A_ROUTE_METRIC,
	EXTNET_A_MODE,
	EXTNET_A_EVENT,
	EXTNET_A_CONFLICT,
	EXTNET_A_PROBE_SRC6,
	__EXTNET_A_MAX
};

#define EXTNET_A_MAX (__EXTNET_A_MAX - 1)

/**
 * enum extnet_map_attr - attributes of a mapping entry (in EXTNET_A_MAP)
 * @EXTNET_MAP_A_UNSPEC: unused
 * @EXTNET_MAP_A_ADDR4: be32, overlay IPv4 address living at the remote site
 * @EXTNET_MAP_A_REMOTE4: be32, IPv4 underlay address of the remote VTEP
 * @EXTNET_MAP_A_LLADDR: 6 bytes, MAC address given for ADDR in proxy ARP
 *	replies and Neighbour Advertisements (target link-layer option) and
 *	written as inner destination MAC on transmit; unicast and not all
 *	zeros (-EINVAL)
 * @EXTNET_MAP_A_TX_PACKETS: u64, frames tunnelled to ADDR (read only)
 * @EXTNET_MAP_A_TX_BYTES: u64, bytes of those inner Ethernet frames, VXLAN
 *	and outer headers not included (read only)
 * @EXTNET_MAP_A_RX_PACKETS: u64, frames from ADDR delivered or held for
 *	their local host (read only)
 * @EXTNET_MAP_A_RX_BYTES: u64, bytes of those inner Ethernet frames (read
 *	only)
 * @EXTNET_MAP_A_PAD: padding for 64-bit attributes
 * @EXTNET_MAP_A_ADDR6: 16 bytes, IPv6 overlay address living at the remote
 *	site; a global or unique-local unicast address (not ::, loopback,
 *	multicast, link-local or IPv4-mapped)
 * @EXTNET_MAP_A_REMOTE6: 16 bytes, IPv6 underlay address of the remote VTEP,
 *	reached with VXLAN over UDP/IPv6 (with UDP checksums)
 * @EXTNET_MAP_A_ANNOUNCE: u8, gratuitous ARP / unsolicited NA to send when
 *	EXTNET_CMD_MAP_MOVE makes the address remote, 0..10 (default
 *	EXTNET_DEFAULT_ANNOUNCE); -ERANGE above 10, -EINVAL in any other
 *	command
 * @EXTNET_MAP_A_CONFLICTS: u64, frames dropped because their source claimed
 *	this address from the wrong side (read only)
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
	EXTNET_MAP_A_ANNOUNCE,
	EXTNET_MAP_A_CONFLICTS,
	__EXTNET_MAP_A_MAX
};

#define EXTNET_MAP_A_MAX (__EXTNET_MAP_A_MAX - 1)

/**
 * enum extnet_neigh_state - state of a learned local neighbour
 * @EXTNET_NEIGH_INCOMPLETE: probed, no answer yet; packets are held
 * @EXTNET_NEIGH_REACHABLE: MAC known from a frame sent by the host (for IPv6
 *	also from the link-layer options of its NS and NA)
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
 *	(while EXTNET_NEIGH_INCOMPLETE: since the last probe)
 * @EXTNET_NEIGH_A_ADDR6: 16 bytes, the local host's IPv6 address
 * @__EXTNET_NEIGH_A_MAX: internal
 */
enum extnet_neigh_attr {
	EXTNET_NEIGH_A_UNSPEC,
	EXTNET_NEIGH_A_ADDR4,
	EXTNET_NEIGH_A_LLADDR,
	EXTNET_NEIGH_A_STATE,
	EXTNET_NEIGH_A_AGE,
	EXTNET_NEIGH_A_ADDR6,
	__EXTNET_NEIGH_A_MAX
};

#define EXTNET_NEIGH_A_MAX (__EXTNET_NEIGH_A_MAX - 1)

/**
 * enum extnet_stats_attr - device counters (in EXTNET_A_STATS), all u64
 * @EXTNET_STATS_A_UNSPEC: unused
 * @EXTNET_STATS_A_PAD: padding for 64-bit attributes
 * @EXTNET_STATS_A_ARP_REPLIES: proxy ARP replies sent into the segment
 * @EXTNET_STATS_A_PROBES: ARP probes sent to resolve local IPv4 hosts
 * @EXTNET_STATS_A_NEIGH_LEARNED: local neighbours learned or changed
 * @EXTNET_STATS_A_TX_DROP_MULTICAST: broadcast or multicast frame (other
 *	than an ARP request for a mapped address) from the segment
 * @EXTNET_STATS_A_TX_DROP_ARP_UNMAPPED: ARP request for an unmapped address
 * @EXTNET_STATS_A_TX_DROP_ARP_OTHER: ARP that is neither a request for a
 *	mapped address nor a reply to a probe
 * @EXTNET_STATS_A_TX_DROP_UNMAPPED: unicast IPv4 or IPv6 to an unmapped
 *	address (IPv6 link-local destinations included: never mapped)
 * @EXTNET_STATS_A_TX_DROP_PROTO: EtherType that is not carried
 * @EXTNET_STATS_A_TX_DROP_MALFORMED: truncated or invalid ARP/IPv4/IPv6
 *	header, or a Neighbour Solicitation or Advertisement failing the
 *	checks of RFC 4861 §7.1
 * @EXTNET_STATS_A_TX_DROP_CONFLICT: source address is mapped as remote:
 *	a duplicate address or a loop
 * @EXTNET_STATS_A_TX_DROP_NO_ROUTE: no underlay route to the VTEP, or the
 *	device has no VNI (it is bound to no UDP socket), or an IPv6 VTEP in
 *	a kernel without IPv6 (a frame dropped for want of memory is counted
 *	only in the device's tx_dropped)
 * @EXTNET_STATS_A_RX_DROP_MALFORMED: VXLAN header invalid (I flag missing,
 *	reserved bits set), inner frame truncated, or an outer header marked
 *	CE over an inner packet that is not ECN-capable (dropped as RFC 6040
 *	§4.2 says)
 * @EXTNET_STATS_A_RX_DROP_UNKNOWN_VNI: VXLAN on this device's port for a
 *	VNI no device of the namespace serves (counted by every device bound
 *	to that port)
 * @EXTNET_STATS_A_RX_DROP_PROTO: inner EtherType that is not carried, or
 *	inner IPv6 Neighbour Discovery or MLD
 * @EXTNET_STATS_A_RX_DROP_SPOOFED: inner source not mapped to the VTEP the
 *	packet came from
 * @EXTNET_STATS_A_RX_DROP_LOOP: inner destination is itself mapped remote
 *	(also packets held for a local host whose address became mapped)
 * @EXTNET_STATS_A_RX_DROP_QUEUE_FULL: held for an unresolved host, but the
 *	queue was full
 * @EXTNET_STATS_A_RX_DROP_PROBE_FAILED: held packets dropped because the
 *	local host did not answer the probes
 * @EXTNET_STATS_A_RX_DROP_NEIGH_FULL: no room to learn or probe a neighbour
 * @EXTNET_STATS_A_RX_DROP_MULTICAST: inner destination is not a unicast host
 *	address (broadcast, multicast, 0.0.0.0, loopback; for IPv6 also ::,
 *	link-local and IPv4-mapped)
 * @EXTNET_STATS_A_RX_DROP_OVERSIZE: inner IP packet larger than the device's
 *	MTU (the local segment could not carry it)
 * @EXTNET_STATS_A_NA_REPLIES: proxy Neighbour Advertisements sent into the
 *	segment (RFC 4861 §7.2.4)
 * @EXTNET_STATS_A_ND_PROBES: Neighbour Solicitations sent to resolve local
 *	IPv6 hosts (from EXTNET_A_PROBE_SRC6; while that is unset from ::, as
 *	Duplicate Address Detection, RFC 4862 §5.4.2)
 * @EXTNET_STATS_A_TX_DROP_ND_UNMAPPED: Neighbour Solicitation for an
 *	unmapped address
 * @EXTNET_STATS_A_TX_DROP_ND_OTHER: Router Solicitation or Advertisement,
 *	Redirect, or multicast listener message (never tunnelled); Neighbour
 *	Advertisements are snooped and consumed without being counted, except
 *	one for a mapped target (EXTNET_STATS_A_TX_DROP_CONFLICT) or a
 *	malformed one (EXTNET_STATS_A_TX_DROP_MALFORMED)
 * @EXTNET_STATS_A_TX_TOO_BIG: inner packets answered with ICMP
 *	"fragmentation needed" (RFC 1191) or ICMPv6 Packet Too Big (RFC 8201)
 * @EXTNET_STATS_A_TX_MSS_CLAMPED: TCP SYNs whose MSS option was lowered
 * @EXTNET_STATS_A_ANNOUNCES: gratuitous ARP and unsolicited NA sent
 * @EXTNET_STATS_A_EVENTS_SUPPRESSED: conflict events not sent by the rate
 *	limit (counted only while a listener has joined the events group:
 *	without one no event is built)
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
	EXTNET_STATS_A_NA_REPLIES,
	EXTNET_STATS_A_ND_PROBES,
	EXTNET_STATS_A_TX_DROP_ND_UNMAPPED,
	EXTNET_STATS_A_TX_DROP_ND_OTHER,
	EXTNET_STATS_A_TX_TOO_BIG,
	EXTNET_STATS_A_TX_MSS_CLAMPED,
	EXTNET_STATS_A_ANNOUNCES,
	EXTNET_STATS_A_EVENTS_SUPPRESSED,
	__EXTNET_STATS_A_MAX
};

#define EXTNET_STATS_A_MAX (__EXTNET_STATS_A_MAX - 1)
/* First counter attribute: counters are EXTNET_STATS_A_FIRST..MAX. */
#define EXTNET_STATS_A_FIRST EXTNET_STATS_A_ARP_REPLIES

/**
 * enum extnet_mode - how the device is attached (EXTNET_A_MODE)
 * @EXTNET_MODE_BRIDGED: a bridge port: learns and probes local hosts and
 *	delivers received frames to them by MAC
 * @EXTNET_MODE_ROUTED: not a bridge port: the host's own interface toward
 *	the remote site; received packets go to the host's stack, which routes
 *	them (no learning, no probing)
 */
enum extnet_mode {
	EXTNET_MODE_BRIDGED = 1,
	EXTNET_MODE_ROUTED = 2,
};

/**
 * enum extnet_event - what an EXTNET_CMD_EVENT notification reports
 * @EXTNET_EVENT_MAP_ADDED: a mapping entry was added or replaced (EXTNET_A_MAP)
 * @EXTNET_EVENT_MAP_REMOVED: a mapping entry was removed (EXTNET_A_MAP)
 * @EXTNET_EVENT_MAP_MOVED: EXTNET_CMD_MAP_MOVE changed where an address
 *	lives (EXTNET_A_MAP; no REMOTE4/REMOTE6 if it is now local)
 * @EXTNET_EVENT_NEIGH_LEARNED: a local neighbour was learned or changed its
 *	MAC (EXTNET_A_NEIGH)
 * @EXTNET_EVENT_NEIGH_EXPIRED: a local neighbour aged out (EXTNET_A_NEIGH)
 * @EXTNET_EVENT_CONFLICT: a frame claimed a mapped address from the wrong
 *	side (EXTNET_A_CONFLICT); rate-limited
 * @EXTNET_EVENT_PROBE_FAILED: a local host did not answer its probes
 *	(EXTNET_A_NEIGH)
 * @EXTNET_EVENT_MAP_FLUSHED: EXTNET_CMD_MAP_FLUSH removed every mapping
 *	entry of the device (one event, no EXTNET_A_MAP)
 */
enum extnet_event {
	EXTNET_EVENT_MAP_ADDED = 1,
	EXTNET_EVENT_MAP_REMOVED,
	EXTNET_EVENT_MAP_MOVED,
	EXTNET_EVENT_NEIGH_LEARNED,
	EXTNET_EVENT_NEIGH_EXPIRED,
	EXTNET_EVENT_CONFLICT,
	EXTNET_EVENT_PROBE_FAILED,
	EXTNET_EVENT_MAP_FLUSHED,
};

/**
 * enum extnet_conflict_side - where a conflicting frame came from
 * @EXTNET_CONFLICT_LOCAL: the local segment, with a source mapped as remote
 * @EXTNET_CONFLICT_TUNNEL: the tunnel, from a VTEP other than the entry's
 */
enum extnet_conflict_side {
	EXTNET_CONFLICT_LOCAL = 1,
	EXTNET_CONFLICT_TUNNEL = 2,
};

/**
 * enum extnet_conflict_attr - attributes of a conflict (EXTNET_A_CONFLICT)
 * @EXTNET_CONFLICT_A_UNSPEC: unused
 * @EXTNET_CONFLICT_A_SIDE: u8, enum extnet_conflict_side
 * @EXTNET_CONFLICT_A_ADDR4: be32, the claimed overlay address
 * @EXTNET_CONFLICT_A_ADDR6: 16 bytes, the claimed overlay address
 * @EXTNET_CONFLICT_A_LLADDR: 6 bytes, inner source MAC of the frame
 * @EXTNET_CONFLICT_A_REMOTE4: be32, VTEP the frame came from (tunnel side)
 * @EXTNET_CONFLICT_A_REMOTE6: 16 bytes, VTEP the frame came from
 * @__EXTNET_CONFLICT_A_MAX: internal
 */
enum extnet_conflict_attr {
	EXTNET_CONFLICT_A_UNSPEC,
	EXTNET_CONFLICT_A_SIDE,
	EXTNET_CONFLICT_A_ADDR4,
	EXTNET_CONFLICT_A_ADDR6,
	EXTNET_CONFLICT_A_LLADDR,
	EXTNET_CONFLICT_A_REMOTE4,
	EXTNET_CONFLICT_A_REMOTE6,
	__EXTNET_CONFLICT_A_MAX
};

#define EXTNET_CONFLICT_A_MAX (__EXTNET_CONFLICT_A_MAX - 1)

#endif /* _UAPI_LINUX_EXTNET_H */
