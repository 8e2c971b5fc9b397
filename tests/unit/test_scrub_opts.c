/*
 * test_scrub_opts.c: scrub options come from the site configuration and the list's settings
 * (Mailman defaults: sanitizer 1, attachment file names off, us-ascii), and a post scrubbed
 * with them lands under DataDir/archives/<list>/attachments/.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "dbenv.h"
#include "lists.h"
#include "lmerr.h"
#include "scrub.h"
#include "testutil.h"

static void test_opts_from_list(void **state)
{
	char *dir = testutil_tmpdir("scrubopts"), *db = testutil_path(dir, "db");
	const char *kv[] = {"html_sanitizer=3", "scrub_use_filename=yes"};
	struct config *cfg = NULL;
	struct dbenv *env = NULL;
	struct list *l = NULL;
	struct scrub_opts o;
	struct buf root;

	(void)state;
	buf_init(&root, 4096);
	assert_int_equal(config_defaults(&cfg), LM_OK);
	free(cfg->data_dir);
	cfg->data_dir = strdup(dir);
	assert_int_equal(dbenv_open(db, 1 << 26, 0, &env), LM_OK);
	assert_int_equal(lists_create(env, "demo@lists.example.org", NULL, 0, NULL), LM_OK);
	assert_int_equal(lists_get(env, "demo", &l), LM_OK);
	assert_int_equal(scrub_opts_fill(&o, cfg, l, &root), LM_OK);
	assert_int_equal(o.html_sanitizer, 1);
	assert_false(o.use_filename);
	assert_string_equal(o.lcset, "us-ascii");
	assert_string_equal(o.list_name, "demo");
	assert_string_equal(o.host, "lists.example.org");
	assert_string_equal(o.archive_url, "http://lists.example.org/pipermail/demo/");
	assert_non_null(strstr(o.storage_root, "/archives/demo"));
	assert_int_equal(o.limits.max_depth, cfg->max_mime_depth);
	assert_int_equal(o.limits.max_decoded_bytes, cfg->max_decoded_bytes);
	list_free(l);
	assert_int_equal(lists_set(env, "demo", kv, 2, NULL), LM_OK);
	assert_int_equal(lists_get(env, "demo", &l), LM_OK);
	assert_int_equal(scrub_opts_fill(&o, cfg, l, &root), LM_OK);
	assert_int_equal(o.html_sanitizer, 3);
	assert_true(o.use_filename);
	list_free(l);
	dbenv_close(env);
	config_free(cfg);
	buf_free(&root);
	testutil_rmtree(dir);
	free(db);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_opts_from_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
