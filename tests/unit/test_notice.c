/*
 * test_notice.c: Mailman's notices composed exactly (subjects, texts, MIME structure, envelope)
 * and handed to a fake SendmailCommand that records its argv and standard input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lmerr.h"
#include "notice.h"
#include "sendmail.h"
#include "testutil.h"

static const struct notice_list tl = {
        .name = "test",
        .domain = "lists.example.org",
        .real_name = "Test",
        .owner = "boss@example.org, deputy@example.org",
        .moderator = "mod@example.org,boss@example.org",
};

static const struct notice_meta tm = {
        .now = 1700000000,
        .message_id = "<n1@lists.example.org>",
        .boundary = 0x0123456789abcdefULL,
};

static struct holdq_entry held(void)
{
	static char post[] = "From: Stranger <stranger@example.com>\nSubject: Buy now\n\nHello\n";

	return (struct holdq_entry){.env_sender = "bounce@example.com",
	                            .poster = "stranger@example.com",
	                            .subject = "Buy now",
	                            .reason = "Post by non-member to a members-only list",
	                            .msg = post,
	                            .msg_len = sizeof(post) - 1};
}

#define HDRS(from, to, subj)                                                                       \
	"From: " from "\nTo: " to "\nSubject: " subj "\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n"   \
	"Message-ID: <n1@lists.example.org>\nMIME-Version: 1.0\nPrecedence: bulk\n"                \
	"Auto-Submitted: auto-generated\nX-List-Administrivia: yes\n"
#define TEXT7 "Content-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: 7bit\n"
#define BND   "===============0123456789abcdef=="

static void test_held_poster(void **state)
{
	struct holdq_entry e = held();
	struct notice n;

	(void)state;
	assert_int_equal(notice_held_poster(&tl, &e, &tm, &n), LM_OK);
	assert_string_equal(
	        n.msg.data, HDRS("test-owner@lists.example.org", "stranger@example.com",
	                         "Your message to Test awaits moderator approval") TEXT7
	        "\nYour mail to 'Test' with the subject\n\n    Buy now\n\n"
	        "Is being held until the list moderator can review it for approval.\n\n"
	        "The reason it is being held:\n\n    Post by non-member to a members-only list\n\n"
	        "Either the message will get posted to the list, or you will receive\n"
	        "notification of the moderator's decision.\n");
	assert_string_equal(n.env_from, "test-bounces@lists.example.org");
	assert_int_equal(n.nrcpts, 1);
	assert_string_equal(n.rcpts[0], "stranger@example.com");
	notice_clear(&n);
	/* nobody to answer: the null sender and no From */
	e.poster = "";
	e.env_sender = "";
	assert_int_equal(notice_held_poster(&tl, &e, &tm, &n), LM_ENOENT);
}

static void test_held_moderators(void **state)
{
	struct holdq_entry e = held();
	struct notice n;

	(void)state;
	assert_int_equal(notice_held_moderators(&tl, &e, 7, "abc123", &tm, &n), LM_OK);
	assert_string_equal(n.msg.data,
	                    HDRS("test-owner@lists.example.org", "test-owner@lists.example.org",
	                         "Test post from stranger@example.com requires "
	                         "approval") "Content-Type: multipart/mixed; "
	                                     "boundary=\"" BND "\"\n\n--" BND "\n" TEXT7
	                                     "\nAs list administrator, your "
	                                     "authorization is requested for the\n"
	                                     "following mailing list posting:\n\n"
	                                     "    List:    Test@lists.example.org\n"
	                                     "    From:    stranger@example.com\n"
	                                     "    Subject: Buy now\n"
	                                     "    Reason:  Post by non-member to a "
	                                     "members-only list\n\n"
	                                     "At your convenience, run on the list "
	                                     "server one of:\n\n"
	                                     "    listctl approve test 7\n    listctl "
	                                     "reject test 7 [REASON]\n"
	                                     "    listctl discard test 7\n\n"
	                                     "to approve or deny the request, or reply "
	                                     "to the attached confirm\n"
	                                     "message as it explains.\n"
	                                     "--" BND "\nContent-Type: "
	                                     "message/rfc822\nMIME-Version: 1.0\n\n"
	                                     "From: Stranger "
	                                     "<stranger@example.com>\nSubject: Buy "
	                                     "now\n\nHello\n"
	                                     "--" BND "\nContent-Type: "
	                                     "message/rfc822\nMIME-Version: 1.0\n\n"
	                                     "Subject: confirm abc123\nSender: "
	                                     "test-request@lists.example.org\n"
	                                     "From: "
	                                     "test-request@lists.example.org\nDate: "
	                                     "Tue, 14 Nov 2023 22:13:20 +0000\n"
	                                     "Message-ID: "
	                                     "<confirm.n1@lists.example.org>\nMIME-"
	                                     "Version: 1.0\n" TEXT7
	                                     "\nIf you reply to this message, keeping "
	                                     "the Subject: header intact, listmilter\n"
	                                     "will discard the held message.  Do this "
	                                     "if the message is spam.  If you reply\n"
	                                     "to this message and include an Approved: "
	                                     "header with the list password in it,\n"
	                                     "the message will be approved for posting "
	                                     "to the list.  The Approved: header\n"
	                                     "can also appear in the first line of the "
	                                     "body of the reply.\n"
	                                     "--" BND "--\n");
	/* owners and moderators, each once */
	assert_int_equal(n.nrcpts, 3);
	assert_string_equal(n.rcpts[0], "boss@example.org");
	assert_string_equal(n.rcpts[1], "deputy@example.org");
	assert_string_equal(n.rcpts[2], "mod@example.org");
	notice_clear(&n);
}

