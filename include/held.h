/*
 * held.h: what moderators do with held posts, shared by listctl and the milter (confirm by
 * email): approve (re-inject once), reject (notice), discard, expire; and the hold notices.
 *
 * How an approved post passes the milter exactly once (for the milter's eom):
 *  1. held_approve() gets the post's approval token (token_approval(): made once per held
 *     post and remembered, so a retried approval reuses it), puts the header
 *     "X-Listmilter-Approved: <token>" (HELD_APPROVED_HEADER) on top of the original bytes and
 *     hands them to SendmailCommand with the original envelope; only then is the post removed
 *     from the hold queue.
 *  2. The milter, at eom of a post to the list carrying that header, calls token_use_txn(txn,
 *     env, key, TOKEN_APPROVE, list, value, now, &id) INSIDE the write transaction that appends
 *     the post to the archive:
 *       LM_OK      - approved: skip moderation (policy_decide), remove the header
 *                    (smfi_chgheader(ctx, HELD_APPROVED_HEADER, 1, NULL)), go on like a member
 *                    post (decorate, fan out, archive); the token is used when that commits;
 *       LM_EEXIST  - a second copy of an approved post (approval retried after the first copy
 *                    was handed over): SMFIS_DISCARD, nothing archived;
 *       other      - forged, expired, another list: remove the header, moderate normally.
 */
#ifndef LISTMILTER_HELD_H
#define LISTMILTER_HELD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dbenv.h"
#include "holdq.h"
#include "lists.h"
#include "notice.h"
#include "policy.h"
#include "token.h"

/** The header an approved post is re-injected with. */
#define HELD_APPROVED_HEADER "X-Listmilter-Approved"
/** How long an approval token stays valid (the MTA may queue the re-injected post). */
#define HELD_APPROVE_TTL ((int64_t)7 * 86400)
/** How long a confirm token in a moderator notice stays valid (Mailman's 3 days). */
#define HELD_CONFIRM_TTL ((int64_t)3 * 86400)

/** What every operation needs. */
struct held_ctx {
	struct dbenv *env;
	const char *sendmail_command;   /**< SendmailCommand */
	const struct token_key *key;    /**< the site secret */
	int64_t now;                    /**< the current time */
	const struct notice_meta *meta; /**< fixed Date/Message-ID in tests; NULL otherwise */
	const char *qid;                /**< for log lines (may be NULL) */
};

/**
 * @brief Send the notices of a new hold: to the poster when respond_to_post_requests (not for
 * Precedence: bulk/junk/list without X-Ack: yes, as Mailman; never for an "SPF fail" hold,
 * whose sender is probably forged; at most 10 a day to one poster, Mailman's
 * MAX_AUTORESPONSES_PER_DAY), to owners and moderators when admin_immed_notify (with a
 * confirm token).
 * Call after the hold committed. A notice that cannot be sent is logged, not fatal.
 * @param[in] notify false for an emergency hold (Mailman sends nothing then).
 * @return LM_OK; LM_ENOMEM; LM_EIO (the token could not be made).
 */
int held_notify(const struct held_ctx *c, const struct list *l, const struct holdq_entry *e,
                uint32_t id, bool notify);

/**
 * @brief After an automatic discard at SMTP time: when forward_auto_discards (default yes),
 * send the owners and moderators Mailman's "Auto-discard notification" with the post attached
 * (e needs msg, poster and subject). Logged either way.
 * @return LM_OK (also when there is nobody to tell); as sendmail_run(); LM_ENOMEM.
 */
int held_auto_discard(const struct held_ctx *c, const struct list *l, const struct holdq_entry *e);

/**
 * @brief For the milter's HOLD: keep the post as received, read from its spool descriptor,
 * with the envelope and the decision's poster and reason. Call before answering; a failure
 * is a 451 4.3.0 tempfail (nothing is lost).
 * @param[in] d the decision (poster, reason).
 * @param[in] subject the decoded Subject (may be NULL).
 * @param[in] rcpts the envelope recipients that are the list's posting address.
 * @param[in] fd the spool (spool_fd()), len its length.
 * @param[out] id the held post's id, for held_after().
 * @return as holdq_add_fd().
 */
int held_store_fd(struct dbenv *env, const struct list *l, const struct policy_decision *d,
                  const char *subject, const char *env_sender, const char *const *rcpts,
                  size_t nrcpts, int fd, size_t len, uint32_t *id);

