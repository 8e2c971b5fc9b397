/*
 * listctl.h: the command table of listctl and what every command gets to work with.
 * Each command lives in its own listctl/cmd_*.c file and is one row of listctl/main.c's table.
 */
#ifndef LISTMILTER_LISTCTL_H
#define LISTMILTER_LISTCTL_H

#include <stdbool.h>

#include "config.h"
#include "dbenv.h"

/** State shared by the commands of one listctl run. */
struct ctl {
	const char *cfgpath; /**< the configuration file in use */
	struct config *cfg;  /**< parsed configuration (never NULL inside a command) */
	struct dbenv *env;   /**< opened on first use by ctl_env() */
	bool env_rdonly;     /**< how env was opened */
};

/**
 * @brief The LMDB environment under DataDir/db, opened on first use.
 * @param[in,out] ctl the run's state.
 * @param[in] rdonly open read-only (export, show); a later writable request reopens it.
 * @param[out] out the environment.
 * @return LM_OK or the error of dbenv_open() (already reported on stderr).
 */
int ctl_env(struct ctl *ctl, bool rdonly, struct dbenv **out);

/** A command: argv[0] is the command name. Returns a sysexits(3) code. */
typedef int (*ctl_cmd_fn)(struct ctl *ctl, int argc, char **argv);

/* Commands, one per file under listctl/. */
int cmd_create(struct ctl *ctl, int argc, char **argv);
int cmd_set(struct ctl *ctl, int argc, char **argv);
int cmd_show(struct ctl *ctl, int argc, char **argv);
int cmd_lists(struct ctl *ctl, int argc, char **argv);
int cmd_import(struct ctl *ctl, int argc, char **argv);
int cmd_export(struct ctl *ctl, int argc, char **argv);
int cmd_membership(struct ctl *ctl, int argc, char **argv);
int cmd_held(struct ctl *ctl, int argc, char **argv);
int cmd_decide(struct ctl *ctl, int argc, char **argv);
int cmd_expire_held(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);

#endif
