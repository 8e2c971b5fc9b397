/*
 * policy_msg.c: moderation facts from a GMime message: the sender addresses Mailman looks at,
 * the destination headers, Mailman's body size and the first text/plain part.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "policy_msg.h"

/* GMime trees are bounded by the milter's MaxMimeDepth already; this only stops a loop. */
#define WALK_DEPTH_MAX 64

static char *lower_dup(const char *s)
{
	char *r = strdup(s), *p;

	for (p = r; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The first mailbox of a list, groups included. */
static const char *first_mailbox(InternetAddressList *l)
{
	InternetAddress *a;
	const char *r;
	int i, n = l ? internet_address_list_length(l) : 0;

	for (i = 0; i < n; i++) {
		a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
		if (INTERNET_ADDRESS_IS_GROUP(a) &&
		    (r = first_mailbox(
		             internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)))))
			return r;
	}
	return NULL;
}

static int addr_field(InternetAddressList *l, char **out)
{
	const char *a = first_mailbox(l);

	*out = NULL;
	if (a == NULL || *a == '\0')
		return LM_OK;
	return (*out = lower_dup(a)) ? LM_OK : LM_ENOMEM;
}

static int dest_push(struct policy_msg *pm, const char *a)
{
	char **nd;

	if (pm->ndest >= POLICY_MSG_DEST_MAX)
		return LM_OK;
	if ((nd = realloc(pm->dest, (pm->ndest + 1) * sizeof(*nd))) == NULL)
		return LM_ENOMEM;
	pm->dest = nd;
	if ((pm->dest[pm->ndest] = lower_dup(a)) == NULL)
		return LM_ENOMEM;
	pm->ndest++;
	return LM_OK;
}

/* Every mailbox of a list (recursing into groups); counted into *count when count != NULL. */
static int dest_list(struct policy_msg *pm, InternetAddressList *l, size_t *count, int depth)
{
	InternetAddress *a;
	int i, n = l ? internet_address_list_length(l) : 0, rc = LM_OK;

	for (i = 0; i < n && rc == LM_OK && depth < 8; i++) {
		a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			rc = dest_list(
			        pm, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)),
			        count, depth + 1);
			continue;
		}
		if (count)
			(*count)++;
		rc = dest_push(pm, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
	}
	return rc;
}

/* Resent-To and Resent-Cc, every occurrence. */
static int dest_resent(struct policy_msg *pm, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	InternetAddressList *l;
	GMimeHeader *h;
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0, rc = LM_OK;

	for (i = 0; i < n && rc == LM_OK; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (strcasecmp(g_mime_header_get_name(h), "Resent-To") != 0 &&
		    strcasecmp(g_mime_header_get_name(h), "Resent-Cc") != 0)
			continue;
		if ((l = internet_address_list_parse(NULL, g_mime_header_get_value(h))) == NULL)
			continue;
		rc = dest_list(pm, l, NULL, 0);
		g_object_unref(l);
	}
	return rc;
}

static size_t part_size(GMimeObject *o, int depth);

static size_t leaf_size(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;
	gint64 n = s ? g_mime_stream_length(s) : 0;

	return n > 0 ? (size_t)n : 0;
}

