/*
 * test_moderation.c: the pipeline's moderation step on real MIME and a real store: a
 * non-member's post is held byte for byte with notices, approved, re-injected, recognised
 * once by its approval token and a second copy refused; members pass; forged tokens do not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lmerr.h"
#include "moderation.h"
#include "testutil.h"

static const char raw[] = "From: Stranger <stranger@example.com>\n"
                          "To: test@lists.example.org\n"
                          "Subject: Question\n"
                          "Message-ID: <q1@example.com>\n"
                          "\n"
                          "Is this the right list?\n";

static GMimeMessage *parse(const char *text, size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(text, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	assert_non_null(m);
	return m;
}

static void test_step(void **state)
{
	char *dir = testutil_tmpdir("moderation"), *db = testutil_path(dir, "db");
	char *secret = testutil_path(dir, "secret"), *sm = testutil_path(dir, "sendmail");
	char *cap = testutil_path(dir, "stdin"), script[512], *in;
	const char *kv[] = {"owner=boss@example.org", "real_name=Test"};
	const char *members[] = {"alice@example.org"}, *rcpts[] = {"test@lists.example.org"};
	struct moderation mo = {0};
	struct token_key key;
	struct dbenv *env;
	struct list *l;
	struct held_ctx c;
	enum mod_approval ap;
	GMimeMessage *m;
	size_t inlen;

	(void)state;
	snprintf(script, sizeof(script), "#!/bin/sh\ncat > %s\n", cap);
	testutil_write(sm, script, strlen(script));
	chmod(sm, 0755);
	assert_int_equal(dbenv_open(db, (size_t)1 << 28, 0, &env), LM_OK);
	assert_int_equal(token_secret_load(secret, true, &key), LM_OK);
	assert_int_equal(lists_create(env, "test@lists.example.org", kv, 2, NULL), LM_OK);
	assert_int_equal(members_add(env, "test", members, 1, NULL, NULL), LM_OK);
	assert_int_equal(lists_get(env, "test", &l), LM_OK);
	c = (struct held_ctx){.env = env, .sendmail_command = sm, .key = &key, .now = time(NULL)};

	/* a non-member: no approval header, held with Mailman's reason */
	m = parse(raw, sizeof(raw) - 1);
	assert_int_equal(moderation_approval(&mo, env, &key, l, m, c.now, &ap), LM_OK);
	assert_int_equal(ap, MOD_NONE);
	assert_int_equal(moderation_decide(&mo, env, l, m, "Q1", "bounce@example.com", SPFRES_PASS),
	                 LM_OK);
	assert_int_equal(mo.d.action, POLICY_HOLD);
	assert_string_equal(mo.d.reason, "Post by non-member to a members-only list");
	assert_int_equal(
	        moderation_hold(&mo, env, l, "bounce@example.com", rcpts, 1, raw, sizeof(raw) - 1),
	        LM_OK);
	assert_int_equal(mo.held_id, 1);
	moderation_notify(&mo, &c, l, "bounce@example.com", raw, sizeof(raw) - 1);
	in = testutil_read(cap, NULL);
	assert_non_null(
	        strstr(in, "Subject: Test post from stranger@example.com requires approval"));
	free(in);
	moderation_clear(&mo);
	g_object_unref(m);

	/* approved by the moderator: the re-injected copy passes once */
	assert_int_equal(held_approve(&c, l, 1), LM_OK);
	in = testutil_read(cap, &inlen);
	m = parse(in, inlen);
	assert_int_equal(moderation_approval(&mo, env, &key, l, m, c.now, &ap), LM_OK);
	assert_int_equal(ap, MOD_APPROVED);
	/* ... archive append here ... */
	assert_int_equal(moderation_approval_done(&mo, env, &key, l, c.now), LM_OK);
	moderation_clear(&mo);
	assert_int_equal(moderation_approval(&mo, env, &key, l, m, c.now, &ap), LM_OK);
	assert_int_equal(ap, MOD_DUPLICATE);
	moderation_clear(&mo);
	g_object_unref(m);
	/* the same header on another list's post means nothing */
	{
		const char *kv2[] = {"owner=boss@example.org"};
		struct list *l2;

		assert_int_equal(lists_create(env, "other@lists.example.org", kv2, 1, NULL), LM_OK);
		assert_int_equal(lists_get(env, "other", &l2), LM_OK);
		m = parse(in, inlen);
		assert_int_equal(moderation_approval(&mo, env, &key, l2, m, c.now, &ap), LM_OK);
		assert_int_equal(ap, MOD_NONE);
		moderation_clear(&mo);
		g_object_unref(m);
		list_free(l2);
	}
	free(in);

	/* a member's post is accepted */
	{
		static const char post[] = "From: alice@example.org\nTo: test@lists.example.org\n"
		                           "Subject: x\n\nhi\n";

		m = parse(post, sizeof(post) - 1);
	}
	assert_int_equal(moderation_decide(&mo, env, l, m, "Q2", "alice@example.org", SPFRES_PASS),
	                 LM_OK);
	assert_int_equal(mo.d.action, POLICY_ACCEPT);
	moderation_clear(&mo);
	g_object_unref(m);

	list_free(l);
	dbenv_close(env);
	testutil_rmtree(dir);
	free(dir), free(db), free(secret), free(sm), free(cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_step),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
