/*
 * import.c: importing mailboxes and pipermail period files into a list's archive, many posts
 * per write transaction; bad messages are reported with their position and skipped.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "import.h"
#include "lmerr.h"
#include "period.h"

#define IMPORT_BATCH   500
#define IMPORT_THREADS 8                          /* scrubbing waits on fsync: overlap it */
#define IMPORT_BYTES   ((size_t)64 * 1024 * 1024) /* raw bytes held by one batch */
#define SLOT_KEEP      ((size_t)1024 * 1024)      /* larger slot buffers are freed */

/* One message of the batch being built: read in order, built in parallel, appended in order. */
struct slot {
	struct mbox_msg m;
	struct article a;
	int rc;        /* LM_OK, or why the message is skipped */
	bool toobig;   /* larger than MaxMessageSize */
	char why[256]; /* the reason, for the report */
};

struct run {
	struct dbenv *env;
	struct import_opts *o;
	struct import_stats *st;
	const char *path;
	struct mbox *mb;
	struct slot *slots;
	struct archive_item *items;
	uint64_t *lines; /* position of each item, for reports */
	size_t n, cap, bytes;
	time_t now;
	double last_draw;
	char file_period[64]; /* a pipermail <period>.txt file's period, or "" */
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(struct run *r, bool final)
{
	uint64_t done, total;
	double t = now_sec();
	int pct, i;
	char bar[41];

	if (!r->o->progress || (!final && t - r->last_draw < 0.2))
		return;
	r->last_draw = t;
	mbox_progress(r->mb, &done, &total);
	pct = total ? (int)(done * 100 / total) : 100;
	if (final || pct > 100)
		pct = 100;
	for (i = 0; i < 40; i++)
		bar[i] = i < pct * 40 / 100 ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r%.40s [%s] %3d%% %llu messages%s", r->path, bar, pct,
	        (unsigned long long)r->st->messages, final ? "\n" : "");
}

static void report(struct run *r, const struct mbox_msg *m, const char *what)
{
	if (r->o->report == NULL)
		return;
	if (r->o->progress)
		fputc('\n', r->o->report);
	fprintf(r->o->report, "%s:%llu (byte %llu): %s; skipped\n", r->path,
	        (unsigned long long)m->line, (unsigned long long)m->offset, what);
}

/* Append the built posts of the batch in one transaction and account for each. */
static int append_items(struct run *r, size_t nitems)
{
	size_t i;
	int rc = LM_OK;

	if (nitems > 0)
		rc = archive_append_batch(r->env, r->o->list, &r->o->conf, r->items, nitems);
	for (i = 0; i < nitems && rc == LM_OK; i++) {
		if (r->items[i].rc != LM_OK && r->o->report) {
			fprintf(r->o->report, "%s:%llu: %s: %s; skipped\n", r->path,
			        (unsigned long long)r->lines[i],
			        r->items[i].rc == LM_EEXIST ? "number already taken"
			                                    : lm_strerror(r->items[i].rc),
			        r->items[i].a->msgid);
			r->st->skipped++;
		} else if (r->items[i].rc == LM_OK) {
			r->st->archived += !r->items[i].existed;
			r->st->existed += r->items[i].existed;
		}
	}
	return rc;
}

/* The number and period a new post gets (import_begin's choice). */
static void number_post(struct run *r, struct archive_item *it)
{
	uint32_t n;
	const char *period;

	it->number = 0;
	it->period = NULL;
	if (r->o->map && import_map_take(r->o->map, it->a->msgid, &n, &period)) {
		it->number = n;
		it->period = period;
	} else if (r->o->explicit_numbers) {
		it->number = r->o->explicit_next++;
	}
	/* a post of 2019-February.txt stays in 2019-February, whatever the zone says */
	if (it->period == NULL && r->file_period[0])
		it->period = r->file_period;
}

/* The period a pipermail period file is named after, when it is one of the list's. */
static void file_period(struct run *r)
{
	const char *base = strrchr(r->path, '/') ? strrchr(r->path, '/') + 1 : r->path;
	size_t n = strcspn(base, ".");
	struct buf label;

	r->file_period[0] = '\0';
	if (mbox_format_of(r->mb) != MBOX_PIPERMAIL || n == 0 || n >= sizeof(r->file_period))
		return;
	memcpy(r->file_period, base, n);
	r->file_period[n] = '\0';
	buf_init(&label, BUF_CAP_SMALL);
	if (period_label(r->file_period, r->o->conf.freq, &label) != LM_OK)
		r->file_period[0] = '\0';
	buf_free(&label);
}

