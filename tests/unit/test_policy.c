/*
 * test_policy.c: every moderation rule with Mailman's exact reason and rejection strings:
 * approve, member moderation, non-member lists and regexes, hold checks, emergency, SPF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbenv.h"
#include "lists.h"
#include "lmerr.h"
#include "policy.h"
#include "testutil.h"

/* A member table: "list:address" with a moderation flag. */
static const struct {
	const char *list, *addr;
	bool moderate;
} members[] = {
        {"test", "alice@example.org", false},
        {"test", "mod@example.org", true},
        {"other", "carol@example.net", false},
};

static int fake_member(void *arg, const char *list, const char *addr, bool *moderate)
{
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (strcmp(members[i].list, list) == 0 && strcmp(members[i].addr, addr) == 0) {
			*moderate = members[i].moderate;
			return LM_OK;
		}
	return LM_ENOENT;
}

static int broken_member(void *arg, const char *list, const char *addr, bool *moderate)
{
	(void)arg, (void)list, (void)addr, (void)moderate;
	return LM_EDB;
}

static const char *dest_list[] = {"test@lists.example.org"};

/* Mailman's defaults for a new list. */
static struct policy_list list_defaults(void)
{
	return (struct policy_list){
	        .name = "test",
	        .address = "test@lists.example.org",
	        .domain = "lists.example.org",
	        .listinfo_url = "http://lists.example.org/mailman/listinfo/test",
	        .moderator_password = "s3cret",
	        .member_moderation_action = 0,
	        .generic_nonmember_action = 1,
	        .administrivia = true,
	        .max_num_recipients = 10,
	        .require_explicit_destination = true,
	        .max_message_size = 40,
	        .spf_fail_action = "hold",
	};
}

static struct policy_facts facts(const char *from)
{
	return (struct policy_facts){
	        .env_sender = from,
	        .from = from,
	        .dest = dest_list,
	        .ndest = 1,
	        .nrecipients = 1,
	        .subject = "Hello",
	        .body = "Just a normal post.\nWith two lines.\n",
	        .body_len = 36,
	        .body_size = 36,
	        .spf = SPFRES_PASS,
	};
}

static void expect(const struct policy_list *l, const struct policy_facts *f, enum policy_action a,
                   const char *reason, const char *rejection)
{
	struct policy_decision d;

	assert_int_equal(policy_decide(l, f, fake_member, NULL, &d), LM_OK);
	assert_int_equal(d.action, a);
	if (reason)
		assert_string_equal(d.reason, reason);
	if (rejection)
		assert_string_equal(d.rejection, rejection);
	if (a == POLICY_REJECT) {
		assert_string_equal(d.smtp_code, "550");
		assert_non_null(d.smtp_xcode);
	}
	policy_decision_clear(&d);
}

