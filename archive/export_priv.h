/*
 * export_priv.h: the prepared period shared by the exporter's renderers (export_*.c only).
 * Display strings are UTF-8 and not yet escaped; each renderer escapes for its destination.
 */
#ifndef LISTMILTER_EXPORT_PRIV_H
#define LISTMILTER_EXPORT_PRIV_H

#include "export.h"

#define EXPORT_NONE ((size_t)-1)

/** Per-article strings and positions. */
struct export_item {
	char *subject;  /**< displayed subject: decoded, Re: stripped, addresses obscured */
	char *subj_raw; /**< raw subject with Re: stripped (mailto Subject=, .txt) */
	char *author;   /**< displayed author (obscured when it is the address) */
	char *email;    /**< displayed address (obscured) */
	char *skey;     /**< subject sort key */
	char *akey;     /**< author sort key (fixAuthor) */
	char comp[40];  /**< thread key component "DDDDDDDDDDD.SEQ-" */
	size_t parent;  /**< index of the thread parent, or EXPORT_NONE */
	unsigned depth; /**< thread depth (uncapped) */
	size_t tpos;    /**< position in the thread order */
};

struct export_view {
	const struct export_list *list;
	const struct export_period *p;
	enum html_cs cs;
	struct export_item *it; /**< p->n items */
	size_t *thread;         /**< article indexes in thread order */
	size_t *bydate, *bysubject, *byauthor;
	int64_t first, last; /**< oldest and newest article date */
};

/** @brief Thread order and depths from the articles' parents (export_thread.c). */
int export_thread_build(struct export_view *v);

/** @brief Append the thread key of article i (its ancestors' components, then its own). */
int export_thread_key(const struct export_view *v, size_t i, struct buf *out);

#endif
