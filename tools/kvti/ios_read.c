// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: reading an IOS configuration, line by line.
 *
 * IOS itself reads a pasted configuration by trying each command in the
 * current mode first and in the global mode next; show running-config
 * indents the commands of a block by one space and closes it with "!".
 * The reader does both, so that the configurations of Cisco's guides,
 * whose examples lost some of their indentation on the way ("crypto
 * isakmp policy 1 / encr 3des / authentication pre-share / group 2" with
 * group at the margin), read as IOS would read them:
 *  - "!" at the margin closes the block; an indented "!" closes a peer of
 *    a crypto ikev2 keyring (the only nested block we keep);
 *  - an indented line belongs to the open block;
 *  - a line at the margin belongs to the open block if it is one of that
 *    block's commands, else it is a global command and closes the block.
 * A global command we do not know opens a block we skip, with everything
 * indented under it: hostname, line vty, router ospf, other interfaces'
 * features have nothing to do with IPsec.  An unknown command inside an
 * IPsec block, or an unknown crypto command, is reported.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "ios.h"

/* What each block is called in messages about a command it lacks. */
static const char *const ctx_names[IOS_CTX_MAX] = {
	[IOS_CTX_POLICY] = "crypto isakmp policy",
	[IOS_CTX_ISAKMP_PROFILE] = "crypto isakmp profile",
	[IOS_CTX_KEYRING] = "crypto keyring",
	[IOS_CTX_PROP2] = "crypto ikev2 proposal",
	[IOS_CTX_POL2] = "crypto ikev2 policy",
	[IOS_CTX_KEYRING2] = "crypto ikev2 keyring",
	[IOS_CTX_PEER2] = "crypto ikev2 keyring peer",
	[IOS_CTX_PROFILE2] = "crypto ikev2 profile",
	[IOS_CTX_TSET] = "crypto ipsec transform-set",
	[IOS_CTX_IPSEC_PROFILE] = "crypto ipsec profile",
};

static void oom(void)
{
	fputs("Error: out of memory\n", stderr);
	exit(1);
}

void *ios_grow(void *vec, size_t *n, size_t *cap, size_t size)
{
	void **v = vec;
	char *p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;

		p = realloc(*v, ncap * size);
		if (!p)
			oom();
		*v = p;
		*cap = ncap;
	}
	p = (char *)*v + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

char *ios_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		oom();
	return d;
}

void ios_wipe_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

struct ios *ios_new(const char *file)
{
	struct ios *ios = calloc(1, sizeof(*ios));
	struct ios_keyring *kr;

	if (!ios)
		oom();
	ios->file = file;
	ios->replay = -1;
	/* keyrings[0]: the global keys of crypto isakmp key, IOS's "default" */
	kr = ios_grow(&ios->keyrings, &ios->nkeyrings, &ios->cap_keyrings, sizeof(*kr));
	snprintf(kr->name, sizeof(kr->name), "%s", "crypto isakmp key");
	return ios;
}

static void keyring_free(struct ios_keyring *kr)
{
	size_t i;

	for (i = 0; i < kr->npsk; i++) {
		ios_wipe_free(kr->psk[i].local);
		ios_wipe_free(kr->psk[i].remote);
	}
	free(kr->psk);
}

static void diags_free(struct ios_diag *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(d[i].text);
	free(d);
}

void ios_free(struct ios *ios)
{
	size_t i;

	if (!ios)
		return;
	for (i = 0; i < ios->nkeyrings; i++)
		keyring_free(&ios->keyrings[i]);
	for (i = 0; i < ios->nmerged; i++)
		keyring_free(&ios->merged[i]);
	for (i = 0; i < ios->nikeprofs; i++) {
		ios_wipe_free(ios->ikeprofs[i].psk_local);
		ios_wipe_free(ios->ikeprofs[i].psk_remote);
	}
	ios_wipe_free(ios->peer2.local);
	ios_wipe_free(ios->peer2.remote);
	free(ios->policies);
	free(ios->keyrings);
	free(ios->merged);
	free(ios->props2);
	free(ios->pols2);
	free(ios->ikeprofs);
	free(ios->tsets);
	free(ios->ipsecprofs);
	free(ios->ifaces);
	free(ios->routes);
	free(ios->hosts);
	diags_free(ios->diags, ios->ndiags);
	diags_free(ios->notes, ios->nnotes);
	free(ios);
}

