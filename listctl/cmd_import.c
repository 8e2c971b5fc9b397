/*
 * cmd_import.c: listctl import: bring existing mailboxes and pipermail period files into a
 * list's archive, numbered in file order, from N, or as an old pipermail tree numbered them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "import.h"
#include "lists.h"
#include "listctl.h"
#include "lmerr.h"

#define IMPORT_USAGE                                                                               \
	"usage: listctl import [--number-from N | --numbers-from OLD_ARCHIVE_DIR] [--mboxrd] "     \
	"LIST "                                                                                    \
	"FILE...\n"

struct import_args {
	bool number_from_set;
	uint32_t number_from;
	const char *numbers_from;
	enum mbox_format fmt;
	int first; /* argv index of LIST */
};

static int parse_args(int argc, char **argv, struct import_args *a)
{
	static const struct option longopts[] = {
	        {"number-from", required_argument, NULL, 'n'},
	        {"numbers-from", required_argument, NULL, 'N'},
	        {"mboxrd", no_argument, NULL, 'r'},
	        {NULL, 0, NULL, 0},
	};
	char *end;
	unsigned long v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (c == 'n') {
			v = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v >= UINT32_MAX)
				return EX_USAGE;
			a->number_from_set = true;
			a->number_from = (uint32_t)v;
		} else if (c == 'N') {
			a->numbers_from = optarg;
		} else if (c == 'r') {
			a->fmt = MBOX_MBOXRD;
		} else {
			return EX_USAGE;
		}
	}
	if (argc - optind < 2 || (a->number_from_set && a->numbers_from))
		return EX_USAGE;
	a->first = optind;
	return EX_OK;
}

/* mkdir -p (0750): the scrubber stores attachments below DataDir/archives/<list>. */
static int make_dirs(const char *path)
{
	char *p = strdup(path), *s;
	int rc = 0;

	if (p == NULL)
		return -1;
	for (s = p + 1; rc == 0 && (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0750) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0750) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Scrubber options for raw posts, from the list's settings and the site limits. */
static void scrub_setup(struct ctl *ctl, const struct list *l, struct buf *root,
                        struct scrub_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->list_name = list_name(l);
	so->host = list_domain(l);
	so->archive_url = list_get(l, "archive_url");
	so->storage_root = buf_cstr(root);
	so->lcset = list_get(l, "archive_charset");
	so->html_sanitizer = (int)list_get_int(l, "html_sanitizer");
	so->use_filename = list_get_bool(l, "scrub_use_filename");
	so->limits.max_header_bytes = ctl->cfg->max_header_bytes;
	so->limits.max_depth = ctl->cfg->max_mime_depth;
	so->limits.max_parts = ctl->cfg->max_mime_parts;
	so->limits.max_decoded_bytes = ctl->cfg->max_decoded_bytes;
}

static int run_import(struct dbenv *env, struct import_opts *o, int nfiles, char **files)
{
	struct import_stats st = {0};
	struct timespec t0, t1;
	double secs;
	int i, rc = LM_OK;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = import_begin(env, o)) != LM_OK) {
		fprintf(stderr, "listctl import: %s\n", lm_strerror(rc));
		return EX_SOFTWARE;
	}
	for (i = 0; i < nfiles && rc == LM_OK; i++)
		if ((rc = import_file(env, files[i], o, &st)) != LM_OK)
			fprintf(stderr, "listctl import: %s: %s\n", files[i], lm_strerror(rc));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%llu messages read, %llu archived, %llu already archived, %llu skipped "
	       "in %.2f s\n",
	       (unsigned long long)st.messages, (unsigned long long)st.archived,
	       (unsigned long long)st.existed, (unsigned long long)st.skipped, secs);
	if (rc == LM_ENOENT || rc == LM_EPERM || rc == LM_EIO)
		return EX_NOINPUT;
	return rc == LM_OK ? EX_OK : EX_SOFTWARE;
}

/* The attachment root, the old tree's numbers; a sysexits code. */
static int prepare(struct ctl *ctl, const struct list *l, const struct import_args *a,
                   struct import_opts *o, struct buf *root)
{
	struct buf err;
	int rc = EX_OK;

	buf_init(&err, 1024);
	if (buf_printf(root, "%s/archives/%s", ctl->cfg->data_dir, list_name(l)) != LM_OK ||
	    (a->numbers_from && import_map_load(a->numbers_from, &o->map, &err) != LM_OK)) {
		fprintf(stderr, "listctl import: %s\n", err.len ? buf_cstr(&err) : "out of memory");
		rc = EX_NOINPUT;
	} else if (make_dirs(buf_cstr(root)) != 0) {
		fprintf(stderr, "listctl import: cannot create %s: %s\n", buf_cstr(root),
		        strerror(errno));
		rc = EX_CANTCREAT;
	}
	buf_free(&err);
	return rc;
}

static void fill_opts(struct ctl *ctl, const struct list *l, const struct import_args *a,
                      const struct scrub_opts *so, struct import_opts *o)
{
	o->list = list_name(l);
	o->number_from_set = a->number_from_set;
	o->number_from = a->number_from;
	o->fmt = a->fmt;
	o->max_message = ctl->cfg->max_message_size ? ctl->cfg->max_message_size : (size_t)1 << 26;
	o->scrub = so;
	o->progress = isatty(STDERR_FILENO);
	o->report = stderr;
}

int cmd_import(struct ctl *ctl, int argc, char **argv)
{
	struct import_args a = {.fmt = MBOX_AUTO};
	struct import_opts o = {0};
	struct scrub_opts so;
	struct list *l = NULL;
	struct dbenv *env;
	struct buf root;
	int rc;

	if (parse_args(argc, argv, &a) != EX_OK) {
		fputs(IMPORT_USAGE, stderr);
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	if ((rc = archive_conf_load(env, argv[a.first], &l, &o.conf)) != LM_OK) {
		fprintf(stderr, "listctl import: %s: %s\n", argv[a.first],
		        rc == LM_ENOENT ? "no such list" : lm_strerror(rc));
		return rc == LM_ENOENT ? EX_DATAERR : EX_SOFTWARE;
	}
	buf_init(&root, 4096);
	if ((rc = prepare(ctl, l, &a, &o, &root)) == EX_OK) {
		scrub_setup(ctl, l, &root, &so);
		fill_opts(ctl, l, &a, &so, &o);
		rc = run_import(env, &o, argc - a.first - 1, argv + a.first + 1);
	}
	import_map_free(o.map);
	buf_free(&root);
	list_free(l);
	return rc;
}
