/*
 * tzfile.c: a TZif (RFC 8536) reader: transitions of version 2+ files and the POSIX TZ footer
 * for times after the last transition. Zones are loaded once and kept; lookups take no lock.
 */
#include <ctype.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "lmerr.h"
#include "tzfile.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo/"
#define TZFILE_MAX   ((size_t)1 << 20)

struct ttype {
	int32_t off; /* seconds east of UTC */
	bool dst;
	char abbr[16];
};

/* A POSIX TZ rule date: Jn (kind 'J'), n (kind 'n') or Mm.w.d (kind 'M'), at secs. */
struct rdate {
	char kind;
	int n, m, w, d;
	int32_t secs;
};

struct rule {
	struct ttype std, dst;
	bool has_dst;
	struct rdate start, end;
};

struct tzzone {
	char name[200];
	int64_t *times;
	uint8_t *idx;
	struct ttype *types;
	size_t ntimes, ntypes;
	struct rule rule;
	bool has_rule;
	struct tzzone *next;
};

static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tzzone *zones;

static int32_t be32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)(uint32_t)be32(p) << 32 | (uint32_t)be32(p + 4));
}

/* ---- POSIX TZ strings ("MST7MDT,M3.2.0,M11.1.0") ---- */

static const char *tz_name(const char *s, char out[16])
{
	size_t n = 0;

	if (*s == '<') {
		for (s++; *s && *s != '>'; s++)
			if (n < 15)
				out[n++] = *s;
		s = *s == '>' ? s + 1 : NULL;
	} else {
		for (; isalpha((unsigned char)*s); s++)
			if (n < 15)
				out[n++] = *s;
	}
	out[n] = '\0';
	return s && n >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]]; *secs as written (not negated). */
static const char *tz_time(const char *s, int32_t *secs)
{
	int sign = 1, part[3] = {0, 0, 0}, i = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	for (;;) {
		while (isdigit((unsigned char)*s))
			part[i] = part[i] * 10 + (*s++ - '0');
		if (*s != ':' || i == 2)
			break;
		s++, i++;
	}
	if (part[0] > 167)
		return NULL;
	*secs = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return s;
}

static const char *tz_num(const char *s, int *v)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	for (*v = 0; isdigit((unsigned char)*s) && *v < 1000; s++)
		*v = *v * 10 + (*s - '0');
	return s;
}

static const char *tz_rdate(const char *s, struct rdate *r)
{
	r->secs = 7200;
	r->kind = *s == 'J' || *s == 'M' ? *s++ : 'n';
	if (r->kind == 'M') {
		if (!(s = tz_num(s, &r->m)) || *s++ != '.' || !(s = tz_num(s, &r->w)) ||
		    *s++ != '.' || !(s = tz_num(s, &r->d)))
			return NULL;
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
			return NULL;
	} else if (!(s = tz_num(s, &r->n)) || r->n > 365) {
		return NULL;
	}
	if (*s == '/' && !(s = tz_time(s + 1, &r->secs)))
		return NULL;
	return s;
}

static int tz_rule(const char *s, struct rule *r)
{
	int32_t t;

	memset(r, 0, sizeof(*r));
	if (!(s = tz_name(s, r->std.abbr)) || !(s = tz_time(s, &t)))
		return LM_EINVAL;
	r->std.off = -t;
	if (*s == '\0')
		return LM_OK;
	if (!(s = tz_name(s, r->dst.abbr)))
		return LM_EINVAL;
	r->has_dst = r->dst.dst = true;
	r->dst.off = r->std.off + 3600;
	if (*s && *s != ',') {
		if (!(s = tz_time(s, &t)))
			return LM_EINVAL;
		r->dst.off = -t;
	}
	if (*s++ != ',' || !(s = tz_rdate(s, &r->start)) || *s++ != ',' ||
	    !(s = tz_rdate(s, &r->end)) || *s != '\0')
		return LM_EINVAL;
	return LM_OK;
}

