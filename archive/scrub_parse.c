/*
 * scrub_parse.c: a message parsed from a descriptor with GMime in persistent-stream mode (part
 * contents stay in the file), after the header block is checked against MaxHeaderBytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "lmerr.h"
#include "scrub.h"

#define PARSE_CHUNK 8192

static int parse_set(struct buf *reason, int rc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int parse_set(struct buf *reason, int rc, const char *fmt, ...)
{
	va_list ap;

	if (reason) {
		buf_reset(reason);
		va_start(ap, fmt);
		buf_vprintf(reason, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Is the top-level header longer than max bytes (up to its empty line, LF or CRLF)? */
static int parse_header_size(int fd, off_t start, size_t max, struct buf *reason)
{
	char *chunk = malloc(PARSE_CHUNK);
	size_t total = 0, linelen = 0;
	ssize_t got = 0, i;
	char prev = 0;
	int rc = LM_OK;

	if (!chunk)
		return LM_ENOMEM;
	while (total <= max && (got = pread(fd, chunk, PARSE_CHUNK, start + (off_t)total)) > 0) {
		for (i = 0; i < got && total <= max; i++, total++) {
			if (chunk[i] == '\n' && (linelen == 0 || (linelen == 1 && prev == '\r')))
				goto done;
			linelen = chunk[i] == '\n' ? 0 : linelen + 1;
			prev = chunk[i];
		}
	}
	if (got < 0)
		rc = parse_set(reason, LM_EIO, "cannot read the message: %s", strerror(errno));
	else if (total > max)
		rc = parse_set(reason, LM_ETOOBIG, "header exceeds MaxHeaderBytes (%zu)", max);
done:
	free(chunk);
	return rc;
}

/* No header at all: Python's parser takes the whole text as a text/plain body; so do we
 * (the content still stays in the file). */
static GMimeMessage *parse_headerless(GMimeStream *stream)
{
	GMimeMessage *msg = g_mime_message_new(FALSE);
	GMimePart *part = g_mime_part_new_with_type("text", "plain");
	GMimeDataWrapper *w;

	g_mime_stream_reset(stream);
	w = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, w);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	g_object_unref(w);
	g_object_unref(part);
	return msg;
}

int scrub_parse_fd(int fd, const struct scrub_limits *limits, GMimeMessage **out,
                   struct buf *reason)
{
	off_t start = lseek(fd, 0, SEEK_CUR);
	GMimeStream *stream;
	GMimeParser *parser;
	int dfd, rc;

	*out = NULL;
	if (start < 0)
		return parse_set(reason, LM_EIO, "message is not seekable: %s", strerror(errno));
	if ((rc = parse_header_size(fd, start, limits->max_header_bytes, reason)) != LM_OK)
		return rc;
	/* The message keeps its own descriptor: part contents are read from the file later. */
	if ((dfd = dup(fd)) < 0)
		return parse_set(reason, LM_EIO, "cannot dup the descriptor: %s", strerror(errno));
	stream = g_mime_stream_fs_new_with_bounds(dfd, start, -1);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_persist_stream(parser, TRUE);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	*out = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (!*out)
		*out = parse_headerless(stream);
	g_object_unref(stream);
	if (!*out)
		return parse_set(reason, LM_EPARSE, "not a MIME message");
	return LM_OK;
}
