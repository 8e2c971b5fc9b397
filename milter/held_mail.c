/*
 * held_mail.c: moderation by email (Mailman's confirm flow): a reply to list-request@ from an
 * owner or moderator carrying "confirm <token>" approves (with the password) or discards.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "held.h"
#include "lmerr.h"
#include "log.h"

/* Lines of a reply's body searched for a confirm command or an Approved: line. */
#define HELD_BODY_LINES 10

const char *held_reply_name(enum held_reply r)
{
	static const char *names[] = {"not a confirmation", "approved",        "discarded",
	                              "bad password",       "not a moderator", "bad token",
	                              "token used",         "no longer held"};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* "confirm" then blanks then exactly TOKEN_LEN hex digits, anywhere in s[0..len). */
static bool token_find(const char *s, size_t len, char tok[TOKEN_LEN + 1])
{
	size_t i, j;

	for (i = 0; i + 8 + TOKEN_LEN <= len; i++) {
		if (strncasecmp(s + i, "confirm", 7) != 0 ||
		    (i > 0 && isalnum((unsigned char)s[i - 1])))
			continue;
		for (j = i + 7; j < len && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j == i + 7 || j + TOKEN_LEN > len ||
		    (j + TOKEN_LEN < len && isxdigit((unsigned char)s[j + TOKEN_LEN])))
			continue;
		memcpy(tok, s + j, TOKEN_LEN);
		tok[TOKEN_LEN] = '\0';
		if (strspn(tok, "0123456789abcdefABCDEF") == TOKEN_LEN)
			return true;
	}
	return false;
}

struct line {
	const char *p;
	size_t len;
};

/* The first n non-blank lines of the body. */
static size_t body_lines(const char *b, size_t len, struct line *out, size_t n)
{
	const char *end = b + len, *nl;
	size_t k = 0, l;

	while (b && b < end && k < n) {
		nl = memchr(b, '\n', (size_t)(end - b));
		l = nl ? (size_t)(nl - b) : (size_t)(end - b);
		while (l > 0 && isspace((unsigned char)b[l - 1]))
			l--;
		if (l > 0)
			out[k++] = (struct line){b, l};
		b = nl ? nl + 1 : end;
	}
	return k;
}

/* "Approved: pw" (or Approve:, X-Approved:, X-Approve:) as a body line: the password. */
static bool approved_line(const struct line *ln, char *pw, size_t pwsize)
{
	static const char *names[] = {"approved:", "approve:", "x-approved:", "x-approve:"};
	size_t i, n, off;

	for (i = 0; i < 4; i++) {
		n = strlen(names[i]);
		if (ln->len <= n || strncasecmp(ln->p, names[i], n) != 0)
			continue;
		for (off = n; off < ln->len && isspace((unsigned char)ln->p[off]); off++)
			;
		if (ln->len - off >= pwsize)
			return false;
		memcpy(pw, ln->p + off, ln->len - off);
		pw[ln->len - off] = '\0';
		return true;
	}
	return false;
}

static bool password_ok(const struct list *l, const char *given)
{
	const char *pw = list_get(l, "moderator_password");
	size_t n;

	while (*given == ' ' || *given == '\t')
		given++;
	n = strlen(given);
	while (n > 0 && isspace((unsigned char)given[n - 1]))
		n--;
	return pw && *pw && n == strlen(pw) && CRYPTO_memcmp(given, pw, n) == 0;
}

static bool in_list(const char *list, const char *addr)
{
	const char *p = list ? list : "";
	size_t len, alen = strlen(addr);

	while (*p) {
		p += strspn(p, ", \t\n");
		len = strcspn(p, ", \t\n");
		if (len && len == alen && strncasecmp(p, addr, len) == 0)
			return true;
		p += len;
	}
	return false;
}

static enum held_reply token_result(int rc)
{
	switch (rc) {
	case LM_ENOENT:
		return HELD_REPLY_GONE;
	case LM_EEXIST:
		return HELD_REPLY_USED;
	default:
		return HELD_REPLY_BAD_TOKEN;
	}
}

static int confirm_act(const struct held_ctx *c, const struct list *l, const char *tok,
                       const char *pw, enum held_reply *out, uint32_t *id)
{
	uint32_t hid = 0;
	int rc = token_check(c->key, TOKEN_CONFIRM, list_name(l), tok, c->now, &hid);

	if (id)
		*id = hid;
	if (rc != LM_OK) {
		*out = rc == LM_ENOENT ? HELD_REPLY_BAD_TOKEN : token_result(rc);
		return LM_OK;
	}
	if (pw && !password_ok(l, pw)) {
		*out = HELD_REPLY_BAD_PASSWORD;
		return LM_OK;
	}
	rc = held_confirm(c, l, tok, pw != NULL, &hid);
	if (rc == LM_OK)
		*out = pw ? HELD_REPLY_APPROVED : HELD_REPLY_DISCARDED;
	else if (rc == LM_ENOENT || rc == LM_EEXIST || rc == LM_EPERM || rc == LM_EPARSE)
		*out = token_result(rc), rc = LM_OK;
	return rc;
}

int held_mail_confirm(const struct held_ctx *c, const struct list *l,
                      const struct held_reply_in *in, enum held_reply *out, uint32_t *id)
{
	struct line lines[HELD_BODY_LINES];
	char tok[TOKEN_LEN + 1], pw[256];
	const char *approved = in->approved;
	size_t n = body_lines(in->body, in->body_len, lines, HELD_BODY_LINES), i;
	bool found = in->subject && token_find(in->subject, strlen(in->subject), tok);

	*out = HELD_REPLY_NONE;
	if (id)
		*id = 0;
	for (i = 0; !found && i < n; i++)
		found = token_find(lines[i].p, lines[i].len, tok);
	if (!found)
		return LM_OK;
	if (in->from == NULL || !(in_list(list_get(l, "owner"), in->from) ||
	                          in_list(list_get(l, "moderator"), in->from))) {
		*out = HELD_REPLY_NOT_MODERATOR;
		return LM_OK;
	}
	if (approved == NULL && n > 0 && approved_line(&lines[0], pw, sizeof(pw)))
		approved = pw;
	return confirm_act(c, l, tok, approved, out, id);
}
