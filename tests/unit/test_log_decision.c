/*
 * test_log_decision.c: the one-line-per-decision format operators grep: field order, the null
 * sender, hostile senders and reasons that try to forge fields or lines, and cutting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testutil.h"

/* Run fn with stderr pointed at a file; return what it wrote. */
static char *capture(void (*fn)(void))
{
	char *dir = testutil_tmpdir("logdec"), *path = testutil_path(dir, "err"), *text;
	FILE *saved;
	int fd = dup(2);

	saved = freopen(path, "w", stderr);
	assert_non_null(saved);
	log_open("listmilter", false, 0, true);
	fn();
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	text = testutil_read(path, NULL);
	testutil_rmtree(dir);
	free(dir);
	free(path);
	assert_non_null(text);
	return text;
}

static void emit_plain(void)
{
	log_decision("4Xq7Lp0abc", "demo", "ann@example.org", LOG_ACT_ACCEPT, "member post");
	log_decision("4Xq7Lp0abd", "demo", "", LOG_ACT_DISCARD, "bounce to the list");
	log_decision(NULL, "demo", NULL, LOG_ACT_TEMPFAIL, NULL);
	log_decision("Q4", NULL, "x@y", LOG_ACT_HOLD, "held");
	log_decision("Q5", "demo", "x@y", LOG_ACT_REJECT, "spf fail");
}

static void test_fields_in_order(void **state)
{
	char *text = capture(emit_plain);

	(void)state;
	assert_string_equal(
	        text,
	        "listmilter: 4Xq7Lp0abc: list=demo from=<ann@example.org> action=accept "
	        "reason=\"member post\"\n"
	        "listmilter: 4Xq7Lp0abd: list=demo from=<> action=discard reason=\"bounce to the "
	        "list\"\n"
	        "listmilter: NOQUEUE: list=demo from=<> action=tempfail reason=\"\"\n"
	        "listmilter: Q4: list=- from=<x@y> action=hold reason=\"held\"\n"
	        "listmilter: Q5: list=demo from=<x@y> action=reject reason=\"spf fail\"\n");
	free(text);
}

static void emit_hostile(void)
{
	log_decision("Q1", "demo", "evil> action=accept <x@y\r\n", LOG_ACT_REJECT,
	             "say \"hi\" \\ then\nQ2: list=demo action=accept\x1b[0m\xc3\xa9");
}

static void test_hostile_text_cannot_forge_fields(void **state)
{
	char *text = capture(emit_hostile);

	(void)state;
	assert_string_equal(text, "listmilter: Q1: list=demo from=<evil??action=accept??x@y?"
	                          "?> "
	                          "action=reject reason=\"say \\\"hi\\\" \\\\ then?Q2: list=demo "
	                          "action=accept?[0m??\"\n");
	assert_null(strstr(text, "from=<evil> "));
	free(text);
}

static char long_reason[3 * LOG_TEXT_MAX];

static void emit_long(void)
{
	memset(long_reason, '"', sizeof(long_reason) - 1);
	log_decision("Q3", "demo", "a@b", LOG_ACT_HOLD, long_reason);
}

static void test_long_reason_is_cut(void **state)
{
	char *text = capture(emit_long), *r = strstr(text, "reason=\""), *end;

	(void)state;
	assert_non_null(r);
	r += strlen("reason=\"");
	end = strstr(r, "...\"\n");
	assert_non_null(end);
	/* LOG_TEXT_MAX quotes, each escaped to two bytes, then "..." and the closing quote */
	assert_int_equal(end - r, 2 * LOG_TEXT_MAX);
	free(text);
}

static void test_action_names(void **state)
{
	(void)state;
	assert_string_equal(log_action_name(LOG_ACT_ACCEPT), "accept");
	assert_string_equal(log_action_name(LOG_ACT_HOLD), "hold");
	assert_string_equal(log_action_name(LOG_ACT_REJECT), "reject");
	assert_string_equal(log_action_name(LOG_ACT_DISCARD), "discard");
	assert_string_equal(log_action_name(LOG_ACT_TEMPFAIL), "tempfail");
	assert_string_equal(log_action_name((enum log_action)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fields_in_order),
	        cmocka_unit_test(test_hostile_text_cannot_forge_fields),
	        cmocka_unit_test(test_long_reason_is_cut),
	        cmocka_unit_test(test_action_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
