/*
 * scrub.h: Mailman 2.1's scrubber: attachments of a post are stored on disk under
 * attachments/YYYYMMDD/<hash8>/ and replaced in the archived text by Mailman's notices.
 */
#ifndef LISTMILTER_SCRUB_H
#define LISTMILTER_SCRUB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gmime/gmime.h>

#include "buf.h"

/** Limits the scrubber enforces while walking a message (site configuration keys). */
struct scrub_limits {
	size_t max_header_bytes;  /**< MaxHeaderBytes: header bytes of the whole message (the
	                           *   top header before parsing, all part headers when scrubbing) */
	size_t max_depth;         /**< MaxMimeDepth: nesting of multiparts and messages */
	size_t max_parts;         /**< MaxMimeParts */
	size_t max_decoded_bytes; /**< MaxDecodedBytes: decoded bytes of all parts together */
};

/** What the scrubber needs to know about the list and the post. */
struct scrub_opts {
	const char *list_name;    /**< internal list name (generated Message-IDs) */
	const char *host;         /**< list host name (generated Message-IDs) */
	const char *archive_url;  /**< the list's archive_url, ending in '/' */
	const char *storage_root; /**< files go to storage_root/attachments/YYYYMMDD/<hash8>/ */
	const char *lcset;        /**< the list charset ("us-ascii", "utf-8", ...) */
	int html_sanitizer;       /**< 0-3, Mailman's ARCHIVE_HTML_SANITIZER */
	bool use_filename;        /**< scrub_use_filename: name files after the attachment */
	time_t received;          /**< arrival time: the date fallback of spec 6.2 */
	const char *from_line;    /**< the mbox From_ line, or NULL */
	struct scrub_limits limits;
	const char *qid; /**< queue id for log lines, or NULL */
	/** 32 bytes that identify the post across MTA retries (a hash of what a retry carries
	 * unchanged), or NULL. When set, a generated Message-ID takes its serial, time and pid
	 * fields from the seed instead of a counter, the clock and getpid(): a retry then gets
	 * the same Message-ID, the same <hash8> directory, and reuses its attachment files. */
	const unsigned char *msgid_seed;
};

/** The scrubbed post. scrub_result_clear() frees it. */
struct scrub_result {
	struct buf text;        /**< the scrubbed body text (UTF-8) */
	char *charset;          /**< the charset of the scrubbed message (spec 6.5 step 1) */
	char *message_id;       /**< the raw Message-ID used for hash8, with <> */
	bool generated_msgid;   /**< message_id was generated (and added to the message) */
	bool discarded;         /**< sanitizer 0 and an outer text/html: not to be archived */
	size_t files;           /**< attachment files written or reused */
	struct buf reason;      /**< why a limit was hit (LM_ETOOBIG) */
	GMimeMessage *scrubbed; /**< the scrubbed message itself (for scrub_nondigest), or NULL */
};

/** @brief Initialise a result before the first use. */
void scrub_result_init(struct scrub_result *r);

/** @brief Free what a result holds and leave it initialised. */
void scrub_result_clear(struct scrub_result *r);

/**
 * @brief Scrub a parsed message: store its attachments and build the archived text.
 * Re-scrubbing the same message reuses the files it wrote the first time (same names), so a
 * retried delivery stores nothing twice. Files are written atomically and only below
 * storage_root.
 * Only attachment files are written (a post without attachments creates no directory); the
 * message itself is not changed except for a generated Message-ID (r->generated_msgid: the
 * caller must add r->message_id to the delivered and archived copies too).
 * Memory stays flat in the size of the post: attachments stream to their files, inline text
 * streams into r->text (capped by MaxDecodedBytes plus room for the notices).
 * @param[in,out] msg the message; a generated Message-ID is added to it.
 * @param[in] o options.
 * @param[out] r the result (initialised by the caller; scrub_result_clear() before reuse).
 * @param[in] want_message also build r->scrubbed (scrub_nondigest delivery): the headers of
 * msg without its Content-* and MIME-Version ones, over one text/plain part with r->text in
 * r->charset (7bit for us-ascii, quoted-printable for iso-8859-x, base64 for utf-8).
 * @return LM_OK; LM_ETOOBIG (a limit was hit; r->reason says which); LM_EIO or LM_EPERM
 * (storage failed: tempfail); LM_ENOMEM; LM_EINVAL (bad options).
 */
int scrub_message(GMimeMessage *msg, const struct scrub_opts *o, struct scrub_result *r,
                  bool want_message);

/**
 * @brief Parse a message from a file descriptor with GMime without loading it into memory
 * (the parser keeps offsets into the stream), checking MaxHeaderBytes first.
 * The message reads part contents from a dup() of fd while it lives, so the file must stay
 * unchanged until it is unref'ed; fd's file offset (shared with the dup) is not preserved.
 * Text that is not a message at all (no header) becomes a text/plain body, as Python's
 * parser makes it.
 * @param[in] fd a readable, seekable descriptor positioned at the message (not taken over).
 * @param[in] limits the limits.
 * @param[out] out the message (g_object_unref when done).
 * @param[out] reason why it could not be parsed (may be NULL).
 * @return LM_OK; LM_EPARSE; LM_ETOOBIG (the header exceeds MaxHeaderBytes); LM_EIO; LM_ENOMEM.
 */
int scrub_parse_fd(int fd, const struct scrub_limits *limits, GMimeMessage **out,
                   struct buf *reason);

struct config;
struct list;

/**
 * @brief Fill scrub options from the site configuration (limits, DataDir) and a list's
 * settings (host_name, archive_url, archive_charset as lcset, html_sanitizer,
 * scrub_use_filename). The caller still sets received, from_line and qid.
 * @param[out] o the options; its strings point into l and root, which must outlive it.
 * @param[in] cfg the site configuration.
 * @param[in] l the list.
 * @param[out] root receives DataDir/archives/<list> (o->storage_root points into it).
 * @return LM_OK; LM_EINVAL (unusable list name, no archive_url or host); LM_ENOMEM; LM_ETOOBIG.
 */
int scrub_opts_fill(struct scrub_opts *o, const struct config *cfg, const struct list *l,
                    struct buf *root);

/** @brief Call once per process before any GMime use (g_mime_init); idempotent, thread-safe. */
void scrub_init(void);

#endif
