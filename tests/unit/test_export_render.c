/*
 * test_export_render.c: the exporter's renderer on hand-made articles: thread order and
 * nesting, index orders, the article page, the .txt, the TOC, hostile strings in every field,
 * and byte-for-byte index pages against the real twisted-python 2021-May pipermail output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "export.h"
#include "export_fixture.h"
#include "lmerr.h"
#include "testutil.h"

#define TP    "[Twisted-Python] "
#define HOWTO "How to get the client ip when it ask a resolution with twisted.names"
#define TRUNK "Does anyone know why trunk is failing CI on PyPy 7.3.4?"
#define NONE  ARTICLE_NO_PARENT

static const struct export_list twisted = {
        .name = "twisted-python",
        .real_name = "Twisted-Python",
        .address = "twisted-python@twistedmatrix.com",
        .listinfo = "https://twistedmatrix.com/cgi-bin/mailman/listinfo/twisted-python",
        .subject_prefix = "[Twisted-Python] ",
        .charset = "utf-8",
        .obscure = true,
};

/* twisted-python 2021-May as pipermail saw it (dates from the thread keys of thread.html). */
static void twisted_may(struct article *a)
{
	const char *c = "contact@benoit-laviale.fr", *t = "trac@twistedmatrix.com";

	fixture_article(&a[0], 65606, 1619851386, NONE, TP HOWTO, c, c, "<a0@x>", "Dear all,\n");
	fixture_article(&a[1], 65607, 1619859525, NONE, TP TRUNK, "Adi Roiban", "adi@roiban.ro",
	                "<a1@x>", "b\n");
	fixture_article(&a[2], 65608, 1619860688, 65606, "Re: " TP HOWTO, "Adi Roiban",
	                "adi@roiban.ro", "<a2@x>", "c\n");
	fixture_article(&a[3], 65609, 1619935515, NONE, TP "Weekly Bug Summary", t, t, "<a3@x>",
	                "d\n");
	fixture_article(&a[4], 65610, 1619938606, 65608, "[Twisted-Python]  " HOWTO, c, c, "<a4@x>",
	                "e\n");
	fixture_article(&a[5], 65611, 1619980106, 65607, "[Twisted-Python]  " TRUNK, "Wim Lewis",
	                "wiml@hhhh.org", "<a5@x>", "f\n");
	fixture_article(&a[6], 65612, 1620540315, 65609, TP "Weekly Bug Summary", t, t, "<a6@x>",
	                "g\n");
	fixture_article(&a[7], 65613, 1621145122, 65609, TP "Weekly Bug Summary", t, t, "<a7@x>",
	                "h\n");
	fixture_article(&a[8], 65614, 1621749916, 65609, TP "Weekly Bug Summary", t, t, "<a8@x>",
	                "i\n");
	fixture_article(&a[9], 65615, 1622354715, 65609, TP "Weekly Bug Summary", t, t, "<a9@x>",
	                "j\n");
}

struct fx {
	struct article a[10];
	struct export_period p;
	struct export_view *v;
};

static void fx_open(struct fx *f)
{
	twisted_may(f->a);
	f->p = (struct export_period){"2021-May", "May 2021", f->a, 10, 1622354730};
	export_tz_set("America/Denver");
	assert_int_equal(export_view_build(&twisted, &f->p, &f->v), LM_OK);
}

static void fx_close(struct fx *f)
{
	size_t i;

	export_view_free(f->v);
	for (i = 0; i < 10; i++)
		fixture_clear(&f->a[i]);
}

static char *render_index(struct fx *f, enum export_index kind)
{
	struct buf b;

	buf_init(&b, 1 << 24);
	assert_int_equal(export_index_page(f->v, kind, &b), LM_OK);
	return buf_steal(&b, NULL);
}

static void test_thread_order(void **state)
{
	static const uint32_t want[] = {65606, 65608, 65610, 65607, 65611,
	                                65609, 65612, 65613, 65614, 65615};
	struct fx f;
	size_t k;
	char *page;

	(void)state;
	fx_open(&f);
	for (k = 0; k < 10; k++)
		assert_int_equal(f.a[export_view_thread_at(f.v, k)].seq, want[k]);
	page = render_index(&f, EXPORT_THREAD);
	assert_non_null(strstr(page, "<UL>\n<!--2 01619851386.65606-01619860688.65608-"
	                             "01619938606.65610- -->\n"));
	assert_non_null(strstr(page, "</I>\n\n</UL>\n</UL>\n<!--0 01619859525.65607- -->\n"));
	free(page);
	fx_close(&f);
}

