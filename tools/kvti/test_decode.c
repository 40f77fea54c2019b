// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of reply decoding and of `show` output: synthetic TUNNEL_GET
 * replies, built as the kernel would, go through kvti_decode_tunnel() and
 * out_tunnel(); the JSON must match the documented keys byte for byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netlink/genl/genl.h>

#include "kvti.h"
#include "test.h"

static struct nl_msg *reply(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, 0x20, 0, 0, KVTI_CMD_TUNNEL_GET, KVTI_GENL_VERSION);
	return msg;
}

static void put_addr(struct nl_msg *msg, int attr, const char *s)
{
	unsigned char b[16];
	int v6 = strchr(s, ':') != NULL;

	inet_pton(v6 ? AF_INET6 : AF_INET, s, b);
	nla_put(msg, attr, v6 ? 16 : 4, b);
}

/* The common part of a reply; extra attributes follow. */
static struct nl_msg *tunnel(uint32_t ifindex, const char *name, const char *local)
{
	struct nl_msg *msg = reply();

	nla_put_u32(msg, KVTI_A_IFINDEX, ifindex);
	nla_put_string(msg, KVTI_A_IFNAME, name);
	if (local)
		put_addr(msg, KVTI_A_LOCAL, local);
	nla_put_u32(msg, KVTI_A_MTU, 1438);
	nla_put_u8(msg, KVTI_A_DF_MODE, KVTI_DF_COPY);
	nla_put_u32(msg, KVTI_A_REPLAY_WINDOW, 64);
	nla_put_u8(msg, KVTI_A_ENCAP, KVTI_ENCAP_NONE);
	nla_put_u8(msg, KVTI_A_CARRIER, 0);
	return msg;
}

static char *buf;
static size_t len;

/* Renders t as `kvti [-j] [-s] tunnel show` would. */
static const char *render(const struct kvti_tunnel *t, bool json, bool stats)
{
	struct kvti_ctx ctx = { .json = json, .stats = stats };

	free(buf);
	buf = NULL;
	ctx.out = open_memstream(&buf, &len);
	out_begin_list(&ctx);
	out_tunnel(&ctx, t);
	out_end_list(&ctx);
	fclose(ctx.out);
	return buf;
}

/* Renders t as `kvti [-j] stats show` would. */
static const char *render_stats(const struct kvti_tunnel *t, bool json)
{
	struct kvti_ctx ctx = { .json = json };

	free(buf);
	buf = NULL;
	ctx.out = open_memstream(&buf, &len);
	out_begin_list(&ctx);
	out_tunnel_stats(&ctx, t);
	out_end_list(&ctx);
	fclose(ctx.out);
	return buf;
}

