/*
 * buf.c: the bounded byte buffer every module uses for mail data.
 * Growth doubles, but never past the per-instance cap; size arithmetic is checked first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lmerr.h"

void buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->cap = cap ? cap : BUF_CAP_SMALL;
}

void buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->size = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int buf_reserve(struct buf *b, size_t n)
{
	size_t want, nsize;
	char *p;

	size_t cap = b->cap < SIZE_MAX - 1 ? b->cap : SIZE_MAX - 1;

	/* Compare before adding, so neither the cap test nor the sum (+1 for the NUL) can wrap. */
	if (n > cap || b->len > cap - n)
		return LM_ETOOBIG;
	want = b->len + n + 1;
	if (want <= b->size)
		return LM_OK;
	nsize = b->size ? b->size : 64;
	while (nsize < want)
		nsize = nsize > ((size_t)-1) / 2 ? want : nsize * 2;
	if (nsize > cap + 1)
		nsize = cap + 1;
	p = realloc(b->data, nsize);
	if (p == NULL)
		return LM_ENOMEM;
	b->data = p;
	b->size = nsize;
	return LM_OK;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);

	if (rc != LM_OK)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return LM_OK;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_append(b, &ch, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return LM_EINVAL;
	rc = buf_reserve(b, (size_t)n);
	if (rc != LM_OK)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return LM_OK;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *buf_cstr(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_steal(struct buf *b, size_t *len)
{
	char *p = b->data;

	if (p == NULL && (p = calloc(1, 1)) == NULL)
		return NULL;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	return p;
}

void buf_truncate(struct buf *b, size_t n)
{
	b->len = n >= b->len ? 0 : b->len - n;
	if (b->data)
		b->data[b->len] = '\0';
}
