/*
 * export.c: `listctl export`: walks a list's periods in the store, renders the changed ones
 * (all with --full), writes every file atomically and only when its bytes change, then the
 * TOC and the attachment links. Periods are never deleted.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "export_attach.h"
#include "export_priv.h"
#include "export_state.h"
#include "lists.h"
#include "lmerr.h"
#include "log.h"
#include "period.h"

#define PAGE_CAP ((size_t)1 << 30)

struct pinfo {
	char *name;
	size_t count;
	bool dirty;
};

struct run {
	struct dbenv *env;
	const char *list, *dir;
	struct export_list l;
	const char *tz;
	int freq;
	bool full;
	bool newdir; /* the period directory was made in this run: its files are new */
	struct export_stats st;
	struct pinfo *per;
	size_t nper, aper;
	struct article *arts;
	size_t narts, aarts;
};

static int collect_period(const char *period, size_t count, bool dirty, void *arg)
{
	struct run *r = arg;
	struct pinfo *np;

	if (r->nper == r->aper) {
		size_t na = r->aper ? r->aper * 2 : 64;
		if ((np = realloc(r->per, na * sizeof(*np))) == NULL)
			return LM_ENOMEM;
		r->per = np, r->aper = na;
	}
	if ((r->per[r->nper].name = strdup(period)) == NULL)
		return LM_ENOMEM;
	r->per[r->nper].count = count;
	r->per[r->nper++].dirty = dirty;
	return LM_OK;
}

static char *sdup(const char *s, bool *ok)
{
	char *d = strdup(s ? s : "");

	if (d == NULL)
		*ok = false;
	return d;
}

/* A deep copy: the store's article is valid only during the callback. */
static int collect_article(const struct article *a, void *arg)
{
	struct run *r = arg;
	struct article *c;
	bool ok = true;

	if (r->narts == r->aarts) {
		size_t na = r->aarts ? r->aarts * 2 : 256;
		struct article *n = realloc(r->arts, na * sizeof(*n));
		if (n == NULL)
			return LM_ENOMEM;
		r->arts = n, r->aarts = na;
	}
	c = &r->arts[r->narts];
	*c = *a;
	c->period = sdup(a->period, &ok), c->msgid = sdup(a->msgid, &ok);
	c->in_reply_to = sdup(a->in_reply_to, &ok), c->references = sdup(a->references, &ok);
	c->subject_raw = sdup(a->subject_raw, &ok), c->subject = sdup(a->subject, &ok);
	c->author_raw = sdup(a->author_raw, &ok), c->author = sdup(a->author, &ok);
	c->email = sdup(a->email, &ok), c->datestr = sdup(a->datestr, &ok);
	if ((c->body = malloc(a->body_len + 1)) == NULL)
		ok = false;
	else
		memcpy(c->body, a->body, a->body_len), c->body[a->body_len] = '\0';
	r->narts++;
	return ok ? LM_OK : LM_ENOMEM;
}

static void free_articles(struct run *r)
{
	size_t i;

	for (i = 0; i < r->narts; i++)
		article_clear(&r->arts[i]);
	r->narts = 0;
}

static int put_file(struct run *r, const char *path, const struct buf *b)
{
	bool w;
	/* an incremental run writes few files: each is synced; a full run syncs the fs once */
	unsigned flags = (r->full ? 0 : ATOMICFILE_FSYNC) | (r->newdir ? ATOMICFILE_NEW : 0);
	int rc = atomicfile_write(path, b->data ? b->data : "", b->len, 0644, flags, &w);

	if (rc != LM_OK) {
		log_syserr(NULL, "export: cannot write %s", path);
		return rc;
	}
	if (w)
		r->st.written++;
	else
		r->st.same++;
	return LM_OK;
}

/* An index page whose only change is its "Archived on" date is left as it is. */
static bool same_but_archived(const char *path, const struct buf *b)
{
	static const char mark[] = "<b>Archived on:</b> <i>";
	char *old, *po, *pn, *eo, *en;
	size_t len;
	bool same = false;

	if (atomicfile_read(path, PAGE_CAP, &old, &len) != LM_OK)
		return false;
	po = strstr(old, mark), pn = strstr(b->data, mark);
	if (po && pn && po - old == pn - b->data && memcmp(old, b->data, (size_t)(po - old)) == 0) {
		eo = strstr(po, "</i>"), en = strstr(pn, "</i>");
		same = eo && en && strcmp(eo, en) == 0;
	}
	free(old);
	return same;
}

