/*
 * test_import.c: the importer and article building: golden pipermail .txt/.txt.gz periods
 * (message counts, --numbers-from mapping to the golden pages), real LKML threads checked
 * against pipermail's parent rules, --number-from, and header parsing of raw posts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "archive.h"
#include "import.h"
#include "lmerr.h"
#include "period.h"
#include "subjkey.h"
#include "testutil.h"

struct fx {
	char *dir;
	struct dbenv *env;
	struct scrub_opts so;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char *db;

	f->dir = testutil_tmpdir("import");
	db = testutil_path(f->dir, "db");
	assert_int_equal(dbenv_open(db, (size_t)1 << 30, 0, &f->env), LM_OK);
	free(db);
	f->so.list_name = "test";
	f->so.host = "example.com";
	f->so.archive_url = "http://example.com/pipermail/test/";
	f->so.storage_root = f->dir;
	f->so.lcset = "us-ascii";
	f->so.html_sanitizer = 1;
	f->so.limits = (struct scrub_limits){1 << 20, 20, 1000, 1 << 26};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	dbenv_close(f->env);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void opts_init(struct fx *f, struct import_opts *o, const char *list, const char *prefix)
{
	memset(o, 0, sizeof(*o));
	o->list = list;
	o->conf = (struct archive_conf){PERIOD_MONTHLY, "UTC", prefix};
	o->max_message = (size_t)64 << 20;
	o->scrub = &f->so;
	o->report = stderr;
}

static uint64_t import(struct fx *f, struct import_opts *o, const char *path)
{
	struct import_stats st = {0};

	assert_int_equal(import_begin(f->env, o), LM_OK);
	assert_int_equal(import_file(f->env, path, o, &st), LM_OK);
	assert_int_equal(st.skipped, 0);
	return st.archived;
}

static int hexv(int c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* The url-unquoted In-Reply-To= of a golden page: the page's Message-ID. */
static char *page_id(const char *path)
{
	char *html = testutil_read(path, NULL), *p, *out, *o;

	assert_non_null(html);
	p = strstr(html, "In-Reply-To=");
	assert_non_null(p);
	p += 12;
	out = o = calloc(1, strlen(p) + 1);
	for (; *p && *p != '"'; p++) {
		if (*p == '%') {
			*o++ = (char)(hexv(p[1]) * 16 + hexv(p[2]));
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	free(html);
	return out;
}

/* Every NNNNNN.html page of a golden period maps to the article of the same number. */
static size_t check_pages(struct fx *f, const char *list, const char *pdir, const char *period,
                          bool check_numbers)
{
	DIR *d = opendir(pdir);
	struct dirent *e;
	size_t pages = 0;
	uint32_t seq;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strspn(e->d_name, "0123456789") != 6 || strcmp(e->d_name + 6, ".html") != 0)
			continue;
		pages++;
		if (!check_numbers)
			continue;
		char *path = testutil_path(pdir, e->d_name), *id = page_id(path);
		struct article a;
		assert_int_equal(archive_find_msgid(f->env, list, id, &seq), LM_OK);
		assert_int_equal(seq, (uint32_t)strtoul(e->d_name, NULL, 10));
		assert_int_equal(archive_get(f->env, list, seq, &a), LM_OK);
		assert_string_equal(a.msgid, id);
		assert_string_equal(a.period, period);
		article_clear(&a);
		free(path);
		free(id);
	}
	closedir(d);
	return pages;
}

