/*
 * export_attach.c: make <dir>/attachments show the stored attachment files without copying a
 * byte: a tree of hard links (new files only), or one symlink to the store on another
 * filesystem.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_attach.h"
#include "lmerr.h"
#include "log.h"

static bool newer(const struct stat *src, const struct stat *dst)
{
	if (src->st_mtim.tv_sec != dst->st_mtim.tv_sec)
		return src->st_mtim.tv_sec > dst->st_mtim.tv_sec;
	return src->st_mtim.tv_nsec > dst->st_mtim.tv_nsec;
}

static int link_dir(int sfd, int dfd, int depth, bool full, size_t *linked);

/*
 * fs.protected_hardlinks refuses links to files the exporter does not own (the milter wrote
 * them): point a symlink at the stored file instead, still without copying it.
 */
static int symlink_file(int sfd, int dfd, const char *name, size_t *linked)
{
	char proc[64], dir[PATH_MAX], target[PATH_MAX + 256];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", sfd);
	if ((n = readlink(proc, dir, sizeof(dir) - 1)) <= 0)
		return LM_EIO;
	dir[n] = '\0';
	if ((size_t)snprintf(target, sizeof(target), "%s/%s", dir, name) >= sizeof(target))
		return LM_EIO;
	if (symlinkat(target, dfd, name) == 0)
		(*linked)++;
	else if (errno != EEXIST)
		return LM_EIO;
	return LM_OK;
}

/* One entry of a source directory: a file is linked unless present, a directory recursed. */
static int link_entry(int sfd, int dfd, const char *name, int depth, bool full, size_t *linked)
{
	struct stat st, dt;
	int s2, d2, rc;

	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return LM_EIO;
	if (S_ISREG(st.st_mode)) {
		if (linkat(sfd, name, dfd, name, 0) == 0)
			(*linked)++;
		else if (errno == EPERM || errno == EACCES)
			return symlink_file(sfd, dfd, name, linked);
		else if (errno != EEXIST)
			return errno == EXDEV ? LM_EPERM : LM_EIO;
		return LM_OK;
	}
	if (!S_ISDIR(st.st_mode) || depth > 4)
		return LM_OK; /* symlinks and devices are never exported */
	if (mkdirat(dfd, name, 0755) == 0)
		full = true; /* a new directory: link everything below it */
	else if (errno != EEXIST)
		return LM_EIO;
	/* a date directory that has not changed since it was linked holds nothing new */
	if (!full && depth == 0 && fstatat(dfd, name, &dt, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !newer(&st, &dt))
		return LM_OK;
	if ((s2 = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return LM_EIO;
	if ((d2 = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		close(s2);
		return LM_EIO;
	}
	rc = link_dir(s2, d2, depth + 1, full, linked);
	close(d2);
	close(s2);
	return rc;
}

static int link_dir(int sfd, int dfd, int depth, bool full, size_t *linked)
{
	int fd = dup(sfd), rc = LM_OK;
	struct dirent *e;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return LM_EIO;
	}
	while (rc == LM_OK && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strstr(e->d_name, ".lock") != NULL)
			continue;
		rc = link_entry(sfd, dfd, e->d_name, depth, full, linked);
	}
	closedir(d);
	return rc;
}

/* dst's would-be filesystem: its parent directory's device. */
static int parent_dev(const char *dst, dev_t *dev)
{
	char *copy = strdup(dst), *slash;
	struct stat st;
	int rc;

	if (copy == NULL)
		return LM_ENOMEM;
	slash = strrchr(copy, '/');
	if (slash == NULL)
		rc = stat(".", &st);
	else if (slash == copy)
		rc = stat("/", &st);
	else {
		*slash = '\0';
		rc = stat(copy, &st);
	}
	free(copy);
	if (rc != 0)
		return LM_EIO;
	*dev = st.st_dev;
	return LM_OK;
}

int export_attach(const char *src, const char *dst, bool full, size_t *linked)
{
	char abs[PATH_MAX];
	struct stat st, ds;
	dev_t dev;
	int sfd, dfd, rc;

	*linked = 0;
	if (stat(src, &st) != 0)
		return errno == ENOENT ? LM_OK : LM_EIO; /* no attachments yet */
	if (lstat(dst, &ds) == 0 && S_ISLNK(ds.st_mode))
		return LM_OK; /* the whole-tree symlink made earlier */
	if ((rc = parent_dev(dst, &dev)) != LM_OK)
		return rc;
	if (dev != st.st_dev) {
		/* another filesystem: one symlink to the store instead of copies */
		if (lstat(dst, &ds) == 0)
			return LM_EPERM;
		if (realpath(src, abs) == NULL || symlink(abs, dst) != 0)
			return LM_EIO;
		return LM_OK;
	}
	if ((sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return LM_EIO;
	if ((mkdir(dst, 0755) != 0 && errno != EEXIST) ||
	    (dfd = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		close(sfd);
		return LM_EIO;
	}
	rc = link_dir(sfd, dfd, 0, full, linked);
	close(dfd);
	close(sfd);
	return rc;
}
