/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvti - route-based IPsec virtual tunnel interfaces.
 *
 * The one header shared by the kernel module (kmod/), the keyer (keyer/)
 * and the tool (tools/).  Everything here is ABI: append, never renumber.
 *
 * Generic netlink family "kvti", version KVTI_GENL_VERSION.  Every command
 * is validated strictly against a per-command policy; unknown attributes are
 * refused.  Admin commands need CAP_NET_ADMIN in the caller's network
 * namespace, and every object lives in the namespace of the socket that
 * created it.
 */
#ifndef _UAPI_LINUX_KVTI_H
#define _UAPI_LINUX_KVTI_H

#include <linux/types.h>

#define KVTI_GENL_NAME		"kvti"
#define KVTI_GENL_VERSION	1
#define KVTI_MCGRP_EVENTS	"events"

/* rtnl link kind: ip link add vti1 type kvti */
#define KVTI_LINK_KIND		"kvti"

enum kvti_cmd {
	KVTI_CMD_UNSPEC,

	/* Tunnels (netdevs). */
	KVTI_CMD_TUNNEL_NEW,	/* create a tunnel, or clone one from a template */
	KVTI_CMD_TUNNEL_DEL,
	KVTI_CMD_TUNNEL_SET,
	KVTI_CMD_TUNNEL_GET,	/* doit by IFINDEX/IFNAME, or dump all */

	/* Security associations. */
	KVTI_CMD_SA_NEW,
	KVTI_CMD_SA_DEL,
	KVTI_CMD_SA_GET,	/* dump with a resumable cursor */
	KVTI_CMD_SA_FLUSH,
	KVTI_CMD_SPI_ALLOC,

	/* Counters. */
	KVTI_CMD_STATS_GET,
	KVTI_CMD_STATS_CLEAR,

	/* Events, sent on the "events" multicast group. */
	KVTI_CMD_EV_EXPIRE,	/* SA_ID, IFINDEX, IFNAME, SA_DIR, SA_SPI, [EXPIRE_HARD] */
	KVTI_CMD_EV_ACQUIRE,	/* IFINDEX, IFNAME, LOCAL, REMOTE */
	KVTI_CMD_EV_INVALID_SPI,	/* SA_SPI, SA_SRC, LOCAL, IFINDEX, IFNAME */
	KVTI_CMD_EV_REPLAY,	/* as EXPIRE, without EXPIRE_HARD */
	KVTI_CMD_EV_IDLE,	/* as EXPIRE, without EXPIRE_HARD */
	KVTI_CMD_EV_TUNNEL_NEW,	/* same attributes as TUNNEL_GET */
	KVTI_CMD_EV_TUNNEL_DEL,	/* IFINDEX, IFNAME */

	__KVTI_CMD_MAX,
};

#define KVTI_CMD_MAX (__KVTI_CMD_MAX - 1)

/* KVTI_A_DF_MODE: what the outer IPv4 header's DF bit becomes. */
enum kvti_df_mode {
	KVTI_DF_COPY,		/* copy from the inner IPv4 header (default) */
	KVTI_DF_SET,
	KVTI_DF_CLEAR,
	__KVTI_DF_MAX,
};

#define KVTI_DF_MAX (__KVTI_DF_MAX - 1)

/* KVTI_A_ENCAP */
enum kvti_encap {
	KVTI_ENCAP_NONE,	/* raw ESP, IP protocol 50 */
	KVTI_ENCAP_UDP,		/* ESP in UDP, RFC 3948 */
	__KVTI_ENCAP_MAX,
};

#define KVTI_ENCAP_MAX (__KVTI_ENCAP_MAX - 1)

/* KVTI_A_SA_DIR */
enum kvti_dir {
	KVTI_DIR_IN,
	KVTI_DIR_OUT,
	__KVTI_DIR_MAX,
};

#define KVTI_DIR_MAX (__KVTI_DIR_MAX - 1)

