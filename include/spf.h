/*
 * spf.h: SPF checks of the SMTP client and envelope sender (libspf2), and the trace header.
 * The result feeds moderation: a Fail means the poster's member status is not trusted.
 */
#ifndef LISTMILTER_SPF_H
#define LISTMILTER_SPF_H

#include <stdbool.h>

#include "buf.h"

/** SPF results (RFC 7208 section 2.6). */
enum spf_res {
	SPFRES_NONE = 0,  /**< no record, or no check was made */
	SPFRES_NEUTRAL,   /**< ?all */
	SPFRES_PASS,      /**< the client may send for the domain */
	SPFRES_FAIL,      /**< -all: the client may not */
	SPFRES_SOFTFAIL,  /**< ~all */
	SPFRES_TEMPERROR, /**< DNS timed out or SERVFAIL: a transient error */
	SPFRES_PERMERROR  /**< a broken record */
};

/** One SPF checker; one per process, shared by threads (calls serialise on a mutex). */
struct spf;

/**
 * @brief Create a checker using the system resolver (res_ninit, /etc/resolv.conf) with a cache.
 * @param[in] hostname this host's name, used in the Received-SPF text ("" for gethostname()).
 * @param[out] out the checker.
 * @return LM_OK; LM_ENOMEM; LM_ECONFIG (libspf2 could not set up its resolver).
 */
int spf_new(const char *hostname, struct spf **out);

/**
 * @brief libspf2 passes every loopback client (127/8, ::1) without looking at DNS; with check
 * true such clients are judged by their records like any other. For tests inside a
 * loopback-only network namespace (site key SPFCheckLoopback); off by default, since Postfix
 * shows local submissions as 127.0.0.1.
 */
void spf_set_check_loopback(struct spf *s, bool check);

/** @brief Free a checker; NULL is accepted. Returns NULL. */
struct spf *spf_free(struct spf *s);

/**
 * @brief Check a client address and envelope sender (HELO name when the sender is null).
 * Never fails the mail: any internal problem is reported as SPFRES_TEMPERROR.
 * @param[in] s the checker.
 * @param[in] client_ip the client's IPv4 or IPv6 address as text.
 * @param[in] helo the HELO/EHLO name (may be NULL).
 * @param[in] sender the envelope sender without angle brackets ("" for the null sender).
 * @param[out] header if not NULL, the value of a Received-SPF header (RFC 7208 9.1) for this
 * result is appended (to be inserted at index 0 with the name "Received-SPF").
 * @return the result.
 */
enum spf_res spf_check(struct spf *s, const char *client_ip, const char *helo, const char *sender,
                       struct buf *header);

/**
 * @brief An Authentication-Results value (RFC 8601) for a result, as an alternative to
 * Received-SPF: "AUTHSERV; spf=RESULT smtp.mailfrom=SENDER" (smtp.helo=HELO for the null
 * sender). Values that are not plain tokens are quoted; line breaks never get through.
 * @param[out] out appended to.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int spf_auth_results(struct buf *out, const char *authserv_id, enum spf_res r, const char *sender,
                     const char *helo);

/** @brief The RFC 7208 name of a result: "pass", "fail", "softfail", ... */
const char *spf_res_name(enum spf_res r);

/**
 * What the milter does with a result before moderation. The policy for a temporary DNS
 * error is "never lose mail": the check is taken as SPFRES_TEMPERROR, which moderation treats
 * like None (the member status stands), so nothing is refused or held because DNS was down.
 * @return true when r must be treated as a failure for moderation (only SPFRES_FAIL).
 */
bool spf_res_is_fail(enum spf_res r);

#endif
