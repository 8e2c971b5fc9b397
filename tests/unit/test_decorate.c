/*
 * test_decorate.c: msg_header/msg_footer templates and their placement, against Mailman 2.1's
 * TestDecorate expectations (tests/test_handlers.py) and the rules of Handlers/Decorate.py.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cookheaders.h"
#include "dbenv.h"
#include "decorate.h"
#include "lists.h"
#include "lmerr.h"
#include "testutil.h"

static void xtest(struct decorate_settings *s, const char *header, const char *footer)
{
	memset(s, 0, sizeof(*s));
	s->msg_header = header;
	s->msg_footer = footer;
	s->real_name = "XTest";
	s->list_name = "_xtest";
	s->host_name = "dom.ain";
	s->web_page_url = "http://www.dom.ain/mailman/";
	s->description = "";
	s->info = "";
	s->cgiext = "";
	s->charset = "us-ascii";
	s->boundary = "===============0000000000000000042==";
}

/* Run decorate_body; returns the new body and renders the edits as "+Name: value" and
 * "-Name[idx]" lines into *edits. */
static char *run(const struct decorate_settings *s, const struct hdr_field *f, size_t nf,
                 const char *body, char **edits, int *rcp)
{
	struct hdr_list h = {f, nf};
	struct hdr_edits e;
	struct buf out, ed;
	int rc;

	hdr_edits_init(&e);
	buf_init(&out, 64 * 1024 * 1024);
	buf_init(&ed, 0);
	rc = decorate_body(s, &h, body, strlen(body), "TESTQID", &out, &e);
	if (rcp)
		*rcp = rc;
	else
		assert_int_equal(rc, LM_OK);
	for (size_t i = 0; i < e.n; i++) {
		assert_true(e.v[i].delivery_only);
		if (e.v[i].op == HDR_DELETE)
			buf_printf(&ed, "-%s[%u]\n", e.v[i].name, e.v[i].idx);
		else
			buf_printf(&ed, "+%s: %s\n", e.v[i].name, e.v[i].value);
	}
	hdr_edits_free(&e);
	*edits = buf_steal(&ed, NULL);
	if (*edits == NULL)
		*edits = strdup("");
	return out.len ? buf_steal(&out, NULL) : strdup("");
}

static const struct hdr_field plain_from[] = {{"From", "aperson@dom.ain"}};

#define PLAIN_EDITS                                                                                \
	"+MIME-Version: 1.0\n+Content-Type: text/plain; charset=\"us-ascii\"\n"                    \
	"+Content-Transfer-Encoding: 7bit\n"

static void check_plain(const char *header, const char *footer, const char *want)
{
	struct decorate_settings s;
	char *edits, *body;

	xtest(&s, header, footer);
	body = run(&s, plain_from, 1, "Here is a message.\n", &edits, NULL);
	assert_string_equal(body, want);
	assert_string_equal(edits, PLAIN_EDITS);
	free(body);
	free(edits);
}

/* TestDecorate.test_no_multipart*, one by one */
static void test_no_multipart(void **state)
{
	(void)state;
	check_plain("header\n", "footer", "header\nHere is a message.\nfooter\n");
	check_plain("%(real_name)s header\n", "%(real_name)s footer",
	            "XTest header\nHere is a message.\nXTest footer\n");
	/* type error, value error, missing key: the template is used literally */
	check_plain("%(real_name) header\n", "%(real_name) footer",
	            "%(real_name) header\nHere is a message.\n%(real_name) footer\n");
	check_plain("%(real_name)p header\n", "%(real_name)p footer",
	            "%(real_name)p header\nHere is a message.\n%(real_name)p footer\n");
	check_plain("%(spooge)s header\n", "%(spooge)s footer",
	            "%(spooge)s header\nHere is a message.\n%(spooge)s footer\n");
}

