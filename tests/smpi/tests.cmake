# MPI on a simulated cluster with SimGrid's SMPI (docs/simulation.md).
# In an SMPI build (preset smpi, cmake/smpi.cmake): every MPI kernel validates
# under smpirun at 4 and 16 simulated ranks on platforms/cluster-ib.xml, and
# the serial baseline at 1; label smpi (`ctest --preset smpi` runs only these:
# the rest of the suite launches executables this build cannot run).
# In any other build: tests/smpi/run builds those executables in
# <build>/smpi, runs the tests above there and a sweep through
# --launcher smpi; skipped (77) without smpicc unless TRIOBENCH_REQUIRE_SMPI=1.
if(TRIOBENCH_SMPI)
  set(tb_smpi_platform ${PROJECT_SOURCE_DIR}/platforms/cluster-ib.xml)
  # Two ranks per node, in order: 4 ranks span 2 nodes and 16 span 8, so
  # that messages go both inside a node (loopback) and over the network.
  set(tb_smpi_hosts ${CMAKE_CURRENT_BINARY_DIR}/smpi-hosts.txt)
  set(tb_lines "")
  foreach(i RANGE 7)
    string(APPEND tb_lines "node-${i}\nnode-${i}\n")
  endforeach()
  file(WRITE ${tb_smpi_hosts} "${tb_lines}")
  set(tb_smpi_run ${MPIEXEC_EXECUTABLE} -platform ${tb_smpi_platform} -hostfile ${tb_smpi_hosts}
                  --log=root.thres:warning)
  set(tb_quick "--target-time 20 --iters 3 --warmup 1")
  # name|arguments: the sizes of tests/kernels/*.cmake, each run validates.
  set(tb_smpi_cases
    "stencil|stencil --size 120 --iters 4 --warmup 1"
    "nstream|nstream --size 4096 --iters 3 --warmup 1"
    "transpose|transpose --size 48 --tile 8 --iters 3 --warmup 1"
    "dgemm|dgemm --size 48 --panel 8 --iters 2 --warmup 1"
    "ep.static|ep --size S --schedule static"
    "ep.dynamic|ep --size S --schedule dynamic --chunk 3"
    "cg|cg --size S --iters 1 --warmup 0"
    "pingpong|pingpong --max-bytes 4096 ${tb_quick}"
    "allreduce|allreduce --max-bytes 65536 ${tb_quick}"
    "barrier|barrier ${tb_quick}"
    "halo|halo --size 120 ${tb_quick}")
  foreach(ranks 4 16)
    foreach(case ${tb_smpi_cases})
      string(REPLACE "|" ";" parts "${case}")
      list(GET parts 0 name)
      list(GET parts 1 text)
      separate_arguments(args UNIX_COMMAND "${text}")
      add_test(NAME smpi.${name}.${ranks}r
               COMMAND ${tb_smpi_run} -np ${ranks} $<TARGET_FILE:triobench-mpi> ${args})
      set_tests_properties(smpi.${name}.${ranks}r PROPERTIES LABELS smpi TIMEOUT 120)
    endforeach()
  endforeach()
  add_test(NAME smpi.stencil.serial
           COMMAND ${tb_smpi_run} -np 1 $<TARGET_FILE:triobench-serial> stencil --size 120 --iters 4)
  # The record of a simulated run says so (build.simulated), names the
  # simulated hosts (4 ranks on node-0 and node-1, the hostfile's order) and
  # the one process's memory (tests/smpi/check_record.py).
  add_test(NAME smpi.record
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/smpi/check_record.py
                   ${CMAKE_CURRENT_BINARY_DIR}/smpi-record.jsonl node-0,node-0,node-1,node-1
                   ${tb_smpi_run} -np 4 $<TARGET_FILE:triobench-mpi> stencil --size 120 --iters 2
                   --json ${CMAKE_CURRENT_BINARY_DIR}/smpi-record.jsonl)
  set_tests_properties(smpi.stencil.serial smpi.record PROPERTIES LABELS smpi TIMEOUT 120)
  # A hung worker on 3 simulated ranks: --ft detect ends with the loss named,
  # --ft reassign gives its tasks to the others and validates.
  foreach(ft detect reassign)
    add_test(NAME smpi.ft.${ft}.3r
             COMMAND ${tb_smpi_run} -np 3 $<TARGET_FILE:triobench-mpi> ep --size W --schedule dynamic --chunk 4
                     --inject-fault hang:rank=1,after=5 --ft ${ft} --ft-timeout 1)
  endforeach()
  set_tests_properties(smpi.ft.detect.3r PROPERTIES
    PASS_REGULAR_EXPRESSION "fault: detected; injected hang:rank=1,after=5; --ft detect .*answer NOT validated")
  set_tests_properties(smpi.ft.reassign.3r PROPERTIES
    PASS_REGULAR_EXPRESSION "fault: recovered; .*tasks reassigned.*answer validated")
  set_tests_properties(smpi.ft.detect.3r smpi.ft.reassign.3r PROPERTIES LABELS smpi TIMEOUT 120)
  # A simulated run that fails exits non-zero through smpirun
  # (tests/smpi/expect_status.py): bad input seen after MPI_Init (2, every
  # rank returns it from main; a failed validation takes the same path with
  # 3) and the loss --ft detect ends the job for (1: the simulation's one
  # process exits with it, where SMPI's MPI_Abort would end it with 0).
  set(tb_smpi_expect ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/smpi/expect_status.py)
  add_test(NAME smpi.status.input.4r
           COMMAND ${tb_smpi_expect} 2 "^triobench-mpi: error: --size 3 is too small"
                   ${tb_smpi_run} -np 4 $<TARGET_FILE:triobench-mpi> stencil --size 3)
  add_test(NAME smpi.status.ft-detect.3r
           COMMAND ${tb_smpi_expect} 1 "^triobench-mpi: error: worker rank 1 lost"
                   ${tb_smpi_run} -np 3 $<TARGET_FILE:triobench-mpi> ep --size W --schedule dynamic
                   --chunk 4 --inject-fault hang:rank=1,after=5 --ft detect --ft-timeout 1)
  set_tests_properties(smpi.status.input.4r smpi.status.ft-detect.3r PROPERTIES LABELS smpi TIMEOUT 120)
else()
  add_test(NAME smpi.build COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/smpi/run build ${CMAKE_BINARY_DIR}/smpi)
  add_test(NAME smpi.kernels COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/smpi/run test ${CMAKE_BINARY_DIR}/smpi)
  set_tests_properties(smpi.build PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77 FIXTURES_SETUP smpi)
  set_tests_properties(smpi.kernels PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77 FIXTURES_REQUIRED smpi)
  foreach(t bench.test_smpi_launcher bench.test_sim_preset)
    if(TEST ${t})
      set_tests_properties(${t} PROPERTIES FIXTURES_REQUIRED smpi)
    endif()
  endforeach()
endif()
