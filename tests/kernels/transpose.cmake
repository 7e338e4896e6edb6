# transpose validates in every model: 48 splits evenly over every rank and
# thread count used (in whole 4-row register blocks) and --tile 8 divides
# it; 37 divides by nothing and leaves ragged tiles and register blocks.
triobench_validate(transpose SIZES 48 37 ARGS --tile 8 --iters 3 --warmup 1)
# A tile that does not divide the blocks, and ranks with blocks of 1-2 rows.
triobench_validate(transpose SIZES 13 ARGS --tile 3 --iters 2 RANKS 5 6 THREADS 5)
# A tile larger than n is one tile: the untiled transpose.
triobench_run_test(NAME transpose.tile_above_n.serial BACKEND serial RANKS 1 THREADS 1
  ARGS transpose --size 20 --tile 64 --iters 2)
triobench_run_test(NAME transpose.tile_above_n.mpi.3r BACKEND mpi RANKS 3 THREADS 1
  ARGS transpose --size 20 --tile 64 --iters 2)

# Bad input: one clear line.
triobench_expect_error(NAME transpose.bad.zero_tile BACKEND omp RANKS 1
  MATCH "--tile: 0 is out of range" ARGS transpose --tile 0)
triobench_expect_error(NAME transpose.bad.fewer_rows_than_ranks BACKEND mpi RANKS 4
  MATCH "--size 3 over 4 ranks leaves ranks without a row block" ARGS transpose --size 3)
triobench_expect_error(NAME transpose.bad.hybrid_fewer_rows_than_ranks BACKEND hybrid RANKS 2
  MATCH "--size 1 over 2 ranks leaves ranks without a row block" ARGS transpose --size 1)
triobench_expect_error(NAME transpose.bad.too_much_memory BACKEND serial RANKS 1
  MATCH "the problem needs .* but only .* is available" ARGS transpose --size 1000000)
