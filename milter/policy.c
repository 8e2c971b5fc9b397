/*
 * policy.c: the moderation decision in Mailman 2.1's order (Approve, Moderate, Hold,
 * Emergency) with its reason and rejection strings, plus the SPF rule of listmilter.
 */
#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "lmerr.h"
#include "log.h"
#include "policy.h"

#define R_MODERATED  "Post to moderated list"
#define R_NONMEMBER  "Post by non-member to a members-only list"
#define R_ADMIN      "Message may contain administrivia"
#define R_RECIPIENTS "Too many recipients to the message"
#define R_IMPLICIT   "Message has implicit destination"
#define R_EMERGENCY  "Emergency hold on all list traffic is in effect"
#define R_SPF        "SPF fail"
#define T_MODERATED  "Your message was deemed inappropriate by the moderator."
#define T_MEMBER_REJ "Your message was rejected"
#define T_NONMEMBER  "Non-members are not allowed to post messages to this list."
#define T_RECIPIENTS "Please trim the recipient list; it is too long."
#define T_SPF        "Your message failed the SPF check of its sender's domain."
#define T_IMPLICIT                                                                                 \
	"Blind carbon copies or other implicit destinations are not allowed.  Try reposting "      \
	"your message by explicitly including the list address in the To: or Cc: fields."
#define T_NONMEMBER_REJ                                                                            \
	"Your message has been rejected, probably because you are not subscribed to the "          \
	"mailing list and the list's policy is to prohibit non-members from posting to it.  If "   \
	"you think that your messages are being rejected in error, contact the mailing list "      \
	"owner at %s-owner@%s."

static const char *S(const char *s)
{
	return s ? s : "";
}

void policy_decision_clear(struct policy_decision *d)
{
	free(d->reason);
	free(d->rejection);
	free(d->poster);
	memset(d, 0, sizeof(*d));
}

static int verdict(struct policy_decision *d, enum policy_action a, const char *reason,
                   const char *rejection)
{
	d->action = a;
	free(d->reason);
	free(d->rejection);
	d->reason = strdup(reason);
	d->rejection = strdup(rejection);
	if (a == POLICY_REJECT) {
		d->smtp_code = "550";
		d->smtp_xcode = "5.7.1";
	}
	return d->reason && d->rejection ? LM_OK : LM_ENOMEM;
}

