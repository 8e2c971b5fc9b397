/*
 * spf.c: a thin wrapper over libspf2: one server (resolver + cache) per process, one request
 * per check, the result mapped to enum spf_res and a header value safe to insert.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define HAVE_NS_TYPE 1 /* glibc's arpa/nameser.h defines ns_type; libspf2 must not */
#include <arpa/nameser.h>
#include <spf2/spf.h>

#include "lmerr.h"
#include "log.h"
#include "spf.h"

struct spf {
	SPF_server_t *server;
	bool check_loopback;  /* judge 127/8 and ::1 clients by DNS too (tests in a netns) */
	pthread_mutex_t lock; /* libspf2's DNS cache layer is not thread-safe */
};

int spf_new(const char *hostname, struct spf **out)
{
	struct spf *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL)
		return LM_ENOMEM;
	if ((s->server = SPF_server_new(SPF_DNS_CACHE, 0)) == NULL) {
		free(s);
		log_err(NULL, "spf: libspf2 could not set up its resolver");
		return LM_ECONFIG;
	}
	if (hostname && *hostname)
		SPF_server_set_rec_dom(s->server, hostname);
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return LM_OK;
}

struct spf *spf_free(struct spf *s)
{
	if (s) {
		SPF_server_free(s->server);
		pthread_mutex_destroy(&s->lock);
		free(s);
	}
	return NULL;
}

const char *spf_res_name(enum spf_res r)
{
	static const char *names[] = {"none",     "neutral",   "pass",     "fail",
	                              "softfail", "temperror", "permerror"};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "none";
}

bool spf_res_is_fail(enum spf_res r)
{
	return r == SPFRES_FAIL;
}

static enum spf_res spf_map(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_NEUTRAL:
		return SPFRES_NEUTRAL;
	case SPF_RESULT_PASS:
		return SPFRES_PASS;
	case SPF_RESULT_FAIL:
		return SPFRES_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return SPFRES_SOFTFAIL;
	case SPF_RESULT_NONE:
		return SPFRES_NONE;
	case SPF_RESULT_PERMERROR:
		return SPFRES_PERMERROR;
	default:
		return SPFRES_TEMPERROR;
	}
}

/*
 * libspf2 leaves the result unset when the record itself is broken (a syntax error found
 * while compiling it): that is a PermError. Resource and DNS trouble is a TempError.
 */
static enum spf_res spf_map_error(SPF_errcode_t err)
{
	switch (err) {
	case SPF_E_NO_MEMORY:
	case SPF_E_INTERNAL_ERROR:
	case SPF_E_DNS_ERROR:
	case SPF_E_NOT_CONFIG:
	case SPF_E_SUCCESS:
		return SPFRES_TEMPERROR;
	default:
		return SPFRES_PERMERROR;
	}
}

/* A byte of mail data (HELO, sender) in a header we add: controls cannot end or fold it,
 * and 8-bit bytes cannot make it an unlabelled non-ASCII header. */
static int header_char(unsigned char c)
{
	if (c < 0x20)
		return ' ';
	return c >= 0x7f ? '?' : c;
}

/* The header value: libspf2's text with anything that could end or fold a header removed. */
static void spf_header(struct buf *h, enum spf_res r, const char *detail)
{
	const char *p;

	buf_reset(h);
	if (detail == NULL || *detail == '\0') {
		buf_puts(h, spf_res_name(r));
		return;
	}
	for (p = detail; *p; p++)
		if (buf_putc(h, header_char((unsigned char)*p)) != LM_OK)
			break;
}

void spf_set_check_loopback(struct spf *s, bool check)
{
	s->check_loopback = check;
}

/*
 * SPF_request_query_mailfrom() without libspf2's "localhost is always allowed" shortcut: the
 * same steps (current domain, record lookup, interpretation) through its public API.
 */
static SPF_errcode_t query_no_free_ride(SPF_request_t *req, SPF_response_t **resp)
{
	SPF_record_t *rec = NULL;
	SPF_errcode_t err;

	if ((*resp = SPF_response_new(req)) == NULL)
		return SPF_E_NO_MEMORY;
	req->cur_dom = req->use_helo ? req->helo_dom : req->env_from_dp;
	err = SPF_server_get_record(req->spf_server, req, *resp, &rec);
	if (err != SPF_E_SUCCESS) {
		if (rec)
			SPF_record_free(rec);
		SPF_i_done(*resp, (*resp)->result, (*resp)->reason, (*resp)->err);
		return err;
	}
	(*resp)->spf_record_exp = rec;
	err = SPF_record_interpret(rec, req, *resp, 0);
	SPF_record_free(rec);
	(*resp)->spf_record_exp = NULL;
	return err;
}

