/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti import-ios: an IOS VTI configuration read into a model (ios_read.c
 * reads lines and blocks; the crypto blocks are ios_ikev1.c, ios_ikev2.c
 * and ios_ipsec.c, with what they share in ios_crypto.c; interfaces and
 * routes are ios_iface.c), resolved (ios_resolve.c; the VRFs, ios_vrf.c)
 * and written out as keyer.conf(5) and the shell commands that make the
 * tunnels and routes (ios_write.c).  import_ios.c is the command.  Nothing
 * here talks to the kernel.
 *
 * Every IPsec line that cannot be carried over is a diagnostic with its
 * line number; what the import changed on purpose (IKEv1 to IKEv2, a DH
 * group the keyer does not offer) is a note, written into keyer.conf as a
 * "# note:" comment.  Pre-shared keys are kept only in the model and
 * keyer.conf: a line echoed in a diagnostic has its key masked.
 */
#ifndef KVTI_IOS_H
#define KVTI_IOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IOS_NAME	64	/* IOS names (profiles, interfaces) we keep */
#define IOS_KNAME	32	/* keyer.conf names: 31 characters */
#define IOS_DEV		16	/* netdev names: IFNAMSIZ */
#define IOS_ID		96	/* a keyer identity or keyring selector */
#define IOS_WORDS	48	/* words of one line; more are refused */
#define IOS_LIST	8	/* per list: transform sets, peers, algorithms */

/* An address, or a prefix when plen is less than the family's width. */
struct ios_addr {
	int family;		/* AF_INET, AF_INET6; 0: none */
	uint8_t a[16];
	unsigned int plen;
};

/* One line as read: words split on blanks, its number and indentation. */
struct ios_line {
	int no;
	int indent;
	int n;
	char *w[IOS_WORDS];
	const char *raw;	/* as read, without the newline */
};

/* A line that cannot be imported, or a note on what the import changed. */
struct ios_diag {
	int line;		/* 0: about the whole file */
	char *text;
	int owner;		/* a tunnel's index + 1: void if it is not IPsec */
};

/* crypto isakmp policy N: one IKE proposal. */
struct ios_policy {
	unsigned long prio;
	int line;
	const char *enc, *integ, *dh;	/* keyer names; NULL: none usable */
	bool enc_set, auth_set, dh_set;
	bool auth_psk;
	bool bad;			/* a line of it was reported */
	unsigned long lifetime;
};

/* A pre-shared key for one keyring selector. */
struct ios_psk {
	int line;
	char sel[IOS_ID];	/* 192.0.2.1, 0.0.0.0/0, fqdn:x, address:A ... */
	char *local, *remote;	/* wiped when freed */
};

/* crypto keyring, crypto ikev2 keyring, or the crypto isakmp keys. */
struct ios_keyring {
	char name[IOS_NAME];
	int line;
	bool ikev2;
	char vrf[IOS_NAME];	/* crypto keyring NAME vrf V: its FVRF; "": global */
	struct ios_psk *psk;
	size_t npsk, cap;
	char out[IOS_KNAME];	/* its keyer.conf name, once written */
};

/* crypto ikev2 proposal */
struct ios_prop2 {
	char name[IOS_NAME];
	int line;
	const char *enc[IOS_LIST], *integ[IOS_LIST], *prf[IOS_LIST], *dh[IOS_LIST];
	int nenc, ninteg, nprf, ndh;
	bool bad;
};

/* crypto ikev2 policy */
struct ios_pol2 {
	char name[IOS_NAME];
	int line;
	char props[IOS_LIST][IOS_NAME];
	int nprops;
	struct ios_addr local[IOS_LIST];	/* match address local */
	int nlocal;
	char fvrf[IOS_NAME];			/* match fvrf V; "": any */
};

/* One "match identity": a keyer pattern, or an address prefix. */
struct ios_match {
	int line;
	char id[IOS_ID];	/* "" when prefix holds a real prefix */
	struct ios_addr prefix;
	bool any;
	char fvrf[IOS_NAME];	/* match identity address A [MASK] FVRF; "": none given */
};