#ifdef LM_HAVE_SCRUB
static int scrub(struct run *r, GMimeMessage *msg, const struct mbox_msg *m,
                 struct scrub_result *sr, const char **why)
{
	struct scrub_opts so = *r->o->scrub;
	int rc;

	so.received = r->now;
	so.from_line = m->from_line.len ? buf_cstr(&m->from_line) : NULL;
	if ((rc = scrub_message(msg, &so, sr, false)) != LM_OK)
		*why = sr->reason.len ? buf_cstr(&sr->reason) : lm_strerror(rc);
	else if (sr->discarded)
		*why = "discarded by the HTML sanitizer setting", rc = LM_EINVAL;
	return rc;
}

static void sr_init(struct scrub_result *sr)
{
	scrub_result_init(sr);
}

static void sr_clear(struct scrub_result *sr)
{
	scrub_result_clear(sr);
}
#else
static void sr_init(struct scrub_result *sr)
{
	memset(sr, 0, sizeof(*sr));
	buf_init(&sr->text, (size_t)256 * 1024 * 1024);
}

static void sr_clear(struct scrub_result *sr)
{
	buf_free(&sr->text);
}

/* Without the scrubber: the first text/plain part is the archived text. */
static int scrub(struct run *r, GMimeMessage *msg, const struct mbox_msg *m,
                 struct scrub_result *sr, const char **why)
{
	GMimeObject *body = g_mime_message_get_body(msg);
	char *text;

	(void)r, (void)m;
	if (body && GMIME_IS_TEXT_PART(body) &&
	    (text = g_mime_text_part_get_text(GMIME_TEXT_PART(body))) != NULL) {
		int rc = buf_puts(&sr->text, text);
		g_free(text);
		if (rc != LM_OK)
			*why = lm_strerror(rc);
		return rc;
	}
	return LM_OK;
}
#endif

/* A message starts with a header line ("Name:"), whatever GMime would make of it. */
static bool starts_with_header(const struct buf *b)
{
	size_t n = strcspn(b->data ? b->data : "", ":\n");

	return n > 0 && n < b->len && b->data[n] == ':' && strcspn(b->data, " \t") >= n;
}

