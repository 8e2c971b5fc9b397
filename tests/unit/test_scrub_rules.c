/*
 * test_scrub_rules.c: every row of spec 6.3 and the assembly of 6.5, with expected texts
 * written out by hand: text/plain (inline, charset-less attachment), text/html in sanitizer
 * modes 0-3, message/rfc822, other types, empty parts, "Skipped content", charset conversion,
 * RFC 2047/2231 names, CRLF input, and the scrubbed message for scrub_nondigest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

#define HDR                                                                                        \
	"From: Ann <ann@example.com>\nTo: l@lists.example.com\nSubject: t\n"                       \
	"Date: Mon, 04 Feb 2019 10:00:00 +0000\nMessage-ID: <abc@example.com>\nMIME-Version: "     \
	"1.0\n"
#define MIXED "Content-Type: multipart/mixed; boundary=\"BB\"\n\n"
#define SEP   "-------------- next part --------------\n"
#define URL   "http://host/pipermail/l/attachments/20190204/1f2c3de2/"
#define DIR   "attachments/20190204/1f2c3de2/"

/* Scrub msg both with LF and CRLF line ends; both must give want. */
static void expect(struct scrubfx *f, const char *msg, const char *want)
{
	int crlf;

	for (crlf = 0; crlf < 2; crlf++) {
		assert_int_equal(scrubfx_run(f, msg, crlf, false), LM_OK);
		assert_string_equal(buf_cstr(&f->r.text), want);
	}
}

static void expect_bytes(struct scrubfx *f, const char *name, const char *want, size_t wlen)
{
	char *rel = testutil_path(DIR, name);
	size_t len;
	char *got = scrubfx_read(f, rel, &len);

	assert_non_null(got);
	assert_int_equal(len, wlen);
	assert_memory_equal(got, want, len);
	free(got);
	free(rel);
}

/* The newline before a boundary belongs to the boundary, so stored parts end without it. */
static void expect_file(struct scrubfx *f, const char *name, const char *want)
{
	expect_bytes(f, name, want, strlen(want));
}

static void test_plain_inline(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f, HDR "Content-Type: text/plain; charset=us-ascii\n\nhello\nworld\n",
	       "hello\nworld\n");
	assert_string_equal(f->r.charset, "us-ascii");
	assert_int_equal(f->r.files, 0);
	assert_int_equal(scrubfx_count_files(f, ""), 0);
	scrubfx_free(f);
}

static void test_plain_charsetless_attachment(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED
	       "--BB\nContent-Type: text/plain; charset=utf-8\n\nbody\n"
	       "--BB\nContent-Type: text/plain\nContent-Disposition: attachment\n\nnotes\n"
	       "--BB\nContent-Type: text/plain\n"
	       "Content-Disposition: attachment; filename=\"a.txt\"\n\nkept\n--BB--\n",
	       "body\n" SEP "An embedded and charset-unspecified text was scrubbed...\n"
	       "Name: not available\nURL: <" URL "attachment.txt>\n" SEP "kept\n");
	expect_file(f, "attachment.txt", "notes");
	assert_string_equal(f->r.charset, "utf-8");
	scrubfx_free(f);
}

static const char html_msg[] = HDR "Content-Type: multipart/alternative; boundary=\"BB\"\n\n"
                                   "--BB\nContent-Type: text/plain\n\nplain\n"
                                   "--BB\nContent-Type: text/html; charset=us-ascii\n\n"
                                   "<p>a &amp; b\t\"c\"</p>\n--BB--\n";

static void test_html_mode1(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f, html_msg,
	       "plain\n" SEP "An HTML attachment was scrubbed...\nURL: <" URL "attachment.html>\n");
	expect_file(f, "attachment.html",
	            "<tt>\n&lt;p&gt;a&nbsp;&amp;&nbsp;b&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&quot;c&"
	            "quot;&lt;/p&gt;"
	            "\n</tt>\n");
	scrubfx_free(f);
}

