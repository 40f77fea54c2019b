// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - the "kvti" generic netlink family: tunnel commands and events.
 *
 * Every command has its own strict policy, so an attribute a command does
 * not take is refused by the core ("Unsupported attribute", with its offset)
 * before we run.  What the policy cannot say (ranges, families, which
 * attributes go together) is checked here, and every refusal names the
 * attribute in its extack message and points at it.  Nothing is changed
 * until everything has been checked.
 *
 * Locking: the family is not parallel_ops, so handlers are serialised by
 * genl_mutex; each one takes RTNL around the tunnel list and netdev state.
 */
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "kvti.h"

static struct genl_family kvti_family;

enum kvti_mcgrp {
	KVTI_MCGRP_EVENTS_ID,
};

/*
 * Events name SAs, SPIs and outer addresses, as XFRM's groups do, which
 * only CAP_NET_ADMIN may join: so here too, over the namespace (a user
 * namespace's root may watch its own).  Kernels without the flag (it
 * came in 6.7 and stable backports) let anyone join.
 */
static const struct genl_multicast_group kvti_mcgrps[] = {
	[KVTI_MCGRP_EVENTS_ID] = {
		.name = KVTI_MCGRP_EVENTS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

/*
 * Set when the module starts to unload, with kvti_ops_sem held for writing:
 * from then on no request runs.  Every doit holds kvti_ops_sem
 * for reading (kvti_pre_doit to kvti_post_doit), so setting the flag also
 * waits for the requests in flight.  Without it a request that does not
 * take RTNL (SPI_ALLOC) could reach a namespace's struct kvti_net after
 * unregister_pernet_device() freed it and before the family is gone (a
 * KASAN use-after-free seen with rmmod under SA churn).  Dumps hold a
 * reference on the module, so rmmod cannot start under one.
 */
static DECLARE_RWSEM(kvti_ops_sem);
static bool kvti_unloading;

#define ADDR_POLICY { .type = NLA_BINARY, .len = sizeof(struct in6_addr) }

static const struct nla_policy tunnel_new_policy[KVTI_A_MAX + 1] = {
	[KVTI_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[KVTI_A_LOCAL]		= ADDR_POLICY,
	[KVTI_A_REMOTE]		= ADDR_POLICY,
	[KVTI_A_KEY]		= { .type = NLA_U32 },
	[KVTI_A_MTU]		= { .type = NLA_U32 },
	[KVTI_A_DF_MODE]	= { .type = NLA_U8 },
	[KVTI_A_REPLAY_WINDOW]	= { .type = NLA_U32 },
	[KVTI_A_TEMPLATE]	= { .type = NLA_FLAG },
	[KVTI_A_TEMPLATE_IFINDEX] = { .type = NLA_U32 },
	[KVTI_A_ENCAP]		= { .type = NLA_U8 },
	[KVTI_A_ENCAP_SPORT]	= { .type = NLA_U16 },
	[KVTI_A_ENCAP_DPORT]	= { .type = NLA_U16 },
	[KVTI_A_ENCAP_FD]	= { .type = NLA_S32 },
	[KVTI_A_LINK]		= { .type = NLA_U32 },
};

static const struct nla_policy tunnel_set_policy[KVTI_A_MAX + 1] = {
	[KVTI_A_IFINDEX]	= { .type = NLA_U32 },
	[KVTI_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[KVTI_A_LOCAL]		= ADDR_POLICY,
	[KVTI_A_REMOTE]		= ADDR_POLICY,
	[KVTI_A_KEY]		= { .type = NLA_U32 },
	[KVTI_A_MTU]		= { .type = NLA_U32 },
	[KVTI_A_DF_MODE]	= { .type = NLA_U8 },
	[KVTI_A_REPLAY_WINDOW]	= { .type = NLA_U32 },
	[KVTI_A_ENCAP]		= { .type = NLA_U8 },
	[KVTI_A_ENCAP_SPORT]	= { .type = NLA_U16 },
	[KVTI_A_ENCAP_DPORT]	= { .type = NLA_U16 },
	[KVTI_A_ENCAP_FD]	= { .type = NLA_S32 },
	[KVTI_A_LINK]		= { .type = NLA_U32 },
};

static const struct nla_policy tunnel_id_policy[KVTI_A_MAX + 1] = {
	[KVTI_A_IFINDEX]	= { .type = NLA_U32 },
	[KVTI_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

const struct genl_family *kvti_nl_family(void)
{
	return &kvti_family;
}

/* Finds the kvti tunnel named by IFINDEX or IFNAME in @net. */
struct kvti_tunnel *kvti_nl_find_tunnel(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL;
	struct nlattr *a;
	struct kvti_tunnel *t;

	ASSERT_RTNL();
	if (attrs[KVTI_A_IFINDEX]) {
		a = attrs[KVTI_A_IFINDEX];
		dev = __dev_get_by_index(net, nla_get_u32(a));
	} else if (attrs[KVTI_A_IFNAME]) {
		a = attrs[KVTI_A_IFNAME];
		dev = __dev_get_by_name(net, nla_data(a));
	} else {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_IFNAME or KVTI_A_IFINDEX is required to name the tunnel");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	t = kvti_tunnel_from_dev(dev);
	if (!t) {
		NL_SET_ERR_MSG_ATTR(extack, a, "device is not a kvti tunnel");
		return ERR_PTR(-EINVAL);
	}
	return t;
}

static int parse_addr(const struct nlattr *a, bool remote,
		      union kvti_addr *addr, sa_family_t *family,
		      struct netlink_ext_ack *extack)
{
	if (nla_len(a) == sizeof(__be32)) {
		__be32 ip = nla_get_in_addr(a);

		if (ipv4_is_multicast(ip) || ipv4_is_zeronet(ip) ||
		    ipv4_is_lbcast(ip)) {
			kvti_err(extack, a, remote ?
				 "KVTI_A_REMOTE: not a unicast address" :
				 "KVTI_A_LOCAL: not a unicast address");
			return -EINVAL;
		}
		addr->ip = ip;
		*family = AF_INET;
		return 0;
	}
	if (nla_len(a) == sizeof(struct in6_addr)) {
		struct in6_addr ip6 = nla_get_in6_addr(a);

		if (ipv6_addr_any(&ip6) || ipv6_addr_is_multicast(&ip6) ||
		    ipv6_addr_v4mapped(&ip6)) {
			kvti_err(extack, a, remote ?
				 "KVTI_A_REMOTE: not a unicast address" :
				 "KVTI_A_LOCAL: not a unicast address");
			return -EINVAL;
		}
		addr->ip6 = ip6;
		*family = AF_INET6;
		return 0;
	}
	kvti_err(extack, a, remote ?
		 "KVTI_A_REMOTE: must be 4 (IPv4) or 16 (IPv6) bytes" :
		 "KVTI_A_LOCAL: must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

static int check_mtu(struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[KVTI_A_MTU];
	u32 mtu;

	if (!a)
		return 0;
	mtu = nla_get_u32(a);
	if (mtu && (mtu < KVTI_MTU_MIN || mtu > KVTI_MTU_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KVTI_A_MTU: out of range (68..65400, or 0 for automatic)");
		return -ERANGE;
	}
	return 0;
}

/*
 * Applies the tunnel attributes in @attrs to @p (a private copy).  Returns
 * an error, with extack set, on anything invalid; @p is then garbage.
 */
static int apply_params(struct net *net, struct kvti_params *p,
			struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	sa_family_t lfam = p->has_local ? p->family : 0;
	sa_family_t rfam = p->has_remote ? p->family : 0;
	struct nlattr *a;
	int err;

	a = attrs[KVTI_A_LOCAL];
	if (a) {
		err = parse_addr(a, false, &p->local, &lfam, extack);
		if (err)
			return err;
		p->has_local = true;
	}
	a = attrs[KVTI_A_REMOTE];
	if (a) {
		err = parse_addr(a, true, &p->remote, &rfam, extack);
		if (err)
			return err;
		p->has_remote = true;
	}
	if (lfam && rfam && lfam != rfam) {
		a = attrs[KVTI_A_REMOTE] ? attrs[KVTI_A_REMOTE] : attrs[KVTI_A_LOCAL];
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KVTI_A_LOCAL and KVTI_A_REMOTE must be of the same address family");
		return -EINVAL;
	}
	p->family = lfam ? lfam : rfam;

	if (attrs[KVTI_A_KEY]) {
		p->key = nla_get_u32(attrs[KVTI_A_KEY]);
		p->has_key = true;
	}

	a = attrs[KVTI_A_DF_MODE];
	if (a) {
		if (nla_get_u8(a) > KVTI_DF_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_DF_MODE: must be copy (0), set (1) or clear (2)");
			return -EINVAL;
		}
		p->df_mode = nla_get_u8(a);
	}

	a = attrs[KVTI_A_REPLAY_WINDOW];
	if (a) {
		u32 w = nla_get_u32(a);

		if (w && (w < KVTI_REPLAY_MIN || w > KVTI_REPLAY_MAX)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_REPLAY_WINDOW: must be 0 (off) or 32..4096");
			return -ERANGE;
		}
		p->replay_window = w;
	}

	a = attrs[KVTI_A_ENCAP];
	if (a) {
		if (nla_get_u8(a) > KVTI_ENCAP_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_ENCAP: must be none (0) or udp (1)");
			return -EINVAL;
		}
		p->encap = nla_get_u8(a);
		if (p->encap == KVTI_ENCAP_UDP && !p->sport) {
			p->sport = 4500;
			p->dport = 4500;
		}
	}
	if (attrs[KVTI_A_ENCAP_SPORT] || attrs[KVTI_A_ENCAP_DPORT]) {
		a = attrs[KVTI_A_ENCAP_SPORT] ? attrs[KVTI_A_ENCAP_SPORT] :
						attrs[KVTI_A_ENCAP_DPORT];
		if (p->encap != KVTI_ENCAP_UDP) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_ENCAP_SPORT/DPORT need KVTI_A_ENCAP udp");
			return -EINVAL;
		}
		if (attrs[KVTI_A_ENCAP_SPORT])
			p->sport = nla_get_u16(attrs[KVTI_A_ENCAP_SPORT]);
		if (attrs[KVTI_A_ENCAP_DPORT])
			p->dport = nla_get_u16(attrs[KVTI_A_ENCAP_DPORT]);
		if (!p->sport || !p->dport) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_ENCAP_SPORT/DPORT: port 0 is not allowed");
			return -EINVAL;
		}
	}
	a = attrs[KVTI_A_LINK];
	if (a) {
		struct net_device *dev = NULL;

		if (nla_get_u32(a)) {
			dev = __dev_get_by_index(net, nla_get_u32(a));
			if (!dev) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "KVTI_A_LINK: no such device in this namespace");
				return -ENODEV;
			}
			if (kvti_tunnel_from_dev(dev)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "KVTI_A_LINK: a kvti tunnel cannot carry another's ESP");
				return -EINVAL;
			}
		}
		p->link = dev ? dev->ifindex : 0;
	}

	a = attrs[KVTI_A_ENCAP_FD];
	if (a && p->encap != KVTI_ENCAP_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KVTI_A_ENCAP_FD needs KVTI_A_ENCAP udp");
		return -EINVAL;
	}
	return 0;
}

/*
 * The UDP socket a tunnel with parameters @p receives ESP in UDP on, in
 * *@usp (a reference, or NULL for none): the one KVTI_A_ENCAP_FD names,
 * else the one @keep has (the tunnel itself on SET, the template of a
 * clone) while encap stays udp in the same family.  Called once all else
 * is checked: attaching a new socket is the one step with an effect.
 */
static int resolve_socket(struct net *net, const struct kvti_params *p,
			  struct nlattr **attrs, struct kvti_tunnel *keep,
			  struct kvti_udp_sock **usp,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[KVTI_A_ENCAP_FD];

	*usp = NULL;
	if (p->encap != KVTI_ENCAP_UDP)
		return 0;
	if (a)
		return kvti_udp_get(net, nla_get_s32(a), p->family, a, usp,
				    extack);
	if (keep && rtnl_dereference(keep->params)->family == p->family)
		*usp = kvti_udp_hold(keep);
	return 0;
}

/* What a configured tunnel must have, once all attributes are applied. */
static int check_complete(const struct kvti_params *p, bool is_template,
			  struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	if (!p->has_local) {
		NL_SET_ERR_MSG(extack, "KVTI_A_LOCAL: a local address is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, KVTI_A_LOCAL);
		return -EINVAL;
	}
	if (is_template && p->has_remote) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_REMOTE],
				    "KVTI_A_REMOTE: a template has no remote address");
		return -EINVAL;
	}
	if (!is_template && !p->has_remote) {
		NL_SET_ERR_MSG(extack, "KVTI_A_REMOTE: a remote address is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, KVTI_A_REMOTE);
		return -EINVAL;
	}
	return 0;
}

static int check_unique(struct net *net, const struct kvti_params *p,
			const struct kvti_tunnel *self, struct nlattr **attrs,
			struct netlink_ext_ack *extack)
{
	if (!kvti_tunnel_find_endpoints(kvti_net(net), p, self))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_REMOTE],
			    "KVTI_A_REMOTE: another tunnel already has these endpoints and key");
	return -EEXIST;
}

static int put_addr(struct sk_buff *skb, int type, sa_family_t family,
		    const union kvti_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, type, addr->ip);
	return nla_put_in6_addr(skb, type, &addr->ip6);
}

static int put_stats(struct sk_buff *skb, struct kvti_tunnel *t)
{
	u64 c[__KVTI_STAT_MAX];
	struct nlattr *nest;
	int i;

	kvti_stats_sum(t->stats, c);
	nest = nla_nest_start(skb, KVTI_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = KVTI_STAT_RX_PACKETS; i < KVTI_STAT_PAD; i++)
		if (nla_put_u64_64bit(skb, i, c[i], KVTI_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_tunnel(struct sk_buff *skb, struct kvti_tunnel *t, u32 portid,
		       u32 seq, int flags, u8 cmd)
{
	const struct kvti_params *p = rtnl_dereference(t->params);
	void *hdr;

	ASSERT_RTNL();
	hdr = genlmsg_put(skb, portid, seq, &kvti_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KVTI_A_IFINDEX, t->dev->ifindex) ||
	    nla_put_string(skb, KVTI_A_IFNAME, t->dev->name) ||
	    (p->has_local &&
	     put_addr(skb, KVTI_A_LOCAL, p->family, &p->local)) ||
	    (p->has_remote &&
	     put_addr(skb, KVTI_A_REMOTE, p->family, &p->remote)) ||
	    (p->has_key && nla_put_u32(skb, KVTI_A_KEY, p->key)) ||
	    nla_put_u32(skb, KVTI_A_MTU, t->dev->mtu) ||
	    nla_put_u8(skb, KVTI_A_DF_MODE, p->df_mode) ||
	    nla_put_u32(skb, KVTI_A_REPLAY_WINDOW, p->replay_window) ||
	    (t->is_template && nla_put_flag(skb, KVTI_A_TEMPLATE)) ||
	    (t->tmpl && nla_put_u32(skb, KVTI_A_TEMPLATE_IFINDEX,
				    t->tmpl->dev->ifindex)) ||
	    nla_put_u8(skb, KVTI_A_ENCAP, p->encap) ||
	    (p->link && nla_put_u32(skb, KVTI_A_LINK, p->link)) ||
	    (p->encap == KVTI_ENCAP_UDP &&
	     (nla_put_u16(skb, KVTI_A_ENCAP_SPORT, p->sport) ||
	      nla_put_u16(skb, KVTI_A_ENCAP_DPORT, p->dport) ||
	      nla_put_u8(skb, KVTI_A_ENCAP_SOCKET, kvti_udp_attached(t)))) ||
	    nla_put_u8(skb, KVTI_A_CARRIER, !netif_dormant(t->dev)) ||
	    put_stats(skb, t)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Multicasts a tunnel event to the tunnel's namespace.  RTNL held. */
void kvti_netlink_tunnel_event(struct kvti_tunnel *t, u8 cmd)
{
	struct net *net = dev_net(t->dev);
	struct sk_buff *skb;

	if (!genl_has_listeners(&kvti_family, net, KVTI_MCGRP_EVENTS_ID))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (fill_tunnel(skb, t, 0, 0, 0, cmd)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast_netns(&kvti_family, net, skb, 0,
				KVTI_MCGRP_EVENTS_ID, GFP_KERNEL);
}

/* A packet met a tunnel without an outbound SA: ask the keyer for one.
 * At most one event per tunnel per second.  Data path context.
 */
void kvti_netlink_acquire(struct kvti_tunnel *t)
{
	unsigned long last = READ_ONCE(t->last_acquire);
	struct net *net = dev_net(t->dev);
	const struct kvti_params *p;
	struct sk_buff *skb;
	void *hdr;

	if (last && time_in_range(jiffies, last, last + HZ))
		return;
	WRITE_ONCE(t->last_acquire, jiffies);
	if (!genl_has_listeners(&kvti_family, net, KVTI_MCGRP_EVENTS_ID))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	rcu_read_lock();
	p = rcu_dereference(t->params);
	hdr = genlmsg_put(skb, 0, 0, &kvti_family, 0, KVTI_CMD_EV_ACQUIRE);
	if (!hdr ||
	    nla_put_u32(skb, KVTI_A_IFINDEX, t->dev->ifindex) ||
	    nla_put_string(skb, KVTI_A_IFNAME, t->dev->name) ||
	    (p->has_local && put_addr(skb, KVTI_A_LOCAL, p->family, &p->local)) ||
	    (p->has_remote &&
	     put_addr(skb, KVTI_A_REMOTE, p->family, &p->remote))) {
		rcu_read_unlock();
		nlmsg_free(skb);
		return;
	}
	rcu_read_unlock();
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&kvti_family, net, skb, 0,
				KVTI_MCGRP_EVENTS_ID, GFP_ATOMIC);
}

/* ESP with an SPI nobody has arrived at @t's address from @src. */
void kvti_netlink_invalid_spi(struct net *net, struct kvti_tunnel *t,
			      __be32 spi, sa_family_t family,
			      const union kvti_addr *src)
{
	const struct kvti_params *p;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&kvti_family, net, KVTI_MCGRP_EVENTS_ID) ||
	    !__ratelimit(&kvti_net(net)->invalid_spi_rs))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	p = rcu_dereference(t->params);
	hdr = genlmsg_put(skb, 0, 0, &kvti_family, 0, KVTI_CMD_EV_INVALID_SPI);
	if (!hdr ||
	    nla_put_u32(skb, KVTI_A_SA_SPI, ntohl(spi)) ||
	    put_addr(skb, KVTI_A_SA_SRC, family, src) ||
	    put_addr(skb, KVTI_A_LOCAL, p->family, &p->local) ||
	    nla_put_u32(skb, KVTI_A_IFINDEX, t->dev->ifindex) ||
	    nla_put_string(skb, KVTI_A_IFNAME, t->dev->name)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&kvti_family, net, skb, 0,
				KVTI_MCGRP_EVENTS_ID, GFP_ATOMIC);
}

/* Answers @info with the tunnel's attributes in @skb, which it takes. */
static int send_tunnel(struct sk_buff *skb, struct kvti_tunnel *t,
		       struct genl_info *info, u8 cmd)
{
	int err = fill_tunnel(skb, t, info->snd_portid, info->snd_seq, 0, cmd);

	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return genlmsg_reply(skb, info);
}

static int reply_tunnel(struct kvti_tunnel *t, struct genl_info *info, u8 cmd)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!skb)
		return -ENOMEM;
	return send_tunnel(skb, t, info, cmd);
}

/*
 * The echo of a request that changes something is allocated before the
 * change: once the change is made, the request must not fail, or the
 * caller (the keyer) believes it refused while the kernel has it.
 * Returns 0 with *@skb NULL when no echo was asked for.
 */
static int echo_new(struct genl_info *info, struct sk_buff **skb)
{
	*skb = NULL;
	if (!(info->nlhdr->nlmsg_flags & NLM_F_ECHO))
		return 0;
	*skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	return *skb ? 0 : -ENOMEM;
}

static int tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	bool is_template = attrs[KVTI_A_TEMPLATE];
	struct kvti_tunnel *tmpl = NULL, *t;
	const char *name = NULL, *pct;
	struct kvti_udp_sock *us;
	struct kvti_params *p;
	struct sk_buff *echo;
	u32 mtu = 0;
	int err;

	if (attrs[KVTI_A_IFNAME]) {
		name = nla_data(attrs[KVTI_A_IFNAME]);
		if (!dev_valid_name(name)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_IFNAME],
					    "KVTI_A_IFNAME: not a valid interface name");
			return -EINVAL;
		}
		/* The core numbers one "%d" (kvti%d) and refuses any other
		 * '%' in register_netdevice(), without a message.
		 */
		pct = strchr(name, '%');
		if (pct && (pct[1] != 'd' || strchr(pct + 2, '%'))) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_IFNAME],
					    "KVTI_A_IFNAME: one %d at most, and no other '%'");
			return -EINVAL;
		}
	}
	err = check_mtu(attrs, extack);
	if (err)
		return err;
	if (attrs[KVTI_A_MTU])
		mtu = nla_get_u32(attrs[KVTI_A_MTU]);
	err = echo_new(info, &echo);
	if (err)
		return err;

	rtnl_lock();
	if (attrs[KVTI_A_TEMPLATE_IFINDEX]) {
		struct net_device *dev;

		dev = __dev_get_by_index(net,
					 nla_get_u32(attrs[KVTI_A_TEMPLATE_IFINDEX]));
		tmpl = kvti_tunnel_from_dev(dev);
		if (!tmpl || !tmpl->is_template) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_TEMPLATE_IFINDEX],
					    "KVTI_A_TEMPLATE_IFINDEX: not a kvti template in this namespace");
			err = -EINVAL;
			goto out_unlock;
		}
		if (is_template) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_TEMPLATE],
					    "KVTI_A_TEMPLATE: a clone cannot itself be a template");
			err = -EINVAL;
			goto out_unlock;
		}
		p = kmemdup(rtnl_dereference(tmpl->params), sizeof(*p),
			    GFP_KERNEL);
	} else {
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		if (p) {
			p->df_mode = KVTI_DF_COPY;
			p->replay_window = KVTI_REPLAY_DEFAULT;
		}
	}
	if (!p) {
		err = -ENOMEM;
		goto out_unlock;
	}

	err = apply_params(net, p, attrs, extack);
	if (!err)
		err = check_complete(p, is_template, attrs, extack);
	if (!err && !is_template)
		err = check_unique(net, p, NULL, attrs, extack);
	if (!err)
		err = resolve_socket(net, p, attrs, tmpl, &us, extack);
	if (err) {
		kfree(p);
		goto out_unlock;
	}

	t = kvti_tunnel_create(net, name, p, is_template, tmpl, us, mtu, extack);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out_unlock;
	}
	if (echo) {
		err = send_tunnel(echo, t, info, KVTI_CMD_TUNNEL_NEW);
		echo = NULL;
	}
