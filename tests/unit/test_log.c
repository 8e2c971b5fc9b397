/*
 * test_log.c: log lines start with the queue id, mail text is made printable and cut.
 * Lines are captured by pointing stderr at a temporary file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testutil.h"

static char *capture(void (*fn)(void))
{
	char *dir = testutil_tmpdir("log"), *path = testutil_path(dir, "err"), *text;
	FILE *saved;
	int fd = dup(2);

	saved = freopen(path, "w", stderr);
	assert_non_null(saved);
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

static void emit_qid(void)
{
	log_open("lmtest", false, 0, true);
	log_info("4Xq7Lp0abc", "accept: list=%s from=<%s>", "demo", "a@b.test");
	log_info(NULL, "no queue id yet");
}

static void test_queue_id_first(void **state)
{
	char *text = capture(emit_qid);

	(void)state;
	assert_string_equal(text, "lmtest: 4Xq7Lp0abc: accept: list=demo from=<a@b.test>\n"
	                          "lmtest: NOQUEUE: no queue id yet\n");
	free(text);
}

static void emit_hostile(void)
{
	log_open("lmtest", false, 0, true);
	log_warn("Q1", "subject=%s", "evil\r\nFAKE: line\x1b[31m\xc3\xa9");
}

static void test_mail_text_cannot_forge_lines(void **state)
{
	char *text = capture(emit_hostile);

	(void)state;
	assert_string_equal(text, "lmtest: Q1: subject=evil??FAKE: line?[31m??\n");
	free(text);
}

static void emit_long(void)
{
	char *big = malloc(10000);

	memset(big, 'x', 9999);
	big[9999] = '\0';
	log_open("lmtest", false, 0, true);
	log_err("Q2", "%s", big);
	free(big);
}

static void test_long_lines_are_cut(void **state)
{
	char *text = capture(emit_long);
	size_t len = strlen(text);

	(void)state;
	assert_true(len < LOG_LINE_MAX + 16);
	assert_memory_equal(text + len - 4, "...\n", 4);
	free(text);
}

static void test_printable_helper(void **state)
{
	char out[8];

	(void)state;
	assert_string_equal(log_printable(out, sizeof(out), "ab\ncd", 5), "ab?cd");
	assert_string_equal(log_printable(out, sizeof(out), "abcdefghij", 10), "abcd...");
	assert_string_equal(log_printable(out, sizeof(out), NULL, 3), "");
	assert_string_equal(log_printable(out, sizeof(out), "a\0b", 3), "a?b");
}

static void emit_levels(void)
{
	log_open("lmtest", false, 0, true);
	log_set_level(LOG_LVL_NOTICE);
	log_info("Q3", "hidden");
	log_notice("Q3", "shown");
	log_set_level(LOG_LVL_INFO);
}

static void test_level_filter(void **state)
{
	char *text = capture(emit_levels);

	(void)state;
	assert_string_equal(text, "lmtest: Q3: shown\n");
	free(text);
}

static void test_facility_names(void **state)
{
	(void)state;
	assert_int_equal(log_facility_by_name("mail"), 2 << 3);
	assert_int_equal(log_facility_by_name("LOCAL3"), 19 << 3);
	assert_int_equal(log_facility_by_name("nosuch"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_queue_id_first),
	        cmocka_unit_test(test_mail_text_cannot_forge_lines),
	        cmocka_unit_test(test_long_lines_are_cut),
	        cmocka_unit_test(test_printable_helper),
	        cmocka_unit_test(test_level_filter),
	        cmocka_unit_test(test_facility_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
