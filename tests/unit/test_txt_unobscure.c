/*
 * test_txt_unobscure.c: pipermail's "user at host" turned back into addresses on .txt import,
 * and prose such as "look at example.com" or "meet at 5.30pm" left alone.
 */
#include <string.h>

#include "buf.h"
#include "lmerr.h"
#include "testutil.h"
#include "../../archive/txt_unobscure.h"

static void check(const char *in, const char *want)
{
	struct buf out;

	buf_init(&out, 1 << 16);
	assert_int_equal(txt_unobscure(in, strlen(in), &out), LM_OK);
	assert_string_equal(buf_cstr(&out), want);
	buf_free(&out);
}

static void test_addresses_restored(void **state)
{
	(void)state;
	check("Johannes Schindelin <Johannes.Schindelin at gmx.de> wrote:",
	      "Johannes Schindelin <Johannes.Schindelin@gmx.de> wrote:");
	check("mail twisted-python at twistedmatrix.com.",
	      "mail twisted-python@twistedmatrix.com.");
	check("a+b_c at sub.example.org and x at y.io", "a+b_c@sub.example.org and x@y.io");
	check(" at example.org", " at example.org");
}

static void test_prose_untouched(void **state)
{
	(void)state;
	check("take a look at twistedmatrix.com today", "take a look at twistedmatrix.com today");
	check("meet at 5.30pm", "meet at 5.30pm");
	check("I am at home", "I am at home");
	check("joe at localhost", "joe at localhost");
	check("it is at example.org", "it is at example.org");
	check("", "");
}

static void test_cap(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 4);
	assert_int_equal(txt_unobscure("x at example.org", 16, &out), LM_ETOOBIG);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_addresses_restored),
	        cmocka_unit_test(test_prose_untouched),
	        cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
