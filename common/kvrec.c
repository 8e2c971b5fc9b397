/*
 * kvrec.c: "key\0value\0" records for small LMDB values.
 * Reading never trusts the stored bytes: every field must end inside the record.
 */
#include <string.h>

#include "kvrec.h"
#include "lmerr.h"

int kvrec_put(struct buf *rec, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value), old = rec->len;
	int rc;

	if ((rc = buf_append(rec, key, klen + 1)) == LM_OK &&
	    (rc = buf_append(rec, value, vlen + 1)) == LM_OK)
		return LM_OK;
	buf_truncate(rec, rec->len - old);
	return rc;
}

static bool field(const char *p, size_t len, size_t *pos, const char **s, size_t *slen)
{
	const char *nul;

	if (*pos >= len)
		return false;
	nul = memchr(p + *pos, '\0', len - *pos);
	if (nul == NULL)
		return false;
	*s = p + *pos;
	*slen = (size_t)(nul - *s);
	*pos += *slen + 1;
	return true;
}

bool kvrec_next(const void *data, size_t len, size_t *pos, const char **key, size_t *klen,
                const char **value, size_t *vlen)
{
	size_t p = *pos;

	if (!field(data, len, &p, key, klen) || !field(data, len, &p, value, vlen))
		return false;
	*pos = p;
	return true;
}
