/*
 * golden_compare.h: field-by-field comparison of exported pipermail pages with real ones
 * (title, author, address, date, body, prev/next, index order and nesting, header counts).
 */
#ifndef LISTMILTER_GOLDEN_COMPARE_H
#define LISTMILTER_GOLDEN_COMPARE_H

#include <stddef.h>

/** Counts of a comparison; mismatches are printed to stdout, one line each. */
struct golden_score {
	size_t fields;  /**< fields compared */
	size_t same;    /**< fields equal */
	size_t pages;   /**< pages compared */
	size_t missing; /**< golden pages we did not produce */
};

/**
 * @brief Compare an article page (golden vs ours); adds to score.
 * @param[in] name file name, for the report.
 */
void golden_article(const char *name, const char *want, const char *got, struct golden_score *s);

/** @brief Compare an index page (order, nesting, Starting/Ending/Messages). */
void golden_index(const char *name, const char *want, const char *got, struct golden_score *s);

/** @brief Compare every NNNNNN.html and index page of golden_dir with ours_dir. */
void golden_period(const char *golden_dir, const char *ours_dir, struct golden_score *s);

#endif
