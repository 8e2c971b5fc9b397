/*
 * log.c: syslog/stderr logging with the queue id first and mail text made printable.
 * A line is formatted once into a bounded stack line, cleaned, then written in one call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

static char log_ident[64] = "listmilter";
static bool log_to_syslog;
static bool log_to_stderr = true;
static enum log_level log_level = LOG_LVL_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_open(const char *ident, bool use_syslog, int facility, bool also_stderr)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident ? ident : "listmilter");
	log_to_syslog = use_syslog;
	log_to_stderr = !use_syslog || also_stderr;
	if (use_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
}

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

char *log_printable(char *dst, size_t dstsize, const char *src, size_t srclen)
{
	size_t i, room;

	if (dstsize == 0)
		return dst;
	if (src == NULL)
		srclen = 0;
	room = dstsize - 1;
	if (srclen > room && room >= 3)
		room -= 3;
	for (i = 0; i < srclen && i < room; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < srclen && dstsize >= 4) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
	return dst;
}

static void log_emit(enum log_level lvl, const char *qid, const char *text, const char *suffix)
{
	char raw[LOG_LINE_MAX], line[LOG_LINE_MAX];
	int n;

	n = snprintf(raw, sizeof(raw), "%s: %s%s%s", qid ? qid : "NOQUEUE", text,
	             suffix ? ": " : "", suffix ? suffix : "");
	if (n < 0)
		return;
	log_printable(line, sizeof(line), raw, (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw));
	if (log_to_syslog)
		syslog((int)lvl, "%s", line);
	if (log_to_stderr) {
		pthread_mutex_lock(&log_lock);
		fprintf(stderr, "%s: %s\n", log_ident, line);
		pthread_mutex_unlock(&log_lock);
	}
}

void log_msg(enum log_level lvl, const char *qid, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	va_list ap;

	if (lvl > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_emit(lvl, qid, text, NULL);
}

void log_syserr(const char *qid, const char *fmt, ...)
{
	char text[LOG_LINE_MAX], ebuf[128];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_emit(LOG_LVL_ERR, qid, text, strerror_r(saved, ebuf, sizeof(ebuf)));
	errno = saved;
}

int log_facility_by_name(const char *name)
{
	static const struct {
		const char *name;
		int value;
	} tab[] = {
	        {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	        {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	        {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	        {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcasecmp(name, tab[i].name) == 0)
			return tab[i].value;
	return -1;
}

const char *log_action_name(enum log_action action)
{
	static const char *names[] = {"accept", "hold", "reject", "discard", "tempfail"};

	if ((unsigned)action >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[action];
}

/*
 * Copy untrusted text into a field of a decision line. Each source byte takes at most two
 * output bytes, so dst holds 2 * LOG_TEXT_MAX + 4; the cut happens after LOG_TEXT_MAX source
 * bytes. quote: escape '"' and '\\' (REASON); else make space and <>" '?' (SENDER).
 */
static void decision_field(char *dst, const char *src, bool quote)
{
	size_t i, o = 0, n = src ? strlen(src) : 0;

	for (i = 0; i < n && i < LOG_TEXT_MAX; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x20 || c >= 0x7f)
			c = '?';
		else if (!quote && (c == ' ' || c == '<' || c == '>' || c == '"'))
			c = '?';
		else if (quote && (c == '"' || c == '\\'))
			dst[o++] = '\\';
		dst[o++] = (char)c;
	}
	if (i < n) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

void log_decision(const char *qid, const char *list, const char *sender, enum log_action action,
                  const char *reason)
{
	char from[2 * LOG_TEXT_MAX + 4], why[2 * LOG_TEXT_MAX + 4], name[LOG_TEXT_MAX + 4];

	decision_field(from, sender, false);
	decision_field(name, list ? list : "-", false);
	decision_field(why, reason, true);
	log_msg(LOG_LVL_INFO, qid, "list=%s from=<%s> action=%s reason=\"%s\"", name, from,
	        log_action_name(action), why);
}