/* Mailman's Hold size: payload lines of all parts, plus preambles and epilogues. */
static size_t part_size(GMimeObject *o, int depth)
{
	size_t n = 0;
	int i, count;

	if (depth > WALK_DEPTH_MAX || o == NULL)
		return 0;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		const char *pro = g_mime_multipart_get_prologue(mp);
		const char *epi = g_mime_multipart_get_epilogue(mp);

		n += (pro ? strlen(pro) : 0) + (epi ? strlen(epi) : 0);
		count = g_mime_multipart_get_count(mp);
		for (i = 0; i < count; i++)
			n += part_size(g_mime_multipart_get_part(mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		n += inner ? part_size(g_mime_message_get_mime_part(inner), depth + 1) : 0;
	} else if (GMIME_IS_PART(o)) {
		n += leaf_size(GMIME_PART(o));
	}
	return n;
}

/* The first text/plain leaf, depth first. */
static GMimeTextPart *first_text(GMimeObject *o, int depth)
{
	GMimeTextPart *t;
	int i, count;

	if (depth > WALK_DEPTH_MAX || o == NULL)
		return NULL;
	if (GMIME_IS_MULTIPART(o)) {
		count = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (i = 0; i < count; i++)
			if ((t = first_text(g_mime_multipart_get_part(GMIME_MULTIPART(o), i),
			                    depth + 1)))
				return t;
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(o) &&
	    g_mime_content_type_is_type(g_mime_object_get_content_type(o), "text", "plain"))
		return GMIME_TEXT_PART(o);
	return NULL;
}

static int body_load(struct policy_msg *pm, GMimeMessage *msg)
{
	GMimeTextPart *t = first_text(g_mime_message_get_mime_part(msg), 0);
	char *text;
	size_t n;
	int rc;

	if (t == NULL || (text = g_mime_text_part_get_text(t)) == NULL)
		return LM_OK;
	n = strlen(text);
	rc = buf_append(&pm->body, text, n < POLICY_MSG_BODY_MAX ? n : POLICY_MSG_BODY_MAX);
	g_free(text);
	return rc;
}

static int approved_load(struct policy_msg *pm, GMimeMessage *msg)
{
	static const char *names[] = {"Approved", "Approve", "X-Approved", "X-Approve"};
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((v = g_mime_object_get_header(GMIME_OBJECT(msg), names[i])) == NULL)
			continue;
		pm->approved_header = names[i];
		return (pm->approved = strdup(v)) ? LM_OK : LM_ENOMEM;
	}
	return LM_OK;
}

static void facts_point(struct policy_msg *pm)
{
	struct policy_facts *f = &pm->facts;

	f->from = pm->from;
	f->reply_to = pm->reply_to;
	f->sender = pm->sender;
	f->subject = pm->subject;
	f->approved = pm->approved;
	f->dest = (const char *const *)pm->dest;
	f->ndest = pm->ndest;
	f->body = pm->body.data;
	f->body_len = pm->body.len;
}

int policy_msg_load(GMimeMessage *msg, struct policy_msg *pm)
{
	const char *subj = g_mime_message_get_subject(msg);
	size_t tocc = 0;
	int rc;

	memset(pm, 0, sizeof(*pm));
	buf_init(&pm->body, POLICY_MSG_BODY_MAX);
	rc = addr_field(g_mime_message_get_from(msg), &pm->from);
	if (rc == LM_OK)
		rc = addr_field(g_mime_message_get_reply_to(msg), &pm->reply_to);
	if (rc == LM_OK)
		rc = addr_field(g_mime_message_get_sender(msg), &pm->sender);
	if (rc == LM_OK && subj && (pm->subject = strdup(subj)) == NULL)
		rc = LM_ENOMEM;
	if (rc == LM_OK)
		rc = dest_list(pm, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), &tocc,
		               0);
	if (rc == LM_OK)
		rc = dest_list(pm, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), &tocc,
		               0);
	if (rc == LM_OK)
		rc = dest_resent(pm, msg);
	if (rc == LM_OK)
		rc = approved_load(pm, msg);
	if (rc == LM_OK)
		rc = body_load(pm, msg);
	if (rc != LM_OK) {
		policy_msg_clear(pm);
		return rc;
	}
	pm->facts.nrecipients = tocc;
	pm->facts.body_size = part_size(g_mime_message_get_mime_part(msg), 0);
	facts_point(pm);
	return LM_OK;
}

void policy_msg_clear(struct policy_msg *pm)
{
	size_t i;

	free(pm->from);
	free(pm->reply_to);
	free(pm->sender);
	free(pm->subject);
	free(pm->approved);
	for (i = 0; i < pm->ndest; i++)
		free(pm->dest[i]);
	free(pm->dest);
	buf_free(&pm->body);
	memset(pm, 0, sizeof(*pm));
}
