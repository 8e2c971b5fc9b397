/*
 * testutil.h: helpers shared by the cmocka tests: temporary directories, files, the corpus.
 * Tests never write outside the directory testutil_tmpdir() makes.
 */
#ifndef LISTMILTER_TESTUTIL_H
#define LISTMILTER_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/** @brief A fresh empty directory under $TMPDIR; the caller removes it with testutil_rmtree. */
char *testutil_tmpdir(const char *tag);

/** @brief Remove a directory tree (used on testutil_tmpdir results only). */
void testutil_rmtree(const char *path);

/** @brief Write a file (mode 0644); fails the test on error. */
void testutil_write(const char *path, const void *data, size_t len);

/** @brief Read a whole file into a NUL-terminated heap buffer; NULL if it cannot be read. */
char *testutil_read(const char *path, size_t *len);

/** @brief path under $LM_CORPUS, or NULL (with a message) when the corpus is absent. */
char *testutil_corpus(const char *rel);

/** @brief path under $LM_TESTDATA (tests/data). */
char *testutil_data(const char *rel);

struct dbenv;

/** A temporary directory with an LMDB environment in dir/db. */
struct testenv {
	char *dir;
	struct dbenv *env;
};

/** @brief A fresh temporary environment; fails the test on error. */
struct testenv *testenv_new(const char *tag);

/** @brief Close the environment and remove the directory. */
void testenv_free(struct testenv *te);

/** @brief Join a directory and a name into a heap string. */
char *testutil_path(const char *dir, const char *name);

#endif
