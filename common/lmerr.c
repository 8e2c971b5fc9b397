/*
 * lmerr.c: names for the shared error codes of lmerr.h.
 * Kept apart so every module can report errors without pulling in anything else.
 */
#include "lmerr.h"

const char *lm_strerror(int err)
{
	switch (err) {
	case LM_OK:
		return "success";
	case LM_ENOMEM:
		return "out of memory";
	case LM_ETOOBIG:
		return "size limit exceeded";
	case LM_EINVAL:
		return "invalid argument";
	case LM_EIO:
		return "input/output error";
	case LM_ENOENT:
		return "not found";
	case LM_EEXIST:
		return "already exists";
	case LM_ETEMP:
		return "temporary failure";
	case LM_EPARSE:
		return "parse error";
	case LM_EDB:
		return "database error";
	case LM_EPERM:
		return "permission denied";
	case LM_ECONFIG:
		return "configuration error";
	default:
		return "unknown error";
	}
}

int lm_err_is_temporary(int err)
{
	return err == LM_ENOMEM || err == LM_EIO || err == LM_ETEMP || err == LM_EDB ||
	       err == LM_EPERM;
}
