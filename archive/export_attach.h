/*
 * export_attach.h: linking the stored attachment files into an export (export_*.c only).
 */
#ifndef LISTMILTER_EXPORT_ATTACH_H
#define LISTMILTER_EXPORT_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

/**
 * @brief Hard-link every stored file under src that dst lacks (dst/YYYYMMDD/hash8/file);
 * when src is on another filesystem and dst is new, make dst a symlink to src instead.
 * Unless full, a date directory not modified since it was linked is skipped.
 * @param[out] linked how many files were linked.
 * @return LM_OK; LM_EIO; LM_EPERM (another filesystem and dst already has files).
 */
int export_attach(const char *src, const char *dst, bool full, size_t *linked);

#endif
