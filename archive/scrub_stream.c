/*
 * scrub_stream.c: streaming of part content: the decoded stream of a leaf part, a pump that
 * counts decoded bytes against MaxDecodedBytes, and the sinks (file, buffer, websafe, <tt>).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lmerr.h"
#include "scrub_int.h"

#define SINK_FD_SIZE 65536
#define PUMP_CHUNK   65536

static int sink_fd_put(struct scrub_sink *base, const char *p, size_t n)
{
	struct sink_fd *s = (struct sink_fd *)base;
	size_t take;
	int rc;

	while (n > 0) {
		if (s->n == SINK_FD_SIZE && (rc = sink_fd_flush(s)) != LM_OK)
			return rc;
		take = n < SINK_FD_SIZE - s->n ? n : SINK_FD_SIZE - s->n;
		memcpy(s->buf + s->n, p, take);
		s->n += take;
		p += take;
		n -= take;
	}
	return LM_OK;
}

int sink_fd_init(struct sink_fd *s, int fd)
{
	s->base.put = sink_fd_put;
	s->fd = fd;
	s->n = 0;
	s->buf = malloc(SINK_FD_SIZE);
	return s->buf ? LM_OK : LM_ENOMEM;
}

int sink_fd_flush(struct sink_fd *s)
{
	size_t off = 0;
	ssize_t w;

	while (off < s->n) {
		w = write(s->fd, s->buf + off, s->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return LM_EIO;
		off += (size_t)w;
	}
	s->n = 0;
	return LM_OK;
}

void sink_fd_free(struct sink_fd *s)
{
	free(s->buf);
	s->buf = NULL;
}

static int sink_buf_put(struct scrub_sink *base, const char *p, size_t n)
{
	return buf_append(((struct sink_buf *)base)->b, p, n);
}

void sink_buf_init(struct sink_buf *s, struct buf *b)
{
	s->base.put = sink_buf_put;
	s->b = b;
}

/* After '&': 0 = cannot be an entity, 1 = could still be one, 2 = a whole entity "...;". */
static int websafe_entity(const char *e, size_t n)
{
	size_t i = 0, digits = 0;
	bool hex = false;

	if (n && e[0] == '#') {
		i = 1;
		if (n > 1 && (e[1] == 'x' || e[1] == 'X'))
			hex = true, i = 2;
	}
	for (; i < n && e[i] != ';'; i++, digits++)
		if (e[0] == '#' ? !(hex ? g_ascii_isxdigit(e[i]) : g_ascii_isdigit(e[i]))
		                : !g_ascii_isalpha(e[i]))
			return 0;
	if (i == n)
		return 1;
	return digits > 0 && i == n - 1 ? 2 : 0;
}

static int websafe_char(struct sink_websafe *s, char c);

/* The pending "&..." is not an entity: escape its '&' and feed the rest again. */
static int websafe_release(struct sink_websafe *s)
{
	char copy[sizeof(s->pend)];
	size_t n = s->npend, i;
	int rc;

	memcpy(copy, s->pend, n);
	s->npend = 0;
	if ((rc = s->next->put(s->next, "&amp;", 5)) != LM_OK)
		return rc;
	for (i = 1; i < n; i++)
		if ((rc = websafe_char(s, copy[i])) != LM_OK)
			return rc;
	return LM_OK;
}

static int websafe_char(struct sink_websafe *s, char c)
{
	size_t n;
	int state;

	if (s->npend) {
		s->pend[s->npend++] = c;
		state = websafe_entity(s->pend + 1, s->npend - 1);
		if (state == 2) {
			n = s->npend;
			s->npend = 0;
			return s->next->put(s->next, s->pend, n);
		}
		if (state == 1 && s->npend < sizeof(s->pend))
			return LM_OK;
		return websafe_release(s);
	}
	switch (c) {
	case '&':
		s->pend[s->npend++] = c;
		return LM_OK;
	case '<':
		return s->next->put(s->next, "&lt;", 4);
	case '>':
		return s->next->put(s->next, "&gt;", 4);
	case '"':
		return s->next->put(s->next, "&quot;", 6);
	default:
		return s->next->put(s->next, &c, 1);
	}
}

static bool websafe_is_special(char c)
{
	return c == '&' || c == '<' || c == '>' || c == '"';
}

static int sink_websafe_put(struct scrub_sink *base, const char *p, size_t n)
{
	struct sink_websafe *s = (struct sink_websafe *)base;
	size_t i, run;
	int rc = LM_OK;

	for (i = 0; i < n && rc == LM_OK; i += run) {
		for (run = 0; !s->npend && i + run < n && !websafe_is_special(p[i + run]); run++)
			;
		if (run)
			rc = s->next->put(s->next, p + i, run);
		else
			rc = websafe_char(s, p[i]), run = 1;
	}
	return rc;
}

