/*
 * attstore.h: attachment storage of the scrubber: the attachments/YYYYMMDD/<hash8>/ directory
 * of a message, Mailman's file naming, and atomic, root-confined file writes.
 */
#ifndef LISTMILTER_ATTSTORE_H
#define LISTMILTER_ATTSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

/** Longest sanitised base name (Mailman truncates to 240). */
#define ATTSTORE_MAX_BASE 240
/** Most -NNNN suffixes tried for one file before giving up. */
#define ATTSTORE_MAX_SUFFIX 9999

/** An open message directory, locked for one scrub run. */
struct attstore {
	int dirfd;       /**< attachments/YYYYMMDD/<hash8>, opened without following links */
	int lockfd;      /**< attachments.lock in that directory, flock()ed */
	char rel[40];    /**< "attachments/YYYYMMDD/<hash8>" (for URLs) */
	char **used;     /**< names claimed by earlier parts of this run */
	size_t nused;    /**< entries in used */
	unsigned tmpseq; /**< temporary name counter */
	const char *qid; /**< queue id for log lines, or NULL */
};

/**
 * @brief hash8 of spec 6.2: first 4 + last 4 hex digits of SHA-1(raw Message-ID value).
 * @param[in] msgid the raw header value, with its angle brackets.
 * @param[out] out 8 hex digits and a NUL.
 * @return LM_OK; LM_EIO (libcrypto failed).
 */
int attstore_hash8(const char *msgid, char out[9]);

/**
 * @brief YYYYMMDD of spec 6.2: the Date header as written (no zone conversion); without a
 * Date header gmtime(received); when the date is unusable the From_ line's fields 4, 5, 7;
 * else "00000000".
 * @param[in] date the raw Date header value, or NULL when there is none.
 * @param[in] received arrival time (used only without a Date header).
 * @param[in] from_line the mbox From_ line, or NULL.
 * @param[out] out 8 digits and a NUL.
 */
void attstore_datedir(const char *date, time_t received, const char *from_line, char out[9]);

/**
 * @brief The file name parts of spec 6.4 for one attachment.
 * @param[in] filename the attachment's decoded file name (in the list charset), or NULL.
 * @param[in] ctype the lower-case MIME type.
 * @param[in] use_filename scrub_use_filename: base the name on filename.
 * @param[out] base the sanitised base ("attachment" by default; only [-a-zA-Z0-9_.], no
 * leading dot, at most ATTSTORE_MAX_BASE bytes; may be empty, giving ".pdf" like Mailman).
 * @param[out] ext the extension with its dot, only [-a-zA-Z0-9_.] (e.g. ".pdf").
 * @return LM_OK; LM_ENOMEM; LM_ETOOBIG.
 */
int attstore_name(const char *filename, const char *ctype, bool use_filename, struct buf *base,
                  struct buf *ext);

/**
 * @brief Create (mkdir per component) and lock root/attachments/YYYYMMDD/<hash8>.
 * The root must exist or its parent must (it is created then). Symlinks below the root are
 * never followed.
 * @param[out] s the store (attstore_close() it).
 * @param[in] root the storage root of the list.
 * @param[in] datedir 8 digits from attstore_datedir().
 * @param[in] hash8 from attstore_hash8().
 * @param[in] qid queue id for log lines, or NULL.
 * @return LM_OK; LM_EIO (a directory could not be made, opened or locked); LM_EPERM (a
 * component is not a directory, e.g. a planted symlink); LM_EINVAL (bad datedir or hash8).
 */
int attstore_open(struct attstore *s, const char *root, const char *datedir, const char *hash8,
                  const char *qid);

/**
 * @brief Create a new temporary file (O_EXCL) in the message directory.
 * @param[in,out] s the store.
 * @param[out] fd the writable descriptor.
 * @param[out] tmpname its name in the directory (NUL-terminated).
 * @return LM_OK; LM_EIO.
 */
int attstore_tmp(struct attstore *s, int *fd, char tmpname[64]);

/**
 * @brief fsync a finished temporary file and give it its final name: base + ext, else
 * base-0001 + ext, ... A name that exists with byte-identical content and was not claimed by an
 * earlier part of this run is reused (a retried scrub stores nothing twice); a file is never
 * overwritten. Closes fd and removes the temporary name in every case.
 * @param[in,out] s the store.
 * @param[in] fd the temporary file (taken over).
 * @param[in] tmpname its name.
 * @param[in] base, ext from attstore_name().
 * @param[out] name the final file name (appended).
 * @return LM_OK; LM_EIO (write, fsync, link failed, or all suffixes taken); LM_ENOMEM;
 * LM_ETOOBIG (name does not fit).
 */
int attstore_commit(struct attstore *s, int fd, const char *tmpname, const char *base,
                    const char *ext, struct buf *name);

/** @brief Close and remove an unfinished temporary file. */
void attstore_abort(struct attstore *s, int fd, const char *tmpname);

/** @brief Unlock and close the store; safe after any attstore_open() (even a failed one) and
 * on an already closed store. */
void attstore_close(struct attstore *s);

#endif