/* Our index pages equal the real pipermail pages byte for byte. */
static void test_golden_index_pages(void **state)
{
	char *dir = testutil_corpus("golden/twisted-python/2021-May");
	struct fx f;
	enum export_index k;

	(void)state;
	if (dir == NULL) {
		skip();
		return;
	}
	fx_open(&f);
	for (k = EXPORT_THREAD; k <= EXPORT_DATE; k++) {
		char *path = testutil_path(dir, export_index_name(k));
		char *want = testutil_read(path, NULL), *got = render_index(&f, k);
		assert_non_null(want);
		assert_string_equal(got, want);
		free(path), free(want), free(got);
	}
	fx_close(&f);
	free(dir);
}

static char *render_article(struct fx *f, size_t i)
{
	struct buf b;

	buf_init(&b, 1 << 24);
	assert_int_equal(export_article_page(f->v, i, &b), LM_OK);
	return buf_steal(&b, NULL);
}

static void test_article_page(void **state)
{
	struct fx f;
	char *page;

	(void)state;
	fx_open(&f);
	page = render_article(&f, 2); /* 065608: prev 065606, next 065610 */
	assert_non_null(strstr(page, "   <TITLE> " TP HOWTO "\n   </TITLE>\n"));
	assert_non_null(strstr(page,
	                       "<LINK REL=\"made\" HREF=\"mailto:twisted-python%40"
	                       "twistedmatrix.com?Subject=Re%3A%20%5BTwisted-Python%5D%20How"));
	assert_non_null(strstr(page, "&In-Reply-To=%3Ca2%40x%3E\">\n"));
	assert_non_null(strstr(page, "charset=utf-8\">\n   <LINK REL=\"Previous\"  "
	                             "HREF=\"065606.html\">\n   <LINK REL=\"Next\"  "
	                             "HREF=\"065610.html\">\n </HEAD>"));
	assert_non_null(strstr(page, "    <B>Adi Roiban</B> \n"));
	assert_non_null(strstr(page, "\">adi at roiban.ro\n       </A><BR>\n"
	                             "    <I>Sat May  1 03:18:08 MDT 2021</I>\n"));
	assert_non_null(strstr(page,
	                       "<LI>Previous message (by thread): <A HREF=\"065606.html\">" TP HOWTO
	                       "\n</A></li>"));
	assert_non_null(strstr(page, "<a href=\"author.html#65608\">[ author ]</a>"));
	assert_non_null(strstr(page, "<!--beginarticle-->\n<PRE>c\n</PRE>\n\n<!--endarticle-->\n"));
	assert_non_null(strstr(page, "More information about the Twisted-Python\nmailing list"));
	free(page);
	page = render_article(&f, 0); /* first in thread order: no previous */
	assert_non_null(strstr(page, "charset=utf-8\">\n   \n   <LINK REL=\"Next\""));
	assert_non_null(strstr(page, "    <B>contact at benoit-laviale.fr</B> \n"));
	assert_null(strstr(page, "@"));
	free(page);
	fx_close(&f);
}

static void test_golden_article_head(void **state)
{
	char *path = testutil_corpus("golden/twisted-python/2021-May/065608.html");
	char *want, *got, *cut;
	struct fx f;

	(void)state;
	if (path == NULL) {
		skip();
		return;
	}
	fx_open(&f);
	want = testutil_read(path, NULL);
	assert_non_null(want);
	got = render_article(&f, 2);
	/* everything after <H1> up to the body (the mailto subject here is unfolded) */
	cut = strstr(want, "   <H1>");
	*strstr(cut, "    <A HREF") = '\0';
	assert_non_null(strstr(got, cut));
	cut = strstr(strstr(want + strlen(want) + 1, "</A><BR>"), "</A><BR>");
	free(want), free(got);
	fx_close(&f);
	free(path);
}

static void test_txt(void **state)
{
	struct fx f;
	struct buf b, z;
	char back[4096];
	uLongf blen = sizeof(back);
	z_stream zs;

	(void)state;
	fx_open(&f);
	buf_init(&b, 1 << 20);
	assert_int_equal(export_txt(f.v, &b), LM_OK);
	assert_true(strncmp(buf_cstr(&b),
	                    "From contact at benoit-laviale.fr  Sat May  1 00:43:06 2021\n"
	                    "From: contact at benoit-laviale.fr (contact at benoit-laviale.fr)\n"
	                    "Date: Sat, 01 May 2021 08:43:06 +0200\n"
	                    "Subject: [Twisted-Python] How to get the client ip when it ask a "
	                    "resolution with twisted.names\nMessage-ID: <a0@x>\n\nDear all,\n\n"
	                    "From adi at roiban.ro  Sat May  1 02:58:45 2021\n"
	                    "From: adi at roiban.ro (Adi Roiban)\n",
	                    200) == 0);
	assert_non_null(strstr(buf_cstr(&b), "\nSubject: [Twisted-Python] How to get the client"));
	buf_init(&z, 1 << 20);
	assert_int_equal(export_gzip(b.data, b.len, &z), LM_OK);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z.data, zs.avail_in = (uInt)z.len;
	zs.next_out = (Bytef *)back, zs.avail_out = (uInt)blen;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, b.len);
	assert_memory_equal(back, b.data, b.len);
	inflateEnd(&zs);
	buf_free(&b), buf_free(&z);
	fx_close(&f);
}

