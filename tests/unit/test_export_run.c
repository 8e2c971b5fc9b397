/*
 * test_export_run.c: listctl export's driver on a real store: the files of every period,
 * incremental runs that leave unchanged periods and pages alone, every
 * archive_volume_frequency, hostile strings end to end, and hard-linked attachments.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "archive.h"
#include "dbenv.h"
#include "export.h"
#include "lists.h"
#include "lmerr.h"
#include "testutil.h"

struct fx {
	char *dir, *out;
	struct dbenv *env;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char *db;

	assert_non_null(fx);
	fx->dir = testutil_tmpdir("export");
	fx->out = testutil_path(fx->dir, "www");
	db = testutil_path(fx->dir, "db");
	assert_int_equal(dbenv_open(db, 1 << 30, 0, &fx->env), LM_OK);
	free(db);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	dbenv_close(fx->env);
	testutil_rmtree(fx->dir);
	free(fx->dir), free(fx->out), free(fx);
	return 0;
}

static void make_list(struct fx *fx, const char *addr, const char *freq)
{
	char f[64];
	const char *kv[] = {"archive_timezone=America/Denver", f};

	snprintf(f, sizeof(f), "archive_volume_frequency=%s", freq);
	assert_int_equal(lists_create(fx->env, addr, kv, 2, NULL), LM_OK);
}

static char *s(const char *v)
{
	char *d = strdup(v);

	assert_non_null(d);
	return d;
}

static uint32_t post(struct fx *fx, const char *list, int64_t date, const char *msgid,
                     const char *subject, const char *body)
{
	struct article a;

	memset(&a, 0, sizeof(a));
	a.date = date;
	a.period = s(""), a.msgid = s(msgid), a.in_reply_to = s(""), a.references = s("");
	a.subject_raw = s(subject), a.subject = s(subject), a.author_raw = s("Joe Example");
	a.author = s("Joe Example"), a.email = s("joe@example.com");
	a.datestr = s("Sat, 01 May 2021 08:43:06 +0200"), a.body = s(body);
	a.body_len = strlen(body);
	assert_int_equal(archive_append(fx->env, list, &a, 0, NULL), LM_OK);
	uint32_t seq = a.seq;
	article_clear(&a);
	return seq;
}

static char *out_path(struct fx *fx, const char *rel)
{
	return testutil_path(fx->out, rel);
}

static void stat_of(struct fx *fx, const char *rel, struct stat *st)
{
	char *p = out_path(fx, rel);

	assert_int_equal(lstat(p, st), 0);
	free(p);
}

static char *read_out(struct fx *fx, const char *rel)
{
	char *p = out_path(fx, rel), *d = testutil_read(p, NULL);

	assert_non_null(d);
	free(p);
	return d;
}

static void run(struct fx *fx, const char *list, bool full, struct export_stats *st)
{
	char *data = testutil_path(fx->dir, "data");

	assert_int_equal(export_run(fx->env, data, list, fx->out, full, st), LM_OK);
	free(data);
}

static void test_full_then_incremental(void **state)
{
	struct fx *fx = *state;
	struct export_stats st;
	struct stat a1, a2, t1, t2, lnk;
	char *page;

	make_list(fx, "t@example.com", "1");
	post(fx, "t", 1619851386, "<a@x>", "Hello", "first\n"); /* 2021-May */
	post(fx, "t", 1619860688, "<b@x>", "Re: Hello", "> first\nsecond\n");
	post(fx, "t", 1622592000, "<c@x>", "June post", "june\n"); /* 2021-June */
	run(fx, "t", false, &st);
	assert_int_equal(st.periods, 2);
	assert_int_equal(st.articles, 3);
	page = read_out(fx, "2021-May/000001.html");
	assert_non_null(strstr(page, "<LINK REL=\"Previous\"  HREF=\"000000.html\">"));
	assert_non_null(strstr(page, "&gt;<i> first\n</I>second\n</PRE>"));
	assert_non_null(strstr(page, "MDT 2021</I>"));
	free(page);
	page = read_out(fx, "index.html");
	assert_true(strstr(page, "June 2021:") < strstr(page, "May 2021:"));
	assert_non_null(strstr(page, "<A href=\"2021-May.txt.gz\">[ Gzip'd Text "));
	free(page);
	stat_of(fx, "2021-May/index.html", &lnk);
	assert_true(S_ISLNK(lnk.st_mode));
	stat_of(fx, "2021-May/000000.html", &a1);
	stat_of(fx, "2021-June/thread.html", &t1);

	/* nothing changed: nothing rendered, the TOC's bytes are the same */
	run(fx, "t", false, &st);
	assert_int_equal(st.periods, 0);
	assert_int_equal(st.written, 0);

	/* a post to June: May untouched, June's pages rewritten */
	sleep(1);
	post(fx, "t", 1622600000, "<d@x>", "Re: June post", "reply\n");
	run(fx, "t", false, &st);
	assert_int_equal(st.periods, 1);
	stat_of(fx, "2021-May/000000.html", &a2);
	assert_int_equal(a1.st_ino, a2.st_ino);
	assert_int_equal(a1.st_mtime, a2.st_mtime);
	stat_of(fx, "2021-June/thread.html", &t2);
	assert_true(t2.st_ino != t1.st_ino);
	page = read_out(fx, "2021-June/000003.html");
	assert_non_null(strstr(page, "<LINK REL=\"Previous\"  HREF=\"000002.html\">"));
	free(page);

	/* --full renders all, but rewrites no file whose bytes are unchanged */
	run(fx, "t", true, &st);
	assert_int_equal(st.periods, 2);
	assert_int_equal(st.written, 0);
	stat_of(fx, "2021-May/000000.html", &a2);
	assert_int_equal(a1.st_ino, a2.st_ino);

	/* an incremental export into another directory still gets every period */
	free(fx->out);
	fx->out = testutil_path(fx->dir, "www2");
	run(fx, "t", false, &st);
	assert_int_equal(st.periods, 2);
	free(read_out(fx, "2021-May/000001.html"));
}

