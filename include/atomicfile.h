/*
 * atomicfile.h: replace a file so that readers see the old bytes or the new ones, never a
 * mix, and leave it alone when it already holds the new bytes.
 */
#ifndef LISTMILTER_ATOMICFILE_H
#define LISTMILTER_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>

/** Also fsync the file before the rename (callers that batch use syncfs() instead). */
#define ATOMICFILE_FSYNC 1
/** The file is known not to exist (a directory made in this run): skip the comparison and
 * create it with O_TMPFILE + link, which is atomic too; an existing file is still replaced. */
#define ATOMICFILE_NEW 2

/**
 * @brief Write path atomically: a temporary file in the same directory, then rename(2).
 * Nothing is written when path already holds exactly these bytes.
 * @param[in] path the file. @param[in] data, len the new contents.
 * @param[in] mode permission bits of a new file (e.g. 0644).
 * @param[in] flags 0, ATOMICFILE_FSYNC, ATOMICFILE_NEW.
 * @param[out] written true when the file was (re)written (may be NULL).
 * @return LM_OK; LM_EIO (errno kept; the temporary file is removed); LM_ENOMEM.
 */
int atomicfile_write(const char *path, const void *data, size_t len, unsigned mode, unsigned flags,
                     bool *written);

/**
 * @brief Whether path holds exactly these bytes (false when it cannot be read).
 */
bool atomicfile_same(const char *path, const void *data, size_t len);

/**
 * @brief Read a whole file (at most cap bytes) into a NUL-terminated heap buffer.
 * @param[out] out the contents (free()), @param[out] len their length.
 * @return LM_OK; LM_ENOENT; LM_EIO; LM_ETOOBIG; LM_ENOMEM.
 */
int atomicfile_read(const char *path, size_t cap, char **out, size_t *len);

#endif
