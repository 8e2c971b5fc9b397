/*
 * list_settings.c: the list settings table (Mailman 2.1's names and defaults) and the checks
 * every value passes before it is stored; values may end up in headers, pages and paths.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lmerr.h"
#include "list_settings.h"

/* Sorted by name. NULL defaults are derived in lists.c (real_name, URLs, subject_prefix). */
static const struct lset_def lset_defs[] = {
        {"accept_these_nonmembers", LS_LINE, "", 0, 0},
        {"acceptable_aliases", LS_LINE, "", 0, 0},
        {"admin_immed_notify", LS_BOOL, "yes", 0, 0},
        {"administrivia", LS_BOOL, "yes", 0, 0},
        {"archive", LS_BOOL, "yes", 0, 0},
        {"archive_charset", LS_LINE, "us-ascii", 0, 0},
        {"archive_private", LS_BOOL, "no", 0, 0},
        {"archive_timezone", LS_LINE, "UTC", 0, 0},
        {"archive_url", LS_LINE, NULL, 0, 0},
        {"archive_volume_frequency", LS_INT, "1", 0, 4},
        {"default_member_moderation", LS_BOOL, "no", 0, 0},
        {"description", LS_LINE, "", 0, 0},
        {"discard_these_nonmembers", LS_LINE, "", 0, 0},
        {"emergency", LS_BOOL, "no", 0, 0},
        {"first_strip_reply_to", LS_BOOL, "no", 0, 0},
        {"forward_auto_discards", LS_BOOL, "yes", 0, 0},
        {"from_is_list", LS_INT, "0", 0, 2},
        {"generic_nonmember_action", LS_ACTION, "1", 0, 3},
        {"hold_these_nonmembers", LS_LINE, "", 0, 0},
        {"host_name", LS_LINE, NULL, 0, 0},
        {"html_sanitizer", LS_INT, "1", 0, 3},
        {"include_list_post_header", LS_BOOL, "yes", 0, 0},
        {"include_rfc2369_headers", LS_BOOL, "yes", 0, 0},
        {"include_sender_header", LS_BOOL, "yes", 0, 0},
        {"info", LS_TEXT, "", 0, 0},
        {"listinfo_url", LS_LINE, NULL, 0, 0},
        {"max_days_to_hold", LS_INT, "0", 0, 36500},
        {"max_message_size", LS_INT, "40", 0, 10000000},
        {"max_num_recipients", LS_INT, "10", 0, 1000000},
        {"member_moderation_action", LS_INT, "0", 0, 2},
        {"member_moderation_notice", LS_TEXT, "", 0, 0},
        {"moderator", LS_LINE, "", 0, 0},
        {"moderator_password", LS_LINE, "", 0, 0},
        {"msg_footer", LS_TEXT,
         "-- \n%(real_name)s mailing list\n%(real_name)s@%(host_name)s\n"
         "%(web_page_url)slistinfo%(cgiext)s/%(_internal_name)s\n",
         0, 0},
        {"msg_header", LS_TEXT, "", 0, 0},
        {"nonmember_rejection_notice", LS_TEXT, "", 0, 0},
        {"obscure_addresses", LS_BOOL, "yes", 0, 0},
        {"owner", LS_LINE, "", 0, 0},
        {"real_name", LS_LINE, NULL, 0, 0},
        {"reject_these_nonmembers", LS_LINE, "", 0, 0},
        {"reply_goes_to_list", LS_INT, "0", 0, 2},
        {"reply_to_address", LS_LINE, "", 0, 0},
        {"require_explicit_destination", LS_BOOL, "yes", 0, 0},
        {"respond_to_post_requests", LS_BOOL, "yes", 0, 0},
        {"scrub_nondigest", LS_BOOL, "no", 0, 0},
        {"scrub_use_filename", LS_BOOL, "no", 0, 0},
        {"spf_fail_action", LS_LINE, "hold", 0, 0},
        {"subject_prefix", LS_LINE, NULL, 0, 0},
        {"web_page_url", LS_LINE, NULL, 0, 0},
};
#define NLSET (sizeof(lset_defs) / sizeof(lset_defs[0]))

/* The longest value of any setting: templates and notices are the big ones. */
#define LSET_VALUE_MAX (64 * 1024)

const struct lset_def *lset_find(const char *name)
{
	size_t i;

	for (i = 0; i < NLSET; i++)
		if (strcmp(lset_defs[i].name, name) == 0)
			return &lset_defs[i];
	return NULL;
}

size_t lset_count(void)
{
	return NLSET;
}

const struct lset_def *lset_at(size_t i)
{
	return i < NLSET ? &lset_defs[i] : NULL;
}

static int norm_bool(const char *v, struct buf *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return buf_puts(out, "yes");
		if (strcasecmp(v, no[i]) == 0)
			return buf_puts(out, "no");
	}
	return LM_EINVAL;
}

/* The words a numbered setting also takes: LS_ACTION's Mailman numbering (0 accept ...
 * 3 discard), and member_moderation_action's own (Mailman's 0 hold, 1 reject, 2 discard). */
