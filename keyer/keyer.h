/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the daemon: what its files share, grouped by the file that
 * defines it.  The shape is iked's: one epoll loop (loop.c) with one
 * timerfd for every timer and a signalfd; UDP sockets (net.c); the message
 * layer with message IDs, retransmission and the response cache (msg.c);
 * one file per exchange (init.c, auth.c, child.c, info.c); the SA table
 * (sa.c); the kernel backend (backend.h); the control socket (control.c).
 * Single-threaded throughout.
 */
#ifndef KEYER_KEYER_H
#define KEYER_KEYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "backend.h"
#include "ikesa.h"
#include "json.h"
#include "log.h"
#include "payload.h"
#include "timer.h"

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SA_BUCKETS		256
#define IKE_NONCE_LEN		32	/* ours: 2.10 wants at least half the PRF key */
#define HALF_OPEN_MS		30000	/* responder: IKE_AUTH must follow by then */
#define STALE_INIT_MS		2000	/* a new IKE_SA_INIT older than this is shed (msg.c) */
#define SHUTDOWN_MS		2000	/* DELETEs out, answers awaited at most this */
#define MSG_MAX			65535
#define COOKIE_HALF_OPEN	32	/* half-open SAs before cookies (no max-half-open) */
#define COOKIE_SECRET_MS	300000	/* a cookie secret's life; the one before stays valid */
#define COOKIE_LEN		17	/* secret version + 16 bytes of HMAC */
#define UNPROTECTED_BURST	10	/* INVALID_IKE_SPI, INVALID_MAJOR_VERSION: at once */
#define UNPROTECTED_GAP_MS	100	/* ... and one per this after a burst */

/* Why a datagram was dropped; counted, shown by `stats`. */
enum drop_reason {
	DROP_SHORT,		/* not even an IKE header */
	DROP_NOT_IKE,		/* on the NAT-T port without the non-ESP marker */
	DROP_HEADER,		/* version, length */
	DROP_PARSE,		/* payload chain */
	DROP_NO_SA,		/* SPIs of no IKE SA of ours */
	DROP_MSGID,		/* outside the window */
	DROP_UNEXPECTED,	/* a response to nothing outstanding */
	DROP_DECRYPT,		/* SK payload failed its integrity check */
	DROP_STATE,		/* exchange not valid in the SA's state */
	DROP_NO_TUNNEL,		/* IKE_SA_INIT from an address no tunnel has */
	DROP_EXCHANGE,		/* an exchange type we do not do */
	DROP_ADMISSION,		/* max-ike-sa or max-half-open reached */
	DROP_TESTING,		/* --drop-responses */
	DROP_STALE,		/* new IKE_SA_INIT queued too long: the peer has sent it again */
	DROP_MAX
};

struct keyer_stats {
	uint64_t	rx, tx;
	uint64_t	rx_overflow;	/* datagrams the kernel dropped: socket queue full */
	uint64_t	retransmits;	/* our requests sent again */
	uint64_t	replays;	/* peer's retransmissions answered from the cache */
	uint64_t	give_ups;	/* requests that exhausted their retransmissions */
	uint64_t	unprotected;	/* INVALID_IKE_SPI / INVALID_MAJOR_VERSION sent */
	uint64_t	unprotected_limited;	/* ... not sent: over the rate limit */
	uint64_t	cookies_sent;	/* IKE_SA_INIT answered with a COOKIE (2.6) */
	uint64_t	cookies_bad;	/* ... came back with one that did not verify */
	uint64_t	dead_peers;	/* declared dead by DPD */
	uint64_t	keepalives;	/* NAT-keepalives sent (RFC 3948 2.3) */
	uint64_t	floats;		/* peers followed to a new address or port */
	uint64_t	clones_created;	/* dynamic VTIs cloned for a peer */
	uint64_t	clones_refused;	/* ... refused (identity, kernel) */
	uint64_t	drops[DROP_MAX];
};

/* An fd in the loop: ready() runs when epoll reports it. */
struct loop_fd {
	int	  fd;
	void	(*ready)(struct loop_fd *lf, uint32_t events);
};

