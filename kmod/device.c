// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - the tunnel netdev: rtnl_link_ops, setup, transmit, counters.
 *
 * A kvti netdev is created either by rtnetlink (ip link add NAME type kvti,
 * unconfigured until "kvti tunnel set") or by the genl TUNNEL_NEW command,
 * which creates and configures it in one step.  Both end in
 * register_netdevice() under RTNL with dev->rtnl_link_ops set, so
 * "ip link del" and namespace teardown treat them alike.
 *
 * The underlay (where ESP goes) is the namespace the netdev was created in;
 * the device is NETNS_LOCAL so that the two never part.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "kvti.h"

static const struct net_device_ops kvti_netdev_ops;

struct kvti_tunnel *kvti_tunnel_from_dev(struct net_device *dev)
{
	if (!dev || dev->rtnl_link_ops != &kvti_link_ops)
		return NULL;
	return netdev_priv(dev);
}

static void kvti_get_stats64(struct net_device *dev,
			     struct rtnl_link_stats64 *st)
{
	struct kvti_tunnel *t = netdev_priv(dev);
	u64 c[__KVTI_STAT_MAX];

	kvti_stats_sum(t->stats, c);
	st->rx_packets = c[KVTI_STAT_RX_PACKETS];
	st->rx_bytes = c[KVTI_STAT_RX_BYTES];
	st->tx_packets = c[KVTI_STAT_TX_PACKETS];
	st->tx_bytes = c[KVTI_STAT_TX_BYTES];
	st->rx_dropped = c[KVTI_STAT_DROP_REPLAY] + c[KVTI_STAT_DROP_AUTH] +
			 c[KVTI_STAT_DROP_PADDING] +
			 c[KVTI_STAT_DROP_UNKNOWN_SPI];
	st->rx_crc_errors = c[KVTI_STAT_DROP_AUTH];
	st->rx_frame_errors = c[KVTI_STAT_DROP_PADDING];
	st->tx_dropped = c[KVTI_STAT_DROP_NO_SA] + c[KVTI_STAT_DROP_EXPIRED] +
			 c[KVTI_STAT_DROP_MTU];
	st->tx_carrier_errors = c[KVTI_STAT_DROP_NO_SA];
}

static netdev_tx_t kvti_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return kvti_esp_xmit(netdev_priv(dev), skb);
}

static int kvti_change_mtu(struct net_device *dev, int mtu)
{
	struct kvti_tunnel *t = netdev_priv(dev);

	ASSERT_RTNL();
	/* Whoever sets the MTU by hand owns it from now on. */
	t->mtu_auto = false;
	dev->mtu = mtu;
	return 0;
}

static int kvti_dev_init(struct net_device *dev)
{
	struct kvti_tunnel *t = netdev_priv(dev);

	int err;

	t->stats = alloc_percpu_gfp(struct kvti_pcpu_stats, GFP_KERNEL);
	if (!t->stats)
		return -ENOMEM;
	err = dst_cache_init(&t->dst_cache, GFP_KERNEL);
	if (err)
		goto err_stats;
	err = gro_cells_init(&t->gro_cells, dev);
	if (err)
		goto err_dst_cache;
	return 0;

err_dst_cache:
	dst_cache_destroy(&t->dst_cache);
err_stats:
	free_percpu(t->stats);
	t->stats = NULL;
	return err;
}

/*
 * Called under RTNL when the device is unregistered (or fails to register):
 * unlink it so no configuration path finds it again, and remove its SAs.
 * Receive may still walk the tunnel list or hold an SA under RCU; the core
 * waits a grace period before the destructor, and for the references SAs
 * in flight hold on the netdev.
 */
static void kvti_dev_uninit(struct net_device *dev)
{
	struct kvti_tunnel *t = netdev_priv(dev);

	ASSERT_RTNL();
	if (t->listed) {
		kvti_netlink_tunnel_event(t, KVTI_CMD_EV_TUNNEL_DEL);
		list_del_rcu(&t->node);
		t->listed = false;
	}
	kvti_sa_flush_tunnel(t);
	kvti_udp_link(t, NULL);
	if (t->tmpl) {
		list_del_init(&t->clone_node);
		t->tmpl = NULL;
	}
}

