/*
 * mta.h: a thin shim over the smfi_* modification calls, so the message pipeline runs against a
 * real MTA (libmilter) or against a recorder in tests, and Postfix's body-replacement rule holds.
 */
#ifndef LISTMILTER_MTA_H
#define LISTMILTER_MTA_H

#include <stddef.h>

#include "buf.h"

/** The operations the pipeline may ask of the MTA at end-of-message. */
struct mta_ops {
	int (*chgfrom)(void *h, const char *from);
	int (*addrcpt)(void *h, const char *rcpt);
	int (*delrcpt)(void *h, const char *rcpt);
	int (*addheader)(void *h, const char *name, const char *value);
	int (*insheader)(void *h, int idx, const char *name, const char *value);
	int (*chgheader)(void *h, const char *name, int idx, const char *value);
	int (*replacebody)(void *h, const unsigned char *p, size_t n);
	int (*quarantine)(void *h, const char *reason);
	int (*progress)(void *h);
	int (*setreply)(void *h, const char *rcode, const char *xcode, const char *text);
};

/**
 * One message's view of the MTA. body_state enforces that all replacebody calls are
 * contiguous (Postfix treats anything else as a configuration error).
 */
struct mta {
	const struct mta_ops *ops;
	void *h;        /**< SMFICTX * or a struct buf * (recorder) */
	int body_state; /**< 0: no body sent yet, 1: sending, 2: done */
};

/**
 * @brief An MTA handle for a libmilter context.
 * @param[out] m the handle. @param[in] ctx the SMFICTX * of the current callback.
 */
void mta_init_milter(struct mta *m, void *ctx);

/**
 * @brief An MTA handle that records each call as one text line in log ("chgfrom <a@b>\n",
 * "addrcpt <x@y>\n", "replacebody 123\n" with the bytes appended after a body marker, ...).
 * @param[out] m the handle. @param[in,out] log where lines go (owned by the caller).
 */
void mta_init_recorder(struct mta *m, struct buf *log);

/** @brief Change the envelope sender. @return LM_OK; LM_EIO (the MTA refused). */
int mta_chgfrom(struct mta *m, const char *from);
/** @brief Add an envelope recipient. @return LM_OK; LM_EIO. */
int mta_addrcpt(struct mta *m, const char *rcpt);
/** @brief Remove an envelope recipient (as given at RCPT TO). @return LM_OK; LM_EIO. */
int mta_delrcpt(struct mta *m, const char *rcpt);
/** @brief Append a header. @return LM_OK; LM_EIO. */
int mta_addheader(struct mta *m, const char *name, const char *value);
/** @brief Insert a header at a 0-based position. @return LM_OK; LM_EIO. */
int mta_insheader(struct mta *m, int idx, const char *name, const char *value);
/**
 * @brief Change (value) or delete (value NULL) the idx-th (1-based) header of that name.
 * @return LM_OK; LM_EIO.
 */
int mta_chgheader(struct mta *m, const char *name, int idx, const char *value);
/**
 * @brief Send a piece of the new body. Calls must be contiguous: once another modification
 * follows a body piece, further pieces fail.
 * @return LM_OK; LM_EINVAL (not contiguous); LM_EIO.
 */
int mta_replacebody(struct mta *m, const void *p, size_t n);
/** @brief Put the message on hold. @return LM_OK; LM_EIO. */
int mta_quarantine(struct mta *m, const char *reason);
/** @brief Tell the MTA we are still working (resets its timeout). @return LM_OK; LM_EIO. */
int mta_progress(struct mta *m);
/**
 * @brief Set the SMTP reply used with a reject or tempfail ('%' in text is escaped here).
 * @return LM_OK; LM_EIO; LM_ENOMEM.
 */
int mta_setreply(struct mta *m, const char *rcode, const char *xcode, const char *text);

#endif
