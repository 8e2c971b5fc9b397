/*
 * postpolicy.c: the facts of a post that moderation (policy.h) decides on, taken from the
 * parsed message and the envelope: senders, destinations, subject, text body, Approved:.
 */
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "pipeline_int.h"

/* The most To/Cc addresses looked at for require_explicit_destination. */
#define POLICY_MAX_DEST 256

static const char *first_addr(InternetAddressList *al)
{
	int i, n = al ? internet_address_list_length(al) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(al, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	}
	return NULL;
}

static size_t add_dest(InternetAddressList *al, const char **dest, size_t n)
{
	int i, len = al ? internet_address_list_length(al) : 0;

	for (i = 0; i < len && n < POLICY_MAX_DEST; i++) {
		InternetAddress *ia = internet_address_list_get_address(al, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			dest[n++] = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	}
	return n;
}

static const char *approved_value(GMimeMessage *msg)
{
	static const char *names[] = {"Approved", "Approve", "X-Approved"};
	size_t i;
	const char *v;

	for (i = 0; i < 3; i++)
		if ((v = g_mime_object_get_header(GMIME_OBJECT(msg), names[i])) != NULL)
			return v;
	return NULL;
}

/* The text Mailman's administrivia test reads: the first text part, decoded. */
static char *text_body(GMimeMessage *msg)
{
	GMimeObject *body = g_mime_message_get_body(msg);

	if (body && GMIME_IS_TEXT_PART(body))
		return g_mime_text_part_get_text(GMIME_TEXT_PART(body));
	return NULL;
}

int pipeline_policy(struct msgctx *m, const struct list *l, GMimeMessage *msg,
                    struct policy_decision *d)
{
	const char *dest[POLICY_MAX_DEST];
	struct policy_list pl;
	struct policy_facts f = {0};
	const char *env = m->envfrom + (*m->envfrom == '<');
	char *sender = strndup(env, strcspn(env, ">"));
	char *text = text_body(msg);
	int rc = LM_ENOMEM;

	if (sender == NULL)
		goto out;
	f.qid = m->qid;
	f.env_sender = sender;
	f.from = first_addr(g_mime_message_get_from(msg));
	f.reply_to = first_addr(g_mime_message_get_reply_to(msg));
	f.sender = first_addr(g_mime_message_get_sender(msg));
	f.ndest = add_dest(g_mime_message_get_to(msg), dest, 0);
	f.ndest = add_dest(g_mime_message_get_cc(msg), dest, f.ndest);
	f.dest = dest;
	f.nrecipients = f.ndest;
	f.subject = g_mime_message_get_subject(msg);
	f.body = text;
	f.body_len = text ? strlen(text) : 0;
	f.body_size = m->spool.len > m->body_offset ? m->spool.len - m->body_offset : 0;
	f.spf = SPFRES_NONE;
	f.approved = approved_value(msg);
	rc = policy_list_load(l, &pl);
	if (rc == LM_OK)
		rc = policy_decide(&pl, &f, policy_member_db, m->rt->env, d);
out:
	free(sender);
	g_free(text);
	return rc;
}
