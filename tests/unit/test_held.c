/*
 * test_held.c: moderator decisions end to end short of a real MTA: a fake SendmailCommand
 * records what would be handed over. Approve re-injects the exact post with an approval token
 * the milter accepts once; reject tells the poster; discard; confirm tokens; expiry; and the
 * listctl commands held/approve/reject/discard/member on the same store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "dbenv.h"
#include "held.h"
#include "holdq.h"
#include "lists.h"
#include "lmerr.h"
#include "testutil.h"
#include "token.h"

struct fixture {
	char *dir, *sendmail, *argvp, *stdinp;
	struct dbenv *env;
	struct token_key key;
	struct list *l;
	struct held_ctx c;
};

static const char post[] = "From: Stranger <stranger@example.com>\r\nTo: test@lists.example.org"
                           "\r\nSubject: Hello\r\n\r\nBody \x01\xff bytes\r\n";

static void write_fake(struct fixture *fx, int status)
{
	char script[1024];

	snprintf(script, sizeof(script),
	         "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done >> %s\n"
	         "cat >> %s\nexit %d\n",
	         fx->argvp, fx->stdinp, status);
	unlink(fx->sendmail);
	testutil_write(fx->sendmail, script, strlen(script));
	chmod(fx->sendmail, 0755);
	unlink(fx->argvp);
	unlink(fx->stdinp);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *kv[] = {"owner=boss@example.org", "moderator=mod@example.org", "real_name=Test",
	                    "max_days_to_hold=2"};
	char *db, *secret;

	assert_non_null(fx);
	fx->dir = testutil_tmpdir("held");
	db = testutil_path(fx->dir, "data/db");
	secret = testutil_path(fx->dir, "data/secret");
	fx->sendmail = testutil_path(fx->dir, "sendmail");
	fx->argvp = testutil_path(fx->dir, "argv");
	fx->stdinp = testutil_path(fx->dir, "stdin");
	write_fake(fx, 0);
	assert_int_equal(dbenv_open(db, (size_t)1 << 28, 0, &fx->env), LM_OK);
	assert_int_equal(token_secret_load(secret, true, &fx->key), LM_OK);
	assert_int_equal(lists_create(fx->env, "test@lists.example.org", kv, 4, NULL), LM_OK);
	assert_int_equal(lists_get(fx->env, "test", &fx->l), LM_OK);
	fx->c = (struct held_ctx){.env = fx->env,
	                          .sendmail_command = fx->sendmail,
	                          .key = &fx->key,
	                          .now = (int64_t)time(NULL)};
	free(db);
	free(secret);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	list_free(fx->l);
	dbenv_close(fx->env);
	testutil_rmtree(fx->dir);
	free(fx->dir), free(fx->sendmail), free(fx->argvp), free(fx->stdinp);
	free(fx);
	return 0;
}

static uint32_t hold(struct fixture *fx, int64_t when)
{
	struct holdq_entry e = {.received = when,
	                        .env_sender = "bounce@example.com",
	                        .recipients = "test@lists.example.org",
	                        .poster = "stranger@example.com",
	                        .subject = "Hello",
	                        .reason = "Post by non-member to a members-only list",
	                        .msg = (char *)post,
	                        .msg_len = sizeof(post) - 1};
	uint32_t id;

	assert_int_equal(holdq_add(fx->env, "test", &e, &id), LM_OK);
	return id;
}

static char *captured(const char *path)
{
	char *s = testutil_read(path, NULL);

	assert_non_null(s);
	return s;
}

/* What the milter does at eom with the header value: use the token once. */
static int milter_use(struct fixture *fx, const char *in)
{
	const char *h = strstr(in, HELD_APPROVED_HEADER ": ");
	char tok[TOKEN_LEN + 1];
	uint32_t id;

	assert_non_null(h);
	memcpy(tok, h + strlen(HELD_APPROVED_HEADER) + 2, TOKEN_LEN);
	tok[TOKEN_LEN] = '\0';
	return token_use(fx->env, &fx->key, TOKEN_APPROVE, "test", tok, fx->c.now, &id);
}

