/*
 * cmd_export.c: listctl export [--full] LIST DIR: write a list's pipermail archive pages.
 * Incremental by default (changed periods and the TOC); --full re-renders every period.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "export.h"
#include "listctl.h"
#include "lmerr.h"

int cmd_export(struct ctl *ctl, int argc, char **argv)
{
	struct export_stats st;
	struct dbenv *env;
	bool full = false;
	int i = 1, rc;

	if (i < argc && strcmp(argv[i], "--full") == 0)
		full = true, i++;
	if (argc - i != 2) {
		fprintf(stderr, "usage: listctl export [--full] LIST DIR\n");
		return EX_USAGE;
	}
	if (ctl_env(ctl, false, &env) != LM_OK)
		return EX_UNAVAILABLE;
	rc = export_run(env, ctl->cfg->data_dir, argv[i], argv[i + 1], full, &st);
	if (rc != LM_OK) {
		fprintf(stderr, "listctl export: %s: %s\n", argv[i], lm_strerror(rc));
		return rc == LM_ENOENT ? EX_DATAERR : rc == LM_EIO ? EX_IOERR : EX_SOFTWARE;
	}
	printf("exported %s: %zu periods, %zu articles, %zu files written, %zu unchanged, "
	       "%zu attachments linked\n",
	       argv[i], st.periods, st.articles, st.written, st.same, st.linked);
	return EX_OK;
}
