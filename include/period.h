/*
 * period.h: pipermail's archive periods (archive_volume_frequency 0-4): directory names,
 * human labels and the TOC order, computed in a list's archive_timezone.
 */
#ifndef LISTMILTER_PERIOD_H
#define LISTMILTER_PERIOD_H

#include <stdint.h>

#include "buf.h"

/** archive_volume_frequency values (Mailman's). */
enum period_freq {
	PERIOD_YEARLY = 0,
	PERIOD_MONTHLY = 1,
	PERIOD_QUARTERLY = 2,
	PERIOD_WEEKLY = 3,
	PERIOD_DAILY = 4
};

/**
 * @brief The period directory name of a date: "2019", "2019-February", "2019q1",
 * "Week-of-Mon-20190204", "20190204".
 * @param[in] epoch the article date.
 * @param[in] freq the frequency.
 * @param[in] tz an IANA zone name ("" or NULL: UTC).
 * @param[out] out appended to.
 * @return LM_OK; LM_EINVAL (bad frequency or zone); LM_ETOOBIG; LM_ENOMEM.
 */
int period_name(int64_t epoch, int freq, const char *tz, struct buf *out);

/**
 * @brief The human label of a period name: "February 2019", "First quarter 2019",
 * "The Week Of Monday 4 February 2019", "4 February 2019", "2019".
 * @return LM_OK; LM_EINVAL (not a period name of that frequency); LM_ETOOBIG; LM_ENOMEM.
 */
int period_label(const char *name, int freq, struct buf *out);

/**
 * @brief Order of two period names in the table of contents (newest first), as pipermail
 * sorts them: by start date for year, quarter and month; by name for week and day.
 * @return <0 when a comes first, 0, >0.
 */
int period_toc_compare(const char *a, const char *b, int freq);

/**
 * @brief Local time in a zone, for pages: broken-down time and the zone abbreviation
 * ("CET", "MDT") that pipermail printed.
 * @param[in] epoch seconds. @param[in] tz zone name ("" or NULL: UTC).
 * @param[out] tm filled. @param[out] abbr the abbreviation (at least 16 bytes).
 * The zone is read once from /usr/share/zoneinfo/<tz> (TZif) and cached; the process-wide TZ
 * is never changed, so this is safe in any thread.
 * @return LM_OK; LM_EINVAL (unknown zone); LM_ENOMEM.
 */
struct tm;
int period_localtime(int64_t epoch, const char *tz, struct tm *tm, char abbr[16]);

#endif
