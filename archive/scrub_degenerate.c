/*
 * scrub_degenerate.c: a multipart whose boundary never shows up. GMime keeps its text as the
 * prologue of an empty multipart; Python's parser keeps it as the payload of a leaf, which
 * the scrubber then stores like any other part. This makes the same leaf for scrub_part().
 */
#include <string.h>

#include "lmerr.h"
#include "scrub_int.h"

bool scrub_degenerate(GMimeObject *obj)
{
	const char *pro;

	if (!GMIME_IS_MULTIPART(obj) || g_mime_multipart_get_count(GMIME_MULTIPART(obj)) > 0)
		return false;
	pro = g_mime_multipart_get_prologue(GMIME_MULTIPART(obj));
	return pro && *pro;
}

static void degenerate_headers(GMimeObject *from, GMimeObject *to)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(from);
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0;
	GMimeHeader *h;

	for (i = 0; i < n; i++)
		if ((h = g_mime_header_list_get_header_at(hl, i)) && g_mime_header_get_value(h))
			g_mime_object_set_header(to, g_mime_header_get_name(h),
			                         g_mime_header_get_value(h), NULL);
}

int scrub_part_degenerate(struct scrub_ctx *c, GMimeObject *obj, bool outer)
{
	const char *pro = g_mime_multipart_get_prologue(GMIME_MULTIPART(obj));
	GMimePart *leaf = g_mime_part_new();
	GMimeStream *ms = g_mime_stream_mem_new_with_buffer(pro, strlen(pro));
	GMimeDataWrapper *w =
	        g_mime_data_wrapper_new_with_stream(ms, GMIME_CONTENT_ENCODING_DEFAULT);
	int rc;

	degenerate_headers(obj, GMIME_OBJECT(leaf));
	g_mime_part_set_content(leaf, w);
	rc = scrub_part(c, GMIME_OBJECT(leaf), outer);
	g_object_unref(w);
	g_object_unref(ms);
	g_object_unref(leaf);
	return rc;
}
