/*
 * pyhdr.h: the parts of Python 2.7's email package (Header, decode_header, formataddr,
 * getaddresses, Charset) whose exact output Mailman 2.1's headers depend on, in C.
 */
#ifndef LISTMILTER_PYHDR_H
#define LISTMILTER_PYHDR_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/** One piece of a header: bytes in a charset (NULL means us-ascii). */
struct pyhdr_chunk {
	const char *s;
	size_t len;
	const char *charset;
};

/**
 * @brief email.Header.Header(...).encode(): RFC 2047 encoding and folding, as Python 2.7 does.
 * @param[in] chunks the pieces in order.
 * @param[in] n how many.
 * @param[in] name the field name (shortens the first line), or NULL.
 * @param[in] maxlinelen 76 for Header(), 78 for the Generator.
 * @param[in] ws the continuation whitespace, ' ' or '\t'.
 * @param[out] out receives the value (appended), folded with "\n" + ws.
 * @return LM_OK; LM_EINVAL (a charset name Python would not know); LM_ETOOBIG; LM_ENOMEM.
 */
int pyhdr_encode(const struct pyhdr_chunk *chunks, size_t n, const char *name, size_t maxlinelen,
                 char ws, struct buf *out);

/**
 * @brief What Mailman's Generator writes for a plain string header: Header(value,
 * maxlinelen=78, header_name=name).encode(); values with 8-bit bytes are written unchanged.
 * @return as pyhdr_encode().
 */
int pyhdr_fold(const char *name, const char *value, struct buf *out);

/**
 * @brief Mailman's ch_oneline(): decode RFC 2047 words, join the lines, and report the first
 * charset seen ("us-ascii" when none).
 * @param[in] raw the raw header value.
 * @param[out] text the decoded text in UTF-8 (appended).
 * @param[out] cset the first charset, lower-cased (appended).
 * @return LM_OK; LM_EPARSE when Python would have fallen back (unknown charset, bytes invalid in
 * their charset, bad base64): then text holds the raw value on one line and cset "us-ascii";
 * LM_ETOOBIG; LM_ENOMEM.
 */
int pyhdr_oneline(const char *raw, struct buf *text, struct buf *cset);

/**
 * @brief str(Header(text, charset, maxlinelen, name)): text (UTF-8) encoded as us-ascii if it
 * is, else in the given charset, else in UTF-8 (Header.append()'s fallback order).
 * @param[in] name the field name Header() is told about (shortens the first line), or NULL.
 * @param[in] maxlinelen 76 for Mailman's uheader(), 998 for its List-Id.
 * @return as pyhdr_encode().
 */
int pyhdr_encode_text(const char *utf8, const char *charset, const char *name, size_t maxlinelen,
                      struct buf *out);

/**
 * @brief email.Utils.formataddr((name, addr)): quotes and escapes the name when needed.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int pyhdr_formataddr(const char *name, const char *addr, struct buf *out);

/** One parsed address: display name (raw, unquoted) and address. Owned strings. */
struct pyhdr_addr {
	char *name;
	char *addr;
};

/**
 * @brief email.Utils.getaddresses(values): split address lists into (name, address) pairs.
 * @param[out] out a heap array the caller frees with pyhdr_addrs_free().
 * @return LM_OK; LM_ENOMEM.
 */
int pyhdr_getaddresses(const char *const *values, size_t nvalues, struct pyhdr_addr **out,
                       size_t *nout);

/** @brief Free an array from pyhdr_getaddresses(). */
void pyhdr_addrs_free(struct pyhdr_addr *a, size_t n);

/**
 * @brief Convert bytes between charsets (iconv names).
 * @param[in] replace true: unconvertible characters become '?' (Python's 'replace').
 * @return LM_OK; LM_EINVAL (unknown charset, or invalid input when !replace); LM_ETOOBIG;
 * LM_ENOMEM.
 */
int pyhdr_convert(const char *in, size_t len, const char *from, const char *to, bool replace,
                  struct buf *out);

/** Room for a charset name from pyhdr_charset(). */
#define PYHDR_CHARSET_MAX 41

/**
 * @brief email.Charset's name for a charset: lower-cased, with Python's aliases (latin-1 ->
 * iso-8859-1, ascii -> us-ascii, ...); "" and NULL give "us-ascii".
 * @return LM_OK; LM_EINVAL (too long, or characters no charset name has).
 */
int pyhdr_charset(const char *in, char out[PYHDR_CHARSET_MAX]);

/** @brief Tell whether bytes are all 7-bit (no byte >= 0x80). */
bool pyhdr_is_ascii(const char *s, size_t len);

#endif
