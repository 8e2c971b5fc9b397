/*
 * attstore.c: root-confined, atomic attachment files. Directories are made one component at a
 * time and opened O_NOFOLLOW; files are written to an O_EXCL temporary, fsynced and link()ed
 * to a free name, so nothing is ever overwritten and a retry reuses identical files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attstore.h"
#include "lmerr.h"
#include "log.h"

#define STORE_DIR_FLAGS  (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define STORE_CMP_CHUNK  65536
#define STORE_TMP_PREFIX ".lmtmp-"

static bool store_digits(const char *s, size_t n, bool hex)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && !(hex && s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return s[n] == '\0';
}

/* mkdir one trusted component below dirfd and open it without following a symlink. */
static int store_subdir(int dirfd, const char *name, const char *qid)
{
	int fd;

	/* A new directory entry is made durable like the files that will go in it. */
	if (mkdirat(dirfd, name, 0775) == 0) {
		if (fsync(dirfd) != 0) {
			log_syserr(qid, "scrub: cannot fsync the parent of %s", name);
			return -1;
		}
	} else if (errno != EEXIST) {
		log_syserr(qid, "scrub: cannot create directory %s", name);
		return -1;
	}
	fd = openat(dirfd, name, STORE_DIR_FLAGS);
	if (fd < 0)
		log_syserr(qid, "scrub: cannot open directory %s", name);
	return fd;
}

static int store_open_root(const char *root, const char *qid)
{
	int fd;

	if (mkdir(root, 0775) != 0 && errno != EEXIST) {
		log_syserr(qid, "scrub: cannot create storage root %s", root);
		return -1;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		log_syserr(qid, "scrub: cannot open storage root %s", root);
	return fd;
}

static int store_lock(struct attstore *s)
{
	s->lockfd = openat(s->dirfd, "attachments.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	                   0664);
	if (s->lockfd < 0) {
		log_syserr(s->qid, "scrub: cannot open %s/attachments.lock", s->rel);
		return errno == ELOOP ? LM_EPERM : LM_EIO;
	}
	while (flock(s->lockfd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			log_syserr(s->qid, "scrub: cannot lock %s/attachments.lock", s->rel);
			return LM_EIO;
		}
	}
	return LM_OK;
}

/* Under the lock no other scrub of this directory is running: a temporary file left here
 * was left by a crashed run and goes. */
static void store_sweep(struct attstore *s)
{
	int fd = dup(s->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strncmp(e->d_name, STORE_TMP_PREFIX, strlen(STORE_TMP_PREFIX)) == 0 &&
		    unlinkat(s->dirfd, e->d_name, 0) == 0)
			log_warn(s->qid, "scrub: removed a stale temporary file in %s", s->rel);
	closedir(d);
}

int attstore_open(struct attstore *s, const char *root, const char *datedir, const char *hash8,
                  const char *qid)
{
	const char *names[3] = {"attachments", datedir, hash8};
	int fd = -1, next, i, err = 0, rc;

	memset(s, 0, sizeof(*s));
	s->dirfd = s->lockfd = -1;
	s->qid = qid;
	if (!root || !store_digits(datedir, 8, false) || !store_digits(hash8, 8, true))
		return LM_EINVAL;
	snprintf(s->rel, sizeof(s->rel), "attachments/%s/%s", datedir, hash8);
	if ((fd = store_open_root(root, qid)) < 0)
		return LM_EIO;
	for (i = 0; i < 3; i++) {
		next = store_subdir(fd, names[i], qid);
		err = errno;
		close(fd);
		if ((fd = next) < 0)
			return err == ELOOP || err == ENOTDIR ? LM_EPERM : LM_EIO;
	}
	s->dirfd = fd;
	if ((rc = store_lock(s)) == LM_OK)
		store_sweep(s);
	return rc;
}

int attstore_tmp(struct attstore *s, int *fd, char tmpname[64])
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		snprintf(tmpname, 64, STORE_TMP_PREFIX "%ld-%u-%d", (long)getpid(), s->tmpseq++,
		         rand());
		*fd = openat(s->dirfd, tmpname, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		             0664);
		if (*fd >= 0)
			return LM_OK;
		if (errno != EEXIST)
			break;
	}
	log_syserr(s->qid, "scrub: cannot create a temporary file in %s", s->rel);
	return LM_EIO;
}

void attstore_abort(struct attstore *s, int fd, const char *tmpname)
{
	if (fd >= 0)
		close(fd);
	if (tmpname && *tmpname)
		unlinkat(s->dirfd, tmpname, 0);
}

