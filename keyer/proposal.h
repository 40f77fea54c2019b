/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - proposals: strongSwan's syntax in the configuration, the
 * choice between ours and the peer's, and the ESP algorithms as the kvti
 * kernel module names them (SPEC 5).
 *
 * A proposal is the wire structure (struct ike_proposal, payload.h): a
 * list of transforms, several per type meaning "any of these".  A config
 * string such as "aes128-aes256-sha256-modp2048-ecp256" is one proposal;
 * a comma-separated list is several, numbered from 1 in order.
 *
 * Choosing (responder): the first of OUR proposals, in configured order,
 * that some proposal of the peer can satisfy; within it, per transform type,
 * the first of our algorithms the peer offers.  This is strongSwan's
 * default (charon.prefer_configured_proposals = yes) and Cisco's (the
 * local policy order decides), and it means the operator's list is a
 * preference order whoever initiates.
 */
#ifndef KEYER_PROPOSAL_H
#define KEYER_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "payload.h"

#define PROPOSAL_MAX		16	/* configured proposals per profile */

#define PROPOSAL_DEFAULT_IKE	"aes256gcm16-prfsha384-ecp384, aes256-sha256-modp2048"
#define PROPOSAL_DEFAULT_ESP	"aes256gcm16, aes256-sha256"

enum proposal_flags {
	PROP_SKIP_DH	= 1 << 0,	/* CHILD SA in IKE_AUTH: DH transforms ignored (1.2) */
	PROP_IKE_REKEY	= 1 << 1,	/* IKE proposals carry an 8-byte SPI (2.18) */
};

/* The outcome of a negotiation. */
struct proposal_choice {
	struct ike_proposal	reply;		/* to send back: peer's number, one
						 * transform per type; SPI to fill in */
	struct ike_suite	suite;		/* the same, decoded */
	uint8_t			peer_spi_size;
	uint8_t			peer_spi[IKE_MAX_SPI_SIZE];
	size_t			ours;		/* index of our proposal that matched */
};

/* What SA_NEW needs (uapi/linux/kvti.h): names and key sizes for ESP. */
struct esp_kernel_alg {
	const char	*aead;		/* KVTI_A_SA_AEAD_ALG, or NULL */
	const char	*enc;		/* KVTI_A_SA_ENC_ALG (non-AEAD) */
	const char	*auth;		/* KVTI_A_SA_AUTH_ALG (non-AEAD) */
	uint16_t	 enc_key_len;	/* KEYMAT bytes, AEAD salt included */
	uint16_t	 auth_key_len;
	uint16_t	 icv_bits;	/* KVTI_A_SA_ICV_BITS */
};

/* proposal.c */
int proposal_parse(const char *text, uint8_t proto, struct ike_proposal *out,
		   char *err, size_t errlen);
int proposal_parse_list(const char *text, uint8_t proto, struct ike_proposal *out,
			size_t max, size_t *n, char *err, size_t errlen);
int proposal_format(const struct ike_proposal *prop, char *out, size_t len);
int proposal_dh_lookup(const char *name);
const char *proposal_dh_name(uint16_t group);
void proposal_set_pfs(struct ike_proposal *props, size_t n, uint16_t group);
uint16_t proposal_first_dh(const struct ike_proposal *ours, size_t n);
bool proposal_offers_dh(const struct ike_proposal *ours, size_t n, uint16_t group);
int proposal_select(const struct ike_proposal *ours, size_t nours,
		    const struct ike_proposal *peer, size_t npeer, unsigned int flags,
		    struct proposal_choice *out);
int proposal_check_reply(const struct ike_proposal *ours, size_t nours,
			 const struct ike_proposal *reply, size_t nreply,
			 unsigned int flags, struct proposal_choice *out);
int proposal_esp_kernel(const struct ike_suite *suite, struct esp_kernel_alg *out);

#endif /* KEYER_PROPOSAL_H */
