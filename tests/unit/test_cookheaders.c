/*
 * test_cookheaders.c: Subject prefixing, List-* headers, Reply-To/Cc and DMARC munging against
 * the outputs Mailman 2.1's own tests (tests/test_handlers.py) and real deliveries expect.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	/* Mailman interpolates %(real_name)s only when the list is created: at post time it is
	 * a TypeError and the prefix is used literally */
	s.subject_prefix = "[%(real_name)s] ";
	ASSERT_SUBJECT(&s, "Re: [%(real_name)s] hi", "Re: [%(real_name)s] hi");
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

/* The value of the last ADD for name, or NULL; *dly receives its delivery_only flag. */
static const char *added(const struct hdr_edits *e, const char *name, bool *dly)
{
	const char *v = NULL;

	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].op == HDR_ADD && strcasecmp(e->v[i].name, name) == 0) {
			v = e->v[i].value;
			if (dly)
				*dly = e->v[i].delivery_only;
		}
	return v;
}

static size_t deletes(const struct hdr_edits *e, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].op == HDR_DELETE && strcasecmp(e->v[i].name, name) == 0)
			n++;
	return n;
}

static void cook(const struct cook_settings *s, const struct hdr_field *f, size_t n,
                 struct hdr_edits *e)
{
	struct hdr_list h = {f, n};

	hdr_edits_init(e);
	assert_int_equal(cook_headers(s, &h, "aperson@dom.ain", NULL, "TESTQID", e), LM_OK);
}

static void test_list_headers(void **state)
{
	static const struct hdr_field f[] = {{"From", "aperson@dom.ain"}};
	struct cook_settings s;
	struct hdr_edits e;
	bool dly = true;

	(void)state;
	xtest(&s);
	s.subject_prefix = "";
	cook(&s, f, 1, &e);
	/* test_list_headers: exact values */
	assert_string_equal(added(&e, "List-Id", &dly), "<_xtest.dom.ain>");
	assert_false(dly);
	assert_string_equal(added(&e, "List-Help", NULL),
	                    "<mailto:_xtest-request@dom.ain?subject=help>");
	assert_string_equal(added(&e, "List-Unsubscribe", NULL),
	                    "<http://www.dom.ain/mailman/options/_xtest>,"
	                    "\n <mailto:_xtest-request@dom.ain?subject=unsubscribe>");
	assert_string_equal(added(&e, "List-Subscribe", NULL),
	                    "<http://www.dom.ain/mailman/listinfo/_xtest>,"
	                    "\n <mailto:_xtest-request@dom.ain?subject=subscribe>");
	assert_string_equal(added(&e, "List-Post", NULL), "<mailto:_xtest@dom.ain>");
	assert_string_equal(added(&e, "List-Archive", NULL),
	                    "<http://www.dom.ain/pipermail/_xtest/>");
	assert_string_equal(added(&e, "X-BeenThere", NULL), "_xtest@dom.ain");
	assert_string_equal(added(&e, "X-Mailman-Version", NULL), "2.1.39");
	assert_string_equal(added(&e, "Precedence", NULL), "list");
	assert_null(added(&e, "Subject", NULL));
	assert_null(added(&e, "Reply-To", NULL));
	/* the order Mailman's dict gave real deliveries */
	assert_string_equal(e.v[e.n - 6].name, "List-Id");
	assert_string_equal(e.v[e.n - 5].name, "List-Unsubscribe");
	assert_string_equal(e.v[e.n - 4].name, "List-Archive");
	assert_string_equal(e.v[e.n - 1].name, "List-Subscribe");
	hdr_edits_free(&e);
	/* test_list_headers_with_description; archive off: no List-Archive */
	s.description = "A Test List";
	s.archive = false;
	cook(&s, f, 1, &e);
	assert_string_equal(added(&e, "List-Id", NULL), "A Test List <_xtest.dom.ain>");
	assert_null(added(&e, "List-Archive", NULL));
	hdr_edits_free(&e);
	/* specials are quoted, non-ASCII is RFC 2047 (iso-8859-1 for an English list) */
	s.description = "Tests, and more";
	cook(&s, f, 1, &e);
	assert_string_equal(added(&e, "List-Id", NULL), "\"Tests, and more\" <_xtest.dom.ain>");
	hdr_edits_free(&e);
	s.description = "Gr\xc3\xbc\xc3\x9f";
	cook(&s, f, 1, &e);
	assert_string_equal(added(&e, "List-Id", NULL),
	                    "=?iso-8859-1?q?Gr=FC=DF?= <_xtest.dom.ain>");
	hdr_edits_free(&e);
	/* _nolist equivalent */
	s.include_rfc2369_headers = false;
	cook(&s, f, 1, &e);
	assert_null(added(&e, "List-Id", NULL));
	assert_null(added(&e, "List-Help", NULL));
	hdr_edits_free(&e);
}

