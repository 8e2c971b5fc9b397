/*
 * spf_probe.c: a test tool: run spf_check() for one client address, HELO and sender and print
 * "RESULT<TAB>Received-SPF value" (used by tests/integration/spf_dnsmasq.sh with real DNS).
 */
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "lmerr.h"
#include "spf.h"

int main(int argc, char **argv)
{
	struct spf *s;
	struct buf h;
	enum spf_res r;

	if (argc != 4) {
		fprintf(stderr, "usage: spf_probe IP HELO SENDER\n");
		return 64;
	}
	if (spf_new("mx.test", &s) != LM_OK)
		return 70;
	/* every client in the test namespace is on loopback */
	spf_set_check_loopback(s, true);
	buf_init(&h, BUF_CAP_SMALL);
	r = spf_check(s, argv[1], argv[2], argv[3], &h);
	printf("%s\t%s\n", spf_res_name(r), buf_cstr(&h));
	buf_free(&h);
	spf_free(s);
	return 0;
}
