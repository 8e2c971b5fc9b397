/*
 * test_scrub_store.c: attachment storage: -NNNN suffixes within one message, retried scrubs
 * reusing their files, never overwriting a different file, confinement (hostile names, planted
 * symlinks), storage failures reported as errors for a tempfail, and the named limits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

#define HDR                                                                                        \
	"From: a@example.com\nSubject: t\nDate: Mon, 04 Feb 2019 10:00:00 +0000\n"                 \
	"Message-ID: <abc@example.com>\nMIME-Version: 1.0\n"                                       \
	"Content-Type: multipart/mixed; boundary=\"BB\"\n\n--BB\nContent-Type: text/plain\n\nhi\n"
#define DIR "attachments/20190204/1f2c3de2/"
#define URL "http://host/pipermail/l/" DIR

static const char two_gifs[] = HDR "--BB\nContent-Type: image/gif\n\nGIF-one\n"
                                   "--BB\nContent-Type: image/gif\n\nGIF-two\n--BB--\n";

static void assert_has(struct scrubfx *f, const char *s)
{
	if (!strstr(buf_cstr(&f->r.text), s))
		fail_msg("missing \"%s\" in:\n%s", s, buf_cstr(&f->r.text));
}

static void assert_file(struct scrubfx *f, const char *name, const char *want)
{
	char *rel = testutil_path(DIR, name);
	size_t len;
	char *got = scrubfx_read(f, rel, &len);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(rel);
}

static void test_suffixes_in_one_message(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_OK);
	assert_has(f, "URL: <" URL "attachment.gif>\n");
	assert_has(f, "URL: <" URL "attachment-0001.gif>\n");
	assert_file(f, "attachment.gif", "GIF-one");
	assert_file(f, "attachment-0001.gif", "GIF-two");
	assert_int_equal(f->r.files, 2);
	scrubfx_free(f);
}

static void test_identical_parts_still_get_two_names(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	assert_int_equal(scrubfx_run(f,
	                             HDR "--BB\nContent-Type: image/gif\n\nSAME\n"
	                                 "--BB\nContent-Type: image/gif\n\nSAME\n--BB--\n",
	                             false, false),
	                 LM_OK);
	assert_file(f, "attachment.gif", "SAME");
	assert_file(f, "attachment-0001.gif", "SAME");
	scrubfx_free(f);
}

static void test_retry_reuses_files(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *first, *stale;

	(void)state;
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_OK);
	first = strdup(buf_cstr(&f->r.text));
	/* The MTA retries after a 4xx, maybe with CRLF this time: same text, no new files. */
	assert_int_equal(scrubfx_run(f, two_gifs, true, false), LM_OK);
	assert_string_equal(buf_cstr(&f->r.text), first);
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_OK);
	assert_string_equal(buf_cstr(&f->r.text), first);
	assert_int_equal(scrubfx_count_files(f, ".gif"), 2);
	assert_int_equal(scrubfx_count_files(f, ""), 3); /* + attachments.lock */
	/* A temporary file a crashed run left behind is swept under the lock. */
	stale = testutil_path(f->root, DIR ".lmtmp-1-2-3");
	testutil_write(stale, "partial", 7);
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_OK);
	assert_int_equal(scrubfx_count_files(f, ""), 3);
	free(stale);
	free(first);
	scrubfx_free(f);
}

/* Concurrent scrubs of copies of one post (the lock in the message directory) agree. */
static void test_concurrent_scrubs(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *path = testutil_path(f->dir, "post.eml");
	pid_t pids[6];
	int i, status, ok;

	(void)state;
	testutil_write(path, two_gifs, strlen(two_gifs));
	for (i = 0; i < 6; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			ok = scrubfx_run_file(f, path, false) == LM_OK &&
			     strstr(buf_cstr(&f->r.text), "URL: <" URL "attachment-0001.gif>\n") &&
			     !strstr(buf_cstr(&f->r.text), "-0002");
			_exit(ok ? 0 : 1);
		}
	}
	for (i = 0; i < 6; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(scrubfx_count_files(f, ".gif"), 2);
	free(path);
	scrubfx_free(f);
}

static void test_different_content_never_overwrites(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *dir = testutil_path(f->root, DIR), *path;

	(void)state;
	/* Another message with the same Message-ID got there first. */
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_OK);
	assert_int_equal(scrubfx_run(f, HDR "--BB\nContent-Type: image/gif\n\nGIF-other\n--BB--\n",
	                             false, false),
	                 LM_OK);
	assert_has(f, "URL: <" URL "attachment-0002.gif>\n");
	assert_file(f, "attachment.gif", "GIF-one");
	assert_file(f, "attachment-0002.gif", "GIF-other");
	/* A symlink planted at a candidate name is neither followed nor reused. */
	path = testutil_path(dir, "attachment.pdf");
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(scrubfx_run(f, HDR "--BB\nContent-Type: application/pdf\n\nPDF\n--BB--\n",
	                             false, false),
	                 LM_OK);
	assert_has(f, "URL: <" URL "attachment-0001.pdf>\n");
	free(path);
	free(dir);
	scrubfx_free(f);
}