/* Limits, shared so that the tool can refuse early with the same words. */
#define KVTI_MTU_MIN		68
#define KVTI_MTU_MAX		65400	/* 65535 minus the worst-case ESP overhead */
#define KVTI_REPLAY_DEFAULT	64
#define KVTI_REPLAY_MIN		32
#define KVTI_REPLAY_MAX		4096	/* 0 turns anti-replay off */
#define KVTI_IFNAMSIZ		16

enum kvti_attr {
	KVTI_A_UNSPEC,

	/* Tunnel. */
	KVTI_A_IFINDEX,		/* u32 */
	KVTI_A_IFNAME,		/* string, < IFNAMSIZ */
	KVTI_A_LOCAL,		/* binary: 4 (IPv4) or 16 (IPv6) bytes, network order */
	KVTI_A_REMOTE,		/* binary: 4 or 16 bytes, same family as LOCAL */
	KVTI_A_KEY,		/* u32, tells tunnels between the same endpoints apart */
	KVTI_A_MTU,		/* u32, KVTI_MTU_MIN..KVTI_MTU_MAX; 0 = derive */
	KVTI_A_DF_MODE,		/* u8, enum kvti_df_mode */
	KVTI_A_REPLAY_WINDOW,	/* u32, 0 or KVTI_REPLAY_MIN..KVTI_REPLAY_MAX */
	KVTI_A_TEMPLATE,	/* flag: this tunnel is a virtual template */
	KVTI_A_TEMPLATE_IFINDEX,	/* u32: clone from / cloned from this template */
	KVTI_A_ENCAP,		/* u8, enum kvti_encap */
	KVTI_A_ENCAP_SPORT,	/* u16, host order */
	KVTI_A_ENCAP_DPORT,	/* u16, host order */
	KVTI_A_ENCAP_FD,	/* s32: UDP socket owned by user space, see below */
	KVTI_A_CARRIER,		/* u8, reported: 1 with an outbound SA (UP), else DORMANT */
	KVTI_A_STATS,		/* nest of enum kvti_stat, reported */
	KVTI_A_PAD,

	/* Security association. */
	KVTI_A_SA_ID,		/* u32, unique per netns, names the SA in events */
	KVTI_A_SA_DIR,		/* u8, enum kvti_dir */
	KVTI_A_SA_SPI,		/* u32, network order on the wire, host order here */
	KVTI_A_SA_AEAD_ALG,	/* string, crypto API name, e.g. rfc4106(gcm(aes)) */
	KVTI_A_SA_ENC_ALG,	/* string, e.g. cbc(aes) */
	KVTI_A_SA_AUTH_ALG,	/* string, e.g. hmac(sha256) */
	KVTI_A_SA_ENC_KEY,	/* binary; for AEADs includes the salt. Never dumped. */
	KVTI_A_SA_AUTH_KEY,	/* binary. Never dumped. */
	KVTI_A_SA_ICV_BITS,	/* u32: ICV / truncation length in bits */
	KVTI_A_SA_ENC_KEY_BITS,	/* u32, reported instead of the key */
	KVTI_A_SA_AUTH_KEY_BITS,	/* u32, reported instead of the key */
	KVTI_A_SA_ESN,		/* flag */
	KVTI_A_SA_REPLAY_WINDOW,	/* u32 */
	KVTI_A_SA_REPLAY_TOP,	/* u64, reported: highest authenticated seq */
	KVTI_A_SA_SEQ_OUT,	/* u64, reported: last sequence number sent */
	KVTI_A_SA_LIFE_SOFT,	/* nest of enum kvti_life */
	KVTI_A_SA_LIFE_HARD,	/* nest of enum kvti_life */
	KVTI_A_SA_IDLE_TIME,	/* u32 seconds; 0 = no idle timer */
	KVTI_A_SA_AGE,		/* u64 seconds, reported */
	KVTI_A_SA_IDLE,		/* u64 s since last packet (or add), reported */
	KVTI_A_SA_STATS,	/* nest of enum kvti_stat, reported */
	KVTI_A_SA_CURSOR,	/* u32, dump resume point */
	KVTI_A_EXPIRE_HARD,	/* flag, EXPIRE event: hard (else soft) */
	KVTI_A_SA_SRC,		/* binary 4/16: outer source of an INVALID_SPI */
	KVTI_A_SA_LIFE_CUR,	/* nest of enum kvti_life, reported: used so far */
	KVTI_A_SPI_MIN,		/* u32, SPI_ALLOC range, default 0x100 */
	KVTI_A_SPI_MAX,		/* u32, default 0xffffffff */
	KVTI_A_ENCAP_SOCKET,	/* u8, reported with encap udp: 1 while a socket is attached */
	KVTI_A_LINK,		/* u32 ifindex of the underlay (FVRF), 0 = none; see below */