/* crypto isakmp profile or crypto ikev2 profile: an ike-profile. */
struct ios_ikeprof {
	char name[IOS_NAME];
	int line;
	bool ikev2;
	char keyrings[IOS_LIST][IOS_NAME];
	int nkeyrings, keyring_line;
	struct ios_match match[16];
	int nmatch;
	char local_id[IOS_ID];
	bool has_dpd, dpd_periodic;
	unsigned long dpd_interval, dpd_retries;
	unsigned long lifetime;		/* 0: not set */
	long vt;			/* virtual-template N; -1: none */
	int vt_line;
	char local_if[IOS_NAME];	/* match address local interface / local-address */
	struct ios_addr local_addr;
	int local_line;
	char *psk_local, *psk_remote;	/* authentication ... pre-share key */
	int psk_line;
	char fvrf[IOS_NAME];		/* IKEv2 match fvrf V; "": none given */
	int fvrf_line;
	char ivrf[IOS_DEV];		/* IKEv1 "vrf V": the tunnels' inside VRF */
	int ivrf_line;
	bool implicit;			/* IKEv1 without a crypto isakmp profile */
	/* resolved by ios_write.c */
	bool used, usable;
	char out[IOS_KNAME];
	char keyring_out[IOS_KNAME];
	char props_out[1024];		/* "" for the keyer's defaults */
	unsigned long life_out;
	char local_id_out[IOS_ID], remote_id_out[IOS_ID];
	bool match_by_peer;		/* templates: match-peer, else match-identity */
	bool match_none;		/* templates: accept whom the keyring accepts */
	const char *dpd_mode;		/* NULL: no dpd */
	unsigned long dpd_i, dpd_r;
};

/* crypto ipsec transform-set: one ESP proposal. */
struct ios_tset {
	char name[IOS_NAME];
	int line;
	const char *enc, *integ;
	bool usable;
};

/* set peer ADDR [default] */
struct ios_peer {
	char host[IOS_NAME];
	bool is_default;
	int line;
};

/* crypto ipsec profile: an ipsec-profile. */
struct ios_ipsecprof {
	char name[IOS_NAME];
	int line;
	char tsets[IOS_LIST][IOS_NAME];
	int ntsets, tset_line;
	const char *pfs;
	unsigned long long life_s, life_kb;	/* 0: not set */
	long replay;				/* -1: not set, 0: disabled */
	unsigned long idle;
	bool responder_only;
	char ike_prof[IOS_NAME];		/* set isakmp-profile / ikev2-profile */
	bool ike_prof_v2;
	int ike_prof_line;
	struct ios_peer peers[IOS_LIST];
	int npeers;
	unsigned long rr_distance, rr_tag;
	/* resolved by ios_write.c */
	bool used, usable;
	char out[IOS_KNAME];
	char props_out[512];
	unsigned long long life_s_out, life_kb_out;
	long replay_out;
	unsigned long idle_out;
};

enum ios_if_kind { IOS_IF_OTHER, IOS_IF_TUNNEL, IOS_IF_TEMPLATE };

/* What a VRF of setup.sh is to the tunnels: ip vrf forwarding, tunnel vrf. */
enum ios_vrf_use { IOS_VRF_INSIDE = 1, IOS_VRF_FRONT = 2 };

/* An interface; only tunnels and templates are written out. */
struct ios_iface {
	char name[IOS_NAME];
	int line;
	enum ios_if_kind kind;
	char dev[IOS_DEV];		/* vti0, vt1 */
	struct ios_addr addr4[IOS_LIST];	/* primary first */
	int naddr4;
	bool addr_dynamic;		/* ip address dhcp|negotiated */
	struct ios_addr addr6[IOS_LIST];
	int naddr6;
	char unnumbered[IOS_NAME];
	int unnumbered_line;
	char vrf[IOS_NAME];		/* ip vrf forwarding: the inside VRF (IVRF) */
	int vrf_line;
	char fvrf[IOS_DEV];		/* tunnel vrf: the front-door VRF (FVRF) */
	int fvrf_line;
	char source[IOS_NAME], dest[IOS_NAME];
	int source_line, dest_line;
	int mode;			/* 0: none (GRE), 4, 6 */
	int mode_line;
	char protection[IOS_NAME];
	char protection_text[IOS_NAME + 32];
	int protection_line;
	bool shutdown;
	const char *df;			/* copy|set|clear, or NULL */
	unsigned long mtu;
	bool ipsec;			/* tunnel mode ipsec or tunnel protection */
	/* resolved by ios_write.c */
	long unit;			/* N of TunnelN, Virtual-TemplateN */
	struct ios_ipsecprof *ipsec_prof;
	struct ios_ikeprof *ike_prof;
	struct ios_addr local;
	struct ios_addr peers[IOS_LIST];
	int npeers;
	bool peer_default;
	const char *df_out;
	bool usable;
};

