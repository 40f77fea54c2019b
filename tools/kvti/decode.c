// SPDX-License-Identifier: GPL-2.0
/*
 * Replies from the kernel into plain structs, so that commands and output
 * never touch attributes.  Each decoder parses against a policy and proves
 * every length before use; attributes it does not know (a newer kernel's)
 * are skipped, and a known one with a bad size makes the reply -EBADMSG.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "kvti.h"

static int addr_from_attr(const struct nlattr *nla, struct kvti_addr *a)
{
	int len = nla_len(nla);

	if (len != 4 && len != 16)
		return -EBADMSG;
	a->family = len == 4 ? AF_INET : AF_INET6;
	a->len = len;
	memcpy(a->bytes, nla_data(nla), len);
	return 0;
}

static int parse_stats(struct nlattr *nest, uint64_t *v)
{
	struct nla_policy policy[KVTI_STAT_MAX + 1];
	struct nlattr *tb[KVTI_STAT_MAX + 1];
	int i;

	for (i = 0; i <= KVTI_STAT_MAX; i++)
		policy[i] = (struct nla_policy){ .type = NLA_U64 };
	policy[KVTI_STAT_UNSPEC].type = NLA_UNSPEC;
	policy[KVTI_STAT_PAD].type = NLA_UNSPEC;
	if (nla_parse_nested(tb, KVTI_STAT_MAX, nest, policy) < 0)
		return -EBADMSG;
	for (i = 1; i <= KVTI_STAT_MAX; i++)
		if (tb[i] && i != KVTI_STAT_PAD)
			v[i] = nla_get_u64(tb[i]);
	return 0;
}

int kvti_decode_tunnel(struct nlmsghdr *nlh, struct kvti_tunnel *t)
{
	static const struct nla_policy policy[KVTI_A_MAX + 1] = {
		[KVTI_A_IFINDEX] = { .type = NLA_U32 },
		[KVTI_A_IFNAME] = { .type = NLA_STRING, .maxlen = KVTI_IFNAMSIZ },
		[KVTI_A_LOCAL] = { .minlen = 4, .maxlen = 16 },
		[KVTI_A_REMOTE] = { .minlen = 4, .maxlen = 16 },
		[KVTI_A_KEY] = { .type = NLA_U32 },
		[KVTI_A_MTU] = { .type = NLA_U32 },
		[KVTI_A_DF_MODE] = { .type = NLA_U8 },
		[KVTI_A_REPLAY_WINDOW] = { .type = NLA_U32 },
		[KVTI_A_TEMPLATE] = { .type = NLA_FLAG },
		[KVTI_A_TEMPLATE_IFINDEX] = { .type = NLA_U32 },
		[KVTI_A_ENCAP] = { .type = NLA_U8 },
		[KVTI_A_ENCAP_SPORT] = { .type = NLA_U16 },
		[KVTI_A_ENCAP_DPORT] = { .type = NLA_U16 },
		[KVTI_A_CARRIER] = { .type = NLA_U8 },
		[KVTI_A_STATS] = { .type = NLA_NESTED },
		[KVTI_A_ENCAP_SOCKET] = { .type = NLA_U8 },
		[KVTI_A_LINK] = { .type = NLA_U32 },
	};
	struct nlattr *tb[KVTI_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, policy) < 0 ||
	    !tb[KVTI_A_IFINDEX] || !tb[KVTI_A_IFNAME])
		return -EBADMSG;
	memset(t, 0, sizeof(*t));
	t->ifindex = nla_get_u32(tb[KVTI_A_IFINDEX]);
	snprintf(t->ifname, sizeof(t->ifname), "%s", nla_get_string(tb[KVTI_A_IFNAME]));
	if (tb[KVTI_A_LOCAL] && addr_from_attr(tb[KVTI_A_LOCAL], &t->local))
		return -EBADMSG;
	if (tb[KVTI_A_REMOTE] && addr_from_attr(tb[KVTI_A_REMOTE], &t->remote))
		return -EBADMSG;
	if (tb[KVTI_A_KEY]) {
		t->has_key = true;
		t->key = nla_get_u32(tb[KVTI_A_KEY]);
	}
	if (tb[KVTI_A_MTU])
		t->mtu = nla_get_u32(tb[KVTI_A_MTU]);
	if (tb[KVTI_A_DF_MODE])
		t->df_mode = nla_get_u8(tb[KVTI_A_DF_MODE]);
	if (tb[KVTI_A_REPLAY_WINDOW])
		t->replay_window = nla_get_u32(tb[KVTI_A_REPLAY_WINDOW]);
	t->template = tb[KVTI_A_TEMPLATE] != NULL;
	if (tb[KVTI_A_TEMPLATE_IFINDEX])
		t->template_ifindex = nla_get_u32(tb[KVTI_A_TEMPLATE_IFINDEX]);
	if (tb[KVTI_A_LINK]) {
		t->link = nla_get_u32(tb[KVTI_A_LINK]);
		snprintf(t->dev, sizeof(t->dev), "if%u", t->link);	/* named by the caller */
	}
	if (tb[KVTI_A_ENCAP])
		t->encap = nla_get_u8(tb[KVTI_A_ENCAP]);
	if (tb[KVTI_A_ENCAP_SPORT])
		t->sport = nla_get_u16(tb[KVTI_A_ENCAP_SPORT]);
	if (tb[KVTI_A_ENCAP_DPORT])
		t->dport = nla_get_u16(tb[KVTI_A_ENCAP_DPORT]);
	if (tb[KVTI_A_ENCAP_SOCKET]) {
		t->has_socket = true;
		t->socket = nla_get_u8(tb[KVTI_A_ENCAP_SOCKET]) != 0;
	}
	if (tb[KVTI_A_CARRIER])
		t->carrier = nla_get_u8(tb[KVTI_A_CARRIER]) != 0;
	if (tb[KVTI_A_STATS]) {
		if (parse_stats(tb[KVTI_A_STATS], t->stats))
			return -EBADMSG;
		t->has_stats = true;
	}
	return 0;
}

