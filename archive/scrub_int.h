/*
 * scrub_int.h: what the scrubber's files share inside archive/: the run context, the sink
 * chain that streams decoded part content, and the text helpers. Not a public API.
 */
#ifndef LISTMILTER_SCRUB_INT_H
#define LISTMILTER_SCRUB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iconv.h>

#include <gmime/gmime.h>

#include "attstore.h"
#include "buf.h"
#include "scrub.h"

/** A stage that takes bytes: a file, a buffer, or a filter in front of another stage. */
struct scrub_sink {
	int (*put)(struct scrub_sink *s, const char *p, size_t n);
};

/** Buffered writer to a file descriptor. */
struct sink_fd {
	struct scrub_sink base;
	int fd;
	size_t n;
	char *buf;
};

/** Appends to a capped buffer. */
struct sink_buf {
	struct scrub_sink base;
	struct buf *b;
};

/** Mailman's websafe(): & < > " escaped, existing entities kept. */
struct sink_websafe {
	struct scrub_sink base;
	struct scrub_sink *next;
	size_t npend;
	char pend[40];
};

/** The sanitizer-1 layout: tabs to 8 columns, spaces to &nbsp;, newlines to <br>. */
struct sink_tt {
	struct scrub_sink base;
	struct scrub_sink *next;
	size_t col;
};

/** Streaming conversion of one text part (scrub_conv.c). */
struct text_conv {
	iconv_t cd;         /* part charset -> UTF-8, or (iconv_t)-1 for ASCII */
	const char *target; /* keep only what this charset encodes, or NULL */
	struct buf tmp;     /* one chunk in UTF-8 before the restriction */
	size_t ncarry;
	char carry[16]; /* a multibyte sequence cut at the end of the last chunk */
};

/** One scrub run. */
struct scrub_ctx {
	const struct scrub_opts *o;
	struct scrub_result *r;
	struct attstore store;
	bool store_open;
	char datedir[9];
	char hash8[9];
	const char *lcset;
	char *charset;        /* first text/plain part's charset, lower case, or NULL */
	char *format, *delsp; /* its format= and delsp= */
	bool seen_plain;
	const char *msgcs; /* the charset of the flattened text */
	size_t parts;
	size_t header_bytes; /* header bytes of the message and all its parts */
	uint64_t decoded;
	size_t pieces; /* texts added to r->text (for the separator) */
	bool multipart;
};

int sink_fd_init(struct sink_fd *s, int fd);
int sink_fd_flush(struct sink_fd *s);
void sink_fd_free(struct sink_fd *s);
void sink_buf_init(struct sink_buf *s, struct buf *b);
void sink_websafe_init(struct sink_websafe *s, struct scrub_sink *next);
int sink_websafe_finish(struct sink_websafe *s);
void sink_tt_init(struct sink_tt *s, struct scrub_sink *next);

/** Decoded content of a leaf part (CRLF -> LF where the bytes are text); unref when done. */
GMimeStream *scrub_decoded(GMimePart *part, bool text);
/** The content as it is in the message, still encoded (CRLF -> LF); unref when done. */
GMimeStream *scrub_raw(GMimePart *part);
/** Copy a stream into a sink, counting against MaxDecodedBytes; *count gets the bytes. */
int scrub_pump(struct scrub_ctx *c, GMimeStream *in, struct scrub_sink *out, uint64_t *count);
/** Set r->reason and return LM_ETOOBIG. */
int scrub_limit(struct scrub_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Append UTF-8 text keeping only what charset can encode ('?' for the rest).
 * @return LM_OK, LM_ENOENT (charset unknown), LM_ENOMEM, LM_ETOOBIG. */
int text_restrict(const char *in, size_t n, const char *charset, struct buf *out);
/** Mailman's Utils.oneline(): RFC 2047 decoded, lines joined, in lcset ('?'), as UTF-8. */
int text_oneline(const char *raw, const char *lcset, struct buf *out);
/** The same for text already decoded to UTF-8 (a file name): line breaks gone, lcset '?'. */
int text_oneline_utf8(const char *s, const char *lcset, struct buf *out);
/** email.Charset's output_charset (euc-jp, shift_jis -> iso-2022-jp), else cs itself. */
const char *text_output_charset(const char *cs);
/** Does iconv know the charset? */
bool text_charset_known(const char *cs);

/** Start converting from charset from (NULL: ASCII) to UTF-8, restricted to restrict_to
 * (a charset iconv knows) unless NULL. */
int text_conv_open(struct text_conv *t, const char *from, const char *restrict_to);
/** Convert the next chunk (final: the last one) and append it to out. */
int text_conv_feed(struct text_conv *t, const char *p, size_t n, bool final, struct buf *out);
void text_conv_close(struct text_conv *t);

/** A multipart with no parts but text: Python treats it as a leaf (scrub_degenerate.c). */
bool scrub_degenerate(GMimeObject *obj);
/** Apply the per-part rules to such a multipart's text. */
int scrub_part_degenerate(struct scrub_ctx *c, GMimeObject *obj, bool outer);

/** Per-part rules of spec 6.3 on one leaf; appends to r->text. */
int scrub_part(struct scrub_ctx *c, GMimeObject *obj, bool outer);
/** Start one text of the flattened message: the separator, and the conversion it needs
 * (is_utf8: the text is a notice already in UTF-8); *start is where the text begins. */
int scrub_text_begin(struct scrub_ctx *c, const char *partcs, bool is_utf8, struct text_conv *t,
                     size_t *start);
/** Finish a text begun with scrub_text_begin() (rc: how feeding it went); returns rc or the
 * first error of the finish. */
int scrub_text_end(struct scrub_ctx *c, struct text_conv *t, size_t start, int rc);
/** Append one text of the flattened message (separator, charset conversion, final \n). */
int scrub_add_text(struct scrub_ctx *c, const char *p, size_t n, const char *partcs, bool is_utf8);
/** Store the content of a sink-producing callback as an attachment; url gets <...>. */
int scrub_save(struct scrub_ctx *c, GMimeObject *obj, const char *ctype, int how, struct buf *url,
               uint64_t *size);

/** Build r->scrubbed from r->text (scrub_nondigest delivery). */
int scrub_build_message(GMimeMessage *msg, struct scrub_ctx *c);

/** How scrub_save() produces the file content. */
enum scrub_how { SAVE_RAW, SAVE_TEXT, SAVE_HTML_TT, SAVE_RFC822 };

#endif
