/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti - route-based IPsec virtual tunnel interfaces.
 *
 * Internal header: the objects of the module and, grouped by the file that
 * defines them, the functions one file offers another.
 */
#ifndef _KVTI_H
#define _KVTI_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/ratelimit.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <linux/kvti.h>

#include "replay.h"

struct crypto_aead;
struct kvti_sa;
struct kvti_udp_sock;

/* An outer (underlay) address, IPv4 or IPv6; which one is in kvti_params. */
union kvti_addr {
	__be32 ip;
	struct in6_addr ip6;
};

/*
 * What a tunnel is configured with.  Replaced as a whole (copy, change,
 * rcu_assign_pointer, kfree_rcu) under RTNL; the data path reads it under
 * rcu_read_lock() and never sees half an update.
 */
struct kvti_params {
	struct rcu_head rcu;
	sa_family_t family;		/* AF_INET, AF_INET6, or 0 if unconfigured */
	bool has_local;
	bool has_remote;
	bool has_key;
	union kvti_addr local;
	union kvti_addr remote;
	u32 key;
	u8 df_mode;			/* enum kvti_df_mode */
	u8 encap;			/* enum kvti_encap */
	u16 sport;			/* host order; valid with KVTI_ENCAP_UDP */
	u16 dport;
	u32 replay_window;		/* default for the tunnel's SAs */
	int link;			/* KVTI_A_LINK: underlay ifindex, 0 = any */
};

/*
 * Per-CPU counters, indexed by enum kvti_stat.  Writers are the CPU's own
 * data path (softirq or process context with BH off), readers sum over all
 * CPUs under the u64_stats retry loop.
 */
struct kvti_pcpu_stats {
	u64 c[__KVTI_STAT_MAX];
	struct u64_stats_sync syncp;
};

/* netdev_priv() of a kvti netdev. */
struct kvti_tunnel {
	struct net_device *dev;

	/* Read by the data path under RCU, written under RTNL. */
	struct kvti_params __rcu *params;

	struct kvti_pcpu_stats __percpu *stats;

	/* Newest outbound SA: written under kvti_net.sa_lock, read under RCU
	 * by transmit.  NULL means no carrier.
	 */
	struct kvti_sa __rcu *sa_out;
	struct list_head sas;		/* all SAs of the tunnel; kvti_net.sa_lock */
	unsigned long last_acquire;	/* jiffies; racy rate limit, fine */
	struct dst_cache dst_cache;	/* outer route; its own per-CPU locking */
	struct gro_cells gro_cells;

	/* Everything below is protected by RTNL. */
	struct list_head node;		/* in kvti_net.tunnels (RCU list) */
	bool listed;			/* node is linked */
	bool is_template;		/* fixed at creation */
	bool mtu_auto;			/* MTU derived from the underlay */
	bool dying;			/* queued for unregistration */
	struct kvti_tunnel *tmpl;	/* a clone's template, NULL otherwise */
	struct list_head clones;	/* a template's clones */
	struct list_head clone_node;	/* in tmpl->clones */

	/* The user's UDP socket that ESP in UDP arrives on, or NULL; not
	 * needed to transmit.  kvti_udp_lock (udp.c); read with READ_ONCE
	 * for reports.
	 */
	struct kvti_udp_sock *usock;
	struct list_head udp_node;	/* in usock->tunnels */
};

#define KVTI_SA_HASH_BITS	10

/* Per network namespace state. */
struct kvti_net {
	struct net *net;
	/* Written under RTNL, walked under RCU by receive (local addresses). */
	struct list_head tunnels;

	/*
	 * The SA database.  sa_lock (BH-safe: SAs also expire from timers and
	 * from the data path) protects writers of sa_in, sa_ids, spi_resv and
	 * every tunnel's sas/sa_out; receive looks up sa_in under RCU.
	 * Lock order: RTNL, then sa_lock.
	 */
	spinlock_t sa_lock;
	DECLARE_HASHTABLE(sa_in, KVTI_SA_HASH_BITS);	/* inbound SAs by SPI */
	DECLARE_HASHTABLE(spi_resv, 6);			/* SPI_ALLOC reservations */
	struct idr sa_ids;
	unsigned int n_sas;
	struct ratelimit_state invalid_spi_rs;	/* INVALID_SPI events */

	/* UDP sockets with our ESP-in-UDP hooks; kvti_udp_lock (udp.c). */
	struct list_head udp_socks;
};

/* Soft and hard limits of an SA; 0 is no limit. */
struct kvti_lifetime {
	u64 seconds;
	u64 bytes;
	u64 packets;
};

/* kvti_sa.flags */
enum {
	KVTI_SA_DEAD,		/* unlinked; no new packets */
	KVTI_SA_SOFT_FIRED,
	KVTI_SA_IDLE_FIRED,
};

#define KVTI_ALG_NAME_MAX	64

