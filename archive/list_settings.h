/*
 * list_settings.h: the table of list settings shared by lists.c and members.c (private to
 * archive/). Public access goes through include/lists.h.
 */
#ifndef LISTMILTER_LIST_SETTINGS_H
#define LISTMILTER_LIST_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum lset_type {
	LS_LINE,  /* one line of text: no CR or LF (it may reach a header) */
	LS_TEXT,  /* free text, newlines allowed (templates, notices) */
	LS_BOOL,  /* yes/no */
	LS_INT,   /* a number within [min, max] */
	LS_ACTION /* accept/hold/reject/discard or 0-3 */
};

struct lset_def {
	const char *name;
	enum lset_type type;
	const char *def; /* default; NULL: computed from other settings (see lists.c) */
	long min, max;
};

/** @brief The row of a setting, or NULL. */
const struct lset_def *lset_find(const char *name);

/** @brief Number of settings and the i-th row (name order). */
size_t lset_count(void);
const struct lset_def *lset_at(size_t i);

/**
 * @brief Check and normalise a value for a setting (yes/no spelled "yes"/"no", actions as
 * numbers). @return LM_OK or LM_EINVAL with a reason in err.
 */
int lset_normalise(const struct lset_def *d, const char *value, struct buf *out, struct buf *err);

/** @brief A list name is [a-z0-9][a-z0-9._+-]* up to 64 bytes (it becomes a directory). */
bool lists_name_valid(const char *name);

/**
 * @brief Split "Name <local@domain>" or "local@domain" and lower-case the address.
 * @return LM_OK or LM_EINVAL (not a plausible address, control characters, too long).
 */
int lists_parse_address(const char *in, struct buf *addr, struct buf *name);

#endif
