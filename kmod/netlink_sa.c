// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - genl commands on SAs and counters: SA_NEW/DEL/GET/FLUSH,
 * SPI_ALLOC, STATS_GET/CLEAR, and the SA events.
 *
 * As in netlink.c: everything is checked before anything changes, and
 * every refusal names its attribute.  Keys come in and never go out.
 */
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "kvti.h"

static const struct nla_policy life_policy[KVTI_LIFE_MAX + 1] = {
	[KVTI_LIFE_SECONDS]	= { .type = NLA_U64 },
	[KVTI_LIFE_BYTES]	= { .type = NLA_U64 },
	[KVTI_LIFE_PACKETS]	= { .type = NLA_U64 },
};

const struct nla_policy kvti_sa_new_policy[KVTI_A_MAX + 1] = {
	[KVTI_A_IFINDEX]	= { .type = NLA_U32 },
	[KVTI_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[KVTI_A_SA_DIR]		= { .type = NLA_U8 },
	[KVTI_A_SA_SPI]		= { .type = NLA_U32 },
	[KVTI_A_SA_AEAD_ALG]	= { .type = NLA_NUL_STRING, .len = KVTI_ALG_NAME_MAX - 1 },
	[KVTI_A_SA_ENC_ALG]	= { .type = NLA_NUL_STRING, .len = KVTI_ALG_NAME_MAX - 1 },
	[KVTI_A_SA_AUTH_ALG]	= { .type = NLA_NUL_STRING, .len = KVTI_ALG_NAME_MAX - 1 },
	[KVTI_A_SA_ENC_KEY]	= { .type = NLA_BINARY, .len = 64 },
	[KVTI_A_SA_AUTH_KEY]	= { .type = NLA_BINARY, .len = 128 },
	[KVTI_A_SA_ICV_BITS]	= { .type = NLA_U32 },
	[KVTI_A_SA_ESN]		= { .type = NLA_FLAG },
	[KVTI_A_SA_REPLAY_WINDOW] = { .type = NLA_U32 },
	[KVTI_A_SA_LIFE_SOFT]	= NLA_POLICY_NESTED(life_policy),
	[KVTI_A_SA_LIFE_HARD]	= NLA_POLICY_NESTED(life_policy),
	[KVTI_A_SA_IDLE_TIME]	= { .type = NLA_U32 },
	[KVTI_A_SA_SEQ_OUT]	= { .type = NLA_U64 },
};

const struct nla_policy kvti_sa_id_policy[KVTI_A_MAX + 1] = {
	[KVTI_A_IFINDEX]	= { .type = NLA_U32 },
	[KVTI_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[KVTI_A_SA_ID]		= { .type = NLA_U32 },
	[KVTI_A_SA_DIR]		= { .type = NLA_U8 },
	[KVTI_A_SA_SPI]		= { .type = NLA_U32 },
	[KVTI_A_SA_CURSOR]	= { .type = NLA_U32 },
};

const struct nla_policy kvti_spi_alloc_policy[KVTI_A_MAX + 1] = {
	[KVTI_A_SPI_MIN]	= { .type = NLA_U32 },
	[KVTI_A_SPI_MAX]	= { .type = NLA_U32 },
};

#define LIFE_SECONDS_MAX	(10ULL * 365 * 24 * 3600)
#define IDLE_TIME_MAX		86400

static int parse_life(struct nlattr *nest, struct kvti_lifetime *life,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KVTI_LIFE_MAX + 1];
	int err;

	memset(life, 0, sizeof(*life));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, KVTI_LIFE_MAX, nest, life_policy, extack);
	if (err)
		return err;
	if (tb[KVTI_LIFE_SECONDS])
		life->seconds = nla_get_u64(tb[KVTI_LIFE_SECONDS]);
	if (tb[KVTI_LIFE_BYTES])
		life->bytes = nla_get_u64(tb[KVTI_LIFE_BYTES]);
	if (tb[KVTI_LIFE_PACKETS])
		life->packets = nla_get_u64(tb[KVTI_LIFE_PACKETS]);
	if (life->seconds > LIFE_SECONDS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KVTI_LIFE_SECONDS],
				    "KVTI_LIFE_SECONDS: more than ten years");
		return -ERANGE;
	}
	return 0;
}

