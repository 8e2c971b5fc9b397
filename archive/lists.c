/*
 * lists.c: mailing lists in LMDB: create, change and read settings, find a list by recipient.
 * A stored list holds only what was set explicitly; defaults are derived when it is read.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kvrec.h"
#include "list_settings.h"
#include "lists.h"
#include "lmerr.h"

/* Settings records are small; a cap keeps a corrupt or hostile record from costing much. */
#define LIST_REC_MAX (1024 * 1024)

struct list {
	char *name;
	char *address;
	char **values; /* one per row of the settings table, defaults applied */
};

struct list *list_free(struct list *l)
{
	size_t i;

	if (l == NULL)
		return NULL;
	if (l->values)
		for (i = 0; i < lset_count(); i++)
			free(l->values[i]);
	free(l->values);
	free(l->name);
	free(l->address);
	free(l);
	return NULL;
}

const char *list_name(const struct list *l)
{
	return l->name;
}

const char *list_domain(const struct list *l)
{
	return list_get(l, "host_name");
}

const char *list_address(const struct list *l)
{
	return l->address;
}

const char *list_get(const struct list *l, const char *key)
{
	const struct lset_def *d = lset_find(key);

	return d ? l->values[d - lset_at(0)] : NULL;
}

long list_get_int(const struct list *l, const char *key)
{
	const char *v = list_get(l, key);

	if (v == NULL)
		return 0;
	if (strcmp(v, "yes") == 0)
		return 1;
	return strtol(v, NULL, 10);
}

bool list_get_bool(const struct list *l, const char *key)
{
	return list_get_int(l, key) != 0;
}

static int set_value(struct list *l, const char *key, const char *value, size_t vlen)
{
	const struct lset_def *d = lset_find(key);
	size_t i;
	char *copy;

	if (d == NULL)
		return LM_OK; /* a setting this version no longer knows: ignored */
	i = (size_t)(d - lset_at(0));
	if ((copy = strndup(value, vlen)) == NULL)
		return LM_ENOMEM;
	free(l->values[i]);
	l->values[i] = copy;
	return LM_OK;
}

/* A derived default is the concatenation of up to five parts (NULL parts are skipped). */
static int set_derived(struct list *l, const char *key, const char *p1, const char *p2,
                       const char *p3, const char *p4, const char *p5)
{
	const char *parts[] = {p1, p2, p3, p4, p5};
	struct buf v;
	size_t i;
	int rc = LM_OK;

	if (list_get(l, key) != NULL)
		return LM_OK;
	buf_init(&v, 4096);
	for (i = 0; i < 5 && rc == LM_OK; i++)
		if (parts[i])
			rc = buf_puts(&v, parts[i]);
	if (rc == LM_OK)
		rc = set_value(l, key, buf_cstr(&v), v.len);
	buf_free(&v);
	return rc;
}

/* Mailman's derived defaults, in dependency order: real_name, then URLs and the prefix. */
static int apply_derived(struct list *l)
{
	const char *host = list_get(l, "host_name");
	char first[2] = {(char)toupper((unsigned char)l->name[0]), '\0'};
	int rc;

	if ((rc = set_derived(l, "real_name", first, l->name + 1, NULL, NULL, NULL)) ||
	    (rc = set_derived(l, "web_page_url", "http://", host, "/mailman/", NULL, NULL)) ||
	    (rc = set_derived(l, "subject_prefix", "[", list_get(l, "real_name"), "] ", NULL,
	                      NULL)) ||
	    (rc = set_derived(l, "listinfo_url", list_get(l, "web_page_url"), "listinfo/", l->name,
	                      NULL, NULL)))
		return rc;
	if (list_get_bool(l, "archive_private"))
		return set_derived(l, "archive_url", list_get(l, "web_page_url"), "private/",
		                   l->name, "/", NULL);
	return set_derived(l, "archive_url", "http://", host, "/pipermail/", l->name, "/");
}

