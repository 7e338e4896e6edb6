# peak validates in every model at 1-4 PEs: each lane must hold exactly its
# start value plus the FMAs its thread was given, and all lanes together the
# n FMAs of every iteration (tolerance 0).
#  4608     splits evenly over 1-4 PEs in whole rounds of every build's
#           lanes (128 with AVX-512, 48 with AVX2, 24 portable);
#  1000003  does not: every PE ends its block with a partial round;
#  4        one FMA per PE at 4 ranks, and at 5 threads one thread has none.
# The tests oversubscribe the cores: threads sleep at barriers and idle MPI
# ranks yield the core, or spinning waiters crowd out the ones with work.
set(tb_peak_env OMP_WAIT_POLICY=passive OMPI_MCA_mpi_yield_when_idle=1)
triobench_validate(peak SIZES 4608 1000003 ARGS --iters 3 --warmup 1 ENV ${tb_peak_env})
triobench_validate(peak SIZES 4 ARGS --iters 2 RANKS 4 THREADS 5 ENV ${tb_peak_env})

# The record: every field present and consistent, for a kernel that counts no bytes.
if(Python3_FOUND AND MPI_C_FOUND)
  triobench_command(cmd hybrid 2)
  add_test(NAME peak.record.hybrid
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/check_record.py
                   --backend hybrid --ranks 2 --threads 2 -- ${cmd} peak --size 100003 --iters 3)
  set_tests_properties(peak.record.hybrid PROPERTIES TIMEOUT 90
    ENVIRONMENT "${TB_TEST_ENV};OMP_NUM_THREADS=2;${tb_peak_env}")
endif()

# Bad input: one clear line on stderr and exit status 2 (not merely
# non-zero), in each model.
function(tb_peak_bad what backend ranks size match)
  triobench_expect_error(NAME peak.bad.${what}.${backend} BACKEND ${backend} RANKS ${ranks}
    MATCH "${match}" ARGS peak --size ${size})
  if((backend STREQUAL "mpi" OR backend STREQUAL "hybrid") AND NOT MPI_C_FOUND)
    return()
  endif()
  triobench_command(cmd ${backend} ${ranks})
  add_test(NAME peak.bad.${what}.${backend}.exit2
           COMMAND sh -c "\"$@\" >/dev/null 2>&1; s=$?; [ $s -eq 2 ] || { echo \"exit $s\"; exit 1; }"
                   sh ${cmd} peak --size ${size})
  set_tests_properties(peak.bad.${what}.${backend}.exit2 PROPERTIES TIMEOUT 90
    ENVIRONMENT "${TB_TEST_ENV};OMP_NUM_THREADS=1")
endfunction()
tb_peak_bad(zero serial 1 0 "--size: 0 is out of range")
tb_peak_bad(negative omp 1 -8 "--size: -8 is out of range")
tb_peak_bad(above_range mpi 2 1099511627777 "--size: 1099511627777 is out of range")
tb_peak_bad(overflow hybrid 2 99999999999999999999999
  "--size: 99999999999999999999999 is too large")
tb_peak_bad(not_a_number serial 1 1e3x "--size: '1e3x' is not a whole number")
tb_peak_bad(fewer_fmas_than_ranks mpi 4 3
  "--size 3 is smaller than the 4 ranks: every rank needs at least one FMA")
tb_peak_bad(fewer_fmas_than_ranks hybrid 3 2 "--size 2 is smaller than the 3 ranks")

# A native build on a CPU with FMA must run vector FMAs (the machine's
# ceiling, not a multiply and an add), and the record must say which.
if(TRIOBENCH_NATIVE AND EXISTS /proc/cpuinfo)
  file(STRINGS /proc/cpuinfo tb_peak_cpu_flags REGEX "^flags" LIMIT_COUNT 1)
  if(tb_peak_cpu_flags MATCHES " fma( |$)")
    add_test(NAME peak.native_uses_fma COMMAND triobench-serial peak --size 1000 --iters 1 --json -)
    set_tests_properties(peak.native_uses_fma PROPERTIES
      PASS_REGULAR_EXPRESSION "vfmadd on (zmm|ymm) registers[^\"]*\"[^}]*}, ?\"validated\": ?true")
  endif()
endif()
