/*
 * pipeline.c: what listmilter does with a transaction: keep lists and other recipients apart
 * at RCPT, spool list posts, and at end-of-message archive first, then rewrite and fan out.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lmerr.h"
#include "log.h"
#include "pipeline_int.h"
#include "stats.h"

/* The most recipients added between two smfi_progress calls. */
#define PROGRESS_EVERY 1000

static enum verdict reply(struct mta *mta, enum verdict v, const char *rcode, const char *xcode,
                          const char *text)
{
	mta_setreply(mta, rcode, xcode, text);
	return v;
}

/* The reason log_decision() gives for this message (the last one set wins). */
static void decided(struct msgctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void decided(struct msgctx *m, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&m->decision);
	va_start(ap, fmt);
	if (buf_vprintf(&m->decision, fmt, ap) != LM_OK)
		buf_reset(&m->decision);
	va_end(ap);
}

/* The envelope sender without angle brackets, for log_decision(). */
static const char *env_sender(const struct msgctx *m, struct buf *out)
{
	const char *s = m->envfrom ? m->envfrom : "";

	s += *s == '<';
	buf_reset(out);
	if (buf_append(out, s, strcspn(s, ">")) != LM_OK)
		return "?";
	return buf_cstr(out);
}

static void log_decided(struct msgctx *m, enum log_action act)
{
	struct buf snd;

	buf_init(&snd, 1024);
	log_decision(m->qid, m->list, env_sender(m, &snd), act, buf_cstr(&m->decision));
	buf_free(&snd);
}

static enum verdict tempfail(struct msgctx *m, struct mta *mta, const char *what, int rc)
{
	struct buf t;

	decided(m, "%s: %s", what, lm_strerror(rc));
	buf_init(&t, 512);
	buf_printf(&t, "%s: %s, try again later", what, lm_strerror(rc));
	log_err(m->qid, "tempfail: %s: %s", what, lm_strerror(rc));
	mta_setreply(mta, "451", "4.3.0", buf_cstr(&t));
	buf_free(&t);
	return V_TEMPFAIL;
}

/* Which transaction a recipient belongs in: a list's posting address, a list's -request
 * address, or ordinary mail (list NULL). */
static bool rcpt_fits(const struct msgctx *m, const char *list, bool request)
{
	if (m->nrcpts == 0)
		return true;
	if (list == NULL)
		return m->list == NULL;
	return m->list != NULL && strcmp(m->list, list) == 0 && m->request == request;
}

enum verdict pipeline_rcpt(struct msgctx *m, const char *rcpt, struct mta *mta)
{
	struct list *l = NULL;
	enum list_addr_kind kind;
	const char *name = NULL;
	bool request = false;
	enum verdict v = V_CONTINUE;
	int rc;

	if (m->nrcpts >= m->rt->cfg->max_recipients)
		return reply(mta, V_TEMPFAIL, "452", "4.5.3", "Too many recipients");
	rc = lists_find_rcpt(m->rt->env, rcpt, &l, &kind);
	if (rc != LM_OK && rc != LM_ENOENT)
		return tempfail(m, mta, "list lookup failed", rc);
	if (rc == LM_OK && (kind == LIST_ADDR_POST || kind == LIST_ADDR_REQUEST)) {
		name = list_name(l);
		request = kind == LIST_ADDR_REQUEST;
	}
	if (!rcpt_fits(m, name, request)) {
		log_info(m->qid, "rcpt %.200s deferred: a list post travels in its own transaction",
		         rcpt);
		v = reply(mta, V_TEMPFAIL, "452", "4.5.3",
		          "Too many recipients: send list posts in their own transaction");
	} else if (name != NULL && m->list == NULL && (m->list = strdup(name)) == NULL) {
		v = tempfail(m, mta, "out of memory", LM_ENOMEM);
	} else if ((rc = msgctx_add_rcpt(m, rcpt, name != NULL && !request)) != LM_OK) {
		v = tempfail(m, mta, "out of memory", rc);
	}
	if (v == V_CONTINUE && name != NULL)
		m->request = request;
	list_free(l);
	return v;
}

static enum verdict too_big(struct msgctx *m, struct mta *mta, const char *what)
{
	decided(m, "%s too large", what);
	return reply(mta, V_REJECT, "552", "5.3.4",
	             strcmp(what, "header") == 0 ? "Message header too large"
	                                         : "Message too large for this list");
}

