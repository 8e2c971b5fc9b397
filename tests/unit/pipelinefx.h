/*
 * pipelinefx.h: the fixture the milter pipeline tests share: a DataDir in a temporary
 * directory, its LMDB environment, an installed runtime and a recorder MTA.
 */
#ifndef LISTMILTER_PIPELINEFX_H
#define LISTMILTER_PIPELINEFX_H

#include <stddef.h>

#include "buf.h"
#include "dbenv.h"
#include "milter.h"

struct pipelinefx {
	char *dir;         /**< the DataDir (removed by pipelinefx_free) */
	struct dbenv *env; /**< DataDir/db */
	struct buf log;    /**< what the recorder MTA was asked to do */
	struct mta mta;    /**< the recorder */
};

/**
 * @brief Make the fixture. Notices go to /bin/true, never to a real MTA.
 * @param[in] tag names the temporary directory.
 * @param[in] body_memory_limit BodyMemoryLimit, or 0 for the default.
 * @param[in] create lets the test create its lists before the runtime is installed.
 */
struct pipelinefx *pipelinefx_new(const char *tag, size_t body_memory_limit,
                                  void (*create)(struct dbenv *env));

/** @brief Shut the runtime down and remove everything the fixture made. */
void pipelinefx_free(struct pipelinefx *fx);

#endif
