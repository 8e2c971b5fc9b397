/*
 * scrub_pending.c: link shim used only while the scrubber is not in the tree (see README):
 * parsing uses GMime directly; scrubbing answers LM_ETEMP (451 4.3.0).
 */
#include <string.h>
#include <unistd.h>

#include "lmerr.h"
#include "scrub.h"

void scrub_init(void)
{
	g_mime_init();
}

void scrub_result_init(struct scrub_result *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, 0);
	buf_init(&r->reason, 0);
}

void scrub_result_clear(struct scrub_result *r)
{
	buf_free(&r->text);
	buf_free(&r->reason);
	g_free(r->charset);
	g_free(r->message_id);
	if (r->scrubbed)
		g_object_unref(r->scrubbed);
	scrub_result_init(r);
}

int scrub_message(GMimeMessage *msg, const struct scrub_opts *o, struct scrub_result *r,
                  bool want_message)
{
	(void)msg, (void)o, (void)r, (void)want_message;
	return LM_ETEMP;
}

int scrub_parse_fd(int fd, const struct scrub_limits *limits, GMimeMessage **out,
                   struct buf *reason)
{
	GMimeStream *st = g_mime_stream_fs_new(dup(fd));
	GMimeParser *p = g_mime_parser_new_with_stream(st);

	(void)limits, (void)reason;
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(st), TRUE);
	*out = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(st);
	return *out ? LM_OK : LM_EPARSE;
}
