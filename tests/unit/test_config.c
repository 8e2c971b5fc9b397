/*
 * test_config.c: the site configuration parser: defaults, types, bounds, unknown keys.
 * Error messages must name the file, the line and the key, so they are compared exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "lmerr.h"
#include "testutil.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = testutil_tmpdir("config");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	testutil_rmtree(dir);
	free(dir);
	return 0;
}

/* Write text to a file and load it; err gets the message. */
static int load_text(const char *text, struct config **cfg, struct buf *err, char **pathp)
{
	char *path = testutil_path(dir, "listmilter.conf");

	testutil_write(path, text, strlen(text));
	buf_init(err, 4096);
	*cfg = NULL;
	int rc = config_load(path, cfg, err);
	if (pathp)
		*pathp = path;
	else
		free(path);
	return rc;
}

static void test_defaults(void **state)
{
	struct config *cfg;

	(void)state;
	assert_int_equal(config_defaults(&cfg), LM_OK);
	assert_string_equal(cfg->data_dir, "/var/lib/listmilter");
	assert_string_equal(cfg->socket, "local:/run/listmilter/listmilter.sock");
	assert_string_equal(cfg->sendmail_command, "/usr/sbin/sendmail");
	assert_string_equal(cfg->user_id, "");
	assert_int_equal(cfg->umask, 07);
	assert_true(cfg->syslog);
	assert_int_equal(cfg->syslog_facility, LOG_MAIL);
	assert_int_equal(cfg->body_memory_limit, 1024 * 1024);
	config_free(cfg);
}

static void test_all_types_parse(void **state)
{
	struct config *cfg;
	struct buf err;

	(void)state;
	assert_int_equal(
	        load_text("# comment\n\n  DataDir   /srv/lists  \n"
	                  "Socket inet:8891@127.0.0.1\n"
	                  "UserID listmilter:postfix\nUMask 0027\nSyslog no\n"
	                  "SyslogFacility local4\nsendmailcommand /usr/sbin/sendmail -C /etc/x\n"
	                  "MaxHeaderBytes 64K\nDatabaseMaxSize 2G\n",
	                  &cfg, &err, NULL),
	        LM_OK);
	assert_string_equal(cfg->data_dir, "/srv/lists");
	assert_string_equal(cfg->socket, "inet:8891@127.0.0.1");
	assert_string_equal(cfg->user_id, "listmilter:postfix");
	assert_int_equal(cfg->umask, 027);
	assert_false(cfg->syslog);
	assert_int_equal(cfg->syslog_facility, LOG_LOCAL4);
	assert_string_equal(cfg->sendmail_command, "/usr/sbin/sendmail -C /etc/x");
	assert_int_equal(cfg->max_header_bytes, 64 * 1024);
	assert_int_equal(cfg->database_max_size, 2ULL * 1024 * 1024 * 1024);
	config_free(cfg);
	buf_free(&err);
}

static void test_unknown_key_named_with_line(void **state)
{
	struct config *cfg;
	struct buf err;
	char *path, *want;

	(void)state;
	assert_int_equal(load_text("DataDir /x\n\nDataDri /y\n", &cfg, &err, &path), LM_ECONFIG);
	assert_null(cfg);
	assert_true(asprintf(&want, "%s, line 3: unknown key \"DataDri\"", path) > 0);
	assert_string_equal(buf_cstr(&err), want);
	free(want);
	free(path);
	buf_free(&err);
}

static void test_bad_values(void **state)
{
	static const char *bad[] = {
	        "Syslog maybe\n",         "UMask 999\n",
	        "UMask 01777\n",          "MaxHeaderBytes 12Q\n",
	        "MaxHeaderBytes 10\n",    "Socket tcp:1@x\n",
	        "Socket inet:0@x\n",      "Socket unix:relative\n",
	        "SyslogFacility kern2\n", "MaxMimeDepth -1\n",
	        "LogLevel loud\n",        "Socket inet:70000@h\n",
	};
	struct config *cfg;
	struct buf err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_text(bad[i], &cfg, &err, NULL), LM_ECONFIG);
		assert_non_null(strstr(buf_cstr(&err), "bad value"));
		assert_non_null(strstr(buf_cstr(&err), "line 1"));
		buf_free(&err);
	}
}

static void test_duplicate_key(void **state)
{
	struct config *cfg;
	struct buf err;

	(void)state;
	assert_int_equal(load_text("Syslog yes\nsyslog no\n", &cfg, &err, NULL), LM_ECONFIG);
	assert_non_null(strstr(buf_cstr(&err), "line 2: Syslog given twice"));
	buf_free(&err);
}

static void test_missing_file(void **state)
{
	struct config *cfg = NULL;
	struct buf err;

	(void)state;
	buf_init(&err, 1024);
	assert_int_equal(config_load("/nonexistent/listmilter.conf", &cfg, &err), LM_ENOENT);
	assert_null(cfg);
	assert_non_null(strstr(buf_cstr(&err), "/nonexistent/listmilter.conf: cannot open"));
	buf_free(&err);
}

static void test_socket_specs(void **state)
{
	(void)state;
	assert_true(config_socket_valid("unix:/run/x.sock"));
	assert_true(config_socket_valid("local:/run/x.sock"));
	assert_true(config_socket_valid("inet:8891@127.0.0.1"));
	assert_true(config_socket_valid("inet:8891"));
	assert_true(config_socket_valid("inet6:8891@[::1]"));
	assert_false(config_socket_valid("inet:8891@"));
	assert_false(config_socket_valid("/run/x.sock"));
	assert_false(config_socket_valid("inet:abc@h"));
}

static void test_env_override(void **state)
{
	(void)state;
	unsetenv("LISTMILTER_CONF");
	assert_string_equal(config_default_path(), CONFIG_DEFAULT_PATH);
	setenv("LISTMILTER_CONF", "/tmp/other.conf", 1);
	assert_string_equal(config_default_path(), "/tmp/other.conf");
	setenv("LISTMILTER_CONF", "", 1);
	assert_string_equal(config_default_path(), CONFIG_DEFAULT_PATH);
	unsetenv("LISTMILTER_CONF");
}

static void test_dump_round_trip(void **state)
{
	struct config *cfg, *cfg2;
	struct buf out, err;
	char *path = testutil_path(dir, "dump.conf");

	(void)state;
	assert_int_equal(config_defaults(&cfg), LM_OK);
	buf_init(&out, 1 << 16);
	assert_int_equal(config_dump(cfg, &out), LM_OK);
	assert_non_null(strstr(buf_cstr(&out), "UMask 007\n"));
	/* The dump (without the numeric facility line) parses back to the same values. */
	char *fac = strstr(out.data, "SyslogFacility");
	*fac = '#';
	testutil_write(path, out.data, out.len);
	buf_init(&err, 1024);
	assert_int_equal(config_load(path, &cfg2, &err), LM_OK);
	assert_string_equal(cfg2->socket, cfg->socket);
	assert_int_equal(cfg2->max_mime_parts, cfg->max_mime_parts);
	config_free(cfg);
	config_free(cfg2);
	buf_free(&out);
	buf_free(&err);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_all_types_parse),
	        cmocka_unit_test(test_unknown_key_named_with_line),
	        cmocka_unit_test(test_bad_values),
	        cmocka_unit_test(test_duplicate_key),
	        cmocka_unit_test(test_missing_file),
	        cmocka_unit_test(test_socket_specs),
	        cmocka_unit_test(test_env_override),
	        cmocka_unit_test(test_dump_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
