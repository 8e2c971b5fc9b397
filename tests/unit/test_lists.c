/*
 * test_lists.c: list creation, Mailman's derived defaults, value checks, settings changes and
 * finding a list from an envelope recipient.
 */
#include <stdlib.h>
#include <string.h>

#include "dbenv.h"
#include "lists.h"
#include "lmerr.h"
#include "testutil.h"

static int setup(void **state)
{
	*state = testenv_new("lists");
	return 0;
}

static int teardown(void **state)
{
	testenv_free(*state);
	return 0;
}

static void test_create_defaults(void **state)
{
	struct testenv *fx = *state;
	struct list *l;
	struct buf err;

	buf_init(&err, 1024);
	assert_int_equal(lists_create(fx->env, "Demo@Lists.Example.org", NULL, 0, &err), LM_OK);
	assert_int_equal(lists_get(fx->env, "demo", &l), LM_OK);
	assert_string_equal(list_name(l), "demo");
	assert_string_equal(list_domain(l), "lists.example.org");
	assert_string_equal(list_address(l), "demo@lists.example.org");
	assert_string_equal(list_get(l, "real_name"), "Demo");
	assert_string_equal(list_get(l, "subject_prefix"), "[Demo] ");
	assert_string_equal(list_get(l, "web_page_url"), "http://lists.example.org/mailman/");
	assert_string_equal(list_get(l, "listinfo_url"),
	                    "http://lists.example.org/mailman/listinfo/demo");
	assert_string_equal(list_get(l, "archive_url"), "http://lists.example.org/pipermail/demo/");
	assert_string_equal(list_get(l, "msg_footer"),
	                    "-- \n%(real_name)s mailing list\n%(real_name)s@%(host_name)s\n"
	                    "%(web_page_url)slistinfo%(cgiext)s/%(_internal_name)s\n");
	assert_int_equal(list_get_int(l, "generic_nonmember_action"), 1);
	assert_int_equal(list_get_int(l, "max_message_size"), 40);
	assert_int_equal(list_get_int(l, "html_sanitizer"), 1);
	assert_false(list_get_bool(l, "scrub_use_filename"));
	assert_true(list_get_bool(l, "archive"));
	assert_null(list_get(l, "no_such_setting"));
	list_free(l);
	/* LIST may be the address too, in any case. */
	assert_int_equal(lists_get(fx->env, "DEMO@lists.example.org", &l), LM_OK);
	list_free(l);
	assert_int_equal(lists_create(fx->env, "demo@other.example", NULL, 0, &err), LM_EEXIST);
	assert_non_null(strstr(buf_cstr(&err), "exists already"));
	buf_free(&err);
}

static void test_create_with_settings_and_private(void **state)
{
	struct testenv *fx = *state;
	const char *kv[] = {"real_name=Twisted-Python", "archive_private=yes",
	                    "generic_nonmember_action=reject", "archive_timezone=America/Denver"};
	struct list *l;

	assert_int_equal(lists_create(fx->env, "twisted-python@twistedmatrix.com", kv, 4, NULL),
	                 LM_OK);
	assert_int_equal(lists_get(fx->env, "twisted-python", &l), LM_OK);
	assert_string_equal(list_get(l, "subject_prefix"), "[Twisted-Python] ");
	assert_string_equal(list_get(l, "archive_url"),
	                    "http://twistedmatrix.com/mailman/private/twisted-python/");
	assert_int_equal(list_get_int(l, "generic_nonmember_action"), 2);
	assert_string_equal(list_get(l, "archive_timezone"), "America/Denver");
	list_free(l);
}

static void test_bad_values_rejected(void **state)
{
	struct testenv *fx = *state;
	static const char *bad[] = {
	        "subject_prefix=[x]\r\nBcc: victim@example.org", /* header injection */
	        "archive_timezone=../../../etc/passwd",
	        "archive_timezone=Mars/Olympus",
	        "html_sanitizer=7",
	        "archive_volume_frequency=-1",
	        "scrub_use_filename=perhaps",
	        "spf_fail_action=bounce",
	        "member_moderation_action=accept", /* not one of Mailman's 0 hold..2 discard */
	        "member_moderation_action=3",
	        "archive_url=javascript:alert(1)",
	        "nosuchkey=1",
	        "real_name",
	};
	struct buf err;
	size_t i;

	assert_int_equal(lists_create(fx->env, "v@example.org", NULL, 0, NULL), LM_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&err, 1024);
		assert_int_equal(lists_set(fx->env, "v", &bad[i], 1, &err), LM_EINVAL);
		assert_true(err.len > 0);
		buf_free(&err);
	}
	/* A failed set changes nothing, even when earlier pairs were good. */
	{
		const char *mixed[] = {"real_name=Changed", "html_sanitizer=9"};
		struct list *l;
		assert_int_equal(lists_set(fx->env, "v", mixed, 2, NULL), LM_EINVAL);
		assert_int_equal(lists_get(fx->env, "v", &l), LM_OK);
		assert_string_equal(list_get(l, "real_name"), "V");
		list_free(l);
	}
}