/* A decision before end-of-message: the later stages only pass the verdict on. */
static enum verdict early(struct msgctx *m, enum verdict v)
{
	log_decided(m, v == V_REJECT ? LOG_ACT_REJECT : LOG_ACT_TEMPFAIL);
	return v;
}

enum verdict pipeline_header(struct msgctx *m, const char *name, const char *value, struct mta *mta)
{
	size_t nl = strlen(name), vl = strlen(value);
	bool space = vl > 0 && (value[0] == ' ' || value[0] == '\t');
	int rc;

	if (m->list == NULL)
		return V_ACCEPT;
	m->header_bytes += nl + vl + 4;
	if (m->header_bytes > m->rt->cfg->max_header_bytes)
		return early(m, too_big(m, mta, "header"));
	if ((rc = spool_write(&m->spool, name, nl)) != LM_OK ||
	    (rc = spool_write(&m->spool, space ? ":" : ": ", space ? 1 : 2)) != LM_OK ||
	    (rc = spool_write(&m->spool, value, vl)) != LM_OK ||
	    (rc = spool_write(&m->spool, "\r\n", 2)) != LM_OK ||
	    (rc = msgctx_add_header(m, name, value)) != LM_OK)
		return early(m, tempfail(m, mta, "cannot spool the message", rc));
	return V_CONTINUE;
}

enum verdict pipeline_eoh(struct msgctx *m, struct mta *mta)
{
	int rc;

	if (m->list == NULL)
		return V_ACCEPT;
	if ((rc = spool_write(&m->spool, "\r\n", 2)) != LM_OK)
		return early(m, tempfail(m, mta, "cannot spool the message", rc));
	m->body_offset = m->spool.len;
	return V_CONTINUE;
}

enum verdict pipeline_body(struct msgctx *m, const void *p, size_t n, struct mta *mta)
{
	int rc;

	if (m->list == NULL)
		return V_ACCEPT;
	if (m->spool.len + n > m->rt->cfg->max_message_size)
		return early(m, too_big(m, mta, "message"));
	if ((rc = spool_write(&m->spool, p, n)) != LM_OK)
		return early(m, tempfail(m, mta, "cannot spool the message", rc));
	return V_CONTINUE;
}

/* ---- end of message ---- */

/** Everything one end-of-message holds; eom_clear() is its one cleanup. */
struct eom {
	struct msgctx *m;
	struct mta *mta;
	struct list *l;
	GMimeMessage *msg;
	struct scrub_result sr;
	bool scrubbed;
	struct rewrite rw;
	struct buf why;
	char **rcpts;
	size_t nrcpts, rcap;
	uint32_t seq;
	bool archived, existed, held;
	struct moderation mo;
};

static void eom_clear(struct eom *e)
{
	size_t i;

	for (i = 0; i < e->nrcpts; i++)
		free(e->rcpts[i]);
	free(e->rcpts);
	rewrite_clear(&e->rw);
	moderation_clear(&e->mo);
	scrub_result_clear(&e->sr);
	if (e->msg)
		g_object_unref(e->msg);
	list_free(e->l);
	buf_free(&e->why);
}

/* A post that already went through this list is a loop (Mailman's X-BeenThere test). */
static bool eom_loop(struct eom *e)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(e->msg));
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0;
	const char *addr = list_address(e->l);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *v = g_mime_header_get_value(h);

		if (strcasecmp(g_mime_header_get_name(h), "X-BeenThere") != 0 || v == NULL)
			continue;
		while (*v == ' ' || *v == '\t' || *v == '<')
			v++;
		if (strncasecmp(v, addr, strlen(addr)) == 0)
			return true;
	}
	return false;
}

static enum verdict eom_parse(struct eom *e)
{
	struct scrub_limits lim = {e->m->rt->cfg->max_header_bytes, e->m->rt->cfg->max_mime_depth,
	                           e->m->rt->cfg->max_mime_parts, e->m->rt->cfg->max_decoded_bytes};
	int fd, rc;

	if ((rc = spool_fd(&e->m->spool, &fd)) != LM_OK)
		return tempfail(e->m, e->mta, "cannot read the spooled message", rc);
	rc = scrub_parse_fd(fd, &lim, &e->msg, &e->why);
	if (rc == LM_ETOOBIG)
		return too_big(e->m, e->mta, "header");
	if (rc == LM_EPARSE) {
		decided(e->m, "unparsable message: %s", buf_cstr(&e->why));
		return reply(e->mta, V_REJECT, "554", "5.6.0", "Message could not be parsed");
	}
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot parse the message", rc);
	return V_CONTINUE;
}

