/*
 * dbenv.c: LMDB environment wrapper: one env per process, group commit of concurrent writers,
 * map growth on MDB_MAP_FULL up to a limit, adoption of other processes' resizes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbenv.h"
#include "lmerr.h"
#include "log.h"

#define DBENV_INITIAL_MAP ((size_t)64 * 1024 * 1024)
#define DBENV_RETRIES     8

static const char *const db_names[DB_COUNT] = {
        [DB_META] = "meta",         [DB_LISTS] = "lists",       [DB_MEMBERS] = "members",
        [DB_ARTICLES] = "articles", [DB_MSGIDS] = "msgids",     [DB_PERIODS] = "periods",
        [DB_DIRTY] = "dirty",       [DB_HELD] = "held",         [DB_TOKENS] = "tokens",
        [DB_STATS] = "stats",       [DB_SUBJECTS] = "subjects",
};

/* One queued unit of work; it lives on its caller's stack until done is set. */
struct dbreq {
	dbenv_fn fn;
	void *arg;
	int rc;
	bool done;
	struct dbreq *next;
};

/* fn results outside the lm_err range are LMDB (negative MDB_*) or errno (positive) codes. */
static bool is_mdb_code(int rc)
{
	return rc > 0 || rc < LM_ECONFIG;
}

struct dbenv {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT];
	size_t max_map;
	bool rdonly;
	/* Transactions hold it shared; a resize holds it exclusive (LMDB demands no live txn). */
	pthread_rwlock_t resize_lock;
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct dbreq *qhead, **qtail;
	bool leader;
};

int dbenv_rc(int mdb_rc)
{
	switch (mdb_rc) {
	case MDB_SUCCESS:
		return LM_OK;
	case MDB_NOTFOUND:
		return LM_ENOENT;
	case MDB_KEYEXIST:
		return LM_EEXIST;
	case MDB_MAP_FULL:
		return MDB_MAP_FULL;
	default:
		log_err(NULL, "lmdb: %s", mdb_strerror(mdb_rc));
		return LM_EDB;
	}
}

MDB_dbi dbenv_dbi(const struct dbenv *env, enum dbenv_db db)
{
	return env->dbi[db];
}

MDB_env *dbenv_mdb(const struct dbenv *env)
{
	return env->env;
}

static int open_dbis(struct dbenv *e)
{
	MDB_txn *txn;
	unsigned flags = e->rdonly ? 0 : MDB_CREATE;
	int rc, i;

	if ((rc = mdb_txn_begin(e->env, NULL, e->rdonly ? MDB_RDONLY : 0, &txn)) != 0)
		return rc;
	for (i = 0; i < DB_COUNT; i++)
		if ((rc = mdb_dbi_open(txn, db_names[i], flags, &e->dbi[i])) != 0)
			break;
	if (rc == 0)
		return mdb_txn_commit(txn);
	mdb_txn_abort(txn);
	return rc;
}

/* Create dir and missing parents (a path from the site configuration, never from mail). */
static int make_dirs(const char *dir)
{
	char *copy = strdup(dir), *p;
	int rc = LM_OK;

	if (copy == NULL)
		return LM_ENOMEM;
	for (p = copy + 1; rc == LM_OK; p++) {
		bool last = *p == '\0';
		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(copy, 0750) != 0 && errno != EEXIST)
			rc = errno == EACCES ? LM_EPERM : LM_EIO;
		if (last)
			break;
		*p = '/';
	}
	free(copy);
	return rc;
}

static int env_create(struct dbenv *e, const char *dir)
{
	struct stat st;
	size_t map = DBENV_INITIAL_MAP;
	int rc;

	if (!e->rdonly && (rc = make_dirs(dir)) != LM_OK)
		return rc;
	if (stat(dir, &st) != 0)
		return errno == ENOENT ? LM_ENOENT : LM_EIO;
	if ((rc = mdb_env_create(&e->env)) != 0)
		return dbenv_rc(rc);
	if (map > e->max_map)
		map = e->max_map;
	mdb_env_set_maxdbs(e->env, DB_COUNT + 4);
	mdb_env_set_maxreaders(e->env, 512);
	mdb_env_set_mapsize(e->env, map);
	rc = mdb_env_open(e->env, dir, MDB_NOTLS | (e->rdonly ? MDB_RDONLY : 0), 0640);
	if (rc == ENOENT)
		return LM_ENOENT;
	if (rc == EACCES)
		return LM_EPERM;
	if (rc != 0)
		return dbenv_rc(rc);
	if ((rc = open_dbis(e)) != 0)
		return rc == MDB_NOTFOUND ? LM_ENOENT : dbenv_rc(rc);
	return LM_OK;
}

