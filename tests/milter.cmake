# The milter daemon: the pipeline on a recorder MTA, miltertest scripts, real-MTA end-to-end runs.
lm_unit_test(test_pipeline SOURCES unit/test_pipeline.c unit/pipelinefx.c LIBS lmmilter)
lm_script_test(e2e_postfix integration/e2e_postfix.sh)
lm_script_test(e2e_sendmail integration/e2e_sendmail.sh)
lm_script_test(miltertest integration/miltertest.sh)
