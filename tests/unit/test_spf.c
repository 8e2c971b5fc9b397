/*
 * test_spf.c: SPF result names, which results count as a failure for moderation (only Fail:
 * a temporary DNS error never holds or refuses mail), and checks that need no DNS.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lmerr.h"
#include "spf.h"
#include "testutil.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(spf_res_name(SPFRES_NONE), "none");
	assert_string_equal(spf_res_name(SPFRES_NEUTRAL), "neutral");
	assert_string_equal(spf_res_name(SPFRES_PASS), "pass");
	assert_string_equal(spf_res_name(SPFRES_FAIL), "fail");
	assert_string_equal(spf_res_name(SPFRES_SOFTFAIL), "softfail");
	assert_string_equal(spf_res_name(SPFRES_TEMPERROR), "temperror");
	assert_string_equal(spf_res_name(SPFRES_PERMERROR), "permerror");
	assert_string_equal(spf_res_name((enum spf_res)99), "none");
}

static void test_is_fail(void **state)
{
	(void)state;
	assert_true(spf_res_is_fail(SPFRES_FAIL));
	assert_false(spf_res_is_fail(SPFRES_SOFTFAIL));
	assert_false(spf_res_is_fail(SPFRES_TEMPERROR));
	assert_false(spf_res_is_fail(SPFRES_PERMERROR));
	assert_false(spf_res_is_fail(SPFRES_NONE));
	assert_false(spf_res_is_fail(SPFRES_NEUTRAL));
	assert_false(spf_res_is_fail(SPFRES_PASS));
}

/* Input libspf2 cannot check gives None (never a failure), with a header value. */
static void test_no_dns_needed(void **state)
{
	struct spf *s;
	struct buf h;

	(void)state;
	assert_int_equal(spf_new("mx.test", &s), LM_OK);
	buf_init(&h, BUF_CAP_SMALL);
	assert_int_equal(spf_check(s, "not-an-ip", "helo.test", "a@b.test", &h), SPFRES_NONE);
	assert_string_equal(buf_cstr(&h), "none");
	buf_reset(&h);
	assert_int_equal(spf_check(s, "127.0.0.1", NULL, "", &h), SPFRES_NONE);
	assert_int_equal(spf_check(s, NULL, NULL, NULL, NULL), SPFRES_NONE);
	buf_free(&h);
	spf_free(s);
}

static void test_auth_results(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	assert_int_equal(spf_auth_results(&b, "mx.example.org", SPFRES_PASS, "a@b.example", "h"),
	                 LM_OK);
	assert_string_equal(buf_cstr(&b), "mx.example.org; spf=pass smtp.mailfrom=a@b.example");
	buf_reset(&b);
	assert_int_equal(spf_auth_results(&b, "mx", SPFRES_FAIL, "", "helo.example"), LM_OK);
	assert_string_equal(buf_cstr(&b), "mx; spf=fail smtp.helo=helo.example");
	buf_reset(&b);
	/* hostile text is quoted and cannot break the header */
	assert_int_equal(spf_auth_results(&b, "mx", SPFRES_SOFTFAIL, "a b\r\nX: \"y\"@c", NULL),
	                 LM_OK);
	assert_string_equal(buf_cstr(&b), "mx; spf=softfail smtp.mailfrom=\"a b  X: \\\"y\\\"@c\"");
	buf_reset(&b);
	/* 8-bit bytes from the envelope never reach the header as raw non-ASCII */
	assert_int_equal(spf_auth_results(&b, "mx", SPFRES_NONE, "j\xc3\xb6rg@example.org", NULL),
	                 LM_OK);
	assert_string_equal(buf_cstr(&b), "mx; spf=none smtp.mailfrom=\"j??rg@example.org\"");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names),
	        cmocka_unit_test(test_is_fail),
	        cmocka_unit_test(test_no_dns_needed),
	        cmocka_unit_test(test_auth_results),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
