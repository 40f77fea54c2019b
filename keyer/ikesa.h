/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the state of IKE and CHILD SAs.
 *
 * Declared ahead of the code that drives it (the exchange state machine,
 * message layer, timers and kernel backend come next), so the pieces that
 * exist now have a fixed place to hang from:
 *
 *  - Message IDs (RFC 7296 2.3) with a window of one in each direction: an
 *    IKE SA has at most one request of ours outstanding (->active, with its
 *    retransmit timer) and queues the rest (->queue: a CHILD rekey waiting
 *    behind a DPD probe, a DELETE behind a rekey); independently it answers
 *    the peer's requests in order and keeps the last answer
 *    (->last_response) to resend, unprocessed, when the request is
 *    retransmitted (2.1).
 *  - Timers are embedded per SA (struct timer) and kept in one heap
 *    ordered by deadline; one timerfd in the epoll loop is armed for the
 *    earliest.  Nothing polls.
 *  - Everything secret (keys, nonces, DH secrets) is a struct buf or sits
 *    in OpenSSL, so freeing an SA wipes it.
 *
 * Lifetime rule: the daemon owns every ike_sa in one table (hashed by
 * SPIi, and by SPIr once known); a child_sa belongs to exactly one ike_sa
 * and dies with it (its kernel SAs are deleted first).  Destroying an SA
 * (sa_destroy) unlinks it and removes its kernel SAs at once but frees it
 * only when the loop unwinds (IKE_S_DEAD on keyer->dead), so a handler
 * that destroys the SA it was called for may still send its last answer
 * with its keys.  Single-threaded: no locks.
 */
#ifndef KEYER_IKESA_H
#define KEYER_IKESA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "payload.h"
#include "proposal.h"

struct keyer;

struct timer {
	uint64_t	  when_ms;	/* CLOCK_MONOTONIC deadline; 0 = not armed */
	size_t		  heap_index;	/* position in the timer heap */
	void		(*fire)(struct timer *t);	/* container_of() to the SA */
};

enum ike_role { IKE_ROLE_INITIATOR, IKE_ROLE_RESPONDER };

enum ike_state {
	IKE_S_INIT_SENT,	/* initiator: IKE_SA_INIT request out */
	IKE_S_INIT_DONE,	/* responder: answered IKE_SA_INIT (half-open) */
	IKE_S_AUTH_SENT,	/* initiator: IKE_AUTH request out */
	IKE_S_ESTABLISHED,
	IKE_S_REKEYED,		/* replaced by a new IKE SA, waiting for DELETE */
	IKE_S_DELETING,		/* our DELETE is out */
	IKE_S_DEAD,		/* to be freed once the loop unwinds */
};

enum ike_xchg_kind {
	XCHG_IKE_SA_INIT, XCHG_IKE_AUTH, XCHG_CHILD_CREATE, XCHG_CHILD_REKEY,
	XCHG_IKE_REKEY, XCHG_DELETE_CHILD, XCHG_DELETE_IKE, XCHG_LIVENESS,
	XCHG_INVALID_SPI, XCHG_AUTH_FAILED, XCHG_DPD,
};

/* One request of ours: sent (->active) or waiting for the window. */
struct ike_xchg {
	enum ike_xchg_kind	 kind;
	struct ike_sa		*ike;
	uint32_t		 msgid;
	struct buf		*request;	/* as sent, for retransmission */
	unsigned int		 tries;		/* 4 s * 1.8^n, give up after 5 */
	uint32_t		 retry_ms;	/* DPD: a fixed interval instead */
	unsigned int		 max_tries;	/* DPD: retransmissions instead */
	struct timer		 retransmit;
	struct child_sa		*child;		/* the CHILD SA concerned */
	struct buf		*nonce;		/* CREATE_CHILD_SA in flight */
	struct dh		*dh;		/* PFS or IKE rekey in flight */
	uint32_t		 spi;		/* inbound SPI reserved for it */
	struct ike_sa		*new_sa;	/* IKE rekey: the SA it makes */
	uint16_t		 rekey_dh;	/* IKE rekey: group INVALID_KE_PAYLOAD asked for */
	bool			 idle;		/* DELETE of an idle CHILD SA */
	TAILQ_ENTRY(ike_xchg)	 entry;
};

enum child_state {
	CHILD_S_INSTALLING,	/* SPI reserved, waiting for the exchange */
	CHILD_S_INSTALLED,
	CHILD_S_REKEYING,	/* a successor is being negotiated */
	CHILD_S_DELETING,	/* our DELETE is out, or rekeyed and retiring */
};

