/*
 * export_article.c: one article page, NNNNNN.html, byte for byte as Mailman 2.1.39's
 * article.html template filled by HyperArch.Article.as_html (spec 3.1).
 */
#include <inttypes.h>
#include <string.h>

#include "export_priv.h"
#include "lmerr.h"

static const char head[] = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n"
                           "<HTML>\n"
                           " <HEAD>\n"
                           "   <TITLE> ";

static const char style[] = "   <META NAME=\"robots\" CONTENT=\"index,nofollow\">\n"
                            "   <style type=\"text/css\">\n"
                            "       pre {\n"
                            "           white-space: pre-wrap;       /* css-2.1, curent FF, "
                            "Opera, Safari */\n"
                            "           }\n"
                            "   </style>\n";

/* mailto:LIST?Subject=Re: RAW&In-Reply-To=MSGID, urllib.quote'd (the & stays bare). */
static int mailto(const struct export_view *v, size_t i, struct buf *out)
{
	const struct article *a = &v->p->arts[i];
	const char *to = v->list->obscure ? v->list->address : a->email;
	const char *subj = v->it[i].subj_raw;
	int rc;

	if ((rc = buf_puts(out, "mailto:")) != LM_OK ||
	    (rc = html_urlquote(out, to, strlen(to))) != LM_OK ||
	    (rc = buf_puts(out, "?Subject=Re%3A%20")) != LM_OK ||
	    (rc = html_urlquote(out, subj, strlen(subj))) != LM_OK ||
	    (rc = buf_puts(out, "&In-Reply-To=")) != LM_OK)
		return rc;
	return html_urlquote(out, a->msgid, strlen(a->msgid));
}

static int quote(const struct export_view *v, struct buf *out, const char *s)
{
	return html_quote(out, s, strlen(s), v->cs);
}

/* The <LINK REL=...> line and the <LI> item of one neighbour (j may be EXPORT_NONE). */
static int neighbour(const struct export_view *v, size_t j, bool next, bool link, struct buf *out)
{
	const char *label;
	int rc;

	if (j == EXPORT_NONE)
		return LM_OK;
	if (link)
		return buf_printf(out, "<LINK REL=\"%s\"  HREF=\"%06" PRIu32 ".html\">",
		                  next ? "Next" : "Previous", v->p->arts[j].seq);
	if (v->list->old_prevnext)
		label = next ? "Next message:" : "Previous message:";
	else
		label = next ? "Next message (by thread):" : "Previous message (by thread):";
	if ((rc = buf_printf(out, "<LI>%s <A HREF=\"%06" PRIu32 ".html\">", label,
	                     v->p->arts[j].seq)) != LM_OK ||
	    (rc = quote(v, out, v->it[j].subject)) != LM_OK)
		return rc;
	return buf_puts(out, "\n</A></li>");
}

static int sorted_by(const struct export_view *v, size_t i, struct buf *out)
{
	uint32_t n = v->p->arts[i].seq;

	return buf_printf(out,
	                  "         <LI> <B>Messages sorted by:</B> \n"
	                  "              <a href=\"date.html#%" PRIu32 "\">[ date ]</a>\n"
	                  "              <a href=\"thread.html#%" PRIu32 "\">[ thread ]</a>\n"
	                  "              <a href=\"subject.html#%" PRIu32 "\">[ subject ]</a>\n"
	                  "              <a href=\"author.html#%" PRIu32 "\">[ author ]</a>\n"
	                  "         </LI>\n"
	                  "       </UL>\n",
	                  n, n, n, n);
}

static int page_head(const struct export_view *v, size_t i, size_t prev, size_t next,
                     struct buf *out)
{
	const struct export_item *it = &v->it[i];
	int rc;

	if ((rc = buf_puts(out, head)) != LM_OK || (rc = quote(v, out, it->subject)) != LM_OK ||
	    (rc = buf_puts(out, "\n   </TITLE>\n   <LINK REL=\"Index\" HREF=\"index.html\" >\n"
	                        "   <LINK REL=\"made\" HREF=\"")) != LM_OK ||
	    (rc = mailto(v, i, out)) != LM_OK || (rc = buf_puts(out, "\">\n")) != LM_OK ||
	    (rc = buf_puts(out, style)) != LM_OK ||
	    (rc = buf_puts(out, "   <META http-equiv=\"Content-Type\" content=\"text/html; "
	                        "charset=")) != LM_OK ||
	    (rc = quote(v, out, v->list->charset)) != LM_OK ||
	    (rc = buf_puts(out, "\">\n   ")) != LM_OK ||
	    (rc = neighbour(v, prev, false, true, out)) != LM_OK ||
	    (rc = buf_puts(out, "\n   ")) != LM_OK ||
	    (rc = neighbour(v, next, true, true, out)) != LM_OK)
		return rc;
	return buf_puts(out, "\n </HEAD>\n <BODY BGCOLOR=\"#ffffff\">\n   <H1>");
}

