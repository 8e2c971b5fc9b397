/*
 * export_fixture.c: hand-made articles for the exporter's tests (no store needed).
 */
#include <stdlib.h>
#include <string.h>

#include "export_fixture.h"
#include "testutil.h"

static char *fx_dup(const char *s)
{
	char *d = strdup(s ? s : "");

	assert_non_null(d);
	return d;
}

void fixture_article(struct article *a, uint32_t seq, int64_t date, uint32_t parent,
                     const char *subject, const char *author, const char *email, const char *msgid,
                     const char *body)
{
	memset(a, 0, sizeof(*a));
	a->seq = seq;
	a->date = date;
	a->parent = parent;
	a->period = fx_dup("2021-May");
	a->msgid = fx_dup(msgid);
	a->in_reply_to = fx_dup("");
	a->references = fx_dup("");
	a->subject_raw = fx_dup(subject);
	a->subject = fx_dup(subject);
	a->author_raw = fx_dup(author);
	a->author = fx_dup(author);
	a->email = fx_dup(email);
	a->datestr = fx_dup("Sat, 01 May 2021 08:43:06 +0200");
	a->body = fx_dup(body);
	a->body_len = strlen(body);
}

void fixture_clear(struct article *a)
{
	free(a->period), free(a->msgid), free(a->in_reply_to), free(a->references);
	free(a->subject_raw), free(a->subject), free(a->author_raw), free(a->author);
	free(a->email), free(a->datestr), free(a->body);
	memset(a, 0, sizeof(*a));
}
