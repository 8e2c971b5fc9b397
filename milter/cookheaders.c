/*
 * cookheaders.c: Mailman 2.1's Cleanse + CookHeaders header changes and SMTPDirect's delivery
 * headers, as an ordered edit list; each value is folded the way Python's Generator writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cookheaders.h"
#include "lists.h"
#include "lmerr.h"
#include "log.h"
#include "pyhdr.h"

#define COOK_CAP   ((size_t)256 * 1024)
#define MM_VERSION "2.1.39"

void cook_settings_defaults(struct cook_settings *s, const char *list_name, const char *host_name,
                            const char *real_name)
{
	memset(s, 0, sizeof(*s));
	s->list_name = list_name;
	s->host_name = host_name;
	s->real_name = real_name;
	s->description = "";
	s->subject_prefix = "";
	s->listinfo_url = "";
	s->options_url = "";
	s->archive_url = "";
	s->charset = "us-ascii";
	s->reply_to_address = "";
	s->post_id = 1;
	s->archive = true;
	s->include_rfc2369_headers = true;
	s->include_list_post_header = true;
	s->include_sender_header = true;
	s->old_style_prefixing = true;
}

/* Fold a plain string header as Mailman's Generator does, and queue it. */
static int put(struct hdr_edits *e, const struct hdr_list *h, const char *name, const char *value,
               bool replace, bool delivery_only)
{
	struct buf f;
	int rc;

	buf_init(&f, COOK_CAP);
	rc = pyhdr_fold(name, value, &f);
	if (rc == LM_OK && replace)
		rc = hdr_edits_replace(e, h, name, buf_cstr(&f), delivery_only);
	else if (rc == LM_OK)
		rc = hdr_edits_push(e, HDR_ADD, name, 0, buf_cstr(&f), delivery_only);
	buf_free(&f);
	return rc;
}

/* Cleanse: headers that must never reach members or the archive. */
static int cleanse(const struct hdr_list *h, struct hdr_edits *e)
{
	static const char *const gone[] = {"Approved",
	                                   "Approve",
	                                   "X-Approved",
	                                   "X-Approve",
	                                   "Urgent",
	                                   "Return-Receipt-To",
	                                   "Disposition-Notification-To",
	                                   "X-Confirm-Reading-To",
	                                   "X-PMRQC",
	                                   NULL};
	int rc = LM_OK;

	for (size_t i = 0; gone[i] && rc == LM_OK; i++)
		rc = hdr_edits_replace(e, h, gone[i], NULL, false);
	return rc;
}

/* uheader() + formataddr(): "Description <addr>", encoded when the description is not ASCII. */
static int desc_addr(const struct cook_settings *s, const char *addr, struct buf *out)
{
	const char *d = s->description ? s->description : "";
	const char *cs =
	        s->charset && strcasecmp(s->charset, "us-ascii") ? s->charset : "iso-8859-1";
	struct buf dn;
	int rc;

	if (*d == '\0')
		return buf_puts(out, addr);
	buf_init(&dn, COOK_CAP);
	/* uheader(mlist, description, 'List-Id', maxlinelen=998) */
	rc = pyhdr_encode_text(d, cs, "List-Id", 998, &dn);
	if (rc == LM_OK && dn.len == 0)
		rc = buf_puts(out, addr);
	else if (rc == LM_OK)
		rc = pyhdr_formataddr(buf_cstr(&dn), addr, out);
	buf_free(&dn);
	return rc;
}

static int list_id(const struct cook_settings *s, struct buf *out)
{
	struct buf id, v;
	int rc;

	buf_init(&id, 4096);
	buf_init(&v, COOK_CAP);
	rc = buf_printf(&id, "%s.%s", s->list_name, s->host_name);
	if (rc == LM_OK && s->description && *s->description)
		rc = desc_addr(s, buf_cstr(&id), &v);
	else if (rc == LM_OK)
		rc = buf_printf(&v, "<%s>", buf_cstr(&id));
	/* formataddr() gives "desc <id>"; Mailman wants the brackets even without a name */
	rc = rc ? rc : buf_append(out, v.data, v.len);
	rc = rc ? rc : buf_append(out, "", 0);
	buf_free(&id);
	buf_free(&v);
	return rc;
}