static void test_rejected(void **state)
{
	struct holdq_entry e = held();
	struct notice n;

	(void)state;
	assert_int_equal(notice_rejected(&tl, &e, NULL, &tm, &n), LM_OK);
	assert_string_equal(
	        n.msg.data, HDRS("test-owner@lists.example.org", "stranger@example.com",
	                         "Request to mailing list Test rejected") TEXT7
	        "\nYour request to the Test mailing list\n\n"
	        "    Posting of your message titled \"Buy now\"\n\n"
	        "has been rejected by the list moderator.  The moderator gave the\n"
	        "following reason for rejecting your request:\n\n\"[No reason given]\"\n\n"
	        "Any questions or comments should be directed to the list administrator\n"
	        "at:\n\n    test-owner@lists.example.org\n");
	notice_clear(&n);
	assert_int_equal(notice_rejected(&tl, &e, "Off topic.", &tm, &n), LM_OK);
	assert_non_null(strstr(n.msg.data, "\n\"Off topic.\"\n"));
	notice_clear(&n);
}

static void test_auto_discard(void **state)
{
	struct holdq_entry e = held();
	struct notice n;

	(void)state;
	assert_int_equal(notice_auto_discard(&tl, &e, &tm, &n), LM_OK);
	assert_string_equal(
	        n.msg.data,
	        HDRS("test-bounces@lists.example.org", "test-owner@lists.example.org",
	             "Auto-discard notification") "Content-Type: multipart/mixed; boundary=\"" BND
	                                          "\"\n\n--" BND "\n" TEXT7
	                                          "\nThe attached message has been automatically "
	                                          "discarded.\n"
	                                          "--" BND "\nContent-Type: "
	                                          "message/rfc822\nMIME-Version: 1.0\n\n"
	                                          "From: Stranger <stranger@example.com>\nSubject: "
	                                          "Buy now\n\nHello\n"
	                                          "--" BND "--\n");
	notice_clear(&n);
	/* nobody to tell */
	struct notice_list nol = tl;
	nol.owner = "";
	nol.moderator = "not an address";
	assert_int_equal(notice_auto_discard(&nol, &e, &tm, &n), LM_ENOENT);
}