/* Scrub and append to the archive, durably, before anything is said to the MTA. */
static enum verdict eom_archive(struct eom *e)
{
	const struct config *cfg = e->m->rt->cfg;
	bool nondigest = list_get_bool(e->l, "scrub_nondigest");
	struct scrub_opts o = {0};
	struct article a;
	struct buf root;
	time_t received = time(NULL);
	unsigned char seed[32];
	int rc;

	if (!list_get_bool(e->l, "archive") && !nondigest)
		return V_CONTINUE;
	if (list_get_bool(e->l, "archive") &&
	    (rc = archdate_apply(e->m, e->l, e->msg, &received)) != LM_OK)
		return tempfail(e->m, e->mta, "cannot date the archived copy", rc);
	buf_init(&root, 4096);
	buf_printf(&root, "%s/archives/%s", cfg->data_dir, list_name(e->l));
	o.list_name = list_name(e->l);
	o.host = list_domain(e->l);
	o.archive_url = list_get(e->l, "archive_url");
	o.storage_root = buf_cstr(&root);
	o.lcset = list_get(e->l, "archive_charset");
	o.html_sanitizer = (int)list_get_int(e->l, "html_sanitizer");
	o.use_filename = list_get_bool(e->l, "scrub_use_filename");
	o.received = received;
	o.limits = (struct scrub_limits){cfg->max_header_bytes, cfg->max_mime_depth,
	                                 cfg->max_mime_parts, cfg->max_decoded_bytes};
	o.qid = e->m->qid;
	if ((rc = post_msgid_seed(e->m, e->msg, seed, &o.msgid_seed)) != LM_OK) {
		buf_free(&root);
		return tempfail(e->m, e->mta, "cannot read the spooled message", rc);
	}
	e->scrubbed = true;
	rc = scrub_message(e->msg, &o, &e->sr, nondigest);
	buf_free(&root);
	if (rc == LM_ETOOBIG) {
		decided(e->m, "%s", buf_cstr(&e->sr.reason));
		return reply(e->mta, V_REJECT, "552", "5.3.4", "Message exceeds a size limit");
	}
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot store attachments", rc);
	if (!list_get_bool(e->l, "archive") || e->sr.discarded)
		return V_CONTINUE;
	if ((rc = pipeline_article(e->msg, &e->sr, &a)) != LM_OK)
		return tempfail(e->m, e->mta, "cannot build the archived article", rc);
	rc = archive_post(e->m->rt->env, list_name(e->l), &a, &e->existed);
	e->seq = a.seq;
	article_clear(&a);
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot archive the post", rc);
	e->archived = true;
	mta_progress(e->mta);
	return V_CONTINUE;
}

static int collect_member(const struct member *mem, void *arg)
{
	struct eom *e = arg;
	char *r;

	if (mem->nomail)
		return 0;
	if (e->nrcpts == e->rcap) {
		size_t cap = e->rcap ? e->rcap * 2 : 64;
		char **p = realloc(e->rcpts, cap * sizeof(*p));

		if (p == NULL)
			return LM_ENOMEM;
		e->rcpts = p;
		e->rcap = cap;
	}
	if (asprintf(&r, "<%s>", mem->address) < 0)
		return LM_ENOMEM;
	e->rcpts[e->nrcpts++] = r;
	return 0;
}

/* Envelope: list-bounces as sender, the list address replaced by its members. */
static int eom_envelope(struct eom *e)
{
	char *from = NULL;
	size_t i;
	int rc;

	if (asprintf(&from, "<%s-bounces@%s>", list_name(e->l), list_domain(e->l)) < 0)
		return LM_ENOMEM;
	rc = mta_chgfrom(e->mta, from);
	free(from);
	for (i = 0; rc == LM_OK && i < e->m->nrcpts; i++)
		if (e->m->rcpts[i].listed)
			rc = mta_delrcpt(e->mta, e->m->rcpts[i].addr);
	for (i = 0; rc == LM_OK && i < e->nrcpts; i++) {
		rc = mta_addrcpt(e->mta, e->rcpts[i]);
		if (rc == LM_OK && i % PROGRESS_EVERY == PROGRESS_EVERY - 1)
			rc = mta_progress(e->mta);
	}
	return rc;
}

