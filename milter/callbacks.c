/*
 * callbacks.c: the libmilter callbacks: a few lines each, mapping the connection and message
 * contexts onto the pipeline and its verdicts onto sfsistat.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "lmerr.h"
#include "log.h"
#include "milter.h"

static sfsistat to_sfsi(enum verdict v)
{
	static const sfsistat map[] = {SMFIS_CONTINUE, SMFIS_ACCEPT, SMFIS_REJECT, SMFIS_TEMPFAIL,
	                               SMFIS_DISCARD};

	return map[v];
}

/* The open message of a callback, with its queue id refreshed ({i} appears late in Postfix). */
static struct msgctx *cb_msg(SMFICTX *ctx, struct mta *mta)
{
	struct connctx *c = smfi_getpriv(ctx);

	mta_init_milter(mta, ctx);
	if (c == NULL || c->msg == NULL)
		return NULL;
	msgctx_set_qid(c->msg, smfi_getsymval(ctx, "i"));
	return c->msg;
}

/* The one place a message ends, whatever ended it. */
static void cb_msg_done(SMFICTX *ctx)
{
	struct connctx *c = smfi_getpriv(ctx);

	if (c != NULL)
		c->msg = msgctx_free(c->msg);
}

static void sockaddr_text(const struct sockaddr *sa, char *out, size_t n)
{
	const void *a = NULL;

	*out = '\0';
	if (sa && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, out, (socklen_t)n) == NULL)
		*out = '\0';
}

static sfsistat cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct connctx *c = smfi_getpriv(ctx);

	(void)host;
	if (c == NULL) /* an MTA that skipped negotiation */
		c = calloc(1, sizeof(*c));
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	sockaddr_text(addr, c->client_addr, sizeof(c->client_addr));
	smfi_setpriv(ctx, c);
	return SMFIS_CONTINUE;
}

/* The HELO name, for SPF (the null sender is checked by it); a repeated HELO replaces it. */
static sfsistat cb_helo(SMFICTX *ctx, char *helo)
{
	struct connctx *c = smfi_getpriv(ctx);
	char *h;

	if (c == NULL || helo == NULL)
		return SMFIS_CONTINUE;
	if ((h = strdup(helo)) == NULL)
		return SMFIS_TEMPFAIL;
	free(c->helo);
	c->helo = h;
	return SMFIS_CONTINUE;
}

/* What SPF needs of the connection, copied into the message. */
static int cb_msg_conn(const struct connctx *c, struct msgctx *m)
{
	memcpy(m->client_addr, c->client_addr, sizeof(m->client_addr));
	if (c->helo != NULL && (m->helo = strdup(c->helo)) == NULL)
		return LM_ENOMEM;
	return LM_OK;
}

static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct connctx *c = smfi_getpriv(ctx);
	struct mta mta;
	int rc;

	mta_init_milter(&mta, ctx);
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	c->msg = msgctx_free(c->msg);
	if ((rc = msgctx_new(&c->msg)) != LM_OK ||
	    (c->msg->envfrom = strdup(argv[0] ? argv[0] : "<>")) == NULL ||
	    (rc = cb_msg_conn(c, c->msg)) != LM_OK) {
		log_err(NULL, "cannot start a message: %s", lm_strerror(rc ? rc : LM_ENOMEM));
		mta_setreply(&mta, "451", "4.3.0", "Temporary failure, try again later");
		cb_msg_done(ctx);
		return SMFIS_TEMPFAIL;
	}
	c->nmsgs++;
	msgctx_set_qid(c->msg, smfi_getsymval(ctx, "i"));
	return SMFIS_CONTINUE;
}

static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mta mta;
	struct msgctx *m = cb_msg(ctx, &mta);

	return m ? to_sfsi(pipeline_rcpt(m, argv[0], &mta)) : SMFIS_TEMPFAIL;
}

/* Stages the MTA expects no reply for (SMFIP_NR_*) keep a verdict other than "go on" for the
 * next stage that replies: the reply text set with it stays in the context until then. */
static sfsistat cb_noreply(struct msgctx *m, bool nr, enum verdict v)
{
	if (!nr)
		return to_sfsi(v);
	if (v != V_CONTINUE && m->deferred == V_CONTINUE)
		m->deferred = (int)v;
	return SMFIS_NOREPLY;
}

/* Once a verdict is kept, later stages only pass it on. */
static bool cb_deferred(const struct msgctx *m)
{
	return m->deferred != V_CONTINUE;
}