static void test_member_accepted(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");

	(void)state;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.from = "Alice@EXAMPLE.org"; /* case-folded lookup */
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	/* Mailman's sender order: the envelope sender counts when From is not a member */
	f.from = "alias@elsewhere.example";
	f.env_sender = "alice@example.org";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.env_sender = "";
	f.reply_to = "alice@example.org";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.reply_to = NULL;
	f.sender = "alice@example.org";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_moderated_member(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("mod@example.org");

	(void)state;
	expect(&l, &f, POLICY_HOLD, "Post to moderated list",
	       "Your message was deemed inappropriate by the moderator.");
	l.member_moderation_action = 1;
	expect(&l, &f, POLICY_REJECT, "Post to moderated list", "Your message was rejected");
	l.member_moderation_notice = "Moderated members must wait.";
	expect(&l, &f, POLICY_REJECT, "Post to moderated list", "Moderated members must wait.");
	l.member_moderation_action = 2;
	expect(&l, &f, POLICY_DISCARD, "Post to moderated list", NULL);
}

static void test_nonmember_generic(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("stranger@example.com");
	struct policy_decision d;

	(void)state;
	expect(&l, &f, POLICY_HOLD, "Post by non-member to a members-only list",
	       "Non-members are not allowed to post messages to this list.");
	l.generic_nonmember_action = 0;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.generic_nonmember_action = 2;
	expect(&l, &f, POLICY_REJECT, "Post by non-member to a members-only list",
	       "Your message has been rejected, probably because you are not subscribed to the "
	       "mailing list and the list's policy is to prohibit non-members from posting to it.  "
	       "If you think that your messages are being rejected in error, contact the mailing "
	       "list owner at test-owner@lists.example.org.");
	l.nonmember_rejection_notice = "Members only, sorry.";
	expect(&l, &f, POLICY_REJECT, NULL, "Members only, sorry.");
	l.generic_nonmember_action = 3;
	expect(&l, &f, POLICY_DISCARD, NULL, NULL);
	/* the poster reported is the From address, lower-cased */
	f.from = "Stranger@Example.COM";
	assert_int_equal(policy_decide(&l, &f, fake_member, NULL, &d), LM_OK);
	assert_string_equal(d.poster, "stranger@example.com");
	policy_decision_clear(&d);
}

static void test_nonmember_lists(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("bob@partner.example");

	(void)state;
	l.generic_nonmember_action = 2;
	l.accept_these_nonmembers = "someone@else.example\nBOB@partner.example";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.accept_these_nonmembers = "^.*@partner\\.example$";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.accept_these_nonmembers = "^.*@partner\\.exampl$";
	expect(&l, &f, POLICY_REJECT, NULL, NULL);
	l.accept_these_nonmembers = "";
	l.hold_these_nonmembers = "x@y.example, bob@partner.example";
	expect(&l, &f, POLICY_HOLD, "Post by non-member to a members-only list", NULL);
	l.hold_these_nonmembers = NULL;
	l.generic_nonmember_action = 0;
	l.reject_these_nonmembers = "^bob@";
	expect(&l, &f, POLICY_REJECT, "Post by non-member to a members-only list", NULL);
	l.reject_these_nonmembers = NULL;
	l.discard_these_nonmembers = "^BOB@PARTNER";
	expect(&l, &f, POLICY_DISCARD, NULL, NULL);
	/* a broken regex never matches (and is logged) */
	l.discard_these_nonmembers = "^(bob";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	/* the order: accept wins over hold, reject and discard */
	l.generic_nonmember_action = 1;
	l.accept_these_nonmembers = "bob@partner.example";
	l.hold_these_nonmembers = "bob@partner.example";
	l.discard_these_nonmembers = "bob@partner.example";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_nonmember_otherlist(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("carol@example.net");

	(void)state;
	l.accept_these_nonmembers = "@other";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.from = f.env_sender = "dave@example.net";
	expect(&l, &f, POLICY_HOLD, "Post by non-member to a members-only list", NULL);
}

static void test_approved(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("stranger@example.com");
	struct policy_decision d;

	(void)state;
	l.emergency = true;
	f.approved = " s3cret \r\n";
	assert_int_equal(policy_decide(&l, &f, fake_member, NULL, &d), LM_OK);
	assert_int_equal(d.action, POLICY_ACCEPT);
	assert_true(d.approved);
	policy_decision_clear(&d);
	f.approved = "s3cre";
	expect(&l, &f, POLICY_HOLD, "Post by non-member to a members-only list", NULL);
	f.approved = "s3cret!";
	expect(&l, &f, POLICY_HOLD, "Post by non-member to a members-only list", NULL);
	/* no password set: Approved: never works */
	l.moderator_password = "";
	f.approved = "";
	expect(&l, &f, POLICY_HOLD, "Post by non-member to a members-only list", NULL);
}

static void test_administrivia(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");
	const char *reason = "Message may contain administrivia";

	(void)state;
	f.body = "unsubscribe\n";
	f.body_len = strlen(f.body);
	expect(&l, &f, POLICY_HOLD, reason,
	       "Please do *not* post administrative requests to the mailing list.  If you wish to "
	       "subscribe, visit http://lists.example.org/mailman/listinfo/test or send a message "
	       "with the word `help' in it to the request address, test-request@lists.example.org, "
	       "for further instructions.");
	l.administrivia = false;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.administrivia = true;
	f.body = "Hi all\n";
	f.body_len = strlen(f.body);
	f.subject = "subscribe";
	expect(&l, &f, POLICY_HOLD, reason, NULL);
	f.subject = "subscribe me to this list please now";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_administrivia_rules(void **state)
{
	char big[2048];
	size_t i, n = 0;

	(void)state;
	assert_true(policy_is_administrivia("  HELP  \n\n", 10, NULL));
	assert_true(policy_is_administrivia("x\n\nset digest on pw\n", 20, "Re: stuff"));
	assert_false(policy_is_administrivia("x\n\nset digest maybe pw\n", 23, "Re: stuff"));
	assert_true(policy_is_administrivia("who\n", 4, NULL));
	assert_false(policy_is_administrivia("who is who here\n", 16, NULL));
	assert_true(policy_is_administrivia("confirm abc123\r\nthanks\r\n", 24, NULL));
	/* a body of one command word is administrivia whatever its argument count */
	assert_true(policy_is_administrivia("confirm\n", 8, "hello"));
	assert_false(policy_is_administrivia("confirm a b\n", 12, "hello"));
	/* the command must be in the first five lines */
	assert_false(policy_is_administrivia("a\nb\nc\nd\ne\nunsubscribe\n", 22, NULL));
	assert_true(policy_is_administrivia("a\nb\nc\nd\nunsubscribe\n", 20, NULL));
	/* the signature is not counted: one word before it */
	assert_true(policy_is_administrivia("help\n-- \nJoe Bloggs\n", 20, NULL));
	/* more than 25 non-blank lines: never administrivia, even with the Subject */
	for (i = 0; i < 26; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "line %zu\n", i);
	assert_false(policy_is_administrivia(big, n, "unsubscribe"));
	assert_true(policy_is_administrivia(big, n - 8, "unsubscribe"));
}

static void test_recipients(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");

	(void)state;
	f.nrecipients = 9;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.nrecipients = 10; /* Mailman holds at >= the limit */
	expect(&l, &f, POLICY_HOLD, "Too many recipients to the message",
	       "Please trim the recipient list; it is too long.");
	l.max_num_recipients = 0;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_implicit_destination(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");
	const char *bcc[] = {"friend@example.com"},
	           *local[] = {"x@y.example", "TEST@other.example"};
	const char *alias[] = {"test-alias@lists.example.org"};

	(void)state;
	f.dest = bcc;
	expect(&l, &f, POLICY_HOLD, "Message has implicit destination",
	       "Blind carbon copies or other implicit destinations are not allowed.  Try reposting "
	       "your message by explicitly including the list address in the To: or Cc: fields.");
	f.ndest = 0;
	expect(&l, &f, POLICY_HOLD, "Message has implicit destination", NULL);
	/* a local part equal to the list name counts (Mailman's backwards compatibility) */
	f.dest = local;
	f.ndest = 2;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.dest = alias;
	f.ndest = 1;
	expect(&l, &f, POLICY_HOLD, "Message has implicit destination", NULL);
	l.acceptable_aliases = "nomatch\n  test-al  \n";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.acceptable_aliases = "nomatch, test-al";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.acceptable_aliases = "alias@lists";
	expect(&l, &f, POLICY_HOLD, "Message has implicit destination", NULL);
	l.acceptable_aliases = ".*-alias@lists\\.example\\.org";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	l.acceptable_aliases = "test-(alias"; /* broken: matched literally as a prefix */
	expect(&l, &f, POLICY_HOLD, "Message has implicit destination", NULL);
	l.acceptable_aliases = "";
	l.require_explicit_destination = false;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_message_size(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");

	(void)state;
	f.body_size = 40 * 1024; /* exactly the limit: not more */
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.body_size = 40 * 1024 + 1;
	expect(&l, &f, POLICY_HOLD, "Message body is too big: 40961 bytes with a limit of 40 KB",
	       "Your message was too big; please trim it to less than 40 KB in size.");
	l.max_message_size = 0;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_emergency(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");
	struct policy_decision d;

	(void)state;
	l.emergency = true;
	assert_int_equal(policy_decide(&l, &f, fake_member, NULL, &d), LM_OK);
	assert_int_equal(d.action, POLICY_HOLD);
	assert_string_equal(d.reason, "Emergency hold on all list traffic is in effect");
	assert_false(d.notify);
	policy_decision_clear(&d);
	/* a hold check that fires first gives its own reason */
	f.nrecipients = 50;
	expect(&l, &f, POLICY_HOLD, "Too many recipients to the message", NULL);
}

static void test_spf_fail(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");
	struct policy_decision d;

	(void)state;
	f.spf = SPFRES_FAIL;
	expect(&l, &f, POLICY_HOLD, "SPF fail", NULL);
	/* a member-only flag cannot be trusted either: still held */
	l.generic_nonmember_action = 0;
	expect(&l, &f, POLICY_HOLD, "SPF fail", NULL);
	l.spf_fail_action = "discard";
	expect(&l, &f, POLICY_DISCARD, "SPF fail", NULL);
	/* non-member rules still reject */
	l.generic_nonmember_action = 2;
	l.spf_fail_action = "hold";
	expect(&l, &f, POLICY_REJECT, "Post by non-member to a members-only list", NULL);
	l.spf_fail_action = "reject";
	assert_int_equal(policy_decide(&l, &f, fake_member, NULL, &d), LM_OK);
	assert_int_equal(d.action, POLICY_REJECT);
	assert_string_equal(d.smtp_code, "550");
	assert_string_equal(d.smtp_xcode, "5.7.23");
	assert_string_equal(d.reason, "SPF fail");
	policy_decision_clear(&d);
	/* accept: SPF is ignored and the member is a member */
	l.spf_fail_action = "accept";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	/* softfail, temperror, none: the member status stands */
	l.spf_fail_action = "hold";
	f.spf = SPFRES_SOFTFAIL;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	f.spf = SPFRES_TEMPERROR;
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
	/* the moderator password still approves */
	f.spf = SPFRES_FAIL;
	l.spf_fail_action = "reject";
	f.approved = "s3cret";
	expect(&l, &f, POLICY_ACCEPT, "", NULL);
}

static void test_member_lookup_error(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("alice@example.org");
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_decide(&l, &f, broken_member, NULL, &d), LM_EDB);
	assert_null(d.reason);
}

static void test_reject_code(void **state)
{
	struct policy_list l = list_defaults();
	struct policy_facts f = facts("x@example.com");
	struct policy_decision d;

	(void)state;
	l.generic_nonmember_action = 2;
	assert_int_equal(policy_decide(&l, &f, fake_member, NULL, &d), LM_OK);
	assert_string_equal(d.smtp_code, "550");
	assert_string_equal(d.smtp_xcode, "5.7.1");
	policy_decision_clear(&d);
}

/* The production glue: settings from the list store, members from members_get(). */
static void test_store_glue(void **state)
{
	char *dir = testutil_tmpdir("policy"), *db = testutil_path(dir, "db");
	const char *kv[] = {"generic_nonmember_action=reject", "accept_these_nonmembers=^boss@",
	                    "member_moderation_action=2"};
	const char *addrs[] = {"Alice <alice@example.org>", "mod@example.org"},
	           *mod[] = {"moderate=yes"};
	struct dbenv *env;
	struct list *lst;
	struct policy_list l;
	struct policy_facts f = facts("alice@example.org");
	struct policy_decision d;

	(void)state;
	assert_int_equal(dbenv_open(db, (size_t)1 << 28, 0, &env), LM_OK);
	assert_int_equal(lists_create(env, "test@lists.example.org", kv, 3, NULL), LM_OK);
	assert_int_equal(members_add(env, "test", addrs, 2, NULL, NULL), LM_OK);
	assert_int_equal(members_set(env, "test", "mod@example.org", mod, 1, NULL), LM_OK);
	assert_int_equal(lists_get(env, "test", &lst), LM_OK);
	assert_int_equal(policy_list_load(lst, &l), LM_OK);
	assert_string_equal(l.address, "test@lists.example.org");
	assert_int_equal(l.generic_nonmember_action, 2);
	assert_int_equal(l.max_num_recipients, 10);
	assert_int_equal(l.max_message_size, 40);
	assert_true(l.require_explicit_destination);
	assert_string_equal(l.spf_fail_action, "hold");
	assert_int_equal(policy_decide(&l, &f, policy_member_db, env, &d), LM_OK);
	assert_int_equal(d.action, POLICY_ACCEPT);
	policy_decision_clear(&d);
	f.from = f.env_sender = "mod@example.org";
	assert_int_equal(policy_decide(&l, &f, policy_member_db, env, &d), LM_OK);
	assert_int_equal(d.action, POLICY_DISCARD);
	policy_decision_clear(&d);
	f.from = f.env_sender = "boss@example.com";
	assert_int_equal(policy_decide(&l, &f, policy_member_db, env, &d), LM_OK);
	assert_int_equal(d.action, POLICY_ACCEPT);
	policy_decision_clear(&d);
	f.from = f.env_sender = "nobody@example.com";
	assert_int_equal(policy_decide(&l, &f, policy_member_db, env, &d), LM_OK);
	assert_int_equal(d.action, POLICY_REJECT);
	policy_decision_clear(&d);
	/* default_member_moderation: new members start moderated (member_moderation_action 0) */
	{
		const char *kv2[] = {"default_member_moderation=yes", "member_moderation_action=0"};
		const char *newbie[] = {"newbie@example.org"};

		assert_int_equal(lists_set(env, "test", kv2, 2, NULL), LM_OK);
		assert_int_equal(members_add(env, "test", newbie, 1, NULL, NULL), LM_OK);
		list_free(lst);
		assert_int_equal(lists_get(env, "test", &lst), LM_OK);
		assert_int_equal(policy_list_load(lst, &l), LM_OK);
		f.from = f.env_sender = "newbie@example.org";
		assert_int_equal(policy_decide(&l, &f, policy_member_db, env, &d), LM_OK);
		assert_int_equal(d.action, POLICY_HOLD);
		assert_string_equal(d.reason, "Post to moderated list");
		policy_decision_clear(&d);
		f.from = f.env_sender = "alice@example.org"; /* added before: not moderated */
		assert_int_equal(policy_decide(&l, &f, policy_member_db, env, &d), LM_OK);
		assert_int_equal(d.action, POLICY_ACCEPT);
		policy_decision_clear(&d);
	}
	list_free(lst);
	dbenv_close(env);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_member_accepted),
	        cmocka_unit_test(test_moderated_member),
	        cmocka_unit_test(test_nonmember_generic),
	        cmocka_unit_test(test_nonmember_lists),
	        cmocka_unit_test(test_nonmember_otherlist),
	        cmocka_unit_test(test_approved),
	        cmocka_unit_test(test_administrivia),
	        cmocka_unit_test(test_administrivia_rules),
	        cmocka_unit_test(test_recipients),
	        cmocka_unit_test(test_implicit_destination),
	        cmocka_unit_test(test_message_size),
	        cmocka_unit_test(test_emergency),
	        cmocka_unit_test(test_spf_fail),
	        cmocka_unit_test(test_member_lookup_error),
	        cmocka_unit_test(test_reject_code),
	        cmocka_unit_test(test_store_glue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
