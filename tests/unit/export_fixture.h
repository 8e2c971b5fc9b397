/*
 * export_fixture.h: building struct article values by hand for the exporter's tests.
 */
#ifndef LISTMILTER_EXPORT_FIXTURE_H
#define LISTMILTER_EXPORT_FIXTURE_H

#include <stdint.h>

#include "archive.h"

/** @brief Fill an article: every string is copied; parent is a seq or ARTICLE_NO_PARENT. */
void fixture_article(struct article *a, uint32_t seq, int64_t date, uint32_t parent,
                     const char *subject, const char *author, const char *email, const char *msgid,
                     const char *body);

/** @brief Free what fixture_article() allocated. */
void fixture_clear(struct article *a);
#endif