/* Frees what the tunnel owns.  Idempotent: it also runs on the error path
 * of a failed registration, where the core may or may not have called it.
 */
static void kvti_free_priv(struct kvti_tunnel *t)
{
	struct kvti_params *p = rcu_dereference_protected(t->params, true);

	RCU_INIT_POINTER(t->params, NULL);
	kfree(p);
	if (t->stats) {
		gro_cells_destroy(&t->gro_cells);
		dst_cache_destroy(&t->dst_cache);
		free_percpu(t->stats);
		t->stats = NULL;
	}
}

static void kvti_dev_destructor(struct net_device *dev)
{
	kvti_free_priv(netdev_priv(dev));
}

static const struct net_device_ops kvti_netdev_ops = {
	.ndo_init		= kvti_dev_init,
	.ndo_uninit		= kvti_dev_uninit,
	.ndo_start_xmit		= kvti_xmit,
	.ndo_get_stats64	= kvti_get_stats64,
	.ndo_change_mtu		= kvti_change_mtu,
};

static const struct device_type kvti_device_type = {
	.name = KVTI_LINK_KIND,
};

static void kvti_setup(struct net_device *dev)
{
	struct kvti_tunnel *t = netdev_priv(dev);

	dev->netdev_ops = &kvti_netdev_ops;
	SET_NETDEV_DEVTYPE(dev, &kvti_device_type);
	/* Layer 3 only: no link-layer header, no ARP, one peer. */
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + sizeof(struct ipv6hdr) +
			       KVTI_UDP_ENCAP_LEN + KVTI_ESP_MAX_OVERHEAD;
	dev->needed_tailroom = KVTI_ESP_MAX_OVERHEAD;
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
	/* Transmit needs the inner route: pre-fragmentation and PMTU. */
	netif_keep_dst(dev);
	dev->min_mtu = KVTI_MTU_MIN;
	dev->max_mtu = KVTI_MTU_MAX;
	dev->mtu = ETH_DATA_LEN - sizeof(struct iphdr) - KVTI_ESP_MAX_OVERHEAD;
	dev->needs_free_netdev = true;
	dev->priv_destructor = kvti_dev_destructor;

	memset(t, 0, sizeof(*t));
	t->dev = dev;
	t->mtu_auto = true;
	INIT_LIST_HEAD(&t->node);
	INIT_LIST_HEAD(&t->sas);
	INIT_LIST_HEAD(&t->clones);
	INIT_LIST_HEAD(&t->clone_node);
	INIT_LIST_HEAD(&t->udp_node);
}

/* MTU of the underlay device that leads to the remote, or Ethernet's. */
static unsigned int underlay_mtu(struct net *net, const struct kvti_params *p)
{
	unsigned int mtu = ETH_DATA_LEN;

	if (p->family == AF_INET && p->has_remote) {
		struct rtable *rt;
		struct flowi4 fl4 = {
			.daddr = p->remote.ip,
			.saddr = p->has_local ? p->local.ip : 0,
			.flowi4_oif = p->link,
			.flowi4_proto = IPPROTO_ESP,
		};

		rt = ip_route_output_key(net, &fl4);
		if (!IS_ERR(rt)) {
			mtu = dst_mtu(&rt->dst);
			ip_rt_put(rt);
		}
	} else if (p->family == AF_INET6 && p->has_remote &&
		   IS_ENABLED(CONFIG_IPV6)) {
		struct dst_entry *dst;
		struct flowi6 fl6 = {
			.daddr = p->remote.ip6,
			.flowi6_oif = p->link,
			.flowi6_proto = IPPROTO_ESP,
		};

		if (p->has_local)
			fl6.saddr = p->local.ip6;
		dst = ip6_route_output(net, NULL, &fl6);
		if (!dst->error)
			mtu = dst_mtu(dst);
		dst_release(dst);
	}
	return mtu;
}

