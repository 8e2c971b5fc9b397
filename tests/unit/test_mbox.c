/*
 * test_mbox.c: the streaming mailbox reader: strict From_ splitting, mboxrd unescaping,
 * pipermail .txt (and .txt.gz) separators, positions, oversized messages, corpus edge cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "lmerr.h"
#include "mbox.h"
#include "testutil.h"

#define MAXMSG ((size_t)64 * 1024 * 1024)

/* Read every message of a file; returns the count; fills up to 8 copies of messages. */
static int read_all(const char *path, enum mbox_format fmt, size_t max, char **msgs,
                    uint64_t *lines, int *toobig)
{
	struct mbox *m;
	struct mbox_msg msg;
	int n = 0, rc;

	assert_int_equal(mbox_open(path, fmt, max, &m), LM_OK);
	mbox_msg_init(&msg, max);
	while ((rc = mbox_next(m, &msg)) == LM_OK || rc == LM_ETOOBIG) {
		if (rc == LM_ETOOBIG && toobig)
			(*toobig)++;
		if (n < 8 && msgs)
			msgs[n] = strdup(buf_cstr(&msg.data));
		if (n < 8 && lines)
			lines[n] = msg.line;
		n++;
	}
	assert_int_equal(rc, LM_ENOENT);
	mbox_msg_free(&msg);
	mbox_close(m);
	return n;
}

static void free_msgs(char **msgs, int n)
{
	int i;

	for (i = 0; i < n && i < 8; i++)
		free(msgs[i]);
}

static int corpus_count(const char *rel, enum mbox_format fmt, char **msgs)
{
	char *path = testutil_corpus(rel);
	int n;

	if (path == NULL)
		return -1;
	n = read_all(path, fmt, MAXMSG, msgs, NULL, NULL);
	free(path);
	return n;
}

static void test_corpus_edge_cases(void **state)
{
	char *msgs[8] = {0};
	int n;

	(void)state;
	if ((n = corpus_count("mbox/mimekit__unmunged.mbox", MBOX_AUTO, msgs)) < 0)
		skip();
	/* "From Russia with love" (+ "Year: 1963") stays in the body; the BOM is dropped */
	assert_int_equal(n, 2);
	assert_true(strncmp(msgs[0], "From: Jeffrey", 13) == 0);
	assert_non_null(strstr(msgs[0], "\nFrom Russia with love\n\nWhat does"));
	assert_non_null(strstr(msgs[1], "\nFrom Russia with love\nYear: 1963\n"));
	free_msgs(msgs, n);
	n = corpus_count("mbox/gmime__substring.mbox", MBOX_AUTO, msgs);
	assert_int_equal(n, 3);
	assert_non_null(strstr(msgs[2], "I'm impressed"));
	free_msgs(msgs, n);
	n = corpus_count("mbox/mimekit__issue1189.mbox", MBOX_AUTO, msgs);
	assert_int_equal(n, 4);
	assert_true(strncmp(msgs[1], "MIME-Version: 1.0", 17) == 0);
	free_msgs(msgs, n);
	n = corpus_count("mbox/mimekit__content-length.mbox", MBOX_AUTO, msgs);
	assert_int_equal(n, 29);
	assert_true(strncmp(msgs[1], "Message-ID: <31C105ED.41C62@netscape.com>", 41) == 0);
	free_msgs(msgs, n);
	assert_int_equal(corpus_count("mbox/notmuch-lkml-threading-corpus.mbox", MBOX_AUTO, NULL),
	                 210);
}

static void test_corpus_mboxrd(void **state)
{
	char *path = testutil_corpus("mbox/usrp-users-mailman21-delivered-sample.mboxrd");
	struct mbox *m;
	struct mbox_msg msg;
	int n = 0, unescaped = 0;

	(void)state;
	if (path == NULL)
		skip();
	assert_int_equal(mbox_open(path, MBOX_AUTO, MAXMSG, &m), LM_OK);
	mbox_msg_init(&msg, MAXMSG);
	while (mbox_next(m, &msg) == LM_OK) {
		const char *p = buf_cstr(&msg.data);
		n++;
		while ((p = strstr(p, "\nFrom what I understand")) != NULL)
			unescaped++, p++;
		assert_null(strstr(buf_cstr(&msg.data), "\n>From what I understand"));
	}
	assert_int_equal(mbox_format_of(m), MBOX_MBOXRD);
	assert_int_equal(n, 400);
	assert_int_equal(unescaped, 3);
	mbox_msg_free(&msg);
	mbox_close(m);
	free(path);
}

static const char mboxrd_text[] = "From alice@example.com Mon Feb  4 12:34:56 2019\n"
                                  "From: alice@example.com\n"
                                  "Subject: one\n"
                                  "\n"
                                  ">From the top\n"
                                  ">>From deeper\n"
                                  "From nowhere in particular\n"
                                  "\n"
                                  "From bob@example.com Mon Feb  4 12:35:00 2019\n"
                                  "Not a header line\n"
                                  "\n"
                                  "From carol@example.com Tue Feb  5 01:02:03 +0100 2019\n"
                                  "Subject: two\n"
                                  "\n"
                                  "body\n";