static int verdictf(struct policy_decision *d, enum policy_action a, const char *reason,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int verdictf(struct policy_decision *d, enum policy_action a, const char *reason,
                    const char *fmt, ...)
{
	struct buf t;
	va_list ap;
	int rc;

	buf_init(&t, BUF_CAP_SMALL);
	va_start(ap, fmt);
	rc = buf_vprintf(&t, fmt, ap);
	va_end(ap);
	if (rc == LM_OK)
		rc = verdict(d, a, reason, buf_cstr(&t));
	buf_free(&t);
	return rc == LM_ETOOBIG ? verdict(d, a, reason, reason) : rc;
}

static char *lower_dup(const char *s)
{
	char *r = strdup(s), *p;

	for (p = r; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The trimmed Approved: value against moderator_password, in constant time. */
static bool approve_ok(const struct policy_list *l, const struct policy_facts *f)
{
	const char *pw = S(l->moderator_password), *a = f->approved;
	size_t alen;

	if (a == NULL || *pw == '\0')
		return false;
	while (*a == ' ' || *a == '\t')
		a++;
	alen = strlen(a);
	while (alen > 0 && strchr(" \t\r\n", a[alen - 1]))
		alen--;
	return alen == strlen(pw) && CRYPTO_memcmp(a, pw, alen) == 0;
}

/* Mailman's get_senders order: From, envelope sender, Reply-To, Sender. */
static int member_find(const struct policy_list *l, const struct policy_facts *f,
                       policy_member_fn mf, void *ma, struct policy_decision *d, bool *moderate)
{
	const char *cand[] = {f->from, f->env_sender, f->reply_to, f->sender};
	char *a;
	size_t i;
	int rc;

	for (i = 0; mf && i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (cand[i] == NULL || *cand[i] == '\0')
			continue;
		if ((a = lower_dup(cand[i])) == NULL)
			return LM_ENOMEM;
		rc = mf(ma, l->name, a, moderate);
		if (rc == LM_OK) {
			d->poster = a;
			return LM_OK;
		}
		free(a);
		if (rc != LM_ENOENT)
			return rc;
	}
	return LM_ENOENT;
}

/* Mailman's get_sender for non-members: From, else Sender, else the envelope sender. */
static int nonmember_addr(const struct policy_facts *f, struct policy_decision *d)
{
	const char *a = f->from && *f->from       ? f->from
	                : f->sender && *f->sender ? f->sender
	                                          : S(f->env_sender);

	free(d->poster);
	return (d->poster = lower_dup(a)) ? LM_OK : LM_ENOMEM;
}

static int member_moderated(const struct policy_list *l, struct policy_decision *d)
{
	const char *notice = S(l->member_moderation_notice);

	switch (l->member_moderation_action) {
	case 1:
		return verdict(d, POLICY_REJECT, R_MODERATED, *notice ? notice : T_MEMBER_REJ);
	case 2:
		return verdict(d, POLICY_DISCARD, R_MODERATED, T_MODERATED);
	default:
		return verdict(d, POLICY_HOLD, R_MODERATED, T_MODERATED);
	}
}

static int nonmember_action(const struct policy_list *l, struct policy_decision *d, long action)
{
	const char *notice = S(l->nonmember_rejection_notice);

	switch (action) {
	case 0:
		return verdict(d, POLICY_ACCEPT, "", "");
	case 2:
		if (*notice)
			return verdict(d, POLICY_REJECT, R_NONMEMBER, notice);
		return verdictf(d, POLICY_REJECT, R_NONMEMBER, T_NONMEMBER_REJ, S(l->name),
		                S(l->domain));
	case 3:
		return verdict(d, POLICY_DISCARD, R_NONMEMBER, T_NONMEMBER);
	default:
		return verdict(d, POLICY_HOLD, R_NONMEMBER, T_NONMEMBER);
	}
}

/* The four *_these_nonmembers lists in Mailman's order, then generic_nonmember_action. */
static int nonmember(const struct policy_list *l, const struct policy_facts *f, policy_member_fn mf,
                     void *ma, struct policy_decision *d)
{
	const char *lists[] = {l->accept_these_nonmembers, l->hold_these_nonmembers,
	                       l->reject_these_nonmembers, l->discard_these_nonmembers};
	bool hit = false;
	long i;
	int rc;

	if ((rc = nonmember_addr(f, d)) != LM_OK)
		return rc;
	for (i = 0; i < 4; i++) {
		if ((rc = policy_match(lists[i], d->poster, mf, ma, f->qid, &hit)) != LM_OK)
			return rc;
		if (hit)
			return nonmember_action(l, d, i);
	}
	return nonmember_action(l, d, l->generic_nonmember_action);
}

/*
 * A failed SPF check means the member status cannot be trusted: the post is judged as a
 * non-member's, and what would have been accepted follows spf_fail_action instead.
 */
static int spf_fail(const struct policy_list *l, const struct policy_facts *f, policy_member_fn mf,
                    void *ma, struct policy_decision *d)
{
	const char *act = S(l->spf_fail_action);
	int rc;

	if ((rc = nonmember(l, f, mf, ma, d)) != LM_OK)
		return rc;
	if (d->action == POLICY_HOLD)
		return verdict(d, POLICY_HOLD, R_SPF, T_SPF);
	if (d->action != POLICY_ACCEPT)
		return LM_OK;
	if (strcasecmp(act, "discard") == 0)
		return verdict(d, POLICY_DISCARD, R_SPF, T_SPF);
	return verdict(d, POLICY_HOLD, R_SPF, T_SPF);
}

static int moderate(const struct policy_list *l, const struct policy_facts *f, policy_member_fn mf,
                    void *ma, struct policy_decision *d)
{
	bool moderated = false;
	int rc;

	if (spf_res_is_fail(f->spf) && strcasecmp(S(l->spf_fail_action), "accept") != 0)
		return spf_fail(l, f, mf, ma, d);
	rc = member_find(l, f, mf, ma, d, &moderated);
	if (rc == LM_ENOENT)
		return nonmember(l, f, mf, ma, d);
	if (rc != LM_OK)
		return rc;
	return moderated ? member_moderated(l, d) : verdict(d, POLICY_ACCEPT, "", "");
}

/* re.match: anchored at the start, case-insensitive; a broken pattern matches literally. */
static bool alias_match(const char *pattern, const char *s)
{
	struct buf p;
	regex_t re;
	bool hit;

	buf_init(&p, BUF_CAP_SMALL);
	if (buf_printf(&p, pattern[0] == '^' ? "%s" : "^(%s)", pattern) != LM_OK ||
	    regcomp(&re, buf_cstr(&p), REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
		buf_free(&p);
		return strncasecmp(s, pattern, strlen(pattern)) == 0;
	}
	buf_free(&p);
	hit = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/*
 * Mailman's acceptable_aliases rule: a pattern without '@' is first tried on the local part
 * (backwards compatibility), then every pattern on the whole address.
 */
static bool alias_one(const char *pattern, const char *addr)
{
	const char *at = strchr(addr, '@');
	struct buf local;
	bool hit = false;

	if (at && strchr(pattern, '@') == NULL) {
		buf_init(&local, BUF_CAP_SMALL);
		hit = buf_append(&local, addr, (size_t)(at - addr)) == LM_OK &&
		      alias_match(pattern, buf_cstr(&local));
		buf_free(&local);
	}
	return hit || alias_match(pattern, addr);
}

static bool alias_any(const char *aliases, const char *addr)
{
	const char *p = S(aliases), *nl;
	char sep = strchr(p, '\n') ? '\n' : ',';
	struct buf line;
	bool hit = false;
	size_t n;

	buf_init(&line, BUF_CAP_SMALL);
	/* one alias per line, or comma-separated on one line (list settings are one line) */
	for (; *p && !hit; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, sep);
		n = nl ? (size_t)(nl - p) : strlen(p);
		while (n > 0 && isspace((unsigned char)*p))
			p++, n--;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		buf_reset(&line);
		if (n > 0 && buf_append(&line, p, n) == LM_OK)
			hit = alias_one(buf_cstr(&line), addr);
	}
	buf_free(&line);
	return hit;
}

/* MailList.HasExplicitDest: the list (or a local part equal to its name, or an alias). */
static bool explicit_dest(const struct policy_list *l, const struct policy_facts *f)
{
	size_t i, nlen = strlen(S(l->name));
	const char *a;

	for (i = 0; i < f->ndest; i++) {
		a = S(f->dest[i]);
		if (strcasecmp(a, S(l->address)) == 0 ||
		    (nlen > 0 && strncasecmp(a, l->name, nlen) == 0 &&
		     (a[nlen] == '@' || !a[nlen])))
			return true;
	}
	for (i = 0; i < f->ndest; i++)
		if (alias_any(l->acceptable_aliases, S(f->dest[i])))
			return true;
	return false;
}

static int hold_checks(const struct policy_list *l, const struct policy_facts *f,
                       struct policy_decision *d)
{
	if (l->administrivia && policy_is_administrivia(f->body, f->body_len, f->subject))
		return verdictf(
		        d, POLICY_HOLD, R_ADMIN,
		        "Please do *not* post administrative requests to the mailing list.  "
		        "If you wish to subscribe, visit %s or send a message with the word "
		        "`help' in it to the request address, %s-request@%s, for further "
		        "instructions.",
		        S(l->listinfo_url), S(l->name), S(l->domain));
	if (l->max_num_recipients > 0 && f->nrecipients >= (size_t)l->max_num_recipients)
		return verdict(d, POLICY_HOLD, R_RECIPIENTS, T_RECIPIENTS);
	if (l->require_explicit_destination && !explicit_dest(l, f))
		return verdict(d, POLICY_HOLD, R_IMPLICIT, T_IMPLICIT);
	if (l->max_message_size > 0 && f->body_size / 1024.0 > (double)l->max_message_size) {
		char reason[128];

		snprintf(reason, sizeof(reason),
		         "Message body is too big: %zu bytes with a limit of %ld KB", f->body_size,
		         l->max_message_size);
		return verdictf(
		        d, POLICY_HOLD, reason,
		        "Your message was too big; please trim it to less than %ld KB in size.",
		        l->max_message_size);
	}
	if (l->emergency) {
		d->notify = false;
		return verdict(d, POLICY_HOLD, R_EMERGENCY, T_MODERATED);
	}
	return verdict(d, POLICY_ACCEPT, "", "");
}

int policy_decide(const struct policy_list *l, const struct policy_facts *f, policy_member_fn mf,
                  void *ma, struct policy_decision *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->notify = true;
	if (approve_ok(l, f)) {
		d->approved = true;
		rc = verdict(d, POLICY_ACCEPT, "", "");
	} else if (spf_res_is_fail(f->spf) && strcasecmp(S(l->spf_fail_action), "reject") == 0) {
		rc = verdict(d, POLICY_REJECT, R_SPF, R_SPF);
		d->smtp_xcode = "5.7.23";
	} else if ((rc = moderate(l, f, mf, ma, d)) == LM_OK && d->action == POLICY_ACCEPT) {
		rc = hold_checks(l, f, d);
	}
	if (rc == LM_OK && d->poster == NULL)
		rc = nonmember_addr(f, d);
	if (rc != LM_OK)
		policy_decision_clear(d);
	return rc;
}
