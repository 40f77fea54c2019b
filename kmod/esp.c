// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - ESP tunnel mode (RFC 4303): encapsulation on transmit,
 * decapsulation on receive, and the xfrm protocol handlers that hand kvti
 * the ESP packets whose SPI it owns.
 *
 * Wire format, the same as Linux XFRM's:
 *   outer IP | SPI | seq | IV | inner packet | padding | pad len | next hdr | ICV
 * The AEAD sees SPI | seq (| seq high with ESN) | IV as associated data and
 * the rest up to the ICV as text; for the authenc() pairs, authencesn()
 * moves the high half of an ESN to where RFC 4303 §3.3.2.1 authenticates it.
 * The IV of the counter-mode AEADs is the 64-bit sequence number (RFC 4106
 * §3.1), so no per-SA RNG is needed; CBC gets random IVs.
 *
 * Crypto may complete synchronously or later (-EINPROGRESS, e.g. when the
 * AES-NI wrapper defers to cryptd); both paths end in the same *_finish().
 * A packet in flight holds a reference on its SA, and the SA on the tunnel.
 */
#include <crypto/aead.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/ndisc.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "kvti.h"

#define KVTI_PROTO_PRIORITY	200	/* before ip_vti (100) and esp4/6 (0) */
#define IV_MAX			16

/* Per-packet crypto scratch: request, IV, scatterlist. */
static unsigned int tmp_iv_off(struct crypto_aead *aead)
{
	return ALIGN(sizeof(struct aead_request) + crypto_aead_reqsize(aead),
		     __alignof__(u64));
}

static unsigned int tmp_sg_off(struct crypto_aead *aead)
{
	return ALIGN(tmp_iv_off(aead) + IV_MAX,
		     __alignof__(struct scatterlist));
}

static void *alloc_tmp(struct crypto_aead *aead, int nfrags)
{
	return kmalloc(tmp_sg_off(aead) + nfrags * sizeof(struct scatterlist),
		       GFP_ATOMIC);
}

static u8 *tmp_iv(struct crypto_aead *aead, void *tmp)
{
	return tmp + tmp_iv_off(aead);
}

static struct scatterlist *tmp_sg(struct crypto_aead *aead, void *tmp)
{
	return tmp + tmp_sg_off(aead);
}

/*
 * With ESN the associated data is SPI | seq high | seq low, but the wire
 * has SPI | seq low.  Move the SPI 4 bytes back (into the headroom, whose
 * bytes are saved) and put the high half between, as the crypto wants it.
 */
static void esn_shift(struct sk_buff *skb, u32 seq_hi)
{
	__be32 *p = (__be32 *)skb_push(skb, 4);

	kvti_cb(skb)->esn_saved = p[0];
	p[0] = p[1];
	p[1] = htonl(seq_hi);
}

static void esn_unshift(struct sk_buff *skb)
{
	__be32 *p = (__be32 *)skb->data;

	p[1] = p[0];
	p[0] = kvti_cb(skb)->esn_saved;
	skb_pull(skb, 4);
}

static void crypto_cleanup(struct sk_buff *skb)
{
	struct kvti_skb_cb *cb = kvti_cb(skb);

	if (cb->sa->esn)
		esn_unshift(skb);
	kfree(cb->tmp);
	cb->tmp = NULL;
}

static void drop(struct kvti_sa *sa, struct sk_buff *skb, enum kvti_stat why)
{
	kvti_tunnel_count(sa->tunnel, why, 1);
	kvti_sa_count(sa, why, 1);
	kfree_skb(skb);
}

/* ---- transmit ---- */

static void output_finish(struct sk_buff *skb, int err);

static void output_done(struct crypto_async_request *base, int err)
{
	struct sk_buff *skb = base->data;

	if (err == -EINPROGRESS)
		return;
	crypto_cleanup(skb);
	local_bh_disable();
	output_finish(skb, err);
	local_bh_enable();
}

/* IPv6 forbids a zero UDP checksum here (RFC 6935 is for tunnels that
 * opt in; XFRM computes it too): over the whole datagram, in software,
 * since the ESP packet is built already.
 */
