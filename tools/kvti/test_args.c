// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the `kvti sa` grammar: command lines go through
 * kvti_sa_args_parse() and kvti_sa_args_put(), and the request's attributes
 * are printed back in a canonical form and compared; refused lines must
 * exit 2 with the given words on stderr, never showing a key.
 */
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "kvti.h"
#include "test.h"

/* How each attribute of a request is printed back. */
enum { T_NONE, T_U8, T_U32, T_STR, T_HEX, T_FLAG, T_LIFE };

static int attr_type(int type)
{
	switch (type) {
	case KVTI_A_SA_DIR:
		return T_U8;
	case KVTI_A_SA_SPI:
	case KVTI_A_SA_ICV_BITS:
	case KVTI_A_SA_REPLAY_WINDOW:
	case KVTI_A_SA_IDLE_TIME:
		return T_U32;
	case KVTI_A_IFNAME:
	case KVTI_A_SA_AEAD_ALG:
	case KVTI_A_SA_ENC_ALG:
	case KVTI_A_SA_AUTH_ALG:
		return T_STR;
	case KVTI_A_SA_ENC_KEY:
	case KVTI_A_SA_AUTH_KEY:
		return T_HEX;
	case KVTI_A_SA_ESN:
		return T_FLAG;
	case KVTI_A_SA_LIFE_SOFT:
	case KVTI_A_SA_LIFE_HARD:
		return T_LIFE;
	}
	return T_NONE;
}

static const char *short_name(int type)
{
	const char *n = type <= (int)kvti_attr_space.max ? kvti_attr_space.names[type] : NULL;

	return n ? n + strlen("KVTI_A_") : "?";
}

/* "IFNAME=vti1 SA_DIR=1 SA_LIFE_HARD{SECONDS=10} ..." */
static void dump(struct nl_msg *msg, char *out, size_t len)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a, *l;
	size_t pos = 0;
	int rem, lrem, i;

	out[0] = '\0';
#define ADD(...) (pos += snprintf(out + pos, pos < len ? len - pos : 0, __VA_ARGS__))
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		int type = nla_type(a);

		ADD("%s%s", pos ? " " : "", short_name(type));
		switch (attr_type(type)) {
		case T_U8:
			ADD("=%u", nla_get_u8(a));
			break;
		case T_U32:
			ADD("=%u%s", nla_get_u32(a), nla_len(a) == 4 ? "" : "(len?)");
			break;
		case T_STR:
			ADD("=%.*s", nla_len(a), (char *)nla_data(a));
			break;
		case T_HEX:
			ADD("=");
			for (i = 0; i < nla_len(a); i++)
				ADD("%02x", ((unsigned char *)nla_data(a))[i]);
			break;
		case T_FLAG:
			if (nla_len(a))
				ADD("(len?)");
			break;
		case T_LIFE:
			ADD("{");
			nla_for_each_nested(l, a, lrem)
				ADD("%s%s=%llu", l == nla_data(a) ? "" : " ",
				    nla_type(l) <= KVTI_LIFE_MAX && kvti_life_words[nla_type(l)] ?
				    kvti_life_words[nla_type(l)] : "?",
				    (unsigned long long)nla_get_u64(l));
			ADD("}");
			break;
		default:
			ADD("(unexpected)");
		}
	}
#undef ADD
}

/* stderr goes to a file while a case runs, to be read back. */
static char err_text[4096];

static int capture_begin(void)
{
	int saved = dup(2);
	FILE *f = tmpfile();

	fflush(stderr);
	dup2(fileno(f), 2);
	fclose(f);	/* fd 2 keeps the file open */
	return saved;
}

static void capture_end(int saved)
{
	ssize_t n;

	fflush(stderr);
	lseek(2, 0, SEEK_SET);
	n = read(2, err_text, sizeof(err_text) - 1);
	err_text[n > 0 ? n : 0] = '\0';
	dup2(saved, 2);
	close(saved);
}

