/*
 * test_fidelity_pipeline.c: Mailman 2.1 details of the delivered and archived copies through
 * the milter pipeline and the recorder MTA: from_is_list = 2 wraps the post, the From munge
 * uses the member's registered name, Decorate comes before Errors-To/Sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <time.h>

#include "archive.h"
#include "dbenv.h"
#include "lists.h"
#include "lmerr.h"
#include "milter.h"
#include "pipeline_int.h" /* archdate_apply(): milter/ is on this test's include path */
#include "scrub.h"
#include "pipelinefx.h"
#include "testutil.h"

static void make_lists(struct dbenv *env)
{
	const char *kv[] = {"archive=yes", "real_name=Team"};
	const char *members[] = {"Ann Example <ann@example.com>", "bob@example.net"};

	assert_int_equal(lists_create(env, "team@example.org", kv, 2, NULL), LM_OK);
	assert_int_equal(members_add(env, "team", members, 2, NULL, NULL), LM_OK);
}

static int setup(void **state)
{
	*state = pipelinefx_new("fidelity", 0, make_lists);
	return 0;
}

static int teardown(void **state)
{
	pipelinefx_free(*state);
	return 0;
}

/* One post through RCPT, headers, body and end of message, as libmilter feeds it. */
static enum verdict post(struct pipelinefx *fx, const char *text)
{
	const char *p = text, *eol, *colon;
	enum verdict v = V_CONTINUE;
	struct msgctx *m;

	assert_int_equal(msgctx_new(&m), LM_OK);
	m->envfrom = strdup("<ann@example.com>");
	msgctx_set_qid(m, "TESTQID");
	buf_reset(&fx->log);
	mta_init_recorder(&fx->mta, &fx->log); /* a new transaction: a new body run */
	v = pipeline_rcpt(m, "<team@example.org>", &fx->mta);
	while (v == V_CONTINUE && *p && *p != '\n') {
		char *name, *value;

		eol = strchr(p, '\n');
		while (eol[1] == ' ' || eol[1] == '\t')
			eol = strchr(eol + 1, '\n');
		colon = strchr(p, ':');
		name = strndup(p, (size_t)(colon - p));
		value = strndup(colon + 1, (size_t)(eol - colon - 1));
		v = pipeline_header(m, name, value, &fx->mta);
		free(name);
		free(value);
		p = eol + 1;
	}
	v = v == V_CONTINUE ? pipeline_eoh(m, &fx->mta) : v;
	if (v == V_CONTINUE && *p)
		v = pipeline_body(m, p + 1, strlen(p + 1), &fx->mta);
	v = v == V_CONTINUE ? pipeline_eom(m, &fx->mta) : v;
	msgctx_free(m);
	return v;
}

static void set(struct pipelinefx *fx, const char *kv)
{
	assert_int_equal(lists_set(fx->env, "team", &kv, 1, NULL), LM_OK);
}

static const char *log_has(struct pipelinefx *fx, const char *s)
{
	const char *p = strstr(buf_cstr(&fx->log), s);

	if (p == NULL)
		fprintf(stderr, "missing \"%s\" in:\n%s\n", s, buf_cstr(&fx->log));
	assert_non_null(p);
	return p;
}

