/*
 * postid.c: Mailman's post_id (the number a "%d" subject prefix shows) kept per list in
 * DB_META, and the retry-stable identity of a post that numbering and Message-IDs hang on.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lmdb.h>
#include <openssl/evp.h>

#include "dbenv.h"
#include "lmerr.h"
#include "log.h"
#include "pipeline_int.h"

/* Header fields a retry carries unchanged (the MTA's own Received lines differ). */
static const char *const stable[] = {"From",     "To",          "Cc",         "Subject",
                                     "Date",     "In-Reply-To", "References", "Content-Type",
                                     "Reply-To", "Sender"};

static bool is_stable(const char *name)
{
	for (size_t i = 0; i < sizeof(stable) / sizeof(stable[0]); i++)
		if (strcasecmp(name, stable[i]) == 0)
			return true;
	return false;
}

static bool upd(EVP_MD_CTX *c, const void *p, size_t n)
{
	uint64_t len = n;

	return EVP_DigestUpdate(c, &len, sizeof(len)) && EVP_DigestUpdate(c, p, n);
}

int post_seed(struct msgctx *m, unsigned char seed[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	struct buf body;
	bool ok;
	int rc;

	if (c == NULL)
		return LM_ENOMEM;
	buf_init(&body, m->rt->cfg->max_message_size + 1);
	rc = spool_read(&m->spool, m->body_offset, &body);
	ok = rc == LM_OK && EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	for (size_t i = 0; ok && i < m->nhdrs; i++)
		if (is_stable(m->hdrs[i].name))
			ok = upd(c, m->hdrs[i].name, strlen(m->hdrs[i].name)) &&
			     upd(c, m->hdrs[i].value, strlen(m->hdrs[i].value));
	ok = ok && upd(c, body.data ? body.data : "", body.len) &&
	     EVP_DigestFinal_ex(c, seed, NULL);
	EVP_MD_CTX_free(c);
	buf_free(&body);
	return rc != LM_OK ? rc : ok ? LM_OK : LM_ENOMEM;
}

/* The post's Message-ID header (trimmed), or NULL. */
static const char *header_msgid(const struct msgctx *m, size_t *len)
{
	struct hdr_list h = {m->hdrs, m->nhdrs};
	const char *v = hdr_list_get(&h, "Message-ID", 0);

	if (v == NULL)
		return NULL;
	*len = strlen(v);
	while (*len > 0 && strchr(" \t\r\n", v[*len - 1]))
		(*len)--;
	return *len ? v : NULL;
}

/** One numbering: in: key of the counter and of the post; out: the number. */
struct take {
	struct buf ck, pk;
	uint64_t first; /* the counter's start when the list has none yet */
	uint64_t n;
};

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static int get_u64(MDB_txn *txn, MDB_dbi dbi, struct buf *k, uint64_t *out, bool *found)
{
	MDB_val key = {k->len, k->data}, val;
	int rc = mdb_get(txn, dbi, &key, &val);

	*found = rc == 0 && val.mv_size == 8;
	if (*found)
		*out = get_be64(val.mv_data);
	return rc == MDB_NOTFOUND ? 0 : rc == 0 && !*found ? MDB_CORRUPTED : rc;
}

static int put_u64(MDB_txn *txn, MDB_dbi dbi, struct buf *k, uint64_t v)
{
	unsigned char b[8];
	MDB_val key = {k->len, k->data}, val = {8, b};

	put_be64(b, v);
	return mdb_put(txn, dbi, &key, &val, 0);
}

/* A post seen before (a retry) keeps its number; a new one takes the counter's. */
static int take_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct take *t = arg;
	MDB_dbi dbi = dbenv_dbi(env, DB_META);
	uint64_t next = t->first;
	bool found;
	int rc;

	if ((rc = get_u64(txn, dbi, &t->pk, &t->n, &found)) != 0 || found)
		return rc;
	if ((rc = get_u64(txn, dbi, &t->ck, &next, &found)) != 0)
		return rc;
	t->n = next;
	if ((rc = put_u64(txn, dbi, &t->ck, next + 1)) != 0)
		return rc;
	return put_u64(txn, dbi, &t->pk, t->n);
}

int post_key(struct msgctx *m, const char *prefix, const char *list, struct buf *k)
{
	unsigned char seed[32];
	const char *id;
	size_t len = 0;
	int rc;

	rc = buf_printf(k, "%s:%s", prefix, list);
	rc = rc ? rc : buf_append(k, "", 1);
	if (rc == LM_OK && (id = header_msgid(m, &len)) != NULL)
		rc = EVP_Digest(id, len, seed, NULL, EVP_sha256(), NULL) ? LM_OK : LM_ENOMEM;
	else if (rc == LM_OK)
		rc = post_seed(m, seed);
	return rc ? rc : buf_append(k, seed, sizeof(seed));
}

/* DB_META "post_id:<list>" (the next number) and "post_id:<list>\0<sha256 of identity>". */
static int take_keys(struct msgctx *m, const char *list, struct take *t)
{
	int rc = buf_printf(&t->ck, "post_id:%s", list);

	return rc ? rc : post_key(m, "post_id", list, &t->pk);
}

static int remember_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct take *t = arg;
	MDB_dbi dbi = dbenv_dbi(env, DB_META);
	bool found;
	int rc;

	if ((rc = get_u64(txn, dbi, &t->pk, &t->n, &found)) != 0 || found)
		return rc;
	t->n = t->first;
	return put_u64(txn, dbi, &t->pk, t->n);
}

int post_remember(struct dbenv *env, struct buf *key, uint64_t *v)
{
	struct take t = {.pk = *key, .first = *v};
	int rc = dbenv_write(env, remember_fn, &t);

	if (rc == LM_OK)
		*v = t.n;
	return rc;
}

int postid_take(struct msgctx *m, const struct list *l, unsigned long *out)
{
	const char *prefix = list_get(l, "subject_prefix");
	struct take t = {.first = 1};
	size_t articles = 0, periods = 0;
	int rc;

	*out = 0;
	if (prefix == NULL || strchr(prefix, '%') == NULL) /* no number shown: none kept */
		return LM_OK;
	buf_init(&t.ck, 1024);
	buf_init(&t.pk, 1100);
	/* a list that starts numbering late continues from the posts archived so far */
	if (archive_count(m->rt->env, list_name(l), &articles, &periods) == LM_OK)
		t.first = articles + 1;
	rc = take_keys(m, list_name(l), &t);
	if (rc == LM_OK)
		rc = dbenv_write(m->rt->env, take_fn, &t);
	if (rc == LM_OK)
		*out = (unsigned long)t.n;
	buf_free(&t.ck);
	buf_free(&t.pk);
	return rc;
}

int post_msgid_seed(struct msgctx *m, GMimeMessage *msg, unsigned char seed[32],
                    const unsigned char **out)
{
	const char *id = g_mime_object_get_header(GMIME_OBJECT(msg), "Message-ID");
	int rc;

	*out = NULL;
	if (id != NULL && id[strspn(id, " \t\r\n")] != '\0')
		return LM_OK;
	if ((rc = post_seed(m, seed)) == LM_OK)
		*out = seed;
	return rc;
}
