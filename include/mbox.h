/*
 * mbox.h: a streaming reader of mailboxes: mbox (mboxo), mboxrd, a single message, and
 * pipermail's period .txt (optionally .txt.gz), split only on strict From_ lines.
 */
#ifndef LISTMILTER_MBOX_H
#define LISTMILTER_MBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/** What a file holds. */
enum mbox_format {
	MBOX_AUTO,  /**< by name: *.txt[.gz] pipermail, *.mboxrd mboxrd, else mbox or one message */
	MBOX_MBOXO, /**< mbox; ">From " in bodies is left as it is (as Mailman's bin/arch) */
	MBOX_MBOXRD,    /**< mboxrd: one '>' is removed from ">+From " body lines */
	MBOX_PIPERMAIL, /**< a pipermail <period>.txt: "From user at host  <ctime>" separators */
	MBOX_SINGLE     /**< the whole file is one message (no From_ line) */
};

/** One message of a mailbox. */
struct mbox_msg {
	struct buf from_line; /**< the From_ line without its line end ("" for MBOX_SINGLE) */
	struct buf data;      /**< the message: headers and body, line ends as in the file */
	uint64_t offset;      /**< byte offset of the From_ line (uncompressed) */
	uint64_t line;        /**< 1-based line number of the From_ line */
};

struct mbox;

/**
 * @brief Open a mailbox for streaming (gzip files are read through zlib).
 * A From_ line separates messages only when it is a strict Unix From_ line (Mailman's
 * bin/cleanarch: "From addr Www Mmm dd hh:mm[:ss] [zone] yyyy") or Thunderbird's "From -"
 * form, or (after a blank line) "From token", and the next line is a header line; body lines
 * starting "From " stay in the body. Pipermail .txt files split on "From user at host  ctime"
 * lines followed by "From:".
 * @param[in] path the file. @param[in] fmt the format, or MBOX_AUTO.
 * @param[in] max_message the most bytes of one message (larger ones are skipped and reported).
 * @param[out] out the reader.
 * @return LM_OK; LM_ENOENT (no such file); LM_EPERM; LM_EIO; LM_ENOMEM.
 */
int mbox_open(const char *path, enum mbox_format fmt, size_t max_message, struct mbox **out);

/** @brief Initialise a message before the first mbox_next(). */
void mbox_msg_init(struct mbox_msg *msg, size_t max_message);

/** @brief Free a message's buffers. */
void mbox_msg_free(struct mbox_msg *msg);

/**
 * @brief Read the next message.
 * @param[out] msg filled (its buffers are reused).
 * @return LM_OK; LM_ENOENT (no more messages); LM_ETOOBIG (the message at msg->offset was
 * larger than max_message and was skipped: call again for the next one); LM_EIO; LM_ENOMEM.
 */
int mbox_next(struct mbox *m, struct mbox_msg *msg);

/** @brief The format in use (after MBOX_AUTO was resolved by the first mbox_next()). */
enum mbox_format mbox_format_of(const struct mbox *m);

/** @brief Uncompressed bytes consumed so far (for progress). */
uint64_t mbox_tell(const struct mbox *m);

/** @brief Compressed (file) bytes consumed so far, and the file size, for progress. */
void mbox_progress(const struct mbox *m, uint64_t *done, uint64_t *total);

/** @brief Close a reader; NULL is accepted. Returns NULL. */
struct mbox *mbox_close(struct mbox *m);

/** @brief Is line (len bytes, no line end) a strict Unix From_ line (cleanarch's regex)? */
bool mbox_strict_from(const char *line, size_t len);

/** @brief Is line a pipermail .txt From_ line ("From user at host  Mon Feb  4 12:34:56 2019")? */
bool mbox_pipermail_from(const char *line, size_t len);

#endif