/* Binary bytes (NUL) in HTML pass through; the tab still counts them as columns. */
static void test_html_nul_byte(void **state)
{
	struct scrubfx *f = scrubfx_new();
	static const char want[] = "<tt>\na\0b&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;c\n</tt>\n";

	(void)state;
	assert_int_equal(scrubfx_run(f,
	                             HDR "Content-Type: text/html\n"
	                                 "Content-Transfer-Encoding: base64\n\nYQBiCWM=\n",
	                             false, false),
	                 LM_OK);
	expect_bytes(f, "attachment.html", want, sizeof(want) - 1);
	scrubfx_free(f);
}

static void test_html_mode0(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	f->o.html_sanitizer = 0;
	expect(f, html_msg, "plain\n" SEP "HTML attachment scrubbed and removed\n");
	assert_false(f->r.discarded);
	assert_int_equal(scrubfx_run(f, HDR "Content-Type: text/html\n\n<p>x</p>\n", false, false),
	                 LM_OK);
	assert_true(f->r.discarded);
	assert_int_equal(scrubfx_count_files(f, ".html"), 0);
	scrubfx_free(f);
}

static void test_html_mode2(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	f->o.html_sanitizer = 2;
	expect(f, html_msg, "plain\n" SEP "<p>a &amp; b\t\"c\"</p>\n");
	assert_int_equal(scrubfx_count_files(f, ".html"), 0);
	scrubfx_free(f);
}

static void test_html_mode3(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	f->o.html_sanitizer = 3;
	expect(f, html_msg,
	       "plain\n" SEP "An HTML attachment was scrubbed...\nURL: <" URL "attachment.html>\n");
	expect_file(f, "attachment.html", "<p>a &amp; b\t\"c\"</p>");
	scrubfx_free(f);
}

static void test_html_outer_mode1(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f, HDR "Content-Type: text/html\n\n<b>x</b>\n",
	       "An HTML attachment was scrubbed...\nURL: <" URL "attachment.html>\n");
	expect_file(f, "attachment.html", "<tt>\n&lt;b&gt;x&lt;/b&gt;<br>\n\n</tt>\n");
	scrubfx_free(f);
}

static void test_rfc822(void **state)
{
	struct scrubfx *f = scrubfx_new();
	const char *sub = "From: Bob <bob@example.com>\nSubject: =?utf-8?q?caf=C3=A9?=\n"
	                  "Date: Sun, 3 Feb 2019 09:00:00 +0100\n\n<inner> & text\n";
	char *msg, *want;

	(void)state;
	assert_true(asprintf(&msg,
	                     HDR MIXED "--BB\nContent-Type: text/plain\n\nsee below\n"
	                               "--BB\nContent-Type: message/rfc822\n\n%s--BB--\n",
	                     sub) > 0);
	assert_true(asprintf(&want,
	                     "see below\n" SEP "An embedded message was scrubbed...\n"
	                     "From: Bob <bob@example.com>\nSubject: caf?\n"
	                     "Date: Sun, 3 Feb 2019 09:00:00 +0100\nSize: %zu\n"
	                     "URL: <" URL "attachment.eml>\n",
	                     strlen(sub) - 1) > 0);
	expect(f, msg, want);
	expect_file(f, "attachment.eml",
	            "From: Bob &lt;bob@example.com&gt;\nSubject: =?utf-8?q?caf=C3=A9?=\n"
	            "Date: Sun, 3 Feb 2019 09:00:00 +0100\n\n&lt;inner&gt; &amp; text");
	free(msg);
	free(want);
	scrubfx_free(f);
}

static void test_rfc822_defaults(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                 "--BB\nContent-Type: message/rfc822\n\nX-A: 1\n\nbody\n--BB--\n",
	       "x\n" SEP "An embedded message was scrubbed...\nFrom: unknown sender\n"
	       "Subject: no subject\nDate: no date\nSize: 12\nURL: <" URL "attachment.eml>\n");
	scrubfx_free(f);
}

/* An encoded message/rfc822 (RFC 2046 forbids it): stored as the encoded text, like Python
 * which parses that text as the message; the notice falls back to its defaults. */
