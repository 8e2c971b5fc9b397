/*
 * holdq.c: the hold queue records in DB_HELD. A record is a version byte, the hold time, five
 * length-prefixed NUL-terminated text fields and then the post's bytes up to the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holdq.h"
#include "lmerr.h"
#include "log.h"

#define HOLDQ_VERSION  1
#define HOLDQ_LIST_MAX 255
#define HOLDQ_NTEXT    5
#define HOLDQ_KEY_MAX  (HOLDQ_LIST_MAX + 1 + 4)

struct holdq_key {
	unsigned char b[HOLDQ_KEY_MAX];
	size_t len;
};

static void be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int key_make(const char *list, uint32_t id, struct holdq_key *k)
{
	size_t n = list ? strlen(list) : 0;

	if (n == 0 || n > HOLDQ_LIST_MAX)
		return LM_EINVAL;
	memcpy(k->b, list, n + 1);
	be32_put(k->b + n + 1, id);
	k->len = n + 5;
	return LM_OK;
}

static const char *S(const char *s)
{
	return s ? s : "";
}

static void entry_texts(const struct holdq_entry *e, const char *t[HOLDQ_NTEXT])
{
	t[0] = S(e->env_sender), t[1] = S(e->recipients), t[2] = S(e->poster);
	t[3] = S(e->subject), t[4] = S(e->reason);
}

static size_t record_size(const struct holdq_entry *e)
{
	const char *t[HOLDQ_NTEXT];
	size_t n = 1 + 8, i;

	entry_texts(e, t);
	for (i = 0; i < HOLDQ_NTEXT; i++)
		n += 4 + strlen(t[i]) + 1;
	return n + e->msg_len;
}

static void record_write(const struct holdq_entry *e, int64_t received, unsigned char *p)
{
	const char *t[HOLDQ_NTEXT];
	size_t i, n;

	entry_texts(e, t);
	*p++ = HOLDQ_VERSION;
	be32_put(p, (uint32_t)((uint64_t)received >> 32));
	be32_put(p + 4, (uint32_t)received);
	p += 8;
	for (i = 0; i < HOLDQ_NTEXT; i++) {
		n = strlen(t[i]);
		be32_put(p, (uint32_t)n);
		memcpy(p + 4, t[i], n + 1);
		p += 4 + n + 1;
	}
	if (e->msg_len && e->msg)
		memcpy(p, e->msg, e->msg_len);
}

/* Point the entry's fields into a record (borrowed); checks every length first. */
static int record_parse(const MDB_val *v, struct holdq_entry *e)
{
	const unsigned char *p = v->mv_data, *end = p + v->mv_size;
	char **t[HOLDQ_NTEXT] = {&e->env_sender, &e->recipients, &e->poster, &e->subject,
	                         &e->reason};
	uint32_t n;
	size_t i;

	if (v->mv_size < 9 || p[0] != HOLDQ_VERSION)
		return LM_EPARSE;
	e->received = (int64_t)((uint64_t)be32_get(p + 1) << 32 | be32_get(p + 5));
	p += 9;
	for (i = 0; i < HOLDQ_NTEXT; i++) {
		if ((size_t)(end - p) < 4 || (n = be32_get(p)) >= (size_t)(end - p) - 4 ||
		    p[4 + n] != '\0')
			return LM_EPARSE;
		*t[i] = (char *)p + 4;
		p += 4 + n + 1;
	}
	e->msg = (char *)p;
	e->msg_len = (size_t)(end - p);
	return LM_OK;
}

static int next_id(MDB_txn *txn, struct dbenv *env, const char *list, uint32_t *id)
{
	char kbuf[HOLDQ_LIST_MAX + 16];
	unsigned char vbuf[4];
	MDB_val k = {0, kbuf}, v;
	int rc;

	k.mv_size = (size_t)snprintf(kbuf, sizeof(kbuf), "held-next:%s", list);
	rc = mdb_get(txn, dbenv_dbi(env, DB_META), &k, &v);
	if (rc == MDB_NOTFOUND)
		*id = 1;
	else if (rc != 0)
		return dbenv_rc(rc);
	else if (v.mv_size != 4)
		return LM_EPARSE;
	else
		*id = be32_get(v.mv_data);
	if (*id == UINT32_MAX)
		return LM_ETOOBIG;
	be32_put(vbuf, *id + 1);
	v = (MDB_val){4, vbuf};
	return dbenv_rc(mdb_put(txn, dbenv_dbi(env, DB_META), &k, &v, 0));
}