static char *gunzip_all(const struct buf *z, size_t *n)
{
	static char back[1 << 16];
	z_stream zs;
	int zrc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z->data, zs.avail_in = (uInt)z->len;
	zs.next_out = (Bytef *)back, zs.avail_out = sizeof(back);
	while ((zrc = inflate(&zs, Z_FINISH)) == Z_STREAM_END && zs.avail_in > 0)
		assert_int_equal(inflateReset(&zs), Z_OK); /* next member */
	assert_int_equal(zrc, Z_STREAM_END);
	*n = sizeof(back) - zs.avail_out;
	inflateEnd(&zs);
	return back;
}

/* A grown .txt gets one more gzip member; the same text keeps the same bytes. */
static void test_gzip_update(void **state)
{
	const char *t1 = "From a\n\nfirst\n\n", *t2 = "From a\n\nfirst\n\nFrom b\n\nsecond\n\n";
	struct buf g1, g2, g3, g4;
	size_t n;
	char *back;

	(void)state;
	buf_init(&g1, 1 << 20), buf_init(&g2, 1 << 20), buf_init(&g3, 1 << 20);
	buf_init(&g4, 1 << 20);
	assert_int_equal(export_gzip(t1, strlen(t1), &g1), LM_OK);
	assert_int_equal(export_gzip_update(g1.data, g1.len, t2, strlen(t2), &g2), LM_OK);
	assert_true(g2.len > g1.len);
	assert_memory_equal(g2.data, g1.data, g1.len); /* the old member is kept as it was */
	back = gunzip_all(&g2, &n);
	assert_int_equal(n, strlen(t2));
	assert_memory_equal(back, t2, n);
	assert_int_equal(export_gzip_update(g2.data, g2.len, t2, strlen(t2), &g3), LM_OK);
	assert_int_equal(g3.len, g2.len);
	assert_memory_equal(g3.data, g2.data, g2.len);
	/* an old gzip of another text is ignored */
	assert_int_equal(export_gzip_update(g2.data, g2.len, "other\n", 6, &g4), LM_OK);
	back = gunzip_all(&g4, &n);
	assert_int_equal(n, 6);
	assert_memory_equal(back, "other\n", 6);
	buf_free(&g1), buf_free(&g2), buf_free(&g3), buf_free(&g4);
}

static void test_toc(void **state)
{
	struct export_toc_row rows[] = {{"2021-June", "June 2021", "2021-June.txt.gz", 2100, true},
	                                {"2021-May", "May 2021", "2021-May.txt", 999, false}};
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(export_toc_page(&twisted, rows, 2, &b), LM_OK);
	assert_non_null(strstr(buf_cstr(&b), "     <h1>The Twisted-Python Archives </h1>\n"));
	assert_non_null(strstr(buf_cstr(&b),
	                       "\t    <tr>\n            <td>June 2021:</td>\n            <td>\n"
	                       "              <A href=\"2021-June/thread.html\">[ Thread ]</a>\n"));
	assert_non_null(strstr(buf_cstr(&b),
	                       "<td><A href=\"2021-June.txt.gz\">[ Gzip'd Text 2 KB ]</a></td>"));
	assert_non_null(
	        strstr(buf_cstr(&b), "<td><A href=\"2021-May.txt\">[ Text 999 bytes ]</a>"));
	buf_reset(&b);
	assert_int_equal(export_toc_page(&twisted, rows, 0, &b), LM_OK);
	assert_non_null(strstr(buf_cstr(&b), "<P>Currently, there are no archives. </P>"));
	buf_free(&b);
}

