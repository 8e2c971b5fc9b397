/*
 * runtime.c: the current configuration snapshot and its reference count. SIGUSR1 installs a
 * new one; messages in flight finish with the snapshot they started with.
 */
#include <pthread.h>
#include <stdlib.h>

#include "lmerr.h"
#include "log.h"
#include "milter.h"

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *runtime_current;
static unsigned long runtime_generations;

/* Called with runtime_lock held. */
static void runtime_unref(struct runtime *rt)
{
	if (rt != NULL && --rt->refs == 0) {
		config_free(rt->cfg);
		spf_free(rt->spf);
		free(rt);
	}
}

/* The moderation secret (created by the first user, like listctl does). */
static void runtime_load_key(struct runtime *rt)
{
	struct buf path;

	buf_init(&path, 4096);
	rt->have_key = token_secret_path(rt->cfg, &path) == LM_OK &&
	               token_secret_load(buf_cstr(&path), true, &rt->key) == LM_OK;
	if (!rt->have_key)
		log_err(NULL,
		        "cannot read the moderation secret %s: approved posts will be held again",
		        buf_cstr(&path));
	buf_free(&path);
}

/* One SPF checker per configuration: its cache and resolver are shared by the threads. */
static void runtime_load_spf(struct runtime *rt)
{
	int rc = spf_new(rt->cfg->hostname, &rt->spf);

	if (rc != LM_OK) {
		log_err(NULL, "cannot set up SPF checks: %s; posts are not SPF-checked",
		        lm_strerror(rc));
		rt->spf = NULL;
		return;
	}
	spf_set_check_loopback(rt->spf, rt->cfg->spf_check_loopback);
}

int runtime_install(struct config *cfg, struct dbenv *env)
{
	struct runtime *rt = calloc(1, sizeof(*rt));

	if (rt == NULL) {
		config_free(cfg);
		return LM_ENOMEM;
	}
	rt->cfg = cfg;
	rt->env = env;
	runtime_load_key(rt);
	runtime_load_spf(rt);
	rt->refs = 1; /* the "current" reference */
	pthread_mutex_lock(&runtime_lock);
	rt->generation = ++runtime_generations;
	runtime_unref(runtime_current);
	runtime_current = rt;
	pthread_mutex_unlock(&runtime_lock);
	return LM_OK;
}

struct runtime *runtime_acquire(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&runtime_lock);
	if ((rt = runtime_current) != NULL)
		rt->refs++;
	pthread_mutex_unlock(&runtime_lock);
	return rt;
}

void runtime_release(struct runtime *rt)
{
	pthread_mutex_lock(&runtime_lock);
	runtime_unref(rt);
	pthread_mutex_unlock(&runtime_lock);
}

void runtime_shutdown(void)
{
	pthread_mutex_lock(&runtime_lock);
	runtime_unref(runtime_current);
	runtime_current = NULL;
	pthread_mutex_unlock(&runtime_lock);
}