/* Fill the post's place in a reserved record from a descriptor. */
static int record_read_fd(int fd, size_t len, unsigned char *dst)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = pread(fd, dst + off, len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_syserr(NULL, "holdq: reading the post to hold");
			return LM_EIO;
		}
		off += (size_t)n;
	}
	return LM_OK;
}

/* fd < 0: the bytes come from e->msg; else len bytes from fd. */
static int add_record(MDB_txn *txn, struct dbenv *env, const char *list,
                      const struct holdq_entry *e, int fd, uint32_t *id)
{
	struct holdq_key key;
	MDB_val k, v;
	int rc;

	if (e->msg_len > HOLDQ_MAX_MSG)
		return LM_ETOOBIG;
	if ((rc = key_make(list, 0, &key)) != LM_OK || (rc = next_id(txn, env, list, id)) != LM_OK)
		return rc;
	key_make(list, *id, &key);
	k = (MDB_val){key.len, key.b};
	v = (MDB_val){record_size(e), NULL};
	if ((rc = mdb_put(txn, dbenv_dbi(env, DB_HELD), &k, &v, MDB_NOOVERWRITE | MDB_RESERVE)))
		return dbenv_rc(rc);
	record_write(e, e->received ? e->received : (int64_t)time(NULL), v.mv_data);
	if (fd >= 0)
		return record_read_fd(fd, e->msg_len,
		                      (unsigned char *)v.mv_data + v.mv_size - e->msg_len);
	return LM_OK;
}

int holdq_add_txn(MDB_txn *txn, struct dbenv *env, const char *list, const struct holdq_entry *e,
                  uint32_t *id)
{
	return add_record(txn, env, list, e, -1, id);
}

struct add_arg {
	const char *list;
	const struct holdq_entry *e;
	int fd;
	uint32_t id;
};

static int add_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct add_arg *a = arg;

	return add_record(txn, env, a->list, a->e, a->fd, &a->id);
}

int holdq_add(struct dbenv *env, const char *list, const struct holdq_entry *e, uint32_t *id)
{
	struct add_arg a = {list, e, -1, 0};
	int rc = dbenv_write(env, add_fn, &a);

	if (rc == LM_OK)
		*id = a.id;
	return rc;
}

int holdq_add_fd(struct dbenv *env, const char *list, const struct holdq_entry *e, int fd,
                 size_t len, uint32_t *id)
{
	struct holdq_entry copy = *e;
	struct add_arg a = {list, &copy, fd, 0};
	int rc;

	copy.msg = NULL;
	copy.msg_len = len;
	if (fd < 0)
		return LM_EINVAL;
	if ((rc = dbenv_write(env, add_fn, &a)) == LM_OK)
		*id = a.id;
	return rc;
}

static int entry_copy(const struct holdq_entry *src, struct holdq_entry *dst)
{
	*dst = (struct holdq_entry){.id = src->id, .received = src->received};
	dst->env_sender = strdup(src->env_sender);
	dst->recipients = strdup(src->recipients);
	dst->poster = strdup(src->poster);
	dst->subject = strdup(src->subject);
	dst->reason = strdup(src->reason);
	dst->msg = malloc(src->msg_len + 1);
	if (dst->msg) {
		memcpy(dst->msg, src->msg, src->msg_len);
		dst->msg[src->msg_len] = '\0';
		dst->msg_len = src->msg_len;
	}
	if (!dst->env_sender || !dst->recipients || !dst->poster || !dst->subject || !dst->reason ||
	    !dst->msg) {
		holdq_entry_clear(dst);
		return LM_ENOMEM;
	}
	return LM_OK;
}

struct get_arg {
	const char *list;
	uint32_t id;
	struct holdq_entry *out;
};

