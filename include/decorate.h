/*
 * decorate.h: Mailman 2.1's Decorate (msg_header/msg_footer) as a pure transform: header
 * fields and raw body bytes in, the new body and the top-level header edits out.
 */
#ifndef LISTMILTER_DECORATE_H
#define LISTMILTER_DECORATE_H

#include "buf.h"
#include "hdredit.h"

struct list;

/** The settings Decorate reads. Strings are borrowed; templates are UTF-8. */
struct decorate_settings {
	const char *msg_header;   /**< template, "" for none */
	const char *msg_footer;   /**< template, "" for none */
	const char *real_name;    /**< %(real_name)s */
	const char *list_name;    /**< %(list_name)s and %(_internal_name)s */
	const char *host_name;    /**< %(host_name)s */
	const char *web_page_url; /**< %(web_page_url)s, ends in '/' */
	const char *description;  /**< %(description)s */
	const char *info;         /**< %(info)s */
	const char *cgiext;       /**< %(cgiext)s, "" by default */
	const char *charset;      /**< the list's charset, "us-ascii" for English */
	const char *boundary;     /**< boundary used when wrapping; NULL: a fresh random one */
};

/**
 * @brief Fill settings from a list snapshot; strings point into l.
 * @return LM_OK.
 */
int decorate_settings_from_list(const struct list *l, struct decorate_settings *s);

/**
 * @brief Mailman's decorate(): interpolate %(key)s (whitelisted keys; unknown keys stay
 * literally), drop an all-blank template, CRLF to LF, trailing blanks removed except the one
 * after a leading "--", a final newline ensured. Bad % syntax: the template is used literally
 * and a line is logged.
 * @param[in] s the settings.
 * @param[in] tmpl the template.
 * @param[in] what "header" or "footer" for the log line.
 * @param[in] qid queue id for the log line.
 * @param[out] out the text (appended); nothing for a blank template.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int decorate_template(const struct decorate_settings *s, const char *tmpl, const char *what,
                      const char *qid, struct buf *out);

/**
 * @brief Add header and footer to a post the way Mailman's Decorate does at delivery:
 * text/plain bodies get them inline (re-encoded; UTF-8 becomes base64), multipart/mixed gets
 * them as first/last text/plain parts, anything else is wrapped in a new multipart/mixed.
 *
 * The new body keeps the line-ending convention of the input body (CRLF if its first line
 * ends in CRLF or it has no line break, else LF); pass it to smfi_replacebody, which wants
 * CRLF (the body as received over SMTP has it). Edits (all delivery_only) fix
 * Content-Type, Content-Transfer-Encoding, Content-Disposition and MIME-Version to match.
 * @param[in] s the settings.
 * @param[in] h the message's top-level header fields.
 * @param[in] body the raw body (after the blank line), as received.
 * @param[in] len its length.
 * @param[in] qid queue id for log lines.
 * @param[out] out the new body (appended).
 * @param[out] e header edits (appended).
 * @return LM_OK; LM_ENOENT (header and footer both empty: leave the message alone);
 * LM_ETOOBIG (out's cap); LM_ENOMEM.
 */
int decorate_body(const struct decorate_settings *s, const struct hdr_list *h, const char *body,
                  size_t len, const char *qid, struct buf *out, struct hdr_edits *e);

#endif
