/*
 * decorate_bench.c: time of CookHeaders + Decorate on large posts against baselines measured
 * in the same run (a plain copy of the body; base64-encoding it), printed as ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cookheaders.h"
#include "decorate.h"
#include "lmerr.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A body of about mb megabytes: 76-column lines of text (optionally with UTF-8). */
static char *make_text(size_t mb, bool utf8, size_t *len)
{
	struct buf b;

	buf_init(&b, (mb + 1) << 20);
	while (b.len < mb << 20)
		if (buf_puts(&b, utf8 ? "Gr\xc3\xbc\xc3\x9f"
		                        "e aus M\xc3\xbcnchen, the quick brown fox jumps over it.\n"
		                      : "The quick brown fox jumps over the lazy dog, again and "
		                        "again.\n"))
			exit(1);
	return buf_steal(&b, len);
}

static char *make_mixed(size_t mb, size_t *len)
{
	struct buf b;
	size_t n;
	char *raw = make_text(mb * 3 / 4, false, &n);
	gchar *enc = g_base64_encode((const guchar *)raw, n);

	buf_init(&b, (mb + 2) << 20);
	if (buf_puts(&b, "--b1\nContent-Type: text/plain\n\nhello\n\n--b1\nContent-Type: "
	                 "application/octet-stream\nContent-Transfer-Encoding: base64\n\n") ||
	    buf_puts(&b, enc) || buf_puts(&b, "\n--b1--\n"))
		exit(1);
	g_free(enc);
	free(raw);
	return buf_steal(&b, len);
}

static double run(const struct hdr_field *f, size_t nf, const char *body, size_t len, int reps)
{
	struct cook_settings cs;
	struct decorate_settings ds = {.msg_header = "",
	                               .msg_footer = "-- \n%(real_name)s mailing list\n",
	                               .real_name = "Bench",
	                               .list_name = "bench",
	                               .host_name = "example.com",
	                               .web_page_url = "http://example.com/mailman/",
	                               .description = "",
	                               .info = "",
	                               .cgiext = "",
	                               .charset = "us-ascii"};
	struct hdr_list h = {f, nf};
	double t0 = now();

	cook_settings_defaults(&cs, "bench", "example.com", "Bench");
	cs.subject_prefix = "[Bench] ";
	cs.from_is_list = 1;
	for (int i = 0; i < reps; i++) {
		struct hdr_edits e;
		struct buf out;
		hdr_edits_init(&e);
		buf_init(&out, (size_t)1 << 31);
		if (cook_headers(&cs, &h, "a@example.org", NULL, "bench", &e) ||
		    decorate_body(&ds, &h, body, len, "bench", &out, &e))
			exit(1);
		hdr_edits_free(&e);
		buf_free(&out);
	}
	return (now() - t0) / reps;
}

static double copy_baseline(const char *body, size_t len, int reps)
{
	double t0 = now();

	for (int i = 0; i < reps; i++) {
		char *c = malloc(len);
		if (c == NULL)
			exit(1);
		memcpy(c, body, len);
		__asm__ volatile("" : : "r"(c) : "memory");
		free(c);
	}
	return (now() - t0) / reps;
}

static double b64_baseline(const char *body, size_t len, int reps)
{
	double t0 = now();

	for (int i = 0; i < reps; i++)
		g_free(g_base64_encode((const guchar *)body, len));
	return (now() - t0) / reps;
}

int main(int argc, char **argv)
{
	static const struct hdr_field plain[] = {
	        {"From", "Ann <ann@example.org>"},
	        {"Subject", "Re: [Bench] a large post"},
	        {"Content-Type", "text/plain; charset=utf-8"},
	        {"Content-Transfer-Encoding", "8bit"},
	};
	static const struct hdr_field mixed[] = {
	        {"From", "Ann <ann@example.org>"},
	        {"Subject", "a large attachment"},
	        {"MIME-Version", "1.0"},
	        {"Content-Type", "multipart/mixed; boundary=\"b1\""},
	};
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 20, len;
	int reps = 3;
	char *body;
	double t, base;

	g_mime_init();
	body = make_text(mb, true, &len);
	t = run(plain, 4, body, len, reps);
	base = b64_baseline(body, len, reps);
	printf("text/plain UTF-8 %zu MB (decode, add footer, base64): %.3f s; base64 alone %.3f s; "
	       "ratio %.2f\n",
	       mb, t, base, t / base);
	free(body);
	body = make_mixed(mb, &len);
	t = run(mixed, 4, body, len, reps);
	base = copy_baseline(body, len, reps);
	printf("multipart/mixed %zu MB (footer part inserted): %.3f s; copy alone %.3f s; "
	       "ratio %.2f\n",
	       mb, t, base, t / base);
	free(body);
	g_mime_shutdown();
	return 0;
}
