/*
 * sdnotify.h: the systemd notification protocol (sd_notify(3)) without libsystemd.
 * One datagram to $NOTIFY_SOCKET per state change; a no-op when not run by systemd.
 */
#ifndef LISTMILTER_SDNOTIFY_H
#define LISTMILTER_SDNOTIFY_H

/**
 * @brief Send one notification: newline-separated "KEY=VALUE" assignments, as in sd_notify(3).
 * The socket is $NOTIFY_SOCKET: an absolute path, or "@name" for the abstract namespace.
 * @param[in] state the assignments, e.g. "READY=1\nSTATUS=serving".
 * @return LM_OK (sent, or $NOTIFY_SOCKET is unset or empty: nothing to do); LM_EINVAL (the
 * variable holds neither an absolute path nor "@name", or the name is too long); LM_EIO (the
 * socket could not be created or the datagram not sent; errno is kept).
 */
int sdnotify_send(const char *state);

/**
 * @brief "READY=1" with a STATUS= line: start-up finished, the socket accepts connections.
 * @param[in] status free text for systemctl status (control bytes become '?'); NULL for none.
 * @return as sdnotify_send(); LM_ETOOBIG when status does not fit one message.
 */
int sdnotify_ready(const char *status);

/**
 * @brief "RELOADING=1" with "MONOTONIC_USEC=" (CLOCK_MONOTONIC now), as Type=notify-reload
 * expects; follow with sdnotify_ready() when the new configuration is in place.
 * @return as sdnotify_send().
 */
int sdnotify_reloading(void);

/**
 * @brief "STOPPING=1": the daemon is shutting down (draining connections).
 * @return as sdnotify_send().
 */
int sdnotify_stopping(void);

/**
 * @brief "STATUS=" followed by text (control bytes become '?').
 * @return as sdnotify_send(); LM_ETOOBIG when text does not fit one message.
 */
int sdnotify_status(const char *text);

#endif
