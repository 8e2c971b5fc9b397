/*
 * test_html.c: pipermail's escapers and the body renderer: entities, charsets, URL quoting,
 * address obscuring, quoted text, links, and hostile input that must never become markup.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "lmerr.h"
#include "testutil.h"

typedef int (*esc_fn)(struct buf *, const char *, size_t, enum html_cs);

static void check(esc_fn f, const char *in, enum html_cs cs, const char *want)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(f(&b, in, strlen(in), cs), LM_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_quote_and_charsets(void **state)
{
	(void)state;
	check(html_quote, "a&b<c>\"d'", HTML_CS_ASCII, "a&amp;b&lt;c&gt;&quot;d'");
	check(html_quote, "&#176;", HTML_CS_ASCII, "&amp;#176;");
	check(html_cgiescape, "&#176; &amp; &x &lt;b>", HTML_CS_ASCII,
	      "&#176; &amp; &amp;x &lt;b&gt;");
	check(html_quote, "90\xc2\xb0 \xe2\x82\xac", HTML_CS_ASCII, "90&#176; &#8364;");
	check(html_quote, "90\xc2\xb0 \xe2\x82\xac", HTML_CS_LATIN1, "90\xb0 &#8364;");
	check(html_quote, "90\xc2\xb0 \xe2\x82\xac", HTML_CS_UTF8, "90\xc2\xb0 \xe2\x82\xac");
	/* bytes that are not UTF-8 become one reference each, never raw */
	check(html_quote, "x\xff\xc3(", HTML_CS_UTF8, "x&#255;&#195;(");
	check(html_encode_replace, "B\xc3\xa9no\xc3\xaet \xff", HTML_CS_ASCII, "B?no?t ?");
	assert_int_equal(html_charset_id("UTF-8"), HTML_CS_UTF8);
	assert_int_equal(html_charset_id("ISO-8859-1"), HTML_CS_LATIN1);
	assert_int_equal(html_charset_id("euc-jp"), HTML_CS_ASCII);
}

static void check_plain(int (*f)(struct buf *, const char *, size_t), const char *in,
                        const char *want)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(f(&b, in, strlen(in)), LM_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_urlquote_obscure(void **state)
{
	(void)state;
	check_plain(html_urlquote,
	            "Re: [L] a/b_c.d-e\n f?&=", "Re%3A%20%5BL%5D%20a/b_c.d-e%0A%20f%3F%26%3D");
	check_plain(html_urlquote, "<abc@example.com>", "%3Cabc%40example.com%3E");
	check_plain(html_obscure_at, "a@b@c", "a at b at c");
	check_plain(html_obscure_words, "mail joe.x@ex.com, or @ or a@b@c!",
	            "mail joe.x at ex.com, or @ or a at b@c!");
}

static char *body(const char *in, bool obscure)
{
	struct html_body_opts o = {HTML_CS_ASCII, obscure, "http://h/mailman/listinfo/l"};
	struct buf b;

	buf_init(&b, 1 << 28);
	assert_int_equal(html_body(&b, in, strlen(in), &o), LM_OK);
	return buf_steal(&b, NULL);
}

static void check_body(const char *in, bool obscure, const char *want)
{
	char *got = body(in, obscure);

	assert_string_equal(got, want);
	free(got);
}

static void test_body_rendering(void **state)
{
	(void)state;
	check_body("", true, "");
	check_body("Hi\n\n", true, "<PRE>Hi\n\n</PRE>");
	check_body("> quoted\n>> deeper\nplain", true,
	           "<PRE>&gt;<i> quoted\n</I>&gt;&gt;<i> deeper\n</I>plain\n</PRE>");
	check_body("See http://x.org/a_b_ now", true,
	           "<PRE>See <A HREF=\"http://x.org/a_b\">http://x.org/a_b</A>_ now\n</PRE>");
	check_body("<http://h/p/l/attachments/2019/1a/attachment.html>", true,
	           "<PRE>&lt;<A HREF=\"http://h/p/l/attachments/2019/1a/attachment.html\">"
	           "http://h/p/l/attachments/2019/1a/attachment.html</A>&gt;\n</PRE>");
	check_body("Glyph <glyph@twistedmatrix.com> wrote:", true,
	           "<PRE>Glyph &lt;<A HREF=\"http://h/mailman/listinfo/l\">glyph at "
	           "twistedmatrix.com</A>&gt; wrote:\n</PRE>");
	check_body("mail a@b.c", false, "<PRE>mail <A HREF=\"mailto:a@b.c\">a@b.c</A>\n</PRE>");
	check_body("git://github.com/x/y. and &amp; &#1;", true,
	           "<PRE><A HREF=\"git://github.com/x/y.\">git://github.com/x/y.</A> and &amp; "
	           "&#1;\n</PRE>");
	check_body("crlf\r\nline", true, "<PRE>crlf\nline\n</PRE>");
}

static void test_body_hostile(void **state)
{
	char *got;

	(void)state;
	got = body("<script>alert(1)</script>\n\"><img src=x onerror=alert(1)>\n"
	           "javascript://%0Aalert(1) JAVASCRIPT://x data://text/html,<b>\n"
	           "http://x/\"onmouseover=\"alert(1)\n<a href='javascript:alert(1)'>x</a>",
	           true);
	assert_null(strstr(got, "<script"));
	assert_null(strstr(got, "<img"));
	assert_null(strstr(got, "<a "));
	assert_null(strstr(got, "<b>"));
	assert_null(strstr(got, "HREF=\"javascript"));
	assert_null(strstr(got, "HREF=\"JAVASCRIPT"));
	assert_null(strstr(got, "HREF=\"data"));
	assert_non_null(strstr(got, "<A HREF=\"http://x/\">http://x/</A>&quot;onmouseover"));
	free(got);
}

/* One 4 MB line of URLs and no address (and the reverse) renders in linear time. */
static void test_body_long_lines(void **state)
{
	size_t n = 4 << 20, i;
	char *in = malloc(n + 1), *got;

	(void)state;
	assert_non_null(in);
	for (i = 0; i + 8 <= n; i += 8)
		memcpy(in + i, "ab://c. ", 8);
	in[i] = '\0';
	got = body(in, true);
	assert_non_null(strstr(got, "<A HREF=\"ab://c.\">ab://c.</A> <A HREF="));
	free(got);
	for (i = 0; i + 8 <= n; i += 8)
		memcpy(in + i, "ab@cd.e ", 8);
	got = body(in, true);
	assert_non_null(strstr(got, "ab at cd.e</A> <A HREF="));
	free(got);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_quote_and_charsets), cmocka_unit_test(test_urlquote_obscure),
	        cmocka_unit_test(test_body_rendering),     cmocka_unit_test(test_body_hostile),
	        cmocka_unit_test(test_body_long_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