/* --- diagnostics ------------------------------------------------------- */

/*
 * Which words of a line are secrets: the word after "key" (after its type
 * digit 0, 6 or 7, when a word follows that is not a keyword), after
 * "pre-shared-key" [local|remote] [0|6], "password" and "secret".
 */
static void secret_words(const struct ios_line *l, bool *secret)
{
	int i, j;

	memset(secret, 0, sizeof(bool) * IOS_WORDS);
	for (i = 0; i < l->n; i++) {
		if (ios_kw(l->w[i], "key") || ios_kw(l->w[i], "password") ||
		    ios_kw(l->w[i], "secret")) {
			j = i + 1;
		} else if (ios_kw(l->w[i], "pre-shared-key")) {
			j = i + 1;
			/* crypto keyring: pre-shared-key address A key K, the key comes later */
			if (ios_kw(l->w[j], "address") || ios_kw(l->w[j], "hostname"))
				continue;
			if (j < l->n && (ios_kw(l->w[j], "local") || ios_kw(l->w[j], "remote")))
				j++;
		} else {
			continue;
		}
		if (j + 1 < l->n && strlen(l->w[j]) == 1 && strchr("067", l->w[j][0]) &&
		    !ios_kw(l->w[j + 1], "address") && !ios_kw(l->w[j + 1], "hostname"))
			j++;
		if (j < l->n)
			secret[j] = true;
		i = j;
	}
}

/* The line's words joined by one blank, keys shown as <key>. */
void ios_line_text(const struct ios_line *l, char *buf, size_t len)
{
	bool secret[IOS_WORDS];
	size_t used = 0;
	int i, n;

	secret_words(l, secret);
	if (len)
		buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			     secret[i] ? "<key>" : l->w[i]);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

static void add_diag(struct ios_diag **v, size_t *n, size_t *cap, int line, const char *text)
{
	struct ios_diag *d = ios_grow(v, n, cap, sizeof(*d));

	d->line = line;
	d->text = ios_strdup(text);
	d->owner = 0;
}

static void vunsupported(struct ios *ios, int line, const char *text, const char *why,
			 va_list ap)
{
	char reason[256], msg[800];

	struct ios_diag *last = ios->ndiags ? &ios->diags[ios->ndiags - 1] : NULL;
	size_t len;

	vsnprintf(reason, sizeof(reason), why, ap);
	snprintf(msg, sizeof(msg), "unsupported: %s (", text);
	len = strlen(msg);
	/* a second reason for the same line goes with the first: one line, one report */
	if (last && last->line == line && !strncmp(last->text, msg, len)) {
		snprintf(msg, sizeof(msg), "%.*s; %s)", (int)strlen(last->text) - 1, last->text,
			 reason);
		free(last->text);
		last->text = ios_strdup(msg);
		return;
	}
	snprintf(msg + len, sizeof(msg) - len, "%s)", reason);
	add_diag(&ios->diags, &ios->ndiags, &ios->cap_diags, line, msg);
}

/* "unsupported: LINE (WHY)": an IPsec line that has no kvti equivalent. */
void ios_unsupported(struct ios *ios, const struct ios_line *l, const char *why, ...)
{
	char text[512];
	va_list ap;

	ios_line_text(l, text, sizeof(text));
	va_start(ap, why);
	vunsupported(ios, l->no, text, why, ap);
	va_end(ap);
}

/* The same about a block by its first line, e.g. for a default it implies. */
void ios_unsupported_at(struct ios *ios, int line, const char *head, const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	vunsupported(ios, line, head, why, ap);
	va_end(ap);
}