static void test_bad_names_rejected(void **state)
{
	struct testenv *fx = *state;
	static const char *bad[] = {"../etc@example.org", "a/b@example.org", "noat",
	                            "@example.org",       "x@bad domain",    ".hidden@example.org",
	                            "x@exa/mple.org"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(lists_create(fx->env, bad[i], NULL, 0, NULL), LM_EINVAL);
}

static void test_set_persists_and_multiline(void **state)
{
	struct testenv *fx = *state;
	const char *kv[] = {"msg_footer=-- \nFooter of %(real_name)s\n", "emergency=on"};
	const char *kv2[] = {"emergency=off"};
	struct list *l;
	struct buf out;

	assert_int_equal(lists_create(fx->env, "m@example.org", NULL, 0, NULL), LM_OK);
	assert_int_equal(lists_set(fx->env, "m@example.org", kv, 2, NULL), LM_OK);
	assert_int_equal(lists_set(fx->env, "m", kv2, 1, NULL), LM_OK);
	assert_int_equal(lists_get(fx->env, "m", &l), LM_OK);
	assert_string_equal(list_get(l, "msg_footer"), "-- \nFooter of %(real_name)s\n");
	assert_false(list_get_bool(l, "emergency"));
	buf_init(&out, 1 << 20);
	assert_int_equal(list_dump(l, &out), LM_OK);
	assert_non_null(strstr(buf_cstr(&out), "msg_footer = -- \\nFooter of %(real_name)s\\n\n"));
	assert_non_null(strstr(buf_cstr(&out), "emergency = no\n"));
	buf_free(&out);
	list_free(l);
	assert_int_equal(lists_set(fx->env, "nolist", kv2, 1, NULL), LM_ENOENT);
}

/* Action words: each setting's own numbering (Mailman's), and spf_fail_action's words. */
static void test_action_words(void **state)
{
	struct testenv *fx = *state;
	const char *kv[] = {"member_moderation_action=Reject", "generic_nonmember_action=reject",
	                    "spf_fail_action=discard"};
	const char *kv2[] = {"member_moderation_action=discard", "spf_fail_action=reject"};
	struct list *l;

	assert_int_equal(lists_create(fx->env, "w@example.org", NULL, 0, NULL), LM_OK);
	assert_int_equal(lists_set(fx->env, "w", kv, 3, NULL), LM_OK);
	assert_int_equal(lists_get(fx->env, "w", &l), LM_OK);
	assert_string_equal(list_get(l, "member_moderation_action"), "1");
	assert_string_equal(list_get(l, "generic_nonmember_action"), "2");
	assert_string_equal(list_get(l, "spf_fail_action"), "discard");
	list_free(l);
	assert_int_equal(lists_set(fx->env, "w", kv2, 2, NULL), LM_OK);
	assert_int_equal(lists_get(fx->env, "w", &l), LM_OK);
	assert_int_equal(list_get_int(l, "member_moderation_action"), 2);
	assert_string_equal(list_get(l, "spf_fail_action"), "reject");
	list_free(l);
}

static void test_find_rcpt(void **state)
{
	struct testenv *fx = *state;
	static const struct {
		const char *rcpt;
		int rc;
		enum list_addr_kind kind;
	} cases[] = {
	        {"<dev@example.org>", LM_OK, LIST_ADDR_POST},
	        {"Dev@EXAMPLE.org", LM_OK, LIST_ADDR_POST},
	        {"dev-request@example.org", LM_OK, LIST_ADDR_REQUEST},
	        {"dev-owner@example.org", LM_OK, LIST_ADDR_OWNER},
	        {"dev-bounces@example.org", LM_OK, LIST_ADDR_BOUNCES},
	        {"dev-bounces+joe=example.com@example.org", LM_OK, LIST_ADDR_BOUNCES},
	        {"dev-confirm+abc123@example.org", LM_OK, LIST_ADDR_CONFIRM},
	        {"dev-unsubscribe@example.org", LM_OK, LIST_ADDR_LEAVE},
	        {"dev-join@example.org", LM_OK, LIST_ADDR_JOIN},
	        {"dev@other.org", LM_ENOENT, 0},
	        {"devx@example.org", LM_ENOENT, 0},
	        {"dev-request+x@example.org", LM_ENOENT, 0},
	        {"joe@example.org", LM_ENOENT, 0},
	        {"<>", LM_ENOENT, 0},
	        {"", LM_ENOENT, 0},
	};
	size_t i;

	assert_int_equal(lists_create(fx->env, "dev@example.org", NULL, 0, NULL), LM_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct list *l = NULL;
		enum list_addr_kind kind = 99;
		int rc = lists_find_rcpt(fx->env, cases[i].rcpt, &l, &kind);
		if (rc != cases[i].rc)
			fail_msg("%s: got %d, want %d", cases[i].rcpt, rc, cases[i].rc);
		if (rc == LM_OK) {
			assert_int_equal(kind, cases[i].kind);
			assert_string_equal(list_name(l), "dev");
		}
		list_free(l);
	}
}

static void test_names(void **state)
{
	struct testenv *fx = *state;
	struct buf out;

	assert_int_equal(lists_create(fx->env, "zeta@example.org", NULL, 0, NULL), LM_OK);
	assert_int_equal(lists_create(fx->env, "alpha@example.org", NULL, 0, NULL), LM_OK);
	buf_init(&out, 4096);
	assert_int_equal(lists_names(fx->env, &out), LM_OK);
	assert_string_equal(buf_cstr(&out), "alpha\nzeta\n");
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_create_defaults, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_create_with_settings_and_private, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_bad_values_rejected, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_names_rejected, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_set_persists_and_multiline, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_action_words, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_find_rcpt, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
