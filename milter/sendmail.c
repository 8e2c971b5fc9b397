/*
 * sendmail.c: fork/exec of SendmailCommand with the message on a socket as standard input,
 * and a verdict from its exit status. No shell is involved; argv is built before the fork.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "lmerr.h"
#include "log.h"
#include "sendmail.h"

/* argv = command words, -oi, -f, from, --, rcpts, NULL; words point into the copy cmd. */
static int argv_build(char *cmd, const char *from, const char *const *rcpts, size_t n, char ***out)
{
	char **argv, *save = NULL, *w;
	size_t i = 0, k;

	if (n == 0 || n > SENDMAIL_MAX_RCPTS)
		return LM_EINVAL;
	if ((argv = calloc(SENDMAIL_MAX_WORDS + 5 + n + 1, sizeof(*argv))) == NULL)
		return LM_ENOMEM;
	for (w = strtok_r(cmd, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (i == SENDMAIL_MAX_WORDS)
			goto bad;
		argv[i++] = w;
	}
	if (i == 0)
		goto bad;
	argv[i++] = "-oi";
	argv[i++] = "-f";
	argv[i++] = (char *)(*from ? from : "<>");
	argv[i++] = "--";
	for (k = 0; k < n; k++) {
		if (rcpts[k] == NULL || rcpts[k][0] == '\0' || rcpts[k][0] == '-')
			goto bad;
		argv[i++] = (char *)rcpts[k];
	}
	*out = argv;
	return LM_OK;
bad:
	free(argv);
	return LM_EINVAL;
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return LM_EIO;
		p += w;
		len -= (size_t)w;
	}
	return LM_OK;
}

static int wait_child(pid_t pid, const char *prog, const char *qid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			log_syserr(qid, "sendmail: waitpid %s", prog);
			return LM_ETEMP;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return LM_OK;
	if (WIFEXITED(status)) {
		log_err(qid, "sendmail: %s exited with status %d", prog, WEXITSTATUS(status));
		return WEXITSTATUS(status) == EX_TEMPFAIL || WEXITSTATUS(status) == 127 ? LM_ETEMP
		                                                                        : LM_EIO;
	}
	log_err(qid, "sendmail: %s was killed by signal %d", prog,
	        WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return LM_ETEMP;
}

static void child_exec(int sock, char **argv)
{
	if (dup2(sock, STDIN_FILENO) < 0)
		_exit(127);
	closefrom(STDERR_FILENO + 1);
	execvp(argv[0], argv);
	_exit(127);
}

int sendmail_run(const char *command, const char *from, const char *const *rcpts, size_t n,
                 const char *data, size_t len, const char *qid)
{
	char *cmd = strdup(command ? command : ""), **argv = NULL;
	int sv[2] = {-1, -1}, rc, wrc;
	pid_t pid;

	if (cmd == NULL)
		return LM_ENOMEM;
	if ((rc = argv_build(cmd, from ? from : "", rcpts, n, &argv)) != LM_OK) {
		log_err(qid, "sendmail: bad SendmailCommand or recipient list");
		goto done;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || (pid = fork()) < 0) {
		log_syserr(qid, "sendmail: cannot start %s", argv[0]);
		rc = LM_ETEMP;
		goto done;
	}
	if (pid == 0)
		child_exec(sv[1], argv);
	close(sv[1]), sv[1] = -1;
	wrc = write_all(sv[0], data, len);
	shutdown(sv[0], SHUT_WR);
	close(sv[0]), sv[0] = -1;
	rc = wait_child(pid, argv[0], qid);
	if (rc == LM_OK && wrc != LM_OK) {
		log_err(qid, "sendmail: %s did not read the whole message", argv[0]);
		rc = LM_EIO;
	}
done:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	free(argv);
	free(cmd);
	return rc;
}
