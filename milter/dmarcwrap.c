/*
 * dmarcwrap.c: Mailman 2.1's WrapMessage (from_is_list = 2): the post travels unchanged inside
 * a message/rfc822 wrapper that carries the list's From and headers.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "cookheaders.h"
#include "lmerr.h"
#include "pyhdr.h"

#define WRAP_CAP ((size_t)1024 * 1024 * 1024)

static const struct hdr_field wrapped_fields[] = {
        {"MIME-Version", "1.0"},
        {"Content-Type", "message/rfc822"},
        {"Content-Disposition", "inline"},
};
static const struct hdr_list wrapped_view = {wrapped_fields, 3};

const struct hdr_list *dmarc_wrapped_view(void)
{
	return &wrapped_view;
}

static bool keeper(const char *name, bool keep_subject)
{
	static const char *const k[] = {"to", "in-reply-to", "references", "x-mailman-approved-at",
	                                "date"};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcasecmp(name, k[i]) == 0)
			return true;
	return keep_subject && strcasecmp(name, "subject") == 0;
}

static bool subject_deferred(const struct hdr_edits *cooked)
{
	for (size_t i = 0; i < cooked->n; i++)
		if (cooked->v[i].op == HDR_ADD && strcasecmp(cooked->v[i].name, "Subject") == 0)
			return true;
	return false;
}

/* Delete every field that is not a keeper, each name once, highest index first. */
static int strip_outer(const struct hdr_list *h, bool keep_subject, struct hdr_edits *e)
{
	int rc = LM_OK;

	for (size_t i = 0; i < h->n && rc == LM_OK; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(h->v[j].name, h->v[i].name) == 0)
				first = false;
		if (first && !keeper(h->v[i].name, keep_subject))
			rc = hdr_edits_replace(e, h, h->v[i].name, NULL, true);
	}
	return rc;
}

/* Utils.unique_message_id(): <mailman.N.TIME.PID.list@host> */
static int message_id(const struct cook_settings *s, struct buf *out)
{
	return buf_printf(out, "<mailman.%u.%lld.%ld.%s@%s>", g_random_int_range(0, 1000000),
	                  (long long)time(NULL), (long)getpid(), s->list_name, s->host_name);
}

static int inner_message(const struct hdr_list *h, const struct hdr_edits *cooked, const char *body,
                         size_t len, struct buf *out)
{
	const char *nl = memchr(body, '\n', len);
	bool crlf = nl == NULL || (nl > body && nl[-1] == '\r'); /* as decorate_body() */
	int rc = hdr_edits_render(h, cooked, false, crlf, out);

	rc = rc ? rc : buf_puts(out, crlf ? "\r\n" : "\n");
	return rc ? rc : buf_append(out, body, len);
}

int dmarc_wrap(const struct cook_settings *s, const struct hdr_list *h,
               const struct hdr_edits *cooked, const char *body, size_t len, struct buf *newbody,
               struct hdr_edits *e)
{
	struct buf id;
	int rc;

	buf_init(&id, 4096);
	rc = inner_message(h, cooked, body ? body : "", len, newbody);
	rc = rc ? rc : strip_outer(h, !subject_deferred(cooked), e);
	rc = rc ? rc : hdr_edits_push(e, HDR_ADD, "MIME-Version", 0, "1.0", true);
	rc = rc ? rc : message_id(s, &id);
	rc = rc ? rc : hdr_edits_push(e, HDR_ADD, "Message-ID", 0, buf_cstr(&id), true);
	for (size_t i = 0; rc == LM_OK && i < cooked->n; i++)
		if (cooked->v[i].op == HDR_ADD && cooked->v[i].delivery_only)
			rc = hdr_edits_push(e, HDR_ADD, cooked->v[i].name, 0, cooked->v[i].value,
			                    true);
	rc = rc ? rc : hdr_edits_push(e, HDR_ADD, "Content-Type", 0, "message/rfc822", true);
	rc = rc ? rc : hdr_edits_push(e, HDR_ADD, "Content-Disposition", 0, "inline", true);
	buf_free(&id);
	return rc;
}
