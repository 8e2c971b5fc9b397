/*
 * test_scrub_corpus.c: every message of $LM_CORPUS/mime and mime/bounces scrubbed in each
 * sanitizer mode: no crash, leak or hang (ASan, ctest timeout), only expected errors, every
 * stored file inside the root with a safe name, no temporary left behind, and a second scrub
 * of the same post giving the same text (reused files).
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

static const char *walk_root;
static size_t walk_bad;

static bool safe_name(const char *s)
{
	for (; *s; s++)
		if (!strchr("-_.", *s) && !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9'))
			return false;
	return true;
}

/* Files may only be root/attachments/<8 digits>/<8 hex>/<safe name>, never a temporary. */
static int check_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + strlen(walk_root);
	const char *name = path + ftw->base;

	(void)st;
	if (flag != FTW_F)
		return 0;
	if (strncmp(path, walk_root, strlen(walk_root)) != 0 || ftw->level != 4 ||
	    strncmp(rel, "/attachments/", 13) != 0 || !safe_name(name) ||
	    strncmp(name, ".lmtmp-", 7) == 0) {
		fprintf(stderr, "bad stored file: %s\n", path);
		walk_bad++;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_dir(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_REG || !strstr(e->d_name, ".eml"))
			continue;
		*out = realloc(*out, (n + 1) * sizeof(**out));
		assert_non_null(*out);
		(*out)[n++] = testutil_path(dir, e->d_name);
	}
	closedir(d);
	qsort(*out, n, sizeof(**out), cmp_names);
	return n;
}

static void scrub_twice(struct scrubfx *f, const char *path)
{
	char *first;
	int rc = scrubfx_run_file(f, path, true);

	if (rc != LM_OK && rc != LM_ETOOBIG && rc != LM_EPARSE)
		fail_msg("%s: %s", path, lm_strerror(rc));
	if (rc == LM_OK && !g_utf8_validate(buf_cstr(&f->r.text), (gssize)f->r.text.len, NULL))
		fail_msg("%s: the scrubbed text is not UTF-8", path);
	if (rc != LM_OK || f->r.generated_msgid)
		return;
	first = strdup(buf_cstr(&f->r.text));
	assert_int_equal(scrubfx_run_file(f, path, false), LM_OK);
	if (strcmp(first, buf_cstr(&f->r.text)) != 0)
		fail_msg("%s: a second scrub gave a different text", path);
	free(first);
}

static void run_dir(const char *sub)
{
	char *dir = testutil_corpus(sub);
	char **files;
	size_t n, i;
	int mode;

	if (!dir)
		skip();
	n = list_dir(dir, &files);
	assert_true(n > 0);
	for (mode = 0; mode < 4; mode++) {
		struct scrubfx *f = scrubfx_new();

		f->o.html_sanitizer = mode;
		f->o.use_filename = mode % 2 == 1;
		for (i = 0; i < n; i++)
			scrub_twice(f, files[i]);
		walk_root = f->root;
		walk_bad = 0;
		nftw(f->root, check_one, 16, FTW_PHYS);
		assert_int_equal(walk_bad, 0);
		scrubfx_free(f);
	}
	printf("scrubbed %zu messages of %s in 4 modes\n", n, sub);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(dir);
}

static void test_corpus_mime(void **state)
{
	(void)state;
	run_dir("mime");
}

static void test_corpus_bounces(void **state)
{
	(void)state;
	run_dir("mime/bounces");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_corpus_mime),
	        cmocka_unit_test(test_corpus_bounces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
