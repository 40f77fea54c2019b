// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the kernel backend (backend.h): CHILD SAs go to the kvti
 * module over its generic netlink family (uapi/linux/kvti.h, SPEC 6).
 *
 * Two sockets, both from the tool's netlink layer (tools/kvti/netlink.c,
 * which adds extended ACKs to libnl-genl-3): one for requests, answered
 * synchronously (the kernel answers at once; the loop has nothing better to
 * do meanwhile), and one joined to the "events" group, in the epoll loop,
 * whose EXPIRE and ACQUIRE go to kernel_event() (sa.c).  A refusal is
 * logged with the kernel's own extack words, which name the attribute.
 *
 * The keyer owns the SAs of the tunnels it is configured with: at start it
 * flushes what a previous instance (killed, crashed) left on them, since no
 * IKE SA of this process can ever delete those.  Reserved SPIs need no
 * freeing: the module forgets an unused reservation by itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <linux/genetlink.h>
#include <linux/kvti.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "../tools/kvti/netlink.h"
#include "config.h"
#include "keyer.h"
#include "rtnl.h"

struct kvti_backend {
	struct keyer	*k;
	struct kvti_nl	 req;		/* requests */
	struct kvti_nl	 ev;		/* the events group */
	struct loop_fd	 lfd;
	struct nl_sock	*rt;		/* rtnetlink: clones up, their routes */
};

/* "refused: <extack> (<attribute>)" or the errno, for the log. */
static const char *nl_why(const struct kvti_nl *nl, char *out, size_t len)
{
	const struct kvti_nl_error *e = &nl->err;

	if (e->msg[0])
		snprintf(out, len, "%s%s%s%s", e->msg, e->attr[0] ? " (" : "", e->attr,
			 e->attr[0] ? ")" : "");
	else
		snprintf(out, len, "%s", strerror(e->error < 0 ? -e->error : EIO));
	return out;
}

static struct nl_msg *request(struct kvti_backend *b, uint8_t cmd, int flags)
{
	(void)b;
	return kvti_nl_msg(cmd, KVTI_GENL_VERSION, flags);
}

/* A u32 (or u8) attribute of a reply or event, its length checked first. */
static bool attr_u32(struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len(a) < (int)sizeof(uint32_t))
		return false;
	*v = nla_get_u32(a);
	return true;
}

static uint8_t attr_u8(struct nlattr *a)
{
	return a && nla_len(a) >= 1 ? nla_get_u8(a) : 0;
}