/* A soft limit must come before the hard one it warns about. */
static bool soft_after_hard(u64 soft, u64 hard)
{
	return soft && hard && soft > hard;
}

/* Reads and checks SA_NEW's attributes into @c; nothing is allocated. */
static int parse_sa(struct genl_info *info, struct kvti_sa_config *c)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	const struct kvti_params *p;
	struct kvti_tunnel *t;
	struct nlattr *a;
	int err;

	ASSERT_RTNL();
	t = kvti_nl_find_tunnel(genl_info_net(info), attrs, extack);
	if (IS_ERR(t))
		return PTR_ERR(t);
	p = rtnl_dereference(t->params);
	if (t->is_template) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_IFNAME: a template carries no traffic; SAs go on its clones");
		return -EINVAL;
	}
	if (!p->has_local || !p->has_remote) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_IFNAME: the tunnel needs local and remote addresses first");
		return -EINVAL;
	}
	c->tunnel = t;

	if (GENL_REQ_ATTR_CHECK(info, KVTI_A_SA_DIR) ||
	    GENL_REQ_ATTR_CHECK(info, KVTI_A_SA_SPI) ||
	    GENL_REQ_ATTR_CHECK(info, KVTI_A_SA_ENC_KEY)) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_SA_DIR, KVTI_A_SA_SPI and KVTI_A_SA_ENC_KEY are required");
		return -EINVAL;
	}
	c->dir = nla_get_u8(attrs[KVTI_A_SA_DIR]);
	if (c->dir > KVTI_DIR_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_SA_DIR],
				    "KVTI_A_SA_DIR: must be in (0) or out (1)");
		return -EINVAL;
	}
	if (nla_get_u32(attrs[KVTI_A_SA_SPI]) < 256) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_SA_SPI],
				    "KVTI_A_SA_SPI: 0..255 are reserved (RFC 4303)");
		return -EINVAL;
	}
	c->spi = htonl(nla_get_u32(attrs[KVTI_A_SA_SPI]));

	a = attrs[KVTI_A_SA_AEAD_ALG];
	if (a && (attrs[KVTI_A_SA_ENC_ALG] || attrs[KVTI_A_SA_AUTH_ALG] ||
		  attrs[KVTI_A_SA_AUTH_KEY])) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KVTI_A_SA_AEAD_ALG: an AEAD takes no separate encryption or integrity algorithm");
		return -EINVAL;
	}
	if (!a && (!attrs[KVTI_A_SA_ENC_ALG] || !attrs[KVTI_A_SA_AUTH_ALG] ||
		   !attrs[KVTI_A_SA_AUTH_KEY] || !attrs[KVTI_A_SA_ICV_BITS])) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_SA_AEAD_ALG, or KVTI_A_SA_ENC_ALG with KVTI_A_SA_AUTH_ALG, KVTI_A_SA_AUTH_KEY and KVTI_A_SA_ICV_BITS, is required");
		return -EINVAL;
	}
	if (a) {
		c->aead_alg = nla_data(a);
	} else {
		c->enc_alg = nla_data(attrs[KVTI_A_SA_ENC_ALG]);
		c->auth_alg = nla_data(attrs[KVTI_A_SA_AUTH_ALG]);
		c->auth_key = nla_data(attrs[KVTI_A_SA_AUTH_KEY]);
		c->auth_key_len = nla_len(attrs[KVTI_A_SA_AUTH_KEY]);
	}
	c->enc_key = nla_data(attrs[KVTI_A_SA_ENC_KEY]);
	c->enc_key_len = nla_len(attrs[KVTI_A_SA_ENC_KEY]);
	c->icv_bits = attrs[KVTI_A_SA_ICV_BITS] ?
		      nla_get_u32(attrs[KVTI_A_SA_ICV_BITS]) : 128;
	c->esn = nla_get_flag(attrs[KVTI_A_SA_ESN]);

	c->replay_window = p->replay_window;
	a = attrs[KVTI_A_SA_REPLAY_WINDOW];
	if (a) {
		c->replay_window = nla_get_u32(a);
		if (c->replay_window && (c->replay_window < KVTI_REPLAY_MIN ||
					 c->replay_window > KVTI_REPLAY_MAX)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_SA_REPLAY_WINDOW: must be 0 (off) or 32..4096");
			return -ERANGE;
		}
	}

	err = parse_life(attrs[KVTI_A_SA_LIFE_SOFT], &c->soft, extack);
	if (!err)
		err = parse_life(attrs[KVTI_A_SA_LIFE_HARD], &c->hard, extack);
	if (err)
		return err;
	if (soft_after_hard(c->soft.seconds, c->hard.seconds) ||
	    soft_after_hard(c->soft.bytes, c->hard.bytes) ||
	    soft_after_hard(c->soft.packets, c->hard.packets)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_SA_LIFE_SOFT],
				    "KVTI_A_SA_LIFE_SOFT: a soft limit is larger than its hard limit");
		return -EINVAL;
	}

	a = attrs[KVTI_A_SA_IDLE_TIME];
	if (a) {
		c->idle_time = nla_get_u32(a);
		if (c->idle_time > IDLE_TIME_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_SA_IDLE_TIME: at most 86400 seconds");
			return -ERANGE;
		}
	}
	a = attrs[KVTI_A_SA_SEQ_OUT];
	if (a) {
		if (c->dir != KVTI_DIR_OUT) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_SA_SEQ_OUT: only an outbound SA sends");
			return -EINVAL;
		}
		c->seq_out = nla_get_u64(a);
		if (!c->esn && c->seq_out > U32_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "KVTI_A_SA_SEQ_OUT: beyond 32 bits without ESN");
			return -ERANGE;
		}
	}
	return 0;
}