static void test_existing_headers(void **state)
{
	static const struct hdr_field f[] = {
	        {"From", "aperson@dom.ain"},     {"X-BeenThere", "alist@another.dom.ain"},
	        {"X-Mailman-Version", "3000"},   {"Precedence", "junk"},
	        {"List-Id", "<old.list>"},       {"List-Id", "<older.list>"},
	        {"Approved", "secret"},          {"X-PMRQC", "1"},
	        {"Subject", "About Mailman..."},
	};
	struct cook_settings s;
	struct hdr_edits e;
	bool dly = true;

	(void)state;
	xtest(&s);
	cook(&s, f, sizeof(f) / sizeof(f[0]), &e);
	/* X-BeenThere is added next to the old one; version and precedence are kept */
	assert_string_equal(added(&e, "X-BeenThere", NULL), "_xtest@dom.ain");
	assert_int_equal(deletes(&e, "X-BeenThere"), 0);
	assert_null(added(&e, "X-Mailman-Version", NULL));
	assert_null(added(&e, "Precedence", NULL));
	/* List-Id replaces both, deleting the higher index first */
	assert_int_equal(deletes(&e, "List-Id"), 2);
	for (size_t i = 0; i < e.n; i++)
		if (strcmp(e.v[i].name, "List-Id") == 0 && e.v[i].op == HDR_DELETE) {
			assert_int_equal(e.v[i].idx, 2);
			assert_int_equal(e.v[i + 1].idx, 1);
			break;
		}
	/* Cleanse */
	assert_int_equal(deletes(&e, "Approved"), 1);
	assert_int_equal(deletes(&e, "X-PMRQC"), 1);
	assert_string_equal(added(&e, "Subject", &dly), "[XTEST] About Mailman...");
	assert_false(dly);
	assert_int_equal(deletes(&e, "Subject"), 1);
	hdr_edits_free(&e);
}

/* Mailman's TestCookHeaders.test_reply_to_* (add_header values are our delivery-only edits). */
static void reply_case(int mode, bool strip, int fil, bool orig_rt, const char *want_rt,
                       const char *want_cc)
{
	struct hdr_field f[] = {{"From", "aperson@dom.ain"}, {"Reply-To", "bperson@dom.ain"}};
	struct cook_settings s;
	struct hdr_edits e;
	bool dly = false;

	xtest(&s);
	s.reply_goes_to_list = mode;
	s.first_strip_reply_to = strip;
	s.from_is_list = fil;
	s.reply_to_address = "mlist@dom.ain";
	cook(&s, f, orig_rt ? 2 : 1, &e);
	if (want_rt) {
		assert_string_equal(added(&e, "Reply-To", &dly), want_rt);
		assert_true(dly);
	} else {
		assert_null(added(&e, "Reply-To", NULL));
	}
	if (want_cc) {
		assert_string_equal(added(&e, "Cc", &dly), want_cc);
		assert_true(dly);
	} else {
		assert_null(added(&e, "Cc", NULL));
	}
	hdr_edits_free(&e);
}

