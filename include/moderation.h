/*
 * moderation.h: the moderation step of the end-of-message pipeline in a few calls, for the
 * milter: approval header, decision, hold, notices. Built on policy.h, holdq.h and held.h.
 *
 * At eom of a post to a list (after the loop check), in this order:
 *   1. moderation_approval(): an X-Listmilter-Approved header from listctl approve or a
 *      confirm reply. MOD_APPROVED: skip step 2, archive and deliver like a member post
 *      (remove the header with smfi_chgheader(ctx, HELD_APPROVED_HEADER, 1, NULL)), then call
 *      moderation_approval_done() after the archive append committed and before answering
 *      (a duplicate copy then gets LM_EEXIST there: discard it). MOD_DUPLICATE: discard (250).
 *      MOD_NONE: go on; any forged header is to be removed too.
 *   2. moderation_decide(): fills mo->d (action, reason, SMTP code/text, approved flag).
 *      ACCEPT: archive and deliver. Whenever mo->pm.approved_header is set, remove that
 *              header (Mailman's Cleanse does so always: a password, right or wrong, must
 *              never reach the members or the archive).
 *      REJECT: smfi_setreply(mo->d.smtp_code, mo->d.smtp_xcode, mo->d.rejection), REJECT.
 *      HOLD:   moderation_hold() with the post as received (headers and body bytes), then
 *              answer 250 (SMFIS_DISCARD: the MTA must not deliver it) and only then
 *              moderation_notify(). A failing moderation_hold() is a 451 4.3.0 tempfail.
 *      DISCARD: SMFIS_DISCARD, then moderation_notify() (auto-discard notice to owners).
 *
 * A pipeline that makes the decision itself (milter/postpolicy.c's pipeline_policy()) uses
 * step 1 from here and, for the post as spooled, held.h's held_store_fd() (HOLD, before the
 * answer) and held_after() (HOLD/DISCARD notices, after it) instead of steps 2's helpers.
 */
#ifndef LISTMILTER_MODERATION_H
#define LISTMILTER_MODERATION_H

#include <gmime/gmime.h>

#include "held.h"
#include "holdq.h"
#include "policy.h"
#include "policy_msg.h"
#include "token.h"

/** What the approval header said. */
enum mod_approval {
	MOD_NONE = 0, /**< no valid approval token: moderate as usual */
	MOD_APPROVED, /**< approved by a moderator: skip moderation */
	MOD_DUPLICATE /**< a second copy of an approved post: discard it */
};

/** The state of one post's moderation; zero it, then release with moderation_clear(). */
struct moderation {
	struct policy_msg pm;      /**< facts read from the message */
	struct policy_list pl;     /**< the list's settings (borrowed from the list) */
	struct policy_decision d;  /**< the decision */
	char token[TOKEN_LEN + 1]; /**< the approval token seen, for moderation_approval_done() */
	uint32_t held_id;          /**< the id moderation_hold() gave */
};

/**
 * @brief Look for HELD_APPROVED_HEADER and check its token (without using it).
 * @param[out] out the verdict.
 * @return LM_OK; LM_EDB (tempfail).
 */
int moderation_approval(struct moderation *mo, struct dbenv *env, const struct token_key *key,
                        const struct list *l, GMimeMessage *msg, int64_t now,
                        enum mod_approval *out);

/**
 * @brief Use the approval token once the approved post is archived.
 * @return LM_OK; LM_EEXIST (another copy came first: discard this one); LM_EDB (tempfail).
 */
int moderation_approval_done(struct moderation *mo, struct dbenv *env, const struct token_key *key,
                             const struct list *l, int64_t now);

/**
 * @brief Decide on a post with Mailman's rules.
 * @param[in] env the environment (member lookups).
 * @param[in] qid queue id for log lines.
 * @param[in] env_sender the envelope sender ("" for the null sender).
 * @param[in] spf the SPF result of the client and sender (SPFRES_NONE when not checked).
 * @return LM_OK (mo->d filled); LM_ENOMEM; LM_EDB (tempfail).
 */
int moderation_decide(struct moderation *mo, struct dbenv *env, const struct list *l,
                      GMimeMessage *msg, const char *qid, const char *env_sender, enum spf_res spf);

/**
 * @brief Keep a held post: the raw bytes, envelope, reason, poster and subject.
 * @param[in] rcpts the envelope recipients that are the list's posting address.
 * @return LM_OK (on disk; mo->held_id set); LM_ETOOBIG; LM_EDB; LM_ENOMEM.
 */
int moderation_hold(struct moderation *mo, struct dbenv *env, const struct list *l,
                    const char *env_sender, const char *const *rcpts, size_t nrcpts,
                    const char *raw, size_t raw_len);

/**
 * @brief After the answer: the notices of a hold (poster, moderators) or of an automatic
 * discard (owners). Failures are logged only: the decision stands.
 * @param[in] raw the post as received (attached to the moderators' notices).
 */
void moderation_notify(struct moderation *mo, const struct held_ctx *c, const struct list *l,
                       const char *env_sender, const char *raw, size_t raw_len);

/** @brief Free what the calls above made. */
void moderation_clear(struct moderation *mo);

#endif
