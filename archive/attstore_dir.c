/*
 * attstore_dir.c: the attachments/YYYYMMDD/<hash8> name of a message (spec 6.2): SHA-1 of the
 * raw Message-ID, and the date taken the way Python's email.Utils.parsedate() reads Date:.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "attstore.h"
#include "lmerr.h"

/* parsedate() looks at no more than five words; a few spare slots keep indexing simple. */
#define DATE_WORDS 8
#define DATE_WORD  32

static const char *const monthnames[] = {
        "jan", "feb",  "mar",  "apr",    "may",       "jun",      "jul",      "aug",
        "sep", "oct",  "nov",  "dec",    "january",   "february", "march",    "april",
        "may", "june", "july", "august", "september", "october",  "november", "december"};
static const char *const fromline_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const daynames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int attstore_hash8(const char *msgid, char out[9])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int i;

	if (!EVP_Digest(msgid, strlen(msgid), md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return LM_EIO;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	memcpy(out, hex, 4);
	memcpy(out + 4, hex + 2 * mdlen - 4, 4);
	out[8] = '\0';
	return LM_OK;
}

static int date_month(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(monthnames) / sizeof(monthnames[0]); i++)
		if (strcasecmp(w, monthnames[i]) == 0)
			return (int)(i % 12) + 1;
	return 0;
}

static bool date_isday(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(daynames) / sizeof(daynames[0]); i++)
		if (strcasecmp(w, daynames[i]) == 0)
			return true;
	return false;
}

/* Python's int(): optional sign, digits, surrounding blanks already split off. */
static bool date_int(const char *s, long *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return *end == '\0' && errno == 0 && *v > -100000 && *v < 100000;
}

static size_t date_split(const char *s, char w[DATE_WORDS][DATE_WORD])
{
	size_t n = 0, len;

	while (*s && n < DATE_WORDS) {
		s += strspn(s, " \t\r\n");
		len = strcspn(s, " \t\r\n");
		if (!len)
			break;
		snprintf(w[n++], DATE_WORD, "%.*s", (int)len, s);
		s += len;
	}
	return n;
}

static void date_chop(char *w, char c)
{
	size_t n = strlen(w);

	if (n && w[n - 1] == c)
		w[n - 1] = '\0';
}

/* The word shuffling at the start of _parsedate_tz(): no day name, five words. */
static size_t date_words(const char *date, char w[DATE_WORDS][DATE_WORD])
{
	size_t n = date_split(date, w);
	char *p;

	if (n && (w[0][strlen(w[0]) - 1] == ',' || date_isday(w[0]))) {
		memmove(w, w + 1, sizeof(w[0]) * (n - 1));
		n--;
	} else if (n && (p = strrchr(w[0], ','))) {
		memmove(w[0], p + 1, strlen(p + 1) + 1);
	}
	if (n == 4 && (p = strchr(w[3], '+')) && p > w[3])
		*p = '\0';
	if (n == 4 && !p)
		w[4][0] = '\0';
	return n == 4 ? 5 : n;
}

static void date_swap(char *a, char *b)
{
	char tmp[DATE_WORD];

	memcpy(tmp, a, DATE_WORD);
	memcpy(a, b, DATE_WORD);
	memcpy(b, tmp, DATE_WORD);
}

/* The time must have two or three numeric fields, or parsedate() gives None. */
static bool date_time_ok(char *tm)
{
	char *p, *save = NULL;
	long dummy;
	int i;

	date_chop(tm, ',');
	for (i = 0, p = strtok_r(tm, ":", &save); p; p = strtok_r(NULL, ":", &save), i++)
		if (!date_int(p, &dummy))
			return false;
	return i == 2 || i == 3;
}

/* email._parseaddr._parsedate_tz, reduced to the year, month and day it yields. */
static bool date_parse(const char *date, long *y, long *m, long *d)
{
	char w[DATE_WORDS][DATE_WORD];

	memset(w, 0, sizeof(w));
	if (date_words(date, w) < 5)
		return false;
	if (!(*m = date_month(w[1]))) {
		if (!(*m = date_month(w[0])))
			return false;
		memcpy(w[0], w[1], DATE_WORD);
	}
	date_chop(w[0], ',');
	if (strchr(w[2], ':') && strchr(w[2], ':') != w[2])
		date_swap(w[2], w[3]);
	date_chop(w[2], ',');
	if (!isdigit((unsigned char)w[2][0]))
		memcpy(w[2], w[4], DATE_WORD);
	if (!date_time_ok(w[3]) || !date_int(w[2], y) || !date_int(w[0], d))
		return false;
	if (*y >= 0 && *y < 100)
		*y += *y > 68 ? 1900 : 2000;
	return true;
}

/* "%04d%02d%02d" for values already range-checked to 0-9999, 0-99, 0-99. */
static void date_put(char out[9], long y, long m, long d)
{
	long v[3] = {y, m, d};
	int width[3] = {4, 2, 2}, i, k, pos = 8;

	out[8] = '\0';
	for (i = 2; i >= 0; i--)
		for (k = 0; k < width[i]; k++, v[i] /= 10)
			out[--pos] = (char)('0' + v[i] % 10);
}

/* The checks Python 2's time.strftime() makes (it raises, and Mailman falls back). */
static bool date_format(long y, long m, long d, char out[9])
{
	if (d == 0)
		d = 1;
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	date_put(out, y, m, d);
	return true;
}

static void date_from_line(const char *from_line, char out[9])
{
	char w[DATE_WORDS][DATE_WORD];
	long y = 0, m = 0, d = 0;

	if (!from_line || date_split(from_line, w) < 7 || !date_int(w[4], &d) ||
	    !date_int(w[6], &y) || y < 0 || y > 9999 || d < 0 || d > 99) {
		date_put(out, 0, 0, 0);
		return;
	}
	/* Mailman's own table: exact three-letter English names, else month 0. */
	for (m = 0; m < 12 && strcmp(w[3], fromline_months[m]) != 0; m++)
		;
	m = m < 12 ? m + 1 : 0;
	date_put(out, y, m, d);
}

void attstore_datedir(const char *date, time_t received, const char *from_line, char out[9])
{
	struct tm tm;
	long y, m, d;

	if (!date) {
		if (gmtime_r(&received, &tm) &&
		    date_format(tm.tm_year + 1900L, tm.tm_mon + 1L, tm.tm_mday, out))
			return;
	} else if (date_parse(date, &y, &m, &d) && date_format(y, m, d, out)) {
		return;
	}
	date_from_line(from_line, out);
}
