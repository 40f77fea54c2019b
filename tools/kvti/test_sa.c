// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of SA replies and `sa show` output: synthetic SA_GET replies,
 * laid out as kmod/netlink_sa.c fills them, go through kvti_decode_sa() and
 * out_sa(); the JSON must match the documented keys byte for byte.
 */
#include <errno.h>
#include <netlink/genl/genl.h>

#include "kvti.h"
#include "test.h"

static void put_life(struct nl_msg *msg, int attr, uint64_t secs, uint64_t bytes,
		     uint64_t packets)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	nla_put_u64(msg, KVTI_LIFE_SECONDS, secs);
	nla_put_u64(msg, KVTI_LIFE_BYTES, bytes);
	nla_put_u64(msg, KVTI_LIFE_PACKETS, packets);
	nla_nest_end(msg, nest);
}

static void put_stats(struct nl_msg *msg, const uint64_t *v)
{
	struct nlattr *nest = nla_nest_start(msg, KVTI_A_SA_STATS);
	int i;

	for (i = KVTI_STAT_RX_PACKETS; i < KVTI_STAT_PAD; i++)
		nla_put_u64(msg, i, v[i]);
	nla_nest_end(msg, nest);
}

/* The head of a reply: what every SA has, as the kernel puts it. */
static struct nl_msg *sa_head(uint32_t id, const char *dev, uint8_t dir, uint32_t spi)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, 0x20, 0, NLM_F_MULTI, KVTI_CMD_SA_GET, KVTI_GENL_VERSION);
	nla_put_u32(msg, KVTI_A_SA_ID, id);
	nla_put_u32(msg, KVTI_A_IFINDEX, 5);
	nla_put_string(msg, KVTI_A_IFNAME, dev);
	nla_put_u8(msg, KVTI_A_SA_DIR, dir);
	nla_put_u32(msg, KVTI_A_SA_SPI, spi);
	return msg;
}

/* The example of kvti(8): an outbound AES-GCM SA that sent 5 packets. */
static struct nl_msg *sa_out(void)
{
	static const uint64_t st[KVTI_STAT_MAX + 1] = {
		[KVTI_STAT_TX_PACKETS] = 5, [KVTI_STAT_TX_BYTES] = 420,
	};
	struct nl_msg *msg = sa_head(3, "vti1", KVTI_DIR_OUT, 0x1001);

	nla_put_string(msg, KVTI_A_SA_AEAD_ALG, "rfc4106(gcm(aes))");
	nla_put_u32(msg, KVTI_A_SA_ENC_KEY_BITS, 128);
	nla_put_u32(msg, KVTI_A_SA_ICV_BITS, 128);
	nla_put_u32(msg, KVTI_A_SA_IDLE_TIME, 0);
	nla_put_u64(msg, KVTI_A_SA_AGE, 12);
	nla_put_u64(msg, KVTI_A_SA_IDLE, 3);
	put_life(msg, KVTI_A_SA_LIFE_SOFT, 0, 0, 0);
	put_life(msg, KVTI_A_SA_LIFE_HARD, 0, 0, 0);
	put_life(msg, KVTI_A_SA_LIFE_CUR, 12, 420, 5);
	nla_put_u64(msg, KVTI_A_SA_SEQ_OUT, 5);
	put_stats(msg, st);
	return msg;
}

/* An inbound CBC/HMAC SA with ESN, limits, an idle timer, some drops. */
static struct nl_msg *sa_in(void)
{
	static const uint64_t st[KVTI_STAT_MAX + 1] = {
		[KVTI_STAT_RX_PACKETS] = 5, [KVTI_STAT_RX_BYTES] = 420,
		[KVTI_STAT_DROP_REPLAY] = 2, [KVTI_STAT_DROP_AUTH] = 1,
	};
	struct nl_msg *msg = sa_head(4, "vti1", KVTI_DIR_IN, 0x2001);

