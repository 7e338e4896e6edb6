# NPB EP validates in every model at 1-4 PEs, with both schedules.
#  S   class S (m = 24, 256 batches: an uneven split over 3 PEs) against
#      NPB 3.4.2's sums and counts;
#  17  2 batches, fewer than most PE counts (some PEs get none), against
#      the independent recomputation (m is not a class);
#  19  8 batches in tasks of 3 (the last one short), likewise.
# The tests oversubscribe the cores: threads sleep at barriers and idle MPI
# ranks yield the core, or spinning waiters crowd out the ones with work.
set(tb_npb_env OMP_WAIT_POLICY=passive OMPI_MCA_mpi_yield_when_idle=1)
triobench_validate(ep TAG static SIZES S 17 ARGS --schedule static ENV ${tb_npb_env})
triobench_validate(ep TAG dynamic SIZES S 19 ARGS --schedule dynamic --chunk 3 ENV ${tb_npb_env})
# Class W (about a second), once per model at 2 PEs.
triobench_run_test(NAME ep.nW.serial BACKEND serial RANKS 1 THREADS 1 ARGS ep --size W)
triobench_run_test(NAME ep.nW.omp.2t BACKEND omp RANKS 1 THREADS 2 ARGS ep --class W
                   --schedule dynamic ENV ${tb_npb_env})
triobench_run_test(NAME ep.nW.mpi.2r BACKEND mpi RANKS 2 THREADS 1 ARGS ep --class W
                   --schedule dynamic ENV ${tb_npb_env})
triobench_run_test(NAME ep.nW.hybrid.2x1 BACKEND hybrid RANKS 2 THREADS 1 ARGS ep --class W
                   ENV ${tb_npb_env})

# Bad input: one clear line, a non-zero exit, in a single and a multi-rank run.
foreach(spec serial:1 mpi:2)
  string(REPLACE ":" ";" parts ${spec})
  list(GET parts 0 b)
  list(GET parts 1 r)
  triobench_expect_error(NAME ep.${b}.unknown_class BACKEND ${b} RANKS ${r}
    MATCH "--class: 'Q' is not one of S, W, A, B, C, D, E, none" ARGS ep --class Q)
  triobench_expect_error(NAME ep.${b}.class_conflict BACKEND ${b} RANKS ${r}
    MATCH "--class A means m = 28, but m = 26 was given" ARGS ep --class A --m 26)
  triobench_expect_error(NAME ep.${b}.unknown_size_name BACKEND ${b} RANKS ${r}
    MATCH "--size: 'X' is neither a whole number nor one of S, W, A, B, C, D, E" ARGS ep --size X)
  triobench_expect_error(NAME ep.${b}.m_too_small BACKEND ${b} RANKS ${r}
    MATCH "--m: 15 is out of range \\(16 to 40\\)" ARGS ep --m 15)
  triobench_expect_error(NAME ep.${b}.bad_schedule BACKEND ${b} RANKS ${r}
    MATCH "--schedule: 'guided' is not one of static, dynamic" ARGS ep --schedule guided)
  triobench_expect_error(NAME ep.${b}.zero_chunk BACKEND ${b} RANKS ${r}
    MATCH "--chunk: 0 is out of range" ARGS ep --chunk 0)
endforeach()