static void test_rfc822_encoded(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                 "--BB\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
	                 "U3ViamVjdDogPGk+Cgpib2R5Cg==\n--BB--\n",
	       "x\n" SEP "An embedded message was scrubbed...\nFrom: unknown sender\n"
	       "Subject: no subject\nDate: no date\nSize: 28\nURL: <" URL "attachment.eml>\n");
	expect_file(f, "attachment.eml", "U3ViamVjdDogPGk+Cgpib2R5Cg==");
	scrubfx_free(f);
}

static void test_other_type(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED
	       "--BB\nContent-Type: text/plain\n\nx\n"
	       "--BB\nContent-Type: application/pdf; name=\"=?utf-8?q?r=C3=A9port?=.pdf\"\n"
	       "Content-Transfer-Encoding: base64\n"
	       "Content-Description: =?iso-8859-1?q?Gr=FC=DFe?= and more\n\n"
	       "JVBERi0xLjQK\n--BB--\n",
	       "x\n" SEP "A non-text attachment was scrubbed...\nName: r?port.pdf\n"
	       "Type: application/pdf\nSize: 9 bytes\nDesc: Gr??e and more\n"
	       "URL: <" URL "attachment.pdf>\n");
	expect_file(f, "attachment.pdf", "%PDF-1.4\n");
	scrubfx_free(f);
}

static void test_other_type_rfc2231_name(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	f->o.lcset = "utf-8";
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                 "--BB\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
	                 "Content-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.png\n\n"
	                 "iVBORw==\n--BB--\n",
	       "x\n" SEP "A non-text attachment was scrubbed...\nName: \xc3\xa9t\xc3\xa9.png\n"
	       "Type: image/png\nSize: 4 bytes\nDesc: not available\n"
	       "URL: <" URL "attachment.png>\n");
	assert_string_equal(f->r.charset, "utf-8");
	scrubfx_free(f);
}

/* Encoded line breaks in a name or description cannot add lines to the notice. */
static void test_no_line_injection(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                 "--BB\nContent-Type: application/pdf\nContent-Disposition: attachment;\n"
	                 " filename*=utf-8''a%0AURL%3A%20%3Cjavascript%3Ax%3E%0D%E2%80%A8.pdf\n"
	                 "Content-Description: =?utf-8?q?d=0Aesc?=\n\nPDF\n--BB--\n",
	       "x\n" SEP "A non-text attachment was scrubbed...\n"
	       "Name: aURL: <javascript:x>.pdf\nType: application/pdf\nSize: 3 bytes\n"
	       "Desc: desc\nURL: <" URL "attachment.pdf>\n");
	scrubfx_free(f);
}

static void test_text_other_subtype_is_attachment(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                 "--BB\nContent-Type: text/x-diff; name=p.diff\n\n-a\n+b\n--BB--\n",
	       "x\n" SEP "A non-text attachment was scrubbed...\nName: p.diff\nType: text/x-diff\n"
	       "Size: 5 bytes\nDesc: not available\nURL: <" URL "attachment.diff>\n");
	expect_file(f, "attachment.diff", "-a\n+b");
	scrubfx_free(f);
}

static void test_empty_parts_and_skipped(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                 "--BB\nContent-Type: application/pdf\n\n"
	                 "--BB\nContent-Type: text/plain\n\n"
	                 "--BB\nContent-Type: message/delivery-status\n\nStatus: 5.0.0\n"
	                 "--BB\nContent-Type: message/partial; id=1; number=1\n\nabc\n--BB--\n",
	       "x\n" SEP "Skipped content of type message/partial\n");
	assert_int_equal(scrubfx_count_files(f, ".pdf"), 0);
	scrubfx_free(f);
}

/* 100 KB of lines the base64 decoder skips before the data: the copy must not stop early. */
static void test_base64_long_gap(void **state)
{
	struct scrubfx *f = scrubfx_new();
	struct buf m;
	int i;

	(void)state;
	buf_init(&m, 1 << 20);
	buf_puts(&m,
	         HDR MIXED "--BB\nContent-Type: text/plain\n\nx\n"
	                   "--BB\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n");
	for (i = 0; i < 2000; i++)
		buf_puts(&m,
		         "  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *  *\n");
	buf_puts(&m, "R0lGODlh\n--BB--\n");
	assert_int_equal(scrubfx_run(f, buf_cstr(&m), false, false), LM_OK);
	expect_file(f, "attachment.gif", "GIF89a");
	buf_free(&m);
	scrubfx_free(f);
}

