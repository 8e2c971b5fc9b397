/*
 * import_map.c: the Message-ID -> number map of an existing pipermail tree (import
 * --numbers-from), read from the In-Reply-To= of each article page's mailto link.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "import.h"
#include "lmerr.h"

#define PAGE_HEAD_MAX ((size_t)64 * 1024) /* the mailto link is in the page head */

struct page {
	uint32_t number;
	char *period;
};

/* The pages of one Message-ID, in number order; next is the one the next import takes. */
struct pages {
	struct page *v;
	size_t n, cap, next;
};

struct import_map {
	GHashTable *ids; /* msgid -> struct pages */
	uint32_t next;
	size_t count;
};

static void pages_free(gpointer p)
{
	struct pages *ps = p;
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->v[i].period);
	free(ps->v);
	free(ps);
}

/* Read up to PAGE_HEAD_MAX bytes of a file (NUL-terminated). */
static int read_head(int dirfd, const char *name, struct buf *out)
{
	char chunk[8192];
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc = LM_OK;

	if (fd < 0)
		return LM_EIO;
	buf_reset(out);
	while (rc == LM_OK && out->len < PAGE_HEAD_MAX && (n = read(fd, chunk, sizeof(chunk))) > 0)
		rc = buf_append(out, chunk, (size_t)n);
	close(fd);
	return rc == LM_ETOOBIG ? LM_OK : rc;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* url-unquote the In-Reply-To= value of the page; NULL when there is none. */
static char *page_msgid(const char *html)
{
	const char *p = strstr(html, "In-Reply-To="), *e;
	char *out, *o;

	if (p == NULL)
		return NULL;
	p += 12;
	e = p + strcspn(p, "\"&> \n");
	if (e == p || (out = malloc((size_t)(e - p) + 1)) == NULL)
		return NULL;
	for (o = out; p < e; p++) {
		if (*p == '%' && p + 2 < e + 1 && hexval((unsigned char)p[1]) >= 0 &&
		    hexval((unsigned char)p[2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)p[1]) * 16 +
			              hexval((unsigned char)p[2]));
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* "NNNNNN.html" (6 or more digits): its number. */
static bool page_number(const char *name, uint32_t *n)
{
	size_t d = strspn(name, "0123456789");
	unsigned long v;

	if (d < 6 || d > 9 || strcmp(name + d, ".html") != 0)
		return false;
	v = strtoul(name, NULL, 10);
	*n = (uint32_t)v;
	return true;
}

static void note_number(struct import_map *m, uint32_t n)
{
	if (n >= m->next)
		m->next = n + 1;
}

static int add_page(struct import_map *m, const char *msgid, uint32_t n, const char *period)
{
	struct pages *ps = g_hash_table_lookup(m->ids, msgid);
	struct page *v;

	if (ps == NULL) {
		if ((ps = calloc(1, sizeof(*ps))) == NULL)
			return LM_ENOMEM;
		g_hash_table_insert(m->ids, g_strdup(msgid), ps);
	}
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 1;
		if ((v = realloc(ps->v, cap * sizeof(*v))) == NULL)
			return LM_ENOMEM;
		ps->v = v, ps->cap = cap;
	}
	if ((ps->v[ps->n].period = strdup(period)) == NULL)
		return LM_ENOMEM;
	ps->v[ps->n++].number = n;
	m->count++;
	return LM_OK;
}

/* Index pages: numbers of pages (also those whose page lacks an In-Reply-To). */
static void scan_index(struct import_map *m, const char *html)
{
	const char *p = html;
	uint32_t n;
	char name[32];

	while ((p = strstr(p, "HREF=\"")) != NULL) {
		size_t len = strcspn(p + 6, "\"");
		p += 6;
		if (len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (page_number(name, &n))
				note_number(m, n);
		}
	}
}

static int scan_period(struct import_map *m, int dfd, const char *period, struct buf *b)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	uint32_t n;
	char *id;
	int rc = LM_OK;

	if (d == NULL) {
		close(dfd);
		return LM_EIO;
	}
	while (rc == LM_OK && (e = readdir(d)) != NULL) {
		bool is_page = page_number(e->d_name, &n);
		if (!is_page && strcmp(e->d_name, "date.html") != 0)
			continue;
		if (read_head(dirfd(d), e->d_name, b) != LM_OK)
			continue;
		if (!is_page) {
			scan_index(m, buf_cstr(b));
			continue;
		}
		note_number(m, n);
		if ((id = page_msgid(buf_cstr(b))) != NULL)
			rc = add_page(m, id, n, period);
		free(id);
	}
	closedir(d);
	return rc;
}

static int page_cmp(const void *a, const void *b)
{
	const struct page *x = a, *y = b;

	return x->number < y->number ? -1 : x->number > y->number;
}

static void sort_pages(gpointer k, gpointer v, gpointer unused)
{
	struct pages *ps = v;

	(void)k, (void)unused;
	qsort(ps->v, ps->n, sizeof(*ps->v), page_cmp);
}

int import_map_load(const char *dir, struct import_map **out, struct buf *err)
{
	struct import_map *m = calloc(1, sizeof(*m));
	struct dirent *e;
	struct buf b;
	DIR *d;
	int rc = LM_OK, fd;

	if (m == NULL)
		return LM_ENOMEM;
	m->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pages_free);
	if ((d = opendir(dir)) == NULL) {
		buf_printf(err, "cannot read %s: %s", dir, strerror(errno));
		import_map_free(m);
		return errno == ENOENT ? LM_ENOENT : LM_EIO;
	}
	buf_init(&b, PAGE_HEAD_MAX);
	while (rc == LM_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= 64)
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			rc = scan_period(m, fd, e->d_name, &b);
	}
	closedir(d);
	buf_free(&b);
	if (rc != LM_OK) {
		buf_printf(err, "reading %s: %s", dir, lm_strerror(rc));
		import_map_free(m);
		return rc;
	}
	g_hash_table_foreach(m->ids, sort_pages, NULL);
	*out = m;
	return LM_OK;
}

uint32_t import_map_next(const struct import_map *m)
{
	return m->next;
}

size_t import_map_count(const struct import_map *m)
{
	return m->count;
}

bool import_map_take(struct import_map *m, const char *msgid, uint32_t *number, const char **period)
{
	struct pages *ps = g_hash_table_lookup(m->ids, msgid);
	const struct page *pg;

	if (ps == NULL || ps->n == 0)
		return false;
	/* copies of an id take its pages in order; further retries map to the last one */
	pg = &ps->v[ps->next < ps->n ? ps->next++ : ps->n - 1];
	*number = pg->number;
	*period = pg->period;
	return true;
}

struct import_map *import_map_free(struct import_map *m)
{
	if (m == NULL)
		return NULL;
	if (m->ids)
		g_hash_table_destroy(m->ids);
	free(m);
	return NULL;
}