static int put_life(struct sk_buff *skb, int type, u64 secs, u64 bytes,
		    u64 packets)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u64_64bit(skb, KVTI_LIFE_SECONDS, secs, KVTI_LIFE_PAD) ||
	    nla_put_u64_64bit(skb, KVTI_LIFE_BYTES, bytes, KVTI_LIFE_PAD) ||
	    nla_put_u64_64bit(skb, KVTI_LIFE_PACKETS, packets, KVTI_LIFE_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* What an operator (and the keyer) needs to know of an SA; never keys. */
static int fill_sa(struct sk_buff *skb, struct kvti_sa *sa, u32 portid,
		   u32 seq, int flags, u8 cmd)
{
	u64 age = (jiffies - sa->created) / HZ;
	u64 idle = (jiffies - READ_ONCE(sa->last_used)) / HZ;
	u64 c[__KVTI_STAT_MAX];
	struct nlattr *nest;
	u64 top;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, kvti_nl_family(), flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	spin_lock_bh(&sa->replay_lock);
	top = sa->replay.top;
	spin_unlock_bh(&sa->replay_lock);
	if (nla_put_u32(skb, KVTI_A_SA_ID, sa->id) ||
	    nla_put_u32(skb, KVTI_A_IFINDEX, sa->tunnel->dev->ifindex) ||
	    nla_put_string(skb, KVTI_A_IFNAME, sa->tunnel->dev->name) ||
	    nla_put_u8(skb, KVTI_A_SA_DIR, sa->dir) ||
	    nla_put_u32(skb, KVTI_A_SA_SPI, ntohl(sa->spi)) ||
	    nla_put_string(skb, sa->auth[0] ? KVTI_A_SA_ENC_ALG :
			   KVTI_A_SA_AEAD_ALG, sa->alg) ||
	    (sa->auth[0] &&
	     (nla_put_string(skb, KVTI_A_SA_AUTH_ALG, sa->auth) ||
	      nla_put_u32(skb, KVTI_A_SA_AUTH_KEY_BITS, sa->auth_key_bits))) ||
	    nla_put_u32(skb, KVTI_A_SA_ENC_KEY_BITS, sa->enc_key_bits) ||
	    nla_put_u32(skb, KVTI_A_SA_ICV_BITS, sa->icvlen * 8) ||
	    (sa->esn && nla_put_flag(skb, KVTI_A_SA_ESN)) ||
	    nla_put_u32(skb, KVTI_A_SA_IDLE_TIME, sa->idle_time) ||
	    nla_put_u64_64bit(skb, KVTI_A_SA_AGE, age, KVTI_A_PAD) ||
	    nla_put_u64_64bit(skb, KVTI_A_SA_IDLE, idle, KVTI_A_PAD) ||
	    put_life(skb, KVTI_A_SA_LIFE_SOFT, sa->soft.seconds,
		     sa->soft.bytes, sa->soft.packets) ||
	    put_life(skb, KVTI_A_SA_LIFE_HARD, sa->hard.seconds,
		     sa->hard.bytes, sa->hard.packets) ||
	    put_life(skb, KVTI_A_SA_LIFE_CUR, age,
		     atomic64_read(&sa->life_bytes),
		     atomic64_read(&sa->life_packets)))
		goto nla_put_failure;
	if (sa->dir == KVTI_DIR_IN) {
		if (nla_put_u32(skb, KVTI_A_SA_REPLAY_WINDOW, sa->replay.size) ||
		    nla_put_u64_64bit(skb, KVTI_A_SA_REPLAY_TOP, top, KVTI_A_PAD))
			goto nla_put_failure;
	} else if (nla_put_u64_64bit(skb, KVTI_A_SA_SEQ_OUT,
				     atomic64_read(&sa->seq_out), KVTI_A_PAD)) {
		goto nla_put_failure;
	}
	kvti_stats_sum(sa->stats, c);
	nest = nla_nest_start(skb, KVTI_A_SA_STATS);
	if (!nest)
		goto nla_put_failure;
	for (i = KVTI_STAT_RX_PACKETS; i < KVTI_STAT_PAD; i++)
		if (nla_put_u64_64bit(skb, i, c[i], KVTI_STAT_PAD))
			goto nla_put_failure;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

nla_put_failure:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int reply_sa(struct kvti_sa *sa, struct genl_info *info, u8 cmd)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int err;

	if (!skb)
		return -ENOMEM;
	err = fill_sa(skb, sa, info->snd_portid, info->snd_seq, 0, cmd);
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return genlmsg_reply(skb, info);
}

int kvti_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kvti_sa_config c = {};
	struct sk_buff *echo = NULL;
	struct kvti_sa *sa;
	int err;

	/* The echo is allocated first: once the SA is in, SA_NEW must not
	 * fail, or the keyer takes it for refused and never deletes it.
	 */
	if (info->nlhdr->nlmsg_flags & NLM_F_ECHO) {
		echo = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
		if (!echo)
			return -ENOMEM;
	}
	rtnl_lock();
	err = parse_sa(info, &c);
	if (err)
		goto out_unlock;
	sa = kvti_sa_create(kvti_net(net), &c, info->extack);
	if (IS_ERR(sa)) {
		err = PTR_ERR(sa);
		goto out_unlock;
	}
	if (c.tunnel->mtu_auto && c.dir == KVTI_DIR_OUT)
		kvti_tunnel_set_mtu(c.tunnel, 0);
	if (echo) {
		err = fill_sa(echo, sa, info->snd_portid, info->snd_seq, 0,
			      KVTI_CMD_SA_NEW);
		if (!err)
			err = genlmsg_reply(echo, info);
		else
			nlmsg_free(echo);
		echo = NULL;
	}
out_unlock:
	rtnl_unlock();
	nlmsg_free(echo);
	return err;
}

