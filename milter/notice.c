/*
 * notice.c: Mailman's moderation notices (postheld, postauth + confirm, refuse, auto-discard)
 * as messages with their envelope. Mail text is cleaned of line breaks before it meets a header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "lmerr.h"
#include "log.h"
#include "notice.h"
#include "sendmail.h"

#define NOTICE_CAP ((size_t)HOLDQ_MAX_MSG + 64 * 1024)

static const char *S(const char *s)
{
	return s ? s : "";
}

static bool is_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* Text of mail origin inside a body: control characters (line breaks too) become spaces. */
static int put_clean(struct buf *b, const char *s, bool keep_newlines)
{
	int rc = LM_OK;

	for (; *s && rc == LM_OK; s++) {
		unsigned char c = (unsigned char)*s;
		bool ctl = (c < 0x20 && c != '\t' && !(keep_newlines && c == '\n')) || c == 0x7f;

		rc = buf_putc(b, ctl ? ' ' : c);
	}
	return rc;
}

/* Length of a chunk of at most max bytes that does not split a UTF-8 sequence. */
static size_t utf8_chunk(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n ? n : (len < max ? len : max);
}

/* A header: ASCII values go as they are (line breaks removed), others as RFC 2047 words. */
static int put_header(struct buf *b, const char *name, const char *value)
{
	struct buf clean;
	unsigned char enc[80];
	size_t off = 0, n;
	int rc;

	buf_init(&clean, BUF_CAP_SMALL);
	if ((rc = put_clean(&clean, S(value), false)) == LM_OK)
		rc = buf_printf(b, "%s: ", name);
	if (rc == LM_OK && !is_8bit(buf_cstr(&clean)))
		rc = buf_puts(b, buf_cstr(&clean));
	while (rc == LM_OK && is_8bit(buf_cstr(&clean)) && off < clean.len) {
		n = utf8_chunk(clean.data + off, clean.len - off, 45);
		EVP_EncodeBlock(enc, (const unsigned char *)clean.data + off, (int)n);
		rc = buf_printf(b, "%s=?utf-8?b?%s?=", off ? "\n " : "", enc);
		off += n;
	}
	if (rc == LM_OK)
		rc = buf_putc(b, '\n');
	buf_free(&clean);
	return rc;
}

static bool addr_ok(const char *a)
{
	const char *p;

	if (a == NULL || *a == '\0' || *a == '-' || strchr(a, '@') == NULL || strlen(a) > 320)
		return false;
	for (p = a; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("<>,;\"()", *p))
			return false;
	return true;
}

static int rcpt_add(struct notice *n, const char *a, size_t len)
{
	char *c = strndup(a, len), **r;
	size_t i;

	if (c == NULL)
		return LM_ENOMEM;
	for (i = 0; i < n->nrcpts; i++)
		if (!addr_ok(c) || strcasecmp(n->rcpts[i], c) == 0)
			break;
	if (!addr_ok(c) || i < n->nrcpts) {
		free(c); /* a duplicate, or not something to put on a command line */
		return LM_OK;
	}
	if ((r = realloc(n->rcpts, (n->nrcpts + 1) * sizeof(*r))) == NULL) {
		free(c);
		return LM_ENOMEM;
	}
	n->rcpts = r;
	n->rcpts[n->nrcpts++] = c;
	return LM_OK;
}

static int rcpt_list(struct notice *n, const char *list)
{
	const char *p = S(list);
	size_t len;
	int rc = LM_OK;

	while (*p && rc == LM_OK) {
		p += strspn(p, ", \t\n");
		len = strcspn(p, ", \t\n");
		if (len)
			rc = rcpt_add(n, p, len);
		p += len;
	}
	return rc;
}

static int notice_start(const struct notice_list *l, struct notice *n)
{
	memset(n, 0, sizeof(*n));
	buf_init(&n->msg, NOTICE_CAP);
	if (asprintf(&n->env_from, "%s-bounces@%s", S(l->name), S(l->domain)) < 0) {
		n->env_from = NULL;
		return LM_ENOMEM;
	}
	return LM_OK;
}

static const char *poster_of(const struct holdq_entry *e)
{
	return addr_ok(e->poster) ? e->poster : addr_ok(e->env_sender) ? e->env_sender : NULL;
}

struct meta {
	char date[64];
	char msgid[300];
	char boundary[40];
};

static void random_bytes(void *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1)
		memset(p, 0x5a, n), log_warn(NULL, "notice: RAND_bytes failed");
}

