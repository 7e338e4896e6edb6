# The performance model's inputs (common/tb_model.h) against what the
# kernels really do: a unit test of the counts (per-PE sums against work(),
# hand-computed fixtures), and test copies of triobench-mpi and
# triobench-hybrid with a PMPI counter (pmpi_count.c) whose per-iteration
# traffic, counted at 2 and 4 ranks, must equal each record's model_inputs.

add_executable(test_model ${CMAKE_CURRENT_LIST_DIR}/test_model.c
               ${PROJECT_SOURCE_DIR}/common/comm_single.c ${PROJECT_SOURCE_DIR}/common/threads_none.c
               ${TB_SERIAL_SOURCES})
target_link_libraries(test_model PRIVATE triobench_core)
triobench_flags(test_model)
add_test(NAME model.unit COMMAND test_model)

if(NOT MPI_C_FOUND OR NOT Python3_FOUND)
  return()
endif()

# Every <kernel>_run, wrapped so that only the drivers' traffic counts.
file(STRINGS ${PROJECT_SOURCE_DIR}/common/kernel_list.h tb_kernel_lines REGEX "^TB_KERNEL\\(")
set(tb_wraps "")
foreach(line ${tb_kernel_lines})
  string(REGEX REPLACE "^TB_KERNEL\\(([a-z0-9_]+)\\).*" "\\1" k "${line}")
  list(APPEND tb_wraps "-Wl,--wrap=${k}_run")
endforeach()

# triobench-<backend>-counted: the backend's executable plus the counter.
function(triobench_counted backend)
  cmake_parse_arguments(C "" "" "SOURCES;LIBS" ${ARGN})
  set(target triobench-${backend}-counted)
  add_executable(${target} ${PROJECT_SOURCE_DIR}/common/main.c
                 ${PROJECT_SOURCE_DIR}/common/tb_build.c ${C_SOURCES}
                 ${CMAKE_CURRENT_LIST_DIR}/pmpi_count.c)
  add_dependencies(${target} triobench_git_commit)
  target_link_libraries(${target} PRIVATE triobench_core ${C_LIBS})
  target_include_directories(${target} PRIVATE ${TB_GENERATED} ${TB_GENERATED}/${backend})
  target_link_options(${target} PRIVATE ${tb_wraps})
  triobench_flags(${target})
endfunction()
triobench_counted(mpi SOURCES ${PROJECT_SOURCE_DIR}/common/threads_none.c ${TB_MPI_DRIVERS}
                  LIBS triobench_mpi_comm)
triobench_counted(hybrid SOURCES ${TB_HYBRID_SOURCES} LIBS triobench_mpi_comm triobench_omp_team)

# The 2-D grid of tb_grid_dims against the library's MPI_Dims_create.
add_executable(test_model_dims ${CMAKE_CURRENT_LIST_DIR}/test_dims.c)
target_link_libraries(test_model_dims PRIVATE triobench_core MPI::MPI_C)
triobench_flags(test_model_dims)
add_test(NAME model.dims COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 1
         ${TB_TEST_MPIEXEC_FLAGS} $<TARGET_FILE:test_model_dims>)
set_tests_properties(model.dims PROPERTIES TIMEOUT 60 ENVIRONMENT "${TB_TEST_ENV}")

# model.<kernel>.<backend>.<ranks>r[.<threads>t]: check_counts.py runs the
# case with --iters 2 and 5 and compares (count(5) - count(2)) / 3 with the
# record's model_inputs.
function(triobench_model_count kernel backend ranks threads)
  cmake_parse_arguments(M "" "TAG" "ARGS" ${ARGN})
  set(name model.${kernel})
  if(M_TAG)
    set(name ${name}.${M_TAG})
  endif()
  set(name ${name}.${backend}.${ranks}r)
  if(backend STREQUAL "hybrid")
    set(name ${name}.${threads}t)
  endif()
  add_test(NAME ${name}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/check_counts.py
                   --launch ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks}
                   ${MPIEXEC_PREFLAGS} ${TB_TEST_MPIEXEC_FLAGS}
                   $<TARGET_FILE:triobench-${backend}-counted> ${MPIEXEC_POSTFLAGS}
                   --ranks ${ranks} -- ${kernel} ${M_ARGS})
  set_tests_properties(${name} PROPERTIES TIMEOUT 180
    ENVIRONMENT "${TB_TEST_ENV};OMP_NUM_THREADS=${threads};OMP_WAIT_POLICY=passive")
endfunction()

# Threads wait passively: these runs count calls, and spinning threads of
# two ranks on a shared 2-core machine make cg's thousands of barriers slow.
# Sizes that do not divide evenly, so that the busiest rank is rank 0 by a
# ragged share (a model that assumed equal shares would be off).
set(tb_model_cases
  "stencil|--size 203 --radius 2"
  "nstream|--size 100003"
  "transpose|--size 203 --tile 16"
  "dgemm|--size 201 --panel 32"
  "ep|--m 18"
  "cg|--class S --warmup 0"
  "peak|--size 1000003")
foreach(case ${tb_model_cases})
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 kernel)
  list(GET parts 1 args)
  separate_arguments(args)
  foreach(ranks 2 4)
    triobench_model_count(${kernel} mpi ${ranks} 1 ARGS ${args})
  endforeach()
  triobench_model_count(${kernel} hybrid 2 2 ARGS ${args})
endforeach()