/* Markup in every mail field and in list settings never reaches a page as markup. */
static void test_hostile_fields(void **state)
{
	const char *evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>&{}";
	struct export_list l = twisted;
	struct article a[2];
	struct export_period p = {"2021-May", "May <b>2021</b>", a, 2, 0};
	struct export_view *v;
	struct buf b;
	enum export_index k;
	size_t i;

	(void)state;
	l.real_name = "<b>List</b>";
	l.charset = "us-ascii";
	fixture_article(&a[0], 1, 100, NONE, evil, evil, evil, evil, evil);
	fixture_article(&a[1], 2, 200, 1, evil, evil, "x@y", "<m>", "javascript://%0Aalert(1)\n");
	export_tz_set("");
	assert_int_equal(export_view_build(&l, &p, &v), LM_OK);
	buf_init(&b, 1 << 24);
	for (i = 0; i < 2; i++)
		assert_int_equal(export_article_page(v, i, &b), LM_OK);
	for (k = EXPORT_THREAD; k <= EXPORT_DATE; k++)
		assert_int_equal(export_index_page(v, k, &b), LM_OK);
	assert_null(strstr(buf_cstr(&b), "<script"));
	assert_null(strstr(buf_cstr(&b), "<img"));
	assert_null(strstr(buf_cstr(&b), "<b>List"));
	assert_null(strstr(buf_cstr(&b), "<b>2021"));
	assert_null(strstr(buf_cstr(&b), "\"'>"));
	assert_null(strstr(buf_cstr(&b), "HREF=\"javascript"));
	buf_free(&b);
	export_view_free(v);
	fixture_clear(&a[0]), fixture_clear(&a[1]);
}

/* An author of 500,000 words is sorted "Last, First" in linear time. */
static void test_long_author(void **state)
{
	size_t n = 1000000, i;
	char *name = malloc(n + 1);
	struct article a;
	struct export_period p = {"2021-May", "May 2021", &a, 1, 0};
	struct export_view *v;
	struct buf b;

	(void)state;
	assert_non_null(name);
	for (i = 0; i < n; i += 2)
		name[i] = 'A', name[i + 1] = ' ';
	name[n - 1] = 'Z';
	name[n] = '\0';
	fixture_article(&a, 1, 100, NONE, "s", name, "x@y", "<m>", "b\n");
	assert_int_equal(export_view_build(&twisted, &p, &v), LM_OK);
	buf_init(&b, 1 << 26);
	assert_int_equal(export_index_page(v, EXPORT_AUTHOR, &b), LM_OK);
	assert_non_null(strstr(buf_cstr(&b), "<I>A A A"));
	buf_free(&b);
	export_view_free(v);
	fixture_clear(&a);
	free(name);
}

/* A reply loop (each the other's parent) and a deep chain: no hang, depth capped at 3. */
static void test_thread_loops_and_depth(void **state)
{
	struct article a[8];
	struct export_period p = {"2021-May", "May 2021", a, 8, 0};
	struct export_view *v;
	struct buf b;
	size_t i;

	(void)state;
	fixture_article(&a[0], 10, 100, 11, "x", "A", "a@x", "<0>", "");
	fixture_article(&a[1], 11, 101, 10, "x", "A", "a@x", "<1>", "");
	for (i = 2; i < 8; i++)
		fixture_article(&a[i], (uint32_t)(10 + i), (int64_t)(100 + i), (uint32_t)(9 + i),
		                "y", "B", "b@x", "<n>", "");
	a[2].parent = NONE;
	export_tz_set("");
	assert_int_equal(export_view_build(&twisted, &p, &v), LM_OK);
	buf_init(&b, 1 << 24);
	assert_int_equal(export_index_page(v, EXPORT_THREAD, &b), LM_OK);
	assert_non_null(strstr(buf_cstr(&b), "<!--3 00000000102.12-00000000103.13-00000000104.14-"
	                                     "00000000105.15- -->"));
	assert_non_null(strstr(buf_cstr(&b), "<!--3 00000000102.12-00000000103.13-00000000104.14-"
	                                     "00000000105.15-00000000106.16- -->"));
	assert_non_null(strstr(buf_cstr(&b), "</I>\n\n</UL>\n</UL>\n</UL>\n    </ul>"));
	for (i = 0; i < 8; i++)
		assert_true(export_view_thread_at(v, i) < 8);
	buf_free(&b);
	export_view_free(v);
	for (i = 0; i < 8; i++)
		fixture_clear(&a[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_thread_order),
	        cmocka_unit_test(test_golden_index_pages),
	        cmocka_unit_test(test_article_page),
	        cmocka_unit_test(test_golden_article_head),
	        cmocka_unit_test(test_txt),
	        cmocka_unit_test(test_gzip_update),
	        cmocka_unit_test(test_toc),
	        cmocka_unit_test(test_hostile_fields),
	        cmocka_unit_test(test_thread_loops_and_depth),
	        cmocka_unit_test(test_long_author),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
