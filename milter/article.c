/*
 * article.c: the archived article of a post: the store's archive_article_from_message() on
 * the parsed post and the scrubber's result, arrival time now.
 */
#include <time.h>

#include "pipeline_int.h"

int pipeline_article(GMimeMessage *msg, const struct scrub_result *r, struct article *a)
{
	return archive_article_from_message(msg, r, NULL, time(NULL), a);
}
