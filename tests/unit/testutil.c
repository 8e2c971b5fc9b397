/*
 * testutil.c: temporary directories and file helpers for the cmocka tests.
 * Paths come from mkdtemp under $TMPDIR, so parallel ctest runs never collide.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbenv.h"
#include "lmerr.h"
#include "testutil.h"

char *testutil_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	assert_true(asprintf(&path, "%s/lmtest-%s-XXXXXX", base, tag) > 0);
	assert_non_null(mkdtemp(path));
	return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void testutil_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void testutil_write(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

char *testutil_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)n + 1)) != NULL) {
		if (fread(data, 1, (size_t)n, fp) != (size_t)n) {
			free(data);
			data = NULL;
		} else {
			data[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(fp);
	return data;
}

char *testutil_path(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

char *testutil_corpus(const char *rel)
{
	const char *base = getenv("LM_CORPUS");
	char *p;
	struct stat st;

	if (base == NULL || stat(base, &st) != 0) {
		print_message("corpus not found (%s): skipping\n", base ? base : "LM_CORPUS unset");
		return NULL;
	}
	p = testutil_path(base, rel);
	if (stat(p, &st) != 0) {
		print_message("corpus file %s not found: skipping\n", p);
		free(p);
		return NULL;
	}
	return p;
}

char *testutil_data(const char *rel)
{
	const char *base = getenv("LM_TESTDATA");

	assert_non_null(base);
	return testutil_path(base, rel);
}

struct testenv *testenv_new(const char *tag)
{
	struct testenv *te = calloc(1, sizeof(*te));
	char *db;

	assert_non_null(te);
	te->dir = testutil_tmpdir(tag);
	db = testutil_path(te->dir, "db");
	assert_int_equal(dbenv_open(db, 1 << 30, 0, &te->env), LM_OK);
	free(db);
	return te;
}

void testenv_free(struct testenv *te)
{
	dbenv_close(te->env);
	testutil_rmtree(te->dir);
	free(te->dir);
	free(te);
}