static void udp6_checksum(struct sk_buff *skb, struct udphdr *uh,
			  const struct ipv6hdr *ip6h)
{
	unsigned int off = skb_transport_offset(skb), len = skb->len - off;

	uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
				    IPPROTO_UDP, skb_checksum(skb, off, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/* Pushes the outer header(s) and sends the encrypted packet. */
static void output_finish(struct sk_buff *skb, int err)
{
	struct kvti_skb_cb cb = *kvti_cb(skb);
	struct kvti_sa *sa = cb.sa;
	struct kvti_tunnel *t = sa->tunnel;
	struct net *net = sa->net;
	struct dst_entry *dst = skb_dst(skb);
	const struct kvti_params *p;
	struct udphdr *uh = NULL;

	if (err) {
		net_dbg_ratelimited("kvti: %s: encryption failed (%d)\n",
				    t->dev->name, err);
		dev_core_stats_tx_dropped_inc(t->dev);
		kfree_skb(skb);
		goto out;
	}
	rcu_read_lock();
	p = rcu_dereference(t->params);
	if (p->family != sa->family) {
		/* The tunnel changed family while this packet was in crypto. */
		rcu_read_unlock();
		dev_core_stats_tx_dropped_inc(t->dev);
		kfree_skb(skb);
		goto out;
	}
	if (p->encap == KVTI_ENCAP_UDP) {
		uh = skb_push(skb, sizeof(*uh));
		skb_reset_transport_header(skb);
		uh->source = htons(p->sport);
		uh->dest = htons(p->dport);
		uh->len = htons(skb->len);
		uh->check = 0;
	}
	if (sa->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = sizeof(*iph) / 4;
		iph->tos = cb.outer_tos;
		iph->tot_len = htons(skb->len);
		iph->frag_off = cb.df ? htons(IP_DF) : 0;
		iph->ttl = ip4_dst_hoplimit(dst);
		/* UDP checksum 0 over IPv4, as XFRM sends (RFC 3948 §3.1). */
		iph->protocol = uh ? IPPROTO_UDP : IPPROTO_ESP;
		iph->saddr = p->local.ip;
		iph->daddr = p->remote.ip;
		ip_select_ident(net, skb, NULL);
		skb->protocol = htons(ETH_P_IP);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		skb->ignore_df = !cb.df;
		err = ip_local_out(net, NULL, skb);
	} else {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		skb_reset_network_header(skb);
		ip6_flow_hdr(ip6h, cb.outer_tos, 0);
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		ip6h->nexthdr = uh ? IPPROTO_UDP : IPPROTO_ESP;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = p->local.ip6;
		ip6h->daddr = p->remote.ip6;
		if (uh)
			udp6_checksum(skb, uh, ip6h);
		skb->protocol = htons(ETH_P_IPV6);
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		skb->ignore_df = 1;
		err = ip6_local_out(net, NULL, skb);
	}
	rcu_read_unlock();
	if (net_xmit_eval(err) == 0) {
		kvti_tunnel_count(t, KVTI_STAT_TX_PACKETS, 1);
		kvti_tunnel_count(t, KVTI_STAT_TX_BYTES, cb.inner_len);
		kvti_sa_count(sa, KVTI_STAT_TX_PACKETS, 1);
		kvti_sa_count(sa, KVTI_STAT_TX_BYTES, cb.inner_len);
	} else {
		dev_core_stats_tx_dropped_inc(t->dev);
	}
out:
	kvti_sa_put(sa);
}

/* Builds ESP around the inner packet at skb->data and encrypts it. */
static int esp_output(struct kvti_sa *sa, struct sk_buff *skb, u8 proto,
		      u64 seq, unsigned int headroom)
{
	struct crypto_aead *aead = sa->aead;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + sa->ivlen;
	unsigned int assoclen = sizeof(struct ip_esp_hdr);
	unsigned int clen, plen, tail, i;
	struct ip_esp_hdr *esph;
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	int nfrags, err;
	void *tmp;
	u8 *p;

	clen = ALIGN(skb->len + 2, sa->blksize);
	plen = clen - skb->len - 2;
	tail = plen + 2 + sa->icvlen;

	err = skb_cow_head(skb, hlen + 4 + headroom);
	if (err)
		return err;
	nfrags = skb_cow_data(skb, tail, &trailer);
	if (nfrags < 0)
		return nfrags;
	tmp = alloc_tmp(aead, nfrags);
	if (!tmp)
		return -ENOMEM;

	/* Self-describing padding 1, 2, 3, ... (RFC 4303 §2.4). */
	p = skb_tail_pointer(trailer);
	for (i = 0; i < plen; i++)
		p[i] = i + 1;
	p[plen] = plen;
	p[plen + 1] = proto;
	pskb_put(skb, trailer, tail);

	esph = skb_push(skb, hlen);
	esph->spi = sa->spi;
	esph->seq_no = htonl(lower_32_bits(seq));
	if (sa->iv_from_seq) {
		__be64 v = cpu_to_be64(seq);

		memcpy(esph->enc_data, &v, sizeof(v));
	} else {
		get_random_bytes(esph->enc_data, sa->ivlen);
	}
	memcpy(tmp_iv(aead, tmp), esph->enc_data, sa->ivlen);

	kvti_cb(skb)->tmp = tmp;
	if (sa->esn) {
		esn_shift(skb, upper_32_bits(seq));
		assoclen += 4;
	}

	sg = tmp_sg(aead, tmp);
	sg_init_table(sg, nfrags);
	err = skb_to_sgvec(skb, sg, 0, skb->len);
	if (unlikely(err < 0))
		goto err_cleanup;

	req = tmp;
	aead_request_set_tfm(req, aead);
	aead_request_set_callback(req, 0, output_done, skb);
	aead_request_set_crypt(req, sg, sg, clen, tmp_iv(aead, tmp));
	aead_request_set_ad(req, assoclen + sa->ivlen);
	err = crypto_aead_encrypt(req);
	if (err == -EINPROGRESS)
		return err;
err_cleanup:
	crypto_cleanup(skb);
	return err;
}

static struct dst_entry *route(struct kvti_tunnel *t,
			       const struct kvti_params *p,
			       union kvti_addr *saddr)
{
	u8 proto = p->encap == KVTI_ENCAP_UDP ? IPPROTO_UDP : IPPROTO_ESP;
	struct net *net = dev_net(t->dev);
	struct dst_entry *dst;

	if (p->family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = p->remote.ip,
			.saddr = p->local.ip,
			.flowi4_oif = p->link,
			.flowi4_proto = proto,
		};
		struct rtable *rt;

		rt = dst_cache_get_ip4(&t->dst_cache, &saddr->ip);
		if (rt)
			return &rt->dst;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		dst = &rt->dst;
		saddr->ip = fl4.saddr;
		if (dst->dev != t->dev)
			dst_cache_set_ip4(&t->dst_cache, dst, fl4.saddr);
	} else {
		struct flowi6 fl6 = {
			.daddr = p->remote.ip6,
			.saddr = p->local.ip6,
			.flowi6_oif = p->link,
			.flowi6_proto = proto,
		};

		dst = dst_cache_get_ip6(&t->dst_cache, &saddr->ip6);
		if (dst)
			return dst;
		dst = ip6_route_output(net, NULL, &fl6);
		if (dst->error) {
			int err = dst->error;

			dst_release(dst);
			return ERR_PTR(err);
		}
		saddr->ip6 = fl6.saddr;
		if (dst->dev != t->dev)
			dst_cache_set_ip6(&t->dst_cache, dst, &fl6.saddr);
	}
	if (dst->dev == t->dev) {
		/* The outer packet would be routed into the tunnel itself. */
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	return dst;
}

/* Outer DSCP copied from the inner packet, ECN per RFC 6040 (normal mode). */
static u8 outer_tos(struct sk_buff *skb)
{
	u8 inner = skb->protocol == htons(ETH_P_IP) ?
		   ip_hdr(skb)->tos : ipv6_get_dsfield(ipv6_hdr(skb));

	return INET_ECN_encapsulate(inner & ~INET_ECN_MASK, inner);
}

static bool outer_df(const struct kvti_params *p, struct sk_buff *skb)
{
	switch (p->df_mode) {
	case KVTI_DF_SET:
		return true;
	case KVTI_DF_CLEAR:
		return false;
	default:
		return skb->protocol != htons(ETH_P_IP) ||
		       (ip_hdr(skb)->frag_off & htons(IP_DF));
	}
}

/* Encrypts and sends one inner packet that fits.  Consumes @skb. */
static void xmit_one(struct kvti_tunnel *t, struct kvti_sa *sa,
		     const struct kvti_params *p, struct sk_buff *skb,
		     struct dst_entry *dst)
{
	u64 seq_max = sa->esn ? U64_MAX : U32_MAX;
	struct kvti_skb_cb *cb;
	u8 proto;
	u64 seq;
	int err;

	if (!refcount_inc_not_zero(&sa->ref)) {
		dst_release(dst);
		kvti_tunnel_count(t, KVTI_STAT_DROP_EXPIRED, 1);
		kfree_skb(skb);
		return;
	}
	if (!kvti_sa_account(sa, skb->len)) {
		dst_release(dst);
		drop(sa, skb, KVTI_STAT_DROP_EXPIRED);
		kvti_sa_put(sa);
		return;
	}
	/* Never wrap: the last number is used, then the SA is gone. */
	seq = atomic64_inc_return(&sa->seq_out);
	if (unlikely(seq == 0 || seq > seq_max)) {
		kvti_sa_expire(sa, true);
		dst_release(dst);
		drop(sa, skb, KVTI_STAT_DROP_EXPIRED);
		kvti_sa_put(sa);
		return;
	}
	if (unlikely(seq == seq_max))
		kvti_sa_expire(sa, true);
	else if (unlikely(seq == seq_max - SEQ_SOFT_MARGIN))
		kvti_sa_expire(sa, false);

	proto = skb->protocol == htons(ETH_P_IP) ? IPPROTO_IPIP : IPPROTO_IPV6;
	cb = kvti_cb(skb);
	memset(cb, 0, sizeof(*cb));
	cb->sa = sa;
	cb->inner_len = skb->len;
	cb->outer_tos = outer_tos(skb);
	cb->df = p->family == AF_INET && outer_df(p, skb);

	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);
	err = esp_output(sa, skb, proto, seq,
			 LL_RESERVED_SPACE(dst->dev) + sizeof(struct ipv6hdr) +
			 KVTI_UDP_ENCAP_LEN);
	if (err == -EINPROGRESS)
		return;
	output_finish(skb, err);
}

static int prefrag_output(struct net *net, struct sock *sk,
			  struct sk_buff *skb)
{
	struct kvti_tunnel *t = netdev_priv(skb->dev);

	/* Back in kvti_esp_xmit()'s context: rcu_read_lock_bh() is held. */
	kvti_esp_xmit(t, skb);
	return 0;
}

/*
 * An inner packet that no longer fits once encrypted.  IPv4 without DF is
 * fragmented before encryption, so the peer never reassembles outer
 * fragments (Cisco's pre-fragmentation); with "df-bit clear" even DF
 * packets are, as IOS's table has it.  Otherwise the sender learns the MTU
 * from ICMP.  Consumes @skb.
 */
static void too_big(struct kvti_tunnel *t, struct kvti_sa *sa,
		    const struct kvti_params *p, struct sk_buff *skb,
		    unsigned int mtu)
{
	if (skb->protocol == htons(ETH_P_IP) &&
	    (!(ip_hdr(skb)->frag_off & htons(IP_DF)) ||
	     p->df_mode == KVTI_DF_CLEAR)) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		IPCB(skb)->frag_max_size = mtu;
		ip_do_fragment(dev_net(t->dev), NULL, skb, prefrag_output);
		return;
	}
	skb_dst_update_pmtu_no_confirm(skb, mtu);
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	else
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	drop(sa, skb, KVTI_STAT_DROP_MTU);
}