/* One RFC 2369 header: too long for 78 columns means ", " becomes ",\n ". */
static int rfc2369(struct hdr_edits *e, const struct hdr_list *h, const char *name,
                   const char *value, bool delivery_only)
{
	struct buf v;
	int rc = LM_OK;

	if (strlen(name) + 2 + strlen(value) <= 78)
		return put(e, h, name, value, true, delivery_only);
	buf_init(&v, COOK_CAP);
	for (const char *p = value; *p && rc == LM_OK; p++) {
		if (p[0] == ',' && p[1] == ' ') {
			rc = buf_puts(&v, ",\n ");
			p++;
		} else {
			rc = buf_putc(&v, *p);
		}
	}
	rc = rc ? rc : put(e, h, name, buf_cstr(&v), true, delivery_only);
	buf_free(&v);
	return rc;
}

static int list_headers(const struct cook_settings *s, const struct hdr_list *h, bool dly,
                        struct hdr_edits *e)
{
	struct buf v;
	const char *ln = s->list_name, *hn = s->host_name;
	int rc;

	buf_init(&v, COOK_CAP);
	rc = list_id(s, &v);
	rc = rc ? rc : put(e, h, "List-Id", buf_cstr(&v), true, dly);
	buf_reset(&v);
	rc = rc ? rc
	        : buf_printf(&v, "<%s>, <mailto:%s-request@%s?subject=unsubscribe>", s->options_url,
	                     ln, hn);
	rc = rc ? rc : rfc2369(e, h, "List-Unsubscribe", buf_cstr(&v), dly);
	buf_reset(&v);
	if (rc == LM_OK && s->archive) {
		rc = buf_printf(&v, "<%s>", s->archive_url);
		rc = rc ? rc : rfc2369(e, h, "List-Archive", buf_cstr(&v), dly);
		buf_reset(&v);
	}
	if (rc == LM_OK && s->include_list_post_header) {
		rc = buf_printf(&v, "<mailto:%s@%s>", ln, hn);
		rc = rc ? rc : rfc2369(e, h, "List-Post", buf_cstr(&v), dly);
		buf_reset(&v);
	}
	rc = rc ? rc : buf_printf(&v, "<mailto:%s-request@%s?subject=help>", ln, hn);
	rc = rc ? rc : rfc2369(e, h, "List-Help", buf_cstr(&v), dly);
	buf_reset(&v);
	rc = rc ? rc
	        : buf_printf(&v, "<%s>, <mailto:%s-request@%s?subject=subscribe>", s->listinfo_url,
	                     ln, hn);
	rc = rc ? rc : rfc2369(e, h, "List-Subscribe", buf_cstr(&v), dly);
	buf_free(&v);
	return rc;
}

/* An ordered address list, de-duplicated case-insensitively by address (CookHeaders' add()). */
struct alist {
	struct pyhdr_addr *v;
	size_t n, cap;
};

static void alist_free(struct alist *a)
{
	pyhdr_addrs_free(a->v, a->n);
	memset(a, 0, sizeof(*a));
}

static bool alist_has(const struct alist *a, const char *addr)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->v[i].addr, addr) == 0)
			return true;
	return false;
}

