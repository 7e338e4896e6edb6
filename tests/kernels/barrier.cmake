# Barrier: every PE passes every barrier, with the EPCC delay and without,
# in every executable at 1-4 PEs.
include(${CMAKE_CURRENT_LIST_DIR}/../micro.cmake)
set(quick --target-time 20 --iters 3 --warmup 1)
triobench_micro(barrier NAME delay ARGS ${quick} PES ${TB_MICRO_ALL_PES})
triobench_micro(barrier NAME no_delay ARGS --delay 0 ${quick} PES serial omp:2 mpi:2 hybrid:2x2)
triobench_expect_error(NAME barrier.bad.serial.delay BACKEND serial RANKS 1
  MATCH "--delay: -1 is out of range" ARGS barrier --delay -1)
