/*
 * members.c: list members and their flags in LMDB (key "<list>\0<address>").
 * Addresses are stored lower-cased; a member's flags are a small kvrec record.
 */
#include <stdlib.h>
#include <string.h>

#include "kvrec.h"
#include "list_settings.h"
#include "lists.h"
#include "lmerr.h"

#define MEMBER_KEY_MAX 512

void member_clear(struct member *m)
{
	free(m->address);
	free(m->real_name);
	memset(m, 0, sizeof(*m));
}

static int member_key(struct buf *key, const char *list, const char *addr)
{
	int rc;

	if ((rc = buf_puts(key, list)) != LM_OK || (rc = buf_putc(key, '\0')) != LM_OK)
		return rc;
	return buf_puts(key, addr);
}

static int member_record(const struct member *m, struct buf *rec)
{
	int rc;

	if ((rc = kvrec_put(rec, "real_name", m->real_name ? m->real_name : "")) != LM_OK ||
	    (rc = kvrec_put(rec, "moderate", m->moderate ? "yes" : "no")) != LM_OK)
		return rc;
	return kvrec_put(rec, "nomail", m->nomail ? "yes" : "no");
}

static int member_parse(const char *addr, size_t alen, const MDB_val *v, struct member *m)
{
	const char *k, *val;
	size_t pos = 0, klen, vlen;

	memset(m, 0, sizeof(*m));
	if ((m->address = strndup(addr, alen)) == NULL)
		return LM_ENOMEM;
	while (kvrec_next(v->mv_data, v->mv_size, &pos, &k, &klen, &val, &vlen)) {
		if (klen == 9 && memcmp(k, "real_name", 9) == 0) {
			free(m->real_name);
			if ((m->real_name = strndup(val, vlen)) == NULL)
				return LM_ENOMEM;
		} else if (klen == 8 && memcmp(k, "moderate", 8) == 0) {
			m->moderate = vlen == 3;
		} else if (klen == 6 && memcmp(k, "nomail", 6) == 0) {
			m->nomail = vlen == 3;
		}
	}
	if (m->real_name == NULL && (m->real_name = strdup("")) == NULL)
		return LM_ENOMEM;
	return LM_OK;
}

/* Everything a member operation needs inside its transaction. */
struct mop {
	const char *list;
	const char *const *addrs;
	size_t n;
	const char *const *kv;
	size_t nkv;
	bool default_moderate;
	size_t done;
	struct buf *err;
	int (*fn)(const struct member *m, void *arg);
	void *arg;
	struct member *out;
};

static int list_exists(MDB_txn *txn, struct dbenv *env, const char *list)
{
	MDB_val k = {strlen(list), (void *)list}, v;

	return dbenv_rc(mdb_get(txn, dbenv_dbi(env, DB_LISTS), &k, &v));
}

static int add_one(MDB_txn *txn, struct dbenv *env, struct mop *op, const char *in)
{
	struct buf addr, name, key, rec;
	struct member m = {0};
	MDB_val k, v;
	int rc;

	buf_init(&addr, 256), buf_init(&name, 256), buf_init(&key, MEMBER_KEY_MAX);
	buf_init(&rec, 1024);
	if ((rc = lists_parse_address(in, &addr, &name)) != LM_OK) {
		buf_printf(op->err, "\"%.100s\" is not an address", in);
		goto out;
	}
	m.real_name = (char *)buf_cstr(&name);
	m.moderate = op->default_moderate;
	if ((rc = member_key(&key, op->list, buf_cstr(&addr))) || (rc = member_record(&m, &rec)))
		goto out;
	k = (MDB_val){key.len, key.data};
	v = (MDB_val){rec.len, rec.data};
	rc = mdb_put(txn, dbenv_dbi(env, DB_MEMBERS), &k, &v, MDB_NOOVERWRITE);
	if (rc == 0)
		op->done++;
	rc = rc == MDB_KEYEXIST ? LM_OK : rc;
out:
	buf_free(&addr), buf_free(&name), buf_free(&key), buf_free(&rec);
	return rc;
}

static int add_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct mop *op = arg;
	size_t i;
	int rc;

	op->done = 0;
	if ((rc = list_exists(txn, env, op->list)) != LM_OK)
		return rc;
	for (i = 0; i < op->n; i++)
		if ((rc = add_one(txn, env, op, op->addrs[i])) != LM_OK)
			return rc;
	return LM_OK;
}

/* Resolve LIST (name or address), then run fn in a write or read transaction. */
static int run_op(struct dbenv *env, const char *list, struct mop *op, dbenv_fn fn, bool write)
{
	struct list *l = NULL;
	struct buf dummy;
	int rc;

	buf_init(&dummy, 1024);
	if (op->err == NULL)
		op->err = &dummy;
	rc = lists_get(env, list, &l);
	if (rc == LM_ENOENT)
		buf_printf(op->err, "no list \"%.100s\"", list);
	if (rc == LM_OK) {
		op->list = list_name(l);
		op->default_moderate = list_get_bool(l, "default_member_moderation");
		rc = write ? dbenv_write(env, fn, op) : dbenv_read(env, fn, op);
	}
	buf_free(&dummy);
	list_free(l);
	return rc;
}

int members_add(struct dbenv *env, const char *list, const char *const *addrs, size_t n,
                size_t *added, struct buf *err)
{
	struct mop op = {.addrs = addrs, .n = n, .err = err};
	int rc = run_op(env, list, &op, add_fn, true);

	if (added)
		*added = rc == LM_OK ? op.done : 0;
	return rc;
}

