/*
 * test_article.c: the archived article of a parsed post: subjects decoded the way pipermail's
 * decode_header()+make_header() shows them (folds next to encoded words read as one space).
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "archive.h"
#include "lmerr.h"
#include "scrub.h"
#include "testutil.h"

static GMimeMessage *parse(const char *text)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	assert_non_null(m);
	return m;
}

/* The decoded subject of a post with this Subject header (value with its folding). */
static void check_subject(const char *subject, const char *want)
{
	char text[1024];
	GMimeMessage *m;
	struct article a;

	snprintf(text, sizeof(text),
	         "From: a@example.com\nDate: Thu, 21 Mar 2013 10:45:01 +0100\n"
	         "Message-ID: <s@example.com>\nSubject: %s\n\nbody\n",
	         subject);
	m = parse(text);
	assert_int_equal(archive_article_from_message(m, NULL, NULL, 1363859101, &a), LM_OK);
	assert_string_equal(a.subject, want);
	article_clear(&a);
	g_object_unref(m);
}

static void test_subject_folding(void **state)
{
	(void)state;
	/* imagej-devel 2013-March 001454: a tab fold before the encoded words */
	check_subject("[ImageJ-devel]\n\t=?iso-8859-1?q?Calibration_bug_when_rotating_an_im?=\n"
	              "\t=?iso-8859-1?q?age_by_90=B0?=",
	              "[ImageJ-devel] Calibration bug when rotating an image by 90\xc2\xb0");
	/* plain text and a word on one line: the plain part is stripped, one space */
	check_subject("[ImageJ-devel] =?utf-8?q?Calibration_bug_when_rotating_an_image_b?=\n"
	              "\t=?utf-8?b?eSA5MMKw?=",
	              "[ImageJ-devel] Calibration bug when rotating an image by 90\xc2\xb0");
	/* twisted-python 2021-May: a line ending in a blank keeps it, plus make_header's space */
	check_subject("[Twisted-Python] \n =?utf-8?q?How_to_get?=\n =?utf-8?q?_the_ip?=",
	              "[Twisted-Python]  How to get the ip");
	/* without encoded words the blank after the line break stays as it is */
	check_subject("[L] Does anyone know why\n\tit fails", "[L] Does anyone know why\tit fails");
	/* plain text after an encoded word on the next line */
	check_subject("=?utf-8?q?Caf=C3=A9?=\n bar", "Caf\xc3\xa9  bar");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_subject_folding),
	};

	scrub_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