static void golden_period(struct fx *f, const char *lst, const char *prefix, const char *period)
{
	char rel[256], *root, *txt, *gz, *pdir;
	struct import_opts o;
	struct article a, b;
	size_t pages, arts, pers;
	uint32_t seq;
	uint64_t n;

	snprintf(rel, sizeof(rel), "golden/%s", lst);
	if ((root = testutil_corpus(rel)) == NULL)
		skip();
	snprintf(rel, sizeof(rel), "%s.txt", period);
	txt = testutil_path(root, rel);
	snprintf(rel, sizeof(rel), "%s.txt.gz", period);
	gz = testutil_path(root, rel);
	pdir = testutil_path(root, period);
	/* plain .txt: one article per page of the golden period */
	opts_init(f, &o, "plain", prefix);
	n = import(f, &o, txt);
	pages = check_pages(f, "plain", pdir, period, false);
	assert_true(pages > 0);
	assert_int_equal(n, pages);
	assert_int_equal(archive_count(f->env, "plain", &arts, &pers), LM_OK);
	assert_int_equal(arts, pages);
	/* the same file again archives nothing */
	assert_int_equal(import(f, &o, txt), 0);
	/* --numbers-from the golden tree: each Message-ID gets its page's number */
	opts_init(f, &o, "mapped", prefix);
	assert_int_equal(import_map_load(root, &o.map, NULL), LM_OK);
	assert_int_equal(import_map_count(o.map), pages);
	assert_int_equal(import(f, &o, access(gz, R_OK) == 0 ? gz : txt), pages);
	assert_int_equal(check_pages(f, "mapped", pdir, period, true), pages);
	assert_int_equal(archive_next_number(f->env, "mapped", &seq), LM_OK);
	assert_int_equal(seq, import_map_next(o.map));
	/* .txt.gz holds the same posts as .txt */
	assert_int_equal(archive_find_msgid(f->env, "mapped", a.msgid = NULL, &seq), LM_ENOENT);
	assert_int_equal(archive_get(f->env, "plain", 0, &a), LM_OK);
	assert_int_equal(archive_find_msgid(f->env, "mapped", a.msgid, &seq), LM_OK);
	assert_int_equal(archive_get(f->env, "mapped", seq, &b), LM_OK);
	assert_int_equal(a.body_len, b.body_len);
	assert_memory_equal(a.body, b.body, a.body_len);
	assert_string_equal(a.subject_raw, b.subject_raw);
	assert_string_equal(a.email, b.email);
	assert_null(strstr(a.email, " at "));
	assert_non_null(strchr(a.email, '@'));
	article_clear(&a);
	article_clear(&b);
	import_map_free(o.map);
	free(root), free(txt), free(gz), free(pdir);
}

static void test_golden_twisted(void **state)
{
	golden_period(*state, "twisted-python", "[Twisted-Python] ", "2021-May");
}

static void test_golden_imagej(void **state)
{
	golden_period(*state, "imagej-devel", "[ImageJ-devel] ", "2013-March");
}

struct thr {
	struct fx *f;
	size_t n, by_irt, checked;
};