static int page_top(const struct export_view *v, size_t i, size_t prev, size_t next,
                    struct buf *out)
{
	const struct export_item *it = &v->it[i];
	struct buf date;
	int rc;

	buf_init(&date, 256);
	if ((rc = quote(v, out, it->subject)) != LM_OK || (rc = buf_puts(out, "</H1>\n    <B>")) ||
	    (rc = quote(v, out, it->author)) != LM_OK ||
	    (rc = buf_puts(out, "</B> \n    <A HREF=\"")) != LM_OK ||
	    (rc = mailto(v, i, out)) != LM_OK ||
	    (rc = buf_puts(out, "\"\n       TITLE=\"")) != LM_OK ||
	    (rc = quote(v, out, it->subject)) != LM_OK || (rc = buf_puts(out, "\">")) != LM_OK ||
	    (rc = quote(v, out, it->email)) != LM_OK ||
	    (rc = buf_puts(out, "\n       </A><BR>\n    <I>")) != LM_OK ||
	    (rc = export_ctime(v->p->arts[i].date, &date)) != LM_OK ||
	    (rc = quote(v, out, buf_cstr(&date))) != LM_OK ||
	    (rc = buf_puts(out, "</I>\n    <P><UL>\n        ")) != LM_OK ||
	    (rc = neighbour(v, prev, false, false, out)) != LM_OK ||
	    (rc = buf_puts(out, "\n        ")) != LM_OK ||
	    (rc = neighbour(v, next, true, false, out)) != LM_OK || (rc = buf_putc(out, '\n')) ||
	    (rc = sorted_by(v, i, out)) != LM_OK)
		goto out;
	rc = buf_puts(out, "    <HR>  \n<!--beginarticle-->\n");
out:
	buf_free(&date);
	return rc;
}

/* The body then one blank line before the marker: what a page rewritten once carries. */
static int page_body(const struct export_view *v, size_t i, struct buf *out)
{
	const struct article *a = &v->p->arts[i];
	struct html_body_opts o = {v->cs, v->list->obscure, v->list->listinfo};
	int rc;

	if ((rc = html_body(out, a->body, a->body_len, &o)) != LM_OK)
		return rc;
	return buf_puts(out,
	                "\n\n<!--endarticle-->\n    <HR>\n    <P><UL>\n        <!--threads-->\n\t");
}

static int page_foot(const struct export_view *v, size_t i, size_t prev, size_t next,
                     struct buf *out)
{
	int rc;

	if ((rc = neighbour(v, prev, false, false, out)) != LM_OK ||
	    (rc = buf_puts(out, "\n\t")) != LM_OK ||
	    (rc = neighbour(v, next, true, false, out)) != LM_OK || (rc = buf_putc(out, '\n')) ||
	    (rc = sorted_by(v, i, out)) != LM_OK ||
	    (rc = buf_puts(out, "\n<hr>\n<a href=\"")) != LM_OK ||
	    (rc = quote(v, out, v->list->listinfo)) != LM_OK ||
	    (rc = buf_puts(out, "\">More information about the ")) != LM_OK ||
	    (rc = quote(v, out, v->list->real_name)) != LM_OK)
		return rc;
	return buf_puts(out, "\nmailing list</a><br>\n</body></html>\n");
}

int export_article_page(const struct export_view *v, size_t i, struct buf *out)
{
	size_t k = v->it[i].tpos;
	size_t prev = k > 0 ? v->thread[k - 1] : EXPORT_NONE;
	size_t next = k + 1 < v->p->n ? v->thread[k + 1] : EXPORT_NONE;
	int rc;

	if ((rc = page_head(v, i, prev, next, out)) != LM_OK ||
	    (rc = page_top(v, i, prev, next, out)) != LM_OK || (rc = page_body(v, i, out)) != LM_OK)
		return rc;
	return page_foot(v, i, prev, next, out);
}
