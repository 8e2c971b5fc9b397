/*
 * test_stats.c: counters count, stay per list and per name, survive a reopen, commit or roll
 * back with the transaction they are counted in, refuse unknown names and never wrap.
 */
#include <stdlib.h>
#include <string.h>

#include "dbenv.h"
#include "lmerr.h"
#include "stats.h"
#include "testutil.h"

struct fixture {
	char *dir, *db;
	struct dbenv *env;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = testutil_tmpdir("stats");
	f->db = testutil_path(f->dir, "db");
	assert_int_equal(dbenv_open(f->db, 1u << 30, 0, &f->env), LM_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dbenv_close(f->env);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

/* A post's unit of work: count it, then fail if asked (as a failed archive append would). */
struct post {
	const char *list;
	int fail_with;
};

static int post_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct post *p = arg;
	int rc = stats_incr(txn, env, p->list, "posts", 1);

	if (rc == LM_OK)
		rc = stats_incr(txn, env, p->list, "held", 0);
	return rc != LM_OK ? rc : p->fail_with;
}

static void test_counts_per_list_and_name(void **state)
{
	struct fixture *f = *state;
	struct post a = {"demo", LM_OK}, b = {"other", LM_OK};
	struct stats s;

	assert_int_equal(dbenv_write(f->env, post_fn, &a), LM_OK);
	assert_int_equal(dbenv_write(f->env, post_fn, &a), LM_OK);
	assert_int_equal(dbenv_write(f->env, post_fn, &b), LM_OK);
	assert_int_equal(stats_add(f->env, "demo", "rejected", 3), LM_OK);
	assert_int_equal(stats_add(f->env, "demo", "tempfails", 1), LM_OK);
	assert_int_equal(stats_add(f->env, "demo", "discarded", 2), LM_OK);
	assert_int_equal(stats_add(f->env, "demo", "held", 5), LM_OK);

	assert_int_equal(stats_get(f->env, "demo", &s), LM_OK);
	assert_int_equal(s.count[STATS_POSTS], 2);
	assert_int_equal(s.count[STATS_HELD], 5);
	assert_int_equal(s.count[STATS_REJECTED], 3);
	assert_int_equal(s.count[STATS_DISCARDED], 2);
	assert_int_equal(s.count[STATS_TEMPFAILS], 1);
	assert_int_equal(stats_get(f->env, "other", &s), LM_OK);
	assert_int_equal(s.count[STATS_POSTS], 1);
	assert_int_equal(s.count[STATS_REJECTED], 0);
	/* a list that is a prefix of another shares nothing with it */
	assert_int_equal(stats_get(f->env, "dem", &s), LM_OK);
	assert_int_equal(s.count[STATS_POSTS], 0);
}

static void test_rolls_back_with_the_failed_unit(void **state)
{
	struct fixture *f = *state;
	struct post ok = {"demo", LM_OK}, bad = {"demo", LM_EIO};
	struct stats s;

	assert_int_equal(dbenv_write(f->env, post_fn, &ok), LM_OK);
	assert_int_equal(dbenv_write(f->env, post_fn, &bad), LM_EIO);
	assert_int_equal(stats_get(f->env, "demo", &s), LM_OK);
	assert_int_equal(s.count[STATS_POSTS], 1);
}

static void test_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct stats s;

	assert_int_equal(stats_add(f->env, "demo", "posts", 7), LM_OK);
	f->env = dbenv_close(f->env);
	assert_int_equal(dbenv_open(f->db, 1u << 30, DBENV_RDONLY, &f->env), LM_OK);
	assert_int_equal(stats_get(f->env, "demo", &s), LM_OK);
	assert_int_equal(s.count[STATS_POSTS], 7);
	assert_int_equal(stats_add(f->env, "demo", "posts", 1), LM_EPERM);
}

static void test_refuses_bad_names(void **state)
{
	struct fixture *f = *state;
	char longname[600];
	struct stats s;

	assert_int_equal(stats_add(f->env, "demo", "post", 1), LM_EINVAL);
	assert_int_equal(stats_add(f->env, "demo", "", 1), LM_EINVAL);
	assert_int_equal(stats_add(f->env, "", "posts", 1), LM_EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(stats_add(f->env, longname, "posts", 1), LM_EINVAL);
	assert_int_equal(stats_get(f->env, longname, &s), LM_EINVAL);
}

static void test_saturates(void **state)
{
	struct fixture *f = *state;
	struct stats s;

	assert_int_equal(stats_add(f->env, "demo", "posts", UINT64_MAX - 1), LM_OK);
	assert_int_equal(stats_add(f->env, "demo", "posts", 5), LM_OK);
	assert_int_equal(stats_get(f->env, "demo", &s), LM_OK);
	assert_true(s.count[STATS_POSTS] == UINT64_MAX);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(stats_name(STATS_POSTS), "posts");
	assert_string_equal(stats_name(STATS_TEMPFAILS), "tempfails");
	assert_null(stats_name(STATS_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_counts_per_list_and_name, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_rolls_back_with_the_failed_unit, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refuses_bad_names, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_saturates, setup, teardown),
	        cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
