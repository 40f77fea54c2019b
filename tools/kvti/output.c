// SPDX-License-Identifier: GPL-2.0
/*
 * Everything kvti prints: results (human text like ip/wg, or JSON through
 * the emitter) on stdout, diagnostics on stderr.
 *
 * The JSON keys are a stable interface for scripts (kvti(8), JSON OUTPUT):
 * add keys freely, never rename or retype one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "jparse.h"
#include "kvti.h"

/* Counters in the order shown; JSON key and human label. */
static const struct {
	int id;
	const char *key;
	const char *label;
} stats[] = {
	{ KVTI_STAT_RX_PACKETS,		"rx_packets",		"packets" },
	{ KVTI_STAT_RX_BYTES,		"rx_bytes",		"bytes" },
	{ KVTI_STAT_TX_PACKETS,		"tx_packets",		"packets" },
	{ KVTI_STAT_TX_BYTES,		"tx_bytes",		"bytes" },
	{ KVTI_STAT_DROP_REPLAY,	"drop_replay",		"replay" },
	{ KVTI_STAT_DROP_AUTH,		"drop_auth",		"auth" },
	{ KVTI_STAT_DROP_PADDING,	"drop_padding",		"padding" },
	{ KVTI_STAT_DROP_NO_SA,		"drop_no_sa",		"no-sa" },
	{ KVTI_STAT_DROP_UNKNOWN_SPI,	"drop_unknown_spi",	"unknown-spi" },
	{ KVTI_STAT_DROP_EXPIRED,	"drop_expired",		"expired" },
	{ KVTI_STAT_DROP_MTU,		"drop_mtu",		"mtu" },
};

const char *out_addr(const struct kvti_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* A value of one of the uapi enums, by name; a newer kernel's by number. */
static const char *enum_name(const char *const *names, size_t n,
			     unsigned int v, char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "%u", v);
	return buf;
}

static FILE *out_file(const struct kvti_ctx *ctx)
{
	return ctx->out ? ctx->out : stdout;
}

void out_begin_list(struct kvti_ctx *ctx)
{
	if (!ctx->json)
		return;
	json_init(&ctx->json_out, out_file(ctx), ctx->pretty);
	json_begin_array(&ctx->json_out);
}

void out_end_list(struct kvti_ctx *ctx)
{
	if (ctx->json)
		json_end_array(&ctx->json_out);
	fflush(out_file(ctx));
}

static void json_stats(struct json *j, const uint64_t *v)
{
	size_t i;

	json_key(j, "stats");
	json_begin_object(j);
	for (i = 0; i < ARRAY_SIZE(stats); i++)
		json_kv_uint(j, stats[i].key, v[stats[i].id]);
	json_end_object(j);
}

static void json_tunnel(struct json *j, const struct kvti_tunnel *t,
			bool show_stats)
{
	char buf[INET6_ADDRSTRLEN];

	json_begin_object(j);
	json_kv_string(j, "ifname", t->ifname);
	json_kv_uint(j, "ifindex", t->ifindex);
	if (t->local.family)
		json_kv_string(j, "local", out_addr(&t->local, buf, sizeof(buf)));
	if (t->remote.family)
		json_kv_string(j, "remote", out_addr(&t->remote, buf, sizeof(buf)));
	if (t->has_key)
		json_kv_uint(j, "key", t->key);
	if (t->link)
		json_kv_string(j, "dev", t->dev);
	json_kv_uint(j, "mtu", t->mtu);
	json_kv_string(j, "df_bit", enum_name(kvti_df_names, ARRAY_SIZE(kvti_df_names),
					      t->df_mode, buf, sizeof(buf)));
	json_kv_uint(j, "replay_window", t->replay_window);
	json_kv_bool(j, "template", t->template);
	if (t->template_ifindex)
		json_kv_string(j, "from", t->from);
	json_kv_string(j, "encap", enum_name(kvti_encap_names, ARRAY_SIZE(kvti_encap_names),
					     t->encap, buf, sizeof(buf)));
	if (t->encap == KVTI_ENCAP_UDP) {
		json_kv_uint(j, "sport", t->sport);
		json_kv_uint(j, "dport", t->dport);
		if (t->has_socket)
			json_kv_bool(j, "socket", t->socket);
	}
	json_kv_bool(j, "carrier", t->carrier);
	if (show_stats && t->has_stats)
		json_stats(j, t->stats);
	json_end_object(j);
}

