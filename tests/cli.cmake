# The command line: bad input gets one clear line and a non-zero exit in
# every executable; the record parses and has every field.
foreach(backend serial omp mpi hybrid)
  set(r 1)
  if(backend STREQUAL "mpi" OR backend STREQUAL "hybrid")
    set(r 2) # every rank must exit, and the message must appear once
  endif()
  set(b ${backend})
  triobench_expect_error(NAME cli.${b}.unknown_kernel BACKEND ${b} RANKS ${r}
    MATCH "unknown kernel 'nosuch'" ARGS nosuch)
  triobench_expect_error(NAME cli.${b}.unknown_option BACKEND ${b} RANKS ${r}
    MATCH "unknown option '--bogus'" ARGS stencil --bogus 3)
  triobench_expect_error(NAME cli.${b}.non_numeric BACKEND ${b} RANKS ${r}
    MATCH "--size: 'abc' is not a whole number" ARGS stencil --size abc)
  triobench_expect_error(NAME cli.${b}.zero_size BACKEND ${b} RANKS ${r}
    MATCH "--size: 0 is out of range" ARGS stencil --size 0)
  triobench_expect_error(NAME cli.${b}.negative_iters BACKEND ${b} RANKS ${r}
    MATCH "--iters: -3 is out of range" ARGS stencil --iters -3)
  triobench_expect_error(NAME cli.${b}.overflow BACKEND ${b} RANKS ${r}
    MATCH "--size: 99999999999999999999999 is too large" ARGS stencil --size 99999999999999999999999)
  triobench_expect_error(NAME cli.${b}.missing_value BACKEND ${b} RANKS ${r}
    MATCH "--iters needs a value" ARGS stencil --iters)
  triobench_expect_error(NAME cli.${b}.n_not_above_2r BACKEND ${b} RANKS ${r}
    MATCH "too small for radius 2" ARGS stencil --size 4)
  triobench_expect_error(NAME cli.${b}.too_much_memory BACKEND ${b} RANKS ${r}
    MATCH "the problem needs .* but only .* is available" ARGS stencil --size 900000000)
  triobench_expect_error(NAME cli.${b}.unwritable_json BACKEND ${b} RANKS ${r}
    MATCH "cannot write the --json file '/nonexistent/dir/x.jsonl'"
    ARGS stencil --size 50 --json /nonexistent/dir/x.jsonl)
  # A record that cannot be written (issue 16): one line, every rank ends
  # (a series ran on to its next size without rank 0 and hung).
  triobench_expect_error(NAME cli.${b}.record_unwritable BACKEND ${b} RANKS ${r}
    MATCH "cannot write the JSON record to '/dev/full' \\(--json\\): No space left on device"
    ARGS stencil --size 50 --json /dev/full)
  foreach(series pingpong allreduce)
    triobench_expect_error(NAME cli.${b}.series_unwritable.${series} BACKEND ${b} RANKS ${r}
      THREADS 2 MATCH "cannot write the JSON record to '/dev/full'"
      ARGS ${series} --min-bytes 8 --max-bytes 64 --target-time 10 --json /dev/full)
  endforeach()
  triobench_expect_error(NAME cli.${b}.no_kernel BACKEND ${b} RANKS ${r}
    MATCH "no kernel given" ARGS --iters 3)
  triobench_expect_error(NAME cli.${b}.bad_radius BACKEND ${b} RANKS ${r}
    MATCH "--radius: 9 is out of range" ARGS stencil --radius 9)
endforeach()
triobench_expect_error(NAME cli.serial.threads_refused BACKEND serial RANKS 1
  MATCH "runs one thread per process" ARGS stencil --threads 2)
triobench_expect_error(NAME cli.mpi.threads_refused BACKEND mpi RANKS 2
  MATCH "runs one thread per process" ARGS stencil --threads 2)
triobench_expect_error(NAME cli.mpi.grid_too_small BACKEND mpi RANKS 6
  MATCH "gives blocks 3 points wide, fewer than the radius 4" ARGS stencil --size 10 --radius 4)
triobench_expect_error(NAME cli.hybrid.grid_too_small BACKEND hybrid RANKS 3
  MATCH "a 3x1 grid of blocks\\) gives blocks 2 points wide, fewer than the radius 3"
  ARGS stencil --size 8 --radius 3)

# An MPI executable started without mpirun: its error is the one line (the
# note that it runs as 1 rank comes only after a run that succeeded).
if(MPI_C_FOUND)
  add_test(NAME cli.mpi.singleton_error
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/expect_error.sh "pingpong needs at least 2 ranks"
                   $<TARGET_FILE:triobench-mpi> pingpong)
  add_test(NAME cli.mpi.singleton_note COMMAND $<TARGET_FILE:triobench-mpi> stencil --size 50)
  set_tests_properties(cli.mpi.singleton_error cli.mpi.singleton_note PROPERTIES TIMEOUT 60
                       ENVIRONMENT "${TB_TEST_ENV}")
  set_tests_properties(cli.mpi.singleton_note PROPERTIES
                       PASS_REGULAR_EXPRESSION "note: ran as 1 rank.*mpirun -n N")
endif()

# The record: every field present and consistent, for every backend.
if(Python3_FOUND)
  foreach(spec serial:1:1 omp:1:2 mpi:3:1 hybrid:2:2)
    string(REPLACE ":" ";" parts ${spec})
    list(GET parts 0 b)
    list(GET parts 1 r)
    list(GET parts 2 t)
    if((b STREQUAL "mpi" OR b STREQUAL "hybrid") AND NOT MPI_C_FOUND)
      continue()
    endif()
    triobench_command(cmd ${b} ${r})
    add_test(NAME record.${b}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_record.py
                     --backend ${b} --ranks ${r} --threads ${t} -- ${cmd} stencil --size 64 --iters 3)
    set_tests_properties(record.${b} PROPERTIES TIMEOUT 90
      ENVIRONMENT "${TB_TEST_ENV};OMP_NUM_THREADS=${t}")
  endforeach()
  # A disk that fills during the write: the fragment is cut back (rank 0's
  # writer is the same in every executable; a file-size limit on mpirun
  # would stop the launcher itself).
  add_test(NAME record.full_file COMMAND ${Python3_EXECUTABLE}
           ${CMAKE_CURRENT_SOURCE_DIR}/check_full_file.py -- $<TARGET_FILE:triobench-serial>
           stencil --size 64 --iters 3)
  set_tests_properties(record.full_file PROPERTIES TIMEOUT 120)
  # The catalogue (--list --json) of every executable against its schema.
  foreach(b serial omp mpi hybrid)
    if(TARGET triobench-${b})
      add_test(NAME cli.list_json.${b} COMMAND ${Python3_EXECUTABLE}
               ${CMAKE_CURRENT_SOURCE_DIR}/check_list.py $<TARGET_FILE:triobench-${b}>)
    endif()
  endforeach()
endif()
add_test(NAME cli.help COMMAND triobench-omp --help)
set_tests_properties(cli.help PROPERTIES PASS_REGULAR_EXPRESSION "usage: triobench-omp <kernel>")
add_test(NAME cli.version COMMAND triobench-serial --version)
set_tests_properties(cli.version PROPERTIES PASS_REGULAR_EXPRESSION "^triobench-serial [0-9]+\\.[0-9]+\\.[0-9]+ ")

# No include cycle between the modules of the C code (issue 14).
if(Python3_FOUND)
  add_test(NAME cli.include_cycles COMMAND ${Python3_EXECUTABLE}
           ${CMAKE_CURRENT_SOURCE_DIR}/check_includes.py ${PROJECT_SOURCE_DIR})
endif()
