/*
 * export_crash.c: incremental exports do not fsync their pages (a fsync per page costs more
 * than the whole export on a busy disk). Instead, after a reboot, the periods exported
 * shortly before it are rendered again, comparing bytes, so pages a crash lost come back.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "atomicfile.h"
#include "export_crash.h"
#include "lmerr.h"

/* Unwritten data reaches the disk within dirty_expire (30 s) plus writeback: 5 min is ample. */
#define CRASH_WINDOW 300

static int boot_id(char id[64])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return LM_ENOENT;
	n = read(fd, id, 63);
	close(fd);
	if (n <= 0)
		return LM_EIO;
	id[n] = '\0';
	return LM_OK;
}

/* Forget (unlink the state of) every period exported since shortly before the boot. */
static void forget_recent(const char *statedir)
{
	struct sysinfo si;
	struct dirent *e;
	struct stat st;
	time_t since;
	DIR *d;

	if (sysinfo(&si) != 0 || (d = opendir(statedir)) == NULL)
		return;
	since = time(NULL) - si.uptime - CRASH_WINDOW;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "boot") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_mtime >= since)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int export_crash_check(const char *statedir)
{
	char id[64], path[4096], *old = NULL;
	size_t len;
	int rc;

	if (boot_id(id) != LM_OK)
		return LM_OK; /* no /proc (not Linux as we know it): no recovery */
	if ((size_t)snprintf(path, sizeof(path), "%s/boot", statedir) >= sizeof(path))
		return LM_EINVAL;
	if (atomicfile_read(path, 4096, &old, &len) == LM_OK && strcmp(old, id) == 0) {
		free(old);
		return LM_OK;
	}
	free(old);
	forget_recent(statedir);
	rc = atomicfile_write(path, id, strlen(id), 0644, ATOMICFILE_FSYNC, NULL);
	return rc;
}