static void test_approve(void **state)
{
	struct fixture *fx = *state;
	uint32_t id = hold(fx, fx->c.now - 10);
	struct holdq_entry e;
	char *argv, *in;

	assert_int_equal(held_approve(&fx->c, fx->l, id), LM_OK);
	argv = captured(fx->argvp);
	in = captured(fx->stdinp);
	assert_string_equal(argv, "-oi\n-f\nbounce@example.com\n--\ntest@lists.example.org\n");
	/* our header on top, in the post's own CRLF, then the post byte for byte */
	assert_int_equal(strncmp(in, "X-Listmilter-Approved: ", 23), 0);
	assert_memory_equal(in + 23 + TOKEN_LEN, "\r\n", 2);
	assert_memory_equal(in + 25 + TOKEN_LEN, post, sizeof(post) - 1);
	assert_int_equal(strlen(in), 25 + TOKEN_LEN + sizeof(post) - 1);
	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_ENOENT);
	/* the milter accepts it once; a second copy is recognised */
	assert_int_equal(milter_use(fx, in), LM_OK);
	assert_int_equal(milter_use(fx, in), LM_EEXIST);
	free(argv), free(in);
	assert_int_equal(held_approve(&fx->c, fx->l, id), LM_ENOENT);
}

static void test_approve_fails_keeps(void **state)
{
	struct fixture *fx = *state;
	uint32_t id = hold(fx, fx->c.now);
	struct holdq_entry e;
	char *first, *second;

	write_fake(fx, 75);
	assert_int_equal(held_approve(&fx->c, fx->l, id), LM_ETEMP);
	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_OK);
	holdq_entry_clear(&e);
	first = captured(fx->stdinp);
	write_fake(fx, 0);
	assert_int_equal(held_approve(&fx->c, fx->l, id), LM_OK);
	second = captured(fx->stdinp);
	/* a retried approval carries the same token: at most one copy gets through */
	assert_string_equal(first, second);
	assert_int_equal(milter_use(fx, second), LM_OK);
	assert_int_equal(milter_use(fx, first), LM_EEXIST);
	free(first), free(second);
}

static void test_reject_discard(void **state)
{
	struct fixture *fx = *state;
	uint32_t a = hold(fx, fx->c.now), b = hold(fx, fx->c.now);
	struct holdq_entry e;
	char *argv, *in;

	assert_int_equal(held_reject(&fx->c, fx->l, a, "Off topic here."), LM_OK);
	argv = captured(fx->argvp);
	in = captured(fx->stdinp);
	assert_string_equal(argv,
	                    "-oi\n-f\ntest-bounces@lists.example.org\n--\nstranger@example.com\n");
	assert_non_null(strstr(in, "\nSubject: Request to mailing list Test rejected\n"));
	assert_non_null(strstr(in, "\n\"Off topic here.\"\n"));
	assert_non_null(strstr(in, "Posting of your message titled \"Hello\""));
	free(argv), free(in);
	assert_int_equal(holdq_get(fx->env, "test", a, &e), LM_ENOENT);
	unlink(fx->stdinp);
	assert_int_equal(held_discard(&fx->c, fx->l, b), LM_OK);
	assert_null(testutil_read(fx->stdinp, NULL)); /* nothing sent */
	assert_int_equal(held_discard(&fx->c, fx->l, b), LM_ENOENT);
	/* a refusal that cannot be sent keeps the post */
	a = hold(fx, fx->c.now);
	write_fake(fx, 1);
	assert_int_equal(held_reject(&fx->c, fx->l, a, NULL), LM_EIO);
	assert_int_equal(holdq_get(fx->env, "test", a, &e), LM_OK);
	holdq_entry_clear(&e);
}