/* A multipart whose boundary never appears is, for Python, a leaf holding the text. */
static void test_multipart_without_boundary_lines(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	assert_int_equal(scrubfx_run(f,
	                             HDR "Content-Type: multipart/mixed; boundary=\"nowhere\"\n"
	                                 "Content-Description: lost\n\nAAA\n",
	                             false, false),
	                 LM_OK);
	assert_non_null(strstr(buf_cstr(&f->r.text), "A non-text attachment was scrubbed...\n"
	                                             "Name: not available\n"
	                                             "Type: multipart/mixed\n"));
	assert_non_null(strstr(buf_cstr(&f->r.text), "Desc: lost\nURL: <" URL "attachment.bin>\n"));
	assert_null(strstr(buf_cstr(&f->r.text), "next part"));
	scrubfx_free(f);
}

static void test_other_outer(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
	           "AAECAw==\n",
	       "A non-text attachment was scrubbed...\nName: not available\n"
	       "Type: application/octet-stream\nSize: 4 bytes\nDesc: not available\n"
	       "URL: <" URL "attachment.bin>\n");
	expect_bytes(f, "attachment.bin", "\x00\x01\x02\x03", 4);
	assert_string_equal(f->r.charset, "us-ascii");
	scrubfx_free(f);
}

/* 6.5: message charset from the first text/plain part; other parts converted with '?'. */
static void test_charset_conversion(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain; charset=iso-8859-1\n"
	                 "Content-Transfer-Encoding: quoted-printable\n\ncaf=E9\n"
	                 "--BB\nContent-Type: text/plain; charset=utf-8\n\n\xc3\xa9\xe2\x82\xac\n"
	                 "--BB\nContent-Type: text/plain\n\nraw \xe9\n--BB--\n",
	       "caf\xc3\xa9\n" SEP "\xc3\xa9?\n" SEP "raw \xc3\xa9\n");
	assert_string_equal(f->r.charset, "iso-8859-1");
	scrubfx_free(f);
}

static void test_charset_default_lcset(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED
	       "--BB\nContent-Type: text/plain\n\nno\n"
	       "--BB\nContent-Type: text/plain; charset=utf-8\n\n\xc3\xa9t\xc3\xa9\n--BB--\n",
	       "no\n" SEP "?t?\n");
	assert_string_equal(f->r.charset, "us-ascii");
	scrubfx_free(f);
}

/* An unknown message charset: other texts are encoded in the list charset instead. */
static void test_bogus_charset(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain; charset=x-bogus\n\nab\n"
	                 "--BB\nContent-Type: text/plain; charset=utf-8\n\n\xc3\xa9!\n--BB--\n",
	       "ab\n" SEP "?!\n");
	assert_string_equal(f->r.charset, "x-bogus");
	scrubfx_free(f);
}

static void test_html_mode2_outer(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	f->o.html_sanitizer = 2;
	expect(f, HDR "Content-Type: text/html; charset=iso-8859-1\n\n<b>caf\xe9</b>\n",
	       "<b>caf\xc3\xa9</b>\n");
	assert_string_equal(f->r.charset, "iso-8859-1");
	assert_int_equal(f->r.files, 0);
	scrubfx_free(f);
}

static void test_euc_jp_output_charset(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f, HDR MIXED "--BB\nContent-Type: text/plain; charset=euc-jp\n\n\xa4\xa2\n--BB--\n",
	       "\xe3\x81\x82\n");
	assert_string_equal(f->r.charset, "iso-2022-jp");
	scrubfx_free(f);
}

