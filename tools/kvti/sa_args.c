// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar of `kvti sa`: its keyword tables, and what a table cannot
 * say (which keywords are required, which algorithm words go together).
 *
 *	sa add dev NAME dir in|out spi SPI
 *	       ( aead ALG KEYHEX ICVBITS | enc ALG KEYHEX auth ALG KEYHEX TRUNCBITS )
 *	       [esn] [replay-window N] [idle-time S]
 *	       [lifetime seconds|bytes|packets N [soft N]] ...
 *	sa del dev NAME dir in|out spi SPI
 *	sa show [dev NAME] [spi SPI]
 *	sa flush [dev NAME]
 *
 * As for tunnels, only syntax and the ranges of the attribute types are
 * checked: reserved SPIs, algorithm names, key and ICV lengths, soft above
 * hard are the kernel's to refuse, in its own words.
 */
#include "kvti.h"

static const struct arg_spec aead_values[] = {
	ARG("KEYHEX",		KVTI_A_SA_ENC_KEY,	ARG_KEY),
	ARG("ICVBITS",		KVTI_A_SA_ICV_BITS,	ARG_U32),
};

static const struct arg_spec enc_values[] = {
	ARG("KEYHEX",		KVTI_A_SA_ENC_KEY,	ARG_KEY),
};

static const struct arg_spec auth_values[] = {
	ARG("KEYHEX",		KVTI_A_SA_AUTH_KEY,	ARG_KEY),
	ARG("TRUNCBITS",	KVTI_A_SA_ICV_BITS,	ARG_U32),
};

static const struct arg_spec add_args[] = {
	ARG("dev",		KVTI_A_IFNAME,		ARG_IFNAME),
	ARG_WORDS("dir",	KVTI_A_SA_DIR,		kvti_dir_names),
	ARG("spi",		KVTI_A_SA_SPI,		ARG_SPI),
	ARG_MORE("aead",	KVTI_A_SA_AEAD_ALG,	ARG_STRING, "ALG", aead_values),
	ARG_MORE("enc",		KVTI_A_SA_ENC_ALG,	ARG_STRING, "ALG", enc_values),
	ARG_MORE("auth",	KVTI_A_SA_AUTH_ALG,	ARG_STRING, "ALG", auth_values),
	ARG("esn",		KVTI_A_SA_ESN,		ARG_FLAG),
	ARG("replay-window",	KVTI_A_SA_REPLAY_WINDOW, ARG_U32),
	ARG_LIFETIME("lifetime", KVTI_A_SA_LIFE_HARD,	KVTI_A_SA_LIFE_SOFT),
	ARG("idle-time",	KVTI_A_SA_IDLE_TIME,	ARG_U32),
};

static const struct arg_spec id_args[] = {
	ARG("dev",		KVTI_A_IFNAME,		ARG_IFNAME),
	ARG_WORDS("dir",	KVTI_A_SA_DIR,		kvti_dir_names),
	ARG("spi",		KVTI_A_SA_SPI,		ARG_SPI),
};

static const struct arg_spec filter_args[] = {
	ARG("dev",		KVTI_A_IFNAME,		ARG_IFNAME),
	ARG("spi",		KVTI_A_SA_SPI,		ARG_SPI),
};

static const struct {
	const struct arg_spec *specs;
	size_t n;
} forms[] = {
	[KVTI_SA_ADD] = { add_args, ARRAY_SIZE(add_args) },
	[KVTI_SA_ID] = { id_args, ARRAY_SIZE(id_args) },
	[KVTI_SA_FILTER] = { filter_args, ARRAY_SIZE(filter_args) },
	[KVTI_SA_DEV] = { filter_args, 1 },	/* dev only */
};

static int check_add(const struct kvti_ctx *ctx, const struct args *a)
{
	bool aead = ARGS_HAS(a, KVTI_A_SA_AEAD_ALG);
	bool enc = ARGS_HAS(a, KVTI_A_SA_ENC_ALG);
	bool auth = ARGS_HAS(a, KVTI_A_SA_AUTH_ALG);

	if (!aead && !enc && !auth)
		return out_usage_error(ctx, "missing the algorithm: \"aead ALG KEYHEX ICVBITS\", "
				       "or \"enc ALG KEYHEX auth ALG KEYHEX TRUNCBITS\"");
	if (enc && !auth)
		return out_usage_error(ctx, "\"enc\" needs \"auth ALG KEYHEX TRUNCBITS\"");
	if (auth && !enc)
		return out_usage_error(ctx, "\"auth\" needs \"enc ALG KEYHEX\"");
	return KVTI_EXIT_OK;
}

int kvti_sa_args_parse(const struct kvti_ctx *ctx, enum kvti_sa_form form,
		       int argc, char **argv, struct args *a)
{
	int ret;

	ret = args_parse(ctx, forms[form].specs, forms[form].n, argc, argv, a);
	if (ret || (form != KVTI_SA_ADD && form != KVTI_SA_ID))
		return ret;
	if (!ARGS_HAS(a, KVTI_A_IFNAME))
		return out_usage_error(ctx, "missing \"dev NAME\"");
	if (!ARGS_HAS(a, KVTI_A_SA_DIR))
		return out_usage_error(ctx, "missing \"dir in|out\"");
	if (!ARGS_HAS(a, KVTI_A_SA_SPI))
		return out_usage_error(ctx, "missing \"spi SPI\"");
	return form == KVTI_SA_ADD ? check_add(ctx, a) : KVTI_EXIT_OK;
}

int kvti_sa_args_put(struct nl_msg *msg, enum kvti_sa_form form,
		     const struct args *a)
{
	return args_put(msg, forms[form].specs, forms[form].n, a);
}