static int check_parent(const struct article *a, void *arg)
{
	struct thr *t = arg;
	const char *lt = strchr(a->in_reply_to, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	struct article p;
	uint32_t seq;
	char id[1024];

	t->n++;
	if (gt && (size_t)(gt - lt + 1) < sizeof(id)) {
		memcpy(id, lt, (size_t)(gt - lt + 1));
		id[gt - lt + 1] = '\0';
		if (archive_find_msgid(t->f->env, "lkml", id, &seq) == LM_OK &&
		    archive_get(t->f->env, "lkml", seq, &p) == LM_OK) {
			if (strcmp(p.period, a->period) == 0 && seq < a->seq) {
				/* the In-Reply-To parent archived earlier in this period wins */
				assert_int_equal(a->parent, seq);
				t->by_irt++;
			}
			article_clear(&p);
		}
	}
	if (a->parent != ARTICLE_NO_PARENT) {
		/* a parent is always an earlier article of the same period */
		assert_true(a->parent < a->seq);
		assert_int_equal(archive_get(t->f->env, "lkml", a->parent, &p), LM_OK);
		assert_string_equal(p.period, a->period);
		t->checked++;
		article_clear(&p);
	}
	return 0;
}

static int each_period(const char *period, size_t count, bool dirty, void *arg)
{
	struct thr *t = arg;

	(void)count, (void)dirty;
	return archive_period_articles(t->f->env, "lkml", period, check_parent, t);
}

static void test_lkml_threading(void **state)
{
	struct fx *f = *state;
	char *path = testutil_corpus("mbox/notmuch-lkml-threading-corpus.mbox");
	struct import_opts o;
	struct thr t = {.f = f};

	if (path == NULL)
		skip();
	opts_init(f, &o, "lkml", NULL);
	assert_true(import(f, &o, path) > 150);
	assert_int_equal(archive_periods(f->env, "lkml", each_period, &t), LM_OK);
	assert_true(t.n > 150);
	assert_true(t.by_irt > 50);
	assert_true(t.checked >= t.by_irt);
	free(path);
}

static const char mbox_text[] = "From a@example.com Mon Feb  4 12:34:56 2019\n"
                                "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.com>\n"
                                "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n"
                                " folded\n"
                                "Date: Mon, 4 Feb 2019 12:34:56 +0000\n"
                                "Message-ID: <one@example.com>\n"
                                "\n"
                                "hello\n"
                                "\n"
                                "From b@example.com Tue Feb  5 12:34:56 2019\n"
                                "From: bob@example.com (Bob <script>)\n"
                                "Subject: Re: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n"
                                "Date: not a date at all\n"
                                "X-List-Received-Date: Tue, 05 Feb 2019 10:00:00 -0000\n"
                                "In-Reply-To: <one@example.com>\n"
                                "Message-ID: <two@example.com>\n"
                                "\n"
                                "reply\n"
                                "\n"
                                "From c@example.com Wed Feb  6 12:34:56 2019\n"
                                "Reply-To: \"Carol, C.\" <carol@example.com>\n"
                                "Subject: third\n"
                                "Date: Wed, 6 Feb 2999 12:34:56 +0000\n"
                                "Received: from x by y; Wed, 6 Feb 2019 08:00:00 +0000\n"
                                "Message-ID: <three@example.com>\n"
                                "\n"
                                "third\n"
                                "\n"
                                "From d@example.com Thu Feb  7 12:34:56 2019\n"
                                "From: <dave@example.com>\n"
                                "Message-ID: <four@example.com>\n"
                                "\n"
                                "no date, no subject\n";

static void test_raw_headers(void **state)
{
	struct fx *f = *state;
	char *path = testutil_path(f->dir, "raw.mbox");
	struct import_opts o;
	struct article a;

	testutil_write(path, mbox_text, strlen(mbox_text));
	opts_init(f, &o, "raw", "[Raw] ");
	o.number_from_set = true;
	o.number_from = 1000;
	assert_int_equal(import(f, &o, path), 4);
	assert_int_equal(archive_get(f->env, "raw", 1000, &a), LM_OK);
	assert_string_equal(a.author_raw, "=?utf-8?q?J=C3=B6rg?=");
	assert_string_equal(a.author, "J\xc3\xb6rg");
	assert_string_equal(a.email, "joerg@example.com");
	assert_string_equal(a.subject_raw, "=?utf-8?q?Gr=C3=BC=C3=9Fe?=\n folded");
	/* decode_header() keeps the plain line " folded" whole; make_header() adds a space */
	assert_string_equal(a.subject, "Gr\xc3\xbc\xc3\x9f"
	                               "e  folded");
	assert_int_equal(a.date, 1549283696);
	assert_string_equal(a.period, "2019-February");
	assert_string_equal(a.msgid, "<one@example.com>");
	assert_non_null(strstr(a.body, "hello"));
	article_clear(&a);
	assert_int_equal(archive_get(f->env, "raw", 1001, &a), LM_OK);
	assert_string_equal(a.author, "Bob <script>");
	assert_string_equal(a.email, "bob@example.com");
	assert_int_equal(a.date, 1549360800); /* X-List-Received-Date */
	assert_string_equal(a.datestr, "not a date at all");
	assert_int_equal(a.parent, 1000);
	article_clear(&a);
	assert_int_equal(archive_get(f->env, "raw", 1002, &a), LM_OK);
	assert_string_equal(a.email, "carol@example.com");  /* Reply-To when From is missing */
	assert_string_equal(a.author, "carol@example.com"); /* only the address is taken */
	assert_int_equal(a.date, 1549440000); /* 2999 is in the future: Received wins */
	article_clear(&a);
	assert_int_equal(archive_get(f->env, "raw", 1003, &a), LM_OK);
	assert_string_equal(a.email, "dave@example.com");
	assert_string_equal(a.author, "dave@example.com");
	assert_int_equal(a.date, 1549542896); /* the From_ line */
	assert_string_equal(a.datestr, "Thu, 07 Feb 2019 12:34:56 -0000");
	assert_string_equal(a.subject_raw, "");
	article_clear(&a);
	free(path);
}

static void test_number_from_below_next(void **state)
{
	struct fx *f = *state;
	char *path = testutil_path(f->dir, "raw.mbox");
	struct import_opts o;
	struct import_stats st = {0};
	uint32_t next;

	testutil_write(path, mbox_text, strlen(mbox_text));
	opts_init(f, &o, "nf", NULL);
	assert_int_equal(import(f, &o, path), 4);               /* 0..3 */
	testutil_write(path, mbox_text, strlen(mbox_text) - 3); /* last body differs */
	opts_init(f, &o, "nf", NULL);
	o.number_from_set = true;
	o.number_from = 2;
	o.report = NULL;
	assert_int_equal(import_begin(f->env, &o), LM_OK);
	assert_int_equal(import_file(f->env, path, &o, &st), LM_OK);
	/* three are retries; the changed one wants number 5 (2 + its position) and gets it */
	assert_int_equal(st.existed, 3);
	assert_int_equal(st.archived, 1);
	assert_int_equal(archive_next_number(f->env, "nf", &next), LM_OK);
	assert_int_equal(next, 6);
	free(path);
}

static void page(const char *dir, const char *period, const char *name, const char *html)
{
	char *pd = testutil_path(dir, period), *path;

	mkdir(pd, 0755);
	path = testutil_path(pd, name);
	testutil_write(path, html, strlen(html));
	free(path);
	free(pd);
}

static const char dup_mbox[] = "From x@example.com Mon Apr  1 10:00:00 2019\n"
                               "From: x@example.com\nSubject: one\n"
                               "Date: Mon, 1 Apr 2019 10:00:00 +0000\n"
                               "Message-ID: <dup@example.com>\n\nfirst copy\n\n"
                               "From x@example.com Mon Apr  1 10:00:00 2019\n"
                               "From: x@example.com\nSubject: one\n"
                               "Date: Mon, 1 Apr 2019 10:00:00 +0000\n"
                               "Message-ID: <dup@example.com>\n\nsecond copy\n\n"
                               "From x@example.com Mon Apr  1 10:00:00 2019\n"
                               "From: x@example.com\nSubject: new\n"
                               "Date: Mon, 1 Apr 2019 10:00:00 +0000\n"
                               "Message-ID: <new@example.com>\n\nnot in the old tree\n";

static void test_numbers_from_synthetic(void **state)
{
	struct fx *f = *state;
	char *old = testutil_path(f->dir, "old"), *mb = testutil_path(f->dir, "dup.mbox");
	struct import_opts o;
	struct article a;
	uint32_t seq;

	mkdir(old, 0755);
	/* a duplicate Message-ID had two pages; an index names a page without In-Reply-To */
	page(old, "2019-April", "000010.html",
	     "<A HREF=\"mailto:l%40x?In-Reply-To=%3Cdup%40example.com%3E\">");
	page(old, "2019-March", "000020.html",
	     "<A HREF=\"mailto:l%40x?In-Reply-To=%3Cdup%40example.com%3E\">");
	page(old, "2019-March", "000021.html", "old page without the link");
	page(old, "2019-March", "date.html", "<A HREF=\"000057.html\">x</A> <a href=\"../x\">");
	page(old, "..", "000099.html", "outside"); /* the parent is no period: ignored */
	testutil_write(mb, dup_mbox, strlen(dup_mbox));
	opts_init(f, &o, "syn", NULL);
	assert_int_equal(import_map_load(old, &o.map, NULL), LM_OK);
	assert_int_equal(import_map_count(o.map), 2);
	assert_int_equal(import_map_next(o.map), 58);
	assert_int_equal(import(f, &o, mb), 3);
	assert_int_equal(archive_get(f->env, "syn", 10, &a), LM_OK);
	assert_string_equal(a.body, "first copy\n");
	assert_string_equal(a.period, "2019-April");
	article_clear(&a);
	assert_int_equal(archive_get(f->env, "syn", 20, &a), LM_OK);
	assert_string_equal(a.body, "second copy\n");
	assert_string_equal(a.period, "2019-March"); /* the old tree's period is kept */
	article_clear(&a);
	assert_int_equal(archive_find_msgid(f->env, "syn", "<new@example.com>", &seq), LM_OK);
	assert_int_equal(seq, 58);
	import_map_free(o.map);
	free(old);
	free(mb);
}

static void test_txt_file_period(void **state)
{
	struct fx *f = *state;
	const char txt[] = "From joe at example.com  Fri Mar  1 03:00:00 2019\n"
	                   "From: joe at example.com (Joe)\n"
	                   "Date: Fri, 1 Mar 2019 03:00:00 +0000\n"
	                   "Subject: edge\n"
	                   "Message-ID: <edge@example.com>\n\nbody\n\n";
	char *path = testutil_path(f->dir, "2019-March.txt");
	char *other = testutil_path(f->dir, "notaperiod.txt");
	struct import_opts o;
	struct article a;

	testutil_write(path, txt, strlen(txt));
	opts_init(f, &o, "tz", NULL);
	o.conf.tz = "America/Denver"; /* 28 February there */
	assert_int_equal(import(f, &o, path), 1);
	assert_int_equal(archive_get(f->env, "tz", 0, &a), LM_OK);
	assert_string_equal(a.period, "2019-March"); /* the file it came from */
	assert_string_equal(a.email, "joe@example.com");
	assert_string_equal(a.author, "Joe");
	article_clear(&a);
	testutil_write(other, txt, strlen(txt));
	opts_init(f, &o, "tz2", NULL);
	o.conf.tz = "America/Denver";
	assert_int_equal(import(f, &o, other), 1);
	assert_int_equal(archive_get(f->env, "tz2", 0, &a), LM_OK);
	assert_string_equal(a.period, "2019-February"); /* no period in the name: the date's */
	article_clear(&a);
	free(path);
	free(other);
}

static void test_reimport_without_ids(void **state)
{
	struct fx *f = *state;
	const char eml[] = "From: someone@example.com\nSubject: no id, no date\n\nbody\n";
	char *path = testutil_path(f->dir, "noid.eml");
	struct import_opts o;
	struct import_stats st = {0};

	testutil_write(path, eml, strlen(eml));
	opts_init(f, &o, "noid", NULL);
	assert_int_equal(import(f, &o, path), 1);
	assert_int_equal(import_begin(f->env, &o), LM_OK);
	assert_int_equal(import_file(f->env, path, &o, &st), LM_OK);
	assert_int_equal(st.archived, 0);
	assert_int_equal(st.existed, 1);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_golden_twisted, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_golden_imagej, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_lkml_threading, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_raw_headers, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_number_from_below_next, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_numbers_from_synthetic, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_txt_file_period, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reimport_without_ids, setup, teardown),
	};
	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