/**
 * @brief After the SMTP answer: Mailman's notices for a HOLD (read back from the hold queue;
 * none for an emergency hold) or a DISCARD (the auto-discard notice, the post read from fd).
 * Failures are logged, never reported: the decision stands.
 * @param[in] id the id held_store_fd() gave (HOLD only).
 * @param[in] fd, len the spool (DISCARD only; fd < 0 skips the notice).
 */
void held_after(const struct held_ctx *c, const struct list *l, const struct policy_decision *d,
                uint32_t id, const char *subject, int fd, size_t len);

/**
 * @brief Approve: re-inject the post through SendmailCommand (see above), then unhold it.
 * @return LM_OK; LM_ENOENT (no such held post); LM_ETEMP/LM_EIO (SendmailCommand failed: the
 * post stays held); LM_EDB; LM_ENOMEM.
 */
int held_approve(const struct held_ctx *c, const struct list *l, uint32_t id);

/**
 * @brief Reject: send the poster Mailman's refusal with the reason, then unhold the post.
 * A post with no address to answer (null sender) is removed without a notice (logged).
 * @return LM_OK; LM_ENOENT; LM_ETEMP/LM_EIO (the notice could not be sent: still held);
 * LM_EDB; LM_ENOMEM.
 */
int held_reject(const struct held_ctx *c, const struct list *l, uint32_t id, const char *reason);

/**
 * @brief Discard: unhold the post without a notice (logged).
 * @return LM_OK; LM_ENOENT; LM_EDB.
 */
int held_discard(const struct held_ctx *c, const struct list *l, uint32_t id);

/**
 * @brief A moderator's reply with "confirm <token>" (the milter checks first that it came from
 * an owner or moderator address): approve or discard the held post the token names. The
 * token is marked used once the action succeeded, so it works once.
 * @param[out] id the held post's id (may be NULL).
 * @return LM_OK; LM_EPARSE/LM_EPERM (not a valid token for this list); LM_ENOENT (expired,
 * or the post is no longer held); LM_EEXIST (token used before); as held_approve().
 */
int held_confirm(const struct held_ctx *c, const struct list *l, const char *token, bool approve,
                 uint32_t *id);

/**
 * @brief Expire posts held longer than max_days_to_hold: the poster is told (a refusal with
 * the reason "not reviewed within N days"), the post is removed, a line is logged.
 * @param[out] n how many expired (may be NULL).
 * @return LM_OK; the first error (the remaining posts are still tried).
 */
int held_expire(const struct held_ctx *c, const struct list *l, size_t *n);

/** What a reply to list-request@ came to (held_mail_confirm()). */
enum held_reply {
	HELD_REPLY_NONE = 0,      /**< no "confirm <token>": not a moderation reply */
	HELD_REPLY_APPROVED,      /**< approved with the password: re-injected */
	HELD_REPLY_DISCARDED,     /**< no password: discarded, as Mailman does */
	HELD_REPLY_BAD_PASSWORD,  /**< a wrong Approved: password: still held */
	HELD_REPLY_NOT_MODERATOR, /**< the From address is no owner or moderator: ignored */
	HELD_REPLY_BAD_TOKEN,     /**< forged, tampered, another list's, or expired */
	HELD_REPLY_USED,          /**< the token was used before */
	HELD_REPLY_GONE           /**< the post is no longer held */
};

/** A reply to list-request@ as the milter sees it at eom. Strings are borrowed. */
struct held_reply_in {
	const char *from;     /**< the From: address, bare */
	const char *subject;  /**< Subject: ("Re: confirm <token>" is fine) */
	const char *approved; /**< Approved:/Approve:/X-Approved:/X-Approve: header, or NULL */
	const char *body;     /**< the first text/plain part (may be NULL) */
	size_t body_len;      /**< its length */
};

/**
 * @brief Mailman's confirm flow by email: find "confirm <token>" in the Subject (or a body
 * line), check that From is an owner or moderator, then approve (an Approved: password equal
 * to moderator_password, as a header or the first non-blank body line) or discard.
 * @param[out] out what happened; id the post's id when one was named (may be NULL).
 * @return LM_OK (see out); LM_ETEMP/LM_EIO (re-injection failed: still held); LM_EDB;
 * LM_ENOMEM.
 */
int held_mail_confirm(const struct held_ctx *c, const struct list *l,
                      const struct held_reply_in *in, enum held_reply *out, uint32_t *id);

/** @brief A name for logs: "approved", "discarded", "bad password", ... */
const char *held_reply_name(enum held_reply r);

#endif
