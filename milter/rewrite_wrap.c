/*
 * rewrite_wrap.c: the delivered copy with from_is_list = 2 (Mailman's WrapMessage): the post
 * inside a message/rfc822 wrapper, decorated and given the delivery headers as a whole.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "pipeline_int.h"

/* The wrapper's own ADD of a header name, or NULL. */
static struct hdr_edit *own_add(struct hdr_edits *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].op == HDR_ADD && strcasecmp(w->v[i].name, name) == 0)
			return &w->v[i];
	return NULL;
}

/* Decorate's edits are against dmarc_wrapped_view(), whose fields are the wrapper's own ADDs:
 * fold them into those ADDs, so no index ever refers to a field the MTA has not seen yet. */
static int merge(struct hdr_edits *w, const struct hdr_edits *dec)
{
	int rc = LM_OK;

	for (size_t i = 0; i < dec->n && rc == LM_OK; i++) {
		const struct hdr_edit *d = &dec->v[i];
		struct hdr_edit *t = own_add(w, d->name);
		char *v;

		if (d->op == HDR_DELETE && t != NULL) {
			free(t->name);
			free(t->value);
			memmove(t, t + 1, (size_t)(w->v + w->n - t - 1) * sizeof(*t));
			w->n--;
		} else if (d->op == HDR_CHANGE && t != NULL) {
			if ((v = strdup(d->value)) == NULL)
				return LM_ENOMEM;
			free(t->value);
			t->value = v;
		} else if (d->op != HDR_DELETE) {
			rc = hdr_edits_push(w, HDR_ADD, d->name, 0, d->value, true);
		}
	}
	return rc;
}

int rewrite_wrap(struct msgctx *m, const struct list *l, const struct hdr_list *h,
                 const struct buf *body, struct rewrite *rw)
{
	struct hdr_edits w, dec;
	struct decorate_settings ds;
	struct cook_settings cs;
	struct buf store, inner;
	int rc;

	hdr_edits_init(&w);
	hdr_edits_init(&dec);
	buf_init(&store, 0);
	buf_init(&inner, m->rt->cfg->max_message_size * 2 + 65536);
	rc = cook_settings_from_list(l, &cs, &store);
	cs.post_id = rw->post_id;
	if (rc == LM_OK) /* rw->e holds CookHeaders' edits: the wrapper takes the deferred ones */
		rc = dmarc_wrap(&cs, h, &rw->e, body->data ? body->data : "", body->len, &inner,
		                &w);
	if (rc == LM_OK)
		rc = decorate_settings_from_list(l, &ds);
	if (rc == LM_OK)
		rc = decorate_body(&ds, dmarc_wrapped_view(), buf_cstr(&inner), inner.len, m->qid,
		                   &rw->body, &dec);
	if (rc == LM_ENOENT) /* no header and no footer: the wrapper as it is */
		rc = buf_append(&rw->body, inner.data, inner.len);
	rc = rc ? rc : merge(&w, &dec);
	rc = rc ? rc : rewrite_delivery_headers(l, dmarc_wrapped_view(), &w);
	if (rc == LM_OK) {
		hdr_edits_free(&rw->e);
		rw->e = w;
		hdr_edits_init(&w);
		rw->body_set = true;
	}
	hdr_edits_free(&w);
	hdr_edits_free(&dec);
	buf_free(&inner);
	buf_free(&store);
	return rc;
}
