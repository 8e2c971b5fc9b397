/*
 * archive_record.c: the article record stored in DB_ARTICLES (compact, length-prefixed,
 * NUL-terminated strings so readers can point into the map) and the archive's key layouts.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "archive_int.h"
#include "lmerr.h"

/* The string fields of a record, in stored order. */
#define NFIELDS 11
static char **fields(struct article *a, char **f[NFIELDS])
{
	f[0] = &a->period, f[1] = &a->msgid, f[2] = &a->in_reply_to, f[3] = &a->references;
	f[4] = &a->subject_raw, f[5] = &a->subject, f[6] = &a->author_raw, f[7] = &a->author;
	f[8] = &a->email, f[9] = &a->datestr, f[10] = &a->body;
	return f[0];
}

static size_t field_len(const struct article *a, int i, const char *s)
{
	return i == 10 ? a->body_len : strlen(s);
}

void archive_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

uint32_t archive_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void archive_put_be64(unsigned char *p, uint64_t v)
{
	archive_put_be32(p, (uint32_t)(v >> 32));
	archive_put_be32(p + 4, (uint32_t)v);
}

uint64_t archive_get_be64(const unsigned char *p)
{
	return (uint64_t)archive_get_be32(p) << 32 | archive_get_be32(p + 4);
}

int article_init(struct article *a)
{
	char **f[NFIELDS];
	int i;

	memset(a, 0, sizeof(*a));
	a->parent = ARTICLE_NO_PARENT;
	fields(a, f);
	for (i = 0; i < NFIELDS; i++)
		if ((*f[i] = calloc(1, 1)) == NULL) {
			article_clear(a);
			return LM_ENOMEM;
		}
	return LM_OK;
}

void article_clear(struct article *a)
{
	char **f[NFIELDS];
	int i;

	fields(a, f);
	for (i = 0; i < NFIELDS; i++)
		free(*f[i]);
	memset(a, 0, sizeof(*a));
}

int article_set(char **field, const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p == NULL)
		return LM_ENOMEM;
	memcpy(p, s, len);
	p[len] = '\0';
	free(*field);
	*field = p;
	return LM_OK;
}

static int hash_field(EVP_MD_CTX *c, const void *p, size_t len)
{
	unsigned char n[8];

	archive_put_be64(n, (uint64_t)len);
	return EVP_DigestUpdate(c, n, sizeof(n)) && EVP_DigestUpdate(c, p, len) ? 0 : -1;
}

