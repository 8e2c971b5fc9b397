/*
 * article.c: the archived article of a post, from its headers and the scrubbed text.
 * Interim: the store module's archive_article_from_message() replaces this when it lands.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lmerr.h"
#include "pipeline_int.h"

/* A header's raw value, unfolded (CR and LF removed), leading blanks dropped; "" if absent. */
static char *raw_header(GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	const char *v = h ? g_mime_header_get_raw_value(h) : NULL;
	char *out, *d;

	if (v == NULL)
		v = "";
	while (*v == ' ' || *v == '\t')
		v++;
	if ((out = malloc(strlen(v) + 1)) == NULL)
		return NULL;
	for (d = out; *v; v++)
		if (*v != '\r' && *v != '\n')
			*d++ = *v;
	while (d > out && (d[-1] == ' ' || d[-1] == '\t'))
		d--;
	*d = '\0';
	return out;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int article_author(GMimeMessage *msg, struct article *a)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	InternetAddress *ia = NULL;
	const char *name = NULL, *addr = NULL;

	if (from && internet_address_list_length(from) > 0)
		ia = internet_address_list_get_address(from, 0);
	if (ia && INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		name = internet_address_get_name(ia);
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	}
	a->email = dup_or_empty(addr);
	a->author = dup_or_empty(name && *name ? name : addr);
	a->author_raw = dup_or_empty(name);
	return (a->email && a->author && a->author_raw) ? LM_OK : LM_ENOMEM;
}

int pipeline_article(GMimeMessage *msg, const struct scrub_result *r, struct article *a)
{
	GDateTime *dt = g_mime_message_get_date(msg);

	memset(a, 0, sizeof(*a));
	a->date = dt ? g_date_time_to_unix(dt) : (int64_t)time(NULL);
	a->parent = ARTICLE_NO_PARENT;
	a->msgid = r->message_id ? strdup(r->message_id) : raw_header(msg, "Message-ID");
	a->in_reply_to = raw_header(msg, "In-Reply-To");
	a->references = raw_header(msg, "References");
	a->subject_raw = raw_header(msg, "Subject");
	a->subject = dup_or_empty(g_mime_message_get_subject(msg));
	a->datestr = raw_header(msg, "Date");
	a->period = strdup("");
	a->body_len = r->text.len;
	a->body = malloc(r->text.len + 1);
	if (a->body) {
		memcpy(a->body, buf_cstr(&r->text), r->text.len);
		a->body[r->text.len] = '\0';
	}
	if (article_author(msg, a) != LM_OK || !a->msgid || !a->in_reply_to || !a->references ||
	    !a->subject_raw || !a->subject || !a->datestr || !a->period || !a->body) {
		article_clear(a);
		return LM_ENOMEM;
	}
	return LM_OK;
}