static void test_txt_gz(void **state)
{
	struct fx *fx = *state;
	struct export_stats st;
	char *txt, *gzp, back[65536];
	gzFile gz;
	int n;

	make_list(fx, "t@example.com", "1");
	post(fx, "t", 1619851386, "<a@x>", "Re: Hello", "mail me at joe@example.com\n");
	run(fx, "t", false, &st);
	txt = read_out(fx, "2021-May.txt");
	assert_string_equal(txt, "From joe at example.com  Sat May  1 00:43:06 2021\n"
	                         "From: joe at example.com (Joe Example)\n"
	                         "Date: Sat, 01 May 2021 08:43:06 +0200\n"
	                         "Subject: Hello\n"
	                         "Message-ID: <a@x>\n\n"
	                         "mail me at joe at example.com\n\n");
	gzp = out_path(fx, "2021-May.txt.gz");
	assert_non_null(gz = gzopen(gzp, "rb"));
	n = gzread(gz, back, sizeof(back) - 1);
	gzclose(gz);
	assert_true(n > 0);
	back[n] = '\0';
	assert_string_equal(back, txt);
	free(txt), free(gzp);
}

static void test_every_frequency(void **state)
{
	static const char *const names[] = {"2021", "2021-May", "2021q2", "Week-of-Mon-20210426",
	                                    "20210501"};
	static const char *const labels[] = {"2021:", "May 2021:", "Second quarter 2021:",
	                                     "The Week Of Monday 26 April 2021:", "1 May 2021:"};
	struct fx *fx = *state;
	struct export_stats st;
	char list[16], addr[32], freq[4], rel[64], *page;
	int f;

	for (f = 0; f <= 4; f++) {
		snprintf(list, sizeof(list), "f%d", f);
		snprintf(addr, sizeof(addr), "f%d@example.com", f);
		snprintf(freq, sizeof(freq), "%d", f);
		make_list(fx, addr, freq);
		post(fx, list, 1619851386, "<a@x>", "Hello", "x\n");
		assert_int_equal(rmdir(fx->out) == 0 || 1, 1);
		free(fx->out);
		fx->out = testutil_path(fx->dir, list);
		run(fx, list, false, &st);
		snprintf(rel, sizeof(rel), "%s/thread.html", names[f]);
		free(read_out(fx, rel));
		page = read_out(fx, "index.html");
		assert_non_null(strstr(page, labels[f]));
		free(page);
	}
}

static bool tree_has(const char *dir, const char *needle)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *p = testutil_path(dir, e->d_name), *data;
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			found = tree_has(p, needle);
		else if (S_ISREG(st.st_mode) && strstr(e->d_name, ".html") &&
		         (data = testutil_read(p, NULL)) != NULL) {
			found = strstr(data, needle) != NULL;
			free(data);
		}
		free(p);
	}
	closedir(d);
	return found;
}

static void test_hostile_end_to_end(void **state)
{
	struct fx *fx = *state;
	struct export_stats st;
	struct article a;
	const char *evil = "<script>alert(1)</script><img src=x onerror=alert(1)>";

	make_list(fx, "t@example.com", "1");
	memset(&a, 0, sizeof(a));
	a.date = 1619851386;
	a.period = s(""), a.msgid = s(evil), a.in_reply_to = s(evil), a.references = s(evil);
	a.subject_raw = s(evil), a.subject = s(evil), a.author_raw = s(evil), a.author = s(evil);
	a.email = s(evil), a.datestr = s(evil);
	a.body = s("<script>x</script> javascript://%0aalert(1) <a href=\"javascript:x\">\n");
	a.body_len = strlen(a.body);
	assert_int_equal(archive_append(fx->env, "t", &a, 0, NULL), LM_OK);
	article_clear(&a);
	run(fx, "t", false, &st);
	assert_false(tree_has(fx->out, "<script"));
	assert_false(tree_has(fx->out, "<img"));
	assert_false(tree_has(fx->out, "<a href=\"javascript"));
	assert_false(tree_has(fx->out, "HREF=\"javascript"));
}

static void test_attachments_linked(void **state)
{
	struct fx *fx = *state;
	struct export_stats st;
	struct stat src, dst;
	char *dir, *file;

	make_list(fx, "t@example.com", "1");
	post(fx, "t", 1619851386, "<a@x>", "Hello", "x\n");
	dir = testutil_path(fx->dir, "data/archives/t/attachments/20210501/1f2c3de2");
	assert_int_equal(system(NULL) != 0, 1);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	file = testutil_path(dir, "attachment.bin");
	testutil_write(file, "PDFDATA", 7);
	run(fx, "t", false, &st);
	assert_int_equal(st.linked, 1);
	assert_int_equal(stat(file, &src), 0);
	stat_of(fx, "attachments/20210501/1f2c3de2/attachment.bin", &dst);
	assert_int_equal(src.st_ino, dst.st_ino); /* a hard link, not a copy */
	run(fx, "t", false, &st);
	assert_int_equal(st.linked, 0);
	free(dir), free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_full_then_incremental, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_txt_gz, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_every_frequency, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hostile_end_to_end, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_attachments_linked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
