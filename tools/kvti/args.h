/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KEYWORD VALUE ... lists, ip-style, described by a table and turned into
 * netlink attributes.  Parsing checks syntax and ranges only and prints
 * usage errors; putting resolves names in the running system.
 */
#ifndef KVTI_ARGS_H
#define KVTI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvti.h>
#include <netlink/msg.h>

enum arg_kind {
	ARG_FLAG,	/* no value: NLA_FLAG */
	ARG_ENUM,	/* one of names[]: u8, the index */
	ARG_U16,
	ARG_U32,
	ARG_S32,	/* a signed 32-bit integer: a file descriptor */
	ARG_SPI,	/* u32, 1..0xffffffff */
	ARG_ADDR,	/* IPv4 or IPv6: 4 or 16 raw bytes */
	ARG_IFINDEX,	/* a tunnel's name, sent as its u32 ifindex */
	ARG_IFNAME,	/* a tunnel's name, sent as a string */
	ARG_LINK,	/* any device's name as its u32 ifindex, or none: 0 */
	ARG_STRING,	/* a non-empty string, e.g. an algorithm name */
	ARG_KEY,	/* KEYHEX, sent as binary; never printed, wiped after use */
	ARG_LIFE,	/* KIND N [soft N], once per KIND: two nests (attr, attr_soft) */
};

/*
 * One keyword.  Most take one value (or none, ARG_FLAG); a keyword with
 * `more` takes several, each its own attribute: "aead ALG KEYHEX ICVBITS"
 * is the row aead (ALG) with more = { KEYHEX, ICVBITS }, whose `word` is
 * the name of the value in messages.  Two keywords that set the same
 * attribute exclude each other ("aead" and "enc" both set the key).
 */
struct arg_spec {
	const char *word;
	int attr;			/* KVTI_A_* */
	enum arg_kind kind;
	const char *const *names;	/* ARG_ENUM */
	size_t nnames;
	const char *label;		/* name of the first value, with `more` */
	const struct arg_spec *more;
	size_t nmore;
	int attr_soft;			/* ARG_LIFE: the soft limits' nest */
};

#define ARG(w, a, k) { .word = (w), .attr = (a), .kind = (k) }
#define ARG_WORDS(w, a, words) { .word = (w), .attr = (a), .kind = ARG_ENUM, \
	.names = (words), .nnames = sizeof(words) / sizeof((words)[0]) }
#define ARG_MORE(w, a, k, lbl, parts) { .word = (w), .attr = (a), .kind = (k), \
	.label = (lbl), .more = (parts), .nmore = sizeof(parts) / sizeof((parts)[0]) }
#define ARG_LIFETIME(w, hard, soft) { .word = (w), .attr = (hard), .kind = ARG_LIFE, \
	.attr_soft = (soft) }

/* Attribute types are below 64, so one bit each (see args.c). */
#define ARGS_MAX_ATTR 64

/* KEYHEX holds at most this many bytes (the kernel's limits are lower). */
#define ARGS_KEY_MAX 512

struct arg_value {
	uint64_t u;
	uint8_t addr[16];
	uint8_t addr_len;
	char *str;			/* points into argv */
	bool secret;			/* str is a key: args_wipe() clears it */
	uint64_t life[KVTI_LIFE_MAX + 1];	/* ARG_LIFE, by KVTI_LIFE_* */
	unsigned int life_seen;		/* bit (1 << KVTI_LIFE_*) */
};

struct args {
	uint64_t seen;			/* bit (1 << attr) */
	struct arg_value v[ARGS_MAX_ATTR];
	const struct arg_spec *by[ARGS_MAX_ATTR];	/* the keyword that set it */
};

#define ARGS_HAS(a, attr) (((a)->seen >> (attr)) & 1)

struct kvti_ctx;

/* Returns KVTI_EXIT_OK, or KVTI_EXIT_USAGE after saying why. */
int args_parse(const struct kvti_ctx *ctx, const struct arg_spec *specs,
	       size_t n, int argc, char **argv, struct args *a);

/* Returns KVTI_EXIT_OK, or KVTI_EXIT_FAIL after saying why. */
int args_put(struct nl_msg *msg, const struct arg_spec *specs, size_t n,
	     const struct args *a);

/* Overwrites the keys given on the command line (in argv) with zeros. */
void args_wipe(struct args *a);

#endif /* KVTI_ARGS_H */