/* The events socket: EXPIRE, IDLE and ACQUIRE to the engine, the rest ignored. */
static int on_event(struct nlmsghdr *nlh, void *arg)
{
	struct kvti_backend *b = arg;
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[KVTI_A_MAX + 1];
	struct backend_event ev;
	char ifname[CFG_IFNAME_MAX] = "";

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, NULL) < 0)
		return 0;	/* not ours to judge; the next one may be fine */
	memset(&ev, 0, sizeof(ev));
	if (tb[KVTI_A_IFNAME]) {
		snprintf(ifname, sizeof(ifname), "%.*s", (int)strnlen(nla_data(tb[KVTI_A_IFNAME]),
			 (size_t)nla_len(tb[KVTI_A_IFNAME])), (const char *)nla_data(tb[KVTI_A_IFNAME]));
		ev.ifname = ifname;
	}
	switch (g->cmd) {
	case KVTI_CMD_EV_EXPIRE:
		if (!attr_u32(tb[KVTI_A_SA_ID], &ev.id))
			return 0;
		ev.kind = BE_EV_EXPIRE;
		attr_u32(tb[KVTI_A_SA_SPI], &ev.spi);
		ev.dir = attr_u8(tb[KVTI_A_SA_DIR]);
		ev.hard = tb[KVTI_A_EXPIRE_HARD] != NULL;
		log_info("kernel: %s expire of SA %" PRIu32 " on %s spi 0x%08" PRIx32 " %s",
			 ev.hard ? "hard" : "soft", ev.id, ifname, ev.spi,
			 ev.dir == KVTI_DIR_IN ? "in" : "out");
		break;
	case KVTI_CMD_EV_IDLE:
		if (!attr_u32(tb[KVTI_A_SA_ID], &ev.id))
			return 0;
		ev.kind = BE_EV_IDLE;
		attr_u32(tb[KVTI_A_SA_SPI], &ev.spi);
		ev.dir = attr_u8(tb[KVTI_A_SA_DIR]);
		log_debug("kernel: SA %" PRIu32 " on %s spi 0x%08" PRIx32 " idle", ev.id, ifname,
			  ev.spi);
		break;
	case KVTI_CMD_EV_INVALID_SPI:
		if (!ev.ifname || !attr_u32(tb[KVTI_A_SA_SPI], &ev.spi) || !tb[KVTI_A_SA_SRC] ||
		    (nla_len(tb[KVTI_A_SA_SRC]) != 4 && nla_len(tb[KVTI_A_SA_SRC]) != 16))
			return 0;
		ev.kind = BE_EV_INVALID_SPI;
		ev.src.family = nla_len(tb[KVTI_A_SA_SRC]) == 4 ? AF_INET : AF_INET6;
		memcpy(ev.src.a, nla_data(tb[KVTI_A_SA_SRC]), (size_t)nla_len(tb[KVTI_A_SA_SRC]));
		break;
	case KVTI_CMD_EV_ACQUIRE:
		if (!ev.ifname)
			return 0;
		ev.kind = BE_EV_ACQUIRE;
		log_debug("kernel: acquire on %s", ifname);
		break;
	default:
		return 0;
	}
	kernel_event(b->k, &ev);
	return 0;
}

static void events_ready(struct loop_fd *lf, uint32_t events)
{
	struct kvti_backend *b = container_of(lf, struct kvti_backend, lfd);
	int ret;

	(void)events;
	ret = kvti_nl_read_events(&b->ev, on_event, b);
	if (ret == -ENOBUFS)
		log_warn("kernel: events were lost (socket buffer full)");
	else if (ret < 0)
		log_warn("kernel: reading events: %s", strerror(-ret));
}

/* Removes what a previous keyer left on a tunnel we key. */
static int k_tunnel_flush(void *ctx, const char *ifname)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg;
	char why[512];
	int ret;

	msg = request(b, KVTI_CMD_SA_FLUSH, 0);
	if (!msg || nla_put_string(msg, KVTI_A_IFNAME, ifname) < 0) {
		kvti_nl_msg_free(msg);
		log_warn("kernel: tunnel %s: cannot flush its SAs: out of memory", ifname);
		return -1;
	}
	ret = kvti_nl_request(&b->req, msg, NULL, NULL);
	if (ret < 0)
		log_warn("kernel: tunnel %s: %s", ifname, nl_why(&b->req, why, sizeof(why)));
	kvti_nl_msg_free(msg);
	return ret < 0 ? -1 : 0;
}

/* ESP in UDP's ports and socket, beside KVTI_A_ENCAP udp. */
static int put_udp_encap(struct nl_msg *msg, const struct kernel_encap *e)
{
	if (nla_put_u16(msg, KVTI_A_ENCAP_SPORT, e->sport) < 0 ||
	    nla_put_u16(msg, KVTI_A_ENCAP_DPORT, e->dport) < 0 ||
	    (e->fd >= 0 && nla_put_s32(msg, KVTI_A_ENCAP_FD, e->fd) < 0))
		return -1;
	return 0;
}

/*
 * TUNNEL_SET: ESP in UDP from our NAT-T port to the peer's mapped one,
 * received on our NAT-T socket, which the module hooks (or raw ESP again).
 */
