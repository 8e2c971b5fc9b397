/*
 * daemon.h: the listmilter daemon's life cycle: privileges, socket, libmilter main loop.
 * main.c parses the command line; everything after that lives behind this interface.
 */
#ifndef LISTMILTER_DAEMON_H
#define LISTMILTER_DAEMON_H

#include <stdbool.h>

#include "config.h"

/**
 * @brief Run the milter until it is told to stop (SIGTERM drains, SIGINT aborts).
 * @param[in] cfg the configuration (ownership passes to the daemon; it is replaced on reload).
 * @param[in] cfgpath the file it came from, re-read on SIGUSR1.
 * @param[in] foreground stay attached to the terminal and copy log lines to stderr.
 * @return a sysexits(3) code: EX_OK after a clean stop, EX_OSERR, EX_UNAVAILABLE, EX_SOFTWARE.
 */
int daemon_run(struct config *cfg, const char *cfgpath, bool foreground);

/**
 * @brief Check what a configuration needs at start-up beyond its syntax: the user exists,
 * DataDir's parent exists. Used by listmilter -n.
 * @param[in] cfg the configuration.
 * @param[out] err one line per problem.
 * @return true when everything checked is usable.
 */
bool daemon_check(const struct config *cfg, struct buf *err);

/** @brief "listmilter X.Y.Z (libmilter A.B.C)" in static storage. */
const char *daemon_version(void);

#endif
