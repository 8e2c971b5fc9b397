/*
 * lists_pending.c: link shim used only while archive/lists.c is not in the tree (see README):
 * no recipient is a list address, so the milter passes all mail through unmodified.
 */
#include <stdlib.h>

#include "lists.h"
#include "lmerr.h"

int lists_find_rcpt(struct dbenv *env, const char *rcpt, struct list **out,
                    enum list_addr_kind *kind)
{
	(void)env, (void)rcpt, (void)kind;
	*out = NULL;
	return LM_ENOENT;
}

int lists_get(struct dbenv *env, const char *list, struct list **out)
{
	(void)env, (void)list;
	*out = NULL;
	return LM_ETEMP;
}

struct list *list_free(struct list *l)
{
	(void)l;
	return NULL;
}

const char *list_name(const struct list *l)
{
	(void)l;
	return "";
}

const char *list_domain(const struct list *l)
{
	(void)l;
	return "";
}

const char *list_address(const struct list *l)
{
	(void)l;
	return "";
}

const char *list_get(const struct list *l, const char *key)
{
	(void)l, (void)key;
	return "";
}

long list_get_int(const struct list *l, const char *key)
{
	(void)l, (void)key;
	return 0;
}

bool list_get_bool(const struct list *l, const char *key)
{
	(void)l, (void)key;
	return false;
}

int members_get(struct dbenv *env, const char *list, const char *addr, struct member *out)
{
	(void)env, (void)list, (void)addr, (void)out;
	return LM_ETEMP;
}

void member_clear(struct member *m)
{
	(void)m;
}

int members_foreach(struct dbenv *env, const char *list,
                    int (*fn)(const struct member *m, void *arg), void *arg)
{
	(void)env, (void)list, (void)fn, (void)arg;
	return LM_ETEMP;
}
