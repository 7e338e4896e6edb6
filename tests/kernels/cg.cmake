# NPB CG validates in every model at 1-4 PEs at class S (1400 rows: an
# uneven split over 3 and 4 PEs) against NPB 3.4.2's zeta, one solve each.
# CG synchronises about 80 times per outer iteration and the tests
# oversubscribe the cores: threads sleep at barriers and idle Open MPI ranks
# yield (the environment below), or spinning waiters crowd out the ones with
# work.
set(tb_cg_env OMP_WAIT_POLICY=passive OMPI_MCA_mpi_yield_when_idle=1)
triobench_validate(cg SIZES S ARGS --iters 1 --warmup 0 ENV ${tb_cg_env})
# Repetitions start again from x = 1 and each one's zeta is checked (the
# defaults: one untimed, one timed; here two timed).
triobench_run_test(NAME cg.repeat.omp.2t BACKEND omp RANKS 1 THREADS 2 ARGS cg --iters 2
                   ENV ${tb_cg_env})
triobench_run_test(NAME cg.repeat.mpi.2r BACKEND mpi RANKS 2 THREADS 1 ARGS cg --iters 2
                   ENV ${tb_cg_env})
# Class W (about 0.2 s a solve), once per model at 2 PEs.
triobench_run_test(NAME cg.nW.serial BACKEND serial RANKS 1 THREADS 1 ARGS cg --class W)
triobench_run_test(NAME cg.nW.omp.2t BACKEND omp RANKS 1 THREADS 2 ARGS cg --class W --warmup 0
                   ENV ${tb_cg_env})
triobench_run_test(NAME cg.nW.mpi.2r BACKEND mpi RANKS 2 THREADS 1 ARGS cg --size W --warmup 0
                   ENV ${tb_cg_env})
triobench_run_test(NAME cg.nW.hybrid.1x2 BACKEND hybrid RANKS 1 THREADS 2 ARGS cg --class W --warmup 0
                   ENV ${tb_cg_env})

foreach(spec serial:1 mpi:2)
  string(REPLACE ":" ";" parts ${spec})
  list(GET parts 0 b)
  list(GET parts 1 r)
  triobench_expect_error(NAME cg.${b}.unknown_class BACKEND ${b} RANKS ${r}
    MATCH "--class: 'D' is not one of S, W, A, B, C" ARGS cg --class D)
  triobench_expect_error(NAME cg.${b}.numeric_size BACKEND ${b} RANKS ${r}
    MATCH "--size: '1400' is not one of S, W, A, B, C" ARGS cg --size 1400)
endforeach()
