/*
 * mta.c: the MTA shim: libmilter's smfi_* calls, or a recorder that writes each call as a line.
 * The wrappers check that body replacement stays one unbroken run (Postfix's rule).
 */
#include <stdio.h>
#include <string.h>

#include <libmilter/mfapi.h>

#include "lmerr.h"
#include "mta.h"

/* ---- libmilter ---- */

static int mi_rc(int rc)
{
	return rc == MI_SUCCESS ? LM_OK : LM_EIO;
}

static int mi_chgfrom(void *h, const char *from)
{
	return mi_rc(smfi_chgfrom(h, (char *)from, NULL));
}

static int mi_addrcpt(void *h, const char *rcpt)
{
	return mi_rc(smfi_addrcpt(h, (char *)rcpt));
}

static int mi_delrcpt(void *h, const char *rcpt)
{
	return mi_rc(smfi_delrcpt(h, (char *)rcpt));
}

static int mi_addheader(void *h, const char *name, const char *value)
{
	return mi_rc(smfi_addheader(h, (char *)name, (char *)value));
}

static int mi_insheader(void *h, int idx, const char *name, const char *value)
{
	return mi_rc(smfi_insheader(h, idx, (char *)name, (char *)value));
}

static int mi_chgheader(void *h, const char *name, int idx, const char *value)
{
	return mi_rc(smfi_chgheader(h, (char *)name, idx, (char *)value));
}

static int mi_replacebody(void *h, const unsigned char *p, size_t n)
{
	return mi_rc(smfi_replacebody(h, (unsigned char *)p, (int)n));
}

static int mi_quarantine(void *h, const char *reason)
{
	return mi_rc(smfi_quarantine(h, (char *)reason));
}

static int mi_progress(void *h)
{
	return mi_rc(smfi_progress(h));
}

static int mi_setreply(void *h, const char *rcode, const char *xcode, const char *text)
{
	return mi_rc(smfi_setreply(h, (char *)rcode, (char *)xcode, (char *)text));
}

static const struct mta_ops mi_ops = {mi_chgfrom,   mi_addrcpt,   mi_delrcpt,     mi_addheader,
                                      mi_insheader, mi_chgheader, mi_replacebody, mi_quarantine,
                                      mi_progress,  mi_setreply};

void mta_init_milter(struct mta *m, void *ctx)
{
	m->ops = &mi_ops;
	m->h = ctx;
	m->body_state = 0;
}

/* ---- recorder (tests) ---- */

static int rec_line(void *h, const char *op, const char *a, const char *b)
{
	return buf_printf(h, "%s%s%s%s%s\n", op, a ? " " : "", a ? a : "", b ? " " : "",
	                  b ? b : "");
}

static int rec_chgfrom(void *h, const char *from)
{
	return rec_line(h, "chgfrom", from, NULL);
}

static int rec_addrcpt(void *h, const char *rcpt)
{
	return rec_line(h, "addrcpt", rcpt, NULL);
}

static int rec_delrcpt(void *h, const char *rcpt)
{
	return rec_line(h, "delrcpt", rcpt, NULL);
}

static int rec_addheader(void *h, const char *name, const char *value)
{
	return rec_line(h, "addheader", name, value);
}

static int rec_insheader(void *h, int idx, const char *name, const char *value)
{
	return buf_printf(h, "insheader %d %s %s\n", idx, name, value);
}

static int rec_chgheader(void *h, const char *name, int idx, const char *value)
{
	return buf_printf(h, "chgheader %s %d %s\n", name, idx, value ? value : "(delete)");
}

static int rec_replacebody(void *h, const unsigned char *p, size_t n)
{
	int rc = buf_printf(h, "replacebody %zu\n", n);

	return rc != LM_OK ? rc : buf_append(h, p, n);
}

static int rec_quarantine(void *h, const char *reason)
{
	return rec_line(h, "quarantine", reason, NULL);
}

static int rec_progress(void *h)
{
	(void)h;
	return LM_OK;
}

static int rec_setreply(void *h, const char *rcode, const char *xcode, const char *text)
{
	return buf_printf(h, "setreply %s %s %s\n", rcode, xcode, text);
}

static const struct mta_ops rec_ops = {
        rec_chgfrom,   rec_addrcpt,     rec_delrcpt,    rec_addheader, rec_insheader,
        rec_chgheader, rec_replacebody, rec_quarantine, rec_progress,  rec_setreply};

void mta_init_recorder(struct mta *m, struct buf *log)
{
	m->ops = &rec_ops;
	m->h = log;
	m->body_state = 0;
}

/* ---- the checked wrappers ---- */

/* Any edit other than a body piece ends the body run. */
static void mta_edit(struct mta *m)
{
	if (m->body_state == 1)
		m->body_state = 2;
}

int mta_chgfrom(struct mta *m, const char *from)
{
	mta_edit(m);
	return m->ops->chgfrom(m->h, from);
}

int mta_addrcpt(struct mta *m, const char *rcpt)
{
	mta_edit(m);
	return m->ops->addrcpt(m->h, rcpt);
}

int mta_delrcpt(struct mta *m, const char *rcpt)
{
	mta_edit(m);
	return m->ops->delrcpt(m->h, rcpt);
}

int mta_addheader(struct mta *m, const char *name, const char *value)
{
	mta_edit(m);
	return m->ops->addheader(m->h, name, value);
}

int mta_insheader(struct mta *m, int idx, const char *name, const char *value)
{
	mta_edit(m);
	return m->ops->insheader(m->h, idx, name, value);
}

int mta_chgheader(struct mta *m, const char *name, int idx, const char *value)
{
	mta_edit(m);
	return m->ops->chgheader(m->h, name, idx, value);
}

int mta_replacebody(struct mta *m, const void *p, size_t n)
{
	if (m->body_state == 2)
		return LM_EINVAL;
	m->body_state = 1;
	return m->ops->replacebody(m->h, p, n);
}

int mta_quarantine(struct mta *m, const char *reason)
{
	mta_edit(m);
	return m->ops->quarantine(m->h, reason);
}

int mta_progress(struct mta *m)
{
	return m->ops->progress(m->h);
}

/* libmilter hands the text to a printf-style formatter in sendmail: double every '%'. */
int mta_setreply(struct mta *m, const char *rcode, const char *xcode, const char *text)
{
	struct buf t;
	int rc = LM_OK;

	buf_init(&t, 512);
	for (; *text && rc == LM_OK; text++) {
		if (*text == '%')
			rc = buf_putc(&t, '%');
		if (rc == LM_OK)
			rc = buf_putc(&t, (*text == '\r' || *text == '\n') ? ' ' : *text);
	}
	if (rc == LM_OK)
		rc = m->ops->setreply(m->h, rcode, xcode, buf_cstr(&t));
	buf_free(&t);
	return rc == LM_ETOOBIG ? m->ops->setreply(m->h, rcode, xcode, "rejected") : rc;
}