/* "unresolved: ...": a line that names something the file lacks. */
void ios_unresolved(struct ios *ios, int line, const char *fmt, ...)
{
	char text[512], msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "unresolved: %s", text);
	add_diag(&ios->diags, &ios->ndiags, &ios->cap_diags, line, msg);
}

void ios_note(struct ios *ios, int line, const char *fmt, ...)
{
	char text[512];
	size_t i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* The same note for two tunnels is said once. */
	for (i = 0; i < ios->nnotes; i++)
		if (ios->notes[i].line == line && !strcmp(ios->notes[i].text, text))
			return;
	add_diag(&ios->notes, &ios->nnotes, &ios->cap_notes, line, text);
}

/* --- small parsers ------------------------------------------------------ */

bool ios_kw(const char *word, const char *keyword)
{
	return word && !strcasecmp(word, keyword);
}

/*
 * Do the words of @l from @from on start with the blank-separated
 * keywords of @words?  Returns the index after them, or 0.
 */
int ios_match(const struct ios_line *l, int from, const char *words)
{
	const char *p = words;
	int i = from;
	size_t len;

	while (*p) {
		len = strcspn(p, " ");
		if (i >= l->n || strlen(l->w[i]) != len || strncasecmp(l->w[i], p, len))
			return 0;
		i++;
		p += len;
		while (*p == ' ')
			p++;
	}
	return i;
}

int ios_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s || strlen(s) > 10)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int ios_parse_addr(const char *s, struct ios_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (s && inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		a->plen = 32;
		return 0;
	}
	if (s && inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		a->plen = 128;
		return 0;
	}
	return -EINVAL;
}

/* ADDR/LEN (IPv6 as IOS writes it; IPv4 too). */
int ios_parse_prefix(const char *s, struct ios_addr *a)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	unsigned long len;
	size_t n = slash ? (size_t)(slash - s) : 0;

	if (!slash || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (ios_parse_addr(buf, a) ||
	    ios_number(slash + 1, 0, a->family == AF_INET ? 32 : 128, &len))
		return -EINVAL;
	a->plen = (unsigned int)len;
	return 0;
}

/* A dotted netmask (255.255.255.0) as a prefix length; holes are refused. */
int ios_mask_len(const char *mask, unsigned int *plen)
{
	struct in_addr in;
	uint32_t m;
	unsigned int n = 0;

	if (!mask || inet_pton(AF_INET, mask, &in) != 1)
		return -EINVAL;
	m = ntohl(in.s_addr);
	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	if (m)
		return -EINVAL;
	*plen = n;
	return 0;
}

const char *ios_addr_str(const struct ios_addr *a, bool with_len, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	if (!a->family || !inet_ntop(a->family, a->a, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	if (with_len)
		snprintf(buf, len, "%s/%u", s, a->plen);
	else
		snprintf(buf, len, "%s", s);
	return buf;
}

bool ios_addr_eq(const struct ios_addr *a, const struct ios_addr *b)
{
	return a->family && a->family == b->family &&
	       !memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16);
}

bool ios_prefix_contains(const struct ios_addr *p, const struct ios_addr *a)
{
	unsigned int bits = p->plen, i;

	if (!p->family || p->family != a->family)
		return false;
	for (i = 0; i < bits / 8; i++)
		if (p->a[i] != a->a[i])
			return false;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((p->a[i] & m) != (a->a[i] & m))
			return false;
	}
	return true;
}

/* --- the reader --------------------------------------------------------- */

/* Leave the open block (saying so to its owner), enter another. */
void ios_begin(struct ios *ios, enum ios_ctx ctx, void *obj)
{
	ios_crypto_end(ios);
	ios->ctx = ctx;
	ios->obj = obj;
}

static const struct ios_cmd *find_cmd(const struct ios_cmd *cmds, size_t n,
				      const struct ios_line *l, int *arg)
{
	size_t i;

	for (i = 0; cmds && i < n; i++) {
		*arg = ios_match(l, 0, cmds[i].words);
		if (*arg && (!cmds[i].indented || l->indent > 0) &&
		    (!cmds[i].nwords || cmds[i].nwords == l->n))
			return &cmds[i];
	}
	return NULL;
}

