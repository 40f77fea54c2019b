/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti(8) - the tool's table of contents: shared types, then the functions
 * each file offers the others, grouped by the file that defines them.
 */
#ifndef KVTI_TOOL_H
#define KVTI_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvti.h>

#include "json.h"
#include "netlink.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses, a contract with scripts (kvti(8), EXIT STATUS). */
enum {
	KVTI_EXIT_OK = 0,
	KVTI_EXIT_FAIL = 1,	/* the kernel refused the request, or the system failed */
	KVTI_EXIT_USAGE = 2,	/* the command line is wrong; nothing was sent */
};

/* Everything a command needs: global options and the lazily opened socket. */
struct kvti_ctx {
	bool json;
	bool pretty;
	bool stats;
	const char *netns;	/* -n NAME, or NULL */
	const char *socket;	/* --socket PATH (kvti session), or NULL */
	bool in_netns;		/* already switched into it */
	bool nl_open;
	struct kvti_nl nl;
	struct json json_out;
	FILE *out;		/* results go here; NULL means stdout */
	/* What is running, for usage messages: "tunnel" and its "add" row. */
	const char *object;
	const struct kvti_command *cmds;	/* that object's subcommand table */
	size_t ncmds;
	const struct kvti_command *cmd;
};

/*
 * One row of a command table (objects, then each object's subcommands).
 * A word selects a row if it is a prefix of the name at least `abbrev`
 * characters long; an exact name always wins.  Tables are laid out so that
 * no word of any length selects two rows, e.g. "show" 1 and "set" 2 make
 * "s" mean show.
 */
struct kvti_command {
	const char *name;
	unsigned int abbrev;
	int (*run)(struct kvti_ctx *ctx, int argc, char **argv);
	const char *usage;	/* what follows "kvti OBJECT", or NULL */
};

/* An outer address as the kernel wants it: 4 or 16 bytes, network order. */
struct kvti_addr {
	int family;		/* AF_INET, AF_INET6, or 0 when absent */
	uint8_t len;
	uint8_t bytes[16];
};

/* A tunnel as reported by KVTI_CMD_TUNNEL_GET. */
struct kvti_tunnel {
	uint32_t ifindex;
	char ifname[KVTI_IFNAMSIZ];
	struct kvti_addr local;
	struct kvti_addr remote;
	bool has_key;
	uint32_t key;
	uint32_t mtu;
	uint8_t df_mode;
	uint32_t replay_window;
	bool template;
	uint32_t template_ifindex;	/* 0 unless a clone */
	char from[KVTI_IFNAMSIZ];	/* the template's name, for clones */
	uint32_t link;			/* underlay (FVRF) ifindex, 0 = none */
	char dev[KVTI_IFNAMSIZ];	/* its name */
	uint8_t encap;
	uint16_t sport;
	uint16_t dport;
	bool has_socket;		/* the kernel reported KVTI_A_ENCAP_SOCKET */
	bool socket;			/* a UDP socket is attached */
	bool carrier;
	bool has_stats;
	uint64_t stats[KVTI_STAT_MAX + 1];
};

/* Limits in KVTI_LIFE_SOFT/HARD/CUR; 0 = none (current: used so far). */
struct kvti_lifetime {
	uint64_t seconds;
	uint64_t bytes;
	uint64_t packets;
};

/* Crypto API names are shorter (CRYPTO_MAX_ALG_NAME); room to spare. */
#define KVTI_ALG_NAMSIZ 128

/* An SA as reported by KVTI_CMD_SA_GET; keys are never among it. */
struct kvti_sa {
	uint32_t id;
	uint32_t ifindex;
	char ifname[KVTI_IFNAMSIZ];
	uint8_t dir;
	uint32_t spi;			/* host order */
	char aead[KVTI_ALG_NAMSIZ];	/* "" unless an AEAD */
	char enc[KVTI_ALG_NAMSIZ];	/* these two otherwise */
	char auth[KVTI_ALG_NAMSIZ];
	uint32_t enc_key_bits;
	uint32_t auth_key_bits;
	uint32_t icv_bits;
	bool esn;
	uint32_t idle_time;
	uint64_t age;
	uint64_t idle;
	struct kvti_lifetime soft, hard, cur;
	bool has_replay;		/* inbound */
	uint32_t replay_window;
	uint64_t replay_top;
	bool has_seq_out;		/* outbound */
	uint64_t seq_out;
	bool has_stats;
	uint64_t stats[KVTI_STAT_MAX + 1];
};

/* A multicast event; which fields mean something depends on cmd. */
struct kvti_event {
	uint8_t cmd;			/* KVTI_CMD_EV_* */
	uint32_t ifindex;
	char ifname[KVTI_IFNAMSIZ];
	uint32_t id;			/* EXPIRE, REPLAY, IDLE */
	uint8_t dir;			/* EXPIRE, REPLAY, IDLE */
	uint32_t spi;			/* these and INVALID_SPI */
	bool hard;			/* EXPIRE */
	struct kvti_addr local;		/* ACQUIRE, INVALID_SPI */
	struct kvti_addr remote;	/* ACQUIRE */
	struct kvti_addr src;		/* INVALID_SPI */
	struct kvti_tunnel tunnel;	/* TUNNEL_NEW, TUNNEL_DEL */
};