static int k_tunnel_encap(void *ctx, const char *ifname, const struct kernel_encap *e)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg;
	char why[512];
	int ret;

	msg = request(b, KVTI_CMD_TUNNEL_SET, 0);
	if (!msg || nla_put_string(msg, KVTI_A_IFNAME, ifname) < 0 ||
	    nla_put_u8(msg, KVTI_A_ENCAP, e->udp ? KVTI_ENCAP_UDP : KVTI_ENCAP_NONE) < 0 ||
	    (e->remote &&
	     nla_put(msg, KVTI_A_REMOTE, (int)ipaddr_len(e->remote), e->remote->a) < 0) ||
	    (e->udp && put_udp_encap(msg, e) < 0)) {
		kvti_nl_msg_free(msg);
		log_warn("kernel: tunnel %s: cannot set its encapsulation: out of memory", ifname);
		return -1;
	}
	ret = kvti_nl_request(&b->req, msg, NULL, NULL);
	kvti_nl_msg_free(msg);
	if (ret < 0) {
		log_warn("kernel: tunnel %s: encapsulation refused: %s", ifname,
			 nl_why(&b->req, why, sizeof(why)));
		return -1;
	}
	return 0;
}

/* The tunnel's underlay: its fvrf's device, or none (KVTI_A_LINK 0). */
static int k_tunnel_link(void *ctx, const char *ifname, const char *dev)
{
	struct kvti_backend *b = ctx;
	unsigned int li = dev[0] ? if_nametoindex(dev) : 0;
	struct nl_msg *msg;
	char why[512];
	int ret;

	if (dev[0] && !li) {
		log_warn("kernel: tunnel %s: fvrf %s: no such device", ifname, dev);
		return -1;
	}
	msg = request(b, KVTI_CMD_TUNNEL_SET, 0);
	if (!msg || nla_put_string(msg, KVTI_A_IFNAME, ifname) < 0 ||
	    nla_put_u32(msg, KVTI_A_LINK, li) < 0) {
		kvti_nl_msg_free(msg);
		log_warn("kernel: tunnel %s: cannot set its fvrf: out of memory", ifname);
		return -1;
	}
	ret = kvti_nl_request(&b->req, msg, NULL, NULL);
	kvti_nl_msg_free(msg);
	if (ret < 0) {
		log_warn("kernel: tunnel %s: fvrf %s refused: %s", ifname, dev[0] ? dev : "none",
			 nl_why(&b->req, why, sizeof(why)));
		return -1;
	}
	return 0;
}

/*
 * A dynamic VTI's clone: TUNNEL_NEW from the template with the peer as
 * remote (the module copies everything else), then up.
 */
static int k_clone_add(void *ctx, const char *tmpl, const char *ifname,
		       const struct ipaddr *remote, const struct kernel_encap *e)
{
	struct kvti_backend *b = ctx;
	unsigned int ti = if_nametoindex(tmpl);
	struct nl_msg *msg;
	char why[512];
	int ret;

	if (!ti) {
		log_warn("kernel: template %s: no such netdev (kvti tunnel add %s ... template)",
			 tmpl, tmpl);
		return -ENODEV;
	}
	msg = request(b, KVTI_CMD_TUNNEL_NEW, 0);
	if (!msg || nla_put_string(msg, KVTI_A_IFNAME, ifname) < 0 ||
	    nla_put_u32(msg, KVTI_A_TEMPLATE_IFINDEX, ti) < 0 ||
	    nla_put(msg, KVTI_A_REMOTE, (int)ipaddr_len(remote), remote->a) < 0 ||
	    (e->udp && (nla_put_u8(msg, KVTI_A_ENCAP, KVTI_ENCAP_UDP) < 0 ||
			put_udp_encap(msg, e) < 0))) {
		kvti_nl_msg_free(msg);
		return -ENOMEM;
	}
	ret = kvti_nl_request(&b->req, msg, NULL, NULL);
	kvti_nl_msg_free(msg);
	if (ret < 0) {
		if (ret != -EEXIST)
			log_warn("kernel: clone %s of %s refused: %s", ifname, tmpl,
				 nl_why(&b->req, why, sizeof(why)));
		return ret;
	}
	ret = rtnl_link_up(b->rt, ifname);
	if (ret < 0)
		log_warn("kernel: clone %s: cannot set it up: %s", ifname, strerror(-ret));
	return 0;
}