static enum verdict eom_deliver(struct eom *e)
{
	int rc;

	rc = members_foreach(e->m->rt->env, list_name(e->l), collect_member, e);
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot read the members", rc);
	rc = pipeline_rewrite(e->m, e->l, e->scrubbed ? &e->sr : NULL, &e->rw);
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot rewrite the post", rc);
	if (e->nrcpts == 0) {
		decided(e->m, "%s; no members to deliver to%s", buf_cstr(&e->why),
		        e->archived ? " (archived)" : "");
		return V_DISCARD;
	}
	/* header edits, then the body in one run, then the envelope (Postfix's rule) */
	if ((rc = rewrite_apply(&e->rw, e->mta)) != LM_OK || (rc = eom_envelope(e)) != LM_OK)
		return tempfail(e->m, e->mta, "the MTA refused a change", rc);
	decided(e->m, "%s; %zu recipients%s%s", buf_cstr(&e->why), e->nrcpts,
	        e->archived ? ", archived" : "", e->existed ? " (already archived)" : "");
	return V_ACCEPT;
}

/* CookHeaders before archiving: Mailman archives the cooked post (prefix, X-BeenThere). */
static enum verdict eom_cook(struct eom *e)
{
	unsigned long next = 0;
	int rc = postid_take(e->m, e->l, &next);

	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot number the post", rc);
	/* a password or an approval token must never reach the members or the archive */
	if (e->mo.pm.approved_header != NULL)
		rc = hdr_edits_push(&e->rw.e, HDR_DELETE, e->mo.pm.approved_header, 1, NULL, false);
	if (rc == LM_OK && g_mime_object_get_header(GMIME_OBJECT(e->msg), HELD_APPROVED_HEADER))
		rc = hdr_edits_push(&e->rw.e, HDR_DELETE, HELD_APPROVED_HEADER, 1, NULL, false);
	if (rc == LM_OK)
		rc = rewrite_cook(e->m, e->l, next, &e->rw);
	if (rc == LM_OK)
		rc = rewrite_archived(&e->rw, e->msg);
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot compute the list headers", rc);
	return V_CONTINUE;
}

static enum verdict eom_accept(struct eom *e, enum mod_approval ap)
{
	enum verdict v = eom_cook(e);
	int rc;

	v = v == V_CONTINUE ? eom_archive(e) : v;
	if (v == V_CONTINUE && ap == MOD_APPROVED) {
		rc = moderation_approval_done(&e->mo, e->m->rt->env, &e->m->rt->key, e->l,
		                              time(NULL));
		if (rc == LM_EEXIST) {
			decided(e->m, "another copy of an approved post");
			return V_DISCARD;
		}
		if (rc != LM_OK)
			return tempfail(e->m, e->mta, "cannot use the approval", rc);
	}
	return v == V_CONTINUE ? eom_deliver(e) : v;
}

/* The notices of a hold or an automatic discard. They go out before the MTA hears the answer
 * (a milter cannot act after it); a notice that fails is logged, the decision stands. */
static void eom_notify(struct eom *e, const char *sender, const struct buf *raw)
{
	struct held_ctx c = {e->m->rt->env,  e->m->rt->cfg->sendmail_command,
	                     &e->m->rt->key, time(NULL),
	                     NULL,           e->m->qid};

	if (e->m->rt->have_key)
		moderation_notify(&e->mo, &c, e->l, sender, raw->data ? raw->data : "", raw->len);
}

static void eom_notify_spooled(struct eom *e, const char *sender)
{
	struct buf raw;

	buf_init(&raw, e->m->rt->cfg->max_message_size + 1);
	if (spool_read(&e->m->spool, 0, &raw) == LM_OK)
		eom_notify(e, sender, &raw);
	buf_free(&raw);
}

/* The list's posting addresses among the envelope recipients, for the hold queue. */
static int eom_listed(const struct msgctx *m, const char ***out, size_t *n)
{
	size_t i;

	*n = 0;
	if ((*out = calloc(m->nrcpts + 1, sizeof(**out))) == NULL)
		return LM_ENOMEM;
	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].listed)
			(*out)[(*n)++] = m->rcpts[i].addr;
	return LM_OK;
}

/* Hold: keep the post as received in the hold queue, answer 250, notify. */
static enum verdict eom_hold(struct eom *e, const char *sender)
{
	struct buf raw;
	const char **rcpts = NULL;
	size_t n = 0;
	int rc;

