/*
 * export_index.c: a period's four index pages (thread, subject, author, date) as
 * archidxhead/archidxentry/archidxfoot print them, with the thread nesting of spec 5.
 */
#include <inttypes.h>
#include <string.h>

#include "export_priv.h"
#include "lmerr.h"

#define THREADLEVELS 3

static const char *const kind_word[] = {"thread", "subject", "author", "date"};

const char *export_index_name(enum export_index kind)
{
	static const char *const names[] = {"thread.html", "subject.html", "author.html",
	                                    "date.html"};
	return names[kind];
}

static int quote(const struct export_view *v, struct buf *out, const char *s)
{
	return html_quote(out, s, strlen(s), v->cs);
}

static int qtime(const struct export_view *v, struct buf *out, int64_t t)
{
	struct buf d;
	int rc;

	buf_init(&d, 256);
	if ((rc = export_ctime(t, &d)) == LM_OK)
		rc = quote(v, out, buf_cstr(&d));
	buf_free(&d);
	return rc;
}

/* The four "[ type ]" links, the page's own one left empty. */
static int refs(struct buf *out, enum export_index kind)
{
	static const char *const lead[] = {"\t        ", "\n\t\t", "\n\t\t", "\n\t\t"};
	int k, rc;

	for (k = 0; k < 4; k++) {
		if ((rc = buf_puts(out, lead[k])) != LM_OK)
			return rc;
		if ((enum export_index)k != kind &&
		    (rc = buf_printf(out, "<a href=\"%s.html#start\">[ %s ]</a>", kind_word[k],
		                     kind_word[k])) != LM_OK)
			return rc;
	}
	return buf_putc(out, '\n');
}

static int more_info(const struct export_view *v, struct buf *out)
{
	int rc;

	if ((rc = buf_puts(out, "\t     <li><b><a href=\"")) != LM_OK ||
	    (rc = quote(v, out, v->list->listinfo)) != LM_OK)
		return rc;
	return buf_puts(out, "\">More info on this list...\n                    </a></b></li>\n");
}

static int head(const struct export_view *v, enum export_index kind, struct buf *out)
{
	int rc;

	if ((rc = buf_puts(out,
	                   "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n"
	                   "<HTML>\n  <HEAD>\n     <title>The ")) != LM_OK ||
	    (rc = quote(v, out, v->list->real_name)) != LM_OK || (rc = buf_putc(out, ' ')) ||
	    (rc = quote(v, out, v->p->label)) != LM_OK ||
	    (rc = buf_printf(out, " Archive by %s</title>\n", kind_word[kind])) != LM_OK ||
	    (rc = buf_puts(out, "     <META NAME=\"robots\" CONTENT=\"noindex,follow\">\n"
	                        "     <META http-equiv=\"Content-Type\" content=\"text/html; "
	                        "charset=")) != LM_OK ||
	    (rc = quote(v, out, v->list->charset)) != LM_OK ||
	    (rc = buf_puts(out, "\">\n  </HEAD>\n  <BODY BGCOLOR=\"#ffffff\">\n"
	                        "      <a name=\"start\"></A>\n      <h1>")) != LM_OK ||
	    (rc = quote(v, out, v->p->label)) != LM_OK ||
	    (rc = buf_printf(out,
	                     " Archives by %s</h1>\n      <ul>\n"
	                     "         <li> <b>Messages sorted by:</b>\n",
	                     kind_word[kind])) != LM_OK ||
	    (rc = refs(out, kind)) != LM_OK || (rc = buf_putc(out, '\n')) != LM_OK ||
	    (rc = more_info(v, out)) != LM_OK ||
	    (rc = buf_puts(out, "      </ul>\n      <p><b>Starting:</b> <i>")) != LM_OK ||
	    (rc = qtime(v, out, v->first)) != LM_OK ||
	    (rc = buf_puts(out, "</i><br>\n         <b>Ending:</b> <i>")) != LM_OK ||
	    (rc = qtime(v, out, v->last)) != LM_OK)
		return rc;
	return buf_printf(out, "</i><br>\n         <b>Messages:</b> %zu<p>\n     <ul>\n\n",
	                  v->p->n);
}

