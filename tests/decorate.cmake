# CookHeaders, DMARC From munging and Decorate (milter/cookheaders.c, cooksubject.c, dmarc.c,
# decorate.c, pyhdr.c, hdredit.c): Mailman 2.1's expected outputs and the usrp-users corpus.
lm_unit_test(test_cookheaders SOURCES unit/test_cookheaders.c LIBS lmmilter)
lm_unit_test(test_decorate SOURCES unit/test_decorate.c LIBS lmmilter)
lm_unit_test(test_decorate_corpus SOURCES unit/test_decorate_corpus.c LIBS lmmilter)
lm_unit_test(test_pyhdr SOURCES unit/test_pyhdr.c LIBS lmmilter)