/* Article pages: all of them with --full, else those new or with moved neighbours. */
static int write_articles(struct run *r, struct export_view *v, const struct export_period *p,
                          struct buf *path, struct buf *page)
{
	uint64_t fp = export_state_fingerprint(&r->l, r->tz);
	struct export_state st = {0};
	size_t i;
	int rc;

	buf_reset(path);
	if ((rc = buf_printf(path, "%s/.export-state/%s", r->dir, p->name)) != LM_OK ||
	    (!r->full && (rc = export_state_load(buf_cstr(path), &st)) != LM_OK))
		return rc;
	for (i = 0; i < p->n; i++) {
		if (!r->full && !export_state_stale(&st, fp, v, i)) {
			r->st.same++;
			continue;
		}
		buf_reset(page), buf_reset(path);
		if ((rc = export_article_page(v, i, page)) != LM_OK ||
		    (rc = buf_printf(path, "%s/%s/%06" PRIu32 ".html", r->dir, p->name,
		                     p->arts[i].seq)) != LM_OK ||
		    (rc = put_file(r, buf_cstr(path), page)) != LM_OK)
			goto out;
	}
	buf_reset(path);
	if ((rc = buf_printf(path, "%s/.export-state/%s", r->dir, p->name)) == LM_OK)
		rc = export_state_save(buf_cstr(path), fp, v);
out:
	export_state_free(&st);
	return rc;
}

static int write_pages(struct run *r, struct export_view *v, const struct export_period *p,
                       struct buf *path, struct buf *page)
{
	enum export_index k;
	int rc;

	if ((rc = write_articles(r, v, p, path, page)) != LM_OK)
		return rc;
	for (k = EXPORT_THREAD; k <= EXPORT_DATE; k++) {
		buf_reset(page), buf_reset(path);
		if ((rc = export_index_page(v, k, page)) != LM_OK ||
		    (rc = buf_printf(path, "%s/%s/%s", r->dir, p->name, export_index_name(k))))
			return rc;
		if (same_but_archived(buf_cstr(path), page))
			r->st.same++;
		else if ((rc = put_file(r, buf_cstr(path), page)) != LM_OK)
			return rc;
	}
	return LM_OK;
}

/* <period>.txt and <period>.txt.gz next to the period directory. */
static int write_txt(struct run *r, struct export_view *v, const struct export_period *p,
                     struct buf *path, struct buf *page)
{
	struct buf gz;
	char *old = NULL;
	size_t olen = 0;
	int rc;

	buf_reset(page), buf_reset(path);
	if ((rc = export_txt(v, page)) != LM_OK ||
	    (rc = buf_printf(path, "%s/%s.txt", r->dir, p->name)) != LM_OK ||
	    (rc = put_file(r, buf_cstr(path), page)) != LM_OK)
		return rc;
	buf_init(&gz, PAGE_CAP);
	if ((rc = buf_puts(path, ".gz")) != LM_OK)
		goto out;
	if (r->newdir || atomicfile_read(buf_cstr(path), PAGE_CAP, &old, &olen) != LM_OK)
		old = NULL, olen = 0;
	if ((rc = export_gzip_update(old, olen, page->data ? page->data : "", page->len, &gz)) ==
	    LM_OK)
		rc = put_file(r, buf_cstr(path), &gz);
out:
	free(old);
	buf_free(&gz);
	return rc;
}

/* The period directory and its index.html -> thread.html symlink (made once). */
static int period_dir(struct run *r, const char *name, struct buf *path)
{
	struct stat st;
	size_t base;

	buf_reset(path);
	if (buf_printf(path, "%s/%s", r->dir, name) != LM_OK)
		return LM_ENOMEM;
	r->newdir = mkdir(buf_cstr(path), 0755) == 0;
	if (!r->newdir && errno != EEXIST) {
		log_syserr(NULL, "export: cannot create %s", buf_cstr(path));
		return LM_EIO;
	}
	base = path->len;
	if (buf_puts(path, "/index.html") != LM_OK)
		return LM_ENOMEM;
	if (lstat(buf_cstr(path), &st) != 0 && symlink("thread.html", buf_cstr(path)) != 0) {
		log_syserr(NULL, "export: cannot link %s", buf_cstr(path));
		return LM_EIO;
	}
	buf_truncate(path, path->len - base);
	return LM_OK;
}

