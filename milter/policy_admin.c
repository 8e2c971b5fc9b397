/*
 * policy_admin.c: Mailman's Utils.is_administrivia: does a post look like a mail command
 * (subscribe, unsubscribe, ...) sent to the posting address by mistake?
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

/* Mailman's ADMINDATA: command word and its allowed argument counts. */
static const struct admin_cmd {
	const char *word;
	int min, max;
} admin_cmds[] = {
        {"confirm", 1, 1},   {"help", 0, 0},        {"info", 0, 0},   {"lists", 0, 0},
        {"options", 0, 0},   {"password", 2, 2},    {"remove", 0, 0}, {"set", 3, 3},
        {"subscribe", 0, 3}, {"unsubscribe", 0, 1}, {"who", 0, 2},
};
#define NADMIN (sizeof(admin_cmds) / sizeof(admin_cmds[0]))

/* DEFAULT_MAIL_COMMANDS_MAX_LINES: longer bodies are never administrivia. */
#define ADMIN_MAX_LINES 25
/* Mailman looks at the first five lines (and the Subject). */
#define ADMIN_HEAD_LINES 5

struct span {
	const char *p;
	size_t len;
};

static const struct admin_cmd *admin_find(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < NADMIN; i++)
		if (strlen(admin_cmds[i].word) == len &&
		    strncasecmp(admin_cmds[i].word, w, len) == 0)
			return &admin_cmds[i];
	return NULL;
}

/* Split a line into up to max words; returns the total count. */
static size_t words_split(const char *p, size_t len, struct span *w, size_t max)
{
	size_t i = 0, n = 0, start;

	for (;;) {
		while (i < len && isspace((unsigned char)p[i]))
			i++;
		if (i >= len)
			return n;
		start = i;
		while (i < len && !isspace((unsigned char)p[i]))
			i++;
		if (n < max)
			w[n] = (struct span){p + start, i - start};
		n++;
	}
}

static bool line_is_command(const char *p, size_t len)
{
	struct span w[5];
	size_t n = words_split(p, len, w, 5);
	const struct admin_cmd *c;
	size_t nargs;

	if (n == 0 || (c = admin_find(w[0].p, w[0].len)) == NULL)
		return false;
	nargs = n - 1;
	if (nargs < (size_t)c->min || nargs > (size_t)c->max)
		return false;
	/* Mailman's special case: "set" needs on or off as its second argument. */
	if (strcmp(c->word, "set") == 0 && !((w[2].len == 2 && strncasecmp(w[2].p, "on", 2) == 0) ||
	                                     (w[2].len == 3 && strncasecmp(w[2].p, "off", 3) == 0)))
		return false;
	return true;
}

struct admin_scan {
	struct span head[ADMIN_HEAD_LINES];
	size_t nhead;
	size_t nonblank;
	size_t words;
	struct span word;
};

/* Walk the lines up to the signature; false when there are too many to be a command. */
static bool admin_scan_body(const char *body, size_t len, struct admin_scan *s)
{
	const char *p = body, *end = body + len, *nl;
	size_t l, n;
	struct span w;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l == 3 && memcmp(p, "-- ", 3) == 0)
			break;
		n = words_split(p, l, &w, 1);
		if (n > 0 && ++s->nonblank > ADMIN_MAX_LINES)
			return false;
		if (s->words == 0 && n > 0)
			s->word = w;
		s->words += n;
		if (s->nhead < ADMIN_HEAD_LINES)
			s->head[s->nhead++] = (struct span){p, l};
		p = nl ? nl + 1 : end;
	}
	return true;
}

bool policy_is_administrivia(const char *body, size_t len, const char *subject)
{
	struct admin_scan s = {0};
	size_t i;

	if (!admin_scan_body(body ? body : "", body ? len : 0, &s))
		return false;
	if (s.words == 1 && admin_find(s.word.p, s.word.len))
		return true;
	for (i = 0; i < s.nhead; i++)
		if (line_is_command(s.head[i].p, s.head[i].len))
			return true;
	return subject && line_is_command(subject, strlen(subject));
}
