// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the decoupled backend (backend.h): CHILD SAs are kept in
 * this process and shown by the control socket's `sas`, as iked's
 * "decouple" mode.  The keys themselves are not kept: only a short
 * SHA-256 fingerprint of them, so that tests can see that both ends
 * derived the same keys without either end ever printing one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <openssl/evp.h>

#include <linux/kvti.h>

#include "keyer.h"

#define FINGERPRINT_LEN	8

struct dsa {
	uint32_t		id;
	char			ifname[CFG_IFNAME_MAX];
	uint8_t			dir;
	uint32_t		spi;
	char			alg[64];
	uint16_t		enc_bits, auth_bits, icv_bits;
	bool			esn;
	uint32_t		replay_window;
	uint8_t			fingerprint[FINGERPRINT_LEN];
	LIST_ENTRY(dsa)		entry;
};

struct reserved {
	char			ifname[CFG_IFNAME_MAX];
	uint32_t		spi;
	LIST_ENTRY(reserved)	entry;
};

struct decoupled {
	LIST_HEAD(, dsa)	sas;
	LIST_HEAD(, reserved)	spis;
	uint32_t		next_id;
};

static int d_open(struct keyer *k, void **ctx)
{
	struct decoupled *d = calloc(1, sizeof(*d));

	(void)k;
	if (!d)
		return -1;
	LIST_INIT(&d->sas);
	LIST_INIT(&d->spis);
	d->next_id = 1;
	*ctx = d;
	return 0;
}

static void d_close(void *ctx)
{
	struct decoupled *d = ctx;
	struct reserved *r;
	struct dsa *s;

	while ((s = LIST_FIRST(&d->sas))) {
		LIST_REMOVE(s, entry);
		free(s);
	}
	while ((r = LIST_FIRST(&d->spis))) {
		LIST_REMOVE(r, entry);
		free(r);
	}
	free(d);
}

/* Inbound SPIs are unique per host here, as the module's are per netns. */
static bool spi_taken(struct decoupled *d, uint32_t spi)
{
	struct reserved *r;
	struct dsa *s;

	LIST_FOREACH(r, &d->spis, entry)
		if (r->spi == spi)
			return true;
	LIST_FOREACH(s, &d->sas, entry)
		if (s->dir == KVTI_DIR_IN && s->spi == spi)
			return true;
	return false;
}

static int d_spi_alloc(void *ctx, const char *ifname, uint32_t *spi)
{
	struct decoupled *d = ctx;
	struct reserved *r;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		if (crypto_random(spi, sizeof(*spi)) < 0)
			return -1;
		if (*spi >= 0x100 && !spi_taken(d, *spi))
			break;
	}
	if (tries == 16 || !(r = calloc(1, sizeof(*r))))
		return -1;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->spi = *spi;
	LIST_INSERT_HEAD(&d->spis, r, entry);
	return 0;
}

static void d_spi_free(void *ctx, const char *ifname, uint32_t spi)
{
	struct decoupled *d = ctx;
	struct reserved *r;

	(void)ifname;
	LIST_FOREACH(r, &d->spis, entry)
		if (r->spi == spi) {
			LIST_REMOVE(r, entry);
			free(r);
			return;
		}
}

static int d_sa_add(void *ctx, const struct kernel_sa *sa, uint32_t *id)
{
	struct decoupled *d = ctx;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct dsa *s = calloc(1, sizeof(*s));
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	int ok;

	ok = s && h && EVP_DigestInit_ex(h, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(h, sa->enc_key.p, sa->enc_key.len) &&
	     EVP_DigestUpdate(h, sa->auth_key.p, sa->auth_key.len) &&
	     EVP_DigestFinal_ex(h, md, &mdlen) && mdlen >= FINGERPRINT_LEN;
	EVP_MD_CTX_free(h);
	if (!ok) {
		free(s);
		return -1;
	}
	if (sa->dir == KVTI_DIR_IN)
		d_spi_free(d, sa->ifname, sa->spi);
	s->id = d->next_id++;
	snprintf(s->ifname, sizeof(s->ifname), "%s", sa->ifname);
	s->dir = sa->dir;
	s->spi = sa->spi;
	if (sa->alg->aead)
		snprintf(s->alg, sizeof(s->alg), "%s", sa->alg->aead);
	else
		snprintf(s->alg, sizeof(s->alg), "%s+%s", sa->alg->enc, sa->alg->auth);
	s->enc_bits = (uint16_t)(sa->enc_key.len * 8);
	s->auth_bits = (uint16_t)(sa->auth_key.len * 8);
	s->icv_bits = sa->alg->icv_bits;
	s->esn = sa->esn;
	s->replay_window = sa->replay_window;
	memcpy(s->fingerprint, md, FINGERPRINT_LEN);
	LIST_INSERT_HEAD(&d->sas, s, entry);
	*id = s->id;
	log_debug("decoupled: SA %" PRIu32 " %s %s spi 0x%08" PRIx32 " %s", s->id, s->ifname,
		  s->dir == KVTI_DIR_IN ? "in" : "out", s->spi, s->alg);
	return 0;
}

static int d_sa_del(void *ctx, const char *ifname, uint32_t id)
{
	struct decoupled *d = ctx;
	struct dsa *s;

	(void)ifname;
	LIST_FOREACH(s, &d->sas, entry)
		if (s->id == id) {
			LIST_REMOVE(s, entry);
			free(s);
			return 0;
		}
	return -1;
}

static void d_dump(void *ctx, struct json *j)
{
	struct decoupled *d = ctx;
	char fp[2 * FINGERPRINT_LEN + 1];
	struct reserved *r;
	struct dsa *s;
	uint64_t n = 0;
	int i;

	json_open(j, "sas", '[');
	LIST_FOREACH(s, &d->sas, entry) {
		for (i = 0; i < FINGERPRINT_LEN; i++)
			snprintf(fp + 2 * i, 3, "%02x", s->fingerprint[i]);
		json_open(j, NULL, '{');
		json_uint(j, "id", s->id);
		json_str(j, "tunnel", s->ifname);
		json_str(j, "dir", s->dir == KVTI_DIR_IN ? "in" : "out");
		json_hex32(j, "spi", s->spi);
		json_str(j, "alg", s->alg);
		json_uint(j, "enc_key_bits", s->enc_bits);
		json_uint(j, "auth_key_bits", s->auth_bits);
		json_uint(j, "icv_bits", s->icv_bits);
		json_bool(j, "esn", s->esn);
		json_uint(j, "replay_window", s->replay_window);
		json_str(j, "key_fingerprint", fp);
		json_close(j);
	}
	json_close(j);
	LIST_FOREACH(r, &d->spis, entry)
		n++;
	json_uint(j, "reserved_spis", n);	/* a leak of SPIs shows here */
}

const struct backend_ops backend_decoupled = {
	.name = "decoupled",
	.open = d_open,
	.close = d_close,
	.spi_alloc = d_spi_alloc,
	.spi_free = d_spi_free,
	.sa_add = d_sa_add,
	.sa_del = d_sa_del,
	.dump = d_dump,
};
