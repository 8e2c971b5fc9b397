# Tests of the archive store, periods, the mbox reader and the importer (store branch).
lm_unit_test(test_period SOURCES unit/test_period.c LIBS lmarchive)
lm_unit_test(test_archive SOURCES unit/test_archive.c LIBS lmarchive)
lm_unit_test(test_mbox SOURCES unit/test_mbox.c LIBS lmarchive)
lm_unit_test(test_import SOURCES unit/test_import.c LIBS lmarchive)
lm_script_test(cli_import integration/cli_import.sh)
lm_unit_test(test_txt_unobscure SOURCES unit/test_txt_unobscure.c LIBS lmarchive)
