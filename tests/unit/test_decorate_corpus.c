/*
 * test_decorate_corpus.c: 400 posts as Mailman 2.1 delivered them (usrp-users): strip what the
 * list added, run our CookHeaders/DMARC/Decorate, and require Mailman's exact bytes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cookheaders.h"
#include "decorate.h"
#include "lmerr.h"
#include "testutil.h"

#define MAXF 400

struct msg {
	struct hdr_field f[MAXF];
	size_t nf;
	char *body; /* owned, mboxrd-unescaped, without the mbox separator line */
	size_t blen;
};

static const char FOOTER[] = "_______________________________________________\n"
                             "USRP-users mailing list\n"
                             "USRP-users@lists.ettus.com\n"
                             "http://lists.ettus.com/mailman/listinfo/usrp-users_lists.ettus.com\n";

static const char FOOTER_PART[] = "Content-Type: text/plain; charset=\"us-ascii\"\n"
                                  "MIME-Version: 1.0\n"
                                  "Content-Transfer-Encoding: 7bit\n"
                                  "Content-Disposition: inline\n\n";

/* Header fields in place (names and values NUL-terminated), body copied and unescaped. */
static void parse(char *m, size_t len, struct msg *out)
{
	char *p = strchr(m, '\n') + 1, *end = m + len, *hend = strstr(p, "\n\n");
	struct buf b;

	assert_non_null(hend);
	out->nf = 0;
	while (p < hend + 1) {
		char *colon = strchr(p, ':'), *e = p;
		while ((e = strchr(e, '\n')) != NULL && e < hend && (e[1] == ' ' || e[1] == '\t'))
			e++;
		if (e == NULL || e > hend)
			e = hend;
		*colon = '\0';
		out->f[out->nf].name = p;
		out->f[out->nf].value = colon + 1 + strspn(colon + 1, " \t");
		out->nf++;
		*e = '\0';
		p = e + 1;
		assert_true(out->nf < MAXF);
	}
	buf_init(&b, 64 * 1024 * 1024);
	for (p = hend + 2; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		size_t q = strspn(p, ">");
		if (q > 0 && q < l && strncmp(p + q, "From ", 5) == 0) {
			p++;
			l--;
		}
		assert_int_equal(buf_append(&b, p, l), LM_OK);
		p += l;
	}
	/* this mbox has no separator lines: the body is kept as it is */
	out->blen = b.len;
	out->body = buf_steal(&b, NULL);
	if (out->body == NULL)
		out->body = strdup("");
}

static const char *get(const struct msg *m, const char *name)
{
	for (size_t i = 0; i < m->nf; i++)
		if (strcasecmp(m->f[i].name, name) == 0)
			return m->f[i].value;
	return NULL;
}

static const char *added(const struct hdr_edits *e, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].op == HDR_ADD && strcasecmp(e->v[i].name, name) == 0)
			v = e->v[i].value;
	return v;
}

static void usrp_cook(struct cook_settings *s)
{
	cook_settings_defaults(s, "usrp-users", "lists.ettus.com", "USRP-users");
	s->description = "USRP-related discussion and support";
	s->subject_prefix = "[USRP-users] ";
	s->options_url = "http://lists.ettus.com/mailman/options/usrp-users_lists.ettus.com";
	s->listinfo_url = "http://lists.ettus.com/mailman/listinfo/usrp-users_lists.ettus.com";
	s->archive_url = "http://lists.ettus.com/pipermail/usrp-users_lists.ettus.com/";
	s->from_is_list = 1;
}

static void usrp_deco(struct decorate_settings *s, const char *boundary)
{
	memset(s, 0, sizeof(*s));
	s->msg_header = "";
	s->msg_footer = "_______________________________________________\n%(real_name)s mailing "
	                "list\n%(real_name)s@%(host_name)s\n"
	                "%(web_page_url)slistinfo%(cgiext)s/%(_internal_name)s";
	s->real_name = "USRP-users";
	s->list_name = "usrp-users_lists.ettus.com";
	s->host_name = "lists.ettus.com";
	s->web_page_url = "http://lists.ettus.com/mailman/";
	s->description = s->info = s->cgiext = "";
	s->charset = "us-ascii";
	s->boundary = boundary;
}

