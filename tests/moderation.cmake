# Moderation: the decision rules, SPF mapping, hold queue, tokens, notices and listctl commands.
lm_unit_test(test_policy SOURCES unit/test_policy.c LIBS lmmilter)
lm_unit_test(test_holdq SOURCES unit/test_holdq.c LIBS lmarchive)
lm_unit_test(test_token SOURCES unit/test_token.c LIBS lmarchive)
lm_unit_test(test_notice SOURCES unit/test_notice.c LIBS lmmilter)
lm_unit_test(test_held SOURCES unit/test_held.c LIBS lmmilter)

# The SPF probe for the dnsmasq test, and SPF's result mapping without DNS.
add_executable(spf_probe tools/spf_probe.c)
target_link_libraries(spf_probe PRIVATE lmmilter)
lm_unit_test(test_spf SOURCES unit/test_spf.c LIBS lmmilter)
lm_script_test(spf_dnsmasq integration/spf_dnsmasq.sh)
lm_unit_test(test_policy_msg SOURCES unit/test_policy_msg.c LIBS lmmilter)
lm_unit_test(test_moderation SOURCES unit/test_moderation.c LIBS lmmilter)

# listctl approve/reject handing mail to a real Postfix (sendmail -> pickup -> smtp-sink).
add_executable(hold_post tools/hold_post.c)
target_link_libraries(hold_post PRIVATE lmarchive)
lm_script_test(held_postfix integration/held_postfix.sh)
lm_script_test(e2e_moderation integration/e2e_moderation.sh)
add_test(NAME e2e_moderation_sendmail
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/e2e_moderation.sh sendmail)
set_tests_properties(e2e_moderation_sendmail PROPERTIES ENVIRONMENT "${LM_TEST_ENV}" TIMEOUT 900
  SKIP_RETURN_CODE 77 LABELS integration RUN_SERIAL TRUE)
lm_script_test(e2e_moderation_spf integration/e2e_moderation_spf.sh)
add_test(NAME e2e_moderation_spf_sendmail
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/e2e_moderation_spf.sh sendmail)
set_tests_properties(e2e_moderation_spf_sendmail PROPERTIES ENVIRONMENT "${LM_TEST_ENV}"
  TIMEOUT 900 SKIP_RETURN_CODE 77 LABELS integration RUN_SERIAL TRUE)