static void text_stats(FILE *f, const uint64_t *v)
{
	size_t i;

	fprintf(f, "    rx packets %" PRIu64 " bytes %" PRIu64
		"  tx packets %" PRIu64 " bytes %" PRIu64 "\n",
		v[KVTI_STAT_RX_PACKETS], v[KVTI_STAT_RX_BYTES],
		v[KVTI_STAT_TX_PACKETS], v[KVTI_STAT_TX_BYTES]);
	fputs("    drops", f);
	for (i = 0; i < ARRAY_SIZE(stats); i++)
		if (stats[i].id >= KVTI_STAT_DROP_REPLAY)
			fprintf(f, " %s %" PRIu64, stats[i].label, v[stats[i].id]);
	fputc('\n', f);
}

/* " template", " from T", " local A", " remote B", " key K": what names a
 * tunnel, for show and for the monitor's "tunnel new" line alike.
 */
static void text_endpoints(FILE *f, const struct kvti_tunnel *t)
{
	char buf[INET6_ADDRSTRLEN];

	if (t->template)
		fputs(" template", f);
	if (t->template_ifindex)
		fprintf(f, " from %s", t->from);
	if (t->local.family)
		fprintf(f, " local %s", out_addr(&t->local, buf, sizeof(buf)));
	if (t->remote.family)
		fprintf(f, " remote %s", out_addr(&t->remote, buf, sizeof(buf)));
	if (t->has_key)
		fprintf(f, " key %" PRIu32, t->key);
	if (t->link)
		fprintf(f, " dev %s", t->dev);
}

static void text_tunnel(FILE *f, const struct kvti_tunnel *t, bool show_stats)
{
	char buf[INET6_ADDRSTRLEN];

	fprintf(f, "%s:", t->ifname);
	text_endpoints(f, t);
	fprintf(f, " mtu %" PRIu32, t->mtu);
	fprintf(f, " df-bit %s", enum_name(kvti_df_names, ARRAY_SIZE(kvti_df_names),
					   t->df_mode, buf, sizeof(buf)));
	fprintf(f, " replay-window %" PRIu32, t->replay_window);
	if (t->encap != KVTI_ENCAP_NONE)
		fprintf(f, " encap %s", enum_name(kvti_encap_names,
						  ARRAY_SIZE(kvti_encap_names),
						  t->encap, buf, sizeof(buf)));
	if (t->encap == KVTI_ENCAP_UDP)
		fprintf(f, " sport %u dport %u", t->sport, t->dport);
	if (t->encap == KVTI_ENCAP_UDP && t->has_socket)
		fprintf(f, " socket %s", t->socket ? "attached" : "none");
	fprintf(f, " carrier %s\n", t->carrier ? "up" : "down");
	if (show_stats && t->has_stats)
		text_stats(f, t->stats);
}

void out_tunnel(struct kvti_ctx *ctx, const struct kvti_tunnel *t)
{
	if (ctx->json)
		json_tunnel(&ctx->json_out, t, ctx->stats);
	else
		text_tunnel(out_file(ctx), t, ctx->stats);
}

/* `kvti stats show`: every counter of a tunnel, zeros included. */
void out_tunnel_stats(struct kvti_ctx *ctx, const struct kvti_tunnel *t)
{
	struct json *j = &ctx->json_out;

	if (!ctx->json) {
		fprintf(out_file(ctx), "%s:\n", t->ifname);
		text_stats(out_file(ctx), t->stats);
		return;
	}
	json_begin_object(j);
	json_kv_string(j, "ifname", t->ifname);
	json_kv_uint(j, "ifindex", t->ifindex);
	json_stats(j, t->stats);
	json_end_object(j);
}

static const char *dir_name(uint8_t dir, char *buf, size_t len)
{
	return enum_name(kvti_dir_names, ARRAY_SIZE(kvti_dir_names), dir, buf, len);
}

static void json_life(struct json *j, const char *key, const struct kvti_lifetime *l)
{
	json_key(j, key);
	json_begin_object(j);
	json_kv_uint(j, "seconds", l->seconds);
	json_kv_uint(j, "bytes", l->bytes);
	json_kv_uint(j, "packets", l->packets);
	json_end_object(j);
}