/*
 * ip route / ipv6 route.  Only those into an IPsec tunnel (or via a next
 * hop on one) are written; what they have that kvti cannot do is reported
 * only then, so it is kept as @bad.
 */
struct ios_route {
	int line;
	char text[160];
	struct ios_addr dst;
	char iface[IOS_NAME];
	struct ios_addr via;
	unsigned long distance, tag;
	char vrf[IOS_NAME];
	char name[IOS_NAME];
	char bad[80];
	struct ios_iface *to;		/* resolved: the tunnel it goes into */
};

struct ios_host {
	char name[IOS_NAME];
	struct ios_addr addr;
};

/* Where the reader is: the block the last command opened. */
enum ios_ctx {
	IOS_CTX_GLOBAL,
	IOS_CTX_SKIP,		/* a block with nothing to do with IPsec */
	IOS_CTX_UNSUPPORTED,	/* a block reported by its first line */
	IOS_CTX_BANNER,
	IOS_CTX_POLICY,
	IOS_CTX_ISAKMP_PROFILE,
	IOS_CTX_KEYRING,
	IOS_CTX_PROP2,
	IOS_CTX_POL2,
	IOS_CTX_KEYRING2,
	IOS_CTX_PEER2,
	IOS_CTX_PROFILE2,
	IOS_CTX_TSET,
	IOS_CTX_IPSEC_PROFILE,
	IOS_CTX_IFACE,
	IOS_CTX_MAX,
};

/* crypto ikev2 keyring's "peer" while it is read: its keys, then selectors. */
struct ios_peer2 {
	int line;
	char sel[4][IOS_ID];
	int nsel;
	char *local, *remote;
};

#define IOS_VEC(type, name) type *name; size_t n##name, cap_##name

struct ios {
	const char *file;
	char hostname[IOS_NAME], domain[IOS_NAME];

	/* the reader */
	enum ios_ctx ctx;
	void *obj;			/* what the block is about */
	char banner_end[4];
	struct ios_peer2 peer2;
	bool in_peer2;

	/* globals */
	bool keepalive;			/* crypto isakmp keepalive */
	bool keepalive_periodic;
	unsigned long keepalive_s, keepalive_r;
	int keepalive_line;
	bool dpd2;			/* crypto ikev2 dpd */
	bool dpd2_periodic;
	unsigned long dpd2_i, dpd2_r;
	unsigned long nat_keepalive;	/* 0: not set */
	unsigned long max_sa, max_half_open;	/* 0: not set */
	bool invalid_spi;
	bool isakmp_id_hostname;
	unsigned long long life_s, life_kb;	/* crypto ipsec security-association */
	long replay;			/* -1: not set */
	unsigned long idle;
	const char *df;			/* crypto ipsec df-bit */
	bool uses_ikev1;		/* something IKEv1 went into the output */
	int owner;			/* stamped on diagnostics: see ios_diag */

	IOS_VEC(struct ios_policy, policies);
	IOS_VEC(struct ios_keyring, keyrings);	/* [0] holds crypto isakmp key */
	IOS_VEC(struct ios_prop2, props2);
	IOS_VEC(struct ios_pol2, pols2);
	IOS_VEC(struct ios_ikeprof, ikeprofs);
	IOS_VEC(struct ios_tset, tsets);
	IOS_VEC(struct ios_ipsecprof, ipsecprofs);
	IOS_VEC(struct ios_iface, ifaces);
	IOS_VEC(struct ios_route, routes);
	IOS_VEC(struct ios_host, hosts);
	IOS_VEC(struct ios_diag, diags);	/* cannot be imported */
	IOS_VEC(struct ios_diag, notes);	/* imported, but changed */
	IOS_VEC(struct ios_keyring, merged);	/* keyrings made for the output */
	char vrfs[IOS_LIST][IOS_DEV];		/* VRFs of written tunnels */
	unsigned int vrf_use[IOS_LIST];		/* IOS_VRF_INSIDE | IOS_VRF_FRONT */
	int nvrfs;				/* their tables: 100, 101, ... */
};

