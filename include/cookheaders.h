/*
 * cookheaders.h: Mailman 2.1's CookHeaders, Cleanse and delivery-time headers as pure
 * transforms: a message's header fields in, an ordered list of smfi_* header edits out.
 */
/*
 * How the milter uses it, at end of message (all inputs are the post as received):
 *   1. cook_settings_from_list(); set post_id (the number a "%d" prefix shows).
 *   2. from_is_list 0/1: cook_headers() then cook_delivery_headers() into one edit list.
 *      Archived copy = hdr_edits_render(h, e, false, ...) + the original body (no footer).
 *      Delivered copy = every edit applied with smfi_addheader/smfi_chgheader, then
 *      decorate_body() for the new body (smfi_replacebody) and its Content-* edits.
 *   3. from_is_list 2: cook_headers() into "cooked" (archive as above: only Cleanse applies),
 *      then dmarc_wrap(), then cook_delivery_headers() and decorate_body() (on the wrapped
 *      body) both with dmarc_wrapped_view() as the header view; apply only these edits, not
 *      "cooked" (the wrapper already carries them).
 * Every edit list is computed against the original header view, so apply them in order
 * and do not interleave them with other edits of the same header names.
 */
#ifndef LISTMILTER_COOKHEADERS_H
#define LISTMILTER_COOKHEADERS_H

#include <stdbool.h>

#include "buf.h"
#include "hdredit.h"

struct list;

/** The list settings CookHeaders reads (Mailman 2.1 names). Strings are borrowed. */
struct cook_settings {
	const char *list_name;        /**< internal name, "mylist" (List-Id, list address) */
	const char *host_name;        /**< "example.com" */
	const char *real_name;        /**< display name, "Mylist" */
	const char *description;      /**< "" for none; UTF-8 */
	const char *subject_prefix;   /**< literal prefix, may hold %d / %05d; "" for none */
	const char *listinfo_url;     /**< ".../mailman/listinfo/mylist" (List-Subscribe) */
	const char *options_url;      /**< ".../mailman/options/mylist" (List-Unsubscribe) */
	const char *archive_url;      /**< ".../pipermail/mylist/" (List-Archive) */
	const char *charset;          /**< the list's charset, "us-ascii" for English */
	const char *reply_to_address; /**< for reply_goes_to_list = 2 */
	unsigned long post_id;        /**< the number %d in the prefix becomes */
	int reply_goes_to_list;       /**< 0 poster, 1 this list, 2 reply_to_address */
	int from_is_list;             /**< 0 no, 1 munge From, 2 wrap message */
	bool first_strip_reply_to;
	bool archive;                  /**< List-Archive only when archiving */
	bool include_rfc2369_headers;  /**< List-* at all */
	bool include_list_post_header; /**< List-Post */
	bool include_sender_header;    /**< Sender: at delivery */
	bool old_style_prefixing;      /**< site OLD_STYLE_PREFIXING (Mailman default yes) */
};

/**
 * @brief Fill settings from a list snapshot, with Mailman's defaults; strings point into l
 * or into store (which the caller frees with buf_free after use).
 * @param[in] l the list.
 * @param[out] s the settings.
 * @param[out] store backing storage for derived strings (URLs, interpolated prefix).
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG.
 */
int cook_settings_from_list(const struct list *l, struct cook_settings *s, struct buf *store);

/** @brief Mailman's defaults for a list name and host (for tests and as a base). */
void cook_settings_defaults(struct cook_settings *s, const char *list_name, const char *host_name,
                            const char *real_name);

/**
 * @brief prefix_subject(): the new Subject value, exactly as Mailman writes it (folded).
 * @param[in] s the settings (subject_prefix, post_id, charset, old_style_prefixing).
 * @param[in] raw the raw Subject value, or NULL when the message has none.
 * @param[out] out receives the value (appended).
 * @return LM_OK; LM_ENOENT when the Subject must be left alone (blank prefix, or an
 * undecodable 8-bit subject, or a prefix Python could not format); LM_ETOOBIG; LM_ENOMEM.
 */
