# Fuzzed command lines (issue 16; tests/fuzz/fuzz_argv.c): 100,000 argument
# vectors through the option parser and the kernels' checks in process,
# then a sample of real launches of every executable. Built with the
# project's flags, so the asan preset runs both under ASan and UBSan.
add_executable(fuzz_argv ${CMAKE_CURRENT_LIST_DIR}/fuzz_argv.c
               ${PROJECT_SOURCE_DIR}/common/comm_single.c ${PROJECT_SOURCE_DIR}/common/threads_none.c
               ${TB_SERIAL_SOURCES})
target_link_libraries(fuzz_argv PRIVATE triobench_core)
triobench_flags(fuzz_argv)
add_test(NAME fuzz.argv COMMAND fuzz_argv 100000 16)
set_tests_properties(fuzz.argv PROPERTIES TIMEOUT 600)

if(Python3_FOUND)
  set(tb_fuzz_executables $<TARGET_FILE:triobench-serial> $<TARGET_FILE:triobench-omp>)
  if(MPI_C_FOUND)
    list(APPEND tb_fuzz_executables $<TARGET_FILE:triobench-mpi> $<TARGET_FILE:triobench-hybrid>)
  endif()
  add_test(NAME fuzz.launch COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/fuzz_launch.py
           $<TARGET_FILE:fuzz_argv> 120 16 ${tb_fuzz_executables})
  set_tests_properties(fuzz.launch PROPERTIES TIMEOUT 1200 ENVIRONMENT "${TB_TEST_ENV}")
endif()

# Cases the launches found, kept. The OpenMP allreduce series (every size
# from 8 B to 1 MiB) crashed in about half the runs with --iters 2
# --warmup 0 (SIGSEGV in reduce_body, openmp/team.c; seed 16, 2 threads):
# each operation's private reduction copies stayed on the stack (fixed: reduce_once).
add_test(NAME fuzz.found.omp_allreduce_series
         COMMAND sh -c "for i in 1 2 3 4 5 6; do \"$0\" allreduce --iters 2 --warmup 0 >/dev/null || exit 1; done"
                 $<TARGET_FILE:triobench-omp>)
set_tests_properties(fuzz.found.omp_allreduce_series PROPERTIES TIMEOUT 300
                     ENVIRONMENT "OMP_NUM_THREADS=2")
