/*
 * policy_list.c: glue from the list store (lists.h) to the moderation decision: the settings
 * snapshot as a struct policy_list, and members_get() as the member lookup.
 */
#include <stdlib.h>
#include <strings.h>

#include "dbenv.h"
#include "lists.h"
#include "lmerr.h"
#include "policy.h"

/* An action setting given as Mailman's number or as its name ("hold", ...). */
static long action_parse(const char *v, const char *const *names, long n, long def)
{
	char *end;
	long i, x;

	if (v == NULL || *v == '\0')
		return def;
	x = strtol(v, &end, 10);
	if (*end == '\0')
		return x >= 0 && x < n ? x : def;
	for (i = 0; i < n; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	return def;
}

int policy_list_load(const struct list *l, struct policy_list *out)
{
	static const char *const member_names[] = {"hold", "reject", "discard"};
	static const char *const nonmember_names[] = {"accept", "hold", "reject", "discard"};

	*out = (struct policy_list){
	        .name = list_name(l),
	        .address = list_address(l),
	        .domain = list_domain(l),
	        .listinfo_url = list_get(l, "listinfo_url"),
	        .moderator_password = list_get(l, "moderator_password"),
	        .default_member_moderation = list_get_bool(l, "default_member_moderation"),
	        .member_moderation_action =
	                action_parse(list_get(l, "member_moderation_action"), member_names, 3, 0),
	        .member_moderation_notice = list_get(l, "member_moderation_notice"),
	        .generic_nonmember_action = action_parse(list_get(l, "generic_nonmember_action"),
	                                                 nonmember_names, 4, 1),
	        .accept_these_nonmembers = list_get(l, "accept_these_nonmembers"),
	        .hold_these_nonmembers = list_get(l, "hold_these_nonmembers"),
	        .reject_these_nonmembers = list_get(l, "reject_these_nonmembers"),
	        .discard_these_nonmembers = list_get(l, "discard_these_nonmembers"),
	        .nonmember_rejection_notice = list_get(l, "nonmember_rejection_notice"),
	        .administrivia = list_get_bool(l, "administrivia"),
	        .max_num_recipients = list_get_int(l, "max_num_recipients"),
	        .require_explicit_destination = list_get_bool(l, "require_explicit_destination"),
	        .acceptable_aliases = list_get(l, "acceptable_aliases"),
	        .max_message_size = list_get_int(l, "max_message_size"),
	        .emergency = list_get_bool(l, "emergency"),
	        .spf_fail_action = list_get(l, "spf_fail_action"),
	};
	return LM_OK;
}

int policy_member_db(void *arg, const char *list, const char *addr, bool *moderate)
{
	struct member m;
	int rc = members_get(arg, list, addr, &m);

	if (rc == LM_OK) {
		*moderate = m.moderate;
		member_clear(&m);
	}
	return rc;
}
