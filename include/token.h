/*
 * token.h: moderation tokens: HMAC-SHA256 under the site secret, bound to (kind, list, held
 * id, expiry), single use (DB_TOKENS remembers used ones), compared in constant time.
 */
#ifndef LISTMILTER_TOKEN_H
#define LISTMILTER_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "buf.h"
#include "config.h"
#include "dbenv.h"

/** The fewest secret bytes accepted, and how many a new secret file gets. */
#define TOKEN_SECRET_MIN 32
#define TOKEN_SECRET_MAX 256

/**
 * A token is 56 lower-case hex digits: the held id (4 bytes), the expiry (8 bytes, seconds
 * since the epoch) and the first 16 bytes (128 bits) of the HMAC, all big-endian.
 */
#define TOKEN_LEN 56

/** What a token allows; part of the MAC, so a token of one kind is useless as another. */
enum token_kind {
	TOKEN_CONFIRM = 'c', /**< the moderator notice's "confirm <token>" (approve or discard) */
	TOKEN_APPROVE = 'a'  /**< X-Listmilter-Approved: on a post re-injected after approval */
};

/** The site secret. */
struct token_key {
	unsigned char key[TOKEN_SECRET_MAX];
	size_t len;
};

/**
 * @brief The secret file's path: SecretFile, or DataDir/secret when that is empty.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int token_secret_path(const struct config *cfg, struct buf *out);

/**
 * @brief Read the site secret, creating it (RAND_bytes, mode 0600, fsync) when missing.
 * @param[in] path the file.
 * @param[in] create make a new secret if the file does not exist.
 * @param[out] out the key.
 * @return LM_OK; LM_ENOENT (missing and !create); LM_EINVAL (fewer than TOKEN_SECRET_MIN
 * bytes); LM_EIO (read, write or RAND_bytes failed; logged).
 */
int token_secret_load(const char *path, bool create, struct token_key *out);

/**
 * @brief Make a token.
 * @param[out] out TOKEN_LEN hex digits and a NUL.
 * @return LM_OK; LM_EINVAL (empty list name); LM_EIO (HMAC failed).
 */
int token_make(const struct token_key *k, enum token_kind kind, const char *list, uint32_t id,
               int64_t expires, char out[TOKEN_LEN + 1]);

/**
 * @brief Check a token's form, MAC and expiry (not whether it was used).
 * @param[out] id the held id it names.
 * @return LM_OK; LM_EPARSE (not a token); LM_EPERM (a MAC mismatch: forged, tampered, another
 * list or another kind); LM_ENOENT (expired).
 */
int token_check(const struct token_key *k, enum token_kind kind, const char *list, const char *tok,
                int64_t now, uint32_t *id);

/**
 * @brief Check a token and mark it used, inside the caller's write transaction, so the use
 * commits with what it allowed (the archive append, the held post's removal).
 * @return as token_check(); LM_EEXIST (used before); or an MDB code for the dbenv wrapper.
 */
int token_use_txn(MDB_txn *txn, struct dbenv *env, const struct token_key *k, enum token_kind kind,
                  const char *list, const char *tok, int64_t now, uint32_t *id);

/**
 * @brief Check a token like token_use() without using it: LM_EEXIST when it was used before.
 * @return as token_check(); LM_EEXIST; LM_EDB.
 */
int token_peek(struct dbenv *env, const struct token_key *k, enum token_kind kind, const char *list,
               const char *tok, int64_t now, uint32_t *id);

/**
 * @brief token_use_txn() in a transaction of its own.
 */
int token_use(struct dbenv *env, const struct token_key *k, enum token_kind kind, const char *list,
              const char *tok, int64_t now, uint32_t *id);

/**
 * @brief The approval token of a held post: made once and remembered, so approving twice (a
 * retry after a crash) re-injects with the same token and the milter passes the post once.
 * @param[in] ttl seconds the token stays valid.
 * @param[out] out the token.
 * @return LM_OK; LM_EINVAL; LM_EIO; LM_EDB; LM_ENOMEM.
 */
int token_approval(struct dbenv *env, const struct token_key *k, const char *list, uint32_t id,
                   int64_t now, int64_t ttl, char out[TOKEN_LEN + 1]);

/**
 * @brief Forget the approval token of a held post (the re-injection failed).
 * @return LM_OK; LM_EDB.
 */
int token_approval_forget(struct dbenv *env, const char *list, uint32_t id);

/**
 * @brief Delete the records of used and pending tokens that expired before now.
 * @param[out] n how many were deleted (may be NULL).
 * @return LM_OK; LM_EDB.
 */
int token_purge(struct dbenv *env, int64_t now, size_t *n);

#endif