void sink_websafe_init(struct sink_websafe *s, struct scrub_sink *next)
{
	s->base.put = sink_websafe_put;
	s->next = next;
	s->npend = 0;
}

int sink_websafe_finish(struct sink_websafe *s)
{
	return s->npend ? websafe_release(s) : LM_OK;
}

static bool tt_is_special(char c)
{
	return c == '\n' || c == '\r' || c == '\t' || c == ' ';
}

static int tt_special(struct sink_tt *s, char c)
{
	size_t sp;
	int rc = LM_OK;

	if (c == '\n' || c == '\r') {
		s->col = 0;
		return c == '\n' ? s->next->put(s->next, "<br>\n", 5)
		                 : s->next->put(s->next, "\r", 1);
	}
	/* expandtabs(8) counts the escaped text's columns; spaces become &nbsp; afterwards. */
	for (sp = c == ' ' ? 1 : 8 - s->col % 8; sp > 0 && rc == LM_OK; sp--, s->col++)
		rc = s->next->put(s->next, "&nbsp;", 6);
	return rc;
}

static int sink_tt_put(struct scrub_sink *base, const char *p, size_t n)
{
	struct sink_tt *s = (struct sink_tt *)base;
	size_t i, run;
	int rc = LM_OK;

	for (i = 0; i < n && rc == LM_OK; i += run) {
		for (run = 0; i + run < n && !tt_is_special(p[i + run]); run++)
			;
		if (run) {
			rc = s->next->put(s->next, p + i, run);
			s->col += run;
		} else {
			rc = tt_special(s, p[i]);
			run = 1;
		}
	}
	return rc;
}

void sink_tt_init(struct sink_tt *s, struct scrub_sink *next)
{
	s->base.put = sink_tt_put;
	s->next = next;
	s->col = 0;
}

static GMimeStream *scrub_content(GMimePart *part, bool text, bool decode)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeContentEncoding enc;
	GMimeStream *raw, *f;
	GMimeFilter *flt;

	if (!w || !(raw = g_mime_data_wrapper_get_stream(w)))
		return g_mime_stream_mem_new();
	enc = g_mime_data_wrapper_get_encoding(w);
	g_mime_stream_reset(raw);
	f = g_mime_stream_filter_new(raw);
	if (!decode)
		enc = GMIME_CONTENT_ENCODING_7BIT;
	if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		flt = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), flt);
		g_object_unref(flt);
	}
	/* Wire CRLF and stored LF must scrub alike; binary from base64 is left as it is. */
	if (text ||
	    (enc != GMIME_CONTENT_ENCODING_BASE64 && enc != GMIME_CONTENT_ENCODING_UUENCODE)) {
		flt = g_mime_filter_dos2unix_new(FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), flt);
		g_object_unref(flt);
	}
	return f;
}

GMimeStream *scrub_decoded(GMimePart *part, bool text)
{
	return scrub_content(part, text, true);
}

GMimeStream *scrub_raw(GMimePart *part)
{
	return scrub_content(part, true, false);
}

int scrub_limit(struct scrub_ctx *c, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&c->r->reason);
	va_start(ap, fmt);
	buf_vprintf(&c->r->reason, fmt, ap);
	va_end(ap);
	return LM_ETOOBIG;
}

int scrub_pump(struct scrub_ctx *c, GMimeStream *in, struct scrub_sink *out, uint64_t *count)
{
	char *chunk = malloc(PUMP_CHUNK);
	ssize_t got = 0;
	int rc = chunk ? LM_OK : LM_ENOMEM;

	*count = 0;
	/* A filter may yield nothing for a chunk of its input: only eos ends the copy. */
	while (rc == LM_OK && (got = g_mime_stream_read(in, chunk, PUMP_CHUNK)) >= 0) {
		if (got == 0 && g_mime_stream_eos(in))
			break;
		*count += (uint64_t)got;
		c->decoded += (uint64_t)got;
		if (c->decoded > c->o->limits.max_decoded_bytes)
			rc = scrub_limit(c, "decoded size exceeds MaxDecodedBytes (%zu)",
			                 c->o->limits.max_decoded_bytes);
		else
			rc = out->put(out, chunk, (size_t)got);
	}
	free(chunk);
	return rc == LM_OK && got < 0 ? LM_EIO : rc;
}