static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct connctx *c = smfi_getpriv(ctx);
	struct mta mta;
	struct msgctx *m = cb_msg(ctx, &mta);

	if (m == NULL)
		return c && c->nr_hdr ? SMFIS_NOREPLY : SMFIS_TEMPFAIL;
	if (cb_deferred(m))
		return c->nr_hdr ? SMFIS_NOREPLY : to_sfsi((enum verdict)m->deferred);
	return cb_noreply(m, c->nr_hdr, pipeline_header(m, name, value, &mta));
}

static sfsistat cb_eoh(SMFICTX *ctx)
{
	struct mta mta;
	struct msgctx *m = cb_msg(ctx, &mta);

	if (m == NULL)
		return SMFIS_TEMPFAIL;
	return to_sfsi(cb_deferred(m) ? (enum verdict)m->deferred : pipeline_eoh(m, &mta));
}

static sfsistat cb_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	struct connctx *c = smfi_getpriv(ctx);
	struct mta mta;
	struct msgctx *m = cb_msg(ctx, &mta);

	if (m == NULL)
		return c && c->nr_body ? SMFIS_NOREPLY : SMFIS_TEMPFAIL;
	if (cb_deferred(m))
		return c->nr_body ? SMFIS_NOREPLY : to_sfsi((enum verdict)m->deferred);
	return cb_noreply(m, c->nr_body, pipeline_body(m, p, n, &mta));
}

static double cb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static sfsistat cb_eom(SMFICTX *ctx)
{
	struct mta mta;
	struct msgctx *m = cb_msg(ctx, &mta);
	double t0 = cb_now_ms();
	sfsistat s = SMFIS_TEMPFAIL;

	msgctx_eom_begin();
	if (m != NULL)
		s = to_sfsi(cb_deferred(m) ? (enum verdict)m->deferred : pipeline_eom(m, &mta));
	msgctx_eom_end();

	if (m != NULL)
		log_debug(m->qid, "end of message: %.1f ms", cb_now_ms() - t0);
	cb_msg_done(ctx);
	return s;
}

static sfsistat cb_abort(SMFICTX *ctx)
{
	cb_msg_done(ctx);
	return SMFIS_CONTINUE;
}

static sfsistat cb_close(SMFICTX *ctx)
{
	struct connctx *c = smfi_getpriv(ctx);

	cb_msg_done(ctx);
	if (c != NULL)
		free(c->helo);
	free(c);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

#define CB_ACTIONS                                                                                 \
	(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_DELRCPT |           \
	 SMFIF_QUARANTINE | SMFIF_CHGFROM | SMFIF_SETSYMLIST)

/* Ask for the actions we use and the macros we read, whatever the MTA's defaults are. */
static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                             unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
	struct connctx *c = calloc(1, sizeof(*c));

	(void)f2;
	(void)f3;
	if ((f0 & CB_ACTIONS) != CB_ACTIONS || c == NULL) {
		log_err(NULL, "the MTA does not offer the milter actions listmilter needs (0x%lx)",
		        f0);
		free(c);
		return SMFIS_REJECT;
	}
	smfi_setpriv(ctx, c); /* negotiation comes first: the connection context starts here */
	*pf0 = CB_ACTIONS;
	/* no SMFIP_HDR_LEADSPC: with it, the MTA also expects our added values to carry the space
	 */
	/* HELO is wanted: SPF checks the HELO name of a null sender */
	*pf1 = f1 & (SMFIP_NOUNKNOWN | SMFIP_NODATA);
	*pf2 = *pf3 = 0;
	if (smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i {rcpt_addr}") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_EOH, "i") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_EOM, "i") != MI_SUCCESS)
		log_warn(NULL, "cannot request macros; queue ids may be missing from log lines");
	return SMFIS_CONTINUE;
}

static struct smfiDesc callbacks = {
        .xxfi_name = "listmilter",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = CB_ACTIONS,
        .xxfi_connect = cb_connect,
        .xxfi_helo = cb_helo,
        .xxfi_envfrom = cb_envfrom,
        .xxfi_envrcpt = cb_envrcpt,
        .xxfi_header = cb_header,
        .xxfi_eoh = cb_eoh,
        .xxfi_body = cb_body,
        .xxfi_eom = cb_eom,
        .xxfi_abort = cb_abort,
        .xxfi_close = cb_close,
        .xxfi_negotiate = cb_negotiate,
};

struct smfiDesc *callbacks_desc(void)
{
	return &callbacks;
}