/*
 * ndo_start_xmit: rcu_read_lock_bh() held.  Whatever is routed into the
 * tunnel leaves encrypted with its newest outbound SA.
 */
netdev_tx_t kvti_esp_xmit(struct kvti_tunnel *t, struct sk_buff *skb)
{
	const struct kvti_params *p = rcu_dereference_bh(t->params);
	struct kvti_sa *sa = rcu_dereference_bh(t->sa_out);
	union kvti_addr saddr = {};
	struct dst_entry *dst;
	unsigned int mtu;

	if (!sa) {
		kvti_netlink_acquire(t);
		kvti_tunnel_count(t, KVTI_STAT_DROP_NO_SA, 1);
		goto drop;
	}
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			goto drop_err;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			goto drop_err;
	} else {
		goto drop_err;
	}

	dst = route(t, p, &saddr);
	if (IS_ERR(dst)) {
		net_dbg_ratelimited("kvti: %s: no route to the remote (%ld)\n",
				    t->dev->name, PTR_ERR(dst));
		goto drop_err;
	}

	/* Does the packet still fit once encrypted? */
	mtu = dst_mtu(dst) - kvti_sa_overhead(sa) -
	      (p->family == AF_INET ? sizeof(struct iphdr) :
				      sizeof(struct ipv6hdr)) -
	      (p->encap == KVTI_ENCAP_UDP ? KVTI_UDP_ENCAP_LEN : 0);
	if (unlikely(skb->len > mtu && !skb_is_gso(skb))) {
		/* Not ours to shrink below the protocol minimum: beyond it
		 * the outer packet is fragmented instead.
		 */
		mtu = max_t(int, mtu, skb->protocol == htons(ETH_P_IPV6) ?
				      IPV6_MIN_MTU : 576);
		if (skb->len > mtu) {
			dst_release(dst);
			too_big(t, sa, p, skb, mtu);
			return NETDEV_TX_OK;
		}
	}
	xmit_one(t, sa, p, skb, dst);
	return NETDEV_TX_OK;