static void test_wrap(void **state)
{
	struct pipelinefx *fx = *state;
	const char *body, *errs, *ct;
	struct article a;
	uint32_t seq;

	set(fx, "from_is_list=2");
	set(fx, "subject_prefix=[Team] ");
	assert_int_equal(post(fx, "From: Ann <ann@example.com>\nTo: team@example.org\n"
	                          "Subject: hello\nMessage-ID: <w1@example.com>\n"
	                          "Approved: secret\n\nHello list.\n"),
	                 V_ACCEPT);
	/* the outer message: the list's From, the cooked Subject, a wrapper of the post */
	log_has(fx, "chgheader From 1 (delete)\n");
	log_has(fx, "addheader From Ann via Team <team@example.org>\n");
	log_has(fx, "addheader Subject [Team] hello\n");
	log_has(fx, "addheader Reply-To Ann <ann@example.com>\n");
	log_has(fx, "addheader List-Id ");
	log_has(fx, "addheader MIME-Version 1.0\n");
	/* Decorate's default footer wraps the message/rfc822 in a multipart/mixed */
	ct = log_has(fx, "addheader Content-Type multipart/mixed;");
	errs = log_has(fx, "addheader Errors-To team-bounces@example.org\n");
	assert_true(errs > ct); /* Errors-To and Sender after Decorate, as SMTPDirect */
	assert_null(strstr(buf_cstr(&fx->log), "chgheader Content-Type"));
	assert_null(strstr(buf_cstr(&fx->log), "addheader Content-Disposition"));
	body = log_has(fx, "replacebody ");
	log_has(fx, "Content-Type: message/rfc822");
	/* the post inside is the original after Cleanse: no prefix, no Approved */
	assert_non_null(strstr(body, "\nFrom: Ann <ann@example.com>\n"));
	assert_non_null(strstr(body, "\nSubject: hello\n"));
	assert_null(strstr(body, "secret"));
	assert_non_null(strstr(body, "Hello list."));
	assert_non_null(strstr(body, "Team mailing list"));
	/* the archived copy: Cleanse only, no prefix and no List-* headers (spec 0, 8.3) */
	assert_int_equal(archive_find_msgid(fx->env, "team", "<w1@example.com>", &seq), LM_OK);
	assert_int_equal(archive_get(fx->env, "team", seq, &a), LM_OK);
	assert_string_equal(a.subject, "hello");
	assert_string_equal(a.author, "Ann");
	article_clear(&a);
}

static void test_wrap_without_footer(void **state)
{
	struct pipelinefx *fx = *state;

	set(fx, "from_is_list=2");
	set(fx, "msg_footer=");
	assert_int_equal(post(fx, "From: ann@example.com\nTo: team@example.org\nSubject: "
	                          "hi\nMessage-ID: <w2@x>\n"
	                          "Content-Type: text/plain; charset=us-ascii\n\nHi.\n"),
	                 V_ACCEPT);
	log_has(fx, "chgheader Content-Type 1 (delete)\n");
	log_has(fx, "addheader Content-Type message/rfc822\n");
	log_has(fx, "addheader Content-Disposition inline\n");
	/* no display name: the member's registered name (getMemberName) */
	log_has(fx, "addheader From Ann Example via Team <team@example.org>\n");
	log_has(fx, "Content-Type: text/plain; charset=us-ascii\n\nHi.\n");
}

static void test_munge_member_name(void **state)
{
	struct pipelinefx *fx = *state;

	set(fx, "from_is_list=1");
	assert_int_equal(post(fx, "From: ann@example.com\nTo: team@example.org\nSubject: "
	                          "hi\nMessage-ID: <m1@x>\n\nHi.\n"),
	                 V_ACCEPT);
	log_has(fx, "Ann Example via Team <team@example.org>");
	/* no From address at all: the envelope sender, bare, and its registered name */
	assert_int_equal(post(fx, "From: undisclosed\nTo: team@example.org\nSubject: hi\n"
	                          "Message-ID: <m2@x>\n\nHi.\n"),
	                 V_ACCEPT);
	log_has(fx, "addheader From Ann Example via Team <team@example.org>\n");
	log_has(fx, "addheader Reply-To ann@example.com\n");
	/* without wrapping, Decorate's edits come before Errors-To too */
	assert_true(log_has(fx, "Errors-To") > log_has(fx, "Content-Transfer-Encoding"));
}

/* A post's delivered Subject (the last one the recorder saw). */
static void want_subject(struct pipelinefx *fx, const char *text, const char *subject)
{
	char line[256];

	if (post(fx, text) != V_ACCEPT)
		fprintf(stderr, "%s", buf_cstr(&fx->log));
	snprintf(line, sizeof(line), "addheader Subject %s\n", subject);
	log_has(fx, line);
}

