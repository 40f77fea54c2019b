// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of `kvti monitor`'s decoding and printing: one synthetic event
 * of each KVTI_CMD_EV_* command, laid out as the module sends it, through
 * kvti_decode_event() and out_event(), as text and as one JSON line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netlink/genl/genl.h>

#include "kvti.h"
#include "test.h"

static struct nl_msg *event(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, 0x20, 0, 0, cmd, KVTI_GENL_VERSION);
	return msg;
}

static void put_addr(struct nl_msg *msg, int attr, const char *s)
{
	unsigned char b[16];
	int v6 = strchr(s, ':') != NULL;

	inet_pton(v6 ? AF_INET6 : AF_INET, s, b);
	nla_put(msg, attr, v6 ? 16 : 4, b);
}

/* EXPIRE, REPLAY and IDLE: kvti_netlink_sa_event()'s attributes. */
static struct nl_msg *sa_event(uint8_t cmd, uint32_t id, uint8_t dir, uint32_t spi,
			       bool hard)
{
	struct nl_msg *msg = event(cmd);

	nla_put_u32(msg, KVTI_A_SA_ID, id);
	nla_put_u32(msg, KVTI_A_IFINDEX, 5);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	nla_put_u8(msg, KVTI_A_SA_DIR, dir);
	nla_put_u32(msg, KVTI_A_SA_SPI, spi);
	if (hard)
		nla_put_flag(msg, KVTI_A_EXPIRE_HARD);
	return msg;
}

/* TUNNEL_NEW/DEL: a whole tunnel, as TUNNEL_GET replies. */
static struct nl_msg *tunnel_event(uint8_t cmd, const char *name, uint32_t tmpl)
{
	struct nl_msg *msg = event(cmd);

	nla_put_u32(msg, KVTI_A_IFINDEX, 9);
	nla_put_string(msg, KVTI_A_IFNAME, name);
	put_addr(msg, KVTI_A_LOCAL, "192.0.2.1");
	put_addr(msg, KVTI_A_REMOTE, "203.0.113.9");
	nla_put_u32(msg, KVTI_A_MTU, 1438);
	nla_put_u8(msg, KVTI_A_DF_MODE, KVTI_DF_COPY);
	nla_put_u32(msg, KVTI_A_REPLAY_WINDOW, 64);
	if (tmpl)
		nla_put_u32(msg, KVTI_A_TEMPLATE_IFINDEX, tmpl);
	nla_put_u8(msg, KVTI_A_ENCAP, KVTI_ENCAP_NONE);
	nla_put_u8(msg, KVTI_A_CARRIER, 0);
	return msg;
}

static char *buf;
static size_t len;

static const char *render(const struct kvti_event *ev, bool json)
{
	struct kvti_ctx ctx = { .json = json };

	free(buf);
	buf = NULL;
	ctx.out = open_memstream(&buf, &len);
	out_event(&ctx, ev);
	fclose(ctx.out);
	return buf;
}

static int decode(struct nl_msg *msg, struct kvti_event *ev)
{
	int ret = kvti_decode_event(nlmsg_hdr(msg), ev);

	nlmsg_free(msg);
	return ret;
}

