/*
 * test_pipeline.c: the milter's message pipeline without an MTA: recipients of a list and of
 * other mail are kept apart (452 4.5.3), member posts fan out (chgfrom, delrcpt, addrcpt with
 * nomail members left out), non-member actions, X-BeenThere loops, size limits, the spool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbenv.h"
#include "holdq.h"
#include "token.h"
#include "lists.h"
#include "lmerr.h"
#include "milter.h"
#include "scrub.h"
#include "pipelinefx.h"
#include "testutil.h"

static void make_lists(struct dbenv *env)
{
	const char *kv[] = {"archive=no"};
	const char *members[] = {"ann@example.com", "bob@example.net", "carl@example.org"};
	const char *nomail[] = {"nomail=yes"};

	assert_int_equal(lists_create(env, "team@example.org", kv, 1, NULL), LM_OK);
	assert_int_equal(lists_create(env, "other@example.org", kv, 1, NULL), LM_OK);
	assert_int_equal(members_add(env, "team", members, 3, NULL, NULL), LM_OK);
	assert_int_equal(members_set(env, "team", "carl@example.org", nomail, 1, NULL), LM_OK);
}

static int setup(void **state)
{
	*state = pipelinefx_new("pipeline", 4096, make_lists);
	return 0;
}

static int teardown(void **state)
{
	pipelinefx_free(*state);
	return 0;
}

static struct msgctx *new_msg(const char *from)
{
	struct msgctx *m;

	assert_int_equal(msgctx_new(&m), LM_OK);
	m->envfrom = strdup(from);
	msgctx_set_qid(m, "TESTQID");
	return m;
}

/* Feed an RFC 5322 text the way libmilter does: headers one by one, then the body. */
static enum verdict feed(struct msgctx *m, struct pipelinefx *fx, const char *text)
{
	const char *p = text, *eol, *colon;
	enum verdict v = V_CONTINUE;

	while (v == V_CONTINUE && *p && strncmp(p, "\n", 1) != 0) {
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
	if (v == V_CONTINUE)
		v = pipeline_eoh(m, &fx->mta);
	if (v == V_CONTINUE && *p)
		v = pipeline_body(m, p + 1, strlen(p + 1), &fx->mta);
	return v;
}

static const char *post = "From: Ann <ann@example.com>\n"
                          "To: team@example.org\n"
                          "Subject: hello\n"
                          "Message-ID: <p1@example.com>\n"
                          "\n"
                          "Hello list.\n";

static bool has(struct pipelinefx *fx, const char *line)
{
	return strstr(buf_cstr(&fx->log), line) != NULL;
}

static void test_rcpt_groups(void **state)
{
	struct pipelinefx *fx = *state;
	struct msgctx *m = new_msg("<ann@example.com>");

	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_rcpt(m, "<TEAM@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_rcpt(m, "<someone@example.net>", &fx->mta), V_TEMPFAIL);
	assert_true(has(fx, "setreply 452 4.5.3"));
	assert_int_equal(pipeline_rcpt(m, "<other@example.org>", &fx->mta), V_TEMPFAIL);
	assert_int_equal(m->nrcpts, 2);
	assert_string_equal(m->list, "team");
	msgctx_free(m);

	m = new_msg("<ann@example.com>");
	assert_int_equal(pipeline_rcpt(m, "<someone@example.net>", &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_rcpt(m, "<x@example.net>", &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_TEMPFAIL);
	assert_null(m->list);
	/* not list traffic: the milter lets go at the first header */
	assert_int_equal(feed(m, fx, post), V_ACCEPT);
	msgctx_free(m);
	assert_int_equal(msgctx_active(), 0);
}

static void test_member_post_fans_out(void **state)
{
	struct pipelinefx *fx = *state;
	struct msgctx *m = new_msg("<ann@example.com>");
	const char *log;

	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, post), V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_ACCEPT);
	msgctx_free(m);
	log = buf_cstr(&fx->log);
	assert_non_null(strstr(log, "chgfrom <team-bounces@example.org>\n"));
	assert_non_null(strstr(log, "delrcpt <team@example.org>\n"));
	assert_non_null(strstr(log, "addrcpt <ann@example.com>\n"));
	assert_non_null(strstr(log, "addrcpt <bob@example.net>\n"));
	assert_null(strstr(log, "carl@example.org")); /* nomail */
}

/* SPF on a list post: the trace header goes on top (index 0) before any other change, and
 * the decision is logged. libspf2 passes a loopback client without DNS (SPFCheckLoopback no). */
static void test_spf_header_on_top(void **state)
{
	struct pipelinefx *fx = *state;
	struct msgctx *m = new_msg("<ann@example.com>");
	const char *log, *ins, *rb;

	strcpy(m->client_addr, "127.0.0.1");
	m->helo = strdup("client.example.com");
	assert_non_null(m->helo);
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, post), V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_ACCEPT);
	msgctx_free(m);
	log = buf_cstr(&fx->log);
	ins = strstr(log, "insheader 0 Received-SPF pass ");
	assert_non_null(ins);
	assert_non_null(strstr(ins, "client-ip=127.0.0.1;"));
	assert_non_null(strstr(ins, "envelope-from=ann@example.com;"));
	rb = strstr(log, "replacebody");
	assert_true(rb == NULL || rb > ins);
	assert_true(strstr(log, "chgfrom") > ins);
}

