// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - UDP sockets: the IKE port and the NAT-T port (500, 4500 by
 * default; ike-port / nat-t-port) on every configured local address, IPv4
 * and IPv6.  IP_PKTINFO / IPV6_RECVPKTINFO say which address a datagram
 * was sent to, which the IKE SA records as its local address.
 *
 * On the NAT-T port IKE carries the 4-byte non-ESP marker (RFC 3948 2.2);
 * anything else arriving there (ESP, NAT keepalives) is the kernel's
 * business: once a tunnel floats, the module hooks the socket (its fd goes
 * with TUNNEL_SET) and takes them before they reach us; what still comes
 * through is dropped here.
 */
#define _GNU_SOURCE	/* struct in6_pktinfo, accept4() */
#include <errno.h>
#include <inttypes.h>
#include <linux/sock_diag.h>	/* SK_MEMINFO_* */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "keyer.h"

/* Receive queue of each IKE socket: about 2000 IKE_SA_INITs' truesize. */
#define NET_RCVBUF	(4 << 20)

static const uint8_t non_esp_marker[IKE_NON_ESP_MARKER_LEN];

static socklen_t to_sockaddr(const struct ipaddr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->a, 4);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->a, 16);
		return sizeof(*sin6);
	}
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct ipaddr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		a->family = AF_INET;
		memcpy(a->a, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		a->family = AF_INET6;
		memcpy(a->a, &sin6->sin6_addr, 16);
		*port = ntohs(sin6->sin6_port);
	}
}

/*
 * @n, the kernel's count of datagrams this socket dropped with its queue
 * full: a peer's retransmission timer pays for each of them.
 */
static void note_drops(struct net_sock *s, uint32_t n)
{
	char a[ADDR_STRLEN];

	if (n == s->ovfl)
		return;
	log_warn("%s port %u: the kernel dropped %" PRIu32 " datagrams, receive queue full",
		 ipaddr_str(&s->local, a), s->port, n - s->ovfl);
	s->k->st.rx_overflow += n - s->ovfl;
	s->ovfl = n;
}

/* Milliseconds from @then (the kernel's receive stamp) to now. */
static uint32_t age_ms(const struct timespec *then)
{
	struct timespec now;
	int64_t ms;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return 0;
	ms = (int64_t)(now.tv_sec - then->tv_sec) * 1000 +
	     (now.tv_nsec - then->tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/*
 * From the control messages: the destination address, if there is one,
 * how long the datagram waited (SO_TIMESTAMPNS), and the socket's drops
 * so far (SO_RXQ_OVFL).
 */
static void from_cmsg(struct net_sock *s, struct msghdr *mh, struct packet *pkt)
{
	struct ipaddr *local = &pkt->local;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			pkt->age_ms = age_ms(&ts);
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			uint32_t n;

			memcpy(&n, CMSG_DATA(c), sizeof(n));
			note_drops(s, n);
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			local->family = AF_INET;
			memcpy(local->a, &pi.ipi_addr, 4);
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			local->family = AF_INET6;
			memcpy(local->a, &pi.ipi6_addr, 16);
		}
	}
}

static void sock_ready(struct loop_fd *lf, uint32_t events)
{
	struct net_sock *s = container_of(lf, struct net_sock, lfd);
	static uint8_t data[MSG_MAX + 1];
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t)) +
			  CMSG_SPACE(sizeof(struct timespec))];
	} cbuf;
	struct sockaddr_storage from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b),
	};
	struct packet pkt;
	ssize_t n;
	int budget;

	(void)events;
	/* A bounded batch per wakeup: the other sockets and timers get their turn. */
	for (budget = 0; budget < 64; budget++) {
		mh.msg_namelen = sizeof(from);
		mh.msg_controllen = sizeof(cbuf.b);
		n = recvmsg(s->lfd.fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("recvmsg: %s", strerror(errno));
			return;
		}
		s->k->st.rx++;
		memset(&pkt, 0, sizeof(pkt));
		pkt.vrf = s->vrf;
		pkt.local = s->local;
		pkt.lport = s->port;
		from_cmsg(s, &mh, &pkt);
		from_sockaddr(&from, &pkt.remote, &pkt.rport);
		pkt.data = data;
		pkt.len = (size_t)n;
		if (mh.msg_flags & MSG_TRUNC) {
			s->k->st.drops[DROP_HEADER]++;
			continue;
		}
		if (s->natt) {
			if (pkt.len < IKE_NON_ESP_MARKER_LEN ||
			    memcmp(pkt.data, non_esp_marker, IKE_NON_ESP_MARKER_LEN)) {
				s->k->st.drops[DROP_NOT_IKE]++;
				continue;
			}
			pkt.data += IKE_NON_ESP_MARKER_LEN;
			pkt.len -= IKE_NON_ESP_MARKER_LEN;
		}
		msg_recv(s->k, &pkt);
	}
}

