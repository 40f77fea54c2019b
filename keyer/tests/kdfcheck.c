// SPDX-License-Identifier: GPL-2.0
/*
 * The keyer's key derivation, fed from outside: selftests/strongswan.sh
 * gives it what a real exchange with charon used (nonces and SPIs from the
 * IKE_SA_INIT messages on the wire, the DH shared secret from charon's
 * key-material log) and compares what comes out with the SKEYSEED, SK_*
 * and CHILD SA keys charon logged and the keys XFRM holds.
 *
 *   kdfcheck IKE-PROPOSAL ESP-PROPOSAL < INPUT
 *
 * The proposals are the configuration's words (aes256gcm16-prfsha384-ecp384,
 * aes256gcm16); they go through proposal_parse() and proposal_select() as
 * the daemon's would, so the suite and the CHILD SA key lengths are the
 * keyer's own (proposal_esp_kernel(), as child.c installs them).  INPUT has
 * lines NAME=HEX for ni, nr, spii, spir, gir.  Output: NAME=HEX lines for
 * skeyseed, sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr, child_ei,
 * child_ai, child_er, child_ar (keys named by the direction they protect:
 * e/a i = initiator to responder).  This prints keys: a test tool, for
 * test logs in the VM only; the daemon never does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "proposal.h"

static void put(const char *name, struct chunk c)
{
	size_t i;

	printf("%s=", name);
	for (i = 0; i < c.len; i++)
		printf("%02x", c.p[i]);
	printf("\n");
}

static int suite_of(const char *text, uint8_t proto, unsigned int flags, struct ike_suite *s)
{
	struct ike_proposal prop;
	struct proposal_choice choice;
	char err[128];

	if (proposal_parse(text, proto, &prop, err, sizeof(err)) < 0) {
		fprintf(stderr, "kdfcheck: %s: %s\n", text, err);
		return -1;
	}
	if (proposal_select(&prop, 1, &prop, 1, flags, &choice) < 0) {
		fprintf(stderr, "kdfcheck: %s does not select itself\n", text);
		return -1;
	}
	*s = choice.suite;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "ni", "nr", "spii", "spir", "gir" };
	struct buf *in[5] = { NULL };
	struct ike_suite ike, esp;
	struct esp_kernel_alg alg;
	struct buf *skeyseed = NULL;
	struct child_keys ck;
	struct ike_keys k;
	char line[4096];
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: kdfcheck IKE-PROPOSAL ESP-PROPOSAL < INPUT\n");
		return 2;
	}
	if (suite_of(argv[1], IKE_PROTO_IKE, 0, &ike) < 0 ||
	    suite_of(argv[2], IKE_PROTO_ESP, PROP_SKIP_DH, &esp) < 0 ||
	    proposal_esp_kernel(&esp, &alg) < 0)
		return 1;
	while (fgets(line, sizeof(line), stdin)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\r\n")] = 0;
		if (!eq)
			continue;
		*eq = 0;
		for (i = 0; i < 5; i++)
			if (!strcmp(line, names[i])) {
				buf_free(in[i]);
				in[i] = buf_from_hex(eq + 1);
			}
	}
	for (i = 0; i < 5; i++)
		if (!in[i] || (i == 2 || i == 3 ? in[i]->len != 8 : !in[i]->len)) {
			fprintf(stderr, "kdfcheck: no usable %s in the input\n", names[i]);
			return 1;
		}
	if (crypto_skeyseed(crypto_prf(ike.prf), chunk_of(in[0]), chunk_of(in[1]),
			    chunk_of(in[4]), &skeyseed) < 0 ||
	    crypto_ike_keys(&k, &ike, chunk_of(skeyseed), chunk_of(in[0]), chunk_of(in[1]),
			    get_u64(in[2]->data), get_u64(in[3]->data)) < 0 ||
	    crypto_child_keys(&ck, k.prf, k.d, (struct chunk){ NULL, 0 }, chunk_of(in[0]),
			      chunk_of(in[1]), alg.enc_key_len, alg.auth_key_len) < 0) {
		fprintf(stderr, "kdfcheck: derivation failed\n");
		return 1;
	}
	put("skeyseed", chunk_of(skeyseed));
	put("sk_d", k.d);
	put("sk_ai", k.ai);
	put("sk_ar", k.ar);
	put("sk_ei", k.ei);
	put("sk_er", k.er);
	put("sk_pi", k.pi);
	put("sk_pr", k.pr);
	put("child_ei", ck.ei);
	put("child_ai", ck.ai);
	put("child_er", ck.er);
	put("child_ar", ck.ar);
	crypto_child_keys_clear(&ck);
	crypto_ike_keys_clear(&k);
	buf_free(skeyseed);
	for (i = 0; i < 5; i++)
		buf_free(in[i]);
	return 0;
}