	buf_init(&raw, e->m->rt->cfg->max_message_size + 1);
	rc = spool_read(&e->m->spool, 0, &raw);
	if (rc == LM_OK)
		rc = eom_listed(e->m, &rcpts, &n);
	if (rc == LM_OK)
		rc = moderation_hold(&e->mo, e->m->rt->env, e->l, sender, rcpts, n, raw.data,
		                     raw.len);
	if (rc == LM_OK) {
		e->held = true;
		decided(e->m, "%s (held #%u)", buf_cstr(&e->why), (unsigned)e->mo.held_id);
		eom_notify(e, sender, &raw);
	}
	free(rcpts);
	buf_free(&raw);
	return rc == LM_OK ? V_DISCARD : tempfail(e->m, e->mta, "cannot hold the post", rc);
}

/* SPF of the client and envelope sender, for list posts only; the result goes on top of the
 * post as Received-SPF. A temporary DNS error is a TempError, which moderation takes as None:
 * mail is never refused or held because DNS was down. */
static enum spf_res eom_spf(struct eom *e, const char *sender)
{
	struct msgctx *m = e->m;
	struct buf hdr;
	enum spf_res r;

	if (m->rt->spf == NULL || *m->client_addr == '\0')
		return SPFRES_NONE;
	buf_init(&hdr, 4096);
	r = spf_check(m->rt->spf, m->client_addr, m->helo, sender, &hdr);
	log_info(m->qid, "spf: list %s: client %s sender <%.200s>: %s", m->list, m->client_addr,
	         sender, spf_res_name(r));
	if (hdr.len > 0 && mta_insheader(e->mta, 0, "Received-SPF", buf_cstr(&hdr)) != LM_OK)
		log_warn(m->qid, "cannot add the Received-SPF header");
	buf_free(&hdr);
	return r;
}

/* The decision's reason for the log: the rule's, and the poster when it is not the sender. */
static void eom_why(struct eom *e, const char *sender)
{
	const char *poster = e->mo.d.poster ? e->mo.d.poster : "";

	buf_puts(&e->why, e->mo.d.reason && *e->mo.d.reason ? e->mo.d.reason : "posting allowed");
	if (*poster && strcasecmp(poster, sender) != 0)
		buf_printf(&e->why, "; poster %s", poster);
}

static enum verdict eom_decide(struct eom *e)
{
	enum mod_approval ap = MOD_NONE;
	const struct runtime *rt = e->m->rt;
	const char *env = e->m->envfrom + (*e->m->envfrom == '<');
	char *sender = strndup(env, strcspn(env, ">"));
	enum verdict v;
	int rc;

	if (sender == NULL)
		return tempfail(e->m, e->mta, "out of memory", LM_ENOMEM);
	if (eom_loop(e)) {
		decided(e->m, "loop (X-BeenThere)");
		free(sender);
		return V_DISCARD;
	}
	rc = rt->have_key
	             ? moderation_approval(&e->mo, rt->env, &rt->key, e->l, e->msg, time(NULL), &ap)
	             : LM_OK;
	if (rc == LM_OK && ap == MOD_NONE)
		rc = moderation_decide(&e->mo, rt->env, e->l, e->msg, e->m->qid, sender,
		                       eom_spf(e, sender));
	if (rc != LM_OK) {
		free(sender);
		return tempfail(e->m, e->mta, "cannot check the post against the list's rules", rc);
	}
	if (ap == MOD_APPROVED)
		buf_puts(&e->why, "approved by a moderator");
	else
		eom_why(e, sender);
	if (ap == MOD_DUPLICATE) {
		decided(e->m, "a second copy of an approved post");
		v = V_DISCARD;
	} else if (ap == MOD_APPROVED || e->mo.d.action == POLICY_ACCEPT) {
		v = eom_accept(e, ap);
	} else if (e->mo.d.action == POLICY_HOLD) {
		v = eom_hold(e, sender);
	} else if (e->mo.d.action == POLICY_REJECT) {
		decided(e->m, "%s", buf_cstr(&e->why));
		v = reply(e->mta, V_REJECT, e->mo.d.smtp_code ? e->mo.d.smtp_code : "550",
		          e->mo.d.smtp_xcode ? e->mo.d.smtp_xcode : "5.7.1",
		          e->mo.d.rejection ? e->mo.d.rejection : "Posting not allowed");
	} else {
		decided(e->m, "%s", buf_cstr(&e->why));
		v = V_DISCARD;
		eom_notify_spooled(e, sender);
	}
	free(sender);
	return v;
}