static bool store_used(const struct attstore *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nused; i++)
		if (strcmp(s->used[i], name) == 0)
			return true;
	return false;
}

static int store_claim(struct attstore *s, const char *name)
{
	char **u = realloc(s->used, (s->nused + 1) * sizeof(*u));

	if (!u)
		return LM_ENOMEM;
	s->used = u;
	if (!(u[s->nused] = strdup(name)))
		return LM_ENOMEM;
	s->nused++;
	return LM_OK;
}

static bool store_read_full(int fd, char *p, size_t n)
{
	ssize_t got;

	while (n > 0) {
		got = read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		p += got;
		n -= (size_t)got;
	}
	return true;
}

/* Same size and same bytes? Read errors count as "different": a new name is then used. */
static bool store_same(int dirfd, const char *a, const char *b)
{
	int fa = openat(dirfd, a, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int fb = openat(dirfd, b, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *ba = malloc(STORE_CMP_CHUNK), *bb = malloc(STORE_CMP_CHUNK);
	struct stat sa, sb;
	off_t left = 0;
	size_t n;
	bool same = fa >= 0 && fb >= 0 && ba && bb && fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 &&
	            S_ISREG(sb.st_mode) && sa.st_size == sb.st_size;

	for (left = same ? sa.st_size : 0; same && left > 0; left -= (off_t)n) {
		n = left > STORE_CMP_CHUNK ? STORE_CMP_CHUNK : (size_t)left;
		same = store_read_full(fa, ba, n) && store_read_full(fb, bb, n) &&
		       memcmp(ba, bb, n) == 0;
	}
	free(ba);
	free(bb);
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

/* Try one candidate name: LM_OK (linked or reused), LM_EEXIST (taken), or an error. */
static int store_try(struct attstore *s, const char *tmpname, const char *cand)
{
	if (store_used(s, cand))
		return LM_EEXIST;
	if (linkat(s->dirfd, tmpname, s->dirfd, cand, 0) == 0)
		return LM_OK;
	if (errno != EEXIST) {
		log_syserr(s->qid, "scrub: cannot link %s/%s", s->rel, cand);
		return LM_EIO;
	}
	return store_same(s->dirfd, tmpname, cand) ? LM_OK : LM_EEXIST;
}

static int store_pick(struct attstore *s, const char *tmpname, const char *base, const char *ext,
                      struct buf *name)
{
	char cand[320];
	int counter, rc = LM_EEXIST;

	for (counter = 0; counter <= ATTSTORE_MAX_SUFFIX && rc == LM_EEXIST; counter++) {
		if (counter == 0)
			snprintf(cand, sizeof(cand), "%s%s", base, ext);
		else
			snprintf(cand, sizeof(cand), "%s-%04d%s", base, counter, ext);
		rc = store_try(s, tmpname, cand);
	}
	if (rc == LM_EEXIST) {
		log_err(s->qid, "scrub: no free name for %s%s in %s", base, ext, s->rel);
		return LM_EIO;
	}
	if (rc == LM_OK && (rc = store_claim(s, cand)) == LM_OK)
		rc = buf_puts(name, cand);
	return rc;
}

int attstore_commit(struct attstore *s, int fd, const char *tmpname, const char *base,
                    const char *ext, struct buf *name)
{
	int rc;

	if (strlen(base) > ATTSTORE_MAX_BASE || strlen(ext) > 16) {
		attstore_abort(s, fd, tmpname);
		return LM_ETOOBIG;
	}
	if (fsync(fd) != 0) {
		log_syserr(s->qid, "scrub: cannot fsync a file in %s", s->rel);
		attstore_abort(s, fd, tmpname);
		return LM_EIO;
	}
	close(fd);
	rc = store_pick(s, tmpname, base, ext, name);
	unlinkat(s->dirfd, tmpname, 0);
	if (rc == LM_OK && fsync(s->dirfd) != 0) {
		log_syserr(s->qid, "scrub: cannot fsync directory %s", s->rel);
		rc = LM_EIO;
	}
	return rc;
}

void attstore_close(struct attstore *s)
{
	size_t i;

	if (s->lockfd >= 0)
		close(s->lockfd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->lockfd = s->dirfd = -1;
	for (i = 0; i < s->nused; i++)
		free(s->used[i]);
	free(s->used);
	s->used = NULL;
	s->nused = 0;
}