static int foot(const struct export_view *v, enum export_index kind, struct buf *out)
{
	int rc;

	if ((rc = buf_puts(out, "    </ul>\n    <p>\n      <a name=\"end\"><b>Last message "
	                        "date:</b></a> \n       <i>")) != LM_OK ||
	    (rc = qtime(v, out, v->last)) != LM_OK ||
	    (rc = buf_puts(out, "</i><br>\n    <b>Archived on:</b> <i>")) != LM_OK ||
	    (rc = qtime(v, out, v->p->archived)) != LM_OK ||
	    (rc = buf_puts(out, "</i>\n    <p>\n   <ul>\n         <li> <b>Messages sorted "
	                        "by:</b>\n")) != LM_OK ||
	    (rc = refs(out, kind)) != LM_OK || (rc = more_info(v, out)) != LM_OK)
		return rc;
	return buf_puts(out, "     </ul>\n     <p>\n     <hr>\n     <i>This archive was generated "
	                     "by\n     Pipermail 0.09 (Mailman edition).</i>\n  </BODY>\n"
	                     "</HTML>\n\n");
}

/* archidxentry.html plus print's newline; subject and author through CGIescape. */
static int entry(const struct export_view *v, size_t i, struct buf *out)
{
	const struct export_item *it = &v->it[i];
	uint32_t seq = v->p->arts[i].seq;
	int rc;

	if ((rc = buf_printf(out, "<LI><A HREF=\"%06" PRIu32 ".html\">", seq)) != LM_OK ||
	    (rc = html_cgiescape(out, it->subject, strlen(it->subject), v->cs)) != LM_OK ||
	    (rc = buf_printf(out, "\n</A><A NAME=\"%" PRIu32 "\">&nbsp;</A>\n<I>", seq)) != LM_OK ||
	    (rc = html_cgiescape(out, it->author, strlen(it->author), v->cs)) != LM_OK)
		return rc;
	return buf_puts(out, "\n</I>\n\n");
}

static int thread_entries(const struct export_view *v, struct buf *out)
{
	unsigned cur = 0, d;
	size_t k, i;
	int rc;

	for (k = 0; k < v->p->n; k++) {
		i = v->thread[k];
		d = v->it[i].depth > THREADLEVELS ? THREADLEVELS : v->it[i].depth;
		for (; cur > d; cur--)
			if ((rc = buf_puts(out, "</UL>\n")) != LM_OK)
				return rc;
		for (; cur < d; cur++)
			if ((rc = buf_puts(out, "<UL>\n")) != LM_OK)
				return rc;
		if ((rc = buf_printf(out, "<!--%u ", d)) != LM_OK ||
		    (rc = export_thread_key(v, i, out)) != LM_OK ||
		    (rc = buf_puts(out, " -->\n")) != LM_OK || (rc = entry(v, i, out)) != LM_OK)
			return rc;
	}
	for (; cur > 0; cur--)
		if ((rc = buf_puts(out, "</UL>\n")) != LM_OK)
			return rc;
	return LM_OK;
}

int export_index_page(const struct export_view *v, enum export_index kind, struct buf *out)
{
	const size_t *order = kind == EXPORT_DATE      ? v->bydate
	                      : kind == EXPORT_SUBJECT ? v->bysubject
	                                               : v->byauthor;
	size_t k;
	int rc;

	if ((rc = head(v, kind, out)) != LM_OK)
		return rc;
	if (kind == EXPORT_THREAD)
		rc = thread_entries(v, out);
	else
		for (k = 0; k < v->p->n && rc == LM_OK; k++)
			rc = entry(v, order[k], out);
	if (rc != LM_OK)
		return rc;
	return foot(v, kind, out);
}