struct counts {
	unsigned msgs, subj, lists, from_tried, from_ok, cc_tried, cc_ok, foot_tried, foot_ok;
	unsigned inline_ok, wrap_ok, mixed_ok;
};

static bool same(const char *what, unsigned i, const char *got, const char *want)
{
	if (got && want && strcmp(got, want) == 0)
		return true;
	print_message("msg %u %s:\n  got  [%s]\n  want [%s]\n", i, what, got ? got : "(none)",
	              want ? want : "(none)");
	return false;
}

static void check_subject(const struct msg *m, unsigned i, struct counts *c)
{
	struct cook_settings s;
	struct buf b;

	usrp_cook(&s);
	buf_init(&b, 0);
	if (cook_subject(&s, get(m, "Subject"), &b) == LM_OK &&
	    same("Subject", i, buf_cstr(&b), get(m, "Subject")))
		c->subj++;
	buf_free(&b);
}

static void check_lists(const struct msg *m, unsigned i, struct counts *c)
{
	static const char *const names[] = {"List-Id",     "List-Unsubscribe", "List-Archive",
	                                    "List-Post",   "List-Help",        "List-Subscribe",
	                                    "X-BeenThere", "Precedence"};
	struct hdr_list h = {m->f, m->nf};
	struct cook_settings s;
	struct hdr_edits e;
	bool ok = true;

	usrp_cook(&s);
	s.from_is_list = 0;
	hdr_edits_init(&e);
	assert_int_equal(cook_headers(&s, &h, "x@y", NULL, "Q", &e), LM_OK);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (strcmp(names[k], "Precedence") == 0)
			continue; /* present already: not added, as in Mailman */
		ok = same(names[k], i, added(&e, names[k]), get(m, names[k])) && ok;
	}
	c->lists += ok;
	hdr_edits_free(&e);
}

/* Mode 0 with munging put the poster's From in Reply-To: feed it back as From. */
static void check_from(const struct msg *m, unsigned i, struct counts *c)
{
	const char *rt = get(m, "Reply-To"), *cc = get(m, "Cc");
	struct hdr_field f[2] = {{"From", rt}, {"Cc", cc}};
	struct hdr_list h = {f, cc ? 2 : 1};
	struct cook_settings s;
	struct hdr_edits e;

	if (rt == NULL || strchr(rt, ',') || strstr(get(m, "From"), " via ") == NULL)
		return;
	/* a From without a display name got the member's registered name: not in the corpus */
	if (*rt == '<' || strchr(rt, '<') == NULL)
		return;
	/* a name that is itself an address: the poster had set that Reply-To; From unknown */
	if (memchr(rt, '@', (size_t)(strchr(rt, '<') - rt)))
		return;
	usrp_cook(&s);
	hdr_edits_init(&e);
	assert_int_equal(cook_headers(&s, &h, "x@y", NULL, "Q", &e), LM_OK);
	c->from_tried++;
	if (same("From", i, added(&e, "From"), get(m, "From")) &
	    same("Reply-To", i, added(&e, "Reply-To"), rt))
		c->from_ok++;
	if (cc) {
		c->cc_tried++;
		c->cc_ok += same("Cc", i, added(&e, "Cc"), cc);
	}
	hdr_edits_free(&e);
}