/* The SA named by SA_ID, or by tunnel + SA_DIR + SA_SPI; referenced. */
static struct kvti_sa *find_sa(struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct kvti_net *kn = kvti_net(genl_info_net(info));
	struct kvti_tunnel *t;
	struct kvti_sa *sa;

	ASSERT_RTNL();
	if (attrs[KVTI_A_SA_ID]) {
		sa = kvti_sa_find(kn, nla_get_u32(attrs[KVTI_A_SA_ID]));
		if (!sa) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_SA_ID],
					    "KVTI_A_SA_ID: no such SA");
			return ERR_PTR(-ENOENT);
		}
		return sa;
	}
	if (!attrs[KVTI_A_SA_DIR] || !attrs[KVTI_A_SA_SPI]) {
		NL_SET_ERR_MSG(extack,
			       "KVTI_A_SA_ID, or a tunnel with KVTI_A_SA_DIR and KVTI_A_SA_SPI, is required");
		return ERR_PTR(-EINVAL);
	}
	t = kvti_nl_find_tunnel(genl_info_net(info), attrs, extack);
	if (IS_ERR(t))
		return ERR_CAST(t);
	sa = kvti_sa_find_spi(t, nla_get_u8(attrs[KVTI_A_SA_DIR]),
			      htonl(nla_get_u32(attrs[KVTI_A_SA_SPI])));
	if (!sa) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVTI_A_SA_SPI],
				    "KVTI_A_SA_SPI: no SA with this SPI and direction on the tunnel");
		return ERR_PTR(-ENOENT);
	}
	return sa;
}