static int k_tunnel_del(void *ctx, const char *ifname)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg = request(b, KVTI_CMD_TUNNEL_DEL, 0);
	char why[512];
	int ret;

	if (!msg || nla_put_string(msg, KVTI_A_IFNAME, ifname) < 0) {
		kvti_nl_msg_free(msg);
		return -ENOMEM;
	}
	ret = kvti_nl_request(&b->req, msg, NULL, NULL);
	kvti_nl_msg_free(msg);
	if (ret < 0 && ret != -ENODEV)
		log_warn("kernel: TUNNEL_DEL %s refused: %s", ifname,
			 nl_why(&b->req, why, sizeof(why)));
	return ret < 0 ? ret : 0;
}

static int k_route_add(void *ctx, const char *ifname, const struct ipprefix *dst,
		       uint32_t metric, uint32_t realm, uint32_t *table)
{
	struct kvti_backend *b = ctx;

	return rtnl_route_add(b->rt, ifname, dst, metric, realm, table);
}

struct stale_clones {
	uint32_t	tmpl;		/* the template's ifindex */
	char		(*names)[CFG_IFNAME_MAX];
	size_t		n, cap;
};

static int collect_clone(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KVTI_A_MAX + 1];
	struct stale_clones *sc = arg;
	uint32_t ti;
	void *p;

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, NULL) < 0 || !tb[KVTI_A_IFNAME] ||
	    !attr_u32(tb[KVTI_A_TEMPLATE_IFINDEX], &ti) || ti != sc->tmpl)
		return 0;
	if (sc->n == sc->cap) {
		p = realloc(sc->names, (sc->cap * 2 + 8) * sizeof(*sc->names));
		if (!p)
			return -ENOMEM;
		sc->names = p;
		sc->cap = sc->cap * 2 + 8;
	}
	snprintf(sc->names[sc->n++], CFG_IFNAME_MAX, "%.*s",
		 (int)strnlen(nla_data(tb[KVTI_A_IFNAME]), CFG_IFNAME_MAX - 1),
		 (const char *)nla_data(tb[KVTI_A_IFNAME]));
	return 0;
}

/*
 * The clones of template @name that a previous keyer left (killed or
 * crashed before its SAs went): no IKE SA of ours owns them, so they go,
 * with their SAs and routes.  Their peers come back with INITIAL_CONTACT.
 */
static void k_clones_flush(struct kvti_backend *b, const char *name)
{
	struct stale_clones sc = { .tmpl = if_nametoindex(name) };
	struct nl_msg *msg;
	size_t i;

	if (!sc.tmpl)
		return;
	msg = request(b, KVTI_CMD_TUNNEL_GET, NLM_F_DUMP);
	if (!msg)
		return;
	if (kvti_nl_request(&b->req, msg, collect_clone, &sc) == 0)
		for (i = 0; i < sc.n; i++)
			if (k_tunnel_del(b, sc.names[i]) == 0)
				log_info("clone %s of %s deleted: left by a previous keyer",
					 sc.names[i], name);
	kvti_nl_msg_free(msg);
	free(sc.names);
}

