# The milter daemon: the pipeline on a recorder MTA, miltertest scripts, real-MTA end-to-end runs.
lm_unit_test(test_pipeline SOURCES unit/test_pipeline.c LIBS lmmilter)
