/*
 * msgctx.c: the message context (MAIL FROM to end-of-message or abort) with its one cleanup
 * path, and the count of live messages that SIGTERM waits for.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lmerr.h"
#include "log.h"
#include "milter.h"

static pthread_mutex_t msg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t msg_gone = PTHREAD_COND_INITIALIZER;
static unsigned long msg_alive;
static unsigned long msg_in_eom;

int msgctx_tempdir(const struct config *cfg, struct buf *out)
{
	if (*cfg->temp_dir)
		return buf_puts(out, cfg->temp_dir);
	return buf_printf(out, "%s/tmp", cfg->data_dir);
}

int msgctx_new(struct msgctx **out)
{
	struct msgctx *m = calloc(1, sizeof(*m));
	struct buf dir;
	int rc;

	if (m == NULL)
		return LM_ENOMEM;
	strcpy(m->qid, "NOQUEUE");
	buf_init(&m->decision, 1024);
	m->spool.fd = -1;
	pthread_mutex_lock(&msg_lock);
	msg_alive++;
	pthread_mutex_unlock(&msg_lock);
	if ((m->rt = runtime_acquire()) == NULL) {
		msgctx_free(m);
		return LM_ETEMP;
	}
	buf_init(&dir, 4096);
	rc = msgctx_tempdir(m->rt->cfg, &dir);
	if (rc == LM_OK)
		rc = spool_init(&m->spool, m->rt->cfg->body_memory_limit, buf_cstr(&dir));
	buf_free(&dir);
	if (rc != LM_OK) {
		msgctx_free(m);
		return LM_ENOMEM;
	}
	*out = m;
	return LM_OK;
}

void msgctx_set_qid(struct msgctx *m, const char *qid)
{
	if (qid != NULL && *qid)
		log_printable(m->qid, sizeof(m->qid), qid, strlen(qid));
}

int msgctx_add_header(struct msgctx *m, const char *name, const char *value)
{
	struct hdr_field *h;
	char *n, *v;

	if (m->nhdrs == m->hdrcap) {
		size_t cap = m->hdrcap ? m->hdrcap * 2 : 32;

		if ((h = realloc(m->hdrs, cap * sizeof(*h))) == NULL)
			return LM_ENOMEM;
		m->hdrs = h;
		m->hdrcap = cap;
	}
	n = strdup(name);
	v = strdup(value);
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		return LM_ENOMEM;
	}
	m->hdrs[m->nhdrs].name = n;
	m->hdrs[m->nhdrs++].value = v;
	return LM_OK;
}

int msgctx_add_rcpt(struct msgctx *m, const char *addr, bool listed)
{
	struct rcpt *r;

	if (m->nrcpts == m->rcap) {
		size_t cap = m->rcap ? m->rcap * 2 : 8;

		if ((r = realloc(m->rcpts, cap * sizeof(*r))) == NULL)
			return LM_ENOMEM;
		m->rcpts = r;
		m->rcap = cap;
	}
	if ((m->rcpts[m->nrcpts].addr = strdup(addr)) == NULL)
		return LM_ENOMEM;
	m->rcpts[m->nrcpts++].listed = listed;
	return LM_OK;
}

struct msgctx *msgctx_free(struct msgctx *m)
{
	size_t i;

	if (m == NULL)
		return NULL;
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i].addr);
	free(m->rcpts);
	for (i = 0; i < m->nhdrs; i++) {
		free((char *)m->hdrs[i].name);
		free((char *)m->hdrs[i].value);
	}
	free(m->hdrs);
	free(m->envfrom);
	free(m->helo);
	buf_free(&m->decision);
	free(m->list);
	spool_free(&m->spool);
	runtime_release(m->rt);
	free(m);
	pthread_mutex_lock(&msg_lock);
	if (--msg_alive == 0)
		pthread_cond_broadcast(&msg_gone);
	pthread_mutex_unlock(&msg_lock);
	return NULL;
}

unsigned long msgctx_active(void)
{
	unsigned long n;

	pthread_mutex_lock(&msg_lock);
	n = msg_alive;
	pthread_mutex_unlock(&msg_lock);
	return n;
}

void msgctx_eom_begin(void)
{
	pthread_mutex_lock(&msg_lock);
	msg_in_eom++;
	pthread_mutex_unlock(&msg_lock);
}

void msgctx_eom_end(void)
{
	pthread_mutex_lock(&msg_lock);
	if (--msg_in_eom == 0)
		pthread_cond_broadcast(&msg_gone);
	pthread_mutex_unlock(&msg_lock);
}

bool msgctx_drain(unsigned timeout_s)
{
	struct timespec until;
	bool empty;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_s;
	pthread_mutex_lock(&msg_lock);
	while (msg_in_eom > 0 && pthread_cond_timedwait(&msg_gone, &msg_lock, &until) == 0)
		;
	empty = msg_in_eom == 0;
	pthread_mutex_unlock(&msg_lock);
	return empty;
}
