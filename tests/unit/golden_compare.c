/*
 * golden_compare.c: extracts the fields of pipermail pages and compares them, so a golden
 * test reports how many fields match instead of failing on the first differing byte.
 * The blank lines pipermail grows before <!--endarticle--> on each rewrite are ignored, as is
 * the "(by thread)" wording of older templates.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden_compare.h"
#include "testutil.h"

/* A heap copy of the text between the first `from` (at or after start) and the next `to`. */
static char *between(const char *page, const char *from, const char *to)
{
	const char *a = page ? strstr(page, from) : NULL, *b;
	char *out;

	if (a == NULL)
		return strdup("(none)");
	a += strlen(from);
	if ((b = strstr(a, to)) == NULL)
		return strdup("(unterminated)");
	out = strndup(a, (size_t)(b - a));
	return out;
}

static void field(const char *page, const char *fname, const char *want, const char *got,
                  struct golden_score *s)
{
	s->fields++;
	if (strcmp(want, got) == 0) {
		s->same++;
		return;
	}
	size_t i = 0, from;

	while (want[i] && want[i] == got[i])
		i++;
	from = i > 60 ? i - 60 : 0;
	printf("MISMATCH %s %s at byte %zu:\n  want: %.160s\n  got:  %.160s\n", page, fname, i,
	       want + from, got + from);
}

static void cmp(const char *name, const char *fname, const char *want, const char *got,
                const char *from, const char *to, struct golden_score *s)
{
	char *w = between(want, from, to), *g = between(got, from, to);

	field(name, fname, w, g, s);
	free(w), free(g);
}

/* The address: the text before "\n       </A><BR>" back to the '>' that opens it. */
static char *address(const char *page)
{
	const char *e = strstr(page, "\n       </A><BR>"), *b = e;

	if (e == NULL)
		return strdup("(none)");
	while (b > page && b[-1] != '>')
		b--;
	return strndup(b, (size_t)(e - b));
}

/* A prev/next item's link and subject, whatever the label wording of the template. */
static char *neighbour(const char *page, const char *label)
{
	const char *a = strstr(page, label);

	return between(a ? a : "", "<A HREF=\"", "</A></li>");
}

/* The body without the trailing blank lines a rewrite adds. */
static char *body(const char *page)
{
	char *b = between(page, "<!--beginarticle-->\n", "<!--endarticle-->");
	size_t n = strlen(b);

	while (n > 0 && b[n - 1] == '\n')
		b[--n] = '\0';
	return b;
}

/*
 * Pipermail linked the addresses of a body to the listinfo page. The importer recovers them
 * from the obscured .txt heuristically, so "body" compares the links too and "body-unwrapped"
 * compares the text alone, with address links removed from both pages (in place).
 */
static void unwrap_address_links(char *b, const char *page)
{
	char *li = between(page, "<hr>\n<a href=\"", "\""), open[4096], *p, *e;
	size_t ol;

	snprintf(open, sizeof(open), "<A HREF=\"%s\">", li);
	ol = strlen(open);
	for (p = b; (p = strstr(p, open)) != NULL && (e = strstr(p + ol, "</A>")) != NULL;) {
		if (memmem(p + ol, (size_t)(e - p - ol), " at ", 4) == NULL) {
			p = e; /* a link to a URL that happens to be the listinfo page */
			continue;
		}
		memmove(e, e + 4, strlen(e + 4) + 1);
		memmove(p, p + ol, strlen(p + ol) + 1);
	}
	free(li);
}

void golden_article(const char *name, const char *want, const char *got, struct golden_score *s)
{
	char *w, *g;

	s->pages++;
	cmp(name, "title", want, got, "<TITLE> ", "\n   </TITLE>", s);
	cmp(name, "h1", want, got, "<H1>", "</H1>", s);
	cmp(name, "author", want, got, "    <B>", "</B> \n", s);
	cmp(name, "date", want, got, "    <I>", "</I>\n", s);
	cmp(name, "mailto", want, got, "<LINK REL=\"made\" HREF=\"", "\">", s);
	cmp(name, "prev", want, got, "<LINK REL=\"Previous\"  HREF=\"", "\"", s);
	cmp(name, "next", want, got, "<LINK REL=\"Next\"  HREF=\"", "\"", s);
	w = neighbour(want, "<LI>Previous message"), g = neighbour(got, "<LI>Previous message");
	field(name, "prev-link", w, g, s);
	free(w), free(g);
	w = neighbour(want, "<LI>Next message"), g = neighbour(got, "<LI>Next message");
	field(name, "next-link", w, g, s);
	free(w), free(g);
	cmp(name, "listinfo", want, got, "<hr>\n<a href=\"", "</a><br>", s);
	w = address(want), g = address(got);
	field(name, "address", w, g, s);
	free(w), free(g);
	w = body(want), g = body(got);
	field(name, "body", w, g, s);
	unwrap_address_links(w, want);
	unwrap_address_links(g, got);
	field(name, "body-unwrapped", w, g, s);
	free(w), free(g);
}

/* The entries' order and nesting: every HREF="NNNNNN.html", <UL>, </UL> and comment line. */
static char *skeleton(const char *page)
{
	const char *p = strstr(page ? page : "", "     <ul>\n"), *e;
	size_t cap = strlen(page ? page : "") + 1, n = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	for (; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if ((len >= 4 && (strncmp(p, "<UL>", 4) == 0 || strncmp(p, "</UL>", 5) == 0)) ||
		    strncmp(p, "<!--", 4) == 0 || strncmp(p, "<LI><A HREF=", 12) == 0) {
			memcpy(out + n, p, len);
			n += len;
			out[n++] = '|';
		}
		if (strncmp(p, "    </ul>", 9) == 0)
			break;
	}
	out[n] = '\0';
	return out;
}

void golden_index(const char *name, const char *want, const char *got, struct golden_score *s)
{
	char *w, *g;

	s->pages++;
	cmp(name, "index-title", want, got, "<title>", "</title>", s);
	cmp(name, "starting", want, got, "<b>Starting:</b> <i>", "</i>", s);
	cmp(name, "ending", want, got, "<b>Ending:</b> <i>", "</i>", s);
	cmp(name, "messages", want, got, "<b>Messages:</b> ", "<p>", s);
	w = skeleton(want), g = skeleton(got);
	field(name, "order+nesting", w, g, s);
	free(w), free(g);
}

void golden_period(const char *golden_dir, const char *ours_dir, struct golden_score *s)
{
	DIR *d = opendir(golden_dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".html") != 0 ||
		    strcmp(e->d_name, "index.html") == 0)
			continue;
		char *gp = testutil_path(golden_dir, e->d_name),
		     *op = testutil_path(ours_dir, e->d_name);
		char *want = testutil_read(gp, NULL), *got = testutil_read(op, NULL);
		if (got == NULL) {
			printf("MISSING %s\n", op);
			s->missing++;
		} else if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
			golden_article(e->d_name, want, got, s);
		} else {
			golden_index(e->d_name, want, got, s);
		}
		free(gp), free(op), free(want), free(got);
	}
	closedir(d);
}
