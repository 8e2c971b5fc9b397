/*
 * config.c: the table-driven parser of the site configuration file.
 * Each key is one row (name, type, default, bounds); the parser never guesses at unknown keys.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "lmerr.h"
#include "log.h"

enum conf_type { CT_STRING, CT_BOOL, CT_SIZE, CT_OCTAL, CT_FACILITY, CT_SOCKET, CT_LEVEL };

struct conf_def {
	const char *name;
	enum conf_type type;
	size_t offset;
	const char *def;
	unsigned long long min, max; /* for CT_SIZE and CT_OCTAL */
};

#define OFF(f) offsetof(struct config, f)
#define KB     1024ULL
#define MB     (1024ULL * 1024ULL)
#define GB     (1024ULL * MB)

/* Every key the file may hold: one row each, alphabetical, defaults written once. */
static const struct conf_def conf_defs[] = {
        {"BodyMemoryLimit", CT_SIZE, OFF(body_memory_limit), "1M", 4 * KB, 1 * GB},
        {"DataDir", CT_STRING, OFF(data_dir), "/var/lib/listmilter", 0, 0},
        {"DatabaseMaxSize", CT_SIZE, OFF(database_max_size), "64G", 1 * MB, 1024 * GB},
        {"Hostname", CT_STRING, OFF(hostname), "", 0, 0},
        {"LogLevel", CT_LEVEL, OFF(log_level), "info", 0, 0},
        {"MaxDecodedBytes", CT_SIZE, OFF(max_decoded_bytes), "256M", 1 * KB, 16 * GB},
        {"MaxHeaderBytes", CT_SIZE, OFF(max_header_bytes), "256K", 1 * KB, 64 * MB},
        {"MaxMessageSize", CT_SIZE, OFF(max_message_size), "128M", 1 * KB, 16 * GB},
        {"MaxMimeDepth", CT_SIZE, OFF(max_mime_depth), "20", 1, 1000},
        {"MaxMimeParts", CT_SIZE, OFF(max_mime_parts), "1000", 1, 1000000},
        {"MaxRecipients", CT_SIZE, OFF(max_recipients), "1000", 1, 1000000},
        {"PidFile", CT_STRING, OFF(pid_file), "", 0, 0},
        {"SecretFile", CT_STRING, OFF(secret_file), "", 0, 0},
        {"SendmailCommand", CT_STRING, OFF(sendmail_command), "/usr/sbin/sendmail", 0, 0},
        {"Socket", CT_SOCKET, OFF(socket), "local:/run/listmilter/listmilter.sock", 0, 0},
        {"SPFCheckLoopback", CT_BOOL, OFF(spf_check_loopback), "no", 0, 0},
        {"Syslog", CT_BOOL, OFF(syslog), "yes", 0, 0},
        {"SyslogFacility", CT_FACILITY, OFF(syslog_facility), "mail", 0, 0},
        {"TempDir", CT_STRING, OFF(temp_dir), "", 0, 0},
        {"UMask", CT_OCTAL, OFF(umask), "007", 0, 0777},
        {"UserID", CT_STRING, OFF(user_id), "", 0, 0},
};
#define NDEFS (sizeof(conf_defs) / sizeof(conf_defs[0]))

/* The longest line the parser accepts; a configuration file is not mail data. */
#define CONF_LINE_MAX 4096

const char *config_default_path(void)
{
	const char *env = getenv("LISTMILTER_CONF");

	return (env && *env) ? env : CONFIG_DEFAULT_PATH;
}

static const struct conf_def *conf_find(const char *name)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (strcasecmp(conf_defs[i].name, name) == 0)
			return &conf_defs[i];
	return NULL;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int parse_size(const char *v, unsigned long long *out)
{
	unsigned long long n, mult = 1;
	char *end;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		mult = KB, end++;
		break;
	case 'M':
		mult = MB, end++;
		break;
	case 'G':
		mult = GB, end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || n > ULLONG_MAX / mult)
		return -1;
	*out = n * mult;
	return 0;
}

static int parse_octal(const char *v, unsigned long long *out)
{
	char *end;

	if (*v == '\0' || strspn(v, "01234567") != strlen(v))
		return -1;
	*out = strtoull(v, &end, 8);
	return 0;
}

static bool level_valid(const char *v)
{
	static const char *names[] = {"err", "warning", "notice", "info", "debug"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(v, names[i]) == 0)
			return true;
	return false;
}

bool config_socket_valid(const char *spec)
{
	const char *p;
	char *end;
	unsigned long port;

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		p = strchr(spec, ':') + 1;
		return *p == '/' && strlen(p) < 108;
	}
	if (strncmp(spec, "inet:", 5) == 0)
		p = spec + 5;
	else if (strncmp(spec, "inet6:", 6) == 0)
		p = spec + 6;
	else
		return false;
	if (!isdigit((unsigned char)*p))
		return false;
	port = strtoul(p, &end, 10);
	if (port == 0 || port > 65535)
		return false;
	return *end == '\0' || (*end == '@' && end[1] != '\0');
}

static int set_string(struct config *cfg, const struct conf_def *d, const char *v)
{
	char **slot = (char **)((char *)cfg + d->offset);
	char *copy = strdup(v);

	if (copy == NULL)
		return LM_ENOMEM;
	free(*slot);
	*slot = copy;
	return LM_OK;
}

static int set_number(struct config *cfg, const struct conf_def *d, const char *v)
{
	unsigned long long n;
	int rc = d->type == CT_SIZE ? parse_size(v, &n) : parse_octal(v, &n);

	if (rc != 0 || n < d->min || n > d->max)
		return LM_ECONFIG;
	if (d->type == CT_SIZE)
		*(size_t *)((char *)cfg + d->offset) = (size_t)n;
	else
		*(unsigned *)((char *)cfg + d->offset) = (unsigned)n;
	return LM_OK;
}

