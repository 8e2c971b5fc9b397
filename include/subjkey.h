/*
 * subjkey.h: pipermail's subject normalisation: the leading "Re:" stripping of displayed
 * subjects and the subject key used by subject.html ordering and by subject threading.
 */
#ifndef LISTMILTER_SUBJKEY_H
#define LISTMILTER_SUBJKEY_H

#include "buf.h"

/**
 * @brief pipermail's display stripping (spec 4.3): skip leading `\s*RE\s*(\[\d+\]\s*)?:\s*`
 * repeatedly, case-insensitively. Only Re (not AW/SV/VS) is stripped for display.
 * @param[in] subject the decoded (or raw) subject.
 * @return a pointer into subject after the stripped part; it points at "" when nothing is
 * left (the caller then shows "No subject").
 */
const char *subjkey_strip_re(const char *subject);

/**
 * @brief The subject key (spec 3.2 and 5): display-stripped subject (an empty one becomes
 * "No subject"), every occurrence of the list's subject_prefix removed (its %d matches any
 * number with surrounding blanks), leading whitespace and `((RE|AW|SV|VS)(\[\d+\])?:\s*)+`
 * removed case-insensitively, all ASCII whitespace deleted, then lower-cased (UTF-8 aware).
 * @param[in] subject the decoded subject (UTF-8).
 * @param[in] prefix the list's subject_prefix, or NULL/"" for none.
 * @param[out] out the key is appended.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int subjkey_make(const char *subject, const char *prefix, struct buf *out);

#endif
