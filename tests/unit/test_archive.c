/*
 * test_archive.c: the LMDB archive store: numbering, retry dedupe, duplicate Message-IDs,
 * explicit numbers, pipermail threading rules, period/dirty indexes and byte-exact storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "lists.h"
#include "lmerr.h"
#include "period.h"
#include "stats.h"
#include "testutil.h"

#define FEB4 INT64_C(1549283696) /* 2019-02-04 12:34:56 UTC */
#define DAY  86400

static const struct archive_conf conf = {PERIOD_MONTHLY, "UTC", "[Test] "};

struct fx {
	char *dir;
	struct dbenv *env;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char *db;

	f->dir = testutil_tmpdir("archive");
	db = testutil_path(f->dir, "db");
	assert_int_equal(dbenv_open(db, (size_t)1 << 30, 0, &f->env), LM_OK);
	free(db);
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

static void mk(struct article *a, const char *msgid, const char *subject, int64_t date,
               const char *body)
{
	assert_int_equal(article_init(a), LM_OK);
	assert_int_equal(article_set(&a->msgid, msgid, strlen(msgid)), LM_OK);
	assert_int_equal(article_set(&a->subject, subject, strlen(subject)), LM_OK);
	assert_int_equal(article_set(&a->subject_raw, subject, strlen(subject)), LM_OK);
	assert_int_equal(article_set(&a->author, "Joe", 3), LM_OK);
	assert_int_equal(article_set(&a->email, "joe@example.com", 15), LM_OK);
	assert_int_equal(article_set(&a->body, body, strlen(body)), LM_OK);
	a->body_len = strlen(body);
	a->date = date;
}

/* Append one post; returns its rc, sets seq/existed. */
static int put(struct fx *f, struct article *a, uint32_t number, bool *existed)
{
	struct archive_item it = {.a = a, .number = number};
	int rc = archive_append_batch(f->env, "test", &conf, &it, 1);

	if (existed)
		*existed = it.existed;
	return rc != LM_OK ? rc : it.rc;
}

static uint32_t add(struct fx *f, const char *msgid, const char *subject, int64_t date,
                    const char *irt, const char *refs, uint32_t *parent)
{
	struct article a;
	bool existed;
	uint32_t seq;

	mk(&a, msgid, subject, date, "body\n");
	assert_int_equal(article_set(&a.in_reply_to, irt, strlen(irt)), LM_OK);
	assert_int_equal(article_set(&a.references, refs, strlen(refs)), LM_OK);
	assert_int_equal(put(f, &a, 0, &existed), LM_OK);
	assert_false(existed);
	seq = a.seq;
	if (parent)
		*parent = a.parent;
	article_clear(&a);
	return seq;
}

static void test_numbering_dedupe(void **state)
{
	struct fx *f = *state;
	struct article a, b, got;
	uint32_t next, seq;
	bool existed;

	assert_int_equal(archive_next_number(f->env, "test", &next), LM_OK);
	assert_int_equal(next, 0);
	mk(&a, "<a@x>", "Hello", FEB4, "first\n");
	assert_int_equal(put(f, &a, 0, &existed), LM_OK);
	assert_false(existed);
	assert_int_equal(a.seq, 0);
	assert_string_equal(a.period, "2019-February");
	/* a retry is a no-op with the same number */
	a.seq = 99;
	assert_int_equal(put(f, &a, 0, &existed), LM_OK);
	assert_true(existed);
	assert_int_equal(a.seq, 0);
	assert_int_equal(archive_next_number(f->env, "test", &next), LM_OK);
	assert_int_equal(next, 1);
	/* same Message-ID, different content: its own number (pipermail) */
	mk(&b, "<a@x>", "Hello", FEB4, "second\n");
	assert_int_equal(put(f, &b, 0, &existed), LM_OK);
	assert_false(existed);
	assert_int_equal(b.seq, 1);
	assert_int_equal(archive_find_msgid(f->env, "test", "<a@x>", &seq), LM_OK);
	assert_int_equal(seq, 1);
	/* retrying the FIRST copy still finds it, though the index's latest is the second */
	assert_int_equal(put(f, &a, 0, &existed), LM_OK);
	assert_true(existed);
	assert_int_equal(a.seq, 0);
	assert_int_equal(archive_get(f->env, "test", 1, &got), LM_OK);
	assert_string_equal(got.body, "second\n");
	assert_int_equal(got.seq, 1);
	article_clear(&got);
	assert_int_equal(archive_get(f->env, "test", 2, &got), LM_ENOENT);
	assert_int_equal(archive_find_msgid(f->env, "test", "<nope@x>", &seq), LM_ENOENT);
	assert_int_equal(archive_find_msgid(f->env, "other", "<a@x>", &seq), LM_ENOENT);
	article_clear(&a);
	article_clear(&b);
}

static void test_number_from(void **state)
{
	struct fx *f = *state;
	struct article a, b;
	uint32_t next;

	mk(&a, "<n1@x>", "One", FEB4, "one\n");
	assert_int_equal(put(f, &a, 100, NULL), LM_OK);
	assert_int_equal(a.seq, 100);
	assert_int_equal(archive_next_number(f->env, "test", &next), LM_OK);
	assert_int_equal(next, 101);
	mk(&b, "<n2@x>", "Two", FEB4, "two\n");
	assert_int_equal(put(f, &b, 100, NULL), LM_EEXIST);
	assert_int_equal(put(f, &b, 50, NULL), LM_OK); /* a free hole below next */
	assert_int_equal(b.seq, 50);
	assert_int_equal(archive_next_number(f->env, "test", &next), LM_OK);
	assert_int_equal(next, 101);
	assert_int_equal(archive_reserve_numbers(f->env, "test", 5000), LM_OK);
	assert_int_equal(archive_reserve_numbers(f->env, "test", 10), LM_OK); /* never lowers */
	assert_int_equal(archive_next_number(f->env, "test", &next), LM_OK);
	assert_int_equal(next, 5000);
	article_clear(&a);
	article_clear(&b);
}

static void test_threading(void **state)
{
	struct fx *f = *state;
	uint32_t root, r1, r2, p, x;

	root = add(f, "<root@x>", "[Test] Topic", FEB4, "", "", &p);
	assert_int_equal(p, ARTICLE_NO_PARENT);
	/* In-Reply-To: pipermail's greedy <.*> on one line; a trailing comment is harmless */
	r1 = add(f, "<r1@x>", "Other words", FEB4 + 100, "<root@x> (Joe's message)", "", &p);
	assert_int_equal(p, root);
	/* two ids make one bogus id: no In-Reply-To parent, References decide */
	add(f, "<r3@x>", "Third words", FEB4 + 110, "<r1@x> <root@x>", "<root@x>", &p);
	assert_int_equal(p, root);
	add(f, "<r4@x>", "Fourth words", FEB4 + 120, "\n <r1@x>", "", &p);
	assert_int_equal(p, r1);
	r2 = add(f, "<r2@x>", "Different", FEB4 + 50, "", "", &p);
	assert_int_equal(p, ARTICLE_NO_PARENT);
	/* References: among ids in the period, the latest DATE (r1), not the last position */
	x = add(f, "<x1@x>", "Zzz", FEB4 + 200, "<unknown@x>", "<r1@x> <r2@x> <gone@x>", &p);
	assert_int_equal(p, r1);
	(void)x;
	/* subject fallback: the oldest with the same key, prefix and Re:/AW: ignored */
	add(f, "<s1@x>", "Re: [Test] AW: topic", FEB4 + 300, "", "", &p);
	assert_int_equal(p, root);
	/* no reply headers at all still threads by subject */
	add(f, "<s2@x>", "Different", FEB4 + 400, "", "", &p);
	assert_int_equal(p, r2);
	/* a parent in another period is invisible: March post replying to February */
	add(f, "<m1@x>", "New in March", FEB4 + 30 * DAY, "<root@x>", "<root@x>", &p);
	assert_int_equal(p, ARTICLE_NO_PARENT);
	add(f, "<m2@x>", "[Test] Topic", FEB4 + 31 * DAY, "", "", &p);
	assert_int_equal(p, ARTICLE_NO_PARENT);
}

struct collect {
	char names[8][32];
	size_t counts[8];
	bool dirty[8];
	int n;
	uint32_t seqs[16];
	int nseq;
};

static int period_cb(const char *period, size_t count, bool dirty, void *arg)
{
	struct collect *c = arg;

	assert_true(c->n < 8);
	snprintf(c->names[c->n], sizeof(c->names[0]), "%s", period);
	c->counts[c->n] = count;
	c->dirty[c->n++] = dirty;
	return 0;
}

static int article_cb(const struct article *a, void *arg)
{
	struct collect *c = arg;

	assert_true(c->nseq < 16);
	assert_string_equal(a->period, "2019-February");
	c->seqs[c->nseq++] = a->seq;
	return 0;
}

static void test_periods(void **state)
{
	struct fx *f = *state;
	struct collect c = {0};
	size_t arts, pers;

	add(f, "<p1@x>", "a", FEB4 + 30 * DAY, "", "", NULL);
	add(f, "<p2@x>", "b", FEB4, "", "", NULL);
	add(f, "<p3@x>", "c", FEB4 - 10 * DAY, "", "", NULL);
	add(f, "<p4@x>", "d", FEB4 + 1, "", "", NULL);
	assert_int_equal(archive_periods(f->env, "test", period_cb, &c), LM_OK);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.names[0], "2019-February");
	assert_int_equal(c.counts[0], 2);
	assert_string_equal(c.names[1], "2019-January");
	assert_string_equal(c.names[2], "2019-March");
	assert_true(c.dirty[0] && c.dirty[1] && c.dirty[2]);
	assert_int_equal(archive_period_articles(f->env, "test", "2019-February", article_cb, &c),
	                 LM_OK);
	assert_int_equal(c.nseq, 2);
	assert_int_equal(c.seqs[0], 1);
	assert_int_equal(c.seqs[1], 3);
	/* an export that saw 1 post does not clear a period that has 2 */
	assert_int_equal(archive_mark_exported_at(f->env, "test", "2019-February", 1), LM_OK);
	assert_int_equal(archive_mark_exported_at(f->env, "test", "2019-January", 1), LM_OK);
	assert_int_equal(archive_mark_exported(f->env, "test", "2019-March"), LM_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(archive_periods(f->env, "test", period_cb, &c), LM_OK);
	assert_true(c.dirty[0]);
	assert_false(c.dirty[1]);
	assert_false(c.dirty[2]);
	assert_int_equal(archive_count(f->env, "test", &arts, &pers), LM_OK);
	assert_int_equal(arts, 4);
	assert_int_equal(pers, 3);
	assert_int_equal(archive_count(f->env, "tes", &arts, &pers), LM_OK);
	assert_int_equal(arts, 0);
}

static void test_hostile_bytes(void **state)
{
	struct fx *f = *state;
	struct article a, got;
	char all[256], body[600];
	char longid[2000];
	uint32_t seq;
	int i;

	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	for (i = 0; i < 600; i++)
		body[i] = (char)(i * 7);
	memset(longid, 'x', sizeof(longid));
	longid[0] = '<';
	longid[sizeof(longid) - 2] = '>';
	longid[sizeof(longid) - 1] = '\0';
	mk(&a, longid, all, FEB4, "");
	assert_int_equal(article_set(&a.body, body, sizeof(body)), LM_OK);
	a.body_len = sizeof(body);
	assert_int_equal(article_set(&a.author_raw, "<script>alert(1)</script>", 25), LM_OK);
	assert_int_equal(article_set(&a.references, all, 255), LM_OK);
	assert_int_equal(article_set(&a.in_reply_to, "\"><img src=x>", 13), LM_OK);
	assert_int_equal(article_set(&a.datestr, "../../etc/passwd\r\n", 18), LM_OK);
	assert_int_equal(put(f, &a, 0, NULL), LM_OK);
	assert_int_equal(archive_get(f->env, "test", a.seq, &got), LM_OK);
	assert_string_equal(got.subject, all);
	assert_string_equal(got.subject_raw, all);
	assert_string_equal(got.references, all);
	assert_string_equal(got.msgid, longid);
	assert_string_equal(got.author_raw, "<script>alert(1)</script>");
	assert_string_equal(got.in_reply_to, "\"><img src=x>");
	assert_string_equal(got.datestr, "../../etc/passwd\r\n");
	assert_int_equal(got.body_len, sizeof(body));
	assert_memory_equal(got.body, body, sizeof(body));
	assert_int_equal(got.date, FEB4);
	assert_int_equal(archive_find_msgid(f->env, "test", longid, &seq), LM_OK);
	assert_int_equal(seq, a.seq);
	article_clear(&got);
	article_clear(&a);
	/* list names that cannot be keys are refused, not truncated */
	mk(&a, "<y@x>", "s", FEB4, "b");
	memset(longid, 'l', 200);
	longid[200] = '\0';
	{
		struct archive_item it = {.a = &a};
		assert_int_equal(archive_append_batch(f->env, longid, &conf, &it, 1), LM_EINVAL);
		assert_int_equal(archive_append_batch(f->env, "", &conf, &it, 1), LM_EINVAL);
	}
	article_clear(&a);
}

static void test_batch(void **state)
{
	struct fx *f = *state;
	struct article a[600];
	struct archive_item it[600];
	char id[32];
	int i;

	for (i = 0; i < 600; i++) {
		snprintf(id, sizeof(id), "<b%d@x>", i);
		mk(&a[i], id, i % 2 ? "Re: Batch" : "Batch", FEB4 + i, "same body\n");
		it[i] = (struct archive_item){.a = &a[i]};
	}
	/* the last one repeats the first: dedupe also works inside one batch */
	article_clear(&a[599]);
	mk(&a[599], "<b0@x>", "Batch", FEB4, "same body\n");
	assert_int_equal(archive_append_batch(f->env, "test", &conf, it, 600), LM_OK);
	for (i = 0; i < 599; i++) {
		assert_int_equal(it[i].rc, LM_OK);
		assert_int_equal(a[i].seq, (uint32_t)i);
	}
	assert_true(it[599].existed);
	assert_int_equal(a[599].seq, 0);
	assert_int_equal(a[1].parent, 0); /* subject fallback to the oldest */
	assert_int_equal(a[598].parent, 0);
	for (i = 0; i < 600; i++)
		article_clear(&a[i]);
}

static void test_append_for_list(void **state)
{
	struct fx *f = *state;
	const char *kv[] = {"archive_volume_frequency=3", "archive_timezone=America/Denver",
	                    "subject_prefix=[Demo] "};
	struct article a, b;
	bool existed = true;

	assert_int_equal(lists_create(f->env, "demo@example.org", kv, 3, NULL), LM_OK);
	/* Monday 2019-02-04 03:00 UTC is Sunday evening in Denver */
	mk(&a, "<l1@x>", "[Demo] Hi", 1549249200, "x\n");
	assert_int_equal(archive_append(f->env, "demo", &a, 0, &existed), LM_OK);
	assert_false(existed);
	assert_int_equal(a.seq, 0);
	assert_string_equal(a.period, "Week-of-Mon-20190128");
	mk(&b, "<l2@x>", "Re: Hi", 1549249300, "y\n");
	assert_int_equal(archive_append(f->env, "demo@example.org", &b, 0, NULL), LM_OK);
	assert_int_equal(b.parent, 0); /* subject threading with the list's prefix */
	assert_int_equal(archive_append(f->env, "demo", &a, 0, &existed), LM_OK);
	assert_true(existed);
	assert_int_equal(archive_append(f->env, "nosuch", &a, 0, NULL), LM_ENOENT);
	article_clear(&a);
	article_clear(&b);
}

/* A live post counts in "posts" in its own append; a retry and an import do not. */
static void test_post_counts(void **state)
{
	struct fx *f = *state;
	struct article a, b;
	struct stats st;
	bool existed = true;

	assert_int_equal(lists_create(f->env, "cnt@example.org", NULL, 0, NULL), LM_OK);
	mk(&a, "<c1@x>", "Hi", FEB4, "x\n");
	mk(&b, "<c2@x>", "Imported", FEB4, "y\n");
	assert_int_equal(archive_post(f->env, "cnt", &a, &existed), LM_OK);
	assert_false(existed);
	assert_int_equal(archive_post(f->env, "cnt", &a, &existed), LM_OK); /* an MTA retry */
	assert_true(existed);
	assert_int_equal(archive_append(f->env, "cnt", &b, 0, NULL), LM_OK);
	assert_int_equal(stats_get(f->env, "cnt", &st), LM_OK);
	assert_int_equal(st.count[STATS_POSTS], 1);
	assert_int_equal(b.seq, 1);
	assert_int_equal(archive_post(f->env, "nosuch", &a, NULL), LM_ENOENT);
	article_clear(&a);
	article_clear(&b);
}

static void test_generated_msgid(void **state)
{
	struct fx *f = *state;
	struct article a, b, c;
	bool existed;

	mk(&a, "<mailman.1.1549283696.1.test@x>", "No id", FEB4, "same\n");
	a.msgid_generated = true;
	assert_int_equal(put(f, &a, 0, &existed), LM_OK);
	assert_false(existed);
	/* the retry got another generated id: same content, so it is the same post */
	mk(&b, "<mailman.2.1549283999.1.test@x>", "No id", FEB4, "same\n");
	b.msgid_generated = true;
	assert_int_equal(put(f, &b, 0, &existed), LM_OK);
	assert_true(existed);
	assert_int_equal(b.seq, a.seq);
	assert_string_equal(b.msgid, a.msgid);
	/* a post with a real, different id and the same content is another post */
	mk(&c, "<real@x>", "No id", FEB4, "same\n");
	assert_int_equal(put(f, &c, 0, &existed), LM_OK);
	assert_false(existed);
	assert_int_equal(c.seq, a.seq + 1);
	article_clear(&a);
	article_clear(&b);
	article_clear(&c);
	/* attachment URLs name a directory after the generated id: a retry's differ there only */
	mk(&a, "<mailman.3.1.1.test@x>", "Att", FEB4,
	   "URL: <http://h/pipermail/test/attachments/20190204/1f2c3de2/attachment.bin>\n");
	a.msgid_generated = true;
	assert_int_equal(put(f, &a, 0, &existed), LM_OK);
	assert_false(existed);
	mk(&b, "<mailman.4.2.2.test@x>", "Att", FEB4,
	   "URL: <http://h/pipermail/test/attachments/20190204/9a8b7c6d/attachment.bin>\n");
	b.msgid_generated = true;
	assert_int_equal(put(f, &b, 0, &existed), LM_OK);
	assert_true(existed);
	assert_int_equal(b.seq, a.seq);
	mk(&c, "<mailman.5.3.3.test@x>", "Att", FEB4,
	   "URL: <http://h/pipermail/test/attachments/20190204/9a8b7c6d/attachment-0001.bin>\n");
	c.msgid_generated = true;
	assert_int_equal(put(f, &c, 0, &existed), LM_OK);
	assert_false(existed); /* another file name is other content */
	article_clear(&a);
	article_clear(&b);
	article_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_numbering_dedupe, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_number_from, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_threading, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hostile_bytes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_generated_msgid, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_append_for_list, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_post_counts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