/* "/attachments/YYYYMMDD/" followed by 8 hex digits at p (within n bytes)? */
static bool attachment_dir_at(const char *p, size_t n)
{
	size_t i;

	if (n < 13 + 9 + 8 || memcmp(p, "/attachments/", 13) != 0 || p[21] != '/')
		return false;
	for (i = 13; i < 21; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	for (i = 22; i < 30; i++)
		if (!strchr("0123456789abcdef", p[i]) || p[i] == '\0')
			return false;
	return true;
}

/* The body, with the <hash8> of attachment URLs left out: that directory is named after a
 * generated Message-ID, which a retried post without one does not share. */
static int hash_body_masked(EVP_MD_CTX *c, const char *body, size_t len)
{
	const char *p = body, *end = body + len, *q;

	for (q = p; (q = memchr(q, '/', (size_t)(end - q))) != NULL; q++) {
		if (!attachment_dir_at(q, (size_t)(end - q)))
			continue;
		if (!EVP_DigestUpdate(c, p, (size_t)(q + 22 - p)))
			return -1;
		p = q += 30;
	}
	return EVP_DigestUpdate(c, p, (size_t)(end - p)) ? 0 : -1;
}

int archive_content_hash(const struct article *a, unsigned char out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char d[8];
	int ok;

	if (c == NULL)
		return LM_ENOMEM;
	archive_put_be64(d, (uint64_t)a->date);
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	     !hash_field(c, a->subject_raw, strlen(a->subject_raw)) &&
	     !hash_field(c, a->author_raw, strlen(a->author_raw)) &&
	     !hash_field(c, a->email, strlen(a->email)) && !hash_field(c, d, sizeof(d)) &&
	     (a->msgid_generated ? !hash_body_masked(c, a->body, a->body_len)
	                         : !hash_field(c, a->body, a->body_len)) &&
	     EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	return ok ? LM_OK : LM_ENOMEM;
}

size_t archive_rec_size(const struct article *a)
{
	char **f[NFIELDS];
	size_t n = REC_HDR_LEN;
	int i;

	fields((struct article *)a, f);
	for (i = 0; i < NFIELDS; i++)
		n += 4 + field_len(a, i, *f[i]) + 1;
	return n;
}

void archive_rec_write(const struct article *a, const unsigned char hash[32], unsigned char *dst)
{
	char **f[NFIELDS];
	size_t len;
	int i;

	dst[0] = REC_VERSION;
	archive_put_be64(dst + 1, (uint64_t)a->date);
	archive_put_be32(dst + 9, a->parent);
	memcpy(dst + 13, hash, ARCHIVE_HASH_LEN);
	dst += REC_HDR_LEN;
	fields((struct article *)a, f);
	for (i = 0; i < NFIELDS; i++) {
		len = field_len(a, i, *f[i]);
		archive_put_be32(dst, (uint32_t)len);
		memcpy(dst + 4, *f[i], len);
		dst[4 + len] = '\0';
		dst += 4 + len + 1;
	}
}

int archive_rec_meta(const MDB_val *v, int64_t *date, const unsigned char **hash)
{
	const unsigned char *p = v->mv_data;

	if (v->mv_size < REC_HDR_LEN || p[0] != REC_VERSION)
		return LM_EDB;
	*date = (int64_t)archive_get_be64(p + 1);
	if (hash)
		*hash = p + 13;
	return LM_OK;
}

int archive_rec_view(const MDB_val *v, uint32_t seq, struct article *view)
{
	const unsigned char *p = v->mv_data, *end = p + v->mv_size;
	char **f[NFIELDS];
	size_t len = 0;
	int i;

	if (archive_rec_meta(v, &view->date, NULL) != LM_OK)
		return LM_EDB;
	view->seq = seq;
	view->parent = archive_get_be32(p + 9);
	p += REC_HDR_LEN;
	fields(view, f);
	for (i = 0; i < NFIELDS; i++) {
		if (end - p < 5 || (size_t)(end - p - 5) < (len = archive_get_be32(p)) ||
		    p[4 + len] != '\0')
			return LM_EDB;
		*f[i] = (char *)(p + 4);
		p += 4 + len + 1;
	}
	view->body_len = len;
	return LM_OK;
}

MDB_val archive_val(const struct buf *b)
{
	MDB_val v = {b->len, b->data};
	return v;
}

int archive_check_list(const char *list)
{
	size_t n = list ? strlen(list) : 0;

	return n > 0 && n <= ARCHIVE_MAX_LIST ? LM_OK : LM_EINVAL;
}

/* list, then a NUL: the prefix of every per-list key. */
static int key_list(struct buf *k, const char *list)
{
	buf_reset(k);
	return buf_append(k, list, strlen(list) + 1);
}

int archive_key_article(struct buf *k, const char *list, uint32_t seq)
{
	unsigned char s[4];
	int rc = key_list(k, list);

	archive_put_be32(s, seq);
	return rc ? rc : buf_append(k, s, 4);
}

int archive_key_msgid(struct buf *k, const char *list, const char *id, size_t len)
{
	unsigned char md[32];
	int rc;

	while (len > 0 && (*id == ' ' || *id == '\t' || *id == '\r' || *id == '\n'))
		id++, len--;
	while (len > 0 && strchr(" \t\r\n", id[len - 1]) != NULL)
		len--;
	/* strip_separators: one pair of "<([" ... ">)]" */
	if (len >= 2 && strchr("<([", id[0]) && strchr(">)]", id[len - 1]))
		id++, len -= 2;
	if ((rc = key_list(k, list)) != LM_OK)
		return rc;
	/* ids that could pass for a hashed or a content key are hashed too */
	if (len <= ARCHIVE_MAX_ID && memchr(id, '\001', len) == NULL &&
	    (len == 0 || id[0] != '\002'))
		return buf_append(k, id, len);
	if (!EVP_Digest(id, len, md, NULL, EVP_sha256(), NULL))
		return LM_ENOMEM;
	if ((rc = buf_putc(k, '\001')) != LM_OK)
		return rc;
	return buf_append(k, md, sizeof(md));
}

int archive_key_period(struct buf *k, const char *list, const char *period, bool seq_too,
                       uint32_t seq)
{
	unsigned char s[4];
	int rc;

	if ((rc = key_list(k, list)) || (rc = buf_append(k, period, strlen(period) + 1)))
		return rc;
	archive_put_be32(s, seq);
	return seq_too ? buf_append(k, s, 4) : LM_OK;
}

int archive_key_dirty(struct buf *k, const char *list, const char *period, bool count)
{
	int rc;

	buf_reset(k);
	if (count && (rc = buf_puts(k, "pcount:")) != LM_OK)
		return rc;
	if ((rc = buf_append(k, list, strlen(list) + 1)) != LM_OK)
		return rc;
	return buf_append(k, period, strlen(period));
}

int archive_key_next(struct buf *k, const char *list)
{
	buf_reset(k);
	return buf_printf(k, "next:%s", list);
}