/*
 * Drops the next datagram's SO_RXQ_OVFL has not told yet (none may come
 * after a burst): each socket's count now, from SO_MEMINFO.
 */
void net_drops_refresh(struct keyer *k)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len;
	size_t i;

	for (i = 0; i < k->nsocks; i++) {
		len = sizeof(mi);
		if (k->socks[i].lfd.fd >= 0 &&
		    getsockopt(k->socks[i].lfd.fd, SOL_SOCKET, SO_MEMINFO, mi, &len) == 0 &&
		    len > SK_MEMINFO_DROPS * sizeof(mi[0]))
			note_drops(&k->socks[i], mi[SK_MEMINFO_DROPS]);
	}
}

static int open_one(struct keyer *k, struct net_sock *s)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(&s->local, s->port, &ss);
	char a[ADDR_STRLEN];
	int fd, on = 1, rcvbuf = NET_RCVBUF;

	fd = socket(s->local.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		goto err;
	if (s->local.family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)
			goto err_close;
	} else if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0) {
		goto err_close;
	}
	/* In a VRF: bound to its device first, so that the address is looked
	 * up (and later routes) in the VRF's table, and so that the same
	 * address and port may be bound again in another VRF.
	 */
	if (s->vrf[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->vrf, strlen(s->vrf) + 1) < 0)
		goto err_close;
	/* A hub's peers start at once after an outage: a queue that holds a
	 * few thousand IKE_SA_INITs instead of the default's hundred or so,
	 * so that none waits out a retransmission timer.  Above rmem_max
	 * when we may (CAP_NET_ADMIN); otherwise as much as it allows.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0)
		goto err_close;
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto err_close;
	s->k = k;
	s->ovfl = 0;
	s->lfd.fd = fd;
	s->lfd.ready = sock_ready;
	if (loop_add(&k->loop, &s->lfd) < 0)
		goto err_close;
	log_debug("listening on %s port %u%s%s", ipaddr_str(&s->local, a), s->port,
		  s->vrf[0] ? " in vrf " : "", s->vrf);
	return 0;

err_close:
	close(fd);
err:
	log_err("cannot listen on %s port %u%s%s: %s", ipaddr_str(&s->local, a), s->port,
		s->vrf[0] ? " in vrf " : "", s->vrf, strerror(errno));
	s->lfd.fd = -1;
	return -1;
}

static bool have_local(const struct keyer *k, const struct cfg_tunnel *t)
{
	size_t i;

	for (i = 0; i < k->nsocks; i++)
		if (ipaddr_equal(&k->socks[i].local, &t->local) &&
		    !strcmp(k->socks[i].vrf, t->fvrf))
			return true;
	return false;
}

/* How many local addresses of the tunnels and templates have no socket yet. */
static size_t missing_locals(const struct keyer *k)
{
	const struct config *cfg = k->cfg;
	size_t i, j, n = 0;

	for (i = 0; i < cfg->ntunnels + cfg->ntemplates; i++) {
		const struct cfg_tunnel *t = i < cfg->ntunnels ? &cfg->tunnels[i] :
					     &cfg->templates[i - cfg->ntunnels];
		bool dup = have_local(k, t);

		for (j = 0; j < i && !dup; j++) {
			const struct cfg_tunnel *u = j < cfg->ntunnels ? &cfg->tunnels[j] :
						     &cfg->templates[j - cfg->ntunnels];

			dup = ipaddr_equal(&u->local, &t->local) && !strcmp(u->fvrf, t->fvrf);
		}
		n += !dup;
	}
	return n;
}

/*
 * Two sockets per distinct local address (and front-door VRF) of the
 * tunnels and templates.
 * Called again on reload (SIGHUP) to add the new addresses' sockets; those
 * of addresses no longer configured stay open until the daemon stops
 * (an SA being deleted may still need one for its DELETE).  The array is
 * reallocated by copy, and the loop is told where each socket now is.
 */
