/*
 * archive_list.c: archiving one post for a named list: its settings from the lists store,
 * then a batch of one through archive_append_batch().
 */
#include <stdlib.h>

#include "archive.h"
#include "lists.h"
#include "lmerr.h"

int archive_conf_load(struct dbenv *env, const char *list, struct list **l,
                      struct archive_conf *conf)
{
	int rc;

	if ((rc = lists_get(env, list, l)) != LM_OK)
		return rc;
	conf->freq = (int)list_get_int(*l, "archive_volume_frequency");
	conf->tz = list_get(*l, "archive_timezone");
	conf->subject_prefix = list_get(*l, "subject_prefix");
	return LM_OK;
}

static int append_one(struct dbenv *env, const char *list, struct archive_item it, bool *existed)
{
	struct archive_conf conf;
	struct list *l = NULL;
	int rc;

	if ((rc = archive_conf_load(env, list, &l, &conf)) == LM_OK)
		rc = archive_append_batch(env, list_name(l), &conf, &it, 1);
	if (rc == LM_OK)
		rc = it.rc;
	if (rc == LM_OK && existed)
		*existed = it.existed;
	list_free(l);
	return rc;
}

int archive_append(struct dbenv *env, const char *list, struct article *a, uint32_t number,
                   bool *existed)
{
	return append_one(env, list, (struct archive_item){.a = a, .number = number}, existed);
}

int archive_post(struct dbenv *env, const char *list, struct article *a, bool *existed)
{
	return append_one(env, list, (struct archive_item){.a = a, .live = true}, existed);
}