/* Multibyte characters cut by the 64 KB streaming chunks come out whole. */
static void test_long_multibyte_texts(void **state)
{
	struct scrubfx *f = scrubfx_new();
	struct buf m, want;
	int i;

	(void)state;
	buf_init(&m, 1 << 22);
	buf_init(&want, 1 << 22);
	buf_puts(&m, HDR MIXED "--BB\nContent-Type: text/plain; charset=utf-8\n\nx");
	buf_puts(&want, "x");
	for (i = 0; i < 70000; i++) {
		buf_puts(&m, "\xc3\xa9");
		buf_puts(&want, "\xc3\xa9");
	}
	buf_puts(&m, "\n--BB\nContent-Type: text/plain; charset=euc-jp\n\ny");
	buf_puts(&want, "\n" SEP "y");
	for (i = 0; i < 40000; i++) {
		buf_puts(&m, "\xa4\xa2");
		buf_puts(&want, "\xe3\x81\x82");
	}
	buf_puts(&m, "\n--BB--\n");
	buf_puts(&want, "\n");
	expect(f, buf_cstr(&m), buf_cstr(&want));
	assert_string_equal(f->r.charset, "utf-8");
	buf_free(&m);
	buf_free(&want);
	scrubfx_free(f);
}

static void test_nested_message_news_descended(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       HDR MIXED "--BB\nContent-Type: text/plain\n\nouter\n"
	                 "--BB\nContent-Type: multipart/alternative; boundary=CC\n\n"
	                 "--CC\nContent-Type: text/plain\n\ninner\n"
	                 "--CC\nContent-Type: image/gif\n\nGIF89a\n--CC--\n--BB--\n",
	       "outer\n" SEP "inner\n" SEP "A non-text attachment was scrubbed...\n"
	       "Name: not available\nType: image/gif\nSize: 6 bytes\nDesc: not available\n"
	       "URL: <" URL "attachment.gif>\n");
	scrubfx_free(f);
}

/* hash8 is over the raw value as Python's parser keeps it: first line lstripped only. */
static void test_folded_message_id(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f,
	       "From: a@b\nMessage-ID:\n <abc@example.com>\nDate: Mon, 04 Feb 2019 10:00:00 +0000\n"
	       "Content-Type: image/gif\n\nGIF\n",
	       "A non-text attachment was scrubbed...\nName: not available\nType: image/gif\n"
	       "Size: 4 bytes\nDesc: not available\n"
	       "URL: <http://host/pipermail/l/attachments/20190204/279785cf/attachment.gif>\n");
	assert_string_equal(f->r.message_id, " <abc@example.com>");
	expect(f,
	       "From: a@b\nMessage-ID: <abc@\n example.com>\nDate: Mon, 04 Feb 2019 10:00:00 "
	       "+0000\n"
	       "Content-Type: image/gif\n\nGIF\n",
	       "A non-text attachment was scrubbed...\nName: not available\nType: image/gif\n"
	       "Size: 4 bytes\nDesc: not available\n"
	       "URL: <http://host/pipermail/l/attachments/20190204/b3676191/attachment.gif>\n");
	scrubfx_free(f);
}

static void test_want_message(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *s;

	(void)state;
	assert_int_equal(scrubfx_run(f, html_msg, false, true), LM_OK);
	assert_non_null(f->r.scrubbed);
	s = g_mime_object_to_string(GMIME_OBJECT(f->r.scrubbed), NULL);
	assert_non_null(strstr(s, "Message-ID: <abc@example.com>\n"));
	assert_non_null(strstr(s, "Content-Type: text/plain; charset=us-ascii\n"));
	assert_non_null(strstr(s, "\nplain\n" SEP "An HTML attachment was scrubbed...\n"));
	assert_null(strstr(s, "multipart"));
	g_free(s);
	/* utf-8 goes out base64, iso-8859-1 quoted-printable, as Mailman sets the payload. */
	assert_int_equal(scrubfx_run(f,
	                             HDR "Content-Type: text/plain; charset=iso-8859-1\n"
	                                 "Content-Transfer-Encoding: 8bit\n\ncaf\xe9\n",
	                             false, true),
	                 LM_OK);
	s = g_mime_object_to_string(GMIME_OBJECT(f->r.scrubbed), NULL);
	assert_non_null(strstr(s, "charset=iso-8859-1"));
	assert_non_null(strstr(s, "Content-Transfer-Encoding: quoted-printable\n"));
	assert_non_null(strstr(s, "caf=E9"));
	g_free(s);
	assert_int_equal(scrubfx_run(f,
	                             HDR MIXED "--BB\nContent-Type: text/plain; charset=utf-8\n\n"
	                                       "\xc3\xa9\n--BB--\n",
	                             false, true),
	                 LM_OK);
	s = g_mime_object_to_string(GMIME_OBJECT(f->r.scrubbed), NULL);
	assert_non_null(strstr(s, "Content-Transfer-Encoding: base64\n"));
	assert_non_null(strstr(s, "\nw6kK\n"));
	g_free(s);
	scrubfx_free(f);
}

