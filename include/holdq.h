/*
 * holdq.h: the moderation hold queue in LMDB (DB_HELD): each held post byte for byte, with
 * its envelope, the Mailman reason and when it arrived, under "<list>\0" + big-endian id.
 */
#ifndef LISTMILTER_HOLDQ_H
#define LISTMILTER_HOLDQ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <lmdb.h>

#include "dbenv.h"

/**
 * One held post. From holdq_get() every pointer is owned (release with holdq_entry_clear());
 * inside a holdq_foreach() callback they point into the snapshot and are valid only there.
 * Text fields are NUL-terminated and never NULL once read back.
 */
struct holdq_entry {
	uint32_t id;      /**< per-list number, never reused */
	int64_t received; /**< when it was held (time(NULL)) */
	char *env_sender; /**< envelope sender without brackets ("" = null sender) */
	char *recipients; /**< envelope recipients, one per line */
	char *poster;     /**< the address moderation judged (From, lower case) */
	char *subject;    /**< the Subject, for listctl held and the notices */
	char *reason;     /**< Mailman's reason ("Post to moderated list", ...) */
	char *msg;        /**< the post as received, headers and body, byte for byte */
	size_t msg_len;   /**< its length */
};

/** The largest post the hold queue keeps; the milter rejects bigger ones earlier anyway. */
#define HOLDQ_MAX_MSG ((size_t)512 * 1024 * 1024)

/**
 * @brief Hold a post: assign the next id of the list and store the entry (e->id is ignored).
 * @param[in] env the environment.
 * @param[in] list the list name.
 * @param[in] e the entry; NULL strings are stored as "".
 * @param[out] id the id given.
 * @return LM_OK (on disk); LM_ETOOBIG (msg_len > HOLDQ_MAX_MSG, or the map is full);
 * LM_EINVAL (list name empty or too long); LM_EDB; LM_ENOMEM.
 */
int holdq_add(struct dbenv *env, const char *list, const struct holdq_entry *e, uint32_t *id);

/**
 * @brief holdq_add() with the post read from a descriptor (the milter's spool) straight into
 * the database: len bytes from offset 0 (pread; the descriptor's offset is not used).
 * e->msg and e->msg_len are ignored.
 * @return as holdq_add(); LM_EIO (the descriptor gave fewer than len bytes).
 */
int holdq_add_fd(struct dbenv *env, const char *list, const struct holdq_entry *e, int fd,
                 size_t len, uint32_t *id);

/**
 * @brief The same as holdq_add(), inside a write transaction the caller runs (a dbenv_fn),
 * so a hold can commit together with other changes.
 * @return as holdq_add(), or the raw MDB code (MDB_MAP_FULL) for the dbenv wrapper.
 */
int holdq_add_txn(MDB_txn *txn, struct dbenv *env, const char *list, const struct holdq_entry *e,
                  uint32_t *id);

/**
 * @brief Read one held post.
 * @param[out] out filled with owned copies; release with holdq_entry_clear().
 * @return LM_OK; LM_ENOENT (no such post); LM_EPARSE (a damaged record); LM_EDB; LM_ENOMEM.
 */
int holdq_get(struct dbenv *env, const char *list, uint32_t id, struct holdq_entry *out);

/**
 * @brief Call fn for every held post of a list in id order, inside one read snapshot. fn must
 * not call dbenv_read()/dbenv_write(). fn returns 0 to go on, anything else to stop.
 * @return LM_OK; fn's value; LM_EPARSE; LM_EDB.
 */
int holdq_foreach(struct dbenv *env, const char *list,
                  int (*fn)(const struct holdq_entry *e, void *arg), void *arg);

/**
 * @brief Delete a held post.
 * @return LM_OK; LM_ENOENT (no such post); LM_EDB.
 */
int holdq_remove(struct dbenv *env, const char *list, uint32_t id);

/** @brief holdq_remove() inside the caller's write transaction. */
int holdq_remove_txn(MDB_txn *txn, struct dbenv *env, const char *list, uint32_t id);

/**
 * @brief The ids of posts held longer than max_days (Mailman's max_days_to_hold).
 * @param[in] max_days days; 0 means never expire (no ids).
 * @param[in] now the current time.
 * @param[out] ids a heap array the caller frees (NULL when *n is 0).
 * @param[out] n how many.
 * @return LM_OK; LM_EDB; LM_ENOMEM.
 */
int holdq_expired(struct dbenv *env, const char *list, long max_days, int64_t now, uint32_t **ids,
                  size_t *n);

/** @brief Free the strings of an entry from holdq_get() and zero it. */
void holdq_entry_clear(struct holdq_entry *e);

#endif