/* Run Decorate on a reconstructed original; compare body and the Content-Type it sets. */
static bool decorate_cmp(const struct msg *m, unsigned i, const struct hdr_field *f, size_t nf,
                         const char *body, size_t blen, const char *boundary)
{
	struct decorate_settings s;
	struct hdr_list h = {f, nf};
	struct hdr_edits e;
	struct buf out;
	bool ok;

	usrp_deco(&s, boundary);
	hdr_edits_init(&e);
	buf_init(&out, 64 * 1024 * 1024);
	assert_int_equal(decorate_body(&s, &h, body, blen, "Q", &out, &e), LM_OK);
	ok = out.len == m->blen && memcmp(out.data, m->body, out.len) == 0;
	if (!ok)
		print_message("msg %u body differs (%zu vs %zu bytes)\n", i, out.len, m->blen);
	if (added(&e, "Content-Type"))
		ok = same("Content-Type", i, added(&e, "Content-Type"), get(m, "Content-Type")) &&
		     ok;
	if (added(&e, "Content-Transfer-Encoding"))
		ok = same("CTE", i, added(&e, "Content-Transfer-Encoding"),
		          get(m, "Content-Transfer-Encoding")) &&
		     ok;
	hdr_edits_free(&e);
	buf_free(&out);
	return ok;
}

static bool footer_plain(const struct msg *m, unsigned i)
{
	const char *cte = get(m, "Content-Transfer-Encoding");
	struct hdr_field f[MAXF];
	size_t fl = strlen(FOOTER), nf = 0;
	guchar *dec = NULL;
	gsize dlen = m->blen;
	const char *text = m->body;
	bool ok;

	if (cte && strcasecmp(cte, "base64") == 0) {
		dec = g_base64_decode(m->body, &dlen);
		text = (const char *)dec;
	}
	if (dlen < fl || memcmp(text + dlen - fl, FOOTER, fl) != 0) {
		g_free(dec);
		return false;
	}
	for (size_t k = 0; k < m->nf; k++)
		f[nf++] = m->f[k];
	if (dec) {
		/* feed it base64-encoded, as it came: CRLFs inside the text must survive */
		gchar *enc = g_base64_encode(dec, dlen - fl);
		char *line = g_strconcat(enc, "\n", NULL);
		ok = decorate_cmp(m, i, f, nf, line, strlen(line), NULL);
		g_free(line);
		g_free(enc);
	} else {
		ok = decorate_cmp(m, i, f, nf, text, dlen - fl, NULL);
	}
	g_free(dec);
	return ok;
}

static const char *boundary_of(const char *ct, char *dst, size_t cap)
{
	GMimeContentType *t = g_mime_content_type_parse(NULL, ct);
	const char *b = t ? g_mime_content_type_get_parameter(t, "boundary") : NULL;

	snprintf(dst, cap, "%s", b ? b : "");
	if (t)
		g_object_unref(t);
	return dst;
}

static bool python_boundary(const char *b)
{
	return strlen(b) == 36 && strncmp(b, "===============", 15) == 0 &&
	       strspn(b + 15, "0123456789") == 19 && strcmp(b + 34, "==") == 0;
}

/* Mailman wrapped it: [inner, footer]. Rebuild the original from the inner part. */
static bool footer_wrapped(const struct msg *m, unsigned i, const char *bd, const char *ftr)
{
	char open[300];
	const char *inner, *ihend;
	struct hdr_field f[MAXF];
	char *ih;
	size_t nf = 0;
	bool ok;

	snprintf(open, sizeof(open), "--%s\n", bd);
	if (strncmp(m->body, open, strlen(open)) != 0)
		return false;
	inner = m->body + strlen(open);
	if ((ihend = strstr(inner, "\n\n")) == NULL || ihend > ftr)
		return false;
	ih = strndup(inner, (size_t)(ihend - inner + 1));
	assert_non_null(ih);
	for (size_t k = 0; k < m->nf; k++)
		if (strncasecmp(m->f[k].name, "content-", 8) != 0)
			f[nf++] = m->f[k];
	for (char *p = ih; *p && nf < MAXF;) {
		char *colon = strchr(p, ':'), *e = p;
		while ((e = strchr(e, '\n')) != NULL && (e[1] == ' ' || e[1] == '\t'))
			e++;
		if (colon == NULL || e == NULL)
			break;
		*colon = '\0';
		*e = '\0';
		f[nf].name = p;
		f[nf].value = colon + 1 + strspn(colon + 1, " \t");
		nf++;
		p = e + 1;
	}
	/* the inner body ends where "\n--B\n" + footer part begins. Python dropped one line
	 * break after the inner close delimiter (the epilogue rule): put it back. */
	{
		const char *ib = ihend + 2, *ict = NULL;
		size_t il = (size_t)(ftr - 1 - ib);
		char ibd[256], close[300], *orig = malloc(il + 2);
		const char *cl;
		for (size_t k = 0; k < nf; k++)
			if (strcasecmp(f[k].name, "Content-Type") == 0)
				ict = f[k].value;
		memcpy(orig, ib, il);
		if (ict && strncasecmp(ict, "multipart/", 10) == 0) {
			boundary_of(ict, ibd, sizeof(ibd));
			snprintf(close, sizeof(close), "\n--%s--\n", ibd);
			cl = strstr(ib, close);
			if (cl && cl < ib + il) {
				size_t at = (size_t)(cl - ib) + strlen(close);
				memmove(orig + at + 1, orig + at, il - at);
				orig[at] = '\n';
				il++;
			}
		}
		ok = decorate_cmp(m, i, f, nf, orig, il, bd);
		free(orig);
	}
	free(ih);
	return ok;
}