static int k_open(struct keyer *k, void **ctx)
{
	struct kvti_backend *b = calloc(1, sizeof(*b));
	char why[512];
	size_t i;
	int ret;

	if (!b)
		return -1;
	b->k = k;
	ret = kvti_nl_open(&b->req, KVTI_GENL_NAME, NULL, NULL);
	if (ret < 0) {
		if (ret == -ENOENT)
			log_err("kernel: no generic netlink family \"%s\": is kvti.ko loaded?",
				KVTI_GENL_NAME);
		else
			log_err("kernel: %s", nl_why(&b->req, why, sizeof(why)));
		goto err_free;
	}
	ret = kvti_nl_open(&b->ev, KVTI_GENL_NAME, KVTI_MCGRP_EVENTS, NULL);
	if (ret < 0 || !b->ev.mcgrp_events || kvti_nl_join(&b->ev, b->ev.mcgrp_events) < 0) {
		log_err("kernel: cannot join the \"%s\" group: %s", KVTI_MCGRP_EVENTS,
			nl_why(&b->ev, why, sizeof(why)));
		goto err_close;
	}
	b->rt = rtnl_open();
	if (!b->rt) {
		log_err("kernel: cannot open an rtnetlink socket");
		goto err_close;
	}
	/* Events may come in bursts (ACQUIRE per tunnel, EXPIRE per SA). */
	nl_socket_set_buffer_size(b->ev.sk, 1 << 20, 0);
	b->lfd.fd = nl_socket_get_fd(b->ev.sk);
	b->lfd.ready = events_ready;
	if (loop_add(&k->loop, &b->lfd) < 0) {
		log_err("kernel: event loop: %s", strerror(errno));
		goto err_close;
	}
	for (i = 0; i < k->cfg->ntunnels; i++) {
		k_tunnel_flush(b, k->cfg->tunnels[i].name);
		if (k->cfg->tunnels[i].fvrf[0])
			k_tunnel_link(b, k->cfg->tunnels[i].name, k->cfg->tunnels[i].fvrf);
	}
	for (i = 0; i < k->cfg->ntemplates; i++) {
		k_clones_flush(b, k->cfg->templates[i].name);
		if (k->cfg->templates[i].fvrf[0])
			k_tunnel_link(b, k->cfg->templates[i].name, k->cfg->templates[i].fvrf);
	}
	*ctx = b;
	return 0;

err_close:
	rtnl_close(b->rt);
	kvti_nl_close(&b->ev);
	kvti_nl_close(&b->req);
err_free:
	free(b);
	return -1;
}

static void k_close(void *ctx)
{
	struct kvti_backend *b = ctx;

	loop_del(&b->k->loop, &b->lfd);
	rtnl_close(b->rt);
	kvti_nl_close(&b->ev);
	kvti_nl_close(&b->req);
	free(b);
}

static int parse_spi(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KVTI_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, NULL) < 0 || !attr_u32(tb[KVTI_A_SA_SPI], arg))
		return -EBADMSG;
	return 0;
}

static int k_spi_alloc(void *ctx, const char *ifname, uint32_t *spi)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg = request(b, KVTI_CMD_SPI_ALLOC, 0);
	char why[512];
	int ret;

	if (!msg)
		return -1;
	*spi = 0;
	ret = kvti_nl_request(&b->req, msg, parse_spi, spi);
	kvti_nl_msg_free(msg);
	if (ret < 0 || !*spi) {
		log_warn("kernel: SPI_ALLOC for %s refused: %s", ifname,
			 nl_why(&b->req, why, sizeof(why)));
		return -1;
	}
	return 0;
}

static int parse_id(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KVTI_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, NULL) < 0 || !attr_u32(tb[KVTI_A_SA_ID], arg))
		return -EBADMSG;
	return 0;
}

/* A KVTI_A_SA_LIFE_* nest; nothing when both limits are 0 (none). */
static int put_life(struct nl_msg *msg, int type, uint64_t seconds, uint64_t kilobytes)
{
	struct nlattr *life;

	if (!seconds && !kilobytes)
		return 0;
	life = nla_nest_start(msg, type);
	if (!life || (seconds && nla_put_u64(msg, KVTI_LIFE_SECONDS, seconds) < 0) ||
	    (kilobytes && nla_put_u64(msg, KVTI_LIFE_BYTES, kilobytes * 1024) < 0))
		return -1;
	nla_nest_end(msg, life);
	return 0;
}

