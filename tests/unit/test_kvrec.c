/*
 * test_kvrec.c: the key/value record format: round trip, and stored bytes never trusted.
 * A truncated or unterminated record must stop the reader, not run past the value.
 */
#include <string.h>

#include "kvrec.h"
#include "lmerr.h"
#include "testutil.h"

static void test_round_trip(void **state)
{
	struct buf rec;
	const char *k, *v;
	size_t pos = 0, kl, vl;

	(void)state;
	buf_init(&rec, 1024);
	assert_int_equal(kvrec_put(&rec, "a", "1"), LM_OK);
	assert_int_equal(kvrec_put(&rec, "empty", ""), LM_OK);
	assert_int_equal(rec.len, 4 + 7);
	assert_true(kvrec_next(rec.data, rec.len, &pos, &k, &kl, &v, &vl));
	assert_int_equal(kl, 1);
	assert_memory_equal(v, "1", 2);
	assert_true(kvrec_next(rec.data, rec.len, &pos, &k, &kl, &v, &vl));
	assert_int_equal(vl, 0);
	assert_false(kvrec_next(rec.data, rec.len, &pos, &k, &kl, &v, &vl));
	buf_free(&rec);
}

static void test_truncated_records(void **state)
{
	const char rec[] = {'k', '\0', 'v', 'a', 'l'}; /* value never terminated */
	const char *k, *v;
	size_t pos = 0, kl, vl, len;

	(void)state;
	for (len = 0; len <= sizeof(rec); len++) {
		pos = 0;
		assert_false(kvrec_next(rec, len, &pos, &k, &kl, &v, &vl));
		assert_int_equal(pos, 0);
	}
}

static void test_cap_rolls_back(void **state)
{
	struct buf rec;

	(void)state;
	buf_init(&rec, 8);
	assert_int_equal(kvrec_put(&rec, "ab", "cd"), LM_OK);
	assert_int_equal(kvrec_put(&rec, "key", "value"), LM_ETOOBIG);
	assert_int_equal(rec.len, 6); /* the half-written pair was removed */
	buf_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_truncated_records),
	        cmocka_unit_test(test_cap_rolls_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