	__KVTI_A_MAX,
};

#define KVTI_A_MAX (__KVTI_A_MAX - 1)

/*
 * KVTI_A_ENCAP_FD (TUNNEL_NEW, TUNNEL_SET, with KVTI_A_ENCAP udp): the fd,
 * in the calling process, of a bound UDP socket of the tunnel's outer
 * family and namespace, on which ESP in UDP is to be received (RFC 3948).
 * The module hooks the socket and keeps no reference to the file: ESP goes
 * to the module, NAT keepalives (one byte 0xff) are dropped, datagrams
 * with the non-ESP marker (four zero bytes, IKE) stay the socket owner's.
 * One socket serves any number of tunnels of its namespace.  The hook
 * goes when the last tunnel using the socket is deleted or set to another
 * socket or to encap none, and when the owner closes the socket: the
 * tunnels then keep transmitting (which needs no socket) until a new fd
 * is set.  Without KVTI_A_ENCAP_FD, SET keeps the tunnel's socket and a
 * clone gets its template's.  Refused: not a socket (ENOTSOCK), not open
 * (EBADF), not UDP, unbound, another namespace or family (EINVAL), a
 * socket with another encapsulation (UDP_ENCAP set, EBUSY).
 */

/*
 * KVTI_A_LINK (TUNNEL_NEW, TUNNEL_SET; reported when set): the device the
 * outer packets are routed through, as ip tunnel's "dev": a VRF master
 * (IOS "tunnel vrf", the front-door VRF: ESP leaves by that VRF's table)
 * or a plain device.  ESP for the tunnel's SAs is taken only when it
 * arrives through that device (or a device enslaved to it); elsewhere it
 * is dropped and counted as an unknown SPI.  Tunnels that differ only in
 * their link are distinct, so two FVRFs may use the same outer addresses.
 * A clone inherits its template's.  0 clears it; refused: no such device
 * in the namespace, or a kvti tunnel.
 */

/* KVTI_A_SA_LIFE_SOFT / KVTI_A_SA_LIFE_HARD; 0 = no limit. */
enum kvti_life {
	KVTI_LIFE_UNSPEC,
	KVTI_LIFE_SECONDS,	/* u64 */
	KVTI_LIFE_BYTES,	/* u64 */
	KVTI_LIFE_PACKETS,	/* u64 */
	KVTI_LIFE_PAD,
	__KVTI_LIFE_MAX,
};

#define KVTI_LIFE_MAX (__KVTI_LIFE_MAX - 1)

/* KVTI_A_STATS / KVTI_A_SA_STATS: u64 counters. */
enum kvti_stat {
	KVTI_STAT_UNSPEC,
	KVTI_STAT_RX_PACKETS,
	KVTI_STAT_RX_BYTES,
	KVTI_STAT_TX_PACKETS,
	KVTI_STAT_TX_BYTES,
	KVTI_STAT_DROP_REPLAY,
	KVTI_STAT_DROP_AUTH,
	KVTI_STAT_DROP_PADDING,	/* bad padding or length */
	KVTI_STAT_DROP_NO_SA,	/* nothing to send with */
	KVTI_STAT_DROP_UNKNOWN_SPI,
	KVTI_STAT_DROP_EXPIRED,
	KVTI_STAT_DROP_MTU,
	KVTI_STAT_PAD,
	__KVTI_STAT_MAX,
};

#define KVTI_STAT_MAX (__KVTI_STAT_MAX - 1)

#endif /* _UAPI_LINUX_KVTI_H */
