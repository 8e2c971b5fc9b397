/*
 * test_holdq.c: the hold queue: byte-exact round trip of a binary post (small and past an
 * LMDB overflow page), listing in order, ids never reused, removal, expiry, damaged input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbenv.h"
#include "holdq.h"
#include "lmerr.h"
#include "testutil.h"

struct fixture {
	char *dir;
	struct dbenv *env;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *db;

	assert_non_null(fx);
	fx->dir = testutil_tmpdir("holdq");
	db = testutil_path(fx->dir, "db");
	assert_int_equal(dbenv_open(db, (size_t)1 << 30, 0, &fx->env), LM_OK);
	free(db);
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

static char *binary_post(size_t len)
{
	char *p = malloc(len);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < len; i++)
		p[i] = (char)((i * 131 + 7) & 0xff); /* NULs, CRs, 8-bit bytes */
	memcpy(p, "From: a@b\r\n\r\n", 13);
	return p;
}

static void test_round_trip(void **state)
{
	struct fixture *fx = *state;
	size_t sizes[] = {13, 4000, 3 * 1024 * 1024 + 17};
	struct holdq_entry e = {0}, got;
	uint32_t id;
	size_t i;

	for (i = 0; i < 3; i++) {
		e = (struct holdq_entry){.received = 1700000000 + (int64_t)i,
		                         .env_sender = "a@b",
		                         .recipients = "test@lists.example\nx@y",
		                         .poster = "a@b",
		                         .subject = "Hi \xc3\xa9",
		                         .reason = "Post to moderated list",
		                         .msg = binary_post(sizes[i]),
		                         .msg_len = sizes[i]};
		assert_int_equal(holdq_add(fx->env, "test", &e, &id), LM_OK);
		assert_int_equal(id, i + 1);
		assert_int_equal(holdq_get(fx->env, "test", id, &got), LM_OK);
		assert_int_equal(got.id, id);
		assert_int_equal(got.received, 1700000000 + (int64_t)i);
		assert_string_equal(got.env_sender, "a@b");
		assert_string_equal(got.recipients, "test@lists.example\nx@y");
		assert_string_equal(got.subject, "Hi \xc3\xa9");
		assert_string_equal(got.reason, "Post to moderated list");
		assert_int_equal(got.msg_len, sizes[i]);
		assert_memory_equal(got.msg, e.msg, sizes[i]);
		holdq_entry_clear(&got);
		free(e.msg);
	}
	/* the null sender and NULL fields come back as "" */
	e = (struct holdq_entry){.msg = "x", .msg_len = 1};
	assert_int_equal(holdq_add(fx->env, "test", &e, &id), LM_OK);
	assert_int_equal(holdq_get(fx->env, "test", id, &got), LM_OK);
	assert_string_equal(got.env_sender, "");
	assert_true(got.received > 1700000000); /* 0 means now */
	holdq_entry_clear(&got);
}

struct seen {
	uint32_t ids[16];
	size_t n;
};

static int collect(const struct holdq_entry *e, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	assert_string_equal(e->reason, "r");
	s->ids[s->n++] = e->id;
	return 0;
}

static void add_simple(struct dbenv *env, const char *list, int64_t when, uint32_t *id)
{
	struct holdq_entry e = {.received = when, .reason = "r", .msg = "m", .msg_len = 1};

	assert_int_equal(holdq_add(env, list, &e, id), LM_OK);
}

static void test_list_remove_ids(void **state)
{
	struct fixture *fx = *state;
	struct holdq_entry got;
	struct seen s = {0};
	uint32_t id, i;

	for (i = 0; i < 3; i++)
		add_simple(fx->env, "test", 1000, &id);
	add_simple(fx->env, "test2", 1000, &id); /* another list: own numbering, not listed */
	assert_int_equal(id, 1);
	add_simple(fx->env, "tes", 1000, &id);
	assert_int_equal(holdq_foreach(fx->env, "test", collect, &s), LM_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.ids[2], 3);
	assert_int_equal(holdq_remove(fx->env, "test", 3), LM_OK);
	assert_int_equal(holdq_remove(fx->env, "test", 3), LM_ENOENT);
	assert_int_equal(holdq_get(fx->env, "test", 3, &got), LM_ENOENT);
	assert_int_equal(holdq_get(fx->env, "nolist", 1, &got), LM_ENOENT);
	/* ids are never reused: a token for #3 can never reach a new post */
	add_simple(fx->env, "test", 1000, &id);
	assert_int_equal(id, 4);
}

static void test_expired(void **state)
{
	struct fixture *fx = *state;
	int64_t now = 2000000000;
	uint32_t id, *ids;
	size_t n;

	add_simple(fx->env, "test", now - 3 * 86400, &id);
	add_simple(fx->env, "test", now - 86400 - 1, &id);
	add_simple(fx->env, "test", now - 100, &id);
	assert_int_equal(holdq_expired(fx->env, "test", 1, now, &ids, &n), LM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	free(ids);
	assert_int_equal(holdq_expired(fx->env, "test", 5, now, &ids, &n), LM_OK);
	assert_int_equal(n, 0);
	free(ids);
	assert_int_equal(holdq_expired(fx->env, "test", 0, now, &ids, &n), LM_OK);
	assert_int_equal(n, 0);
	assert_null(ids);
}

static void test_from_fd(void **state)
{
	struct fixture *fx = *state;
	size_t len = 2 * 1024 * 1024 + 3;
	char *post = binary_post(len), *path = testutil_path(fx->dir, "spool");
	struct holdq_entry e = {.reason = "r", .env_sender = "a@b"}, got;
	uint32_t id;
	FILE *fp;
	int fd;

	testutil_write(path, post, len);
	fp = fopen(path, "r");
	assert_non_null(fp);
	fd = fileno(fp);
	assert_int_equal(lseek(fd, 100, SEEK_SET), 100); /* the offset does not matter */
	assert_int_equal(holdq_add_fd(fx->env, "test", &e, fd, len, &id), LM_OK);
	assert_int_equal(holdq_get(fx->env, "test", id, &got), LM_OK);
	assert_int_equal(got.msg_len, len);
	assert_memory_equal(got.msg, post, len);
	assert_string_equal(got.env_sender, "a@b");
	holdq_entry_clear(&got);
	/* a spool shorter than said: nothing is held */
	assert_int_equal(holdq_add_fd(fx->env, "test", &e, fd, len + 1, &id), LM_EIO);
	assert_int_equal(holdq_get(fx->env, "test", id + 1, &got), LM_ENOENT);
	fclose(fp);
	free(post);
	free(path);
}

static void test_bad_input(void **state)
{
	struct fixture *fx = *state;
	struct holdq_entry e = {.msg = "m", .msg_len = HOLDQ_MAX_MSG + 1};
	char longname[300];
	uint32_t id;

	assert_int_equal(holdq_add(fx->env, "test", &e, &id), LM_ETOOBIG);
	e.msg_len = 1;
	assert_int_equal(holdq_add(fx->env, "", &e, &id), LM_EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(holdq_add(fx->env, longname, &e, &id), LM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_list_remove_ids, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_expired, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_from_fd, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