int dbenv_open(const char *dir, size_t max_map, unsigned flags, struct dbenv **out)
{
	struct dbenv *e = calloc(1, sizeof(*e));
	int rc;

	if (e == NULL)
		return LM_ENOMEM;
	e->max_map = max_map;
	e->rdonly = (flags & DBENV_RDONLY) != 0;
	e->qtail = &e->qhead;
	pthread_rwlock_init(&e->resize_lock, NULL);
	pthread_mutex_init(&e->qlock, NULL);
	pthread_cond_init(&e->qcond, NULL);
	if ((rc = env_create(e, dir)) != LM_OK) {
		dbenv_close(e);
		return rc;
	}
	*out = e;
	return LM_OK;
}

struct dbenv *dbenv_close(struct dbenv *e)
{
	if (e == NULL)
		return NULL;
	if (e->env)
		mdb_env_close(e->env);
	pthread_rwlock_destroy(&e->resize_lock);
	pthread_mutex_destroy(&e->qlock);
	pthread_cond_destroy(&e->qcond);
	free(e);
	return NULL;
}

/* Grow the map (want_grow) or adopt another process's size; no transaction may be live. */
static int env_resize(struct dbenv *e, bool want_grow)
{
	MDB_envinfo info;
	size_t size;
	int rc = LM_OK;

	pthread_rwlock_wrlock(&e->resize_lock);
	mdb_env_info(e->env, &info);
	size = info.me_mapsize;
	if (want_grow) {
		if (size >= e->max_map) {
			log_err(NULL, "lmdb: the database reached DatabaseMaxSize (%zu bytes)",
			        e->max_map);
			rc = LM_ETOOBIG;
		} else {
			size = size > e->max_map / 2 ? e->max_map : size * 2;
			rc = mdb_env_set_mapsize(e->env, size) ? LM_EDB : LM_OK;
		}
	} else if (mdb_env_set_mapsize(e->env, 0) != 0) {
		rc = LM_EDB;
	}
	pthread_rwlock_unlock(&e->resize_lock);
	return rc;
}

/* Begin a top-level transaction, adopting resizes and clearing stale readers. */
static int txn_begin(struct dbenv *e, unsigned flags, MDB_txn **txn)
{
	int rc, i;

	for (i = 0; i < DBENV_RETRIES; i++) {
		pthread_rwlock_rdlock(&e->resize_lock);
		rc = mdb_txn_begin(e->env, NULL, flags, txn);
		if (rc == 0)
			return 0; /* the read lock is released when the txn ends */
		pthread_rwlock_unlock(&e->resize_lock);
		if (rc == MDB_MAP_RESIZED) {
			if (env_resize(e, false) != LM_OK)
				break;
		} else if (rc == MDB_READERS_FULL) {
			int dead = 0;
			mdb_reader_check(e->env, &dead);
		} else {
			break;
		}
	}
	return rc;
}

static void txn_end(struct dbenv *e, MDB_txn *txn, bool commit, int *rc)
{
	if (commit)
		*rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&e->resize_lock);
}

/* Run one unit in a child transaction; returns MDB_MAP_FULL when the whole batch must rerun. */
static int run_unit(struct dbenv *e, MDB_txn *parent, struct dbreq *r)
{
	MDB_txn *child;
	int rc;

	if ((rc = mdb_txn_begin(e->env, parent, 0, &child)) != 0)
		return rc;
	r->rc = r->fn(child, e, r->arg);
	if (r->rc == MDB_MAP_FULL) {
		mdb_txn_abort(child);
		return MDB_MAP_FULL;
	}
	if (r->rc != LM_OK) {
		mdb_txn_abort(child);
		if (is_mdb_code(r->rc))
			r->rc = dbenv_rc(r->rc);
		return 0;
	}
	rc = mdb_txn_commit(child);
	if (rc != 0 && rc != MDB_MAP_FULL)
		r->rc = dbenv_rc(rc);
	return rc == MDB_MAP_FULL ? rc : 0;
}

