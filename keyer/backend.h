/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the kernel backend: where CHILD SAs go.  A small vtable, so
 * the IKE engine does not know whether SAs reach the kvti module (genl,
 * run in the VM) or stay in this process (decoupled, as iked's
 * "decouple": host tests, and a keyer that negotiates without a module).
 *
 * The engine calls spi_alloc for the inbound SPI before it answers or
 * proposes, then sa_add once per direction, sa_del when the CHILD SA goes
 * (spi_free for a reserved SPI that was never used).  tunnel_flush empties
 * a tunnel this keyer takes over: at start and when a reload adds it.  Kernel events come
 * back through kernel_event() (sa.c): EXPIRE, ACQUIRE.
 */
#ifndef KEYER_BACKEND_H
#define KEYER_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "buf.h"
#include "proposal.h"

struct keyer;
struct json;

/* One direction of a CHILD SA, as SA_NEW takes it (uapi/linux/kvti.h). */
struct kernel_sa {
	const char			*ifname;	/* the kvti netdev */
	uint8_t				 dir;		/* KVTI_DIR_IN / KVTI_DIR_OUT */
	uint32_t			 spi;		/* host order */
	struct ipaddr			 local, remote;
	const struct esp_kernel_alg	*alg;
	struct chunk			 enc_key, auth_key;	/* wiped by the caller */
	bool				 esn;
	uint32_t			 replay_window;
	uint64_t			 life_seconds, life_kilobytes;	/* hard, 0 = none */
	uint64_t			 soft_seconds, soft_kilobytes;	/* EXPIRE(soft), 0 = none */
	uint32_t			 idle_time;
};

/*
 * How a tunnel's ESP travels (TUNNEL_SET): raw, or in UDP (RFC 3948) from
 * @sport to the peer's @dport once NAT is detected, received on the
 * keyer's NAT-T socket @fd, which the module hooks.
 */
struct kernel_encap {
	bool		 udp;
	uint16_t	 sport, dport;
	int		 fd;		/* -1: none to hand over */
	/* tunnel_encap: the peer the IKE SA is with, for a static tunnel
	 * whose preferred-peer list moved on (NULL: leave the remote). */
	const struct ipaddr *remote;
};

enum backend_event_kind { BE_EV_EXPIRE, BE_EV_ACQUIRE, BE_EV_IDLE, BE_EV_INVALID_SPI };

struct backend_event {
	enum backend_event_kind	 kind;
	const char		*ifname;
	uint32_t		 id;		/* EXPIRE, IDLE: the kernel SA */
	uint32_t		 spi;
	uint8_t			 dir;
	bool			 hard;
	struct ipaddr		 src;		/* INVALID_SPI: who sent it */
};

struct backend_ops {
	const char	*name;
	int		(*open)(struct keyer *k, void **ctx);
	void		(*close)(void *ctx);
	int		(*spi_alloc)(void *ctx, const char *ifname, uint32_t *spi);
	void		(*spi_free)(void *ctx, const char *ifname, uint32_t spi);
	int		(*sa_add)(void *ctx, const struct kernel_sa *sa, uint32_t *id);
	int		(*sa_del)(void *ctx, const char *ifname, uint32_t id);
	/* Seconds since the kernel SA @id last carried a packet (DPD, NAT
	 * keepalives, idle timer); UINT64_MAX if it never carried one. */
	int		(*sa_idle)(void *ctx, const char *ifname, uint32_t id, uint64_t *idle);
	/* Every SA on @ifname: what a previous keyer left (start, reload);
	 * NULL where nothing outlives the process (decoupled). */
	int		(*tunnel_flush)(void *ctx, const char *ifname);
	void		(*dump)(void *ctx, struct json *j);	/* SAs held, for `sas` */
	/* The tunnel's encapsulation, before its SAs (NULL: nothing to set). */
	int		(*tunnel_encap)(void *ctx, const char *ifname,
					const struct kernel_encap *e);
	/* Dynamic VTIs (NULL: none, templates accept nobody).  A clone of
	 * template @tmpl for the peer @remote, up, with the encapsulation
	 * @e (in UDP to its port behind a NAT: two branches behind one NAT
	 * are two clones to one address); -EEXIST if @ifname is taken.  A
	 * clone goes with tunnel_del, its routes with it. */
	int		(*clone_add)(void *ctx, const char *tmpl, const char *ifname,
				     const struct ipaddr *remote, const struct kernel_encap *e);
	int		(*tunnel_del)(void *ctx, const char *ifname);
	/* The device @ifname's ESP is routed through (@dev, its fvrf; "":
	 * none), set when the keyer takes a tunnel or template over. */
	int		(*tunnel_link)(void *ctx, const char *ifname, const char *dev);
	/* A route to @dst via @ifname in its VRF's table, else main (@table). */
	int		(*route_add)(void *ctx, const char *ifname, const struct ipprefix *dst,
				     uint32_t metric, uint32_t realm, uint32_t *table);
};

/* backend_decoupled.c */
extern const struct backend_ops backend_decoupled;

/* backend_kvti.c: the kvti module over generic netlink (the default) */
extern const struct backend_ops backend_kvti;

#endif /* KEYER_BACKEND_H */