static int alist_add(struct alist *a, const char *name, const char *addr)
{
	/* Mailman would write an empty entry (", x@y"); an empty address is dropped instead */
	if (*addr == '\0' || alist_has(a, addr))
		return LM_OK;
	if (a->n == a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 8;
		struct pyhdr_addr *nv = realloc(a->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return LM_ENOMEM;
		a->v = nv;
		a->cap = ncap;
	}
	a->v[a->n].name = strdup(name);
	a->v[a->n].addr = strdup(addr);
	if (a->v[a->n].name == NULL || a->v[a->n].addr == NULL) {
		free(a->v[a->n].name);
		free(a->v[a->n].addr);
		return LM_ENOMEM;
	}
	a->n++;
	return LM_OK;
}

/* getaddresses(msg.get_all(name)) */
static int header_addrs(const struct hdr_list *h, const char *name, struct pyhdr_addr **v,
                        size_t *n)
{
	size_t cnt = hdr_list_count(h, name);
	const char **vals = calloc(cnt + 1, sizeof(*vals));
	int rc;

	if (vals == NULL)
		return LM_ENOMEM;
	for (size_t i = 0; i < cnt; i++)
		vals[i] = hdr_list_get(h, name, i);
	rc = pyhdr_getaddresses(vals, cnt, v, n);
	free(vals);
	return rc;
}

static int alist_join(const struct alist *a, struct buf *out)
{
	int rc = LM_OK;

	for (size_t i = 0; i < a->n && rc == LM_OK; i++) {
		if (i > 0)
			rc = buf_puts(out, ", ");
		rc = rc ? rc : pyhdr_formataddr(a->v[i].name, a->v[i].addr, out);
	}
	return rc ? rc : buf_append(out, "", 0);
}

/* The poster as CookHeaders sees it: the one From address, else the envelope sender. */
struct poster {
	struct pyhdr_addr from;
	bool munged;
};

static int munge_from(const struct cook_settings *s, const struct hdr_list *h,
                      const char *envsender, const char *member_name, struct poster *p,
                      struct hdr_edits *e)
{
	struct pyhdr_addr *fa = NULL;
	size_t nfa = 0, good = 0, gi = 0;
	const char *realname;
	struct buf v;
	int rc = header_addrs(h, "From", &fa, &nfa);

	for (size_t i = 0; rc == LM_OK && i < nfa; i++)
		if (strchr(fa[i].addr, '@') && fa[i].addr[0] != '@' && good++ == 0)
			gi = i;
	if (rc == LM_OK) {
		p->from.name = strdup(good == 1 ? fa[gi].name : "");
		p->from.addr = strdup(good == 1 ? fa[gi].addr : (envsender ? envsender : ""));
		if (p->from.name == NULL || p->from.addr == NULL)
			rc = LM_ENOMEM;
	}
	pyhdr_addrs_free(fa, nfa);
	if (rc)
		return rc;
	realname = *p->from.name ? p->from.name
	                         : (member_name && *member_name ? member_name : p->from.addr);
	buf_init(&v, COOK_CAP);
	rc = dmarc_munged_from(s, realname, p->from.addr, &v);
	rc = rc ? rc : put(e, h, "From", buf_cstr(&v), true, true);
	buf_free(&v);
	p->munged = true;
	return rc;
}

static int list_addr_pair(const struct cook_settings *s, struct alist *a)
{
	struct buf addr, dn;
	int rc;

	buf_init(&addr, 4096);
	buf_init(&dn, COOK_CAP);
	rc = buf_printf(&addr, "%s@%s", s->list_name, s->host_name);
	if (rc == LM_OK && s->description && *s->description)
		rc = pyhdr_encode_text(s->description,
		                       strcasecmp(s->charset, "us-ascii") ? s->charset
		                                                          : "iso-8859-1",
		                       "Reply-To", 76, &dn);
	rc = rc ? rc : alist_add(a, buf_cstr(&dn), buf_cstr(&addr));
	buf_free(&addr);
	buf_free(&dn);
	return rc;
}

/* Reply-To: explicit address, kept originals, the munged poster, the list (in that order). */
static int reply_to(const struct cook_settings *s, const struct hdr_list *h, struct poster *p,
                    struct hdr_edits *e)
{
	struct alist a = {0};
	struct pyhdr_addr *v = NULL;
	size_t n = 0;
	bool o_rt = false;
	int rc = LM_OK;

	if (s->reply_goes_to_list == 2) {
		const char *one[] = {s->reply_to_address ? s->reply_to_address : ""};
		rc = pyhdr_getaddresses(one, 1, &v, &n);
		rc = rc ? rc : alist_add(&a, n ? v[0].name : "", n ? v[0].addr : "");
		pyhdr_addrs_free(v, n);
		v = NULL;
		n = 0;
	}
	if (rc == LM_OK && !s->first_strip_reply_to) {
		rc = header_addrs(h, "Reply-To", &v, &n);
		for (size_t i = 0; rc == LM_OK && i < n; i++, o_rt = true)
			rc = alist_add(&a, v[i].name, v[i].addr);
		pyhdr_addrs_free(v, n);
	}
	if (rc == LM_OK && p->munged && s->reply_goes_to_list == 0) {
		if (!o_rt)
			rc = alist_add(&a, p->from.name, p->from.addr);
		if (!o_rt || alist_has(&a, p->from.addr))
			p->munged = false; /* the poster is in Reply-To: no Cc */
	}
	if (rc == LM_OK && s->reply_goes_to_list == 1)
		rc = list_addr_pair(s, &a);
	if (rc == LM_OK && a.n) {
		struct buf val;
		buf_init(&val, COOK_CAP);
		rc = alist_join(&a, &val);
		rc = rc ? rc : put(e, h, "Reply-To", buf_cstr(&val), true, true);
		buf_free(&val);
	} else if (rc == LM_OK) {
		rc = hdr_edits_replace(e, h, "Reply-To", NULL, false); /* immediate in Mailman */
	}
	alist_free(&a);
	return rc;
}

/* Cc: the munged poster first (when not in Reply-To), then the existing Cc addresses. An
 * existing Cc is rewritten even otherwise, as AvoidDuplicates does. */
static int cc(const struct hdr_list *h, const struct poster *p, struct hdr_edits *e)
{
	struct alist a = {0};
	struct pyhdr_addr *v = NULL;
	size_t n = 0;
	int rc = LM_OK;

	if (p->munged)
		rc = alist_add(&a, p->from.name, p->from.addr);
	rc = rc ? rc : header_addrs(h, "Cc", &v, &n);
	for (size_t i = 0; rc == LM_OK && i < n; i++)
		rc = alist_add(&a, v[i].name, v[i].addr);
	pyhdr_addrs_free(v, n);
	if (rc == LM_OK && (p->munged || hdr_list_count(h, "Cc") > 0)) {
		struct buf val;
		buf_init(&val, COOK_CAP);
		rc = alist_join(&a, &val);
		/* WrapMessage applies a Cc only when it has a value */
		if (rc == LM_OK && val.len)
			rc = put(e, h, "Cc", buf_cstr(&val), true, true);
		buf_free(&val);
	}
	alist_free(&a);
	return rc;
}

static bool setting_ok(const char *v)
{
	return v != NULL && strpbrk(v, "\r\n") == NULL;
}

static bool settings_ok(const struct cook_settings *s)
{
	const char *const v[] = {s->list_name,       s->host_name,    s->real_name,
	                         s->description,     s->listinfo_url, s->options_url,
	                         s->archive_url,     s->charset,      s->subject_prefix,
	                         s->reply_to_address};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!setting_ok(v[i]))
			return false;
	return *s->list_name && *s->host_name && strpbrk(s->list_name, " \t<>@,\"") == NULL &&
	       strpbrk(s->host_name, " \t<>@,\"") == NULL;
}

