/*
 * export_view.c: prepares one period for the renderers: the displayed subject and author,
 * the sort keys of subject.html and author.html (spec 3.2), and the date/subject/author orders.
 */
#include <stdlib.h>
#include <string.h>

#include "export_priv.h"
#include "lmerr.h"
#include "subjkey.h"

static bool is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t skip_sp(const char *s, size_t i)
{
	while (s[i] && is_sp(s[i]))
		i++;
	return i;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One \s*RE\s*(\[\d+\]\s*)?:\s* at s[i]; returns the end, or 0 when there is none. */
static size_t re_marker(const char *s, size_t i)
{
	size_t j;

	i = skip_sp(s, i);
	if ((s[i] | 0x20) != 'r' || (s[i + 1] | 0x20) != 'e')
		return 0;
	i = skip_sp(s, i + 2);
	if (s[i] == '[' && is_digit(s[i + 1])) {
		for (j = i + 1; is_digit(s[j]); j++)
			;
		if (s[j] == ']')
			i = skip_sp(s, j + 1);
	}
	if (s[i] != ':')
		return 0;
	return skip_sp(s, i + 1);
}

/* HyperArch's loop that removes leading Re: markers; "No subject" when nothing is left. */
static char *strip_re(const char *s)
{
	size_t i = 0, e;

	while ((e = re_marker(s, i)) != 0)
		i = e;
	if (s[i] == '\0')
		return strdup("No subject");
	return strdup(s + i);
}

/* subject.html's key: the same one the store threads by (subjkey.h). */
static char *subject_key(const char *subj, const char *prefix)
{
	struct buf b;

	buf_init(&b, strlen(subj) * 2 + 64);
	if (subjkey_make(subj, prefix, &b) == LM_OK && buf_puts(&b, "") == LM_OK)
		return buf_steal(&b, NULL);
	buf_free(&b);
	return NULL;
}

static bool all_case(const char *s, bool upper)
{
	for (; *s; s++)
		if (upper ? (*s >= 'a' && *s <= 'z') : (*s >= 'A' && *s <= 'Z'))
			return false;
	return true;
}

static bool small_part(const char *w, size_t n)
{
	static const char *const parts[] = {"van", "von", "der", "de"};
	size_t k, j;

	for (k = 0; k < 4; k++) {
		if (strlen(parts[k]) != n)
			continue;
		for (j = 0; j < n && (w[j] | 0x20) == parts[k][j]; j++)
			;
		if (j == n)
			return true;
	}
	return false;
}

/* pipermail's fixAuthor(): "First Last" -> "Last, First" (name particles stay with Last). */
static char *fix_author(const char *a)
{
	size_t nw = 0, i, k, o, cap = strlen(a) + 3;
	const char **w;
	size_t *wl;
	char *out;
	bool mixed;

	if (strchr(a, ',') != NULL)
		return strdup(a);
	w = malloc(sizeof(*w) * (cap / 2 + 1));
	wl = malloc(sizeof(*wl) * (cap / 2 + 1));
	out = malloc(cap);
	if (w == NULL || wl == NULL || out == NULL)
		goto fail;
	for (i = 0; a[i];) {
		i = skip_sp(a, i);
		if (!a[i])
			break;
		for (w[nw] = a + i; a[i] && !is_sp(a[i]); i++)
			;
		wl[nw] = (size_t)(a + i - w[nw]);
		nw++;
	}
	if (nw <= 1) {
		free(w), free(wl), free(out);
		return strdup(a);
	}
	mixed = !all_case(a, true) && !all_case(a, false);
	for (i = nw - 1; i > 0; i--)
		if (!small_part(w[i - 1], wl[i - 1]) &&
		    !(mixed && w[i - 1][0] >= 'a' && w[i - 1][0] <= 'z'))
			break;
	/* L[-1:] + L[i:-1] joined, ", ", L[:i] joined (appended at o: linear in the name) */
	memcpy(out, w[nw - 1], wl[nw - 1]);
	o = wl[nw - 1];
	for (k = i; k + 1 < nw; k++) {
		out[o++] = ' ';
		memcpy(out + o, w[k], wl[k]);
		o += wl[k];
	}
	out[o++] = ',', out[o++] = ' ';
	for (k = 0; k < i; k++) {
		if (k > 0)
			out[o++] = ' ';
		memcpy(out + o, w[k], wl[k]);
		o += wl[k];
	}
	out[o] = '\0';
	free(w), free(wl);
	return out;
fail:
	free(w), free(wl), free(out);
	return NULL;
}

static char *obscured(const char *s, bool words, bool on)
{
	struct buf b;
	int rc;

	if (!on)
		return strdup(s);
	buf_init(&b, strlen(s) * 4 + 16);
	rc = words ? html_obscure_words(&b, s, strlen(s)) : html_obscure_at(&b, s, strlen(s));
	if (rc == LM_OK && buf_puts(&b, "") == LM_OK)
		return buf_steal(&b, NULL);
	buf_free(&b);
	return NULL;
}

static int item_init(struct export_view *v, size_t i)
{
	const struct article *a = &v->p->arts[i];
	struct export_item *it = &v->it[i];
	bool ob = v->list->obscure;
	char *s;

	if ((s = strip_re(a->subject)) == NULL)
		return LM_ENOMEM;
	it->subject = obscured(s, true, ob);
	it->skey = subject_key(a->subject, v->list->subject_prefix);
	free(s);
	it->subj_raw = strip_re(a->subject_raw);
	it->author = obscured(a->author[0] ? a->author : a->email, false, ob);
	it->email = obscured(a->email, false, ob);
	if (it->subject == NULL || it->skey == NULL || it->subj_raw == NULL || it->author == NULL ||
	    it->email == NULL)
		return LM_ENOMEM;
	if ((it->akey = fix_author(it->author)) == NULL)
		return LM_ENOMEM;
	return LM_OK;
}

/* pipermail's msgid: the Message-ID without its <> (strip_separators). */
static int msgid_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n;
	int rc;

	if (la >= 2 && strchr("\"<([", a[0]) && strchr("\">)]", a[la - 1]))
		a++, la -= 2;
	if (lb >= 2 && strchr("\"<([", b[0]) && strchr("\">)]", b[lb - 1]))
		b++, lb -= 2;
	n = la < lb ? la : lb;
	if ((rc = memcmp(a, b, n)) != 0)
		return rc;
	return la < lb ? -1 : la > lb;
}

