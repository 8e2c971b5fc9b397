/*
 * test_export_golden.c: import a real pipermail period .txt (numbered from its first article),
 * export it, and compare every article and index page with the real pipermail pages field by
 * field: twisted-python 2021-May (recent templates, encoded subjects, attachments) and
 * imagej-devel 2013-March (older templates). The corpus is read from ../shared when present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "dbenv.h"
#include "export.h"
#include "golden_compare.h"
#include "lists.h"
#include "lmerr.h"
#include "import.h"
#include "mbox.h"
#include "testutil.h"

struct golden {
	const char *name, *address, *period;
	uint32_t first;
	const char *settings[4];
	size_t min_same; /* fields that matched when this test was written: a regression guard */
};

/* listctl import --number-from FIRST LIST PERIOD.txt, through the importer's API. */
static void import_txt(struct dbenv *env, const char *list, const char *path, uint32_t first)
{
	struct import_opts o;
	struct import_stats st = {0};
	struct list *l = NULL;

	memset(&o, 0, sizeof(o));
	assert_int_equal(archive_conf_load(env, list, &l, &o.conf), LM_OK);
	o.list = list;
	o.number_from_set = true;
	o.number_from = first;
	o.fmt = MBOX_PIPERMAIL;
	o.max_message = 64 << 20;
	o.report = stderr;
	assert_int_equal(import_begin(env, &o), LM_OK);
	assert_int_equal(import_file(env, path, &o, &st), LM_OK);
	assert_int_equal(st.skipped, 0);
	list_free(l);
}

static void run_golden(const struct golden *g)
{
	char rel[256], *gdir, *txt, *tmp, *db, *out, *odir;
	struct golden_score sc = {0};
	struct export_stats st;
	struct dbenv *env;

	snprintf(rel, sizeof(rel), "golden/%s/%s", g->name, g->period);
	if ((gdir = testutil_corpus(rel)) == NULL) {
		skip();
		return;
	}
	snprintf(rel, sizeof(rel), "golden/%s/%s.txt", g->name, g->period);
	txt = testutil_corpus(rel);
	tmp = testutil_tmpdir("golden");
	db = testutil_path(tmp, "db"), out = testutil_path(tmp, "www");
	assert_int_equal(dbenv_open(db, 1 << 30, 0, &env), LM_OK);
	assert_int_equal(lists_create(env, g->address, g->settings, 4, NULL), LM_OK);
	import_txt(env, g->name, txt, g->first);
	assert_int_equal(export_run(env, tmp, g->name, out, false, &st), LM_OK);
	odir = testutil_path(out, g->period);
	golden_period(gdir, odir, &sc);
	printf("%s %s: %zu pages, %zu of %zu fields match, %zu pages missing\n", g->name, g->period,
	       sc.pages, sc.same, sc.fields, sc.missing);
	assert_int_equal(sc.missing, 0);
	assert_true(sc.same >= g->min_same);
	dbenv_close(env);
	testutil_rmtree(tmp);
	free(gdir), free(txt), free(tmp), free(db), free(out), free(odir);
}

static void test_twisted_python(void **state)
{
	static const struct golden g = {
	        "twisted-python",
	        "twisted-python@twistedmatrix.com",
	        "2021-May",
	        65606,
	        {"real_name=Twisted-Python",
	         "web_page_url=https://twistedmatrix.com/cgi-bin/mailman/",
	         "archive_timezone=America/Denver", "archive_charset=utf-8"},
	        150,
	};
	(void)state;
	run_golden(&g);
}

static void test_imagej_devel(void **state)
{
	static const struct golden g = {
	        "imagej-devel",
	        "imagej-devel@imagej.net",
	        "2013-March",
	        1433,
	        {"real_name=ImageJ-devel", "web_page_url=http://imagej.net/mailman/",
	         "archive_timezone=America/Chicago", "archive_charset=us-ascii"},
	        377,
	};
	(void)state;
	run_golden(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_twisted_python),
	        cmocka_unit_test(test_imagej_devel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
