/*
 * test_scrub_seed.c: the raw post behind the seed pipermail page (tests/data/scrub/
 * seed-post.eml) scrubbed with scrub_use_filename=yes gives the seed page's text, names and
 * notices (without the digest's -0001 suffixes; the hash directory is ours).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "scrubfx.h"
#include "testutil.h"

static const char *const pdfs[][2] = {
        {"N1834213 - 2018 cybersecurity OEWG resolution.pdf",
         "N1834213-2018cybersecurityOEWGresolution.pdf"},
        {"N1835825 - 2018 cybercrime resolution.pdf", "N1835825-2018cybercrimeresolution.pdf"},
        {"N1832770 - 2018 cybersecurity GGE resoluton.pdf",
         "N1832770-2018cybersecurityGGEresoluton.pdf"},
};

/* The fixture's PDFs are "%PDF-1.4\n% seed fixture " + digit * 100(i+1) + "\n%%EOF\n". */
static size_t pdf_size(size_t i)
{
	return strlen("%PDF-1.4\n% seed fixture ") + 100 * (i + 1) + strlen("\n%%EOF\n");
}

static char *expected_text(const char *url)
{
	char *body_path = testutil_data("scrub/seed-body.txt");
	char *body = testutil_read(body_path, NULL);
	struct buf b;
	size_t i;

	assert_non_null(body);
	buf_init(&b, 1 << 20);
	buf_puts(&b, body);
	buf_printf(&b,
	           "-------------- next part --------------\n"
	           "An HTML attachment was scrubbed...\nURL: <%sattachment.html>\n",
	           url);
	for (i = 0; i < 3; i++)
		buf_printf(
		        &b,
		        "-------------- next part --------------\n"
		        "A non-text attachment was scrubbed...\nName: %s\nType: application/pdf\n"
		        "Size: %zu bytes\nDesc: %s\nURL: <%s%s>\n",
		        pdfs[i][0], pdf_size(i), pdfs[i][0], url, pdfs[i][1]);
	free(body);
	free(body_path);
	return buf_steal(&b, NULL);
}

static void test_seed_post(void **state)
{
	struct scrubfx *f = scrubfx_new();
	char *path = testutil_data("scrub/seed-post.eml");
	char *url = scrubfx_url("20190211", "<seed-post-0001@icann.org>");
	char *want = expected_text(url), *rel, *pdf;
	size_t len, i;

	(void)state;
	f->o.use_filename = true;
	f->o.archive_url = "http://host/pipermail/l/";
	assert_int_equal(scrubfx_run_file(f, path, false), LM_OK);
	assert_string_equal(buf_cstr(&f->r.text), want);
	assert_string_equal(f->r.charset, "utf-8");
	assert_int_equal(f->r.files, 4);
	for (i = 0; i < 3; i++) {
		assert_true(asprintf(&rel, "%s%s", url + strlen("http://host/pipermail/l/"),
		                     pdfs[i][1]) > 0);
		pdf = scrubfx_read(f, rel, &len);
		assert_non_null(pdf);
		assert_int_equal(len, pdf_size(i));
		assert_memory_equal(pdf, "%PDF-1.4\n", 9);
		free(pdf);
		free(rel);
	}
	free(want);
	free(url);
	free(path);
	scrubfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_seed_post),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