static const char *const *int_words(const struct lset_def *d, size_t *n)
{
	static const char *actions[] = {"accept", "hold", "reject", "discard"};
	static const char *moderated[] = {"hold", "reject", "discard"};

	*n = 0;
	if (d->type == LS_ACTION) {
		*n = 4;
		return actions;
	}
	if (strcmp(d->name, "member_moderation_action") == 0) {
		*n = 3;
		return moderated;
	}
	return NULL;
}

static int norm_int(const struct lset_def *d, const char *v, struct buf *out)
{
	const char *const *words;
	char *end;
	long n;
	size_t i, nwords;

	words = int_words(d, &nwords);
	for (i = 0; i < nwords; i++)
		if (strcasecmp(v, words[i]) == 0)
			return buf_printf(out, "%zu", i);
	if (!isdigit((unsigned char)*v))
		return LM_EINVAL;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < d->min || n > d->max)
		return LM_EINVAL;
	return buf_printf(out, "%ld", n);
}

/* Control characters other than newline and tab are never stored. */
static bool text_ok(const char *v, bool multiline)
{
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if (c == '\n' && multiline)
			continue;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* Settings with a meaning beyond text: zones, the SPF action, URLs, the host name. */
static bool special_ok(const char *name, const char *v)
{
	struct stat st;
	char path[512];

	if (strcmp(name, "archive_timezone") == 0) {
		if (strcmp(v, "UTC") == 0)
			return true;
		if (*v == '\0' || *v == '/' || strstr(v, "..") || strlen(v) > 200)
			return false;
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", v);
		return stat(path, &st) == 0 && S_ISREG(st.st_mode);
	}
	if (strcmp(name, "spf_fail_action") == 0)
		return strcmp(v, "hold") == 0 || strcmp(v, "reject") == 0 ||
		       strcmp(v, "discard") == 0 || strcmp(v, "accept") == 0;
	if (strcmp(name, "host_name") == 0)
		return *v && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789.-") == strlen(v);
	if (strcmp(name, "archive_url") == 0 || strcmp(name, "listinfo_url") == 0 ||
	    strcmp(name, "web_page_url") == 0)
		return strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0;
	return true;
}

int lset_normalise(const struct lset_def *d, const char *v, struct buf *out, struct buf *err)
{
	int rc = LM_OK;

	if (strlen(v) > LSET_VALUE_MAX)
		rc = LM_EINVAL;
	else if (d->type == LS_BOOL)
		rc = norm_bool(v, out);
	else if (d->type == LS_INT || d->type == LS_ACTION)
		rc = norm_int(d, v, out);
	else if (!text_ok(v, d->type == LS_TEXT) || !special_ok(d->name, v))
		rc = LM_EINVAL;
	else
		rc = buf_puts(out, v);
	if (rc == LM_EINVAL && err)
		buf_printf(err, "%s: bad value \"%.60s\"", d->name, v);
	return rc;
}

bool lists_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 64 || !isalnum((unsigned char)name[0]))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._+-") == len;
}

/* The part between < and >, or the whole string; whitespace trimmed. */
static void addr_span(const char *in, const char **start, size_t *len, const char **name_end)
{
	const char *lt = strrchr(in, '<'), *gt;

	*name_end = in;
	if (lt && (gt = strchr(lt, '>')) != NULL) {
		*start = lt + 1;
		*len = (size_t)(gt - lt - 1);
		*name_end = lt;
		return;
	}
	while (isspace((unsigned char)*in))
		in++;
	*start = in;
	*len = strlen(in);
	while (*len && isspace((unsigned char)in[*len - 1]))
		(*len)--;
}

static bool addr_ok(const char *a, size_t len)
{
	const char *at = memchr(a, '@', len);
	size_t i;

	if (len == 0 || len > 254 || at == NULL || at == a || at == a + len - 1)
		return false;
	if (memchr(at + 1, '@', len - (size_t)(at + 1 - a)) != NULL)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)a[i] <= 0x20 || a[i] == 0x7f || strchr("<>()[]\\,;:\"", a[i]))
			return false;
	return true;
}

int lists_parse_address(const char *in, struct buf *addr, struct buf *name)
{
	const char *start, *name_end;
	size_t len, i;
	int rc;

	addr_span(in, &start, &len, &name_end);
	if (!addr_ok(start, len))
		return LM_EINVAL;
	for (i = 0; i < len; i++)
		if ((rc = buf_putc(addr, tolower((unsigned char)start[i]))) != LM_OK)
			return rc;
	if (name == NULL || name_end == in)
		return LM_OK;
	while (name_end > in && isspace((unsigned char)name_end[-1]))
		name_end--;
	while (in < name_end && (isspace((unsigned char)*in) || *in == '"'))
		in++;
	if (name_end > in && name_end[-1] == '"')
		name_end--;
	if (!text_ok(in, false))
		return LM_EINVAL;
	return buf_append(name, in, (size_t)(name_end - in));
}