static int count_held(const struct holdq_entry *e, void *arg)
{
	assert_non_null(strstr(e->msg, "buy now"));
	assert_string_equal(e->reason, "Post by non-member to a members-only list");
	++*(size_t *)arg;
	return 0;
}

static int count_any(const struct holdq_entry *e, void *arg)
{
	(void)e;
	++*(size_t *)arg;
	return 0;
}

static void test_nonmember_actions(void **state)
{
	struct pipelinefx *fx = *state;
	const char *acts[] = {"generic_nonmember_action=2", "generic_nonmember_action=3",
	                      "generic_nonmember_action=1"};
	/* a hold keeps the post in the hold queue and tells the MTA to drop its copy */
	const enum verdict want[] = {V_REJECT, V_DISCARD, V_DISCARD};
	size_t held = 0;
	const char *spam = "From: eve@example.net\nSubject: buy\n\nbuy now\n";
	size_t i;

	for (i = 0; i < 3; i++) {
		struct msgctx *m = new_msg("<eve@example.net>");

		assert_int_equal(lists_set(fx->env, "team", &acts[i], 1, NULL), LM_OK);
		assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
		assert_int_equal(feed(m, fx, spam), V_CONTINUE);
		assert_int_equal(pipeline_eom(m, &fx->mta), want[i]);
		msgctx_free(m);
	}
	assert_true(has(fx, "setreply 550 5.7.1 "));
	assert_int_equal(holdq_foreach(fx->env, "team", count_held, &held), LM_OK);
	assert_int_equal(held, 1);
	assert_false(has(fx, "quarantine"));
	assert_false(has(fx, "addrcpt"));
}

static int held_id(const struct holdq_entry *e, void *arg)
{
	*(uint32_t *)arg = e->id;
	return 0;
}

/* A moderator's "confirm <token>" reply to list-request@ approves a held post. */
static void test_confirm_by_mail(void **state)
{
	struct pipelinefx *fx = *state;
	const char *kv[] = {"generic_nonmember_action=1", "owner=mod@example.org",
	                    "moderator_password=secret"};
	const char *spam = "From: eve@example.net\nTo: team@example.org\nSubject: hi\n\nhello\n";
	struct runtime *rt = runtime_acquire();
	char tok[TOKEN_LEN + 1], reply_text[512];
	uint32_t id = 0;
	size_t held = 0;
	struct msgctx *m = new_msg("<eve@example.net>");

	assert_true(rt->have_key);
	assert_int_equal(lists_set(fx->env, "team", kv, 3, NULL), LM_OK);
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, spam), V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_DISCARD); /* held */
	msgctx_free(m);
	assert_int_equal(holdq_foreach(fx->env, "team", held_id, &id), LM_OK);
	assert_true(id > 0);
	assert_int_equal(token_make(&rt->key, TOKEN_CONFIRM, "team", id, time(NULL) + 3600, tok),
	                 LM_OK);
	runtime_release(rt);

	/* mail to list-request that is no confirmation passes on */
	m = new_msg("<someone@example.net>");
	assert_int_equal(pipeline_rcpt(m, "<team-request@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_TEMPFAIL);
	assert_int_equal(feed(m, fx, "From: someone@example.net\nSubject: help\n\nhelp\n"),
	                 V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_ACCEPT);
	msgctx_free(m);

	snprintf(reply_text, sizeof(reply_text),
	         "From: mod@example.org\nTo: team-request@example.org\nSubject: Re: confirm %s\n"
	         "Approved: secret\n\nok\n",
	         tok);
	m = new_msg("<mod@example.org>");
	assert_int_equal(pipeline_rcpt(m, "<team-request@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, reply_text), V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_DISCARD); /* consumed */
	msgctx_free(m);
	assert_int_equal(holdq_foreach(fx->env, "team", count_any, &held), LM_OK);
	assert_int_equal(held, 0); /* approved: re-injected and no longer held */
}

static void test_loop_is_dropped(void **state)
{
	struct pipelinefx *fx = *state;
	struct msgctx *m = new_msg("<ann@example.com>");
	const char *looped = "X-BeenThere: team@example.org\nFrom: ann@example.com\n\nagain\n";

	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, looped), V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_DISCARD);
	msgctx_free(m);
	assert_false(has(fx, "addrcpt"));
	assert_false(has(fx, "chgfrom"));
}

static void test_size_limits(void **state)
{
	struct pipelinefx *fx = *state;
	const char *kv[] = {"max_message_size=1"}; /* KB */
	struct msgctx *m = new_msg("<ann@example.com>");
	char *big = malloc(300000);

	/* the site limit stops the body at once */
	memset(big, 'a', 299999);
	big[299999] = '\0';
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_eoh(m, &fx->mta), V_CONTINUE);
	assert_int_equal(pipeline_body(m, big, 299999, &fx->mta), V_REJECT);
	assert_true(has(fx, "setreply 552 5.3.4"));
	msgctx_free(m);
	/* the list's max_message_size: held for the moderators, as Mailman does */
	assert_int_equal(lists_set(fx->env, "team", kv, 1, NULL), LM_OK);
	m = new_msg("<ann@example.com>");
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, post), V_CONTINUE);
	assert_int_equal(pipeline_body(m, big, 5000, &fx->mta), V_CONTINUE);
	assert_true(spool_spilled(&m->spool)); /* past BodyMemoryLimit 4096 */
	assert_int_equal(pipeline_eom(m, &fx->mta), V_DISCARD);
	msgctx_free(m);
	free(big);
	assert_false(has(fx, "addrcpt"));
}

