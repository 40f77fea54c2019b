// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's pieces that stand alone: the message-ID window, the
 * retransmission schedule, the timer heap, traffic selector narrowing,
 * the JSON emitter and SA lookup by the SPIs of a message.  The exchanges
 * themselves are proved end to end by tests/keyers.sh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "config.h"
#include "keyer.h"
#include "tap.h"

/* 1-9. msg_window(): 2.3 with a window of one */
static void test_window(void)
{
	static const struct {
		uint32_t peer, msgid;
		bool cached;
		enum msg_window want;
	} cases[] = {
		/* 1 */ { 0, 0, false, WIN_NEW },		/* the first request */
		/* 2 */ { 1, 1, true, WIN_NEW },
		/* 3 */ { 1, 0, true, WIN_RETRANSMIT },	/* IKE_SA_INIT again */
		/* 4 */ { 5, 4, true, WIN_RETRANSMIT },
		/* 5 */ { 5, 4, false, WIN_DROP },		/* nothing to replay */
		/* 6 */ { 5, 3, true, WIN_DROP },		/* older than the window */
		/* 7 */ { 5, 6, true, WIN_DROP },		/* from the future */
		/* 8 */ { 0, UINT32_MAX, false, WIN_DROP },	/* no wrap to -1 */
		/* 9 */ { UINT32_MAX, UINT32_MAX - 1, true, WIN_RETRANSMIT },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK(msg_window(cases[i].peer, cases[i].cached, cases[i].msgid) == cases[i].want,
		      "window case %zu: next %u, got %u%s", i + 1, cases[i].peer, cases[i].msgid,
		      cases[i].cached ? ", answer cached" : "");
}

/* 10-16. msg_retransmit_delay(): 4 s * 1.8^n, capped at an hour */
static void test_delay(void)
{
	static const struct {
		uint32_t base;
		unsigned int n;
		uint64_t want;
	} cases[] = {
		{ 4000, 0, 4000 }, { 4000, 1, 7200 }, { 4000, 2, 12960 }, { 4000, 3, 23328 },
		{ 4000, 5, 75582 }, { 100, 2, 324 }, { 4000, 40, 3600000 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK(msg_retransmit_delay(cases[i].base, cases[i].n) == cases[i].want,
		      "delay %u ms * 1.8^%u = %llu", cases[i].base, cases[i].n,
		      (unsigned long long)cases[i].want);
}

static void no_fire(struct timer *t)
{
	(void)t;
}

/* 17-19. the heap against a sorted reference, with moves and deletions */
static void test_heap(void)
{
	enum { N = 500 };
	static struct timer t[N];
	struct timer_heap h = { 0 };
	uint64_t last = 0;
	unsigned int seed = 7, i, n = 0;
	bool order = true, index_ok = true;
	struct timer *f;

	for (i = 0; i < N; i++) {
		t[i].fire = no_fire;
		timer_heap_set(&h, &t[i], 1 + rand_r(&seed) % 100000);
	}
	for (i = 0; i < N; i += 3)		/* move a third */
		timer_heap_set(&h, &t[i], 1 + rand_r(&seed) % 100000);
	for (i = 1; i < N; i += 5)		/* stop a fifth */
		timer_heap_del(&h, &t[i]);
	for (i = 0; i < h.n; i++)
		index_ok &= h.v[i]->heap_index == i;
	CHECK(index_ok, "every timer knows its place in the heap");
	while ((f = timer_heap_first(&h))) {
		order &= f->when_ms >= last;
		last = f->when_ms;
		timer_heap_del(&h, f);
		order &= !timer_armed(f);
		n++;
	}
	CHECK(order, "timers come out in deadline order, disarmed");
	CHECK(n == N - N / 5, "%u timers left after stopping %u", n, N / 5);
	timer_heap_free(&h);
}

static struct ike_ts ts4(const char *s, const char *e, uint8_t proto, uint16_t sp, uint16_t ep)
{
	struct ike_ts t = { .type = IKE_TS_IPV4_ADDR_RANGE, .alen = 4, .ipproto = proto,
			    .sport = sp, .eport = ep };
	struct ipaddr a;

	ipaddr_parse(s, &a);
	memcpy(t.start, a.a, 4);
	ipaddr_parse(e, &a);
	memcpy(t.end, a.a, 4);
	return t;
}

/* 20-28. ts_narrow(): 2.9 */
static void test_ts(void)
{
	struct ike_ts any[2], out[4], pol, peer[3];
	char s[128];
	size_t n;

	ts_any(any);
	/* 20. our any-any policy keeps a policy-based peer's narrow flow */
	peer[0] = ts4("10.1.0.0", "10.1.0.255", 0, 0, 65535);
	n = ts_narrow(any, 2, peer, 1, out, 4);
	CHECK(n == 1 && !strcmp(ts_str(&out[0], s, sizeof(s)), "10.1.0.0-10.1.0.255"),
	      "any-any keeps 10.1.0.0/24");
	/* 21. any-any against any-any is any-any, both families */
	n = ts_narrow(any, 2, any, 2, out, 4);
	CHECK(n == 2 && !strcmp(ts_str(&out[1], s, sizeof(s)),
				"::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "any-any both ways");
	/* 22. a narrower policy cuts a wider proposal */
	pol = ts4("10.0.0.0", "10.255.255.255", 0, 0, 65535);
	peer[0] = ts4("10.1.0.0", "11.0.0.0", 0, 0, 65535);
	n = ts_narrow(&pol, 1, peer, 1, out, 4);
	CHECK(n == 1 && !strcmp(ts_str(&out[0], s, sizeof(s)), "10.1.0.0-10.255.255.255"),
	      "10.0.0.0/8 narrows 10.1.0.0-11.0.0.0");
	/* 23. protocol and ports intersect */
	pol = ts4("0.0.0.0", "255.255.255.255", 6, 0, 1023);
	peer[0] = ts4("192.0.2.1", "192.0.2.1", 0, 500, 65535);
	n = ts_narrow(&pol, 1, peer, 1, out, 4);
	CHECK(n == 1 && !strcmp(ts_str(&out[0], s, sizeof(s)), "192.0.2.1-192.0.2.1/6[500-1023]"),
	      "tcp 0-1023 with any 500-65535: tcp 500-1023");
	/* 24. different protocols do not meet */
	peer[0] = ts4("192.0.2.1", "192.0.2.1", 17, 0, 65535);
	CHECK(ts_narrow(&pol, 1, peer, 1, out, 4) == 0, "tcp policy, udp proposal: nothing");
	/* 25. a range running backwards is refused */
	peer[0] = ts4("10.0.0.9", "10.0.0.1", 0, 0, 65535);
	CHECK(ts_narrow(any, 2, peer, 1, out, 4) == 0, "start > end: TS_UNACCEPTABLE");
	/* 26. unknown selector types are skipped, known ones kept */
	peer[0] = ts4("10.0.0.1", "10.0.0.1", 0, 0, 65535);
	peer[0].type = 9;
	peer[1] = ts4("10.0.0.2", "10.0.0.2", 0, 0, 65535);
	CHECK(ts_narrow(any, 2, peer, 2, out, 4) == 1, "type 9 skipped, IPv4 kept");
	/* 27. duplicates are answered once */
	peer[0] = peer[2] = peer[1];
	CHECK(ts_narrow(any, 2, peer, 3, out, 4) == 1, "the same selector thrice: once");
	/* 28. an IPv4 proposal never meets the IPv6 policy half */
	CHECK(ts_narrow(&any[1], 1, &peer[1], 1, out, 4) == 0, "IPv4 against ::/0: nothing");
}

/* 29-31. the emitter: nesting, commas, escapes */
static void test_json(void)
{
	struct buf *b = buf_new(64);
	struct json j;

	json_init(&j, b);
	json_open(&j, NULL, '{');
	json_str(&j, "a", "q\"\\\n");
	json_open(&j, "l", '[');
	json_uint(&j, NULL, 1);
	json_bool(&j, NULL, false);
	json_hex32(&j, NULL, 0xc0ffee);
	json_close(&j);
	json_open(&j, "o", '{');
	json_close(&j);
	json_close(&j);
	CHECK(json_done(&j) == 0, "balanced");
	buf_add_u8(b, 0);
	CHECK_STR((const char *)b->data,
		  "{\"a\":\"q\\\"\\\\\\u000a\",\"l\":[1,false,\"0x00c0ffee\"],\"o\":{}}\n",
		  "escaped, comma-separated, nested");
	json_init(&j, b);
	json_close(&j);
	CHECK(json_done(&j) < 0, "a close without an open is an error");
	buf_free(b);
}

/* 32-40. sa_lookup(): which SA a message is for, by its flags and SPIs */
static void test_lookup(void)
{
	static const char text[] =
		"keyring k { peer any { pre-shared-key = x } }\n"
		"ike-profile i { keyring = k }\nipsec-profile e {}\n"
		"tunnel t { local = 192.0.2.1; peer = 192.0.2.2; ike-profile = i; ipsec-profile = e }\n";
	struct keyer *k = calloc(1, sizeof(*k));
	struct ike_sa *ini, *resp;
	struct ike_header h;
	struct ipaddr peer, other;
	char err[256];
	size_t i;

	k->cfg = config_parse("t.conf", text, sizeof(text) - 1, err, sizeof(err));
	CHECK(k->cfg && loop_init(&k->loop) == 0, "a keyer to look SAs up in");
	if (!k->cfg)
		return;
	k->be = &backend_decoupled;
	k->be->open(k, &k->be_ctx);
	LIST_INIT(&k->sas);
	LIST_INIT(&k->dead);
	for (i = 0; i < SA_BUCKETS; i++) {
		LIST_INIT(&k->by_ispi[i]);
		LIST_INIT(&k->by_rspi[i]);
	}
	ipaddr_parse("192.0.2.2", &peer);
	ipaddr_parse("192.0.2.9", &other);
	ini = sa_new(k, IKE_ROLE_INITIATOR, &k->cfg->tunnels[0], &k->cfg->tunnels[0].local, &peer, 0);
	resp = sa_new(k, IKE_ROLE_RESPONDER, &k->cfg->tunnels[0], &k->cfg->tunnels[0].local, &peer,
		      0x1122334455667788ULL);
	CHECK(ini && resp && ini->ispi && resp->rspi && resp->ispi == 0x1122334455667788ULL,
	      "an initiator's SPIi and a responder's SPIr are made up, nonzero");

	/* Answers to our IKE_SA_INIT: SPIr still 0 (INVALID_KE) or new. */
	h = (struct ike_header){ .ispi = ini->ispi, .rspi = 0, .flags = IKE_FLAG_RESPONSE };
	CHECK(sa_lookup(k, &h, &peer) == ini, "response with SPIr 0: our initiator SA");
	h.rspi = 42;
	CHECK(sa_lookup(k, &h, &peer) == ini, "response with a new SPIr: our initiator SA");
	sa_set_rspi(ini, 42);
	h.rspi = 43;
	CHECK(sa_lookup(k, &h, &peer) == NULL, "once SPIr is known, another SPIr is not ours");
	h = (struct ike_header){ .ispi = ini->ispi, .rspi = 42, .flags = IKE_FLAG_INITIATOR };
	CHECK(sa_lookup(k, &h, &peer) == NULL, "the Initiator flag from our peer: not our SA");

	h = (struct ike_header){ .ispi = resp->ispi, .rspi = resp->rspi, .flags = IKE_FLAG_INITIATOR };
	CHECK(sa_lookup(k, &h, &peer) == resp, "request from the initiator: our responder SA");
	h.rspi = 0;
	CHECK(sa_lookup(k, &h, &peer) == resp, "IKE_SA_INIT again: found by SPIi and address");
	CHECK(sa_lookup(k, &h, &other) == NULL, "... but not from another address");

	sa_destroy(resp, "test");
	h.rspi = resp->rspi;
	CHECK(sa_lookup(k, &h, &peer) == NULL && resp->state == IKE_S_DEAD,
	      "a destroyed SA is found no more");
	sa_destroy(ini, "test");
	sa_reap(k);
	CHECK(LIST_EMPTY(&k->sas) && LIST_EMPTY(&k->dead), "reaped (ASan: nothing leaks)");
	k->be->close(k->be_ctx);
	loop_fini(&k->loop);
	config_free(k->cfg);
	free(k);
}

int main(void)
{
	log_init(true, false);
	test_window();
	test_delay();
	test_heap();
	test_ts();
	test_json();
	test_lookup();
	return tap_done();
}