static void check_footer(const struct msg *m, unsigned i, struct counts *c)
{
	const char *ct = get(m, "Content-Type");
	char bd[256], delim[1024], *ftr, *body;
	bool ok = false;

	c->foot_tried++;
	if (ct == NULL || strncasecmp(ct, "text/plain", 10) == 0) {
		ok = footer_plain(m, i);
		c->inline_ok += ok;
	} else if (strncasecmp(ct, "multipart/mixed", 15) == 0) {
		boundary_of(ct, bd, sizeof(bd));
		snprintf(delim, sizeof(delim), "\n--%s\n%s%s\n--%s--", bd, FOOTER_PART, FOOTER, bd);
		ftr = strstr(m->body, delim);
		if (ftr && python_boundary(bd) && footer_wrapped(m, i, bd, ftr + 1)) {
			ok = true;
			c->wrap_ok++;
		} else if (ftr) {
			/* a genuine multipart/mixed: the footer was appended as the last part */
			size_t cut = strlen(delim) - strlen(bd) - 5;
			body = malloc(m->blen);
			memcpy(body, m->body, (size_t)(ftr - m->body) + 1);
			memcpy(body + (ftr - m->body) + 1, ftr + 1 + cut,
			       m->blen - (size_t)(ftr - m->body) - 1 - cut);
			ok = decorate_cmp(m, i, m->f, m->nf, body, m->blen - cut, NULL);
			c->mixed_ok += ok;
			free(body);
		}
	}
	if (!ok)
		print_message("msg %u: footer not reproduced (%.40s)\n", i, ct ? ct : "no type");
	c->foot_ok += ok;
}

static void test_usrp_corpus(void **state)
{
	char *path = testutil_corpus("mbox/usrp-users-mailman21-delivered-sample.mboxrd");
	struct counts c = {0};
	char *data, *p, *next;
	size_t len;

	(void)state;
	if (path == NULL)
		skip();
	data = testutil_read(path, &len);
	assert_non_null(data);
	for (p = data; p && p < data + len; p = next) {
		struct msg *m = calloc(1, sizeof(*m));
		next = strstr(p, "\nFrom ");
		if (next)
			*next++ = '\0';
		parse(p, next ? (size_t)(next - 1 - p) : (size_t)(data + len - p), m);
		check_subject(m, c.msgs, &c);
		check_lists(m, c.msgs, &c);
		check_from(m, c.msgs, &c);
		check_footer(m, c.msgs, &c);
		c.msgs++;
		free(m->body);
		free(m);
	}
	print_message(
	        "usrp-users: %u posts; Subject %u; List-*/X-BeenThere %u; From+Reply-To %u/%u; "
	        "Cc %u/%u; footer %u/%u (inline %u, wrapped %u, added part %u)\n",
	        c.msgs, c.subj, c.lists, c.from_ok, c.from_tried, c.cc_ok, c.cc_tried, c.foot_ok,
	        c.foot_tried, c.inline_ok, c.wrap_ok, c.mixed_ok);
	assert_true(c.wrap_ok > 200); /* Mailman wrapped most posts (multipart/alternative) */
	assert_int_equal(c.msgs, 400);
	assert_int_equal(c.subj, c.msgs);
	assert_int_equal(c.lists, c.msgs);
	assert_int_equal(c.from_ok, c.from_tried);
	assert_int_equal(c.cc_ok, c.cc_tried);
	assert_true(c.from_tried > 300);
	assert_int_equal(c.foot_ok, c.foot_tried);
	free(data);
	free(path);
}