drop_err:
	dev_core_stats_tx_dropped_inc(t->dev);
drop:
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* ---- receive ---- */

static void input_finish(struct sk_buff *skb, int err);

static void input_done(struct crypto_async_request *base, int err)
{
	struct sk_buff *skb = base->data;

	if (err == -EINPROGRESS)
		return;
	crypto_cleanup(skb);
	local_bh_disable();
	input_finish(skb, err);
	local_bh_enable();
}

static void replay_event(struct kvti_sa *sa)
{
	unsigned long last = READ_ONCE(sa->last_replay_event);

	/* One event per SA per second; racy, and a second one is harmless. */
	if (time_in_range(jiffies, last, last + HZ) && last)
		return;
	WRITE_ONCE(sa->last_replay_event, jiffies);
	kvti_netlink_sa_event(sa, KVTI_CMD_EV_REPLAY, false);
}

/* Checks the decrypted inner header; false if it is not a sane packet. */
static bool inner_ok(struct sk_buff *skb, u8 nexthdr)
{
	unsigned int len;

	skb_reset_network_header(skb);
	if (nexthdr == IPPROTO_IPIP) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return false;
		iph = ip_hdr(skb);
		if (iph->version != 4 || iph->ihl < 5 ||
		    !pskb_may_pull(skb, iph->ihl * 4))
			return false;
		iph = ip_hdr(skb);
		len = ntohs(iph->tot_len);
		if (ip_fast_csum(iph, iph->ihl) || len < iph->ihl * 4 ||
		    len > skb->len || pskb_trim(skb, len))
			return false;
		skb->protocol = htons(ETH_P_IP);
		return true;
	}
	if (nexthdr == IPPROTO_IPV6) {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, sizeof(*ip6h)))
			return false;
		ip6h = ipv6_hdr(skb);
		len = sizeof(*ip6h) + ntohs(ip6h->payload_len);
		if (ip6h->version != 6 || len > skb->len || pskb_trim(skb, len))
			return false;
		skb->protocol = htons(ETH_P_IPV6);
		return true;
	}
	return false;
}

