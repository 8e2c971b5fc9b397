/*
 * policy_msg.h: the header and body facts moderation needs, read from a parsed message
 * (GMime) the way Mailman 2.1 reads them: senders, To/Cc/Resent-*, size, first text lines.
 */
#ifndef LISTMILTER_POLICY_MSG_H
#define LISTMILTER_POLICY_MSG_H

#include <gmime/gmime.h>

#include "buf.h"
#include "policy.h"

/** The most body text read for the administrivia check. */
#define POLICY_MSG_BODY_MAX ((size_t)64 * 1024)
/** The most destination addresses kept for the explicit-destination check. */
#define POLICY_MSG_DEST_MAX 1000

/**
 * Facts of one message. facts points into the other fields; the caller adds qid, env_sender
 * and spf to facts before policy_decide(). Everything is owned; release with
 * policy_msg_clear().
 */
struct policy_msg {
	struct policy_facts facts;
	char *from, *reply_to, *sender; /**< first mailbox of each header, lower case, or NULL */
	char *subject;                  /**< decoded Subject, or NULL */
	char *approved;                 /**< Approved:/Approve:/X-Approved:/X-Approve:, or NULL */
	const char *approved_header;    /**< which of those names it was (static), or NULL */
	char **dest;                    /**< To, Cc, Resent-To, Resent-Cc mailboxes */
	size_t ndest;
	struct buf body; /**< first text/plain part, decoded, capped */
};

/**
 * @brief Read the facts of a message.
 * To+Cc are counted like Mailman's getaddresses (group members count); the size is Mailman's:
 * every leaf part's encoded content plus multipart prologues and epilogues (not headers).
 * @param[in] msg the parsed message.
 * @param[out] out the facts.
 * @return LM_OK; LM_ENOMEM.
 */
int policy_msg_load(GMimeMessage *msg, struct policy_msg *out);

/** @brief Free what policy_msg_load() made. */
void policy_msg_clear(struct policy_msg *pm);

#endif