static int export_period(struct run *r, const struct pinfo *pi)
{
	struct export_period p = {pi->name, NULL, NULL, 0, (int64_t)time(NULL)};
	struct export_view *v = NULL;
	struct buf label, path, page;
	int rc;

	buf_init(&label, 256), buf_init(&path, 8192), buf_init(&page, PAGE_CAP);
	free_articles(r);
	if ((rc = archive_period_articles(r->env, r->list, pi->name, collect_article, r)) !=
	            LM_OK ||
	    (rc = period_label(pi->name, r->freq, &label)) != LM_OK)
		goto out;
	p.label = buf_cstr(&label), p.arts = r->arts, p.n = r->narts;
	if ((rc = export_view_build(&r->l, &p, &v)) != LM_OK ||
	    (rc = period_dir(r, pi->name, &path)) != LM_OK ||
	    (rc = write_pages(r, v, &p, &path, &page)) != LM_OK ||
	    (rc = write_txt(r, v, &p, &path, &page)) != LM_OK)
		goto out;
	r->st.periods++;
	r->st.articles += p.n;
out:
	if (rc != LM_OK)
		log_err(NULL, "export: %s period %s: %s", r->list, pi->name, lm_strerror(rc));
	export_view_free(v);
	buf_free(&label), buf_free(&path), buf_free(&page);
	return rc;
}

static const struct run *toc_run;

static int toc_cmp(const void *a, const void *b)
{
	return period_toc_compare(((const struct pinfo *)a)->name, ((const struct pinfo *)b)->name,
	                          toc_run->freq);
}

/* The text link of a period: the .txt.gz when it exists, else the .txt, else none. */
static int toc_text(struct run *r, const struct pinfo *pi, struct export_toc_row *row,
                    struct buf *names, size_t *off)
{
	struct stat st;
	struct buf path;
	int rc;

	buf_init(&path, 8192);
	*off = SIZE_MAX;
	row->size = 0, row->gz = false;
	if ((rc = buf_printf(&path, "%s/%s.txt.gz", r->dir, pi->name)) != LM_OK)
		goto out;
	if (stat(buf_cstr(&path), &st) == 0)
		row->gz = true;
	else if (buf_truncate(&path, 3), stat(buf_cstr(&path), &st) != 0)
		goto out;
	row->size = (uint64_t)st.st_size;
	*off = names->len;
	rc = buf_printf(names, "%s.txt%s", pi->name, row->gz ? ".gz" : "");
out:
	buf_free(&path);
	return rc;
}

static int write_toc(struct run *r)
{
	size_t n = r->nper ? r->nper : 1, i;
	struct export_toc_row *rows = calloc(n, sizeof(*rows));
	size_t *loff = calloc(n, sizeof(*loff)), *toff = calloc(n, sizeof(*toff));
	struct buf names, labels, page, path;
	int rc = LM_ENOMEM;

	buf_init(&names, PAGE_CAP), buf_init(&labels, PAGE_CAP);
	buf_init(&page, PAGE_CAP), buf_init(&path, 8192);
	if (rows == NULL || loff == NULL || toff == NULL)
		goto out;
	toc_run = r;
	r->newdir = false;
	qsort(r->per, r->nper, sizeof(*r->per), toc_cmp);
	for (i = 0; i < r->nper; i++) {
		loff[i] = labels.len;
		rows[i].name = r->per[i].name;
		if ((rc = toc_text(r, &r->per[i], &rows[i], &names, &toff[i])) != LM_OK ||
		    (rc = period_label(r->per[i].name, r->freq, &labels)) != LM_OK ||
		    (rc = buf_putc(&labels, '\0')) != LM_OK ||
		    (rc = buf_putc(&names, '\0')) != LM_OK)
			goto out;
	}
	for (i = 0; i < r->nper; i++) {
		rows[i].label = labels.data + loff[i];
		rows[i].text = toff[i] == SIZE_MAX ? "" : names.data + toff[i];
	}
	if ((rc = export_toc_page(&r->l, rows, r->nper, &page)) == LM_OK &&
	    (rc = buf_printf(&path, "%s/index.html", r->dir)) == LM_OK)
		rc = put_file(r, buf_cstr(&path), &page);
out:
	free(rows), free(loff), free(toff);
	buf_free(&names), buf_free(&labels), buf_free(&page), buf_free(&path);
	return rc;
}

