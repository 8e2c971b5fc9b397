/*
 * export_txt.c: a period's plain-text archive <period>.txt (HyperArch.Article.as_text,
 * spec 10.1) and its gzip'd copy.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "export_priv.h"
#include "lmerr.h"

/* email.Utils.formatdate(epoch): what pipermail keeps as datestr when there was no Date. */
static int put_formatdate(struct buf *out, int64_t epoch)
{
	char s[64];
	time_t t = (time_t)epoch;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof(s), "%a, %d %b %Y %H:%M:%S -0000", &tm) == 0)
		return buf_puts(out, "Thu, 01 Jan 1970 00:00:00 -0000");
	return buf_puts(out, s);
}

static int put_header(struct buf *out, const char *name, const char *value, enum html_cs cs)
{
	int rc;

	if (value[0] == '\0')
		return LM_OK;
	if ((rc = buf_printf(out, "%s: ", name)) != LM_OK ||
	    (rc = html_encode_replace(out, value, strlen(value), cs)) != LM_OK)
		return rc;
	return buf_putc(out, '\n');
}

static int txt_body(const struct export_view *v, const struct article *a, struct buf *out)
{
	struct buf ob;
	int rc;

	buf_init(&ob, a->body_len * 4 + 16);
	if (v->list->obscure)
		rc = html_obscure_words(&ob, a->body, a->body_len);
	else
		rc = buf_append(&ob, a->body, a->body_len);
	if (rc == LM_OK)
		rc = html_encode_replace(out, ob.data ? ob.data : "", ob.len, v->cs);
	if (rc == LM_OK && (a->body_len == 0 || a->body[a->body_len - 1] != '\n'))
		rc = buf_putc(out, '\n');
	buf_free(&ob);
	return rc == LM_OK ? buf_putc(out, '\n') : rc;
}

static int txt_article(const struct export_view *v, size_t i, struct buf *out)
{
	const struct article *a = &v->p->arts[i];
	const struct export_item *it = &v->it[i];
	const char *email = a->email[0] ? it->email : "bogus@does.not.exist.com";
	const char *author = a->author_raw;
	int rc;

	if (author[0] == '\0' || strcmp(author, a->email) == 0)
		author = email;
	if ((rc = buf_printf(out, "From %s  ", email)) != LM_OK ||
	    (rc = export_ctime_nozone(a->date, out)) ||
	    (rc = buf_printf(out, "\nFrom: %s (", email)) != LM_OK ||
	    (rc = html_encode_replace(out, author, strlen(author), v->cs)) != LM_OK ||
	    (rc = buf_puts(out, ")\nDate: ")) != LM_OK)
		return rc;
	if (a->datestr[0])
		rc = html_encode_replace(out, a->datestr, strlen(a->datestr), v->cs);
	else
		rc = put_formatdate(out, a->date);
	if (rc != LM_OK || (rc = buf_putc(out, '\n')) != LM_OK ||
	    (rc = put_header(out, "Subject", it->subj_raw, v->cs)) != LM_OK ||
	    (rc = put_header(out, "In-Reply-To", a->in_reply_to, v->cs)) != LM_OK ||
	    (rc = put_header(out, "References", a->references, v->cs)) != LM_OK ||
	    (rc = put_header(out, "Message-ID", a->msgid, v->cs)) != LM_OK ||
	    (rc = buf_putc(out, '\n')) != LM_OK)
		return rc;
	return txt_body(v, a, out);
}

int export_txt(const struct export_view *v, struct buf *out)
{
	size_t i;
	int rc;

	for (i = 0; i < v->p->n; i++)
		if ((rc = txt_article(v, i, out)) != LM_OK)
			return rc;
	return LM_OK;
}

int export_gzip(const void *data, size_t len, struct buf *out)
{
	z_stream z;
	gz_header h;
	int rc, zrc;

	memset(&z, 0, sizeof(z));
	memset(&h, 0, sizeof(h));
	h.os = 3; /* Unix; mtime 0 keeps the bytes stable, so unchanged periods stay unwritten */
	if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return LM_ENOMEM;
	deflateSetHeader(&z, &h);
	if ((rc = buf_reserve(out, deflateBound(&z, len) + 64)) != LM_OK) {
		deflateEnd(&z);
		return rc;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)(out->size - out->len - 1);
	zrc = deflate(&z, Z_FINISH);
	if (zrc == Z_STREAM_END) {
		out->len += z.total_out;
		out->data[out->len] = '\0';
	}
	deflateEnd(&z);
	return zrc == Z_STREAM_END ? LM_OK : LM_EIO;
}

/* How many leading bytes of txt the (multi-member) gzip data decodes to, or SIZE_MAX when it
 * decodes to anything that is not a prefix of txt (or is not gzip at all). */
static size_t gz_prefix(const unsigned char *gz, size_t glen, const char *txt, size_t len)
{
	unsigned char chunk[65536];
	size_t got = 0, n;
	z_stream z;
	int zrc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return SIZE_MAX;
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)glen;
	while (z.avail_in > 0 && got != SIZE_MAX) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		n = sizeof(chunk) - z.avail_out;
		if ((zrc != Z_OK && zrc != Z_STREAM_END) || n > len - got ||
		    memcmp(chunk, txt + got, n) != 0)
			got = SIZE_MAX;
		else
			got += n;
		if (zrc == Z_STREAM_END && z.avail_in > 0 && inflateReset(&z) != Z_OK)
			got = SIZE_MAX;
		if (zrc == Z_OK && n == 0 && z.avail_in > 0 && z.avail_out > 0)
			got = SIZE_MAX; /* no progress: truncated or corrupt */
	}
	if (zrc != Z_STREAM_END)
		got = SIZE_MAX;
	inflateEnd(&z);
	return got;
}

int export_gzip_update(const void *old, size_t olen, const void *data, size_t len, struct buf *out)
{
	size_t have = old && olen ? gz_prefix(old, olen, data, len) : SIZE_MAX;
	int rc;

	if (have == SIZE_MAX)
		return export_gzip(data, len, out);
	if ((rc = buf_append(out, old, olen)) != LM_OK || have == len)
		return rc;
	return export_gzip((const char *)data + have, len - have, out);
}
