/*
 * moderation.c: the pipeline's moderation step: approval tokens on re-injected posts,
 * Mailman's decision on the message's facts, storing held posts, and the notices afterwards.
 */
#include <ctype.h>
#include <string.h>

#include "lmerr.h"
#include "log.h"
#include "moderation.h"

int moderation_approval(struct moderation *mo, struct dbenv *env, const struct token_key *key,
                        const struct list *l, GMimeMessage *msg, int64_t now,
                        enum mod_approval *out)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), HELD_APPROVED_HEADER);
	uint32_t id;
	size_t n;
	int rc;

	*out = MOD_NONE;
	mo->token[0] = '\0';
	if (v == NULL)
		return LM_OK;
	while (isspace((unsigned char)*v))
		v++;
	for (n = 0; v[n] && !isspace((unsigned char)v[n]); n++)
		;
	if (n != TOKEN_LEN)
		return LM_OK;
	memcpy(mo->token, v, TOKEN_LEN);
	mo->token[TOKEN_LEN] = '\0';
	rc = token_peek(env, key, TOKEN_APPROVE, list_name(l), mo->token, now, &id);
	if (rc == LM_OK)
		*out = MOD_APPROVED;
	else if (rc == LM_EEXIST)
		*out = MOD_DUPLICATE;
	else if (rc == LM_EDB || rc == LM_ENOMEM)
		return rc;
	if (*out == MOD_NONE)
		mo->token[0] = '\0';
	return LM_OK;
}

int moderation_approval_done(struct moderation *mo, struct dbenv *env, const struct token_key *key,
                             const struct list *l, int64_t now)
{
	uint32_t id;
	int rc;

	if (mo->token[0] == '\0')
		return LM_OK;
	rc = token_use(env, key, TOKEN_APPROVE, list_name(l), mo->token, now, &id);
	/* checked at the start of this message; anything but "used" now is a DB problem */
	return rc == LM_OK || rc == LM_EEXIST || rc == LM_EDB || rc == LM_ENOMEM ? rc : LM_OK;
}

int moderation_decide(struct moderation *mo, struct dbenv *env, const struct list *l,
                      GMimeMessage *msg, const char *qid, const char *env_sender, enum spf_res spf)
{
	int rc;

	policy_list_load(l, &mo->pl);
	if ((rc = policy_msg_load(msg, &mo->pm)) != LM_OK)
		return rc;
	mo->pm.facts.qid = qid;
	mo->pm.facts.env_sender = env_sender ? env_sender : "";
	mo->pm.facts.spf = spf;
	return policy_decide(&mo->pl, &mo->pm.facts, policy_member_db, env, &mo->d);
}

int moderation_hold(struct moderation *mo, struct dbenv *env, const struct list *l,
                    const char *env_sender, const char *const *rcpts, size_t nrcpts,
                    const char *raw, size_t raw_len)
{
	struct holdq_entry e = {.env_sender = (char *)(env_sender ? env_sender : ""),
	                        .poster = mo->d.poster,
	                        .subject = mo->pm.subject,
	                        .reason = mo->d.reason,
	                        .msg = (char *)raw,
	                        .msg_len = raw_len};
	struct buf r;
	size_t i;
	int rc = LM_OK;

	buf_init(&r, BUF_CAP_SMALL);
	for (i = 0; i < nrcpts && rc == LM_OK; i++)
		rc = buf_printf(&r, "%s%s", i ? "\n" : "", rcpts[i]);
	e.recipients = r.data;
	if (rc == LM_OK)
		rc = holdq_add(env, list_name(l), &e, &mo->held_id);
	buf_free(&r);
	return rc;
}

void moderation_notify(struct moderation *mo, const struct held_ctx *c, const struct list *l,
                       const char *env_sender, const char *raw, size_t raw_len)
{
	struct holdq_entry e = {.env_sender = (char *)(env_sender ? env_sender : ""),
	                        .poster = mo->d.poster,
	                        .subject = mo->pm.subject,
	                        .reason = mo->d.reason,
	                        .msg = (char *)raw,
	                        .msg_len = raw_len};
	int rc = LM_OK;

	if (mo->d.action == POLICY_HOLD)
		rc = held_notify(c, l, &e, mo->held_id, mo->d.notify);
	else if (mo->d.action == POLICY_DISCARD)
		rc = held_auto_discard(c, l, &e);
	if (rc != LM_OK)
		log_warn(c->qid, "moderation: %s: notices not sent: %s", list_name(l),
		         lm_strerror(rc));
}

void moderation_clear(struct moderation *mo)
{
	policy_msg_clear(&mo->pm);
	policy_decision_clear(&mo->d);
	memset(mo, 0, sizeof(*mo));
}
