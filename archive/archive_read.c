/*
 * archive_read.c: reading the archive: one article, Message-ID lookup, counters, the period
 * and dirty indexes the exporter walks, and clearing dirty marks after an export.
 */
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"
#include "lmerr.h"

struct rd {
	const char *list;
	const char *period;
	const char *msgid;
	uint32_t seq;
	struct article *out;
	size_t count, periods;
	int (*pfn)(const char *period, size_t count, bool dirty, void *arg);
	int (*afn)(const struct article *a, void *arg);
	void *arg;
	struct buf k, k2;
};

static void rd_init(struct rd *r, const char *list)
{
	memset(r, 0, sizeof(*r));
	r->list = list;
	buf_init(&r->k, BUF_CAP_SMALL);
	buf_init(&r->k2, BUF_CAP_SMALL);
}

static int rd_done(struct rd *r, int rc)
{
	buf_free(&r->k);
	buf_free(&r->k2);
	return rc;
}

static int copy_article(const struct article *v, struct article *out)
{
	struct article a;
	int rc;

	if ((rc = article_init(&a)) != LM_OK)
		return rc;
	a.seq = v->seq, a.date = v->date, a.parent = v->parent, a.body_len = v->body_len;
	if ((rc = article_set(&a.period, v->period, strlen(v->period))) ||
	    (rc = article_set(&a.msgid, v->msgid, strlen(v->msgid))) ||
	    (rc = article_set(&a.in_reply_to, v->in_reply_to, strlen(v->in_reply_to))) ||
	    (rc = article_set(&a.references, v->references, strlen(v->references))) ||
	    (rc = article_set(&a.subject_raw, v->subject_raw, strlen(v->subject_raw))) ||
	    (rc = article_set(&a.subject, v->subject, strlen(v->subject))) ||
	    (rc = article_set(&a.author_raw, v->author_raw, strlen(v->author_raw))) ||
	    (rc = article_set(&a.author, v->author, strlen(v->author))) ||
	    (rc = article_set(&a.email, v->email, strlen(v->email))) ||
	    (rc = article_set(&a.datestr, v->datestr, strlen(v->datestr))) ||
	    (rc = article_set(&a.body, v->body, v->body_len))) {
		article_clear(&a);
		return rc;
	}
	*out = a;
	return LM_OK;
}

static int view_at(MDB_txn *txn, struct dbenv *env, struct rd *r, uint32_t seq,
                   struct article *view)
{
	MDB_val key, val;
	int rc;

	if ((rc = archive_key_article(&r->k2, r->list, seq)) != LM_OK)
		return rc;
	key = archive_val(&r->k2);
	if ((rc = mdb_get(txn, dbenv_dbi(env, DB_ARTICLES), &key, &val)) != 0)
		return rc == MDB_NOTFOUND ? LM_ENOENT : rc;
	return archive_rec_view(&val, seq, view);
}

static int get_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	struct article v;
	int rc;

	if ((rc = view_at(txn, env, r, r->seq, &v)) != LM_OK)
		return rc;
	return copy_article(&v, r->out);
}

int archive_get(struct dbenv *env, const char *list, uint32_t seq, struct article *out)
{
	struct rd r;

	if (archive_check_list(list) != LM_OK)
		return LM_ENOENT;
	rd_init(&r, list);
	r.seq = seq;
	r.out = out;
	return rd_done(&r, dbenv_read(env, get_fn, &r));
}

static int msgid_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	MDB_val key, val;
	int rc;

	if ((rc = archive_key_msgid(&r->k, r->list, r->msgid, strlen(r->msgid))) != LM_OK)
		return rc;
	key = archive_val(&r->k);
	if ((rc = mdb_get(txn, dbenv_dbi(env, DB_MSGIDS), &key, &val)) != 0)
		return rc == MDB_NOTFOUND ? LM_ENOENT : rc;
	if (val.mv_size < 4 || val.mv_size % 4)
		return LM_EDB;
	r->seq = archive_get_be32((const unsigned char *)val.mv_data + val.mv_size - 4);
	return LM_OK;
}

int archive_find_msgid(struct dbenv *env, const char *list, const char *msgid, uint32_t *seq)
{
	struct rd r;
	int rc;

	if (archive_check_list(list) != LM_OK || msgid == NULL || *msgid == '\0')
		return LM_ENOENT;
	rd_init(&r, list);
	r.msgid = msgid;
	if ((rc = dbenv_read(env, msgid_fn, &r)) == LM_OK)
		*seq = r.seq;
	return rd_done(&r, rc);
}

static int next_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	MDB_val key, val;
	int rc;

	if ((rc = archive_key_next(&r->k, r->list)) != LM_OK)
		return rc;
	key = archive_val(&r->k);
	rc = mdb_get(txn, dbenv_dbi(env, DB_META), &key, &val);
	if (rc == MDB_NOTFOUND)
		return LM_OK;
	if (rc == 0 && val.mv_size != 4)
		return LM_EDB;
	if (rc == 0)
		r->seq = archive_get_be32(val.mv_data);
	return rc;
}

int archive_next_number(struct dbenv *env, const char *list, uint32_t *next)
{
	struct rd r;
	int rc;

	if (archive_check_list(list) != LM_OK)
		return LM_EINVAL;
	rd_init(&r, list);
	if ((rc = dbenv_read(env, next_fn, &r)) == LM_OK)
		*next = r.seq;
	return rd_done(&r, rc);
}

static int reserve_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	uint32_t want = r->count ? (uint32_t)r->count : 0;
	unsigned char b[4];
	MDB_val key, val = {4, b};
	int rc;

	r->seq = 0;
	if ((rc = next_fn(txn, env, r)) != LM_OK || r->seq >= want)
		return rc;
	archive_put_be32(b, want);
	key = archive_val(&r->k);
	return mdb_put(txn, dbenv_dbi(env, DB_META), &key, &val, 0);
}