static int apply_defaults(struct list *l)
{
	size_t i;
	int rc;

	for (i = 0; i < lset_count(); i++) {
		const struct lset_def *d = lset_at(i);
		if (l->values[i] == NULL && d->def != NULL &&
		    (rc = set_value(l, d->name, d->def, strlen(d->def))) != LM_OK)
			return rc;
	}
	return apply_derived(l);
}

/* Build a snapshot from a stored record. */
static int list_from_record(const char *name, const void *rec, size_t len, struct list **out)
{
	struct list *l = calloc(1, sizeof(*l));
	const char *k, *v;
	size_t pos = 0, klen, vlen;
	int rc = LM_ENOMEM;

	if (l == NULL || (l->values = calloc(lset_count(), sizeof(char *))) == NULL ||
	    (l->name = strdup(name)) == NULL)
		goto fail;
	while (kvrec_next(rec, len, &pos, &k, &klen, &v, &vlen))
		if ((rc = set_value(l, k, v, vlen)) != LM_OK)
			goto fail;
	if ((rc = apply_defaults(l)) != LM_OK)
		goto fail;
	rc = LM_ENOMEM;
	if (asprintf(&l->address, "%s@%s", l->name, list_get(l, "host_name")) < 0) {
		l->address = NULL;
		goto fail;
	}
	*out = l;
	return LM_OK;
fail:
	list_free(l);
	return rc;
}

/* "list", "List@Example.org" or "<list@example.org>" -> the lower-case list name. */
static int name_of(const char *spec, struct buf *name)
{
	size_t len = strcspn(spec, "@"), i;
	int rc;

	if (*spec == '<') {
		spec++;
		len = strcspn(spec, "@>");
	}
	for (i = 0; i < len; i++)
		if ((rc = buf_putc(name, tolower((unsigned char)spec[i]))) != LM_OK)
			return rc;
	return lists_name_valid(buf_cstr(name)) ? LM_OK : LM_EINVAL;
}

struct get_arg {
	const char *name;
	struct list *list;
};

static int get_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct get_arg *g = arg;
	MDB_val k = {strlen(g->name), (void *)g->name}, v;
	int rc = mdb_get(txn, dbenv_dbi(env, DB_LISTS), &k, &v);

	if (rc != 0)
		return dbenv_rc(rc);
	return list_from_record(g->name, v.mv_data, v.mv_size, &g->list);
}

int lists_get(struct dbenv *env, const char *list, struct list **out)
{
	struct get_arg g = {NULL, NULL};
	struct buf name;
	int rc;

	buf_init(&name, 256);
	if ((rc = name_of(list, &name)) == LM_OK) {
		g.name = buf_cstr(&name);
		if ((rc = dbenv_read(env, get_fn, &g)) == LM_OK)
			*out = g.list;
	}
	buf_free(&name);
	return rc == LM_EINVAL ? LM_ENOENT : rc;
}

/* Parse "key=value" settings into a record, checking every key and value. */
static int settings_record(const char *const *kv, size_t nkv, struct buf *rec, struct buf *err)
{
	struct buf key, val;
	size_t i;
	int rc = LM_OK;

	buf_init(&key, 128);
	buf_init(&val, 128 * 1024);
	for (i = 0; i < nkv && rc == LM_OK; i++) {
		const char *eq = strchr(kv[i], '=');
		const struct lset_def *d;
		buf_reset(&key);
		buf_reset(&val);
		if (eq == NULL || (rc = buf_append(&key, kv[i], (size_t)(eq - kv[i]))) != LM_OK) {
			buf_printf(err, "\"%.60s\": expected KEY=VALUE", kv[i]);
			rc = rc ? rc : LM_EINVAL;
		} else if ((d = lset_find(buf_cstr(&key))) == NULL) {
			buf_printf(err, "unknown setting \"%.60s\"", buf_cstr(&key));
			rc = LM_EINVAL;
		} else if ((rc = lset_normalise(d, eq + 1, &val, err)) == LM_OK) {
			rc = kvrec_put(rec, d->name, buf_cstr(&val));
		}
	}
	buf_free(&key);
	buf_free(&val);
	return rc;
}