static void test_multipart(void **state)
{
	static const struct hdr_field f[] = {
	        {"MIME-Version", "1.0"},
	        {"Content-Type", "multipart/mixed; boundary=\"BOUNDARY\""},
	};
	struct decorate_settings s;
	char *edits, *body;

	(void)state;
	xtest(&s, "header", "footer");
	body = run(&s, f, 2,
	           "--BOUNDARY\nFrom: aperson@dom.ain\n\nHere is the first message.\n\n"
	           "--BOUNDARY\nFrom: bperson@dom.ain\n\nHere is the second message.\n\n"
	           "--BOUNDARY--\n",
	           &edits, NULL);
	assert_string_equal(body, "--BOUNDARY\n"
	                          "Content-Type: text/plain; charset=\"us-ascii\"\n"
	                          "MIME-Version: 1.0\n"
	                          "Content-Transfer-Encoding: 7bit\n"
	                          "Content-Disposition: inline\n"
	                          "\n"
	                          "header\n"
	                          "\n"
	                          "--BOUNDARY\n"
	                          "From: aperson@dom.ain\n"
	                          "\n"
	                          "Here is the first message.\n"
	                          "\n"
	                          "--BOUNDARY\n"
	                          "From: bperson@dom.ain\n"
	                          "\n"
	                          "Here is the second message.\n"
	                          "\n"
	                          "--BOUNDARY\n"
	                          "Content-Type: text/plain; charset=\"us-ascii\"\n"
	                          "MIME-Version: 1.0\n"
	                          "Content-Transfer-Encoding: 7bit\n"
	                          "Content-Disposition: inline\n"
	                          "\n"
	                          "footer\n"
	                          "\n"
	                          "--BOUNDARY--\n");
	assert_string_equal(edits, ""); /* the top-level headers stay as they are */
	free(body);
	free(edits);
}

static void test_wrap_other_types(void **state)
{
	static const struct hdr_field f[] = {
	        {"From", "a@dom.ain"},
	        {"Content-Type", "text/html; charset=us-ascii"},
	        {"Content-Transfer-Encoding", "7bit"},
	        {"Content-Disposition", "inline"},
	};
	struct decorate_settings s;
	char *edits, *body;

	(void)state;
	xtest(&s, "", "footer");
	body = run(&s, f, 4, "<p>hi</p>\n", &edits, NULL);
	assert_string_equal(body, "--===============0000000000000000042==\n"
	                          "Content-Type: text/html; charset=us-ascii\n"
	                          "Content-Transfer-Encoding: 7bit\n"
	                          "Content-Disposition: inline\n"
	                          "\n"
	                          "<p>hi</p>\n"
	                          "\n"
	                          "--===============0000000000000000042==\n"
	                          "Content-Type: text/plain; charset=\"us-ascii\"\n"
	                          "MIME-Version: 1.0\n"
	                          "Content-Transfer-Encoding: 7bit\n"
	                          "Content-Disposition: inline\n"
	                          "\n"
	                          "footer\n"
	                          "\n"
	                          "--===============0000000000000000042==--\n");
	assert_string_equal(edits, "+MIME-Version: 1.0\n"
	                           "-Content-Type[1]\n"
	                           "-Content-Transfer-Encoding[1]\n"
	                           "-Content-Disposition[1]\n"
	                           "+Content-Type: multipart/mixed; "
	                           "boundary=\"===============0000000000000000042==\"\n");
	free(body);
	free(edits);
}

static void test_plain_utf8_and_flowed(void **state)
{
	static const struct hdr_field f[] = {
	        {"MIME-Version", "1.0"},
	        {"Content-Type", "text/plain; charset=UTF-8; format=flowed; delsp=yes"},
	        {"Content-Transfer-Encoding", "8bit"},
	};
	struct decorate_settings s;
	char *edits, *body;

	(void)state;
	xtest(&s, "", "footer");
	/* us-ascii cannot hold it, so the message charset is kept: base64, params kept */
	body = run(&s, f, 3,
	           "Gr\xc3\xbc\xc3\x9f"
	           "e",
	           &edits, NULL);
	/* a body without any line break is written with CRLF, as smfi_replacebody wants */
	assert_string_equal(body, "R3LDvMOfZQpmb290ZXIK\r\n");
	assert_string_equal(edits,
	                    "-Content-Transfer-Encoding[1]\n"
	                    "-Content-Type[1]\n"
	                    "+Content-Transfer-Encoding: base64\n"
	                    "+Content-Type: text/plain; charset=\"utf-8\"; Format=\"flowed\"; "
	                    "DelSp=\"yes\"\n");
	free(body);
	free(edits);
}

