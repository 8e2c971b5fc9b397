/*
 * scrubfx.c: the scrubber test fixture (temporary storage root, parse from a descriptor,
 * scrub, read stored files back).
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attstore.h"
#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

struct scrubfx *scrubfx_new(void)
{
	struct scrubfx *f = calloc(1, sizeof(*f));
	char *archives;

	assert_non_null(f);
	scrub_init();
	f->dir = testutil_tmpdir("scrub");
	archives = testutil_path(f->dir, "archives");
	assert_int_equal(mkdir(archives, 0755), 0);
	f->root = testutil_path(archives, "l");
	free(archives);
	f->o.list_name = "l";
	f->o.host = "lists.example.com";
	f->o.archive_url = "http://host/pipermail/l/";
	f->o.storage_root = f->root;
	f->o.lcset = "us-ascii";
	f->o.html_sanitizer = 1;
	f->o.received = 1549887468; /* 2019-02-11 12:17:48 UTC */
	f->o.limits.max_header_bytes = 65536;
	f->o.limits.max_depth = 20;
	f->o.limits.max_parts = 100;
	f->o.limits.max_decoded_bytes = 16 * 1024 * 1024;
	scrub_result_init(&f->r);
	return f;
}

void scrubfx_free(struct scrubfx *f)
{
	scrub_result_clear(&f->r);
	buf_free(&f->r.text);
	buf_free(&f->r.reason);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f->root);
	free(f);
}

int scrubfx_run_file(struct scrubfx *f, const char *path, bool want_message)
{
	GMimeMessage *msg = NULL;
	struct buf reason;
	int fd = open(path, O_RDONLY), rc;

	assert_true(fd >= 0);
	scrub_result_clear(&f->r);
	buf_init(&reason, 1024);
	rc = scrub_parse_fd(fd, &f->o.limits, &msg, &reason);
	snprintf(f->reason, sizeof(f->reason), "%s", buf_cstr(&reason));
	buf_free(&reason);
	close(fd);
	if (rc == LM_OK)
		rc = scrub_message(msg, &f->o, &f->r, want_message);
	if (msg)
		g_object_unref(msg);
	return rc;
}

int scrubfx_run(struct scrubfx *f, const char *msg, bool crlf, bool want_message)
{
	char *path = testutil_path(f->dir, "msg.eml");
	struct buf b;
	const char *p;
	int rc;

	buf_init(&b, 64 * 1024 * 1024);
	for (p = msg; *p; p++) {
		if (*p == '\n' && crlf)
			assert_int_equal(buf_putc(&b, '\r'), LM_OK);
		assert_int_equal(buf_putc(&b, *p), LM_OK);
	}
	testutil_write(path, b.data, b.len);
	buf_free(&b);
	rc = scrubfx_run_file(f, path, want_message);
	unlink(path);
	free(path);
	return rc;
}

char *scrubfx_read(struct scrubfx *f, const char *rel, size_t *len)
{
	char *path = testutil_path(f->root, rel);
	char *data = testutil_read(path, len);

	free(path);
	return data;
}

char *scrubfx_url(const char *datedir, const char *msgid)
{
	char hash8[9], *url;

	assert_int_equal(attstore_hash8(msgid, hash8), LM_OK);
	assert_true(asprintf(&url, "http://host/pipermail/l/attachments/%s/%s/", datedir, hash8) >
	            0);
	return url;
}

static size_t count_n;
static const char *count_suffix;

static int count_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path), s = strlen(count_suffix);

	(void)st, (void)ftw;
	if (flag == FTW_F && n >= s && strcmp(path + n - s, count_suffix) == 0)
		count_n++;
	return 0;
}

size_t scrubfx_count_files(struct scrubfx *f, const char *suffix)
{
	count_n = 0;
	count_suffix = suffix;
	nftw(f->root, count_one, 16, FTW_PHYS);
	return count_n;
}