/*
 * A security association.  Created whole by kvti_sa_create(), then only its
 * counters, replay window and flags change.  Found under RCU (sa_in, or the
 * tunnel's sa_out); a packet whose crypto may go asynchronous holds a
 * reference.  The last reference frees it from a workqueue, because freeing
 * a crypto transform may sleep.  An SA holds its tunnel's netdev, so the
 * tunnel outlives every packet in flight.
 */
struct kvti_sa {
	struct kvti_tunnel *tunnel;
	struct net *net;
	u32 id;
	__be32 spi;
	u8 dir;				/* enum kvti_dir */
	bool esn;
	bool iv_from_seq;		/* AEADs: IV = 64-bit sequence number */
	sa_family_t family;
	union kvti_addr daddr;		/* inbound: our address the SPI is for */

	struct crypto_aead *aead;
	u8 ivlen;
	u8 icvlen;
	u8 blksize;			/* ESP payload alignment, at least 4 */
	u8 salt_len;
	char alg[KVTI_ALG_NAME_MAX];	/* AEAD, or encryption algorithm */
	char auth[KVTI_ALG_NAME_MAX];	/* integrity algorithm, or "" */
	u16 enc_key_bits;
	u16 auth_key_bits;

	struct kvti_lifetime soft;
	struct kvti_lifetime hard;
	u32 idle_time;			/* seconds, 0 = none */
	unsigned long created;		/* jiffies */
	unsigned long last_used;	/* jiffies, WRITE_ONCE from the data path */

	atomic64_t seq_out;		/* outbound: last sequence number used */
	atomic64_t life_bytes;		/* both directions, for the limits */
	atomic64_t life_packets;
	unsigned long flags;
	unsigned long last_replay_event;

	spinlock_t replay_lock;		/* inbound: the window */
	struct kvti_replay replay;

	struct kvti_pcpu_stats __percpu *stats;
	refcount_t ref;
	struct hlist_node hash_node;	/* kvti_net.sa_in */
	struct list_head tun_node;	/* kvti_tunnel.sas */
	struct timer_list timer;	/* lifetimes and idle */
	struct rcu_head rcu;
	struct work_struct free_work;
};

/* Per-packet state kept in skb->cb across asynchronous crypto. */
struct kvti_skb_cb {
	struct kvti_sa *sa;		/* holds a reference */
	void *tmp;			/* aead request, IV, sg list */
	u64 seq;
	__be32 esn_saved;		/* bytes the ESN high half displaced */
	u32 inner_len;			/* tx: inner length; rx: ESP text length */
	u8 outer_tos;
	bool df;			/* tx: outer IPv4 DF */
};

static inline struct kvti_skb_cb *kvti_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct kvti_skb_cb) > sizeof(skb->cb));
	return (struct kvti_skb_cb *)skb->cb;
}

extern unsigned int kvti_net_id;

static inline struct kvti_net *kvti_net(struct net *net)
{
	return net_generic(net, kvti_net_id);
}

/* Worst-case per-packet overhead of ESP on top of the outer IP header:
 * SPI + sequence number (8), IV (16), padding to a 16-byte block plus the
 * pad-length and next-header bytes (15 + 2) and a 256-bit ICV (32).
 */
#define KVTI_ESP_MAX_OVERHEAD	(8 + 16 + 17 + 32)
#define KVTI_UDP_ENCAP_LEN	8

/* Sequence numbers left when an outbound SA asks to be rekeyed. */
#define SEQ_SOFT_MARGIN		BIT_ULL(24)

/* NL_SET_ERR_MSG_ATTR() for a message chosen at run time; @msg must be a
 * string literal, since the ack is built after the handler returns.
 */