static void test_plain_qp_latin1(void **state)
{
	static const struct hdr_field f[] = {
	        {"Content-Type", "text/plain; charset=\"iso-8859-1\""},
	        {"Content-Transfer-Encoding", "quoted-printable"},
	};
	struct decorate_settings s;
	char *edits, *body;

	(void)state;
	xtest(&s, "", "footer");
	body = run(&s, f, 2, "Gr=FC=DFe =3D x \nend\n", &edits, NULL);
	/* quoprimime.body_encode(): a blank before a line break becomes "blank=" plus the break
	 * (a soft break followed by the real one), exactly as Python 2.7 writes it */
	assert_string_equal(body, "Gr=FC=DFe =3D x =\n\nend\nfooter\n");
	assert_non_null(strstr(edits, "+Content-Transfer-Encoding: quoted-printable\n"));
	assert_non_null(strstr(edits, "charset=\"iso-8859-1\""));
	free(edits);
	free(body);
	/* Python's alias: latin-1 is iso-8859-1, with its quoted-printable body encoding */
	{
		static const struct hdr_field l1[] = {
		        {"Content-Type", "text/plain; charset=LATIN-1"}};
		body = run(&s, l1, 1,
		           "Gr\xfc\xdf"
		           "e\n",
		           &edits, NULL);
		assert_string_equal(body, "Gr=FC=DFe\nfooter\n");
		assert_non_null(strstr(edits, "charset=\"iso-8859-1\""));
		free(edits);
		free(body);
	}
}

static void test_8bit_in_ascii_wraps(void **state)
{
	static const struct hdr_field f[] = {{"Content-Type", "text/plain"}};
	struct decorate_settings s;
	char *edits, *body;

	(void)state;
	xtest(&s, "", "footer");
	body = run(&s, f, 1, "bad \xff byte\n", &edits, NULL);
	assert_non_null(strstr(body, "\nContent-Type: text/plain\n\nbad \xff byte\n\n--=="));
	assert_non_null(strstr(edits, "+Content-Type: multipart/mixed;"));
	free(body);
	free(edits);
}

static void test_crlf_body(void **state)
{
	static const struct hdr_field f[] = {
	        {"Content-Type", "multipart/mixed;\r\n\tboundary=\"b1\""},
	};
	struct decorate_settings s;
	char *edits, *body;

	(void)state;
	xtest(&s, "", "footer");
	body = run(&s, f, 1,
	           "pre\r\n--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n--b1--\r\nepi\r\n", &edits,
	           NULL);
	assert_string_equal(body, "pre\r\n--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n"
	                          "--b1\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n"
	                          "MIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\n"
	                          "Content-Disposition: inline\r\n\r\nfooter\r\n\r\n"
	                          "--b1--\r\nepi\r\n");
	free(body);
	free(edits);
	/* text/plain in CRLF: re-encoded, still CRLF */
	body = run(&s, plain_from, 1, "line\r\n", &edits, NULL);
	assert_string_equal(body, "line\r\nfooter\r\n");
	free(body);
	free(edits);
}

