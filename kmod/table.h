/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mapping entries: remote overlay address -> VTEP, looked up under RCU.
 */
#ifndef _EXTNET_TABLE_H
#define _EXTNET_TABLE_H

#include <linux/rhashtable-types.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/etherdevice.h>
#include <linux/bits.h>
#include <linux/in.h>
#include <linux/hash.h>
#include <net/dst_cache.h>
#include <net/ipv6.h>

/**
 * struct extnet_vtep - a remote VTEP, shared by all entries pointing to it
 * @node: linkage in the VTEPs of the table's generation (keyed by @addr6),
 *	changed under the table's lock
 * @refcnt: one per mapping entry using it
 * @addr4: underlay IPv4 address, network order; 0 if @is6
 * @addr6: underlay address; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * @is6: the VTEP is reached over IPv6 (@addr6 is not IPv4-mapped)
 * @dst_cache: route to the VTEP, per CPU
 * @rcu: frees the VTEP after readers are done
 */
struct extnet_vtep {
	struct rhash_head node;
	refcount_t refcnt;
	__be32 addr4;
	struct in6_addr addr6;
	bool is6;
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

/* In &extnet_entry.lladdr, above the 48 bits of ether_addr_to_u64(): the
 * entry has a MAC.
 */
#define EXTNET_LLADDR_SET BIT_ULL(48)

/**
 * struct extnet_entry - a mapping entry
 * @node: rhashtable linkage
 * @addr: overlay address, the key; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * @vtep: where @addr lives; changed in place by a replace under the
 *	table's lock, read under RCU (extnet_entry_vtep())
 * @lladdr: the MAC answered for @addr, as ether_addr_to_u64() with
 *	EXTNET_LLADDR_SET, or 0 for none; one word, so that a replace changes
 *	it whole (extnet_entry_lladdr())
 * @tx_packets: frames tunnelled to @addr
 * @tx_bytes: bytes of those inner frames
 * @rx_packets: frames from @addr delivered locally, or held for their
 *	host while it is probed
 * @rx_bytes: bytes of those inner frames
 * @conflicts: frames dropped because their source claimed @addr from the
 *	wrong side (EXTNET_MAP_A_CONFLICTS)
 * @rcu: frees the entry after readers are done
 */
struct extnet_entry {
	struct rhash_head node;
	struct in6_addr addr;
	struct extnet_vtep __rcu *vtep;
	atomic64_t lladdr;
	atomic64_t tx_packets;
	atomic64_t tx_bytes;
	atomic64_t rx_packets;
	atomic64_t rx_bytes;
	atomic64_t conflicts;
	struct rcu_head rcu;
};

/**
 * extnet_entry_vtep() - the VTEP of a mapping entry
 * @e: the entry
 *
 * A replace may change it at any time; a reader that uses the VTEP more
 * than once (address family, address, route cache) reads it once.
 *
 * Context: rcu_read_lock() held (writers, under the table's lock, use
 * rcu_dereference_protected()).
 * Return: the VTEP, valid until the read-side section ends.
 */
static inline struct extnet_vtep *
extnet_entry_vtep(const struct extnet_entry *e)
{
	return rcu_dereference(e->vtep);
}

/**
 * extnet_lladdr_pack() - the value of &extnet_entry.lladdr for a MAC
 * @lladdr: the MAC, or NULL for none
 *
 * Context: any.
 * Return: the MAC as ether_addr_to_u64() with EXTNET_LLADDR_SET, or 0.
 */
static inline s64 extnet_lladdr_pack(const u8 *lladdr)
{
	return lladdr ? ether_addr_to_u64(lladdr) | EXTNET_LLADDR_SET : 0;
}

/**
 * extnet_entry_lladdr() - the MAC a mapping entry gives for its address
 * @e: the entry
 * @mac: ETH_ALEN bytes, where the MAC is copied
 *
 * A replace running at the same time gives the old MAC or the new one,
 * never a mix, on 32-bit kernels too.
 *
 * Context: any, while @e is valid (rcu_read_lock() or the table's lock).
 * Return: true if the entry has a MAC (copied to @mac), false if not
 * (@mac unchanged).
 */
static inline bool extnet_entry_lladdr(const struct extnet_entry *e, u8 *mac)
{
	u64 word = atomic64_read(&e->lladdr);

	if (!(word & EXTNET_LLADDR_SET))
		return false;
	u64_to_ether_addr(word, mac);
	return true;
}

struct extnet_ht;

/**
 * struct extnet_table - the mapping entries of one device
 * @cur: the hash table of entries and the VTEPs they use; read under RCU,
 *	swapped for an empty one by extnet_table_flush()
 * @lock: serialises writers of @cur and of what it points to
 */
struct extnet_table {
	struct extnet_ht __rcu *cur;
	struct mutex lock; /* writers */
};

/* Upper bound of entries per device. */
#define EXTNET_TABLE_MAX BIT(24)

/**
 * extnet_addr_cmp() - rhashtable obj_cmpfn for objects keyed by an in6_addr
 * @arg: the key looked up, and the table (its key_offset)
 * @obj: an object of the table
 *
 * Mapping entries, VTEPs and neighbours are keyed by a whole in6_addr
 * (IPv4 as IPv4-mapped): two 64-bit compares, inlined into each lookup,
 * instead of rhashtable's default out-of-line memcmp().
 *
 * Context: any; called by rhashtable under its own rules.
 * Return: 0 if @obj's key is @arg's key, else 1.
 */
static inline int extnet_addr_cmp(struct rhashtable_compare_arg *arg,
				  const void *obj)
{
	return !ipv6_addr_equal(obj + arg->ht->p.key_offset, arg->key);
}

/**
 * extnet_addr_hash() - rhashtable hashfn for objects keyed by an in6_addr
 * @data: the key, a struct in6_addr (IPv4 as IPv4-mapped)
 * @len: its length in bytes, always sizeof(struct in6_addr); unused
 * @seed: the bucket table's random seed (&bucket_table.hash_rnd), new with
 *	each resize or rehash
 *
 * An IPv4 key (IPv4-mapped) carries 32 bits of its own: those, in network
 * order and XORed with @seed, are hashed alone by the kernel's
 * multiplicative hash, hash_64(x, 32): bits 32-63 of x times the 64-bit
 * golden ratio. rhashtable takes the low bits of that as the bucket index,
 * bits 32 and up of the product, which every bit of x reaches. That is four
 * instructions, one of them a multiplication, where jhash_1word() takes
 * about 30; a forwarded packet makes up to four lookups. The golden ratio
 * spreads runs of consecutive keys evenly (Knuth, TAOCP vol. 3, 6.4), and
 * XORing @seed maps the hosts of a subnet onto those of another: all hosts
 * of a /24 or a /16, at rhashtable's load, fell one per bucket for each of
 * 300 seeds tried, every 4th address of a /14 at most 3 per bucket, and a
 * million random addresses as evenly as by jhash (longest chain 7). An IPv6
 * key is hashed as the IPv6 stack hashes an address, __ipv6_addr_jhash()
 * (jhash2() of its four words, keyed by @seed).
 *
 * @seed moves every address to another bucket, and a chain longer than
 * rhashtable's limit makes it rehash with a new seed. The IPv4 mixing is
 * linear, though, so a sender on the segment could choose addresses that
 * collide under many seeds (the kernel's ARP table multiplies by a random
 * number instead, in arp_hashfn(), and takes the top bits, where rhashtable
 * takes the low ones). That buys it a long chain of its own addresses in a
 * table bounded by EXTNET_NEIGH_MAX; mapping entries and VTEPs come from the
 * administrator. Named in the tables' constant rhashtable_params, the
 * function is inlined into each lookup, where rhashtable's default,
 * rhashtable_jhash2(), is an indirect call (a retpoline) wherever the
 * compiler keeps rht_key_get_hash() out of line.
 *
 * Context: any; called by rhashtable under its own rules.
 * Return: the 32-bit hash.
 */
static inline u32 extnet_addr_hash(const void *data, u32 len, u32 seed)
{
	const struct in6_addr *addr = data;

	if (ipv6_addr_v4mapped(addr))
		return hash_64((__force u32)addr->s6_addr32[3] ^ seed, 32);
	return __ipv6_addr_jhash(addr, seed);
}

/**
 * union extnet_key - an address key (struct in6_addr) held on the stack
 * @align: not used: only gives the union a first member of 8 bytes
 * @addr: the key; IPv4 as IPv4-mapped IPv6
 *
 * GCC for x86-64 gives a local variable 16-byte alignment when its first
 * member has a 16-byte machine mode, which struct in6_addr's u6_addr8[16]
 * has. The kernel's stack is only 8-byte aligned, so every function holding
 * a struct in6_addr local realigns its frame on entry and exit: nine more
 * instructions and a callee-saved register in extnet_arp_xmit(). The
 * per-packet paths (an ARP exchange took three such functions) and the
 * per-entry insert path hold their keys in this union instead: the same
 * bytes, 8-byte aligned.
 */
union extnet_key {
	u64 align;
	struct in6_addr addr;
};

/**
 * extnet_addr4_is_host() - whether an IPv4 address can name one host
 * @addr: the address, network order
 *
 * Return: false for 0.0.0.0/8, multicast, 255.255.255.255 and loopback.
 */
static inline bool extnet_addr4_is_host(__be32 addr)
{
	return !ipv4_is_zeronet(addr) && !ipv4_is_multicast(addr) &&
	       !ipv4_is_lbcast(addr) && !ipv4_is_loopback(addr);
}

/**
 * extnet_addr6_is_host() - whether an IPv6 address can name one host
 * @addr: the address
 *
 * Return: false for ::, loopback, multicast, link-local (fe80::/10) and
 * IPv4-mapped addresses: none of them can live behind one remote VTEP.
 */
static inline bool extnet_addr6_is_host(const struct in6_addr *addr)
{
	/* IPV6_ADDR_ANY is 0: :: has no type bit. */
	return !ipv6_addr_any(addr) &&
	       !(ipv6_addr_type(addr) & (IPV6_ADDR_LOOPBACK |
					 IPV6_ADDR_MULTICAST |
					 IPV6_ADDR_LINKLOCAL |
					 IPV6_ADDR_MAPPED));
}

int extnet_table_init(struct extnet_table *table);
void extnet_table_destroy(struct extnet_table *table);
struct extnet_entry *extnet_table_lookup(struct extnet_table *table,
					 const struct in6_addr *addr);
struct extnet_entry *extnet_table_lookup4(struct extnet_table *table,
					  __be32 addr);
int extnet_table_insert(struct extnet_table *table, const struct in6_addr *addr,
			__be32 remote4, const u8 *lladdr, bool replace);
int extnet_table_insert_vtep(struct extnet_table *table,
			     const struct in6_addr *addr,
			     const struct in6_addr *remote, const u8 *lladdr,
			     bool replace);
int extnet_table_remove(struct extnet_table *table,
			const struct in6_addr *addr);
int extnet_table_flush(struct extnet_table *table);
unsigned int extnet_table_count(struct extnet_table *table);
struct rhashtable *extnet_table_rht(struct extnet_table *table);
int extnet_table_cache_init(void);
void extnet_table_cache_destroy(void);

#endif /* _EXTNET_TABLE_H */
