// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the decrypted chain of an SK payload, which the outer
 * parser never reaches without the keys.  Input: one byte, the first
 * inner payload's type (the SK payload's next-payload field), then the
 * chain, padding removed: what crypto_sk_unprotect() hands to
 * ike_msg_parse_inner() in msg.c, and the format of the inner-*.bin files
 * a test keyer dumps (dump.c).  The outer message around it is a bare
 * header with an empty SK payload, as a real one would be after parsing.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t outer[IKE_HDR_LEN + IKE_GEN_HDR_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		IKE_PL_SK, IKEV2_VERSION, IKE_AUTH, IKE_FLAG_INITIATOR, 0, 0, 0, 1,
		0, 0, 0, IKE_HDR_LEN + IKE_GEN_HDR_LEN,
		0, 0, 0, IKE_GEN_HDR_LEN,
	};
	static struct ike_msg msg;
	struct fuzz_region r[2] = { { outer, sizeof(outer) }, { NULL, 0 } };
	uint8_t *chain;
	int err;

	if (size < 1)
		return 0;
	if (ike_msg_parse(&msg, outer, sizeof(outer)) != IKE_OK || !msg.sk)
		abort();
	/* A copy of exactly the chain's size, so ASan sees any read past it. */
	chain = malloc(size - 1 ? size - 1 : 1);
	if (!chain)
		return 0;
	memcpy(chain, data + 1, size - 1);
	msg.pl[0].next = data[0];
	r[1] = (struct fuzz_region){ chain, size - 1 };
	err = ike_msg_parse_inner(&msg, chain, size - 1);
	if (err == IKE_OK)
		fuzz_decode_all(&msg, r, 2);
	free(chain);
	return 0;
}
