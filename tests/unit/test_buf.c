/*
 * test_buf.c: the bounded buffer: appends, formatting, the cap, overflow-safe arithmetic.
 * The cap is the promise mail code relies on, so it is tested at and past its edge.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lmerr.h"
#include "testutil.h"

static void test_append_and_terminate(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_puts(&b, "hello"), LM_OK);
	assert_int_equal(buf_putc(&b, ' '), LM_OK);
	assert_int_equal(buf_append(&b, "world!!", 5), LM_OK);
	assert_int_equal(b.len, 11);
	assert_string_equal(buf_cstr(&b), "hello world");
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_binary_safe(void **state)
{
	struct buf b;
	const char bin[] = {'a', '\0', 'b', '\0'};

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_append(&b, bin, sizeof(bin)), LM_OK);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, bin, 4);
	buf_free(&b);
}

static void test_cap_exact_and_past(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345678"), LM_OK);
	assert_int_equal(buf_putc(&b, 'x'), LM_ETOOBIG);
	assert_int_equal(b.len, 8);
	assert_string_equal(buf_cstr(&b), "12345678");
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "123456789"), LM_ETOOBIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_huge_request_does_not_wrap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, (size_t)-1);
	assert_int_equal(buf_puts(&b, "abc"), LM_OK);
	/* len + n would wrap around SIZE_MAX: must be refused, not allocated small. */
	assert_int_equal(buf_reserve(&b, (size_t)-2), LM_ETOOBIG);
	assert_int_equal(buf_reserve(&b, (size_t)-1), LM_ETOOBIG);
	assert_string_equal(buf_cstr(&b), "abc");
	buf_free(&b);
}

static void test_printf(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_printf(&b, "%s=%d", "n", 42), LM_OK);
	assert_int_equal(buf_printf(&b, ";%05u", 7u), LM_OK);
	assert_string_equal(buf_cstr(&b), "n=42;00007");
	/* A format result past the cap leaves the contents untouched. */
	assert_int_equal(buf_printf(&b, "%100s", "x"), LM_ETOOBIG);
	assert_string_equal(buf_cstr(&b), "n=42;00007");
	buf_free(&b);
}

static void test_steal_and_truncate(void **state)
{
	struct buf b;
	size_t len;
	char *s;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "abcdef"), LM_OK);
	buf_truncate(&b, 2);
	assert_string_equal(buf_cstr(&b), "abcd");
	s = buf_steal(&b, &len);
	assert_string_equal(s, "abcd");
	assert_int_equal(len, 4);
	assert_null(b.data);
	free(s);
	s = buf_steal(&b, &len); /* stealing an empty buffer gives "" */
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	buf_free(&b);
}

static void test_growth_many_appends(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 1 << 20);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, 'a' + (int)(i % 26)), LM_OK);
	assert_int_equal(b.len, 100000);
	assert_true(b.size <= (1 << 20) + 1);
	assert_int_equal(b.data[25], 'z');
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_append_and_terminate),
	        cmocka_unit_test(test_binary_safe),
	        cmocka_unit_test(test_cap_exact_and_past),
	        cmocka_unit_test(test_huge_request_does_not_wrap),
	        cmocka_unit_test(test_printf),
	        cmocka_unit_test(test_steal_and_truncate),
	        cmocka_unit_test(test_growth_many_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