struct loop {
	int			epfd, tfd;
	struct loop_fd		tlfd;
	struct timer_heap	timers;
	uint64_t		armed_ms;	/* what the timerfd is set to; 0 = off */
	bool			stop;
};

/* A received datagram, marker stripped, and where it came from and to. */
struct packet {
	const char	*vrf;		/* the receiving socket's fvrf, "" = none */
	struct ipaddr	 local, remote;
	uint16_t	 lport, rport;
	const uint8_t	*data;
	size_t		 len;
	uint32_t	 age_ms;	/* how long it waited in the socket's queue */
};

struct net_sock {
	struct loop_fd	 lfd;
	struct keyer	*k;
	struct ipaddr	 local;
	char		 vrf[CFG_IFNAME_MAX];	/* bound to this VRF device; "" = none */
	uint16_t	 port;
	bool		 natt;		/* prefix the non-ESP marker */
	uint32_t	 ovfl;		/* SO_RXQ_OVFL: the kernel's drops so far */
};

struct control;
struct peer_walk;

/* clone.c: a dynamic VTI's clone of its template for one peer. */
#define CLONE_ROUTES_MAX	32
struct clone {
	LIST_ENTRY(clone)	 entry;		/* keyer->clones */
	char			 ifname[CFG_IFNAME_MAX];
	char			 tmpl[CFG_IFNAME_MAX];	/* by name: reloads replace configs */
	struct ipaddr		 peer;
	uint16_t		 port;		/* the peer's, behind a NAT; else 0 */
	unsigned int		 refs;		/* IKE SAs on it */
	uint32_t		 table;		/* of its routes */
	struct ipprefix		 routes[CLONE_ROUTES_MAX];	/* injected */
	size_t			 nroutes;
};

struct keyer {
	struct config		*cfg;
	struct loop		 loop;
	struct loop_fd		 sig;
	const struct backend_ops *be;
	void			*be_ctx;
	struct net_sock		*socks;
	size_t			 nsocks;
	struct control		*ctl;
	LIST_HEAD(, ike_sa)	 sas;		/* every live SA, oldest last */
	LIST_HEAD(, ike_sa)	 dead;		/* freed once the loop unwinds */
	LIST_HEAD(, clone)	 clones;	/* dynamic VTIs (clone.c) */
	LIST_HEAD(, ike_sa)	 by_ispi[SA_BUCKETS], by_rspi[SA_BUCKETS];
	bool			 passive;	/* initiate only when told (control up) */
	bool			 stopping;
	unsigned int		 drop_responses;	/* testing: ignore the first N */
	unsigned int		 drop_create_child;	/* testing: ... CREATE_CHILD_SA requests */
	bool			 delete_after_rekey;	/* testing: as a peer of strongSwan #1458 */
	bool			 rekey_twice;		/* testing: as a peer of strongSwan #2945 */
	struct timer		 stop_timer;
	uint8_t			 cookie_secret[2][32];	/* [version & 1]; init.c */
	uint8_t			 cookie_version;	/* of the current secret; 0 = none yet */
	uint64_t		 cookie_secret_ms;	/* when it was made */
	unsigned int		 unprot_tokens;	/* rate limit of msg.c's unprotected notifies */
	uint64_t		 unprot_ms;	/* when the bucket was last filled */
	struct keyer_stats	 st;
	char			*cfg_path;	/* absolute; read again on SIGHUP */
	struct config		**retired;	/* replaced, still used by SAs */
	struct peer_walk	*walks;		/* peer.c: each tunnel's current peer */
	size_t			 nwalks;
	size_t			 nretired;
};

/* loop.c */
int loop_init(struct loop *l);
void loop_fini(struct loop *l);
int loop_add(struct loop *l, struct loop_fd *lf);
void loop_del(struct loop *l, struct loop_fd *lf);
uint64_t loop_now(void);
int timer_set(struct loop *l, struct timer *t, uint64_t delay_ms);
void timer_stop(struct loop *l, struct timer *t);
int loop_run(struct loop *l, void (*after)(void *arg), void *arg);

