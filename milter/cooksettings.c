/*
 * cooksettings.c: fill the CookHeaders/Decorate settings from a list snapshot, in one place,
 * so the transforms themselves stay pure and testable without LMDB.
 */
#include <string.h>

#include "cookheaders.h"
#include "lists.h"
#include "lmerr.h"

static const char *str(const struct list *l, const char *key, const char *def)
{
	const char *v = list_get(l, key);

	return v ? v : def;
}

int cook_settings_from_list(const struct list *l, struct cook_settings *s, struct buf *store)
{
	size_t off;
	int rc;

	cook_settings_defaults(s, list_name(l), str(l, "host_name", ""), str(l, "real_name", ""));
	s->description = str(l, "description", "");
	s->subject_prefix = str(l, "subject_prefix", "");
	s->listinfo_url = str(l, "listinfo_url", "");
	s->archive_url = str(l, "archive_url", "");
	s->reply_to_address = str(l, "reply_to_address", "");
	s->reply_goes_to_list = (int)list_get_int(l, "reply_goes_to_list");
	s->from_is_list = (int)list_get_int(l, "from_is_list");
	s->first_strip_reply_to = list_get_bool(l, "first_strip_reply_to");
	s->archive = list_get_bool(l, "archive");
	s->include_rfc2369_headers = list_get_bool(l, "include_rfc2369_headers");
	s->include_list_post_header = list_get_bool(l, "include_list_post_header");
	s->include_sender_header = list_get_bool(l, "include_sender_header");
	/* Mailman's GetScriptURL('options'): web_page_url + "options/" + list name */
	buf_reset(store);
	rc = buf_printf(store, "%soptions/%s", str(l, "web_page_url", ""), list_name(l));
	off = 0;
	if (rc == LM_OK)
		s->options_url = store->data + off;
	return rc;
}
