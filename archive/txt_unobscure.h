/*
 * txt_unobscure.h: undo pipermail's address obscuring in the bodies of period .txt files
 * ("user at example.org" -> "user@example.org"), so the exporter can obscure and link them again.
 */
#ifndef LISTMILTER_TXT_UNOBSCURE_H
#define LISTMILTER_TXT_UNOBSCURE_H

#include <stddef.h>

#include "buf.h"

/**
 * @brief Copy a .txt body, turning "LOCAL at DOMAIN" back into "LOCAL@DOMAIN" where pipermail's
 * obscuring regex ([-+,.\w]+)@([-+.\w]+) could have made it: DOMAIN must end in a dot and an
 * alphabetic label, and LOCAL must not be a common English word ("look at example.com").
 * @param[in] in the body. @param[in] len its length.
 * @param[out] out appended to.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int txt_unobscure(const char *in, size_t len, struct buf *out);

#endif