/* SA_NEW's attributes; keys only here, and the message is wiped when freed. */
static int put_sa(struct nl_msg *msg, const struct kernel_sa *sa)
{
	const struct esp_kernel_alg *a = sa->alg;

	if (nla_put_string(msg, KVTI_A_IFNAME, sa->ifname) < 0 ||
	    nla_put_u8(msg, KVTI_A_SA_DIR, sa->dir) < 0 ||
	    nla_put_u32(msg, KVTI_A_SA_SPI, sa->spi) < 0 ||
	    nla_put(msg, KVTI_A_SA_ENC_KEY, (int)sa->enc_key.len, sa->enc_key.p) < 0 ||
	    nla_put_u32(msg, KVTI_A_SA_ICV_BITS, a->icv_bits) < 0 ||
	    nla_put_u32(msg, KVTI_A_SA_REPLAY_WINDOW, sa->replay_window) < 0)
		return -1;
	if (a->aead) {
		if (nla_put_string(msg, KVTI_A_SA_AEAD_ALG, a->aead) < 0)
			return -1;
	} else if (nla_put_string(msg, KVTI_A_SA_ENC_ALG, a->enc) < 0 ||
		   nla_put_string(msg, KVTI_A_SA_AUTH_ALG, a->auth) < 0 ||
		   nla_put(msg, KVTI_A_SA_AUTH_KEY, (int)sa->auth_key.len, sa->auth_key.p) < 0) {
		return -1;
	}
	if (sa->esn && nla_put_flag(msg, KVTI_A_SA_ESN) < 0)
		return -1;
	if (sa->idle_time && nla_put_u32(msg, KVTI_A_SA_IDLE_TIME, sa->idle_time) < 0)
		return -1;
	if (put_life(msg, KVTI_A_SA_LIFE_HARD, sa->life_seconds, sa->life_kilobytes) < 0 ||
	    put_life(msg, KVTI_A_SA_LIFE_SOFT, sa->soft_seconds, sa->soft_kilobytes) < 0)
		return -1;
	return 0;
}

static int k_sa_add(void *ctx, const struct kernel_sa *sa, uint32_t *id)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg = request(b, KVTI_CMD_SA_NEW, NLM_F_ECHO);
	char why[512];
	int ret;

	if (!msg)
		return -1;
	*id = 0;
	if (put_sa(msg, sa) < 0) {
		kvti_nl_msg_free(msg);
		log_warn("kernel: SA_NEW for %s: message too large", sa->ifname);
		return -1;
	}
	ret = kvti_nl_request(&b->req, msg, parse_id, id);
	kvti_nl_msg_free(msg);
	if (ret < 0 || !*id) {
		log_warn("kernel: SA_NEW %s %s spi 0x%08" PRIx32 " %s refused: %s", sa->ifname,
			 sa->dir == KVTI_DIR_IN ? "in" : "out", sa->spi,
			 sa->alg->aead ? sa->alg->aead : sa->alg->enc,
			 nl_why(&b->req, why, sizeof(why)));
		return -1;
	}
	log_debug("kernel: SA %" PRIu32 " %s %s spi 0x%08" PRIx32, *id, sa->ifname,
		  sa->dir == KVTI_DIR_IN ? "in" : "out", sa->spi);
	return 0;
}

struct idle_query {
	uint32_t	id;
	uint64_t	idle;
	bool		found;
};

/* Packets an SA carried, either way; 0 when the module did not say. */
static uint64_t sa_packets(struct nlattr *stats)
{
	struct nlattr *a;
	uint64_t n = 0;
	int rem;

	if (!stats)
		return 0;
	nla_for_each_nested(a, stats, rem)
		if ((nla_type(a) == KVTI_STAT_RX_PACKETS || nla_type(a) == KVTI_STAT_TX_PACKETS) &&
		    nla_len(a) >= 8)
			n += nla_get_u64(a);
	return n;
}

static int parse_idle(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KVTI_A_MAX + 1];
	struct idle_query *q = arg;
	uint32_t id;

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, NULL) < 0 || !attr_u32(tb[KVTI_A_SA_ID], &id))
		return -EBADMSG;
	if (id != q->id || !tb[KVTI_A_SA_IDLE] || nla_len(tb[KVTI_A_SA_IDLE]) < 8)
		return 0;
	q->idle = nla_get_u64(tb[KVTI_A_SA_IDLE]);
	q->found = true;
	/*
	 * The module counts an SA that carried nothing as idle since it was
	 * added; to DPD an outbound SA just added is no sign of sending.
	 */
	if (!sa_packets(tb[KVTI_A_SA_STATS]))
		q->idle = UINT64_MAX;
	return 0;
}

