/*
 * test_pyhdr.c: the Python 2.7 email-package behaviours Mailman's header bytes depend on:
 * decode_header/ch_oneline, Header.encode folding, formataddr and getaddresses.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lmerr.h"
#include "pyhdr.h"
#include "testutil.h"

static void oneline(const char *raw, int want_rc, const char *want_text, const char *want_cs)
{
	struct buf t, c;

	buf_init(&t, 0);
	buf_init(&c, 0);
	assert_int_equal(pyhdr_oneline(raw, &t, &c), want_rc);
	assert_string_equal(buf_cstr(&t), want_text);
	assert_string_equal(buf_cstr(&c), want_cs);
	buf_free(&t);
	buf_free(&c);
}

static void test_decode(void **state)
{
	(void)state;
	oneline("plain\n words", LM_OK, "plain words", "us-ascii");
	/* adjacent words of one charset join without the blank between them */
	oneline("=?utf-8?q?a?= =?utf-8?q?b?=", LM_OK, "ab", "utf-8");
	/* unencoded text next to a word gets one blank */
	oneline("x =?iso-8859-1?q?=FC?= y", LM_OK, "x \xc3\xbc y", "iso-8859-1");
	/* the first charset is the one reported */
	oneline("=?koi8-r?b?4c7E0sXK?= =?utf-8?q?z?=", LM_OK,
	        "\xd0\x90\xd0\xbd\xd0\xb4\xd1\x80\xd0\xb5\xd0\xb9z", "koi8-r");
	/* a word must be followed by a blank or the end: this one is text */
	oneline("=?utf-8?q?a?=b", LM_OK, "=?utf-8?q?a?=b", "us-ascii");
	/* Python's fallback: unknown charset or bytes invalid in theirs */
	oneline("=?x-bogus?q?a?=", LM_EPARSE, "=?x-bogus?q?a?=", "us-ascii");
	oneline("=?utf-8?q?=FF?=", LM_EPARSE, "=?utf-8?q?=FF?=", "us-ascii");
	oneline("8bit \xe9\r\n more", LM_EPARSE, "8bit \xe9 more", "us-ascii");
	/* base64 with missing padding (Postel) and underscores in q */
	oneline("=?utf-8?b?w7w?= =?utf-8?q?a_b?=", LM_OK,
	        "\xc3\xbc"
	        "a b",
	        "utf-8");
}

static void fold(const char *name, const char *value, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(pyhdr_fold(name, value, &b), LM_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_fold(void **state)
{
	(void)state;
	fold("X", "short", "short");
	/* a long line splits at "; " before ", " before " " (splitchars order) */
	fold("Content-Type",
	     "multipart/alternative; boundary=\"0000000000000000000000000000000000000000000\"",
	     "multipart/alternative;\n boundary=\"0000000000000000000000000000000000000000000\"");
	fold("To",
	     "aaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbbbbbbbb@example.com, "
	     "cccccccccccccccc@example.com",
	     "aaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbbbbbbbb@example.com,\n"
	     " cccccccccccccccc@example.com");
	/* already-folded text is re-split line by line; continuation blanks are dropped */
	fold("List-Unsubscribe",
	     "<http://lists.ettus.com/mailman/options/usrp-users_lists.ettus.com>,\n"
	     " <mailto:usrp-users-request@lists.ettus.com?subject=unsubscribe>",
	     "<http://lists.ettus.com/mailman/options/usrp-users_lists.ettus.com>, \n"
	     " <mailto:usrp-users-request@lists.ettus.com?subject=unsubscribe>");
	/* 8-bit values are written as they are */
	fold("X", "caf\xc3\xa9", "caf\xc3\xa9");
	/* nothing to split on: one long line */
	fold("X",
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void test_encode_words(void **state)
{
	struct buf b;
	struct pyhdr_chunk c[2] = {{"[L] ", 4, NULL}, {"\xc3\xa9tude longue", 13, "UTF-8"}};

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(pyhdr_encode(c, 2, "Subject", 76, ' ', &b), LM_OK);
	/* SHORTEST: quoted-printable (17) beats base64 (20) for mostly-ASCII text */
	assert_string_equal(buf_cstr(&b), "[L] =?utf-8?q?=C3=A9tude_longue?=");
	buf_reset(&b);
	/* SHORTEST picks base64 when it is shorter */
	assert_int_equal(pyhdr_encode_text("\xd0\x90\xd0\xbd\xd0\xb4", "us-ascii", NULL, 76, &b),
	                 LM_OK);
	assert_string_equal(buf_cstr(&b), "=?utf-8?b?0JDQvdC0?=");
	buf_reset(&b);
	/* a charset the list prefers is tried before UTF-8 */
	assert_int_equal(pyhdr_encode_text("G\xc3\xbc", "iso-8859-1", NULL, 76, &b), LM_OK);
	assert_string_equal(buf_cstr(&b), "=?iso-8859-1?q?G=FC?=");
	buf_reset(&b);
	/* a long non-ASCII text becomes several words, each within the line length */
	{
		struct buf t;
		buf_init(&t, 0);
		for (int i = 0; i < 40; i++)
			buf_puts(&t, "\xc3\xa9");
		assert_int_equal(pyhdr_encode_text(buf_cstr(&t), NULL, "Subject", 76, &b), LM_OK);
		for (const char *p = buf_cstr(&b), *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			assert_true((nl ? (size_t)(nl - p) : strlen(p)) <= 76);
			if (nl == NULL)
				break;
		}
		assert_non_null(strchr(buf_cstr(&b), '\n'));
		buf_free(&t);
	}
	buf_free(&b);
}

static void fa(const char *name, const char *addr, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(pyhdr_formataddr(name, addr, &b), LM_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_formataddr(void **state)
{
	(void)state;
	fa("", "a@b", "a@b");
	fa("Joe", "a@b", "Joe <a@b>");
	fa("Joe Q. Public", "a@b", "\"Joe Q. Public\" <a@b>");
	fa("a \"b\" [c] (d) \\", "a@b", "\"a \\\"b\\\" \\[c\\] \\(d\\) \\\\\" <a@b>");
	fa("=?utf-8?q?x?=", "a@b", "=?utf-8?q?x?= <a@b>");
}

static void test_getaddresses(void **state)
{
	const char *v[] = {"\"Doe, Jane\" <jane@example.com>, bob@example.com (Bob B)",
	                   "Carl <carl@example.com>, <bare@example.com>, \"q\\\"uote\" <q@x>",
	                   "junk ,, Dan Q <dan @ example.com>"};
	struct pyhdr_addr *a;
	size_t n;

	(void)state;
	assert_int_equal(pyhdr_getaddresses(v, 3, &a, &n), LM_OK);
	assert_true(n >= 7);
	assert_string_equal(a[0].name, "Doe, Jane");
	assert_string_equal(a[0].addr, "jane@example.com");
	assert_string_equal(a[1].name, "Bob B");
	assert_string_equal(a[1].addr, "bob@example.com");
	assert_string_equal(a[2].name, "Carl");
	assert_string_equal(a[3].name, "");
	assert_string_equal(a[3].addr, "bare@example.com");
	assert_string_equal(a[4].name, "q\"uote");
	assert_string_equal(a[5].addr, "junk");
	assert_string_equal(a[n - 1].name, "Dan Q");
	assert_string_equal(a[n - 1].addr, "dan@example.com");
	pyhdr_addrs_free(a, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decode),       cmocka_unit_test(test_fold),
	        cmocka_unit_test(test_encode_words), cmocka_unit_test(test_formataddr),
	        cmocka_unit_test(test_getaddresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