	nla_put_string(msg, KVTI_A_SA_ENC_ALG, "cbc(aes)");
	nla_put_string(msg, KVTI_A_SA_AUTH_ALG, "hmac(sha256)");
	nla_put_u32(msg, KVTI_A_SA_AUTH_KEY_BITS, 256);
	nla_put_u32(msg, KVTI_A_SA_ENC_KEY_BITS, 256);
	nla_put_u32(msg, KVTI_A_SA_ICV_BITS, 128);
	nla_put_flag(msg, KVTI_A_SA_ESN);
	nla_put_u32(msg, KVTI_A_SA_IDLE_TIME, 60);
	nla_put_u64(msg, KVTI_A_SA_AGE, 12);
	nla_put_u64(msg, KVTI_A_SA_IDLE, 3);
	put_life(msg, KVTI_A_SA_LIFE_SOFT, 3000, 0, 50);
	put_life(msg, KVTI_A_SA_LIFE_HARD, 3600, 0, 100);
	put_life(msg, KVTI_A_SA_LIFE_CUR, 12, 420, 5);
	nla_put_u32(msg, KVTI_A_SA_REPLAY_WINDOW, 64);
	nla_put_u64(msg, KVTI_A_SA_REPLAY_TOP, 5);
	put_stats(msg, st);
	return msg;
}

static char *buf;
static size_t len;

/* Renders SAs as `kvti [-j] [-s] sa show` would. */
static const char *render(const struct kvti_sa *sa, size_t n, bool json, bool stats)
{
	struct kvti_ctx ctx = { .json = json, .stats = stats };
	size_t i;

	free(buf);
	buf = NULL;
	ctx.out = open_memstream(&buf, &len);
	out_begin_list(&ctx);
	for (i = 0; i < n; i++)
		out_sa(&ctx, &sa[i]);
	out_end_list(&ctx);
	fclose(ctx.out);
	return buf;
}

static int decode(struct nl_msg *msg, struct kvti_sa *sa)
{
	int ret = kvti_decode_sa(nlmsg_hdr(msg), sa);

	nlmsg_free(msg);
	return ret;
}

#define OUT_JSON "{\"id\":3,\"dev\":\"vti1\",\"dir\":\"out\",\"spi\":4097," \
	"\"aead\":\"rfc4106(gcm(aes))\",\"enc_key_bits\":128,\"icv_bits\":128," \
	"\"esn\":false,\"seq_out\":5,\"lifetime\":{\"soft\":{\"seconds\":0," \
	"\"bytes\":0,\"packets\":0},\"hard\":{\"seconds\":0,\"bytes\":0,\"packets\":0}," \
	"\"current\":{\"seconds\":12,\"bytes\":420,\"packets\":5}},\"idle_time\":0," \
	"\"age\":12,\"idle\":3"
#define OUT_TEXT "vti1 out spi 0x00001001 id 3 rfc4106(gcm(aes)) key 128 bits icv 128\n" \
	"    seq 5  age 12s  idle 3s  lifetime 5/- packets, 420/- bytes, 12/- seconds\n"
#define IN_JSON "{\"id\":4,\"dev\":\"vti1\",\"dir\":\"in\",\"spi\":8193," \
	"\"enc\":\"cbc(aes)\",\"auth\":\"hmac(sha256)\",\"enc_key_bits\":256," \
	"\"auth_key_bits\":256,\"icv_bits\":128,\"esn\":true,\"replay_window\":64," \
	"\"replay_top\":5,\"lifetime\":{\"soft\":{\"seconds\":3000,\"bytes\":0," \
	"\"packets\":50},\"hard\":{\"seconds\":3600,\"bytes\":0,\"packets\":100}," \
	"\"current\":{\"seconds\":12,\"bytes\":420,\"packets\":5}},\"idle_time\":60," \
	"\"age\":12,\"idle\":3"