/* main.c */
int kvti_enter_netns(struct kvti_ctx *ctx);
struct kvti_nl *kvti_ctx_nl(struct kvti_ctx *ctx);
int kvti_dispatch(struct kvti_ctx *ctx, const char *object,
		  const struct kvti_command *table, size_t n, int argc, char **argv);
struct nl_msg *kvti_request(uint8_t cmd, int flags, const char *ifname);
int kvti_run(struct kvti_ctx *ctx, struct nl_msg *msg, kvti_nl_reply_fn fn, void *arg);

/* parse.c: strict parsers, no side effects; 0 or -EINVAL / -ERANGE */
int parse_uint(const char *s, uint64_t max, uint64_t *out);
int parse_addr(const char *s, struct kvti_addr *addr);
int parse_ifname(const char *s);
const struct kvti_command *parse_cmd(const char *word, const struct kvti_command *table,
				 size_t n, bool *ambiguous);
int parse_enum(const char *word, const char *const *names, size_t n);
/* also -EILSEQ: an odd number of digits */
int parse_hexkey(const char *s, uint8_t *out, size_t cap, size_t *len);

/* args.c: KEYWORD VALUE lists straight into netlink attributes */
#include "args.h"

/* sa_args.c: the grammar of `kvti sa`, beyond what args.c checks */
enum kvti_sa_form {
	KVTI_SA_ADD,		/* dev dir spi ( aead | enc auth ) [...] */
	KVTI_SA_ID,		/* dev dir spi */
	KVTI_SA_FILTER,		/* [dev] [spi] */
	KVTI_SA_DEV,		/* [dev] */
};
int kvti_sa_args_parse(const struct kvti_ctx *ctx, enum kvti_sa_form form,
		       int argc, char **argv, struct args *a);
int kvti_sa_args_put(struct nl_msg *msg, enum kvti_sa_form form,
		     const struct args *a);

/* decode.c: kernel replies into structs; 0 or -EBADMSG */
int kvti_decode_tunnel(struct nlmsghdr *nlh, struct kvti_tunnel *t);
int kvti_decode_sa(struct nlmsghdr *nlh, struct kvti_sa *sa);
int kvti_decode_event(struct nlmsghdr *nlh, struct kvti_event *ev);

/* tunnel.c, sa.c, stats.c, monitor.c: the objects */
int kvti_tunnel_main(struct kvti_ctx *ctx, int argc, char **argv);
struct kvti_tunnel_list {
	struct kvti_tunnel *v;
	size_t n, cap;
};
int kvti_tunnel_collect(struct nlmsghdr *nlh, void *list);	/* a kvti_nl_reply_fn */
int kvti_sa_main(struct kvti_ctx *ctx, int argc, char **argv);
int kvti_stats_main(struct kvti_ctx *ctx, int argc, char **argv);
int kvti_monitor_main(struct kvti_ctx *ctx, int argc, char **argv);

/* session.c: asks kvti-keyer over its control socket */
#define KVTI_KEYER_SOCKET	"/run/kvti/keyer.sock"	/* keyer/config.h agrees */
int kvti_session_main(struct kvti_ctx *ctx, int argc, char **argv);
const char *kvti_session_socket(const struct kvti_ctx *ctx);

/* import_ios.c: an IOS configuration as keyer.conf and setup commands (ios.h) */
int kvti_import_main(struct kvti_ctx *ctx, int argc, char **argv);

/* attrs.c: names of the uapi enums, for messages and output */
extern const struct kvti_attr_space kvti_attr_space;
extern const char *const kvti_df_names[KVTI_DF_MAX + 1];
extern const char *const kvti_encap_names[KVTI_ENCAP_MAX + 1];
extern const char *const kvti_dir_names[KVTI_DIR_MAX + 1];
extern const char *const kvti_life_words[KVTI_LIFE_MAX + 1];

/* output.c: all printing of results and diagnostics */
void out_begin_list(struct kvti_ctx *ctx);
void out_end_list(struct kvti_ctx *ctx);
void out_tunnel(struct kvti_ctx *ctx, const struct kvti_tunnel *t);
void out_sa(struct kvti_ctx *ctx, const struct kvti_sa *sa);
void out_tunnel_stats(struct kvti_ctx *ctx, const struct kvti_tunnel *t);
void out_event(struct kvti_ctx *ctx, const struct kvti_event *ev);
struct jp_node;
void out_session_cisco(struct kvti_ctx *ctx, const struct jp_node *ike, bool new_iface,
		       const struct kvti_sa *const *in, const struct kvti_sa *const *out);
void out_session(struct kvti_ctx *ctx, const struct jp_node *ike, bool module,
		 const struct kvti_sa *const *in, const struct kvti_sa *const *out);
void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int out_usage_error(const struct kvti_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int out_nl_error(const struct kvti_nl *nl);
void out_format_nl_error(const struct kvti_nl_error *e, char *buf, size_t len);
void out_usage(const struct kvti_ctx *ctx, FILE *f);
const char *out_addr(const struct kvti_addr *a, char *buf, size_t len);

#endif /* KVTI_TOOL_H */