static void test_post_id(void **state)
{
	struct pipelinefx *fx = *state;
	const char *p1 = "From: Ann <ann@example.com>\nTo: team@example.org\nSubject: Hello\n"
	                 "Message-ID: <n1@example.com>\n\nOne.\n";
	const char *p2 = "From: Ann <ann@example.com>\nTo: team@example.org\nSubject: Re: Hello\n"
	                 "Message-ID: <n2@example.com>\n\nTwo.\n";
	const char *p3 = "From: Ann <ann@example.com>\nTo: team@example.org\nSubject: no id\n"
	                 "Received: from x by y id AAA; Mon, 4 Feb 2019 11:34:56 +0000\n\nThree.\n";
	const char *p3b =
	        "From: Ann <ann@example.com>\nTo: team@example.org\nSubject: no id\n"
	        "Received: from x by y id BBB; Mon, 4 Feb 2019 11:39:56 +0000\n\nThree.\n";
	size_t articles, periods;

	set(fx, "subject_prefix=[Team %d] ");
	want_subject(fx, p1, "[Team 1] Hello");
	want_subject(fx, p2, "[Team 2] Re: Hello");
	/* the MTA retries the first post: same number, archived once */
	want_subject(fx, p1, "[Team 1] Hello");
	want_subject(fx, p3, "[Team 3] no id");
	/* a retry without a Message-ID: another Received line, the same post and number */
	want_subject(fx, p3b, "[Team 3] no id");
	/* another post that reuses a Message-ID is not a retry */
	want_subject(fx,
	             "From: Ann <ann@example.com>\nTo: team@example.org\nSubject: Hello\n"
	             "Message-ID: <n1@example.com>\n\nOne, edited.\n",
	             "[Team 4] Hello");
	assert_int_equal(archive_count(fx->env, "team", &articles, &periods), LM_OK);
	assert_int_equal(articles, 4);
	/* a list without a number in its prefix keeps no counter */
	set(fx, "subject_prefix=[Team] ");
	want_subject(fx, p1, "[Team] Hello");
}

/* The archived article of a Message-ID. */
static void archived(struct pipelinefx *fx, const char *msgid, struct article *a)
{
	uint32_t seq;

	assert_int_equal(archive_find_msgid(fx->env, "team", msgid, &seq), LM_OK);
	assert_int_equal(archive_get(fx->env, "team", seq, a), LM_OK);
}

/* ArchRunner: a Date 20 years off and a missing Date both become the received time. */
static void test_archived_dates(void **state)
{
	struct pipelinefx *fx = *state;
	time_t now = time(NULL);
	struct article a;

	assert_int_equal(post(fx, "From: Ann <ann@example.com>\nTo: team@example.org\n"
	                          "Subject: old\nDate: Thu, 01 Apr 1999 10:00:00 +0000\n"
	                          "Message-ID: <d1@example.com>\n\nOld clock.\n"),
	                 V_ACCEPT);
	archived(fx, "<d1@example.com>", &a);
	assert_true(a.date >= now - 5 && a.date <= time(NULL) + 5);
	assert_non_null(strstr(a.datestr, " -0000"));
	assert_null(strstr(a.datestr, "1999"));
	article_clear(&a);
	assert_int_equal(post(fx, "From: Ann <ann@example.com>\nTo: team@example.org\n"
	                          "Subject: undated\nMessage-ID: <d2@example.com>\n\nNo date.\n"),
	                 V_ACCEPT);
	archived(fx, "<d2@example.com>", &a);
	assert_true(a.date >= now - 5 && a.date <= time(NULL) + 5);
	assert_non_null(strstr(a.datestr, " -0000"));
	article_clear(&a);
}

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

static const char *hdr(GMimeMessage *msg, const char *name)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), name);

	return v ? v : "(none)";
}