static void json_sa(struct json *j, const struct kvti_sa *sa, bool show_stats)
{
	char buf[16];

	json_begin_object(j);
	json_kv_uint(j, "id", sa->id);
	json_kv_string(j, "dev", sa->ifname);
	json_kv_string(j, "dir", dir_name(sa->dir, buf, sizeof(buf)));
	json_kv_uint(j, "spi", sa->spi);
	if (sa->aead[0]) {
		json_kv_string(j, "aead", sa->aead);
	} else {
		json_kv_string(j, "enc", sa->enc);
		json_kv_string(j, "auth", sa->auth);
	}
	json_kv_uint(j, "enc_key_bits", sa->enc_key_bits);
	if (!sa->aead[0])
		json_kv_uint(j, "auth_key_bits", sa->auth_key_bits);
	json_kv_uint(j, "icv_bits", sa->icv_bits);
	json_kv_bool(j, "esn", sa->esn);
	if (sa->has_seq_out)
		json_kv_uint(j, "seq_out", sa->seq_out);
	if (sa->has_replay) {
		json_kv_uint(j, "replay_window", sa->replay_window);
		json_kv_uint(j, "replay_top", sa->replay_top);
	}
	json_key(j, "lifetime");
	json_begin_object(j);
	json_life(j, "soft", &sa->soft);
	json_life(j, "hard", &sa->hard);
	json_life(j, "current", &sa->cur);
	json_end_object(j);
	json_kv_uint(j, "idle_time", sa->idle_time);
	json_kv_uint(j, "age", sa->age);
	json_kv_uint(j, "idle", sa->idle);
	if (show_stats && sa->has_stats)
		json_stats(j, sa->stats);
	json_end_object(j);
}

/* "5/100 packets (soft 80)": used, then the hard limit or "-". */
static void text_life(FILE *f, const char *sep, uint64_t cur, uint64_t hard,
		      uint64_t soft, const char *unit)
{
	fprintf(f, "%s%" PRIu64 "/", sep, cur);
	if (hard)
		fprintf(f, "%" PRIu64, hard);
	else
		fputc('-', f);
	fprintf(f, " %s", unit);
	if (soft)
		fprintf(f, " (soft %" PRIu64 ")", soft);
}

/* Traffic, and the drops that happened, by name. */
static void text_sa_stats(FILE *f, const uint64_t *v)
{
	bool any = false;
	size_t i;

	fprintf(f, "    rx packets %" PRIu64 " bytes %" PRIu64
		"  tx packets %" PRIu64 " bytes %" PRIu64,
		v[KVTI_STAT_RX_PACKETS], v[KVTI_STAT_RX_BYTES],
		v[KVTI_STAT_TX_PACKETS], v[KVTI_STAT_TX_BYTES]);
	for (i = 0; i < ARRAY_SIZE(stats); i++) {
		if (stats[i].id < KVTI_STAT_DROP_REPLAY || !v[stats[i].id])
			continue;
		fprintf(f, "%s %s %" PRIu64, any ? "" : "  drops", stats[i].label,
			v[stats[i].id]);
		any = true;
	}
	fputc('\n', f);
}

static void text_sa(FILE *f, const struct kvti_sa *sa, bool show_stats)
{
	char buf[16];

	fprintf(f, "%s %s spi 0x%08" PRIx32 " id %" PRIu32, sa->ifname,
		dir_name(sa->dir, buf, sizeof(buf)), sa->spi, sa->id);
	if (sa->aead[0])
		fprintf(f, " %s key %" PRIu32 " bits", sa->aead, sa->enc_key_bits);
	else
		fprintf(f, " %s %" PRIu32 " bits %s %" PRIu32 " bits", sa->enc,
			sa->enc_key_bits, sa->auth, sa->auth_key_bits);
	fprintf(f, " icv %" PRIu32 "%s\n", sa->icv_bits, sa->esn ? " esn" : "");

	fputs("   ", f);
	if (sa->has_seq_out)
		fprintf(f, " seq %" PRIu64 " ", sa->seq_out);
	if (sa->has_replay)
		fprintf(f, " replay-window %" PRIu32 " top %" PRIu64 " ",
			sa->replay_window, sa->replay_top);
	fprintf(f, " age %" PRIu64 "s  idle %" PRIu64 "s", sa->age, sa->idle);
	if (sa->idle_time)
		fprintf(f, "  idle-time %" PRIu32 "s", sa->idle_time);
	fputs("  lifetime", f);
	text_life(f, " ", sa->cur.packets, sa->hard.packets, sa->soft.packets, "packets");
	text_life(f, ", ", sa->cur.bytes, sa->hard.bytes, sa->soft.bytes, "bytes");
	text_life(f, ", ", sa->cur.seconds, sa->hard.seconds, sa->soft.seconds, "seconds");
	fputc('\n', f);
	if (show_stats && sa->has_stats)
		text_sa_stats(f, sa->stats);
}

