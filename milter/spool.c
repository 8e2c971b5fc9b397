/*
 * spool.c: a received message, kept in RAM up to BodyMemoryLimit and then in an unlinked temp
 * file, and handed to the parser as a seekable descriptor (a memfd when it stayed small).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lmerr.h"
#include "milter.h"

int spool_init(struct spool *sp, size_t limit, const char *dir)
{
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	sp->limit = limit;
	buf_init(&sp->mem, limit);
	if ((sp->dir = strdup(dir)) == NULL)
		return LM_ENOMEM;
	return LM_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return LM_EIO;
		p += w;
		n -= (size_t)w;
	}
	return LM_OK;
}

/* O_TMPFILE: the file has no name, so a crash leaves nothing behind. */
static int spool_spill(struct spool *sp)
{
	int fd = open(sp->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0)
		return LM_EIO;
	if (write_all(fd, sp->mem.data, sp->mem.len) != LM_OK) {
		close(fd);
		return LM_EIO;
	}
	sp->fd = fd;
	buf_free(&sp->mem);
	return LM_OK;
}

int spool_write(struct spool *sp, const void *p, size_t n)
{
	int rc;

	if (sp->fd < 0 && sp->mem.len + n <= sp->limit) {
		if ((rc = buf_append(&sp->mem, p, n)) != LM_OK)
			return rc;
		sp->len += n;
		return LM_OK;
	}
	if (sp->fd < 0 && (rc = spool_spill(sp)) != LM_OK)
		return rc;
	if ((rc = write_all(sp->fd, p, n)) != LM_OK)
		return rc;
	sp->len += n;
	return LM_OK;
}

int spool_fd(struct spool *sp, int *fd)
{
	if (sp->fd < 0) {
		int mfd = memfd_create("listmilter-msg", MFD_CLOEXEC);

		if (mfd < 0)
			return LM_EIO;
		if (write_all(mfd, sp->mem.data, sp->mem.len) != LM_OK) {
			close(mfd);
			return LM_EIO;
		}
		sp->fd = mfd;
		buf_free(&sp->mem);
	}
	if (lseek(sp->fd, 0, SEEK_SET) != 0)
		return LM_EIO;
	*fd = sp->fd;
	return LM_OK;
}

bool spool_spilled(const struct spool *sp)
{
	return sp->fd >= 0;
}

void spool_free(struct spool *sp)
{
	buf_free(&sp->mem);
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
	free(sp->dir);
	sp->dir = NULL;
	sp->len = 0;
}

int spool_read(struct spool *sp, size_t off, struct buf *out)
{
	ssize_t n;
	size_t room;
	int fd, rc;

	if ((rc = spool_fd(sp, &fd)) != LM_OK)
		return rc;
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		return LM_EIO;
	for (;;) {
		room = out->cap - out->len < 65536 ? out->cap - out->len : 65536;
		if (room == 0)
			room = 1; /* one more byte tells a full buffer from the end of the file */
		if ((rc = buf_reserve(out, room)) != LM_OK)
			return rc;
		n = read(fd, out->data + out->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return LM_EIO;
		if (n == 0)
			return LM_OK;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
}
