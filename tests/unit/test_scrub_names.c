/*
 * test_scrub_names.c: the attachment directory of spec 6.2 (hash8 test vector, the date rule
 * and its fallbacks) and the file naming of 6.4 (extension table, scrub_use_filename, hostile
 * names sanitised to [-a-zA-Z0-9_.]).
 */
#include <stdlib.h>
#include <string.h>

#include "attstore.h"
#include "lmerr.h"
#include "mimetypes.h"
#include "testutil.h"

static void test_hash8_vector(void **state)
{
	char h[9];

	(void)state;
	assert_int_equal(attstore_hash8("<abc@example.com>", h), LM_OK);
	assert_string_equal(h, "1f2c3de2");
	assert_int_equal(attstore_hash8("", h), LM_OK);
	assert_string_equal(h, "da390709"); /* SHA-1("") = da39a3ee...afd80709 */
}

static void datedir(const char *date, const char *from_line, const char *want)
{
	char out[9];

	attstore_datedir(date, 1549887468, from_line, out);
	assert_string_equal(out, want);
}

static void test_datedir(void **state)
{
	(void)state;
	/* As written, without zone conversion. */
	datedir("Mon, 04 Feb 2019 23:30:00 -0800", NULL, "20190204");
	datedir("Tue, 5 Feb 2019 01:30:00 +1400", NULL, "20190205");
	datedir("4 Feb 2019 10:00:00 +0000", NULL, "20190204");
	datedir("Monday, 04 February 2019 10:00 GMT", NULL, "20190204");
	datedir("Feb 04 2019 10:00:00", NULL, "20190204");
	datedir("Mon, 04 Feb 99 10:00:00 +0000", NULL, "19990204");
	datedir("Mon, 04 Feb 19 10:00:00 +0000", NULL, "20190204");
	/* No Date: gmtime(received). */
	datedir(NULL, NULL, "20190211");
	/* Unparseable or before 1900: the From_ line, else zeros. */
	datedir("yesterday", "From a@b Sun Mar 10 08:00:00 2019", "20190310");
	datedir("Mon, 04 Feb 1850 10:00:00 +0000", "From a@b Sun Mar 10 08:00:00 2019", "20190310");
	datedir("Mon, 04 Xyz 2019 10:00:00", "From a@b Sun Mar 10 08:00:00 2019", "20190310");
	datedir("Mon, 44 Feb 2019 10:00:00", "From a@b Sun Foo 10 08:00:00 2019", "20190010");
	datedir("garbage", NULL, "00000000");
	datedir("garbage", "From a@b", "00000000");
}

static void name(const char *fname, const char *ctype, bool use, const char *base, const char *ext)
{
	struct buf b, e;

	buf_init(&b, 0);
	buf_init(&e, 0);
	assert_int_equal(attstore_name(fname, ctype, use, &b, &e), LM_OK);
	assert_string_equal(buf_cstr(&b), base);
	assert_string_equal(buf_cstr(&e), ext);
	buf_free(&b);
	buf_free(&e);
}

static void test_extension_table(void **state)
{
	(void)state;
	assert_string_equal(mimetypes_ext("application/pdf", NULL), ".pdf");
	assert_string_equal(mimetypes_ext("image/jpeg", ".jpeg"), ".jpeg");
	assert_string_equal(mimetypes_ext("image/jpeg", ".JPG"), ".jpg");
	assert_string_equal(mimetypes_ext("image/jpeg", ".exe"), ".jpg");
	assert_string_equal(mimetypes_ext("text/html", ".htm"), ".htm");
	assert_null(mimetypes_ext("application/x-unknown-thing", ".foo"));
	name(NULL, "application/x-unknown-thing", false, "attachment", ".bin");
	name(NULL, "message/rfc822", false, "attachment", ".eml");
	name("a.jpeg", "image/jpeg", false, "attachment", ".jpeg");
	name("a.pdf", "image/jpeg", false, "attachment", ".jpg");
}

static void test_use_filename(void **state)
{
	(void)state;
	name("report.pdf", "application/pdf", false, "attachment", ".pdf");
	name("N1834213 - 2018 cybersecurity OEWG resolution.pdf", "application/pdf", true,
	     "N1834213-2018cybersecurityOEWGresolution", ".pdf");
	name("report.exe", "application/pdf", true, "report", ".pdf");
	name("noext", "application/pdf", true, "noext", ".pdf");
	name("", "application/pdf", true, "attachment", ".pdf");
	name(".pdf", "application/pdf", true, "pdf", ".pdf");
	name("archive.tar.gz", "application/gzip", true, "archive.tar", ".gz");
}

static void test_hostile_names(void **state)
{
	char *huge = malloc(10241);

	(void)state;
	name("../../etc/passwd", "application/octet-stream", true, "passwd", ".bin");
	name("/etc/cron.d/x.sh", "application/x-sh", true, "x", ".sh");
	name("..\\..\\windows\\evil.pdf", "application/pdf", true, "evil", ".pdf");
	name("C:evil.pdf", "application/pdf", true, "evil", ".pdf");
	name("a\x01\x1b[31mb\x7f.pdf", "application/pdf", true, "a31mb", ".pdf");
	name("....pdf", "application/pdf", true, "pdf", ".pdf"); /* splitext keeps leading dots */
	name("....pdf", "application/pdf", true, "pdf", ".pdf"); /* splitext keeps leading dots */
	name("dir/", "application/pdf", true, "", ".pdf");
	/* Look-alikes: FULLWIDTH SOLIDUS, ONE DOT LEADER, DIVISION SLASH are not ASCII. */
	name("\xef\xbc\x8f..\xe2\x80\xa4\xe2\x80\xa4\xe2\x88\x95"
	     "etc\xe2\x88\x95"
	     "passwd.pdf",
	     "application/pdf", true, "..etcpasswd", ".pdf");
	memset(huge, 'a', 10240);
	huge[10240] = '\0';
	huge[10236] = '.';
	{
		struct buf b, e;

		buf_init(&b, 0);
		buf_init(&e, 0);
		assert_int_equal(attstore_name(huge, "application/pdf", true, &b, &e), LM_OK);
		assert_int_equal(b.len, ATTSTORE_MAX_BASE);
		assert_string_equal(buf_cstr(&e), ".pdf");
		buf_free(&b);
		buf_free(&e);
	}
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hash8_vector),    cmocka_unit_test(test_datedir),
	        cmocka_unit_test(test_extension_table), cmocka_unit_test(test_use_filename),
	        cmocka_unit_test(test_hostile_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
