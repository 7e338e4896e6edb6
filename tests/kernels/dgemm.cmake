# dgemm validates in every model: 48 splits evenly over every process grid
# and thread grid used (in whole 6 x 8 micro-tiles) and --panel 8 divides
# it; 37 divides by nothing, so SUMMA's panels end early at owners' edges
# and every block has ragged micro-tiles.
triobench_validate(dgemm SIZES 48 37 ARGS --panel 8 --iters 2 --warmup 1)
# 5 and 6 ranks: 5x1 and 3x2 process grids; 5 threads.
triobench_validate(dgemm SIZES 23 ARGS --panel 3 --iters 2 RANKS 5 6 THREADS 5)
# A panel deeper than n is the whole k range in one step.
triobench_run_test(NAME dgemm.panel_above_n.mpi.4r BACKEND mpi RANKS 4 THREADS 1
  ARGS dgemm --size 30 --panel 100 --iters 2)

# Bad input: one clear line.
triobench_expect_error(NAME dgemm.bad.zero_panel BACKEND serial RANKS 1
  MATCH "--panel: 0 is out of range" ARGS dgemm --panel 0)
triobench_expect_error(NAME dgemm.bad.panel_too_deep BACKEND omp RANKS 1
  MATCH "--panel: 4096 is out of range \\(1 to 2048\\)" ARGS dgemm --panel 4096)
triobench_expect_error(NAME dgemm.bad.grid_without_rows BACKEND mpi RANKS 3
  MATCH "--size 2 over 3 ranks \\(a 3x1 process grid\\) leaves process rows without matrix rows"
  ARGS dgemm --size 2)
triobench_expect_error(NAME dgemm.bad.hybrid_grid_without_rows BACKEND hybrid RANKS 5
  MATCH "--size 4 over 5 ranks \\(a 5x1 process grid\\)" ARGS dgemm --size 4)
triobench_expect_error(NAME dgemm.bad.too_much_memory BACKEND mpi RANKS 2
  MATCH "the problem needs .* but only .* is available" ARGS dgemm --size 1000000)
