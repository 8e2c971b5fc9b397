/*
 * tzfile.h: private to period.c: local time in a named zone read from its TZif file, without
 * touching the process-wide TZ (listmilter is multi-threaded; setenv() is not thread-safe).
 */
#ifndef LISTMILTER_TZFILE_H
#define LISTMILTER_TZFILE_H

#include <stdint.h>
#include <time.h>

struct tzzone;

/**
 * @brief The zone of an IANA name, loaded once and cached for the life of the process.
 * @return LM_OK; LM_EINVAL (bad name, no such zone, unreadable or malformed file); LM_ENOMEM.
 */
int tzfile_zone(const char *name, const struct tzzone **out);

/**
 * @brief Broken-down local time of epoch in a zone, and the zone abbreviation.
 * @return LM_OK; LM_EINVAL (out of range).
 */
int tzfile_localtime(const struct tzzone *z, int64_t epoch, struct tm *tm, char abbr[16]);

#endif