void out_sa(struct kvti_ctx *ctx, const struct kvti_sa *sa)
{
	if (ctx->json)
		json_sa(&ctx->json_out, sa, ctx->stats);
	else
		text_sa(out_file(ctx), sa, ctx->stats);
}

/*
 * kvti session show: one IKE SA as the keyer reported it (@ike), and the
 * module's SAs of each of its CHILD SAs, in order (@in, @out; NULL where
 * the module has none).  JSON: the keyer's object as it came, each CHILD
 * SA with "sa_in" / "sa_out" added ({"id", "stats"}) when known.
 */
static void json_session_sa(struct json *j, const char *key, const struct kvti_sa *sa)
{
	if (!sa)
		return;
	json_key(j, key);
	json_begin_object(j);
	json_kv_uint(j, "id", sa->id);
	if (sa->has_stats)
		json_stats(j, sa->stats);
	json_end_object(j);
}

static void json_session(struct json *j, const struct jp_node *ike,
			 const struct kvti_sa *const *in, const struct kvti_sa *const *out)
{
	const struct jp_node *e, *c;
	size_t i;

	json_begin_object(j);
	for (e = ike->child; e; e = e->next) {
		json_key(j, e->key);
		if (strcmp(e->key, "child_sas") || e->type != JP_ARRAY) {
			jp_emit(j, e);
			continue;
		}
		json_begin_array(j);
		for (c = e->child, i = 0; c; c = c->next, i++) {
			const struct jp_node *f;

			json_begin_object(j);
			for (f = c->child; f; f = f->next) {
				json_key(j, f->key);
				jp_emit(j, f);
			}
			json_session_sa(j, "sa_in", in[i]);
			json_session_sa(j, "sa_out", out[i]);
			json_end_object(j);
		}
		json_end_array(j);
	}
	json_end_object(j);
}

/* "0.0.0.0/0 ::/0" from an array of strings. */
static void text_list(FILE *f, const struct jp_node *arr)
{
	const struct jp_node *e;

	for (e = arr ? arr->child : NULL; e; e = e->next)
		if (e->type == JP_STR)
			fprintf(f, " %s", e->str);
}

static void text_session_sa(FILE *f, const char *dir, const char *spi,
			    const struct kvti_sa *sa, bool module, bool show_stats)
{
	const uint64_t *v;
	size_t i;

	fprintf(f, "    %-3s spi %s", dir, spi);
	if (!sa) {
		fputs(module ? "  (not in the module)\n" : "\n", f);
		return;
	}
	if (!sa->has_stats) {
		fputc('\n', f);
		return;
	}
	v = sa->stats;
	if (sa->dir == KVTI_DIR_IN)
		fprintf(f, "  packets %" PRIu64 " bytes %" PRIu64, v[KVTI_STAT_RX_PACKETS],
			v[KVTI_STAT_RX_BYTES]);
	else
		fprintf(f, "  packets %" PRIu64 " bytes %" PRIu64, v[KVTI_STAT_TX_PACKETS],
			v[KVTI_STAT_TX_BYTES]);
	if (show_stats) {
		fprintf(f, "  id %" PRIu32, sa->id);
		if (sa->has_seq_out)
			fprintf(f, " seq %" PRIu64, sa->seq_out);
		if (sa->has_replay)
			fprintf(f, " replay-window %" PRIu32 " top %" PRIu64, sa->replay_window,
				sa->replay_top);
		for (i = 0; i < ARRAY_SIZE(stats); i++)
			if (stats[i].id >= KVTI_STAT_DROP_REPLAY && v[stats[i].id])
				fprintf(f, " drop-%s %" PRIu64, stats[i].label, v[stats[i].id]);
	}
	fputc('\n', f);
}

