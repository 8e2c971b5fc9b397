/*
 * test_policy_msg.c: moderation facts read from real MIME: sender headers, To/Cc/Resent
 * addresses and their count (groups too), Mailman's body size, the first text/plain part and
 * the Approved: header; then a decision made on them.
 */
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "policy_msg.h"
#include "testutil.h"

static GMimeMessage *parse(const char *text)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	assert_non_null(m);
	return m;
}

static const char multipart[] = "From: \"Alice A.\" <Alice@Example.ORG>\n"
                                "Reply-To: replies@example.org\n"
                                "Sender: owner-x@example.org\n"
                                "To: Test List <test@lists.example.org>, bob@example.org\n"
                                "Cc: team: carol@example.org, dave@example.org;\n"
                                "Resent-To: eve@example.org\n"
                                "Subject: =?utf-8?q?Caf=C3=A9?= subscribe\n"
                                "Approved: s3cret\n"
                                "MIME-Version: 1.0\n"
                                "Content-Type: multipart/mixed; boundary=\"BB\"\n"
                                "\n"
                                "preamble\n"
                                "--BB\n"
                                "Content-Type: text/plain; charset=utf-8\n"
                                "Content-Transfer-Encoding: quoted-printable\n"
                                "\n"
                                "unsubscribe=20\n"
                                "--BB\n"
                                "Content-Type: application/octet-stream\n"
                                "\n"
                                "0123456789\n"
                                "--BB--\n"
                                "epilogue\n";

static void test_facts(void **state)
{
	GMimeMessage *m = parse(multipart);
	struct policy_msg pm;

	(void)state;
	assert_int_equal(policy_msg_load(m, &pm), LM_OK);
	assert_string_equal(pm.facts.from, "alice@example.org");
	assert_string_equal(pm.facts.reply_to, "replies@example.org");
	assert_string_equal(pm.facts.sender, "owner-x@example.org");
	assert_string_equal(pm.facts.subject, "Caf\xc3\xa9 subscribe");
	assert_string_equal(pm.facts.approved, "s3cret");
	assert_string_equal(pm.approved_header, "Approved");
	/* To 2 + Cc group of 2 */
	assert_int_equal(pm.facts.nrecipients, 4);
	assert_int_equal(pm.facts.ndest, 5);
	assert_string_equal(pm.facts.dest[0], "test@lists.example.org");
	assert_string_equal(pm.facts.dest[3], "dave@example.org");
	assert_string_equal(pm.facts.dest[4], "eve@example.org");
	/* the first text/plain part, decoded */
	assert_string_equal(pm.facts.body, "unsubscribe ");
	/* leaf contents and the prologue/epilogue, never headers or boundaries: "unsubscribe=20"
	 * (14) + "0123456789" (10) + "preamble" (8) + "epilogue\n" (9); the line break before a
	 * boundary belongs to the boundary, as in Python's email package */
	assert_int_equal(pm.facts.body_size, 14 + 10 + 8 + 9);
	policy_msg_clear(&pm);
	g_object_unref(m);
}

static void test_decision_on_facts(void **state)
{
	GMimeMessage *m = parse("From: x@example.com\nTo: friend@example.com\nSubject: hi\n\n"
	                        "plain words\n");
	struct policy_list l = {.name = "test",
	                        .address = "test@lists.example.org",
	                        .domain = "lists.example.org",
	                        .generic_nonmember_action = 0,
	                        .require_explicit_destination = true,
	                        .max_num_recipients = 10};
	struct policy_decision d;
	struct policy_msg pm;

	(void)state;
	assert_int_equal(policy_msg_load(m, &pm), LM_OK);
	pm.facts.env_sender = "x@example.com";
	pm.facts.spf = SPFRES_NONE;
	assert_null(pm.facts.approved);
	assert_int_equal(pm.facts.body_size, 12);
	assert_int_equal(policy_decide(&l, &pm.facts, NULL, NULL, &d), LM_OK);
	assert_int_equal(d.action, POLICY_HOLD);
	assert_string_equal(d.reason, "Message has implicit destination");
	assert_string_equal(d.poster, "x@example.com");
	policy_decision_clear(&d);
	policy_msg_clear(&pm);
	g_object_unref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_facts),
	        cmocka_unit_test(test_decision_on_facts),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
