/*
 * period.c: pipermail's archive periods (dateToVolName, volNameToDesc, sortarchives) in a
 * list's time zone, read from the zone's TZif file (the process-wide TZ is left alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lmerr.h"
#include "period.h"
#include "tzfile.h"

static const char *const months[12] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
static const char *const quarters[4] = {"First", "Second", "Third", "Fourth"};

/* An IANA name is letters, digits, '/', '_', '-', '+' without "..": never a path trick. */
static int zone_check(const char *tz)
{
	const char *p;

	if (strlen(tz) >= 200 || tz[0] == '/' || strstr(tz, "..") != NULL)
		return LM_EINVAL;
	for (p = tz; *p; p++)
		if (!(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= '0' && *p <= '9') && strchr("/_-+", *p) == NULL)
			return LM_EINVAL;
	return LM_OK;
}

int period_localtime(int64_t epoch, const char *tz, struct tm *tm, char abbr[16])
{
	const struct tzzone *z;
	time_t t = (time_t)epoch;
	int rc;

	/* UTC needs no zone file */
	if (tz == NULL || *tz == '\0' || strcmp(tz, "UTC") == 0) {
		if (gmtime_r(&t, tm) == NULL)
			return LM_EINVAL;
		if (abbr)
			snprintf(abbr, 16, "UTC");
		return LM_OK;
	}
	/* the zone's own TZif file: the process-wide TZ is never touched (threads) */
	if ((rc = zone_check(tz)) != LM_OK || (rc = tzfile_zone(tz, &z)) != LM_OK)
		return rc == LM_ENOMEM ? rc : LM_EINVAL;
	return tzfile_localtime(z, epoch, tm, abbr);
}

int period_name(int64_t epoch, int freq, const char *tz, struct buf *out)
{
	struct tm tm;
	int rc;

	if (freq < PERIOD_YEARLY || freq > PERIOD_DAILY)
		return LM_EINVAL;
	if ((rc = period_localtime(epoch, tz, &tm, NULL)) != LM_OK)
		return rc;
	switch (freq) {
	case PERIOD_YEARLY:
		return buf_printf(out, "%04d", tm.tm_year + 1900);
	case PERIOD_MONTHLY:
		return buf_printf(out, "%04d-%s", tm.tm_year + 1900, months[tm.tm_mon]);
	case PERIOD_QUARTERLY:
		return buf_printf(out, "%04dq%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
	case PERIOD_WEEKLY:
		/* pipermail: localtime(mktime(t) - weekday * 86400), Monday = 0; this can slip
		 * across a DST change exactly as it did there. */
		epoch -= (int64_t)((tm.tm_wday + 6) % 7) * 86400;
		if ((rc = period_localtime(epoch, tz, &tm, NULL)) != LM_OK)
			return rc;
		return buf_printf(out, "Week-of-Mon-%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		                  tm.tm_mday);
	default:
		return buf_printf(out, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		                  tm.tm_mday);
	}
}

/* Parse exactly n digits at s. */
static int digits(const char *s, int n, int *val)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return LM_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return LM_OK;
}

static int month_index(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (strcmp(s, months[i]) == 0)
			return i;
	return -1;
}

/* "YYYYMMDD" at s, exactly, with a plausible month and day. */
static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 8 || digits(s, 4, y) || digits(s + 4, 2, m) || digits(s + 6, 2, d))
		return LM_EINVAL;
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31 ? LM_OK : LM_EINVAL;
}

/* Start of a year/quarter/month period as (year, month index): for the TOC order. */
static int period_start(const char *name, int freq, int *year, int *mon)
{
	int q;

	if (strlen(name) < 4 || digits(name, 4, year) != LM_OK)
		return LM_EINVAL;
	name += 4;
	switch (freq) {
	case PERIOD_YEARLY:
		*mon = 0;
		return *name == '\0' ? LM_OK : LM_EINVAL;
	case PERIOD_MONTHLY:
		*mon = name[0] == '-' ? month_index(name + 1) : -1;
		return *mon >= 0 ? LM_OK : LM_EINVAL;
	case PERIOD_QUARTERLY:
		if (name[0] != 'q' || digits(name + 1, 1, &q) || q < 1 || q > 4 || name[2])
			return LM_EINVAL;
		*mon = (q - 1) * 3;
		return LM_OK;
	default:
		return LM_EINVAL;
	}
}

int period_label(const char *name, int freq, struct buf *out)
{
	int y, m, d;

	switch (freq) {
	case PERIOD_YEARLY:
	case PERIOD_MONTHLY:
		if (period_start(name, freq, &y, &m) != LM_OK)
			return LM_EINVAL;
		return freq == PERIOD_YEARLY ? buf_printf(out, "%04d", y)
		                             : buf_printf(out, "%s %04d", months[m], y);
	case PERIOD_QUARTERLY:
		if (period_start(name, freq, &y, &m) != LM_OK)
			return LM_EINVAL;
		return buf_printf(out, "%s quarter %04d", quarters[m / 3], y);
	case PERIOD_WEEKLY:
		if (strncmp(name, "Week-of-Mon-", 12) != 0 || parse_ymd(name + 12, &y, &m, &d))
			return LM_EINVAL;
		return buf_printf(out, "The Week Of Monday %d %s %04d", d, months[m - 1], y);
	case PERIOD_DAILY:
		if (parse_ymd(name, &y, &m, &d) != LM_OK)
			return LM_EINVAL;
		return buf_printf(out, "%d %s %04d", d, months[m - 1], y);
	default:
		return LM_EINVAL;
	}
}

int period_toc_compare(const char *a, const char *b, int freq)
{
	int ya, ma, yb, mb;

	if (freq <= PERIOD_QUARTERLY && period_start(a, freq, &ya, &ma) == LM_OK &&
	    period_start(b, freq, &yb, &mb) == LM_OK) {
		if (ya != yb)
			return ya > yb ? -1 : 1;
		if (ma != mb)
			return ma > mb ? -1 : 1;
		return 0;
	}
	/* week and day periods (and anything unparseable): reversed string order */
	return -strcmp(a, b);
}
