/*
 * log.h: one logging API for the daemon and the tools, queue id first on every line.
 * Lines go to syslog (facility mail by default) or to stderr; mail text is made printable.
 */
#ifndef LISTMILTER_LOG_H
#define LISTMILTER_LOG_H

#include <stdbool.h>
#include <stddef.h>

/** How much of any one piece of mail text a log line carries: use "%.*s" with LOG_TEXT_MAX. */
#define LOG_TEXT_MAX 200
/** The longest log line; longer lines are cut and end in "...". */
#define LOG_LINE_MAX 2048

/** Severity, most severe first (values match syslog's). */
enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7
};

/**
 * @brief Choose where lines go. Until called, lines go to stderr with ident "listmilter".
 * @param[in] ident program name shown in each line (copied).
 * @param[in] use_syslog true: syslog; false: stderr.
 * @param[in] facility a syslog facility (LOG_MAIL and so on); ignored for stderr.
 * @param[in] also_stderr with syslog, also copy lines to stderr (foreground mode).
 */
void log_open(const char *ident, bool use_syslog, int facility, bool also_stderr);

/** @brief Lines above this level are dropped (default LOG_LVL_INFO). */
void log_set_level(enum log_level lvl);

/**
 * @brief Log one line: "QID: text". Bytes outside printable ASCII become '?', so mail text
 * can never forge a line; the line is cut at LOG_LINE_MAX.
 * @param[in] lvl severity.
 * @param[in] qid queue id, or NULL (shown as "NOQUEUE").
 */
void log_msg(enum log_level lvl, const char *qid, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/** @brief As log_msg() at LOG_LVL_ERR, followed by ": " and strerror(errno). */
void log_syserr(const char *qid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(qid, ...)    log_msg(LOG_LVL_ERR, (qid), __VA_ARGS__)
#define log_warn(qid, ...)   log_msg(LOG_LVL_WARN, (qid), __VA_ARGS__)
#define log_notice(qid, ...) log_msg(LOG_LVL_NOTICE, (qid), __VA_ARGS__)
#define log_info(qid, ...)   log_msg(LOG_LVL_INFO, (qid), __VA_ARGS__)
#define log_debug(qid, ...)  log_msg(LOG_LVL_DEBUG, (qid), __VA_ARGS__)

/**
 * @brief Copy text into dst made printable: control and non-ASCII bytes become '?', and
 * text longer than dstsize - 4 is cut and ends in "...".
 * @param[out] dst destination, always NUL-terminated when dstsize > 0.
 * @param[in] dstsize size of dst.
 * @param[in] src the text (may hold NULs); NULL gives "".
 * @param[in] srclen its length.
 * @return dst.
 */
char *log_printable(char *dst, size_t dstsize, const char *src, size_t srclen);

/**
 * @brief Syslog facility by name ("mail", "local0".."local7", "daemon", "user").
 * @return the facility value, or -1 for an unknown name.
 */
int log_facility_by_name(const char *name);

/**
 * The decision a list makes about one post, as logged by log_decision().
 */
enum log_action {
	LOG_ACT_ACCEPT,  /**< archived and sent to the members */
	LOG_ACT_HOLD,    /**< kept for a moderator */
	LOG_ACT_REJECT,  /**< refused with a 5xx reply */
	LOG_ACT_DISCARD, /**< accepted and dropped */
	LOG_ACT_TEMPFAIL /**< refused with a 4xx reply; the client retries */
};

/** @brief "accept", "hold", "reject", "discard" or "tempfail"; "unknown" for other values. */
const char *log_action_name(enum log_action action);

/**
 * @brief Log the one line per decision that operators grep for, at LOG_LVL_INFO:
 *
 *     QID: list=LIST from=<SENDER> action=ACTION reason="REASON"
 *
 * e.g. `4Xq7Lp0abc: list=demo from=<ann@example.org> action=hold reason="non-member post"`.
 * The field names and their order are a stable interface (documented in listmilter(8)):
 * grep 'action=reject' or 'list=demo ' works on every line. SENDER is the envelope sender
 * ("" for the null sender gives "from=<>"); bytes outside printable ASCII, spaces and the
 * characters <>" in it become '?'. In REASON, '"' and '\' are escaped with '\' and other
 * bytes outside printable ASCII become '?'. SENDER and REASON are cut at LOG_TEXT_MAX bytes and
 * then end in "...".
 * @param[in] qid the queue id, or NULL (NOQUEUE).
 * @param[in] list the list name (NULL gives "-").
 * @param[in] sender the envelope sender, untrusted (NULL gives "").
 * @param[in] action the decision.
 * @param[in] reason why, untrusted (NULL gives "").
 */
void log_decision(const char *qid, const char *list, const char *sender, enum log_action action,
                  const char *reason);

#endif