/* Split a raw message into header fields (in place) and body. Returns the field count. */
static size_t split_raw(char *raw, size_t len, struct hdr_field *f, const char **body, size_t *blen)
{
	char *p = raw, *end = raw + len;
	size_t nf = 0;

	if (strncmp(p, "From ", 5) == 0 && strchr(p, '\n'))
		p = strchr(p, '\n') + 1;
	while (p < end && *p != '\n' && !(*p == '\r' && p[1] == '\n') && nf < MAXF) {
		char *e = p, *colon;
		while ((e = memchr(e, '\n', (size_t)(end - e))) != NULL && e + 1 < end &&
		       (e[1] == ' ' || e[1] == '\t'))
			e++;
		if (e == NULL)
			e = end;
		*e = '\0';
		colon = strchr(p, ':');
		if (colon && colon > p) {
			*colon = '\0';
			f[nf].name = p;
			f[nf].value = colon + 1;
			nf++;
		}
		p = e + 1;
	}
	p += p < end && *p == '\r';
	p += p < end && *p == '\n';
	*body = p < end ? p : end;
	*blen = p < end ? (size_t)(end - p) : 0;
	return nf;
}

/* Hostile and malformed MIME (the shared corpus): every transform answers, and every value it
 * would hand to the MTA is a safe header value. */
static void test_mime_corpus_sweep(void **state)
{
	char *dir = testutil_corpus("mime");
	struct cook_settings cs;
	struct decorate_settings ds;
	unsigned files = 0, decorated = 0;
	GDir *d;
	const char *name;

	(void)state;
	if (dir == NULL)
		skip();
	usrp_cook(&cs);
	cs.reply_goes_to_list = 1;
	cs.description = "Liste f\xc3\xbcr Tests, \"quoted\"";
	usrp_deco(&ds, NULL);
	ds.msg_header = "%(real_name)s -- %(description)s\n";
	d = g_dir_open(dir, 0, NULL);
	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		static struct hdr_field f[MAXF];
		char *path = testutil_path(dir, name), *raw;
		const char *body;
		size_t len, blen, nf;
		struct hdr_list h;
		struct hdr_edits e;
		struct buf out;
		int rc;
		if (!g_str_has_suffix(name, ".eml") || (raw = testutil_read(path, &len)) == NULL) {
			free(path);
			continue;
		}
		nf = split_raw(raw, len, f, &body, &blen);
		h = (struct hdr_list){f, nf};
		hdr_edits_init(&e);
		buf_init(&out, 256 * 1024 * 1024);
		assert_int_equal(cook_headers(&cs, &h, "x@example.com", NULL, name, &e), LM_OK);
		assert_int_equal(cook_delivery_headers(&cs, &h, "l-bounces@example.com", &e),
		                 LM_OK);
		rc = decorate_body(&ds, &h, body, blen, name, &out, &e);
		assert_int_equal(rc, LM_OK);
		for (size_t i = 0; i < e.n; i++)
			assert_true(e.v[i].value == NULL || hdr_value_safe(e.v[i].value));
		assert_true(out.len > blen);
		decorated++;
		files++;
		hdr_edits_free(&e);
		buf_free(&out);
		free(raw);
		free(path);
	}
	g_dir_close(d);
	print_message("mime corpus: %u messages cooked and decorated\n", decorated);
	assert_true(files > 100);
	free(dir);
}

static int setup(void **state)
{
	(void)state;
	g_mime_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_mime_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_usrp_corpus),
	        cmocka_unit_test(test_mime_corpus_sweep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
