// SPDX-License-Identifier: GPL-2.0
/*
 * kvti session show|clear|up|down: the keyer's IKE SAs, asked over its
 * control socket (keyer/control.c: one request line, one JSON answer).
 *
 * The keyer knows the IKE side (peer, identities, state, algorithms,
 * SPIs); the counters of each CHILD SA are the module's, so `show` also
 * dumps the module's SAs once and matches them by SPI and direction.
 * Without the module (a keyer on its decoupled backend) the counters are
 * simply left out.
 *
 * The socket is --socket PATH, else $KVTI_KEYER_SOCKET, else the keyer's
 * default; it is root-only, as the keyer makes it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "jparse.h"
#include "kvti.h"

#define KEYER_REPLY_MAX	(16 << 20)	/* a bound, not an expectation */

const char *kvti_session_socket(const struct kvti_ctx *ctx)
{
	const char *env = getenv("KVTI_KEYER_SOCKET");

	if (ctx->socket)
		return ctx->socket;
	return env && *env ? env : KVTI_KEYER_SOCKET;
}

/*
 * Sends "CMD[ ARG]\n" and reads the answer to EOF; its "error", if any, is
 * printed.  Returns the parsed answer, or NULL (reported).
 */
static struct jp_node *keyer_ask(const struct kvti_ctx *ctx, const char *cmd, const char *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = kvti_session_socket(ctx);
	size_t len = 0, cap = 0;
	struct jp_node *reply;
	char line[256], err[128], *buf = NULL;
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		out_error("control socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	n = snprintf(line, sizeof(line), "%s%s%s\n", cmd, arg ? " " : "", arg ? arg : "");
	if (n < 0 || (size_t)n >= sizeof(line)) {
		out_error("argument too long");
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno == ENOENT)
			out_error("kvti-keyer is not running (no socket at %s)", path);
		else if (errno == ECONNREFUSED)
			out_error("kvti-keyer is not running (nobody listens on %s)", path);
		else if (errno == EACCES || errno == EPERM)
			out_error("cannot talk to kvti-keyer at %s: %s (the socket is root-only)",
				  path, strerror(errno));
		else
			out_error("cannot talk to kvti-keyer at %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (write(fd, line, (size_t)n) != n) {
		out_error("kvti-keyer at %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	for (;;) {
		if (len + 4096 > cap) {
			char *b = cap >= KEYER_REPLY_MAX ? NULL : realloc(buf, cap + 65536);

			if (!b) {
				out_error("kvti-keyer's answer is too large");
				goto err;
			}
			buf = b;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			out_error("kvti-keyer at %s: %s", path, strerror(errno));
			goto err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	reply = len ? jp_parse(buf, len, err, sizeof(err)) : NULL;
	free(buf);
	if (!reply) {
		out_error("kvti-keyer sent %s", len ? err : "no answer");
		return NULL;
	}
	if (jp_get(reply, "error")) {
		out_error("kvti-keyer: %s", jp_str(reply, "error"));
		jp_free(reply);
		return NULL;
	}
	return reply;
err:
	free(buf);
	close(fd);
	return NULL;
}

struct sa_list {
	struct kvti_sa *v;
	size_t n, cap;
};

static int collect_sa(struct nlmsghdr *nlh, void *arg)
{
	struct sa_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct kvti_sa *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (!kvti_decode_sa(nlh, &l->v[l->n]))
		l->n++;
	return 0;
}

/*
 * The module's SAs with their counters, quietly: none if the module is not
 * there (the keyer may run decoupled) or refuses.
 */
static bool module_sas(struct kvti_ctx *ctx, struct sa_list *l)
{
	struct kvti_nl nl;
	struct nl_msg *msg;
	bool ok = false;

	if (kvti_enter_netns(ctx))
		return false;
	if (kvti_nl_open(&nl, KVTI_GENL_NAME, KVTI_MCGRP_EVENTS, &kvti_attr_space)) {
		kvti_nl_close(&nl);
		return false;
	}
	msg = kvti_request(KVTI_CMD_SA_GET, NLM_F_DUMP, NULL);
	if (msg) {
		ok = kvti_nl_request(&nl, msg, collect_sa, l) >= 0 && !nl.err.error;
		if (!ok)
			l->n = 0;
		kvti_nl_msg_free(msg);
	}
	kvti_nl_close(&nl);
	return ok;
}

static const struct kvti_sa *find_sa(const struct sa_list *l, const char *spi, uint8_t dir)
{
	unsigned long v;
	char *end;
	size_t i;

	errno = 0;
	v = strtoul(spi, &end, 16);
	if (errno || *end || end == spi)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (l->v[i].spi == v && l->v[i].dir == dir)
			return &l->v[i];
	return NULL;
}

/* The filter of show [PEER]: a peer address, or a tunnel name. */
static bool selected(const struct jp_node *ike, const char *filter)
{
	return !filter || !strcmp(jp_str(ike, "peer"), filter) ||
	       !strcmp(jp_str(ike, "tunnel"), filter);
}

/*
 * -s: the keyer's own counters after the sessions (IOS "show crypto
 * call admission statistics" and the like): messages, retransmissions,
 * refusals, COOKIEs, dead peers, drops by reason.  -j -s leaves the list
 * as it is; scripts read these with keyer-ctl's `stats`.
 */
static void keyer_stats(struct kvti_ctx *ctx)
{
	FILE *f = ctx->out ? ctx->out : stdout;
	const struct jp_node *d, *n;
	struct jp_node *st = keyer_ask(ctx, "stats", NULL);

	if (!st)
		return;
	fprintf(f, "keyer: rx %" PRIu64 " tx %" PRIu64 " retransmits %" PRIu64
		" replays answered %" PRIu64 " gave up %" PRIu64 "\n",
		jp_uint(st, "rx"), jp_uint(st, "tx"), jp_uint(st, "retransmits"),
		jp_uint(st, "replays"), jp_uint(st, "give_ups"));
	fprintf(f, "  dropped by the kernel, receive queue full %" PRIu64 "\n",
		jp_uint(st, "rx_overflow"));
	fprintf(f, "  cookies sent %" PRIu64 " bad %" PRIu64 "  unprotected notifies %" PRIu64
		" rate-limited %" PRIu64 "  dead peers %" PRIu64 "\n",
		jp_uint(st, "cookies_sent"), jp_uint(st, "cookies_bad"),
		jp_uint(st, "unprotected_notifies"), jp_uint(st, "unprotected_rate_limited"),
		jp_uint(st, "dead_peers"));
	fprintf(f, "  nat-keepalives sent %" PRIu64 "  peers followed behind NAT %" PRIu64 "\n",
		jp_uint(st, "nat_keepalives"), jp_uint(st, "peer_floats"));
	fprintf(f, "  dynamic VTIs cloned %" PRIu64 " refused %" PRIu64 "\n",
		jp_uint(st, "clones_created"), jp_uint(st, "clones_refused"));
	d = jp_get(st, "drops");
	fprintf(f, "  dropped:");
	for (n = d && d->type == JP_OBJECT ? d->child : NULL; n; n = n->next)
		fprintf(f, " %s %" PRIu64, n->key, n->type == JP_NUM ? n->num : 0);
	fprintf(f, "\n");
	jp_free(st);
}

/* Sessions grouped by interface, in the keyer's order within one. */
static int by_tunnel(const void *a, const void *b)
{
	const struct jp_node *x = *(const struct jp_node *const *)a;
	const struct jp_node *y = *(const struct jp_node *const *)b;
	int c = strcmp(jp_str(x, "tunnel"), jp_str(y, "tunnel"));

	return c ? c : (x < y ? -1 : x > y);
}

static int session_show(struct kvti_ctx *ctx, int argc, char **argv)
{
	const struct jp_node *sas, *ike, **sorted = NULL;
	struct sa_list kernel = { 0 };
	struct jp_node *reply;
	const char *filter = NULL, *last = "";
	size_t shown = 0, n = 0, k;
	bool module, cisco = false;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "--cisco") || !strcmp(argv[0], "cisco"))
			cisco = true;
		else if (!filter)
			filter = argv[0];
		else
			return out_usage_error(ctx, "too many arguments: \"%s\"", argv[0]);
	}
	if (cisco && ctx->json)
		return out_usage_error(ctx, "--cisco is a text layout; -j is JSON");
	reply = keyer_ask(ctx, "show", NULL);
	if (!reply)
		return KVTI_EXIT_FAIL;
	sas = jp_get(reply, "ike_sas");
	if (!sas || sas->type != JP_ARRAY) {
		out_error("kvti-keyer's answer has no ike_sas");
		jp_free(reply);
		return KVTI_EXIT_FAIL;
	}
	module = module_sas(ctx, &kernel);
	for (ike = sas->child; ike; ike = ike->next)
		n++;
	sorted = calloc(n + 1, sizeof(*sorted));
	if (!sorted) {
		out_error("out of memory");
		jp_free(reply);
		free(kernel.v);
		return KVTI_EXIT_FAIL;
	}
	for (ike = sas->child, k = 0; ike; ike = ike->next)
		sorted[k++] = ike;
	qsort(sorted, n, sizeof(*sorted), by_tunnel);
	out_begin_list(ctx);
	if (cisco && n)
		fputs("Crypto session current status\n", ctx->out ? ctx->out : stdout);
	for (k = 0; k < n; k++) {
		const struct jp_node *c, *children;
		size_t nc = 0, i = 0;
		const struct kvti_sa **in, **out;

		ike = sorted[k];
		children = jp_get(ike, "child_sas");
		if (!selected(ike, filter))
			continue;
		for (c = children ? children->child : NULL; c; c = c->next)
			nc++;
		in = calloc(nc + 1, sizeof(*in));
		out = calloc(nc + 1, sizeof(*out));
		if (!in || !out) {
			free(in);
			free(out);
			out_error("out of memory");
			break;
		}
		for (c = children ? children->child : NULL; c; c = c->next, i++) {
			in[i] = find_sa(&kernel, jp_str(c, "spi_in"), KVTI_DIR_IN);
			out[i] = find_sa(&kernel, jp_str(c, "spi_out"), KVTI_DIR_OUT);
		}
		if (cisco)
			out_session_cisco(ctx, ike, strcmp(last, jp_str(ike, "tunnel")), in, out);
		else
			out_session(ctx, ike, module, in, out);
		last = jp_str(ike, "tunnel");
		free(in);
		free(out);
		shown++;
	}
	free(sorted);
	out_end_list(ctx);
	if (!ctx->json && !shown && filter)
		fprintf(ctx->out ? ctx->out : stdout, "no IKE SA with peer or tunnel %s\n", filter);
	if (!ctx->json && ctx->stats)
		keyer_stats(ctx);
	free(kernel.v);
	jp_free(reply);
	return KVTI_EXIT_OK;
}

/* clear, up, down: the keyer says ok or why not. */
static int session_act(struct kvti_ctx *ctx, const char *cmd, const char *arg)
{
	struct jp_node *reply = keyer_ask(ctx, cmd, arg);

	if (!reply)
		return KVTI_EXIT_FAIL;
	if (ctx->json) {
		json_init(&ctx->json_out, ctx->out ? ctx->out : stdout, ctx->pretty);
		jp_emit(&ctx->json_out, reply);
	} else if (!strcmp(cmd, "clear")) {
		uint64_t n = jp_uint(reply, "cleared");

		printf("%" PRIu64 " IKE SA%s cleared\n", n, n == 1 ? "" : "s");
	}
	jp_free(reply);
	return KVTI_EXIT_OK;
}

static int session_clear(struct kvti_ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return out_usage_error(ctx, "too many arguments: \"%s\"", argv[1]);
	return session_act(ctx, "clear", argc ? argv[0] : NULL);
}

static int session_updown(struct kvti_ctx *ctx, int argc, char **argv, const char *cmd)
{
	if (argc < 1)
		return out_usage_error(ctx, "missing TUNNEL");
	if (argc > 1)
		return out_usage_error(ctx, "too many arguments: \"%s\"", argv[1]);
	if (parse_ifname(argv[0]))
		return out_usage_error(ctx, "\"%s\" is not a tunnel name", argv[0]);
	return session_act(ctx, cmd, argv[0]);
}

static int session_up(struct kvti_ctx *ctx, int argc, char **argv)
{
	return session_updown(ctx, argc, argv, "up");
}

static int session_down(struct kvti_ctx *ctx, int argc, char **argv)
{
	return session_updown(ctx, argc, argv, "down");
}

static const struct kvti_command session_cmds[] = {
	{ "show", 1, session_show, "show [--cisco] [PEER | TUNNEL]" },
	{ "clear", 1, session_clear, "clear [PEER | TUNNEL]" },
	{ "up", 1, session_up, "up TUNNEL" },
	{ "down", 1, session_down, "down TUNNEL" },
};

int kvti_session_main(struct kvti_ctx *ctx, int argc, char **argv)
{
	return kvti_dispatch(ctx, "session", session_cmds, ARRAY_SIZE(session_cmds), argc, argv);
}