/* The headers ArchRunner writes, on the parsed post itself. */
static void test_archdate_headers(void **state)
{
	struct msgctx *m;
	struct list *l = NULL;
	GMimeMessage *msg;
	time_t rcvd = 1549280096; /* Mon, 04 Feb 2019 11:34:56 */

	(void)state;
	assert_int_equal(msgctx_new(&m), LM_OK);
	assert_int_equal(msgctx_add_header(m, "Message-ID", " <h1@example.com>"), LM_OK);
	assert_int_equal(lists_get(m->rt->env, "team", &l), LM_OK);
	msg = parse("From: a@example.com\nDate: Thu, 01 Apr 1999 10:00:00 +0000\n\nx\n");
	assert_int_equal(archdate_apply(m, l, msg, &rcvd), LM_OK);
	assert_int_equal(rcvd, 1549280096);
	assert_string_equal(hdr(msg, "Date"), "Mon, 04 Feb 2019 11:34:56 -0000");
	assert_string_equal(hdr(msg, "X-Original-Date"), "Thu, 01 Apr 1999 10:00:00 +0000");
	assert_string_equal(hdr(msg, "X-List-Received-Date"), "Mon, 04 Feb 2019 11:34:56 -0000");
	g_object_unref(msg);
	/* within 15 days: Date kept, only X-List-Received-Date added */
	msg = parse("From: a@example.com\nDate: Sat, 02 Feb 2019 10:00:00 +0000\n\nx\n");
	assert_int_equal(archdate_apply(m, l, msg, &rcvd), LM_OK);
	assert_string_equal(hdr(msg, "Date"), "Sat, 02 Feb 2019 10:00:00 +0000");
	assert_string_equal(hdr(msg, "X-Original-Date"), "(none)");
	assert_string_equal(hdr(msg, "X-List-Received-Date"), "Mon, 04 Feb 2019 11:34:56 -0000");
	g_object_unref(msg);
	/* a retry a minute later, no Date: the first arrival time is remembered */
	rcvd += 60;
	msg = parse("From: a@example.com\n\nx\n");
	assert_int_equal(archdate_apply(m, l, msg, &rcvd), LM_OK);
	assert_int_equal(rcvd, 1549280096);
	assert_string_equal(hdr(msg, "Date"), "Mon, 04 Feb 2019 11:34:56 -0000");
	assert_string_equal(hdr(msg, "X-Original-Date"), "(none)");
	g_object_unref(msg);
	list_free(l);
	msgctx_free(m);
}

/* Files below dir (recursively, lock files aside); *dups counts names with Mailman's "-0001" style
 * suffix. */
static size_t count_files(const char *dir, size_t *dups)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *p;
		struct stat st;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".lock") != NULL)
			continue;
		p = testutil_path(dir, de->d_name);
		assert_int_equal(stat(p, &st), 0);
		if (S_ISDIR(st.st_mode))
			n += count_files(p, dups);
		else
			n++, *dups += strstr(de->d_name, "-0001") != NULL;
		free(p);
	}
	closedir(d);
	return n;
}

/* A post without Message-ID, tried twice by the MTA (its Received line differs): the same
 * generated Message-ID, the same <hash8> directory, no second file, one article. */
static void test_generated_msgid_retry(void **state)
{
	struct pipelinefx *fx = *state;
	char text[2048], date[64], *att, id1[128] = "";
	const char *p;
	size_t articles, periods, dups = 0;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	for (int i = 0; i < 2; i++) {
		snprintf(text, sizeof(text),
		         "Received: from x by y id %s; Mon, 4 Feb 2019 11:3%d:56 +0000\n"
		         "From: Ann <ann@example.com>\nTo: team@example.org\nSubject: file\n"
		         "Date: %s\nMIME-Version: 1.0\n"
		         "Content-Type: multipart/mixed; boundary=\"XX\"\n\n"
		         "--XX\nContent-Type: text/plain\n\nSee attached.\n"
		         "--XX\nContent-Type: application/octet-stream; name=\"d.bin\"\n"
		         "Content-Transfer-Encoding: base64\n\nU0VDUkVUU0VDUkVUU0VDUkVU\n"
		         "--XX--\n",
		         i ? "BBB" : "AAA", i, date);
		assert_int_equal(post(fx, text), V_ACCEPT);
		p = log_has(fx, "addheader Message-ID <mailman.");
		if (i == 0)
			snprintf(id1, sizeof(id1), "%.*s", (int)strcspn(p, "\n"), p);
		else
			assert_int_equal(strncmp(p, id1, strlen(id1)), 0);
	}
	assert_non_null(strstr(id1, ".team@example.org>"));
	att = testutil_path(fx->dir, "archives/team/attachments");
	assert_int_equal(count_files(att, &dups), 1);
	assert_int_equal(dups, 0);
	free(att);
	assert_int_equal(archive_count(fx->env, "team", &articles, &periods), LM_OK);
	assert_int_equal(articles, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_wrap_without_footer, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_munge_member_name, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_post_id, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_archived_dates, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_archdate_headers, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_generated_msgid_retry, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