#define MAXARGS 64

/* Splits line at blanks into argv (in buf); '' stands for an empty word. */
static int split(const char *line, char *buf, size_t len, char **argv)
{
	char *w;
	int argc = 0;

	snprintf(buf, len, "%s", line);
	for (w = strtok(buf, " "); w && argc < MAXARGS; w = strtok(NULL, " "))
		argv[argc++] = strcmp(w, "''") ? w : w + 2;
	return argc;
}

#define K20 "0x00112233445566778899aabbccddeeff01020304"
#define GCM "rfc4106(gcm(aes))"

static const struct {
	enum kvti_sa_form form;
	const char *line;
	int exit;
	const char *want;	/* the attributes, or words of the error */
} cases[] = {
	/* 1. the smallest AEAD SA */
	{ KVTI_SA_ADD, "dev vti1 dir out spi 0x1001 aead " GCM " " K20 " 128", 0,
	  "IFNAME=vti1 SA_DIR=1 SA_SPI=4097 SA_AEAD_ALG=" GCM
	  " SA_ENC_KEY=00112233445566778899aabbccddeeff01020304 SA_ICV_BITS=128" },
	/* 2. enc and auth, inbound, every option (attributes in table order) */
	{ KVTI_SA_ADD, "idle-time 60 dev vti1 auth hmac(sha256) 0xA0b1 128 dir in esn "
	  "spi 8193 replay-window 1024 enc cbc(aes) 0x0001", 0,
	  "IFNAME=vti1 SA_DIR=0 SA_SPI=8193 SA_ENC_ALG=cbc(aes) SA_ENC_KEY=0001 "
	  "SA_AUTH_ALG=hmac(sha256) SA_AUTH_KEY=a0b1 SA_ICV_BITS=128 SA_ESN "
	  "SA_REPLAY_WINDOW=1024 SA_IDLE_TIME=60" },
	/* 3. ESP-NULL: "0x" is an empty key */
	{ KVTI_SA_ADD, "dev vti1 dir in spi 300 enc ecb(cipher_null) 0x auth hmac(sha1) 0x01 96", 0,
	  "IFNAME=vti1 SA_DIR=0 SA_SPI=300 SA_ENC_ALG=ecb(cipher_null) SA_ENC_KEY= "
	  "SA_AUTH_ALG=hmac(sha1) SA_AUTH_KEY=01 SA_ICV_BITS=96" },
	/* 4. lifetimes: one keyword per kind, soft optional per kind */
	{ KVTI_SA_ADD, "dev v dir out spi 256 aead a 0x 64 lifetime seconds 3600 soft 3000 "
	  "lifetime packets 100 soft 50 lifetime bytes 1000000", 0,
	  "IFNAME=v SA_DIR=1 SA_SPI=256 SA_AEAD_ALG=a SA_ENC_KEY= SA_ICV_BITS=64 "
	  "SA_LIFE_HARD{seconds=3600 bytes=1000000 packets=100} "
	  "SA_LIFE_SOFT{seconds=3000 packets=50}" },
	/* 5. no soft limit: no soft nest */
	{ KVTI_SA_ADD, "dev v dir out spi 256 aead a 0x 64 lifetime bytes 0x10", 0,
	  "IFNAME=v SA_DIR=1 SA_SPI=256 SA_AEAD_ALG=a SA_ENC_KEY= SA_ICV_BITS=64 "
	  "SA_LIFE_HARD{bytes=16}" },
	/* 6. u64 limits; "soft" right after the value it belongs to */
	{ KVTI_SA_ADD, "lifetime packets 18446744073709551615 soft 18446744073709551614 "
	  "dev v dir in spi 4294967295 aead a 0x 128", 0,
	  "IFNAME=v SA_DIR=0 SA_SPI=4294967295 SA_AEAD_ALG=a SA_ENC_KEY= SA_ICV_BITS=128 "
	  "SA_LIFE_HARD{packets=18446744073709551615} "
	  "SA_LIFE_SOFT{packets=18446744073709551614}" },
	/* 7. SPIs below 256 are the kernel's to refuse */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128", 0,
	  "IFNAME=v SA_DIR=0 SA_SPI=1 SA_AEAD_ALG=a SA_ENC_KEY= SA_ICV_BITS=128" },
	/* 8. a hard limit of 0 (none) with a soft one */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds 0 soft 10", 0,
	  "IFNAME=v SA_DIR=0 SA_SPI=1 SA_AEAD_ALG=a SA_ENC_KEY= SA_ICV_BITS=128 "
	  "SA_LIFE_HARD{seconds=0} SA_LIFE_SOFT{seconds=10}" },

	/* 9. what add requires */
	{ KVTI_SA_ADD, "dir out spi 1 aead a 0x 128", 2, "missing \"dev NAME\"" },
	/* 10. */
	{ KVTI_SA_ADD, "dev v spi 1 aead a 0x 128", 2, "missing \"dir in|out\"" },
	/* 11. */
	{ KVTI_SA_ADD, "dev v dir in aead a 0x 128", 2, "missing \"spi SPI\"" },
	/* 12. */
	{ KVTI_SA_ADD, "dev v dir in spi 1", 2, "missing the algorithm" },
	/* 13. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc cbc(aes) 0x00", 2,
	  "\"enc\" needs \"auth ALG KEYHEX TRUNCBITS\"" },
	/* 14. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 auth hmac(sha1) 0x00 96", 2,
	  "\"auth\" needs \"enc ALG KEYHEX\"" },
	/* 15. the algorithm words exclude each other */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 enc b 0x", 2,
	  "\"enc\" cannot go with \"aead\"" },
	/* 16. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 auth b 0x 96", 2,
	  "\"auth\" cannot go with \"aead\"" },
	/* 17. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc b 0x aead a 0x 128", 2,
	  "\"aead\" cannot go with \"enc\"" },
	/* 18. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 aead a 0x 128", 2,
	  "\"aead\" given twice" },
	/* 19. values of each keyword */
	{ KVTI_SA_ADD, "dev v dir both spi 1 aead a 0x 128", 2,
	  "invalid dir \"both\": expected in|out" },
	/* 20. */
	{ KVTI_SA_ADD, "dev v dir in spi 0 aead a 0x 128", 2,
	  "invalid spi \"0\": expected an integer 1..4294967295" },
	/* 21. */
	{ KVTI_SA_ADD, "dev v dir in spi 0x100000000 aead a 0x 128", 2,
	  "invalid spi \"0x100000000\": expected an integer 1..4294967295" },
	/* 22. */
	{ KVTI_SA_ADD, "dev v dir in spi 1x aead a 0x 128", 2, "invalid spi \"1x\"" },
	/* 23. */
	{ KVTI_SA_ADD, "dev abcdefghijklmnop dir in spi 1 aead a 0x 128", 2,
	  "invalid dev \"abcdefghijklmnop\": expected a name of 1..15 characters" },
	/* 24. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x", 2, "\"aead\" needs ALG KEYHEX ICVBITS" },
	/* 25. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc a", 2, "\"enc\" needs ALG KEYHEX" },
	/* 26. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc a 0x auth b 0x", 2,
	  "\"auth\" needs ALG KEYHEX TRUNCBITS" },
	/* 27. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead '' 0x 128", 2,
	  "invalid aead ALG \"\": expected a name" },
	/* 28. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x123 128", 2,
	  "invalid aead KEYHEX: an odd number of hexadecimal digits" },
	/* 29. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x12zz 128", 2,
	  "invalid aead KEYHEX: expected 0x followed by hexadecimal digits" },
	/* 30. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 1234 128", 2,
	  "invalid aead KEYHEX: expected 0x" },
	/* 31. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a '' 128", 2, "invalid aead KEYHEX: expected 0x" },
	/* 32. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc a 0x0 auth b 0x00 96", 2,
	  "invalid enc KEYHEX: an odd number" },
	/* 33. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc a 0x auth b 0xq0 96", 2,
	  "invalid auth KEYHEX: expected 0x" },
	/* 34. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x x", 2,
	  "invalid aead ICVBITS \"x\": expected an integer 0..4294967295" },
	/* 35. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 enc a 0x auth b 0x -1", 2,
	  "invalid auth TRUNCBITS \"-1\"" },
	/* 36. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 esn esn", 2, "\"esn\" given twice" },
	/* 37. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 replay-window 4294967296", 2,
	  "invalid replay-window \"4294967296\"" },
	/* 38. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 replay-window", 2,
	  "\"replay-window\" needs a value" },
	/* 39. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 idle-time 1.5", 2,
	  "invalid idle-time \"1.5\"" },
	/* 40. the lifetime grammar */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime kilobytes 4608000", 2,
	  "invalid lifetime kind \"kilobytes\": expected seconds|bytes|packets" },
	/* 41. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds", 2,
	  "\"lifetime\" needs seconds|bytes|packets N" },
	/* 42. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime", 2,
	  "\"lifetime\" needs seconds|bytes|packets N" },
	/* 43. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds 1h", 2,
	  "invalid lifetime seconds \"1h\": expected an integer 0..18446744073709551615" },
	/* 44. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime bytes 18446744073709551616", 2,
	  "invalid lifetime bytes \"18446744073709551616\"" },
	/* 45. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds 10 soft", 2,
	  "\"lifetime seconds soft\" needs a value" },
	/* 46. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds 10 soft x", 2,
	  "invalid lifetime seconds soft \"x\"" },
	/* 47. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds 10 lifetime seconds 20", 2,
	  "\"lifetime seconds\" given twice" },
	/* 48. "soft" alone is not a keyword */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 soft 10", 2, "unknown keyword \"soft\"" },
	/* 49. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 lifetime seconds 10 soft 5 soft 4", 2,
	  "unknown keyword \"soft\"" },
	/* 50. a stray hex value (a key in the wrong place) is not echoed */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 0x5ec2e7", 2,
	  "unexpected hexadecimal value where a keyword belongs" },
	/* 51. */
	{ KVTI_SA_ADD, "dev v dir in spi 1 aead a 0x 128 kilobytes 1", 2,
	  "unknown keyword \"kilobytes\"" },

	/* 52. del: dev, dir and spi, nothing else */
	{ KVTI_SA_ID, "spi 0x2001 dir in dev vti1", 0, "IFNAME=vti1 SA_DIR=0 SA_SPI=8193" },
	/* 53. */
	{ KVTI_SA_ID, "dev vti1 dir in", 2, "missing \"spi SPI\"" },
	/* 54. */
	{ KVTI_SA_ID, "dev vti1 dir in spi 1 aead a 0x 128", 2, "unknown keyword \"aead\"" },
	/* 55. show: optional filters */
	{ KVTI_SA_FILTER, "", 0, "" },
	/* 56. */
	{ KVTI_SA_FILTER, "spi 0x1001", 0, "SA_SPI=4097" },
	/* 57. */
	{ KVTI_SA_FILTER, "spi 1 dev vti1", 0, "IFNAME=vti1 SA_SPI=1" },
	/* 58. */
	{ KVTI_SA_FILTER, "dir in", 2, "unknown keyword \"dir\"" },
	/* 59. */
	{ KVTI_SA_FILTER, "spi 0", 2, "invalid spi \"0\"" },
	/* 60. flush: dev only */
	{ KVTI_SA_DEV, "", 0, "" },
	/* 61. */
	{ KVTI_SA_DEV, "dev vti1", 0, "IFNAME=vti1" },
	/* 62. */
	{ KVTI_SA_DEV, "spi 1", 2, "unknown keyword \"spi\"" },
	/* 63. */
	{ KVTI_SA_DEV, "dev", 2, "\"dev\" needs a value" },
};