static int parse_life(struct nlattr *nest, struct kvti_lifetime *life)
{
	static const struct nla_policy policy[KVTI_LIFE_MAX + 1] = {
		[KVTI_LIFE_SECONDS] = { .type = NLA_U64 },
		[KVTI_LIFE_BYTES] = { .type = NLA_U64 },
		[KVTI_LIFE_PACKETS] = { .type = NLA_U64 },
	};
	struct nlattr *tb[KVTI_LIFE_MAX + 1];

	if (!nest)
		return 0;
	if (nla_parse_nested(tb, KVTI_LIFE_MAX, nest, policy) < 0)
		return -EBADMSG;
	if (tb[KVTI_LIFE_SECONDS])
		life->seconds = nla_get_u64(tb[KVTI_LIFE_SECONDS]);
	if (tb[KVTI_LIFE_BYTES])
		life->bytes = nla_get_u64(tb[KVTI_LIFE_BYTES]);
	if (tb[KVTI_LIFE_PACKETS])
		life->packets = nla_get_u64(tb[KVTI_LIFE_PACKETS]);
	return 0;
}

static void get_string(char *buf, size_t len, const struct nlattr *nla)
{
	if (nla)
		snprintf(buf, len, "%s", (const char *)nla_data(nla));
}

#define ALG_POLICY { .type = NLA_STRING, .maxlen = KVTI_ALG_NAMSIZ }