static void input_finish(struct sk_buff *skb, int err)
{
	struct kvti_skb_cb *cb = kvti_cb(skb);
	struct kvti_sa *sa = cb->sa;
	struct kvti_tunnel *t = sa->tunnel;
	unsigned int elen = cb->inner_len;	/* payload + padding + trailer */
	enum kvti_replay_verdict v;
	u8 trailer[2];
	u8 tos = cb->outer_tos;

	if (err) {
		net_dbg_ratelimited("kvti: %s: SPI 0x%08x: authentication failed\n",
				    t->dev->name, ntohl(sa->spi));
		drop(sa, skb, err == -EBADMSG ? KVTI_STAT_DROP_AUTH :
						KVTI_STAT_DROP_PADDING);
		goto out;
	}
	spin_lock_bh(&sa->replay_lock);
	v = kvti_replay_advance(&sa->replay, cb->seq);
	spin_unlock_bh(&sa->replay_lock);
	if (v != KVTI_REPLAY_OK) {
		replay_event(sa);
		drop(sa, skb, KVTI_STAT_DROP_REPLAY);
		goto out;
	}
	if (skb_copy_bits(skb, skb->len - sa->icvlen - 2, trailer, 2) ||
	    trailer[0] + 2 > elen ||
	    pskb_trim(skb, skb->len - sa->icvlen - trailer[0] - 2)) {
		drop(sa, skb, KVTI_STAT_DROP_PADDING);
		goto out;
	}
	skb_pull(skb, sizeof(struct ip_esp_hdr) + sa->ivlen);
	/* Lifetimes count inner bytes, as on transmit. */
	if (!kvti_sa_account(sa, skb->len)) {
		drop(sa, skb, KVTI_STAT_DROP_EXPIRED);
		goto out;
	}
	if (trailer[1] == IPPROTO_NONE) {
		/* A dummy packet (RFC 4303 §2.6): authentic, and meant to vanish. */
		consume_skb(skb);
		goto out;
	}
	if (!inner_ok(skb, trailer[1])) {
		drop(sa, skb, KVTI_STAT_DROP_PADDING);
		goto out;
	}

	skb_scrub_packet(skb, false);
	skb->dev = t->dev;
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = CHECKSUM_NONE;
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	if (INET_ECN_decapsulate(skb, tos, skb->protocol == htons(ETH_P_IP) ?
				 ip_hdr(skb)->tos :
				 ipv6_get_dsfield(ipv6_hdr(skb))) > 1) {
		drop(sa, skb, KVTI_STAT_DROP_PADDING);
		goto out;
	}

	kvti_tunnel_count(t, KVTI_STAT_RX_PACKETS, 1);
	kvti_tunnel_count(t, KVTI_STAT_RX_BYTES, skb->len);
	kvti_sa_count(sa, KVTI_STAT_RX_PACKETS, 1);
	kvti_sa_count(sa, KVTI_STAT_RX_BYTES, skb->len);
	gro_cells_receive(&t->gro_cells, skb);
out:
	kvti_sa_put(sa);
}