static void test_reply_to(void **state)
{
	(void)state;
	reply_case(1, false, 0, false, "_xtest@dom.ain", NULL);
	reply_case(1, false, 1, false, "_xtest@dom.ain", "aperson@dom.ain");
	reply_case(1, true, 0, true, "_xtest@dom.ain", NULL);
	reply_case(1, true, 1, true, "_xtest@dom.ain", "aperson@dom.ain");
	reply_case(2, false, 0, false, "mlist@dom.ain", NULL);
	reply_case(2, false, 1, false, "mlist@dom.ain", "aperson@dom.ain");
	reply_case(2, true, 0, true, "mlist@dom.ain", NULL);
	reply_case(2, true, 1, true, "mlist@dom.ain", "aperson@dom.ain");
	reply_case(1, false, 0, true, "bperson@dom.ain, _xtest@dom.ain", NULL);
	reply_case(1, false, 1, true, "bperson@dom.ain, _xtest@dom.ain", "aperson@dom.ain");
	reply_case(2, false, 0, true, "mlist@dom.ain, bperson@dom.ain", NULL);
	reply_case(2, false, 1, true, "mlist@dom.ain, bperson@dom.ain", "aperson@dom.ain");
	/* mode 0 with DMARC munging: the poster goes to Reply-To */
	reply_case(0, false, 1, false, "aperson@dom.ain", NULL);
	/* mode 0, original Reply-To without the poster: the poster goes to Cc */
	reply_case(0, false, 1, true, "bperson@dom.ain", "aperson@dom.ain");
	/* mode 2 without an address and nothing else: no Reply-To at all (never an empty one) */
	{
		struct hdr_field f[] = {{"From", "aperson@dom.ain"}};
		struct cook_settings s;
		struct hdr_edits e;
		xtest(&s);
		s.reply_goes_to_list = 2;
		cook(&s, f, 1, &e);
		assert_null(added(&e, "Reply-To", NULL));
		hdr_edits_free(&e);
	}
}

static void test_reply_to_strip_immediate(void **state)
{
	static const struct hdr_field f[] = {{"From", "a@dom.ain"}, {"Reply-To", "b@dom.ain"}};
	struct cook_settings s;
	struct hdr_edits e;

	(void)state;
	/* mode 0 + first_strip: nothing left, the Reply-To goes (also from the archived copy) */
	xtest(&s);
	s.first_strip_reply_to = true;
	cook(&s, f, 2, &e);
	assert_int_equal(deletes(&e, "Reply-To"), 1);
	for (size_t i = 0; i < e.n; i++)
		if (strcmp(e.v[i].name, "Reply-To") == 0)
			assert_false(e.v[i].delivery_only);
	hdr_edits_free(&e);
}

static void munge_case(const char *from, const char *want_from, const char *want_rt)
{
	struct hdr_field f[] = {{"From", from}};
	struct cook_settings s;
	struct hdr_edits e;
	bool dly = false;

	cook_settings_defaults(&s, "usrp-users", "lists.ettus.com", "USRP-users");
	s.from_is_list = 1;
	cook(&s, f, 1, &e);
	assert_string_equal(added(&e, "From", &dly), want_from);
	assert_true(dly);
	assert_string_equal(added(&e, "Reply-To", NULL), want_rt);
	hdr_edits_free(&e);
}

static void test_dmarc_munge(void **state)
{
	(void)state;
	munge_case("Joe Example <joe@example.com>",
	           "Joe Example via USRP-users <usrp-users@lists.ettus.com>",
	           "Joe Example <joe@example.com>");
	/* real deliveries */
	munge_case("Marcus =?ISO-8859-1?Q?M=FCller?= <marcus.mueller@ettus.com>",
	           "=?utf-8?q?Marcus_M=C3=BCller_via_USRP-users?=\n <usrp-users@lists.ettus.com>",
	           "Marcus =?ISO-8859-1?Q?M=FCller?= <marcus.mueller@ettus.com>");
	munge_case("=?koi8-r?B?4c7E0sXKIDE=?= <andrew4010@rambler.ru>",
	           "=?utf-8?b?0JDQvdC00YDQtdC5IDEgdmlhIFVTUlAtdXNlcnM=?=\n"
	           " <usrp-users@lists.ettus.com>",
	           "=?koi8-r?B?4c7E0sXKIDE=?= <andrew4010@rambler.ru>");
	/* no display name: the address, with its domain cut */
	munge_case("joe@example.com", "joe--- via USRP-users <usrp-users@lists.ettus.com>",
	           "joe@example.com");
	/* a quoted name with specials is quoted again */
	munge_case("\"Doe, Jane\" <jane@example.com>",
	           "\"Doe, Jane via USRP-users\" <usrp-users@lists.ettus.com>",
	           "\"Doe, Jane\" <jane@example.com>");
}

