/*
 * scrub_save.c: Mailman's save_attachment(): the content of one part streamed into an atomic
 * file of the message directory, named per spec 6.4, and the <URL> of the result.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lmerr.h"
#include "log.h"
#include "scrub_int.h"

static int save_open_store(struct scrub_ctx *c)
{
	int rc;

	if (c->store_open)
		return LM_OK;
	rc = attstore_open(&c->store, c->o->storage_root, c->datedir, c->hash8, c->o->qid);
	c->store_open = true;
	return rc;
}

static int save_part_text(struct scrub_ctx *c, GMimePart *part, int how, struct scrub_sink *out,
                          uint64_t *size)
{
	GMimeStream *in = scrub_decoded(part, how != SAVE_RAW);
	struct sink_websafe ws;
	struct sink_tt tt;
	int rc;

	if (how != SAVE_HTML_TT) {
		rc = scrub_pump(c, in, out, size);
		g_object_unref(in);
		return rc;
	}
	sink_tt_init(&tt, out);
	sink_websafe_init(&ws, &tt.base);
	rc = out->put(out, "<tt>\n", 5);
	if (rc == LM_OK)
		rc = scrub_pump(c, in, &ws.base, size);
	if (rc == LM_OK)
		rc = sink_websafe_finish(&ws);
	if (rc == LM_OK)
		rc = out->put(out, "\n</tt>\n", 7);
	g_object_unref(in);
	return rc;
}

/* str(submsg): the sub-message written out (LF line ends) into a scratch file, then read
 * back through websafe(). The scratch file lives in the message directory. */
static int save_rfc822(struct scrub_ctx *c, GMimeMessagePart *mp, struct scrub_sink *out,
                       uint64_t *size)
{
	GMimeMessage *sub = g_mime_message_part_get_message(mp);
	GMimeStream *fs, *f;
	GMimeFilter *flt;
	struct sink_websafe ws;
	char tmp[64];
	int fd, rc;

	if ((rc = attstore_tmp(&c->store, &fd, tmp)) != LM_OK)
		return rc;
	fs = g_mime_stream_fs_new(fd);
	f = g_mime_stream_filter_new(fs);
	flt = g_mime_filter_dos2unix_new(FALSE);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), flt);
	g_object_unref(flt);
	rc = sub && g_mime_object_write_to_stream(GMIME_OBJECT(sub), NULL, f) < 0 ? LM_EIO : LM_OK;
	if (rc == LM_OK && (g_mime_stream_flush(f) != 0 || g_mime_stream_reset(fs) != 0))
		rc = LM_EIO;
	sink_websafe_init(&ws, out);
	if (rc == LM_OK)
		rc = scrub_pump(c, fs, &ws.base, size);
	if (rc == LM_OK)
		rc = sink_websafe_finish(&ws);
	g_object_unref(f);
	g_object_unref(fs);
	unlinkat(c->store.dirfd, tmp, 0);
	return rc;
}

/* A message/rfc822 part GMime did not parse as a message (it is encoded, which RFC 2046
 * forbids): Python parses the encoded text as the message, so its websafe() text is stored. */
static int save_rfc822_raw(struct scrub_ctx *c, GMimePart *part, struct scrub_sink *out,
                           uint64_t *size)
{
	GMimeStream *in = scrub_raw(part);
	struct sink_websafe ws;
	int rc;

	sink_websafe_init(&ws, out);
	rc = scrub_pump(c, in, &ws.base, size);
	if (rc == LM_OK)
		rc = sink_websafe_finish(&ws);
	g_object_unref(in);
	return rc;
}

static int save_content(struct scrub_ctx *c, GMimeObject *obj, int how, int fd, uint64_t *size)
{
	struct sink_fd out;
	int rc;

	if ((rc = sink_fd_init(&out, fd)) != LM_OK)
		return rc;
	if (how == SAVE_RFC822 && GMIME_IS_MESSAGE_PART(obj))
		rc = save_rfc822(c, GMIME_MESSAGE_PART(obj), &out.base, size);
	else if (how == SAVE_RFC822 && GMIME_IS_PART(obj))
		rc = save_rfc822_raw(c, GMIME_PART(obj), &out.base, size);
	else if (GMIME_IS_PART(obj))
		rc = save_part_text(c, GMIME_PART(obj), how, &out.base, size);
	else
		rc = LM_EINVAL;
	if (rc == LM_OK)
		rc = sink_fd_flush(&out);
	sink_fd_free(&out);
	return rc;
}

static const char *save_filename(GMimeObject *obj)
{
	const char *f = NULL;

	if (GMIME_IS_PART(obj))
		return g_mime_part_get_filename(GMIME_PART(obj));
	if (g_mime_object_get_content_disposition(obj))
		f = g_mime_object_get_content_disposition_parameter(obj, "filename");
	return f ? f : g_mime_object_get_content_type_parameter(obj, "name");
}

static int save_url(struct scrub_ctx *c, const char *name, struct buf *url)
{
	const char *base = c->o->archive_url;
	size_t n = strlen(base);

	return buf_printf(url, "<%s%s%s/%s>", base, n && base[n - 1] == '/' ? "" : "/",
	                  c->store.rel, name);
}

/* spec 6.4: the base and extension from the file name (decoded, in the list charset). */
static int save_names(struct scrub_ctx *c, GMimeObject *obj, const char *ctype, struct buf *base,
                      struct buf *ext)
{
	const char *raw = save_filename(obj);
	struct buf fname;
	int rc = LM_OK;

	buf_init(&fname, BUF_CAP_SMALL);
	if (raw)
		rc = text_oneline_utf8(raw, c->lcset, &fname);
	if (rc == LM_OK)
		rc = attstore_name(raw ? buf_cstr(&fname) : NULL, ctype, c->o->use_filename, base,
		                   ext);
	buf_free(&fname);
	return rc;
}

int scrub_save(struct scrub_ctx *c, GMimeObject *obj, const char *ctype, int how, struct buf *url,
               uint64_t *size)
{
	struct buf base, ext, name;
	char tmp[64] = "";
	int fd = -1, rc;

	buf_init(&base, BUF_CAP_SMALL);
	buf_init(&ext, BUF_CAP_SMALL);
	buf_init(&name, BUF_CAP_SMALL);
	if ((rc = save_open_store(c)) != LM_OK ||
	    (rc = save_names(c, obj, ctype, &base, &ext)) != LM_OK ||
	    (rc = attstore_tmp(&c->store, &fd, tmp)) != LM_OK ||
	    (rc = save_content(c, obj, how, fd, size)) != LM_OK)
		goto fail;
	rc = attstore_commit(&c->store, fd, tmp, buf_cstr(&base), buf_cstr(&ext), &name);
	fd = -1;
	tmp[0] = '\0';
	if (rc == LM_OK && (rc = save_url(c, buf_cstr(&name), url)) == LM_OK)
		c->r->files++;
fail:
	if (fd >= 0 || tmp[0])
		attstore_abort(&c->store, fd, tmp);
	if (rc != LM_OK && rc != LM_ETOOBIG)
		log_err(c->o->qid, "scrub: cannot store an attachment of type %s: %s", ctype,
		        lm_strerror(rc));
	buf_free(&base);
	buf_free(&ext);
	buf_free(&name);
	return rc;
}