/* scrub_nondigest: members get the scrubbed post (notice instead of the attachment). */
static void test_scrub_nondigest(void **state)
{
	struct pipelinefx *fx = *state;
	const char *kv[] = {"scrub_nondigest=yes"};
	const char *att = "From: Ann <ann@example.com>\n"
	                  "To: team@example.org\n"
	                  "Subject: file\n"
	                  "Message-ID: <att1@example.com>\n"
	                  "MIME-Version: 1.0\n"
	                  "Content-Type: multipart/mixed; boundary=\"XX\"\n"
	                  "\n"
	                  "--XX\nContent-Type: text/plain\n\nSee attached.\n"
	                  "--XX\nContent-Type: application/octet-stream; name=\"d.bin\"\n"
	                  "Content-Transfer-Encoding: base64\n\nU0VDUkVUU0VDUkVUU0VDUkVU\n"
	                  "--XX--\n";
	struct msgctx *m = new_msg("<ann@example.com>");
	const char *log, *body;

	assert_int_equal(lists_set(fx->env, "team", kv, 1, NULL), LM_OK);
	assert_int_equal(pipeline_rcpt(m, "<team@example.org>", &fx->mta), V_CONTINUE);
	assert_int_equal(feed(m, fx, att), V_CONTINUE);
	assert_int_equal(pipeline_eom(m, &fx->mta), V_ACCEPT);
	msgctx_free(m);
	log = buf_cstr(&fx->log);
	body = strstr(log, "replacebody ");
	assert_non_null(body);
	assert_non_null(strstr(body, "See attached."));
	assert_non_null(strstr(body, "A non-text attachment was scrubbed"));
	assert_null(strstr(body, "U0VDUkVU")); /* the attachment's bytes are gone */
	assert_non_null(strstr(log, "addrcpt <bob@example.net>"));
}

static void test_body_must_be_contiguous(void **state)
{
	struct pipelinefx *fx = *state;

	assert_int_equal(mta_replacebody(&fx->mta, "a", 1), LM_OK);
	assert_int_equal(mta_replacebody(&fx->mta, "b", 1), LM_OK);
	assert_int_equal(mta_addheader(&fx->mta, "X-A", "1"), LM_OK);
	assert_int_equal(mta_replacebody(&fx->mta, "c", 1), LM_EINVAL);
	assert_int_equal(mta_setreply(&fx->mta, "550", "5.7.1", "100% bad\r\nline"), LM_OK);
	assert_true(has(fx, "setreply 550 5.7.1 100%% bad  line"));
}

static void test_spool_roundtrip(void **state)
{
	struct pipelinefx *fx = *state;
	struct spool sp;
	char got[64];
	int fd;

	assert_int_equal(spool_init(&sp, 8, fx->dir), LM_OK);
	assert_int_equal(spool_write(&sp, "0123", 4), LM_OK);
	assert_false(spool_spilled(&sp));
	assert_int_equal(spool_write(&sp, "456789ab", 8), LM_OK);
	assert_true(spool_spilled(&sp));
	assert_int_equal(spool_fd(&sp, &fd), LM_OK);
	assert_int_equal(read(fd, got, sizeof(got)), 12);
	assert_memory_equal(got, "0123456789ab", 12);
	spool_free(&sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_rcpt_groups, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_member_post_fans_out, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spf_header_on_top, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_nonmember_actions, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_confirm_by_mail, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_loop_is_dropped, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_size_limits, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_scrub_nondigest, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_body_must_be_contiguous, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spool_roundtrip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
