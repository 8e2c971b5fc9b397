/*
 * cmd_held.c: listctl held, approve, reject, discard and expire-held: the moderation queue
 * from the command line, on top of held.h (the same operations moderators reach by email).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "held.h"
#include "holdq.h"
#include "lists.h"
#include "listctl.h"
#include "lmerr.h"
#include "log.h"
#include "token.h"

/* Length of a valid UTF-8 sequence at p that is no C1 control, or 0. */
static size_t utf8_ok(const unsigned char *p)
{
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return p[0] == 0xc2 && p[1] < 0xa0 ? 0 : n;
}

/*
 * One field of a listing line, after a tab: UTF-8 text stays readable, but control
 * characters (C0, DEL, C1), tabs and broken bytes become '?', so a subject cannot move the
 * terminal's cursor or forge a line. Cut at 80 bytes.
 */
static void put_field(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t out = 0, n;

	putchar('\t');
	while (*p && out < 80) {
		if (*p >= 0x20 && *p < 0x7f)
			n = 1;
		else if ((n = utf8_ok(p)) == 0) {
			putchar('?'), p++, out++;
			continue;
		}
		fwrite(p, 1, n, stdout);
		p += n, out += n;
	}
}

static void put_age(int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 86400)
		printf("\t%lldd%02lldh\n", (long long)(secs / 86400),
		       (long long)(secs % 86400 / 3600));
	else if (secs >= 3600)
		printf("\t%lldh%02lldm\n", (long long)(secs / 3600), (long long)(secs % 3600 / 60));
	else
		printf("\t%lldm%02llds\n", (long long)(secs / 60), (long long)(secs % 60));
}

static int print_one(const struct holdq_entry *e, void *arg)
{
	const int64_t *now = arg;

	printf("%u", e->id);
	put_field(*e->poster ? e->poster : *e->env_sender ? e->env_sender : "<>");
	put_field(*e->subject ? e->subject : "(no subject)");
	put_field(e->reason);
	put_age(*now - e->received);
	return 0;
}

static int open_list(struct ctl *ctl, const char *cmd, const char *name, bool rdonly,
                     struct dbenv **env, struct list **l)
{
	int rc;

	if (ctl_env(ctl, rdonly, env) != LM_OK)
		return EX_UNAVAILABLE;
	if ((rc = lists_get(*env, name, l)) == LM_OK)
		return EX_OK;
	fprintf(stderr, "listctl %s: %s: %s\n", cmd, name,
	        rc == LM_ENOENT ? "no such list" : lm_strerror(rc));
	return rc == LM_ENOENT ? EX_DATAERR : EX_SOFTWARE;
}

static int parse_id(const char *s, uint32_t *id);

/* listctl held LIST ID: the post as received, for the moderator to read. */
static int show_one(struct dbenv *env, struct list *l, uint32_t id)
{
	struct holdq_entry e;
	int rc = holdq_get(env, list_name(l), id, &e);

	if (rc == LM_OK) {
		fwrite(e.msg, 1, e.msg_len, stdout);
		holdq_entry_clear(&e);
		return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
	}
	fprintf(stderr, "listctl held: %s #%u: %s\n", list_name(l), id,
	        rc == LM_ENOENT ? "no such held post" : lm_strerror(rc));
	return rc == LM_ENOENT ? EX_DATAERR : EX_SOFTWARE;
}

int cmd_held(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct list *l = NULL;
	int64_t now = (int64_t)time(NULL);
	uint32_t id = 0;
	int rc;

	if ((argc != 2 && argc != 3) || (argc == 3 && parse_id(argv[2], &id) != LM_OK)) {
		fprintf(stderr, "usage: listctl held LIST [ID]\n");
		return EX_USAGE;
	}
	if ((rc = open_list(ctl, "held", argv[1], true, &env, &l)) != EX_OK)
		return rc;
	if (argc == 3) {
		rc = show_one(env, l, id);
		list_free(l);
		return rc;
	}
	rc = holdq_foreach(env, list_name(l), print_one, &now);
	if (rc != LM_OK)
		fprintf(stderr, "listctl held: %s\n", lm_strerror(rc));
	list_free(l);
	return rc == LM_OK ? EX_OK : EX_SOFTWARE;
}

static int parse_id(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v == 0 || v > UINT32_MAX)
		return LM_EINVAL;
	*id = (uint32_t)v;
	return LM_OK;
}

/* The site secret: created on first use, since listctl runs with write access here. */
static int load_key(struct ctl *ctl, struct token_key *key)
{
	struct buf path;
	int rc;

	buf_init(&path, 4096);
	if ((rc = token_secret_path(ctl->cfg, &path)) == LM_OK)
		rc = token_secret_load(buf_cstr(&path), true, key);
	if (rc != LM_OK)
		fprintf(stderr, "listctl: cannot read the site secret %s: %s\n", buf_cstr(&path),
		        lm_strerror(rc));
	buf_free(&path);
	return rc;
}

