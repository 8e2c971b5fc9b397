/*
 * test_cookheaders.c: Subject prefixing, List-* headers, Reply-To/Cc and DMARC munging against
 * the outputs Mailman 2.1's own tests (tests/test_handlers.py) and real deliveries expect.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cookheaders.h"
#include "lmerr.h"
#include "pyhdr.h"
#include "testutil.h"

/* Mailman's test list: _xtest@dom.ain, web host www.dom.ain. */
static void xtest(struct cook_settings *s)
{
	cook_settings_defaults(s, "_xtest", "dom.ain", "_xtest");
	s->listinfo_url = "http://www.dom.ain/mailman/listinfo/_xtest";
	s->options_url = "http://www.dom.ain/mailman/options/_xtest";
	s->archive_url = "http://www.dom.ain/pipermail/_xtest/";
	s->subject_prefix = "[XTEST] ";
}

static char *subject(const struct cook_settings *s, const char *raw)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = cook_subject(s, raw, &b);
	if (rc == LM_ENOENT) {
		buf_free(&b);
		return strdup("<unchanged>");
	}
	assert_int_equal(rc, LM_OK);
	return buf_steal(&b, NULL);
}

#define ASSERT_SUBJECT(s, raw, want)                                                               \
	do {                                                                                       \
		char *got_ = subject(s, raw);                                                      \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

static void test_subject_mailman(void **state)
{
	struct cook_settings s;

	(void)state;
	xtest(&s);
	/* test_subject_munging, test_subject_munging_no_subject, ..._has_prefix */
	ASSERT_SUBJECT(&s, "About Mailman...", "[XTEST] About Mailman...");
	ASSERT_SUBJECT(&s, NULL, "[XTEST] (no subject)");
	ASSERT_SUBJECT(&s, "Re: [XTEST] About Mailman...", "Re: [XTEST] About Mailman...");
	s.old_style_prefixing = false;
	ASSERT_SUBJECT(&s, "Re: [XTEST] About Mailman...", "[XTEST] Re: About Mailman...");
	s.subject_prefix = "   ";
	ASSERT_SUBJECT(&s, "About Mailman...", "<unchanged>");
}

static void test_subject_reply_markers(void **state)
{
	struct cook_settings s;

	(void)state;
	xtest(&s);
	ASSERT_SUBJECT(&s, "Re: Re: AW: sv : VS[2]: hello", "Re: [XTEST] hello");
	ASSERT_SUBJECT(&s, "[XTEST] Re: [XTEST] Re: hello [XTEST]", "Re: [XTEST] hello");
	ASSERT_SUBJECT(&s, "[XTEST]", "[XTEST] (no subject)");
	ASSERT_SUBJECT(&s, "Re: [XTEST]   ", "Re: [XTEST] (no subject)");
	ASSERT_SUBJECT(&s, "Ready: set", "[XTEST] Ready: set");
	/* the prefix is matched case-sensitively, like Mailman's regex */
	ASSERT_SUBJECT(&s, "[xtest] hi", "[XTEST] [xtest] hi");
}

static void test_subject_numbered(void **state)
{
	struct cook_settings s;

	(void)state;
	xtest(&s);
	s.subject_prefix = "[XTEST %d] ";
	s.post_id = 123;
	ASSERT_SUBJECT(&s, "Re: [XTEST 122] Re: AW: hi", "[XTEST 123] Re: hi");
	ASSERT_SUBJECT(&s, "[XTEST  7 ] news", "[XTEST 123] news");
	s.subject_prefix = "[XTEST %05d] ";
	ASSERT_SUBJECT(&s, "Re: [XTEST 00122] hi", "[XTEST 00123] Re: hi");
	/* a prefix Python cannot format: Mailman gives up on the prefix */
	s.subject_prefix = "[100%] ";
	ASSERT_SUBJECT(&s, "hi", "<unchanged>");
	/* no conversion at all: TypeError, the prefix is used as is */
	s.subject_prefix = "[a%%b] ";
	ASSERT_SUBJECT(&s, "hi", "[a%%b] hi");
}

/* Real outputs of Mailman 2.1 (usrp-users): feeding a delivered Subject back in gives it back. */
static void test_subject_folding_real(void **state)
{
	struct cook_settings s;

	(void)state;
	cook_settings_defaults(&s, "usrp-users", "lists.ettus.com", "USRP-users");
	s.subject_prefix = "[USRP-users] ";
	ASSERT_SUBJECT(&s, "Introducing Theseus Cores: Open source FPGA cores for DSP and SDR",
	               "[USRP-users] Introducing Theseus Cores: Open source FPGA cores for\n"
	               " DSP and SDR");
	ASSERT_SUBJECT(&s,
	               "Re: [USRP-users] \n =?utf-8?q?Need_a_little_help_with_running_legacy_pr?=\n"
	               " =?utf-8?q?ebuilt_UHD_versions?=",
	               "Re: [USRP-users] \n =?utf-8?q?Need_a_little_help_with_running_legacy_pr?=\n"
	               " =?utf-8?q?ebuilt_UHD_versions?=");
	ASSERT_SUBJECT(&s,
	               "=?gb2312?b?u9i4tDogu9i4tDogIEEgcHJvYmxlbSBvbiB0cmFuc21pdHRpbmcgZGF0YSB1c2lu"
	               "ZyA1R0h6?=",
	               "[USRP-users] =?gb2312?b?u9i4tDogu9i4tDogIEEgcHJvYmxlbSBvbiB0cmFu?=\n"
	               " =?gb2312?b?c21pdHRpbmcgZGF0YSB1c2luZyA1R0h6?=");
	/* an ISO-8859-1 subject stays ISO-8859-1 (quoted-printable words) */
	ASSERT_SUBJECT(&s, "=?ISO-8859-1?Q?Gr=FC=DFe?=", "[USRP-users] =?iso-8859-1?q?Gr=FC=DFe?=");
	/* a tab-folded subject keeps its tab */
	ASSERT_SUBJECT(
	        &s,
	        "a very long subject line that will certainly need folding when the\n\tprefix "
	        "is added to it",
	        "[USRP-users] a very long subject line that will certainly need\n\tfolding "
	        "when the\tprefix is added to it");
}

static void test_subject_hostile(void **state)
{
	struct cook_settings s;
	struct buf big, out;
	char *got;

	(void)state;
	xtest(&s);
	/* raw 8-bit bytes: Python cannot decode them as us-ascii, Mailman leaves the Subject */
	ASSERT_SUBJECT(&s,
	               "Gr\xfc\xdf"
	               "e",
	               "<unchanged>");
	/* an unknown charset: the encoded word is kept literally */
	ASSERT_SUBJECT(&s, "=?x-nonsense?q?abc?=", "[XTEST] =?x-nonsense?q?abc?=");
	/* header injection: line breaks never survive unfolded */
	got = subject(&s, "hi\r\nBcc: victim@example.com");
	assert_null(strchr(got, '\r'));
	assert_null(strstr(got, "\nBcc"));
	free(got);
	/* a huge subject full of prefixes and markers is handled in bounded time and folds */
	buf_init(&big, 0);
	buf_init(&out, 0);
	for (int i = 0; i < 2000; i++)
		assert_int_equal(buf_puts(&big, "Re: [XTEST] word "), LM_OK);
	assert_int_equal(cook_subject(&s, buf_cstr(&big), &out), LM_OK);
	assert_true(strncmp(buf_cstr(&out), "Re: [XTEST] word Re: word Re: word", 34) == 0);
	for (const char *p = buf_cstr(&out); (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p[1] == ' ');
	buf_free(&big);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_subject_mailman),
	        cmocka_unit_test(test_subject_reply_markers),
	        cmocka_unit_test(test_subject_numbered),
	        cmocka_unit_test(test_subject_folding_real),
	        cmocka_unit_test(test_subject_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