struct child_sa {
	enum child_state	 state;
	struct ike_sa		*ike;
	uint32_t		 spi_in, spi_out;	/* host order */
	uint32_t		 kid_in, kid_out;	/* kernel SA ids (KVTI_A_SA_ID) */
	bool			 spi_reserved;		/* spi_in from the backend */
	struct ike_suite	 suite;
	struct esp_kernel_alg	 alg;
	char			 algs[96];		/* the chosen proposal, printed */
	uint64_t		 created_ms;
	struct ike_ts		 tsi[IKE_MAX_TS], tsr[IKE_MAX_TS];	/* as agreed */
	size_t			 ntsi, ntsr;
	struct child_sa		*replaces;		/* make-before-break rekey */
	uint32_t		 replaces_spi;		/* its spi_in, kept when it is gone */
	bool			 we_initiated;		/* of the exchange that made it */
	bool			 out_installed;		/* kid_out is a kernel SA */
	bool			 redundant;		/* lost a rekey collision (2.8.1) */
	struct buf		*pending_out;		/* rekey responder: outbound keys held
							 * until the old SA goes (rekey.c) */
	struct buf		*min_nonce;		/* lowest nonce of that exchange (2.8.1) */
	uint16_t		 rekey_dh;		/* PFS group of our next rekey request */
	struct timer		 retire;		/* rekeyed: kernel SAs go at the deadline */
	struct timer		 out_wait;		/* pending_out installed at the latest */
	struct timer		 retry;			/* rekey again after TEMPORARY_FAILURE */
	LIST_ENTRY(child_sa)	 entry;			/* ike_sa->children */
};

struct ike_sa {
	struct keyer		*k;
	uint64_t		 ispi, rspi;
	enum ike_role		 role;
	enum ike_state		 state;
	const struct cfg_tunnel	*tunnel;	/* or the template it was accepted by */
	char			 ifname[CFG_IFNAME_MAX];	/* tunnel or clone netdev */
	struct clone		*clone;		/* a template's: the peer's clone */
	size_t			 peer_index;	/* into tunnel->peers: preferred-peer walk */

	struct ipaddr		 local, remote;
	char			 vrf[CFG_IFNAME_MAX];	/* the tunnel's fvrf: which sockets */
	uint16_t		 lport, rport;	/* 500, or 4500 after NAT detection */
	bool			 nat_local, nat_remote;	/* NAT_DETECTION results */
	bool			 encap_set;	/* the tunnel has encap_udp, encap_dport, */
	struct ipaddr		 encap_remote;	/* and (a static tunnel) this remote */
	bool			 encap_udp;	/* (nat.c) */
	uint16_t		 encap_dport;

	struct ike_suite	 suite;
	char			 algs[96];	/* the chosen proposal, printed */
	struct ike_keys		 keys;		/* valid from IKE_SA_INIT on */
	struct dh		*dh;		/* until SKEYSEED is computed */
	struct buf		*ni, *nr;
	struct buf		*init_msg[2];	/* IKE_SA_INIT request, response: AUTH */
	struct buf		*cookie;	/* COOKIE the responder asked for */
	struct ike_id		 local_id, remote_id;
	unsigned int		 init_tries;	/* INVALID_KE_PAYLOAD and COOKIE retries */
	bool			 initial_contact;	/* we sent, or were sent, one */
	bool			 ike_rekeying;	/* our IKE rekey is queued or out */
	uint64_t		 invalid_spi_ms;	/* our last INVALID_SPI notify (rate limit) */

	uint32_t		 next_msgid;	/* of our next request */
	struct ike_xchg		*active;	/* our request awaiting its answer */
	TAILQ_HEAD(, ike_xchg)	 queue;		/* our requests awaiting the window */
	uint32_t		 peer_msgid;	/* of the peer's next request */
	struct buf		*last_response;	/* to peer_msgid - 1 */

	struct timer		 half_open;	/* responder: give up on IKE_AUTH */
	struct timer		 rekey;		/* soft lifetime of the IKE SA */
	struct timer		 dpd;		/* liveness (ike-profile dpd) */
	struct timer		 natka;		/* NAT-keepalives, behind a NAT */
	uint64_t		 created_ms, last_recv_ms;
	unsigned int		 dpd_misses;

	LIST_HEAD(, child_sa)	 children;
	struct ike_sa		*successor;	/* after an IKE rekey */
	struct ike_sa		*rekey_of;	/* until our IKE rekey's answer: the old SA */
	LIST_ENTRY(ike_sa)	 all, by_ispi, by_rspi;	/* keyer's tables; all: or dead */
	bool			 hashed_rspi;
};

#endif /* KEYER_IKESA_H */
