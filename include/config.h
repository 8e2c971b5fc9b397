/*
 * config.h: the site configuration file (/etc/listmilter/listmilter.conf).
 * OpenDKIM-style "Key value" lines; every key has a type and a default; unknown keys are errors.
 */
#ifndef LISTMILTER_CONFIG_H
#define LISTMILTER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/** Where the configuration lives unless -c or $LISTMILTER_CONF say otherwise. */
#define CONFIG_DEFAULT_PATH "/etc/listmilter/listmilter.conf"

/**
 * The parsed site configuration. Strings are owned by the structure and never NULL
 * (an unset string key is ""). Sizes are in bytes. Freed with config_free().
 */
struct config {
	char *data_dir;           /**< DataDir: LMDB environment and attachment storage */
	char *socket;             /**< Socket: libmilter spec (unix:, local:, inet:, inet6:) */
	char *user_id;            /**< UserID: user[:group] to run as; "" keeps the current user */
	unsigned umask;           /**< UMask: applied before the socket is created */
	char *pid_file;           /**< PidFile: "" for none */
	bool syslog;              /**< Syslog: log to syslog (else stderr) */
	int syslog_facility;      /**< SyslogFacility: a syslog facility value */
	char *sendmail_command;   /**< SendmailCommand: how mail is handed back to the MTA */
	char *log_level;          /**< LogLevel: err, warning, notice, info or debug */
	size_t database_max_size; /**< DatabaseMaxSize: the LMDB map may grow up to this */
	size_t max_header_bytes;  /**< MaxHeaderBytes: all header bytes of one message */
	size_t max_mime_depth;    /**< MaxMimeDepth: nesting of multiparts and messages */
	size_t max_mime_parts;    /**< MaxMimeParts: parts in one message */
	size_t max_decoded_bytes; /**< MaxDecodedBytes: decoded bytes of all parts together */
	size_t max_message_size;  /**< MaxMessageSize: bytes of one message as received */
	size_t max_recipients;    /**< MaxRecipients: envelope recipients of one transaction */
	size_t body_memory_limit; /**< BodyMemoryLimit: body bytes kept in RAM before spilling */
	bool spf_check_loopback;  /**< SPFCheckLoopback: SPF-check 127/8 and ::1 clients (tests) */
	char *secret_file;        /**< SecretFile: moderation token key; "" = DataDir/secret */
	char *temp_dir;           /**< TempDir: spill files; default DataDir/tmp */
	char *hostname;           /**< Hostname: this host's name in generated ids; "" = uname */
};

/**
 * @brief The configuration path to use when none was given on the command line.
 * @return $LISTMILTER_CONF when set and not empty, else CONFIG_DEFAULT_PATH (static storage).
 */
const char *config_default_path(void);

/**
 * @brief Read and check a configuration file.
 * @param[in] path the file.
 * @param[out] out the configuration, on success; the caller frees it with config_free().
 * @param[out] err on failure, one line naming the file, line and key (may be NULL).
 * @return LM_OK; LM_ENOENT (the file cannot be opened); LM_ECONFIG (an unknown key, a bad value,
 * a key given twice, a line too long); LM_ENOMEM.
 */
int config_load(const char *path, struct config **out, struct buf *err);

/**
 * @brief A configuration holding only the defaults.
 * @return LM_OK or LM_ENOMEM.
 */
int config_defaults(struct config **out);

/** @brief Free a configuration; NULL is accepted. Returns NULL. */
struct config *config_free(struct config *cfg);

/**
 * @brief Write every key with its value, one "Key value" line each (listmilter -n -v).
 * @param[in] cfg the configuration.
 * @param[in,out] out where to append.
 * @return LM_OK, LM_ETOOBIG, LM_ENOMEM.
 */
int config_dump(const struct config *cfg, struct buf *out);

/**
 * @brief Check a libmilter socket specification.
 * @return true for unix:/path, local:/path, inet:PORT[@HOST], inet6:PORT[@HOST].
 */
bool config_socket_valid(const char *spec);

#endif
