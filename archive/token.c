/*
 * token.c: moderation tokens. DB_TOKENS holds "u:<token>" -> expiry for used tokens and
 * "a:<list>\0<be32 id>" -> token for the pending approval of a held post.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "lmerr.h"
#include "log.h"
#include "token.h"

#define TOKEN_MAC_LEN  16
#define TOKEN_RAW_LEN  (4 + 8 + TOKEN_MAC_LEN)
#define TOKEN_LIST_MAX 255

int token_secret_path(const struct config *cfg, struct buf *out)
{
	buf_reset(out);
	if (cfg->secret_file && *cfg->secret_file)
		return buf_puts(out, cfg->secret_file);
	return buf_printf(out, "%s/secret", cfg->data_dir);
}

/*
 * The secret belongs to whoever owns the directory it lives in (the daemon's user owns
 * DataDir): when root runs listctl first, the daemon must still be able to read it.
 */
static void secret_chown(int fd, const char *path)
{
	struct stat st;
	char *dir = strdup(path), *slash;

	if (dir == NULL || geteuid() != 0)
		goto out;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (stat(dir, &st) == 0 && st.st_uid != 0 && fchown(fd, st.st_uid, st.st_gid) != 0)
		log_syserr(NULL, "token: chown %s", path);
out:
	free(dir);
}

/* Written under a temporary name and linked into place, so no reader sees a short file. */
static int secret_write(const char *tmp, const char *path)
{
	unsigned char key[TOKEN_SECRET_MIN];
	int fd, rc = LM_EIO;

	if (RAND_bytes(key, sizeof(key)) != 1) {
		log_err(NULL, "token: RAND_bytes failed");
		return LM_EIO;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		OPENSSL_cleanse(key, sizeof(key));
		log_syserr(NULL, "token: create %s", tmp);
		return LM_EIO;
	}
	if (write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0)
		rc = LM_OK;
	else
		log_syserr(NULL, "token: write %s", tmp);
	OPENSSL_cleanse(key, sizeof(key));
	secret_chown(fd, path);
	if (close(fd) != 0 && rc == LM_OK)
		rc = LM_EIO;
	if (rc == LM_OK && link(tmp, path) != 0 && errno != EEXIST) {
		log_syserr(NULL, "token: link %s", path);
		rc = LM_EIO; /* EEXIST: another process made it first; theirs is used */
	}
	unlink(tmp);
	return rc;
}

static int secret_create(const char *path)
{
	struct buf tmp;
	int rc;

	buf_init(&tmp, 8192);
	rc = buf_printf(&tmp, "%s.new.%ld", path, (long)getpid());
	if (rc == LM_OK)
		rc = secret_write(buf_cstr(&tmp), path);
	buf_free(&tmp);
	return rc;
}

int token_secret_load(const char *path, bool create, struct token_key *out)
{
	ssize_t n;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == ENOENT && create) {
		if ((rc = secret_create(path)) != LM_OK)
			return rc;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return LM_ENOENT;
		log_syserr(NULL, "token: open %s", path);
		return LM_EIO;
	}
	n = read(fd, out->key, sizeof(out->key));
	close(fd);
	if (n < 0) {
		log_syserr(NULL, "token: read %s", path);
		return LM_EIO;
	}
	if ((size_t)n < TOKEN_SECRET_MIN) {
		log_err(NULL, "token: %s holds %zd bytes; at least %d are needed", path, n,
		        TOKEN_SECRET_MIN);
		OPENSSL_cleanse(out->key, sizeof(out->key));
		return LM_EINVAL;
	}
	out->len = (size_t)n;
	return LM_OK;
}