static int get_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct get_arg *a = arg;
	struct holdq_key key;
	struct holdq_entry e = {0};
	MDB_val k, v;
	int rc;

	if ((rc = key_make(a->list, a->id, &key)) != LM_OK)
		return rc == LM_EINVAL ? LM_ENOENT : rc;
	k = (MDB_val){key.len, key.b};
	if ((rc = mdb_get(txn, dbenv_dbi(env, DB_HELD), &k, &v)) != 0)
		return dbenv_rc(rc);
	if ((rc = record_parse(&v, &e)) != LM_OK)
		return rc;
	e.id = a->id;
	return entry_copy(&e, a->out);
}

int holdq_get(struct dbenv *env, const char *list, uint32_t id, struct holdq_entry *out)
{
	struct get_arg a = {list, id, out};

	memset(out, 0, sizeof(*out));
	return dbenv_read(env, get_fn, &a);
}

void holdq_entry_clear(struct holdq_entry *e)
{
	free(e->env_sender);
	free(e->recipients);
	free(e->poster);
	free(e->subject);
	free(e->reason);
	free(e->msg);
	memset(e, 0, sizeof(*e));
}

struct each_arg {
	const char *list;
	int (*fn)(const struct holdq_entry *e, void *arg);
	void *arg;
};

static int each_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct each_arg *a = arg;
	struct holdq_key key;
	struct holdq_entry e;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = key_make(a->list, 0, &key)) != LM_OK)
		return LM_OK;
	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_HELD), &c)) != 0)
		return dbenv_rc(rc);
	k = (MDB_val){key.len, key.b};
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != key.len || memcmp(k.mv_data, key.b, key.len - 4) != 0)
			break;
		memset(&e, 0, sizeof(e));
		if ((rc = record_parse(&v, &e)) != LM_OK)
			break;
		e.id = be32_get((const unsigned char *)k.mv_data + key.len - 4);
		if ((rc = a->fn(&e, a->arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? LM_OK : rc;
}

int holdq_foreach(struct dbenv *env, const char *list,
                  int (*fn)(const struct holdq_entry *e, void *arg), void *arg)
{
	struct each_arg a = {list, fn, arg};

	return dbenv_read(env, each_fn, &a);
}

int holdq_remove_txn(MDB_txn *txn, struct dbenv *env, const char *list, uint32_t id)
{
	struct holdq_key key;
	MDB_val k;
	int rc;

	if ((rc = key_make(list, id, &key)) != LM_OK)
		return rc == LM_EINVAL ? LM_ENOENT : rc;
	k = (MDB_val){key.len, key.b};
	return dbenv_rc(mdb_del(txn, dbenv_dbi(env, DB_HELD), &k, NULL));
}

struct rm_arg {
	const char *list;
	uint32_t id;
};

static int rm_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct rm_arg *a = arg;

	return holdq_remove_txn(txn, env, a->list, a->id);
}

int holdq_remove(struct dbenv *env, const char *list, uint32_t id)
{
	struct rm_arg a = {list, id};

	return dbenv_write(env, rm_fn, &a);
}

struct exp_arg {
	int64_t cutoff;
	uint32_t *ids;
	size_t n, size;
};

static int exp_fn(const struct holdq_entry *e, void *arg)
{
	struct exp_arg *a = arg;
	uint32_t *nids;

	if (e->received > a->cutoff)
		return 0;
	if (a->n == a->size) {
		a->size = a->size ? a->size * 2 : 16;
		if ((nids = realloc(a->ids, a->size * sizeof(*nids))) == NULL)
			return LM_ENOMEM;
		a->ids = nids;
	}
	a->ids[a->n++] = e->id;
	return 0;
}

int holdq_expired(struct dbenv *env, const char *list, long max_days, int64_t now, uint32_t **ids,
                  size_t *n)
{
	struct exp_arg a = {now - (int64_t)max_days * 86400, NULL, 0, 0};
	int rc = LM_OK;

	*ids = NULL;
	*n = 0;
	if (max_days <= 0)
		return LM_OK;
	if ((rc = holdq_foreach(env, list, exp_fn, &a)) != LM_OK) {
		free(a.ids);
		return rc;
	}
	*ids = a.ids;
	*n = a.n;
	return LM_OK;
}
