/*
 * export_crash.h: recovery of unsynced incremental exports after a reboot (export.c only).
 */
#ifndef LISTMILTER_EXPORT_CRASH_H
#define LISTMILTER_EXPORT_CRASH_H

/**
 * @brief When the machine rebooted since the last export into this directory, forget the
 * periods exported within a few minutes before the boot (their state files), so this run
 * renders them again and restores pages a crash may have lost.
 * @param[in] statedir DIR/.export-state.
 * @return LM_OK; LM_EIO; LM_EINVAL.
 */
int export_crash_check(const char *statedir);

#endif
