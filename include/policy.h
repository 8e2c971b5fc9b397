/*
 * policy.h: the moderation decision for one post, with Mailman 2.1's rules, order and strings:
 * Approve -> Moderate (members, non-member lists, generic action) -> Hold checks -> Emergency.
 */
#ifndef LISTMILTER_POLICY_H
#define LISTMILTER_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "lists.h"
#include "spf.h"

/** What happens to the post. */
enum policy_action {
	POLICY_ACCEPT = 0, /**< decorate, fan out, archive */
	POLICY_HOLD,       /**< keep in the hold queue (answer 250), notify per notify flag */
	POLICY_REJECT,     /**< answer smtp_code/smtp_xcode/rejection during the dialogue */
	POLICY_DISCARD     /**< answer 250 and drop (forward_auto_discards: notice to owners) */
};

/**
 * The list settings the decision reads, by Mailman 2.1 name. Strings are borrowed (NULL is
 * taken as ""); address lists (accept_these_nonmembers, ...) hold one entry per line, or
 * entries separated by commas on one line: an address, a "^regex" (POSIX extended,
 * case-insensitive; a broken one never matches and is logged) or "@otherlist".
 */
struct policy_list {
	const char *name;                       /**< list name (local part) */
	const char *address;                    /**< posting address name@domain */
	const char *domain;                     /**< host_name */
	const char *listinfo_url;               /**< for the administrivia rejection text */
	const char *moderator_password;         /**< "" = Approved: never accepted */
	bool default_member_moderation;         /**< (applied by members_add, not here) */
	long member_moderation_action;          /**< 0 hold, 1 reject, 2 discard */
	const char *member_moderation_notice;   /**< reject text for moderated members */
	long generic_nonmember_action;          /**< 0 accept, 1 hold, 2 reject, 3 discard */
	const char *accept_these_nonmembers;    /**< entries, see above */
	const char *hold_these_nonmembers;      /**< entries */
	const char *reject_these_nonmembers;    /**< entries */
	const char *discard_these_nonmembers;   /**< entries */
	const char *nonmember_rejection_notice; /**< "" = Mailman's default text */
	bool administrivia;                     /**< hold likely mail commands */
	long max_num_recipients;                /**< hold when To+Cc count >= this; 0 = off */
	bool require_explicit_destination;      /**< hold when the list is not in To/Cc */
	const char *acceptable_aliases;         /**< one regex per line (re.match semantics) */
	long max_message_size;                  /**< KB; hold when body KB > this; 0 = off */
	bool emergency;                         /**< hold everything not approved */
	const char *spf_fail_action;            /**< hold (default), reject, discard, accept */
};

/**
 * Look a member up: members_get() in production (policy_member_db, arg = the dbenv), a table
 * in tests.
 * @param[out] moderate the member's moderation flag.
 * @return LM_OK (a member); LM_ENOENT (not a member, or no such list); anything else is an
 * error that makes policy_decide() fail with it.
 */
typedef int (*policy_member_fn)(void *arg, const char *list, const char *addr, bool *moderate);

/** What the milter knows about the post at end of message. Strings are borrowed. */
struct policy_facts {
	const char *qid;         /**< queue id for log lines (may be NULL) */
	const char *env_sender;  /**< envelope sender, no brackets; "" = null sender */
	const char *from;        /**< first From: address, bare (may be NULL) */
	const char *reply_to;    /**< first Reply-To: address (may be NULL) */
	const char *sender;      /**< Sender: address (may be NULL) */
	const char *const *dest; /**< addresses of To, Cc, Resent-To and Resent-Cc, bare */
	size_t ndest;            /**< how many */
	size_t nrecipients;      /**< count of To+Cc addresses (Mailman's getaddresses) */
	const char *subject;     /**< Subject, decoded (may be NULL) */
	const char *body;        /**< the text body (first text/plain part) for administrivia;
	                            only its first lines are read (may be NULL) */
	size_t body_len;         /**< its length */
	size_t body_size;        /**< Mailman's size: body line bytes + preambles + epilogues */
	enum spf_res spf;        /**< SPF result of client + envelope sender */
	const char *approved;    /**< Approved:/Approve:/X-Approved: value, or NULL */
};

/** The outcome. Strings are owned; release with policy_decision_clear(). */
struct policy_decision {
	enum policy_action action;
	bool approved; /**< an Approved: password matched: remove that header */
	bool notify;   /**< for HOLD: send Mailman's notices (false for an emergency hold) */
	const char *smtp_code;  /**< REJECT: "550" */
	const char *smtp_xcode; /**< REJECT: "5.7.1", or "5.7.23" for an SPF reject */
	char *reason;    /**< Mailman's reason for the moderators, e.g. "Post to moderated list" */
	char *rejection; /**< text for the poster (SMTP reply text on REJECT; notice text) */
	char *poster;    /**< the address the decision was about (lower case) */
};

/**
 * @brief Decide what to do with a post.
 * @param[in] l the list settings.
 * @param[in] f the facts of the post.
 * @param[in] member_fn member lookup (NULL: nobody is a member); member_arg its argument.
 * @param[out] d the decision; on error it is left cleared.
 * @return LM_OK; LM_ENOMEM; or the error member_fn returned (LM_EDB ...): tempfail.
 */
int policy_decide(const struct policy_list *l, const struct policy_facts *f,
                  policy_member_fn member_fn, void *member_arg, struct policy_decision *d);

/** @brief Free the strings of a decision and zero it. */
void policy_decision_clear(struct policy_decision *d);

/**
 * @brief Fill a policy_list from a list snapshot (list_get and friends); strings borrow l.
 * @return LM_OK.
 */
int policy_list_load(const struct list *l, struct policy_list *out);

/** @brief members_get() shaped as a policy_member_fn; arg is the struct dbenv *. */
int policy_member_db(void *arg, const char *list, const char *addr, bool *moderate);

/**
 * @brief Does an address match an entry list (exact, ^regex, @otherlist)?
 * @param[in] entries the setting's text; addr the lower-cased address.
 * @param[out] hit set to true on a match.
 * @return LM_OK; LM_ENOMEM; member_fn's error for @otherlist lookups.
 */
int policy_match(const char *entries, const char *addr, policy_member_fn member_fn,
                 void *member_arg, const char *qid, bool *hit);

/**
 * @brief Mailman's Utils.is_administrivia on a body and subject.
 * @return true when the post looks like a mail command.
 */
bool policy_is_administrivia(const char *body, size_t len, const char *subject);

#endif