/* A value for results libspf2 gave no text for: the result and what was checked. */
static void spf_header_plain(struct buf *h, enum spf_res r, const char *ip, const char *helo,
                             const char *sender)
{
	struct buf t;

	buf_init(&t, 2048);
	if (buf_printf(&t, "%s client-ip=%s; envelope-from=<%s>; helo=%s;", spf_res_name(r),
	               ip ? ip : "", sender ? sender : "", helo ? helo : "") == LM_OK)
		spf_header(h, r, buf_cstr(&t));
	else
		spf_header(h, r, NULL);
	buf_free(&t);
}

static int spf_request_fill(SPF_request_t *req, const char *ip, const char *helo,
                            const char *sender)
{
	char fallback[300];

	if (SPF_request_set_ipv4_str(req, ip) != SPF_E_SUCCESS &&
	    SPF_request_set_ipv6_str(req, ip) != SPF_E_SUCCESS)
		return LM_EINVAL;
	if (helo && *helo && SPF_request_set_helo_dom(req, helo) != SPF_E_SUCCESS)
		return LM_EINVAL;
	/* RFC 7208 2.4: for the null sender, check postmaster@HELO. */
	if ((sender == NULL || *sender == '\0') && helo && *helo &&
	    (size_t)snprintf(fallback, sizeof(fallback), "postmaster@%s", helo) < sizeof(fallback))
		sender = fallback;
	if (sender == NULL || *sender == '\0')
		return LM_EINVAL;
	return SPF_request_set_env_from(req, sender) == 0 ? LM_OK : LM_EINVAL;
}

enum spf_res spf_check(struct spf *s, const char *client_ip, const char *helo, const char *sender,
                       struct buf *header)
{
	SPF_request_t *req;
	SPF_response_t *resp = NULL;
	enum spf_res r = SPFRES_TEMPERROR;
	SPF_errcode_t err;
	int rc;

	pthread_mutex_lock(&s->lock);
	if ((req = SPF_request_new(s->server)) == NULL)
		goto done;
	if ((rc = spf_request_fill(req, client_ip ? client_ip : "", helo, sender)) != LM_OK) {
		r = SPFRES_NONE; /* nothing to check: an address libspf2 cannot parse */
		goto done;
	}
	if (s->check_loopback && SPF_request_is_loopback(req))
		err = query_no_free_ride(req, &resp);
	else
		err = SPF_request_query_mailfrom(req, &resp);
	if (resp && SPF_response_result(resp) != SPF_RESULT_INVALID)
		r = spf_map(SPF_response_result(resp));
	else
		r = spf_map_error(err);
	if (header && resp && SPF_response_result(resp) != SPF_RESULT_INVALID)
		spf_header(header, r, SPF_response_get_received_spf_value(resp));
	else if (header)
		spf_header_plain(header, r, client_ip, helo, sender);
done:
	if (resp)
		SPF_response_free(resp);
	if (req)
		SPF_request_free(req);
	pthread_mutex_unlock(&s->lock);
	if (header && header->len == 0)
		spf_header(header, r, NULL);
	return r;
}

/* A property value: as it is when it is a plain token, else quoted with \\ and " escaped. */
static int ar_value(struct buf *out, const char *v)
{
	const char *p;
	int rc = LM_OK;

	if (*v && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                    ".-_+@=!#$%&'*/?^`{|}~") == strlen(v))
		return buf_puts(out, v);
	rc = buf_putc(out, '"');
	for (p = v; *p && rc == LM_OK; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			rc = buf_putc(out, '\\');
		if (rc == LM_OK)
			rc = buf_putc(out, header_char(c));
	}
	return rc == LM_OK ? buf_putc(out, '"') : rc;
}

int spf_auth_results(struct buf *out, const char *authserv_id, enum spf_res r, const char *sender,
                     const char *helo)
{
	bool null = sender == NULL || *sender == '\0';
	int rc;

	rc = ar_value(out, authserv_id && *authserv_id ? authserv_id : "localhost");
	if (rc == LM_OK)
		rc = buf_printf(out, "; spf=%s %s=", spf_res_name(r),
		                null ? "smtp.helo" : "smtp.mailfrom");
	if (rc == LM_OK)
		rc = ar_value(out, null ? (helo ? helo : "") : sender);
	return rc;
}