struct put_arg {
	const char *name;
	struct buf *rec; /* new pairs; for set, merged over the stored ones */
	bool create;
};

/* Merge new pairs over an old record: later pairs win when the list is read. */
static int put_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct put_arg *p = arg;
	MDB_val k = {strlen(p->name), (void *)p->name}, old, v;
	MDB_dbi dbi = dbenv_dbi(env, DB_LISTS);
	int rc = mdb_get(txn, dbi, &k, &old);
	char *data;

	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (p->create && rc == 0)
		return LM_EEXIST;
	if (!p->create && rc == MDB_NOTFOUND)
		return LM_ENOENT;
	v.mv_size = (rc == 0 ? old.mv_size : 0) + p->rec->len;
	if (v.mv_size > LIST_REC_MAX)
		return LM_ETOOBIG;
	if ((data = malloc(v.mv_size ? v.mv_size : 1)) == NULL)
		return LM_ENOMEM;
	if (rc == 0)
		memcpy(data, old.mv_data, old.mv_size);
	memcpy(data + (rc == 0 ? old.mv_size : 0), p->rec->data, p->rec->len);
	v.mv_data = data;
	rc = mdb_put(txn, dbi, &k, &v, 0);
	free(data);
	return rc;
}

static int store(struct dbenv *env, const char *name, struct buf *rec, bool create)
{
	struct put_arg p = {name, rec, create};

	return dbenv_write(env, put_fn, &p);
}

int lists_create(struct dbenv *env, const char *address, const char *const *kv, size_t nkv,
                 struct buf *err)
{
	struct buf dummy;
	struct buf name, host, rec;
	const char *at = strrchr(address, '@');
	int rc;
	buf_init(&dummy, 1024);
	if (err == NULL)
		err = &dummy;

	buf_init(&name, 256);
	buf_init(&host, 512);
	buf_init(&rec, LIST_REC_MAX);
	rc = LM_EINVAL;
	if (at == NULL || name_of(address, &name) != LM_OK) {
		buf_printf(err, "\"%.100s\": expected LIST@DOMAIN with a plain list name", address);
		goto out;
	}
	for (at++; *at && *at != '>'; at++)
		buf_putc(&host, tolower((unsigned char)*at));
	if ((rc = lset_normalise(lset_find("host_name"), buf_cstr(&host), &rec, NULL)) != LM_OK) {
		buf_printf(err, "\"%.100s\": bad domain", address);
		goto out;
	}
	buf_reset(&rec);
	if ((rc = kvrec_put(&rec, "host_name", buf_cstr(&host))) == LM_OK &&
	    (rc = settings_record(kv, nkv, &rec, err)) == LM_OK &&
	    (rc = store(env, buf_cstr(&name), &rec, true)) == LM_EEXIST)
		buf_printf(err, "a list named \"%s\" exists already", buf_cstr(&name));
out:
	buf_free(&name);
	buf_free(&host);
	buf_free(&rec);
	buf_free(&dummy);
	return rc;
}

int lists_set(struct dbenv *env, const char *list, const char *const *kv, size_t nkv,
              struct buf *err)
{
	struct buf dummy;
	struct buf name, rec;
	int rc;
	buf_init(&dummy, 1024);
	if (err == NULL)
		err = &dummy;

	buf_init(&name, 256);
	buf_init(&rec, LIST_REC_MAX);
	if ((rc = name_of(list, &name)) != LM_OK)
		rc = LM_ENOENT;
	else if ((rc = settings_record(kv, nkv, &rec, err)) == LM_OK)
		rc = store(env, buf_cstr(&name), &rec, false);
	if (rc == LM_ENOENT)
		buf_printf(err, "no list \"%.100s\"", list);
	buf_free(&name);
	buf_free(&rec);
	buf_free(&dummy);
	return rc;
}

