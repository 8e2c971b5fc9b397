/*
 * pipeline_int.h: the pieces of the end-of-message pipeline that live in their own files:
 * the posting policy, the archived article, and the rewrite of the delivered copy.
 */
#ifndef LISTMILTER_PIPELINE_INT_H
#define LISTMILTER_PIPELINE_INT_H

#include <stdbool.h>

#include <gmime/gmime.h>

#include "archive.h"
#include "buf.h"
#include "cookheaders.h"
#include "decorate.h"
#include "hdredit.h"
#include "lists.h"
#include "milter.h"
#include "moderation.h"
#include "mta.h"
#include "scrub.h"

/**
 * @brief Fill an article from the parsed post and the scrubber's result.
 * @return LM_OK; LM_ENOMEM.
 */
int pipeline_article(GMimeMessage *msg, const struct scrub_result *r, struct article *a);

/** The delivered copy's changes: header edits first, then (optionally) a new body. */
struct rewrite {
	struct hdr_edits e; /**< CookHeaders, delivery headers, Decorate's Content-* fixes */
	struct buf body;    /**< the new body when body_set */
	bool body_set;
	bool wrap;             /**< from_is_list = 2: deliver a message/rfc822 wrapper */
	unsigned long post_id; /**< the number a %d in subject_prefix became */
};

/** @brief Initialise an empty rewrite. */
void rewrite_init(struct rewrite *rw);
/** @brief Free a rewrite. */
void rewrite_clear(struct rewrite *rw);

/**
 * @brief CookHeaders of a post (cookheaders.h), with the poster's registered name for the
 * From munging; the delivery headers come later, after Decorate (pipeline_rewrite()).
 * @param[in] m the message (header fields, envelope sender). @param[in] l the list.
 * @param[in] post_id the number a %d in subject_prefix becomes.
 * @param[out] rw edits appended.
 * @return LM_OK; LM_EINVAL; LM_ETOOBIG; LM_ENOMEM.
 */
int rewrite_cook(struct msgctx *m, const struct list *l, unsigned long post_id, struct rewrite *rw);

/**
 * @brief Apply the edits meant for the archived copy too (not delivery_only) to the parsed
 * post, as Mailman archives the post after CookHeaders.
 * @return LM_OK; LM_ENOMEM.
 */
int rewrite_archived(const struct rewrite *rw, GMimeMessage *msg);

/**
 * @brief The delivered body: Decorate's header and footer on the post as received, or the
 * scrubbed message when scrub_nondigest is set (r->scrubbed), then SMTPDirect's Errors-To
 * and Sender. With from_is_list = 2 (rw->wrap) the post goes into a message/rfc822 wrapper
 * first (rewrite_wrap()).
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG; LM_EIO; LM_EINVAL.
 */
int pipeline_rewrite(struct msgctx *m, const struct list *l, const struct scrub_result *r,
                     struct rewrite *rw);

/**
 * @brief SMTPDirect's Errors-To and Sender for the delivered copy, against the header view h.
 * @return LM_OK; LM_EINVAL; LM_ENOMEM; LM_ETOOBIG.
 */
int rewrite_delivery_headers(const struct list *l, const struct hdr_list *h, struct hdr_edits *e);

/**
 * @brief WrapMessage (from_is_list = 2), cookheaders.h step 3: rw->e (CookHeaders' edits)
 * is replaced by the wrapper's edits, Decorate runs on the wrapper with
 * dmarc_wrapped_view(), then the delivery headers; rw->body is the new body.
 * @param[in] h the post's fields. @param[in] body the post's body (CRLF, as spooled).
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG; LM_EINVAL.
 */
int rewrite_wrap(struct msgctx *m, const struct list *l, const struct hdr_list *h,
                 const struct buf *body, struct rewrite *rw);

/**
 * @brief A hash of what a retry of the post carries unchanged: its From, To, Cc, Subject,
 * Date, In-Reply-To, References, Content-Type, Reply-To and Sender fields and its body (not
 * the MTA's Received lines or queue id).
 * @param[out] seed 32 bytes.
 * @return LM_OK; LM_EIO; LM_ETOOBIG; LM_ENOMEM.
 */
int post_seed(struct msgctx *m, unsigned char seed[32]);

/**
 * @brief The scrubber's msgid_seed for a post without a Message-ID (post_seed()), so its
 * generated Message-ID and attachment directory are the same on every MTA retry.
 * @param[out] seed 32 bytes of storage. @param[out] out seed, or NULL when the post has a
 * Message-ID.
 * @return LM_OK; LM_EIO; LM_ETOOBIG; LM_ENOMEM.
 */
int post_msgid_seed(struct msgctx *m, GMimeMessage *msg, unsigned char seed[32],
                    const unsigned char **out);

/**
 * @brief A DB_META key for something kept about one post across MTA retries:
 * "<prefix>:<list>\0" + SHA-256 of its Message-ID, else its post_seed().
 * @param[out] k the key (appended).
 * @return LM_OK; LM_EIO; LM_ETOOBIG; LM_ENOMEM.
 */
int post_key(struct msgctx *m, const char *prefix, const char *list, struct buf *k);

/**
 * @brief The value stored under key, or store *v there (one durable write) when there is none.
 * @param[in,out] v the value to keep; the kept one on return.
 * @return LM_OK; LM_ETOOBIG; LM_EDB; LM_ENOMEM.
 */
int post_remember(struct dbenv *env, struct buf *key, uint64_t *v);

/**
 * @brief ArchRunner's dates for the archived copy of a live post (spec 0, steps 1-2): when
 * Date is missing, unparseable or more than 15 days off, it becomes the received time
 * (formatdate, "-0000") and the original goes to X-Original-Date; X-List-Received-Date is
 * always added. The received time of a post whose Date is replaced is remembered under its
 * identity (post_key "received"), so a retry dates, files and dedupes the same.
 * @param[in,out] msg the parsed post (the archived copy).
 * @param[in,out] received the arrival time (now); the remembered one when Date is replaced.
 * @return LM_OK; LM_ETOOBIG; LM_EDB; LM_EIO; LM_ENOMEM.
 */
int archdate_apply(struct msgctx *m, const struct list *l, GMimeMessage *msg, time_t *received);

/**
 * @brief Mailman's post_id for a post, when the list's subject_prefix shows one ("%d"):
 * DB_META "post_id:<list>" holds the next number (starting at 1, or after the posts already
 * archived); each new post takes it and the counter moves on, in one durable write that also
 * records the number under the post's identity (its Message-ID, else post_seed()). A retry of
 * the post (the MTA tries again after a 4xx) thus gets the same number, cooks the same
 * Subject, and the archive dedupes it. Lists without "%" keep no counter.
 * @param[out] out the number, or 0 when the prefix shows none.
 * @return LM_OK; LM_ETOOBIG; LM_EDB; LM_EIO; LM_ENOMEM.
 */
int postid_take(struct msgctx *m, const struct list *l, unsigned long *out);

/**
 * @brief Tell the MTA about the changes: header edits, then one unbroken run of body pieces.
 * @return LM_OK; LM_EIO; LM_EINVAL.
 */
int rewrite_apply(const struct rewrite *rw, struct mta *mta);

#endif
