/*
 * mbox.c: streaming mailbox reader (mbox, mboxrd, pipermail .txt, gzip through zlib): reads
 * line by line with one line of lookahead and splits only on strict From_ lines.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "lmerr.h"
#include "mbox.h"

#define MBOX_CHUNK ((size_t)256 * 1024)

struct line {
	struct buf b;  /* the line with its line end */
	uint64_t off;  /* byte offset of its start */
	uint64_t no;   /* its 1-based number */
	bool too_long; /* the line was longer than the cap: the rest was dropped */
};

struct mbox {
	gzFile gz;
	uint64_t size;
	enum mbox_format fmt;
	size_t max;
	unsigned char *chunk;
	size_t pos, end;
	bool eof, started, done;
	uint64_t off, lineno;
	struct line cur, peek, from;
	bool have_peek, have_from;
};

static void line_init(struct line *l, size_t cap)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->b, cap);
}

/* The line without "\n" or "\r\n". */
static size_t content_len(const struct buf *b)
{
	size_t n = b->len;

	if (n && b->data[n - 1] == '\n')
		n--;
	if (n && b->data[n - 1] == '\r')
		n--;
	return n;
}

static int fill(struct mbox *m)
{
	int n = gzread(m->gz, m->chunk, (unsigned)MBOX_CHUNK);
	int zerr;

	if (n < 0) {
		gzerror(m->gz, &zerr);
		return LM_EIO;
	}
	m->pos = 0;
	m->end = (size_t)n;
	m->eof = n == 0;
	return LM_OK;
}

/* Read one raw line into l; LM_ENOENT at the end of the file. */
static int raw_line(struct mbox *m, struct line *l)
{
	unsigned char *nl;
	size_t n;
	int rc;

	buf_reset(&l->b);
	l->off = m->off;
	l->no = ++m->lineno;
	l->too_long = false;
	for (;;) {
		if (m->pos == m->end && !m->eof && (rc = fill(m)) != LM_OK)
			return rc;
		if (m->pos == m->end) {
			if (l->b.len == 0 && !l->too_long) {
				m->lineno--;
				return LM_ENOENT;
			}
			return LM_OK;
		}
		nl = memchr(m->chunk + m->pos, '\n', m->end - m->pos);
		n = nl ? (size_t)(nl - (m->chunk + m->pos)) + 1 : m->end - m->pos;
		rc = l->too_long ? LM_ETOOBIG : buf_append(&l->b, m->chunk + m->pos, n);
		if (rc == LM_ETOOBIG)
			l->too_long = true;
		else if (rc != LM_OK)
			return rc;
		m->pos += n;
		m->off += n;
		if (nl)
			return LM_OK;
	}
}

static void line_swap(struct line *a, struct line *b)
{
	struct line t = *a;
	*a = *b;
	*b = t;
}

static int next_line(struct mbox *m, struct line *l)
{
	if (m->have_peek) {
		m->have_peek = false;
		line_swap(l, &m->peek);
		return LM_OK;
	}
	return raw_line(m, l);
}

static int peek_line(struct mbox *m, const struct line **l)
{
	int rc = LM_OK;

	if (!m->have_peek && (rc = raw_line(m, &m->peek)) == LM_OK)
		m->have_peek = true;
	*l = &m->peek;
	return rc;
}

/* One whitespace-separated token of s (len n) starting at *i. */
static bool token(const char *s, size_t n, size_t *i, const char **t, size_t *tl)
{
	while (*i < n && isspace((unsigned char)s[*i]))
		(*i)++;
	*t = s + *i;
	while (*i < n && !isspace((unsigned char)s[*i]))
		(*i)++;
	*tl = (size_t)(s + *i - *t);
	return *tl > 0;
}

static bool all(const char *t, size_t n, int (*cls)(int), size_t min, size_t max)
{
	size_t i;

	if (n < min || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!cls((unsigned char)t[i]))
			return false;
	return true;
}

static int is_word(int c)
{
	return isalnum(c) || c == '_';
}

/* d?d:dd(:dd)? */
static bool is_time(const char *t, size_t n)
{
	const char *c = memchr(t, ':', n);
	size_t h;

	if (c == NULL || (h = (size_t)(c - t)) < 1 || h > 2 || !all(t, h, isdigit, 1, 2))
		return false;
	t += h + 1, n -= h + 1;
	if (n == 2)
		return all(t, 2, isdigit, 2, 2);
	return n == 5 && all(t, 2, isdigit, 2, 2) && t[2] == ':' && all(t + 3, 2, isdigit, 2, 2);
}

