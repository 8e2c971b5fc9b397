/*
 * kvrec.h: a tiny record format for LMDB values: "key\0value\0" pairs, in order.
 * Used where a record is a small set of named text fields (list settings, member flags).
 */
#ifndef LISTMILTER_KVREC_H
#define LISTMILTER_KVREC_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/**
 * @brief Append one pair. Keys and values must not contain NUL.
 * @return LM_OK; LM_EINVAL (a NUL inside key or value); LM_ETOOBIG; LM_ENOMEM.
 */
int kvrec_put(struct buf *rec, const char *key, const char *value);

/**
 * @brief Step through a record.
 * @param[in] data the record bytes (an LMDB value: not NUL-terminated).
 * @param[in] len its length.
 * @param[in,out] pos where to start; advanced past the pair. Start at 0.
 * @param[out] key, klen, value, vlen the pair (pointers into data).
 * @return true when a pair was read; false at the end or on a malformed record.
 */
bool kvrec_next(const void *data, size_t len, size_t *pos, const char **key, size_t *klen,
                const char **value, size_t *vlen);

#endif