int net_update(struct keyer *k)
{
	const struct config *cfg = k->cfg;
	size_t n = k->nsocks + 2 * missing_locals(k), i, p;
	struct net_sock *socks;
	int rc = 0;

	if (n == k->nsocks && k->socks)
		return 0;
	socks = calloc(n ? n : 1, sizeof(*socks));
	if (!socks)
		return -1;
	for (i = 0; i < k->nsocks; i++) {
		loop_del(&k->loop, &k->socks[i].lfd);
		socks[i] = k->socks[i];
		if (loop_add(&k->loop, &socks[i].lfd) < 0)
			rc = -1;
	}
	free(k->socks);
	k->socks = socks;
	for (i = 0; i < cfg->ntunnels + cfg->ntemplates; i++) {
		const struct cfg_tunnel *t = i < cfg->ntunnels ? &cfg->tunnels[i] :
					     &cfg->templates[i - cfg->ntunnels];

		if (have_local(k, t))
			continue;
		for (p = 0; p < 2; p++) {
			struct net_sock *s = &k->socks[k->nsocks];

			s->local = t->local;
			memcpy(s->vrf, t->fvrf, sizeof(s->vrf));
			s->natt = p == 1;
			s->port = s->natt ? cfg->natt_port : cfg->ike_port;
			if (open_one(k, s) < 0)
				return -1;
			k->nsocks++;
		}
	}
	return rc;
}

int net_open(struct keyer *k)
{
	return net_update(k);
}

void net_close(struct keyer *k)
{
	size_t i;

	for (i = 0; i < k->nsocks; i++) {
		loop_del(&k->loop, &k->socks[i].lfd);
		close(k->socks[i].lfd.fd);
	}
	free(k->socks);
	k->socks = NULL;
	k->nsocks = 0;
}

static struct net_sock *find_sock(struct keyer *k, const char *vrf, const struct ipaddr *local,
				  uint16_t port)
{
	char a[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < k->nsocks; i++)
		if (k->socks[i].port == port && ipaddr_equal(&k->socks[i].local, local) &&
		    !strcmp(k->socks[i].vrf, vrf))
			return &k->socks[i];
	log_warn("no socket for %s port %u%s%s", ipaddr_str(local, a), port,
		 vrf[0] ? " in vrf " : "", vrf);
	return NULL;
}

/* The NAT-T socket of @local in @vrf, for the module to hook (ESP in UDP). */
int net_natt_fd(struct keyer *k, const char *vrf, const struct ipaddr *local)
{
	struct net_sock *s = find_sock(k, vrf, local, k->cfg->natt_port);

	return s ? s->lfd.fd : -1;
}

/* A NAT-keepalive (RFC 3948 2.3): one 0xff byte, no non-ESP marker. */
int net_keepalive(struct keyer *k, const char *vrf, const struct ipaddr *local,
		  const struct ipaddr *remote, uint16_t rport)
{
	static const uint8_t ka = 0xff;
	struct net_sock *s = find_sock(k, vrf, local, k->cfg->natt_port);
	struct sockaddr_storage to;
	socklen_t tl = to_sockaddr(remote, rport, &to);
	char a[ADDR_STRLEN];

	if (!s)
		return -1;
	if (sendto(s->lfd.fd, &ka, 1, MSG_DONTWAIT, (struct sockaddr *)&to, tl) < 0) {
		log_debug("NAT-keepalive to %s port %u: %s", ipaddr_str(remote, a), rport,
			  strerror(errno));
		return -1;
	}
	k->st.keepalives++;
	return 0;
}

int net_send(struct keyer *k, const char *vrf, const struct ipaddr *local, uint16_t lport,
	     const struct ipaddr *remote, uint16_t rport, const struct buf *msg)
{
	struct sockaddr_storage to;
	struct iovec iov[2];
	struct msghdr mh = { .msg_name = &to, .msg_iov = iov };
	struct net_sock *s = find_sock(k, vrf, local, lport);
	char a[ADDR_STRLEN];

	if (!s)
		return -1;
	mh.msg_namelen = to_sockaddr(remote, rport, &to);
	if (s->natt) {
		iov[mh.msg_iovlen].iov_base = (void *)non_esp_marker;
		iov[mh.msg_iovlen++].iov_len = sizeof(non_esp_marker);
	}
	iov[mh.msg_iovlen].iov_base = msg->data;
	iov[mh.msg_iovlen++].iov_len = msg->len;
	if (sendmsg(s->lfd.fd, &mh, MSG_DONTWAIT) < 0) {
		log_warn("send to %s port %u: %s", ipaddr_str(remote, a), rport, strerror(errno));
		return -1;
	}
	k->st.tx++;
	return 0;
}
