"""bench/lab N: run coursework lab N (docs/labs/) through bench/sweep and write its answer sheet."""
