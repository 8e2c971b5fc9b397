/*
 * milter.h: the daemon's internals shared by its files: the message spool, connection and
 * message contexts, the refcounted configuration snapshot and the end-of-message pipeline.
 */
#ifndef LISTMILTER_MILTER_H
#define LISTMILTER_MILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "dbenv.h"
#include "hdredit.h"
#include "mta.h"
#include "spf.h"
#include "token.h"

/* ---- spool.c: the message as received, in RAM up to a limit, then in an unlinked file ---- */

/** A message being received. Bytes go to mem until limit, then everything moves to fd. */
struct spool {
	struct buf mem; /**< the bytes while they fit */
	int fd;         /**< the spill file (-1 while in memory) */
	size_t len;     /**< bytes written in all */
	size_t limit;   /**< BodyMemoryLimit */
	char *dir;      /**< where spill files go */
};

/**
 * @brief Prepare an empty spool.
 * @param[out] sp the spool. @param[in] limit bytes kept in RAM. @param[in] dir spill directory.
 * @return LM_OK; LM_ENOMEM.
 */
int spool_init(struct spool *sp, size_t limit, const char *dir);

/**
 * @brief Append bytes; past the limit the spool moves to an unlinked file in dir.
 * @return LM_OK; LM_EIO (the spill file could not be made or written; errno kept); LM_ENOMEM.
 */
int spool_write(struct spool *sp, const void *p, size_t n);

/**
 * @brief A descriptor positioned at the start of the message (a memfd for small messages).
 * The spool keeps it; it stays valid until spool_free().
 * @param[out] fd the descriptor.
 * @return LM_OK; LM_EIO.
 */
int spool_fd(struct spool *sp, int *fd);

/**
 * @brief Append the spooled bytes from offset off to out.
 * @return LM_OK; LM_EIO; LM_ETOOBIG (out's cap); LM_ENOMEM.
 */
int spool_read(struct spool *sp, size_t off, struct buf *out);

/** @brief True once the spool lives in a file. */
bool spool_spilled(const struct spool *sp);

/** @brief Release memory and file; the spool may be spool_init()ed again. */
void spool_free(struct spool *sp);

/* ---- runtime.c: the configuration snapshot that SIGUSR1 replaces ---- */

/** What a message works with: a configuration and the process's LMDB environment. */
struct runtime {
	struct config *cfg; /**< owned; freed when the last reference goes */
	struct dbenv *env;  /**< the process's environment (not owned) */
	unsigned long refs; /**< references, under the runtime lock */
	unsigned long generation;
	struct token_key key; /**< the site secret for moderation tokens */
	bool have_key;        /**< the secret could be read (else approvals are not honoured) */
	struct spf *spf;      /**< the SPF checker (NULL when it could not be set up) */
};

/**
 * @brief Install a new current snapshot; messages in flight keep the old one until they end.
 * @param[in] cfg the configuration (ownership passes). @param[in] env the environment.
 * @return LM_OK; LM_ENOMEM (nothing changed, cfg is freed).
 */
int runtime_install(struct config *cfg, struct dbenv *env);

/** @brief Take a reference to the current snapshot (NULL before the first install). */
struct runtime *runtime_acquire(void);

/** @brief Drop a reference; NULL is accepted. */
void runtime_release(struct runtime *rt);

/** @brief Drop the current snapshot (at exit). */
void runtime_shutdown(void);

/* ---- msgctx.c: connection and message contexts ---- */

/** One envelope recipient as given at RCPT TO. */
struct rcpt {
	char *addr;  /**< as given, with angle brackets */
	bool listed; /**< the posting address of msg->list */
};

/** A transaction: from MAIL FROM to end-of-message or abort. */
struct msgctx {
	struct runtime *rt;     /**< the snapshot this message works with (a reference) */
	char qid[64];           /**< the queue id ({i}), "NOQUEUE" until known */
	char *envfrom;          /**< MAIL FROM argument, with angle brackets */
	char client_addr[64];   /**< the SMTP client's address, "" when unknown (for SPF) */
	char *helo;             /**< the HELO/EHLO name, or NULL (for SPF) */
	struct rcpt *rcpts;     /**< accepted recipients */
	size_t nrcpts, rcap;    /**< count and allocation */
	char *list;             /**< the list this transaction posts to, or NULL */
	bool request;           /**< it goes to list-request@ (moderators' confirm replies) */
	struct spool spool;     /**< header and body bytes */
	size_t header_bytes;    /**< header bytes seen */
	size_t body_offset;     /**< where the body starts in the spool */
	struct hdr_field *hdrs; /**< header fields as the MTA gave them (owned strings) */
	size_t nhdrs, hdrcap;   /**< count and allocation */
	int deferred;        /**< a verdict (enum verdict) kept for the next stage that replies */
	struct buf decision; /**< why the post was accepted, held, ...: log_decision()'s reason */
};

