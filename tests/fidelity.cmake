# Tests of the Mailman 2.1 fidelity fixes: archived article fields, live-post dates (fidelity).
lm_unit_test(test_article SOURCES unit/test_article.c LIBS lmarchive)
lm_unit_test(test_fidelity_pipeline SOURCES unit/test_fidelity_pipeline.c unit/pipelinefx.c
  LIBS lmmilter)
target_include_directories(test_fidelity_pipeline PRIVATE ${CMAKE_SOURCE_DIR}/milter)
lm_unit_test(test_scrub_seed_msgid SOURCES unit/test_scrub_seed_msgid.c unit/scrubfx.c LIBS lmarchive)
