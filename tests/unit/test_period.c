/*
 * test_period.c: pipermail period names and labels for every archive_volume_frequency, in UTC
 * and in a zone with DST (including the weekly Monday slip), TOC order and zone abbreviations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lmerr.h"
#include "period.h"
#include "subjkey.h"
#include "testutil.h"

static void expect_name(int64_t epoch, int freq, const char *tz, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(period_name(epoch, freq, tz, &b), LM_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void expect_label(const char *name, int freq, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(period_label(name, freq, &b), want ? LM_OK : LM_EINVAL);
	if (want)
		assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

/* 2019-02-04 12:34:56 UTC, a Monday */
#define MON_FEB4 INT64_C(1549283696)

static void test_names_utc(void **state)
{
	(void)state;
	expect_name(MON_FEB4, PERIOD_YEARLY, NULL, "2019");
	expect_name(MON_FEB4, PERIOD_MONTHLY, "", "2019-February");
	expect_name(MON_FEB4, PERIOD_QUARTERLY, "UTC", "2019q1");
	expect_name(MON_FEB4, PERIOD_WEEKLY, "UTC", "Week-of-Mon-20190204");
	expect_name(MON_FEB4, PERIOD_DAILY, "UTC", "20190204");
	/* Sunday 10 February: the week began on Monday 4th */
	expect_name(MON_FEB4 + 6 * 86400, PERIOD_WEEKLY, "UTC", "Week-of-Mon-20190204");
	expect_name(MON_FEB4 + 7 * 86400, PERIOD_WEEKLY, "UTC", "Week-of-Mon-20190211");
	expect_name(1569888000, PERIOD_QUARTERLY, NULL, "2019q4"); /* 2019-10-01 00:00 */
	expect_name(1569887999, PERIOD_QUARTERLY, NULL, "2019q3");
	expect_name(1569887999, PERIOD_MONTHLY, NULL, "2019-September");
	expect_name(0, PERIOD_DAILY, NULL, "19700101");
}

static void test_names_zone(void **state)
{
	struct buf b;
	struct tm tm;
	char abbr[16];

	(void)state;
	/* 2019-02-04 03:00 UTC is Sunday evening in Denver: previous day and previous week */
	expect_name(1549249200, PERIOD_DAILY, "America/Denver", "20190203");
	expect_name(1549249200, PERIOD_WEEKLY, "America/Denver", "Week-of-Mon-20190128");
	expect_name(1549249200, PERIOD_WEEKLY, "UTC", "Week-of-Mon-20190204");
	/* 2019-03-01 05:00 UTC is still February in Denver */
	expect_name(1551416400, PERIOD_MONTHLY, "America/Denver", "2019-February");
	expect_name(1551416400, PERIOD_MONTHLY, "Europe/Berlin", "2019-March");
	/* Sunday 2019-11-03 23:30 MST, after the fall-back: pipermail's Monday slips to Tuesday */
	expect_name(1572849000, PERIOD_WEEKLY, "America/Denver", "Week-of-Mon-20191029");
	assert_int_equal(period_localtime(1561982400, "America/Denver", &tm, abbr), LM_OK);
	assert_string_equal(abbr, "MDT");
	assert_int_equal(tm.tm_hour, 6);
	assert_int_equal(period_localtime(MON_FEB4, "America/Denver", &tm, abbr), LM_OK);
	assert_string_equal(abbr, "MST");
	assert_int_equal(period_localtime(MON_FEB4, "Europe/Berlin", &tm, abbr), LM_OK);
	assert_string_equal(abbr, "CET");
	assert_int_equal(period_localtime(MON_FEB4, NULL, &tm, abbr), LM_OK);
	assert_string_equal(abbr, "UTC");
	buf_init(&b, 0);
	assert_int_equal(period_name(MON_FEB4, 1, "No/Such_Zone", &b), LM_EINVAL);
	assert_int_equal(period_name(MON_FEB4, 1, "../../etc/passwd", &b), LM_EINVAL);
	assert_int_equal(period_name(MON_FEB4, 1, "/etc/localtime", &b), LM_EINVAL);
	assert_int_equal(period_name(MON_FEB4, 5, NULL, &b), LM_EINVAL);
	assert_int_equal(period_name(MON_FEB4, -1, NULL, &b), LM_EINVAL);
	buf_free(&b);
}

static void test_labels(void **state)
{
	(void)state;
	expect_label("2019", PERIOD_YEARLY, "2019");
	expect_label("2019-February", PERIOD_MONTHLY, "February 2019");
	expect_label("2019q1", PERIOD_QUARTERLY, "First quarter 2019");
	expect_label("2019q2", PERIOD_QUARTERLY, "Second quarter 2019");
	expect_label("2019q3", PERIOD_QUARTERLY, "Third quarter 2019");
	expect_label("2019q4", PERIOD_QUARTERLY, "Fourth quarter 2019");
	expect_label("Week-of-Mon-20190204", PERIOD_WEEKLY, "The Week Of Monday 4 February 2019");
	expect_label("20190204", PERIOD_DAILY, "4 February 2019");
	expect_label("20191231", PERIOD_DAILY, "31 December 2019");
	expect_label("2019-Febuary", PERIOD_MONTHLY, NULL);
	expect_label("2019q5", PERIOD_QUARTERLY, NULL);
	expect_label("20191301", PERIOD_DAILY, NULL);
	expect_label("Week-of-Mon-2019020", PERIOD_WEEKLY, NULL);
	expect_label("2019-February", PERIOD_YEARLY, NULL);
}