static void test_hostile_names_stay_inside(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *outside = testutil_path(f->dir, "archives/passwd.bin");
	struct stat st;

	(void)state;
	f->o.use_filename = true;
	assert_int_equal(
	        scrubfx_run(f,
	                    HDR
	                    "--BB\nContent-Type: application/octet-stream\n"
	                    "Content-Disposition: attachment; filename=\"../../passwd\"\n\nx\n"
	                    "--BB\nContent-Type: application/octet-stream\n"
	                    "Content-Disposition: attachment; filename=\"/tmp/abs\"\n\ny\n"
	                    "--BB\nContent-Type: application/octet-stream\n"
	                    "Content-Disposition: attachment; filename*=utf-8''%2E%2E%2F%00x\n\nz\n"
	                    "--BB\nContent-Type: application/octet-stream\n"
	                    "Content-Disposition: attachment; filename=\"\xd0\x90\xd0\x91\"\n\nw\n"
	                    "--BB--\n",
	                    false, false),
	        LM_OK);
	assert_has(f, "URL: <" URL "passwd.bin>\n");
	assert_has(f, "URL: <" URL "abs.bin>\n");
	assert_has(f, "URL: <" URL ".bin>\n");
	assert_int_equal(stat(outside, &st), -1);
	assert_int_equal(scrubfx_count_files(f, ".bin"), 4);
	free(outside);
	scrubfx_free(f);
}

static void test_symlinked_directory_refused(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *att, *elsewhere = testutil_path(f->dir, "elsewhere");

	(void)state;
	assert_int_equal(mkdir(f->root, 0755), 0);
	assert_int_equal(mkdir(elsewhere, 0755), 0);
	att = testutil_path(f->root, "attachments");
	assert_int_equal(symlink(elsewhere, att), 0);
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_EPERM);
	assert_true(lm_err_is_temporary(LM_EPERM)); /* the milter answers 451 4.3.0 */
	free(att);
	free(elsewhere);
	scrubfx_free(f);
}

static void test_storage_failure_is_an_error(void **state)
{
	struct scrubfx *f = scrubfx_new();

	(void)state;
	/* The storage root is a file: nothing can be stored, the caller must tempfail. */
	testutil_write(f->root, "x", 1);
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_EIO);
	assert_true(lm_err_is_temporary(LM_EIO));
	/* A post without attachments needs no storage. */
	assert_int_equal(scrubfx_run(f, HDR "--BB--\n", false, false), LM_OK);
	scrubfx_free(f);
}

static void test_limits(void **state)
{
	struct scrubfx *f = scrubfx_new();
	struct buf big;
	int i;

	(void)state;
	f->o.limits.max_parts = 3;
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_ETOOBIG);
	assert_non_null(strstr(buf_cstr(&f->r.reason), "MaxMimeParts"));
	f->o.limits.max_parts = 100;
	f->o.limits.max_depth = 1;
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_ETOOBIG);
	assert_non_null(strstr(buf_cstr(&f->r.reason), "MaxMimeDepth"));
	f->o.limits.max_depth = 20;
	f->o.limits.max_decoded_bytes = 10;
	assert_int_equal(scrubfx_run(f, two_gifs, false, false), LM_ETOOBIG);
	assert_non_null(strstr(buf_cstr(&f->r.reason), "MaxDecodedBytes"));
	f->o.limits.max_decoded_bytes = 1 << 20;
	f->o.limits.max_header_bytes = 100;
	buf_init(&big, 1 << 20);
	for (i = 0; i < 20; i++)
		buf_printf(&big, "X-Filler-%d: some header text\n", i);
	buf_puts(&big, "\nbody\n");
	assert_int_equal(scrubfx_run(f, buf_cstr(&big), false, false), LM_ETOOBIG);
	assert_non_null(strstr(f->reason, "MaxHeaderBytes"));
	/* The top header fits, but all part headers together do not. */
	f->o.limits.max_header_bytes = 400;
	buf_reset(&big);
	buf_puts(&big, HDR);
	for (i = 0; i < 10; i++)
		buf_printf(&big,
		           "--BB\nContent-Type: image/gif\nX-Part: %d some header text\n\nG\n", i);
	buf_puts(&big, "--BB--\n");
	assert_int_equal(scrubfx_run(f, buf_cstr(&big), false, false), LM_ETOOBIG);
	assert_non_null(
	        strstr(buf_cstr(&f->r.reason), "headers of all parts exceed MaxHeaderBytes"));
	f->o.limits.max_header_bytes = 4000;
	assert_int_equal(scrubfx_run(f, buf_cstr(&big), false, false), LM_OK);
	buf_free(&big);
	scrubfx_free(f);
}

static void test_deep_nesting(void **state)
{
	struct scrubfx *f = scrubfx_new();
	struct buf m;
	int i;

	(void)state;
	buf_init(&m, 1 << 22);
	buf_puts(&m, "From: a@b\nMessage-ID: <deep@x>\n");
	for (i = 0; i < 5000; i++)
		buf_printf(&m, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	buf_puts(&m, "Content-Type: text/plain\n\ndeep\n");
	assert_int_equal(scrubfx_run(f, buf_cstr(&m), false, false), LM_ETOOBIG);
	assert_non_null(strstr(buf_cstr(&f->r.reason), "MaxMimeDepth"));
	buf_free(&m);
	scrubfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_suffixes_in_one_message),
	        cmocka_unit_test(test_identical_parts_still_get_two_names),
	        cmocka_unit_test(test_retry_reuses_files),
	        cmocka_unit_test(test_concurrent_scrubs),
	        cmocka_unit_test(test_different_content_never_overwrites),
	        cmocka_unit_test(test_hostile_names_stay_inside),
	        cmocka_unit_test(test_symlinked_directory_refused),
	        cmocka_unit_test(test_storage_failure_is_an_error),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