/* A handler of one command; @arg is the index of its first argument. */
typedef void (*ios_handler)(struct ios *ios, const struct ios_line *l, int arg);

/*
 * One command of a block: its keywords ("set security-association
 * lifetime"), matched without regard to case.  @indented: only an indented
 * line is taken as this command; unindented, it is the global one.
 */
struct ios_cmd {
	const char *words;
	ios_handler fn;
	bool indented;
	int nwords;		/* the line has exactly this many words; 0: any */
};

/* ios_read.c: the reader, diagnostics, small parsers */
struct ios *ios_new(const char *file);
void ios_free(struct ios *ios);
int ios_read(struct ios *ios, FILE *in);	/* 0, or -errno reading */
void ios_unsupported(struct ios *ios, const struct ios_line *l, const char *why, ...)
	__attribute__((format(printf, 3, 4)));
void ios_unsupported_at(struct ios *ios, int line, const char *head, const char *why, ...)
	__attribute__((format(printf, 4, 5)));
void ios_unresolved(struct ios *ios, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ios_note(struct ios *ios, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ios_line_text(const struct ios_line *l, char *buf, size_t len);
bool ios_kw(const char *word, const char *keyword);
int ios_match(const struct ios_line *l, int from, const char *words);
int ios_number(const char *s, unsigned long min, unsigned long max, unsigned long *out);
int ios_parse_addr(const char *s, struct ios_addr *a);
int ios_parse_prefix(const char *s, struct ios_addr *a);
int ios_mask_len(const char *mask, unsigned int *plen);
const char *ios_addr_str(const struct ios_addr *a, bool with_len, char *buf, size_t len);
bool ios_addr_eq(const struct ios_addr *a, const struct ios_addr *b);
bool ios_prefix_contains(const struct ios_addr *p, const struct ios_addr *a);
void *ios_grow(void *vec, size_t *n, size_t *cap, size_t size);
char *ios_strdup(const char *s);
void ios_wipe_free(char *secret);
void ios_begin(struct ios *ios, enum ios_ctx ctx, void *obj);

/* A table of commands, for the reader (ios_read.c). */
struct ios_table {
	const struct ios_cmd *cmds;
	const size_t *n;
};

/* An algorithm: IOS's name, the keyer's (NULL: it has none). */
struct ios_alg {
	const char *ios;
	const char *keyer;
	bool aead;
};

/* A command's handler, where more than one file lists it. */
#define IOS_HANDLER(name) void name(struct ios *ios, const struct ios_line *l, int arg)

/* ios_crypto.c: what the crypto files share */
extern const struct ios_alg ios_integ_algs[];
extern const size_t ios_ninteg_algs;
const struct ios_alg *ios_find_alg(const struct ios_alg *t, size_t n, const char *word);
const char *ios_dh_name(unsigned long group, bool *weak);
const char *ios_dh_bits(unsigned long group);
const char *ios_dh_group(struct ios *ios, const struct ios_line *l, const char *word);
bool ios_want_number(struct ios *ios, const struct ios_line *l, int i, const char *what,
		     unsigned long min, unsigned long max, unsigned long *out);
bool ios_no_more(struct ios *ios, const struct ios_line *l, int i);
void ios_copy_name(char *dst, const char *src);
int ios_address_sel(const struct ios_line *l, int i, struct ios_addr *a);
void ios_sel_of(const struct ios_addr *a, char *buf, size_t len);
struct ios_keyring *ios_keyring_find(struct ios *ios, const char *name, bool ikev2);
struct ios_ikeprof *ios_ikeprof_find(struct ios *ios, const char *name, bool ikev2);
struct ios_tset *ios_tset_find(struct ios *ios, const char *name);
struct ios_ipsecprof *ios_ipsecprof_find(struct ios *ios, const char *name);
struct ios_prop2 *ios_prop2_find(struct ios *ios, const char *name);
const char *ios_block_name(struct ios *ios, const struct ios_line *l, int arg);
int ios_key_word(struct ios *ios, const struct ios_line *l, int i, bool type_needs_more);
void ios_add_psk(struct ios_keyring *kr, int line, const char *sel, const char *local,
		 const char *remote);
struct ios_ikeprof *ios_ikeprof_new(struct ios *ios, const struct ios_line *l,
				    const char *name, bool ikev2);
struct ios_match *ios_match_new(struct ios *ios, const struct ios_line *l);
void ios_match_address(struct ios *ios, const struct ios_line *l, int arg, bool ikev2);
void ios_local_address(struct ios *ios, const struct ios_line *l, int arg);
IOS_HANDLER(ios_cmd_ignore);
IOS_HANDLER(ios_cmd_max_sa);
IOS_HANDLER(ios_cmd_max_half_open);
IOS_HANDLER(ios_cmd_nat_keepalive);
IOS_HANDLER(ios_profile_keyring);
IOS_HANDLER(ios_cmd_virtual_template);
IOS_HANDLER(ios_cmd_local_address);
IOS_HANDLER(ios_cmd_unsupported_block);
extern const struct ios_cmd ios_crypto_global[];
extern const size_t ios_ncrypto_global;
void ios_crypto_end(struct ios *ios);	/* end of a block: flush what it held */
void ios_crypto_finish(struct ios *ios);	/* end of file: defaults to report */

/* ios_ikev1.c: crypto isakmp, crypto keyring */
extern const struct ios_cmd ios_ikev1_global[], ios_policy_cmds[], ios_isakmp_profile_cmds[],
	ios_keyring_cmds[];
extern const size_t ios_nikev1_global, ios_npolicy_cmds, ios_nisakmp_profile_cmds,
	ios_nkeyring_cmds;
void ios_ikev1_finish(struct ios *ios);

/* ios_ikev2.c: crypto ikev2 */
extern const struct ios_cmd ios_ikev2_global[], ios_prop2_cmds[], ios_pol2_cmds[],
	ios_keyring2_cmds[], ios_peer2_cmds[], ios_profile2_cmds[];
extern const size_t ios_nikev2_global, ios_nprop2_cmds, ios_npol2_cmds, ios_nkeyring2_cmds,
	ios_npeer2_cmds, ios_nprofile2_cmds;
void ios_peer2_flush(struct ios *ios);
void ios_ikev2_finish(struct ios *ios);

/* ios_ipsec.c: crypto ipsec */
extern const struct ios_cmd ios_ipsec_global[], ios_tset_cmds[], ios_ipsec_profile_cmds[];
extern const size_t ios_nipsec_global, ios_ntset_cmds, ios_nipsec_profile_cmds;
const char *ios_df_word(const struct ios_line *l, int arg);

/* ios_iface.c: interfaces, routes, host names */
extern const struct ios_cmd ios_global_iface[];
extern const size_t ios_nglobal_iface;
extern const struct ios_cmd ios_iface_cmds[];
extern const size_t ios_niface_cmds;
void ios_iface_unknown(struct ios *ios, const struct ios_line *l);
void ios_iface_finish(struct ios *ios);
void ios_sort_diags(struct ios_diag *d, size_t n);
struct ios_iface *ios_iface_find(struct ios *ios, const char *ref);
bool ios_iface_ref_eq(const char *ref, const char *name);
const struct ios_addr *ios_host_find(const struct ios *ios, const char *name);

/* ios_vrf.c: front-door and inside VRFs */
bool ios_vrf_used_by(const struct ios *ios, const struct ios_ikeprof *k, const char *vrf);
bool ios_vrf_of_profile(struct ios *ios, const struct ios_ikeprof *k, const char **vrf);
void ios_vrf_tunnel(struct ios *ios, struct ios_iface *f);
void ios_vrf_check(struct ios *ios, const struct ios_iface *f);
bool ios_vrf_keyring_unused(struct ios *ios, const struct ios_keyring *kr);

/* ios_write.c: keyer.conf and the commands */
void ios_resolve(struct ios *ios);
void ios_write_conf(struct ios *ios, FILE *f);
void ios_write_setup(struct ios *ios, FILE *f);

#endif /* KVTI_IOS_H */
