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
};

/** @brief Initialise an empty rewrite. */
void rewrite_init(struct rewrite *rw);
/** @brief Free a rewrite. */
void rewrite_clear(struct rewrite *rw);

/**
 * @brief CookHeaders and SMTPDirect's delivery headers of a post (cookheaders.h).
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
 * scrubbed message when scrub_nondigest is set (r->scrubbed).
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG; LM_EIO.
 */
int pipeline_rewrite(struct msgctx *m, const struct list *l, const struct scrub_result *r,
                     struct rewrite *rw);

/**
 * @brief Tell the MTA about the changes: header edits, then one unbroken run of body pieces.
 * @return LM_OK; LM_EIO; LM_EINVAL.
 */
int rewrite_apply(const struct rewrite *rw, struct mta *mta);

#endif
