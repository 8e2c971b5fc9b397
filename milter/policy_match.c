/*
 * policy_match.c: Mailman's matches_p for the *_these_nonmembers settings: exact addresses
 * (case-folded), "^regex" (searched, case-insensitive) and "@otherlist" (its members).
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "lmerr.h"
#include "log.h"
#include "policy.h"

/* Entries are one per line; a single line may separate them with commas instead. */
static const char *entry_next(const char *p, char sep, const char **start, size_t *len)
{
	const char *end;

	while (*p == sep || *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	end = p;
	while (*end && *end != sep && *end != '\n')
		end++;
	*start = p;
	*len = (size_t)(end - p);
	while (*len > 0 && strchr(" \t\r", p[*len - 1]))
		(*len)--;
	return end;
}

static bool regex_search(const char *pattern, const char *addr, const char *qid)
{
	regex_t re;
	int rc;
	bool hit;

	if ((rc = regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		log_warn(qid, "moderation: ignoring the bad regular expression \"%.*s\": %s",
		         LOG_TEXT_MAX, pattern, msg);
		return false;
	}
	hit = regexec(&re, addr, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

static int entry_match(const char *entry, const char *addr, policy_member_fn member_fn,
                       void *member_arg, const char *qid, bool *hit)
{
	bool moderate;
	int rc;

	if (entry[0] == '^') {
		*hit = regex_search(entry, addr, qid);
		return LM_OK;
	}
	if (entry[0] != '@') {
		*hit = strcasecmp(entry, addr) == 0;
		return LM_OK;
	}
	if (member_fn == NULL)
		return LM_OK;
	rc = member_fn(member_arg, entry + 1, addr, &moderate);
	*hit = rc == LM_OK;
	return rc == LM_ENOENT ? LM_OK : rc;
}

int policy_match(const char *entries, const char *addr, policy_member_fn member_fn,
                 void *member_arg, const char *qid, bool *hit)
{
	const char *p = entries ? entries : "", *start;
	char sep = strchr(p, '\n') ? '\n' : ',';
	struct buf e;
	size_t len;
	int rc = LM_OK;

	*hit = false;
	buf_init(&e, BUF_CAP_SMALL);
	while (!*hit && (p = entry_next(p, sep, &start, &len)) != NULL) {
		buf_reset(&e);
		if ((rc = buf_append(&e, start, len)) != LM_OK)
			break;
		if ((rc = entry_match(buf_cstr(&e), addr, member_fn, member_arg, qid, hit)) !=
		    LM_OK)
			break;
	}
	buf_free(&e);
	return rc == LM_ETOOBIG ? LM_OK : rc;
}