int list_dump(const struct list *l, struct buf *out)
{
	size_t i;
	int rc;

	for (i = 0; i < lset_count(); i++) {
		const char *v = l->values[i] ? l->values[i] : "";
		struct buf esc;
		buf_init(&esc, 256 * 1024);
		/* newlines in templates are shown as \n so each setting stays one line */
		for (; *v; v++)
			rc = *v == '\n' ? buf_puts(&esc, "\\n") : buf_putc(&esc, *v);
		rc = buf_printf(out, "%s = %s\n", lset_at(i)->name, buf_cstr(&esc));
		buf_free(&esc);
		if (rc != LM_OK)
			return rc;
	}
	return LM_OK;
}

static int names_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_LISTS), &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if ((rc = buf_printf(arg, "%.*s\n", (int)k.mv_size, (char *)k.mv_data)) != LM_OK)
			break;
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? LM_OK : rc;
}

int lists_names(struct dbenv *env, struct buf *out)
{
	return dbenv_read(env, names_fn, out);
}

/* Mailman's aliases: LIST-suffix@domain, and LIST-bounces+anything / LIST-confirm+cookie. */
static const struct {
	const char *suffix;
	enum list_addr_kind kind;
	bool plus;
} rcpt_suffixes[] = {
        {"-request", LIST_ADDR_REQUEST, false},   {"-owner", LIST_ADDR_OWNER, false},
        {"-bounces", LIST_ADDR_BOUNCES, true},    {"-admin", LIST_ADDR_ADMIN, false},
        {"-confirm", LIST_ADDR_CONFIRM, true},    {"-join", LIST_ADDR_JOIN, false},
        {"-subscribe", LIST_ADDR_JOIN, false},    {"-leave", LIST_ADDR_LEAVE, false},
        {"-unsubscribe", LIST_ADDR_LEAVE, false},
};

static int try_rcpt(struct dbenv *env, const char *name, size_t len, const char *domain,
                    struct list **out)
{
	struct buf n;
	struct list *l = NULL;
	int rc;

	buf_init(&n, 256);
	if ((rc = buf_append(&n, name, len)) == LM_OK)
		rc = lists_get(env, buf_cstr(&n), &l);
	buf_free(&n);
	if (rc != LM_OK)
		return rc;
	if (strcasecmp(list_domain(l), domain) != 0) {
		list_free(l);
		return LM_ENOENT;
	}
	*out = l;
	return LM_OK;
}

static int find_local(struct dbenv *env, const char *local, size_t llen, const char *domain,
                      struct list **out, enum list_addr_kind *kind)
{
	size_t i, slen, base;
	const char *plus = memchr(local, '+', llen);
	int rc;

	if ((rc = try_rcpt(env, local, llen, domain, out)) != LM_ENOENT) {
		*kind = LIST_ADDR_POST;
		return rc;
	}
	for (i = 0; i < sizeof(rcpt_suffixes) / sizeof(rcpt_suffixes[0]); i++) {
		size_t end = rcpt_suffixes[i].plus && plus ? (size_t)(plus - local) : llen;
		slen = strlen(rcpt_suffixes[i].suffix);
		if (end <= slen || strncasecmp(local + end - slen, rcpt_suffixes[i].suffix, slen))
			continue;
		base = end - slen;
		if ((rc = try_rcpt(env, local, base, domain, out)) != LM_ENOENT) {
			*kind = rcpt_suffixes[i].kind;
			return rc;
		}
	}
	return LM_ENOENT;
}

int lists_find_rcpt(struct dbenv *env, const char *rcpt, struct list **out,
                    enum list_addr_kind *kind)
{
	struct buf addr;
	const char *at;
	int rc;

	buf_init(&addr, 512);
	if (lists_parse_address(rcpt, &addr, NULL) != LM_OK) {
		buf_free(&addr);
		return LM_ENOENT;
	}
	at = strrchr(buf_cstr(&addr), '@');
	rc = find_local(env, buf_cstr(&addr), (size_t)(at - buf_cstr(&addr)), at + 1, out, kind);
	buf_free(&addr);
	return rc;
}
