/*
 * sdnotify.c: sd_notify(3) done by hand: one AF_UNIX datagram to $NOTIFY_SOCKET.
 * No libsystemd: the protocol is a stable, documented datagram and this keeps the package lean.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lmerr.h"
#include "log.h"
#include "sdnotify.h"

/* One notification; systemd reads datagrams of any size, this keeps ours bounded. */
#define SDNOTIFY_MSG_MAX 1024

/* Fill sa from $NOTIFY_SOCKET; *len is the address length to pass to sendto(). */
static int notify_addr(const char *path, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(path);

	if ((path[0] != '/' && path[0] != '@') || n < 2 || n >= sizeof(sa->sun_path))
		return LM_EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n);
	if (path[0] == '@')
		sa->sun_path[0] = '\0'; /* abstract namespace: no NUL terminator is counted */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
	return LM_OK;
}

int sdnotify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	ssize_t sent;
	int fd, rc, saved;

	if (path == NULL || *path == '\0')
		return LM_OK;
	if ((rc = notify_addr(path, &sa, &len)) != LM_OK)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return LM_EIO;
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	saved = errno;
	close(fd);
	errno = saved;
	return sent == (ssize_t)strlen(state) ? LM_OK : LM_EIO;
}

/* "prefix" + printable(text) as one message; STATUS= text must not smuggle another key. */
static int send_with_status(const char *prefix, const char *text)
{
	char msg[SDNOTIFY_MSG_MAX], clean[SDNOTIFY_MSG_MAX];
	int n;

	if (text == NULL)
		return sdnotify_send(prefix);
	if (strlen(text) >= sizeof(clean) - 4)
		return LM_ETOOBIG;
	log_printable(clean, sizeof(clean), text, strlen(text));
	n = snprintf(msg, sizeof(msg), "%sSTATUS=%s", prefix, clean);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return LM_ETOOBIG;
	return sdnotify_send(msg);
}

int sdnotify_ready(const char *status)
{
	return send_with_status("READY=1\n", status);
}

int sdnotify_status(const char *text)
{
	return send_with_status("", text ? text : "");
}

int sdnotify_reloading(void)
{
	char msg[64];
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return LM_EIO;
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	         (unsigned long long)ts.tv_sec * 1000000ULL +
	                 (unsigned long long)ts.tv_nsec / 1000U);
	return sdnotify_send(msg);
}

int sdnotify_stopping(void)
{
	return sdnotify_send("STOPPING=1");
}
