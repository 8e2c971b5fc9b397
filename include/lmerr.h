/*
 * lmerr.h: the one error-code namespace shared by every listmilter module.
 * Functions return 0 (LM_OK) or one of these negative codes; lm_strerror() names them.
 */
#ifndef LISTMILTER_LMERR_H
#define LISTMILTER_LMERR_H

/** Error codes. Every public function documents which of these it returns. */
enum lm_err {
	LM_OK = 0,
	LM_ENOMEM = -1,  /**< an allocation failed */
	LM_ETOOBIG = -2, /**< a configured cap (buffer, header, part, size) was hit */
	LM_EINVAL = -3,  /**< the caller passed something malformed */
	LM_EIO = -4,     /**< a read, write, fsync or rename failed (errno is kept) */
	LM_ENOENT = -5,  /**< the named thing does not exist */
	LM_EEXIST = -6,  /**< the named thing exists already */
	LM_ETEMP = -7,   /**< a transient failure: the caller should tempfail and retry later */
	LM_EPARSE = -8,  /**< input could not be parsed */
	LM_EDB = -9,     /**< the LMDB environment reported an error */
	LM_EPERM = -10,  /**< permission denied, or a path that would leave its root */
	LM_ECONFIG = -11 /**< a configuration file or setting is invalid */
};

/**
 * @brief Describe an error code.
 * @param[in] err an lm_err value.
 * @return a static string; never NULL, "unknown error" for unknown codes.
 */
const char *lm_strerror(int err);

/**
 * @brief Tell whether an error means "keep the mail and retry" (4xx) rather than a verdict.
 * @param[in] err an lm_err value.
 * @return nonzero for LM_ENOMEM, LM_EIO, LM_ETEMP, LM_EDB and LM_EPERM.
 */
int lm_err_is_temporary(int err);

#endif
