/*
 * daemon.c: the daemon's life cycle: log set-up, privilege drop, pid file, socket, smfi_main.
 * Privileged work happens first; the socket is created only after dropping to UserID.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "daemon.h"
#include "lmerr.h"
#include "log.h"
#include "sdnotify.h"

/* Resolve "user[:group]"; a missing group means the user's primary group. */
static int lookup_user(const char *spec, uid_t *uid, gid_t *gid, struct buf *err)
{
	char *copy = strdup(spec), *group;
	struct passwd *pw;
	struct group *gr;
	int rc = LM_OK;

	if (copy == NULL)
		return LM_ENOMEM;
	if ((group = strchr(copy, ':')) != NULL)
		*group++ = '\0';
	if ((pw = getpwnam(copy)) == NULL) {
		buf_printf(err, "UserID: no such user \"%.64s\"\n", copy);
		rc = LM_ECONFIG;
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group && *group) {
		if ((gr = getgrnam(group)) == NULL) {
			buf_printf(err, "UserID: no such group \"%.64s\"\n", group);
			rc = LM_ECONFIG;
			goto out;
		}
		*gid = gr->gr_gid;
	}
out:
	free(copy);
	return rc;
}

bool daemon_check(const struct config *cfg, struct buf *err)
{
	uid_t uid;
	gid_t gid;
	bool ok = true;

	if (*cfg->user_id && lookup_user(cfg->user_id, &uid, &gid, err) != LM_OK)
		ok = false;
	if (cfg->data_dir[0] != '/') {
		buf_printf(err, "DataDir: \"%.200s\" is not an absolute path\n", cfg->data_dir);
		ok = false;
	}
	return ok;
}

/* setgroups/setgid/setuid in that order; any failure is fatal (OpenSMTPD's rule). */
static int drop_privileges(const char *spec)
{
	struct buf err;
	uid_t uid;
	gid_t gid;
	int rc;

	buf_init(&err, 1024);
	rc = lookup_user(spec, &uid, &gid, &err);
	if (rc != LM_OK) {
		log_err(NULL, "%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	buf_free(&err);
	if (getuid() == uid && geteuid() == uid)
		return LM_OK;
	if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0) {
		log_syserr(NULL, "cannot drop privileges to %s", spec);
		return LM_EPERM;
	}
	return LM_OK;
}

static int write_pidfile(const char *path)
{
	FILE *fp;

	if (*path == '\0')
		return LM_OK;
	if ((fp = fopen(path, "w")) == NULL) {
		log_syserr(NULL, "cannot write pid file %s", path);
		return LM_EIO;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0) {
		log_syserr(NULL, "cannot write pid file %s", path);
		return LM_EIO;
	}
	return LM_OK;
}

static struct smfiDesc daemon_desc = {
        .xxfi_name = "listmilter",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = 0,
};

int daemon_run(struct config *cfg, const char *cfgpath, bool foreground)
{
	int rc;

	(void)cfgpath;
	log_open("listmilter", cfg->syslog, cfg->syslog_facility, foreground);
	if (!foreground && daemon(0, 0) != 0) {
		log_syserr(NULL, "cannot detach");
		return EX_OSERR;
	}
	if (write_pidfile(cfg->pid_file) != LM_OK)
		return EX_CANTCREAT;
	if (*cfg->user_id && drop_privileges(cfg->user_id) != LM_OK)
		return EX_NOPERM;
	umask(cfg->umask);
	if (smfi_setconn(cfg->socket) == MI_FAILURE || smfi_register(daemon_desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		log_err(NULL, "cannot open milter socket %s", cfg->socket);
		return EX_UNAVAILABLE;
	}
	log_notice(NULL, "%s starting on %s", daemon_version(), cfg->socket);
	(void)sdnotify_ready(cfg->socket); /* Type=notify: the socket exists, the MTA may connect */
	rc = smfi_main();
	(void)sdnotify_stopping();
	return rc == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
}
