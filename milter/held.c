/*
 * held.c: moderator decisions on held posts: re-injection of approved posts with a single-use
 * approval token, refusals and discards with notices, expiry, and the notices of a new hold.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "held.h"
#include "lmerr.h"
#include "log.h"
#include "sendmail.h"

static const char *S(const char *s)
{
	return s ? s : "";
}

/* The first value of a header in a raw post (first line only, trimmed), or false. */
static bool raw_header(const char *msg, size_t len, const char *name, char *out, size_t size)
{
	const char *p = msg, *end = msg + len, *nl;
	size_t n = strlen(name), l;

	while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
			p += n + 1, l -= n + 1;
			while (l > 0 && (*p == ' ' || *p == '\t'))
				p++, l--;
			while (l > 0 && strchr(" \t\r", p[l - 1]))
				l--;
			l = l < size - 1 ? l : size - 1;
			memcpy(out, p, l);
			out[l] = '\0';
			return true;
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

/*
 * Mailman answers the poster only when the post is not bulk mail (Precedence: bulk, junk or
 * list, unless X-Ack: yes). listmilter adds: never after an SPF failure, whose sender is
 * probably forged; a notice would be backscatter.
 */
static bool poster_wanted(const struct holdq_entry *e)
{
	char v[64];

	if (e->reason && strcmp(e->reason, "SPF fail") == 0)
		return false;
	if (raw_header(e->msg, e->msg_len, "X-Ack", v, sizeof(v)) && strcasecmp(v, "yes") == 0)
		return true;
	return !(raw_header(e->msg, e->msg_len, "Precedence", v, sizeof(v)) &&
	         (strcasecmp(v, "bulk") == 0 || strcasecmp(v, "junk") == 0 ||
	          strcasecmp(v, "list") == 0));
}

/* Mailman's MAX_AUTORESPONSES_PER_DAY: notices to one poster per list and day. */
#define HELD_AUTORESPONSES_PER_DAY 10

struct ar_arg {
	const char *list, *addr;
	uint32_t day;
	bool allowed;
};

static void be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* DB_META "autoresponse:<list>\0<addr>" -> be32 day, be32 count. */
static int ar_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct ar_arg *a = arg;
	unsigned char val[8];
	struct buf k;
	MDB_val kv, v;
	uint32_t count = 0;
	int rc;

	buf_init(&k, 1024);
	if ((rc = buf_printf(&k, "autoresponse:%s", a->list)) != LM_OK ||
	    (rc = buf_putc(&k, '\0')) != LM_OK || (rc = buf_puts(&k, a->addr)) != LM_OK) {
		buf_free(&k);
		return rc;
	}
	kv = (MDB_val){k.len, k.data};
	rc = mdb_get(txn, dbenv_dbi(env, DB_META), &kv, &v);
	if (rc == 0 && v.mv_size == 8 && be32_get(v.mv_data) == a->day)
		count = be32_get((const unsigned char *)v.mv_data + 4);
	a->allowed = count < HELD_AUTORESPONSES_PER_DAY;
	be32_put(val, a->day);
	be32_put(val + 4, count + (a->allowed ? 1 : 0));
	v = (MDB_val){8, val};
	rc = (rc == 0 || rc == MDB_NOTFOUND) ? mdb_put(txn, dbenv_dbi(env, DB_META), &kv, &v, 0)
	                                     : rc;
	buf_free(&k);
	return dbenv_rc(rc);
}

/* The autoresponse limit; a database problem lets the notice go (it is only a notice). */
static bool ar_allowed(const struct held_ctx *c, const struct list *l, const char *addr)
{
	struct ar_arg a = {list_name(l), addr, (uint32_t)(c->now / 86400), true};
	int rc = dbenv_write(c->env, ar_fn, &a);

	if (rc == LM_OK && !a.allowed)
		log_notice(c->qid, "moderation: %s: no more notices to <%.*s> today", list_name(l),
		           LOG_TEXT_MAX, addr);
	return rc != LM_OK || a.allowed;
}

int held_notify(const struct held_ctx *c, const struct list *l, const struct holdq_entry *e,
                uint32_t id, bool notify)
{
	char tok[TOKEN_LEN + 1];
	struct notice_list nl;
	struct notice n;
	int rc;

	if (!notify)
		return LM_OK;
	notice_list_load(l, &nl);
	if (list_get_bool(l, "respond_to_post_requests") && poster_wanted(e) &&
	    ar_allowed(c, l, S(e->poster))) {
		if ((rc = notice_held_poster(&nl, e, c->meta, &n)) == LM_OK) {
			notice_send(c->sendmail_command, &n, c->qid);
			notice_clear(&n);
		} else if (rc != LM_ENOENT)
			return rc;
	}
	if (!list_get_bool(l, "admin_immed_notify"))
		return LM_OK;
	rc = token_make(c->key, TOKEN_CONFIRM, list_name(l), id, c->now + HELD_CONFIRM_TTL, tok);
	if (rc != LM_OK)
		return rc;
	if ((rc = notice_held_moderators(&nl, e, id, tok, c->meta, &n)) == LM_ENOENT) {
		log_warn(c->qid, "moderation: list %s has no owner or moderator to notify",
		         list_name(l));
		return LM_OK;
	}
	if (rc == LM_OK) {
		notice_send(c->sendmail_command, &n, c->qid);
		notice_clear(&n);
	}
	return rc;
}

