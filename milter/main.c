/*
 * main.c: the listmilter command line: -c FILE, -f, -n, -V.
 * It reads and checks the configuration, then hands over to daemon_run().
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "daemon.h"
#include "lmerr.h"
#include "log.h"

static void usage(FILE *fp)
{
	fprintf(fp,
	        "usage: listmilter [-c FILE] [-f] [-n] [-V]\n"
	        "  -c FILE  configuration file (default $LISTMILTER_CONF or %s)\n"
	        "  -f       stay in the foreground, log to stderr too\n"
	        "  -n       check the configuration and exit\n"
	        "  -V       print the version and exit\n",
	        CONFIG_DEFAULT_PATH);
}

/* -n: syntax first, then what start-up would trip over; every problem on stderr. */
static int check_only(const struct config *cfg, const char *path)
{
	struct buf err;
	bool ok;

	buf_init(&err, BUF_CAP_SMALL);
	ok = daemon_check(cfg, &err);
	if (!ok)
		fprintf(stderr, "listmilter: %s", buf_cstr(&err));
	else
		printf("listmilter: %s: configuration OK\n", path);
	buf_free(&err);
	return ok ? EX_OK : EX_CONFIG;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	bool foreground = false, check = false;
	struct config *cfg = NULL;
	struct buf err;
	int c, rc;

	while ((c = getopt(argc, argv, "c:fnVh")) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'V':
			printf("%s\n", daemon_version());
			return EX_OK;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (path == NULL)
		path = config_default_path();
	buf_init(&err, BUF_CAP_SMALL);
	if ((rc = config_load(path, &cfg, &err)) != LM_OK) {
		fprintf(stderr, "listmilter: %s\n", buf_cstr(&err));
		buf_free(&err);
		return rc == LM_ENOENT ? EX_NOINPUT : EX_CONFIG;
	}
	buf_free(&err);
	if (check) {
		rc = check_only(cfg, path);
		config_free(cfg);
		return rc;
	}
	return daemon_run(cfg, path, foreground);
}