int main(void)
{
	struct kvti_ctx ctx = { 0 };
	char buf[2048], got[2048], *argv[MAXARGS];
	struct nl_msg *msg;
	struct args a;
	int argc, ret, saved;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		argc = split(cases[i].line, buf, sizeof(buf), argv);
		saved = capture_begin();
		ret = kvti_sa_args_parse(&ctx, cases[i].form, argc, argv, &a);
		got[0] = '\0';
		if (!ret) {
			msg = kvti_nl_msg(KVTI_CMD_SA_NEW, KVTI_GENL_VERSION, 0);
			ret = kvti_sa_args_put(msg, cases[i].form, &a);
			dump(msg, got, sizeof(got));
			kvti_nl_msg_free(msg);
		}
		capture_end(saved);
		if (cases[i].exit) {
			CHECK(ret == cases[i].exit && strstr(err_text, cases[i].want),
			      "case %zu: %s -> exit %d", i + 1, cases[i].line, ret);
			if (!strstr(err_text, cases[i].want))
				printf("#   stderr: %s#   want:   %s\n", err_text, cases[i].want);
		} else {
			CHECK_STR(ret ? err_text : got, cases[i].want, "case %zu: %s",
				  i + 1, cases[i].line);
		}
	}

	/* 64. no refusal shows the key it refused, nor a stray one */
	{
		static const char *const lines[] = {
			"dev v dir in spi 1 aead a 0x5ec2e75ec2e7zz 128",
			"dev v dir in spi 1 aead a 0x5ec2e75ec2e7f 128",
			"dev v dir in spi 1 aead a 0x 128 0x5ec2e75ec2e7",
			"dev v dir in spi 1 aead a 5ec2e75ec2e7 128",
		};
		bool clean = true;
		size_t k;

		for (k = 0; k < ARRAY_SIZE(lines); k++) {
			argc = split(lines[k], buf, sizeof(buf), argv);
			saved = capture_begin();
			ret = kvti_sa_args_parse(&ctx, KVTI_SA_ADD, argc, argv, &a);
			capture_end(saved);
			if (ret != KVTI_EXIT_USAGE || strstr(err_text, "5ec2e7"))
				clean = false;
		}
		CHECK(clean, "refused keys are never echoed");
	}

	/* 65. args_wipe() zeroes the keys in argv, and only them */
	{
		size_t len, k;
		bool zero = true;

		argc = split("dev vti1 dir in spi 1 enc cbc(aes) 0x1122 auth hmac(sha1) 0x3344 96",
			     buf, sizeof(buf), argv);
		ret = kvti_sa_args_parse(&ctx, KVTI_SA_ADD, argc, argv, &a);
		len = strlen(argv[8]);
		args_wipe(&a);
		for (k = 0; k < len; k++)
			zero &= argv[8][k] == '\0' && argv[11][k] == '\0';
		CHECK(ret == 0 && zero && !strcmp(argv[1], "vti1") &&
		      !strcmp(argv[7], "cbc(aes)"), "args_wipe clears the keys only");
	}

	/* 66. the tunnel grammar still says "given twice" for one keyword */
	{
		static const struct arg_spec specs[] = { ARG("key", KVTI_A_KEY, ARG_U32) };

		argc = split("key 1 key 2", buf, sizeof(buf), argv);
		saved = capture_begin();
		ret = args_parse(&ctx, specs, 1, argc, argv, &a);
		capture_end(saved);
		CHECK(ret == KVTI_EXIT_USAGE && strstr(err_text, "\"key\" given twice"),
		      "given twice, single-valued keyword");
	}
	return test_done();
}
