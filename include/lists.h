/*
 * lists.h: mailing lists (settings under Mailman 2.1's names) and their members, in LMDB.
 * A list is named by its lower-case local part; "LIST" arguments accept that or the address.
 */
#ifndef LISTMILTER_LISTS_H
#define LISTMILTER_LISTS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "dbenv.h"

/** A snapshot of one list's settings, read in one transaction. Owned by the caller. */
struct list;

/** What a recipient address is for, when it belongs to a list. */
enum list_addr_kind {
	LIST_ADDR_POST,    /**< list@domain */
	LIST_ADDR_REQUEST, /**< list-request@domain (commands, confirmations) */
	LIST_ADDR_OWNER,   /**< list-owner@domain */
	LIST_ADDR_BOUNCES, /**< list-bounces@domain */
	LIST_ADDR_ADMIN,   /**< list-admin@domain (Mailman alias of owner) */
	LIST_ADDR_CONFIRM, /**< list-confirm@domain */
	LIST_ADDR_JOIN,    /**< list-join@domain, list-subscribe@domain */
	LIST_ADDR_LEAVE    /**< list-leave@domain, list-unsubscribe@domain */
};

/**
 * @brief Create a list.
 * @param[in] env the environment.
 * @param[in] address "list@domain"; the local part becomes the list name (lower-cased).
 * @param[in] kv settings as "key=value" strings, applied after the defaults.
 * @param[in] nkv how many.
 * @param[out] err a one-line reason on LM_EINVAL/LM_EEXIST (may be NULL).
 * @return LM_OK; LM_EEXIST (a list of that name exists); LM_EINVAL (bad address, unknown key,
 * bad value); LM_EDB; LM_ENOMEM.
 */
int lists_create(struct dbenv *env, const char *address, const char *const *kv, size_t nkv,
                 struct buf *err);

/**
 * @brief Change settings of a list.
 * @return LM_OK; LM_ENOENT (no such list); LM_EINVAL (unknown key or bad value, nothing
 * changed); LM_EDB; LM_ENOMEM.
 */
int lists_set(struct dbenv *env, const char *list, const char *const *kv, size_t nkv,
              struct buf *err);

/**
 * @brief Read a list's settings.
 * @param[in] list the list name or its posting address.
 * @param[out] out the snapshot; free with list_free().
 * @return LM_OK; LM_ENOENT; LM_EDB; LM_ENOMEM.
 */
int lists_get(struct dbenv *env, const char *list, struct list **out);

/**
 * @brief Find the list an envelope recipient belongs to (list@, list-request@, list-owner@...).
 * @param[in] rcpt the address, with or without angle brackets; compared case-insensitively.
 * @param[out] out the list, on success.
 * @param[out] kind which of the list's addresses it is.
 * @return LM_OK; LM_ENOENT (not a list address); LM_EDB; LM_ENOMEM.
 */
int lists_find_rcpt(struct dbenv *env, const char *rcpt, struct list **out,
                    enum list_addr_kind *kind);

/**
 * @brief Names of all lists, sorted, one per line in out.
 * @return LM_OK; LM_EDB; LM_ENOMEM; LM_ETOOBIG.
 */
int lists_names(struct dbenv *env, struct buf *out);

/** @brief Free a snapshot; NULL is accepted. Returns NULL. */
struct list *list_free(struct list *l);

/** @brief The list name (lower-case local part). */
const char *list_name(const struct list *l);

/** @brief The list's domain (host_name). */
const char *list_domain(const struct list *l);

/** @brief The posting address, "name@domain". */
const char *list_address(const struct list *l);

/**
 * @brief A setting's value as text, with its default applied when unset.
 * @param[in] key a Mailman 2.1 setting name ("real_name", "subject_prefix", ...).
 * @return the value (valid while l lives), or NULL for an unknown key.
 */
const char *list_get(const struct list *l, const char *key);

/** @brief A numeric or yes/no setting as a number (yes = 1, no = 0); 0 for unknown keys. */
long list_get_int(const struct list *l, const char *key);

/** @brief A yes/no setting. */
bool list_get_bool(const struct list *l, const char *key);

/**
 * @brief All settings, one "key = value" line each, in name order (listctl show).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int list_dump(const struct list *l, struct buf *out);

/** Member flags (Mailman's names). */
struct member {
	char *address;   /**< lower-cased address (owned) */
	char *real_name; /**< display name, may be "" (owned) */
	bool moderate;   /**< posts are held/rejected/discarded per member_moderation_action */
	bool nomail;     /**< receives no posts */
};

/**
 * @brief Add members. Existing members are left alone (not an error).
 * @param[in] list list name or address.
 * @param[in] addrs addresses, optionally "Name <addr>".
 * @param[in] n how many.
 * @param[out] added how many were new (may be NULL).
 * @param[out] err names the first bad address on LM_EINVAL (may be NULL).
 * @return LM_OK; LM_ENOENT (no such list); LM_EINVAL; LM_EDB; LM_ENOMEM.
 */
int members_add(struct dbenv *env, const char *list, const char *const *addrs, size_t n,
                size_t *added, struct buf *err);

/**
 * @brief Remove members.
 * @return LM_OK; LM_ENOENT (no such list, or the first address that is not a member);
 * LM_EDB; LM_ENOMEM.
 */
int members_remove(struct dbenv *env, const char *list, const char *const *addrs, size_t n,
                   struct buf *err);

/**
 * @brief Set member flags from "key=value" strings (moderate=yes, nomail=no, real_name=...).
 * @return LM_OK; LM_ENOENT (no such list or member); LM_EINVAL; LM_EDB; LM_ENOMEM.
 */
int members_set(struct dbenv *env, const char *list, const char *addr, const char *const *kv,
                size_t nkv, struct buf *err);

/**
 * @brief Look one member up.
 * @param[out] out filled on success; release with member_clear().
 * @return LM_OK; LM_ENOENT (not a member, or no such list); LM_EDB; LM_ENOMEM.
 */
int members_get(struct dbenv *env, const char *list, const char *addr, struct member *out);

/** @brief Free the strings of a member. */
void member_clear(struct member *m);

/**
 * @brief Call fn for every member of a list, in address order, inside one read snapshot.
 * fn returns 0 to go on, or a negative lm_err to stop (that value is returned). fn must not
 * call dbenv_read() or dbenv_write().
 * @return LM_OK; fn's value; LM_ENOENT (no such list); LM_EDB.
 */
int members_foreach(struct dbenv *env, const char *list,
                    int (*fn)(const struct member *m, void *arg), void *arg);

#endif