static void test_notify_and_confirm(void **state)
{
	struct fixture *fx = *state;
	uint32_t id = hold(fx, fx->c.now), got;
	struct holdq_entry e;
	char *in, *p, tok[TOKEN_LEN + 1];

	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_OK);
	assert_int_equal(held_notify(&fx->c, fx->l, &e, id, true), LM_OK);
	holdq_entry_clear(&e);
	in = captured(fx->stdinp);
	assert_non_null(strstr(in, "Subject: Your message to Test awaits moderator approval\n"));
	assert_non_null(
	        strstr(in, "Subject: Test post from stranger@example.com requires approval"));
	assert_non_null(p = strstr(in, "Subject: confirm "));
	memcpy(tok, p + 17, TOKEN_LEN);
	tok[TOKEN_LEN] = '\0';
	free(in);
	/* another list's name does not fit the token */
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "other", tok, fx->c.now, &got),
	                 LM_EPERM);
	/* the moderator's reply discards it; the same reply again is refused */
	assert_int_equal(held_confirm(&fx->c, fx->l, tok, false, &got), LM_OK);
	assert_int_equal(got, id);
	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_ENOENT);
	assert_int_equal(held_confirm(&fx->c, fx->l, tok, true, &got), LM_EEXIST);
	/* approve by token re-injects */
	id = hold(fx, fx->c.now);
	assert_int_equal(token_make(&fx->key, TOKEN_CONFIRM, "test", id, fx->c.now + 60, tok),
	                 LM_OK);
	unlink(fx->stdinp);
	assert_int_equal(held_confirm(&fx->c, fx->l, tok, true, &got), LM_OK);
	in = captured(fx->stdinp);
	assert_int_equal(strncmp(in, "X-Listmilter-Approved: ", 23), 0);
	free(in);
	/* an expired token is refused and the post stays */
	id = hold(fx, fx->c.now);
	assert_int_equal(token_make(&fx->key, TOKEN_CONFIRM, "test", id, fx->c.now - 1, tok),
	                 LM_OK);
	assert_int_equal(held_confirm(&fx->c, fx->l, tok, false, &got), LM_ENOENT);
	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_OK);
	holdq_entry_clear(&e);
	/* bulk mail and SPF failures get no poster notice; the moderators still hear of it */
	{
		static const char bulk[] =
		        "From: x@example.com\r\nPrecedence: Bulk \r\n\r\nbody\r\n";
		static const char acked[] = "Precedence: list\nX-Ack: yes\n\nbody\n";
		struct holdq_entry b = {.poster = "x@example.com",
		                        .subject = "s",
		                        .reason = "r",
		                        .msg = (char *)bulk,
		                        .msg_len = sizeof(bulk) - 1};

		unlink(fx->stdinp);
		assert_int_equal(held_notify(&fx->c, fx->l, &b, 9, true), LM_OK);
		in = captured(fx->stdinp);
		assert_null(strstr(in, "awaits moderator approval"));
		assert_non_null(strstr(in, "requires approval"));
		free(in);
		b.msg = (char *)acked, b.msg_len = sizeof(acked) - 1;
		unlink(fx->stdinp);
		assert_int_equal(held_notify(&fx->c, fx->l, &b, 9, true), LM_OK);
		in = captured(fx->stdinp);
		assert_non_null(strstr(in, "awaits moderator approval"));
		free(in);
		b.reason = "SPF fail";
		unlink(fx->stdinp);
		assert_int_equal(held_notify(&fx->c, fx->l, &b, 9, true), LM_OK);
		in = captured(fx->stdinp);
		assert_null(strstr(in, "awaits moderator approval"));
		free(in);
	}
	/* at most ten poster notices a day to one address */
	{
		struct holdq_entry b = {.poster = "flood@example.com",
		                        .subject = "s",
		                        .reason = "r",
		                        .msg = (char *)post,
		                        .msg_len = sizeof(post) - 1};
		int i, count = 0;

		for (i = 0; i < 12; i++) {
			unlink(fx->stdinp);
			assert_int_equal(held_notify(&fx->c, fx->l, &b, 9, true), LM_OK);
			in = captured(fx->stdinp);
			count += strstr(in, "awaits moderator approval") != NULL;
			free(in);
		}
		assert_int_equal(count, 10);
		fx->c.now += 86400; /* a new day */
		unlink(fx->stdinp);
		assert_int_equal(held_notify(&fx->c, fx->l, &b, 9, true), LM_OK);
		in = captured(fx->stdinp);
		assert_non_null(strstr(in, "awaits moderator approval"));
		free(in);
		fx->c.now -= 86400;
	}
	/* emergency holds send nothing */
	unlink(fx->stdinp);
	assert_int_equal(held_notify(&fx->c, fx->l, &e, id, false), LM_OK);
	assert_null(testutil_read(fx->stdinp, NULL));
}

