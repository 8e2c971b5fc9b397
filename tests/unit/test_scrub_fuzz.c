/*
 * test_scrub_fuzz.c: damaged posts: the seed post cut at many offsets and with bytes flipped
 * (deterministic PRNG), each parsed and scrubbed in every sanitizer mode: only expected
 * results, valid UTF-8 text, and (under ASan) no crash or leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

static unsigned fuzz_seed = 2166136261u;

static unsigned fuzz_rand(void)
{
	fuzz_seed ^= fuzz_seed << 13;
	fuzz_seed ^= fuzz_seed >> 17;
	fuzz_seed ^= fuzz_seed << 5;
	return fuzz_seed;
}

static void scrub_bytes(struct scrubfx *f, const char *data, size_t len, int mode)
{
	char *path = testutil_path(f->dir, "fuzz.eml");
	int rc;

	testutil_write(path, data, len);
	f->o.html_sanitizer = mode;
	f->o.use_filename = mode % 2 == 0;
	rc = scrubfx_run_file(f, path, mode == 1);
	if (rc != LM_OK && rc != LM_ETOOBIG && rc != LM_EPARSE)
		fail_msg("unexpected %s", lm_strerror(rc));
	if (rc == LM_OK && !g_utf8_validate(buf_cstr(&f->r.text), (gssize)f->r.text.len, NULL))
		fail_msg("scrubbed text is not UTF-8");
	free(path);
}

static char *seed_post(size_t *len)
{
	char *path = testutil_data("scrub/seed-post.eml");
	char *data = testutil_read(path, len);

	assert_non_null(data);
	free(path);
	return data;
}

static void test_truncated(void **state)
{
	struct scrubfx *f = scrubfx_new();
	size_t len, cut;
	char *data = seed_post(&len);

	(void)state;
	for (cut = 0; cut < len; cut += 1 + fuzz_rand() % 97)
		scrub_bytes(f, data, cut, (int)(cut % 4));
	free(data);
	scrubfx_free(f);
}

static void test_flipped(void **state)
{
	static const char evil[] = "\n\r-=:;\"\\/<>&\0\x80\xff ";
	struct scrubfx *f = scrubfx_new();
	size_t len, i, k;
	char *data = seed_post(&len), *copy = malloc(len);

	(void)state;
	assert_non_null(copy);
	for (i = 0; i < 300; i++) {
		memcpy(copy, data, len);
		for (k = 0; k < 1 + i % 8; k++)
			copy[fuzz_rand() % len] = evil[fuzz_rand() % (sizeof(evil) - 1)];
		scrub_bytes(f, copy, len, (int)(i % 4));
	}
	free(copy);
	free(data);
	scrubfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_truncated),
	        cmocka_unit_test(test_flipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
