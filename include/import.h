/*
 * import.h: importing existing archives into a list's LMDB archive: mbox/mboxrd and single
 * messages (scrubbed like live posts), pipermail period .txt(.gz) files (already scrubbed),
 * numbered in file order or after an old pipermail tree's numbers.
 */
#ifndef LISTMILTER_IMPORT_H
#define LISTMILTER_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "archive.h"
#include "mbox.h"
#include "scrub.h"

/** Message-ID -> article number and period, read from an old pipermail tree. */
struct import_map;

/**
 * @brief Read the numbers of an existing pipermail archive directory: for every
 * <period>/NNNNNN.html the url-unquoted In-Reply-To= of its mailto link gives the Message-ID;
 * the index pages' HREF="NNNNNN.html" give numbers of pages without one.
 * @param[in] dir the list's archive directory (holding the period directories).
 * @param[out] out the map; free with import_map_free().
 * @param[out] err a one-line reason on failure.
 * @return LM_OK; LM_ENOENT (no such directory); LM_EIO; LM_ENOMEM.
 */
int import_map_load(const char *dir, struct import_map **out, struct buf *err);

/** @brief One past the highest number of the old tree (0 when it has none). */
uint32_t import_map_next(const struct import_map *m);

/** @brief Pages that carried a Message-ID. */
size_t import_map_count(const struct import_map *m);

/**
 * @brief The number (and period) of a Message-ID; each use takes the next page of an id that
 * was archived more than once. @param[in] msgid raw, with <>.
 * @return true when found; *period is owned by the map.
 */
bool import_map_take(struct import_map *m, const char *msgid, uint32_t *number,
                     const char **period);

/** @brief Free a map; NULL is accepted. Returns NULL. */
struct import_map *import_map_free(struct import_map *m);

/** What to import and how. */
struct import_opts {
	const char *list;               /**< the list name */
	struct archive_conf conf;       /**< the list's archive settings */
	bool number_from_set;           /**< --number-from was given */
	uint32_t number_from;           /**< its value */
	struct import_map *map;         /**< --numbers-from, or NULL */
	enum mbox_format fmt;           /**< MBOX_AUTO normally */
	size_t batch;                   /**< posts per write transaction (0: 500) */
	size_t max_message;             /**< bytes of one message (larger: reported, skipped) */
	const struct scrub_opts *scrub; /**< scrubber options for raw posts */
	bool progress;                  /**< draw a progress bar on stderr */
	FILE *report;                   /**< where skipped messages are reported (stderr) */
	/* set by import_begin() */
	bool explicit_numbers;  /**< numbers below the archive's next: assigned one by one */
	uint32_t explicit_next; /**< the next of those */
};

/** Counters of an import run. */
struct import_stats {
	uint64_t messages; /**< messages read */
	uint64_t archived; /**< newly archived */
	uint64_t existed;  /**< already archived (no-op) */
	uint64_t skipped;  /**< unparseable, too big, discarded or refused */
};

/**
 * @brief Prepare numbering before the first file (--number-from / --numbers-from).
 * @return LM_OK; LM_EDB; LM_ENOMEM.
 */
int import_begin(struct dbenv *env, struct import_opts *o);

/**
 * @brief Import one file. Bad messages are reported with their position and skipped; they
 * never stop the run (storage and memory failures do, after archiving what was read). Posts
 * are parsed and scrubbed by several threads per batch and appended, numbered in file order,
 * in one write transaction per batch (opts->batch posts or 64 MB of mail).
 * @return LM_OK; LM_ENOENT/LM_EPERM/LM_EIO (the file); LM_EDB, LM_ETOOBIG (the database);
 * LM_ENOMEM.
 */
int import_file(struct dbenv *env, const char *path, struct import_opts *o,
                struct import_stats *st);

#endif