static void batch_fail(struct dbreq *batch, int rc)
{
	for (; batch; batch = batch->next)
		if (batch->rc == LM_OK)
			batch->rc = rc;
}

/* One attempt at the whole batch: 0 when done (each unit has its rc), MDB_MAP_FULL to rerun. */
static int batch_attempt(struct dbenv *e, struct dbreq *batch)
{
	struct dbreq *r;
	MDB_txn *txn;
	int rc = 0;

	if ((rc = txn_begin(e, 0, &txn)) != 0) {
		batch_fail(batch, dbenv_rc(rc));
		return 0;
	}
	for (r = batch; r && rc == 0; r = r->next)
		rc = run_unit(e, txn, r);
	if (rc != 0) {
		txn_end(e, txn, false, NULL);
		if (rc == MDB_MAP_FULL)
			return rc;
		batch_fail(batch, dbenv_rc(rc));
		return 0;
	}
	txn_end(e, txn, true, &rc);
	if (rc == MDB_MAP_FULL)
		return rc;
	if (rc != 0)
		batch_fail(batch, dbenv_rc(rc));
	return 0;
}

static void batch_set(struct dbreq *batch, int rc)
{
	for (; batch; batch = batch->next)
		batch->rc = rc;
}

static void run_batch(struct dbenv *e, struct dbreq *batch)
{
	int rc, i;

	for (i = 0; i < DBENV_RETRIES; i++) {
		batch_set(batch, LM_OK);
		if (batch_attempt(e, batch) != MDB_MAP_FULL)
			return;
		if ((rc = env_resize(e, true)) != LM_OK) {
			batch_set(batch, rc);
			return;
		}
	}
	batch_set(batch, LM_EDB);
}

int dbenv_write(struct dbenv *e, dbenv_fn fn, void *arg)
{
	struct dbreq req = {.fn = fn, .arg = arg}, *batch, *r, *next;

	if (e->rdonly)
		return LM_EPERM;
	pthread_mutex_lock(&e->qlock);
	*e->qtail = &req;
	e->qtail = &req.next;
	while (!req.done) {
		if (e->leader) {
			pthread_cond_wait(&e->qcond, &e->qlock);
			continue;
		}
		/* Lead: take everything queued so far and commit it as one transaction. */
		e->leader = true;
		batch = e->qhead;
		e->qhead = NULL;
		e->qtail = &e->qhead;
		pthread_mutex_unlock(&e->qlock);
		run_batch(e, batch);
		pthread_mutex_lock(&e->qlock);
		for (r = batch; r; r = next) {
			next = r->next;
			r->done = true;
		}
		e->leader = false;
		pthread_cond_broadcast(&e->qcond);
	}
	pthread_mutex_unlock(&e->qlock);
	return req.rc;
}

int dbenv_read(struct dbenv *e, dbenv_fn fn, void *arg)
{
	MDB_txn *txn;
	int rc;

	if ((rc = txn_begin(e, MDB_RDONLY, &txn)) != 0)
		return dbenv_rc(rc) == MDB_MAP_FULL ? LM_EDB : dbenv_rc(rc);
	rc = fn(txn, e, arg);
	txn_end(e, txn, false, NULL);
	if (is_mdb_code(rc))
		rc = dbenv_rc(rc) == MDB_MAP_FULL ? LM_EDB : dbenv_rc(rc);
	return rc;
}

size_t dbenv_used_bytes(struct dbenv *e)
{
	MDB_envinfo info;
	MDB_stat st;

	mdb_env_info(e->env, &info);
	mdb_env_stat(e->env, &st);
	return (size_t)(info.me_last_pgno + 1) * st.ms_psize;
}
