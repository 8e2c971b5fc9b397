/*
 * export_toc.c: the list's table of contents, <archive>/index.html (archtocnombox.html with
 * archliststart/archtocentry/archlistend, spec 3.3).
 */
#include <inttypes.h>
#include <string.h>

#include "export_priv.h"
#include "lmerr.h"

/* HyperArch.sizeof(): decimal units, integer division, a space on either side. */
static int put_size(struct buf *out, uint64_t size)
{
	if (size < 1000)
		return buf_printf(out, " %" PRIu64 " bytes ", size);
	if (size < 1000000)
		return buf_printf(out, " %" PRIu64 " KB ", size / 1000);
	return buf_printf(out, " %" PRIu64 " MB ", size / 1000000);
}

static int row(const struct export_toc_row *r, enum html_cs cs, struct buf *out)
{
	static const char *const kinds[] = {"thread", "Thread", "subject", "Subject",
	                                    "author", "Author", "date",    "Date"};
	int k, rc;

	if ((rc = buf_puts(out, "\n\t    <tr>\n            <td>")) != LM_OK ||
	    (rc = html_quote(out, r->label, strlen(r->label), cs)) != LM_OK ||
	    (rc = buf_puts(out, ":</td>\n            <td>\n")) != LM_OK)
		return rc;
	for (k = 0; k < 8; k += 2)
		if ((rc = buf_printf(out, "              <A href=\"%s/%s.html\">[ %s ]</a>\n",
		                     r->name, kinds[k], kinds[k + 1])) != LM_OK)
			return rc;
	if ((rc = buf_puts(out, "            </td>\n            ")) != LM_OK)
		return rc;
	if (r->text[0] != '\0' &&
	    ((rc = buf_printf(out, "<td><A href=\"%s\">[ %s", r->text,
	                      r->gz ? "Gzip'd Text" : "Text")) != LM_OK ||
	     (rc = put_size(out, r->size)) != LM_OK || (rc = buf_puts(out, "]</a></td>")) != LM_OK))
		return rc;
	return buf_puts(out, "\n            </tr>\n\n");
}

int export_toc_page(const struct export_list *l, const struct export_toc_row *rows, size_t n,
                    struct buf *out)
{
	enum html_cs cs = html_charset_id(l->charset);
	size_t i;
	int rc;

	if ((rc = buf_puts(out,
	                   "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n"
	                   "<HTML>\n  <HEAD>\n     <title>The ")) != LM_OK ||
	    (rc = html_quote(out, l->real_name, strlen(l->real_name), cs)) != LM_OK ||
	    (rc = buf_puts(out,
	                   " Archives</title>\n     <META NAME=\"robots\" "
	                   "CONTENT=\"noindex,follow\">\n     <META http-equiv=\"Content-Type\" "
	                   "content=\"text/html; charset=")) != LM_OK ||
	    (rc = html_quote(out, l->charset, strlen(l->charset), cs)) != LM_OK ||
	    (rc = buf_puts(out, "\">\n  </HEAD>\n  <BODY BGCOLOR=\"#ffffff\">\n     <h1>The ")) ||
	    (rc = html_quote(out, l->real_name, strlen(l->real_name), cs)) != LM_OK ||
	    (rc = buf_puts(out, " Archives </h1>\n     <p>\n      You can get <a href=\"")) !=
	            LM_OK ||
	    (rc = html_quote(out, l->listinfo, strlen(l->listinfo), cs)) != LM_OK ||
	    (rc = buf_puts(out, "\">more information about this list</a>.\n     </p>\n     ")))
		return rc;
	if (n == 0)
		return buf_puts(out,
		                "<P>Currently, there are no archives. </P>\n     \n     \n     \n"
		                "     </BODY>\n     </HTML>\n");
	if ((rc = buf_puts(out, "\n     \t<table border=3>\n          <tr><td>Archive</td>\n"
	                        "          <td>View by:</td>\n"
	                        "          <td>Downloadable version</td></tr>\n\n     ")) != LM_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = row(&rows[i], cs, out)) != LM_OK)
			return rc;
	return buf_puts(out, "\n              </table>\n\n     </BODY>\n     </HTML>\n");
}