static void meta_make(const struct notice_list *l, const struct notice_meta *m, struct meta *o)
{
	time_t t = m && m->now ? (time_t)m->now : time(NULL);
	uint64_t r[2] = {0, 0};
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(o->date, sizeof(o->date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (m && m->message_id)
		snprintf(o->msgid, sizeof(o->msgid), "%s", m->message_id);
	else {
		random_bytes(r, sizeof(r));
		snprintf(o->msgid, sizeof(o->msgid), "<%lld.%016llx@%s>", (long long)t,
		         (unsigned long long)r[0], S(l->domain));
	}
	if (!m || !m->boundary)
		random_bytes(&r[1], sizeof(r[1]));
	snprintf(o->boundary, sizeof(o->boundary), "===============%016llx==",
	         (unsigned long long)(m && m->boundary ? m->boundary : r[1]));
}

static int common_headers(struct buf *b, const char *from, const char *to, const char *subject,
                          const struct meta *mt)
{
	int rc = put_header(b, "From", from);

	if (rc == LM_OK)
		rc = put_header(b, "To", to);
	if (rc == LM_OK)
		rc = put_header(b, "Subject", subject);
	if (rc == LM_OK)
		rc = buf_printf(b,
		                "Date: %s\nMessage-ID: %s\nMIME-Version: 1.0\nPrecedence: bulk\n"
		                "Auto-Submitted: auto-generated\nX-List-Administrivia: yes\n",
		                mt->date, mt->msgid);
	return rc;
}

static int text_part_headers(struct buf *b, const char *text)
{
	bool eight = is_8bit(text);

	return buf_printf(
	        b, "Content-Type: text/plain; charset=\"%s\"\nContent-Transfer-Encoding: %s\n",
	        eight ? "utf-8" : "us-ascii", eight ? "8bit" : "7bit");
}

/* A single text/plain notice. */
static int single(struct notice *n, const char *from, const char *to, const char *subject,
                  const struct meta *mt, const struct buf *text)
{
	int rc = common_headers(&n->msg, from, to, subject, mt);

	if (rc == LM_OK)
		rc = text_part_headers(&n->msg, buf_cstr(text));
	if (rc == LM_OK)
		rc = buf_printf(&n->msg, "\n%s", buf_cstr(text));
	return rc;
}

/* The boundary must not occur in what is attached; a fresh random one is tried otherwise. */
static void boundary_fix(struct meta *mt, const struct holdq_entry *e)
{
	uint64_t r;
	int tries = 0;

	while (e->msg_len && memmem(e->msg, e->msg_len, mt->boundary, strlen(mt->boundary)) &&
	       tries++ < 8) {
		random_bytes(&r, sizeof(r));
		snprintf(mt->boundary, sizeof(mt->boundary),
		         "===============%016llx==", (unsigned long long)r);
	}
}

static int attach_message(struct buf *b, const char *boundary, const char *msg, size_t len)
{
	int rc = buf_printf(b, "--%s\nContent-Type: message/rfc822\nMIME-Version: 1.0\n\n",
	                    boundary);

	if (rc == LM_OK)
		rc = buf_append(b, msg, len);
	if (rc == LM_OK && (len == 0 || msg[len - 1] != '\n'))
		rc = buf_putc(b, '\n');
	return rc;
}

static int multipart_start(struct notice *n, const char *from, const char *to, const char *subject,
                           const struct meta *mt, const struct buf *text)
{
	int rc = common_headers(&n->msg, from, to, subject, mt);

	if (rc == LM_OK)
		rc = buf_printf(&n->msg, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n--%s\n",
		                mt->boundary, mt->boundary);
	if (rc == LM_OK)
		rc = text_part_headers(&n->msg, buf_cstr(text));
	if (rc == LM_OK)
		rc = buf_printf(&n->msg, "\n%s", buf_cstr(text));
	return rc;
}

static int owner_rcpts(const struct notice_list *l, struct notice *n)
{
	int rc = rcpt_list(n, l->owner);

	if (rc == LM_OK)
		rc = rcpt_list(n, l->moderator);
	return rc == LM_OK && n->nrcpts == 0 ? LM_ENOENT : rc;
}

static int finish(struct notice *n, int rc)
{
	if (rc != LM_OK)
		notice_clear(n);
	return rc;
}

int notice_held_poster(const struct notice_list *l, const struct holdq_entry *e,
                       const struct notice_meta *m, struct notice *n)
{
	const char *poster = poster_of(e);
	struct buf text, subj, from;
	struct meta mt;
	int rc;

	if ((rc = notice_start(l, n)) != LM_OK || poster == NULL)
		return finish(n, rc ? rc : LM_ENOENT);
	buf_init(&text, BUF_CAP_SMALL), buf_init(&subj, BUF_CAP_SMALL), buf_init(&from, 1024);
	meta_make(l, m, &mt);
	rc = buf_printf(&text, "Your mail to '%s' with the subject\n\n    ", S(l->real_name));
	if (rc == LM_OK && (rc = put_clean(&text, S(e->subject), false)) == LM_OK)
		rc = buf_puts(&text, "\n\nIs being held until the list moderator can review it for "
		                     "approval.\n\nThe reason it is being held:\n\n    ");
	if (rc == LM_OK && (rc = put_clean(&text, S(e->reason), false)) == LM_OK)
		rc = buf_puts(&text, "\n\nEither the message will get posted to the list, or you "
		                     "will receive\nnotification of the moderator's decision.\n");
	if (rc == LM_OK)
		rc = buf_printf(&subj, "Your message to %s awaits moderator approval",
		                S(l->real_name));
	if (rc == LM_OK)
		rc = buf_printf(&from, "%s-owner@%s", S(l->name), S(l->domain));
	if (rc == LM_OK)
		rc = single(n, buf_cstr(&from), poster, buf_cstr(&subj), &mt, &text);
	if (rc == LM_OK)
		rc = rcpt_add(n, poster, strlen(poster));
	buf_free(&text), buf_free(&subj), buf_free(&from);
	return finish(n, rc);
}

/* The "confirm <token>" message a moderator replies to (Mailman's dmsg in hold_for_approval). */
static int confirm_message(const struct notice_list *l, const char *token, const struct meta *mt,
                           struct buf *out)
{
	static const char text[] =
	        "If you reply to this message, keeping the Subject: header intact, listmilter\n"
	        "will discard the held message.  Do this if the message is spam.  If you reply\n"
	        "to this message and include an Approved: header with the list password in it,\n"
	        "the message will be approved for posting to the list.  The Approved: header\n"
	        "can also appear in the first line of the body of the reply.\n";
	const char *at = strchr(mt->msgid, '<');

	return buf_printf(out,
	                  "Subject: confirm %s\nSender: %s-request@%s\nFrom: %s-request@%s\n"
	                  "Date: %s\nMessage-ID: <confirm.%s\nMIME-Version: 1.0\n"
	                  "Content-Type: text/plain; charset=\"us-ascii\"\n"
	                  "Content-Transfer-Encoding: 7bit\n\n%s",
	                  token, S(l->name), S(l->domain), S(l->name), S(l->domain), mt->date,
	                  at ? at + 1 : mt->msgid, text);
}

static int postauth_text(const struct notice_list *l, const struct holdq_entry *e, uint32_t id,
                         struct buf *t)
{
	int rc = buf_printf(t,
	                    "As list administrator, your authorization is requested for the\n"
	                    "following mailing list posting:\n\n    List:    %s@%s\n    From:    ",
	                    S(l->real_name), S(l->domain));

	if (rc == LM_OK && (rc = put_clean(t, S(e->poster), false)) == LM_OK)
		rc = buf_puts(t, "\n    Subject: ");
	if (rc == LM_OK && (rc = put_clean(t, S(e->subject), false)) == LM_OK)
		rc = buf_puts(t, "\n    Reason:  ");
	if (rc == LM_OK && (rc = put_clean(t, S(e->reason), false)) == LM_OK)
		rc = buf_printf(t,
		                "\n\nAt your convenience, run on the list server one of:\n\n"
		                "    listctl approve %s %u\n    listctl reject %s %u [REASON]\n"
		                "    listctl discard %s %u\n\n"
		                "to approve or deny the request, or reply to the attached confirm\n"
		                "message as it explains.\n",
		                S(l->name), id, S(l->name), id, S(l->name), id);
	return rc;
}

int notice_held_moderators(const struct notice_list *l, const struct holdq_entry *e, uint32_t id,
                           const char *token, const struct notice_meta *m, struct notice *n)
{
	struct buf text, subj, owner, confirm;
	struct meta mt;
	int rc;

	if ((rc = notice_start(l, n)) != LM_OK || (rc = owner_rcpts(l, n)) != LM_OK)
		return finish(n, rc);
	buf_init(&text, BUF_CAP_SMALL), buf_init(&subj, BUF_CAP_SMALL);
	buf_init(&owner, 1024), buf_init(&confirm, BUF_CAP_SMALL);
	meta_make(l, m, &mt);
	boundary_fix(&mt, e);
	rc = postauth_text(l, e, id, &text);
	if (rc == LM_OK)
		rc = buf_printf(&subj, "%s post from %s requires approval", S(l->real_name),
		                S(e->poster));
	if (rc == LM_OK)
		rc = buf_printf(&owner, "%s-owner@%s", S(l->name), S(l->domain));
	if (rc == LM_OK)
		rc = confirm_message(l, S(token), &mt, &confirm);
	if (rc == LM_OK)
		rc = multipart_start(n, buf_cstr(&owner), buf_cstr(&owner), buf_cstr(&subj), &mt,
		                     &text);
	if (rc == LM_OK)
		rc = attach_message(&n->msg, mt.boundary, e->msg, e->msg_len);
	if (rc == LM_OK)
		rc = attach_message(&n->msg, mt.boundary, confirm.data, confirm.len);
	if (rc == LM_OK)
		rc = buf_printf(&n->msg, "--%s--\n", mt.boundary);
	buf_free(&text), buf_free(&subj), buf_free(&owner), buf_free(&confirm);
	return finish(n, rc);
}

int notice_rejected(const struct notice_list *l, const struct holdq_entry *e, const char *comment,
                    const struct notice_meta *m, struct notice *n)
{
	const char *poster = poster_of(e);
	struct buf text, subj, owner;
	struct meta mt;
	int rc;

	if ((rc = notice_start(l, n)) != LM_OK || poster == NULL)
		return finish(n, rc ? rc : LM_ENOENT);
	buf_init(&text, BUF_CAP_SMALL), buf_init(&subj, BUF_CAP_SMALL), buf_init(&owner, 1024);
	meta_make(l, m, &mt);
	rc = buf_printf(&owner, "%s-owner@%s", S(l->name), S(l->domain));
	if (rc == LM_OK)
		rc = buf_printf(&text,
		                "Your request to the %s mailing list\n\n"
		                "    Posting of your message titled \"",
		                S(l->real_name));
	if (rc == LM_OK && (rc = put_clean(&text, S(e->subject), false)) == LM_OK)
		rc = buf_puts(&text,
		              "\"\n\nhas been rejected by the list moderator.  The moderator "
		              "gave the\nfollowing reason for rejecting your request:\n\n\"");
	if (rc == LM_OK)
		rc = put_clean(&text, comment && *comment ? comment : "[No reason given]", true);
	if (rc == LM_OK)
		rc = buf_printf(&text,
		                "\"\n\nAny questions or comments should be directed to the list "
		                "administrator\nat:\n\n    %s\n",
		                buf_cstr(&owner));
	if (rc == LM_OK)
		rc = buf_printf(&subj, "Request to mailing list %s rejected", S(l->real_name));
	if (rc == LM_OK)
		rc = single(n, buf_cstr(&owner), poster, buf_cstr(&subj), &mt, &text);
	if (rc == LM_OK)
		rc = rcpt_add(n, poster, strlen(poster));
	buf_free(&text), buf_free(&subj), buf_free(&owner);
	return finish(n, rc);
}

int notice_auto_discard(const struct notice_list *l, const struct holdq_entry *e,
                        const struct notice_meta *m, struct notice *n)
{
	struct buf text, owner;
	struct meta mt;
	int rc;

	if ((rc = notice_start(l, n)) != LM_OK || (rc = owner_rcpts(l, n)) != LM_OK)
		return finish(n, rc);
	buf_init(&text, BUF_CAP_SMALL), buf_init(&owner, 1024);
	meta_make(l, m, &mt);
	boundary_fix(&mt, e);
	rc = buf_puts(&text, "The attached message has been automatically discarded.\n");
	if (rc == LM_OK)
		rc = buf_printf(&owner, "%s-owner@%s", S(l->name), S(l->domain));
	if (rc == LM_OK)
		rc = multipart_start(n, n->env_from, buf_cstr(&owner), "Auto-discard notification",
		                     &mt, &text);
	if (rc == LM_OK)
		rc = attach_message(&n->msg, mt.boundary, e->msg, e->msg_len);
	if (rc == LM_OK)
		rc = buf_printf(&n->msg, "--%s--\n", mt.boundary);
	buf_free(&text), buf_free(&owner);
	return finish(n, rc);
}

int notice_send(const char *sendmail_command, const struct notice *n, const char *qid)
{
	return sendmail_run(sendmail_command, n->env_from, (const char *const *)n->rcpts, n->nrcpts,
	                    n->msg.data, n->msg.len, qid);
}

void notice_clear(struct notice *n)
{
	size_t i;

	buf_free(&n->msg);
	free(n->env_from);
	for (i = 0; i < n->nrcpts; i++)
		free(n->rcpts[i]);
	free(n->rcpts);
	memset(n, 0, sizeof(*n));
}

int notice_list_load(const struct list *l, struct notice_list *out)
{
	*out = (struct notice_list){
	        .name = list_name(l),
	        .domain = list_domain(l),
	        .real_name = list_get(l, "real_name"),
	        .owner = list_get(l, "owner"),
	        .moderator = list_get(l, "moderator"),
	};
	return LM_OK;
}
