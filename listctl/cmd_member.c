/*
 * cmd_member.c: listctl member add|remove|list|set: list membership and member flags.
 * add takes addresses as arguments, from a file (-f FILE) or from standard input ("-").
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "lists.h"
#include "listctl.h"
#include "lmerr.h"

/* The most addresses one add reads from a file. */
#define MEMBER_FILE_MAX 1000000

struct addrs {
	char **v;
	size_t n, size;
};

static int addrs_push(struct addrs *a, const char *s, size_t len)
{
	char **nv;

	if (a->n == MEMBER_FILE_MAX)
		return LM_ETOOBIG;
	if (a->n == a->size) {
		a->size = a->size ? a->size * 2 : 64;
		if ((nv = realloc(a->v, a->size * sizeof(*nv))) == NULL)
			return LM_ENOMEM;
		a->v = nv;
	}
	if ((a->v[a->n] = strndup(s, len)) == NULL)
		return LM_ENOMEM;
	a->n++;
	return LM_OK;
}

static void addrs_free(struct addrs *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* One address per line; blank lines and lines starting with '#' are skipped. */
static int addrs_read(FILE *fp, struct addrs *a)
{
	char *line = NULL, *p;
	size_t cap = 0, len;
	ssize_t got;
	int rc = LM_OK;

	while (rc == LM_OK && (got = getline(&line, &cap, fp)) >= 0) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		len = strlen(p);
		while (len > 0 && strchr(" \t\r\n", p[len - 1]))
			len--;
		if (len > 0 && *p != '#')
			rc = addrs_push(a, p, len);
	}
	free(line);
	return rc != LM_OK ? rc : ferror(fp) ? LM_EIO : LM_OK;
}

static int addrs_from(const char *src, struct addrs *a)
{
	FILE *fp = strcmp(src, "-") == 0 ? stdin : fopen(src, "r");
	int rc;

	if (fp == NULL) {
		perror(src);
		return LM_ENOENT;
	}
	rc = addrs_read(fp, a);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int report(const char *cmd, int rc, const struct buf *err)
{
	if (rc == LM_OK)
		return EX_OK;
	fprintf(stderr, "listctl member %s: %s\n", cmd, err->len ? buf_cstr(err) : lm_strerror(rc));
	return rc == LM_EINVAL ? EX_USAGE : rc == LM_ENOENT ? EX_DATAERR : EX_SOFTWARE;
}

/* member add LIST [ADDR...] [-f FILE] [-] */
static int member_add(struct dbenv *env, int argc, char **argv, struct buf *err)
{
	struct addrs a = {0};
	size_t added = 0;
	int i, rc = LM_OK;

	for (i = 2; i < argc && rc == LM_OK; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			rc = addrs_from(argv[++i], &a);
		else if (strcmp(argv[i], "-") == 0)
			rc = addrs_from("-", &a);
		else
			rc = addrs_push(&a, argv[i], strlen(argv[i]));
	}
	if (rc == LM_OK && a.n == 0)
		rc = buf_puts(err, "no addresses given") == LM_OK ? LM_EINVAL : LM_ENOMEM;
	if (rc == LM_OK)
		rc = members_add(env, argv[1], (const char *const *)a.v, a.n, &added, err);
	if (rc == LM_OK)
		printf("%zu added, %zu already members\n", added, a.n - added);
	addrs_free(&a);
	return report("add", rc, err);
}

static int print_member(const struct member *m, void *arg)
{
	(void)arg;
	printf("%s\tmoderate=%s\tnomail=%s\t%s\n", m->address, m->moderate ? "yes" : "no",
	       m->nomail ? "yes" : "no", m->real_name ? m->real_name : "");
	return 0;
}

static int member_run(struct ctl *ctl, int argc, char **argv, struct buf *err)
{
	const char *sub = argv[0];
	struct dbenv *env;

	if (ctl_env(ctl, strcmp(sub, "list") == 0, &env) != LM_OK)
		return EX_UNAVAILABLE;
	if (strcmp(sub, "add") == 0)
		return member_add(env, argc, argv, err);
	if (strcmp(sub, "list") == 0 && argc == 2)
		return report("list", members_foreach(env, argv[1], print_member, NULL), err);
	if (strcmp(sub, "remove") == 0 && argc >= 3)
		return report("remove",
		              members_remove(env, argv[1], (const char *const *)argv + 2,
		                             (size_t)argc - 2, err),
		              err);
	if (strcmp(sub, "set") == 0 && argc >= 4)
		return report("set",
		              members_set(env, argv[1], argv[2], (const char *const *)argv + 3,
		                          (size_t)argc - 3, err),
		              err);
	return -1;
}

static bool sub_known(const char *sub)
{
	static const char *const subs[] = {"add", "remove", "list", "set"};
	size_t i;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(sub, subs[i]) == 0)
			return true;
	return false;
}

/*
 * "member LIST ADDR KEY=VALUE..." (no subcommand) is taken as "member set": the milter
 * branch's listctl member has that form and its tests and the demo use it.
 */
int cmd_membership(struct ctl *ctl, int argc, char **argv)
{
	struct buf err;
	int rc = -1;

	buf_init(&err, 1024);
	if (argc >= 3 && sub_known(argv[1]))
		rc = member_run(ctl, argc - 1, argv + 1, &err);
	else if (argc >= 4 && strchr(argv[3], '=')) {
		argv[0] = "set";
		rc = member_run(ctl, argc, argv, &err);
	}
	buf_free(&err);
	if (rc >= 0)
		return rc;
	fprintf(stderr, "usage: listctl member add LIST [ADDR...] [-f FILE] [-]\n"
	                "       listctl member remove LIST ADDR...\n"
	                "       listctl member list LIST\n"
	                "       listctl member set LIST ADDR KEY=VALUE... "
	                "(moderate, nomail, real_name)\n");
	return EX_USAGE;
}
