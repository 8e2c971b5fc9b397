/*
 * archive_store.c: appending posts to the archive: numbering, deduplication by Message-ID and
 * content hash, pipermail's per-period threading, and the period/dirty indexes, in one txn.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "archive_int.h"
#include "lmerr.h"
#include "period.h"
#include "stats.h"
#include "subjkey.h"

#define SUBJ_HASH_LEN 16

/* A batch and its precomputed, per-post values; the txn function only reads and writes LMDB. */
struct batch {
	const char *list;
	struct archive_item *items;
	size_t n;
	unsigned char (*hash)[ARCHIVE_HASH_LEN];
	unsigned char (*subj)[SUBJ_HASH_LEN];
	struct buf k, v; /* scratch keys/values */
};

static int get_u32(MDB_txn *txn, MDB_dbi dbi, const struct buf *k, uint32_t *out)
{
	MDB_val key = archive_val(k), val;
	int rc = mdb_get(txn, dbi, &key, &val);

	*out = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc == 0 && val.mv_size == 4)
		*out = archive_get_be32(val.mv_data);
	return rc == 0 && val.mv_size != 4 ? MDB_CORRUPTED : rc;
}

static int put_u32(MDB_txn *txn, MDB_dbi dbi, const struct buf *k, uint32_t v)
{
	unsigned char b[4];
	MDB_val key = archive_val(k), val = {4, b};

	archive_put_be32(b, v);
	return mdb_put(txn, dbi, &key, &val, 0);
}

/* The seqs a Message-ID was archived under (oldest first), pointing into the map. */
static int msgid_seqs(MDB_txn *txn, struct dbenv *env, struct batch *b, const char *id, size_t len,
                      const unsigned char **seqs, size_t *n)
{
	MDB_val key, val;
	int rc;

	*n = 0;
	if ((rc = archive_key_msgid(&b->k, b->list, id, len)) != LM_OK)
		return rc;
	key = archive_val(&b->k);
	rc = mdb_get(txn, dbenv_dbi(env, DB_MSGIDS), &key, &val);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	*seqs = val.mv_data;
	*n = val.mv_size / 4;
	return 0;
}

static int get_record(MDB_txn *txn, struct dbenv *env, struct batch *b, uint32_t seq, MDB_val *val)
{
	MDB_val key;
	int rc;

	if ((rc = archive_key_article(&b->k, b->list, seq)) != LM_OK)
		return rc;
	key = archive_val(&b->k);
	return mdb_get(txn, dbenv_dbi(env, DB_ARTICLES), &key, val);
}

/* "<list>\0\002" + content hash: the index of posts whose Message-ID was generated. */
static int content_key(struct batch *b, size_t i)
{
	unsigned char k[1 + ARCHIVE_HASH_LEN] = {'\002'};
	int rc;

	memcpy(k + 1, b->hash[i], ARCHIVE_HASH_LEN);
	buf_reset(&b->k);
	if ((rc = buf_append(&b->k, b->list, strlen(b->list) + 1)) != LM_OK)
		return rc;
	return buf_append(&b->k, k, sizeof(k));
}

/* A post with a generated Message-ID: archived already if its content is. */
static int dedupe_content(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i, bool *found)
{
	struct article *a = b->items[i].a, view;
	MDB_val key, val;
	int rc;

	*found = false;
	if ((rc = content_key(b, i)) != LM_OK)
		return rc;
	key = archive_val(&b->k);
	rc = mdb_get(txn, dbenv_dbi(env, DB_MSGIDS), &key, &val);
	if (rc != 0 || val.mv_size != 4)
		return rc == MDB_NOTFOUND ? 0 : rc ? rc : MDB_CORRUPTED;
	a->seq = archive_get_be32(val.mv_data);
	if ((rc = get_record(txn, env, b, a->seq, &val)) != 0 ||
	    archive_rec_view(&val, a->seq, &view) != LM_OK)
		return rc ? rc : MDB_CORRUPTED;
	*found = true;
	a->parent = view.parent;
	if (article_set(&a->msgid, view.msgid, strlen(view.msgid)) != LM_OK ||
	    article_set(&a->period, view.period, strlen(view.period)) != LM_OK)
		return LM_ENOMEM;
	return 0;
}

static int write_content_key(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i)
{
	unsigned char s[4];
	MDB_val key, val = {4, s};
	int rc;

	if (!b->items[i].a->msgid_generated)
		return 0;
	if ((rc = content_key(b, i)) != LM_OK)
		return rc;
	archive_put_be32(s, b->items[i].a->seq);
	key = archive_val(&b->k);
	return mdb_put(txn, dbenv_dbi(env, DB_MSGIDS), &key, &val, 0);
}

