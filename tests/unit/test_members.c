/*
 * test_members.c: members and their flags: add (with names, duplicates), remove, set, get,
 * iteration order, default_member_moderation, and addresses that must be refused.
 */
#include <stdlib.h>
#include <string.h>

#include "dbenv.h"
#include "lists.h"
#include "lmerr.h"
#include "testutil.h"

static int setup(void **state)
{
	struct testenv *te = testenv_new("members");
	assert_int_equal(lists_create(te->env, "team@example.org", NULL, 0, NULL), LM_OK);
	*state = te;
	return 0;
}

static int teardown(void **state)
{
	testenv_free(*state);
	return 0;
}

static void test_add_get_remove(void **state)
{
	struct testenv *fx = *state;
	const char *addrs[] = {"Ann Example <Ann@Example.COM>", "bob@example.net",
	                       "\"Carl, Jr.\" <carl@example.org>"};
	const char *again[] = {"ann@example.com", "dora@example.org"};
	struct member m;
	size_t added;

	assert_int_equal(members_add(fx->env, "team", addrs, 3, &added, NULL), LM_OK);
	assert_int_equal(added, 3);
	assert_int_equal(members_add(fx->env, "team", again, 2, &added, NULL), LM_OK);
	assert_int_equal(added, 1);
	assert_int_equal(members_get(fx->env, "team", "ANN@example.com", &m), LM_OK);
	assert_string_equal(m.address, "ann@example.com");
	assert_string_equal(m.real_name, "Ann Example");
	assert_false(m.moderate);
	assert_false(m.nomail);
	member_clear(&m);
	assert_int_equal(members_get(fx->env, "team", "carl@example.org", &m), LM_OK);
	assert_string_equal(m.real_name, "Carl, Jr.");
	member_clear(&m);
	assert_int_equal(members_remove(fx->env, "team", &again[0], 1, NULL), LM_OK);
	assert_int_equal(members_get(fx->env, "team", "ann@example.com", &m), LM_ENOENT);
	assert_int_equal(members_remove(fx->env, "team", &again[0], 1, NULL), LM_ENOENT);
	assert_int_equal(members_get(fx->env, "nosuchlist", "bob@example.net", &m), LM_ENOENT);
}

static void test_set_flags(void **state)
{
	struct testenv *fx = *state;
	const char *addr = "eve@example.org";
	const char *flags[] = {"moderate=yes", "nomail=yes", "real_name=Eve"};
	const char *bad[] = {"moderate=maybe"};
	struct member m;
	struct buf err;

	assert_int_equal(members_add(fx->env, "team", &addr, 1, NULL, NULL), LM_OK);
	assert_int_equal(members_set(fx->env, "team", addr, flags, 3, NULL), LM_OK);
	assert_int_equal(members_get(fx->env, "team", addr, &m), LM_OK);
	assert_true(m.moderate);
	assert_true(m.nomail);
	assert_string_equal(m.real_name, "Eve");
	member_clear(&m);
	buf_init(&err, 1024);
	assert_int_equal(members_set(fx->env, "team", addr, bad, 1, &err), LM_EINVAL);
	assert_non_null(strstr(buf_cstr(&err), "moderate=yes|no"));
	buf_free(&err);
	assert_int_equal(members_set(fx->env, "team", "nobody@example.org", flags, 1, NULL),
	                 LM_ENOENT);
}

static void test_default_moderation(void **state)
{
	struct testenv *fx = *state;
	const char *kv[] = {"default_member_moderation=yes"};
	const char *addr = "new@example.org";
	struct member m;

	assert_int_equal(lists_set(fx->env, "team", kv, 1, NULL), LM_OK);
	assert_int_equal(members_add(fx->env, "team", &addr, 1, NULL, NULL), LM_OK);
	assert_int_equal(members_get(fx->env, "team", addr, &m), LM_OK);
	assert_true(m.moderate);
	member_clear(&m);
}

static int collect(const struct member *m, void *arg)
{
	struct buf *b = arg;

	return buf_printf(b, "%s%s;", m->address, m->nomail ? "(nomail)" : "");
}

static void test_foreach_order_and_isolation(void **state)
{
	struct testenv *fx = *state;
	const char *a[] = {"zed@example.org", "amy@example.org", "mid@example.org"};
	const char *b[] = {"other@example.org"};
	const char *nomail[] = {"nomail=yes"};
	struct buf out;

	assert_int_equal(lists_create(fx->env, "team2@example.org", NULL, 0, NULL), LM_OK);
	assert_int_equal(members_add(fx->env, "team", a, 3, NULL, NULL), LM_OK);
	assert_int_equal(members_add(fx->env, "team2", b, 1, NULL, NULL), LM_OK);
	assert_int_equal(members_set(fx->env, "team", "mid@example.org", nomail, 1, NULL), LM_OK);
	buf_init(&out, 4096);
	assert_int_equal(members_foreach(fx->env, "team", collect, &out), LM_OK);
	/* "team2" members never leak into "team" although the key prefix is shared. */
	assert_string_equal(buf_cstr(&out),
	                    "amy@example.org;mid@example.org(nomail);zed@example.org;");
	buf_free(&out);
}

static void test_bad_addresses(void **state)
{
	struct testenv *fx = *state;
	static const char *bad[] = {
	        "noat",         "a@b@c", "a b@example.org", "x@exa\nmple.org", "<>",
	        "@example.org", "x@",    "a;b@example.org"};
	struct buf err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&err, 1024);
		assert_int_equal(members_add(fx->env, "team", &bad[i], 1, NULL, &err), LM_EINVAL);
		assert_non_null(strstr(buf_cstr(&err), "is not an address"));
		buf_free(&err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_add_get_remove, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_set_flags, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_default_moderation, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_foreach_order_and_isolation, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_addresses, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
