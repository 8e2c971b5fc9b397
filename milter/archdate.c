/*
 * archdate.c: Mailman's ArchRunner date handling for the archived copy of a live post:
 * X-List-Received-Date always, and Date clobbered when missing, unparseable or off by 15 days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lmerr.h"
#include "pipeline_int.h"

#define SANE_SKEW (15 * 86400) /* ARCHIVER_ALLOWABLE_SANE_DATE_SKEW */

/* ARCHIVER_CLOBBER_DATE_POLICY 2: a missing, unparseable or insane Date is replaced. */
static bool clobber(const char *date, time_t now)
{
	GDateTime *dt;
	gint64 t;

	if (date == NULL || *date == '\0' || (dt = g_mime_utils_header_decode_date(date)) == NULL)
		return true;
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t < (gint64)now - SANE_SKEW || t > (gint64)now + SANE_SKEW;
}

/* email.Utils.formatdate(t): "Mon, 04 Feb 2019 11:34:56 -0000". */
static void formatdate(time_t t, char *out, size_t n)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d -0000", wd[tm.tm_wday % 7], tm.tm_mday,
	         mo[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void remove_all(GMimeObject *o, const char *name)
{
	while (g_mime_object_remove_header(o, name))
		;
}

/* The first arrival time of this post, so a retry dates it the same. */
static int stable_received(struct msgctx *m, const struct list *l, time_t *received)
{
	uint64_t v = (uint64_t)*received;
	struct buf k;
	int rc;

	buf_init(&k, 1100);
	rc = post_key(m, "received", list_name(l), &k);
	if (rc == LM_OK)
		rc = post_remember(m->rt->env, &k, &v);
	if (rc == LM_OK)
		*received = (time_t)v;
	buf_free(&k);
	return rc;
}

int archdate_apply(struct msgctx *m, const struct list *l, GMimeMessage *msg, time_t *received)
{
	GMimeObject *o = GMIME_OBJECT(msg);
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, "Date") : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	char *orig = NULL, date[64];
	int rc = LM_OK;

	if (raw != NULL && (orig = g_strstrip(g_strdup(raw))) == NULL)
		return LM_ENOMEM;
	if (clobber(orig, *received)) {
		if ((rc = stable_received(m, l, received)) != LM_OK) {
			g_free(orig);
			return rc;
		}
		formatdate(*received, date, sizeof(date));
		remove_all(o, "Date");
		remove_all(o, "X-Original-Date");
		g_mime_object_append_header(o, "Date", date, NULL);
		if (orig != NULL && *orig != '\0')
			g_mime_object_append_header(o, "X-Original-Date", orig, NULL);
	}
	g_free(orig);
	formatdate(*received, date, sizeof(date));
	g_mime_object_append_header(o, "X-List-Received-Date", date, NULL);
	return rc;
}