int kvti_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_sa *sa;
	int err = 0;

	rtnl_lock();
	sa = find_sa(info);
	if (IS_ERR(sa)) {
		err = PTR_ERR(sa);
	} else {
		kvti_sa_unlink(sa);
		kvti_sa_put(sa);
	}
	rtnl_unlock();
	return err;
}

int kvti_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_sa *sa;
	int err;

	rtnl_lock();
	sa = find_sa(info);
	if (IS_ERR(sa)) {
		err = PTR_ERR(sa);
	} else {
		err = reply_sa(sa, info, KVTI_CMD_SA_GET);
		kvti_sa_put(sa);
	}
	rtnl_unlock();
	return err;
}

/*
 * Dumps SAs in id order.  cb->args[0] is the next id to visit (resuming
 * across calls, and settable with KVTI_A_SA_CURSOR); args[1] the tunnel
 * filter's ifindex, args[2] the SPI filter, args[3] 1 once parsed.
 */
int kvti_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kvti_net *kn = kvti_net(sock_net(skb->sk));
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct kvti_sa *sa;
	int id, err = 0;

	if (!cb->args[3]) {
		cb->args[3] = 1;
		cb->args[0] = attrs[KVTI_A_SA_CURSOR] ?
			      nla_get_u32(attrs[KVTI_A_SA_CURSOR]) : 0;
		if (attrs[KVTI_A_IFINDEX] || attrs[KVTI_A_IFNAME]) {
			struct kvti_tunnel *t;

			rtnl_lock();
			t = kvti_nl_find_tunnel(sock_net(skb->sk), attrs,
						cb->extack);
			if (!IS_ERR(t))
				cb->args[1] = t->dev->ifindex;
			rtnl_unlock();
			if (IS_ERR(t))
				return PTR_ERR(t);
		}
		if (attrs[KVTI_A_SA_SPI])
			cb->args[2] = nla_get_u32(attrs[KVTI_A_SA_SPI]);
	}

	/* Ids are below INT_MAX (idr_alloc_cyclic), and idr_get_next() WARNs
	 * when asked to start beyond it: a cursor up there finds nothing.
	 */
	if (cb->args[0] > INT_MAX)
		return 0;

	spin_lock_bh(&kn->sa_lock);
	id = cb->args[0];
	while ((sa = idr_get_next(&kn->sa_ids, &id))) {
		if ((!cb->args[1] || sa->tunnel->dev->ifindex == cb->args[1]) &&
		    (!cb->args[2] || ntohl(sa->spi) == cb->args[2])) {
			err = fill_sa(skb, sa, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      KVTI_CMD_SA_GET);
			if (err)
				break;
		}
		id++;
	}
	spin_unlock_bh(&kn->sa_lock);
	cb->args[0] = id;
	if (err && !skb->len)
		return err;
	return skb->len;
}

