# Tests of the pipermail exporter (export branch): escaping, body rendering, threading, pages.
lm_unit_test(test_html SOURCES unit/test_html.c LIBS lmarchive)
lm_unit_test(test_export_render SOURCES unit/test_export_render.c unit/export_fixture.c
  LIBS lmarchive)
lm_unit_test(test_export_run SOURCES unit/test_export_run.c LIBS lmarchive)
lm_unit_test(test_export_golden SOURCES unit/test_export_golden.c unit/golden_compare.c
  LIBS lmarchive)
lm_script_test(cli_export integration/cli_export.sh)
