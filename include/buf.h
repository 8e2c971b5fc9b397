/*
 * buf.h: bounded, length-carrying byte buffers for untrusted mail data.
 * Every buffer has a cap fixed at init; growing past it fails with LM_ETOOBIG, never crashes.
 */
#ifndef LISTMILTER_BUF_H
#define LISTMILTER_BUF_H

#include <stdarg.h>
#include <stddef.h>

/**
 * A growable byte buffer. data is always NUL-terminated (data[len] == 0) once anything was
 * appended, so text can be passed to C string functions; binary data may hold NULs too.
 * The buffer owns data. Zero-initialised memory is NOT a valid buffer: call buf_init().
 */
struct buf {
	char *data;  /**< the bytes, or NULL while empty */
	size_t len;  /**< bytes in use, not counting the terminating NUL */
	size_t size; /**< bytes allocated */
	size_t cap;  /**< the most bytes len may ever reach */
};

/** A cap for small, header-sized buffers. */
#define BUF_CAP_SMALL ((size_t)64 * 1024)

/**
 * @brief Initialise an empty buffer.
 * @param[out] b the buffer.
 * @param[in] cap the most bytes it may hold (not counting the NUL); 0 means BUF_CAP_SMALL.
 */
void buf_init(struct buf *b, size_t cap);

/**
 * @brief Release the memory of a buffer and leave it empty (still usable, same cap).
 * @param[in,out] b the buffer; NULL is accepted.
 */
void buf_free(struct buf *b);

/** @brief Forget the contents but keep the memory. */
void buf_reset(struct buf *b);

/**
 * @brief Make room for n more bytes.
 * @return LM_OK, LM_ETOOBIG if len + n would pass the cap (or overflow), LM_ENOMEM.
 */
int buf_reserve(struct buf *b, size_t n);

/**
 * @brief Append n bytes.
 * @param[in,out] b the buffer.
 * @param[in] p the bytes (may be NULL when n is 0).
 * @param[in] n how many.
 * @return LM_OK, LM_ETOOBIG (nothing is appended), LM_ENOMEM (nothing is appended).
 */
int buf_append(struct buf *b, const void *p, size_t n);

/** @brief Append a NUL-terminated string. Errors as buf_append(). */
int buf_puts(struct buf *b, const char *s);

/** @brief Append one byte. Errors as buf_append(). */
int buf_putc(struct buf *b, int c);

/**
 * @brief Append formatted text.
 * @return LM_OK, LM_ETOOBIG, LM_ENOMEM, LM_EINVAL (bad format); on error nothing is appended.
 */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief va_list form of buf_printf(). */
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/**
 * @brief The contents as a C string.
 * @return data, or "" for an empty buffer; valid until the next change.
 */
const char *buf_cstr(const struct buf *b);

/**
 * @brief Take ownership of the bytes and leave the buffer empty.
 * @param[in,out] b the buffer.
 * @param[out] len the length, may be NULL.
 * @return a NUL-terminated heap string the caller frees, or NULL on LM_ENOMEM.
 */
char *buf_steal(struct buf *b, size_t *len);

/** @brief Drop the last n bytes (all of them if n > len). */
void buf_truncate(struct buf *b, size_t n);

#endif