int kvti_decode_sa(struct nlmsghdr *nlh, struct kvti_sa *sa)
{
	static const struct nla_policy policy[KVTI_A_MAX + 1] = {
		[KVTI_A_IFINDEX] = { .type = NLA_U32 },
		[KVTI_A_IFNAME] = { .type = NLA_STRING, .maxlen = KVTI_IFNAMSIZ },
		[KVTI_A_SA_ID] = { .type = NLA_U32 },
		[KVTI_A_SA_DIR] = { .type = NLA_U8 },
		[KVTI_A_SA_SPI] = { .type = NLA_U32 },
		[KVTI_A_SA_AEAD_ALG] = ALG_POLICY,
		[KVTI_A_SA_ENC_ALG] = ALG_POLICY,
		[KVTI_A_SA_AUTH_ALG] = ALG_POLICY,
		[KVTI_A_SA_ICV_BITS] = { .type = NLA_U32 },
		[KVTI_A_SA_ENC_KEY_BITS] = { .type = NLA_U32 },
		[KVTI_A_SA_AUTH_KEY_BITS] = { .type = NLA_U32 },
		[KVTI_A_SA_ESN] = { .type = NLA_FLAG },
		[KVTI_A_SA_REPLAY_WINDOW] = { .type = NLA_U32 },
		[KVTI_A_SA_REPLAY_TOP] = { .type = NLA_U64 },
		[KVTI_A_SA_SEQ_OUT] = { .type = NLA_U64 },
		[KVTI_A_SA_LIFE_SOFT] = { .type = NLA_NESTED },
		[KVTI_A_SA_LIFE_HARD] = { .type = NLA_NESTED },
		[KVTI_A_SA_LIFE_CUR] = { .type = NLA_NESTED },
		[KVTI_A_SA_IDLE_TIME] = { .type = NLA_U32 },
		[KVTI_A_SA_AGE] = { .type = NLA_U64 },
		[KVTI_A_SA_IDLE] = { .type = NLA_U64 },
		[KVTI_A_SA_STATS] = { .type = NLA_NESTED },
	};
	struct nlattr *tb[KVTI_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, policy) < 0 ||
	    !tb[KVTI_A_SA_ID] || !tb[KVTI_A_IFNAME] || !tb[KVTI_A_SA_DIR] ||
	    !tb[KVTI_A_SA_SPI])
		return -EBADMSG;
	memset(sa, 0, sizeof(*sa));
	sa->id = nla_get_u32(tb[KVTI_A_SA_ID]);
	get_string(sa->ifname, sizeof(sa->ifname), tb[KVTI_A_IFNAME]);
	sa->dir = nla_get_u8(tb[KVTI_A_SA_DIR]);
	sa->spi = nla_get_u32(tb[KVTI_A_SA_SPI]);
	if (tb[KVTI_A_IFINDEX])
		sa->ifindex = nla_get_u32(tb[KVTI_A_IFINDEX]);
	get_string(sa->aead, sizeof(sa->aead), tb[KVTI_A_SA_AEAD_ALG]);
	get_string(sa->enc, sizeof(sa->enc), tb[KVTI_A_SA_ENC_ALG]);
	get_string(sa->auth, sizeof(sa->auth), tb[KVTI_A_SA_AUTH_ALG]);
	if (tb[KVTI_A_SA_ENC_KEY_BITS])
		sa->enc_key_bits = nla_get_u32(tb[KVTI_A_SA_ENC_KEY_BITS]);
	if (tb[KVTI_A_SA_AUTH_KEY_BITS])
		sa->auth_key_bits = nla_get_u32(tb[KVTI_A_SA_AUTH_KEY_BITS]);
	if (tb[KVTI_A_SA_ICV_BITS])
		sa->icv_bits = nla_get_u32(tb[KVTI_A_SA_ICV_BITS]);
	sa->esn = tb[KVTI_A_SA_ESN] != NULL;
	if (tb[KVTI_A_SA_IDLE_TIME])
		sa->idle_time = nla_get_u32(tb[KVTI_A_SA_IDLE_TIME]);
	if (tb[KVTI_A_SA_AGE])
		sa->age = nla_get_u64(tb[KVTI_A_SA_AGE]);
	if (tb[KVTI_A_SA_IDLE])
		sa->idle = nla_get_u64(tb[KVTI_A_SA_IDLE]);
	if (parse_life(tb[KVTI_A_SA_LIFE_SOFT], &sa->soft) ||
	    parse_life(tb[KVTI_A_SA_LIFE_HARD], &sa->hard) ||
	    parse_life(tb[KVTI_A_SA_LIFE_CUR], &sa->cur))
		return -EBADMSG;
	if (tb[KVTI_A_SA_REPLAY_WINDOW] || tb[KVTI_A_SA_REPLAY_TOP]) {
		sa->has_replay = true;
		if (tb[KVTI_A_SA_REPLAY_WINDOW])
			sa->replay_window = nla_get_u32(tb[KVTI_A_SA_REPLAY_WINDOW]);
		if (tb[KVTI_A_SA_REPLAY_TOP])
			sa->replay_top = nla_get_u64(tb[KVTI_A_SA_REPLAY_TOP]);
	}
	if (tb[KVTI_A_SA_SEQ_OUT]) {
		sa->has_seq_out = true;
		sa->seq_out = nla_get_u64(tb[KVTI_A_SA_SEQ_OUT]);
	}
	if (tb[KVTI_A_SA_STATS]) {
		if (parse_stats(tb[KVTI_A_SA_STATS], sa->stats))
			return -EBADMSG;
		sa->has_stats = true;
	}
	return 0;
}

