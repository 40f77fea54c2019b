// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the little rtnetlink a dynamic VTI needs: a clone is set up
 * once the module made it, and the routes to its peer's protected networks
 * (IOS reverse route injection) go into the clone's routing table.
 *
 * Injected routes are "NET dev CLONE proto kvti metric DISTANCE [realm
 * TAG] table T", T being the table of the VRF the clone is enslaved to, else
 * main.  Protocol RTPROT_KVTI (201) lets an operator list or flush them
 * (`ip route show proto 201`) and a routing daemon redistribute them; the
 * realm carries IOS's route tag.  A clone's routes go with it: the kernel
 * drops them when the netdev is deleted, so nothing here deletes routes.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "keyer.h"
#include "rtnl.h"

struct nl_sock *rtnl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	/*
	 * One request at a time, each answered before the next: changes ask
	 * for an ACK themselves, a GETLINK gets its one reply and nothing
	 * more (libnl's automatic ACK would stay queued and be taken for the
	 * next request's answer), and that reply does not advance libnl's
	 * expected sequence number as an ACK does, so its check is off.
	 */
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_seq_check(sk);
	return sk;
}

void rtnl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

/* Send @msg and wait for the kernel's answer: 0 or a negative errno. */
static int transact(struct nl_sock *sk, struct nl_msg *msg)
{
	int ret = nl_send_auto(sk, msg);

	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	ret = nl_wait_for_ack(sk);
	if (ret < 0)
		return ret == -NLE_EXIST ? -EEXIST : ret == -NLE_NODEV ? -ENODEV : -EINVAL;
	return 0;
}

int rtnl_link_up(struct nl_sock *sk, const char *ifname)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)if_nametoindex(ifname),
		.ifi_flags = IFF_UP,
		.ifi_change = IFF_UP,
	};
	struct nl_msg *msg;

	if (!ifi.ifi_index)
		return -ENODEV;
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return transact(sk, msg);
}

struct table_query {
	int		master;
	uint32_t	table;
};

/* RTM_GETLINK answers: the master's index, then the VRF's table. */
static int parse_link(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *vrf[IFLA_VRF_MAX + 1];
	struct table_query *q = arg;

	if (nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[IFLA_MASTER])
		q->master = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINKINFO] &&
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 &&
	    li[IFLA_INFO_KIND] && !strcmp(nla_get_string(li[IFLA_INFO_KIND]), "vrf") &&
	    li[IFLA_INFO_DATA] &&
	    nla_parse_nested(vrf, IFLA_VRF_MAX, li[IFLA_INFO_DATA], NULL) == 0 &&
	    vrf[IFLA_VRF_TABLE])
		q->table = nla_get_u32(vrf[IFLA_VRF_TABLE]);
	return NL_OK;
}

static int get_link(struct nl_sock *sk, int ifindex, struct table_query *q)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST);
	int ret;

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, parse_link, q);
	ret = nl_recvmsgs_default(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	return ret < 0 ? -EIO : 0;
}

/* The table routes via @ifindex belong in: its VRF's, else main. */
static uint32_t route_table(struct nl_sock *sk, int ifindex)
{
	struct table_query q = { 0, 0 };

	if (get_link(sk, ifindex, &q) < 0 || !q.master)
		return RT_TABLE_MAIN;
	get_link(sk, q.master, &q);
	return q.table ? q.table : RT_TABLE_MAIN;
}

int rtnl_route_add(struct nl_sock *sk, const char *ifname, const struct ipprefix *dst,
		   uint32_t metric, uint32_t realm, uint32_t *table)
{
	struct rtmsg rtm = {
		.rtm_family = dst->addr.family,
		.rtm_dst_len = dst->len,
		.rtm_protocol = RTPROT_KVTI,
		.rtm_scope = RT_SCOPE_LINK,
		.rtm_type = RTN_UNICAST,
	};
	int ifindex = (int)if_nametoindex(ifname);
	struct nl_msg *msg;

	if (!ifindex)
		return -ENODEV;
	*table = route_table(sk, ifindex);
	rtm.rtm_table = *table < 256 ? (uint8_t)*table : RT_TABLE_UNSPEC;
	/* Never over a route of someone else's (an operator's, another clone's). */
	msg = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
				 NLM_F_EXCL);
	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)ipaddr_len(&dst->addr), dst->addr.a) < 0 ||
	    nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex) < 0 ||
	    nla_put_u32(msg, RTA_PRIORITY, metric) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, *table) < 0 ||
	    (realm && nla_put_u32(msg, RTA_FLOW, realm) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return transact(sk, msg);
}
