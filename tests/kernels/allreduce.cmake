# Allreduce: every element of the result is the exact sum at every size from
# 8 B, in every executable at 1-4 PEs; bad sizes are refused.
include(${CMAKE_CURRENT_LIST_DIR}/../micro.cmake)
set(quick --target-time 20 --iters 3 --warmup 1)
triobench_micro(allreduce NAME sizes ARGS --max-bytes 65536 ${quick} PES ${TB_MICRO_ALL_PES})
triobench_micro(allreduce NAME no_delay ARGS --delay 0 --min-bytes 512 --max-bytes 1048576 ${quick}
  PES serial omp:3 mpi:3 hybrid:2x2)
triobench_bad_sizes(allreduce MAX 1048576 BACKENDS omp hybrid)
triobench_expect_error(NAME allreduce.bad.serial.below_one_double BACKEND serial RANKS 1
  MATCH "--min-bytes: 4 is out of range \\(8 to 1048576\\)" ARGS allreduce --min-bytes 4)
triobench_micro_records(allreduce SIZES 8:256 ARGS --max-bytes 256 ${quick} PES mpi:3 hybrid:2x2)