static size_t longest_line(const char *v)
{
	size_t best = 0;

	while (*v) {
		size_t l = strcspn(v, "\n");
		best = l > best ? l : best;
		v += l + (v[l] == '\n');
	}
	return best;
}

static int subject_edit(const struct cook_settings *s, const struct hdr_list *h, bool dly,
                        const char *qid, struct hdr_edits *e)
{
	struct buf v;
	int rc;

	buf_init(&v, COOK_CAP);
	rc = cook_subject(s, hdr_list_get(h, "Subject", 0), &v);
	if (rc == LM_OK && longest_line(buf_cstr(&v)) > 998) {
		/* libmilter: header lines must stay under 2048 (should under 998) characters */
		log_warn(qid, "subject prefix not applied: an unfoldable line over 998 characters");
		rc = LM_ENOENT;
	}
	if (rc == LM_OK) {
		rc = hdr_edits_replace(e, h, "Subject", buf_cstr(&v), dly);
	} else if (rc == LM_ENOENT) {
		rc = LM_OK;
	} else {
		log_warn(qid, "subject prefix not applied: %s", lm_strerror(rc));
		rc = rc == LM_ETOOBIG ? LM_OK : rc;
	}
	buf_free(&v);
	return rc;
}

int cook_headers(const struct cook_settings *s, const struct hdr_list *h,
                 const char *envelope_sender, const char *member_name, const char *qid,
                 struct hdr_edits *e)
{
	bool dly = s->from_is_list == 2; /* wrap mode defers every change to the outer message */
	struct poster p = {{NULL, NULL}, false};
	size_t mark = e->n;
	struct buf addr;
	int rc;

