# The scrubber (issue 3): unit tests over fixtures in tests/data/scrub and the MIME corpus.
set(LM_SCRUBFX unit/scrubfx.c)
lm_unit_test(test_scrub_seed SOURCES unit/test_scrub_seed.c ${LM_SCRUBFX} LIBS lmarchive)
lm_unit_test(test_scrub_rules SOURCES unit/test_scrub_rules.c ${LM_SCRUBFX} LIBS lmarchive)
lm_unit_test(test_scrub_names SOURCES unit/test_scrub_names.c LIBS lmarchive)
lm_unit_test(test_scrub_store SOURCES unit/test_scrub_store.c ${LM_SCRUBFX} LIBS lmarchive)
lm_unit_test(test_scrub_corpus SOURCES unit/test_scrub_corpus.c ${LM_SCRUBFX} LIBS lmarchive)
lm_unit_test(test_scrub_opts SOURCES unit/test_scrub_opts.c LIBS lmarchive)
lm_unit_test(test_scrub_fuzz SOURCES unit/test_scrub_fuzz.c ${LM_SCRUBFX} LIBS lmarchive)

# The seed pipermail page reproduced through create, import and export.
lm_script_test(seed_page integration/seed_page.sh)