/* Takes a packet for an inbound SA; consumes it whatever happens. */
static void esp_input(struct kvti_sa *sa, struct sk_buff *skb, u8 outer_tos)
{
	struct crypto_aead *aead = sa->aead;
	unsigned int assoclen = sizeof(struct ip_esp_hdr);
	struct ip_esp_hdr *esph = (struct ip_esp_hdr *)skb->data;
	struct kvti_skb_cb *cb = kvti_cb(skb);
	enum kvti_replay_verdict v;
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	int elen, nfrags, err;
	void *tmp;
	u64 seq;

	elen = skb->len - sizeof(*esph) - sa->ivlen - sa->icvlen;
	if (elen <= 0 || elen % sa->blksize ||
	    !pskb_may_pull(skb, sizeof(*esph) + sa->ivlen)) {
		drop(sa, skb, KVTI_STAT_DROP_PADDING);
		goto out;
	}
	esph = (struct ip_esp_hdr *)skb->data;

	/* Cheap refusal of replays before spending crypto on them; the
	 * window only moves once the packet has proven authentic.
	 */
	spin_lock_bh(&sa->replay_lock);
	seq = kvti_replay_infer(&sa->replay, ntohl(esph->seq_no), sa->esn);
	v = kvti_replay_check(&sa->replay, seq);
	spin_unlock_bh(&sa->replay_lock);
	if (v != KVTI_REPLAY_OK) {
		replay_event(sa);
		drop(sa, skb, KVTI_STAT_DROP_REPLAY);
		goto out;
	}

	nfrags = skb_cow_data(skb, 0, &trailer);
	tmp = nfrags < 0 ? NULL : alloc_tmp(aead, nfrags);
	if (!tmp) {
		dev_core_stats_rx_dropped_inc(sa->tunnel->dev);
		kfree_skb(skb);
		goto out;
	}
	esph = (struct ip_esp_hdr *)skb->data;
	memcpy(tmp_iv(aead, tmp), esph->enc_data, sa->ivlen);

	memset(cb, 0, sizeof(*cb));
	cb->sa = sa;
	cb->tmp = tmp;
	cb->seq = seq;
	cb->inner_len = elen;
	cb->outer_tos = outer_tos;
	skb->dev = sa->tunnel->dev;	/* the underlay device is not held */
	if (sa->esn) {
		esn_shift(skb, upper_32_bits(seq));
		assoclen += 4;
	}

	sg = tmp_sg(aead, tmp);
	sg_init_table(sg, nfrags);
	err = skb_to_sgvec(skb, sg, 0, skb->len);
	if (unlikely(err < 0)) {
		crypto_cleanup(skb);
		input_finish(skb, err);
		return;
	}
	req = tmp;
	aead_request_set_tfm(req, aead);
	aead_request_set_callback(req, 0, input_done, skb);
	aead_request_set_crypt(req, sg, sg, elen + sa->icvlen,
			       tmp_iv(aead, tmp));
	aead_request_set_ad(req, assoclen + sa->ivlen);
	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return;
	crypto_cleanup(skb);
	input_finish(skb, err);
	return;
out:
	kvti_sa_put(sa);
}

/* The tunnel of @net whose local address is @daddr, under RCU. */
static struct kvti_tunnel *tunnel_by_local(struct net *net, sa_family_t family,
					   const union kvti_addr *daddr)
{
	struct kvti_tunnel *t;

	list_for_each_entry_rcu(t, &kvti_net(net)->tunnels, node) {
		const struct kvti_params *p = rcu_dereference(t->params);

		if (p->family != family || !p->has_local)
			continue;
		if (family == AF_INET ? p->local.ip == daddr->ip :
		    ipv6_addr_equal(&p->local.ip6, &daddr->ip6))
			return t;
	}
	return NULL;
}

/*
 * An SPI nobody in kvti knows.  If it was sent to one of our tunnels'
 * addresses and native XFRM has no state for it either, it is ours to
 * refuse: count it and tell the keyer (INVALID_SPI recovery).  Otherwise
 * let the next ESP handler have it.  ESP in UDP came on our socket, where
 * XFRM cannot take it: refused (and consumed) in any case.
 */