	if (!settings_ok(s)) {
		log_err(qid, "list settings would make an unsafe header (CR/LF or bad name)");
		return LM_EINVAL;
	}
	buf_init(&addr, 4096);
	rc = cleanse(h, e);
	rc = rc ? rc : subject_edit(s, h, dly, qid, e);
	rc = rc ? rc : buf_printf(&addr, "%s@%s", s->list_name, s->host_name);
	rc = rc ? rc : put(e, h, "X-BeenThere", buf_cstr(&addr), false, dly);
	/* in wrap mode change_header() defers even these, so the wrapper always gets them */
	if (rc == LM_OK && (dly || hdr_list_count(h, "X-Mailman-Version") == 0))
		rc = put(e, h, "X-Mailman-Version", MM_VERSION, false, dly);
	if (rc == LM_OK && (dly || hdr_list_count(h, "Precedence") == 0))
		rc = put(e, h, "Precedence", "list", false, dly);
	if (rc == LM_OK && s->include_rfc2369_headers)
		rc = list_headers(s, h, dly, e);
	if (rc == LM_OK && s->from_is_list)
		rc = munge_from(s, h, envelope_sender, member_name, &p, e);
	rc = rc ? rc : reply_to(s, h, &p, e);
	rc = rc ? rc : cc(h, &p, e);
	free(p.from.name);
	free(p.from.addr);
	buf_free(&addr);
	if (rc) {
		hdr_edits_truncate(e, mark); /* all or nothing */
		log_err(qid, "list headers not computed: %s", lm_strerror(rc));
	}
	return rc;
}

bool cook_archive_wanted(const struct cook_settings *s, const struct hdr_list *h)
{
	const char *xa = hdr_list_get(h, "X-Archive", 0);

	if (!s->archive || hdr_list_count(h, "X-No-Archive") > 0)
		return false;
	return xa == NULL || strcasecmp(xa, "no") != 0;
}

int cook_delivery_headers(const struct cook_settings *s, const struct hdr_list *h,
                          const char *envsender, struct hdr_edits *e)
{
	struct buf v;
	int rc;

	if (!setting_ok(envsender) || !setting_ok(s->real_name) || *envsender == '\0')
		return LM_EINVAL;
	rc = put(e, h, "Errors-To", envsender, true, true);
	if (rc || !s->include_sender_header)
		return rc;
	buf_init(&v, COOK_CAP);
	rc = buf_putc(&v, '"');
	for (const char *p = s->real_name; *p && rc == LM_OK; p++) {
		if (*p == '"' || *p == '\\')
			rc = buf_putc(&v, '\\');
		rc = rc ? rc : buf_putc(&v, *p);
	}
	rc = rc ? rc : buf_printf(&v, "\" <%s>", envsender);
	rc = rc ? rc : put(e, h, "Sender", buf_cstr(&v), true, true);
	buf_free(&v);
	return rc;
}
