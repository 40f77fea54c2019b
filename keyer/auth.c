// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - IKE_AUTH with pre-shared keys (RFC 7296 1.2, 2.15), both
 * roles, carrying the first CHILD SA (child.c).  The keyring entry is
 * chosen by the peer's address and, once its IDi/IDr is known, identity
 * (config_find_psk); the initiator signs with the local key and checks
 * the responder with the remote one, as IOS "pre-shared-key local/remote".
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keyer.h"

/* Ours: the profile's local-id, or the address we speak from. */
static void set_local_id(struct ike_sa *sa)
{
	const struct ike_id *cfg = &sa->tunnel->ike->local_id;

	if (cfg->type == IKE_ID_ANY)
		ike_id_from_addr(&sa->local_id, &sa->local);
	else
		sa->local_id = *cfg;
}

/* RestOfIDPayload (2.15): what prf(SK_p, ...) covers. */
static size_t id_body(const struct ike_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + (size_t)id->len;
}

/* Our AUTH: over our IKE_SA_INIT message, the peer's nonce and our ID. */
static int sign(struct ike_sa *sa, const struct cfg_psk *psk, uint8_t *out)
{
	bool init = sa->role == IKE_ROLE_INITIATOR;
	uint8_t body[4 + IKE_ID_MAX];
	size_t len = id_body(&sa->local_id, body);

	return crypto_psk_auth(sa->keys.prf, chunk_of(psk->local), chunk_of(sa->init_msg[!init]),
			       chunk_of(init ? sa->nr : sa->ni), init ? sa->keys.pi : sa->keys.pr,
			       (struct chunk){ body, len }, out);
}

/* The peer's AUTH: over its IKE_SA_INIT message, our nonce and its ID. */
static bool verify(struct ike_sa *sa, const struct cfg_psk *psk, const struct ike_id_payload *id,
		   const struct ike_auth *auth)
{
	bool init = sa->role == IKE_ROLE_INITIATOR;

	if (auth->method != IKE_AUTH_SHARED_KEY_MIC)
		return false;
	return crypto_psk_verify(sa->keys.prf, chunk_of(psk->remote),
				 chunk_of(sa->init_msg[init]), chunk_of(init ? sa->ni : sa->nr),
				 init ? sa->keys.pr : sa->keys.pi,
				 (struct chunk){ id->body, id->body_len }, auth->data, auth->len);
}

/*
 * Who the peer says it is, whether the profile accepts that identity, and
 * whether its AUTH proves it.  NULL if all is well, else why not (logged,
 * never sent: the peer learns only AUTHENTICATION_FAILED).
 */
static const char *authenticate(struct ike_sa *sa, const struct ike_msg *msg, uint8_t id_type)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	const struct ike_payload *pl_id = ike_msg_find(msg, id_type, NULL);
	const struct ike_payload *pl_auth = ike_msg_find(msg, IKE_PL_AUTH, NULL);
	const struct cfg_psk *psk;
	struct ike_id_payload id;
	struct ike_auth auth;

	if (!pl_id || ike_parse_id(pl_id, &id) ||
	    ike_id_from_wire(&sa->remote_id, id.type, id.data, id.len) < 0)
		return "no usable identity";
	if (!pl_auth || ike_parse_auth(pl_auth, &auth))
		return "no AUTH payload (EAP is not supported)";
	if (!ike_id_match(&ike->remote_id, &sa->remote_id))
		return "identity not accepted by the ike-profile's remote-id";
	psk = config_find_psk(ike->keyring, &sa->remote, &sa->remote_id);
	if (!psk)
		return "no pre-shared key for this peer and identity";
	if (auth.method != IKE_AUTH_SHARED_KEY_MIC)
		return "not a pre-shared key AUTH method";
	if (!verify(sa, psk, &id, &auth))
		return "AUTH does not verify (pre-shared keys differ?)";
	return NULL;
}

static void log_auth_failure(struct ike_sa *sa, const char *why)
{
	char p[ADDR_STRLEN + 8], id[IKE_ID_STRLEN];

	log_info("auth failed %s peer %s id %s: %s", sa_name(sa), sa_peer(sa, p),
		 sa->remote_id.type ? ike_id_str(&sa->remote_id, id, sizeof(id)) : "?", why);
}