int main(void)
{
	struct kvti_tunnel t;
	struct nlattr *nest;
	struct nl_msg *msg;
	int i, ret;

	/* 1. a static tunnel: the example of kvti(8), every key */
	msg = tunnel(5, "vti1", "192.0.2.1");
	put_addr(msg, KVTI_A_REMOTE, "198.51.100.2");
	nla_put_u32(msg, KVTI_A_KEY, 7);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	CHECK(ret == 0, "decode a static tunnel");
	CHECK_STR(render(&t, true, false),
		  "[{\"ifname\":\"vti1\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"198.51.100.2\",\"key\":7,\"mtu\":1438,\"df_bit\":\"copy\","
		  "\"replay_window\":64,\"template\":false,\"encap\":\"none\","
		  "\"carrier\":false}]\n", "JSON of a static tunnel");
	CHECK_STR(render(&t, false, false),
		  "vti1: local 192.0.2.1 remote 198.51.100.2 key 7 mtu 1438 df-bit copy "
		  "replay-window 64 carrier down\n", "text of a static tunnel");
	nlmsg_free(msg);

	/* 2. a template: no remote, no key; those keys are left out */
	msg = tunnel(4, "vti0", "2001:db8::1");
	nla_put_flag(msg, KVTI_A_TEMPLATE);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	CHECK(ret == 0 && t.template && !t.remote.family && !t.has_key, "decode a template");
	CHECK_STR(render(&t, true, false),
		  "[{\"ifname\":\"vti0\",\"ifindex\":4,\"local\":\"2001:db8::1\","
		  "\"mtu\":1438,\"df_bit\":\"copy\",\"replay_window\":64,\"template\":true,"
		  "\"encap\":\"none\",\"carrier\":false}]\n", "JSON of a template");
	CHECK_STR(render(&t, false, false),
		  "vti0: template local 2001:db8::1 mtu 1438 df-bit copy replay-window 64 "
		  "carrier down\n", "text of a template");
	nlmsg_free(msg);

	/* 2b. a template with an underlay (FVRF): named by the caller, else ifN */
	msg = tunnel(4, "vta", "198.51.100.1");
	nla_put_flag(msg, KVTI_A_TEMPLATE);
	nla_put_u32(msg, KVTI_A_LINK, 12);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	CHECK(ret == 0 && t.link == 12, "decode an underlay");
	CHECK_STR(render(&t, false, false),
		  "vta: template local 198.51.100.1 dev if12 mtu 1438 df-bit copy replay-window 64 "
		  "carrier down\n", "text of an unnamed underlay");
	snprintf(t.dev, sizeof(t.dev), "inet-a");	/* tunnel.c names it */
	CHECK_STR(render(&t, true, false),
		  "[{\"ifname\":\"vta\",\"ifindex\":4,\"local\":\"198.51.100.1\","
		  "\"dev\":\"inet-a\",\"mtu\":1438,\"df_bit\":\"copy\",\"replay_window\":64,"
		  "\"template\":true,\"encap\":\"none\",\"carrier\":false}]\n", "JSON of an underlay");
	nlmsg_free(msg);

	/* 3. a clone over UDP with carrier and counters, under -s */
	msg = reply();
	nla_put_u32(msg, KVTI_A_IFINDEX, 9);
	nla_put_string(msg, KVTI_A_IFNAME, "dvti1");
	put_addr(msg, KVTI_A_LOCAL, "192.0.2.1");
	put_addr(msg, KVTI_A_REMOTE, "203.0.113.9");
	nla_put_u32(msg, KVTI_A_MTU, 1400);
	nla_put_u8(msg, KVTI_A_DF_MODE, KVTI_DF_CLEAR);
	nla_put_u32(msg, KVTI_A_REPLAY_WINDOW, 1024);
	nla_put_u32(msg, KVTI_A_TEMPLATE_IFINDEX, 4);
	nla_put_u8(msg, KVTI_A_ENCAP, KVTI_ENCAP_UDP);
	nla_put_u16(msg, KVTI_A_ENCAP_SPORT, 4500);
	nla_put_u16(msg, KVTI_A_ENCAP_DPORT, 4501);
	nla_put_u8(msg, KVTI_A_ENCAP_SOCKET, 1);
	nla_put_u8(msg, KVTI_A_CARRIER, 1);
	nest = nla_nest_start(msg, KVTI_A_STATS);
	for (i = KVTI_STAT_RX_PACKETS; i <= KVTI_STAT_DROP_MTU; i++)
		nla_put_u64(msg, i, 100 + i);
	nla_nest_end(msg, nest);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	snprintf(t.from, sizeof(t.from), "vti0");	/* tunnel.c names it */
	CHECK(ret == 0 && t.has_stats && t.template_ifindex == 4, "decode a clone");
	CHECK_STR(render(&t, true, true),
		  "[{\"ifname\":\"dvti1\",\"ifindex\":9,\"local\":\"192.0.2.1\","
		  "\"remote\":\"203.0.113.9\",\"mtu\":1400,\"df_bit\":\"clear\","
		  "\"replay_window\":1024,\"template\":false,\"from\":\"vti0\","
		  "\"encap\":\"udp\",\"sport\":4500,\"dport\":4501,\"socket\":true,\"carrier\":true,"
		  "\"stats\":{\"rx_packets\":101,\"rx_bytes\":102,\"tx_packets\":103,"
		  "\"tx_bytes\":104,\"drop_replay\":105,\"drop_auth\":106,"
		  "\"drop_padding\":107,\"drop_no_sa\":108,\"drop_unknown_spi\":109,"
		  "\"drop_expired\":110,\"drop_mtu\":111}}]\n", "JSON of a clone with -s");
	CHECK_STR(render(&t, false, true),
		  "dvti1: from vti0 local 192.0.2.1 remote 203.0.113.9 mtu 1400 "
		  "df-bit clear replay-window 1024 encap udp sport 4500 dport 4501 socket attached carrier up\n"
		  "    rx packets 101 bytes 102  tx packets 103 bytes 104\n"
		  "    drops replay 105 auth 106 padding 107 no-sa 108 unknown-spi 109 "
		  "expired 110 mtu 111\n", "text of a clone with -s");
	/* 4. without -s the counters stay hidden */
	CHECK(!strstr(render(&t, true, false), "stats"), "no stats without -s");
	nlmsg_free(msg);

	/* 4a. `kvti stats show` of the same reply (STATS_GET answers alike) */
	CHECK_STR(render_stats(&t, true),
		  "[{\"ifname\":\"dvti1\",\"ifindex\":9,"
		  "\"stats\":{\"rx_packets\":101,\"rx_bytes\":102,\"tx_packets\":103,"
		  "\"tx_bytes\":104,\"drop_replay\":105,\"drop_auth\":106,"
		  "\"drop_padding\":107,\"drop_no_sa\":108,\"drop_unknown_spi\":109,"
		  "\"drop_expired\":110,\"drop_mtu\":111}}]\n", "JSON of stats show");
	CHECK_STR(render_stats(&t, false),
		  "dvti1:\n"
		  "    rx packets 101 bytes 102  tx packets 103 bytes 104\n"
		  "    drops replay 105 auth 106 padding 107 no-sa 108 unknown-spi 109 "
		  "expired 110 mtu 111\n", "text of stats show");

	/* 4b. stats show always prints every counter, zeros too */
	msg = tunnel(4, "vti0", NULL);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	CHECK(ret == 0 && strstr(render_stats(&t, true), "\"stats\":{\"rx_packets\":0,") &&
	      strstr(buf, "\"drop_mtu\":0}}]"), "stats show without counters: zeros");
	CHECK_STR(render_stats(&t, false),
		  "vti0:\n"
		  "    rx packets 0 bytes 0  tx packets 0 bytes 0\n"
		  "    drops replay 0 auth 0 padding 0 no-sa 0 unknown-spi 0 expired 0 mtu 0\n",
		  "stats show text with zeros");
	nlmsg_free(msg);

	/* 5. attributes of a newer kernel are skipped */
	msg = tunnel(6, "vti2", "192.0.2.1");
	nla_put_u32(msg, KVTI_A_MAX + 7, 1);
	nla_put_u32(msg, KVTI_A_SA_ID, 3);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	CHECK(ret == 0 && t.ifindex == 6, "unknown attributes are tolerated");
	nlmsg_free(msg);

	/* 6. a 5-byte address is malformed */
	msg = tunnel(6, "vti2", NULL);
	nla_put(msg, KVTI_A_LOCAL, 5, "\1\2\3\4\5");
	CHECK(kvti_decode_tunnel(nlmsg_hdr(msg), &t) == -EBADMSG, "bad address length");
	nlmsg_free(msg);

	/* 7. a reply without IFNAME is malformed */
	msg = reply();
	nla_put_u32(msg, KVTI_A_IFINDEX, 6);
	CHECK(kvti_decode_tunnel(nlmsg_hdr(msg), &t) == -EBADMSG, "IFNAME is required");
	nlmsg_free(msg);

	/* 8. an unterminated IFNAME is malformed */
	msg = reply();
	nla_put_u32(msg, KVTI_A_IFINDEX, 6);
	nla_put(msg, KVTI_A_IFNAME, 4, "vti1");
	CHECK(kvti_decode_tunnel(nlmsg_hdr(msg), &t) == -EBADMSG, "IFNAME must be terminated");
	nlmsg_free(msg);

	/* 9. a u32 of two bytes is malformed */
	msg = tunnel(6, "vti2", NULL);
	nla_put_u16(msg, KVTI_A_KEY, 7);
	CHECK(kvti_decode_tunnel(nlmsg_hdr(msg), &t) == -EBADMSG, "short KEY");
	nlmsg_free(msg);

	/* 10. an unknown df mode or encap (newer kernel) prints as a number */
	msg = tunnel(6, "vti2", NULL);
	nla_put_u8(msg, KVTI_A_DF_MODE, 9);
	ret = kvti_decode_tunnel(nlmsg_hdr(msg), &t);
	CHECK(ret == 0 && strstr(render(&t, true, false), "\"df_bit\":\"9\""),
	      "unknown df mode");
	nlmsg_free(msg);

	/* 11. an empty dump is an empty array */
	{
		struct kvti_ctx ctx = { .json = true };

		free(buf);
		buf = NULL;
		ctx.out = open_memstream(&buf, &len);
		out_begin_list(&ctx);
		out_end_list(&ctx);
		fclose(ctx.out);
		CHECK_STR(buf, "[]\n", "empty dump in JSON");
	}

	free(buf);
	return test_done();
}