/* The MTU a tunnel gets when nobody chose one: the underlay's, minus the
 * outer header and the ESP overhead of the newest outbound SA (of the
 * worst algorithm while there is none).
 */
static unsigned int auto_mtu(struct kvti_tunnel *t, const struct kvti_params *p)
{
	unsigned int overhead = KVTI_ESP_MAX_OVERHEAD;
	unsigned int mtu = underlay_mtu(dev_net(t->dev), p);
	struct kvti_sa *sa;

	rcu_read_lock();
	sa = rcu_dereference(t->sa_out);
	if (sa)
		overhead = kvti_sa_overhead(sa);
	rcu_read_unlock();

	overhead += p->family == AF_INET6 ? sizeof(struct ipv6hdr) :
					    sizeof(struct iphdr);
	if (p->encap == KVTI_ENCAP_UDP)
		overhead += KVTI_UDP_ENCAP_LEN;
	if (mtu < KVTI_MTU_MIN + overhead)
		return KVTI_MTU_MIN;
	return min_t(unsigned int, mtu - overhead, KVTI_MTU_MAX);
}

/*
 * Installs new parameters (the caller allocated them and gives them up)
 * and, with @set_mtu, the MTU @mtu (0: derived from then on).  All or
 * nothing: the MTU change is the one step that can fail (a netdev
 * notifier may refuse it: IPv6 allocates its per-device state when the
 * MTU reaches 1280), so it goes first, and dev_set_mtu() undoes itself
 * when it fails; the parameters are swapped in only after it.
 */
int kvti_tunnel_update(struct kvti_tunnel *t, struct kvti_params *p,
		       bool set_mtu, u32 mtu)
{
	bool was_auto = t->mtu_auto, mtu_auto = set_mtu ? !mtu : was_auto;
	struct kvti_params *old;
	int err;

	ASSERT_RTNL();
	if (mtu_auto)
		mtu = auto_mtu(t, p);
	if (set_mtu || mtu_auto) {
		/* dev_set_mtu() goes through kvti_change_mtu(), also when it
		 * fails and changes the MTU back.
		 */
		err = dev_set_mtu(t->dev, mtu);
		t->mtu_auto = err ? was_auto : mtu_auto;
		if (err) {
			kfree(p);
			return err;
		}
	}
	old = rcu_replace_pointer(t->params, p, lockdep_rtnl_is_held());
	if (old)
		kfree_rcu(old, rcu);
	dst_cache_reset(&t->dst_cache);
	return 0;
}

/* mtu 0 returns the tunnel to the derived MTU. */
int kvti_tunnel_set_mtu(struct kvti_tunnel *t, u32 mtu)
{
	int err;

	ASSERT_RTNL();
	if (!mtu) {
		struct kvti_params *p = rtnl_dereference(t->params);

		err = dev_set_mtu(t->dev, auto_mtu(t, p));
		t->mtu_auto = true;
		return err;
	}
	err = dev_set_mtu(t->dev, mtu);
	if (!err)
		t->mtu_auto = false;
	return err;
}

static bool same_endpoints(const struct kvti_params *a,
			   const struct kvti_params *b)
{
	if (a->family != b->family || !a->has_remote || !b->has_remote)
		return false;
	if (a->has_key != b->has_key || (a->has_key && a->key != b->key))
		return false;
	if (a->has_local != b->has_local || a->link != b->link)
		return false;
	/* Two peers behind one NAT: one address, told apart by the port. */
	if (a->encap == KVTI_ENCAP_UDP && b->encap == KVTI_ENCAP_UDP &&
	    a->dport != b->dport)
		return false;
	if (a->family == AF_INET)
		return a->remote.ip == b->remote.ip &&
		       (!a->has_local || a->local.ip == b->local.ip);
	return ipv6_addr_equal(&a->remote.ip6, &b->remote.ip6) &&
	       (!a->has_local || ipv6_addr_equal(&a->local.ip6, &b->local.ip6));
}

/* The tunnel (other than @except) that already connects the endpoints and
 * key of @p, if any: two such tunnels could not be told apart by a peer.
 */