/* Is this post already archived (same Message-ID and content)? Sets the item when it is. */
static int dedupe(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i, bool *found)
{
	struct article *a = b->items[i].a, view;
	const unsigned char *seqs = NULL, *h;
	MDB_val val;
	size_t n, j;
	int rc;

	*found = false;
	if ((rc = msgid_seqs(txn, env, b, a->msgid, strlen(a->msgid), &seqs, &n)) != 0)
		return rc;
	for (j = n; j-- > 0 && !*found;) {
		uint32_t seq = archive_get_be32(seqs + 4 * j);
		if ((rc = get_record(txn, env, b, seq, &val)) != 0)
			return rc == MDB_NOTFOUND ? MDB_CORRUPTED : rc;
		if (archive_rec_meta(&val, &view.date, &h) != LM_OK ||
		    archive_rec_view(&val, seq, &view) != LM_OK)
			return MDB_CORRUPTED;
		if (memcmp(h, b->hash[i], ARCHIVE_HASH_LEN) != 0)
			continue;
		*found = true;
		a->seq = seq;
		a->parent = view.parent;
		if (article_set(&a->period, view.period, strlen(view.period)) != LM_OK)
			return LM_ENOMEM;
	}
	return 0;
}

/* The latest number under which id is archived in this period (0 = found), or MDB_NOTFOUND. */
static int id_in_period(MDB_txn *txn, struct dbenv *env, struct batch *b, const char *id,
                        size_t len, const char *period, uint32_t *seq)
{
	const unsigned char *seqs = NULL;
	MDB_val key, val;
	size_t n, j;
	int rc;

	if ((rc = msgid_seqs(txn, env, b, id, len, &seqs, &n)) != 0)
		return rc;
	for (j = n; j-- > 0;) {
		*seq = archive_get_be32(seqs + 4 * j);
		if ((rc = archive_key_period(&b->v, b->list, period, true, *seq)) != LM_OK)
			return rc;
		key = archive_val(&b->v);
		rc = mdb_get(txn, dbenv_dbi(env, DB_PERIODS), &key, &val);
		if (rc != MDB_NOTFOUND)
			return rc;
	}
	return MDB_NOTFOUND;
}

/* In-Reply-To as pipermail's greedy (<.*>): from the first '<' to the last '>' of the first
 * line holding both, brackets stripped; "<a> <b>" thus names no article. */
static int parent_irt(MDB_txn *txn, struct dbenv *env, struct batch *b, const struct article *a,
                      uint32_t *parent)
{
	const char *line = a->in_reply_to, *end, *lt, *gt;

	for (; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		lt = memchr(line, '<', (size_t)(end - line));
		for (gt = end; gt > line && gt[-1] != '>'; gt--)
			;
		if (lt != NULL && gt - 1 > lt)
			return id_in_period(txn, env, b, lt, (size_t)(gt - lt), a->period, parent);
	}
	return MDB_NOTFOUND;
}

/* References present in this period: the one with the latest date. */
static int parent_refs(MDB_txn *txn, struct dbenv *env, struct batch *b, const struct article *a,
                       uint32_t *parent)
{
	const char *p = a->references, *e;
	int64_t best = 0, date;
	bool any = false;
	uint32_t seq;
	MDB_val val;
	int rc;

	for (; *p; p = e) {
		p += strspn(p, " \t\r\n");
		e = p + strcspn(p, " \t\r\n");
		if (e == p)
			break;
		rc = id_in_period(txn, env, b, p, (size_t)(e - p), a->period, &seq);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc != 0 || (rc = get_record(txn, env, b, seq, &val)) != 0)
			return rc;
		if (archive_rec_meta(&val, &date, NULL) != LM_OK)
			return MDB_CORRUPTED;
		if (!any || date > best)
			best = date, *parent = seq, any = true;
	}
	return any ? 0 : MDB_NOTFOUND;
}

static int subj_key(struct batch *b, size_t i, bool with_entry)
{
	const struct article *a = b->items[i].a;
	unsigned char d[12];
	int rc;

	if ((rc = archive_key_period(&b->k, b->list, a->period, false, 0)) != LM_OK ||
	    (rc = buf_append(&b->k, b->subj[i], SUBJ_HASH_LEN)) != LM_OK || !with_entry)
		return rc;
	/* sign-flipped big-endian date sorts oldest first, then the number */
	archive_put_be64(d, (uint64_t)a->date ^ (UINT64_C(1) << 63));
	archive_put_be32(d + 8, a->seq);
	return buf_append(&b->k, d, sizeof(d));
}