static void text_session(FILE *f, const struct jp_node *ike, bool show_stats, bool module,
			 const struct kvti_sa *const *in, const struct kvti_sa *const *out)
{
	const struct jp_node *c, *children = jp_get(ike, "child_sas");
	size_t i = 0;

	fprintf(f, "%s: peer %s[%" PRIu64 "] %s, %s, %" PRIu64 "s\n", jp_str(ike, "tunnel"),
		jp_str(ike, "peer"), jp_uint(ike, "peer_port"), jp_str(ike, "state"),
		jp_str(ike, "role"), jp_uint(ike, "age"));
	fprintf(f, "  local %s[%" PRIu64 "] id %s  remote id %s\n", jp_str(ike, "local"),
		jp_uint(ike, "local_port"), *jp_str(ike, "local_id") ? jp_str(ike, "local_id") : "-",
		*jp_str(ike, "remote_id") ? jp_str(ike, "remote_id") : "-");
	fprintf(f, "  ike spi %s/%s %s", jp_str(ike, "spi_i"), jp_str(ike, "spi_r"),
		*jp_str(ike, "algorithms") ? jp_str(ike, "algorithms") : "(negotiating)");
	/* A NAT in the path explains the ports and the ESP in UDP: always said. */
	if (jp_bool(ike, "nat_local"))
		fputs(" nat-local", f);
	if (jp_bool(ike, "nat_remote"))
		fputs(" nat-remote", f);
	if (show_stats && jp_bool(ike, "initial_contact"))
		fputs(" initial-contact", f);
	fputc('\n', f);
	/* A dynamic VTI: the template it was cloned from, its injected routes. */
	if (*jp_str(ike, "template")) {
		fprintf(f, "  clone of %s, routes", jp_str(ike, "template"));
		if (jp_get(ike, "routes") && jp_get(ike, "routes")->child)
			text_list(f, jp_get(ike, "routes"));
		else
			fputs(" none", f);
		fprintf(f, " (metric %" PRIu64 " tag %" PRIu64 " table %" PRIu64 ")\n",
			jp_uint(ike, "route_metric"), jp_uint(ike, "route_tag"),
			jp_uint(ike, "route_table"));
	}
	for (c = children ? children->child : NULL; c; c = c->next, i++) {
		fprintf(f, "  child %s, %" PRIu64 "s, %s\n", jp_str(c, "state"), jp_uint(c, "age"),
			*jp_str(c, "algorithms") ? jp_str(c, "algorithms") : "(negotiating)");
		text_session_sa(f, "in", jp_str(c, "spi_in"), in[i], module, show_stats);
		text_session_sa(f, "out", jp_str(c, "spi_out"), out[i], module, show_stats);
		if (show_stats) {
			fputs("    ts local", f);
			text_list(f, jp_get(c, jp_str(ike, "role")[0] == 'i' ? "ts_i" : "ts_r"));
			fputs(" remote", f);
			text_list(f, jp_get(c, jp_str(ike, "role")[0] == 'i' ? "ts_r" : "ts_i"));
			fputc('\n', f);
		}
	}
}

/* "192.0.2.0/255.255.255.0" of a "START-END" selector, as IOS prints a flow. */
static void cisco_net(FILE *f, const char *ts)
{
	char start[64], end[64];
	unsigned char a[16], b[16];
	const char *dash = strchr(ts, '-');
	int fam, len, i, bits = 0;
	uint32_t mask;

	if (!dash || (size_t)(dash - ts) >= sizeof(start)) {
		fputs(ts, f);
		return;
	}
	snprintf(start, sizeof(start), "%.*s", (int)(dash - ts), ts);
	snprintf(end, sizeof(end), "%s", dash + 1);
	end[strcspn(end, "/")] = '\0';
	fam = strchr(start, ':') ? AF_INET6 : AF_INET;
	len = fam == AF_INET ? 4 : 16;
	if (inet_pton(fam, start, a) != 1 || inet_pton(fam, end, b) != 1) {
		fputs(ts, f);
		return;
	}
	/* The prefix if the range is one; else the range as it is. */
	for (i = 0; i < len * 8 && ((a[i / 8] ^ b[i / 8]) & (0x80 >> (i % 8))) == 0; i++)
		bits++;
	for (i = bits; i < len * 8; i++)
		if ((a[i / 8] & (0x80 >> (i % 8))) || !(b[i / 8] & (0x80 >> (i % 8)))) {
			fputs(ts, f);
			return;
		}
	if (fam == AF_INET6) {
		fprintf(f, "%s/%d", start, bits);
		return;
	}
	mask = bits ? 0xffffffffu << (32 - bits) : 0;
	fprintf(f, "%s/%u.%u.%u.%u", start, mask >> 24, mask >> 16 & 0xff, mask >> 8 & 0xff,
		mask & 0xff);
}

static uint64_t sa_drops(const struct kvti_sa *sa)
{
	uint64_t n = 0;
	int i;

	for (i = KVTI_STAT_DROP_REPLAY; i < KVTI_STAT_PAD; i++)
		n += sa->stats[i];
	return n;
}

/*
 * "Inbound:  #pkts dec'ed 4 drop 0 life (KB/Sec) 4605665/2949": packets,
 * drops, and what is left of the hard lifetimes (0/0: no such SA).
 */