static void test_hostile_text(void **state)
{
	struct holdq_entry e = held();
	struct notice_list l8 = tl;
	struct notice n;

	(void)state;
	/* a subject with a line break cannot add a header; 8-bit text is encoded */
	e.subject = "Hi\r\nBcc: victim@example.net";
	l8.real_name = "T\xc3\xa9st";
	assert_int_equal(notice_held_poster(&l8, &e, &tm, &n), LM_OK);
	assert_null(strstr(n.msg.data, "\nBcc:"));
	assert_non_null(strstr(n.msg.data, "    Hi  Bcc: victim@example.net\n"));
	assert_non_null(strstr(n.msg.data, "\nSubject: =?utf-8?b?"));
	assert_non_null(strstr(n.msg.data, "charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n"));
	notice_clear(&n);
	/* a poster address that could be an option is never a recipient */
	e.poster = "-oQ/tmp@x";
	e.env_sender = "";
	assert_int_equal(notice_held_poster(&tl, &e, &tm, &n), LM_ENOENT);
	/* a post that contains the boundary gets another one */
	e = held();
	e.msg = "x\n--" BND "\n";
	e.msg_len = strlen(e.msg);
	assert_int_equal(notice_auto_discard(&tl, &e, &tm, &n), LM_OK);
	assert_null(strstr(n.msg.data, "boundary=\"" BND "\""));
	notice_clear(&n);
}

/* The fake SendmailCommand: records argv (one per line) and stdin, exits with $2. */
static char *fake_sendmail(const char *dir, int status)
{
	char *path = testutil_path(dir, "fake-sendmail"), script[1024];

	snprintf(script, sizeof(script),
	         "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > %s/argv\n"
	         "cat > %s/stdin\nexit %d\n",
	         dir, dir, status);
	testutil_write(path, script, strlen(script));
	chmod(path, 0755);
	return path;
}

static void test_send(void **state)
{
	char *dir = testutil_tmpdir("notice"), *prog = fake_sendmail(dir, 0), *argv, *in, cmd[600];
	char *argvp = testutil_path(dir, "argv"), *inp = testutil_path(dir, "stdin");
	struct holdq_entry e = held();
	struct notice n;

	(void)state;
	assert_int_equal(notice_held_moderators(&tl, &e, 7, "tok", &tm, &n), LM_OK);
	snprintf(cmd, sizeof(cmd), "%s  -Cfoo", prog);
	assert_int_equal(notice_send(cmd, &n, "Q1"), LM_OK);
	argv = testutil_read(argvp, NULL);
	in = testutil_read(inp, NULL);
	assert_string_equal(argv, "-Cfoo\n-oi\n-f\ntest-bounces@lists.example.org\n--\n"
	                          "boss@example.org\ndeputy@example.org\nmod@example.org\n");
	assert_string_equal(in, n.msg.data);
	free(argv), free(in);
	/* exit statuses: 75 is temporary, others are errors; a missing program is temporary */
	free(prog);
	prog = fake_sendmail(dir, 75);
	assert_int_equal(notice_send(prog, &n, "Q1"), LM_ETEMP);
	free(prog);
	prog = fake_sendmail(dir, 1);
	assert_int_equal(notice_send(prog, &n, "Q1"), LM_EIO);
	assert_int_equal(notice_send("/nonexistent/sendmail", &n, "Q1"), LM_ETEMP);
	assert_int_equal(notice_send("   ", &n, "Q1"), LM_EINVAL);
	notice_clear(&n);
	/* the null sender is passed as <> */
	free(prog);
	prog = fake_sendmail(dir, 0);
	const char *rcpt[] = {"a@b.example"};
	assert_int_equal(sendmail_run(prog, "", rcpt, 1, "x\n", 2, NULL), LM_OK);
	argv = testutil_read(argvp, NULL);
	assert_string_equal(argv, "-oi\n-f\n<>\n--\na@b.example\n");
	free(argv);
	/* a recipient that looks like an option is refused */
	rcpt[0] = "-X/tmp/log";
	assert_int_equal(sendmail_run(prog, "", rcpt, 1, "x\n", 2, NULL), LM_EINVAL);
	/* a command that does not read its input is not a success */
	free(prog);
	prog = testutil_path(dir, "noread");
	testutil_write(prog, "#!/bin/sh\nexec 0<&-\nexit 0\n", 27);
	chmod(prog, 0755);
	char *big = calloc(1, 8 << 20);
	assert_non_null(big);
	rcpt[0] = "a@b.example";
	assert_int_equal(sendmail_run(prog, "", rcpt, 1, big, 8 << 20, NULL), LM_EIO);
	free(big);
	free(prog), free(argvp), free(inp);
	testutil_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_held_poster),  cmocka_unit_test(test_held_moderators),
	        cmocka_unit_test(test_rejected),     cmocka_unit_test(test_auto_discard),
	        cmocka_unit_test(test_hostile_text), cmocka_unit_test(test_send),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
