/*
 * policy.c: who may post. Interim rule until the moderation module lands: members post,
 * moderated members and non-members get the list's configured action (hold = MTA quarantine).
 */
#include <string.h>

#include "lmerr.h"
#include "pipeline_int.h"

/* Strip angle brackets from an envelope address into out. */
static int bare_addr(const char *a, struct buf *out)
{
	size_t n;

	buf_reset(out);
	if (*a == '<')
		a++;
	n = strcspn(a, ">");
	return buf_append(out, a, n);
}

/* LM_OK and *found when addr is a member; the member's flags in *mem. */
static int policy_member(struct dbenv *env, const struct list *l, const char *addr,
                         struct member *mem, bool *found)
{
	int rc;

	if (*addr == '\0')
		return LM_OK;
	rc = members_get(env, list_name(l), addr, mem);
	if (rc == LM_ENOENT)
		return LM_OK;
	if (rc == LM_OK)
		*found = true;
	return rc;
}

/* The addresses Mailman checks: From: (every mailbox), then the envelope sender. */
static int policy_find_member(struct msgctx *m, const struct list *l, GMimeMessage *msg,
                              struct member *mem, struct buf *who, bool *found)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	int i, n = from ? internet_address_list_length(from) : 0, rc = LM_OK;

	for (i = 0; i < n && !*found && rc == LM_OK; i++) {
		InternetAddress *ia = internet_address_list_get_address(from, i);

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		buf_reset(who);
		rc = buf_puts(who, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
		if (rc == LM_OK)
			rc = policy_member(m->rt->env, l, buf_cstr(who), mem, found);
	}
	if (rc == LM_OK && !*found && m->envfrom != NULL &&
	    (rc = bare_addr(m->envfrom, who)) == LM_OK)
		rc = policy_member(m->rt->env, l, buf_cstr(who), mem, found);
	return rc;
}

static enum policy_action action_of(long v, const enum policy_action *map, size_t n)
{
	return (v >= 0 && (size_t)v < n) ? map[v] : POLICY_HOLD;
}

int policy_decide(struct msgctx *m, const struct list *l, GMimeMessage *msg, struct buf *why,
                  enum policy_action *out)
{
	static const enum policy_action nonmember[] = {POLICY_ACCEPT, POLICY_HOLD, POLICY_REJECT,
	                                               POLICY_DISCARD};
	static const enum policy_action moderated[] = {POLICY_HOLD, POLICY_REJECT, POLICY_DISCARD};
	struct member mem = {0};
	struct buf who;
	bool found = false;
	int rc;

	buf_init(&who, 1024);
	rc = policy_find_member(m, l, msg, &mem, &who, &found);
	if (rc != LM_OK)
		goto out;
	if (found && !mem.moderate) {
		*out = POLICY_ACCEPT;
		rc = buf_printf(why, "member %.200s", buf_cstr(&who));
	} else if (found) {
		*out = action_of(list_get_int(l, "member_moderation_action"), moderated, 3);
		rc = buf_printf(why, "moderated member %.200s", buf_cstr(&who));
	} else {
		*out = action_of(list_get_int(l, "generic_nonmember_action"), nonmember, 4);
		rc = buf_printf(why, "non-member %.200s",
		                m->envfrom && *m->envfrom ? m->envfrom : "<>");
	}
out:
	member_clear(&mem);
	buf_free(&who);
	return rc;
}