static void test_mboxrd_and_positions(void **state)
{
	char *dir = testutil_tmpdir("mbox"), *p = testutil_path(dir, "x.mboxrd");
	char *msgs[8] = {0};
	uint64_t lines[8];
	int n;

	(void)state;
	testutil_write(p, mboxrd_text, strlen(mboxrd_text));
	n = read_all(p, MBOX_AUTO, MAXMSG, msgs, lines, NULL);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0], "From: alice@example.com\nSubject: one\n\nFrom the top\n"
	                             ">From deeper\nFrom nowhere in particular\n\n"
	                             "From bob@example.com Mon Feb  4 12:35:00 2019\n"
	                             "Not a header line\n");
	assert_string_equal(msgs[1], "Subject: two\n\nbody\n");
	assert_int_equal(lines[0], 1);
	assert_int_equal(lines[1], 12);
	free_msgs(msgs, n);
	/* as plain mbox nothing is unescaped */
	n = read_all(p, MBOX_MBOXO, MAXMSG, msgs, NULL, NULL);
	assert_int_equal(n, 2);
	assert_non_null(strstr(msgs[0], "\n>From the top\n>>From deeper\n"));
	free_msgs(msgs, n);
	free(p);
	testutil_rmtree(dir);
	free(dir);
}

static void test_single_and_toobig(void **state)
{
	char *dir = testutil_tmpdir("mbox"), *p = testutil_path(dir, "one.eml");
	char *q = testutil_path(dir, "big.mbox"), *msgs[8] = {0};
	const char one[] = "Subject: hi\r\n\r\nFrom me\r\n";
	char big[3000];
	int n, toobig = 0;

	(void)state;
	testutil_write(p, one, strlen(one));
	n = read_all(p, MBOX_AUTO, MAXMSG, msgs, NULL, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0], one);
	free_msgs(msgs, n);
	snprintf(big, sizeof(big),
	         "From a@b Mon Feb  4 12:34:56 2019\nSubject: big\n\n%0*d\n\n"
	         "From a@b Mon Feb  4 12:34:57 2019\nSubject: small\n\nx\n",
	         2000, 7);
	testutil_write(q, big, strlen(big));
	n = read_all(q, MBOX_AUTO, 1000, msgs, NULL, &toobig);
	assert_int_equal(n, 2);
	assert_int_equal(toobig, 1);
	assert_string_equal(msgs[1], "Subject: small\n\nx\n");
	free_msgs(msgs, n);
	/* an empty file holds no message */
	testutil_write(q, "", 0);
	assert_int_equal(read_all(q, MBOX_AUTO, 1000, NULL, NULL, NULL), 0);
	free(p);
	free(q);
	testutil_rmtree(dir);
	free(dir);
}

static const char txt_text[] = "From joe at example.com  Mon Feb  4 12:34:56 2019\n"
                               "From: joe at example.com (Joe)\n"
                               "Date: Mon, 4 Feb 2019 12:34:56 +0100\n"
                               "Subject: hello\n"
                               "Message-ID: <a@x>\n"
                               "\n"
                               "From the body, unescaped\n"
                               "From joe at example.com  Mon Feb  4 12:34:56 2019\n"
                               "but not followed by From:\n"
                               "\n"
                               "From bogus@does.not.exist.com  Tue Feb  5 00:00:00 2019\n"
                               "From: bogus@does.not.exist.com (bogus@does.not.exist.com)\n"
                               "Subject: two\n"
                               "\n"
                               "x\n"
                               "\n";

static void test_pipermail_txt(void **state)
{
	char *dir = testutil_tmpdir("mbox"), *p = testutil_path(dir, "2019-February.txt");
	char *gz = testutil_path(dir, "2019-February.txt.gz"), *msgs[8] = {0};
	gzFile g;
	int n;

	(void)state;
	assert_true(mbox_pipermail_from("From joe at example.com  Mon Feb  4 12:34:56 2019", 49));
	assert_false(mbox_strict_from("From joe at example.com  Mon Feb  4 12:34:56 2019", 49));
	assert_true(mbox_strict_from("From joe@x Mon Feb  4 12:34 2019", 32));
	assert_false(mbox_strict_from("From Russia with love", 21));
	testutil_write(p, txt_text, strlen(txt_text));
	assert_non_null(g = gzopen(gz, "wb"));
	assert_int_equal(gzwrite(g, txt_text, (unsigned)strlen(txt_text)), (int)strlen(txt_text));
	gzclose(g);
	n = read_all(p, MBOX_AUTO, MAXMSG, msgs, NULL, NULL);
	assert_int_equal(n, 2);
	assert_non_null(
	        strstr(msgs[0], "\nFrom the body, unescaped\nFrom joe at example.com  Mon"));
	assert_string_equal(msgs[1], "From: bogus@does.not.exist.com (bogus@does.not.exist.com)\n"
	                             "Subject: two\n\nx\n");
	free_msgs(msgs, n);
	n = read_all(gz, MBOX_AUTO, MAXMSG, msgs, NULL, NULL);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[1], "From: bogus@does.not.exist.com (bogus@does.not.exist.com)\n"
	                             "Subject: two\n\nx\n");
	free_msgs(msgs, n);
	free(p);
	free(gz);
	testutil_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_corpus_edge_cases),
	        cmocka_unit_test(test_corpus_mboxrd),
	        cmocka_unit_test(test_mboxrd_and_positions),
	        cmocka_unit_test(test_single_and_toobig),
	        cmocka_unit_test(test_pipermail_txt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
