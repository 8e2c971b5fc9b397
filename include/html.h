/*
 * html.h: pipermail's escapers for archive pages: html_quote, CGIescape, urllib.quote, the
 * page-charset conversion (uncanonstr), address obscuring and the body renderer of spec 3.1.1.
 */
#ifndef LISTMILTER_HTML_H
#define LISTMILTER_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/** Page charsets the renderer can emit; anything else falls back to HTML_CS_ASCII bytes. */
enum html_cs {
	HTML_CS_ASCII = 0, /**< us-ascii: every non-ASCII character becomes &#NNNN; */
	HTML_CS_UTF8,      /**< utf-8: text passes as is */
	HTML_CS_LATIN1     /**< iso-8859-1: U+0000-U+00FF as one byte, the rest &#NNNN; */
};

/** @brief The html_cs of a charset name (case-insensitive); unknown names give HTML_CS_ASCII. */
enum html_cs html_charset_id(const char *name);

/**
 * @brief Append UTF-8 text converted to the page charset (Mailman's uncanonstr): characters
 * the charset cannot hold become &#NNNN;, bytes that are not UTF-8 become &#NNN; each.
 * The text is not otherwise escaped; callers escape first.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_uncanon(struct buf *out, const char *s, size_t len, enum html_cs cs);

/**
 * @brief html_quote(): escape & < > " then convert to the page charset. NUL becomes a space.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_quote(struct buf *out, const char *s, size_t len, enum html_cs cs);

/**
 * @brief CGIescape(): like html_quote, but an existing entity (&#123; or &name;) is kept, as
 * Mailman's websafe() does.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_cgiescape(struct buf *out, const char *s, size_t len, enum html_cs cs);

/**
 * @brief urllib.quote(): every byte but A-Z a-z 0-9 _ . - / becomes %XX.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_urlquote(struct buf *out, const char *s, size_t len);

/**
 * @brief Replace every '@' with " at " (the e-mail and address-only authors, spec 4.1).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_obscure_at(struct buf *out, const char *s, size_t len);

/**
 * @brief Replace the '@' of every address matching ([-+,.\w]+)@([-+.\w]+) with " at "
 * (subjects and .txt bodies, spec 4.1).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_obscure_words(struct buf *out, const char *s, size_t len);

/**
 * @brief Append text converted to the page charset for the .txt file: characters it cannot
 * hold (and bytes that are not UTF-8) become '?'.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_encode_replace(struct buf *out, const char *s, size_t len, enum html_cs cs);

/** How an article body is rendered. */
struct html_body_opts {
	enum html_cs cs;      /**< page charset */
	bool obscure;         /**< obscure addresses and link them to listinfo */
	const char *listinfo; /**< the list's listinfo URL (the target of address links) */
};

/**
 * @brief Render a scrubbed body as pipermail does (spec 3.1.1): quoted lines in <i>, URLs and
 * addresses linked, everything else escaped, wrapped in <PRE>...</PRE> (nothing when empty).
 * URLs with a script-capable scheme (javascript:, vbscript:, data:, ...) are never linked.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int html_body(struct buf *out, const char *body, size_t len, const struct html_body_opts *o);

#endif