struct kvti_tunnel *kvti_tunnel_find_endpoints(struct kvti_net *kn,
					       const struct kvti_params *p,
					       const struct kvti_tunnel *except)
{
	struct kvti_tunnel *t;

	ASSERT_RTNL();
	list_for_each_entry(t, &kn->tunnels, node) {
		if (t == except || t->is_template)
			continue;
		if (same_endpoints(rtnl_dereference(t->params), p))
			return t;
	}
	return NULL;
}

static struct kvti_params *default_params(void)
{
	struct kvti_params *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (p) {
		p->df_mode = KVTI_DF_COPY;
		p->replay_window = KVTI_REPLAY_DEFAULT;
	}
	return p;
}

/* Registers @dev; with @us, the tunnel takes over that socket reference
 * (before the TUNNEL_NEW event, which reports it).  On failure the caller
 * still has it.
 */
static int register_tunnel(struct net_device *dev, struct kvti_params *p,
			   bool is_template, struct kvti_tunnel *tmpl,
			   struct kvti_udp_sock *us)
{
	struct kvti_tunnel *t = netdev_priv(dev);
	struct kvti_net *kn = kvti_net(dev_net(dev));
	int err;

	ASSERT_RTNL();
	RCU_INIT_POINTER(t->params, p);
	t->is_template = is_template;
	if (t->mtu_auto)
		dev->mtu = auto_mtu(t, p);

	err = register_netdevice(dev);
	if (err)
		return err;

	/*
	 * Without an outbound SA the tunnel is DORMANT (RFC 2863: waiting
	 * for an external event, here the keyer), not carrier-less: a
	 * carrier-less device gets the noop qdisc and loses its IPv6
	 * routes, and packets routed into it must still reach transmit to
	 * raise ACQUIRE.
	 */
	netif_dormant_on(dev);
	list_add_tail_rcu(&t->node, &kn->tunnels);
	t->listed = true;
	if (tmpl) {
		t->tmpl = tmpl;
		list_add_tail(&t->clone_node, &tmpl->clones);
	}
	kvti_udp_link(t, us);
	kvti_netlink_tunnel_event(t, KVTI_CMD_EV_TUNNEL_NEW);
	return 0;
}

/*
 * A clone joins its template's master, as IOS applies "ip vrf forwarding"
 * of a virtual template to every virtual-access interface: the template
 * enslaved to a VRF puts each peer's clone, and so its decrypted traffic
 * and its routes, into that VRF.  RTNL held.
 */
static int inherit_master(struct kvti_tunnel *t, struct kvti_tunnel *tmpl,
			  struct netlink_ext_ack *extack)
{
	struct net_device *master = netdev_master_upper_dev_get(tmpl->dev);

	ASSERT_RTNL();
	if (!master)
		return 0;
	if (!master->netdev_ops->ndo_add_slave) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_TEMPLATE_IFINDEX: the template's master cannot take its clone");
		return -EOPNOTSUPP;
	}
	return master->netdev_ops->ndo_add_slave(master, t->dev, extack);
}

/*
 * Creates and registers a configured tunnel; called from genl under RTNL.
 * Takes @p and the socket reference @us (may be NULL) in all cases.  The
 * caller has validated the parameters.
 */
struct kvti_tunnel *kvti_tunnel_create(struct net *net, const char *name,
				       struct kvti_params *p, bool is_template,
				       struct kvti_tunnel *tmpl,
				       struct kvti_udp_sock *us, u32 mtu,
				       struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct kvti_tunnel *t;
	int err;

	ASSERT_RTNL();
	dev = alloc_netdev(sizeof(struct kvti_tunnel), name ? name : "kvti%d",
			   name ? NET_NAME_USER : NET_NAME_ENUM, kvti_setup);
	if (!dev) {
		kfree(p);
		kvti_udp_put(us);
		return ERR_PTR(-ENOMEM);
	}
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &kvti_link_ops;
	t = netdev_priv(dev);
	if (mtu) {
		t->mtu_auto = false;
		dev->mtu = mtu;
	} else if (tmpl && !tmpl->mtu_auto) {
		t->mtu_auto = false;
		dev->mtu = tmpl->dev->mtu;
	}

	err = register_tunnel(dev, p, is_template, tmpl, us);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack,
				       "KVTI_A_IFNAME: a device with this name already exists");
		kvti_free_priv(t);
		free_netdev(dev);
		kvti_udp_put(us);
		return ERR_PTR(err);
	}
	if (tmpl) {
		err = inherit_master(t, tmpl, extack);
		if (err) {
			LIST_HEAD(kill);

			/* Never a clone outside its template's VRF; @us went
			 * with the tunnel.
			 */
			kvti_tunnel_queue_del(t, &kill);
			unregister_netdevice_many(&kill);
			return ERR_PTR(err);
		}
	}
	return t;
}