static int unknown_spi(struct sk_buff *skb, sa_family_t family, __be32 spi,
		       const union kvti_addr *daddr,
		       const union kvti_addr *saddr, bool udp)
{
	struct net *net = dev_net(skb->dev);
	struct xfrm_state *x;
	struct kvti_tunnel *t;

	t = tunnel_by_local(net, family, daddr);
	if (!t)
		goto not_ours;
	x = udp ? NULL : xfrm_state_lookup(net, skb->mark,
					   (const xfrm_address_t *)daddr,
					   spi, IPPROTO_ESP, family);
	if (x) {
		xfrm_state_put(x);
		return -EINVAL;
	}
	kvti_tunnel_count(t, KVTI_STAT_DROP_UNKNOWN_SPI, 1);
	kvti_netlink_invalid_spi(net, t, spi, family, saddr);
	kfree_skb(skb);
	return 0;

not_ours:
	if (!udp)
		return -EINVAL;
	net_dbg_ratelimited("kvti: ESP in UDP: SPI 0x%08x to no tunnel\n",
			    ntohl(spi));
	kfree_skb(skb);
	return 0;
}

/* Whether @sa's tunnel takes ESP in UDP now.  Under RCU. */
static bool takes_udp(const struct kvti_sa *sa)
{
	return rcu_dereference(sa->tunnel->params)->encap == KVTI_ENCAP_UDP;
}

/*
 * Whether @skb came in through @sa's tunnel's link: the device itself or,
 * for a VRF, one enslaved to it (the VRF's receive hook has made skb->dev
 * the VRF by now; the slave case is the one without the hook).  Under RCU.
 */
static bool came_through_link(const struct kvti_sa *sa,
			      const struct sk_buff *skb)
{
	int link = rcu_dereference(sa->tunnel->params)->link;

	return !link || skb->dev->ifindex == link ||
	       l3mdev_master_ifindex_rcu(skb->dev) == link;
}

/*
 * ESP at skb->data, raw (IP protocol 50) or out of UDP (@udp).  Returns 0
 * when the packet is taken, -EINVAL to pass raw ESP on (not ours).
 */
static int esp_rcv(struct sk_buff *skb, sa_family_t family, bool udp)
{
	union kvti_addr daddr = {}, saddr = {};
	struct ip_esp_hdr *esph;
	struct kvti_sa *sa;
	u8 tos;

	if (!pskb_may_pull(skb, sizeof(*esph))) {
		if (!udp)
			return -EINVAL;
		kfree_skb(skb);
		return 0;
	}
	if (family == AF_INET) {
		daddr.ip = ip_hdr(skb)->daddr;
		saddr.ip = ip_hdr(skb)->saddr;
		tos = ip_hdr(skb)->tos;
	} else {
		daddr.ip6 = ipv6_hdr(skb)->daddr;
		saddr.ip6 = ipv6_hdr(skb)->saddr;
		tos = ipv6_get_dsfield(ipv6_hdr(skb));
	}
	esph = (struct ip_esp_hdr *)skb->data;
	sa = kvti_sa_lookup_in(kvti_net(dev_net(skb->dev)), esph->spi, family,
			       &daddr);
	if (!sa)
		return unknown_spi(skb, family, esph->spi, &daddr, &saddr, udp);
	if (udp && !takes_udp(sa)) {
		/* The SA exists, so no INVALID_SPI: the keyer would
		 * "recover" a healthy SA.  Counted as unknown in UDP.
		 */
		net_dbg_ratelimited("kvti: %s: SPI 0x%08x: ESP in UDP for a tunnel without encap udp\n",
				    sa->tunnel->dev->name, ntohl(sa->spi));
		drop(sa, skb, KVTI_STAT_DROP_UNKNOWN_SPI);
		return 0;
	}
	if (!came_through_link(sa, skb)) {
		/* Another FVRF's packet to the same SPI and address. */
		net_dbg_ratelimited("kvti: %s: SPI 0x%08x: ESP arrived outside the tunnel's link\n",
				    sa->tunnel->dev->name, ntohl(sa->spi));
		drop(sa, skb, KVTI_STAT_DROP_UNKNOWN_SPI);
		return 0;
	}
	if (!refcount_inc_not_zero(&sa->ref)) {
		kfree_skb(skb);
		return 0;
	}
	esp_input(sa, skb, tos);
	return 0;
}

/*
 * ESP out of UDP (udp.c has pulled the UDP header): softirq, under RCU.
 * The same input as raw ESP, for tunnels with encap udp.  Consumes @skb.
 */
