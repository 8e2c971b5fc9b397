/*
 * daemon.c: the daemon's life cycle: log set-up, privilege drop, pid file, socket, smfi_main.
 * Privileged work happens first; the socket is created only after dropping to UserID.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "daemon.h"
#include "dbenv.h"
#include "lmerr.h"
#include "log.h"
#include "milter.h"
#include "scrub.h"
#include "sdnotify.h"

/* How long SIGTERM waits for messages in flight (well inside Postfix's 300 s). */
#define DAEMON_DRAIN_SECONDS 120

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

static enum log_level level_by_name(const char *name)
{
	static const struct {
		const char *name;
		enum log_level lvl;
	} map[] = {{"err", LOG_LVL_ERR},
	           {"warning", LOG_LVL_WARN},
	           {"notice", LOG_LVL_NOTICE},
	           {"info", LOG_LVL_INFO},
	           {"debug", LOG_LVL_DEBUG}};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, name) == 0)
			return map[i].lvl;
	return LOG_LVL_INFO;
}

/* Reload thread: SIGUSR1 re-reads the file; on any error the old snapshot stays. */
struct reload_arg {
	const char *path;
	struct dbenv *env;
	char *data_dir;
	char *pid_file;
};

static void reload_once(const struct reload_arg *ra)
{
	struct config *cfg = NULL;
	struct buf err;

	buf_init(&err, 1024);
	if (config_load(ra->path, &cfg, &err) != LM_OK) {
		log_err(NULL, "reload failed, keeping the old configuration: %s", buf_cstr(&err));
	} else if (strcmp(cfg->data_dir, ra->data_dir) != 0) {
		log_err(NULL,
		        "reload: DataDir changed; that needs a restart (keeping the old one)");
		config_free(cfg);
	} else {
		log_set_level(level_by_name(cfg->log_level));
		(void)sdnotify_reloading();
		if (runtime_install(cfg, ra->env) == LM_OK)
			log_notice(NULL, "configuration reloaded from %s", ra->path);
		(void)sdnotify_ready(NULL);
	}
	buf_free(&err);
}

static void *reload_main(void *arg)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;)
		if (sigwait(&set, &sig) == 0 && sig == SIGUSR1)
			reload_once(arg);
	return NULL;
}

/* DataDir, DataDir/tmp (spill files) and DataDir/archives must exist and belong to us. */
static int make_dirs(const struct config *cfg)
{
	struct buf p;
	int rc = LM_OK;

	buf_init(&p, 4096);
	if (mkdir(cfg->data_dir, 0750) != 0 && errno != EEXIST) {
		log_syserr(NULL, "cannot create %s", cfg->data_dir);
		rc = LM_EIO;
	}
	if (rc != LM_OK || msgctx_tempdir(cfg, &p) != LM_OK ||
	    (mkdir(buf_cstr(&p), 0700) != 0 && errno != EEXIST)) {
		log_syserr(NULL, "cannot create %s", buf_cstr(&p));
		rc = LM_EIO;
	}
	buf_reset(&p);
	if (rc == LM_OK && (buf_printf(&p, "%s/archives", cfg->data_dir) != LM_OK ||
	                    (mkdir(buf_cstr(&p), 0750) != 0 && errno != EEXIST))) {
		log_syserr(NULL, "cannot create %s", buf_cstr(&p));
		rc = LM_EIO;
	}
	buf_free(&p);
	return rc;
}

static int open_env(const struct config *cfg, struct dbenv **env)
{
	struct buf p;
	int rc;

	buf_init(&p, 4096);
	rc = buf_printf(&p, "%s/db", cfg->data_dir);
	if (rc == LM_OK)
		rc = dbenv_open(buf_cstr(&p), cfg->database_max_size, 0, env);
	if (rc != LM_OK)
		log_err(NULL, "cannot open the database in %s: %s", buf_cstr(&p), lm_strerror(rc));
	buf_free(&p);
	return rc;
}

/* Everything up to the socket; returns a sysexits code. */
static int daemon_setup(struct config *cfg, bool foreground)
{
	sigset_t set;

	log_open("listmilter", cfg->syslog, cfg->syslog_facility, foreground);
	log_set_level(level_by_name(cfg->log_level));
	if (!foreground && daemon(0, 0) != 0) {
		log_syserr(NULL, "cannot detach");
		return EX_OSERR;
	}
	if (write_pidfile(cfg->pid_file) != LM_OK)
		return EX_CANTCREAT;
	/* every thread inherits this mask: the reload thread takes SIGUSR1, libmilter's own
	 * signal thread SIGHUP/SIGTERM/SIGINT; no other thread may die of them */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (*cfg->user_id && drop_privileges(cfg->user_id) != LM_OK)
		return EX_NOPERM;
	umask(cfg->umask);
	return EX_OK;
}

int daemon_run(struct config *cfg, const char *cfgpath, bool foreground)
{
	struct reload_arg ra = {cfgpath, NULL, NULL, NULL};
	pthread_t reloader;
	int rc;

	if ((rc = daemon_setup(cfg, foreground)) != EX_OK)
		goto fail;
	rc = EX_UNAVAILABLE;
	scrub_init();
	if (open_env(cfg, &ra.env) != LM_OK || (ra.data_dir = strdup(cfg->data_dir)) == NULL ||
	    (ra.pid_file = strdup(cfg->pid_file)) == NULL)
		goto fail;
	if (make_dirs(cfg) != LM_OK) { /* after dbenv_open, which makes DataDir */
		rc = EX_CANTCREAT;
		goto fail;
	}
	if (smfi_setconn(cfg->socket) == MI_FAILURE ||
	    smfi_register(*callbacks_desc()) == MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		log_err(NULL, "cannot open milter socket %s", cfg->socket);
		goto fail;
	}
	log_notice(NULL, "%s starting on %s", daemon_version(), cfg->socket);
	(void)sdnotify_ready(cfg->socket); /* Type=notify: the socket exists, the MTA may connect */
	rc = runtime_install(cfg, ra.env); /* takes cfg, also on failure */
	cfg = NULL;
	if (rc != LM_OK) {
		rc = EX_OSERR;
		goto fail_cfg_gone;
	}
	if (pthread_create(&reloader, NULL, reload_main, &ra) != 0 || pthread_detach(reloader) != 0)
		log_err(NULL, "cannot start the reload thread; SIGUSR1 will be ignored");
	rc = smfi_main() == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
	(void)sdnotify_stopping();
	/* drain: no new message gets a snapshot; those in flight finish with theirs */
	runtime_shutdown();
	if (!msgctx_drain(DAEMON_DRAIN_SECONDS))
		log_warn(NULL, "stopping with an end-of-message still running");
	log_notice(NULL, "stopped");
	if (*ra.pid_file && unlink(ra.pid_file) != 0)
		log_syserr(NULL, "cannot remove %s", ra.pid_file);
fail_cfg_gone:
	runtime_shutdown();
fail:
	config_free(cfg);
	free(ra.data_dir);
	free(ra.pid_file);
	/* an env still in use by a message that would not finish stays open until exit */
	if (ra.env != NULL && msgctx_drain(0) && msgctx_active() == 0)
		dbenv_close(ra.env);
	return rc;
}
