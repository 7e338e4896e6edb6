# nstream validates in every model: 4096 splits evenly over every rank and
# thread count used (in whole cache lines), 1001 does not.
triobench_validate(nstream SIZES 4096 1001 ARGS --iters 3 --warmup 1)
triobench_validate(nstream SIZES 77 ARGS --iters 2 RANKS 5 6 THREADS 5)

# Bad input: one clear line, in the model it concerns.
triobench_expect_error(NAME nstream.bad.fewer_elements_than_ranks BACKEND mpi RANKS 4
  MATCH "--size 3 is smaller than the 4 ranks: every rank needs at least one element"
  ARGS nstream --size 3)
triobench_expect_error(NAME nstream.bad.hybrid_fewer_elements_than_ranks BACKEND hybrid RANKS 3
  MATCH "--size 2 is smaller than the 3 ranks" ARGS nstream --size 2)
triobench_expect_error(NAME nstream.bad.zero_size BACKEND serial RANKS 1
  MATCH "--size: 0 is out of range" ARGS nstream --size 0)
triobench_expect_error(NAME nstream.bad.too_much_memory BACKEND omp RANKS 1
  MATCH "the problem needs .* but only .* is available" ARGS nstream --size 1e12)