static void test_templates(void **state)
{
	struct decorate_settings s;
	struct buf b;

	(void)state;
	xtest(&s, "", "");
	buf_init(&b, 0);
	/* Mailman's default footer: the "-- " keeps its blank, other trailing blanks go */
	assert_int_equal(decorate_template(&s,
	                                   "-- \n%(real_name)s mailing list   \n"
	                                   "%(real_name)s@%(host_name)s\r\n"
	                                   "%(web_page_url)slistinfo%(cgiext)s/%(_internal_name)s",
	                                   "footer", "Q", &b),
	                 LM_OK);
	assert_string_equal(buf_cstr(&b), "-- \nXTest mailing list\nXTest@dom.ain\n"
	                                  "http://www.dom.ain/mailman/listinfo/_xtest\n");
	buf_reset(&b);
	assert_int_equal(decorate_template(&s, " \n\t \n", "footer", "Q", &b), LM_OK);
	assert_int_equal(b.len, 0);
	/* %% is a percent; "%s" (which would print every list attribute) is refused */
	assert_int_equal(decorate_template(&s, "100%% %(list_name)s", "footer", "Q", &b), LM_OK);
	assert_string_equal(buf_cstr(&b), "100% _xtest\n");
	buf_reset(&b);
	assert_int_equal(decorate_template(&s, "% silly %(real_name)s", "footer", "Q", &b), LM_OK);
	assert_string_equal(buf_cstr(&b), "% silly %(real_name)s\n");
	buf_reset(&b);
	/* width and precision as Python applies them */
	assert_int_equal(decorate_template(&s, "[%(real_name)8s|%(real_name)-6.2s]", "h", "Q", &b),
	                 LM_OK);
	assert_string_equal(buf_cstr(&b), "[   XTest|XT    ]\n");
	buf_free(&b);
	/* nothing to add: the message is left alone */
	{
		char *edits, *body;
		int rc;
		body = run(&s, plain_from, 1, "x\n", &edits, &rc);
		assert_int_equal(rc, LM_ENOENT);
		assert_string_equal(body, "");
		assert_string_equal(edits, "");
		free(body);
		free(edits);
	}
}

static void test_hostile(void **state)
{
	static const struct hdr_field evil_ct[] = {
	        {"Content-Type", "text/plain; charset*=''%0D%0ABcc%3A%20x"},
	        {"Content-Transfer-Encoding", "base64"},
	};
	static const struct hdr_field no_close[] = {
	        {"Content-Type", "multipart/mixed; boundary=zz"},
	};
	static const struct hdr_field bad_b64[] = {
	        {"Content-Type", "text/plain; charset=utf-8"},
	        {"Content-Transfer-Encoding", "base64"},
	};
	struct decorate_settings s;
	char *edits, *body;
	struct buf big;

	(void)state;
	xtest(&s, "", "footer");
	/* a charset parameter that decodes to a line break never reaches a header */
	body = run(&s, evil_ct, 2, "aGk=\n", &edits, NULL);
	assert_null(strstr(edits, "Bcc"));
	assert_non_null(strstr(edits, "multipart/mixed"));
	free(body);
	free(edits);
	/* a multipart/mixed without its close delimiter gets the footer and one */
	body = run(&s, no_close, 1, "--zz\nContent-Type: text/plain\n\nx", &edits, NULL);
	assert_string_equal(body, "--zz\nContent-Type: text/plain\n\nx\n--zz\n"
	                          "Content-Type: text/plain; charset=\"us-ascii\"\n"
	                          "MIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\n"
	                          "Content-Disposition: inline\n\nfooter\n\n--zz--\n");
	free(body);
	free(edits);
	/* broken base64 decodes leniently; invalid UTF-8 inside makes it a wrap */
	body = run(&s, bad_b64, 2, "!!/w==\n", &edits, NULL);
	assert_non_null(strstr(edits, "multipart/mixed"));
	free(body);
	free(edits);
	/* a big body and a big footer */
	buf_init(&big, 4 * 1024 * 1024);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(buf_puts(&big, "0123456789 abcdefghijklmnopqrstuvwxyz\n"), LM_OK);
	s.msg_footer = buf_cstr(&big);
	body = run(&s, plain_from, 1, buf_cstr(&big), &edits, NULL);
	assert_int_equal(strlen(body), 2 * big.len);
	free(body);
	free(edits);
	buf_free(&big);
	/* template values are not re-interpolated */
	s.real_name = "%(host_name)s";
	s.msg_footer = "%(real_name)s";
	body = run(&s, plain_from, 1, "x\n", &edits, NULL);
	assert_string_equal(body, "x\n%(host_name)s\n");
	free(body);
	free(edits);
}