static void test_expire(void **state)
{
	struct fixture *fx = *state;
	uint32_t old = hold(fx, fx->c.now - 3 * 86400), young = hold(fx, fx->c.now - 3600);
	struct holdq_entry e;
	size_t n;
	char *in;

	assert_int_equal(held_expire(&fx->c, fx->l, &n), LM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(holdq_get(fx->env, "test", old, &e), LM_ENOENT);
	assert_int_equal(holdq_get(fx->env, "test", young, &e), LM_OK);
	holdq_entry_clear(&e);
	in = captured(fx->stdinp);
	assert_non_null(strstr(in, "\"Your message was not reviewed by the list moderator within 2 "
	                           "days and has been discarded.\""));
	free(in);
}

static void test_mail_confirm(void **state)
{
	struct fixture *fx = *state;
	const char *kv[] = {"moderator_password=pw123"};
	uint32_t id = hold(fx, fx->c.now), id2 = hold(fx, fx->c.now), got;
	char tok[TOKEN_LEN + 1], tok2[TOKEN_LEN + 1], subj[128], body[256], *in;
	struct held_reply_in r = {.from = "Mod@Example.org"};
	struct holdq_entry e;
	enum held_reply out;

	assert_int_equal(lists_set(fx->env, "test", kv, 1, NULL), LM_OK);
	list_free(fx->l);
	assert_int_equal(lists_get(fx->env, "test", &fx->l), LM_OK);
	assert_int_equal(token_make(&fx->key, TOKEN_CONFIRM, "test", id, fx->c.now + 99, tok), 0);
	assert_int_equal(token_make(&fx->key, TOKEN_CONFIRM, "test", id2, fx->c.now + 99, tok2), 0);
	/* no token: not a confirmation at all */
	r.subject = "Re: hello";
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_NONE);
	/* a stranger cannot act */
	snprintf(subj, sizeof(subj), "Re: confirm %s", tok);
	r.subject = subj;
	r.from = "stranger@example.com";
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_NOT_MODERATOR);
	/* a wrong password leaves it held */
	r.from = "boss@example.org";
	r.approved = "wrong";
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_BAD_PASSWORD);
	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_OK);
	holdq_entry_clear(&e);
	/* the password in the first body line approves */
	r.approved = NULL;
	r.body = "\n  \nApproved: pw123\n> quoted\n";
	r.body_len = strlen(r.body);
	unlink(fx->stdinp);
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_APPROVED);
	assert_int_equal(got, id);
	in = captured(fx->stdinp);
	assert_int_equal(milter_use(fx, in), LM_OK);
	free(in);
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_USED);
	/* no password: discard; the token may be in the body instead of the Subject */
	r.subject = "Re: your notice";
	snprintf(body, sizeof(body), "Please drop it.\nconfirm %s\n", tok2);
	r.body = body;
	r.body_len = strlen(body);
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_DISCARDED);
	assert_int_equal(holdq_get(fx->env, "test", id2, &e), LM_ENOENT);
	/* a tampered token */
	tok2[10] = tok2[10] == 'a' ? 'b' : 'a';
	snprintf(subj, sizeof(subj), "confirm %s", tok2);
	r.subject = subj;
	assert_int_equal(held_mail_confirm(&fx->c, fx->l, &r, &out, &got), LM_OK);
	assert_int_equal(out, HELD_REPLY_BAD_TOKEN);
	assert_string_equal(held_reply_name(HELD_REPLY_BAD_TOKEN), "bad token");
}

static void test_auto_discard(void **state)
{
	struct fixture *fx = *state;
	const char *off[] = {"forward_auto_discards=no"};
	struct holdq_entry e = {.poster = "x@example.com",
	                        .reason = "Post to moderated list",
	                        .msg = (char *)post,
	                        .msg_len = sizeof(post) - 1};
	char *argv, *in;

	assert_int_equal(held_auto_discard(&fx->c, fx->l, &e), LM_OK);
	argv = captured(fx->argvp);
	in = captured(fx->stdinp);
	assert_string_equal(argv, "-oi\n-f\ntest-bounces@lists.example.org\n--\n"
	                          "boss@example.org\nmod@example.org\n");
	assert_non_null(strstr(in, "\nSubject: Auto-discard notification\n"));
	free(argv), free(in);
	unlink(fx->stdinp);
	assert_int_equal(lists_set(fx->env, "test", off, 1, NULL), LM_OK);
	list_free(fx->l);
	assert_int_equal(lists_get(fx->env, "test", &fx->l), LM_OK);
	assert_int_equal(held_auto_discard(&fx->c, fx->l, &e), LM_OK);
	assert_null(testutil_read(fx->stdinp, NULL));
}