/* ---- calendar arithmetic (proleptic Gregorian, UTC) ---- */

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (m 1-12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Seconds from the start of year y (local) to the rule date. */
static int64_t rdate_secs(const struct rdate *r, int64_t y)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t day, first;
	int dim;

	if (r->kind == 'J')
		day = r->n - 1 + (leap(y) && r->n >= 60);
	else if (r->kind == 'n')
		day = r->n;
	else {
		first = days_from_civil(y, r->m, 1);
		dim = mdays[r->m - 1] + (r->m == 2 && leap(y));
		/* 1970-01-01 was a Thursday (4) */
		day = (r->d - (first + 4) % 7 + 7) % 7 + (int64_t)(r->w - 1) * 7;
		while (day >= dim)
			day -= 7;
		day += first - days_from_civil(y, 1, 1);
	}
	return day * 86400 + r->secs;
}

static const struct ttype *rule_type(const struct rule *r, int64_t t)
{
	int64_t y, ystart, start, end;

	if (!r->has_dst)
		return &r->std;
	y = 1970 + floordiv(t + r->std.off, 31556952); /* a guess, fixed below */
	while (days_from_civil(y, 1, 1) * 86400 > t + r->std.off)
		y--;
	while (days_from_civil(y + 1, 1, 1) * 86400 <= t + r->std.off)
		y++;
	ystart = days_from_civil(y, 1, 1) * 86400;
	start = ystart + rdate_secs(&r->start, y) - r->std.off;
	end = ystart + rdate_secs(&r->end, y) - r->dst.off;
	if (start < end)
		return t >= start && t < end ? &r->dst : &r->std;
	return t >= end && t < start ? &r->std : &r->dst;
}

/* ---- TZif ---- */

