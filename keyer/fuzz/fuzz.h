/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both libFuzzer targets do with a parsed message: every typed
 * decoder on every payload it holds, the notify lookups the exchanges
 * make, and the proposal matching an SA payload goes through, against the
 * proposals of a typical configuration.  Whatever a decoder accepts must
 * lie inside the message it came from; a pointer outside is a crash here,
 * on purpose, even where ASan could not see it (the buffer being larger).
 */
#ifndef KEYER_FUZZ_H
#define KEYER_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "proposal.h"

struct fuzz_region {
	const uint8_t	*p;
	size_t		 len;
};

static struct ike_proposal fuzz_ike[PROPOSAL_MAX], fuzz_esp[PROPOSAL_MAX];
static size_t fuzz_nike, fuzz_nesp;

static void fuzz_setup(void)
{
	if (proposal_parse_list("aes256gcm16-prfsha384-ecp384-x25519, "
				"aes128-aes256-sha256-sha384-modp2048-modp3072, "
				"chacha20poly1305-prfsha256-x25519",
				IKE_PROTO_IKE, fuzz_ike, PROPOSAL_MAX, &fuzz_nike, NULL, 0) ||
	    proposal_parse_list("aes256gcm16-esn-noesn, aes128-sha256, chacha20poly1305",
				IKE_PROTO_ESP, fuzz_esp, PROPOSAL_MAX, &fuzz_nesp, NULL, 0))
		abort();
}

/* [p, p + len) inside one of the regions, or abort. */
static void fuzz_inside(const uint8_t *p, size_t len, const struct fuzz_region *r, size_t nr)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; i < nr; i++)
		if (p >= r[i].p && p <= r[i].p + r[i].len && len <= (size_t)(r[i].p + r[i].len - p))
			return;
	abort();
}

static void fuzz_decode_all(const struct ike_msg *m, const struct fuzz_region *r, size_t nr)
{
	static struct ike_sa_payload sa;
	static struct proposal_choice choice;
	struct ike_ts_payload ts;
	struct ike_id_payload id;
	struct ike_notify n;
	struct ike_delete d;
	struct ike_auth auth;
	struct chunk nonce;
	struct ike_ke ke;
	size_t i;

	for (i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];

		fuzz_inside(pl->body, pl->len, r, nr);
		switch (pl->type) {
		case IKE_PL_SA:
			if (ike_parse_sa(pl, &sa) == IKE_OK) {
				if (sa.nprop > IKE_MAX_PROPOSALS)
					abort();
				proposal_select(fuzz_ike, fuzz_nike, sa.prop, sa.nprop, 0, &choice);
				proposal_select(fuzz_ike, fuzz_nike, sa.prop, sa.nprop,
						PROP_IKE_REKEY, &choice);
				proposal_select(fuzz_esp, fuzz_nesp, sa.prop, sa.nprop,
						PROP_SKIP_DH, &choice);
				proposal_check_reply(fuzz_ike, fuzz_nike, sa.prop, sa.nprop, 0,
						     &choice);
				proposal_check_reply(fuzz_esp, fuzz_nesp, sa.prop, sa.nprop,
						     PROP_SKIP_DH, &choice);
			}
			break;
		case IKE_PL_KE:
			if (ike_parse_ke(pl, &ke) == IKE_OK)
				fuzz_inside(ke.data, ke.len, r, nr);
			break;
		case IKE_PL_NONCE:
			if (ike_parse_nonce(pl, &nonce) == IKE_OK)
				fuzz_inside(nonce.p, nonce.len, r, nr);
			break;
		case IKE_PL_IDi:
		case IKE_PL_IDr:
			if (ike_parse_id(pl, &id) == IKE_OK) {
				fuzz_inside(id.data, id.len, r, nr);
				fuzz_inside(id.body, id.body_len, r, nr);
			}
			break;
		case IKE_PL_AUTH:
			if (ike_parse_auth(pl, &auth) == IKE_OK)
				fuzz_inside(auth.data, auth.len, r, nr);
			break;
		case IKE_PL_NOTIFY:
			if (ike_parse_notify(pl, &n) == IKE_OK) {
				fuzz_inside(n.spi, n.spi_size, r, nr);
				fuzz_inside(n.data, n.len, r, nr);
			}
			break;
		case IKE_PL_DELETE:
			if (ike_parse_delete(pl, &d) == IKE_OK)
				fuzz_inside(d.spis, (size_t)d.nspi * d.spi_size, r, nr);
			break;
		case IKE_PL_TSi:
		case IKE_PL_TSr:
			if (ike_parse_ts(pl, &ts) == IKE_OK && (ts.nts == 0 || ts.nts > IKE_MAX_TS))
				abort();
			break;
		}
	}
	/* What the exchanges look up by type. */
	ike_msg_find_notify(m, IKE_N_COOKIE, &n);
	ike_msg_find_notify(m, IKE_N_INVALID_KE_PAYLOAD, &n);
	ike_msg_find_notify(m, IKE_N_NAT_DETECTION_SOURCE_IP, &n);
	ike_msg_find_notify(m, IKE_N_INITIAL_CONTACT, &n);
	if (ike_msg_count(m, IKE_PL_SA) > m->npl)
		abort();
}

#endif /* KEYER_FUZZ_H */