/* A real list (LMDB, Mailman's defaults) through both settings fillers and both transforms. */
static void test_from_real_list(void **state)
{
	static const struct hdr_field f[] = {{"From", "Ann <ann@example.net>"},
	                                     {"Subject", "Re: [Demo] plans"}};
	const char *kv[] = {"description=Demo people", "reply_goes_to_list=1", "from_is_list=1"};
	char *dir = testutil_tmpdir("decorate"), *db = testutil_path(dir, "db");
	struct hdr_list h = {f, 2};
	struct dbenv *env = NULL;
	struct list *l = NULL;
	struct cook_settings cs;
	struct decorate_settings ds;
	struct hdr_edits e;
	struct buf store, out, hdrs;

	(void)state;
	buf_init(&store, 0);
	buf_init(&out, 0);
	buf_init(&hdrs, 0);
	hdr_edits_init(&e);
	assert_int_equal(dbenv_open(db, 1 << 26, 0, &env), LM_OK);
	assert_int_equal(lists_create(env, "demo@lists.example.org", kv, 3, NULL), LM_OK);
	assert_int_equal(lists_get(env, "demo", &l), LM_OK);
	assert_int_equal(cook_settings_from_list(l, &cs, &store), LM_OK);
	assert_string_equal(cs.options_url, "http://lists.example.org/mailman/options/demo");
	assert_int_equal(cook_headers(&cs, &h, "ann@example.net", NULL, "Q", &e), LM_OK);
	assert_int_equal(decorate_settings_from_list(l, &ds), LM_OK);
	assert_int_equal(decorate_body(&ds, &h, "Hi.\n", 4, "Q", &out, &e), LM_OK);
	assert_string_equal(buf_cstr(&out), "Hi.\n-- \nDemo mailing list\nDemo@lists.example.org\n"
	                                    "http://lists.example.org/mailman/listinfo/demo\n");
	assert_int_equal(hdr_edits_render(&h, &e, true, false, &hdrs), LM_OK);
	assert_string_equal(buf_cstr(&hdrs),
	                    "Subject: Re: [Demo] plans\n"
	                    "X-BeenThere: demo@lists.example.org\n"
	                    "X-Mailman-Version: 2.1.39\n"
	                    "Precedence: list\n"
	                    "List-Id: Demo people <demo.lists.example.org>\n"
	                    "List-Unsubscribe: <http://lists.example.org/mailman/options/demo>,\n"
	                    " <mailto:demo-request@lists.example.org?subject=unsubscribe>\n"
	                    "List-Archive: <http://lists.example.org/pipermail/demo/>\n"
	                    "List-Post: <mailto:demo@lists.example.org>\n"
	                    "List-Help: <mailto:demo-request@lists.example.org?subject=help>\n"
	                    "List-Subscribe: <http://lists.example.org/mailman/listinfo/demo>,\n"
	                    " <mailto:demo-request@lists.example.org?subject=subscribe>\n"
	                    "From: Ann via Demo <demo@lists.example.org>\n"
	                    "Reply-To: Demo people <demo@lists.example.org>\n"
	                    "Cc: Ann <ann@example.net>\n"
	                    "MIME-Version: 1.0\n"
	                    "Content-Type: text/plain; charset=\"us-ascii\"\n"
	                    "Content-Transfer-Encoding: 7bit\n");
	list_free(l);
	dbenv_close(env);
	testutil_rmtree(dir);
	free(dir);
	free(db);
	buf_free(&store);
	buf_free(&out);
	buf_free(&hdrs);
	hdr_edits_free(&e);
}

