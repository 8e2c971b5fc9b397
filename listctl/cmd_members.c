/*
 * cmd_members.c: listctl members, add, remove and member: a list's membership from the
 * command line (Mailman's list_members, add_members, remove_members and member options).
 */
#include <stdio.h>
#include <sysexits.h>

#include "buf.h"
#include "lists.h"
#include "listctl.h"
#include "lmerr.h"

static int members_report(const char *cmd, int rc, struct buf *err)
{
	if (rc == LM_OK)
		return EX_OK;
	fprintf(stderr, "listctl %s: %s\n", cmd, err->len ? buf_cstr(err) : lm_strerror(rc));
	return rc == LM_EINVAL ? EX_USAGE : (rc == LM_ENOENT ? EX_DATAERR : EX_SOFTWARE);
}

static int print_member(const struct member *m, void *arg)
{
	(void)arg;
	if (*m->real_name)
		printf("%s <%s>", m->real_name, m->address);
	else
		printf("%s", m->address);
	printf("%s%s\n", m->moderate ? " moderate" : "", m->nomail ? " nomail" : "");
	return 0;
}

int cmd_members(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf err;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: listctl members LIST\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, true, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&err, 1024);
	rc = members_report("members", members_foreach(env, argv[1], print_member, NULL), &err);
	buf_free(&err);
	return rc;
}

int cmd_add(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf err;
	size_t added = 0;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: listctl add LIST ADDRESS...\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&err, 1024);
	rc = members_add(env, argv[1], (const char *const *)argv + 2, (size_t)argc - 2, &added,
	                 &err);
	if (rc == LM_OK)
		printf("added %zu of %d\n", added, argc - 2);
	rc = members_report("add", rc, &err);
	buf_free(&err);
	return rc;
}

int cmd_remove(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf err;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: listctl remove LIST ADDRESS...\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&err, 1024);
	rc = members_remove(env, argv[1], (const char *const *)argv + 2, (size_t)argc - 2, &err);
	rc = members_report("remove", rc, &err);
	buf_free(&err);
	return rc;
}

int cmd_member(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct buf err;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: listctl member LIST ADDRESS KEY=VALUE...\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	buf_init(&err, 1024);
	rc = members_set(env, argv[1], argv[2], (const char *const *)argv + 3, (size_t)argc - 3,
	                 &err);
	rc = members_report("member", rc, &err);
	buf_free(&err);
	return rc;
}