static void test_delivery_headers(void **state)
{
	static const struct hdr_field f[] = {{"Sender", "someone@else"}};
	struct hdr_list h = {f, 1};
	struct cook_settings s;
	struct hdr_edits e;
	bool dly = false;

	(void)state;
	cook_settings_defaults(&s, "usrp-users", "lists.ettus.com", "USRP-users");
	hdr_edits_init(&e);
	assert_int_equal(cook_delivery_headers(&s, &h, "usrp-users-bounces@lists.ettus.com", &e),
	                 LM_OK);
	assert_string_equal(added(&e, "Errors-To", &dly), "usrp-users-bounces@lists.ettus.com");
	assert_true(dly);
	assert_string_equal(added(&e, "Sender", NULL),
	                    "\"USRP-users\" <usrp-users-bounces@lists.ettus.com>");
	assert_int_equal(deletes(&e, "Sender"), 1);
	assert_int_equal(cook_delivery_headers(&s, &h, "x@y\r\nBcc: z", &e), LM_EINVAL);
	hdr_edits_free(&e);
}

static void test_unsafe_settings(void **state)
{
	static const struct hdr_field f[] = {{"From", "a@dom.ain"}};
	struct hdr_list h = {f, 1};
	struct cook_settings s;
	struct hdr_edits e;

	(void)state;
	xtest(&s);
	s.description = "evil\r\nBcc: victim@example.com";
	hdr_edits_init(&e);
	assert_int_equal(cook_headers(&s, &h, "a@dom.ain", NULL, "Q", &e), LM_EINVAL);
	xtest(&s);
	s.real_name = "x\ny";
	assert_int_equal(cook_headers(&s, &h, "a@dom.ain", NULL, "Q", &e), LM_EINVAL);
	hdr_edits_free(&e);
	/* hdr_edits itself refuses unfolded line breaks and blank continuation lines */
	hdr_edits_init(&e);
	assert_int_equal(hdr_edits_push(&e, HDR_ADD, "X", 0, "a\nb", false), LM_EINVAL);
	assert_int_equal(hdr_edits_push(&e, HDR_ADD, "X", 0, "a\n \n b", false), LM_EINVAL);
	assert_int_equal(hdr_edits_push(&e, HDR_ADD, "X", 0, "a\rb", false), LM_EINVAL);
	assert_int_equal(hdr_edits_push(&e, HDR_ADD, "X:Y", 0, "a", false), LM_EINVAL);
	assert_int_equal(hdr_edits_push(&e, HDR_ADD, "X", 0, "a\n b", false), LM_OK);
	hdr_edits_free(&e);
}