static void cisco_dir(FILE *f, const char *what, const struct kvti_sa *sa, int packets)
{
	uint64_t kb = 0, secs = 0;

	if (sa) {
		if (sa->hard.bytes > sa->cur.bytes)
			kb = (sa->hard.bytes - sa->cur.bytes) / 1024;
		if (sa->hard.seconds > sa->age)
			secs = sa->hard.seconds - sa->age;
	}
	fprintf(f, "          %s %" PRIu64 " drop %" PRIu64 " life (KB/Sec) %" PRIu64 "/%" PRIu64
		"\n", what, sa ? sa->stats[packets] : 0, sa ? sa_drops(sa) : 0, kb, secs);
}

/*
 * IOS's "show crypto session detail" layout (../shared/cisco/
 * 003_ef38c4bc03a0bd55.txt, "show crypto session Command Output"), one
 * IKE SA at a time, "Interface:" once per tunnel; IPSEC FLOW lines are
 * the CHILD SAs' selectors, local then remote, their counters the
 * module's.
 */
void out_session_cisco(struct kvti_ctx *ctx, const struct jp_node *ike, bool new_iface,
		       const struct kvti_sa *const *in, const struct kvti_sa *const *out)
{
	FILE *f = out_file(ctx);
	const struct jp_node *c, *children = jp_get(ike, "child_sas"), *l, *r;
	bool initiator = jp_str(ike, "role")[0] == 'i', up, any_child = false;
	uint64_t age = jp_uint(ike, "age");
	size_t i = 0;

	for (c = children ? children->child : NULL; c; c = c->next)
		if (!strcmp(jp_str(c, "state"), "installed"))
			any_child = true;
	up = !strcmp(jp_str(ike, "state"), "established");
	if (new_iface) {
		fprintf(f, "\nInterface: %s\n", jp_str(ike, "tunnel"));
		if (*jp_str(ike, "template"))
			fprintf(f, "Profile: virtual-template %s\n", jp_str(ike, "template"));
	}
	fprintf(f, "Session status: %s\n", up && any_child ? "UP-ACTIVE" : up ? "UP-IDLE" :
		"DOWN-NEGOTIATING");
	fprintf(f, "Peer: %s port %" PRIu64 "\n", jp_str(ike, "peer"), jp_uint(ike, "peer_port"));
	fprintf(f, "    Phase1_id: %s\n", *jp_str(ike, "remote_id") ? jp_str(ike, "remote_id") : "-");
	fprintf(f, "    IKE SA: local %s/%" PRIu64 " remote %s/%" PRIu64 " %s\n", jp_str(ike, "local"),
		jp_uint(ike, "local_port"), jp_str(ike, "peer"), jp_uint(ike, "peer_port"),
		up ? "Active" : "Inactive");
	fprintf(f, "          spi %s/%s %s uptime %" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n",
		jp_str(ike, "spi_i"), jp_str(ike, "spi_r"), jp_str(ike, "algorithms"),
		age / 3600, age / 60 % 60, age % 60);
	for (c = children ? children->child : NULL; c; c = c->next, i++) {
		l = jp_get(c, initiator ? "ts_i" : "ts_r");
		r = jp_get(c, initiator ? "ts_r" : "ts_i");
		for (l = l ? l->child : NULL; l; l = l->next)
			for (r = jp_get(c, initiator ? "ts_r" : "ts_i"), r = r ? r->child : NULL; r;
			     r = r->next) {
				if (l->type != JP_STR || r->type != JP_STR ||
				    !strchr(l->str, ':') != !strchr(r->str, ':'))
					continue;
				fputs("    IPSEC FLOW: permit ip ", f);
				cisco_net(f, l->str);
				fputc(' ', f);
				cisco_net(f, r->str);
				fputc('\n', f);
			}
		fprintf(f, "          Active SAs: %d, origin: %s\n", (in[i] != NULL) + (out[i] != NULL),
			*jp_str(ike, "template") ? "dynamic VTI" : "VTI");
		cisco_dir(f, "Inbound:  #pkts dec'ed", in[i], KVTI_STAT_RX_PACKETS);
		cisco_dir(f, "Outbound: #pkts enc'ed", out[i], KVTI_STAT_TX_PACKETS);
	}
}

void out_session(struct kvti_ctx *ctx, const struct jp_node *ike, bool module,
		 const struct kvti_sa *const *in, const struct kvti_sa *const *out)
{
	if (ctx->json)
		json_session(&ctx->json_out, ike, in, out);
	else
		text_session(out_file(ctx), ike, ctx->stats, module, in, out);
}

