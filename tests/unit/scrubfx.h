/*
 * scrubfx.h: a scrubber test fixture: a temporary storage root, default options, and a call
 * that writes a message to a file, parses it from the descriptor and scrubs it.
 */
#ifndef LISTMILTER_SCRUBFX_H
#define LISTMILTER_SCRUBFX_H

#include <stdbool.h>
#include <stddef.h>

#include "scrub.h"

struct scrubfx {
	char *dir;  /* temporary directory */
	char *root; /* dir/archives/l: the storage root */
	struct scrub_opts o;
	struct scrub_result r;
	char reason[256]; /* scrub_parse_fd's reason */
};

/** @brief Set up a fixture with Mailman's defaults (lcset us-ascii, sanitizer 1). */
struct scrubfx *scrubfx_new(void);

/** @brief Remove the storage and free the fixture. */
void scrubfx_free(struct scrubfx *f);

/** @brief Parse msg (LF line ends; CRLF when crlf) from a file and scrub it into f->r. */
int scrubfx_run(struct scrubfx *f, const char *msg, bool crlf, bool want_message);

/** @brief Parse and scrub a file. */
int scrubfx_run_file(struct scrubfx *f, const char *path, bool want_message);

/** @brief Read a stored file under root/rel (NULL if absent). */
char *scrubfx_read(struct scrubfx *f, const char *rel, size_t *len);

/** @brief The expected URL prefix http://host/pipermail/l/attachments/<datedir>/<hash8>/ */
char *scrubfx_url(const char *datedir, const char *msgid);

/** @brief Count regular files below root (attachment files and locks). */
size_t scrubfx_count_files(struct scrubfx *f, const char *suffix);

#endif