/* The archived copy (§0): prefix, X-BeenThere, List-* yes; DMARC From/Reply-To no. */
static void test_render_archive_vs_delivery(void **state)
{
	static const struct hdr_field f[] = {
	        {"From", "Joe <joe@example.com>"},
	        {"Subject", "hello"},
	        {"Approved", "pw"},
	        {"To", "usrp-users@lists.ettus.com"},
	};
	struct hdr_list h = {f, 4};
	struct cook_settings s;
	struct hdr_edits e;
	struct buf arch, dly;

	(void)state;
	cook_settings_defaults(&s, "usrp-users", "lists.ettus.com", "USRP-users");
	s.subject_prefix = "[USRP-users] ";
	s.listinfo_url = "http://lists.ettus.com/mailman/listinfo/usrp-users";
	s.options_url = "http://lists.ettus.com/mailman/options/usrp-users";
	s.archive_url = "http://lists.ettus.com/pipermail/usrp-users/";
	s.from_is_list = 1;
	hdr_edits_init(&e);
	assert_int_equal(cook_headers(&s, &h, "joe@example.com", NULL, "Q", &e), LM_OK);
	assert_int_equal(cook_delivery_headers(&s, &h, "usrp-users-bounces@lists.ettus.com", &e),
	                 LM_OK);
	buf_init(&arch, 0);
	buf_init(&dly, 0);
	assert_int_equal(hdr_edits_render(&h, &e, false, false, &arch), LM_OK);
	assert_int_equal(hdr_edits_render(&h, &e, true, true, &dly), LM_OK);
	assert_string_equal(
	        buf_cstr(&arch),
	        "From: Joe <joe@example.com>\n"
	        "To: usrp-users@lists.ettus.com\n"
	        "Subject: [USRP-users] hello\n"
	        "X-BeenThere: usrp-users@lists.ettus.com\n"
	        "X-Mailman-Version: 2.1.39\n"
	        "Precedence: list\n"
	        "List-Id: <usrp-users.lists.ettus.com>\n"
	        "List-Unsubscribe: <http://lists.ettus.com/mailman/options/usrp-users>,\n"
	        " <mailto:usrp-users-request@lists.ettus.com?subject=unsubscribe>\n"
	        "List-Archive: <http://lists.ettus.com/pipermail/usrp-users/>\n"
	        "List-Post: <mailto:usrp-users@lists.ettus.com>\n"
	        "List-Help: <mailto:usrp-users-request@lists.ettus.com?subject=help>\n"
	        "List-Subscribe: <http://lists.ettus.com/mailman/listinfo/usrp-users>,\n"
	        " <mailto:usrp-users-request@lists.ettus.com?subject=subscribe>\n");
	assert_non_null(strstr(buf_cstr(&dly), "\r\nFrom: Joe via USRP-users "
	                                       "<usrp-users@lists.ettus.com>\r\n"
	                                       "Reply-To: Joe <joe@example.com>\r\n"
	                                       "Errors-To: usrp-users-bounces@lists.ettus.com\r\n"
	                                       "Sender: \"USRP-users\" "
	                                       "<usrp-users-bounces@lists.ettus.com>\r\n"));
	assert_null(strstr(buf_cstr(&dly), "Joe <joe@example.com>\r\nTo:"));
	buf_free(&arch);
	buf_free(&dly);
	hdr_edits_free(&e);
}