out_unlock:
	rtnl_unlock();
	nlmsg_free(echo);
	return err;
}

static int tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct kvti_udp_sock *us;
	struct kvti_params *p;
	struct kvti_tunnel *t;
	struct sk_buff *echo;
	struct nlattr *a;
	int err;

	err = check_mtu(attrs, extack);
	if (!err)
		err = echo_new(info, &echo);
	if (err)
		return err;

	rtnl_lock();
	t = kvti_nl_find_tunnel(net, attrs, extack);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out_unlock;
	}
	p = kmemdup(rtnl_dereference(t->params), sizeof(*p), GFP_KERNEL);
	if (!p) {
		err = -ENOMEM;
		goto out_unlock;
	}
	err = apply_params(net, p, attrs, extack);
	if (!err && attrs[KVTI_A_LOCAL] && !list_empty(&t->sas) &&
	    (p->family != rtnl_dereference(t->params)->family ||
	     memcmp(&p->local, &rtnl_dereference(t->params)->local,
		    sizeof(p->local)))) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_LOCAL],
				    "KVTI_A_LOCAL: cannot move a tunnel with SAs; flush them first");
		err = -EBUSY;
	}
	if (!err && t->is_template && p->has_remote) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_REMOTE],
				    "KVTI_A_REMOTE: a template has no remote address");
		err = -EINVAL;
	}
	if (!err && !t->is_template)
		err = check_unique(net, p, t, attrs, extack);
	if (!err)
		err = resolve_socket(net, p, attrs, t, &us, extack);
	if (err) {
		kfree(p);
		goto out_unlock;
	}

	a = attrs[KVTI_A_MTU];
	err = kvti_tunnel_update(t, p, a, a ? nla_get_u32(a) : 0);
	if (err)
		kvti_udp_put(us);
	else
		kvti_udp_link(t, us);
	if (!err && echo) {
		err = send_tunnel(echo, t, info, KVTI_CMD_TUNNEL_SET);
		echo = NULL;
	}
