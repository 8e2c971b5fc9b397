/*
 * scrub_rss.c: peak memory of scrubbing a large post. Generates a post with one base64
 * attachment (default 100 MB; with "html" as second argument one big text/html part), then in
 * separate child processes measures the peak RSS of (a) a baseline that only streams the file
 * through GMime's base64 decoder, and (b) the full parse + scrub + atomic store, and prints both
 * and their ratio.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lmerr.h"
#include "scrub.h"

#define LINE_BYTES 57 /* 57 raw bytes -> one 76-character base64 line */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_line(const unsigned char *in, char *out)
{
	int i;

	for (i = 0; i < LINE_BYTES; i += 3) {
		*out++ = b64[in[i] >> 2];
		*out++ = b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*out++ = b64[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*out++ = b64[in[i + 2] & 63];
	}
	*out++ = '\n';
}

static long body_offset; /* where the base64 body starts (the baseline reads from there) */

static bool html_post; /* the big part is an 8-bit text/html part instead */

static void write_b64_body(FILE *fp, size_t total)
{
	unsigned char raw[LINE_BYTES];
	char line[80];
	size_t done, i;
	unsigned seed = 12345;

	for (done = 0; done < total; done += 77) {
		for (i = 0; i < LINE_BYTES; i++)
			raw[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
		b64_line(raw, line);
		fwrite(line, 1, 77, fp);
	}
}

static void write_html_body(FILE *fp, size_t total)
{
	static const char line[] = "<p>\tSome <b>HTML</b> &amp; text, \"quoted\" &lt;x&gt;</p>\n";
	size_t done;

	for (done = 0; done < total; done += sizeof(line) - 1)
		fwrite(line, 1, sizeof(line) - 1, fp);
}

static int generate(const char *path, size_t mb)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fprintf(fp,
	        "From: Big <big@example.com>\nTo: l@lists.example.com\nSubject: big\n"
	        "Date: Mon, 04 Feb 2019 10:00:00 +0000\nMessage-ID: <big@example.com>\n"
	        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"BB\"\n\n"
	        "--BB\nContent-Type: text/plain\n\nSee the attachment.\n--BB\n%s\n",
	        html_post ? "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: "
	                    "8bit\n"
	                  : "Content-Type: application/octet-stream; name=\"big.bin\"\n"
	                    "Content-Transfer-Encoding: base64\n");
	body_offset = ftell(fp);
	if (html_post)
		write_html_body(fp, mb * 1024 * 1024);
	else
		write_b64_body(fp, mb * 1024 * 1024);
	fprintf(fp, "--BB--\n");
	return fclose(fp);
}

static int baseline(const char *path)
{
	int fd = open(path, O_RDONLY);
	GMimeStream *fs, *f;
	GMimeFilter *dec;
	char buf[65536];
	long long n = 0;
	ssize_t got;

	g_mime_init();
	fs = g_mime_stream_fs_new_with_bounds(fd, body_offset, -1);
	f = g_mime_stream_filter_new(fs);
	dec = html_post ? g_mime_filter_dos2unix_new(FALSE)
	                : g_mime_filter_basic_new(GMIME_CONTENT_ENCODING_BASE64, FALSE);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), dec);
	while ((got = g_mime_stream_read(f, buf, sizeof(buf))) >= 0) {
		n += got;
		if (got == 0 && g_mime_stream_eos(f))
			break;
	}
	g_object_unref(dec);
	g_object_unref(f);
	g_object_unref(fs);
	/* The attachment decodes to about 3/4 of the file: the whole file was read. */
	return n > 1024 * 1024 ? 0 : 1;
}

static int scrub(const char *path, const char *root)
{
	struct scrub_opts o = {0};
	struct scrub_result r;
	GMimeMessage *msg = NULL;
	struct buf reason;
	int fd = open(path, O_RDONLY), rc;

	scrub_init();
	o.list_name = "l";
	o.host = "lists.example.com";
	o.archive_url = "http://host/pipermail/l/";
	o.storage_root = root;
	o.lcset = "us-ascii";
	o.html_sanitizer = 1;
	o.limits.max_header_bytes = 65536;
	o.limits.max_depth = 20;
	o.limits.max_parts = 100;
	o.limits.max_decoded_bytes = (size_t)1 << 30;
	buf_init(&reason, 1024);
	scrub_result_init(&r);
	rc = scrub_parse_fd(fd, &o.limits, &msg, &reason);
	if (rc == LM_OK)
		rc = scrub_message(msg, &o, &r, false);
	if (rc == LM_OK && (r.files != 1 || !strstr(buf_cstr(&r.text), "URL: <")))
		rc = LM_EIO;
	if (rc != LM_OK)
		fprintf(stderr, "scrub failed: %s %s\n", lm_strerror(rc), buf_cstr(&reason));
	scrub_result_clear(&r);
	buf_free(&reason);
	if (msg)
		g_object_unref(msg);
	close(fd);
	return rc == LM_OK ? 0 : 1;
}

/* Run one measurement in a child; its peak RSS in KiB, or -1. */
static long measure(int (*fn)(const char *, const char *), const char *path, const char *root,
                    double *secs)
{
	struct rusage ru;
	struct timespec t0, t1;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0)
		_exit(fn(path, root));
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return ru.ru_maxrss;
}

static int baseline_fn(const char *path, const char *root)
{
	(void)root;
	return baseline(path);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 100;
	const char *what = "one base64 attachment";
	char dir[] = "/tmp/scrub_rss-XXXXXX", path[64], root[64], cmd[128];
	struct stat st;
	double tb = 0, ts = 0;
	long base, full;

	html_post = argc > 2 && strcmp(argv[2], "html") == 0;
	if (html_post)
		what = "one 8-bit text/html part, stored escaped (sanitizer 1)";
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/post.eml", dir);
	snprintf(root, sizeof(root), "%s/root", dir);
	if (generate(path, mb) != 0 || stat(path, &st) != 0)
		return 1;
	base = measure(baseline_fn, path, root, &tb);
	full = measure(scrub, path, root, &ts);
	printf("post: %.1f MB (%s)\n", (double)st.st_size / 1048576.0, what);
	printf("baseline (stream + %s only): peak RSS %6.1f MB, %.2f s\n",
	       html_post ? "CRLF filter" : "base64 decode", (double)base / 1024.0, tb);
	printf("scrub (parse + scrub + atomic store):   peak RSS %6.1f MB, %.2f s\n",
	       (double)full / 1024.0, ts);
	if (base > 0 && full > 0)
		printf("ratio scrub/baseline: %.2f; limit 64 MB: %s\n", (double)full / (double)base,
		       full < 64 * 1024 ? "met" : "NOT met");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return base > 0 && full > 0 && full < 64 * 1024 ? 0 : 1;
}
