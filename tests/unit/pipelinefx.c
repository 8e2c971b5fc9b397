/*
 * pipelinefx.c: the shared set-up of the milter pipeline tests (DataDir, environment,
 * runtime, recorder MTA), so each test file only says which lists and members it needs.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "lmerr.h"
#include "pipelinefx.h"
#include "scrub.h"
#include "testutil.h"

/* The daemon makes DataDir/tmp and DataDir/archives at start; the tests do it here. */
static void make_subdir(const char *dir, const char *name)
{
	char *p = testutil_path(dir, name);

	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
}

struct pipelinefx *pipelinefx_new(const char *tag, size_t body_memory_limit,
                                  void (*create)(struct dbenv *env))
{
	struct pipelinefx *fx = calloc(1, sizeof(*fx));
	struct config *cfg;
	char *db;

	assert_non_null(fx);
	scrub_init();
	fx->dir = testutil_tmpdir(tag);
	db = testutil_path(fx->dir, "db");
	assert_int_equal(dbenv_open(db, 1 << 30, 0, &fx->env), LM_OK);
	free(db);
	create(fx->env);
	assert_int_equal(config_defaults(&cfg), LM_OK);
	free(cfg->data_dir);
	cfg->data_dir = strdup(fx->dir);
	if (body_memory_limit)
		cfg->body_memory_limit = body_memory_limit;
	free(cfg->sendmail_command);
	cfg->sendmail_command = strdup("/bin/true");
	cfg->max_message_size = 200000;
	assert_int_equal(runtime_install(cfg, fx->env), LM_OK);
	make_subdir(fx->dir, "tmp");
	make_subdir(fx->dir, "archives");
	buf_init(&fx->log, 1 << 24);
	mta_init_recorder(&fx->mta, &fx->log);
	return fx;
}

void pipelinefx_free(struct pipelinefx *fx)
{
	runtime_shutdown();
	dbenv_close(fx->env);
	testutil_rmtree(fx->dir);
	free(fx->dir);
	buf_free(&fx->log);
	free(fx);
}
