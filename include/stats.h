/*
 * stats.h: per-list operational counters (posts, held, rejected, discarded, tempfails) in
 * DB_STATS, counted inside the same transaction as the work they count.
 */
#ifndef LISTMILTER_STATS_H
#define LISTMILTER_STATS_H

#include <stdint.h>

#include <lmdb.h>

#include "dbenv.h"

/** The counters, in the order listctl stats prints them. */
enum stats_counter {
	STATS_POSTS,     /**< "posts": accepted and archived */
	STATS_HELD,      /**< "held": kept for a moderator */
	STATS_REJECTED,  /**< "rejected": refused with 5xx */
	STATS_DISCARDED, /**< "discarded": accepted and dropped */
	STATS_TEMPFAILS, /**< "tempfails": refused with 4xx */
	STATS_COUNT
};

/** A list's counters; a counter never counted is 0. */
struct stats {
	uint64_t count[STATS_COUNT];
};

/** @brief The counter's name ("posts", ...); NULL for a value out of range. */
const char *stats_name(enum stats_counter c);

/**
 * @brief Add n to a counter inside the caller's write transaction, e.g. in the dbenv_fn that
 * appends a post to the archive, so the counter and the post commit or abort together.
 * Counters stop at UINT64_MAX instead of wrapping.
 * @param[in] txn a write transaction (as handed to a dbenv_fn by dbenv_write()).
 * @param[in] env the environment, for DB_STATS.
 * @param[in] list the list name (not the address).
 * @param[in] counter "posts", "held", "rejected", "discarded" or "tempfails".
 * @param[in] n how much to add.
 * @return LM_OK; LM_EINVAL (unknown counter, empty or overlong list name); LM_EDB; or the raw
 * MDB_MAP_FULL, which a dbenv_fn passes on so that dbenv_write() grows the map and retries.
 */
int stats_incr(MDB_txn *txn, struct dbenv *env, const char *list, const char *counter, uint64_t n);

/**
 * @brief Add n to a counter in a durable transaction of its own (for decisions that write
 * nothing else, such as a reject).
 * @return as stats_incr(), plus LM_ETOOBIG (map full) and LM_EPERM (read-only environment).
 */
int stats_add(struct dbenv *env, const char *list, const char *counter, uint64_t n);

/**
 * @brief Read a list's counters inside a transaction (read or write).
 * @param[out] out the counters.
 * @return LM_OK (also for a list never counted: all zero); LM_EINVAL; LM_EDB.
 */
int stats_read(MDB_txn *txn, struct dbenv *env, const char *list, struct stats *out);

/**
 * @brief Read a list's counters in a snapshot of their own.
 * @return as stats_read().
 */
int stats_get(struct dbenv *env, const char *list, struct stats *out);

#endif
