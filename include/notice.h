/*
 * notice.h: Mailman 2.1's moderation notices composed as RFC 5322 messages (exact subjects),
 * with their envelope, ready for sendmail_run(): held (poster, moderators), rejected, discarded.
 */
#ifndef LISTMILTER_NOTICE_H
#define LISTMILTER_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "holdq.h"
#include "lists.h"

/** What a notice needs to know of its list. Strings are borrowed. */
struct notice_list {
	const char *name;      /**< list name */
	const char *domain;    /**< host_name */
	const char *real_name; /**< Mailman's %(listname)s / %(realname)s in subjects */
	const char *owner;     /**< owner addresses, comma-separated */
	const char *moderator; /**< moderator addresses, comma-separated */
};

/** Date, Message-ID and MIME boundary of a notice: fixed in tests, fresh otherwise. */
struct notice_meta {
	int64_t now;            /**< the Date: (UTC) */
	const char *message_id; /**< "<...>"; NULL makes one */
	uint64_t boundary;      /**< the boundary's 16 hex digits; 0 makes one */
};

/** A composed notice and its envelope. All owned; release with notice_clear(). */
struct notice {
	struct buf msg; /**< the message, LF line ends */
	char *env_from; /**< list-bounces@domain */
	char **rcpts;   /**< envelope recipients */
	size_t nrcpts;  /**< how many */
};

/** @brief Fill a notice_list from a list snapshot (strings borrow l). @return LM_OK. */
int notice_list_load(const struct list *l, struct notice_list *out);

/**
 * @brief To the poster: "Your message to <real_name> awaits moderator approval".
 * @param[in] e the held post (poster, subject, reason are used).
 * @param[in] m date, id and boundary, or NULL for fresh ones.
 * @param[out] n the notice (initialised here).
 * @return LM_OK; LM_ENOENT (no poster address to answer, e.g. the null sender); LM_ETOOBIG;
 * LM_ENOMEM.
 */
int notice_held_poster(const struct notice_list *l, const struct holdq_entry *e,
                       const struct notice_meta *m, struct notice *n);

/**
 * @brief To owners and moderators: "<real_name> post from <poster> requires approval", a
 * multipart/mixed of the text, the held post (message/rfc822) and a "confirm <token>"
 * message from list-request@domain (message/rfc822).
 * @param[in] id the held post's id (named in the text for listctl).
 * @param[in] token the confirm token (TOKEN_CONFIRM).
 * @return LM_OK; LM_ENOENT (no owner or moderator address); LM_ETOOBIG; LM_ENOMEM.
 */
int notice_held_moderators(const struct notice_list *l, const struct holdq_entry *e, uint32_t id,
                           const char *token, const struct notice_meta *m, struct notice *n);

/**
 * @brief To the poster: "Request to mailing list <real_name> rejected" (refuse.txt).
 * @param[in] comment the moderator's reason; NULL or "" gives "[No reason given]".
 * @return LM_OK; LM_ENOENT (no poster address); LM_ETOOBIG; LM_ENOMEM.
 */
int notice_rejected(const struct notice_list *l, const struct holdq_entry *e, const char *comment,
                    const struct notice_meta *m, struct notice *n);

/**
 * @brief To owners and moderators: "Auto-discard notification" with the post attached.
 * @return LM_OK; LM_ENOENT (no owner or moderator); LM_ETOOBIG; LM_ENOMEM.
 */
int notice_auto_discard(const struct notice_list *l, const struct holdq_entry *e,
                        const struct notice_meta *m, struct notice *n);

/**
 * @brief Hand a notice to the MTA (sendmail_run with its envelope).
 * @return as sendmail_run().
 */
int notice_send(const char *sendmail_command, const struct notice *n, const char *qid);

/** @brief Free a notice. */
void notice_clear(struct notice *n);

#endif