int held_auto_discard(const struct held_ctx *c, const struct list *l, const struct holdq_entry *e)
{
	struct notice_list nl;
	struct notice n;
	int rc;

	/* the decision itself was logged by the pipeline (log_decision) */
	log_debug(c->qid, "moderation: %s: post from <%.*s> discarded: %.*s", list_name(l),
	          LOG_TEXT_MAX, S(e->poster), LOG_TEXT_MAX, S(e->reason));
	if (!list_get_bool(l, "forward_auto_discards"))
		return LM_OK;
	notice_list_load(l, &nl);
	if ((rc = notice_auto_discard(&nl, e, c->meta, &n)) == LM_ENOENT)
		return LM_OK;
	if (rc == LM_OK) {
		rc = notice_send(c->sendmail_command, &n, c->qid);
		notice_clear(&n);
	}
	return rc;
}

/* Envelope recipients of the re-injection: the stored ones, else the list address. */
static int rcpts_split(const struct list *l, char *recipients, const char **out, size_t max,
                       size_t *n)
{
	char *save = NULL, *r;

	*n = 0;
	for (r = strtok_r(recipients, "\n", &save); r && *n < max; r = strtok_r(NULL, "\n", &save))
		if (*r)
			out[(*n)++] = r;
	if (*n == 0)
		out[(*n)++] = list_address(l);
	return LM_OK;
}

/* The approved copy: our header on top, in the line ending the post itself uses. */
static int approved_copy(const struct holdq_entry *e, const char *tok, struct buf *out)
{
	const char *nl = memchr(e->msg, '\n', e->msg_len);
	bool crlf = nl && nl > e->msg && nl[-1] == '\r';
	int rc;

	rc = buf_printf(out, "%s: %s%s", HELD_APPROVED_HEADER, tok, crlf ? "\r\n" : "\n");
	if (rc == LM_OK)
		rc = buf_append(out, e->msg, e->msg_len);
	return rc;
}

/* A moderator's decision on a held post: one log_decision() line, "held #N: why". */
static void held_log(const struct held_ctx *c, const struct list *l, const struct holdq_entry *e,
                     enum log_action act, const char *why)
{
	struct buf r;

	buf_init(&r, 1024);
	if (buf_printf(&r, "held #%u: %s", e->id, why) != LM_OK)
		buf_reset(&r); /* the line still says what happened, without the why */
	log_decision(c->qid, list_name(l), e->env_sender, act, buf_cstr(&r));
	buf_free(&r);
}

int held_approve(const struct held_ctx *c, const struct list *l, uint32_t id)
{
	const char *rcpts[SENDMAIL_MAX_RCPTS];
	char tok[TOKEN_LEN + 1];
	struct holdq_entry e;
	struct buf msg;
	size_t n;
	int rc;

	if ((rc = holdq_get(c->env, list_name(l), id, &e)) != LM_OK)
		return rc;
	buf_init(&msg, HOLDQ_MAX_MSG + 1024);
	rc = token_approval(c->env, c->key, list_name(l), id, c->now, HELD_APPROVE_TTL, tok);
	if (rc == LM_OK)
		rc = approved_copy(&e, tok, &msg);
	if (rc == LM_OK)
		rc = rcpts_split(l, e.recipients, rcpts, SENDMAIL_MAX_RCPTS, &n);
	if (rc == LM_OK)
		rc = sendmail_run(c->sendmail_command, e.env_sender, rcpts, n, msg.data, msg.len,
		                  c->qid);
	/* handed over: from now on a second copy carries the same, used, token */
	if (rc == LM_OK)
		rc = holdq_remove(c->env, list_name(l), id);
	if (rc == LM_OK)
		held_log(c, l, &e, LOG_ACT_ACCEPT, "approved by a moderator, re-injected");
	buf_free(&msg);
	holdq_entry_clear(&e);
	return rc;
}

int held_reject(const struct held_ctx *c, const struct list *l, uint32_t id, const char *reason)
{
	struct notice_list nl;
	struct holdq_entry e;
	struct notice n;
	int rc;

	if ((rc = holdq_get(c->env, list_name(l), id, &e)) != LM_OK)
		return rc;
	notice_list_load(l, &nl);
	rc = notice_rejected(&nl, &e, reason, c->meta, &n);
	if (rc == LM_OK) {
		rc = notice_send(c->sendmail_command, &n, c->qid);
		notice_clear(&n);
	} else if (rc == LM_ENOENT) {
		log_notice(c->qid, "moderation: %s #%u has no address to send the refusal to",
		           list_name(l), id);
		rc = LM_OK;
	}
	if (rc == LM_OK)
		rc = holdq_remove(c->env, list_name(l), id);
	if (rc == LM_OK)
		held_log(c, l, &e, LOG_ACT_REJECT, S(reason));
	holdq_entry_clear(&e);
	return rc;
}

