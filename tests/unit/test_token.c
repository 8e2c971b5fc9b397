/*
 * test_token.c: moderation tokens: valid once, a second use refused, expired, tampered,
 * another list or kind refused; the secret file is created once, 0600, and a short one refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbenv.h"
#include "lmerr.h"
#include "testutil.h"
#include "token.h"

struct fixture {
	char *dir;
	struct dbenv *env;
	struct token_key key;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *db, *secret;

	assert_non_null(fx);
	fx->dir = testutil_tmpdir("token");
	db = testutil_path(fx->dir, "db");
	secret = testutil_path(fx->dir, "secret");
	assert_int_equal(dbenv_open(db, (size_t)1 << 28, 0, &fx->env), LM_OK);
	assert_int_equal(token_secret_load(secret, true, &fx->key), LM_OK);
	free(db);
	free(secret);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	dbenv_close(fx->env);
	testutil_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static void test_secret_file(void **state)
{
	struct fixture *fx = *state;
	char *path = testutil_path(fx->dir, "secret"), *shortp = testutil_path(fx->dir, "short");
	struct token_key again;
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, TOKEN_SECRET_MIN);
	/* read back, not replaced */
	assert_int_equal(token_secret_load(path, true, &again), LM_OK);
	assert_int_equal(again.len, fx->key.len);
	assert_memory_equal(again.key, fx->key.key, again.len);
	testutil_write(shortp, "0123456789", 10);
	assert_int_equal(token_secret_load(shortp, true, &again), LM_EINVAL);
	free(shortp);
	shortp = testutil_path(fx->dir, "missing");
	assert_int_equal(token_secret_load(shortp, false, &again), LM_ENOENT);
	free(shortp);
	/* root making the secret in a directory of the daemon's user gives it to that user */
	if (geteuid() == 0) {
		char *sub = testutil_path(fx->dir, "daemon"), *sec = testutil_path(sub, "secret");
		struct stat sst;

		assert_int_equal(mkdir(sub, 0750), 0);
		assert_int_equal(chown(sub, 65534, 65534), 0);
		assert_int_equal(token_secret_load(sec, true, &again), LM_OK);
		assert_int_equal(stat(sec, &sst), 0);
		assert_int_equal(sst.st_uid, 65534);
		assert_int_equal(sst.st_mode & 0777, 0600);
		free(sec);
		free(sub);
	}
	free(path);
}

static void test_once(void **state)
{
	struct fixture *fx = *state;
	char tok[TOKEN_LEN + 1];
	uint32_t id = 0;

	assert_int_equal(token_make(&fx->key, TOKEN_CONFIRM, "test", 42, 5000, tok), LM_OK);
	assert_int_equal(strlen(tok), TOKEN_LEN);
	assert_int_equal(strspn(tok, "0123456789abcdef"), TOKEN_LEN);
	assert_int_equal(token_use(fx->env, &fx->key, TOKEN_CONFIRM, "test", tok, 4000, &id),
	                 LM_OK);
	assert_int_equal(id, 42);
	assert_int_equal(token_use(fx->env, &fx->key, TOKEN_CONFIRM, "test", tok, 4000, &id),
	                 LM_EEXIST);
	/* upper case is the same token, still used */
	for (size_t i = 0; i < TOKEN_LEN; i++)
		if (tok[i] >= 'a')
			tok[i] = (char)(tok[i] - 'a' + 'A');
	assert_int_equal(token_use(fx->env, &fx->key, TOKEN_CONFIRM, "test", tok, 4000, &id),
	                 LM_EEXIST);
}

static void test_refused(void **state)
{
	struct fixture *fx = *state;
	char tok[TOKEN_LEN + 1], bad[TOKEN_LEN + 1];
	struct token_key other = fx->key;
	uint32_t id;
	size_t i;

	assert_int_equal(token_make(&fx->key, TOKEN_CONFIRM, "test", 7, 5000, tok), LM_OK);
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", tok, 5000, &id), LM_OK);
	/* expired */
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", tok, 5001, &id), LM_ENOENT);
	assert_int_equal(token_use(fx->env, &fx->key, TOKEN_CONFIRM, "test", tok, 5001, &id),
	                 LM_ENOENT);
	/* another list, another kind, another secret */
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test2", tok, 10, &id), LM_EPERM);
	assert_int_equal(token_check(&fx->key, TOKEN_APPROVE, "test", tok, 10, &id), LM_EPERM);
	other.key[0] ^= 1;
	assert_int_equal(token_check(&other, TOKEN_CONFIRM, "test", tok, 10, &id), LM_EPERM);
	/* any changed digit: the id, the expiry (pushed later) or the MAC */
	for (i = 0; i < TOKEN_LEN; i++) {
		memcpy(bad, tok, sizeof(bad));
		bad[i] = bad[i] == '0' ? '1' : '0';
		assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", bad, 10, &id),
		                 LM_EPERM);
	}
	/* not a token */
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", "abc", 10, &id), LM_EPARSE);
	memcpy(bad, tok, sizeof(bad));
	bad[3] = 'g';
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", bad, 10, &id), LM_EPARSE);
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", NULL, 10, &id), LM_EPARSE);
}

static void test_approval(void **state)
{
	struct fixture *fx = *state;
	char a1[TOKEN_LEN + 1], a2[TOKEN_LEN + 1], a3[TOKEN_LEN + 1];
	uint32_t id;
	size_t n;

	assert_int_equal(token_approval(fx->env, &fx->key, "test", 3, 1000, 600, a1), LM_OK);
	/* a second approval of the same post (a retry) gets the same token */
	assert_int_equal(token_approval(fx->env, &fx->key, "test", 3, 1100, 600, a2), LM_OK);
	assert_string_equal(a1, a2);
	/* peeking does not use it */
	assert_int_equal(token_peek(fx->env, &fx->key, TOKEN_APPROVE, "test", a1, 1200, &id),
	                 LM_OK);
	assert_int_equal(token_peek(fx->env, &fx->key, TOKEN_APPROVE, "test", a1, 1200, &id),
	                 LM_OK);
	assert_int_equal(token_peek(fx->env, &fx->key, TOKEN_APPROVE, "tes", a1, 1200, &id),
	                 LM_EPERM);
	assert_int_equal(token_use(fx->env, &fx->key, TOKEN_APPROVE, "test", a1, 1200, &id), LM_OK);
	assert_int_equal(id, 3);
	assert_int_equal(token_peek(fx->env, &fx->key, TOKEN_APPROVE, "test", a1, 1200, &id),
	                 LM_EEXIST);
	assert_int_equal(token_use(fx->env, &fx->key, TOKEN_APPROVE, "test", a1, 1200, &id),
	                 LM_EEXIST);
	/* an approval token is no confirm token */
	assert_int_equal(token_check(&fx->key, TOKEN_CONFIRM, "test", a1, 1200, &id), LM_EPERM);
	/* forgotten: a new token next time */
	assert_int_equal(token_approval_forget(fx->env, "test", 3), LM_OK);
	assert_int_equal(token_approval(fx->env, &fx->key, "test", 3, 1300, 600, a3), LM_OK);
	assert_string_not_equal(a1, a3);
	/* purge: the used a1 (expiry 1600) and pending a3 (1900) go once expired */
	assert_int_equal(token_purge(fx->env, 1700, &n), LM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(token_purge(fx->env, 2000, &n), LM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(token_purge(fx->env, 2000, &n), LM_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_secret_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_once, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_approval, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