/* from_is_list = 2: WrapMessage. The post goes inside, the list's headers outside. */
static void test_dmarc_wrap(void **state)
{
	static const struct hdr_field f[] = {
	        {"From", "Joe <joe@example.com>"},
	        {"To", "usrp-users@lists.ettus.com"},
	        {"Subject", "hello"},
	        {"Date", "Mon, 29 Apr 2019 00:00:00 +0000"},
	        {"Message-ID", "<x@example.com>"},
	        {"Approved", "pw"},
	        {"MIME-Version", "1.0"},
	        {"Content-Type", "text/plain"},
	        {"DKIM-Signature", "v=1; d=example.com"},
	};
	struct hdr_list h = {f, sizeof(f) / sizeof(f[0])};
	struct cook_settings s;
	struct hdr_edits cooked, w;
	struct buf body, outer, arch;
	const char *p;

	(void)state;
	cook_settings_defaults(&s, "usrp-users", "lists.ettus.com", "USRP-users");
	s.subject_prefix = "[USRP-users] ";
	s.listinfo_url = "http://lists.ettus.com/mailman/listinfo/usrp-users";
	s.options_url = "http://lists.ettus.com/mailman/options/usrp-users";
	s.archive = false;
	s.from_is_list = 2;
	hdr_edits_init(&cooked);
	hdr_edits_init(&w);
	buf_init(&body, 0);
	buf_init(&outer, 0);
	buf_init(&arch, 0);
	assert_int_equal(cook_headers(&s, &h, "joe@example.com", NULL, "Q", &cooked), LM_OK);
	/* the archived copy: only Cleanse (no prefix, no List-*: all deferred in wrap mode) */
	assert_int_equal(hdr_edits_render(&h, &cooked, false, false, &arch), LM_OK);
	assert_null(strstr(buf_cstr(&arch), "Approved"));
	assert_null(strstr(buf_cstr(&arch), "List-Id"));
	assert_non_null(strstr(buf_cstr(&arch), "Subject: hello\n"));
	assert_int_equal(dmarc_wrap(&s, &h, &cooked, "hi\n", 3, &body, &w), LM_OK);
	assert_string_equal(buf_cstr(&body), "From: Joe <joe@example.com>\n"
	                                     "To: usrp-users@lists.ettus.com\n"
	                                     "Subject: hello\n"
	                                     "Date: Mon, 29 Apr 2019 00:00:00 +0000\n"
	                                     "Message-ID: <x@example.com>\n"
	                                     "MIME-Version: 1.0\n"
	                                     "Content-Type: text/plain\n"
	                                     "DKIM-Signature: v=1; d=example.com\n"
	                                     "\n"
	                                     "hi\n");
	assert_int_equal(hdr_edits_render(&h, &w, true, false, &outer), LM_OK);
	p = buf_cstr(&outer);
	assert_true(strncmp(p,
	                    "To: usrp-users@lists.ettus.com\n"
	                    "Date: Mon, 29 Apr 2019 00:00:00 +0000\n"
	                    "MIME-Version: 1.0\n"
	                    "Message-ID: <mailman.",
	                    90) == 0);
	p = strstr(p, ".usrp-users@lists.ettus.com>\n");
	assert_non_null(p);
	assert_string_equal(
	        p + strlen(".usrp-users@lists.ettus.com>\n"),
	        "Subject: [USRP-users] hello\n"
	        "X-BeenThere: usrp-users@lists.ettus.com\n"
	        "X-Mailman-Version: 2.1.39\n"
	        "Precedence: list\n"
	        "List-Id: <usrp-users.lists.ettus.com>\n"
	        "List-Unsubscribe: <http://lists.ettus.com/mailman/options/usrp-users>,\n"
	        " <mailto:usrp-users-request@lists.ettus.com?subject=unsubscribe>\n"
	        "List-Post: <mailto:usrp-users@lists.ettus.com>\n"
	        "List-Help: <mailto:usrp-users-request@lists.ettus.com?subject=help>\n"
	        "List-Subscribe: <http://lists.ettus.com/mailman/listinfo/usrp-users>,\n"
	        " <mailto:usrp-users-request@lists.ettus.com?subject=subscribe>\n"
	        "From: Joe via USRP-users <usrp-users@lists.ettus.com>\n"
	        "Reply-To: Joe <joe@example.com>\n"
	        "Content-Type: message/rfc822\n"
	        "Content-Disposition: inline\n");
	assert_int_equal(dmarc_wrapped_view()->n, 3);
	buf_free(&body);
	buf_free(&outer);
	buf_free(&arch);
	hdr_edits_free(&cooked);
	hdr_edits_free(&w);
}