/* Reasons may be given as several words: they are joined with spaces. */
static int join_args(int argc, char **argv, struct buf *out)
{
	int i, rc = LM_OK;

	for (i = 0; i < argc && rc == LM_OK; i++)
		rc = buf_printf(out, "%s%s", i ? " " : "", argv[i]);
	return rc;
}

static int decide(struct ctl *ctl, const struct held_ctx *base, struct list *l, const char *cmd,
                  uint32_t id, const char *reason)
{
	struct token_key key;
	struct held_ctx c = *base;
	int rc;

	if (strcmp(cmd, "discard") == 0) {
		rc = held_discard(&c, l, id);
		if (rc == LM_OK && *reason)
			log_info(NULL, "moderation: %s #%u discarded: %.*s", list_name(l), id,
			         LOG_TEXT_MAX, reason);
	} else if ((rc = load_key(ctl, &key)) != LM_OK)
		return EX_CONFIG;
	else {
		c.key = &key;
		rc = strcmp(cmd, "approve") == 0 ? held_approve(&c, l, id)
		                                 : held_reject(&c, l, id, reason);
	}
	if (rc == LM_OK)
		return EX_OK;
	fprintf(stderr, "listctl %s: %s #%u: %s\n", cmd, list_name(l), id,
	        rc == LM_ENOENT ? "no such held post" : lm_strerror(rc));
	return rc == LM_ENOENT ? EX_DATAERR : rc == LM_ETEMP ? EX_TEMPFAIL : EX_SOFTWARE;
}

/* listctl approve|reject|discard LIST ID [REASON...] */
int cmd_decide(struct ctl *ctl, int argc, char **argv)
{
	struct held_ctx c = {0};
	struct dbenv *env;
	struct list *l = NULL;
	struct buf reason;
	uint32_t id;
	int rc;

	if (argc < 3 || parse_id(argv[2], &id) != LM_OK ||
	    (argc > 3 && strcmp(argv[0], "approve") == 0)) {
		fprintf(stderr, "usage: listctl %s LIST ID%s\n", argv[0],
		        strcmp(argv[0], "approve") != 0 ? " [REASON]" : "");
		return EX_USAGE;
	}
	if ((rc = open_list(ctl, argv[0], argv[1], false, &env, &l)) != EX_OK)
		return rc;
	buf_init(&reason, BUF_CAP_SMALL);
	c = (struct held_ctx){.env = env,
	                      .sendmail_command = ctl->cfg->sendmail_command,
	                      .now = (int64_t)time(NULL)};
	if (join_args(argc - 3, argv + 3, &reason) != LM_OK)
		rc = EX_USAGE;
	else
		rc = decide(ctl, &c, l, argv[0], id, buf_cstr(&reason));
	buf_free(&reason);
	list_free(l);
	return rc;
}

static int expire_one(struct ctl *ctl, struct dbenv *env, const struct token_key *key,
                      const char *name)
{
	struct held_ctx c = {.env = env,
	                     .sendmail_command = ctl->cfg->sendmail_command,
	                     .key = key,
	                     .now = (int64_t)time(NULL)};
	struct list *l = NULL;
	size_t n = 0;
	int rc;

	if ((rc = lists_get(env, name, &l)) == LM_OK)
		rc = held_expire(&c, l, &n);
	if (n)
		printf("%s: %zu expired\n", list_name(l), n);
	if (rc != LM_OK)
		fprintf(stderr, "listctl expire-held: %s: %s\n", name,
		        rc == LM_ENOENT ? "no such list" : lm_strerror(rc));
	list_free(l);
	return rc;
}

/* listctl expire-held [LIST]: for cron; see max_days_to_hold. Every list when none given. */
int cmd_expire_held(struct ctl *ctl, int argc, char **argv)
{
	struct token_key key;
	struct dbenv *env;
	struct buf names;
	char *name, *save = NULL;
	int rc = LM_OK, first = LM_OK;

	if (argc > 2) {
		fprintf(stderr, "usage: listctl expire-held [LIST]\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	if (load_key(ctl, &key) != LM_OK)
		return EX_CONFIG;
	if (argc == 2)
		return expire_one(ctl, env, &key, argv[1]) == LM_OK ? EX_OK : EX_SOFTWARE;
	buf_init(&names, 64 * 1024 * 1024);
	if ((rc = lists_names(env, &names)) != LM_OK)
		fprintf(stderr, "listctl expire-held: %s\n", lm_strerror(rc));
	for (name = names.data ? strtok_r(names.data, "\n", &save) : NULL; rc == LM_OK && name;
	     name = strtok_r(NULL, "\n", &save))
		if ((rc = expire_one(ctl, env, &key, name)) != LM_OK && first == LM_OK)
			first = rc, rc = LM_OK;
	buf_free(&names);
	/* used and pending tokens past their expiry are of no use any more */
	if (rc == LM_OK && (rc = token_purge(env, (int64_t)time(NULL), NULL)) != LM_OK)
		fprintf(stderr, "listctl expire-held: purging tokens: %s\n", lm_strerror(rc));
	return rc == LM_OK && first == LM_OK ? EX_OK : EX_SOFTWARE;
}
