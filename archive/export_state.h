/*
 * export_state.h: what the last export of a period wrote (each article's thread neighbours
 * and a fingerprint of the settings), so an incremental run renders only pages that change.
 */
#ifndef LISTMILTER_EXPORT_STATE_H
#define LISTMILTER_EXPORT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export_priv.h"

/** One period's record: seq, prev and next (UINT32_MAX: none) per article, in seq order. */
struct export_state {
	uint64_t fingerprint;
	uint32_t *rows; /**< 3 per article */
	size_t n;
};

/** @brief Fingerprint of everything besides the articles that shapes the pages. */
uint64_t export_state_fingerprint(const struct export_list *l, const char *tz);

/**
 * @brief Load a state file; a missing or malformed one gives an empty state (render all).
 * @return LM_OK; LM_ENOMEM.
 */
int export_state_load(const char *path, struct export_state *st);

/** @brief Whether article i's page may differ from what the state says was written. */
bool export_state_stale(const struct export_state *st, uint64_t fingerprint,
                        const struct export_view *v, size_t i);

/**
 * @brief Write the state of a rendered view atomically.
 * @return LM_OK; LM_EIO; LM_ENOMEM; LM_ETOOBIG.
 */
int export_state_save(const char *path, uint64_t fingerprint, const struct export_view *v);

/** @brief Free a loaded state. */
void export_state_free(struct export_state *st);

#endif