static void test_subject_long_prefix(void **state)
{
	struct cook_settings s;
	struct buf pfx, subj, out;

	(void)state;
	xtest(&s);
	buf_init(&pfx, 128 * 1024);
	buf_init(&subj, 512 * 1024);
	buf_init(&out, 512 * 1024);
	/* a 60 KB prefix (the longest a setting may be) and a subject repeating it */
	assert_int_equal(buf_putc(&pfx, '['), LM_OK);
	for (int i = 0; i < 60000; i++)
		assert_int_equal(buf_putc(&pfx, 'a' + i % 26), LM_OK);
	assert_int_equal(buf_puts(&pfx, "] "), LM_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(buf_puts(&subj, buf_cstr(&pfx)), LM_OK);
	assert_int_equal(buf_puts(&subj, "topic"), LM_OK);
	s.subject_prefix = buf_cstr(&pfx);
	assert_int_equal(cook_subject(&s, buf_cstr(&subj), &out), LM_OK);
	/* every copy removed; the unsplittable prefix stays whole and "topic" folds below it */
	assert_int_equal(out.len, pfx.len + strlen("\n topic") - 1);
	assert_string_equal(buf_cstr(&out) + out.len - 8, "]\n topic");
	/* a 200 KB non-ASCII subject is split into encoded words in linear time (past the
	 * 256 KB working cap cook_subject answers LM_ETOOBIG and the Subject is left alone) */
	buf_reset(&subj);
	assert_int_equal(buf_puts(&subj, "=?utf-8?b?"), LM_OK);
	for (int i = 0; i < 25000; i++)
		assert_int_equal(buf_puts(&subj, "w6nDqcOp"), LM_OK);
	assert_int_equal(buf_puts(&subj, "?="), LM_OK);
	s.subject_prefix = "[XTEST] ";
	buf_free(&out);
	buf_init(&out, 4 * 1024 * 1024);
	assert_int_equal(cook_subject(&s, buf_cstr(&subj), &out), LM_OK);
	assert_true(strncmp(buf_cstr(&out), "[XTEST] =?utf-8?b?", 18) == 0);
	/* through cook_headers, an unfoldable line over 998 characters leaves the Subject alone */
	{
		struct hdr_field f[] = {{"Subject", "short"}};
		struct hdr_list h = {f, 1};
		struct hdr_edits e;
		hdr_edits_init(&e);
		s.subject_prefix = buf_cstr(&pfx);
		assert_int_equal(cook_headers(&s, &h, "a@b", NULL, "Q", &e), LM_OK);
		for (size_t i = 0; i < e.n; i++)
			assert_string_not_equal(e.v[i].name, "Subject");
		hdr_edits_free(&e);
	}
	/* many numbered fields: left alone rather than backtracking without bound */
	s.subject_prefix = "[%d%d%d%d%d%d%d%d%d%d] ";
	buf_reset(&out);
	assert_int_equal(cook_subject(&s, "hi", &out), LM_ENOENT);
	buf_free(&pfx);
	buf_free(&subj);
	buf_free(&out);
}

static void test_archive_wanted(void **state)
{
	static const struct hdr_field none[] = {{"From", "a@b"}};
	static const struct hdr_field xna[] = {{"X-No-Archive", ""}};
	static const struct hdr_field xa_no[] = {{"X-Archive", "NO"}};
	static const struct hdr_field xa_yes[] = {{"X-Archive", "no thanks"}};
	struct hdr_list h1 = {none, 1}, h2 = {xna, 1}, h3 = {xa_no, 1}, h4 = {xa_yes, 1};
	struct cook_settings s;

	(void)state;
	xtest(&s);
	assert_true(cook_archive_wanted(&s, &h1));
	assert_false(cook_archive_wanted(&s, &h2)); /* present, whatever its value */
	assert_false(cook_archive_wanted(&s, &h3));
	assert_true(cook_archive_wanted(&s, &h4)); /* only exactly "no" */
	s.archive = false;
	assert_false(cook_archive_wanted(&s, &h1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_subject_mailman),
	        cmocka_unit_test(test_subject_reply_markers),
	        cmocka_unit_test(test_subject_numbered),
	        cmocka_unit_test(test_subject_folding_real),
	        cmocka_unit_test(test_subject_hostile),
	        cmocka_unit_test(test_subject_long_prefix),
	        cmocka_unit_test(test_list_headers),
	        cmocka_unit_test(test_existing_headers),
	        cmocka_unit_test(test_reply_to),
	        cmocka_unit_test(test_reply_to_strip_immediate),
	        cmocka_unit_test(test_dmarc_munge),
	        cmocka_unit_test(test_delivery_headers),
	        cmocka_unit_test(test_unsafe_settings),
	        cmocka_unit_test(test_render_archive_vs_delivery),
	        cmocka_unit_test(test_dmarc_wrap),
	        cmocka_unit_test(test_archive_wanted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