/* net.c */
int net_open(struct keyer *k);
int net_update(struct keyer *k);
void net_close(struct keyer *k);
void net_drops_refresh(struct keyer *k);
int net_send(struct keyer *k, const char *vrf, const struct ipaddr *local, uint16_t lport,
	     const struct ipaddr *remote, uint16_t rport, const struct buf *msg);
int net_natt_fd(struct keyer *k, const char *vrf, const struct ipaddr *local);
int net_keepalive(struct keyer *k, const char *vrf, const struct ipaddr *local, const struct ipaddr *remote,
		  uint16_t rport);

/* nat.c: NAT traversal */
void nat_float(struct ike_sa *sa);
int nat_encap_sync(struct ike_sa *sa);
void nat_encap_of(struct ike_sa *sa, struct kernel_encap *e);
void nat_follow(struct ike_sa *sa, const struct packet *pkt);
void nat_keepalive_arm(struct ike_sa *sa);
void nat_keepalive_fire(struct timer *t);

/* msg.c */
enum msg_window { WIN_NEW, WIN_RETRANSMIT, WIN_DROP };
enum msg_window msg_window(uint32_t peer_msgid, bool cached, uint32_t msgid);
uint64_t msg_retransmit_delay(uint32_t base_ms, unsigned int n);
void msg_recv(struct keyer *k, const struct packet *pkt);
struct ike_xchg *xchg_new(struct ike_sa *sa, enum ike_xchg_kind kind);
void xchg_free(struct ike_xchg *x);
void msg_queue(struct ike_sa *sa, struct ike_xchg *x);
void msg_kick(struct ike_sa *sa);
int msg_send_plain(struct keyer *k, const struct packet *pkt, const struct ike_header *req,
		   uint16_t notify, const void *data, size_t len);
const char *exchange_name(uint8_t type);
const char *notify_name(uint16_t type);

/* sa.c */
struct ike_sa *sa_new(struct keyer *k, enum ike_role role, const struct cfg_tunnel *t,
		      const struct ipaddr *local, const struct ipaddr *remote, uint64_t ispi);
void sa_set_rspi(struct ike_sa *sa, uint64_t rspi);
struct ike_sa *sa_lookup(struct keyer *k, const struct ike_header *h,
			 const struct ipaddr *remote);
const struct cfg_tunnel *sa_tunnel_for(struct keyer *k, const char *vrf,
				       const struct ipaddr *local,
				       const struct ipaddr *remote);
int sa_initiate(struct keyer *k, const struct cfg_tunnel *t);
void sa_established(struct ike_sa *sa);
void sa_crossed(struct ike_sa *sa);
void sa_delete(struct ike_sa *sa);
void sa_destroy(struct ike_sa *sa, const char *why);
void sa_reap(struct keyer *k);
bool sa_first_to_peer(const struct ike_sa *sa);
size_t sa_initial_contact(struct ike_sa *sa);
const char *sa_name(const struct ike_sa *sa);
const char *sa_peer(const struct ike_sa *sa, char *out);
void sa_show(struct keyer *k, struct json *j);
bool sa_never_initiates(const struct ike_sa *sa);
bool sa_same_endpoint(const struct ike_sa *a, const struct ike_sa *b);

/* clone.c */
int clone_attach(struct ike_sa *sa);
void clone_share(struct ike_sa *old, struct ike_sa *n);
void clone_moved(struct clone *cl, const struct ipaddr *peer, uint16_t port);
void clone_detach(struct ike_sa *sa);
void clone_routes(struct ike_sa *sa, const struct child_sa *c);
void clone_show(const struct ike_sa *sa, struct json *j);
void kernel_event(struct keyer *k, const struct backend_event *ev);

/* init.c: IKE_SA_INIT */
struct buf *nonce_new(void);
int init_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b);
void init_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg);
void init_respond(struct keyer *k, const struct packet *pkt, const struct ike_msg *msg);

/* auth.c: IKE_AUTH with PSK */
int auth_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b);
void auth_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg);
int auth_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b);

/* The SA and TS payloads of a message, decoded; heap: they are large. */
struct child_payloads {
	struct ike_sa_payload	sa;
	struct ike_ts_payload	tsi, tsr;
};