static const struct {
	const char *what;
	const char *text;
	const char *json;
} want[] = {
	/* 1. */
	{ "hard expire",
	  "expire hard dev vti1 dir out spi 0x00001001 id 3\n",
	  "{\"event\":\"expire\",\"hard\":true,\"dev\":\"vti1\",\"dir\":\"out\","
	  "\"spi\":4097,\"id\":3}\n" },
	/* 2. */
	{ "soft expire",
	  "expire soft dev vti1 dir in spi 0x00002001 id 4\n",
	  "{\"event\":\"expire\",\"hard\":false,\"dev\":\"vti1\",\"dir\":\"in\","
	  "\"spi\":8193,\"id\":4}\n" },
	/* 3. */
	{ "replay",
	  "replay dev vti1 dir in spi 0x00002001 id 4\n",
	  "{\"event\":\"replay\",\"dev\":\"vti1\",\"dir\":\"in\",\"spi\":8193,\"id\":4}\n" },
	/* 4. */
	{ "idle",
	  "idle dev vti1 dir out spi 0xdeadbeef id 7\n",
	  "{\"event\":\"idle\",\"dev\":\"vti1\",\"dir\":\"out\",\"spi\":3735928559,\"id\":7}\n" },
	/* 5. */
	{ "acquire",
	  "acquire dev vti1 local 192.0.2.1 remote 192.0.2.2\n",
	  "{\"event\":\"acquire\",\"dev\":\"vti1\",\"local\":\"192.0.2.1\","
	  "\"remote\":\"192.0.2.2\"}\n" },
	/* 6. */
	{ "acquire, IPv6, no remote",
	  "acquire dev vti6 local 2001:db8::1\n",
	  "{\"event\":\"acquire\",\"dev\":\"vti6\",\"local\":\"2001:db8::1\"}\n" },
	/* 7. */
	{ "invalid SPI",
	  "invalid-spi dev vti1 spi 0x00009999 from 192.0.2.2 to 192.0.2.1\n",
	  "{\"event\":\"invalid-spi\",\"dev\":\"vti1\",\"spi\":39321,"
	  "\"src\":\"192.0.2.2\",\"dst\":\"192.0.2.1\"}\n" },
	/* 8. */
	{ "new clone",
	  "tunnel new dvti1 from vti0 local 192.0.2.1 remote 203.0.113.9\n",
	  "{\"event\":\"tunnel-new\",\"dev\":\"dvti1\",\"tunnel\":{\"ifname\":\"dvti1\","
	  "\"ifindex\":9,\"local\":\"192.0.2.1\",\"remote\":\"203.0.113.9\",\"mtu\":1438,"
	  "\"df_bit\":\"copy\",\"replay_window\":64,\"template\":false,\"from\":\"vti0\","
	  "\"encap\":\"none\",\"carrier\":false}}\n" },
	/* 9. */
	{ "tunnel deleted",
	  "tunnel del vti1\n",
	  "{\"event\":\"tunnel-del\",\"dev\":\"vti1\"}\n" },
	/* 10. */
	{ "a newer kernel's event",
	  "unknown event 99 dev vti1\n",
	  "{\"event\":\"unknown\",\"cmd\":99,\"dev\":\"vti1\"}\n" },
};