/* from_is_list = 2 end to end: wrap, delivery headers and footer on the wrapper's view. */
static void test_wrap_flow(void **state)
{
	static const struct hdr_field f[] = {
	        {"From", "Ann <ann@example.net>"},
	        {"To", "demo@lists.example.org"},
	        {"Subject", "plans"},
	        {"Sender", "other@example.net"},
	        {"Content-Type", "text/plain"},
	};
	struct hdr_list h = {f, 5};
	struct cook_settings cs;
	struct decorate_settings ds;
	struct hdr_edits cooked, e;
	struct buf wrapped, body, hdrs;

	(void)state;
	cook_settings_defaults(&cs, "demo", "lists.example.org", "Demo");
	cs.include_rfc2369_headers = false;
	cs.subject_prefix = "[Demo] ";
	cs.from_is_list = 2;
	xtest(&ds, "", "footer");
	hdr_edits_init(&cooked);
	hdr_edits_init(&e);
	buf_init(&wrapped, 0);
	buf_init(&body, 0);
	buf_init(&hdrs, 0);
	assert_int_equal(cook_headers(&cs, &h, "ann@example.net", NULL, "Q", &cooked), LM_OK);
	assert_int_equal(dmarc_wrap(&cs, &h, &cooked, "hi\n", 3, &wrapped, &e), LM_OK);
	assert_int_equal(cook_delivery_headers(&cs, dmarc_wrapped_view(),
	                                       "demo-bounces@lists.example.org", &e),
	                 LM_OK);
	assert_int_equal(
	        decorate_body(&ds, dmarc_wrapped_view(), wrapped.data, wrapped.len, "Q", &body, &e),
	        LM_OK);
	assert_int_equal(hdr_edits_render(&h, &e, true, false, &hdrs), LM_OK);
	/* the post (with its own Sender) travels whole inside message/rfc822 */
	assert_non_null(strstr(buf_cstr(&body), "--===============0000000000000000042==\n"
	                                        "Content-Type: message/rfc822\n"
	                                        "Content-Disposition: inline\n\n"
	                                        "From: Ann <ann@example.net>\n"));
	assert_non_null(strstr(buf_cstr(&body), "Sender: other@example.net\n"));
	assert_non_null(
	        strstr(buf_cstr(&body), "\nfooter\n\n--===============0000000000000000042==--"));
	/* outside: the list's From, one Sender, one Content-Type, no Content-Disposition */
	assert_non_null(strstr(buf_cstr(&hdrs), "From: Ann via Demo <demo@lists.example.org>\n"));
	assert_non_null(strstr(buf_cstr(&hdrs), "Subject: [Demo] plans\n"));
	assert_non_null(strstr(buf_cstr(&body), "\nSubject: plans\n")); /* inside: unprefixed */
	assert_non_null(
	        strstr(buf_cstr(&hdrs), "Sender: \"Demo\" <demo-bounces@lists.example.org>"));
	assert_null(strstr(buf_cstr(&hdrs), "other@example.net"));
	assert_non_null(strstr(buf_cstr(&hdrs), "Content-Type: multipart/mixed; boundary="));
	assert_null(strstr(buf_cstr(&hdrs), "Content-Disposition"));
	assert_null(strstr(buf_cstr(&hdrs), "message/rfc822"));
	hdr_edits_free(&cooked);
	hdr_edits_free(&e);
	buf_free(&wrapped);
	buf_free(&body);
	buf_free(&hdrs);
}

static int setup(void **state)
{
	(void)state;
	g_mime_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_mime_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_no_multipart),
	        cmocka_unit_test(test_multipart),
	        cmocka_unit_test(test_wrap_other_types),
	        cmocka_unit_test(test_plain_utf8_and_flowed),
	        cmocka_unit_test(test_plain_qp_latin1),
	        cmocka_unit_test(test_8bit_in_ascii_wraps),
	        cmocka_unit_test(test_crlf_body),
	        cmocka_unit_test(test_templates),
	        cmocka_unit_test(test_hostile),
	        cmocka_unit_test(test_from_real_list),
	        cmocka_unit_test(test_wrap_flow),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