/* child.c: CHILD SAs, traffic selectors, the backend */
int child_parse(const struct ike_msg *msg, struct child_payloads *cp);
bool child_take_ts(struct child_sa *c, const struct child_payloads *cp, bool we_initiated);
size_t child_proposals(const struct cfg_ipsec_profile *p, uint32_t spi, bool with_dh,
		       uint16_t dh, struct ike_proposal *out);
int child_install(struct ike_sa *sa, struct child_sa *c, struct chunk gir, struct chunk ni,
		  struct chunk nr, bool hold_out);
int child_install_out(struct child_sa *c);
int nonce_cmp(struct chunk a, struct chunk b);
uint64_t life_soft(uint64_t hard);
uint64_t delay_jittered(uint64_t base);
struct child_sa *child_new(struct ike_sa *sa);
void child_free(struct child_sa *c);
void child_delete(struct child_sa *c, const char *why);
struct child_sa *child_by_spi_out(struct ike_sa *sa, uint32_t spi);
struct child_sa *child_by_spi_in(struct ike_sa *sa, uint32_t spi);
int child_add_request(struct ike_sa *sa, struct child_sa *c, struct ike_builder *b);
uint16_t child_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b);
uint16_t child_response(struct ike_sa *sa, struct child_sa *c, const struct ike_msg *msg);
size_t ts_narrow(const struct ike_ts *policy, size_t npolicy, const struct ike_ts *peer,
		 size_t npeer, struct ike_ts *out, size_t max);
size_t ts_any(struct ike_ts *out);
size_t ts_policy(const struct ike_sa *sa, bool ours, struct ike_ts *out);
const char *ts_str(const struct ike_ts *ts, char *out, size_t len);

/* rekey.c: CREATE_CHILD_SA for CHILD SAs */
int rekey_child(struct child_sa *old, const char *why);
int child_create(struct ike_sa *sa, const char *why);
bool child_live(const struct ike_sa *sa);
int rekey_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b);
void rekey_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg);
int rekey_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b);
void rekey_retire(struct child_sa *c);
void rekey_retire_deleted(struct child_sa *c);
bool rekey_succeeded(const struct child_sa *c);
bool rekey_replaced(const struct child_sa *c);
void rekey_successor_out(struct child_sa *old);
void rekey_retire_fire(struct timer *t);
void rekey_out_wait_fire(struct timer *t);
void rekey_retry_fire(struct timer *t);

/* ikerekey.c: CREATE_CHILD_SA for the IKE SA */
void ike_rekey_arm(struct ike_sa *sa);
int ike_rekey(struct ike_sa *sa, const char *why);
void ike_rekey_fire(struct timer *t);
int ike_rekey_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b);
void ike_rekey_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg);
uint16_t ike_rekey_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b);

/* dpd.c: dead peer detection */
void dpd_arm(struct ike_sa *sa, uint64_t delay_ms);
void dpd_fire(struct timer *t);
void dpd_dead(struct ike_sa *sa);

/* peer.c: the preferred-peer walk */
size_t peer_current(struct keyer *k, const struct cfg_tunnel *t);
void peer_up(struct keyer *k, const struct cfg_tunnel *t);
bool peer_failed(struct keyer *k, const struct cfg_tunnel *t);
void peer_reset(struct keyer *k, const struct cfg_tunnel *t, bool dead);
void peer_free(struct keyer *k);

/* info.c: INFORMATIONAL */
int info_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b);
void info_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg);
int info_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b);

/* dump.c: the fuzzer's seed corpus (a no-op unless built with -DKEYER_DUMP) */
void dump_datagram(const uint8_t *p, size_t len);
void dump_inner(uint8_t first, const uint8_t *p, size_t len);

/* reload.c: SIGHUP */
void reload(struct keyer *k, const char *path);
void reload_reap(struct keyer *k);

/* notify.c: systemd's $NOTIFY_SOCKET, if any */
void notify(const char *state);

/* control.c */
int control_open(struct keyer *k, const char *path);
void control_close(struct keyer *k);

#endif /* KEYER_KEYER_H */
