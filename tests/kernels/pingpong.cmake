# Ping-pong: the message arrives intact at every size from 1 B, in every
# executable at 2-4 PEs, in both modes and every variant; the largest sizes
# once per model; bad sizes and too few PEs are refused.
include(${CMAKE_CURRENT_LIST_DIR}/../micro.cmake)
set(quick --target-time 20 --iters 3 --warmup 1)
triobench_micro(pingpong NAME latency ARGS --max-bytes 4096 ${quick}
  PES serial omp:2 omp:3 omp:4 mpi:2 mpi:3 mpi:4 hybrid:2x1 hybrid:2x2 hybrid:3x1)
triobench_micro(pingpong NAME bandwidth ARGS --mode bandwidth --window 8 --max-bytes 4096 ${quick}
  PES serial omp:2 omp:3 mpi:2 mpi:3 hybrid:2x1 hybrid:2x2)
triobench_micro(pingpong NAME handoff ARGS --variant handoff --max-bytes 4096 ${quick}
  PES omp:2 omp:4)
triobench_micro(pingpong NAME handoff_bandwidth
  ARGS --variant handoff --mode bandwidth --window 8 --max-bytes 4096 ${quick} PES omp:2)
triobench_micro(pingpong NAME multiple ARGS --variant multiple --max-bytes 4096 ${quick}
  PES hybrid:2x1 hybrid:2x2 hybrid:3x2)
triobench_micro(pingpong NAME multiple_bandwidth
  ARGS --variant multiple --mode bandwidth --window 8 --max-bytes 4096 ${quick} PES hybrid:2x2)
triobench_micro(pingpong NAME large ARGS --min-bytes 1048576 ${quick}
  PES serial omp:2 mpi:2 hybrid:2x2)

triobench_bad_sizes(pingpong MAX 4194304 BACKENDS serial mpi)
foreach(spec mpi:1:1 hybrid:1:2)
  string(REPLACE ":" ";" parts ${spec})
  list(GET parts 0 b)
  list(GET parts 2 t)
  triobench_expect_error(NAME pingpong.bad.${b}.one_rank BACKEND ${b} RANKS 1 THREADS ${t}
    MATCH "pingpong needs at least 2 ranks: run with mpirun -n 2" ARGS pingpong)
endforeach()
triobench_expect_error(NAME pingpong.bad.omp.one_thread BACKEND omp RANKS 1 THREADS 1
  MATCH "pingpong needs at least 2 threads" ARGS pingpong)
triobench_expect_error(NAME pingpong.bad.mpi.variant BACKEND mpi RANKS 2
  MATCH "--variant handoff does not apply to triobench-mpi, which takes auto"
  ARGS pingpong --variant handoff)
triobench_expect_error(NAME pingpong.bad.serial.variant BACKEND serial RANKS 1
  MATCH "--variant multiple does not apply to triobench-serial" ARGS pingpong --variant multiple)
triobench_expect_error(NAME pingpong.bad.hybrid.variant BACKEND hybrid RANKS 2 THREADS 2
  MATCH "--variant copy does not apply to triobench-hybrid" ARGS pingpong --variant copy)
triobench_expect_error(NAME pingpong.bad.omp.variant BACKEND omp RANKS 1 THREADS 2
  MATCH "--variant funneled does not apply to triobench-omp" ARGS pingpong --variant funneled)
triobench_expect_error(NAME pingpong.bad.stencil_range BACKEND serial RANKS 1
  MATCH "unknown option '--min-bytes'" ARGS stencil --min-bytes 8)

triobench_micro_records(pingpong SIZES 1:1024 ARGS --max-bytes 1024 ${quick}
  PES serial omp:2 mpi:2 hybrid:2x2)