int kvti_nl_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_net *kn = kvti_net(genl_info_net(info));
	struct kvti_tunnel *t;
	int err = 0;

	rtnl_lock();
	if (info->attrs[KVTI_A_IFINDEX] || info->attrs[KVTI_A_IFNAME]) {
		t = kvti_nl_find_tunnel(genl_info_net(info), info->attrs,
					info->extack);
		if (IS_ERR(t))
			err = PTR_ERR(t);
		else
			kvti_sa_flush_tunnel(t);
	} else {
		kvti_sa_flush_net(kn);
	}
	rtnl_unlock();
	return err;
}

int kvti_nl_spi_alloc(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_net *kn = kvti_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	u32 lo = 0x100, hi = U32_MAX;
	struct sk_buff *msg;
	__be32 spi;
	void *hdr;
	int err;

	if (attrs[KVTI_A_SPI_MIN])
		lo = nla_get_u32(attrs[KVTI_A_SPI_MIN]);
	if (attrs[KVTI_A_SPI_MAX])
		hi = nla_get_u32(attrs[KVTI_A_SPI_MAX]);
	if (lo < 0x100 || lo > hi) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KVTI_A_SPI_MIN],
				    "KVTI_A_SPI_MIN/MAX: need 256 <= min <= max");
		return -EINVAL;
	}
	/* The answer first: a reservation nobody hears of would keep its
	 * SPI from every SPI_ALLOC for SPI_RESV_TIME.
	 */
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = kvti_sa_spi_alloc(kn, lo, hi, &spi);
	if (err) {
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG(info->extack, "no free SPI in the range");
		nlmsg_free(msg);
		return err;
	}
	hdr = genlmsg_put_reply(msg, info, kvti_nl_family(), 0,
				KVTI_CMD_SPI_ALLOC);
	if (!hdr || nla_put_u32(msg, KVTI_A_SA_SPI, ntohl(spi))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int kvti_nl_stats_clear(struct sk_buff *skb, struct genl_info *info)
{
	struct kvti_net *kn = kvti_net(genl_info_net(info));
	struct kvti_tunnel *t, *only = NULL;
	struct kvti_sa *sa;

	rtnl_lock();
	if (info->attrs[KVTI_A_IFINDEX] || info->attrs[KVTI_A_IFNAME]) {
		only = kvti_nl_find_tunnel(genl_info_net(info), info->attrs,
					   info->extack);
		if (IS_ERR(only)) {
			rtnl_unlock();
			return PTR_ERR(only);
		}
	}
	list_for_each_entry(t, &kn->tunnels, node) {
		if (only && t != only)
			continue;
		kvti_stats_zero(t->stats);
		rcu_read_lock();
		list_for_each_entry_rcu(sa, &t->sas, tun_node)
			kvti_stats_zero(sa->stats);
		rcu_read_unlock();
	}
	rtnl_unlock();
	return 0;
}

/* Multicasts an SA event.  Any context: timers and the data path too. */
void kvti_netlink_sa_event(struct kvti_sa *sa, u8 cmd, bool hard)
{
	struct net *net = sa->net;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(kvti_nl_family(), net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, kvti_nl_family(), 0, cmd);
	if (!hdr ||
	    nla_put_u32(skb, KVTI_A_SA_ID, sa->id) ||
	    nla_put_u32(skb, KVTI_A_IFINDEX, sa->tunnel->dev->ifindex) ||
	    nla_put_string(skb, KVTI_A_IFNAME, sa->tunnel->dev->name) ||
	    nla_put_u8(skb, KVTI_A_SA_DIR, sa->dir) ||
	    nla_put_u32(skb, KVTI_A_SA_SPI, ntohl(sa->spi)) ||
	    (hard && nla_put_flag(skb, KVTI_A_EXPIRE_HARD))) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(kvti_nl_family(), net, skb, 0, 0, GFP_ATOMIC);
}
