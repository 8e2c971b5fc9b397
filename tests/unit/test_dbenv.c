/*
 * test_dbenv.c: the LMDB wrapper: create, read back, grow on MAP_FULL up to the limit,
 * group commit of concurrent writers, unit isolation, and a resize made by another process.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dbenv.h"
#include "lmerr.h"
#include "testutil.h"

struct kv {
	const char *key;
	size_t vlen;
	char vbyte;
	char *got;
	size_t gotlen;
};

static int put_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct kv *kv = arg;
	MDB_val k = {strlen(kv->key), (void *)kv->key}, v = {kv->vlen, NULL};
	int rc = mdb_put(txn, dbenv_dbi(env, DB_META), &k, &v, MDB_RESERVE);

	if (rc == 0)
		memset(v.mv_data, kv->vbyte, kv->vlen);
	return rc;
}

static int get_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct kv *kv = arg;
	MDB_val k = {strlen(kv->key), (void *)kv->key}, v;
	int rc = mdb_get(txn, dbenv_dbi(env, DB_META), &k, &v);

	if (rc != 0)
		return dbenv_rc(rc);
	kv->got = malloc(v.mv_size + 1);
	assert_non_null(kv->got);
	memcpy(kv->got, v.mv_data, v.mv_size);
	kv->gotlen = v.mv_size;
	return LM_OK;
}

static int fail_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	put_fn(txn, env, arg);
	return LM_EINVAL; /* the put above must be rolled back */
}