int main(void)
{
	struct kvti_event ev[ARRAY_SIZE(want)];
	struct nl_msg *msg;
	int ret[ARRAY_SIZE(want)];
	size_t i;

	ret[0] = decode(sa_event(KVTI_CMD_EV_EXPIRE, 3, KVTI_DIR_OUT, 0x1001, true), &ev[0]);
	ret[1] = decode(sa_event(KVTI_CMD_EV_EXPIRE, 4, KVTI_DIR_IN, 0x2001, false), &ev[1]);
	ret[2] = decode(sa_event(KVTI_CMD_EV_REPLAY, 4, KVTI_DIR_IN, 0x2001, false), &ev[2]);
	ret[3] = decode(sa_event(KVTI_CMD_EV_IDLE, 7, KVTI_DIR_OUT, 0xdeadbeef, false), &ev[3]);

	msg = event(KVTI_CMD_EV_ACQUIRE);
	nla_put_u32(msg, KVTI_A_IFINDEX, 5);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	put_addr(msg, KVTI_A_LOCAL, "192.0.2.1");
	put_addr(msg, KVTI_A_REMOTE, "192.0.2.2");
	ret[4] = decode(msg, &ev[4]);

	msg = event(KVTI_CMD_EV_ACQUIRE);
	nla_put_u32(msg, KVTI_A_IFINDEX, 6);
	nla_put_string(msg, KVTI_A_IFNAME, "vti6");
	put_addr(msg, KVTI_A_LOCAL, "2001:db8::1");
	ret[5] = decode(msg, &ev[5]);

	/* the module's order: SPI, SRC, LOCAL, IFINDEX, IFNAME */
	msg = event(KVTI_CMD_EV_INVALID_SPI);
	nla_put_u32(msg, KVTI_A_SA_SPI, 0x9999);
	put_addr(msg, KVTI_A_SA_SRC, "192.0.2.2");
	put_addr(msg, KVTI_A_LOCAL, "192.0.2.1");
	nla_put_u32(msg, KVTI_A_IFINDEX, 5);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	ret[6] = decode(msg, &ev[6]);

	ret[7] = decode(tunnel_event(KVTI_CMD_EV_TUNNEL_NEW, "dvti1", 4), &ev[7]);
	snprintf(ev[7].tunnel.from, sizeof(ev[7].tunnel.from), "vti0");	/* monitor.c names it */
	ret[8] = decode(tunnel_event(KVTI_CMD_EV_TUNNEL_DEL, "vti1", 0), &ev[8]);

	msg = event(99);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	nla_put_u64(msg, KVTI_A_MAX + 9, 1);
	ret[9] = decode(msg, &ev[9]);

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		CHECK(ret[i] == 0, "decode %s", want[i].what);
		CHECK_STR(render(&ev[i], false), want[i].text, "text of %s", want[i].what);
		CHECK_STR(render(&ev[i], true), want[i].json, "JSON of %s", want[i].what);
	}

	/* 11. a newer kernel's attributes in a known event are skipped */
	msg = sa_event(KVTI_CMD_EV_EXPIRE, 3, KVTI_DIR_OUT, 0x1001, true);
	nla_put_u32(msg, KVTI_A_MAX + 2, 1);
	CHECK(decode(msg, &ev[0]) == 0 && ev[0].hard && ev[0].id == 3,
	      "unknown attributes are tolerated");

	/* 12. malformed events */
	msg = event(KVTI_CMD_EV_EXPIRE);
	nla_put_u32(msg, KVTI_A_IFINDEX, 5);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	nla_put_u8(msg, KVTI_A_SA_DIR, 1);
	nla_put_u32(msg, KVTI_A_SA_SPI, 0x1001);
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "EXPIRE without SA_ID");
	msg = event(KVTI_CMD_EV_INVALID_SPI);
	nla_put_u32(msg, KVTI_A_SA_SPI, 0x9999);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "INVALID_SPI without SA_SRC");
	msg = event(KVTI_CMD_EV_ACQUIRE);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	nla_put(msg, KVTI_A_LOCAL, 5, "\1\2\3\4\5");
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "a 5-byte address");
	msg = event(KVTI_CMD_EV_ACQUIRE);
	put_addr(msg, KVTI_A_LOCAL, "192.0.2.1");
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "ACQUIRE without IFNAME");
	msg = event(KVTI_CMD_EV_TUNNEL_DEL);
	nla_put_u32(msg, KVTI_A_IFINDEX, 9);
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "TUNNEL_DEL without IFNAME");
	msg = sa_event(KVTI_CMD_EV_REPLAY, 3, KVTI_DIR_IN, 0x1001, false);
	nla_put_u8(msg, KVTI_A_SA_ID, 1);
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "a 1-byte SA_ID");
	msg = event(KVTI_CMD_EV_EXPIRE);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK(decode(msg, &ev[0]) == -EBADMSG, "shorter than a genl header");

	/* 13. -p: the same object, indented */
	{
		struct kvti_ctx ctx = { .json = true, .pretty = true };

		decode(sa_event(KVTI_CMD_EV_IDLE, 7, KVTI_DIR_OUT, 1, false), &ev[0]);
		free(buf);
		buf = NULL;
		ctx.out = open_memstream(&buf, &len);
		out_event(&ctx, &ev[0]);
		out_event(&ctx, &ev[0]);
		fclose(ctx.out);
		CHECK_STR(buf, "{\n  \"event\": \"idle\",\n  \"dev\": \"vti1\",\n  \"dir\": \"out\",\n"
			  "  \"spi\": 1,\n  \"id\": 7\n}\n{\n  \"event\": \"idle\",\n  \"dev\": \"vti1\",\n"
			  "  \"dir\": \"out\",\n  \"spi\": 1,\n  \"id\": 7\n}\n", "pretty events");
	}

	free(buf);
	return test_done();
}