/* The milter's calls: hold from the spool descriptor, then the notices after the answer. */
static void test_store_fd_after(void **state)
{
	struct fixture *fx = *state;
	char *spool = testutil_path(fx->dir, "spool"), *in;
	const char *rcpts[] = {"test@lists.example.org"};
	struct policy_decision d = {.action = POLICY_HOLD,
	                            .notify = true,
	                            .poster = "stranger@example.com",
	                            .reason = "Post by non-member to a members-only list"};
	struct holdq_entry e;
	uint32_t id;
	FILE *fp;

	testutil_write(spool, post, sizeof(post) - 1);
	fp = fopen(spool, "r");
	assert_non_null(fp);
	assert_int_equal(held_store_fd(fx->env, fx->l, &d, "Hello", "bounce@example.com", rcpts, 1,
	                               fileno(fp), sizeof(post) - 1, &id),
	                 LM_OK);
	assert_int_equal(holdq_get(fx->env, "test", id, &e), LM_OK);
	assert_memory_equal(e.msg, post, sizeof(post) - 1);
	assert_string_equal(e.recipients, "test@lists.example.org");
	assert_string_equal(e.reason, "Post by non-member to a members-only list");
	holdq_entry_clear(&e);
	held_after(&fx->c, fx->l, &d, id, "Hello", fileno(fp), sizeof(post) - 1);
	in = captured(fx->stdinp);
	assert_non_null(strstr(in, "Subject: Your message to Test awaits moderator approval"));
	assert_non_null(
	        strstr(in, "Subject: Test post from stranger@example.com requires approval"));
	free(in);
	/* an emergency hold: nothing is sent */
	unlink(fx->stdinp);
	d.notify = false;
	held_after(&fx->c, fx->l, &d, id, "Hello", fileno(fp), sizeof(post) - 1);
	assert_null(testutil_read(fx->stdinp, NULL));
	/* a discard: the owners get the post */
	d.action = POLICY_DISCARD;
	held_after(&fx->c, fx->l, &d, 0, "Hello", fileno(fp), sizeof(post) - 1);
	in = captured(fx->stdinp);
	assert_non_null(strstr(in, "Subject: Auto-discard notification"));
	assert_non_null(strstr(in, "Body \x01\xff bytes"));
	free(in);
	fclose(fp);
	free(spool);
}

