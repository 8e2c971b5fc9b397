/*
 * stats.c: per-list counters in DB_STATS, key "<list>\0<counter>", value 8 bytes little-endian.
 * The fixed byte order keeps the database readable whichever host copies it.
 */
#include <string.h>

#include "lmerr.h"
#include "stats.h"

/* LMDB's default maximum key size. */
#define STATS_KEY_MAX 511

static const char *const stats_names[STATS_COUNT] = {
        [STATS_POSTS] = "posts",         [STATS_HELD] = "held",
        [STATS_REJECTED] = "rejected",   [STATS_DISCARDED] = "discarded",
        [STATS_TEMPFAILS] = "tempfails",
};

const char *stats_name(enum stats_counter c)
{
	return (unsigned)c < STATS_COUNT ? stats_names[c] : NULL;
}

static int counter_index(const char *name)
{
	int i;

	for (i = 0; i < STATS_COUNT; i++)
		if (strcmp(stats_names[i], name) == 0)
			return i;
	return -1;
}

/* key = list NUL counter; returns its length, or 0 when it does not fit. */
static size_t make_key(char *key, const char *list, const char *counter)
{
	size_t ll = strlen(list), cl = strlen(counter);

	if (ll == 0 || ll + 1 + cl > STATS_KEY_MAX)
		return 0;
	memcpy(key, list, ll);
	key[ll] = '\0';
	memcpy(key + ll + 1, counter, cl);
	return ll + 1 + cl;
}

static uint64_t decode(const MDB_val *v)
{
	const unsigned char *p = v->mv_data;
	uint64_t n = 0;
	int i;

	if (v->mv_size != 8)
		return 0; /* not ours: count afresh rather than fail the post */
	for (i = 7; i >= 0; i--)
		n = (n << 8) | p[i];
	return n;
}

static void encode(unsigned char *p, uint64_t n)
{
	int i;

	for (i = 0; i < 8; i++, n >>= 8)
		p[i] = (unsigned char)(n & 0xff);
}

int stats_incr(MDB_txn *txn, struct dbenv *env, const char *list, const char *counter, uint64_t n)
{
	char key[STATS_KEY_MAX];
	unsigned char val[8];
	MDB_val k, v;
	uint64_t cur = 0;
	int rc;

	if (counter_index(counter) < 0 || (k.mv_size = make_key(key, list, counter)) == 0)
		return LM_EINVAL;
	k.mv_data = key;
	rc = mdb_get(txn, dbenv_dbi(env, DB_STATS), &k, &v);
	if (rc == 0)
		cur = decode(&v);
	else if (rc != MDB_NOTFOUND)
		return dbenv_rc(rc);
	encode(val, cur > UINT64_MAX - n ? UINT64_MAX : cur + n);
	v.mv_data = val;
	v.mv_size = sizeof(val);
	return dbenv_rc(mdb_put(txn, dbenv_dbi(env, DB_STATS), &k, &v, 0));
}

struct stats_req {
	const char *list, *counter;
	uint64_t n;
	struct stats *out;
};

static int add_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct stats_req *r = arg;

	return stats_incr(txn, env, r->list, r->counter, r->n);
}

int stats_add(struct dbenv *env, const char *list, const char *counter, uint64_t n)
{
	struct stats_req r = {.list = list, .counter = counter, .n = n};

	return dbenv_write(env, add_fn, &r);
}

int stats_read(MDB_txn *txn, struct dbenv *env, const char *list, struct stats *out)
{
	char key[STATS_KEY_MAX];
	MDB_val k, v;
	int i, rc;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < STATS_COUNT; i++) {
		if ((k.mv_size = make_key(key, list, stats_names[i])) == 0)
			return LM_EINVAL;
		k.mv_data = key;
		rc = mdb_get(txn, dbenv_dbi(env, DB_STATS), &k, &v);
		if (rc == 0)
			out->count[i] = decode(&v);
		else if (rc != MDB_NOTFOUND)
			return dbenv_rc(rc);
	}
	return LM_OK;
}

static int get_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct stats_req *r = arg;

	return stats_read(txn, env, r->list, r->out);
}

int stats_get(struct dbenv *env, const char *list, struct stats *out)
{
	struct stats_req r = {.list = list, .out = out};

	return dbenv_read(env, get_fn, &r);
}
