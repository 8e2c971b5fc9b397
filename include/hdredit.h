/*
 * hdredit.h: a read-only view of a message's header fields and an ordered list of header edits
 * that maps one-to-one onto smfi_addheader/smfi_chgheader, shared by CookHeaders and Decorate.
 */
#ifndef LISTMILTER_HDREDIT_H
#define LISTMILTER_HDREDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/** One header field as received: name without the colon, value as the MTA gave it (may hold
 * folding "\n " or "\r\n\t"; leading whitespace after the colon may or may not be present). */
struct hdr_field {
	const char *name;
	const char *value;
};

/** The header fields of a message in their original order. Borrowed, never freed here. */
struct hdr_list {
	const struct hdr_field *v;
	size_t n;
};

/** What one edit does. Indexes are 1-based counts among fields of the same name (milter). */
enum hdr_op {
	HDR_ADD,    /**< smfi_addheader(name, value): append after the last header */
	HDR_CHANGE, /**< smfi_chgheader(name, idx, value) */
	HDR_DELETE  /**< smfi_chgheader(name, idx, NULL) */
};

/** One edit. value is the final header text: folded with "\n" + one space or tab, never a bare
 * CR or LF otherwise, no leading space. */
struct hdr_edit {
	enum hdr_op op;
	char *name;         /**< owned */
	unsigned idx;       /**< for HDR_CHANGE/HDR_DELETE */
	char *value;        /**< owned; NULL for HDR_DELETE */
	bool delivery_only; /**< true: apply to the delivered copy only, not the archived copy */
};

/** An ordered list of edits; apply them in order. Deletes of one name come highest index first,
 * so the indexes stay valid whether or not the MTA renumbers after a delete. */
struct hdr_edits {
	struct hdr_edit *v;
	size_t n;
	size_t cap;
};

/** @brief Initialise an empty edit list. */
void hdr_edits_init(struct hdr_edits *e);

/** @brief Free every edit and the array; the list is empty and reusable afterwards. */
void hdr_edits_free(struct hdr_edits *e);

/** @brief Drop the edits after the first n (to undo a failed step). */
void hdr_edits_truncate(struct hdr_edits *e, size_t n);

/**
 * @brief Append one edit (name and value are copied).
 * @return LM_OK; LM_EINVAL (a name that is not a header name, or a value with a CR/LF that is
 * not folding); LM_ENOMEM.
 */
int hdr_edits_push(struct hdr_edits *e, enum hdr_op op, const char *name, unsigned idx,
                   const char *value, bool delivery_only);

/**
 * @brief Append deletes of every field called name in h (highest index first), then an add.
 * This is Mailman's "del msg[name]; msg[name] = value": the new field goes to the end.
 * @param[in] value the new value, or NULL to only delete.
 * @return as hdr_edits_push().
 */
int hdr_edits_replace(struct hdr_edits *e, const struct hdr_list *h, const char *name,
                      const char *value, bool delivery_only);

/** @brief How many fields are called name (case-insensitive). */
size_t hdr_list_count(const struct hdr_list *h, const char *name);

/**
 * @brief The n-th (0-based) field called name, or NULL.
 * @return the raw value with leading whitespace skipped; valid while h's strings live.
 */
const char *hdr_list_get(const struct hdr_list *h, const char *name, size_t n);

/**
 * @brief Tell whether a value is safe to emit: only folding line breaks (CR? LF followed by
 * space or tab and a non-blank line), no NUL, no trailing line break.
 */
bool hdr_value_safe(const char *value);

/**
 * @brief Write the header block that results from applying edits to h, as the MTA would
 * (smfi semantics: CHANGE/DELETE of a missing index adds/does nothing), e.g. to build the
 * archived copy (with_delivery false: delivery_only edits are skipped).
 * @param[in] h the original fields.
 * @param[in] e the edits.
 * @param[in] with_delivery apply delivery_only edits too.
 * @param[in] crlf end lines (and folds) with CRLF instead of LF.
 * @param[out] out "Name: value" lines, no terminating blank line (appended).
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int hdr_edits_render(const struct hdr_list *h, const struct hdr_edits *e, bool with_delivery,
                     bool crlf, struct buf *out);

#endif