/* listctl on the same data directory. */
static int run_listctl(struct fixture *fx, const char *args, char **out)
{
	char cmd[2048], *conf = testutil_path(fx->dir, "ctl.conf"), *outp;
	char text[1024];
	int st;

	snprintf(text, sizeof(text), "DataDir %s/data\nSyslog no\nSendmailCommand %s\n", fx->dir,
	         fx->sendmail);
	testutil_write(conf, text, strlen(text));
	outp = testutil_path(fx->dir, "out");
	snprintf(cmd, sizeof(cmd), "%s/listctl/listctl -c %s %s > %s 2>&1", getenv("LM_BUILD_DIR"),
	         conf, args, outp);
	st = system(cmd);
	*out = testutil_read(outp, NULL);
	free(conf), free(outp);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_listctl(void **state)
{
	struct fixture *fx = *state;
	uint32_t a = hold(fx, fx->c.now - 90000), b = hold(fx, fx->c.now), c = hold(fx, fx->c.now);
	uint32_t old = hold(fx, fx->c.now - 4 * 86400);
	struct holdq_entry hostile = {.received = fx->c.now,
	                              .env_sender = "",
	                              .poster = "",
	                              .subject = "Caf\xc3\xa9 \x1b[2J\tok\xff\xc2\x85!",
	                              .reason = "r",
	                              .msg = "x",
	                              .msg_len = 1};
	uint32_t h;
	char args[256], *out, *in, *f = testutil_path(fx->dir, "addrs");
	struct holdq_entry e;

	if (getenv("LM_BUILD_DIR") == NULL)
		skip();
	assert_int_equal(holdq_add(fx->env, "test", &hostile, &h), LM_OK);
	/* the environment is shared with this process: close ours while listctl runs */
	list_free(fx->l), fx->l = NULL;
	dbenv_close(fx->env), fx->env = NULL;
	assert_int_equal(run_listctl(fx, "held test", &out), 0);
	/* UTF-8 kept; escape, tab, a broken byte and each byte of a C1 control shown as '?' */
	snprintf(args, sizeof(args),
	         "%u\t<>\tCaf\xc3\xa9 ?[2J?ok?"
	         "?"
	         "?!\tr\t0m",
	         h);
	assert_non_null(strstr(out, args));
	free(out);
	snprintf(args, sizeof(args), "discard test %u", h);
	assert_int_equal(run_listctl(fx, args, &out), 0);
	free(out);
	assert_int_equal(run_listctl(fx, "held test", &out), 0);
	snprintf(args, sizeof(args),
	         "%u\tstranger@example.com\tHello\tPost by non-member to a members-only "
	         "list\t1d01h\n",
	         a);
	assert_non_null(strstr(out, args));
	assert_int_equal(strncmp(out, args, strlen(args)), 0);
	free(out);
	/* one post as received */
	snprintf(args, sizeof(args), "held test %u", a);
	assert_int_equal(run_listctl(fx, args, &out), 0);
	assert_string_equal(out, post);
	free(out);
	assert_int_equal(run_listctl(fx, "held test 999", &out), 65);
	free(out);
	snprintf(args, sizeof(args), "approve test %u", a);
	assert_int_equal(run_listctl(fx, args, &out), 0);
	free(out);
	in = captured(fx->stdinp);
	assert_int_equal(strncmp(in, "X-Listmilter-Approved: ", 23), 0);
	free(in);
	snprintf(args, sizeof(args), "reject test %u Please write in English.", b);
	assert_int_equal(run_listctl(fx, args, &out), 0);
	free(out);
	in = captured(fx->stdinp);
	assert_non_null(strstr(in, "\"Please write in English.\""));
	free(in);
	snprintf(args, sizeof(args), "discard test %u", c);
	assert_int_equal(run_listctl(fx, args, &out), 0);
	free(out);
	assert_int_equal(run_listctl(fx, args, &out), 65);
	assert_non_null(strstr(out, "no such held post"));
	free(out);
	/* the cron job: max_days_to_hold is 2, so only the four-day-old post goes */
	assert_int_equal(run_listctl(fx, "expire-held", &out), 0);
	assert_non_null(strstr(out, "test: 1 expired\n"));
	free(out);
	in = captured(fx->stdinp);
	assert_non_null(strstr(in, "within 2 days and has been discarded"));
	free(in);
	assert_int_equal(run_listctl(fx, "held test", &out), 0);
	assert_string_equal(out, "");
	free(out);
	(void)old;
	assert_int_equal(run_listctl(fx, "approve test x", &out), 64);
	free(out);
	assert_int_equal(run_listctl(fx, "held nosuch", &out), 65);
	free(out);
	/* members: arguments, a file and standard input */
	testutil_write(f, "# team\nbob@example.org\n\n Carol <carol@example.org>\n", 51);
	snprintf(args, sizeof(args), "member add test alice@example.org -f %s - < %s", f, f);
	assert_int_equal(run_listctl(fx, args, &out), 0);
	assert_string_equal(out, "3 added, 2 already members\n");
	free(out);
	assert_int_equal(run_listctl(fx, "member set test bob@example.org moderate=yes", &out), 0);
	free(out);
	/* the short form of set, as the milter branch's listctl has it */
	assert_int_equal(run_listctl(fx, "member test carol@example.org nomail=yes", &out), 0);
	free(out);
	assert_int_equal(run_listctl(fx, "member remove test alice@example.org", &out), 0);
	free(out);
	assert_int_equal(run_listctl(fx, "member list test", &out), 0);
	assert_string_equal(out, "bob@example.org\tmoderate=yes\tnomail=no\t\n"
	                         "carol@example.org\tmoderate=no\tnomail=yes\tCarol\n");
	free(out);
	assert_int_equal(run_listctl(fx, "member frob test", &out), 64);
	free(out);
	assert_int_equal(run_listctl(fx, "member remove test nobody@example.org", &out), 65);
	free(out);
	free(f);
	(void)e;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_approve, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_approve_fails_keeps, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reject_discard, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_notify_and_confirm, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mail_confirm, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_auto_discard, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_store_fd_after, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_listctl, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