static int load_list(struct run *r, struct list *l)
{
	r->l.name = list_name(l);
	r->l.real_name = list_get(l, "real_name");
	r->l.address = list_address(l);
	r->l.listinfo = list_get(l, "listinfo_url");
	r->l.subject_prefix = list_get(l, "subject_prefix");
	r->l.charset = list_get(l, "archive_charset");
	r->l.obscure = list_get_bool(l, "obscure_addresses");
	r->tz = list_get(l, "archive_timezone");
	r->freq = (int)list_get_int(l, "archive_volume_frequency");
	if (!r->l.real_name || !r->l.listinfo || !r->l.subject_prefix || !r->l.charset || !r->tz)
		return LM_ECONFIG;
	return LM_OK;
}

/* Whether this directory holds an export of the period (another DIR needs all of them). */
static bool exported_here(const struct run *r, const char *period)
{
	struct buf p;
	struct stat st;
	bool here;

	buf_init(&p, 8192);
	here = buf_printf(&p, "%s/.export-state/%s", r->dir, period) == LM_OK &&
	       stat(buf_cstr(&p), &st) == 0;
	buf_free(&p);
	return here;
}

/* Every changed period (all with full), made durable, then marked exported. */
static int export_periods(struct run *r)
{
	size_t i;
	int rc, dfd;

	for (i = 0; i < r->nper; i++)
		if ((r->full || r->per[i].dirty || !exported_here(r, r->per[i].name)) &&
		    (rc = export_period(r, &r->per[i])) != LM_OK)
			return rc;
	if (r->full && (dfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		syncfs(dfd);
		close(dfd);
	}
	for (i = 0; i < r->nper; i++)
		if (r->per[i].dirty &&
		    (rc = archive_mark_exported_at(r->env, r->list, r->per[i].name,
		                                   r->per[i].count)) != LM_OK)
			return rc;
	return LM_OK;
}

static int attachments(struct run *r, const char *data_dir)
{
	struct buf src, dst;
	int rc;

	buf_init(&src, 8192), buf_init(&dst, 8192);
	if ((rc = buf_printf(&src, "%s/archives/%s/attachments", data_dir, r->l.name)) == LM_OK &&
	    (rc = buf_printf(&dst, "%s/attachments", r->dir)) == LM_OK)
		rc = export_attach(buf_cstr(&src), buf_cstr(&dst), r->full, &r->st.linked);
	if (rc != LM_OK)
		log_err(NULL, "export: %s: cannot link attachments %s -> %s: %s", r->list,
		        buf_cstr(&src), buf_cstr(&dst), lm_strerror(rc));
	buf_free(&src), buf_free(&dst);
	return rc;
}

/* DIR/.export-state: what each period's last export wrote (export_state.c). */
static int make_state_dir(const char *dir)
{
	struct buf p;
	int rc;

	buf_init(&p, 8192);
	if ((rc = buf_printf(&p, "%s/.export-state", dir)) == LM_OK &&
	    mkdir(buf_cstr(&p), 0755) != 0 && errno != EEXIST)
		rc = LM_EIO;
	buf_free(&p);
	return rc;
}

int export_run(struct dbenv *env, const char *data_dir, const char *list, const char *dir,
               bool full, struct export_stats *st)
{
	struct run r = {.env = env, .dir = dir, .full = full};
	struct list *l = NULL;
	size_t i;
	int rc;

	if ((rc = lists_get(env, list, &l)) != LM_OK)
		return rc;
	if ((rc = load_list(&r, l)) != LM_OK)
		goto out;
	r.list = r.l.name;
	export_tz_set(r.tz);
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || make_state_dir(dir) != LM_OK) {
		log_syserr(NULL, "export: cannot create %s", dir);
		rc = LM_EIO;
		goto out;
	}
	if ((rc = archive_periods(env, r.list, collect_period, &r)) != LM_OK ||
	    (rc = export_periods(&r)) != LM_OK || (rc = write_toc(&r)) != LM_OK)
		goto out;
	rc = attachments(&r, data_dir);
out:
	free_articles(&r);
	free(r.arts);
	for (i = 0; i < r.nper; i++)
		free(r.per[i].name);
	free(r.per);
	if (st)
		*st = r.st;
	list_free(l);
	return rc;
}