/* The date part of a From_ line, as tokens: Www Mmm d?d time [zone] yyyy [extra]. */
static bool strict_date(const char *s, size_t n, bool allow_extra)
{
	const char *t[8];
	size_t tl[8], i = 0, k = 0;

	while (k < 8 && token(s, n, &i, &t[k], &tl[k]))
		k++;
	if (k < 5 || k == 8 || !all(t[0], tl[0], is_word, 3, 3) ||
	    !all(t[1], tl[1], is_word, 3, 3) || !all(t[2], tl[2], isdigit, 1, 2) ||
	    !is_time(t[3], tl[3]))
		return false;
	if (all(t[4], tl[4], isdigit, 4, 4) && (k == 5 || (k == 6 && allow_extra)))
		return true;
	return k >= 6 && all(t[5], tl[5], isdigit, 4, 4) && (k == 6 || (k == 7 && allow_extra));
}

bool mbox_strict_from(const char *line, size_t len)
{
	const char *t;
	size_t tl, i = 5;

	if (len < 5 || memcmp(line, "From ", 5) != 0 || !token(line, len, &i, &t, &tl))
		return false;
	return strict_date(line + i, len - i, true);
}

bool mbox_pipermail_from(const char *line, size_t len)
{
	const char *t;
	size_t tl, i = 5, j;

	if (len < 5 || memcmp(line, "From ", 5) != 0 || !token(line, len, &i, &t, &tl))
		return false;
	if (strict_date(line + i, len - i, false))
		return true;
	/* "user at host" */
	j = i;
	if (!token(line, len, &j, &t, &tl) || tl != 2 || memcmp(t, "at", 2) != 0 ||
	    !token(line, len, &j, &t, &tl))
		return false;
	return strict_date(line + j, len - j, false);
}

/* An RFC 2822 header line: field name of printable non-colon characters, then ':'. */
static bool is_header(const struct line *l)
{
	const char *s = l->b.data;
	size_t i, n = l->b.len;

	for (i = 0; i < n && s[i] != ':'; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return false;
	return i > 0 && i < n;
}

static bool is_separator(struct mbox *m, const struct line *l, bool prev_blank)
{
	const char *s = l->b.data, *rest = s + 5;
	size_t n = content_len(&l->b), rn = n - 5;
	const struct line *nx;

	if (n < 5 || memcmp(s, "From ", 5) != 0 || peek_line(m, &nx) != LM_OK)
		return false;
	if (m->fmt == MBOX_PIPERMAIL)
		return mbox_pipermail_from(s, n) && nx->b.len >= 5 &&
		       memcmp(nx->b.data, "From:", 5) == 0;
	if (!is_header(nx))
		return false;
	if (mbox_strict_from(s, n))
		return true;
	/* Thunderbird/Netscape "From -" with or without a date */
	if (rn >= 1 && rest[0] == '-' && (rn == 1 || isspace((unsigned char)rest[1])))
		return rn <= 2 || strict_date(rest + 1, rn - 1, true) ||
		       all(rest + 1, rn - 1, isspace, 1, rn);
	/* "From <one token>" (Gmail takeout) only after a blank line */
	return prev_blank && rn > 0 && memchr(rest, ' ', rn) == NULL &&
	       memchr(rest, '\t', rn) == NULL;
}

static enum mbox_format format_by_name(const char *path)
{
	size_t n = strlen(path);

	if ((n >= 4 && strcmp(path + n - 4, ".txt") == 0) ||
	    (n >= 7 && strcmp(path + n - 7, ".txt.gz") == 0))
		return MBOX_PIPERMAIL;
	if (n >= 7 && strcmp(path + n - 7, ".mboxrd") == 0)
		return MBOX_MBOXRD;
	return MBOX_MBOXO;
}

int mbox_open(const char *path, enum mbox_format fmt, size_t max_message, struct mbox **out)
{
	struct mbox *m;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? LM_ENOENT : errno == EACCES ? LM_EPERM : LM_EIO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return LM_EIO;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		close(fd);
		return LM_ENOMEM;
	}
	m->size = (uint64_t)st.st_size;
	m->fmt = fmt == MBOX_AUTO ? format_by_name(path) : fmt;
	m->max = max_message;
	line_init(&m->cur, max_message);
	line_init(&m->peek, max_message);
	line_init(&m->from, max_message);
	if ((m->chunk = malloc(MBOX_CHUNK)) == NULL || (m->gz = gzdopen(fd, "rb")) == NULL) {
		if (m->gz == NULL)
			close(fd);
		mbox_close(m);
		return LM_ENOMEM;
	}
	gzbuffer(m->gz, (unsigned)MBOX_CHUNK);
	*out = m;
	return LM_OK;
}

struct mbox *mbox_close(struct mbox *m)
{
	if (m == NULL)
		return NULL;
	if (m->gz)
		gzclose(m->gz);
	free(m->chunk);
	buf_free(&m->cur.b);
	buf_free(&m->peek.b);
	buf_free(&m->from.b);
	free(m);
	return NULL;
}