/* Events, by KVTI_CMD_EV_*: the word that starts each line (JSON "event"). */
static const char *const event_names[KVTI_CMD_MAX + 1] = {
	[KVTI_CMD_EV_EXPIRE] = "expire",
	[KVTI_CMD_EV_ACQUIRE] = "acquire",
	[KVTI_CMD_EV_INVALID_SPI] = "invalid-spi",
	[KVTI_CMD_EV_REPLAY] = "replay",
	[KVTI_CMD_EV_IDLE] = "idle",
	[KVTI_CMD_EV_TUNNEL_NEW] = "tunnel-new",
	[KVTI_CMD_EV_TUNNEL_DEL] = "tunnel-del",
};

static bool is_sa_event(uint8_t cmd)
{
	return cmd == KVTI_CMD_EV_EXPIRE || cmd == KVTI_CMD_EV_REPLAY ||
	       cmd == KVTI_CMD_EV_IDLE;
}

static void json_event(struct json *j, const struct kvti_event *ev)
{
	char buf[INET6_ADDRSTRLEN];
	const char *name = ev->cmd <= KVTI_CMD_MAX ? event_names[ev->cmd] : NULL;

	json_begin_object(j);
	if (!name) {
		json_kv_string(j, "event", "unknown");
		json_kv_uint(j, "cmd", ev->cmd);
		if (ev->ifname[0])
			json_kv_string(j, "dev", ev->ifname);
		json_end_object(j);
		return;
	}
	json_kv_string(j, "event", name);
	if (ev->cmd == KVTI_CMD_EV_EXPIRE)
		json_kv_bool(j, "hard", ev->hard);
	json_kv_string(j, "dev", ev->ifname);
	if (is_sa_event(ev->cmd)) {
		json_kv_string(j, "dir", dir_name(ev->dir, buf, sizeof(buf)));
		json_kv_uint(j, "spi", ev->spi);
		json_kv_uint(j, "id", ev->id);
	} else if (ev->cmd == KVTI_CMD_EV_ACQUIRE) {
		if (ev->local.family)
			json_kv_string(j, "local", out_addr(&ev->local, buf, sizeof(buf)));
		if (ev->remote.family)
			json_kv_string(j, "remote", out_addr(&ev->remote, buf, sizeof(buf)));
	} else if (ev->cmd == KVTI_CMD_EV_INVALID_SPI) {
		json_kv_uint(j, "spi", ev->spi);
		json_kv_string(j, "src", out_addr(&ev->src, buf, sizeof(buf)));
		if (ev->local.family)
			json_kv_string(j, "dst", out_addr(&ev->local, buf, sizeof(buf)));
	} else if (ev->cmd == KVTI_CMD_EV_TUNNEL_NEW) {
		json_key(j, "tunnel");
		json_tunnel(j, &ev->tunnel, false);
	}
	json_end_object(j);
}

static void text_event(FILE *f, const struct kvti_event *ev)
{
	const struct kvti_tunnel *t = &ev->tunnel;
	char buf[INET6_ADDRSTRLEN];

	switch (ev->cmd) {
	case KVTI_CMD_EV_EXPIRE:
	case KVTI_CMD_EV_REPLAY:
	case KVTI_CMD_EV_IDLE:
		fprintf(f, "%s", event_names[ev->cmd]);
		if (ev->cmd == KVTI_CMD_EV_EXPIRE)
			fputs(ev->hard ? " hard" : " soft", f);
		fprintf(f, " dev %s dir %s spi 0x%08" PRIx32 " id %" PRIu32 "\n",
			ev->ifname, dir_name(ev->dir, buf, sizeof(buf)), ev->spi, ev->id);
		return;
	case KVTI_CMD_EV_ACQUIRE:
		fprintf(f, "acquire dev %s", ev->ifname);
		if (ev->local.family)
			fprintf(f, " local %s", out_addr(&ev->local, buf, sizeof(buf)));
		if (ev->remote.family)
			fprintf(f, " remote %s", out_addr(&ev->remote, buf, sizeof(buf)));
		fputc('\n', f);
		return;
	case KVTI_CMD_EV_INVALID_SPI:
		fprintf(f, "invalid-spi dev %s spi 0x%08" PRIx32 " from %s", ev->ifname,
			ev->spi, out_addr(&ev->src, buf, sizeof(buf)));
		if (ev->local.family)
			fprintf(f, " to %s", out_addr(&ev->local, buf, sizeof(buf)));
		fputc('\n', f);
		return;
	case KVTI_CMD_EV_TUNNEL_NEW:
		fprintf(f, "tunnel new %s", t->ifname);
		text_endpoints(f, t);
		fputc('\n', f);
		return;
	case KVTI_CMD_EV_TUNNEL_DEL:
		fprintf(f, "tunnel del %s\n", t->ifname);
		return;
	}
	fprintf(f, "unknown event %u%s%s\n", ev->cmd, ev->ifname[0] ? " dev " : "",
		ev->ifname);
}

