// SPDX-License-Identifier: GPL-2.0
/*
 * Names for the enums of <linux/kvti.h>: attribute names for error messages
 * ("attribute KVTI_A_KEY"), keyword names shared by parsing and output.
 * When the header grows, so must these tables; `make -C tools test` checks
 * every KVTI_A_ and KVTI_LIFE_/KVTI_STAT_ name of the header appears here.
 */
#include "kvti.h"

#define NAME(x) [x] = #x

static const char *const attr_names[KVTI_A_MAX + 1] = {
	NAME(KVTI_A_UNSPEC),
	NAME(KVTI_A_IFINDEX),
	NAME(KVTI_A_IFNAME),
	NAME(KVTI_A_LOCAL),
	NAME(KVTI_A_REMOTE),
	NAME(KVTI_A_KEY),
	NAME(KVTI_A_MTU),
	NAME(KVTI_A_DF_MODE),
	NAME(KVTI_A_REPLAY_WINDOW),
	NAME(KVTI_A_TEMPLATE),
	NAME(KVTI_A_TEMPLATE_IFINDEX),
	NAME(KVTI_A_ENCAP),
	NAME(KVTI_A_ENCAP_SPORT),
	NAME(KVTI_A_ENCAP_DPORT),
	NAME(KVTI_A_ENCAP_FD),
	NAME(KVTI_A_CARRIER),
	NAME(KVTI_A_STATS),
	NAME(KVTI_A_PAD),
	NAME(KVTI_A_SA_ID),
	NAME(KVTI_A_SA_DIR),
	NAME(KVTI_A_SA_SPI),
	NAME(KVTI_A_SA_AEAD_ALG),
	NAME(KVTI_A_SA_ENC_ALG),
	NAME(KVTI_A_SA_AUTH_ALG),
	NAME(KVTI_A_SA_ENC_KEY),
	NAME(KVTI_A_SA_AUTH_KEY),
	NAME(KVTI_A_SA_ICV_BITS),
	NAME(KVTI_A_SA_ENC_KEY_BITS),
	NAME(KVTI_A_SA_AUTH_KEY_BITS),
	NAME(KVTI_A_SA_ESN),
	NAME(KVTI_A_SA_REPLAY_WINDOW),
	NAME(KVTI_A_SA_REPLAY_TOP),
	NAME(KVTI_A_SA_SEQ_OUT),
	NAME(KVTI_A_SA_LIFE_SOFT),
	NAME(KVTI_A_SA_LIFE_HARD),
	NAME(KVTI_A_SA_IDLE_TIME),
	NAME(KVTI_A_SA_AGE),
	NAME(KVTI_A_SA_IDLE),
	NAME(KVTI_A_SA_STATS),
	NAME(KVTI_A_SA_CURSOR),
	NAME(KVTI_A_EXPIRE_HARD),
	NAME(KVTI_A_SA_SRC),
	NAME(KVTI_A_SA_LIFE_CUR),
	NAME(KVTI_A_SPI_MIN),
	NAME(KVTI_A_SPI_MAX),
	NAME(KVTI_A_ENCAP_SOCKET),
	NAME(KVTI_A_LINK),
};

static const char *const life_names[KVTI_LIFE_MAX + 1] = {
	NAME(KVTI_LIFE_UNSPEC),
	NAME(KVTI_LIFE_SECONDS),
	NAME(KVTI_LIFE_BYTES),
	NAME(KVTI_LIFE_PACKETS),
	NAME(KVTI_LIFE_PAD),
};

static const char *const stat_names[KVTI_STAT_MAX + 1] = {
	NAME(KVTI_STAT_UNSPEC),
	NAME(KVTI_STAT_RX_PACKETS),
	NAME(KVTI_STAT_RX_BYTES),
	NAME(KVTI_STAT_TX_PACKETS),
	NAME(KVTI_STAT_TX_BYTES),
	NAME(KVTI_STAT_DROP_REPLAY),
	NAME(KVTI_STAT_DROP_AUTH),
	NAME(KVTI_STAT_DROP_PADDING),
	NAME(KVTI_STAT_DROP_NO_SA),
	NAME(KVTI_STAT_DROP_UNKNOWN_SPI),
	NAME(KVTI_STAT_DROP_EXPIRED),
	NAME(KVTI_STAT_DROP_MTU),
	NAME(KVTI_STAT_PAD),
};

static const struct kvti_attr_space life_space = {
	.names = life_names,
	.max = KVTI_LIFE_MAX,
};

static const struct kvti_attr_space stat_space = {
	.names = stat_names,
	.max = KVTI_STAT_MAX,
};

static const struct kvti_attr_space *const attr_nests[KVTI_A_MAX + 1] = {
	[KVTI_A_STATS] = &stat_space,
	[KVTI_A_SA_LIFE_SOFT] = &life_space,
	[KVTI_A_SA_LIFE_HARD] = &life_space,
	[KVTI_A_SA_STATS] = &stat_space,
	[KVTI_A_SA_LIFE_CUR] = &life_space,
};

const struct kvti_attr_space kvti_attr_space = {
	.names = attr_names,
	.max = KVTI_A_MAX,
	.nests = attr_nests,
};

/* The words of the grammar; also what `show` prints. */
const char *const kvti_df_names[KVTI_DF_MAX + 1] = {
	[KVTI_DF_COPY] = "copy",
	[KVTI_DF_SET] = "set",
	[KVTI_DF_CLEAR] = "clear",
};

const char *const kvti_encap_names[KVTI_ENCAP_MAX + 1] = {
	[KVTI_ENCAP_NONE] = "none",
	[KVTI_ENCAP_UDP] = "udp",
};

const char *const kvti_dir_names[KVTI_DIR_MAX + 1] = {
	[KVTI_DIR_IN] = "in",
	[KVTI_DIR_OUT] = "out",
};

/* The KIND of "lifetime KIND N", by KVTI_LIFE_*. */
const char *const kvti_life_words[KVTI_LIFE_MAX + 1] = {
	[KVTI_LIFE_SECONDS] = "seconds",
	[KVTI_LIFE_BYTES] = "bytes",
	[KVTI_LIFE_PACKETS] = "packets",
};
