/*
 * main.c: listctl's command line: global options, the command table, help.
 * Commands live in cmd_*.c; this file only finds the row and runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "dbenv.h"
#include "lmerr.h"
#include "listctl.h"

struct ctl_cmd {
	const char *name;
	ctl_cmd_fn fn;
	const char *usage;
	const char *summary;
};

static int cmd_help(struct ctl *ctl, int argc, char **argv);
static int cmd_version(struct ctl *ctl, int argc, char **argv);

static const struct ctl_cmd commands[] = {
        {"create", cmd_create, "create LIST@DOMAIN [KEY=VALUE...]", "create a list"},
        {"set", cmd_set, "set LIST KEY=VALUE...", "change list settings"},
        {"show", cmd_show, "show LIST", "print all settings of a list"},
        {"lists", cmd_lists, "lists", "print the names of all lists"},
        {"import", cmd_import, "import [--number-from N|--numbers-from DIR] LIST FILE...",
         "archive mailboxes, messages or pipermail .txt(.gz) files"},
        {"export", cmd_export, "export [--full] LIST DIR",
         "write the pipermail pages of changed periods (every period with --full)"},
        {"member", cmd_membership, "member add|remove|list|set LIST [ARGS...]",
         "manage members (add also reads -f FILE or -; set ADDR KEY=VALUE)"},
        {"held", cmd_held, "held LIST [ID]",
         "list held posts (ID, sender, subject, reason, age), or print one"},
        {"approve", cmd_decide, "approve LIST ID", "approve a held post (re-injected once)"},
        {"reject", cmd_decide, "reject LIST ID [REASON]", "reject a held post, telling the poster"},
        {"discard", cmd_decide, "discard LIST ID [REASON]", "discard a held post"},
        {"expire-held", cmd_expire_held, "expire-held [LIST]",
         "remove posts held over max_days_to_hold, telling the posters (cron)"},
        {"stats", cmd_stats, "stats [LIST]", "print counters and archive size of lists"},
        {"help", cmd_help, "help [COMMAND]", "print this help"},
        {"version", cmd_version, "version", "print the version"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
	        "usage: listctl [-c FILE] COMMAND [ARGS...]\n"
	        "  -c FILE  configuration file (default $LISTMILTER_CONF or %s)\n\n"
	        "commands:\n",
	        CONFIG_DEFAULT_PATH);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-44s %s\n", commands[i].usage, commands[i].summary);
	fprintf(fp, "\nLIST is a list's name or its posting address.\n");
}

static const struct ctl_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int cmd_help(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	(void)ctl;
	if (argc < 2) {
		usage(stdout);
		return EX_OK;
	}
	if ((cmd = find_command(argv[1])) == NULL) {
		fprintf(stderr, "listctl: unknown command \"%s\"\n", argv[1]);
		return EX_USAGE;
	}
	printf("usage: listctl %s\n  %s\n", cmd->usage, cmd->summary);
	return EX_OK;
}

static int cmd_version(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl, (void)argc, (void)argv;
	printf("listctl %s\n", LISTMILTER_VERSION);
	return EX_OK;
}

int ctl_env(struct ctl *ctl, bool rdonly, struct dbenv **out)
{
	struct buf path;
	int rc;

	if (ctl->env && (ctl->env_rdonly == rdonly || !ctl->env_rdonly)) {
		*out = ctl->env;
		return LM_OK;
	}
	ctl->env = dbenv_close(ctl->env);
	buf_init(&path, 4096);
	if ((rc = buf_printf(&path, "%s/db", ctl->cfg->data_dir)) == LM_OK)
		rc = dbenv_open(buf_cstr(&path), ctl->cfg->database_max_size,
		                rdonly ? DBENV_RDONLY : 0, &ctl->env);
	if (rc != LM_OK)
		fprintf(stderr, "listctl: cannot open the database in %s: %s\n", buf_cstr(&path),
		        rc == LM_ENOENT ? "it does not exist yet (create a list first)"
		                        : lm_strerror(rc));
	buf_free(&path);
	ctl->env_rdonly = rdonly;
	*out = ctl->env;
	return rc;
}

static int run(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct buf err;
	int rc;

	buf_init(&err, BUF_CAP_SMALL);
	if (config_load(ctl->cfgpath, &ctl->cfg, &err) != LM_OK) {
		fprintf(stderr, "listctl: %s\n", buf_cstr(&err));
		buf_free(&err);
		return EX_CONFIG;
	}
	buf_free(&err);
	rc = cmd->fn(ctl, argc, argv);
	ctl->env = dbenv_close(ctl->env);
	ctl->cfg = config_free(ctl->cfg);
	return rc;
}

int main(int argc, char **argv)
{
	struct ctl ctl = {0};
	const struct ctl_cmd *cmd;
	int c;

	while ((c = getopt(argc, argv, "+c:h")) != -1) {
		switch (c) {
		case 'c':
			ctl.cfgpath = optarg;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if ((cmd = find_command(argv[optind])) == NULL) {
		fprintf(stderr, "listctl: unknown command \"%s\" (try listctl help)\n",
		        argv[optind]);
		return EX_USAGE;
	}
	if (cmd->fn == cmd_help || cmd->fn == cmd_version)
		return cmd->fn(&ctl, argc - optind, argv + optind);
	if (ctl.cfgpath == NULL)
		ctl.cfgpath = config_default_path();
	return run(&ctl, cmd, argc - optind, argv + optind);
}