/* One event, one line (JSON: one object), flushed at once. */
void out_event(struct kvti_ctx *ctx, const struct kvti_event *ev)
{
	FILE *f = out_file(ctx);

	if (ctx->json) {
		json_init(&ctx->json_out, f, ctx->pretty);
		json_event(&ctx->json_out, ev);
	} else {
		text_event(f, ev);
	}
	fflush(f);
}

/* Prints one table row's usage, continuation lines under its arguments. */
static void usage_row(FILE *f, bool first, const char *object,
		      const struct kvti_command *row)
{
	const char *p = row->usage;
	int indent = (int)strlen("Usage: kvti ") + (int)strlen(object) + 1 +
		     (int)strcspn(p, " \n") + 1;

	fprintf(f, "%s kvti %s%s", first ? "Usage:" : "      ", object, *p ? " " : "");
	for (; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", indent, "");
	}
	fputc('\n', f);
}

/* Without an object, ctx->cmds is the table of objects. */
static void usage_main(const struct kvti_ctx *ctx, FILE *f)
{
	const char *sep = "";
	size_t i;

	fputs("Usage: kvti [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       kvti help\n"
	      "OBJECT := {", f);
	for (i = 0; i < ctx->ncmds; i++) {
		if (!ctx->cmds[i].usage || !strcmp(ctx->cmds[i].name, "help"))
			continue;
		fprintf(f, "%s %s", sep, ctx->cmds[i].name);
		sep = " |";
	}
	fputs(" }\n"
	      "OPTIONS := { -j[son] | -p[retty] | -s[tats] | -n[etns] NAME | --socket PATH |\n"
	      "            -h[elp] }\n", f);
}

/* The usage of what is running: one subcommand, one object, or all. */
void out_usage(const struct kvti_ctx *ctx, FILE *f)
{
	const struct kvti_command *row = ctx->cmd;
	bool first = true;
	size_t i;

	if (!ctx->object) {
		usage_main(ctx, f);
		return;
	}
	/* A hidden alias borrows the usage of the row it stands for. */
	for (i = 0; row && !row->usage && i < ctx->ncmds; i++)
		if (ctx->cmds[i].run == row->run && ctx->cmds[i].usage)
			row = &ctx->cmds[i];
	if (row && row->usage) {
		usage_row(f, true, ctx->object, row);
		return;
	}
	for (i = 0; i < ctx->ncmds; i++) {
		if (!ctx->cmds[i].usage)
			continue;
		usage_row(f, first, ctx->object, &ctx->cmds[i]);
		first = false;
	}
}

static void verror(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void out_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

int out_usage_error(const struct kvti_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	out_usage(ctx, stderr);
	return KVTI_EXIT_USAGE;
}

/*
 * "Error: <extack> (attribute KVTI_A_KEY)", falling back to strerror() when
 * the kernel gave no text.  A success with an extack message is a warning.
 */
void out_format_nl_error(const struct kvti_nl_error *e, char *buf, size_t len)
{
	if (!e->error) {
		snprintf(buf, len, "%s%s", e->msg[0] ? "Warning: " : "", e->msg);
		return;
	}
	snprintf(buf, len, "Error: %s%s%s%s%s",
		 e->msg[0] ? e->msg : strerror(-e->error),
		 e->attr[0] ? " (" : "", e->attr[0] && e->missing ? "missing " : "",
		 e->attr[0] ? "attribute " : "", e->attr);
	if (e->attr[0] && strlen(buf) + 1 < len)
		strcat(buf, ")");
}

int out_nl_error(const struct kvti_nl *nl)
{
	char line[512];

	out_format_nl_error(&nl->err, line, sizeof(line));
	if (line[0]) {
		fflush(stdout);
		fprintf(stderr, "%s\n", line);
	}
	return nl->err.error ? KVTI_EXIT_FAIL : KVTI_EXIT_OK;
}
