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
#include "lists.h"
#include "milter.h"
#include "mta.h"
#include "policy.h"
#include "scrub.h"

/**
 * @brief Moderation of a post (policy.h, Mailman 2.1's rules) from what the message shows.
 * @param[in] m the message (envelope sender, queue id). @param[in] l the list.
 * @param[in] msg the post. @param[out] d the decision (policy_decision_clear() it).
 * @return LM_OK; LM_EDB; LM_ENOMEM (the caller tempfails).
 */
int pipeline_policy(struct msgctx *m, const struct list *l, GMimeMessage *msg,
                    struct policy_decision *d);

/**
 * @brief Fill an article from the parsed post and the scrubber's result.
 * @return LM_OK; LM_ENOMEM.
 */
int pipeline_article(GMimeMessage *msg, const struct scrub_result *r, struct article *a);

/** One header edit for the delivered copy. */
struct rw_edit {
	char op;     /**< 'a' add, 'i' insert at idx, 'c' change idx-th (value NULL deletes) */
	int idx;     /**< position or 1-based instance */
	char *name;  /**< owned */
	char *value; /**< owned, may be NULL for 'c' */
};

/** The delivered copy's changes: header edits first, then (optionally) a new body. */
struct rewrite {
	struct rw_edit *h;
	size_t nh, hcap;
	struct buf body;
	bool body_set;
};

/** @brief Initialise an empty rewrite. */
void rewrite_init(struct rewrite *rw);
/** @brief Free a rewrite. */
void rewrite_clear(struct rewrite *rw);
/** @brief Queue a header edit. @return LM_OK; LM_ENOMEM. */
int rewrite_header(struct rewrite *rw, char op, int idx, const char *name, const char *value);

/**
 * @brief Compute the changes of the delivered copy of a post (CookHeaders, Decorate, and the
 * scrubbed body when scrub_nondigest is set). The one place the decorate module plugs in.
 * @param[in] m the message. @param[in] l the list. @param[in] msg the post as received.
 * @param[in] r the scrubber's result (r->scrubbed set when scrub_nondigest), may be NULL.
 * @param[out] rw the changes.
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG; LM_EIO.
 */
int pipeline_rewrite(struct msgctx *m, const struct list *l, GMimeMessage *msg,
                     const struct scrub_result *r, struct rewrite *rw);

/**
 * @brief Tell the MTA about the changes: header edits, then one unbroken run of body pieces.
 * @return LM_OK; LM_EIO; LM_EINVAL.
 */
int rewrite_apply(const struct rewrite *rw, struct mta *mta);

#endif