/** A connection from the MTA: one SMTP session. */
struct connctx {
	char client_addr[64]; /**< the client's address, "" when unknown */
	char *helo;           /**< the HELO/EHLO name (owned), or NULL */
	bool nr_hdr;          /**< the MTA expects no reply to headers (SMFIP_NR_HDR) */
	bool nr_body;         /**< nor to body chunks (SMFIP_NR_BODY) */
	struct msgctx *msg;   /**< the open transaction, or NULL */
	unsigned long nmsgs;  /**< transactions seen */
};

/**
 * @brief The directory spill files go to: TempDir, or DataDir/tmp when TempDir is empty.
 * @return LM_OK; LM_ETOOBIG; LM_ENOMEM.
 */
int msgctx_tempdir(const struct config *cfg, struct buf *out);

/**
 * @brief Start a transaction: takes a reference to the current snapshot.
 * @param[out] out the context.
 * @return LM_OK; LM_ENOMEM; LM_ETEMP (no configuration yet).
 */
int msgctx_new(struct msgctx **out);

/** @brief Set the queue id when qid is not NULL or empty (copied, cut, made printable). */
void msgctx_set_qid(struct msgctx *m, const char *qid);

/** @brief Keep a header field as received (copied). @return LM_OK; LM_ENOMEM. */
int msgctx_add_header(struct msgctx *m, const char *name, const char *value);

/** @brief Record an accepted recipient. @return LM_OK; LM_ENOMEM. */
int msgctx_add_rcpt(struct msgctx *m, const char *addr, bool listed);

/**
 * @brief The single cleanup path of a message (eom, abort, close): frees everything and drops
 * the snapshot reference. NULL is accepted. @return NULL.
 */
struct msgctx *msgctx_free(struct msgctx *m);

/** @brief Messages alive now, for the SIGTERM drain. */
unsigned long msgctx_active(void);

/** @brief An end-of-message starts (archive, MTA changes): SIGTERM waits for it. */
void msgctx_eom_begin(void);
/** @brief That end-of-message is over. */
void msgctx_eom_end(void);

/**
 * @brief Wait until no end-of-message is running, or timeout_s passed. libmilter stops
 * serving idle connections on SIGTERM (the MTA then applies its default action, tempfail, and
 * the client retries); what the drain guarantees is that a post being archived and fanned out
 * finishes and is answered.
 * @return true when none is running.
 */
bool msgctx_drain(unsigned timeout_s);

/* ---- pipeline.c: decisions at RCPT and the work at end-of-message ---- */

/** What the MTA is told. */
enum verdict {
	V_CONTINUE, /**< go on / accept this recipient */
	V_ACCEPT,   /**< accept; nothing more to do for this message */
	V_REJECT,   /**< a 5xx (reply set) */
	V_TEMPFAIL, /**< a 4xx (reply set) */
	V_DISCARD   /**< accept and drop */
};

/**
 * @brief Decide on one RCPT TO. A transaction carries either one list's posting address
 * or only other recipients; anything that would mix them gets 452 4.5.3 so the client sends
 * it in a new transaction (RFC 5321 3.3, 4.5.3.1.10).
 * @param[in,out] m the transaction. @param[in] rcpt the address as given.
 * @param[in] mta where replies go.
 * @return V_CONTINUE (accepted and recorded), V_TEMPFAIL (452/451 set), V_REJECT.
 */
enum verdict pipeline_rcpt(struct msgctx *m, const char *rcpt, struct mta *mta);

/**
 * @brief Count one header and keep it when the message is list traffic.
 * @return V_CONTINUE; V_ACCEPT (not list traffic: nothing more to see); V_TEMPFAIL.
 */
enum verdict pipeline_header(struct msgctx *m, const char *name, const char *value,
                             struct mta *mta);

/** @brief End of headers. @return V_CONTINUE, V_ACCEPT (not list traffic), V_TEMPFAIL. */
enum verdict pipeline_eoh(struct msgctx *m, struct mta *mta);

/** @brief A body chunk. @return V_CONTINUE, V_TEMPFAIL (spool failed). */
enum verdict pipeline_body(struct msgctx *m, const void *p, size_t n, struct mta *mta);

/**
 * @brief End of message: parse, decide, scrub and archive durably, then rewrite and fan out.
 * Nothing is changed at the MTA before the post is archived; any storage failure is
 * 451 4.3.0. Logs one line for the decision.
 * @return V_ACCEPT, V_REJECT, V_TEMPFAIL, V_DISCARD.
 */
enum verdict pipeline_eom(struct msgctx *m, struct mta *mta);

/* ---- callbacks.c ---- */

struct smfiDesc;
/** @brief The libmilter registration: callbacks, actions, name. */
struct smfiDesc *callbacks_desc(void);

#endif