/* format= and delsp= of the first text/plain part go onto the flattened part (6.5 step 4). */
static void test_want_message_flowed(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *s;

	(void)state;
	assert_int_equal(scrubfx_run(f,
	                             HDR MIXED "--BB\nContent-Type: text/plain; format=flowed; "
	                                       "delsp=yes\n\nsoft \nbreak\n"
	                                       "--BB\nContent-Type: image/gif\n\nGIF\n--BB--\n",
	                             false, true),
	                 LM_OK);
	s = g_mime_object_to_string(GMIME_OBJECT(f->r.scrubbed), NULL);
	assert_non_null(strstr(s, "Format=flowed"));
	assert_non_null(strstr(s, "DelSp=yes"));
	assert_non_null(strstr(s, "\nsoft \nbreak\n" SEP "A non-text attachment"));
	g_free(s);
	scrubfx_free(f);
}

/* The charset-less text/plain attachment rule on a message that is only that part. */
static void test_plain_attachment_outer(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	expect(f, HDR "Content-Type: text/plain\nContent-Disposition: attachment\n\nlog line\n",
	       "An embedded and charset-unspecified text was scrubbed...\nName: not available\n"
	       "URL: <" URL "attachment.txt>\n");
	expect_file(f, "attachment.txt", "log line\n");
	scrubfx_free(f);
}

static void test_generated_msgid(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	assert_int_equal(scrubfx_run(f,
	                             "From: a@b\nDate: Mon, 04 Feb 2019 10:00:00 +0000\n"
	                             "Content-Type: image/gif\n\nGIF89a\n",
	                             false, true),
	                 LM_OK);
	assert_true(f->r.generated_msgid);
	assert_true(strncmp(f->r.message_id, "<mailman.", 9) == 0);
	assert_non_null(strstr(f->r.message_id, ".l@lists.example.com>"));
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(f->r.scrubbed), "Message-ID"),
	                    f->r.message_id);
	scrubfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plain_inline),
	        cmocka_unit_test(test_plain_charsetless_attachment),
	        cmocka_unit_test(test_html_mode1),
	        cmocka_unit_test(test_html_nul_byte),
	        cmocka_unit_test(test_html_mode0),
	        cmocka_unit_test(test_html_mode2),
	        cmocka_unit_test(test_html_mode3),
	        cmocka_unit_test(test_html_outer_mode1),
	        cmocka_unit_test(test_rfc822),
	        cmocka_unit_test(test_rfc822_defaults),
	        cmocka_unit_test(test_rfc822_encoded),
	        cmocka_unit_test(test_other_type),
	        cmocka_unit_test(test_other_type_rfc2231_name),
	        cmocka_unit_test(test_no_line_injection),
	        cmocka_unit_test(test_text_other_subtype_is_attachment),
	        cmocka_unit_test(test_empty_parts_and_skipped),
	        cmocka_unit_test(test_base64_long_gap),
	        cmocka_unit_test(test_multipart_without_boundary_lines),
	        cmocka_unit_test(test_other_outer),
	        cmocka_unit_test(test_charset_conversion),
	        cmocka_unit_test(test_charset_default_lcset),
	        cmocka_unit_test(test_bogus_charset),
	        cmocka_unit_test(test_html_mode2_outer),
	        cmocka_unit_test(test_euc_jp_output_charset),
	        cmocka_unit_test(test_long_multibyte_texts),
	        cmocka_unit_test(test_nested_message_news_descended),
	        cmocka_unit_test(test_folded_message_id),
	        cmocka_unit_test(test_want_message),
	        cmocka_unit_test(test_want_message_flowed),
	        cmocka_unit_test(test_plain_attachment_outer),
	        cmocka_unit_test(test_generated_msgid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
