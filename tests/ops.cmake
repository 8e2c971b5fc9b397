# ops.cmake: tests of the operations pieces: sd_notify, decision log lines, stats, man pages,
# the systemd units and the packaging.
lm_unit_test(test_sdnotify SOURCES unit/test_sdnotify.c LIBS lmcommon)
lm_unit_test(test_log_decision SOURCES unit/test_log_decision.c LIBS lmcommon)
lm_script_test(unit_security integration/unit_security.sh)
lm_script_test(daemon_notify integration/daemon_notify.sh)
lm_unit_test(test_stats SOURCES unit/test_stats.c LIBS lmarchive)
lm_script_test(listctl_stats integration/listctl_stats.sh)
lm_script_test(man_pages integration/man_pages.sh)
lm_script_test(man_keys integration/man_keys.sh)
lm_script_test(install_layout integration/install_layout.sh)
lm_script_test(postfix_chroot integration/postfix_chroot.sh)
lm_script_test(sendmail_socket integration/sendmail_socket.sh)
