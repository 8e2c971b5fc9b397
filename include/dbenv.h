/*
 * dbenv.h: the one LMDB environment of a process, with map growth, resize handling and
 * group commit. Every store (lists, archive, hold queue) runs its transactions through it.
 */
#ifndef LISTMILTER_DBENV_H
#define LISTMILTER_DBENV_H

#include <stdbool.h>
#include <stddef.h>

#include <lmdb.h>

/**
 * The named databases of the environment. All are created by the first writable open, so a
 * read-only open (the exporter) finds them. Add new ones before DB_COUNT.
 */
enum dbenv_db {
	DB_META,     /**< counters and format version: "version", "next:<list>", ... */
	DB_LISTS,    /**< list name -> list settings */
	DB_MEMBERS,  /**< "<list>\0<address>" -> member flags */
	DB_ARTICLES, /**< archived posts */
	DB_MSGIDS,   /**< Message-ID index of the archive */
	DB_PERIODS,  /**< period index of the archive */
	DB_DIRTY,    /**< periods changed since the last export */
	DB_HELD,     /**< the moderation hold queue */
	DB_TOKENS,   /**< moderation tokens */
	DB_STATS,    /**< operational counters */
	DB_SUBJECTS, /**< per-period subject-key index of the archive (subject threading) */
	DB_COUNT
};

/** Opaque handle; one per process, shared by all threads. */
struct dbenv;

/** Flags for dbenv_open(). */
#define DBENV_RDONLY                                                                               \
	0x1 /**< open read-only (the exporter); the lock file must still be writable               \
	     */

/**
 * A unit of work run inside a transaction. It may be run more than once (after the map grew,
 * or when another process resized it), so it must not have side effects outside the
 * transaction, and it must not call dbenv_read() or dbenv_write() itself.
 * @param[in] txn the transaction (a nested child transaction for writes).
 * @param[in] env the environment, for dbenv_dbi().
 * @param[in,out] arg the caller's data.
 * @return LM_OK to commit; an lm_err to abort this unit only; or the MDB_* code an mdb_* call
 * returned: MDB_MAP_FULL makes the wrapper grow the map and run the unit again.
 */
typedef int (*dbenv_fn)(MDB_txn *txn, struct dbenv *env, void *arg);

/**
 * @brief Open (and create, unless read-only) the environment in a directory.
 * @param[in] dir the directory holding data.mdb and lock.mdb; created (0750, with parents) if
 * missing.
 * @param[in] max_map the size the map may grow to (DatabaseMaxSize).
 * @param[in] flags 0 or DBENV_RDONLY.
 * @param[out] out the handle, on success.
 * @return LM_OK; LM_ENOENT (read-only and no environment yet); LM_EPERM; LM_EIO; LM_EDB;
 * LM_ENOMEM.
 */
int dbenv_open(const char *dir, size_t max_map, unsigned flags, struct dbenv **out);

/** @brief Close the environment (no transaction may be running). NULL is accepted. */
struct dbenv *dbenv_close(struct dbenv *env);

/** @brief The handle of a named database. */
MDB_dbi dbenv_dbi(const struct dbenv *env, enum dbenv_db db);

/** @brief The raw LMDB environment (for mdb_env_stat and the like). */
MDB_env *dbenv_mdb(const struct dbenv *env);

/**
 * @brief Run fn in a durable write transaction. Concurrent callers are batched into one
 * transaction and one commit (group commit); each unit runs in its own nested transaction,
 * so a unit that fails leaves the others intact. When this returns LM_OK the unit's changes
 * are on disk.
 * @return fn's lm_err if it failed; LM_ETOOBIG (the map reached max_map); LM_EDB (LMDB failed,
 * the message is logged); LM_EPERM (read-only environment); LM_OK.
 */
int dbenv_write(struct dbenv *env, dbenv_fn fn, void *arg);

/**
 * @brief Run fn in a read-only snapshot; handles MDB_MAP_RESIZED and MDB_READERS_FULL.
 * @return fn's result (MDB codes from fn become LM_EDB); LM_EDB if no snapshot could be had.
 */
int dbenv_read(struct dbenv *env, dbenv_fn fn, void *arg);

/**
 * @brief Map an LMDB return code to an lm_err: 0 -> LM_OK, MDB_NOTFOUND -> LM_ENOENT,
 * MDB_KEYEXIST -> LM_EEXIST, MDB_MAP_FULL -> MDB_MAP_FULL (kept, so the wrapper sees it),
 * anything else -> LM_EDB (logged with mdb_strerror).
 */
int dbenv_rc(int mdb_rc);

/** @brief Bytes of the map in use (pages in use times page size), for stats. */
size_t dbenv_used_bytes(struct dbenv *env);

#endif
