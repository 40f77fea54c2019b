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
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <linux/kvti.h>

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

	/* Everything below is protected by RTNL. */
	struct list_head node;		/* in kvti_net.tunnels */
	bool is_template;		/* fixed at creation */
	bool mtu_auto;			/* MTU derived from the underlay */
	bool dying;			/* queued for unregistration */
	struct kvti_tunnel *tmpl;	/* a clone's template, NULL otherwise */
	struct list_head clones;	/* a template's clones */
	struct list_head clone_node;	/* in tmpl->clones */
};

/* Per network namespace state. */
struct kvti_net {
	struct net *net;
	struct list_head tunnels;	/* RTNL */
};

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

/* device.c */
extern struct rtnl_link_ops kvti_link_ops;
int kvti_device_init(void);
void kvti_device_exit(void);
struct kvti_tunnel *kvti_tunnel_create(struct net *net, const char *name,
				       struct kvti_params *p, bool is_template,
				       struct kvti_tunnel *tmpl, u32 mtu,
				       struct netlink_ext_ack *extack);
void kvti_tunnel_queue_del(struct kvti_tunnel *t, struct list_head *head);
struct kvti_tunnel *kvti_tunnel_from_dev(struct net_device *dev);
int kvti_tunnel_set_params(struct kvti_tunnel *t, struct kvti_params *p);
int kvti_tunnel_set_mtu(struct kvti_tunnel *t, u32 mtu);
struct kvti_tunnel *kvti_tunnel_find_endpoints(struct kvti_net *kn,
					       const struct kvti_params *p,
					       const struct kvti_tunnel *except);
void kvti_tunnel_stats(struct kvti_tunnel *t, u64 *sum);
void kvti_tunnel_stats_clear(struct kvti_tunnel *t);
void kvti_tunnel_count(struct kvti_tunnel *t, enum kvti_stat what, u64 n);

/* netlink.c */
int kvti_netlink_init(void);
void kvti_netlink_stop(void);
void kvti_netlink_exit(void);
void kvti_netlink_tunnel_event(struct kvti_tunnel *t, u8 cmd);

#endif /* _KVTI_H */