#define IN_TEXT "vti1 in spi 0x00002001 id 4 cbc(aes) 256 bits hmac(sha256) 256 bits " \
	"icv 128 esn\n    replay-window 64 top 5  age 12s  idle 3s  idle-time 60s  " \
	"lifetime 5/100 packets (soft 50), 420/- bytes, 12/3600 seconds (soft 3000)\n"

int main(void)
{
	struct kvti_sa sa[2];
	struct nl_msg *msg;
	struct nlattr *nest;
	const char *out;
	int ret;

	/* 1. outbound AEAD, the example of kvti(8): every key, in order */
	ret = decode(sa_out(), &sa[0]);
	CHECK(ret == 0 && sa[0].has_seq_out && !sa[0].has_replay, "decode an outbound SA");
	CHECK_STR(render(sa, 1, true, false), "[" OUT_JSON "}]\n", "JSON of an outbound SA");
	CHECK_STR(render(sa, 1, false, false), OUT_TEXT, "text of an outbound SA");

	/* 2. inbound CBC/HMAC with limits and ESN, under -s */
	ret = decode(sa_in(), &sa[1]);
	CHECK(ret == 0 && sa[1].has_replay && !sa[1].has_seq_out && sa[1].has_stats,
	      "decode an inbound SA");
	CHECK_STR(render(&sa[1], 1, true, true),
		  "[" IN_JSON ",\"stats\":{\"rx_packets\":5,\"rx_bytes\":420,"
		  "\"tx_packets\":0,\"tx_bytes\":0,\"drop_replay\":2,\"drop_auth\":1,"
		  "\"drop_padding\":0,\"drop_no_sa\":0,\"drop_unknown_spi\":0,"
		  "\"drop_expired\":0,\"drop_mtu\":0}}]\n", "JSON of an inbound SA with -s");
	CHECK_STR(render(&sa[1], 1, false, true), IN_TEXT
		  "    rx packets 5 bytes 420  tx packets 0 bytes 0  drops replay 2 auth 1\n",
		  "text of an inbound SA with -s: non-zero drops by name");

	/* 3. a dump of both; without -s no counters */
	CHECK_STR(render(sa, 2, true, false), "[" OUT_JSON "}," IN_JSON "}]\n",
		  "JSON of two SAs");
	CHECK_STR(render(sa, 2, false, false), OUT_TEXT IN_TEXT, "text of two SAs");

	/* 4. -s with no drops: traffic only */
	CHECK_STR(render(sa, 1, false, true), OUT_TEXT
		  "    rx packets 0 bytes 0  tx packets 5 bytes 420\n", "text -s, no drops");

	/* 5. -s when the kernel sent no counters: no "stats" key */
	msg = sa_head(9, "vti2", KVTI_DIR_OUT, 0x100);
	nla_put_string(msg, KVTI_A_SA_AEAD_ALG, "rfc4106(gcm(aes))");
	ret = decode(msg, &sa[0]);
	out = render(sa, 1, true, true);
	CHECK(ret == 0 && !strstr(out, "stats") && strstr(out, "\"spi\":256,"),
	      "no counters, no stats key");
	CHECK(strstr(render(sa, 1, false, true), "spi 0x00000100 id 9 ") != NULL,
	      "SPI as 0x%%08x");

	/* 6. keys are never shown, even if a kernel sent some */
	msg = sa_in();
	nla_put(msg, KVTI_A_SA_ENC_KEY, 4, "\x5e\xc2\xe7\x11");
	nla_put(msg, KVTI_A_SA_AUTH_KEY, 4, "\x5e\xc2\xe7\x22");
	ret = decode(msg, &sa[0]);
	CHECK(ret == 0 && !strstr(render(sa, 1, true, true), "5ec2e7") &&
	      !strstr(buf, "\x5e\xc2") && !strstr(render(sa, 1, false, true), "5ec2e7") &&
	      !strstr(buf, "\x5e\xc2"), "key attributes are never printed");

	/* 7. a newer kernel's attributes, padding, and life kinds are skipped */
	msg = sa_out();
	nla_put_u32(msg, KVTI_A_MAX + 3, 1);
	nla_put(msg, KVTI_A_PAD, 0, NULL);
	ret = decode(msg, &sa[0]);
	CHECK(ret == 0 && sa[0].id == 3, "unknown attributes are tolerated");
	msg = sa_head(3, "vti1", KVTI_DIR_OUT, 0x1001);
	nest = nla_nest_start(msg, KVTI_A_SA_LIFE_CUR);
	nla_put_u64(msg, KVTI_LIFE_PACKETS, 7);
	nla_put_u32(msg, KVTI_LIFE_MAX + 4, 1);
	nla_put(msg, KVTI_LIFE_PAD, 0, NULL);
	nla_nest_end(msg, nest);
	ret = decode(msg, &sa[0]);
	CHECK(ret == 0 && sa[0].cur.packets == 7, "unknown lifetime kinds are tolerated");

	/* 8. an unknown direction (newer kernel) is shown as a number */
	ret = decode(sa_head(3, "vti1", 7, 0xdeadbeef), &sa[0]);
	CHECK(ret == 0 && strstr(render(sa, 1, true, false),
				 "\"dir\":\"7\",\"spi\":3735928559,"), "unknown direction");
	CHECK(strstr(render(sa, 1, false, false), "vti1 7 spi 0xdeadbeef id 3") != NULL,
	      "unknown direction, text");

	/* 9. malformed replies */
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 1, 0x20, 0, 0, KVTI_CMD_SA_GET, KVTI_GENL_VERSION);
	nla_put_u32(msg, KVTI_A_IFINDEX, 5);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	nla_put_u8(msg, KVTI_A_SA_DIR, 0);
	nla_put_u32(msg, KVTI_A_SA_SPI, 0x1001);
	CHECK(decode(msg, &sa[0]) == -EBADMSG, "SA_ID is required");
	msg = sa_head(3, "vti1", 0, 0);
	nlmsg_hdr(msg)->nlmsg_len -= NLA_HDRLEN + 4;	/* drop SA_SPI */
	nla_put_u16(msg, KVTI_A_SA_SPI, 1);
	CHECK(decode(msg, &sa[0]) == -EBADMSG, "a 2-byte SPI");
	msg = sa_head(3, "vti1", 0, 1);
	nla_put(msg, KVTI_A_SA_AEAD_ALG, 3, "gcm");
	CHECK(decode(msg, &sa[0]) == -EBADMSG, "an unterminated algorithm name");
	msg = sa_head(3, "vti1", 0, 1);
	nest = nla_nest_start(msg, KVTI_A_SA_LIFE_HARD);
	nla_put_u32(msg, KVTI_LIFE_SECONDS, 10);
	nla_nest_end(msg, nest);
	CHECK(decode(msg, &sa[0]) == -EBADMSG, "a 4-byte lifetime");
	msg = sa_head(3, "vti1", 0, 1);
	nest = nla_nest_start(msg, KVTI_A_SA_STATS);
	nla_put_u32(msg, KVTI_STAT_RX_PACKETS, 10);
	nla_nest_end(msg, nest);
	CHECK(decode(msg, &sa[0]) == -EBADMSG, "a 4-byte counter");
	msg = sa_head(3, "vti1", 0, 1);
	nla_put_u32(msg, KVTI_A_SA_REPLAY_TOP, 5);
	CHECK(decode(msg, &sa[0]) == -EBADMSG, "a 4-byte replay top");

	/* 10. an empty dump */
	CHECK_STR(render(sa, 0, true, false), "[]\n", "no SAs in JSON");
	CHECK_STR(render(sa, 0, false, false), "", "no SAs in text");

	free(buf);
	return test_done();
}