int cook_subject(const struct cook_settings *s, const char *raw, struct buf *out);

/**
 * @brief CookHeaders + Cleanse for one post. Edits for the archived copy come with
 * delivery_only false (Cleanse deletes, Subject, X-BeenThere, X-Mailman-Version, Precedence,
 * List-*); the From/Reply-To/Cc munging comes last with delivery_only true. With
 * from_is_list = 2 every CookHeaders edit is delivery_only (Mailman defers them all).
 * @param[in] s the settings.
 * @param[in] h the message's header fields.
 * @param[in] envelope_sender the original sender (used when From has no single address).
 * @param[in] member_name the poster's registered name, or NULL.
 * @param[in] qid queue id for log lines.
 * @param[out] e edits appended (nothing on failure).
 * @return LM_OK; LM_EINVAL (settings that would make a bad header: CR/LF, empty names);
 * LM_ETOOBIG; LM_ENOMEM.
 */
int cook_headers(const struct cook_settings *s, const struct hdr_list *h,
                 const char *envelope_sender, const char *member_name, const char *qid,
                 struct hdr_edits *e);

/**
 * @brief ToArchive's rule: archive unless the list does not archive, the post has an
 * X-No-Archive header (any value), or its X-Archive is "no" (any case).
 * @return true when the post goes to the archive.
 */
bool cook_archive_wanted(const struct cook_settings *s, const struct hdr_list *h);

/**
 * @brief SMTPDirect's delivery headers: Errors-To and (include_sender_header) Sender, both
 * replacing existing ones, delivery_only.
 * @param[in] envsender the envelope sender of the outgoing copy (list-bounces@host).
 * @return LM_OK; LM_EINVAL; LM_ENOMEM; LM_ETOOBIG.
 */
int cook_delivery_headers(const struct cook_settings *s, const struct hdr_list *h,
                          const char *envsender, struct hdr_edits *e);

/**
 * @brief DMARC From munging (from_is_list = 1): "Name via List <list@host>".
 * @param[in] s the settings.
 * @param[in] from_name the poster's display name (raw header text, may be RFC 2047), or "".
 * @param[in] from_addr the poster's address (used when there is no name).
 * @param[out] out the new From value, before folding (appended).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int dmarc_munged_from(const struct cook_settings *s, const char *from_name, const char *from_addr,
                      struct buf *out);

/**
 * @brief WrapMessage for from_is_list = 2: the delivered message becomes a message/rfc822
 * wrapper around the post. The wrapper keeps To, In-Reply-To, References,
 * X-Mailman-Approved-At, Date (and Subject when CookHeaders left it alone) and gets
 * MIME-Version, a new Message-ID, CookHeaders' deferred headers, Content-Type: message/rfc822
 * and Content-Disposition: inline. All edits are delivery_only; the archived copy is
 * hdr_edits_render(h, cooked, false, ...) + the original body, as in Mailman.
 * Afterwards decorate_body() can run with dmarc_wrapped_view() as the header view.
 * @param[in] s the settings (for the Message-ID).
 * @param[in] h the post's header fields.
 * @param[in] cooked the edits from cook_headers() with from_is_list = 2.
 * @param[in] body the post's raw body.
 * @param[in] len its length.
 * @param[out] newbody the wrapper's body: the post's header block after Cleanse, a blank line,
 * the post's body (appended; line endings follow the body's).
 * @param[out] e the wrapper's header edits (appended).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int dmarc_wrap(const struct cook_settings *s, const struct hdr_list *h,
               const struct hdr_edits *cooked, const char *body, size_t len, struct buf *newbody,
               struct hdr_edits *e);

/** @brief The top-level header fields of a dmarc_wrap() result, for decorate_body(). */
const struct hdr_list *dmarc_wrapped_view(void);

#endif