/*
 * banner motd ^C ... ^C: the text up to the closing delimiter is skipped.
 * show running-config writes the delimiter as the two characters "^C".
 */
static void cmd_banner(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *p;
	size_t dlen;

	(void)arg;
	p = l->n > 2 ? strstr(l->raw, l->w[2]) : NULL;
	ios_begin(ios, IOS_CTX_SKIP, NULL);
	if (!p)
		return;
	dlen = (p[0] == '^' && p[1] && p[1] != ' ') ? 2 : 1;
	memcpy(ios->banner_end, p, dlen);
	ios->banner_end[dlen] = '\0';
	if (!strstr(p + dlen, ios->banner_end))
		ios->ctx = IOS_CTX_BANNER;
}

static const struct ios_cmd global_read[] = {
	{ "banner", cmd_banner, false, 0 },
};
static const size_t nglobal_read = sizeof(global_read) / sizeof(global_read[0]);

/* Global commands, looked up in this order. */
static const struct ios_table global_tables[] = {
	{ global_read, &nglobal_read },
	{ ios_global_iface, &ios_nglobal_iface },
	{ ios_ikev1_global, &ios_nikev1_global },
	{ ios_ikev2_global, &ios_nikev2_global },
	{ ios_ipsec_global, &ios_nipsec_global },
	{ ios_crypto_global, &ios_ncrypto_global },
};

/* The commands of each block (interfaces: ios_iface_cmds). */
static const struct ios_table block_tables[IOS_CTX_MAX] = {
	[IOS_CTX_POLICY] = { ios_policy_cmds, &ios_npolicy_cmds },
	[IOS_CTX_ISAKMP_PROFILE] = { ios_isakmp_profile_cmds, &ios_nisakmp_profile_cmds },
	[IOS_CTX_KEYRING] = { ios_keyring_cmds, &ios_nkeyring_cmds },
	[IOS_CTX_PROP2] = { ios_prop2_cmds, &ios_nprop2_cmds },
	[IOS_CTX_POL2] = { ios_pol2_cmds, &ios_npol2_cmds },
	[IOS_CTX_KEYRING2] = { ios_keyring2_cmds, &ios_nkeyring2_cmds },
	[IOS_CTX_PEER2] = { ios_peer2_cmds, &ios_npeer2_cmds },
	[IOS_CTX_PROFILE2] = { ios_profile2_cmds, &ios_nprofile2_cmds },
	[IOS_CTX_TSET] = { ios_tset_cmds, &ios_ntset_cmds },
	[IOS_CTX_IPSEC_PROFILE] = { ios_ipsec_profile_cmds, &ios_nipsec_profile_cmds },
	[IOS_CTX_IFACE] = { ios_iface_cmds, &ios_niface_cmds },
};

static const struct ios_cmd *find_in(const struct ios_table *t, const struct ios_line *l,
				     int *arg)
{
	return t->cmds ? find_cmd(t->cmds, *t->n, l, arg) : NULL;
}