int auth_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	const struct ike_id *rid = &ike->remote_id;
	uint8_t mac[CRYPTO_MAX_PRF_LEN];
	const struct cfg_psk *psk;
	struct child_sa *c;
	int rc;

	set_local_id(sa);
	psk = config_find_psk(ike->keyring, &sa->remote,
			      rid->type != IKE_ID_ANY && !rid->wildcard ? rid : NULL);
	if (!psk || sign(sa, psk, mac) < 0)
		goto err_wipe;
	c = child_new(sa);
	if (!c)
		goto err_wipe;
	x->child = c;
	ike_add_id(b, IKE_PL_IDi, sa->local_id.type, sa->local_id.data, sa->local_id.len);
	if (sa_first_to_peer(sa)) {
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
		sa->initial_contact = true;
	}
	if (rid->type != IKE_ID_ANY && !rid->wildcard)
		ike_add_id(b, IKE_PL_IDr, rid->type, rid->data, rid->len);
	ike_add_auth(b, IKE_AUTH_SHARED_KEY_MIC, mac, sa->keys.prf->len);
	OPENSSL_cleanse(mac, sizeof(mac));
	rc = child_add_request(sa, c, b);
	return rc;

err_wipe:
	OPENSSL_cleanse(mac, sizeof(mac));
	return -1;
}

/* The peer could not be authenticated: tell it (2.21.2), then go. */
static void reject_responder(struct ike_sa *sa, const char *why)
{
	struct ike_xchg *x;

	log_auth_failure(sa, why);
	sa->state = IKE_S_DELETING;
	x = xchg_new(sa, XCHG_AUTH_FAILED);
	if (!x)
		sa_destroy(sa, "authentication failed");
	else
		msg_queue(sa, x);
}

void auth_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg)
{
	struct child_sa *c = x->child;
	struct ike_notify n;
	const char *why;
	uint16_t err;

	x->child = NULL;
	if (ike_msg_find_notify(msg, IKE_N_AUTHENTICATION_FAILED, &n)) {
		log_auth_failure(sa, "the peer answered AUTHENTICATION_FAILED");
		sa_destroy(sa, "authentication failed");
		return;
	}
	if (!ike_msg_find(msg, IKE_PL_AUTH, NULL)) {
		const struct ike_payload *pl = NULL;
		char w[64] = "IKE_AUTH refused";

		while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl)))
			if (!ike_parse_notify(pl, &n) && n.type <= IKE_N_ERROR_MAX) {
				snprintf(w, sizeof(w), "IKE_AUTH refused with %s",
					 notify_name(n.type));
				break;
			}
		sa_destroy(sa, w);
		return;
	}
	why = authenticate(sa, msg, IKE_PL_IDr);
	if (why) {
		reject_responder(sa, why);
		return;
	}
	sa_established(sa);
	err = c ? child_response(sa, c, msg) : IKE_N_NO_PROPOSAL_CHOSEN;
	if (err) {
		char p[ADDR_STRLEN + 8];

		log_info("child-sa failed %s peer %s: %s", sa_name(sa), sa_peer(sa, p),
			 notify_name(err));
		if (c)
			child_free(c);
		/* A static VTI without its CHILD SA carries nothing: end the IKE SA. */
		sa_delete(sa);
		return;
	}
	sa_crossed(sa);
}

int auth_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	uint8_t mac[CRYPTO_MAX_PRF_LEN];
	const struct cfg_psk *psk;
	struct ike_notify n;
	const char *why;
	char p[ADDR_STRLEN + 8];
	uint16_t err;
	size_t gone;

	why = authenticate(sa, req, IKE_PL_IDi);
	if (why) {
		log_auth_failure(sa, why);
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		sa_destroy(sa, "authentication failed");
		return 0;
	}
	set_local_id(sa);
	psk = config_find_psk(ike->keyring, &sa->remote, &sa->remote_id);
	if (!psk || sign(sa, psk, mac) < 0) {
		OPENSSL_cleanse(mac, sizeof(mac));
		return -1;
	}
	if (ike_msg_find_notify(req, IKE_N_INITIAL_CONTACT, &n)) {
		sa->initial_contact = true;
		gone = sa_initial_contact(sa);
		if (gone)
			log_info("%s: INITIAL_CONTACT from %s: %zu stale IKE SA%s removed",
				 sa_name(sa), sa_peer(sa, p), gone, gone == 1 ? "" : "s");
	}
	/* A template's peer: its clone first, the CHILD SA goes on it. */
	if (sa->tunnel->is_template && clone_attach(sa) < 0) {
		OPENSSL_cleanse(mac, sizeof(mac));
		log_auth_failure(sa, "no dynamic VTI for it");
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		sa_destroy(sa, "no dynamic VTI for the peer");
		return 0;
	}
	ike_add_id(b, IKE_PL_IDr, sa->local_id.type, sa->local_id.data, sa->local_id.len);
	ike_add_auth(b, IKE_AUTH_SHARED_KEY_MIC, mac, sa->keys.prf->len);
	OPENSSL_cleanse(mac, sizeof(mac));
	sa_established(sa);
	err = child_respond(sa, req, b);
	if (err) {
		log_info("child-sa failed %s peer %s: %s", sa_name(sa), sa_peer(sa, p),
			 notify_name(err));
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, err, NULL, 0);
		return 0;
	}
	sa_crossed(sa);
	return 0;
}
