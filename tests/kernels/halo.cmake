# Halo: every ghost point with a neighbour holds the neighbour's value, in
# every executable at 1-4 PEs, on a grid that divides evenly and one that
# does not; blocks thinner than the halo are refused.
include(${CMAKE_CURRENT_LIST_DIR}/../micro.cmake)
set(quick --target-time 20 --iters 3 --warmup 1)
foreach(n 120 101)
  triobench_micro(halo NAME n${n} ARGS --size ${n} ${quick} PES ${TB_MICRO_ALL_PES})
endforeach()
triobench_micro(halo NAME radius3 ARGS --size 61 --radius 3 ${quick} PES omp:6 mpi:6 hybrid:6x1)
triobench_expect_error(NAME halo.bad.omp.thin_blocks BACKEND omp RANKS 1 THREADS 3
  MATCH "--size 4 over 3 threads \\(a 3x1 grid of blocks\\) gives blocks 1 points wide, fewer than the radius 2"
  ARGS halo --size 4)
triobench_expect_error(NAME halo.bad.mpi.thin_blocks BACKEND mpi RANKS 3
  MATCH "--size 4 over 3 ranks \\(a 3x1 grid of blocks\\) gives blocks 1 points wide, fewer than the radius 2"
  ARGS halo --size 4)