static void test_write_read(void **state)
{
	char *dir = testutil_tmpdir("dbenv"), *db = testutil_path(dir, "db");
	struct dbenv *env;
	struct kv kv = {"alpha", 10, 'a', NULL, 0}, bad = {"beta", 3, 'b', NULL, 0};

	(void)state;
	assert_int_equal(dbenv_open(db, 1 << 30, 0, &env), LM_OK);
	assert_int_equal(dbenv_write(env, put_fn, &kv), LM_OK);
	assert_int_equal(dbenv_write(env, fail_fn, &bad), LM_EINVAL);
	assert_int_equal(dbenv_read(env, get_fn, &kv), LM_OK);
	assert_int_equal(kv.gotlen, 10);
	assert_memory_equal(kv.got, "aaaaaaaaaa", 10);
	assert_int_equal(dbenv_read(env, get_fn, &bad), LM_ENOENT);
	free(kv.got);
	dbenv_close(env);
	/* Reopened read-only, the data is still there and writes are refused. */
	assert_int_equal(dbenv_open(db, 1 << 30, DBENV_RDONLY, &env), LM_OK);
	assert_int_equal(dbenv_read(env, get_fn, &kv), LM_OK);
	assert_int_equal(dbenv_write(env, put_fn, &kv), LM_EPERM);
	free(kv.got);
	dbenv_close(env);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

static void test_rdonly_missing(void **state)
{
	char *dir = testutil_tmpdir("dbenv"), *db = testutil_path(dir, "nothing");
	struct dbenv *env = NULL;

	(void)state;
	assert_int_equal(dbenv_open(db, 1 << 30, DBENV_RDONLY, &env), LM_ENOENT);
	assert_null(env);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

static void test_map_grows_then_stops(void **state)
{
	char *dir = testutil_tmpdir("dbenv"), *db = testutil_path(dir, "db");
	char key[32];
	struct dbenv *env;
	size_t i;
	int rc = LM_OK;

	(void)state;
	/* 64 MiB initial map (capped by max), 160 MiB max: 1 MiB values must grow it. */
	assert_int_equal(dbenv_open(db, (size_t)160 << 20, 0, &env), LM_OK);
	for (i = 0; i < 300 && rc == LM_OK; i++) {
		struct kv kv = {key, 1 << 20, (char)('a' + i % 26), NULL, 0};
		MDB_envinfo info;
		snprintf(key, sizeof(key), "k%03zu", i);
		rc = dbenv_write(env, put_fn, &kv);
		mdb_env_info(dbenv_mdb(env), &info);
		assert_true(info.me_mapsize <= ((size_t)160 << 20));
	}
	/* It grew past 64 MiB (more than 64 values fit), then failed cleanly at the limit. */
	print_message("values stored before the limit: %zu\n", i);
	assert_in_range(i, 101, 170);
	assert_int_equal(rc, LM_ETOOBIG);
	{
		struct kv kv = {"k010", 0, 0, NULL, 0};
		assert_int_equal(dbenv_read(env, get_fn, &kv), LM_OK);
		assert_int_equal(kv.gotlen, 1 << 20);
		assert_int_equal(kv.got[0], 'k');
		free(kv.got);
	}
	dbenv_close(env);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

struct worker {
	struct dbenv *env;
	int id;
	int failures;
};

static void *writer(void *arg)
{
	struct worker *w = arg;
	char key[32];
	int i;

	for (i = 0; i < 50; i++) {
		struct kv kv = {key, 100, (char)('A' + w->id), NULL, 0};
		snprintf(key, sizeof(key), "w%d-%d", w->id, i);
		if (dbenv_write(w->env, put_fn, &kv) != LM_OK)
			w->failures++;
	}
	return NULL;
}

static int count_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	MDB_stat st;
	int rc = mdb_stat(txn, dbenv_dbi(env, DB_META), &st);

	*(size_t *)arg = st.ms_entries;
	return rc;
}

static void test_concurrent_writers(void **state)
{
	char *dir = testutil_tmpdir("dbenv"), *db = testutil_path(dir, "db");
	struct worker w[8];
	pthread_t t[8];
	struct dbenv *env;
	size_t n = 0;
	int i;

	(void)state;
	assert_int_equal(dbenv_open(db, 1 << 30, 0, &env), LM_OK);
	for (i = 0; i < 8; i++) {
		w[i] = (struct worker){env, i, 0};
		assert_int_equal(pthread_create(&t[i], NULL, writer, &w[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(dbenv_read(env, count_fn, &n), LM_OK);
	assert_int_equal(n, 400);
	dbenv_close(env);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

static void test_resize_by_other_process(void **state)
{
	char *dir = testutil_tmpdir("dbenv"), *db = testutil_path(dir, "db");
	struct dbenv *env;
	struct kv small = {"small", 10, 's', NULL, 0};
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(dbenv_open(db, (size_t)1 << 30, 0, &env), LM_OK);
	assert_int_equal(dbenv_write(env, put_fn, &small), LM_OK);
	dbenv_close(env);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the child writes 100 MiB, growing the map past 64 MiB */
		char key[32];
		int i, rc = 0;
		if (dbenv_open(db, (size_t)1 << 30, 0, &env) != LM_OK)
			_exit(2);
		for (i = 0; i < 100 && rc == 0; i++) {
			struct kv kv = {key, 1 << 20, 'c', NULL, 0};
			snprintf(key, sizeof(key), "c%03d", i);
			rc = dbenv_write(env, put_fn, &kv);
		}
		dbenv_close(env);
		_exit(rc == 0 ? 0 : 1);
	}
	/* Meanwhile the parent has the env open with the old size and reads after the growth. */
	assert_int_equal(dbenv_open(db, (size_t)1 << 30, 0, &env), LM_OK);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	{
		struct kv kv = {"c099", 0, 0, NULL, 0};
		assert_int_equal(dbenv_read(env, get_fn, &kv), LM_OK);
		assert_int_equal(kv.gotlen, 1 << 20);
		free(kv.got);
	}
	assert_int_equal(dbenv_write(env, put_fn, &small), LM_OK);
	assert_true(dbenv_used_bytes(env) > ((size_t)100 << 20));
	dbenv_close(env);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_write_read),
	        cmocka_unit_test(test_rdonly_missing),
	        cmocka_unit_test(test_map_grows_then_stops),
	        cmocka_unit_test(test_concurrent_writers),
	        cmocka_unit_test(test_resize_by_other_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