out_unlock:
	rtnl_unlock();
	nlmsg_free(echo);
	return err;
}

static int tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_tunnel *t;
	LIST_HEAD(kill);
	int err = 0;

	rtnl_lock();
	t = kvti_nl_find_tunnel(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out_unlock;
	}
	/* "ip link del" of a template takes its clones along (it cannot be
	 * refused); here the operator is asked to be explicit.
	 */
	if (!list_empty(&t->clones)) {
		NL_SET_ERR_MSG(info->extack,
			       "KVTI_A_IFNAME: template still has clones; delete them first");
		err = -EBUSY;
		goto out_unlock;
	}
	kvti_tunnel_queue_del(t, &kill);
	unregister_netdevice_many(&kill);
out_unlock:
	rtnl_unlock();
	return err;
}

static int tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_tunnel *t;
	int err;

	rtnl_lock();
	t = kvti_nl_find_tunnel(genl_info_net(info), info->attrs, info->extack);
	err = IS_ERR(t) ? PTR_ERR(t) : reply_tunnel(t, info, KVTI_CMD_TUNNEL_GET);
	rtnl_unlock();
	return err;
}

/* cb->args[0]: how many tunnels earlier calls of this dump sent. */
static int tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kvti_net *kn = kvti_net(sock_net(skb->sk));
	long skip = cb->args[0], n = 0;
	struct kvti_tunnel *t;

	rtnl_lock();
	list_for_each_entry(t, &kn->tunnels, node) {
		if (n++ < skip)
			continue;
		if (fill_tunnel(skb, t, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI,
				KVTI_CMD_TUNNEL_GET)) {
			n--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = n;
	return skb->len;
}

static const struct genl_ops kvti_ops[] = {
	{
		.cmd = KVTI_CMD_TUNNEL_NEW,
		.doit = tunnel_new,
		.policy = tunnel_new_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_TUNNEL_DEL,
		.doit = tunnel_del,
		.policy = tunnel_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_TUNNEL_SET,
		.doit = tunnel_set,
		.policy = tunnel_set_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_TUNNEL_GET,
		.doit = tunnel_get,
		.dumpit = tunnel_dump,
		.policy = tunnel_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_SA_NEW,
		.doit = kvti_nl_sa_new,
		.policy = kvti_sa_new_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_SA_DEL,
		.doit = kvti_nl_sa_del,
		.policy = kvti_sa_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_SA_GET,
		.doit = kvti_nl_sa_get,
		.dumpit = kvti_nl_sa_dump,
		.policy = kvti_sa_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_SA_FLUSH,
		.doit = kvti_nl_sa_flush,
		.policy = tunnel_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_SPI_ALLOC,
		.doit = kvti_nl_spi_alloc,
		.policy = kvti_spi_alloc_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* Tunnel counters: the same replies as TUNNEL_GET. */
		.cmd = KVTI_CMD_STATS_GET,
		.doit = tunnel_get,
		.dumpit = tunnel_dump,
		.policy = tunnel_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KVTI_CMD_STATS_CLEAR,
		.doit = kvti_nl_stats_clear,
		.policy = tunnel_id_policy,
		.maxattr = KVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static int kvti_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			 struct genl_info *info)
{
	down_read(&kvti_ops_sem);
	if (kvti_unloading) {
		up_read(&kvti_ops_sem);
		NL_SET_ERR_MSG(info->extack, "kvti is being unloaded");
		return -ENODEV;
	}
	return 0;
}

static void kvti_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	up_read(&kvti_ops_sem);
}

static struct genl_family kvti_family __ro_after_init = {
	.name		= KVTI_GENL_NAME,
	.version	= KVTI_GENL_VERSION,
	.maxattr	= KVTI_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= kvti_ops,
	.n_ops		= ARRAY_SIZE(kvti_ops),
	.pre_doit	= kvti_pre_doit,
	.post_doit	= kvti_post_doit,
	.mcgrps		= kvti_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kvti_mcgrps),
};

int __init kvti_netlink_init(void)
{
	return genl_register_family(&kvti_family);
}

/* First step of unloading: no request from now on, none still running. */
void kvti_netlink_stop(void)
{
	down_write(&kvti_ops_sem);
	kvti_unloading = true;
	up_write(&kvti_ops_sem);
}

void kvti_netlink_exit(void)
{
	genl_unregister_family(&kvti_family);
}