static const struct export_view *sort_view; /* qsort has no context argument in C17 */

static int date_cmp(size_t x, size_t y)
{
	const struct article *a = &sort_view->p->arts[x], *b = &sort_view->p->arts[y];

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return msgid_cmp(a->msgid, b->msgid);
}

static int by_date(const void *x, const void *y)
{
	return date_cmp(*(const size_t *)x, *(const size_t *)y);
}

static int by_subject(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int rc = strcmp(sort_view->it[a].skey, sort_view->it[b].skey);

	return rc ? rc : date_cmp(a, b);
}

static int by_author(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int rc = strcmp(sort_view->it[a].akey, sort_view->it[b].akey);

	return rc ? rc : date_cmp(a, b);
}

static size_t *sorted(struct export_view *v, int (*cmp)(const void *, const void *))
{
	size_t *o = malloc(sizeof(*o) * (v->p->n ? v->p->n : 1)), i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < v->p->n; i++)
		o[i] = i;
	sort_view = v;
	qsort(o, v->p->n, sizeof(*o), cmp);
	return o;
}

int export_view_build(const struct export_list *l, const struct export_period *p,
                      struct export_view **out)
{
	struct export_view *v;
	size_t i;
	int rc = LM_ENOMEM;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return LM_ENOMEM;
	v->list = l;
	v->p = p;
	v->cs = html_charset_id(l->charset);
	if ((v->it = calloc(p->n ? p->n : 1, sizeof(*v->it))) == NULL)
		goto fail;
	for (i = 0; i < p->n; i++) {
		if ((rc = item_init(v, i)) != LM_OK)
			goto fail;
		if (i == 0 || p->arts[i].date < v->first)
			v->first = p->arts[i].date;
		if (i == 0 || p->arts[i].date > v->last)
			v->last = p->arts[i].date;
	}
	rc = LM_ENOMEM;
	v->bydate = sorted(v, by_date);
	v->bysubject = sorted(v, by_subject);
	v->byauthor = sorted(v, by_author);
	if (v->bydate == NULL || v->bysubject == NULL || v->byauthor == NULL)
		goto fail;
	if ((rc = export_thread_build(v)) != LM_OK)
		goto fail;
	*out = v;
	return LM_OK;
fail:
	export_view_free(v);
	return rc;
}

void export_view_free(struct export_view *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v->it && i < v->p->n; i++) {
		free(v->it[i].subject), free(v->it[i].subj_raw), free(v->it[i].author);
		free(v->it[i].email), free(v->it[i].skey), free(v->it[i].akey);
	}
	free(v->it), free(v->thread), free(v->bydate), free(v->bysubject), free(v->byauthor);
	free(v);
}

size_t export_view_thread_at(const struct export_view *v, size_t k)
{
	return k < v->p->n ? v->thread[k] : EXPORT_NONE;
}