static GMimeMessage *parse(const struct mbox_msg *m)
{
	GMimeStream *s =
	        g_mime_stream_mem_new_with_buffer(m->data.data ? m->data.data : "", m->data.len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	return msg;
}

static void set_why(struct slot *sl, const char *why)
{
	snprintf(sl->why, sizeof(sl->why), "%s", why);
}

static int build_raw(struct run *r, struct slot *sl)
{
	struct scrub_result sr;
	GMimeMessage *msg = parse(&sl->m);
	const char *why = "";
	int rc;

	if (!starts_with_header(&sl->m.data) || msg == NULL) {
		set_why(sl, msg ? "no header lines" : "not a parseable message");
		if (msg)
			g_object_unref(msg);
		return LM_EPARSE;
	}
	sr_init(&sr);
	if ((rc = scrub(r, msg, &sl->m, &sr, &why)) != LM_OK)
		set_why(sl, why); /* copied: why may point into sr */
	else if ((rc = archive_article_from_message(
	                  msg, &sr, sl->m.from_line.len ? buf_cstr(&sl->m.from_line) : NULL, r->now,
	                  &sl->a)) != LM_OK)
		set_why(sl, lm_strerror(rc));
	sr_clear(&sr);
	g_object_unref(msg);
	return rc;
}

/* Build the article of one slot (any thread). */
static void build(struct run *r, struct slot *sl)
{
	if (sl->toobig) {
		sl->rc = LM_ETOOBIG;
		set_why(sl, "larger than the message size limit");
	} else if (mbox_format_of(r->mb) == MBOX_PIPERMAIL) {
		sl->rc = archive_article_from_txt(sl->m.data.data ? sl->m.data.data : "",
		                                  sl->m.data.len, buf_cstr(&sl->m.from_line),
		                                  r->now, &sl->a);
		set_why(sl, sl->rc == LM_EPARSE ? "no From: header" : lm_strerror(sl->rc));
	} else {
		sl->rc = build_raw(r, sl);
	}
}

struct worker {
	struct run *r;
	size_t first, step;
	pthread_t tid;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	size_t i;

	for (i = w->first; i < w->r->n; i += w->step)
		build(w->r, &w->r->slots[i]);
	return NULL;
}

/* Build every slot, in parallel threads when there is more than a handful. */
static void build_all(struct run *r)
{
	struct worker w[IMPORT_THREADS];
	size_t t, nt = r->n < 8 ? 1 : IMPORT_THREADS, started;

	for (t = 0; t < nt; t++)
		w[t] = (struct worker){.r = r, .first = t, .step = nt};
	for (started = 1; started < nt; started++)
		if (pthread_create(&w[started].tid, NULL, work, &w[started]) != 0)
			break;
	/* this thread's share, and that of any thread that could not start */
	work(&w[0]);
	for (t = started; t < nt; t++)
		work(&w[t]);
	for (t = 1; t < started; t++)
		pthread_join(w[t].tid, NULL);
}

static bool fatal(int rc)
{
	/* storage or memory failed: stop rather than lose attachments of every post */
	return rc == LM_EIO || rc == LM_EPERM || rc == LM_ENOMEM;
}

/* The batch: build, report what is skipped, number and append the rest in file order. */
static int flush(struct run *r)
{
	size_t i, nitems = 0;
	int rc, stop = LM_OK;

	build_all(r);
	for (i = 0; i < r->n; i++) {
		struct slot *sl = &r->slots[i];
		if (sl->rc != LM_OK) {
			report(r, &sl->m, sl->why);
			r->st->skipped++;
			if (fatal(sl->rc) && stop == LM_OK)
				stop = sl->rc;
			continue;
		}
		r->items[nitems] = (struct archive_item){.a = &sl->a};
		r->lines[nitems] = sl->m.line;
		number_post(r, &r->items[nitems++]);
	}
	rc = append_items(r, nitems);
	for (i = 0; i < r->n; i++) {
		article_clear(&r->slots[i].a);
		if (r->slots[i].m.data.size > SLOT_KEEP) {
			mbox_msg_free(&r->slots[i].m);
			mbox_msg_init(&r->slots[i].m, r->o->max_message);
		}
	}
	r->n = 0;
	r->bytes = 0;
	return stop != LM_OK ? stop : rc;
}

static int run_file(struct run *r)
{
	struct slot *sl;
	int rc, frc;

	file_period(r);
	for (;;) {
		sl = &r->slots[r->n];
		if ((rc = mbox_next(r->mb, &sl->m)) != LM_OK && rc != LM_ETOOBIG)
			break;
		r->st->messages++;
		sl->toobig = rc == LM_ETOOBIG;
		sl->rc = LM_OK;
		r->bytes += sl->m.data.len;
		if ((++r->n == r->cap || r->bytes >= IMPORT_BYTES) && (rc = flush(r)) != LM_OK)
			break;
		progress(r, false);
	}
	/* the posts read before a failure are archived all the same */
	frc = flush(r);
	if (rc == LM_ENOENT || rc == LM_OK)
		rc = frc;
	progress(r, true);
	return rc;
}

int import_begin(struct dbenv *env, struct import_opts *o)
{
	uint32_t next, want;
	int rc;

	g_mime_init();
	if ((rc = archive_next_number(env, o->list, &next)) != LM_OK)
		return rc;
	o->explicit_numbers = false;
	want = o->map ? import_map_next(o->map) : 0;
	if (o->number_from_set && o->number_from > want)
		want = o->number_from;
	if (o->number_from_set && o->number_from < next) {
		/* numbers below the archive's next: given one by one (taken ones are refused) */
		o->explicit_numbers = true;
		o->explicit_next = o->number_from;
		return LM_OK;
	}
	return want > next ? archive_reserve_numbers(env, o->list, want) : LM_OK;
}

static void slots_free(struct run *r)
{
	size_t i;

	for (i = 0; r->slots && i < r->cap; i++)
		mbox_msg_free(&r->slots[i].m);
	free(r->slots);
}

int import_file(struct dbenv *env, const char *path, struct import_opts *o, struct import_stats *st)
{
	struct run r = {.env = env, .o = o, .st = st, .path = path, .now = time(NULL)};
	struct stat sb;
	size_t i;
	int rc;

	r.cap = o->batch ? o->batch : IMPORT_BATCH;
	r.slots = calloc(r.cap, sizeof(*r.slots));
	r.items = calloc(r.cap, sizeof(*r.items));
	r.lines = calloc(r.cap, sizeof(*r.lines));
	for (i = 0; r.slots && i < r.cap; i++)
		mbox_msg_init(&r.slots[i].m, o->max_message);
	if (r.slots == NULL || r.items == NULL || r.lines == NULL)
		rc = LM_ENOMEM;
	else if ((rc = mbox_open(path, o->fmt, o->max_message, &r.mb)) == LM_OK) {
		/* the last date fallback: the file's time, so that a re-import changes nothing */
		if (stat(path, &sb) == 0)
			r.now = sb.st_mtime;
		rc = run_file(&r);
	}
	mbox_close(r.mb);
	slots_free(&r);
	free(r.items);
	free(r.lines);
	return rc;
}
