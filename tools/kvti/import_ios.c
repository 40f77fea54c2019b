// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios [--force] [-o DIR] FILE: an IOS VTI configuration as
 * keyer.conf(5) and the commands that make its tunnels and routes.
 *
 * Without -o both go to stdout, keyer.conf first, each after a line
 * "# ==== keyer.conf ====" or "# ==== setup.sh ====".  With -o DIR they
 * are DIR/keyer.conf (mode 0600: it holds the keys) and DIR/setup.sh
 * (0755), each written to a temporary file and renamed.
 *
 * Every IPsec line that cannot be imported is listed on stderr as
 * FILE:LINE: ...; then nothing is written and the exit status is 1,
 * unless --force, which writes what could be imported.  Nothing talks to
 * the kernel: the output is for a gateway to review and run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ios.h"
#include "kvti.h"

static const struct kvti_command import_row[] = {
	{ "", 0, NULL, "[--force] [-o DIR] FILE" },
};

struct import_opts {
	const char *file;
	const char *dir;
	bool force;
};

static int parse_opts(struct kvti_ctx *ctx, int argc, char **argv, struct import_opts *o)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--force")) {
			o->force = true;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 == argc || !argv[i + 1][0])
				return out_usage_error(ctx, "option %s needs a DIR", argv[i]);
			o->dir = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return out_usage_error(ctx, "unknown option \"%s\"", argv[i]);
		} else if (o->file) {
			return out_usage_error(ctx, "unexpected \"%s\"", argv[i]);
		} else {
			o->file = argv[i];
		}
	}
	if (!o->file)
		return out_usage_error(ctx, "missing FILE (an IOS configuration, - for stdin)");
	return KVTI_EXIT_OK;
}

/* DIR/NAME by way of a temporary file in DIR, renamed when complete. */
static int write_file(const char *dir, const char *name, mode_t mode, struct ios *ios,
		      void (*fn)(struct ios *, FILE *))
{
	char path[4096], tmp[4096];
	FILE *f = NULL;
	int fd, err = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(tmp)) {
		out_error("%s: path too long", dir);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		out_error("cannot write in %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) < 0 || !(f = fdopen(fd, "w"))) {
		err = errno;
		close(fd);
	} else {
		fn(ios, f);
		if (fflush(f) || ferror(f) || fsync(fd) < 0)
			err = errno ? errno : EIO;
		if (fclose(f) && !err)
			err = errno;
	}
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err) {
		unlink(tmp);
		out_error("writing %s: %s", path, strerror(err));
		return -1;
	}
	return 0;
}

static int write_out(const struct import_opts *o, struct ios *ios)
{
	if (!o->dir) {
		puts("# ==== keyer.conf ====");
		ios_write_conf(ios, stdout);
		puts("# ==== setup.sh ====");
		ios_write_setup(ios, stdout);
		return KVTI_EXIT_OK;
	}
	if (mkdir(o->dir, 0700) < 0 && errno != EEXIST) {
		out_error("cannot make %s: %s", o->dir, strerror(errno));
		return KVTI_EXIT_FAIL;
	}
	if (write_file(o->dir, "keyer.conf", 0600, ios, ios_write_conf) ||
	    write_file(o->dir, "setup.sh", 0755, ios, ios_write_setup))
		return KVTI_EXIT_FAIL;
	return KVTI_EXIT_OK;
}

static int import(const struct import_opts *o)
{
	bool is_stdin = !strcmp(o->file, "-");
	FILE *in = is_stdin ? stdin : fopen(o->file, "r");
	size_t i, ntunnels = 0, nipsec = 0;
	struct ios *ios;
	int ret;

	if (!in) {
		out_error("cannot read %s: %s", o->file, strerror(errno));
		return KVTI_EXIT_FAIL;
	}
	ios = ios_new(is_stdin ? "stdin" : o->file);
	ret = ios_read(ios, in);
	if (!is_stdin)
		fclose(in);
	if (ret) {
		out_error("reading %s: %s", o->file, strerror(-ret));
		ios_free(ios);
		return KVTI_EXIT_FAIL;
	}
	ios_resolve(ios);
	for (i = 0; i < ios->nifaces; i++) {
		nipsec += ios->ifaces[i].kind != IOS_IF_OTHER && ios->ifaces[i].ipsec;
		ntunnels += ios->ifaces[i].usable;
	}
	fflush(stdout);
	for (i = 0; i < ios->ndiags; i++) {
		if (ios->diags[i].line)
			fprintf(stderr, "%s:%d: %s\n", ios->file, ios->diags[i].line,
				ios->diags[i].text);
		else
			fprintf(stderr, "%s: %s\n", ios->file, ios->diags[i].text);
	}
	if (!nipsec) {
		out_error("%s has no IPsec VTI (interface Tunnel or Virtual-Template with "
			  "tunnel mode ipsec and tunnel protection)", ios->file);
		ret = KVTI_EXIT_FAIL;
	} else if (ios->ndiags && !o->force) {
		out_error("%zu line%s of %s cannot be imported; nothing written "
			  "(--force writes the rest)", ios->ndiags,
			  ios->ndiags == 1 ? "" : "s", ios->file);
		ret = KVTI_EXIT_FAIL;
	} else {
		if (ios->ndiags)
			fprintf(stderr, "Warning: %zu line%s not imported (--force); "
				"%zu of %zu tunnels imported\n", ios->ndiags,
				ios->ndiags == 1 ? "" : "s", ntunnels, nipsec);
		ret = write_out(o, ios);
	}
	ios_free(ios);
	return ret;
}

int kvti_import_main(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct import_opts o = { 0 };
	int ret;

	ctx->object = "import-ios";
	ctx->cmds = import_row;
	ctx->ncmds = ARRAY_SIZE(import_row);
	ctx->cmd = &import_row[0];
	if (argc > 0 && !strcmp(argv[0], "help")) {
		out_usage(ctx, stdout);
		return KVTI_EXIT_OK;
	}
	ret = parse_opts(ctx, argc, argv, &o);
	return ret ? ret : import(&o);
}