/* Subject fallback: the oldest article of the period with the same subject key. */
static int parent_subject(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i,
                          uint32_t *parent)
{
	MDB_cursor *c;
	MDB_val key, val;
	size_t plen;
	int rc;

	if ((rc = subj_key(b, i, false)) != LM_OK)
		return rc;
	plen = b->k.len;
	key = archive_val(&b->k);
	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_SUBJECTS), &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	if (rc == 0 && (key.mv_size != plen + 12 || memcmp(key.mv_data, b->k.data, plen) != 0))
		rc = MDB_NOTFOUND;
	if (rc == 0)
		*parent = archive_get_be32((const unsigned char *)key.mv_data + plen + 8);
	mdb_cursor_close(c);
	return rc;
}

static int find_parent(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i)
{
	struct article *a = b->items[i].a;
	int rc;

	a->parent = ARTICLE_NO_PARENT;
	if ((rc = parent_irt(txn, env, b, a, &a->parent)) == MDB_NOTFOUND &&
	    (rc = parent_refs(txn, env, b, a, &a->parent)) == MDB_NOTFOUND)
		rc = parent_subject(txn, env, b, i, &a->parent);
	if (rc == MDB_NOTFOUND)
		a->parent = ARTICLE_NO_PARENT;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int put_empty(MDB_txn *txn, MDB_dbi dbi, const struct buf *k)
{
	MDB_val key = archive_val(k), val = {0, NULL};

	return mdb_put(txn, dbi, &key, &val, 0);
}

static int write_msgid(MDB_txn *txn, struct dbenv *env, struct batch *b, const struct article *a)
{
	const unsigned char *seqs = NULL;
	unsigned char s[4];
	MDB_val key, val;
	size_t n;
	int rc;

	if (a->msgid[0] == '\0')
		return 0;
	if ((rc = msgid_seqs(txn, env, b, a->msgid, strlen(a->msgid), &seqs, &n)) != 0)
		return rc;
	buf_reset(&b->v);
	archive_put_be32(s, a->seq);
	if ((rc = buf_append(&b->v, n ? seqs : s, 4 * n)) || (rc = buf_append(&b->v, s, 4)))
		return rc;
	key = archive_val(&b->k);
	val = archive_val(&b->v);
	return mdb_put(txn, dbenv_dbi(env, DB_MSGIDS), &key, &val, 0);
}

static int write_record(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i)
{
	const struct article *a = b->items[i].a;
	MDB_val key, val = {archive_rec_size(a), NULL};
	int rc;

	if ((rc = archive_key_article(&b->k, b->list, a->seq)) != LM_OK)
		return rc;
	key = archive_val(&b->k);
	if ((rc = mdb_put(txn, dbenv_dbi(env, DB_ARTICLES), &key, &val, MDB_RESERVE)) != 0)
		return rc;
	archive_rec_write(a, b->hash[i], val.mv_data);
	return 0;
}

/* Period membership, subject index, per-period count and the dirty mark. */
static int write_indexes(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i)
{
	const struct article *a = b->items[i].a;
	uint32_t count;
	int rc;

	if ((rc = archive_key_period(&b->k, b->list, a->period, true, a->seq)) ||
	    (rc = put_empty(txn, dbenv_dbi(env, DB_PERIODS), &b->k)))
		return rc;
	if ((rc = subj_key(b, i, true)) ||
	    (rc = put_empty(txn, dbenv_dbi(env, DB_SUBJECTS), &b->k)))
		return rc;
	if ((rc = archive_key_dirty(&b->k, b->list, a->period, true)) ||
	    (rc = get_u32(txn, dbenv_dbi(env, DB_META), &b->k, &count)) ||
	    (rc = put_u32(txn, dbenv_dbi(env, DB_META), &b->k, count + 1)))
		return rc;
	if ((rc = archive_key_dirty(&b->k, b->list, a->period, false)))
		return rc;
	return put_u32(txn, dbenv_dbi(env, DB_DIRTY), &b->k, count + 1);
}

static int number_taken(MDB_txn *txn, struct dbenv *env, struct batch *b, uint32_t seq)
{
	MDB_val val;
	int rc = get_record(txn, env, b, seq, &val);

	return rc == MDB_NOTFOUND ? 0 : rc == 0 ? LM_EEXIST : rc;
}

static int append_one(MDB_txn *txn, struct dbenv *env, struct batch *b, size_t i, uint32_t *next)
{
	struct archive_item *it = &b->items[i];
	struct article *a = it->a;
	bool found = false;
	int rc = 0;

	if (a->msgid_generated)
		rc = dedupe_content(txn, env, b, i, &found);
	else if (a->msgid[0])
		rc = dedupe(txn, env, b, i, &found);
	if (rc != 0)
		return rc;
	if ((it->existed = found))
		return 0;
	if (it->number != 0 && (rc = number_taken(txn, env, b, it->number)) != 0) {
		if (rc != LM_EEXIST)
			return rc;
		it->rc = LM_EEXIST;
		return 0;
	}
	if (it->number == 0 && *next == UINT32_MAX)
		return LM_ETOOBIG;
	a->seq = it->number ? it->number : *next;
	if ((rc = find_parent(txn, env, b, i)) || (rc = write_record(txn, env, b, i)) ||
	    (rc = write_msgid(txn, env, b, a)) || (rc = write_content_key(txn, env, b, i)) ||
	    (rc = write_indexes(txn, env, b, i)))
		return rc;
	if (a->seq >= *next)
		*next = a->seq == UINT32_MAX ? UINT32_MAX : a->seq + 1;
	return it->live ? stats_incr(txn, env, b->list, "posts", 1) : 0;
}

static int batch_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct batch *b = arg;
	uint32_t next;
	size_t i;
	int rc;

	if ((rc = archive_key_next(&b->k, b->list)) ||
	    (rc = get_u32(txn, dbenv_dbi(env, DB_META), &b->k, &next)))
		return rc;
	for (i = 0; i < b->n; i++) {
		b->items[i].rc = LM_OK;
		b->items[i].existed = false;
		if ((rc = append_one(txn, env, b, i, &next)) != 0)
			return rc;
	}
	if ((rc = archive_key_next(&b->k, b->list)) != LM_OK)
		return rc;
	return put_u32(txn, dbenv_dbi(env, DB_META), &b->k, next);
}

