/*
 * atomicfile.c: write-temp-then-rename file replacement that skips unchanged contents, so a
 * web server never serves half a page and an unchanged page keeps its inode and mtime.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "lmerr.h"

bool atomicfile_same(const char *path, const void *data, size_t len)
{
	char chunk[65536];
	struct stat st;
	size_t off = 0;
	ssize_t n;
	bool same = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		goto out;
	while (off < len) {
		size_t want = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		if ((n = read(fd, chunk, want)) <= 0 ||
		    memcmp(chunk, (const char *)data + off, (size_t)n) != 0)
			goto out;
		off += (size_t)n;
	}
	same = true;
out:
	close(fd);
	return same;
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return LM_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return LM_OK;
}

/*
 * A new file appears complete or not at all: written unnamed (O_TMPFILE) in its directory,
 * then linked under its name. LM_EEXIST when the name is taken; LM_EINVAL when the
 * filesystem has no O_TMPFILE (the caller falls back to a temporary name).
 */
static int write_new(const char *path, const void *data, size_t len, unsigned mode, unsigned flags)
{
	const char *slash = strrchr(path, '/');
	char dir[4096], proc[64];
	int fd, rc = LM_EIO, saved;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return LM_EINVAL;
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir[0] ? dir : "/", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode)) < 0)
		return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? LM_EINVAL
		                                                                 : LM_EIO;
	if (write_all(fd, data, len) != LM_OK || ((flags & ATOMICFILE_FSYNC) && fsync(fd) != 0))
		goto out;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		rc = LM_OK;
	else if (errno == EEXIST)
		rc = LM_EEXIST;
	else if (errno == ENOENT)
		rc = LM_EINVAL; /* no /proc: use a temporary name */
out:
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int atomicfile_write(const char *path, const void *data, size_t len, unsigned mode, unsigned flags,
                     bool *written)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	int fd = -1, rc = LM_EIO, saved;

	if (written)
		*written = false;
	if (tmp == NULL)
		return LM_ENOMEM;
	if (flags & ATOMICFILE_NEW) {
		rc = write_new(path, data, len, mode, flags);
		if (rc == LM_OK && written)
			*written = true;
		if (rc != LM_EEXIST && rc != LM_EINVAL) {
			free(tmp);
			return rc;
		}
		rc = LM_EIO;
	}
	if (atomicfile_same(path, data, len)) {
		free(tmp);
		return LM_OK;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmpXXXXXX", 11);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		goto fail;
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != LM_OK ||
	    ((flags & ATOMICFILE_FSYNC) && fsync(fd) != 0))
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	if (written)
		*written = true;
	return LM_OK;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}

int atomicfile_read(const char *path, size_t cap, char **out, size_t *len)
{
	struct stat st;
	char *p;
	size_t off = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? LM_ENOENT : LM_EIO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return LM_EIO;
	}
	if ((size_t)st.st_size > cap) {
		close(fd);
		return LM_ETOOBIG;
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return LM_ENOMEM;
	}
	while (off < (size_t)st.st_size && (n = read(fd, p + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	p[off] = '\0';
	*out = p;
	*len = off;
	return LM_OK;
}
