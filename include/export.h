/*
 * export.h: the pipermail exporter. The renderer works on in-memory articles of one period
 * (export_view_*, export_*_page); export_run() walks a list's archive and writes the tree.
 */
#ifndef LISTMILTER_EXPORT_H
#define LISTMILTER_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "buf.h"
#include "dbenv.h"
#include "html.h"

/** The list settings the pages use (all strings borrowed, never NULL). */
struct export_list {
	const char *name;           /**< internal name ("mylist") */
	const char *real_name;      /**< display name ("Mylist") */
	const char *address;        /**< posting address (the mailto: target when obscuring) */
	const char *listinfo;       /**< absolute listinfo URL */
	const char *subject_prefix; /**< subject_prefix, stripped for the sort and thread keys */
	const char *charset;        /**< archive_charset, the page charset */
	bool obscure;               /**< obscure_addresses */
	bool old_prevnext;          /**< "Previous message:" labels of Mailman before 2.1.20 */
};

/** One period's articles, in number order (borrowed). */
struct export_period {
	const char *name;  /**< directory name ("2021-May") */
	const char *label; /**< human label ("May 2021") */
	const struct article *arts;
	size_t n;
	int64_t archived; /**< the "Archived on" time of the index pages */
};

/** A period prepared for rendering: display strings, sort orders, threads. */
struct export_view;

/**
 * @brief Select the zone dates are shown in (export_ctime, the pages); process-wide.
 * @param[in] tz an IANA zone name; "" or NULL is UTC.
 */
void export_tz_set(const char *tz);

/**
 * @brief Mailman's i18n.ctime in the zone of export_tz_set(): "Sat May  1 00:43:06 MDT 2021".
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int export_ctime(int64_t epoch, struct buf *out);

/** @brief time.ctime() in that zone, for the .txt From_ line: "Sat May  1 00:43:06 2021". */
int export_ctime_nozone(int64_t epoch, struct buf *out);

/**
 * @brief Prepare a period: display subjects and authors, date/subject/author orders and the
 * thread order of spec 5 (from each article's parent).
 * @param[in] l list settings, @param[in] p the period; both must outlive the view.
 * @param[out] out the view; free with export_view_free().
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG.
 */
int export_view_build(const struct export_list *l, const struct export_period *p,
                      struct export_view **out);

/** @brief Free a view (NULL is accepted). */
void export_view_free(struct export_view *v);

/** @brief The index (into p->arts) of the article at position k of the thread order. */
size_t export_view_thread_at(const struct export_view *v, size_t k);

/**
 * @brief Render the article page NNNNNN.html of article i (index into p->arts).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int export_article_page(const struct export_view *v, size_t i, struct buf *out);

/** The four index pages of a period. */
enum export_index { EXPORT_THREAD, EXPORT_SUBJECT, EXPORT_AUTHOR, EXPORT_DATE };

/** @brief File name of an index page ("thread.html"). */
const char *export_index_name(enum export_index kind);

/**
 * @brief Render one of a period's index pages.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int export_index_page(const struct export_view *v, enum export_index kind, struct buf *out);

/**
 * @brief Render the period's <period>.txt (spec 10.1), all articles in number order.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int export_txt(const struct export_view *v, struct buf *out);

/**
 * @brief gzip data into out, at level 1: pipermail's nightly job used 6, but the text is the
 * same and a full export of a large archive spends most of its CPU here at 6.
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG; LM_EIO (zlib failed).
 */
int export_gzip(const void *data, size_t len, struct buf *out);

/**
 * @brief The gzip of data, reusing an earlier gzip (old) of a prefix of it: the new text is
 * appended as one more gzip member, so a post added to a period costs only its own bytes.
 * Anything else in old (another text, corruption) is ignored and data compressed afresh.
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG; LM_EIO.
 */
int export_gzip_update(const void *old, size_t olen, const void *data, size_t len, struct buf *out);

/** One row of the table of contents. */
struct export_toc_row {
	const char *name;  /**< period directory name */
	const char *label; /**< human label */
	const char *text;  /**< "" or the text link file name ("2021-May.txt.gz") */
	uint64_t size;     /**< its size in bytes */
	bool gz;           /**< the link is to the gzip'd text */
};

/**
 * @brief Render the list's top index.html from rows already in TOC order (newest first).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int export_toc_page(const struct export_list *l, const struct export_toc_row *rows, size_t n,
                    struct buf *out);

/** What an export did. */
struct export_stats {
	size_t periods;  /**< periods rendered */
	size_t written;  /**< files written */
	size_t same;     /**< files whose bytes were already right (not rewritten) */
	size_t articles; /**< articles rendered */
	size_t linked;   /**< attachment files hard-linked */
};

/**
 * @brief Export a list's archive under dir: every page of every changed period (all of them
 * when full), the .txt and .txt.gz, the TOC, and dir/attachments linked to the stored files.
 * Files are replaced atomically and only when their bytes change; periods are never deleted.
 * dir/.export-state/<period> records each page's thread neighbours, so an incremental run
 * renders only new pages and those whose neighbours moved; attachments are hard links (or
 * symlinks where links are refused), never copies.
 * @param[in] env the environment. @param[in] data_dir DataDir (attachments live below it).
 * @param[in] list list name or address. @param[in] dir the output directory (created).
 * @param[in] full re-render every period, not only those changed since the last export.
 * @param[out] st counters (may be NULL).
 * @return LM_OK; LM_ENOENT (no such list); LM_EIO; LM_EDB; LM_ENOMEM; LM_ETOOBIG.
 */
int export_run(struct dbenv *env, const char *data_dir, const char *list, const char *dir,
               bool full, struct export_stats *st);

#endif