/* A forced period becomes a directory name: letters, digits and '-' only. */
static bool valid_period(const char *p)
{
	size_t n = strlen(p);

	return n > 0 && n < 64 &&
	       strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789-") == n;
}

/* Period, content hash and subject-key hash of every post, before the transaction. */
static int batch_prepare(struct batch *b, const struct archive_conf *conf)
{
	unsigned char md[32];
	struct buf tmp;
	size_t i;
	int rc = LM_OK;

	buf_init(&tmp, BUF_CAP_SMALL);
	for (i = 0; i < b->n && rc == LM_OK; i++) {
		struct article *a = b->items[i].a;
		buf_reset(&tmp);
		if (b->items[i].period != NULL)
			rc = valid_period(b->items[i].period) ? buf_puts(&tmp, b->items[i].period)
			                                      : LM_EINVAL;
		else
			rc = period_name(a->date, conf->freq, conf->tz, &tmp);
		if (rc != LM_OK || (rc = article_set(&a->period, tmp.data, tmp.len)) != LM_OK ||
		    (rc = archive_content_hash(a, b->hash[i])) != LM_OK)
			break;
		buf_reset(&tmp);
		if ((rc = subjkey_make(a->subject, conf->subject_prefix, &tmp)) == LM_ETOOBIG)
			rc = LM_OK; /* hostile giant subject: its truncated key still threads */
		if (rc == LM_OK &&
		    !EVP_Digest(tmp.data ? tmp.data : "", tmp.len, md, NULL, EVP_sha256(), NULL))
			rc = LM_ENOMEM;
		if (rc == LM_OK)
			memcpy(b->subj[i], md, SUBJ_HASH_LEN);
	}
	buf_free(&tmp);
	return rc;
}

int archive_append_batch(struct dbenv *env, const char *list, const struct archive_conf *conf,
                         struct archive_item *items, size_t n)
{
	struct batch b = {.list = list, .items = items, .n = n};
	int rc;

	if (archive_check_list(list) != LM_OK)
		return LM_EINVAL;
	if (n == 0)
		return LM_OK;
	b.hash = calloc(n, sizeof(*b.hash));
	b.subj = calloc(n, sizeof(*b.subj));
	buf_init(&b.k, BUF_CAP_SMALL);
	buf_init(&b.v, (size_t)64 * 1024 * 1024);
	if (b.hash == NULL || b.subj == NULL)
		rc = LM_ENOMEM;
	else if ((rc = batch_prepare(&b, conf)) == LM_OK)
		rc = dbenv_write(env, batch_fn, &b);
	free(b.hash);
	free(b.subj);
	buf_free(&b.k);
	buf_free(&b.v);
	return rc;
}
