/*
 * scrub_opts.c: struct scrub_opts filled from the site configuration and a list's settings,
 * so the milter and the importer scrub with the same options.
 */
#include <string.h>

#include "config.h"
#include "lists.h"
#include "lmerr.h"
#include "scrub.h"

int scrub_opts_fill(struct scrub_opts *o, const struct config *cfg, const struct list *l,
                    struct buf *root)
{
	const char *name = list_name(l);
	int rc;

	memset(o, 0, sizeof(*o));
	if (!name || !*name || strchr(name, '/') || name[0] == '.' || !cfg->data_dir)
		return LM_EINVAL;
	buf_reset(root);
	if ((rc = buf_printf(root, "%s/archives/%s", cfg->data_dir, name)) != LM_OK)
		return rc;
	o->list_name = name;
	o->host = list_get(l, "host_name") ? list_get(l, "host_name") : list_domain(l);
	o->archive_url = list_get(l, "archive_url");
	o->storage_root = buf_cstr(root);
	o->lcset = list_get(l, "archive_charset");
	o->html_sanitizer = (int)list_get_int(l, "html_sanitizer");
	o->use_filename = list_get_bool(l, "scrub_use_filename");
	o->limits.max_header_bytes = cfg->max_header_bytes;
	o->limits.max_depth = cfg->max_mime_depth;
	o->limits.max_parts = cfg->max_mime_parts;
	o->limits.max_decoded_bytes = cfg->max_decoded_bytes;
	return o->archive_url && o->host ? LM_OK : LM_EINVAL;
}