/*
 * Queues @t for unregistration on @head, once.  A template takes its clones
 * with it: a clone without its template could never be renegotiated.
 */
void kvti_tunnel_queue_del(struct kvti_tunnel *t, struct list_head *head)
{
	struct kvti_tunnel *c;

	ASSERT_RTNL();
	if (t->dying)
		return;
	t->dying = true;
	list_for_each_entry(c, &t->clones, clone_node)
		kvti_tunnel_queue_del(c, head);
	unregister_netdevice_queue(t->dev, head);
}

static int kvti_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct kvti_params *p = default_params();
	int err;

	if (!p)
		return -ENOMEM;
	/* Created bare: no endpoints until "kvti tunnel set". */
	err = register_tunnel(dev, p, false, NULL, NULL);
	if (err)
		kvti_free_priv(netdev_priv(dev));
	return err;
}

static void kvti_dellink(struct net_device *dev, struct list_head *head)
{
	kvti_tunnel_queue_del(netdev_priv(dev), head);
}

struct rtnl_link_ops kvti_link_ops __read_mostly = {
	.kind		= KVTI_LINK_KIND,
	.priv_size	= sizeof(struct kvti_tunnel),
	.setup		= kvti_setup,
	.newlink	= kvti_newlink,
	.dellink	= kvti_dellink,
};

/* Namespace teardown: every tunnel of the dying namespaces goes. */
static void kvti_exit_batch_rtnl(struct list_head *net_list,
				 struct list_head *dev_kill_list)
{
	struct net *net;

	ASSERT_RTNL();
	list_for_each_entry(net, net_list, exit_list) {
		struct kvti_net *kn = kvti_net(net);
		struct kvti_tunnel *t;

		list_for_each_entry(t, &kn->tunnels, node)
			kvti_tunnel_queue_del(t, dev_kill_list);
	}
}

static int __net_init kvti_init_net(struct net *net)
{
	struct kvti_net *kn = kvti_net(net);

	kn->net = net;
	INIT_LIST_HEAD(&kn->tunnels);
	kvti_sa_net_init(kn);
	kvti_udp_net_init(kn);
	return 0;
}

static void __net_exit kvti_exit_net(struct net *net)
{
	WARN_ON_ONCE(!list_empty(&kvti_net(net)->tunnels));
	kvti_udp_net_exit(kvti_net(net));
	kvti_sa_net_exit(kvti_net(net));
}

unsigned int kvti_net_id __read_mostly;

static struct pernet_operations kvti_net_ops = {
	.init = kvti_init_net,
	.exit = kvti_exit_net,
	.exit_batch_rtnl = kvti_exit_batch_rtnl,
	.id   = &kvti_net_id,
	.size = sizeof(struct kvti_net),
};

int kvti_device_init(void)
{
	int err;

	err = register_pernet_device(&kvti_net_ops);
	if (err)
		return err;
	err = rtnl_link_register(&kvti_link_ops);
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_device(&kvti_net_ops);
	return err;
}

/*
 * Every kvti netdev in every namespace is deleted by rtnl_link_unregister(),
 * which detaches every UDP socket; then the sockets' callbacks are waited
 * for while the namespaces' state they use still exists.
 */
void kvti_device_exit(void)
{
	rtnl_link_unregister(&kvti_link_ops);
	kvti_udp_sync();
	unregister_pernet_device(&kvti_net_ops);
}
