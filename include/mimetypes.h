/*
 * mimetypes.h: the project's fixed MIME-type -> file-extension table, used to name stored
 * attachments the way Mailman's guess_extension() does, without the host's mime.types.
 */
#ifndef LISTMILTER_MIMETYPES_H
#define LISTMILTER_MIMETYPES_H

/**
 * @brief The extension (with its dot) a stored attachment of this type gets.
 * Like Mailman's guess_extension(): the file name's own extension is kept when the table
 * lists it for the type (exact, case-sensitive match); otherwise the type's first extension.
 * @param[in] ctype the lower-case MIME type ("application/pdf").
 * @param[in] fnext the file name's extension with its dot, or NULL / "".
 * @return a static string: the extension, or NULL when the type is not in the table (the
 * caller then uses ".txt" for message/rfc822 and ".bin" otherwise, as Mailman does).
 */
const char *mimetypes_ext(const char *ctype, const char *fnext);

#endif