static inline void kvti_err(struct netlink_ext_ack *extack,
			    const struct nlattr *attr, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

/* device.c */
extern struct rtnl_link_ops kvti_link_ops;
int kvti_device_init(void);
void kvti_device_exit(void);
struct kvti_tunnel *kvti_tunnel_create(struct net *net, const char *name,
				       struct kvti_params *p, bool is_template,
				       struct kvti_tunnel *tmpl,
				       struct kvti_udp_sock *us, u32 mtu,
				       struct netlink_ext_ack *extack);
void kvti_tunnel_queue_del(struct kvti_tunnel *t, struct list_head *head);
struct kvti_tunnel *kvti_tunnel_from_dev(struct net_device *dev);
int kvti_tunnel_update(struct kvti_tunnel *t, struct kvti_params *p,
		       bool set_mtu, u32 mtu);
int kvti_tunnel_set_mtu(struct kvti_tunnel *t, u32 mtu);
struct kvti_tunnel *kvti_tunnel_find_endpoints(struct kvti_net *kn,
					       const struct kvti_params *p,
					       const struct kvti_tunnel *except);

/* sa.c */
struct kvti_sa_config {
	struct kvti_tunnel *tunnel;
	u8 dir;
	__be32 spi;
	const char *aead_alg;		/* either this ... */
	const char *enc_alg;		/* ... or these two */
	const char *auth_alg;
	const u8 *enc_key;
	unsigned int enc_key_len;
	const u8 *auth_key;
	unsigned int auth_key_len;
	unsigned int icv_bits;
	bool esn;
	u32 replay_window;
	struct kvti_lifetime soft;
	struct kvti_lifetime hard;
	u32 idle_time;
	u64 seq_out;
};

int kvti_sa_init(void);
void kvti_sa_exit(void);
void kvti_sa_net_init(struct kvti_net *kn);
void kvti_sa_net_exit(struct kvti_net *kn);
struct kvti_sa *kvti_sa_find_spi(struct kvti_tunnel *t, u8 dir, __be32 spi);
struct kvti_sa *kvti_sa_create(struct kvti_net *kn,
			       const struct kvti_sa_config *c,
			       struct netlink_ext_ack *extack);
void kvti_sa_put(struct kvti_sa *sa);
struct kvti_sa *kvti_sa_lookup_in(struct kvti_net *kn, __be32 spi,
				  sa_family_t family,
				  const union kvti_addr *daddr);
struct kvti_sa *kvti_sa_find(struct kvti_net *kn, u32 id);
bool kvti_sa_unlink(struct kvti_sa *sa);
void kvti_sa_flush_tunnel(struct kvti_tunnel *t);
unsigned int kvti_sa_flush_net(struct kvti_net *kn);
int kvti_sa_spi_alloc(struct kvti_net *kn, u32 lo, u32 hi, __be32 *spi);
bool kvti_sa_spi_taken(struct kvti_net *kn, __be32 spi);
bool kvti_sa_account(struct kvti_sa *sa, unsigned int len);
void kvti_sa_expire(struct kvti_sa *sa, bool hard);
unsigned int kvti_sa_overhead(const struct kvti_sa *sa);
int kvti_sa_setup_crypto(struct kvti_sa *sa, const struct kvti_sa_config *c,
			 struct netlink_ext_ack *extack);

/* esp.c */
int kvti_esp_init(void);
void kvti_esp_exit(void);
netdev_tx_t kvti_esp_xmit(struct kvti_tunnel *t, struct sk_buff *skb);
void kvti_esp_udp_rcv(struct sk_buff *skb);

/* udp.c */
int kvti_udp_get(struct net *net, int fd, sa_family_t family,
		 const struct nlattr *attr, struct kvti_udp_sock **usp,
		 struct netlink_ext_ack *extack);
struct kvti_udp_sock *kvti_udp_hold(struct kvti_tunnel *t);
void kvti_udp_put(struct kvti_udp_sock *us);
void kvti_udp_link(struct kvti_tunnel *t, struct kvti_udp_sock *us);
bool kvti_udp_attached(const struct kvti_tunnel *t);
void kvti_udp_net_init(struct kvti_net *kn);
void kvti_udp_net_exit(struct kvti_net *kn);
void kvti_udp_sync(void);

/* stats.c, and the tunnel and SA counters built on it */
void kvti_stats_add(struct kvti_pcpu_stats __percpu *stats,
		    enum kvti_stat what, u64 n);
void kvti_stats_sum(struct kvti_pcpu_stats __percpu *stats, u64 *sum);
void kvti_stats_zero(struct kvti_pcpu_stats __percpu *stats);

static inline void kvti_tunnel_count(struct kvti_tunnel *t,
				     enum kvti_stat what, u64 n)
{
	kvti_stats_add(t->stats, what, n);
}

static inline void kvti_sa_count(struct kvti_sa *sa, enum kvti_stat what,
				 u64 n)
{
	kvti_stats_add(sa->stats, what, n);
}

/* netlink.c */
const struct genl_family *kvti_nl_family(void);
struct kvti_tunnel *kvti_nl_find_tunnel(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack);
int kvti_netlink_init(void);
void kvti_netlink_stop(void);
void kvti_netlink_exit(void);
void kvti_netlink_tunnel_event(struct kvti_tunnel *t, u8 cmd);
void kvti_netlink_sa_event(struct kvti_sa *sa, u8 cmd, bool hard);
void kvti_netlink_acquire(struct kvti_tunnel *t);
void kvti_netlink_invalid_spi(struct net *net, struct kvti_tunnel *t,
			      __be32 spi, sa_family_t family,
			      const union kvti_addr *src);

/* netlink_sa.c */
extern const struct nla_policy kvti_sa_new_policy[KVTI_A_MAX + 1];
extern const struct nla_policy kvti_sa_id_policy[KVTI_A_MAX + 1];
extern const struct nla_policy kvti_spi_alloc_policy[KVTI_A_MAX + 1];
int kvti_nl_sa_new(struct sk_buff *skb, struct genl_info *info);
int kvti_nl_sa_del(struct sk_buff *skb, struct genl_info *info);
int kvti_nl_sa_get(struct sk_buff *skb, struct genl_info *info);
int kvti_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb);
int kvti_nl_sa_flush(struct sk_buff *skb, struct genl_info *info);
int kvti_nl_spi_alloc(struct sk_buff *skb, struct genl_info *info);
int kvti_nl_stats_clear(struct sk_buff *skb, struct genl_info *info);

#endif /* _KVTI_H */
