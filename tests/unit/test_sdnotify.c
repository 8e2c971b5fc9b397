/*
 * test_sdnotify.c: the notifications reach a real AF_UNIX datagram socket, path or abstract,
 * with exactly the bytes systemd expects; no socket means no error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lmerr.h"
#include "sdnotify.h"
#include "testutil.h"

struct listener {
	char *dir;
	int fd;
};

/* Bind a datagram socket at path (or in the abstract namespace for "@name"). */
static int bind_dgram(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, strlen(name));
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	return fd;
}

static int setup(void **state)
{
	struct listener *l = calloc(1, sizeof(*l));
	char *path;

	assert_non_null(l);
	l->dir = testutil_tmpdir("sdnotify");
	path = testutil_path(l->dir, "notify");
	l->fd = bind_dgram(path);
	setenv("NOTIFY_SOCKET", path, 1);
	free(path);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct listener *l = *state;

	close(l->fd);
	testutil_rmtree(l->dir);
	free(l->dir);
	free(l);
	unsetenv("NOTIFY_SOCKET");
	return 0;
}

/* The next datagram, NUL-terminated; fails the test if none is waiting. */
static char *next_msg(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void test_ready_and_stopping(void **state)
{
	struct listener *l = *state;
	char buf[2048];

	assert_int_equal(sdnotify_ready("serving on local:/run/x.sock"), LM_OK);
	assert_string_equal(next_msg(l->fd, buf, sizeof(buf)),
	                    "READY=1\nSTATUS=serving on local:/run/x.sock");
	assert_int_equal(sdnotify_ready(NULL), LM_OK);
	assert_string_equal(next_msg(l->fd, buf, sizeof(buf)), "READY=1\n");
	assert_int_equal(sdnotify_stopping(), LM_OK);
	assert_string_equal(next_msg(l->fd, buf, sizeof(buf)), "STOPPING=1");
}

static void test_reloading_carries_monotonic_time(void **state)
{
	struct listener *l = *state;
	unsigned long long usec, before, after;
	struct timespec ts;
	char buf[256];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
	assert_int_equal(sdnotify_reloading(), LM_OK);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	after = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
	next_msg(l->fd, buf, sizeof(buf));
	assert_int_equal(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu", &usec), 1);
	assert_true(usec >= before && usec <= after);
}

static void test_status_cannot_add_keys(void **state)
{
	struct listener *l = *state;
	char buf[2048], big[1100];

	assert_int_equal(sdnotify_status("bad\nREADY=1"), LM_OK);
	assert_string_equal(next_msg(l->fd, buf, sizeof(buf)), "STATUS=bad?READY=1");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sdnotify_status(big), LM_ETOOBIG);
	assert_true(recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0);
}

static void test_abstract_namespace(void **state)
{
	char name[64], buf[256];
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@listmilter-test-%ld", (long)getpid());
	fd = bind_dgram(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_stopping(), LM_OK);
	assert_string_equal(next_msg(fd, buf, sizeof(buf)), "STOPPING=1");
	close(fd);
}

static void test_no_socket_is_not_an_error(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify_ready("x"), LM_OK);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sdnotify_stopping(), LM_OK);
}

static void test_bad_addresses(void **state)
{
	char longpath[200];

	(void)state;
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify_stopping(), LM_EINVAL);
	setenv("NOTIFY_SOCKET", "@", 1);
	assert_int_equal(sdnotify_stopping(), LM_EINVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longpath, 1);
	assert_int_equal(sdnotify_stopping(), LM_EINVAL);
	setenv("NOTIFY_SOCKET", "/nonexistent/listmilter/notify", 1);
	assert_int_equal(sdnotify_stopping(), LM_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_ready_and_stopping, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reloading_carries_monotonic_time, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_status_cannot_add_keys, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_abstract_namespace, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_no_socket_is_not_an_error, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_addresses, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
