/*
 * archive_int.h: private to archive_*.c: the on-disk record of an article and the key layouts
 * of the archive's LMDB databases.
 */
#ifndef LISTMILTER_ARCHIVE_INT_H
#define LISTMILTER_ARCHIVE_INT_H

#include <stdint.h>

#include <lmdb.h>

#include "archive.h"
#include "buf.h"

#define ARCHIVE_HASH_LEN 32
#define ARCHIVE_MAX_LIST 128 /* list names are local parts; keys must stay under 511 bytes */
#define ARCHIVE_MAX_ID   300 /* longer Message-IDs are indexed by their SHA-256 */

/* Record: u8 version, be64 date, be32 parent, hash[32], then per string be32 len + bytes + NUL. */
#define REC_VERSION 1
#define REC_HDR_LEN (1 + 8 + 4 + ARCHIVE_HASH_LEN)

void archive_put_be32(unsigned char *p, uint32_t v);
uint32_t archive_get_be32(const unsigned char *p);
void archive_put_be64(unsigned char *p, uint64_t v);
uint64_t archive_get_be64(const unsigned char *p);

/** Size of the record of a. */
size_t archive_rec_size(const struct article *a);
/** Write the record of a into dst (archive_rec_size bytes). */
void archive_rec_write(const struct article *a, const unsigned char hash[32], unsigned char *dst);
/** Point the fields of view into the record (zero-copy); LM_EDB when it is malformed. */
int archive_rec_view(const MDB_val *v, uint32_t seq, struct article *view);
/** The stored date and hash of a record; LM_EDB when it is malformed. */
int archive_rec_meta(const MDB_val *v, int64_t *date, const unsigned char **hash);

/** "<list>\0" + be32 seq. */
int archive_key_article(struct buf *k, const char *list, uint32_t seq);
/** "<list>\0<id>" with id normalised (brackets stripped; long ids hashed). */
int archive_key_msgid(struct buf *k, const char *list, const char *raw_id, size_t len);
/** "<list>\0<period>\0" (+ be32 seq when seq_too). */
int archive_key_period(struct buf *k, const char *list, const char *period, bool seq_too,
                       uint32_t seq);
/** "<list>\0<period>" (DB_DIRTY) or with "pcount:" in front (DB_META count). */
int archive_key_dirty(struct buf *k, const char *list, const char *period, bool count);
/** "next:<list>". */
int archive_key_next(struct buf *k, const char *list);
/** Reject list names that are empty, too long or hold a NUL-free but odd byte. */
int archive_check_list(const char *list);

/** MDB_val over a buf. */
MDB_val archive_val(const struct buf *b);

#endif