/* First line: skip a UTF-8 BOM; a file not starting with "From " is a single message. */
static int start(struct mbox *m)
{
	int rc;

	m->started = true;
	if ((rc = raw_line(m, &m->peek)) != LM_OK)
		return rc;
	m->have_peek = true;
	if (m->peek.b.len >= 3 && memcmp(m->peek.b.data, "\xef\xbb\xbf", 3) == 0) {
		memmove(m->peek.b.data, m->peek.b.data + 3, m->peek.b.len - 2);
		m->peek.b.len -= 3;
	}
	if (m->fmt == MBOX_SINGLE || m->peek.b.len < 5 || memcmp(m->peek.b.data, "From ", 5)) {
		m->fmt = MBOX_SINGLE;
		return LM_OK;
	}
	m->have_peek = false;
	line_swap(&m->from, &m->peek);
	m->have_from = true;
	return LM_OK;
}

static int take_from(struct mbox *m, struct mbox_msg *msg)
{
	buf_reset(&msg->from_line);
	msg->offset = m->from.off;
	msg->line = m->from.no;
	m->have_from = false;
	return buf_append(&msg->from_line, m->from.b.data ? m->from.b.data : "",
	                  content_len(&m->from.b));
}

static int append_line(struct mbox *m, struct mbox_msg *msg, const struct line *l)
{
	const char *s = l->b.data;
	size_t n = l->b.len, i = 0;

	if (l->too_long)
		return LM_ETOOBIG;
	if (m->fmt == MBOX_MBOXRD && n > 0 && s[0] == '>') {
		while (i < n && s[i] == '>')
			i++;
		if (n - i >= 5 && memcmp(s + i, "From ", 5) == 0)
			s++, n--;
	}
	return buf_append(&msg->data, s, n);
}

/* Body lines until the next separator or the end. */
static int read_body(struct mbox *m, struct mbox_msg *msg, bool *toobig)
{
	bool prev_blank = false;
	int rc;

	for (;;) {
		if ((rc = next_line(m, &m->cur)) == LM_ENOENT) {
			m->done = true;
			return LM_OK;
		}
		if (rc != LM_OK)
			return rc;
		if (m->fmt != MBOX_SINGLE && is_separator(m, &m->cur, prev_blank)) {
			line_swap(&m->from, &m->cur);
			m->have_from = true;
			return LM_OK;
		}
		if (!*toobig && (rc = append_line(m, msg, &m->cur)) == LM_ETOOBIG)
			*toobig = true;
		else if (rc != LM_OK && rc != LM_ETOOBIG)
			return rc;
		prev_blank = content_len(&m->cur.b) == 0;
	}
}

int mbox_next(struct mbox *m, struct mbox_msg *msg)
{
	bool toobig = false;
	size_t n;
	int rc;

	if (!m->started && (rc = start(m)) != LM_OK)
		return rc;
	if (m->done || (m->fmt != MBOX_SINGLE && !m->have_from))
		return LM_ENOENT;
	buf_reset(&msg->data);
	buf_reset(&msg->from_line);
	msg->offset = 0;
	msg->line = 1;
	if (m->fmt != MBOX_SINGLE && (rc = take_from(m, msg)) != LM_OK)
		return rc;
	if ((rc = read_body(m, msg, &toobig)) != LM_OK)
		return rc;
	if (m->fmt == MBOX_SINGLE)
		m->done = true;
	/* the blank line that separates messages is not part of the message */
	n = msg->data.len;
	if (n >= 2 && msg->data.data[n - 1] == '\n' && msg->data.data[n - 2] == '\n')
		buf_truncate(&msg->data, 1);
	else if (n >= 4 && memcmp(msg->data.data + n - 4, "\r\n\r\n", 4) == 0)
		buf_truncate(&msg->data, 2);
	if (msg->data.data == NULL)
		buf_puts(&msg->data, "");
	return toobig ? LM_ETOOBIG : LM_OK;
}

void mbox_msg_init(struct mbox_msg *msg, size_t max_message)
{
	memset(msg, 0, sizeof(*msg));
	buf_init(&msg->from_line, BUF_CAP_SMALL);
	buf_init(&msg->data, max_message);
}

void mbox_msg_free(struct mbox_msg *msg)
{
	buf_free(&msg->from_line);
	buf_free(&msg->data);
}

enum mbox_format mbox_format_of(const struct mbox *m)
{
	return m->fmt;
}

uint64_t mbox_tell(const struct mbox *m)
{
	return m->off;
}

void mbox_progress(const struct mbox *m, uint64_t *done, uint64_t *total)
{
	z_off_t o = gzoffset(m->gz);

	*done = o > 0 ? (uint64_t)o : 0;
	*total = m->size;
}