void kvti_esp_udp_rcv(struct sk_buff *skb)
{
	esp_rcv(skb, skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6,
		true);
}

static int esp4_rcv(struct sk_buff *skb)
{
	return esp_rcv(skb, AF_INET, false);
}

static int esp6_rcv(struct sk_buff *skb)
{
	return esp_rcv(skb, AF_INET6, false);
}

/* Our packets never go through xfrm_input(). */
static int esp_input_handler(struct sk_buff *skb, int nexthdr, __be32 spi,
			     int encap_type)
{
	return -EINVAL;
}

static int esp_cb_handler(struct sk_buff *skb, int err)
{
	return 1;
}

/* Is @spi to @daddr one of our outbound SAs?  Under RCU. */
static bool our_outbound(struct net *net, sa_family_t family, __be32 spi,
			 const union kvti_addr *daddr)
{
	struct kvti_tunnel *t;

	list_for_each_entry_rcu(t, &kvti_net(net)->tunnels, node) {
		const struct kvti_params *p = rcu_dereference(t->params);
		struct kvti_sa *sa;

		if (p->family != family || !p->has_remote)
			continue;
		if (family == AF_INET ? p->remote.ip != daddr->ip :
		    !ipv6_addr_equal(&p->remote.ip6, &daddr->ip6))
			continue;
		list_for_each_entry_rcu(sa, &t->sas, tun_node)
			if (sa->dir == KVTI_DIR_OUT && sa->spi == spi)
				return true;
	}
	return false;
}

/* ICMP about an ESP packet we sent: learn the outer path MTU. */
static int esp4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct ip_esp_hdr *esph;
	union kvti_addr daddr = {};
	struct net *net = dev_net(skb->dev);

	if (!pskb_may_pull(skb, iph->ihl * 4 + sizeof(*esph)))
		return -ENOENT;
	iph = (const struct iphdr *)skb->data;
	esph = (const struct ip_esp_hdr *)(skb->data + iph->ihl * 4);
	daddr.ip = iph->daddr;
	if (!our_outbound(net, AF_INET, esph->spi, &daddr))
		return -ENOENT;
	if (icmp_hdr(skb)->type == ICMP_DEST_UNREACH &&
	    icmp_hdr(skb)->code == ICMP_FRAG_NEEDED)
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_ESP);
	else if (icmp_hdr(skb)->type == ICMP_REDIRECT)
		ipv4_redirect(skb, net, 0, IPPROTO_ESP);
	return 0;
}

static int esp6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		    u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	const struct ip_esp_hdr *esph;
	union kvti_addr daddr = {};
	struct net *net = dev_net(skb->dev);

	if (!pskb_may_pull(skb, offset + sizeof(*esph)))
		return -ENOENT;
	ip6h = (const struct ipv6hdr *)skb->data;
	esph = (const struct ip_esp_hdr *)(skb->data + offset);
	daddr.ip6 = ip6h->daddr;
	if (!our_outbound(net, AF_INET6, esph->spi, &daddr))
		return -ENOENT;
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
	else if (type == NDISC_REDIRECT)
		ip6_redirect(skb, net, skb->dev->ifindex, 0,
			     sock_net_uid(net, NULL));
	return 0;
}

static struct xfrm4_protocol kvti_esp4_protocol __read_mostly = {
	.handler	= esp4_rcv,
	.input_handler	= esp_input_handler,
	.cb_handler	= esp_cb_handler,
	.err_handler	= esp4_err,
	.priority	= KVTI_PROTO_PRIORITY,
};

static struct xfrm6_protocol kvti_esp6_protocol __read_mostly = {
	.handler	= esp6_rcv,
	.input_handler	= esp_input_handler,
	.cb_handler	= esp_cb_handler,
	.err_handler	= esp6_err,
	.priority	= KVTI_PROTO_PRIORITY,
};

int kvti_esp_init(void)
{
	int err;

	err = xfrm4_protocol_register(&kvti_esp4_protocol, IPPROTO_ESP);
	if (err)
		return err;
	err = xfrm6_protocol_register(&kvti_esp6_protocol, IPPROTO_ESP);
	if (err)
		goto err_v4;
	return 0;

err_v4:
	xfrm4_protocol_deregister(&kvti_esp4_protocol, IPPROTO_ESP);
	return err;
}

void kvti_esp_exit(void)
{
	xfrm6_protocol_deregister(&kvti_esp6_protocol, IPPROTO_ESP);
	xfrm4_protocol_deregister(&kvti_esp4_protocol, IPPROTO_ESP);
}
