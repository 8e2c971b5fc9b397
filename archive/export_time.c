/*
 * export_time.c: dates as pipermail printed them (i18n.ctime, time.ctime), in the list's
 * archive_timezone with the zone abbreviation of that moment ("MDT", "CST"), via period.h.
 */
#include <stdio.h>
#include <time.h>

#include "export.h"
#include "lmerr.h"
#include "period.h"

static char zone[256] = "UTC";

void export_tz_set(const char *tz)
{
	snprintf(zone, sizeof(zone), "%s", tz && *tz ? tz : "UTC");
}

static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int export_ctime(int64_t epoch, struct buf *out)
{
	char abbr[16];
	struct tm tm;

	if (period_localtime(epoch, zone, &tm, abbr) != LM_OK)
		return buf_puts(out, "Server Local Time");
	return buf_printf(out, "%s %s %2d %02d:%02d:%02d %s %04d", wd[tm.tm_wday % 7],
	                  mo[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, abbr,
	                  tm.tm_year + 1900);
}

int export_ctime_nozone(int64_t epoch, struct buf *out)
{
	char abbr[16];
	struct tm tm;

	if (period_localtime(epoch, zone, &tm, abbr) != LM_OK)
		return buf_puts(out, "Thu Jan  1 00:00:00 1970");
	return buf_printf(out, "%s %s %2d %02d:%02d:%02d %d", wd[tm.tm_wday % 7],
	                  mo[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	                  tm.tm_year + 1900);
}