struct hdr {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_hdr(const unsigned char *p, size_t len, struct hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return LM_EINVAL;
	h->isutcnt = (uint32_t)be32(p + 20), h->isstdcnt = (uint32_t)be32(p + 24);
	h->leapcnt = (uint32_t)be32(p + 28), h->timecnt = (uint32_t)be32(p + 32);
	h->typecnt = (uint32_t)be32(p + 36), h->charcnt = (uint32_t)be32(p + 40);
	if (h->typecnt == 0 || h->typecnt > 256 || h->timecnt > 100000 || h->charcnt > 10000 ||
	    h->leapcnt > 10000 || h->isutcnt > 256 || h->isstdcnt > 256)
		return LM_EINVAL;
	return LM_OK;
}

static size_t block_len(const struct hdr *h, size_t tsize)
{
	return h->timecnt * tsize + h->timecnt + h->typecnt * 6 + h->charcnt +
	       h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int load_types(struct tzzone *z, const unsigned char *p, const struct hdr *h)
{
	const unsigned char *abbrs = p + h->typecnt * 6;
	size_t i, ai;

	if ((z->types = calloc(h->typecnt, sizeof(*z->types))) == NULL)
		return LM_ENOMEM;
	for (i = 0; i < h->typecnt; i++, p += 6) {
		z->types[i].off = be32(p);
		z->types[i].dst = p[4] != 0;
		if ((ai = p[5]) >= h->charcnt)
			return LM_EINVAL;
		snprintf(z->types[i].abbr, sizeof(z->types[i].abbr), "%.*s",
		         (int)strnlen((const char *)abbrs + ai, h->charcnt - ai), abbrs + ai);
	}
	z->ntypes = h->typecnt;
	return LM_OK;
}

/* The version 2+ data block (64-bit times) and the footer. */
static int parse_v2(struct tzzone *z, const unsigned char *p, size_t len)
{
	struct hdr h;
	size_t i, blen;
	const unsigned char *end;
	char footer[128];

	if (read_hdr(p, len, &h) != LM_OK || (blen = block_len(&h, 8)) > len - 44)
		return LM_EINVAL;
	p += 44, end = p + blen;
	z->times = calloc(h.timecnt + 1, sizeof(*z->times));
	z->idx = calloc(h.timecnt + 1, 1);
	if (z->times == NULL || z->idx == NULL)
		return LM_ENOMEM;
	for (i = 0; i < h.timecnt; i++)
		z->times[i] = be64(p + 8 * i);
	memcpy(z->idx, p + 8 * h.timecnt, h.timecnt);
	for (i = 0; i < h.timecnt; i++)
		if (z->idx[i] >= h.typecnt)
			return LM_EINVAL;
	z->ntimes = h.timecnt;
	if (load_types(z, p + 9 * h.timecnt, &h) != LM_OK)
		return LM_EINVAL;
	/* footer: "\nPOSIX-TZ\n" */
	len -= 44 + blen;
	if (len >= 2 && end[0] == '\n') {
		const unsigned char *nl = memchr(end + 1, '\n', len - 1);
		size_t n = nl ? (size_t)(nl - end - 1) : 0;
		if (nl && n > 0 && n < sizeof(footer)) {
			memcpy(footer, end + 1, n);
			footer[n] = '\0';
			z->has_rule = tz_rule(footer, &z->rule) == LM_OK;
		}
	}
	return LM_OK;
}

static int parse(struct tzzone *z, const unsigned char *p, size_t len)
{
	struct hdr h;
	size_t v1;

	if (read_hdr(p, len, &h) != LM_OK || p[4] < '2')
		return LM_EINVAL; /* version 1 files are long gone from tzdata */
	if ((v1 = block_len(&h, 4)) > len - 44)
		return LM_EINVAL;
	return parse_v2(z, p + 44 + v1, len - 44 - v1);
}

static int read_file(const char *name, struct buf *b)
{
	char path[sizeof(ZONEINFO_DIR) + 200], chunk[8192];
	ssize_t n;
	int fd, rc = LM_OK;

	snprintf(path, sizeof(path), "%s%s", ZONEINFO_DIR, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return LM_EINVAL;
	while (rc == LM_OK && (n = read(fd, chunk, sizeof(chunk))) > 0)
		rc = buf_append(b, chunk, (size_t)n);
	close(fd);
	return rc == LM_ETOOBIG ? LM_EINVAL : rc;
}

static void zone_free(struct tzzone *z)
{
	if (z) {
		free(z->times);
		free(z->idx);
		free(z->types);
		free(z);
	}
}

static int zone_load(const char *name, struct tzzone **out)
{
	struct tzzone *z = calloc(1, sizeof(*z));
	struct buf b;
	int rc;

	if (z == NULL)
		return LM_ENOMEM;
	snprintf(z->name, sizeof(z->name), "%s", name);
	buf_init(&b, TZFILE_MAX);
	if ((rc = read_file(name, &b)) == LM_OK)
		rc = parse(z, (const unsigned char *)b.data, b.len);
	buf_free(&b);
	if (rc != LM_OK) {
		zone_free(z);
		return rc;
	}
	*out = z;
	return LM_OK;
}

int tzfile_zone(const char *name, const struct tzzone **out)
{
	struct tzzone *z;
	int rc = LM_OK;

	if (strlen(name) >= sizeof(z->name))
		return LM_EINVAL;
	pthread_mutex_lock(&zones_lock);
	for (z = zones; z && strcmp(z->name, name) != 0; z = z->next)
		;
	if (z == NULL && (rc = zone_load(name, &z)) == LM_OK) {
		z->next = zones;
		zones = z;
	}
	pthread_mutex_unlock(&zones_lock);
	*out = z;
	return rc;
}

static const struct ttype *zone_type(const struct tzzone *z, int64_t t)
{
	size_t lo = 0, hi = z->ntimes;

	if (z->ntimes == 0 || t < z->times[0]) {
		/* before the first transition: the first non-DST type (RFC 8536 3.2) */
		for (lo = 0; lo < z->ntypes && z->types[lo].dst; lo++)
			;
		if (z->ntimes > 0 || !z->has_rule)
			return &z->types[lo < z->ntypes ? lo : 0];
	}
	if (z->has_rule && (z->ntimes == 0 || t >= z->times[z->ntimes - 1]))
		return rule_type(&z->rule, t);
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &z->types[z->idx[lo]];
}

int tzfile_localtime(const struct tzzone *z, int64_t epoch, struct tm *tm, char abbr[16])
{
	const struct ttype *ty = zone_type(z, epoch);
	time_t local = (time_t)(epoch + ty->off);

	if (gmtime_r(&local, tm) == NULL)
		return LM_EINVAL;
	tm->tm_isdst = ty->dst;
	tm->tm_gmtoff = ty->off;
	tm->tm_zone = ty->abbr;
	if (abbr)
		snprintf(abbr, 16, "%s", ty->abbr);
	return LM_OK;
}