/*
 * SA_GET of the one SA by its id: its idle time.  (DPD asks for each
 * CHILD's two SAs; a dump of the tunnel each time cost as many replies
 * as the tunnel has SAs.)
 */
static int k_sa_idle(void *ctx, const char *ifname, uint32_t id, uint64_t *idle)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg = request(b, KVTI_CMD_SA_GET, 0);
	struct idle_query q = { .id = id };
	int ret;

	(void)ifname;
	if (!msg)
		return -1;
	if (nla_put_u32(msg, KVTI_A_SA_ID, id) < 0) {
		kvti_nl_msg_free(msg);
		return -1;
	}
	ret = kvti_nl_request(&b->req, msg, parse_idle, &q);
	kvti_nl_msg_free(msg);
	if (ret < 0 || !q.found)
		return -1;
	*idle = q.idle;
	return 0;
}

static int k_sa_del(void *ctx, const char *ifname, uint32_t id)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg = request(b, KVTI_CMD_SA_DEL, 0);
	char why[512];
	int ret;

	if (!msg)
		return -1;
	if (nla_put_u32(msg, KVTI_A_SA_ID, id) < 0) {
		kvti_nl_msg_free(msg);
		return -1;
	}
	ret = kvti_nl_request(&b->req, msg, NULL, NULL);
	kvti_nl_msg_free(msg);
	if (ret == -ENOENT) {
		/* A hard expiry removed it already. */
		log_debug("kernel: SA %" PRIu32 " on %s was gone already", id, ifname);
		return 0;
	}
	if (ret < 0) {
		log_warn("kernel: SA_DEL %" PRIu32 " on %s refused: %s", id, ifname,
			 nl_why(&b->req, why, sizeof(why)));
		return -1;
	}
	return 0;
}

/* `sas`: the module's SAs on our tunnels (the kernel's view, not ours). */
static int dump_one(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KVTI_A_MAX + 1];
	struct json *j = arg;
	uint32_t id, spi;
	char s[64];

	if (genlmsg_parse(nlh, 0, tb, KVTI_A_MAX, NULL) < 0 || !attr_u32(tb[KVTI_A_SA_ID], &id))
		return -EBADMSG;
	json_open(j, NULL, '{');
	json_uint(j, "id", id);
	if (tb[KVTI_A_IFNAME]) {
		snprintf(s, sizeof(s), "%.*s", (int)strnlen(nla_data(tb[KVTI_A_IFNAME]),
			 (size_t)nla_len(tb[KVTI_A_IFNAME])), (const char *)nla_data(tb[KVTI_A_IFNAME]));
		json_str(j, "tunnel", s);
	}
	if (tb[KVTI_A_SA_DIR])
		json_str(j, "dir", attr_u8(tb[KVTI_A_SA_DIR]) == KVTI_DIR_IN ? "in" : "out");
	if (attr_u32(tb[KVTI_A_SA_SPI], &spi))
		json_hex32(j, "spi", spi);
	json_bool(j, "esn", tb[KVTI_A_SA_ESN] != NULL);
	json_close(j);
	return 0;
}

static void k_dump(void *ctx, struct json *j)
{
	struct kvti_backend *b = ctx;
	struct nl_msg *msg = request(b, KVTI_CMD_SA_GET, NLM_F_DUMP);

	json_open(j, "sas", '[');
	if (msg)
		kvti_nl_request(&b->req, msg, dump_one, j);
	kvti_nl_msg_free(msg);
	json_close(j);
}

const struct backend_ops backend_kvti = {
	.name = "kvti",
	.open = k_open,
	.close = k_close,
	.spi_alloc = k_spi_alloc,
	.spi_free = NULL,	/* the module expires unused reservations */
	.sa_add = k_sa_add,
	.tunnel_encap = k_tunnel_encap,
	.sa_del = k_sa_del,
	.tunnel_flush = k_tunnel_flush,
	.sa_idle = k_sa_idle,
	.dump = k_dump,
	.clone_add = k_clone_add,
	.tunnel_del = k_tunnel_del,
	.route_add = k_route_add,
	.tunnel_link = k_tunnel_link,
};
