/*
 * cmd_lists.c: listctl create, set, show and lists: list creation and settings.
 * Settings are KEY=VALUE arguments under Mailman 2.1's names (listctl(8) lists them).
 */
#include <stdio.h>
#include <sysexits.h>

#include "buf.h"
#include "lists.h"
#include "listctl.h"
#include "lmerr.h"

static int report(const char *cmd, int rc, struct buf *err)
{
	if (rc == LM_OK)
		return EX_OK;
	fprintf(stderr, "listctl %s: %s\n", cmd, err->len ? buf_cstr(err) : lm_strerror(rc));
	if (rc == LM_EINVAL)
		return EX_USAGE;
	if (rc == LM_ENOENT || rc == LM_EEXIST)
		return EX_DATAERR;
	return EX_SOFTWARE;
}

int cmd_create(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf err;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: listctl create LIST@DOMAIN [KEY=VALUE...]\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&err, 1024);
	rc = lists_create(env, argv[1], (const char *const *)argv + 2, (size_t)argc - 2, &err);
	if (rc == LM_OK)
		printf("created %s\n", argv[1]);
	rc = report("create", rc, &err);
	buf_free(&err);
	return rc;
}

int cmd_set(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf err;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: listctl set LIST KEY=VALUE...\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&err, 1024);
	rc = lists_set(env, argv[1], (const char *const *)argv + 2, (size_t)argc - 2, &err);
	rc = report("set", rc, &err);
	buf_free(&err);
	return rc;
}

int cmd_show(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct list *l = NULL;
	struct buf out;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: listctl show LIST\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, true, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&out, 16 * 1024 * 1024);
	if ((rc = lists_get(env, argv[1], &l)) == LM_OK && (rc = list_dump(l, &out)) == LM_OK)
		fwrite(out.data, 1, out.len, stdout);
	else
		fprintf(stderr, "listctl show: %s: %s\n", argv[1],
		        rc == LM_ENOENT ? "no such list" : lm_strerror(rc));
	list_free(l);
	buf_free(&out);
	return rc == LM_OK ? EX_OK : rc == LM_ENOENT ? EX_DATAERR : EX_SOFTWARE;
}

int cmd_lists(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf out;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: listctl lists\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, true, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&out, 64 * 1024 * 1024);
	if ((rc = lists_names(env, &out)) == LM_OK)
		fwrite(out.data, 1, out.len, stdout);
	else
		fprintf(stderr, "listctl lists: %s\n", lm_strerror(rc));
	buf_free(&out);
	return rc == LM_OK ? EX_OK : EX_SOFTWARE;
}
