/*
 * hold_post.c: a test tool: put the message on standard input into a list's hold queue, as
 * the milter does for a held post, and print its id (for tests of listctl with a real MTA).
 * usage: hold_post DBDIR LIST ENV_SENDER RECIPIENT POSTER SUBJECT REASON < message
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "dbenv.h"
#include "holdq.h"
#include "lmerr.h"

int main(int argc, char **argv)
{
	struct holdq_entry e = {0};
	struct dbenv *env;
	struct buf msg;
	char chunk[65536];
	uint32_t id;
	size_t n;
	int rc = LM_OK;

	if (argc != 8) {
		fprintf(stderr,
		        "usage: hold_post DBDIR LIST ENV_SENDER RCPT POSTER SUBJECT REASON\n");
		return 64;
	}
	buf_init(&msg, HOLDQ_MAX_MSG);
	while (rc == LM_OK && (n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		rc = buf_append(&msg, chunk, n);
	if (rc != LM_OK || dbenv_open(argv[1], (size_t)1 << 30, 0, &env) != LM_OK)
		return 70;
	e = (struct holdq_entry){.env_sender = argv[3],
	                         .recipients = argv[4],
	                         .poster = argv[5],
	                         .subject = argv[6],
	                         .reason = argv[7],
	                         .msg = msg.data,
	                         .msg_len = msg.len};
	rc = holdq_add(env, argv[2], &e, &id);
	dbenv_close(env);
	buf_free(&msg);
	if (rc != LM_OK) {
		fprintf(stderr, "hold_post: %s\n", lm_strerror(rc));
		return 70;
	}
	printf("%u\n", id);
	return 0;
}
