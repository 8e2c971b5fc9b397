/*
 * version.c: the version line of listmilter -V, with the libmilter version it runs against.
 * libmilter reports its version at run time, so the line shows the library actually loaded.
 */
#include <stdio.h>

#include <libmilter/mfapi.h>

#include "daemon.h"

const char *daemon_version(void)
{
	static char line[128];
	unsigned int major = 0, minor = 0, patch = 0;

	smfi_version(&major, &minor, &patch);
	snprintf(line, sizeof(line), "listmilter %s (libmilter %u.%u.%u, SMFI_VERSION 0x%x)",
	         LISTMILTER_VERSION, major, minor, patch, (unsigned)SMFI_VERSION);
	return line;
}
