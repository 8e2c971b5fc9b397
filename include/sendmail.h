/*
 * sendmail.h: handing a message to the MTA through SendmailCommand (fork and exec, no shell),
 * for notices and for approved posts re-injected so that they pass the milter again.
 */
#ifndef LISTMILTER_SENDMAIL_H
#define LISTMILTER_SENDMAIL_H

#include <stddef.h>

/** The most words SendmailCommand may have (program and its own options). */
#define SENDMAIL_MAX_WORDS 16
/** The most recipients of one hand-over. */
#define SENDMAIL_MAX_RCPTS 1000

/**
 * @brief Run "COMMAND -oi -f FROM -- RCPT..." with the message on standard input and wait.
 * COMMAND is split at spaces and tabs (no quoting, no shell). The message is written through a
 * socket with MSG_NOSIGNAL, so a command that dies early never raises SIGPIPE.
 * @param[in] command SendmailCommand, e.g. "/usr/sbin/sendmail" or "/usr/sbin/sendmail -C f".
 * @param[in] from the envelope sender; "" is sent as "<>".
 * @param[in] rcpts the recipients (at least one; none may start with '-').
 * @param[in] n how many.
 * @param[in] data the message (header, empty line, body), LF or CRLF line ends.
 * @param[in] len its length.
 * @param[in] qid queue id for log lines (may be NULL).
 * @return LM_OK (the command exited 0); LM_EINVAL (empty command, too many words, bad
 * recipient); LM_ETEMP (fork/exec failed, killed, or exit 75 EX_TEMPFAIL); LM_EIO (any other
 * exit status, or the message could not be written); LM_ENOMEM. Every failure is logged.
 */
int sendmail_run(const char *command, const char *from, const char *const *rcpts, size_t n,
                 const char *data, size_t len, const char *qid);

#endif