/* Store one value by its row's type; LM_ECONFIG says the value does not fit the type. */
static int conf_set(struct config *cfg, const struct conf_def *d, const char *v)
{
	int fac;

	switch (d->type) {
	case CT_STRING:
		return set_string(cfg, d, v);
	case CT_SOCKET:
		return config_socket_valid(v) ? set_string(cfg, d, v) : LM_ECONFIG;
	case CT_LEVEL:
		return level_valid(v) ? set_string(cfg, d, v) : LM_ECONFIG;
	case CT_BOOL:
		return parse_bool(v, (bool *)((char *)cfg + d->offset)) ? LM_ECONFIG : LM_OK;
	case CT_FACILITY:
		if ((fac = log_facility_by_name(v)) < 0)
			return LM_ECONFIG;
		*(int *)((char *)cfg + d->offset) = fac;
		return LM_OK;
	case CT_SIZE:
	case CT_OCTAL:
		return set_number(cfg, d, v);
	}
	return LM_ECONFIG;
}

static const char *type_hint(enum conf_type t)
{
	switch (t) {
	case CT_BOOL:
		return "yes or no";
	case CT_SIZE:
		return "a number with an optional K, M or G suffix, within the key's bounds";
	case CT_OCTAL:
		return "an octal mode such as 007";
	case CT_FACILITY:
		return "a syslog facility such as mail or local0";
	case CT_SOCKET:
		return "unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST";
	case CT_LEVEL:
		return "err, warning, notice, info or debug";
	default:
		return "a string";
	}
}

int config_defaults(struct config **out)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	size_t i;
	int rc;

	if (cfg == NULL)
		return LM_ENOMEM;
	for (i = 0; i < NDEFS; i++) {
		if ((rc = conf_set(cfg, &conf_defs[i], conf_defs[i].def)) != LM_OK) {
			config_free(cfg);
			return rc == LM_ECONFIG ? LM_EINVAL : rc;
		}
	}
	*out = cfg;
	return LM_OK;
}

struct config *config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return NULL;
	for (i = 0; i < NDEFS; i++) {
		const struct conf_def *d = &conf_defs[i];
		if (d->type == CT_STRING || d->type == CT_SOCKET || d->type == CT_LEVEL)
			free(*(char **)((char *)cfg + d->offset));
	}
	free(cfg);
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Parse one logical line; seen[] catches a key given twice. */
static int conf_line(struct config *cfg, char *line, bool *seen, const char *where, struct buf *err)
{
	const struct conf_def *d;
	char *key, *val;
	int rc;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return LM_OK;
	val = key + strcspn(key, " \t");
	if (*val)
		*val++ = '\0';
	val = trim(val);
	if ((d = conf_find(key)) == NULL) {
		if (err)
			buf_printf(err, "%s: unknown key \"%.64s\"", where, key);
		return LM_ECONFIG;
	}
	if (seen[d - conf_defs]) {
		if (err)
			buf_printf(err, "%s: %s given twice", where, d->name);
		return LM_ECONFIG;
	}
	seen[d - conf_defs] = true;
	rc = conf_set(cfg, d, val);
	if (rc == LM_ECONFIG && err)
		buf_printf(err, "%s: %s: bad value \"%.64s\" (expected %s)", where, d->name, val,
		           type_hint(d->type));
	return rc;
}

static int conf_read(FILE *fp, const char *path, struct config *cfg, struct buf *err)
{
	bool seen[NDEFS] = {false};
	char line[CONF_LINE_MAX], where[512];
	unsigned lineno = 0;
	int rc;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		snprintf(where, sizeof(where), "%s, line %u", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			if (err)
				buf_printf(err, "%s: line too long", where);
			return LM_ECONFIG;
		}
		if ((rc = conf_line(cfg, line, seen, where, err)) != LM_OK)
			return rc;
	}
	if (ferror(fp)) {
		if (err)
			buf_printf(err, "%s: read error", path);
		return LM_EIO;
	}
	return LM_OK;
}

int config_load(const char *path, struct config **out, struct buf *err)
{
	struct config *cfg = NULL;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		if (err)
			buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
		return LM_ENOENT;
	}
	if ((rc = config_defaults(&cfg)) != LM_OK)
		goto fail;
	if ((rc = conf_read(fp, path, cfg, err)) != LM_OK)
		goto fail;
	fclose(fp);
	*out = cfg;
	return LM_OK;
fail:
	fclose(fp);
	config_free(cfg);
	return rc;
}

static int dump_one(const struct config *cfg, const struct conf_def *d, struct buf *out)
{
	const char *base = (const char *)cfg + d->offset;

	switch (d->type) {
	case CT_BOOL:
		return buf_printf(out, "%s %s\n", d->name, *(const bool *)base ? "yes" : "no");
	case CT_SIZE:
		return buf_printf(out, "%s %zu\n", d->name, *(const size_t *)base);
	case CT_OCTAL:
		return buf_printf(out, "%s %03o\n", d->name, *(const unsigned *)base);
	case CT_FACILITY:
		return buf_printf(out, "%s %d\n", d->name, *(const int *)base);
	default:
		return buf_printf(out, "%s %s\n", d->name, *(char *const *)base);
	}
}

int config_dump(const struct config *cfg, struct buf *out)
{
	size_t i;
	int rc;

	for (i = 0; i < NDEFS; i++)
		if ((rc = dump_one(cfg, &conf_defs[i], out)) != LM_OK)
			return rc;
	return LM_OK;
}
