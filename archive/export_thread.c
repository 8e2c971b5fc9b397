/*
 * export_thread.c: pipermail's thread order (spec 5) from the parents the store recorded.
 * Sorting keys "date.seq-" chained from the root equals a depth-first walk with siblings
 * ordered by their own "date.seq-" component, so no key strings are built for sorting.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_priv.h"
#include "lmerr.h"

/* Index of the article numbered seq (arts are in number order), or EXPORT_NONE. */
static size_t find_seq(const struct export_view *v, uint32_t seq)
{
	size_t lo = 0, hi = v->p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v->p->arts[mid].seq == seq)
			return mid;
		if (v->p->arts[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return EXPORT_NONE;
}

/* Parents and depths; an article whose ancestry loops back on itself becomes a root. */
static int link_parents(struct export_view *v)
{
	size_t n = v->p->n, i, j, top;
	unsigned char *state = calloc(n ? n : 1, 1);
	size_t *stack = malloc(sizeof(*stack) * (n ? n : 1));
	int rc = LM_ENOMEM;

	if (state == NULL || stack == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		uint32_t ps = v->p->arts[i].parent;
		v->it[i].parent = ps == ARTICLE_NO_PARENT ? EXPORT_NONE : find_seq(v, ps);
		if (v->it[i].parent == i)
			v->it[i].parent = EXPORT_NONE;
	}
	for (i = 0; i < n; i++) {
		/* walk up until a finished article, a root, or one on this walk (a loop) */
		for (top = 0, j = i; j != EXPORT_NONE && state[j] == 0; j = v->it[j].parent) {
			state[j] = 1;
			stack[top++] = j;
		}
		if (j != EXPORT_NONE && state[j] == 1)
			v->it[j].parent =
			        EXPORT_NONE; /* break the loop at the article seen twice */
		while (top > 0)
			state[stack[--top]] = 2;
	}
	/* the ancestry is acyclic now: depths top-down, each computed once */
	memset(state, 0, n ? n : 1);
	for (i = 0; i < n; i++) {
		for (top = 0, j = i; j != EXPORT_NONE && state[j] == 0; j = v->it[j].parent)
			stack[top++] = j;
		while (top > 0) {
			j = stack[--top];
			size_t pa = v->it[j].parent;
			v->it[j].depth = pa == EXPORT_NONE ? 0 : v->it[pa].depth + 1;
			state[j] = 1;
		}
	}
	rc = LM_OK;
out:
	free(state);
	free(stack);
	return rc;
}

static const struct export_view *tv;

/* Siblings together (roots last), each group in "date.seq-" string order. */
static int by_parent_comp(const void *x, const void *y)
{
	const struct export_item *a = &tv->it[*(const size_t *)x], *b = &tv->it[*(const size_t *)y];

	if (a->parent != b->parent)
		return a->parent < b->parent ? -1 : 1;
	return strcmp(a->comp, b->comp);
}

/* Depth-first pre-order over the sorted sibling groups. */
static int walk(struct export_view *v, const size_t *grp, const size_t *first, const size_t *cnt)
{
	size_t n = v->p->n, top = 0, k = 0, j, c;
	size_t *stack = malloc(sizeof(*stack) * (n ? n : 1));

	if (stack == NULL)
		return LM_ENOMEM;
	for (j = cnt[n]; j > 0; j--)
		stack[top++] = grp[first[n] + j - 1];
	while (top > 0) {
		c = stack[--top];
		v->it[c].tpos = k;
		v->thread[k++] = c;
		for (j = cnt[c]; j > 0; j--)
			stack[top++] = grp[first[c] + j - 1];
	}
	free(stack);
	return LM_OK;
}

int export_thread_build(struct export_view *v)
{
	size_t n = v->p->n, i, g;
	size_t *grp = NULL, *first = NULL, *cnt = NULL;
	int rc;

	for (i = 0; i < n; i++)
		snprintf(v->it[i].comp, sizeof(v->it[i].comp), "%011" PRId64 ".%" PRIu32 "-",
		         v->p->arts[i].date, v->p->arts[i].seq);
	if ((rc = link_parents(v)) != LM_OK)
		return rc;
	rc = LM_ENOMEM;
	grp = malloc(sizeof(*grp) * (n ? n : 1));
	first = calloc(n + 1, sizeof(*first));
	cnt = calloc(n + 1, sizeof(*cnt));
	v->thread = malloc(sizeof(*v->thread) * (n ? n : 1));
	if (grp == NULL || first == NULL || cnt == NULL || v->thread == NULL)
		goto out;
	for (i = 0; i < n; i++)
		grp[i] = i;
	tv = v;
	qsort(grp, n, sizeof(*grp), by_parent_comp);
	for (i = n; i > 0; i--) {
		g = v->it[grp[i - 1]].parent == EXPORT_NONE ? n : v->it[grp[i - 1]].parent;
		first[g] = i - 1;
		cnt[g]++;
	}
	rc = walk(v, grp, first, cnt);
out:
	free(grp), free(first), free(cnt);
	return rc;
}

/* Keys longer than this many components show only their last ones (a pathological chain
 * would otherwise make thread.html grow with the square of its length). */
#define KEY_MAX_COMPONENTS 64

int export_thread_key(const struct export_view *v, size_t i, struct buf *out)
{
	size_t chain[KEY_MAX_COMPONENTS], k = 0, j;
	int rc;

	for (j = i; j != EXPORT_NONE && k < KEY_MAX_COMPONENTS; j = v->it[j].parent)
		chain[k++] = j;
	while (k > 0)
		if ((rc = buf_puts(out, v->it[chain[--k]].comp)) != LM_OK)
			return rc;
	return LM_OK;
}