static void global_line(struct ios *ios, const struct ios_line *l)
{
	const struct ios_cmd *cmd = NULL;
	int arg;

	size_t i;

	ios_begin(ios, IOS_CTX_GLOBAL, NULL);
	for (i = 0; !cmd && i < sizeof(global_tables) / sizeof(global_tables[0]); i++)
		cmd = find_in(&global_tables[i], l, &arg);
	if (cmd) {
		cmd->fn(ios, l, arg);
		return;
	}
	if (ios_kw(l->w[0], "crypto") ||
	    (ios_kw(l->w[0], "no") && ios_kw(l->w[1], "crypto"))) {
		ios_unsupported(ios, l, "not an IPsec VTI command kvti import-ios knows");
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	ios_begin(ios, IOS_CTX_SKIP, NULL);
}

static void block_line(struct ios *ios, const struct ios_line *l)
{
	const struct ios_cmd *cmd = NULL;
	enum ios_ctx ctx = ios->ctx;
	int arg;

	cmd = find_in(&block_tables[ctx], l, &arg);
	if (!cmd && ctx == IOS_CTX_PEER2) {
		/* the next peer, or another command of the keyring */
		cmd = find_in(&block_tables[IOS_CTX_KEYRING2], l, &arg);
		if (cmd) {
			ios_crypto_end(ios);
			ios->ctx = IOS_CTX_KEYRING2;
		}
	}
	if (cmd) {
		cmd->fn(ios, l, arg);
		return;
	}
	if (l->indent == 0) {
		global_line(ios, l);
		return;
	}
	switch (ctx) {
	case IOS_CTX_SKIP:
	case IOS_CTX_UNSUPPORTED:
		return;
	case IOS_CTX_IFACE:
		ios_iface_unknown(ios, l);
		return;
	default:
		ios_unsupported(ios, l, "not a %s command kvti import-ios knows",
				ctx_names[ctx] ? ctx_names[ctx] : "block");
	}
}

/* Splits @buf (modified) into @l; a word "!" starts a comment. */
static int split(char *buf, struct ios_line *l)
{
	char *p = buf;

	l->n = 0;
	l->indent = 0;
	while (*p == ' ' || *p == '\t') {
		l->indent++;
		p++;
	}
	while (*p) {
		if (l->n == IOS_WORDS)
			return -E2BIG;
		l->w[l->n++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (l->n > 1 && !strcmp(l->w[l->n - 1], "!")) {
			l->n--;
			break;
		}
	}
	return 0;
}

static void read_line(struct ios *ios, char *buf, int no)
{
	char raw[1024];
	struct ios_line l = { .no = no, .raw = raw };
	size_t len = strlen(buf);
	bool bang, leave;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
		       buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	snprintf(raw, sizeof(raw), "%s", buf);
	if (ios->ctx == IOS_CTX_BANNER) {
		if (strstr(buf, ios->banner_end))
			ios->ctx = IOS_CTX_GLOBAL;
		return;
	}
	if (split(buf, &l)) {
		if (ios->ctx != IOS_CTX_SKIP && ios->ctx != IOS_CTX_UNSUPPORTED)
			ios_unresolved(ios, no, "more than %d words on the line", IOS_WORDS);
		return;
	}
	if (!l.n)
		return;
	/*
	 * "!" at the margin closes the block; indented, a crypto ikev2 keyring's
	 * peer.  "exit" (typed by hand, pasted) leaves the mode it is in.
	 */
	bang = l.w[0][0] == '!';
	leave = l.n == 1 && (ios_kw(l.w[0], "exit") || ios_kw(l.w[0], "quit"));
	if (bang || leave) {
		if (ios->ctx == IOS_CTX_PEER2 && (leave || l.indent > 0)) {
			ios_crypto_end(ios);
			ios->ctx = IOS_CTX_KEYRING2;
		} else if (leave || l.indent == 0) {
			ios_begin(ios, IOS_CTX_GLOBAL, NULL);
		}
		return;
	}
	if (ios->ctx == IOS_CTX_GLOBAL)
		global_line(ios, &l);
	else
		block_line(ios, &l);
}

int ios_read(struct ios *ios, FILE *in)
{
	char buf[1024];
	size_t len;
	int no = 0;
	bool longline = false;

	while (fgets(buf, sizeof(buf), in)) {
		len = strlen(buf);
		if (longline) {
			/* the rest of a line too long for us: already reported */
			longline = len && buf[len - 1] != '\n';
			continue;
		}
		no++;
		if (len && buf[len - 1] != '\n' && !feof(in)) {
			ios_unresolved(ios, no, "line longer than %zu characters", sizeof(buf) - 2);
			longline = true;
			continue;
		}
		read_line(ios, buf, no);
	}
	if (ferror(in))
		return -EIO;
	ios_begin(ios, IOS_CTX_GLOBAL, NULL);
	ios_crypto_finish(ios);
	ios_iface_finish(ios);
	return 0;
}
