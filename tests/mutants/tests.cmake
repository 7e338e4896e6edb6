# The mutation test (issue 11; tests/mutants/README.md): every deliberate
# mistake in tests/mutants/table.py must fail validation (exit 3). It builds
# its own copies of the source (one unmutated build per worker, two workers;
# each mutant a fresh copy of it, rebuilt), and first runs each mistake's
# commands unmutated, where they must validate. It takes both cores: ctest
# runs nothing beside it.
# mutants.harness: the harness's own checks, and every anchor still matching
# the source exactly once (seconds, so a moved anchor shows at once).
if(Python3_FOUND AND MPI_C_FOUND)
  string(JOIN " " tb_mutants_flags ${MPIEXEC_PREFLAGS} ${TB_TEST_MPIEXEC_FLAGS})
  add_test(NAME mutants
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/mutants.py
                   --source ${PROJECT_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/mutants
                   --mpiexec ${MPIEXEC_EXECUTABLE} "--mpiexec-flags=${tb_mutants_flags}"
                   --cmake-arg=-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
                   --cmake-arg=-DMPI_C_COMPILER=${MPI_C_COMPILER}
                   --cmake-arg=-DTRIOBENCH_NATIVE=${TRIOBENCH_NATIVE})
  set_tests_properties(mutants PROPERTIES TIMEOUT 300 PROCESSORS 2 ENVIRONMENT "${TB_TEST_ENV}")
  add_test(NAME mutants.harness COMMAND ${Python3_EXECUTABLE} -m unittest -v test_harness
           WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
  set_tests_properties(mutants.harness PROPERTIES TIMEOUT 60)
endif()