static void test_toc_order(void **state)
{
	(void)state;
	assert_true(period_toc_compare("2019-March", "2019-February", PERIOD_MONTHLY) < 0);
	assert_true(period_toc_compare("2019-January", "2018-December", PERIOD_MONTHLY) < 0);
	assert_true(period_toc_compare("2018-December", "2019-January", PERIOD_MONTHLY) > 0);
	assert_true(period_toc_compare("2019-May", "2019-May", PERIOD_MONTHLY) == 0);
	assert_true(period_toc_compare("2019q4", "2019q1", PERIOD_QUARTERLY) < 0);
	assert_true(period_toc_compare("2020", "2019", PERIOD_YEARLY) < 0);
	assert_true(period_toc_compare("Week-of-Mon-20190211", "Week-of-Mon-20190204",
	                               PERIOD_WEEKLY) < 0);
	assert_true(period_toc_compare("20190204", "20190205", PERIOD_DAILY) > 0);
}

static void expect_key(const char *subject, const char *prefix, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(subjkey_make(subject, prefix, &b), LM_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_subject_key(void **state)
{
	(void)state;
	assert_string_equal(subjkey_strip_re("Re: [Mylist] Hello"), "[Mylist] Hello");
	assert_string_equal(subjkey_strip_re("RE[2]: re : Hello"), "Hello");
	assert_string_equal(subjkey_strip_re("[Mylist] Re: Hello"), "[Mylist] Re: Hello");
	assert_string_equal(subjkey_strip_re("AW: Hello"), "AW: Hello");
	assert_string_equal(subjkey_strip_re("Re: "), "");
	expect_key("Re: [Mylist] Hello World", "[Mylist] ", "helloworld");
	expect_key("[Mylist] Re: AW: sv[3]: HelloWorld", "[Mylist]", "helloworld");
	expect_key("[Mylist 123] Re: Hello", "[Mylist %d]", "hello");
	expect_key("[Mylist 0042] Hello", "[Mylist %05d] ", "hello");
	expect_key("Hello [Mylist] again", "[Mylist]", "helloagain");
	expect_key("", NULL, "nosubject");
	expect_key("Re:", "", "nosubject");
	expect_key("Größe ÄNDERN", NULL, "größeändern");
	expect_key("\xff\xfe ABC", NULL,
	           "\xff\xfe"
	           "abc");
}

/* Our TZif reader against the C library's own zone code (this test is single-threaded). */
static void test_zones_match_libc(void **state)
{
	static const char *const zones[] = {
	        "America/Denver",   "Europe/Berlin",    "Australia/Sydney", "Asia/Kolkata",
	        "Pacific/Chatham",  "Europe/Dublin",    "America/St_Johns", "Africa/Casablanca",
	        "America/Santiago", "Antarctica/Troll", "Etc/GMT+5",        "Europe/London"};
	char spec[64], abbr[16];
	struct tm want, got;
	unsigned seed = 42;
	size_t z;
	int i;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		snprintf(spec, sizeof(spec), ":%s", zones[z]);
		setenv("TZ", spec, 1);
		tzset();
		for (i = 0; i < 20000; i++) {
			/* 1901 to 2100: the transitions and, after 2037, the POSIX rule */
			int64_t t = (int64_t)(rand_r(&seed) % 6310) * 1000000 -
			            INT64_C(2147483648) + rand_r(&seed) % 1000000;
			time_t tt = (time_t)t;
			assert_non_null(localtime_r(&tt, &want));
			assert_int_equal(period_localtime(t, zones[z], &got, abbr), LM_OK);
			if (want.tm_hour != got.tm_hour || want.tm_mday != got.tm_mday ||
			    want.tm_min != got.tm_min || strcmp(want.tm_zone, abbr) != 0)
				fail_msg("%s at %lld: libc %02d %02d:%02d %s, ours %02d %02d:%02d "
				         "%s",
				         zones[z], (long long)t, want.tm_mday, want.tm_hour,
				         want.tm_min, want.tm_zone, got.tm_mday, got.tm_hour,
				         got.tm_min, abbr);
			assert_int_equal(want.tm_year, got.tm_year);
			assert_int_equal(want.tm_mon, got.tm_mon);
			assert_int_equal(want.tm_wday, got.tm_wday);
		}
	}
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names_utc),   cmocka_unit_test(test_names_zone),
	        cmocka_unit_test(test_labels),      cmocka_unit_test(test_toc_order),
	        cmocka_unit_test(test_subject_key), cmocka_unit_test(test_zones_match_libc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
