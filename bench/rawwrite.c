/*
 * rawwrite.c: the export benchmark's baseline: write as many files of the same sizes as a
 * finished export holds (same directory layout), with plain open/write/close and nothing else.
 * usage: rawwrite EXPORT-DIR OUT-DIR    prints the seconds the writes took
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ent {
	char *rel;
	size_t size;
	int dir;
};

static struct ent *ents;
static size_t nents, aents, srclen;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (strlen(path) <= srclen || (type != FTW_F && type != FTW_D))
		return 0;
	if (type == FTW_F && !S_ISREG(st->st_mode))
		return 0;
	if (nents == aents) {
		aents = aents ? aents * 2 : 1024;
		ents = realloc(ents, aents * sizeof(*ents));
		if (ents == NULL)
			return 1;
	}
	ents[nents].rel = strdup(path + srclen + 1);
	ents[nents].size = (size_t)st->st_size;
	ents[nents++].dir = type == FTW_D;
	return 0;
}

int main(int argc, char **argv)
{
	static char data[1 << 20];
	struct timespec a, b;
	char path[4096];
	size_t i, max = 0;

	if (argc != 3)
		return 2;
	srclen = strlen(argv[1]);
	if (nftw(argv[1], visit, 64, FTW_PHYS) != 0)
		return 1;
	memset(data, 'x', sizeof(data));
	for (i = 0; i < nents; i++)
		if (ents[i].size > max)
			max = ents[i].size;
	char *big = max > sizeof(data) ? calloc(1, max) : data;
	clock_gettime(CLOCK_MONOTONIC, &a);
	mkdir(argv[2], 0755);
	for (i = 0; i < nents; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[2], ents[i].rel);
		if (ents[i].dir) {
			mkdir(path, 0755);
			continue;
		}
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, big, ents[i].size) != (ssize_t)ents[i].size)
			return 1;
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