/*
 * Events: the attributes <linux/kvti.h> lists for each command are
 * required, and TUNNEL_NEW/DEL are tunnel replies.  An event of a command
 * this tool does not know is returned with only cmd (and the tunnel's
 * name, if it has one), for the caller to report as unknown.
 */
int kvti_decode_event(struct nlmsghdr *nlh, struct kvti_event *ev)
{
	static const struct nla_policy policy[KVTI_A_MAX + 1] = {
		[KVTI_A_IFINDEX] = { .type = NLA_U32 },
		[KVTI_A_IFNAME] = { .type = NLA_STRING, .maxlen = KVTI_IFNAMSIZ },
		[KVTI_A_LOCAL] = { .minlen = 4, .maxlen = 16 },
		[KVTI_A_REMOTE] = { .minlen = 4, .maxlen = 16 },
		[KVTI_A_SA_ID] = { .type = NLA_U32 },
		[KVTI_A_SA_DIR] = { .type = NLA_U8 },
		[KVTI_A_SA_SPI] = { .type = NLA_U32 },
		[KVTI_A_SA_SRC] = { .minlen = 4, .maxlen = 16 },
		[KVTI_A_EXPIRE_HARD] = { .type = NLA_FLAG },
	};
	struct nlattr *tb[KVTI_A_MAX + 1];
	struct genlmsghdr *gnlh;
	bool sa_event;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	gnlh = nlmsg_data(nlh);
	ev->cmd = gnlh->cmd;
	if (ev->cmd == KVTI_CMD_EV_TUNNEL_NEW || ev->cmd == KVTI_CMD_EV_TUNNEL_DEL) {
		if (kvti_decode_tunnel(nlh, &ev->tunnel))
			return -EBADMSG;
		ev->ifindex = ev->tunnel.ifindex;
		memcpy(ev->ifname, ev->tunnel.ifname, sizeof(ev->ifname));
		return 0;
	}
	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, policy) < 0)
		return -EBADMSG;
	get_string(ev->ifname, sizeof(ev->ifname), tb[KVTI_A_IFNAME]);
	if (tb[KVTI_A_IFINDEX])
		ev->ifindex = nla_get_u32(tb[KVTI_A_IFINDEX]);
	if ((tb[KVTI_A_LOCAL] && addr_from_attr(tb[KVTI_A_LOCAL], &ev->local)) ||
	    (tb[KVTI_A_REMOTE] && addr_from_attr(tb[KVTI_A_REMOTE], &ev->remote)) ||
	    (tb[KVTI_A_SA_SRC] && addr_from_attr(tb[KVTI_A_SA_SRC], &ev->src)))
		return -EBADMSG;
	if (tb[KVTI_A_SA_ID])
		ev->id = nla_get_u32(tb[KVTI_A_SA_ID]);
	if (tb[KVTI_A_SA_DIR])
		ev->dir = nla_get_u8(tb[KVTI_A_SA_DIR]);
	if (tb[KVTI_A_SA_SPI])
		ev->spi = nla_get_u32(tb[KVTI_A_SA_SPI]);
	ev->hard = tb[KVTI_A_EXPIRE_HARD] != NULL;

	sa_event = ev->cmd == KVTI_CMD_EV_EXPIRE || ev->cmd == KVTI_CMD_EV_REPLAY ||
		   ev->cmd == KVTI_CMD_EV_IDLE;
	if (sa_event && (!tb[KVTI_A_IFNAME] || !tb[KVTI_A_SA_ID] ||
			 !tb[KVTI_A_SA_DIR] || !tb[KVTI_A_SA_SPI]))
		return -EBADMSG;
	if (ev->cmd == KVTI_CMD_EV_ACQUIRE && !tb[KVTI_A_IFNAME])
		return -EBADMSG;
	if (ev->cmd == KVTI_CMD_EV_INVALID_SPI &&
	    (!tb[KVTI_A_IFNAME] || !tb[KVTI_A_SA_SPI] || !tb[KVTI_A_SA_SRC]))
		return -EBADMSG;
	return 0;
}
