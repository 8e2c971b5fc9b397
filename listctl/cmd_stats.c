/*
 * cmd_stats.c: listctl stats [LIST]: a list's counters and the size of its archive.
 * One "name value" pair per line so that scripts can pick lines with awk or grep.
 */
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "archive.h"
#include "buf.h"
#include "lists.h"
#include "listctl.h"
#include "lmerr.h"
#include "stats.h"

/* nftw() takes no argument pointer; listctl runs one walk at a time. */
static struct {
	unsigned long long bytes, files;
} walk;

static int walk_fn(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path, (void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode)) {
		walk.bytes += (unsigned long long)st->st_size;
		walk.files++;
	}
	return 0;
}

/* Bytes and files under DataDir/archives/<list>; symbolic links are not followed. */
static int attachment_bytes(const struct ctl *ctl, const char *list)
{
	struct buf dir;
	int rc;

	memset(&walk, 0, sizeof(walk));
	buf_init(&dir, 4096);
	if ((rc = buf_printf(&dir, "%s/archives/%s", ctl->cfg->data_dir, list)) == LM_OK &&
	    nftw(buf_cstr(&dir), walk_fn, 16, FTW_PHYS) != 0 && access(buf_cstr(&dir), F_OK) == 0)
		rc = LM_EIO;
	buf_free(&dir);
	return rc;
}

static int print_list(struct ctl *ctl, struct dbenv *env, const char *list)
{
	unsigned long long db = dbenv_used_bytes(env);
	size_t articles, periods;
	struct stats s;
	int i, rc;

	if ((rc = stats_get(env, list, &s)) != LM_OK)
		return rc;
	if ((rc = archive_count(env, list, &articles, &periods)) != LM_OK)
		return rc;
	if ((rc = attachment_bytes(ctl, list)) != LM_OK)
		return rc;
	printf("list %s\n", list);
	for (i = 0; i < STATS_COUNT; i++)
		printf("%s %llu\n", stats_name((enum stats_counter)i),
		       (unsigned long long)s.count[i]);
	printf("archive_bytes %llu\n", db + walk.bytes);
	printf("database_bytes %llu\n", db);
	printf("attachment_bytes %llu\n", walk.bytes);
	printf("attachment_files %llu\n", walk.files);
	printf("articles %zu\n", articles);
	printf("periods %zu\n", periods);
	/* pipermail's pages: one per article, four indexes per period, the table of contents */
	printf("pages %zu\n", articles + 4 * periods + 1);
	return LM_OK;
}

/* Every list, a blank line between them. */
static int print_all(struct ctl *ctl, struct dbenv *env)
{
	struct buf names;
	char *p, *nl;
	int rc;

	buf_init(&names, 64 * 1024 * 1024);
	if ((rc = lists_names(env, &names)) != LM_OK)
		goto out;
	for (p = (char *)buf_cstr(&names); *p && rc == LM_OK; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		if (p != names.data)
			putchar('\n');
		rc = print_list(ctl, env, p);
	}
out:
	buf_free(&names);
	return rc;
}

int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	struct dbenv *env;
	struct list *l = NULL;
	int rc;

	if (argc > 2) {
		fprintf(stderr, "usage: listctl stats [LIST]\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, true, &env) != LM_OK)
		return EX_UNAVAILABLE;
	if (argc == 1)
		rc = print_all(ctl, env);
	else if ((rc = lists_get(env, argv[1], &l)) == LM_OK)
		rc = print_list(ctl, env, list_name(l));
	list_free(l);
	if (rc == LM_ENOENT) {
		fprintf(stderr, "listctl stats: no such list \"%s\"\n", argv[1]);
		return EX_DATAERR;
	}
	if (rc != LM_OK) {
		fprintf(stderr, "listctl stats: %s\n", lm_strerror(rc));
		return EX_SOFTWARE;
	}
	return EX_OK;
}