int archive_reserve_numbers(struct dbenv *env, const char *list, uint32_t next)
{
	struct rd r;

	if (archive_check_list(list) != LM_OK)
		return LM_EINVAL;
	rd_init(&r, list);
	r.count = next;
	return rd_done(&r, dbenv_write(env, reserve_fn, &r));
}

/* One "pcount:<list>\0<period>" entry: count it and report it with its dirty mark. */
static int one_period(MDB_txn *txn, struct dbenv *env, struct rd *r, const MDB_val *key,
                      const MDB_val *val, size_t plen)
{
	uint32_t count = val->mv_size == 4 ? archive_get_be32(val->mv_data) : 0;
	MDB_val dk, dv;
	int rc;

	buf_reset(&r->k2);
	if ((rc = buf_append(&r->k2, (char *)key->mv_data + plen, key->mv_size - plen)) != LM_OK)
		return rc;
	r->count += count;
	r->periods++;
	if (r->pfn == NULL)
		return LM_OK;
	if ((rc = archive_key_dirty(&r->k, r->list, r->k2.data, false)) != LM_OK)
		return rc;
	dk = archive_val(&r->k);
	rc = mdb_get(txn, dbenv_dbi(env, DB_DIRTY), &dk, &dv);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if ((rc = r->pfn(r->k2.data, count, rc == 0, r->arg)) != 0)
		return rc;
	/* the cursor loop compares keys against the prefix in r->k */
	return archive_key_dirty(&r->k, r->list, "", true);
}

/* Walk DB_META "pcount:<list>\0<period>" keys. */
static int periods_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	MDB_cursor *c;
	MDB_val key, val;
	size_t plen;
	int rc;

	if ((rc = archive_key_dirty(&r->k, r->list, "", true)) != LM_OK)
		return rc;
	plen = r->k.len;
	key = archive_val(&r->k);
	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_META), &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		if (key.mv_size <= plen || memcmp(key.mv_data, r->k.data, plen) != 0)
			break;
		if ((rc = one_period(txn, env, r, &key, &val, plen)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? LM_OK : rc;
}

int archive_periods(struct dbenv *env, const char *list,
                    int (*fn)(const char *period, size_t count, bool dirty, void *arg), void *arg)
{
	struct rd r;

	if (archive_check_list(list) != LM_OK)
		return LM_OK;
	rd_init(&r, list);
	r.pfn = fn;
	r.arg = arg;
	return rd_done(&r, dbenv_read(env, periods_fn, &r));
}

int archive_count(struct dbenv *env, const char *list, size_t *articles, size_t *periods)
{
	struct rd r;
	int rc;

	*articles = *periods = 0;
	if (archive_check_list(list) != LM_OK)
		return LM_OK;
	rd_init(&r, list);
	if ((rc = dbenv_read(env, periods_fn, &r)) == LM_OK)
		*articles = r.count, *periods = r.periods;
	return rd_done(&r, rc);
}

static int articles_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	struct article v;
	MDB_cursor *c;
	MDB_val key, val;
	size_t plen;
	int rc;

	if ((rc = archive_key_period(&r->k, r->list, r->period, false, 0)) != LM_OK)
		return rc;
	plen = r->k.len;
	key = archive_val(&r->k);
	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_PERIODS), &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		if (key.mv_size != plen + 4 || memcmp(key.mv_data, r->k.data, plen) != 0)
			break;
		rc = view_at(txn, env, r, archive_get_be32((unsigned char *)key.mv_data + plen),
		             &v);
		if (rc != LM_OK || (rc = r->afn(&v, r->arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? LM_OK : rc;
}

int archive_period_articles(struct dbenv *env, const char *list, const char *period,
                            int (*fn)(const struct article *a, void *arg), void *arg)
{
	struct rd r;

	if (archive_check_list(list) != LM_OK)
		return LM_OK;
	rd_init(&r, list);
	r.period = period;
	r.afn = fn;
	r.arg = arg;
	return rd_done(&r, dbenv_read(env, articles_fn, &r));
}

static int mark_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rd *r = arg;
	MDB_val key, val;
	int rc;

	if ((rc = archive_key_dirty(&r->k, r->list, r->period, false)) != LM_OK)
		return rc;
	key = archive_val(&r->k);
	rc = mdb_get(txn, dbenv_dbi(env, DB_DIRTY), &key, &val);
	if (rc == MDB_NOTFOUND)
		return LM_OK;
	if (rc != 0)
		return rc;
	/* the value is the period's count when it was last changed */
	if (r->seq == 1 && val.mv_size == 4 && archive_get_be32(val.mv_data) != r->count)
		return LM_OK;
	rc = mdb_del(txn, dbenv_dbi(env, DB_DIRTY), &key, NULL);
	return rc == MDB_NOTFOUND ? LM_OK : rc;
}

int archive_mark_exported(struct dbenv *env, const char *list, const char *period)
{
	struct rd r;

	if (archive_check_list(list) != LM_OK)
		return LM_OK;
	rd_init(&r, list);
	r.period = period;
	return rd_done(&r, dbenv_write(env, mark_fn, &r));
}

int archive_mark_exported_at(struct dbenv *env, const char *list, const char *period, size_t count)
{
	struct rd r;

	if (archive_check_list(list) != LM_OK)
		return LM_OK;
	rd_init(&r, list);
	r.period = period;
	r.seq = 1;
	r.count = count;
	return rd_done(&r, dbenv_write(env, mark_fn, &r));
}