static void be_put(unsigned char *p, uint64_t v, int bytes)
{
	int i;

	for (i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t be_get(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* MAC over a domain tag, the kind, the list name and the id/expiry bytes. */
static int token_mac(const struct token_key *k, enum token_kind kind, const char *list,
                     const unsigned char idexp[12], unsigned char mac[TOKEN_MAC_LEN])
{
	static const char tag[] = "listmilter-token-v1";
	unsigned char data[sizeof(tag) + 1 + TOKEN_LIST_MAX + 1 + 12], full[EVP_MAX_MD_SIZE];
	size_t n = strlen(list), off = 0;
	unsigned int flen = 0;

	if (n == 0 || n > TOKEN_LIST_MAX)
		return LM_EINVAL;
	memcpy(data, tag, sizeof(tag)), off = sizeof(tag);
	data[off++] = (unsigned char)kind;
	memcpy(data + off, list, n + 1), off += n + 1;
	memcpy(data + off, idexp, 12), off += 12;
	if (HMAC(EVP_sha256(), k->key, (int)k->len, data, off, full, &flen) == NULL || flen < 32) {
		log_err(NULL, "token: HMAC-SHA256 failed");
		return LM_EIO;
	}
	memcpy(mac, full, TOKEN_MAC_LEN);
	OPENSSL_cleanse(full, sizeof(full));
	return LM_OK;
}

int token_make(const struct token_key *k, enum token_kind kind, const char *list, uint32_t id,
               int64_t expires, char out[TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[TOKEN_RAW_LEN];
	size_t i;
	int rc;

	be_put(raw, id, 4);
	be_put(raw + 4, (uint64_t)expires, 8);
	if ((rc = token_mac(k, kind, list ? list : "", raw, raw + 12)) != LM_OK)
		return rc;
	for (i = 0; i < TOKEN_RAW_LEN; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[TOKEN_LEN] = '\0';
	return LM_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int token_check(const struct token_key *k, enum token_kind kind, const char *list, const char *tok,
                int64_t now, uint32_t *id)
{
	unsigned char raw[TOKEN_RAW_LEN], mac[TOKEN_MAC_LEN];
	size_t i;
	int hi, lo, rc;

	if (tok == NULL || strlen(tok) != TOKEN_LEN)
		return LM_EPARSE;
	for (i = 0; i < TOKEN_RAW_LEN; i++) {
		if ((hi = hexval(tok[2 * i])) < 0 || (lo = hexval(tok[2 * i + 1])) < 0)
			return LM_EPARSE;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	if ((rc = token_mac(k, kind, list ? list : "", raw, mac)) != LM_OK)
		return rc == LM_EINVAL ? LM_EPERM : rc;
	if (CRYPTO_memcmp(mac, raw + 12, TOKEN_MAC_LEN) != 0)
		return LM_EPERM;
	if ((int64_t)be_get(raw + 4, 8) < now)
		return LM_ENOENT;
	*id = (uint32_t)be_get(raw, 4);
	return LM_OK;
}

/* Used-token records are keyed by the lower-cased token, so "ABC" cannot be used after "abc". */
static void used_key(const char *tok, char key[2 + TOKEN_LEN + 1])
{
	size_t i;

	memcpy(key, "u:", 2);
	for (i = 0; i < TOKEN_LEN; i++)
		key[2 + i] = (char)(tok[i] >= 'A' && tok[i] <= 'F' ? tok[i] - 'A' + 'a' : tok[i]);
	key[2 + TOKEN_LEN] = '\0';
}

/* The expiry bytes of a token that token_check() accepted. */
static uint64_t token_expiry(const char *tok)
{
	uint64_t v = 0;
	size_t i;

	for (i = 8; i < 24; i++)
		v = v << 4 | (uint64_t)hexval(tok[i]);
	return v;
}

int token_use_txn(MDB_txn *txn, struct dbenv *env, const struct token_key *k, enum token_kind kind,
                  const char *list, const char *tok, int64_t now, uint32_t *id)
{
	char key[2 + TOKEN_LEN + 1];
	unsigned char exp[8];
	MDB_val kv, v;
	int rc;

	if ((rc = token_check(k, kind, list, tok, now, id)) != LM_OK)
		return rc;
	used_key(tok, key);
	be_put(exp, token_expiry(tok), 8);
	kv = (MDB_val){2 + TOKEN_LEN, key};
	v = (MDB_val){sizeof(exp), exp};
	rc = mdb_put(txn, dbenv_dbi(env, DB_TOKENS), &kv, &v, MDB_NOOVERWRITE);
	return rc == MDB_KEYEXIST ? LM_EEXIST : dbenv_rc(rc);
}

struct use_arg {
	const struct token_key *k;
	enum token_kind kind;
	const char *list, *tok;
	int64_t now;
	uint32_t id;
};

static int use_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct use_arg *a = arg;

	return token_use_txn(txn, env, a->k, a->kind, a->list, a->tok, a->now, &a->id);
}

int token_use(struct dbenv *env, const struct token_key *k, enum token_kind kind, const char *list,
              const char *tok, int64_t now, uint32_t *id)
{
	struct use_arg a = {k, kind, list, tok, now, 0};
	int rc = dbenv_write(env, use_fn, &a);

	if (rc == LM_OK)
		*id = a.id;
	return rc;
}

static int peek_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct use_arg *a = arg;
	char key[2 + TOKEN_LEN + 1];
	MDB_val kv, v;
	int rc;

	if ((rc = token_check(a->k, a->kind, a->list, a->tok, a->now, &a->id)) != LM_OK)
		return rc;
	used_key(a->tok, key);
	kv = (MDB_val){2 + TOKEN_LEN, key};
	rc = mdb_get(txn, dbenv_dbi(env, DB_TOKENS), &kv, &v);
	return rc == 0 ? LM_EEXIST : rc == MDB_NOTFOUND ? LM_OK : dbenv_rc(rc);
}

int token_peek(struct dbenv *env, const struct token_key *k, enum token_kind kind, const char *list,
               const char *tok, int64_t now, uint32_t *id)
{
	struct use_arg a = {k, kind, list, tok, now, 0};
	int rc = dbenv_read(env, peek_fn, &a);

	if (rc == LM_OK || rc == LM_EEXIST)
		*id = a.id;
	return rc;
}

struct appr_arg {
	const struct token_key *k;
	const char *list;
	uint32_t id;
	int64_t now, ttl;
	char *out;
};

static size_t appr_key(const char *list, uint32_t id, unsigned char *key)
{
	size_t n = strlen(list);

	memcpy(key, "a:", 2);
	memcpy(key + 2, list, n + 1);
	be_put(key + 3 + n, id, 4);
	return n + 7;
}

static int appr_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct appr_arg *a = arg;
	unsigned char key[2 + TOKEN_LIST_MAX + 1 + 4];
	MDB_val k = {appr_key(a->list, a->id, key), key}, v;
	int rc;

	rc = mdb_get(txn, dbenv_dbi(env, DB_TOKENS), &k, &v);
	if (rc == 0 && v.mv_size == TOKEN_LEN) {
		memcpy(a->out, v.mv_data, TOKEN_LEN);
		a->out[TOKEN_LEN] = '\0';
		return LM_OK;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return dbenv_rc(rc);
	if ((rc = token_make(a->k, TOKEN_APPROVE, a->list, a->id, a->now + a->ttl, a->out)))
		return rc;
	v = (MDB_val){TOKEN_LEN, a->out};
	return dbenv_rc(mdb_put(txn, dbenv_dbi(env, DB_TOKENS), &k, &v, 0));
}

int token_approval(struct dbenv *env, const struct token_key *k, const char *list, uint32_t id,
                   int64_t now, int64_t ttl, char out[TOKEN_LEN + 1])
{
	struct appr_arg a = {k, list, id, now, ttl, out};

	if (list == NULL || *list == '\0' || strlen(list) > TOKEN_LIST_MAX)
		return LM_EINVAL;
	return dbenv_write(env, appr_fn, &a);
}

static int forget_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct appr_arg *a = arg;
	unsigned char key[2 + TOKEN_LIST_MAX + 1 + 4];
	MDB_val k = {appr_key(a->list, a->id, key), key};
	int rc = mdb_del(txn, dbenv_dbi(env, DB_TOKENS), &k, NULL);

	return rc == MDB_NOTFOUND ? LM_OK : dbenv_rc(rc);
}

int token_approval_forget(struct dbenv *env, const char *list, uint32_t id)
{
	struct appr_arg a = {NULL, list, id, 0, 0, NULL};

	if (list == NULL || *list == '\0' || strlen(list) > TOKEN_LIST_MAX)
		return LM_EINVAL;
	return dbenv_write(env, forget_fn, &a);
}

struct purge_arg {
	int64_t now;
	size_t n;
};

/* A record's expiry: the 8 bytes of a used record, or the one inside a pending token. */
static bool record_expired(const MDB_val *k, const MDB_val *v, int64_t now)
{
	const char *key = k->mv_data;

	if (k->mv_size >= 2 && memcmp(key, "u:", 2) == 0 && v->mv_size == 8)
		return (int64_t)be_get(v->mv_data, 8) < now;
	if (k->mv_size >= 2 && memcmp(key, "a:", 2) == 0 && v->mv_size == TOKEN_LEN) {
		char tok[TOKEN_LEN + 1];

		memcpy(tok, v->mv_data, TOKEN_LEN);
		tok[TOKEN_LEN] = '\0';
		return strspn(tok, "0123456789abcdef") == TOKEN_LEN &&
		       (int64_t)token_expiry(tok) < now;
	}
	return false;
}

static int purge_fn(MDB_txn *txn, struct dbenv *env, void *arg)
{
	struct purge_arg *a = arg;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	a->n = 0;
	if ((rc = mdb_cursor_open(txn, dbenv_dbi(env, DB_TOKENS), &c)) != 0)
		return dbenv_rc(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (!record_expired(&k, &v, a->now))
			continue;
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		a->n++;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? LM_OK : dbenv_rc(rc);
}

int token_purge(struct dbenv *env, int64_t now, size_t *n)
{
	struct purge_arg a = {now, 0};
	int rc = dbenv_write(env, purge_fn, &a);

	if (n)
		*n = rc == LM_OK ? a.n : 0;
	return rc;
}