static const char *first_mailbox(InternetAddressList *al)
{
	int i, n = al ? internet_address_list_length(al) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(al, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	}
	return NULL;
}

/* Mail to list-request@: a moderator's "confirm <token>" reply approves or discards a held
 * post (Mailman's confirm by email) and is consumed; anything else passes on unchanged. */
static enum verdict eom_request(struct eom *e)
{
	static const char *names[] = {"Approved", "Approve", "X-Approved", "X-Approve"};
	struct held_ctx c = {e->m->rt->env,  e->m->rt->cfg->sendmail_command,
	                     &e->m->rt->key, time(NULL),
	                     NULL,           e->m->qid};
	struct held_reply_in in = {0};
	GMimeObject *body = g_mime_message_get_body(e->msg);
	enum held_reply out = HELD_REPLY_NONE;
	char *text = NULL;
	uint32_t id = 0;
	size_t i;
	int rc;

	if (!e->m->rt->have_key) {
		decided(e->m, "to the -request address");
		return V_ACCEPT;
	}
	in.from = first_mailbox(g_mime_message_get_from(e->msg));
	in.subject = g_mime_message_get_subject(e->msg);
	for (i = 0; i < 4 && in.approved == NULL; i++)
		in.approved = g_mime_object_get_header(GMIME_OBJECT(e->msg), names[i]);
	if (body && GMIME_IS_TEXT_PART(body))
		text = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
	in.body = text;
	in.body_len = text ? strlen(text) : 0;
	rc = held_mail_confirm(&c, e->l, &in, &out, &id);
	g_free(text);
	if (rc != LM_OK)
		return tempfail(e->m, e->mta, "cannot act on the confirmation", rc);
	if (out == HELD_REPLY_NONE) {
		decided(e->m, "to the -request address");
		return V_ACCEPT;
	}
	decided(e->m, "confirm: held #%u %s by %.200s", (unsigned)id, held_reply_name(out),
	        in.from ? in.from : "<>");
	return V_DISCARD;
}

/* listctl stats' counters; best effort: a counter that cannot be written changes nothing.
 * An archived post was counted in "posts" by archive_post() in its own transaction (a second
 * durable commit per post costs a quarter of the throughput); only a post accepted without
 * being archived (archive off) is counted here. */
static void eom_count(const struct eom *e, enum verdict v)
{
	const char *c = NULL;
	int rc;

	if (v == V_REJECT)
		c = "rejected";
	else if (v == V_TEMPFAIL)
		c = "tempfails";
	else if (v == V_DISCARD)
		c = e->held ? "held" : "discarded";
	else if (v == V_ACCEPT && !e->archived && !e->m->request)
		c = "posts";
	if (c != NULL && (rc = stats_add(e->m->rt->env, e->m->list, c, 1)) != LM_OK)
		log_debug(e->m->qid, "cannot count %s: %s", c, lm_strerror(rc));
}

static enum log_action decision_action(const struct eom *e, enum verdict v)
{
	if (v == V_REJECT)
		return LOG_ACT_REJECT;
	if (v == V_TEMPFAIL)
		return LOG_ACT_TEMPFAIL;
	if (v == V_DISCARD)
		return e->held ? LOG_ACT_HOLD : LOG_ACT_DISCARD;
	return LOG_ACT_ACCEPT;
}

enum verdict pipeline_eom(struct msgctx *m, struct mta *mta)
{
	struct eom e = {.m = m, .mta = mta};
	enum verdict v;
	int rc;

	if (m->list == NULL)
		return V_ACCEPT;
	buf_init(&e.why, 1024);
	scrub_result_init(&e.sr);
	rewrite_init(&e.rw);
	rc = lists_get(m->rt->env, m->list, &e.l);
	if (rc != LM_OK) {
		v = tempfail(m, mta, "cannot read the list", rc);
		goto out;
	}
	/* the list's max_message_size is moderation's: Mailman holds such posts */
	v = eom_parse(&e);
	if (v == V_CONTINUE && m->request) {
		v = eom_request(&e);
		goto out;
	}
	if (v == V_CONTINUE)
		v = eom_decide(&e);
	eom_count(&e, v);
out:
	log_decided(m, decision_action(&e, v));
	eom_clear(&e);
	return v;
}
