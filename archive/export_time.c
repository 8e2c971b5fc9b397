/*
 * export_time.c: dates as pipermail printed them (i18n.ctime), in the list's archive_timezone
 * with the zone abbreviation of that moment ("MDT", "CST").
 */
#include <stdlib.h>
#include <time.h>

#include "export.h"
#include "lmerr.h"

void export_tz_set(const char *tz)
{
	setenv("TZ", tz && *tz ? tz : "UTC0", 1);
	tzset();
}

int export_ctime(int64_t epoch, struct buf *out)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)epoch;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return buf_puts(out, "Server Local Time");
	return buf_printf(out, "%s %s %2d %02d:%02d:%02d %s %04d", wd[tm.tm_wday % 7],
	                  mo[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	                  tm.tm_zone ? tm.tm_zone : "UTC", tm.tm_year + 1900);
}
