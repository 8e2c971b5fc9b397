/*
 * test_scrub_seed_msgid.c: scrub_opts.msgid_seed: a post without Message-ID scrubbed twice
 * (an MTA retry) gets the same generated Message-ID and <hash8> directory, and no new files.
 */
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

static const char *post = "From: a@example.com\n"
                          "Subject: no id\n"
                          "Date: Mon, 04 Feb 2019 11:34:56 +0000\n"
                          "MIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary=\"XX\"\n\n"
                          "--XX\nContent-Type: text/plain\n\nSee attached.\n"
                          "--XX\nContent-Type: application/octet-stream; name=\"d.bin\"\n"
                          "Content-Transfer-Encoding: base64\n\nU0VDUkVUU0VDUkVU\n"
                          "--XX--\n";

static void test_seeded_retry(void **state)
{
	static const unsigned char seed[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	struct scrubfx *f = scrubfx_new();
	char *id;

	(void)state;
	f->o.msgid_seed = seed;
	assert_int_equal(scrubfx_run(f, post, false, false), LM_OK);
	assert_true(f->r.generated_msgid);
	/* Mailman's shape, numbers from the seed: 0x01020304 % 1000000, 0x05060708, 0x090a0b0c
	 * % 4194304 */
	assert_string_equal(f->r.message_id,
	                    "<mailman.909060.84281096.658188.l@lists.example.com>");
	id = strdup(f->r.message_id);
	f->o.received += 3600; /* retried an hour later, by another process */
	assert_int_equal(scrubfx_run(f, post, true, false), LM_OK);
	assert_string_equal(f->r.message_id, id);
	assert_int_equal(scrubfx_count_files(f, ".bin"), 1);
	assert_int_equal(scrubfx_count_files(f, "-0001.bin"), 0);
	/* without a seed every run makes a new Message-ID, so a new directory and file */
	f->o.msgid_seed = NULL;
	assert_int_equal(scrubfx_run(f, post, false, false), LM_OK);
	assert_string_not_equal(f->r.message_id, id);
	assert_int_equal(scrubfx_count_files(f, ".bin"), 2);
	free(id);
	scrubfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_seeded_retry),
	};

	scrub_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