int held_discard(const struct held_ctx *c, const struct list *l, uint32_t id)
{
	struct holdq_entry e;
	int rc;

	if ((rc = holdq_get(c->env, list_name(l), id, &e)) != LM_OK)
		return rc;
	rc = holdq_remove(c->env, list_name(l), id);
	if (rc == LM_OK)
		held_log(c, l, &e, LOG_ACT_DISCARD, "discarded by a moderator");
	holdq_entry_clear(&e);
	return rc;
}

int held_confirm(const struct held_ctx *c, const struct list *l, const char *token, bool approve,
                 uint32_t *id)
{
	uint32_t hid = 0, again;
	int rc;

	rc = token_check(c->key, TOKEN_CONFIRM, list_name(l), token, c->now, &hid);
	if (rc == LM_OK)
		rc = approve ? held_approve(c, l, hid) : held_discard(c, l, hid);
	/* the post is gone either way now; remember the token so a replay says "used" */
	if (rc == LM_OK || rc == LM_ENOENT) {
		int urc = token_use(c->env, c->key, TOKEN_CONFIRM, list_name(l), token, c->now,
		                    &again);

		if (rc == LM_ENOENT && urc == LM_EEXIST)
			rc = LM_EEXIST;
	}
	if (id)
		*id = hid;
	return rc;
}

int held_expire(const struct held_ctx *c, const struct list *l, size_t *n)
{
	long days = list_get_int(l, "max_days_to_hold");
	uint32_t *ids = NULL;
	size_t i, count = 0;
	char reason[160];
	int rc, first = LM_OK;

	if (n)
		*n = 0;
	rc = holdq_expired(c->env, list_name(l), days, c->now, &ids, &count);
	if (rc != LM_OK)
		return rc;
	snprintf(reason, sizeof(reason),
	         "Your message was not reviewed by the list moderator within %ld day%s and has "
	         "been discarded.",
	         days, days == 1 ? "" : "s");
	for (i = 0; i < count; i++) {
		rc = held_reject(c, l, ids[i], reason);
		if (rc == LM_OK) /* held_reject() logged the decision, with this reason */
			log_debug(c->qid, "moderation: %s #%u expired after %ld days", list_name(l),
			          ids[i], days);
		else if (first == LM_OK)
			first = rc;
		if (rc == LM_OK && n)
			(*n)++;
	}
	free(ids);
	return first;
}

int held_store_fd(struct dbenv *env, const struct list *l, const struct policy_decision *d,
                  const char *subject, const char *env_sender, const char *const *rcpts,
                  size_t nrcpts, int fd, size_t len, uint32_t *id)
{
	struct holdq_entry e = {.env_sender = (char *)S(env_sender),
	                        .poster = d->poster,
	                        .subject = (char *)subject,
	                        .reason = d->reason};
	struct buf r;
	size_t i;
	int rc = LM_OK;

	buf_init(&r, BUF_CAP_SMALL);
	for (i = 0; i < nrcpts && rc == LM_OK; i++)
		rc = buf_printf(&r, "%s%s", i ? "\n" : "", rcpts[i]);
	e.recipients = r.data;
	if (rc == LM_OK)
		rc = holdq_add_fd(env, list_name(l), &e, fd, len, id);
	buf_free(&r);
	return rc;
}

/* The spool into memory for an auto-discard notice (pread: the offset stays). */
static int spool_slurp(int fd, size_t len, struct buf *out)
{
	char chunk[65536];
	size_t off = 0;
	ssize_t n;
	int rc = LM_OK;

	while (off < len && rc == LM_OK) {
		n = pread(fd, chunk, len - off < sizeof(chunk) ? len - off : sizeof(chunk),
		          (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return LM_EIO;
		rc = buf_append(out, chunk, (size_t)n);
		off += (size_t)n;
	}
	return rc;
}

void held_after(const struct held_ctx *c, const struct list *l, const struct policy_decision *d,
                uint32_t id, const char *subject, int fd, size_t len)
{
	struct holdq_entry e = {0};
	struct buf raw;
	int rc = LM_OK;

	if (d->action == POLICY_HOLD && d->notify) {
		if ((rc = holdq_get(c->env, list_name(l), id, &e)) == LM_OK)
			rc = held_notify(c, l, &e, id, true);
		holdq_entry_clear(&e);
	} else if (d->action == POLICY_DISCARD && fd >= 0) {
		buf_init(&raw, HOLDQ_MAX_MSG);
		if ((rc = spool_slurp(fd, len, &raw)) == LM_OK) {
			e = (struct holdq_entry){.poster = d->poster,
			                         .subject = (char *)subject,
			                         .reason = d->reason,
			                         .msg = raw.data,
			                         .msg_len = raw.len};
			rc = held_auto_discard(c, l, &e);
		}
		buf_free(&raw);
	}
	if (rc != LM_OK)
		log_warn(c->qid, "moderation: %s: notices not sent: %s", list_name(l),
		         lm_strerror(rc));
}
