/*
 * mkmbox.c: a deterministic synthetic mbox for the export benchmark: N posts spread over
 * MONTHS months, about a third of them replies (In-Reply-To/References), with quoted text,
 * URLs and addresses in bodies of a few hundred bytes to a few KB.
 * usage: mkmbox N MONTHS [FIRST-EPOCH] > file.mbox
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const words[] = {
        "archive", "thread",  "message", "export", "pipermail", "mailman", "list",    "reply",
        "patch",   "build",   "release", "server", "client",    "python",  "twisted", "deferred",
        "reactor", "timeout", "socket",  "buffer", "question",  "answer",  "idea",    "bug"};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void line(FILE *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", words[next() % NWORDS]);
	fputc('\n', f);
}

static void body(FILE *f, uint64_t k, int reply)
{
	int lines = 5 + (int)(next() % 40), i;

	if (reply) {
		fprintf(f, "On a day, user%" PRIu64 "@example.org wrote:\n", k % 997);
		for (i = 0; i < 3 + (int)(next() % 6); i++)
			fputs("> ", f), line(f, 8);
		fputc('\n', f);
	}
	for (i = 0; i < lines; i++) {
		if (next() % 17 == 0)
			fprintf(f, "See http://example.org/docs/%" PRIu64 "/page.html for more.\n",
			        next() % 100000);
		else
			line(f, 6 + (int)(next() % 8));
	}
	fputs("\n-- \nuser signature\n", f);
}

int main(int argc, char **argv)
{
	uint64_t n, months, k, parent;
	int64_t start, span, t;
	char date[64], from[64];
	struct tm tm;
	time_t tt;

	if (argc < 3) {
		fprintf(stderr, "usage: mkmbox N MONTHS [FIRST-EPOCH]\n");
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	months = strtoull(argv[2], NULL, 10);
	start = argc > 3 ? strtoll(argv[3], NULL, 10) : 1388534400; /* 2014-01-01 */
	span = (int64_t)months * 30 * 86400;
	for (k = 0; k < n; k++) {
		t = start + (int64_t)(span * (double)k / (double)(n ? n : 1));
		tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
		strftime(from, sizeof(from), "%a %b %e %H:%M:%S %Y", &tm);
		int reply = k > 10 && next() % 3 == 0;
		parent = reply ? k - 1 - next() % 10 : 0;
		printf("From user%" PRIu64 "@example.org %s\n", k % 997, from);
		printf("From: User %" PRIu64 " <user%" PRIu64 "@example.org>\n", k % 997, k % 997);
		printf("To: bench@example.com\nDate: %s\n", date);
		if (reply)
			printf("Subject: Re: [Bench] topic %" PRIu64 "\nIn-Reply-To: <m%" PRIu64
			       "@bench.example>\nReferences: <m%" PRIu64 "@bench.example>\n",
			       parent / 7, parent, parent);
		else
			printf("Subject: [Bench] topic %" PRIu64 "\n", k / 7);
		printf("Message-ID: <m%" PRIu64 "@bench.example>\n", k);
		printf("MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n");
		body(stdout, k, reply);
		putchar('\n');
	}
	return 0;
}