static int remove_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct mop *op = arg;
	struct buf addr, key;
	size_t i;
	int rc = LM_OK;

	buf_init(&addr, 256), buf_init(&key, MEMBER_KEY_MAX);
	for (i = 0; i < op->n && rc == LM_OK; i++) {
		MDB_val k;
		buf_reset(&addr), buf_reset(&key);
		if ((rc = lists_parse_address(op->addrs[i], &addr, NULL)) != LM_OK ||
		    (rc = member_key(&key, op->list, buf_cstr(&addr))) != LM_OK)
			rc = LM_ENOENT;
		k = (MDB_val){key.len, key.data};
		if (rc == LM_OK)
			rc = dbenv_rc(mdb_del(txn, dbenv_dbi(env, DB_MEMBERS), &k, NULL));
		if (rc == LM_ENOENT)
			buf_printf(op->err, "%.100s is not a member", op->addrs[i]);
	}
	buf_free(&addr), buf_free(&key);
	return rc;
}

int members_remove(struct dbenv *env, const char *list, const char *const *addrs, size_t n,
                   struct buf *err)
{
	struct mop op = {.addrs = addrs, .n = n, .err = err};

	return run_op(env, list, &op, remove_fn, true);
}

static int get_in_txn(MDB_txn *txn, struct dbenv *env, const char *list, const char *in,
                      struct member *out)
{
	struct buf addr, key;
	MDB_val k, v;
	int rc;

	buf_init(&addr, 256), buf_init(&key, MEMBER_KEY_MAX);
	if ((rc = lists_parse_address(in, &addr, NULL)) != LM_OK)
		rc = LM_ENOENT;
	else if ((rc = member_key(&key, list, buf_cstr(&addr))) == LM_OK) {
		k = (MDB_val){key.len, key.data};
		rc = dbenv_rc(mdb_get(txn, dbenv_dbi(env, DB_MEMBERS), &k, &v));
		if (rc == LM_OK && (rc = member_parse(addr.data, addr.len, &v, out)) != LM_OK)
			member_clear(out);
	}
	buf_free(&addr), buf_free(&key);
	return rc;
}

static int get_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct mop *op = arg;

	return get_in_txn(txn, env, op->list, op->addrs[0], op->out);
}

int members_get(struct dbenv *env, const char *list, const char *addr, struct member *out)
{
	struct mop op = {.addrs = &addr, .n = 1, .out = out};

	return run_op(env, list, &op, get_fn, false);
}

/* Apply "moderate=yes", "nomail=no", "real_name=..." to a member. */
static int apply_flags(struct member *m, const char *const *kv, size_t nkv, struct buf *err)
{
	size_t i;

	for (i = 0; i < nkv; i++) {
		const char *v = strchr(kv[i], '=');
		bool *flag = NULL;
		if (v && strncmp(kv[i], "moderate=", 9) == 0)
			flag = &m->moderate;
		else if (v && strncmp(kv[i], "nomail=", 7) == 0)
			flag = &m->nomail;
		if (flag && (strcmp(v + 1, "yes") == 0 || strcmp(v + 1, "no") == 0)) {
			*flag = v[1] == 'y';
		} else if (v && strncmp(kv[i], "real_name=", 10) == 0 &&
		           strpbrk(v + 1, "\r\n") == NULL) {
			free(m->real_name);
			if ((m->real_name = strdup(v + 1)) == NULL)
				return LM_ENOMEM;
		} else {
			buf_printf(err,
			           "\"%.60s\": expected moderate=yes|no, nomail=yes|no or "
			           "real_name=NAME",
			           kv[i]);
			return LM_EINVAL;
		}
	}
	return LM_OK;
}

static int set_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct mop *op = arg;
	struct member m;
	struct buf key, rec;
	MDB_val k, v;
	int rc;

	if ((rc = get_in_txn(txn, env, op->list, op->addrs[0], &m)) != LM_OK) {
		if (rc == LM_ENOENT)
			buf_printf(op->err, "%.100s is not a member", op->addrs[0]);
		return rc;
	}
	buf_init(&key, MEMBER_KEY_MAX), buf_init(&rec, 1024);
	if ((rc = apply_flags(&m, op->kv, op->nkv, op->err)) == LM_OK &&
	    (rc = member_key(&key, op->list, m.address)) == LM_OK &&
	    (rc = member_record(&m, &rec)) == LM_OK) {
		k = (MDB_val){key.len, key.data};
		v = (MDB_val){rec.len, rec.data};
		rc = mdb_put(txn, dbenv_dbi(env, DB_MEMBERS), &k, &v, 0);
	}
	member_clear(&m);
	buf_free(&key), buf_free(&rec);
	return rc;
}

int members_set(struct dbenv *env, const char *list, const char *addr, const char *const *kv,
                size_t nkv, struct buf *err)
{
	struct mop op = {.addrs = &addr, .n = 1, .kv = kv, .nkv = nkv, .err = err};

	return run_op(env, list, &op, set_fn, true);
}

static int foreach_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct mop *op = arg;
	size_t plen = strlen(op->list) + 1;
	MDB_val k = {plen, (void *)op->list}, v;
	MDB_cursor *cur;
	struct member m;
	int rc;

	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_MEMBERS), &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, op->list, plen) != 0)
			break;
		if ((rc = member_parse((char *)k.mv_data + plen, k.mv_size - plen, &v, &m)) == 0)
			rc = op->fn(&m, op->arg);
		member_clear(&m);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? LM_OK : rc;
}

int members_foreach(struct dbenv *env, const char *list,
                    int (*fn)(const struct member *m, void *arg), void *arg)
{
	struct mop op = {.fn = fn, .arg = arg};

	return run_op(env, list, &op, foreach_fn, false);
}
