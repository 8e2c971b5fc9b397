# Lists and members (archive/lists.c, archive/members.c, archive/list_settings.c).
lm_unit_test(test_lists SOURCES unit/test_lists.c LIBS lmarchive)
lm_unit_test(test_members SOURCES unit/test_members.c LIBS lmarchive)
lm_unit_test(test_kvrec SOURCES unit/test_kvrec.c LIBS lmcommon)
