# Helpers for the micro-benchmarks' tests (tests/kernels/{pingpong,barrier,
# allreduce,halo}.cmake include this file).
include_guard(GLOBAL)

# A PE spec, "serial", "omp:T", "mpi:R" or "hybrid:RxT", as its backend,
# ranks, threads and a name suffix (".Tt", ".Rr", ".RxT").
function(triobench_micro_spec spec backend_out ranks_out threads_out suffix_out)
  string(REPLACE ":" ";" parts ${spec})
  list(GET parts 0 backend)
  set(ranks 1)
  set(threads 1)
  set(suffix "")
  list(LENGTH parts np)
  if(np GREATER 1)
    list(GET parts 1 shape)
    if(backend STREQUAL "omp")
      set(threads ${shape})
      set(suffix ".${shape}t")
    elseif(backend STREQUAL "mpi")
      set(ranks ${shape})
      set(suffix ".${shape}r")
    else()
      string(REPLACE "x" ";" rt ${shape})
      list(GET rt 0 ranks)
      list(GET rt 1 threads)
      set(suffix ".${shape}")
    endif()
  endif()
  set(${backend_out} ${backend} PARENT_SCOPE)
  set(${ranks_out} ${ranks} PARENT_SCOPE)
  set(${threads_out} ${threads} PARENT_SCOPE)
  set(${suffix_out} "${suffix}" PARENT_SCOPE)
endfunction()

# triobench_micro(kernel NAME tag PES spec... ARGS ...): one test per spec,
# named <kernel>.<tag><suffix>, passing when the run validates.
# The runs are oversubscribed on small machines, and a micro-benchmark spins
# while it waits: threads sleep at OpenMP barriers (OMP_WAIT_POLICY=passive)
# so that a waiting thread does not hold the core its partner needs.
function(triobench_micro kernel)
  cmake_parse_arguments(M "" "NAME" "PES;ARGS" ${ARGN})
  foreach(spec ${M_PES})
    triobench_micro_spec(${spec} backend ranks threads suffix)
    set(name ${kernel}.${M_NAME}.${backend}${suffix})
    triobench_run_test(NAME ${name} BACKEND ${backend} RANKS ${ranks} THREADS ${threads}
                       TIMEOUT 60 ARGS ${kernel} ${M_ARGS} ENV OMP_WAIT_POLICY=passive)
  endforeach()
endfunction()

# triobench_micro_records(kernel SIZES min:max PES spec... ARGS ...): a
# series run writes one record per size with its params.bytes, and one
# table row each (tests/check_series.py).
function(triobench_micro_records kernel)
  cmake_parse_arguments(M "" "SIZES" "PES;ARGS" ${ARGN})
  if(NOT Python3_FOUND)
    return()
  endif()
  foreach(spec ${M_PES})
    triobench_micro_spec(${spec} backend ranks threads suffix)
    if((backend STREQUAL "mpi" OR backend STREQUAL "hybrid") AND NOT MPI_C_FOUND)
      continue()
    endif()
    set(name ${kernel}.records.${backend}${suffix})
    triobench_command(cmd ${backend} ${ranks})
    add_test(NAME ${name}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/check_series.py
                     --sizes ${M_SIZES} -- ${cmd} ${kernel} ${M_ARGS})
    set_tests_properties(${name} PROPERTIES TIMEOUT 90
      ENVIRONMENT "${TB_TEST_ENV};OMP_NUM_THREADS=${threads};OMP_WAIT_POLICY=passive")
  endforeach()
endfunction()

# Every executable at 1 to 4 PEs, as triobench_validate runs the kernels.
set(TB_MICRO_ALL_PES serial omp:1 omp:2 omp:3 omp:4 mpi:1 mpi:2 mpi:3 mpi:4
                     hybrid:1x1 hybrid:1x2 hybrid:2x1 hybrid:2x2 hybrid:3x1 hybrid:1x3)

# triobench_bad_sizes(kernel MAX x BACKENDS b...): 0, above the maximum,
# min > max, not a power of two, one size and a range at once: each refused
# with one clear line (the parser is common/, so two executables suffice:
# one process, and MPI whose ranks must agree on one line).
function(triobench_bad_sizes kernel)
  cmake_parse_arguments(B "" "MAX" "BACKENDS" ${ARGN})
  math(EXPR above "${B_MAX} * 2")
  foreach(backend ${B_BACKENDS})
    set(r 1)
    if(backend STREQUAL "mpi" OR backend STREQUAL "hybrid")
      set(r 2)
    endif()
    set(n ${kernel}.bad.${backend})
    triobench_expect_error(NAME ${n}.zero BACKEND ${backend} RANKS ${r}
      MATCH "--min-bytes: 0 is out of range" ARGS ${kernel} --min-bytes 0)
    triobench_expect_error(NAME ${n}.above_max BACKEND ${backend} RANKS ${r}
      MATCH "--max-bytes: ${above} is out of range \\(.* to ${B_MAX}\\)"
      ARGS ${kernel} --max-bytes ${above})
    triobench_expect_error(NAME ${n}.min_above_max BACKEND ${backend} RANKS ${r}
      MATCH "--min-bytes 1024 is larger than --max-bytes 512"
      ARGS ${kernel} --min-bytes 1024 --max-bytes 512)
    triobench_expect_error(NAME ${n}.not_power_of_two BACKEND ${backend} RANKS ${r}
      MATCH "--bytes: 24 is not a power of two" ARGS ${kernel} --bytes 24)
    triobench_expect_error(NAME ${n}.size_and_range BACKEND ${backend} RANKS ${r}
      MATCH "--bytes \\(one size\\) and --min-bytes/--max-bytes \\(a range\\) exclude each other"
      ARGS ${kernel} --bytes 64 --max-bytes 128)
  endforeach()
endfunction()
